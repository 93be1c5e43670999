/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_cbor_reader.h"

#include <errno.h>
#include <string.h>

#include <cbor.h>

/* libcbor's callbacks: each records the item in the context. */

static void set_int(void *c, enum codec_cbor_kind kind, uint64_t v)
{
	struct codec_cbor_item *it = c;

	it->kind = kind;
	it->u = v;
}

static void set_kind(void *c, enum codec_cbor_kind kind)
{
	((struct codec_cbor_item *)c)->kind = kind;
}

static void set_string(void *c, enum codec_cbor_kind kind, cbor_data p,
		       size_t n)
{
	struct codec_cbor_item *it = c;

	it->kind = kind;
	it->ptr = p;
	it->len = n;
}

static void on_uint8(void *c, uint8_t v)
{
	set_int(c, CCBOR_UINT, v);
}

static void on_uint16(void *c, uint16_t v)
{
	set_int(c, CCBOR_UINT, v);
}

static void on_uint32(void *c, uint32_t v)
{
	set_int(c, CCBOR_UINT, v);
}

static void on_uint64(void *c, uint64_t v)
{
	set_int(c, CCBOR_UINT, v);
}

static void on_negint8(void *c, uint8_t v)
{
	set_int(c, CCBOR_NEGINT, v);
}

static void on_negint16(void *c, uint16_t v)
{
	set_int(c, CCBOR_NEGINT, v);
}

static void on_negint32(void *c, uint32_t v)
{
	set_int(c, CCBOR_NEGINT, v);
}

static void on_negint64(void *c, uint64_t v)
{
	set_int(c, CCBOR_NEGINT, v);
}

static void on_bytes(void *c, cbor_data p, size_t n)
{
	set_string(c, CCBOR_BYTES, p, n);
}

static void on_text(void *c, cbor_data p, size_t n)
{
	set_string(c, CCBOR_TEXT, p, n);
}

static void on_indef_string(void *c)
{
	set_kind(c, CCBOR_INDEF_STRING);
}

/* The count is re-read from the head in codec_cbor_next(). */
static void on_array(void *c, size_t n)
{
	(void)n;
	set_kind(c, CCBOR_ARRAY);
}

static void on_indef_array(void *c)
{
	set_kind(c, CCBOR_INDEF_ARRAY);
}

static void on_map(void *c, size_t n)
{
	(void)n;
	set_kind(c, CCBOR_MAP);
}

static void on_indef_map(void *c)
{
	set_kind(c, CCBOR_INDEF_MAP);
}

static void on_tag(void *c, uint64_t v)
{
	set_int(c, CCBOR_TAG, v);
}

static void on_float(void *c, float f)
{
	set_kind(c, CCBOR_FLOAT);
	((struct codec_cbor_item *)c)->d = f;
}

static void on_double(void *c, double d)
{
	set_kind(c, CCBOR_FLOAT);
	((struct codec_cbor_item *)c)->d = d;
}

static void on_simple(void *c)
{
	set_kind(c, CCBOR_SIMPLE);
}

static void on_bool(void *c, bool b)
{
	set_kind(c, CCBOR_BOOL);
	((struct codec_cbor_item *)c)->b = b;
}

static void on_break(void *c)
{
	set_kind(c, CCBOR_BREAK);
}

static const struct cbor_callbacks callbacks = {
	.uint8 = on_uint8,
	.uint16 = on_uint16,
	.uint32 = on_uint32,
	.uint64 = on_uint64,
	.negint8 = on_negint8,
	.negint16 = on_negint16,
	.negint32 = on_negint32,
	.negint64 = on_negint64,
	.byte_string_start = on_indef_string,
	.byte_string = on_bytes,
	.string = on_text,
	.string_start = on_indef_string,
	.indef_array_start = on_indef_array,
	.array_start = on_array,
	.indef_map_start = on_indef_map,
	.map_start = on_map,
	.tag = on_tag,
	.float2 = on_float,
	.float4 = on_float,
	.float8 = on_double,
	.undefined = on_simple,
	.null = on_simple,
	.boolean = on_bool,
	.indef_break = on_break,
};

/* The argument of the head at p, read from the bytes themselves: libcbor
 * passes counts as size_t, which drops the high half of a 64-bit count
 * on 32-bit targets (OpenWrt). */
static uint64_t head_arg(const uint8_t *p)
{
	unsigned ai = p[0] & 0x1fu, n;
	uint64_t v = 0;

	if (ai < 24)
		return ai;
	n = 1u << (ai - 24); /* 24..27: 1, 2, 4, 8 bytes */
	for (unsigned i = 1; i <= n; i++)
		v = (v << 8) | p[i];
	return v;
}

int codec_cbor_next(struct codec_cbor_reader *r, struct codec_cbor_item *it)
{
	struct cbor_decoder_result res;
	size_t start = r->pos;

	memset(it, 0, sizeof(*it));
	if (r->pos >= r->len)
		return -EBADMSG;
	res = cbor_stream_decode(r->buf + r->pos, r->len - r->pos, &callbacks,
				 it);
	if (res.status != CBOR_DECODER_FINISHED || res.read == 0 ||
	    res.read > r->len - r->pos || it->kind == CCBOR_INVALID)
		return -EBADMSG;
	r->pos += res.read;
	if (it->kind == CCBOR_ARRAY || it->kind == CCBOR_MAP)
		it->u = head_arg(r->buf + start);
	return 0;
}

int codec_cbor_skip(struct codec_cbor_reader *r,
		    const struct codec_cbor_item *it, unsigned depth)
{
	struct codec_cbor_item sub;
	bool indef = false;
	uint64_t per = 1;
	int err;

	switch (it->kind) {
	case CCBOR_INDEF_MAP:
		indef = true;
		per = 2;
		break;
	case CCBOR_MAP: per = 2; break;
	case CCBOR_INDEF_ARRAY: indef = true; break;
	case CCBOR_ARRAY: break;
	case CCBOR_TAG:
		if (depth >= CODEC_CBOR_MAX_DEPTH)
			return -EBADMSG;
		err = codec_cbor_next(r, &sub);
		return err ? err : codec_cbor_skip(r, &sub, depth + 1);
	case CCBOR_INDEF_STRING:
	case CCBOR_BREAK:
	case CCBOR_INVALID: return -EBADMSG;
	case CCBOR_UINT:
	case CCBOR_NEGINT:
	case CCBOR_BYTES:
	case CCBOR_TEXT:
	case CCBOR_FLOAT:
	case CCBOR_BOOL:
	case CCBOR_SIMPLE: return 0;
	}
	if (depth >= CODEC_CBOR_MAX_DEPTH)
		return -EBADMSG;
	for (uint64_t i = 0; indef || i < it->u; i++) {
		for (uint64_t k = 0; k < per; k++) {
			err = codec_cbor_next(r, &sub);
			if (err)
				return err;
			if (indef && k == 0 && sub.kind == CCBOR_BREAK)
				return 0;
			err = codec_cbor_skip(r, &sub, depth + 1);
			if (err)
				return err;
		}
	}
	return 0;
}

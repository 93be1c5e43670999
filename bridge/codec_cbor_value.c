/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_cbor_value.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <cbor.h>

#include "codec_cbor_reader.h"
#include "codec_senml_common.h"

/* RFC 8949 §3.4.2: epoch-based date/time. */
#define TAG_EPOCH_TIME 1

/* ---- encoding ---------------------------------------------------------- */

/* True if f is zero or a normal half-precision number. */
static bool half_exact(float f)
{
	uint32_t bits;
	int exp;

	memcpy(&bits, &f, sizeof(bits));
	if ((bits & 0x7fffffffu) == 0)
		return true;
	exp = (int)((bits >> 23) & 0xff) - 127;
	return exp >= -14 && exp <= 15 && (bits & 0x1fffu) == 0;
}

static size_t put_float(double d, uint8_t *buf, size_t cap)
{
	float f;

	if (d < -FLT_MAX || d > FLT_MAX || (double)(f = (float)d) != d)
		return cbor_encode_double(d, buf, cap);
	if (half_exact(f))
		return cbor_encode_half(f, buf, cap);
	return cbor_encode_single(f, buf, cap);
}

static size_t put_int(int64_t v, uint8_t *buf, size_t cap)
{
	if (v >= 0)
		return cbor_encode_uint((uint64_t)v, buf, cap);
	return cbor_encode_negint((uint64_t)(-(v + 1)), buf, cap);
}

/* A text or byte string: the head start() writes, then the n bytes. */
static int put_string(size_t (*start)(size_t, unsigned char *, size_t),
		      const void *s, size_t n, uint8_t *buf, size_t cap)
{
	size_t h = start(n, buf, cap);

	if (h == 0 || n > cap - h)
		return -ENOBUFS;
	if (n)
		memcpy(buf + h, s, n);
	return (int)(h + n);
}

int cbor_value_encode(const struct lwb_value *v, uint8_t *buf, size_t cap)
{
	char lnk[16];
	size_t n = 0, t;
	int r;

	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		return put_string(cbor_encode_string_start, v->v.bytes.ptr,
				  v->v.bytes.len, buf, cap);
	case LWB_TYPE_OPAQUE:
		return put_string(cbor_encode_bytestring_start, v->v.bytes.ptr,
				  v->v.bytes.len, buf, cap);
	case LWB_TYPE_OBJLNK:
		r = senml_objlnk_format(v->v.lnk, lnk, sizeof(lnk));
		if (r < 0)
			return -EINVAL;
		return put_string(cbor_encode_string_start, lnk, (size_t)r, buf,
				  cap);
	case LWB_TYPE_INTEGER: n = put_int(v->v.i, buf, cap); break;
	case LWB_TYPE_UNSIGNED: n = cbor_encode_uint(v->v.u, buf, cap); break;
	case LWB_TYPE_BOOLEAN: n = cbor_encode_bool(v->v.b, buf, cap); break;
	case LWB_TYPE_FLOAT:
		if (!isfinite(v->v.f))
			return -EINVAL;
		n = put_float(v->v.f, buf, cap);
		break;
	case LWB_TYPE_TIME:
		t = cbor_encode_tag(TAG_EPOCH_TIME, buf, cap);
		if (t == 0)
			return -ENOBUFS;
		n = put_int(v->v.i, buf + t, cap - t);
		if (n)
			n += t;
		break;
	case LWB_TYPE_NONE:
	default: return -EINVAL;
	}
	return n ? (int)n : -ENOBUFS;
}

/* ---- decoding ---------------------------------------------------------- */

/* A number item as the integer it is: -ERANGE for a non-integral float
 * or one outside both int64 and uint64, -EBADMSG for a non-number.
 * u holds it when is_unsigned, else i (negative). */
struct num {
	bool is_unsigned;
	int64_t i;
	uint64_t u;
};

static int integral(const struct codec_cbor_item *it, struct num *out)
{
	if (it->kind == CCBOR_UINT) {
		out->is_unsigned = true;
		out->u = it->u;
		return 0;
	}
	if (it->kind == CCBOR_NEGINT) {
		if (it->u > (uint64_t)INT64_MAX)
			return -ERANGE;
		out->is_unsigned = false;
		out->i = -1 - (int64_t)it->u;
		return 0;
	}
	if (it->kind != CCBOR_FLOAT)
		return -EBADMSG;
	if (!isfinite(it->d) || it->d != trunc(it->d))
		return -ERANGE;
	if (it->d >= 0 && it->d < 18446744073709551616.0) {
		out->is_unsigned = true;
		out->u = (uint64_t)it->d;
		return 0;
	}
	if (it->d < 0 && it->d >= -9223372036854775808.0) {
		out->is_unsigned = false;
		out->i = (int64_t)it->d;
		return 0;
	}
	return -ERANGE;
}

/* The number as int64 (Integer, Time). */
static int as_int64(const struct codec_cbor_item *it, int64_t *out)
{
	struct num n;
	int rc = integral(it, &n);

	if (rc < 0)
		return rc;
	if (n.is_unsigned) {
		if (n.u > (uint64_t)INT64_MAX)
			return -ERANGE;
		*out = (int64_t)n.u;
	} else {
		*out = n.i;
	}
	return 0;
}

static int decode_item(struct codec_cbor_reader *r,
		       const struct codec_cbor_item *it, enum lwb_type type,
		       struct lwb_value *v)
{
	struct codec_cbor_item inner;
	struct num n;
	int rc;

	v->type = type;
	switch (type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		if (it->kind != CCBOR_TEXT ||
		    !senml_utf8_valid(it->ptr, it->len))
			return -EBADMSG;
		v->v.bytes.ptr = it->ptr;
		v->v.bytes.len = it->len;
		return 0;
	case LWB_TYPE_OPAQUE:
		if (it->kind != CCBOR_BYTES)
			return -EBADMSG;
		v->v.bytes.ptr = it->ptr;
		v->v.bytes.len = it->len;
		return 0;
	case LWB_TYPE_OBJLNK:
		if (it->kind != CCBOR_TEXT)
			return -EBADMSG;
		return senml_objlnk_parse((const char *)it->ptr, it->len,
					  &v->v.lnk);
	case LWB_TYPE_BOOLEAN:
		if (it->kind != CCBOR_BOOL)
			return -EBADMSG;
		v->v.b = it->b;
		return 0;
	case LWB_TYPE_FLOAT:
		if (it->kind == CCBOR_FLOAT) {
			if (!isfinite(it->d))
				return -ERANGE;
			v->v.f = it->d;
		} else if (it->kind == CCBOR_UINT) {
			v->v.f = (double)it->u;
		} else if (it->kind == CCBOR_NEGINT) {
			v->v.f = -1.0 - (double)it->u;
		} else {
			return -EBADMSG;
		}
		return 0;
	case LWB_TYPE_INTEGER: return as_int64(it, &v->v.i);
	case LWB_TYPE_UNSIGNED:
		if ((rc = integral(it, &n)) < 0)
			return rc;
		if (!n.is_unsigned)
			return -ERANGE;
		v->v.u = n.u;
		return 0;
	case LWB_TYPE_TIME:
		if (it->kind != CCBOR_TAG)
			return as_int64(it, &v->v.i);
		if (it->u != TAG_EPOCH_TIME || codec_cbor_next(r, &inner) < 0 ||
		    inner.kind == CCBOR_TAG)
			return -EBADMSG;
		return as_int64(&inner, &v->v.i);
	case LWB_TYPE_NONE: return -ENOENT;
	}
	return -EINVAL;
}

int cbor_value_decode(const uint8_t *buf, size_t len, enum lwb_type type,
		      struct lwb_value *out)
{
	struct codec_cbor_reader r = {.buf = buf, .len = len};
	struct codec_cbor_item it;
	struct lwb_value v;
	int rc;

	if (type == LWB_TYPE_NONE)
		return -ENOENT;
	if (type < LWB_TYPE_NONE || type > LWB_TYPE_CORELNK)
		return -EINVAL;
	if ((rc = codec_cbor_next(&r, &it)) < 0)
		return rc;
	if ((rc = decode_item(&r, &it, type, &v)) < 0)
		return rc;
	if (r.pos != r.len)
		return -EBADMSG;
	*out = v;
	return 0;
}

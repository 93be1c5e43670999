/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_senml_cbor.h"

#include <errno.h>
#include <float.h>
#include <string.h>

#include <cbor.h>

#include "codec_cbor_reader.h"
#include "codec_senml_common.h"

/* RFC 8428 Table 6 labels. */
enum {
	L_BVER = -1,
	L_BN = -2,
	L_BT = -3,
	L_BU = -4,
	L_BV = -5,
	L_BS = -6,
	L_N = 0,
	L_U = 1,
	L_V = 2,
	L_VS = 3,
	L_VB = 4,
	L_S = 5,
	L_T = 6,
	L_UT = 7,
	L_VD = 8,
};

/* ---- encoding ---------------------------------------------------------- */

struct cw {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

/* Accounts for n bytes written by a cbor_encode_* call (0: no room). */
static void put(struct cw *w, size_t n)
{
	if (w->err)
		return;
	if (n == 0)
		w->err = -ENOBUFS;
	else
		w->len += n;
}

#define ROOM(w) ((w)->buf + (w)->len), ((w)->cap - (w)->len)

static void put_int(struct cw *w, int64_t v)
{
	if (w->err)
		return;
	if (v >= 0)
		put(w, cbor_encode_uint((uint64_t)v, ROOM(w)));
	else
		put(w, cbor_encode_negint((uint64_t)(-(v + 1)), ROOM(w)));
}

static void put_uint(struct cw *w, uint64_t v)
{
	if (!w->err)
		put(w, cbor_encode_uint(v, ROOM(w)));
}

/* Writes the head that start() makes for n bytes, then the n bytes of s:
 * a text string or a byte string. */
static void put_string(struct cw *w,
		       size_t (*start)(size_t, unsigned char *, size_t),
		       const void *s, size_t n)
{
	if (w->err)
		return;
	put(w, start(n, ROOM(w)));
	if (w->err)
		return;
	if (n > w->cap - w->len) {
		w->err = -ENOBUFS;
		return;
	}
	if (n)
		memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_text(struct cw *w, const void *s, size_t n)
{
	put_string(w, cbor_encode_string_start, s, n);
}

static void put_bytes(struct cw *w, const void *s, size_t n)
{
	put_string(w, cbor_encode_bytestring_start, s, n);
}

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

/* The shortest float that holds d exactly (d is finite). */
static void put_float(struct cw *w, double d)
{
	float f;

	if (w->err)
		return;
	if (d < -FLT_MAX || d > FLT_MAX || (double)(f = (float)d) != d) {
		put(w, cbor_encode_double(d, ROOM(w)));
		return;
	}
	if (half_exact(f))
		put(w, cbor_encode_half(f, ROOM(w)));
	else
		put(w, cbor_encode_single(f, ROOM(w)));
}

/* A time: an integer when it is whole seconds, else a float. */
static void put_number(struct cw *w, double d)
{
	if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
	    (double)(int64_t)d == d)
		put_int(w, (int64_t)d);
	else
		put_float(w, d);
}

static void put_value(struct cw *w, const struct lwb_value *v)
{
	char lnk[16];
	int n;

	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		put_int(w, L_VS);
		put_text(w, v->v.bytes.ptr, v->v.bytes.len);
		return;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME:
		put_int(w, L_V);
		put_int(w, v->v.i);
		return;
	case LWB_TYPE_UNSIGNED:
		put_int(w, L_V);
		put_uint(w, v->v.u);
		return;
	case LWB_TYPE_FLOAT:
		put_int(w, L_V);
		put_float(w, v->v.f);
		return;
	case LWB_TYPE_BOOLEAN:
		put_int(w, L_VB);
		if (!w->err)
			put(w, cbor_encode_bool(v->v.b, ROOM(w)));
		return;
	case LWB_TYPE_OPAQUE:
		put_int(w, L_VD);
		put_bytes(w, v->v.bytes.ptr, v->v.bytes.len);
		return;
	case LWB_TYPE_OBJLNK:
		put_text(w, "vlo", 3);
		n = senml_objlnk_format(v->v.lnk, lnk, sizeof(lnk));
		put_text(w, lnk, n > 0 ? (size_t)n : 0);
		return;
	case LWB_TYPE_NONE: break;
	}
	if (!w->err)
		w->err = -EINVAL; /* senml_plan_make() has refused these */
}

int senml_cbor_encode(const struct path *base, const struct record *recs,
		      size_t n, const double *base_time, uint8_t *buf,
		      size_t cap)
{
	struct senml_plan plan;
	struct cw w = {.buf = buf, .cap = cap};
	int err;

	err = senml_plan_make(base, recs, n, base_time, &plan);
	if (err)
		return err;
	put(&w, cbor_encode_array_start(n, ROOM(&w)));
	for (size_t i = 0; i < n && !w.err; i++) {
		const struct record *r = &recs[i];
		bool t = r->has_time && (!plan.has_bt || r->time != plan.bt);
		size_t keys = 1 + plan.names + t;

		if (i == 0)
			keys += 1 + plan.has_bt;
		put(&w, cbor_encode_map_start(keys, ROOM(&w)));
		if (i == 0) {
			put_int(&w, L_BN);
			put_text(&w, plan.bn, plan.bn_len);
			if (plan.has_bt) {
				put_int(&w, L_BT);
				put_number(&w, plan.bt);
			}
		}
		if (plan.names) {
			char name[SENML_NAME_MAX];
			int len = senml_rel_name(&r->path, plan.name_from, name,
						 sizeof(name));

			put_int(&w, L_N);
			put_text(&w, name, len > 0 ? (size_t)len : 0);
		}
		put_value(&w, &r->value);
		if (t) {
			put_int(&w, L_T);
			put_number(&w, r->time - plan.bt);
		}
	}
	if (w.err)
		return w.err;
	return w.len > INT32_MAX ? -ENOBUFS : (int)w.len;
}

/* ---- decoding ---------------------------------------------------------- */

static int number(const struct codec_cbor_item *it, struct senml_wire *w)
{
	memset(w, 0, sizeof(*w));
	w->kind = SENML_NUMBER;
	if (it->kind == CCBOR_UINT) {
		w->integral = true;
		w->mag = it->u;
		w->d = (double)it->u;
	} else if (it->kind == CCBOR_NEGINT) {
		w->integral = w->negative = true;
		w->mag = it->u;
		w->d = -1.0 - (double)it->u;
	} else if (it->kind == CCBOR_FLOAT) {
		w->d = it->d;
	} else {
		return -EBADMSG;
	}
	return 0;
}

/* Bits for the duplicate check, one per field we read. */
enum {
	F_BN = 1 << 0,
	F_BT = 1 << 1,
	F_N = 1 << 2,
	F_V = 1 << 3,
	F_VS = 1 << 4,
	F_VB = 1 << 5,
	F_VD = 1 << 6,
	F_T = 1 << 7,
	F_VLO = 1 << 8,
	F_BVER = 1 << 9,
};

/* Reads the value item of the field with integer label `label`. */
static int int_field(struct codec_cbor_reader *r, int64_t label,
		     struct senml_fields *f, unsigned *seen)
{
	struct senml_wire num;
	struct codec_cbor_item v;
	unsigned bit;
	int err = codec_cbor_next(r, &v);

	if (err)
		return err;
	switch (label) {
	case L_BN: bit = F_BN; break;
	case L_BT: bit = F_BT; break;
	case L_N: bit = F_N; break;
	case L_V: bit = F_V; break;
	case L_VS: bit = F_VS; break;
	case L_VB: bit = F_VB; break;
	case L_VD: bit = F_VD; break;
	case L_T: bit = F_T; break;
	case L_BVER: bit = F_BVER; break;
	case L_BV: return -EBADMSG;
	default:
		return codec_cbor_skip(r, &v,
				       1); /* u, bu, s, bs, ut, unknown */
	}
	if (*seen & bit)
		return -EBADMSG;
	*seen |= bit;
	switch (label) {
	case L_BN:
	case L_N:
		if (v.kind != CCBOR_TEXT)
			return -EBADMSG;
		if (label == L_BN) {
			f->has_bn = true;
			f->bn = (const char *)v.ptr, f->bn_len = v.len;
		} else {
			f->n = (const char *)v.ptr, f->n_len = v.len;
		}
		return 0;
	case L_BT:
	case L_T:
	case L_BVER:
		if (number(&v, &num))
			return -EBADMSG;
		if (label == L_BT)
			f->has_bt = true, f->bt = num.d;
		else if (label == L_T)
			f->has_t = true, f->t = num.d;
		else if (!num.integral || num.negative || num.mag < 1 ||
			 num.mag > 10)
			return -EBADMSG;
		return 0;
	case L_V: f->values++; return number(&v, &f->value);
	default: break;
	}
	f->values++;
	memset(&f->value, 0, sizeof(f->value));
	f->value.ptr = v.ptr;
	f->value.len = v.len;
	if (label == L_VB) {
		if (v.kind != CCBOR_BOOL)
			return -EBADMSG;
		f->value.kind = SENML_BOOLEAN;
		f->value.b = v.b;
	} else if (label == L_VS) {
		if (v.kind != CCBOR_TEXT || !senml_utf8_valid(v.ptr, v.len))
			return -EBADMSG;
		f->value.kind = SENML_STRING;
	} else {
		if (v.kind != CCBOR_BYTES)
			return -EBADMSG;
		f->value.kind = SENML_OPAQUE;
	}
	return 0;
}

/* Reads the value item of the field with text label key. */
static int text_field(struct codec_cbor_reader *r,
		      const struct codec_cbor_item *key, struct senml_fields *f,
		      unsigned *seen)
{
	struct codec_cbor_item v;
	int err = codec_cbor_next(r, &v);

	if (err)
		return err;
	if (key->len == 3 && !memcmp(key->ptr, "vlo", 3)) {
		if ((*seen & F_VLO) || v.kind != CCBOR_TEXT)
			return -EBADMSG;
		*seen |= F_VLO;
		f->values++;
		memset(&f->value, 0, sizeof(f->value));
		f->value.kind = SENML_OBJLNK;
		f->value.ptr = v.ptr;
		f->value.len = v.len;
		return 0;
	}
	if (key->len && key->ptr[key->len - 1] == '_')
		return -EBADMSG; /* must be understood, and is not */
	return codec_cbor_skip(r, &v, 1);
}

static int record(struct codec_cbor_reader *r,
		  const struct codec_cbor_item *map,
		  const struct codec_decoder *dec, struct senml_state *st)
{
	bool indef = map->kind == CCBOR_INDEF_MAP;
	struct senml_fields f;
	unsigned seen = 0;
	struct codec_cbor_item key;
	int err;

	if (map->kind != CCBOR_MAP && !indef)
		return -EBADMSG;
	memset(&f, 0, sizeof(f));
	f.n = "";
	for (uint64_t i = 0; indef || i < map->u; i++) {
		err = codec_cbor_next(r, &key);
		if (err)
			return err;
		if (indef && key.kind == CCBOR_BREAK)
			break;
		/* Labels beyond int64 are unknown ones: clamp, then skip. */
		if (key.kind == CCBOR_UINT)
			err = int_field(r,
					key.u > INT64_MAX ? INT64_MAX
							  : (int64_t)key.u,
					&f, &seen);
		else if (key.kind == CCBOR_NEGINT)
			err = int_field(r,
					key.u > INT64_MAX ? INT64_MIN
							  : -1 - (int64_t)key.u,
					&f, &seen);
		else if (key.kind == CCBOR_TEXT)
			err = text_field(r, &key, &f, &seen);
		else
			err = -EBADMSG;
		if (err)
			return err;
	}
	return senml_record(dec, st, &f);
}

int senml_cbor_decode(const uint8_t *buf, size_t len,
		      const struct codec_decoder *dec)
{
	struct codec_cbor_reader r = {.buf = buf, .len = len};
	struct senml_state st;
	struct codec_cbor_item top, elem;
	bool indef;
	uint64_t count = 0;
	int err;

	memset(&st, 0, sizeof(st));
	err = codec_cbor_next(&r, &top);
	if (err)
		return err;
	indef = top.kind == CCBOR_INDEF_ARRAY;
	if (top.kind != CCBOR_ARRAY && !indef)
		return -EBADMSG;
	if (!indef && top.u > CODEC_MAX_RECORDS)
		return -E2BIG;
	for (;;) {
		if (!indef && count == top.u)
			break;
		err = codec_cbor_next(&r, &elem);
		if (err)
			return err;
		if (indef && elem.kind == CCBOR_BREAK)
			break;
		if (++count > CODEC_MAX_RECORDS)
			return -E2BIG;
		err = record(&r, &elem, dec, &st);
		if (err)
			return err;
	}
	if (r.pos != len)
		return -EBADMSG; /* trailing bytes */
	return (int)count;
}

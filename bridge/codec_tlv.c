/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_tlv.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "codec_text.h"

/* ---- decoding ---------------------------------------------------------- */

struct tlv_hdr {
	enum tlv_kind kind;
	uint16_t id;
	const uint8_t *val;
	size_t len;
};

struct dctx {
	const struct codec_decoder *dec;
	bool emit; /* false on the first, validating pass */
	size_t count;
};

/* Reads the entry at buf[*pos] (len bytes in its parent) into h and moves
 * *pos past it. */
static int read_hdr(const uint8_t *buf, size_t len, size_t *pos,
		    struct tlv_hdr *h)
{
	size_t p = *pos;
	size_t idlen;
	size_t lenlen;
	size_t vlen = 0;
	uint8_t t;

	if (p >= len)
		return -EBADMSG;
	t = buf[p++];
	idlen = (t & 0x20) ? 2 : 1;
	lenlen = (t >> 3) & 3;
	if (len - p < idlen + lenlen)
		return -EBADMSG; /* truncated identifier or length */
	h->kind = (enum tlv_kind)(t >> 6);
	h->id = buf[p];
	if (idlen == 2)
		h->id = (uint16_t)(h->id << 8 | buf[p + 1]);
	p += idlen;
	if (h->id == LWB_ID_INVALID)
		return -EBADMSG; /* reserved: never a valid id */
	if (lenlen == 0)
		vlen = t & 7;
	for (size_t i = 0; i < lenlen; i++)
		vlen = vlen << 8 | buf[p++];
	if (vlen > len - p)
		return -EBADMSG; /* past the end of the payload or parent */
	h->val = buf + p;
	h->len = vlen;
	*pos = p + vlen;
	return 0;
}

static uint64_t be_uint(const uint8_t *p, size_t n)
{
	uint64_t u = 0;

	for (size_t i = 0; i < n; i++)
		u = u << 8 | p[i];
	return u;
}

static bool int_len_ok(size_t n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static int get_value(enum lwb_type type, const uint8_t *p, size_t n,
		     struct lwb_value *v)
{
	uint64_t u;

	v->type = type;
	switch (type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		if (!text_utf8_valid(p, n))
			return -EBADMSG;
		/* fall through */
	case LWB_TYPE_OPAQUE:
		v->v.bytes.ptr = p;
		v->v.bytes.len = n;
		return 0;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME:
		if (!int_len_ok(n))
			return -EBADMSG;
		/* Sign-extend from the top bit of the first byte. */
		u = be_uint(p, n);
		if (n < 8 && (p[0] & 0x80))
			u |= UINT64_MAX << (8 * n);
		v->v.i = (int64_t)u;
		return 0;
	case LWB_TYPE_UNSIGNED:
		if (!int_len_ok(n))
			return -EBADMSG;
		v->v.u = be_uint(p, n);
		return 0;
	case LWB_TYPE_FLOAT:
		if (n == 4) {
			uint32_t w = (uint32_t)be_uint(p, 4);
			float f;

			memcpy(&f, &w, sizeof(f));
			v->v.f = f;
		} else if (n == 8) {
			u = be_uint(p, 8);
			memcpy(&v->v.f, &u, sizeof(v->v.f));
		} else {
			return -EBADMSG;
		}
		/* No other format can carry these; refuse them at the door. */
		return isfinite(v->v.f) ? 0 : -EBADMSG;
	case LWB_TYPE_BOOLEAN:
		if (n != 1 || p[0] > 1)
			return -EBADMSG;
		v->v.b = p[0] == 1;
		return 0;
	case LWB_TYPE_OBJLNK:
		if (n != 4)
			return -EBADMSG;
		v->v.lnk.oid = (uint16_t)be_uint(p, 2);
		v->v.lnk.iid = (uint16_t)be_uint(p + 2, 2);
		return 0;
	case LWB_TYPE_NONE: return -ENOENT;
	}
	return -EINVAL; /* type_of returned something outside the enum */
}

static int on_value(struct dctx *c, const struct path *path,
		    const struct tlv_hdr *h)
{
	const struct codec_decoder *dec = c->dec;
	struct record rec = {.path = *path};
	int rc;

	if (c->count >= CODEC_MAX_RECORDS)
		return -E2BIG;
	c->count++;
	rc = get_value(dec->type_of(path, dec->type_ctx), h->val, h->len,
		       &rec.value);
	if (rc < 0 || !c->emit)
		return rc;
	return dec->on_record(&rec, dec->record_ctx);
}

static int child(const struct path *parent, uint16_t id, struct path *out)
{
	*out = *parent;
	return path_push(out, id) < 0 ? -EBADMSG : 0;
}

/* The Resource Instance TLVs of a Multiple Resource at path. */
static int walk_multi(struct dctx *c, const struct path *path,
		      const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		struct tlv_hdr h;
		struct path p;
		int rc = read_hdr(buf, len, &pos, &h);

		if (rc == 0 && h.kind != TLV_RESOURCE_INSTANCE)
			rc = -EBADMSG;
		if (rc == 0)
			rc = child(path, h.id, &p);
		if (rc == 0)
			rc = on_value(c, &p, &h);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* A Resource or Multiple Resource TLV below the instance at path. */
static int walk_resource(struct dctx *c, const struct path *inst,
			 const struct tlv_hdr *h)
{
	struct path p;
	int rc = child(inst, h->id, &p);

	if (rc < 0)
		return rc;
	if (h->kind == TLV_RESOURCE)
		return on_value(c, &p, h);
	if (h->kind == TLV_MULTIPLE_RESOURCE)
		return walk_multi(c, &p, h->val, h->len);
	return -EBADMSG;
}

/* The contents of an Object Instance TLV (or a payload read at /o/i). */
static int walk_instance(struct dctx *c, const struct path *inst,
			 const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		struct tlv_hdr h;
		int rc = read_hdr(buf, len, &pos, &h);

		if (rc == 0)
			rc = walk_resource(c, inst, &h);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One top-level entry, checked against the base path. */
static int walk_top(struct dctx *c, const struct path *base,
		    const struct tlv_hdr *h)
{
	struct path p;
	int rc;

	switch (base->len) {
	case PATH_OBJECT:
		if (h->kind != TLV_OBJECT_INSTANCE)
			return -EBADMSG;
		rc = child(base, h->id, &p);
		return rc < 0 ? rc : walk_instance(c, &p, h->val, h->len);
	case PATH_INSTANCE:
		if (h->kind != TLV_OBJECT_INSTANCE)
			return walk_resource(c, base, h);
		if (h->id != base->ids[1])
			return -EBADMSG;
		return walk_instance(c, base, h->val, h->len);
	case PATH_RESOURCE:
		if (h->kind == TLV_RESOURCE_INSTANCE) {
			rc = child(base, h->id, &p);
			return rc < 0 ? rc : on_value(c, &p, h);
		}
		if (h->kind == TLV_RESOURCE && h->id == base->ids[2])
			return on_value(c, base, h);
		if (h->kind == TLV_MULTIPLE_RESOURCE && h->id == base->ids[2])
			return walk_multi(c, base, h->val, h->len);
		return -EBADMSG;
	case PATH_RESOURCE_INSTANCE:
		if (h->kind != TLV_RESOURCE_INSTANCE || h->id != base->ids[3])
			return -EBADMSG;
		return on_value(c, base, h);
	default: return -EINVAL;
	}
}

static int walk(struct dctx *c, const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		struct tlv_hdr h;
		int rc = read_hdr(buf, len, &pos, &h);

		if (rc == 0)
			rc = walk_top(c, &c->dec->base, &h);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int tlv_decode(const uint8_t *buf, size_t len, const struct codec_decoder *dec)
{
	struct dctx c = {.dec = dec};
	int rc;

	if (!dec->type_of || !dec->on_record || dec->base.len == PATH_ROOT ||
	    dec->base.len > PATH_MAX_DEPTH)
		return -EINVAL;
	/* Validate everything first so a bad payload yields no callback. */
	rc = walk(&c, buf, len);
	if (rc < 0)
		return rc;
	c.emit = true;
	c.count = 0;
	rc = walk(&c, buf, len);
	return rc < 0 ? rc : (int)c.count;
}

int tlv_first_kind(const uint8_t *buf, size_t len)
{
	if (len == 0)
		return -EBADMSG;
	return buf[0] >> 6;
}

/* ---- encoding ---------------------------------------------------------- */

/* Lengths are counted in 64 bits so even a huge record set cannot wrap a
 * 32-bit size_t before it is refused. */
struct wbuf {
	uint8_t *out; /* NULL: count only */
	size_t cap;
	uint64_t len;
	int err;
};

static void put(struct wbuf *w, const void *p, size_t n)
{
	if (w->out && w->len <= w->cap && n <= w->cap - w->len && n > 0)
		memcpy(w->out + w->len, p, n);
	w->len += n;
}

static void put_header(struct wbuf *w, enum tlv_kind kind, uint16_t id,
		       uint64_t len)
{
	uint8_t h[6];
	size_t n = 0;
	size_t lenlen;

	if (len > TLV_MAX_LENGTH) {
		w->err = -EINVAL;
		return;
	}
	lenlen = len <= 7 ? 0 : len <= 0xff ? 1 : len <= 0xffff ? 2 : 3;
	h[n++] = (uint8_t)((unsigned)kind << 6 | (id > 0xff ? 0x20 : 0) |
			   lenlen << 3 | (lenlen == 0 ? len : 0));
	if (id > 0xff)
		h[n++] = (uint8_t)(id >> 8);
	h[n++] = (uint8_t)id;
	for (size_t i = lenlen; i > 0; i--)
		h[n++] = (uint8_t)(len >> (8 * (i - 1)));
	put(w, h, n);
}

static size_t int_size(int64_t v)
{
	if (v >= INT8_MIN && v <= INT8_MAX)
		return 1;
	if (v >= INT16_MIN && v <= INT16_MAX)
		return 2;
	if (v >= INT32_MIN && v <= INT32_MAX)
		return 4;
	return 8;
}

static size_t uint_size(uint64_t v)
{
	return v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
}

static bool is_float(double d)
{
	/* The range check keeps the conversion defined (C11 6.3.1.5). */
	return fabs(d) <= FLT_MAX && (double)(float)d == d;
}

/* The wire bytes of v: either *src (strings) or tmp, filled here. */
static size_t value_bytes(const struct lwb_value *v, uint8_t tmp[8],
			  const uint8_t **src)
{
	uint64_t u = 0;
	size_t n = 0;

	*src = tmp;
	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
	case LWB_TYPE_OPAQUE: *src = v->v.bytes.ptr; return v->v.bytes.len;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME:
		n = int_size(v->v.i);
		u = (uint64_t)v->v.i;
		break;
	case LWB_TYPE_UNSIGNED:
		n = uint_size(v->v.u);
		u = v->v.u;
		break;
	case LWB_TYPE_FLOAT:
		if (is_float(v->v.f)) {
			float f = (float)v->v.f;
			uint32_t w;

			memcpy(&w, &f, sizeof(w));
			n = 4, u = w;
		} else {
			memcpy(&u, &v->v.f, sizeof(u));
			n = 8;
		}
		break;
	case LWB_TYPE_BOOLEAN: n = 1, u = v->v.b ? 1 : 0; break;
	case LWB_TYPE_OBJLNK:
		n = 4, u = (uint32_t)v->v.lnk.oid << 16 | v->v.lnk.iid;
		break;
	case LWB_TYPE_NONE: break;
	}
	for (size_t i = 0; i < n; i++)
		tmp[i] = (uint8_t)(u >> (8 * (n - 1 - i)));
	return n;
}

static void put_entry(struct wbuf *w, enum tlv_kind kind, uint16_t id,
		      const struct lwb_value *v)
{
	uint8_t tmp[8];
	const uint8_t *src;
	size_t n = value_bytes(v, tmp, &src);

	put_header(w, kind, id, n);
	put(w, src, n);
}

/* A Multiple Resource TLV holding the Resource Instance TLVs of
 * recs[0..n), all instances of one resource. */
static void put_multi(struct wbuf *w, const struct record *recs, size_t n)
{
	struct wbuf m = {.cap = 0};

	for (size_t i = 0; i < n; i++)
		put_entry(&m, TLV_RESOURCE_INSTANCE, recs[i].path.ids[3],
			  &recs[i].value);
	if (m.err < 0)
		w->err = m.err;
	put_header(w, TLV_MULTIPLE_RESOURCE, recs[0].path.ids[2], m.len);
	for (size_t i = 0; i < n; i++)
		put_entry(w, TLV_RESOURCE_INSTANCE, recs[i].path.ids[3],
			  &recs[i].value);
}

/* Resource-level TLVs for recs[0..n), all in one object instance (an
 * instance record, which says only that the instance is there, writes
 * nothing of its own). */
static void put_resources(struct wbuf *w, const struct record *recs, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const struct path *p = &recs[i].path;
		size_t j = i + 1;

		if (p->len == PATH_INSTANCE) {
			i++;
			continue;
		}
		if (p->len == PATH_RESOURCE) {
			put_entry(w, TLV_RESOURCE, p->ids[2], &recs[i].value);
			i++;
			continue;
		}
		while (j < n && recs[j].path.ids[2] == p->ids[2])
			j++;
		put_multi(w, recs + i, j - i);
		i = j;
	}
}

static void put_instances(struct wbuf *w, const struct record *recs, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint16_t iid = recs[i].path.ids[1];
		struct wbuf m = {.cap = 0};
		size_t j = i + 1;

		while (j < n && recs[j].path.ids[1] == iid)
			j++;
		put_resources(&m, recs + i, j - i);
		put_header(w, TLV_OBJECT_INSTANCE, iid, m.len);
		put_resources(w, recs + i, j - i);
		if (m.err < 0)
			w->err = m.err;
		i = j;
	}
}

static int check_value(const struct lwb_value *v)
{
	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
	case LWB_TYPE_OPAQUE:
		return v->v.bytes.len <= TLV_MAX_LENGTH ? 0 : -EINVAL;
	case LWB_TYPE_FLOAT: return isfinite(v->v.f) ? 0 : -EINVAL;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME:
	case LWB_TYPE_UNSIGNED:
	case LWB_TYPE_BOOLEAN:
	case LWB_TYPE_OBJLNK: return 0;
	case LWB_TYPE_NONE: break;
	}
	return -EINVAL;
}

static int check_records(const struct path *base, const struct record *recs,
			 size_t n)
{
	if (base->len == PATH_ROOT || base->len > PATH_MAX_DEPTH)
		return -EINVAL; /* TLV cannot name an object */
	if (n > CODEC_MAX_RECORDS)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		const struct path *p = &recs[i].path;

		if (p->len == PATH_INSTANCE && base->len == PATH_OBJECT) {
			/* an instance that is there: no value of its own */
			if (recs[i].value.type != LWB_TYPE_NONE ||
			    !path_is_within(p, base))
				return -EINVAL;
		} else if (p->len < PATH_RESOURCE ||
			   p->len > PATH_RESOURCE_INSTANCE ||
			   !path_is_within(p, base) ||
			   check_value(&recs[i].value) < 0) {
			return -EINVAL;
		}
		if (i == 0)
			continue;
		/* Sorted and unique, and never a resource with a value next
		 * to its own instances: grouping relies on both.  Below an
		 * instance record come its resources. */
		if (path_compare(&recs[i - 1].path, p) >= 0 ||
		    (path_is_within(p, &recs[i - 1].path) &&
		     recs[i - 1].path.len != PATH_INSTANCE))
			return -EINVAL;
	}
	return 0;
}

int tlv_encode(const struct path *base, const struct record *recs, size_t n,
	       uint8_t *out, size_t cap)
{
	struct wbuf w = {.out = out, .cap = out ? cap : 0};
	int rc = check_records(base, recs, n);

	if (rc < 0)
		return rc;
	if (n == 0)
		return 0;
	switch (base->len) {
	case PATH_OBJECT: put_instances(&w, recs, n); break;
	case PATH_INSTANCE:
	case PATH_RESOURCE: put_resources(&w, recs, n); break;
	default: /* a resource instance: exactly one record, the base */
		put_entry(&w, TLV_RESOURCE_INSTANCE, base->ids[3],
			  &recs[0].value);
		break;
	}
	if (w.err < 0)
		return w.err;
	if (w.len > INT_MAX)
		return -EINVAL;
	if (!out)
		return (int)w.len;
	return w.len <= cap ? (int)w.len : -ENOBUFS;
}

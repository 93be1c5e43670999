/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_senml_common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* 2^63 and 2^64 as doubles (exact). */
#define TWO_63 9223372036854775808.0
#define TWO_64 18446744073709551616.0

static int check_value(const struct lwb_value *v)
{
	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		if (v->v.bytes.len && !v->v.bytes.ptr)
			return -EINVAL;
		return senml_utf8_valid(v->v.bytes.ptr, v->v.bytes.len)
			       ? 0
			       : -EINVAL;
	case LWB_TYPE_OPAQUE:
		return v->v.bytes.len && !v->v.bytes.ptr ? -EINVAL : 0;
	case LWB_TYPE_FLOAT: return isfinite(v->v.f) ? 0 : -EINVAL;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_UNSIGNED:
	case LWB_TYPE_BOOLEAN:
	case LWB_TYPE_TIME:
	case LWB_TYPE_OBJLNK: return 0;
	case LWB_TYPE_NONE: break;
	}
	return -EINVAL;
}

int senml_plan_make(const struct path *base, const struct record *recs,
		    size_t n, const double *base_time, struct senml_plan *plan)
{
	bool all_base = n > 0;
	int len;

	if (n > CODEC_MAX_RECORDS)
		return -E2BIG;
	if (base->len > PATH_MAX_DEPTH)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!path_equal(&recs[i].path, base))
			all_base = false;
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &recs[i];
		int err;

		if (r->path.len < PATH_RESOURCE ||
		    r->path.len > PATH_MAX_DEPTH ||
		    !path_is_within(&r->path, base))
			return -EINVAL;
		if (!all_base && r->path.len == base->len)
			return -EINVAL; /* base itself among its children */
		err = check_value(&r->value);
		if (err)
			return err;
		if (r->has_time && !isfinite(r->time))
			return -EINVAL;
		if (base_time &&
		    (!r->has_time || !isfinite(r->time - *base_time)))
			return -EINVAL;
	}
	if (base_time && !isfinite(*base_time))
		return -EINVAL;
	len = path_format(base, plan->bn, sizeof(plan->bn));
	if (len < 0)
		return -EINVAL;
	plan->names = !all_base;
	if (plan->names && base->len > 0)
		plan->bn[len++] = '/';
	plan->bn[len] = '\0';
	plan->bn_len = (size_t)len;
	plan->name_from = base->len;
	plan->has_bt = base_time != NULL;
	plan->bt = base_time ? *base_time : 0;
	return 0;
}

int senml_rel_name(const struct path *p, uint8_t from, char *buf, size_t cap)
{
	size_t o = 0;

	for (uint8_t i = from; i < p->len; i++) {
		int n = snprintf(buf + o, cap - o, "%s%u", i > from ? "/" : "",
				 (unsigned)p->ids[i]);

		if (n < 0 || (size_t)n >= cap - o)
			return -ENOBUFS;
		o += (size_t)n;
	}
	if (o == 0) {
		if (cap == 0)
			return -ENOBUFS;
		buf[0] = '\0';
	}
	return (int)o;
}

int senml_resolve(const char *bn, size_t bn_len, const char *n, size_t n_len,
		  const struct path *req, struct path *out)
{
	char name[SENML_NAME_MAX];
	size_t len = bn_len + n_len;
	struct path p;

	if (bn_len > SENML_NAME_MAX || n_len > SENML_NAME_MAX ||
	    len > sizeof(name) || len < 2)
		return -EBADMSG;
	if (bn_len)
		memcpy(name, bn, bn_len);
	if (n_len)
		memcpy(name + bn_len, n, n_len);
	/* path_parse() is lenient about both ends; a SenML name is not. */
	if (name[0] != '/' || name[len - 1] == '/')
		return -EBADMSG;
	if (path_parse(name, len, &p) != 0 || p.len < PATH_RESOURCE)
		return -EBADMSG;
	if (!path_is_within(&p, req))
		return -EINVAL;
	*out = p;
	return 0;
}

/* Integral value of wire as int64, or -ERANGE. */
static int to_int64(const struct senml_wire *w, int64_t *out)
{
	if (w->integral) {
		if (w->mag > INT64_MAX)
			return -ERANGE;
		*out = w->negative ? -1 - (int64_t)w->mag : (int64_t)w->mag;
		return 0;
	}
	/* Range first: the cast is undefined outside it. */
	if (!(w->d >= -TWO_63 && w->d < TWO_63) ||
	    (double)(int64_t)w->d != w->d)
		return -ERANGE;
	*out = (int64_t)w->d;
	return 0;
}

static int to_uint64(const struct senml_wire *w, uint64_t *out)
{
	if (w->integral) {
		if (w->negative)
			return -ERANGE;
		*out = w->mag;
		return 0;
	}
	if (!(w->d >= 0 && w->d < TWO_64) || (double)(uint64_t)w->d != w->d)
		return -ERANGE;
	*out = (uint64_t)w->d;
	return 0;
}

static int number(const struct senml_wire *w, enum lwb_type t,
		  struct lwb_value *out)
{
	if (!isfinite(w->d))
		return -EBADMSG;
	out->type = t;
	switch (t) {
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: return to_int64(w, &out->v.i);
	case LWB_TYPE_UNSIGNED: return to_uint64(w, &out->v.u);
	case LWB_TYPE_FLOAT: out->v.f = w->d; return 0;
	case LWB_TYPE_NONE:
		if (!w->integral) {
			out->type = LWB_TYPE_FLOAT;
			out->v.f = w->d;
			return 0;
		}
		if (w->negative || w->mag <= INT64_MAX) {
			out->type = LWB_TYPE_INTEGER;
			return to_int64(w, &out->v.i);
		}
		out->type = LWB_TYPE_UNSIGNED;
		out->v.u = w->mag;
		return 0;
	case LWB_TYPE_STRING:
	case LWB_TYPE_BOOLEAN:
	case LWB_TYPE_OPAQUE:
	case LWB_TYPE_OBJLNK:
	case LWB_TYPE_CORELNK: break;
	}
	return -EBADMSG;
}

int senml_value_from_wire(const struct senml_wire *wire, enum lwb_type t,
			  struct lwb_value *out)
{
	switch (wire->kind) {
	case SENML_NUMBER: return number(wire, t, out);
	case SENML_STRING:
		if (t != LWB_TYPE_NONE && t != LWB_TYPE_STRING &&
		    t != LWB_TYPE_CORELNK)
			return -EBADMSG;
		out->type = t == LWB_TYPE_NONE ? LWB_TYPE_STRING : t;
		out->v.bytes.ptr = wire->ptr;
		out->v.bytes.len = wire->len;
		return 0;
	case SENML_BOOLEAN:
		if (t != LWB_TYPE_NONE && t != LWB_TYPE_BOOLEAN)
			return -EBADMSG;
		out->type = LWB_TYPE_BOOLEAN;
		out->v.b = wire->b;
		return 0;
	case SENML_OPAQUE:
		if (t != LWB_TYPE_NONE && t != LWB_TYPE_OPAQUE)
			return -EBADMSG;
		out->type = LWB_TYPE_OPAQUE;
		out->v.bytes.ptr = wire->ptr;
		out->v.bytes.len = wire->len;
		return 0;
	case SENML_OBJLNK:
		if (t != LWB_TYPE_NONE && t != LWB_TYPE_OBJLNK)
			return -EBADMSG;
		out->type = LWB_TYPE_OBJLNK;
		return senml_objlnk_parse(wire->ptr, wire->len, &out->v.lnk);
	}
	return -EBADMSG;
}

static int parse_u16(const char *s, size_t len, uint16_t *out)
{
	uint32_t v = 0;

	if (len == 0 || len > 5)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 65535)
		return -EBADMSG;
	*out = (uint16_t)v;
	return 0;
}

int senml_objlnk_parse(const char *s, size_t len, struct lwb_objlnk *out)
{
	const char *colon = len ? memchr(s, ':', len) : NULL;
	struct lwb_objlnk l;
	size_t a;

	if (len == 9 && (memcmp(s, "FFFF:FFFF", 9) == 0 ||
			 memcmp(s, "ffff:ffff", 9) == 0)) {
		out->oid = out->iid = 65535;
		return 0;
	}
	if (!colon)
		return -EBADMSG;
	a = (size_t)(colon - s);
	if (parse_u16(s, a, &l.oid) ||
	    parse_u16(colon + 1, len - a - 1, &l.iid))
		return -EBADMSG;
	*out = l;
	return 0;
}

int senml_objlnk_format(struct lwb_objlnk l, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%u:%u", (unsigned)l.oid, (unsigned)l.iid);

	if (n < 0 || (size_t)n >= cap)
		return -ENOBUFS;
	return n;
}

bool senml_utf8_valid(const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t extra;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			extra = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= extra)
			return false;
		for (size_t k = 1; k <= extra; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += extra + 1;
	}
	return true;
}

int senml_time(bool has_bt, double bt, bool has_t, double t, bool *has_time,
	       double *time)
{
	double sum = (has_bt ? bt : 0) + (has_t ? t : 0);

	if (!isfinite(sum))
		return -EBADMSG;
	*has_time = has_bt || has_t;
	*time = *has_time ? sum : 0;
	return 0;
}

enum lwb_type senml_type_of(const struct codec_decoder *dec,
			    const struct path *p)
{
	return dec->type_of ? dec->type_of(p, dec->type_ctx) : LWB_TYPE_NONE;
}

int senml_deliver(const struct codec_decoder *dec, const struct path *p,
		  enum lwb_type t, const struct senml_wire *wire, bool has_time,
		  double time)
{
	struct record rec;
	int err;

	memset(&rec, 0, sizeof(rec));
	rec.path = *p;
	err = senml_value_from_wire(wire, t, &rec.value);
	if (err)
		return err;
	rec.has_time = has_time;
	rec.time = time;
	return dec->on_record(&rec, dec->record_ctx);
}

int senml_record(const struct codec_decoder *dec, struct senml_state *st,
		 const struct senml_fields *f)
{
	bool has_time;
	double time;
	struct path p;
	int err;

	if (f->has_bn) {
		st->bn = f->bn;
		st->bn_len = f->bn_len;
	}
	if (f->has_bt) {
		st->has_bt = true;
		st->bt = f->bt;
	}
	if (f->values != 1)
		return -EBADMSG;
	err = senml_resolve(st->bn, st->bn_len, f->n, f->n_len, &dec->base, &p);
	if (err)
		return err;
	err = senml_time(st->has_bt, st->bt, f->has_t, f->t, &has_time, &time);
	if (err)
		return err;
	return senml_deliver(dec, &p, senml_type_of(dec, &p), &f->value,
			     has_time, time);
}

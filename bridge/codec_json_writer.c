/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "codec_base64.h"
#include "codec_senml_common.h"
#include "record.h"

void codec_jw_init(struct codec_jw *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

static void fail(struct codec_jw *w, int err)
{
	if (!w->err)
		w->err = err;
}

/* Reserves n bytes and returns where they go, or NULL (error set). */
static char *reserve(struct codec_jw *w, size_t n)
{
	char *p;

	if (w->err)
		return NULL;
	if (n > w->cap - w->len) {
		fail(w, -ENOBUFS);
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

void codec_jw_raw(struct codec_jw *w, const char *s, size_t n)
{
	char *p = reserve(w, n);

	if (p && n)
		memcpy(p, s, n);
}

void codec_jw_lit(struct codec_jw *w, const char *s)
{
	codec_jw_raw(w, s, strlen(s));
}

void codec_jw_string(struct codec_jw *w, const void *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;
	size_t run = 0; /* bytes copied as they are, not yet written */

	if (w->err)
		return;
	if (n && !senml_utf8_valid(s, n)) {
		fail(w, -EINVAL);
		return;
	}
	codec_jw_raw(w, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		char esc[6] = {'\\', 0, '0', '0', 0, 0};
		size_t elen = 2;

		switch (p[i]) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			if (p[i] >= 0x20) {
				run++;
				continue;
			}
			esc[1] = 'u';
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 15];
			elen = 6;
			break;
		}
		codec_jw_raw(w, (const char *)p + i - run, run);
		run = 0;
		codec_jw_raw(w, esc, elen);
	}
	codec_jw_raw(w, (const char *)p + n - run, run);
	codec_jw_raw(w, "\"", 1);
}

void codec_jw_int(struct codec_jw *w, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

	codec_jw_raw(w, tmp, (size_t)n);
}

void codec_jw_uint(struct codec_jw *w, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

	codec_jw_raw(w, tmp, (size_t)n);
}

void codec_jw_double(struct codec_jw *w, double d)
{
	char tmp[32];
	int n = codec_format_double(d, tmp, sizeof(tmp));

	if (n < 0)
		fail(w, n);
	else
		codec_jw_raw(w, tmp, (size_t)n);
}

static void key(struct codec_jw *w, const char *name)
{
	codec_jw_raw(w, "\"", 1);
	codec_jw_lit(w, name);
	codec_jw_raw(w, "\":", 2);
}

static void opaque(struct codec_jw *w, const struct lwb_value *v,
		   unsigned alphabet)
{
	size_t need = codec_base64_encoded_len(v->v.bytes.len, alphabet);
	char *p;
	int n;

	if (need == 0 && v->v.bytes.len > 0) {
		fail(w, -EINVAL);
		return;
	}
	codec_jw_raw(w, "\"", 1);
	p = reserve(w, need);
	if (!p)
		return;
	n = codec_base64_encode(v->v.bytes.ptr, v->v.bytes.len, alphabet, p,
				need);
	if (n < 0)
		fail(w, n);
	codec_jw_raw(w, "\"", 1);
}

void codec_jw_value(struct codec_jw *w, const struct lwb_value *v,
		    const struct codec_jw_keys *keys)
{
	char lnk[16];

	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		key(w, keys->string);
		codec_jw_string(w, v->v.bytes.ptr, v->v.bytes.len);
		return;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME:
		key(w, keys->number);
		codec_jw_int(w, v->v.i);
		return;
	case LWB_TYPE_UNSIGNED:
		key(w, keys->number);
		codec_jw_uint(w, v->v.u);
		return;
	case LWB_TYPE_FLOAT:
		key(w, keys->number);
		codec_jw_double(w, v->v.f);
		return;
	case LWB_TYPE_BOOLEAN:
		key(w, keys->boolean);
		codec_jw_lit(w, v->v.b ? "true" : "false");
		return;
	case LWB_TYPE_OPAQUE:
		key(w, keys->opaque);
		opaque(w, v, keys->opaque_alphabet);
		return;
	case LWB_TYPE_OBJLNK:
		key(w, keys->objlnk);
		senml_objlnk_format(v->v.lnk, lnk, sizeof(lnk));
		codec_jw_string(w, lnk, strlen(lnk));
		return;
	case LWB_TYPE_NONE: break;
	}
	fail(w, -EINVAL);
}

int codec_jw_finish(const struct codec_jw *w)
{
	if (w->err)
		return w->err;
	if (w->len > INT32_MAX)
		return -ENOBUFS;
	return (int)w->len;
}

void codec_jw_senml_base(struct codec_jw *w, const struct senml_plan *plan)
{
	codec_jw_lit(w, "\"bn\":");
	codec_jw_string(w, plan->bn, plan->bn_len);
	if (plan->has_bt) {
		codec_jw_lit(w, ",\"bt\":");
		codec_jw_double(w, plan->bt);
	}
}

void codec_jw_senml_name(struct codec_jw *w, const struct senml_plan *plan,
			 const struct path *p)
{
	char name[SENML_NAME_MAX];
	int len = senml_rel_name(p, plan->name_from, name, sizeof(name));

	codec_jw_lit(w, "\"n\":");
	codec_jw_string(w, name, len > 0 ? (size_t)len : 0);
}

void codec_jw_senml_time(struct codec_jw *w, const struct senml_plan *plan,
			 const struct record *r)
{
	if (r->has_time && (!plan->has_bt || r->time != plan->bt)) {
		codec_jw_lit(w, ",\"t\":");
		codec_jw_double(w, r->time - plan->bt);
	}
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_lwm2m_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec_base64.h"
#include "codec_json_reader.h"
#include "codec_json_writer.h"
#include "codec_senml_common.h"

static const struct codec_jw_keys lwm2m_keys = {
	.number = "v",
	.string = "sv",
	.boolean = "bv",
	.objlnk = "ov",
	.opaque = "sv",
	.opaque_alphabet = CODEC_BASE64_STD,
};

int lwm2m_json_encode(const struct path *base, const struct record *recs,
		      size_t n, const double *base_time, char *buf, size_t cap)
{
	struct senml_plan plan;
	struct codec_jw w;
	int err;

	err = senml_plan_make(base, recs, n, base_time, &plan);
	if (err)
		return err;
	codec_jw_init(&w, buf, cap);
	codec_jw_lit(&w, "{");
	codec_jw_senml_base(&w, &plan);
	codec_jw_lit(&w, ",\"e\":[");
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &recs[i];

		codec_jw_lit(&w, i ? ",{" : "{");
		if (plan.names) {
			codec_jw_senml_name(&w, &plan, &r->path);
			codec_jw_lit(&w, ",");
		}
		codec_jw_value(&w, &r->value, &lwm2m_keys);
		codec_jw_senml_time(&w, &plan, r);
		codec_jw_lit(&w, "}");
	}
	codec_jw_lit(&w, "]}");
	return codec_jw_finish(&w);
}

/* State of one decode call. */
struct ctx {
	const struct codec_decoder *dec;
	const char *bn;
	size_t bn_len;
	bool absent_bn;
	char req_bn[PATH_STR_MAX + 1]; /* request path + '/' when no bn */
	bool has_bt;
	double bt;
	uint8_t *scratch; /* base64 output, as large as the input */
	size_t scratch_cap;
};

static bool is_value_key(const char *k)
{
	return !strcmp(k, "v") || !strcmp(k, "sv") || !strcmp(k, "bv") ||
	       !strcmp(k, "ov");
}

/* Fills *w from member k (a value key) holding o, for a resource of type
 * t. */
static int wire_value(struct ctx *c, const char *k, struct json_object *o,
		      enum lwb_type t, struct senml_wire *w)
{
	const char *s;
	size_t len;
	int n;

	if (!strcmp(k, "v"))
		return codec_json_number(o, w);
	memset(w, 0, sizeof(*w));
	if (!strcmp(k, "bv")) {
		if (!json_object_is_type(o, json_type_boolean))
			return -EBADMSG;
		w->kind = SENML_BOOLEAN;
		w->b = json_object_get_boolean(o);
		return 0;
	}
	if (codec_json_string(o, &s, &len))
		return -EBADMSG;
	w->ptr = s;
	w->len = len;
	if (!strcmp(k, "ov")) {
		w->kind = SENML_OBJLNK;
		return 0;
	}
	w->kind = SENML_STRING;
	if (t != LWB_TYPE_OPAQUE)
		return 0;
	n = codec_base64_decode(s, len, CODEC_BASE64_STD, c->scratch,
				c->scratch_cap);
	if (n < 0)
		return -EBADMSG;
	w->kind = SENML_OPAQUE;
	w->ptr = c->scratch;
	w->len = (size_t)n;
	return 0;
}

static int entry(struct ctx *c, struct json_object *e)
{
	struct json_object_iterator it, end;
	struct json_object *val = NULL;
	const char *n = "", *vkey = NULL;
	size_t n_len = 0;
	bool has_t = false, has_time;
	double t = 0, time;
	struct senml_wire w;
	struct path p;
	enum lwb_type type;
	int err;

	if (!json_object_is_type(e, json_type_object))
		return -EBADMSG;
	it = json_object_iter_begin(e);
	end = json_object_iter_end(e);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);
		struct json_object *o = json_object_iter_peek_value(&it);

		if (!strcmp(k, "n")) {
			if (codec_json_string(o, &n, &n_len))
				return -EBADMSG;
		} else if (!strcmp(k, "t")) {
			if (codec_json_number(o, &w))
				return -EBADMSG;
			has_t = true;
			t = w.d;
		} else if (is_value_key(k)) {
			if (vkey)
				return -EBADMSG; /* two values */
			vkey = k;
			val = o;
		}
	}
	if (!vkey)
		return -EBADMSG;
	if (c->absent_bn && n_len && n[0] == '/')
		err = senml_resolve(n, n_len, "", 0, &c->dec->base, &p);
	else
		err = senml_resolve(c->bn, c->bn_len, n, n_len, &c->dec->base,
				    &p);
	if (err)
		return err;
	type = senml_type_of(c->dec, &p);
	err = wire_value(c, vkey, val, type, &w);
	if (err)
		return err;
	err = senml_time(c->has_bt, c->bt, has_t, t, &has_time, &time);
	if (err)
		return err;
	return senml_deliver(c->dec, &p, type, &w, has_time, time);
}

/* Reads the top-level members into c and returns the "e" array. */
static int top(struct ctx *c, struct json_object *root,
	       struct json_object **entries)
{
	struct json_object *o;
	struct senml_wire w;
	int len;

	if (!json_object_is_type(root, json_type_object))
		return -EBADMSG;
	if (!json_object_object_get_ex(root, "e", entries) ||
	    !json_object_is_type(*entries, json_type_array))
		return -EBADMSG;
	if (json_object_object_get_ex(root, "bt", &o)) {
		if (codec_json_number(o, &w))
			return -EBADMSG;
		c->has_bt = true;
		c->bt = w.d;
	}
	if (json_object_object_get_ex(root, "bn", &o))
		return codec_json_string(o, &c->bn, &c->bn_len);
	/* LwM2M 1.0 style: names relative to the request path. */
	c->absent_bn = true;
	len = path_format(&c->dec->base, c->req_bn, sizeof(c->req_bn) - 1);
	if (len < 0)
		return -EINVAL;
	if (c->dec->base.len > 0)
		c->req_bn[len++] = '/';
	c->req_bn[len] = '\0';
	c->bn = c->req_bn;
	c->bn_len = (size_t)len;
	return 0;
}

int lwm2m_json_decode(const char *buf, size_t len,
		      const struct codec_decoder *dec)
{
	struct json_object *root, *entries = NULL;
	struct ctx c;
	size_t count;
	int err;

	memset(&c, 0, sizeof(c));
	c.dec = dec;
	root = codec_json_parse(buf, len, &err);
	if (!root)
		return err;
	err = top(&c, root, &entries);
	if (err)
		goto out;
	count = json_object_array_length(entries);
	if (count > CODEC_MAX_RECORDS) {
		err = -E2BIG;
		goto out;
	}
	/* Every base64 text is part of the input, so its bytes fit in a
	 * buffer as large as the input. */
	c.scratch_cap = len;
	c.scratch = malloc(len ? len : 1);
	if (!c.scratch) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		err = entry(&c, json_object_array_get_idx(entries, i));
		if (err)
			goto out;
	}
	err = (int)count;
out:
	free(c.scratch);
	json_object_put(root);
	return err;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_senml_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec_base64.h"
#include "codec_json_reader.h"
#include "codec_json_writer.h"
#include "codec_senml_common.h"

static const struct codec_jw_keys senml_keys = {
	.number = "v",
	.string = "vs",
	.boolean = "vb",
	.objlnk = "vlo",
	.opaque = "vd",
	.opaque_alphabet = CODEC_BASE64_URL,
};

/* Writes the separator before a member: none before the first. */
static void member(struct codec_jw *w, bool *first)
{
	if (!*first)
		codec_jw_lit(w, ",");
	*first = false;
}

int senml_json_encode(const struct path *base, const struct record *recs,
		      size_t n, const double *base_time, char *buf, size_t cap)
{
	struct senml_plan plan;
	struct codec_jw w;
	int err;

	err = senml_plan_make(base, recs, n, base_time, &plan);
	if (err)
		return err;
	codec_jw_init(&w, buf, cap);
	codec_jw_lit(&w, "[");
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &recs[i];
		bool first = true;

		codec_jw_lit(&w, i ? ",{" : "{");
		if (i == 0) {
			member(&w, &first);
			codec_jw_senml_base(&w, &plan);
		}
		if (plan.names) {
			member(&w, &first);
			codec_jw_senml_name(&w, &plan, &r->path);
		}
		member(&w, &first);
		codec_jw_value(&w, &r->value, &senml_keys);
		codec_jw_senml_time(&w, &plan, r);
		codec_jw_lit(&w, "}");
	}
	codec_jw_lit(&w, "]");
	return codec_jw_finish(&w);
}

/* Reads member k (value o) into f.  scratch holds a decoded "vd". */
static int field(const char *k, struct json_object *o, struct senml_fields *f,
		 uint8_t *scratch, size_t scratch_cap)
{
	struct senml_wire *v = &f->value;
	struct senml_wire num;
	const char *s;
	size_t len;
	int n;

	if (!strcmp(k, "bn")) {
		f->has_bn = true;
		return codec_json_string(o, &f->bn, &f->bn_len);
	}
	if (!strcmp(k, "n"))
		return codec_json_string(o, &f->n, &f->n_len);
	if (!strcmp(k, "bt") || !strcmp(k, "t") || !strcmp(k, "bver")) {
		if (codec_json_number(o, &num))
			return -EBADMSG;
		if (k[0] == 'b' && k[1] == 't') {
			f->has_bt = true;
			f->bt = num.d;
		} else if (k[0] == 't') {
			f->has_t = true;
			f->t = num.d;
		} else if (!num.integral || num.negative || num.mag < 1 ||
			   num.mag > 10) {
			return -EBADMSG; /* a version we do not implement */
		}
		return 0;
	}
	if (!strcmp(k, "bv"))
		return -EBADMSG;
	if (!strcmp(k, "v")) {
		f->values++;
		return codec_json_number(o, v);
	}
	if (!strcmp(k, "vb")) {
		f->values++;
		if (!json_object_is_type(o, json_type_boolean))
			return -EBADMSG;
		v->kind = SENML_BOOLEAN;
		v->b = json_object_get_boolean(o);
		return 0;
	}
	if (strcmp(k, "vs") && strcmp(k, "vd") && strcmp(k, "vlo")) {
		/* Unknown: ignored, unless it must be understood. */
		len = strlen(k);
		return len && k[len - 1] == '_' ? -EBADMSG : 0;
	}
	f->values++;
	if (codec_json_string(o, &s, &len))
		return -EBADMSG;
	v->ptr = s;
	v->len = len;
	if (k[1] == 's') {
		v->kind = SENML_STRING;
	} else if (k[1] == 'l') {
		v->kind = SENML_OBJLNK;
	} else {
		n = codec_base64_decode(s, len,
					CODEC_BASE64_URL | CODEC_BASE64_STD,
					scratch, scratch_cap);
		if (n < 0)
			return -EBADMSG;
		v->kind = SENML_OPAQUE;
		v->ptr = scratch;
		v->len = (size_t)n;
	}
	return 0;
}

static int record(const struct codec_decoder *dec, struct senml_state *st,
		  struct json_object *rec, uint8_t *scratch, size_t scratch_cap)
{
	struct json_object_iterator it, end;
	struct senml_fields f;
	int err;

	if (!json_object_is_type(rec, json_type_object))
		return -EBADMSG;
	memset(&f, 0, sizeof(f));
	f.n = "";
	it = json_object_iter_begin(rec);
	end = json_object_iter_end(rec);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		err = field(json_object_iter_peek_name(&it),
			    json_object_iter_peek_value(&it), &f, scratch,
			    scratch_cap);
		if (err)
			return err;
	}
	return senml_record(dec, st, &f);
}

int senml_json_decode(const char *buf, size_t len,
		      const struct codec_decoder *dec)
{
	struct senml_state st;
	struct json_object *root;
	uint8_t *scratch = NULL;
	size_t count;
	int err;

	memset(&st, 0, sizeof(st));
	root = codec_json_parse(buf, len, &err);
	if (!root)
		return err;
	if (!json_object_is_type(root, json_type_array)) {
		err = -EBADMSG;
		goto out;
	}
	count = json_object_array_length(root);
	if (count > CODEC_MAX_RECORDS) {
		err = -E2BIG;
		goto out;
	}
	/* A "vd" text is part of the input, so its bytes fit in a buffer as
	 * large as the input; one record at a time uses it. */
	scratch = malloc(len ? len : 1);
	if (!scratch) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		err = record(dec, &st, json_object_array_get_idx(root, i),
			     scratch, len);
		if (err)
			goto out;
	}
	err = (int)count;
out:
	free(scratch);
	json_object_put(root);
	return err;
}

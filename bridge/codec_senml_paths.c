/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_senml_paths.h"

#include <errno.h>
#include <string.h>

#include "codec_cbor_reader.h"
#include "codec_json_reader.h"
#include "codec_senml_common.h"

/* SenML CBOR labels (RFC 8428 Table 6) this decoder looks at. */
enum { L_BN = -2, L_N = 0 };

struct names {
	const char *bn; /* carried over from record to record */
	size_t bn_len;
	struct path *out;
	size_t max, n;
};

/* bn + n: an absolute path below the root, without a trailing slash. */
static int resolve(const char *bn, size_t bn_len, const char *n, size_t n_len,
		   struct path *out)
{
	char name[SENML_NAME_MAX];
	size_t len = bn_len + n_len;

	if (bn_len > sizeof(name) || n_len > sizeof(name) ||
	    len > sizeof(name) || len < 2)
		return -EBADMSG;
	if (bn_len)
		memcpy(name, bn, bn_len);
	if (n_len)
		memcpy(name + bn_len, n, n_len);
	if (name[0] != '/' || name[len - 1] == '/' ||
	    path_parse(name, len, out) != 0 || out->len == 0)
		return -EBADMSG;
	return 0;
}

static int add(struct names *st, bool has_bn, const char *bn, size_t bn_len,
	       bool has_n, const char *n, size_t n_len)
{
	if (has_bn) {
		st->bn = bn;
		st->bn_len = bn_len;
	}
	if (!has_bn && !has_n)
		return -EBADMSG; /* a record naming nothing */
	if (st->n == st->max)
		return -E2BIG;
	if (!has_n)
		n = "", n_len = 0;
	return resolve(st->bn, st->bn_len, n, n_len, &st->out[st->n++]);
}

/* ---- SenML JSON -------------------------------------------------------- */

static int json_record(struct names *st, struct json_object *rec)
{
	struct json_object_iterator it, end;
	const char *bn = NULL, *n = NULL;
	size_t bn_len = 0, n_len = 0;
	bool has_bn = false, has_n = false;

	if (!json_object_is_type(rec, json_type_object))
		return -EBADMSG;
	it = json_object_iter_begin(rec);
	end = json_object_iter_end(rec);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);
		struct json_object *v = json_object_iter_peek_value(&it);
		size_t klen = strlen(k);

		if (!strcmp(k, "bn")) {
			has_bn = true;
			if (codec_json_string(v, &bn, &bn_len))
				return -EBADMSG;
		} else if (!strcmp(k, "n")) {
			has_n = true;
			if (codec_json_string(v, &n, &n_len))
				return -EBADMSG;
		} else if (klen && k[klen - 1] == '_') {
			return -EBADMSG;
		}
	}
	return add(st, has_bn, bn, bn_len, has_n, n, n_len);
}

static int decode_json(const uint8_t *buf, size_t len, struct names *st)
{
	struct json_object *root;
	size_t count;
	int err;

	root = codec_json_parse((const char *)buf, len, &err);
	if (!root)
		return err;
	if (!json_object_is_type(root, json_type_array)) {
		err = -EBADMSG;
		goto out;
	}
	count = json_object_array_length(root);
	if (count > st->max) {
		err = -E2BIG;
		goto out;
	}
	err = 0;
	for (size_t i = 0; i < count && !err; i++)
		err = json_record(st, json_object_array_get_idx(root, i));
out:
	json_object_put(root);
	return err;
}

/* ---- SenML CBOR -------------------------------------------------------- */

static int cbor_record(struct codec_cbor_reader *r,
		       const struct codec_cbor_item *map, struct names *st)
{
	bool indef = map->kind == CCBOR_INDEF_MAP;
	bool has_bn = false, has_n = false;
	const char *bn = NULL, *n = NULL;
	size_t bn_len = 0, n_len = 0;
	struct codec_cbor_item key, v;
	int err;

	if (map->kind != CCBOR_MAP && !indef)
		return -EBADMSG;
	for (uint64_t i = 0; indef || i < map->u; i++) {
		if ((err = codec_cbor_next(r, &key)))
			return err;
		if (indef && key.kind == CCBOR_BREAK)
			break;
		if ((err = codec_cbor_next(r, &v)))
			return err;
		if ((key.kind == CCBOR_NEGINT && key.u == 1) ||
		    (key.kind == CCBOR_UINT && key.u == 0)) {
			bool is_bn = key.kind == CCBOR_NEGINT;

			if (v.kind != CCBOR_TEXT || (is_bn ? has_bn : has_n) ||
			    !senml_utf8_valid(v.ptr, v.len))
				return -EBADMSG;
			if (is_bn) {
				has_bn = true;
				bn = (const char *)v.ptr, bn_len = v.len;
			} else {
				has_n = true;
				n = (const char *)v.ptr, n_len = v.len;
			}
			continue;
		}
		if (key.kind == CCBOR_TEXT && key.len &&
		    key.ptr[key.len - 1] == '_')
			return -EBADMSG;
		if (key.kind != CCBOR_UINT && key.kind != CCBOR_NEGINT &&
		    key.kind != CCBOR_TEXT)
			return -EBADMSG;
		if ((err = codec_cbor_skip(r, &v, 1)))
			return err;
	}
	return add(st, has_bn, bn, bn_len, has_n, n, n_len);
}

static int decode_cbor(const uint8_t *buf, size_t len, struct names *st)
{
	struct codec_cbor_reader r = {.buf = buf, .len = len};
	struct codec_cbor_item top, elem;
	bool indef;
	int err;

	if ((err = codec_cbor_next(&r, &top)))
		return err;
	indef = top.kind == CCBOR_INDEF_ARRAY;
	if (top.kind != CCBOR_ARRAY && !indef)
		return -EBADMSG;
	if (!indef && top.u > st->max)
		return -E2BIG;
	for (uint64_t i = 0; indef || i < top.u; i++) {
		if ((err = codec_cbor_next(&r, &elem)))
			return err;
		if (indef && elem.kind == CCBOR_BREAK)
			break;
		if ((err = cbor_record(&r, &elem, st)))
			return err;
	}
	return r.pos == len ? 0 : -EBADMSG;
}

int senml_paths_decode(int cf, const uint8_t *buf, size_t len, struct path *out,
		       size_t max)
{
	struct names st = {.out = out, .max = max};
	int err;

	if (cf == 110)
		err = decode_json(buf, len, &st);
	else if (cf == 112)
		err = decode_cbor(buf, len, &st);
	else
		return -EMEDIUMTYPE;
	return err < 0 ? err : (int)st.n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "dm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coap_errors.h"
#include "codec_lwm2m_json.h"
#include "codec_opaque.h"
#include "codec_senml_cbor.h"
#include "codec_senml_json.h"
#include "codec_text.h"
#include "codec_tlv.h"
#include "log.h"

/* A read answer larger than this is refused (5.00) rather than built: it
 * would be hundreds of blocks on a constrained link. */
#define DM_PAYLOAD_MAX (1024 * 1024)

enum { OID_SECURITY = 0 };

struct dm {
	struct object_access *oa;
	/* Reused between requests: no allocation on the hot path once warm. */
	struct record *recs;
	size_t n_recs, cap_recs;
	uint8_t *buf;
	size_t cap_buf;
};

struct dm *dm_new(struct object_access *oa)
{
	struct dm *dm = calloc(1, sizeof(*dm));

	if (!dm)
		return NULL;
	dm->oa = oa;
	return dm;
}

void dm_free(struct dm *dm)
{
	if (!dm)
		return;
	free(dm->recs);
	free(dm->buf);
	free(dm);
}

static void answer(struct dm_response *resp, int code)
{
	*resp = (struct dm_response){ .code = code, .content_format = -1 };
}

static void answer_errno(struct dm_response *resp, int err)
{
	answer(resp, (int)coap_code_from_errno(err));
}

int dm_parse_path(const char *const *segs, size_t n, struct path *out)
{
	*out = path_root();
	for (size_t i = 0; i < n; i++) {
		const char *s = segs[i];
		struct path one;

		/* path_parse checks digits, range and leading zeros. */
		if (path_parse(s, strlen(s), &one) != 0 || one.len != 1 ||
		    path_push(out, one.ids[0]) != 0)
			return -EINVAL;
	}
	return 0;
}

static int grow_buf(struct dm *dm, size_t need)
{
	uint8_t *b;

	if (need <= dm->cap_buf)
		return 0;
	if (need > DM_PAYLOAD_MAX)
		return -EFBIG;
	b = realloc(dm->buf, need);
	if (!b)
		return -ENOMEM;
	dm->buf = b;
	dm->cap_buf = need;
	return 0;
}

/* Keeps each record; its bytes stay in the model, which nothing changes
 * until the answer is encoded (all of this runs in one loop callback). */
static int keep_record(const struct record *rec, void *arg)
{
	struct dm *dm = arg;

	if (dm->n_recs == dm->cap_recs) {
		size_t cap = dm->cap_recs ? dm->cap_recs * 2 : 32;
		struct record *r;

		if (cap > CODEC_MAX_RECORDS)
			return -EFBIG;
		r = realloc(dm->recs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		dm->recs = r;
		dm->cap_recs = cap;
	}
	dm->recs[dm->n_recs++] = *rec;
	return 0;
}

static int encode_records(struct dm *dm, int cf, const struct path *base,
			  size_t cap)
{
	switch (cf) {
	case DM_CF_TLV:
		return tlv_encode(base, dm->recs, dm->n_recs, dm->buf, cap);
	case DM_CF_LWM2M_JSON:
		return lwm2m_json_encode(base, dm->recs, dm->n_recs, NULL,
					 (char *)dm->buf, cap);
	case DM_CF_SENML_JSON:
		return senml_json_encode(base, dm->recs, dm->n_recs, NULL,
					 (char *)dm->buf, cap);
	case DM_CF_SENML_CBOR:
		return senml_cbor_encode(base, dm->recs, dm->n_recs, NULL,
					 dm->buf, cap);
	default: return -EMEDIUMTYPE;
	}
}

/* Encodes the collected records, growing the buffer while too small. */
static int encode_grow(struct dm *dm, int cf, const struct path *base)
{
	int n;

	if (grow_buf(dm, 1024) < 0)
		return -ENOMEM;
	for (;;) {
		n = encode_records(dm, cf, base, dm->cap_buf);
		if (n != -ENOBUFS)
			return n;
		if ((n = grow_buf(dm, dm->cap_buf * 2)) < 0)
			return n;
	}
}

/* One value, as text or opaque. */
static int encode_single(struct dm *dm, int cf, const struct lwb_value *v)
{
	size_t need = v->type == LWB_TYPE_OPAQUE || v->type == LWB_TYPE_STRING
			      ? v->v.bytes.len * 4 / 3 + 8
			      : 64;
	int n;

	if ((n = grow_buf(dm, need > 64 ? need : 64)) < 0)
		return n;
	if (cf == DM_CF_OPAQUE)
		return v->type == LWB_TYPE_OPAQUE
			       ? opaque_encode(v, dm->buf, dm->cap_buf)
			       : -EMEDIUMTYPE;
	if (v->type == LWB_TYPE_OPAQUE && cf != DM_CF_TEXT)
		return -EMEDIUMTYPE;
	return text_encode(v, (char *)dm->buf, dm->cap_buf);
}

static bool is_single_value(struct dm *dm, const struct path *p)
{
	const struct schema_object *obj;
	const struct schema_resource *res;

	if (p->len == PATH_RESOURCE_INSTANCE)
		return true;
	if (p->len != PATH_RESOURCE)
		return false;
	obj = schema_find(model_schema(oa_model(dm->oa)), p->ids[0]);
	res = obj ? schema_find_resource(obj, p->ids[2]) : NULL;
	return res && !res->multiple;
}

static bool is_multi_format(int cf)
{
	return cf == DM_CF_TLV || cf == DM_CF_LWM2M_JSON ||
	       cf == DM_CF_SENML_JSON || cf == DM_CF_SENML_CBOR;
}

static void read_op(struct dm *dm, const struct dm_requester *who,
		    const struct path *p, int accept, struct dm_response *resp)
{
	bool single = is_single_value(dm, p);
	int cf = accept;
	int n;

	if (cf < 0)
		cf = single ? DM_CF_TEXT
		     : who->version == REG_LWM2M_1_0 ? DM_CF_TLV
						     : DM_CF_SENML_CBOR;
	if (single && !is_multi_format(cf)) {
		struct lwb_value v;

		if ((n = oa_read(dm->oa, p, &v)) < 0)
			goto fail;
		/* An Opaque resource read without Accept goes as opaque. */
		if (accept < 0 && v.type == LWB_TYPE_OPAQUE)
			cf = DM_CF_OPAQUE;
		if ((n = encode_single(dm, cf, &v)) < 0)
			goto fail;
	} else {
		if (!is_multi_format(cf)) {
			n = -EMEDIUMTYPE;
			goto fail;
		}
		dm->n_recs = 0;
		if ((n = oa_read_collect(dm->oa, p, keep_record, dm)) < 0)
			goto fail;
		if ((n = encode_grow(dm, cf, p)) < 0)
			goto fail;
	}
	*resp = (struct dm_response){ .code = COAP_CONTENT,
				      .content_format = cf,
				      .payload = dm->buf,
				      .payload_len = (size_t)n };
	return;
fail:
	if (n == -EMEDIUMTYPE) {
		answer(resp, COAP_NOT_ACCEPTABLE);
		return;
	}
	if (n == -ENOMEM || n == -EFBIG || n == -ENOBUFS)
		log_warnx("read: cannot build the answer: %s", strerror(-n));
	answer_errno(resp, n);
}

/* Execute arguments, LwM2M 1.0.2 §5.4.5: "0,1='text',2": a digit,
 * optionally ='value'; value characters are 0x21, 0x23-0x26, 0x28-0x5B and
 * 0x5D-0x7E (no space, double quote, quote or backslash). */
static bool execute_args_valid(const uint8_t *a, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return true;
	for (;;) {
		if (i >= n || a[i] < '0' || a[i] > '9')
			return false;
		i++;
		if (i < n && a[i] == '=') {
			if (++i >= n || a[i] != '\'')
				return false;
			for (i++; i < n && a[i] != '\''; i++)
				if (a[i] < 0x21 || a[i] > 0x7e || a[i] == '"' ||
				    a[i] == '\\')
					return false;
			if (i++ >= n)
				return false; /* no closing quote */
		}
		if (i == n)
			return true;
		if (a[i++] != ',')
			return false;
	}
}

static void execute_op(struct dm *dm, const struct path *p,
		       const struct dm_request *req, struct dm_response *resp)
{
	int rc;

	if (p->len != PATH_RESOURCE) {
		answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (!execute_args_valid(req->payload, req->payload_len)) {
		answer(resp, COAP_BAD_REQUEST);
		return;
	}
	rc = oa_execute(dm->oa, p, (const char *)req->payload,
			req->payload_len);
	if (rc < 0)
		answer_errno(resp, rc);
	else
		answer(resp, COAP_CHANGED);
}

/* Applies one decoded record of a Write on a resource: it must lie at or
 * below the request's path. */
struct write_ctx {
	struct dm *dm;
	const struct path *base;
};

static int write_record(const struct record *rec, void *arg)
{
	struct write_ctx *w = arg;

	if (!path_is_within(&rec->path, w->base) ||
	    rec->path.len < PATH_RESOURCE)
		return -EINVAL;
	return oa_write(w->dm->oa, &rec->path, &rec->value);
}

static int decode_and_write(struct dm *dm, const struct path *p,
			    const struct dm_request *req)
{
	struct write_ctx w = { dm, p };
	struct codec_decoder dec = {
		.base = *p,
		.type_of = model_type_of,
		.type_ctx = oa_model(dm->oa),
		.on_record = write_record,
		.record_ctx = &w,
	};
	const char *text = (const char *)req->payload;

	switch (req->content_format) {
	case DM_CF_TLV: return tlv_decode(req->payload, req->payload_len, &dec);
	case DM_CF_LWM2M_JSON:
		return lwm2m_json_decode(text, req->payload_len, &dec);
	case DM_CF_SENML_JSON:
		return senml_json_decode(text, req->payload_len, &dec);
	case DM_CF_SENML_CBOR:
		return senml_cbor_decode(req->payload, req->payload_len, &dec);
	default: return -EMEDIUMTYPE;
	}
}

/*
 * Write (replace) of one resource or resource instance: text/plain,
 * opaque, or any multi-value format carrying that resource.  Writes on
 * whole instances (replace, partial update) come with the Device
 * Management work.  A multi-record payload is applied record by record.
 */
static void write_op(struct dm *dm, const struct path *p,
		     const struct dm_request *req, struct dm_response *resp)
{
	enum lwb_type type = model_type_of(p, oa_model(dm->oa));
	struct lwb_value v;
	int rc;

	if (p->len < PATH_RESOURCE) {
		answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (type == LWB_TYPE_NONE) {
		answer(resp, COAP_NOT_FOUND);
		return;
	}
	if (req->content_format == DM_CF_TEXT) {
		size_t need = TEXT_OPAQUE_SCRATCH(req->payload_len) + 1;

		if ((rc = grow_buf(dm, need)) < 0)
			goto fail;
		rc = text_decode((const char *)req->payload, req->payload_len,
				 type, &v, dm->buf, dm->cap_buf);
		if (rc == 0)
			rc = oa_write(dm->oa, p, &v);
	} else if (req->content_format == DM_CF_OPAQUE) {
		rc = opaque_decode(req->payload, req->payload_len, type, &v);
		if (rc == 0)
			rc = oa_write(dm->oa, p, &v);
	} else {
		rc = decode_and_write(dm, p, req);
	}
	if (rc >= 0) {
		answer(resp, COAP_CHANGED);
		return;
	}
fail:
	if (rc == -EMEDIUMTYPE)
		answer(resp, COAP_UNSUPPORTED_CONTENT_FORMAT);
	else
		answer_errno(resp, rc);
}

void dm_read(struct dm *dm, const struct dm_requester *who,
	     const struct path *p, int accept, struct dm_response *resp)
{
	if (p->len >= 1 && p->ids[0] == OID_SECURITY) {
		answer(resp, COAP_UNAUTHORIZED);
		return;
	}
	if (p->len == 0) {
		answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	read_op(dm, who, p, accept, resp);
}

void dm_handle(struct dm *dm, const struct dm_requester *who,
	       const struct dm_request *req, struct dm_response *resp)
{
	struct path p;

	if (dm_parse_path(req->path, req->n_path, &p) < 0) {
		answer(resp, COAP_BAD_REQUEST);
		return;
	}
	/* The Security object holds credentials: no LwM2M Server may touch
	 * it (LwM2M 1.1 Core §E.1; ETS 221). */
	if (p.len >= 1 && p.ids[0] == OID_SECURITY) {
		answer(resp, COAP_UNAUTHORIZED);
		return;
	}
	if (req->method == 1 /* GET */ && p.len >= 1 &&
	    req->accept != DM_CF_LINK) {
		read_op(dm, who, &p, req->accept, resp);
		return;
	}
	if (req->method == 3 /* PUT */ && req->content_format != -1) {
		write_op(dm, &p, req, resp);
		return;
	}
	/* POST on a resource is Execute; on an object or instance it is
	 * Create or a partial Write (not served yet). */
	if (req->method == 2 /* POST */ && p.len == PATH_RESOURCE) {
		execute_op(dm, &p, req, resp);
		return;
	}
	answer(resp, COAP_METHOD_NOT_ALLOWED);
}

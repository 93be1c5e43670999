/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Write (PUT: replace) and Write partial update (POST) of instances,
 * resources and resource instances (LwM2M 1.0.2 §5.4.3, 1.1 Core §6.3.3).
 *
 * All or nothing: a multi-value payload is decoded twice.  The first pass
 * checks every record against the definition (oa_write_check: path below
 * the request, resource defined, writable, type, range) and applies
 * nothing; any failure answers the request and leaves everything as it
 * was.  The second pass decodes the same bytes again (codecs are pure, so
 * the records are the same) and applies them.  What the second pass can
 * still meet is a plugin's write callback refusing a value the definition
 * allows (the hardware said no): the values applied before it stay, since
 * the ABI has no way to take a write back.
 *
 * Replace vs. partial update:
 *   - a multiple resource carried by a replace (PUT /o/i with its
 *     instances, or PUT /o/i/r) is replaced whole: instances not in the
 *     payload go away; a partial update (POST /o/i, POST /o/i/r) adds and
 *     updates resource instances and keeps the others;
 *   - PUT /o/i on a data-only instance (nothing bound, see
 *     object_access.h) also removes its writable resources that the
 *     payload does not carry: the instance then holds exactly what was
 *     written plus its read-only values.  On a bound instance (plugin,
 *     Server) the absent resources are left alone: the ABI has no "reset
 *     to default" callback, and the hardware keeps its state anyway.
 *
 * Answers: 2.04; 4.00 malformed payload, a record outside the path, wrong
 * type, out of range; 4.04 unknown instance or resource; 4.05 a resource
 * that is not writable (read-only or executable) anywhere in the payload,
 * as mature clients answer (both for replace and partial update), or a
 * bound instance without write callback; 4.15 a Content-Format that
 * cannot carry the target (text/opaque on an instance or a multiple
 * resource, or an unknown one).
 */
#include "config.h"

#include <errno.h>

#include "codec_cbor_value.h"
#include "codec_lwm2m_json.h"
#include "codec_opaque.h"
#include "codec_senml_cbor.h"
#include "codec_senml_json.h"
#include "codec_text.h"
#include "codec_tlv.h"
#include "dm_priv.h"

struct write_ctx {
	struct dm *dm;
	const struct path *base;
	bool apply;
};

static int write_record(const struct record *rec, void *arg)
{
	struct write_ctx *w = arg;
	int rc;

	if (!path_is_within(&rec->path, w->base) ||
	    rec->path.len < PATH_RESOURCE)
		return -EINVAL;
	if (w->apply)
		return oa_write(w->dm->oa, &rec->path, &rec->value);
	if ((rc = oa_write_check(w->dm->oa, &rec->path, &rec->value)) < 0)
		return rc;
	/* Only the path is used later (which resources the payload has);
	 * the value's bytes are not kept. */
	return dm_keep_record(rec, w->dm);
}

int dm_decode(struct dm *dm, const struct path *base,
	      const struct dm_request *req, codec_record_fn fn, void *ctx)
{
	struct codec_decoder dec = {
		.base = *base,
		.type_of = model_type_of,
		.type_ctx = oa_model(dm->oa),
		.on_record = fn,
		.record_ctx = ctx,
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

static bool in_payload(const struct dm *dm, uint16_t rid)
{
	for (size_t i = 0; i < dm->n_recs; i++)
		if (dm->recs[i].path.ids[2] == rid)
			return true;
	return false;
}

/* Before a replace is applied: the multiple resources it carries lose
 * their old instances; on a data-only instance replaced whole, so do the
 * writable resources it does not carry. */
static void clear_replaced(struct dm *dm, const struct path *p)
{
	struct model *m = oa_model(dm->oa);
	const struct schema_object *obj =
		schema_find(model_schema(m), p->ids[0]);
	bool whole = p->len == PATH_INSTANCE &&
		     !oa_handler(dm->oa, p->ids[0], p->ids[1]);

	if (!obj || p->len > PATH_RESOURCE)
		return;
	for (size_t i = 0; i < obj->resource_count; i++) {
		const struct schema_resource *res = &obj->resources[i];
		struct path rp = path_resource(p->ids[0], p->ids[1], res->id);
		bool carried = in_payload(dm, res->id);

		if (p->len == PATH_RESOURCE && res->id != p->ids[2])
			continue;
		if (!(res->ops & SCHEMA_OP_WRITE) ||
		    (res->ops & SCHEMA_OP_EXEC))
			continue;
		/* PUT /o/i/r: that resource; PUT /o/i: the multiple ones it
		 * carries, and on a data-only instance those it does not. */
		if (res->multiple ? p->len == PATH_RESOURCE || carried
				  : !carried && whole)
			model_resource_delete(m, &rp);
	}
}

/* A multi-value Write at p: check everything, then apply. */
static int write_multi(struct dm *dm, const struct path *p,
		       const struct dm_request *req, bool replace)
{
	struct write_ctx w = {dm, p, false};
	int rc;

	if (!dm_is_multi_format(req->content_format))
		return -EMEDIUMTYPE;
	/* A resource (instance) need not exist yet: writing creates it. */
	if (!model_instance_exists(oa_model(dm->oa), p->ids[0], p->ids[1]))
		return -ENOENT;
	dm->n_recs = 0;
	if ((rc = dm_decode(dm, p, req, write_record, &w)) < 0)
		return rc;
	if (replace)
		clear_replaced(dm, p);
	w.apply = true;
	rc = dm_decode(dm, p, req, write_record, &w);
	return rc < 0 ? rc : 0;
}

static void answer(struct dm_response *resp, int rc)
{
	if (rc >= 0)
		dm_answer(resp, COAP_CHANGED);
	else if (rc == -EMEDIUMTYPE)
		dm_answer(resp, COAP_UNSUPPORTED_CONTENT_FORMAT);
	else
		dm_answer_errno(resp, rc);
}

/* One value in text/plain or opaque. */
static int write_single(struct dm *dm, const struct path *p,
			const struct dm_request *req, enum lwb_type type)
{
	struct lwb_value v;
	int rc;

	if (req->content_format == DM_CF_TEXT) {
		size_t need = TEXT_OPAQUE_SCRATCH(req->payload_len) + 1;

		if ((rc = dm_grow_buf(dm, need)) < 0)
			return rc;
		rc = text_decode((const char *)req->payload, req->payload_len,
				 type, &v, dm->buf, dm->cap_buf);
	} else if (req->content_format == DM_CF_CBOR) {
		rc = cbor_value_decode(req->payload, req->payload_len, type, &v);
	} else {
		rc = opaque_decode(req->payload, req->payload_len, type, &v);
	}
	return rc < 0 ? rc : oa_write(dm->oa, p, &v);
}

/* A path whose resource has no value type: 4.05 for an executable
 * resource the object defines, 4.04 for one it does not. */
static int untyped(struct dm *dm, const struct path *p)
{
	const struct schema_object *obj =
		schema_find(model_schema(oa_model(dm->oa)), p->ids[0]);

	return obj && schema_find_resource(obj, p->ids[2]) ? -EOPNOTSUPP
							   : -ENOENT;
}

void dm_op_write(struct dm *dm, const struct dm_requester *who,
		 const struct path *p, const struct dm_request *req,
		 struct dm_response *resp)
{
	bool single_cf = req->content_format == DM_CF_TEXT ||
			 req->content_format == DM_CF_OPAQUE ||
			 req->content_format == DM_CF_CBOR;

	(void)who;
	if (p->len == PATH_INSTANCE) {
		answer(resp, write_multi(dm, p, req, true));
		return;
	}
	if (model_type_of(p, oa_model(dm->oa)) == LWB_TYPE_NONE) {
		answer(resp, untyped(dm, p));
		return;
	}
	if (single_cf)
		answer(resp,
		       dm_is_single_value(dm, p)
			       ? write_single(
					 dm, p, req,
					 model_type_of(p, oa_model(dm->oa)))
			       : -EMEDIUMTYPE);
	else
		answer(resp, write_multi(dm, p, req, true));
}

/* POST on an instance, or on a multiple resource with a Content-Format
 * (dm.c routes it here): only the values given change. */
void dm_op_write_partial(struct dm *dm, const struct dm_requester *who,
			 const struct path *p, const struct dm_request *req,
			 struct dm_response *resp)
{
	(void)who;
	if (p->len == PATH_RESOURCE &&
	    model_type_of(p, oa_model(dm->oa)) == LWB_TYPE_NONE) {
		answer(resp, untyped(dm, p));
		return;
	}
	answer(resp, write_multi(dm, p, req, false));
}

/* SPDX-License-Identifier: BSD-3-Clause */
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
	struct write_ctx w = {dm, p};
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
void dm_op_write(struct dm *dm, const struct dm_requester *who,
		 const struct path *p, const struct dm_request *req,
		 struct dm_response *resp)
{
	enum lwb_type type = model_type_of(p, oa_model(dm->oa));
	struct lwb_value v;
	int rc;

	(void)who;
	if (p->len < PATH_RESOURCE) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (type == LWB_TYPE_NONE) {
		dm_answer(resp, COAP_NOT_FOUND);
		return;
	}
	if (req->content_format == DM_CF_TEXT) {
		size_t need = TEXT_OPAQUE_SCRATCH(req->payload_len) + 1;

		if ((rc = dm_grow_buf(dm, need)) < 0)
			goto fail;
		rc = text_decode((const char *)req->payload, req->payload_len,
				 type, &v, dm->buf, dm->cap_buf);
		if (rc == 0)
			rc = oa_write(dm->oa, p, &v);
	} else if (req->content_format == DM_CF_OPAQUE) {
		rc = opaque_decode(req->payload, req->payload_len, type, &v);
		if (rc == 0)
			rc = oa_write(dm->oa, p, &v);
	} else if (req->content_format == DM_CF_CBOR) {
		rc = cbor_value_decode(req->payload, req->payload_len, type, &v);
		if (rc == 0)
			rc = oa_write(dm->oa, p, &v);
	} else {
		rc = decode_and_write(dm, p, req);
	}
	if (rc >= 0) {
		dm_answer(resp, COAP_CHANGED);
		return;
	}
fail:
	if (rc == -EMEDIUMTYPE)
		dm_answer(resp, COAP_UNSUPPORTED_CONTENT_FORMAT);
	else
		dm_answer_errno(resp, rc);
}

/* POST on an instance (or a multiple resource): partial update. */
void dm_op_write_partial(struct dm *dm, const struct dm_requester *who,
			 const struct path *p, const struct dm_request *req,
			 struct dm_response *resp)
{
	(void)dm;
	(void)who;
	(void)p;
	(void)req;
	dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
}

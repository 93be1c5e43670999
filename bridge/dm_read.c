/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "codec_cbor_value.h"
#include "codec_lwm2m_json.h"
#include "codec_opaque.h"
#include "codec_senml_cbor.h"
#include "codec_senml_json.h"
#include "codec_text.h"
#include "codec_tlv.h"
#include "dm_priv.h"
#include "log.h"

static int encode_records_once(struct dm *dm, int cf, const struct path *base,
			       const double *bt, size_t cap)
{
	switch (cf) {
	case DM_CF_TLV:
		return tlv_encode(base, dm->recs, dm->n_recs, dm->buf, cap);
	case DM_CF_LWM2M_JSON:
		return lwm2m_json_encode(base, dm->recs, dm->n_recs, bt,
					 (char *)dm->buf, cap);
	case DM_CF_SENML_JSON:
		return senml_json_encode(base, dm->recs, dm->n_recs, bt,
					 (char *)dm->buf, cap);
	case DM_CF_SENML_CBOR:
		return senml_cbor_encode(base, dm->recs, dm->n_recs, bt,
					 dm->buf, cap);
	default: return -EMEDIUMTYPE;
	}
}

int dm_encode_records_at(struct dm *dm, int cf, const struct path *base,
			 const double *base_time)
{
	int n;

	if (dm_grow_buf(dm, 1024) < 0)
		return -ENOMEM;
	for (;;) {
		n = encode_records_once(dm, cf, base, base_time, dm->cap_buf);
		if (n != -ENOBUFS)
			return n;
		if ((n = dm_grow_buf(dm, dm->cap_buf * 2)) < 0)
			return n;
	}
}

int dm_encode_records(struct dm *dm, int cf, const struct path *base)
{
	return dm_encode_records_at(dm, cf, base, NULL);
}

/* One value, as text, opaque or CBOR; any other format is 4.06. */
static int encode_single(struct dm *dm, int cf, const struct lwb_value *v)
{
	size_t need = v->type == LWB_TYPE_OPAQUE || v->type == LWB_TYPE_STRING
			      ? v->v.bytes.len * 4 / 3 + 8
			      : 64;
	int n;

	if ((n = dm_grow_buf(dm, need > 64 ? need : 64)) < 0)
		return n;
	switch (cf) {
	case DM_CF_OPAQUE:
		return v->type == LWB_TYPE_OPAQUE
			       ? opaque_encode(v, dm->buf, dm->cap_buf)
			       : -EMEDIUMTYPE;
	case DM_CF_CBOR: return cbor_value_encode(v, dm->buf, dm->cap_buf);
	case DM_CF_TEXT: return text_encode(v, (char *)dm->buf, dm->cap_buf);
	default: return -EMEDIUMTYPE;
	}
}

bool dm_is_single_value(struct dm *dm, const struct path *p)
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

bool dm_is_multi_format(int cf)
{
	return cf == DM_CF_TLV || cf == DM_CF_LWM2M_JSON ||
	       cf == DM_CF_SENML_JSON || cf == DM_CF_SENML_CBOR;
}

/*
 * Collects p into dm->recs.  Under access control an object-level Read
 * holds only the instances this server may read (LwM2M 1.1 Core §7.3.2;
 * unreadable ones are not even refreshed, so their plugins see nothing),
 * and is -EACCES (4.01) when the object has instances but none of them is
 * readable: an empty answer would claim that there are none.  With
 * mark_instances (TLV) each instance read is preceded by an instance
 * record (NONE value) so that one without values still gets its Object
 * Instance TLV.  Otherwise, without hooks or for the Bootstrap-Server, one
 * walk over p as before.
 */
static int collect(struct dm *dm, const struct dm_requester *who,
		   const struct path *p, bool mark_instances)
{
	const struct model *m = oa_model(dm->oa);
	bool check = dm->access.check && !who->bootstrap;
	bool seen = false, allowed = false;
	int rc;

	if (p->len != PATH_OBJECT || (!check && !mark_instances))
		return oa_read_collect(dm->oa, p, dm_keep_record, dm);
	for (int iid = model_instance_next(m, p->ids[0], -1); iid >= 0;
	     iid = model_instance_next(m, p->ids[0], iid)) {
		struct path ip = path_instance(p->ids[0], (uint16_t)iid);
		struct record mark = {.path = ip,
				      .value = {.type = LWB_TYPE_NONE}};

		seen = true;
		if (check &&
		    dm->access.check(dm->access.ctx, who->short_server_id, &ip,
				     DM_ACCESS_READ) < 0)
			continue;
		allowed = true;
		if (mark_instances && (rc = dm_keep_record(&mark, dm)) < 0)
			return rc;
		if ((rc = oa_read_collect(dm->oa, &ip, dm_keep_record, dm)) < 0)
			return rc;
	}
	if (!seen) /* no instances: the plain answer (or 4.04) */
		return oa_read_collect(dm->oa, p, dm_keep_record, dm);
	return allowed ? 0 : -EACCES;
}

void dm_op_read(struct dm *dm, const struct dm_requester *who,
		const struct path *p, int accept, struct dm_response *resp)
{
	bool single = dm_is_single_value(dm, p);
	int cf = accept;
	int n;

	if (cf < 0)
		cf = single			     ? DM_CF_TEXT
		     : who->version == REG_LWM2M_1_0 ? DM_CF_TLV
						     : DM_CF_SENML_CBOR;
	if (single && !dm_is_multi_format(cf)) {
		struct lwb_value v;

		if ((n = oa_read(dm->oa, p, &v)) < 0)
			goto fail;
		/* An Opaque resource read without Accept goes as opaque. */
		if (accept < 0 && v.type == LWB_TYPE_OPAQUE)
			cf = DM_CF_OPAQUE;
		if ((n = encode_single(dm, cf, &v)) < 0)
			goto fail;
	} else {
		/* Collected before the format is judged, so that a path that
		 * does not exist (or may not be read) is 4.04 (4.01) in any
		 * Accept, as a single value's is: 4.06 only for what exists. */
		dm->n_recs = 0;
		if ((n = collect(dm, who, p, cf == DM_CF_TLV)) < 0)
			goto fail;
		if (!dm_is_multi_format(cf)) {
			n = -EMEDIUMTYPE;
			goto fail;
		}
		if ((n = dm_encode_records(dm, cf, p)) < 0)
			goto fail;
	}
	*resp = (struct dm_response){.code = COAP_CONTENT,
				     .content_format = cf,
				     .payload = dm->buf,
				     .payload_len = (size_t)n};
	return;
fail:
	if (n == -EMEDIUMTYPE) {
		dm_answer(resp, COAP_NOT_ACCEPTABLE);
		return;
	}
	if (n == -ENOMEM || n == -EFBIG || n == -ENOBUFS)
		log_warnx("read: cannot build the answer: %s", strerror(-n));
	dm_answer_errno(resp, n);
}

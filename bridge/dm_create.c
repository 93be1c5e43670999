/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Create (POST /oid) and Delete (DELETE /oid/iid), LwM2M 1.0.2 §5.4.5 and
 * §5.4.6, 1.1 Core §6.3.6 and §6.3.7.
 *
 * Who serves a created instance: the plugin ABI has no create callback, so
 * a server cannot create instances of an object a plugin (or the core)
 * serves: 4.05.  Instances of objects nobody serves are data-only: the
 * model holds them and the values written (object_access.h).  Likewise
 * only data-only instances can be deleted; a bound instance is 4.05.
 *
 * Create answers (code chosen where the specification leaves room):
 *   2.01  with Location-Path oid, iid
 *   4.00  malformed payload, a record outside the new instance, records
 *         for more than one instance, wrong type or out of range, an
 *         instance id that exists, a mandatory writable resource missing
 *         (1.0.2 Table 23: "Mandatory Resources are not specified")
 *   4.01  the Server (1) and Access Control (2) objects, unless the
 *         Bootstrap-Server asks (their instances are the bootstrap
 *         server's and the client's business, as in Anjay)
 *   4.04  an object no definition names, a resource the object does not
 *         define
 *   4.05  a single-instance object that has its instance, an object a
 *         plugin or the core serves, the Server and Access Control
 *         objects for the Bootstrap-Server (not served here: bootstrap
 *         writes go to the model directly)
 *   4.15  a Content-Format that cannot carry an instance
 * The new instance's id is the payload's (a TLV Object Instance entry, or
 * the /oid/iid of SenML and LwM2M JSON names), else the lowest free id (a
 * TLV payload of bare resources, or none).  Read-only resources in a
 * Create payload are accepted and stored: a data-only instance has no
 * other source for them.  Executable ones are refused (4.00).
 *
 * Delete answers: 2.02; 4.01 Server / Access Control instances unless the
 * Bootstrap-Server asks (then 4.05); 4.04 no such instance; 4.05 a bound
 * instance (plugin, core) and the instance of a mandatory single-instance
 * object (Device /3/0).
 *
 * The caller (servers.c) sends the Update with the new object list and
 * drops the attributes and observations of a deleted instance; the
 * access-control hooks created()/deleted() are called here.
 */
#include "config.h"

#include <errno.h>

#include "codec_tlv.h"
#include "dm_priv.h"

enum { NO_IID = -1 };

/* The first pass over a Create payload: the one instance id it names. */
struct scan_ctx {
	int iid;
	bool mixed;
};

static int scan_record(const struct record *rec, void *arg)
{
	struct scan_ctx *s = arg;

	if (rec->path.len < PATH_RESOURCE)
		return -EINVAL;
	if (s->iid == NO_IID)
		s->iid = rec->path.ids[1];
	else if (s->iid != rec->path.ids[1])
		s->mixed = true;
	return 0;
}

/* The id of the TLV Object Instance entry at buf (header: type, then an
 * 8- or 16-bit identifier). */
static int tlv_instance_id(const uint8_t *buf, size_t len)
{
	if (len < 2)
		return -EBADMSG;
	if (buf[0] & 0x20)
		return len < 3 ? -EBADMSG : (int)(buf[1] << 8 | buf[2]);
	return buf[1];
}

/* The instance id a Create asks for, or NO_IID.  Returns it or a negative
 * errno (a malformed payload, several instances). */
static int requested_iid(struct dm *dm, const struct path *p,
			 const struct dm_request *req)
{
	struct scan_ctx s = {NO_IID, false};
	int header = NO_IID; /* a TLV Object Instance's own id */
	int rc;

	if (req->payload_len == 0)
		return NO_IID;
	if (req->content_format == DM_CF_TLV) {
		if ((rc = tlv_first_kind(req->payload, req->payload_len)) < 0)
			return rc;
		if (rc != TLV_OBJECT_INSTANCE)
			return NO_IID;
		header = tlv_instance_id(req->payload, req->payload_len);
		if (header < 0 || header >= (int)LWB_ID_INVALID)
			return -EBADMSG;
	}
	if ((rc = dm_decode(dm, p, req, scan_record, &s)) < 0)
		return rc;
	/* One instance per Create; an empty TLV Object Instance names its
	 * id without records. */
	if (s.mixed || (header != NO_IID && s.iid != NO_IID && s.iid != header))
		return -EINVAL;
	return header != NO_IID ? header : s.iid;
}

/* The second and third pass: check each record against the new
 * (empty) instance, then store it. */
struct fill_ctx {
	struct dm *dm;
	struct path base;
	bool apply;
};

static int fill_record(const struct record *rec, void *arg)
{
	struct fill_ctx *f = arg;
	struct model *m = oa_model(f->dm->oa);
	struct lwb_value v;
	int rc;

	if (!path_is_within(&rec->path, &f->base) ||
	    rec->path.len < PATH_RESOURCE)
		return -EINVAL;
	if (f->apply) {
		rc = model_set_at(m, &rec->path, &rec->value,
				  oa_now_ms(f->dm->oa));
		return rc < 0 ? rc : 0;
	}
	if ((rc = model_check(m, &rec->path, &rec->value, &v)) < 0)
		return rc;
	return dm_keep_record(rec, f->dm);
}

/* Every mandatory writable resource of obj is among dm->recs. */
static bool has_mandatory(const struct dm *dm, const struct schema_object *obj)
{
	for (size_t i = 0; i < obj->resource_count; i++) {
		const struct schema_resource *res = &obj->resources[i];
		bool found = false;

		if (!res->mandatory || !(res->ops & SCHEMA_OP_WRITE) ||
		    (res->ops & SCHEMA_OP_EXEC))
			continue;
		for (size_t k = 0; k < dm->n_recs && !found; k++)
			found = dm->recs[k].path.ids[2] == res->id;
		if (!found)
			return false;
	}
	return true;
}

/* Fills the new instance /oid/iid from the payload; on any failure the
 * caller deletes it again. */
static int fill(struct dm *dm, uint16_t oid, uint16_t iid,
		const struct dm_request *req, const struct schema_object *obj)
{
	struct fill_ctx f = {dm, path_instance(oid, iid), false};
	int rc;

	dm->n_recs = 0;
	if (req->payload_len > 0) {
		/* TLV of bare resources: decoded as if written to the new
		 * instance (tlv_decode's rule for a Create without id). */
		struct path base = path_object(oid);

		if (req->content_format == DM_CF_TLV &&
		    tlv_first_kind(req->payload, req->payload_len) !=
			    TLV_OBJECT_INSTANCE)
			base = f.base;
		if ((rc = dm_decode(dm, &base, req, fill_record, &f)) < 0)
			return rc;
		if (!has_mandatory(dm, obj))
			return -EINVAL;
		f.apply = true;
		rc = dm_decode(dm, &base, req, fill_record, &f);
		return rc < 0 ? rc : 0;
	}
	return has_mandatory(dm, obj) ? 0 : -EINVAL;
}

void dm_op_create(struct dm *dm, const struct dm_requester *who,
		  const struct path *p, const struct dm_request *req,
		  struct dm_response *resp)
{
	struct model *m = oa_model(dm->oa);
	uint16_t oid = p->ids[0];
	const struct schema_object *obj = schema_find(model_schema(m), oid);
	int iid, rc;

	if (!obj) {
		dm_answer(resp, COAP_NOT_FOUND);
		return;
	}
	if (oid == DM_OID_SERVER || oid == DM_OID_ACCESS_CONTROL) {
		dm_answer(resp, who->bootstrap ? COAP_METHOD_NOT_ALLOWED
					       : COAP_UNAUTHORIZED);
		return;
	}
	if (oa_object_served(dm->oa, oid) ||
	    (!obj->multiple && model_instance_count(m, oid) > 0)) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (req->payload_len > 0 && !dm_is_multi_format(req->content_format)) {
		dm_answer(resp, COAP_UNSUPPORTED_CONTENT_FORMAT);
		return;
	}
	if ((iid = requested_iid(dm, p, req)) == NO_IID)
		iid = model_instance_free_id(m, oid);
	if (iid < 0) {
		dm_answer_errno(resp, iid == -ENOSPC ? -EINVAL : iid);
		return;
	}
	if ((rc = model_instance_create(m, oid, (uint16_t)iid)) < 0) {
		/* -EEXIST: 4.00 ("already exists"); -EPERM cannot happen
		 * (single-instance checked above) but would be 4.05. */
		dm_answer_errno(resp, rc == -EPERM ? -EOPNOTSUPP : rc);
		return;
	}
	if ((rc = fill(dm, oid, (uint16_t)iid, req, obj)) < 0) {
		model_instance_delete(m, oid, (uint16_t)iid);
		dm_answer_errno(resp, rc);
		return;
	}
	dm_answer(resp, COAP_CREATED);
	resp->location = path_instance(oid, (uint16_t)iid);
	if (dm->access.created)
		dm->access.created(dm->access.ctx, who->short_server_id, oid,
				   (uint16_t)iid);
}

void dm_op_delete(struct dm *dm, const struct dm_requester *who,
		  const struct path *p, struct dm_response *resp)
{
	struct model *m = oa_model(dm->oa);
	uint16_t oid = p->ids[0], iid = p->ids[1];
	const struct schema_object *obj = schema_find(model_schema(m), oid);

	if (oid == DM_OID_SERVER || oid == DM_OID_ACCESS_CONTROL) {
		dm_answer(resp, who->bootstrap ? COAP_METHOD_NOT_ALLOWED
					       : COAP_UNAUTHORIZED);
		return;
	}
	if (!obj || !model_instance_exists(m, oid, iid)) {
		dm_answer(resp, COAP_NOT_FOUND);
		return;
	}
	if (oa_handler(dm->oa, oid, iid) ||
	    (obj->mandatory && !obj->multiple)) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (model_instance_delete(m, oid, iid) < 0) {
		dm_answer(resp, COAP_NOT_FOUND);
		return;
	}
	dm_answer(resp, COAP_DELETED);
	if (dm->access.deleted)
		dm->access.deleted(dm->access.ctx, oid, iid);
}

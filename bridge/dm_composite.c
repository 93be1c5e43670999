/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LwM2M 1.1 Read-Composite (FETCH on the root, Core §6.3.8) and
 * Write-Composite (iPATCH on the root, Core §6.3.9).  Both carry SenML
 * JSON (110) or SenML CBOR (112); the names are absolute paths.
 *
 * Choices where the stored specification text could not be read in full
 * (kept in line with what mature clients do):
 *  - LwM2M 1.0 has neither operation: a server registered with 1.0 gets
 *    4.05 Method Not Allowed.
 *  - Read-Composite: a path that does not exist, the Security object and
 *    instances this server may not read (access control) are left out of
 *    the answer, which is 2.05 even when nothing is left ("[]"): one
 *    missing path does not hide the others.  Any other failure of one
 *    path (e.g. an Execute-only resource, 4.05; a plugin error) fails the
 *    whole request with that path's code, as a plain Read would.
 *  - Overlapping paths (/3/0 and /3/0/1) are read once: the answer lists
 *    each value once, sorted by path.
 *  - Write-Composite is all or nothing: every record is checked (the
 *    Security object 4.01, access 4.01, existence 4.04, writable 4.05,
 *    type and range 4.00, a bound instance without a write callback
 *    4.05) before the first value is written.  If a plugin then refuses
 *    a write, the values already written are written back (best effort,
 *    logged) and the plugin's code is the answer.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec_senml_cbor.h"
#include "codec_senml_json.h"
#include "codec_senml_paths.h"
#include "dm_priv.h"
#include "log.h"
#include "schema.h"

static bool is_senml(int cf)
{
	return cf == DM_CF_SENML_JSON || cf == DM_CF_SENML_CBOR;
}

static int compare_paths(const void *a, const void *b)
{
	return path_compare(a, b);
}

/* Sorts p[0..n-1] and drops every path that lies within an earlier one:
 * the subtrees left are disjoint.  Returns the new count. */
static size_t normalize(struct path *p, size_t n)
{
	size_t k = 0;

	qsort(p, n, sizeof(*p), compare_paths);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && path_is_within(&p[i], &p[k - 1]))
			continue;
		p[k++] = p[i];
	}
	return k;
}

int dm_composite_paths(const struct dm_request *req, struct path *out,
		       size_t max)
{
	if (!is_senml(req->content_format))
		return -EMEDIUMTYPE;
	return senml_paths_decode(req->content_format, req->payload,
				  req->payload_len, out, max);
}

/* ---- Read-Composite ---------------------------------------------------- */

/* Keeps the records of instances the server may read. */
struct read_filter {
	struct dm *dm;
	const struct dm_requester *who;
	bool have_last;
	uint16_t oid, iid;
	bool allowed;
};

static int keep_allowed(const struct record *rec, void *arg)
{
	struct read_filter *f = arg;
	struct dm *dm = f->dm;

	if (dm->access.check && !f->who->bootstrap &&
	    (!f->have_last || f->oid != rec->path.ids[0] ||
	     f->iid != rec->path.ids[1])) {
		struct path inst =
			path_instance(rec->path.ids[0], rec->path.ids[1]);

		f->have_last = true;
		f->oid = rec->path.ids[0];
		f->iid = rec->path.ids[1];
		f->allowed = dm->access.check(dm->access.ctx,
					      f->who->short_server_id, &inst,
					      DM_ACCESS_READ) == 0;
	} else if (!dm->access.check || f->who->bootstrap) {
		f->allowed = true;
	}
	return f->allowed ? dm_keep_record(rec, dm) : 0;
}

/* Read-Composite, and a Send report when time is not NULL: then every
 * record is stamped with *time and the payload carries it as base time. */
static void read_composite(struct dm *dm, const struct dm_requester *who,
			   const struct path *paths, size_t n, int accept,
			   const double *time, struct dm_response *resp)
{
	struct path p[SENML_PATHS_MAX];
	struct path root = path_root();
	int cf = accept < 0 ? DM_CF_SENML_CBOR : accept;
	int rc = 0;

	if (!is_senml(cf)) {
		dm_answer(resp, COAP_NOT_ACCEPTABLE);
		return;
	}
	if (n > SENML_PATHS_MAX) {
		dm_answer(resp, COAP_REQUEST_ENTITY_TOO_LARGE);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (paths[i].len == 0) {
			dm_answer(resp, COAP_BAD_REQUEST);
			return;
		}
		p[i] = paths[i];
	}
	n = normalize(p, n);
	dm->n_recs = 0;
	for (size_t i = 0; i < n; i++) {
		struct read_filter f = {.dm = dm, .who = who};
		size_t before = dm->n_recs;

		if (p[i].ids[0] == DM_OID_SECURITY)
			continue;
		if (dm->access.check && !who->bootstrap &&
		    p[i].len >= PATH_INSTANCE &&
		    dm->access.check(dm->access.ctx, who->short_server_id,
				     &p[i], DM_ACCESS_READ) != 0)
			continue;
		rc = oa_read_collect(dm->oa, &p[i], keep_allowed, &f);
		if (rc == -ENOENT) {
			dm->n_recs = before;
			rc = 0;
			continue;
		}
		if (rc < 0)
			goto fail;
	}
	if (time && dm->n_recs == 0) {
		dm_answer(resp, COAP_NOT_FOUND);
		return;
	}
	for (size_t i = 0; time && i < dm->n_recs; i++) {
		dm->recs[i].has_time = true;
		dm->recs[i].time = *time;
	}
	if ((rc = dm_encode_records_at(dm, cf, &root, time)) < 0)
		goto fail;
	*resp = (struct dm_response){.code = COAP_CONTENT,
				     .content_format = cf,
				     .payload = dm->buf,
				     .payload_len = (size_t)rc};
	return;
fail:
	if (rc == -ENOMEM || rc == -EFBIG || rc == -ENOBUFS)
		log_warnx("read-composite: cannot build the answer: %s",
			  strerror(-rc));
	dm_answer_errno(resp, rc);
}

void dm_read_composite(struct dm *dm, const struct dm_requester *who,
		       const struct path *paths, size_t n, int accept,
		       struct dm_response *resp)
{
	read_composite(dm, who, paths, n, accept, NULL, resp);
}

void dm_read_report(struct dm *dm, const struct dm_requester *who,
		    const struct path *paths, size_t n, int format, double time,
		    struct dm_response *resp)
{
	read_composite(dm, who, paths, n, format, &time, resp);
}

/* FETCH on the root. */
void dm_op_read_composite(struct dm *dm, const struct dm_requester *who,
			  const struct dm_request *req,
			  struct dm_response *resp)
{
	struct path paths[SENML_PATHS_MAX];
	int accept = req->accept < 0 ? req->content_format : req->accept;
	int n;

	if (who->version == REG_LWM2M_1_0) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (!is_senml(req->content_format)) {
		dm_answer(resp, COAP_UNSUPPORTED_CONTENT_FORMAT);
		return;
	}
	if (!is_senml(accept)) {
		dm_answer(resp, COAP_NOT_ACCEPTABLE);
		return;
	}
	n = dm_composite_paths(req, paths, SENML_PATHS_MAX);
	if (n < 0) {
		dm_answer(resp, n == -E2BIG ? COAP_REQUEST_ENTITY_TOO_LARGE
					    : COAP_BAD_REQUEST);
		return;
	}
	dm_read_composite(dm, who, paths, (size_t)n, accept, resp);
}

/* ---- Write-Composite --------------------------------------------------- */

struct write_set {
	struct dm *dm;
	const struct dm_requester *who;
	size_t used; /* bytes of dm->buf holding copied value bytes */
};

/* Checks one record as oa_write() would, without writing; rc as
 * oa_write's, plus -EACCES for the Security object or access control. */
static int check_record(struct dm *dm, const struct dm_requester *who,
			const struct path *p, const struct lwb_value *v,
			struct lwb_value *checked)
{
	struct model *m = oa_model(dm->oa);
	const struct schema_object *obj;
	const struct schema_resource *res;
	const struct oa_handler *h;
	int rc;

	if (p->ids[0] == DM_OID_SECURITY)
		return -EACCES;
	if (dm->access.check && !who->bootstrap) {
		struct path inst = path_instance(p->ids[0], p->ids[1]);

		if ((rc = dm->access.check(dm->access.ctx, who->short_server_id,
					   &inst, DM_ACCESS_WRITE)) < 0)
			return rc;
	}
	obj = schema_find(model_schema(m), p->ids[0]);
	res = obj ? schema_find_resource(obj, p->ids[2]) : NULL;
	if (!res || !model_instance_exists(m, p->ids[0], p->ids[1]))
		return -ENOENT;
	if (res->multiple != (p->len == PATH_RESOURCE_INSTANCE))
		return -EINVAL;
	if (!(res->ops & SCHEMA_OP_WRITE) || (res->ops & SCHEMA_OP_EXEC) ||
	    res->type == LWB_TYPE_NONE)
		return -EOPNOTSUPP;
	if ((rc = model_check(m, p, v, checked)) < 0)
		return rc;
	h = oa_handler(dm->oa, p->ids[0], p->ids[1]);
	if (h && !h->ops.write)
		return -EOPNOTSUPP;
	return 0;
}

static bool has_bytes(const struct lwb_value *v)
{
	return v->type == LWB_TYPE_STRING || v->type == LWB_TYPE_OPAQUE ||
	       v->type == LWB_TYPE_CORELNK;
}

/* A decoded record: checked, then kept with its bytes copied into
 * dm->buf (the decoder's bytes live only during this call).  The value
 * bytes of a SenML payload are never longer than the payload itself, and
 * dm->buf was grown to that before decoding, so it never moves here. */
static int collect_write(const struct record *rec, void *arg)
{
	struct write_set *w = arg;
	struct dm *dm = w->dm;
	struct record r = *rec;
	int rc;

	if ((rc = check_record(dm, w->who, &rec->path, &rec->value, &r.value)) <
	    0)
		return rc;
	if (has_bytes(&r.value) && r.value.v.bytes.len > 0) {
		size_t len = r.value.v.bytes.len;

		if (len > dm->cap_buf - w->used)
			return -EFBIG;
		memcpy(dm->buf + w->used, r.value.v.bytes.ptr, len);
		r.value.v.bytes.ptr = dm->buf + w->used;
		w->used += len;
	}
	r.has_time = false;
	return dm_keep_record(&r, dm);
}

/* The values the records will replace, with copies of their bytes, so
 * that a failed write can be undone.  *old[i].path.len is 0 where there
 * was no value.  Returns 0 or -ENOMEM; the caller frees *old and *bytes. */
static int save_old(struct dm *dm, struct record **old, uint8_t **bytes)
{
	struct model *m = oa_model(dm->oa);
	size_t total = 0, used = 0;
	struct lwb_value v;

	*old = calloc(dm->n_recs ? dm->n_recs : 1, sizeof(**old));
	if (!*old)
		return -ENOMEM;
	for (size_t i = 0; i < dm->n_recs; i++)
		if (model_get(m, &dm->recs[i].path, &v) == 0 && has_bytes(&v))
			total += v.v.bytes.len;
	*bytes = malloc(total ? total : 1);
	if (!*bytes)
		return -ENOMEM;
	for (size_t i = 0; i < dm->n_recs; i++) {
		if (model_get(m, &dm->recs[i].path, &v) != 0)
			continue;
		if (has_bytes(&v) && v.v.bytes.len) {
			memcpy(*bytes + used, v.v.bytes.ptr, v.v.bytes.len);
			v.v.bytes.ptr = *bytes + used;
			used += v.v.bytes.len;
		}
		(*old)[i].path = dm->recs[i].path;
		(*old)[i].value = v;
	}
	return 0;
}

/* Writes every kept record; on a failure, writes back the ones before. */
static int apply_all(struct dm *dm)
{
	struct record *old = NULL;
	uint8_t *bytes = NULL;
	int rc;

	if ((rc = save_old(dm, &old, &bytes)) < 0)
		goto out;
	for (size_t i = 0; i < dm->n_recs; i++) {
		if ((rc = oa_write(dm->oa, &dm->recs[i].path,
				   &dm->recs[i].value)) == 0)
			continue;
		for (size_t k = i; k-- > 0;) {
			char where[PATH_STR_MAX];

			if (old[k].path.len == 0 ||
			    oa_write(dm->oa, &old[k].path, &old[k].value) == 0)
				continue;
			path_format(&old[k].path, where, sizeof(where));
			log_warnx("write-composite: cannot restore %s after a "
				  "failed write",
				  where);
		}
		break;
	}
out:
	free(old);
	free(bytes);
	return rc;
}

/* iPATCH on the root. */
void dm_op_write_composite(struct dm *dm, const struct dm_requester *who,
			   const struct dm_request *req,
			   struct dm_response *resp)
{
	struct write_set w = {.dm = dm, .who = who};
	struct codec_decoder dec = {
		.base = path_root(),
		.type_of = model_type_of,
		.type_ctx = oa_model(dm->oa),
		.on_record = collect_write,
		.record_ctx = &w,
	};
	int rc;

	if (who->version == REG_LWM2M_1_0) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (!is_senml(req->content_format)) {
		dm_answer(resp, COAP_UNSUPPORTED_CONTENT_FORMAT);
		return;
	}
	dm->n_recs = 0;
	if ((rc = dm_grow_buf(dm, req->payload_len + 1)) < 0)
		goto fail;
	if (req->content_format == DM_CF_SENML_JSON)
		rc = senml_json_decode((const char *)req->payload,
				       req->payload_len, &dec);
	else
		rc = senml_cbor_decode(req->payload, req->payload_len, &dec);
	if (rc < 0)
		goto fail;
	if ((rc = apply_all(dm)) < 0)
		goto fail;
	dm_answer(resp, COAP_CHANGED);
	return;
fail:
	dm->n_recs = 0;
	dm_answer_errno(resp, rc == -E2BIG ? -EBADMSG : rc);
}

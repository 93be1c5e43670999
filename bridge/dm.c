/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "dm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dm_priv.h"

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

void dm_set_access(struct dm *dm, const struct dm_access *access)
{
	dm->access = access ? *access : (struct dm_access){0};
}

void dm_answer(struct dm_response *resp, int code)
{
	*resp = (struct dm_response){.code = code, .content_format = -1};
}

void dm_answer_errno(struct dm_response *resp, int err)
{
	dm_answer(resp, (int)coap_code_from_errno(err));
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

int dm_grow_buf(struct dm *dm, size_t need)
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
int dm_keep_record(const struct record *rec, void *arg)
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

/* Access control, when installed: the Bootstrap-Server is exempt; the
 * hook sees the object for Create, the instance or below otherwise. */
static int access_check(struct dm *dm, const struct dm_requester *who,
			const struct path *p, enum dm_access_op op)
{
	if (!dm->access.check || who->bootstrap || p->len == 0)
		return 0;
	return dm->access.check(dm->access.ctx, who->short_server_id, p, op);
}

/* The Security object holds credentials: it "MUST NOT be accessible by
 * any other LwM2M Server" than the Bootstrap-Server (LwM2M 1.0.2 and 1.1
 * Core §E.1; ETS 221), and the Bootstrap-Server reaches it through the
 * Bootstrap interface, not this one: every operation here on /0 or below
 * is 4.01, with or without access control. */
static bool security_denied(const struct path *p)
{
	return p->len >= 1 && p->ids[0] == DM_OID_SECURITY;
}

int dm_check_access(struct dm *dm, const struct dm_requester *who,
		    const struct path *p, enum dm_access_op op)
{
	if (security_denied(p))
		return -EACCES;
	return access_check(dm, who, p, op);
}

void dm_read(struct dm *dm, const struct dm_requester *who,
	     const struct path *p, int accept, struct dm_response *resp)
{
	int rc;

	if (security_denied(p)) {
		dm_answer(resp, COAP_UNAUTHORIZED);
		return;
	}
	if (p->len == 0) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if ((rc = access_check(dm, who, p, DM_ACCESS_READ)) < 0) {
		dm_answer_errno(resp, rc);
		return;
	}
	dm_op_read(dm, who, p, accept, resp);
}

/* The operation a request asks for, by method and path level (LwM2M
 * 1.1 Transport §6.4, Table 6.4-2). */
enum dm_operation {
	OP_NONE,
	OP_READ,
	OP_DISCOVER,
	OP_WRITE,
	OP_WRITE_PARTIAL,
	OP_EXECUTE,
	OP_CREATE,
	OP_DELETE,
	OP_READ_COMPOSITE,
	OP_WRITE_COMPOSITE,
};

static enum dm_operation
operation_of(struct dm *dm, const struct dm_request *req, const struct path *p)
{
	switch (req->method) {
	case 1: /* GET */
		if (p->len == 0)
			return OP_NONE;
		return req->accept == DM_CF_LINK ? OP_DISCOVER : OP_READ;
	case 2: /* POST */
		if (p->len == PATH_OBJECT)
			return OP_CREATE;
		if (p->len == PATH_INSTANCE)
			return OP_WRITE_PARTIAL;
		/* On a resource: Execute, except a partial update of a
		 * multiple resource (which carries a Content-Format). */
		if (p->len == PATH_RESOURCE)
			return req->content_format >= 0 &&
					       !dm_is_single_value(dm, p)
				       ? OP_WRITE_PARTIAL
				       : OP_EXECUTE;
		return OP_NONE;
	case 3: /* PUT */
		return p->len >= PATH_INSTANCE && req->content_format != -1
			       ? OP_WRITE
			       : OP_NONE;
	case 4: /* DELETE */
		return p->len == PATH_INSTANCE ? OP_DELETE : OP_NONE;
	case 5: /* FETCH */ return p->len == 0 ? OP_READ_COMPOSITE : OP_NONE;
	case 7: /* iPATCH */ return p->len == 0 ? OP_WRITE_COMPOSITE : OP_NONE;
	default: return OP_NONE;
	}
}

static enum dm_access_op access_op_of(enum dm_operation op)
{
	switch (op) {
	case OP_WRITE:
	case OP_WRITE_PARTIAL:
	case OP_WRITE_COMPOSITE: return DM_ACCESS_WRITE;
	case OP_EXECUTE: return DM_ACCESS_EXECUTE;
	case OP_CREATE: return DM_ACCESS_CREATE;
	case OP_DELETE: return DM_ACCESS_DELETE;
	case OP_NONE:
	case OP_READ:
	case OP_DISCOVER:
	case OP_READ_COMPOSITE: return DM_ACCESS_READ;
	}
	return DM_ACCESS_READ;
}

void dm_handle(struct dm *dm, const struct dm_requester *who,
	       const struct dm_request *req, struct dm_response *resp)
{
	enum dm_operation op;
	struct path p;
	int rc;

	if (dm_parse_path(req->path, req->n_path, &p) < 0) {
		dm_answer(resp, COAP_BAD_REQUEST);
		return;
	}
	if (security_denied(&p)) {
		dm_answer(resp, COAP_UNAUTHORIZED);
		return;
	}
	op = operation_of(dm, req, &p);
	if (op == OP_NONE) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	/* Composite operations check each path they name themselves. */
	if (op != OP_READ_COMPOSITE && op != OP_WRITE_COMPOSITE &&
	    (rc = access_check(dm, who, &p, access_op_of(op))) < 0) {
		dm_answer_errno(resp, rc);
		return;
	}
	switch (op) {
	case OP_READ: dm_op_read(dm, who, &p, req->accept, resp); return;
	case OP_DISCOVER: dm_op_discover(dm, who, &p, req, resp); return;
	case OP_WRITE: dm_op_write(dm, who, &p, req, resp); return;
	case OP_WRITE_PARTIAL:
		dm_op_write_partial(dm, who, &p, req, resp);
		return;
	case OP_EXECUTE: dm_op_execute(dm, who, &p, req, resp); return;
	case OP_CREATE: dm_op_create(dm, who, &p, req, resp); return;
	case OP_DELETE: dm_op_delete(dm, who, &p, resp); return;
	case OP_READ_COMPOSITE:
		dm_op_read_composite(dm, who, req, resp);
		return;
	case OP_WRITE_COMPOSITE:
		dm_op_write_composite(dm, who, req, resp);
		return;
	case OP_NONE: break;
	}
	dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
}

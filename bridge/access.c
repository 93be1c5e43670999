/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "access.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum {
	OID_SECURITY = 0,
	OID_SERVER = 1,
	OID_ACL = 2,
	RID_SERVER_SSID = 0,
	RID_OBJECT_ID = 0,
	RID_INSTANCE_ID = 1,
	RID_ACL = 2,
	RID_OWNER = 3,
	IID_CREATE = 65535, /* the ACL instance that rules Create */
	SSID_BOOTSTRAP = 65535,
	RIID_DEFAULT = 0,
	/* What an owner without its own ACL entry may do (§7.3.1; Create
	 * is not an operation on an instance). */
	MASK_FULL = DM_ACCESS_READ | DM_ACCESS_WRITE | DM_ACCESS_EXECUTE |
		    DM_ACCESS_DELETE,
};

/* One ACL instance /2/acl and the instance /oid/iid it rules. */
struct acl_ref {
	uint16_t oid, iid, acl;
};

struct access {
	struct model *m;
	const struct bridge_config *cfg;
	bool enabled;
	/* Sorted by (oid, iid, acl): the first of equal targets rules. */
	struct acl_ref *refs;
	size_t n_refs, cap_refs;
};

struct access *access_new(struct model *m, const struct bridge_config *cfg)
{
	struct access *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->m = m;
	a->cfg = cfg;
	a->enabled = cfg->n_servers > 1;
	return a;
}

void access_free(struct access *a)
{
	if (!a)
		return;
	free(a->refs);
	free(a);
}

bool access_enabled(const struct access *a)
{
	return a->enabled;
}

/* An Integer resource (instance) of the model, or -ENOENT. */
static int get_int(const struct model *m, struct path p, int64_t *out)
{
	struct lwb_value v;
	int rc = model_get(m, &p, &v);

	if (rc < 0)
		return rc;
	if (v.type != LWB_TYPE_INTEGER)
		return -ENOENT;
	*out = v.v.i;
	return 0;
}

static int ref_cmp(const void *x, const void *y)
{
	const struct acl_ref *a = x, *b = y;

	if (a->oid != b->oid)
		return a->oid < b->oid ? -1 : 1;
	if (a->iid != b->iid)
		return a->iid < b->iid ? -1 : 1;
	return a->acl < b->acl ? -1 : a->acl > b->acl;
}

/* Rebuilds the index from object 2.  Returns 0 or -ENOMEM (the index
 * then lacks some ACLs: those targets are refused, never let through). */
static int reindex(struct access *a)
{
	a->n_refs = 0;
	for (int x = model_instance_next(a->m, OID_ACL, -1); x >= 0;
	     x = model_instance_next(a->m, OID_ACL, x)) {
		int64_t oid, iid;

		if (get_int(a->m,
			    path_resource(OID_ACL, (uint16_t)x, RID_OBJECT_ID),
			    &oid) < 0 ||
		    get_int(a->m,
			    path_resource(OID_ACL, (uint16_t)x,
					  RID_INSTANCE_ID),
			    &iid) < 0 ||
		    oid < 0 || oid > 65535 || iid < 0 || iid > 65535)
			continue;
		if (a->n_refs == a->cap_refs) {
			size_t cap = a->cap_refs ? a->cap_refs * 2 : 16;
			struct acl_ref *r = realloc(a->refs, cap * sizeof(*r));

			if (!r)
				return -ENOMEM;
			a->refs = r;
			a->cap_refs = cap;
		}
		a->refs[a->n_refs++] = (struct acl_ref){
			(uint16_t)oid, (uint16_t)iid, (uint16_t)x};
	}
	if (a->n_refs)
		qsort(a->refs, a->n_refs, sizeof(*a->refs), ref_cmp);
	return 0;
}

/* The ACL instance ruling /oid/iid, or NULL. */
static const struct acl_ref *find(const struct access *a, uint16_t oid,
				  uint16_t iid)
{
	size_t lo = 0, hi = a->n_refs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct acl_ref *r = &a->refs[mid];

		if (r->oid < oid || (r->oid == oid && r->iid < iid))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->n_refs && a->refs[lo].oid == oid && a->refs[lo].iid == iid)
		return &a->refs[lo];
	return NULL;
}

static int64_t owner_of(const struct access *a, uint16_t acl)
{
	int64_t owner;

	if (get_int(a->m, path_resource(OID_ACL, acl, RID_OWNER), &owner) < 0)
		return -1;
	return owner;
}

/* What ssid may do on the target of ACL instance acl (see access.h). */
static unsigned mask_of(const struct access *a, uint16_t acl, uint16_t ssid)
{
	int64_t mask;

	if (get_int(a->m, path_resource_instance(OID_ACL, acl, RID_ACL, ssid),
		    &mask) == 0)
		return (unsigned)mask;
	if (owner_of(a, acl) == ssid)
		return MASK_FULL;
	if (get_int(a->m,
		    path_resource_instance(OID_ACL, acl, RID_ACL, RIID_DEFAULT),
		    &mask) == 0)
		return (unsigned)mask;
	return 0;
}

int access_check(void *ctx, uint16_t ssid, const struct path *p,
		 enum dm_access_op op)
{
	const struct access *a = ctx;
	const struct acl_ref *r;
	uint16_t oid, iid;

	if (!a->enabled || p->len == 0)
		return 0;
	oid = p->ids[0];
	if (p->len == PATH_OBJECT) {
		if (op != DM_ACCESS_CREATE)
			return 0;
		if (!schema_find(model_schema(a->m), oid))
			return -ENOENT;
		if (oid == OID_ACL || oid == OID_SECURITY)
			return -EACCES;
		r = find(a, oid, IID_CREATE);
		return r && (mask_of(a, r->acl, ssid) & DM_ACCESS_CREATE)
			       ? 0
			       : -EACCES;
	}
	iid = p->ids[1];
	if (!model_instance_exists(a->m, oid, iid))
		return -ENOENT;
	if (oid == OID_ACL) {
		switch (op) {
		case DM_ACCESS_READ: return 0;
		case DM_ACCESS_WRITE:
		case DM_ACCESS_EXECUTE:
			return owner_of(a, iid) == ssid ? 0 : -EACCES;
		case DM_ACCESS_DELETE:
		case DM_ACCESS_CREATE: return -EACCES;
		}
		return -EACCES;
	}
	r = find(a, oid, iid);
	return r && (mask_of(a, r->acl, ssid) & (unsigned)op) ? 0 : -EACCES;
}

/* ---- keeping object 2 in step ------------------------------------------ */

/* Who an ACL instance is for, which decides its entries. */
enum acl_kind {
	ACL_INSTANCE,	 /* an ordinary instance: others get their rights */
	ACL_OWN_ACCOUNT, /* a Server instance: only its owner */
	ACL_CREATE,	 /* instance 65535: Create for the first and "c" */
};

static int set_int(struct model *m, struct path p, int64_t i)
{
	struct lwb_value v = {.type = LWB_TYPE_INTEGER, .v.i = i};
	int rc = model_set(m, &p, &v);

	return rc < 0 ? rc : 0;
}

static int fill_acl(struct access *a, uint16_t x, uint16_t oid, uint16_t iid,
		    uint16_t owner, enum acl_kind kind)
{
	int rc;

	if ((rc = set_int(a->m, path_resource(OID_ACL, x, RID_OBJECT_ID),
			  oid)) < 0 ||
	    (rc = set_int(a->m, path_resource(OID_ACL, x, RID_INSTANCE_ID),
			  iid)) < 0 ||
	    (rc = set_int(a->m, path_resource(OID_ACL, x, RID_OWNER), owner)) <
		    0)
		return rc;
	for (size_t i = 0; i < a->cfg->n_servers && kind != ACL_OWN_ACCOUNT;
	     i++) {
		const struct cfg_server *s = &a->cfg->servers[i];
		unsigned mask;

		if (kind == ACL_CREATE) {
			if (i > 0 && !(s->access & CFG_ACCESS_C))
				continue;
			mask = DM_ACCESS_CREATE;
		} else {
			if (s->short_server_id == owner)
				continue;
			mask = s->access & MASK_FULL;
		}
		if ((rc = set_int(a->m,
				  path_resource_instance(OID_ACL, x, RID_ACL,
							 s->short_server_id),
				  mask)) < 0)
			return rc;
	}
	return 0;
}

/* Creates the ACL instance for /oid/iid.  Returns 0 or a negative errno
 * after logging; nothing of a failed instance stays. */
static int add_acl(struct access *a, uint16_t oid, uint16_t iid, uint16_t owner,
		   enum acl_kind kind)
{
	int x = model_instance_free_id(a->m, OID_ACL);
	int rc = x;

	if (x >= 0 &&
	    (rc = model_instance_create(a->m, OID_ACL, (uint16_t)x)) == 0 &&
	    (rc = fill_acl(a, (uint16_t)x, oid, iid, owner, kind)) < 0)
		model_instance_delete(a->m, OID_ACL, (uint16_t)x);
	if (rc < 0)
		log_errx("access control: cannot create the ACL instance for "
			 "/%u/%u: %s",
			 (unsigned)oid, (unsigned)iid, strerror(-rc));
	return rc;
}

static uint16_t first_ssid(const struct access *a)
{
	return a->cfg->servers[0].short_server_id;
}

/* The owner of a new ACL for an instance present at start-up or added by
 * a plugin: a Server instance is its own server's, the rest the first
 * server's. */
static int add_default_acl(struct access *a, uint16_t oid, uint16_t iid)
{
	int64_t ssid;

	if (oid == OID_SERVER &&
	    get_int(a->m, path_resource(OID_SERVER, iid, RID_SERVER_SSID),
		    &ssid) == 0 &&
	    ssid > 0 && ssid < 65535)
		return add_acl(a, oid, iid, (uint16_t)ssid, ACL_OWN_ACCOUNT);
	return add_acl(a, oid, iid, first_ssid(a), ACL_INSTANCE);
}

/* ACL instances whose target instance is gone (not those for Create). */
static void drop_stale(struct access *a)
{
	for (size_t i = 0; i < a->n_refs; i++) {
		const struct acl_ref *r = &a->refs[i];

		if (r->iid != IID_CREATE &&
		    !model_instance_exists(a->m, r->oid, r->iid))
			model_instance_delete(a->m, OID_ACL, r->acl);
	}
}

static int add_missing(struct access *a)
{
	const struct schema_registry *reg = model_schema(a->m);
	int rc;

	for (int oid = model_object_next(a->m, -1); oid >= 0;
	     oid = model_object_next(a->m, oid)) {
		const struct schema_object *def;

		if (oid == OID_SECURITY || oid == OID_ACL)
			continue;
		for (int iid = model_instance_next(a->m, (uint16_t)oid, -1);
		     iid >= 0;
		     iid = model_instance_next(a->m, (uint16_t)oid, iid))
			if (!find(a, (uint16_t)oid, (uint16_t)iid) &&
			    (rc = add_default_acl(a, (uint16_t)oid,
						  (uint16_t)iid)) < 0)
				return rc;
		def = schema_find(reg, (uint16_t)oid);
		if (oid != OID_SERVER && def && def->multiple &&
		    !find(a, (uint16_t)oid, IID_CREATE) &&
		    (rc = add_acl(a, (uint16_t)oid, IID_CREATE, SSID_BOOTSTRAP,
				  ACL_CREATE)) < 0)
			return rc;
	}
	return 0;
}

int access_sync(struct access *a)
{
	int rc;

	if (!a->enabled)
		return 0;
	if (!schema_find(model_schema(a->m), OID_ACL)) {
		log_errx("access control: %zu servers configured, but no "
			 "definition of object 2 (Access Control) was loaded",
			 a->cfg->n_servers);
		return -ENOENT;
	}
	if ((rc = reindex(a)) < 0)
		goto out;
	drop_stale(a);
	if ((rc = reindex(a)) < 0 || (rc = add_missing(a)) < 0)
		goto out;
	rc = reindex(a);
out:
	if (rc == -ENOMEM)
		log_errx("access control: out of memory");
	return rc;
}

void access_created(void *ctx, uint16_t ssid, uint16_t oid, uint16_t iid)
{
	struct access *a = ctx;
	const struct acl_ref *r;

	if (!a->enabled || oid == OID_ACL || oid == OID_SECURITY)
		return;
	/* A left-over ACL of an earlier instance with that id. */
	while ((r = find(a, oid, iid))) {
		model_instance_delete(a->m, OID_ACL, r->acl);
		if (reindex(a) < 0)
			break;
	}
	add_acl(a, oid, iid, ssid,
		oid == OID_SERVER ? ACL_OWN_ACCOUNT : ACL_INSTANCE);
	if (reindex(a) < 0)
		log_errx("access control: out of memory");
}

void access_deleted(void *ctx, uint16_t oid, uint16_t iid)
{
	struct access *a = ctx;
	const struct acl_ref *r;

	if (!a->enabled || oid == OID_ACL)
		return;
	while ((r = find(a, oid, iid))) {
		model_instance_delete(a->m, OID_ACL, r->acl);
		if (reindex(a) < 0) {
			log_errx("access control: out of memory");
			break;
		}
	}
}

void access_hooks(struct access *a, struct dm_access *out)
{
	*out = (struct dm_access){0};
	if (!a->enabled)
		return;
	*out = (struct dm_access){.check = access_check,
				  .created = access_created,
				  .deleted = access_deleted,
				  .ctx = a};
}

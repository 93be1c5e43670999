/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read, Write and Execute routed to instance handlers or the model.  The
 * bindings are a sorted array keyed by (oid << 16 | iid): lookups are a
 * binary search and allocate nothing, binds and unbinds are rare.
 */
#include "config.h"

#include "object_access.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coap_errors.h"
#include "log.h"

struct binding {
	uint32_t key;
	struct oa_handler h;
};

struct object_access {
	struct model *m;
	struct binding *b;
	size_t n, cap;
	oa_clock_fn clock;
	void *clock_ctx;
};

static uint32_t key_of(uint16_t oid, uint16_t iid)
{
	return (uint32_t)oid << 16 | iid;
}

static int64_t realtime_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct object_access *oa_new(struct model *m)
{
	struct object_access *oa = calloc(1, sizeof(*oa));

	if (!oa) {
		errno = ENOMEM;
		return NULL;
	}
	oa->m = m;
	oa->clock = realtime_ms;
	return oa;
}

void oa_free(struct object_access *oa)
{
	if (!oa)
		return;
	free(oa->b);
	free(oa);
}

struct model *oa_model(const struct object_access *oa)
{
	return oa->m;
}

void oa_set_clock(struct object_access *oa, oa_clock_fn fn, void *ctx)
{
	oa->clock = fn ? fn : realtime_ms;
	oa->clock_ctx = fn ? ctx : NULL;
}

int64_t oa_now_ms(const struct object_access *oa)
{
	return oa->clock(oa->clock_ctx);
}

/* Index of the first binding with a key >= key. */
static size_t lower(const struct object_access *oa, uint32_t key)
{
	size_t lo = 0, hi = oa->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (oa->b[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int oa_bind(struct object_access *oa, uint16_t oid, uint16_t iid,
	    const struct oa_handler *h)
{
	uint32_t key = key_of(oid, iid);
	size_t at;

	if (!h || oid >= LWB_ID_INVALID || iid >= LWB_ID_INVALID)
		return -EINVAL;
	at = lower(oa, key);
	if (at < oa->n && oa->b[at].key == key)
		return -EEXIST;
	if (oa->n == oa->cap) {
		size_t cap = oa->cap ? oa->cap * 2 : 8;
		struct binding *g = realloc(oa->b, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		oa->b = g;
		oa->cap = cap;
	}
	memmove(&oa->b[at + 1], &oa->b[at], (oa->n - at) * sizeof(*oa->b));
	oa->b[at].key = key;
	oa->b[at].h = *h;
	oa->n++;
	return 0;
}

int oa_unbind(struct object_access *oa, uint16_t oid, uint16_t iid)
{
	uint32_t key = key_of(oid, iid);
	size_t at = lower(oa, key);

	if (at >= oa->n || oa->b[at].key != key)
		return -ENOENT;
	memmove(&oa->b[at], &oa->b[at + 1], (oa->n - at - 1) * sizeof(*oa->b));
	oa->n--;
	return 0;
}

const struct oa_handler *oa_handler(const struct object_access *oa,
				    uint16_t oid, uint16_t iid)
{
	uint32_t key = key_of(oid, iid);
	size_t at = lower(oa, key);

	return at < oa->n && oa->b[at].key == key ? &oa->b[at].h : NULL;
}

size_t oa_bound_count(const struct object_access *oa)
{
	return oa->n;
}

/*
 * The definition of the resource p names (/o/i/r or /o/i/r/ri), for an
 * instance that exists.  Returns 0, -ENOENT or -EINVAL (level, or /o/i/r
 * vs /o/i/r/ri not matching the resource's multiplicity).
 */
static int lookup(const struct object_access *oa, const struct path *p,
		  const struct schema_resource **resp)
{
	const struct schema_object *obj;
	const struct schema_resource *res;

	if (p->len != PATH_RESOURCE && p->len != PATH_RESOURCE_INSTANCE)
		return -EINVAL;
	obj = schema_find(model_schema(oa->m), p->ids[0]);
	res = obj ? schema_find_resource(obj, p->ids[2]) : NULL;
	if (!res || !model_instance_exists(oa->m, p->ids[0], p->ids[1]))
		return -ENOENT;
	if (res->multiple != (p->len == PATH_RESOURCE_INSTANCE))
		return -EINVAL;
	*resp = res;
	return 0;
}

static bool readable(const struct schema_resource *res)
{
	return (res->ops & SCHEMA_OP_READ) && !(res->ops & SCHEMA_OP_EXEC) &&
	       res->type != LWB_TYPE_NONE;
}

static bool writable(const struct schema_resource *res)
{
	return (res->ops & SCHEMA_OP_WRITE) && !(res->ops & SCHEMA_OP_EXEC) &&
	       res->type != LWB_TYPE_NONE;
}

static uint16_t riid_of(const struct path *p)
{
	return p->len == PATH_RESOURCE_INSTANCE ? p->ids[3] : LWB_NO_RIID;
}

/* Logs a callback's failure as the top of object_access.h says. */
static void log_failure(const char *tag, const char *what, const struct path *p,
			int rc)
{
	char where[PATH_STR_MAX];
	enum coap_code code = coap_code_from_errno(rc);

	path_format(p, where, sizeof(where));
	log_msg(COAP_CODE_CLASS(code) == 4 ? LOG_LVL_NOTICE : LOG_LVL_WARNING,
		tag, "%s of %s failed: %s (%s)", what, where, strerror(-rc),
		coap_code_text(code));
}

/*
 * Calls the read callback of h for p (resource def res) and stores what it
 * returns.  h is copied first: the callback may unbind.  With quiet, a
 * callback's -ENOENT is not logged: a Read above the resource asks for
 * every resource of the definition, and "this instance has no such
 * resource" (a Device without a battery) is then an answer, not a failure.
 */
static int refresh_q(struct object_access *oa, const struct oa_handler *hp,
		     const struct path *p, const struct schema_resource *res,
		     bool quiet)
{
	struct oa_handler h = *hp;
	struct lwb_value v;
	char where[PATH_STR_MAX];
	int rc;

	memset(&v, 0, sizeof(v));
	v.type = res->type;
	rc = errno_from_plugin(h.ops.read(h.ctx, p->ids[2], riid_of(p), &v));
	if (rc < 0) {
		if (!(quiet && rc == -ENOENT))
			log_failure(h.tag, "read", p, rc);
		return rc;
	}
	rc = model_set_at(oa->m, p, &v, oa_now_ms(oa));
	if (rc >= 0 || rc == -ENOMEM || rc == -ENOENT)
		return rc < 0 ? rc : 0;
	/* The definition refuses what the plugin returned: its bug, not the
	 * requester's, so 5.00 rather than 4.00. */
	path_format(p, where, sizeof(where));
	log_msg(LOG_LVL_WARNING, h.tag,
		"read of %s returned an invalid value (%s, the resource is "
		"%s): %s",
		where, lwb_type_name(v.type), lwb_type_name(res->type),
		strerror(-rc));
	return -EIO;
}

static int refresh(struct object_access *oa, const struct oa_handler *hp,
		   const struct path *p, const struct schema_resource *res)
{
	return refresh_q(oa, hp, p, res, false);
}

int oa_read(struct object_access *oa, const struct path *p,
	    struct lwb_value *out)
{
	const struct schema_resource *res;
	const struct oa_handler *h;
	int rc = lookup(oa, p, &res);

	if (rc)
		return rc;
	if (!readable(res))
		return -EOPNOTSUPP;
	h = oa_handler(oa, p->ids[0], p->ids[1]);
	if (h && h->ops.read && (rc = refresh(oa, h, p, res)) < 0)
		return rc;
	return model_get(oa->m, p, out);
}

/* Refreshes one resource (every stored instance of a multiple one); a
 * callback's -ENOENT is skipped when skip_enoent. */
static int refresh_resource(struct object_access *oa, uint16_t oid,
			    uint16_t iid, const struct schema_resource *res,
			    bool skip_enoent)
{
	const struct oa_handler *h = oa_handler(oa, oid, iid);
	struct path p;
	int rc = 0;

	if (!h || !h->ops.read || !readable(res))
		return 0;
	if (!res->multiple) {
		p = path_resource(oid, iid, res->id);
		rc = refresh_q(oa, h, &p, res, skip_enoent);
		return rc == -ENOENT && skip_enoent ? 0 : rc;
	}
	for (int ri =
		     model_resource_instance_next(oa->m, oid, iid, res->id, -1);
	     ri >= 0;
	     ri = model_resource_instance_next(oa->m, oid, iid, res->id, ri)) {
		/* Looked up again each time: the callback may unbind. */
		h = oa_handler(oa, oid, iid);
		if (!h || !h->ops.read)
			return 0;
		p = path_resource_instance(oid, iid, res->id, (uint16_t)ri);
		rc = refresh_q(oa, h, &p, res, skip_enoent);
		if (rc < 0 && !(rc == -ENOENT && skip_enoent))
			return rc;
	}
	return 0;
}

static int refresh_instance(struct object_access *oa,
			    const struct schema_object *obj, uint16_t iid)
{
	for (size_t i = 0; i < obj->resource_count; i++) {
		int rc = refresh_resource(oa, obj->id, iid, &obj->resources[i],
					  true);

		if (rc < 0)
			return rc;
	}
	return 0;
}

int oa_read_collect(struct object_access *oa, const struct path *p,
		    codec_record_fn fn, void *ctx)
{
	const struct schema_object *obj;
	const struct schema_resource *res;
	const struct oa_handler *h;
	int rc = 0;

	if (p->len == PATH_ROOT || p->len > PATH_RESOURCE_INSTANCE)
		return -EINVAL;
	obj = schema_find(model_schema(oa->m), p->ids[0]);
	if (!obj)
		return -ENOENT;
	switch (p->len) {
	case PATH_OBJECT:
		for (int iid = model_instance_next(oa->m, obj->id, -1);
		     iid >= 0 && rc == 0;
		     iid = model_instance_next(oa->m, obj->id, iid))
			rc = refresh_instance(oa, obj, (uint16_t)iid);
		break;
	case PATH_INSTANCE:
		if (!model_instance_exists(oa->m, p->ids[0], p->ids[1]))
			return -ENOENT;
		rc = refresh_instance(oa, obj, p->ids[1]);
		break;
	case PATH_RESOURCE:
		res = schema_find_resource(obj, p->ids[2]);
		if (!res || !model_instance_exists(oa->m, p->ids[0], p->ids[1]))
			return -ENOENT;
		if (!readable(res))
			return -EOPNOTSUPP;
		rc = refresh_resource(oa, p->ids[0], p->ids[1], res, false);
		break;
	default: /* PATH_RESOURCE_INSTANCE */
		if ((rc = lookup(oa, p, &res)) < 0)
			return rc;
		if (!readable(res))
			return -EOPNOTSUPP;
		h = oa_handler(oa, p->ids[0], p->ids[1]);
		if (h && h->ops.read)
			rc = refresh(oa, h, p, res);
		break;
	}
	if (rc < 0)
		return rc;
	return model_collect(oa->m, p, fn, ctx);
}

/* What oa_write checks before it calls anything: the path, the
 * definition's W, the value (converted into *checked) and, for a bound
 * instance, that it has a write callback (*hp: the handler, or NULL). */
static int check_write(const struct object_access *oa, const struct path *p,
		       const struct lwb_value *v, struct lwb_value *checked,
		       const struct oa_handler **hp)
{
	const struct schema_resource *res;
	int rc = lookup(oa, p, &res);

	if (rc)
		return rc;
	if (!writable(res))
		return -EOPNOTSUPP;
	if ((rc = model_check(oa->m, p, v, checked)) < 0)
		return rc;
	*hp = oa_handler(oa, p->ids[0], p->ids[1]);
	return *hp && !(*hp)->ops.write ? -EOPNOTSUPP : 0;
}

int oa_write(struct object_access *oa, const struct path *p,
	     const struct lwb_value *v)
{
	const struct oa_handler *hp;
	struct lwb_value checked;
	int rc = check_write(oa, p, v, &checked, &hp);

	if (rc < 0)
		return rc;
	if (hp) {
		struct oa_handler h = *hp;

		rc = errno_from_plugin(
			h.ops.write(h.ctx, p->ids[2], riid_of(p), &checked));
		if (rc < 0) {
			log_failure(h.tag, "write", p, rc);
			return rc;
		}
	}
	rc = model_set_at(oa->m, p, &checked, oa_now_ms(oa));
	return rc < 0 ? rc : 0;
}

int oa_write_check(const struct object_access *oa, const struct path *p,
		   const struct lwb_value *v)
{
	const struct oa_handler *hp;
	struct lwb_value checked;

	return check_write(oa, p, v, &checked, &hp);
}

bool oa_object_served(const struct object_access *oa, uint16_t oid)
{
	size_t at = lower(oa, key_of(oid, 0));

	return at < oa->n && oa->b[at].key >> 16 == oid;
}

int oa_execute_check(const struct object_access *oa, const struct path *p)
{
	const struct schema_resource *res;
	const struct oa_handler *hp;
	int rc;

	if (p->len != PATH_RESOURCE)
		return -EINVAL;
	if ((rc = lookup(oa, p, &res)) < 0)
		return rc;
	if (!(res->ops & SCHEMA_OP_EXEC))
		return -EOPNOTSUPP;
	hp = oa_handler(oa, p->ids[0], p->ids[1]);
	if (!hp || !hp->ops.execute)
		return -EOPNOTSUPP;
	return 0;
}

int oa_execute(struct object_access *oa, const struct path *p, const char *args,
	       size_t args_len)
{
	struct oa_handler h;
	int rc;

	if ((rc = oa_execute_check(oa, p)) < 0)
		return rc;
	h = *oa_handler(oa, p->ids[0], p->ids[1]);
	rc = errno_from_plugin(h.ops.execute(h.ctx, p->ids[2],
					     args_len ? args : "", args_len));
	if (rc < 0) {
		log_failure(h.tag, "execute", p, rc);
		return rc;
	}
	return 0;
}

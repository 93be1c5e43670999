/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data model tree: sorted arrays of objects, instances, resources and
 * resource instances, each entry keyed by a 16-bit id in its first member.
 * Values live in separately allocated buffers (model_value.c), so moving
 * array entries on insert or delete never moves the bytes a caller
 * borrowed.
 */
#include "config.h"

#include "model.h"
#include "model_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A sorted array of entries whose first member is a uint16_t id. */
struct arr {
	void *v;
	size_t n, cap;
};

struct m_rinst {
	uint16_t id;
	struct mval val;
	int64_t time_ms; /* measurement time of the last set; 0 = unknown */
};

struct m_res {
	uint16_t id;
	const struct schema_resource *def;
	struct mval val; /* a single resource */
	int64_t time_ms; /* of val, as in struct m_rinst */
	struct arr ri;	 /* a multiple one: struct m_rinst */
};

struct m_inst {
	uint16_t id;
	struct arr res; /* struct m_res */
};

struct m_obj {
	uint16_t id;
	const struct schema_object *def;
	struct arr inst; /* struct m_inst, never empty */
};

struct model {
	const struct schema_registry *reg;
	struct arr obj; /* struct m_obj */
	model_change_fn on_change;
	void *on_change_arg;
};

static void *arr_at(const struct arr *a, size_t size, size_t i)
{
	return (char *)a->v + i * size;
}

static uint16_t arr_id(const struct arr *a, size_t size, size_t i)
{
	uint16_t id;

	memcpy(&id, arr_at(a, size, i), sizeof(id));
	return id;
}

/* Position of the first entry with an id >= id. */
static size_t arr_lower(const struct arr *a, size_t size, uint32_t id)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (arr_id(a, size, mid) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void *arr_find(const struct arr *a, size_t size, uint16_t id,
		      size_t *pos)
{
	size_t at;

	/* Ids are unique and sorted, so id sits at index id exactly when
	 * 0..id are all present: instances numbered from 0 (the usual case:
	 * a plugin's count = N) cost one probe instead of a binary search,
	 * on every lookup of the notification path. */
	if (id < a->n && arr_id(a, size, id) == id) {
		if (pos)
			*pos = id;
		return arr_at(a, size, id);
	}
	at = arr_lower(a, size, id);

	if (pos)
		*pos = at;
	return at < a->n && arr_id(a, size, at) == id ? arr_at(a, size, at)
						      : NULL;
}

/* A zeroed new entry at pos, or NULL (ENOMEM, array unchanged). */
static void *arr_insert(struct arr *a, size_t size, size_t pos)
{
	void *e;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		void *g = realloc(a->v, cap * size);

		if (!g)
			return NULL;
		a->v = g;
		a->cap = cap;
	}
	e = arr_at(a, size, pos);
	memmove((char *)e + size, e, (a->n - pos) * size);
	memset(e, 0, size);
	a->n++;
	return e;
}

static void arr_remove(struct arr *a, size_t size, size_t pos)
{
	char *e = arr_at(a, size, pos);

	memmove(e, e + size, (a->n - pos - 1) * size);
	a->n--;
	if (a->n == 0) {
		free(a->v);
		a->v = NULL;
		a->cap = 0;
	}
}

/* The id following after in a, or -ENOENT. */
static int arr_next(const struct arr *a, size_t size, int after)
{
	size_t at;

	if (after >= (int)LWB_ID_INVALID - 1)
		return -ENOENT;
	at = arr_lower(a, size, after < 0 ? 0 : (uint32_t)after + 1);
	return at < a->n ? (int)arr_id(a, size, at) : -ENOENT;
}

static void res_free(struct m_res *r)
{
	for (size_t i = 0; i < r->ri.n; i++) {
		struct m_rinst *ri = arr_at(&r->ri, sizeof(*ri), i);

		mval_clear(&ri->val);
	}
	free(r->ri.v);
	mval_clear(&r->val);
}

static void inst_free(struct m_inst *in)
{
	for (size_t i = 0; i < in->res.n; i++)
		res_free(arr_at(&in->res, sizeof(struct m_res), i));
	free(in->res.v);
}

static void obj_free(struct m_obj *o)
{
	for (size_t i = 0; i < o->inst.n; i++)
		inst_free(arr_at(&o->inst, sizeof(struct m_inst), i));
	free(o->inst.v);
}

struct model *model_new(const struct schema_registry *reg)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->reg = reg;
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->obj.n; i++)
		obj_free(arr_at(&m->obj, sizeof(struct m_obj), i));
	free(m->obj.v);
	free(m);
}

const struct schema_registry *model_schema(const struct model *m)
{
	return m->reg;
}

static struct m_obj *find_obj(const struct model *m, uint16_t oid, size_t *pos)
{
	return arr_find(&m->obj, sizeof(struct m_obj), oid, pos);
}

static struct m_inst *find_inst(const struct model *m, uint16_t oid,
				uint16_t iid, struct m_obj **op)
{
	struct m_obj *o = find_obj(m, oid, NULL);

	if (op)
		*op = o;
	return o ? arr_find(&o->inst, sizeof(struct m_inst), iid, NULL) : NULL;
}

static struct m_res *find_res(const struct model *m, uint16_t oid, uint16_t iid,
			      uint16_t rid)
{
	struct m_inst *in = find_inst(m, oid, iid, NULL);

	return in ? arr_find(&in->res, sizeof(struct m_res), rid, NULL) : NULL;
}

/* The change hook for an instance or resource created or deleted. */
static void notify(struct model *m, struct path p)
{
	if (m->on_change)
		m->on_change(&p, m->on_change_arg);
}

int model_instance_create(struct model *m, uint16_t oid, uint16_t iid)
{
	const struct schema_object *def;
	struct m_obj *o;
	struct m_inst *in;
	size_t opos, ipos;
	bool new_obj = false;

	if (oid >= LWB_ID_INVALID || iid >= LWB_ID_INVALID)
		return -EINVAL;
	o = find_obj(m, oid, &opos);
	def = o ? o->def : schema_find(m->reg, oid);
	if (!def)
		return -ENOENT;
	if (o && arr_find(&o->inst, sizeof(*in), iid, NULL))
		return -EEXIST;
	if (o && !def->multiple)
		return -EPERM;
	if (!o) {
		o = arr_insert(&m->obj, sizeof(*o), opos);
		if (!o)
			return -ENOMEM;
		o->id = oid;
		o->def = def;
		new_obj = true;
	}
	arr_find(&o->inst, sizeof(*in), iid, &ipos);
	in = arr_insert(&o->inst, sizeof(*in), ipos);
	if (!in) {
		if (new_obj)
			arr_remove(&m->obj, sizeof(*o), opos);
		return -ENOMEM;
	}
	in->id = iid;
	notify(m, path_instance(oid, iid));
	return 0;
}

int model_instance_delete(struct model *m, uint16_t oid, uint16_t iid)
{
	size_t opos, ipos;
	struct m_obj *o = find_obj(m, oid, &opos);
	struct m_inst *in;

	in = o ? arr_find(&o->inst, sizeof(*in), iid, &ipos) : NULL;
	if (!in)
		return -ENOENT;
	inst_free(in);
	arr_remove(&o->inst, sizeof(*in), ipos);
	if (o->inst.n == 0)
		arr_remove(&m->obj, sizeof(*o), opos);
	notify(m, path_instance(oid, iid));
	return 0;
}

bool model_instance_exists(const struct model *m, uint16_t oid, uint16_t iid)
{
	return find_inst(m, oid, iid, NULL) != NULL;
}

size_t model_instance_count(const struct model *m, uint16_t oid)
{
	const struct m_obj *o = find_obj(m, oid, NULL);

	return o ? o->inst.n : 0;
}

int model_instance_free_id(const struct model *m, uint16_t oid)
{
	const struct m_obj *o = find_obj(m, oid, NULL);
	const struct schema_object *def = o ? o->def : schema_find(m->reg, oid);
	uint32_t id = 0;

	if (!def)
		return -ENOENT;
	if (!o)
		return 0;
	if (!def->multiple)
		return -EPERM;
	/* Ids are sorted and unique: the first gap is where id and index
	 * part. */
	for (size_t i = 0; i < o->inst.n; i++, id++)
		if (arr_id(&o->inst, sizeof(struct m_inst), i) != id)
			break;
	return id < LWB_ID_INVALID ? (int)id : -ENOSPC;
}

int model_object_next(const struct model *m, int after)
{
	return arr_next(&m->obj, sizeof(struct m_obj), after);
}

int model_instance_next(const struct model *m, uint16_t oid, int after)
{
	const struct m_obj *o = find_obj(m, oid, NULL);

	return o ? arr_next(&o->inst, sizeof(struct m_inst), after) : -ENOENT;
}

int model_resource_next(const struct model *m, uint16_t oid, uint16_t iid,
			int after)
{
	const struct m_inst *in = find_inst(m, oid, iid, NULL);

	return in ? arr_next(&in->res, sizeof(struct m_res), after) : -ENOENT;
}

int model_resource_instance_next(const struct model *m, uint16_t oid,
				 uint16_t iid, uint16_t rid, int after)
{
	const struct m_res *r = find_res(m, oid, iid, rid);

	if (!r || !r->def->multiple)
		return -ENOENT;
	return arr_next(&r->ri, sizeof(struct m_rinst), after);
}

/*
 * Resolves p (/o/i/r or /o/i/r/ri) down to the resource definition and,
 * if present, the stored resource.  Returns 0, -ENOENT (no instance, no
 * such resource in the schema) or -EINVAL (wrong level).
 */
static int resolve(const struct model *m, const struct path *p,
		   struct m_inst **inp, const struct schema_resource **defp,
		   struct m_res **rp, size_t *rpos)
{
	struct m_obj *o;
	struct m_inst *in;
	const struct schema_resource *def;

	if (p->len != PATH_RESOURCE && p->len != PATH_RESOURCE_INSTANCE)
		return -EINVAL;
	in = find_inst(m, p->ids[0], p->ids[1], &o);
	if (!in)
		return -ENOENT;
	def = schema_find_resource(o->def, p->ids[2]);
	if (!def)
		return -ENOENT;
	if (def->multiple != (p->len == PATH_RESOURCE_INSTANCE))
		return -EINVAL;
	*inp = in;
	*defp = def;
	*rp = arr_find(&in->res, sizeof(struct m_res), p->ids[2], rpos);
	return 0;
}

int model_check(const struct model *m, const struct path *p,
		const struct lwb_value *v, struct lwb_value *out)
{
	const struct schema_resource *def;
	struct m_inst *in;
	struct m_res *r;
	int rc;

	rc = resolve(m, p, &in, &def, &r, NULL);
	if (rc)
		return rc;
	if (p->len == PATH_RESOURCE_INSTANCE && p->ids[3] >= LWB_ID_INVALID)
		return -EINVAL;
	return mval_prepare(def, v, out);
}

int model_set(struct model *m, const struct path *p, const struct lwb_value *v)
{
	return model_set_at(m, p, v, 0);
}

static int set_value(struct model *m, const struct path *p,
		     const struct lwb_value *v, int64_t time_ms);

void model_set_change_hook(struct model *m, model_change_fn fn, void *arg)
{
	m->on_change = fn;
	m->on_change_arg = arg;
}

int model_set_at(struct model *m, const struct path *p,
		 const struct lwb_value *v, int64_t time_ms)
{
	int rc = set_value(m, p, v, time_ms);

	if (rc == 1 && m->on_change)
		m->on_change(p, m->on_change_arg);
	return rc;
}

static int set_value(struct model *m, const struct path *p,
		     const struct lwb_value *v, int64_t time_ms)
{
	const struct schema_resource *def;
	struct m_inst *in;
	struct m_res *r;
	struct m_rinst *ri;
	struct lwb_value val;
	struct mval tmp = {0};
	size_t rpos, ripos;
	bool new_res = false;
	int rc;

	rc = resolve(m, p, &in, &def, &r, &rpos);
	if (rc)
		return rc;
	if (p->len == PATH_RESOURCE_INSTANCE && p->ids[3] >= LWB_ID_INVALID)
		return -EINVAL;
	rc = mval_prepare(def, v, &val);
	if (rc)
		return rc;
	if (r && !def->multiple) {
		if (mval_equal(&r->val, &val)) {
			r->time_ms = time_ms;
			return 0;
		}
		rc = mval_store(&r->val, &val);
		if (rc)
			return rc;
		r->time_ms = time_ms;
		return 1;
	}
	ri = r ? arr_find(&r->ri, sizeof(*ri), p->ids[3], &ripos) : NULL;
	if (ri) {
		if (mval_equal(&ri->val, &val)) {
			ri->time_ms = time_ms;
			return 0;
		}
		rc = mval_store(&ri->val, &val);
		if (rc)
			return rc;
		ri->time_ms = time_ms;
		return 1;
	}
	/* A new entry: copy the value first, so a failure leaves nothing
	 * half-made. */
	rc = mval_store(&tmp, &val);
	if (rc)
		return rc;
	if (!r) {
		r = arr_insert(&in->res, sizeof(*r), rpos);
		if (!r) {
			mval_clear(&tmp);
			return -ENOMEM;
		}
		r->id = p->ids[2];
		r->def = def;
		new_res = true;
		if (!def->multiple) {
			r->val = tmp;
			r->time_ms = time_ms;
			return 1;
		}
		ripos = 0;
	}
	ri = arr_insert(&r->ri, sizeof(*ri), ripos);
	if (!ri) {
		mval_clear(&tmp);
		if (new_res)
			arr_remove(&in->res, sizeof(*r), rpos);
		return -ENOMEM;
	}
	ri->id = p->ids[3];
	ri->val = tmp;
	ri->time_ms = time_ms;
	return 1;
}

/* The stored value at p (a single resource, or a resource instance of a
 * multiple one) and its measurement time.  0 or the errors of model_get. */
static int find_value(const struct model *m, const struct path *p,
		      const struct mval **val, int64_t *time_ms)
{
	const struct schema_resource *def;
	struct m_inst *in;
	struct m_res *r;
	struct m_rinst *ri;
	int rc = resolve(m, p, &in, &def, &r, NULL);

	if (rc)
		return rc;
	if (!r)
		return -ENOENT;
	if (!def->multiple) {
		*val = &r->val;
		*time_ms = r->time_ms;
		return 0;
	}
	ri = arr_find(&r->ri, sizeof(*ri), p->ids[3], NULL);
	if (!ri)
		return -ENOENT;
	*val = &ri->val;
	*time_ms = ri->time_ms;
	return 0;
}

int model_get(const struct model *m, const struct path *p,
	      struct lwb_value *out)
{
	const struct mval *val;
	int64_t t;
	int rc = find_value(m, p, &val, &t);

	if (rc == 0)
		mval_view(val, out);
	return rc;
}

int model_get_time(const struct model *m, const struct path *p,
		   int64_t *time_ms)
{
	const struct mval *val;

	return find_value(m, p, &val, time_ms);
}

int model_resource_delete(struct model *m, const struct path *p)
{
	const struct schema_resource *def;
	struct m_inst *in;
	struct m_res *r;
	struct m_rinst *ri;
	size_t rpos, ripos;
	int rc;

	if (p->len == PATH_RESOURCE) {
		/* Either kind of resource as a whole. */
		in = find_inst(m, p->ids[0], p->ids[1], NULL);
		r = in ? arr_find(&in->res, sizeof(*r), p->ids[2], &rpos)
		       : NULL;
		if (!r)
			return -ENOENT;
		res_free(r);
		arr_remove(&in->res, sizeof(*r), rpos);
		notify(m, *p);
		return 0;
	}
	rc = resolve(m, p, &in, &def, &r, &rpos);
	if (rc)
		return rc;
	ri = r ? arr_find(&r->ri, sizeof(*ri), p->ids[3], &ripos) : NULL;
	if (!ri)
		return -ENOENT;
	mval_clear(&ri->val);
	arr_remove(&r->ri, sizeof(*ri), ripos);
	notify(m, *p);
	return 0;
}

bool model_exists(const struct model *m, const struct path *p)
{
	const struct m_res *r;

	switch (p->len) {
	case PATH_ROOT: return true;
	case PATH_OBJECT: return schema_find(m->reg, p->ids[0]) != NULL;
	case PATH_INSTANCE: return find_inst(m, p->ids[0], p->ids[1], NULL);
	case PATH_RESOURCE:
		return find_res(m, p->ids[0], p->ids[1], p->ids[2]) != NULL;
	case PATH_RESOURCE_INSTANCE:
		r = find_res(m, p->ids[0], p->ids[1], p->ids[2]);
		return r && r->def->multiple &&
		       arr_find(&r->ri, sizeof(struct m_rinst), p->ids[3],
				NULL);
	default: return false;
	}
}

int model_resource_instance_count(const struct model *m, const struct path *p)
{
	const struct m_res *r;

	if (p->len != PATH_RESOURCE)
		return -EINVAL;
	r = find_res(m, p->ids[0], p->ids[1], p->ids[2]);
	if (!r)
		return -ENOENT;
	return r->def->multiple ? (int)r->ri.n : -EINVAL;
}

enum lwb_type model_type_of(const struct path *p, void *model)
{
	const struct model *m = model;

	return schema_type_of(m->reg, p);
}

struct walk {
	codec_record_fn fn;
	void *ctx;
	int count;
};

static int emit(struct walk *w, const struct path *p, const struct mval *val)
{
	struct record rec = {.path = *p};
	int rc;

	mval_view(val, &rec.value);
	rc = w->fn(&rec, w->ctx);
	if (rc < 0)
		return rc;
	w->count++;
	return 0;
}

/* riid < 0: every instance of a multiple resource. */
static int walk_res(struct walk *w, uint16_t oid, uint16_t iid,
		    const struct m_res *r, int riid)
{
	struct path p;
	int rc;

	if (r->def->type == LWB_TYPE_NONE || (r->def->ops & SCHEMA_OP_EXEC))
		return 0;
	if (!r->def->multiple) {
		p = path_resource(oid, iid, r->id);
		return emit(w, &p, &r->val);
	}
	for (size_t i = 0; i < r->ri.n; i++) {
		const struct m_rinst *ri = arr_at(&r->ri, sizeof(*ri), i);

		if (riid >= 0 && ri->id != riid)
			continue;
		p = path_resource_instance(oid, iid, r->id, ri->id);
		rc = emit(w, &p, &ri->val);
		if (rc)
			return rc;
	}
	return 0;
}

static int walk_inst(struct walk *w, uint16_t oid, const struct m_inst *in)
{
	for (size_t i = 0; i < in->res.n; i++) {
		int rc =
			walk_res(w, oid, in->id,
				 arr_at(&in->res, sizeof(struct m_res), i), -1);

		if (rc)
			return rc;
	}
	return 0;
}

static int walk_obj(struct walk *w, const struct m_obj *o)
{
	for (size_t i = 0; i < o->inst.n; i++) {
		int rc = walk_inst(w, o->id,
				   arr_at(&o->inst, sizeof(struct m_inst), i));

		if (rc)
			return rc;
	}
	return 0;
}

int model_collect(const struct model *m, const struct path *p,
		  codec_record_fn fn, void *ctx)
{
	struct walk w = {.fn = fn, .ctx = ctx};
	const struct m_obj *o;
	const struct m_inst *in;
	const struct m_res *r;
	int rc = 0;

	if (!model_exists(m, p))
		return -ENOENT;
	switch (p->len) {
	case PATH_ROOT:
		for (size_t i = 0; i < m->obj.n && rc == 0; i++)
			rc = walk_obj(&w,
				      arr_at(&m->obj, sizeof(struct m_obj), i));
		break;
	case PATH_OBJECT:
		o = find_obj(m, p->ids[0], NULL);
		if (o)
			rc = walk_obj(&w, o);
		break;
	case PATH_INSTANCE:
		in = find_inst(m, p->ids[0], p->ids[1], NULL);
		rc = walk_inst(&w, p->ids[0], in);
		break;
	case PATH_RESOURCE:
	case PATH_RESOURCE_INSTANCE:
		r = find_res(m, p->ids[0], p->ids[1], p->ids[2]);
		rc = walk_res(&w, p->ids[0], p->ids[1], r,
			      p->len == PATH_RESOURCE_INSTANCE ? p->ids[3]
							       : -1);
		break;
	default: return -ENOENT;
	}
	return rc ? rc : w.count;
}

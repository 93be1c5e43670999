/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Discover (GET with Accept 40; LwM2M 1.0.2 §5.4.2, 1.1 Core §5.4.2,
 * 1.1 Transport §6.4): the CoRE link-format list of what exists at and
 * below the target, with the Write-Attributes of the asking server.
 *
 * What each level lists.  The stored specification pages could only be
 * read in excerpts, so the rules below follow the specification's
 * examples as far as they could be read and, where they could not, what
 * AVSystem's Anjay (a certified 1.1 client) answers:
 *
 *   /O      </O>;ver=X.Y (only when the object's version is not 1.0) and
 *           the attributes written on the object; then each existing
 *           instance </O/I> and each existing resource </O/I/R>, neither
 *           with attributes nor dim= (attributes of lower levels are not
 *           reported on an object Discover).
 *   /O/I    </O/I> with its attributes, then each existing resource
 *           </O/I/R> with dim=N for a multiple resource and the attributes
 *           written on that resource.
 *   /O/I/R  </O/I/R> with dim=N (multiple) and its attributes; then, for
 *           a 1.1 server and a multiple resource, each resource instance
 *           </O/I/R/RI> with the attributes written on it.
 *
 * Inherited attributes: the target's own link carries its EFFECTIVE
 * attributes, each taken from the deepest of the object, instance and
 * resource levels that sets it (the Server object's default pmin/pmax
 * are not shown: they are not attributes of the path); every link below
 * the target carries only what is written on exactly that path.
 *
 * "Existing" resources are those the data model holds a value for (a
 * multiple resource once it has held an instance), plus executable
 * resources of an instance whose handler can execute (executable
 * resources never hold a value): resources the definition declares but
 * the bridge does not instantiate are not listed.
 *
 * LwM2M 1.0 versus 1.1 (who->version):
 *   - 1.1 honours ?depth=0..3: how many levels below the target are
 *     listed (0: the target alone; 3 reaches resource instances from an
 *     object).  Without it: 2 for an object (instances and resources), 1
 *     for an instance (resources) and 1 for a resource (its instances).
 *     depth= with any other value, or twice, is 4.00 Bad Request.
 *   - 1.0 has no depth parameter (ignored, as an unknown query) and no
 *     resource-instance links: the same defaults, stopping at resources.
 * Other answers: the root and a resource instance are not Discover
 * targets (4.05, the root already in dm.c); an undefined object, a
 * missing instance or a resource that does not exist is 4.04; the
 * Security object is 4.01 (dm.c).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "codec_link.h"
#include "dm_priv.h"
#include "log.h"

/* Discover answers start at this size; a larger one doubles up to
 * DM_PAYLOAD_MAX. */
#define DISCOVER_BUF_START 1024

struct discover {
	struct dm *dm;
	const struct model *m;
	const struct attrs *attrs;
	const struct path *target;
	bool v11;
	int leaf; /* deepest path level listed */
	struct link_writer w;
};

/* Parses the Uri-Query for depth=N.  Returns the depth (0..3), -1 when
 * absent, or -EINVAL. */
static int parse_depth(const struct dm_request *req)
{
	int depth = -1;

	for (size_t i = 0; i < req->n_query; i++) {
		const char *q = req->query[i];

		if (strncmp(q, "depth", 5) != 0 || (q[5] != '=' && q[5]))
			continue;
		if (depth >= 0 || q[5] != '=' || q[6] < '0' || q[6] > '3' ||
		    q[7] != '\0')
			return -EINVAL;
		depth = q[6] - '0';
	}
	return depth;
}

/* Appends set as attrs_format() writes it.  Its text always fits
 * ATTRS_FORMAT_MAX, and its numbers are finite (attrs_write refuses the
 * others): an error cannot happen, and would only leave the link bare. */
static void put_attrs(struct link_writer *w, const struct attr_set *set)
{
	char text[ATTRS_FORMAT_MAX];
	int n = attrs_format(set, text, sizeof(text));

	if (n > 0)
		link_put_attr_text(w, text, (size_t)n);
}

/* The attributes a link for p shows: its own and inherited ones for the
 * target (only what is written, attrs.h ATTRS_WRITTEN), those written on
 * exactly p below it, none below an object target. */
static void link_attrs(const struct discover *d, const struct path *p,
		       struct attr_set *out)
{
	*out = (struct attr_set){0};
	if (!d->attrs)
		return;
	if (path_equal(p, d->target))
		attrs_resolve_mode(d->attrs, p, NULL, ATTRS_WRITTEN, out);
	else if (d->target->len != PATH_OBJECT)
		attrs_get(d->attrs, p, out);
}

static void put_link(struct discover *d, const struct path *p)
{
	struct attr_set set;

	link_put_path(&d->w, p);
	link_attrs(d, p, &set);
	put_attrs(&d->w, &set);
}

/* True when resource res of /oid/iid is instantiated (see the top). */
static bool resource_exists(const struct discover *d,
			    const struct schema_resource *res, uint16_t oid,
			    uint16_t iid)
{
	const struct oa_handler *h;
	struct path rp = path_resource(oid, iid, res->id);

	if (res->ops & SCHEMA_OP_EXEC) {
		h = oa_handler(d->dm->oa, oid, iid);
		return h && h->ops.execute;
	}
	return model_exists(d->m, &rp);
}

static void put_resource(struct discover *d, const struct schema_resource *res,
			 const struct path *p)
{
	int dim = -1;

	link_put_path(&d->w, p);
	/* dim= on instance and resource Discover, not on an object's. */
	if (res->multiple && d->target->len != PATH_OBJECT)
		dim = model_resource_instance_count(d->m, p);
	if (dim >= 0)
		link_put_uint(&d->w, "dim", (uint64_t)dim);
	{
		struct attr_set set;

		link_attrs(d, p, &set);
		put_attrs(&d->w, &set);
	}
	if (d->leaf < PATH_RESOURCE_INSTANCE || !res->multiple)
		return;
	for (int ri = model_resource_instance_next(d->m, p->ids[0], p->ids[1],
						   p->ids[2], -1);
	     ri >= 0; ri = model_resource_instance_next(
			      d->m, p->ids[0], p->ids[1], p->ids[2], ri)) {
		struct path rp = *p;

		path_push(&rp, (uint16_t)ri);
		put_link(d, &rp);
	}
}

static void put_instance(struct discover *d, const struct schema_object *obj,
			 uint16_t iid)
{
	struct path ip = path_instance(obj->id, iid);

	put_link(d, &ip);
	if (d->leaf < PATH_RESOURCE)
		return;
	for (size_t i = 0; i < obj->resource_count; i++) {
		const struct schema_resource *res = &obj->resources[i];

		if (resource_exists(d, res, obj->id, iid))
			put_resource(
				d, res,
				&(struct path){.ids = {obj->id, iid, res->id},
					       .len = PATH_RESOURCE});
	}
}

static void put_object(struct discover *d, const struct schema_object *obj)
{
	struct path op = path_object(obj->id);
	const char *ver =
		obj->version && obj->version[0] ? obj->version : "1.0";

	link_put_path(&d->w, &op);
	if (strcmp(ver, "1.0") != 0)
		link_put_token(&d->w, "ver", ver, strlen(ver));
	{
		struct attr_set set;

		link_attrs(d, &op, &set);
		put_attrs(&d->w, &set);
	}
	if (d->leaf < PATH_INSTANCE)
		return;
	for (int iid = model_instance_next(d->m, obj->id, -1); iid >= 0;
	     iid = model_instance_next(d->m, obj->id, iid))
		put_instance(d, obj, (uint16_t)iid);
}

/* Writes the whole answer into d->w.  Returns its length or the
 * writer's error. */
static int build(struct discover *d, const struct schema_object *obj,
		 const struct schema_resource *res)
{
	const struct path *p = d->target;

	switch (p->len) {
	case PATH_OBJECT: put_object(d, obj); break;
	case PATH_INSTANCE: put_instance(d, obj, p->ids[1]); break;
	default: put_resource(d, res, p); break;
	}
	return link_writer_finish(&d->w);
}

void dm_op_discover(struct dm *dm, const struct dm_requester *who,
		    const struct path *p, const struct dm_request *req,
		    struct dm_response *resp)
{
	static const int default_depth[] = {0, 2, 1, 1};
	struct discover d = {
		.dm = dm,
		.m = oa_model(dm->oa),
		.attrs = who->attrs,
		.target = p,
		.v11 = who->version != REG_LWM2M_1_0,
	};
	const struct schema_object *obj;
	const struct schema_resource *res = NULL;
	int depth = d.v11 ? parse_depth(req) : -1;
	int n;

	if (p->len == 0 || p->len > PATH_RESOURCE) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	if (depth == -EINVAL) {
		dm_answer(resp, COAP_BAD_REQUEST);
		return;
	}
	obj = schema_find(model_schema(d.m), p->ids[0]);
	if (!obj || (p->len >= PATH_INSTANCE &&
		     !model_instance_exists(d.m, p->ids[0], p->ids[1]))) {
		dm_answer(resp, COAP_NOT_FOUND);
		return;
	}
	if (p->len == PATH_RESOURCE) {
		res = schema_find_resource(obj, p->ids[2]);
		if (!res || !resource_exists(&d, res, p->ids[0], p->ids[1])) {
			dm_answer(resp, COAP_NOT_FOUND);
			return;
		}
	}
	d.leaf = p->len + (depth >= 0 ? depth : default_depth[p->len]);
	if (d.leaf > (d.v11 ? PATH_RESOURCE_INSTANCE : PATH_RESOURCE))
		d.leaf = d.v11 ? PATH_RESOURCE_INSTANCE : PATH_RESOURCE;
	if ((n = dm_grow_buf(dm, DISCOVER_BUF_START)) < 0)
		goto fail;
	for (;;) {
		link_writer_init(&d.w, (char *)dm->buf, dm->cap_buf);
		n = build(&d, obj, res);
		if (n != -ENOBUFS)
			break;
		if ((n = dm_grow_buf(dm, dm->cap_buf * 2)) < 0)
			goto fail;
	}
	if (n < 0)
		goto fail;
	*resp = (struct dm_response){.code = COAP_CONTENT,
				     .content_format = DM_CF_LINK,
				     .payload = dm->buf,
				     .payload_len = (size_t)n};
	return;
fail:
	log_warnx("discover: cannot build the answer: %s", strerror(-n));
	dm_answer_errno(resp, n);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data model: object instances, their resources and resource
 * instances, each holding one typed value checked against the schema.
 *
 * Storage is sorted arrays at every level (objects, instances per object,
 * resources per instance, resource instances per resource), so lookups
 * are O(log n) binary searches and allocate nothing.  Strings and opaque
 * values are copied in and owned by the model.
 *
 * Existence:
 *   - an object exists when the schema defines it (with or without
 *     instances);
 *   - an instance exists from model_instance_create() to its delete;
 *   - a single resource exists once a value was set; a multiple resource
 *     exists once one of its instances was set, and stays (possibly with
 *     no instances) until model_resource_delete() on /o/i/r;
 *   - executable resources never hold a value and never exist.
 * The model does not enforce the R/W/E operations of the schema: a plugin
 * sets read-only resources, and access checks belong to the DM layer.
 *
 * Errors (negated errno), the same in every function:
 *   -ENOENT      unknown object or resource in the schema, or an instance /
 *                resource / resource instance that does not exist
 *   -EINVAL      path at the wrong level for the call (e.g. /o/i/r/ri on a
 *                single resource, /o/i/r on a multiple one for a value), an
 *                id of 65535, or a NULL byte pointer with a length
 *   -EPROTOTYPE  a value whose type the resource cannot take (see
 *                model_set); every value for an executable resource
 *   -ERANGE      outside the resource's numeric range or length bound, a
 *                conversion that does not fit, NaN or an infinity
 *   -EEXIST, -EPERM (model_instance_create), -ENOMEM
 * After any error the model is unchanged.
 *
 * Not thread-safe: one thread (the event loop) owns a model.
 */
#ifndef BRIDGE_MODEL_H
#define BRIDGE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"
#include "path.h"
#include "record.h"
#include "schema.h"

struct model;

/* An empty model checked against reg.  reg must outlive the model; the
 * model caches definition pointers (which the registry keeps valid, see
 * schema.h), so a definition replaced by a later load applies only to
 * objects that had no instance yet.  NULL with errno ENOMEM. */
struct model *model_new(const struct schema_registry *reg);

/* Frees the model and every value it holds.  NULL is fine. */
void model_free(struct model *m);

/* The registry the model was created with. */
const struct schema_registry *model_schema(const struct model *m);

/*
 * Creates an empty instance /oid/iid.  Returns 0; -EINVAL for an id of
 * 65535; -ENOENT if the schema does not define oid; -EEXIST if the
 * instance exists; -EPERM if oid is a single-instance object that already
 * has an instance; -ENOMEM.
 */
int model_instance_create(struct model *m, uint16_t oid, uint16_t iid);

/* Deletes /oid/iid with all its values (borrowed pointers into it become
 * invalid).  Returns 0 or -ENOENT. */
int model_instance_delete(struct model *m, uint16_t oid, uint16_t iid);

bool model_instance_exists(const struct model *m, uint16_t oid, uint16_t iid);

/* Number of instances of oid (0 if none or unknown). */
size_t model_instance_count(const struct model *m, uint16_t oid);

/* The lowest iid of oid not in use, for a Create without an id.  Returns
 * it, -ENOENT for an object the schema does not define, -EPERM for a
 * single-instance object that has its instance, -ENOSPC if all are used. */
int model_instance_free_id(const struct model *m, uint16_t oid);

/*
 * Iteration, each in increasing id order: pass after = -1 for the first
 * id, then the previous id.  Returns the next id, or -ENOENT when there is
 * none (or the parent does not exist).  Each step is a fresh O(log n)
 * search, so creating or deleting entries between steps is safe: an
 * entry deleted before it is reached is simply not returned.
 *   model_object_next              objects that have at least one instance
 *   model_instance_next            instances of oid
 *   model_resource_next            existing resources of /oid/iid
 *   model_resource_instance_next   instances of the multiple resource
 *                                  /oid/iid/rid
 */
int model_object_next(const struct model *m, int after);
int model_instance_next(const struct model *m, uint16_t oid, int after);
int model_resource_next(const struct model *m, uint16_t oid, uint16_t iid,
			int after);
int model_resource_instance_next(const struct model *m, uint16_t oid,
				 uint16_t iid, uint16_t rid, int after);

/*
 * Stores *v at a single resource /o/i/r or a resource instance /o/i/r/ri
 * of a multiple resource (creating the resource or resource instance if
 * needed; the object instance must exist).  The bytes of a String, Opaque
 * or Corelnk value are copied; v is only read during the call and may
 * point into the model itself.
 *
 * Types: v must have the resource's type, except
 *   - an Integer fits an Unsigned Integer resource if >= 0 (else -ERANGE);
 *   - an Unsigned fits an Integer resource if <= INT64_MAX (else -ERANGE);
 *   - an Integer fits a Time resource (seconds since the epoch);
 * any other mismatch is -EPROTOTYPE.  The stored value takes the
 * resource's type.  Then the schema's range is checked (-ERANGE).
 *
 * Returns 1 if the stored value changed (or was created), 0 if it equals
 * the value already stored; in that case nothing is allocated or written,
 * so publishing an unchanged value is cheap.  Floats compare by value
 * (0.0 equals -0.0).  Errors as listed at the top.
 */
int model_set(struct model *m, const struct path *p, const struct lwb_value *v);

/*
 * model_set, also recording time_ms (milliseconds since the Unix epoch; 0
 * means unknown, e.g. a configured value) as the value's measurement time.
 * The time is updated even when the value is unchanged (the result is
 * then 0 and still nothing is allocated): it is the time of the latest
 * report.  model_set(m, p, v) is model_set_at(m, p, v, 0).  On error
 * neither value nor time changes.  The model never reads a clock.
 */
int model_set_at(struct model *m, const struct path *p,
		 const struct lwb_value *v, int64_t time_ms);

/*
 * Checks *v as model_set would (path, instance, type, range) without
 * storing anything, and fills *out with the value converted to the
 * resource's type (sharing v's bytes, so valid as long as they are).
 * Returns 0 or the error model_set would return (never -ENOMEM).
 */
int model_check(const struct model *m, const struct path *p,
		const struct lwb_value *v, struct lwb_value *out);

/*
 * Reads the value of a single resource /o/i/r or of a resource instance
 * /o/i/r/ri.  Returns 0; -ENOENT if it does not exist; -EINVAL for another
 * level, /o/i/r of a multiple resource or /o/i/r/ri of a single one.
 * For String, Opaque and Corelnk, out->v.bytes.ptr is borrowed from the
 * model (never NULL, not NUL-terminated) and valid until that resource
 * (instance) is next set, deleted, or its instance or the model is freed.
 */
int model_get(const struct model *m, const struct path *p,
	      struct lwb_value *out);

/* The measurement time recorded with the value at p (see model_set_at):
 * milliseconds since the Unix epoch, 0 if unknown.  Returns 0, or the
 * errors of model_get. */
int model_get_time(const struct model *m, const struct path *p,
		   int64_t *time_ms);

/*
 * Deletes the resource /o/i/r (all its instances for a multiple one), or
 * one resource instance /o/i/r/ri (the multiple resource itself stays,
 * possibly empty).  Returns 0, -ENOENT, or -EINVAL for another level or
 * /o/i/r/ri of a single resource.
 */
int model_resource_delete(struct model *m, const struct path *p);

/* True if p exists (see "Existence" above; the root always exists). */
bool model_exists(const struct model *m, const struct path *p);

/* Number of instances of the multiple resource /o/i/r: >= 0, or -ENOENT
 * if it does not exist, -EINVAL if p is not a multiple resource path. */
int model_resource_instance_count(const struct model *m, const struct path *p);

/*
 * Hands every value at or below p (root, object, instance, resource or
 * resource instance) to fn, one struct record each (has_time false), in
 * path_compare() order: single resources as /o/i/r, multiple resources as
 * one record per /o/i/r/ri.  The record and its bytes are valid only
 * during the call.  fn must not change the model.  Returns the number of
 * records handed over (0 for an existing object, instance or multiple
 * resource without values), -ENOENT if p does not exist, or the first
 * negative value fn returned (the walk stops there).
 */
int model_collect(const struct model *m, const struct path *p,
		  codec_record_fn fn, void *ctx);

/* A codec_type_fn (record.h) with the model as ctx: the type of the
 * resource at /o/i/r or /o/i/r/ri from the schema (whether or not it
 * exists in the model); LWB_TYPE_NONE for anything else. */
enum lwb_type model_type_of(const struct path *p, void *model);

/* Called after a stored value changed (model_set/model_set_at returned 1)
 * with the path that was set (the value is already in the model), after
 * model_instance_create() and model_instance_delete() with the instance
 * /o/i, and after model_resource_delete() with its path (the entry is
 * already gone: model_exists() tells a deletion from a change).  For the
 * observe engine: observations above the path see a new instance set,
 * those at or below a deleted one end.  Not called for unchanged values
 * or failed calls.  The hook must not change the model itself. */
typedef void (*model_change_fn)(const struct path *p, void *arg);

/* Installs the change hook (NULL removes it). */
void model_set_change_hook(struct model *m, model_change_fn fn, void *arg);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object access: the core's Read, Write and Execute of resources, the
 * entry points the DM layer and --dump call.  Each object instance is
 * served either by a handler bound to it (a plugin's struct
 * lwb_instance_ops; the plugin host binds them) or, when none is bound
 * (the core's Security, Server and Device instances), by the data model
 * alone.
 *
 *   read     a handler's read callback refreshes the value, which is then
 *            stored in the model (as if published) and returned from it;
 *            without one, the model's last value is returned
 *   write    the value is checked against the definition, handed to the
 *            handler's write callback, and stored once that accepted it
 *   execute  the handler's execute callback
 *
 * The definition decides first, so a handler is never called for a
 * resource its object does not define, nor for an operation the resource
 * does not allow.  The R/W/E operations of the definition are enforced
 * here for every instance; who may do what (access control, the bootstrap
 * server's writes to Security) is the caller's business: bootstrap writes
 * go to the model directly.
 *
 * Errors are negative errno values for coap_code_from_errno()
 * (coap_errors.h):
 *   -ENOENT      no such object, instance or resource in the definition,
 *                no value stored yet, or a callback said -ENOENT (4.04)
 *   -EINVAL      a path at the wrong level (4.00)
 *   -EPROTOTYPE, -ERANGE  a written value of the wrong type or out of the
 *                definition's range (4.00)
 *   -EOPNOTSUPP  the definition does not allow the operation on this
 *                resource, or the handler has no callback for it (4.05)
 *   -EIO         a read callback returned a value the definition refuses
 *                (a plugin bug, 5.00)
 *   anything a callback returned (below -4095, not an errno: -EIO);
 *   -ENOMEM
 * A callback's failure is logged, tagged with the handler's tag: as a
 * notice when it maps to a 4.xx code, as a warning when it maps to 5.xx.
 * No error here ends the daemon.
 *
 * Single-threaded: the loop thread only.  Callbacks run synchronously
 * inside these calls and may bind and unbind (also their own instance).
 */
#ifndef BRIDGE_OBJECT_ACCESS_H
#define BRIDGE_OBJECT_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/plugin.h"
#include "model.h"
#include "path.h"
#include "record.h"

struct object_access;

/* What serves one instance. */
struct oa_handler {
	/* Copied at bind; NULL callbacks: not supported (read: the model
	 * serves the last value).  struct_size is ignored. */
	struct lwb_instance_ops ops;
	void *ctx;	 /* first argument of every callback */
	const char *tag; /* log tag; must stay valid while bound */
	void *owner;	 /* the binder's own, never looked at here */
};

/* Wall-clock source for the measurement time of values stored by reads
 * and writes: milliseconds since the Unix epoch. */
typedef int64_t (*oa_clock_fn)(void *ctx);

/*
 * Object access on m, which must outlive it.  Uses CLOCK_REALTIME until
 * oa_set_clock.  Returns NULL with errno ENOMEM.
 */
struct object_access *oa_new(struct model *m);

/* Frees oa (not the model, not the handlers' contexts).  NULL is fine. */
void oa_free(struct object_access *oa);

/* The model given to oa_new. */
struct model *oa_model(const struct object_access *oa);

/* Replaces the wall clock (NULL fn: CLOCK_REALTIME again).  For tests and
 * benchmarks. */
void oa_set_clock(struct object_access *oa, oa_clock_fn fn, void *ctx);

/* The wall clock's time now, in milliseconds since the Unix epoch. */
int64_t oa_now_ms(const struct object_access *oa);

/*
 * Binds *h (copied) to instance /oid/iid, which need not exist in the
 * model yet.  Returns 0, -EEXIST (already bound), -EINVAL (an id of
 * 65535, h NULL) or -ENOMEM.  O(n) in bound instances.
 */
int oa_bind(struct object_access *oa, uint16_t oid, uint16_t iid,
	    const struct oa_handler *h);

/* Unbinds /oid/iid.  Returns 0 or -ENOENT.  The model is not touched. */
int oa_unbind(struct object_access *oa, uint16_t oid, uint16_t iid);

/*
 * The handler bound to /oid/iid, or NULL when the model serves it.  The
 * pointer is valid until the next oa_bind or oa_unbind.  O(log n).
 */
const struct oa_handler *oa_handler(const struct object_access *oa,
				    uint16_t oid, uint16_t iid);

/* Number of bound instances. */
size_t oa_bound_count(const struct object_access *oa);

/*
 * Reads the single resource /o/i/r or the resource instance /o/i/r/ri
 * into *out (see the top for the order of checks).  A value a read
 * callback returned is stored with the time now.  Bytes of String, Opaque
 * and Corelnk values are borrowed from the model, valid until that
 * resource is next set or deleted.  Returns 0 or a negative errno; a
 * multiple resource as a whole (/o/i/r) is -EINVAL: use oa_read_collect.
 */
int oa_read(struct object_access *oa, const struct path *p,
	    struct lwb_value *out);

/*
 * Reads everything at or below p (/o, /o/i, /o/i/r or /o/i/r/ri): first
 * refreshes, through the read callback of each instance that has one,
 * every readable resource there (single resources, and the instances of
 * multiple resources that the model holds: the ABI cannot enumerate
 * others), then hands the stored values to fn as model_collect does.  A
 * callback's -ENOENT skips that resource when p is above it; any other
 * callback error ends the read with that error.  Returns the number of
 * records, -ENOENT when p does not exist, -EINVAL for the root, the
 * errors of oa_read, or fn's first negative value.
 */
int oa_read_collect(struct object_access *oa, const struct path *p,
		    codec_record_fn fn, void *ctx);

/*
 * Writes *v to the single resource /o/i/r or the resource instance
 * /o/i/r/ri: checks it against the definition (the value the callback
 * sees is converted to the resource's type), calls the write callback of
 * a bound instance (-EOPNOTSUPP without one), then stores it with the
 * time now.  Returns 0 or a negative errno; after an error the stored
 * value is unchanged.
 */
int oa_write(struct object_access *oa, const struct path *p,
	     const struct lwb_value *v);

/*
 * Checks *v for /o/i/r or /o/i/r/ri exactly as oa_write would before it
 * calls a write callback (definition, writable, type and range, a bound
 * instance without write callback), without writing anything: lets a
 * Write of several values refuse the whole payload before the first value
 * is applied.  Returns 0 or the error oa_write would return at that point.
 */
int oa_write_check(const struct object_access *oa, const struct path *p,
		   const struct lwb_value *v);

/*
 * True when a handler is bound to some instance of oid: the object is
 * served by a plugin (or the core), whose instances a server can neither
 * create (the plugin ABI has no create callback) nor delete.  Instances
 * of objects nobody serves are "data-only": created by a server's Create,
 * held by the model alone (reads return what was written), removed by
 * its Delete.  O(log n).
 */
bool oa_object_served(const struct object_access *oa, uint16_t oid);

/*
 * Executes /o/i/r with args_len bytes of arguments (0: none; already
 * validated by the caller).  Returns 0, -EINVAL for another path level,
 * -ENOENT, -EOPNOTSUPP (not executable, nobody bound, or no execute
 * callback) or the callback's error.
 */
int oa_execute(struct object_access *oa, const struct path *p, const char *args,
	       size_t args_len);

/*
 * Checks /o/i/r exactly as oa_execute would before it calls the execute
 * callback, without executing: lets the caller answer 4.04 / 4.05 before
 * it judges the arguments.  Returns 0 or the error oa_execute would
 * return at that point.
 */
int oa_execute_check(const struct object_access *oa, const struct path *p);

#endif

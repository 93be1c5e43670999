/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Notification attributes of one LwM2M server (LwM2M 1.0.2 §5.1.2,
 * 1.1 Core §5.1.2 "Attributes"): pmin, pmax, gt, lt, st and the 1.1
 * evaluation periods epmin, epmax, as written by Write-Attributes, stored
 * per path and resolved by inheritance for the observe engine and listed
 * per path for Discover.  Pure data: no I/O, no clock.
 *
 * Levels and inheritance.  Attributes can be set on an object, an object
 * instance, a resource and (1.1) a resource instance.  The EFFECTIVE
 * attributes of a path take each attribute from the deepest level that
 * sets it: resource instance over resource over instance over object over
 * the Server object's defaults (/1/x/2 Default Minimum Period, /1/x/3
 * Default Maximum Period, given by the caller).  pmin is 0 when nothing
 * sets it; pmax, gt, lt, st, epmin, epmax are absent when nothing sets them.
 *
 * Decisions (where the specification leaves room or 1.0 and 1.1 differ):
 *  - gt, lt and st are "Change Value Conditions": the specification allows
 *    them only on numeric resources, at resource level (1.0) or resource
 *    and resource-instance level (1.1).  attrs_write() refuses them on an
 *    object or instance path, and on any path the caller says is not
 *    numeric (the caller knows the resource's type from its schema), with
 *    -EINVAL, which the DM layer answers with 4.00 Bad Request.
 *  - Validation is done on the attribute set that the path would hold
 *    AFTER the write (old values of that path merged with the new ones and
 *    the removals), so a later "gt=1" cannot make an earlier "lt=5"
 *    inconsistent: pmin <= pmax, epmin <= epmax, lt < gt, lt + 2*st < gt
 *    (each rule only when every attribute it names is set).  A write is
 *    all or nothing: on any error nothing changes.
 *  - Rules between levels are NOT checked at write time (an instance's
 *    pmin may exceed a resource's pmax): the specification validates a
 *    request, not the inheritance result.  attrs_resolve() then applies
 *    1.1's rule that a pmax smaller than pmin is ignored (and the same for
 *    epmax < epmin).
 *  - pmin, pmax, epmin and epmax are whole seconds, 0..2^31-1 (the
 *    specification types them as Integer); gt, lt, st are decimal numbers
 *    (no NaN, infinity or hex); st must not be negative.
 *
 * Thread rules: none of its own; one thread at a time per struct attrs.
 */
#ifndef BRIDGE_ATTRS_H
#define BRIDGE_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "path.h"

/* Bits of struct attr_set.has: which members hold a value. */
#define ATTR_PMIN  0x01u
#define ATTR_PMAX  0x02u
#define ATTR_GT	   0x04u
#define ATTR_LT	   0x08u
#define ATTR_ST	   0x10u
#define ATTR_EPMIN 0x20u
#define ATTR_EPMAX 0x40u
#define ATTR_ALL   0x7fu
/* gt, lt, st together. */
#define ATTR_CHANGE_VALUE (ATTR_GT | ATTR_LT | ATTR_ST)

/* A set of attributes; a member is meaningful only if its bit is in has. */
struct attr_set {
	unsigned int has;
	uint32_t pmin, pmax, epmin, epmax; /* seconds */
	double gt, lt, st;
};

/* The longest attrs_format() output: 7 attributes, each ";name=" plus a
 * value of at most 24 characters, plus the NUL. */
#define ATTRS_FORMAT_MAX 256

struct attrs;

/* Creates an empty store.  Returns NULL with errno ENOMEM on failure. */
struct attrs *attrs_new(void);

/* Frees the store.  Accepts NULL. */
void attrs_free(struct attrs *a);

/*
 * Applies a Write-Attributes request on path p.  opts[i] (len[i] bytes,
 * not NUL-terminated) is one Uri-Query option: "name=value" sets an
 * attribute, "name" alone removes it from p (removing an attribute that
 * is not set is not an error).  Names: pmin pmax gt lt st epmin epmax.
 * numeric: whether p is a numeric resource or resource instance (ignored
 * on object and instance paths).  Returns 0, or -EINVAL (n == 0, unknown
 * name, an attribute named twice, empty or malformed value, gt/lt/st on an
 * object or instance or non-numeric path, a rule above broken, or p is
 * the root) — the request changes nothing then — or -ENOMEM.  opts and
 * len are only read during the call.
 */
int attrs_write(struct attrs *a, const struct path *p, const char *const *opts,
		const size_t *len, size_t n, bool numeric);

/*
 * Validates the Write-Attributes options exactly like attrs_write()
 * without storing anything: the set p would hold goes to *out (may be
 * NULL).  Returns 0 or -EINVAL.  Lets a caller check before it commits.
 */
int attrs_check(const struct attrs *a, const struct path *p,
		const char *const *opts, const size_t *len, size_t n,
		bool numeric, struct attr_set *out);

/*
 * Copies the attributes set at exactly path p (not inherited) into *out
 * (out->has is 0 when none).  For Discover.  Returns the number of
 * attributes set (0..7).
 */
int attrs_get(const struct attrs *a, const struct path *p,
	      struct attr_set *out);

/*
 * The effective attributes of path p (see the header comment).  defaults
 * holds the Server object's defaults: only its ATTR_PMIN and ATTR_PMAX
 * bits are used; NULL means none.  a may be NULL (no attributes written).
 * Always fills *out; out->has always contains ATTR_PMIN.
 */
void attrs_resolve(const struct attrs *a, const struct path *p,
		   const struct attr_set *defaults, struct attr_set *out);

/* What attrs_resolve_mode() adds to, or drops from, the attributes the
 * levels of a path set. */
enum attrs_mode {
	/* The observe engine's view, attrs_resolve(): the Server object's
	 * defaults below every level, pmin 0 when nothing sets it, and a
	 * pmax below pmin (epmax below epmin) ignored. */
	ATTRS_EFFECTIVE,
	/* Discover's view: each attribute from the deepest of the levels
	 * of p (p included) that sets it, and nothing else: no defaults
	 * (defaults is ignored), no pmin 0, nothing dropped, so an
	 * attribute nobody wrote is not shown. */
	ATTRS_WRITTEN,
};

/* The attributes of path p in mode (see above) into *out; a may be NULL
 * (nothing written).  Always fills *out. */
void attrs_resolve_mode(const struct attrs *a, const struct path *p,
			const struct attr_set *defaults, enum attrs_mode mode,
			struct attr_set *out);

/*
 * Removes every attribute set at p or below it (an instance was deleted,
 * or the server's registration is over: pass the root to clear all).
 * Returns the number of paths cleared.
 */
size_t attrs_clear(struct attrs *a, const struct path *p);

/* Number of paths that hold at least one attribute. */
size_t attrs_count(const struct attrs *a);

/*
 * Writes set in CoRE link-format attribute syntax, in the fixed order
 * pmin pmax gt lt st epmin epmax: ";pmin=10;gt=20.5" ("" when empty),
 * with its NUL.  Returns the length without the NUL, or -ENOBUFS if cap
 * is too small (ATTRS_FORMAT_MAX always suffices).
 */
int attrs_format(const struct attr_set *set, char *buf, size_t cap);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object definitions, loaded at run time from OMA DDF XML files (the OMA
 * registry's own format, LWM2M.xsd / LWM2M-v1_1.xsd; the LwM2M 1.0 files
 * without ObjectVersion/LWM2MVersion load too).
 *
 * A registry maps object ids to definitions.  Loading is a start-up step:
 * the registry is not thread-safe, and nothing may read it while a load
 * runs.  Every pointer the registry hands out (objects, resources, their
 * strings) stays valid until schema_registry_free(), even when a later load
 * replaces the object: replaced definitions are kept (unreachable by
 * lookup) until then, so a data model that cached one never dangles.
 *
 * Override rule: each call of schema_load_file(), schema_load_buffer() or
 * schema_load_dir() is one "layer".  A definition from a later layer
 * replaces an earlier definition of the same object id (so a user's
 * directory loaded after the shipped one adds and overrides objects).
 * Within one layer an object id may be defined once: a second definition
 * (another file of the same directory, sorted by name, or the same file)
 * is an error (-EEXIST) and the file that carries it is skipped.
 *
 * A file is all or nothing: if any part of it is wrong, none of its
 * objects is added.
 *
 * The XML parser, libexpat, is loaded (dlopen) by each load call and
 * unloaded before it returns: it is needed at start-up only, and linked
 * it would keep about 180 kB of pages resident for nothing.  A missing
 * library fails the load with -ELIBACC and a log line that names it.
 */
#ifndef BRIDGE_SCHEMA_H
#define BRIDGE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"
#include "path.h"

/* Bounds on hostile or absurd input.  Real registry files stay far below
 * them (the largest has a few hundred resources and a few KiB of text). */
#define SCHEMA_MAX_RESOURCES	    4096  /* per object */
#define SCHEMA_MAX_TEXT		    65536 /* bytes of one element's text */
#define SCHEMA_MAX_DEPTH	    32	  /* element nesting */
#define SCHEMA_MAX_FILE		    (16u << 20) /* bytes of one document */
#define SCHEMA_MAX_OBJECTS_PER_FILE 64

/* Operations, a bit set: R = READ, W = WRITE, RW = both, E = EXEC,
 * "" = none (e.g. Security object resources). */
enum schema_op {
	SCHEMA_OP_NONE = 0,
	SCHEMA_OP_READ = 1,
	SCHEMA_OP_WRITE = 2,
	SCHEMA_OP_EXEC = 4,
};

enum schema_range_kind {
	SCHEMA_RANGE_NONE = 0, /* no check (empty, enumeration, prose, ...) */
	SCHEMA_RANGE_NUMERIC,  /* min <= value <= max */
	SCHEMA_RANGE_LENGTH,   /* min_len <= byte length <= max_len */
};

/* One numeric bound.  Integral bounds are exact as sign and magnitude
 * (0..18446744073709551615 occurs in the registry); d is always set. */
struct schema_bound {
	bool neg;     /* below zero ("-0" is not) */
	uint64_t mag; /* |value| when the range is integral */
	double d;
};

/*
 * The checkable reading of a RangeEnumeration text:
 *  - Integer, Unsigned Integer, Float, Time: "a..b" or "a-b" (a, b decimal
 *    numbers, optional sign, optional fraction) is NUMERIC.
 *  - String, Opaque: "a..b", "a-b" or "N", with or without a "bytes"
 *    suffix ("0..255 bytes", "6 bytes", also the bare "0..255" the
 *    registry uses for String lengths in objects 0 and 5), non-negative
 *    integers, is LENGTH.
 *  - Anything else (enumerations "0: off 1: on", "16-bit", "ON;OFF",
 *    "16,32,48", prose, a > b, numbers past 64 bits, other types) is NONE.
 */
struct schema_range {
	enum schema_range_kind kind;
	bool integral; /* NUMERIC: both bounds are integers */
	struct schema_bound min, max;
	uint64_t min_len, max_len;
};

struct schema_resource {
	uint16_t id;
	uint8_t ops; /* enum schema_op bits */
	bool multiple;
	bool mandatory;
	enum lwb_type type;	/* LWB_TYPE_NONE for an empty <Type> */
	const char *name;	/* never NULL; "" if absent */
	const char *range_text; /* raw RangeEnumeration, trimmed; "" if none */
	const char *units;	/* trimmed; "" if none */
	struct schema_range range;
	unsigned long line; /* line of its <Item> in the source */
};

struct schema_object {
	uint16_t id;
	bool multiple;
	bool mandatory;
	const char *name;	   /* never NULL; "" if absent */
	const char *urn;	   /* "" if absent */
	const char *version;	   /* ObjectVersion, "1.0" if absent */
	const char *lwm2m_version; /* LWM2MVersion, "1.0" if absent */
	const char *source;	   /* the file (or buffer name) it came from */
	unsigned long line;	   /* line of its <Object> */
	size_t resource_count;
	const struct schema_resource *resources; /* sorted by id, unique */
};

/* Where and what the (first) failure was.  file and msg are always
 * NUL-terminated; line is 0 when no line applies (e.g. open failed). */
struct schema_error {
	char file[256];
	unsigned long line;
	int code; /* the negative errno the load returned */
	char msg[256];
};

struct schema_registry;

/* Returns an empty registry, or NULL with errno ENOMEM. */
struct schema_registry *schema_registry_new(void);

/* Frees the registry and every definition it ever held.  NULL is fine. */
void schema_registry_free(struct schema_registry *reg);

/*
 * Loads one DDF document (one <LWM2M> root holding one or more <Object>s)
 * as a layer of its own.  Returns the number of objects added (>= 1) or a
 * negative errno, with *err (if err is not NULL) filled in:
 *   -EBADMSG  XML syntax error (expat's message and line)
 *   -EINVAL   content error: root not <LWM2M>, no <Object>, missing or bad
 *             ObjectID / Item ID (not 0..65534), unknown Type, Operations,
 *             MultipleInstances or Mandatory value, a field given twice,
 *             bad version, duplicate resource id, entity declarations
 *   -E2BIG    a bound above exceeded (resources, text, depth, objects)
 *   -EFBIG    the document is larger than SCHEMA_MAX_FILE
 *   -EEXIST   an object id defined twice in the same layer
 *   -ENOMEM   out of memory
 *   -ELIBACC  libexpat cannot be loaded (also logged, with the reason)
 *   -errno of open()/read() for schema_load_file
 * The registry is unchanged on error.  name (for messages and ->source) is
 * copied; buf is only read during the call.
 */
int schema_load_file(struct schema_registry *reg, const char *path,
		     struct schema_error *err);
int schema_load_buffer(struct schema_registry *reg, const void *buf, size_t len,
		       const char *name, struct schema_error *err);

/*
 * Loads every regular "*.xml" file of dir, in strcmp() order of the names,
 * as one layer (see the override rule above).  A broken file is logged
 * (warning, "file:line: what") and skipped; the others still load.
 * Returns the number of files that failed (0: all loaded), with the first
 * failure in *err; or a negative errno if dir itself cannot be read
 * (-errno of opendir/readdir; the registry is then unchanged), libexpat
 * cannot be loaded (-ELIBACC, logged; the registry is unchanged) or memory
 * runs out (-ENOMEM; files before that point may have loaded), with *err
 * filled in.  The caller decides whether a failed file is fatal.
 */
int schema_load_dir(struct schema_registry *reg, const char *dir,
		    struct schema_error *err);

/* The definition of object oid, or NULL.  O(log n). */
const struct schema_object *schema_find(const struct schema_registry *reg,
					uint16_t oid);

/* The definition of resource rid of obj, or NULL.  O(log n). */
const struct schema_resource *
schema_find_resource(const struct schema_object *obj, uint16_t rid);

/* Iteration in increasing object id: index 0 .. count-1.  The index of an
 * object changes when a load adds objects. */
size_t schema_object_count(const struct schema_registry *reg);
const struct schema_object *schema_object_at(const struct schema_registry *reg,
					     size_t index);

/* The type of the resource a path names: /o/i/r (any resource), or
 * /o/i/r/ri (a multiple resource only).  LWB_TYPE_NONE for any other
 * level, an unknown object or resource, or an executable resource. */
enum lwb_type schema_type_of(const struct schema_registry *reg,
			     const struct path *p);

/* Fills *out from a RangeEnumeration text for a resource of the given
 * type, as described at struct schema_range.  text may be NULL. */
void schema_range_parse(enum lwb_type type, const char *text,
			struct schema_range *out);

/* Checks v against res->range.  v must already have the resource's type
 * (an Integer value for a Time resource is fine).  Returns 0, or -ERANGE
 * outside the range or length bound.  Types without a range pass. */
int schema_check_value(const struct schema_resource *res,
		       const struct lwb_value *v);

#endif

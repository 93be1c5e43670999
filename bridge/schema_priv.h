/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by schema.c (the registry) and schema_parse.c (the DDF
 * reader).  Not for other modules.
 */
#ifndef BRIDGE_SCHEMA_PRIV_H
#define BRIDGE_SCHEMA_PRIV_H

#include "schema.h"

/* A definition with the storage behind its const public view.  While
 * parsing, the resources and strings are separate growing allocations;
 * a loaded definition is packed (sobj_pack) into one. */
struct sobj {
	struct schema_object pub;
	struct schema_resource *res; /* pub.resources points here */
	size_t res_cap;
	char **owned; /* every string pub and res point at (unpacked) */
	size_t nowned, owned_cap;
	bool packed;		   /* res and strings live in this block */
	unsigned layer;		   /* the load that added it */
	struct sobj *next_retired; /* chain of replaced definitions */
};

void sobj_free(struct sobj *o);

/*
 * Replaces *o by a copy in a single allocation: the struct, exactly
 * resource_count resources, and every string they and pub point at (empty
 * ones become the literal ""), with a copy of source as pub.source.  The
 * original is freed.  The registry keeps every definition it ever loaded,
 * so this saves the resource arrays' spare capacity and one heap block
 * (and its overhead) per string for the daemon's whole life.  Returns 0,
 * or -ENOMEM with *o unchanged.
 */
int sobj_pack(struct sobj **o, const char *source);

/* Fills *err (which may be NULL) with "name:line: msg" parts and code. */
void schema_set_error(struct schema_error *err, const char *name,
		      unsigned long line, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Field values (schema_text.c).  s is len bytes, not NUL-terminated.
 * Each returns 0 and sets *out, or -EINVAL (-ERANGE for an id past
 * 65534) leaving *out alone. */
int schema_text_type(const char *s, size_t len, enum lwb_type *out);
int schema_text_ops(const char *s, size_t len, uint8_t *out);
/* yes -> true, no -> false, case-insensitive. */
int schema_text_choice(const char *s, size_t len, const char *yes,
		       const char *no, bool *out);
/* Decimal 0..65534; leading zeros allowed. */
int schema_text_id(const char *s, size_t len, uint16_t *out);
/* True for "major.minor" (1 to 5 digits each). */
bool schema_text_version(const char *s, size_t len);
/* Drops leading and trailing white space from *s / *len. */
void schema_text_trim(const char **s, size_t *len);

struct schema_parser;

/* A reader of one document named name (copied).  NULL with errno ENOMEM.
 * err may be NULL. */
struct schema_parser *schema_parser_new(const char *name,
					struct schema_error *err);

/* Feeds the next len bytes (final: the last piece).  Returns 0, or the
 * negative errno of the first error (then filled into err); after an
 * error further calls return the same error. */
int schema_parser_feed(struct schema_parser *p, const void *buf, size_t len,
		       bool final);

/* After a successful final feed: moves the parsed objects (in document
 * order, resources sorted and unique) to the caller, who frees each with
 * sobj_free() and the array with free().  Returns the count (>= 1) or a
 * negative errno. */
int schema_parser_take(struct schema_parser *p, struct sobj ***objs);

void schema_parser_free(struct schema_parser *p);

#endif

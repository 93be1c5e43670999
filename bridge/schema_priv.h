/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by schema.c (the registry) and schema_parse.c (the DDF
 * reader).  Not for other modules.
 */
#ifndef BRIDGE_SCHEMA_PRIV_H
#define BRIDGE_SCHEMA_PRIV_H

#include <expat.h>

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

/*
 * libexpat's entry points, from a dlopen of SCHEMA_EXPAT_SONAME (see
 * configure.ac) that lasts one load: the parser is needed at start-up
 * only, and its pages would otherwise stay resident (schema_xml.c).
 */
struct schema_xml {
	void *lib;
	__typeof__(XML_ParserCreate) *parser_create;
	__typeof__(XML_ParserFree) *parser_free;
	__typeof__(XML_SetUserData) *set_user_data;
	__typeof__(XML_SetElementHandler) *set_element_handler;
	__typeof__(XML_SetCharacterDataHandler) *set_character_data_handler;
	__typeof__(XML_SetEntityDeclHandler) *set_entity_decl_handler;
	__typeof__(XML_Parse) *parse;
	__typeof__(XML_StopParser) *stop_parser;
	__typeof__(XML_GetErrorCode) *get_error_code;
	__typeof__(XML_ErrorString) *error_string;
	__typeof__(XML_GetCurrentLineNumber) *get_current_line_number;
};

/* Opens libexpat into *x.  Returns 0, or -ELIBACC when the library or one
 * of its functions cannot be loaded: then the error (with dlerror's
 * reason) is logged and filled into err (may be NULL) under name, and *x
 * needs no close. */
int schema_xml_open(struct schema_xml *x, const char *name,
		    struct schema_error *err);
/* Closes what schema_xml_open opened; every parser made with x must be
 * freed first.  A zeroed *x is fine. */
void schema_xml_close(struct schema_xml *x);

struct schema_parser;

/* A reader of one document named name (copied), parsing with x (which
 * must stay open until schema_parser_free).  NULL with errno ENOMEM.
 * err may be NULL. */
struct schema_parser *schema_parser_new(const char *name,
					const struct schema_xml *x,
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

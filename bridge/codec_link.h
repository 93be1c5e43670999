/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CoRE Link Format (Content-Format 40, RFC 6690) with the LwM2M
 * attributes: the Register/Update payload (`</>;rt="oma.lwm2m";ct=11543,
 * </1/0>,</3303>;ver=1.1`) and Discover answers (`</3/0>;pmin=10,
 * </3/0/7>;dim=3`).
 *
 * The writer appends links and their attributes to a caller buffer; the
 * parser walks a link list and calls back once per link.  Neither
 * allocates nor keeps state outside the structures given to it; both are
 * thread-safe on distinct structures.
 */
#ifndef BRIDGE_CODEC_LINK_H
#define BRIDGE_CODEC_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "path.h"

/* Most attributes one link may carry; the parser refuses more (-E2BIG). */
#define LINK_MAX_ATTRS 32

/* ---- writer ------------------------------------------------------------ */

/* Fill with link_writer_init(); the fields are private. */
struct link_writer {
	char *buf;
	size_t cap;
	size_t len;
	size_t links;
	int err; /* the first error; every later call returns it */
};

/* Starts an empty list in buf.  The buffer is kept NUL-terminated (when
 * cap > 0), so the text needs cap >= length + 1. */
void link_writer_init(struct link_writer *w, char *buf, size_t cap);

/* Each call below appends its whole piece or nothing, and returns 0 or a
 * negative errno; the first error sticks: later calls do nothing and
 * return it, and so does link_writer_finish().
 *   -ENOBUFS  the piece (and the NUL) does not fit
 *   -EINVAL   an attribute before any link; a name that is not an RFC 5987
 *             parmname; a URI, token or string with characters the format
 *             cannot carry; a NaN or infinite number */

/* Starts a link "<uri>", after a "," unless it is the first.  The uri is
 * len bytes of printable ASCII without '<', '>', '"' or spaces. */
int link_put_uri(struct link_writer *w, const char *uri, size_t len);
/* Starts a link to a path: "</3/0>"; the root is "</>". */
int link_put_path(struct link_writer *w, const struct path *p);
/* Attributes of the current link: ";name" (a flag), ";name=-12",
 * ";name=12", ";name=2.5" (codec_format_double), ";name=1.1" (a bare
 * RFC 6690 ptoken, for ver=), ";name=\"text\"" (quoted; '"' and '\' are
 * escaped, control characters refused).  Names are NUL-terminated. */
int link_put_flag(struct link_writer *w, const char *name);
int link_put_int(struct link_writer *w, const char *name, int64_t v);
int link_put_uint(struct link_writer *w, const char *name, uint64_t v);
int link_put_double(struct link_writer *w, const char *name, double v);
int link_put_token(struct link_writer *w, const char *name, const char *v,
		   size_t len);
int link_put_string(struct link_writer *w, const char *name, const char *v,
		    size_t len);
/* Attributes of the current link already in link-format syntax, len
 * bytes: "" or ";name=value" pieces (e.g. attrs_format()'s output): each
 * piece a parmname, then "=" and a ptoken or nothing.  -EINVAL for
 * anything else (a quoted string included: use link_put_string). */
int link_put_attr_text(struct link_writer *w, const char *text, size_t len);
/* Returns the text's length (without the NUL), or the first error. */
int link_writer_finish(const struct link_writer *w);

/* ---- parser ------------------------------------------------------------ */

struct link_attr {
	const char *name;
	size_t name_len;
	const char *value; /* NULL for a flag (";obs") */
	size_t value_len;
	bool quoted;  /* a quoted-string: value excludes the quotes */
	bool escaped; /* value holds backslash escapes: link_attr_unescape */
};

struct link {
	const char *uri; /* between '<' and '>', not NUL-terminated */
	size_t uri_len;
	const struct link_attr *attrs;
	size_t nattrs;
};

/* Receives one link; every pointer in it points into the parsed buffer
 * (attrs into the parser's stack) and is valid during the call only.
 * Return 0 to go on; a negative value stops the parser, which returns it. */
typedef int (*link_fn)(const struct link *link, void *ctx);

/* Parses len bytes of RFC 6690 link-value-list:
 *   link  = "<" URI-Reference ">" *( ";" parmname [ "=" value ] )
 *   value = ptoken / quoted-string
 * links separated by ",".  White space (SP, HTAB, CR, LF) is tolerated
 * around the commas and at both ends, as some servers emit it; nowhere
 * else.  The whole text is checked before the first callback, so a
 * malformed list produces no callback.  fn may be NULL to only check.
 * Returns the number of links (0 for empty or all-blank text), or
 *   -EBADMSG  malformed (missing '<' or '>', empty link or trailing ",",
 *             bad name, unterminated quote, a control character)
 *   -E2BIG    more than LINK_MAX_ATTRS attributes on a link, or more than
 *             CODEC_MAX_RECORDS links
 *   any negative value of fn, unchanged */
int link_parse(const char *buf, size_t len, link_fn fn, void *ctx);

/* The first attribute of link named name (NUL-terminated), or NULL. */
const struct link_attr *link_find_attr(const struct link *link,
				       const char *name);

/* Writes a's value with its backslash escapes removed, and a NUL, into
 * out.  Returns the length without the NUL, -ENOENT for a flag (no value)
 * or -ENOBUFS if cap < length + 1. */
int link_attr_unescape(const struct link_attr *a, char *out, size_t cap);

#endif

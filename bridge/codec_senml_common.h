/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the LwM2M JSON, SenML JSON and SenML CBOR codecs share: how names
 * are split into a base name and relative names when encoding, how a name
 * is resolved against the base name and the request path when decoding,
 * and how a number, string or flag from the wire becomes a typed value.
 *
 * Encoding rules (all three formats):
 *  - If every record's path equals the request path (a Read of one
 *    resource or resource instance), the base name is that path without a
 *    trailing slash and the records carry no name: [{"bn":"/3/0/0",...}]
 *    (LwM2M 1.1 Core Table 7.4.4-5).
 *  - Otherwise the base name is the request path with a trailing slash
 *    ("/3/0/", the root is "/") and each record is named relative to it
 *    ("0", "6/0"); every record must then lie strictly below the path.
 *  - The base name is written once, in the first record (SenML) or at
 *    the top (LwM2M JSON); SenML carries it forward (RFC 8428 §4.6).
 *  - Time: with no base time a timed record carries its absolute time in
 *    "t"; with a base time, "bt" is written once and "t" is relative to
 *    it, left out when 0.  A base time requires every record to be timed,
 *    because an untimed record would read back as taken at the base time.
 */
#ifndef BRIDGE_CODEC_SENML_COMMON_H
#define BRIDGE_CODEC_SENML_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Names longer than this cannot resolve to a valid path. */
#define SENML_NAME_MAX 64

struct senml_plan {
	char bn[PATH_STR_MAX + 1]; /* NUL-terminated */
	size_t bn_len;
	bool names;	   /* records carry a relative name */
	uint8_t name_from; /* the request path's depth */
	bool has_bt;
	double bt;
};

/* Checks n records against the rules above and fills plan.  base_time is
 * NULL or the base time to write.  Returns 0; -EINVAL for a record that
 * cannot be expressed (not a resource or resource instance, outside base,
 * mixed with base itself, NONE or unknown type, NaN/infinite float or
 * time, String/Corelnk not UTF-8, untimed record with a base time);
 * -E2BIG for more than CODEC_MAX_RECORDS records. */
int senml_plan_make(const struct path *base, const struct record *recs,
		    size_t n, const double *base_time, struct senml_plan *plan);

/* Writes the ids of p from depth `from` on, joined by '/' ("6/0"), with a
 * NUL.  Returns the length, or -ENOBUFS.  SENML_NAME_MAX always suffices. */
int senml_rel_name(const struct path *p, uint8_t from, char *buf, size_t cap);

/* Resolves base name bn (bn_len bytes) + name n (n_len bytes) as RFC 8428
 * §4.5.1 does (concatenation) into *out.  The result must be an absolute
 * path ("/" first, no trailing slash) to a resource or resource instance.
 * Returns 0; -EBADMSG if it is not; -EINVAL if it is a valid path that
 * does not lie at or below req (the request path). */
int senml_resolve(const char *bn, size_t bn_len, const char *n, size_t n_len,
		  const struct path *req, struct path *out);

/* A value as the wire carried it, before the resource type is applied. */
enum senml_kind {
	SENML_NUMBER,
	SENML_STRING,
	SENML_BOOLEAN,
	SENML_OPAQUE, /* bytes already decoded */
	SENML_OBJLNK, /* "oid:iid" text */
};

struct senml_wire {
	enum senml_kind kind;
	/* SENML_NUMBER: integral is true when the wire form was an integer
	 * (JSON without fraction or exponent, CBOR major type 0 or 1); then
	 * the value is mag if !negative, else -1 - mag (CBOR's convention,
	 * which reaches -2^64).  d is the value as a double in every case. */
	bool integral;
	bool negative;
	uint64_t mag;
	double d;
	bool b;
	const void *ptr; /* STRING, OPAQUE, OBJLNK */
	size_t len;
};

/* Builds *out from wire for a resource of type t (LWB_TYPE_NONE when the
 * type is unknown: numbers then become INTEGER if integral and within
 * int64, UNSIGNED if integral above it, else FLOAT; strings STRING).
 * Bytes in *out point where wire points.  Returns 0; -EBADMSG for a value
 * kind that does not suit t or a malformed object link or non-finite
 * number; -ERANGE for a number that does not fit t (a fraction in an
 * Integer, a negative Unsigned, out of range). */
int senml_value_from_wire(const struct senml_wire *wire, enum lwb_type t,
			  struct lwb_value *out);

/* Parses "oid:iid" (decimal, each 0..65535).  Also takes "FFFF:FFFF",
 * the null link as LwM2M 1.1 Core Table 7.4.4-4 spells it.  Returns 0 or
 * -EBADMSG. */
int senml_objlnk_parse(const char *s, size_t len, struct lwb_objlnk *out);

/* Writes "oid:iid" with a NUL into buf (12 bytes always suffice).
 * Returns the length or -ENOBUFS. */
int senml_objlnk_format(struct lwb_objlnk l, char *buf, size_t cap);

/* True if s (len bytes) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool senml_utf8_valid(const void *s, size_t len);

/* Resolved record time: bt + t.  Returns 0, or -EBADMSG if the sum is not
 * finite. */
int senml_time(bool has_bt, double bt, bool has_t, double t, bool *has_time,
	       double *time);

/* dec->type_of(p), or LWB_TYPE_NONE when there is no lookup. */
enum lwb_type senml_type_of(const struct codec_decoder *dec,
			    const struct path *p);

/* Builds the record for path p from wire (resource type t, as
 * senml_value_from_wire()) and hands it to dec->on_record.  Returns 0,
 * an error of senml_value_from_wire(), or the callback's value. */
int senml_deliver(const struct codec_decoder *dec, const struct path *p,
		  enum lwb_type t, const struct senml_wire *wire, bool has_time,
		  double time);

/* One SenML record's fields as read from the wire (JSON or CBOR). */
struct senml_fields {
	bool has_bn, has_bt, has_t;
	const char *bn, *n; /* n is "" when absent */
	size_t bn_len, n_len;
	double bt, t;
	unsigned values; /* how many value fields were present */
	struct senml_wire value;
};

/* Base fields carried from record to record (RFC 8428 §4.6). */
struct senml_state {
	const char *bn;
	size_t bn_len;
	bool has_bt;
	double bt;
};

/* Applies f's base fields to st, then resolves, types and delivers the
 * record.  Returns 0, -EBADMSG (no value or several values, bad name, bad
 * value), -EINVAL (name outside the request path), -ERANGE, or the
 * callback's value. */
int senml_record(const struct codec_decoder *dec, struct senml_state *st,
		 const struct senml_fields *f);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small JSON emitter into a caller buffer, shared by the LwM2M JSON and
 * SenML JSON encoders.
 *
 * Why not json-c's serializer: the encoders must be byte-exact against
 * the specifications' examples and must not allocate.  json-c builds a
 * tree on the heap, escapes '/' as "\/" (so "/3/0/" would come out as
 * "\/3\/0\/") and prints doubles its own way.  This emitter writes the
 * compact form (no whitespace), escapes only what RFC 8259 §7 requires
 * ('"', '\\' and control characters), and prints numbers with
 * codec_format_double() from record.h.
 *
 * Errors are sticky: the first failure is kept and every later call does
 * nothing, so an encoder checks once, in codec_jw_finish().
 */
#ifndef BRIDGE_CODEC_JSON_WRITER_H
#define BRIDGE_CODEC_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"

struct codec_jw {
	char *buf;
	size_t cap;
	size_t len;
	int err; /* 0, or the first negative errno */
};

/* The member names a format uses for each value kind. */
struct codec_jw_keys {
	const char *number; /* Integer, Unsigned, Float, Time */
	const char *string; /* String, Corelnk */
	const char *boolean;
	const char *objlnk;
	const char *opaque;	  /* base64 text under this name */
	unsigned opaque_alphabet; /* CODEC_BASE64_STD or CODEC_BASE64_URL */
};

/* Starts writing at buf (cap bytes).  buf must stay valid while w is in
 * use; nothing is written past cap and no NUL is ever written. */
void codec_jw_init(struct codec_jw *w, char *buf, size_t cap);

/* Appends the first n bytes of s unchanged. */
void codec_jw_raw(struct codec_jw *w, const char *s, size_t n);

/* Appends a NUL-terminated literal unchanged. */
void codec_jw_lit(struct codec_jw *w, const char *s);

/* Appends s (n bytes, not NUL-terminated, may hold NULs) as a quoted JSON
 * string.  Sets -EINVAL if s is not valid UTF-8. */
void codec_jw_string(struct codec_jw *w, const void *s, size_t n);

void codec_jw_int(struct codec_jw *w, int64_t v);
void codec_jw_uint(struct codec_jw *w, uint64_t v);

/* Appends d via codec_format_double(); -EINVAL for NaN and infinities. */
void codec_jw_double(struct codec_jw *w, double d);

/* Appends "key":value for v, choosing the member name from keys by the
 * value's type.  -EINVAL for LWB_TYPE_NONE, an unknown type, a string
 * that is not UTF-8 or a float that is not finite. */
void codec_jw_value(struct codec_jw *w, const struct lwb_value *v,
		    const struct codec_jw_keys *keys);

/* Returns the length written, or the sticky error (-ENOBUFS, -EINVAL). */
int codec_jw_finish(const struct codec_jw *w);

/* The members the LwM2M JSON and SenML JSON encoders write alike, after
 * senml_plan_make() accepted the records (codec_senml_common.h). */

struct path;
struct record;
struct senml_plan;

/* Appends "bn":<plan's base name>, then ,"bt":<base time> if plan has
 * one. */
void codec_jw_senml_base(struct codec_jw *w, const struct senml_plan *plan);

/* Appends "n":<p named relative to the plan's base name>. */
void codec_jw_senml_name(struct codec_jw *w, const struct senml_plan *plan,
			 const struct path *p);

/* Appends ,"t":<r's time less the base time> when r is timed and its time
 * is not the base time; nothing otherwise. */
void codec_jw_senml_time(struct codec_jw *w, const struct senml_plan *plan,
			 const struct record *r);

#endif

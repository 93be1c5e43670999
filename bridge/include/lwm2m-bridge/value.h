/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed LwM2M values: the one representation in which a value crosses
 * between plugins, the data model and the codecs.
 *
 * A struct lwb_value never owns memory.  For STRING, CORELNK and OPAQUE it
 * points at bytes owned by whoever built the value; the contract of each
 * function that hands one out says how long those bytes stay valid.
 * Strings are counted, not NUL-terminated.
 */
#ifndef LWM2M_BRIDGE_VALUE_H
#define LWM2M_BRIDGE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Data types of LwM2M 1.1 Core Appendix C.  NONE is the type of an
 * executable resource (it has no value). */
enum lwb_type {
	LWB_TYPE_NONE = 0,
	LWB_TYPE_STRING,
	LWB_TYPE_INTEGER,
	LWB_TYPE_UNSIGNED,
	LWB_TYPE_FLOAT,
	LWB_TYPE_BOOLEAN,
	LWB_TYPE_OPAQUE,
	LWB_TYPE_TIME,
	LWB_TYPE_OBJLNK,
	LWB_TYPE_CORELNK,
};

/* An Object Link: "oid:iid".  65535:65535 is the null link. */
struct lwb_objlnk {
	uint16_t oid;
	uint16_t iid;
};

struct lwb_value {
	enum lwb_type type;
	union {
		/* STRING, CORELNK (UTF-8, not NUL-terminated) and OPAQUE. */
		struct {
			const void *ptr;
			size_t len;
		} bytes;
		int64_t i;    /* INTEGER, TIME (seconds since the Unix epoch) */
		uint64_t u;   /* UNSIGNED */
		double f;     /* FLOAT */
		bool b;       /* BOOLEAN */
		struct lwb_objlnk lnk; /* OBJLNK */
	} v;
};

/* Returns the type's name as the DDF XML spells it ("String",
 * "Unsigned Integer", ...); "none" for LWB_TYPE_NONE, "?" for anything
 * else.  The string is static.  Inline, because a plugin links against
 * nothing of the daemon. */
static inline const char *lwb_type_name(enum lwb_type type)
{
	switch (type) {
	case LWB_TYPE_NONE: return "none";
	case LWB_TYPE_STRING: return "String";
	case LWB_TYPE_INTEGER: return "Integer";
	case LWB_TYPE_UNSIGNED: return "Unsigned Integer";
	case LWB_TYPE_FLOAT: return "Float";
	case LWB_TYPE_BOOLEAN: return "Boolean";
	case LWB_TYPE_OPAQUE: return "Opaque";
	case LWB_TYPE_TIME: return "Time";
	case LWB_TYPE_OBJLNK: return "Objlnk";
	case LWB_TYPE_CORELNK: return "Corelnk";
	}
	return "?";
}

/* True if a and b have the same type and the same value: strings, opaque
 * and core links by their bytes, floats by == (so 0.0 equals -0.0; NaN,
 * which no LwM2M format carries, never equals itself).  NONE values are
 * never equal.  Inline, like everything a plugin may call. */
static inline bool lwb_value_equal(const struct lwb_value *a,
				   const struct lwb_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_OPAQUE:
	case LWB_TYPE_CORELNK:
		return a->v.bytes.len == b->v.bytes.len &&
		       (a->v.bytes.len == 0 ||
			memcmp(a->v.bytes.ptr, b->v.bytes.ptr,
			       a->v.bytes.len) == 0);
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: return a->v.i == b->v.i;
	case LWB_TYPE_UNSIGNED: return a->v.u == b->v.u;
	case LWB_TYPE_FLOAT: return a->v.f == b->v.f;
	case LWB_TYPE_BOOLEAN: return a->v.b == b->v.b;
	case LWB_TYPE_OBJLNK:
		return a->v.lnk.oid == b->v.lnk.oid &&
		       a->v.lnk.iid == b->v.lnk.iid;
	case LWB_TYPE_NONE: break;
	}
	return false;
}

#ifdef __cplusplus
}
#endif

#endif

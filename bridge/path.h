/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LwM2M paths: /oid, /oid/iid, /oid/iid/rid, /oid/iid/rid/riid, or the
 * root "/".  Every id is 0..65534; 65535 (LWB_ID_INVALID) is reserved by
 * the specification and never valid in a path.
 */
#ifndef BRIDGE_PATH_H
#define BRIDGE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LWB_ID_INVALID 65535u
#define PATH_MAX_DEPTH 4
/* "/65534/65534/65534/65534" plus the NUL. */
#define PATH_STR_MAX 25

enum path_level {
	PATH_ROOT = 0,
	PATH_OBJECT = 1,
	PATH_INSTANCE = 2,
	PATH_RESOURCE = 3,
	PATH_RESOURCE_INSTANCE = 4,
};

struct path {
	uint16_t ids[PATH_MAX_DEPTH];
	uint8_t len; /* number of valid ids: an enum path_level */
};

/* Builders: each id must be < 65535 (not checked). */
struct path path_root(void);
struct path path_object(uint16_t oid);
struct path path_instance(uint16_t oid, uint16_t iid);
struct path path_resource(uint16_t oid, uint16_t iid, uint16_t rid);
struct path path_resource_instance(uint16_t oid, uint16_t iid, uint16_t rid,
				   uint16_t riid);

/* Parses "/3/0/1" (leading slash optional, one trailing slash allowed:
 * "/3/0/" is /3/0, "/" and "" are the root) from the first len bytes of s.
 * Decimal digits only, no sign, no leading zeros beyond "0" itself.
 * Returns 0, or -EINVAL for anything else (empty segment, id >= 65535,
 * more than four segments). *out is untouched on error. */
int path_parse(const char *s, size_t len, struct path *out);

/* Appends one id; returns 0, or -EINVAL if the path is full or id is
 * invalid. */
int path_push(struct path *p, uint16_t id);

/* Writes "/3/0/1" ("/" for the root) with a NUL into buf.  Returns the
 * length without the NUL, or -ENOBUFS if cap is too small (buf then holds
 * an empty string if cap > 0).  PATH_STR_MAX always suffices. */
int path_format(const struct path *p, char *buf, size_t cap);

/* True if a equals b or lies below it (b is a prefix of a). */
bool path_is_within(const struct path *a, const struct path *b);

/* Total order: parents before children, then by id.  Returns <0, 0, >0. */
int path_compare(const struct path *a, const struct path *b);

static inline bool path_equal(const struct path *a, const struct path *b)
{
	return path_compare(a, b) == 0;
}

#endif

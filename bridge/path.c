/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "path.h"

#include <errno.h>
#include <stdio.h>

struct path path_root(void)
{
	return (struct path){ .len = 0 };
}

struct path path_object(uint16_t oid)
{
	return (struct path){ .ids = { oid }, .len = 1 };
}

struct path path_instance(uint16_t oid, uint16_t iid)
{
	return (struct path){ .ids = { oid, iid }, .len = 2 };
}

struct path path_resource(uint16_t oid, uint16_t iid, uint16_t rid)
{
	return (struct path){ .ids = { oid, iid, rid }, .len = 3 };
}

struct path path_resource_instance(uint16_t oid, uint16_t iid, uint16_t rid,
				   uint16_t riid)
{
	return (struct path){ .ids = { oid, iid, rid, riid }, .len = 4 };
}

int path_push(struct path *p, uint16_t id)
{
	if (p->len >= PATH_MAX_DEPTH || id >= LWB_ID_INVALID)
		return -EINVAL;
	p->ids[p->len++] = id;
	return 0;
}

int path_parse(const char *s, size_t len, struct path *out)
{
	struct path p = path_root();
	size_t i = 0;

	if (len > 0 && s[0] == '/')
		i = 1;
	while (i < len) {
		uint32_t id = 0;
		size_t start = i;

		while (i < len && s[i] >= '0' && s[i] <= '9') {
			id = id * 10 + (uint32_t)(s[i] - '0');
			if (id >= LWB_ID_INVALID)
				return -EINVAL;
			i++;
		}
		if (i == start)
			return -EINVAL; /* empty segment or a non-digit */
		if (i - start > 1 && s[start] == '0')
			return -EINVAL; /* "007" is not a canonical id */
		if (path_push(&p, (uint16_t)id) != 0)
			return -EINVAL;
		if (i == len)
			break;
		if (s[i] != '/')
			return -EINVAL;
		i++; /* a single trailing slash ends the loop here */
	}
	*out = p;
	return 0;
}

int path_format(const struct path *p, char *buf, size_t cap)
{
	size_t off = 0;

	if (p->len == 0) {
		if (cap < 2)
			goto nobufs;
		buf[0] = '/';
		buf[1] = '\0';
		return 1;
	}
	for (uint8_t i = 0; i < p->len && i < PATH_MAX_DEPTH; i++) {
		int n = snprintf(buf + off, cap - off, "/%u",
				 (unsigned)p->ids[i]);
		if (n < 0 || (size_t)n >= cap - off)
			goto nobufs;
		off += (size_t)n;
	}
	return (int)off;
nobufs:
	if (cap > 0)
		buf[0] = '\0';
	return -ENOBUFS;
}

bool path_is_within(const struct path *a, const struct path *b)
{
	if (b->len > a->len)
		return false;
	for (uint8_t i = 0; i < b->len; i++)
		if (a->ids[i] != b->ids[i])
			return false;
	return true;
}

int path_compare(const struct path *a, const struct path *b)
{
	uint8_t n = a->len < b->len ? a->len : b->len;

	for (uint8_t i = 0; i < n; i++)
		if (a->ids[i] != b->ids[i])
			return a->ids[i] < b->ids[i] ? -1 : 1;
	return (int)a->len - (int)b->len;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The checks of a Register/Update payload: CoRE link format (parsed with
 * bridge/codec_link.h) holding the LwM2M object and instance links, with
 * ver= on object links only, no attribute twice, no link twice, neither
 * Security (0) nor OSCORE (21), and an optional root link
 * (rt="oma.lwm2m") whose path prefixes the others.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codec_link.h"
#include "path.h"
#include "ts.h"

#define CF_LINK_FORMAT 40
#define MAX_LINKS      512

struct link_check {
	const char *reason;
	char root[64];
	bool has_root;
	struct path seen[MAX_LINKS];
	size_t nseen;
};

static bool valid_ver(const struct link_attr *a)
{
	/* "1.1" or "1.0": digits, one dot, digits; never quoted. */
	size_t dots = 0;

	if (!a->value || a->quoted || a->value_len == 0 || a->value_len > 7)
		return false;
	for (size_t i = 0; i < a->value_len; i++) {
		char c = a->value[i];
		if (c == '.')
			dots++;
		else if (c < '0' || c > '9')
			return false;
	}
	return dots == 1 && a->value[0] != '.' &&
	       a->value[a->value_len - 1] != '.';
}

static int check_link(const struct link *l, void *ctx)
{
	struct link_check *c = ctx;
	const struct link_attr *rt = link_find_attr(l, "rt");
	struct path p;

	for (size_t i = 0; i < l->nattrs; i++)
		for (size_t j = i + 1; j < l->nattrs; j++)
			if (l->attrs[i].name_len == l->attrs[j].name_len &&
			    !memcmp(l->attrs[i].name, l->attrs[j].name,
				    l->attrs[i].name_len)) {
				c->reason = "duplicate-attribute";
				return -EINVAL;
			}
	if (rt && rt->value && rt->value_len == 9 &&
	    !memcmp(rt->value, "oma.lwm2m", 9)) {
		/* The root link: "</>" or an alternate path "</lwm2m>". */
		size_t n = l->uri_len;
		const char *u = l->uri;
		if (c->has_root || c->nseen > 0 || n == 0 || u[0] != '/') {
			c->reason = "bad-root-link";
			return -EINVAL;
		}
		while (n > 0 && u[n - 1] == '/')
			n--;
		if (n > 0 && n - 1 >= sizeof(c->root)) {
			c->reason = "bad-root-link";
			return -EINVAL;
		}
		if (n > 0)
			memcpy(c->root, u + 1, n - 1);
		c->root[n > 0 ? n - 1 : 0] = '\0';
		c->has_root = true;
		return 0;
	}
	const char *u = l->uri;
	size_t n = l->uri_len;
	size_t rl = strlen(c->root);
	if (rl > 0) {
		if (n < rl + 2 || u[0] != '/' || memcmp(u + 1, c->root, rl) ||
		    u[rl + 1] != '/') {
			c->reason = "link-outside-root";
			return -EINVAL;
		}
		u += rl + 1;
		n -= rl + 1;
	}
	if (n < 2 || u[0] != '/' || path_parse(u, n, &p) ||
	    (p.len != PATH_OBJECT && p.len != PATH_INSTANCE) ||
	    u[n - 1] == '/') {
		c->reason = "bad-link-path";
		return -EINVAL;
	}
	if (p.ids[0] == 0 || p.ids[0] == 21) {
		c->reason = "security-object-listed";
		return -EINVAL;
	}
	const struct link_attr *ver = link_find_attr(l, "ver");
	if (ver && p.len != PATH_OBJECT) {
		c->reason = "ver-on-instance";
		return -EINVAL;
	}
	if (ver && !valid_ver(ver)) {
		c->reason = "bad-ver";
		return -EINVAL;
	}
	for (size_t i = 0; i < c->nseen; i++)
		if (path_equal(&c->seen[i], &p)) {
			c->reason = "duplicate-link";
			return -EINVAL;
		}
	if (c->nseen == MAX_LINKS) {
		c->reason = "too-many-links";
		return -EINVAL;
	}
	c->seen[c->nseen++] = p;
	return 0;
}

/* Checks a Register/Update payload.  Returns NULL or the reason. */
const char *ts_links_check(const coap_pdu_t *pdu, const uint8_t *data,
			   size_t len, char *root, size_t root_cap)
{
	static struct link_check c; /* large; single-threaded tool */

	if (ts_pdu_cf(pdu) != CF_LINK_FORMAT)
		return "content-format";
	if (len > TS_LINKS_MAX)
		return "links-too-long";
	memset(&c, 0, sizeof(c));
	int r = link_parse((const char *)data, len, check_link, &c);
	if (r < 0)
		return c.reason ? c.reason : "bad-link-format";
	if (c.nseen == 0)
		return "no-object-links";
	snprintf(root, root_cap, "%s", c.root);
	return NULL;
}

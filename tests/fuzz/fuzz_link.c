/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CoRE link format: parse the input; every link that parses is written
 * back with the writer (which must accept it), and the text written must
 * parse to the same number of links and attributes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct link_writer w;
	char *scratch;
	size_t scratch_cap;
	size_t attrs;
};

static int rewrite(const struct link *l, void *arg)
{
	struct ctx *c = arg;
	char name[256];

	if (link_put_uri(&c->w, l->uri, l->uri_len) != 0)
		abort();
	for (size_t i = 0; i < l->nattrs; i++) {
		const struct link_attr *a = &l->attrs[i];
		int n;

		if (a->name_len >= sizeof(name))
			return -1; /* too long for this harness; not a bug */
		memcpy(name, a->name, a->name_len);
		name[a->name_len] = '\0';
		if (link_find_attr(l, name) == NULL)
			abort();
		c->attrs++;
		if (!a->value) {
			n = link_put_flag(&c->w, name);
		} else if (a->quoted) {
			n = link_attr_unescape(a, c->scratch, c->scratch_cap);
			if (n < 0)
				abort();
			n = link_put_string(&c->w, name, c->scratch, (size_t)n);
		} else {
			n = link_put_token(&c->w, name, a->value, a->value_len);
		}
		if (n != 0)
			abort();
	}
	return 0;
}

static int count_attrs(const struct link *l, void *arg)
{
	size_t *n = arg;

	*n += l->nattrs;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = size * 2 + 16;
	char *out = malloc(cap);
	struct ctx c = {.scratch = malloc(size + 1), .scratch_cap = size + 1};
	int links;

	if (!out || !c.scratch)
		abort();
	link_writer_init(&c.w, out, cap);
	links = link_parse((const char *)data, size, rewrite, &c);
	if (links >= 0) {
		size_t attrs = 0;
		int n = link_writer_finish(&c.w);

		if (n < 0 || (size_t)n >= cap || out[n] != '\0')
			abort();
		if (link_parse(out, (size_t)n, count_attrs, &attrs) != links ||
		    attrs != c.attrs)
			abort();
	}
	free(out);
	free(c.scratch);
	return 0;
}

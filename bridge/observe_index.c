/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "observe_index.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct obs_key key_of(const struct path *p)
{
	struct obs_key k = {.ids = 0, .len = p->len};

	for (uint8_t i = 0; i < PATH_MAX_DEPTH; i++)
		k.ids = k.ids << 16 | (i < p->len ? p->ids[i] : 0);
	return k;
}

/* (ids, len) order is path_compare()'s: a prefix has the same ids with
 * zeros after, and sorts first by its shorter length; otherwise the
 * first id that differs decides in both. */
static bool key_before(struct obs_key a, struct obs_key b)
{
	return a.ids != b.ids ? a.ids < b.ids : a.len < b.len;
}

size_t oix_lower_bound(const struct obs_index *x, const struct path *p)
{
	struct obs_key key = key_of(p);
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_before(x->k[mid], key))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int oix_insert(struct obs_index *x, struct obs *o, const struct path *p)
{
	struct obs_key key = key_of(p);
	size_t i;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct obs **v = realloc(x->v, cap * sizeof(*v));
		struct obs_key *k;

		if (!v)
			return -ENOMEM;
		x->v = v; /* larger than cap says: harmless */
		k = realloc(x->k, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		x->k = k;
		x->cap = cap;
	}
	i = oix_lower_bound(x, p);
	memmove(&x->v[i + 1], &x->v[i], (x->n - i) * sizeof(x->v[0]));
	memmove(&x->k[i + 1], &x->k[i], (x->n - i) * sizeof(x->k[0]));
	x->v[i] = o;
	x->k[i] = key;
	x->n++;
	x->n_depth[p->len]++;
	return 0;
}

void oix_remove_at(struct obs_index *x, size_t i)
{
	x->n_depth[x->k[i].len]--;
	memmove(&x->v[i], &x->v[i + 1], (x->n - i - 1) * sizeof(x->v[0]));
	memmove(&x->k[i], &x->k[i + 1], (x->n - i - 1) * sizeof(x->k[0]));
	x->n--;
}

bool oix_within(const struct obs_index *x, size_t i, const struct path *p)
{
	struct obs_key key = key_of(p);
	unsigned drop = 16u * (PATH_MAX_DEPTH - p->len);

	if (p->len > PATH_MAX_DEPTH || x->k[i].len < p->len)
		return false;
	return p->len == 0 || x->k[i].ids >> drop == key.ids >> drop;
}

bool oix_equal(const struct obs_index *x, size_t i, const struct path *p)
{
	struct obs_key key = key_of(p);

	return x->k[i].len == key.len && x->k[i].ids == key.ids;
}

void oix_release(struct obs_index *x)
{
	free(x->v);
	free(x->k);
	memset(x, 0, sizeof(*x));
}

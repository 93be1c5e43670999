/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observations of one observe engine, sorted by path (path_compare()
 * order, so the observations at or below a path are one run; composite
 * observations, whose path is the root, come first).  Internal to
 * bridge/observe.c.
 *
 * Each entry's path is also kept as a packed key in an array of its own:
 * a search compares keys there and touches no observation but those it
 * returns.  Every value change searches this index (twice per instance
 * when a plugin publishes two resources), and chasing one pointer per
 * binary-search step to a cold observation was a cache miss per step.
 */
#ifndef BRIDGE_OBSERVE_INDEX_H
#define BRIDGE_OBSERVE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "path.h"

struct obs;

/* A path packed for comparison: ids[0] in the top 16 bits, missing ids 0;
 * ordered by (ids, len), which is path_compare()'s order. */
struct obs_key {
	uint64_t ids;
	uint8_t len;
};

struct obs_index {
	struct obs **v;	   /* the entries, in key order */
	struct obs_key *k; /* k[i] is v[i]'s path */
	size_t n, cap;
	/* entries per path depth: lets a change skip the search for
	 * ancestors nobody observes (the usual case) */
	size_t n_depth[PATH_MAX_DEPTH + 1];
};

/* Position of the first entry whose path is not before p (p at most
 * PATH_MAX_DEPTH deep). */
size_t oix_lower_bound(const struct obs_index *x, const struct path *p);

/* Inserts o under path p (before entries with an equal path).  Returns 0
 * or -ENOMEM (index unchanged). */
int oix_insert(struct obs_index *x, struct obs *o, const struct path *p);

/* Removes entry i (i < n). */
void oix_remove_at(struct obs_index *x, size_t i);

/* True if entry i (i < n) is at or below p. */
bool oix_within(const struct obs_index *x, size_t i, const struct path *p);

/* True if entry i (i < n) is exactly p. */
bool oix_equal(const struct obs_index *x, size_t i, const struct path *p);

/* True if entry i (i < n) has the root path (a composite observation). */
static inline bool oix_is_root(const struct obs_index *x, size_t i)
{
	return x->k[i].len == 0;
}

/* Frees the arrays (not the entries) and empties the index. */
void oix_release(struct obs_index *x);

#endif

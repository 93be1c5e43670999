/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The round trip the three JSON/SenML fuzz targets share: decode
 * arbitrary bytes with a type lookup derived from the resource id; if
 * that succeeded with fewer than FUZZ_MAX_RECORDS records, copy them
 * (value bytes into a scratch arena, since a decoded record lives only
 * during its callback), encode them back (which must succeed), decode the
 * result again and require the same count.  A second decode under a
 * request path chosen from the input length exercises the "outside the
 * base" checks.  Included by exactly one .c per target.
 */
#ifndef TESTS_FUZZ_CODEC_JSON_FUZZ_H
#define TESTS_FUZZ_CODEC_JSON_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

#define FUZZ_MAX_RECORDS 1000

typedef int (*fuzz_decode_fn)(const uint8_t *buf, size_t len,
			      const struct codec_decoder *dec);
typedef int (*fuzz_encode_fn)(const struct path *base,
			      const struct record *recs, size_t n, uint8_t *buf,
			      size_t cap);

struct fuzz_copy {
	struct record recs[FUZZ_MAX_RECORDS];
	size_t n;
	size_t seen;
	uint8_t *arena;
	size_t arena_cap;
	size_t arena_used;
};

/* Every type, NONE included, from the resource id. */
static enum lwb_type fuzz_type(const struct path *p, void *ctx)
{
	(void)ctx;
	return (enum lwb_type)(p->ids[PATH_RESOURCE - 1] % 10);
}

static int fuzz_copy_record(const struct record *r, void *ctx)
{
	struct fuzz_copy *c = ctx;
	struct record *dst;

	c->seen++;
	if (c->n >= FUZZ_MAX_RECORDS)
		return 0;
	dst = &c->recs[c->n++];
	*dst = *r;
	if (r->value.type == LWB_TYPE_STRING ||
	    r->value.type == LWB_TYPE_OPAQUE ||
	    r->value.type == LWB_TYPE_CORELNK) {
		size_t len = r->value.v.bytes.len;

		if (len > c->arena_cap - c->arena_used)
			abort(); /* a value longer than its input */
		if (len)
			memcpy(c->arena + c->arena_used, r->value.v.bytes.ptr,
			       len);
		dst->value.v.bytes.ptr = c->arena + c->arena_used;
		c->arena_used += len;
	}
	return 0;
}

static int fuzz_count(const struct record *r, void *ctx)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

static void fuzz_round_trip(const uint8_t *data, size_t size,
			    fuzz_decode_fn decode, fuzz_encode_fn encode)
{
	static const struct path bases[4] = {
		{.len = 0},
		{.ids = {3}, .len = 1},
		{.ids = {3, 0}, .len = 2},
		{.ids = {3, 0, 0}, .len = 3},
	};
	struct codec_decoder dec = {.type_of = fuzz_type};
	struct fuzz_copy *c = calloc(1, sizeof(*c));
	uint8_t *out = NULL;
	size_t count = 0, cap;
	int n, len, n2;

	if (!c)
		abort();
	c->arena_cap = size;
	c->arena = malloc(size ? size : 1);
	if (!c->arena)
		abort();
	dec.base = bases[size % 4];
	dec.on_record = fuzz_count;
	dec.record_ctx = &count;
	(void)decode(data, size, &dec);

	dec.base = bases[0];
	dec.on_record = fuzz_copy_record;
	dec.record_ctx = c;
	n = decode(data, size, &dec);
	if (n < 0 || n >= FUZZ_MAX_RECORDS)
		goto out;
	if ((size_t)n != c->seen || c->n != c->seen)
		abort(); /* the count returned is the count delivered */
	/* Escapes grow a byte to at most 6; names and keys are bounded. */
	cap = 8 * size + 128 * c->n + 1024;
	out = malloc(cap);
	if (!out)
		abort();
	len = encode(&bases[0], c->recs, c->n, out, cap);
	if (len < 0) {
		fprintf(stderr, "re-encoding %d records failed: %d\n", n, len);
		abort();
	}
	count = 0;
	dec.on_record = fuzz_count;
	dec.record_ctx = &count;
	n2 = decode(out, (size_t)len, &dec);
	if (n2 != n || count != (size_t)n) {
		fprintf(stderr, "decoded %d, re-encoded to %.*s, decoded %d\n",
			n, len, (const char *)out, n2);
		abort();
	}
out:
	free(out);
	free(c->arena);
	free(c);
}

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OMA TLV: decode the input under the bases /3, /3/0 and /3/0/7 with a
 * type lookup derived from the resource id.  When a payload decodes into a
 * modest set of distinct records, those records (values copied out, as a
 * real consumer must) are sorted and encoded back, which must succeed, and
 * decoding that again must give the same records.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec_tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS 256

struct coll {
	struct record recs[MAX_RECS];
	size_t n;
	uint8_t *scratch; /* string bytes, copied */
	size_t used;
	size_t cap;
};

static enum lwb_type type_by_rid(const struct path *p, void *ctx)
{
	(void)ctx;
	/* The nine value types, STRING..CORELNK, in turn. */
	return (enum lwb_type)(LWB_TYPE_STRING + p->ids[2] % 9);
}

static int collect(const struct record *rec, void *arg)
{
	struct coll *c = arg;
	struct record *r;

	if (c->n == MAX_RECS)
		return -1; /* enough: this input is not re-encoded */
	r = &c->recs[c->n++];
	*r = *rec;
	if (rec->value.type == LWB_TYPE_STRING ||
	    rec->value.type == LWB_TYPE_CORELNK ||
	    rec->value.type == LWB_TYPE_OPAQUE) {
		if (rec->value.v.bytes.len > c->cap - c->used)
			abort(); /* values lie inside the input */
		if (rec->value.v.bytes.len > 0)
			memcpy(c->scratch + c->used, rec->value.v.bytes.ptr,
			       rec->value.v.bytes.len);
		r->value.v.bytes.ptr = c->scratch + c->used;
		c->used += rec->value.v.bytes.len;
	}
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return path_compare(&((const struct record *)a)->path,
			    &((const struct record *)b)->path);
}

static int same(const struct record *a, const struct record *b)
{
	return path_equal(&a->path, &b->path) &&
	       lwb_value_equal(&a->value, &b->value);
}

/* Distinct paths, and no resource next to its own instances. */
static int encodable(const struct coll *c)
{
	for (size_t i = 1; i < c->n; i++) {
		if (path_is_within(&c->recs[i].path, &c->recs[i - 1].path))
			return 0;
	}
	return 1;
}

static void one_base(const uint8_t *data, size_t size, struct path base,
		     struct coll *c, struct coll *again, uint8_t *out,
		     size_t cap)
{
	struct codec_decoder dec = {.base = base,
				    .type_of = type_by_rid,
				    .on_record = collect,
				    .record_ctx = c};
	int n;

	c->n = c->used = 0;
	n = tlv_decode(data, size, &dec);
	if (n < 0 || (size_t)n != c->n)
		return;
	qsort(c->recs, c->n, sizeof(c->recs[0]), by_path);
	if (!encodable(c))
		return;
	n = tlv_encode(&base, c->recs, c->n, out, cap);
	if (n < 0 || tlv_encode(&base, c->recs, c->n, NULL, 0) != n)
		abort();
	again->n = again->used = 0;
	dec.record_ctx = again;
	if (tlv_decode(out, (size_t)n, &dec) != (int)c->n)
		abort();
	for (size_t i = 0; i < c->n; i++) {
		if (!same(&c->recs[i], &again->recs[i]))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct path bases[] = {path_object(3), path_instance(3, 0),
				     path_resource(3, 0, 7)};
	/* Re-encoding adds at most a few header bytes per record. */
	size_t cap = size + 16 * MAX_RECS;
	struct coll *c = calloc(2, sizeof(*c));
	uint8_t *out = malloc(cap);

	if (!c || !out)
		abort();
	for (int k = 0; k < 2; k++) {
		c[k].cap = cap;
		c[k].scratch = malloc(cap);
		if (!c[k].scratch)
			abort();
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
		one_base(data, size, bases[i], &c[0], &c[1], out, cap);
	free(c[0].scratch);
	free(c[1].scratch);
	free(c);
	free(out);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_fixture.h"

/* ---- collecting decoded records ----------------------------------------- */

static bool has_bytes(enum lwb_type t)
{
	return t == LWB_TYPE_STRING || t == LWB_TYPE_OPAQUE ||
	       t == LWB_TYPE_CORELNK;
}

int cfx_collect(const struct record *r, void *ctx)
{
	struct cfx_got *g = ctx;
	struct record *d;
	size_t len;

	g->calls++;
	if (g->fail_at > 0 && g->calls == (size_t)g->fail_at) {
		assert_true(g->fail_err < 0);
		return g->fail_err;
	}
	assert_true(g->n < CFX_MAX_RECORDS);
	d = &g->recs[g->n++];
	*d = *r;
	if (g->borrow || !has_bytes(r->value.type))
		return 0;
	len = r->value.v.bytes.len;
	assert_true(len <= sizeof(g->store) - g->used);
	if (len)
		memcpy(g->store + g->used, r->value.v.bytes.ptr, len);
	d->value.v.bytes.ptr = g->store + g->used;
	g->used += len;
	return 0;
}

int cfx_count(const struct record *r, void *ctx)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

struct codec_decoder cfx_decoder(struct path base, codec_type_fn type_of,
				 void *type_ctx, struct cfx_got *g)
{
	memset(g, 0, sizeof(*g));
	return (struct codec_decoder){.base = base,
				      .type_of = type_of,
				      .type_ctx = type_ctx,
				      .on_record = cfx_collect,
				      .record_ctx = g};
}

/* ---- type lookup from a table ------------------------------------------- */

enum lwb_type cfx_table_type(const struct path *p, void *ctx)
{
	const struct cfx_type *t = ctx;
	struct path res = *p;

	if (res.len > 3)
		res.len = 3;
	for (; t->path.len; t++)
		if (path_equal(&t->path, &res))
			return t->type;
	return LWB_TYPE_NONE;
}

struct codec_decoder cfx_table_decoder(struct path base,
				       const struct cfx_type *types,
				       struct cfx_got *g)
{
	/* The lookup only reads the table: the cast drops const for ctx. */
	return cfx_decoder(base, types ? cfx_table_type : NULL,
			   (void *)(uintptr_t)types, g);
}

const struct cfx_type cfx_device_types[] = {
	{{{3, 0, 0}, 3}, LWB_TYPE_STRING},
	{{{3, 0, 1}, 3}, LWB_TYPE_STRING},
	{{{3, 0, 2}, 3}, LWB_TYPE_STRING},
	{{{3, 0, 3}, 3}, LWB_TYPE_STRING},
	{{{3, 0, 6}, 3}, LWB_TYPE_INTEGER},
	{{{3, 0, 7}, 3}, LWB_TYPE_INTEGER},
	{{{3, 0, 8}, 3}, LWB_TYPE_INTEGER},
	{{{3, 0, 9}, 3}, LWB_TYPE_INTEGER},
	{{{3, 0, 10}, 3}, LWB_TYPE_INTEGER},
	{{{3, 0, 11}, 3}, LWB_TYPE_INTEGER},
	{{{3, 0, 13}, 3}, LWB_TYPE_TIME},
	{{{3, 0, 14}, 3}, LWB_TYPE_STRING},
	{{{3, 0, 15}, 3}, LWB_TYPE_STRING},
	{{{3, 0, 16}, 3}, LWB_TYPE_STRING},
	{{{0}, 0}, LWB_TYPE_NONE},
};

const struct cfx_type cfx_test_types[] = {
	{{{3442, 0, 1}, 3}, LWB_TYPE_STRING},
	{{{3442, 0, 2}, 3}, LWB_TYPE_INTEGER},
	{{{3442, 0, 3}, 3}, LWB_TYPE_UNSIGNED},
	{{{3442, 0, 4}, 3}, LWB_TYPE_FLOAT},
	{{{3442, 0, 5}, 3}, LWB_TYPE_BOOLEAN},
	{{{3442, 0, 6}, 3}, LWB_TYPE_OPAQUE},
	{{{3442, 0, 7}, 3}, LWB_TYPE_TIME},
	{{{3442, 0, 8}, 3}, LWB_TYPE_OBJLNK},
	{{{3442, 0, 9}, 3}, LWB_TYPE_CORELNK},
	{{{0}, 0}, LWB_TYPE_NONE},
};

/* ---- golden records ----------------------------------------------------- */

const struct record cfx_device[CFX_NDEVICE] = {
	{.path = {{3, 0, 0}, 3}, .value = STR("Open Mobile Alliance")},
	{.path = {{3, 0, 1}, 3}, .value = STR("Lightweight M2M Client")},
	{.path = {{3, 0, 2}, 3}, .value = STR("345000123")},
	{.path = {{3, 0, 3}, 3}, .value = STR("1.0")},
	{.path = {{3, 0, 6, 0}, 4}, .value = INT(1)},
	{.path = {{3, 0, 6, 1}, 4}, .value = INT(5)},
	{.path = {{3, 0, 7, 0}, 4}, .value = INT(3800)},
	{.path = {{3, 0, 7, 1}, 4}, .value = INT(5000)},
	{.path = {{3, 0, 8, 0}, 4}, .value = INT(125)},
	{.path = {{3, 0, 8, 1}, 4}, .value = INT(900)},
	{.path = {{3, 0, 9}, 3}, .value = INT(100)},
	{.path = {{3, 0, 10}, 3}, .value = INT(15)},
	{.path = {{3, 0, 11, 0}, 4}, .value = INT(0)},
	{.path = {{3, 0, 13}, 3},
	 .value = {.type = LWB_TYPE_TIME, .v.i = 1367491215}},
	{.path = {{3, 0, 14}, 3}, .value = STR("+02:00")},
	{.path = {{3, 0, 16}, 3}, .value = STR("U")},
};

const struct record cfx_hierarchy[CFX_NHIERARCHY] = {
	{.path = {{65, 0, 0, 0}, 4}, .value = LNK(66, 0)},
	{.path = {{65, 0, 0, 1}, 4}, .value = LNK(66, 1)},
	{.path = {{65, 0, 1}, 3}, .value = STR("8613800755500")},
	{.path = {{65, 0, 2}, 3}, .value = INT(1)},
	{.path = {{66, 0, 0}, 3}, .value = STR("myService1")},
	{.path = {{66, 0, 1}, 3}, .value = STR("Internet.15.234")},
	{.path = {{66, 0, 2}, 3}, .value = LNK(67, 0)},
	{.path = {{66, 1, 0}, 3}, .value = STR("myService2")},
	{.path = {{66, 1, 1}, 3}, .value = STR("Internet.15.235")},
	{.path = {{66, 1, 2}, 3}, .value = LNK(65535, 65535)},
	{.path = {{67, 0, 0}, 3}, .value = STR("85.76.76.84")},
	{.path = {{67, 0, 1}, 3}, .value = STR("85.76.255.255")},
};

const struct cfx_type cfx_hierarchy_types[] = {
	{{{65, 0, 0}, 3}, LWB_TYPE_OBJLNK},  {{{65, 0, 1}, 3}, LWB_TYPE_STRING},
	{{{65, 0, 2}, 3}, LWB_TYPE_INTEGER}, {{{66, 0, 0}, 3}, LWB_TYPE_STRING},
	{{{66, 0, 1}, 3}, LWB_TYPE_STRING},  {{{66, 0, 2}, 3}, LWB_TYPE_OBJLNK},
	{{{66, 1, 0}, 3}, LWB_TYPE_STRING},  {{{66, 1, 1}, 3}, LWB_TYPE_STRING},
	{{{66, 1, 2}, 3}, LWB_TYPE_OBJLNK},  {{{67, 0, 0}, 3}, LWB_TYPE_STRING},
	{{{67, 0, 1}, 3}, LWB_TYPE_STRING},  {{{0}, 0}, LWB_TYPE_NONE},
};

void cfx_history(double bt, struct record r[3])
{
	static const double v[3] = {22.4, 22.9, 24.1};

	for (int i = 0; i < 3; i++)
		r[i] = (struct record){
			.path = {{72, 1, 2}, 3},
			.value = {.type = LWB_TYPE_FLOAT, .v.f = v[i]},
			.has_time = true};
	r[0].time = bt - 5, r[1].time = bt - 30, r[2].time = bt - 50;
}

/* ---- assertions ---------------------------------------------------------- */

void cfx_assert_value_equal(const struct lwb_value *a,
			    const struct lwb_value *b)
{
	assert_int_equal(a->type, b->type);
	switch (a->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_OPAQUE:
	case LWB_TYPE_CORELNK:
		assert_int_equal(a->v.bytes.len, b->v.bytes.len);
		if (a->v.bytes.len > 0)
			assert_memory_equal(a->v.bytes.ptr, b->v.bytes.ptr,
					    a->v.bytes.len);
		break;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: assert_int_equal(a->v.i, b->v.i); break;
	case LWB_TYPE_UNSIGNED: assert_true(a->v.u == b->v.u); break;
	case LWB_TYPE_FLOAT:
		assert_memory_equal(&a->v.f, &b->v.f, sizeof(double));
		break;
	case LWB_TYPE_BOOLEAN: assert_int_equal(a->v.b, b->v.b); break;
	case LWB_TYPE_OBJLNK:
		assert_int_equal(a->v.lnk.oid, b->v.lnk.oid);
		assert_int_equal(a->v.lnk.iid, b->v.lnk.iid);
		break;
	case LWB_TYPE_NONE: fail(); break;
	}
}

void cfx_assert_records_equal(const struct record *a, const struct record *b,
			      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(path_equal(&a[i].path, &b[i].path));
		cfx_assert_value_equal(&a[i].value, &b[i].value);
		assert_int_equal(a[i].has_time, b[i].has_time);
		if (a[i].has_time)
			assert_true(a[i].time == b[i].time);
	}
}

void cfx_assert_got(const struct cfx_got *g, const struct record *want,
		    size_t n)
{
	assert_int_equal(g->n, n);
	cfx_assert_records_equal(g->recs, want, n);
}

void cfx_assert_device_untyped(const struct cfx_got *g)
{
	assert_int_equal(g->recs[13].value.type, LWB_TYPE_INTEGER);
	assert_int_equal(g->recs[13].value.v.i, 1367491215);
}

void cfx_assert_encode_rejects_text(cfx_text_encode_fn enc)
{
	struct path base = path_instance(3, 0);
	struct record r = cfx_device[0];
	const double bt = 100;
	char buf[600];

	r.value.type = LWB_TYPE_NONE;
	assert_int_equal(enc(&base, &r, 1, NULL, buf, 600), -EINVAL);
	r = cfx_device[0];
	r.path = path_resource(4, 0, 0);
	assert_int_equal(enc(&base, &r, 1, NULL, buf, 600), -EINVAL);
	r = cfx_device[0];
	r.value = (struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = NAN};
	assert_int_equal(enc(&base, &r, 1, NULL, buf, 600), -EINVAL);
	assert_int_equal(enc(&base, cfx_device, 1, &bt, buf, 600), -EINVAL);
}

void cfx_assert_encodes_text(cfx_text_encode_fn enc, const struct path *base,
			     const struct record *r, size_t n, const double *bt,
			     const char *want)
{
	char buf[2048];
	int len = enc(base, r, n, bt, buf, sizeof(buf));

	assert_int_equal(len, (int)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

void cfx_assert_nobufs_text(cfx_text_encode_fn enc, const struct path *base,
			    const struct record *r, size_t n, size_t full)
{
	/* Heap, and no larger than the longest short buffer needs: ASan
	 * sees a write past the end. */
	char *buf = malloc(full + 1);
	char room[2048];

	assert_non_null(buf);
	assert_true(full < sizeof(room));
	assert_int_equal(enc(base, r, n, NULL, room, sizeof(room)), (int)full);
	for (size_t cap = 0; cap < full; cap++) {
		memset(buf, 'X', full + 1);
		assert_int_equal(enc(base, r, n, NULL, buf, cap), -ENOBUFS);
		assert_int_equal(buf[cap], 'X');
	}
	free(buf);
}

void cfx_assert_truncated(cfx_decode_fn decode, const void *buf, size_t len,
			  struct path base, const struct cfx_type *types)
{
	struct cfx_got g;

	for (size_t i = 0; i < len; i++) {
		uint8_t *copy = malloc(i ? i : 1);

		assert_non_null(copy);
		memcpy(copy, buf, i);
		assert_true(decode(copy, i, base, types, &g) < 0);
		free(copy);
	}
}

void cfx_assert_malformed_text(cfx_decode_fn decode, const struct cfx_bad *bad,
			       size_t n, struct path base,
			       const struct cfx_type *types)
{
	struct cfx_got g;

	for (size_t i = 0; i < n; i++) {
		int err = decode(bad[i].text, strlen(bad[i].text), base, types,
				 &g);

		if (err != bad[i].err)
			fail_msg("%s: got %d, want %d", bad[i].text, err,
				 bad[i].err);
		assert_int_equal(g.n, 0);
	}
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SenML JSON (110).  Golden vectors from OMA-TS-LightweightM2M_Core-V1_1
 * §7.4.4 (numbered Table 7.5.6.-x in the 1.2 Core, same text):
 *  - DEVICE (Table 7.4.4-2): Read of /3/0, as printed (one record per
 *    line) and compact (what we must emit byte for byte);
 *  - HISTORY (Table 7.4.4-3): notification with historical values and a
 *    base time;
 *  - HIERARCHY (Table 7.4.4-4): objects 65/66/67 linked by "vlo", with
 *    the null link printed "FFFF:FFFF" (we read it, we write 65535:65535);
 *  - SINGLE (Table 7.4.4-5): Read of one resource, full path in "bn";
 *  - READ_COMPOSITE_REQ/RESP and WRITE_COMPOSITE (Tables 7.4.4-6..8);
 *  - BOOTSTRAP_VD: three records of the Bootstrap-Pack example of the 1.2
 *    Core §6.1.7.7, the only example with "vd" (base64url, no padding).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_senml_json.h"

#define DEVICE_SPEC                                                            \
	"[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},\n"   \
	"{\"n\":\"1\",\"vs\":\"Lightweight M2M Client\"},\n"                   \
	"{\"n\":\"2\",\"vs\":\"345000123\"},\n"                                \
	"{\"n\":\"3\",\"vs\":\"1.0\"},\n"                                      \
	"{\"n\":\"6/0\",\"v\":1},\n"                                           \
	"{\"n\":\"6/1\",\"v\":5},\n"                                           \
	"{\"n\":\"7/0\",\"v\":3800},\n"                                        \
	"{\"n\":\"7/1\",\"v\":5000},\n"                                        \
	"{\"n\":\"8/0\",\"v\":125},\n"                                         \
	"{\"n\":\"8/1\",\"v\":900},\n"                                         \
	"{\"n\":\"9\",\"v\":100},\n"                                           \
	"{\"n\":\"10\",\"v\":15},\n"                                           \
	"{\"n\":\"11/0\",\"v\":0},\n"                                          \
	"{\"n\":\"13\",\"v\":1367491215},\n"                                   \
	"{\"n\":\"14\",\"vs\":\"+02:00\"},\n"                                  \
	"{\"n\":\"16\",\"vs\":\"U\"}]"

#define DEVICE_COMPACT                                                         \
	"[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},"     \
	"{\"n\":\"1\",\"vs\":\"Lightweight M2M Client\"},"                     \
	"{\"n\":\"2\",\"vs\":\"345000123\"},{\"n\":\"3\",\"vs\":\"1.0\"},"     \
	"{\"n\":\"6/0\",\"v\":1},{\"n\":\"6/1\",\"v\":5},"                     \
	"{\"n\":\"7/0\",\"v\":3800},{\"n\":\"7/1\",\"v\":5000},"               \
	"{\"n\":\"8/0\",\"v\":125},{\"n\":\"8/1\",\"v\":900},"                 \
	"{\"n\":\"9\",\"v\":100},{\"n\":\"10\",\"v\":15},"                     \
	"{\"n\":\"11/0\",\"v\":0},{\"n\":\"13\",\"v\":1367491215},"            \
	"{\"n\":\"14\",\"vs\":\"+02:00\"},{\"n\":\"16\",\"vs\":\"U\"}]"

#define HISTORY_SPEC                                                           \
	"[{\"bn\":\"/72/\",\"bt\":25462634,\"n\":\"1/2\",\"v\":22.4,"          \
	"\"t\":-5},\n"                                                         \
	"{\"n\":\"1/2\",\"v\":22.9,\"t\":-30},\n"                              \
	"{\"n\":\"1/2\",\"v\":24.1,\"t\":-50}]"

#define HIERARCHY(null_link)                                                   \
	"[{\"bn\":\"/\",\"n\":\"65/0/0/0\",\"vlo\":\"66:0\"},\n"               \
	"{\"n\":\"65/0/0/1\",\"vlo\":\"66:1\"},\n"                             \
	"{\"n\":\"65/0/1\",\"vs\":\"8613800755500\"},\n"                       \
	"{\"n\":\"65/0/2\",\"v\":1},\n"                                        \
	"{\"n\":\"66/0/0\",\"vs\":\"myService1\"},\n"                          \
	"{\"n\":\"66/0/1\",\"vs\":\"Internet.15.234\"},\n"                     \
	"{\"n\":\"66/0/2\",\"vlo\":\"67:0\"},\n"                               \
	"{\"n\":\"66/1/0\",\"vs\":\"myService2\"},\n"                          \
	"{\"n\":\"66/1/1\",\"vs\":\"Internet.15.235\"},\n"                     \
	"{\"n\":\"66/1/2\",\"vlo\":\"" null_link "\"},\n"                      \
	"{\"n\":\"67/0/0\",\"vs\":\"85.76.76.84\"},\n"                         \
	"{\"n\":\"67/0/1\",\"vs\":\"85.76.255.255\"}]"

#define SINGLE_SPEC "[{\"bn\":\"/3/0/0\",\"vs\":\"Open Mobile Alliance\"}]"

#define READ_COMPOSITE_REQ                                                     \
	"[{\"n\":\"/3/0/0\"},\n{\"n\":\"/3/0/9\"},\n{\"n\":\"/1/0/1\"}]"

#define READ_COMPOSITE_RESP                                                    \
	"[{\"n\":\"/3/0/0\", \"vs\":\"Open Mobile Alliance\"},\n"              \
	"{\"n\" :\"/3/0/9\", \"v\":95},\n"                                     \
	"{\"n\":\"/1/0/1\", \"v\":86400}]"

#define WRITE_COMPOSITE                                                        \
	"[{\"n\":\"/3311/0/5850\", \"vb\":false},\n"                           \
	"{\"n\":\"/3311/1/5850\", \"vb\":false},\n"                            \
	"{\"n\":\"/3311/2/5851\", \"v\":20},\n"                                \
	"{\"n\":\"/3308/0/5900\", \"v\":18}]"

#define BOOTSTRAP_VD                                                           \
	"[{\"bn\":\"/0/1/\",\"n\":\"3\",\"vd\":"                               \
	"\"YjMxM2NjMjItZjk2OS00MmVjLWFkNDI\"},{\"n\":\"4\",\"vd\":\"\"},"      \
	"{\"n\":\"5\",\"vd\":\"HKICjXGXx3jprvXvaQgr6g\"}]"

#define STR(s)                                                                 \
	{                                                                      \
		.type = LWB_TYPE_STRING, .v.bytes = { s, sizeof(s) - 1 }       \
	}
#define INT(x)                                                                 \
	{                                                                      \
		.type = LWB_TYPE_INTEGER, .v.i = (x)                           \
	}
#define LNK(o, i)                                                              \
	{                                                                      \
		.type = LWB_TYPE_OBJLNK, .v.lnk = { o, i }                     \
	}

static const struct record device[] = {
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
#define NDEVICE (sizeof(device) / sizeof(device[0]))

static const struct record hierarchy[] = {
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

/* ---- helpers ------------------------------------------------------------ */

struct got {
	size_t n;
	struct record recs[32];
	uint8_t store[4096];
	size_t used;
	int fail_at; /* return -42 from the callback for this record, 1-based */
};

static int collect(const struct record *r, void *ctx)
{
	struct got *g = ctx;
	struct record *d;

	if (g->fail_at && (size_t)g->fail_at == g->n + 1)
		return -42;
	assert_true(g->n < 32);
	d = &g->recs[g->n++];
	*d = *r;
	if (r->value.type == LWB_TYPE_STRING ||
	    r->value.type == LWB_TYPE_OPAQUE ||
	    r->value.type == LWB_TYPE_CORELNK) {
		assert_true(r->value.v.bytes.len <= sizeof(g->store) - g->used);
		memcpy(g->store + g->used, r->value.v.bytes.ptr,
		       r->value.v.bytes.len);
		d->value.v.bytes.ptr = g->store + g->used;
		g->used += r->value.v.bytes.len;
	}
	return 0;
}

struct type_entry {
	struct path path;
	enum lwb_type type;
};

/* Looks a resource up in a NULL-terminated (len 0) table; a resource
 * instance takes its resource's type. */
static enum lwb_type table_type(const struct path *p, void *ctx)
{
	const struct type_entry *t = ctx;
	struct path res = *p;

	if (res.len > 3)
		res.len = 3;
	for (; t->path.len; t++)
		if (path_equal(&t->path, &res))
			return t->type;
	return LWB_TYPE_NONE;
}

static const struct type_entry device_types[] = {
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

/* Resource types for the round-trip and malformed-input tests: object
 * 3442 (the LwM2M test object) gets one resource per type. */
static const struct type_entry test_types[] = {
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

static int decode(const char *s, size_t len, struct path base,
		  const struct type_entry *types, struct got *g)
{
	struct codec_decoder dec = {
		.base = base,
		.type_of = types ? table_type : NULL,
		.type_ctx = (void *)(uintptr_t)types,
		.on_record = collect,
		.record_ctx = g,
	};

	memset(g, 0, sizeof(*g));
	return senml_json_decode(s, len, &dec);
}

static int decode_str(const char *s, struct path base,
		      const struct type_entry *types, struct got *g)
{
	return decode(s, strlen(s), base, types, g);
}

static void assert_value_equal(const struct lwb_value *a,
			       const struct lwb_value *b)
{
	assert_int_equal(a->type, b->type);
	switch (a->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_OPAQUE:
	case LWB_TYPE_CORELNK:
		assert_int_equal(a->v.bytes.len, b->v.bytes.len);
		assert_memory_equal(a->v.bytes.ptr, b->v.bytes.ptr,
				    a->v.bytes.len);
		break;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: assert_int_equal(a->v.i, b->v.i); break;
	case LWB_TYPE_UNSIGNED: assert_true(a->v.u == b->v.u); break;
	case LWB_TYPE_FLOAT: assert_true(a->v.f == b->v.f); break;
	case LWB_TYPE_BOOLEAN: assert_int_equal(a->v.b, b->v.b); break;
	case LWB_TYPE_OBJLNK:
		assert_int_equal(a->v.lnk.oid, b->v.lnk.oid);
		assert_int_equal(a->v.lnk.iid, b->v.lnk.iid);
		break;
	case LWB_TYPE_NONE: fail();
	}
}

static void assert_records_equal(const struct record *a, const struct record *b,
				 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(path_equal(&a[i].path, &b[i].path));
		assert_value_equal(&a[i].value, &b[i].value);
		assert_int_equal(a[i].has_time, b[i].has_time);
		if (a[i].has_time)
			assert_true(a[i].time == b[i].time);
	}
}

static void assert_encodes(const struct path *base, const struct record *r,
			   size_t n, const double *bt, const char *want)
{
	char buf[2048];
	int len = senml_json_encode(base, r, n, bt, buf, sizeof(buf));

	assert_int_equal(len, (int)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

static const struct type_entry hierarchy_types[] = {
	{{{65, 0, 0}, 3}, LWB_TYPE_OBJLNK},  {{{65, 0, 1}, 3}, LWB_TYPE_STRING},
	{{{65, 0, 2}, 3}, LWB_TYPE_INTEGER}, {{{66, 0, 0}, 3}, LWB_TYPE_STRING},
	{{{66, 0, 1}, 3}, LWB_TYPE_STRING},  {{{66, 0, 2}, 3}, LWB_TYPE_OBJLNK},
	{{{66, 1, 0}, 3}, LWB_TYPE_STRING},  {{{66, 1, 1}, 3}, LWB_TYPE_STRING},
	{{{66, 1, 2}, 3}, LWB_TYPE_OBJLNK},  {{{67, 0, 0}, 3}, LWB_TYPE_STRING},
	{{{67, 0, 1}, 3}, LWB_TYPE_STRING},  {{{0}, 0}, LWB_TYPE_NONE},
};

static void test_spec_device(void **state)
{
	struct path base = path_instance(3, 0);
	struct got g;

	(void)state;
	assert_encodes(&base, device, NDEVICE, NULL, DEVICE_COMPACT);
	assert_int_equal(decode_str(DEVICE_SPEC, base, device_types, &g),
			 (int)NDEVICE);
	assert_records_equal(g.recs, device, NDEVICE);
	assert_int_equal(decode_str(DEVICE_COMPACT, base, device_types, &g),
			 (int)NDEVICE);
	assert_records_equal(g.recs, device, NDEVICE);
	/* Untyped: the Time resource reads as an INTEGER. */
	assert_int_equal(decode_str(DEVICE_SPEC, base, NULL, &g), (int)NDEVICE);
	assert_int_equal(g.recs[13].value.type, LWB_TYPE_INTEGER);
	assert_int_equal(g.recs[13].value.v.i, 1367491215);
}

static void test_spec_history(void **state)
{
	static const double v[3] = {22.4, 22.9, 24.1};
	const double bt = 25462634;
	struct path base = path_object(72);
	struct record r[3];
	struct got g;
	char want[sizeof(HISTORY_SPEC)];
	size_t o = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		r[i] = (struct record){
			.path = {{72, 1, 2}, 3},
			.value = {.type = LWB_TYPE_FLOAT, .v.f = v[i]},
			.has_time = true};
	r[0].time = bt - 5, r[1].time = bt - 30, r[2].time = bt - 50;
	/* The compact form of the spec text. */
	for (const char *p = HISTORY_SPEC; *p; p++)
		if (*p != '\n')
			want[o++] = *p;
	want[o] = '\0';
	assert_encodes(&base, r, 3, &bt, want);
	assert_int_equal(decode_str(HISTORY_SPEC, base, NULL, &g), 3);
	assert_records_equal(g.recs, r, 3);
}

static void test_spec_hierarchy(void **state)
{
	const char *spec = HIERARCHY("FFFF:FFFF");
	const char *ours = HIERARCHY("65535:65535");
	char want[1024];
	struct path root = path_root();
	struct got g;
	size_t o = 0;

	(void)state;
	assert_int_equal(decode_str(spec, root, hierarchy_types, &g), 12);
	assert_records_equal(g.recs, hierarchy, 12);
	/* Untyped: "vlo" still makes an object link. */
	assert_int_equal(decode_str(spec, root, NULL, &g), 12);
	assert_records_equal(g.recs, hierarchy, 12);
	for (const char *p = ours; *p; p++)
		if (*p != '\n')
			want[o++] = *p;
	want[o] = '\0';
	assert_encodes(&root, hierarchy, 12, NULL, want);
	/* Names outside the request path. */
	assert_int_equal(
		decode_str(spec, path_instance(65, 0), hierarchy_types, &g),
		-EINVAL);
}

static void test_spec_single(void **state)
{
	struct path base = path_resource(3, 0, 0);
	struct got g;

	(void)state;
	assert_encodes(&base, device, 1, NULL, SINGLE_SPEC);
	assert_int_equal(decode_str(SINGLE_SPEC, base, device_types, &g), 1);
	assert_records_equal(g.recs, device, 1);
	/* A multiple-instance resource: instances named under it. */
	base = path_resource(3, 0, 6);
	assert_encodes(&base, device + 4, 2, NULL,
		       "[{\"bn\":\"/3/0/6/\",\"n\":\"0\",\"v\":1},"
		       "{\"n\":\"1\",\"v\":5}]");
}

static void test_spec_composite(void **state)
{
	static const struct type_entry types[] = {
		{{{3311, 0, 5850}, 3}, LWB_TYPE_BOOLEAN},
		{{{3311, 1, 5850}, 3}, LWB_TYPE_BOOLEAN},
		{{{3311, 2, 5851}, 3}, LWB_TYPE_INTEGER},
		{{{3308, 0, 5900}, 3}, LWB_TYPE_FLOAT},
		{{{0}, 0}, LWB_TYPE_NONE},
	};
	struct got g;

	(void)state;
	assert_int_equal(decode_str(READ_COMPOSITE_RESP, path_root(), NULL, &g),
			 3);
	assert_true(path_equal(&g.recs[1].path, &(struct path){{3, 0, 9}, 3}));
	assert_int_equal(g.recs[1].value.v.i, 95);
	assert_true(path_equal(&g.recs[2].path, &(struct path){{1, 0, 1}, 3}));
	assert_int_equal(g.recs[2].value.v.i, 86400);
	assert_int_equal(decode_str(WRITE_COMPOSITE, path_root(), types, &g),
			 4);
	assert_int_equal(g.recs[0].value.type, LWB_TYPE_BOOLEAN);
	assert_false(g.recs[1].value.v.b);
	assert_int_equal(g.recs[2].value.v.i, 20);
	assert_int_equal(g.recs[3].value.type, LWB_TYPE_FLOAT);
	assert_true(g.recs[3].value.v.f == 18.0);
	/* A Read-Composite request names paths without values: it is not a
	 * record payload. */
	assert_int_equal(decode_str(READ_COMPOSITE_REQ, path_root(), NULL, &g),
			 -EBADMSG);
}

static void test_spec_bootstrap_vd(void **state)
{
	static const uint8_t psk[] = {0x1c, 0xa2, 0x02, 0x8d, 0x71, 0x97,
				      0xc7, 0x78, 0xe9, 0xae, 0xf5, 0xef,
				      0x69, 0x08, 0x2b, 0xea};
	const struct record r[] = {
		{.path = {{0, 1, 3}, 3},
		 .value = {.type = LWB_TYPE_OPAQUE,
			   .v.bytes = {"b313cc22-f969-42ec-ad42", 23}}},
		{.path = {{0, 1, 4}, 3},
		 .value = {.type = LWB_TYPE_OPAQUE, .v.bytes = {"", 0}}},
		{.path = {{0, 1, 5}, 3},
		 .value = {.type = LWB_TYPE_OPAQUE,
			   .v.bytes = {psk, sizeof(psk)}}},
	};
	struct path base = path_instance(0, 1);
	struct got g;

	(void)state;
	assert_int_equal(decode_str(BOOTSTRAP_VD, base, NULL, &g), 3);
	assert_records_equal(g.recs, r, 3);
	assert_encodes(&base, r, 3, NULL, BOOTSTRAP_VD);
}

static void test_round_trip_all_types(void **state)
{
	static const uint8_t op[] = {1, 2, 3, 4, 5};
	static const uint8_t op2[] = {0xfb, 0xff};
	const struct record r[] = {
		{.path = {{3442, 0, 1}, 3}, .value = STR("a\"b\\c/d\n")},
		{.path = {{3442, 0, 2}, 3}, .value = INT(INT64_MIN)},
		{.path = {{3442, 0, 3}, 3},
		 .value = {.type = LWB_TYPE_UNSIGNED, .v.u = UINT64_MAX}},
		{.path = {{3442, 0, 4}, 3},
		 .value = {.type = LWB_TYPE_FLOAT, .v.f = -0.1}},
		{.path = {{3442, 0, 5}, 3},
		 .value = {.type = LWB_TYPE_BOOLEAN, .v.b = false}},
		{.path = {{3442, 0, 6, 0}, 4},
		 .value = {.type = LWB_TYPE_OPAQUE, .v.bytes = {op, 5}}},
		{.path = {{3442, 0, 6, 1}, 4},
		 .value = {.type = LWB_TYPE_OPAQUE, .v.bytes = {op2, 2}}},
		{.path = {{3442, 0, 7}, 3},
		 .value = {.type = LWB_TYPE_TIME, .v.i = 1476186613}},
		{.path = {{3442, 0, 8}, 3}, .value = LNK(3, 0)},
		{.path = {{3442, 0, 9}, 3},
		 .value = {.type = LWB_TYPE_CORELNK, .v.bytes = {"</3/0>", 6}}},
	};
	const char *want =
		"[{\"bn\":\"/3442/0/\",\"n\":\"1\",\"vs\":\"a\\\"b\\\\c/"
		"d\\n\"},"
		"{\"n\":\"2\",\"v\":-9223372036854775808},"
		"{\"n\":\"3\",\"v\":18446744073709551615},"
		"{\"n\":\"4\",\"v\":-0.1},{\"n\":\"5\",\"vb\":false},"
		"{\"n\":\"6/0\",\"vd\":\"AQIDBAU\"},{\"n\":\"6/1\",\"vd\":"
		"\"-_8\"},{\"n\":\"7\",\"v\":1476186613},"
		"{\"n\":\"8\",\"vlo\":\"3:0\"},{\"n\":\"9\",\"vs\":\"</3/"
		"0>\"}]";
	struct path base = path_instance(3442, 0);
	struct got g;

	(void)state;
	assert_encodes(&base, r, 10, NULL, want);
	assert_int_equal(decode_str(want, base, test_types, &g), 10);
	assert_records_equal(g.recs, r, 10);
}

static void test_vd_variants(void **state)
{
	static const char *ok[] = {
		"[{\"bn\":\"/3442/0/6\",\"vd\":\"AQIDBAU\"}]",
		"[{\"bn\":\"/3442/0/6\",\"vd\":\"AQIDBAU=\"}]",
	};
	struct got g;

	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(decode_str(ok[i], path_root(), NULL, &g), 1);
		assert_int_equal(g.recs[0].value.type, LWB_TYPE_OPAQUE);
		assert_int_equal(g.recs[0].value.v.bytes.len, 5);
		assert_memory_equal(g.recs[0].value.v.bytes.ptr, "\1\2\3\4\5",
				    5);
	}
	/* The standard alphabet too. */
	assert_int_equal(decode_str("[{\"bn\":\"/3442/0/6\",\"vd\":\"+/8=\"}]",
				    path_root(), NULL, &g),
			 1);
	assert_memory_equal(g.recs[0].value.v.bytes.ptr, "\xfb\xff", 2);
}

static void test_base_fields_carry_over(void **state)
{
	const char *s = "[{\"bn\":\"/3/0/\",\"bt\":100,\"n\":\"9\",\"v\":1},"
			"{\"n\":\"10\",\"v\":2,\"t\":-10},"
			"{\"bn\":\"/1/0/\",\"n\":\"1\",\"v\":3},"
			"{\"v\":4,\"bn\":\"/1/0/2\",\"t\":0.5}]";
	struct got g;

	(void)state;
	assert_int_equal(decode_str(s, path_root(), NULL, &g), 4);
	assert_true(path_equal(&g.recs[0].path, &(struct path){{3, 0, 9}, 3}));
	assert_true(g.recs[0].has_time && g.recs[0].time == 100);
	assert_true(path_equal(&g.recs[1].path, &(struct path){{3, 0, 10}, 3}));
	assert_true(g.recs[1].time == 90);
	assert_true(path_equal(&g.recs[2].path, &(struct path){{1, 0, 1}, 3}));
	assert_true(g.recs[2].time == 100);
	/* A bn in a record applies to that record, whatever the order. */
	assert_true(path_equal(&g.recs[3].path, &(struct path){{1, 0, 2}, 3}));
	assert_true(g.recs[3].time == 100.5);
	/* No time at all: untimed. */
	assert_int_equal(decode_str("[{\"bn\":\"/3/0/9\",\"v\":1}]",
				    path_root(), NULL, &g),
			 1);
	assert_false(g.recs[0].has_time);
}

static void test_unknown_fields(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_str("[{\"bn\":\"/3/0/9\",\"v\":1,\"u\":\"%\","
				    "\"foo\":{\"a\":[1,2]},\"bver\":10}]",
				    path_root(), NULL, &g),
			 1);
	assert_int_equal(decode_str("[{\"bn\":\"/3/0/9\",\"v\":1,\"foo_\":1}]",
				    path_root(), NULL, &g),
			 -EBADMSG);
	assert_int_equal(decode_str("[{\"bn\":\"/3/0/9\",\"v\":1,\"bver\":11}]",
				    path_root(), NULL, &g),
			 -EBADMSG);
	assert_int_equal(decode_str("[{\"bn\":\"/3/0/9\",\"v\":1,\"bv\":5}]",
				    path_root(), NULL, &g),
			 -EBADMSG);
}

static void test_encode_errors(void **state)
{
	struct path base = path_instance(3, 0);
	struct record r = device[0];
	const double bt = 100;
	char buf[600];
	int full;

	(void)state;
	r.value.type = LWB_TYPE_NONE;
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = device[0];
	r.path = path_resource(4, 0, 0);
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r.path = path_object(3);
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = device[0];
	r.value = (struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = NAN};
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = device[0];
	r.has_time = true;
	r.time = INFINITY;
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	assert_int_equal(senml_json_encode(&base, device, 1, &bt, buf, 600),
			 -EINVAL);
	full = senml_json_encode(&base, device, NDEVICE, NULL, buf, 600);
	assert_int_equal(full, (int)strlen(DEVICE_COMPACT));
	for (int cap = 0; cap < full; cap++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(senml_json_encode(&base, device, NDEVICE, NULL,
						   buf, (size_t)cap),
				 -ENOBUFS);
		assert_int_equal(buf[cap], 'X');
	}
	assert_int_equal(senml_json_encode(&base, device, 0, NULL, buf, 600),
			 2);
	assert_memory_equal(buf, "[]", 2);
}

struct bad {
	const char *text;
	int err;
};

static void test_decode_malformed(void **state)
{
	static const struct bad bad[] = {
		{"", -EBADMSG},
		{"{}", -EBADMSG},
		{"[1]", -EBADMSG},
		{"[[]]", -EBADMSG},
		{"[] x", -EBADMSG},
		{"[{}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"v\":\"text\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"vs\":\"1\"}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"vb\":true}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"vd\":\"AQ\"}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"1\",\"vlo\":\"1:2\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"8\",\"vs\":\"1:2\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"5\",\"vb\":\"true\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"5\",\"vb\":true,\"t\":[]}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"bt\":null,\"n\":\"5\",\"vb\":true}]",
		 -EBADMSG},
		{"[{\"bn\":1,\"n\":\"5\",\"vb\":true}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":5,\"vb\":true}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"v\":1.5}]", -ERANGE},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"3\",\"v\":-1}]", -ERANGE},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"v\":"
		 "99999999999999999999}]",
		 -ERANGE},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"4\",\"v\":NaN}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"4\",\"v\":Infinity}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"4\",\"v\":1e400}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"bt\":1e308,\"n\":\"4\",\"v\":1,"
		 "\"t\":1e308}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\"}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"2\",\"v\":1,\"vs\":\"1\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/4/0/\",\"n\":\"9\",\"v\":1}]", -EINVAL},
		{"[{\"n\":\"/3442/0\",\"v\":1}]", -EBADMSG},
		{"[{\"n\":\"3442/0/2\",\"v\":1}]", -EBADMSG},
		{"[{\"n\":\"/3442/0/2/\",\"v\":1}]", -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"/2\",\"v\":1}]", -EBADMSG},
		{"[{\"bn\":\"urn:dev:ow:10e2073a01080063\",\"v\":1}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"8\",\"vlo\":\"66\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"8\",\"vlo\":\"66:1:2\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"1\",\"vs\":\"\xc0\x80\"}]",
		 -EBADMSG},
		{"[{\"bn\":\"/3442/0/\",\"n\":\"1\",\"vs\":\"a\",}]", -EBADMSG},
	};
	struct got g;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = decode_str(bad[i].text, path_instance(3442, 0),
				     test_types, &g);

		if (err != bad[i].err)
			fail_msg("%s: got %d, want %d", bad[i].text, err,
				 bad[i].err);
		assert_int_equal(g.n, 0);
	}
}

static void test_decode_truncated(void **state)
{
	size_t len = strlen(DEVICE_COMPACT);
	struct got g;

	(void)state;
	for (size_t i = 0; i < len; i++) {
		char *copy = malloc(i ? i : 1);

		memcpy(copy, DEVICE_COMPACT, i);
		assert_true(decode(copy, i, path_instance(3, 0), device_types,
				   &g) < 0);
		free(copy);
	}
}

static void test_deep_nesting(void **state)
{
	char *s = malloc(2000);
	struct got g;

	(void)state;
	memset(s, '[', 1000);
	memset(s + 1000, ']', 1000);
	assert_int_equal(decode(s, 2000, path_root(), NULL, &g), -EBADMSG);
	free(s);
}

static void test_too_many_records(void **state)
{
	const char *entry = "{\"n\":\"/3/0/9\",\"v\":1},";
	size_t n = CODEC_MAX_RECORDS + 1, elen = strlen(entry);
	char *s = malloc(n * elen + 2);
	size_t o = 1;
	struct got g;

	(void)state;
	s[0] = '[';
	for (size_t i = 0; i < n; i++, o += elen)
		memcpy(s + o, entry, elen);
	s[o - 1] = ']';
	assert_int_equal(decode(s, o, path_root(), NULL, &g), -E2BIG);
	assert_int_equal(g.n, 0);
	free(s);
}

static void test_callback_error(void **state)
{
	struct codec_decoder dec = {.base = path_instance(3, 0),
				    .on_record = collect};
	struct got g;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.fail_at = 2;
	dec.record_ctx = &g;
	assert_int_equal(
		senml_json_decode(DEVICE_COMPACT, strlen(DEVICE_COMPACT), &dec),
		-42);
	assert_int_equal(g.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_device),
		cmocka_unit_test(test_spec_history),
		cmocka_unit_test(test_spec_hierarchy),
		cmocka_unit_test(test_spec_single),
		cmocka_unit_test(test_spec_composite),
		cmocka_unit_test(test_spec_bootstrap_vd),
		cmocka_unit_test(test_round_trip_all_types),
		cmocka_unit_test(test_vd_variants),
		cmocka_unit_test(test_base_fields_carry_over),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_too_many_records),
		cmocka_unit_test(test_callback_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

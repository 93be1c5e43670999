/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LwM2M JSON (11543).  Golden vectors:
 *  - DEVICE: the Read of /3/0 in OMA-TS-LightweightM2M-V1_0_2 §6.4.4 (the
 *    1.2 Core repeats it unchanged in §7.5.6.1), as printed there
 *    (DEVICE_SPEC) and in compact form (DEVICE_COMPACT, what we must emit
 *    byte for byte);
 *  - HISTORY_1_0: the notification with historical Temperature values of
 *    the LwM2M 1.0 JSON section ("bt" after "e", no "bn": names relative
 *    to the request path).
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

#include "codec_lwm2m_json.h"

#define DEVICE_SPEC                                                            \
	"{\"bn\":\"/3/0/\",\n"                                                 \
	"\"e\":[\n"                                                            \
	"{\"n\":\"0\",\"sv\":\"Open Mobile Alliance\"},\n"                     \
	"{\"n\":\"1\",\"sv\":\"Lightweight M2M Client\"},\n"                   \
	"{\"n\":\"2\",\"sv\":\"345000123\"},\n"                                \
	"{\"n\":\"3\",\"sv\":\"1.0\"},\n"                                      \
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
	"{\"n\":\"14\",\"sv\":\"+02:00\"},\n"                                  \
	"{\"n\":\"16\",\"sv\":\"U\"}]\n"                                       \
	"}\n"

#define DEVICE_COMPACT                                                         \
	"{\"bn\":\"/3/0/\",\"e\":[{\"n\":\"0\",\"sv\":\"Open Mobile "          \
	"Alliance\"},{\"n\":\"1\",\"sv\":\"Lightweight M2M Client\"},"         \
	"{\"n\":\"2\",\"sv\":\"345000123\"},{\"n\":\"3\",\"sv\":\"1.0\"},"     \
	"{\"n\":\"6/0\",\"v\":1},{\"n\":\"6/1\",\"v\":5},{\"n\":\"7/0\","      \
	"\"v\":3800},{\"n\":\"7/1\",\"v\":5000},{\"n\":\"8/0\",\"v\":125},"    \
	"{\"n\":\"8/1\",\"v\":900},{\"n\":\"9\",\"v\":100},{\"n\":\"10\","     \
	"\"v\":15},{\"n\":\"11/0\",\"v\":0},{\"n\":\"13\",\"v\":1367491215}"   \
	",{\"n\":\"14\",\"sv\":\"+02:00\"},{\"n\":\"16\",\"sv\":\"U\"}]}"

#define HISTORY_1_0                                                            \
	"{\"e\":[\n"                                                           \
	"{\"n\":\"1/2\",\"v\":22.4,\"t\":-5},\n"                               \
	"{\"n\":\"1/2\",\"v\":22.9,\"t\":-30},\n"                              \
	"{\"n\":\"1/2\",\"v\":24.1,\"t\":-50}],\n"                             \
	"\"bt\":25462634\n"                                                    \
	"}"

#define STR(s)                                                                 \
	{                                                                      \
		.type = LWB_TYPE_STRING, .v.bytes = { s, sizeof(s) - 1 }       \
	}
#define INT(x)                                                                 \
	{                                                                      \
		.type = LWB_TYPE_INTEGER, .v.i = (x)                           \
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
	return lwm2m_json_decode(s, len, &dec);
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
	int len = lwm2m_json_encode(base, r, n, bt, buf, sizeof(buf));

	assert_int_equal(len, (int)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

/* ---- golden vectors ----------------------------------------------------- */

static void test_spec_device_encode(void **state)
{
	struct path base = path_instance(3, 0);

	(void)state;
	assert_encodes(&base, device, NDEVICE, NULL, DEVICE_COMPACT);
}

static void test_spec_device_decode(void **state)
{
	struct got g;

	(void)state;
	/* As the specification prints it, then compact. */
	assert_int_equal(
		decode_str(DEVICE_SPEC, path_instance(3, 0), device_types, &g),
		(int)NDEVICE);
	assert_int_equal(g.n, NDEVICE);
	assert_records_equal(g.recs, device, NDEVICE);
	assert_int_equal(decode_str(DEVICE_COMPACT, path_instance(3, 0),
				    device_types, &g),
			 (int)NDEVICE);
	assert_records_equal(g.recs, device, NDEVICE);
}

static void test_spec_device_decode_untyped(void **state)
{
	struct got g;

	(void)state;
	/* No type lookup: integers stay INTEGER, Time reads as INTEGER. */
	assert_int_equal(decode_str(DEVICE_SPEC, path_instance(3, 0), NULL, &g),
			 (int)NDEVICE);
	assert_int_equal(g.recs[13].value.type, LWB_TYPE_INTEGER);
	assert_int_equal(g.recs[13].value.v.i, 1367491215);
	assert_int_equal(g.recs[4].value.type, LWB_TYPE_INTEGER);
	assert_int_equal(g.recs[0].value.type, LWB_TYPE_STRING);
}

static void test_spec_history_1_0(void **state)
{
	static const double v[3] = {22.4, 22.9, 24.1};
	static const double t[3] = {25462629, 25462604, 25462584};
	struct got g;

	(void)state;
	/* The request was on /72 (names "1/2" are relative to it). */
	assert_int_equal(decode_str(HISTORY_1_0, path_object(72), NULL, &g), 3);
	for (int i = 0; i < 3; i++) {
		assert_true(path_equal(&g.recs[i].path,
				       &(struct path){{72, 1, 2}, 3}));
		assert_int_equal(g.recs[i].value.type, LWB_TYPE_FLOAT);
		assert_true(g.recs[i].value.v.f == v[i]);
		assert_true(g.recs[i].has_time);
		assert_true(g.recs[i].time == t[i]);
	}
}

static void test_history_encode_base_time(void **state)
{
	struct record r[3];
	const double bt = 25462634;
	struct path base = path_object(72);
	struct got g;

	(void)state;
	for (int i = 0; i < 3; i++) {
		r[i] = (struct record){.path = {{72, 1, 2}, 3},
				       .value.type = LWB_TYPE_FLOAT,
				       .has_time = true};
	}
	r[0].value.v.f = 22.4, r[0].time = bt - 5;
	r[1].value.v.f = 22.9, r[1].time = bt - 30;
	r[2].value.v.f = 24.1, r[2].time = bt;
	assert_encodes(&base, r, 3, &bt,
		       "{\"bn\":\"/72/\",\"bt\":25462634,\"e\":["
		       "{\"n\":\"1/2\",\"v\":22.4,\"t\":-5},"
		       "{\"n\":\"1/2\",\"v\":22.9,\"t\":-30},"
		       "{\"n\":\"1/2\",\"v\":24.1}]}");
	/* No base time: absolute times. */
	assert_encodes(&base, r, 1, NULL,
		       "{\"bn\":\"/72/\",\"e\":[{\"n\":\"1/2\",\"v\":22.4,"
		       "\"t\":25462629}]}");
	assert_int_equal(decode_str("{\"bn\":\"/72/\",\"bt\":25462634,\"e\":["
				    "{\"n\":\"1/2\",\"v\":22.4,\"t\":-5},"
				    "{\"n\":\"1/2\",\"v\":24.1}]}",
				    base, NULL, &g),
			 2);
	assert_true(g.recs[0].time == bt - 5);
	assert_true(g.recs[1].has_time && g.recs[1].time == bt);
}

static void test_single_resource(void **state)
{
	struct path base = path_resource(3, 0, 0);
	struct got g;

	(void)state;
	/* A resource read: the whole path in "bn", no "n". */
	assert_encodes(&base, device, 1, NULL,
		       "{\"bn\":\"/3/0/0\",\"e\":[{\"sv\":\"Open Mobile "
		       "Alliance\"}]}");
	assert_int_equal(decode_str("{\"bn\":\"/3/0/0\",\"e\":[{\"sv\":\"Open "
				    "Mobile Alliance\"}]}",
				    base, device_types, &g),
			 1);
	assert_records_equal(g.recs, device, 1);
	/* Multiple-instance resource: instances named under it. */
	base = path_resource(3, 0, 6);
	assert_encodes(&base, device + 4, 2, NULL,
		       "{\"bn\":\"/3/0/6/\",\"e\":[{\"n\":\"0\",\"v\":1},"
		       "{\"n\":\"1\",\"v\":5}]}");
}

static void test_round_trip_all_types(void **state)
{
	static const uint8_t op[] = {1, 2, 3, 4, 5};
	const struct record r[] = {
		{.path = {{3442, 0, 1}, 3}, .value = STR("a\"b\\c/d")},
		{.path = {{3442, 0, 2}, 3}, .value = INT(INT64_MIN)},
		{.path = {{3442, 0, 3}, 3},
		 .value = {.type = LWB_TYPE_UNSIGNED, .v.u = UINT64_MAX}},
		{.path = {{3442, 0, 4}, 3},
		 .value = {.type = LWB_TYPE_FLOAT, .v.f = 6.667e-11}},
		{.path = {{3442, 0, 5}, 3},
		 .value = {.type = LWB_TYPE_BOOLEAN, .v.b = true}},
		{.path = {{3442, 0, 6}, 3},
		 .value = {.type = LWB_TYPE_OPAQUE, .v.bytes = {op, 5}}},
		{.path = {{3442, 0, 7}, 3},
		 .value = {.type = LWB_TYPE_TIME, .v.i = -5}},
		{.path = {{3442, 0, 8}, 3},
		 .value = {.type = LWB_TYPE_OBJLNK, .v.lnk = {65535, 65535}}},
		{.path = {{3442, 0, 9}, 3},
		 .value = {.type = LWB_TYPE_CORELNK, .v.bytes = {"</3/0>", 6}}},
	};
	const char *want =
		"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"1\",\"sv\":\"a\\\"b\\\\c/"
		"d\"},{\"n\":\"2\",\"v\":-9223372036854775808},{\"n\":\"3\","
		"\"v\":18446744073709551615},{\"n\":\"4\",\"v\":6.667e-11},"
		"{\"n\":\"5\",\"bv\":true},{\"n\":\"6\",\"sv\":\"AQIDBAU=\"},"
		"{\"n\":\"7\",\"v\":-5},{\"n\":\"8\",\"ov\":\"65535:65535\"},"
		"{\"n\":\"9\",\"sv\":\"</3/0>\"}]}";
	struct path base = path_instance(3442, 0);
	struct got g;

	(void)state;
	assert_encodes(&base, r, 9, NULL, want);
	assert_int_equal(decode_str(want, base, test_types, &g), 9);
	assert_records_equal(g.recs, r, 9);
}

static void test_string_escapes(void **state)
{
	const struct record r = {
		.path = {{3442, 0, 1}, 3},
		.value = {.type = LWB_TYPE_STRING,
			  .v.bytes = {"\x01\n\t\"\\/\xc3\xa9\0z", 10}},
	};
	const struct record bad = {
		.path = {{3442, 0, 1}, 3},
		.value = {.type = LWB_TYPE_STRING, .v.bytes = {"\xc3(", 2}},
	};
	const char *want = "{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"1\",\"sv\":"
			   "\"\\u0001\\n\\t\\\"\\\\/\xc3\xa9\\u0000z\"}]}";
	struct path base = path_instance(3442, 0);
	char buf[128];
	struct got g;

	(void)state;
	assert_encodes(&base, &r, 1, NULL, want);
	assert_int_equal(decode_str(want, base, test_types, &g), 1);
	assert_records_equal(g.recs, &r, 1);
	/* Not UTF-8: cannot be a JSON string. */
	assert_int_equal(
		lwm2m_json_encode(&base, &bad, 1, NULL, buf, sizeof(buf)),
		-EINVAL);
}

static void test_absolute_names_without_bn(void **state)
{
	struct got g;

	(void)state;
	assert_int_equal(decode_str("{\"e\":[{\"n\":\"/3/0/1\",\"sv\":\"x\"},"
				    "{\"n\":\"2\",\"sv\":\"y\"}]}",
				    path_instance(3, 0), NULL, &g),
			 2);
	assert_true(path_equal(&g.recs[0].path, &(struct path){{3, 0, 1}, 3}));
	assert_true(path_equal(&g.recs[1].path, &(struct path){{3, 0, 2}, 3}));
	/* Root request, no bn: names are "/"-relative. */
	assert_int_equal(decode_str("{\"e\":[{\"n\":\"3/0/1\",\"sv\":\"x\"}]}",
				    path_root(), NULL, &g),
			 1);
	assert_true(path_equal(&g.recs[0].path, &(struct path){{3, 0, 1}, 3}));
}

static void test_empty(void **state)
{
	struct path base = path_instance(3, 0);
	struct got g;

	(void)state;
	assert_encodes(&base, device, 0, NULL, "{\"bn\":\"/3/0/\",\"e\":[]}");
	assert_int_equal(
		decode_str("{\"bn\":\"/3/0/\",\"e\":[]}", base, NULL, &g), 0);
	assert_int_equal(g.n, 0);
}

/* ---- errors ------------------------------------------------------------- */

static void test_encode_errors(void **state)
{
	struct path base = path_instance(3, 0);
	struct record r = device[0];
	const double bt = 100;
	char buf[600];
	int full;

	(void)state;
	r.value.type = LWB_TYPE_NONE;
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = device[0];
	r.path = path_resource(4, 0, 0); /* outside /3/0 */
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r.path = path_instance(3, 0); /* not a resource */
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = device[0];
	r.value = (struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = NAN};
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r.value.v.f = INFINITY;
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = device[0];
	r.value.type = (enum lwb_type)99;
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	/* A base time needs every record timed. */
	assert_int_equal(lwm2m_json_encode(&base, device, 1, &bt, buf, 600),
			 -EINVAL);
	/* The base path itself next to a record below it. */
	{
		struct record two[2] = {device[4], device[4]};

		base = path_resource(3, 0, 6);
		two[0].path = base;
		assert_int_equal(
			lwm2m_json_encode(&base, two, 2, NULL, buf, 600),
			-EINVAL);
		base = path_instance(3, 0);
	}
	/* Every buffer short of the full length: -ENOBUFS, nothing written
	 * past the end. */
	full = lwm2m_json_encode(&base, device, NDEVICE, NULL, buf, 600);
	assert_int_equal(full, (int)strlen(DEVICE_COMPACT));
	for (int cap = 0; cap < full; cap++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(lwm2m_json_encode(&base, device, NDEVICE, NULL,
						   buf, (size_t)cap),
				 -ENOBUFS);
		assert_int_equal(buf[cap], 'X');
	}
}

struct bad {
	const char *text;
	int err;
};

static void test_decode_malformed(void **state)
{
	static const struct bad bad[] = {
		{"", -EBADMSG},
		{"   ", -EBADMSG},
		{"[]", -EBADMSG},
		{"{}", -EBADMSG},
		{"{\"e\":{}}", -EBADMSG},
		{"{\"e\":[1]}", -EBADMSG},
		{"{\"e\":[]} x", -EBADMSG},
		{"{\"e\":[]}{}", -EBADMSG},
		{"{\"bn\":3,\"e\":[]}", -EBADMSG},
		{"{\"bt\":\"x\",\"e\":[]}", -EBADMSG},
		{"{'e':[]}", -EBADMSG},
		{"{\"e\":[],}", -EBADMSG},
		/* wrong value kinds */
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"v\":\"text\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"sv\":\"1\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"bv\":true}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"1\",\"v\":1}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"5\",\"bv\":1}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"8\",\"sv\":\"1:2\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"t\":\"x\","
		 "\"v\":1}]}",
		 -EBADMSG},
		/* numbers that do not fit */
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"v\":1.5}]}",
		 -ERANGE},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"v\":"
		 "9223372036854775808}]}",
		 -ERANGE},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"v\":"
		 "-9223372036854775809}]}",
		 -ERANGE},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"3\",\"v\":"
		 "18446744073709551616}]}",
		 -ERANGE},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"3\",\"v\":-1}]}",
		 -ERANGE},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"7\",\"v\":1e300}]}",
		 -ERANGE},
		/* no NaN or infinity in JSON, nor numbers outside RFC 8259 */
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":NaN}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":Infinity}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":-Infinity}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":1e999}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":1.}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":01}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"4\",\"v\":+1}]}",
		 -EBADMSG},
		/* values: none, two */
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\"}]}", -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\",\"v\":1,\"sv\":"
		 "\"1\"}]}",
		 -EBADMSG},
		/* names */
		{"{\"bn\":\"/4/0/\",\"e\":[{\"n\":\"9\",\"v\":1}]}", -EINVAL},
		{"{\"bn\":\"/3442/\",\"e\":[{\"n\":\"0\",\"v\":1}]}", -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"x\",\"v\":1}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/2/\",\"e\":[{\"v\":1}]}", -EBADMSG},
		{"{\"bn\":\"3442/0/\",\"e\":[{\"n\":\"2\",\"v\":1}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"65535\",\"v\":1}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2/0/0\",\"v\":1}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"2\\u0000\",\"v\":1}]}",
		 -EBADMSG},
		/* opaque and object links */
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"6\",\"sv\":\"!!\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"6\",\"sv\":\"AQJ\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"6\",\"sv\":\"AQI==\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"8\",\"ov\":\"1:\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"8\",\"ov\":\"70000:1\"}"
		 "]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"8\",\"ov\":\"-1:1\"}]}",
		 -EBADMSG},
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"8\",\"ov\":12}]}",
		 -EBADMSG},
		/* not UTF-8 */
		{"{\"bn\":\"/3442/0/\",\"e\":[{\"n\":\"1\",\"sv\":\"\xff\"}]}",
		 -EBADMSG},
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
	/* A NUL byte inside the text. */
	assert_int_equal(decode("{\"e\":[]}\0", 9, path_root(), NULL, &g),
			 -EBADMSG);
}

static void test_decode_truncated(void **state)
{
	size_t len = strlen(DEVICE_COMPACT);
	struct got g;

	(void)state;
	/* Every proper prefix is an error, and never reads past its end
	 * (ASan checks the heap copy). */
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
	char *s = malloc(2100);
	size_t o = 0;
	struct got g;

	(void)state;
	o += (size_t)sprintf(s, "{\"x\":");
	for (int i = 0; i < 1000; i++)
		s[o++] = '[';
	for (int i = 0; i < 1000; i++)
		s[o++] = ']';
	o += (size_t)sprintf(s + o, ",\"e\":[]}");
	assert_int_equal(decode(s, o, path_root(), NULL, &g), -EBADMSG);
	free(s);
}

static void test_too_many_records(void **state)
{
	const char *head = "{\"bn\":\"/3/0/\",\"e\":[";
	const char *entry = "{\"n\":\"9\",\"v\":1},";
	size_t n = CODEC_MAX_RECORDS + 1, elen = strlen(entry);
	size_t len = strlen(head) + n * elen + 2;
	char *s = malloc(len);
	size_t o = strlen(head);
	struct got g;

	(void)state;
	memcpy(s, head, o);
	for (size_t i = 0; i < n; i++, o += elen)
		memcpy(s + o, entry, elen);
	s[o - 1] = ']';
	s[o++] = '}';
	assert_int_equal(decode(s, o, path_instance(3, 0), NULL, &g), -E2BIG);
	assert_int_equal(g.n, 0); /* refused before any record */
	free(s);
}

static void test_callback_error(void **state)
{
	struct codec_decoder dec = {.base = path_instance(3, 0),
				    .on_record = collect};
	struct got g;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.fail_at = 3;
	dec.record_ctx = &g;
	assert_int_equal(
		lwm2m_json_decode(DEVICE_COMPACT, strlen(DEVICE_COMPACT), &dec),
		-42);
	assert_int_equal(g.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_device_encode),
		cmocka_unit_test(test_spec_device_decode),
		cmocka_unit_test(test_spec_device_decode_untyped),
		cmocka_unit_test(test_spec_history_1_0),
		cmocka_unit_test(test_history_encode_base_time),
		cmocka_unit_test(test_single_resource),
		cmocka_unit_test(test_round_trip_all_types),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_absolute_names_without_bn),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_too_many_records),
		cmocka_unit_test(test_callback_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

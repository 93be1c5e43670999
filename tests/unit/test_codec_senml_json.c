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
#include "codec_fixture.h"

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

/* ---- helpers ------------------------------------------------------------ */

static int decode(const void *s, size_t len, struct path base,
		  const struct cfx_type *types, struct cfx_got *g)
{
	struct codec_decoder dec = cfx_table_decoder(base, types, g);

	return senml_json_decode(s, len, &dec);
}

static int decode_str(const char *s, struct path base,
		      const struct cfx_type *types, struct cfx_got *g)
{
	return decode(s, strlen(s), base, types, g);
}

static void assert_encodes(const struct path *base, const struct record *r,
			   size_t n, const double *bt, const char *want)
{
	cfx_assert_encodes_text(senml_json_encode, base, r, n, bt, want);
}

static void test_spec_device(void **state)
{
	struct path base = path_instance(3, 0);
	struct cfx_got g;

	(void)state;
	assert_encodes(&base, cfx_device, CFX_NDEVICE, NULL, DEVICE_COMPACT);
	assert_int_equal(decode_str(DEVICE_SPEC, base, cfx_device_types, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_records_equal(g.recs, cfx_device, CFX_NDEVICE);
	assert_int_equal(decode_str(DEVICE_COMPACT, base, cfx_device_types, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_records_equal(g.recs, cfx_device, CFX_NDEVICE);
	/* Untyped: the Time resource reads as an INTEGER. */
	assert_int_equal(decode_str(DEVICE_SPEC, base, NULL, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_device_untyped(&g);
}

static void test_spec_history(void **state)
{
	const double bt = 25462634;
	struct path base = path_object(72);
	struct record r[3];
	struct cfx_got g;
	char want[sizeof(HISTORY_SPEC)];
	size_t o = 0;

	(void)state;
	cfx_history(bt, r);
	/* The compact form of the spec text. */
	for (const char *p = HISTORY_SPEC; *p; p++)
		if (*p != '\n')
			want[o++] = *p;
	want[o] = '\0';
	assert_encodes(&base, r, 3, &bt, want);
	assert_int_equal(decode_str(HISTORY_SPEC, base, NULL, &g), 3);
	cfx_assert_records_equal(g.recs, r, 3);
}

static void test_spec_hierarchy(void **state)
{
	const char *spec = HIERARCHY("FFFF:FFFF");
	const char *ours = HIERARCHY("65535:65535");
	char want[1024];
	struct path root = path_root();
	struct cfx_got g;
	size_t o = 0;

	(void)state;
	assert_int_equal(decode_str(spec, root, cfx_hierarchy_types, &g), 12);
	cfx_assert_records_equal(g.recs, cfx_hierarchy, 12);
	/* Untyped: "vlo" still makes an object link. */
	assert_int_equal(decode_str(spec, root, NULL, &g), 12);
	cfx_assert_records_equal(g.recs, cfx_hierarchy, 12);
	for (const char *p = ours; *p; p++)
		if (*p != '\n')
			want[o++] = *p;
	want[o] = '\0';
	assert_encodes(&root, cfx_hierarchy, 12, NULL, want);
	/* Names outside the request path. */
	assert_int_equal(
		decode_str(spec, path_instance(65, 0), cfx_hierarchy_types, &g),
		-EINVAL);
}

static void test_spec_single(void **state)
{
	struct path base = path_resource(3, 0, 0);
	struct cfx_got g;

	(void)state;
	assert_encodes(&base, cfx_device, 1, NULL, SINGLE_SPEC);
	assert_int_equal(decode_str(SINGLE_SPEC, base, cfx_device_types, &g),
			 1);
	cfx_assert_records_equal(g.recs, cfx_device, 1);
	/* A multiple-instance resource: instances named under it. */
	base = path_resource(3, 0, 6);
	assert_encodes(&base, cfx_device + 4, 2, NULL,
		       "[{\"bn\":\"/3/0/6/\",\"n\":\"0\",\"v\":1},"
		       "{\"n\":\"1\",\"v\":5}]");
}

static void test_spec_composite(void **state)
{
	static const struct cfx_type types[] = {
		{{{3311, 0, 5850}, 3}, LWB_TYPE_BOOLEAN},
		{{{3311, 1, 5850}, 3}, LWB_TYPE_BOOLEAN},
		{{{3311, 2, 5851}, 3}, LWB_TYPE_INTEGER},
		{{{3308, 0, 5900}, 3}, LWB_TYPE_FLOAT},
		{{{0}, 0}, LWB_TYPE_NONE},
	};
	struct cfx_got g;

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
	struct cfx_got g;

	(void)state;
	assert_int_equal(decode_str(BOOTSTRAP_VD, base, NULL, &g), 3);
	cfx_assert_records_equal(g.recs, r, 3);
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
	struct cfx_got g;

	(void)state;
	assert_encodes(&base, r, 10, NULL, want);
	assert_int_equal(decode_str(want, base, cfx_test_types, &g), 10);
	cfx_assert_records_equal(g.recs, r, 10);
}

static void test_vd_variants(void **state)
{
	static const char *ok[] = {
		"[{\"bn\":\"/3442/0/6\",\"vd\":\"AQIDBAU\"}]",
		"[{\"bn\":\"/3442/0/6\",\"vd\":\"AQIDBAU=\"}]",
	};
	struct cfx_got g;

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
	struct cfx_got g;

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
	struct cfx_got g;

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
	struct record r = cfx_device[0];
	char buf[600];

	(void)state;
	cfx_assert_encode_rejects_text(senml_json_encode);
	r.path = path_object(3);
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = cfx_device[0];
	r.has_time = true;
	r.time = INFINITY;
	assert_int_equal(senml_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	cfx_assert_nobufs_text(senml_json_encode, &base, cfx_device,
			       CFX_NDEVICE, strlen(DEVICE_COMPACT));
	assert_int_equal(
		senml_json_encode(&base, cfx_device, 0, NULL, buf, 600), 2);
	assert_memory_equal(buf, "[]", 2);
}

static void test_decode_malformed(void **state)
{
	static const struct cfx_bad bad[] = {
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
	(void)state;
	cfx_assert_malformed_text(decode, bad, sizeof(bad) / sizeof(bad[0]),
				  path_instance(3442, 0), cfx_test_types);
}

static void test_decode_truncated(void **state)
{
	(void)state;
	cfx_assert_truncated(decode, DEVICE_COMPACT, strlen(DEVICE_COMPACT),
			     path_instance(3, 0), cfx_device_types);
}

static void test_deep_nesting(void **state)
{
	char *s = malloc(2000);
	struct cfx_got g;

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
	struct cfx_got g;

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
	struct cfx_got g;
	struct codec_decoder dec =
		cfx_decoder(path_instance(3, 0), NULL, NULL, &g);

	(void)state;
	g.fail_at = 2;
	g.fail_err = -42;
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

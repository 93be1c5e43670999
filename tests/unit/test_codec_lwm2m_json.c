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
#include "codec_fixture.h"

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

/* ---- helpers ------------------------------------------------------------ */

static int decode(const void *s, size_t len, struct path base,
		  const struct cfx_type *types, struct cfx_got *g)
{
	struct codec_decoder dec = cfx_table_decoder(base, types, g);

	return lwm2m_json_decode(s, len, &dec);
}

static int decode_str(const char *s, struct path base,
		      const struct cfx_type *types, struct cfx_got *g)
{
	return decode(s, strlen(s), base, types, g);
}

static void assert_encodes(const struct path *base, const struct record *r,
			   size_t n, const double *bt, const char *want)
{
	cfx_assert_encodes_text(lwm2m_json_encode, base, r, n, bt, want);
}

/* ---- golden vectors ----------------------------------------------------- */

static void test_spec_device_encode(void **state)
{
	struct path base = path_instance(3, 0);

	(void)state;
	assert_encodes(&base, cfx_device, CFX_NDEVICE, NULL, DEVICE_COMPACT);
}

static void test_spec_device_decode(void **state)
{
	struct cfx_got g;

	(void)state;
	/* As the specification prints it, then compact. */
	assert_int_equal(decode_str(DEVICE_SPEC, path_instance(3, 0),
				    cfx_device_types, &g),
			 (int)CFX_NDEVICE);
	assert_int_equal(g.n, CFX_NDEVICE);
	cfx_assert_records_equal(g.recs, cfx_device, CFX_NDEVICE);
	assert_int_equal(decode_str(DEVICE_COMPACT, path_instance(3, 0),
				    cfx_device_types, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_records_equal(g.recs, cfx_device, CFX_NDEVICE);
}

static void test_spec_device_decode_untyped(void **state)
{
	struct cfx_got g;

	(void)state;
	/* No type lookup: integers stay INTEGER, Time reads as INTEGER. */
	assert_int_equal(decode_str(DEVICE_SPEC, path_instance(3, 0), NULL, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_device_untyped(&g);
	assert_int_equal(g.recs[4].value.type, LWB_TYPE_INTEGER);
	assert_int_equal(g.recs[0].value.type, LWB_TYPE_STRING);
}

static void test_spec_history_1_0(void **state)
{
	static const double v[3] = {22.4, 22.9, 24.1};
	static const double t[3] = {25462629, 25462604, 25462584};
	struct cfx_got g;

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
	struct cfx_got g;

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
	struct cfx_got g;

	(void)state;
	/* A resource read: the whole path in "bn", no "n". */
	assert_encodes(&base, cfx_device, 1, NULL,
		       "{\"bn\":\"/3/0/0\",\"e\":[{\"sv\":\"Open Mobile "
		       "Alliance\"}]}");
	assert_int_equal(decode_str("{\"bn\":\"/3/0/0\",\"e\":[{\"sv\":\"Open "
				    "Mobile Alliance\"}]}",
				    base, cfx_device_types, &g),
			 1);
	cfx_assert_records_equal(g.recs, cfx_device, 1);
	/* Multiple-instance resource: instances named under it. */
	base = path_resource(3, 0, 6);
	assert_encodes(&base, cfx_device + 4, 2, NULL,
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
	struct cfx_got g;

	(void)state;
	assert_encodes(&base, r, 9, NULL, want);
	assert_int_equal(decode_str(want, base, cfx_test_types, &g), 9);
	cfx_assert_records_equal(g.recs, r, 9);
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
	struct cfx_got g;

	(void)state;
	assert_encodes(&base, &r, 1, NULL, want);
	assert_int_equal(decode_str(want, base, cfx_test_types, &g), 1);
	cfx_assert_records_equal(g.recs, &r, 1);
	/* Not UTF-8: cannot be a JSON string. */
	assert_int_equal(
		lwm2m_json_encode(&base, &bad, 1, NULL, buf, sizeof(buf)),
		-EINVAL);
}

static void test_absolute_names_without_bn(void **state)
{
	struct cfx_got g;

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
	struct cfx_got g;

	(void)state;
	assert_encodes(&base, cfx_device, 0, NULL,
		       "{\"bn\":\"/3/0/\",\"e\":[]}");
	assert_int_equal(
		decode_str("{\"bn\":\"/3/0/\",\"e\":[]}", base, NULL, &g), 0);
	assert_int_equal(g.n, 0);
}

/* ---- errors ------------------------------------------------------------- */

static void test_encode_errors(void **state)
{
	struct path base = path_instance(3, 0);
	struct record r = cfx_device[0];
	char buf[600];

	(void)state;
	/* NONE, outside /3/0, NaN, a base time next to an untimed record. */
	cfx_assert_encode_rejects_text(lwm2m_json_encode);
	r.path = path_instance(3, 0); /* not a resource */
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = cfx_device[0];
	r.value = (struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = INFINITY};
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	r = cfx_device[0];
	r.value.type = (enum lwb_type)99;
	assert_int_equal(lwm2m_json_encode(&base, &r, 1, NULL, buf, 600),
			 -EINVAL);
	/* The base path itself next to a record below it. */
	{
		struct record two[2] = {cfx_device[4], cfx_device[4]};

		base = path_resource(3, 0, 6);
		two[0].path = base;
		assert_int_equal(
			lwm2m_json_encode(&base, two, 2, NULL, buf, 600),
			-EINVAL);
		base = path_instance(3, 0);
	}
	/* Every buffer short of the full length: -ENOBUFS, nothing written
	 * past the end. */
	cfx_assert_nobufs_text(lwm2m_json_encode, &base, cfx_device,
			       CFX_NDEVICE, strlen(DEVICE_COMPACT));
}

static void test_decode_malformed(void **state)
{
	static const struct cfx_bad bad[] = {
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
	struct cfx_got g;

	(void)state;
	cfx_assert_malformed_text(decode, bad, sizeof(bad) / sizeof(bad[0]),
				  path_instance(3442, 0), cfx_test_types);
	/* A NUL byte inside the text. */
	assert_int_equal(decode("{\"e\":[]}\0", 9, path_root(), NULL, &g),
			 -EBADMSG);
}

static void test_decode_truncated(void **state)
{
	(void)state;
	/* Every proper prefix is an error, and never reads past its end
	 * (ASan checks the heap copy). */
	cfx_assert_truncated(decode, DEVICE_COMPACT, strlen(DEVICE_COMPACT),
			     path_instance(3, 0), cfx_device_types);
}

static void test_deep_nesting(void **state)
{
	char *s = malloc(2100);
	size_t o = 0;
	struct cfx_got g;

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
	struct cfx_got g;

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
	struct cfx_got g;
	struct codec_decoder dec =
		cfx_decoder(path_instance(3, 0), NULL, NULL, &g);

	(void)state;
	g.fail_at = 3;
	g.fail_err = -42;
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

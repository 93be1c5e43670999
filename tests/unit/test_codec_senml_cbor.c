/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SenML CBOR (112).  Golden vectors:
 *  - DEVICE_HEX: the hex bytes of the Read of /3/0 in
 *    OMA-TS-LightweightM2M_Core-V1_1 §7.4.5 (the same 196 bytes are in
 *    1.1.1 §7.4.5 and, annotated, in 1.2 Core §7.5.7 / Appendix M).  We
 *    decode them and must re-encode them byte for byte: this fixes our
 *    choices (bn, n, value order; shortest integers; definite lengths).
 *  - HISTORY_HEX, SINGLE_HEX, HIERARCHY: the SenML JSON examples of 1.1
 *    Core Tables 7.4.4-3..5 (the specification gives them in JSON only)
 *    translated label for label into CBOR; floats such as 22.4 are not
 *    exact in binary32, so they stay binary64.
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

#include "codec_senml_cbor.h"
#include "codec_fixture.h"

#define DEVICE_HEX                                                             \
	"90a321652f332f302f00613003744f70656e204d6f62696c6520416c6c69616e63"   \
	"65a200613103764c69676874776569676874204d324d20436c69656e74a2006132"   \
	"0369333435303030313233a20061330363312e30a20063362f300201a20063362f"   \
	"310205a20063372f3002190ed8a20063372f3102191388a20063382f3002187da2"   \
	"0063382f3102190384a2006139021864a200623130020fa2006431312f300200a2"   \
	"00623133021a5182428fa20062313403662b30323a3030a200623136036155"

#define HISTORY_HEX                                                            \
	"83a521642f37322f221a0184876a0063312f3202fb403666666666666606"         \
	"24a30063312f3202fb4036e666666666660638"                               \
	"1da30063312f3202fb403819999999999a063831"

#define SINGLE_HEX                                                             \
	"81a221662f332f302f3003744f70656e204d6f62696c6520416c6c69616e6365"

/* Hex to bytes into a heap buffer of exactly the right size, so ASan sees
 * any read past the end. */
static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *b = malloc(n ? n : 1);

	assert_non_null(b);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*len = n;
	return b;
}

/* ---- helpers ------------------------------------------------------------ */

static int decode(const void *s, size_t len, struct path base,
		  const struct cfx_type *types, struct cfx_got *g)
{
	struct codec_decoder dec = cfx_table_decoder(base, types, g);

	return senml_cbor_decode(s, len, &dec);
}

static int decode_hex(const char *hex, struct path base,
		      const struct cfx_type *types, struct cfx_got *g)
{
	size_t len;
	uint8_t *b = unhex(hex, &len);
	int err = decode(b, len, base, types, g);

	free(b);
	return err;
}

static void assert_encodes_hex(const struct path *base, const struct record *r,
			       size_t n, const double *bt, const char *hex)
{
	uint8_t buf[2048];
	size_t len;
	uint8_t *want = unhex(hex, &len);
	int got = senml_cbor_encode(base, r, n, bt, buf, sizeof(buf));

	if (got != (int)len || memcmp(buf, want, len)) {
		char out[4097];

		free(want);
		for (int i = 0; i < got && i < 2048; i++)
			sprintf(out + 2 * i, "%02x", buf[i]);
		fail_msg("encoded %d bytes %s\nwant %s", got,
			 got > 0 ? out : "", hex);
	}
	free(want);
}

static void test_spec_device(void **state)
{
	struct path base = path_instance(3, 0);
	struct cfx_got g;

	(void)state;
	assert_int_equal(decode_hex(DEVICE_HEX, base, cfx_device_types, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_records_equal(g.recs, cfx_device, CFX_NDEVICE);
	assert_encodes_hex(&base, g.recs, g.n, NULL, DEVICE_HEX);
	assert_encodes_hex(&base, cfx_device, CFX_NDEVICE, NULL, DEVICE_HEX);
	/* Untyped: integers stay INTEGER, strings STRING. */
	assert_int_equal(decode_hex(DEVICE_HEX, base, NULL, &g),
			 (int)CFX_NDEVICE);
	cfx_assert_device_untyped(&g);
}

static void test_spec_history(void **state)
{
	const double bt = 25462634;
	struct path base = path_object(72);
	struct record r[3];
	struct cfx_got g;

	(void)state;
	cfx_history(bt, r);
	assert_encodes_hex(&base, r, 3, &bt, HISTORY_HEX);
	assert_int_equal(decode_hex(HISTORY_HEX, base, NULL, &g), 3);
	cfx_assert_records_equal(g.recs, r, 3);
}

static void test_spec_single_and_hierarchy(void **state)
{
	struct path base = path_resource(3, 0, 0);
	uint8_t buf[512];
	struct cfx_got g;
	int len;

	(void)state;
	assert_encodes_hex(&base, cfx_device, 1, NULL, SINGLE_HEX);
	assert_int_equal(decode_hex(SINGLE_HEX, base, cfx_device_types, &g), 1);
	cfx_assert_records_equal(g.recs, cfx_device, 1);
	/* Table 7.4.4-4: bn "/", "vlo" as a text label. */
	base = path_root();
	len = senml_cbor_encode(&base, cfx_hierarchy, 12, NULL, buf,
				sizeof(buf));
	assert_true(len > 0);
	assert_memory_equal(buf,
			    "\x8c\xa3\x21\x61/\x00\x68"
			    "65/0/0/0\x63vlo\x64"
			    "66:0",
			    22);
	assert_int_equal(
		decode(buf, (size_t)len, base, cfx_hierarchy_types, &g), 12);
	cfx_assert_records_equal(g.recs, cfx_hierarchy, 12);
	/* The null link as the specification prints it ("FFFF:FFFF"). */
	assert_int_equal(decode_hex("81a221672f36362f312f3263766c6f69"
				    "464646463a46464646",
				    base, NULL, &g),
			 1);
	assert_int_equal(g.recs[0].value.v.lnk.oid, 65535);
	assert_int_equal(g.recs[0].value.v.lnk.iid, 65535);
}

static void test_round_trip_all_types(void **state)
{
	static const uint8_t op[] = {1, 2, 3, 4, 5};
	const struct record r[] = {
		{.path = {{3442, 0, 1}, 3}, .value = STR("a\"\n")},
		{.path = {{3442, 0, 2}, 3}, .value = INT(INT64_MIN)},
		{.path = {{3442, 0, 3}, 3},
		 .value = {.type = LWB_TYPE_UNSIGNED, .v.u = UINT64_MAX}},
		{.path = {{3442, 0, 4}, 3},
		 .value = {.type = LWB_TYPE_FLOAT, .v.f = 1.5}},
		{.path = {{3442, 0, 5}, 3},
		 .value = {.type = LWB_TYPE_BOOLEAN, .v.b = true}},
		{.path = {{3442, 0, 6}, 3},
		 .value = {.type = LWB_TYPE_OPAQUE, .v.bytes = {op, 5}}},
		{.path = {{3442, 0, 7}, 3},
		 .value = {.type = LWB_TYPE_TIME, .v.i = -25}},
		{.path = {{3442, 0, 8}, 3}, .value = LNK(3, 0)},
		{.path = {{3442, 0, 9}, 3},
		 .value = {.type = LWB_TYPE_CORELNK, .v.bytes = {"</3>", 4}}},
	};
	struct path base = path_instance(3442, 0);
	struct cfx_got g;

	(void)state;
	assert_encodes_hex(&base, r, 9, NULL,
			   "89"
			   "a321682f333434322f302f"
			   "006131"
			   "036361220a"
			   "a2006132"
			   "023b7fffffffffffffff"
			   "a2006133"
			   "021bffffffffffffffff"
			   "a2006134"
			   "02f93e00"
			   "a2006135"
			   "04f5"
			   "a2006136"
			   "08450102030405"
			   "a2006137"
			   "023818"
			   "a2006138"
			   "63766c6f63333a30"
			   "a2006139"
			   "03643c2f333e");
	{
		uint8_t buf[256];
		int len = senml_cbor_encode(&base, r, 9, NULL, buf, 256);

		assert_int_equal(
			decode(buf, (size_t)len, base, cfx_test_types, &g), 9);
		cfx_assert_records_equal(g.recs, r, 9);
	}
}

static void test_float_widths(void **state)
{
	static const struct {
		double d;
		const char *hex;
	} cases[] = {
		{0.0, "f90000"},
		{-0.0, "f98000"},
		{1.5, "f93e00"},
		{65504.0, "f97bff"},
		{6.103515625e-05, "f90400"}, /* smallest normal half */
		{5.960464477539063e-08, "fa33800000"}, /* subnormal half */
		{100000.0, "fa47c35000"},
		{3.4028234663852886e38, "fa7f7fffff"},
		{0.1, "fb3fb999999999999a"},
		{1e300, "fb7e37e43c8800759c"},
	};
	struct path base = path_resource(3442, 0, 4);
	struct cfx_got g;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct record r = {
			.path = base,
			.value = {.type = LWB_TYPE_FLOAT, .v.f = cases[i].d}};
		char hex[64];

		snprintf(hex, sizeof(hex), "81a221692f333434322f302f3402%s",
			 cases[i].hex);
		assert_encodes_hex(&base, &r, 1, NULL, hex);
		assert_int_equal(decode_hex(hex, base, cfx_test_types, &g), 1);
		assert_true(g.recs[0].value.v.f == cases[i].d);
		assert_int_equal(signbit(g.recs[0].value.v.f),
				 signbit(cases[i].d));
	}
}

static void test_integers_and_times(void **state)
{
	struct path base = path_resource(3442, 0, 2);
	struct record r = {.path = base, .value = INT(23)};
	struct cfx_got g;

	(void)state;
	assert_encodes_hex(&base, &r, 1, NULL,
			   "81a221692f333434322f302f320217");
	r.value.v.i = 24;
	assert_encodes_hex(&base, &r, 1, NULL,
			   "81a221692f333434322f302f32021818");
	r.value.v.i = -25;
	assert_encodes_hex(&base, &r, 1, NULL,
			   "81a221692f333434322f302f32023818");
	/* A whole-second time is an integer, a fraction a float. */
	r.value.v.i = 1;
	r.has_time = true;
	r.time = 1700000000;
	assert_encodes_hex(&base, &r, 1, NULL,
			   "81a321692f333434322f302f320201061a6553f100");
	r.time = 0.5;
	assert_encodes_hex(&base, &r, 1, NULL,
			   "81a321692f333434322f302f32020106f93800");
	/* Out of range for an Integer resource, but fine untyped
	 * (UNSIGNED). */
	assert_int_equal(decode_hex("81a221692f333434322f302f32021b8000000000"
				    "000000",
				    path_root(), cfx_test_types, &g),
			 -ERANGE);
	assert_int_equal(decode_hex("81a221692f333434322f302f32021b8000000000"
				    "000000",
				    path_root(), NULL, &g),
			 1);
	assert_int_equal(g.recs[0].value.type, LWB_TYPE_UNSIGNED);
	/* -2^64: no type holds it. */
	assert_int_equal(decode_hex("81a221692f333434322f302f32023bffffffffff"
				    "ffffff",
				    path_root(), NULL, &g),
			 -ERANGE);
	/* A float that is whole is a fine Integer; 1.5 is not. */
	assert_int_equal(decode_hex("81a221692f333434322f302f3202f94000",
				    path_root(), cfx_test_types, &g),
			 1);
	assert_int_equal(g.recs[0].value.v.i, 2);
	assert_int_equal(decode_hex("81a221692f333434322f302f3202f93e00",
				    path_root(), cfx_test_types, &g),
			 -ERANGE);
}

static void test_indefinite_and_unknown(void **state)
{
	struct cfx_got g;

	(void)state;
	/* [_ {_ -2: "/3/0/9", 2: 1, 1: "%", 99: [1, {2: 3}], "x": 0} ] */
	assert_int_equal(decode_hex("9fbf21662f332f302f39020101612518638201"
				    "a10203617800ffff",
				    path_root(), NULL, &g),
			 1);
	assert_int_equal(g.recs[0].value.v.i, 1);
	/* -1 (bver) 10 accepted; 11, or bv (-5), or "x_" rejected. */
	assert_int_equal(decode_hex("81a3200a21662f332f302f390201", path_root(),
				    NULL, &g),
			 1);
	assert_int_equal(decode_hex("81a3200b21662f332f302f390201", path_root(),
				    NULL, &g),
			 -EBADMSG);
	assert_int_equal(decode_hex("81a3240121662f332f302f390201", path_root(),
				    NULL, &g),
			 -EBADMSG);
	assert_int_equal(decode_hex("81a362785f0021662f332f302f390201",
				    path_root(), NULL, &g),
			 -EBADMSG);
}

struct bad {
	const char *hex;
	int err;
	const char *why;
};

static void test_decode_malformed(void **state)
{
	static const struct bad bad[] = {
		{"", -EBADMSG, "empty"},
		{"a0", -EBADMSG, "not an array"},
		{"8101", -EBADMSG, "element not a map"},
		{"80ff", -EBADMSG, "trailing byte"},
		{"81a0", -EBADMSG, "no name, no value"},
		{"81a1f600", -EBADMSG, "null key"},
		{"81a221662f332f302f39026178", -EBADMSG, "v is text"},
		{"81a221662f332f302f3903f5", -EBADMSG, "vs is a bool"},
		{"81a221662f332f302f390461", -EBADMSG, "truncated"},
		{"81a221662f332f302f390362ff00", -EBADMSG, "vs not UTF-8"},
		{"81a321662f332f302f39020102", -EBADMSG, "two v"},
		{"81a321662f332f302f3902010403", -EBADMSG, "vb not bool"},
		{"81a321662f332f302f3902010301", -EBADMSG, "vs not text"},
		{"81a321662f332f302f39020121612f", -EBADMSG, "bn twice"},
		{"81a221662f332f302f3902f97e00", -EBADMSG, "NaN"},
		{"81a221662f332f302f3902f97c00", -EBADMSG, "Infinity"},
		{"81a221662f332f302f3902c101", -EBADMSG, "tag"},
		{"81a2217f612fff0201", -EBADMSG, "chunked text"},
		{"81a221642f332f300201", -EBADMSG, "instance level"},
		{"81a221662f342f302f390201", -EINVAL, "outside /3"},
		{"81a221662f332f302f390863010203", -EBADMSG, "vd is text"},
		{"81a221662f332f302f396376"
		 "6c6f6131",
		 -EBADMSG, "bad vlo"},
		{"81a30061390201", -EBADMSG, "map count too big"},
		{"81a221662f332f302f39021c", -EBADMSG, "reserved ai"},
		{"81a2216a2f33", -EBADMSG, "string past the end"},
		{"9b000000010000000000000000000000000000", -E2BIG,
		 "2^32 records claimed, 10 bytes follow"},
		{"9bffffffffffffffff00", -E2BIG, "2^64-1 records claimed"},
		{"81bbffffffffffffffff0000", -EBADMSG, "2^64-1 pairs"},
		{"81a321662f332f302f39020118639bffffffffffffffff00", -EBADMSG,
		 "unknown field claiming 2^64-1 items"},
		{"81a221682f332f302f3900000201", -EBADMSG, "NUL in name"},
	};
	struct cfx_got g;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = decode_hex(bad[i].hex, path_object(3), NULL, &g);

		if (err != bad[i].err)
			fail_msg("%s (%s): got %d, want %d", bad[i].why,
				 bad[i].hex, err, bad[i].err);
		assert_int_equal(g.n, 0);
	}
}

static void test_decode_truncated(void **state)
{
	size_t len;
	uint8_t *full = unhex(DEVICE_HEX, &len);

	(void)state;
	cfx_assert_truncated(decode, full, len, path_instance(3, 0),
			     cfx_device_types);
	free(full);
}

static void test_deep_nesting(void **state)
{
	/* {-2: "/3/0/9", 2: 1, 99: [[[[...1000...]]]]} */
	size_t n = 1000, o = 0;
	uint8_t *b = malloc(16 + n);
	struct cfx_got g;

	(void)state;
	memcpy(b, "\x81\xa3\x21\x66/3/0/9\x02\x01\x18\x63", 14);
	o = 14;
	for (size_t i = 0; i < n - 1; i++)
		b[o++] = 0x81;
	b[o++] = 0x80;
	assert_int_equal(decode(b, o, path_root(), NULL, &g), -EBADMSG);
	/* The same with indefinite arrays. */
	for (size_t i = 14; i < o; i++)
		b[i] = 0x9f;
	assert_int_equal(decode(b, o, path_root(), NULL, &g), -EBADMSG);
	free(b);
}

static void test_too_many_records(void **state)
{
	static const uint8_t rec[] = {0xa2, 0x00, 0x66, '/',  '3', '/',
				      '0',  '/',  '9',	0x02, 0x01};
	size_t n = CODEC_MAX_RECORDS + 1, o = 1;
	uint8_t *b = malloc(n * sizeof(rec) + 2);
	struct cfx_got g;
	struct codec_decoder dec = {.base = path_root()};
	size_t count = 0;

	(void)state;
	(void)g;
	b[0] = 0x9f; /* indefinite: the count is only known by walking */
	for (size_t i = 0; i < n; i++, o += sizeof(rec))
		memcpy(b + o, rec, sizeof(rec));
	b[o++] = 0xff;
	dec.on_record = cfx_count;
	dec.record_ctx = &count;
	assert_int_equal(senml_cbor_decode(b, o, &dec), -E2BIG);
	assert_int_equal(count, CODEC_MAX_RECORDS);
	/* Exactly the limit is fine. */
	b[o - 1 - sizeof(rec)] = 0xff;
	count = 0;
	assert_int_equal(senml_cbor_decode(b, o - sizeof(rec), &dec),
			 CODEC_MAX_RECORDS);
	free(b);
}

static void test_encode_errors(void **state)
{
	struct path base = path_instance(3, 0);
	struct record r = cfx_device[0];
	uint8_t buf[300];
	int full;

	(void)state;
	r.value.type = LWB_TYPE_NONE;
	assert_int_equal(senml_cbor_encode(&base, &r, 1, NULL, buf, 300),
			 -EINVAL);
	r = cfx_device[0];
	r.path = path_resource(4, 0, 0);
	assert_int_equal(senml_cbor_encode(&base, &r, 1, NULL, buf, 300),
			 -EINVAL);
	r = cfx_device[0];
	r.value = (struct lwb_value){.type = LWB_TYPE_STRING,
				     .v.bytes = {"\xed\xa0\x80", 3}};
	assert_int_equal(senml_cbor_encode(&base, &r, 1, NULL, buf, 300),
			 -EINVAL); /* a surrogate is not UTF-8 */
	r.value = (struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = NAN};
	assert_int_equal(senml_cbor_encode(&base, &r, 1, NULL, buf, 300),
			 -EINVAL);
	full = senml_cbor_encode(&base, cfx_device, CFX_NDEVICE, NULL, buf,
				 300);
	assert_int_equal(full, 196);
	for (int cap = 0; cap < full; cap++) {
		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(senml_cbor_encode(&base, cfx_device,
						   CFX_NDEVICE, NULL, buf,
						   (size_t)cap),
				 -ENOBUFS);
		assert_int_equal(buf[cap], 0xee);
	}
}

static void test_callback_error(void **state)
{
	size_t len;
	uint8_t *b = unhex(DEVICE_HEX, &len);
	struct cfx_got g;
	struct codec_decoder dec =
		cfx_decoder(path_instance(3, 0), NULL, NULL, &g);

	(void)state;
	g.fail_at = 5;
	g.fail_err = -42;
	assert_int_equal(senml_cbor_decode(b, len, &dec), -42);
	assert_int_equal(g.n, 4);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_device),
		cmocka_unit_test(test_spec_history),
		cmocka_unit_test(test_spec_single_and_hierarchy),
		cmocka_unit_test(test_round_trip_all_types),
		cmocka_unit_test(test_float_widths),
		cmocka_unit_test(test_integers_and_times),
		cmocka_unit_test(test_indefinite_and_unknown),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_too_many_records),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_callback_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

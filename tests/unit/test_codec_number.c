/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * codec_format_double(): golden strings, and a few hundred thousand
 * pseudo-random doubles checked against the method it replaced
 * (reference() below, kept here only): the output must read back to the
 * same double, must never be longer, and must be the same string except
 * where 16 significant digits read back and 15 do not.
 */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record.h"

/* The method before: %.15g if it reads back, else %.17g. */
static int reference(double d, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%.15g", d);

	if (strtod(buf, NULL) != d)
		n = snprintf(buf, cap, "%.17g", d);
	return n;
}

static const struct {
	double d;
	const char *want;
} golden[] = {
	/* generated with Python's %-formatting: the old rule, and for the
	 * values that read back at 16 digits but not 15, those 16 digits in
	 * %.17g's layout (the old string in the comment) */
	{0.0, "0"},
	{-0.0, "-0"},
	{1.0, "1"},
	{-1.0, "-1"},
	{22.0, "22"},
	{100.0, "100"},
	{123456789012345.0, "123456789012345"},
	{-999999999999999.0, "-999999999999999"},
	{1e14, "100000000000000"},
	{1e15, "1e+15"},
	{1234567890123456.0, "1234567890123456"},
	{9007199254740992.0, "9007199254740992"},
	{9007199254740994.0, "9007199254740994"},
	{1e16, "1e+16"},
	{12345678901234567890.0, "1.2345678901234567e+19"},
	{1e21, "1e+21"},
	{1e22, "1e+22"},
	{1e23, "1e+23"},
	{-1e21, "-1e+21"},
	{0.1, "0.1"},
	{0.2, "0.2"},
	{0.3, "0.3"},
	{21.5, "21.5"},
	{-0.5, "-0.5"},
	{0.25, "0.25"},
	{3.14, "3.14"},
	{123.456, "123.456"},
	{-1234.5678, "-1234.5678"},
	{12345678.9, "12345678.9"},
	{0.001, "0.001"},
	{0.0001, "0.0001"},
	{0.00012345, "0.00012345"},
	{1e-5, "1e-05"},
	{-1e-5, "-1e-05"},
	{1.5e-5, "1.5e-05"},
	{1e-7, "1e-07"},
	{1e-300, "1e-300"},
	{1e300, "1e+300"},
	{0.1 + 0.2, "0.30000000000000004"},
	{1.0 / 3.0, "0.3333333333333333"}, /* before: "0.33333333333333331" */
	{2.0 / 3.0, "0.6666666666666666"}, /* before: "0.66666666666666663" */
	{-1.0 / 3.0,
	 "-0.3333333333333333"}, /* before: "-0.33333333333333331" */
	{3.14159265358979323846,
	 "3.141592653589793"}, /* before: "3.1415926535897931" */
	{2.7182818284590452354,
	 "2.718281828459045"}, /* before: "2.7182818284590451" */
	{1.41421356237309504880, "1.4142135623730951"},
	{1e-5 / 3.0, "3.3333333333333337e-06"},
	{1.0 + DBL_EPSILON, "1.0000000000000002"},
	{1.0 - DBL_EPSILON / 2,
	 "0.9999999999999999"}, /* before: "0.99999999999999989" */
	{DBL_MAX, "1.7976931348623157e+308"},
	{-DBL_MAX, "-1.7976931348623157e+308"},
	{DBL_MIN, "2.2250738585072014e-308"},
	{4.9406564584124654e-324, "4.94065645841247e-324"},
	{-4.9406564584124654e-324, "-4.94065645841247e-324"},
	{2.2250738585072009e-308,
	 "2.225073858507201e-308"}, /* before: "2.2250738585072009e-308" */
	{1e-320, "9.99988867182683e-321"},
	{0x1p-1022 * 3,
	 "6.675221575521604e-308"}, /* before: "6.6752215755216041e-308" */
	{0x1p60, "1.152921504606847e+18"},
	{0x1p-60,
	 "8.673617379884035e-19"}, /* before: "8.6736173798840355e-19" */
	{5e-324 * 3, "1.48219693752374e-323"},
	{8.41e21, "8.41e+21"},
	{5.0e-5, "5e-05"},
	{9.5367431640625e-07, "9.5367431640625e-07"},
	{2.5e-05, "2.5e-05"},
	{123456.7890123, "123456.7890123"},
	{0.30000000000000004, "0.30000000000000004"},
	{1.7976931348623155e308, "1.7976931348623155e+308"},
	{9.999999999999999e22, "1e+23"},
};

static void test_golden(void **state)
{
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		int n = codec_format_double(golden[i].d, buf, sizeof(buf));

		if (n < 0 || strcmp(buf, golden[i].want) != 0)
			fail_msg("%.17g: got \"%s\" (%d), want \"%s\"",
				 golden[i].d, n < 0 ? "" : buf, n,
				 golden[i].want);
		assert_int_equal(n, (int)strlen(golden[i].want));
	}
}

static void test_errors(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(codec_format_double(NAN, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(codec_format_double(INFINITY, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(codec_format_double(-INFINITY, buf, sizeof(buf)),
			 -EINVAL);
	/* the NUL needs room too */
	assert_int_equal(codec_format_double(123.5, buf, 5), -ENOBUFS);
	assert_int_equal(codec_format_double(123.5, buf, 6), 5);
	assert_string_equal(buf, "123.5");
	assert_int_equal(codec_format_double(-DBL_MAX, buf, 24), -ENOBUFS);
	assert_int_equal(codec_format_double(-DBL_MAX, buf, 25), 24);
	assert_int_equal(codec_format_double(0, buf, 1), -ENOBUFS);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_u64(void)
{
	/* xorshift64*: fixed seed, the same doubles on every run */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1du;
}

static unsigned long n_checked, n_shorter;

/* One double against the reference. */
static void check_one(double d)
{
	char got[32], ref[32], r16[32];
	int n, rn;

	if (!isfinite(d))
		return;
	n = codec_format_double(d, got, sizeof(got));
	rn = reference(d, ref, sizeof(ref));
	if (n <= 0 || (size_t)n != strlen(got))
		fail_msg("%a: returned %d for \"%s\"", d, n, got);
	if (strtod(got, NULL) != d || signbit(strtod(got, NULL)) != signbit(d))
		fail_msg("%a: \"%s\" reads back as %a", d, got,
			 strtod(got, NULL));
	if (n > rn)
		fail_msg("%a: \"%s\" is longer than \"%s\"", d, got, ref);
	if (strcmp(got, ref) != 0) {
		/* Only where 16 digits read back and 15 did not (the
		 * reference then printed 17). */
		snprintf(r16, sizeof(r16), "%.16g", d);
		snprintf(ref, sizeof(ref), "%.15g", d);
		if (strtod(ref, NULL) == d || strtod(r16, NULL) != d)
			fail_msg("%a: \"%s\", the reference \"%s\"", d, got,
				 ref);
		n_shorter++;
	}
	n_checked++;
}

static void test_random_bits(void **state)
{
	(void)state;
	/* Any bit pattern: every exponent, subnormals, both signs. */
	for (int i = 0; i < 200000; i++) {
		uint64_t b = next_u64();
		double d;

		memcpy(&d, &b, sizeof(d));
		check_one(d);
	}
}

static void test_random_ranges(void **state)
{
	(void)state;
	for (int i = 0; i < 50000; i++) {
		uint64_t r = next_u64();
		/* sensor-like magnitudes: [-1000, 1000) and a sine's values */
		double u = (double)(r >> 11) * 0x1p-53;

		check_one(u * 2000.0 - 1000.0);
		check_one(sin(u * 1e-4));
		/* short decimals (the fast path) and their neighbours */
		check_one((double)(int64_t)(r % 2000001 - 1000000) /
			  pow(10, (double)((r >> 40) % 8)));
		check_one(nextafter((double)(r % 100000) / 100.0, 0));
		/* integers around 10^15 and 2^53 */
		check_one((double)(r >> 10));
		/* powers of two and their neighbours (the rounding interval
		 * is lopsided there) */
		check_one(ldexp(1.0, (int)(r % 2098) - 1074));
		check_one(nextafter(ldexp(1.0, (int)(r % 2046) - 1021), 0));
	}
	print_message("%lu doubles checked, %lu printed shorter than "
		      "before\n",
		      n_checked, n_shorter);
	assert_true(n_shorter > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_random_bits),
		cmocka_unit_test(test_random_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sim plugin's own arithmetic (plugins/sim/sim_math.c) against libm,
 * which this test may link and the plugin does not.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "sim_math.h"

#define TWO_PI 6.283185307179586476925286766559

/* A reproducible spread of doubles: xorshift64*, as in the plugin. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static double unit(void)
{
	return (double)(next() >> 11) * 0x1p-53;
}

/* sin(2 pi p) by libm, with the reduction done first so that libm's sin
 * is not handed an argument whose own rounding (2 pi p) is the error. */
static double ref_sin_turns(double p)
{
	return sin(TWO_PI * (p - round(p)));
}

static void check_sin(double p, double abs_tol, double rel_tol)
{
	double got = sim_sin_turns(p), want = ref_sin_turns(p);
	double err = fabs(got - want);

	if (err > abs_tol && err > rel_tol * fabs(want))
		fail_msg("sim_sin_turns(%.17g) = %.17g, libm %.17g (err %.3g)",
			 p, got, want, err);
}

static void test_sin_whole_period(void **state)
{
	double worst = 0;

	(void)state;
	for (int i = 0; i <= 400000; i++) {
		double p = -1.0 + (double)i / 200000.0; /* two periods */
		double err = fabs(sim_sin_turns(p) - ref_sin_turns(p));

		if (err > worst)
			worst = err;
	}
	for (int i = 0; i < 200000; i++) {
		double p = (unit() - 0.5) * 2e6; /* far from zero */
		double err = fabs(sim_sin_turns(p) - ref_sin_turns(p));

		if (err > worst)
			worst = err;
	}
	printf("# worst absolute error against libm: %.3g\n", worst);
	assert_true(worst <= 1e-15);
}

/* Exact points: quarter turns and the zeros. */
static void test_sin_landmarks(void **state)
{
	(void)state;
	assert_true(sim_sin_turns(0.0) == 0.0);
	assert_true(signbit(sim_sin_turns(-0.0)));
	assert_true(sim_sin_turns(0.25) == 1.0);
	assert_true(sim_sin_turns(-0.25) == -1.0);
	assert_true(sim_sin_turns(0.5) == 0.0);
	assert_true(sim_sin_turns(1.0) == 0.0);
	assert_true(sim_sin_turns(1e6 + 0.25) == 1.0);
	assert_true(sim_sin_turns(0x1p60) == 0.0);
	assert_true(isnan(sim_sin_turns(INFINITY)));
	assert_true(isnan(sim_sin_turns(NAN)));
	check_sin(1.0 / 12, 1e-16, 0); /* sin(pi/6) = 1/2 */
	assert_true(fabs(sim_sin_turns(1.0 / 12) - 0.5) < 1e-16);
}

/* Tiny arguments keep their relative accuracy: bench_notify recovers
 * t = asin(v) / 2 pi * 1e12 to the millisecond from v = sin(2 pi t /
 * 1e12) with t a monotonic clock in ms (here up to a year). */
static void test_sin_tiny(void **state)
{
	(void)state;
	for (double p = 1e-300; p < 1e-3; p *= 1.37) {
		check_sin(p, 0, 4 * DBL_EPSILON);
		check_sin(-p, 0, 4 * DBL_EPSILON);
	}
	check_sin(DBL_MIN, 0, 0);
	check_sin(DBL_TRUE_MIN, 0, 0);
	for (int i = 0; i < 100000; i++) {
		uint64_t t = next() >> 29; /* 0 .. 2^35 ms */
		double v = sim_sin_turns(sim_phase((double)t, 1e12));
		long long back = llround(asin(v) / TWO_PI * 1e12);

		if (back != (long long)t)
			fail_msg("t %llu ms came back as %lld",
				 (unsigned long long)t, back);
	}
}

static void test_round(void **state)
{
	static const double cases[] = {
		0.0,
		-0.0,
		0.3,
		-0.3,
		0.5,
		-0.5,
		1.5,
		-1.5,
		2.5,
		-2.5,
		0.49999999999999994,
		-0.49999999999999994,
		4503599627370495.5,
		-4503599627370495.5,
		0x1p52,
		0x1p52 + 1,
		1e300,
		-1e300,
		DBL_TRUE_MIN,
		-DBL_TRUE_MIN,
		123456.5,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double x = cases[i], got = sim_round(x), want = round(x);

		if (!(got == want && signbit(got) == signbit(want)))
			fail_msg("sim_round(%.17g) = %.17g, round %.17g", x,
				 got, want);
	}
	assert_true(isinf(sim_round(INFINITY)));
	assert_true(isnan(sim_round(NAN)));
	for (int i = 0; i < 200000; i++) {
		/* values as the plugin scales them: v * 10^decimals */
		double x = (unit() - 0.5) * sim_pow10((int)(next() % 10)) * 2e3;

		if (sim_round(x) != round(x))
			fail_msg("sim_round(%.17g) = %.17g, round %.17g", x,
				 sim_round(x), round(x));
	}
}

static void test_pow10(void **state)
{
	(void)state;
	for (int n = 0; n <= 9; n++)
		assert_true(sim_pow10(n) == pow(10.0, n));
	assert_true(sim_pow10(-1) == 0);
	assert_true(sim_pow10(10) == 0);
}

static void test_phase(void **state)
{
	(void)state;
	assert_true(sim_phase(0, 1000) == 0);
	assert_true(sim_phase(250, 1000) == 0.25);
	assert_true(sim_phase(1250, 1000) == 0.25);
	assert_true(sim_phase(-250, 1000) == 0.75);
	assert_true(sim_phase(3000, 1000) == 0);
	assert_true(sim_phase(INFINITY, 1000) == 0);
	assert_true(sim_phase(NAN, 1000) == 0);
	assert_true(sim_phase(1e300, 1e-3) == 0);
	for (int i = 0; i < 200000; i++) {
		double period = 1.0 + unit() * 1e6;
		double t = unit() * 1e10 - 1e9;
		double got = sim_phase(t, period);
		double want = fmod(t, period) / period;

		if (want < 0)
			want += 1;
		assert_true(got >= 0 && got < 1);
		/* a few ulps of t, measured in periods; 0 and 1 are one */
		if (fabs(got - want) > 8 * DBL_EPSILON * fabs(t) / period &&
		    fabs(fabs(got - want) - 1) > 1e-9)
			fail_msg("sim_phase(%.17g, %.17g) = %.17g, fmod %.17g",
				 t, period, got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sin_whole_period),
		cmocka_unit_test(test_sin_landmarks),
		cmocka_unit_test(test_sin_tiny),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_pow10),
		cmocka_unit_test(test_phase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sim plugin alone, against the mock host and its fake clock.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lwm2m-bridge/mock_host.h"
#include "lwm2m-bridge/plugin.h"

extern const struct lwb_plugin lwb_plugin;

#define TWO_PI 6.283185307179586476925286766559

/* ---- helpers ------------------------------------------------------------ */

static struct lwb_mock *start(const char *settings)
{
	struct lwb_mock *m = lwb_mock_new("sim", settings);

	assert_non_null(m);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	return m;
}

/* Stops, checks the plugin broke no rule, frees. */
static void finish(struct lwb_mock *m)
{
	lwb_mock_stop(m);
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	lwb_mock_free(m);
}

static struct lwb_value value_of(struct lwb_mock *m, uint16_t oid, uint16_t iid,
				 uint16_t rid, enum lwb_type type)
{
	struct lwb_value v;

	assert_int_equal(
		lwb_mock_value(m, oid, iid, rid, LWB_NO_RIID, &v, NULL), 0);
	assert_int_equal(v.type, type);
	return v;
}

static double fval(struct lwb_mock *m, uint16_t oid, uint16_t iid, uint16_t rid)
{
	return value_of(m, oid, iid, rid, LWB_TYPE_FLOAT).v.f;
}

static int64_t ival(struct lwb_mock *m, uint16_t oid, uint16_t iid,
		    uint16_t rid)
{
	return value_of(m, oid, iid, rid, LWB_TYPE_INTEGER).v.i;
}

static bool bval(struct lwb_mock *m, uint16_t oid, uint16_t iid, uint16_t rid)
{
	return value_of(m, oid, iid, rid, LWB_TYPE_BOOLEAN).v.b;
}

static void assert_sval(struct lwb_mock *m, uint16_t oid, uint16_t iid,
			uint16_t rid, const char *want)
{
	struct lwb_value v = value_of(m, oid, iid, rid, LWB_TYPE_STRING);

	assert_int_equal(v.v.bytes.len, strlen(want));
	assert_memory_equal(v.v.bytes.ptr, want, strlen(want));
}

static bool has_value(struct lwb_mock *m, uint16_t oid, uint16_t iid,
		      uint16_t rid)
{
	return lwb_mock_value(m, oid, iid, rid, LWB_NO_RIID, NULL, NULL) == 0;
}

/* ---- the demo set ------------------------------------------------------- */

static void check_demo(struct lwb_mock *m)
{
	double t;

	assert_int_equal(lwb_mock_instance_count(m), 6);
	assert_true(lwb_mock_instance_exists(m, 3303, 0));
	assert_true(lwb_mock_instance_exists(m, 3304, 0));
	assert_true(lwb_mock_instance_exists(m, 3200, 0));
	assert_true(lwb_mock_instance_exists(m, 3300, 0));
	assert_true(lwb_mock_instance_exists(m, 3342, 0));
	assert_true(lwb_mock_instance_exists(m, 3201, 0));
	/* One timer per group, all armed. */
	assert_int_equal(lwb_mock_timer_count(m), 5);
	assert_int_equal(lwb_mock_timer_armed_count(m), 5);

	t = fval(m, 3303, 0, 5700);
	assert_true(t >= 15.0 && t <= 30.0);
	assert_sval(m, 3303, 0, 5701, "Cel");
	assert_true(fval(m, 3303, 0, 5603) == 15.0);
	assert_true(fval(m, 3303, 0, 5604) == 30.0);
	assert_true(fval(m, 3303, 0, 5601) == t);
	assert_true(fval(m, 3303, 0, 5602) == t);
	assert_sval(m, 3304, 0, 5701, "%RH");
	assert_true(fval(m, 3304, 0, 5700) == 50.0);
	assert_int_equal(ival(m, 3200, 0, 5501), 0);
	assert_false(bval(m, 3200, 0, 5500));
	assert_sval(m, 3300, 0, 5750, "sine");
	assert_false(has_value(m, 3300, 0, 5701)); /* no units by default */
	assert_false(bval(m, 3342, 0, 5500));
	assert_false(bval(m, 3201, 0, 5550));
	assert_true(lwb_mock_log_contains(m, "seed"));

	/* Human rates: counter 1 s, switch 5 s, sine 200 ms. */
	assert_int_equal(lwb_mock_advance(m, 10000),
			 10 + 5 + 10 + 50 + 2); /* temp hum counter sine sw */
	assert_int_equal(ival(m, 3200, 0, 5501), 10);
	assert_int_equal(ival(m, 3342, 0, 5501), 2);
	t = fval(m, 3303, 0, 5700);
	assert_true(t >= 15.0 && t <= 30.0);
}

static void test_demo_without_settings(void **state)
{
	struct lwb_mock *m = start(NULL);

	(void)state;
	check_demo(m);
	finish(m);
}

static void test_demo_with_seed_only(void **state)
{
	struct lwb_mock *m = start("seed = 7;");

	(void)state;
	check_demo(m);
	assert_true(lwb_mock_log_contains(m, "seed 7"));
	finish(m);
}

/* ---- each type ---------------------------------------------------------- */

static void test_temperature_walk(void **state)
{
	struct lwb_mock *m = start(
		"seed = 1; sensors = ({ type = \"temperature\"; count = 3;"
		" interval_ms = 100; min = 10.0; max = 12; step = 1.5;"
		" start = 11.0; });");
	double seen_lo = 1e9, seen_hi = -1e9;

	(void)state;
	for (uint16_t i = 0; i < 3; i++) {
		assert_true(fval(m, 3303, i, 5700) == 11.0);
		assert_true(fval(m, 3303, i, 5603) == 10.0);
		assert_true(fval(m, 3303, i, 5604) == 12.0);
	}
	for (int tick = 0; tick < 500; tick++) {
		assert_int_equal(lwb_mock_advance(m, 100), 1);
		for (uint16_t i = 0; i < 3; i++) {
			double v = fval(m, 3303, i, 5700);
			double lo = fval(m, 3303, i, 5601);
			double hi = fval(m, 3303, i, 5602);

			assert_true(v >= 10.0 && v <= 12.0);
			assert_true(lo <= v && v <= hi);
			assert_true(lo >= 10.0 && hi <= 12.0);
			/* Two decimals by default. */
			assert_true(fabs(v * 100 - round(v * 100)) < 1e-6);
			seen_lo = fmin(seen_lo, v);
			seen_hi = fmax(seen_hi, v);
		}
	}
	/* A walk with a step this wide visits both ends of the range. */
	assert_true(seen_lo < 10.3);
	assert_true(seen_hi > 11.7);
	finish(m);
}

static void test_humidity_walk(void **state)
{
	struct lwb_mock *m = start(
		"seed = 2; sensors = ({ type = \"humidity\"; interval_ms = 10;"
		" step = 30.0; decimals = 0; });");

	(void)state;
	assert_sval(m, 3304, 0, 5701, "%RH");
	assert_true(fval(m, 3304, 0, 5603) == 0.0);
	assert_true(fval(m, 3304, 0, 5604) == 100.0);
	for (int tick = 0; tick < 300; tick++) {
		double v;

		lwb_mock_advance(m, 10);
		v = fval(m, 3304, 0, 5700);
		assert_true(v >= 0.0 && v <= 100.0);
		assert_true(v == round(v));
	}
	finish(m);
}

static double sine(double offset, double amp, double period_s, uint64_t t)
{
	return offset + amp * sin(TWO_PI * ((double)t / 1000.0) / period_s);
}

static void test_sine_formula(void **state)
{
	struct lwb_mock *m = start(
		"sensors = ({ type = \"sine\"; interval_ms = 250;"
		" offset = 5.0; amplitude = 2.0; period_s = 10.0;"
		" decimals = -1; units = \"V\"; application_type = \"wave\";"
		" count = 2; });");

	(void)state;
	assert_true(fabs(fval(m, 3300, 0, 5700) -
			 sine(5, 2, 10, lwb_mock_now_ms(m))) < 1e-9);
	assert_true(fval(m, 3300, 1, 5603) == 3.0);
	assert_true(fval(m, 3300, 1, 5604) == 7.0);
	assert_sval(m, 3300, 0, 5701, "V");
	assert_sval(m, 3300, 1, 5750, "wave");
	for (int tick = 0; tick < 80; tick++) {
		double want;

		assert_int_equal(lwb_mock_advance(m, 250), 1);
		want = sine(5, 2, 10, lwb_mock_now_ms(m));
		assert_true(fabs(fval(m, 3300, 0, 5700) - want) < 1e-9);
		assert_true(fabs(fval(m, 3300, 1, 5700) - want) < 1e-9);
	}
	/* 20 s = two periods: the measured extremes are (nearly) the
	 * range. */
	assert_true(fval(m, 3300, 0, 5601) < 3.01);
	assert_true(fval(m, 3300, 0, 5602) > 6.99);
	finish(m);
}

static void test_sine_burst(void **state)
{
	struct lwb_mock *m = start(
		"sensors = ({ type = \"sine\"; interval_ms = 1000; burst = 4;"
		" amplitude = 10.0; period_s = 3.0; decimals = -1; });");
	uint64_t c0;

	(void)state;
	c0 = lwb_mock_change_count(m);
	assert_int_equal(lwb_mock_advance(m, 1000), 1);
	/* Four distinct samples of the last second, ending at now. */
	assert_true(lwb_mock_change_count(m) - c0 >= 4);
	assert_true(fabs(fval(m, 3300, 0, 5700) -
			 sine(0, 10, 3, lwb_mock_now_ms(m))) < 1e-9);
	finish(m);
}

static void test_counter(void **state)
{
	struct lwb_mock *m = start("sensors = ({ type = \"counter\";"
				   " interval_ms = 500; step = 3; });");
	uint64_t p0 = lwb_mock_publish_count(m);

	(void)state;
	assert_int_equal(lwb_mock_advance(m, 5000), 10);
	/* Each change publishes the counter and the toggled state. */
	assert_int_equal(lwb_mock_publish_count(m) - p0, 20);
	assert_int_equal(ival(m, 3200, 0, 5501), 30);
	assert_false(bval(m, 3200, 0, 5500)); /* 10 toggles */
	lwb_mock_advance(m, 500);
	assert_true(bval(m, 3200, 0, 5500));
	assert_int_equal(ival(m, 3200, 0, 5501), 33);

	assert_int_equal(lwb_mock_execute(m, 3200, 0, 5505, NULL, 0), 0);
	assert_int_equal(ival(m, 3200, 0, 5501), 0);
	lwb_mock_advance(m, 500);
	assert_int_equal(ival(m, 3200, 0, 5501), 3);
	assert_int_equal(lwb_mock_execute(m, 3200, 0, 5605, NULL, 0),
			 -EOPNOTSUPP);
	finish(m);
}

static void test_switch_toggles(void **state)
{
	struct lwb_mock *m = start("sensors = ({ type = \"switch\";"
				   " interval_ms = 1000; });");

	(void)state;
	assert_false(lwb_mock_instance_exists(m, 3201, 0)); /* no output */
	lwb_mock_advance(m, 3000);
	assert_true(bval(m, 3342, 0, 5500));
	assert_int_equal(ival(m, 3342, 0, 5501), 3);
	lwb_mock_advance(m, 1000);
	assert_false(bval(m, 3342, 0, 5500));
	assert_int_equal(ival(m, 3342, 0, 5501), 4);
	finish(m);
}

static void test_switch_probability(void **state)
{
	struct lwb_mock *never = start("sensors = ({ type = \"switch\";"
				       " interval_ms = 100;"
				       " probability = 0.0; });");
	struct lwb_mock *half = start("seed = 3; sensors = ({ type = "
				      "\"switch\"; interval_ms = 100;"
				      " probability = 0.5; });");
	uint64_t p0 = lwb_mock_publish_count(never);
	int64_t n;

	(void)state;
	assert_int_equal(lwb_mock_advance(never, 10000), 100);
	assert_int_equal(lwb_mock_publish_count(never) - p0, 0);
	assert_int_equal(ival(never, 3342, 0, 5501), 0);
	lwb_mock_advance(half, 10000);
	n = ival(half, 3342, 0, 5501);
	assert_true(n > 25 && n < 75);
	assert_int_equal(bval(half, 3342, 0, 5500), n % 2 == 1);
	finish(never);
	finish(half);
}

static void test_output_write(void **state)
{
	struct lwb_mock *m = start("sensors = ({ type = \"switch\";"
				   " first_instance = 7; count = 2;"
				   " output = true; });");
	struct lwb_value on = {.type = LWB_TYPE_BOOLEAN, .v.b = true};
	struct lwb_value num = {.type = LWB_TYPE_INTEGER, .v.i = 1};
	struct lwb_value app = {.type = LWB_TYPE_STRING,
				.v.bytes = {"lamp", 4}};

	(void)state;
	assert_true(lwb_mock_instance_exists(m, 3342, 7));
	assert_true(lwb_mock_instance_exists(m, 3342, 8));
	assert_true(lwb_mock_instance_exists(m, 3201, 7));
	assert_true(lwb_mock_instance_exists(m, 3201, 8));
	assert_false(bval(m, 3201, 8, 5550));
	assert_int_equal(lwb_mock_write(m, 3201, 8, 5550, LWB_NO_RIID, &on), 0);
	assert_true(bval(m, 3201, 8, 5550));
	assert_false(bval(m, 3201, 7, 5550));
	assert_int_equal(lwb_mock_write(m, 3201, 8, 5550, LWB_NO_RIID, &num),
			 -EINVAL);
	assert_int_equal(lwb_mock_write(m, 3201, 8, 5551, LWB_NO_RIID, &on),
			 -EOPNOTSUPP);
	assert_int_equal(lwb_mock_write(m, 3201, 8, 5550, 0, &on), -ENOENT);
	assert_int_equal(lwb_mock_write(m, 3201, 7, 5750, LWB_NO_RIID, &app),
			 0);
	assert_sval(m, 3201, 7, 5750, "lamp");
	/* The input side does not follow the output. */
	assert_false(bval(m, 3342, 8, 5500));
	assert_int_equal(lwb_mock_execute(m, 3201, 8, 5550, NULL, 0),
			 -EOPNOTSUPP);
	finish(m);
}

static void test_application_type_write(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_value app = {.type = LWB_TYPE_STRING,
				.v.bytes = {"room", 4}};
	struct lwb_value num = {.type = LWB_TYPE_FLOAT, .v.f = 1};

	(void)state;
	assert_int_equal(lwb_mock_write(m, 3303, 0, 5750, LWB_NO_RIID, &app),
			 0);
	assert_sval(m, 3303, 0, 5750, "room");
	assert_int_equal(lwb_mock_write(m, 3300, 0, 5750, LWB_NO_RIID, &app),
			 0);
	assert_sval(m, 3300, 0, 5750, "room");
	assert_int_equal(lwb_mock_write(m, 3200, 0, 5750, LWB_NO_RIID, &num),
			 -EINVAL);
	assert_int_equal(lwb_mock_write(m, 3342, 0, 5852, LWB_NO_RIID, &num),
			 -EOPNOTSUPP);
	assert_int_equal(lwb_mock_write(m, 3303, 0, 5750, 1, &app), -ENOENT);
	finish(m);
}

static void test_execute_reset_minmax(void **state)
{
	struct lwb_mock *m = start("seed = 5; sensors = ({ type = "
				   "\"temperature\"; interval_ms = 100;"
				   " step = 2.0; });");
	double v;

	(void)state;
	lwb_mock_advance(m, 2000);
	assert_true(fval(m, 3303, 0, 5601) < fval(m, 3303, 0, 5602));
	assert_int_equal(lwb_mock_execute(m, 3303, 0, 5605, "", 0), 0);
	v = fval(m, 3303, 0, 5700);
	assert_true(fval(m, 3303, 0, 5601) == v);
	assert_true(fval(m, 3303, 0, 5602) == v);
	assert_int_equal(lwb_mock_execute(m, 3303, 0, 5505, NULL, 0),
			 -EOPNOTSUPP);
	/* The switch has nothing to execute. */
	finish(m);

	m = start(NULL);
	assert_int_equal(lwb_mock_execute(m, 3342, 0, 5605, NULL, 0),
			 -EOPNOTSUPP);
	assert_int_equal(lwb_mock_execute(m, 3300, 0, 5605, NULL, 0), 0);
	assert_int_equal(lwb_mock_execute(m, 3304, 0, 5605, NULL, 0), 0);
	finish(m);
}

/* ---- count, instance ids, intervals, burst ---------------------------- */

static void test_count_and_first_instance(void **state)
{
	struct lwb_mock *m = start(
		"sensors = ("
		" { type = \"temperature\"; count = 100; first_instance = 10;"
		"   interval_ms = 100; },"
		" { type = \"temperature\"; count = 3; },"
		" { type = \"counter\"; count = 2; first_instance = 65533; } "
		");");

	(void)state;
	assert_int_equal(lwb_mock_instance_count(m), 105);
	assert_false(lwb_mock_instance_exists(m, 3303, 9));
	assert_true(lwb_mock_instance_exists(m, 3303, 10));
	assert_true(lwb_mock_instance_exists(m, 3303, 109));
	assert_false(lwb_mock_instance_exists(m, 3303, 110));
	/* Without first_instance: the lowest free ids. */
	assert_true(lwb_mock_instance_exists(m, 3303, 0));
	assert_true(lwb_mock_instance_exists(m, 3303, 2));
	assert_false(lwb_mock_instance_exists(m, 3303, 3));
	assert_true(lwb_mock_instance_exists(m, 3200, 65534));
	/* One timer per group, not per instance. */
	assert_int_equal(lwb_mock_timer_count(m), 3);
	/* 10 ticks of the 100 ms group, 1 of each 1 s group. */
	assert_int_equal(lwb_mock_advance(m, 1000), 12);
	assert_int_equal(ival(m, 3200, 65534, 5501), 1);
	finish(m);
}

static void test_intervals_exact(void **state)
{
	struct lwb_mock *m = start(
		"sensors = ( { type = \"counter\"; interval_ms = 1000; },"
		" { type = \"counter\"; interval_ms = 300; count = 4; } );");
	uint64_t p0 = lwb_mock_publish_count(m);

	(void)state;
	/* 10 + 33 ticks; 2 publishes per change, 1 + 4 instances. */
	assert_int_equal(lwb_mock_advance(m, 10000), 10 + 33);
	assert_int_equal(lwb_mock_publish_count(m) - p0,
			 10 * 2 * 1 + 33 * 2 * 4);
	assert_int_equal(ival(m, 3200, 0, 5501), 10);
	for (uint16_t i = 1; i <= 4; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 33);
	/* Nothing before the first interval ends. */
	p0 = lwb_mock_publish_count(m);
	assert_int_equal(lwb_mock_advance(m, 199), 0);
	assert_int_equal(lwb_mock_publish_count(m) - p0, 0);
	finish(m);
}

static void test_burst(void **state)
{
	struct lwb_mock *m =
		start("seed = 9; sensors = ("
		      " { type = \"counter\"; count = 10; burst = 1000; },"
		      " { type = \"temperature\"; count = 10; burst = 10000;"
		      "   decimals = -1; } );");
	uint64_t c0 = lwb_mock_change_count(m);

	(void)state;
	/* One tick of each group: 10,000 counter changes (2 values each)
	 * and 100,000 temperature changes. */
	assert_int_equal(lwb_mock_advance(m, 1000), 2);
	for (uint16_t i = 0; i < 10; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 1000);
	assert_false(bval(m, 3200, 0, 5500)); /* an even number of toggles */
	assert_true(lwb_mock_change_count(m) - c0 >= 2 * 10000 + 100000);
	finish(m);
}

static void test_spread(void **state)
{
	struct lwb_mock *m = start(
		"sensors = ( { type = \"counter\"; count = 10;"
		" interval_ms = 100; spread = true; },"
		" { type = \"counter\"; count = 30; first_instance = 100;"
		" interval_ms = 100; spread = true; } );");

	(void)state;
	/* 10 slots of 10 ms; 30 in 25 slots of 4 ms (25 divides 100). */
	assert_int_equal(lwb_mock_advance(m, 3), 0);
	assert_int_equal(lwb_mock_advance(m, 1), 1);
	assert_int_equal(ival(m, 3200, 100, 5501), 1);
	assert_int_equal(ival(m, 3200, 125, 5501), 1); /* slot 0 too */
	assert_int_equal(ival(m, 3200, 101, 5501), 0);
	assert_int_equal(lwb_mock_advance(m, 6), 2); /* 8 ms and 10 ms */
	assert_int_equal(ival(m, 3200, 0, 5501), 1);
	assert_int_equal(ival(m, 3200, 1, 5501), 0);
	assert_int_equal(ival(m, 3200, 101, 5501), 1);
	assert_int_equal(ival(m, 3200, 102, 5501), 0);
	/* The rest of the first interval: each instance once. */
	assert_int_equal(lwb_mock_advance(m, 90), 9 + 23);
	for (uint16_t i = 0; i < 10; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 1);
	for (uint16_t i = 100; i < 130; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 1);
	/* Nine more intervals: still once per interval each. */
	assert_int_equal(lwb_mock_advance(m, 900), 9 * (10 + 25));
	for (uint16_t i = 0; i < 10; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 10);
	for (uint16_t i = 100; i < 130; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 10);
	finish(m);
}

/* An interval with no divisor from 2 to count: said, and all at once. */
static void test_spread_prime_interval(void **state)
{
	struct lwb_mock *m = start(
		"sensors = ( { type = \"counter\"; count = 10;"
		" interval_ms = 101; spread = true; } );");

	(void)state;
	assert_true(lwb_mock_log_contains(m, "no divisor"));
	assert_int_equal(lwb_mock_advance(m, 101), 1);
	for (uint16_t i = 0; i < 10; i++)
		assert_int_equal(ival(m, 3200, i, 5501), 1);
	finish(m);
}

/* ---- determinism -------------------------------------------------------- */

#define DET_SETTINGS(seed)                                                     \
	"seed = " seed "; sensors = ("                                         \
	" { type = \"temperature\"; count = 5; interval_ms = 100; },"          \
	" { type = \"switch\"; count = 5; probability = 0.3;"                  \
	"   interval_ms = 100; } );"

static void test_determinism(void **state)
{
	struct lwb_mock *a = start(DET_SETTINGS("42"));
	struct lwb_mock *b = start(DET_SETTINGS("42"));
	struct lwb_mock *c = start(DET_SETTINGS("43"));
	int differ = 0;

	(void)state;
	lwb_mock_advance(a, 5000);
	lwb_mock_advance(b, 5000);
	lwb_mock_advance(c, 5000);
	for (uint16_t i = 0; i < 5; i++) {
		assert_true(fval(a, 3303, i, 5700) == fval(b, 3303, i, 5700));
		assert_true(fval(a, 3303, i, 5601) == fval(b, 3303, i, 5601));
		assert_int_equal(ival(a, 3342, i, 5501),
				 ival(b, 3342, i, 5501));
		differ += fval(a, 3303, i, 5700) != fval(c, 3303, i, 5700);
	}
	assert_true(differ > 0);
	finish(a);
	finish(b);
	finish(c);
}

/* ---- errors ------------------------------------------------------------- */

static void expect_bad(const char *settings, const char *key)
{
	struct lwb_mock *m = lwb_mock_new("sim", settings);

	assert_non_null(m);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -EINVAL);
	if (!lwb_mock_log_contains(m, key))
		fail_msg("settings `%s`: no log line names \"%s\" (first "
			 "line: %s)",
			 settings, key,
			 lwb_mock_log_count(m) ? lwb_mock_log_line(m, 0)
					       : "none");
	assert_true(lwb_mock_log_contains(m, "line "));
	assert_true(lwb_mock_log_contains(m, "err: "));
	assert_int_equal(lwb_mock_instance_count(m), 0);
	assert_int_equal(lwb_mock_timer_count(m), 0);
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	lwb_mock_free(m);
}

#define T(x) "sensors = ({ type = \"temperature\"; " x " });"

static void test_bad_settings(void **state)
{
	(void)state;
	expect_bad("colour = 1;", "colour");
	expect_bad("seed = \"x\";", "seed");
	expect_bad("seed = 1.5;", "seed");
	expect_bad("sensors = 5;", "sensors");
	expect_bad("sensors = ();", "sensors");
	expect_bad("sensors = ( 5 );", "sensors[0]");
	expect_bad("sensors = ({ count = 1; });", "type");
	expect_bad("sensors = ({ type = 5; });", "sensors[0].type");
	expect_bad("sensors = ({ type = \"pressure\"; });", "pressure");
	expect_bad(T("colour = 1;"), "sensors[0].colour");
	expect_bad(T("amplitude = 1.0;"), "sensors[0].amplitude");
	expect_bad(T("interval_ms = \"fast\";"), "sensors[0].interval_ms");
	expect_bad(T("interval_ms = -5;"), "sensors[0].interval_ms");
	expect_bad(T("interval_ms = 0;"), "sensors[0].interval_ms");
	expect_bad(T("interval_ms = 86400001;"), "sensors[0].interval_ms");
	expect_bad(T("interval_ms = 5000000000L;"), "sensors[0].interval_ms");
	expect_bad(T("count = 0;"), "sensors[0].count");
	expect_bad(T("count = 65536;"), "sensors[0].count");
	expect_bad(T("count = 1.0;"), "sensors[0].count");
	expect_bad(T("first_instance = 65535;"), "sensors[0].first_instance");
	expect_bad(T("first_instance = -1;"), "sensors[0].first_instance");
	expect_bad(T("first_instance = 65530; count = 10;"), "first_instance");
	expect_bad(T("burst = 0;"), "sensors[0].burst");
	expect_bad(T("burst = 100001;"), "sensors[0].burst");
	expect_bad(T("min = \"low\";"), "sensors[0].min");
	expect_bad(T("min = 5.0; max = 1.0;"), "min must be below max");
	expect_bad(T("min = 5.0; max = 5.0;"), "min must be below max");
	expect_bad(T("step = -1.0;"), "sensors[0].step");
	expect_bad(T("start = 99.0;"), "start");
	expect_bad(T("decimals = 10;"), "sensors[0].decimals");
	expect_bad(T("decimals = -2;"), "sensors[0].decimals");
	expect_bad(T("application_type = 3;"), "application_type");
	expect_bad(T("units = \"K\";"), "sensors[0].units");
	expect_bad(T("output = true;"), "sensors[0].output");
	expect_bad("sensors = ({ type = \"humidity\"; max = 120.0; });",
		   "0..100");
	expect_bad("sensors = ({ type = \"humidity\"; min = -1.0; });",
		   "0..100");
	expect_bad("sensors = ({ type = \"sine\"; period_s = 0.0; });",
		   "sensors[0].period_s");
	expect_bad("sensors = ({ type = \"sine\"; units = 5; });",
		   "sensors[0].units");
	expect_bad("sensors = ({ type = \"sine\"; min = 1.0; });",
		   "sensors[0].min");
	expect_bad("sensors = ({ type = \"counter\"; step = 0.5; });",
		   "sensors[0].step");
	expect_bad("sensors = ({ type = \"counter\"; step = 0; });",
		   "sensors[0].step");
	expect_bad("sensors = ({ type = \"switch\"; probability = 1.5; });",
		   "sensors[0].probability");
	expect_bad("sensors = ({ type = \"switch\"; output = 1; });",
		   "sensors[0].output");
	/* The second entry is wrong: the first one's strings are freed. */
	expect_bad("sensors = ({ type = \"sine\"; units = \"V\"; },"
		   " { type = \"sine\"; bogus = 1; });",
		   "sensors[1].bogus");
}

static void expect_init_error(const char *settings, const char *func,
			      unsigned int skip, int err, const char *logged)
{
	struct lwb_mock *m = lwb_mock_new("sim", settings);

	assert_non_null(m);
	if (func)
		assert_int_equal(lwb_mock_fail(m, func, skip, err), 0);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), err);
	assert_true(lwb_mock_log_contains(m, logged));
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	lwb_mock_free(m);
}

static void test_init_failures(void **state)
{
	(void)state;
	expect_init_error("sensors = ({ type = \"temperature\"; count = 5; });",
			  "instance_create", 2, -ENOSPC, "cannot create");
	expect_init_error("sensors = ({ type = \"switch\"; output = true;"
			  " first_instance = 3; });",
			  "instance_create", 1, -EEXIST, "/3201/3");
	expect_init_error(NULL, "timer_new", 3, -ENOMEM,
			  "cannot create a "
			  "timer");
	expect_init_error(NULL, "timer_start", 0, -EIO, "cannot start");
	/* Two groups claiming the same ids. */
	expect_init_error("sensors = ("
			  " { type = \"counter\"; first_instance = 0; },"
			  " { type = \"counter\"; first_instance = 0; } );",
			  NULL, 0, -EEXIST, "/3200/0");
}

static void test_publish_errors_rate_limited(void **state)
{
	struct lwb_mock *m = start("sensors = ({ type = \"counter\";"
				   " interval_ms = 1000; count = 3; });");
	size_t logs = lwb_mock_log_count(m);

	(void)state;
	/* Two failures in one tick: one report. */
	assert_int_equal(lwb_mock_fail(m, "publish", 0, -EIO), 0);
	assert_int_equal(lwb_mock_fail(m, "publish", 2, -ENOENT), 0);
	lwb_mock_advance(m, 1000);
	assert_int_equal(lwb_mock_log_count(m), logs + 1);
	assert_non_null(strstr(lwb_mock_log_line(m, logs), "warning: "));
	assert_non_null(strstr(lwb_mock_log_line(m, logs), "2 publish errors"));
	/* The other publishes of the tick went through. */
	assert_int_equal(ival(m, 3200, 2, 5501), 1);
	/* More within the minute after a report: counted, not logged. */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(lwb_mock_fail(m, "publish", 0, -EIO), 0);
		lwb_mock_advance(m, 1000);
	}
	assert_int_equal(lwb_mock_log_count(m), logs + 1);
	/* A minute after the report, what is left is reported, even
	 * though no new error came. */
	lwb_mock_advance(m, 49000);
	assert_int_equal(lwb_mock_log_count(m), logs + 1);
	lwb_mock_advance(m, 1000);
	assert_int_equal(lwb_mock_log_count(m), logs + 2);
	assert_non_null(
		strstr(lwb_mock_log_line(m, logs + 1), "10 publish errors"));
	assert_non_null(strstr(lwb_mock_log_line(m, logs + 1), "12 in all"));
	assert_non_null(
		strstr(lwb_mock_log_line(m, logs + 1), "Input/output error"));
	/* No errors, no report. */
	lwb_mock_advance(m, 120000);
	assert_int_equal(lwb_mock_log_count(m), logs + 2);
	/* The next error, more than a minute later, is reported at once. */
	assert_int_equal(lwb_mock_fail(m, "publish", 0, -ENOENT), 0);
	lwb_mock_advance(m, 1000);
	assert_int_equal(lwb_mock_log_count(m), logs + 3);
	assert_non_null(strstr(lwb_mock_log_line(m, logs + 2), "13 in all"));
	finish(m);
}

/* A failed publish at start-up is reported at once, and is not fatal. */
static void test_publish_error_at_init(void **state)
{
	struct lwb_mock *m = lwb_mock_new("sim", "sensors = ({ type = "
						 "\"temperature\"; });");

	(void)state;
	assert_non_null(m);
	assert_int_equal(lwb_mock_fail(m, "publish", 1, -ENOENT), 0);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	assert_true(lwb_mock_log_contains(m, "warning: sensors[0] "
					     "(temperature, object 3303): 1 "
					     "publish errors"));
	assert_true(lwb_mock_log_contains(m, "No such file or directory"));
	assert_false(has_value(m, 3303, 0, 5601));
	lwb_mock_advance(m, 1000);
	assert_true(fval(m, 3303, 0, 5700) >= 15.0);
	finish(m);
}

static void test_descriptor(void **state)
{
	(void)state;
	assert_int_equal(lwb_plugin.abi_major, LWB_ABI_MAJOR);
	assert_int_equal(lwb_plugin.struct_size, sizeof(struct lwb_plugin));
	assert_string_equal(lwb_plugin.name, "sim");
	assert_non_null(lwb_plugin.init);
	assert_non_null(lwb_plugin.fini);
	lwb_plugin.fini(NULL); /* a destructor accepts NULL */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_demo_without_settings),
		cmocka_unit_test(test_demo_with_seed_only),
		cmocka_unit_test(test_temperature_walk),
		cmocka_unit_test(test_humidity_walk),
		cmocka_unit_test(test_sine_formula),
		cmocka_unit_test(test_sine_burst),
		cmocka_unit_test(test_counter),
		cmocka_unit_test(test_switch_toggles),
		cmocka_unit_test(test_switch_probability),
		cmocka_unit_test(test_output_write),
		cmocka_unit_test(test_application_type_write),
		cmocka_unit_test(test_execute_reset_minmax),
		cmocka_unit_test(test_count_and_first_instance),
		cmocka_unit_test(test_intervals_exact),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_spread_prime_interval),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_bad_settings),
		cmocka_unit_test(test_init_failures),
		cmocka_unit_test(test_publish_errors_rate_limited),
		cmocka_unit_test(test_publish_error_at_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

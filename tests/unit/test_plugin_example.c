/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The example plugin alone, through the mock host: settings, instances,
 * timer ticks, read / write / execute, failures, and clean shutdown.
 *
 * This file is also the template of a plugin's test: it includes only the
 * SDK headers (no config.h), so it builds out of tree with
 *   cc test_plugin_example.c example.c \
 *      $(pkg-config --cflags --libs lwm2m-bridge-mock cmocka)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <lwm2m-bridge/mock_host.h>

/* The descriptor example.c defines. */
extern const struct lwb_plugin lwb_plugin;

#define T 3303 /* IPSO Temperature */

static struct lwb_mock *start(const char *settings)
{
	struct lwb_mock *m = lwb_mock_new("ex", settings);

	assert_non_null(m);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	return m;
}

static double value_f(struct lwb_mock *m, uint16_t iid, uint16_t rid)
{
	struct lwb_value v;

	assert_int_equal(lwb_mock_value(m, T, iid, rid, LWB_NO_RIID, &v, NULL),
			 0);
	assert_int_equal(v.type, LWB_TYPE_FLOAT);
	return v.v.f;
}

static void assert_string_value(struct lwb_mock *m, uint16_t iid, uint16_t rid,
				const char *want)
{
	struct lwb_value v;

	assert_int_equal(lwb_mock_value(m, T, iid, rid, LWB_NO_RIID, &v, NULL),
			 0);
	assert_int_equal(v.type, LWB_TYPE_STRING);
	assert_int_equal(v.v.bytes.len, strlen(want));
	assert_memory_equal(v.v.bytes.ptr, want, strlen(want));
}

static void finish(struct lwb_mock *m)
{
	/* A well-behaved plugin never trips the mock's rule checks. */
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	lwb_mock_free(m);
}

static void test_defaults(void **state)
{
	struct lwb_mock *m = start(NULL);

	(void)state;
	assert_string_equal(lwb_plugin.name, "example");
	assert_int_equal(lwb_mock_instance_count(m), 1);
	assert_true(lwb_mock_instance_exists(m, T, 0));
	assert_string_value(m, 0, 5750, "sensor-0");
	assert_true(lwb_mock_log_contains(m, "info: 1 sensors, every 1000 ms"));
	assert_int_equal(lwb_mock_timer_armed_count(m), 1);
	finish(m);
}

static void test_settings_and_instances(void **state)
{
	struct lwb_mock *m = start("instances = 2; interval_ms = 250; "
				   "name_prefix = \"room\";");

	(void)state;
	assert_int_equal(lwb_mock_instance_count(m), 2);
	assert_true(lwb_mock_instance_exists(m, T, 0));
	assert_true(lwb_mock_instance_exists(m, T, 1));
	/* Every resource is published once at start. */
	assert_true(value_f(m, 0, 5700) == 20.0);
	assert_true(value_f(m, 1, 5700) == 21.0);
	assert_true(value_f(m, 1, 5601) == 21.0);
	assert_true(value_f(m, 1, 5602) == 21.0);
	assert_string_value(m, 0, 5701, "Cel");
	assert_string_value(m, 0, 5750, "room-0");
	assert_string_value(m, 1, 5750, "room-1");
	assert_int_equal(lwb_mock_publish_count(m), 10);
	assert_true(lwb_mock_log_contains(m, "2 sensors, every 250 ms"));
	finish(m);

	/* The largest settings: 16 sensors, a 28-character prefix. */
	m = start("instances = 16; interval_ms = 3600000; "
		  "name_prefix = \"abcdefghijklmnopqrstuvwxyz12\";");
	assert_int_equal(lwb_mock_instance_count(m), 16);
	assert_string_value(m, 15, 5750, "abcdefghijklmnopqrstuvwxyz12-15");
	assert_int_equal(lwb_mock_advance(m, 3600000), 1);
	finish(m);
}

static void test_timer_ticks(void **state)
{
	struct lwb_mock *m = start("instances = 2; interval_ms = 1000;");

	(void)state;
	assert_int_equal(lwb_mock_advance(m, 999), 0);
	assert_true(value_f(m, 0, 5700) == 20.0);
	assert_int_equal(lwb_mock_advance(m, 1), 1);
	assert_true(value_f(m, 0, 5700) == 20.5);
	assert_true(value_f(m, 1, 5700) == 21.5);
	assert_true(value_f(m, 0, 5601) == 20.0);
	assert_true(value_f(m, 0, 5602) == 20.5);

	/* Ten ticks up to the top of the wave, ten down. */
	assert_int_equal(lwb_mock_advance(m, 9000), 9);
	assert_true(value_f(m, 0, 5700) == 25.0);
	assert_int_equal(lwb_mock_advance(m, 5000), 5);
	assert_true(value_f(m, 0, 5700) == 22.5);
	assert_true(value_f(m, 0, 5601) == 20.0);
	assert_true(value_f(m, 0, 5602) == 25.0);
	assert_true(value_f(m, 1, 5602) == 26.0);
	finish(m);
}

static void test_read(void **state)
{
	struct lwb_mock *m = start("interval_ms = 1000;");
	struct lwb_value v = {.type = LWB_TYPE_FLOAT};

	(void)state;
	/* 5700 is measured on demand: the next step of the wave, and the
	 * value read becomes the last value. */
	assert_int_equal(lwb_mock_read(m, T, 0, 5700, LWB_NO_RIID, &v), 0);
	assert_true(v.v.f == 20.5);
	assert_true(value_f(m, 0, 5700) == 20.5);
	assert_true(value_f(m, 0, 5602) == 20.5); /* max followed */
	assert_int_equal(lwb_mock_read(m, T, 0, 5601, LWB_NO_RIID, &v), 0);
	assert_true(v.v.f == 20.0);
	assert_int_equal(lwb_mock_read(m, T, 0, 5602, LWB_NO_RIID, &v), 0);
	assert_true(v.v.f == 20.5);
	v.type = LWB_TYPE_STRING;
	assert_int_equal(lwb_mock_read(m, T, 0, 5701, LWB_NO_RIID, &v), 0);
	assert_memory_equal(v.v.bytes.ptr, "Cel", 3);
	assert_int_equal(lwb_mock_read(m, T, 0, 5750, LWB_NO_RIID, &v), 0);
	assert_int_equal(v.v.bytes.len, 8);
	assert_memory_equal(v.v.bytes.ptr, "sensor-0", 8);
	/* A resource of 3303 the example does not have: 4.04. */
	assert_int_equal(lwb_mock_read(m, T, 0, 5603, LWB_NO_RIID, &v),
			 -ENOENT);
	assert_int_equal(lwb_mock_read(m, T, 1, 5700, LWB_NO_RIID, &v),
			 -ENOENT);
	finish(m);
}

static void test_write(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_value v = {.type = LWB_TYPE_STRING,
			      .v.bytes = {"kitchen!", 7}};
	static const char long_name[] = "0123456789012345678901234567890123";

	(void)state;
	assert_int_equal(lwb_mock_write(m, T, 0, 5750, LWB_NO_RIID, &v), 0);
	assert_string_value(m, 0, 5750, "kitchen");
	assert_true(lwb_mock_log_contains(m, "renamed to \"kitchen\""));
	v.type = LWB_TYPE_STRING;
	assert_int_equal(lwb_mock_read(m, T, 0, 5750, LWB_NO_RIID, &v), 0);
	assert_memory_equal(v.v.bytes.ptr, "kitchen", 7);

	v.v.bytes.ptr = long_name;
	v.v.bytes.len = 32;
	assert_int_equal(lwb_mock_write(m, T, 0, 5750, LWB_NO_RIID, &v),
			 -EINVAL);
	v.v.bytes.len = 31; /* the longest that fits */
	assert_int_equal(lwb_mock_write(m, T, 0, 5750, LWB_NO_RIID, &v), 0);
	v.type = LWB_TYPE_FLOAT;
	v.v.f = 1;
	assert_int_equal(lwb_mock_write(m, T, 0, 5700, LWB_NO_RIID, &v),
			 -ENOENT);
	finish(m);
}

static void test_execute_reset(void **state)
{
	struct lwb_mock *m = start(NULL);

	(void)state;
	lwb_mock_advance(m, 12000); /* up to 25.0, back to 24.0 */
	assert_true(value_f(m, 0, 5700) == 24.0);
	assert_true(value_f(m, 0, 5601) == 20.0);
	assert_true(value_f(m, 0, 5602) == 25.0);
	assert_int_equal(lwb_mock_execute(m, T, 0, 5605, NULL, 0), 0);
	assert_true(value_f(m, 0, 5601) == 24.0);
	assert_true(value_f(m, 0, 5602) == 24.0);
	lwb_mock_advance(m, 1000);
	assert_true(value_f(m, 0, 5601) == 23.5);
	assert_true(value_f(m, 0, 5602) == 24.0);
	assert_int_equal(lwb_mock_execute(m, T, 0, 5700, NULL, 0), -ENOENT);
	finish(m);
}

static void test_bad_settings(void **state)
{
	static const struct {
		const char *settings;
		const char *log;
	} bad[] = {
		{"interval_ms = 5;",
		 "line 1: interval_ms: expected an integer 100 .. 3600000"},
		{"interval_ms = \"1000\";", "interval_ms: expected an integer"},
		{"instances = 0;", "instances: expected an integer 1 .. 16"},
		{"instances = 17;", "instances: expected an integer 1 .. 16"},
		{"name_prefix = \"\";", "name_prefix: expected a string"},
		{"name_prefix = 3;", "name_prefix: expected a string"},
		{"name_prefix = \"abcdefghijklmnopqrstuvwxyz123\";",
		 "name_prefix: expected a string of 1 .. 28"},
		{"interval = 100;", "err: settings: interval: unknown key"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lwb_mock *m = lwb_mock_new("ex", bad[i].settings);

		assert_non_null(m);
		assert_int_equal(lwb_mock_start(m, &lwb_plugin), -EINVAL);
		if (!lwb_mock_log_contains(m, bad[i].log))
			fail_msg("%s: no log line has \"%s\"", bad[i].settings,
				 bad[i].log);
		assert_int_equal(lwb_mock_leftover_count(m), 0);
		finish(m);
	}
}

static void test_init_failures(void **state)
{
	struct lwb_mock *m = lwb_mock_new("ex", "instances = 3;");

	(void)state;
	/* The third instance cannot be created: init fails, says why, and
	 * removes the two it made itself. */
	lwb_mock_fail(m, "instance_create", 2, -EEXIST);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -EEXIST);
	assert_true(lwb_mock_log_contains(m, "err: cannot create a /3303 "
					     "instance: File exists"));
	assert_int_equal(lwb_mock_leftover_count(m), 0);

	lwb_mock_fail(m, "timer_new", 0, -ENOMEM);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -ENOMEM);
	assert_true(lwb_mock_log_contains(m, "cannot create a timer"));
	assert_int_equal(lwb_mock_leftover_count(m), 0);

	lwb_mock_fail(m, "timer_start", 0, -EINVAL);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -EINVAL);
	assert_true(lwb_mock_log_contains(m, "cannot start the timer"));
	assert_int_equal(lwb_mock_leftover_count(m), 0);

	/* A publish the daemon refuses is logged, and the plugin runs on. */
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	lwb_mock_fail(m, "publish", 0, -ERANGE);
	assert_int_equal(lwb_mock_advance(m, 1000), 1);
	assert_true(lwb_mock_log_contains(m, "err: publish /3303/0/5700: "
					     "Numerical result out of range"));
	assert_true(value_f(m, 1, 5700) == 21.5);
	finish(m);
}

static void test_two_configurations(void **state)
{
	/* The same plugin configured twice: separate state, no globals. */
	struct lwb_mock *a = start("interval_ms = 100;");
	struct lwb_mock *b = start("interval_ms = 1000;");

	(void)state;
	assert_int_equal(lwb_mock_advance(a, 1000), 10);
	assert_int_equal(lwb_mock_advance(b, 1000), 1);
	assert_true(value_f(a, 0, 5700) == 25.0);
	assert_true(value_f(b, 0, 5700) == 20.5);
	finish(a);
	finish(b);
}

static void test_stop(void **state)
{
	struct lwb_mock *m = start("instances = 4;");

	(void)state;
	assert_int_equal(lwb_mock_instance_count(m), 4);
	lwb_mock_stop(m);
	/* fini released its instances and timer itself (valgrind and ASan
	 * check its memory). */
	assert_int_equal(lwb_mock_leftover_count(m), 0);
	assert_int_equal(lwb_mock_instance_count(m), 0);
	assert_int_equal(lwb_mock_advance(m, 5000), 0);
	finish(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_settings_and_instances),
		cmocka_unit_test(test_timer_ticks),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_execute_reset),
		cmocka_unit_test(test_bad_settings),
		cmocka_unit_test(test_init_failures),
		cmocka_unit_test(test_two_configurations),
		cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

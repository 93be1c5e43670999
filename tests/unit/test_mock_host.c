/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock host itself, driven through a tiny plugin defined here: every
 * host function as a plugin sees it, and every lwb_mock_* function.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libconfig.h>

#include "lwm2m-bridge/mock_host.h"

/* ---- the tiny plugin ------------------------------------------------ */

struct tiny {
	struct lwb_host *host;
	int init_result;
	int fini_calls;
	int reads, writes, executes;
	int read_result;
	char exec_args[32];
	int64_t written;
};

static struct tiny tiny; /* the plugin's state lives in the test */

static int tiny_read(void *ctx, uint16_t rid, uint16_t riid,
		     struct lwb_value *out)
{
	struct tiny *t = ctx;
	static char buf[16];

	(void)riid;
	t->reads++;
	if (t->read_result)
		return t->read_result;
	if (rid == 1) {
		/* A buffer the plugin reuses: the mock must copy it. */
		strcpy(buf, "lent");
		out->type = LWB_TYPE_STRING;
		out->v.bytes.ptr = buf;
		out->v.bytes.len = 4;
		return 0;
	}
	if (rid != 0)
		return -ENOENT;
	out->type = LWB_TYPE_INTEGER;
	out->v.i = 42;
	return 0;
}

static int tiny_write(void *ctx, uint16_t rid, uint16_t riid,
		      const struct lwb_value *value)
{
	struct tiny *t = ctx;

	(void)riid;
	t->writes++;
	if (rid != 0)
		return -EINVAL;
	t->written = value->v.i;
	return 0;
}

static int tiny_execute(void *ctx, uint16_t rid, const char *args,
			size_t args_len)
{
	struct tiny *t = ctx;

	t->executes++;
	if (rid != 5)
		return -ENOENT;
	if (args_len >= sizeof(t->exec_args))
		return -EINVAL;
	memcpy(t->exec_args, args, args_len);
	t->exec_args[args_len] = '\0';
	return 0;
}

static const struct lwb_instance_ops tiny_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.read = tiny_read,
	.write = tiny_write,
	.execute = tiny_execute,
};

static void never(struct lwb_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	fail();
}

static int tiny_init(struct lwb_host *host, void **state)
{
	tiny.host = host;
	*state = &tiny;
	if (tiny.init_result < 0) {
		/* Leaves things registered: the mock must remove them. */
		host->api->instance_create(host, 3303, 0, &tiny_ops, &tiny);
		host->api->timer_new(host, never, NULL);
		host->api->log(host, LWB_LOG_ERR, "cannot start: %d",
			       tiny.init_result);
	}
	return tiny.init_result;
}

static void tiny_fini(void *state)
{
	((struct tiny *)state)->fini_calls++;
}

LWB_PLUGIN_DEFINE(.name = "tiny", .version = "0.1", .init = tiny_init,
		  .fini = tiny_fini);

static struct lwb_mock *start(const char *settings)
{
	struct lwb_mock *m = lwb_mock_new("tiny-1", settings);

	assert_non_null(m);
	memset(&tiny, 0, sizeof(tiny));
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	assert_ptr_equal(tiny.host, lwb_mock_host(m));
	return m;
}

#define API (tiny.host->api)

/* ---- lifecycle and settings ----------------------------------------- */

static void test_new_and_settings(void **state)
{
	struct lwb_mock *m;
	const config_setting_t *s;
	int ival = 0;
	const char *str = NULL;

	(void)state;
	errno = 0;
	assert_null(lwb_mock_new(NULL, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(lwb_mock_new("x", "interval_ms = ;"));
	assert_int_equal(errno, EINVAL);
	/* Text that closes the group early is refused too. */
	errno = 0;
	assert_null(lwb_mock_new("x", "a = 1; }; b = { c = 2;"));
	assert_int_equal(errno, EINVAL);

	m = start("interval_ms = 250; label = \"hall\";");
	assert_int_equal(API->abi_major, LWB_ABI_MAJOR);
	assert_int_equal(API->struct_size, sizeof(struct lwb_host_api));
	assert_string_equal(API->instance_name(tiny.host), "tiny-1");
	s = API->settings(tiny.host);
	assert_non_null(s);
	assert_true(config_setting_lookup_int(s, "interval_ms", &ival));
	assert_int_equal(ival, 250);
	assert_true(config_setting_lookup_string(s, "label", &str));
	assert_string_equal(str, "hall");
	assert_int_equal(config_setting_length(s), 2);
	lwb_mock_free(m);

	m = start(NULL);
	assert_null(API->settings(tiny.host));
	lwb_mock_free(m);

	m = start(""); /* an empty group, not NULL */
	assert_non_null(API->settings(tiny.host));
	assert_int_equal(config_setting_length(API->settings(tiny.host)), 0);
	lwb_mock_free(m);
	lwb_mock_free(NULL);
}

static void test_start_stop(void **state)
{
	struct lwb_plugin bad = lwb_plugin;
	struct lwb_mock *m = lwb_mock_new("t", NULL);

	(void)state;
	memset(&tiny, 0, sizeof(tiny));
	bad.abi_major = LWB_ABI_MAJOR + 1;
	assert_int_equal(lwb_mock_start(m, &bad), -EPROTO);
	bad = lwb_plugin;
	bad.struct_size = offsetof(struct lwb_plugin, init);
	assert_int_equal(lwb_mock_start(m, &bad), -EPROTO);
	bad = lwb_plugin;
	bad.init = NULL;
	assert_int_equal(lwb_mock_start(m, &bad), -EPROTO);
	assert_int_equal(lwb_mock_start(m, NULL), -EPROTO);
	assert_null(tiny.host); /* init never ran */

	/* A failing init: result passed on, no fini, leftovers removed,
	 * its log line kept. */
	tiny.init_result = -ENODEV;
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -ENODEV);
	assert_int_equal(tiny.fini_calls, 0);
	assert_int_equal(lwb_mock_instance_count(m), 0);
	assert_int_equal(lwb_mock_timer_count(m), 0);
	assert_true(lwb_mock_log_contains(m, "err: cannot start: -19"));
	assert_int_equal(lwb_mock_leftover_count(m), 2);

	/* init must return 0 or a negative errno. */
	tiny.init_result = 1;
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -EINVAL);
	assert_int_equal(lwb_mock_misuse_count(m), 1);

	tiny.init_result = 0;
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), -EBUSY);
	lwb_mock_stop(m);
	assert_int_equal(tiny.fini_calls, 1);
	lwb_mock_stop(m);
	assert_int_equal(tiny.fini_calls, 1);
	lwb_mock_stop(NULL);

	/* free() calls fini of a started plugin. */
	assert_int_equal(lwb_mock_start(m, &lwb_plugin), 0);
	lwb_mock_free(m);
	assert_int_equal(tiny.fini_calls, 2);
}

/* ---- instances ------------------------------------------------------ */

static void test_instances(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_instance_ops short_ops = {.struct_size = 4};
	struct lwb_value v;

	(void)state;
	assert_int_equal(
		API->instance_create(tiny.host, 3303, LWB_ANY_IID, NULL, NULL),
		0);
	assert_int_equal(API->instance_create(tiny.host, 3303, 2, NULL, NULL),
			 2);
	assert_int_equal(
		API->instance_create(tiny.host, 3303, LWB_ANY_IID, NULL, NULL),
		1);
	assert_int_equal(API->instance_create(tiny.host, 3303, 2, NULL, NULL),
			 -EEXIST);
	assert_int_equal(
		API->instance_create(tiny.host, 3304, LWB_ANY_IID, NULL, NULL),
		0);
	for (uint16_t core = 0; core <= 3; core++)
		assert_int_equal(
			API->instance_create(tiny.host, core, 1, NULL, NULL),
			-EPERM);
	/* The Device instance exists already, as in the daemon. */
	assert_int_equal(API->instance_create(tiny.host, 3, 0, NULL, NULL),
			 -EEXIST);
	assert_int_equal(API->instance_create(tiny.host, 0xFFFF, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	assert_int_equal(
		API->instance_create(tiny.host, 3305, 0, &short_ops, NULL),
		-EINVAL);
	assert_int_equal(lwb_mock_misuse_count(m), 1);

	assert_int_equal(lwb_mock_instance_count(m), 4);
	assert_true(lwb_mock_instance_exists(m, 3303, 1));
	assert_false(lwb_mock_instance_exists(m, 3303, 3));

	/* Removing drops the instance's values only. */
	assert_int_equal(lwb_publish_int(tiny.host, 3303, 1, 5700, 1), 1);
	assert_int_equal(lwb_publish_int(tiny.host, 3303, 2, 5700, 2), 1);
	assert_int_equal(API->instance_remove(tiny.host, 3303, 1), 0);
	assert_int_equal(API->instance_remove(tiny.host, 3303, 1), -ENOENT);
	assert_false(lwb_mock_instance_exists(m, 3303, 1));
	assert_int_equal(
		lwb_mock_value(m, 3303, 1, 5700, LWB_NO_RIID, &v, NULL),
		-ENOENT);
	assert_int_equal(
		lwb_mock_value(m, 3303, 2, 5700, LWB_NO_RIID, &v, NULL), 0);
	assert_int_equal(v.v.i, 2);
	assert_int_equal(lwb_mock_instance_count(m), 3);

	/* stop removes the instances but keeps the values to look at. */
	lwb_mock_stop(m);
	assert_int_equal(lwb_mock_instance_count(m), 0);
	assert_int_equal(
		lwb_mock_value(m, 3303, 2, 5700, LWB_NO_RIID, &v, NULL), 0);
	lwb_mock_free(m);
}

/* ---- publish -------------------------------------------------------- */

static void test_publish(void **state)
{
	struct lwb_mock *m = start(NULL);
	char buf[8] = "abc";
	struct lwb_value v, s = {.type = LWB_TYPE_OPAQUE};
	int64_t ts = 0;

	(void)state;
	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, 1.5),
			 -ENOENT); /* no such instance yet */
	API->instance_create(tiny.host, 3303, 0, NULL, NULL);

	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, 1.5), 1);
	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, 1.5), 0);
	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, NAN), 1);
	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, NAN), 0);
	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, 2.0), 1);
	assert_int_equal(lwb_mock_publish_count(m), 5);
	assert_int_equal(lwb_mock_change_count(m), 3);

	/* Timestamps: given, or the fake wall clock. */
	assert_int_equal(lwb_mock_value(m, 3303, 0, 5700, LWB_NO_RIID, &v, &ts),
			 0);
	assert_true(v.type == LWB_TYPE_FLOAT && v.v.f == 2.0);
	assert_int_equal(ts, INT64_C(1700000000000));
	lwb_mock_advance(m, 1500);
	assert_int_equal(lwb_publish_float(tiny.host, 3303, 0, 5700, 2.0), 0);
	lwb_mock_value(m, 3303, 0, 5700, LWB_NO_RIID, NULL, &ts);
	assert_int_equal(ts, INT64_C(1700000001500));
	v.type = LWB_TYPE_FLOAT;
	v.v.f = 3.0;
	assert_int_equal(API->publish(tiny.host, 3303, 0, 5700, LWB_NO_RIID, &v,
				      INT64_C(1234)),
			 1);
	lwb_mock_value(m, 3303, 0, 5700, LWB_NO_RIID, NULL, &ts);
	assert_int_equal(ts, 1234);

	/* Strings are copied: the plugin may reuse its buffer at once. */
	assert_int_equal(lwb_publish_string(tiny.host, 3303, 0, 5701, buf, 3),
			 1);
	strcpy(buf, "xyz");
	lwb_mock_value(m, 3303, 0, 5701, LWB_NO_RIID, &v, NULL);
	assert_int_equal(v.v.bytes.len, 3);
	assert_memory_equal(v.v.bytes.ptr, "abc", 3);
	assert_int_equal(lwb_publish_string(tiny.host, 3303, 0, 5701, buf, 0),
			 1);
	lwb_mock_value(m, 3303, 0, 5701, LWB_NO_RIID, &v, NULL);
	assert_int_equal(v.v.bytes.len, 0);
	assert_int_equal(lwb_publish_string(tiny.host, 3303, 0, 5701, NULL, 0),
			 0);

	/* Resource instances are separate values. */
	s.v.bytes.ptr = "\x01\x02";
	s.v.bytes.len = 2;
	assert_int_equal(API->publish(tiny.host, 3303, 0, 9, 0, &s, 0), 1);
	assert_int_equal(API->publish(tiny.host, 3303, 0, 9, 1, &s, 0), 1);
	assert_int_equal(lwb_mock_value(m, 3303, 0, 9, 2, &v, NULL), -ENOENT);
	assert_int_equal(lwb_mock_value(m, 3303, 0, 9, 1, &v, NULL), 0);
	assert_memory_equal(v.v.bytes.ptr, "\x01\x02", 2);

	assert_int_equal(lwb_publish_bool(tiny.host, 3303, 0, 5850, 7), 1);
	lwb_mock_value(m, 3303, 0, 5850, LWB_NO_RIID, &v, NULL);
	assert_true(v.type == LWB_TYPE_BOOLEAN && v.v.b);

	/* What the daemon refuses; each is a misuse. */
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	assert_int_equal(lwb_publish_int(tiny.host, 3303, 0, 5700, 3),
			 -EPROTOTYPE);
	v.type = LWB_TYPE_NONE;
	assert_int_equal(
		API->publish(tiny.host, 3303, 0, 1, LWB_NO_RIID, &v, 0),
		-EPROTOTYPE);
	s.v.bytes.ptr = NULL;
	assert_int_equal(
		API->publish(tiny.host, 3303, 0, 2, LWB_NO_RIID, &s, 0),
		-EINVAL);
	assert_int_equal(
		API->publish(tiny.host, 3303, 0, 2, LWB_NO_RIID, NULL, 0),
		-EINVAL);
	v.type = (enum lwb_type)99;
	assert_int_equal(
		API->publish(tiny.host, 3303, 0, 2, LWB_NO_RIID, &v, 0),
		-EINVAL);
	assert_int_equal(lwb_mock_misuse_count(m), 5);
	lwb_mock_free(m);
}

static void test_value_types(void **state)
{
	struct lwb_mock *m = start(NULL);
	static const struct lwb_value vals[] = {
		{.type = LWB_TYPE_UNSIGNED, .v.u = UINT64_MAX},
		{.type = LWB_TYPE_TIME, .v.i = 1700000000},
		{.type = LWB_TYPE_OBJLNK, .v.lnk = {3303, 1}},
		{.type = LWB_TYPE_CORELNK, .v.bytes = {"</3303/0>", 9}},
	};
	struct lwb_value v, other;

	(void)state;
	API->instance_create(tiny.host, 4000, 0, NULL, NULL);
	for (uint16_t i = 0; i < 4; i++) {
		assert_int_equal(lwb_publish(tiny.host, 4000, 0, i, &vals[i]),
				 1);
		assert_int_equal(lwb_publish(tiny.host, 4000, 0, i, &vals[i]),
				 0);
		other = vals[i];
		if (i == 0)
			other.v.u = 1;
		else if (i == 1)
			other.v.i = 1;
		else if (i == 2)
			other.v.lnk.iid = 2;
		else
			other.v.bytes.len = 8;
		assert_int_equal(lwb_publish(tiny.host, 4000, 0, i, &other), 1);
		lwb_mock_value(m, 4000, 0, i, LWB_NO_RIID, &v, NULL);
		assert_int_equal(v.type, vals[i].type);
	}
	assert_int_equal(v.v.bytes.len, 8);
	assert_memory_equal(v.v.bytes.ptr, "</3303/0", 8);
	lwb_mock_free(m);
}

/* ---- read, write, execute ------------------------------------------- */

static void test_read_write_execute(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_value v = {.type = LWB_TYPE_INTEGER};
	struct lwb_value w = {.type = LWB_TYPE_INTEGER, .v.i = 7};

	(void)state;
	assert_int_equal(lwb_mock_read(m, 3303, 0, 0, LWB_NO_RIID, &v),
			 -ENOENT);
	assert_int_equal(lwb_mock_write(m, 3303, 0, 0, LWB_NO_RIID, &w),
			 -ENOENT);
	assert_int_equal(lwb_mock_execute(m, 3303, 0, 5, NULL, 0), -ENOENT);

	API->instance_create(tiny.host, 3303, 0, &tiny_ops, &tiny);
	assert_int_equal(lwb_mock_read(m, 3303, 0, 0, LWB_NO_RIID, &v), 0);
	assert_int_equal(v.v.i, 42);
	assert_int_equal(tiny.reads, 1);
	/* The value read is stored as the last value. */
	assert_int_equal(lwb_mock_value(m, 3303, 0, 0, LWB_NO_RIID, &v, NULL),
			 0);
	assert_int_equal(v.v.i, 42);
	/* Lent bytes are copied before the plugin can reuse them. */
	v.type = LWB_TYPE_STRING;
	assert_int_equal(lwb_mock_read(m, 3303, 0, 1, LWB_NO_RIID, &v), 0);
	assert_int_not_equal(v.v.bytes.ptr, NULL);
	assert_memory_equal(v.v.bytes.ptr, "lent", 4);
	assert_int_equal(lwb_mock_read(m, 3303, 0, 9, LWB_NO_RIID, &v),
			 -ENOENT);
	tiny.read_result = -EIO;
	assert_int_equal(lwb_mock_read(m, 3303, 0, 0, LWB_NO_RIID, &v), -EIO);
	tiny.read_result = 1; /* not 0 or -errno: a plugin bug */
	assert_int_equal(lwb_mock_read(m, 3303, 0, 0, LWB_NO_RIID, &v),
			 -EINVAL);

	assert_int_equal(lwb_mock_write(m, 3303, 0, 0, LWB_NO_RIID, &w), 0);
	assert_int_equal(tiny.written, 7);
	lwb_mock_value(m, 3303, 0, 0, LWB_NO_RIID, &v, NULL);
	assert_int_equal(v.v.i, 7);
	/* A refused write keeps the old value. */
	assert_int_equal(lwb_mock_write(m, 3303, 0, 1, LWB_NO_RIID, &w),
			 -EINVAL);
	lwb_mock_value(m, 3303, 0, 1, LWB_NO_RIID, &v, NULL);
	assert_int_equal(v.type, LWB_TYPE_STRING);

	assert_int_equal(lwb_mock_execute(m, 3303, 0, 5, "0='x'", 5), 0);
	assert_string_equal(tiny.exec_args, "0='x'");
	assert_int_equal(lwb_mock_execute(m, 3303, 0, 6, NULL, 0), -ENOENT);
	assert_int_equal(tiny.executes, 2);

	/* No callbacks: read serves the last published value, write and
	 * execute are not allowed. */
	API->instance_create(tiny.host, 3303, 1, NULL, NULL);
	v.type = LWB_TYPE_FLOAT;
	assert_int_equal(lwb_mock_read(m, 3303, 1, 5700, LWB_NO_RIID, &v),
			 -ENOENT);
	lwb_publish_float(tiny.host, 3303, 1, 5700, 20.5);
	assert_int_equal(lwb_mock_read(m, 3303, 1, 5700, LWB_NO_RIID, &v), 0);
	assert_true(v.v.f == 20.5);
	assert_int_equal(lwb_mock_write(m, 3303, 1, 5700, LWB_NO_RIID, &w),
			 -EOPNOTSUPP);
	assert_int_equal(lwb_mock_execute(m, 3303, 1, 5605, NULL, 0),
			 -EOPNOTSUPP);
	assert_int_equal(tiny.reads, 5);
	lwb_mock_free(m);
}

/* ---- timers --------------------------------------------------------- */

struct fire_log {
	int order[16];
	int n;
	uint64_t at[16];
	struct lwb_timer *victim;
	struct lwb_timer *self;
};

static struct fire_log fl;

static void record(int id, struct lwb_timer *t)
{
	(void)t;
	if (fl.n < 16) {
		fl.at[fl.n] = tiny.host->api->now_ms(tiny.host);
		fl.order[fl.n++] = id;
	}
}

static void fire_a(struct lwb_timer *t, void *arg)
{
	(void)arg;
	record(1, t);
}

static void fire_b(struct lwb_timer *t, void *arg)
{
	(void)arg;
	record(2, t);
}

static void fire_and_free_self(struct lwb_timer *t, void *arg)
{
	(void)arg;
	record(3, t);
	tiny.host->api->timer_free(tiny.host, t);
}

static void fire_and_free_victim(struct lwb_timer *t, void *arg)
{
	(void)arg;
	record(4, t);
	tiny.host->api->timer_free(tiny.host, fl.victim);
	fl.victim = NULL;
}

static void fire_and_rearm(struct lwb_timer *t, void *arg)
{
	(void)arg;
	record(5, t);
	tiny.host->api->timer_start(tiny.host, t, 0, 0);
}

static void test_timers(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_timer *a, *b, *c;

	(void)state;
	memset(&fl, 0, sizeof(fl));
	assert_int_equal(lwb_mock_now_ms(m), 1000000);
	assert_int_equal(API->now_ms(tiny.host), 1000000);
	a = API->timer_new(tiny.host, fire_a, NULL);
	b = API->timer_new(tiny.host, fire_b, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(lwb_mock_timer_count(m), 2);
	assert_int_equal(lwb_mock_timer_armed_count(m), 0);

	/* a: at 100 then every 100; b: once at 250.  Over 350 ms: a100
	 * a200 b250 a300, in deadline order. */
	assert_int_equal(API->timer_start(tiny.host, a, 100, 100), 0);
	assert_int_equal(API->timer_start(tiny.host, b, 250, 0), 0);
	assert_int_equal(lwb_mock_timer_armed_count(m), 2);
	assert_int_equal(lwb_mock_advance(m, 99), 0);
	assert_int_equal(lwb_mock_advance(m, 251), 4);
	assert_int_equal(fl.n, 4);
	assert_int_equal(fl.order[0], 1);
	assert_int_equal(fl.order[1], 1);
	assert_int_equal(fl.order[2], 2);
	assert_int_equal(fl.order[3], 1);
	assert_int_equal(fl.at[0], 1000100);
	assert_int_equal(fl.at[2], 1000250);
	assert_int_equal(fl.at[3], 1000300);
	assert_int_equal(lwb_mock_now_ms(m), 1000350);
	assert_int_equal(lwb_mock_timer_armed_count(m), 1); /* b was once */

	/* Equal deadlines fire in arming order; re-arming reschedules. */
	fl.n = 0;
	API->timer_start(tiny.host, b, 10, 0);
	API->timer_start(tiny.host, a, 10, 0);
	assert_int_equal(lwb_mock_advance(m, 10), 2);
	assert_int_equal(fl.order[0], 2);
	assert_int_equal(fl.order[1], 1);
	fl.n = 0;
	API->timer_start(tiny.host, a, 5, 0);
	API->timer_start(tiny.host, a, 50, 0);
	assert_int_equal(lwb_mock_advance(m, 49), 0);
	assert_int_equal(lwb_mock_advance(m, 1), 1);
	/* A zero delay fires on the next advance, even of 0 ms. */
	API->timer_start(tiny.host, a, 0, 0);
	assert_int_equal(lwb_mock_advance(m, 0), 1);

	/* Stopped timers do not fire. */
	API->timer_start(tiny.host, a, 10, 10);
	API->timer_stop(tiny.host, a);
	assert_int_equal(lwb_mock_advance(m, 100), 0);

	/* A callback frees its own timer, or another one. */
	fl.n = 0;
	c = API->timer_new(tiny.host, fire_and_free_self, NULL);
	API->timer_start(tiny.host, c, 10, 10);
	assert_int_equal(lwb_mock_advance(m, 100), 1);
	c = API->timer_new(tiny.host, fire_and_free_victim, NULL);
	fl.victim = b;
	API->timer_start(tiny.host, c, 10, 0);
	API->timer_start(tiny.host, b, 20, 0);
	assert_int_equal(lwb_mock_advance(m, 100), 1);
	assert_int_equal(fl.order[0], 3);
	assert_int_equal(fl.order[1], 4);
	assert_int_equal(lwb_mock_timer_count(m), 2); /* a, c */
	API->timer_free(tiny.host, c);
	API->timer_free(tiny.host, NULL);
	assert_int_equal(lwb_mock_misuse_count(m), 0);

	/* The mock removes what the plugin left at stop. */
	API->timer_start(tiny.host, a, 10, 10);
	lwb_mock_stop(m);
	assert_int_equal(lwb_mock_leftover_count(m), 1);
	assert_int_equal(lwb_mock_timer_count(m), 0);
	assert_int_equal(lwb_mock_advance(m, 100), 0);
	lwb_mock_free(m);
}

static void test_timer_misuse(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_mock *other = lwb_mock_new("other", NULL);
	struct lwb_host *oh = lwb_mock_host(other);
	struct lwb_timer *t, *foreign;

	(void)state;
	foreign = oh->api->timer_new(oh, fire_a, NULL);
	assert_non_null(foreign);
	errno = 0;
	assert_null(API->timer_new(tiny.host, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(API->timer_start(tiny.host, foreign, 1, 0), -EINVAL);
	API->timer_stop(tiny.host, foreign);
	API->timer_free(tiny.host, foreign);
	assert_int_equal(lwb_mock_misuse_count(m), 4);
	assert_int_equal(lwb_mock_timer_count(other), 1);

	/* A callback re-arming itself with delay 0 would spin forever. */
	memset(&fl, 0, sizeof(fl));
	t = API->timer_new(tiny.host, fire_and_rearm, NULL);
	API->timer_start(tiny.host, t, 0, 0);
	assert_int_equal(lwb_mock_advance(m, 1), 1000000);
	assert_int_equal(lwb_mock_misuse_count(m), 5);
	lwb_mock_free(other);
	lwb_mock_free(m);
}

/* ---- fd watches ----------------------------------------------------- */

static int fd_calls;
static unsigned int fd_revents;

static void on_fd(int fd, unsigned int revents, void *arg)
{
	(void)arg;
	fd_calls++;
	fd_revents = revents;
	if (revents & LWB_FD_HANGUP)
		tiny.host->api->fd_unwatch(tiny.host, fd);
}

static void test_fds(void **state)
{
	struct lwb_mock *m = start(NULL);

	(void)state;
	fd_calls = 0;
	assert_int_equal(API->fd_watch(tiny.host, 7, LWB_FD_READ, on_fd, NULL),
			 0);
	assert_int_equal(API->fd_watch(tiny.host, 8, LWB_FD_WRITE, on_fd, NULL),
			 0);
	assert_int_equal(API->fd_watch(tiny.host, 7, LWB_FD_READ, on_fd, NULL),
			 -EEXIST);
	assert_int_equal(lwb_mock_fd_events(m, 7), LWB_FD_READ);
	assert_int_equal(lwb_mock_fd_events(m, 9), 0);
	assert_int_equal(
		API->fd_modify(tiny.host, 7, LWB_FD_READ | LWB_FD_WRITE), 0);
	assert_int_equal(lwb_mock_fd_events(m, 7), LWB_FD_READ | LWB_FD_WRITE);
	assert_int_equal(API->fd_modify(tiny.host, 9, LWB_FD_READ), -ENOENT);
	assert_int_equal(API->fd_modify(tiny.host, 7, 0x100), -EINVAL);

	assert_int_equal(lwb_mock_fire_fd(m, 7, LWB_FD_READ), 0);
	assert_int_equal(fd_calls, 1);
	assert_int_equal(fd_revents, LWB_FD_READ);
	assert_int_equal(lwb_mock_fire_fd(m, 9, LWB_FD_READ), -ENOENT);
	/* The callback may unwatch its own fd. */
	assert_int_equal(lwb_mock_fire_fd(m, 7, LWB_FD_HANGUP), 0);
	assert_int_equal(lwb_mock_fd_events(m, 7), 0);
	assert_int_equal(lwb_mock_fire_fd(m, 7, LWB_FD_READ), -ENOENT);
	assert_int_equal(lwb_mock_fd_events(m, 8), LWB_FD_WRITE);
	assert_int_equal(API->fd_unwatch(tiny.host, 8), 0);
	assert_int_equal(API->fd_unwatch(tiny.host, 8), -ENOENT);

	assert_int_equal(lwb_mock_misuse_count(m), 0);
	assert_int_equal(API->fd_watch(tiny.host, -1, LWB_FD_READ, on_fd, NULL),
			 -EINVAL);
	assert_int_equal(API->fd_watch(tiny.host, 3, LWB_FD_READ, NULL, NULL),
			 -EINVAL);
	assert_int_equal(API->fd_watch(tiny.host, 3, 0x40, on_fd, NULL),
			 -EINVAL);
	assert_int_equal(lwb_mock_misuse_count(m), 3);

	/* Watches left at stop are removed. */
	API->fd_watch(tiny.host, 5, LWB_FD_READ, on_fd, NULL);
	lwb_mock_stop(m);
	assert_int_equal(lwb_mock_fd_events(m, 5), 0);
	lwb_mock_free(m);
}

/* ---- posted work ---------------------------------------------------- */

static int work_order[8];
static int work_n;

static void work(void *arg)
{
	if (work_n < 8)
		work_order[work_n++] = (int)(intptr_t)arg;
}

static void repost(void *arg)
{
	work(arg);
	tiny.host->api->post(tiny.host, work, (void *)(intptr_t)99);
}

static void *worker(void *arg)
{
	struct lwb_host *h = arg;

	for (intptr_t i = 1; i <= 3; i++)
		if (h->api->post(h, work, (void *)i) != 0)
			return NULL;
	return arg;
}

static void *off_loop(void *arg)
{
	struct lwb_host *h = arg;

	h->api->now_ms(h); /* not post: only the loop thread may */
	return NULL;
}

static void test_post(void **state)
{
	struct lwb_mock *m = start(NULL);
	pthread_t th;
	void *ret = NULL;

	(void)state;
	work_n = 0;
	assert_int_equal(pthread_create(&th, NULL, worker, tiny.host), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_ptr_equal(ret, tiny.host);
	assert_int_equal(work_n, 0); /* nothing runs until the loop does */
	assert_int_equal(lwb_mock_posted_count(m), 3);
	assert_int_equal(lwb_mock_run_posted(m), 3);
	assert_int_equal(work_order[0], 1);
	assert_int_equal(work_order[2], 3);
	assert_int_equal(lwb_mock_run_posted(m), 0);
	assert_int_equal(API->post(tiny.host, NULL, NULL), -EINVAL);

	/* Work posted by work waits for the next run. */
	work_n = 0;
	API->post(tiny.host, repost, (void *)(intptr_t)7);
	assert_int_equal(lwb_mock_run_posted(m), 1);
	assert_int_equal(lwb_mock_posted_count(m), 1);
	assert_int_equal(lwb_mock_run_posted(m), 1);
	assert_int_equal(work_order[1], 99);

	/* Off the loop thread, anything but post is a misuse. */
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	assert_int_equal(pthread_create(&th, NULL, off_loop, tiny.host), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(lwb_mock_misuse_count(m), 1);

	/* Work still queued at stop is dropped, not run. */
	work_n = 0;
	API->post(tiny.host, work, NULL);
	lwb_mock_stop(m);
	assert_int_equal(lwb_mock_posted_count(m), 0);
	assert_int_equal(lwb_mock_run_posted(m), 0);
	assert_int_equal(work_n, 0);
	API->post(tiny.host, work, NULL); /* freed with the mock */
	lwb_mock_free(m);
}

/* ---- logs ----------------------------------------------------------- */

static void vlog_helper(struct lwb_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void vlog_helper(struct lwb_host *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	h->api->vlog(h, LWB_LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static void test_logs(void **state)
{
	struct lwb_mock *m = start(NULL);

	(void)state;
	assert_int_equal(lwb_mock_log_count(m), 0);
	assert_null(lwb_mock_log_line(m, 0));
	API->log(tiny.host, LWB_LOG_ERR, "bus %s: %d", "i2c-1", -5);
	API->log(tiny.host, LWB_LOG_WARNING, "w");
	API->log(tiny.host, LWB_LOG_NOTICE, "n");
	API->log(tiny.host, LWB_LOG_INFO, "%s", "");
	vlog_helper(tiny.host, "%d sensors", 3);
	API->log(tiny.host, (enum lwb_log_level)42, "odd");
	assert_int_equal(lwb_mock_log_count(m), 6);
	assert_string_equal(lwb_mock_log_line(m, 0), "err: bus i2c-1: -5");
	assert_string_equal(lwb_mock_log_line(m, 1), "warning: w");
	assert_string_equal(lwb_mock_log_line(m, 2), "notice: n");
	assert_string_equal(lwb_mock_log_line(m, 3), "info: ");
	assert_string_equal(lwb_mock_log_line(m, 4), "debug: 3 sensors");
	assert_string_equal(lwb_mock_log_line(m, 5), "?: odd");
	assert_null(lwb_mock_log_line(m, 6));
	assert_true(lwb_mock_log_contains(m, "i2c-1"));
	assert_false(lwb_mock_log_contains(m, "i2c-2"));
	lwb_mock_free(m);
}

/* ---- error injection ------------------------------------------------ */

static void test_fail(void **state)
{
	struct lwb_mock *m = start(NULL);
	struct lwb_value v = {.type = LWB_TYPE_INTEGER};
	struct lwb_timer *t;

	(void)state;
	assert_int_equal(lwb_mock_fail(m, "nosuch", 0, -EIO), -EINVAL);
	assert_int_equal(lwb_mock_fail(m, NULL, 0, -EIO), -EINVAL);
	assert_int_equal(lwb_mock_fail(m, "publish", 0, 0), -EINVAL);

	/* The second instance_create fails, then all succeed again. */
	assert_int_equal(lwb_mock_fail(m, "instance_create", 1, -ENOMEM), 0);
	assert_int_equal(API->instance_create(tiny.host, 3303, 0, NULL, NULL),
			 0);
	assert_int_equal(API->instance_create(tiny.host, 3303, 1, NULL, NULL),
			 -ENOMEM);
	assert_int_equal(API->instance_create(tiny.host, 3303, 1, NULL, NULL),
			 1);

	lwb_mock_fail(m, "publish", 0, -ERANGE);
	assert_int_equal(lwb_publish_int(tiny.host, 3303, 0, 1, 5), -ERANGE);
	assert_int_equal(lwb_mock_value(m, 3303, 0, 1, LWB_NO_RIID, &v, NULL),
			 -ENOENT);
	assert_int_equal(lwb_mock_publish_count(m), 0);

	lwb_mock_fail(m, "instance_remove", 0, -EPERM);
	assert_int_equal(API->instance_remove(tiny.host, 3303, 1), -EPERM);
	assert_true(lwb_mock_instance_exists(m, 3303, 1));

	lwb_mock_fail(m, "timer_new", 0, -ENOMEM);
	errno = 0;
	assert_null(API->timer_new(tiny.host, fire_a, NULL));
	assert_int_equal(errno, ENOMEM);
	t = API->timer_new(tiny.host, fire_a, NULL);
	lwb_mock_fail(m, "timer_start", 0, -EIO);
	assert_int_equal(API->timer_start(tiny.host, t, 1, 0), -EIO);
	assert_int_equal(lwb_mock_timer_armed_count(m), 0);

	lwb_mock_fail(m, "fd_watch", 0, -EBADF);
	assert_int_equal(API->fd_watch(tiny.host, 4, LWB_FD_READ, on_fd, NULL),
			 -EBADF);
	assert_int_equal(API->fd_watch(tiny.host, 4, LWB_FD_READ, on_fd, NULL),
			 0);
	lwb_mock_fail(m, "fd_modify", 0, -EIO);
	assert_int_equal(API->fd_modify(tiny.host, 4, LWB_FD_WRITE), -EIO);
	assert_int_equal(lwb_mock_fd_events(m, 4), LWB_FD_READ);
	lwb_mock_fail(m, "fd_unwatch", 0, -EIO);
	assert_int_equal(API->fd_unwatch(tiny.host, 4), -EIO);
	assert_int_equal(lwb_mock_fd_events(m, 4), LWB_FD_READ);

	lwb_mock_fail(m, "post", 0, -ENOMEM);
	assert_int_equal(API->post(tiny.host, work, NULL), -ENOMEM);
	assert_int_equal(lwb_mock_posted_count(m), 0);

	/* A request not used up is freed with the mock. */
	lwb_mock_fail(m, "publish", 5, -EIO);
	assert_int_equal(lwb_mock_misuse_count(m), 0);
	lwb_mock_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_settings),
		cmocka_unit_test(test_start_stop),
		cmocka_unit_test(test_instances),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_value_types),
		cmocka_unit_test(test_read_write_execute),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_timer_misuse),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

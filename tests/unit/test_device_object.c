/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Device object /3/0 (bridge/device_object.h) against the fake host
 * trees tests/data/root/host (a Raspberry Pi with a battery and a mains
 * supply) and tests/data/root/host-bare (nothing but an old meminfo), on
 * a loop with a fake clock; the Reboot / Factory Reset commands are real
 * /bin/sh commands writing marker files.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"
#include "device_host.h"
#include "device_object.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "object_access.h"

#define DEV 3

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct loop *loop;
	uint64_t now_us;
	struct device *dev;
	struct bridge_config *cfg;
	char tmp[64];
	char log[64][256];
	size_t nlog;
	int changes_11; /* change hook calls for /3/0/11 */
};

static const char *src(const char *rel, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, cap, "%s/%s", top && *top ? top : TOP_SRCDIR, rel);
	return buf;
}

static void sink(enum log_level level, const char *line, void *ctx)
{
	struct fixture *f = ctx;

	if (f->nlog < 64)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%d %s",
			 (int)level, line);
}

static bool logged(struct fixture *f, const char *s)
{
	for (size_t i = 0; i < f->nlog; i++)
		if (strstr(f->log[i], s))
			return true;
	return false;
}

static uint64_t fake_now(void *ctx)
{
	return *(const uint64_t *)ctx;
}

static void on_change(const struct path *p, void *arg)
{
	struct fixture *f = arg;

	if (p->ids[0] == DEV && p->ids[2] == 11)
		f->changes_11++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct loop_clock clock = {fake_now, NULL};
	char buf[PATH_MAX];

	if (!f)
		return -1;
	f->reg = schema_registry_new();
	if (!f->reg ||
	    schema_load_dir(f->reg, src("objects", buf, sizeof(buf)), NULL))
		return -1;
	f->m = model_new(f->reg);
	f->oa = f->m ? oa_new(f->m) : NULL;
	f->loop = loop_new();
	if (!f->oa || !f->loop)
		return -1;
	f->now_us = 5000000000u;
	clock.ctx = &f->now_us;
	if (loop_set_clock(f->loop, &clock) != 0)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/test_device.XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	model_set_change_hook(f->m, on_change, f);
	log_set_sink(sink, f);
	log_set_level(LOG_LVL_DEBUG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[PATH_MAX + 16];

	log_set_sink(NULL, NULL);
	log_set_level(LOG_LVL_INFO);
	device_free(f->dev);
	cfg_free(f->cfg);
	oa_free(f->oa);
	loop_free(f->loop);
	model_free(f->m);
	schema_registry_free(f->reg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Loads "device = { host_root = ROOT; EXTRA };" (plus servers) and
 * creates the device. */
static void start(struct fixture *f, const char *root, const char *extra,
		  const char *servers)
{
	char text[3 * PATH_MAX], rootpath[PATH_MAX];
	struct cfg_error err;

	snprintf(text, sizeof(text), "device = { host_root = \"%s\"; %s };\n%s",
		 src(root, rootpath, sizeof(rootpath)), extra ? extra : "",
		 servers ? servers : "");
	if (cfg_load_string(text, "t.conf", &f->cfg, &err) != 0)
		fail_msg("%s", err.text);
	f->dev = device_new(f->loop, f->oa, f->cfg);
	assert_non_null(f->dev);
}

static int rd(struct fixture *f, uint16_t rid, struct lwb_value *v)
{
	struct path p = path_resource(DEV, 0, rid);

	return oa_read(f->oa, &p, v);
}

static int rd_ri(struct fixture *f, uint16_t rid, uint16_t ri,
		 struct lwb_value *v)
{
	struct path p = path_resource_instance(DEV, 0, rid, ri);

	return oa_read(f->oa, &p, v);
}

static void assert_str(struct fixture *f, uint16_t rid, const char *want)
{
	struct lwb_value v;
	int rc = rd(f, rid, &v);

	if (rc != 0)
		fail_msg("/3/0/%u: %d", (unsigned)rid, rc);
	assert_int_equal(v.type, LWB_TYPE_STRING);
	if (v.v.bytes.len != strlen(want) ||
	    memcmp(v.v.bytes.ptr, want, v.v.bytes.len) != 0)
		fail_msg("/3/0/%u: \"%.*s\", want \"%s\"", (unsigned)rid,
			 (int)v.v.bytes.len, (const char *)v.v.bytes.ptr, want);
}

static int64_t rd_int(struct fixture *f, uint16_t rid)
{
	struct lwb_value v;

	assert_int_equal(rd(f, rid, &v), 0);
	return v.v.i;
}

/* The Error Code instances, as "16,17". */
static void errors(struct fixture *f, char *out, size_t cap)
{
	struct lwb_value v;
	size_t len = 0;

	out[0] = '\0';
	for (int ri = model_resource_instance_next(f->m, DEV, 0, 11, -1);
	     ri >= 0; ri = model_resource_instance_next(f->m, DEV, 0, 11, ri)) {
		assert_int_equal(rd_ri(f, 11, (uint16_t)ri, &v), 0);
		len += (size_t)snprintf(out + len, cap - len, "%s%lld",
					len ? "," : "", (long long)v.v.i);
	}
}

static void advance_ms(struct fixture *f, uint64_t ms)
{
	f->now_us += ms * 1000;
}

/* ---- configured and host strings ---------------------------------- */

static void test_strings(void **state)
{
	struct fixture *f = *state;

	start(f, "tests/data/root/host",
	      "manufacturer = \"ACME\"; model = \"GW-9\";", NULL);
	assert_str(f, 0, "ACME");
	assert_str(f, 1, "GW-9");
	/* No serial number configured: the fixture's machine-id. */
	assert_str(f, 2, "0123456789abcdef0123456789abcdef");
	assert_str(f, 3, PACKAGE_VERSION);
	assert_str(f, 17, "gateway");
	assert_str(f, 18, "Raspberry Pi 4 Model B Rev 1.4");
	assert_str(f, 19, "Raspbian GNU/Linux 11 (bullseye), Linux 6.1.21-v8+");
	assert_str(f, 15, "Europe/Berlin");
	/* The default server speaks 1.1: TCP is offered where libcoap has
	 * it; U and Q always. */
	{
		struct lwb_value v;

		assert_int_equal(rd(f, 16, &v), 0);
		assert_true(v.v.bytes.len == 3 || v.v.bytes.len == 2);
		assert_memory_equal(v.v.bytes.ptr, "U", 1);
		assert_int_equal(
			((const char *)v.v.bytes.ptr)[v.v.bytes.len - 1], 'Q');
	}
	/* Read-only: a Write is refused before the handler. */
	{
		struct path p = path_resource(DEV, 0, 0);
		struct lwb_value v = {.type = LWB_TYPE_STRING,
				      .v.bytes = {"x", 1}};

		assert_int_equal(oa_write(f->oa, &p, &v), -EOPNOTSUPP);
	}
}

static void test_configured_strings(void **state)
{
	struct fixture *f = *state;

	start(f, "tests/data/root/host",
	      "serial_number = \"SN-7\"; device_type = \"router\"; "
	      "hardware_version = \"rev B\"; software_version = \"fw 2\"; "
	      "timezone = \"Asia/Tokyo\"; utc_offset = \"+09:00\";",
	      "servers = ( { short_server_id = 1; "
	      "uri = \"coap://127.0.0.1\"; lwm2m_version = \"1.0\"; } );");
	assert_str(f, 2, "SN-7");
	assert_str(f, 17, "router");
	assert_str(f, 18, "rev B");
	assert_str(f, 19, "fw 2");
	assert_str(f, 15, "Asia/Tokyo");
	assert_str(f, 14, "+09:00");
	/* Only a 1.0 server: no T. */
	assert_str(f, 16, "UQ");
}

static void test_bare_host(void **state)
{
	struct fixture *f = *state;
	struct lwb_value v;

	start(f, "tests/data/root/host-bare", NULL, NULL);
	/* No machine-id, no device tree, no os-release, no battery. */
	assert_str(f, 2, "unknown");
	assert_int_equal(rd(f, 18, &v), -ENOENT);
	assert_int_equal(rd(f, 9, &v), -ENOENT);
	assert_int_equal(rd(f, 20, &v), -ENOENT);
	assert_false(model_exists(
		f->m, &(struct path){.ids = {DEV, 0, 6}, .len = 3}));
	/* A kernel without MemAvailable: MemFree. */
	assert_int_equal(rd_int(f, 10), 120000);
	assert_int_equal(rd_int(f, 21), 500000);
}

static int count_record(const struct record *r, void *ctx)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void test_instance_read_is_quiet(void **state)
{
	struct fixture *f = *state;
	struct path inst = path_instance(DEV, 0);
	int n = 0;

	start(f, "tests/data/root/host-bare", NULL, NULL);
	f->nlog = 0;
	assert_true(oa_read_collect(f->oa, &inst, count_record, &n) > 0);
	assert_true(n >= 10);
	for (size_t i = 0; i < f->nlog; i++)
		if (strstr(f->log[i], "failed"))
			fail_msg("logged: %s", f->log[i]);
}

/* ---- memory, power -------------------------------------------------- */

static void test_memory(void **state)
{
	struct fixture *f = *state;
	char root[PATH_MAX + 8], path[PATH_MAX + 32];
	FILE *out;

	start(f, "tests/data/root/host", NULL, NULL);
	assert_int_equal(rd_int(f, 10), 2451200);
	assert_int_equal(rd_int(f, 21), 3884096);
	device_free(f->dev);
	f->dev = NULL;
	model_instance_delete(f->m, DEV, 0);
	cfg_free(f->cfg);
	f->cfg = NULL;

	/* A root of our own whose meminfo changes: a second Read within a
	 * second is served from the snapshot, a later one reads again. */
	snprintf(root, sizeof(root), "%s/r", f->tmp);
	snprintf(path, sizeof(path), "mkdir -p %s/proc", root);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/proc/meminfo", root);
	out = fopen(path, "w");
	assert_non_null(out);
	fputs("MemTotal: 1000 kB\nMemAvailable: 600 kB\n", out);
	fclose(out);
	{
		char text[PATH_MAX + 64];
		struct cfg_error err;

		snprintf(text, sizeof(text),
			 "device = { host_root = \"%s\"; };", root);
		assert_int_equal(cfg_load_string(text, "t", &f->cfg, &err), 0);
	}
	f->dev = device_new(f->loop, f->oa, f->cfg);
	assert_non_null(f->dev);
	assert_int_equal(rd_int(f, 10), 600);
	out = fopen(path, "w");
	assert_non_null(out);
	fputs("MemTotal: 1000 kB\nMemAvailable: 400 kB\n", out);
	fclose(out);
	advance_ms(f, 500);
	assert_int_equal(rd_int(f, 10), 600);
	advance_ms(f, 500);
	assert_int_equal(rd_int(f, 10), 400);
	assert_true(rd_int(f, 10) <= rd_int(f, 21));
}

static void test_power(void **state)
{
	struct fixture *f = *state;
	struct lwb_value v;

	start(f, "tests/data/root/host", NULL, NULL);
	/* Sorted by supply name: AC (mains, 6) then BAT0 (battery, 1). */
	assert_int_equal(rd_ri(f, 6, 0, &v), 0);
	assert_int_equal(v.v.i, 6);
	assert_int_equal(rd_ri(f, 6, 1, &v), 0);
	assert_int_equal(v.v.i, 1);
	assert_int_equal(rd_ri(f, 6, 2, &v), -ENOENT);
	/* The battery's 4.012 V and 350 mA; the mains supply has neither. */
	assert_int_equal(rd_ri(f, 7, 1, &v), 0);
	assert_int_equal(v.v.i, 4012);
	assert_int_equal(rd_ri(f, 8, 1, &v), 0);
	assert_int_equal(v.v.i, 350);
	assert_int_equal(rd_ri(f, 7, 0, &v), -ENOENT);
	assert_int_equal(rd_int(f, 9), 87);
	assert_int_equal(rd_int(f, 20), 1); /* Charging */
}

/* ---- time, offset, zone ------------------------------------------- */

static void test_current_time(void **state)
{
	struct fixture *f = *state;
	struct path p = path_resource(DEV, 0, 13);
	struct lwb_value v;
	int64_t now = (int64_t)time(NULL), t;

	start(f, "tests/data/root/host", NULL, NULL);
	assert_int_equal(rd(f, 13, &v), 0);
	assert_int_equal(v.type, LWB_TYPE_TIME);
	assert_true(v.v.i >= now && v.v.i <= now + 2);
	/* A written time becomes an offset: it keeps running from there. */
	v = (struct lwb_value){.type = LWB_TYPE_TIME, .v.i = now + 3600};
	assert_int_equal(oa_write(f->oa, &p, &v), 0);
	assert_true(logged(f, "the system clock is not set"));
	t = rd_int(f, 13);
	assert_true(t >= now + 3600 && t <= now + 3602);
	/* An Integer is accepted for a Time resource (text format). */
	v = (struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = 1000000000};
	assert_int_equal(oa_write(f->oa, &p, &v), 0);
	t = rd_int(f, 13);
	assert_true(t >= 1000000000 && t <= 1000000002);
}

static int wr_str(struct fixture *f, uint16_t rid, const char *s)
{
	struct path p = path_resource(DEV, 0, rid);
	struct lwb_value v = {.type = LWB_TYPE_STRING,
			      .v.bytes = {s, strlen(s)}};

	return oa_write(f->oa, &p, &v);
}

static void test_utc_offset_and_timezone(void **state)
{
	struct fixture *f = *state;
	char want[16];

	start(f, "tests/data/root/host", NULL, NULL);
	/* Not configured: the process's offset now. */
	assert_int_equal(devhost_utc_offset(time(NULL), want, sizeof(want)), 0);
	assert_str(f, 14, want);
	assert_int_equal(wr_str(f, 14, "+02:00"), 0);
	assert_str(f, 14, "+02:00");
	assert_int_equal(wr_str(f, 14, "UTC+1"), 0);
	assert_str(f, 14, "UTC+1");
	assert_int_equal(wr_str(f, 14, "-0530"), 0);
	assert_str(f, 14, "-0530");
	assert_int_equal(wr_str(f, 14, "Z"), 0);
	assert_int_equal(wr_str(f, 14, "soon"), -EINVAL);
	assert_int_equal(wr_str(f, 14, "+25:00"), -EINVAL);
	assert_int_equal(wr_str(f, 14, "+01:60"), -EINVAL);
	assert_int_equal(wr_str(f, 14, ""), -EINVAL);
	assert_str(f, 14, "Z");

	assert_int_equal(wr_str(f, 15, "America/Argentina/Buenos_Aires"), 0);
	assert_str(f, 15, "America/Argentina/Buenos_Aires");
	assert_int_equal(wr_str(f, 15, "Etc/GMT+5"), 0);
	assert_int_equal(wr_str(f, 15, "not a zone"), -EINVAL);
	assert_int_equal(wr_str(f, 15, "/etc/passwd"), -EINVAL);
	assert_int_equal(wr_str(f, 15, ""), -EINVAL);
	assert_str(f, 15, "Etc/GMT+5");
}

static void test_utc_offset_format(void **state)
{
	char buf[16];

	(void)state;
	/* 2024-01-15 and 2024-07-15 at noon UTC. */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	assert_int_equal(devhost_utc_offset(1705320000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+01:00");
	assert_int_equal(devhost_utc_offset(1721044800, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+02:00");
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	assert_int_equal(devhost_utc_offset(1705320000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+05:30");
	setenv("TZ", "America/St_Johns", 1);
	tzset();
	assert_int_equal(devhost_utc_offset(1705320000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-03:30");
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(devhost_utc_offset(1705320000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "+00:00");
	assert_int_equal(devhost_utc_offset(1705320000, buf, 4), -EINVAL);
	unsetenv("TZ");
	tzset();
}

static void test_timezone_sources(void **state)
{
	char root[PATH_MAX], tz[64], cmd[PATH_MAX * 2];
	struct fixture *f = *state;

	assert_int_equal(devhost_timezone(src("tests/data/root/host", root,
					      sizeof(root)),
					  tz, sizeof(tz)),
			 0);
	assert_string_equal(tz, "Europe/Berlin");
	/* No /etc/timezone: the /etc/localtime link. */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/l/etc && ln -s ../usr/share/zoneinfo/Europe/Rome "
		 "%s/l/etc/localtime",
		 f->tmp, f->tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(root, sizeof(root), "%s/l", f->tmp);
	assert_int_equal(devhost_timezone(root, tz, sizeof(tz)), 0);
	assert_string_equal(tz, "Europe/Rome");
	/* Neither: TZ. */
	snprintf(root, sizeof(root), "%s/none", f->tmp);
	setenv("TZ", ":Pacific/Auckland", 1);
	assert_int_equal(devhost_timezone(root, tz, sizeof(tz)), 0);
	assert_string_equal(tz, "Pacific/Auckland");
	unsetenv("TZ");
	assert_int_equal(devhost_timezone(root, tz, sizeof(tz)), -ENOENT);
}

/* ---- error codes ---------------------------------------------------- */

static void test_error_codes(void **state)
{
	struct fixture *f = *state;
	struct path reset = path_resource(DEV, 0, 12);
	char list[128];
	int before;

	start(f, "tests/data/root/host", NULL, NULL);
	errors(f, list, sizeof(list));
	assert_string_equal(list, "0");
	before = f->changes_11;
	assert_int_equal(device_error_raise(f->dev, 16), 0);
	errors(f, list, sizeof(list));
	assert_string_equal(list, "16");
	assert_true(f->changes_11 > before);
	assert_int_equal(device_error_raise(f->dev, 7), 0);
	assert_int_equal(device_error_raise(f->dev, 16), 0);
	errors(f, list, sizeof(list));
	assert_string_equal(list, "16,7");
	assert_int_equal(device_error_raise(f->dev, 0), -EINVAL);
	assert_int_equal(device_error_raise(f->dev, 33), -EINVAL);
	/* A shrinking list still reaches the observers. */
	before = f->changes_11;
	assert_int_equal(device_error_clear(f->dev, 16), 0);
	errors(f, list, sizeof(list));
	assert_string_equal(list, "7");
	assert_true(f->changes_11 > before);
	assert_int_equal(device_error_clear(f->dev, 5), 0);
	assert_int_equal(device_error_raise(f->dev, 5), 0);
	/* Reset Error Code: back to the single 0. */
	before = f->changes_11;
	assert_int_equal(oa_execute(f->oa, &reset, NULL, 0), 0);
	errors(f, list, sizeof(list));
	assert_string_equal(list, "0");
	assert_true(f->changes_11 > before);
	assert_int_equal(device_error_clear(f->dev, 7), 0);
	errors(f, list, sizeof(list));
	assert_string_equal(list, "0");
}

/* ---- Reboot, Factory Reset ------------------------------------------ */

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Runs the loop until the command's end was reported (at most ~5 s). */
static void wait_done(struct fixture *f, const char *marker_or_null)
{
	for (int i = 0; i < 50; i++) {
		if (marker_or_null && exists(marker_or_null))
			break;
		loop_run_once(f->loop, 100);
	}
	for (int i = 0; i < 50 && !logged(f, "command"); i++)
		loop_run_once(f->loop, 100);
	/* The pidfd (or the poll) reports the end. */
	for (int i = 0;
	     i < 50 && !(logged(f, "finished") || logged(f, "exited with") ||
			 logged(f, "killed by"));
	     i++) {
		advance_ms(f, 200);
		loop_run_once(f->loop, 100);
	}
}

static void test_reboot_runs_after_the_answer(void **state)
{
	struct fixture *f = *state;
	struct path p = path_resource(DEV, 0, 4);
	char marker[PATH_MAX + 16], extra[PATH_MAX * 2], list[64];

	snprintf(marker, sizeof(marker), "%s/rebooted", f->tmp);
	snprintf(extra, sizeof(extra), "reboot_command = \"echo bye > %s\";",
		 marker);
	start(f, "tests/data/root/host", extra, NULL);
	assert_int_equal(oa_execute(f->oa, &p, NULL, 0), 0);
	/* Nothing runs inside the Execute: the answer goes out first. */
	assert_false(exists(marker));
	loop_run_once(f->loop, 0);
	assert_false(exists(marker));
	advance_ms(f, DEVICE_EXECUTE_DELAY_MS - 1);
	loop_run_once(f->loop, 0);
	assert_false(exists(marker));
	/* A repeated Execute while pending is accepted, runs nothing more. */
	assert_int_equal(oa_execute(f->oa, &p, NULL, 0), 0);
	assert_true(logged(f, "reboot already pending"));
	advance_ms(f, 1);
	loop_run_once(f->loop, 0);
	assert_true(logged(f, "reboot: running \"echo bye > "));
	wait_done(f, marker);
	assert_true(exists(marker));
	assert_true(logged(f, "reboot command finished"));
	errors(f, list, sizeof(list));
	assert_string_equal(list, "0");
	/* Factory reset is not configured: 4.05. */
	p.ids[2] = 5;
	assert_int_equal(oa_execute(f->oa, &p, NULL, 0), -EOPNOTSUPP);
}

static void test_failing_command_sets_error_code(void **state)
{
	struct fixture *f = *state;
	struct path p = path_resource(DEV, 0, 5);
	char list[64];

	start(f, "tests/data/root/host", "factory_reset_command = \"exit 3\";",
	      NULL);
	p.ids[2] = 4;
	assert_int_equal(oa_execute(f->oa, &p, NULL, 0), -EOPNOTSUPP);
	p.ids[2] = 5;
	assert_int_equal(oa_execute(f->oa, &p, "", 0), 0);
	advance_ms(f, DEVICE_EXECUTE_DELAY_MS);
	loop_run_once(f->loop, 0);
	wait_done(f, NULL);
	assert_true(logged(f, "factory reset command exited with status 3"));
	errors(f, list, sizeof(list));
	assert_string_equal(list, "17");
}

/* The daemon blocks TERM/INT/HUP and ignores PIPE: the command must not
 * inherit either (a reboot script that waits on signals would hang). */
static void test_command_gets_clean_signals(void **state)
{
	struct fixture *f = *state;
	struct path p = path_resource(DEV, 0, 4);
	char marker[PATH_MAX + 16], extra[PATH_MAX * 2];
	sigset_t set, old;
	struct sigaction ign = {.sa_handler = SIG_IGN}, oldpipe;

	snprintf(marker, sizeof(marker), "%s/clean", f->tmp);
	/* Bits of HUP (1), INT (2), PIPE (13) and TERM (15); glibc's own
	 * real-time signals may show as ignored and are not checked. */
	snprintf(extra, sizeof(extra),
		 "reboot_command = \"b=$(sed -n 's/^SigBlk:[[:space:]]*//p' "
		 "/proc/self/status); i=$(sed -n 's/^SigIgn:[[:space:]]*//p' "
		 "/proc/self/status); [ $((0x$b & 0x5003)) -eq 0 ] && "
		 "[ $((0x$i & 0x5003)) -eq 0 ] && touch %s\";",
		 marker);
	start(f, "tests/data/root/host", extra, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigaction(SIGPIPE, &ign, &oldpipe);
	assert_int_equal(oa_execute(f->oa, &p, NULL, 0), 0);
	advance_ms(f, DEVICE_EXECUTE_DELAY_MS);
	loop_run_once(f->loop, 0);
	wait_done(f, marker);
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGPIPE, &oldpipe, NULL);
	if (!logged(f, "reboot command finished"))
		for (size_t i = 0; i < f->nlog; i++)
			print_message("%s\n", f->log[i]);
	assert_true(logged(f, "reboot command finished"));
	assert_true(exists(marker));
}

/* ---- configuration ---------------------------------------------------- */

static void config_err(const char *text, const char *want)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;

	assert_int_equal(cfg_load_string(text, "t.conf", &cfg, &err), -EINVAL);
	assert_null(cfg);
	assert_string_equal(err.text, want);
}

static void test_config(void **state)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;

	(void)state;
	assert_int_equal(
		cfg_load_string("device = { utc_offset = \"-05:30\"; "
				"network_interface = \"wlan0\"; "
				"host_root = \"/host\"; device_type = \"x\"; "
				"hardware_version = \"h\"; "
				"software_version = \"s\"; };",
				"t.conf", &cfg, &err),
		0);
	assert_string_equal(cfg->device.utc_offset, "-05:30");
	assert_string_equal(cfg->device.network_interface, "wlan0");
	assert_string_equal(cfg->device.host_root, "/host");
	assert_string_equal(cfg->device.device_type, "x");
	assert_string_equal(cfg->device.hardware_version, "h");
	assert_string_equal(cfg->device.software_version, "s");
	cfg_free(cfg);
	config_err("device = {\n network_interface = \"a/b\"; };",
		   "t.conf:2: device.network_interface: expected an interface "
		   "name of at most 15 bytes without '/', got \"a/b\"");
	config_err("device = {\n utc_offset = \"CET\"; };",
		   "t.conf:2: device.utc_offset: expected an offset like "
		   "\"+01:00\" or \"-05:30\", got \"CET\"");
	config_err("device = { host_root = \"host\"; };",
		   "t.conf:1: device.host_root: expected an absolute "
		   "directory, got \"host\"");
	config_err("device = { host_root = 1; };",
		   "t.conf:1: device.host_root: expected a string, got an "
		   "integer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configured_strings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bare_host, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_instance_read_is_quiet,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_power, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_time, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_utc_offset_and_timezone,
						setup, teardown),
		cmocka_unit_test(test_utc_offset_format),
		cmocka_unit_test_setup_teardown(test_timezone_sources, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_error_codes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_reboot_runs_after_the_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_failing_command_sets_error_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_gets_clean_signals,
						setup, teardown),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

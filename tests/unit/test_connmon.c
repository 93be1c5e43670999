/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connectivity Monitoring /4/0 (bridge/connmon.h) against the fake host
 * tree tests/data/root/host: wlan0 (wireless, default route metric 100,
 * gateways 192.168.1.1 and fe80::1) and eth0 (metric 600, gateway
 * 192.168.2.1).  The interface addresses come from a fake in place of
 * getifaddrs; the /proc parsers are tested through the instance.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "connmon.h"
#include "connmon_host.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "object_access.h"

#define CM 4

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct loop *loop;
	uint64_t now_us;
	struct connmon *cm;
	/* The fake getifaddrs: addresses per interface. */
	const char *addr_if;
	const char *addrs[4];
	size_t n_addrs;
	int addr_calls;
	char asked_if[CMHOST_IFNAME_MAX];
	int changes_4;
	char log[32][256];
	size_t nlog;
};

static const char *src(const char *rel, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, cap, "%s/%s", top && *top ? top : TOP_SRCDIR, rel);
	return buf;
}

static uint64_t fake_now(void *ctx)
{
	return *(const uint64_t *)ctx;
}

static int fake_addrs(const char *ifname, char (*out)[CMHOST_ADDR_MAX],
		      size_t max, void *ctx)
{
	struct fixture *f = ctx;
	size_t n = 0;

	f->addr_calls++;
	snprintf(f->asked_if, sizeof(f->asked_if), "%s", ifname);
	if (!f->addr_if || strcmp(ifname, f->addr_if) != 0)
		return 0;
	for (; n < f->n_addrs && n < max; n++)
		snprintf(out[n], CMHOST_ADDR_MAX, "%s", f->addrs[n]);
	return (int)n;
}

static void on_change(const struct path *p, void *arg)
{
	struct fixture *f = arg;

	if (p->ids[0] == CM && p->len >= 3 && p->ids[2] == 4)
		f->changes_4++;
}

static void sink(enum log_level level, const char *line, void *ctx)
{
	struct fixture *f = ctx;

	if (f->nlog < 32)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%d %s",
			 (int)level, line);
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
	f->now_us = 7000000000u;
	clock.ctx = &f->now_us;
	if (loop_set_clock(f->loop, &clock) != 0)
		return -1;
	f->addr_if = "wlan0";
	f->addrs[0] = "192.168.1.23";
	f->addrs[1] = "fd00::23";
	f->n_addrs = 2;
	model_set_change_hook(f->m, on_change, f);
	log_set_sink(sink, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	log_set_sink(NULL, NULL);
	connmon_free(f->cm);
	oa_free(f->oa);
	loop_free(f->loop);
	model_free(f->m);
	schema_registry_free(f->reg);
	free(f);
	return 0;
}

static void start(struct fixture *f, const char *root, const char *ifname)
{
	char path[PATH_MAX];
	struct connmon_opts o = {
		.root = src(root, path, sizeof(path)),
		.interface = ifname,
		.addrs = fake_addrs,
		.addrs_ctx = f,
	};

	f->cm = connmon_new(f->loop, f->oa, &o);
	assert_non_null(f->cm);
}

static int rd(struct fixture *f, uint16_t rid, struct lwb_value *v)
{
	struct path p = path_resource(CM, 0, rid);

	return oa_read(f->oa, &p, v);
}

/* The instances of multiple resource rid, read through object access, as
 * "a,b" (integers or strings). */
struct joined {
	char text[256];
	size_t len;
};

static int join_record(const struct record *r, void *ctx)
{
	struct joined *j = ctx;
	const char *sep = j->len ? "," : "";

	if (r->value.type == LWB_TYPE_STRING)
		j->len += (size_t)snprintf(j->text + j->len,
					   sizeof(j->text) - j->len, "%s%.*s",
					   sep, (int)r->value.v.bytes.len,
					   (const char *)r->value.v.bytes.ptr);
	else
		j->len += (size_t)snprintf(j->text + j->len,
					   sizeof(j->text) - j->len, "%s%lld",
					   sep, (long long)r->value.v.i);
	return 0;
}

static const char *multi(struct fixture *f, uint16_t rid, struct joined *j)
{
	struct path p = path_resource(CM, 0, rid);
	int rc;

	memset(j, 0, sizeof(*j));
	rc = oa_read_collect(f->oa, &p, join_record, j);
	if (rc < 0)
		fail_msg("/4/0/%u: %d", (unsigned)rid, rc);
	return j->text;
}

static void test_default_route_interface(void **state)
{
	struct fixture *f = *state;
	struct lwb_value v;
	struct joined j;

	start(f, "tests/data/root/host", NULL);
	/* wlan0 has the lower metric. */
	assert_string_equal(f->asked_if, "wlan0");
	assert_int_equal(rd(f, 0, &v), 0);
	assert_int_equal(v.v.i, 21); /* WLAN */
	assert_string_equal(multi(f, 1, &j), "21,41");
	assert_int_equal(rd(f, 2, &v), 0);
	assert_int_equal(v.v.i, -56);
	assert_int_equal(rd(f, 3, &v), 0);
	assert_int_equal(v.v.i, 54);
	assert_string_equal(multi(f, 4, &j), "192.168.1.23,fd00::23");
	assert_string_equal(multi(f, 5, &j), "192.168.1.1,fe80::1");
	assert_int_equal(rd(f, 6, &v), -ENOENT);
	assert_int_equal(rd(f, 8, &v), -ENOENT);
	/* Read-only, and the instance is in the model for the Register
	 * object list. */
	assert_true(model_instance_exists(f->m, CM, 0));
}

static void test_configured_interface(void **state)
{
	struct fixture *f = *state;
	struct path inst = path_instance(CM, 0);
	struct lwb_value v;
	struct joined j;

	start(f, "tests/data/root/host", "eth0");
	assert_int_equal(rd(f, 0, &v), 0);
	assert_int_equal(v.v.i, 41); /* Ethernet */
	/* A wire has no radio values; an instance Read leaves them out
	 * without logging. */
	assert_int_equal(rd(f, 2, &v), -ENOENT);
	assert_int_equal(rd(f, 3, &v), -ENOENT);
	assert_string_equal(multi(f, 4, &j), "");
	assert_string_equal(multi(f, 5, &j), "192.168.2.1");
	f->nlog = 0;
	memset(&j, 0, sizeof(j));
	assert_int_equal(oa_read_collect(f->oa, &inst, join_record, &j), 4);
	assert_string_equal(j.text, "41,21,41,192.168.2.1");
	assert_int_equal(f->nlog, 0);
}

static void test_snapshot_once_a_second(void **state)
{
	struct fixture *f = *state;
	struct path inst = path_instance(CM, 0);
	struct lwb_value v;
	struct joined j;
	int calls, changes;

	start(f, "tests/data/root/host", NULL);
	calls = f->addr_calls;
	/* A whole-instance Read and more single Reads in the same second:
	 * one snapshot. */
	memset(&j, 0, sizeof(j));
	assert_true(oa_read_collect(f->oa, &inst, join_record, &j) > 0);
	assert_int_equal(rd(f, 0, &v), 0);
	assert_int_equal(f->addr_calls, calls);
	/* An address goes away: seen after a second, and the change hook
	 * hears of it although the list shrank. */
	f->n_addrs = 1;
	f->now_us += 999 * 1000;
	assert_string_equal(multi(f, 4, &j), "192.168.1.23,fd00::23");
	changes = f->changes_4;
	f->now_us += 1000;
	assert_int_equal(rd(f, 0, &v), 0);
	assert_int_equal(f->addr_calls, calls + 1);
	assert_true(f->changes_4 > changes);
	assert_string_equal(multi(f, 4, &j), "192.168.1.23");
	/* And comes back. */
	f->n_addrs = 2;
	f->now_us += 1000 * 1000;
	changes = f->changes_4;
	/* The Read that takes the snapshot already sees the new instance. */
	assert_string_equal(multi(f, 4, &j), "192.168.1.23,fd00::23");
	assert_true(f->changes_4 > changes);
}

static void test_no_network(void **state)
{
	struct fixture *f = *state;
	struct lwb_value v;
	struct joined j;

	/* No route, no /sys/class/net: nothing but empty lists. */
	start(f, "tests/data/root/host-bare", NULL);
	assert_int_equal(rd(f, 0, &v), -ENOENT);
	assert_string_equal(multi(f, 1, &j), "");
	assert_string_equal(multi(f, 4, &j), "");
	assert_string_equal(multi(f, 5, &j), "");
}

static void test_parsers(void **state)
{
	char root[PATH_MAX], ifname[CMHOST_IFNAME_MAX];
	char out[4][CMHOST_ADDR_MAX];
	int level, lq, bearers[8];

	(void)state;
	src("tests/data/root/host", root, sizeof(root));
	assert_int_equal(cmhost_default_interface(root, ifname, sizeof(ifname)),
			 0);
	assert_string_equal(ifname, "wlan0");
	assert_int_equal(cmhost_routers(root, "eth0", out, 4), 1);
	assert_string_equal(out[0], "192.168.2.1");
	assert_int_equal(cmhost_routers(root, "wlan0", out, 1), 1);
	assert_string_equal(out[0], "192.168.1.1");
	assert_int_equal(cmhost_routers(root, "lo", out, 4), 0);
	assert_int_equal(cmhost_bearer(root, "wlan0"), CMHOST_BEARER_WLAN);
	assert_int_equal(cmhost_bearer(root, "eth0"), CMHOST_BEARER_ETHERNET);
	assert_int_equal(cmhost_bearer(root, "lo"), -ENOENT);
	assert_int_equal(cmhost_bearer(root, "nope"), -ENOENT);
	assert_int_equal(cmhost_bearer(root, "../x"), -EINVAL);
	assert_int_equal(cmhost_available_bearers(root, bearers, 8), 2);
	assert_int_equal(cmhost_wireless(root, "wlan0", &level, &lq), 0);
	assert_int_equal(level, -56);
	assert_int_equal(lq, 54);
	assert_int_equal(cmhost_wireless(root, "eth0", &level, &lq), -ENOENT);
	/* The real getifaddrs: loopback has 127.0.0.1 on any Linux. */
	assert_true(cmhost_addresses("lo", out, 4, NULL) >= 1);
	assert_string_equal(out[0], "127.0.0.1");
	/* IPv6 default route only. */
	src("tests/data/root/host-bare", root, sizeof(root));
	assert_int_equal(cmhost_default_interface(root, ifname, sizeof(ifname)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_route_interface,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_configured_interface,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_once_a_second,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_network, setup,
						teardown),
		cmocka_unit_test(test_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The plugin host with real shared objects: the test plugins of
 * tests/plugins, built as .so files (tests/plugins/.libs), loaded through
 * a real configuration, on a real loop with a fake clock.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"
#include "coap_errors.h"
#include "log.h"
#include "loop.h"
#include "object_access.h"
#include "plugin_host.h"
#include "test_plugins.h"

#define MAX_LOG 512

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct loop *loop;
	struct plugin_host *ph;
	struct bridge_config *cfg;
	uint64_t now_us;
	char dir[1024];
	char log[MAX_LOG][320];
	size_t nlog;
	int efd;
};

static struct fixture *F(void **state)
{
	return *state;
}

static void sink(enum log_level level, const char *line, void *ctx)
{
	struct fixture *f = ctx;

	if (f->nlog < MAX_LOG)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%d %s",
			 (int)level, line);
}

/* Index of the first line containing s, or -1. */
static int find_log(struct fixture *f, const char *s)
{
	for (size_t i = 0; i < f->nlog; i++)
		if (strstr(f->log[i], s))
			return (int)i;
	return -1;
}

static size_t count_log(struct fixture *f, const char *s)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nlog; i++)
		n += strstr(f->log[i], s) != NULL;
	return n;
}

static void expect_log(struct fixture *f, const char *fmt, ...)
{
	char want[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	if (find_log(f, want) < 0) {
		for (size_t i = 0; i < f->nlog; i++)
			print_message("log: %s\n", f->log[i]);
		fail_msg("no log line contains: %s", want);
	}
}

static uint64_t fake_now(void *ctx)
{
	return *(const uint64_t *)ctx;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct loop_clock clock;
	const char *top = getenv("top_srcdir");
	const char *build = getenv("top_builddir");
	char buf[1024];

	if (!f)
		return -1;
	snprintf(buf, sizeof(buf), "%s/objects",
		 top && *top ? top : TOP_SRCDIR);
	snprintf(f->dir, sizeof(f->dir), "%s/tests/plugins/.libs",
		 build && *build ? build : TOP_BUILDDIR);
	f->reg = schema_registry_new();
	if (!f->reg || schema_load_dir(f->reg, buf, NULL) != 0)
		return -1;
	f->m = model_new(f->reg);
	f->oa = f->m ? oa_new(f->m) : NULL;
	f->loop = loop_new();
	if (!f->oa || !f->loop)
		return -1;
	f->now_us = 5000000000u;
	clock.now_us = fake_now;
	clock.ctx = &f->now_us;
	if (loop_set_clock(f->loop, &clock) != 0)
		return -1;
	/* The daemon's Device instance, as core_objects makes it. */
	if (model_instance_create(f->m, 3, 0) != 0)
		return -1;
	f->ph = plugin_host_new(f->loop, f->oa);
	f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!f->ph || f->efd < 0)
		return -1;
	log_set_sink(sink, f);
	log_set_level(LOG_LVL_DEBUG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	/* Work still queued runs first (the loop would warn about it). */
	loop_run_once(f->loop, 0);
	plugin_host_free(f->ph);
	log_set_sink(NULL, NULL);
	log_set_level(LOG_LVL_INFO);
	loop_free(f->loop);
	oa_free(f->oa);
	model_free(f->m);
	schema_registry_free(f->reg);
	cfg_free(f->cfg);
	close(f->efd);
	free(f);
	return 0;
}

/* Loads the plugins list given (libconfig text) from the test plugin
 * directory; returns plugin_host_load_all's result. */
static int load(struct fixture *f, const char *plugins)
{
	char text[4096];
	struct cfg_error err;

	snprintf(text, sizeof(text), "plugin_dir = \"%s\";\nplugins = ( %s );",
		 f->dir, plugins);
	cfg_free(f->cfg);
	f->cfg = NULL;
	if (cfg_load_string(text, "t.conf", &f->cfg, &err) != 0)
		fail_msg("%s", err.text);
	return plugin_host_load_all(f->ph, f->cfg);
}

static struct lwb_value read_ok(struct fixture *f, struct path p)
{
	struct lwb_value v;
	int rc = oa_read(f->oa, &p, &v);

	assert_int_equal(rc, 0);
	return v;
}

static int read_rc(struct fixture *f, struct path p)
{
	struct lwb_value v;

	return oa_read(f->oa, &p, &v);
}

static void *ctx_of(struct fixture *f, uint16_t oid, uint16_t iid)
{
	const struct oa_handler *h = oa_handler(f->oa, oid, iid);

	assert_non_null(h);
	return h->ctx;
}

static int run_once(struct fixture *f)
{
	return loop_run_once(f->loop, 0);
}

/* True if the loop no longer watches fd. */
static bool unwatched(struct fixture *f, int fd)
{
	return loop_watch_del(f->loop, fd) == -ENOENT;
}

/* ---- loading --------------------------------------------------------- */

static void test_load_good(void **state)
{
	struct fixture *f = F(state);
	struct path value = path_resource(TP_OID_TEMP, 0, TP_RID_VALUE);
	struct plugin_host_stats st;
	struct tp_good *g;
	struct lwb_value v;
	int64_t t = 0, before = (int64_t)time(NULL) * 1000;

	assert_int_equal(load(f, "{ plugin = \"good\"; name = \"a\"; }"), 1);
	assert_int_equal(plugin_host_count(f->ph), 1);
	expect_log(f,
		   "6 info: [a] %s/good.so: loaded good 1.2.3 (plugin ABI "
		   "1.0)",
		   f->dir);
	expect_log(f, "6 info: [a] ready on /3303/0");
	/* Published in init, stamped with the wall clock. */
	assert_int_equal(model_get(f->m, &value, &v), 0);
	assert_true(v.v.f == 21.5);
	assert_int_equal(model_get_time(f->m, &value, &t), 0);
	assert_true(t >= before - 1000 && t <= before + 5000);

	g = ctx_of(f, TP_OID_TEMP, 0);
	assert_int_equal(g->magic, TP_GOOD_MAGIC);
	g->value = 30.25;
	v = read_ok(f, value);
	assert_true(v.v.f == 30.25);
	assert_int_equal(g->reads, 1);
	assert_int_equal(plugin_host_stats(f->ph, "a", &st), 0);
	assert_int_equal(st.instances, 1);
	assert_int_equal(st.fd_watches, 0);
	assert_int_equal(st.timers, 0);
	assert_int_equal(plugin_host_stats(f->ph, "zz", &st), -ENOENT);

	assert_int_equal(plugin_host_unload(f->ph, "a"), 0);
	expect_log(f, "6 info: [a] fini after 1 reads");
	assert_false(model_instance_exists(f->m, TP_OID_TEMP, 0));
	assert_int_equal(oa_bound_count(f->oa), 0);
	assert_int_equal(plugin_host_count(f->ph), 0);
	assert_int_equal(plugin_host_unload(f->ph, "a"), -ENOENT);
}

static void test_two_instances(void **state)
{
	struct fixture *f = F(state);
	struct tp_good *a, *b;
	struct lwb_value v;

	assert_int_equal(load(f, "{ plugin = \"good\"; name = \"a\"; "
				 "settings = { value = 1.5; }; },"
				 "{ plugin = \"good\"; name = \"b\"; "
				 "settings = { value = 2.5; iid = 7; }; }"),
			 2);
	a = ctx_of(f, TP_OID_TEMP, 0);
	b = ctx_of(f, TP_OID_TEMP, 7);
	assert_ptr_not_equal(a, b);
	assert_int_equal(a->iid, 0);
	assert_int_equal(b->iid, 7);
	expect_log(f, "[a] ready on /3303/0");
	expect_log(f, "[b] ready on /3303/7");
	v = read_ok(f, path_resource(TP_OID_TEMP, 0, TP_RID_VALUE));
	assert_true(v.v.f == 1.5);
	v = read_ok(f, path_resource(TP_OID_TEMP, 7, TP_RID_VALUE));
	assert_true(v.v.f == 2.5);
	v = read_ok(f, path_resource(TP_OID_TEMP, 7, TP_RID_VALUE));
	assert_int_equal(a->reads, 1);
	assert_int_equal(b->reads, 2);

	/* One instance may not touch the other's things. */
	assert_int_equal(
		lwb_publish_float(b->host, TP_OID_TEMP, 0, TP_RID_VALUE, 9.0),
		-EPERM);
	assert_int_equal(b->host->api->instance_remove(b->host, TP_OID_TEMP, 0),
			 -EPERM);
	assert_null(a->host->api->timer_new(a->host, NULL, NULL));
	assert_int_equal(errno, EINVAL);

	/* Unloading one leaves the other whole. */
	assert_int_equal(plugin_host_unload(f->ph, "a"), 0);
	expect_log(f, "[a] fini after 1 reads");
	assert_false(model_instance_exists(f->m, TP_OID_TEMP, 0));
	v = read_ok(f, path_resource(TP_OID_TEMP, 7, TP_RID_VALUE));
	assert_true(v.v.f == 2.5);
	assert_int_equal(b->reads, 3);
	assert_int_equal(plugin_host_count(f->ph), 1);
}

static void test_refusals(void **state)
{
	struct fixture *f = F(state);

	/* Every bad one is logged and skipped; the good ones load. */
	assert_int_equal(load(f, "{ plugin = \"abi2\"; },"
				 "{ plugin = \"small\"; },"
				 "{ plugin = \"good\"; },"
				 "{ plugin = \"noinit\"; },"
				 "{ plugin = \"nosym\"; },"
				 "{ plugin = \"ghost\"; },"
				 "{ plugin = \"good\"; name = \"good2\"; }"),
			 2);
	expect_log(f,
		   "4 warning: [abi2] %s/abi2.so: built for plugin ABI 2.0, "
		   "this daemon speaks 1.0: not loaded",
		   f->dir);
	expect_log(f,
		   "4 warning: [small] %s/small.so: built for plugin ABI "
		   "1.0, this daemon speaks 1.0: its descriptor has %zu "
		   "bytes, %zu needed: not loaded",
		   f->dir, offsetof(struct lwb_plugin, init),
		   offsetof(struct lwb_plugin, fini) + sizeof(void (*)(void)));
	expect_log(f,
		   "4 warning: [noinit] %s/noinit.so: the descriptor has no "
		   "init function: not loaded",
		   f->dir);
	expect_log(f,
		   "4 warning: [nosym] %s/nosym.so: no lwb_plugin symbol "
		   "(not an lwm2m-bridge plugin?): not loaded",
		   f->dir);
	expect_log(f,
		   "4 warning: [ghost] %s/ghost.so: cannot load: cannot "
		   "open shared object file: No such file or directory: "
		   "not loaded",
		   f->dir);
	/* One line each. */
	assert_int_equal(count_log(f, "[abi2]"), 1);
	assert_int_equal(count_log(f, "[small]"), 1);
	assert_int_equal(count_log(f, "not loaded"), 5);
	assert_int_equal(plugin_host_count(f->ph), 2);
	assert_non_null(oa_handler(f->oa, TP_OID_TEMP, 0));
	assert_non_null(oa_handler(f->oa, TP_OID_TEMP, 1));
}

/* plugin_host_load with a plugin name (NULL instance name: the same). */
static int load_one(struct fixture *f, const char *plugin, const char *name)
{
	char p[64], n[64];
	struct cfg_plugin cp = {.plugin = p, .name = name ? n : NULL};

	snprintf(p, sizeof(p), "%s", plugin);
	snprintf(n, sizeof(n), "%s", name ? name : "");
	return plugin_host_load(f->ph, f->dir, &cp);
}

static void test_load_errors(void **state)
{
	struct fixture *f = F(state);

	assert_int_equal(load_one(f, "abi2", NULL), -EPROTO);
	assert_int_equal(load_one(f, "small", NULL), -EPROTO);
	assert_int_equal(load_one(f, "noinit", NULL), -EPROTO);
	assert_int_equal(load_one(f, "nosym", NULL), -ELIBBAD);
	assert_int_equal(load_one(f, "ghost", NULL), -ELIBACC);
	assert_int_equal(load_one(f, "../good", NULL), -EINVAL);
	assert_int_equal(load_one(f, "", NULL), -EINVAL);
	assert_int_equal(load_one(f, "good", ".."), -EINVAL);
	assert_int_equal(load_one(f, "good", "x"), 0);
	assert_int_equal(load_one(f, "good", "x"), -EEXIST);
	expect_log(f, "[x] an instance of that name is loaded already");
	assert_int_equal(plugin_host_count(f->ph), 1);
}

static void test_required(void **state)
{
	struct fixture *f = F(state);

	/* A required one that fails stops the list: err level, its error. */
	assert_int_equal(load(f, "{ plugin = \"good\"; },"
				 "{ plugin = \"abi2\"; required = true; },"
				 "{ plugin = \"good\"; name = \"later\"; }"),
			 -EPROTO);
	expect_log(f,
		   "3 err: [abi2] %s/abi2.so: built for plugin ABI 2.0, "
		   "this daemon speaks 1.0: not loaded",
		   f->dir);
	assert_int_equal(find_log(f, "[later]"), -1);
	assert_int_equal(plugin_host_count(f->ph), 1);

	/* A required one that loads is just loaded. */
	assert_int_equal(plugin_host_unload(f->ph, "good"), 0);
	assert_int_equal(load(f, "{ plugin = \"good\"; required = true; }"), 1);
	/* A required init failure: the init's error. */
	assert_int_equal(load(f, "{ plugin = \"initfail\"; required = true; }"),
			 -ENODEV);
	expect_log(f,
		   "3 err: [initfail] %s/initfail.so: init failed: No such "
		   "device: not loaded",
		   f->dir);
}

static void test_init_fails(void **state)
{
	struct fixture *f = F(state);
	struct plugin_host_stats st;

	assert_int_equal(load(f, "{ plugin = \"initfail\"; }"), 0);
	/* The plugin's own reason, then the host's one line. */
	expect_log(f, "3 err: [initfail] cannot open /dev/nonexistent-bus");
	expect_log(f,
		   "4 warning: [initfail] %s/initfail.so: init failed: No "
		   "such device: not loaded",
		   f->dir);
	expect_log(f, "7 debug: [initfail] removed 3 item(s) the plugin left "
		      "registered");
	assert_int_equal(plugin_host_count(f->ph), 0);
	assert_int_equal(plugin_host_stats(f->ph, "initfail", &st), -ENOENT);
	assert_false(model_instance_exists(f->m, TP_OID_TEMP, 0));
	assert_int_equal(oa_bound_count(f->oa), 0);
	assert_int_equal(loop_next_timeout_ms(f->loop), -1);
	/* Its posted work (which aborts) is gone: only the drain runs. */
	f->now_us += 100000;
	assert_int_equal(run_once(f), 1);
	assert_int_equal(run_once(f), 0);
}

/* ---- the host API ---------------------------------------------------- */

static void test_all_api(void **state)
{
	struct fixture *f = F(state);
	char entry[256];
	struct plugin_host_stats st;
	struct tp_allapi *a;
	struct lwb_value v;
	uint64_t one = 1;
	int64_t t = 0;

	snprintf(entry, sizeof(entry),
		 "{ plugin = \"allapi\"; name = \"all\"; settings = { fd = %d; "
		 "}; }",
		 f->efd);
	assert_int_equal(load(f, entry), 1);
	a = ctx_of(f, TP_OID_TEMP, 0);
	assert_int_equal(a->magic, TP_ALLAPI_MAGIC);
	if (a->failures)
		fail_msg("%d failed, first: %s", a->failures, a->first_failure);
	assert_int_equal(a->checks, TP_ALLAPI_CHECKS);
	expect_log(f, "6 info: [all] hello from all");
	expect_log(f, "5 notice: [all] settings given");
	assert_int_equal(a->started_ms, loop_now_ms(f->loop));

	/* What it published, with the measurement times. */
	v = read_ok(f, path_resource(TP_OID_TEMP, 0, TP_RID_VALUE));
	assert_true(v.v.f == 5.25);
	assert_int_equal(
		model_get_time(f->m,
			       &(struct path){{TP_OID_TEMP, 0, TP_RID_MIN}, 3},
			       &t),
		0);
	assert_int_equal(t, 1234567);
	/* Its second instance was removed again. */
	assert_int_equal(model_instance_count(f->m, TP_OID_TEMP), 1);

	assert_int_equal(plugin_host_stats(f->ph, "all", &st), 0);
	assert_int_equal(st.instances, 1);
	assert_int_equal(st.fd_watches, 1);
	assert_int_equal(st.timers, 1);
	assert_int_equal(st.posts_pending, 1 + TP_ALLAPI_THREAD_POSTS);
	/* "publish new", "publish same", "publish at" succeeded; the two
	 * with a new value changed it; the refused ones count for nothing. */
	assert_int_equal(st.publishes, 3);
	assert_int_equal(st.changes, 2);

	/* Posted work (from init and from its thread) runs in one go: one
	 * drain on the loop. */
	assert_int_equal(run_once(f), 1);
	assert_int_equal(count_log(f, "6 info: [all] work ran"),
			 1 + TP_ALLAPI_THREAD_POSTS);
	assert_int_equal(plugin_host_stats(f->ph, "all", &st), 0);
	assert_int_equal(st.posts_pending, 0);

	/* Its fd watch. */
	assert_int_equal(write(f->efd, &one, sizeof(one)), sizeof(one));
	assert_int_equal(run_once(f), 1);
	assert_int_equal(a->fd_events, 1);
	assert_int_equal(run_once(f), 0);

	/* Its timer: 10 ms, then every 10 ms, on the loop's clock. */
	f->now_us += 9000;
	assert_int_equal(run_once(f), 0);
	f->now_us += 1000;
	assert_int_equal(run_once(f), 1);
	assert_int_equal(a->timer_fires, 1);
	f->now_us += 10000;
	assert_int_equal(run_once(f), 1);
	assert_int_equal(a->timer_fires, 2);
	expect_log(f, "7 debug: [all] timer 2");

	/* A clean fini leaves nothing behind for the host to remove. */
	assert_int_equal(plugin_host_unload(f->ph, "all"), 0);
	expect_log(f, "6 info: [all] fini");
	assert_int_equal(find_log(f, "left registered"), -1);
	assert_int_equal(loop_next_timeout_ms(f->loop), -1);
	assert_true(unwatched(f, f->efd));
	assert_false(model_instance_exists(f->m, TP_OID_TEMP, 0));
}

static void test_unload_cleans_up(void **state)
{
	struct fixture *f = F(state);
	char entry[256];
	struct plugin_host_stats st;
	uint64_t one = 1;

	snprintf(entry, sizeof(entry),
		 "{ plugin = \"allapi\"; name = \"sloppy\"; settings = { fd = "
		 "%d; leak = true; }; }",
		 f->efd);
	assert_int_equal(load(f, entry), 1);
	assert_int_equal(plugin_host_stats(f->ph, "sloppy", &st), 0);
	assert_int_equal(st.instances, 1);
	assert_int_equal(st.fd_watches, 1);
	assert_int_equal(st.timers, 1);
	assert_int_equal(st.posts_pending, 1 + TP_ALLAPI_THREAD_POSTS);
	assert_int_equal(loop_next_timeout_ms(f->loop), 10);

	/* Its fini frees its state and forgets everything else. */
	assert_int_equal(plugin_host_unload(f->ph, "sloppy"), 0);
	expect_log(f, "6 info: [sloppy] fini (leaking)");
	expect_log(f,
		   "7 debug: [sloppy] removed %d item(s) the plugin left "
		   "registered",
		   3 + 1 + TP_ALLAPI_THREAD_POSTS);
	assert_false(model_instance_exists(f->m, TP_OID_TEMP, 0));
	assert_int_equal(oa_bound_count(f->oa), 0);
	assert_true(unwatched(f, f->efd));
	assert_int_equal(loop_next_timeout_ms(f->loop), -1);
	/* Nothing of it runs any more (its code is unmapped: it would
	 * crash): not the fd, not the timer, not the work. */
	assert_int_equal(write(f->efd, &one, sizeof(one)), sizeof(one));
	f->now_us += 1000000;
	assert_int_equal(run_once(f), 1); /* the host's drain, empty */
	assert_int_equal(count_log(f, "work ran"), 0);
	assert_int_equal(count_log(f, "timer"), 0);
}

/* Work the test itself posts through a plugin's handle. */
struct post_probe {
	struct lwb_host *host;
	int ran;
	int order[8];
};

static void probe_work(void *arg)
{
	struct post_probe *p = arg;

	if (p->ran < 8)
		p->order[p->ran] = p->ran;
	p->ran++;
}

static void *probe_thread(void *arg)
{
	struct post_probe *p = arg;

	for (int i = 0; i < 3; i++)
		if (p->host->api->post(p->host, probe_work, p) != 0)
			return arg;
	return NULL;
}

struct unloader {
	struct plugin_host *ph;
	const char *name;
	int rc;
};

static void unload_work(void *arg)
{
	struct unloader *u = arg;

	u->rc = plugin_host_unload(u->ph, u->name);
}

/* Work already taken off the queue when its instance goes: the drain
 * checks each item before running it. */
static void test_post_unloaded_mid_drain(void **state)
{
	struct fixture *f = F(state);
	struct post_probe late = {0};
	struct unloader u = {.ph = f->ph, .name = "a", .rc = 1};
	struct lwb_host *b;

	assert_int_equal(load(f, "{ plugin = \"good\"; name = \"a\"; },"
				 "{ plugin = \"good\"; name = \"b\"; }"),
			 2);
	late.host = ((struct tp_good *)ctx_of(f, TP_OID_TEMP, 0))->host;
	b = ((struct tp_good *)ctx_of(f, TP_OID_TEMP, 1))->host;
	assert_int_equal(b->api->post(b, unload_work, &u), 0);
	assert_int_equal(late.host->api->post(late.host, probe_work, &late), 0);
	assert_int_equal(run_once(f), 1);
	assert_int_equal(u.rc, 0);
	assert_int_equal(late.ran, 0);
	assert_int_equal(plugin_host_count(f->ph), 1);
}

static void test_post_dropped_on_unload(void **state)
{
	struct fixture *f = F(state);
	struct post_probe kept = {0}, dropped = {0};
	pthread_t th;
	void *res;

	assert_int_equal(load(f, "{ plugin = \"good\"; name = \"a\"; },"
				 "{ plugin = \"good\"; name = \"b\"; }"),
			 2);
	dropped.host = ((struct tp_good *)ctx_of(f, TP_OID_TEMP, 0))->host;
	kept.host = ((struct tp_good *)ctx_of(f, TP_OID_TEMP, 1))->host;
	assert_int_equal(kept.host->api->post(kept.host, NULL, NULL), -EINVAL);
	/* From other threads, interleaved with the loop thread. */
	assert_int_equal(pthread_create(&th, NULL, probe_thread, &dropped), 0);
	assert_int_equal(kept.host->api->post(kept.host, probe_work, &kept), 0);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	assert_int_equal(pthread_create(&th, NULL, probe_thread, &kept), 0);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);

	assert_int_equal(plugin_host_unload(f->ph, "a"), 0);
	/* A new instance may reuse the old one's memory: still dropped. */
	assert_int_equal(load(f, "{ plugin = \"good\"; name = \"c\"; }"), 1);
	assert_int_equal(run_once(f), 1);
	assert_int_equal(dropped.ran, 0);
	assert_int_equal(kept.ran, 4);
}

/* ---- callbacks through object access --------------------------------- */

static void test_good_write_execute(void **state)
{
	struct fixture *f = F(state);
	struct path app = path_resource(TP_OID_TEMP, 0, TP_RID_APP_TYPE);
	struct path reset = path_resource(TP_OID_TEMP, 0, TP_RID_RESET);
	struct lwb_value s = {.type = LWB_TYPE_STRING,
			      .v.bytes = {"kitchen", 7}};
	struct tp_good *g;
	struct lwb_value v;

	assert_int_equal(load(f, "{ plugin = \"good\"; }"), 1);
	g = ctx_of(f, TP_OID_TEMP, 0);
	assert_int_equal(oa_write(f->oa, &app, &s), 0);
	assert_int_equal(g->writes, 1);
	assert_memory_equal(g->app_type, "kitchen", 7);
	v = read_ok(f, app);
	assert_int_equal(v.v.bytes.len, 7);
	assert_memory_equal(v.v.bytes.ptr, "kitchen", 7);

	/* Read-only in the definition: the plugin is not asked. */
	assert_int_equal(
		oa_write(f->oa,
			 &(struct path){{TP_OID_TEMP, 0, TP_RID_VALUE}, 3},
			 &(struct lwb_value){.type = LWB_TYPE_FLOAT,
					     .v.f = 1.0}),
		-EOPNOTSUPP);
	assert_int_equal(g->writes, 1);

	/* Execute: the plugin publishes from inside its callback. */
	g->value = 18.0;
	assert_int_equal(oa_execute(f->oa, &reset, "5='now'", 7), 0);
	assert_string_equal(g->exec_args, "5='now'");
	assert_int_equal(
		model_get(f->m, &(struct path){{TP_OID_TEMP, 0, TP_RID_MIN}, 3},
			  &v),
		0);
	assert_true(v.v.f == 18.0);

	/* A resource the plugin does not have. */
	assert_int_equal(read_rc(f, path_resource(TP_OID_TEMP, 0, 5603)),
			 -ENOENT);
	expect_log(f, "5 notice: [good] read of /3303/0/5603 failed: No such "
		      "file or directory (4.04 Not Found)");
}

static void test_plugin_errors(void **state)
{
	struct fixture *f = F(state);
	struct path value0 = path_resource(TP_OID_TEMP, 0, TP_RID_VALUE);
	struct lwb_value s = {.type = LWB_TYPE_STRING, .v.bytes = {"x", 1}};
	int rc;

	assert_int_equal(load(f, "{ plugin = \"readerr\"; name = \"bad\"; },"
				 "{ plugin = \"unknown\"; name = \"unk\"; }"),
			 2);
	/* readerr (/3303/0): I/O errors are 5.00 and a warning. */
	rc = read_rc(f, value0);
	assert_int_equal(rc, -EIO);
	assert_int_equal(coap_code_from_errno(rc), COAP_INTERNAL_SERVER_ERROR);
	expect_log(f, "4 warning: [bad] read of /3303/0/5700 failed: "
		      "Input/output error (5.00 Internal Server Error)");
	rc = oa_write(f->oa,
		      &(struct path){{TP_OID_TEMP, 0, TP_RID_APP_TYPE}, 3}, &s);
	assert_int_equal(rc, -EIO);
	rc = oa_execute(f->oa,
			&(struct path){{TP_OID_TEMP, 0, TP_RID_RESET}, 3}, NULL,
			0);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_int_equal(coap_code_from_errno(rc), COAP_INTERNAL_SERVER_ERROR);
	expect_log(f, "[bad] execute of /3303/0/5605 failed: Connection timed "
		      "out (5.00 Internal Server Error)");

	/* unknown (/3303/1): resources it does not know are 4.04. */
	rc = read_rc(f, path_resource(TP_OID_TEMP, 1, TP_RID_UNITS));
	assert_int_equal(rc, -ENOENT);
	assert_int_equal(coap_code_from_errno(rc), COAP_NOT_FOUND);
	expect_log(f, "5 notice: [unk] read of /3303/1/5701 failed: No such "
		      "file or directory (4.04 Not Found)");
	assert_true(
		read_ok(f, path_resource(TP_OID_TEMP, 1, TP_RID_VALUE)).v.f ==
		1.5);
	rc = read_rc(f, path_resource(TP_OID_TEMP, 1, TP_RID_MIN));
	assert_int_equal(rc, -EIO);
	expect_log(f, "4 warning: [unk] read of /3303/1/5601 returned an "
		      "invalid value (String, the resource is Float)");
	rc = oa_write(f->oa,
		      &(struct path){{TP_OID_TEMP, 1, TP_RID_APP_TYPE}, 3}, &s);
	assert_int_equal(coap_code_from_errno(rc), COAP_NOT_FOUND);
	rc = oa_execute(f->oa,
			&(struct path){{TP_OID_TEMP, 1, TP_RID_RESET}, 3}, NULL,
			0);
	assert_int_equal(coap_code_from_errno(rc), COAP_NOT_FOUND);
	/* Not in the definition at all: 4.04 without asking. */
	assert_int_equal(read_rc(f, path_resource(TP_OID_TEMP, 1, 9999)),
			 -ENOENT);
	assert_int_equal(find_log(f, "/3303/1/9999"), -1);
	/* None of it unloaded anything. */
	assert_int_equal(plugin_host_count(f->ph), 2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_load_good),
		T(test_two_instances),
		T(test_refusals),
		T(test_load_errors),
		T(test_required),
		T(test_init_fails),
		T(test_all_api),
		T(test_unload_cleans_up),
		T(test_post_dropped_on_unload),
		T(test_post_unloaded_mid_drain),
		T(test_good_write_execute),
		T(test_plugin_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

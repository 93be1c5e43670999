/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe engine's notification timing on a fake clock: Observe and
 * notify, the attributes (pmin, pmax, gt, lt, st, levels), flow control,
 * cancelling, building and sending failures, several servers.  The
 * offline/storing side is in test_observe_store.c; the mock owner is in
 * observe_fixture.c.  Test names follow the OMA ETS cases where one fits.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "observe_fixture.h"

/* ---- basics ---------------------------------------------------------- */

static void test_ets_301_observe_and_notify(void **state)
{
	struct owner *ow = *state;

	ow->num = 20;
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	assert_int_equal(obs_count(ow->e), 1);
	/* Idle: nothing armed, nothing sent. */
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	ofx_step(ow, 3600000);
	assert_int_equal(ow->nsent, 0);

	ofx_change(ow, TEMP, 21.5);
	assert_int_equal(ow->nsent, 0); /* never from inside the call */
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=21.5", 1, false);
	assert_memory_equal(ow->sent[0].token, T1, sizeof(T1));
	assert_int_equal(ow->sent[0].token_len, sizeof(T1));
	/* Two changes in one iteration: one notification, latest value. */
	ofx_change(ow, TEMP, 22);
	ofx_change(ow, TEMP, 23);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	ofx_assert_sent(ow, 1, "/3303/0/5700=23", 2, false);
	assert_int_equal(ofx_stats(ow).sent, 2);
	assert_int_equal(ofx_stats(ow).coalesced, 1);
	/* Unrelated paths do not match. */
	ofx_change(ow, path_resource(3303, 0, 5701), 1);
	ofx_change(ow, path_resource(3303, 1, 5700), 1);
	ofx_change(ow, path_object(3304), 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_accept_and_content_format(void **state)
{
	struct owner *ow = *state;
	struct path p = TEMP;

	assert_int_equal(obs_add(ow->e, T1, sizeof(T1), &p, 11542, NULL), 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(ow->sent[0].cf, 11542);
}

static void test_add_invalid(void **state)
{
	struct owner *ow = *state;
	struct path root = path_root(), p = TEMP;
	uint8_t nine[9] = {0};
	struct attr_set a;

	assert_int_equal(obs_add(ow->e, T1, sizeof(T1), &root, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add(ow->e, nine, 9, &p, -1, NULL), -EINVAL);
	assert_int_equal(obs_add(ow->e, NULL, 2, &p, -1, NULL), -EINVAL);
	assert_int_equal(obs_add(NULL, T1, 1, &p, -1, NULL), -EINVAL);
	/* An empty token is a valid CoAP token. */
	assert_int_equal(obs_add(ow->e, NULL, 0, &p, -1, NULL), 0);
	assert_int_equal(obs_get_attrs(ow->e, NULL, 0, &a), 0);
	assert_int_equal(obs_cancel(ow->e, NULL, 0), 0);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(obs_get_attrs(ow->e, T1, 1, &a), -ENOENT);
	assert_int_equal(obs_cancel(ow->e, T1, 1), -ENOENT);
	assert_int_equal(obs_sent(ow->e, T1, 1, 1, 0), -ENOENT);
}

static void small_max(struct obs_config *c)
{
	c->max_observations = 2;
}

static void test_max_observations(void **state)
{
	struct owner *ow = *state;
	struct path p = TEMP;

	ofx_reconfigure(ow, small_max);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), TEMP, 0);
	assert_int_equal(obs_add(ow->e, T3, sizeof(T3), &p, -1, NULL), -ENOSPC);
	/* Replacing an existing token needs no room. */
	ofx_add(ow, T2, sizeof(T2), TEMP, 1);
	assert_int_equal(obs_count(ow->e), 2);
}

static void test_new_invalid(void **state)
{
	struct owner *ow = *state;
	struct obs_config c;
	struct obs_callbacks nob = ofx_mock_cb;

	ofx_config_for(ow, &c);
	c.loop = NULL;
	errno = 0;
	assert_null(obs_new(&c));
	assert_int_equal(errno, EINVAL);
	ofx_config_for(ow, &c);
	nob.build = NULL;
	c.cb = &nob;
	assert_null(obs_new(&c));
	ofx_config_for(ow, &c);
	c.payload_initial = c.payload_max + 1;
	assert_null(obs_new(&c));
	assert_null(obs_new(NULL));
	obs_free(NULL);
	assert_int_equal(obs_count(NULL), 0);
}

/* ---- attributes ------------------------------------------------------ */

static void test_pmin_holds_and_sends_latest(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "pmin=10", true);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_step(ow, 1000);
	ofx_change(ow, TEMP, 1);
	ofx_step(ow, 1000);
	ofx_change(ow, TEMP, 2);
	ofx_step(ow, 7999); /* t = 9.999 s */
	assert_int_equal(ow->nsent, 0);
	ofx_step(ow, 1); /* t = 10 s: pmin after the Observe answer */
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=2", 1, false);
	assert_int_equal(ofx_stats(ow).coalesced, 1);
	/* pmin runs from the last notification. */
	ofx_step(ow, 5000);
	ofx_change(ow, TEMP, 3);
	ofx_step(ow, 4999);
	assert_int_equal(ow->nsent, 1);
	ofx_step(ow, 1);
	ofx_assert_sent(ow, 1, "/3303/0/5700=3", 2, false);
	/* A change after pmin went by goes out at once. */
	ofx_step(ow, 60000);
	ofx_change(ow, TEMP, 4);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 3);
	/* Nothing pending: no timer. */
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_pmax_periodic(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "pmax=60", true);
	ow->num = 7;
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_step(ow, 59999);
	assert_int_equal(ow->nsent, 0);
	ofx_step(ow, 1);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=7", 1, false);
	ofx_step(ow, 60000);
	assert_int_equal(ow->nsent, 2);
	/* A change restarts the pmax period. */
	ofx_step(ow, 30000);
	ofx_change(ow, TEMP, 8);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 3);
	ofx_step(ow, 59999);
	assert_int_equal(ow->nsent, 3);
	ofx_step(ow, 1);
	assert_int_equal(ow->nsent, 4);
	/* pmax 0 is no period: the timer goes. */
	ofx_wattr(ow, TEMP, "pmax=0", true);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* A pmax below pmin is ignored. */
	ofx_wattr(ow, path_instance(3303, 0), "pmin=100", false);
	ofx_wattr(ow, TEMP, "pmax=50", true);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_pmax_aligned(void **state)
{
	struct owner *ow = *state;

	/* Three observations created 300 ms apart share a 1 s grid. */
	ofx_wattr(ow, path_object(3303), "pmax=60", false);
	ofx_add(ow, T1, sizeof(T1), path_resource(3303, 0, 1), 0);
	ofx_step(ow, 300);
	ofx_add(ow, T2, sizeof(T2), path_resource(3303, 0, 2), 0);
	ofx_step(ow, 300);
	ofx_add(ow, T3, sizeof(T3), path_resource(3303, 0, 3), 0);
	/* Never late, at most 1 s early, and all in one iteration. */
	advance_ms(ow->fx, 60000 - 600);
	assert_int_equal(loop_run_once(ow->fx->loop, 0), 3);
	assert_int_equal(ow->nsent, 3);
	uint64_t before = loop_wakeups(ow->fx->loop);
	advance_ms(ow->fx, 60000);
	assert_int_equal(loop_run_once(ow->fx->loop, 0), 3);
	assert_int_equal(loop_wakeups(ow->fx->loop), before + 1);
}

static void no_align(struct obs_config *c)
{
	c->align_ms = 0;
}

static void test_pmax_unaligned(void **state)
{
	struct owner *ow = *state;

	ofx_reconfigure(ow, no_align);
	ofx_wattr(ow, TEMP, "pmax=60", true);
	ofx_step(ow, 300);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_step(ow, 59999);
	assert_int_equal(ow->nsent, 0);
	ofx_step(ow, 1);
	assert_int_equal(ow->nsent, 1);
}

static void test_gt_lt_crossing(void **state)
{
	struct owner *ow = *state;
	static const struct {
		double v;
		bool notifies;
	} seq[] = {
		{18, false}, {21, true}, /* up through gt */
		{25, false}, {19, true}, /* down through gt */
		{15, false}, {9, true},	 /* down through lt */
		{8, false},  {11, true}, /* up through lt */
		{20, false},		 /* gt itself is not above gt */
		{5, true},		 /* over lt */
		{30, true},		 /* across both */
	};
	size_t n = 0;

	ofx_wattr(ow, TEMP, "gt=20", true);
	ofx_wattr(ow, TEMP, "lt=10", true);
	ow->num = 15;
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		ofx_change(ow, TEMP, seq[i].v);
		ofx_settle(ow);
		if (seq[i].notifies)
			n++;
		if (ow->nsent != n)
			fail_msg("step %zu (%g): %zu sent, want %zu", i,
				 seq[i].v, ow->nsent, n);
	}
	ofx_assert_sent(ow, n - 1, "/3303/0/5700=30", (uint32_t)n, false);
}

static void test_st_step(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "st=5", true);
	ow->num = 10;
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 12);
	ofx_change(ow, TEMP, 14.9);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 0);
	ofx_change(ow, TEMP,
		   15); /* moved by st since the LAST NOTIFIED value */
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_change(ow, TEMP, 11);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_change(ow, TEMP, 10);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	ofx_assert_sent(ow, 1, "/3303/0/5700=10", 2, false);
}

static void test_conditions_with_pmin(void **state)
{
	struct owner *ow = *state;

	/* A crossing inside pmin is held; the LATEST value goes out. */
	ofx_wattr(ow, TEMP, "pmin=10", true);
	ofx_wattr(ow, TEMP, "gt=20", true);
	ow->num = 15;
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_step(ow, 1000);
	ofx_change(ow, TEMP, 25);
	ofx_step(ow, 1000);
	ofx_change(ow, TEMP, 26);
	ofx_step(ow, 8000);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=26", 1, false);
	/* Compared with 26 now: 22 stays above gt. */
	ofx_step(ow, 20000);
	ofx_change(ow, TEMP, 22);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
}

static void test_non_numeric(void **state)
{
	struct owner *ow = *state;

	/* A string resource, no attributes: every change notifies and the
	 * value is never read as a number. */
	ofx_add(ow, T1, sizeof(T1), path_resource(3, 0, 0), 0);
	ofx_change(ow, path_resource(3, 0, 0), 1);
	ofx_settle(ow);
	ofx_change(ow, path_resource(3, 0, 0), 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(ow->read_numbers, 0);
	/* st set but the owner cannot give a number: changes notify. */
	ofx_wattr(ow, TEMP, "st=100", true);
	ow->num_ok = false;
	ofx_add(ow, T2, sizeof(T2), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 3);
	assert_true(ow->read_numbers > 0);
}

static void test_object_and_instance_levels(void **state)
{
	struct owner *ow = *state;
	struct attr_set a;

	ofx_wattr(ow, path_object(3303), "pmin=5", false);
	ofx_wattr(ow, path_instance(3303, 0), "pmin=2", false);
	/* gt on a resource does not apply to an instance observation. */
	ofx_wattr(ow, TEMP, "gt=100", true);
	ofx_add(ow, T1, sizeof(T1), path_object(3303), 0);
	ofx_add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	assert_int_equal(obs_get_attrs(ow->e, T1, sizeof(T1), &a), 0);
	assert_int_equal(a.pmin, 5);
	assert_int_equal(obs_get_attrs(ow->e, T2, sizeof(T2), &a), 0);
	assert_int_equal(a.pmin, 2);
	assert_false(a.has & ATTR_GT);

	ofx_step(ow, 10000);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_string_equal(ow->sent[0].payload, "/3303=1");
	assert_string_equal(ow->sent[1].payload, "/3303/0=1");
	/* Another instance: only the object observation. */
	ofx_change(ow, path_resource(3303, 1, 5700), 2);
	ofx_step(ow, 5000);
	assert_int_equal(ow->nsent, 3);
	assert_memory_equal(ow->sent[2].token, T1, sizeof(T1));
	assert_string_equal(ow->sent[2].payload, "/3303=2");
	/* A resource instance change reaches every level above it; the
	 * resource observation applies its gt (3 is not above 100). */
	ofx_add(ow, T3, sizeof(T3), TEMP, 0);
	ofx_step(ow, 10000);
	ofx_change(ow, path_resource_instance(3303, 0, 5700, 4), 3);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 5);
	/* A change reported for a whole instance reaches its resources. */
	ofx_step(ow, 10000);
	ofx_change(ow, path_instance(3303, 0), 300);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 8);
	assert_memory_equal(ow->sent[6].token, T3, sizeof(T3));
	assert_string_equal(ow->sent[6].payload, "/3303/0/5700=300");
}

static void test_attrs_changed_replans(void **state)
{
	struct owner *ow = *state;
	struct attr_set d = {
		.has = ATTR_PMIN | ATTR_PMAX, .pmin = 1, .pmax = 30};

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* Server defaults /1/x/2 and /1/x/3. */
	obs_set_defaults(ow->e, &d);
	ofx_step(ow, 30000);
	assert_int_equal(ow->nsent, 1);
	/* A resource pmax overrides the default. */
	ofx_wattr(ow, TEMP, "pmax=10", true);
	ofx_step(ow, 10000);
	assert_int_equal(ow->nsent, 2);
	obs_set_defaults(ow->e, NULL);
	assert_int_equal(attrs_clear(ow->attrs, &(struct path){.len = 0}), 1);
	obs_attrs_changed(ow->e);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

/* ---- flow control ---------------------------------------------------- */

static void all_con(struct obs_config *c)
{
	c->all_con = true;
}

static void test_coalesce_with_con_in_flight(void **state)
{
	struct owner *ow = *state;
	struct obs_stats s;

	ofx_reconfigure(ow, all_con);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 0);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_true(ow->sent[0].con);
	/* pmin 0, 1000 fast changes: no flood, one pending. */
	for (int i = 1; i <= 1000; i++) {
		ofx_change(ow, TEMP, i);
		ofx_step(ow, 1);
	}
	assert_int_equal(ow->nsent, 1);
	s = ofx_stats(ow);
	assert_int_equal(s.coalesced, 999);
	assert_int_equal(ow->builds, 1);
	/* The ACK: the pending one goes, with the latest value. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), 0);
	assert_int_equal(ow->nsent, 1); /* not from inside obs_sent */
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	ofx_assert_sent(ow, 1, "/3303/0/5700=1000", 2, true);
	/* A stale or repeated completion is refused. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), -ENOENT);
	assert_int_equal(obs_sent(ow->e, T2, sizeof(T2), 2, 0), -ENOENT);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 2, 0), 0);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
}

static void test_timeout_keeps_observation(void **state)
{
	struct owner *ow = *state;

	ofx_reconfigure(ow, all_con);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, -ETIMEDOUT), 0);
	ofx_settle(ow);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(ow->nsent, 2);
	ofx_assert_sent(ow, 1, "/3303/0/5700=2", 2, true);
	assert_int_equal(ofx_stats(ow).timeouts, 1);
	/* The owner never reports the end: the guard frees the slot. */
	ofx_change(ow, TEMP, 3);
	ofx_step(ow, 246999);
	assert_int_equal(ow->nsent, 2);
	ofx_step(ow, 1);
	assert_int_equal(ofx_stats(ow).timeouts, 2);
	assert_int_equal(ow->nsent, 3);
	ofx_assert_sent(ow, 2, "/3303/0/5700=3", 3, true);
}

static void test_ets_302_cancel_by_rst(void **state)
{
	struct owner *ow = *state;

	ofx_reconfigure(ow, all_con);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, -ECONNRESET), 0);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(ofx_stats(ow).cancelled, 1);
	ofx_change(ow, TEMP, 2);
	ofx_step(ow, 100000);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_ets_302_cancel_by_rst_to_non(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_false(ow->sent[0].con);
	/* The transport matched the RST to this token. */
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), 0);
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
}

static void test_ets_303_cancel_with_observe_1(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "pmax=5", true);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), TEMP, 0);
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), 0);
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), -ENOENT);
	assert_int_equal(obs_count(ow->e), 1);
	ofx_step(ow, 5000);
	assert_int_equal(ow->nsent, 1);
	assert_memory_equal(ow->sent[0].token, T2, sizeof(T2));
	assert_int_equal(obs_cancel(ow->e, T2, sizeof(T2)), 0);
	ofx_step(ow, 50000);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_duplicate_token_replaces(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	/* The same token again: one entry, numbering continues. */
	ofx_add(ow, T1, sizeof(T1), TEMP, 2);
	ofx_add(ow, T1, sizeof(T1), path_resource(3303, 0, 5701), 3);
	assert_int_equal(obs_count(ow->e), 1);
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1); /* the old path is not observed */
	ofx_change(ow, path_resource(3303, 0, 5701), 3);
	ofx_settle(ow);
	ofx_assert_sent(ow, 1, "/3303/0/5701=3", 4, false);
	/* Another token on the same path: a second observation. */
	ofx_add(ow, T2, sizeof(T2), path_resource(3303, 0, 5701), 0);
	assert_int_equal(obs_count(ow->e), 2);
	ofx_change(ow, path_resource(3303, 0, 5701), 4);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 4);
}

static void test_cancel_within(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	ofx_add(ow, T3, sizeof(T3), path_instance(3303, 1), 0);
	assert_int_equal(obs_cancel_within(ow->e, &(struct path){0}), 0 + 3);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	ofx_add(ow, T3, sizeof(T3), path_instance(3303, 1), 0);
	struct path i0 = path_instance(3303, 0);
	assert_int_equal(obs_cancel_within(ow->e, &i0), 2);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(obs_cancel_within(ow->e, NULL), 0);
}

static void test_con_every_24h(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "pmax=3600", true);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	for (int h = 1; h < 24; h++) {
		ofx_step(ow, 3600000);
		assert_int_equal(ow->nsent, (size_t)h);
		assert_false(ow->sent[h - 1].con);
	}
	ofx_step(ow, 3600000); /* 24 h after the Observe */
	assert_int_equal(ow->nsent, 24);
	assert_true(ow->sent[23].con);
	/* Not acknowledged: the next one is confirmable again. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 24, -ETIMEDOUT), 0);
	ofx_step(ow, 3600000);
	assert_true(ow->sent[24].con);
	/* Acknowledged: NON for the next 24 h. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 25, 0), 0);
	ofx_step(ow, 3600000);
	assert_false(ow->sent[25].con);
}

/* ---- building and sending failures ----------------------------------- */

static void tiny_buffer(struct obs_config *c)
{
	c->payload_initial = 8;
	c->payload_max = 100;
}

static void test_build_grows_buffer(void **state)
{
	struct owner *ow = *state;

	ofx_reconfigure(ow, tiny_buffer);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ow->pad = 50;
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_string_equal(ow->sent[0].payload, "/3303/0/5700=1");
	/* Beyond payload_max: dropped and counted, the observation stays. */
	ow->pad = 200;
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(ofx_stats(ow).failed, 1);
	ow->pad = 0;
	ow->build_rc = -EIO;
	ofx_change(ow, TEMP, 3);
	ofx_settle(ow);
	assert_int_equal(ofx_stats(ow).failed, 2);
	ow->build_rc = 0;
	ow->send_rc = -ENOTCONN;
	ofx_change(ow, TEMP, 4);
	ofx_settle(ow);
	assert_int_equal(ofx_stats(ow).failed, 3);
	ow->send_rc = 0;
	ofx_change(ow, TEMP, 5);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(obs_count(ow->e), 1);
}

/* ---- several servers ------------------------------------------------- */

static void test_ets_951_servers_with_attributes(void **state)
{
	struct owner *a = *state, b;
	struct obs_config c;

	memset(&b, 0, sizeof(b));
	b.fx = a->fx;
	b.num_ok = true;
	b.attrs = attrs_new();
	assert_non_null(b.attrs);
	ofx_config_for(&b, &c);
	b.e = obs_new(&c);
	assert_non_null(b.e);

	/* Server A: pmin 10; server B: gt 20 and pmax 30. */
	ofx_wattr(a, TEMP, "pmin=10", true);
	ofx_wattr(&b, TEMP, "gt=20", true);
	ofx_wattr(&b, TEMP, "pmax=30", true);
	a->num = b.num = 15;
	ofx_add(a, T1, sizeof(T1), TEMP, 0);
	struct path temp = TEMP;

	assert_int_equal(obs_add(b.e, T1, sizeof(T1), &temp, -1, NULL), 0);

	ofx_step(a, 1000);
	ofx_change(a, TEMP, 16);
	ofx_change(&b, TEMP, 16);
	ofx_settle(a);
	assert_int_equal(a->nsent, 0); /* pmin */
	assert_int_equal(b.nsent, 0);  /* below gt */
	ofx_step(a, 9000);
	assert_int_equal(a->nsent, 1);
	assert_int_equal(b.nsent, 0);
	ofx_change(a, TEMP, 25);
	ofx_change(&b, TEMP, 25);
	ofx_settle(a);
	assert_int_equal(b.nsent, 1);
	assert_int_equal(a->nsent, 1);
	ofx_step(a, 10000);
	assert_int_equal(a->nsent, 2);
	ofx_step(a, 20000); /* 30 s after B's notification */
	assert_int_equal(b.nsent, 2);
	assert_int_equal(a->nsent, 2);
	/* B offline does not touch A. */
	obs_set_reachable(b.e, false);
	ofx_change(a, TEMP, 26);
	ofx_change(&b, TEMP, 15);
	ofx_step(a, 10000);
	assert_int_equal(a->nsent, 3);
	assert_int_equal(b.nsent, 2);
	assert_int_equal(obs_stored(b.e, NULL), 1);
	assert_int_equal(obs_stored(a->e, NULL), 0);

	obs_free(b.e);
	attrs_free(b.attrs);
}

/* Observations due at once wait on the engine's ready list: all of one
 * change burst go out in the next iteration, in the order of the changes,
 * and one queued by a callback of the iteration that serves the list
 * waits for the next iteration (as a 0 ms timer of its own would). */
#define P2 path_resource(3303, 1, 5700)

struct late_change {
	struct owner *ow;
	struct path p;
	double v;
	size_t nsent_then;
};

static void late_change_cb(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct late_change *lc = arg;

	(void)loop;
	(void)t;
	lc->nsent_then = lc->ow->nsent;
	ofx_change(lc->ow, lc->p, lc->v);
}

static void test_due_at_once_batched(void **state)
{
	struct owner *ow = *state;
	struct loop_timer x;
	struct late_change lc = {.ow = ow};
	char want[64];

	for (uint8_t i = 0; i < 50; i++)
		ofx_add(ow, &i, 1, path_resource(3303, i, 5700), 0);
	/* backwards, to see the order of the changes, not of the paths */
	for (int i = 49; i >= 0; i--)
		ofx_change(ow, path_resource(3303, (uint16_t)i, 5700), 7);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), 0);
	assert_int_equal(ow->nsent, 0);
	assert_true(loop_run_once(ow->fx->loop, 0) > 0);
	assert_int_equal(ow->nsent, 50);
	for (int i = 0; i < 50; i++) {
		snprintf(want, sizeof(want), "/3303/%d/5700=7", 49 - i);
		ofx_assert_sent(ow, (size_t)i, want, 1, false);
	}
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 50);

	/* A callback running before the list is served, in that same
	 * iteration, changes another observed resource: it waits. */
	loop_timer_init(&x, late_change_cb, &lc);
	lc.p = P2;
	lc.v = 8;
	assert_int_equal(loop_timer_arm(ow->fx->loop, &x, 0, 0), 0);
	ofx_change(ow, TEMP, 8);
	assert_true(loop_run_once(ow->fx->loop, 0) > 0);
	assert_int_equal(lc.nsent_then, 50);
	assert_int_equal(ow->nsent, 51);
	ofx_assert_sent(ow, 50, "/3303/0/5700=8", 2, false);
	assert_true(loop_run_once(ow->fx->loop, 0) > 0);
	assert_int_equal(ow->nsent, 52);
	ofx_assert_sent(ow, 51, "/3303/1/5700=8", 2, false);

	/* ... and one already queued goes out once, with the latest value. */
	lc.p = TEMP;
	lc.v = 9;
	assert_int_equal(loop_timer_arm(ow->fx->loop, &x, 0, 0), 0);
	ofx_change(ow, TEMP, 8.5);
	assert_true(loop_run_once(ow->fx->loop, 0) > 0);
	assert_int_equal(ow->nsent, 53);
	ofx_assert_sent(ow, 52, "/3303/0/5700=9", 3, false);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 53);

	/* Cancelled or re-observed while queued: nothing goes out for it. */
	ofx_change(ow, TEMP, 10);
	ofx_change(ow, P2, 10);
	assert_int_equal(obs_cancel(ow->e, (const uint8_t[]){0}, 1), 0);
	ofx_add(ow, (const uint8_t[]){1}, 1, P2, 3);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 53);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ofx_setup, ofx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_ets_301_observe_and_notify),
		T(test_accept_and_content_format),
		T(test_add_invalid),
		T(test_max_observations),
		T(test_new_invalid),
		T(test_pmin_holds_and_sends_latest),
		T(test_pmax_periodic),
		T(test_pmax_aligned),
		T(test_pmax_unaligned),
		T(test_gt_lt_crossing),
		T(test_st_step),
		T(test_conditions_with_pmin),
		T(test_non_numeric),
		T(test_object_and_instance_levels),
		T(test_attrs_changed_replans),
		T(test_coalesce_with_con_in_flight),
		T(test_timeout_keeps_observation),
		T(test_ets_302_cancel_by_rst),
		T(test_ets_302_cancel_by_rst_to_non),
		T(test_ets_303_cancel_with_observe_1),
		T(test_duplicate_token_replaces),
		T(test_cancel_within),
		T(test_con_every_24h),
		T(test_build_grows_buffer),
		T(test_ets_951_servers_with_attributes),
		T(test_due_at_once_batched),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

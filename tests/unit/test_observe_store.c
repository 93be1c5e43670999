/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe engine while the server is unreachable: storing
 * notifications (bounded, in order), flushing them as CON one at a time,
 * Queue Mode wake-ups, and a new Register (registration reset) with a
 * backlog.  The mock owner is in observe_fixture.c.  Test names follow the
 * OMA ETS cases where one fits.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "observe_fixture.h"

/* ---- offline, storing, queue mode ------------------------------------ */

static void small_store(struct obs_config *c)
{
	c->store_max_count = 3;
}

/* Acknowledges the flushed notification i (CON) and lets the next go. */
static void ack(struct owner *ow, size_t i, int result)
{
	assert_true(i < ow->nsent);
	assert_true(ow->sent[i].con);
	assert_int_equal(obs_sent(ow->e, ow->sent[i].token,
				  ow->sent[i].token_len, ow->sent[i].seq,
				  result),
			 0);
	ofx_settle(ow);
}

static void test_offline_store_in_order_bounded(void **state)
{
	struct owner *ow = *state;
	size_t bytes;

	ofx_reconfigure(ow, small_store);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	for (int v = 1; v <= 5; v++) {
		ofx_change(ow, TEMP, v);
		ofx_step(ow, 1000);
	}
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(obs_stored(ow->e, &bytes), 3);
	assert_int_equal(bytes, 3 * strlen("/3303/0/5700=1"));
	assert_int_equal(ofx_stats(ow).stored, 5);
	assert_int_equal(ofx_stats(ow).dropped, 2); /* the oldest two */
	assert_int_equal(ow->wakeups, 1);

	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	/* One at a time, confirmable, original numbering. */
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=3", 3, true);
	/* A live change waits behind the backlog. */
	ofx_change(ow, TEMP, 6);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ack(ow, 0, 0);
	ofx_assert_sent(ow, 1, "/3303/0/5700=4", 4, true);
	ack(ow, 1, -ETIMEDOUT); /* not retried */
	ofx_assert_sent(ow, 2, "/3303/0/5700=5", 5, true);
	ack(ow, 2, 0);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 4);
	ofx_assert_sent(ow, 3, "/3303/0/5700=6", 6, false);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(ofx_stats(ow).flushed, 3);
	assert_int_equal(ofx_stats(ow).timeouts, 1);
}

static void byte_store(struct obs_config *c)
{
	c->store_max_bytes = 40; /* two payloads of 14 bytes, not three */
}

static void test_offline_store_byte_bound(void **state)
{
	struct owner *ow = *state;
	size_t bytes;

	ofx_reconfigure(ow, byte_store);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	for (int v = 1; v <= 4; v++) {
		ofx_change(ow, TEMP, v);
		ofx_settle(ow);
	}
	assert_int_equal(obs_stored(ow->e, &bytes), 2);
	assert_int_equal(bytes, 28);
	assert_int_equal(ofx_stats(ow).dropped, 2);
	/* One bigger than the whole bound is dropped alone. */
	ow->pad = 50;
	ofx_change(ow, TEMP, 5);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, &bytes), 2);
	assert_int_equal(bytes, 28);
	assert_int_equal(ofx_stats(ow).dropped, 3);
	assert_int_equal(ofx_stats(ow).stored, 4);
}

static void test_offline_pmin_and_pmax(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "pmin=10", true);
	ofx_wattr(ow, TEMP, "pmax=60", true);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	/* Changes inside pmin coalesce into one stored notification. */
	ofx_change(ow, TEMP, 1);
	ofx_step(ow, 1000);
	ofx_change(ow, TEMP, 2);
	ofx_step(ow, 9000);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	/* pmax alone stores nothing and then nothing is armed. */
	ofx_step(ow, 60000);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	ofx_step(ow, 3600000);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	/* Back: the stored one, then the catch-up with the value now. */
	ow->num = 3;
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	ofx_assert_sent(ow, 0, "/3303/0/5700=2", 1, true);
	ack(ow, 0, 0);
	assert_int_equal(ow->nsent, 2);
	ofx_assert_sent(ow, 1, "/3303/0/5700=3", 2, false);
}

static void no_storing(struct obs_config *c)
{
	c->storing = false;
}

static void test_storing_disabled_drops(void **state)
{
	struct owner *ow = *state;

	ofx_reconfigure(ow, no_storing);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(ofx_stats(ow).dropped, 2);
	assert_int_equal(ofx_stats(ow).stored, 0);
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* Back online: one notification with the current value. */
	ow->num = 7;
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=7", 1, false);
	/* Switching storing on at run time (/1/x/6 written). */
	obs_set_storing(ow->e, true);
	obs_set_reachable(ow->e, false);
	ofx_change(ow, TEMP, 8);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
}

static void test_registration_reset_keeps_stored(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	obs_set_reachable(ow->e, false);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	ofx_step(ow, 1000);
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 4);
	/* A new Register: observations gone, stored ones kept. */
	obs_registration_reset(ow->e);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(obs_stored(ow->e, NULL), 4);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* The server observes again; the backlog goes first, in order. */
	ofx_add(ow, T3, sizeof(T3), TEMP, 0);
	ofx_change(ow, TEMP, 3);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	ofx_assert_sent(ow, 0, "/3303/0/5700=1", 1, true);
	assert_memory_equal(ow->sent[0].token, T1, sizeof(T1));
	ack(ow, 0, 0);
	assert_memory_equal(ow->sent[1].token, T2, sizeof(T2));
	ofx_assert_sent(ow, 1, "/3303/0=1", 1, true);
	/* An RST to a stale token drops that token's other entries. */
	ack(ow, 1, -ECONNRESET);
	ofx_assert_sent(ow, 2, "/3303/0/5700=2", 2, true);
	ack(ow, 2, 0);
	assert_int_equal(ow->nsent, 4);
	assert_memory_equal(ow->sent[3].token, T3, sizeof(T3));
	ofx_assert_sent(ow, 3, "/3303/0/5700=3", 1, false);
	assert_int_equal(ofx_stats(ow).dropped, 1);
	assert_int_equal(ofx_stats(ow).flushed, 3);
}

static void test_registration_reset_mid_flush(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	/* The session died with the CON in flight; a new Register. */
	obs_set_reachable(ow->e, false);
	obs_registration_reset(ow->e);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), -ENOENT);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2); /* sent again: at least once */
	ofx_assert_sent(ow, 1, "/3303/0/5700=1", 1, true);
	ack(ow, 1, 0);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
}

static void test_flush_send_failure_pauses(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	ow->send_rc = -ENOTCONN;
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ofx_stats(ow).failed, 1);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	ofx_step(ow, 1000000);
	assert_int_equal(ofx_stats(ow).failed, 1); /* paused: no busy retry */
	ow->send_rc = 0;
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	/* The guard ends a flushed CON the owner never reports. */
	ofx_step(ow, 247000);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(ofx_stats(ow).timeouts, 1);
}

static void test_ets_109_queue_mode(void **state)
{
	struct owner *ow = *state;

	ofx_wattr(ow, TEMP, "pmax=300", true);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	/* Queue Mode: the client sleeps. */
	obs_set_reachable(ow->e, false);
	ofx_step(ow, 10000);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->wakeups, 1); /* the owner sends an Update */
	ofx_step(ow, 2000);
	ofx_change(ow, TEMP, 2);
	ofx_settle(ow);
	assert_int_equal(ow->wakeups, 1);
	assert_int_equal(ow->nsent, 0);
	/* The Update succeeded: flush in order, then live again. */
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	ofx_assert_sent(ow, 0, "/3303/0/5700=1", 1, true);
	ack(ow, 0, 0);
	ofx_assert_sent(ow, 1, "/3303/0/5700=2", 2, true);
	ack(ow, 1, 0);
	assert_int_equal(ow->nsent, 2);
	ofx_change(ow, TEMP, 3);
	ofx_settle(ow);
	ofx_assert_sent(ow, 2, "/3303/0/5700=3", 3, false);
	/* Asleep again: pmax falls due and wakes the client once. */
	obs_set_reachable(ow->e, false);
	ofx_step(ow, 300000);
	assert_int_equal(ow->wakeups, 2);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	ofx_assert_sent(ow, 3, "/3303/0/5700=3", 4, false);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ofx_setup, ofx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_offline_store_in_order_bounded),
		T(test_offline_store_byte_bound),
		T(test_offline_pmin_and_pmax),
		T(test_storing_disabled_drops),
		T(test_registration_reset_keeps_stored),
		T(test_registration_reset_mid_flush),
		T(test_flush_send_failure_pauses),
		T(test_ets_109_queue_mode),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

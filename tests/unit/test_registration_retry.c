/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registration state machine on the loop's fake clock: failures and
 * back-off, Disable, and Queue Mode.  The rest is in test_registration.c;
 * the fake transport and the fixture are in registration_fixture.c.  Test
 * names follow the OMA Enabler Test cases where one fits
 * (LightweightM2M-1.x-int-101 ... 109).
 */

#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registration.h"
#include "registration_fixture.h"

/* ---- failures and back-off -------------------------------------------- */

static void test_register_backoff_exact(void **state)
{
	static const uint64_t waits[] = {60000,	   120000, 240000, 480000,
					 86400000, 60000,  120000};
	struct t *t = *state;

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++) {
		uint64_t sent = rfx_last(t)->at_ms;

		rfx_answer(t, REG_CODE(5, 3));
		rfx_assert_state(t, REG_STATE_BACKOFF);
		assert_int_equal(reg_next_deadline_ms(t->r),
				 rfx_now(t) + waits[i]);
		rfx_elapse(t, waits[i] - 1);
		rfx_assert_state(t, REG_STATE_BACKOFF);
		rfx_elapse(t, 1);
		rfx_expect_register(t);
		assert_int_equal(rfx_last(t)->at_ms, sent + waits[i]);
	}
	/* One sequence failed (5 attempts), then 2 in the next. */
	assert_int_equal(reg_get_counters(t->r)->sequences, 1);
	assert_int_equal(reg_get_counters(t->r)->attempt, 2);
	assert_int_equal(reg_get_counters(t->r)->failures, 7);
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 8);
	/* Success clears the counters. */
	rfx_answer_created(t, "rd", "1");
	assert_int_equal(reg_get_counters(t->r)->sequences, 0);
	assert_int_equal(reg_get_counters(t->r)->attempt, 0);
}

static void test_register_backoff_follows_server_resources(void **state)
{
	static const uint64_t waits[] = {10000, 20000, 3600000,
					 10000, 20000, 3600000};
	struct t *t = *state;

	t->cfg.retry_count = 3;
	t->cfg.retry_timer_s = 10;
	t->cfg.seq_delay_s = 3600;
	t->cfg.seq_retry_count = 2;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++) {
		rfx_answer(t,
			   REG_CODE(4, 3)); /* 4.xx is retried the same way */
		assert_int_equal(rfx_to_next_deadline(t), waits[i]);
		rfx_expect_register(t);
	}
	assert_int_equal(reg_get_counters(t->r)->sequences, 2);
}

static void test_backoff_jitter(void **state)
{
	struct t *t = *state;

	t->rnd = 12345;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer(t, REG_CODE(5, 3));
	/* 60 s + 12345 mod (10 % of 60 s + 1) */
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 60000 + 343);
	rfx_to_next_deadline(t);
	t->rnd = UINT32_MAX;
	rfx_answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_next_deadline_ms(t->r),
			 rfx_now(t) + 120000 + UINT32_MAX % 12001);
	reg_free(t->r);

	/* Without an injected generator the jitter stays in its bounds. */
	t->cfg.random = NULL;
	t->cfg.jitter_pct = 50;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (int i = 0; i < 3; i++) {
		uint64_t base = 60000u << i;

		rfx_answer(t, REG_CODE(5, 3));
		assert_in_range(reg_next_deadline_ms(t->r) - rfx_now(t), base,
				base + base / 2);
		rfx_to_next_deadline(t);
	}
	reg_free(t->r);

	t->cfg.no_jitter = true;
	t->rnd = 999;
	t->cfg.random = rfx_fake_random;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 60000);
}

static void test_retry_forever_without_busy_loop(void **state)
{
	struct t *t = *state;
	uint64_t start, steps = 0, prev_sent;
	/* Per attempt: the watchdog (120 s) then the back-off wait. */
	static const uint64_t gaps[] = {180000, 240000, 360000, 600000,
					3720000};

	t->cfg.seq_delay_s = 3600;
	t->cfg.session_reset_after = 1000; /* not the subject here */
	rfx_make(t);
	start = rfx_now(t);
	assert_int_equal(reg_start(t->r), 0);
	prev_sent = rfx_last(t)->at_ms;
	/* The server never answers; the transport reports nothing either. */
	while (rfx_now(t) - start < 2 * 86400000ull) {
		rfx_to_next_deadline(t);
		steps++;
		if (rfx_last(t)->at_ms != prev_sent) {
			uint64_t n = t->total_sent - 2;

			assert_int_equal(rfx_last(t)->at_ms - prev_sent,
					 gaps[n % ARRAY_SIZE(gaps)]);
			prev_sent = rfx_last(t)->at_ms;
		}
		assert_true(reg_get_state(t->r) == REG_STATE_BACKOFF ||
			    reg_get_state(t->r) == REG_STATE_REGISTERING);
	}
	/* Two days: 2 * 86400 / (180+240+360+600+3720 s) sequences of 5. */
	assert_in_range(t->total_sent, 165, 175);
	/* Two timer firings per attempt: watchdog, back-off. */
	assert_in_range(steps, 2 * t->total_sent - 2, 2 * t->total_sent);
	assert_int_equal(reg_get_counters(t->r)->unanswered, t->total_sent - 1);
	assert_int_equal(t->cancels, (int)t->total_sent - 1);
}

static void test_session_reset_after_consecutive_timeouts(void **state)
{
	struct t *t = *state;

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	rfx_to_next_deadline(t);
	assert_int_equal(t->session_resets, 0);
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	assert_int_equal(reg_get_counters(t->r)->consecutive_unanswered, 2);
	rfx_to_next_deadline(t);
	/* Two unanswered in a row: a new session before this Register. */
	assert_int_equal(t->session_resets, 1);
	assert_int_equal(reg_get_counters(t->r)->session_resets, 1);
	rfx_expect_register(t);
	/* An answer, even an error, clears the count. */
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	rfx_to_next_deadline(t);
	rfx_answer(t, REG_CODE(5, 0));
	rfx_to_next_deadline(t);
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	rfx_to_next_deadline(t);
	assert_int_equal(t->session_resets, 1);
	/* An Update lost, then its Register lost: reset (the NAT case). */
	rfx_answer_created(t, "rd", "9");
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	rfx_expect_register(t);
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	rfx_to_next_deadline(t);
	assert_int_equal(t->session_resets, 2);
}

static void test_watchdog_when_transport_reports_nothing(void **state)
{
	struct t *t = *state;
	uint32_t id;

	t->cfg.exchange_timeout_ms = 5000;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	id = rfx_last(t)->id;
	rfx_elapse(t, 4999);
	rfx_assert_state(t, REG_STATE_REGISTERING);
	rfx_elapse(t, 1);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(t->last_cancel, id);
	assert_int_equal(reg_get_counters(t->r)->unanswered, 1);
	/* A late answer to the abandoned request changes nothing. */
	assert_int_equal(reg_on_response(t->r, id, REG_CODE_CREATED,
					 &(struct reg_opt){"rd", 2}, 1),
			 0);
	rfx_assert_state(t, REG_STATE_BACKOFF);
}

static void test_send_error_on_register_backs_off(void **state)
{
	struct t *t = *state;

	t->send_ret = -ENETUNREACH;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 1);
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 60000);
	t->send_ret = 0;
	rfx_to_next_deadline(t);
	rfx_expect_register(t);
}

static void test_payload_buffer_grows(void **state)
{
	struct t *t = *state;

	t->need_cap = 8192;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_expect_register(t);
	assert_string_equal(rfx_last(t)->payload, "</1/0>,</3/0>");
	reg_free(t->r);
	/* A list that never fits: the Register fails, and is retried. */
	t->need_cap = REG_PAYLOAD_MAX * 2;
	t->nsent = 0;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(t->nsent, 0);
	rfx_assert_state(t, REG_STATE_BACKOFF);
}

static void test_registration_reset_on_every_register(void **state)
{
	struct t *t = *state;

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0); /* first */
	rfx_answer(t, REG_CODE(5, 3));
	rfx_to_next_deadline(t); /* retry */
	rfx_answer_created(t, "rd", "1");
	assert_int_equal(reg_trigger_update(t->r), 0);
	rfx_answer(t, REG_CODE_NOT_FOUND); /* re-register after 4.04 */
	rfx_answer_created(t, "rd", "2");
	assert_int_equal(reg_new_session(t->r), 0); /* new DTLS context */
	rfx_answer_created(t, "rd", "3");
	/* Updates are not new registrations. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	rfx_answer(t, REG_CODE_CHANGED);
	assert_int_equal(t->resets, 4);
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 4);
}

static void test_new_session(void **state)
{
	struct t *t = *state;

	rfx_make(t);
	/* Ignored before registration and while backing off. */
	assert_int_equal(reg_new_session(t->r), 0);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_new_session(t->r), 0);
	assert_int_equal(t->nsent, 1); /* the Register in flight stands */
	rfx_answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_new_session(t->r), 0);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	rfx_to_next_deadline(t);
	rfx_answer_created(t, "rd", "1");
	/* While an Update is in flight: it is abandoned for a Register. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_new_session(t->r), 0);
	rfx_expect_register(t);
	assert_int_equal(t->last_cancel, t->sent[t->nsent - 2].id);
}

/* ---- Disable ------------------------------------------------------- */

static void test_ets_555_disable_then_register_after_timeout(void **state)
{
	struct t *t = *state;

	t->cfg.disable_timeout_s = 30;
	rfx_registered(t);
	assert_int_equal(reg_disable(t->r), 0);
	rfx_assert_state(t, REG_STATE_DEREGISTERING);
	assert_int_equal(rfx_last(t)->method, REG_METHOD_DELETE);
	rfx_answer(t, REG_CODE_DELETED);
	rfx_assert_state(t, REG_STATE_DISABLED);
	assert_int_equal(t->session_resets, 1); /* disconnected */
	assert_int_equal(t->stopped, 0);
	assert_false(reg_is_awake(t->r));
	/* A second Disable does not extend the period. */
	rfx_elapse(t, 10000);
	assert_int_equal(reg_disable(t->r), 0);
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 20000);
	rfx_elapse(t, 19999);
	assert_int_equal(rfx_last(t)->op, REG_OP_DEREGISTER);
	rfx_elapse(t, 1);
	rfx_expect_register(t);
	rfx_answer_created(t, "rd", "77");
	rfx_assert_state(t, REG_STATE_REGISTERED);
}

static void test_disable_in_other_states(void **state)
{
	struct t *t = *state;

	t->cfg.disable_timeout_s = 30;
	rfx_make(t);
	assert_int_equal(reg_disable(t->r), 0); /* idle: nothing to do */
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_disable(t->r), 0);
	rfx_assert_state(t, REG_STATE_DISABLED);
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 30000);
	/* Stop while disabled: idle, timer gone. */
	assert_int_equal(reg_stop(t->r), 0);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	/* A stop during a Disable's De-register wins; not the reverse. */
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer_created(t, "rd", "1");
	assert_int_equal(reg_disable(t->r), 0);
	assert_int_equal(reg_stop(t->r), 0);
	rfx_answer(t, REG_CODE_DELETED);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer_created(t, "rd", "1");
	assert_int_equal(reg_stop(t->r), 0);
	assert_int_equal(reg_disable(t->r), 0);
	rfx_answer(t, REG_CODE_DELETED);
	rfx_assert_state(t, REG_STATE_IDLE);
}

/* ---- Queue Mode ----------------------------------------------------- */

static void test_ets_108_turning_on_queue_mode_1_0(void **state)
{
	struct t *t = *state;

	t->cfg.version = REG_LWM2M_1_0;
	rfx_registered(t);
	assert_int_equal(reg_set_binding(t->r, "UQ"), 0);
	rfx_expect_update(t, "b=UQ", NULL);
	assert_false(reg_queue_mode(t->r)); /* not before the 2.04 */
	rfx_answer(t, REG_CODE_CHANGED);
	assert_true(reg_queue_mode(t->r));
	assert_int_equal(reg_next_deadline_ms(t->r),
			 rfx_now(t) + REG_DEFAULT_QUEUE_TIMEOUT_MS);
	rfx_elapse(t, REG_DEFAULT_QUEUE_TIMEOUT_MS);
	rfx_assert_state(t, REG_STATE_SLEEPING);
	assert_int_equal(t->sleeps, 1);
}

static void test_ets_108_turning_on_queue_mode_1_1(void **state)
{
	struct t *t = *state;

	rfx_registered(t);
	/* 1.1 has no Q in Update: a new Register carries it. */
	assert_int_equal(reg_set_binding(t->r, "UQ"), 0);
	rfx_expect_register(t);
	assert_string_equal(rfx_last(t)->query,
			    "ep=gw1&lt=300&lwm2m=1.1&b=U&Q");
	assert_int_equal(t->resets, 2);
	rfx_answer_created(t, "rd", "6");
	assert_true(reg_queue_mode(t->r));
	/* And back off again. */
	assert_int_equal(reg_set_binding(t->r, "U"), 0);
	rfx_expect_register(t);
	assert_string_equal(rfx_last(t)->query, "ep=gw1&lt=300&lwm2m=1.1&b=U");
}

static void test_ets_109_behaviour_in_queue_mode(void **state)
{
	struct t *t = *state;
	size_t n;

	t->cfg.binding = "UQ";
	t->cfg.queue_timeout_ms = 10000;
	rfx_registered(t);
	assert_true(reg_queue_mode(t->r));
	assert_true(reg_is_awake(t->r));
	/* Activity keeps the client awake for another queue timeout. */
	rfx_elapse(t, 9000);
	assert_int_equal(reg_activity(t->r), 0);
	rfx_elapse(t, 9999);
	rfx_assert_state(t, REG_STATE_REGISTERED);
	rfx_elapse(t, 1);
	rfx_assert_state(t, REG_STATE_SLEEPING);
	assert_int_equal(t->sleeps, 1);
	assert_false(reg_is_awake(t->r));
	/* Activity while asleep does not wake it. */
	assert_int_equal(reg_activity(t->r), 0);
	rfx_assert_state(t, REG_STATE_SLEEPING);
	/* Something to report: an Update first ... */
	n = t->nsent;
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(t->nsent, n + 1);
	rfx_expect_update(t, "", NULL);
	assert_false(reg_is_awake(t->r)); /* still queueing */
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(t->nsent, n + 1); /* no second Update */
	assert_int_equal(t->flushes, 0);
	/* ... and on its 2.04 the owner flushes. */
	rfx_answer(t, REG_CODE_CHANGED);
	assert_int_equal(t->flushes, 1);
	rfx_assert_state(t, REG_STATE_REGISTERED);
	assert_true(reg_is_awake(t->r));
	/* Awake: a report needs no Update. */
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(t->nsent, n + 1);
	/* Asleep again; the lifetime Update wakes it and flushes too. */
	rfx_elapse(t, 10000);
	rfx_assert_state(t, REG_STATE_SLEEPING);
	rfx_to_next_deadline(t);
	rfx_expect_update(t, "", NULL);
	rfx_answer(t, REG_CODE_CHANGED);
	assert_int_equal(t->flushes, 2);
	assert_int_equal(t->sleeps, 2);
	/* A failed wake-up Update: a new Register drops the queue (reset)
	 * and no flush happens. */
	rfx_elapse(t, 10000);
	assert_int_equal(reg_wake_for_report(t->r), 0);
	rfx_answer(t, REG_CODE_NOT_FOUND);
	rfx_expect_register(t);
	assert_int_equal(t->flushes, 2);
	rfx_answer_created(t, "rd", "5a3f");
	assert_true(reg_is_awake(t->r));
}

static void test_hooks_may_call_verbs(void **state)
{
	struct t *t = *state;

	t->cfg.binding = "UQ";
	t->cfg.queue_timeout_ms = 1000;
	t->flush_triggers = true;
	rfx_registered(t);
	rfx_elapse(t, 1000);
	assert_int_equal(reg_wake_for_report(t->r), 0);
	rfx_answer(t, REG_CODE_CHANGED);
	/* The trigger queued by the flush hook ran after the answer. */
	assert_int_equal(t->flushes, 1);
	rfx_expect_update(t, "", NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, rfx_setup, rfx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_register_backoff_exact),
		T(test_register_backoff_follows_server_resources),
		T(test_backoff_jitter),
		T(test_retry_forever_without_busy_loop),
		T(test_session_reset_after_consecutive_timeouts),
		T(test_watchdog_when_transport_reports_nothing),
		T(test_send_error_on_register_backs_off),
		T(test_payload_buffer_grows),
		T(test_registration_reset_on_every_register),
		T(test_new_session),
		T(test_ets_555_disable_then_register_after_timeout),
		T(test_disable_in_other_states),
		T(test_ets_108_turning_on_queue_mode_1_0),
		T(test_ets_108_turning_on_queue_mode_1_1),
		T(test_ets_109_behaviour_in_queue_mode),
		T(test_hooks_may_call_verbs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
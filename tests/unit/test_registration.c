/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registration state machine on the loop's fake clock: Register,
 * Update, De-register and the API edges.  Back-off, Disable and Queue
 * Mode are in test_registration_retry.c; the fake transport and the
 * fixture are in registration_fixture.c.  Test names follow the OMA
 * Enabler Test cases where one fits (LightweightM2M-1.x-int-101 ... 109).
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

/* ---- Register --------------------------------------------------------- */

static void test_ets_101_initial_registration(void **state)
{
	struct t *t = *state;
	const char *const *seg;
	size_t n;

	rfx_make(t);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->nsent, 0); /* nothing before start */
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(t->nsent, 1);
	assert_int_equal(rfx_last(t)->method, REG_METHOD_POST);
	assert_string_equal(rfx_last(t)->path, "rd");
	assert_string_equal(rfx_last(t)->query, "ep=gw1&lt=300&lwm2m=1.1&b=U");
	assert_true(rfx_last(t)->has_payload);
	assert_string_equal(rfx_last(t)->payload, "</1/0>,</3/0>");
	assert_int_equal(t->resets, 1);
	rfx_assert_state(t, REG_STATE_REGISTERING);
	assert_false(reg_is_awake(t->r));
	/* The watchdog is the only timer while waiting. */
	assert_int_equal(reg_next_deadline_ms(t->r),
			 rfx_now(t) + REG_DEFAULT_EXCHANGE_TIMEOUT_MS);

	rfx_answer_created(t, "rd", "5a3f");
	rfx_assert_state(t, REG_STATE_REGISTERED);
	assert_string_equal(reg_location(t->r), "/rd/5a3f");
	seg = reg_location_segments(t->r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(seg[0], "rd");
	assert_string_equal(seg[1], "5a3f");
	assert_int_equal(t->registered, 1);
	assert_true(reg_is_awake(t->r));
	assert_int_equal(reg_registered_lifetime(t->r), 300);
	assert_string_equal(reg_registered_binding(t->r), "U");
	assert_false(reg_queue_mode(t->r));
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 1);
	assert_int_equal(reg_get_counters(t->r)->registrations, 1);
	/* Lifetime 300 > 186: the Update is due at 300 - 93 = 207 s. */
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 207000);
	assert_int_equal(reg_start(t->r), -EALREADY);
}

static void test_register_lwm2m_1_0_query(void **state)
{
	struct t *t = *state;

	t->cfg.version = REG_LWM2M_1_0;
	t->cfg.binding = "UQ";
	t->cfg.lifetime = 60;
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_string_equal(rfx_last(t)->query, "ep=gw1&lt=60&lwm2m=1.0&b=UQ");
}

static void test_location_one_option_with_slashes(void **state)
{
	struct t *t = *state;
	const char *const *seg;
	size_t n;

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer_created(t, "rd/5a3f", NULL); /* as lwm2m-node-lib sends it */
	rfx_assert_state(t, REG_STATE_REGISTERED);
	seg = reg_location_segments(t->r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(seg[0], "rd");
	assert_string_equal(seg[1], "5a3f");
	assert_int_equal(reg_trigger_update(t->r), 0);
	rfx_expect_update(t, "", NULL); /* replayed as two Uri-Path options */
}

static void test_location_mixed_and_odd_forms(void **state)
{
	struct t *t = *state;

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer_created(t, "/rd/", "a/b");
	assert_string_equal(reg_location(t->r), "/rd/a/b");
	assert_int_equal(reg_new_session(t->r), 0);
	rfx_answer_created(t, "x", NULL);
	assert_string_equal(reg_location(t->r), "/x");
}

static void test_location_bad(void **state)
{
	struct t *t = *state;
	static const char *const bad[] = {"", "/", "rd/..", "rd/.",
					  "a/b/c/d/e/f/g/h/i"};
	struct reg_opt nul = {"r\0d", 3};
	char big[REG_LOCATION_MAX_BYTES + 1];

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		rfx_answer_created(t, bad[i], NULL);
		rfx_assert_state(t, REG_STATE_BACKOFF);
		assert_string_equal(reg_location(t->r), "");
		rfx_to_next_deadline(t);
		rfx_expect_register(t);
	}
	/* No Location-Path at all. */
	assert_int_equal(reg_on_response(t->r, rfx_last(t)->id,
					 REG_CODE_CREATED, NULL, 0),
			 0);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	rfx_to_next_deadline(t);
	assert_int_equal(reg_on_response(t->r, rfx_last(t)->id,
					 REG_CODE_CREATED, &nul, 1),
			 0);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	rfx_to_next_deadline(t);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rfx_answer_created(t, big, NULL);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	/* A 2.04 (not 2.01) to a Register is a failure too. */
	rfx_to_next_deadline(t);
	rfx_answer(t, REG_CODE_CHANGED);
	rfx_assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(reg_get_counters(t->r)->registrations, 0);
}

/* ---- Update ------------------------------------------------------------ */

static void test_ets_107_extending_lifetime(void **state)
{
	struct t *t = *state;

	rfx_registered(t);
	rfx_elapse(t, 206999);
	assert_int_equal(t->nsent, 1);
	rfx_elapse(t, 1);
	assert_int_equal(t->nsent, 2);
	rfx_expect_update(t, "", NULL); /* nothing changed: no lt, no payload */
	rfx_answer(t, REG_CODE_CHANGED);
	rfx_assert_state(t, REG_STATE_REGISTERED);
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 207000);
	rfx_elapse(t, 207000);
	rfx_expect_update(t, "", NULL);
	assert_int_equal(reg_get_counters(t->r)->updates_sent, 2);
}

static void update_period_is(struct t *t, uint32_t lifetime, uint64_t ms)
{
	t->cfg.lifetime = lifetime;
	rfx_registered(t);
	for (int i = 0; i < 3; i++) {
		uint64_t start = rfx_now(t);

		assert_int_equal(rfx_to_next_deadline(t), ms);
		rfx_expect_update(t, "", NULL);
		assert_int_equal(rfx_last(t)->at_ms, start + ms);
		rfx_answer(t, REG_CODE_CHANGED);
	}
	reg_free(t->r);
	t->r = NULL;
}

static void test_update_timing(void **state)
{
	struct t *t = *state;

	update_period_is(t, 5, 2500); /* short: L/2 */
	update_period_is(t, 186, 93000);
	update_period_is(t, 187, 94000); /* L - 93 s from here on */
	update_period_is(t, 86400, 86307000);
}

static void test_no_lifetime_updates_for_lifetime_0(void **state)
{
	struct t *t = *state;

	t->cfg.lifetime = 0;
	rfx_registered(t);
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
}

static void test_ets_102_registration_update(void **state)
{
	struct t *t = *state;

	rfx_registered(t);
	/* A lifetime write: lt only. */
	assert_int_equal(reg_set_lifetime(t->r, 600), 0);
	rfx_expect_update(t, "lt=600", NULL);
	rfx_answer(t, REG_CODE_CHANGED);
	assert_int_equal(reg_registered_lifetime(t->r), 600);
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 507000);
	/* Writing the same value again sends nothing. */
	assert_int_equal(reg_set_lifetime(t->r, 600), 0);
	rfx_assert_state(t, REG_STATE_REGISTERED);
	/* A binding write: b only. */
	assert_int_equal(reg_set_binding(t->r, "T"), 0);
	rfx_expect_update(t, "b=T", NULL);
	rfx_answer(t, REG_CODE_CHANGED);
	assert_string_equal(reg_registered_binding(t->r), "T");
	/* An instance added: the link list only. */
	snprintf(t->payload, sizeof(t->payload), "</1/0>,</3/0>,</3303/0>");
	assert_int_equal(reg_objects_changed(t->r), 0);
	rfx_expect_update(t, "", "</1/0>,</3/0>,</3303/0>");
	rfx_answer(t, REG_CODE_CHANGED);
	/* The next Update does not repeat it. */
	rfx_to_next_deadline(t);
	rfx_expect_update(t, "", NULL);
	rfx_answer(t, REG_CODE_CHANGED);
	assert_int_equal(reg_set_binding(t->r, "X"), -EINVAL);
	assert_int_equal(reg_set_binding(t->r, NULL), -EINVAL);
	rfx_assert_state(t, REG_STATE_REGISTERED);
}

static void test_changes_while_busy_follow_the_answer(void **state)
{
	struct t *t = *state;

	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	/* Written while the Register is in flight: sent right after it. */
	assert_int_equal(reg_set_lifetime(t->r, 120), 0);
	assert_int_equal(t->nsent, 1);
	rfx_answer_created(t, "rd", "5a3f");
	rfx_expect_update(t, "lt=120", NULL);
	/* Several changes during the Update: one Update after it. */
	assert_int_equal(reg_set_lifetime(t->r, 100), 0);
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(t->nsent, 2);
	rfx_answer(t, REG_CODE_CHANGED);
	rfx_expect_update(t, "lt=100", NULL);
	rfx_answer(t, REG_CODE_CHANGED);
	rfx_assert_state(t, REG_STATE_REGISTERED);
	assert_int_equal(t->nsent, 3);
	/* A trigger alone during an Update also gives one more Update. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_trigger_update(t->r), 0);
	rfx_answer(t, REG_CODE_CHANGED);
	rfx_expect_update(t, "", NULL);
	assert_int_equal(t->nsent, 5);
}

static void test_ets_104_update_trigger(void **state)
{
	struct t *t = *state;

	rfx_registered(t);
	rfx_elapse(t, 10000);
	assert_int_equal(reg_trigger_update(t->r), 0);
	rfx_expect_update(t, "", NULL);
	assert_int_equal(rfx_last(t)->at_ms, rfx_now(t));
	rfx_answer(t, REG_CODE_CHANGED);
	/* The lifetime clock restarts from this Update. */
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 207000);
}

static void test_ets_105_discarded_update(void **state)
{
	static const uint8_t fails[] = {REG_CODE_NOT_FOUND, REG_CODE(4, 0),
					REG_CODE(5, 3)};
	struct t *t = *state;

	rfx_registered(t);
	for (size_t i = 0; i < ARRAY_SIZE(fails); i++) {
		int resets = t->resets;

		assert_int_equal(reg_trigger_update(t->r), 0);
		rfx_answer(t, fails[i]);
		/* At once a fresh Register: never a dead state. */
		rfx_expect_register(t);
		assert_string_equal(reg_location(t->r), "");
		assert_int_equal(t->resets, resets + 1);
		rfx_answer_created(t, "rd", "5a3f");
	}
	/* RST to an Update. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_on_rst(t->r, rfx_last(t)->id), 0);
	rfx_expect_register(t);
	rfx_answer_created(t, "rd", "5a3f");
	/* No answer to an Update. */
	rfx_to_next_deadline(t);
	assert_int_equal(reg_on_timeout(t->r, rfx_last(t)->id), 0);
	rfx_expect_register(t);
	assert_int_equal(reg_get_counters(t->r)->failures, 5);
}

static void test_update_send_error_registers_again(void **state)
{
	struct t *t = *state;

	rfx_registered(t);
	t->send_ret = -ENETUNREACH;
	assert_int_equal(reg_trigger_update(t->r), 0);
	/* The Update could not go, nor the Register after it: back-off. */
	rfx_assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(reg_next_deadline_ms(t->r), rfx_now(t) + 60000);
	t->send_ret = 0;
	rfx_to_next_deadline(t);
	rfx_expect_register(t);
}

/* ---- De-register and Disable ------------------------------------------ */

static void test_ets_103_de_registration(void **state)
{
	struct t *t = *state;

	rfx_registered(t);
	assert_int_equal(reg_stop(t->r), 0);
	rfx_assert_state(t, REG_STATE_DEREGISTERING);
	assert_int_equal(rfx_last(t)->op, REG_OP_DEREGISTER);
	assert_int_equal(rfx_last(t)->method, REG_METHOD_DELETE);
	assert_string_equal(rfx_last(t)->path, "rd|5a3f");
	assert_string_equal(rfx_last(t)->query, "");
	assert_false(rfx_last(t)->has_payload);
	assert_int_equal(t->stopped, 0);
	rfx_answer(t, REG_CODE_DELETED);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->stopped, 1);
	assert_string_equal(reg_location(t->r), "");
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	/* Started again later: a new Register. */
	assert_int_equal(reg_start(t->r), 0);
	rfx_expect_register(t);
}

static void test_stop_in_other_states(void **state)
{
	struct t *t = *state;

	/* No answer to the De-register: the watchdog ends it. */
	rfx_registered(t);
	assert_int_equal(reg_stop(t->r), 0);
	rfx_to_next_deadline(t);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->stopped, 1);
	/* A stop while registering cancels the Register; nothing is sent. */
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_stop(t->r), 0);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->last_cancel, rfx_last(t)->id);
	assert_int_equal(rfx_last(t)->op, REG_OP_REGISTER);
	assert_int_equal(t->stopped, 2);
	/* A stop while backing off. */
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_stop(t->r), 0);
	rfx_assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	/* A stop while idle just reports being stopped. */
	assert_int_equal(reg_stop(t->r), 0);
	assert_int_equal(t->stopped, 4);
	/* A stop while sleeping (queue mode) de-registers. */
	reg_free(t->r);
	t->cfg.binding = "UQ";
	rfx_registered(t);
	rfx_to_next_deadline(t);
	rfx_assert_state(t, REG_STATE_SLEEPING);
	assert_int_equal(reg_stop(t->r), 0);
	assert_int_equal(rfx_last(t)->op, REG_OP_DEREGISTER);
	rfx_answer(t, REG_CODE(4, 4)); /* any answer ends it */
	rfx_assert_state(t, REG_STATE_IDLE);
}

/* ---- API edges ------------------------------------------------------- */

static void test_bad_input(void **state)
{
	struct t *t = *state;
	struct reg_transport tr = rfx_transport;
	struct reg_hooks hooks = {.build_payload = rfx_fake_payload};
	struct reg_event ev = {.type = REG_EV_TIMER};
	struct reg_config c = t->cfg;

	c.endpoint = "bad name";
	errno = 0;
	assert_null(reg_new(t->fx->loop, &c, &tr, &hooks));
	assert_int_equal(errno, EINVAL);
	c = t->cfg;
	c.binding = "Z";
	assert_null(reg_new(t->fx->loop, &c, &tr, &hooks));
	c.binding = NULL;
	assert_null(reg_new(t->fx->loop, &c, &tr, &hooks));
	c = t->cfg;
	hooks.build_payload = NULL;
	assert_null(reg_new(t->fx->loop, &c, &tr, &hooks));
	hooks.build_payload = rfx_fake_payload;
	tr.send = NULL;
	assert_null(reg_new(t->fx->loop, &c, &tr, &hooks));
	assert_null(reg_new(NULL, &c, &rfx_transport, &hooks));
	reg_free(NULL);

	rfx_make(t);
	/* Internal and unknown events are refused. */
	assert_int_equal(reg_handle(t->r, &ev), -EINVAL);
	ev.type = REG_EV_WATCHDOG;
	assert_int_equal(reg_handle(t->r, &ev), -EINVAL);
	ev.type = (enum reg_event_type)99;
	assert_int_equal(reg_handle(t->r, &ev), -EINVAL);
	assert_int_equal(reg_handle(t->r, NULL), -EINVAL);
	assert_int_equal(reg_handle(NULL, &ev), -EINVAL);
	/* Outcomes of requests nobody waits for are ignored. */
	assert_int_equal(reg_on_response(t->r, 42, REG_CODE_CREATED, NULL, 0),
			 0);
	assert_int_equal(reg_on_timeout(t->r, 42), 0);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_on_rst(t->r, rfx_last(t)->id + 1), 0);
	rfx_assert_state(t, REG_STATE_REGISTERING);
	/* Changes before registration go into the Register itself. */
	reg_free(t->r);
	t->nsent = 0;
	rfx_make(t);
	assert_int_equal(reg_set_lifetime(t->r, 99), 0);
	assert_int_equal(reg_set_binding(t->r, "UQ"), 0);
	assert_int_equal(reg_objects_changed(t->r), 0);
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(reg_activity(t->r), 0);
	assert_int_equal(t->nsent, 0);
	assert_int_equal(reg_start(t->r), 0);
	assert_string_equal(rfx_last(t)->query, "ep=gw1&lt=99&lwm2m=1.1&b=U&Q");
	/* Freed with a request in flight: cancelled, nothing sent. */
	reg_free(t->r);
	t->r = NULL;
	assert_int_equal(t->last_cancel, rfx_last(t)->id);
	assert_int_equal(t->nsent, 1);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(reg_state_name(REG_STATE_IDLE), "idle");
	assert_string_equal(reg_state_name(REG_STATE_REGISTERING),
			    "registering");
	assert_string_equal(reg_state_name(REG_STATE_BACKOFF), "backoff");
	assert_string_equal(reg_state_name(REG_STATE_REGISTERED), "registered");
	assert_string_equal(reg_state_name(REG_STATE_UPDATING), "updating");
	assert_string_equal(reg_state_name(REG_STATE_SLEEPING), "sleeping");
	assert_string_equal(reg_state_name(REG_STATE_DEREGISTERING),
			    "deregistering");
	assert_string_equal(reg_state_name(REG_STATE_DISABLED), "disabled");
	assert_string_equal(reg_state_name((enum reg_state)42), "?");
	assert_string_equal(reg_op_name(REG_OP_REGISTER), "register");
	assert_string_equal(reg_op_name(REG_OP_UPDATE), "update");
	assert_string_equal(reg_op_name(REG_OP_DEREGISTER), "de-register");
}

static void test_servers_are_independent(void **state)
{
	struct t *t = *state;
	struct t *u = calloc(1, sizeof(*u));

	assert_non_null(u);
	*u = *t;
	u->nsent = 0;
	u->cfg.random_ctx = u;
	u->cfg.short_server_id = 2;
	rfx_registered(t);
	rfx_make(u);
	assert_int_equal(reg_start(u->r), 0);
	rfx_answer(u, REG_CODE(5, 3)); /* server 2 is down */
	rfx_elapse(t, 207000);
	/* Server 1 updates on time; server 2 retried at 60 and 180 s. */
	rfx_expect_update(t, "", NULL);
	assert_int_equal(u->nsent, 2);
	rfx_assert_state(u, REG_STATE_REGISTERING);
	reg_free(u->r);
	free(u);
}

#define T(f) cmocka_unit_test_setup_teardown(f, rfx_setup, rfx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ets_101_initial_registration),
		T(test_register_lwm2m_1_0_query),
		T(test_location_one_option_with_slashes),
		T(test_location_mixed_and_odd_forms),
		T(test_location_bad),
		T(test_ets_107_extending_lifetime),
		T(test_update_timing),
		T(test_no_lifetime_updates_for_lifetime_0),
		T(test_ets_102_registration_update),
		T(test_changes_while_busy_follow_the_answer),
		T(test_ets_104_update_trigger),
		T(test_ets_105_discarded_update),
		T(test_update_send_error_registers_again),
		T(test_ets_103_de_registration),
		T(test_stop_in_other_states),
		T(test_bad_input),
		T(test_state_names),
		T(test_servers_are_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
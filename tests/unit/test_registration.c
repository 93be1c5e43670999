/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registration state machine on the loop's fake clock, with a fake
 * transport that records every request and answers only when a test says
 * so.  Test names follow the OMA Enabler Test cases where one fits
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

#include "log.h"
#include "loop_fixture.h"
#include "registration.h"

struct sent {
	uint32_t id;
	enum reg_op op;
	uint8_t method;
	char path[128];
	char query[512];
	bool has_payload;
	char payload[512];
	uint64_t at_ms;
};

struct t {
	struct fx *fx;
	struct reg *r;
	struct reg_config cfg;
	struct sent sent[64];
	size_t nsent;
	uint64_t total_sent;
	int send_ret;
	int cancels;
	uint32_t last_cancel;
	int session_resets;
	int resets, registered, sleeps, flushes, stopped;
	char payload[512];
	size_t need_cap; /* build_payload wants at least this much room */
	uint32_t rnd;
	bool flush_triggers; /* the flush hook calls reg_trigger_update */
};

/* ---- fakes ------------------------------------------------------------ */

static int fake_send(void *ctx, const struct reg_request *req)
{
	struct t *t = ctx;
	struct sent *s;
	size_t len = 0;

	if (t->send_ret)
		return t->send_ret;
	t->total_sent++;
	if (t->nsent == ARRAY_SIZE(t->sent)) { /* keep the latest ones */
		memmove(t->sent, t->sent + 1, sizeof(t->sent) - sizeof(*s));
		t->nsent--;
	}
	s = &t->sent[t->nsent++];
	memset(s, 0, sizeof(*s));
	s->id = req->id;
	s->op = req->op;
	s->method = req->method;
	for (size_t i = 0; i < req->n_path; i++)
		len += (size_t)snprintf(s->path + len, sizeof(s->path) - len,
					"%s%s", i ? "|" : "", req->path[i]);
	if (req->query)
		assert_true(reg_query_join(req->query, s->query,
					   sizeof(s->query)) >= 0);
	s->has_payload = req->payload != NULL;
	if (req->payload) {
		assert_true(req->payload_len < sizeof(s->payload));
		memcpy(s->payload, req->payload, req->payload_len);
	}
	s->at_ms = loop_now_ms(t->fx->loop);
	return 0;
}

static void fake_cancel(void *ctx, uint32_t id)
{
	struct t *t = ctx;

	t->cancels++;
	t->last_cancel = id;
}

static void fake_reset_session(void *ctx)
{
	((struct t *)ctx)->session_resets++;
}

static int fake_payload(void *ctx, char *buf, size_t cap)
{
	struct t *t = ctx;
	size_t n = strlen(t->payload);

	if (cap < t->need_cap || n + 1 > cap)
		return -ENOBUFS;
	memcpy(buf, t->payload, n + 1);
	return (int)n;
}

static void h_reset(void *ctx)
{
	((struct t *)ctx)->resets++;
}
static void h_registered(void *ctx)
{
	((struct t *)ctx)->registered++;
}
static void h_sleep(void *ctx)
{
	((struct t *)ctx)->sleeps++;
}
static void h_flush(void *ctx)
{
	struct t *t = ctx;

	t->flushes++;
	/* Hooks may call the verbs: they are queued, not nested. */
	assert_true(reg_is_awake(t->r));
	assert_int_equal(reg_activity(t->r), 0);
	if (t->flush_triggers)
		assert_int_equal(reg_trigger_update(t->r), 0);
}
static void h_stopped(void *ctx)
{
	((struct t *)ctx)->stopped++;
}

static uint32_t fake_random(void *ctx)
{
	return ((struct t *)ctx)->rnd;
}

static const struct reg_transport transport = {
	.send = fake_send,
	.cancel = fake_cancel,
	.reset_session = fake_reset_session,
};

/* ---- fixture ---------------------------------------------------------- */

static int t_setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	if (!t || setup(state) != 0)
		return -1;
	t->fx = *state;
	snprintf(t->payload, sizeof(t->payload), "</1/0>,</3/0>");
	t->cfg = (struct reg_config){
		.short_server_id = 1,
		.endpoint = "gw1",
		.version = REG_LWM2M_1_1,
		.lifetime = 300,
		.binding = "U",
		.random = fake_random,
	};
	t->cfg.random_ctx = t;
	*state = t;
	log_set_level(LOG_LVL_ERR); /* back-off warnings are expected */
	return 0;
}

static int t_teardown(void **state)
{
	struct t *t = *state;
	void *fx = t->fx;

	reg_free(t->r);
	free(t);
	return teardown(&fx);
}

static void make(struct t *t)
{
	struct reg_transport tr = transport;
	struct reg_hooks hooks = {
		.build_payload = fake_payload,
		.reset = h_reset,
		.registered = h_registered,
		.sleep = h_sleep,
		.flush = h_flush,
		.stopped = h_stopped,
	};

	tr.ctx = t;
	hooks.ctx = t;
	t->r = reg_new(t->fx->loop, &t->cfg, &tr, &hooks);
	assert_non_null(t->r);
}

static uint64_t now(struct t *t)
{
	return loop_now_ms(t->fx->loop);
}

/* Moves the clock by ms and runs every timer that became due. */
static void elapse(struct t *t, uint64_t ms)
{
	advance_ms(t->fx, ms);
	while (loop_run_once(t->fx->loop, 0) > 0)
		;
}

/* Moves the clock to the machine's next deadline and runs it. */
static uint64_t to_next_deadline(struct t *t)
{
	uint64_t d = reg_next_deadline_ms(t->r), n = now(t);

	assert_true(d != UINT64_MAX);
	assert_true(d > n); /* never due already: no busy loop */
	elapse(t, d - n);
	return d - n;
}

static struct sent *last(struct t *t)
{
	assert_true(t->nsent > 0);
	return &t->sent[t->nsent - 1];
}

static void answer(struct t *t, uint8_t code)
{
	assert_int_equal(reg_on_response(t->r, last(t)->id, code, NULL, 0), 0);
}

static void answer_created(struct t *t, const char *a, const char *b)
{
	struct reg_opt opt[2] = {{a, strlen(a)}, {b, b ? strlen(b) : 0}};

	assert_int_equal(reg_on_response(t->r, last(t)->id, REG_CODE_CREATED,
					 opt, b ? 2 : 1),
			 0);
}

static void assert_state(struct t *t, enum reg_state s)
{
	if (reg_get_state(t->r) != s)
		fail_msg("state %s, expected %s",
			 reg_state_name(reg_get_state(t->r)),
			 reg_state_name(s));
}

/* Starts and registers at /rd/5a3f. */
static void registered(struct t *t)
{
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	answer_created(t, "rd", "5a3f");
	assert_state(t, REG_STATE_REGISTERED);
}

static void expect_update(struct t *t, const char *query, const char *payload)
{
	struct sent *s = last(t);

	assert_int_equal(s->op, REG_OP_UPDATE);
	assert_int_equal(s->method, REG_METHOD_POST);
	assert_string_equal(s->path, "rd|5a3f");
	assert_string_equal(s->query, query);
	assert_int_equal(s->has_payload, payload != NULL);
	if (payload)
		assert_string_equal(s->payload, payload);
	assert_state(t, REG_STATE_UPDATING);
}

static void expect_register(struct t *t)
{
	assert_int_equal(last(t)->op, REG_OP_REGISTER);
	assert_string_equal(last(t)->path, "rd");
	assert_state(t, REG_STATE_REGISTERING);
}

/* ---- Register --------------------------------------------------------- */

static void test_ets_101_initial_registration(void **state)
{
	struct t *t = *state;
	const char *const *seg;
	size_t n;

	make(t);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->nsent, 0); /* nothing before start */
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(t->nsent, 1);
	assert_int_equal(last(t)->method, REG_METHOD_POST);
	assert_string_equal(last(t)->path, "rd");
	assert_string_equal(last(t)->query, "ep=gw1&lt=300&lwm2m=1.1&b=U");
	assert_true(last(t)->has_payload);
	assert_string_equal(last(t)->payload, "</1/0>,</3/0>");
	assert_int_equal(t->resets, 1);
	assert_state(t, REG_STATE_REGISTERING);
	assert_false(reg_is_awake(t->r));
	/* The watchdog is the only timer while waiting. */
	assert_int_equal(reg_next_deadline_ms(t->r),
			 now(t) + REG_DEFAULT_EXCHANGE_TIMEOUT_MS);

	answer_created(t, "rd", "5a3f");
	assert_state(t, REG_STATE_REGISTERED);
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
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 207000);
	assert_int_equal(reg_start(t->r), -EALREADY);
}

static void test_register_lwm2m_1_0_query(void **state)
{
	struct t *t = *state;

	t->cfg.version = REG_LWM2M_1_0;
	t->cfg.binding = "UQ";
	t->cfg.lifetime = 60;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_string_equal(last(t)->query, "ep=gw1&lt=60&lwm2m=1.0&b=UQ");
}

static void test_location_one_option_with_slashes(void **state)
{
	struct t *t = *state;
	const char *const *seg;
	size_t n;

	make(t);
	assert_int_equal(reg_start(t->r), 0);
	answer_created(t, "rd/5a3f", NULL); /* as lwm2m-node-lib sends it */
	assert_state(t, REG_STATE_REGISTERED);
	seg = reg_location_segments(t->r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(seg[0], "rd");
	assert_string_equal(seg[1], "5a3f");
	assert_int_equal(reg_trigger_update(t->r), 0);
	expect_update(t, "", NULL); /* replayed as two Uri-Path options */
}

static void test_location_mixed_and_odd_forms(void **state)
{
	struct t *t = *state;

	make(t);
	assert_int_equal(reg_start(t->r), 0);
	answer_created(t, "/rd/", "a/b");
	assert_string_equal(reg_location(t->r), "/rd/a/b");
	assert_int_equal(reg_new_session(t->r), 0);
	answer_created(t, "x", NULL);
	assert_string_equal(reg_location(t->r), "/x");
}

static void test_location_bad(void **state)
{
	struct t *t = *state;
	static const char *const bad[] = {"", "/", "rd/..", "rd/.",
					  "a/b/c/d/e/f/g/h/i"};
	struct reg_opt nul = {"r\0d", 3};
	char big[REG_LOCATION_MAX_BYTES + 1];

	make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		answer_created(t, bad[i], NULL);
		assert_state(t, REG_STATE_BACKOFF);
		assert_string_equal(reg_location(t->r), "");
		to_next_deadline(t);
		expect_register(t);
	}
	/* No Location-Path at all. */
	assert_int_equal(
		reg_on_response(t->r, last(t)->id, REG_CODE_CREATED, NULL, 0),
		0);
	assert_state(t, REG_STATE_BACKOFF);
	to_next_deadline(t);
	assert_int_equal(
		reg_on_response(t->r, last(t)->id, REG_CODE_CREATED, &nul, 1),
		0);
	assert_state(t, REG_STATE_BACKOFF);
	to_next_deadline(t);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	answer_created(t, big, NULL);
	assert_state(t, REG_STATE_BACKOFF);
	/* A 2.04 (not 2.01) to a Register is a failure too. */
	to_next_deadline(t);
	answer(t, REG_CODE_CHANGED);
	assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(reg_get_counters(t->r)->registrations, 0);
}

/* ---- Update ------------------------------------------------------------ */

static void test_ets_107_extending_lifetime(void **state)
{
	struct t *t = *state;

	registered(t);
	elapse(t, 206999);
	assert_int_equal(t->nsent, 1);
	elapse(t, 1);
	assert_int_equal(t->nsent, 2);
	expect_update(t, "", NULL); /* nothing changed: no lt, no payload */
	answer(t, REG_CODE_CHANGED);
	assert_state(t, REG_STATE_REGISTERED);
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 207000);
	elapse(t, 207000);
	expect_update(t, "", NULL);
	assert_int_equal(reg_get_counters(t->r)->updates_sent, 2);
}

static void update_period_is(struct t *t, uint32_t lifetime, uint64_t ms)
{
	t->cfg.lifetime = lifetime;
	registered(t);
	for (int i = 0; i < 3; i++) {
		uint64_t start = now(t);

		assert_int_equal(to_next_deadline(t), ms);
		expect_update(t, "", NULL);
		assert_int_equal(last(t)->at_ms, start + ms);
		answer(t, REG_CODE_CHANGED);
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
	registered(t);
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
}

static void test_ets_102_registration_update(void **state)
{
	struct t *t = *state;

	registered(t);
	/* A lifetime write: lt only. */
	assert_int_equal(reg_set_lifetime(t->r, 600), 0);
	expect_update(t, "lt=600", NULL);
	answer(t, REG_CODE_CHANGED);
	assert_int_equal(reg_registered_lifetime(t->r), 600);
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 507000);
	/* Writing the same value again sends nothing. */
	assert_int_equal(reg_set_lifetime(t->r, 600), 0);
	assert_state(t, REG_STATE_REGISTERED);
	/* A binding write: b only. */
	assert_int_equal(reg_set_binding(t->r, "T"), 0);
	expect_update(t, "b=T", NULL);
	answer(t, REG_CODE_CHANGED);
	assert_string_equal(reg_registered_binding(t->r), "T");
	/* An instance added: the link list only. */
	snprintf(t->payload, sizeof(t->payload), "</1/0>,</3/0>,</3303/0>");
	assert_int_equal(reg_objects_changed(t->r), 0);
	expect_update(t, "", "</1/0>,</3/0>,</3303/0>");
	answer(t, REG_CODE_CHANGED);
	/* The next Update does not repeat it. */
	to_next_deadline(t);
	expect_update(t, "", NULL);
	answer(t, REG_CODE_CHANGED);
	assert_int_equal(reg_set_binding(t->r, "X"), -EINVAL);
	assert_int_equal(reg_set_binding(t->r, NULL), -EINVAL);
	assert_state(t, REG_STATE_REGISTERED);
}

static void test_changes_while_busy_follow_the_answer(void **state)
{
	struct t *t = *state;

	make(t);
	assert_int_equal(reg_start(t->r), 0);
	/* Written while the Register is in flight: sent right after it. */
	assert_int_equal(reg_set_lifetime(t->r, 120), 0);
	assert_int_equal(t->nsent, 1);
	answer_created(t, "rd", "5a3f");
	expect_update(t, "lt=120", NULL);
	/* Several changes during the Update: one Update after it. */
	assert_int_equal(reg_set_lifetime(t->r, 100), 0);
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(t->nsent, 2);
	answer(t, REG_CODE_CHANGED);
	expect_update(t, "lt=100", NULL);
	answer(t, REG_CODE_CHANGED);
	assert_state(t, REG_STATE_REGISTERED);
	assert_int_equal(t->nsent, 3);
	/* A trigger alone during an Update also gives one more Update. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_trigger_update(t->r), 0);
	answer(t, REG_CODE_CHANGED);
	expect_update(t, "", NULL);
	assert_int_equal(t->nsent, 5);
}

static void test_ets_104_update_trigger(void **state)
{
	struct t *t = *state;

	registered(t);
	elapse(t, 10000);
	assert_int_equal(reg_trigger_update(t->r), 0);
	expect_update(t, "", NULL);
	assert_int_equal(last(t)->at_ms, now(t));
	answer(t, REG_CODE_CHANGED);
	/* The lifetime clock restarts from this Update. */
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 207000);
}

static void test_ets_105_discarded_update(void **state)
{
	static const uint8_t fails[] = {REG_CODE_NOT_FOUND, REG_CODE(4, 0),
					REG_CODE(5, 3)};
	struct t *t = *state;

	registered(t);
	for (size_t i = 0; i < ARRAY_SIZE(fails); i++) {
		int resets = t->resets;

		assert_int_equal(reg_trigger_update(t->r), 0);
		answer(t, fails[i]);
		/* At once a fresh Register: never a dead state. */
		expect_register(t);
		assert_string_equal(reg_location(t->r), "");
		assert_int_equal(t->resets, resets + 1);
		answer_created(t, "rd", "5a3f");
	}
	/* RST to an Update. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_on_rst(t->r, last(t)->id), 0);
	expect_register(t);
	answer_created(t, "rd", "5a3f");
	/* No answer to an Update. */
	to_next_deadline(t);
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	expect_register(t);
	assert_int_equal(reg_get_counters(t->r)->failures, 5);
}

static void test_update_send_error_registers_again(void **state)
{
	struct t *t = *state;

	registered(t);
	t->send_ret = -ENETUNREACH;
	assert_int_equal(reg_trigger_update(t->r), 0);
	/* The Update could not go, nor the Register after it: back-off. */
	assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 60000);
	t->send_ret = 0;
	to_next_deadline(t);
	expect_register(t);
}

/* ---- failures and back-off -------------------------------------------- */

static void test_register_backoff_exact(void **state)
{
	static const uint64_t waits[] = {60000,	   120000, 240000, 480000,
					 86400000, 60000,  120000};
	struct t *t = *state;

	make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++) {
		uint64_t sent = last(t)->at_ms;

		answer(t, REG_CODE(5, 3));
		assert_state(t, REG_STATE_BACKOFF);
		assert_int_equal(reg_next_deadline_ms(t->r), now(t) + waits[i]);
		elapse(t, waits[i] - 1);
		assert_state(t, REG_STATE_BACKOFF);
		elapse(t, 1);
		expect_register(t);
		assert_int_equal(last(t)->at_ms, sent + waits[i]);
	}
	/* One sequence failed (5 attempts), then 2 in the next. */
	assert_int_equal(reg_get_counters(t->r)->sequences, 1);
	assert_int_equal(reg_get_counters(t->r)->attempt, 2);
	assert_int_equal(reg_get_counters(t->r)->failures, 7);
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 8);
	/* Success clears the counters. */
	answer_created(t, "rd", "1");
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
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++) {
		answer(t, REG_CODE(4, 3)); /* 4.xx is retried the same way */
		assert_int_equal(to_next_deadline(t), waits[i]);
		expect_register(t);
	}
	assert_int_equal(reg_get_counters(t->r)->sequences, 2);
}

static void test_backoff_jitter(void **state)
{
	struct t *t = *state;

	t->rnd = 12345;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	answer(t, REG_CODE(5, 3));
	/* 60 s + 12345 mod (10 % of 60 s + 1) */
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 60000 + 343);
	to_next_deadline(t);
	t->rnd = UINT32_MAX;
	answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_next_deadline_ms(t->r),
			 now(t) + 120000 + UINT32_MAX % 12001);
	reg_free(t->r);

	/* Without an injected generator the jitter stays in its bounds. */
	t->cfg.random = NULL;
	t->cfg.jitter_pct = 50;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	for (int i = 0; i < 3; i++) {
		uint64_t base = 60000u << i;

		answer(t, REG_CODE(5, 3));
		assert_in_range(reg_next_deadline_ms(t->r) - now(t), base,
				base + base / 2);
		to_next_deadline(t);
	}
	reg_free(t->r);

	t->cfg.no_jitter = true;
	t->rnd = 999;
	t->cfg.random = fake_random;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 60000);
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
	make(t);
	start = now(t);
	assert_int_equal(reg_start(t->r), 0);
	prev_sent = last(t)->at_ms;
	/* The server never answers; the transport reports nothing either. */
	while (now(t) - start < 2 * 86400000ull) {
		to_next_deadline(t);
		steps++;
		if (last(t)->at_ms != prev_sent) {
			uint64_t n = t->total_sent - 2;

			assert_int_equal(last(t)->at_ms - prev_sent,
					 gaps[n % ARRAY_SIZE(gaps)]);
			prev_sent = last(t)->at_ms;
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

	make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	to_next_deadline(t);
	assert_int_equal(t->session_resets, 0);
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	assert_int_equal(reg_get_counters(t->r)->consecutive_unanswered, 2);
	to_next_deadline(t);
	/* Two unanswered in a row: a new session before this Register. */
	assert_int_equal(t->session_resets, 1);
	assert_int_equal(reg_get_counters(t->r)->session_resets, 1);
	expect_register(t);
	/* An answer, even an error, clears the count. */
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	to_next_deadline(t);
	answer(t, REG_CODE(5, 0));
	to_next_deadline(t);
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	to_next_deadline(t);
	assert_int_equal(t->session_resets, 1);
	/* An Update lost, then its Register lost: reset (the NAT case). */
	answer_created(t, "rd", "9");
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	expect_register(t);
	assert_int_equal(reg_on_timeout(t->r, last(t)->id), 0);
	to_next_deadline(t);
	assert_int_equal(t->session_resets, 2);
}

static void test_watchdog_when_transport_reports_nothing(void **state)
{
	struct t *t = *state;
	uint32_t id;

	t->cfg.exchange_timeout_ms = 5000;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	id = last(t)->id;
	elapse(t, 4999);
	assert_state(t, REG_STATE_REGISTERING);
	elapse(t, 1);
	assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(t->last_cancel, id);
	assert_int_equal(reg_get_counters(t->r)->unanswered, 1);
	/* A late answer to the abandoned request changes nothing. */
	assert_int_equal(reg_on_response(t->r, id, REG_CODE_CREATED,
					 &(struct reg_opt){"rd", 2}, 1),
			 0);
	assert_state(t, REG_STATE_BACKOFF);
}

static void test_send_error_on_register_backs_off(void **state)
{
	struct t *t = *state;

	t->send_ret = -ENETUNREACH;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_state(t, REG_STATE_BACKOFF);
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 1);
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 60000);
	t->send_ret = 0;
	to_next_deadline(t);
	expect_register(t);
}

static void test_payload_buffer_grows(void **state)
{
	struct t *t = *state;

	t->need_cap = 8192;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	expect_register(t);
	assert_string_equal(last(t)->payload, "</1/0>,</3/0>");
	reg_free(t->r);
	/* A list that never fits: the Register fails, and is retried. */
	t->need_cap = REG_PAYLOAD_MAX * 2;
	t->nsent = 0;
	make(t);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(t->nsent, 0);
	assert_state(t, REG_STATE_BACKOFF);
}

static void test_registration_reset_on_every_register(void **state)
{
	struct t *t = *state;

	make(t);
	assert_int_equal(reg_start(t->r), 0); /* first */
	answer(t, REG_CODE(5, 3));
	to_next_deadline(t); /* retry */
	answer_created(t, "rd", "1");
	assert_int_equal(reg_trigger_update(t->r), 0);
	answer(t, REG_CODE_NOT_FOUND); /* re-register after 4.04 */
	answer_created(t, "rd", "2");
	assert_int_equal(reg_new_session(t->r), 0); /* new DTLS context */
	answer_created(t, "rd", "3");
	/* Updates are not new registrations. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	answer(t, REG_CODE_CHANGED);
	assert_int_equal(t->resets, 4);
	assert_int_equal(reg_get_counters(t->r)->registers_sent, 4);
}

static void test_new_session(void **state)
{
	struct t *t = *state;

	make(t);
	/* Ignored before registration and while backing off. */
	assert_int_equal(reg_new_session(t->r), 0);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_new_session(t->r), 0);
	assert_int_equal(t->nsent, 1); /* the Register in flight stands */
	answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_new_session(t->r), 0);
	assert_state(t, REG_STATE_BACKOFF);
	to_next_deadline(t);
	answer_created(t, "rd", "1");
	/* While an Update is in flight: it is abandoned for a Register. */
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_new_session(t->r), 0);
	expect_register(t);
	assert_int_equal(t->last_cancel, t->sent[t->nsent - 2].id);
}

/* ---- De-register and Disable ------------------------------------------ */

static void test_ets_103_de_registration(void **state)
{
	struct t *t = *state;

	registered(t);
	assert_int_equal(reg_stop(t->r), 0);
	assert_state(t, REG_STATE_DEREGISTERING);
	assert_int_equal(last(t)->op, REG_OP_DEREGISTER);
	assert_int_equal(last(t)->method, REG_METHOD_DELETE);
	assert_string_equal(last(t)->path, "rd|5a3f");
	assert_string_equal(last(t)->query, "");
	assert_false(last(t)->has_payload);
	assert_int_equal(t->stopped, 0);
	answer(t, REG_CODE_DELETED);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->stopped, 1);
	assert_string_equal(reg_location(t->r), "");
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	/* Started again later: a new Register. */
	assert_int_equal(reg_start(t->r), 0);
	expect_register(t);
}

static void test_stop_in_other_states(void **state)
{
	struct t *t = *state;

	/* No answer to the De-register: the watchdog ends it. */
	registered(t);
	assert_int_equal(reg_stop(t->r), 0);
	to_next_deadline(t);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->stopped, 1);
	/* A stop while registering cancels the Register; nothing is sent. */
	assert_int_equal(reg_start(t->r), 0);
	assert_int_equal(reg_stop(t->r), 0);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(t->last_cancel, last(t)->id);
	assert_int_equal(last(t)->op, REG_OP_REGISTER);
	assert_int_equal(t->stopped, 2);
	/* A stop while backing off. */
	assert_int_equal(reg_start(t->r), 0);
	answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_stop(t->r), 0);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	/* A stop while idle just reports being stopped. */
	assert_int_equal(reg_stop(t->r), 0);
	assert_int_equal(t->stopped, 4);
	/* A stop while sleeping (queue mode) de-registers. */
	reg_free(t->r);
	t->cfg.binding = "UQ";
	registered(t);
	to_next_deadline(t);
	assert_state(t, REG_STATE_SLEEPING);
	assert_int_equal(reg_stop(t->r), 0);
	assert_int_equal(last(t)->op, REG_OP_DEREGISTER);
	answer(t, REG_CODE(4, 4)); /* any answer ends it */
	assert_state(t, REG_STATE_IDLE);
}

static void test_ets_555_disable_then_register_after_timeout(void **state)
{
	struct t *t = *state;

	t->cfg.disable_timeout_s = 30;
	registered(t);
	assert_int_equal(reg_disable(t->r), 0);
	assert_state(t, REG_STATE_DEREGISTERING);
	assert_int_equal(last(t)->method, REG_METHOD_DELETE);
	answer(t, REG_CODE_DELETED);
	assert_state(t, REG_STATE_DISABLED);
	assert_int_equal(t->session_resets, 1); /* disconnected */
	assert_int_equal(t->stopped, 0);
	assert_false(reg_is_awake(t->r));
	/* A second Disable does not extend the period. */
	elapse(t, 10000);
	assert_int_equal(reg_disable(t->r), 0);
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 20000);
	elapse(t, 19999);
	assert_int_equal(last(t)->op, REG_OP_DEREGISTER);
	elapse(t, 1);
	expect_register(t);
	answer_created(t, "rd", "77");
	assert_state(t, REG_STATE_REGISTERED);
}

static void test_disable_in_other_states(void **state)
{
	struct t *t = *state;

	t->cfg.disable_timeout_s = 30;
	make(t);
	assert_int_equal(reg_disable(t->r), 0); /* idle: nothing to do */
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_start(t->r), 0);
	answer(t, REG_CODE(5, 3));
	assert_int_equal(reg_disable(t->r), 0);
	assert_state(t, REG_STATE_DISABLED);
	assert_int_equal(reg_next_deadline_ms(t->r), now(t) + 30000);
	/* Stop while disabled: idle, timer gone. */
	assert_int_equal(reg_stop(t->r), 0);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_next_deadline_ms(t->r), UINT64_MAX);
	/* A stop during a Disable's De-register wins; not the reverse. */
	assert_int_equal(reg_start(t->r), 0);
	answer_created(t, "rd", "1");
	assert_int_equal(reg_disable(t->r), 0);
	assert_int_equal(reg_stop(t->r), 0);
	answer(t, REG_CODE_DELETED);
	assert_state(t, REG_STATE_IDLE);
	assert_int_equal(reg_start(t->r), 0);
	answer_created(t, "rd", "1");
	assert_int_equal(reg_stop(t->r), 0);
	assert_int_equal(reg_disable(t->r), 0);
	answer(t, REG_CODE_DELETED);
	assert_state(t, REG_STATE_IDLE);
}

/* ---- Queue Mode ----------------------------------------------------- */

static void test_ets_108_turning_on_queue_mode_1_0(void **state)
{
	struct t *t = *state;

	t->cfg.version = REG_LWM2M_1_0;
	registered(t);
	assert_int_equal(reg_set_binding(t->r, "UQ"), 0);
	expect_update(t, "b=UQ", NULL);
	assert_false(reg_queue_mode(t->r)); /* not before the 2.04 */
	answer(t, REG_CODE_CHANGED);
	assert_true(reg_queue_mode(t->r));
	assert_int_equal(reg_next_deadline_ms(t->r),
			 now(t) + REG_DEFAULT_QUEUE_TIMEOUT_MS);
	elapse(t, REG_DEFAULT_QUEUE_TIMEOUT_MS);
	assert_state(t, REG_STATE_SLEEPING);
	assert_int_equal(t->sleeps, 1);
}

static void test_ets_108_turning_on_queue_mode_1_1(void **state)
{
	struct t *t = *state;

	registered(t);
	/* 1.1 has no Q in Update: a new Register carries it. */
	assert_int_equal(reg_set_binding(t->r, "UQ"), 0);
	expect_register(t);
	assert_string_equal(last(t)->query, "ep=gw1&lt=300&lwm2m=1.1&b=U&Q");
	assert_int_equal(t->resets, 2);
	answer_created(t, "rd", "6");
	assert_true(reg_queue_mode(t->r));
	/* And back off again. */
	assert_int_equal(reg_set_binding(t->r, "U"), 0);
	expect_register(t);
	assert_string_equal(last(t)->query, "ep=gw1&lt=300&lwm2m=1.1&b=U");
}

static void test_ets_109_behaviour_in_queue_mode(void **state)
{
	struct t *t = *state;
	size_t n;

	t->cfg.binding = "UQ";
	t->cfg.queue_timeout_ms = 10000;
	registered(t);
	assert_true(reg_queue_mode(t->r));
	assert_true(reg_is_awake(t->r));
	/* Activity keeps the client awake for another queue timeout. */
	elapse(t, 9000);
	assert_int_equal(reg_activity(t->r), 0);
	elapse(t, 9999);
	assert_state(t, REG_STATE_REGISTERED);
	elapse(t, 1);
	assert_state(t, REG_STATE_SLEEPING);
	assert_int_equal(t->sleeps, 1);
	assert_false(reg_is_awake(t->r));
	/* Activity while asleep does not wake it. */
	assert_int_equal(reg_activity(t->r), 0);
	assert_state(t, REG_STATE_SLEEPING);
	/* Something to report: an Update first ... */
	n = t->nsent;
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(t->nsent, n + 1);
	expect_update(t, "", NULL);
	assert_false(reg_is_awake(t->r)); /* still queueing */
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(t->nsent, n + 1); /* no second Update */
	assert_int_equal(t->flushes, 0);
	/* ... and on its 2.04 the owner flushes. */
	answer(t, REG_CODE_CHANGED);
	assert_int_equal(t->flushes, 1);
	assert_state(t, REG_STATE_REGISTERED);
	assert_true(reg_is_awake(t->r));
	/* Awake: a report needs no Update. */
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(t->nsent, n + 1);
	/* Asleep again; the lifetime Update wakes it and flushes too. */
	elapse(t, 10000);
	assert_state(t, REG_STATE_SLEEPING);
	to_next_deadline(t);
	expect_update(t, "", NULL);
	answer(t, REG_CODE_CHANGED);
	assert_int_equal(t->flushes, 2);
	assert_int_equal(t->sleeps, 2);
	/* A failed wake-up Update: a new Register drops the queue (reset)
	 * and no flush happens. */
	elapse(t, 10000);
	assert_int_equal(reg_wake_for_report(t->r), 0);
	answer(t, REG_CODE_NOT_FOUND);
	expect_register(t);
	assert_int_equal(t->flushes, 2);
	answer_created(t, "rd", "5a3f");
	assert_true(reg_is_awake(t->r));
}

static void test_hooks_may_call_verbs(void **state)
{
	struct t *t = *state;

	t->cfg.binding = "UQ";
	t->cfg.queue_timeout_ms = 1000;
	t->flush_triggers = true;
	registered(t);
	elapse(t, 1000);
	assert_int_equal(reg_wake_for_report(t->r), 0);
	answer(t, REG_CODE_CHANGED);
	/* The trigger queued by the flush hook ran after the answer. */
	assert_int_equal(t->flushes, 1);
	expect_update(t, "", NULL);
}

/* ---- API edges ------------------------------------------------------- */

static void test_bad_input(void **state)
{
	struct t *t = *state;
	struct reg_transport tr = transport;
	struct reg_hooks hooks = {.build_payload = fake_payload};
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
	hooks.build_payload = fake_payload;
	tr.send = NULL;
	assert_null(reg_new(t->fx->loop, &c, &tr, &hooks));
	assert_null(reg_new(NULL, &c, &transport, &hooks));
	reg_free(NULL);

	make(t);
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
	assert_int_equal(reg_on_rst(t->r, last(t)->id + 1), 0);
	assert_state(t, REG_STATE_REGISTERING);
	/* Changes before registration go into the Register itself. */
	reg_free(t->r);
	t->nsent = 0;
	make(t);
	assert_int_equal(reg_set_lifetime(t->r, 99), 0);
	assert_int_equal(reg_set_binding(t->r, "UQ"), 0);
	assert_int_equal(reg_objects_changed(t->r), 0);
	assert_int_equal(reg_trigger_update(t->r), 0);
	assert_int_equal(reg_wake_for_report(t->r), 0);
	assert_int_equal(reg_activity(t->r), 0);
	assert_int_equal(t->nsent, 0);
	assert_int_equal(reg_start(t->r), 0);
	assert_string_equal(last(t)->query, "ep=gw1&lt=99&lwm2m=1.1&b=U&Q");
	/* Freed with a request in flight: cancelled, nothing sent. */
	reg_free(t->r);
	t->r = NULL;
	assert_int_equal(t->last_cancel, last(t)->id);
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
	registered(t);
	make(u);
	assert_int_equal(reg_start(u->r), 0);
	answer(u, REG_CODE(5, 3)); /* server 2 is down */
	elapse(t, 207000);
	/* Server 1 updates on time; server 2 retried at 60 and 180 s. */
	expect_update(t, "", NULL);
	assert_int_equal(u->nsent, 2);
	assert_state(u, REG_STATE_REGISTERING);
	reg_free(u->r);
	free(u);
}

#define T(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

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
		T(test_ets_103_de_registration),
		T(test_stop_in_other_states),
		T(test_ets_555_disable_then_register_after_timeout),
		T(test_disable_in_other_states),
		T(test_ets_108_turning_on_queue_mode_1_0),
		T(test_ets_108_turning_on_queue_mode_1_1),
		T(test_ets_109_behaviour_in_queue_mode),
		T(test_hooks_may_call_verbs),
		T(test_bad_input),
		T(test_state_names),
		T(test_servers_are_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fake transport and hooks behind the registration tests, and the
 * fixture that drives a struct reg on the loop's fake clock.  See
 * registration_fixture.h.
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
#include "registration_fixture.h"

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

int rfx_fake_payload(void *ctx, char *buf, size_t cap)
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

uint32_t rfx_fake_random(void *ctx)
{
	return ((struct t *)ctx)->rnd;
}

const struct reg_transport rfx_transport = {
	.send = fake_send,
	.cancel = fake_cancel,
	.reset_session = fake_reset_session,
};

/* ---- fixture ---------------------------------------------------------- */

int rfx_setup(void **state)
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
		.random = rfx_fake_random,
	};
	t->cfg.random_ctx = t;
	*state = t;
	log_set_level(LOG_LVL_ERR); /* back-off warnings are expected */
	return 0;
}

int rfx_teardown(void **state)
{
	struct t *t = *state;
	void *fx = t->fx;

	reg_free(t->r);
	free(t);
	return teardown(&fx);
}

void rfx_make(struct t *t)
{
	struct reg_transport tr = rfx_transport;
	struct reg_hooks hooks = {
		.build_payload = rfx_fake_payload,
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

uint64_t rfx_now(struct t *t)
{
	return loop_now_ms(t->fx->loop);
}

/* Moves the clock by ms and runs every timer that became due. */
void rfx_elapse(struct t *t, uint64_t ms)
{
	advance_ms(t->fx, ms);
	while (loop_run_once(t->fx->loop, 0) > 0)
		;
}

/* Moves the clock to the machine's next deadline and runs it. */
uint64_t rfx_to_next_deadline(struct t *t)
{
	uint64_t d = reg_next_deadline_ms(t->r), n = rfx_now(t);

	assert_true(d != UINT64_MAX);
	assert_true(d > n); /* never due already: no busy loop */
	rfx_elapse(t, d - n);
	return d - n;
}

struct sent *rfx_last(struct t *t)
{
	assert_true(t->nsent > 0);
	return &t->sent[t->nsent - 1];
}

void rfx_answer(struct t *t, uint8_t code)
{
	assert_int_equal(reg_on_response(t->r, rfx_last(t)->id, code, NULL, 0),
			 0);
}

void rfx_answer_created(struct t *t, const char *a, const char *b)
{
	struct reg_opt opt[2] = {{a, strlen(a)}, {b, b ? strlen(b) : 0}};

	assert_int_equal(reg_on_response(t->r, rfx_last(t)->id,
					 REG_CODE_CREATED, opt, b ? 2 : 1),
			 0);
}

void rfx_assert_state(struct t *t, enum reg_state s)
{
	if (reg_get_state(t->r) != s)
		fail_msg("state %s, expected %s",
			 reg_state_name(reg_get_state(t->r)),
			 reg_state_name(s));
}

/* Starts and registers at /rd/5a3f. */
void rfx_registered(struct t *t)
{
	rfx_make(t);
	assert_int_equal(reg_start(t->r), 0);
	rfx_answer_created(t, "rd", "5a3f");
	rfx_assert_state(t, REG_STATE_REGISTERED);
}

void rfx_expect_update(struct t *t, const char *query, const char *payload)
{
	struct sent *s = rfx_last(t);

	assert_int_equal(s->op, REG_OP_UPDATE);
	assert_int_equal(s->method, REG_METHOD_POST);
	assert_string_equal(s->path, "rd|5a3f");
	assert_string_equal(s->query, query);
	assert_int_equal(s->has_payload, payload != NULL);
	if (payload)
		assert_string_equal(s->payload, payload);
	rfx_assert_state(t, REG_STATE_UPDATING);
}

void rfx_expect_register(struct t *t)
{
	assert_int_equal(rfx_last(t)->op, REG_OP_REGISTER);
	assert_string_equal(rfx_last(t)->path, "rd");
	rfx_assert_state(t, REG_STATE_REGISTERING);
}

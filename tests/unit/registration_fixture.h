/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by test_registration.c and test_registration_retry.c: a struct
 * reg on the loop's fake clock (loop_fixture.h) with a fake transport that
 * records every request and answers only when a test says so.  Include
 * after <cmocka.h>.  Every assertion here ends the running test.  Not
 * thread-safe (cmocka is not).
 */
#ifndef TESTS_UNIT_REGISTRATION_FIXTURE_H
#define TESTS_UNIT_REGISTRATION_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop_fixture.h"
#include "registration.h"

/* One request the machine sent, flattened: path segments joined by '|',
 * the query as reg_query_join() writes it. */
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

/* The state of one test: the loop fixture, the machine under test, and
 * what the fakes saw.  rfx_setup() allocates it; rfx_teardown() frees it
 * and the machine in r. */
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

/* Records each request in t->sent (the latest 64 are kept), or fails with
 * t->send_ret when that is non-zero; cancel counts and keeps the last id;
 * reset_session counts.  ctx is unset: rfx_make() sets it to the test. */
extern const struct reg_transport rfx_transport;

/* build_payload hook: copies t->payload into buf and returns its length;
 * -ENOBUFS when cap is below t->need_cap or too small for the text. */
int rfx_fake_payload(void *ctx, char *buf, size_t cap);

/* reg_config.random: returns t->rnd. */
uint32_t rfx_fake_random(void *ctx);

/* ---- fixture ---------------------------------------------------------- */

/* cmocka setup: a struct t with the loop fixture and a 1.1 config for
 * endpoint "gw1", lifetime 300, binding "U"; no machine yet.  Lowers the
 * log level to errors (back-off warnings are expected).  0, or -1 when
 * out of memory. */
int rfx_setup(void **state);
/* cmocka teardown: frees t->r (may be NULL), the test and the loop. */
int rfx_teardown(void **state);

/* Creates t->r from t->cfg with rfx_transport and hooks that count into
 * t (the flush hook also checks it may call the verbs, and calls
 * reg_trigger_update() when t->flush_triggers).  Fails the test on NULL. */
void rfx_make(struct t *t);
/* The loop's clock, in ms. */
uint64_t rfx_now(struct t *t);
/* Moves the clock by ms and runs every timer that became due. */
void rfx_elapse(struct t *t, uint64_t ms);
/* Moves the clock to the machine's next deadline and runs it; fails the
 * test when there is none or it is due already.  Returns the step in ms. */
uint64_t rfx_to_next_deadline(struct t *t);
/* The latest request sent; fails the test when none.  Points into t. */
struct sent *rfx_last(struct t *t);
/* Answers the latest request with code and no options. */
void rfx_answer(struct t *t, uint8_t code);
/* Answers the latest request 2.01 Created with Location-Path a (and b
 * when not NULL). */
void rfx_answer_created(struct t *t, const char *a, const char *b);
/* Fails the test, naming both states, unless the machine is in s. */
void rfx_assert_state(struct t *t, enum reg_state s);
/* Makes the machine, starts it and registers it at /rd/5a3f. */
void rfx_registered(struct t *t);
/* The latest request is an Update (POST rd|5a3f) with this query and
 * payload (NULL: none), and the machine is updating. */
void rfx_expect_update(struct t *t, const char *query, const char *payload);
/* The latest request is a Register to rd, and the machine is
 * registering. */
void rfx_expect_register(struct t *t);

#endif

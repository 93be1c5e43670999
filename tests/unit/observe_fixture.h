/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by test_observe.c and test_observe_store.c: the observe engine on
 * a fake clock (loop_fixture.h), with a mock owner that builds text payloads
 * ("/3303/0/5700=21.5") from one numeric "sensor" value and records every
 * send.  Include after <cmocka.h>.  Every assertion here ends the running
 * test.  Not thread-safe (cmocka is not).
 */
#ifndef TESTS_UNIT_OBSERVE_FIXTURE_H
#define TESTS_UNIT_OBSERVE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "loop_fixture.h"
#include "observe.h"

#define MAXSENT 64

/* One notification as the mock send() saw it (payload without padding). */
struct sent {
	uint8_t token[OBS_TOKEN_MAX];
	size_t token_len;
	uint32_t seq;
	bool con;
	uint16_t cf;
	char payload[64];
};

/* One end notification as the mock end() saw it. */
struct ended {
	uint8_t token[OBS_TOKEN_MAX];
	size_t token_len;
	int err;
};

#define MAXENDED 8

/* The mock owner of one server's engine; the test state of every test. */
struct owner {
	struct fx *fx;
	struct attrs *attrs;
	struct obs_engine *e;
	double num;   /* the sensor's value */
	bool num_ok;  /* read_number() succeeds */
	int build_rc; /* forced build() result when non-zero */
	int send_rc;  /* send() result */
	size_t pad;   /* extra payload bytes, to test -ENOBUFS */
	int builds, read_numbers, wakeups;
	struct sent sent[MAXSENT];
	size_t nsent;
	int end_rc; /* end() result */
	struct ended ended[MAXENDED];
	size_t nended;
};

/* Tokens of three observations (the static copies are per test file). */
static const uint8_t T1[] = {0xa1, 0xb2, 0xc3, 0xd4};
static const uint8_t T2[] = {0x22};
static const uint8_t T3[] = {1, 2, 3, 4, 5, 6, 7, 8};

#define TEMP path_resource(3303, 0, 5700)

/* The mock callbacks; ctx is a struct owner. */
extern const struct obs_callbacks ofx_mock_cb;

/* Fills *c with defaults wired to ow (its loop, attrs and ofx_mock_cb). */
void ofx_config_for(struct owner *ow, struct obs_config *c);

/* cmocka setup: a new owner with a fake-clock loop, empty attrs and an
 * engine with the default configuration in *state.  0, or -1 when out of
 * memory.  ofx_teardown() frees it all; always returns 0. */
int ofx_setup(void **state);
int ofx_teardown(void **state);

/* Replaces the engine with one built from a tweaked configuration. */
void ofx_reconfigure(struct owner *ow, void (*tweak)(struct obs_config *));

/* Runs loop iterations until nothing more is due now; fails the test when
 * the loop never settles. */
void ofx_settle(struct owner *ow);

/* Moves the fake clock by ms, then ofx_settle(). */
void ofx_step(struct owner *ow, uint64_t ms);

/* Writes one attribute option ("pmin=10") on p and tells the engine. */
void ofx_wattr(struct owner *ow, struct path p, const char *opt, bool numeric);

/* Observes p with token tok (tl bytes, no Accept); asserts success and that
 * the Observe answer carries sequence want_seq. */
void ofx_add(struct owner *ow, const uint8_t *tok, size_t tl, struct path p,
	     uint32_t want_seq);

/* Sets the sensor to v and reports a change of p. */
void ofx_change(struct owner *ow, struct path p, double v);

/* Asserts the i-th send had this payload, sequence number and type. */
void ofx_assert_sent(const struct owner *ow, size_t i, const char *payload,
		     uint32_t seq, bool con);

/* The engine's counters now. */
struct obs_stats ofx_stats(const struct owner *ow);

#endif

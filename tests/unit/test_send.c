/* SPDX-License-Identifier: BSD-3-Clause */
/* The Send engine (bridge/send.h) on a fake clock: when reports are made,
 * their order, the queue while unreachable, its bounds, muting, answers. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "loop_fixture.h"
#include "send.h"

struct sfx {
	struct fx *fx;
	struct send_engine *e;
	int made;	     /* reports built: their payload is "R<made>" */
	size_t big;	     /* > 0: build that many bytes instead */
	int build_rc;	     /* forced build() result, 0 = normal */
	int post_rc;	     /* forced post() result */
	char posted[32][16]; /* payloads posted, in order */
	size_t n_posted;
	int wakeups;
	size_t n_lost;	    /* reports lost() reported */
	const char *why;    /* the last reason */
	uint8_t out[80000]; /* what build() hands over */
};

static int fake_build(void *ctx, const uint8_t **payload, size_t *len)
{
	struct sfx *s = ctx;
	int n;

	if (s->build_rc)
		return s->build_rc;
	s->made++;
	if (s->big) {
		memset(s->out, 'x', s->big);
		n = (int)s->big;
	} else {
		n = snprintf((char *)s->out, sizeof(s->out), "R%d", s->made);
	}
	*payload = s->out;
	*len = (size_t)n;
	return 0;
}

static int fake_post(void *ctx, const uint8_t *payload, size_t len)
{
	struct sfx *s = ctx;

	if (s->post_rc)
		return s->post_rc;
	assert_true(s->n_posted < 32);
	if (len >= sizeof(s->posted[0]))
		len = sizeof(s->posted[0]) - 1; /* big ones: a prefix */
	memcpy(s->posted[s->n_posted], payload, len);
	s->posted[s->n_posted][len] = '\0';
	s->n_posted++;
	return 0;
}

static void fake_wakeup(void *ctx)
{
	((struct sfx *)ctx)->wakeups++;
}

static void fake_lost(void *ctx, size_t n, const char *why)
{
	struct sfx *s = ctx;

	s->n_lost += n;
	s->why = why;
}

static const struct send_callbacks cbs = {
	.build = fake_build,
	.post = fake_post,
	.wakeup = fake_wakeup,
	.lost = fake_lost,
};

static struct sfx *start(void **state, void (*tune)(struct send_config *))
{
	struct sfx *s = calloc(1, sizeof(*s));
	struct send_config c;

	assert_non_null(s);
	s->fx = *state;
	send_config_init(&c);
	c.loop = s->fx->loop;
	c.cb = &cbs;
	c.ctx = s;
	c.paths[0] = path_resource(3303, 0, 5700);
	c.paths[1] = path_instance(3, 0);
	c.n_paths = 2;
	c.interval_ms = 10000;
	if (tune)
		tune(&c);
	s->e = send_new(&c);
	assert_non_null(s->e);
	return s;
}

static void stop(struct sfx *s)
{
	send_free(s->e);
	free(s);
}

/* Lets time pass in 1 ms steps, running what falls due; then two more
 * turns, for the 0 ms timers armed by what ran (a report made in one turn
 * goes out in the next). */
static void run_for(struct sfx *s, uint64_t ms)
{
	for (uint64_t i = 0; i < ms; i++) {
		advance_ms(s->fx, 1);
		(void)loop_run_once(s->fx->loop, 0);
	}
	(void)loop_run_once(s->fx->loop, 0);
	(void)loop_run_once(s->fx->loop, 0);
}

static void test_periodic_one_at_a_time_in_order(void **state)
{
	struct sfx *s = start(state, NULL);

	send_set_reachable(s->e, true);
	run_for(s, 9999);
	assert_int_equal(s->n_posted, 0);
	run_for(s, 1);
	assert_int_equal(s->n_posted, 1);
	assert_string_equal(s->posted[0], "R1");
	/* No answer yet: the next report waits behind it. */
	run_for(s, 10000);
	assert_int_equal(s->made, 2);
	assert_int_equal(s->n_posted, 1);
	send_result(s->e, 2 << 5 | 4);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 2);
	assert_string_equal(s->posted[1], "R2");
	send_result(s->e, 2 << 5 | 4);
	assert_int_equal(send_get_stats(s->e)->acked, 2);
	assert_int_equal(send_queued(s->e), 0);
	stop(s);
}

static void test_stored_while_unreachable_flushed_in_order(void **state)
{
	struct sfx *s = start(state, NULL);

	run_for(s, 30000); /* three reports, server unreachable */
	assert_int_equal(s->n_posted, 0);
	assert_int_equal(send_queued(s->e), 3);
	assert_int_equal(s->wakeups, 3);
	send_set_reachable(s->e, true);
	for (int i = 0; i < 3; i++) {
		run_for(s, 0);
		send_result(s->e, 2 << 5 | 4);
	}
	assert_int_equal(s->n_posted, 3);
	assert_string_equal(s->posted[0], "R1");
	assert_string_equal(s->posted[1], "R2");
	assert_string_equal(s->posted[2], "R3");
	assert_int_equal(send_get_stats(s->e)->dropped, 0);
	stop(s);
}

static void storing_off(struct send_config *c)
{
	c->storing = false;
}

static void test_storing_off_drops_while_unreachable(void **state)
{
	struct sfx *s = start(state, storing_off);

	run_for(s, 20000);
	assert_int_equal(send_queued(s->e), 0);
	assert_int_equal(send_get_stats(s->e)->dropped, 2);
	assert_int_equal(s->made, 0); /* not even read */
	send_set_reachable(s->e, true);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 0);
	stop(s);
}

static void two_stored(struct send_config *c)
{
	c->store_max_count = 2;
}

static void test_count_bound_keeps_the_newest(void **state)
{
	struct sfx *s = start(state, two_stored);

	run_for(s, 40000); /* R1..R4 */
	assert_int_equal(send_queued(s->e), 2);
	assert_int_equal(send_get_stats(s->e)->dropped, 2);
	send_set_reachable(s->e, true);
	run_for(s, 0);
	send_result(s->e, 2 << 5 | 4);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 2);
	assert_string_equal(s->posted[0], "R3");
	assert_string_equal(s->posted[1], "R4");
	stop(s);
}

static void byte_bound(struct send_config *c)
{
	c->store_max_bytes = 5; /* two 2-byte reports */
}

static void test_byte_bound(void **state)
{
	struct sfx *s = start(state, byte_bound);

	run_for(s, 30000);
	assert_int_equal(send_queued(s->e), 2);
	assert_int_equal(send_get_stats(s->e)->dropped, 1);
	stop(s);
}

static void test_bound_never_drops_the_one_in_flight(void **state)
{
	struct sfx *s = start(state, two_stored);

	send_set_reachable(s->e, true);
	run_for(s, 10000); /* R1 in flight */
	assert_int_equal(s->n_posted, 1);
	send_set_reachable(s->e, false);
	run_for(s, 30000); /* R2..R4 queued behind it: R2 goes */
	assert_int_equal(send_queued(s->e), 2);
	send_result(s->e, 2 << 5 | 4); /* R1 acked */
	send_set_reachable(s->e, true);
	run_for(s, 0);
	assert_string_equal(s->posted[1], "R4");
	assert_int_equal(send_get_stats(s->e)->acked, 1);
	stop(s);
}

static void test_ets_307_muted_makes_nothing(void **state)
{
	struct sfx *s = start(state, NULL);

	run_for(s, 10000);	    /* R1 queued while unreachable */
	send_set_muted(s->e, true); /* R1 is dropped: declined */
	send_set_reachable(s->e, true);
	run_for(s, 20000);
	assert_int_equal(s->n_posted, 0);
	assert_int_equal(s->made, 1);
	assert_int_equal(send_get_stats(s->e)->muted, 3);
	assert_int_equal(send_now(s->e), -EPERM);
	send_set_muted(s->e, false);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 0);
	run_for(s, 10000); /* the next periodic one */
	assert_int_equal(s->n_posted, 1);
	assert_string_equal(s->posted[0], "R2");
	stop(s);
}

static void changes(struct send_config *c)
{
	c->interval_ms = 0;
	c->on_change = true;
	c->min_interval_ms = 1000;
}

static void test_on_change_coalesced_by_min_interval(void **state)
{
	struct sfx *s = start(state, changes);
	struct path temp = path_resource(3303, 0, 5700);
	struct path model = path_resource(3, 0, 1); /* under /3/0 */
	struct path other = path_resource(3304, 0, 5700);
	struct path whole = path_object(3303); /* above /3303/0/5700 */

	send_set_reachable(s->e, true);
	send_value_changed(s->e, &other);
	run_for(s, 5000);
	assert_int_equal(s->made, 0);
	send_value_changed(s->e, &temp); /* first: at once */
	run_for(s, 0);
	assert_int_equal(s->made, 1);
	send_result(s->e, 2 << 5 | 4);
	/* Three changes inside the minimum interval: one report at its end. */
	run_for(s, 100);
	send_value_changed(s->e, &temp);
	send_value_changed(s->e, &model);
	run_for(s, 400);
	send_value_changed(s->e, &whole);
	run_for(s, 499);
	assert_int_equal(s->made, 1);
	run_for(s, 1);
	assert_int_equal(s->made, 2);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 2);
	stop(s);
}

static void test_answers(void **state)
{
	struct sfx *s = start(state, NULL);

	send_set_reachable(s->e, true);
	run_for(s, 10000);
	send_result(s->e, 4 << 5 | 4); /* refused: dropped, not retried */
	assert_int_equal(send_get_stats(s->e)->rejected, 1);
	assert_int_equal(send_queued(s->e), 0);
	run_for(s, 10000);
	assert_int_equal(s->n_posted, 2);
	send_result(s->e, -ETIMEDOUT); /* kept: storing is on */
	assert_int_equal(send_queued(s->e), 1);
	send_set_reachable(s->e, false);
	send_set_reachable(s->e, true);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 3);
	assert_string_equal(s->posted[2], "R2");
	/* A result with nothing in flight is ignored. */
	send_result(s->e, 2 << 5 | 4);
	send_result(s->e, 2 << 5 | 4);
	assert_int_equal(send_get_stats(s->e)->acked, 1);
	stop(s);
}

static void test_timeout_with_storing_off_drops(void **state)
{
	struct sfx *s = start(state, storing_off);

	send_set_reachable(s->e, true);
	run_for(s, 10000);
	send_result(s->e, -ETIMEDOUT);
	assert_int_equal(send_queued(s->e), 0);
	assert_int_equal(send_get_stats(s->e)->dropped, 1);
	stop(s);
}

static void test_post_refused_keeps_the_report(void **state)
{
	struct sfx *s = start(state, NULL);

	send_set_reachable(s->e, true);
	s->post_rc = -ENOTCONN;
	run_for(s, 10000);
	assert_int_equal(send_queued(s->e), 1);
	s->post_rc = 0;
	send_set_reachable(s->e, true);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 1);
	stop(s);
}

static void test_oversized_report_dropped_not_the_backlog(void **state)
{
	struct sfx *s = start(state, NULL);

	run_for(s, 30000); /* R1..R3 queued, unreachable */
	s->big = 70000;	   /* above store_max_bytes (64 KiB) */
	assert_int_equal(send_now(s->e), -ENOSPC);
	assert_int_equal(send_queued(s->e), 3);
	assert_int_equal(s->n_lost, 1);
	assert_string_equal(s->why, "larger than notification_store_bytes");
	s->big = 3000; /* fits: queued behind them */
	assert_int_equal(send_now(s->e), 0);
	assert_int_equal(send_queued(s->e), 4);
	s->big = 0;
	s->build_rc = -ENOENT;
	assert_int_equal(send_now(s->e), -ENOENT);
	assert_int_equal(send_get_stats(s->e)->failed, 1);
	assert_int_equal(send_queued(s->e), 4);
	stop(s);
}

static void no_period(struct send_config *c)
{
	c->interval_ms = 0;
}

/* No answer: posted again 1, 2, 4, 8 s later (no other report comes in
 * between to hurry it), then given up after SEND_MAX_ATTEMPTS. */
static void test_unanswered_retried_with_backoff_then_dropped(void **state)
{
	struct sfx *s = start(state, no_period);
	static const uint64_t pause[] = {1000, 2000, 4000, 8000};

	send_set_reachable(s->e, true);
	assert_int_equal(send_now(s->e), 0);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 1);
	for (size_t i = 0; i < 4; i++) {
		send_result(s->e, -ETIMEDOUT);
		run_for(s, pause[i] - 1);
		assert_int_equal(s->n_posted, i + 1); /* not yet */
		run_for(s, 1);
		assert_int_equal(s->n_posted, i + 2);
		assert_string_equal(s->posted[i + 1], "R1");
	}
	send_result(s->e, -ETIMEDOUT); /* the 5th post got nothing either */
	assert_int_equal(send_queued(s->e), 0);
	assert_int_equal(send_get_stats(s->e)->dropped, 1);
	assert_int_equal(send_get_stats(s->e)->retried, 4);
	assert_string_equal(s->why, "no answer to any of its attempts");
	stop(s);
}

static void test_rst_is_a_refusal(void **state)
{
	struct sfx *s = start(state, NULL);

	send_set_reachable(s->e, true);
	assert_int_equal(send_now(s->e), 0);
	run_for(s, 0);
	send_result(s->e, -ECONNREFUSED);
	assert_int_equal(send_queued(s->e), 0);
	assert_int_equal(send_get_stats(s->e)->rejected, 1);
	run_for(s, 5000);
	assert_int_equal(s->n_posted, 1);
	stop(s);
}

static void test_mute_drops_the_queue_not_the_one_in_flight(void **state)
{
	struct sfx *s = start(state, NULL);

	send_set_reachable(s->e, true);
	run_for(s, 10000); /* R1 in flight */
	send_set_reachable(s->e, false);
	run_for(s, 20000); /* R2, R3 queued */
	send_set_muted(s->e, true);
	assert_int_equal(send_queued(s->e), 1);
	assert_int_equal(send_get_stats(s->e)->muted, 2);
	assert_int_equal(s->n_lost, 2);
	send_result(s->e, 2 << 5 | 4);
	send_set_muted(s->e, false);
	send_set_reachable(s->e, true);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 1);
	assert_int_equal(send_get_stats(s->e)->acked, 1);
	stop(s);
}

static void test_free_with_a_report_in_flight(void **state)
{
	struct sfx *s = start(state, NULL);

	send_set_reachable(s->e, true);
	run_for(s, 30000); /* R1 in flight, R2 and R3 behind it */
	assert_int_equal(send_queued(s->e), 3);
	stop(s); /* nothing leaks (ASan), no callback */
}

static void test_bad_config(void **state)
{
	struct send_config c;

	send_config_init(&c);
	c.loop = ((struct fx *)*state)->loop;
	c.cb = &cbs;
	errno = 0;
	assert_null(send_new(&c)); /* no paths */
	assert_int_equal(errno, EINVAL);
	c.n_paths = SEND_PATHS_MAX + 1;
	assert_null(send_new(&c));
	c.n_paths = 1;
	c.store_max_count = 0;
	assert_null(send_new(&c));
	send_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_periodic_one_at_a_time_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_stored_while_unreachable_flushed_in_order, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_storing_off_drops_while_unreachable, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_count_bound_keeps_the_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_byte_bound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_bound_never_drops_the_one_in_flight, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_ets_307_muted_makes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_mute_drops_the_queue_not_the_one_in_flight, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_unanswered_retried_with_backoff_then_dropped,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_is_a_refusal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_free_with_a_report_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_on_change_coalesced_by_min_interval, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timeout_with_storing_off_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_post_refused_keeps_the_report, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_oversized_report_dropped_not_the_backlog, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

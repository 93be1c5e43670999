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
};

static int fake_build(void *ctx, uint8_t *buf, size_t cap, size_t *len)
{
	struct sfx *s = ctx;
	int n;

	if (s->build_rc)
		return s->build_rc;
	if (s->big) {
		if (cap < s->big)
			return -ENOBUFS;
		memset(buf, 'x', s->big);
		*len = s->big;
		s->made++;
		return 0;
	}
	n = snprintf((char *)buf, cap, "R%d", s->made + 1);
	if (n < 0 || (size_t)n >= cap)
		return -ENOBUFS;
	s->made++;
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

static const struct send_callbacks cbs = {
	.build = fake_build,
	.post = fake_post,
	.wakeup = fake_wakeup,
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

static void test_muted_makes_nothing_and_holds_the_queue(void **state)
{
	struct sfx *s = start(state, NULL);

	run_for(s, 10000); /* R1 queued while unreachable */
	send_set_muted(s->e, true);
	send_set_reachable(s->e, true);
	run_for(s, 20000);
	assert_int_equal(s->n_posted, 0);
	assert_int_equal(s->made, 1);
	assert_int_equal(send_get_stats(s->e)->muted, 2);
	assert_int_equal(send_now(s->e), -EPERM);
	send_set_muted(s->e, false);
	run_for(s, 0);
	assert_int_equal(s->n_posted, 1);
	assert_string_equal(s->posted[0], "R1");
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

static void test_large_report_and_failures(void **state)
{
	struct sfx *s = start(state, NULL);

	s->big = 3000; /* the scratch buffer grows from 512 */
	assert_int_equal(send_now(s->e), 0);
	assert_int_equal(send_queued(s->e), 1);
	s->big = 70000; /* above payload_max */
	assert_int_equal(send_now(s->e), -EMSGSIZE);
	s->big = 0;
	s->build_rc = -ENOENT;
	assert_int_equal(send_now(s->e), -ENOENT);
	assert_int_equal(send_get_stats(s->e)->failed, 2);
	assert_int_equal(send_queued(s->e), 1);
	stop(s);
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
			test_muted_makes_nothing_and_holds_the_queue, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_on_change_coalesced_by_min_interval, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timeout_with_storing_off_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_post_refused_keeps_the_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_report_and_failures,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

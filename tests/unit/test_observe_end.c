/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The end of an observation whose target went away (RFC 7641 §3.2, §4.2):
 * obs_recheck_within() after a deletion or an Access Control change, and
 * build() answering -ENOENT / -EACCES, end the observation with ONE error
 * notification through end() instead of a silent removal; nothing is sent
 * for that token afterwards.  On the fake clock and mock owner of
 * observe_fixture.h, with a build() wrapper that makes one subtree "gone".
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "observe_fixture.h"

/* build() answers gone_err for plain observations within gone_path. */
static struct path gone_path;
static int gone_err;

static int wrap_build(void *ctx, const struct obs_info *info, uint8_t *buf,
		      size_t cap, size_t *len, uint16_t *cf)
{
	if (gone_err && !info->n_paths &&
	    path_is_within(&info->path, &gone_path)) {
		((struct owner *)ctx)->builds++;
		return gone_err;
	}
	return ofx_mock_cb.build(ctx, info, buf, cap, len, cf);
}

static struct obs_callbacks wrap_cb;

static void use_wrapper(struct obs_config *c)
{
	wrap_cb = ofx_mock_cb;
	wrap_cb.build = wrap_build;
	c->cb = &wrap_cb;
}

static void wrapper_con(struct obs_config *c)
{
	use_wrapper(c);
	c->all_con = true;
}

static void wrapper_no_end(struct obs_config *c)
{
	use_wrapper(c);
	wrap_cb.end = NULL;
}

static int end_setup(void **state)
{
	gone_err = 0;
	gone_path = path_root();
	if (ofx_setup(state) != 0)
		return -1;
	ofx_reconfigure(*state, use_wrapper);
	return 0;
}

static void make_gone(struct path p, int err)
{
	gone_path = p;
	gone_err = err;
}

static void assert_ended(const struct owner *ow, size_t i, const uint8_t *tok,
			 size_t tl, int err)
{
	assert_true(i < ow->nended);
	assert_int_equal(ow->ended[i].token_len, tl);
	assert_memory_equal(ow->ended[i].token, tok, tl);
	assert_int_equal(ow->ended[i].err, err);
}

/* ---- deletion: 4.04 ------------------------------------------------- */

static void test_deleted_instance_ends_with_not_found(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), inst, 0);
	ofx_add(ow, T3, sizeof(T3), path_resource(3304, 0, 5700), 0);
	/* pmin 60 s: the end does not wait for it. */
	ofx_wattr(ow, path_object(3303), "pmin=60", false);
	make_gone(inst, -ENOENT);
	assert_int_equal(obs_recheck_within(ow->e, &inst), 2);
	assert_int_equal(ow->nended, 0); /* never from inside the call */
	ofx_settle(ow);
	assert_int_equal(ow->nended, 2);
	/* In path order: the instance, then its resource. */
	assert_ended(ow, 0, T2, sizeof(T2), -ENOENT);
	assert_ended(ow, 1, T1, sizeof(T1), -ENOENT);
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(ofx_stats(ow).ended, 2);
	/* The ended tokens are forgotten: changes and time send nothing
	 * more for them, the unrelated observation lives on. */
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), -ENOENT);
	ofx_change(ow, TEMP, 30);
	ofx_step(ow, 120000);
	assert_int_equal(ow->nended, 2);
	assert_int_equal(ow->nsent, 0);
	ofx_change(ow, path_resource(3304, 0, 5700), 5);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_memory_equal(ow->sent[0].token, T3, sizeof(T3));
}

static void test_recheck_of_existing_target_sends_nothing(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);
	int builds;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_wattr(ow, TEMP, "pmin=10", false);
	builds = ow->builds;
	/* Deleted and set again in one loop iteration (a list rewritten
	 * whole): the check finds it there, nothing ends, nothing is sent
	 * for the check, and the change still waits for pmin. */
	assert_int_equal(obs_recheck_within(ow->e, &inst), 1);
	ofx_change(ow, TEMP, 7);
	ofx_settle(ow);
	assert_int_equal(ow->builds, builds + 1);
	assert_int_equal(ow->nended, 0);
	assert_int_equal(ow->nsent, 0);
	ofx_step(ow, 10000);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/3303/0/5700=7", 1, false);
	assert_int_equal(obs_count(ow->e), 1);
}

static void test_due_notification_of_gone_target_ends(void **state)
{
	struct owner *ow = *state;

	/* No recheck: the owner only reported a change, and build() finds
	 * the target gone when the notification falls due. */
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	make_gone(path_instance(3303, 0), -ENOENT);
	ofx_change(ow, path_instance(3303, 0), 0);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(ow->nended, 1);
	assert_ended(ow, 0, T1, sizeof(T1), -ENOENT);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(ofx_stats(ow).failed, 0);
}

static void test_pmax_of_gone_target_ends(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_wattr(ow, TEMP, "pmax=5", false);
	make_gone(TEMP, -ENOENT);
	ofx_step(ow, 5000);
	assert_int_equal(ow->nended, 1);
	assert_int_equal(obs_count(ow->e), 0);
	ofx_step(ow, 60000);
	assert_int_equal(ow->nended, 1);
	assert_int_equal(ow->nsent, 0);
}

/* ---- access control: 4.01 ------------------------------------------- */

static void test_read_right_lost_ends_with_unauthorized(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), path_object(3303), 0);
	make_gone(inst, -EACCES);
	/* The object-level observation is above the instance: not checked
	 * (its read filters instances one by one). */
	assert_int_equal(obs_recheck_within(ow->e, &inst), 1);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 1);
	assert_ended(ow, 0, T1, sizeof(T1), -EACCES);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(obs_cancel(ow->e, T2, sizeof(T2)), 0);
}

/* ---- flow control, offline, composite ------------------------------- */

static void test_end_waits_for_con_in_flight(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_reconfigure(ow, wrapper_con);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_true(ow->sent[0].con);
	make_gone(inst, -ENOENT);
	obs_recheck_within(ow->e, &inst);
	ofx_settle(ow);
	/* Decided now, sent once the CON is acknowledged. */
	assert_int_equal(ow->nended, 0);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), 0);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 1);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(ow->nsent, 1);
}

static void test_reset_while_in_flight_sends_no_end(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_reconfigure(ow, wrapper_con);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	make_gone(inst, -ENOENT);
	obs_recheck_within(ow->e, &inst);
	ofx_settle(ow);
	/* The server reset it first: it already forgot the observation. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, -ECONNRESET), 0);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 0);
	assert_int_equal(obs_count(ow->e), 0);
}

static void test_end_waits_until_reachable(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ofx_add(ow, T2, sizeof(T2), path_resource(3304, 0, 5700), 0);
	obs_set_reachable(ow->e, false);
	/* A stored notification of another observation goes first. */
	ofx_change(ow, path_resource(3304, 0, 5700), 2);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	make_gone(inst, -ENOENT);
	obs_recheck_within(ow->e, &inst);
	ofx_step(ow, 60000);
	assert_int_equal(ow->nended, 0);
	assert_int_equal(ow->wakeups, 1);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1); /* the backlog, CON */
	assert_int_equal(ow->nended, 0);
	assert_int_equal(obs_sent(ow->e, T2, sizeof(T2), ow->sent[0].seq, 0),
			 0);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 1);
	assert_ended(ow, 0, T1, sizeof(T1), -ENOENT);
	assert_int_equal(obs_count(ow->e), 1);
}

static void test_gone_while_offline_storing_ends_later(void **state)
{
	struct owner *ow = *state;

	/* The due notification is built for the store and finds the
	 * target gone: nothing stored, the end goes once reachable. */
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	make_gone(TEMP, -ENOENT);
	ofx_change(ow, TEMP, 3);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(ofx_stats(ow).failed, 0);
	assert_int_equal(ow->nended, 0);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 1);
	assert_int_equal(obs_count(ow->e), 0);
}

static void test_composite_is_not_ended(void **state)
{
	struct owner *ow = *state;
	const struct path paths[] = {TEMP, {{3304}, 1}};
	struct path inst = path_instance(3303, 0);

	assert_int_equal(
		obs_add_composite(ow->e, T1, sizeof(T1), paths, 2, 110, NULL),
		0);
	make_gone(inst, -ENOENT);
	assert_int_equal(obs_recheck_within(ow->e, &inst), 0);
	assert_int_equal(obs_recheck_within(ow->e, &(struct path){0}), 0);
	/* The deletion is a change: the composite notifies what is left. */
	obs_value_changed(ow->e, &inst);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 0);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(obs_count(ow->e), 1);
}

static void test_without_end_callback_just_ends(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_reconfigure(ow, wrapper_no_end);
	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	make_gone(inst, -EACCES);
	obs_recheck_within(ow->e, &inst);
	ofx_settle(ow);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(ow->nended, 0);
	assert_int_equal(ofx_stats(ow).ended, 0);
}

static void test_end_failure_still_forgets(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	ow->end_rc = -ENOTCONN;
	make_gone(TEMP, -ENOENT);
	obs_recheck_within(ow->e, &(struct path){{3303}, 1});
	ofx_settle(ow);
	assert_int_equal(ow->nended, 1);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(ofx_stats(ow).failed, 1);
	assert_int_equal(ofx_stats(ow).ended, 0);
}

static void test_same_token_observes_anew(void **state)
{
	struct owner *ow = *state;
	struct path inst = path_instance(3303, 0);

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	make_gone(inst, -ENOENT);
	obs_recheck_within(ow->e, &inst);
	/* Replaced before the check ran, on a path that exists. */
	ofx_add(ow, T1, sizeof(T1), path_resource(3304, 0, 5700), 1);
	ofx_settle(ow);
	assert_int_equal(ow->nended, 0);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(obs_recheck_within(NULL, &inst), 0);
	assert_int_equal(obs_recheck_within(ow->e, NULL), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, end_setup, ofx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_deleted_instance_ends_with_not_found),
		T(test_recheck_of_existing_target_sends_nothing),
		T(test_due_notification_of_gone_target_ends),
		T(test_pmax_of_gone_target_ends),
		T(test_read_right_lost_ends_with_unauthorized),
		T(test_end_waits_for_con_in_flight),
		T(test_reset_while_in_flight_sends_no_end),
		T(test_end_waits_until_reachable),
		T(test_gone_while_offline_storing_ends_later),
		T(test_composite_is_not_ended),
		T(test_without_end_callback_just_ends),
		T(test_end_failure_still_forgets),
		T(test_same_token_observes_anew),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

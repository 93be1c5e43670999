/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Observe-Composite in the observe engine (obs_add_composite): one
 * observation over several paths, matched per path, notified once for
 * all, with the smallest pmin and pmax of its paths; single-path
 * observations beside it are untouched.  On the fake clock and mock owner
 * of observe_fixture.h (its payload names info->path: "/" for a
 * composite).
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

/* What build() saw last: the composite's paths. */
static size_t seen_paths;
static struct path seen_first;

static int wrap_build(void *ctx, const struct obs_info *info, uint8_t *buf,
		      size_t cap, size_t *len, uint16_t *cf)
{
	seen_paths = info->n_paths;
	if (info->n_paths)
		seen_first = info->paths[0];
	return ofx_mock_cb.build(ctx, info, buf, cap, len, cf);
}

static struct obs_callbacks wrap_cb;

static void use_wrapper(struct obs_config *c)
{
	wrap_cb = ofx_mock_cb;
	wrap_cb.build = wrap_build;
	c->cb = &wrap_cb;
}

static const struct path two[] = {
	{{3303, 0, 5700}, 3},
	{{3304}, 1},
};

static void add_two_seq(struct owner *ow, const uint8_t *tok, size_t tl,
			uint32_t want)
{
	uint32_t seq = 99;

	assert_int_equal(obs_add_composite(ow->e, tok, tl, two, 2, 110, &seq),
			 0);
	assert_int_equal(seq, want);
}

static void add_two(struct owner *ow, const uint8_t *tok, size_t tl)
{
	add_two_seq(ow, tok, tl, 0);
}

static void test_ets_304_any_path_notifies_all(void **state)
{
	struct owner *ow = *state;

	ofx_reconfigure(ow, use_wrapper);
	ow->num = 20;
	add_two(ow, T1, sizeof(T1));
	assert_int_equal(obs_count(ow->e), 1);
	ofx_change(ow, TEMP, 21);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/=21", 1, false);
	assert_int_equal(ow->sent[0].cf, 110);
	assert_int_equal(seen_paths, 2);
	assert_true(path_equal(&seen_first, &two[0]));
	/* below the object path, and the object itself */
	ofx_change(ow, path_resource(3304, 3, 5700), 22);
	ofx_settle(ow);
	ofx_change(ow, path_object(3304), 23);
	ofx_settle(ow);
	/* a change of the whole instance above the resource path */
	ofx_change(ow, path_instance(3303, 0), 24);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 4);
	ofx_assert_sent(ow, 3, "/=24", 4, false);
	/* unrelated paths do not match */
	ofx_change(ow, path_resource(3303, 0, 5701), 1);
	ofx_change(ow, path_resource(3303, 1, 5700), 1);
	ofx_change(ow, path_object(3305), 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 4);
	/* two changes under different paths in one turn: one notification */
	ofx_change(ow, TEMP, 30);
	ofx_change(ow, path_resource(3304, 0, 5700), 31);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 5);
	assert_int_equal(ofx_stats(ow).coalesced, 1);
}

static void test_beside_single_observations(void **state)
{
	struct owner *ow = *state;

	ofx_add(ow, T2, sizeof(T2), TEMP, 0);
	add_two(ow, T1, sizeof(T1));
	ofx_add(ow, T3, sizeof(T3), path_object(3303), 0);
	assert_int_equal(obs_count(ow->e), 3);
	ofx_change(ow, TEMP, 5);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 3);
	/* a change reported at the root reaches every observation once */
	ofx_change(ow, path_root(), 6);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 6);
	assert_int_equal(ofx_stats(ow).coalesced, 0);
	/* deleting /3303/0 ends the single ones below it, not the composite */
	assert_int_equal(obs_cancel_within(ow->e, &(struct path){{3303, 0}, 2}),
			 1);
	assert_int_equal(obs_count(ow->e), 2);
	ofx_change(ow, path_resource(3304, 0, 1), 7);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 7);
	ofx_assert_sent(ow, 6, "/=7", 3, false);
}

static void test_ets_305_cancel(void **state)
{
	struct owner *ow = *state;

	add_two(ow, T1, sizeof(T1));
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), 0);
	assert_int_equal(obs_count(ow->e), 0);
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), -ENOENT);
}

/* The same token again replaces the observation, single or composite. */
static void test_same_token_replaces(void **state)
{
	struct owner *ow = *state;
	struct path one = path_object(3305);

	ofx_add(ow, T1, sizeof(T1), TEMP, 0);
	add_two_seq(ow, T1, sizeof(T1), 1); /* numbering carries over */
	assert_int_equal(obs_count(ow->e), 1);
	ofx_change(ow, path_object(3304), 2);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/=2", 2, false);
	assert_int_equal(
		obs_add_composite(ow->e, T1, sizeof(T1), &one, 1, -1, NULL), 0);
	ofx_change(ow, path_object(3304), 3);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_add(ow, T1, sizeof(T1), path_object(3304), 3);
	ofx_change(ow, path_object(3304), 3);
	ofx_settle(ow);
	ofx_assert_sent(ow, 1, "/3304=3", 4, false);
}

static void test_add_invalid(void **state)
{
	struct owner *ow = *state;
	struct path bad[] = {{{3303}, 1}, {{0}, 0}};
	struct path many[OBS_COMPOSITE_MAX + 1];

	for (size_t i = 0; i < OBS_COMPOSITE_MAX + 1; i++)
		many[i] = path_object((uint16_t)(i + 1));
	assert_int_equal(obs_add_composite(ow->e, T1, 4, bad, 2, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add_composite(ow->e, T1, 4, bad, 0, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add_composite(ow->e, T1, 4, NULL, 1, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add_composite(ow->e, T1, 9, bad, 1, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add_composite(ow->e, T1, 4, many,
					   OBS_COMPOSITE_MAX + 1, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add_composite(ow->e, T1, 4, many,
					   OBS_COMPOSITE_MAX, -1, NULL),
			 0);
	assert_int_equal(obs_count(ow->e), 1);
}

/* pmin: the smallest of the paths'; pmax: the smallest of the paths'. */
static void test_attributes(void **state)
{
	struct owner *ow = *state;
	struct attr_set a;

	ofx_wattr(ow, TEMP, "pmin=10", true);
	ofx_wattr(ow, path_object(3304), "pmin=4", false);
	ofx_wattr(ow, path_object(3304), "pmax=30", false);
	ofx_wattr(ow, TEMP, "pmax=20", true);
	ofx_wattr(ow, TEMP, "gt=50", true);
	add_two(ow, T1, sizeof(T1));
	assert_int_equal(obs_get_attrs(ow->e, T1, sizeof(T1), &a), 0);
	assert_int_equal(a.pmin, 4);
	assert_int_equal(a.pmax, 20);
	assert_false(a.has & (ATTR_GT | ATTR_LT | ATTR_ST));
	/* gt is not applied: a change below 50 notifies, after pmin 4 s */
	ofx_change(ow, TEMP, 1);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 0);
	ofx_step(ow, 4000);
	assert_int_equal(ow->nsent, 1);
	/* pmax 20 s after it, without a change */
	ofx_step(ow, 19000);
	assert_int_equal(ow->nsent, 1);
	ofx_step(ow, 1000);
	assert_int_equal(ow->nsent, 2);
	/* new attributes are taken up */
	ofx_wattr(ow, TEMP, "pmax=100", true);
	assert_int_equal(obs_get_attrs(ow->e, T1, sizeof(T1), &a), 0);
	assert_int_equal(a.pmax, 30);
}

/* Offline: stored like any notification, sent with its token later. */
static void test_stored_offline(void **state)
{
	struct owner *ow = *state;

	add_two(ow, T1, sizeof(T1));
	obs_set_reachable(ow->e, false);
	ofx_change(ow, TEMP, 8);
	ofx_settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	/* the observation ends; its stored notification still goes out */
	obs_registration_reset(ow->e);
	assert_int_equal(obs_count(ow->e), 0);
	obs_set_reachable(ow->e, true);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	ofx_assert_sent(ow, 0, "/=8", 1, true);
	assert_memory_equal(ow->sent[0].token, T1, sizeof(T1));
}

/* 308/309: an instance created or deleted under an observed object path.
 * The engine notifies when the owner reports the instance's path (what
 * reaches it is the owner's business: see servers.c); a deletion keeps
 * the composite observation, whose next notification lacks the
 * instance. */
static void test_ets_308_309_instances(void **state)
{
	struct owner *ow = *state;

	add_two(ow, T1, sizeof(T1));
	ofx_change(ow, path_instance(3304, 7), 1); /* created */
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(obs_cancel_within(ow->e, &(struct path){{3304, 7}, 2}),
			 0); /* deleted */
	ofx_change(ow, path_instance(3304, 7), 2);
	ofx_settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(obs_count(ow->e), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_ets_304_any_path_notifies_all, ofx_setup,
			ofx_teardown),
		cmocka_unit_test_setup_teardown(test_beside_single_observations,
						ofx_setup, ofx_teardown),
		cmocka_unit_test_setup_teardown(test_ets_305_cancel, ofx_setup,
						ofx_teardown),
		cmocka_unit_test_setup_teardown(test_same_token_replaces,
						ofx_setup, ofx_teardown),
		cmocka_unit_test_setup_teardown(test_add_invalid, ofx_setup,
						ofx_teardown),
		cmocka_unit_test_setup_teardown(test_attributes, ofx_setup,
						ofx_teardown),
		cmocka_unit_test_setup_teardown(test_stored_offline, ofx_setup,
						ofx_teardown),
		cmocka_unit_test_setup_teardown(test_ets_308_309_instances,
						ofx_setup, ofx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

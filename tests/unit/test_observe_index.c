/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe engine's path index (bridge/observe_index.h): its packed
 * keys must order, match and bound exactly as path_compare(),
 * path_is_within() and path_equal() do, prefixes and zero ids included.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "observe_index.h"

enum { N = 600 };

static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Few distinct ids, so prefixes, equal paths and zero ids are common. */
static struct path random_path(void)
{
	static const uint16_t ids[] = {0, 1, 2, 65534};
	struct path p = path_root();

	p.len = (uint8_t)(next() % (PATH_MAX_DEPTH + 1));
	for (uint8_t i = 0; i < p.len; i++)
		p.ids[i] = ids[next() % 4];
	return p;
}

static void test_matches_path_functions(void **state)
{
	static struct path paths[N];
	static struct obs *tag[N];
	struct obs_index x = {0};

	(void)state;
	for (size_t i = 0; i < N; i++) {
		paths[i] = random_path();
		/* the entries are only compared as pointers */
		tag[i] = (struct obs *)&paths[i];
		assert_int_equal(oix_insert(&x, tag[i], &paths[i]), 0);
	}
	assert_int_equal(x.n, N);
	for (size_t i = 0; i + 1 < x.n; i++) {
		const struct path *a = (const struct path *)x.v[i];
		const struct path *b = (const struct path *)x.v[i + 1];

		assert_true(path_compare(a, b) <= 0);
	}
	for (int round = 0; round < 2000; round++) {
		struct path q = random_path();
		size_t lb = oix_lower_bound(&x, &q), want = 0;

		for (size_t i = 0; i < x.n; i++)
			if (path_compare((const struct path *)x.v[i], &q) < 0)
				want++;
		assert_int_equal(lb, want);
		for (size_t i = 0; i < x.n; i++) {
			const struct path *a = (const struct path *)x.v[i];

			assert_int_equal(oix_within(&x, i, &q),
					 path_is_within(a, &q));
			assert_int_equal(oix_equal(&x, i, &q),
					 path_equal(a, &q));
			assert_int_equal(oix_is_root(&x, i), a->len == 0);
		}
	}
	/* removal keeps both arrays and the depth counts in step */
	while (x.n) {
		size_t i = next() % x.n;
		const struct path *gone = (const struct path *)x.v[i];
		size_t depth = x.n_depth[gone->len];

		oix_remove_at(&x, i);
		assert_int_equal(x.n_depth[gone->len], depth - 1);
		for (size_t j = 0; j < x.n; j++)
			assert_true(
				oix_equal(&x, j, (const struct path *)x.v[j]));
	}
	oix_release(&x);
	assert_null(x.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_path_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "attrs.h"

#define MAXOPT 8

/* Splits "pmin=10&gt=20.5&st" into Uri-Query options and writes them. */
static int wr(struct attrs *a, struct path p, const char *q, bool numeric)
{
	const char *opts[MAXOPT];
	size_t len[MAXOPT], n = 0;
	const char *s = q;

	while (*s && n < MAXOPT) {
		const char *amp = strchr(s, '&');
		size_t l = amp ? (size_t)(amp - s) : strlen(s);

		opts[n] = s;
		len[n++] = l;
		s += l + (amp ? 1 : 0);
	}
	return attrs_write(a, &p, opts, len, n, numeric);
}

static int setup(void **state)
{
	*state = attrs_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	attrs_free(*state);
	return 0;
}

static void test_parse_values(void **state)
{
	struct attrs *a = *state;
	struct path r = path_resource(3303, 0, 5700);
	struct attr_set s;

	assert_int_equal(
		wr(a, r, "pmin=10&pmax=60&gt=20.5&lt=-3e1&st=0.25", true), 0);
	assert_int_equal(attrs_get(a, &r, &s), 5);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX | ATTR_CHANGE_VALUE);
	assert_int_equal(s.pmin, 10);
	assert_int_equal(s.pmax, 60);
	assert_true(s.gt == 20.5);
	assert_true(s.lt == -30.0);
	assert_true(s.st == 0.25);
	/* 1.1 evaluation periods. */
	assert_int_equal(wr(a, r, "epmin=1&epmax=5", true), 0);
	assert_int_equal(attrs_get(a, &r, &s), 7);
	assert_int_equal(s.epmin, 1);
	assert_int_equal(s.epmax, 5);
	assert_int_equal(attrs_count(a), 1);
	/* Largest whole seconds accepted. */
	assert_int_equal(wr(a, r, "pmax=2147483647", true), 0);
}

static void test_parse_invalid(void **state)
{
	struct attrs *a = *state;
	struct path r = path_resource(3303, 0, 5700);
	static const char *const bad[] = {
		"pmin=",
		"pmin=-1",
		"pmin=1.5",
		"pmin=2147483648",
		"pmin=99999999999",
		"pmin=x",
		"pmin= 1",
		"gt=",
		"gt=abc",
		"gt=1e",
		"gt=.5",
		"gt=5.",
		"gt=nan",
		"gt=inf",
		"gt=0x10",
		"gt=1e999",
		"st=-1",
		"foo=1",
		"dim=2",
		"ver=1.1",
		"pmin=1&pmin=2",
		"pmin=1&pmin",
		"PMIN=1",
		"=1",
		"",
		"gt=1-2",
		"epmin=a",
		"gt=123456789012345678901234567890123456789012345678901234"
		"5678901234567890",
	};
	struct attr_set s;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = wr(a, r, bad[i], true);

		if (rc != -EINVAL)
			fail_msg("\"%s\" gave %d", bad[i], rc);
	}
	assert_int_equal(attrs_count(a), 0);
	assert_int_equal(attrs_get(a, &r, &s), 0);
	assert_int_equal(s.has, 0);
}

static void test_validate_rules(void **state)
{
	struct attrs *a = *state;
	struct path r = path_resource(3303, 0, 5700);
	struct attr_set s;

	assert_int_equal(wr(a, r, "pmin=10&pmax=5", true), -EINVAL);
	assert_int_equal(wr(a, r, "pmin=5&pmax=5", true), 0);
	assert_int_equal(wr(a, r, "epmin=10&epmax=5", true), -EINVAL);
	assert_int_equal(wr(a, r, "lt=20&gt=20", true), -EINVAL);
	assert_int_equal(wr(a, r, "lt=10&gt=20&st=5", true), -EINVAL);
	assert_int_equal(wr(a, r, "lt=10&gt=20&st=4.9", true), 0);
	/* The rules hold against what the path already has. */
	assert_int_equal(wr(a, r, "pmax=4", true), -EINVAL);
	assert_int_equal(wr(a, r, "gt=15", true), -EINVAL); /* 10+9.8 >= 15 */
	assert_int_equal(wr(a, r, "lt=30", true), -EINVAL);
	/* All or nothing: the valid pmin=1 is not kept either. */
	assert_int_equal(wr(a, r, "pmin=1&gt=5", true), -EINVAL);
	attrs_get(a, &r, &s);
	assert_int_equal(s.pmin, 5);
	assert_true(s.gt == 20);
	/* Removing st makes a lower gt valid (lt < gt suffices). */
	assert_int_equal(wr(a, r, "st&gt=15", true), 0);
	attrs_get(a, &r, &s);
	assert_false(s.has & ATTR_ST);
	assert_true(s.gt == 15);
}

static void test_levels(void **state)
{
	struct attrs *a = *state;
	struct path o = path_object(3303), i = path_instance(3303, 0);
	struct path r = path_resource(3303, 0, 5700);
	struct path ri = path_resource_instance(3303, 0, 5700, 1);
	struct path root = path_root();

	/* gt/lt/st: numeric resources and resource instances only. */
	assert_int_equal(wr(a, o, "gt=1", true), -EINVAL);
	assert_int_equal(wr(a, i, "lt=1", true), -EINVAL);
	assert_int_equal(wr(a, i, "st=1", true), -EINVAL);
	assert_int_equal(wr(a, r, "gt=1", false), -EINVAL);
	assert_int_equal(wr(a, r, "st=1", true), 0);
	assert_int_equal(wr(a, ri, "lt=1", true), 0);
	/* Periods at every level; never on the root. */
	assert_int_equal(wr(a, o, "pmin=1", false), 0);
	assert_int_equal(wr(a, i, "pmax=9", false), 0);
	assert_int_equal(wr(a, r, "pmin=2", false), 0);
	assert_int_equal(wr(a, root, "pmin=1", false), -EINVAL);
	assert_int_equal(attrs_count(a), 4);
	/* Removal on a non-numeric path is fine for pmin. */
	assert_int_equal(wr(a, o, "pmin", false), 0);
	assert_int_equal(attrs_count(a), 3);
	/* Removing what is not there changes nothing and is no error. */
	assert_int_equal(wr(a, path_object(1), "pmin&pmax", false), 0);
	assert_int_equal(attrs_count(a), 3);
	/* Bad arguments. */
	assert_int_equal(attrs_write(a, &r, NULL, NULL, 1, true), -EINVAL);
	assert_int_equal(attrs_write(NULL, &r, NULL, NULL, 1, true), -EINVAL);
}

static void test_inherit(void **state)
{
	struct attrs *a = *state;
	struct path o = path_object(3303), i0 = path_instance(3303, 0);
	struct path r = path_resource(3303, 0, 5700);
	struct path ri = path_resource_instance(3303, 0, 5700, 3);
	struct path other = path_resource(3303, 1, 5700);
	struct attr_set d = {.has = ATTR_PMIN | ATTR_PMAX | ATTR_GT,
			     .pmin = 3,
			     .pmax = 300,
			     .gt = 1};
	struct attr_set s;

	/* Nothing anywhere: pmin 0, no pmax. */
	attrs_resolve(a, &r, NULL, &s);
	assert_int_equal(s.has, ATTR_PMIN);
	assert_int_equal(s.pmin, 0);
	attrs_resolve(NULL, &r, NULL, &s);
	assert_int_equal(s.has, ATTR_PMIN);
	/* Server defaults: only pmin and pmax are taken from them. */
	attrs_resolve(a, &r, &d, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX);
	assert_int_equal(s.pmin, 3);
	assert_int_equal(s.pmax, 300);

	assert_int_equal(wr(a, o, "pmin=10&pmax=100", false), 0);
	assert_int_equal(wr(a, i0, "pmin=20", false), 0);
	assert_int_equal(wr(a, r, "pmax=50&gt=30", true), 0);
	assert_int_equal(wr(a, ri, "gt=40&st=1", true), 0);

	attrs_resolve(a, &o, &d, &s);
	assert_int_equal(s.pmin, 10);
	assert_int_equal(s.pmax, 100);
	attrs_resolve(a, &i0, &d, &s);
	assert_int_equal(s.pmin, 20);
	assert_int_equal(s.pmax, 100);
	attrs_resolve(a, &r, &d, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX | ATTR_GT);
	assert_int_equal(s.pmin, 20);
	assert_int_equal(s.pmax, 50);
	assert_true(s.gt == 30);
	attrs_resolve(a, &ri, &d, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX | ATTR_GT | ATTR_ST);
	assert_true(s.gt == 40);
	assert_true(s.st == 1);
	/* A sibling instance inherits from the object only. */
	attrs_resolve(a, &other, &d, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX);
	assert_int_equal(s.pmin, 10);

	/* pmax below the inherited pmin is ignored (1.1 rule). */
	assert_int_equal(wr(a, r, "pmax=15", true), 0);
	attrs_resolve(a, &r, &d, &s);
	assert_int_equal(s.pmin, 20);
	assert_false(s.has & ATTR_PMAX);
	/* Same for epmax below epmin across levels. */
	assert_int_equal(wr(a, o, "epmin=10", false), 0);
	assert_int_equal(wr(a, r, "epmax=5", true), 0);
	attrs_resolve(a, &r, &d, &s);
	assert_true(s.has & ATTR_EPMIN);
	assert_false(s.has & ATTR_EPMAX);

	/* Removal at the instance: the object's pmin shows through. */
	assert_int_equal(wr(a, i0, "pmin", false), 0);
	attrs_resolve(a, &r, &d, &s);
	assert_int_equal(s.pmin, 10);
	assert_int_equal(s.pmax, 15);
	/* Clearing a subtree. */
	assert_int_equal(attrs_clear(a, &i0), 2);
	attrs_resolve(a, &ri, &d, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX | ATTR_EPMIN);
	assert_int_equal(s.pmax, 100);
	assert_int_equal(attrs_clear(a, &(struct path){.len = 0}), 1);
	assert_int_equal(attrs_count(a), 0);
	assert_int_equal(attrs_clear(NULL, &o), 0);
	/* A store that never held anything (no array yet) clears nothing. */
	{
		struct attrs *fresh = attrs_new();

		assert_non_null(fresh);
		assert_int_equal(attrs_clear(fresh, &i0), 0);
		attrs_free(fresh);
	}
}

static void test_check_only(void **state)
{
	struct attrs *a = *state;
	struct path r = path_resource(1, 0, 1);
	const char *opts[] = {"pmin=45", "pmax"};
	size_t len[] = {6, 4};
	struct attr_set s;

	assert_int_equal(attrs_check(a, &r, opts, len, 2, false, &s), 0);
	assert_int_equal(s.has, ATTR_PMIN);
	assert_int_equal(attrs_count(a), 0);
	assert_int_equal(attrs_check(a, &r, opts, len, 0, false, &s), -EINVAL);
	/* Counted strings: the "5" past len is not read. */
	assert_int_equal(s.pmin, 4);
	len[0] = 5; /* "pmin=": an empty value */
	assert_int_equal(attrs_check(a, &r, opts, len, 1, false, &s), -EINVAL);
	len[0] = 4; /* "pmin" alone: removal */
	assert_int_equal(attrs_check(a, &r, opts, len, 1, false, &s), 0);
	assert_int_equal(s.has, 0);
}

static void test_format(void **state)
{
	struct attrs *a = *state;
	struct path r = path_resource(3303, 0, 5700);
	char buf[ATTRS_FORMAT_MAX];
	struct attr_set s;

	assert_int_equal(
		wr(a, r, "st=0.1&gt=20.5&pmax=60&lt=-5&pmin=10&epmax=9&epmin=2",
		   true),
		0);
	attrs_get(a, &r, &s);
	assert_int_equal(attrs_format(&s, buf, sizeof(buf)), 53);
	assert_string_equal(
		buf, ";pmin=10;pmax=60;gt=20.5;lt=-5;st=0.1;epmin=2;epmax=9");
	assert_int_equal(attrs_format(&s, buf, 10), -ENOBUFS);
	assert_string_equal(buf, "");
	assert_int_equal(attrs_format(&s, buf, 0), -ENOBUFS);
	s.has = 0;
	assert_int_equal(attrs_format(&s, buf, 1), 0);
	assert_string_equal(buf, "");
}

/* ATTRS_WRITTEN (Discover): the levels' own attributes, deepest first,
 * with nothing added (no defaults, no pmin 0) and nothing dropped. */
static void test_resolve_written(void **state)
{
	struct attrs *a = *state;
	struct path o = path_object(3303), i0 = path_instance(3303, 0);
	struct path r = path_resource(3303, 0, 5700);
	struct attr_set d = {
		.has = ATTR_PMIN | ATTR_PMAX, .pmin = 3, .pmax = 300};
	struct attr_set s;

	attrs_resolve_mode(a, &r, &d, ATTRS_WRITTEN, &s);
	assert_int_equal(s.has, 0);
	attrs_resolve_mode(NULL, &r, NULL, ATTRS_WRITTEN, &s);
	assert_int_equal(s.has, 0);

	assert_int_equal(wr(a, o, "pmin=10", false), 0);
	assert_int_equal(wr(a, i0, "pmax=60&pmin=20", false), 0);
	assert_int_equal(wr(a, r, "gt=30&pmax=15", true), 0);
	attrs_resolve_mode(a, &o, &d, ATTRS_WRITTEN, &s);
	assert_int_equal(s.has, ATTR_PMIN);
	assert_int_equal(s.pmin, 10);
	attrs_resolve_mode(a, &i0, &d, ATTRS_WRITTEN, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX);
	assert_int_equal(s.pmin, 20);
	assert_int_equal(s.pmax, 60);
	/* The resource's pmax 15 is below the instance's pmin 20: shown as
	 * written here, ignored by the effective view. */
	attrs_resolve_mode(a, &r, &d, ATTRS_WRITTEN, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX | ATTR_GT);
	assert_int_equal(s.pmin, 20);
	assert_int_equal(s.pmax, 15);
	assert_true(s.gt == 30);
	attrs_resolve_mode(a, &r, &d, ATTRS_EFFECTIVE, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_GT);
	/* A sibling instance: only the object's pmin, no default pmax. */
	r = path_resource(3303, 1, 5700);
	attrs_resolve_mode(a, &r, &d, ATTRS_WRITTEN, &s);
	assert_int_equal(s.has, ATTR_PMIN);
	assert_int_equal(s.pmin, 10);
	attrs_resolve(a, &r, &d, &s);
	assert_int_equal(s.has, ATTR_PMIN | ATTR_PMAX);
	assert_int_equal(s.pmax, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_values, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_parse_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_validate_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inherit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_written, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_check_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

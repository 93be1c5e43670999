/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "path.h"
#include "record.h"

static void parse_ok(const char *s, uint8_t len, const uint16_t *ids)
{
	struct path p;

	assert_int_equal(path_parse(s, strlen(s), &p), 0);
	assert_int_equal(p.len, len);
	for (uint8_t i = 0; i < len; i++)
		assert_int_equal(p.ids[i], ids[i]);
}

static void test_parse_valid(void **state)
{
	(void)state;
	parse_ok("", 0, NULL);
	parse_ok("/", 0, NULL);
	parse_ok("/3", 1, (const uint16_t[]){ 3 });
	parse_ok("3/0", 2, (const uint16_t[]){ 3, 0 });
	parse_ok("/3/0/", 2, (const uint16_t[]){ 3, 0 });
	parse_ok("/3/0/7/1", 4, (const uint16_t[]){ 3, 0, 7, 1 });
	parse_ok("/65534/0", 2, (const uint16_t[]){ 65534, 0 });
}

static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"//",	    "/3//0",   "/3/0/1/2/3", "/65535",	"/99999999999",
		"/3/a",	    "/-1",     "/3/0//",     "/03",	"/3/ 0",
		"3/0\n",
	};
	struct path p = path_object(9);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(path_parse(bad[i], strlen(bad[i]), &p),
				 -EINVAL);
		assert_int_equal(p.len, 1); /* untouched on error */
	}
}

static void test_parse_respects_length(void **state)
{
	struct path p;

	(void)state;
	/* Only the first 4 bytes count: "/3/0" of "/3/0/1". */
	assert_int_equal(path_parse("/3/0/1", 4, &p), 0);
	assert_int_equal(p.len, 2);
}

static void test_format(void **state)
{
	char buf[PATH_STR_MAX];
	struct path p = path_resource_instance(65534, 65534, 65534, 65534);

	(void)state;
	assert_int_equal(path_format(&p, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "/65534/65534/65534/65534");
	p = path_root();
	assert_int_equal(path_format(&p, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/");
	p = path_resource(3, 0, 1);
	assert_int_equal(path_format(&p, buf, 6), -ENOBUFS);
	assert_string_equal(buf, "");
	assert_int_equal(path_format(&p, buf, 7), 6);
	assert_string_equal(buf, "/3/0/1");
}

static void test_order_and_prefix(void **state)
{
	struct path obj = path_object(3), inst = path_instance(3, 0),
		    res = path_resource(3, 0, 1), other = path_instance(4, 0);

	(void)state;
	assert_true(path_compare(&obj, &inst) < 0);
	assert_true(path_compare(&res, &other) < 0);
	assert_true(path_compare(&other, &obj) > 0);
	assert_true(path_equal(&res, &res));
	assert_true(path_is_within(&res, &obj));
	assert_false(path_is_within(&obj, &res));
	assert_false(path_is_within(&other, &obj));
	assert_int_equal(path_push(&res, 2), 0);
	assert_int_equal(path_push(&res, 2), -EINVAL);
	assert_int_equal(path_push(&obj, LWB_ID_INVALID), -EINVAL);
}

static void test_format_double(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(codec_format_double(22, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "22");
	assert_int_equal(codec_format_double(-0.5, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "-0.5");
	codec_format_double(0.1, buf, sizeof(buf));
	assert_string_equal(buf, "0.1");
	codec_format_double(1.0 / 3.0, buf, sizeof(buf));
	assert_string_equal(buf, "0.3333333333333333");
	assert_int_equal(codec_format_double(123.5, buf, 5), -ENOBUFS);
	assert_int_equal(codec_format_double(0.0 / 0.0, buf, sizeof(buf)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_respects_length),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_order_and_prefix),
		cmocka_unit_test(test_format_double),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

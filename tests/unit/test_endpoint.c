/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "endpoint.h"

#define GOOD TOP_SRCDIR "/tests/data/root/good"
#define BAD  TOP_SRCDIR "/tests/data/root/bad"

static void expand_ok(const char *tmpl, const char *root, const char *want)
{
	char out[ENDPOINT_MAX + 1], err[256];
	int n = endpoint_expand(tmpl, root, out, sizeof(out), err, sizeof(err));

	if (n < 0)
		fail_msg("%s: %d %s", tmpl, n, err);
	assert_string_equal(out, want);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(err, "");
}

static void expand_err(const char *tmpl, const char *root, int code,
		       const char *in_msg)
{
	char out[ENDPOINT_MAX + 1], err[256];

	memcpy(out, "junk", 5);
	assert_int_equal(
		endpoint_expand(tmpl, root, out, sizeof(out), err, sizeof(err)),
		code);
	assert_string_equal(out, "");
	if (!strstr(err, in_msg))
		fail_msg("\"%s\" lacks \"%s\"", err, in_msg);
}

static void test_literal(void **state)
{
	(void)state;
	expand_ok("gateway-7", GOOD, "gateway-7");
	expand_ok("urn:dev:ops:x", NULL, "urn:dev:ops:x");
}

static void test_placeholders(void **state)
{
	(void)state;
	expand_ok("{hostname}", GOOD, "gw-kitchen");
	expand_ok("{machine-id}", GOOD, "3f1c0a9e8d7b4c2a9f6e5d4c3b2a1908");
	expand_ok("{mac:eth0}", GOOD, "0242ac110002");
	/* Upper-case hex from the kernel is lowered. */
	expand_ok("{mac:wlan0}", GOOD, "dca6320b1e7f");
	expand_ok("urn:dev:mac:{mac:eth0}-{hostname}", GOOD,
		  "urn:dev:mac:0242ac110002-gw-kitchen");
	expand_ok("{hostname}{hostname}", GOOD, "gw-kitchengw-kitchen");
}

static void test_real_hostname(void **state)
{
	char host[256], out[ENDPOINT_MAX + 1];
	int n;

	(void)state;
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';
	n = endpoint_expand("{hostname}", "", out, sizeof(out), NULL, 0);
	assert_int_equal(n, (int)strlen(host));
	assert_string_equal(out, host);
}

static void test_unknown_interface(void **state)
{
	(void)state;
	expand_err("{mac:eth9}", GOOD, -ENODEV,
		   "no network interface named 'eth9'");
	/* The interface exists but has no address file. */
	expand_err("{mac:noaddr}", GOOD, -ENODEV, "noaddr");
}

static void test_bad_interface_names(void **state)
{
	(void)state;
	expand_err("{mac:}", GOOD, -EINVAL, "not a network interface name");
	expand_err("{mac:../eth0}", GOOD, -EINVAL, "not a network interface");
	expand_err("{mac:a/b}", GOOD, -EINVAL, "not a network interface");
	expand_err("{mac:abcdefghijklmnop}", GOOD, -EINVAL,
		   "not a network interface");
}

static void test_template_errors(void **state)
{
	(void)state;
	expand_err("{serial}", GOOD, -EINVAL, "unknown placeholder {serial}");
	expand_err("gw-{hostname", GOOD, -EINVAL, "unterminated placeholder");
	expand_err("gw-{host{name}", GOOD, -EINVAL, "unterminated");
	expand_err("", GOOD, -EINVAL, "expands to nothing");
	expand_err("a b", GOOD, -EINVAL, "not allowed");
	expand_err("a&b", GOOD, -EINVAL, "not allowed");
	expand_err("a\tb", GOOD, -EINVAL, "0x09");
}

static void test_file_errors(void **state)
{
	(void)state;
	expand_err("{machine-id}", BAD, -ENODATA, "machine-id");
	expand_err("{hostname}", BAD, -ENODATA, "hostname");
	expand_err("{machine-id}", TOP_SRCDIR "/tests/data/root/none", -ENOENT,
		   "/etc/machine-id");
	/* A non-empty root never falls back to gethostname(). */
	expand_err("{hostname}", TOP_SRCDIR "/tests/data/root/none", -ENOENT,
		   "cannot read");
}

static void test_lengths(void **state)
{
	char big[ENDPOINT_MAX + 2], out[ENDPOINT_MAX + 1], small[8];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(endpoint_expand(big, GOOD, out, sizeof(out), NULL, 0),
			 -ENAMETOOLONG);
	big[ENDPOINT_MAX] = '\0'; /* exactly the longest */
	assert_int_equal(endpoint_expand(big, GOOD, out, sizeof(out), NULL, 0),
			 ENDPOINT_MAX);
	/* The caller's buffer bounds it too. */
	assert_int_equal(endpoint_expand("{hostname}", GOOD, small,
					 sizeof(small), NULL, 0),
			 -ENAMETOOLONG);
	assert_string_equal(small, "");
	assert_int_equal(
		endpoint_expand("abcdefg", GOOD, small, sizeof(small), NULL, 0),
		7);
	/* Bad arguments. */
	assert_int_equal(endpoint_expand(NULL, GOOD, out, sizeof(out), NULL, 0),
			 -EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(endpoint_expand("x", GOOD, NULL, 0, NULL, 0), -EINVAL);
	assert_int_equal(endpoint_expand("x", GOOD, out, 0, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_real_hostname),
		cmocka_unit_test(test_unknown_interface),
		cmocka_unit_test(test_bad_interface_names),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

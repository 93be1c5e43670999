/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading object definitions when libexpat cannot be opened: the schema
 * sources are built into this test with SCHEMA_XML_LIBRARY naming a
 * library that does not exist (mk/schema.am).  Every load fails with
 * -ELIBACC, says which library and why, and leaves the registry alone.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "schema.h"

static char logged[512];
static int errors;

static void sink(enum log_level level, const char *line, void *ctx)
{
	(void)ctx;
	if (level == LOG_LVL_ERR) {
		errors++;
		snprintf(logged, sizeof(logged), "%s", line);
	}
}

static void expect_refused(int rc, const struct schema_error *err)
{
	assert_int_equal(rc, -ELIBACC);
	assert_int_equal(err->code, -ELIBACC);
	assert_non_null(strstr(err->msg,
			       "cannot load the XML parser " SCHEMA_XML_LIBRARY
			       ": "));
	assert_int_equal(errors, 1);
	assert_non_null(strstr(logged, SCHEMA_XML_LIBRARY));
	assert_non_null(strstr(logged, "object definitions"));
	errors = 0;
}

static void test_no_parser(void **state)
{
	struct schema_registry *reg = schema_registry_new();
	struct schema_error err;
	const char *top = getenv("top_srcdir");
	char dir[4096], file[4096];

	(void)state;
	assert_non_null(reg);
	if (!top || !*top)
		top = TOP_SRCDIR;
	snprintf(dir, sizeof(dir), "%s/objects", top);
	snprintf(file, sizeof(file), "%s/objects/3303.xml", top);
	log_set_sink(sink, NULL);
	expect_refused(schema_load_dir(reg, dir, &err), &err);
	expect_refused(schema_load_file(reg, file, &err), &err);
	expect_refused(schema_load_buffer(reg, "<LWM2M/>", 8, "b", &err), &err);
	assert_int_equal(schema_object_count(reg), 0);
	log_set_sink(NULL, NULL);
	schema_registry_free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

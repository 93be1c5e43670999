/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the configuration loader's unit tests share (test_config and
 * test_config_servers): loading a string that must succeed, checking the
 * exact text of a string's or a file's error, and the built-in defaults.
 * Failures are cmocka failures: every check here ends the running test.
 * Not thread-safe (cmocka is not).
 */
#ifndef TESTS_UNIT_CONFIG_FIXTURE_H
#define TESTS_UNIT_CONFIG_FIXTURE_H

#include <stddef.h>

#include "cfg.h"

/* Writes "$top_srcdir/rel" into buf (size bytes); $top_srcdir comes from
 * the environment, else CFG_TEST_SRCDIR (the tree the test was built from).
 * Fails the test if it does not fit. */
void cfgfx_src_path(char *buf, size_t size, const char *rel);

/* Loads text, named "t.conf", and fails the test on any error (showing its
 * text).  Returns the configuration, never NULL; the caller frees it with
 * cfg_free(). */
struct bridge_config *cfgfx_load_ok(const char *text);

/* Loads text, named "t.conf", and fails the test unless the load returns
 * -EINVAL with err.text exactly want and the configuration set to NULL. */
void cfgfx_expect_error(const char *text, const char *want);

/* Loads the file rel (relative to the source tree, see cfgfx_src_path) and
 * fails the test unless it returns -EINVAL with a NULL configuration and
 * every field of the error as given: file (the full path), line, key (""
 * for none), message, and the text they make up. */
void cfgfx_expect_file_error(const char *rel, unsigned line, const char *key,
			     const char *message);

/* Asserts the values every server has unless its entry says otherwise
 * (everything but short_server_id, the URI parts and line). */
void cfgfx_assert_server_defaults(const struct cfg_server *s);

/* Asserts every built-in default except the plugins list. */
void cfgfx_assert_common_defaults(const struct bridge_config *cfg);

/* Asserts what a file that leaves everything out loads to: the defaults
 * and no plugin. */
void cfgfx_assert_defaults(const struct bridge_config *cfg);

#endif /* TESTS_UNIT_CONFIG_FIXTURE_H */

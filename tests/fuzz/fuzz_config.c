/* SPDX-License-Identifier: BSD-3-Clause */
/* Feeds arbitrary text to the configuration loader. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5's parser leaks the text of a string token when that token
 * is the one that causes a syntax error (input: ""), inside libconfig and
 * once per failed start-up.  Only the scanner's allocations are
 * suppressed: none of the loader's own allocations go through it.
 */
const char *__lsan_default_suppressions(void)
{
	/* strbuf_append is the scanner's string buffer; LSan's fast unwinder
	 * often stops there (libconfig has no frame pointers). */
	/* Without a symbolizer (a fresh machine has none) only the module
	 * name is known; our own config_t handling is checked for leaks by
	 * the unit tests under valgrind, which do not use this list. */
	return "leak:libconfig_yylex\nleak:strbuf_append\nleak:libconfig.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* The contract: a configuration, or NULL and a message. */
	if (cfg_load_string(text, "fuzz.conf", &cfg, &err) == 0) {
		if (!cfg)
			abort();
	} else if (cfg || !err.text[0]) {
		abort();
	}
	cfg_free(cfg);
	free(text);
	return 0;
}

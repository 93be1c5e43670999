/* SPDX-License-Identifier: BSD-3-Clause */
/* Feeds arbitrary text to the configuration loader. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __lsan_is_turned_off(void);

/*
 * libconfig 1.5's parser leaks the text of a string token when that token
 * is the one that causes a syntax error (input: ""), once per failed
 * start-up.  Fuzzing feeds it mostly broken files, so LeakSanitizer would
 * report libconfig on nearly every input, and its leak check per input
 * slows the run fifty-fold.  Leak checking is off for this target only:
 * the loader's own allocations are checked for leaks by its unit tests
 * under valgrind (make distcheck); ASan and UBSan stay on here.
 */
int __lsan_is_turned_off(void)
{
	return 1;
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

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Runs a fuzz target over its seed corpus without libFuzzer, so every
 * `make check` (under ASan/UBSan in CI) replays the seeds and any crash
 * input saved into the corpus.  FUZZ_CORPUS is the corpus directory.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	/* An exact-size heap copy lets ASan catch a read one past the end. */
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : FUZZ_CORPUS;
	struct dirent *de;
	DIR *d = opendir(dir);
	int count = 0;

	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	if (!d) {
		fprintf(stderr, "cannot open corpus %s\n", dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (run_file(path) != 0) {
			fprintf(stderr, "cannot read %s\n", path);
			closedir(d);
			return 1;
		}
		count++;
	}
	closedir(d);
	printf("replayed %d inputs from %s\n", count, dir);
	return count > 0 ? 0 : 1;
}

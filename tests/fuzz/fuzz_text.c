/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain text: decode the input as every type; whatever decodes must
 * encode, and the text written must decode to the same value.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t scap = TEXT_OPAQUE_SCRATCH(size) + 1;
	size_t ocap = size / 3 * 4 + 64;
	uint8_t *s1 = malloc(scap);
	uint8_t *s2 = malloc(scap);
	char *text = malloc(ocap);

	if (!s1 || !s2 || !text)
		abort();
	for (int t = LWB_TYPE_NONE; t <= LWB_TYPE_CORELNK; t++) {
		struct lwb_value v1;
		struct lwb_value v2;
		int n;

		if (text_decode((const char *)data, size, (enum lwb_type)t, &v1,
				s1, scap) != 0)
			continue;
		n = text_encode(&v1, text, ocap);
		if (n < 0)
			abort();
		if (text_decode(text, (size_t)n, (enum lwb_type)t, &v2, s2,
				scap) != 0)
			abort();
		if (!lwb_value_equal(&v1, &v2))
			abort();
	}
	free(s1);
	free(s2);
	free(text);
	return 0;
}

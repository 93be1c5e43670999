/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain CBOR (Content-Format 60): decode the input as every type;
 * whatever decodes must encode, and the bytes written must decode to the
 * same value.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "codec_cbor_value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = CBOR_VALUE_MAX(size);
	uint8_t *out = malloc(cap);

	if (!out)
		abort();
	for (int t = LWB_TYPE_NONE; t <= LWB_TYPE_CORELNK; t++) {
		struct lwb_value v1;
		struct lwb_value v2;
		int n;

		if (cbor_value_decode(data, size, (enum lwb_type)t, &v1) != 0)
			continue;
		n = cbor_value_encode(&v1, out, cap);
		if (n < 0)
			abort();
		if (cbor_value_decode(out, (size_t)n, (enum lwb_type)t, &v2) !=
		    0)
			abort();
		if (!lwb_value_equal(&v1, &v2))
			abort();
	}
	free(out);
	return 0;
}

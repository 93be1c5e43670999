/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the LwM2M JSON codec: decode, re-encode, decode. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "codec_lwm2m_json.h"
#include "codec_json_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int decode(const uint8_t *buf, size_t len,
		  const struct codec_decoder *dec)
{
	return lwm2m_json_decode((const char *)buf, len, dec);
}

static int encode(const struct path *base, const struct record *recs, size_t n,
		  uint8_t *buf, size_t cap)
{
	return lwm2m_json_encode(base, recs, n, NULL, (char *)buf, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_round_trip(data, size, decode, encode);
	return 0;
}

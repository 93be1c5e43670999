/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target for the SenML CBOR codec: decode, re-encode, decode. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "codec_senml_cbor.h"
#include "codec_json_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int decode(const uint8_t *buf, size_t len,
		  const struct codec_decoder *dec)
{
	return senml_cbor_decode((const uint8_t *)buf, len, dec);
}

static int encode(const struct path *base, const struct record *recs, size_t n,
		  uint8_t *buf, size_t cap)
{
	return senml_cbor_encode(base, recs, n, NULL, (uint8_t *)buf, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_round_trip(data, size, decode, encode);
	return 0;
}

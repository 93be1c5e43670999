/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SenML CBOR, application/senml+cbor, Content-Format 112 (RFC 8428 §6;
 * LwM2M 1.1 Core §7.4.5).  Same data model as SenML JSON
 * (codec_senml_json.h) with RFC 8428 Table 6's integer labels: bver -1,
 * bn -2, bt -3, n 0, v 2, vs 3, vb 4, t 6, vd 8 (a byte string, no
 * base64), and the text label "vlo" for an object link (LwM2M 1.1).
 *
 * Encoding (with libcbor's cbor_encode_* into the caller buffer):
 * definite-length arrays, maps and strings; fields in the order bn, bt,
 * n, value, t; integers in the shortest form (Integer, Unsigned, Time and
 * whole-second times); Float values in the shortest IEEE 754 form that
 * holds the value exactly (half, single or double: RFC 8949 §4.1
 * preferred serialization; subnormal halves go out as single).  This
 * reproduces the hex example of LwM2M 1.1 Core §7.4.5 byte for byte.
 *
 * Decoding uses libcbor's allocation-free streaming decoder
 * (cbor_stream_decode) through codec_cbor_reader.h, one data item per
 * call, under our own bounded walk: nothing is allocated, so a header that
 * claims 2^32 items costs nothing; a top-level array that claims more than
 * CODEC_MAX_RECORDS items fails with -E2BIG before any record; the
 * nesting of skipped (unknown) values is bounded by CODEC_CBOR_MAX_DEPTH
 * (codec_cbor_reader.h).
 * Strings point into the input.  Choices:
 *  - indefinite-length arrays and maps are accepted; indefinite-length
 *    (chunked) strings and tags are rejected (-EBADMSG);
 *  - a duplicate field in a record is rejected (RFC 8949 §5.6);
 *  - unknown integer labels and unknown text labels are ignored, text
 *    labels ending in '_' are rejected (RFC 8428 §4.4); "bver" must be
 *    1..10; "bv" is rejected (see codec_senml_json.h);
 *  - "vs" must be valid UTF-8; trailing bytes after the array are an
 *    error;
 *  - without a type, an integer becomes INTEGER (UNSIGNED above
 *    2^63-1) and a float FLOAT.
 */
#ifndef BRIDGE_CODEC_SENML_CBOR_H
#define BRIDGE_CODEC_SENML_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define SENML_CBOR_CONTENT_FORMAT 112

/* Encodes n records into buf (cap bytes).  Contract as
 * lwm2m_json_encode() (codec_lwm2m_json.h). */
int senml_cbor_encode(const struct path *base, const struct record *recs,
		      size_t n, const double *base_time, uint8_t *buf,
		      size_t cap);

/* Decodes buf (len bytes); contract as lwm2m_json_decode(), except that
 * nothing is allocated (no -ENOMEM) and value bytes point into buf. */
int senml_cbor_decode(const uint8_t *buf, size_t len,
		      const struct codec_decoder *dec);

#endif

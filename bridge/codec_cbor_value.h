/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain CBOR, application/cbor, Content-Format 60 (LwM2M 1.1 Core §7.3.4;
 * RFC 8949): ONE value of a single resource or resource instance, as one
 * CBOR data item with nothing before or after it.
 *
 *   Integer          major type 0 or 1
 *   Unsigned         major type 0
 *   Float            major type 7: half, single or double
 *   Boolean          simple values false (20) / true (21)
 *   String, Corelnk  text string (major type 3), valid UTF-8
 *   Opaque           byte string (major type 2)
 *   Time             tag 1 ("epoch-based date/time", RFC 8949 §3.4.2)
 *                    holding an integer number of seconds
 *   Objlnk           text string "oid:iid"
 *
 * Encoding: definite lengths; integers in the shortest head; a Float in
 * the shortest IEEE 754 form that holds it exactly (RFC 8949 §4.1
 * preferred serialization; subnormal halves go out as single).
 *
 * Decoding is by the resource's type, and as lenient as the types allow
 * (what Anjay accepts too): an Integer, Unsigned or Time may come as a
 * float with an integral value in range; a Float may come as an integer;
 * a Time may come with or without tag 1 (tag 1 over a float too).  Any
 * other tag, null, undefined, indefinite-length (chunked) strings, arrays
 * and maps are refused.  Strings and bytes point into the input.
 *
 * Pure and thread-safe; nothing is allocated (libcbor's cbor_encode_*
 * and streaming decoder through codec_cbor_reader.h).
 */
#ifndef BRIDGE_CODEC_CBOR_VALUE_H
#define BRIDGE_CODEC_CBOR_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"

#define CBOR_VALUE_CONTENT_FORMAT 60

/* Bytes that always suffice to encode v (its string or bytes plus the
 * largest head, or the largest number with its tag). */
#define CBOR_VALUE_MAX(byte_len) ((byte_len) + 16)

/* Writes v into buf.  Returns the length, -ENOBUFS if it does not fit in
 * cap bytes, or -EINVAL for a NONE or unknown type, a NaN or infinite
 * float (no LwM2M format carries those). */
int cbor_value_encode(const struct lwb_value *v, uint8_t *buf, size_t cap);

/* Reads the len bytes at buf as one value of the given type into *out.
 * Returns 0, or
 *   -EBADMSG  malformed CBOR, trailing bytes, or a data item that is not
 *             a form of type (see the top), invalid UTF-8, a bad objlnk
 *   -ERANGE   a number outside the type's range, a non-integral float
 *             for an integer type
 *   -ENOENT   type is LWB_TYPE_NONE (unknown or executable resource)
 *   -EINVAL   type is not an enum lwb_type value
 * *out is untouched on error. */
int cbor_value_decode(const uint8_t *buf, size_t len, enum lwb_type type,
		      struct lwb_value *out);

#endif

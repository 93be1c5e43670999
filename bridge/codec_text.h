/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain text (Content-Format 0): one value of a single resource or
 * resource instance, written as LwM2M 1.1 Core Appendix C spells it.
 *
 *   String, Corelnk  the UTF-8 bytes as they are
 *   Integer, Time    decimal, "-" for negatives: -?[0-9]+
 *   Unsigned         decimal: [0-9]+
 *   Float            codec_format_double() on the way out; on the way in
 *                    -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?
 *   Boolean          "0" or "1"
 *   Objlnk           "oid:iid", each 0..65535 in decimal
 *   Opaque           base64 (RFC 4648 section 4 alphabet, "=" padding).
 *                    LwM2M 1.1 Core Appendix C makes base64 the text form
 *                    of Opaque; LwM2M 1.0 had no text form for it.
 *
 * Decoding is strict: no leading or trailing white space, no "+" sign, no
 * "0x", no "inf"/"nan", nothing after the value.  Leading zeros are
 * accepted in numbers ("007" is 7): they are unambiguous and some servers
 * pad.  Numbers are read in the C locale's syntax: the daemon never calls
 * setlocale(LC_NUMERIC).
 *
 * All functions are pure and thread-safe; none allocates.
 */
#ifndef BRIDGE_CODEC_TEXT_H
#define BRIDGE_CODEC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"

/* Scratch bytes text_decode() needs to decode Opaque text of len bytes. */
#define TEXT_OPAQUE_SCRATCH(len) ((len) / 4 * 3)

/* Writes v as plain text into out, without a NUL.  Returns the length,
 * -ENOBUFS if it does not fit in cap bytes (out then holds garbage), or
 * -EINVAL for a NONE or unknown type or a NaN/infinite float. */
int text_encode(const struct lwb_value *v, char *out, size_t cap);

/* Reads the len bytes at buf as a value of the given type into *out.
 * String and Corelnk values point into buf (valid as long as buf is) and
 * must be valid UTF-8.  Opaque values are base64-decoded into scratch
 * (TEXT_OPAQUE_SCRATCH(len) bytes suffice; scratch may be NULL for other
 * types) and point into it.
 * Returns 0, or
 *   -EBADMSG  malformed text for the type (bad syntax, invalid UTF-8 or
 *             base64, a boolean other than "0"/"1")
 *   -ERANGE   a number outside the type's range (int64, uint64, double,
 *             Objlnk ids above 65535)
 *   -ENOBUFS  scratch too small for the decoded Opaque bytes
 *   -ENOENT   type is LWB_TYPE_NONE (no value: unknown or executable)
 *   -EINVAL   type is not an enum lwb_type value
 * *out is untouched on error. */
int text_decode(const char *buf, size_t len, enum lwb_type type,
		struct lwb_value *out, uint8_t *scratch, size_t scratch_cap);

/* True if the n bytes at p are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF).  NUL bytes are allowed. */
bool text_utf8_valid(const void *p, size_t n);

#endif

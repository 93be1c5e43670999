/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LwM2M JSON, application/vnd.oma.lwm2m+json, Content-Format 11543
 * (LwM2M 1.0.2 §6.4.4; later Core versions keep it for 1.0 peers):
 *
 *   {"bn":"/3/0/","bt":25462634,"e":[{"n":"0","sv":"Open Mobile Alliance"},
 *                                    {"n":"6/0","v":1,"t":-5}, ...]}
 *
 * Values: "v" a number (Integer, Unsigned, Float, Time), "bv" a boolean,
 * "ov" an object link "oid:iid", "sv" a string (String, Corelnk) or, for
 * an Opaque resource, standard base64 with padding (1.0.2 Table 20: "If
 * the Resource data type is opaque the string value holds the Base64
 * encoded representation").  Names, base name and time follow
 * codec_senml_common.h.
 *
 * Encoding writes the compact form with our own emitter
 * (codec_json_writer.h, not json-c: byte-exact, allocation-free), members
 * in the order bn, bt, e and, per entry, n, value, t.
 *
 * Decoding uses json-c (codec_json_reader.h: strict, UTF-8 checked,
 * nesting bounded).  Choices:
 *  - No "bn": names are relative to the request path, as in LwM2M 1.0
 *    examples that had no "bn" ({"e":[{"n":"0",...}]} for /3/0); a name
 *    that starts with '/' is then absolute.
 *  - Each entry needs exactly one of v, sv, bv, ov (-EBADMSG otherwise);
 *    unknown members are ignored, at the top and in entries.
 *  - Duplicate member names: json-c keeps the last one, so a duplicate
 *    replaces the earlier value instead of being rejected (RFC 8259 §4
 *    leaves this to the parser); two different value members are still
 *    "two values" and rejected.
 *  - Without a type (type_of NULL or NONE) "v" becomes FLOAT when written
 *    with a fraction or exponent, else INTEGER (UNSIGNED above 2^63-1);
 *    "sv" stays STRING (it cannot be told from base64).
 */
#ifndef BRIDGE_CODEC_LWM2M_JSON_H
#define BRIDGE_CODEC_LWM2M_JSON_H

#include <stddef.h>

#include "record.h"

#define LWM2M_JSON_CONTENT_FORMAT 11543

/* Encodes n records (each a resource or resource instance at or below
 * base; order kept as given, record.h asks for path order) into buf
 * (cap bytes; no NUL written).  base_time: NULL, or the base time to
 * write as "bt" with relative "t" (then every record must be timed).
 * Returns the length written; -ENOBUFS if buf is too small; -EINVAL or
 * -E2BIG as senml_plan_make() (codec_senml_common.h) explains. */
int lwm2m_json_encode(const struct path *base, const struct record *recs,
		      size_t n, const double *base_time, char *buf, size_t cap);

/* Decodes buf (len bytes) and calls dec->on_record for each entry, in
 * payload order.  A record and the bytes it points at (into json-c's
 * tree or a scratch buffer) are valid only during that call.  Returns the
 * number of records; -EBADMSG, -ERANGE, -EINVAL, -E2BIG as record.h
 * defines them, -ENOMEM, or the callback's negative value.  On error some
 * records may already have been delivered: the caller must discard them
 * (apply a Write only after the whole payload decoded). */
int lwm2m_json_decode(const char *buf, size_t len,
		      const struct codec_decoder *dec);

#endif

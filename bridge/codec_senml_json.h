/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SenML JSON, application/senml+json, Content-Format 110 (RFC 8428 §5;
 * LwM2M 1.1 Core §7.4.4):
 *
 *   [{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},{"n":"6/0","v":1}]
 *
 * Values: "v" a number (Integer, Unsigned, Float, Time), "vs" a string
 * (String, Corelnk), "vb" a boolean, "vd" Opaque data and "vlo" an object
 * link "oid:iid" (the LwM2M extension of Core §7.4.4).  Names, base name
 * and time follow codec_senml_common.h: the base name ("bn") and base
 * time ("bt") are written only in the first record.
 *
 * Opaque: "vd" is base64url WITHOUT padding, as RFC 8428 §5 requires;
 * LwM2M 1.1 Core Appendix C only says "base64", and its own examples
 * (the Bootstrap-Pack example, "vd":"YjMxM2NjMjItZjk2OS00MmVjLWFkNDI")
 * use the RFC's form, so that is what we write.  We read base64url and,
 * for peers that read Appendix C literally, the standard alphabet, with
 * or without padding.
 *
 * Encoding writes the compact form with our own emitter
 * (codec_json_writer.h, not json-c: byte-exact, allocation-free), fields
 * in the order bn, bt, n, value, t (as the specification's examples).
 *
 * Decoding (json-c via codec_json_reader.h: strict, UTF-8 checked,
 * nesting bounded) follows RFC 8428 §4.5-4.6: "bn" and "bt" carry over to
 * later records until replaced; name = bn + n; time = bt + t.  Choices:
 *  - each record needs exactly one of v, vs, vb, vd, vlo (-EBADMSG);
 *  - a member whose name ends in '_' is rejected (RFC 8428 §4.4); "bver"
 *    must be a whole number 1..10 (we implement version 10); "bv" (base
 *    value) is rejected since LwM2M never uses it and ignoring it would
 *    change values; "u", "bu", "s", "bs", "ut" and unknown members are
 *    ignored;
 *  - duplicate member names: json-c keeps the last (see
 *    codec_lwm2m_json.h);
 *  - without a type, "v" becomes FLOAT when written with a fraction or
 *    exponent, else INTEGER (UNSIGNED above 2^63-1).
 */
#ifndef BRIDGE_CODEC_SENML_JSON_H
#define BRIDGE_CODEC_SENML_JSON_H

#include <stddef.h>

#include "record.h"

#define SENML_JSON_CONTENT_FORMAT 110

/* Encodes n records into buf (cap bytes; no NUL written).  Contract as
 * lwm2m_json_encode() (codec_lwm2m_json.h). */
int senml_json_encode(const struct path *base, const struct record *recs,
		      size_t n, const double *base_time, char *buf, size_t cap);

/* Decodes buf (len bytes); contract as lwm2m_json_decode(). */
int senml_json_decode(const char *buf, size_t len,
		      const struct codec_decoder *dec);

#endif

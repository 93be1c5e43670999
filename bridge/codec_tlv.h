/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OMA TLV (Content-Format 11542, application/vnd.oma.lwm2m+tlv) as
 * LwM2M 1.0.2 section 6.4.3 and LwM2M 1.1 Core section 7.4.3 define it.
 *
 * Each entry: a type byte (bits 7-6 the kind below; bit 5 a 16-bit
 * identifier; bits 4-3 the size of the length field, 0-3 bytes; bits 2-0
 * the length itself when that size is 0), the identifier, the length,
 * the value; all big-endian.  Values by resource type:
 *   Integer, Time  two's complement in 1, 2, 4 or 8 bytes (the fewest)
 *   Unsigned       unsigned in 1, 2, 4 or 8 bytes (the fewest): LwM2M 1.1
 *                  Appendix C encodes it unsigned, so 200 is one byte C8
 *   Float          IEEE 754, 4 bytes if the value is exactly a float,
 *                  else 8; NaN and infinities are refused both ways
 *   Boolean        one byte, 0 or 1
 *   Objlnk         4 bytes: oid, iid (16 bits each)
 *   String, Corelnk, Opaque  the bytes (strings must be UTF-8)
 *
 * TLV does not carry types: decoding asks the codec_decoder's type_of.
 * Pure functions over buffers: no I/O, no globals, no allocation;
 * thread-safe.  Error codes are those of record.h.
 */
#ifndef BRIDGE_CODEC_TLV_H
#define BRIDGE_CODEC_TLV_H

#include <stddef.h>
#include <stdint.h>

#include "path.h"
#include "record.h"

/* Bits 7-6 of the type byte. */
enum tlv_kind {
	TLV_OBJECT_INSTANCE = 0,
	TLV_RESOURCE_INSTANCE = 1,
	TLV_MULTIPLE_RESOURCE = 2,
	TLV_RESOURCE = 3,
};

/* Largest value length a TLV entry can state (24-bit length field). */
#define TLV_MAX_LENGTH 0xffffffu

/* Encodes n records, sorted by path_compare() with no duplicates, all at
 * or below base, each a resource or resource instance, into out.  With
 * base /oid a record may also be an instance /oid/iid with a NONE value:
 * the instance is there, so its Object Instance TLV is written even when
 * no resource of it follows (then with length 0).  The nesting follows
 * base:
 *   /oid            Object Instance TLVs holding the resources
 *   /oid/iid        Resource TLVs, and a Multiple Resource TLV grouping
 *                   the instances of each multi-instance resource
 *   /oid/iid/rid    one Resource TLV, or one Multiple Resource TLV
 *   /oid/iid/rid/ri one Resource Instance TLV
 * Length fields take the fewest bytes.  out may be NULL with cap 0 to
 * learn the size needed.
 * Returns the length written, or
 *   -EINVAL   base is the root; a record not below base, not a resource or
 *             resource instance (nor an instance with a NONE value below
 *             an object base), out of order or duplicated, both a
 *             resource with a value and that resource's instances; a NONE,
 *             NaN/infinite or unknown value; an entry longer than
 *             TLV_MAX_LENGTH; a total above INT_MAX
 *   -E2BIG    n > CODEC_MAX_RECORDS
 *   -ENOBUFS  cap too small (out then holds a partial payload) */
int tlv_encode(const struct path *base, const struct record *recs, size_t n,
	       uint8_t *out, size_t cap);

/* Decodes the len bytes at buf, whose identifiers are relative to
 * dec->base (the request's Uri-Path), and hands each resource value to
 * dec->on_record with its full path (has_time false).  Accepted at the top
 * level, by the depth of dec->base:
 *   /oid            Object Instance TLVs
 *   /oid/iid        Resource and Multiple Resource TLVs, or Object
 *                   Instance TLVs whose id is iid
 *   /oid/iid/rid    Resource or Multiple Resource TLVs whose id is rid,
 *                   or Resource Instance TLVs
 *   /oid/iid/rid/ri Resource Instance TLVs whose id is ri
 * An Object Instance holds only Resource and Multiple Resource TLVs; a
 * Multiple Resource only Resource Instance TLVs.  Every length is checked
 * against what is left of its parent.  The whole payload is checked (and
 * dec->type_of asked for every value) before the first on_record call, so
 * a malformed payload never produces a record; type_of is therefore asked
 * twice per value and must answer the same both times.  Empty Object Instances
 * and Multiple Resources produce no record; duplicate identifiers are passed on
 * as they come.  String and Opaque values point into buf. A Create on /oid
 * whose payload has no Object Instance TLV (1.0 allows it) is decoded with base
 * /oid/new-iid: see tlv_first_kind(). Returns the number of records, or
 *   -EBADMSG  malformed (truncated header or value, length past the end
 *             of the payload or of the parent, wrong nesting, an id that
 *             does not match base, identifier 65535, a value of the wrong
 *             size for its type, boolean not 0/1, float NaN/infinite,
 *             invalid UTF-8 in a string)
 *   -ENOENT   type_of returned LWB_TYPE_NONE for a path
 *   -E2BIG    more than CODEC_MAX_RECORDS values
 *   -EINVAL   dec->base is the root; type_of or on_record is NULL
 *   any negative value of on_record, unchanged */
int tlv_decode(const uint8_t *buf, size_t len, const struct codec_decoder *dec);

/* The kind (enum tlv_kind) of the first entry at buf, or -EBADMSG if len
 * is 0.  Lets a Create handler tell an Object Instance TLV from bare
 * resources before choosing the base to decode with. */
int tlv_first_kind(const uint8_t *buf, size_t len);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The common currency of the multi-value codecs (TLV, LwM2M JSON, SenML
 * JSON, SenML CBOR): a flat list of (path, value[, time]) records.
 *
 * Encoders take an array of records, sorted by path_compare(), and write a
 * payload into a caller buffer.  Decoders walk a payload and hand each
 * record to a callback; a record, and the bytes its value points at, are
 * valid only during that call (decoders may point into the input or into
 * scratch space of their own).  Codecs are pure: no I/O, no globals.
 *
 * Error codes shared by all codecs (negated errno):
 *   -EBADMSG  malformed input (truncated, length past the end, bad syntax,
 *             nesting deeper than the format allows, wrong value kind)
 *   -ENOBUFS  the output buffer is too small
 *   -EINVAL   a record that cannot be expressed (path not below the base,
 *             wrong path depth for the format, NONE value)
 *   -E2BIG    more records than CODEC_MAX_RECORDS in one payload
 *   -ENOENT   the type lookup does not know a path (decoding formats whose
 *             wire form does not carry the type: TLV, text)
 *   -ERANGE   a number that does not fit the resource's type
 *   any other negative value returned by the record callback, unchanged
 */
#ifndef BRIDGE_RECORD_H
#define BRIDGE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"
#include "path.h"

/* Bound on the records one payload may carry, whatever its size: a decoder
 * stops with -E2BIG past it.  It keeps a hostile "huge count" bounded. */
#define CODEC_MAX_RECORDS 65536

struct record {
	struct path path;
	struct lwb_value value;
	bool has_time;
	double time; /* seconds since the epoch, absolute (base time applied) */
};

/* Tells a decoder the type of the resource at path (a resource or resource
 * instance).  Returns the type, or LWB_TYPE_NONE if the path is unknown.
 * Used by TLV and text, and by JSON/SenML to tell Integer, Unsigned, Time
 * and Float apart and Objlnk from String. */
typedef enum lwb_type (*codec_type_fn)(const struct path *path, void *ctx);

/* Receives one decoded record.  Return 0 to go on; any negative value stops
 * the decoder, which then returns that value. */
typedef int (*codec_record_fn)(const struct record *rec, void *ctx);

struct codec_decoder {
	struct path base;        /* the request's Uri-Path */
	codec_type_fn type_of;   /* may be NULL for self-describing formats */
	void *type_ctx;
	codec_record_fn on_record;
	void *record_ctx;
};

/* Integer formats in the shortest form; floats in a decimal form that
 * reads back to the same double: %g's form with 15 significant digits if
 * they read back, else 16 if they do, else 17 (in %.17g's layout), never
 * with a locale decimal comma.  Returns the length written (the NUL is written
 * too), -ENOBUFS if it does not fit in cap bytes with its NUL, or -EINVAL
 * for NaN and infinities, which no LwM2M format can carry. */
int codec_format_double(double d, char *buf, size_t cap);

#endif

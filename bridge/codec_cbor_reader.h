/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pull reader over CBOR (RFC 8949) built on libcbor's allocation-free
 * streaming decoder: each codec_cbor_next() call hands one data item to
 * cbor_stream_decode() and reports it.  Arrays and maps come as their
 * head (kind and count); the caller walks their elements with further
 * calls, so nesting costs the caller's recursion only where the caller
 * chooses to recurse, and codec_cbor_skip() bounds its own depth.
 * Nothing is allocated: a head claiming 2^64 elements is just a number,
 * and walking it ends when the input does (every element takes at least
 * one byte).  Strings point into the input.
 */
#ifndef BRIDGE_CODEC_CBOR_READER_H
#define BRIDGE_CODEC_CBOR_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting codec_cbor_skip() follows before it gives up with -EBADMSG. */
#define CODEC_CBOR_MAX_DEPTH 8

enum codec_cbor_kind {
	CCBOR_INVALID = 0,
	CCBOR_UINT,
	CCBOR_NEGINT, /* the value is -1 - u */
	CCBOR_BYTES,
	CCBOR_TEXT,
	CCBOR_ARRAY,
	CCBOR_MAP,
	CCBOR_INDEF_ARRAY,
	CCBOR_INDEF_MAP,
	CCBOR_INDEF_STRING, /* start of a chunked byte or text string */
	CCBOR_TAG,
	CCBOR_FLOAT, /* half, single and double alike */
	CCBOR_BOOL,
	CCBOR_SIMPLE, /* null, undefined */
	CCBOR_BREAK,
};

struct codec_cbor_item {
	enum codec_cbor_kind kind;
	uint64_t u;	    /* UINT, NEGINT, TAG; element count of ARRAY, MAP */
	double d;	    /* FLOAT */
	bool b;		    /* BOOL */
	const uint8_t *ptr; /* BYTES, TEXT: into the input */
	size_t len;
};

struct codec_cbor_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos; /* next byte to read */
};

/* Reads the next data item at r->pos into *it and moves past it (past
 * only the head of an array or map).  Returns 0, or -EBADMSG at the end
 * of the input, for a truncated or malformed item (reserved additional
 * information, bad simple value). */
int codec_cbor_next(struct codec_cbor_reader *r, struct codec_cbor_item *it);

/* Skips what follows item it, which was just read: the elements of an
 * array or map (recursively), the content of a tag.  depth is its
 * nesting level; past CODEC_CBOR_MAX_DEPTH, -EBADMSG.  Chunked strings
 * and a stray break are -EBADMSG too.  Returns 0 or -EBADMSG. */
int codec_cbor_skip(struct codec_cbor_reader *r,
		    const struct codec_cbor_item *it, unsigned depth);

#endif

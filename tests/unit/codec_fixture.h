/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the codec unit tests share (TLV, LwM2M JSON, SenML JSON, SenML
 * CBOR): a decoder callback that collects records, type lookups from
 * tables, the Device-object golden records of the specifications'
 * examples, and cmocka assertions comparing values and record lists.
 * Include after <cmocka.h>.  Failures are cmocka failures: every
 * assertion here ends the running test.  Not thread-safe (cmocka is not).
 */
#ifndef TESTS_UNIT_CODEC_FIXTURE_H
#define TESTS_UNIT_CODEC_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Initialisers of a struct lwb_value, for record tables. */
#define STR(s)                                                                 \
	{                                                                      \
		.type = LWB_TYPE_STRING, .v.bytes = { s, sizeof(s) - 1 }       \
	}
#define INT(x)                                                                 \
	{                                                                      \
		.type = LWB_TYPE_INTEGER, .v.i = (x)                           \
	}
#define LNK(o, i)                                                              \
	{                                                                      \
		.type = LWB_TYPE_OBJLNK, .v.lnk = { o, i }                     \
	}

/* ---- collecting decoded records ----------------------------------------- */

/* Records one decode call keeps; more is a test failure. */
#define CFX_MAX_RECORDS 32

struct cfx_got {
	struct record recs[CFX_MAX_RECORDS];
	size_t n;     /* records kept in recs */
	size_t calls; /* times the callback ran, the failing one included */
	int fail_at;  /* fail the fail_at-th call (1-based); 0: never */
	int fail_err; /* what that call returns (negative) */
	/* Keep the decoder's byte pointers as they are (for a decoder that
	 * promises pointers into its input); otherwise the bytes are copied
	 * into store, since a record lives only during its callback. */
	bool borrow;
	uint8_t store[4096];
	size_t used;
};

/* codec_record_fn: appends *r to the struct cfx_got at ctx, as described
 * there.  Returns 0, or g->fail_err on the fail_at-th call. */
int cfx_collect(const struct record *r, void *ctx);

/* codec_record_fn: counts the records in the size_t at ctx.  Returns 0. */
int cfx_count(const struct record *r, void *ctx);

/* Clears *g and returns a decoder for base delivering into it with
 * cfx_collect(); type_of and type_ctx as in struct codec_decoder.  g must
 * outlive the decoder's use. */
struct codec_decoder cfx_decoder(struct path base, codec_type_fn type_of,
				 void *type_ctx, struct cfx_got *g);

/* ---- type lookup from a table ------------------------------------------- */

struct cfx_type {
	struct path path; /* a resource; len 0 ends a table */
	enum lwb_type type;
};

/* codec_type_fn over the table at ctx (a const struct cfx_type array);
 * a resource instance takes its resource's type.  Returns LWB_TYPE_NONE
 * for a path not in the table. */
enum lwb_type cfx_table_type(const struct path *p, void *ctx);

/* cfx_decoder() with types looked up in table types, or no lookup at all
 * when types is NULL. */
struct codec_decoder cfx_table_decoder(struct path base,
				       const struct cfx_type *types,
				       struct cfx_got *g);

/* The Device object (3) resources of the examples below. */
extern const struct cfx_type cfx_device_types[];

/* Object 3442 (the LwM2M test object): resource k (1..9) has the k-th
 * type of STRING, INTEGER, UNSIGNED, FLOAT, BOOLEAN, OPAQUE, TIME,
 * OBJLNK, CORELNK. */
extern const struct cfx_type cfx_test_types[];

/* A test's decode helper: decodes buf (len bytes) under base with types
 * (or no lookup) into g, cleared first.  Returns what the codec returns. */
typedef int (*cfx_decode_fn)(const void *buf, size_t len, struct path base,
			     const struct cfx_type *types, struct cfx_got *g);

/* ---- golden records ----------------------------------------------------- */

/* The Read of /3/0 that every format's specification example shows
 * (LwM2M 1.0.2 TS §6.4.3.1 TLV and §6.4.4 JSON; 1.1 Core §7.4.4 SenML
 * JSON and §7.4.5 SenML CBOR): 16 untimed records, Current Time a TIME. */
#define CFX_NDEVICE 16
extern const struct record cfx_device[CFX_NDEVICE];

/* Objects 65/66/67 linked by object links (LwM2M 1.1 Core Table
 * 7.4.4-4), the null link written 65535:65535. */
#define CFX_NHIERARCHY 12
extern const struct record cfx_hierarchy[CFX_NHIERARCHY];

/* The resource types of the objects 65, 66 and 67 of that example. */
extern const struct cfx_type cfx_hierarchy_types[];

/* Fills r with the three Temperature values of LwM2M 1.1 Core Table
 * 7.4.4-3 (/72/1/2: 22.4, 22.9, 24.1 taken at bt-5, bt-30, bt-50). */
void cfx_history(double bt, struct record r[3]);

/* ---- assertions ---------------------------------------------------------- */

/* Same type and same value; floats bit for bit (-0.0 is not 0.0). */
void cfx_assert_value_equal(const struct lwb_value *a,
			    const struct lwb_value *b);

/* a[i] and b[i] have the same path, value and time, for i < n. */
void cfx_assert_records_equal(const struct record *a, const struct record *b,
			      size_t n);

/* g kept exactly the n records of want. */
void cfx_assert_got(const struct cfx_got *g, const struct record *want,
		    size_t n);

/* g holds cfx_device decoded without a type lookup: Current Time (13)
 * then reads as the INTEGER it is on the wire. */
void cfx_assert_device_untyped(const struct cfx_got *g);

/* Every proper prefix of buf (len bytes) fails to decode under base.
 * Each prefix is a heap copy of its exact size, so ASan sees a read past
 * its end. */
void cfx_assert_truncated(cfx_decode_fn decode, const void *buf, size_t len,
			  struct path base, const struct cfx_type *types);

/* A text payload and the error decoding it must return. */
struct cfx_bad {
	const char *text;
	int err;
};

/* Each of the n texts of bad fails to decode under base with its error,
 * before any record reaches the callback. */
void cfx_assert_malformed_text(cfx_decode_fn decode, const struct cfx_bad *bad,
			       size_t n, struct path base,
			       const struct cfx_type *types);

/* The encoders of the JSON text formats. */
typedef int (*cfx_text_encode_fn)(const struct path *base,
				  const struct record *recs, size_t n,
				  const double *base_time, char *buf,
				  size_t cap);

/* enc writes exactly want (NUL-terminated) for the n records r. */
void cfx_assert_encodes_text(cfx_text_encode_fn enc, const struct path *base,
			     const struct record *r, size_t n, const double *bt,
			     const char *want);

/* enc refuses with -EINVAL, under base /3/0, what senml_plan_make()
 * refuses for every SenML-family format: a NONE value, a record outside
 * the base, a NaN float, and a base time next to an untimed record. */
void cfx_assert_encode_rejects_text(cfx_text_encode_fn enc);

/* enc needs exactly full bytes for the n records r, and with every
 * smaller buffer fails with -ENOBUFS without writing at or past its end. */
void cfx_assert_nobufs_text(cfx_text_encode_fn enc, const struct path *base,
			    const struct record *r, size_t n, size_t full);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_tlv.h"
#include "codec_fixture.h"

/* ---- helpers ----------------------------------------------------------- */

/* Types of the resources in the specification's examples: Access Control
 * (2), Server (1), Device (3) and the examples' objects 65 and 66. */
static enum lwb_type spec_types(const struct path *p, void *ctx)
{
	uint16_t oid = p->ids[0];
	uint16_t rid = p->ids[2];

	(void)ctx;
	switch (oid) {
	case 1:
		return rid == 6	  ? LWB_TYPE_BOOLEAN
		       : rid == 7 ? LWB_TYPE_STRING
				  : LWB_TYPE_INTEGER;
	case 2: return LWB_TYPE_INTEGER;
	case 3:
		if (rid <= 3 || rid == 14 || rid == 15 || rid == 16)
			return LWB_TYPE_STRING;
		if (rid == 13)
			return LWB_TYPE_TIME;
		if (rid == 4)
			return LWB_TYPE_NONE; /* Reboot: executable */
		return LWB_TYPE_INTEGER;
	case 65:
		return rid == 0	  ? LWB_TYPE_OBJLNK
		       : rid == 1 ? LWB_TYPE_STRING
				  : LWB_TYPE_INTEGER;
	case 66: return rid == 2 ? LWB_TYPE_OBJLNK : LWB_TYPE_STRING;
	default: return LWB_TYPE_NONE;
	}
}

/* The type is the fixed one handed in as ctx. */
static enum lwb_type fixed_type(const struct path *p, void *ctx)
{
	(void)p;
	return *(const enum lwb_type *)ctx;
}

/* TLV values point into the input: the records keep those pointers, so
 * that the tests can check it. */
static int decode_with(const uint8_t *buf, size_t len, struct path base,
		       codec_type_fn type_of, void *type_ctx, struct cfx_got *g)
{
	struct codec_decoder dec = cfx_decoder(base, type_of, type_ctx, g);

	g->borrow = true;
	return tlv_decode(buf, len, &dec);
}

static int decode(const uint8_t *buf, size_t len, struct path base,
		  struct cfx_got *g)
{
	return decode_with(buf, len, base, spec_types, NULL, g);
}

static int decode_as(const uint8_t *buf, size_t len, struct path base,
		     enum lwb_type type, struct cfx_got *g)
{
	return decode_with(buf, len, base, fixed_type, &type, g);
}

static struct record rec_int(struct path p, int64_t v)
{
	return (struct record){.path = p,
			       .value = {.type = LWB_TYPE_INTEGER, .v.i = v}};
}

static struct record rec_str(struct path p, const char *s)
{
	return (struct record){
		.path = p,
		.value = {.type = LWB_TYPE_STRING,
			  .v.bytes = {.ptr = s, .len = strlen(s)}}};
}

static struct record rec_bool(struct path p, bool b)
{
	return (struct record){.path = p,
			       .value = {.type = LWB_TYPE_BOOLEAN, .v.b = b}};
}

static struct record rec_lnk(struct path p, uint16_t oid, uint16_t iid)
{
	return (struct record){
		.path = p,
		.value = {.type = LWB_TYPE_OBJLNK, .v.lnk = {oid, iid}}};
}

/* Decodes bytes under base, checks the records, encodes them back under
 * the same base and checks the bytes. */
static void golden(const uint8_t *bytes, size_t len, struct path base,
		   const struct record *want, size_t n)
{
	struct cfx_got g;
	uint8_t out[512];

	assert_int_equal(decode(bytes, len, base, &g), (int)n);
	cfx_assert_got(&g, want, n);
	assert_int_equal(tlv_encode(&base, want, n, out, sizeof(out)),
			 (int)len);
	assert_memory_equal(out, bytes, len);
	/* Sizing call and exact-fit buffer agree; one byte less does not. */
	assert_int_equal(tlv_encode(&base, want, n, NULL, 0), (int)len);
	assert_int_equal(tlv_encode(&base, want, n, out, len), (int)len);
	assert_int_equal(tlv_encode(&base, want, n, out, len - 1), -ENOBUFS);
}

/* ---- golden vectors from the specification ----------------------------- */

/* LwM2M 1.0.2 TS (OMA-TS-LightweightM2M-V1_0_2-20180209-A) section 6.4.3.1,
 * "Single Object Instance Request Example": Read /3/0 answered with the
 * Resource TLVs of the Device object instance, without an Object Instance
 * TLV around them.  (The same example is LwM2M 1.1 Core 7.4.3.1.) */
/* clang-format off */
static const uint8_t device_resources[] = {
	/* 0 Manufacturer "Open Mobile Alliance" */
	0xC8, 0x00, 0x14, 0x4F, 0x70, 0x65, 0x6E, 0x20, 0x4D, 0x6F, 0x62,
	0x69, 0x6C, 0x65, 0x20, 0x41, 0x6C, 0x6C, 0x69, 0x61, 0x6E, 0x63,
	0x65,
	/* 1 Model Number "Lightweight M2M Client" */
	0xC8, 0x01, 0x16, 0x4C, 0x69, 0x67, 0x68, 0x74, 0x77, 0x65, 0x69,
	0x67, 0x68, 0x74, 0x20, 0x4D, 0x32, 0x4D, 0x20, 0x43, 0x6C, 0x69,
	0x65, 0x6E, 0x74,
	/* 2 Serial Number "345000123" */
	0xC8, 0x02, 0x09, 0x33, 0x34, 0x35, 0x30, 0x30, 0x30, 0x31, 0x32,
	0x33,
	/* 3 Firmware Version "1.0" */
	0xC3, 0x03, 0x31, 0x2E, 0x30,
	/* 6 Available Power Sources: [0] 1, [1] 5 */
	0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05,
	/* 7 Power Source Voltage: [0] 3800, [1] 5000 */
	0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88,
	/* 8 Power Source Current: [0] 125, [1] 900 */
	0x87, 0x08, 0x41, 0x00, 0x7D, 0x42, 0x01, 0x03, 0x84,
	/* 9 Battery Level 100 */
	0xC1, 0x09, 0x64,
	/* 10 Memory Free 15 */
	0xC1, 0x0A, 0x0F,
	/* 11 Error Code: [0] 0 */
	0x83, 0x0B, 0x41, 0x00, 0x00,
	/* 13 Current Time 0x5182428F */
	0xC4, 0x0D, 0x51, 0x82, 0x42, 0x8F,
	/* 14 UTC Offset "+02:00" */
	0xC6, 0x0E, 0x2B, 0x30, 0x32, 0x3A, 0x30, 0x30,
	/* 16 Supported Binding and Modes "U" */
	0xC1, 0x10, 0x55,
};
/* clang-format on */

/* LwM2M 1.0.2 TS section 6.4.3.2 A), "Request on Single-Instance Object":
 * Read /3 answered with one Object Instance TLV (id 0, length 0x79 = 121)
 * holding exactly the bytes above. */
static const uint8_t device_instance_header[] = {0x08, 0x00, 0x79};

static void test_spec_device_instance(void **state)
{
	(void)state;
	assert_int_equal(sizeof(device_resources), 0x79);
	golden(device_resources, sizeof(device_resources), path_instance(3, 0),
	       cfx_device, CFX_NDEVICE);
}

static void test_spec_device_object(void **state)
{
	uint8_t bytes[3 + sizeof(device_resources)];
	const struct record *want = cfx_device;
	size_t n = CFX_NDEVICE;
	struct cfx_got g;

	(void)state;
	memcpy(bytes, device_instance_header, 3);
	memcpy(bytes + 3, device_resources, sizeof(device_resources));
	golden(bytes, sizeof(bytes), path_object(3), want, n);
	/* Some clients wrap their answer to Read /3/0 the same way. */
	assert_int_equal(decode(bytes, sizeof(bytes), path_instance(3, 0), &g),
			 (int)n);
	cfx_assert_got(&g, want, n);
	/* ... but the instance id must be the requested one. */
	assert_int_equal(decode(bytes, sizeof(bytes), path_instance(3, 1), &g),
			 -EBADMSG);
	assert_int_equal(g.calls, 0);
}

/* LwM2M 1.0.2 TS section 6.4.3.2 B), "Request on Multiple-Instances Object
 * Access Control": Read /2 with two instances; instance 2's ACL resource
 * holds instance 310, whose id needs 16 bits (type byte 0x61). */
/* clang-format off */
static const uint8_t spec_acl[] = {
	0x08, 0x00, 0x0E,                   /* Object Instance 0, 14 bytes */
	0xC1, 0x00, 0x01,                   /* 0 Object ID 1 */
	0xC1, 0x01, 0x00,                   /* 1 Object Instance ID 0 */
	0x83, 0x02, 0x41, 0x7F, 0x07,       /* 2 ACL: [127] 7 */
	0xC1, 0x03, 0x7F,                   /* 3 Access Control Owner 127 */
	0x08, 0x02, 0x12,                   /* Object Instance 2, 18 bytes */
	0xC1, 0x00, 0x03,                   /* 0 Object ID 3 */
	0xC1, 0x01, 0x00,                   /* 1 Object Instance ID 0 */
	0x87, 0x02, 0x41, 0x7F, 0x07,       /* 2 ACL: [127] 7, */
	0x61, 0x01, 0x36, 0x01,             /*    [310] 1 (16-bit id) */
	0xC1, 0x03, 0x7F,                   /* 3 Access Control Owner 127 */
};
/* clang-format on */

static void test_spec_access_control(void **state)
{
	const struct record want[] = {
		rec_int(path_resource(2, 0, 0), 1),
		rec_int(path_resource(2, 0, 1), 0),
		rec_int(path_resource_instance(2, 0, 2, 127), 7),
		rec_int(path_resource(2, 0, 3), 127),
		rec_int(path_resource(2, 2, 0), 3),
		rec_int(path_resource(2, 2, 1), 0),
		rec_int(path_resource_instance(2, 2, 2, 127), 7),
		rec_int(path_resource_instance(2, 2, 2, 310), 1),
		rec_int(path_resource(2, 2, 3), 127),
	};

	(void)state;
	golden(spec_acl, sizeof(spec_acl), path_object(2), want,
	       sizeof(want) / sizeof(want[0]));
}

/* LwM2M 1.0.2 TS section 6.4.3.2 C), "Request on Multiple-Instances Object
 * Server with only one instance": Read /1. */
/* clang-format off */
static const uint8_t spec_server[] = {
	0x08, 0x00, 0x0F,                   /* Object Instance 0, 15 bytes */
	0xC1, 0x00, 0x01,                   /* 0 Short Server ID 1 */
	0xC4, 0x01, 0x00, 0x01, 0x51, 0x80, /* 1 Lifetime 86400 */
	0xC1, 0x06, 0x01,                   /* 6 Notification Storing true */
	0xC1, 0x07, 0x55,                   /* 7 Binding "U" */
};
/* clang-format on */

static void test_spec_server(void **state)
{
	const struct record want[] = {
		rec_int(path_resource(1, 0, 0), 1),
		rec_int(path_resource(1, 0, 1), 86400),
		rec_bool(path_resource(1, 0, 6), true),
		rec_str(path_resource(1, 0, 7), "U"),
	};

	(void)state;
	golden(spec_server, sizeof(spec_server), path_object(1), want,
	       sizeof(want) / sizeof(want[0]));
}

/* LwM2M 1.0.2 TS section 6.4.3.3, "Example of Request on an Object Instance
 * containing an Object Link Resource", example 1: Read /65/0, a multiple
 * Objlnk resource next to a string and an integer. */
/* clang-format off */
static const uint8_t spec_obj65[] = {
	0x88, 0x00, 0x0C,                   /* 0: 12 bytes of instances */
	0x44, 0x00, 0x00, 0x42, 0x00, 0x00, /*    [0] 66:0 */
	0x44, 0x01, 0x00, 0x42, 0x00, 0x01, /*    [1] 66:1 */
	0xC8, 0x01, 0x0D,                   /* 1 "8613800755500" */
	0x38, 0x36, 0x31, 0x33, 0x38, 0x30, 0x30, 0x37,
	0x35, 0x35, 0x35, 0x30, 0x30,
	0xC4, 0x02, 0x12, 0x34, 0x56, 0x78, /* 2 0x12345678 */
};
/* clang-format on */

static void test_spec_objlnk_instance(void **state)
{
	const struct record want[] = {
		rec_lnk(path_resource_instance(65, 0, 0, 0), 66, 0),
		rec_lnk(path_resource_instance(65, 0, 0, 1), 66, 1),
		rec_str(path_resource(65, 0, 1), "8613800755500"),
		rec_int(path_resource(65, 0, 2), 0x12345678),
	};

	(void)state;
	golden(spec_obj65, sizeof(spec_obj65), path_instance(65, 0), want,
	       sizeof(want) / sizeof(want[0]));
}

/* Same section, example 2: Read /66, two instances, the second one's link
 * the null link 65535:65535. */
/* clang-format off */
static const uint8_t spec_obj66[] = {
	0x08, 0x00, 0x26,                   /* Object Instance 0, 38 bytes */
	0xC8, 0x00, 0x0B,                   /* 0 "myService 1" */
	0x6D, 0x79, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x20, 0x31,
	0xC8, 0x01, 0x0F,                   /* 1 "Internet.15.234" */
	0x49, 0x6E, 0x74, 0x65, 0x72, 0x6E, 0x65, 0x74,
	0x2E, 0x31, 0x35, 0x2E, 0x32, 0x33, 0x34,
	0xC4, 0x02, 0x00, 0x43, 0x00, 0x00, /* 2 67:0 */
	0x08, 0x01, 0x26,                   /* Object Instance 1, 38 bytes */
	0xC8, 0x00, 0x0B,                   /* 0 "myService 2" */
	0x6D, 0x79, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x20, 0x32,
	0xC8, 0x01, 0x0F,                   /* 1 "Internet.15.235" */
	0x49, 0x6E, 0x74, 0x65, 0x72, 0x6E, 0x65, 0x74,
	0x2E, 0x31, 0x35, 0x2E, 0x32, 0x33, 0x35,
	0xC4, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, /* 2 65535:65535 (the null link) */
};
/* clang-format on */

static void test_spec_objlnk_object(void **state)
{
	const struct record want[] = {
		rec_str(path_resource(66, 0, 0), "myService 1"),
		rec_str(path_resource(66, 0, 1), "Internet.15.234"),
		rec_lnk(path_resource(66, 0, 2), 67, 0),
		rec_str(path_resource(66, 1, 0), "myService 2"),
		rec_str(path_resource(66, 1, 1), "Internet.15.235"),
		rec_lnk(path_resource(66, 1, 2), 65535, 65535),
	};

	(void)state;
	golden(spec_obj66, sizeof(spec_obj66), path_object(66), want,
	       sizeof(want) / sizeof(want[0]));
}

/* A Read on one multiple resource (/3/0/7 of the Device example): one
 * Multiple Resource TLV.  Bare Resource Instance TLVs decode the same. */
static void test_multiple_resource_base(void **state)
{
	static const uint8_t wrapped[] = {0x88, 0x07, 0x08, 0x42, 0x00, 0x0E,
					  0xD8, 0x42, 0x01, 0x13, 0x88};
	const struct record want[] = {
		rec_int(path_resource_instance(3, 0, 7, 0), 3800),
		rec_int(path_resource_instance(3, 0, 7, 1), 5000),
	};
	struct cfx_got g;

	(void)state;
	golden(wrapped, sizeof(wrapped), path_resource(3, 0, 7), want, 2);
	assert_int_equal(decode(wrapped + 3, sizeof(wrapped) - 3,
				path_resource(3, 0, 7), &g),
			 2);
	cfx_assert_got(&g, want, 2);
	/* A different resource id than the request's is refused. */
	assert_int_equal(
		decode(wrapped, sizeof(wrapped), path_resource(3, 0, 8), &g),
		-EBADMSG);
}

static void test_single_resource_and_instance_base(void **state)
{
	static const uint8_t res[] = {0xC1, 0x09, 0x64};
	static const uint8_t inst[] = {0x41, 0x01, 0x05};
	const struct record want_res[] = {rec_int(path_resource(3, 0, 9), 100)};
	const struct record want_inst[] = {
		rec_int(path_resource_instance(3, 0, 6, 1), 5)};
	struct cfx_got g;

	(void)state;
	golden(res, sizeof(res), path_resource(3, 0, 9), want_res, 1);
	golden(inst, sizeof(inst), path_resource_instance(3, 0, 6, 1),
	       want_inst, 1);
	assert_int_equal(decode(res, sizeof(res), path_resource(3, 0, 10), &g),
			 -EBADMSG);
	assert_int_equal(decode(inst, sizeof(inst),
				path_resource_instance(3, 0, 6, 2), &g),
			 -EBADMSG);
	assert_int_equal(decode(res, sizeof(res),
				path_resource_instance(3, 0, 9, 1), &g),
			 -EBADMSG);
}

/* ---- round trips of every type and boundary ---------------------------- */

static void roundtrip(const struct lwb_value *v, size_t want_value_len)
{
	struct path base = path_resource(5, 0, 1);
	struct record r = {.path = base, .value = *v};
	size_t hdr = want_value_len <= 7 ? 2 : 3;
	uint8_t out[16];
	struct cfx_got g;
	int n = tlv_encode(&base, &r, 1, out, sizeof(out));

	assert_int_equal(n, (int)(hdr + want_value_len));
	if (hdr == 2) {
		assert_int_equal(out[0], 0xC0 | want_value_len);
	} else {
		assert_int_equal(out[0], 0xC8);
		assert_int_equal(out[2], want_value_len);
	}
	assert_int_equal(out[1], 1);
	assert_int_equal(decode_as(out, (size_t)n, base, v->type, &g), 1);
	cfx_assert_value_equal(&g.recs[0].value, v);
}

static void test_roundtrip_integers(void **state)
{
	/* clang-format off */
	static const struct {
		int64_t v;
		size_t len;
	} cases[] = {
		{ 0, 1 }, { 127, 1 }, { -128, 1 },
		{ 128, 2 }, { -129, 2 }, { 32767, 2 },
		{ -32768, 2 }, { 32768, 4 }, { INT32_MAX, 4 },
		{ INT32_MIN, 4 }, { (int64_t)INT32_MAX + 1, 8 },
		{ (int64_t)INT32_MIN - 1, 8 }, { INT64_MAX, 8 },
		{ INT64_MIN, 8 },
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lwb_value v = {.type = LWB_TYPE_INTEGER,
				      .v.i = cases[i].v};

		roundtrip(&v, cases[i].len);
		v.type = LWB_TYPE_TIME;
		roundtrip(&v, cases[i].len);
	}
}

static void test_roundtrip_unsigned(void **state)
{
	/* clang-format off */
	static const struct {
		uint64_t v;
		size_t len;
	} cases[] = {
		/* Unsigned per LwM2M 1.1 Appendix C: 200 is one byte C8,
		 * not 00 C8 as a signed Integer would need. */
		{ 0, 1 }, { 200, 1 }, { 255, 1 },
		{ 256, 2 }, { 65535, 2 }, { 65536, 4 },
		{ UINT32_MAX, 4 }, { (uint64_t)UINT32_MAX + 1, 8 },
		{ (uint64_t)INT64_MAX + 1, 8 }, { UINT64_MAX, 8 },
	};
	/* clang-format on */
	static const uint8_t max[] = {0xC8, 0x01, 0x08, 0xFF, 0xFF, 0xFF,
				      0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
	struct cfx_got g;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lwb_value v = {.type = LWB_TYPE_UNSIGNED,
				      .v.u = cases[i].v};

		roundtrip(&v, cases[i].len);
	}
	/* The same eight bytes are -1 as an Integer. */
	assert_int_equal(decode_as(max, sizeof(max), path_resource(5, 0, 1),
				   LWB_TYPE_UNSIGNED, &g),
			 1);
	assert_true(g.recs[0].value.v.u == UINT64_MAX);
	assert_int_equal(decode_as(max, sizeof(max), path_resource(5, 0, 1),
				   LWB_TYPE_INTEGER, &g),
			 1);
	assert_true(g.recs[0].value.v.i == -1);
}

static void test_roundtrip_floats(void **state)
{
	/* clang-format off */
	static const struct {
		double v;
		size_t len;
	} cases[] = {
		{ 0.0, 4 }, { -0.0, 4 }, { 1.5, 4 },
		{ -2.25, 4 }, { FLT_MAX, 4 }, { FLT_MIN, 4 },
		{ 0.1, 8 }, { DBL_MAX, 8 }, { DBL_MIN, 8 },
		{ 1e300, 8 }, { -1e-300, 8 }, { 16777217.0, 8 },
		{ 16777216.0, 4 },
	};
	/* clang-format on */
	/* 1.5 as a float: 3F C0 00 00 (IEEE 754 binary32). */
	static const uint8_t f15[] = {0xC4, 0x01, 0x3F, 0xC0, 0x00, 0x00};
	/* 0.1 as a double: 3F B9 99 99 99 99 99 9A. */
	static const uint8_t d01[] = {0xC8, 0x01, 0x08, 0x3F, 0xB9, 0x99,
				      0x99, 0x99, 0x99, 0x99, 0x9A};
	struct path base = path_resource(5, 0, 1);
	struct record r = {.path = base,
			   .value = {.type = LWB_TYPE_FLOAT, .v.f = 1.5}};
	uint8_t out[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lwb_value v = {.type = LWB_TYPE_FLOAT,
				      .v.f = cases[i].v};

		roundtrip(&v, cases[i].len);
	}
	assert_int_equal(tlv_encode(&base, &r, 1, out, sizeof(out)), 6);
	assert_memory_equal(out, f15, sizeof(f15));
	r.value.v.f = 0.1;
	assert_int_equal(tlv_encode(&base, &r, 1, out, sizeof(out)), 11);
	assert_memory_equal(out, d01, sizeof(d01));
}

static void test_roundtrip_bool_objlnk(void **state)
{
	struct lwb_value t = {.type = LWB_TYPE_BOOLEAN, .v.b = true};
	struct lwb_value f = {.type = LWB_TYPE_BOOLEAN, .v.b = false};
	struct lwb_value l = {.type = LWB_TYPE_OBJLNK,
			      .v.lnk = {0x1234, 0xABCD}};
	struct path base = path_resource(5, 0, 1);
	struct record r = {.path = base, .value = l};
	uint8_t out[8];

	(void)state;
	roundtrip(&t, 1);
	roundtrip(&f, 1);
	roundtrip(&l, 4);
	assert_int_equal(tlv_encode(&base, &r, 1, out, sizeof(out)), 6);
	assert_memory_equal(
		out, ((const uint8_t[]){0xC4, 1, 0x12, 0x34, 0xAB, 0xCD}), 6);
}

/* Strings whose lengths cross each length-field size: 7 fits the type
 * byte, 8..255 one byte, 256..65535 two, 65536.. three. */
static void test_length_field_sizes(void **state)
{
	/* clang-format off */
	static const struct {
		size_t len;
		size_t hdr;
		uint8_t type;
	} cases[] = {
		{ 0, 2, 0xC0 }, { 7, 2, 0xC7 }, { 8, 3, 0xC8 },
		{ 255, 3, 0xC8 }, { 256, 4, 0xD0 }, { 65535, 4, 0xD0 },
		{ 65536, 5, 0xD8 }, { 100000, 5, 0xD8 },
	};
	/* clang-format on */
	const size_t big = 100000 + 8;
	char *s = malloc(big);
	uint8_t *out = malloc(big);
	struct path base = path_resource(5, 0, 1);
	struct cfx_got g;

	(void)state;
	assert_non_null(s);
	assert_non_null(out);
	for (size_t i = 0; i < big; i++)
		s[i] = (char)('a' + i % 26);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len;
		struct record r = {.path = base,
				   .value = {.type = LWB_TYPE_OPAQUE,
					     .v.bytes = {s, len}}};
		int n = tlv_encode(&base, &r, 1, out, big);

		assert_int_equal(n, (int)(cases[i].hdr + len));
		assert_int_equal(out[0], cases[i].type);
		assert_int_equal(out[1], 1);
		for (size_t k = 2; k < cases[i].hdr; k++) {
			size_t shift = 8 * (cases[i].hdr - 1 - k);

			assert_int_equal(out[k], (uint8_t)(len >> shift));
		}
		assert_int_equal(
			decode_as(out, (size_t)n, base, LWB_TYPE_OPAQUE, &g),
			1);
		assert_int_equal(g.recs[0].value.v.bytes.len, len);
		assert_ptr_equal(g.recs[0].value.v.bytes.ptr,
				 out + cases[i].hdr);
	}
	free(s);
	free(out);
}

/* Identifiers above 255 take bit 5 and two bytes, at every level. */
static void test_16bit_ids(void **state)
{
	const struct record recs[] = {
		rec_int(path_resource(3303, 255, 255), 1),
		rec_int(path_resource(3303, 255, 256), 2),
		rec_int(path_resource_instance(3303, 255, 5700, 65534), 3),
		rec_int(path_resource(3303, 256, 1), 4),
	};
	/* clang-format off */
	static const uint8_t want[] = {
		0x08, 0xFF, 0x0E,           /* OI 255, 14 bytes */
		0xC1, 0xFF, 0x01,           /*   res 255 = 1 */
		0xE1, 0x01, 0x00, 0x02,     /*   res 256 = 2 */
		0xA4, 0x16, 0x44,           /*   MR 5700, 4 bytes */
		0x61, 0xFF, 0xFE, 0x03,     /*     [65534] = 3 */
		0x23, 0x01, 0x00,           /* OI 256, 3 bytes */
		0xC1, 0x01, 0x04,           /*   res 1 = 4 */
	};
	/* clang-format on */
	struct path base = path_object(3303);
	struct cfx_got g;
	uint8_t out[64];

	(void)state;
	assert_int_equal(tlv_encode(&base, recs, 4, out, sizeof(out)),
			 (int)sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(
		decode_as(want, sizeof(want), base, LWB_TYPE_INTEGER, &g), 4);
	cfx_assert_got(&g, recs, 4);
}

/* ---- decoding: malformed input ------------------------------------------ */

static void expect_bad(const uint8_t *buf, size_t len, struct path base,
		       int err)
{
	struct cfx_got g;

	assert_int_equal(decode(buf, len, base, &g), err);
	assert_int_equal(g.calls, 0); /* validated before any callback */
}

static void test_decode_truncated(void **state)
{
	struct path inst = path_instance(3, 0);

	(void)state;
	/* An empty payload is zero records, not an error. */
	expect_bad(NULL, 0, inst, 0);
	/* Type byte promises a 16-bit identifier, one byte present. */
	expect_bad((const uint8_t[]){0xE1, 0x00}, 2, inst, -EBADMSG);
	/* No identifier at all. */
	expect_bad((const uint8_t[]){0xC1}, 1, inst, -EBADMSG);
	/* Length field of 2 bytes, one present. */
	expect_bad((const uint8_t[]){0xD0, 0x09, 0x00}, 3, inst, -EBADMSG);
	/* Length 3 bytes, missing. */
	expect_bad((const uint8_t[]){0xD8, 0x09}, 2, inst, -EBADMSG);
	/* Length past the end of the payload. */
	expect_bad((const uint8_t[]){0xC2, 0x09, 0x64}, 3, inst, -EBADMSG);
	expect_bad((const uint8_t[]){0xC8, 0x00, 0x05, 'a', 'b'}, 5, inst,
		   -EBADMSG);
	/* A valid entry followed by a lone type byte. */
	expect_bad((const uint8_t[]){0xC1, 0x09, 0x64, 0xC1}, 4, inst,
		   -EBADMSG);
}

static void test_decode_nested_bounds(void **state)
{
	(void)state;
	/* The Multiple Resource says 3 bytes; its instance claims 2 of value
	 * but only 1 is inside the parent (the next byte is outside it). */
	expect_bad((const uint8_t[]){0x83, 0x06, 0x42, 0x00, 0x01, 0x05, 0xC1,
				     0x09, 0x64},
		   9, path_instance(3, 0), -EBADMSG);
	/* Object Instance of 3 bytes whose resource wants 4. */
	expect_bad((const uint8_t[]){0x03, 0x00, 0xC2, 0x09, 0x64, 0x00, 0x00},
		   7, path_object(3), -EBADMSG);
	/* Truncated header inside a parent. */
	expect_bad((const uint8_t[]){0x01, 0x00, 0xC1}, 3, path_object(3),
		   -EBADMSG);
}

static void test_decode_wrong_nesting(void **state)
{
	(void)state;
	/* Resource Instance inside an Object Instance. */
	expect_bad((const uint8_t[]){0x03, 0x00, 0x41, 0x00, 0x01}, 5,
		   path_object(3), -EBADMSG);
	/* Object Instance inside an Object Instance. */
	expect_bad((const uint8_t[]){0x02, 0x00, 0x00, 0x01}, 4, path_object(3),
		   -EBADMSG);
	/* Resource inside a Multiple Resource. */
	expect_bad((const uint8_t[]){0x83, 0x06, 0xC1, 0x00, 0x01}, 5,
		   path_instance(3, 0), -EBADMSG);
	/* Multiple Resource inside a Multiple Resource. */
	expect_bad((const uint8_t[]){0x82, 0x06, 0x80, 0x00}, 4,
		   path_instance(3, 0), -EBADMSG);
	/* Resources at the top of an object-level payload. */
	expect_bad((const uint8_t[]){0xC1, 0x09, 0x64}, 3, path_object(3),
		   -EBADMSG);
	/* Resource Instance at the top of an instance-level payload. */
	expect_bad((const uint8_t[]){0x41, 0x00, 0x01}, 3, path_instance(3, 0),
		   -EBADMSG);
	/* Object Instance at the top of a resource-level payload. */
	expect_bad((const uint8_t[]){0x03, 0x00, 0xC1, 0x07, 0x01}, 5,
		   path_resource(3, 0, 7), -EBADMSG);
	/* Identifier 65535 is reserved. */
	expect_bad((const uint8_t[]){0xE1, 0xFF, 0xFF, 0x01}, 4,
		   path_instance(3, 0), -EBADMSG);
}

static void test_decode_value_sizes(void **state)
{
	struct path base = path_resource(5, 0, 1);
	/* clang-format off */
	static const struct {
		enum lwb_type type;
		uint8_t len;
	} bad[] = {
		{ LWB_TYPE_INTEGER, 0 }, { LWB_TYPE_INTEGER, 3 },
		{ LWB_TYPE_INTEGER, 5 }, { LWB_TYPE_TIME, 7 },
		{ LWB_TYPE_UNSIGNED, 3 }, { LWB_TYPE_FLOAT, 0 },
		{ LWB_TYPE_FLOAT, 5 }, { LWB_TYPE_FLOAT, 2 },
		{ LWB_TYPE_BOOLEAN, 0 }, { LWB_TYPE_BOOLEAN, 2 },
		{ LWB_TYPE_OBJLNK, 3 }, { LWB_TYPE_OBJLNK, 5 },
	};
	/* clang-format on */
	uint8_t buf[16] = {0};
	struct cfx_got g;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf[0] = (uint8_t)(0xC8);
		buf[1] = 1;
		buf[2] = bad[i].len;
		assert_int_equal(
			decode_as(buf, 3u + bad[i].len, base, bad[i].type, &g),
			-EBADMSG);
		assert_int_equal(g.calls, 0);
	}
	/* Boolean 2 is neither false nor true. */
	assert_int_equal(decode_as((const uint8_t[]){0xC1, 0x01, 0x02}, 3, base,
				   LWB_TYPE_BOOLEAN, &g),
			 -EBADMSG);
	/* Float NaN and infinity (binary32 7FC00000, 7F800000). */
	assert_int_equal(
		decode_as((const uint8_t[]){0xC4, 0x01, 0x7F, 0xC0, 0x00, 0x00},
			  6, base, LWB_TYPE_FLOAT, &g),
		-EBADMSG);
	assert_int_equal(
		decode_as((const uint8_t[]){0xC4, 0x01, 0x7F, 0x80, 0x00, 0x00},
			  6, base, LWB_TYPE_FLOAT, &g),
		-EBADMSG);
	/* Invalid UTF-8 in a String; the same bytes are fine as Opaque. */
	assert_int_equal(decode_as((const uint8_t[]){0xC2, 0x01, 0xC3, 0x28}, 4,
				   base, LWB_TYPE_STRING, &g),
			 -EBADMSG);
	assert_int_equal(decode_as((const uint8_t[]){0xC2, 0x01, 0xC3, 0x28}, 4,
				   base, LWB_TYPE_OPAQUE, &g),
			 1);
}

static void test_decode_type_lookup(void **state)
{
	struct cfx_got g;
	struct codec_decoder dec =
		cfx_decoder(path_instance(3, 0), spec_types, NULL, &g);

	(void)state;
	/* Resource 4 (Reboot) has no value type: -ENOENT. */
	expect_bad((const uint8_t[]){0xC1, 0x09, 0x64, 0xC0, 0x04}, 5,
		   path_instance(3, 0), -ENOENT);
	/* An object the lookup does not know at all. */
	expect_bad((const uint8_t[]){0xC1, 0x00, 0x01}, 3,
		   path_instance(9999, 0), -ENOENT);
	/* Missing callbacks or a root base are the caller's errors. */
	dec.type_of = NULL;
	assert_int_equal(
		tlv_decode((const uint8_t[]){0xC1, 0x09, 0x64}, 3, &dec),
		-EINVAL);
	dec.type_of = spec_types;
	dec.on_record = NULL;
	assert_int_equal(
		tlv_decode((const uint8_t[]){0xC1, 0x09, 0x64}, 3, &dec),
		-EINVAL);
	dec.on_record = cfx_collect;
	dec.base = path_root();
	assert_int_equal(
		tlv_decode((const uint8_t[]){0xC1, 0x09, 0x64}, 3, &dec),
		-EINVAL);
}

static void test_decode_callback_error(void **state)
{
	struct cfx_got g;
	struct codec_decoder dec =
		cfx_decoder(path_instance(3, 0), spec_types, NULL, &g);

	(void)state;
	g.fail_at = 2;
	g.fail_err = -ECANCELED;
	g.borrow = true;
	assert_int_equal(
		tlv_decode(device_resources, sizeof(device_resources), &dec),
		-ECANCELED);
	assert_int_equal(g.calls, 2); /* stopped at once */
}

/* Counts the records of buf under /3/0 into *seen. */
static int decode_count(const uint8_t *buf, size_t len, size_t *seen)
{
	struct codec_decoder dec = {.base = path_instance(3, 0),
				    .type_of = spec_types,
				    .on_record = cfx_count,
				    .record_ctx = seen};

	*seen = 0;
	return tlv_decode(buf, len, &dec);
}

/* 100k one-byte resources: cut at CODEC_MAX_RECORDS, before any callback,
 * and the same inside a single Multiple Resource. */
static void test_decode_too_many(void **state)
{
	const size_t count = 100000;
	uint8_t *buf = malloc(count * 3 + 8);
	size_t seen;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < count; i++) {
		buf[3 * i] = 0xC1;
		buf[3 * i + 1] = 9;
		buf[3 * i + 2] = 0x64;
	}
	assert_int_equal(decode_count(buf, count * 3, &seen), -E2BIG);
	assert_int_equal(seen, 0);
	/* Exactly CODEC_MAX_RECORDS is still fine. */
	assert_int_equal(decode_count(buf, CODEC_MAX_RECORDS * 3, &seen),
			 CODEC_MAX_RECORDS);
	assert_int_equal(seen, CODEC_MAX_RECORDS);
	/* 100k instances of one Multiple Resource (3-byte length). */
	buf[0] = 0x98;
	buf[1] = 7;
	buf[2] = (uint8_t)((count * 3) >> 16);
	buf[3] = (uint8_t)((count * 3) >> 8);
	buf[4] = (uint8_t)(count * 3);
	for (size_t i = 0; i < count; i++) {
		buf[5 + 3 * i] = 0x41;
		buf[5 + 3 * i + 1] = 0;
		buf[5 + 3 * i + 2] = 1;
	}
	assert_int_equal(decode_count(buf, 5 + count * 3, &seen), -E2BIG);
	assert_int_equal(seen, 0);
	free(buf);
}

static void test_first_kind(void **state)
{
	(void)state;
	assert_int_equal(tlv_first_kind(spec_acl, sizeof(spec_acl)),
			 TLV_OBJECT_INSTANCE);
	assert_int_equal(tlv_first_kind(device_resources, 3), TLV_RESOURCE);
	assert_int_equal(tlv_first_kind(spec_obj65, 3), TLV_MULTIPLE_RESOURCE);
	assert_int_equal(tlv_first_kind((const uint8_t[]){0x41}, 1),
			 TLV_RESOURCE_INSTANCE);
	assert_int_equal(tlv_first_kind(spec_acl, 0), -EBADMSG);
}

/* ---- encoding: records that cannot be expressed -------------------------- */

static void test_encode_invalid(void **state)
{
	struct path obj = path_object(3);
	struct path inst = path_instance(3, 0);
	struct path root = path_root();
	struct record r[2];
	uint8_t out[64];

	(void)state;
	r[0] = rec_int(path_resource(3, 0, 1), 1);
	/* Root base; record outside the base; instance-level record. */
	assert_int_equal(tlv_encode(&root, r, 1, out, sizeof(out)), -EINVAL);
	r[0].path = path_resource(4, 0, 1);
	assert_int_equal(tlv_encode(&inst, r, 1, out, sizeof(out)), -EINVAL);
	r[0].path = path_instance(3, 0);
	assert_int_equal(tlv_encode(&obj, r, 1, out, sizeof(out)), -EINVAL);
	/* Out of order, and duplicated. */
	r[0] = rec_int(path_resource(3, 0, 2), 1);
	r[1] = rec_int(path_resource(3, 0, 1), 1);
	assert_int_equal(tlv_encode(&inst, r, 2, out, sizeof(out)), -EINVAL);
	r[1] = r[0];
	assert_int_equal(tlv_encode(&inst, r, 2, out, sizeof(out)), -EINVAL);
	/* A resource with a value next to its own instances. */
	r[0] = rec_int(path_resource(3, 0, 7), 1);
	r[1] = rec_int(path_resource_instance(3, 0, 7, 0), 1);
	assert_int_equal(tlv_encode(&inst, r, 2, out, sizeof(out)), -EINVAL);
	/* NONE, NaN, infinity, an unknown type. */
	r[0] = rec_int(path_resource(3, 0, 1), 1);
	r[0].value.type = LWB_TYPE_NONE;
	assert_int_equal(tlv_encode(&inst, r, 1, out, sizeof(out)), -EINVAL);
	r[0].value.type = LWB_TYPE_FLOAT;
	r[0].value.v.f = NAN;
	assert_int_equal(tlv_encode(&inst, r, 1, out, sizeof(out)), -EINVAL);
	r[0].value.v.f = -INFINITY;
	assert_int_equal(tlv_encode(&inst, r, 1, out, sizeof(out)), -EINVAL);
	r[0].value.type = (enum lwb_type)42;
	assert_int_equal(tlv_encode(&inst, r, 1, out, sizeof(out)), -EINVAL);
	/* A string longer than a 24-bit length can state (never read). */
	r[0] = rec_str(path_resource(3, 0, 1), "x");
	r[0].value.v.bytes.len = TLV_MAX_LENGTH + 1;
	assert_int_equal(tlv_encode(&inst, r, 1, out, sizeof(out)), -EINVAL);
	/* Too many records. */
	assert_int_equal(
		tlv_encode(&inst, r, CODEC_MAX_RECORDS + 1, out, sizeof(out)),
		-E2BIG);
	/* Nothing to encode is an empty payload. */
	assert_int_equal(tlv_encode(&inst, r, 0, out, sizeof(out)), 0);
}

/* An instance record (NONE value) under an object base: its Object
 * Instance TLV is written even when nothing of it follows, with the length
 * in the type byte like every short entry (00 iid; 0x20 for a 16-bit id). */
static void test_encode_empty_instance(void **state)
{
	static const uint8_t want[] = {
		0x03, 0x00, 0xc1, 0x09, 0x01, /* /3/0: resource 9 = 1 */
		0x00, 0x01,		      /* /3/1: empty */
		0x20, 0x01, 0x2c,	      /* /3/300: empty */
	};
	/* The same two empty instances with an 8-bit length field. */
	static const uint8_t long_form[] = {0x08, 0x01, 0x00, 0x28,
					    0x01, 0x2c, 0x00};
	struct path obj = path_object(3);
	struct path inst = path_instance(3, 0);
	struct record none = {.value = {.type = LWB_TYPE_NONE}};
	struct record r[4];
	uint8_t out[64];
	struct cfx_got g;

	(void)state;
	r[0] = none;
	r[0].path = path_instance(3, 0);
	r[1] = rec_int(path_resource(3, 0, 9), 1);
	r[2] = none;
	r[2].path = path_instance(3, 1);
	r[3] = none;
	r[3].path = path_instance(3, 300);
	assert_int_equal(tlv_encode(&obj, r, 4, out, sizeof(out)),
			 (int)sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(tlv_encode(&obj, r, 4, NULL, 0), (int)sizeof(want));
	assert_int_equal(tlv_encode(&obj, r, 4, out, sizeof(want) - 1),
			 -ENOBUFS);
	/* Without the first instance record: the same bytes. */
	assert_int_equal(tlv_encode(&obj, r + 1, 3, out, sizeof(out)),
			 (int)sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* Decoded back: the value only; both length forms are accepted. */
	assert_int_equal(decode(want, sizeof(want), obj, &g), 1);
	cfx_assert_got(&g, &r[1], 1);
	assert_int_equal(decode(long_form, sizeof(long_form), obj, &g), 0);

	/* Only below an object base, only NONE, inside the base, in order,
	 * once. */
	assert_int_equal(tlv_encode(&inst, r, 2, out, sizeof(out)), -EINVAL);
	r[2].value = r[1].value;
	assert_int_equal(tlv_encode(&obj, r, 3, out, sizeof(out)), -EINVAL);
	r[2] = none;
	r[2].path = path_instance(4, 1);
	assert_int_equal(tlv_encode(&obj, r, 3, out, sizeof(out)), -EINVAL);
	r[2] = r[0];
	r[0] = r[1];
	r[1] = r[2]; /* /3/0/9 before /3/0 */
	assert_int_equal(tlv_encode(&obj, r, 2, out, sizeof(out)), -EINVAL);
	r[0] = r[1]; /* /3/0 twice */
	assert_int_equal(tlv_encode(&obj, r, 2, out, sizeof(out)), -EINVAL);
}

/* Instances of one resource whose total passes TLV_MAX_LENGTH: each fits,
 * the Multiple Resource around them cannot. */
static void test_encode_group_too_long(void **state)
{
	struct path base = path_instance(3, 0);
	struct record r[2];
	static const char s[] = "x";

	(void)state;
	for (int i = 0; i < 2; i++) {
		r[i] = rec_str(path_resource_instance(3, 0, 1, (uint16_t)i), s);
		r[i].value.v.bytes.len = TLV_MAX_LENGTH - 10;
	}
	/* Sizing only: nothing is read from the strings. */
	assert_int_equal(tlv_encode(&base, r, 2, NULL, 0), -EINVAL);
}

static void test_encode_nobufs(void **state)
{
	struct path base = path_object(3);
	uint8_t out[256];

	(void)state;
	/* Every short buffer fails, at every level of nesting. */
	for (size_t cap = 0; cap < 3 + sizeof(device_resources); cap++)
		assert_int_equal(
			tlv_encode(&base, cfx_device, CFX_NDEVICE, out, cap),
			-ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_device_instance),
		cmocka_unit_test(test_spec_device_object),
		cmocka_unit_test(test_spec_access_control),
		cmocka_unit_test(test_spec_server),
		cmocka_unit_test(test_spec_objlnk_instance),
		cmocka_unit_test(test_spec_objlnk_object),
		cmocka_unit_test(test_multiple_resource_base),
		cmocka_unit_test(test_single_resource_and_instance_base),
		cmocka_unit_test(test_roundtrip_integers),
		cmocka_unit_test(test_roundtrip_unsigned),
		cmocka_unit_test(test_roundtrip_floats),
		cmocka_unit_test(test_roundtrip_bool_objlnk),
		cmocka_unit_test(test_length_field_sizes),
		cmocka_unit_test(test_16bit_ids),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_nested_bounds),
		cmocka_unit_test(test_decode_wrong_nesting),
		cmocka_unit_test(test_decode_value_sizes),
		cmocka_unit_test(test_decode_type_lookup),
		cmocka_unit_test(test_decode_callback_error),
		cmocka_unit_test(test_decode_too_many),
		cmocka_unit_test(test_first_kind),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_encode_empty_instance),
		cmocka_unit_test(test_encode_group_too_long),
		cmocka_unit_test(test_encode_nobufs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* Plain CBOR (Content-Format 60): one value, golden vectors from RFC 8949
 * Appendix A. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec_cbor_value.h"

#define VI(x) ((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = (x)})
#define VU(x) ((struct lwb_value){.type = LWB_TYPE_UNSIGNED, .v.u = (x)})
#define VF(x) ((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = (x)})
#define VB(x) ((struct lwb_value){.type = LWB_TYPE_BOOLEAN, .v.b = (x)})
#define VT(x) ((struct lwb_value){.type = LWB_TYPE_TIME, .v.i = (x)})
#define VL(o, i)                                                               \
	((struct lwb_value){.type = LWB_TYPE_OBJLNK, .v.lnk = {(o), (i)}})
#define VBYTES(t, s, n) ((struct lwb_value){.type = (t), .v.bytes = {(s), (n)}})

/* Encodes v to exactly the hex want, fits exactly, fails one byte short,
 * and decodes back to v. */
static void enc_ok(struct lwb_value v, const char *hex)
{
	uint8_t want[64], out[64];
	size_t n = strlen(hex) / 2;
	struct lwb_value back;

	for (size_t i = 0; i < n; i++) {
		unsigned b;

		sscanf(hex + 2 * i, "%2x", &b);
		want[i] = (uint8_t)b;
	}
	assert_int_equal(cbor_value_encode(&v, out, sizeof(out)), (int)n);
	assert_memory_equal(out, want, n);
	assert_int_equal(cbor_value_encode(&v, out, n), (int)n);
	assert_int_equal(cbor_value_encode(&v, out, n - 1), -ENOBUFS);
	assert_int_equal(cbor_value_decode(want, n, v.type, &back), 0);
	assert_true(lwb_value_equal(&v, &back));
}

static struct lwb_value dec(const char *bytes, size_t n, enum lwb_type t,
			    int want_rc)
{
	struct lwb_value v = {.type = LWB_TYPE_BOOLEAN, .v.b = true};

	assert_int_equal(cbor_value_decode((const uint8_t *)bytes, n, t, &v),
			 want_rc);
	if (want_rc != 0) {
		/* untouched on error */
		assert_int_equal(v.type, LWB_TYPE_BOOLEAN);
		assert_true(v.v.b);
	} else {
		assert_int_equal(v.type, t);
	}
	return v;
}

static void test_encode_golden(void **state)
{
	(void)state;
	enc_ok(VI(0), "00");
	enc_ok(VI(23), "17");
	enc_ok(VI(24), "1818");
	enc_ok(VI(100), "1864");
	enc_ok(VI(1000), "1903e8");
	enc_ok(VI(1000000), "1a000f4240");
	enc_ok(VI(-1), "20");
	enc_ok(VI(-100), "3863");
	enc_ok(VI(-1000), "3903e7");
	enc_ok(VI(INT64_MIN), "3b7fffffffffffffff");
	enc_ok(VU(18446744073709551615u), "1bffffffffffffffff");
	enc_ok(VF(0.0), "f90000");
	enc_ok(VF(1.5), "f93e00");
	enc_ok(VF(-4.0), "f9c400");
	enc_ok(VF(65504.0), "f97bff");
	enc_ok(VF(100000.0), "fa47c35000");
	enc_ok(VF(3.4028234663852886e+38), "fa7f7fffff");
	enc_ok(VF(1.1), "fb3ff199999999999a");
	enc_ok(VF(1.0e+300), "fb7e37e43c8800759c");
	enc_ok(VB(false), "f4");
	enc_ok(VB(true), "f5");
	enc_ok(VBYTES(LWB_TYPE_STRING, "a", 1), "6161");
	enc_ok(VBYTES(LWB_TYPE_STRING, "", 0), "60");
	enc_ok(VBYTES(LWB_TYPE_CORELNK, "</3>", 4), "643c2f333e");
	enc_ok(VBYTES(LWB_TYPE_OPAQUE, "\x01\x02\x03\x04", 4), "4401020304");
	enc_ok(VT(1363896240), "c11a514b67b0");
	enc_ok(VL(3, 0), "63333a30");
	enc_ok(VL(65535, 65535), "6b36353533353a3635353335");
}

static void test_encode_refused(void **state)
{
	uint8_t out[16];
	struct lwb_value none = {.type = LWB_TYPE_NONE};

	(void)state;
	assert_int_equal(cbor_value_encode(&VF(NAN), out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(cbor_value_encode(&VF(INFINITY), out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(cbor_value_encode(&none, out, sizeof(out)), -EINVAL);
	assert_int_equal(cbor_value_encode(&VT(1), out, 0), -ENOBUFS);
	assert_int_equal(cbor_value_encode(&VT(1), out, 1), -ENOBUFS);
}

static void test_decode_lenient_numbers(void **state)
{
	(void)state;
	/* An integral float for an integer type; an integer for a Float. */
	assert_int_equal(dec("\xf9\x3c\x00", 3, LWB_TYPE_INTEGER, 0).v.i, 1);
	assert_int_equal(dec("\xf9\xc4\x00", 3, LWB_TYPE_INTEGER, 0).v.i, -4);
	assert_int_equal(dec("\xf9\x3c\x00", 3, LWB_TYPE_UNSIGNED, 0).v.u, 1);
	assert_true(dec("\x38\x63", 2, LWB_TYPE_FLOAT, 0).v.f == -100.0);
	assert_true(dec("\x18\x2a", 2, LWB_TYPE_FLOAT, 0).v.f == 42.0);
	/* Time with or without tag 1, over an integer or a float. */
	assert_int_equal(dec("\x1a\x51\x4b\x67\xb0", 5, LWB_TYPE_TIME, 0).v.i,
			 1363896240);
	assert_int_equal(dec("\xc1\xfb\x41\xd4\x52\xd9\xec\x00\x00\x00", 10,
			     LWB_TYPE_TIME, 0)
				 .v.i,
			 1363896240);
	/* Strings point into the input. */
	{
		const char in[] = "\x63"
				  "abc";
		struct lwb_value v = dec(in, 4, LWB_TYPE_STRING, 0);

		assert_ptr_equal(v.v.bytes.ptr, in + 1);
		assert_int_equal(v.v.bytes.len, 3);
	}
	assert_int_equal(dec("\x6a"
			     "3303:65534",
			     11, LWB_TYPE_OBJLNK, 0)
				 .v.lnk.oid,
			 3303);
}

static void test_decode_refused(void **state)
{
	(void)state;
	dec("", 0, LWB_TYPE_INTEGER, -EBADMSG);
	dec("\x18", 1, LWB_TYPE_INTEGER, -EBADMSG);	/* truncated */
	dec("\x01\x02", 2, LWB_TYPE_INTEGER, -EBADMSG); /* trailing */
	dec("\x61"
	    "1",
	    2, LWB_TYPE_INTEGER, -EBADMSG);		   /* text for int */
	dec("\xf5", 1, LWB_TYPE_INTEGER, -EBADMSG);	   /* bool for int */
	dec("\xf9\x3e\x00", 3, LWB_TYPE_INTEGER, -ERANGE); /* 1.5 */
	dec("\x1b\x80\x00\x00\x00\x00\x00\x00\x00", 9, LWB_TYPE_INTEGER,
	    -ERANGE);
	dec("\x3b\x80\x00\x00\x00\x00\x00\x00\x00", 9, LWB_TYPE_INTEGER,
	    -ERANGE);
	dec("\x20", 1, LWB_TYPE_UNSIGNED, -ERANGE);
	dec("\xf9\x7c\x00", 3, LWB_TYPE_FLOAT, -ERANGE); /* infinity */
	dec("\xf9\x7e\x00", 3, LWB_TYPE_FLOAT, -ERANGE); /* NaN */
	dec("\xf6", 1, LWB_TYPE_BOOLEAN, -EBADMSG);	 /* null */
	dec("\x01", 1, LWB_TYPE_BOOLEAN, -EBADMSG);
	dec("\x62\xc3\x28", 3, LWB_TYPE_STRING, -EBADMSG); /* bad UTF-8 */
	dec("\x41\x01", 2, LWB_TYPE_STRING, -EBADMSG);	   /* bytes */
	dec("\x61"
	    "a",
	    2, LWB_TYPE_OPAQUE, -EBADMSG);
	dec("\x5f\x41\x01\xff", 4, LWB_TYPE_OPAQUE, -EBADMSG); /* chunked */
	dec("\x82\x01\x02", 3, LWB_TYPE_INTEGER, -EBADMSG);    /* array */
	dec("\xc2\x41\x01", 3, LWB_TYPE_TIME, -EBADMSG);       /* tag 2 */
	dec("\xc1\xc1\x01", 3, LWB_TYPE_TIME, -EBADMSG);       /* nested */
	dec("\xc1", 1, LWB_TYPE_TIME, -EBADMSG);
	dec("\xc1\x01", 2, LWB_TYPE_INTEGER, -EBADMSG); /* tag for int */
	dec("\xc1\xfb\x41\xd4\x52\xd9\xec\x20\x00\x00", 10, LWB_TYPE_TIME,
	    -ERANGE); /* 1363896240.5 */
	dec("\x63"
	    "3-0",
	    4, LWB_TYPE_OBJLNK, -EBADMSG);
	dec("\x01", 1, LWB_TYPE_NONE, -ENOENT);
	dec("\x01", 1, (enum lwb_type)99, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_golden),
		cmocka_unit_test(test_encode_refused),
		cmocka_unit_test(test_decode_lenient_numbers),
		cmocka_unit_test(test_decode_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

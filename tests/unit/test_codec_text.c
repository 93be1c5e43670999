/* SPDX-License-Identifier: BSD-3-Clause */
/* Plain text (Content-Format 0) and opaque (42). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "codec_opaque.h"
#include "codec_base64.h"
#include "codec_text.h"

/* ---- helpers ----------------------------------------------------------- */

static void enc_ok(struct lwb_value v, const char *want)
{
	char out[64];
	size_t n = strlen(want);

	assert_int_equal(text_encode(&v, out, sizeof(out)), (int)n);
	assert_memory_equal(out, want, n);
	/* Exact fit works; one byte less does not. */
	assert_int_equal(text_encode(&v, out, n), (int)n);
	if (n > 0)
		assert_int_equal(text_encode(&v, out, n - 1), -ENOBUFS);
}

static struct lwb_value dec_ok(const char *s, enum lwb_type type)
{
	struct lwb_value v;
	uint8_t scratch[64];

	assert_int_equal(
		text_decode(s, strlen(s), type, &v, scratch, sizeof(scratch)),
		0);
	assert_int_equal(v.type, type);
	return v;
}

/* Decoding fails with err, and the output is left alone. */
static void dec_bad(const char *s, size_t len, enum lwb_type type, int err)
{
	struct lwb_value v = {.type = LWB_TYPE_BOOLEAN, .v.b = true};
	uint8_t scratch[64];

	assert_int_equal(
		text_decode(s, len, type, &v, scratch, sizeof(scratch)), err);
	assert_int_equal(v.type, LWB_TYPE_BOOLEAN);
	assert_true(v.v.b);
}

static void dec_bad_s(const char *s, enum lwb_type type, int err)
{
	dec_bad(s, strlen(s), type, err);
}

/* ---- encoding ---------------------------------------------------------- */

/* LwM2M 1.0.2 TS section 6.4.1 (Plain Text): Read /3/0/0 of the example
 * client answers "Open Mobile Alliance"; strings go out as they are. */
static void test_encode_string_spec_example(void **state)
{
	static const char s[] = "Open Mobile Alliance";

	(void)state;
	enc_ok((struct lwb_value){.type = LWB_TYPE_STRING,
				  .v.bytes = {s, sizeof(s) - 1}},
	       "Open Mobile Alliance");
	enc_ok((struct lwb_value){.type = LWB_TYPE_CORELNK,
				  .v.bytes = {"</1>", 4}},
	       "</1>");
	enc_ok((struct lwb_value){.type = LWB_TYPE_STRING,
				  .v.bytes = {NULL, 0}},
	       "");
}

static void test_encode_numbers(void **state)
{
	(void)state;
	enc_ok((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = 0}, "0");
	enc_ok((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = 100}, "100");
	enc_ok((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = -1}, "-1");
	enc_ok((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = INT64_MAX},
	       "9223372036854775807");
	enc_ok((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = INT64_MIN},
	       "-9223372036854775808");
	enc_ok((struct lwb_value){.type = LWB_TYPE_TIME, .v.i = 0x5182428F},
	       "1367491215");
	enc_ok((struct lwb_value){.type = LWB_TYPE_UNSIGNED, .v.u = UINT64_MAX},
	       "18446744073709551615");
	enc_ok((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = 1.5}, "1.5");
	enc_ok((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = 22.0}, "22");
	enc_ok((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = 0.1}, "0.1");
	enc_ok((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = -0.0}, "-0");
	enc_ok((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = 1e300},
	       "1e+300");
}

static void test_encode_other(void **state)
{
	struct lwb_value v = {.type = LWB_TYPE_FLOAT, .v.f = NAN};
	char out[64];

	(void)state;
	enc_ok((struct lwb_value){.type = LWB_TYPE_BOOLEAN, .v.b = true}, "1");
	enc_ok((struct lwb_value){.type = LWB_TYPE_BOOLEAN, .v.b = false}, "0");
	enc_ok((struct lwb_value){.type = LWB_TYPE_OBJLNK, .v.lnk = {3, 0}},
	       "3:0");
	enc_ok((struct lwb_value){.type = LWB_TYPE_OBJLNK,
				  .v.lnk = {65535, 65535}},
	       "65535:65535");
	assert_int_equal(text_encode(&v, out, sizeof(out)), -EINVAL);
	v.v.f = INFINITY;
	assert_int_equal(text_encode(&v, out, sizeof(out)), -EINVAL);
	v.type = LWB_TYPE_NONE;
	assert_int_equal(text_encode(&v, out, sizeof(out)), -EINVAL);
	v.type = (enum lwb_type)99;
	assert_int_equal(text_encode(&v, out, sizeof(out)), -EINVAL);
}

/* RFC 4648 section 10 test vectors: LwM2M 1.1 Core Appendix C makes
 * base64 the plain text form of Opaque. */
static const char *const b64_plain[] = {"",	"f",	 "fo",	  "foo",
					"foob", "fooba", "foobar"};
static const char *const b64_text[] = {
	"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

static void test_opaque_base64(void **state)
{
	(void)state;
	for (size_t i = 0; i < 7; i++) {
		struct lwb_value v;
		uint8_t scratch[8];
		size_t n = strlen(b64_plain[i]);
		size_t tn = strlen(b64_text[i]);

		enc_ok((struct lwb_value){.type = LWB_TYPE_OPAQUE,
					  .v.bytes = {b64_plain[i], n}},
		       b64_text[i]);
		assert_int_equal(text_decode(b64_text[i], tn, LWB_TYPE_OPAQUE,
					     &v, scratch, sizeof(scratch)),
				 0);
		assert_int_equal(v.v.bytes.len, n);
		assert_ptr_equal(v.v.bytes.ptr, scratch);
		if (n > 0)
			assert_memory_equal(v.v.bytes.ptr, b64_plain[i], n);
		/* TEXT_OPAQUE_SCRATCH is always enough. */
		assert_true(TEXT_OPAQUE_SCRATCH(tn) >= n);
	}
	/* Every byte value survives, through all of the alphabet. */
	{
		uint8_t all[256];
		char text[344 + 1];
		uint8_t back[258];
		struct lwb_value v = {.type = LWB_TYPE_OPAQUE,
				      .v.bytes = {all, sizeof(all)}};

		for (size_t i = 0; i < sizeof(all); i++)
			all[i] = (uint8_t)i;
		assert_int_equal(text_encode(&v, text, sizeof(text)), 344);
		assert_int_equal(text_decode(text, 344, LWB_TYPE_OPAQUE, &v,
					     back, sizeof(back)),
				 0);
		assert_int_equal(v.v.bytes.len, 256);
		assert_memory_equal(back, all, 256);
	}
}

static void test_opaque_base64_bad(void **state)
{
	struct lwb_value v;
	uint8_t small[2];

	(void)state;
	dec_bad_s("Zg=", LWB_TYPE_OPAQUE, -EBADMSG);	  /* not 4n long */
	dec_bad_s("Zg=a", LWB_TYPE_OPAQUE, -EBADMSG);	  /* "=" inside */
	dec_bad_s("Z===", LWB_TYPE_OPAQUE, -EBADMSG);	  /* too much pad */
	dec_bad_s("Zg==Zg==", LWB_TYPE_OPAQUE, -EBADMSG); /* pad not last */
	dec_bad_s("Zh==", LWB_TYPE_OPAQUE, -EBADMSG);	  /* unused bits */
	dec_bad_s("Zm9=", LWB_TYPE_OPAQUE, -EBADMSG);	  /* unused bits */
	dec_bad_s("Zm9v\n", LWB_TYPE_OPAQUE, -EBADMSG);
	dec_bad_s("Zm 9", LWB_TYPE_OPAQUE, -EBADMSG);
	dec_bad_s("Zm-_", LWB_TYPE_OPAQUE, -EBADMSG); /* base64url */
	/* The decoded bytes do not fit the scratch space. */
	assert_int_equal(text_decode("Zm9v", 4, LWB_TYPE_OPAQUE, &v, small,
				     sizeof(small)),
			 -ENOBUFS);
	assert_int_equal(
		codec_base64_encode("foo", 3, CODEC_BASE64_STD, (char *)small,
				    sizeof(small)),
		-ENOBUFS);
}

/* ---- decoding ---------------------------------------------------------- */

static void test_decode_integers(void **state)
{
	(void)state;
	assert_true(dec_ok("0", LWB_TYPE_INTEGER).v.i == 0);
	assert_true(dec_ok("-0", LWB_TYPE_INTEGER).v.i == 0);
	assert_true(dec_ok("007", LWB_TYPE_INTEGER).v.i == 7);
	assert_true(dec_ok("-42", LWB_TYPE_INTEGER).v.i == -42);
	assert_true(dec_ok("9223372036854775807", LWB_TYPE_INTEGER).v.i ==
		    INT64_MAX);
	assert_true(dec_ok("-9223372036854775808", LWB_TYPE_INTEGER).v.i ==
		    INT64_MIN);
	assert_true(dec_ok("1367491215", LWB_TYPE_TIME).v.i == 1367491215);
	assert_true(dec_ok("-1", LWB_TYPE_TIME).v.i == -1);
	assert_true(dec_ok("18446744073709551615", LWB_TYPE_UNSIGNED).v.u ==
		    UINT64_MAX);
	assert_true(dec_ok("0", LWB_TYPE_UNSIGNED).v.u == 0);

	dec_bad_s("9223372036854775808", LWB_TYPE_INTEGER, -ERANGE);
	dec_bad_s("-9223372036854775809", LWB_TYPE_INTEGER, -ERANGE);
	dec_bad_s("99999999999999999999999", LWB_TYPE_TIME, -ERANGE);
	dec_bad_s("18446744073709551616", LWB_TYPE_UNSIGNED, -ERANGE);
	{
		static const char *const bad[] = {
			"",	"-",   "+1",  " 1",  "1 ", "1a",
			"0x10", "1.0", "1e3", "--1", "1-", "\xEF\xBC\x91",
			"\t1",	"1\n",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			dec_bad_s(bad[i], LWB_TYPE_INTEGER, -EBADMSG);
			dec_bad_s(bad[i], LWB_TYPE_UNSIGNED, -EBADMSG);
			dec_bad_s(bad[i], LWB_TYPE_TIME, -EBADMSG);
		}
	}
	dec_bad_s("-1", LWB_TYPE_UNSIGNED, -EBADMSG);
	/* The length counts, not a NUL: "12" of "123". */
	{
		struct lwb_value v;

		assert_int_equal(
			text_decode("123", 2, LWB_TYPE_INTEGER, &v, NULL, 0),
			0);
		assert_true(v.v.i == 12);
	}
}

static void test_decode_floats(void **state)
{
	char longnum[200];

	(void)state;
	assert_true(dec_ok("1.5", LWB_TYPE_FLOAT).v.f == 1.5);
	assert_true(dec_ok("-2.25e3", LWB_TYPE_FLOAT).v.f == -2250.0);
	assert_true(dec_ok("1E-5", LWB_TYPE_FLOAT).v.f == 1e-5);
	assert_true(dec_ok("22", LWB_TYPE_FLOAT).v.f == 22.0);
	assert_true(dec_ok("0.1", LWB_TYPE_FLOAT).v.f == 0.1);
	assert_true(dec_ok("1e+300", LWB_TYPE_FLOAT).v.f == 1e300);
	assert_true(signbit(dec_ok("-0", LWB_TYPE_FLOAT).v.f));
	/* Underflow is the nearest double, not an error. */
	assert_true(dec_ok("1e-400", LWB_TYPE_FLOAT).v.f == 0.0);
	dec_bad_s("1e400", LWB_TYPE_FLOAT, -ERANGE);
	dec_bad_s("-1e400", LWB_TYPE_FLOAT, -ERANGE);
	{
		static const char *const bad[] = {
			"",    ".5", "5.",   "1e",   "1e+",	 "inf",	 "-inf",
			"nan", "+1", " 1",   "1 ",   "0x1p3",	 "1.5x", "1,5",
			"-",   "e5", "1..5", "1.5.", "Infinity",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			dec_bad_s(bad[i], LWB_TYPE_FLOAT, -EBADMSG);
	}
	/* Well-formed but longer than FLOAT_TEXT_MAX (128). */
	memset(longnum, '1', sizeof(longnum));
	dec_bad(longnum, 129, LWB_TYPE_FLOAT, -ERANGE);
	{
		struct lwb_value v;

		longnum[0] = '0';
		longnum[1] = '.';
		assert_int_equal(
			text_decode(longnum, 128, LWB_TYPE_FLOAT, &v, NULL, 0),
			0);
		assert_true(v.v.f > 0.11 && v.v.f < 0.12);
	}
}

static void test_decode_boolean_objlnk(void **state)
{
	struct lwb_value v;

	(void)state;
	assert_true(dec_ok("1", LWB_TYPE_BOOLEAN).v.b);
	assert_false(dec_ok("0", LWB_TYPE_BOOLEAN).v.b);
	dec_bad_s("true", LWB_TYPE_BOOLEAN, -EBADMSG);
	dec_bad_s("2", LWB_TYPE_BOOLEAN, -EBADMSG);
	dec_bad_s("01", LWB_TYPE_BOOLEAN, -EBADMSG);
	dec_bad_s("", LWB_TYPE_BOOLEAN, -EBADMSG);
	dec_bad_s(" 1", LWB_TYPE_BOOLEAN, -EBADMSG);

	v = dec_ok("3:0", LWB_TYPE_OBJLNK);
	assert_int_equal(v.v.lnk.oid, 3);
	assert_int_equal(v.v.lnk.iid, 0);
	v = dec_ok("65535:65535", LWB_TYPE_OBJLNK);
	assert_int_equal(v.v.lnk.oid, 65535);
	assert_int_equal(v.v.lnk.iid, 65535);
	dec_bad_s("65536:0", LWB_TYPE_OBJLNK, -ERANGE);
	dec_bad_s("3:65536", LWB_TYPE_OBJLNK, -ERANGE);
	dec_bad_s("99999999999999999999999:1", LWB_TYPE_OBJLNK, -ERANGE);
	{
		static const char *const bad[] = {
			"3",	":0",	"3:",	"3:0:1", "a:0",	    "-1:0",
			" 3:0", "3 :0", "3:0 ", "",	 "99999:x",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			dec_bad_s(bad[i], LWB_TYPE_OBJLNK, -EBADMSG);
	}
}

static void test_decode_strings(void **state)
{
	static const char s[] = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80";
	struct lwb_value v;

	(void)state;
	/* Strings point into the input. */
	assert_int_equal(
		text_decode(s, sizeof(s) - 1, LWB_TYPE_STRING, &v, NULL, 0), 0);
	assert_ptr_equal(v.v.bytes.ptr, s);
	assert_int_equal(v.v.bytes.len, sizeof(s) - 1);
	assert_int_equal(text_decode("", 0, LWB_TYPE_STRING, &v, NULL, 0), 0);
	assert_int_equal(v.v.bytes.len, 0);
	assert_int_equal(text_decode("</1>", 4, LWB_TYPE_CORELNK, &v, NULL, 0),
			 0);
	assert_int_equal(v.type, LWB_TYPE_CORELNK);
	{
		static const char *const bad[] = {
			"\xC3\x28",	    /* bad continuation */
			"\xC0\xAF",	    /* overlong "/" */
			"\xE0\x80\xAF",	    /* overlong */
			"\xED\xA0\x80",	    /* surrogate */
			"\xF4\x90\x80\x80", /* above U+10FFFF */
			"\xE2\x82",	    /* truncated */
			"\xFF",		    /* never valid */
			"\x80",		    /* lone continuation */
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			dec_bad_s(bad[i], LWB_TYPE_STRING, -EBADMSG);
			dec_bad_s(bad[i], LWB_TYPE_CORELNK, -EBADMSG);
		}
	}
	/* NUL is a valid code point. */
	assert_true(text_utf8_valid("a\0b", 3));
}

static void test_decode_types(void **state)
{
	(void)state;
	dec_bad_s("1", LWB_TYPE_NONE, -ENOENT);
	dec_bad_s("1", (enum lwb_type)99, -EINVAL);
}

/* ---- opaque (42) ------------------------------------------------------- */

static void test_opaque_codec(void **state)
{
	static const uint8_t bytes[] = {0x00, 0xFF, 0x10, 0x80};
	struct lwb_value v = {.type = LWB_TYPE_OPAQUE,
			      .v.bytes = {bytes, sizeof(bytes)}};
	struct lwb_value out = {.type = LWB_TYPE_BOOLEAN};
	uint8_t buf[8];

	(void)state;
	assert_int_equal(opaque_encode(&v, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, bytes, 4);
	assert_int_equal(opaque_encode(&v, buf, 4), 4);
	assert_int_equal(opaque_encode(&v, buf, 3), -ENOBUFS);
	v.v.bytes.len = 0;
	assert_int_equal(opaque_encode(&v, buf, 0), 0);
	v.type = LWB_TYPE_STRING;
	assert_int_equal(opaque_encode(&v, buf, sizeof(buf)), -EINVAL);

	assert_int_equal(
		opaque_decode(bytes, sizeof(bytes), LWB_TYPE_OPAQUE, &out), 0);
	assert_int_equal(out.type, LWB_TYPE_OPAQUE);
	assert_ptr_equal(out.v.bytes.ptr, bytes);
	assert_int_equal(out.v.bytes.len, sizeof(bytes));
	out.type = LWB_TYPE_BOOLEAN;
	assert_int_equal(
		opaque_decode(bytes, sizeof(bytes), LWB_TYPE_INTEGER, &out),
		-EBADMSG);
	assert_int_equal(
		opaque_decode(bytes, sizeof(bytes), LWB_TYPE_STRING, &out),
		-EBADMSG);
	assert_int_equal(
		opaque_decode(bytes, sizeof(bytes), LWB_TYPE_NONE, &out),
		-ENOENT);
	assert_int_equal(out.type, LWB_TYPE_BOOLEAN); /* untouched */
}

/* Every type: encode, decode, same value. */
static void test_roundtrip_all_types(void **state)
{
	static const uint8_t op[] = {1, 2, 3, 4, 5};
	const struct lwb_value vals[] = {
		{.type = LWB_TYPE_STRING, .v.bytes = {"x:y", 3}},
		{.type = LWB_TYPE_INTEGER, .v.i = INT64_MIN},
		{.type = LWB_TYPE_UNSIGNED, .v.u = UINT64_MAX},
		{.type = LWB_TYPE_FLOAT, .v.f = 0.30000000000000004},
		{.type = LWB_TYPE_FLOAT, .v.f = -1.7976931348623157e308},
		{.type = LWB_TYPE_FLOAT, .v.f = 5e-324},
		{.type = LWB_TYPE_BOOLEAN, .v.b = true},
		{.type = LWB_TYPE_OPAQUE, .v.bytes = {op, sizeof(op)}},
		{.type = LWB_TYPE_TIME, .v.i = INT64_MAX},
		{.type = LWB_TYPE_OBJLNK, .v.lnk = {1, 65534}},
		{.type = LWB_TYPE_CORELNK, .v.bytes = {"</3/0>", 6}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char text[64];
		uint8_t scratch[64];
		struct lwb_value back;
		int n = text_encode(&vals[i], text, sizeof(text));

		assert_true(n >= 0);
		assert_int_equal(text_decode(text, (size_t)n, vals[i].type,
					     &back, scratch, sizeof(scratch)),
				 0);
		assert_int_equal(back.type, vals[i].type);
		switch (back.type) {
		case LWB_TYPE_STRING:
		case LWB_TYPE_CORELNK:
		case LWB_TYPE_OPAQUE:
			assert_int_equal(back.v.bytes.len, vals[i].v.bytes.len);
			assert_memory_equal(back.v.bytes.ptr,
					    vals[i].v.bytes.ptr,
					    back.v.bytes.len);
			break;
		case LWB_TYPE_FLOAT:
			assert_true(back.v.f == vals[i].v.f);
			break;
		case LWB_TYPE_INTEGER:
		case LWB_TYPE_TIME: assert_true(back.v.i == vals[i].v.i); break;
		case LWB_TYPE_UNSIGNED:
			assert_true(back.v.u == vals[i].v.u);
			break;
		case LWB_TYPE_BOOLEAN:
			assert_int_equal(back.v.b, vals[i].v.b);
			break;
		case LWB_TYPE_OBJLNK:
			assert_int_equal(back.v.lnk.oid, vals[i].v.lnk.oid);
			assert_int_equal(back.v.lnk.iid, vals[i].v.lnk.iid);
			break;
		case LWB_TYPE_NONE: fail(); break;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_string_spec_example),
		cmocka_unit_test(test_encode_numbers),
		cmocka_unit_test(test_encode_other),
		cmocka_unit_test(test_opaque_base64),
		cmocka_unit_test(test_opaque_base64_bad),
		cmocka_unit_test(test_decode_integers),
		cmocka_unit_test(test_decode_floats),
		cmocka_unit_test(test_decode_boolean_objlnk),
		cmocka_unit_test(test_decode_strings),
		cmocka_unit_test(test_decode_types),
		cmocka_unit_test(test_opaque_codec),
		cmocka_unit_test(test_roundtrip_all_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

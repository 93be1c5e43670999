/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_text.h"

#include "codec_base64.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* Longest float text we read: enough for any double written with %.17g and
 * for generous hand-written forms; longer input is refused with -ERANGE
 * rather than copied into a bigger stack buffer. */
#define FLOAT_TEXT_MAX 128


static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Writes the decimal digits of u backwards from the end of tmp; returns the
 * index of the first digit. */
static size_t utoa_tail(uint64_t u, char tmp[20])
{
	size_t i = 20;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	return i;
}

static int put_uint(uint64_t u, bool neg, char *out, size_t cap)
{
	char tmp[20];
	size_t i = utoa_tail(u, tmp);
	size_t n = 20 - i + (neg ? 1 : 0);

	if (n > cap)
		return -ENOBUFS;
	if (neg)
		*out++ = '-';
	memcpy(out, tmp + i, 20 - i);
	return (int)n;
}

static int put_int(int64_t v, char *out, size_t cap)
{
	/* The magnitude of INT64_MIN does not fit an int64: negate unsigned. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	return put_uint(mag, v < 0, out, cap);
}

bool text_utf8_valid(const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint32_t cp;
		uint32_t min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

int text_encode(const struct lwb_value *v, char *out, size_t cap)
{
	char tmp[32];
	int n;

	switch (v->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		if (v->v.bytes.len > (size_t)INT32_MAX)
			return -EINVAL;
		if (v->v.bytes.len > cap)
			return -ENOBUFS;
		if (v->v.bytes.len > 0)
			memcpy(out, v->v.bytes.ptr, v->v.bytes.len);
		return (int)v->v.bytes.len;
	case LWB_TYPE_OPAQUE:
		return codec_base64_encode(v->v.bytes.ptr, v->v.bytes.len,
					  CODEC_BASE64_STD, out,
					  cap);
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: return put_int(v->v.i, out, cap);
	case LWB_TYPE_UNSIGNED: return put_uint(v->v.u, false, out, cap);
	case LWB_TYPE_FLOAT:
		n = codec_format_double(v->v.f, tmp, sizeof(tmp));
		if (n < 0)
			return n;
		if ((size_t)n > cap)
			return -ENOBUFS;
		memcpy(out, tmp, (size_t)n);
		return n;
	case LWB_TYPE_BOOLEAN:
		if (cap < 1)
			return -ENOBUFS;
		out[0] = v->v.b ? '1' : '0';
		return 1;
	case LWB_TYPE_OBJLNK:
		n = put_uint(v->v.lnk.oid, false, tmp, sizeof(tmp));
		tmp[n++] = ':';
		n += put_uint(v->v.lnk.iid, false, tmp + n, sizeof(tmp) - n);
		if ((size_t)n > cap)
			return -ENOBUFS;
		memcpy(out, tmp, (size_t)n);
		return n;
	case LWB_TYPE_NONE: break;
	}
	return -EINVAL;
}

/* Reads [0-9]+ as an unsigned number no larger than max.  Returns 0,
 * -EBADMSG (no digit or a non-digit) or -ERANGE. */
static int parse_digits(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t u = 0;

	if (len == 0)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return -EBADMSG;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (u > (max - d) / 10)
			return -ERANGE;
		u = u * 10 + d;
	}
	*out = u;
	return 0;
}

static int parse_int(const char *s, size_t len, int64_t *out)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t mag;
	int rc;

	if (neg)
		s++, len--;
	rc = parse_digits(s, len, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX,
			  &mag);
	if (rc < 0)
		return rc;
	/* Two's complement: -(2^63) is INT64_MIN, no overflow in uint64. */
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

/* Checks -?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)? before strtod() sees the
 * text, so its extensions (hex, inf, nan, white space, "+") stay out. */
static bool float_syntax_ok(const char *s, size_t len)
{
	size_t i = 0;
	size_t start;

	if (i < len && s[i] == '-')
		i++;
	start = i;
	while (i < len && is_digit(s[i]))
		i++;
	if (i == start)
		return false;
	if (i < len && s[i] == '.') {
		start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return false;
	}
	return i == len;
}

static int parse_float(const char *s, size_t len, double *out)
{
	char tmp[FLOAT_TEXT_MAX + 1];
	char *end;
	double d;

	if (!float_syntax_ok(s, len))
		return -EBADMSG;
	if (len > FLOAT_TEXT_MAX)
		return -ERANGE;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	d = strtod(tmp, &end);
	if (end != tmp + len)
		return -EBADMSG;
	/* Underflow rounds to zero or a subnormal, which is still the nearest
	 * double; only overflow loses the value. */
	if (!isfinite(d))
		return -ERANGE;
	*out = d;
	return 0;
}

static int parse_objlnk(const char *s, size_t len, struct lwb_objlnk *out)
{
	const char *colon = memchr(s, ':', len);
	uint64_t oid;
	uint64_t iid;
	size_t n1;
	int rc1;
	int rc2;

	if (!colon)
		return -EBADMSG;
	n1 = (size_t)(colon - s);
	rc1 = parse_digits(s, n1, 65535, &oid);
	rc2 = parse_digits(colon + 1, len - n1 - 1, 65535, &iid);
	/* Syntax errors win over range errors, whichever half has them. */
	if (rc1 == -EBADMSG || rc2 == -EBADMSG)
		return -EBADMSG;
	if (rc1 < 0 || rc2 < 0)
		return -ERANGE;
	out->oid = (uint16_t)oid;
	out->iid = (uint16_t)iid;
	return 0;
}

int text_decode(const char *buf, size_t len, enum lwb_type type,
		struct lwb_value *out, uint8_t *scratch, size_t scratch_cap)
{
	struct lwb_value v = {.type = type};
	int rc = 0;

	switch (type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
		if (!text_utf8_valid(buf, len))
			return -EBADMSG;
		v.v.bytes.ptr = buf;
		v.v.bytes.len = len;
		break;
	case LWB_TYPE_OPAQUE:
		rc = codec_base64_decode(buf, len,
					CODEC_BASE64_STD | CODEC_BASE64_PADDED,
					scratch, scratch_cap);
		if (rc < 0)
			return rc;
		v.v.bytes.ptr = scratch;
		v.v.bytes.len = (size_t)rc;
		rc = 0;
		break;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: rc = parse_int(buf, len, &v.v.i); break;
	case LWB_TYPE_UNSIGNED:
		rc = parse_digits(buf, len, UINT64_MAX, &v.v.u);
		break;
	case LWB_TYPE_FLOAT: rc = parse_float(buf, len, &v.v.f); break;
	case LWB_TYPE_BOOLEAN:
		if (len != 1 || (buf[0] != '0' && buf[0] != '1'))
			return -EBADMSG;
		v.v.b = buf[0] == '1';
		break;
	case LWB_TYPE_OBJLNK: rc = parse_objlnk(buf, len, &v.v.lnk); break;
	case LWB_TYPE_NONE: return -ENOENT;
	default: return -EINVAL;
	}
	if (rc < 0)
		return rc;
	*out = v;
	return 0;
}

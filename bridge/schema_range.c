/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RangeEnumeration: from the free text the registry uses to a check the
 * data model can apply.  Only readings that are clearly meant are taken;
 * everything else is kept as text and not checked, because rejecting a
 * valid write on a misread range is worse than not checking it.
 */
#include "config.h"

#include "schema.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* Fraction digits beyond this add nothing a double can hold. */
#define MAX_FRACTION_DIGITS 18

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_space(const char *s, const char *end)
{
	while (s < end && is_space(*s))
		s++;
	return s;
}

/* Reads [sign] digits [. digits] at *sp.  Returns false (and leaves *sp)
 * if there is no number there or its integer part passes 64 bits. */
static bool read_number(const char **sp, const char *end, bool allow_sign,
			struct schema_bound *b, bool *integral)
{
	const char *s = *sp;
	bool neg = false;
	uint64_t mag = 0;
	double frac = 0, scale = 1;
	unsigned nfrac = 0;

	if (allow_sign && s < end && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	if (s >= end || !is_digit(*s))
		return false;
	while (s < end && is_digit(*s)) {
		unsigned dgt = (unsigned)(*s - '0');

		if (mag > (UINT64_MAX - dgt) / 10)
			return false;
		mag = mag * 10 + dgt;
		s++;
	}
	*integral = true;
	if (s + 1 < end && *s == '.' && is_digit(s[1])) {
		s++;
		while (s < end && is_digit(*s)) {
			if (nfrac < MAX_FRACTION_DIGITS) {
				frac = frac * 10 + (*s - '0');
				scale *= 10;
				nfrac++;
			}
			s++;
		}
		*integral = false;
	}
	b->neg = neg && (mag != 0 || frac != 0);
	b->mag = mag;
	/* Whole and fraction apart, each exact, so "0.000001" reads as the
	 * double nearest to it, without strtod()'s locale. */
	b->d = (double)mag + frac / scale;
	if (neg)
		b->d = -b->d;
	*sp = s;
	return true;
}

/* a < b for two parsed bounds. */
static bool bound_less(const struct schema_bound *a,
		       const struct schema_bound *b, bool integral)
{
	if (!integral)
		return a->d < b->d;
	if (a->neg != b->neg)
		return a->neg;
	return a->neg ? a->mag > b->mag : a->mag < b->mag;
}

static bool has_suffix_bytes(const char *s, const char **endp)
{
	const char *end = *endp;
	size_t n;

	if ((size_t)(end - s) >= 5 && strncasecmp(end - 5, "bytes", 5) == 0)
		n = 5;
	else if ((size_t)(end - s) >= 4 && strncasecmp(end - 4, "byte", 4) == 0)
		n = 4;
	else
		return false;
	end -= n;
	/* "64bytes" or "64 bytes", but not "kbytes". */
	if (end > s && !is_space(end[-1]) && !is_digit(end[-1]))
		return false;
	*endp = end;
	return true;
}

void schema_range_parse(enum lwb_type type, const char *text,
			struct schema_range *out)
{
	const char *s, *end;
	struct schema_bound lo, hi;
	bool lo_int = false, hi_int = false, bytes, pair = false;
	bool numeric_type, length_type;

	memset(out, 0, sizeof(*out));
	if (!text)
		return;
	numeric_type = type == LWB_TYPE_INTEGER || type == LWB_TYPE_UNSIGNED ||
		       type == LWB_TYPE_FLOAT || type == LWB_TYPE_TIME;
	length_type = type == LWB_TYPE_STRING || type == LWB_TYPE_OPAQUE;
	if (!numeric_type && !length_type)
		return;
	s = skip_space(text, text + strlen(text));
	end = s + strlen(s);
	while (end > s && is_space(end[-1]))
		end--;
	bytes = has_suffix_bytes(s, &end);
	while (end > s && is_space(end[-1]))
		end--;

	if (!read_number(&s, end, numeric_type, &lo, &lo_int))
		return;
	s = skip_space(s, end);
	if (end - s >= 2 && s[0] == '.' && s[1] == '.') {
		s += 2;
		pair = true;
	} else if (s < end && *s == '-') {
		s++;
		pair = true;
	}
	if (pair) {
		s = skip_space(s, end);
		if (!read_number(&s, end, numeric_type, &hi, &hi_int))
			return;
		s = skip_space(s, end);
	} else {
		hi = lo;
		hi_int = lo_int;
	}
	if (s != end)
		return;

	if (length_type) {
		if (!lo_int || !hi_int || lo.mag > hi.mag)
			return;
		out->kind = SCHEMA_RANGE_LENGTH;
		out->min_len = lo.mag;
		out->max_len = hi.mag;
		return;
	}
	/* A single number or a byte count says nothing clear about the
	 * value of a numeric resource. */
	if (!pair || bytes)
		return;
	out->integral = lo_int && hi_int;
	if (bound_less(&hi, &lo, out->integral))
		return;
	out->kind = SCHEMA_RANGE_NUMERIC;
	out->min = lo;
	out->max = hi;
}

/* Compares a signed integer with an integral bound: <0, 0, >0. */
static int cmp_signed(int64_t v, const struct schema_bound *b)
{
	uint64_t mag;

	if (v < 0) {
		if (!b->neg)
			return -1;
		mag = (uint64_t)(-(v + 1)) + 1;
		return mag > b->mag ? -1 : mag < b->mag ? 1 : 0;
	}
	if (b->neg)
		return 1;
	mag = (uint64_t)v;
	return mag < b->mag ? -1 : mag > b->mag ? 1 : 0;
}

static int cmp_unsigned(uint64_t v, const struct schema_bound *b)
{
	if (b->neg)
		return 1;
	return v < b->mag ? -1 : v > b->mag ? 1 : 0;
}

static int check_numeric(const struct schema_range *r,
			 const struct lwb_value *v)
{
	double d;

	switch (v->type) {
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME:
		if (r->integral)
			return cmp_signed(v->v.i, &r->min) < 0 ||
					       cmp_signed(v->v.i, &r->max) > 0
				       ? -ERANGE
				       : 0;
		d = (double)v->v.i;
		break;
	case LWB_TYPE_UNSIGNED:
		if (r->integral)
			return cmp_unsigned(v->v.u, &r->min) < 0 ||
					       cmp_unsigned(v->v.u, &r->max) > 0
				       ? -ERANGE
				       : 0;
		d = (double)v->v.u;
		break;
	case LWB_TYPE_FLOAT: d = v->v.f; break;
	case LWB_TYPE_NONE:
	case LWB_TYPE_STRING:
	case LWB_TYPE_BOOLEAN:
	case LWB_TYPE_OPAQUE:
	case LWB_TYPE_OBJLNK:
	case LWB_TYPE_CORELNK:
	default: return 0;
	}
	return d < r->min.d || d > r->max.d ? -ERANGE : 0;
}

int schema_check_value(const struct schema_resource *res,
		       const struct lwb_value *v)
{
	const struct schema_range *r = &res->range;

	switch (r->kind) {
	case SCHEMA_RANGE_NUMERIC: return check_numeric(r, v);
	case SCHEMA_RANGE_LENGTH:
		if (v->type != LWB_TYPE_STRING && v->type != LWB_TYPE_OPAQUE)
			return 0;
		return v->v.bytes.len < r->min_len ||
				       v->v.bytes.len > r->max_len
			       ? -ERANGE
			       : 0;
	case SCHEMA_RANGE_NONE:
	default: return 0;
	}
}

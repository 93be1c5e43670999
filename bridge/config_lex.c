/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A pass over the text before libconfig parses it, for two things libconfig
 * 1.5 gets wrong or that we do not want:
 *  - it stores a decimal literal without an L suffix in an int and silently
 *    truncates it (4294967297 reads as 1), which would defeat every range
 *    check; with an L suffix it clamps at 64 bits.  Newer versions promote
 *    instead; rejecting everywhere keeps behaviour the same on all.
 *  - "@include" opens any file named in the text (a FIFO or /dev/zero would
 *    hang start-up); one file is enough for this daemon.
 * The token rules follow libconfig's scanner: strings with backslash
 * escapes, "#", "//" and block comments, names [A-Za-z*][-A-Za-z0-9_*]*.
 * Where the two could disagree the text is malformed and libconfig
 * rejects it anyway.  Linear time, no recursion.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "config_internal.h"

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-' || ch == '_' ||
	       ch == '*';
}

static const char *skip_digits(const char *p)
{
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/* After the integer part of a float: [.digits][(e|E)[+-]digits]. */
static const char *skip_float_tail(const char *p)
{
	if (*p == '.')
		p = skip_digits(p + 1);
	if ((*p == 'e' || *p == 'E') &&
	    (isdigit((unsigned char)p[1]) ||
	     ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2]))))
		p = skip_digits(p + 2);
	return p;
}

/* *pp is at a sign or digit starting a number; moves past it. */
static int check_number(struct cfg_ctx *c, const char **pp, unsigned line)
{
	const char *start = *pp, *p = start;
	bool neg = false, overflow = false, is64;
	uint64_t v = 0, limit;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    isxdigit((unsigned char)p[2])) {
		size_t digits = 0;

		/* A hex literal is a bit pattern: 8 digits for int, 16 for
		 * int64, leading zeros aside. */
		for (p += 2; *p == '0'; p++)
			;
		for (; isxdigit((unsigned char)*p); p++)
			digits++;
		is64 = *p == 'L';
		while (*p == 'L')
			p++;
		*pp = p;
		if (digits > (is64 ? 16u : 8u))
			return cfg_fail_line(c, line,
					     "hexadecimal integer %.*s does "
					     "not fit in %d bits",
					     (int)(p - start), start,
					     is64 ? 64 : 32);
		return 0;
	}
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (*p == '.' || *p == 'e' || *p == 'E') {
		*pp = skip_float_tail(p);
		return 0;
	}
	is64 = *p == 'L';
	while (*p == 'L')
		p++;
	*pp = p;
	if (is64)
		limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	else
		limit = neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX;
	if (overflow || v > limit) {
		if (is64)
			return cfg_fail_line(
				c, line, "integer %.*s does not fit in 64 bits",
				(int)(p - start), start);
		return cfg_fail_line(c, line,
				     "integer %.*s does not fit in 32 bits; "
				     "write %.*sL for a 64-bit integer",
				     (int)(p - start), start, (int)(p - start),
				     start);
	}
	return 0;
}

int cfg_prescan(struct cfg_ctx *c, const char *p)
{
	unsigned line = 1;

	while (*p) {
		const char ch = *p;

		if (ch == '\n') {
			line++;
			p++;
		} else if (ch == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (*p == '\n')
					line++;
			}
			if (*p)
				p++;
		} else if (ch == '#' || (ch == '/' && p[1] == '/')) {
			while (*p && *p != '\n')
				p++;
		} else if (ch == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				if (*p == '\n')
					line++;
			if (*p)
				p += 2;
		} else if (ch == '@') {
			return cfg_fail_line(c, line,
					     "@include is not supported; "
					     "put all settings in one file");
		} else if (isalpha((unsigned char)ch) || ch == '*') {
			while (is_name_char(*p))
				p++;
		} else if (ch == '.' && isdigit((unsigned char)p[1])) {
			p = skip_float_tail(p);
		} else if (isdigit((unsigned char)ch) ||
			   ((ch == '+' || ch == '-') &&
			    isdigit((unsigned char)p[1]))) {
			int r = check_number(c, &p, line);

			if (r < 0)
				return r;
		} else {
			p++;
		}
	}
	return 0;
}

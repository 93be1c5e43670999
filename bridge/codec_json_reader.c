/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_json_reader.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Checks one number token (RFC 8259 §6) and, for an integer, its range.
 * Returns 0, -EBADMSG or -ERANGE. */
static int check_number(const char *s, size_t n)
{
	static const char max_pos[] = "18446744073709551615"; /* 2^64 - 1 */
	static const char max_neg[] = "9223372036854775808";  /* -2^63 */
	size_t i = 0, digits;
	bool neg = false, integral = true;

	if (s[i] == '-') {
		neg = true;
		i++;
	}
	if (i >= n || !is_digit(s[i]))
		return -EBADMSG;
	if (s[i] == '0' && i + 1 < n && is_digit(s[i + 1]))
		return -EBADMSG;
	while (i < n && is_digit(s[i]))
		i++;
	digits = i - (neg ? 1 : 0);
	if (i < n && s[i] == '.') {
		integral = false;
		if (++i >= n || !is_digit(s[i]))
			return -EBADMSG;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		integral = false;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return -EBADMSG;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i != n)
		return -EBADMSG;
	if (integral) {
		const char *max = neg ? max_neg : max_pos;
		size_t mlen = strlen(max);
		const char *d = s + (neg ? 1 : 0);

		if (digits > mlen ||
		    (digits == mlen && memcmp(d, max, mlen) > 0))
			return -ERANGE;
	}
	return 0;
}

/* The lexical pass described in the header. */
static int prescan(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		char c = buf[i];

		if (c == '\0')
			return -EBADMSG;
		if (c == '"') {
			for (i++; i < len && buf[i] != '"'; i++) {
				if (buf[i] == '\0')
					return -EBADMSG;
				if (buf[i] == '\\')
					i++;
			}
			i++; /* closing quote; json-c reports a missing one */
		} else if (c == '-' || is_digit(c)) {
			size_t start = i;
			int err;

			while (i < len && (is_digit(buf[i]) || buf[i] == '-' ||
					   buf[i] == '+' || buf[i] == '.' ||
					   buf[i] == 'e' || buf[i] == 'E'))
				i++;
			err = check_number(buf + start, i - start);
			if (err)
				return err;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			size_t start = i, n;

			while (i < len && ((buf[i] >= 'a' && buf[i] <= 'z') ||
					   (buf[i] >= 'A' && buf[i] <= 'Z')))
				i++;
			n = i - start;
			if (!((n == 4 && !memcmp(buf + start, "true", 4)) ||
			      (n == 5 && !memcmp(buf + start, "false", 5)) ||
			      (n == 4 && !memcmp(buf + start, "null", 4))))
				return -EBADMSG;
		} else {
			i++;
		}
	}
	return 0;
}

static bool only_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

struct json_object *codec_json_parse(const char *buf, size_t len, int *err)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;

	if (len > INT_MAX) {
		*err = -EBADMSG;
		goto out;
	}
	*err = prescan(buf, len);
	if (*err)
		goto out;
	tok = json_tokener_new_ex(CODEC_JSON_MAX_DEPTH);
	if (!tok) {
		*err = -ENOMEM;
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	/* A truncated text leaves json_tokener_continue and no object. */
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    !only_space(buf + json_tokener_get_parse_end(tok),
			len - json_tokener_get_parse_end(tok))) {
		json_object_put(root);
		root = NULL;
		*err = -EBADMSG;
	}
out:
	if (tok) /* json_tokener_free() does not take NULL */
		json_tokener_free(tok);
	return root;
}

int codec_json_number(struct json_object *o, struct senml_wire *w)
{
	memset(w, 0, sizeof(*w));
	w->kind = SENML_NUMBER;
	switch (json_object_get_type(o)) {
	case json_type_int: {
		/* json-c keeps an int64 or a uint64; get_int64 saturates at
		 * INT64_MAX, get_uint64 at 0, so the pair tells them apart
		 * (the prescan already refused anything outside both). */
		int64_t i = json_object_get_int64(o);

		w->integral = true;
		if (i < 0) {
			w->negative = true;
			w->mag = (uint64_t)(-(i + 1));
		} else {
			w->mag = json_object_get_uint64(o);
		}
		w->d = w->negative ? -1.0 - (double)w->mag : (double)w->mag;
		return 0;
	}
	case json_type_double: w->d = json_object_get_double(o); return 0;
	case json_type_null:
	case json_type_boolean:
	case json_type_object:
	case json_type_array:
	case json_type_string: break;
	}
	return -EBADMSG;
}

int codec_json_string(struct json_object *o, const char **s, size_t *len)
{
	int n;

	if (!json_object_is_type(o, json_type_string))
		return -EBADMSG;
	n = json_object_get_string_len(o);
	if (n < 0)
		return -EBADMSG;
	*s = json_object_get_string(o);
	*len = (size_t)n;
	/* json-c's own check lets overlong forms and surrogates through. */
	return senml_utf8_valid(*s, *len) ? 0 : -EBADMSG;
}

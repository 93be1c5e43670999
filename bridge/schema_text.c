/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The values of DDF fields: trimmed, matched without regard to case or
 * (for Type and Operations) inner white space, as real files vary.
 */
#include "config.h"

#include "schema_priv.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Lower-case s without any white space into buf; false if too long. */
static bool squeeze(const char *s, size_t len, char *buf, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i]))
			continue;
		if (n + 1 >= cap)
			return false;
		buf[n++] = (char)tolower((unsigned char)s[i]);
	}
	buf[n] = '\0';
	return true;
}

int schema_text_type(const char *s, size_t len, enum lwb_type *out)
{
	static const struct {
		const char *key;
		enum lwb_type type;
	} types[] = {
		{"", LWB_TYPE_NONE},
		{"string", LWB_TYPE_STRING},
		{"integer", LWB_TYPE_INTEGER},
		{"unsignedinteger", LWB_TYPE_UNSIGNED},
		{"float", LWB_TYPE_FLOAT},
		{"boolean", LWB_TYPE_BOOLEAN},
		{"opaque", LWB_TYPE_OPAQUE},
		{"time", LWB_TYPE_TIME},
		{"objlnk", LWB_TYPE_OBJLNK},
		{"corelnk", LWB_TYPE_CORELNK},
	};
	char key[24];

	if (!squeeze(s, len, key, sizeof(key)))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(key, types[i].key) == 0) {
			*out = types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

int schema_text_ops(const char *s, size_t len, uint8_t *out)
{
	char key[4];

	if (!squeeze(s, len, key, sizeof(key)))
		return -EINVAL;
	if (strcmp(key, "") == 0)
		*out = SCHEMA_OP_NONE;
	else if (strcmp(key, "r") == 0)
		*out = SCHEMA_OP_READ;
	else if (strcmp(key, "w") == 0)
		*out = SCHEMA_OP_WRITE;
	else if (strcmp(key, "rw") == 0 || strcmp(key, "wr") == 0)
		*out = SCHEMA_OP_READ | SCHEMA_OP_WRITE;
	else if (strcmp(key, "e") == 0)
		*out = SCHEMA_OP_EXEC;
	else
		return -EINVAL;
	return 0;
}

/* Matches s against the two spellings; -EINVAL for anything else. */
int schema_text_choice(const char *s, size_t len, const char *yes,
		       const char *no, bool *out)
{
	if (strlen(yes) == len && strncasecmp(s, yes, len) == 0)
		*out = true;
	else if (strlen(no) == len && strncasecmp(s, no, len) == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* Decimal 0..65534, leading zeros allowed. */
int schema_text_id(const char *s, size_t len, uint16_t *out)
{
	uint32_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
		if (v >= 65535)
			return -ERANGE;
	}
	*out = (uint16_t)v;
	return 0;
}

/* "major.minor": the text goes into the Register payload as ;ver=. */
bool schema_text_version(const char *s, size_t len)
{
	size_t i = 0, a = 0, b = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9' && a < 5)
		i++, a++;
	if (i >= len || s[i] != '.')
		return false;
	i++;
	while (i < len && s[i] >= '0' && s[i] <= '9' && b < 5)
		i++, b++;
	return a > 0 && b > 0 && i == len;
}

void schema_text_trim(const char **s, size_t *len)
{
	while (*len > 0 && is_space(**s))
		(*s)++, (*len)--;
	while (*len > 0 && is_space((*s)[*len - 1]))
		(*len)--;
}

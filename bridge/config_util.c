/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader's error messages and typed getters.  Messages name the key by
 * its full path ("servers.[0].lifetime"), computed from libconfig's parent
 * links, so callers never build key strings themselves.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* Deeper keys are shown with a leading "..."; the loader itself never goes
 * below depth 3. */
#define KEY_DEPTH_MAX 16
/* Longer names get no did-you-mean suggestion (bounds the work). */
#define SUGGEST_NAME_MAX 48

static size_t append(char *buf, size_t size, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t append(char *buf, size_t size, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (pos >= size)
		return pos;
	va_start(ap, fmt);
	n = vsnprintf(buf + pos, size - pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return pos;
	return pos + (size_t)n;
}

static void key_of(const config_setting_t *s, const char *member, char *buf,
		   size_t size)
{
	const config_setting_t *chain[KEY_DEPTH_MAX];
	size_t depth = 0, pos = 0;
	bool truncated = false;

	buf[0] = '\0';
	for (; s && config_setting_parent(s); s = config_setting_parent(s)) {
		if (depth == KEY_DEPTH_MAX) {
			truncated = true;
			break;
		}
		chain[depth++] = s;
	}
	if (truncated)
		pos = append(buf, size, pos, "...");
	while (depth > 0) {
		const config_setting_t *e = chain[--depth];
		const char *dot = pos > 0 ? "." : "";

		if (config_setting_name(e))
			pos = append(buf, size, pos, "%s%s", dot,
				     config_setting_name(e));
		else
			pos = append(buf, size, pos, "%s[%d]", dot,
				     config_setting_index(e));
	}
	if (member)
		append(buf, size, pos, "%s%s", pos > 0 ? "." : "", member);
}

static void format_text(struct cfg_error *e)
{
	size_t pos = 0;
	const size_t size = sizeof(e->text);

	/* Errors without a line (the file cannot be opened) name the file
	 * in their message. */
	if (e->line > 0)
		pos = append(e->text, size, pos, "%s:%u", e->file, e->line);
	if (pos > 0)
		pos = append(e->text, size, pos, ": ");
	if (e->key[0])
		pos = append(e->text, size, pos, "%s: ", e->key);
	append(e->text, size, pos, "%s", e->message);
}

__attribute__((format(printf, 4, 0))) static void
vfail(struct cfg_ctx *c, unsigned line, const char *key, const char *fmt,
      va_list ap)
{
	struct cfg_error *e = c->err;

	snprintf(e->file, sizeof(e->file), "%s", c->name);
	e->line = line;
	snprintf(e->key, sizeof(e->key), "%s", key);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	format_text(e);
}

int cfg_fail(struct cfg_ctx *c, const config_setting_t *s, const char *member,
	     const char *fmt, ...)
{
	char key[sizeof(c->err->key)];
	va_list ap;

	key_of(s, member, key, sizeof(key));
	va_start(ap, fmt);
	vfail(c, config_setting_source_line(s), key, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int cfg_fail_line(struct cfg_ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, line, "", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *cfg_type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a float";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

/* Optimal string alignment distance (a transposition costs 1), ignoring
 * case; both strings are at most SUGGEST_NAME_MAX long. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[SUGGEST_NAME_MAX + 1][SUGGEST_NAME_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The known name closest to name, if close enough to be a likely typo. */
static const char *suggest(const char *name, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	if (strlen(name) > SUGGEST_NAME_MAX)
		return NULL;
	for (const char *const *k = known; *k; k++) {
		size_t len = strlen(*k), limit = len / 4 > 1 ? len / 4 : 1;
		size_t d;

		if (len > SUGGEST_NAME_MAX)
			continue;
		d = distance(name, *k);
		if (d <= limit && d < best_d) {
			best = *k;
			best_d = d;
		}
	}
	return best;
}

int cfg_check_keys(struct cfg_ctx *c, const config_setting_t *group,
		   const char *const *known)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(group, i);
		const char *name = config_setting_name(m);
		const char *hint;
		const char *const *k;

		if (!name)
			continue;
		for (k = known; *k && strcmp(*k, name) != 0; k++)
			;
		if (*k)
			continue;
		hint = suggest(name, known);
		if (hint)
			return cfg_fail(c, m, NULL,
					"unknown key (did you mean %s?)", hint);
		return cfg_fail(c, m, NULL, "unknown key");
	}
	return 0;
}

int cfg_get_group(struct cfg_ctx *c, const config_setting_t *group,
		  const char *name, config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(group, name);

	*out = NULL;
	if (!s)
		return 0;
	if (!config_setting_is_group(s))
		return cfg_fail(c, s, NULL, "expected a group { ... }, got %s",
				cfg_type_name(s));
	*out = s;
	return 0;
}

int cfg_get_int(struct cfg_ctx *c, const config_setting_t *group,
		const char *name, long long min, long long max, long long *out)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	long long v;

	if (!s)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT: v = config_setting_get_int(s); break;
	case CONFIG_TYPE_INT64: v = config_setting_get_int64(s); break;
	default:
		return cfg_fail(c, s, NULL,
				"expected an integer %lld..%lld, got %s", min,
				max, cfg_type_name(s));
	}
	if (v < min || v > max)
		return cfg_fail(c, s, NULL,
				"expected an integer %lld..%lld, got %lld", min,
				max, v);
	*out = v;
	return 0;
}

int cfg_get_u32(struct cfg_ctx *c, const config_setting_t *group,
		const char *name, long long min, long long max, uint32_t *out)
{
	long long v = *out;
	int r = cfg_get_int(c, group, name, min, max, &v);

	if (r == 0)
		*out = (uint32_t)v;
	return r;
}

int cfg_get_bool(struct cfg_ctx *c, const config_setting_t *group,
		 const char *name, bool *out)
{
	const config_setting_t *s = config_setting_get_member(group, name);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return cfg_fail(c, s, NULL,
				"expected a boolean (true or false), got %s",
				cfg_type_name(s));
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

int cfg_get_string(struct cfg_ctx *c, const config_setting_t *group,
		   const char *name, bool nonempty, const char **out)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	const char *v;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(c, s, NULL, "expected a string, got %s",
				cfg_type_name(s));
	v = config_setting_get_string(s);
	if (!v)
		v = "";
	if (nonempty && !v[0])
		return cfg_fail(c, s, NULL,
				"expected a non-empty string, got \"\"");
	*out = v;
	return 0;
}

int cfg_get_string_list(struct cfg_ctx *c, const config_setting_t *group,
			const char *name, const char *shape, int min, int max,
			bool nonempty, const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	int n;

	if (!s)
		return 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return cfg_fail(c, s, NULL, "expected %s, got %s", shape,
				cfg_type_name(s));
	n = config_setting_length(s);
	if (n < min || n > max) {
		*out = s;
		return -ERANGE;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *v;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(c, e, NULL, "expected a string, got %s",
					cfg_type_name(e));
		v = config_setting_get_string(e);
		if (nonempty && (!v || !v[0]))
			return cfg_fail(
				c, e, NULL,
				"expected a non-empty string, got \"\"");
	}
	*out = s;
	return 0;
}

int cfg_set_string(char **dst, const char *src)
{
	char *copy = strdup(src);

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

int cfg_take_string(struct cfg_ctx *c, const config_setting_t *group,
		    const char *name, bool nonempty, char **dst)
{
	const char *v = NULL;
	int r = cfg_get_string(c, group, name, nonempty, &v);

	if (r < 0 || !v)
		return r;
	return cfg_set_string(dst, v);
}

int cfg_get_enum(struct cfg_ctx *c, const config_setting_t *group,
		 const char *name, const char *const *names, int *out)
{
	const config_setting_t *s = config_setting_get_member(group, name);
	char expected[160];
	size_t pos = 0;
	const char *v;

	if (!s)
		return 0;
	for (int i = 0; names[i]; i++)
		pos = append(expected, sizeof(expected), pos, "%s\"%s\"",
			     i == 0	    ? ""
			     : names[i + 1] ? ", "
					    : " or ",
			     names[i]);
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(c, s, NULL, "expected %s, got %s%s", expected,
				cfg_type_name(s),
				config_setting_type(s) == CONFIG_TYPE_FLOAT
					? " (write it in quotes)"
					: "");
	v = config_setting_get_string(s);
	for (int i = 0; names[i]; i++) {
		if (v && strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return cfg_fail(c, s, NULL, "expected %s, got \"%s\"", expected,
			v ? v : "");
}

int cfg_expect_group_list(struct cfg_ctx *c, const config_setting_t *list)
{
	if (config_setting_is_list(list) ||
	    (config_setting_is_array(list) && config_setting_length(list) == 0))
		return 0;
	return cfg_fail(c, list, NULL,
			"expected a list of groups ( { ... }, ... ), got %s",
			cfg_type_name(list));
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "attrs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

struct attr_entry {
	struct path path;
	struct attr_set set;
};

/* Sorted by path_compare, so lookups are binary searches and a subtree is
 * one contiguous run (parents sort before their children). */
struct attrs {
	struct attr_entry *v;
	size_t n, cap;
};

#define SECONDS_MAX 2147483647u
#define NUMBER_MAX  64 /* longest decimal text accepted for gt/lt/st */

struct attrs *attrs_new(void)
{
	return calloc(1, sizeof(struct attrs));
}

void attrs_free(struct attrs *a)
{
	if (!a)
		return;
	free(a->v);
	free(a);
}

/* Index of the first entry >= p; *found tells whether it equals p. */
static size_t lower_bound(const struct attrs *a, const struct path *p,
			  bool *found)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (path_compare(&a->v[mid].path, p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < a->n && path_equal(&a->v[lo].path, p);
	return lo;
}

static const struct attr_set *lookup(const struct attrs *a,
				     const struct path *p)
{
	bool found;
	size_t i;

	if (!a)
		return NULL;
	i = lower_bound(a, p, &found);
	return found ? &a->v[i].set : NULL;
}

static const struct {
	const char *name;
	unsigned int bit;
} names[] = {
	{"pmin", ATTR_PMIN},   {"pmax", ATTR_PMAX}, {"gt", ATTR_GT},
	{"lt", ATTR_LT},       {"st", ATTR_ST},	    {"epmin", ATTR_EPMIN},
	{"epmax", ATTR_EPMAX},
};

static unsigned int name_bit(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len &&
		    memcmp(names[i].name, s, len) == 0)
			return names[i].bit;
	return 0;
}

static int parse_seconds(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > SECONDS_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static size_t skip_digits(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* -?digits[.digits][(e|E)[+-]digits]: the grammar is checked here so that
 * strtod never sees hex, "inf", "nan" or leading blanks. */
static int parse_number(const char *s, size_t len, double *out)
{
	char tmp[NUMBER_MAX + 1];
	size_t i = 0, j;
	char *end;
	double d;

	if (len == 0 || len > NUMBER_MAX)
		return -EINVAL;
	if (s[i] == '-' || s[i] == '+')
		i++;
	j = skip_digits(s, i, len);
	if (j == i)
		return -EINVAL;
	i = j;
	if (i < len && s[i] == '.') {
		j = skip_digits(s, i + 1, len);
		if (j == i + 1)
			return -EINVAL;
		i = j;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		j = skip_digits(s, i, len);
		if (j == i)
			return -EINVAL;
		i = j;
	}
	if (i != len)
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	d = strtod(tmp, &end);
	if (end != tmp + len || !isfinite(d))
		return -EINVAL;
	*out = d;
	return 0;
}

static int set_value(struct attr_set *set, unsigned int bit, const char *v,
		     size_t len)
{
	uint32_t *sec = NULL;
	double *num = NULL;
	int rc;

	switch (bit) {
	case ATTR_PMIN: sec = &set->pmin; break;
	case ATTR_PMAX: sec = &set->pmax; break;
	case ATTR_EPMIN: sec = &set->epmin; break;
	case ATTR_EPMAX: sec = &set->epmax; break;
	case ATTR_GT: num = &set->gt; break;
	case ATTR_LT: num = &set->lt; break;
	default: num = &set->st; break;
	}
	if (sec)
		rc = parse_seconds(v, len, sec);
	else
		rc = parse_number(v, len, num);
	if (rc == 0 && bit == ATTR_ST && set->st < 0)
		rc = -EINVAL;
	if (rc == 0)
		set->has |= bit;
	return rc;
}

static bool consistent(const struct attr_set *s)
{
	unsigned int h = s->has;

	if ((h & (ATTR_PMIN | ATTR_PMAX)) == (ATTR_PMIN | ATTR_PMAX) &&
	    s->pmin > s->pmax)
		return false;
	if ((h & (ATTR_EPMIN | ATTR_EPMAX)) == (ATTR_EPMIN | ATTR_EPMAX) &&
	    s->epmin > s->epmax)
		return false;
	if ((h & (ATTR_GT | ATTR_LT)) == (ATTR_GT | ATTR_LT) &&
	    !(s->lt < s->gt))
		return false;
	if ((h & ATTR_CHANGE_VALUE) == ATTR_CHANGE_VALUE &&
	    !(s->lt + 2 * s->st < s->gt))
		return false;
	return true;
}

int attrs_check(const struct attrs *a, const struct path *p,
		const char *const *opts, const size_t *len, size_t n,
		bool numeric, struct attr_set *out)
{
	const struct attr_set *old;
	struct attr_set set;
	unsigned int seen = 0;

	if (!p || p->len < PATH_OBJECT || p->len > PATH_RESOURCE_INSTANCE ||
	    n == 0 || !opts || !len)
		return -EINVAL;
	old = lookup(a, p);
	if (old)
		set = *old;
	else
		memset(&set, 0, sizeof(set));
	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		const char *eq = o ? memchr(o, '=', len[i]) : NULL;
		size_t nlen = eq ? (size_t)(eq - o) : len[i];
		unsigned int bit;

		if (!o)
			return -EINVAL;
		bit = name_bit(o, nlen);
		if (!bit || (seen & bit))
			return -EINVAL;
		seen |= bit;
		if ((bit & ATTR_CHANGE_VALUE) &&
		    (p->len < PATH_RESOURCE || !numeric))
			return -EINVAL;
		if (!eq) {
			set.has &= ~bit;
			continue;
		}
		if (set_value(&set, bit, eq + 1, len[i] - nlen - 1) != 0)
			return -EINVAL;
	}
	if (!consistent(&set))
		return -EINVAL;
	if (out)
		*out = set;
	return 0;
}

static int grow(struct attrs *a)
{
	size_t cap = a->cap ? a->cap * 2 : 8;
	struct attr_entry *v;

	if (cap > SIZE_MAX / sizeof(*v))
		return -ENOMEM;
	v = realloc(a->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	a->v = v;
	a->cap = cap;
	return 0;
}

int attrs_write(struct attrs *a, const struct path *p, const char *const *opts,
		const size_t *len, size_t n, bool numeric)
{
	struct attr_set set;
	bool found;
	size_t i;
	int rc;

	if (!a)
		return -EINVAL;
	rc = attrs_check(a, p, opts, len, n, numeric, &set);
	if (rc != 0)
		return rc;
	i = lower_bound(a, p, &found);
	if (found) {
		if (set.has) {
			a->v[i].set = set;
			return 0;
		}
		memmove(&a->v[i], &a->v[i + 1],
			(a->n - i - 1) * sizeof(a->v[0]));
		a->n--;
		return 0;
	}
	if (!set.has)
		return 0; /* removals only, on a path that holds nothing */
	if (a->n == a->cap && grow(a) != 0)
		return -ENOMEM;
	memmove(&a->v[i + 1], &a->v[i], (a->n - i) * sizeof(a->v[0]));
	a->v[i].path = *p;
	a->v[i].set = set;
	a->n++;
	return 0;
}

static int popcount(unsigned int x)
{
	int c = 0;

	for (; x; x &= x - 1)
		c++;
	return c;
}

int attrs_get(const struct attrs *a, const struct path *p, struct attr_set *out)
{
	const struct attr_set *s = p ? lookup(a, p) : NULL;

	if (s)
		*out = *s;
	else
		memset(out, 0, sizeof(*out));
	return popcount(out->has);
}

static void merge(struct attr_set *out, const struct attr_set *s,
		  unsigned int mask)
{
	unsigned int b = s->has & mask;

	if (b & ATTR_PMIN)
		out->pmin = s->pmin;
	if (b & ATTR_PMAX)
		out->pmax = s->pmax;
	if (b & ATTR_EPMIN)
		out->epmin = s->epmin;
	if (b & ATTR_EPMAX)
		out->epmax = s->epmax;
	if (b & ATTR_GT)
		out->gt = s->gt;
	if (b & ATTR_LT)
		out->lt = s->lt;
	if (b & ATTR_ST)
		out->st = s->st;
	out->has |= b;
}

void attrs_resolve_mode(const struct attrs *a, const struct path *p,
			const struct attr_set *defaults, enum attrs_mode mode,
			struct attr_set *out)
{
	struct path q = path_root();

	memset(out, 0, sizeof(*out));
	if (defaults && mode == ATTRS_EFFECTIVE)
		merge(out, defaults, ATTR_PMIN | ATTR_PMAX);
	/* Object, instance, resource, resource instance: deeper wins. */
	for (uint8_t i = 0; p && i < p->len && i < PATH_MAX_DEPTH; i++) {
		const struct attr_set *s;

		q.ids[i] = p->ids[i];
		q.len = (uint8_t)(i + 1);
		s = lookup(a, &q);
		if (s)
			merge(out, s, ATTR_ALL);
	}
	if (mode != ATTRS_EFFECTIVE)
		return;
	if (!(out->has & ATTR_PMIN)) {
		out->has |= ATTR_PMIN;
		out->pmin = 0;
	}
	if ((out->has & ATTR_PMAX) && out->pmax < out->pmin)
		out->has &= ~ATTR_PMAX;
	if ((out->has & (ATTR_EPMIN | ATTR_EPMAX)) ==
		    (ATTR_EPMIN | ATTR_EPMAX) &&
	    out->epmax < out->epmin)
		out->has &= ~ATTR_EPMAX;
}

void attrs_resolve(const struct attrs *a, const struct path *p,
		   const struct attr_set *defaults, struct attr_set *out)
{
	attrs_resolve_mode(a, p, defaults, ATTRS_EFFECTIVE, out);
}

size_t attrs_clear(struct attrs *a, const struct path *p)
{
	size_t i, j;
	bool found;

	if (!a || !p)
		return 0;
	i = lower_bound(a, p, &found);
	j = i;
	while (j < a->n && path_is_within(&a->v[j].path, p))
		j++;
	if (j == i)
		return 0; /* nothing set there (a->v may still be NULL) */
	memmove(&a->v[i], &a->v[j], (a->n - j) * sizeof(a->v[0]));
	a->n -= j - i;
	return j - i;
}

size_t attrs_count(const struct attrs *a)
{
	return a ? a->n : 0;
}

int attrs_format(const struct attr_set *set, char *buf, size_t cap)
{
	size_t off = 0;

	if (cap == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned int bit = names[i].bit;
		char num[32];
		int n;

		if (!(set->has & bit))
			continue;
		switch (bit) {
		case ATTR_PMIN:
			n = snprintf(num, sizeof(num), "%u",
				     (unsigned)set->pmin);
			break;
		case ATTR_PMAX:
			n = snprintf(num, sizeof(num), "%u",
				     (unsigned)set->pmax);
			break;
		case ATTR_EPMIN:
			n = snprintf(num, sizeof(num), "%u",
				     (unsigned)set->epmin);
			break;
		case ATTR_EPMAX:
			n = snprintf(num, sizeof(num), "%u",
				     (unsigned)set->epmax);
			break;
		case ATTR_GT:
			n = codec_format_double(set->gt, num, sizeof(num));
			break;
		case ATTR_LT:
			n = codec_format_double(set->lt, num, sizeof(num));
			break;
		default:
			n = codec_format_double(set->st, num, sizeof(num));
			break;
		}
		if (n < 0)
			return n == -ENOBUFS ? -ENOBUFS : -EINVAL;
		n = snprintf(buf + off, cap - off, ";%s=%s", names[i].name,
			     num);
		if (n < 0 || (size_t)n >= cap - off) {
			buf[0] = '\0';
			return -ENOBUFS;
		}
		off += (size_t)n;
	}
	return (int)off;
}

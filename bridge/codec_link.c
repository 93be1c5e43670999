/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_link.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "codec_text.h"
#include "lwm2m-bridge/value.h"
#include "record.h"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* RFC 5987 parmname = 1*attr-char (less '%', which marks an encoding). */
static bool is_name_char(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$&+-.^_`|~", c));
}

/* RFC 6690 ptokenchar. */
static bool is_ptoken_char(char c)
{
	return is_alnum(c) ||
	       (c != '\0' && strchr("!#$%&'()*+-./:<=>?@[]^_`{|}~", c));
}

static bool is_uri_char(char c)
{
	return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"';
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- writer ------------------------------------------------------------ */

void link_writer_init(struct link_writer *w, char *buf, size_t cap)
{
	*w = (struct link_writer){.buf = buf, .cap = cap};
	if (cap > 0)
		buf[0] = '\0';
}

/* A piece is assembled by these appenders at w->len + *off without moving
 * w->len, then committed at once, so a failed call leaves no half. */
static bool room(const struct link_writer *w, size_t off, size_t n)
{
	/* off and n are each bounded by cap already, or by small numbers. */
	return w->len <= w->cap && off <= w->cap - w->len &&
	       n < w->cap - w->len - off;
}

static int app(struct link_writer *w, size_t *off, const char *s, size_t n)
{
	if (!room(w, *off, n))
		return -ENOBUFS;
	memcpy(w->buf + w->len + *off, s, n);
	*off += n;
	return 0;
}

static int commit(struct link_writer *w, size_t off, int rc)
{
	if (rc < 0) {
		w->err = rc;
		/* Drop the failed piece's bytes from the visible text. */
		if (w->len < w->cap)
			w->buf[w->len] = '\0';
		return rc;
	}
	w->len += off;
	w->buf[w->len] = '\0';
	return 0;
}

static int put_link(struct link_writer *w, const char *uri, size_t len)
{
	size_t off = 0;
	int rc = 0;

	if (w->err < 0)
		return w->err;
	for (size_t i = 0; i < len && rc == 0; i++) {
		if (!is_uri_char(uri[i]))
			rc = -EINVAL;
	}
	if (rc == 0 && w->links > 0)
		rc = app(w, &off, ",", 1);
	if (rc == 0)
		rc = app(w, &off, "<", 1);
	if (rc == 0)
		rc = app(w, &off, uri, len);
	if (rc == 0)
		rc = app(w, &off, ">", 1);
	rc = commit(w, off, rc);
	if (rc == 0)
		w->links++;
	return rc;
}

int link_put_uri(struct link_writer *w, const char *uri, size_t len)
{
	return put_link(w, uri, len);
}

int link_put_path(struct link_writer *w, const struct path *p)
{
	char tmp[PATH_STR_MAX];
	int n = path_format(p, tmp, sizeof(tmp));

	if (n < 0)
		return w->err < 0 ? w->err : (w->err = n);
	return put_link(w, tmp, (size_t)n);
}

/* Starts ";name" (and "=" when a value follows) at *off. */
static int put_name(struct link_writer *w, size_t *off, const char *name,
		    bool has_value)
{
	size_t n = strlen(name);

	if (w->err < 0)
		return w->err;
	if (w->links == 0 || n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!is_name_char(name[i]))
			return -EINVAL;
	}
	if (app(w, off, ";", 1) < 0 || app(w, off, name, n) < 0 ||
	    (has_value && app(w, off, "=", 1) < 0))
		return -ENOBUFS;
	return 0;
}

int link_put_flag(struct link_writer *w, const char *name)
{
	size_t off = 0;
	int rc;

	if (w->err < 0)
		return w->err;
	rc = put_name(w, &off, name, false);
	return commit(w, off, rc);
}

/* A value already in text form, checked by the caller. */
static int put_plain(struct link_writer *w, const char *name, const char *v,
		     size_t len)
{
	size_t off = 0;
	int rc;

	if (w->err < 0)
		return w->err;
	rc = put_name(w, &off, name, true);
	if (rc == 0)
		rc = app(w, &off, v, len);
	return commit(w, off, rc);
}

int link_put_int(struct link_writer *w, const char *name, int64_t v)
{
	struct lwb_value val = {.type = LWB_TYPE_INTEGER, .v.i = v};
	char tmp[24];
	int n = text_encode(&val, tmp, sizeof(tmp));

	return put_plain(w, name, tmp, (size_t)n);
}

int link_put_uint(struct link_writer *w, const char *name, uint64_t v)
{
	struct lwb_value val = {.type = LWB_TYPE_UNSIGNED, .v.u = v};
	char tmp[24];
	int n = text_encode(&val, tmp, sizeof(tmp));

	return put_plain(w, name, tmp, (size_t)n);
}

int link_put_double(struct link_writer *w, const char *name, double v)
{
	struct lwb_value val = {.type = LWB_TYPE_FLOAT, .v.f = v};
	char tmp[32];
	int n = text_encode(&val, tmp, sizeof(tmp));

	if (w->err < 0)
		return w->err;
	if (n < 0)
		return commit(w, 0, n);
	return put_plain(w, name, tmp, (size_t)n);
}

int link_put_token(struct link_writer *w, const char *name, const char *v,
		   size_t len)
{
	if (w->err < 0)
		return w->err;
	if (len == 0)
		return commit(w, 0, -EINVAL);
	for (size_t i = 0; i < len; i++) {
		if (!is_ptoken_char(v[i]))
			return commit(w, 0, -EINVAL);
	}
	return put_plain(w, name, v, len);
}

/* ";name" or ";name=ptoken" at text[*i..len); moves *i past it. */
static bool attr_piece_ok(const char *text, size_t len, size_t *i)
{
	size_t start;

	if (*i >= len || text[*i] != ';')
		return false;
	start = ++*i;
	while (*i < len && is_name_char(text[*i]))
		++*i;
	if (*i == start)
		return false;
	if (*i < len && text[*i] == '=') {
		start = ++*i;
		while (*i < len && text[*i] != ';' && is_ptoken_char(text[*i]))
			++*i;
		if (*i == start)
			return false;
	}
	return *i == len || text[*i] == ';';
}

int link_put_attr_text(struct link_writer *w, const char *text, size_t len)
{
	size_t off = 0;
	int rc;

	if (w->err < 0)
		return w->err;
	if (w->links == 0)
		return commit(w, 0, -EINVAL);
	for (size_t i = 0; i < len;) {
		if (!attr_piece_ok(text, len, &i))
			return commit(w, 0, -EINVAL);
	}
	rc = app(w, &off, text, len);
	return commit(w, off, rc);
}

int link_put_string(struct link_writer *w, const char *name, const char *v,
		    size_t len)
{
	size_t off = 0;
	int rc;

	if (w->err < 0)
		return w->err;
	rc = put_name(w, &off, name, true);
	if (rc == 0)
		rc = app(w, &off, "\"", 1);
	for (size_t i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			rc = -EINVAL;
		else if (c == '"' || c == '\\')
			rc = app(w, &off, "\\", 1);
		if (rc == 0)
			rc = app(w, &off, v + i, 1);
	}
	if (rc == 0)
		rc = app(w, &off, "\"", 1);
	return commit(w, off, rc);
}

int link_writer_finish(const struct link_writer *w)
{
	if (w->err < 0)
		return w->err;
	return w->len > INT_MAX ? -ENOBUFS : (int)w->len;
}

/* ---- parser ------------------------------------------------------------ */

struct scan {
	const char *s;
	size_t len;
	size_t pos;
};

static bool at(const struct scan *sc, char c)
{
	return sc->pos < sc->len && sc->s[sc->pos] == c;
}

static void skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len && is_ws(sc->s[sc->pos]))
		sc->pos++;
}

static int scan_quoted(struct scan *sc, struct link_attr *a)
{
	sc->pos++; /* the opening quote */
	a->quoted = true;
	a->value = sc->s + sc->pos;
	while (sc->pos < sc->len) {
		unsigned char c = (unsigned char)sc->s[sc->pos];

		if (c == '"') {
			a->value_len = (size_t)(sc->s + sc->pos - a->value);
			sc->pos++;
			return 0;
		}
		if (c < 0x20 || c == 0x7f)
			return -EBADMSG;
		if (c == '\\') {
			/* quoted-pair: the next character is taken as is. */
			if (sc->len - sc->pos < 2 ||
			    (unsigned char)sc->s[sc->pos + 1] < 0x20 ||
			    sc->s[sc->pos + 1] == 0x7f)
				return -EBADMSG;
			a->escaped = true;
			sc->pos++;
		}
		sc->pos++;
	}
	return -EBADMSG; /* unterminated */
}

static int scan_attr(struct scan *sc, struct link_attr *a)
{
	size_t start = sc->pos;

	*a = (struct link_attr){.name = sc->s + start};
	while (sc->pos < sc->len && is_name_char(sc->s[sc->pos]))
		sc->pos++;
	a->name_len = sc->pos - start;
	if (a->name_len == 0)
		return -EBADMSG;
	if (!at(sc, '='))
		return 0; /* a flag */
	sc->pos++;
	if (at(sc, '"'))
		return scan_quoted(sc, a);
	a->value = sc->s + sc->pos;
	start = sc->pos;
	while (sc->pos < sc->len && is_ptoken_char(sc->s[sc->pos]))
		sc->pos++;
	a->value_len = sc->pos - start;
	return a->value_len > 0 ? 0 : -EBADMSG;
}

static int scan_link(struct scan *sc, struct link *l,
		     struct link_attr attrs[LINK_MAX_ATTRS])
{
	size_t start;

	if (!at(sc, '<'))
		return -EBADMSG;
	start = ++sc->pos;
	while (sc->pos < sc->len && is_uri_char(sc->s[sc->pos]))
		sc->pos++;
	if (!at(sc, '>'))
		return -EBADMSG;
	*l = (struct link){.uri = sc->s + start,
			   .uri_len = sc->pos - start,
			   .attrs = attrs};
	sc->pos++;
	while (at(sc, ';')) {
		int rc;

		if (l->nattrs == LINK_MAX_ATTRS)
			return -E2BIG;
		sc->pos++;
		rc = scan_attr(sc, &attrs[l->nattrs]);
		if (rc < 0)
			return rc;
		l->nattrs++;
	}
	return 0;
}

static int parse_pass(const char *buf, size_t len, link_fn fn, void *ctx)
{
	struct link_attr attrs[LINK_MAX_ATTRS];
	struct scan sc = {.s = buf, .len = len};
	size_t count = 0;

	skip_ws(&sc);
	while (sc.pos < sc.len) {
		struct link l;
		int rc;

		if (count == CODEC_MAX_RECORDS)
			return -E2BIG;
		rc = scan_link(&sc, &l, attrs);
		if (rc == 0 && fn)
			rc = fn(&l, ctx);
		if (rc < 0)
			return rc;
		count++;
		skip_ws(&sc);
		if (sc.pos == sc.len)
			break;
		if (!at(&sc, ','))
			return -EBADMSG;
		sc.pos++;
		skip_ws(&sc);
		if (sc.pos == sc.len)
			return -EBADMSG; /* a trailing "," */
	}
	return (int)count;
}

int link_parse(const char *buf, size_t len, link_fn fn, void *ctx)
{
	int rc = parse_pass(buf, len, NULL, NULL);

	if (rc < 0 || !fn)
		return rc;
	return parse_pass(buf, len, fn, ctx);
}

const struct link_attr *link_find_attr(const struct link *link,
				       const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < link->nattrs; i++) {
		const struct link_attr *a = &link->attrs[i];

		if (a->name_len == n && memcmp(a->name, name, n) == 0)
			return a;
	}
	return NULL;
}

int link_attr_unescape(const struct link_attr *a, char *out, size_t cap)
{
	size_t o = 0;

	if (!a->value)
		return -ENOENT;
	for (size_t i = 0; i < a->value_len; i++) {
		if (a->escaped && a->value[i] == '\\' && i + 1 < a->value_len)
			i++;
		if (o + 1 >= cap)
			return -ENOBUFS;
		out[o++] = a->value[i];
	}
	if (cap == 0)
		return -ENOBUFS;
	out[o] = '\0';
	return o > INT_MAX ? -ENOBUFS : (int)o;
}

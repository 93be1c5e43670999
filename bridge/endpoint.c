/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "endpoint.h"

/* Enough for any of the files read here (a MAC of InfiniBand is 59). */
#define FILE_MAX 256
/* IFNAMSIZ - 1 */
#define IFNAME_MAX 15

struct out {
	char *buf;
	size_t cap;
	size_t len;
	char *err;
	size_t errcap;
};

__attribute__((format(printf, 2, 3))) static void fail(struct out *o,
						       const char *fmt, ...)
{
	va_list ap;

	if (!o->err || o->errcap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(o->err, o->errcap, fmt, ap);
	va_end(ap);
}

static int append(struct out *o, const char *s, size_t n)
{
	if (o->len + n > ENDPOINT_MAX || o->len + n + 1 > o->cap) {
		fail(o, "endpoint name longer than %zu bytes",
		     o->cap - 1 < ENDPOINT_MAX ? o->cap - 1 : ENDPOINT_MAX);
		return -ENAMETOOLONG;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
	return 0;
}

/* Reads ROOT/rel into buf, trimmed.  Returns the length or -errno
 * (-ENODATA when only white space is there). */
static int read_trimmed(const char *root, const char *rel, char *buf,
			size_t cap, char *full, size_t fullcap)
{
	ssize_t n;
	size_t len = 0, start = 0;
	int fd, r;

	r = snprintf(full, fullcap, "%s%s", root, rel);
	if (r < 0 || (size_t)r >= fullcap)
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < cap - 1) {
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	while (start < len && isspace((unsigned char)buf[start]))
		start++;
	memmove(buf, buf + start, len - start);
	len -= start;
	buf[len] = '\0';
	return len ? (int)len : -ENODATA;
}

static int put_file(struct out *o, const char *root, const char *rel,
		    const char *what)
{
	char buf[FILE_MAX], full[4096];
	int n = read_trimmed(root, rel, buf, sizeof(buf), full, sizeof(full));

	if (n < 0) {
		fail(o, "{%s}: cannot read %s: %s", what, full, strerror(-n));
		return n;
	}
	return append(o, buf, (size_t)n);
}

static int put_hostname(struct out *o, const char *root)
{
	char buf[FILE_MAX], full[4096];
	int n = read_trimmed(root, "/proc/sys/kernel/hostname", buf,
			     sizeof(buf), full, sizeof(full));

	if (n < 0 && root[0] == '\0') {
		if (gethostname(buf, sizeof(buf)) != 0) {
			n = -errno;
		} else {
			buf[sizeof(buf) - 1] = '\0';
			n = (int)strlen(buf);
			if (n == 0)
				n = -ENODATA;
		}
	}
	if (n < 0) {
		fail(o, "{hostname}: cannot read %s: %s", full, strerror(-n));
		return n;
	}
	return append(o, buf, (size_t)n);
}

static int put_mac(struct out *o, const char *root, const char *ifname,
		   size_t iflen)
{
	char rel[64], buf[FILE_MAX], full[4096], mac[FILE_MAX];
	size_t m = 0;
	int n;

	if (iflen == 0 || iflen > IFNAME_MAX || ifname[0] == '.' ||
	    memchr(ifname, '/', iflen)) {
		fail(o, "{mac:%.*s}: not a network interface name", (int)iflen,
		     ifname);
		return -EINVAL;
	}
	snprintf(rel, sizeof(rel), "/sys/class/net/%.*s/address", (int)iflen,
		 ifname);
	n = read_trimmed(root, rel, buf, sizeof(buf), full, sizeof(full));
	if (n == -ENOENT || n == -ENOTDIR) {
		fail(o,
		     "{mac:%.*s}: no network interface named '%.*s' (%s "
		     "does not exist)",
		     (int)iflen, ifname, (int)iflen, ifname, full);
		return -ENODEV;
	}
	if (n < 0) {
		fail(o, "{mac:%.*s}: cannot read %s: %s", (int)iflen, ifname,
		     full, strerror(-n));
		return n;
	}
	for (int i = 0; i < n; i++)
		if (buf[i] != ':')
			mac[m++] = (char)tolower((unsigned char)buf[i]);
	return append(o, mac, m);
}

static int put_placeholder(struct out *o, const char *root, const char *name,
			   size_t len)
{
	if (len == 8 && memcmp(name, "hostname", 8) == 0)
		return put_hostname(o, root);
	if (len == 10 && memcmp(name, "machine-id", 10) == 0)
		return put_file(o, root, "/etc/machine-id", "machine-id");
	if (len >= 4 && memcmp(name, "mac:", 4) == 0)
		return put_mac(o, root, name + 4, len - 4);
	fail(o,
	     "unknown placeholder {%.*s} (known: {hostname}, "
	     "{machine-id}, {mac:IFNAME})",
	     (int)len, name);
	return -EINVAL;
}

static bool ep_char_ok(char c)
{
	return c > ' ' && c < 0x7f && c != '&';
}

int endpoint_expand(const char *tmpl, const char *root, char *out, size_t cap,
		    char *err, size_t errcap)
{
	struct out o = {out, cap, 0, err, errcap};
	const char *p = tmpl, *close;
	int r = 0;

	if (err && errcap)
		err[0] = '\0';
	if (out && cap)
		out[0] = '\0';
	if (!out || cap == 0 || !tmpl) {
		fail(&o, "no template or no output buffer");
		return -EINVAL;
	}
	if (!root)
		root = "";
	while (*p) {
		if (*p != '{') {
			size_t n = strcspn(p, "{");

			r = append(&o, p, n);
			if (r < 0)
				goto out;
			p += n;
			continue;
		}
		close = strchr(p + 1, '}');
		if (!close || memchr(p + 1, '{', (size_t)(close - p - 1))) {
			fail(&o, "unterminated placeholder at \"%s\"", p);
			r = -EINVAL;
			goto out;
		}
		r = put_placeholder(&o, root, p + 1, (size_t)(close - p - 1));
		if (r < 0)
			goto out;
		p = close + 1;
	}
	if (o.len == 0) {
		fail(&o, "the endpoint name \"%s\" expands to nothing", tmpl);
		r = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < o.len; i++) {
		if (!ep_char_ok(out[i])) {
			fail(&o,
			     "endpoint name \"%s\": character 0x%02x is "
			     "not allowed (printable ASCII without space "
			     "or '&')",
			     tmpl, (unsigned char)out[i]);
			r = -EINVAL;
			goto out;
		}
	}
	r = (int)o.len;
out:
	if (r < 0)
		out[0] = '\0';
	return r;
}

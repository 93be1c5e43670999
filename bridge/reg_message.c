/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec_link.h"
#include "reg_message.h"
#include "schema.h"

/* Never listed in a registration (see reg_message.h). */
#define OID_SECURITY 0
#define OID_OSCORE   21

const char *reg_lwm2m_version_name(enum reg_lwm2m_version v)
{
	return v == REG_LWM2M_1_1 ? "1.1" : "1.0";
}

int reg_binding_split(const char *binding, enum reg_lwm2m_version v,
		      char *letters, bool *queue)
{
	const char *allowed = v == REG_LWM2M_1_1 ? "UTSNQ" : "USQ";
	size_t n = 0;
	bool q = false;

	if (!binding || !letters || !queue)
		return -EINVAL;
	for (const char *p = binding; *p; p++) {
		if (!strchr(allowed, *p) || strchr(p + 1, *p))
			return -EINVAL; /* unknown letter, or twice */
		if (*p == 'Q')
			q = true;
		else
			letters[n++] = *p; /* n <= 4: letters are unique */
	}
	if (n == 0)
		return -EINVAL;
	letters[n] = '\0';
	*queue = q;
	return 0;
}

__attribute__((format(printf, 2, 3))) static int add(struct reg_query *q,
						     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (q->n >= REG_QUERY_MAX)
		return -EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(q->item[q->n], REG_QUERY_ITEM_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= REG_QUERY_ITEM_MAX)
		return -EINVAL;
	q->n++;
	return 0;
}

static bool endpoint_ok(const char *ep)
{
	size_t n = ep ? strlen(ep) : 0;

	if (n == 0 || n > ENDPOINT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ep[i] <= ' ' || ep[i] >= 0x7f || ep[i] == '&')
			return false;
	return true;
}

/* b= as sent for version v: as given for 1.0, without Q for 1.1. */
static int binding_param(const char *binding, enum reg_lwm2m_version v, char *b,
			 bool *queue)
{
	int r = reg_binding_split(binding, v, b, queue);

	if (r == 0 && v == REG_LWM2M_1_0)
		snprintf(b, REG_BINDING_MAX + 1, "%s", binding);
	return r;
}

int reg_query_register(struct reg_query *q, const char *endpoint,
		       uint32_t lifetime, enum reg_lwm2m_version v,
		       const char *binding)
{
	char b[REG_BINDING_MAX + 1];
	bool queue;
	int r;

	if (!q)
		return -EINVAL;
	q->n = 0;
	if (!endpoint_ok(endpoint))
		return -EINVAL;
	r = binding_param(binding, v, b, &queue);
	if (r < 0)
		return r;
	r = add(q, "ep=%s", endpoint);
	if (r == 0)
		r = add(q, "lt=%" PRIu32, lifetime);
	if (r == 0)
		r = add(q, "lwm2m=%s", reg_lwm2m_version_name(v));
	if (r == 0)
		r = add(q, "b=%s", b);
	if (r == 0 && queue && v == REG_LWM2M_1_1)
		r = add(q, "Q");
	if (r < 0)
		q->n = 0;
	return r;
}

int reg_query_update(struct reg_query *q, enum reg_lwm2m_version v,
		     bool send_lt, uint32_t lifetime, bool send_b,
		     const char *binding)
{
	char b[REG_BINDING_MAX + 1];
	bool queue;
	int r = 0;

	if (!q)
		return -EINVAL;
	q->n = 0;
	if (send_b) {
		r = binding_param(binding, v, b, &queue);
		if (r < 0)
			return r;
	}
	if (send_lt)
		r = add(q, "lt=%" PRIu32, lifetime);
	if (r == 0 && send_b)
		r = add(q, "b=%s", b);
	if (r < 0)
		q->n = 0;
	return r;
}

int reg_query_join(const struct reg_query *q, char *buf, size_t cap)
{
	size_t len = 0;

	if (!buf || cap == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	for (size_t i = 0; q && i < q->n && i < REG_QUERY_MAX; i++) {
		size_t n = strnlen(q->item[i], REG_QUERY_ITEM_MAX);

		if (len + (i ? 1 : 0) + n + 1 > cap) {
			buf[0] = '\0';
			return -ENOBUFS;
		}
		if (i)
			buf[len++] = '&';
		memcpy(buf + len, q->item[i], n);
		len += n;
		buf[len] = '\0';
	}
	return (int)len;
}

static int put_root(struct link_writer *w, const struct reg_payload_opts *o)
{
	char list[REG_QUERY_MAX * 8 + 64];
	size_t len = 0;
	int r;

	r = link_put_path(w, &(struct path){.len = 0});
	if (r == 0)
		r = link_put_string(w, "rt", "oma.lwm2m", 9);
	if (r < 0)
		return r;
	if (o->n_content_formats == 1)
		return link_put_uint(w, "ct", o->content_formats[0]);
	for (size_t i = 0; i < o->n_content_formats; i++) {
		r = snprintf(list + len, sizeof(list) - len, "%s%u",
			     i ? " " : "", (unsigned)o->content_formats[i]);
		if (r < 0 || (size_t)r >= sizeof(list) - len)
			return -EINVAL;
		len += (size_t)r;
	}
	return link_put_string(w, "ct", list, len);
}

/* "major.minor" (as the schema checked it) as major * 100000 + minor;
 * absent or empty is 1.0. */
static unsigned long version_key(const char *v)
{
	unsigned long major, minor;

	if (!v || !v[0] || sscanf(v, "%lu.%lu", &major, &minor) != 2)
		return 100000;
	return major * 100000 + minor;
}

/*
 * The version obj is announced with to a server registered as v.  The DDF's
 * ObjectVersion when its LWM2MVersion (the enabler that version needs) is
 * v or older.  Otherwise the server's enabler predates that object version,
 * and a client of that enabler announces the version its own specification
 * defines: LwM2M 1.0.2 Appendix E defines objects 0..7 (Security ..
 * Connectivity Statistics), all at 1.0; LwM2M 1.1 Core Appendix E defines
 * the Server object at 1.1 (the shipped DDF is 1.2, which needs LwM2M 1.2).
 * An object the enabler does not define keeps its DDF version: nothing
 * older is known.
 */
static const char *announced_version(const struct schema_object *obj,
				     enum reg_lwm2m_version v)
{
	const char *ddf =
		obj->version && obj->version[0] ? obj->version : "1.0";

	if (version_key(obj->lwm2m_version) <=
	    version_key(reg_lwm2m_version_name(v)))
		return ddf;
	if (v == REG_LWM2M_1_0 && obj->id <= 7)
		return "1.0";
	if (v == REG_LWM2M_1_1 && obj->id == 1)
		return "1.1";
	return ddf;
}

static int put_object(struct link_writer *w, const struct model *m,
		      const struct schema_object *obj,
		      const struct reg_payload_opts *o)
{
	const char *ver = announced_version(obj, o->version);
	bool versioned = strcmp(ver, "1.0") != 0;
	int iid, r = 0;

	if (model_instance_count(m, obj->id) == 0) {
		if (!o->supported || !o->supported(obj->id, o->ctx))
			return 0;
		versioned = true; /* the object link is written anyway */
	}
	if (versioned) {
		r = link_put_path(w,
				  &(struct path){.ids = {obj->id}, .len = 1});
		if (r == 0 && strcmp(ver, "1.0") != 0)
			r = link_put_token(w, "ver", ver, strlen(ver));
		if (r < 0)
			return r;
	}
	for (iid = model_instance_next(m, obj->id, -1); iid >= 0 && r == 0;
	     iid = model_instance_next(m, obj->id, iid))
		r = link_put_path(
			w, &(struct path){.ids = {obj->id, (uint16_t)iid},
					  .len = 2});
	return r;
}

int reg_payload_build(const struct model *m,
		      const struct reg_payload_opts *opts, char *buf,
		      size_t cap)
{
	static const struct reg_payload_opts none = {0};
	const struct schema_registry *reg;
	struct link_writer w;
	size_t count;
	int r = 0;

	if (!m || !buf)
		return -EINVAL;
	if (!opts)
		opts = &none;
	reg = model_schema(m);
	link_writer_init(&w, buf, cap);
	if (opts->version == REG_LWM2M_1_1 && opts->n_content_formats > 0 &&
	    opts->content_formats)
		r = put_root(&w, opts);
	count = schema_object_count(reg);
	for (size_t i = 0; i < count && r == 0; i++) {
		const struct schema_object *obj = schema_object_at(reg, i);

		if (!obj || obj->id == OID_SECURITY || obj->id == OID_OSCORE)
			continue;
		r = put_object(&w, m, obj, opts);
	}
	if (r < 0) {
		if (cap > 0)
			buf[0] = '\0';
		return r;
	}
	return link_writer_finish(&w);
}

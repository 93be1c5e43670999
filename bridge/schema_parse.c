/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDF reader: expat callbacks that walk LWM2M/Object/Resources/Item
 * and fill struct sobj.  Elements outside that skeleton (Description1,
 * Description2, vendor extensions) are skipped; values are trimmed and
 * matched without regard to case.
 */
#include "config.h"

#include "schema_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

enum elem {
	E_IGNORE,
	E_ROOT,
	E_OBJECT,
	E_RESOURCES,
	E_ITEM,
	F_OBJ_NAME,
	F_OBJ_ID,
	F_OBJ_URN,
	F_OBJ_LWM2M,
	F_OBJ_VERSION,
	F_OBJ_MULTI,
	F_OBJ_MAND,
	F_RES_NAME,
	F_RES_OPS,
	F_RES_MULTI,
	F_RES_MAND,
	F_RES_TYPE,
	F_RES_RANGE,
	F_RES_UNITS,
};

struct tag {
	const char *name;
	enum elem elem;
};

static const struct tag object_tags[] = {
	{"Name", F_OBJ_NAME},
	{"ObjectID", F_OBJ_ID},
	{"ObjectURN", F_OBJ_URN},
	{"LWM2MVersion", F_OBJ_LWM2M},
	{"ObjectVersion", F_OBJ_VERSION},
	{"MultipleInstances", F_OBJ_MULTI},
	{"Mandatory", F_OBJ_MAND},
	{"Resources", E_RESOURCES},
};

static const struct tag item_tags[] = {
	{"Name", F_RES_NAME},
	{"Operations", F_RES_OPS},
	{"MultipleInstances", F_RES_MULTI},
	{"Mandatory", F_RES_MAND},
	{"Type", F_RES_TYPE},
	{"RangeEnumeration", F_RES_RANGE},
	{"Units", F_RES_UNITS},
};

struct schema_parser {
	const struct schema_xml *x;
	XML_Parser xp;
	char *name;
	struct schema_error *err;
	int rc;
	size_t total;
	unsigned depth;
	enum elem stack[SCHEMA_MAX_DEPTH];
	unsigned long root_line;
	struct sobj *obj;  /* the open <Object>, if any */
	uint32_t obj_seen; /* bit per enum elem already given */
	uint32_t item_seen;
	char *text;
	size_t text_len, text_cap;
	unsigned long field_line;
	struct sobj **objs;
	size_t nobjs, objs_cap;
};

static bool is_field(enum elem e)
{
	return e >= F_OBJ_NAME;
}

static unsigned long cur_line(const struct schema_parser *p)
{
	return (unsigned long)p->x->get_current_line_number(p->xp);
}

__attribute__((format(printf, 4, 5))) static void fail(struct schema_parser *p,
						       unsigned long line,
						       int code,
						       const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (p->rc)
		return;
	p->rc = code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	schema_set_error(p->err, p->name, line, code, "%s", msg);
	p->x->stop_parser(p->xp, XML_FALSE);
}

void sobj_free(struct sobj *o)
{
	if (!o)
		return;
	if (o->packed) {
		free(o);
		return;
	}
	for (size_t i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	free(o->owned);
	free(o->res);
	free(o);
}

/* Bytes a packed copy of str takes: none for "". */
static size_t pool_size(const char *str)
{
	return *str ? strlen(str) + 1 : 0;
}

/* Copies str to *pool (advancing it) and returns the copy; "" stays the
 * literal. */
static const char *pool_put(char **pool, const char *str)
{
	size_t n = pool_size(str);
	char *c = *pool;

	if (!n)
		return "";
	memcpy(c, str, n);
	*pool += n;
	return c;
}

int sobj_pack(struct sobj **op, const char *source)
{
	const struct sobj *o = *op;
	size_t nres = o->pub.resource_count;
	size_t res_at = (sizeof(*o) + _Alignof(struct schema_resource) - 1) /
			_Alignof(struct schema_resource) *
			_Alignof(struct schema_resource);
	size_t size = res_at + nres * sizeof(*o->res);
	struct sobj *c;
	char *pool;

	size += pool_size(o->pub.name) + pool_size(o->pub.urn) +
		pool_size(o->pub.version) + pool_size(o->pub.lwm2m_version) +
		pool_size(source);
	for (size_t i = 0; i < nres; i++)
		size += pool_size(o->res[i].name) +
			pool_size(o->res[i].range_text) +
			pool_size(o->res[i].units);
	c = malloc(size);
	if (!c)
		return -ENOMEM;
	*c = *o;
	c->res = (struct schema_resource *)((char *)c + res_at);
	if (nres)
		memcpy(c->res, o->res, nres * sizeof(*o->res));
	c->res_cap = nres;
	c->owned = NULL;
	c->nowned = c->owned_cap = 0;
	c->packed = true;
	pool = (char *)c->res + nres * sizeof(*o->res);
	c->pub.resources = c->res;
	c->pub.name = pool_put(&pool, o->pub.name);
	c->pub.urn = pool_put(&pool, o->pub.urn);
	c->pub.version = pool_put(&pool, o->pub.version);
	c->pub.lwm2m_version = pool_put(&pool, o->pub.lwm2m_version);
	c->pub.source = pool_put(&pool, source);
	for (size_t i = 0; i < nres; i++) {
		c->res[i].name = pool_put(&pool, o->res[i].name);
		c->res[i].range_text = pool_put(&pool, o->res[i].range_text);
		c->res[i].units = pool_put(&pool, o->res[i].units);
	}
	sobj_free(*op);
	*op = c;
	return 0;
}

/* A NUL-terminated copy of s[0..len) that o owns, or NULL (ENOMEM). */
static const char *own(struct sobj *o, const char *s, size_t len)
{
	char *c;

	if (o->nowned == o->owned_cap) {
		size_t cap = o->owned_cap ? o->owned_cap * 2 : 16;
		char **n = realloc(o->owned, cap * sizeof(*n));

		if (!n)
			return NULL;
		o->owned = n;
		o->owned_cap = cap;
	}
	c = malloc(len + 1);
	if (!c)
		return NULL;
	memcpy(c, s, len);
	c[len] = '\0';
	o->owned[o->nowned++] = c;
	return c;
}

static struct schema_resource *cur_res(struct schema_parser *p)
{
	return &p->obj->res[p->obj->pub.resource_count - 1];
}

static void start_object(struct schema_parser *p)
{
	struct sobj *o;

	if (p->nobjs >= SCHEMA_MAX_OBJECTS_PER_FILE) {
		fail(p, cur_line(p), -E2BIG, "more than %d objects in one file",
		     SCHEMA_MAX_OBJECTS_PER_FILE);
		return;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		fail(p, cur_line(p), -ENOMEM, "out of memory");
		return;
	}
	o->pub.name = "";
	o->pub.urn = "";
	o->pub.version = "1.0";
	o->pub.lwm2m_version = "1.0";
	o->pub.line = cur_line(p);
	p->obj = o;
	p->obj_seen = 0;
}

static void start_item(struct schema_parser *p, const XML_Char **attrs)
{
	struct sobj *o = p->obj;
	struct schema_resource *r;
	const char *id = NULL;
	size_t len;
	uint16_t rid;
	int rc;

	for (size_t i = 0; attrs[i] && attrs[i + 1]; i += 2)
		if (strcmp(attrs[i], "ID") == 0)
			id = attrs[i + 1];
	if (!id) {
		fail(p, cur_line(p), -EINVAL, "<Item> without an ID attribute");
		return;
	}
	len = strlen(id);
	schema_text_trim(&id, &len);
	rc = schema_text_id(id, len, &rid);
	if (rc < 0) {
		fail(p, cur_line(p), -EINVAL,
		     "resource ID \"%.*s\" is not a number in 0..65534",
		     (int)(len > 40 ? 40 : len), id);
		return;
	}
	if (o->pub.resource_count >= SCHEMA_MAX_RESOURCES) {
		fail(p, cur_line(p), -E2BIG, "more than %d resources",
		     SCHEMA_MAX_RESOURCES);
		return;
	}
	if (o->pub.resource_count == o->res_cap) {
		size_t cap = o->res_cap ? o->res_cap * 2 : 16;
		struct schema_resource *n = realloc(o->res, cap * sizeof(*n));

		if (!n) {
			fail(p, cur_line(p), -ENOMEM, "out of memory");
			return;
		}
		o->res = n;
		o->res_cap = cap;
	}
	r = &o->res[o->pub.resource_count++];
	memset(r, 0, sizeof(*r));
	r->id = rid;
	r->name = "";
	r->range_text = "";
	r->units = "";
	r->line = cur_line(p);
	p->item_seen = 0;
}

static int cmp_res(const void *a, const void *b)
{
	const struct schema_resource *x = a, *y = b;

	return (int)x->id - (int)y->id;
}

static void end_object(struct schema_parser *p)
{
	struct sobj *o = p->obj;

	if (!(p->obj_seen & (1u << F_OBJ_ID))) {
		fail(p, o->pub.line, -EINVAL, "<Object> without <ObjectID>");
		return;
	}
	if (o->pub.resource_count > 1)
		qsort(o->res, o->pub.resource_count, sizeof(*o->res), cmp_res);
	for (size_t i = 1; i < o->pub.resource_count; i++) {
		const struct schema_resource *a = &o->res[i - 1],
					     *b = &o->res[i];

		if (a->id == b->id) {
			fail(p, a->line > b->line ? a->line : b->line, -EINVAL,
			     "duplicate resource ID %u (also at line %lu)",
			     a->id, a->line < b->line ? a->line : b->line);
			return;
		}
	}
	o->pub.resources = o->res;
	if (p->nobjs == p->objs_cap) {
		size_t cap = p->objs_cap ? p->objs_cap * 2 : 4;
		struct sobj **n = realloc(p->objs, cap * sizeof(*n));

		if (!n) {
			fail(p, cur_line(p), -ENOMEM, "out of memory");
			return;
		}
		p->objs = n;
		p->objs_cap = cap;
	}
	p->objs[p->nobjs++] = o;
	p->obj = NULL;
}

/* Reports a value of a field that is not one of the allowed ones. */
static void bad_value(struct schema_parser *p, const char *what, const char *s,
		      size_t len)
{
	fail(p, p->field_line, -EINVAL, "%s \"%.*s\"", what,
	     (int)(len > 40 ? 40 : len), s);
}

static void set_str(struct schema_parser *p, const char **dst, const char *s,
		    size_t len)
{
	const char *c = own(p->obj, s, len);

	if (!c)
		fail(p, p->field_line, -ENOMEM, "out of memory");
	else
		*dst = c;
}

static void set_choice(struct schema_parser *p, const char *s, size_t len,
		       const char *yes, const char *no, bool *dst)
{
	if (schema_text_choice(s, len, yes, no, dst))
		fail(p, p->field_line, -EINVAL, "\"%.*s\" is neither %s nor %s",
		     (int)(len > 40 ? 40 : len), s, yes, no);
}

static void end_field(struct schema_parser *p, enum elem e, const char *s,
		      size_t len)
{
	struct schema_object *o = &p->obj->pub;
	struct schema_resource *r =
		o->resource_count ? &p->obj->res[o->resource_count - 1] : NULL;

	switch (e) {
	case F_OBJ_NAME: set_str(p, &o->name, s, len); break;
	case F_OBJ_URN: set_str(p, &o->urn, s, len); break;
	case F_OBJ_ID:
		if (schema_text_id(s, len, &o->id) < 0)
			bad_value(p, "ObjectID not in 0..65534:", s, len);
		break;
	case F_OBJ_LWM2M:
	case F_OBJ_VERSION:
		if (len == 0)
			break;
		if (!schema_text_version(s, len))
			bad_value(p, "version is not \"major.minor\":", s, len);
		else
			set_str(p,
				e == F_OBJ_LWM2M ? &o->lwm2m_version
						 : &o->version,
				s, len);
		break;
	case F_OBJ_MULTI:
		set_choice(p, s, len, "Multiple", "Single", &o->multiple);
		break;
	case F_OBJ_MAND:
		set_choice(p, s, len, "Mandatory", "Optional", &o->mandatory);
		break;
	/* An item field is only classified inside an open <Item>: r is
	 * set. */
	case F_RES_NAME: set_str(p, &r->name, s, len); break;
	case F_RES_RANGE: set_str(p, &r->range_text, s, len); break;
	case F_RES_UNITS: set_str(p, &r->units, s, len); break;
	case F_RES_OPS:
		if (schema_text_ops(s, len, &r->ops))
			bad_value(p, "unknown Operations", s, len);
		break;
	case F_RES_TYPE:
		if (schema_text_type(s, len, &r->type))
			bad_value(p, "unknown Type", s, len);
		break;
	case F_RES_MULTI:
		set_choice(p, s, len, "Multiple", "Single", &r->multiple);
		break;
	case F_RES_MAND:
		set_choice(p, s, len, "Mandatory", "Optional", &r->mandatory);
		break;
	case E_IGNORE:
	case E_ROOT:
	case E_OBJECT:
	case E_RESOURCES:
	case E_ITEM: break;
	}
}

static enum elem child_elem(const struct tag *tags, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tags[i].name, name) == 0)
			return tags[i].elem;
	return E_IGNORE;
}

static enum elem classify(struct schema_parser *p, const char *name)
{
	enum elem parent;

	if (p->depth == 0) {
		if (strcmp(name, "LWM2M") != 0) {
			fail(p, cur_line(p), -EINVAL,
			     "root element <%.40s>, expected <LWM2M>", name);
			return E_IGNORE;
		}
		return E_ROOT;
	}
	parent = p->stack[p->depth - 1];
	if (parent == E_ROOT && strcmp(name, "Object") == 0)
		return E_OBJECT;
	if (parent == E_OBJECT)
		return child_elem(object_tags,
				  sizeof(object_tags) / sizeof(object_tags[0]),
				  name);
	if (parent == E_RESOURCES && strcmp(name, "Item") == 0)
		return E_ITEM;
	if (parent == E_ITEM)
		return child_elem(item_tags,
				  sizeof(item_tags) / sizeof(item_tags[0]),
				  name);
	return E_IGNORE;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct schema_parser *p = ud;
	enum elem e;

	if (p->rc)
		return;
	if (p->depth >= SCHEMA_MAX_DEPTH) {
		fail(p, cur_line(p), -E2BIG, "elements nested deeper than %d",
		     SCHEMA_MAX_DEPTH);
		return;
	}
	e = classify(p, name);
	if (p->rc)
		return;
	if (e == E_ROOT) {
		p->root_line = cur_line(p);
	} else if (e == E_OBJECT) {
		start_object(p);
	} else if (e == E_ITEM) {
		start_item(p, attrs);
	}
	if (is_field(e)) {
		uint32_t *seen = e >= F_RES_NAME ? &p->item_seen : &p->obj_seen;

		if (*seen & (1u << e)) {
			fail(p, cur_line(p), -EINVAL, "<%.40s> given twice",
			     name);
			return;
		}
		*seen |= 1u << e;
		p->text_len = 0;
		p->field_line = cur_line(p);
	}
	if (p->rc)
		return;
	p->stack[p->depth++] = e;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct schema_parser *p = ud;

	if (p->rc || p->depth == 0 || !is_field(p->stack[p->depth - 1]) ||
	    len <= 0)
		return;
	if ((size_t)len > SCHEMA_MAX_TEXT - p->text_len) {
		fail(p, p->field_line, -E2BIG, "text longer than %d bytes",
		     SCHEMA_MAX_TEXT);
		return;
	}
	if (p->text_len + (size_t)len > p->text_cap) {
		size_t cap = p->text_cap ? p->text_cap : 256;
		char *n;

		while (cap < p->text_len + (size_t)len)
			cap *= 2;
		n = realloc(p->text, cap);
		if (!n) {
			fail(p, p->field_line, -ENOMEM, "out of memory");
			return;
		}
		p->text = n;
		p->text_cap = cap;
	}
	memcpy(p->text + p->text_len, s, (size_t)len);
	p->text_len += (size_t)len;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct schema_parser *p = ud;
	enum elem e;
	const char *s;
	size_t len;

	(void)name;
	if (p->rc || p->depth == 0)
		return;
	e = p->stack[--p->depth];
	if (e == E_OBJECT) {
		end_object(p);
		return;
	}
	if (e == E_ITEM) {
		struct schema_resource *r = cur_res(p);

		schema_range_parse(r->type, r->range_text, &r->range);
		return;
	}
	if (!is_field(e))
		return;
	s = p->text_len ? p->text : "";
	len = p->text_len;
	schema_text_trim(&s, &len);
	end_field(p, e, s, len);
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
				   const XML_Char *value, int value_len,
				   const XML_Char *base,
				   const XML_Char *system_id,
				   const XML_Char *public_id,
				   const XML_Char *notation)
{
	struct schema_parser *p = ud;

	(void)name, (void)is_param, (void)value, (void)value_len;
	(void)base, (void)system_id, (void)public_id, (void)notation;
	/* No DDF needs entities; refusing them closes the door on entity
	 * expansion bombs and external references. */
	fail(p, cur_line(p), -EINVAL, "entity declarations are not allowed");
}

struct schema_parser *schema_parser_new(const char *name,
					const struct schema_xml *x,
					struct schema_error *err)
{
	struct schema_parser *p = calloc(1, sizeof(*p));

	if (!p)
		goto fail;
	p->x = x;
	p->name = strdup(name ? name : "(buffer)");
	p->xp = x->parser_create(NULL);
	if (!p->name || !p->xp)
		goto fail;
	p->err = err;
	x->set_user_data(p->xp, p);
	x->set_element_handler(p->xp, on_start, on_end);
	x->set_character_data_handler(p->xp, on_text);
	x->set_entity_decl_handler(p->xp, on_entity_decl);
	return p;
fail:
	schema_parser_free(p);
	errno = ENOMEM;
	return NULL;
}

int schema_parser_feed(struct schema_parser *p, const void *buf, size_t len,
		       bool final)
{
	if (p->rc)
		return p->rc;
	if (len > SCHEMA_MAX_FILE - p->total) {
		p->rc = -EFBIG;
		schema_set_error(p->err, p->name, 0, p->rc,
				 "larger than %u bytes", SCHEMA_MAX_FILE);
		return p->rc;
	}
	p->total += len;
	if (p->x->parse(p->xp, buf, (int)len, final) != XML_STATUS_OK &&
	    !p->rc) {
		p->rc = -EBADMSG;
		schema_set_error(p->err, p->name, cur_line(p), p->rc, "XML: %s",
				 p->x->error_string(p->x->get_error_code(p->xp)));
	}
	if (!p->rc && final && p->nobjs == 0) {
		p->rc = -EINVAL;
		schema_set_error(p->err, p->name, p->root_line, p->rc,
				 "no <Object> in <LWM2M>");
	}
	return p->rc;
}

int schema_parser_take(struct schema_parser *p, struct sobj ***objs)
{
	int n;

	if (p->rc)
		return p->rc;
	if (p->nobjs == 0)
		return -EINVAL;
	*objs = p->objs;
	n = (int)p->nobjs;
	p->objs = NULL;
	p->nobjs = p->objs_cap = 0;
	return n;
}

void schema_parser_free(struct schema_parser *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nobjs; i++)
		sobj_free(p->objs[i]);
	free(p->objs);
	sobj_free(p->obj);
	if (p->xp)
		p->x->parser_free(p->xp);
	free(p->text);
	free(p->name);
	free(p);
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#endif

#include "log.h"
#include "schema.h"

static char pathbuf[4096];

/* top_srcdir comes from the test harness; TOP_SRCDIR when run by hand. */
static const char *src(const char *rel)
{
	const char *top = getenv("top_srcdir");

	if (!top || !*top)
		top = TOP_SRCDIR;
	snprintf(pathbuf, sizeof(pathbuf), "%s/%s", top, rel);
	return pathbuf;
}

static int warnings;

static void count_sink(enum log_level level, const char *line, void *ctx)
{
	(void)line, (void)ctx;
	if (level == LOG_LVL_WARNING)
		warnings++;
}

static int setup(void **state)
{
	*state = schema_registry_new();
	warnings = 0;
	log_set_sink(count_sink, NULL);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	schema_registry_free(*state);
	log_set_sink(NULL, NULL);
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_catalogue(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;
	const struct schema_object *o;
	const struct schema_resource *r;

	assert_int_equal(schema_load_dir(reg, src("objects"), &err), 0);
	assert_int_equal(warnings, 0);
	assert_int_equal(schema_object_count(reg), 61);

	o = schema_find(reg, 3303);
	assert_non_null(o);
	assert_string_equal(o->name, "Temperature");
	assert_string_equal(o->urn, "urn:oma:lwm2m:ext:3303:1.1");
	assert_string_equal(o->version, "1.1");
	assert_string_equal(o->lwm2m_version, "1.0");
	assert_true(o->multiple);
	assert_false(o->mandatory);
	assert_true(ends_with(o->source, "/objects/3303.xml"));
	r = schema_find_resource(o, 5700);
	assert_non_null(r);
	assert_string_equal(r->name, "Sensor Value");
	assert_int_equal(r->type, LWB_TYPE_FLOAT);
	assert_int_equal(r->ops, SCHEMA_OP_READ);
	assert_false(r->multiple);
	assert_true(r->mandatory);
	assert_null(schema_find_resource(o, 5699));

	o = schema_find(reg, 3);
	assert_non_null(o);
	assert_false(o->multiple);
	assert_true(o->mandatory);
	r = schema_find_resource(o, 4); /* Reboot */
	assert_non_null(r);
	assert_int_equal(r->ops, SCHEMA_OP_EXEC);
	assert_int_equal(r->type, LWB_TYPE_NONE);
	r = schema_find_resource(o, 6); /* Available Power Sources */
	assert_true(r->multiple);
	assert_int_equal(r->type, LWB_TYPE_INTEGER);
	assert_int_equal(r->range.kind, SCHEMA_RANGE_NUMERIC);
	assert_int_equal(r->range.min.mag, 0);
	assert_int_equal(r->range.max.mag, 7);

	o = schema_find(reg, 1);
	assert_string_equal(o->version, "1.2");
	assert_string_equal(o->lwm2m_version, "1.2");
	r = schema_find_resource(o, 1); /* Lifetime */
	assert_int_equal(r->type, LWB_TYPE_INTEGER);
	assert_int_equal(r->ops, SCHEMA_OP_READ | SCHEMA_OP_WRITE);

	/* Security: Server URI is a String of 0..255 bytes, no operations. */
	o = schema_find(reg, 0);
	r = schema_find_resource(o, 0);
	assert_int_equal(r->ops, SCHEMA_OP_NONE);
	assert_int_equal(r->range.kind, SCHEMA_RANGE_LENGTH);
	assert_int_equal(r->range.max_len, 255);

	/* Every object: sorted unique resources, each found by search. */
	for (size_t i = 0; i < schema_object_count(reg); i++) {
		o = schema_object_at(reg, i);
		if (i > 0)
			assert_true(schema_object_at(reg, i - 1)->id < o->id);
		assert_ptr_equal(schema_find(reg, o->id), o);
		for (size_t j = 0; j < o->resource_count; j++) {
			if (j > 0)
				assert_true(o->resources[j - 1].id <
					    o->resources[j].id);
			assert_ptr_equal(
				schema_find_resource(o, o->resources[j].id),
				&o->resources[j]);
		}
	}
	assert_null(schema_object_at(reg, 61));
	assert_null(schema_find(reg, 9999));
}

static void test_v1_0(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;
	const struct schema_object *o;
	const struct schema_resource *r;

	assert_int_equal(schema_load_dir(reg, src("tests/data/ddf/v1_0"), &err),
			 0);
	assert_int_equal(schema_object_count(reg), 3);
	/* 1.0 files have neither ObjectVersion nor LWM2MVersion; 3.xml
	 * starts with a byte order mark. */
	o = schema_find(reg, 3);
	assert_non_null(o);
	assert_string_equal(o->version, "1.0");
	assert_string_equal(o->lwm2m_version, "1.0");
	assert_string_equal(o->name, "Device");
	r = schema_find_resource(o, 13); /* Current Time */
	assert_int_equal(r->type, LWB_TYPE_TIME);
	o = schema_find(reg, 5);
	r = schema_find_resource(o, 2); /* Update */
	assert_int_equal(r->ops, SCHEMA_OP_EXEC);
	assert_int_equal(r->type, LWB_TYPE_NONE);
	assert_non_null(schema_find(reg, 1));
}

static void test_tolerant(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;
	const struct schema_object *o;
	const struct schema_resource *r;

	assert_int_equal(
		schema_load_file(reg, src("tests/data/ddf/valid/tolerant.xml"),
				 &err),
		1);
	o = schema_find(reg, 32000);
	assert_non_null(o);
	assert_string_equal(o->name, "Tolerant Test");
	assert_string_equal(o->version, "1.0");
	assert_true(o->multiple);
	assert_false(o->mandatory);
	assert_int_equal(o->line, 5);
	assert_int_equal(o->resource_count, 6);
	assert_int_equal(o->resources[0].id, 0);
	assert_int_equal(o->resources[5].id, 65534);

	r = schema_find_resource(o, 7);
	assert_int_equal(r->type, LWB_TYPE_UNSIGNED);
	assert_int_equal(r->ops, SCHEMA_OP_READ | SCHEMA_OP_WRITE);
	assert_true(r->multiple);
	assert_true(r->mandatory);
	assert_string_equal(r->range_text, "1-255");
	assert_int_equal(r->range.kind, SCHEMA_RANGE_NUMERIC);
	assert_int_equal(r->range.min.mag, 1);
	assert_int_equal(r->range.max.mag, 255);
	assert_string_equal(r->units, "s");
	assert_int_equal(r->line, 15);

	r = schema_find_resource(o, 0);
	assert_int_equal(r->type, LWB_TYPE_CORELNK);
	assert_string_equal(r->range_text, "");
	r = schema_find_resource(o, 65534);
	assert_int_equal(r->ops, SCHEMA_OP_EXEC);
	assert_int_equal(r->type, LWB_TYPE_NONE);
	assert_string_equal(r->units, "");
	r = schema_find_resource(o, 3);
	assert_int_equal(r->type, LWB_TYPE_STRING);
	assert_int_equal(r->ops, SCHEMA_OP_READ | SCHEMA_OP_WRITE);
	assert_int_equal(r->range.kind, SCHEMA_RANGE_LENGTH);
	assert_int_equal(r->range.min_len, 0);
	assert_int_equal(r->range.max_len, 255);
	r = schema_find_resource(o, 4);
	assert_int_equal(r->ops, SCHEMA_OP_WRITE);
	assert_true(r->range.min.neg);
	assert_int_equal(r->range.min.mag, 40);
	assert_true(r->range.min.d == -40.0);
	r = schema_find_resource(o, 5);
	assert_int_equal(r->ops, SCHEMA_OP_NONE);
	assert_int_equal(r->range.kind, SCHEMA_RANGE_NONE);
	assert_non_null(strstr(r->range_text, "1: on"));
}

static void test_two_objects(void **state)
{
	struct schema_registry *reg = *state;
	const struct schema_object *a, *b;

	assert_int_equal(
		schema_load_file(
			reg, src("tests/data/ddf/valid/two_objects.xml"), NULL),
		2);
	a = schema_find(reg, 32001);
	b = schema_find(reg, 32002);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->version, "2.3");
	assert_string_equal(a->lwm2m_version, "1.1");
	assert_false(a->multiple);
	assert_true(a->mandatory);
	assert_int_equal(schema_find_resource(a, 1)->type, LWB_TYPE_TIME);
	assert_int_equal(b->resource_count, 0);
	assert_null(schema_find_resource(b, 0));
	assert_string_equal(b->urn, "");
	assert_string_equal(a->source, b->source);
	assert_true(ends_with(a->source, "/two_objects.xml"));
}

struct broken {
	const char *file;
	int code;
	unsigned long line;
	const char *msg; /* a part of the message */
};

static const struct broken broken_files[] = {
	{"bad_multiple.xml", -EINVAL, 20, "Several"},
	{"bad_operations.xml", -EINVAL, 13, "unknown Operations \"RX\""},
	{"bad_type.xml", -EINVAL, 25, "unknown Type \"Double\""},
	{"bad_version.xml", -EINVAL, 10, "1.x"},
	{"duplicate_resource.xml", -EINVAL, 29,
	 "duplicate resource ID 5 (also at line 11)"},
	{"empty.xml", -EBADMSG, 1, "XML: "},
	{"entity.xml", -EINVAL, 3, "entity"},
	{"field_twice.xml", -EINVAL, 10, "<ObjectID> given twice"},
	{"item_id_range.xml", -EINVAL, 20, "\"70000\""},
	{"item_without_id.xml", -EINVAL, 11, "without an ID"},
	{"missing_objectid.xml", -EINVAL, 4, "without <ObjectID>"},
	{"no_object.xml", -EINVAL, 2, "no <Object>"},
	{"object_twice.xml", -EEXIST, 11,
	 "object 32310 defined twice (also at line 4)"},
	{"objectid_range.xml", -EINVAL, 6, "ObjectID not in 0..65534"},
	{"syntax.xml", -EBADMSG, 20, "mismatched tag"},
	{"wrong_root.xml", -EINVAL, 3, "<Objects>"},
};

static void test_broken_files(void **state)
{
	struct schema_registry *reg = *state;

	for (size_t i = 0; i < sizeof(broken_files) / sizeof(broken_files[0]);
	     i++) {
		const struct broken *b = &broken_files[i];
		struct schema_error err;
		char rel[256];
		int rc;

		snprintf(rel, sizeof(rel), "tests/data/ddf/broken/%s", b->file);
		rc = schema_load_file(reg, src(rel), &err);
		if (rc != b->code || err.line != b->line ||
		    !strstr(err.msg, b->msg))
			print_error("%s: rc %d line %lu: %s\n", b->file, rc,
				    err.line, err.msg);
		assert_int_equal(rc, b->code);
		assert_int_equal(err.code, b->code);
		assert_int_equal(err.line, b->line);
		assert_non_null(strstr(err.msg, b->msg));
		assert_true(ends_with(err.file, b->file));
	}
	assert_int_equal(schema_object_count(reg), 0);
}

static void test_broken_dir(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;
	int n = (int)(sizeof(broken_files) / sizeof(broken_files[0]));

	assert_int_equal(
		schema_load_dir(reg, src("tests/data/ddf/broken"), &err), n);
	assert_int_equal(warnings, n);
	assert_int_equal(schema_object_count(reg), 0);
	/* The first failure in name order. */
	assert_true(ends_with(err.file, "broken/bad_multiple.xml"));
	assert_int_equal(err.line, 20);
}

static void test_layers(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;
	const struct schema_object *old;

	assert_int_equal(
		schema_load_dir(reg, src("tests/data/ddf/override/a"), &err),
		0);
	old = schema_find(reg, 32101);
	assert_string_equal(old->name, "A-second");
	assert_int_equal(
		schema_load_dir(reg, src("tests/data/ddf/override/b"), &err),
		0);
	assert_int_equal(schema_object_count(reg), 3);
	assert_string_equal(schema_find(reg, 32100)->name, "A-first");
	assert_string_equal(schema_find(reg, 32101)->name, "B-override");
	assert_true(ends_with(schema_find(reg, 32101)->source,
			      "override/b/32101.xml"));
	assert_string_equal(schema_find(reg, 32102)->name, "B-new");
	/* A replaced definition stays readable until the registry goes. */
	assert_string_equal(old->name, "A-second");
	assert_int_equal(schema_find_resource(old, 0)->type, LWB_TYPE_INTEGER);
	/* Loading a single file is a layer of its own, too. */
	assert_int_equal(
		schema_load_file(
			reg, src("tests/data/ddf/override/a/32101.xml"), &err),
		1);
	assert_string_equal(schema_find(reg, 32101)->name, "A-second");
}

static void test_same_dir_duplicate(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;

	/* 1-first and 2-second both define 32200; 3-broken is broken;
	 * notes.txt and the directory sub.xml are not definitions. */
	assert_int_equal(
		schema_load_dir(reg, src("tests/data/ddf/dupdir"), &err), 2);
	assert_int_equal(warnings, 2);
	assert_int_equal(err.code, -EEXIST);
	assert_true(ends_with(err.file, "2-second.xml"));
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.msg, "already defined by"));
	assert_non_null(strstr(err.msg, "1-first.xml"));
	assert_string_equal(schema_find(reg, 32200)->name, "first");
	assert_non_null(schema_find(reg, 32201));
	assert_int_equal(schema_object_count(reg), 2);
}

static void test_missing(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;

	assert_int_equal(
		schema_load_file(reg, src("tests/data/ddf/nope.xml"), &err),
		-ENOENT);
	assert_int_equal(err.line, 0);
	assert_int_equal(schema_load_dir(reg, src("tests/data/ddf/nope"), &err),
			 -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_int_equal(schema_load_dir(reg,
					 src("tests/data/ddf/valid/"
					     "tolerant.xml"),
					 &err),
			 -ENOTDIR);
}

/* Appends printf output to a growing buffer. */
struct sb {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void sb_add(struct sb *b,
							 const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	while (b->len + (size_t)n + 1 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static int load_items(struct schema_registry *reg, unsigned items,
		      struct schema_error *err)
{
	struct sb b = {0};
	int rc;

	sb_add(&b, "<LWM2M><Object><ObjectID>%u</ObjectID><Resources>",
	       30000 + items % 1000);
	for (unsigned i = 0; i < items; i++)
		sb_add(&b, "<Item ID=\"%u\"><Type>Integer</Type></Item>", i);
	sb_add(&b, "</Resources></Object></LWM2M>");
	rc = schema_load_buffer(reg, b.p, b.len, "items", err);
	free(b.p);
	return rc;
}

static void test_bounds(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;
	struct sb b = {0};
	char *big;

	assert_int_equal(load_items(reg, SCHEMA_MAX_RESOURCES, &err), 1);
	assert_int_equal(schema_find(reg, 30000 + SCHEMA_MAX_RESOURCES % 1000)
				 ->resource_count,
			 SCHEMA_MAX_RESOURCES);
	assert_int_equal(load_items(reg, SCHEMA_MAX_RESOURCES + 1, &err),
			 -E2BIG);
	assert_non_null(strstr(err.msg, "more than 4096 resources"));

	/* Text: exactly the bound is fine, one more byte is not. */
	for (int extra = 0; extra < 2; extra++) {
		b.len = 0;
		sb_add(&b, "<LWM2M><Object><ObjectID>1</ObjectID>\n<Name>");
		for (int i = 0; i < SCHEMA_MAX_TEXT + extra; i++)
			sb_add(&b, "x");
		sb_add(&b, "</Name></Object></LWM2M>");
		assert_int_equal(
			schema_load_buffer(reg, b.p, b.len, NULL, &err),
			extra ? -E2BIG : 1);
	}
	assert_int_equal(err.line, 2);
	assert_string_equal(err.file, "(buffer)");
	assert_int_equal(strlen(schema_find(reg, 1)->name), SCHEMA_MAX_TEXT);

	b.len = 0;
	sb_add(&b, "<LWM2M><Object><ObjectID>2</ObjectID>");
	for (int i = 0; i < SCHEMA_MAX_DEPTH; i++)
		sb_add(&b, "<d>");
	for (int i = 0; i < SCHEMA_MAX_DEPTH; i++)
		sb_add(&b, "</d>");
	sb_add(&b, "</Object></LWM2M>");
	assert_int_equal(schema_load_buffer(reg, b.p, b.len, "deep", &err),
			 -E2BIG);
	assert_non_null(strstr(err.msg, "nested deeper"));

	b.len = 0;
	sb_add(&b, "<LWM2M>");
	for (int i = 0; i <= SCHEMA_MAX_OBJECTS_PER_FILE; i++)
		sb_add(&b, "<Object><ObjectID>%d</ObjectID></Object>", 100 + i);
	sb_add(&b, "</LWM2M>");
	assert_int_equal(schema_load_buffer(reg, b.p, b.len, "many", &err),
			 -E2BIG);
	assert_null(schema_find(reg, 100)); /* all or nothing */
	free(b.p);

	big = calloc(1, (size_t)SCHEMA_MAX_FILE + 1);
	assert_non_null(big);
	assert_int_equal(schema_load_buffer(reg, big,
					    (size_t)SCHEMA_MAX_FILE + 1, "big",
					    &err),
			 -EFBIG);
	free(big);
	assert_int_equal(schema_load_buffer(reg, NULL, 0, "nothing", &err),
			 -EBADMSG);
}

static void test_buffer_edge_values(void **state)
{
	static const char ok[] =
		"<LWM2M><Object><ObjectID>00042</ObjectID>"
		"<ObjectVersion> 10.20 </ObjectVersion><Resources>"
		"<Item ID='65534'><Type>objlnk</Type><Operations>r</Operations>"
		"<MultipleInstances>MULTIPLE</MultipleInstances></Item>"
		"</Resources></Object></LWM2M>";
	static const char *const bad[] = {
		"<LWM2M><Object><ObjectID>-1</ObjectID></Object></LWM2M>",
		"<LWM2M><Object><ObjectID></ObjectID></Object></LWM2M>",
		"<LWM2M><Object><ObjectID>1</ObjectID><Resources><Item ID=''/>"
		"</Resources></Object></LWM2M>",
		"<LWM2M><Object><ObjectID>1</ObjectID><Resources>"
		"<Item ID='65535'/></Resources></Object></LWM2M>",
		"<LWM2M><Object><ObjectID>1</ObjectID><Mandatory>Yes"
		"</Mandatory></Object></LWM2M>",
		"<LWM2M><Object><ObjectID>1</ObjectID><LWM2MVersion>1"
		"</LWM2MVersion></Object></LWM2M>",
		"<LWM2M><Object><ObjectID>1</ObjectID><Resources><Item ID='1'>"
		"<Type>Unsigned</Type></Item></Resources></Object></LWM2M>",
	};
	struct schema_registry *reg = *state;
	const struct schema_object *o;
	struct schema_error err;

	assert_int_equal(
		schema_load_buffer(reg, ok, sizeof(ok) - 1, "ok", &err), 1);
	o = schema_find(reg, 42);
	assert_non_null(o);
	assert_string_equal(o->version, "10.20");
	assert_string_equal(o->name, "");
	assert_string_equal(o->source, "ok");
	assert_int_equal(o->resources[0].type, LWB_TYPE_OBJLNK);
	assert_true(o->resources[0].multiple);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(schema_load_buffer(reg, bad[i], strlen(bad[i]),
						    "bad", &err),
				 -EINVAL);
		assert_int_equal(err.line, 1);
	}
	assert_int_equal(schema_object_count(reg), 1);
}

struct range_case {
	enum lwb_type type;
	const char *text;
	enum schema_range_kind kind;
	double min, max; /* NUMERIC: as doubles; LENGTH: lengths */
	bool integral;
};

static void test_range_parse(void **state)
{
	static const struct range_case cases[] = {
		{LWB_TYPE_INTEGER, "0..100", SCHEMA_RANGE_NUMERIC, 0, 100, 1},
		{LWB_TYPE_INTEGER, "-40..85", SCHEMA_RANGE_NUMERIC, -40, 85, 1},
		{LWB_TYPE_INTEGER, "-40-85", SCHEMA_RANGE_NUMERIC, -40, 85, 1},
		{LWB_TYPE_UNSIGNED, "1-255", SCHEMA_RANGE_NUMERIC, 1, 255, 1},
		{LWB_TYPE_INTEGER, " 0 .. 5 ", SCHEMA_RANGE_NUMERIC, 0, 5, 1},
		{LWB_TYPE_FLOAT, "0.000001..1.0", SCHEMA_RANGE_NUMERIC,
		 0.000001, 1.0, 0},
		{LWB_TYPE_FLOAT, "-1..1", SCHEMA_RANGE_NUMERIC, -1, 1, 1},
		{LWB_TYPE_TIME, "0..100", SCHEMA_RANGE_NUMERIC, 0, 100, 1},
		{LWB_TYPE_STRING, "0..255 bytes", SCHEMA_RANGE_LENGTH, 0, 255},
		{LWB_TYPE_STRING, "1..64 Bytes", SCHEMA_RANGE_LENGTH, 1, 64},
		{LWB_TYPE_STRING, "0-255 bytes", SCHEMA_RANGE_LENGTH, 0, 255},
		{LWB_TYPE_STRING, "0..255", SCHEMA_RANGE_LENGTH, 0, 255},
		{LWB_TYPE_OPAQUE, "6 bytes", SCHEMA_RANGE_LENGTH, 6, 6},
		{LWB_TYPE_OPAQUE, "6", SCHEMA_RANGE_LENGTH, 6, 6},
		{LWB_TYPE_OPAQUE, "16-32-48 bytes", SCHEMA_RANGE_NONE},
		{LWB_TYPE_OPAQUE, "16,32,48", SCHEMA_RANGE_NONE},
		{LWB_TYPE_STRING, "-1..5", SCHEMA_RANGE_NONE},
		{LWB_TYPE_STRING, "1.5..3", SCHEMA_RANGE_NONE},
		{LWB_TYPE_STRING, "5..1", SCHEMA_RANGE_NONE},
		{LWB_TYPE_STRING, "0..64 kbytes", SCHEMA_RANGE_NONE},
		{LWB_TYPE_STRING, "The possible values are listed",
		 SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "16-bit", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "6", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "0..255 bytes", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "0: off\n1: on", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "100..1", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "0..", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "..5", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "0..99999999999999999999",
		 SCHEMA_RANGE_NONE},
		{LWB_TYPE_FLOAT, "ON;OFF", SCHEMA_RANGE_NONE},
		{LWB_TYPE_FLOAT, "1.5..0.5", SCHEMA_RANGE_NONE},
		{LWB_TYPE_BOOLEAN, "0..65535", SCHEMA_RANGE_NONE},
		{LWB_TYPE_OBJLNK, "0..5", SCHEMA_RANGE_NONE},
		{LWB_TYPE_CORELNK, "0..5", SCHEMA_RANGE_NONE},
		{LWB_TYPE_NONE, "0..5", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, "", SCHEMA_RANGE_NONE},
		{LWB_TYPE_INTEGER, NULL, SCHEMA_RANGE_NONE},
	};
	struct schema_range r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct range_case *c = &cases[i];

		schema_range_parse(c->type, c->text, &r);
		if (r.kind != c->kind)
			print_error("case %zu \"%s\": kind %d\n", i,
				    c->text ? c->text : "(null)", r.kind);
		assert_int_equal(r.kind, c->kind);
		if (c->kind == SCHEMA_RANGE_NUMERIC) {
			assert_true(r.min.d == c->min);
			assert_true(r.max.d == c->max);
			assert_int_equal(r.integral, c->integral);
		} else if (c->kind == SCHEMA_RANGE_LENGTH) {
			assert_int_equal(r.min_len, (uint64_t)c->min);
			assert_int_equal(r.max_len, (uint64_t)c->max);
		}
	}
	schema_range_parse(LWB_TYPE_UNSIGNED, "0..18446744073709551615", &r);
	assert_int_equal(r.kind, SCHEMA_RANGE_NUMERIC);
	assert_true(r.max.mag == UINT64_MAX);
	schema_range_parse(LWB_TYPE_INTEGER, "-0..0", &r);
	assert_int_equal(r.kind, SCHEMA_RANGE_NUMERIC);
	assert_false(r.min.neg);
}

static int check(enum lwb_type rtype, const char *range, struct lwb_value v)
{
	struct schema_resource res = {.type = rtype};

	schema_range_parse(rtype, range, &res.range);
	return schema_check_value(&res, &v);
}

#define VI(x) ((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = (x)})
#define VT(x) ((struct lwb_value){.type = LWB_TYPE_TIME, .v.i = (x)})
#define VU(x) ((struct lwb_value){.type = LWB_TYPE_UNSIGNED, .v.u = (x)})
#define VF(x) ((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = (x)})
#define VS(s)                                                                  \
	((struct lwb_value){.type = LWB_TYPE_STRING,                           \
			    .v.bytes = {.ptr = (s), .len = sizeof(s) - 1}})
#define VO(s)                                                                  \
	((struct lwb_value){.type = LWB_TYPE_OPAQUE,                           \
			    .v.bytes = {.ptr = (s), .len = sizeof(s) - 1}})

static void test_check_value(void **state)
{
	(void)state;
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..127", VI(-128)), 0);
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..127", VI(127)), 0);
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..127", VI(-129)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..127", VI(128)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..127", VI(INT64_MIN)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..-1", VI(0)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_INTEGER, "-128..-1", VI(-1)), 0);
	assert_int_equal(check(LWB_TYPE_INTEGER, "10..20", VI(-15)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_TIME, "0..100", VT(101)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_TIME, "0..100", VT(100)), 0);
	assert_int_equal(check(LWB_TYPE_UNSIGNED, "0..18446744073709551615",
			       VU(UINT64_MAX)),
			 0);
	assert_int_equal(check(LWB_TYPE_UNSIGNED, "1..65534", VU(0)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_UNSIGNED, "1..65534", VU(65535)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_UNSIGNED, "-5..5", VU(5)), 0);
	/* Exact at the top of 64 bits, where a double would round. */
	assert_int_equal(check(LWB_TYPE_UNSIGNED, "0..18446744073709551614",
			       VU(UINT64_MAX)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_FLOAT, "0.000001..1.0", VF(0.0)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_FLOAT, "0.000001..1.0", VF(0.000001)),
			 0);
	assert_int_equal(check(LWB_TYPE_FLOAT, "0.000001..1.0", VF(1.0)), 0);
	assert_int_equal(check(LWB_TYPE_FLOAT, "0.000001..1.0", VF(1.01)),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_FLOAT, "-40..85", VF(-40.5)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_FLOAT, "-40..85", VF(85.0)), 0);
	/* Integral value against fractional bounds. */
	assert_int_equal(check(LWB_TYPE_INTEGER, "0.5..2.5", VI(0)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_INTEGER, "0.5..2.5", VI(2)), 0);
	assert_int_equal(check(LWB_TYPE_UNSIGNED, "0.5..2.5", VU(3)), -ERANGE);
	assert_int_equal(check(LWB_TYPE_STRING, "1..3 bytes", VS("")), -ERANGE);
	assert_int_equal(check(LWB_TYPE_STRING, "1..3 bytes", VS("abc")), 0);
	assert_int_equal(check(LWB_TYPE_STRING, "1..3 bytes", VS("abcd")),
			 -ERANGE);
	assert_int_equal(check(LWB_TYPE_OPAQUE, "6", VO("123456")), 0);
	assert_int_equal(check(LWB_TYPE_OPAQUE, "6", VO("12345")), -ERANGE);
	assert_int_equal(check(LWB_TYPE_STRING, "no range", VS("anything")), 0);
	assert_int_equal(check(LWB_TYPE_INTEGER, "", VI(INT64_MAX)), 0);
}

static void test_type_of(void **state)
{
	struct schema_registry *reg = *state;
	struct path p;

	assert_int_equal(
		schema_load_file(reg, src("tests/data/ddf/valid/tolerant.xml"),
				 NULL),
		1);
	p = path_resource(32000, 0, 7);
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_UNSIGNED);
	p = path_resource_instance(32000, 3, 7, 9);
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_UNSIGNED);
	p = path_resource(32000, 0, 4);
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_FLOAT);
	p = path_resource_instance(32000, 0, 4, 0); /* single resource */
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_NONE);
	p = path_resource(32000, 0, 65534); /* executable */
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_NONE);
	p = path_resource(32000, 0, 8);
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_NONE);
	p = path_resource(32001, 0, 1);
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_NONE);
	p = path_instance(32000, 0);
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_NONE);
	p = path_root();
	assert_int_equal(schema_type_of(reg, &p), LWB_TYPE_NONE);
}

/* The registry holds every definition for the daemon's whole life, so its
 * heap should be close to what it holds: no spare capacity, no block per
 * string.  (Unpacked, the shipped catalogue took 2.3 times its content.)
 * Measured with glibc's counters; skipped elsewhere and under ASan, whose
 * allocator they do not see. */
static void test_registry_footprint(void **state)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && \
	(__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct schema_registry *reg = *state;
	struct mallinfo2 before = mallinfo2(), after;
	size_t content = 0, used;

	assert_int_equal(schema_load_dir(reg, src("objects"), NULL), 0);
	after = mallinfo2();
	used = after.uordblks - before.uordblks;
	for (size_t i = 0; i < schema_object_count(reg); i++) {
		const struct schema_object *o = schema_object_at(reg, i);

		content += sizeof(*o) + strlen(o->name) + strlen(o->urn) +
			   strlen(o->version) + strlen(o->lwm2m_version) +
			   strlen(o->source) + 5;
		for (size_t j = 0; j < o->resource_count; j++) {
			const struct schema_resource *r = &o->resources[j];

			content += sizeof(*r) + strlen(r->name) +
				   strlen(r->range_text) + strlen(r->units) + 3;
		}
	}
	printf("# %zu objects: %zu bytes of heap for %zu of content\n",
	       schema_object_count(reg), used, content);
	assert_true(used < content + content / 4);
#else
	(void)state;
	skip();
#endif
}

/* Whether libexpat is mapped into this process now.  Only glibc unloads
 * on dlclose (musl never does), so elsewhere this cannot be checked. */
static bool expat_mapped(void)
{
#ifndef __GLIBC__
	return false;
#endif
	void *h = dlopen(SCHEMA_EXPAT_SONAME, RTLD_NOW | RTLD_NOLOAD);

	if (h)
		dlclose(h);
	return h != NULL;
}

/* The XML parser is opened for a load and unloaded before it returns:
 * the daemon reads definitions at start-up only. */
static void test_parser_unloaded(void **state)
{
	struct schema_registry *reg = *state;
	struct schema_error err;

	assert_false(expat_mapped());
	assert_int_equal(schema_load_dir(reg, src("objects"), &err), 0);
	assert_false(expat_mapped());
	assert_int_equal(schema_load_file(reg,
					  src("tests/data/ddf/valid/"
					      "two_objects.xml"),
					  &err),
			 2);
	assert_false(expat_mapped());
	assert_int_equal(schema_load_buffer(reg, "<LWM2M>", 7, "b", &err),
			 -EBADMSG);
	assert_false(expat_mapped());
	assert_non_null(schema_find(reg, 3303));
	assert_string_equal(schema_find(reg, 3303)->name, "Temperature");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_catalogue),
		T(test_v1_0),
		T(test_tolerant),
		T(test_two_objects),
		T(test_broken_files),
		T(test_broken_dir),
		T(test_layers),
		T(test_same_dir_duplicate),
		T(test_missing),
		T(test_bounds),
		T(test_buffer_edge_values),
		T(test_range_parse),
		T(test_check_value),
		T(test_type_of),
		T(test_registry_footprint),
		T(test_parser_unloaded),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

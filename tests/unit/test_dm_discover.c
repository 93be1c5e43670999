/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Discover (GET, Accept 40), single-value CBOR (Content-Format 60) and
 * the order of Execute's answers through dm_handle, on a data model built
 * from the shipped objects/:
 *   /3/0     Device, bound to a handler that writes and executes (so its
 *            executable resources 4, 5, 12 exist); values 0, 11/0, 11/1,
 *            13, 14
 *   /3303/0  Temperature, 5700 and 5701; /3303/1 with no resources
 *   /4       defined, no instance
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "attrs.h"
#include "dm.h"
#include "log.h"
#include "object_access.h"

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct dm *dm;
	struct attrs *attrs;
	struct dm_requester who;
	struct dm_response resp;
	char text[4096];
};

static int ok_write(void *ctx, uint16_t rid, uint16_t riid,
		    const struct lwb_value *v)
{
	(void)ctx;
	(void)rid;
	(void)riid;
	(void)v;
	return 0;
}

static int ok_execute(void *ctx, uint16_t rid, const char *args, size_t len)
{
	(void)ctx;
	(void)rid;
	(void)args;
	(void)len;
	return 0;
}

static const struct oa_handler device_handler = {
	.ops = {.write = ok_write, .execute = ok_execute},
	.tag = "device",
};

static int set(struct model *m, struct path p, struct lwb_value v)
{
	return model_set(m, &p, &v) < 0 ? -1 : 0;
}

#define VI(x) ((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = (x)})
#define VF(x) ((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = (x)})
#define VS(s)                                                                  \
	((struct lwb_value){.type = LWB_TYPE_STRING,                           \
			    .v.bytes = {(s), strlen(s)}})

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *top = getenv("top_srcdir");
	char dir[4096];

	if (!f)
		return -1;
	snprintf(dir, sizeof(dir), "%s/objects",
		 top && *top ? top : TOP_SRCDIR);
	f->reg = schema_registry_new();
	if (!f->reg || schema_load_dir(f->reg, dir, NULL) != 0)
		return -1;
	f->m = model_new(f->reg);
	f->oa = f->m ? oa_new(f->m) : NULL;
	f->dm = f->oa ? dm_new(f->oa) : NULL;
	f->attrs = attrs_new();
	if (!f->dm || !f->attrs || model_instance_create(f->m, 3, 0) ||
	    model_instance_create(f->m, 3303, 0) ||
	    model_instance_create(f->m, 3303, 1) ||
	    set(f->m, path_resource(3, 0, 0), VS("ACME")) ||
	    set(f->m, path_resource_instance(3, 0, 11, 0), VI(0)) ||
	    set(f->m, path_resource_instance(3, 0, 11, 1), VI(2)) ||
	    set(f->m, path_resource(3, 0, 14), VS("+01")) ||
	    set(f->m, path_resource(3303, 0, 5700), VF(21.5)) ||
	    set(f->m, path_resource(3303, 0, 5701), VS("Cel")) ||
	    oa_bind(f->oa, 3, 0, &device_handler))
		return -1;
	f->who = (struct dm_requester){.short_server_id = 1,
				       .version = REG_LWM2M_1_1,
				       .attrs = f->attrs};
	log_set_level(LOG_LVL_ERR);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dm_free(f->dm);
	oa_free(f->oa);
	model_free(f->m);
	schema_registry_free(f->reg);
	attrs_free(f->attrs);
	free(f);
	return 0;
}

/* Splits "/3/0/11" into segments (at most 5) in segs/store. */
static size_t split(const char *path, const char *segs[5], char store[5][8])
{
	size_t n = 0;

	for (const char *s = path + 1; *s && n < 5;) {
		size_t len = strcspn(s, "/");

		snprintf(store[n], sizeof(store[n]), "%.*s", (int)len, s);
		segs[n] = store[n];
		n++;
		s += len;
		if (*s == '/')
			s++;
	}
	return n;
}

/* One request; the answer lands in f->resp (and f->text, NUL-ended). */
static int request(struct fixture *f, int method, const char *path, int accept,
		   int cf, const void *payload, size_t len, const char *query)
{
	const char *segs[5];
	char store[5][8];
	const char *q[1] = {query};
	struct dm_request req = {
		.method = method,
		.path = segs,
		.n_path = split(path, segs, store),
		.accept = accept,
		.content_format = cf,
		.payload = payload,
		.payload_len = len,
		.query = query ? q : NULL,
		.n_query = query ? 1 : 0,
	};

	dm_handle(f->dm, &f->who, &req, &f->resp);
	snprintf(f->text, sizeof(f->text), "%.*s", (int)f->resp.payload_len,
		 (const char *)f->resp.payload);
	return f->resp.code;
}

#define CODE(c, d) ((c) << 5 | (d))

static int discover(struct fixture *f, const char *path, const char *query)
{
	return request(f, 1, path, 40, -1, NULL, 0, query);
}

static void write_attrs(struct fixture *f, struct path p, const char *opt,
			bool numeric)
{
	const char *opts[1] = {opt};
	size_t len[1] = {strlen(opt)};

	assert_int_equal(attrs_write(f->attrs, &p, opts, len, 1, numeric), 0);
}

/* pmin on the object, pmax on the instance, gt/lt on a resource, pmax on
 * the multiple resource /3/0/11 and st on its instance 1. */
static void some_attrs(struct fixture *f)
{
	write_attrs(f, path_object(3), "pmin=10", false);
	write_attrs(f, path_instance(3, 0), "pmax=60", false);
	write_attrs(f, path_resource(3, 0, 0), "pmin=2", false);
	write_attrs(f, path_resource(3, 0, 11), "pmax=30", false);
	write_attrs(f, path_resource_instance(3, 0, 11, 1), "st=1.5", true);
	write_attrs(f, path_object(3303), "pmin=5", false);
	write_attrs(f, path_instance(3303, 0), "pmax=50", false);
	write_attrs(f, path_resource(3303, 0, 5700), "gt=30.5", true);
	write_attrs(f, path_resource(3303, 0, 5700), "lt=-2", true);
}

static void test_object(void **state)
{
	struct fixture *f = *state;

	some_attrs(f);
	/* The object's own attributes; instances and resources bare. */
	assert_int_equal(discover(f, "/3303", NULL), CODE(2, 5));
	assert_int_equal(f->resp.content_format, 40);
	assert_string_equal(f->text, "</3303>;ver=1.1;pmin=5,</3303/0>,"
				     "</3303/0/5700>,</3303/0/5701>,</3303/1>");
	/* Executable resources of an instance that can execute; no dim=
	 * on an object Discover. */
	assert_int_equal(discover(f, "/3", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</3>;ver=1.2;pmin=10,</3/0>,</3/0/0>,"
				     "</3/0/4>,</3/0/5>,</3/0/11>,</3/0/12>,"
				     "</3/0/14>");
	/* An object without instances: just itself. */
	assert_int_equal(discover(f, "/4", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</4>;ver=1.3");
}

static void test_instance(void **state)
{
	struct fixture *f = *state;

	some_attrs(f);
	/* The instance with its effective attributes (pmin from the
	 * object), each resource with dim= and what is written on it. */
	assert_int_equal(discover(f, "/3/0", NULL), CODE(2, 5));
	assert_string_equal(f->text,
			    "</3/0>;pmin=10;pmax=60,</3/0/0>;pmin=2,"
			    "</3/0/4>,</3/0/5>,</3/0/11>;dim=2;pmax=30,"
			    "</3/0/12>,</3/0/14>");
	assert_int_equal(discover(f, "/3303/0", NULL), CODE(2, 5));
	assert_string_equal(f->text,
			    "</3303/0>;pmin=5;pmax=50,"
			    "</3303/0/5700>;gt=30.5;lt=-2,</3303/0/5701>");
	assert_int_equal(discover(f, "/3303/1", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</3303/1>;pmin=5");
}

static void test_resource(void **state)
{
	struct fixture *f = *state;

	some_attrs(f);
	/* Attached and inherited; 1.1: then the resource instances. */
	assert_int_equal(discover(f, "/3303/0/5700", NULL), CODE(2, 5));
	assert_string_equal(f->text,
			    "</3303/0/5700>;pmin=5;pmax=50;gt=30.5;lt=-2");
	assert_int_equal(discover(f, "/3/0/11", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</3/0/11>;dim=2;pmin=10;pmax=30,"
				     "</3/0/11/0>,</3/0/11/1>;st=1.5");
	/* 1.0: no resource-instance links. */
	f->who.version = REG_LWM2M_1_0;
	assert_int_equal(discover(f, "/3/0/11", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</3/0/11>;dim=2;pmin=10;pmax=30");
	/* An executable resource exists when it can be executed. */
	assert_int_equal(discover(f, "/3/0/4", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</3/0/4>;pmin=10;pmax=60");
}

static void test_depth(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(discover(f, "/3", "depth=0"), CODE(2, 5));
	assert_string_equal(f->text, "</3>;ver=1.2");
	assert_int_equal(discover(f, "/3303", "depth=1"), CODE(2, 5));
	assert_string_equal(f->text, "</3303>;ver=1.1,</3303/0>,</3303/1>");
	assert_int_equal(discover(f, "/3", "depth=3"), CODE(2, 5));
	assert_string_equal(f->text, "</3>;ver=1.2,</3/0>,</3/0/0>,</3/0/4>,"
				     "</3/0/5>,</3/0/11>,</3/0/11/0>,"
				     "</3/0/11/1>,</3/0/12>,</3/0/14>");
	assert_int_equal(discover(f, "/3/0", "depth=0"), CODE(2, 5));
	assert_string_equal(f->text, "</3/0>");
	assert_int_equal(discover(f, "/3/0", "depth=2"), CODE(2, 5));
	assert_true(strstr(f->text, "</3/0/11>;dim=2,</3/0/11/0>,</3/0/11/1>"));
	assert_int_equal(discover(f, "/3/0/11", "depth=0"), CODE(2, 5));
	assert_string_equal(f->text, "</3/0/11>;dim=2");
	/* Deeper than there are levels: as deep as there are. */
	assert_int_equal(discover(f, "/3/0/11", "depth=3"), CODE(2, 5));
	assert_string_equal(f->text, "</3/0/11>;dim=2,</3/0/11/0>,</3/0/11/1>");
	/* Other queries are not Discover's business. */
	assert_int_equal(discover(f, "/3/0/11", "x=1"), CODE(2, 5));
	assert_int_equal(discover(f, "/3", "depth=4"), CODE(4, 0));
	assert_int_equal(discover(f, "/3", "depth=-1"), CODE(4, 0));
	assert_int_equal(discover(f, "/3", "depth="), CODE(4, 0));
	assert_int_equal(discover(f, "/3", "depth"), CODE(4, 0));
	assert_int_equal(discover(f, "/3", "depth=01"), CODE(4, 0));
	assert_int_equal(f->resp.payload_len, 0);
	/* 1.0 has no depth: ignored, the 1.0 defaults apply. */
	f->who.version = REG_LWM2M_1_0;
	assert_int_equal(discover(f, "/3303", "depth=9"), CODE(2, 5));
	assert_string_equal(f->text, "</3303>;ver=1.1,</3303/0>,"
				     "</3303/0/5700>,</3303/0/5701>,</3303/1>");
}

static void test_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(discover(f, "/", NULL), CODE(4, 5));
	assert_int_equal(discover(f, "/3/0/11/0", NULL), CODE(4, 5));
	assert_int_equal(discover(f, "/0", NULL), CODE(4, 1));
	assert_int_equal(discover(f, "/0/0", NULL), CODE(4, 1));
	assert_int_equal(discover(f, "/32000", NULL), CODE(4, 4));
	assert_int_equal(discover(f, "/3/1", NULL), CODE(4, 4));
	assert_int_equal(discover(f, "/3303/0/5601", NULL), CODE(4, 4));
	assert_int_equal(discover(f, "/3303/0/9999", NULL), CODE(4, 4));
	/* Reset (5605) is executable, but nothing serves /3303/0. */
	assert_int_equal(discover(f, "/3303/0/5605", NULL), CODE(4, 4));
	/* Without a store, no attributes. */
	f->who.attrs = NULL;
	assert_int_equal(discover(f, "/3303/0/5700", NULL), CODE(2, 5));
	assert_string_equal(f->text, "</3303/0/5700>");
}

/* A Discover larger than the first buffer grows it. */
static void test_large(void **state)
{
	struct fixture *f = *state;

	for (uint16_t i = 2; i < 200; i++)
		assert_int_equal(model_instance_create(f->m, 3303, i), 0);
	assert_int_equal(discover(f, "/3303", "depth=1"), CODE(2, 5));
	assert_true(f->resp.payload_len > 2000);
	assert_int_equal(strncmp(f->text, "</3303>;ver=1.1,</3303/0>,", 26), 0);
	assert_non_null(strstr(f->text, ",</3303/199>"));
	assert_int_equal(f->text[f->resp.payload_len - 1], '>');
}

/* ---- Content-Format 60 ------------------------------------------------- */

static void test_cbor_read(void **state)
{
	struct fixture *f = *state;
	const uint8_t *p;

	assert_int_equal(request(f, 1, "/3/0/0", 60, -1, NULL, 0, NULL),
			 CODE(2, 5));
	assert_int_equal(f->resp.content_format, 60);
	assert_int_equal(f->resp.payload_len, 5);
	assert_memory_equal(f->resp.payload,
			    "\x64"
			    "ACME",
			    5);
	assert_int_equal(request(f, 1, "/3303/0/5700", 60, -1, NULL, 0, NULL),
			 CODE(2, 5));
	p = f->resp.payload;
	assert_int_equal(f->resp.payload_len, 3); /* 21.5 as a half */
	assert_true(p[0] == 0xf9 && p[1] == 0x4d && p[2] == 0x60);
	assert_int_equal(request(f, 1, "/3/0/11/1", 60, -1, NULL, 0, NULL),
			 CODE(2, 5));
	assert_int_equal(f->resp.payload_len, 1);
	assert_int_equal(f->resp.payload[0], 0x02);
	/* Not one value: CBOR cannot carry it. */
	assert_int_equal(request(f, 1, "/3/0/11", 60, -1, NULL, 0, NULL),
			 CODE(4, 6));
	assert_int_equal(request(f, 1, "/3/0", 60, -1, NULL, 0, NULL),
			 CODE(4, 6));
	assert_int_equal(request(f, 1, "/3303", 60, -1, NULL, 0, NULL),
			 CODE(4, 6));
	/* A format nobody encodes, on one value. */
	assert_int_equal(request(f, 1, "/3/0/0", 50, -1, NULL, 0, NULL),
			 CODE(4, 6));
	assert_int_equal(request(f, 1, "/3/0/9", 60, -1, NULL, 0, NULL),
			 CODE(4, 4));
	/* What does not exist is 4.04 whatever the Accept, not 4.06. */
	assert_int_equal(request(f, 1, "/9999", 60, -1, NULL, 0, NULL),
			 CODE(4, 4));
	assert_int_equal(request(f, 1, "/3303/7", 0, -1, NULL, 0, NULL),
			 CODE(4, 4));
	assert_int_equal(request(f, 1, "/3/0/22", 60, -1, NULL, 0, NULL),
			 CODE(4, 4));
}

static void test_cbor_write(void **state)
{
	struct fixture *f = *state;
	const uint8_t t[] = {0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0};
	const uint8_t s[] = {0x63, '+', '0', '2'};
	const struct path time_path = path_resource(3, 0, 13);
	const struct path utc_path = path_resource(3, 0, 14);
	struct lwb_value v;

	/* Current Time (Time) with tag 1, then read back in CBOR. */
	assert_int_equal(request(f, 3, "/3/0/13", -1, 60, t, sizeof(t), NULL),
			 CODE(2, 4));
	assert_int_equal(model_get(f->m, &time_path, &v), 0);
	assert_int_equal(v.type, LWB_TYPE_TIME);
	assert_int_equal(v.v.i, 1363896240);
	assert_int_equal(request(f, 1, "/3/0/13", 60, -1, NULL, 0, NULL),
			 CODE(2, 5));
	assert_int_equal(f->resp.payload_len, sizeof(t));
	assert_memory_equal(f->resp.payload, t, sizeof(t));
	/* UTC Offset (String). */
	assert_int_equal(request(f, 3, "/3/0/14", -1, 60, s, sizeof(s), NULL),
			 CODE(2, 4));
	assert_int_equal(model_get(f->m, &utc_path, &v), 0);
	assert_int_equal(v.v.bytes.len, 3);
	assert_memory_equal(v.v.bytes.ptr, "+02", 3);
	/* Wrong kind, trailing byte, truncated: 4.00, nothing changes. */
	assert_int_equal(request(f, 3, "/3/0/14", -1, 60, "\x01", 1, NULL),
			 CODE(4, 0));
	assert_int_equal(request(f, 3, "/3/0/13", -1, 60, "\x01\x02", 2, NULL),
			 CODE(4, 0));
	assert_int_equal(request(f, 3, "/3/0/13", -1, 60, "\x1a\x00", 2, NULL),
			 CODE(4, 0));
	assert_int_equal(model_get(f->m, &time_path, &v), 0);
	assert_int_equal(v.v.i, 1363896240);
	/* A read-only resource. */
	assert_int_equal(request(f, 3, "/3/0/0", -1, 60,
				 "\x61"
				 "x",
				 2, NULL),
			 CODE(4, 5));
}

/* ---- Execute: the path is judged before the arguments ------------------ */

static int execute(struct fixture *f, const char *path, const char *args)
{
	return request(f, 2, path, -1, -1, args, strlen(args), NULL);
}

static void test_execute_answer_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(execute(f, "/3/0/4", "0='a',1"), CODE(2, 4));
	assert_int_equal(execute(f, "/3/0/4", "x"), CODE(4, 0));
	/* Bad arguments on what cannot be executed: the path's answer. */
	assert_int_equal(execute(f, "/3/0/0", "x"), CODE(4, 5));
	assert_int_equal(execute(f, "/3/0/99", "x"), CODE(4, 4));
	assert_int_equal(execute(f, "/3/1/4", "x"), CODE(4, 4));
	assert_int_equal(execute(f, "/9999/0/1", "x"), CODE(4, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resource, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cbor_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cbor_write, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_execute_answer_order,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

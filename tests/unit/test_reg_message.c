/* SPDX-License-Identifier: BSD-3-Clause */
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

#include "codec_link.h"
#include "model.h"
#include "reg_message.h"
#include "schema.h"

/* OSCORE (21) and two objects without ObjectVersion (so 1.0). */
static const char extra_ddf[] =
	"<LWM2M>"
	"<Object><Name>OSCORE</Name><ObjectID>21</ObjectID>"
	"<MultipleInstances>Multiple</MultipleInstances>"
	"<Mandatory>Optional</Mandatory><Resources></Resources></Object>"
	"<Object><Name>Plain A</Name><ObjectID>32501</ObjectID>"
	"<MultipleInstances>Multiple</MultipleInstances>"
	"<Mandatory>Optional</Mandatory><Resources></Resources></Object>"
	"<Object><Name>Plain B</Name><ObjectID>32502</ObjectID>"
	"<MultipleInstances>Multiple</MultipleInstances>"
	"<Mandatory>Optional</Mandatory><Resources></Resources></Object>"
	"</LWM2M>";

struct fixture {
	struct schema_registry *reg;
	struct model *m;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *top = getenv("top_srcdir");
	char dir[4096];

	if (!f)
		return -1;
	if (!top || !*top)
		top = TOP_SRCDIR;
	snprintf(dir, sizeof(dir), "%s/objects", top);
	f->reg = schema_registry_new();
	if (!f->reg || schema_load_dir(f->reg, dir, NULL) != 0 ||
	    schema_load_buffer(f->reg, extra_ddf, sizeof(extra_ddf) - 1,
			       "extra", NULL) != 3)
		return -1;
	f->m = model_new(f->reg);
	if (!f->m)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	model_free(f->m);
	schema_registry_free(f->reg);
	free(f);
	return 0;
}

static void add(struct fixture *f, uint16_t oid, uint16_t iid)
{
	assert_int_equal(model_instance_create(f->m, oid, iid), 0);
}

/* ---- link list ------------------------------------------------------ */

/* Asserts the structural rules of a Register payload on any list. */
static int check_link(const struct link *l, void *ctx)
{
	struct path p;

	(void)ctx;
	assert_int_equal(path_parse(l->uri, l->uri_len, &p), 0);
	if (p.len == 2) {
		assert_int_equal(l->nattrs, 0); /* never ver= on instances */
	} else if (p.len == 1) {
		assert_true(l->nattrs <= 1);
		if (l->nattrs)
			assert_int_equal(l->attrs[0].name_len, 3);
	} else {
		assert_int_equal(p.len, 0); /* the root link */
	}
	if (p.len >= 1)
		assert_true(p.ids[0] != 0 && p.ids[0] != 21);
	for (size_t i = 0; i < l->nattrs; i++)
		for (size_t j = i + 1; j < l->nattrs; j++)
			assert_false(l->attrs[i].name_len ==
					     l->attrs[j].name_len &&
				     !memcmp(l->attrs[i].name, l->attrs[j].name,
					     l->attrs[i].name_len));
	return 0;
}

static void payload_is(struct fixture *f, const struct reg_payload_opts *o,
		       const char *want)
{
	char buf[2048];
	int n = reg_payload_build(f->m, o, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
	assert_true(link_parse(buf, (size_t)n, check_link, NULL) >= 0);
}

static void test_payload_objects_and_instances(void **state)
{
	struct fixture *f = *state;

	add(f, 0, 0);
	add(f, 0, 1);
	add(f, 1, 0);
	add(f, 3, 0);
	add(f, 3303, 1);
	add(f, 3303, 0);
	add(f, 3311, 0);
	add(f, 21, 0);
	add(f, 32501, 4);
	add(f, 32501, 2);
	/* 1.0 rules: Server and Device are 1.0 to a 1.0 server (see
	 * test_payload_versions_by_enabler) */
	payload_is(f, NULL,
		   "</1/0>,</3/0>,"
		   "</3303>;ver=1.1,</3303/0>,</3303/1>,</3311/0>,"
		   "</32501/2>,</32501/4>");
}

static void test_payload_empty_model(void **state)
{
	struct fixture *f = *state;

	payload_is(f, NULL, "");
	add(f, 0, 0); /* only Security: still nothing */
	payload_is(f, NULL, "");
}

static bool supported(uint16_t oid, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	return oid == 5 || oid == 32502 || oid == 0 || oid == 21 || oid == 3;
}

static void test_payload_objects_without_instances(void **state)
{
	struct fixture *f = *state;
	int calls = 0;
	struct reg_payload_opts o = {.supported = supported, .ctx = &calls};

	add(f, 1, 0);
	add(f, 3, 0);
	/* /5 and /32502 have no instance but are declared supported: listed
	 * as object links, ver= where it applies; /0 and /21 never. */
	payload_is(f, &o, "</1/0>,</3/0>,</5>,</32502>");
	/* Asked once per empty object, excluding 0 and 21, never for objects
	 * that have instances. */
	assert_int_equal(calls,
			 (int)schema_object_count(model_schema(f->m)) - 4);
}

static void test_payload_root_link(void **state)
{
	struct fixture *f = *state;
	static const uint16_t one[] = {11543};
	static const uint16_t several[] = {0, 42, 11542, 11543, 110, 112};
	struct reg_payload_opts o = {.version = REG_LWM2M_1_1,
				     .content_formats = one,
				     .n_content_formats = 1};

	add(f, 3, 0);
	payload_is(f, &o, "</>;rt=\"oma.lwm2m\";ct=11543,</3>;ver=1.2,</3/0>");
	o.content_formats = several;
	o.n_content_formats = 6;
	payload_is(f, &o,
		   "</>;rt=\"oma.lwm2m\";ct=\"0 42 11542 11543 110 112\","
		   "</3>;ver=1.2,</3/0>");
	/* Never to a 1.0 server. */
	o.version = REG_LWM2M_1_0;
	payload_is(f, &o, "</3/0>");
}

/* Object versions as a client of the server's enabler announces them: an
 * object whose DDF needs a newer LwM2M (Server 1.2 needs 1.2; Device 1.2,
 * Connectivity Monitoring 1.3 and Firmware Update 1.2 need 1.1) is at the
 * version that enabler defines: 1.0 for objects 0..7 in 1.0, Server 1.1 in
 * 1.1.  Access Control 1.1 and the IPSO objects 1.1 need only 1.0. */
static void test_payload_versions_by_enabler(void **state)
{
	struct fixture *f = *state;
	struct reg_payload_opts o = {.version = REG_LWM2M_1_0};

	add(f, 1, 0);
	add(f, 2, 0);
	add(f, 3, 0);
	add(f, 4, 0);
	add(f, 5, 0);
	add(f, 6, 0);
	add(f, 3303, 0);
	payload_is(f, &o,
		   "</1/0>,</2>;ver=1.1,</2/0>,</3/0>,</4/0>,</5/0>,</6/0>,"
		   "</3303>;ver=1.1,</3303/0>");
	o.version = REG_LWM2M_1_1;
	payload_is(f, &o,
		   "</1>;ver=1.1,</1/0>,</2>;ver=1.1,</2/0>,</3>;ver=1.2,"
		   "</3/0>,</4>;ver=1.3,</4/0>,</5>;ver=1.2,</5/0>,</6/0>,"
		   "</3303>;ver=1.1,</3303/0>");
}

static void test_payload_errors(void **state)
{
	struct fixture *f = *state;
	char buf[2048];
	int n;

	add(f, 3, 0);
	add(f, 3303, 0);
	n = reg_payload_build(f->m, NULL, buf, sizeof(buf));
	assert_true(n > 0);
	/* One byte short of the NUL: -ENOBUFS and an empty string. */
	assert_int_equal(reg_payload_build(f->m, NULL, buf, (size_t)n),
			 -ENOBUFS);
	assert_string_equal(buf, "");
	assert_int_equal(reg_payload_build(f->m, NULL, buf, (size_t)n + 1), n);
	assert_int_equal(reg_payload_build(f->m, NULL, buf, 0), -ENOBUFS);
	assert_int_equal(reg_payload_build(NULL, NULL, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(reg_payload_build(f->m, NULL, NULL, 10), -EINVAL);
}

/* ---- query ---------------------------------------------------------- */

static void joined_is(const struct reg_query *q, const char *want)
{
	char buf[1024];

	assert_int_equal(reg_query_join(q, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_query_register(void **state)
{
	struct reg_query q;

	(void)state;
	assert_int_equal(reg_query_register(&q, "gw1", 300, REG_LWM2M_1_1, "U"),
			 0);
	assert_int_equal(q.n, 4);
	assert_string_equal(q.item[0], "ep=gw1");
	assert_string_equal(q.item[1], "lt=300");
	assert_string_equal(q.item[2], "lwm2m=1.1");
	assert_string_equal(q.item[3], "b=U");
	/* 1.1 queue mode: Q as its own parameter, b= without it. */
	assert_int_equal(
		reg_query_register(&q, "gw1", 86400, REG_LWM2M_1_1, "UQ"), 0);
	joined_is(&q, "ep=gw1&lt=86400&lwm2m=1.1&b=U&Q");
	assert_string_equal(q.item[4], "Q");
	/* 1.0: the binding as it is, no Q parameter. */
	assert_int_equal(reg_query_register(&q, "gw1", 60, REG_LWM2M_1_0, "UQ"),
			 0);
	joined_is(&q, "ep=gw1&lt=60&lwm2m=1.0&b=UQ");
	assert_int_equal(
		reg_query_register(&q, "gw1", 60, REG_LWM2M_1_0, "UQS"), 0);
	joined_is(&q, "ep=gw1&lt=60&lwm2m=1.0&b=UQS");
	assert_int_equal(reg_query_register(&q, "gw1", 60, REG_LWM2M_1_1, "T"),
			 0);
	joined_is(&q, "ep=gw1&lt=60&lwm2m=1.1&b=T");
}

static void test_query_register_errors(void **state)
{
	static const char *const bad_ep[] = {"", "a b", "a&b", "é"};
	char longest[ENDPOINT_MAX + 2];
	struct reg_query q;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_ep) / sizeof(bad_ep[0]); i++) {
		assert_int_equal(reg_query_register(&q, bad_ep[i], 60,
						    REG_LWM2M_1_1, "U"),
				 -EINVAL);
		assert_int_equal(q.n, 0);
	}
	assert_int_equal(reg_query_register(&q, NULL, 60, REG_LWM2M_1_1, "U"),
			 -EINVAL);
	memset(longest, 'e', sizeof(longest) - 1);
	longest[ENDPOINT_MAX + 1] = '\0';
	assert_int_equal(
		reg_query_register(&q, longest, 60, REG_LWM2M_1_1, "U"),
		-EINVAL);
	longest[ENDPOINT_MAX] = '\0';
	assert_int_equal(reg_query_register(&q, longest, 4294967295u,
					    REG_LWM2M_1_1, "UQ"),
			 0);
	assert_string_equal(q.item[1], "lt=4294967295");
	assert_int_equal(reg_query_register(&q, "gw", 60, REG_LWM2M_1_0, "T"),
			 -EINVAL);
	assert_int_equal(reg_query_register(&q, "gw", 60, REG_LWM2M_1_1, NULL),
			 -EINVAL);
	assert_int_equal(reg_query_register(NULL, "gw", 60, REG_LWM2M_1_1, "U"),
			 -EINVAL);
}

static void test_query_update(void **state)
{
	struct reg_query q;

	(void)state;
	assert_int_equal(
		reg_query_update(&q, REG_LWM2M_1_1, false, 0, false, NULL), 0);
	assert_int_equal(q.n, 0);
	joined_is(&q, "");
	assert_int_equal(
		reg_query_update(&q, REG_LWM2M_1_1, true, 120, false, NULL), 0);
	joined_is(&q, "lt=120");
	assert_int_equal(
		reg_query_update(&q, REG_LWM2M_1_1, false, 120, true, "UQ"), 0);
	joined_is(&q, "b=U");
	assert_int_equal(
		reg_query_update(&q, REG_LWM2M_1_0, true, 30, true, "UQ"), 0);
	joined_is(&q, "lt=30&b=UQ");
	assert_int_equal(
		reg_query_update(&q, REG_LWM2M_1_0, true, 30, true, "X"),
		-EINVAL);
	assert_int_equal(q.n, 0);
	assert_int_equal(
		reg_query_update(NULL, REG_LWM2M_1_0, true, 30, false, NULL),
		-EINVAL);
}

static void test_query_join_bounds(void **state)
{
	struct reg_query q;
	char buf[32];

	(void)state;
	assert_int_equal(reg_query_register(&q, "gw1", 300, REG_LWM2M_1_1, "U"),
			 0);
	/* "ep=gw1&lt=300&lwm2m=1.1&b=U" is 27 bytes. */
	assert_int_equal(reg_query_join(&q, buf, 28), 27);
	assert_int_equal(reg_query_join(&q, buf, 27), -ENOBUFS);
	assert_string_equal(buf, "");
	assert_int_equal(reg_query_join(&q, NULL, 10), -ENOBUFS);
	assert_int_equal(reg_query_join(NULL, buf, sizeof(buf)), 0);
}

static void test_binding_split(void **state)
{
	static const char *const bad10[] = {"",	   "Q", "T", "N",   "UU",
					    "UQQ", "u", "X", "UQSX"};
	static const char *const bad11[] = {"", "Q", "UU", "UTSNQX", "uq"};
	char letters[REG_BINDING_MAX + 1];
	bool q = true;

	(void)state;
	assert_int_equal(reg_binding_split("U", REG_LWM2M_1_0, letters, &q), 0);
	assert_string_equal(letters, "U");
	assert_false(q);
	assert_int_equal(reg_binding_split("UQS", REG_LWM2M_1_0, letters, &q),
			 0);
	assert_string_equal(letters, "US");
	assert_true(q);
	assert_int_equal(reg_binding_split("UTSNQ", REG_LWM2M_1_1, letters, &q),
			 0);
	assert_string_equal(letters, "UTSN");
	assert_true(q);
	for (size_t i = 0; i < sizeof(bad10) / sizeof(bad10[0]); i++)
		assert_int_equal(
			reg_binding_split(bad10[i], REG_LWM2M_1_0, letters, &q),
			-EINVAL);
	for (size_t i = 0; i < sizeof(bad11) / sizeof(bad11[0]); i++)
		assert_int_equal(
			reg_binding_split(bad11[i], REG_LWM2M_1_1, letters, &q),
			-EINVAL);
	assert_int_equal(reg_binding_split(NULL, REG_LWM2M_1_1, letters, &q),
			 -EINVAL);
	assert_string_equal(reg_lwm2m_version_name(REG_LWM2M_1_0), "1.0");
	assert_string_equal(reg_lwm2m_version_name(REG_LWM2M_1_1), "1.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_payload_objects_and_instances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_empty_model, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_payload_objects_without_instances, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_payload_root_link, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_payload_versions_by_enabler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_errors, setup,
						teardown),
		cmocka_unit_test(test_query_register),
		cmocka_unit_test(test_query_register_errors),
		cmocka_unit_test(test_query_update),
		cmocka_unit_test(test_query_join_bounds),
		cmocka_unit_test(test_binding_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

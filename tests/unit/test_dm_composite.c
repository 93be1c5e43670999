/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LwM2M 1.1 Read-Composite and Write-Composite through dm_handle() (FETCH
 * and iPATCH on the root), and the SenML path-list decoder behind them.
 * The model holds /32500 (tests/data/ddf/valid/model_types.xml: every
 * type, /32500/x/10 a multiple Integer 0..1000) and the shipped objects.
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

#include "codec_senml_cbor.h"
#include "codec_senml_paths.h"
#include "coap_errors.h"
#include "dm.h"
#include "log.h"
#include "model.h"
#include "object_access.h"
#include "schema.h"

#define OT 32500

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct dm *dm;
	struct dm_requester who;
	struct dm_response resp;
	int write_rc; /* what the handler of /OT/0 answers */
	int writes;
	uint16_t deny_iid; /* access control refuses /OT/deny_iid */
};

static const char *src(const char *rel, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, cap, "%s/%s", top && *top ? top : TOP_SRCDIR, rel);
	return buf;
}

static int handler_write(void *ctx, uint16_t rid, uint16_t riid,
			 const struct lwb_value *v)
{
	struct fixture *f = ctx;

	(void)rid;
	(void)riid;
	(void)v;
	f->writes++;
	return f->write_rc;
}

static int deny(void *ctx, uint16_t ssid, const struct path *p,
		enum dm_access_op op)
{
	struct fixture *f = ctx;

	(void)ssid;
	(void)op;
	return p->len >= 2 && p->ids[0] == OT && p->ids[1] == f->deny_iid
		       ? -EACCES
		       : 0;
}

static void set_int(struct fixture *f, struct path p, int64_t v)
{
	struct lwb_value x = {.type = LWB_TYPE_INTEGER, .v.i = v};

	assert_true(model_set(f->m, &p, &x) >= 0);
}

static int64_t get_int(struct fixture *f, struct path p)
{
	struct lwb_value x;

	assert_int_equal(model_get(f->m, &p, &x), 0);
	return x.v.i;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct oa_handler h = {.ops = {.write = handler_write}, .tag = "t"};
	struct lwb_value s = {.type = LWB_TYPE_STRING,
			      .v.bytes = {.ptr = "abc", .len = 3}};
	struct path ps = path_resource(OT, 1, 0);
	char buf[4096];

	if (!f)
		return -1;
	f->reg = schema_registry_new();
	if (!f->reg ||
	    schema_load_dir(f->reg, src("objects", buf, sizeof(buf)), NULL) ||
	    schema_load_file(f->reg,
			     src("tests/data/ddf/valid/model_types.xml", buf,
				 sizeof(buf)),
			     NULL) != 2)
		return -1;
	f->m = model_new(f->reg);
	f->oa = f->m ? oa_new(f->m) : NULL;
	f->dm = f->oa ? dm_new(f->oa) : NULL;
	if (!f->dm || model_instance_create(f->m, OT, 0) ||
	    model_instance_create(f->m, OT, 1) ||
	    model_instance_create(f->m, 3, 0))
		return -1;
	h.ctx = f;
	if (oa_bind(f->oa, OT, 0, &h))
		return -1;
	set_int(f, path_resource(OT, 0, 1), 7);
	set_int(f, path_resource(OT, 1, 1), 5);
	set_int(f, path_resource_instance(OT, 1, 10, 0), 1);
	set_int(f, path_resource_instance(OT, 1, 10, 2), 3);
	if (model_set(f->m, &ps, &s) < 0)
		return -1;
	f->who = (struct dm_requester){.short_server_id = 1,
				       .version = REG_LWM2M_1_1};
	f->deny_iid = 65535;
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
	free(f);
	return 0;
}

static void request(struct fixture *f, int method, int cf, int accept,
		    const void *payload, size_t len)
{
	struct dm_request req = {
		.method = method,
		.accept = accept,
		.content_format = cf,
		.payload = payload,
		.payload_len = len,
	};

	dm_handle(f->dm, &f->who, &req, &f->resp);
}

static void fetch(struct fixture *f, int cf, int accept, const char *text)
{
	request(f, 5, cf, accept, text, strlen(text));
}

static void ipatch(struct fixture *f, int cf, const void *payload, size_t len)
{
	request(f, 7, cf, -1, payload, len);
}

static void assert_payload(struct fixture *f, const char *want)
{
	assert_int_equal(f->resp.code, COAP_CONTENT);
	assert_int_equal(f->resp.content_format, 110);
	assert_int_equal(f->resp.payload_len, strlen(want));
	assert_memory_equal(f->resp.payload, want, strlen(want));
}

/* ---- the path list --------------------------------------------------- */

static void test_paths_json(void **state)
{
	static const char in[] =
		"[{\"bn\":\"/3/0/\",\"n\":\"0\"},{\"n\":\"1\"},"
		"{\"bn\":\"/32500\",\"n\":\"/1\"},{\"bn\":\"/3303\"},"
		"{\"bn\":\"\",\"n\":\"/32500/0/10/2\",\"v\":4}]";
	struct path p[8];

	(void)state;
	assert_int_equal(
		senml_paths_decode(110, (const uint8_t *)in, strlen(in), p, 8),
		5);
	assert_true(path_equal(&p[0], &(struct path){{3, 0, 0}, 3}));
	assert_true(path_equal(&p[1], &(struct path){{3, 0, 1}, 3}));
	assert_true(path_equal(&p[2], &(struct path){{OT, 1}, 2}));
	assert_true(path_equal(&p[3], &(struct path){{3303}, 1}));
	assert_true(path_equal(&p[4], &(struct path){{OT, 0, 10, 2}, 4}));
}

static void test_paths_cbor(void **state)
{
	/* [{-2: "/3/0/", 0: "0"}, {-2: "", 0: "/3303"}] */
	static const uint8_t in[] = {
		0x82, 0xa2, 0x21, 0x65, '/',  '3',  '/', '0', '/', 0x00, 0x61,
		'0',  0xa2, 0x21, 0x60, 0x00, 0x65, '/', '3', '3', '0',	 '3'};
	/* the base name carries over: "/3/0/" + "/3303" is no path */
	static const uint8_t carried[] = {
		0x82, 0xa2, 0x21, 0x65, '/',  '3', '/', '0', '/', 0x00,
		0x61, '0',  0xa1, 0x00, 0x65, '/', '3', '3', '0', '3'};
	struct path p[4];

	(void)state;
	assert_int_equal(senml_paths_decode(112, in, sizeof(in), p, 4), 2);
	assert_true(path_equal(&p[0], &(struct path){{3, 0, 0}, 3}));
	assert_true(path_equal(&p[1], &(struct path){{3303}, 1}));
	assert_int_equal(
		senml_paths_decode(112, carried, sizeof(carried), p, 4),
		-EBADMSG);
}

static void test_paths_bad(void **state)
{
	static const char *const bad[] = {
		"{}",
		"[{\"v\":1}]",
		"[{\"n\":\"/3/0/\"}]",
		"[{\"n\":\"3/0\"}]",
		"[{\"n\":\"/\"}]",
		"[{\"n\":\"/3\",\"x_\":1}]",
		"[{\"n\":1}]",
		"[{\"n\":\"/3/0/1/2/3\"}]",
		"[{\"n\":\"/65535\"}]",
		"[",
	};
	static const char many[] =
		"[{\"n\":\"/3\"},{\"n\":\"/4\"},{\"n\":\"/5\"}]";
	static const uint8_t trailing[] = {0x80, 0x00};
	struct path p[2];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(senml_paths_decode(110,
						    (const uint8_t *)bad[i],
						    strlen(bad[i]), p, 2),
				 -EBADMSG);
	assert_int_equal(senml_paths_decode(110, (const uint8_t *)many,
					    strlen(many), p, 2),
			 -E2BIG);
	assert_int_equal(senml_paths_decode(0, (const uint8_t *)many,
					    strlen(many), p, 2),
			 -EMEDIUMTYPE);
	assert_int_equal(
		senml_paths_decode(112, trailing, sizeof(trailing), p, 2),
		-EBADMSG);
	assert_int_equal(senml_paths_decode(112, trailing, 1, p, 2), 0);
}

/* ---- Read-Composite -------------------------------------------------- */

static void test_read_mixed(void **state)
{
	struct fixture *f = *state;

	/* instance, resource, resource instance, a missing instance and a
	 * missing object; /32500/1/1 twice (within /32500/1) */
	fetch(f, 110, -1,
	      "[{\"n\":\"/32500/1/10/2\"},{\"n\":\"/32500/0/1\"},"
	      "{\"n\":\"/32500/1\"},{\"n\":\"/32500/9\"},{\"n\":\"/4242\"},"
	      "{\"n\":\"/32500/1/1\"}]");
	assert_payload(f, "[{\"bn\":\"/\",\"n\":\"32500/0/1\",\"v\":7},"
			  "{\"n\":\"32500/1/0\",\"vs\":\"abc\"},"
			  "{\"n\":\"32500/1/1\",\"v\":5},"
			  "{\"n\":\"32500/1/10/0\",\"v\":1},"
			  "{\"n\":\"32500/1/10/2\",\"v\":3}]");
}

static int count_record(const struct record *rec, void *arg)
{
	(void)rec;
	(*(int *)arg)++;
	return 0;
}

static void test_read_cbor(void **state)
{
	struct fixture *f = *state;
	/* [{0: "/32500/1/1"}, {0: "/32500/0/1"}] */
	static const uint8_t in[] = {0x82, 0xa1, 0x00, 0x6a, '/', '3', '2',
				     '5',  '0',	 '0',  '/',  '1', '/', '1',
				     0xa1, 0x00, 0x6a, '/',  '3', '2', '5',
				     '0',  '0',	 '/',  '0',  '/', '1'};
	struct codec_decoder dec = {.base = path_root(),
				    .on_record = count_record};
	int n = 0;

	dec.record_ctx = &n;
	request(f, 5, 112, -1, in, sizeof(in));
	assert_int_equal(f->resp.code, COAP_CONTENT);
	assert_int_equal(f->resp.content_format, 112);
	assert_int_equal(
		senml_cbor_decode(f->resp.payload, f->resp.payload_len, &dec),
		2);
	assert_int_equal(n, 2);
	/* a SenML JSON request answered in CBOR on Accept 112 */
	fetch(f, 110, 112, "[{\"n\":\"/32500/1/1\"}]");
	assert_int_equal(f->resp.content_format, 112);
}

static void test_read_nothing_found(void **state)
{
	struct fixture *f = *state;

	fetch(f, 110, -1, "[{\"n\":\"/4242/0\"},{\"n\":\"/0/0\"}]");
	assert_payload(f, "[]");
}

static void test_read_errors(void **state)
{
	struct fixture *f = *state;

	fetch(f, 0, -1, "[{\"n\":\"/3/0\"}]");
	assert_int_equal(f->resp.code, COAP_UNSUPPORTED_CONTENT_FORMAT);
	fetch(f, -1, -1, "[{\"n\":\"/3/0\"}]");
	assert_int_equal(f->resp.code, COAP_UNSUPPORTED_CONTENT_FORMAT);
	fetch(f, 110, 11542, "[{\"n\":\"/3/0\"}]");
	assert_int_equal(f->resp.code, COAP_NOT_ACCEPTABLE);
	fetch(f, 110, -1, "[{\"n\":\"/3/0\"");
	assert_int_equal(f->resp.code, COAP_BAD_REQUEST);
	fetch(f, 110, -1, "[{\"n\":\"/32500/1/9\"}]"); /* Execute only */
	assert_int_equal(f->resp.code, COAP_METHOD_NOT_ALLOWED);
	f->who.version = REG_LWM2M_1_0;
	fetch(f, 110, -1, "[{\"n\":\"/3/0\"}]");
	assert_int_equal(f->resp.code, COAP_METHOD_NOT_ALLOWED);
	/* FETCH below the root is no LwM2M operation */
	f->who.version = REG_LWM2M_1_1;
	{
		const char *seg[] = {"3"};
		struct dm_request req = {.method = 5,
					 .path = seg,
					 .n_path = 1,
					 .accept = -1,
					 .content_format = 110,
					 .payload = (const uint8_t *)"[]",
					 .payload_len = 2};

		dm_handle(f->dm, &f->who, &req, &f->resp);
		assert_int_equal(f->resp.code, COAP_METHOD_NOT_ALLOWED);
	}
}

static void test_read_access(void **state)
{
	struct fixture *f = *state;
	struct dm_access a = {.check = deny, .ctx = f};

	dm_set_access(f->dm, &a);
	f->deny_iid = 1;
	fetch(f, 110, -1, "[{\"n\":\"/32500\"},{\"n\":\"/32500/1/1\"}]");
	assert_payload(f, "[{\"bn\":\"/\",\"n\":\"32500/0/1\",\"v\":7}]");
	f->who.bootstrap = true;
	fetch(f, 110, -1, "[{\"n\":\"/32500/1/1\"}]");
	assert_payload(f, "[{\"bn\":\"/\",\"n\":\"32500/1/1\",\"v\":5}]");
}

/* ---- Write-Composite ------------------------------------------------- */

static void ipatch_json(struct fixture *f, const char *text)
{
	ipatch(f, 110, text, strlen(text));
}

static void test_write_ok(void **state)
{
	struct fixture *f = *state;

	ipatch_json(f, "[{\"bn\":\"/32500/\",\"n\":\"1/1\",\"v\":-3},"
		       "{\"n\":\"1/10/2\",\"v\":999},{\"n\":\"0/1\",\"v\":8},"
		       "{\"n\":\"1/0\",\"vs\":\"hello\"}]");
	assert_int_equal(f->resp.code, COAP_CHANGED);
	assert_int_equal(get_int(f, path_resource(OT, 1, 1)), -3);
	assert_int_equal(get_int(f, path_resource_instance(OT, 1, 10, 2)), 999);
	assert_int_equal(f->writes, 1);
	fetch(f, 110, -1, "[{\"n\":\"/32500/1/0\"}]");
	assert_payload(f,
		       "[{\"bn\":\"/\",\"n\":\"32500/1/0\",\"vs\":\"hello\"}]");
}

static void test_write_cbor(void **state)
{
	struct fixture *f = *state;
	/* [{-2: "/32500/1/", 0: "1", 2: 42}] */
	static const uint8_t in[] = {0x81, 0xa3, 0x21, 0x69, '/', '3', '2',
				     '5',  '0',	 '0',  '/',  '1', '/', 0x00,
				     0x61, '1',	 0x02, 0x18, 0x2a};

	ipatch(f, 112, in, sizeof(in));
	assert_int_equal(f->resp.code, COAP_CHANGED);
	assert_int_equal(get_int(f, path_resource(OT, 1, 1)), 42);
}

/* Each failing payload: its code, and nothing written. */
static void test_write_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *payload;
		int code;
	} cases[] = {
		/* out of range (0..1000) after a good record */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/32500/1/10/0\","
		 "\"v\":1001}]",
		 COAP_BAD_REQUEST},
		/* wrong type */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/32500/1/4\","
		 "\"v\":1}]",
		 COAP_BAD_REQUEST},
		/* no such instance */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/32500/7/1\","
		 "\"v\":1}]",
		 COAP_NOT_FOUND},
		/* read-only (/3/0/0 Manufacturer) */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/3/0/0\","
		 "\"vs\":\"x\"}]",
		 COAP_METHOD_NOT_ALLOWED},
		/* the Security object */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/0/0/0\","
		 "\"vs\":\"x\"}]",
		 COAP_UNAUTHORIZED},
		/* a multiple resource without its instance */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/32500/1/10\","
		 "\"v\":1}]",
		 COAP_BAD_REQUEST},
		/* malformed */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},", COAP_BAD_REQUEST},
		/* a name without a value */
		{"[{\"n\":\"/32500/1/1\",\"v\":1},{\"n\":\"/32500/1/2\"}]",
		 COAP_BAD_REQUEST},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ipatch_json(f, cases[i].payload);
		assert_int_equal(f->resp.code, cases[i].code);
		assert_int_equal(get_int(f, path_resource(OT, 1, 1)), 5);
		assert_int_equal(f->writes, 0);
	}
}

/* A plugin refuses its write: the values written before are restored. */
static void test_write_rollback(void **state)
{
	struct fixture *f = *state;

	f->write_rc = -EIO;
	ipatch_json(f, "[{\"n\":\"/32500/1/1\",\"v\":77},"
		       "{\"n\":\"/32500/0/1\",\"v\":8}]");
	assert_int_equal(f->resp.code, COAP_INTERNAL_SERVER_ERROR);
	assert_int_equal(f->writes, 1);
	assert_int_equal(get_int(f, path_resource(OT, 1, 1)), 5);
	assert_int_equal(get_int(f, path_resource(OT, 0, 1)), 7);
}

static void test_write_refused(void **state)
{
	struct fixture *f = *state;
	struct dm_access a = {.check = deny, .ctx = f};

	ipatch_json(f, "[{\"n\":\"/32500/1/1\",\"v\":1}]");
	assert_int_equal(f->resp.code, COAP_CHANGED);
	ipatch(f, 0, "1", 1);
	assert_int_equal(f->resp.code, COAP_UNSUPPORTED_CONTENT_FORMAT);
	dm_set_access(f->dm, &a);
	f->deny_iid = 1;
	ipatch_json(f, "[{\"n\":\"/32500/1/1\",\"v\":2}]");
	assert_int_equal(f->resp.code, COAP_UNAUTHORIZED);
	f->who.version = REG_LWM2M_1_0;
	f->deny_iid = 65535;
	ipatch_json(f, "[{\"n\":\"/32500/1/1\",\"v\":3}]");
	assert_int_equal(f->resp.code, COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(get_int(f, path_resource(OT, 1, 1)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_json),
		cmocka_unit_test(test_paths_cbor),
		cmocka_unit_test(test_paths_bad),
		cmocka_unit_test_setup_teardown(test_read_mixed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_cbor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_nothing_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_cbor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_all_or_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_rollback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_refused, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

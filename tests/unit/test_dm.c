/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device Management: Write (replace, partial update), Create and Delete
 * through dm_handle() on a model of the shipped objects/ definitions.
 * Payloads are built with the bridge's own encoders, so each test states
 * records, not bytes.  Objects used:
 *   3341 Addressable Text Display: nobody serves it (data-only instances);
 *        5527 Text RW mandatory, 5548 Level RW 0..100, 5545 R
 *   3349 Bitmap: data-only; 5912 Element Description, a multiple RW
 *   3303 Temperature: bound to a fake handler (a plugin's instance)
 *   1 Server, 3 Device: single instances of the core
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

#include "codec_lwm2m_json.h"
#include "codec_senml_cbor.h"
#include "codec_senml_json.h"
#include "codec_tlv.h"
#include "coap_errors.h"
#include "dm.h"
#include "log.h"

#define TD    3341
#define TEXT  5527
#define LEVEL 5548
#define MAXX  5545 /* read-only */
#define CLEAR 5530 /* executable */
#define BM    3349
#define DESC  5912 /* multiple */
#define TEMP  3303
#define APP   5750

enum { GET = 1, POST = 2, PUT = 3, DELETE = 4 };

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct dm *dm;
	struct dm_requester who;
	struct dm_response resp;
	uint8_t payload[1024];
	size_t len;
	int writes; /* of the fake handler */
	int created, deleted;
	uint16_t hook_ssid, hook_oid, hook_iid;
};

static int fake_write(void *ctx, uint16_t rid, uint16_t riid,
		      const struct lwb_value *v)
{
	struct fixture *f = ctx;

	(void)rid;
	(void)riid;
	(void)v;
	f->writes++;
	return 0;
}

static void on_created(void *ctx, uint16_t ssid, uint16_t oid, uint16_t iid)
{
	struct fixture *f = ctx;

	f->created++;
	f->hook_ssid = ssid;
	f->hook_oid = oid;
	f->hook_iid = iid;
}

static void on_deleted(void *ctx, uint16_t oid, uint16_t iid)
{
	struct fixture *f = ctx;

	f->deleted++;
	f->hook_oid = oid;
	f->hook_iid = iid;
}

static void quiet(enum log_level level, const char *line, void *ctx)
{
	(void)level;
	(void)line;
	(void)ctx;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *top = getenv("top_srcdir");
	char dir[1024];
	struct schema_error err;
	struct oa_handler h = {
		.ops = {.struct_size = sizeof(h.ops), .write = fake_write},
		.tag = "fake"};
	struct dm_access acc = {.created = on_created, .deleted = on_deleted};

	assert_non_null(f);
	log_set_sink(quiet, NULL);
	snprintf(dir, sizeof(dir), "%s/objects",
		 top && *top ? top : TOP_SRCDIR);
	f->reg = schema_registry_new();
	assert_int_equal(schema_load_dir(f->reg, dir, &err), 0);
	f->m = model_new(f->reg);
	f->oa = oa_new(f->m);
	f->dm = dm_new(f->oa);
	assert_non_null(f->dm);
	acc.ctx = f;
	dm_set_access(f->dm, &acc);
	assert_int_equal(model_instance_create(f->m, 1, 0), 0);
	assert_int_equal(model_instance_create(f->m, 3, 0), 0);
	assert_int_equal(model_instance_create(f->m, TEMP, 0), 0);
	h.ctx = f;
	assert_int_equal(oa_bind(f->oa, TEMP, 0, &h), 0);
	f->who = (struct dm_requester){.short_server_id = 101,
				       .version = REG_LWM2M_1_1};
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
	log_set_sink(NULL, NULL);
	free(f);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static struct record str_rec(struct path p, const char *s)
{
	return (struct record){
		.path = p,
		.value = {.type = LWB_TYPE_STRING, .v.bytes = {s, strlen(s)}}};
}

static struct record flt_rec(struct path p, double d)
{
	return (struct record){.path = p,
			       .value = {.type = LWB_TYPE_FLOAT, .v.f = d}};
}

static struct record int_rec(struct path p, int64_t i)
{
	return (struct record){.path = p,
			       .value = {.type = LWB_TYPE_INTEGER, .v.i = i}};
}

static struct path res(uint16_t o, uint16_t i, uint16_t r)
{
	return path_resource(o, i, r);
}

static struct path ri(uint16_t o, uint16_t i, uint16_t r, uint16_t k)
{
	return path_resource_instance(o, i, r, k);
}

/* Encodes recs (sorted) relative to base in cf into f->payload. */
static void encode(struct fixture *f, int cf, struct path base,
		   const struct record *recs, size_t n)
{
	int len;

	switch (cf) {
	case DM_CF_TLV:
		len = tlv_encode(&base, recs, n, f->payload,
				 sizeof(f->payload));
		break;
	case DM_CF_LWM2M_JSON:
		len = lwm2m_json_encode(&base, recs, n, NULL,
					(char *)f->payload, sizeof(f->payload));
		break;
	case DM_CF_SENML_JSON:
		len = senml_json_encode(&base, recs, n, NULL,
					(char *)f->payload, sizeof(f->payload));
		break;
	default:
		len = senml_cbor_encode(&base, recs, n, NULL, f->payload,
					sizeof(f->payload));
		break;
	}
	assert_true(len >= 0);
	f->len = (size_t)len;
}

/* Sends method on path (e.g. "/3341/0") with f->payload in cf (-1: no
 * Content-Format); returns the answer code. */
static int request(struct fixture *f, int method, const char *path, int cf)
{
	char buf[64], *segs[4], *save = NULL;
	const char *cs[4];
	size_t n = 0;
	struct dm_request req = {.method = method,
				 .accept = -1,
				 .content_format = cf,
				 .payload = f->payload,
				 .payload_len = f->len};

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, "/", &save); t && n < 4;
	     t = strtok_r(NULL, "/", &save))
		segs[n++] = t;
	for (size_t i = 0; i < n; i++)
		cs[i] = segs[i];
	req.path = cs;
	req.n_path = n;
	dm_handle(f->dm, &f->who, &req, &f->resp);
	return f->resp.code;
}

static int send_text(struct fixture *f, int method, const char *path, int cf,
		     const char *body)
{
	f->len = strlen(body);
	memcpy(f->payload, body, f->len);
	return request(f, method, path, cf);
}

/* The string stored at p, or "" when there is none. */
static const char *str_at(struct fixture *f, struct path p)
{
	static char out[64];
	struct lwb_value v;

	if (model_get(f->m, &p, &v) != 0)
		return "";
	snprintf(out, sizeof(out), "%.*s", (int)v.v.bytes.len,
		 (const char *)v.v.bytes.ptr);
	return out;
}

static bool exists(struct fixture *f, struct path p)
{
	return model_exists(f->m, &p);
}

/* Creates /3341/iid with Text text through a TLV Create. */
static void create_td(struct fixture *f, uint16_t iid, const char *text)
{
	struct record r[] = {str_rec(res(TD, iid, TEXT), text),
			     flt_rec(res(TD, iid, LEVEL), 10)};

	encode(f, DM_CF_TLV, path_object(TD), r, 2);
	assert_int_equal(request(f, POST, "/3341", DM_CF_TLV), COAP_CREATED);
	assert_int_equal(f->resp.location.len, 2);
	assert_int_equal(f->resp.location.ids[0], TD);
	assert_int_equal(f->resp.location.ids[1], iid);
}

/* ---- Write: replace ---------------------------------------------------- */

static void test_replace_instance_each_format(void **state)
{
	static const int cfs[] = {DM_CF_TLV, DM_CF_LWM2M_JSON, DM_CF_SENML_JSON,
				  DM_CF_SENML_CBOR};
	struct fixture *f = *state;
	char text[16];

	create_td(f, 0, "first");
	for (size_t i = 0; i < 4; i++) {
		struct record r[1];

		snprintf(text, sizeof(text), "t%zu", i);
		r[0] = str_rec(res(TD, 0, TEXT), text);
		encode(f, cfs[i], path_instance(TD, 0), r, 1);
		assert_int_equal(request(f, PUT, "/3341/0", cfs[i]),
				 COAP_CHANGED);
		assert_string_equal(str_at(f, res(TD, 0, TEXT)), text);
		/* A data-only instance replaced whole: Level, not in the
		 * payload, is gone. */
		assert_false(exists(f, res(TD, 0, LEVEL)));
	}
}

static void test_replace_bad_value_changes_nothing(void **state)
{
	struct fixture *f = *state;
	/* Text first and valid, Level out of 0..100: nothing applied. */
	struct record r[] = {str_rec(res(TD, 0, TEXT), "new"),
			     flt_rec(res(TD, 0, LEVEL), 150)};

	create_td(f, 0, "old");
	encode(f, DM_CF_SENML_JSON, path_instance(TD, 0), r, 2);
	assert_int_equal(request(f, PUT, "/3341/0", DM_CF_SENML_JSON),
			 COAP_BAD_REQUEST);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "old");
	assert_true(exists(f, res(TD, 0, LEVEL)));
	/* The same for a partial update, and a wrong type. */
	assert_int_equal(request(f, POST, "/3341/0", DM_CF_SENML_JSON),
			 COAP_BAD_REQUEST);
	assert_int_equal(
		send_text(f, POST, "/3341/0", DM_CF_SENML_JSON,
			  "[{\"bn\":\"/3341/0/\",\"n\":\"5527\",\"vs\":\"x\"},"
			  "{\"n\":\"5548\",\"vs\":\"high\"}]"),
		COAP_BAD_REQUEST);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "old");
	/* Malformed, and a record outside the path. */
	assert_int_equal(send_text(f, PUT, "/3341/0", DM_CF_SENML_JSON, "[{"),
			 COAP_BAD_REQUEST);
	assert_int_equal(send_text(f, PUT, "/3341/0", DM_CF_SENML_JSON,
				   "[{\"n\":\"/3341/1/5527\",\"vs\":\"x\"}]"),
			 COAP_BAD_REQUEST);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "old");
}

static void test_write_read_only_is_405(void **state)
{
	struct fixture *f = *state;
	struct record r[] = {str_rec(res(TD, 0, TEXT), "new"),
			     int_rec(res(TD, 0, MAXX), 7)};

	create_td(f, 0, "old");
	encode(f, DM_CF_TLV, path_instance(TD, 0), r, 2);
	assert_int_equal(request(f, PUT, "/3341/0", DM_CF_TLV),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(request(f, POST, "/3341/0", DM_CF_TLV),
			 COAP_METHOD_NOT_ALLOWED);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "old");
	assert_false(exists(f, res(TD, 0, MAXX)));
	/* A bound instance: its writable resource goes to the handler, the
	 * read-only one is refused before it. */
	assert_int_equal(
		send_text(f, PUT, "/3303/0", DM_CF_SENML_JSON,
			  "[{\"bn\":\"/3303/0/\",\"n\":\"5750\",\"vs\":\"x\"},"
			  "{\"n\":\"5700\",\"v\":1}]"),
		COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(f->writes, 0);
	assert_int_equal(
		send_text(
			f, PUT, "/3303/0", DM_CF_SENML_JSON,
			"[{\"bn\":\"/3303/0/\",\"n\":\"5750\",\"vs\":\"x\"}]"),
		COAP_CHANGED);
	assert_int_equal(f->writes, 1);
	assert_string_equal(str_at(f, res(TEMP, 0, APP)), "x");
}

static void test_write_unknown_and_content_format(void **state)
{
	struct fixture *f = *state;

	create_td(f, 0, "old");
	assert_int_equal(send_text(f, PUT, "/3341/0", DM_CF_SENML_JSON,
				   "[{\"n\":\"/3341/0/5999\",\"v\":1}]"),
			 COAP_NOT_FOUND);
	assert_int_equal(send_text(f, PUT, "/3341/9", DM_CF_SENML_JSON,
				   "[{\"n\":\"/3341/9/5527\",\"vs\":\"x\"}]"),
			 COAP_NOT_FOUND);
	assert_int_equal(send_text(f, PUT, "/3341/0/5999", DM_CF_TEXT, "1"),
			 COAP_NOT_FOUND);
	assert_int_equal(send_text(f, PUT, "/3341/0", DM_CF_TEXT, "x"),
			 COAP_UNSUPPORTED_CONTENT_FORMAT);
	assert_int_equal(send_text(f, POST, "/3341/0", 60, "x"),
			 COAP_UNSUPPORTED_CONTENT_FORMAT);
	assert_int_equal(send_text(f, PUT, "/3341/0", 9999, "x"),
			 COAP_UNSUPPORTED_CONTENT_FORMAT);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "old");
	/* A single resource in text still works; an executable one is not
	 * writable. */
	assert_int_equal(send_text(f, PUT, "/3341/0/5527", DM_CF_TEXT, "txt"),
			 COAP_CHANGED);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "txt");
	assert_int_equal(send_text(f, PUT, "/3341/0/5530", DM_CF_TEXT, "1"),
			 COAP_METHOD_NOT_ALLOWED);
}

/* ---- Write: partial update --------------------------------------------- */

static void test_partial_update_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	struct record r[] = {flt_rec(res(TD, 0, LEVEL), 42)};
	struct lwb_value v;
	struct path lp = res(TD, 0, LEVEL);

	create_td(f, 0, "keep");
	encode(f, DM_CF_SENML_CBOR, path_instance(TD, 0), r, 1);
	assert_int_equal(request(f, POST, "/3341/0", DM_CF_SENML_CBOR),
			 COAP_CHANGED);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "keep");
	assert_int_equal(model_get(f->m, &lp, &v), 0);
	assert_true(v.v.f == 42);
}

/* ---- multiple resources ------------------------------------------------ */

static void test_multiple_resource_replace_and_partial(void **state)
{
	struct fixture *f = *state;
	struct record c[] = {str_rec(ri(BM, 0, DESC, 0), "a"),
			     str_rec(ri(BM, 0, DESC, 1), "b")};
	struct record put[] = {str_rec(ri(BM, 0, DESC, 1), "B")};
	struct record post[] = {str_rec(ri(BM, 0, DESC, 5), "e")};
	struct record one[] = {str_rec(ri(BM, 0, DESC, 5), "E")};
	struct path d = res(BM, 0, DESC);

	encode(f, DM_CF_TLV, path_object(BM), c, 2);
	assert_int_equal(request(f, POST, "/3349", DM_CF_TLV), COAP_CREATED);
	assert_int_equal(model_resource_instance_count(f->m, &d), 2);
	/* PUT /o/i/r: the old instance 0 goes away. */
	encode(f, DM_CF_TLV, d, put, 1);
	assert_int_equal(request(f, PUT, "/3349/0/5912", DM_CF_TLV),
			 COAP_CHANGED);
	assert_int_equal(model_resource_instance_count(f->m, &d), 1);
	assert_string_equal(str_at(f, ri(BM, 0, DESC, 1)), "B");
	/* POST /o/i/r: adds instance 5, keeps 1. */
	encode(f, DM_CF_SENML_JSON, d, post, 1);
	assert_int_equal(request(f, POST, "/3349/0/5912", DM_CF_SENML_JSON),
			 COAP_CHANGED);
	assert_int_equal(model_resource_instance_count(f->m, &d), 2);
	assert_string_equal(str_at(f, ri(BM, 0, DESC, 5)), "e");
	/* PUT /o/i/r/ri (ETS 228): that instance only. */
	encode(f, DM_CF_TLV, ri(BM, 0, DESC, 5), one, 1);
	assert_int_equal(request(f, PUT, "/3349/0/5912/5", DM_CF_TLV),
			 COAP_CHANGED);
	assert_string_equal(str_at(f, ri(BM, 0, DESC, 5)), "E");
	assert_string_equal(str_at(f, ri(BM, 0, DESC, 1)), "B");
	assert_int_equal(send_text(f, PUT, "/3349/0/5912/1", DM_CF_TEXT, "t"),
			 COAP_CHANGED);
	assert_string_equal(str_at(f, ri(BM, 0, DESC, 1)), "t");
	/* PUT /o/i carrying the multiple resource replaces it whole. */
	encode(f, DM_CF_SENML_JSON, path_instance(BM, 0), put, 1);
	assert_int_equal(request(f, PUT, "/3349/0", DM_CF_SENML_JSON),
			 COAP_CHANGED);
	assert_int_equal(model_resource_instance_count(f->m, &d), 1);
	/* text on a multiple resource as a whole cannot be. */
	assert_int_equal(send_text(f, PUT, "/3349/0/5912", DM_CF_TEXT, "t"),
			 COAP_UNSUPPORTED_CONTENT_FORMAT);
}

/* ---- Create ------------------------------------------------------------ */

static void test_create_with_and_without_id(void **state)
{
	struct fixture *f = *state;
	struct record bare[] = {str_rec(res(TD, 0xffff, TEXT), "b")};

	create_td(f, 7, "seven");
	assert_string_equal(str_at(f, res(TD, 7, TEXT)), "seven");
	assert_int_equal(f->created, 1);
	assert_int_equal(f->hook_ssid, 101);
	assert_int_equal(f->hook_oid, TD);
	assert_int_equal(f->hook_iid, 7);
	/* The same id again: 4.00, nothing changed. */
	assert_int_equal(request(f, POST, "/3341", DM_CF_TLV),
			 COAP_BAD_REQUEST);
	assert_string_equal(str_at(f, res(TD, 7, TEXT)), "seven");
	assert_int_equal(f->created, 1);
	/* TLV of bare resources: the lowest free id, 0. */
	encode(f, DM_CF_TLV, path_instance(TD, 0xffff), bare, 1);
	assert_int_equal(request(f, POST, "/3341", DM_CF_TLV), COAP_CREATED);
	assert_int_equal(f->resp.location.ids[1], 0);
	assert_string_equal(str_at(f, res(TD, 0, TEXT)), "b");
	/* SenML JSON names the id; LwM2M JSON too. */
	assert_int_equal(
		send_text(f, POST, "/3341", DM_CF_SENML_JSON,
			  "[{\"bn\":\"/3341/3/\",\"n\":\"5527\",\"vs\":\"s\"},"
			  "{\"n\":\"5545\",\"v\":100}]"),
		COAP_CREATED);
	assert_int_equal(f->resp.location.ids[1], 3);
	/* Read-only values are stored at Create. */
	assert_true(exists(f, res(TD, 3, MAXX)));
	assert_int_equal(
		send_text(f, POST, "/3341", DM_CF_LWM2M_JSON,
			  "{\"bn\":\"/3341/4/\",\"e\":[{\"n\":\"5527\","
			  "\"sv\":\"j\"}]}"),
		COAP_CREATED);
	assert_string_equal(str_at(f, res(TD, 4, TEXT)), "j");
	assert_int_equal(f->created, 4);
	/* The new instances read back. */
	assert_int_equal(request(f, GET, "/3341/4/5527", -1), COAP_CONTENT);
}

static void test_create_refused(void **state)
{
	struct fixture *f = *state;

	/* A mandatory writable resource missing (Text): 4.00, and no
	 * instance left behind. */
	assert_int_equal(send_text(f, POST, "/3341", DM_CF_SENML_JSON,
				   "[{\"n\":\"/3341/2/5548\",\"v\":5}]"),
			 COAP_BAD_REQUEST);
	f->len = 0;
	assert_int_equal(request(f, POST, "/3341", -1), COAP_BAD_REQUEST);
	assert_int_equal(model_instance_count(f->m, TD), 0);
	/* Bad values, several instances, an executable resource. */
	assert_int_equal(
		send_text(f, POST, "/3341", DM_CF_SENML_JSON,
			  "[{\"bn\":\"/3341/2/\",\"n\":\"5527\",\"vs\":\"s\"},"
			  "{\"n\":\"5548\",\"v\":500}]"),
		COAP_BAD_REQUEST);
	assert_int_equal(send_text(f, POST, "/3341", DM_CF_SENML_JSON,
				   "[{\"n\":\"/3341/2/5527\",\"vs\":\"s\"},"
				   "{\"n\":\"/3341/3/5527\",\"vs\":\"s\"}]"),
			 COAP_BAD_REQUEST);
	assert_int_equal(
		send_text(f, POST, "/3341", DM_CF_SENML_JSON,
			  "[{\"bn\":\"/3341/2/\",\"n\":\"5527\",\"vs\":\"s\"},"
			  "{\"n\":\"5530\",\"vs\":\"\"}]"),
		COAP_BAD_REQUEST);
	assert_int_equal(send_text(f, POST, "/3341", DM_CF_SENML_JSON, "[{]"),
			 COAP_BAD_REQUEST);
	assert_int_equal(model_instance_count(f->m, TD), 0);
	/* Unknown resource: 4.04. */
	assert_int_equal(
		send_text(f, POST, "/3341", DM_CF_SENML_JSON,
			  "[{\"bn\":\"/3341/2/\",\"n\":\"5527\",\"vs\":\"s\"},"
			  "{\"n\":\"5999\",\"v\":1}]"),
		COAP_NOT_FOUND);
	assert_int_equal(model_instance_count(f->m, TD), 0);
	/* Wrong format. */
	assert_int_equal(send_text(f, POST, "/3341", DM_CF_TEXT, "x"),
			 COAP_UNSUPPORTED_CONTENT_FORMAT);
	/* Unknown object. */
	assert_int_equal(send_text(f, POST, "/32999", DM_CF_SENML_JSON, "[]"),
			 COAP_NOT_FOUND);
	/* Served by a plugin; single-instance with its instance. */
	assert_int_equal(send_text(f, POST, "/3303", DM_CF_SENML_JSON,
				   "[{\"n\":\"/3303/5/5750\",\"vs\":\"x\"}]"),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(send_text(f, POST, "/3", DM_CF_SENML_JSON, "[]"),
			 COAP_METHOD_NOT_ALLOWED);
	/* Security, Server, Access Control. */
	assert_int_equal(send_text(f, POST, "/0", DM_CF_SENML_JSON, "[]"),
			 COAP_UNAUTHORIZED);
	assert_int_equal(send_text(f, POST, "/1", DM_CF_SENML_JSON, "[]"),
			 COAP_UNAUTHORIZED);
	assert_int_equal(send_text(f, POST, "/2", DM_CF_SENML_JSON, "[]"),
			 COAP_UNAUTHORIZED);
	f->who.bootstrap = true;
	assert_int_equal(send_text(f, POST, "/1", DM_CF_SENML_JSON, "[]"),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(f->created, 0);
}

/* ---- Delete ------------------------------------------------------------ */

static void test_delete(void **state)
{
	struct fixture *f = *state;

	create_td(f, 4, "gone");
	f->len = 0;
	assert_int_equal(request(f, DELETE, "/3341/4", -1), COAP_DELETED);
	assert_int_equal(f->deleted, 1);
	assert_int_equal(f->hook_oid, TD);
	assert_int_equal(f->hook_iid, 4);
	assert_false(model_instance_exists(f->m, TD, 4));
	assert_int_equal(request(f, GET, "/3341/4", -1), COAP_NOT_FOUND);
	assert_int_equal(request(f, DELETE, "/3341/4", -1), COAP_NOT_FOUND);
	assert_int_equal(request(f, DELETE, "/32999/0", -1), COAP_NOT_FOUND);
	/* Bound (a plugin's), the Device, Server, Security. */
	assert_int_equal(request(f, DELETE, "/3303/0", -1),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(request(f, DELETE, "/3/0", -1),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(request(f, DELETE, "/1/0", -1), COAP_UNAUTHORIZED);
	assert_int_equal(request(f, DELETE, "/0/0", -1), COAP_UNAUTHORIZED);
	/* Object and resource level: not a Delete. */
	assert_int_equal(request(f, DELETE, "/3341", -1),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(request(f, DELETE, "/3303/0/5700", -1),
			 COAP_METHOD_NOT_ALLOWED);
	assert_true(model_instance_exists(f->m, TEMP, 0));
	assert_true(model_instance_exists(f->m, 3, 0));
	assert_int_equal(f->deleted, 1);
	/* The freed id is the lowest free one again. */
	create_td(f, 0, "zero");
	f->len = 0;
	assert_int_equal(request(f, DELETE, "/3341/0", -1), COAP_DELETED);
	assert_int_equal(model_instance_count(f->m, TD), 0);
}

/* ---- the Security object (ETS 221) ------------------------------------ */

/* Every operation on /0 is 4.01, and so is the check Write-Attributes
 * relies on (dm_check_access), which without an access control hook used
 * to let /0 through. */
static void test_security_object_refused(void **state)
{
	struct fixture *f = *state;
	static const struct path paths[] = {
		{.ids = {0}, .len = 1},
		{.ids = {0, 0}, .len = 2},
		{.ids = {0, 0, 0}, .len = 3},
	};
	struct path server = path_instance(1, 0);

	assert_int_equal(model_instance_create(f->m, 0, 0), 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(dm_check_access(f->dm, &f->who, &paths[i],
						 DM_ACCESS_READ),
				 -EACCES);
		dm_read(f->dm, &f->who, &paths[i], -1, &f->resp);
		assert_int_equal(f->resp.code, COAP_UNAUTHORIZED);
	}
	assert_int_equal(
		dm_check_access(f->dm, &f->who, &server, DM_ACCESS_READ), 0);
	assert_int_equal(request(f, GET, "/0/0", -1), COAP_UNAUTHORIZED);
	assert_int_equal(send_text(f, PUT, "/0/0/0", DM_CF_TEXT, "coap://x"),
			 COAP_UNAUTHORIZED);
	f->len = 0;
	assert_int_equal(request(f, POST, "/0/0/0", -1), COAP_UNAUTHORIZED);
}

/* Read with an Accept: 4.04 for what does not exist comes before 4.06 for
 * a format that cannot carry what does (an npm server reads unknown
 * resources with Accept text/plain and got 4.06). */
static int read_accept(struct fixture *f, const char *path, int accept)
{
	char buf[64], *save = NULL;
	const char *cs[4];
	size_t n = 0;
	struct dm_request req = {.method = GET, .accept = accept};

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, "/", &save); t && n < 4;
	     t = strtok_r(NULL, "/", &save))
		cs[n++] = t;
	req.path = cs;
	req.n_path = n;
	dm_handle(f->dm, &f->who, &req, &f->resp);
	return f->resp.code;
}

static void test_read_not_found_before_not_acceptable(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(read_accept(f, "/3/0/99", DM_CF_TEXT), COAP_NOT_FOUND);
	assert_int_equal(read_accept(f, "/99/0/0", DM_CF_TEXT), COAP_NOT_FOUND);
	assert_int_equal(read_accept(f, "/99", DM_CF_TEXT), COAP_NOT_FOUND);
	assert_int_equal(read_accept(f, "/3303/7/5700", DM_CF_TEXT),
			 COAP_NOT_FOUND);
	assert_int_equal(read_accept(f, "/3303/7", DM_CF_TEXT), COAP_NOT_FOUND);
	/* Existing, but not one value: text cannot carry it. */
	assert_int_equal(read_accept(f, "/3/0", DM_CF_TEXT),
			 COAP_NOT_ACCEPTABLE);
	assert_int_equal(read_accept(f, "/3303", DM_CF_TEXT),
			 COAP_NOT_ACCEPTABLE);
}

/* A TLV Read of an object shows an instance that has no values as an
 * empty Object Instance TLV (00 iid), not as nothing: the server would
 * otherwise believe it absent. */
static void test_read_object_tlv_empty_instance(void **state)
{
	struct fixture *f = *state;
	static const uint8_t empty[] = {0x00, 0x02};
	uint8_t want[64];
	struct path obj = path_object(TD);
	struct record r[] = {str_rec(res(TD, 1, TEXT), "one"),
			     flt_rec(res(TD, 1, LEVEL), 10)};
	int n;

	create_td(f, 1, "one");
	assert_int_equal(model_instance_create(f->m, TD, 2), 0);
	assert_int_equal(read_accept(f, "/3341", DM_CF_TLV), COAP_CONTENT);
	assert_int_equal(f->resp.content_format, DM_CF_TLV);
	n = tlv_encode(&obj, r, 2, want, sizeof(want));
	assert_true(n > 0);
	memcpy(want + n, empty, sizeof(empty));
	assert_int_equal(f->resp.payload_len, (size_t)n + sizeof(empty));
	assert_memory_equal(f->resp.payload, want, (size_t)n + sizeof(empty));
	/* The empty instance alone: not an empty payload. */
	assert_int_equal(request(f, DELETE, "/3341/1", -1), COAP_DELETED);
	assert_int_equal(read_accept(f, "/3341", DM_CF_TLV), COAP_CONTENT);
	assert_int_equal(f->resp.payload_len, sizeof(empty));
	assert_memory_equal(f->resp.payload, empty, sizeof(empty));
	/* SenML has no way to name an empty instance: unchanged. */
	assert_int_equal(read_accept(f, "/3341", DM_CF_SENML_JSON),
			 COAP_CONTENT);
	/* Of one instance: its (empty) resources, no instance header. */
	assert_int_equal(read_accept(f, "/3341/2", DM_CF_TLV), COAP_CONTENT);
	assert_int_equal(f->resp.payload_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_replace_instance_each_format),
		T(test_replace_bad_value_changes_nothing),
		T(test_write_read_only_is_405),
		T(test_write_unknown_and_content_format),
		T(test_partial_update_keeps_the_rest),
		T(test_multiple_resource_replace_and_partial),
		T(test_create_with_and_without_id),
		T(test_create_refused),
		T(test_delete),
		T(test_security_object_refused),
		T(test_read_not_found_before_not_acceptable),
		T(test_read_object_tlv_empty_instance),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

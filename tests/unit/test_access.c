/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Access control between several servers (bridge/access.h): the /2
 * instances made at start-up and kept in step, and the decision, through
 * dm_handle() with the hooks installed as main.c installs them.
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

#include "access.h"
#include "cfg.h"
#include "coap_errors.h"
#include "dm.h"
#include "dm_priv.h"
#include "log.h"
#include "model.h"
#include "object_access.h"
#include "schema.h"

#define TEMP 3303 /* multiple instances, 5700 Sensor Value (R, Float) */

#define C(cls, det) ((cls) << 5 | (det))

/* Three servers: 1 is the first (the owner of ordinary instances), 2 has
 * the default rights ("r"), 3 may only create. */
static const char three_servers[] =
	"servers = (\n"
	" { short_server_id = 1; uri = \"coap://127.0.0.1:1\"; },\n"
	" { short_server_id = 2; uri = \"coap://127.0.0.1:2\"; },\n"
	" { short_server_id = 3; uri = \"coap://127.0.0.1:3\"; "
	"access = \"c\"; }\n);";

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct dm *dm;
	struct bridge_config *cfg;
	struct access *ac;
};

static const char *src(const char *rel, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, cap, "%s/%s", top && *top ? top : TOP_SRCDIR, rel);
	return buf;
}

static void set_int(struct model *m, struct path p, int64_t i)
{
	struct lwb_value v = {.type = LWB_TYPE_INTEGER, .v.i = i};

	assert_true(model_set(m, &p, &v) >= 0);
}

static void set_str(struct model *m, struct path p, const char *s)
{
	struct lwb_value v = {.type = LWB_TYPE_STRING,
			      .v.bytes = {s, strlen(s)}};

	assert_true(model_set(m, &p, &v) >= 0);
}

static int64_t get_int(struct model *m, struct path p)
{
	struct lwb_value v;

	if (model_get(m, &p, &v) < 0)
		return -1;
	assert_int_equal(v.type, LWB_TYPE_INTEGER);
	return v.v.i;
}

/* A model shaped like the daemon's: one Server instance per server,
 * the Device, two temperature sensors. */
static int setup_with(void **state, const char *conf)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct lwb_value t = {.type = LWB_TYPE_FLOAT, .v.f = 21.5};
	struct dm_access hooks;
	char buf[4096];

	if (!f)
		return -1;
	*state = f;
	f->reg = schema_registry_new();
	if (!f->reg ||
	    schema_load_dir(f->reg, src("objects", buf, sizeof(buf)), NULL))
		return -1;
	f->m = model_new(f->reg);
	f->oa = f->m ? oa_new(f->m) : NULL;
	f->dm = f->oa ? dm_new(f->oa) : NULL;
	if (!f->dm || cfg_load_string(conf, "t.conf", &f->cfg, NULL) < 0)
		return -1;
	for (size_t i = 0; i < f->cfg->n_servers; i++) {
		uint16_t iid = (uint16_t)i;

		if (model_instance_create(f->m, 1, iid))
			return -1;
		set_int(f->m, path_resource(1, iid, 0),
			f->cfg->servers[i].short_server_id);
		set_int(f->m, path_resource(1, iid, 1), 86400);
	}
	if (model_instance_create(f->m, 3, 0) ||
	    model_instance_create(f->m, TEMP, 0) ||
	    model_instance_create(f->m, TEMP, 1))
		return -1;
	set_str(f->m, path_resource(3, 0, 0), "maker");
	set_str(f->m, path_resource(3, 0, 14), "+01");
	for (uint16_t i = 0; i < 2; i++) {
		struct path p = path_resource(TEMP, i, 5700);

		if (model_set(f->m, &p, &t) < 0)
			return -1;
	}
	f->ac = access_new(f->m, f->cfg);
	if (!f->ac || access_sync(f->ac) < 0)
		return -1;
	access_hooks(f->ac, &hooks);
	dm_set_access(f->dm, &hooks);
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, three_servers);
}

static int setup_single(void **state)
{
	return setup_with(state, "servers = ({ short_server_id = 1; "
				 "uri = \"coap://127.0.0.1:1\"; });");
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	access_free(f->ac);
	dm_free(f->dm);
	oa_free(f->oa);
	model_free(f->m);
	schema_registry_free(f->reg);
	cfg_free(f->cfg);
	free(f);
	return 0;
}

/* One request from server ssid; returns the answer's code. */
static int ask(struct fixture *f, uint16_t ssid, int method, const char *path,
	       const char *payload, struct dm_response *out)
{
	const char *segs[4];
	char copy[64];
	size_t n = 0;
	struct dm_requester who = {.short_server_id = ssid,
				   .version = REG_LWM2M_1_1};
	struct dm_request req = {.method = method,
				 .accept = -1,
				 .content_format = payload ? 0 : -1};
	struct dm_response r;

	snprintf(copy, sizeof(copy), "%s", path);
	for (char *s = strtok(copy, "/"); s && n < 4; s = strtok(NULL, "/"))
		segs[n++] = s;
	req.path = segs;
	req.n_path = n;
	if (payload) {
		req.payload = (const uint8_t *)payload;
		req.payload_len = strlen(payload);
	}
	dm_handle(f->dm, &who, &req, out ? out : &r);
	return out ? out->code : r.code;
}

enum { GET = 1, POST = 2, PUT = 3, DEL = 4 };

/* The /2 instance ruling /oid/iid, or -1. */
static int acl_of(struct fixture *f, uint16_t oid, uint16_t iid)
{
	for (int x = model_instance_next(f->m, 2, -1); x >= 0;
	     x = model_instance_next(f->m, 2, x))
		if (get_int(f->m, path_resource(2, (uint16_t)x, 0)) == oid &&
		    get_int(f->m, path_resource(2, (uint16_t)x, 1)) == iid)
			return x;
	return -1;
}

static int check(struct fixture *f, uint16_t ssid, struct path p,
		 enum dm_access_op op)
{
	return access_check(f->ac, ssid, &p, op);
}

/* One server: no checks, no /2 instances, no hooks. */
static void test_single_server(void **state)
{
	struct fixture *f = *state;

	assert_false(access_enabled(f->ac));
	assert_int_equal(model_instance_count(f->m, 2), 0);
	assert_null(f->dm->access.check);
	assert_int_equal(ask(f, 1, PUT, "/3/0/14", "+02", NULL), C(2, 4));
	assert_int_equal(ask(f, 1, GET, "/1/0/1", NULL, NULL), C(2, 5));
	/* Only the Security object stays closed (dm.c). */
	assert_int_equal(ask(f, 1, GET, "/0/0/0", NULL, NULL), C(4, 1));
}

/* The instances made at start-up (access.h's default policy). */
static void test_default_instances(void **state)
{
	struct fixture *f = *state;
	int x;

	assert_true(access_enabled(f->ac));
	/* /1/0..2, /3/0, /3303/0..1 and Create on 3303 (3 is single-
	 * instance: no Create ACL; 1 never has one). */
	assert_int_equal(model_instance_count(f->m, 2), 7);
	assert_int_equal(acl_of(f, 3, 65535), -1);
	assert_int_equal(acl_of(f, 1, 65535), -1);
	/* A Server instance: its own server owns it, no entries. */
	x = acl_of(f, 1, 1);
	assert_true(x >= 0);
	assert_int_equal(get_int(f->m, path_resource(2, (uint16_t)x, 3)), 2);
	assert_int_equal(model_resource_instance_count(
				 f->m, &(struct path){{2, (uint16_t)x, 2}, 3}),
			 -ENOENT);
	/* An ordinary instance: the first server owns it, the others have
	 * their configured rights (Create masked out). */
	x = acl_of(f, 3, 0);
	assert_true(x >= 0);
	assert_int_equal(get_int(f->m, path_resource(2, (uint16_t)x, 3)), 1);
	assert_int_equal(
		get_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 2)), 1);
	assert_int_equal(
		get_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 3)), 0);
	assert_int_equal(
		get_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 1)),
		-1);
	/* Create on 3303: owner 65535 (bootstrap), C for 1 and for 3. */
	x = acl_of(f, TEMP, 65535);
	assert_true(x >= 0);
	assert_int_equal(get_int(f->m, path_resource(2, (uint16_t)x, 3)),
			 65535);
	assert_int_equal(
		get_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 1)),
		16);
	assert_int_equal(
		get_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 3)),
		16);
	assert_int_equal(
		get_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 2)),
		-1);
	/* A second sync changes nothing. */
	assert_int_equal(access_sync(f->ac), 0);
	assert_int_equal(model_instance_count(f->m, 2), 7);
}

/* Read, Write, Execute between servers with the default ACLs. */
static void test_default_decisions(void **state)
{
	struct fixture *f = *state;

	/* Server 2 ("r") reads the Device, may not write or execute. */
	assert_int_equal(ask(f, 2, GET, "/3/0/0", NULL, NULL), C(2, 5));
	assert_int_equal(ask(f, 2, PUT, "/3/0/14", "+02", NULL), C(4, 1));
	assert_int_equal(ask(f, 2, POST, "/3/0/4", NULL, NULL), C(4, 1));
	/* Server 3 ("c") may not even read it. */
	assert_int_equal(ask(f, 3, GET, "/3/0/0", NULL, NULL), C(4, 1));
	assert_int_equal(ask(f, 3, GET, "/3/0", NULL, NULL), C(4, 1));
	/* The owner may; what the resource does not support stays 4.05. */
	assert_int_equal(ask(f, 1, PUT, "/3/0/14", "+02", NULL), C(2, 4));
	assert_int_equal(ask(f, 1, PUT, "/3/0/0", "x", NULL), C(4, 5));
	assert_int_equal(ask(f, 1, POST, "/3/0/4", NULL, NULL), C(4, 5));
	/* Server instances: each server its own only (ETS 551). */
	assert_int_equal(ask(f, 2, PUT, "/1/0/1", "60", NULL), C(4, 1));
	assert_int_equal(ask(f, 2, GET, "/1/0/1", NULL, NULL), C(4, 1));
	assert_int_equal(ask(f, 2, POST, "/1/0/8", NULL, NULL), C(4, 1));
	assert_int_equal(ask(f, 1, PUT, "/1/1/1", "60", NULL), C(4, 1));
	assert_int_equal(ask(f, 2, PUT, "/1/1/1", "60", NULL), C(2, 4));
	assert_int_equal(ask(f, 1, GET, "/1/0/1", NULL, NULL), C(2, 5));
	/* The Bootstrap-Server is exempt (dm.c). */
	{
		struct dm_requester bs = {.short_server_id = 0,
					  .bootstrap = true};
		struct path p = path_resource(1, 0, 1);
		struct dm_response r;

		dm_read(f->dm, &bs, &p, -1, &r);
		assert_int_equal(r.code, C(2, 5));
	}
}

/* Existence first: a missing instance is 4.04 for everyone (the Register
 * payload lists every instance anyway); a missing resource of a
 * forbidden instance is 4.01, of an allowed one 4.04. */
static void test_not_found_vs_unauthorized(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ask(f, 2, GET, "/3303/7/5700", NULL, NULL), C(4, 4));
	assert_int_equal(ask(f, 3, GET, "/3303/7/5700", NULL, NULL), C(4, 4));
	assert_int_equal(ask(f, 2, PUT, "/3303/7/5700", "1", NULL), C(4, 4));
	assert_int_equal(ask(f, 2, GET, "/3303/0/5701", NULL, NULL), C(4, 4));
	assert_int_equal(ask(f, 3, GET, "/3303/0/5701", NULL, NULL), C(4, 1));
	assert_int_equal(check(f, 2, path_instance(3, 1), DM_ACCESS_READ),
			 -ENOENT);
	/* An instance without an ACL instance: nobody (but bootstrap). */
	assert_int_equal(model_instance_create(f->m, TEMP, 4), 0);
	assert_int_equal(check(f, 1, path_instance(TEMP, 4), DM_ACCESS_READ),
			 -EACCES);
	assert_int_equal(access_sync(f->ac), 0);
	assert_int_equal(check(f, 1, path_instance(TEMP, 4), DM_ACCESS_READ),
			 0);
}

/* Each ACL bit grants exactly its operations. */
static void test_every_bit(void **state)
{
	struct fixture *f = *state;
	static const enum dm_access_op ops[] = {
		DM_ACCESS_READ,	  DM_ACCESS_WRITE,  DM_ACCESS_EXECUTE,
		DM_ACCESS_DELETE, DM_ACCESS_CREATE,
	};
	int x = acl_of(f, TEMP, 0);
	struct path entry = path_resource_instance(2, (uint16_t)x, 2, 2);

	assert_true(x >= 0);
	for (unsigned mask = 0; mask < 32; mask++) {
		set_int(f->m, entry, mask);
		for (size_t i = 0; i < 5; i++)
			assert_int_equal(
				check(f, 2, path_instance(TEMP, 0), ops[i]),
				(mask & (unsigned)ops[i]) ? 0 : -EACCES);
	}
	/* Through dm_handle: W alone writes but does not read. */
	set_int(f->m, entry, 2);
	assert_int_equal(ask(f, 2, GET, "/3303/0/5700", NULL, NULL), C(4, 1));
	assert_int_equal(ask(f, 2, PUT, "/3303/0/5700", "3", NULL), C(4, 5));
	assert_int_equal(
		check(f, 2, path_resource(TEMP, 0, 5700), DM_ACCESS_WRITE), 0);
	assert_int_equal(ask(f, 2, DEL, "/3303/0", NULL, NULL), C(4, 1));
}

/* Own entry, then owner, then the default entry, then nothing. */
static void test_entry_owner_default(void **state)
{
	struct fixture *f = *state;
	int x = acl_of(f, TEMP, 1);
	struct path inst = path_instance(TEMP, 1);
	struct path e3 = path_resource_instance(2, (uint16_t)x, 2, 3);

	assert_true(x >= 0);
	/* 3's own entry is 0: nothing, even with a default entry. */
	set_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 0), 5);
	assert_int_equal(check(f, 3, inst, DM_ACCESS_READ), -EACCES);
	/* Without its own entry, the default (R E) applies. */
	assert_int_equal(model_resource_delete(f->m, &e3), 0);
	assert_int_equal(check(f, 3, inst, DM_ACCESS_READ), 0);
	assert_int_equal(check(f, 3, inst, DM_ACCESS_EXECUTE), 0);
	assert_int_equal(check(f, 3, inst, DM_ACCESS_WRITE), -EACCES);
	/* The owner without an entry of its own: full rights (not the
	 * default), but not Create, which is no instance right. */
	assert_int_equal(check(f, 1, inst, DM_ACCESS_WRITE), 0);
	assert_int_equal(check(f, 1, inst, DM_ACCESS_DELETE), 0);
	assert_int_equal(check(f, 1, inst, DM_ACCESS_CREATE), -EACCES);
	/* An owner with an entry of its own gets that entry only. */
	set_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 1), 1);
	assert_int_equal(check(f, 1, inst, DM_ACCESS_READ), 0);
	assert_int_equal(check(f, 1, inst, DM_ACCESS_WRITE), -EACCES);
	/* Another owner: 2, whose own entry (R) still rules until it is
	 * removed. */
	set_int(f->m, path_resource(2, (uint16_t)x, 3), 2);
	assert_int_equal(check(f, 2, inst, DM_ACCESS_WRITE), -EACCES);
	assert_int_equal(
		model_resource_delete(
			f->m, &(struct path){{2, (uint16_t)x, 2, 2}, 4}),
		0);
	assert_int_equal(check(f, 2, inst, DM_ACCESS_WRITE), 0);
	/* No default entry, not the owner, no entry: nothing. */
	assert_int_equal(
		model_resource_delete(
			f->m, &(struct path){{2, (uint16_t)x, 2, 0}, 4}),
		0);
	assert_int_equal(check(f, 3, inst, DM_ACCESS_READ), -EACCES);
}

/* Create is ruled by the ACL instance for instance 65535. */
static void test_create(void **state)
{
	struct fixture *f = *state;
	int x = acl_of(f, TEMP, 65535);

	assert_int_equal(check(f, 1, path_object(TEMP), DM_ACCESS_CREATE), 0);
	assert_int_equal(check(f, 3, path_object(TEMP), DM_ACCESS_CREATE), 0);
	assert_int_equal(check(f, 2, path_object(TEMP), DM_ACCESS_CREATE),
			 -EACCES);
	assert_int_equal(ask(f, 2, POST, "/3303", "", NULL), C(4, 1));
	/* The default entry gives it to everyone not listed. */
	set_int(f->m, path_resource_instance(2, (uint16_t)x, 2, 0), 16);
	assert_int_equal(check(f, 2, path_object(TEMP), DM_ACCESS_CREATE), 0);
	/* An object without a Create ACL (none of its instances existed at
	 * start-up): nobody. */
	assert_int_equal(check(f, 1, path_object(3304), DM_ACCESS_CREATE),
			 -EACCES);
	/* Not defined: 4.04; the Access Control object: never. */
	assert_int_equal(check(f, 1, path_object(32000), DM_ACCESS_CREATE),
			 -ENOENT);
	assert_int_equal(check(f, 1, path_object(2), DM_ACCESS_CREATE),
			 -EACCES);
	assert_int_equal(ask(f, 1, POST, "/2", "", NULL), C(4, 1));
}

/* Object 2 itself: everyone reads, only the owner writes, nobody
 * deletes or creates. */
static void test_access_control_object(void **state)
{
	struct fixture *f = *state;
	char path[32], ent[32];
	int x = acl_of(f, 3, 0);

	snprintf(path, sizeof(path), "/2/%d", x);
	snprintf(ent, sizeof(ent), "/2/%d/2/2", x);
	assert_int_equal(ask(f, 3, GET, path, NULL, NULL), C(2, 5));
	assert_int_equal(ask(f, 2, GET, ent, NULL, NULL), C(2, 5));
	assert_int_equal(ask(f, 2, PUT, ent, "7", NULL), C(4, 1));
	assert_int_equal(ask(f, 2, PUT, "/3/0/14", "+03", NULL), C(4, 1));
	/* The owner grants 2 Write; then 2 may write the Device. */
	assert_int_equal(ask(f, 1, PUT, ent, "3", NULL), C(2, 4));
	assert_int_equal(ask(f, 2, PUT, "/3/0/14", "+03", NULL), C(2, 4));
	/* Resources 0 and 1 are read-only for everyone. */
	snprintf(ent, sizeof(ent), "/2/%d/0", x);
	assert_int_equal(ask(f, 1, PUT, ent, "4", NULL), C(4, 5));
	assert_int_equal(ask(f, 1, DEL, path, NULL, NULL), C(4, 1));
	assert_int_equal(ask(f, 2, GET, "/2/999", NULL, NULL), C(4, 4));
	/* The ACL of a Server instance belongs to that server. */
	snprintf(ent, sizeof(ent), "/2/%d/2/1", acl_of(f, 1, 1));
	assert_int_equal(ask(f, 1, PUT, ent, "31", NULL), C(4, 1));
}

/* An object-level Read holds only the readable instances. */
static void test_object_read_filter(void **state)
{
	struct fixture *f = *state;
	struct dm_response r;

	assert_int_equal(ask(f, 2, GET, "/1", NULL, &r), C(2, 5));
	assert_true(f->dm->n_recs > 0);
	for (size_t i = 0; i < f->dm->n_recs; i++)
		assert_int_equal(f->dm->recs[i].path.ids[1], 1);
	/* All of 3303 for 2 ("r"); none for 3 ("c"): 4.01. */
	assert_int_equal(ask(f, 2, GET, "/3303", NULL, &r), C(2, 5));
	assert_int_equal(f->dm->n_recs, 2);
	assert_int_equal(ask(f, 3, GET, "/3303", NULL, &r), C(4, 1));
	/* One of them made readable for 3. */
	set_int(f->m,
		path_resource_instance(2, (uint16_t)acl_of(f, TEMP, 1), 2, 3),
		1);
	assert_int_equal(ask(f, 3, GET, "/3303", NULL, &r), C(2, 5));
	assert_int_equal(f->dm->n_recs, 1);
	assert_int_equal(f->dm->recs[0].path.ids[1], 1);
	/* An object without instances: the empty answer, as before. */
	assert_int_equal(ask(f, 3, GET, "/3304", NULL, &r), C(2, 5));
	assert_int_equal(f->dm->n_recs, 0);
	/* Everyone reads all of object 2. */
	assert_int_equal(ask(f, 3, GET, "/2", NULL, &r), C(2, 5));
}

/* Instances servers create or delete keep their ACL instances in step;
 * so do those plugins add and remove (access_sync). */
static void test_created_deleted(void **state)
{
	struct fixture *f = *state;
	struct dm_access hooks;
	int x;

	access_hooks(f->ac, &hooks);
	assert_int_equal(model_instance_create(f->m, TEMP, 5), 0);
	hooks.created(hooks.ctx, 2, TEMP, 5);
	x = acl_of(f, TEMP, 5);
	assert_true(x >= 0);
	assert_int_equal(get_int(f->m, path_resource(2, (uint16_t)x, 3)), 2);
	assert_int_equal(check(f, 2, path_instance(TEMP, 5), DM_ACCESS_DELETE),
			 0);
	/* The first server gets its configured rights ("r") there. */
	assert_int_equal(check(f, 1, path_instance(TEMP, 5), DM_ACCESS_READ),
			 0);
	assert_int_equal(check(f, 1, path_instance(TEMP, 5), DM_ACCESS_WRITE),
			 -EACCES);
	assert_int_equal(model_instance_count(f->m, 2), 8);
	assert_int_equal(model_instance_delete(f->m, TEMP, 5), 0);
	hooks.deleted(hooks.ctx, TEMP, 5);
	assert_int_equal(acl_of(f, TEMP, 5), -1);
	assert_int_equal(model_instance_count(f->m, 2), 7);
	/* A plugin's instance, and its removal. */
	assert_int_equal(model_instance_create(f->m, TEMP, 9), 0);
	assert_int_equal(access_sync(f->ac), 0);
	x = acl_of(f, TEMP, 9);
	assert_true(x >= 0);
	assert_int_equal(get_int(f->m, path_resource(2, (uint16_t)x, 3)), 1);
	assert_int_equal(model_instance_delete(f->m, TEMP, 9), 0);
	assert_int_equal(access_sync(f->ac), 0);
	assert_int_equal(acl_of(f, TEMP, 9), -1);
	assert_int_equal(model_instance_count(f->m, 2), 7);
	/* Hooks about object 2 itself are ignored. */
	hooks.created(hooks.ctx, 1, 2, 50);
	assert_int_equal(model_instance_count(f->m, 2), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_single_server,
						setup_single, teardown),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_default_instances),
		T(test_default_decisions),
		T(test_not_found_vs_unauthorized),
		T(test_every_bit),
		T(test_entry_owner_default),
		T(test_create),
		T(test_access_control_object),
		T(test_object_read_filter),
		T(test_created_deleted),
#undef T
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

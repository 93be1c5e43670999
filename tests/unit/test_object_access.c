/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object access (Read/Write/Execute routed to handlers or the model) and
 * the errno -> CoAP table.  Handlers here are plain C callbacks, bound the
 * way the plugin host binds a plugin's instance ops.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "coap_errors.h"
#include "log.h"
#include "object_access.h"

#define OT   32500 /* every type (tests/data/ddf/valid/model_types.xml) */
#define OS   32501 /* single instance, one R resource */
#define TEMP 3303

#define R_STR  0
#define R_INT  1
#define R_UNS  2
#define R_FLT  3
#define R_RUN  9  /* executable */
#define R_INTS 10 /* multiple Integer 0..1000 */

#define CLOCK_MS 1700000000123LL

struct fake {
	int reads, writes, execs;
	int read_rc, write_rc, exec_rc;
	enum lwb_type seen_type; /* out->type when read was called */
	uint16_t rid, riid;
	struct lwb_value next; /* what read returns */
	char buf[16];	       /* bytes read returns, overwritten after */
	struct lwb_value written;
	char args[32];
	bool unbind_in_read;
	struct object_access *oa;
};

struct fixture {
	struct schema_registry *reg;
	struct model *m;
	struct object_access *oa;
	struct fake fake;
	char log[64][256];
	size_t nlog;
};

static struct fixture *F(void **state)
{
	return *state;
}

static void sink(enum log_level level, const char *line, void *ctx)
{
	struct fixture *f = ctx;

	if (f->nlog < 64)
		snprintf(f->log[f->nlog++], sizeof(f->log[0]), "%d %s",
			 (int)level, line);
}

static bool logged(struct fixture *f, const char *s)
{
	for (size_t i = 0; i < f->nlog; i++)
		if (strstr(f->log[i], s))
			return true;
	return false;
}

static int64_t fixed_clock(void *ctx)
{
	return *(const int64_t *)ctx;
}

static int fake_read(void *ctx, uint16_t rid, uint16_t riid,
		     struct lwb_value *out)
{
	struct fake *fk = ctx;

	fk->reads++;
	fk->seen_type = out->type;
	fk->rid = rid;
	fk->riid = riid;
	if (fk->unbind_in_read)
		oa_unbind(fk->oa, OT, 0);
	if (fk->read_rc)
		return fk->read_rc;
	*out = fk->next;
	return 0;
}

static int fake_write(void *ctx, uint16_t rid, uint16_t riid,
		      const struct lwb_value *v)
{
	struct fake *fk = ctx;

	fk->writes++;
	fk->rid = rid;
	fk->riid = riid;
	fk->written = *v;
	return fk->write_rc;
}

static int fake_execute(void *ctx, uint16_t rid, const char *args, size_t len)
{
	struct fake *fk = ctx;

	fk->execs++;
	fk->rid = rid;
	assert_non_null(args);
	snprintf(fk->args, sizeof(fk->args), "%.*s", (int)len, args);
	return fk->exec_rc;
}

static const struct oa_handler full = {
	.ops = {.read = fake_read,
		.write = fake_write,
		.execute = fake_execute},
	.tag = "fake",
};

static const char *src(const char *rel, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, cap, "%s/%s", top && *top ? top : TOP_SRCDIR, rel);
	return buf;
}

static int64_t clock_now = CLOCK_MS;

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct oa_handler h = full;
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
	f->oa = oa_new(f->m);
	if (!f->m || !f->oa)
		return -1;
	clock_now = CLOCK_MS;
	oa_set_clock(f->oa, fixed_clock, &clock_now);
	/* /OT/0 is served by the fake handler, /OT/1 by the model alone. */
	if (model_instance_create(f->m, OT, 0) ||
	    model_instance_create(f->m, OT, 1) ||
	    model_instance_create(f->m, OS, 0))
		return -1;
	f->fake.oa = f->oa;
	h.ctx = &f->fake;
	if (oa_bind(f->oa, OT, 0, &h))
		return -1;
	log_set_sink(sink, f);
	log_set_level(LOG_LVL_DEBUG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	log_set_sink(NULL, NULL);
	log_set_level(LOG_LVL_INFO);
	oa_free(f->oa);
	model_free(f->m);
	schema_registry_free(f->reg);
	free(f);
	return 0;
}

#define VI(x) ((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = (x)})
#define VF(x) ((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = (x)})
#define VS(s)                                                                  \
	((struct lwb_value){.type = LWB_TYPE_STRING,                           \
			    .v.bytes = {(s), strlen(s)}})

static int mset(struct fixture *f, struct path p, struct lwb_value v)
{
	return model_set(f->m, &p, &v);
}

static int rd(struct fixture *f, struct path p, struct lwb_value *out)
{
	return oa_read(f->oa, &p, out);
}

static int wr(struct fixture *f, struct path p, struct lwb_value v)
{
	return oa_write(f->oa, &p, &v);
}

static int ex(struct fixture *f, struct path p, const char *args)
{
	return oa_execute(f->oa, &p, args, args ? strlen(args) : 0);
}

/* ---- the table ------------------------------------------------------- */

static void test_coap_table(void **state)
{
	(void)state;
	assert_int_equal(coap_code_from_errno(-ENOENT), COAP_NOT_FOUND);
	assert_int_equal(coap_code_from_errno(-EINVAL), COAP_BAD_REQUEST);
	assert_int_equal(coap_code_from_errno(-EPROTOTYPE), COAP_BAD_REQUEST);
	assert_int_equal(coap_code_from_errno(-ERANGE), COAP_BAD_REQUEST);
	assert_int_equal(coap_code_from_errno(-EBADMSG), COAP_BAD_REQUEST);
	assert_int_equal(coap_code_from_errno(-EEXIST), COAP_BAD_REQUEST);
	assert_int_equal(coap_code_from_errno(-EPERM), COAP_UNAUTHORIZED);
	assert_int_equal(coap_code_from_errno(-EACCES), COAP_UNAUTHORIZED);
	assert_int_equal(coap_code_from_errno(-EOPNOTSUPP),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(coap_code_from_errno(-ENOTSUP),
			 COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(coap_code_from_errno(-E2BIG),
			 COAP_REQUEST_ENTITY_TOO_LARGE);
	assert_int_equal(coap_code_from_errno(-EFBIG),
			 COAP_REQUEST_ENTITY_TOO_LARGE);
	/* Everything else is the server's fault. */
	assert_int_equal(coap_code_from_errno(-EIO),
			 COAP_INTERNAL_SERVER_ERROR);
	assert_int_equal(coap_code_from_errno(-ETIMEDOUT),
			 COAP_INTERNAL_SERVER_ERROR);
	assert_int_equal(coap_code_from_errno(-ENOMEM),
			 COAP_INTERNAL_SERVER_ERROR);
	assert_int_equal(coap_code_from_errno(0), COAP_INTERNAL_SERVER_ERROR);
	assert_int_equal(coap_code_from_errno(INT_MIN),
			 COAP_INTERNAL_SERVER_ERROR);
	/* A positive errno reads as its negation. */
	assert_int_equal(coap_code_from_errno(ENOENT), COAP_NOT_FOUND);

	assert_int_equal(COAP_NOT_FOUND, 0x84);
	assert_int_equal(COAP_CODE_CLASS(COAP_METHOD_NOT_ALLOWED), 4);
	assert_int_equal(COAP_CODE_DETAIL(COAP_METHOD_NOT_ALLOWED), 5);
	assert_int_equal(COAP_INTERNAL_SERVER_ERROR, 0xa0);
	assert_string_equal(coap_code_text(COAP_NOT_FOUND), "4.04 Not Found");
	assert_string_equal(coap_code_text(COAP_CONTENT), "2.05 Content");
	assert_string_equal(coap_code_text(COAP_INTERNAL_SERVER_ERROR),
			    "5.00 Internal Server Error");
	assert_string_equal(coap_code_text(COAP_UNSUPPORTED_CONTENT_FORMAT),
			    "4.15 Unsupported Content-Format");
	assert_string_equal(coap_code_text((enum coap_code)COAP_CODE(4, 30)),
			    "?");
}

/* ---- bindings -------------------------------------------------------- */

static void test_bind(void **state)
{
	struct fixture *f = F(state);
	struct oa_handler h = {.tag = "x"};
	const struct oa_handler *got;

	assert_int_equal(oa_bound_count(f->oa), 1);
	assert_int_equal(oa_bind(f->oa, OT, 0, &h), -EEXIST);
	assert_int_equal(oa_bind(f->oa, 65535, 0, &h), -EINVAL);
	assert_int_equal(oa_bind(f->oa, OT, 65535, &h), -EINVAL);
	assert_int_equal(oa_bind(f->oa, OT, 5, NULL), -EINVAL);
	/* Enough to grow the array several times, in scrambled order. */
	for (unsigned i = 0; i < 100; i++) {
		h.ctx = (void *)(uintptr_t)(i + 1);
		assert_int_equal(oa_bind(f->oa,
					 (uint16_t)(4000 + (i * 37) % 100),
					 (uint16_t)i, &h),
				 0);
	}
	assert_int_equal(oa_bound_count(f->oa), 101);
	for (unsigned i = 0; i < 100; i++) {
		got = oa_handler(f->oa, (uint16_t)(4000 + (i * 37) % 100),
				 (uint16_t)i);
		assert_non_null(got);
		assert_ptr_equal(got->ctx, (void *)(uintptr_t)(i + 1));
		assert_string_equal(got->tag, "x");
	}
	assert_null(oa_handler(f->oa, 4000, 1));
	assert_null(oa_handler(f->oa, OT, 1));
	got = oa_handler(f->oa, OT, 0);
	assert_non_null(got);
	assert_ptr_equal(got->ops.read, fake_read);
	assert_int_equal(oa_unbind(f->oa, 4037, 1), 0);
	assert_int_equal(oa_unbind(f->oa, 4037, 1), -ENOENT);
	assert_null(oa_handler(f->oa, 4037, 1));
	assert_non_null(oa_handler(f->oa, 4074, 2));
	assert_int_equal(oa_bound_count(f->oa), 100);
	assert_ptr_equal(oa_model(f->oa), f->m);
	assert_int_equal(oa_now_ms(f->oa), CLOCK_MS);
}

/* ---- read ------------------------------------------------------------ */

static void test_read_model_instance(void **state)
{
	struct fixture *f = F(state);
	struct lwb_value v;
	int64_t t = -1;

	/* Nobody bound: the model's last value, never a callback. */
	assert_int_equal(rd(f, path_resource(OT, 1, R_INT), &v), -ENOENT);
	assert_int_equal(mset(f, path_resource(OT, 1, R_INT), VI(7)), 1);
	assert_int_equal(rd(f, path_resource(OT, 1, R_INT), &v), 0);
	assert_int_equal(v.type, LWB_TYPE_INTEGER);
	assert_int_equal(v.v.i, 7);
	assert_int_equal(
		model_get_time(f->m, &(struct path){{OT, 1, R_INT}, 3}, &t), 0);
	assert_int_equal(t, 0); /* a read from the model stores nothing */
	assert_int_equal(f->fake.reads, 0);
	/* What the definition decides. */
	assert_int_equal(rd(f, path_resource(OT, 1, 50), &v), -ENOENT);
	assert_int_equal(rd(f, path_resource(OT, 9, R_INT), &v), -ENOENT);
	assert_int_equal(rd(f, path_resource(9999, 0, 0), &v), -ENOENT);
	assert_int_equal(rd(f, path_instance(OT, 1), &v), -EINVAL);
	assert_int_equal(rd(f, path_resource(OT, 1, R_INTS), &v), -EINVAL);
	assert_int_equal(rd(f, path_resource_instance(OT, 1, R_INT, 0), &v),
			 -EINVAL);
	assert_int_equal(rd(f, path_resource(OT, 1, R_RUN), &v), -EOPNOTSUPP);
	assert_int_equal(
		coap_code_from_errno(rd(f, path_resource(OT, 1, R_RUN), &v)),
		COAP_METHOD_NOT_ALLOWED);
}

static void test_read_through_handler(void **state)
{
	struct fixture *f = F(state);
	struct lwb_value v;
	struct path p = path_resource(OT, 0, R_STR);
	int64_t t = 0;

	strcpy(f->fake.buf, "abc");
	f->fake.next = (struct lwb_value){.type = LWB_TYPE_STRING,
					  .v.bytes = {f->fake.buf, 3}};
	clock_now = CLOCK_MS + 5;
	assert_int_equal(oa_read(f->oa, &p, &v), 0);
	assert_int_equal(f->fake.reads, 1);
	assert_int_equal(f->fake.seen_type, LWB_TYPE_STRING);
	assert_int_equal(f->fake.rid, R_STR);
	assert_int_equal(f->fake.riid, LWB_NO_RIID);
	/* The bytes are the model's copy, not the plugin's buffer. */
	memset(f->fake.buf, 'z', sizeof(f->fake.buf));
	assert_int_equal(v.v.bytes.len, 3);
	assert_memory_equal(v.v.bytes.ptr, "abc", 3);
	assert_ptr_not_equal(v.v.bytes.ptr, f->fake.buf);
	assert_int_equal(model_get_time(f->m, &p, &t), 0);
	assert_int_equal(t, CLOCK_MS + 5);

	/* An Integer for an Unsigned resource: stored with the resource's
	 * type. */
	f->fake.next = VI(12);
	assert_int_equal(rd(f, path_resource(OT, 0, R_UNS), &v), 0);
	assert_int_equal(f->fake.seen_type, LWB_TYPE_UNSIGNED);
	assert_int_equal(v.type, LWB_TYPE_UNSIGNED);
	assert_int_equal(v.v.u, 12);

	/* Multiple resources are read one instance at a time. */
	f->fake.next = VI(500);
	assert_int_equal(rd(f, path_resource_instance(OT, 0, R_INTS, 3), &v),
			 0);
	assert_int_equal(f->fake.riid, 3);
	assert_int_equal(v.v.i, 500);
}

static void test_read_without_read_op(void **state)
{
	struct fixture *f = F(state);
	struct oa_handler h = {
		.ops = {.write = fake_write}, .ctx = &f->fake, .tag = "quiet"};
	struct lwb_value v;

	assert_int_equal(oa_unbind(f->oa, OT, 0), 0);
	assert_int_equal(oa_bind(f->oa, OT, 0, &h), 0);
	assert_int_equal(rd(f, path_resource(OT, 0, R_FLT), &v), -ENOENT);
	assert_int_equal(mset(f, path_resource(OT, 0, R_FLT), VF(2.5)), 1);
	assert_int_equal(rd(f, path_resource(OT, 0, R_FLT), &v), 0);
	assert_true(v.v.f == 2.5);
	assert_int_equal(f->fake.reads, 0);
}

static void test_read_errors(void **state)
{
	struct fixture *f = F(state);
	struct lwb_value v;
	int rc;

	assert_int_equal(mset(f, path_resource(OT, 0, R_INT), VI(3)), 1);
	/* A hardware error: logged (a warning, tagged), 5.00, and the old
	 * value is not served instead. */
	f->fake.read_rc = -EIO;
	rc = rd(f, path_resource(OT, 0, R_INT), &v);
	assert_int_equal(rc, -EIO);
	assert_int_equal(coap_code_from_errno(rc), COAP_INTERNAL_SERVER_ERROR);
	assert_true(logged(f, "4 warning: [fake] read of /32500/0/1 failed: "
			      "Input/output error (5.00 Internal Server "
			      "Error)"));
	assert_int_equal(mset(f, path_resource(OT, 0, R_INT), VI(3)), 0);

	/* The callback does not know the resource: 4.04, a debug line. */
	f->nlog = 0;
	f->fake.read_rc = -ENOENT;
	rc = rd(f, path_resource(OT, 0, R_INT), &v);
	assert_int_equal(rc, -ENOENT);
	assert_int_equal(coap_code_from_errno(rc), COAP_NOT_FOUND);
	assert_true(logged(f, "5 notice: [fake] read of /32500/0/1 failed: No "
			      "such file or directory (4.04 Not Found)"));

	/* A resource the definition does not have: the callback is not
	 * even asked. */
	f->fake.reads = 0;
	assert_int_equal(rd(f, path_resource(OT, 0, 50), &v), -ENOENT);
	assert_int_equal(f->fake.reads, 0);

	/* A value the definition refuses is the plugin's bug: 5.00. */
	f->nlog = 0;
	f->fake.read_rc = 0;
	f->fake.next = VS("nope");
	rc = rd(f, path_resource(OT, 0, R_INT), &v);
	assert_int_equal(rc, -EIO);
	assert_true(logged(f, "[fake] read of /32500/0/1 returned an invalid "
			      "value (String, the resource is Integer)"));
	f->fake.next = VI(101); /* range -100..100 */
	assert_int_equal(rd(f, path_resource(OT, 0, R_INT), &v), -EIO);
	assert_int_equal(mset(f, path_resource(OT, 0, R_INT), VI(3)), 0);

	/* A callback that removes its own instance while reading. */
	f->fake.next = VI(4);
	f->fake.unbind_in_read = true;
	assert_int_equal(rd(f, path_resource(OT, 0, R_INT), &v), 0);
	assert_int_equal(v.v.i, 4);
	assert_null(oa_handler(f->oa, OT, 0));
}

/* ---- read of several values ------------------------------------------ */

struct rows {
	int n;
	struct path p[32];
};

static int collect_row(const struct record *rec, void *ctx)
{
	struct rows *r = ctx;

	if (r->n < 32)
		r->p[r->n] = rec->path;
	r->n++;
	return 0;
}

static int stop_at_two(const struct record *rec, void *ctx)
{
	(void)rec;
	return ++*(int *)ctx == 2 ? -ECANCELED : 0;
}

/* Reads what the path asks: R_INTS instances per riid, the rest as
 * given; ENOENT for resources it does not have. */
static int picky_read(void *ctx, uint16_t rid, uint16_t riid,
		      struct lwb_value *out)
{
	struct fake *fk = ctx;

	fk->reads++;
	switch (rid) {
	case R_INT: out->v.i = 11; return 0;
	case R_FLT: out->v.f = 1.25; return 0;
	case R_INTS: out->v.i = riid * 10; return 0;
	case R_UNS: return fk->read_rc ? fk->read_rc : -ENOENT;
	default: return -ENOENT;
	}
}

static void test_read_collect(void **state)
{
	struct fixture *f = F(state);
	struct oa_handler h = {
		.ops = {.read = picky_read}, .ctx = &f->fake, .tag = "picky"};
	struct rows r = {0};
	struct lwb_value v;
	int n = 0;

	assert_int_equal(oa_unbind(f->oa, OT, 0), 0);
	assert_int_equal(oa_bind(f->oa, OT, 0, &h), 0);
	/* Two instances of the multiple resource exist: both refreshed. */
	assert_int_equal(
		mset(f, path_resource_instance(OT, 0, R_INTS, 1), VI(0)), 1);
	assert_int_equal(
		mset(f, path_resource_instance(OT, 0, R_INTS, 4), VI(0)), 1);
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT, 0}, 2},
					 collect_row, &r),
			 4);
	assert_true(path_equal(&r.p[0], &(struct path){{OT, 0, R_INT}, 3}));
	assert_true(path_equal(&r.p[1], &(struct path){{OT, 0, R_FLT}, 3}));
	assert_true(path_equal(&r.p[2], &(struct path){{OT, 0, R_INTS, 1}, 4}));
	assert_int_equal(rd(f, path_resource_instance(OT, 0, R_INTS, 4), &v),
			 0);
	assert_int_equal(v.v.i, 40);

	/* Below the instance: a resource, a multiple resource, one of its
	 * instances. */
	r.n = 0;
	assert_int_equal(oa_read_collect(f->oa,
					 &(struct path){{OT, 0, R_INTS}, 3},
					 collect_row, &r),
			 2);
	assert_int_equal(oa_read_collect(f->oa,
					 &(struct path){{OT, 0, R_INT}, 3},
					 collect_row, &r),
			 1);
	assert_int_equal(oa_read_collect(f->oa,
					 &(struct path){{OT, 0, R_INTS, 4}, 4},
					 collect_row, &r),
			 1);
	/* ENOENT from the callback is an answer when asked directly. */
	assert_int_equal(oa_read_collect(f->oa,
					 &(struct path){{OT, 0, R_UNS}, 3},
					 collect_row, &r),
			 -ENOENT);
	/* The whole object: instance 1 (model only) has no values yet. */
	assert_int_equal(mset(f, path_resource(OT, 1, R_STR), VS("m")), 1);
	r.n = 0;
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT}, 1},
					 collect_row, &r),
			 5);
	assert_true(path_equal(&r.p[4], &(struct path){{OT, 1, R_STR}, 3}));
	/* fn stops the walk. */
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT}, 1},
					 stop_at_two, &n),
			 -ECANCELED);

	/* A hard error ends the read, at every level above. */
	f->fake.read_rc = -EIO;
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT, 0}, 2},
					 collect_row, &r),
			 -EIO);
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT}, 1},
					 collect_row, &r),
			 -EIO);
	/* Paths that do not exist or cannot be read. */
	assert_int_equal(
		oa_read_collect(f->oa, &(struct path){{0}, 0}, collect_row, &r),
		-EINVAL);
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{9999}, 1},
					 collect_row, &r),
			 -ENOENT);
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT, 7}, 2},
					 collect_row, &r),
			 -ENOENT);
	assert_int_equal(oa_read_collect(f->oa, &(struct path){{OT, 0, 50}, 3},
					 collect_row, &r),
			 -ENOENT);
	assert_int_equal(oa_read_collect(f->oa,
					 &(struct path){{OT, 0, R_RUN}, 3},
					 collect_row, &r),
			 -EOPNOTSUPP);
	assert_int_equal(oa_read_collect(f->oa,
					 &(struct path){{OT, 0, R_INT, 0}, 4},
					 collect_row, &r),
			 -EINVAL);
}

/* ---- write ----------------------------------------------------------- */

static void test_write(void **state)
{
	struct fixture *f = F(state);
	struct lwb_value v;
	struct path p = path_resource(OT, 0, R_UNS);
	int64_t t = 0;
	int rc;

	/* Checked against the definition before the plugin sees it. */
	rc = wr(f, path_resource(OT, 0, R_INT), VS("x"));
	assert_int_equal(rc, -EPROTOTYPE);
	assert_int_equal(coap_code_from_errno(rc), COAP_BAD_REQUEST);
	rc = wr(f, path_resource(OT, 0, R_INT), VI(1000));
	assert_int_equal(rc, -ERANGE);
	assert_int_equal(coap_code_from_errno(rc), COAP_BAD_REQUEST);
	assert_int_equal(wr(f, path_resource(OT, 0, R_STR), VS("123456789")),
			 -ERANGE);
	assert_int_equal(f->fake.writes, 0);

	/* The plugin gets the value in the resource's type, then it is
	 * stored with the time. */
	clock_now = CLOCK_MS + 9;
	assert_int_equal(oa_write(f->oa, &p, &VI(42)), 0);
	assert_int_equal(f->fake.writes, 1);
	assert_int_equal(f->fake.rid, R_UNS);
	assert_int_equal(f->fake.riid, LWB_NO_RIID);
	assert_int_equal(f->fake.written.type, LWB_TYPE_UNSIGNED);
	assert_int_equal(f->fake.written.v.u, 42);
	assert_int_equal(model_get(f->m, &p, &v), 0);
	assert_int_equal(v.v.u, 42);
	assert_int_equal(model_get_time(f->m, &p, &t), 0);
	assert_int_equal(t, CLOCK_MS + 9);
	assert_int_equal(wr(f, path_resource_instance(OT, 0, R_INTS, 2), VI(9)),
			 0);
	assert_int_equal(f->fake.riid, 2);

	/* Refused by the plugin: logged, its error, the old value stays. */
	f->fake.write_rc = -EIO;
	rc = wr(f, p, VI(43));
	assert_int_equal(rc, -EIO);
	assert_true(logged(f, "[fake] write of /32500/0/2 failed: "
			      "Input/output error"));
	f->fake.write_rc = -EINVAL;
	assert_int_equal(wr(f, p, VI(44)), -EINVAL);
	assert_true(logged(f, "5 notice: [fake] write of /32500/0/2 failed: "
			      "Invalid argument (4.00 Bad Request)"));
	assert_int_equal(model_get(f->m, &p, &v), 0);
	assert_int_equal(v.v.u, 42);

	/* What may not be written at all. */
	assert_int_equal(wr(f, path_resource(OT, 0, R_RUN), VI(1)),
			 -EOPNOTSUPP);
	assert_int_equal(wr(f, path_resource(OS, 0, 0), VI(1)), -EOPNOTSUPP);
	assert_int_equal(wr(f, path_resource(OT, 0, 50), VI(1)), -ENOENT);
	assert_int_equal(wr(f, path_resource(OT, 3, R_INT), VI(1)), -ENOENT);
	assert_int_equal(wr(f, path_instance(OT, 0), VI(1)), -EINVAL);
	assert_int_equal(wr(f, path_resource(OT, 0, R_INTS), VI(1)), -EINVAL);

	/* Nobody bound: straight into the model. */
	assert_int_equal(wr(f, path_resource(OT, 1, R_INT), VI(-5)), 0);
	assert_int_equal(model_get(f->m, &(struct path){{OT, 1, R_INT}, 3}, &v),
			 0);
	assert_int_equal(v.v.i, -5);
}

static void test_write_without_write_op(void **state)
{
	struct fixture *f = F(state);
	struct oa_handler h = {
		.ops = {.read = fake_read}, .ctx = &f->fake, .tag = "ro"};
	int rc;

	assert_int_equal(oa_unbind(f->oa, OT, 0), 0);
	assert_int_equal(oa_bind(f->oa, OT, 0, &h), 0);
	rc = wr(f, path_resource(OT, 0, R_INT), VI(1));
	assert_int_equal(rc, -EOPNOTSUPP);
	assert_int_equal(coap_code_from_errno(rc), COAP_METHOD_NOT_ALLOWED);
	/* The type check still comes first. */
	assert_int_equal(wr(f, path_resource(OT, 0, R_INT), VS("x")),
			 -EPROTOTYPE);
	assert_false(model_exists(f->m, &(struct path){{OT, 0, R_INT}, 3}));
}

/* ---- execute --------------------------------------------------------- */

static void test_execute(void **state)
{
	struct fixture *f = F(state);
	struct oa_handler h = {
		.ops = {.read = fake_read}, .ctx = &f->fake, .tag = "noexec"};
	int rc;

	assert_int_equal(ex(f, path_resource(OT, 0, R_RUN), "0='x'"), 0);
	assert_int_equal(f->fake.execs, 1);
	assert_int_equal(f->fake.rid, R_RUN);
	assert_string_equal(f->fake.args, "0='x'");
	assert_int_equal(ex(f, path_resource(OT, 0, R_RUN), NULL), 0);
	assert_string_equal(f->fake.args, "");

	f->fake.exec_rc = -ETIMEDOUT;
	rc = ex(f, path_resource(OT, 0, R_RUN), NULL);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_int_equal(coap_code_from_errno(rc), COAP_INTERNAL_SERVER_ERROR);
	assert_true(logged(f, "4 warning: [fake] execute of /32500/0/9 "
			      "failed: Connection timed out"));

	/* Not executable, nobody to execute it, wrong paths. */
	f->fake.execs = 0;
	rc = ex(f, path_resource(OT, 0, R_INT), NULL);
	assert_int_equal(rc, -EOPNOTSUPP);
	assert_int_equal(coap_code_from_errno(rc), COAP_METHOD_NOT_ALLOWED);
	assert_int_equal(ex(f, path_resource(OT, 1, R_RUN), NULL), -EOPNOTSUPP);
	assert_int_equal(ex(f, path_resource(OT, 0, 50), NULL), -ENOENT);
	assert_int_equal(ex(f, path_resource(OT, 8, R_RUN), NULL), -ENOENT);
	assert_int_equal(ex(f, path_instance(OT, 0), NULL), -EINVAL);
	assert_int_equal(ex(f, path_resource_instance(OT, 0, R_RUN, 0), NULL),
			 -EINVAL);
	assert_int_equal(f->fake.execs, 0);
	/* oa_execute_check answers the same, and executes nothing. */
	{
		const struct path run = path_resource(OT, 0, R_RUN);
		const struct path num = path_resource(OT, 0, R_INT);
		const struct path none = path_resource(OT, 0, 50);
		const struct path gone = path_resource(OT, 8, R_RUN);

		assert_int_equal(oa_execute_check(f->oa, &run), 0);
		assert_int_equal(oa_execute_check(f->oa, &num), -EOPNOTSUPP);
		assert_int_equal(oa_execute_check(f->oa, &none), -ENOENT);
		assert_int_equal(oa_execute_check(f->oa, &gone), -ENOENT);
		assert_int_equal(f->fake.execs, 0);
	}
	assert_int_equal(oa_unbind(f->oa, OT, 0), 0);
	assert_int_equal(oa_bind(f->oa, OT, 0, &h), 0);
	assert_int_equal(ex(f, path_resource(OT, 0, R_RUN), NULL), -EOPNOTSUPP);
	{
		const struct path run = path_resource(OT, 0, R_RUN);

		assert_int_equal(oa_execute_check(f->oa, &run), -EOPNOTSUPP);
	}
}

static void test_clock(void **state)
{
	struct fixture *f = F(state);
	int64_t before, now;

	oa_set_clock(f->oa, NULL, NULL);
	before = (int64_t)time(NULL) * 1000;
	now = oa_now_ms(f->oa);
	assert_true(now >= before - 1000 && now <= before + 2000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coap_table),
		T(test_bind),
		T(test_read_model_instance),
		T(test_read_through_handler),
		T(test_read_without_read_op),
		T(test_read_errors),
		T(test_read_collect),
		T(test_write),
		T(test_write_without_write_op),
		T(test_execute),
		T(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

#define OT 32500 /* every type, multiple instances (model_types.xml) */
#define OS 32501 /* single instance */

struct fixture {
	struct schema_registry *reg;
	struct model *m;
};

static const char *src(const char *rel, char *buf, size_t cap)
{
	const char *top = getenv("top_srcdir");

	if (!top || !*top)
		top = TOP_SRCDIR;
	snprintf(buf, cap, "%s/%s", top, rel);
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char buf[4096];

	if (!f)
		return -1;
	f->reg = schema_registry_new();
	if (!f->reg ||
	    schema_load_dir(f->reg, src("objects", buf, sizeof(buf)), NULL) !=
		    0 ||
	    schema_load_file(f->reg,
			     src("tests/data/ddf/valid/model_types.xml", buf,
				 sizeof(buf)),
			     NULL) != 2)
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

static struct model *M(void **state)
{
	return ((struct fixture *)*state)->m;
}

#define VI(x) ((struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = (x)})
#define VU(x) ((struct lwb_value){.type = LWB_TYPE_UNSIGNED, .v.u = (x)})
#define VF(x) ((struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = (x)})
#define VB(x) ((struct lwb_value){.type = LWB_TYPE_BOOLEAN, .v.b = (x)})
#define VT(x) ((struct lwb_value){.type = LWB_TYPE_TIME, .v.i = (x)})
#define VL(o, i)                                                               \
	((struct lwb_value){.type = LWB_TYPE_OBJLNK,                           \
			    .v.lnk = {.oid = (o), .iid = (i)}})
#define VBYTES(t, s, n)                                                        \
	((struct lwb_value){.type = (t), .v.bytes = {.ptr = (s), .len = (n)}})
#define VS(s) VBYTES(LWB_TYPE_STRING, (s), strlen(s))

static int set(struct model *m, struct path p, struct lwb_value v)
{
	return model_set(m, &p, &v);
}

static struct lwb_value get_ok(struct model *m, struct path p)
{
	struct lwb_value v;

	memset(&v, 0xa5, sizeof(v));
	assert_int_equal(model_get(m, &p, &v), 0);
	return v;
}

static int get_rc(struct model *m, struct path p)
{
	struct lwb_value v;

	return model_get(m, &p, &v);
}

static void test_instances(void **state)
{
	struct model *m = M(state);

	assert_int_equal(model_instance_create(m, OT, 5), 0);
	assert_int_equal(model_instance_create(m, OT, 65534), 0);
	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(model_instance_create(m, OT, 5), -EEXIST);
	assert_int_equal(model_instance_create(m, OT, 65535), -EINVAL);
	assert_int_equal(model_instance_create(m, 65535, 0), -EINVAL);
	assert_int_equal(model_instance_create(m, 9999, 0), -ENOENT);
	assert_int_equal(model_instance_count(m, OT), 3);
	assert_int_equal(model_instance_count(m, 9999), 0);
	assert_true(model_instance_exists(m, OT, 65534));
	assert_false(model_instance_exists(m, OT, 1));

	/* Sorted whatever the order of creation. */
	assert_int_equal(model_instance_next(m, OT, -1), 0);
	assert_int_equal(model_instance_next(m, OT, 0), 5);
	assert_int_equal(model_instance_next(m, OT, 5), 65534);
	assert_int_equal(model_instance_next(m, OT, 65534), -ENOENT);
	assert_int_equal(model_instance_next(m, OT, 70000), -ENOENT);
	assert_int_equal(model_instance_next(m, 3303, -1), -ENOENT);
	assert_int_equal(model_instance_free_id(m, OT), 1);

	assert_int_equal(model_instance_delete(m, OT, 5), 0);
	assert_int_equal(model_instance_delete(m, OT, 5), -ENOENT);
	assert_int_equal(model_instance_delete(m, 3303, 0), -ENOENT);
	assert_int_equal(model_instance_next(m, OT, 0), 65534);
	assert_int_equal(model_instance_count(m, OT), 2);
}

static void test_single_instance_object(void **state)
{
	struct model *m = M(state);

	assert_int_equal(model_instance_free_id(m, OS), 0);
	assert_int_equal(model_instance_create(m, OS, 3), 0);
	assert_int_equal(model_instance_create(m, OS, 3), -EEXIST);
	assert_int_equal(model_instance_create(m, OS, 0), -EPERM);
	assert_int_equal(model_instance_free_id(m, OS), -EPERM);
	assert_int_equal(model_instance_free_id(m, 9999), -ENOENT);
	assert_int_equal(model_instance_delete(m, OS, 3), 0);
	assert_int_equal(model_instance_create(m, OS, 0), 0);
	/* The Device object of the catalogue is single-instance too. */
	assert_int_equal(model_instance_create(m, 3, 0), 0);
	assert_int_equal(model_instance_create(m, 3, 1), -EPERM);
}

static void test_objects_iteration(void **state)
{
	struct model *m = M(state);

	assert_int_equal(model_object_next(m, -1), -ENOENT);
	assert_int_equal(model_instance_create(m, 3303, 0), 0);
	assert_int_equal(model_instance_create(m, 3, 0), 0);
	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(model_object_next(m, -1), 3);
	assert_int_equal(model_object_next(m, 3), 3303);
	assert_int_equal(model_object_next(m, 3303), OT);
	assert_int_equal(model_object_next(m, OT), -ENOENT);
	/* An object whose last instance goes is no longer listed. */
	assert_int_equal(model_instance_delete(m, 3303, 0), 0);
	assert_int_equal(model_object_next(m, 3), OT);
	assert_int_equal(model_object_next(m, -5), 3);

	/* Deleting the current entry between steps is safe. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(model_instance_create(m, 3303, (uint16_t)i),
				 0);
	for (int id = model_instance_next(m, 3303, -1); id >= 0;
	     id = model_instance_next(m, 3303, id))
		if (id % 2 == 0)
			assert_int_equal(
				model_instance_delete(m, 3303, (uint16_t)id),
				0);
	assert_int_equal(model_instance_count(m, 3303), 5);
	assert_int_equal(model_instance_next(m, 3303, -1), 1);
}

static void test_set_get_every_type(void **state)
{
	struct model *m = M(state);
	struct lwb_value v;
	static const unsigned char blob[] = {0, 1, 2, 0xff};

	assert_int_equal(model_instance_create(m, OT, 1), 0);
	assert_int_equal(set(m, path_resource(OT, 1, 0), VS("hello")), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 1), VI(-100)), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 2), VU(42)), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 3), VF(21.5)), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 4), VB(true)), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 5),
			     VBYTES(LWB_TYPE_OPAQUE, blob, sizeof(blob))),
			 1);
	assert_int_equal(set(m, path_resource(OT, 1, 6), VT(1700000000)), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 7), VL(3, 0)), 1);
	assert_int_equal(set(m, path_resource(OT, 1, 8),
			     VBYTES(LWB_TYPE_CORELNK, "</3/0>", 6)),
			 1);
	assert_int_equal(set(m, path_resource(OT, 1, 12), VU(UINT64_MAX)), 1);

	v = get_ok(m, path_resource(OT, 1, 0));
	assert_int_equal(v.type, LWB_TYPE_STRING);
	assert_int_equal(v.v.bytes.len, 5);
	assert_memory_equal(v.v.bytes.ptr, "hello", 5);
	v = get_ok(m, path_resource(OT, 1, 1));
	assert_int_equal(v.type, LWB_TYPE_INTEGER);
	assert_int_equal(v.v.i, -100);
	v = get_ok(m, path_resource(OT, 1, 2));
	assert_int_equal(v.type, LWB_TYPE_UNSIGNED);
	assert_int_equal(v.v.u, 42);
	v = get_ok(m, path_resource(OT, 1, 3));
	assert_int_equal(v.type, LWB_TYPE_FLOAT);
	assert_true(v.v.f == 21.5);
	v = get_ok(m, path_resource(OT, 1, 4));
	assert_int_equal(v.type, LWB_TYPE_BOOLEAN);
	assert_true(v.v.b);
	v = get_ok(m, path_resource(OT, 1, 5));
	assert_int_equal(v.type, LWB_TYPE_OPAQUE);
	assert_int_equal(v.v.bytes.len, 4);
	assert_memory_equal(v.v.bytes.ptr, blob, 4);
	assert_ptr_not_equal(v.v.bytes.ptr, blob); /* a copy */
	v = get_ok(m, path_resource(OT, 1, 6));
	assert_int_equal(v.type, LWB_TYPE_TIME);
	assert_int_equal(v.v.i, 1700000000);
	v = get_ok(m, path_resource(OT, 1, 7));
	assert_int_equal(v.type, LWB_TYPE_OBJLNK);
	assert_int_equal(v.v.lnk.oid, 3);
	assert_int_equal(v.v.lnk.iid, 0);
	v = get_ok(m, path_resource(OT, 1, 8));
	assert_int_equal(v.type, LWB_TYPE_CORELNK);
	assert_memory_equal(v.v.bytes.ptr, "</3/0>", 6);
	v = get_ok(m, path_resource(OT, 1, 12));
	assert_true(v.v.u == UINT64_MAX);

	/* Empty string: a non-NULL pointer, length 0; NULL is fine for 0. */
	assert_int_equal(set(m, path_resource(OT, 1, 0),
			     VBYTES(LWB_TYPE_STRING, NULL, 0)),
			 1);
	v = get_ok(m, path_resource(OT, 1, 0));
	assert_non_null(v.v.bytes.ptr);
	assert_int_equal(v.v.bytes.len, 0);
	assert_int_equal(set(m, path_resource(OT, 1, 0), VS("")), 0);
	assert_int_equal(set(m, path_resource(OT, 1, 0),
			     VBYTES(LWB_TYPE_STRING, NULL, 3)),
			 -EINVAL);
}

static void test_unchanged(void **state)
{
	struct model *m = M(state);
	struct lwb_value v;
	const void *before;
	char buf[8];

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 0), VS("abcdef")), 1);
	before = get_ok(m, path_resource(OT, 0, 0)).v.bytes.ptr;
	/* Equal content from another buffer: 0, storage untouched. */
	memcpy(buf, "abcdef", 6);
	assert_int_equal(set(m, path_resource(OT, 0, 0),
			     VBYTES(LWB_TYPE_STRING, buf, 6)),
			 0);
	assert_ptr_equal(get_ok(m, path_resource(OT, 0, 0)).v.bytes.ptr,
			 before);
	/* A shorter value reuses the buffer. */
	assert_int_equal(set(m, path_resource(OT, 0, 0), VS("abc")), 1);
	v = get_ok(m, path_resource(OT, 0, 0));
	assert_ptr_equal(v.v.bytes.ptr, before);
	assert_int_equal(v.v.bytes.len, 3);
	/* A value that is a view of the model's own bytes. */
	v.v.bytes.ptr = (const char *)v.v.bytes.ptr + 1;
	v.v.bytes.len = 2;
	assert_int_equal(
		model_set(m, &(struct path){.ids = {OT, 0, 0}, .len = 3}, &v),
		1);
	v = get_ok(m, path_resource(OT, 0, 0));
	assert_memory_equal(v.v.bytes.ptr, "bc", 2);
	assert_int_equal(set(m, path_resource(OT, 0, 0), VS("abcdefgh")), 1);

	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(7)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(7)), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(8)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VF(0.0)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VF(-0.0)), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 4), VB(false)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 4), VB(false)), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 7), VL(1, 2)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 7), VL(1, 2)), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 7), VL(1, 3)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 6), VT(5)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 6), VI(5)), 0);
	/* Integer into Unsigned equals the stored Unsigned. */
	assert_int_equal(set(m, path_resource(OT, 0, 2), VU(9)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 2), VI(9)), 0);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 1), VI(1)),
			 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 1), VI(1)),
			 0);
}

static void test_type_mismatch(void **state)
{
	struct model *m = M(state);
	struct lwb_value v;

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VS("1")), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VF(1.0)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VT(1)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VI(1)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 4), VI(1)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 0),
			     VBYTES(LWB_TYPE_OPAQUE, "x", 1)),
			 -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 8), VS("</1>")),
			 -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 7), VU(3)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 6), VU(3)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 2), VF(3)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 9), VI(0)), -EPROTOTYPE);
	assert_int_equal(set(m, path_resource(OT, 0, 9),
			     (struct lwb_value){.type = LWB_TYPE_NONE}),
			 -EPROTOTYPE);

	/* The allowed conversions, stored as the resource's type. */
	assert_int_equal(set(m, path_resource(OT, 0, 2), VI(5)), 1);
	v = get_ok(m, path_resource(OT, 0, 2));
	assert_int_equal(v.type, LWB_TYPE_UNSIGNED);
	assert_int_equal(v.v.u, 5);
	assert_int_equal(set(m, path_resource(OT, 0, 2), VI(-1)), -ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 13), VU(INT64_MAX)), 1);
	v = get_ok(m, path_resource(OT, 0, 13));
	assert_int_equal(v.type, LWB_TYPE_INTEGER);
	assert_true(v.v.i == INT64_MAX);
	assert_int_equal(
		set(m, path_resource(OT, 0, 13), VU((uint64_t)INT64_MAX + 1)),
		-ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 6), VI(-5)), 1);
	v = get_ok(m, path_resource(OT, 0, 6));
	assert_int_equal(v.type, LWB_TYPE_TIME);
	assert_int_equal(v.v.i, -5);
	/* Nothing was stored by the failures. */
	assert_int_equal(get_rc(m, path_resource(OT, 0, 1)), -ENOENT);
	assert_int_equal(get_rc(m, path_resource(OT, 0, 4)), -ENOENT);
}

static void test_range(void **state)
{
	struct model *m = M(state);

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(100)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(101)), -ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(-101)), -ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VU(101)), -ERANGE);
	assert_int_equal(get_ok(m, path_resource(OT, 0, 1)).v.i, 100);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VF(85.0)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VF(85.01)), -ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VF(NAN)), -ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 3), VF(INFINITY)),
			 -ERANGE);
	assert_int_equal(set(m, path_resource(OT, 0, 0), VS("12345678")), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 0), VS("123456789")),
			 -ERANGE);
	assert_memory_equal(get_ok(m, path_resource(OT, 0, 0)).v.bytes.ptr,
			    "12345678", 8);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 0), VI(-1)),
			 -ERANGE);
	assert_int_equal(
		model_resource_instance_count(
			m, &(struct path){.ids = {OT, 0, 10}, .len = 3}),
		-ENOENT);
	/* The catalogue's own ranges apply: Device battery level 0..100. */
	assert_int_equal(model_instance_create(m, 3, 0), 0);
	assert_int_equal(set(m, path_resource(3, 0, 9), VI(101)), -ERANGE);
	assert_int_equal(set(m, path_resource(3, 0, 9), VI(99)), 1);
}

static void test_path_errors(void **state)
{
	struct model *m = M(state);
	struct path p;

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(set(m, path_instance(OT, 0), VI(1)), -EINVAL);
	assert_int_equal(set(m, path_object(OT), VI(1)), -EINVAL);
	assert_int_equal(set(m, path_root(), VI(1)), -EINVAL);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 1, 0), VI(1)),
			 -EINVAL);
	assert_int_equal(set(m, path_resource(OT, 0, 10), VI(1)), -EINVAL);
	assert_int_equal(
		set(m, path_resource_instance(OT, 0, 10, 65535), VI(1)),
		-EINVAL);
	assert_int_equal(set(m, path_resource(OT, 0, 99), VI(1)), -ENOENT);
	assert_int_equal(set(m, path_resource(OT, 1, 1), VI(1)), -ENOENT);
	assert_int_equal(set(m, path_resource(9999, 0, 1), VI(1)), -ENOENT);
	assert_int_equal(set(m, path_resource(3303, 0, 5700), VF(1)), -ENOENT);

	assert_int_equal(get_rc(m, path_resource(OT, 0, 1)), -ENOENT);
	assert_int_equal(get_rc(m, path_resource(OT, 0, 99)), -ENOENT);
	assert_int_equal(get_rc(m, path_resource(OT, 7, 1)), -ENOENT);
	assert_int_equal(get_rc(m, path_instance(OT, 0)), -EINVAL);
	assert_int_equal(get_rc(m, path_resource(OT, 0, 10)), -EINVAL);
	assert_int_equal(get_rc(m, path_resource_instance(OT, 0, 1, 0)),
			 -EINVAL);
	assert_int_equal(get_rc(m, path_resource_instance(OT, 0, 10, 0)),
			 -ENOENT);

	p = path_instance(OT, 0);
	assert_int_equal(model_resource_delete(m, &p), -EINVAL);
	p = path_resource(OT, 0, 1);
	assert_int_equal(model_resource_delete(m, &p), -ENOENT);
	p = path_resource_instance(OT, 0, 1, 0);
	assert_int_equal(model_resource_delete(m, &p), -EINVAL);
	p = path_resource_instance(OT, 0, 10, 0);
	assert_int_equal(model_resource_delete(m, &p), -ENOENT);
	p = path_instance(OT, 0);
	assert_int_equal(model_resource_instance_count(m, &p), -EINVAL);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(1)), 1);
	p = path_resource(OT, 0, 1);
	assert_int_equal(model_resource_instance_count(m, &p), -EINVAL);
}

static void test_multiple_resource(void **state)
{
	struct model *m = M(state);
	struct path p = path_resource(OT, 0, 10);

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 5), VI(50)),
			 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 1), VI(10)),
			 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 3), VI(30)),
			 1);
	assert_int_equal(model_resource_instance_count(m, &p), 3);
	assert_int_equal(model_resource_instance_next(m, OT, 0, 10, -1), 1);
	assert_int_equal(model_resource_instance_next(m, OT, 0, 10, 1), 3);
	assert_int_equal(model_resource_instance_next(m, OT, 0, 10, 3), 5);
	assert_int_equal(model_resource_instance_next(m, OT, 0, 10, 5),
			 -ENOENT);
	assert_int_equal(model_resource_instance_next(m, OT, 0, 11, -1),
			 -ENOENT);
	assert_int_equal(get_ok(m, path_resource_instance(OT, 0, 10, 3)).v.i,
			 30);

	p = path_resource_instance(OT, 0, 10, 3);
	assert_int_equal(model_resource_delete(m, &p), 0);
	assert_int_equal(get_rc(m, p), -ENOENT);
	assert_false(model_exists(m, &p));
	p = path_resource(OT, 0, 10);
	assert_int_equal(model_resource_instance_count(m, &p), 2);
	/* Emptied, the multiple resource itself remains. */
	p = path_resource_instance(OT, 0, 10, 1);
	assert_int_equal(model_resource_delete(m, &p), 0);
	p = path_resource_instance(OT, 0, 10, 5);
	assert_int_equal(model_resource_delete(m, &p), 0);
	p = path_resource(OT, 0, 10);
	assert_true(model_exists(m, &p));
	assert_int_equal(model_resource_instance_count(m, &p), 0);
	assert_int_equal(model_resource_next(m, OT, 0, -1), 10);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 2), VI(2)),
			 1);
	assert_int_equal(model_resource_delete(m, &p), 0);
	assert_false(model_exists(m, &p));
	assert_int_equal(model_resource_next(m, OT, 0, -1), -ENOENT);

	/* Strings in a multiple resource are owned per instance. */
	assert_int_equal(set(m, path_resource_instance(OT, 0, 11, 0), VS("a")),
			 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 11, 1), VS("bb")),
			 1);
	assert_memory_equal(
		get_ok(m, path_resource_instance(OT, 0, 11, 1)).v.bytes.ptr,
		"bb", 2);
	/* Deleting the instance frees them (ASan/valgrind watch). */
	assert_int_equal(model_instance_delete(m, OT, 0), 0);
}

static void test_huge_ids(void **state)
{
	struct model *m = M(state);
	struct path p = path_resource_instance(OT, 65534, 65534, 65534);

	assert_int_equal(model_instance_create(m, OT, 65534), 0);
	assert_int_equal(model_set(m, &p, &VI(-7)), 1);
	assert_int_equal(get_ok(m, p).v.i, -7);
	assert_int_equal(model_resource_next(m, OT, 65534, -1), 65534);
	assert_int_equal(model_resource_next(m, OT, 65534, 65534), -ENOENT);
	assert_int_equal(
		model_resource_instance_next(m, OT, 65534, 65534, 65533),
		65534);
	assert_int_equal(model_instance_free_id(m, OT), 0);
	assert_true(model_exists(m, &p));
}

struct seen {
	int n;
	int stop_at; /* return -ECANCELED at this record; -1 never */
	char paths[64][PATH_STR_MAX];
	struct lwb_value recs[64];
};

static int collect_cb(const struct record *rec, void *ctx)
{
	struct seen *s = ctx;

	if (s->n == s->stop_at)
		return -ECANCELED;
	assert_true(s->n < 64);
	assert_false(rec->has_time);
	path_format(&rec->path, s->paths[s->n], PATH_STR_MAX);
	s->recs[s->n] = rec->value;
	s->n++;
	return 0;
}

static int collect(struct model *m, struct path p, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->stop_at = -1;
	return model_collect(m, &p, collect_cb, s);
}

static void expect_paths(const struct seen *s, const char *const *want, int n)
{
	assert_int_equal(s->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(s->paths[i], want[i]);
}

static void test_collect(void **state)
{
	static const char *const all[] = {
		"/3/0/9",	 "/3303/0/5700",  "/3303/2/5700",
		"/32500/0/0",	 "/32500/0/1",	  "/32500/0/10/0",
		"/32500/0/10/7", "/32500/0/11/2", "/32500/1/4",
	};
	struct model *m = M(state);
	struct seen *s = calloc(1, sizeof(*s));
	struct path p;

	assert_non_null(s);
	/* Created and set out of order on purpose. */
	assert_int_equal(model_instance_create(m, OT, 1), 0);
	assert_int_equal(model_instance_create(m, OT, 0), 0);
	assert_int_equal(model_instance_create(m, 3303, 2), 0);
	assert_int_equal(model_instance_create(m, 3303, 0), 0);
	assert_int_equal(model_instance_create(m, 3, 0), 0);
	assert_int_equal(model_instance_create(m, 3303, 1), 0); /* empty */
	assert_int_equal(set(m, path_resource(OT, 1, 4), VB(true)), 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 11, 2), VS("z")),
			 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 7), VI(7)),
			 1);
	assert_int_equal(set(m, path_resource_instance(OT, 0, 10, 0), VI(0)),
			 1);
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(-1)), 1);
	assert_int_equal(set(m, path_resource(OT, 0, 0), VS("s")), 1);
	assert_int_equal(set(m, path_resource(3303, 2, 5700), VF(2.5)), 1);
	assert_int_equal(set(m, path_resource(3303, 0, 5700), VF(-1.5)), 1);
	assert_int_equal(set(m, path_resource(3, 0, 9), VI(80)), 1);
	/* An empty multiple resource adds nothing. */
	assert_int_equal(set(m, path_resource_instance(OT, 1, 65534, 0), VI(0)),
			 1);
	p = path_resource_instance(OT, 1, 65534, 0);
	assert_int_equal(model_resource_delete(m, &p), 0);

	assert_int_equal(collect(m, path_root(), s), 9);
	expect_paths(s, all, 9);
	assert_int_equal(s->recs[0].type, LWB_TYPE_INTEGER);
	assert_int_equal(s->recs[0].v.i, 80);
	assert_true(s->recs[2].v.f == 2.5);
	assert_int_equal(s->recs[7].type, LWB_TYPE_STRING);
	assert_int_equal(s->recs[7].v.bytes.len, 1);

	assert_int_equal(collect(m, path_object(OT), s), 6);
	expect_paths(s, all + 3, 6);
	assert_int_equal(collect(m, path_instance(OT, 0), s), 5);
	expect_paths(s, all + 3, 5);
	assert_int_equal(collect(m, path_instance(3303, 1), s), 0);
	assert_int_equal(collect(m, path_resource(OT, 0, 10), s), 2);
	expect_paths(s, all + 5, 2);
	assert_int_equal(collect(m, path_resource(OT, 0, 1), s), 1);
	expect_paths(s, all + 4, 1);
	assert_int_equal(s->recs[0].v.i, -1);
	assert_int_equal(collect(m, path_resource_instance(OT, 0, 10, 7), s),
			 1);
	expect_paths(s, all + 6, 1);
	assert_int_equal(collect(m, path_resource(OT, 1, 65534), s), 0);

	/* A defined object without instances exists, with no values. */
	assert_int_equal(collect(m, path_object(3304), s), 0);
	assert_int_equal(collect(m, path_object(9999), s), -ENOENT);
	assert_int_equal(collect(m, path_instance(OT, 2), s), -ENOENT);
	assert_int_equal(collect(m, path_resource(OT, 0, 3), s), -ENOENT);
	assert_int_equal(collect(m, path_resource(OT, 0, 99), s), -ENOENT);
	assert_int_equal(collect(m, path_resource_instance(OT, 0, 10, 1), s),
			 -ENOENT);
	assert_int_equal(collect(m, path_resource_instance(OT, 0, 1, 0), s),
			 -ENOENT);
	assert_int_equal(collect(m, path_resource(3, 0, 4), s), -ENOENT);

	/* The callback's error stops the walk and comes back. */
	memset(s, 0, sizeof(*s));
	s->stop_at = 4;
	p = path_root();
	assert_int_equal(model_collect(m, &p, collect_cb, s), -ECANCELED);
	assert_int_equal(s->n, 4);
	s->n = 0;
	s->stop_at = 1;
	p = path_resource(OT, 0, 10);
	assert_int_equal(model_collect(m, &p, collect_cb, s), -ECANCELED);
	assert_int_equal(s->n, 1);
	free(s);
}

static void test_exists_and_type_of(void **state)
{
	struct model *m = M(state);
	struct path p;

	assert_int_equal(model_instance_create(m, 3303, 0), 0);
	p = path_root();
	assert_true(model_exists(m, &p));
	p = path_object(3304);
	assert_true(model_exists(m, &p));
	p = path_object(9999);
	assert_false(model_exists(m, &p));
	p = path_instance(3303, 0);
	assert_true(model_exists(m, &p));
	p = path_instance(3303, 1);
	assert_false(model_exists(m, &p));
	p = path_resource(3303, 0, 5700);
	assert_false(model_exists(m, &p));
	assert_int_equal(model_set(m, &p, &VF(20)), 1);
	assert_true(model_exists(m, &p));
	p = path_resource_instance(3303, 0, 5700, 0);
	assert_false(model_exists(m, &p));

	/* Types come from the schema, present in the model or not. */
	p = path_resource(3303, 7, 5700);
	assert_int_equal(model_type_of(&p, m), LWB_TYPE_FLOAT);
	p = path_resource_instance(3, 0, 6, 2);
	assert_int_equal(model_type_of(&p, m), LWB_TYPE_INTEGER);
	p = path_resource(3, 0, 4);
	assert_int_equal(model_type_of(&p, m), LWB_TYPE_NONE);
	p = path_resource(3, 0, 17);
	assert_int_equal(model_type_of(&p, m), LWB_TYPE_STRING);
	p = path_instance(3, 0);
	assert_int_equal(model_type_of(&p, m), LWB_TYPE_NONE);
	p = path_resource(OT, 0, 65534);
	assert_int_equal(model_type_of(&p, m), LWB_TYPE_INTEGER);
	assert_ptr_equal(model_schema(m), ((struct fixture *)*state)->reg);
}

static void test_free_id_full(void **state)
{
	struct model *m = M(state);

	for (uint32_t i = 0; i < 65535; i++)
		assert_int_equal(model_instance_create(m, OT, (uint16_t)i), 0);
	assert_int_equal(model_instance_free_id(m, OT), -ENOSPC);
	assert_int_equal(model_instance_delete(m, OT, 40000), 0);
	assert_int_equal(model_instance_free_id(m, OT), 40000);
	model_free(NULL);
}

static int64_t time_of(struct model *m, struct path p)
{
	int64_t t = -1;

	assert_int_equal(model_get_time(m, &p, &t), 0);
	return t;
}

static void test_timestamps(void **state)
{
	struct model *m = M(state);
	struct path flt = path_resource(OT, 0, 3);
	struct path ri = path_resource_instance(OT, 0, 10, 2);
	struct lwb_value v;
	int64_t t;

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	/* model_set records "unknown". */
	assert_int_equal(set(m, path_resource(OT, 0, 1), VI(5)), 1);
	assert_int_equal(time_of(m, path_resource(OT, 0, 1)), 0);

	assert_int_equal(model_set_at(m, &flt, &VF(1.5), 1000), 1);
	assert_int_equal(time_of(m, flt), 1000);
	/* The same value, measured later: unchanged, but the newer time. */
	assert_int_equal(model_set_at(m, &flt, &VF(1.5), 2000), 0);
	assert_int_equal(time_of(m, flt), 2000);
	assert_int_equal(model_set_at(m, &flt, &VF(2.5), 3000), 1);
	assert_int_equal(time_of(m, flt), 3000);
	/* A refused value changes neither value nor time. */
	assert_int_equal(model_set_at(m, &flt, &VF(99.0), 4000), -ERANGE);
	assert_int_equal(model_set_at(m, &flt, &VS("x"), 4000), -EPROTOTYPE);
	assert_int_equal(time_of(m, flt), 3000);
	v = get_ok(m, flt);
	assert_true(v.v.f == 2.5);
	/* model_set after model_set_at: the time becomes unknown again. */
	assert_int_equal(model_set(m, &flt, &VF(2.5)), 0);
	assert_int_equal(time_of(m, flt), 0);

	/* Resource instances keep their own times. */
	assert_int_equal(model_set_at(m, &ri, &VI(7), 5000), 1);
	assert_int_equal(model_set_at(m, &(struct path){{OT, 0, 10, 3}, 4},
				      &VI(8), 6000),
			 1);
	assert_int_equal(time_of(m, ri), 5000);
	assert_int_equal(model_set_at(m, &ri, &VI(7), 7000), 0);
	assert_int_equal(time_of(m, ri), 7000);
	assert_int_equal(model_set_at(m, &ri, &VI(9), -5), 1);
	assert_int_equal(time_of(m, ri), -5);
	assert_int_equal(time_of(m, path_resource_instance(OT, 0, 10, 3)),
			 6000);
	/* A byte value with a time. */
	assert_int_equal(model_set_at(m, &(struct path){{OT, 0, 0}, 3},
				      &VS("abc"), 8000),
			 1);
	assert_int_equal(time_of(m, path_resource(OT, 0, 0)), 8000);

	/* The errors of model_get. */
	t = 42;
	assert_int_equal(model_get_time(m, &(struct path){{OT, 0, 2}, 3}, &t),
			 -ENOENT);
	assert_int_equal(
		model_get_time(m, &(struct path){{OT, 0, 10, 9}, 4}, &t),
		-ENOENT);
	assert_int_equal(model_get_time(m, &(struct path){{OT, 0, 10}, 3}, &t),
			 -EINVAL);
	assert_int_equal(model_get_time(m, &(struct path){{OT, 0}, 2}, &t),
			 -EINVAL);
	assert_int_equal(model_get_time(m, &(struct path){{OT, 4, 1}, 3}, &t),
			 -ENOENT);
	assert_int_equal(t, 42);
}

static void test_check(void **state)
{
	struct model *m = M(state);
	struct path uns = path_resource(OT, 0, 2);
	struct lwb_value out;
	char buf[4] = "abc";

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	/* Converted to the resource's type, nothing stored. */
	memset(&out, 0, sizeof(out));
	assert_int_equal(model_check(m, &uns, &VI(12), &out), 0);
	assert_int_equal(out.type, LWB_TYPE_UNSIGNED);
	assert_int_equal(out.v.u, 12);
	assert_false(model_exists(m, &uns));
	/* Bytes are shared, not copied. */
	assert_int_equal(model_check(m, &(struct path){{OT, 0, 0}, 3},
				     &VBYTES(LWB_TYPE_STRING, buf, 3), &out),
			 0);
	assert_ptr_equal(out.v.bytes.ptr, buf);
	/* The errors of model_set. */
	assert_int_equal(model_check(m, &uns, &VI(-1), &out), -ERANGE);
	assert_int_equal(model_check(m, &uns, &VS("1"), &out), -EPROTOTYPE);
	assert_int_equal(
		model_check(m, &(struct path){{OT, 0, 1}, 3}, &VI(101), &out),
		-ERANGE);
	assert_int_equal(
		model_check(m, &(struct path){{OT, 0, 9}, 3}, &VI(1), &out),
		-EPROTOTYPE);
	assert_int_equal(
		model_check(m, &(struct path){{OT, 0, 50}, 3}, &VI(1), &out),
		-ENOENT);
	assert_int_equal(
		model_check(m, &(struct path){{OT, 1, 1}, 3}, &VI(1), &out),
		-ENOENT);
	assert_int_equal(
		model_check(m, &(struct path){{OT, 0, 10}, 3}, &VI(1), &out),
		-EINVAL);
	assert_int_equal(model_check(m, &(struct path){{OT, 0, 10, 65535}, 4},
				     &VI(1), &out),
			 -EINVAL);
	assert_int_equal(
		model_check(m, &(struct path){{OT, 0}, 2}, &VI(1), &out),
		-EINVAL);
	assert_int_equal(model_resource_next(m, OT, 0, -1), -ENOENT);
}

struct changes {
	int n;
	struct path last;
};

static void on_change(const struct path *p, void *arg)
{
	struct changes *c = arg;

	c->n++;
	c->last = *p;
}

static void test_change_hook(void **state)
{
	struct model *m = M(state);
	struct changes c = { 0 };
	struct path flt = path_resource(OT, 0, 3);
	struct path ri = path_resource_instance(OT, 0, 10, 2);

	assert_int_equal(model_instance_create(m, OT, 0), 0);
	model_set_change_hook(m, on_change, &c);
	assert_int_equal(model_set_at(m, &flt, &VF(1.5), 1000), 1);
	assert_int_equal(c.n, 1);
	assert_true(path_equal(&c.last, &flt));
	/* Unchanged and refused values call nothing. */
	assert_int_equal(model_set_at(m, &flt, &VF(1.5), 2000), 0);
	assert_true(model_set(m, &flt, &VS("x")) < 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(set(m, ri, VI(7)), 1);
	assert_int_equal(c.n, 2);
	assert_true(path_equal(&c.last, &ri));
	model_set_change_hook(m, NULL, NULL);
	assert_int_equal(model_set_at(m, &flt, &VF(2.5), 3000), 1);
	assert_int_equal(c.n, 2);
}

/* Creations and deletions reach the hook too (the observe engine ends
 * observations of what is gone), after the fact; failed calls do not. */
static void test_change_hook_structure(void **state)
{
	struct model *m = M(state);
	struct changes c = {0};
	struct path inst = path_instance(OT, 4);
	struct path flt = path_resource(OT, 4, 3);
	struct path ri = path_resource_instance(OT, 4, 10, 2);
	struct path multi = path_resource(OT, 4, 10);

	model_set_change_hook(m, on_change, &c);
	assert_int_equal(model_instance_create(m, OT, 4), 0);
	assert_int_equal(c.n, 1);
	assert_true(path_equal(&c.last, &inst));
	assert_int_equal(model_instance_create(m, OT, 4), -EEXIST);
	assert_int_equal(c.n, 1);
	assert_int_equal(model_set(m, &flt, &VF(1)), 1);
	assert_int_equal(set(m, ri, VI(7)), 1);
	assert_int_equal(c.n, 3);
	assert_int_equal(model_resource_delete(m, &ri), 0);
	assert_int_equal(c.n, 4);
	assert_true(path_equal(&c.last, &ri));
	assert_false(model_exists(m, &c.last));
	assert_true(model_exists(m, &multi));
	assert_int_equal(model_resource_delete(m, &flt), 0);
	assert_int_equal(c.n, 5);
	assert_true(path_equal(&c.last, &flt));
	assert_int_equal(model_resource_delete(m, &flt), -ENOENT);
	assert_int_equal(c.n, 5);
	assert_int_equal(model_instance_delete(m, OT, 4), 0);
	assert_int_equal(c.n, 6);
	assert_true(path_equal(&c.last, &inst));
	assert_false(model_exists(m, &inst));
	assert_int_equal(model_instance_delete(m, OT, 4), -ENOENT);
	assert_int_equal(c.n, 6);
	model_set_change_hook(m, NULL, NULL);
}

/* Lookups stay right whatever the ids: dense from 0 (one probe), with holes
 * (a binary search), holes at the start, after deletes and re-creates. */
static void check_against(struct model *m, const bool *ref, int span)
{
	int next = -1;

	for (int id = 0; id < span; id++) {
		struct path p = path_resource(OT, (uint16_t)id, 3);

		assert_int_equal(model_instance_exists(m, OT, (uint16_t)id),
				 ref[id]);
		assert_int_equal(model_exists(m, &p), ref[id]);
		if (ref[id]) {
			assert_true(get_ok(m, p).v.f == id * 0.5);
			next = model_instance_next(m, OT, next);
			assert_int_equal(next, id);
		} else {
			assert_int_equal(get_rc(m, p), -ENOENT);
		}
	}
	assert_int_equal(model_instance_next(m, OT, next), -ENOENT);
}

static void test_lookup_ids(void **state)
{
	enum { SPAN = 120 }; /* values id / 2 stay in Flt's -40..85 */
	struct model *m = M(state);
	bool ref[SPAN] = {false};
	uint32_t r = 12345;

	for (int id = 0; id < 100; id++) {
		assert_int_equal(model_instance_create(m, OT, (uint16_t)id), 0);
		assert_int_equal(set(m, path_resource(OT, (uint16_t)id, 3),
				     VF(id * 0.5)),
				 1);
		ref[id] = true;
	}
	check_against(m, ref, SPAN);
	for (int step = 0; step < 400; step++) {
		uint16_t id;

		r = r * 1103515245u + 12345u;
		id = (uint16_t)((r >> 16) % SPAN);
		if (ref[id]) {
			assert_int_equal(model_instance_delete(m, OT, id), 0);
			ref[id] = false;
		} else {
			assert_int_equal(model_instance_create(m, OT, id), 0);
			assert_int_equal(
				set(m, path_resource(OT, id, 3), VF(id * 0.5)),
				1);
			ref[id] = true;
		}
		if (step % 20 == 0)
			check_against(m, ref, SPAN);
	}
	/* a hole at 0 shifts every later id off its index */
	if (ref[0])
		assert_int_equal(model_instance_delete(m, OT, 0), 0);
	ref[0] = false;
	check_against(m, ref, SPAN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_instances),
		T(test_single_instance_object),
		T(test_objects_iteration),
		T(test_set_get_every_type),
		T(test_unchanged),
		T(test_type_mismatch),
		T(test_range),
		T(test_path_errors),
		T(test_multiple_resource),
		T(test_huge_ids),
		T(test_collect),
		T(test_exists_and_type_of),
		T(test_free_id_full),
		T(test_timestamps),
		T(test_check),
		T(test_change_hook),
		T(test_change_hook_structure),
		T(test_lookup_ids),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

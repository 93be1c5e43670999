/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock's store of last values: one deep copy per resource (instance),
 * so a test can look at a value after the plugin's buffer is gone.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "mock_priv.h"

static bool has_bytes(enum lwb_type type)
{
	return type == LWB_TYPE_STRING || type == LWB_TYPE_OPAQUE ||
	       type == LWB_TYPE_CORELNK;
}

/* As the daemon compares (lwb_value_equal), except that the mock, which
 * checks no definitions, also meets NaN: NaN then equals NaN, so
 * re-publishing it is no change. */
static bool same_value(const struct lwb_value *a, const struct lwb_value *b)
{
	if (a->type == LWB_TYPE_FLOAT && b->type == LWB_TYPE_FLOAT &&
	    isnan(a->v.f) && isnan(b->v.f))
		return true;
	if (a->type == LWB_TYPE_NONE && b->type == LWB_TYPE_NONE)
		return true;
	return lwb_value_equal(a, b);
}

struct mock_value *mock_find_value(const struct lwb_mock *mock, uint16_t oid,
				   uint16_t iid, uint16_t rid, uint16_t riid)
{
	for (size_t i = 0; i < mock->n_values; i++) {
		struct mock_value *v = &mock->values[i];

		if (v->oid == oid && v->iid == iid && v->rid == rid &&
		    v->riid == riid)
			return v;
	}
	return NULL;
}

static int64_t wall_ms(const struct lwb_mock *mock)
{
	return MOCK_WALL_START_MS + (int64_t)(mock->now - MOCK_START_MS);
}

int mock_store(struct lwb_mock *mock, uint16_t oid, uint16_t iid, uint16_t rid,
	       uint16_t riid, const struct lwb_value *value,
	       int64_t timestamp_ms)
{
	struct mock_value *v;
	void *copy = NULL;
	size_t len = 0;

	if (!value || value->type > LWB_TYPE_CORELNK)
		return -EINVAL;
	/* An executable resource has no value to publish. */
	if (value->type == LWB_TYPE_NONE)
		return -EPROTOTYPE;
	if (has_bytes(value->type)) {
		len = value->v.bytes.len;
		if (len > 0 && !value->v.bytes.ptr)
			return -EINVAL;
	}
	v = mock_find_value(mock, oid, iid, rid, riid);
	if (v && v->value.type != value->type)
		return -EPROTOTYPE; /* the daemon: "wrong type" */
	if (v && same_value(&v->value, value)) {
		v->timestamp_ms = timestamp_ms ? timestamp_ms : wall_ms(mock);
		return 0;
	}
	if (has_bytes(value->type)) {
		/* One byte more, so an empty value has a non-NULL copy. */
		copy = malloc(len + 1);
		if (!copy)
			return -ENOMEM;
		if (len > 0)
			memcpy(copy, value->v.bytes.ptr, len);
	}
	if (!v) {
		struct mock_value *grown =
			realloc(mock->values,
				(mock->n_values + 1) * sizeof(*mock->values));

		if (!grown) {
			free(copy);
			return -ENOMEM;
		}
		mock->values = grown;
		v = &mock->values[mock->n_values++];
		v->oid = oid;
		v->iid = iid;
		v->rid = rid;
		v->riid = riid;
		v->copy = NULL;
	}
	free(v->copy);
	v->copy = copy;
	v->value = *value;
	if (copy)
		v->value.v.bytes.ptr = copy;
	v->timestamp_ms = timestamp_ms ? timestamp_ms : wall_ms(mock);
	return 1;
}

int mock_publish(struct lwb_host *host, uint16_t oid, uint16_t iid,
		 uint16_t rid, uint16_t riid, const struct lwb_value *value,
		 int64_t timestamp_ms)
{
	struct lwb_mock *mock = mock_of(host);
	int err;

	mock_check_thread(mock, "publish");
	if (mock_should_fail(mock, "publish", &err))
		return err;
	if (!mock_find_instance(mock, oid, iid))
		return -ENOENT;
	err = mock_store(mock, oid, iid, rid, riid, value, timestamp_ms);
	if (err == -EPROTOTYPE || err == -EINVAL)
		mock_misuse(mock, "publish /%u/%u/%u: %s", oid, iid, rid,
			    err == -EINVAL ? "invalid value"
					   : "type differs from before");
	if (err < 0)
		return err;
	mock->publishes++;
	mock->changes += (uint64_t)err;
	return err;
}

int lwb_mock_value(const struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		   uint16_t rid, uint16_t riid, struct lwb_value *out,
		   int64_t *timestamp_ms)
{
	const struct mock_value *v = mock_find_value(mock, oid, iid, rid, riid);

	if (!v)
		return -ENOENT;
	if (out)
		*out = v->value;
	if (timestamp_ms)
		*timestamp_ms = v->timestamp_ms;
	return 0;
}

uint64_t lwb_mock_publish_count(const struct lwb_mock *mock)
{
	return mock->publishes;
}

uint64_t lwb_mock_change_count(const struct lwb_mock *mock)
{
	return mock->changes;
}

void mock_values_drop(struct lwb_mock *mock, uint16_t oid, uint16_t iid)
{
	size_t i = 0;

	while (i < mock->n_values) {
		struct mock_value *v = &mock->values[i];

		if (v->oid == oid && v->iid == iid) {
			free(v->copy);
			*v = mock->values[--mock->n_values];
		} else {
			i++;
		}
	}
}

void mock_values_clear(struct lwb_mock *mock)
{
	for (size_t i = 0; i < mock->n_values; i++)
		free(mock->values[i].copy);
	free(mock->values);
	mock->values = NULL;
	mock->n_values = 0;
}

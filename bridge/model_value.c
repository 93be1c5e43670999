/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Typed values as the data model stores them: the few allowed
 * conversions, the range check, equality and owned byte buffers.
 */
#include "config.h"

#include "model_priv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_bytes(enum lwb_type t)
{
	return t == LWB_TYPE_STRING || t == LWB_TYPE_OPAQUE ||
	       t == LWB_TYPE_CORELNK;
}

int mval_prepare(const struct schema_resource *def, const struct lwb_value *in,
		 struct lwb_value *out)
{
	*out = *in;
	if (def->type == LWB_TYPE_NONE || (def->ops & SCHEMA_OP_EXEC))
		return -EPROTOTYPE;
	if (in->type != def->type) {
		if (def->type == LWB_TYPE_UNSIGNED &&
		    in->type == LWB_TYPE_INTEGER) {
			if (in->v.i < 0)
				return -ERANGE;
			out->v.u = (uint64_t)in->v.i;
		} else if (def->type == LWB_TYPE_INTEGER &&
			   in->type == LWB_TYPE_UNSIGNED) {
			if (in->v.u > (uint64_t)INT64_MAX)
				return -ERANGE;
			out->v.i = (int64_t)in->v.u;
		} else if (def->type == LWB_TYPE_TIME &&
			   in->type == LWB_TYPE_INTEGER) {
			out->v.i = in->v.i;
		} else {
			return -EPROTOTYPE;
		}
		out->type = def->type;
	}
	if (is_bytes(out->type) && out->v.bytes.len > 0 && !out->v.bytes.ptr)
		return -EINVAL;
	/* No LwM2M format can carry them, and NaN never equals itself. */
	if (out->type == LWB_TYPE_FLOAT && !isfinite(out->v.f))
		return -ERANGE;
	return schema_check_value(def, out);
}

bool mval_equal(const struct mval *s, const struct lwb_value *v)
{
	struct lwb_value stored;

	mval_view(s, &stored);
	return lwb_value_equal(&stored, v);
}

int mval_store(struct mval *s, const struct lwb_value *v)
{
	size_t len;

	if (!is_bytes(v->type)) {
		mval_clear(s);
		s->type = v->type;
		switch (v->type) {
		case LWB_TYPE_INTEGER:
		case LWB_TYPE_TIME: s->v.i = v->v.i; break;
		case LWB_TYPE_UNSIGNED: s->v.u = v->v.u; break;
		case LWB_TYPE_FLOAT: s->v.f = v->v.f; break;
		case LWB_TYPE_BOOLEAN: s->v.b = v->v.b; break;
		case LWB_TYPE_OBJLNK: s->v.lnk = v->v.lnk; break;
		case LWB_TYPE_NONE:
		case LWB_TYPE_STRING:
		case LWB_TYPE_OPAQUE:
		case LWB_TYPE_CORELNK:
		default: break;
		}
		return 0;
	}
	len = v->v.bytes.len;
	if (is_bytes(s->type) && len <= s->v.bytes.cap) {
		/* memmove: v may be a view of this very buffer. */
		if (len)
			memmove(s->v.bytes.ptr, v->v.bytes.ptr, len);
	} else if (len == 0) {
		mval_clear(s);
	} else {
		char *buf = malloc(len);

		if (!buf)
			return -ENOMEM;
		memcpy(buf, v->v.bytes.ptr, len);
		mval_clear(s);
		s->v.bytes.ptr = buf;
		s->v.bytes.cap = len;
	}
	s->type = v->type;
	s->v.bytes.len = len;
	return 0;
}

void mval_view(const struct mval *s, struct lwb_value *out)
{
	out->type = s->type;
	switch (s->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_OPAQUE:
	case LWB_TYPE_CORELNK:
		out->v.bytes.ptr = s->v.bytes.ptr ? s->v.bytes.ptr : "";
		out->v.bytes.len = s->v.bytes.len;
		break;
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: out->v.i = s->v.i; break;
	case LWB_TYPE_UNSIGNED: out->v.u = s->v.u; break;
	case LWB_TYPE_FLOAT: out->v.f = s->v.f; break;
	case LWB_TYPE_BOOLEAN: out->v.b = s->v.b; break;
	case LWB_TYPE_OBJLNK: out->v.lnk = s->v.lnk; break;
	case LWB_TYPE_NONE:
	default: out->v.u = 0; break;
	}
}

void mval_clear(struct mval *s)
{
	if (is_bytes(s->type))
		free(s->v.bytes.ptr);
	memset(s, 0, sizeof(*s));
}

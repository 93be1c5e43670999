/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Value storage of the data model (model_value.c), shared with model.c.
 * Not for other modules.
 */
#ifndef BRIDGE_MODEL_PRIV_H
#define BRIDGE_MODEL_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "lwm2m-bridge/value.h"
#include "schema.h"

/* A stored value.  For byte types the buffer is the model's own: cap
 * bytes at ptr (ptr NULL when cap is 0).  A zeroed mval holds nothing. */
struct mval {
	enum lwb_type type;
	union {
		int64_t i;
		uint64_t u;
		double f;
		bool b;
		struct lwb_objlnk lnk;
		struct {
			char *ptr;
			size_t len, cap;
		} bytes;
	} v;
};

/* Converts *in to the type of def into *out (sharing in's bytes) and
 * checks it against def's range.  Returns 0, -EPROTOTYPE, -ERANGE or
 * -EINVAL (a NULL byte pointer with a length). */
int mval_prepare(const struct schema_resource *def, const struct lwb_value *in,
		 struct lwb_value *out);

/* True if s holds exactly v (v already prepared). */
bool mval_equal(const struct mval *s, const struct lwb_value *v);

/* Copies v into s, reusing s's buffer when it is large enough.  Returns 0
 * or -ENOMEM (s unchanged).  v's bytes may lie inside s's buffer. */
int mval_store(struct mval *s, const struct lwb_value *v);

/* A view of s; byte pointers are never NULL. */
void mval_view(const struct mval *s, struct lwb_value *out);

/* Frees s's buffer and zeroes it. */
void mval_clear(struct mval *s);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_opaque.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

int opaque_encode(const struct lwb_value *v, uint8_t *out, size_t cap)
{
	if (v->type != LWB_TYPE_OPAQUE || v->v.bytes.len > (size_t)INT_MAX)
		return -EINVAL;
	if (v->v.bytes.len > cap)
		return -ENOBUFS;
	if (v->v.bytes.len > 0)
		memcpy(out, v->v.bytes.ptr, v->v.bytes.len);
	return (int)v->v.bytes.len;
}

int opaque_decode(const uint8_t *buf, size_t len, enum lwb_type type,
		  struct lwb_value *out)
{
	if (type == LWB_TYPE_NONE)
		return -ENOENT;
	if (type != LWB_TYPE_OPAQUE)
		return -EBADMSG;
	out->type = LWB_TYPE_OPAQUE;
	out->v.bytes.ptr = buf;
	out->v.bytes.len = len;
	return 0;
}

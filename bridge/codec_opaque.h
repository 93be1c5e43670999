/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opaque (Content-Format 42): the raw bytes of one Opaque resource or
 * resource instance, nothing else.  Only Opaque resources use it; any
 * other type is refused.  Pure and thread-safe; no allocation.
 */
#ifndef BRIDGE_CODEC_OPAQUE_H
#define BRIDGE_CODEC_OPAQUE_H

#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"

/* Copies the bytes of an OPAQUE value into out.  Returns their number,
 * -ENOBUFS if cap is too small, or -EINVAL if v is not OPAQUE (or longer
 * than INT_MAX bytes). */
int opaque_encode(const struct lwb_value *v, uint8_t *out, size_t cap);

/* Makes *out an OPAQUE value pointing at the len bytes at buf (valid as
 * long as buf is).  type is the resource's type: returns 0, -EBADMSG if it
 * is not LWB_TYPE_OPAQUE (the payload cannot be that resource's value),
 * or -ENOENT for LWB_TYPE_NONE (unknown or executable resource).  *out is
 * untouched on error. */
int opaque_decode(const uint8_t *buf, size_t len, enum lwb_type type,
		  struct lwb_value *out);

#endif

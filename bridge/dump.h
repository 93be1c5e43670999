/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lwm2m-bridge --dump`: what the bridge exposes, as a table for a person.
 * One block per object (id, name, version, instance count), one row per
 * resource or resource instance with its name, value and unit.  Secret keys
 * are never printed (see core_resource_is_secret).
 */
#ifndef BRIDGE_DUMP_H
#define BRIDGE_DUMP_H

#include <stdio.h>

#include "model.h"
#include "object_access.h"

/* Writes the table of everything in oa's model to out.  Values of
 * instances whose plugin has a read callback are read through it first
 * (oa_read); a failed read shows as "(read failed: REASON)" in the VALUE
 * column, and object_access logs it.  Returns the number of rows written,
 * or -EIO if out reported a write error. */
int dump_model(FILE *out, struct object_access *oa);

#endif

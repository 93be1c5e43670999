/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The path list of a Read-Composite or Observe-Composite request (LwM2M
 * 1.1 Core §6.3.8, §6.4.3; Transport §6.4: FETCH on the root whose
 * payload, SenML JSON 110 or SenML CBOR 112, names the paths): SenML
 * records that carry only names.  Each path is the base name ("bn",
 * carried over to later records as RFC 8428 §4.6 says) joined with the
 * name ("n"); it must be absolute and may name an object, an instance, a
 * resource or a resource instance ("/3", "/3/0", "/3/0/1", "/3/0/7/0";
 * not the root, no trailing slash).
 *
 * Choices: other fields (values, times, units) are ignored, so a server
 * that sends a record with a value still gets its path read; a field that
 * must be understood (a name ending in '_', RFC 8428 §4.4) and a record
 * without any name are -EBADMSG.  Pure: no I/O, no allocation beyond
 * json-c's own parse tree.
 */
#ifndef BRIDGE_CODEC_SENML_PATHS_H
#define BRIDGE_CODEC_SENML_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "path.h"

/* Paths one composite request may name; more is -E2BIG (4.13 would be
 * the strict code; 4.00 is what the DM layer answers). */
#define SENML_PATHS_MAX 64

/*
 * Decodes the len bytes of buf, in Content-Format cf (110 or 112), into
 * out[0..max-1] in payload order (duplicates kept).  Returns the number
 * of paths (0 for an empty array); -EMEDIUMTYPE for another cf; -EBADMSG
 * for a malformed payload or name; -E2BIG for more than max records;
 * -ENOMEM (JSON only).
 */
int senml_paths_decode(int cf, const uint8_t *buf, size_t len, struct path *out,
		       size_t max);

#endif

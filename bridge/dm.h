/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device Management: the requests an LwM2M server sends to the bridge,
 * answered from the object access layer.  This first slice serves Read
 * (GET) on objects, instances, resources and resource instances in every
 * content format the bridge encodes, Write (PUT) of a resource or resource
 * instance in text, opaque, TLV, LwM2M JSON or SenML, and Execute (POST on
 * a resource, arguments validated); the other operations answer 4.05
 * until the Device Management work fills them in.
 *
 * Pure request-to-response: no I/O of its own, no libcoap type (the CoAP
 * transport hands over a struct cio_incoming and gets the answer back).
 */
#ifndef BRIDGE_DM_H
#define BRIDGE_DM_H

#include <stddef.h>
#include <stdint.h>

#include "object_access.h"
#include "reg_message.h"

/* Content-Formats (LwM2M 1.1 Core Table 7.3-1 and 1.0's TLV/JSON). */
enum dm_content_format {
	DM_CF_TEXT = 0,
	DM_CF_LINK = 40,
	DM_CF_OPAQUE = 42,
	DM_CF_SENML_JSON = 110,
	DM_CF_SENML_CBOR = 112,
	DM_CF_TLV = 11542,
	DM_CF_LWM2M_JSON = 11543,
};

/* Who is asking: the LwM2M version it registered with decides the default
 * format of a multi-value answer (TLV for 1.0, SenML CBOR for 1.1). */
struct dm_requester {
	uint16_t short_server_id;
	enum reg_lwm2m_version version;
};

/* One request, as the transport parsed it. */
struct dm_request {
	int method;		/* enum cio_method */
	const char *const *path; /* Uri-Path segments */
	size_t n_path;
	int accept; /* -1 when absent */
	int content_format;
	const uint8_t *payload;
	size_t payload_len;
};

/* The answer: code (CoAP byte: class << 5 | detail), content format (-1:
 * none) and payload.  payload points into the dm's buffer, valid until the
 * next dm_handle() on the same dm. */
struct dm_response {
	int code;
	int content_format;
	const uint8_t *payload;
	size_t payload_len;
};

struct dm;

/* Uri-Path segments to a path: decimal ids 0..65534 without leading
 * zeros, at most four.  Returns 0 or -EINVAL. */
int dm_parse_path(const char *const *segs, size_t n, struct path *out);

/* A DM layer over oa (which must outlive it).  NULL with errno ENOMEM. */
struct dm *dm_new(struct object_access *oa);
void dm_free(struct dm *dm);

/* Answers req for who into *resp.  Never fails: every problem becomes a
 * CoAP error code (4.00 bad path, 4.01 the Security object, 4.04 no such
 * path, 4.05 an operation not served yet, 4.06 an Accept that cannot be
 * produced, 5.00 an internal failure). */
void dm_handle(struct dm *dm, const struct dm_requester *who,
	       const struct dm_request *req, struct dm_response *resp);

/* Read of p in accept (-1: the default for who), as a GET would answer it
 * (notifications use it).  Same response rules as dm_handle. */
void dm_read(struct dm *dm, const struct dm_requester *who,
	     const struct path *p, int accept, struct dm_response *resp);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device Management: the requests an LwM2M server sends to the bridge,
 * answered from the object access layer, one file per operation
 * (dm_priv.h lists them).  Served: Read (GET) on objects, instances,
 * resources and resource instances in every content format the bridge
 * encodes; Write (PUT: replace) and partial update (POST) of instances,
 * resources and resource instances, checked whole before anything is
 * applied (dm_write.c); Execute (POST on a resource, arguments
 * validated); Create (POST /oid, answered 2.01 with the new instance in
 * dm_response.location) and Delete (DELETE /oid/iid) of data-only
 * instances: instances of objects no plugin serves, which the model alone
 * holds (object_access.h; the codes chosen are listed in dm_create.c).
 * After a 2.01 or 2.02 the caller tells every server (Update with the
 * object list) and drops the deleted instance's attributes and
 * observations (servers.c).  Operations not served yet answer 4.05.
 * Write-Attributes and Observe are the caller's (servers.c): they need the
 * server's attribute store and observe engine.
 *
 * Pure request-to-response: no I/O of its own, no libcoap type (the CoAP
 * transport hands over a struct cio_incoming and gets the answer back).
 */
#ifndef BRIDGE_DM_H
#define BRIDGE_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "object_access.h"
#include "reg_message.h"

/* Content-Formats (LwM2M 1.1 Core Table 7.3-1 and 1.0's TLV/JSON). */
enum dm_content_format {
	DM_CF_TEXT = 0,
	DM_CF_LINK = 40,
	DM_CF_OPAQUE = 42,
	DM_CF_CBOR = 60, /* one value: codec_cbor_value.h */
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
	bool bootstrap; /* the Bootstrap-Server: exempt from access control */
	/* Its Write-Attributes (Discover lists them); NULL: none.  Valid
	 * during the call. */
	const struct attrs *attrs;
};

/* What an operation does to its target, for access control (LwM2M 1.1
 * Core §E.3, Access Control resource 2 bits). */
enum dm_access_op {
	DM_ACCESS_READ = 1, /* Read, Observe, Discover, Write-Attributes */
	DM_ACCESS_WRITE = 2,
	DM_ACCESS_EXECUTE = 4,
	DM_ACCESS_DELETE = 8,
	DM_ACCESS_CREATE = 16,
};

/*
 * Access control hooks (all NULL: every server may do everything, the
 * single-server case).  check() decides whether server ssid may do op on
 * p (an object for Create, else an instance or below): 0, or a negative
 * errno (-EACCES: 4.01, -ENOENT: 4.04).  created()/deleted() tell about
 * instances a server created or deleted, so the hook can keep owners and
 * ACL instances in step.  ctx is their first argument.
 */
struct dm_access {
	int (*check)(void *ctx, uint16_t ssid, const struct path *p,
		     enum dm_access_op op);
	void (*created)(void *ctx, uint16_t ssid, uint16_t oid, uint16_t iid);
	void (*deleted)(void *ctx, uint16_t oid, uint16_t iid);
	void *ctx;
};

/* One request, as the transport parsed it. */
struct dm_request {
	int method;		 /* enum cio_method */
	const char *const *path; /* Uri-Path segments */
	size_t n_path;
	int accept; /* -1 when absent */
	int content_format;
	const uint8_t *payload;
	size_t payload_len;
	const char *const *query; /* Uri-Query options, NUL-terminated */
	size_t n_query;
};

/* The answer: code (CoAP byte: class << 5 | detail), content format (-1:
 * none) and payload.  payload points into the dm's buffer, valid until the
 * next dm_handle() on the same dm.  location (len 0: none) is the
 * Location-Path of a 2.01 Created, one option per id. */
struct dm_response {
	int code;
	int content_format;
	const uint8_t *payload;
	size_t payload_len;
	struct path location;
};

struct dm;

/* Uri-Path segments to a path: decimal ids 0..65534 without leading
 * zeros, at most four.  Returns 0 or -EINVAL. */
int dm_parse_path(const char *const *segs, size_t n, struct path *out);

/* A DM layer over oa (which must outlive it).  NULL with errno ENOMEM. */
struct dm *dm_new(struct object_access *oa);
void dm_free(struct dm *dm);

/* Installs the access control hooks (copied; NULL: none). */
void dm_set_access(struct dm *dm, const struct dm_access *access);

/* The access check dm_handle applies before an operation, for operations
 * served outside dm_handle (Write-Attributes): -EACCES for the Security
 * object (0) and below, for everyone; then the installed check hook (none
 * for the Bootstrap-Server or the root).  Returns 0, -EACCES or -ENOENT. */
int dm_check_access(struct dm *dm, const struct dm_requester *who,
		    const struct path *p, enum dm_access_op op);

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

/* LwM2M 1.1 Read-Composite of n paths (object, instance, resource or
 * resource instance; n <= 64) in accept (110 or 112; -1: 112), as a
 * FETCH on the root answers it (dm_composite.c says what is left out);
 * Observe-Composite notifications use it.  Same response rules as
 * dm_handle. */
void dm_read_composite(struct dm *dm, const struct dm_requester *who,
		       const struct path *paths, size_t n, int accept,
		       struct dm_response *resp);

/* A Send report (LwM2M 1.1 POST /dp): the Read-Composite of paths in
 * format (110 or 112), every record stamped with time (seconds since the
 * epoch, written once as the base time).  Answers 4.04 when none of the
 * paths could be read (nothing to report); otherwise as
 * dm_read_composite. */
void dm_read_report(struct dm *dm, const struct dm_requester *who,
		    const struct path *paths, size_t n, int format, double time,
		    struct dm_response *resp);

/* The path list of a composite request (FETCH payload, Content-Format
 * 110 or 112) into out[0..max-1].  Returns the count, -EMEDIUMTYPE for
 * another Content-Format, -EBADMSG (malformed) or -E2BIG (more than
 * max). */
int dm_composite_paths(const struct dm_request *req, struct path *out,
		       size_t max);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the Device Management layer: the state every operation shares
 * and one entry point per operation, each in a file of its own
 * (dm_read.c, dm_write.c, dm_execute.c, dm_create.c, dm_discover.c,
 * dm_composite.c).  dm.c parses the path, applies the checks common to
 * every operation (the Security object, access control) and dispatches.
 *
 * Every dm_op_* fills *resp and never fails otherwise: a problem becomes
 * a CoAP error code.  p is the parsed Uri-Path (p->len 0 is the root).
 */
#ifndef BRIDGE_DM_PRIV_H
#define BRIDGE_DM_PRIV_H

#include "coap_errors.h"
#include "dm.h"

enum { DM_OID_SECURITY = 0, DM_OID_SERVER = 1, DM_OID_ACCESS_CONTROL = 2 };

/* A read answer larger than this is refused (5.00) rather than built: it
 * would be hundreds of blocks on a constrained link. */
#define DM_PAYLOAD_MAX (1024 * 1024)

struct dm {
	struct object_access *oa;
	struct dm_access access; /* all NULL: no access control */
	/* Reused between requests: no allocation on the hot path once warm. */
	struct record *recs;
	size_t n_recs, cap_recs;
	uint8_t *buf;
	size_t cap_buf;
};

/* *resp = code, no content format, no payload, no location. */
void dm_answer(struct dm_response *resp, int code);

/* *resp = the CoAP code of a negative errno (coap_errors.h). */
void dm_answer_errno(struct dm_response *resp, int err);

/* Makes dm->buf at least need bytes.  Returns 0, -EFBIG (past
 * DM_PAYLOAD_MAX) or -ENOMEM. */
int dm_grow_buf(struct dm *dm, size_t need);

/* A codec_record_fn that appends a copy of *rec to dm->recs (its bytes
 * stay borrowed from the model).  Returns 0, -EFBIG or -ENOMEM. */
int dm_keep_record(const struct record *rec, void *dm);

/* Encodes dm->recs in the multi-value format cf into dm->buf, growing it
 * as needed.  Returns the length, -EMEDIUMTYPE for a format that is not
 * multi-value, or -EFBIG / -ENOMEM. */
int dm_encode_records(struct dm *dm, int cf, const struct path *base);
/* The same with a base time (NULL: none): every record in dm->recs must
 * then be timed (codec_senml_common.h).  TLV carries no time and ignores
 * it. */
int dm_encode_records_at(struct dm *dm, int cf, const struct path *base,
			 const double *base_time);

/* Decodes req's payload (TLV, LwM2M JSON, SenML JSON or SenML CBOR)
 * relative to base, typed by the model's definitions, handing each
 * record to fn(rec, ctx).  Returns the number of records, -EMEDIUMTYPE
 * for another Content-Format, or the codec's / fn's error. */
int dm_decode(struct dm *dm, const struct path *base,
	      const struct dm_request *req, codec_record_fn fn, void *ctx);

/* True for TLV, LwM2M JSON, SenML JSON and SenML CBOR. */
bool dm_is_multi_format(int cf);

/* True when p names one value: a resource instance, or a resource the
 * definition declares single-instance. */
bool dm_is_single_value(struct dm *dm, const struct path *p);

/* The operations. */
void dm_op_read(struct dm *dm, const struct dm_requester *who,
		const struct path *p, int accept, struct dm_response *resp);
void dm_op_write(struct dm *dm, const struct dm_requester *who,
		 const struct path *p, const struct dm_request *req,
		 struct dm_response *resp);
void dm_op_write_partial(struct dm *dm, const struct dm_requester *who,
			 const struct path *p, const struct dm_request *req,
			 struct dm_response *resp);
void dm_op_execute(struct dm *dm, const struct dm_requester *who,
		   const struct path *p, const struct dm_request *req,
		   struct dm_response *resp);
void dm_op_create(struct dm *dm, const struct dm_requester *who,
		  const struct path *p, const struct dm_request *req,
		  struct dm_response *resp);
void dm_op_delete(struct dm *dm, const struct dm_requester *who,
		  const struct path *p, struct dm_response *resp);
void dm_op_discover(struct dm *dm, const struct dm_requester *who,
		    const struct path *p, const struct dm_request *req,
		    struct dm_response *resp);
/* 1.1: FETCH (Read-Composite) and iPATCH (Write-Composite) on the root. */
void dm_op_read_composite(struct dm *dm, const struct dm_requester *who,
			  const struct dm_request *req,
			  struct dm_response *resp);
void dm_op_write_composite(struct dm *dm, const struct dm_requester *who,
			   const struct dm_request *req,
			   struct dm_response *resp);

#endif

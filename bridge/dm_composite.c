/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "dm_priv.h"

/* FETCH on the root: Read-Composite (LwM2M 1.1; not served yet). */
void dm_op_read_composite(struct dm *dm, const struct dm_requester *who,
			  const struct dm_request *req,
			  struct dm_response *resp)
{
	(void)dm;
	(void)who;
	(void)req;
	dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
}

/* iPATCH on the root: Write-Composite (LwM2M 1.1; not served yet). */
void dm_op_write_composite(struct dm *dm, const struct dm_requester *who,
			   const struct dm_request *req,
			   struct dm_response *resp)
{
	(void)dm;
	(void)who;
	(void)req;
	dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
}

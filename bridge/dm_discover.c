/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "dm_priv.h"

/* GET with Accept 40: Discover (not served yet). */
void dm_op_discover(struct dm *dm, const struct dm_requester *who,
		    const struct path *p, const struct dm_request *req,
		    struct dm_response *resp)
{
	(void)dm;
	(void)who;
	(void)p;
	(void)req;
	dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
}

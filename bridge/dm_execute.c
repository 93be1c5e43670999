/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <stdbool.h>

#include "dm_priv.h"

/* Execute arguments, LwM2M 1.0.2 §5.4.5: "0,1='text',2": a digit,
 * optionally ='value'; value characters are 0x21, 0x23-0x26, 0x28-0x5B and
 * 0x5D-0x7E (no space, double quote, quote or backslash). */
static bool execute_args_valid(const uint8_t *a, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return true;
	for (;;) {
		if (i >= n || a[i] < '0' || a[i] > '9')
			return false;
		i++;
		if (i < n && a[i] == '=') {
			if (++i >= n || a[i] != '\'')
				return false;
			for (i++; i < n && a[i] != '\''; i++)
				if (a[i] < 0x21 || a[i] > 0x7e || a[i] == '"' ||
				    a[i] == '\\')
					return false;
			if (i++ >= n)
				return false; /* no closing quote */
		}
		if (i == n)
			return true;
		if (a[i++] != ',')
			return false;
	}
}

void dm_op_execute(struct dm *dm, const struct dm_requester *who,
		   const struct path *p, const struct dm_request *req,
		   struct dm_response *resp)
{
	int rc;

	(void)who;
	if (p->len != PATH_RESOURCE) {
		dm_answer(resp, COAP_METHOD_NOT_ALLOWED);
		return;
	}
	/* What the path is first (4.04 / 4.05), then the arguments (4.00):
	 * a malformed argument list on a resource that cannot be executed
	 * at all is not the server's real mistake. */
	if ((rc = oa_execute_check(dm->oa, p)) < 0) {
		dm_answer_errno(resp, rc);
		return;
	}
	if (!execute_args_valid(req->payload, req->payload_len)) {
		dm_answer(resp, COAP_BAD_REQUEST);
		return;
	}
	rc = oa_execute(dm->oa, p, (const char *)req->payload,
			req->payload_len);
	if (rc < 0)
		dm_answer_errno(resp, rc);
	else
		dm_answer(resp, COAP_CHANGED);
}

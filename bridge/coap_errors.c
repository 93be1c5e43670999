/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "coap_errors.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>

/* One row per errno that is not 5.00; first match wins.  Grow it here,
 * and in the table of coap_errors.h, and nowhere else. */
static const struct {
	int err; /* positive errno */
	enum coap_code code;
} errno_table[] = {
	{ENOENT, COAP_NOT_FOUND},
	{EINVAL, COAP_BAD_REQUEST},
	{EPROTOTYPE, COAP_BAD_REQUEST},
	{ERANGE, COAP_BAD_REQUEST},
	{EBADMSG, COAP_BAD_REQUEST},
	{EEXIST, COAP_BAD_REQUEST},
	{EPERM, COAP_UNAUTHORIZED},
	{EACCES, COAP_UNAUTHORIZED},
	{EOPNOTSUPP, COAP_METHOD_NOT_ALLOWED},
	{E2BIG, COAP_REQUEST_ENTITY_TOO_LARGE},
	{EFBIG, COAP_REQUEST_ENTITY_TOO_LARGE},
};

static const struct {
	enum coap_code code;
	const char *text;
} code_names[] = {
	{COAP_CREATED, "2.01 Created"},
	{COAP_DELETED, "2.02 Deleted"},
	{COAP_VALID, "2.03 Valid"},
	{COAP_CHANGED, "2.04 Changed"},
	{COAP_CONTENT, "2.05 Content"},
	{COAP_CONTINUE, "2.31 Continue"},
	{COAP_BAD_REQUEST, "4.00 Bad Request"},
	{COAP_UNAUTHORIZED, "4.01 Unauthorized"},
	{COAP_BAD_OPTION, "4.02 Bad Option"},
	{COAP_FORBIDDEN, "4.03 Forbidden"},
	{COAP_NOT_FOUND, "4.04 Not Found"},
	{COAP_METHOD_NOT_ALLOWED, "4.05 Method Not Allowed"},
	{COAP_NOT_ACCEPTABLE, "4.06 Not Acceptable"},
	{COAP_REQUEST_ENTITY_INCOMPLETE, "4.08 Request Entity Incomplete"},
	{COAP_PRECONDITION_FAILED, "4.12 Precondition Failed"},
	{COAP_REQUEST_ENTITY_TOO_LARGE, "4.13 Request Entity Too Large"},
	{COAP_UNSUPPORTED_CONTENT_FORMAT, "4.15 Unsupported Content-Format"},
	{COAP_INTERNAL_SERVER_ERROR, "5.00 Internal Server Error"},
	{COAP_NOT_IMPLEMENTED, "5.01 Not Implemented"},
	{COAP_SERVICE_UNAVAILABLE, "5.03 Service Unavailable"},
};

enum coap_code coap_code_from_errno(int err)
{
	if (err < 0)
		err = err == INT_MIN ? 0 : -err;
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]);
	     i++)
		if (errno_table[i].err == err)
			return errno_table[i].code;
	return COAP_INTERNAL_SERVER_ERROR;
}

const char *coap_code_text(enum coap_code code)
{
	for (size_t i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (code_names[i].code == code)
			return code_names[i].text;
	return "?";
}

int errno_from_plugin(int rc)
{
	return rc < -4095 ? -EIO : rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one table that turns a negative errno into a CoAP response code.
 * Every layer (data model, object access, plugins, codecs, DM) reports
 * errors as negative errno values; only the code that builds a CoAP
 * response asks this table which code to send, so a given errno means the
 * same answer everywhere.  plugin.h documents the part plugin authors see.
 *
 * Pure functions, no state: callable from any thread.
 */
#ifndef BRIDGE_COAP_ERRORS_H
#define BRIDGE_COAP_ERRORS_H

#include <stdint.h>

/* A CoAP code as on the wire: class in the top 3 bits, detail in the low 5
 * (RFC 7252, 3), e.g. COAP_CODE(4, 4) is 0x84, "4.04". */
#define COAP_CODE(cls, detail) ((uint8_t)(((cls) << 5) | (detail)))
#define COAP_CODE_CLASS(code)  ((unsigned)(code) >> 5)
#define COAP_CODE_DETAIL(code) ((unsigned)(code)&0x1fu)

/* The response codes LwM2M uses (RFC 7252, 12.1.2; LwM2M 1.1 Core, 6). */
enum coap_code {
	COAP_CREATED = COAP_CODE(2, 1),
	COAP_DELETED = COAP_CODE(2, 2),
	COAP_VALID = COAP_CODE(2, 3),
	COAP_CHANGED = COAP_CODE(2, 4),
	COAP_CONTENT = COAP_CODE(2, 5),
	COAP_CONTINUE = COAP_CODE(2, 31),
	COAP_BAD_REQUEST = COAP_CODE(4, 0),
	COAP_UNAUTHORIZED = COAP_CODE(4, 1),
	COAP_BAD_OPTION = COAP_CODE(4, 2),
	COAP_FORBIDDEN = COAP_CODE(4, 3),
	COAP_NOT_FOUND = COAP_CODE(4, 4),
	COAP_METHOD_NOT_ALLOWED = COAP_CODE(4, 5),
	COAP_NOT_ACCEPTABLE = COAP_CODE(4, 6),
	COAP_REQUEST_ENTITY_INCOMPLETE = COAP_CODE(4, 8),
	COAP_PRECONDITION_FAILED = COAP_CODE(4, 12),
	COAP_REQUEST_ENTITY_TOO_LARGE = COAP_CODE(4, 13),
	COAP_UNSUPPORTED_CONTENT_FORMAT = COAP_CODE(4, 15),
	COAP_INTERNAL_SERVER_ERROR = COAP_CODE(5, 0),
	COAP_NOT_IMPLEMENTED = COAP_CODE(5, 1),
	COAP_SERVICE_UNAVAILABLE = COAP_CODE(5, 3),
};

/*
 * The response code for a failed operation.  err is a negative errno (a
 * positive one is taken as its negation).  The table (coap_errors.c):
 *   -ENOENT                          4.04 Not Found
 *   -EINVAL, -EPROTOTYPE, -ERANGE,
 *   -EBADMSG, -EEXIST                4.00 Bad Request
 *   -EPERM, -EACCES                  4.01 Unauthorized
 *   -EOPNOTSUPP (== -ENOTSUP)        4.05 Method Not Allowed
 *   -E2BIG, -EFBIG                   4.13 Request Entity Too Large
 *   anything else (-EIO, -ETIMEDOUT, -ENOMEM, ..., also 0)
 *                                    5.00 Internal Server Error
 * Note that on Linux ENOTSUP and EOPNOTSUPP are one value: an error that
 * must become 4.15 or 4.06 needs an errno of its own (add a row).
 */
enum coap_code coap_code_from_errno(int err);

/* "4.04 Not Found", "2.05 Content", ...: a static string for the codes
 * above; "?" for any other code. */
const char *coap_code_text(enum coap_code code);

/* A result from outside the daemon (a plugin callback or init) as a
 * negative errno the rest of the code can negate and print: 0 and positive
 * values pass through, values below -4095 (not an errno: INT_MIN would
 * even overflow when negated) become -EIO. */
int errno_from_plugin(int rc);

#endif

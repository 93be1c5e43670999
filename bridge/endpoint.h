/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Endpoint Client Names from a template, so one image serves a fleet of
 * gateways: "gw-{hostname}", "urn:dev:{machine-id}", "{mac:eth0}".
 *
 * Placeholders (nothing else between braces is accepted):
 *   {hostname}      ROOT/proc/sys/kernel/hostname (the kernel's host name,
 *                   what gethostname(2) returns); with an empty root and
 *                   that file unreadable, gethostname(2) itself
 *   {machine-id}    ROOT/etc/machine-id (systemd's 32 hex digits)
 *   {mac:IFNAME}    ROOT/sys/class/net/IFNAME/address with the colons
 *                   removed and letters lower-cased: "0242ac110002"
 * ROOT is the root prefix given to endpoint_expand(): "" (or NULL) for the
 * real system, a directory holding a fake etc/, proc/ and sys/ in tests.
 * A file's content is trimmed of surrounding white space.
 *
 * The result must be usable as a CoAP Uri-Query value "ep=NAME": it is
 * 1..ENDPOINT_MAX bytes of printable ASCII without spaces or '&'.
 * Pure apart from the file reads; thread-safe.
 */
#ifndef BRIDGE_ENDPOINT_H
#define BRIDGE_ENDPOINT_H

#include <stddef.h>

/* Longest endpoint name produced (bytes, without the NUL). */
#define ENDPOINT_MAX 255

/*
 * Expands tmpl into out (cap bytes, NUL-terminated).  Returns the length
 * of the name, or a negative errno with a one-line explanation in err
 * (errcap bytes, may be NULL/0) naming the template part at fault:
 *   -EINVAL  an unknown or unterminated placeholder, a bad interface name
 *            (empty, longer than 15 bytes, '/' or a leading '.'), an empty
 *            result, or a character not allowed in an endpoint name
 *   -ENODEV  {mac:IFNAME} of an interface that does not exist
 *   -ENAMETOOLONG  the name exceeds ENDPOINT_MAX or cap - 1
 *   -ENODATA a file that holds only white space
 *   -errno   a file that cannot be read (-ENOENT for a missing
 *            machine-id or hostname file)
 * out holds "" after an error (when cap > 0).
 */
int endpoint_expand(const char *tmpl, const char *root, char *out, size_t cap,
		    char *err, size_t errcap);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Access control with several LwM2M Servers (LwM2M 1.1 Core §7.3, the
 * Access Control object 2 of Appendix E.3): the instances of object 2 and
 * the decision, for the DM layer's hooks (struct dm_access in dm.h).
 *
 * With one configured server there is no access control at all (§7.3:
 * a single server has full rights and object 2 need not exist): nothing
 * here creates instances and access_hooks() gives no hooks.
 *
 * The decision for server S doing op on /O/I (or below):
 *   - /O/I does not exist: -ENOENT (4.04).  Instances are no secret:
 *     every server sees them in the Register payload, so answering 4.04
 *     before 4.01 tells nothing a server could not learn anyway.
 *   - the Access Control object itself (O = 2): Read (and Observe,
 *     Discover, Write-Attributes) for everyone; Write and Execute only for
 *     the instance's Access Control Owner (/2/x/3, E.3: "only such an
 *     LwM2M Server can manage the Resources of this Object Instance");
 *     Create and Delete never (they are the bootstrap server's, and this
 *     module keeps the instances in step itself).
 *   - otherwise the ACL instance whose /2/x/0, /2/x/1 name (O, I) decides:
 *     S's own ACL entry /2/x/2/S if present; else full rights (R W E D)
 *     if S is the instance's owner (§7.3.1: the owner "which doesn't have
 *     ACL Resource Instance, have full access right"); else the default
 *     entry /2/x/2/0; else nothing.  No ACL instance: nothing.
 *   - Create on object O: the ACL instance with Object Instance ID 65535
 *     for O, its C bit for S by the entries as above (its owner is 65535,
 *     the bootstrap server, so the owner rule never applies).
 * Operations at object level other than Create pass here: an object-level
 * Read is filtered instance by instance (dm_read.c), which asks
 * access_check() for each instance.  The Bootstrap-Server is exempt and
 * the Security object refused to everyone before the hooks run (dm.c).
 *
 * The instances of object 2 at start-up (access_sync), with servers
 * S1 (the first configured) .. Sn:
 *   - each Server instance /1/x: owner = its own server (/1/x/0), no ACL
 *     entries: only that server may read, write or execute it (ETS 551);
 *   - every other instance (but Security and object 2): owner = S1, one
 *     ACL entry per other server with that server's configured rights
 *     ("access", default "r" without "c");
 *   - each multiple-instance object that has instances (but objects 0, 1
 *     and 2): an ACL instance for instance 65535, owner 65535, entry C for
 *     S1 and for every server whose "access" has "c".
 * An instance a server creates (access_created) gets an ACL instance
 * owned by that server, with entries for the others as above; a deleted
 * one (access_deleted) loses its ACL instance.  Instances plugins add or
 * remove at run time are picked up by access_sync().
 *
 * Cost: access_check() is a binary search in an index of the ACL
 * instances plus up to three model lookups; no allocation, no logging.
 * The index is rebuilt when this module changes object 2.  Object 2's
 * resources 0 and 1 are read-only, so servers cannot move an ACL to
 * another target behind the index's back; writes to resources 2 and 3
 * are read from the model at every check.
 *
 * Single-threaded (the loop thread), like the model.
 */
#ifndef BRIDGE_ACCESS_H
#define BRIDGE_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "dm.h"
#include "model.h"

struct access;

/* Access control over m for cfg's servers (both must outlive it).  Creates
 * nothing yet.  NULL with errno ENOMEM. */
struct access *access_new(struct model *m, const struct bridge_config *cfg);

/* Frees a (not the /2 instances in the model).  NULL is fine. */
void access_free(struct access *a);

/* True when access control applies: more than one server configured. */
bool access_enabled(const struct access *a);

/*
 * Brings object 2 in step with the model (see the top): creates the ACL
 * instances missing for existing instances and creatable objects, deletes
 * those whose target instance is gone, rebuilds the index.  No-op when
 * !access_enabled().  Returns 0, or a negative errno after logging what
 * could not be created (-ENOENT: the object definitions lack object 2).
 */
int access_sync(struct access *a);

/* The hooks for dm_set_access(): all NULL when !access_enabled(). */
void access_hooks(struct access *a, struct dm_access *out);

/* The decision (see the top), the dm_access check hook.  ctx is the
 * struct access.  Returns 0, -EACCES (4.01) or -ENOENT (4.04). */
int access_check(void *ctx, uint16_t ssid, const struct path *p,
		 enum dm_access_op op);

/* Server ssid created /oid/iid; the dm_access created hook. */
void access_created(void *ctx, uint16_t ssid, uint16_t oid, uint16_t iid);

/* /oid/iid was deleted; the dm_access deleted hook. */
void access_deleted(void *ctx, uint16_t oid, uint16_t iid);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LwM2M servers the bridge talks to: for each configured server one
 * CoAP client session (coap_io.h) and one registration state machine
 * (registration.h), glued together; requests a server sends on its
 * session go to the Device Management layer (dm.h).  Servers are
 * independent: one that is down never delays another.
 *
 * Server i of the configuration is Security and Server instance i
 * (core_objects.h); Execute on its /1/i/8 (Registration Update Trigger)
 * and /1/i/4 (Disable) reach its registration machine.
 */
#ifndef BRIDGE_SERVERS_H
#define BRIDGE_SERVERS_H

#include <stddef.h>

#include "cfg.h"
#include "coap_io.h"
#include "dm.h"
#include "loop.h"
#include "object_access.h"

struct servers;

/*
 * Sets up every server of cfg (which, like loop, cio, dm and oa, must
 * outlive the result) under the Endpoint Client Name endpoint (copied):
 * opens the sessions and binds the Server instances' executable
 * resources.  Nothing is sent before servers_start().  Returns NULL with
 * errno set (and a log line naming the server) when a session cannot be
 * created.
 */
struct servers *servers_new(struct loop *loop, struct cio *cio,
			    struct object_access *oa, struct dm *dm,
			    const struct bridge_config *cfg,
			    const char *endpoint);

/* Starts every registration (Register goes out at once). */
void servers_start(struct servers *sv);

/*
 * Begins a clean stop: De-register wherever registered.  done(arg) is
 * called once every machine is idle (possibly before this returns, when
 * none was registered).  The caller bounds the wait with a timer of its
 * own: a server that does not answer is given up by the machine only
 * after its exchange timeout.
 */
void servers_stop(struct servers *sv, void (*done)(void *arg), void *arg);

/* A value changed, or an instance or resource was created or deleted (the
 * model's change hook, model_set_change_hook): observations of every
 * server at or above p fall due; those at or below a deleted p end with a
 * 4.04 notification, and a change in an Access Control instance /2/x ends
 * those on its target that lost the Read right with 4.01 (observe.h, "End
 * of an observation"). */
void servers_value_changed(const struct path *p, void *sv);

/* Object instances were added or removed: every registered server gets an
 * Update with the new object list. */
void servers_objects_changed(void *sv);

/* Frees everything (sends nothing more).  NULL is fine. */
void servers_free(struct servers *sv);

#endif

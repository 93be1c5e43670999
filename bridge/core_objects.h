/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The core objects the bridge itself provides, filled from the
 * configuration at start-up (a factory bootstrap): one Security (0) and one
 * Server (1) instance per configured server, instance ids in configuration
 * order.  The Device instance (3) is served by device_object.h.
 */
#ifndef BRIDGE_CORE_OBJECTS_H
#define BRIDGE_CORE_OBJECTS_H

#include "cfg.h"
#include "model.h"

/* The Security Mode resource (/0/x/2) value of a configured mode. */
int core_security_mode_value(enum cfg_security mode);

/*
 * Creates the instances above in m from cfg.  Returns 0; or a negative
 * errno after logging which resource was refused and why (the shipped
 * definitions of objects 0 and 1 accept everything the configuration
 * validator lets through, so a failure means a user's replacement object
 * definition does not fit).  On failure m may hold some of the instances;
 * the caller gives up on it.
 */
int core_objects_populate(struct model *m, const struct bridge_config *cfg);

/* True for resources whose value must never be shown or logged: the
 * Security object's Secret Key (/0/x/5) and SMS Binding Secret Key(s)
 * (/0/x/8). */
bool core_resource_is_secret(const struct path *p);

#endif

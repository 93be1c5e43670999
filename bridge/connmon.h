/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Connectivity Monitoring, instance /4/0 (LwM2M 1.1 Core E.5,
 * objects/4.xml), from the Linux network state (connmon_host.h), served
 * through an object-access handler bound to it.
 *
 * The interface reported is device.network_interface, or the interface of
 * the default route (looked up again at each refresh, so a failover to
 * another uplink is followed).  Resources:
 *   0 Network Bearer            the interface's kind: 21 WLAN, 41
 *                               Ethernet, 42 DSL (PPP), 23 802.15.4;
 *                               absent when it cannot be told (tunnels,
 *                               raw-IP modems)
 *   1 Available Network Bearer  the kinds of every interface but lo
 *   2 Radio Signal Strength,    signal level (dBm) and link quality of
 *   3 Link Quality              ROOT/proc/net/wireless; absent on wires
 *   4 IP Addresses              the interface's addresses (getifaddrs):
 *                               IPv4, then IPv6 without link-local ones
 *   5 Router IP Addresses       the gateways of the default routes through
 *                               it (ROOT/proc/net/route, ipv6_route)
 *   6 Link Utilization, 7 APN, 8-13 cellular values: omitted (no portable
 *                               source on a Linux gateway)
 *
 * Values are computed on read from a snapshot taken at most once per
 * second (on the loop's clock): reading the whole instance costs one
 * getifaddrs and a few small /proc reads, at most once a second.  The
 * multiple resources (1, 4, 5) are rewritten in the model when a
 * snapshot differs, which reaches the observe engine through the change
 * hook; so observations see changes at their next pmax (nothing polls
 * while nobody reads).
 *
 * Loop thread only.
 */
#ifndef BRIDGE_CONNMON_H
#define BRIDGE_CONNMON_H

#include <stddef.h>

#include "connmon_host.h"
#include "loop.h"
#include "object_access.h"

/* The interface addresses, as cmhost_addresses (the default). */
typedef int (*connmon_addrs_fn)(const char *ifname,
				char (*out)[CMHOST_ADDR_MAX], size_t max,
				void *ctx);

struct connmon_opts {
	const char *root;	/* root prefix of /proc and /sys; NULL = "" */
	const char *interface;	/* NULL or "" = the default route's */
	connmon_addrs_fn addrs; /* NULL = getifaddrs */
	void *addrs_ctx;
};

struct connmon;

/*
 * Creates /4/0 in oa's model, takes a first snapshot and binds the
 * handler.  opts is read during the call only.  Returns NULL with errno
 * ENOENT when object 4 has no definition (the caller goes on without it),
 * EEXIST when /4/0 exists, or ENOMEM.
 */
struct connmon *connmon_new(struct loop *loop, struct object_access *oa,
			    const struct connmon_opts *opts);

/* Unbinds and frees c; /4/0 stays in the model.  NULL is fine. */
void connmon_free(struct connmon *c);

#endif

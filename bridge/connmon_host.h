/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Linux network state Connectivity Monitoring (/4/0) reports, read
 * from files under a root prefix (see device_host.h): ROOT/proc/net/route,
 * ROOT/proc/net/ipv6_route, ROOT/proc/net/wireless, ROOT/sys/class/net.
 * The interface addresses come from getifaddrs(3) (the real system; a
 * seam in connmon.h replaces it in tests).
 *
 * Pure apart from the reads; no logging, no allocation beyond getifaddrs.
 * Each function returns 0 or a negative errno.
 */
#ifndef BRIDGE_CONNMON_HOST_H
#define BRIDGE_CONNMON_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* IFNAMSIZ */
#define CMHOST_IFNAME_MAX 16
/* INET6_ADDRSTRLEN */
#define CMHOST_ADDR_MAX 46

/* Network Bearer values of /4/0/0 (LwM2M 1.1 Core E.5). */
enum {
	CMHOST_BEARER_WLAN = 21,
	CMHOST_BEARER_802154 = 23,
	CMHOST_BEARER_ETHERNET = 41,
	CMHOST_BEARER_DSL = 42,
};

/*
 * The interface of the default route: the IPv4 default route (destination
 * and mask 0, flags up) with the lowest metric in ROOT/proc/net/route, else
 * the IPv6 one in ROOT/proc/net/ipv6_route.  -ENOENT without one.
 */
int cmhost_default_interface(const char *root, char *ifname, size_t cap);

/*
 * The gateways of the default routes through ifname, IPv4 first, each
 * once, as text ("192.0.2.1", "fe80::1").  Stores up to max in out and
 * returns how many.
 */
int cmhost_routers(const char *root, const char *ifname,
		   char (*out)[CMHOST_ADDR_MAX], size_t max);

/*
 * The Network Bearer of ifname: WLAN when ROOT/sys/class/net/IF/wireless
 * or .../phy80211 exists; else by ROOT/sys/class/net/IF/type: 1 (Ethernet)
 * Ethernet, 512 (PPP) DSL (PPPoE is what PPP means on the routers this
 * runs on), 804 (IEEE 802.15.4) 802.15.4.  -ENOENT for anything else
 * (loopback, tunnels, raw-IP modems whose radio cannot be told here).
 */
int cmhost_bearer(const char *root, const char *ifname);

/*
 * The distinct bearers of the interfaces in ROOT/sys/class/net (in
 * increasing order).  Returns how many were stored in out (up to max).
 */
int cmhost_available_bearers(const char *root, int *out, size_t max);

/*
 * The signal level (dBm) and link quality of ifname from
 * ROOT/proc/net/wireless.  -ENOENT when the interface is not listed.
 */
int cmhost_wireless(const char *root, const char *ifname, int *level_dbm,
		    int *link_quality);

/*
 * The addresses of ifname from getifaddrs(3): IPv4, then IPv6 that are not
 * link-local, as text.  Returns how many were stored in out (up to max).
 */
int cmhost_addresses(const char *ifname, char (*out)[CMHOST_ADDR_MAX],
		     size_t max, void *ctx);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "connmon_host.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "device_host.h"

#define RTF_UP_FLAG	 0x1
#define RTF_GATEWAY_FLAG 0x2

static FILE *open_under(const char *root, const char *rel)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s%s", root ? root : "", rel);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "re");
}

static bool exists_under(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s%s", root ? root : "", rel);

	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0;
}

/* One IPv4 default route line of /proc/net/route: the kernel prints the
 * addresses as host-order hex of the network-order value. */
struct route4 {
	char ifname[CMHOST_IFNAME_MAX];
	uint32_t gateway; /* as in memory: network order */
	unsigned metric;
};

static bool parse_route4(const char *line, struct route4 *r)
{
	unsigned dest, gw, flags, refcnt, use, metric, mask;

	if (sscanf(line, "%15s %x %x %x %u %u %u %x", r->ifname, &dest, &gw,
		   &flags, &refcnt, &use, &metric, &mask) != 8)
		return false;
	if (dest != 0 || mask != 0 || !(flags & RTF_UP_FLAG))
		return false;
	r->gateway = (flags & RTF_GATEWAY_FLAG) ? gw : 0;
	r->metric = metric;
	return true;
}

/* An IPv6 default route line of /proc/net/ipv6_route: 32 hex digits of
 * destination, prefix length, source, its length, next hop, metric,
 * refcount, use, flags, device. */
struct route6 {
	char ifname[CMHOST_IFNAME_MAX];
	struct in6_addr gateway;
	bool has_gateway;
	unsigned metric;
};

static bool hex_addr6(const char *hex, struct in6_addr *a)
{
	for (int i = 0; i < 16; i++) {
		unsigned b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return false;
		a->s6_addr[i] = (uint8_t)b;
	}
	return true;
}

static bool parse_route6(const char *line, struct route6 *r)
{
	char dest[33], src[33], hop[33];
	unsigned dlen, slen, metric, refcnt, use, flags;

	if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %15s", dest, &dlen,
		   src, &slen, hop, &metric, &refcnt, &use, &flags,
		   r->ifname) != 10)
		return false;
	if (strspn(dest, "0") != 32 || dlen != 0 || !(flags & RTF_UP_FLAG) ||
	    strcmp(r->ifname, "lo") == 0)
		return false;
	r->has_gateway = strspn(hop, "0") != 32 && hex_addr6(hop, &r->gateway);
	r->metric = metric;
	return true;
}

int cmhost_default_interface(const char *root, char *ifname, size_t cap)
{
	char line[512];
	unsigned best = UINT_MAX;
	bool found = false;
	FILE *f = open_under(root, "/proc/net/route");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			struct route4 r;

			if (parse_route4(line, &r) &&
			    (!found || r.metric < best)) {
				snprintf(ifname, cap, "%s", r.ifname);
				best = r.metric;
				found = true;
			}
		}
		fclose(f);
	}
	if (found)
		return 0;
	f = open_under(root, "/proc/net/ipv6_route");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		struct route6 r;

		if (parse_route6(line, &r) && (!found || r.metric < best)) {
			snprintf(ifname, cap, "%s", r.ifname);
			best = r.metric;
			found = true;
		}
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static size_t add_unique(char (*out)[CMHOST_ADDR_MAX], size_t n, size_t max,
			 const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(out[i], text) == 0)
			return n;
	if (n < max)
		snprintf(out[n++], CMHOST_ADDR_MAX, "%s", text);
	return n;
}

int cmhost_routers(const char *root, const char *ifname,
		   char (*out)[CMHOST_ADDR_MAX], size_t max)
{
	char line[512], text[CMHOST_ADDR_MAX];
	size_t n = 0;
	FILE *f = open_under(root, "/proc/net/route");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			struct route4 r;
			struct in_addr a;

			if (!parse_route4(line, &r) || r.gateway == 0 ||
			    strcmp(r.ifname, ifname) != 0)
				continue;
			a.s_addr = r.gateway;
			if (inet_ntop(AF_INET, &a, text, sizeof(text)))
				n = add_unique(out, n, max, text);
		}
		fclose(f);
	}
	f = open_under(root, "/proc/net/ipv6_route");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			struct route6 r;

			if (!parse_route6(line, &r) || !r.has_gateway ||
			    strcmp(r.ifname, ifname) != 0)
				continue;
			if (inet_ntop(AF_INET6, &r.gateway, text, sizeof(text)))
				n = add_unique(out, n, max, text);
		}
		fclose(f);
	}
	return (int)n;
}

int cmhost_bearer(const char *root, const char *ifname)
{
	char rel[PATH_MAX], type[16];
	long t;

	if (!ifname[0] || strchr(ifname, '/'))
		return -EINVAL;
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/wireless", ifname);
	if (exists_under(root, rel))
		return CMHOST_BEARER_WLAN;
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/phy80211", ifname);
	if (exists_under(root, rel))
		return CMHOST_BEARER_WLAN;
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/type", ifname);
	if (devhost_read_file(root, rel, type, sizeof(type)) < 0)
		return -ENOENT;
	t = strtol(type, NULL, 10);
	switch (t) {
	case 1: return CMHOST_BEARER_ETHERNET; /* ARPHRD_ETHER */
	case 512: return CMHOST_BEARER_DSL;    /* ARPHRD_PPP */
	case 804: return CMHOST_BEARER_802154; /* ARPHRD_IEEE802154 */
	default: return -ENOENT;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int cmhost_available_bearers(const char *root, int *out, size_t max)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sys/class/net", root ? root : "");
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		int b;
		size_t i;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0)
			continue;
		if ((b = cmhost_bearer(root, de->d_name)) < 0)
			continue;
		for (i = 0; i < n && out[i] != b; i++)
			;
		if (i == n && n < max)
			out[n++] = b;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), cmp_int);
	return (int)n;
}

int cmhost_wireless(const char *root, const char *ifname, int *level_dbm,
		    int *link_quality)
{
	/*
	 * Inter-| sta-|   Quality        |   Discarded packets    ...
	 *  face | tus | link level noise |  nwid  crypt   frag  ...
	 *  wlan0: 0000   54.  -56.  -256        0      0      0 ...
	 */
	char line[512], name[CMHOST_IFNAME_MAX + 1];
	unsigned status;
	float link, level;
	int rc = -ENOENT;
	FILE *f = open_under(root, "/proc/net/wireless");

	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		const char *p = line;
		size_t len;

		if (!colon)
			continue;
		while (*p == ' ')
			p++;
		len = (size_t)(colon - p);
		if (len >= sizeof(name))
			continue;
		memcpy(name, p, len);
		name[len] = '\0';
		if (strcmp(name, ifname) != 0)
			continue;
		if (sscanf(colon + 1, "%x %f %f", &status, &link, &level) ==
		    3) {
			*link_quality = (int)link;
			*level_dbm = (int)level;
			rc = 0;
		}
		break;
	}
	fclose(f);
	return rc;
}

int cmhost_addresses(const char *ifname, char (*out)[CMHOST_ADDR_MAX],
		     size_t max, void *ctx)
{
	struct ifaddrs *list, *i;
	char text[CMHOST_ADDR_MAX];
	size_t n = 0;

	(void)ctx;
	if (getifaddrs(&list) != 0)
		return -errno;
	/* Two passes: IPv4 first, then the IPv6 addresses worth reaching. */
	for (int pass = 0; pass < 2; pass++) {
		for (i = list; i; i = i->ifa_next) {
			const struct sockaddr *sa = i->ifa_addr;

			if (!sa || strcmp(i->ifa_name, ifname) != 0)
				continue;
			if (pass == 0 && sa->sa_family == AF_INET) {
				const struct sockaddr_in *s4 =
					(const struct sockaddr_in
						 *)(const void *)sa;

				if (inet_ntop(AF_INET, &s4->sin_addr, text,
					      sizeof(text)))
					n = add_unique(out, n, max, text);
			} else if (pass == 1 && sa->sa_family == AF_INET6) {
				const struct sockaddr_in6 *s6 =
					(const struct sockaddr_in6
						 *)(const void *)sa;

				if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
					continue;
				if (inet_ntop(AF_INET6, &s6->sin6_addr, text,
					      sizeof(text)))
					n = add_unique(out, n, max, text);
			}
		}
	}
	freeifaddrs(list);
	return (int)n;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Server URIs: scheme://host[:port] with a host name, an IPv4 address or
 * a bracketed IPv6 literal (optionally with a zone).  Only the syntax is
 * checked; names are resolved when connecting.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

#define HOST_MAX 253

static bool is_hostname(const char *h, size_t len)
{
	size_t label = 0;

	if (len == 0 || len > HOST_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '_')
			return false;
		if (label == 0 && h[i] == '-')
			return false;
		if (++label > 63)
			return false;
	}
	return h[len - 1] != '-';
}

/* An IPv6 literal, optionally with a zone: "fe80::1%eth0" or "%25eth0". */
static bool is_ipv6(const char *h, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const char *zone = memchr(h, '%', len);
	size_t alen = zone ? (size_t)(zone - h) : len;

	if (alen == 0 || alen >= sizeof(addr))
		return false;
	if (zone) {
		size_t zlen = len - alen - 1;

		zone++;
		if (zlen >= 2 && zone[0] == '2' && zone[1] == '5') {
			zone += 2;
			zlen -= 2;
		}
		if (zlen == 0 || zlen > 15)
			return false;
		for (size_t i = 0; i < zlen; i++)
			if (!isalnum((unsigned char)zone[i]) &&
			    zone[i] != '-' && zone[i] != '_' && zone[i] != '.')
				return false;
	}
	memcpy(addr, h, alen);
	addr[alen] = '\0';
	return inet_pton(AF_INET6, addr, &a) == 1;
}

static bool all_digits_dots(const char *h, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)h[i]) && h[i] != '.')
			return false;
	return true;
}

static bool is_ipv4(const char *h, size_t len)
{
	char addr[INET_ADDRSTRLEN];
	struct in_addr a;

	if (len >= sizeof(addr))
		return false;
	memcpy(addr, h, len);
	addr[len] = '\0';
	return inet_pton(AF_INET, addr, &a) == 1;
}

int cfg_parse_uri(const char *uri, struct cfg_server *s, char *why,
		  size_t why_size)
{
	const char *sep = strstr(uri, "://"), *host, *end, *p;
	char *zone;
	size_t hlen;
	int scheme = -1;
	long port;

	if (!sep) {
		snprintf(why, why_size, "expected scheme://host[:port]");
		return -EINVAL;
	}
	for (int i = 0; i <= CFG_SCHEME_COAPS_TCP; i++) {
		const char *name = cfg_scheme_name((enum cfg_scheme)i);

		if (strlen(name) == (size_t)(sep - uri) &&
		    strncasecmp(uri, name, (size_t)(sep - uri)) == 0)
			scheme = i;
	}
	if (scheme < 0) {
		snprintf(why, why_size,
			 "unsupported scheme \"%.*s\" (expected coap, coaps, "
			 "coap+tcp or coaps+tcp)",
			 (int)(sep - uri > 16 ? 16 : sep - uri), uri);
		return -EINVAL;
	}
	host = sep + 3;
	if (*host == '[') {
		end = strchr(host, ']');
		if (!end || !is_ipv6(host + 1, (size_t)(end - host - 1))) {
			snprintf(why, why_size, "invalid IPv6 address");
			return -EINVAL;
		}
		host++;
		hlen = (size_t)(end - host);
		p = end + 1;
	} else {
		hlen = strcspn(host, ":/?#");
		p = host + hlen;
		if (hlen == 0) {
			snprintf(why, why_size, "missing host");
			return -EINVAL;
		}
		if (all_digits_dots(host, hlen) ? !is_ipv4(host, hlen)
						: !is_hostname(host, hlen)) {
			snprintf(why, why_size, "invalid host \"%.*s\"",
				 (int)(hlen > 64 ? 64 : hlen), host);
			return -EINVAL;
		}
	}
	port = scheme == CFG_SCHEME_COAPS || scheme == CFG_SCHEME_COAPS_TCP
		       ? 5684
		       : 5683;
	if (*p == ':') {
		const char *digits = ++p;

		for (port = 0; isdigit((unsigned char)*p) && port <= 65535; p++)
			port = port * 10 + (*p - '0');
		if (p == digits || isdigit((unsigned char)*p) || port < 1 ||
		    port > 65535) {
			snprintf(why, why_size, "expected a port 1..65535");
			return -EINVAL;
		}
	}
	if (*p == '/')
		p++;
	if (*p) {
		snprintf(why, why_size,
			 "unexpected \"%.16s\" after host and port (a server "
			 "URI has no path or query)",
			 p);
		return -EINVAL;
	}
	s->host = strndup(host, hlen);
	if (!s->host)
		return -ENOMEM;
	/* "%25" is how a URI writes the zone's "%" (RFC 6874); resolvers
	 * want the plain "fe80::1%eth0". */
	zone = strstr(s->host, "%25");
	if (zone)
		memmove(zone + 1, zone + 3, strlen(zone + 3) + 1);
	s->scheme = (enum cfg_scheme)scheme;
	s->port = (uint16_t)port;
	return 0;
}

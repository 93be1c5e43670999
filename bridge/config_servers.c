/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The servers list: one group per LwM2M server, with its URI, security
 * credentials and the Server object (1) defaults it starts with.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define SHORT_ID_MAX 65534
#define SECONDS_MAX  2147483647LL
/* libcoap 4.3.1 takes ACK_TIMEOUT in whole seconds plus milliseconds and
 * refuses less than one second; a minute is already far beyond any real
 * round trip. */
#define ACK_TIMEOUT_MS_MIN 1000
#define ACK_TIMEOUT_MS_MAX 60000
/* The last wait doubles per retransmission: with 20 and the largest
 * ACK_TIMEOUT it is already 2^20 minutes (two years); more is never
 * useful and only risks overflowing timer arithmetic. */
#define MAX_RETRANSMIT_MAX 20
#define QUEUE_TIMEOUT_MAX  86400

static const char *const server_keys[] = {
	"short_server_id",
	"uri",
	"security_mode",
	"psk_identity",
	"psk_key",
	"certificate_file",
	"private_key_file",
	"server_certificate_file",
	"server_public_key_file",
	"lifetime",
	"default_pmin",
	"default_pmax",
	"binding",
	"notification_storing",
	"disable_timeout",
	"lwm2m_version",
	"communication_retry_count",
	"communication_retry_timer",
	"communication_sequence_delay_timer",
	"communication_sequence_retry_count",
	"ack_timeout_ms",
	"max_retransmit",
	"queue_timeout",
	"max_observations",
	"notification_store_count",
	"notification_store_bytes",
	"confirmable_interval",
	"access",
	"send",
	"mute_send",
	NULL,
};

static const char *const scheme_names[] = {
	[CFG_SCHEME_COAP] = "coap",
	[CFG_SCHEME_COAPS] = "coaps",
	[CFG_SCHEME_COAP_TCP] = "coap+tcp",
	[CFG_SCHEME_COAPS_TCP] = "coaps+tcp",
	NULL,
};

static const char *const security_names[] = {
	[CFG_SEC_NOSEC] = "nosec",
	[CFG_SEC_PSK] = "psk",
	[CFG_SEC_RPK] = "rpk",
	[CFG_SEC_CERTIFICATE] = "certificate",
	NULL,
};

static const char *const version_names[] = {
	[CFG_LWM2M_1_0] = "1.0",
	[CFG_LWM2M_1_1] = "1.1",
	NULL,
};

const char *cfg_scheme_name(enum cfg_scheme scheme)
{
	return (unsigned)scheme <= CFG_SCHEME_COAPS_TCP ? scheme_names[scheme]
							: "?";
}

const char *cfg_security_name(enum cfg_security mode)
{
	return (unsigned)mode <= CFG_SEC_CERTIFICATE ? security_names[mode]
						     : "?";
}

const char *cfg_lwm2m_version_name(enum cfg_lwm2m_version version)
{
	return (unsigned)version <= CFG_LWM2M_1_1 ? version_names[version]
						  : "?";
}

void cfg_server_clear(struct cfg_server *s)
{
	if (!s)
		return;
	free(s->uri);
	free(s->host);
	free(s->psk_identity);
	free(s->certificate_file);
	free(s->private_key_file);
	free(s->server_certificate_file);
	free(s->server_public_key_file);
	/* The key is a secret: do not leave it in memory about to be freed. */
	explicit_bzero(s, sizeof(*s));
}

static void server_init(struct cfg_server *s)
{
	memset(s, 0, sizeof(*s));
	s->scheme = CFG_SCHEME_COAP;
	s->port = 5683;
	s->security_mode = CFG_SEC_NOSEC;
	s->lifetime = 86400;
	strcpy(s->binding, "U");
	s->binding_flags = CFG_BINDING_U;
	s->notification_storing = true;
	s->disable_timeout = 86400;
	s->lwm2m_version = CFG_LWM2M_1_1;
	s->communication_retry_count = 5;
	s->communication_retry_timer = 60;
	s->communication_sequence_delay_timer = 86400;
	s->communication_sequence_retry_count = 1;
	/* RFC 7252 4.8's defaults, and MAX_TRANSMIT_WAIT from them:
	 * 2 s * (2^(4 + 1) - 1) * 1.5 = 93 s. */
	s->ack_timeout_ms = 2000;
	s->max_retransmit = 4;
	s->queue_timeout = 93;
	s->max_observations = 1024;
	s->notification_store_count = 64;
	s->notification_store_bytes = 65536;
	s->confirmable_interval = 86400; /* RFC 7641 4.5: once a day */
	s->access = CFG_ACCESS_R;
	s->send.min_interval = 1;
	s->send.format = 112; /* SenML CBOR: the smaller one */
}

int cfg_server_default(struct cfg_server *s)
{
	server_init(s);
	s->short_server_id = 1;
	if (cfg_set_string(&s->uri, "coap://127.0.0.1:5683") < 0 ||
	    cfg_set_string(&s->host, "127.0.0.1") < 0) {
		cfg_server_clear(s);
		return -ENOMEM;
	}
	return 0;
}

/* U, T, S, N combined, Q for the 1.0 queue mode; each letter once. */
static int parse_binding(struct cfg_ctx *c, const config_setting_t *grp,
			 struct cfg_server *s)
{
	const config_setting_t *set = config_setting_get_member(grp, "binding");
	static const char letters[] = "UTSNQ";
	const char *b = NULL;
	unsigned flags = 0;
	int r = cfg_get_string(c, grp, "binding", true, &b);

	if (r < 0 || !b)
		return r;
	for (const char *p = b; *p; p++) {
		const char *at = strchr(letters, *p);
		unsigned bit;

		if (!at)
			return cfg_fail(
				c, set, NULL,
				"unknown binding letter '%c' in \"%.16s\" "
				"(expected U, T, S, N, or Q)",
				isprint((unsigned char)*p) ? *p : '?', b);
		bit = 1u << (at - letters);
		if (flags & bit)
			return cfg_fail(
				c, set, NULL,
				"binding letter '%c' repeated in \"%s\"", *p,
				b);
		flags |= bit;
	}
	if (!(flags &
	      (CFG_BINDING_U | CFG_BINDING_T | CFG_BINDING_S | CFG_BINDING_N)))
		return cfg_fail(
			c, set, NULL,
			"binding \"%s\" has no transport (U, T, S or N)", b);
	strcpy(s->binding, b); /* at most 5 distinct letters */
	s->binding_flags = flags;
	return 0;
}

/* The letters r w e d c, each at most once ("" grants nothing). */
static int parse_access(struct cfg_ctx *c, const config_setting_t *grp,
			struct cfg_server *s)
{
	const config_setting_t *set = config_setting_get_member(grp, "access");
	static const char letters[] = "rwedc";
	const char *a = NULL;
	unsigned bits = 0;
	int r = cfg_get_string(c, grp, "access", false, &a);

	if (r < 0 || !a)
		return r;
	for (const char *p = a; *p; p++) {
		const char *at = strchr(letters, *p);
		unsigned bit;

		if (!at)
			return cfg_fail(
				c, set, NULL,
				"unknown access letter '%c' in \"%.16s\" "
				"(expected r, w, e, d or c)",
				isprint((unsigned char)*p) ? *p : '?', a);
		bit = 1u << (at - letters);
		if (bits & bit)
			return cfg_fail(c, set, NULL,
					"access letter '%c' repeated in \"%s\"",
					*p, a);
		bits |= bit;
	}
	s->access = bits;
	return 0;
}

static int parse_psk_key(struct cfg_ctx *c, const config_setting_t *grp,
			 struct cfg_server *s)
{
	const config_setting_t *set = config_setting_get_member(grp, "psk_key");
	const char *hex = NULL;
	size_t len;
	int r = cfg_get_string(c, grp, "psk_key", false, &hex);

	if (r < 0 || !hex)
		return r;
	len = strlen(hex);
	if (len == 0 || len % 2 || len / 2 > CFG_PSK_KEY_MAX)
		return cfg_fail(c, set, NULL,
				"expected an even number of hex digits "
				"(1..%d bytes), got %zu digits",
				CFG_PSK_KEY_MAX, len);
	for (size_t i = 0; i < len; i += 2) {
		char pair[3] = {hex[i], hex[i + 1], '\0'};

		if (!isxdigit((unsigned char)pair[0]) ||
		    !isxdigit((unsigned char)pair[1]))
			return cfg_fail(c, set, NULL,
					"expected hex digits 0-9a-f, got a "
					"non-hex character at position %zu",
					isxdigit((unsigned char)pair[0])
						? i + 2
						: i + 1);
		s->psk_key[i / 2] = (uint8_t)strtoul(pair, NULL, 16);
	}
	s->psk_key_len = len / 2;
	return 0;
}

/* Which security modes use each credential key. */
#define NOT_STRING ((size_t)-1)
static const struct {
	const char *key;
	unsigned modes; /* 1 << enum cfg_security */
	size_t offset;	/* of the char * in struct cfg_server; or NOT_STRING */
} credentials[] = {
	{"psk_identity", 1u << CFG_SEC_PSK,
	 offsetof(struct cfg_server, psk_identity)},
	{"psk_key", 1u << CFG_SEC_PSK, NOT_STRING},
	{"certificate_file", 1u << CFG_SEC_CERTIFICATE,
	 offsetof(struct cfg_server, certificate_file)},
	{"private_key_file", 1u << CFG_SEC_RPK | 1u << CFG_SEC_CERTIFICATE,
	 offsetof(struct cfg_server, private_key_file)},
	{"server_certificate_file", 1u << CFG_SEC_CERTIFICATE,
	 offsetof(struct cfg_server, server_certificate_file)},
	{"server_public_key_file", 1u << CFG_SEC_RPK,
	 offsetof(struct cfg_server, server_public_key_file)},
};

static int load_security(struct cfg_ctx *c, const config_setting_t *grp,
			 struct cfg_server *s)
{
	const config_setting_t *mode_set =
		config_setting_get_member(grp, "security_mode");
	const config_setting_t *where = mode_set ? mode_set : grp;
	const char *mode = security_names[s->security_mode];
	bool secure = s->scheme == CFG_SCHEME_COAPS ||
		      s->scheme == CFG_SCHEME_COAPS_TCP;
	int r;

	if (secure && s->security_mode == CFG_SEC_NOSEC)
		return cfg_fail(c, where, mode_set ? NULL : "security_mode",
				"%s:// needs security_mode \"psk\", \"rpk\" or "
				"\"certificate\", got \"nosec\"",
				scheme_names[s->scheme]);
	if (!secure && s->security_mode != CFG_SEC_NOSEC)
		return cfg_fail(c, where, NULL,
				"security_mode \"%s\" needs a coaps:// or "
				"coaps+tcp:// uri, got %s://",
				mode, scheme_names[s->scheme]);
	for (size_t i = 0; i < sizeof(credentials) / sizeof(credentials[0]);
	     i++) {
		const config_setting_t *set =
			config_setting_get_member(grp, credentials[i].key);
		bool used = credentials[i].modes & (1u << s->security_mode);

		if (set && !used)
			return cfg_fail(c, set, NULL,
					"not used with security_mode \"%s\"",
					mode);
		if (!set && used)
			return cfg_fail(c, grp, credentials[i].key,
					"required with security_mode \"%s\"",
					mode);
		if (!used)
			continue;
		if (credentials[i].offset == NOT_STRING)
			r = parse_psk_key(c, grp, s);
		else
			r = cfg_take_string(
				c, grp, credentials[i].key, true,
				(char **)((char *)s + credentials[i].offset));
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_combinations(struct cfg_ctx *c, const config_setting_t *grp,
			      struct cfg_server *s)
{
	const config_setting_t *bind =
		config_setting_get_member(grp, "binding");
	const config_setting_t *where = bind ? bind : grp;
	const char *member = bind ? NULL : "binding";
	bool tcp = s->scheme == CFG_SCHEME_COAP_TCP ||
		   s->scheme == CFG_SCHEME_COAPS_TCP;
	unsigned needed = tcp ? CFG_BINDING_T : CFG_BINDING_U;

	bool secure = s->scheme == CFG_SCHEME_COAPS ||
		      s->scheme == CFG_SCHEME_COAPS_TCP;

	/* What this build's libcoap cannot do is a configuration error, so
	 * --check-config tells before the daemon fails to connect. */
	if (secure && strcmp(BRIDGE_COAP_VARIANT, "notls") == 0)
		return cfg_fail(c, grp, "uri",
				"%s:// needs DTLS/TLS, and this lwm2m-bridge "
				"was built without it (--with-dtls=no)",
				scheme_names[s->scheme]);
	if (s->security_mode == CFG_SEC_RPK &&
	    strcmp(BRIDGE_COAP_VARIANT, "gnutls") != 0)
		return cfg_fail(c, grp, "security_mode",
				"\"rpk\" needs libcoap's GnuTLS variant; this "
				"lwm2m-bridge was built with \"%s\"",
				BRIDGE_COAP_VARIANT);
	if (!(s->binding_flags & needed))
		return cfg_fail(
			c, where, member,
			"binding \"%s\" lacks %c, needed for a %s:// uri",
			s->binding, tcp ? 'T' : 'U', scheme_names[s->scheme]);
	if (s->lwm2m_version == CFG_LWM2M_1_0) {
		if (tcp)
			return cfg_fail(c, grp, "uri",
					"%s:// needs lwm2m_version \"1.1\"",
					scheme_names[s->scheme]);
		if (s->binding_flags & (CFG_BINDING_T | CFG_BINDING_N))
			return cfg_fail(c, where, member,
					"binding letters T and N need "
					"lwm2m_version \"1.1\"");
	}
	if (s->default_pmax > 0 && s->default_pmin > s->default_pmax)
		return cfg_fail(c, grp, "default_pmin",
				"%u is greater than default_pmax %u",
				s->default_pmin, s->default_pmax);
	return 0;
}

/* The CoAP session's timing, and how long queue mode stays awake. */
static int load_transmission(struct cfg_ctx *c, const config_setting_t *grp,
			     struct cfg_server *s)
{
	int r;

	if ((r = cfg_get_u32(c, grp, "ack_timeout_ms", ACK_TIMEOUT_MS_MIN,
			     ACK_TIMEOUT_MS_MAX, &s->ack_timeout_ms)) < 0 ||
	    (r = cfg_get_u32(c, grp, "max_retransmit", 1, MAX_RETRANSMIT_MAX,
			     &s->max_retransmit)) < 0 ||
	    (r = cfg_get_u32(c, grp, "queue_timeout", 1, QUEUE_TIMEOUT_MAX,
			     &s->queue_timeout)) < 0)
		return r;
	return 0;
}

/* How many observations and stored notifications, how often a CON. */
static int load_notifications(struct cfg_ctx *c, const config_setting_t *grp,
			      struct cfg_server *s)
{
	int r;

	if ((r = cfg_get_u32(c, grp, "max_observations", 1, 65535,
			     &s->max_observations)) < 0 ||
	    (r = cfg_get_u32(c, grp, "notification_store_count", 1, 100000,
			     &s->notification_store_count)) < 0 ||
	    (r = cfg_get_u32(c, grp, "notification_store_bytes", 1024,
			     16u * 1024 * 1024,
			     &s->notification_store_bytes)) < 0 ||
	    (r = cfg_get_u32(c, grp, "confirmable_interval", 1, SECONDS_MAX,
			     &s->confirmable_interval)) < 0)
		return r;
	return 0;
}

static int load_server(struct cfg_ctx *c, const config_setting_t *grp,
		       struct cfg_server *s)
{
	const config_setting_t *uri_set = config_setting_get_member(grp, "uri");
	long long id = 0;
	int mode = CFG_SEC_NOSEC, version = CFG_LWM2M_1_1;
	char why[160];
	int r;

	server_init(s);
	s->line = config_setting_source_line(grp);
	if (!config_setting_is_group(grp))
		return cfg_fail(c, grp, NULL,
				"expected a group { ... }, got %s",
				cfg_type_name(grp));
	if ((r = cfg_check_keys(c, grp, server_keys)) < 0)
		return r;
	if (!config_setting_get_member(grp, "short_server_id"))
		return cfg_fail(c, grp, "short_server_id",
				"required key missing (an integer 1..%d)",
				SHORT_ID_MAX);
	if ((r = cfg_get_int(c, grp, "short_server_id", 1, SHORT_ID_MAX, &id)) <
	    0)
		return r;
	s->short_server_id = (uint16_t)id;
	if (!uri_set)
		return cfg_fail(c, grp, "uri",
				"required key missing (e.g. "
				"\"coap://127.0.0.1:5683\")");
	if ((r = cfg_take_string(c, grp, "uri", true, &s->uri)) < 0)
		return r;
	r = cfg_parse_uri(s->uri, s, why, sizeof(why));
	if (r == -EINVAL)
		return cfg_fail(c, uri_set, NULL, "invalid URI \"%.80s\": %s",
				s->uri, why);
	if (r < 0)
		return r;
	if ((r = cfg_get_enum(c, grp, "security_mode", security_names, &mode)) <
	    0)
		return r;
	s->security_mode = (enum cfg_security)mode;
	if ((r = load_security(c, grp, s)) < 0)
		return r;
	if ((r = cfg_get_u32(c, grp, "lifetime", 1, SECONDS_MAX,
			     &s->lifetime)) < 0 ||
	    (r = cfg_get_u32(c, grp, "default_pmin", 0, SECONDS_MAX,
			     &s->default_pmin)) < 0 ||
	    (r = cfg_get_u32(c, grp, "default_pmax", 0, SECONDS_MAX,
			     &s->default_pmax)) < 0 ||
	    (r = parse_binding(c, grp, s)) < 0 ||
	    (r = parse_access(c, grp, s)) < 0 ||
	    (r = cfg_get_bool(c, grp, "notification_storing",
			      &s->notification_storing)) < 0 ||
	    (r = cfg_get_u32(c, grp, "disable_timeout", 0, SECONDS_MAX,
			     &s->disable_timeout)) < 0 ||
	    (r = cfg_get_enum(c, grp, "lwm2m_version", version_names,
			      &version)) < 0 ||
	    (r = cfg_get_u32(c, grp, "communication_retry_count", 1, 255,
			     &s->communication_retry_count)) < 0 ||
	    (r = cfg_get_u32(c, grp, "communication_retry_timer", 1,
			     SECONDS_MAX, &s->communication_retry_timer)) < 0 ||
	    (r = cfg_get_u32(c, grp, "communication_sequence_delay_timer", 0,
			     SECONDS_MAX,
			     &s->communication_sequence_delay_timer)) < 0 ||
	    (r = cfg_get_u32(c, grp, "communication_sequence_retry_count", 1,
			     255, &s->communication_sequence_retry_count)) < 0)
		return r;
	if ((r = load_transmission(c, grp, s)) < 0 ||
	    (r = load_notifications(c, grp, s)) < 0)
		return r;
	s->lwm2m_version = (enum cfg_lwm2m_version)version;
	if ((r = cfg_load_send(c, grp, s)) < 0)
		return r;
	return check_combinations(c, grp, s);
}

int cfg_load_servers(struct cfg_ctx *c, const config_setting_t *root,
		     struct bridge_config *cfg)
{
	const config_setting_t *list =
		config_setting_get_member(root, "servers");
	struct cfg_server *servers = NULL;
	size_t n = 0;
	int count, r = 0;

	if (!list)
		return 0;
	if ((r = cfg_expect_group_list(c, list)) < 0)
		return r;
	count = config_setting_length(list);
	if (count > 0) {
		servers = calloc((size_t)count, sizeof(*servers));
		if (!servers)
			return -ENOMEM;
	}
	for (; n < (size_t)count; n++) {
		const config_setting_t *grp = config_setting_get_elem(list, n);

		r = load_server(c, grp, &servers[n]);
		for (size_t i = 0; r == 0 && i < n; i++) {
			if (servers[i].short_server_id !=
			    servers[n].short_server_id)
				continue;
			r = cfg_fail(c,
				     config_setting_get_member(
					     grp, "short_server_id"),
				     NULL,
				     "duplicate value %u (also used by "
				     "servers.[%zu] at line %u)",
				     servers[n].short_server_id, i,
				     servers[i].line);
		}
		if (r < 0) {
			n++; /* clear the failed one too */
			goto out;
		}
	}
	for (size_t i = 0; i < cfg->n_servers; i++)
		cfg_server_clear(&cfg->servers[i]);
	free(cfg->servers);
	cfg->servers = servers;
	cfg->n_servers = n;
	servers = NULL;
	n = 0;
out:
	for (size_t i = 0; i < n; i++)
		cfg_server_clear(&servers[i]);
	free(servers);
	return r;
}

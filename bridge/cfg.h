/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader: reads a libconfig file (etc/bridge.conf shows
 * every option), validates every setting and fills typed structs.
 *
 * (This header is cfg.h, not config.h: a bridge/config.h would shadow the
 * autoconf config.h that every bridge/ source includes as "config.h".)
 *
 * Strictness: an unknown key at any level, a wrong type (a string where a
 * number belongs, an integer where a boolean belongs, a float for an
 * integer), an out-of-range value or an inconsistent combination is an
 * error.  The loader stops at the first error it finds and describes it in
 * a struct cfg_error as "file:line: key: what was expected, got what".
 * Integers accept libconfig's int and int64 forms; a decimal literal that
 * does not fit the form libconfig 1.5 would store it in (32 bits without an
 * L suffix, 64 bits with one) is rejected before parsing, because 1.5
 * silently truncates it.  @include is not supported (one file only).
 *
 * No globals: any number of configurations may coexist.  The loader never
 * exits and never logs; main decides what to do with an error.  Not
 * thread-safe per object; distinct objects may be used from distinct
 * threads.
 */
#ifndef BRIDGE_CFG_H
#define BRIDGE_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "path.h"

/* libconfig's types, so that users of this header that never touch the
 * plugin settings need not include <libconfig.h>. */
struct config_t;
struct config_setting_t;

/* Largest pre-shared key, in bytes (after hex decoding). */
#define CFG_PSK_KEY_MAX 64
/* Longest plugin or plugin instance name. */
#define CFG_PLUGIN_NAME_MAX 64
/* A configuration file larger than this is refused. */
#define CFG_FILE_MAX (1024 * 1024)

/*
 * What went wrong.  text is the line to print; the other fields are its
 * parts for callers that want them.  Every field is a NUL-terminated string
 * (possibly truncated, never overflowing).
 */
struct cfg_error {
	char file[256];	   /* the file (or string name); "" if none */
	unsigned line;	   /* 1-based line; 0 when not tied to a line */
	char key[128];	   /* full key, e.g. "servers.[0].lifetime"; or "" */
	char message[256]; /* what was expected and what was found */
	/* "file:line: key: message", without "key: " when key is empty and
	 * without "file:line: " when line is 0 (then the message names the
	 * file), e.g. "bridge.conf:3: syntax error" or
	 * "cannot open x.conf: No such file or directory". */
	char text[512];
};

enum cfg_scheme {
	CFG_SCHEME_COAP,      /* coap://, UDP, default port 5683 */
	CFG_SCHEME_COAPS,     /* coaps://, DTLS, default port 5684 */
	CFG_SCHEME_COAP_TCP,  /* coap+tcp://, default port 5683 */
	CFG_SCHEME_COAPS_TCP, /* coaps+tcp://, TLS, default port 5684 */
};

enum cfg_security {
	CFG_SEC_NOSEC, /* "nosec": only with coap:// and coap+tcp:// */
	CFG_SEC_PSK,   /* "psk": psk_identity and psk_key */
	CFG_SEC_RPK,   /* "rpk": private_key_file, server_public_key_file */
	CFG_SEC_CERTIFICATE, /* "certificate": certificate_file,
				private_key_file, server_certificate_file */
};

enum cfg_lwm2m_version {
	CFG_LWM2M_1_0,
	CFG_LWM2M_1_1,
};

/* Letters of the binding string, as flags. */
enum {
	CFG_BINDING_U = 1 << 0, /* UDP */
	CFG_BINDING_T = 1 << 1, /* TCP (1.1) */
	CFG_BINDING_S = 1 << 2, /* SMS */
	CFG_BINDING_N = 1 << 3, /* Non-IP (1.1) */
	CFG_BINDING_Q = 1 << 4, /* queue mode, the 1.0 way */
};

/*
 * One entry of the servers list.  Strings are owned by the configuration;
 * the credential ones are NULL unless the security mode uses them.
 * Combinations checked: coaps* needs a mode other than nosec and coap*
 * needs nosec; each mode needs its credentials and refuses the others;
 * binding includes U for coap/coaps and T for the +tcp schemes; "1.0"
 * allows neither +tcp nor the letters T and N; pmin <= pmax when pmax > 0.
 * File names are not opened here (that happens when connecting).
 */
#define CFG_SEND_PATHS_MAX 16

struct cfg_server {
	unsigned line; /* line of the entry's "{" in the file; 0 = built in */
	uint16_t short_server_id; /* 1..65534, unique */
	char *uri;		  /* as written */
	enum cfg_scheme scheme;
	/* An IPv6 literal loses its brackets, and a zone's "%25" becomes
	 * "%" ("fe80::1%eth0"), as getaddrinfo wants it. */
	char *host;
	uint16_t port; /* as written, or the scheme's default */
	enum cfg_security security_mode;
	char *psk_identity;		  /* psk */
	uint8_t psk_key[CFG_PSK_KEY_MAX]; /* psk, decoded from hex */
	size_t psk_key_len;	       /* 1..CFG_PSK_KEY_MAX for psk, else 0 */
	char *certificate_file;	       /* certificate */
	char *private_key_file;	       /* rpk, certificate */
	char *server_certificate_file; /* certificate */
	char *server_public_key_file;  /* rpk */
	uint32_t lifetime;	       /* s, 1..2^31-1, default 86400 */
	uint32_t default_pmin;	       /* s, default 0 */
	uint32_t default_pmax;	       /* s, default 0 = none; >= pmin */
	char binding[6];	       /* e.g. "U", "UQ", "T"; default "U" */
	unsigned binding_flags;	       /* CFG_BINDING_* of binding */
	bool notification_storing;     /* default true */
	uint32_t disable_timeout;      /* s, default 86400 */
	enum cfg_lwm2m_version lwm2m_version;	     /* default 1.1 */
	uint32_t communication_retry_count;	     /* 1..255, default 5 */
	uint32_t communication_retry_timer;	     /* s, >= 1, default 60 */
	uint32_t communication_sequence_delay_timer; /* s, default 86400 */
	uint32_t communication_sequence_retry_count; /* 1..255, default 1 */
	/*
	 * CoAP transmission parameters of this server's session (RFC 7252
	 * 4.8).  ack_timeout_ms starts at 1000 because libcoap 4.3.1 refuses
	 * an ACK_TIMEOUT below one second.
	 */
	uint32_t ack_timeout_ms; /* ACK_TIMEOUT, 1000..60000, default 2000 */
	uint32_t max_retransmit; /* MAX_RETRANSMIT, 1..20, default 4 */
	/*
	 * s, 1..86400, default 93: how long the bridge stays reachable after
	 * its last exchange when the binding has Q.  93 is MAX_TRANSMIT_WAIT
	 * with the default ACK_TIMEOUT and MAX_RETRANSMIT; it is not derived
	 * from the two fields above when they change.
	 */
	uint32_t queue_timeout;
	/*
	 * Notifications (RFC 7641; LwM2M 1.1 Core 6.4): at most
	 * max_observations observations (1..65535, default 1024); while the
	 * server is unreachable and notification_storing is on, at most
	 * notification_store_count notifications (1..100000, default 64)
	 * of notification_store_bytes payload bytes in all (1024..16 MiB,
	 * default 65536) are kept, the oldest dropped first; and one
	 * notification of each observation is confirmable at least every
	 * confirmable_interval seconds (1..2^31-1, default 86400).
	 */
	uint32_t max_observations;
	uint32_t notification_store_count;
	uint32_t notification_store_bytes;
	uint32_t confirmable_interval;
	/*
	 * "access": with several servers, the rights this server gets on
	 * object instances it does not own (access.h), as Access Control
	 * ACL bits: CFG_ACCESS_* of the letters r w e d c, each at most
	 * once; default "r".  Ignored with a single server.
	 */
	unsigned access;
	/*
	 * "send": LwM2M 1.1 Send reports to this server (bridge/send.h).
	 * n_paths 0 = none.  mute_send is /1/x/23's initial value.
	 */
	struct cfg_send {
		struct path paths[CFG_SEND_PATHS_MAX]; /* object..resource
							  instance, not /0 */
		size_t n_paths;
		uint32_t interval;     /* s, 0..2^31-1, default 0 = none */
		bool on_change;	       /* default false */
		uint32_t min_interval; /* s, between reports, default 1 */
		int format;	       /* 110 or 112 (default) */
	} send;
	bool mute_send; /* default false */
};

/* ACL bits (LwM2M 1.1 Core E.3, Access Control resource 2). */
enum {
	CFG_ACCESS_R = 1,  /* Read, Observe, Write-Attributes, Discover */
	CFG_ACCESS_W = 2,  /* Write */
	CFG_ACCESS_E = 4,  /* Execute */
	CFG_ACCESS_D = 8,  /* Delete */
	CFG_ACCESS_C = 16, /* Create */
};

struct cfg_device {
	char *manufacturer;	     /* default "lwm2m-bridge project" */
	char *model;		     /* default "lwm2m-bridge" */
	char *serial_number;	     /* "" = derive from the machine-id */
	char *reboot_command;	     /* "" = reboot not supported */
	char *factory_reset_command; /* "" = factory reset not supported */
	char *timezone;		     /* "" = the system's */
	char *utc_offset;	     /* "" = the system's, e.g. "+01:00" */
	char *device_type;	     /* default "gateway" */
	char *hardware_version;	     /* "" = device tree / DMI model */
	char *software_version;	     /* "" = the OS and kernel release */
	/* Root prefix of the host files the Device and Connectivity
	 * Monitoring objects read (/proc, /sys, /etc); "" = "/" itself. */
	char *host_root;
	/* Interface /4/0 reports; "" = the default route's. */
	char *network_interface;
};

struct cfg_mqtt {
	bool enabled;	    /* default false */
	char *host;	    /* default "127.0.0.1" */
	uint16_t port;	    /* default 1883 */
	char *client_id;    /* default "" = the endpoint name */
	char *username;	    /* NULL = no authentication */
	char *password;	    /* NULL = none; needs username.  Never log it. */
	char *topic_prefix; /* default "lwm2m/{endpoint}" */
	int qos;	    /* 0..2, default 1 */
	bool retain;	    /* default true */
	uint32_t keepalive; /* s, 5..3600, default 60 */
};

struct cfg_plugin {
	unsigned line; /* line of the entry's "{" in the file; 0 = built in */
	char *plugin;  /* shared object name: "sim" -> sim.so */
	char *name;    /* instance name, unique; default = plugin */
	bool required; /* start-up fails if the plugin fails; default false */
	/*
	 * The entry's "settings" group, NULL when absent.  Free-form: the core
	 * does not validate it; the plugin reads it with libconfig calls.
	 * It points into the parsed file kept inside struct bridge_config and
	 * stays valid until cfg_free() of that configuration.
	 */
	struct config_setting_t *settings;
};

struct bridge_config {
	/* The file name (or string name) it came from; "(built-in defaults)"
	 * for cfg_defaults().  For messages that cite a line. */
	char *source;
	enum log_level log_level; /* default LOG_LVL_INFO */
	char *endpoint;		  /* template; default "{hostname}" */
	char *state_dir;	  /* default BRIDGE_LOCALSTATEDIR */
	char **object_dirs;	  /* at least one; see etc/bridge.conf */
	size_t n_object_dirs;
	char *plugin_dir; /* default BRIDGE_PKGLIBDIR "/plugins" */
	struct cfg_device device;
	struct cfg_server *servers; /* may be empty (servers = ();) */
	size_t n_servers;
	struct cfg_mqtt mqtt;
	struct cfg_plugin *plugins;
	size_t n_plugins;
	/* Private: the parsed file, kept alive for plugins[].settings.  NULL
	 * for cfg_defaults(). */
	struct config_t *lc;
};

/*
 * Loads and validates the file at path.  On success returns 0 and stores a
 * new configuration in *out (free it with cfg_free).  On failure stores
 * NULL in *out, describes the problem in *err (when err is not NULL) and
 * returns a negative errno: -ENOENT (and other open/read errors) when the
 * file cannot be read ("cannot open PATH: No such file or directory"), so
 * main may fall back to cfg_defaults() for its default path only; -EFBIG
 * above CFG_FILE_MAX; -EINVAL for a syntax or validation error; -ENOMEM.
 */
int cfg_load_file(const char *path, struct bridge_config **out,
		  struct cfg_error *err);

/*
 * Same as cfg_load_file for text held in memory (NUL-terminated); name is
 * used as the file name in messages (NULL: "<string>").  The text is not
 * referenced after the call returns.
 */
int cfg_load_string(const char *text, const char *name,
		    struct bridge_config **out, struct cfg_error *err);

/*
 * The configuration used when no file exists: one server (short id 1,
 * coap://127.0.0.1:5683, nosec), MQTT disabled, one instance of the "sim"
 * plugin (name "sim", not required, no settings, line 0) so the built-in
 * demo shows simulated sensors, and every other option at its default.
 * (A file that has no plugins list loads no plugin.)  Returns NULL and
 * sets errno to ENOMEM on allocation failure.
 */
struct bridge_config *cfg_defaults(void);

/* Frees cfg and everything it owns; plugins[].settings become invalid.
 * Accepts NULL. */
void cfg_free(struct bridge_config *cfg);

/* Names of the enums as written in the file ("coaps", "psk", "1.1"). */
const char *cfg_scheme_name(enum cfg_scheme scheme);
const char *cfg_security_name(enum cfg_security mode);
const char *cfg_lwm2m_version_name(enum cfg_lwm2m_version version);

#endif

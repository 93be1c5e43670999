/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a configuration: read the file, check what libconfig 1.5 gets
 * wrong (config_lex.c), parse, then validate section by section over a
 * copy of the defaults, so every absent option keeps its default.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define ENDPOINT_MAX 255
#define IFNAME_MAX   15 /* IFNAMSIZ - 1 */

static const char *const root_keys[] = {
	"log_level", "endpoint", "state_dir", "object_dirs", "plugin_dir",
	"device",    "servers",	 "mqtt",      "plugins",     NULL,
};

static const char *const device_keys[] = {
	"manufacturer",
	"model",
	"serial_number",
	"reboot_command",
	"factory_reset_command",
	"timezone",
	"utc_offset",
	"device_type",
	"hardware_version",
	"software_version",
	"host_root",
	"network_interface",
	NULL,
};

static const char *const mqtt_keys[] = {
	"enabled",	"host", "port",	  "client_id", "username", "password",
	"topic_prefix", "qos",	"retain", "keepalive", NULL,
};

static const char *const log_level_names[] = {
	"err", "warning", "notice", "info", "debug", NULL,
};

static const enum log_level log_levels[] = {
	LOG_LVL_ERR,  LOG_LVL_WARNING, LOG_LVL_NOTICE,
	LOG_LVL_INFO, LOG_LVL_DEBUG,
};

void cfg_free(struct bridge_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->source);
	free(cfg->endpoint);
	free(cfg->state_dir);
	for (size_t i = 0; i < cfg->n_object_dirs; i++)
		free(cfg->object_dirs[i]);
	free(cfg->object_dirs);
	free(cfg->plugin_dir);
	free(cfg->device.manufacturer);
	free(cfg->device.model);
	free(cfg->device.serial_number);
	free(cfg->device.reboot_command);
	free(cfg->device.factory_reset_command);
	free(cfg->device.timezone);
	free(cfg->device.utc_offset);
	free(cfg->device.device_type);
	free(cfg->device.hardware_version);
	free(cfg->device.software_version);
	free(cfg->device.host_root);
	free(cfg->device.network_interface);
	for (size_t i = 0; i < cfg->n_servers; i++)
		cfg_server_clear(&cfg->servers[i]);
	free(cfg->servers);
	free(cfg->mqtt.host);
	free(cfg->mqtt.client_id);
	free(cfg->mqtt.username);
	/* explicit_bzero: a plain memset before free may be optimised away. */
	if (cfg->mqtt.password)
		explicit_bzero(cfg->mqtt.password, strlen(cfg->mqtt.password));
	free(cfg->mqtt.password);
	free(cfg->mqtt.topic_prefix);
	for (size_t i = 0; i < cfg->n_plugins; i++)
		cfg_plugin_clear(&cfg->plugins[i]);
	free(cfg->plugins);
	if (cfg->lc) {
		config_destroy(cfg->lc);
		free(cfg->lc);
	}
	free(cfg);
}

static int set_object_dirs(struct bridge_config *cfg, const char *const *dirs,
			   size_t n)
{
	char **copy = calloc(n ? n : 1, sizeof(*copy));

	if (!copy)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (cfg_set_string(&copy[i], dirs[i]) < 0) {
			for (size_t j = 0; j < i; j++)
				free(copy[j]);
			free(copy);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < cfg->n_object_dirs; i++)
		free(cfg->object_dirs[i]);
	free(cfg->object_dirs);
	cfg->object_dirs = copy;
	cfg->n_object_dirs = n;
	return 0;
}

static struct bridge_config *defaults(const char *source)
{
	static const char *const dirs[] = {
		BRIDGE_PKGDATADIR "/objects",
		BRIDGE_SYSCONFDIR "/objects",
	};
	struct bridge_config *cfg = calloc(1, sizeof(*cfg));
	struct cfg_device *d;
	struct cfg_mqtt *m;

	if (!cfg)
		goto fail;
	d = &cfg->device;
	m = &cfg->mqtt;
	cfg->log_level = LOG_LVL_INFO;
	m->port = 1883;
	m->qos = 1;
	m->retain = true;
	m->keepalive = 60;
	cfg->servers = calloc(1, sizeof(*cfg->servers));
	if (!cfg->servers || cfg_server_default(&cfg->servers[0]) < 0)
		goto fail;
	cfg->n_servers = 1;
	if (cfg_set_string(&cfg->source, source) < 0 ||
	    cfg_set_string(&cfg->endpoint, "{hostname}") < 0 ||
	    cfg_set_string(&cfg->state_dir, BRIDGE_LOCALSTATEDIR) < 0 ||
	    set_object_dirs(cfg, dirs, 2) < 0 ||
	    cfg_set_string(&cfg->plugin_dir, BRIDGE_PKGLIBDIR "/plugins") < 0 ||
	    cfg_set_string(&d->manufacturer, "lwm2m-bridge project") < 0 ||
	    cfg_set_string(&d->model, "lwm2m-bridge") < 0 ||
	    cfg_set_string(&d->serial_number, "") < 0 ||
	    cfg_set_string(&d->reboot_command, "") < 0 ||
	    cfg_set_string(&d->factory_reset_command, "") < 0 ||
	    cfg_set_string(&d->timezone, "") < 0 ||
	    cfg_set_string(&d->utc_offset, "") < 0 ||
	    cfg_set_string(&d->device_type, "gateway") < 0 ||
	    cfg_set_string(&d->hardware_version, "") < 0 ||
	    cfg_set_string(&d->software_version, "") < 0 ||
	    cfg_set_string(&d->host_root, "") < 0 ||
	    cfg_set_string(&d->network_interface, "") < 0 ||
	    cfg_set_string(&m->host, "127.0.0.1") < 0 ||
	    cfg_set_string(&m->client_id, "") < 0 ||
	    cfg_set_string(&m->topic_prefix, "lwm2m/{endpoint}") < 0)
		goto fail;
	return cfg;
fail:
	cfg_free(cfg);
	errno = ENOMEM;
	return NULL;
}

struct bridge_config *cfg_defaults(void)
{
	struct bridge_config *cfg = defaults("(built-in defaults)");

	if (!cfg)
		return NULL;
	/* Without a configuration file the bridge is a demo: simulated
	 * sensors show what it does.  Optional, so a build without the sim
	 * plugin still starts.  (A file without a plugins list loads none.) */
	cfg->plugins = calloc(1, sizeof(*cfg->plugins));
	if (!cfg->plugins)
		goto fail;
	cfg->n_plugins = 1;
	if (cfg_set_string(&cfg->plugins[0].plugin, "sim") < 0 ||
	    cfg_set_string(&cfg->plugins[0].name, "sim") < 0)
		goto fail;
	return cfg;
fail:
	cfg_free(cfg);
	errno = ENOMEM;
	return NULL;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* {hostname}, {machine-id} and {mac:IFNAME}; a lone brace is an error. */
static int check_endpoint(struct cfg_ctx *c, const config_setting_t *s,
			  const char *v)
{
	if (strlen(v) > ENDPOINT_MAX)
		return cfg_fail(c, s, NULL, "longer than %d characters",
				ENDPOINT_MAX);
	if (has_control(v))
		return cfg_fail(c, s, NULL, "contains a control character");
	for (const char *p = v; *p; p++) {
		const char *end;
		size_t len;

		if (*p == '}')
			return cfg_fail(c, s, NULL, "unmatched '}'");
		if (*p != '{')
			continue;
		end = strchr(p, '}');
		if (!end)
			return cfg_fail(c, s, NULL,
					"unterminated placeholder '{'");
		len = (size_t)(end - p + 1);
		if ((len == 10 && strncmp(p, "{hostname}", len) == 0) ||
		    (len == 12 && strncmp(p, "{machine-id}", len) == 0)) {
			p = end;
			continue;
		}
		if (strncmp(p, "{mac:", 5) == 0) {
			const char *ifn = p + 5;
			size_t ilen = (size_t)(end - ifn);

			if (ilen == 0 || ilen > IFNAME_MAX ||
			    strcspn(ifn, "/:{ \t") < ilen)
				return cfg_fail(c, s, NULL,
						"invalid interface name in "
						"%.*s (1..%d characters, no "
						"'/', ':' or blanks)",
						(int)(len > 40 ? 40 : len), p,
						IFNAME_MAX);
			p = end;
			continue;
		}
		return cfg_fail(
			c, s, NULL,
			"unknown placeholder %.*s (expected {hostname}, "
			"{machine-id} or {mac:IFNAME})",
			(int)(len > 40 ? 40 : len), p);
	}
	return 0;
}

static int load_object_dirs(struct cfg_ctx *c, const config_setting_t *root,
			    struct bridge_config *cfg)
{
	const config_setting_t *s = NULL;
	const char **dirs;
	int n, r;

	r = cfg_get_string_list(c, root, "object_dirs",
				"an array of strings [ \"dir\", ... ]", 1,
				INT_MAX, true, &s);
	if (r == -ERANGE)
		return cfg_fail(
			c, s, NULL,
			"expected at least one directory, got an empty %s",
			config_setting_is_array(s) ? "array" : "list");
	if (r < 0 || !s)
		return r;
	n = config_setting_length(s);
	dirs = calloc((size_t)n, sizeof(*dirs));
	if (!dirs)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		dirs[i] = config_setting_get_string_elem(s, i);
	r = set_object_dirs(cfg, dirs, (size_t)n);
	free(dirs);
	return r;
}

static int load_top(struct cfg_ctx *c, const config_setting_t *root,
		    struct bridge_config *cfg)
{
	const config_setting_t *ep =
		config_setting_get_member(root, "endpoint");
	int level = 3; /* info */
	int r;

	if ((r = cfg_get_enum(c, root, "log_level", log_level_names, &level)) <
	    0)
		return r;
	cfg->log_level = log_levels[level];
	if ((r = cfg_take_string(c, root, "endpoint", true, &cfg->endpoint)) <
		    0 ||
	    (ep && (r = check_endpoint(c, ep, cfg->endpoint)) < 0) ||
	    (r = cfg_take_string(c, root, "state_dir", true, &cfg->state_dir)) <
		    0 ||
	    (r = load_object_dirs(c, root, cfg)) < 0 ||
	    (r = cfg_take_string(c, root, "plugin_dir", true,
				 &cfg->plugin_dir)) < 0)
		return r;
	return 0;
}

/* The device options the Device and Connectivity Monitoring objects
 * cannot check later without failing at run time. */
static int check_device(struct cfg_ctx *c, const config_setting_t *g,
			const struct cfg_device *d)
{
	const char *ifn = d->network_interface;
	const char *off = d->utc_offset;

	if (ifn[0] && (strlen(ifn) > IFNAME_MAX || strchr(ifn, '/') ||
		       ifn[0] == '.'))
		return cfg_fail(c, config_setting_get_member(g, "network_interface"),
				NULL,
				"expected an interface name of at most %d "
				"bytes without '/', got \"%s\"",
				IFNAME_MAX, ifn);
	if (off[0] && !((off[0] == '+' || off[0] == '-') &&
			strlen(off) <= 6 &&
			strspn(off + 1, "0123456789:") == strlen(off + 1)))
		return cfg_fail(c, config_setting_get_member(g, "utc_offset"),
				NULL,
				"expected an offset like \"+01:00\" or "
				"\"-05:30\", got \"%s\"",
				off);
	if (d->host_root[0] && d->host_root[0] != '/')
		return cfg_fail(c, config_setting_get_member(g, "host_root"),
				NULL, "expected an absolute directory, got \"%s\"",
				d->host_root);
	return 0;
}

static int load_device(struct cfg_ctx *c, const config_setting_t *root,
		       struct cfg_device *d)
{
	config_setting_t *g;
	int r;

	if ((r = cfg_get_group(c, root, "device", &g)) < 0 || !g)
		return r;
	if ((r = cfg_check_keys(c, g, device_keys)) < 0 ||
	    (r = cfg_take_string(c, g, "manufacturer", false,
				 &d->manufacturer)) < 0 ||
	    (r = cfg_take_string(c, g, "model", false, &d->model)) < 0 ||
	    (r = cfg_take_string(c, g, "serial_number", false,
				 &d->serial_number)) < 0 ||
	    (r = cfg_take_string(c, g, "reboot_command", false,
				 &d->reboot_command)) < 0 ||
	    (r = cfg_take_string(c, g, "factory_reset_command", false,
				 &d->factory_reset_command)) < 0 ||
	    (r = cfg_take_string(c, g, "timezone", false, &d->timezone)) < 0 ||
	    (r = cfg_take_string(c, g, "utc_offset", false, &d->utc_offset)) <
		    0 ||
	    (r = cfg_take_string(c, g, "device_type", false,
				 &d->device_type)) < 0 ||
	    (r = cfg_take_string(c, g, "hardware_version", false,
				 &d->hardware_version)) < 0 ||
	    (r = cfg_take_string(c, g, "software_version", false,
				 &d->software_version)) < 0 ||
	    (r = cfg_take_string(c, g, "host_root", false, &d->host_root)) <
		    0 ||
	    (r = cfg_take_string(c, g, "network_interface", false,
				 &d->network_interface)) < 0)
		return r;
	if ((r = check_device(c, g, d)) < 0)
		return r;
	return 0;
}

/* A topic prefix is published under, so no wildcards, no "$" (reserved for
 * the broker) and only the {endpoint} placeholder. */
static int check_topic_prefix(struct cfg_ctx *c, const config_setting_t *g,
			      const char *v)
{
	const config_setting_t *s =
		config_setting_get_member(g, "topic_prefix");
	const char *p;

	if (v[0] == '$')
		return cfg_fail(
			c, s, NULL,
			"may not start with '$' (reserved for the broker)");
	if (strpbrk(v, "+#") || has_control(v))
		return cfg_fail(
			c, s, NULL,
			"may not contain '+', '#' or control characters");
	for (p = v; (p = strchr(p, '{')) != NULL; p += 10)
		if (strncmp(p, "{endpoint}", 10) != 0)
			return cfg_fail(c, s, NULL,
					"unknown placeholder at \"%.16s\" "
					"(expected {endpoint})",
					p);
	return 0;
}

static int load_mqtt(struct cfg_ctx *c, const config_setting_t *root,
		     struct cfg_mqtt *m)
{
	config_setting_t *g;
	long long port = m->port, qos = m->qos;
	int r;

	if ((r = cfg_get_group(c, root, "mqtt", &g)) < 0 || !g)
		return r;
	if ((r = cfg_check_keys(c, g, mqtt_keys)) < 0 ||
	    (r = cfg_get_bool(c, g, "enabled", &m->enabled)) < 0 ||
	    (r = cfg_take_string(c, g, "host", true, &m->host)) < 0 ||
	    (r = cfg_get_int(c, g, "port", 1, 65535, &port)) < 0 ||
	    (r = cfg_take_string(c, g, "client_id", false, &m->client_id)) <
		    0 ||
	    (r = cfg_take_string(c, g, "username", false, &m->username)) < 0 ||
	    (r = cfg_take_string(c, g, "password", false, &m->password)) < 0 ||
	    (r = cfg_take_string(c, g, "topic_prefix", true,
				 &m->topic_prefix)) < 0 ||
	    (r = check_topic_prefix(c, g, m->topic_prefix)) < 0 ||
	    (r = cfg_get_int(c, g, "qos", 0, 2, &qos)) < 0 ||
	    (r = cfg_get_bool(c, g, "retain", &m->retain)) < 0 ||
	    (r = cfg_get_u32(c, g, "keepalive", 5, 3600, &m->keepalive)) < 0)
		return r;
	m->port = (uint16_t)port;
	m->qos = (int)qos;
	if (m->password && !m->username)
		return cfg_fail(c, config_setting_get_member(g, "password"),
				NULL, "needs mqtt.username as well");
	return 0;
}

static int load_text(const char *text, const char *name,
		     struct bridge_config **out, struct cfg_error *err)
{
	struct cfg_ctx c = {.name = name, .err = err};
	struct bridge_config *cfg = NULL;
	const config_setting_t *root;
	int r;

	r = cfg_prescan(&c, text);
	if (r < 0)
		goto out;
	cfg = defaults(name);
	if (!cfg || !(cfg->lc = calloc(1, sizeof(*cfg->lc)))) {
		r = -ENOMEM;
		goto out;
	}
	config_init(cfg->lc);
	if (!config_read_string(cfg->lc, text)) {
		const char *why = config_error_text(cfg->lc);

		r = cfg_fail_line(&c, (unsigned)config_error_line(cfg->lc),
				  "%s", why ? why : "cannot parse");
		goto out;
	}
	root = config_root_setting(cfg->lc);
	if ((r = cfg_check_keys(&c, root, root_keys)) < 0 ||
	    (r = load_top(&c, root, cfg)) < 0 ||
	    (r = load_device(&c, root, &cfg->device)) < 0 ||
	    (r = cfg_load_servers(&c, root, cfg)) < 0 ||
	    (r = load_mqtt(&c, root, &cfg->mqtt)) < 0 ||
	    (r = cfg_load_plugins(&c, root, cfg)) < 0)
		goto out;
out:
	if (r == -ENOMEM)
		cfg_fail_line(&c, 0, "out of memory");
	if (r < 0) {
		cfg_free(cfg);
		cfg = NULL;
	}
	*out = cfg;
	return r;
}

int cfg_load_string(const char *text, const char *name,
		    struct bridge_config **out, struct cfg_error *err)
{
	struct cfg_error scratch;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	return load_text(text, name ? name : "<string>", out, err);
}

/* Reads at most CFG_FILE_MAX bytes into a NUL-terminated buffer. */
static int read_file(struct cfg_ctx *c, const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	int r = 0;

	*text = NULL;
	if (!f) {
		r = -errno;
		cfg_fail_line(c, 0, "cannot open %s: %s", path,
			      strerror(errno));
		return r;
	}
	buf = malloc(CFG_FILE_MAX + 2);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	errno = 0;
	len = fread(buf, 1, CFG_FILE_MAX + 1, f);
	if (ferror(f)) {
		r = errno ? -errno : -EIO;
		cfg_fail_line(c, 0, "cannot read %s: %s", path, strerror(-r));
		goto out;
	}
	if (len > CFG_FILE_MAX) {
		r = -EFBIG;
		cfg_fail_line(c, 0, "cannot read %s: larger than %d bytes",
			      path, CFG_FILE_MAX);
		goto out;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		unsigned line = 1;

		for (const char *p = buf; *p; p++)
			line += *p == '\n';
		r = cfg_fail_line(c, line,
				  "contains a NUL byte (not a text file?)");
		goto out;
	}
	*text = buf;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return r;
}

int cfg_load_file(const char *path, struct bridge_config **out,
		  struct cfg_error *err)
{
	struct cfg_error scratch;
	struct cfg_ctx c;
	char *text = NULL;
	int r;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	c.name = path;
	c.err = err;
	*out = NULL;
	r = read_file(&c, path, &text);
	if (r == 0)
		r = load_text(text, path, out, err);
	else if (r == -ENOMEM)
		cfg_fail_line(&c, 0, "out of memory");
	free(text);
	return r;
}

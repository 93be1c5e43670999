/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "config_fixture.h"

/* The source tree: $top_srcdir from the test harness, else the one this
 * test was built from. */
static const char *srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d && d[0] ? d : CFG_TEST_SRCDIR;
}

void cfgfx_src_path(char *buf, size_t size, const char *rel)
{
	int n = snprintf(buf, size, "%s/%s", srcdir(), rel);

	assert_true(n > 0 && (size_t)n < size);
}

struct bridge_config *cfgfx_load_ok(const char *text)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	int r = cfg_load_string(text, "t.conf", &cfg, &err);

	if (r != 0)
		fail_msg("unexpected error: %s", err.text);
	assert_non_null(cfg);
	return cfg;
}

/* Loads text named "t.conf" and expects exactly the message want. */
void cfgfx_expect_error(const char *text, const char *want)
{
	struct bridge_config *cfg = (struct bridge_config *)&cfg;
	struct cfg_error err;
	int r = cfg_load_string(text, "t.conf", &cfg, &err);

	if (r == 0 || strcmp(err.text, want) != 0)
		fail_msg("for:\n%s\nwant: %s\ngot:  %s (%d)", text, want,
			 err.text, r);
	assert_int_equal(r, -EINVAL);
	assert_null(cfg);
}

void cfgfx_expect_file_error(const char *rel, unsigned line, const char *key,
			     const char *message)
{
	struct bridge_config *cfg = (struct bridge_config *)&cfg;
	struct cfg_error err;
	char path[PATH_MAX], want[PATH_MAX + 1024];

	cfgfx_src_path(path, sizeof(path), rel);
	assert_int_equal(cfg_load_file(path, &cfg, &err), -EINVAL);
	assert_null(cfg);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	assert_string_equal(err.key, key);
	assert_string_equal(err.message, message);
	if (key[0])
		snprintf(want, sizeof(want), "%s:%u: %s: %s", path, line, key,
			 message);
	else
		snprintf(want, sizeof(want), "%s:%u: %s", path, line, message);
	assert_string_equal(err.text, want);
}

/* The values every server has unless its entry says otherwise. */
void cfgfx_assert_server_defaults(const struct cfg_server *s)
{
	assert_int_equal(s->security_mode, CFG_SEC_NOSEC);
	assert_null(s->psk_identity);
	assert_int_equal(s->psk_key_len, 0);
	assert_null(s->certificate_file);
	assert_null(s->private_key_file);
	assert_null(s->server_certificate_file);
	assert_null(s->server_public_key_file);
	assert_int_equal(s->lifetime, 86400);
	assert_int_equal(s->default_pmin, 0);
	assert_int_equal(s->default_pmax, 0);
	assert_string_equal(s->binding, "U");
	assert_int_equal(s->binding_flags, CFG_BINDING_U);
	assert_true(s->notification_storing);
	assert_int_equal(s->disable_timeout, 86400);
	assert_int_equal(s->lwm2m_version, CFG_LWM2M_1_1);
	assert_int_equal(s->communication_retry_count, 5);
	assert_int_equal(s->communication_retry_timer, 60);
	assert_int_equal(s->communication_sequence_delay_timer, 86400);
	assert_int_equal(s->communication_sequence_retry_count, 1);
	/* RFC 7252 4.8, and MAX_TRANSMIT_WAIT = 2 s * (2^5 - 1) * 1.5. */
	assert_int_equal(s->ack_timeout_ms, 2000);
	assert_int_equal(s->max_retransmit, 4);
	assert_int_equal(s->queue_timeout, 93);
	assert_int_equal(s->access, CFG_ACCESS_R);
}

/* Every default except the plugins list (see cfgfx_assert_defaults). */
void cfgfx_assert_common_defaults(const struct bridge_config *cfg)
{
	const struct cfg_server *s;

	assert_int_equal(cfg->log_level, LOG_LVL_INFO);
	assert_string_equal(cfg->endpoint, "{hostname}");
	assert_string_equal(cfg->state_dir, BRIDGE_LOCALSTATEDIR);
	assert_int_equal(cfg->n_object_dirs, 2);
	assert_string_equal(cfg->object_dirs[0], BRIDGE_PKGDATADIR "/objects");
	assert_string_equal(cfg->object_dirs[1], BRIDGE_SYSCONFDIR "/objects");
	assert_string_equal(cfg->plugin_dir, BRIDGE_PKGLIBDIR "/plugins");
	assert_string_equal(cfg->device.manufacturer, "lwm2m-bridge project");
	assert_string_equal(cfg->device.model, "lwm2m-bridge");
	assert_string_equal(cfg->device.serial_number, "");
	assert_string_equal(cfg->device.reboot_command, "");
	assert_string_equal(cfg->device.factory_reset_command, "");
	assert_string_equal(cfg->device.timezone, "");
	assert_string_equal(cfg->device.utc_offset, "");
	assert_string_equal(cfg->device.device_type, "gateway");
	assert_string_equal(cfg->device.hardware_version, "");
	assert_string_equal(cfg->device.software_version, "");
	assert_string_equal(cfg->device.host_root, "");
	assert_string_equal(cfg->device.network_interface, "");
	assert_int_equal(cfg->n_servers, 1);
	s = &cfg->servers[0];
	assert_int_equal(s->short_server_id, 1);
	assert_string_equal(s->uri, "coap://127.0.0.1:5683");
	assert_int_equal(s->scheme, CFG_SCHEME_COAP);
	assert_string_equal(s->host, "127.0.0.1");
	assert_int_equal(s->port, 5683);
	cfgfx_assert_server_defaults(s);
	assert_false(cfg->mqtt.enabled);
	assert_string_equal(cfg->mqtt.host, "127.0.0.1");
	assert_int_equal(cfg->mqtt.port, 1883);
	assert_string_equal(cfg->mqtt.client_id, "");
	assert_null(cfg->mqtt.username);
	assert_null(cfg->mqtt.password);
	assert_string_equal(cfg->mqtt.topic_prefix, "lwm2m/{endpoint}");
	assert_int_equal(cfg->mqtt.qos, 1);
	assert_true(cfg->mqtt.retain);
	assert_int_equal(cfg->mqtt.keepalive, 60);
}

/* A file that leaves everything out: the defaults, and no plugin. */
void cfgfx_assert_defaults(const struct bridge_config *cfg)
{
	cfgfx_assert_common_defaults(cfg);
	assert_int_equal(cfg->n_plugins, 0);
	assert_null(cfg->plugins);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* The configuration loader: defaults, whole files, file and syntax errors,
 * and the top-level sections other than the servers list. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libconfig.h>

#include "cfg.h"
#include "config_fixture.h"
#include "config_internal.h"

static void test_defaults(void **state)
{
	struct bridge_config *cfg = cfg_defaults();

	(void)state;
	assert_non_null(cfg);
	cfgfx_assert_common_defaults(cfg);
	/* No file at all: the demo's simulated sensors, optional. */
	assert_int_equal(cfg->n_plugins, 1);
	assert_string_equal(cfg->plugins[0].plugin, "sim");
	assert_string_equal(cfg->plugins[0].name, "sim");
	assert_false(cfg->plugins[0].required);
	assert_null(cfg->plugins[0].settings);
	assert_int_equal(cfg->plugins[0].line, 0);
	assert_string_equal(cfg->source, "(built-in defaults)");
	assert_null(cfg->lc);
	assert_int_equal(cfg->servers[0].line, 0);
	cfg_free(cfg);
	cfg_free(NULL);
}

static void test_empty_file_is_defaults(void **state)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	char path[PATH_MAX];

	(void)state;
	cfgfx_src_path(path, sizeof(path), "tests/data/config/minimal.conf");
	assert_int_equal(cfg_load_file(path, &cfg, &err), 0);
	cfgfx_assert_defaults(cfg);
	assert_string_equal(cfg->source, path);
	cfg_free(cfg);

	cfg = cfgfx_load_ok("");
	cfgfx_assert_defaults(cfg);
	assert_string_equal(cfg->source, "t.conf");
	cfg_free(cfg);
	/* No name given, and no error struct wanted. */
	assert_int_equal(cfg_load_string("", NULL, &cfg, NULL), 0);
	assert_string_equal(cfg->source, "<string>");
	cfg_free(cfg);
}

/* The shipped example must load and say what its comments promise. */
static void test_shipped_example(void **state)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	char path[PATH_MAX];
	int r;

	(void)state;
	cfgfx_src_path(path, sizeof(path), "etc/bridge.conf");
	r = cfg_load_file(path, &cfg, &err);
	if (r != 0)
		fail_msg("%s", err.text);
	/* It shows every default, so it loads to exactly the defaults. */
	cfgfx_assert_defaults(cfg);
	assert_true(cfg->servers[0].line > 0);
	cfg_free(cfg);
}

static void test_full(void **state)
{
	static const uint8_t key[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
				      0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
				      0xcc, 0xdd, 0xee, 0xff};
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	const struct cfg_server *s;
	const struct cfg_plugin *p;
	char path[PATH_MAX];
	const char *str = NULL;
	long long big = 0;
	int baud = 0;

	(void)state;
	/* full.conf has coaps:// and rpk servers: only a GnuTLS build can
	 * run them (the others refuse them; test_config_servers says how). */
	if (strcmp(BRIDGE_COAP_VARIANT, "gnutls") != 0)
		skip();
	cfgfx_src_path(path, sizeof(path), "tests/data/config/full.conf");
	if (cfg_load_file(path, &cfg, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(cfg->log_level, LOG_LVL_DEBUG);
	assert_string_equal(cfg->endpoint,
			    "urn:dev:{hostname}-{machine-id}-{mac:eth0}");
	assert_string_equal(cfg->state_dir, "/tmp/bridge-state");
	assert_int_equal(cfg->n_object_dirs, 3);
	assert_string_equal(cfg->object_dirs[0], "/opt/objects");
	assert_string_equal(cfg->object_dirs[2], "objects");
	assert_string_equal(cfg->plugin_dir, "/opt/plugins");
	assert_string_equal(cfg->device.manufacturer, "ACME");
	assert_string_equal(cfg->device.model, "Gateway 9000");
	assert_string_equal(cfg->device.serial_number, "SN-42");
	assert_string_equal(cfg->device.reboot_command, "/sbin/reboot");
	assert_string_equal(cfg->device.factory_reset_command,
			    "/usr/sbin/firstboot -y");
	assert_string_equal(cfg->device.timezone, "Europe/Berlin");

	assert_int_equal(cfg->n_servers, 4);
	s = &cfg->servers[0];
	assert_int_equal(s->line, 18);
	assert_int_equal(s->short_server_id, 101);
	assert_string_equal(s->uri, "coaps://[2001:db8::1]:15684");
	assert_int_equal(s->scheme, CFG_SCHEME_COAPS);
	assert_string_equal(s->host, "2001:db8::1");
	assert_int_equal(s->port, 15684);
	assert_int_equal(s->security_mode, CFG_SEC_PSK);
	assert_string_equal(s->psk_identity, "gw-1");
	assert_int_equal(s->psk_key_len, sizeof(key));
	assert_memory_equal(s->psk_key, key, sizeof(key));
	assert_null(s->private_key_file);
	assert_int_equal(s->lifetime, 300);
	assert_int_equal(s->default_pmin, 10);
	assert_int_equal(s->default_pmax, 60);
	assert_string_equal(s->binding, "UQ");
	assert_int_equal(s->binding_flags, CFG_BINDING_U | CFG_BINDING_Q);
	assert_false(s->notification_storing);
	assert_int_equal(s->disable_timeout, 0);
	assert_int_equal(s->lwm2m_version, CFG_LWM2M_1_0);
	assert_int_equal(s->communication_retry_count, 3);
	assert_int_equal(s->communication_retry_timer, 2);
	assert_int_equal(s->communication_sequence_delay_timer, 600);
	assert_int_equal(s->communication_sequence_retry_count, 255);
	assert_int_equal(s->ack_timeout_ms, 1000);
	assert_int_equal(s->max_retransmit, 20);
	assert_int_equal(s->queue_timeout, 86400);

	s = &cfg->servers[1];
	assert_int_equal(s->line, 39);
	assert_int_equal(s->short_server_id, 65534);
	assert_int_equal(s->scheme, CFG_SCHEME_COAPS_TCP);
	assert_string_equal(s->host, "lwm2m.example.com");
	assert_int_equal(s->port, 5684);
	assert_int_equal(s->security_mode, CFG_SEC_CERTIFICATE);
	assert_string_equal(s->certificate_file, "/etc/c.crt");
	assert_string_equal(s->private_key_file, "/etc/c.key");
	assert_string_equal(s->server_certificate_file, "/etc/s.crt");
	assert_null(s->server_public_key_file);
	assert_null(s->psk_identity);
	assert_int_equal(s->binding_flags, CFG_BINDING_T);
	assert_int_equal(s->lifetime, 86400);
	/* Set in one entry only: the next keeps the defaults. */
	assert_int_equal(s->ack_timeout_ms, 2000);
	assert_int_equal(s->max_retransmit, 4);
	assert_int_equal(s->queue_timeout, 93);

	s = &cfg->servers[2];
	assert_int_equal(s->scheme, CFG_SCHEME_COAPS);
	assert_string_equal(s->host, "192.0.2.7");
	assert_int_equal(s->port, 5684);
	assert_int_equal(s->security_mode, CFG_SEC_RPK);
	assert_string_equal(s->private_key_file, "/etc/r.key");
	assert_string_equal(s->server_public_key_file, "/etc/s.pub");
	assert_null(s->certificate_file);

	s = &cfg->servers[3];
	assert_int_equal(s->scheme, CFG_SCHEME_COAP_TCP);
	assert_string_equal(s->host, "gw_8.local");
	assert_int_equal(s->port, 1);
	assert_string_equal(s->binding, "UTSN");
	assert_int_equal(s->binding_flags, CFG_BINDING_U | CFG_BINDING_T |
						   CFG_BINDING_S |
						   CFG_BINDING_N);

	assert_true(cfg->mqtt.enabled);
	assert_string_equal(cfg->mqtt.host, "broker.local");
	assert_int_equal(cfg->mqtt.port, 8883);
	assert_string_equal(cfg->mqtt.client_id, "bridge-1");
	assert_string_equal(cfg->mqtt.username, "user");
	assert_string_equal(cfg->mqtt.password, "pass word");
	assert_string_equal(cfg->mqtt.topic_prefix, "home/{endpoint}/lwm2m");
	assert_int_equal(cfg->mqtt.qos, 2);
	assert_false(cfg->mqtt.retain);
	assert_int_equal(cfg->mqtt.keepalive, 3600);

	assert_int_equal(cfg->n_plugins, 2);
	p = &cfg->plugins[0];
	assert_int_equal(p->line, 76);
	assert_string_equal(p->plugin, "sim");
	assert_string_equal(p->name, "sim");
	assert_false(p->required);
	assert_null(p->settings);
	p = &cfg->plugins[1];
	assert_int_equal(p->line, 79);
	assert_string_equal(p->plugin, "modbus");
	assert_string_equal(p->name, "modbus-line_2");
	assert_true(p->required);
	/* The settings block is the plugin's, readable until cfg_free. */
	assert_non_null(p->settings);
	assert_true(config_setting_lookup_string(p->settings, "device", &str));
	assert_string_equal(str, "/dev/ttyUSB0");
	assert_true(config_setting_lookup_int(p->settings, "baud", &baud));
	assert_int_equal(baud, 9600);
	assert_true(config_setting_lookup_int64(p->settings, "big", &big));
	assert_true(big == 5000000000LL);
	assert_int_equal(config_setting_source_line(p->settings), 83);
	cfg_free(cfg);
}
static void test_enum_names(void **state)
{
	(void)state;
	assert_string_equal(cfg_scheme_name(CFG_SCHEME_COAPS_TCP), "coaps+tcp");
	assert_string_equal(cfg_security_name(CFG_SEC_RPK), "rpk");
	assert_string_equal(cfg_lwm2m_version_name(CFG_LWM2M_1_0), "1.0");
	assert_string_equal(cfg_scheme_name((enum cfg_scheme)99), "?");
}

/* The rules of the brief, each from a file, checking every error field. */
static void test_file_errors(void **state)
{
	(void)state;
	cfgfx_expect_file_error("tests/data/config/bad-typo.conf", 6,
				"servers.[0].lifetme",
				"unknown key (did you mean lifetime?)");
	cfgfx_expect_file_error(
		"tests/data/config/bad-type.conf", 5, "servers.[0].lifetime",
		"expected an integer 1..2147483647, got a string");
	cfgfx_expect_file_error("tests/data/config/bad-port.conf", 3,
				"mqtt.port",
				"expected an integer 1..65535, got 70000");
	cfgfx_expect_file_error(
		"tests/data/config/bad-duplicate-id.conf", 7,
		"servers.[1].short_server_id",
		"duplicate value 1 (also used by servers.[0] at "
		"line 2)");
	cfgfx_expect_file_error("tests/data/config/bad-psk-no-key.conf", 2,
				"servers.[0].psk_key",
				"required with security_mode \"psk\"");
	cfgfx_expect_file_error(
		"tests/data/config/bad-coaps-nosec.conf", 5,
		"servers.[0].security_mode",
		"coaps:// needs security_mode \"psk\", \"rpk\" or "
		"\"certificate\", got \"nosec\"");
	cfgfx_expect_file_error(
		"tests/data/config/bad-binding.conf", 5, "servers.[0].binding",
		"unknown binding letter 'X' in \"UX\" (expected U, "
		"T, S, N, or Q)");
	cfgfx_expect_file_error(
		"tests/data/config/bad-placeholder.conf", 2, "endpoint",
		"unknown placeholder {hostnme} (expected {hostname}, "
		"{machine-id} or {mac:IFNAME})");
	cfgfx_expect_file_error("tests/data/config/bad-syntax.conf", 5, "",
				"syntax error");
}

static void test_missing_file(void **state)
{
	struct bridge_config *cfg = (struct bridge_config *)&cfg;
	struct cfg_error err;

	(void)state;
	assert_int_equal(cfg_load_file("/nonexistent/bridge.conf", &cfg, &err),
			 -ENOENT);
	assert_null(cfg);
	assert_string_equal(err.text, "cannot open /nonexistent/bridge.conf: "
				      "No such file or directory");
	assert_string_equal(err.file, "/nonexistent/bridge.conf");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.key, "");
	/* err may be NULL */
	assert_int_equal(cfg_load_file("/nonexistent/x", &cfg, NULL), -ENOENT);
	assert_null(cfg);
}

static void test_unreadable_files(void **state)
{
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	char path[] = "/tmp/test_config_XXXXXX";
	int fd = mkstemp(path);
	char *big;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	/* A NUL byte on line 2. */
	assert_int_equal(fwrite("a = 1;\nb\0 = 2;\n", 1, 15, f), 15);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(cfg_load_file(path, &cfg, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message,
			    "contains a NUL byte (not a text file?)");
	/* One byte over the limit. */
	big = malloc(CFG_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '\n', CFG_FILE_MAX + 1);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	assert_int_equal(fwrite(big, 1, CFG_FILE_MAX + 1, f), CFG_FILE_MAX + 1);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(cfg_load_file(path, &cfg, &err), -EFBIG);
	assert_null(cfg);
	assert_non_null(strstr(err.text, "larger than 1048576 bytes"));
	/* Exactly at the limit is fine (blank lines only). */
	assert_int_equal(ftruncate(fd, CFG_FILE_MAX), 0);
	assert_int_equal(cfg_load_file(path, &cfg, &err), 0);
	cfg_free(cfg);
	free(big);
	fclose(f);
	unlink(path);

	assert_int_equal(cfg_load_file("/", &cfg, &err), -EISDIR);
	assert_string_equal(err.text, "cannot read /: Is a directory");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	cfgfx_expect_error("a = ;", "t.conf:1: syntax error");
	cfgfx_expect_error("\n\nx = \"abc", "t.conf:3: syntax error");
	cfgfx_expect_error("mqtt = { port = 1; port = 2; };",
			   "t.conf:1: duplicate setting name");
	cfgfx_expect_error(
		"\n/* x */ @include \"/etc/hostname\"\n",
		"t.conf:2: @include is not supported; put all settings "
		"in one file");
	cfgfx_expect_error(
		"\n\n\nx = 4294967297;",
		"t.conf:4: integer 4294967297 does not fit in 32 bits; "
		"write 4294967297L for a 64-bit integer");
	cfgfx_expect_error(
		"x = -2147483649;",
		"t.conf:1: integer -2147483649 does not fit in 32 bits; "
		"write -2147483649L for a 64-bit integer");
	cfgfx_expect_error(
		"x = 9223372036854775808L;",
		"t.conf:1: integer 9223372036854775808L does not fit in "
		"64 bits");
	cfgfx_expect_error(
		"x = 99999999999999999999999999;",
		"t.conf:1: integer 99999999999999999999999999 does not "
		"fit in 32 bits; write 99999999999999999999999999L for a "
		"64-bit integer");
	/* Line numbers agree with libconfig's across multi-line strings and
	 * comments. */
	cfgfx_expect_error(
		"a = \"x\ny\\\nz\";\n/*\n*/ b = 4294967297;",
		"t.conf:5: integer 4294967297 does not fit in 32 bits; "
		"write 4294967297L for a 64-bit integer");
	cfgfx_expect_error("a = \"x\ny\\\nz\";\n/*\n*/ b = ;",
			   "t.conf:5: syntax error");
	cfgfx_expect_error(
		"x = 0x1FFFFFFFF;",
		"t.conf:1: hexadecimal integer 0x1FFFFFFFF does not fit "
		"in 32 bits");
	cfgfx_expect_error(
		"x = 0x1FFFFFFFFFFFFFFFFL;",
		"t.conf:1: hexadecimal integer 0x1FFFFFFFFFFFFFFFFL does "
		"not fit in 64 bits");
}

/* What the pre-scan must leave alone. */
static void test_prescan_accepts(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(
		"# @include \"x\" 99999999999\n"
		"// 99999999999 @\n"
		"/* 99999999999\n @include */\n"
		"device = { model = \"@include 99999999999 \\\" 99999999999\"; "
		"timezone = \"a\\\\\"; };\n"
		"plugins = ( { plugin = \"p\"; settings = { a = 2147483647; "
		"b = -2147483648; c = 9223372036854775807L; "
		"d = -9223372036854775808L; e = 0xFFFFFFFF; "
		"f = 0x00000000FFFFFFFF; g = 0xFFFFFFFFFFFFFFFFL; h = 1.5e10; "
		"i = 99999999999.5; j = .99999999999; k = 1E+99999999999; "
		"name-99999999999 = 1; x99999999999 = 2; }; } );\n"
		"endpoint = \"x\";");
	assert_string_equal(cfg->device.model,
			    "@include 99999999999 \" 99999999999");
	assert_string_equal(cfg->device.timezone, "a\\");
	assert_string_equal(cfg->endpoint, "x");
	cfg_free(cfg);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	cfgfx_expect_error(
		"log_levl = \"info\";",
		"t.conf:1: log_levl: unknown key (did you mean log_level?)");
	cfgfx_expect_error(
		"LOG_LEVEL = \"info\";",
		"t.conf:1: LOG_LEVEL: unknown key (did you mean log_level?)");
	cfgfx_expect_error("\nfoo = 1;", "t.conf:2: foo: unknown key");
	cfgfx_expect_error(
		"device = {\n modle = \"x\"; };",
		"t.conf:2: device.modle: unknown key (did you mean model?)");
	cfgfx_expect_error(
		"mqtt = { prot = 1; };",
		"t.conf:1: mqtt.prot: unknown key (did you mean port?)");
	cfgfx_expect_error(
		"servers = ( { short_server_id = 1; uri = \"coap://h\"; "
		"psk = 1; } );",
		"t.conf:1: servers.[0].psk: unknown key");
	cfgfx_expect_error(
		"plugins = ( { plugin = \"p\"; setting = {}; } );",
		"t.conf:1: plugins.[0].setting: unknown key (did you mean "
		"settings?)");
	cfgfx_expect_error(
		"servers = ( { short_server_id = 1; uri = \"coap://h\"; "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaa = 1; } );",
		"t.conf:1: servers.[0].aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: unknown key");
}

static void test_wrong_types(void **state)
{
	(void)state;
	cfgfx_expect_error(
		"log_level = 3;",
		"t.conf:1: log_level: expected \"err\", \"warning\", "
		"\"notice\", \"info\" or \"debug\", got an integer");
	cfgfx_expect_error(
		"log_level = \"verbose\";",
		"t.conf:1: log_level: expected \"err\", \"warning\", "
		"\"notice\", \"info\" or \"debug\", got \"verbose\"");
	cfgfx_expect_error(
		"endpoint = 1;",
		"t.conf:1: endpoint: expected a string, got an integer");
	cfgfx_expect_error(
		"endpoint = \"\";",
		"t.conf:1: endpoint: expected a non-empty string, got \"\"");
	cfgfx_expect_error(
		"state_dir = [\"a\"];",
		"t.conf:1: state_dir: expected a string, got an array");
	cfgfx_expect_error(
		"device = \"x\";",
		"t.conf:1: device: expected a group { ... }, got a string");
	cfgfx_expect_error(
		"device = { model = true; };",
		"t.conf:1: device.model: expected a string, got a boolean");
	cfgfx_expect_error(
		"mqtt = { enabled = 1; };",
		"t.conf:1: mqtt.enabled: expected a boolean (true or "
		"false), got an integer");
	cfgfx_expect_error(
		"mqtt = { enabled = \"yes\"; };",
		"t.conf:1: mqtt.enabled: expected a boolean (true or "
		"false), got a string");
	cfgfx_expect_error(
		"mqtt = { port = 1883.0; };",
		"t.conf:1: mqtt.port: expected an integer 1..65535, got a "
		"float");
	cfgfx_expect_error(
		"mqtt = { qos = 3; };",
		"t.conf:1: mqtt.qos: expected an integer 0..2, got 3");
	cfgfx_expect_error(
		"mqtt = { keepalive = 4; };",
		"t.conf:1: mqtt.keepalive: expected an integer 5..3600, "
		"got 4");
	cfgfx_expect_error(
		"mqtt = { port = 0L; };",
		"t.conf:1: mqtt.port: expected an integer 1..65535, got 0");
	cfgfx_expect_error(
		"mqtt = { port = 65536L; };",
		"t.conf:1: mqtt.port: expected an integer 1..65535, got "
		"65536");
	cfgfx_expect_error(
		"mqtt = ( 1 );",
		"t.conf:1: mqtt: expected a group { ... }, got a list");
	cfgfx_expect_error(
		"servers = { };",
		"t.conf:1: servers: expected a list of groups ( { ... }, "
		"... ), got a group");
	cfgfx_expect_error(
		"servers = [ 1 ];",
		"t.conf:1: servers: expected a list of groups ( { ... }, "
		"... ), got an array");
	cfgfx_expect_error(
		"servers = ( 1 );",
		"t.conf:1: servers.[0]: expected a group { ... }, got an "
		"integer");
	cfgfx_expect_error(
		"plugins = ( \"sim\" );",
		"t.conf:1: plugins.[0]: expected a group { ... }, got a "
		"string");
	cfgfx_expect_error(
		"plugins = \"sim\";",
		"t.conf:1: plugins: expected a list of groups ( { ... }, "
		"... ), got a string");
	cfgfx_expect_error(
		"object_dirs = \"/x\";",
		"t.conf:1: object_dirs: expected an array of strings [ "
		"\"dir\", ... ], got a string");
	cfgfx_expect_error(
		"object_dirs = [];",
		"t.conf:1: object_dirs: expected at least one directory, "
		"got an empty array");
	cfgfx_expect_error(
		"object_dirs = ();",
		"t.conf:1: object_dirs: expected at least one directory, "
		"got an empty list");
	cfgfx_expect_error(
		"object_dirs = [\n1 ];",
		"t.conf:2: object_dirs.[0]: expected a string, got an "
		"integer");
	cfgfx_expect_error(
		"object_dirs = ( \"a\", \"\" );",
		"t.conf:1: object_dirs.[1]: expected a non-empty string, "
		"got \"\"");
	cfgfx_expect_error(
		"servers = ( { short_server_id = 1; uri = \"coap://h\"; "
		"lwm2m_version = 1.1; } );",
		"t.conf:1: servers.[0].lwm2m_version: expected \"1.0\" or "
		"\"1.1\", got a float (write it in quotes)");
}

static void test_endpoint(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(
		"endpoint = \"{mac:enp0s31f6}x{hostname}{machine-id}\";");
	assert_string_equal(cfg->endpoint,
			    "{mac:enp0s31f6}x{hostname}{machine-id}");
	cfg_free(cfg);
	cfg = cfgfx_load_ok("endpoint = \"urn:imei:123456789012345\";");
	cfg_free(cfg);

	cfgfx_expect_error(
		"endpoint = \"{host}\";",
		"t.conf:1: endpoint: unknown placeholder {host} (expected "
		"{hostname}, {machine-id} or {mac:IFNAME})");
	cfgfx_expect_error("endpoint = \"x{hostname\";",
			   "t.conf:1: endpoint: unterminated placeholder '{'");
	cfgfx_expect_error("endpoint = \"x}\";",
			   "t.conf:1: endpoint: unmatched '}'");
	cfgfx_expect_error(
		"endpoint = \"{mac:}\";",
		"t.conf:1: endpoint: invalid interface name in {mac:} "
		"(1..15 characters, no '/', ':' or blanks)");
	cfgfx_expect_error(
		"endpoint = \"{mac:abcdefghijklmnop}\";",
		"t.conf:1: endpoint: invalid interface name in "
		"{mac:abcdefghijklmnop} (1..15 characters, no '/', ':' "
		"or blanks)");
	cfgfx_expect_error(
		"endpoint = \"{mac:a/b}\";",
		"t.conf:1: endpoint: invalid interface name in {mac:a/b} "
		"(1..15 characters, no '/', ':' or blanks)");
	cfgfx_expect_error(
		"endpoint = \"{mac:a{b}\";",
		"t.conf:1: endpoint: invalid interface name in {mac:a{b} "
		"(1..15 characters, no '/', ':' or blanks)");
	cfgfx_expect_error("endpoint = \"a\\nb\";",
			   "t.conf:1: endpoint: contains a control character");
	cfgfx_expect_error(
		"endpoint = "
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";",
		"t.conf:1: endpoint: longer than 255 characters");
}

static void test_mqtt(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok("mqtt = { username = \"u\"; };");
	assert_string_equal(cfg->mqtt.username, "u");
	assert_null(cfg->mqtt.password);
	cfg_free(cfg);
	cfg = cfgfx_load_ok(
		"mqtt = { topic_prefix = \"a/{endpoint}/b/{endpoint}\"; };");
	cfg_free(cfg);

	cfgfx_expect_error(
		"mqtt = {\n password = \"p\"; };",
		"t.conf:2: mqtt.password: needs mqtt.username as well");
	cfgfx_expect_error(
		"mqtt = { host = \"\"; };",
		"t.conf:1: mqtt.host: expected a non-empty string, got \"\"");
	cfgfx_expect_error(
		"mqtt = { topic_prefix = \"a/+/b\"; };",
		"t.conf:1: mqtt.topic_prefix: may not contain '+', '#' or "
		"control characters");
	cfgfx_expect_error(
		"mqtt = { topic_prefix = \"a/#\"; };",
		"t.conf:1: mqtt.topic_prefix: may not contain '+', '#' or "
		"control characters");
	cfgfx_expect_error(
		"mqtt = { topic_prefix = \"$SYS/x\"; };",
		"t.conf:1: mqtt.topic_prefix: may not start with '$' "
		"(reserved for the broker)");
	cfgfx_expect_error(
		"mqtt = { topic_prefix = \"x/{hostname}\"; };",
		"t.conf:1: mqtt.topic_prefix: unknown placeholder at "
		"\"{hostname}\" (expected {endpoint})");
}

static void test_plugins(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(
		"plugins = (\n { plugin = \"gpio\"; name = \"leds\"; },\n"
		" { plugin = \"gpio\"; name = \"buttons\"; required = "
		"false; settings = { }; } );");
	assert_int_equal(cfg->n_plugins, 2);
	assert_int_equal(cfg->plugins[0].line, 2);
	assert_string_equal(cfg->plugins[1].name, "buttons");
	assert_non_null(cfg->plugins[1].settings);
	assert_int_equal(config_setting_length(cfg->plugins[1].settings), 0);
	cfg_free(cfg);

	cfgfx_expect_error(
		"plugins = (\n { name = \"x\"; } );",
		"t.conf:2: plugins.[0].plugin: required key missing (the "
		"shared object's name, e.g. \"sim\" for sim.so)");
	cfgfx_expect_error(
		"plugins = ( { plugin = \"../evil\"; } );",
		"t.conf:1: plugins.[0].plugin: expected only letters, "
		"digits, _ and -, got \"../evil\"");
	cfgfx_expect_error(
		"plugins = ( { plugin = \"\"; } );",
		"t.conf:1: plugins.[0].plugin: expected 1..64 characters, "
		"got 0");
	cfgfx_expect_error("plugins = ( { plugin = \"p\"; name = \"a b\"; } );",
			   "t.conf:1: plugins.[0].name: expected only letters, "
			   "digits, _ and -, got \"a b\"");
	cfgfx_expect_error(
		"plugins = ( { plugin = \"p\"; required = \"yes\"; } );",
		"t.conf:1: plugins.[0].required: expected a boolean (true "
		"or false), got a string");
	cfgfx_expect_error(
		"plugins = ( { plugin = \"p\"; settings = 1; } );",
		"t.conf:1: plugins.[0].settings: expected a group { ... }, "
		"got an integer");
	cfgfx_expect_error(
		"plugins = (\n { plugin = \"sim\"; },\n { plugin = \"sim\"; "
		"} );",
		"t.conf:3: plugins.[1].name: duplicate instance name "
		"\"sim\" (also used by plugins.[0] at line 2); give each "
		"instance its own name");
	cfgfx_expect_error(
		"plugins = (\n { plugin = \"a\"; name = \"x\"; },\n "
		"{ plugin = \"b\";\n name = \"x\"; } );",
		"t.conf:4: plugins.[1].name: duplicate instance name \"x\" "
		"(also used by plugins.[0] at line 2); give each instance "
		"its own name");
}

/* A key longer than err.key is cut, never overflowing. */
static void test_long_key_is_truncated_safely(void **state)
{
	struct bridge_config *cfg = (struct bridge_config *)&cfg;
	struct cfg_error err;
	char text[600];

	(void)state;
	memset(text, 0, sizeof(text));
	strcpy(text, "device = { ");
	memset(text + strlen(text), 'k', 400);
	strcat(text, " = 1; };");
	assert_int_equal(cfg_load_string(text, "t.conf", &cfg, &err), -EINVAL);
	assert_null(cfg);
	assert_int_equal(strlen(err.key), sizeof(err.key) - 1);
	assert_int_equal(strncmp(err.key, "device.kkk", 10), 0);
	assert_string_equal(err.message, "unknown key");
}

/* cfg_get_string_list alone: the list check object_dirs and send.paths
 * share. */
static void test_string_list(void **state)
{
	static const char text[] = "a = [ \"x\", \"y\" ];\n"
				   "b = ( \"x\", \"\" );\n"
				   "c = 3;\n"
				   "d = [ ];\n"
				   "e = ( \"x\",\n 2 );\n";
	struct cfg_error err;
	struct cfg_ctx c = {.name = "t.conf", .err = &err};
	const config_setting_t *root, *out;
	config_t lc;

	(void)state;
	config_init(&lc);
	assert_int_equal(config_read_string(&lc, text), CONFIG_TRUE);
	root = config_root_setting(&lc);
	memset(&err, 0, sizeof(err));

	/* absent: 0, *out untouched */
	out = root;
	assert_int_equal(
		cfg_get_string_list(&c, root, "z", "a list", 1, 9, true, &out),
		0);
	assert_ptr_equal(out, root);
	out = NULL;
	assert_int_equal(
		cfg_get_string_list(&c, root, "a", "a list", 1, 9, true, &out),
		0);
	assert_ptr_equal(out, config_setting_get_member(root, "a"));
	assert_int_equal(config_setting_length(out), 2);
	assert_string_equal(config_setting_get_string_elem(out, 1), "y");
	/* too long or too short: -ERANGE, nothing recorded, *out set */
	out = NULL;
	assert_int_equal(
		cfg_get_string_list(&c, root, "a", "a list", 1, 1, true, &out),
		-ERANGE);
	assert_ptr_equal(out, config_setting_get_member(root, "a"));
	out = NULL;
	assert_int_equal(
		cfg_get_string_list(&c, root, "d", "a list", 1, 9, true, &out),
		-ERANGE);
	assert_ptr_equal(out, config_setting_get_member(root, "d"));
	assert_string_equal(err.text, "");
	assert_int_equal(
		cfg_get_string_list(&c, root, "d", "a list", 0, 9, true, &out),
		0);
	/* "" only refused with nonempty */
	assert_int_equal(
		cfg_get_string_list(&c, root, "b", "a list", 1, 9, false, &out),
		0);
	assert_int_equal(
		cfg_get_string_list(&c, root, "b", "a list", 1, 9, true, &out),
		-EINVAL);
	assert_string_equal(err.text, "t.conf:2: b.[1]: expected a non-empty "
				      "string, got \"\"");
	assert_int_equal(cfg_get_string_list(&c, root, "c", "a list of x", 1, 9,
					     true, &out),
			 -EINVAL);
	assert_string_equal(
		err.text, "t.conf:3: c: expected a list of x, got an integer");
	assert_int_equal(
		cfg_get_string_list(&c, root, "e", "a list", 1, 9, false, &out),
		-EINVAL);
	assert_string_equal(
		err.text, "t.conf:6: e.[1]: expected a string, got an integer");
	config_destroy(&lc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_file_is_defaults),
		cmocka_unit_test(test_shipped_example),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_enum_names),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unreadable_files),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_prescan_accepts),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_mqtt),
		cmocka_unit_test(test_plugins),
		cmocka_unit_test(test_long_key_is_truncated_safely),
		cmocka_unit_test(test_string_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

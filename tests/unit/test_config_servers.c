/* SPDX-License-Identifier: BSD-3-Clause */
/* The configuration loader: the servers list (URIs, security, CoAP
 * parameters, host syntax) and its errors. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "config_fixture.h"

static void test_server_variants(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(
		"servers = ( { short_server_id = 3; "
		"uri = \"coap://[::1]\"; }, { short_server_id = 4; "
		"uri = \"coap://[fe80::1%25eth0]:99\"; lifetime = 2147483647L; "
		"default_pmin = 5; default_pmax = 5; binding = \"SQU\"; } );");
	assert_int_equal(cfg->n_servers, 2);
	assert_string_equal(cfg->servers[0].host, "::1");
	assert_int_equal(cfg->servers[0].port, 5683);
	cfgfx_assert_server_defaults(&cfg->servers[0]);
	assert_string_equal(cfg->servers[1].host, "fe80::1%eth0");
	assert_int_equal(cfg->servers[1].port, 99);
	assert_int_equal(cfg->servers[1].lifetime, 2147483647u);
	assert_int_equal(cfg->servers[1].binding_flags,
			 CFG_BINDING_U | CFG_BINDING_S | CFG_BINDING_Q);
	cfg_free(cfg);

	/* pmin without pmax is fine: pmax 0 means none. */
	cfg = cfgfx_load_ok("servers = ( { short_server_id = 1; uri = "
			    "\"coap://h\"; default_pmin = 100; } );");
	assert_int_equal(cfg->servers[0].default_pmin, 100);
	cfg_free(cfg);

	/* No LwM2M server at all, and an empty array for an empty list. */
	cfg = cfgfx_load_ok("servers = ();");
	assert_int_equal(cfg->n_servers, 0);
	cfg_free(cfg);
	cfg = cfgfx_load_ok("servers = []; plugins = [];");
	assert_int_equal(cfg->n_servers, 0);
	assert_int_equal(cfg->n_plugins, 0);
	cfg_free(cfg);
}
#define Z10	  "0000000000"
#define SRV(body) "servers = ( {\n short_server_id = 1;\n " body " } );"

static void test_server_errors(void **state)
{
	(void)state;
	cfgfx_expect_error(
		"servers = ( {\n uri = \"coap://h\"; } );",
		"t.conf:1: servers.[0].short_server_id: required key "
		"missing (an integer 1..65534)");
	cfgfx_expect_error(
		"servers = ( { short_server_id = 1; } );",
		"t.conf:1: servers.[0].uri: required key missing (e.g. "
		"\"coap://127.0.0.1:5683\")");
	cfgfx_expect_error(
		"servers = ( { short_server_id = 0; uri = \"coap://h\"; } );",
		"t.conf:1: servers.[0].short_server_id: expected an "
		"integer 1..65534, got 0");
	cfgfx_expect_error("servers = ( { short_server_id = 65535; } );",
			   "t.conf:1: servers.[0].short_server_id: expected an "
			   "integer 1..65534, got 65535");
	cfgfx_expect_error(
		SRV("uri = 5;"),
		"t.conf:3: servers.[0].uri: expected a string, got an "
		"integer");
	cfgfx_expect_error(SRV("uri = \"127.0.0.1:5683\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"127.0.0.1:5683\": expected scheme://host[:port]");
	cfgfx_expect_error(
		SRV("uri = \"http://h\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"http://h\": "
		"unsupported scheme \"http\" (expected coap, coaps, "
		"coap+tcp or coaps+tcp)");
	cfgfx_expect_error(
		SRV("uri = \"coap://\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://\": "
		"missing host");
	cfgfx_expect_error(
		SRV("uri = \"coap://:5683\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://:5683\": "
		"missing host");
	cfgfx_expect_error(
		SRV("uri = \"coap://h:0\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://h:0\": "
		"expected a port 1..65535");
	cfgfx_expect_error(SRV("uri = \"coap://h:65536\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://h:65536\": expected a port 1..65535");
	cfgfx_expect_error(SRV("uri = \"coap://h:99999999999999999999\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://h:99999999999999999999\": expected a port "
			   "1..65535");
	cfgfx_expect_error(
		SRV("uri = \"coap://h:\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://h:\": "
		"expected a port 1..65535");
	cfgfx_expect_error(
		SRV("uri = \"coap://h:12a\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://h:12a\": "
		"unexpected \"a\" after host and port (a server URI has "
		"no path or query)");
	cfgfx_expect_error(
		SRV("uri = \"coap://h/rd\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://h/rd\": "
		"unexpected \"rd\" after host and port (a server URI has "
		"no path or query)");
	cfgfx_expect_error(SRV("uri = \"coap://300.1.1.1\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://300.1.1.1\": invalid host \"300.1.1.1\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://bad host\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://bad "
		"host\": invalid host \"bad host\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://-h.example\";"),
		"t.conf:3: servers.[0].uri: invalid URI "
		"\"coap://-h.example\": invalid host \"-h.example\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://a..b\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://a..b\": "
		"invalid host \"a..b\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://[::1\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://[::1\": "
		"invalid IPv6 address");
	cfgfx_expect_error(SRV("uri = \"coap://[1.2.3.4]\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://[1.2.3.4]\": invalid IPv6 address");
	cfgfx_expect_error(SRV("uri = \"coap://[fe80::1%]\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://[fe80::1%]\": invalid IPv6 address");
	cfgfx_expect_error(
		SRV("uri = \"coap://[::1]x\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://[::1]x\": "
		"unexpected \"x\" after host and port (a server URI has "
		"no path or query)");

	/* security */
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\";"),
		"t.conf:1: servers.[0].security_mode: coaps:// needs "
		"security_mode \"psk\", \"rpk\" or \"certificate\", got "
		"\"nosec\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\";\n security_mode = \"psk\";"),
		"t.conf:4: servers.[0].security_mode: security_mode "
		"\"psk\" needs a coaps:// or coaps+tcp:// uri, got "
		"coap://");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"none\";"),
		"t.conf:3: servers.[0].security_mode: expected \"nosec\", "
		"\"psk\", \"rpk\" or \"certificate\", got \"none\"");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"psk\";\n "
		    "psk_key = \"00\";"),
		"t.conf:1: servers.[0].psk_identity: required with "
		"security_mode \"psk\"");
	cfgfx_expect_error(SRV("uri = \"coap://h\";\n psk_key = \"00\";"),
			   "t.conf:4: servers.[0].psk_key: not used with "
			   "security_mode \"nosec\"");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"psk\"; "
		    "psk_identity = \"i\";\n psk_key = \"0\";"),
		"t.conf:4: servers.[0].psk_key: expected an even number "
		"of hex digits (1..64 bytes), got 1 digits");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"psk\"; "
		    "psk_identity = \"i\"; psk_key = \"\";"),
		"t.conf:3: servers.[0].psk_key: expected an even number "
		"of hex digits (1..64 bytes), got 0 digits");
	cfgfx_expect_error(SRV("uri = \"coaps://h\"; security_mode = \"psk\"; "
			       "psk_identity = \"i\"; psk_key = \"0g\";"),
			   "t.conf:3: servers.[0].psk_key: expected hex digits "
			   "0-9a-f, got a non-hex character at position 2");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"psk\"; "
		    "psk_identity = \"i\"; psk_key = \"" Z10 Z10 Z10 Z10 Z10 Z10
			    Z10 Z10 Z10 Z10 Z10 Z10 Z10 "\";"),
		"t.conf:3: servers.[0].psk_key: expected an even number "
		"of hex digits (1..64 bytes), got 130 digits");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"psk\"; "
		    "psk_identity = \"\"; psk_key = \"00\";"),
		"t.conf:3: servers.[0].psk_identity: expected a non-empty "
		"string, got \"\"");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"rpk\"; "
		    "private_key_file = \"k\";"),
		"t.conf:1: servers.[0].server_public_key_file: required "
		"with security_mode \"rpk\"");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"rpk\"; "
		    "private_key_file = \"k\"; server_public_key_file = "
		    "\"p\";\n certificate_file = \"c\";"),
		"t.conf:4: servers.[0].certificate_file: not used with "
		"security_mode \"rpk\"");
	cfgfx_expect_error(
		SRV("uri = \"coaps+tcp://h\"; security_mode = "
		    "\"certificate\"; certificate_file = \"c\"; "
		    "private_key_file = \"k\"; binding = \"T\";"),
		"t.conf:1: servers.[0].server_certificate_file: required "
		"with security_mode \"certificate\"");

	/* numbers and combinations */
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; lifetime = 0;"),
		"t.conf:3: servers.[0].lifetime: expected an integer "
		"1..2147483647, got 0");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; lifetime = 2147483648L;"),
		"t.conf:3: servers.[0].lifetime: expected an integer "
		"1..2147483647, got 2147483648");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; lifetime = 60.0;"),
		"t.conf:3: servers.[0].lifetime: expected an integer "
		"1..2147483647, got a float");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; default_pmin = -1;"),
		"t.conf:3: servers.[0].default_pmin: expected an integer "
		"0..2147483647, got -1");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; default_pmin = 61; "
		    "default_pmax = 60;"),
		"t.conf:1: servers.[0].default_pmin: 61 is greater than "
		"default_pmax 60");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; notification_storing = 0;"),
		"t.conf:3: servers.[0].notification_storing: expected a "
		"boolean (true or false), got an integer");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; communication_retry_count = 0;"),
		"t.conf:3: servers.[0].communication_retry_count: "
		"expected an integer 1..255, got 0");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; communication_retry_timer = 0;"),
		"t.conf:3: servers.[0].communication_retry_timer: "
		"expected an integer 1..2147483647, got 0");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; "
		    "communication_sequence_delay_timer = -1;"),
		"t.conf:3: servers.[0].communication_sequence_delay_timer: "
		"expected an integer 0..2147483647, got -1");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; "
		    "communication_sequence_retry_count = 256;"),
		"t.conf:3: servers.[0].communication_sequence_retry_count: "
		"expected an integer 1..255, got 256");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; disable_timeout = \"1\";"),
			   "t.conf:3: servers.[0].disable_timeout: expected an "
			   "integer 0..2147483647, got a string");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; lwm2m_version = \"1.2\";"),
		"t.conf:3: servers.[0].lwm2m_version: expected \"1.0\" or "
		"\"1.1\", got \"1.2\"");

	/* binding */
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; binding = \"u\";"),
		"t.conf:3: servers.[0].binding: unknown binding letter "
		"'u' in \"u\" (expected U, T, S, N, or Q)");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; binding = \"UQU\";"),
			   "t.conf:3: servers.[0].binding: binding letter 'U' "
			   "repeated in \"UQU\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; binding = \"Q\";"),
		"t.conf:3: servers.[0].binding: binding \"Q\" has no "
		"transport (U, T, S or N)");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; binding = \"\";"),
		"t.conf:3: servers.[0].binding: expected a non-empty "
		"string, got \"\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; binding = \"SQ\";"),
		"t.conf:3: servers.[0].binding: binding \"SQ\" lacks U, "
		"needed for a coap:// uri");
	cfgfx_expect_error(
		SRV("uri = \"coap+tcp://h\";"),
		"t.conf:1: servers.[0].binding: binding \"U\" lacks T, "
		"needed for a coap+tcp:// uri");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; binding = \"UT\"; "
		    "lwm2m_version = \"1.0\";"),
		"t.conf:3: servers.[0].binding: binding letters T and N "
		"need lwm2m_version \"1.1\"");
	cfgfx_expect_error(SRV("uri = \"coap+tcp://h\"; binding = \"T\"; "
			       "lwm2m_version = \"1.0\";"),
			   "t.conf:1: servers.[0].uri: coap+tcp:// needs "
			   "lwm2m_version \"1.1\"");

	/* duplicates after several entries */
	cfgfx_expect_error(
		"servers = (\n{ short_server_id = 1; uri = \"coap://a\"; },"
		"\n{ short_server_id = 2; uri = \"coap://b\"; },\n"
		"{ short_server_id = 2; uri = \"coap://c\"; });",
		"t.conf:4: servers.[2].short_server_id: duplicate value 2 "
		"(also used by servers.[1] at line 3)");
}

/* The observation and notification-store bounds. */
static void test_server_notification_params(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\";"));
	assert_int_equal(cfg->servers[0].max_observations, 1024);
	assert_int_equal(cfg->servers[0].notification_store_count, 64);
	assert_int_equal(cfg->servers[0].notification_store_bytes, 65536);
	assert_int_equal(cfg->servers[0].confirmable_interval, 86400);
	cfg_free(cfg);
	cfg = cfgfx_load_ok(
		SRV("uri = \"coap://h\"; max_observations = 65535;\n "
		    "notification_store_count = 100000;\n "
		    "notification_store_bytes = 1024; confirmable_interval = 1;"));
	assert_int_equal(cfg->servers[0].max_observations, 65535);
	assert_int_equal(cfg->servers[0].notification_store_count, 100000);
	assert_int_equal(cfg->servers[0].notification_store_bytes, 1024);
	assert_int_equal(cfg->servers[0].confirmable_interval, 1);
	cfg_free(cfg);
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_observations = 0;"),
			   "t.conf:3: servers.[0].max_observations: expected "
			   "an integer 1..65535, got 0");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; notification_store_count = 100001;"),
		"t.conf:3: servers.[0].notification_store_count: expected an "
		"integer 1..100000, got 100001");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; notification_store_bytes = 1023;"),
		"t.conf:3: servers.[0].notification_store_bytes: expected an "
		"integer 1024..16777216, got 1023");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; confirmable_interval = 0;"),
		"t.conf:3: servers.[0].confirmable_interval: expected an "
		"integer 1..2147483647, got 0");
}

/* The access rights of a server on instances it does not own. */
static void test_server_access(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\"; access = \"cdewr\";"));
	assert_int_equal(cfg->servers[0].access,
			 CFG_ACCESS_R | CFG_ACCESS_W | CFG_ACCESS_E |
				 CFG_ACCESS_D | CFG_ACCESS_C);
	cfg_free(cfg);
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\"; access = \"\";"));
	assert_int_equal(cfg->servers[0].access, 0);
	cfg_free(cfg);
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\"; access = \"we\";"));
	assert_int_equal(cfg->servers[0].access, CFG_ACCESS_W | CFG_ACCESS_E);
	cfg_free(cfg);
	cfgfx_expect_error(SRV("uri = \"coap://h\"; access = \"rx\";"),
			   "t.conf:3: servers.[0].access: unknown access "
			   "letter 'x' in \"rx\" (expected r, w, e, d or c)");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; access = \"rwr\";"),
			   "t.conf:3: servers.[0].access: access letter 'r' "
			   "repeated in \"rwr\"");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; access = 1;"),
			   "t.conf:3: servers.[0].access: expected a string, "
			   "got an integer");
}

/* The CoAP transmission parameters and the queue mode timeout. */
static void test_server_coap_params(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	/* The other bounds (full.conf has 1000, 20 and 86400), one of them
	 * as a 64-bit literal. */
	cfg = cfgfx_load_ok(
		SRV("uri = \"coap://h\"; binding = \"UQ\";\n "
		    "ack_timeout_ms = 60000L; max_retransmit = 1;\n "
		    "queue_timeout = 1;"));
	assert_int_equal(cfg->servers[0].ack_timeout_ms, 60000);
	assert_int_equal(cfg->servers[0].max_retransmit, 1);
	assert_int_equal(cfg->servers[0].queue_timeout, 1);
	cfg_free(cfg);
	/* Each alone; the others keep their defaults.  queue_timeout is
	 * accepted without Q: it just has nothing to act on. */
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\"; ack_timeout_ms = 3500;"));
	assert_int_equal(cfg->servers[0].ack_timeout_ms, 3500);
	assert_int_equal(cfg->servers[0].max_retransmit, 4);
	assert_int_equal(cfg->servers[0].queue_timeout, 93);
	cfg_free(cfg);
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\"; max_retransmit = 7;"));
	assert_int_equal(cfg->servers[0].ack_timeout_ms, 2000);
	assert_int_equal(cfg->servers[0].max_retransmit, 7);
	assert_int_equal(cfg->servers[0].queue_timeout, 93);
	cfg_free(cfg);
	cfg = cfgfx_load_ok(SRV("uri = \"coap://h\"; queue_timeout = 300;"));
	assert_int_equal(cfg->servers[0].ack_timeout_ms, 2000);
	assert_int_equal(cfg->servers[0].max_retransmit, 4);
	assert_int_equal(cfg->servers[0].queue_timeout, 300);
	cfg_free(cfg);

	/* ack_timeout_ms */
	cfgfx_expect_error(SRV("uri = \"coap://h\";\n ack_timeout_ms = 999;"),
			   "t.conf:4: servers.[0].ack_timeout_ms: expected an "
			   "integer 1000..60000, got 999");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; ack_timeout_ms = 60001;"),
			   "t.conf:3: servers.[0].ack_timeout_ms: expected an "
			   "integer 1000..60000, got 60001");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; ack_timeout_ms = 0;"),
			   "t.conf:3: servers.[0].ack_timeout_ms: expected an "
			   "integer 1000..60000, got 0");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; ack_timeout_ms = -2000;"),
			   "t.conf:3: servers.[0].ack_timeout_ms: expected an "
			   "integer 1000..60000, got -2000");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; ack_timeout_ms = 4294969296L;"),
		"t.conf:3: servers.[0].ack_timeout_ms: expected an "
		"integer 1000..60000, got 4294969296");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; ack_timeout_ms = 2.5;"),
			   "t.conf:3: servers.[0].ack_timeout_ms: expected an "
			   "integer 1000..60000, got a float");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; ack_timeout_ms = \"2000\";"),
		"t.conf:3: servers.[0].ack_timeout_ms: expected an "
		"integer 1000..60000, got a string");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; ack_timeout_ms = true;"),
			   "t.conf:3: servers.[0].ack_timeout_ms: expected an "
			   "integer 1000..60000, got a boolean");

	/* max_retransmit */
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_retransmit = 0;"),
			   "t.conf:3: servers.[0].max_retransmit: expected an "
			   "integer 1..20, got 0");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_retransmit = 21;"),
			   "t.conf:3: servers.[0].max_retransmit: expected an "
			   "integer 1..20, got 21");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_retransmit = -1;"),
			   "t.conf:3: servers.[0].max_retransmit: expected an "
			   "integer 1..20, got -1");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_retransmit = 4.0;"),
			   "t.conf:3: servers.[0].max_retransmit: expected an "
			   "integer 1..20, got a float");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_retransmit = \"4\";"),
			   "t.conf:3: servers.[0].max_retransmit: expected an "
			   "integer 1..20, got a string");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; max_retransmit = [ 4 ];"),
			   "t.conf:3: servers.[0].max_retransmit: expected an "
			   "integer 1..20, got an array");

	/* queue_timeout */
	cfgfx_expect_error(SRV("uri = \"coap://h\"; queue_timeout = 0;"),
			   "t.conf:3: servers.[0].queue_timeout: expected an "
			   "integer 1..86400, got 0");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; queue_timeout = 86401;"),
			   "t.conf:3: servers.[0].queue_timeout: expected an "
			   "integer 1..86400, got 86401");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; queue_timeout = -93;"),
			   "t.conf:3: servers.[0].queue_timeout: expected an "
			   "integer 1..86400, got -93");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; queue_timeout = 93.0;"),
			   "t.conf:3: servers.[0].queue_timeout: expected an "
			   "integer 1..86400, got a float");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; queue_timeout = \"93\";"),
			   "t.conf:3: servers.[0].queue_timeout: expected an "
			   "integer 1..86400, got a string");
	cfgfx_expect_error(SRV("uri = \"coap://h\"; queue_timeout = { };"),
			   "t.conf:3: servers.[0].queue_timeout: expected an "
			   "integer 1..86400, got a group");

	/* Likely typos are named; the second entry's error names its
	 * index and line. */
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; ack_timeout = 2000;"),
		"t.conf:3: servers.[0].ack_timeout: unknown key (did you "
		"mean ack_timeout_ms?)");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; max_retransmits = 4;"),
		"t.conf:3: servers.[0].max_retransmits: unknown key (did "
		"you mean max_retransmit?)");
	cfgfx_expect_error(
		SRV("uri = \"coap://h\"; queue_timout = 93;"),
		"t.conf:3: servers.[0].queue_timout: unknown key (did you "
		"mean queue_timeout?)");
	cfgfx_expect_error(
		"servers = ( { short_server_id = 1; uri = \"coap://a\"; "
		"queue_timeout = 60; },\n{ short_server_id = 2; "
		"uri = \"coap://b\";\n queue_timeout = 0; } );",
		"t.conf:3: servers.[1].queue_timeout: expected an "
		"integer 1..86400, got 0");
}

#define A63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Host syntax limits: labels of 63, names of 253, zones of 15. */
#define SEND(paths)                                                            \
	SRV("uri = \"coap://h\"; lwm2m_version = \"1.1\";\n send = { " paths   \
	    " interval = 5; };")

/* The send paths list: the same messages as before the list check was
 * shared with object_dirs (cfg_get_string_list). */
static void test_send_paths_errors(void **state)
{
	(void)state;
	cfgfx_expect_error(SEND(""), "t.conf:4: servers.[0].send.paths: "
				     "required key missing (a list of "
				     "paths, e.g. [\"/3303/0/5700\"])");
	cfgfx_expect_error(SEND("paths = \"/3/0\";"),
			   "t.conf:4: servers.[0].send.paths: expected a list "
			   "of path strings, got a string");
	cfgfx_expect_error(SEND("paths = [ ];"),
			   "t.conf:4: servers.[0].send.paths: expected 1 to "
			   "16 paths, got 0");
	cfgfx_expect_error(SEND("paths = ( );"),
			   "t.conf:4: servers.[0].send.paths: expected 1 to "
			   "16 paths, got 0");
	/* the count is checked before the elements */
	cfgfx_expect_error(
		SEND("paths = ( \"/3/0/1\", \"/3/0/2\", \"/3/0/3\", \"/3/0/4\","
		     " \"/3/0/5\", \"/3/0/6\", \"/3/0/7\", \"/3/0/8\", "
		     "\"/3/0/9\", \"/3/0/10\", \"/3/0/11\", \"/3/0/12\", "
		     "\"/3/0/13\", \"/3/0/14\", \"/3/0/15\", \"/3/0/16\", 1 "
		     ");"),
		"t.conf:4: servers.[0].send.paths: expected 1 to 16 paths, "
		"got 17");
	cfgfx_expect_error(SEND("paths = ( \"/3/0\",\n 1 );"),
			   "t.conf:5: servers.[0].send.paths.[1]: expected a "
			   "string, got an integer");
	cfgfx_expect_error(SEND("paths = [ \"\" ];"),
			   "t.conf:4: servers.[0].send.paths.[0]: \"\" is not "
			   "an LwM2M path (/object[/instance[/resource[/"
			   "instance]]])");
	cfgfx_expect_error(SEND("paths = [ \"/3/0\", \"/3/0\" ];"),
			   "t.conf:4: servers.[0].send.paths.[1]: \"/3/0\" is "
			   "listed twice");
}

static void test_uri_hosts(void **state)
{
	struct bridge_config *cfg;

	(void)state;
	cfg = cfgfx_load_ok(SRV("uri = \"coap://" A63 "." A63 "." A63 ".a\";"));
	assert_int_equal(strlen(cfg->servers[0].host), 3 * 64 + 1);
	cfg_free(cfg);

	cfgfx_expect_error(SRV("uri = \"coap://1.2.3.4.5.6.7.8.9.10\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://1.2.3.4.5.6.7.8.9.10\": invalid host "
			   "\"1.2.3.4.5.6.7.8.9.10\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://a.b-.c\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://a.b-.c\": "
		"invalid host \"a.b-.c\"");
	cfgfx_expect_error(
		SRV("uri = \"coap://" A63 "x.y\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://" A63
		"x.y\": invalid host \"" A63 "x\"");
	/* 4 * 64 - 1 = 255 > 253; the message cuts the URI and host. */
	cfgfx_expect_error(
		SRV("uri = \"coap://" A63 "." A63 "." A63 "." A63 "\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://" A63
		".aaaaaaaaa\": invalid host \"" A63 ".\"");
	cfgfx_expect_error(SRV("uri = \"coap://[fe80::1%eth/0]\";"),
			   "t.conf:3: servers.[0].uri: invalid URI "
			   "\"coap://[fe80::1%eth/0]\": invalid IPv6 address");
	cfgfx_expect_error(
		SRV("uri = \"coap://[fe80::1%abcdefghijklmnop]\";"),
		"t.conf:3: servers.[0].uri: invalid URI "
		"\"coap://[fe80::1%abcdefghijklmnop]\": invalid IPv6 "
		"address");
	cfgfx_expect_error(
		SRV("uri = \"coap://[]\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://[]\": "
		"invalid IPv6 address");
	cfgfx_expect_error(
		SRV("uri = \"coap://[::1::2]\";"),
		"t.conf:3: servers.[0].uri: invalid URI \"coap://[::1::2]\": "
		"invalid IPv6 address");
	cfgfx_expect_error(
		SRV("uri = \"coaps://h\"; security_mode = \"psk\"; "
		    "psk_identity = \"i\"; psk_key = 0;"),
		"t.conf:3: servers.[0].psk_key: expected a string, got an "
		"integer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_variants),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_server_coap_params),
		cmocka_unit_test(test_server_notification_params),
		cmocka_unit_test(test_server_access),
		cmocka_unit_test(test_uri_hosts),
		cmocka_unit_test(test_send_paths_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

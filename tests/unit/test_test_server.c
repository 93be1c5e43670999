/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of tests/tools/lwm2m-test-server, the LwM2M server the
 * integration tests use: each test starts it, plays a client over
 * loopback (tests/tools/ts_fixture.c) and checks both what the client
 * sees on the wire and the event lines the tool prints.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ts_fixture.h"

#define C(x) COAP_RESPONSE_CODE(x)

static void start(struct fx *f, const char *const *extra)
{
	fx_start_tool(f, extra);
	fx_client_start(f, NULL, NULL);
}

static void test_register_split_location(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1&lt=5&lwm2m=1.1&b=U"), C(201));
	assert_int_equal(f->nloc, 2);
	assert_string_equal(f->loc[0], "rd");
	assert_string_equal(f->loc[1], "1");
	fx_expect_line(f, "REGISTER ",
		       "REGISTER ep=gw-1 lt=5 lwm2m=1.1 b=U id=1 loc=/rd/1 "
		       "addr=127.0.0.1:",
		       " links=" FX_LINKS, NULL);
	/* Only the parameters present are printed; Q is a flag. */
	assert_int_equal(fx_register(f, "ep=gw-2&Q"), C(201));
	fx_expect_line(f, "REGISTER ", "REGISTER ep=gw-2 Q=1 id=2 ", NULL);
	/* The same endpoint again replaces its registration. */
	assert_int_equal(fx_register(f, "ep=gw-1&lt=9"), C(201));
	assert_string_equal(f->loc[1], "3");
	fx_expect_line(f, "REGISTER ", "ep=gw-1 lt=9 id=3 ", " replaces=1 ",
		       NULL);
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", NULL, NULL, true),
		C(404));
	fx_cmd(f, "list");
	fx_expect_line(f, "REG id=2 ",
		       "REG id=2 ep=gw-2 lt=86400 lwm2m=- b=U Q=1", NULL);
	fx_expect_line(f, "REG id=3 ", "REG id=3 ep=gw-1 lt=9 ", NULL);
	free(fx_take_line(f, "END"));
}

static void test_register_joined_location(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = {"--location-style", "joined", NULL};

	start(f, args);
	assert_int_equal(fx_register(f, "ep=gw-1&lt=5"), C(201));
	assert_int_equal(f->nloc, 1);
	assert_string_equal(f->loc[0], "rd/1");
	fx_expect_line(f, "REGISTER ", " id=1 loc=/rd/1 ", NULL);
	/* Replayed as one option, or split at the slash: both address it. */
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd|1", NULL, NULL, true),
		C(204));
	fx_expect_line(f, "UPDATE ", "UPDATE id=1 ep=gw-1 addr=", NULL);
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", "lt=6",
				    NULL, true),
			 C(204));
	fx_expect_line(f, "UPDATE ", "UPDATE id=1 ep=gw-1 lt=6 addr=", NULL);
}

static void test_register_custom_location(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = {"--location-style",
					   "custom:/lwm2m/reg/", NULL};

	start(f, args);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	assert_int_equal(f->nloc, 3);
	assert_string_equal(f->loc[0], "lwm2m");
	assert_string_equal(f->loc[1], "reg");
	assert_string_equal(f->loc[2], "1");
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_DELETE, "lwm2m/reg/1",
				    NULL, NULL, true),
			 C(202));
	fx_expect_line(f, "DEREGISTER ", "DEREGISTER id=1 ep=gw-1 addr=", NULL);
}

static void test_update(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1&lt=5&b=U"), C(201));
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_POST, "rd/1",
				    "lt=7&b=UQ", "</1/0>,</3/0>,</5/0>", true),
			 C(204));
	fx_expect_line(f, "UPDATE ", "UPDATE id=1 ep=gw-1 lt=7 b=UQ addr=",
		       " links=</1/0>,</3/0>,</5/0>", NULL);
	/* An Update may not carry Register-only parameters */
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", "ep=x",
				    NULL, true),
			 C(400));
	fx_expect_line(f, "ERROR op=update ", "reason=register-only-param",
		       NULL);
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd/9", NULL, NULL, true),
		C(404));
	fx_expect_line(f, "ERROR op=update ", "code=4.04",
		       "reason=unknown-location", NULL);
	fx_cmd(f, "list");
	fx_expect_line(f, "REG ", "lt=7 lwm2m=- b=UQ Q=0 loc=/rd/1",
		       "links=</1/0>,</3/0>,</5/0>", NULL);
}

static void test_fail_and_drop_updates(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	fx_cmd(f, "fail-updates 4.04 1");
	fx_cmd(f, "echo set");
	free(fx_take_line(f, "ECHO set"));
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", NULL, NULL, true),
		C(404));
	fx_expect_line(f, "ERROR op=update ", "id=1 ep=gw-1 code=4.04",
		       "reason=injected", NULL);
	/* the count ran out */
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", NULL, NULL, true),
		C(204));
	free(fx_take_line(f, "UPDATE id=1"));
	fx_cmd(f, "fail-registers 5.03");
	fx_cmd(f, "echo set");
	free(fx_take_line(f, "ECHO set"));
	assert_int_equal(fx_register(f, "ep=gw-1"), C(503));
	fx_cmd(f, "fail-registers off");
	fx_cmd(f, "drop-updates");
	fx_cmd(f, "echo set");
	free(fx_take_line(f, "ECHO set"));
	/* A NON Update: nothing at all comes back. */
	unsigned before = f->nresp;
	fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", NULL, NULL, false);
	fx_expect_line(f, "ERROR op=update ", "code=none reason=dropped", NULL);
	fx_cmd(f, "drop-updates off");
	fx_cmd(f, "echo set");
	free(fx_take_line(f, "ECHO set"));
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd/1", NULL, NULL, true),
		C(204));
	assert_int_equal(f->nresp, before + 1);
	fx_cmd(f, "fail-updates 9.99");
	fx_expect_line(f, "ERROR cmd=fail-updates ", "reason=bad-code", NULL);
	fx_cmd(f, "drop-updates 0");
	fx_expect_line(f, "ERROR cmd=drop-updates ", "reason=bad-count", NULL);
}

static void test_deregister_and_forget(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	assert_int_equal(fx_register(f, "ep=gw-2"), C(201));
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_DELETE, "rd/1", NULL,
				    NULL, true),
			 C(202));
	fx_expect_line(f, "DEREGISTER ", "DEREGISTER id=1 ep=gw-1", NULL);
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_DELETE, "rd/1", NULL,
				    NULL, true),
			 C(404));
	fx_expect_line(f, "ERROR op=deregister ", "code=4.04", NULL);
	fx_cmd(f, "forget");
	free(fx_take_line(f, "FORGOTTEN"));
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd/2", NULL, NULL, true),
		C(404));
	fx_cmd(f, "quit");
	free(fx_take_line(f, "EXIT"));
	assert_int_equal(fx_wait_exit(f), 0);
}

static void test_bad_registers(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *query, *payload, *reason;
		unsigned code;
	} cases[] = {
		{"lt=5", "</1/0>", "missing-ep", C(400)},
		{"ep=a&lt=x5", "</1/0>", "bad-lt", C(400)},
		{"ep=a&lt=0", "</1/0>", "bad-lt", C(400)},
		{"ep=a&lt=99999999999", "</1/0>", "bad-lt", C(400)},
		{"ep=a&ep=b", "</1/0>", "bad-ep", C(400)},
		{"ep=a&b=UU", "</1/0>", "bad-b", C(400)},
		{"ep=a&b=X", "</1/0>", "bad-b", C(400)},
		{"ep=a&Q=1", "</1/0>", "bad-Q", C(400)},
		{"ep=a&zz=1", "</1/0>", "unknown-param", C(400)},
		{"ep=a&lwm2m=2.0", "</1/0>", "unsupported-lwm2m", C(412)},
		{"ep=a", "</1/0>;ver=1.1", "ver-on-instance", C(400)},
		{"ep=a", "</3>;ver=x", "bad-ver", C(400)},
		{"ep=a", "</0/0>,</1/0>", "security-object-listed", C(400)},
		{"ep=a", "</1/0>,</1/0>", "duplicate-link", C(400)},
		{"ep=a", "</1/0>;a=1;a=2", "duplicate-attribute", C(400)},
		{"ep=a", "</1/0/1>", "bad-link-path", C(400)},
		{"ep=a", "</1/0", "bad-link-format", C(400)},
		{"ep=a", "</>;rt=\"oma.lwm2m\"", "no-object-links", C(400)},
		{"ep=a", "</x>;rt=\"oma.lwm2m\",</1/0>", "link-outside-root",
		 C(400)},
	};
	char prefix[64];

	start(f, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fx_request(f, COAP_REQUEST_CODE_POST, "rd",
					    cases[i].query, cases[i].payload,
					    true),
				 cases[i].code);
		snprintf(prefix, sizeof(prefix), "reason=%s", cases[i].reason);
		fx_expect_line(f, "ERROR op=register ", prefix, NULL);
	}
	/* no payload at all: not link-format */
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_POST, "rd", "ep=a", NULL, true),
		C(400));
	fx_expect_line(f, "ERROR op=register ", "reason=content-format", NULL);
	assert_int_equal(
		fx_request(f, COAP_REQUEST_CODE_GET, "rd", NULL, NULL, true),
		C(405));
	fx_cmd(f, "list");
	free(fx_take_line(f, "END"));
	for (size_t i = 0; i < f->nlines; i++)
		assert_true(!f->lines[i] || strncmp(f->lines[i], "REG", 3));
}

static void test_dm_requests(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	fx_cmd(f, "read gw-1 /3/0/0");
	fx_expect_line(f, "REQUEST ", " ep=gw-1 op=read path=/3/0/0", NULL);
	fx_expect_line(f, "RESPONSE ",
		       " ep=gw-1 op=read path=/3/0/0 code=2.05 cf=0 len=4 "
		       "payload=Acme",
		       NULL);
	assert_int_equal(f->req_code, COAP_REQUEST_CODE_GET);
	assert_string_equal(f->req_path, "3/0/0");
	assert_int_equal(f->req_accept, -1);

	fx_cmd(f, "read gw-1 /3/0 tlv");
	fx_expect_line(f, "RESPONSE ", " cf=11542 len=7 hex=c8000441636d65",
		       NULL);
	assert_int_equal(f->req_accept, 11542);

	fx_cmd(f, "write gw-1 /1/0/1 30");
	fx_expect_line(f, "RESPONSE ", " op=write path=/1/0/1 code=2.04", NULL);
	assert_int_equal(f->req_code, COAP_REQUEST_CODE_PUT);
	assert_int_equal(f->req_cf, 0);
	assert_string_equal(f->req_payload, "30");

	fx_cmd(f, "write-update gw-1 /1/0 hex:c10133 tlv");
	fx_expect_line(f, "RESPONSE ", " op=write-update path=/1/0 code=2.04",
		       NULL);
	assert_int_equal(f->req_code, COAP_REQUEST_CODE_POST);
	assert_int_equal(f->req_cf, 11542);

	fx_cmd(f, "write-attr gw-1 /3/0/9 pmin=1&pmax=5");
	fx_expect_line(f, "RESPONSE ", " op=write-attr ", NULL);
	assert_int_equal(f->req_code, COAP_REQUEST_CODE_PUT);
	assert_string_equal(f->req_query, "pmin=1&pmax=5");
	assert_int_equal(f->req_cf, -1);

	fx_cmd(f, "execute gw-1 /3/0/4");
	fx_expect_line(f, "RESPONSE ", " op=execute path=/3/0/4 code=2.04",
		       NULL);
	assert_string_equal(f->req_payload, "");
	fx_cmd(f, "execute gw-1 /5/0/2 0='a b',1");
	fx_expect_line(f, "RESPONSE ", " op=execute ", NULL);
	assert_string_equal(f->req_payload, "0='a b',1");

	fx_cmd(f, "discover gw-1 /3/0");
	fx_expect_line(f, "RESPONSE ",
		       " op=discover path=/3/0 code=2.05 cf=40 len=17 "
		       "payload=</3/0/0>,</3/0/1>",
		       NULL);
	assert_int_equal(f->req_accept, 40);

	fx_cmd(f, "create gw-1 /3 hex:00 tlv");
	fx_expect_line(f, "RESPONSE ", " op=create path=/3 code=2.01", NULL);
	fx_cmd(f, "delete gw-1 /3/1");
	fx_expect_line(f, "RESPONSE ", " op=delete path=/3/1 code=2.02", NULL);
	assert_int_equal(f->req_code, COAP_REQUEST_CODE_DELETE);
	fx_cmd(f, "sync");
	fx_cmd(f, "echo synced");
	free(fx_take_line(f, "ECHO synced"));
}

static void test_observe_and_cancel(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	f->notify_value = 20;
	fx_cmd(f, "observe gw-1 /3/0/13");
	char *req = fx_take_line(f, "REQUEST ");
	fx_expect_line(f, "RESPONSE ", " op=observe path=/3/0/13 code=2.05 ",
		       " obs=", " payload=20", NULL);
	assert_int_equal(f->req_observe, 0);
	uint8_t obs_tok[8];
	size_t obs_tok_len = f->req_token_len;
	memcpy(obs_tok, f->req_token, obs_tok_len);
	f->notify_value = 21;
	coap_resource_notify_observers(f->obs_res, NULL);
	fx_expect_line(f, "NOTIFY ", " ep=gw-1 op=observe path=/3/0/13 ",
		       " payload=21", NULL);
	fx_cmd(f, "observe gw-1 /3/0/13");
	fx_expect_line(f, "ERROR cmd=observe ", "reason=already-observed",
		       NULL);
	/* Cancel with Observe 1 reuses the observation's token. */
	fx_cmd(f, "cancel gw-1 /3/0/13");
	char *tok = strstr(req, " tok=");
	assert_non_null(tok);
	*strchr(tok + 1, ' ') = '\0';
	fx_expect_line(f, "RESPONSE ", tok, " op=cancel ", NULL);
	free(req);
	assert_int_equal(f->req_observe, 1);
	/* ... on the wire too (libcoap's block mode would put an internal
	 * token on a plain GET with Observe 1). */
	assert_int_equal(f->req_token_len, obs_tok_len);
	assert_memory_equal(f->req_token, obs_tok, obs_tok_len);
	fx_cmd(f, "cancel gw-1 /3/0/13");
	fx_expect_line(f, "ERROR cmd=cancel ", "reason=not-observed", NULL);

	/* Cancel by RST: the next notification is refused. */
	fx_cmd(f, "observe gw-1 /3/0/13");
	fx_expect_line(f, "RESPONSE ", " op=observe ", NULL);
	fx_cmd(f, "cancel-rst gw-1 /3/0/13");
	fx_expect_line(f, "CANCELLED ", " ep=gw-1 path=/3/0/13", NULL);
	coap_resource_notify_observers(f->obs_res, NULL);
	fx_expect_line(f, "RST ", " ep=gw-1 path=/3/0/13", NULL);
}

static void test_bad_commands(void **state)
{
	struct fx *f = *state;
	static char longline[6000];

	start(f, NULL);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	static const struct {
		const char *line, *expect;
	} cases[] = {
		{"frobnicate", "ERROR cmd=frobnicate reason=unknown-command"},
		{"read", "ERROR cmd=read reason=usage"},
		{"read nobody /3/0", "ERROR cmd=read reason=unknown-endpoint"},
		{"read gw-1 3/0", "ERROR cmd=read reason=bad-path"},
		{"read gw-1 /3/x", "ERROR cmd=read reason=bad-path"},
		{"read gw-1 /3/0 nonsense", "ERROR cmd=read reason=bad-format"},
		{"write gw-1 /3/0/1", "ERROR cmd=write reason=bad-value"},
		{"write gw-1 /3/0/1 hex:zz",
		 "ERROR cmd=write reason=bad-value"},
		{"write gw-1 /3/0/1 hex:abc",
		 "ERROR cmd=write reason=bad-value"},
		{"write gw-1 /3/0/1 1 99999",
		 "ERROR cmd=write reason=bad-format"},
		{"write-attr gw-1 /3/0", "ERROR cmd=write-attr reason=usage"},
		{"sleep -1", "ERROR cmd=sleep reason=bad-time"},
		{"a b c d e f g h i j k l m n o p q r s t u v w x y",
		 "ERROR cmd=a reason=too-many-words"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_cmd(f, "%s", cases[i].line);
		free(fx_take_line(f, cases[i].expect));
	}
	memset(longline, 'x', sizeof(longline) - 1);
	fx_cmd(f, "%s", longline);
	free(fx_take_line(f, "ERROR cmd=- reason=line-too-long"));
	fx_cmd(f, "# a comment\n\necho alive");
	free(fx_take_line(f, "ECHO alive"));
	kill(f->pid, SIGTERM);
	free(fx_take_line(f, "EXIT"));
	assert_int_equal(fx_wait_exit(f), 0);
}

static void test_script_waits_for_register(void **state)
{
	struct fx *f = *state;
	char path[] = "/tmp/ts-script-XXXXXX";
	int fd = mkstemp(path);
	static const char script[] = "wait-register gw-1\n"
				     "read gw-1 /3/0/0\n"
				     "sync\n"
				     "quit\n";
	const char *args[] = {"--script", path, NULL};

	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, sizeof(script) - 1),
			 (ssize_t)sizeof(script) - 1);
	close(fd);
	start(f, args);
	unlink(path);
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	fx_expect_line(f, "RESPONSE ", " op=read path=/3/0/0 code=2.05 ", NULL);
	free(fx_take_line(f, "EXIT"));
	assert_int_equal(fx_wait_exit(f), 0);
}

static void test_alternate_root_path(void **state)
{
	struct fx *f = *state;

	start(f, NULL);
	assert_int_equal(fx_request(f, COAP_REQUEST_CODE_POST, "rd", "ep=gw-1",
				    "</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/3/0>",
				    true),
			 C(201));
	fx_cmd(f, "read gw-1 /3/0/0");
	fx_expect_line(f, "RESPONSE ", " code=2.05 ", NULL);
	assert_string_equal(f->req_path, "lwm2m/3/0/0");
}

static void test_psk(void **state)
{
	struct fx *f = *state;
	/* key "secret-key" */
	static const char *const args[] = {"--psk",
					   "gw-psk:7365637265742d6b6579", NULL};

	if (!coap_dtls_is_supported())
		skip();
	fx_start_tool(f, args);
	fx_client_start(f, "gw-psk", "secret-key");
	assert_int_equal(fx_register(f, "ep=gw-1"), C(201));
	fx_expect_line(f, "REGISTER ", "ep=gw-1 ", NULL);
	fx_cmd(f, "read gw-1 /3/0/0");
	fx_expect_line(f, "RESPONSE ", " payload=Acme", NULL);
}

static void test_psk_wrong_identity(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = {"--psk", "gw-psk:00ff", NULL};

	if (!coap_dtls_is_supported())
		skip();
	fx_start_tool(f, args);
	fx_client_start(f, "intruder", "xx");
	/* the handshake fails: no answer to the Register */
	fx_request(f, COAP_REQUEST_CODE_POST, "rd", "ep=gw-1", FX_LINKS, false);
	fx_expect_line(f, "ERROR op=dtls ", "identity=696e747275646572", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, fx_setup, fx_teardown)
		T(test_register_split_location),
		T(test_register_joined_location),
		T(test_register_custom_location),
		T(test_update),
		T(test_fail_and_drop_updates),
		T(test_deregister_and_forget),
		T(test_bad_registers),
		T(test_dm_requests),
		T(test_observe_and_cancel),
		T(test_bad_commands),
		T(test_script_waits_for_register),
		T(test_alternate_root_path),
		T(test_psk),
		T(test_psk_wrong_identity),
#undef T
	};

	coap_startup();
	coap_set_log_level(LOG_EMERG);
	coap_dtls_set_log_level(LOG_EMERG);
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	coap_cleanup();
	return r;
}

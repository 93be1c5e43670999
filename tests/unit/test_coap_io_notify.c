/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Observe on the server side of the transport (RFC 7641): a GET with
 * Observe from the test server (coap_io_fixture.h) answered with an
 * Observe option, then notifications sent with cio_notify() and what
 * becomes of them: ACK, RST (from libcoap and from a raw socket), no
 * answer, session freed.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <coap3/coap.h>

#include "coap_io.h"
#include "coap_io_fixture.h"
#include "loop.h"

static const char *const p300[] = {"3", "0", "0"};

/* A notification for the observation the handler accepted last. */
static struct cio_notification observed(uint32_t seq, bool con)
{
	struct cio_notification n = {
		.seq = seq,
		.code = CIO_CODE(2, 5),
		.content_format = 0,
		.payload = "23.5",
		.payload_len = 4,
		.confirmable = con,
	};

	memcpy(n.token, iofx.token, iofx.token_len);
	n.token_len = iofx.token_len;
	return n;
}

/* A session the test server knows (it has seen its POST /rd). */
static struct cio_session *registered(void)
{
	struct cio_session *s = iofx_open_udp(iofx_srv.udp_port);
	struct iofx_res res = {0};

	iofx_srv.loc_mode = IOFX_LOC_TWO;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	return s;
}

static void assert_token_is_the_requests(void)
{
	assert_int_equal(iofx_srv.answer_token_len, iofx_srv.req_token_len);
	assert_memory_equal(iofx_srv.answer_token, iofx_srv.req_token,
			    iofx_srv.req_token_len);
}

static void test_observe_and_notify(void **state)
{
	static const char *const p30[] = {"3", "0"};
	struct cio_session *s = registered();
	struct cio_notification n;
	struct iofx_res res = {0};
	uint64_t t0;

	(void)state;
	/* GET Observe 0: the handler sees 0 and answers with Observe */
	iofx_srv_get_observe(p300, 3, 0);
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	assert_int_equal(iofx.observe, 0);
	assert_ptr_equal(iofx.req_session, s);
	assert_int_equal(iofx.token_len, iofx_srv.req_token_len);
	assert_memory_equal(iofx.token, iofx_srv.req_token, iofx.token_len);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(iofx_srv.answer_observe, 7);
	assert_int_equal(iofx_srv.answer_len, 12);
	assert_token_is_the_requests();

	/* a CON notification, ACKed by the server; only the low 24 bits of
	 * seq go out */
	n = observed(0x1000002u, true);
	t0 = iofx_now_ms();
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	assert_int_equal(cio_session_pending(s), 1);
	assert_int_equal(res.n, 0); /* never from inside cio_notify */
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, 0);
	assert_int_equal(res.len, 0);
	/* ACK seen at once, not at the 5.5 s deadline */
	assert_true(iofx_now_ms() - t0 < 1000);
	assert_int_equal(cio_session_pending(s), 0);
	assert_int_equal(iofx_srv.answers, 2);
	assert_int_equal(iofx_srv.answer_type, COAP_MESSAGE_CON);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(iofx_srv.answer_observe, 2);
	assert_int_equal(iofx_srv.answer_cf, 0);
	assert_int_equal(iofx_srv.answer_len, 4);
	assert_memory_equal(iofx_srv.answer, "23.5", 4);
	assert_token_is_the_requests();

	/* a NON one, with a new message ID */
	n = observed(3, false);
	n.content_format = -1;
	n.payload_len = 2;
	{
		int mid = iofx_srv.answer_mid;

		assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
		iofx_run_until(&iofx_srv.answers, 3, 3000);
		assert_int_not_equal(iofx_srv.answer_mid, mid);
	}
	iofx_run_until(&res.n, 2, 1000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(iofx_srv.answer_type, COAP_MESSAGE_NON);
	assert_int_equal(iofx_srv.answer_observe, 3);
	assert_int_equal(iofx_srv.answer_cf, -1);
	assert_int_equal(iofx_srv.answer_len, 2);
	assert_token_is_the_requests();

	/* the observation ends with an error: no Observe option */
	n = observed(4, true);
	n.code = CIO_CODE(4, 4);
	n.content_format = -1;
	n.payload_len = 0;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	iofx_run_until(&iofx_srv.answers, 4, 3000);
	iofx_run_until(&res.n, 3, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(4, 4));
	assert_int_equal(iofx_srv.answer_observe, -1);
	assert_int_equal(iofx_srv.answer_len, 0);

	/* GET Observe 1 (deregister) reaches the handler as 1 */
	iofx_srv_get_observe(p300, 3, 1);
	iofx_run_until(&iofx_srv.answers, 5, 3000);
	assert_int_equal(iofx.observe, 1);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(iofx_srv.answer_observe, -1);

	/* an error answer to GET Observe 0 goes without Observe even though
	 * the handler set it */
	iofx_srv_get_observe(p30, 2, 0);
	iofx_run_until(&iofx_srv.answers, 6, 3000);
	assert_int_equal(iofx.observe, 0);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(4, 4));
	assert_int_equal(iofx_srv.answer_observe, -1);
	cio_session_free(s);
	assert_int_equal(res.n, 3);
}

/* What the reset handler was told (RSTs to NON notifications). */
static struct {
	int n;
	struct cio_session *s;
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len;
} reset;

static void on_reset(void *arg, struct cio_session *s, const uint8_t *token,
		     size_t token_len)
{
	assert_ptr_equal(arg, &reset);
	assert_true(token_len <= CIO_TOKEN_MAX);
	reset.n++;
	reset.s = s;
	memcpy(reset.token, token, token_len);
	reset.token_len = token_len;
}

/* RST to a CON notification, from libcoap (the server's handler fails)
 * and from a raw socket: the CIO_RESET result.  RST to a NON one (which
 * libcoap 4.3.1 only logs): the reset handler, with the token. */
static void test_notify_rst(void **state)
{
	struct cio_session *s = registered(), *raw;
	struct cio_notification n;
	struct iofx_res res = {0};

	(void)state;
	memset(&reset, 0, sizeof(reset));
	cio_set_notify_reset_handler(iofx.cio, on_reset, &reset);
	iofx_srv_get_observe(p300, 3, 0);
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	iofx_srv.refuse = true;
	n = observed(8, true);
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_RESET);
	assert_int_equal(iofx_srv.answers, 2);
	/* a NON one refused by libcoap's server: its RST reaches the
	 * handler, not the result callback */
	n = observed(9, false);
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	iofx_run_until(&reset.n, 1, 3000);
	assert_int_equal(reset.n, 1);
	assert_ptr_equal(reset.s, s);
	assert_int_equal(reset.token_len, iofx.token_len);
	assert_memory_equal(reset.token, iofx.token, iofx.token_len);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.status, CIO_OK);
	cio_session_free(s);

	/* the raw socket answers each datagram with an RST of its mid */
	raw = iofx_open_udp(iofx.rst_port);
	n = observed(10, true);
	assert_int_equal(cio_notify(raw, &n, iofx_on_result, &res), 0);
	iofx_run_until(&res.n, 3, 3000);
	assert_int_equal(res.status, CIO_RESET);
	assert_int_equal(cio_session_pending(raw), 0);
	/* (the CON's RST is its result, not the handler's) */
	loop_run_once(iofx.loop, 100);
	assert_int_equal(reset.n, 1);

	/* NON with no callback at all: nothing pending, the RST still
	 * reported; the session goes on working */
	n = observed(11, false);
	n.token[0] ^= 0xff;
	assert_int_equal(cio_notify(raw, &n, NULL, NULL), 0);
	assert_int_equal(cio_session_pending(raw), 0);
	iofx_run_until(&reset.n, 2, 3000);
	assert_int_equal(reset.n, 2);
	assert_ptr_equal(reset.s, raw);
	assert_memory_equal(reset.token, n.token, n.token_len);
	n = observed(12, true);
	assert_int_equal(cio_notify(raw, &n, iofx_on_result, &res), 0);
	iofx_run_until(&res.n, 4, 3000);
	assert_int_equal(res.status, CIO_RESET);
	assert_int_equal(reset.n, 2);

	/* a session freed before its NON's RST is processed: forgotten */
	n = observed(13, false);
	assert_int_equal(cio_notify(raw, &n, NULL, NULL), 0);
	cio_session_free(raw);
	loop_run_once(iofx.loop, 200);
	loop_run_once(iofx.loop, 100);
	assert_int_equal(reset.n, 2);
	assert_int_equal(res.n, 4);
	cio_set_notify_reset_handler(iofx.cio, NULL, NULL);
}

static void test_notify_timeout(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx.silent_port);
	struct cio_notification n = {
		.token = {1, 2, 3},
		.token_len = 3,
		.code = CIO_CODE(2, 5),
		.content_format = -1,
		.confirmable = true,
	};
	struct iofx_res res = {0};
	uint64_t t0 = iofx_now_ms();

	(void)state;
	/* ACK_TIMEOUT 1 s, one retransmission: 3 to 4.5 s */
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	iofx_run_until(&res.n, 1, 5000);
	assert_int_equal(res.status, CIO_TIMEOUT);
	/* libcoap counts in whole milliseconds from its own clock reading:
	 * allow it a little early (seen 2.99 s on a loaded machine). */
	assert_true(iofx_now_ms() - t0 >= 2900);
	assert_int_equal(cio_session_pending(s), 0);
	cio_session_free(s);
	assert_int_equal(res.n, 1);
}

/* While another CON is in flight, the ACK can only be deduced at the
 * latest time libcoap could still have reported a failure. */
static void test_notify_ack_while_busy(void **state)
{
	struct cio_endpoint slow_ep = {
		.scheme = CFG_SCHEME_COAP,
		.host = "127.0.0.1",
		.port = iofx.silent_port,
		.security = CFG_SEC_NOSEC, /* 2 s, 4 retransmissions: 93 s */
	};
	struct cio_session *slow, *s;
	struct cio_notification n = {
		.token = {9},
		.token_len = 1,
		.seq = 1,
		.code = CIO_CODE(2, 5),
		.content_format = -1,
		.confirmable = true,
	};
	struct iofx_res req = {0}, res = {0};
	uint64_t t0;

	(void)state;
	slow = cio_session_new(iofx.cio, &slow_ep, NULL, NULL);
	assert_non_null(slow);
	iofx_post_rd(slow, &req, NULL, 0);
	s = iofx_open_udp(iofx_srv.udp_port);
	t0 = iofx_now_ms();
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	/* ACKed by the server at once, reported at 1 * 4.5 s + 1 s */
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	assert_int_equal(iofx_srv.answer_observe, 1);
	assert_int_equal(res.n, 0);
	iofx_run_until(&res.n, 1, 7000);
	assert_int_equal(res.status, CIO_OK);
	assert_true(iofx_now_ms() - t0 >= 5500);
	assert_int_equal(req.n, 0);
	cio_session_free(slow);
	assert_int_equal(req.status, CIO_CANCELLED);
	cio_session_free(s);
}

/* The session is freed from the first notification's callback. */
static struct cio_session *victim;
static void free_in_cb(void *arg, const struct cio_result *r)
{
	iofx_on_result(arg, r);
	cio_session_free(victim);
	victim = NULL;
}

static void test_notify_cancelled(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx.silent_port);
	struct cio_notification n = {
		.code = CIO_CODE(2, 5),
		.content_format = -1,
		.confirmable = true,
	};
	struct iofx_res a = {0}, b = {0}, c = {0};

	(void)state;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &a), 0);
	n.confirmable = false;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &b), 0);
	assert_int_equal(cio_session_pending(s), 2);
	cio_session_free(s);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.status, CIO_CANCELLED);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.status, CIO_CANCELLED);
	loop_run_once(iofx.loop, 100);
	assert_int_equal(a.n + b.n, 2);

	/* two CON to the RST socket (the second waits for the first:
	 * NSTART 1); the first's RST frees the session */
	victim = iofx_open_udp(iofx.rst_port);
	n.confirmable = true;
	assert_int_equal(cio_notify(victim, &n, free_in_cb, &a), 0);
	assert_int_equal(cio_notify(victim, &n, iofx_on_result, &c), 0);
	iofx_run_until(&a.n, 2, 3000);
	assert_int_equal(a.status, CIO_RESET);
	assert_null(victim);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.status, CIO_CANCELLED);
	loop_run_once(iofx.loop, 100);
	assert_int_equal(c.n, 1);
}

static void test_notify_tcp(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP_TCP,
		.host = "127.0.0.1",
		.port = iofx_srv.tcp_port,
		.security = CFG_SEC_NOSEC,
	};
	struct cio_notification n = {
		.token = {0xab, 0xcd},
		.token_len = 2,
		.seq = 0xffffff,
		.code = CIO_CODE(2, 5),
		.content_format = 11542,
		.payload = "\x01\x02",
		.payload_len = 2,
		.confirmable = true,
	};
	struct cio_session *s;
	struct iofx_res res = {0};

	(void)state;
	s = cio_session_new(iofx.cio, &ep, iofx_on_event, NULL);
	assert_non_null(s);
	/* not before the CSM exchange */
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -ENOTCONN);
	iofx_run_until(&iofx.connected, 1, 3000);
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	assert_int_equal(iofx_srv.answer_observe, 0xffffff);
	assert_int_equal(iofx_srv.answer_cf, 11542);
	assert_int_equal(iofx_srv.answer_token_len, 2);
	assert_memory_equal(iofx_srv.answer_token, "\xab\xcd", 2);
	cio_session_free(s);
}

static void test_notify_bad_arguments(void **state)
{
	static uint8_t big[CIO_NOTIFY_PAYLOAD_MAX + 1];
	struct cio_endpoint dtls = {
		.scheme = CFG_SCHEME_COAPS,
		.host = "127.0.0.1",
		.port = iofx.silent_port,
		.security = CFG_SEC_PSK,
		.psk_identity = IOFX_PSK_ID,
		.psk_key = iofx_psk_key,
		.psk_key_len = IOFX_PSK_KEY_LEN,
	};
	struct cio_notification n = {
		.code = CIO_CODE(2, 5),
		.content_format = -1,
	};
	struct cio_session *s = registered(), *d;
	struct iofx_res res = {0};

	(void)state;
	assert_int_equal(cio_notify(NULL, &n, iofx_on_result, &res), -EINVAL);
	assert_int_equal(cio_notify(s, NULL, iofx_on_result, &res), -EINVAL);
	n.confirmable = true; /* a CON needs a callback (a NON may have none) */
	assert_int_equal(cio_notify(s, &n, NULL, &res), -EINVAL);
	n.confirmable = false;
	n.token_len = CIO_TOKEN_MAX + 1;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EINVAL);
	n.token_len = 0;
	n.code = CIO_CODE(3, 0);
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EINVAL);
	n.code = CIO_CODE(0, 1); /* a request code */
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EINVAL);
	n.code = 256;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EINVAL);
	n.code = CIO_CODE(2, 5);
	n.content_format = 65536;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EINVAL);
	n.content_format = -1;
	n.payload_len = 3;
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EINVAL);
	n.payload = big;
	n.payload_len = sizeof(big);
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), -EMSGSIZE);
	assert_int_equal(cio_session_pending(s), 0);

	/* one block exactly goes in one message */
	n.payload_len = CIO_NOTIFY_PAYLOAD_MAX;
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(cio_notify(s, &n, iofx_on_result, &res), 0);
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	assert_int_equal(iofx_srv.answer_len, CIO_NOTIFY_PAYLOAD_MAX);
	assert_int_equal(iofx_srv.answer[0], 0x5a);
	assert_int_equal(iofx_srv.answer_observe, 0);
	iofx_run_until(&res.n, 1, 1000);
	assert_int_equal(res.status, CIO_OK);
	cio_session_free(s);

	/* DTLS before the handshake: not up (a build without DTLS cannot
	 * open it at all) */
	if (coap_dtls_is_supported()) {
		d = cio_session_new(iofx.cio, &dtls, NULL, NULL);
		assert_non_null(d);
		n.payload_len = 0;
		assert_int_equal(cio_notify(d, &n, iofx_on_result, &res),
				 -ENOTCONN);
		cio_session_free(d);
	}
	assert_int_equal(res.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_observe_and_notify,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_notify_rst, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_notify_timeout, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_notify_ack_while_busy,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_notify_cancelled,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_notify_tcp, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_notify_bad_arguments,
						iofx_setup, iofx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CoAP transport against a real libcoap server (coap_io_fixture.h):
 * requests, responses, block-wise transfer, the server's own requests,
 * DTLS, TCP, failures.  Notifications: test_coap_io_notify.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <coap3/coap.h>

#include "coap_io.h"
#include "coap_io_fixture.h"
#include "log.h"
#include "loop.h"

/* ---- counting system calls ------------------------------------------ */

/*
 * This program's own epoll_wait and timerfd_settime come first in symbol
 * lookup, for libcoap's calls as for the loop's: while counting is set
 * they count, and they always pass the call on to the next definition
 * (libc's, or a sanitizer's interceptor).
 */
static bool counting;
static int n_epoll_wait, n_timerfd_settime;

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	static int (*next)(int, struct epoll_event *, int, int);

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "epoll_wait");
	if (counting)
		n_epoll_wait++;
	return next(epfd, events, maxevents, timeout);
}

/* The loop's wait where libc has it (bridge/loop.c): a wait as well. */
int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		 const struct timespec *timeout, const sigset_t *sigmask)
{
	static int (*next)(int, struct epoll_event *, int,
			   const struct timespec *, const sigset_t *);

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "epoll_pwait2");
	if (counting)
		n_epoll_wait++;
	return next(epfd, events, maxevents, timeout, sigmask);
}

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value,
		    struct itimerspec *old_value)
{
	static int (*next)(int, int, const struct itimerspec *,
			   struct itimerspec *);

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "timerfd_settime");
	if (counting)
		n_timerfd_settime++;
	return next(fd, flags, new_value, old_value);
}

/* ---- tests ---------------------------------------------------------- */

static void test_post_location_two_options(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx_srv.udp_port);
	struct iofx_res res = {0};

	(void)state;
	iofx_srv.loc_mode = IOFX_LOC_TWO;
	iofx_post_rd(s, &res, "</1/0>,</3/0>", 13);
	assert_int_equal(cio_session_pending(s), 1);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(res.n_loc, 2);
	assert_string_equal(res.loc[0], "rd");
	assert_string_equal(res.loc[1], "5a3f");
	assert_int_equal(res.cf, -1);
	assert_string_equal(iofx_srv.query, "ep=gw1&lt=60&lwm2m=1.1&b=U");
	assert_int_equal(iofx_srv.post_len, 13);
	assert_int_equal(iofx_srv.post_first, '<');
	assert_int_equal(cio_session_pending(s), 0);
	assert_true(cio_session_is_up(s));
	assert_int_equal(iofx.connected, 0); /* plain UDP: no such event */
	cio_session_free(s);
	assert_int_equal(res.n, 1);
}

static void test_post_location_one_option(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx_srv.udp_port);
	struct iofx_res res = {0};

	(void)state;
	iofx_srv.loc_mode = IOFX_LOC_ONE;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.n_loc, 1);
	assert_string_equal(res.loc[0], "rd/5a3f");
	assert_int_equal(iofx_srv.post_len, 0);

	/* nine Location-Path options: over the bound */
	iofx_srv.loc_mode = IOFX_LOC_NINE;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 2, 3000);
	assert_int_equal(res.status, CIO_BAD_RESPONSE);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(res.n_loc, 0);
	cio_session_free(s);
}

static void test_block1_request_and_block2_response(void **state)
{
	static const char *const big_path[] = {"big"};
	struct cio_session *s = iofx_open_udp(iofx_srv.udp_port);
	struct cio_req get = {
		.method = CIO_GET,
		.path = big_path,
		.n_path = 1,
		.content_format = -1,
		.confirmable = true,
	};
	struct iofx_res res = {0};

	(void)state;
	iofx_srv.loc_mode = IOFX_LOC_TWO;
	iofx_post_rd(s, &res, iofx_big_body, sizeof(iofx_big_body));
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(res.n_loc, 2);
	assert_int_equal(iofx_srv.post_len, sizeof(iofx_big_body));
	assert_int_equal(iofx_srv.post_first, iofx_big_body[0]);
	assert_int_equal(iofx_srv.post_last, iofx_big_body[IOFX_BIG - 1]);

	assert_int_equal(cio_request(s, &get, iofx_on_result, &res), 0);
	iofx_run_until(&res.n, 2, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 5));
	assert_int_equal(res.cf, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM);
	assert_int_equal(res.len, sizeof(iofx_big_body));
	assert_memory_equal(res.payload, iofx_big_body, sizeof(iofx_big_body));
	cio_session_free(s);
}

static void test_timeout(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx.silent_port);
	struct iofx_res res = {0};
	uint64_t t0 = iofx_now_ms();

	(void)state;
	/* ACK_TIMEOUT 1 s, one retransmission: libcoap gives up after 3 to
	 * 4.5 s (random factor 1.5); our own deadline would be later */
	iofx_post_rd(s, &res, "x", 1);
	iofx_run_until(&res.n, 1, 4800);
	assert_int_equal(res.status, CIO_TIMEOUT);
	assert_int_equal(res.code, 0);
	assert_true(iofx_now_ms() - t0 >= 3000);
	/* nothing pending: the loop has no CoAP deadline left */
	loop_run_once(iofx.loop, 0);
	assert_int_equal(loop_next_timeout_ms(iofx.loop), -1);
	cio_session_free(s);
}

static void test_own_deadline(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP,
		.host = "127.0.0.1",
		.port = iofx.silent_port,
		.security = CFG_SEC_NOSEC,
		.request_timeout_ms = 200, /* before libcoap gives up */
	};
	struct cio_session *s = cio_session_new(iofx.cio, &ep, NULL, NULL);
	struct iofx_res res = {0};

	(void)state;
	assert_non_null(s);
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 2000);
	assert_int_equal(res.status, CIO_TIMEOUT);
	assert_int_equal(cio_session_pending(s), 0);
	cio_session_free(s);
}

static void test_rst(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx.rst_port);
	struct iofx_res res = {0};

	(void)state;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_RESET);
	cio_session_free(s);
}

static void test_cancel_on_free(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx.silent_port);
	struct iofx_res a = {0}, b = {0};

	(void)state;
	iofx_post_rd(s, &a, NULL, 0);
	iofx_post_rd(s, &b, NULL, 0);
	assert_int_equal(cio_session_pending(s), 2);
	loop_run_once(iofx.loop, 0);
	cio_session_free(s);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.status, CIO_CANCELLED);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.status, CIO_CANCELLED);
	/* nothing more arrives later */
	loop_run_once(iofx.loop, 300);
	assert_int_equal(a.n + b.n, 2);
}

/* The session is freed from inside a result callback of its own. */
static struct cio_session *victim;
static void free_in_cb(void *arg, const struct cio_result *r)
{
	iofx_on_result(arg, r);
	cio_session_free(victim);
	victim = NULL;
}

static void test_free_from_callback(void **state)
{
	struct iofx_res a = {0}, b = {0};

	(void)state;
	victim = iofx_open_udp(iofx.rst_port);
	/* a NON request stays pending (an RST to a NON is not reported) */
	assert_int_equal(cio_request(victim,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
					     .confirmable = false,
				     },
				     iofx_on_result, &a),
			 0);
	assert_int_equal(cio_request(victim,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
					     .confirmable = true,
				     },
				     free_in_cb, &b),
			 0);
	iofx_run_until(&b.n, 1, 3000);
	assert_int_equal(b.status, CIO_RESET);
	assert_null(victim);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.status, CIO_CANCELLED);
	loop_run_once(iofx.loop, 100);
	assert_int_equal(a.n + b.n, 2);
}

static void test_server_requests(void **state)
{
	static const char *const p300[] = {"3", "0", "0"};
	static const char *const p301[] = {"3", "0", "1"};
	static const char *const p302[] = {"3", "0", "2"};
	static const char *const p_long[] = {"1", "2", "3", "4", "5",
					     "6", "7", "8", "9"};
	struct cio_session *s = iofx_open_udp(iofx_srv.udp_port);
	struct iofx_res res = {0};
	const uint8_t zero = 0;

	(void)state;
	iofx_srv.loc_mode = IOFX_LOC_TWO;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 3000);

	/* GET /3/0/0 with Accept 0 as a 1-byte 0x00 option */
	iofx_srv_send(COAP_REQUEST_CODE_GET, p300, 3, &zero, 1, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(iofx_srv.answer_cf, 0);
	assert_int_equal(iofx_srv.answer_len, 12);
	assert_memory_equal(iofx_srv.answer, "lwm2m-bridge", 12);
	assert_int_equal(iofx.accept, 0);
	assert_int_equal(iofx.n_path, 3);
	assert_int_equal(iofx.observe, -1);

	/* the same with Accept 0 as an empty option */
	iofx_srv_send(COAP_REQUEST_CODE_GET, p300, 3, &zero, 0, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 2, 3000);
	assert_int_equal(iofx.accept, 0);

	/* a 3000-byte answer goes out as Block2 */
	iofx_srv_send(COAP_REQUEST_CODE_GET, p301, 3, NULL, 0, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 3, 3000);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(iofx_srv.answer_cf, 42);
	assert_int_equal(iofx_srv.answer_len, sizeof(iofx_big_body));
	assert_memory_equal(iofx_srv.answer, iofx_big_body,
			    sizeof(iofx_big_body));
	assert_int_equal(iofx.accept, -1);

	/* a 3000-byte write comes in as Block1, reassembled */
	iofx_srv_send(COAP_REQUEST_CODE_PUT, p302, 3, NULL, 0, iofx_big_body,
		      sizeof(iofx_big_body));
	iofx_run_until(&iofx_srv.answers, 4, 3000);
	assert_int_equal(iofx.put_len, sizeof(iofx_big_body));
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 4));

	/* too many segments: refused before the handler */
	iofx.requests = 0;
	iofx_srv_send(COAP_REQUEST_CODE_GET, p_long, 9, NULL, 0, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 5, 3000);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(4, 0));
	assert_int_equal(iofx.requests, 0);

	/* long segments (800 bytes in all, more than the parser's stack
	 * buffer): parsed whole, they reach the handler (its 4.04) */
	{
		static char seg[4][201];
		const char *p_big[4];

		for (int i = 0; i < 4; i++) {
			memset(seg[i], 'a' + i, 200);
			p_big[i] = seg[i];
		}
		iofx_srv_send(COAP_REQUEST_CODE_GET, p_big, 4, NULL, 0, NULL,
			      0);
		iofx_run_until(&iofx_srv.answers, 6, 3000);
		assert_int_equal(iofx_srv.answer_code, CIO_CODE(4, 4));
		assert_int_equal(iofx.requests, 1);
		assert_int_equal(iofx.n_path, 4);
		assert_int_equal(iofx.path_bytes, 800);
		iofx.requests = 0;
	}

	/* Accept of 3 bytes: libcoap's parser already rejects it (RST) */
	iofx_srv_send(COAP_REQUEST_CODE_GET, p300, 3, (const uint8_t *)"\1\2\3",
		      3, NULL, 0);
	iofx_run_until(&iofx_srv.nacks, 1, 3000);
	assert_int_equal(iofx_srv.nack, COAP_NACK_RST);
	assert_int_equal(iofx.requests, 0);

	/* other paths: the handler's 4.04 */
	iofx_srv_send(COAP_REQUEST_CODE_DELETE, p300, 2, NULL, 0, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 7, 3000);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(4, 4));
	assert_int_equal(iofx.requests, 1);

	/* without a handler: 4.04 */
	cio_set_request_handler(iofx.cio, NULL, NULL);
	iofx_srv_send(COAP_REQUEST_CODE_GET, p300, 3, NULL, 0, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 8, 3000);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(4, 4));
	assert_int_equal(iofx.requests, 1);
	cio_set_request_handler(iofx.cio, iofx_on_request, NULL);
	cio_session_free(s);
}

static struct cio_session *open_dtls(const uint8_t *key, size_t key_len)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAPS,
		.host = "127.0.0.1",
		.port = iofx_srv.dtls_port,
		.security = CFG_SEC_PSK,
		.psk_identity = IOFX_PSK_ID,
		.psk_key = key,
		.psk_key_len = key_len,
		.ack_timeout_ms = 1000,
		.max_retransmit = 2,
		.request_timeout_ms = 1500,
	};
	struct cio_session *s =
		cio_session_new(iofx.cio, &ep, iofx_on_event, NULL);

	assert_non_null(s);
	return s;
}

static void test_dtls_psk_and_reset(void **state)
{
	static const char *const p300[] = {"3", "0", "0"};
	struct cio_session *s;
	struct iofx_res res = {0};
	int port1, port2;

	if (!coap_dtls_is_supported())
		skip(); /* built --with-dtls=no */
	s = open_dtls(iofx_psk_key, sizeof(iofx_psk_key));

	(void)state;
	assert_false(cio_session_is_up(s));
	/* sent before the handshake is over: libcoap queues it */
	iofx_srv.loc_mode = IOFX_LOC_ONE;
	iofx_post_rd(s, &res, "</3/0>", 6);
	iofx_run_until(&res.n, 1, 4000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_string_equal(res.loc[0], "rd/5a3f");
	assert_int_equal(iofx.connected, 1);
	assert_true(cio_session_is_up(s));

	/* the server's request over DTLS */
	iofx_srv_send(COAP_REQUEST_CODE_GET, p300, 3, NULL, 0, NULL, 0);
	iofx_run_until(&iofx_srv.answers, 1, 3000);
	assert_int_equal(iofx_srv.answer_code, CIO_CODE(2, 5));

	/* reset: a new socket and a new handshake */
	port1 = cio_session_local_port(s);
	assert_true(port1 > 0);
	assert_int_equal(cio_session_reset(s), 0);
	port2 = cio_session_local_port(s);
	assert_true(port2 > 0);
	assert_int_not_equal(port1, port2);
	assert_false(cio_session_is_up(s));
	iofx_run_until(&iofx.connected, 2, 4000);
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 2, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(iofx.down, 0);
	cio_session_free(s);
}

/* A wrong key: GnuTLS drops the records it cannot decrypt, so the
 * handshake never ends; the request meets its deadline. */
static void test_dtls_bad_key(void **state)
{
	static const uint8_t bad[] = {1, 2, 3};
	struct cio_session *s;
	struct iofx_res res = {0};

	if (!coap_dtls_is_supported())
		skip(); /* built --with-dtls=no */
	s = open_dtls(bad, sizeof(bad));

	(void)state;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 4000);
	assert_int_equal(res.status, CIO_TIMEOUT);
	assert_int_equal(iofx.connected, 0);
	assert_false(cio_session_is_up(s));
	assert_int_equal(iofx_srv.posts, 0);
	cio_session_free(s);
}

/* TCP to a port where nothing listens: the session goes down. */
static void test_tcp_refused(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP_TCP,
		.host = "127.0.0.1",
		.port = iofx_free_port(SOCK_STREAM),
		.security = CFG_SEC_NOSEC,
	};
	struct cio_session *s;
	struct iofx_res res = {0};
	int rc;

	(void)state;
	s = cio_session_new(iofx.cio, &ep, iofx_on_event, NULL);
	assert_non_null(s);
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_FAILED);
	iofx_run_until(&iofx.down, 1, 1000);
	assert_false(cio_session_is_up(s));
	assert_int_equal(cio_request(s,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
				     },
				     iofx_on_result, &res),
			 -ENOTCONN);
	/* a reset tries again: refused at once (-EIO) or a little later */
	rc = cio_session_reset(s);
	if (rc == 0) {
		iofx_post_rd(s, &res, NULL, 0);
		iofx_run_until(&res.n, 2, 3000);
		assert_int_equal(res.status, CIO_FAILED);
		iofx_run_until(&iofx.down, 2, 1000);
	} else {
		assert_int_equal(rc, -EIO);
		assert_int_equal(cio_session_local_port(s), -ENOTCONN);
	}
	assert_int_equal(cio_request(s,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
				     },
				     iofx_on_result, &res),
			 -ENOTCONN);
	cio_session_free(s);
}

static void test_tcp(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP_TCP,
		.host = "127.0.0.1",
		.port = iofx_srv.tcp_port,
		.security = CFG_SEC_NOSEC,
	};
	struct cio_session *s;
	struct iofx_res res = {0};

	(void)state;
	s = cio_session_new(iofx.cio, &ep, iofx_on_event, NULL);
	assert_non_null(s);
	iofx_srv.loc_mode = IOFX_LOC_TWO;
	/* Before the CSM exchange libcoap waits for it inside the request
	 * (coap_add_data_large_request), in its own epoll_wait: with the
	 * loop's fds hidden (the server's, ready, are among them) it blocks
	 * there; shown, it would get the loop's event back at once, again
	 * and again, and take it for one of its sockets. */
	n_epoll_wait = 0;
	counting = true;
	iofx_post_rd(s, &res, iofx_big_body, sizeof(iofx_big_body));
	counting = false;
	assert_true(n_epoll_wait <= 10);
	iofx_run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(iofx_srv.post_len, sizeof(iofx_big_body));
	assert_int_equal(res.n_loc, 2);
	assert_int_equal(iofx.connected, 1);
	cio_session_free(s);
}

static void test_bad_arguments(void **state)
{
	static const char *const nine[] = {"1", "2", "3", "4", "5",
					   "6", "7", "8", "9"};
	char long_seg[CIO_SEGMENT_MAX + 2], long_query[300];
	const char *long_path[] = {long_seg};
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP,
		.host = "127.0.0.1",
		.port = iofx.silent_port,
		.security = CFG_SEC_NOSEC,
	};
	struct cio_req req = {.method = CIO_GET, .content_format = -1};
	struct cio_session *s;
	struct iofx_res res = {0};

	(void)state;
	memset(long_seg, 'a', sizeof(long_seg) - 1);
	long_seg[sizeof(long_seg) - 1] = '\0';
	memset(long_query, 'q', sizeof(long_query) - 1);
	long_query[sizeof(long_query) - 1] = '\0';

	/* endpoints */
	ep.security = CFG_SEC_PSK; /* coap:// with PSK */
	errno = 0;
	assert_null(cio_session_new(iofx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.scheme = CFG_SCHEME_COAPS; /* PSK without key */
	ep.psk_identity = "id";
	assert_null(cio_session_new(iofx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.scheme = CFG_SCHEME_COAP;
	ep.security = CFG_SEC_NOSEC;
	ep.port = 0;
	assert_null(cio_session_new(iofx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.port = 5683;
	ep.host = "no-such-host.invalid";
	assert_null(cio_session_new(iofx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EHOSTUNREACH);
	ep.host = "127.0.0.1";
	ep.max_retransmit = 21;
	assert_null(cio_session_new(iofx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.max_retransmit = 0;

	/* requests */
	s = cio_session_new(iofx.cio, &ep, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(cio_request(s, &req, NULL, &res), -EINVAL);
	req.method = 0;
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	req.method = CIO_GET;
	req.path = nine;
	req.n_path = 9;
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	req.path = long_path;
	req.n_path = 1;
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	req.n_path = 0;
	req.query = long_query;
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	req.query = "a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q";
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	req.query = NULL;
	req.content_format = 65536;
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	req.content_format = -1;
	req.payload_len = 3;
	assert_int_equal(cio_request(s, &req, iofx_on_result, &res), -EINVAL);
	assert_int_equal(cio_session_pending(s), 0);
	assert_int_equal(res.n, 0);
	cio_session_free(s);
	cio_session_free(NULL);
	cio_free(NULL);
}

static void test_idle_has_no_deadline(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx_srv.udp_port);
	struct iofx_res res = {0};
	uint64_t w;

	(void)state;
	iofx_srv.loc_mode = IOFX_LOC_TWO;
	iofx_post_rd(s, &res, NULL, 0);
	iofx_run_until(&res.n, 1, 3000);
	loop_run_once(iofx.loop, 0);
	loop_run_once(iofx.loop, 0);
	assert_int_equal(loop_next_timeout_ms(iofx.loop), -1);
	w = loop_wakeups(iofx.loop);
	assert_int_equal(loop_run_once(iofx.loop, 200), 0);
	assert_int_equal(loop_wakeups(iofx.loop), w + 1);
	cio_session_free(s);
}

/*
 * The hot path: a server's GET answered in one loop iteration with one
 * epoll_wait (the loop's, on libcoap's set) and one timerfd_settime (the
 * one libcoap ends coap_io_do_epoll with); recvfrom and sendto are the
 * other two.  Watching libcoap's set as one fd of the loop and calling
 * coap_io_process took two epoll_waits and three timerfd_settimes.
 */
static void test_request_system_calls(void **state)
{
	struct cio_session *s = iofx_open_udp(iofx.silent_port);
	struct sockaddr_in to = {.sin_family = AF_INET};
	uint8_t req[16], ans[64];
	ssize_t n;
	int port;

	(void)state;
	port = cio_session_local_port(s);
	assert_true(port > 0);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)port);
	/* the kick of the session's opening */
	for (int i = 0; i < 3; i++)
		loop_run_once(iofx.loop, 0);
	for (int i = 0; i < 5; i++) {
		/* CON GET, mid 0x1200 + i, token "tok" + i, /3/0/0 */
		static const uint8_t head[] = {0x44, 0x01, 0x12, 0x00, 't',
					       'o',  'k',  '0',	 0xb1, '3',
					       0x01, '0',  0x01, '0'};

		memcpy(req, head, sizeof(head));
		req[3] = (uint8_t)i;
		req[7] = (uint8_t)('0' + i);
		assert_int_equal(sendto(iofx.silent_fd, req, sizeof(head), 0,
					(const struct sockaddr *)&to,
					sizeof(to)),
				 (ssize_t)sizeof(head));
		n_epoll_wait = 0;
		n_timerfd_settime = 0;
		counting = true;
		assert_int_equal(loop_run_once(iofx.loop, 1000), 1);
		counting = false;
		assert_int_equal(n_epoll_wait, 1);
		assert_int_equal(n_timerfd_settime, 1);
		/* ACK 2.05, same mid and token, Content-Format 0 */
		n = recv(iofx.silent_fd, ans, sizeof(ans), MSG_DONTWAIT);
		assert_int_equal(n, 8 + 1 + 1 + 12);
		assert_int_equal(ans[0], 0x64);
		assert_int_equal(ans[1], CIO_CODE(2, 5));
		assert_memory_equal(ans + 2, req + 2, 6);
		assert_int_equal(ans[8], 0xc0);
		assert_int_equal(ans[9], 0xff);
		assert_memory_equal(ans + 10, "lwm2m-bridge", 12);
	}
	assert_int_equal(iofx.requests >= 5, true);
	cio_session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_post_location_two_options,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_post_location_one_option,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(
			test_block1_request_and_block2_response, iofx_setup,
			iofx_teardown),
		cmocka_unit_test_setup_teardown(test_timeout, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_own_deadline, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_rst, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_cancel_on_free, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_free_from_callback,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_server_requests,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_dtls_psk_and_reset,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_dtls_bad_key, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_tcp, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_tcp_refused, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, iofx_setup,
						iofx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_has_no_deadline,
						iofx_setup, iofx_teardown),
		cmocka_unit_test_setup_teardown(test_request_system_calls,
						iofx_setup, iofx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

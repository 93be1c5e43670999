/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CoAP transport against a real libcoap server created here, on
 * 127.0.0.1, in the same process and driven by the same loop (its epoll fd
 * is watched like ours).  Plain UDP sockets stand in for a server that
 * never answers and one that answers every message with RST.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <coap3/coap.h>

#include "coap_io.h"
#include "log.h"
#include "loop.h"

#define BIG    3000
#define PSK_ID "bridge-test"
static const uint8_t psk_key[] = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60};

/* ---- the test server (libcoap) -------------------------------------- */

enum loc_mode { LOC_TWO, LOC_ONE, LOC_NINE };

static struct srv {
	coap_context_t *ctx;
	int fd;
	uint16_t udp_port, dtls_port, tcp_port;
	enum loc_mode loc_mode;
	int posts;
	char query[256];
	size_t post_len;
	uint8_t post_first, post_last;
	coap_session_t *session; /* where the last POST came from */
	/* answers to the server's own requests */
	int answers;
	int nacks;
	coap_nack_reason_t nack;
	int answer_code;
	int answer_cf;
	size_t answer_len;
	uint8_t answer[4096];
} srv;

static void srv_post(coap_resource_t *r, coap_session_t *s,
		     const coap_pdu_t *req, const coap_string_t *query,
		     coap_pdu_t *resp)
{
	size_t len = 0, off, total;
	const uint8_t *data = NULL;
	int i;

	(void)r;
	srv.posts++;
	snprintf(srv.query, sizeof(srv.query), "%.*s",
		 query ? (int)query->length : 0,
		 query ? (const char *)query->s : "");
	srv.post_len = 0;
	if (coap_get_data_large(req, &len, &data, &off, &total)) {
		srv.post_len = len;
		srv.post_first = len ? data[0] : 0;
		srv.post_last = len ? data[len - 1] : 0;
	}
	if (srv.session != NULL)
		coap_session_release(srv.session);
	srv.session = coap_session_reference(s);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(201));
	switch (srv.loc_mode) {
	case LOC_TWO:
		coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2,
				(const uint8_t *)"rd");
		coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 4,
				(const uint8_t *)"5a3f");
		break;
	case LOC_ONE:
		coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 7,
				(const uint8_t *)"rd/5a3f");
		break;
	case LOC_NINE:
		for (i = 0; i < 9; i++)
			coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 1,
					(const uint8_t *)"x");
		break;
	}
}

static uint8_t big_body[BIG];

static void srv_get_big(coap_resource_t *r, coap_session_t *s,
			const coap_pdu_t *req, const coap_string_t *query,
			coap_pdu_t *resp)
{
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
	coap_add_data_large_response(
		r, s, req, resp, query, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM,
		-1, 0, sizeof(big_body), big_body, NULL, NULL);
}

static coap_response_t srv_on_response(coap_session_t *s,
				       const coap_pdu_t *sent,
				       const coap_pdu_t *rcvd,
				       const coap_mid_t mid)
{
	size_t len = 0, off, total;
	const uint8_t *data = NULL;
	coap_opt_iterator_t it;
	coap_opt_t *opt;

	(void)s;
	(void)sent;
	(void)mid;
	srv.answers++;
	srv.answer_code = coap_pdu_get_code(rcvd);
	opt = coap_check_option(rcvd, COAP_OPTION_CONTENT_FORMAT, &it);
	srv.answer_cf = opt ? (int)coap_decode_var_bytes(coap_opt_value(opt),
							 coap_opt_length(opt))
			    : -1;
	srv.answer_len = 0;
	if (coap_get_data_large(rcvd, &len, &data, &off, &total)) {
		srv.answer_len = len;
		memcpy(srv.answer, data,
		       len < sizeof(srv.answer) ? len : sizeof(srv.answer));
	}
	return COAP_RESPONSE_OK;
}

static void srv_on_nack(coap_session_t *s, const coap_pdu_t *sent,
			const coap_nack_reason_t reason, const coap_mid_t mid)
{
	(void)s;
	(void)sent;
	(void)mid;
	srv.nacks++;
	srv.nack = reason;
}

static void srv_on_fd(int fd, unsigned int revents, void *arg)
{
	(void)fd;
	(void)revents;
	coap_io_process(arg, COAP_IO_NO_WAIT);
}

/* A port free right now on 127.0.0.1 (bound by libcoap just after). */
static uint16_t free_port(int type)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static void srv_endpoint(uint16_t port, coap_proto_t proto)
{
	coap_address_t addr;

	coap_address_init(&addr);
	addr.addr.sin.sin_family = AF_INET;
	addr.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.addr.sin.sin_port = htons(port);
	addr.size = sizeof(addr.addr.sin);
	assert_non_null(coap_new_endpoint(srv.ctx, &addr, proto));
}

static void srv_start(struct loop *loop)
{
	coap_dtls_spsk_t psk;
	coap_resource_t *r;
	size_t i;

	memset(&srv, 0, sizeof(srv));
	for (i = 0; i < sizeof(big_body); i++)
		big_body[i] = (uint8_t)(i * 7 + 1);
	srv.ctx = coap_new_context(NULL);
	assert_non_null(srv.ctx);
	coap_context_set_block_mode(srv.ctx, COAP_BLOCK_USE_LIBCOAP |
						     COAP_BLOCK_SINGLE_BODY);
	memset(&psk, 0, sizeof(psk));
	psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
	psk.psk_info.key.s = psk_key;
	psk.psk_info.key.length = sizeof(psk_key);
	assert_true(coap_context_set_psk2(srv.ctx, &psk));
	srv.udp_port = free_port(SOCK_DGRAM);
	srv_endpoint(srv.udp_port, COAP_PROTO_UDP);
	srv.dtls_port = free_port(SOCK_DGRAM);
	srv_endpoint(srv.dtls_port, COAP_PROTO_DTLS);
	srv.tcp_port = free_port(SOCK_STREAM);
	srv_endpoint(srv.tcp_port, COAP_PROTO_TCP);
	r = coap_resource_init(coap_make_str_const("rd"), 0);
	coap_register_handler(r, COAP_REQUEST_POST, srv_post);
	coap_add_resource(srv.ctx, r);
	r = coap_resource_init(coap_make_str_const("big"), 0);
	coap_register_handler(r, COAP_REQUEST_GET, srv_get_big);
	coap_add_resource(srv.ctx, r);
	coap_register_response_handler(srv.ctx, srv_on_response);
	coap_register_nack_handler(srv.ctx, srv_on_nack);
	srv.fd = coap_context_get_coap_fd(srv.ctx);
	assert_true(srv.fd >= 0);
	assert_int_equal(
		loop_watch_add(loop, srv.fd, LOOP_READ, srv_on_fd, srv.ctx), 0);
}

static void srv_stop(struct loop *loop)
{
	loop_watch_del(loop, srv.fd);
	if (srv.session != NULL)
		coap_session_release(srv.session);
	coap_free_context(srv.ctx);
}

/* The server sends a request to the client's session it last heard. */
static void srv_send(coap_pdu_code_t code, const char *const *path, size_t n,
		     const uint8_t *accept, size_t accept_len,
		     const uint8_t *payload, size_t len)
{
	coap_session_t *s = srv.session;
	uint8_t tok[8];
	size_t tok_len, i;
	coap_pdu_t *pdu;

	assert_non_null(s);
	pdu = coap_pdu_init(COAP_MESSAGE_CON, code, coap_new_message_id(s),
			    coap_session_max_pdu_size(s));
	assert_non_null(pdu);
	coap_session_new_token(s, &tok_len, tok);
	coap_add_token(pdu, tok_len, tok);
	for (i = 0; i < n; i++)
		coap_add_option(pdu, COAP_OPTION_URI_PATH, strlen(path[i]),
				(const uint8_t *)path[i]);
	if (payload != NULL)
		coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT, 1,
				(const uint8_t *)"\x2a");
	if (accept != NULL)
		coap_add_option(pdu, COAP_OPTION_ACCEPT, accept_len, accept);
	if (payload != NULL)
		assert_true(coap_add_data_large_request(s, pdu, len, payload,
							NULL, NULL));
	assert_int_not_equal(coap_send(s, pdu), COAP_INVALID_MID);
}

/* ---- the fixture ---------------------------------------------------- */

struct res {
	int n;
	enum cio_status status;
	int code;
	char loc[CIO_PATH_MAX][CIO_SEGMENT_MAX + 1];
	size_t n_loc;
	int cf;
	size_t len;
	uint8_t payload[4096];
};

static struct fx {
	struct loop *loop;
	struct cio *cio;
	int connected, down;
	/* what our request handler saw */
	int requests;
	int accept;
	size_t n_path;
	size_t put_len;
	int64_t observe;
	/* a UDP socket that never answers, one that answers RST */
	int silent_fd, rst_fd;
	uint16_t silent_port, rst_port;
} fx;

static void on_result(void *arg, const struct cio_result *r)
{
	struct res *res = arg;
	size_t i;

	res->n++;
	res->status = r->status;
	res->code = r->code;
	res->n_loc = r->n_location;
	for (i = 0; i < r->n_location; i++)
		snprintf(res->loc[i], sizeof(res->loc[i]), "%s",
			 r->location[i]);
	res->cf = r->content_format;
	res->len = r->payload_len;
	if (r->payload_len > 0)
		memcpy(res->payload, r->payload,
		       r->payload_len < sizeof(res->payload)
			       ? r->payload_len
			       : sizeof(res->payload));
}

static void on_event(void *arg, struct cio_session *s, enum cio_event ev)
{
	(void)arg;
	(void)s;
	if (ev == CIO_EV_CONNECTED)
		fx.connected++;
	else
		fx.down++;
}

static void on_request(void *arg, struct cio_session *s,
		       const struct cio_incoming *req,
		       struct cio_response *resp)
{
	static const char text[] = "lwm2m-bridge";

	(void)arg;
	(void)s;
	fx.requests++;
	fx.accept = req->accept;
	fx.n_path = req->n_path;
	fx.observe = req->observe;
	if (req->method == CIO_GET && req->n_path == 3 &&
	    strcmp(req->path[0], "3") == 0 && strcmp(req->path[2], "0") == 0) {
		if (req->observe == 0)
			cio_response_set_observe(resp, 7);
		assert_int_equal(cio_response_set(resp, CIO_CODE(2, 5), 0, text,
						  strlen(text)),
				 0);
		assert_int_equal(
			cio_response_set(resp, CIO_CODE(2, 5), 0, text, 1),
			-EALREADY);
	} else if (req->method == CIO_GET && req->n_path == 3) {
		assert_int_equal(cio_response_set(resp, CIO_CODE(2, 5), 42,
						  big_body, sizeof(big_body)),
				 0);
	} else if (req->method == CIO_PUT) {
		fx.put_len = req->payload_len;
		if (req->payload_len == sizeof(big_body) &&
		    memcmp(req->payload, big_body, sizeof(big_body)) == 0)
			cio_response_set(resp, CIO_CODE(2, 4), -1, NULL, 0);
		else
			cio_response_set(resp, CIO_CODE(4, 0), -1, NULL, 0);
	} else {
		assert_int_equal(
			cio_response_set(resp, CIO_CODE(2, 5), 70000, NULL, 0),
			-EINVAL);
		cio_response_set(resp, CIO_CODE(4, 4), -1, NULL, 0);
	}
}

static int bound_udp(uint16_t *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Answers each datagram with an RST carrying its message ID. */
static void rst_on_fd(int fd, unsigned int revents, void *arg)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	uint8_t buf[2048], rst[4];
	ssize_t n;

	(void)revents;
	(void)arg;
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < 4)
		return;
	rst[0] = 0x70; /* version 1, RST, no token */
	rst[1] = 0;
	rst[2] = buf[2];
	rst[3] = buf[3];
	sendto(fd, rst, sizeof(rst), 0, (struct sockaddr *)&from, flen);
}

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	if (getenv("CIO_DEBUG") != NULL)
		log_set_level(LOG_LVL_DEBUG);
	fx.loop = loop_new();
	assert_non_null(fx.loop);
	fx.cio = cio_new(fx.loop);
	assert_non_null(fx.cio);
	cio_set_request_handler(fx.cio, on_request, NULL);
	srv_start(fx.loop);
	fx.silent_fd = bound_udp(&fx.silent_port);
	fx.rst_fd = bound_udp(&fx.rst_port);
	assert_int_equal(
		loop_watch_add(fx.loop, fx.rst_fd, LOOP_READ, rst_on_fd, NULL),
		0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cio_free(fx.cio);
	srv_stop(fx.loop);
	loop_watch_del(fx.loop, fx.rst_fd);
	close(fx.rst_fd);
	close(fx.silent_fd);
	loop_free(fx.loop);
	coap_cleanup();
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Runs the loop until *counter reaches target or ms pass. */
static void run_until(const int *counter, int target, unsigned ms)
{
	uint64_t end = now_ms() + ms;

	while (*counter < target && now_ms() < end)
		assert_true(loop_run_once(fx.loop, 50) >= 0);
	assert_int_equal(*counter, target);
}

static struct cio_session *open_udp(uint16_t port)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP,
		.host = "127.0.0.1",
		.port = port,
		.security = CFG_SEC_NOSEC,
		.ack_timeout_ms = 1000,
		.max_retransmit = 1,
	};
	struct cio_session *s = cio_session_new(fx.cio, &ep, on_event, NULL);

	assert_non_null(s);
	return s;
}

static const char *const rd_path[] = {"rd"};

static void post_rd(struct cio_session *s, struct res *res, const void *body,
		    size_t len)
{
	struct cio_req req = {
		.method = CIO_POST,
		.path = rd_path,
		.n_path = 1,
		.query = "ep=gw1&lt=60&&lwm2m=1.1&b=U",
		.content_format = 40,
		.payload = body,
		.payload_len = len,
		.confirmable = true,
	};

	assert_int_equal(cio_request(s, &req, on_result, res), 0);
}

/* ---- tests ---------------------------------------------------------- */

static void test_post_location_two_options(void **state)
{
	struct cio_session *s = open_udp(srv.udp_port);
	struct res res = {0};

	(void)state;
	srv.loc_mode = LOC_TWO;
	post_rd(s, &res, "</1/0>,</3/0>", 13);
	assert_int_equal(cio_session_pending(s), 1);
	run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(res.n_loc, 2);
	assert_string_equal(res.loc[0], "rd");
	assert_string_equal(res.loc[1], "5a3f");
	assert_int_equal(res.cf, -1);
	assert_string_equal(srv.query, "ep=gw1&lt=60&lwm2m=1.1&b=U");
	assert_int_equal(srv.post_len, 13);
	assert_int_equal(srv.post_first, '<');
	assert_int_equal(cio_session_pending(s), 0);
	assert_true(cio_session_is_up(s));
	assert_int_equal(fx.connected, 0); /* plain UDP: no such event */
	cio_session_free(s);
	assert_int_equal(res.n, 1);
}

static void test_post_location_one_option(void **state)
{
	struct cio_session *s = open_udp(srv.udp_port);
	struct res res = {0};

	(void)state;
	srv.loc_mode = LOC_ONE;
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.n_loc, 1);
	assert_string_equal(res.loc[0], "rd/5a3f");
	assert_int_equal(srv.post_len, 0);

	/* nine Location-Path options: over the bound */
	srv.loc_mode = LOC_NINE;
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 2, 3000);
	assert_int_equal(res.status, CIO_BAD_RESPONSE);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(res.n_loc, 0);
	cio_session_free(s);
}

static void test_block1_request_and_block2_response(void **state)
{
	static const char *const big_path[] = {"big"};
	struct cio_session *s = open_udp(srv.udp_port);
	struct cio_req get = {
		.method = CIO_GET,
		.path = big_path,
		.n_path = 1,
		.content_format = -1,
		.confirmable = true,
	};
	struct res res = {0};

	(void)state;
	srv.loc_mode = LOC_TWO;
	post_rd(s, &res, big_body, sizeof(big_body));
	run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(res.n_loc, 2);
	assert_int_equal(srv.post_len, sizeof(big_body));
	assert_int_equal(srv.post_first, big_body[0]);
	assert_int_equal(srv.post_last, big_body[BIG - 1]);

	assert_int_equal(cio_request(s, &get, on_result, &res), 0);
	run_until(&res.n, 2, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 5));
	assert_int_equal(res.cf, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM);
	assert_int_equal(res.len, sizeof(big_body));
	assert_memory_equal(res.payload, big_body, sizeof(big_body));
	cio_session_free(s);
}

static void test_timeout(void **state)
{
	struct cio_session *s = open_udp(fx.silent_port);
	struct res res = {0};
	uint64_t t0 = now_ms();

	(void)state;
	/* ACK_TIMEOUT 1 s, one retransmission: libcoap gives up after 3 to
	 * 4.5 s (random factor 1.5); our own deadline would be later */
	post_rd(s, &res, "x", 1);
	run_until(&res.n, 1, 4800);
	assert_int_equal(res.status, CIO_TIMEOUT);
	assert_int_equal(res.code, 0);
	assert_true(now_ms() - t0 >= 3000);
	/* nothing pending: the loop has no CoAP deadline left */
	loop_run_once(fx.loop, 0);
	assert_int_equal(loop_next_timeout_ms(fx.loop), -1);
	cio_session_free(s);
}

static void test_own_deadline(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP,
		.host = "127.0.0.1",
		.port = fx.silent_port,
		.security = CFG_SEC_NOSEC,
		.request_timeout_ms = 200, /* before libcoap gives up */
	};
	struct cio_session *s = cio_session_new(fx.cio, &ep, NULL, NULL);
	struct res res = {0};

	(void)state;
	assert_non_null(s);
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 2000);
	assert_int_equal(res.status, CIO_TIMEOUT);
	assert_int_equal(cio_session_pending(s), 0);
	cio_session_free(s);
}

static void test_rst(void **state)
{
	struct cio_session *s = open_udp(fx.rst_port);
	struct res res = {0};

	(void)state;
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_RESET);
	cio_session_free(s);
}

static void test_cancel_on_free(void **state)
{
	struct cio_session *s = open_udp(fx.silent_port);
	struct res a = {0}, b = {0};

	(void)state;
	post_rd(s, &a, NULL, 0);
	post_rd(s, &b, NULL, 0);
	assert_int_equal(cio_session_pending(s), 2);
	loop_run_once(fx.loop, 0);
	cio_session_free(s);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.status, CIO_CANCELLED);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.status, CIO_CANCELLED);
	/* nothing more arrives later */
	loop_run_once(fx.loop, 300);
	assert_int_equal(a.n + b.n, 2);
}

/* The session is freed from inside a result callback of its own. */
static struct cio_session *victim;
static void free_in_cb(void *arg, const struct cio_result *r)
{
	on_result(arg, r);
	cio_session_free(victim);
	victim = NULL;
}

static void test_free_from_callback(void **state)
{
	struct res a = {0}, b = {0};

	(void)state;
	victim = open_udp(fx.rst_port);
	/* a NON request stays pending (an RST to a NON is not reported) */
	assert_int_equal(cio_request(victim,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
					     .confirmable = false,
				     },
				     on_result, &a),
			 0);
	assert_int_equal(cio_request(victim,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
					     .confirmable = true,
				     },
				     free_in_cb, &b),
			 0);
	run_until(&b.n, 1, 3000);
	assert_int_equal(b.status, CIO_RESET);
	assert_null(victim);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.status, CIO_CANCELLED);
	loop_run_once(fx.loop, 100);
	assert_int_equal(a.n + b.n, 2);
}

static void test_server_requests(void **state)
{
	static const char *const p300[] = {"3", "0", "0"};
	static const char *const p301[] = {"3", "0", "1"};
	static const char *const p302[] = {"3", "0", "2"};
	static const char *const p_long[] = {"1", "2", "3", "4", "5",
					     "6", "7", "8", "9"};
	struct cio_session *s = open_udp(srv.udp_port);
	struct res res = {0};
	const uint8_t zero = 0;

	(void)state;
	srv.loc_mode = LOC_TWO;
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 3000);

	/* GET /3/0/0 with Accept 0 as a 1-byte 0x00 option */
	srv_send(COAP_REQUEST_CODE_GET, p300, 3, &zero, 1, NULL, 0);
	run_until(&srv.answers, 1, 3000);
	assert_int_equal(srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(srv.answer_cf, 0);
	assert_int_equal(srv.answer_len, 12);
	assert_memory_equal(srv.answer, "lwm2m-bridge", 12);
	assert_int_equal(fx.accept, 0);
	assert_int_equal(fx.n_path, 3);
	assert_int_equal(fx.observe, -1);

	/* the same with Accept 0 as an empty option */
	srv_send(COAP_REQUEST_CODE_GET, p300, 3, &zero, 0, NULL, 0);
	run_until(&srv.answers, 2, 3000);
	assert_int_equal(fx.accept, 0);

	/* a 3000-byte answer goes out as Block2 */
	srv_send(COAP_REQUEST_CODE_GET, p301, 3, NULL, 0, NULL, 0);
	run_until(&srv.answers, 3, 3000);
	assert_int_equal(srv.answer_code, CIO_CODE(2, 5));
	assert_int_equal(srv.answer_cf, 42);
	assert_int_equal(srv.answer_len, sizeof(big_body));
	assert_memory_equal(srv.answer, big_body, sizeof(big_body));
	assert_int_equal(fx.accept, -1);

	/* a 3000-byte write comes in as Block1, reassembled */
	srv_send(COAP_REQUEST_CODE_PUT, p302, 3, NULL, 0, big_body,
		 sizeof(big_body));
	run_until(&srv.answers, 4, 3000);
	assert_int_equal(fx.put_len, sizeof(big_body));
	assert_int_equal(srv.answer_code, CIO_CODE(2, 4));

	/* too many segments: refused before the handler */
	fx.requests = 0;
	srv_send(COAP_REQUEST_CODE_GET, p_long, 9, NULL, 0, NULL, 0);
	run_until(&srv.answers, 5, 3000);
	assert_int_equal(srv.answer_code, CIO_CODE(4, 0));
	assert_int_equal(fx.requests, 0);

	/* Accept of 3 bytes: libcoap's parser already rejects it (RST) */
	srv_send(COAP_REQUEST_CODE_GET, p300, 3, (const uint8_t *)"\1\2\3", 3,
		 NULL, 0);
	run_until(&srv.nacks, 1, 3000);
	assert_int_equal(srv.nack, COAP_NACK_RST);
	assert_int_equal(fx.requests, 0);

	/* other paths: the handler's 4.04 */
	srv_send(COAP_REQUEST_CODE_DELETE, p300, 2, NULL, 0, NULL, 0);
	run_until(&srv.answers, 6, 3000);
	assert_int_equal(srv.answer_code, CIO_CODE(4, 4));
	assert_int_equal(fx.requests, 1);

	/* without a handler: 4.04 */
	cio_set_request_handler(fx.cio, NULL, NULL);
	srv_send(COAP_REQUEST_CODE_GET, p300, 3, NULL, 0, NULL, 0);
	run_until(&srv.answers, 7, 3000);
	assert_int_equal(srv.answer_code, CIO_CODE(4, 4));
	assert_int_equal(fx.requests, 1);
	cio_set_request_handler(fx.cio, on_request, NULL);
	cio_session_free(s);
}

static struct cio_session *open_dtls(const uint8_t *key, size_t key_len)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAPS,
		.host = "127.0.0.1",
		.port = srv.dtls_port,
		.security = CFG_SEC_PSK,
		.psk_identity = PSK_ID,
		.psk_key = key,
		.psk_key_len = key_len,
		.ack_timeout_ms = 1000,
		.max_retransmit = 2,
		.request_timeout_ms = 1500,
	};
	struct cio_session *s = cio_session_new(fx.cio, &ep, on_event, NULL);

	assert_non_null(s);
	return s;
}

static void test_dtls_psk_and_reset(void **state)
{
	static const char *const p300[] = {"3", "0", "0"};
	struct cio_session *s = open_dtls(psk_key, sizeof(psk_key));
	struct res res = {0};
	int port1, port2;

	(void)state;
	assert_false(cio_session_is_up(s));
	/* sent before the handshake is over: libcoap queues it */
	srv.loc_mode = LOC_ONE;
	post_rd(s, &res, "</3/0>", 6);
	run_until(&res.n, 1, 4000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_string_equal(res.loc[0], "rd/5a3f");
	assert_int_equal(fx.connected, 1);
	assert_true(cio_session_is_up(s));

	/* the server's request over DTLS */
	srv_send(COAP_REQUEST_CODE_GET, p300, 3, NULL, 0, NULL, 0);
	run_until(&srv.answers, 1, 3000);
	assert_int_equal(srv.answer_code, CIO_CODE(2, 5));

	/* reset: a new socket and a new handshake */
	port1 = cio_session_local_port(s);
	assert_true(port1 > 0);
	assert_int_equal(cio_session_reset(s), 0);
	port2 = cio_session_local_port(s);
	assert_true(port2 > 0);
	assert_int_not_equal(port1, port2);
	assert_false(cio_session_is_up(s));
	run_until(&fx.connected, 2, 4000);
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 2, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(fx.down, 0);
	cio_session_free(s);
}

/* A wrong key: GnuTLS drops the records it cannot decrypt, so the
 * handshake never ends; the request meets its deadline. */
static void test_dtls_bad_key(void **state)
{
	static const uint8_t bad[] = {1, 2, 3};
	struct cio_session *s = open_dtls(bad, sizeof(bad));
	struct res res = {0};

	(void)state;
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 4000);
	assert_int_equal(res.status, CIO_TIMEOUT);
	assert_int_equal(fx.connected, 0);
	assert_false(cio_session_is_up(s));
	assert_int_equal(srv.posts, 0);
	cio_session_free(s);
}

/* TCP to a port where nothing listens: the session goes down. */
static void test_tcp_refused(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP_TCP,
		.host = "127.0.0.1",
		.port = free_port(SOCK_STREAM),
		.security = CFG_SEC_NOSEC,
	};
	struct cio_session *s;
	struct res res = {0};
	int rc;

	(void)state;
	s = cio_session_new(fx.cio, &ep, on_event, NULL);
	assert_non_null(s);
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_FAILED);
	run_until(&fx.down, 1, 1000);
	assert_false(cio_session_is_up(s));
	assert_int_equal(cio_request(s,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
				     },
				     on_result, &res),
			 -ENOTCONN);
	/* a reset tries again: refused at once (-EIO) or a little later */
	rc = cio_session_reset(s);
	if (rc == 0) {
		post_rd(s, &res, NULL, 0);
		run_until(&res.n, 2, 3000);
		assert_int_equal(res.status, CIO_FAILED);
		run_until(&fx.down, 2, 1000);
	} else {
		assert_int_equal(rc, -EIO);
		assert_int_equal(cio_session_local_port(s), -ENOTCONN);
	}
	assert_int_equal(cio_request(s,
				     &(struct cio_req){
					     .method = CIO_GET,
					     .content_format = -1,
				     },
				     on_result, &res),
			 -ENOTCONN);
	cio_session_free(s);
}

static void test_tcp(void **state)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP_TCP,
		.host = "localhost",
		.port = srv.tcp_port,
		.security = CFG_SEC_NOSEC,
	};
	struct cio_session *s;
	struct res res = {0};

	(void)state;
	s = cio_session_new(fx.cio, &ep, on_event, NULL);
	assert_non_null(s);
	srv.loc_mode = LOC_TWO;
	post_rd(s, &res, big_body, sizeof(big_body));
	run_until(&res.n, 1, 3000);
	assert_int_equal(res.status, CIO_OK);
	assert_int_equal(res.code, CIO_CODE(2, 1));
	assert_int_equal(srv.post_len, sizeof(big_body));
	assert_int_equal(res.n_loc, 2);
	assert_int_equal(fx.connected, 1);
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
		.port = fx.silent_port,
		.security = CFG_SEC_NOSEC,
	};
	struct cio_req req = {.method = CIO_GET, .content_format = -1};
	struct cio_session *s;
	struct res res = {0};

	(void)state;
	memset(long_seg, 'a', sizeof(long_seg) - 1);
	long_seg[sizeof(long_seg) - 1] = '\0';
	memset(long_query, 'q', sizeof(long_query) - 1);
	long_query[sizeof(long_query) - 1] = '\0';

	/* endpoints */
	ep.security = CFG_SEC_PSK; /* coap:// with PSK */
	errno = 0;
	assert_null(cio_session_new(fx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.scheme = CFG_SCHEME_COAPS; /* PSK without key */
	ep.psk_identity = "id";
	assert_null(cio_session_new(fx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.scheme = CFG_SCHEME_COAP;
	ep.security = CFG_SEC_NOSEC;
	ep.port = 0;
	assert_null(cio_session_new(fx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.port = 5683;
	ep.host = "no-such-host.invalid";
	assert_null(cio_session_new(fx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EHOSTUNREACH);
	ep.host = "127.0.0.1";
	ep.max_retransmit = 21;
	assert_null(cio_session_new(fx.cio, &ep, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	ep.max_retransmit = 0;

	/* requests */
	s = cio_session_new(fx.cio, &ep, NULL, NULL);
	assert_non_null(s);
	assert_int_equal(cio_request(s, &req, NULL, &res), -EINVAL);
	req.method = 0;
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	req.method = CIO_GET;
	req.path = nine;
	req.n_path = 9;
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	req.path = long_path;
	req.n_path = 1;
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	req.n_path = 0;
	req.query = long_query;
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	req.query = "a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q";
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	req.query = NULL;
	req.content_format = 65536;
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	req.content_format = -1;
	req.payload_len = 3;
	assert_int_equal(cio_request(s, &req, on_result, &res), -EINVAL);
	assert_int_equal(cio_session_pending(s), 0);
	assert_int_equal(res.n, 0);
	cio_session_free(s);
	cio_session_free(NULL);
	cio_free(NULL);
}

static void test_idle_has_no_deadline(void **state)
{
	struct cio_session *s = open_udp(srv.udp_port);
	struct res res = {0};
	uint64_t w;

	(void)state;
	srv.loc_mode = LOC_TWO;
	post_rd(s, &res, NULL, 0);
	run_until(&res.n, 1, 3000);
	loop_run_once(fx.loop, 0);
	loop_run_once(fx.loop, 0);
	assert_int_equal(loop_next_timeout_ms(fx.loop), -1);
	w = loop_wakeups(fx.loop);
	assert_int_equal(loop_run_once(fx.loop, 200), 0);
	assert_int_equal(loop_wakeups(fx.loop), w + 1);
	cio_session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_post_location_two_options,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_location_one_option,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_block1_request_and_block2_response, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_deadline, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_on_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_free_from_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_server_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dtls_psk_and_reset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dtls_bad_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tcp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_idle_has_no_deadline,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

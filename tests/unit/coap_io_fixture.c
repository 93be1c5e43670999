/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CoAP transport tests' fixture: see coap_io_fixture.h.
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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "coap_io_fixture.h"
#include "log.h"

const uint8_t iofx_psk_key[IOFX_PSK_KEY_LEN] = {0x10, 0x20, 0x30,
						0x40, 0x50, 0x60};

/* ---- the test server (libcoap) -------------------------------------- */

struct iofx_srv iofx_srv;

static void srv_post(coap_resource_t *r, coap_session_t *s,
		     const coap_pdu_t *req, const coap_string_t *query,
		     coap_pdu_t *resp)
{
	size_t len = 0, off, total;
	const uint8_t *data = NULL;
	int i;

	(void)r;
	iofx_srv.posts++;
	snprintf(iofx_srv.query, sizeof(iofx_srv.query), "%.*s",
		 query ? (int)query->length : 0,
		 query ? (const char *)query->s : "");
	iofx_srv.post_len = 0;
	if (coap_get_data_large(req, &len, &data, &off, &total)) {
		iofx_srv.post_len = len;
		iofx_srv.post_first = len ? data[0] : 0;
		iofx_srv.post_last = len ? data[len - 1] : 0;
	}
	if (iofx_srv.session != NULL)
		coap_session_release(iofx_srv.session);
	iofx_srv.session = coap_session_reference(s);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(201));
	switch (iofx_srv.loc_mode) {
	case IOFX_LOC_TWO:
		coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2,
				(const uint8_t *)"rd");
		coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 4,
				(const uint8_t *)"5a3f");
		break;
	case IOFX_LOC_ONE:
		coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 7,
				(const uint8_t *)"rd/5a3f");
		break;
	case IOFX_LOC_NINE:
		for (i = 0; i < 9; i++)
			coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 1,
					(const uint8_t *)"x");
		break;
	}
}

uint8_t iofx_big_body[IOFX_BIG];

static void srv_get_big(coap_resource_t *r, coap_session_t *s,
			const coap_pdu_t *req, const coap_string_t *query,
			coap_pdu_t *resp)
{
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
	coap_add_data_large_response(
		r, s, req, resp, query, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM,
		-1, 0, sizeof(iofx_big_body), iofx_big_body, NULL, NULL);
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
	coap_bin_const_t tok;

	(void)s;
	(void)sent;
	(void)mid;
	iofx_srv.answers++;
	iofx_srv.answer_type = coap_pdu_get_type(rcvd);
	iofx_srv.answer_code = coap_pdu_get_code(rcvd);
	iofx_srv.answer_mid = coap_pdu_get_mid(rcvd);
	tok = coap_pdu_get_token(rcvd);
	iofx_srv.answer_token_len = tok.length;
	memcpy(iofx_srv.answer_token, tok.s,
	       tok.length < sizeof(iofx_srv.answer_token)
		       ? tok.length
		       : sizeof(iofx_srv.answer_token));
	opt = coap_check_option(rcvd, COAP_OPTION_OBSERVE, &it);
	iofx_srv.answer_observe =
		opt ? (int64_t)coap_decode_var_bytes(coap_opt_value(opt),
						     coap_opt_length(opt))
		    : -1;
	opt = coap_check_option(rcvd, COAP_OPTION_CONTENT_FORMAT, &it);
	iofx_srv.answer_cf =
		opt ? (int)coap_decode_var_bytes(coap_opt_value(opt),
						 coap_opt_length(opt))
		    : -1;
	iofx_srv.answer_len = 0;
	if (coap_get_data_large(rcvd, &len, &data, &off, &total)) {
		iofx_srv.answer_len = len;
		memcpy(iofx_srv.answer, data,
		       len < sizeof(iofx_srv.answer) ? len
						     : sizeof(iofx_srv.answer));
	}
	return iofx_srv.refuse ? COAP_RESPONSE_FAIL : COAP_RESPONSE_OK;
}

static void srv_on_nack(coap_session_t *s, const coap_pdu_t *sent,
			const coap_nack_reason_t reason, const coap_mid_t mid)
{
	(void)s;
	(void)sent;
	(void)mid;
	iofx_srv.nacks++;
	iofx_srv.nack = reason;
}

static void srv_on_fd(int fd, unsigned int revents, void *arg)
{
	(void)fd;
	(void)revents;
	coap_io_process(arg, COAP_IO_NO_WAIT);
}

/* A port free right now on 127.0.0.1 (bound by libcoap just after). */
uint16_t iofx_free_port(int type)
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
	assert_non_null(coap_new_endpoint(iofx_srv.ctx, &addr, proto));
}

static void srv_start(struct loop *loop)
{
	coap_dtls_spsk_t psk;
	coap_resource_t *r;
	size_t i;

	memset(&iofx_srv, 0, sizeof(iofx_srv));
	for (i = 0; i < sizeof(iofx_big_body); i++)
		iofx_big_body[i] = (uint8_t)(i * 7 + 1);
	iofx_srv.ctx = coap_new_context(NULL);
	assert_non_null(iofx_srv.ctx);
	coap_context_set_block_mode(
		iofx_srv.ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
	iofx_srv.udp_port = iofx_free_port(SOCK_DGRAM);
	srv_endpoint(iofx_srv.udp_port, COAP_PROTO_UDP);
	/* A build on libcoap-3-notls (--with-dtls=no) has no DTLS: its
	 * tests skip (iofx_need_dtls). */
	if (coap_dtls_is_supported()) {
		memset(&psk, 0, sizeof(psk));
		psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
		psk.psk_info.key.s = iofx_psk_key;
		psk.psk_info.key.length = sizeof(iofx_psk_key);
		assert_true(coap_context_set_psk2(iofx_srv.ctx, &psk));
		iofx_srv.dtls_port = iofx_free_port(SOCK_DGRAM);
		srv_endpoint(iofx_srv.dtls_port, COAP_PROTO_DTLS);
	}
	iofx_srv.tcp_port = iofx_free_port(SOCK_STREAM);
	srv_endpoint(iofx_srv.tcp_port, COAP_PROTO_TCP);
	r = coap_resource_init(coap_make_str_const("rd"), 0);
	coap_register_handler(r, COAP_REQUEST_POST, srv_post);
	coap_add_resource(iofx_srv.ctx, r);
	r = coap_resource_init(coap_make_str_const("big"), 0);
	coap_register_handler(r, COAP_REQUEST_GET, srv_get_big);
	coap_add_resource(iofx_srv.ctx, r);
	coap_register_response_handler(iofx_srv.ctx, srv_on_response);
	coap_register_nack_handler(iofx_srv.ctx, srv_on_nack);
	iofx_srv.fd = coap_context_get_coap_fd(iofx_srv.ctx);
	assert_true(iofx_srv.fd >= 0);
	assert_int_equal(loop_watch_add(loop, iofx_srv.fd, LOOP_READ, srv_on_fd,
					iofx_srv.ctx),
			 0);
}

static void srv_stop(struct loop *loop)
{
	loop_watch_del(loop, iofx_srv.fd);
	if (iofx_srv.session != NULL)
		coap_session_release(iofx_srv.session);
	coap_free_context(iofx_srv.ctx);
}

static void srv_request(coap_pdu_code_t code, const char *const *path, size_t n,
			const uint8_t *accept, size_t accept_len,
			const uint8_t *payload, size_t len, int64_t observe)
{
	coap_session_t *s = iofx_srv.session;
	uint8_t tok[8], obs[4];
	size_t tok_len, i;
	coap_pdu_t *pdu;

	assert_non_null(s);
	pdu = coap_pdu_init(COAP_MESSAGE_CON, code, coap_new_message_id(s),
			    coap_session_max_pdu_size(s));
	assert_non_null(pdu);
	coap_session_new_token(s, &tok_len, tok);
	coap_add_token(pdu, tok_len, tok);
	memcpy(iofx_srv.req_token, tok, tok_len);
	iofx_srv.req_token_len = tok_len;
	if (observe >= 0)
		coap_add_option(pdu, COAP_OPTION_OBSERVE,
				coap_encode_var_safe(obs, sizeof(obs),
						     (unsigned)observe),
				obs);
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

void iofx_srv_send(coap_pdu_code_t code, const char *const *path, size_t n,
		   const uint8_t *accept, size_t accept_len,
		   const uint8_t *payload, size_t len)
{
	srv_request(code, path, n, accept, accept_len, payload, len, -1);
}

void iofx_srv_get_observe(const char *const *path, size_t n, int observe)
{
	srv_request(COAP_REQUEST_CODE_GET, path, n, NULL, 0, NULL, 0, observe);
}

/* ---- the fixture ---------------------------------------------------- */

struct iofx iofx;

void iofx_on_result(void *arg, const struct cio_result *r)
{
	struct iofx_res *res = arg;
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

void iofx_on_event(void *arg, struct cio_session *s, enum cio_event ev)
{
	(void)arg;
	(void)s;
	if (ev == CIO_EV_CONNECTED)
		iofx.connected++;
	else
		iofx.down++;
}

void iofx_on_request(void *arg, struct cio_session *s,
		     const struct cio_incoming *req, struct cio_response *resp)
{
	static const char text[] = "lwm2m-bridge";

	(void)arg;
	iofx.requests++;
	iofx.req_session = s;
	memcpy(iofx.token, req->token, req->token_len);
	iofx.token_len = req->token_len;
	iofx.accept = req->accept;
	iofx.n_path = req->n_path;
	iofx.path_bytes = 0;
	for (size_t i = 0; i < req->n_path; i++)
		iofx.path_bytes += strlen(req->path[i]);
	iofx.observe = req->observe;
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
						  iofx_big_body,
						  sizeof(iofx_big_body)),
				 0);
	} else if (req->method == CIO_PUT) {
		iofx.put_len = req->payload_len;
		if (req->payload_len == sizeof(iofx_big_body) &&
		    memcmp(req->payload, iofx_big_body,
			   sizeof(iofx_big_body)) == 0)
			cio_response_set(resp, CIO_CODE(2, 4), -1, NULL, 0);
		else
			cio_response_set(resp, CIO_CODE(4, 0), -1, NULL, 0);
	} else {
		/* an error answer must not carry it (RFC 7641 4.2) */
		if (req->observe == 0)
			cio_response_set_observe(resp, 9);
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

int iofx_setup(void **state)
{
	(void)state;
	memset(&iofx, 0, sizeof(iofx));
	if (getenv("CIO_DEBUG") != NULL)
		log_set_level(LOG_LVL_DEBUG);
	iofx.loop = loop_new();
	assert_non_null(iofx.loop);
	iofx.cio = cio_new(iofx.loop);
	assert_non_null(iofx.cio);
	cio_set_request_handler(iofx.cio, iofx_on_request, NULL);
	srv_start(iofx.loop);
	iofx.silent_fd = bound_udp(&iofx.silent_port);
	iofx.rst_fd = bound_udp(&iofx.rst_port);
	assert_int_equal(loop_watch_add(iofx.loop, iofx.rst_fd, LOOP_READ,
					rst_on_fd, NULL),
			 0);
	return 0;
}

int iofx_teardown(void **state)
{
	(void)state;
	cio_free(iofx.cio);
	srv_stop(iofx.loop);
	loop_watch_del(iofx.loop, iofx.rst_fd);
	close(iofx.rst_fd);
	close(iofx.silent_fd);
	loop_free(iofx.loop);
	coap_cleanup();
	return 0;
}

uint64_t iofx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Runs the loop until *counter reaches target or ms pass. */
void iofx_run_until(const int *counter, int target, unsigned ms)
{
	uint64_t end = iofx_now_ms() + ms;

	while (*counter < target && iofx_now_ms() < end)
		assert_true(loop_run_once(iofx.loop, 50) >= 0);
	assert_int_equal(*counter, target);
}

struct cio_session *iofx_open_udp(uint16_t port)
{
	struct cio_endpoint ep = {
		.scheme = CFG_SCHEME_COAP,
		.host = "127.0.0.1",
		.port = port,
		.security = CFG_SEC_NOSEC,
		.ack_timeout_ms = 1000,
		.max_retransmit = 1,
	};
	struct cio_session *s =
		cio_session_new(iofx.cio, &ep, iofx_on_event, NULL);

	assert_non_null(s);
	return s;
}

const char *const iofx_rd_path[1] = {"rd"};

void iofx_post_rd(struct cio_session *s, struct iofx_res *res, const void *body,
		  size_t len)
{
	struct cio_req req = {
		.method = CIO_POST,
		.path = iofx_rd_path,
		.n_path = 1,
		.query = "ep=gw1&lt=60&&lwm2m=1.1&b=U",
		.content_format = 40,
		.payload = body,
		.payload_len = len,
		.confirmable = true,
	};

	assert_int_equal(cio_request(s, &req, iofx_on_result, res), 0);
}

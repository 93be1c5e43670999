/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the CoAP transport tests share: a real libcoap server created in
 * the test, on 127.0.0.1, in the same process and driven by the same loop
 * (its epoll fd is watched like ours); a transport (struct cio) whose
 * request handler records what it saw; plain UDP sockets standing in for
 * a server that never answers and one that answers every message with
 * RST.  Include after <cmocka.h>.  Every assertion here ends the running
 * test.  Not thread-safe (cmocka is not).
 */
#ifndef TESTS_UNIT_COAP_IO_FIXTURE_H
#define TESTS_UNIT_COAP_IO_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coap3/coap.h>

#include "coap_io.h"
#include "loop.h"

#define IOFX_BIG	 3000 /* bytes of iofx_big_body */
#define IOFX_PSK_ID	 "bridge-test"
#define IOFX_PSK_KEY_LEN 6

/* The key the DTLS endpoint of the server accepts. */
extern const uint8_t iofx_psk_key[IOFX_PSK_KEY_LEN];
/* IOFX_BIG bytes of a known pattern (GET /big answers it). */
extern uint8_t iofx_big_body[IOFX_BIG];
/* {"rd"}: the path of iofx_post_rd(). */
extern const char *const iofx_rd_path[1];

/* ---- the test server (libcoap) -------------------------------------- */

/* Location-Path options of the answer to POST /rd: "rd" "5a3f", one
 * "rd/5a3f", or nine "x" (over CIO_PATH_MAX). */
enum iofx_loc_mode { IOFX_LOC_TWO, IOFX_LOC_ONE, IOFX_LOC_NINE };

struct iofx_srv {
	coap_context_t *ctx;
	int fd;
	uint16_t udp_port, dtls_port, tcp_port;
	enum iofx_loc_mode loc_mode;
	int posts;
	char query[256];
	size_t post_len;
	uint8_t post_first, post_last;
	coap_session_t *session; /* where the last POST came from */
	/* the token of the server's last request */
	uint8_t req_token[8];
	size_t req_token_len;
	/* answers to the server's own requests, and the client's
	 * notifications: libcoap calls the response handler for both */
	bool refuse; /* the handler fails: libcoap sends RST to a CON */
	int answers;
	int nacks;
	coap_nack_reason_t nack;
	int answer_type; /* COAP_MESSAGE_* */
	int answer_code;
	int answer_mid;
	int answer_cf;
	int64_t answer_observe; /* -1 absent */
	uint8_t answer_token[8];
	size_t answer_token_len;
	size_t answer_len;
	uint8_t answer[4096];
};

extern struct iofx_srv iofx_srv;

/* The server sends a CON request to the client session it last heard
 * (iofx_srv.session, set by a POST /rd): Uri-Path path[0..n), an Accept
 * when accept is not NULL, a payload (Content-Format 42, Block1 when
 * large) when payload is not NULL.  Its token goes to req_token. */
void iofx_srv_send(coap_pdu_code_t code, const char *const *path, size_t n,
		   const uint8_t *accept, size_t accept_len,
		   const uint8_t *payload, size_t len);
/* The same for a GET with an Observe option of value observe. */
void iofx_srv_get_observe(const char *const *path, size_t n, int observe);

/* A port free right now on 127.0.0.1 (SOCK_DGRAM or SOCK_STREAM). */
uint16_t iofx_free_port(int type);

/* ---- the transport under test --------------------------------------- */

/* What a result callback (iofx_on_result) saw: give it a struct iofx_res
 * as its argument. */
struct iofx_res {
	int n; /* calls */
	enum cio_status status;
	int code;
	char loc[CIO_PATH_MAX][CIO_SEGMENT_MAX + 1];
	size_t n_loc;
	int cf;
	size_t len;
	uint8_t payload[4096];
};

struct iofx {
	struct loop *loop;
	struct cio *cio;
	int connected, down; /* events seen by iofx_on_event */
	/* what iofx_on_request saw last */
	int requests;
	struct cio_session *req_session;
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len;
	int accept;
	size_t n_path;
	size_t path_bytes; /* strlen of the path segments, summed */
	size_t put_len;
	int64_t observe;
	/* a UDP socket that never answers, one that answers RST */
	int silent_fd, rst_fd;
	uint16_t silent_port, rst_port;
};

extern struct iofx iofx;

/* cio_result_fn: records r into the struct iofx_res at arg. */
void iofx_on_result(void *arg, const struct cio_result *r);
/* cio_event_fn: counts events in iofx.connected and iofx.down. */
void iofx_on_event(void *arg, struct cio_session *s, enum cio_event ev);
/* cio_request_fn, installed by iofx_setup: GET /3/0/0 gets 2.05
 * "lwm2m-bridge" (format 0), with Observe 7 when asked with Observe 0;
 * another GET of 3 segments gets iofx_big_body (format 42); PUT gets
 * 2.04 if its body is iofx_big_body, else 4.00; anything else 4.04
 * (which must go without the Observe option it asks for). */
void iofx_on_request(void *arg, struct cio_session *s,
		     const struct cio_incoming *req, struct cio_response *resp);

/* cmocka setup/teardown: a loop, a transport, the server, the sockets.
 * CIO_DEBUG in the environment turns debug logs on. */
int iofx_setup(void **state);
int iofx_teardown(void **state);

/* CLOCK_MONOTONIC in ms. */
uint64_t iofx_now_ms(void);
/* Runs the loop until *counter reaches target, at most ms; asserts that
 * it did. */
void iofx_run_until(const int *counter, int target, unsigned ms);
/* A UDP session to 127.0.0.1:port (ACK_TIMEOUT 1 s, one
 * retransmission), events to iofx_on_event. */
struct cio_session *iofx_open_udp(uint16_t port);
/* POST /rd?ep=gw1&lt=60&lwm2m=1.1&b=U, CON, format 40, body; the result
 * goes to res. */
void iofx_post_rd(struct cio_session *s, struct iofx_res *res, const void *body,
		  size_t len);

#endif

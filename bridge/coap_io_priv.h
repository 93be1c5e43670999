/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the CoAP transport, shared by coap_io*.c only.
 */
#ifndef BRIDGE_COAP_IO_PRIV_H
#define BRIDGE_COAP_IO_PRIV_H

#include <coap3/coap.h>

#include "coap_io.h"
#include "loop.h"

struct cio_pending;

struct cio {
	struct loop *loop;
	coap_context_t *ctx;
	int fd;			 /* libcoap's epoll fd, watched by loop */
	struct loop_timer timer; /* libcoap's next deadline */
	/* Depth of libcoap callbacks on the stack: a libcoap session must not
	 * be released while libcoap is using it, so releases wait in
	 * graveyard until the next cio_process(). */
	int in_coap;
	coap_session_t **graveyard;
	size_t n_graveyard, cap_graveyard;
	struct cio_session *sessions; /* list, for cio_free */
	cio_request_fn req_fn;
	void *req_arg;
};

struct cio_session {
	struct cio *cio;
	struct cio_session *next; /* in cio->sessions */
	coap_session_t *cs;	  /* NULL while down after a failed reset */
	bool up;		  /* connected (UDP: true) */
	bool down;		  /* failed: requests refused until reset */
	bool freed;		  /* cio_session_free() called */
	int busy;		  /* held by a loop over its callbacks */
	cio_event_fn ev_fn;
	void *ev_arg;
	struct cio_pending *pending; /* doubly linked */
	size_t n_pending;
	/* the endpoint, deep-copied */
	struct cio_endpoint ep;
	char *host;
	char *psk_identity;
	uint8_t psk_key[CFG_PSK_KEY_MAX];
	char *certificate_file;
	char *private_key_file;
	char *server_certificate_file;
	char *server_public_key_file;
};

struct cio_pending {
	struct cio_pending *prev, *next;
	struct cio_session *s;
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len;
	coap_mid_t mid;
	cio_result_fn cb;
	void *arg;
	struct loop_timer timer; /* request_timeout_ms */
	/* TCP/TLS before the CSM exchange: built, not yet sent (libcoap
	 * 4.3.1 would block in coap_send until the CSM arrives). */
	coap_pdu_t *deferred;
};

/* coap_io.c */
void cio_kick(struct cio *cio);
void cio_session_mark_down(struct cio_session *s);
/* Keeps s allocated across callbacks that may cio_session_free() it;
 * unhold returns true when it was freed meanwhile (and is now gone). */
void cio_session_hold(struct cio_session *s);
bool cio_session_unhold(struct cio_session *s);

/* coap_io_request.c: libcoap's response and nack handlers */
coap_response_t cio_on_response(coap_session_t *cs, const coap_pdu_t *sent,
				const coap_pdu_t *rcvd, const coap_mid_t mid);
void cio_on_nack(coap_session_t *cs, const coap_pdu_t *sent,
		 const coap_nack_reason_t reason, const coap_mid_t mid);
/* Sends the requests deferred until a TCP/TLS session was up. */
void cio_send_deferred(struct cio_session *s);
/* Ends every pending request of s with status (synchronously). */
void cio_pending_fail_all(struct cio_session *s, enum cio_status status);

/* coap_io_server.c: the unknown-resource handler for every method */
int cio_server_init(struct cio *cio);

/* coap_io_session.c */
/* Resolves s->ep and opens a libcoap client session; 0 and *out, or a
 * positive errno. */
int cio_session_open(struct cio_session *s, coap_session_t **out);

#endif

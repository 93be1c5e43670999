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
struct cio_non;

/* NON notifications remembered per session for matching RSTs
 * (coap_io_rst.c) */
#define CIO_NON_WINDOW	 16
#define CIO_RST_SEEN_MAX 32

struct cio {
	struct loop *loop;
	coap_context_t *ctx;
	int fd;			 /* libcoap's epoll set, adopted by loop */
	struct loop_timer timer; /* libcoap's next deadline */
	/* Depth of libcoap callbacks on the stack: a libcoap session must not
	 * be released while libcoap is using it, so releases wait in
	 * graveyard until the next cio_process(). */
	int in_coap;
	/* Depth of our own coap_send() calls (cio_request, cio_notify): a
	 * session that fails inside one is marked down from the loop
	 * (down_pending), so no result callback runs inside the caller's
	 * cio_* call (the contract of coap_io.h: results come later). */
	int in_send;
	/* Depth of COAP_EVENT_SESSION_CONNECTED handling (see cio_hide) */
	int connecting;
	coap_session_t **graveyard;
	size_t n_graveyard, cap_graveyard;
	struct cio_session *sessions; /* list, for cio_free */
	/* CON notifications handed to libcoap over UDP/DTLS whose fate is
	 * unknown yet (see coap_io_notify.c) */
	size_t n_unacked;
	cio_request_fn req_fn;
	void *req_arg;
	/* RSTs to NON notifications (coap_io_rst.c) */
	cio_notify_reset_fn reset_fn;
	void *reset_arg;
	struct cio_non *non; /* per-session windows, allocated on first use */
	uint16_t rst_seen[CIO_RST_SEEN_MAX]; /* mids, this coap_io_process */
	size_t n_rst_seen;
};

struct cio_session {
	struct cio *cio;
	struct cio_session *next; /* in cio->sessions */
	coap_session_t *cs;	  /* NULL while down after a failed reset */
	bool up;		  /* connected (UDP: true) */
	bool down;		  /* failed: requests refused until reset */
	bool down_pending;	  /* failed inside our coap_send: see in_send */
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

/* One outgoing request, or one notification, waiting for its result. */
struct cio_pending {
	struct cio_pending *prev, *next;
	struct cio_session *s;
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len;
	coap_mid_t mid;
	cio_result_fn cb;
	void *arg;
	/* requests: request_timeout_ms; notifications: see coap_io_notify.c */
	struct loop_timer timer;
	bool notify;  /* a notification (matched by mid, never by token) */
	bool con;     /* CON over UDP/DTLS: occupies libcoap's NSTART slot */
	bool unacked; /* counted in cio->n_unacked */
	bool acked;   /* known ACKed, its result about to be delivered */
	/* TCP/TLS before the CSM exchange: built, not yet sent (libcoap
	 * 4.3.1 would block in coap_send until the CSM arrives). */
	coap_pdu_t *deferred;
};

/* coap_io.c */
void cio_kick(struct cio *cio);
/* Before a call into libcoap that may run coap_io_process() itself (on a
 * TCP/TLS session whose CSM exchange is not over for libcoap: see
 * coap_io.c): hides the loop's own fds from libcoap's set.  Returns 1
 * (hidden: cio_show(cio, 1) after the call), 0 (no need) or a negative
 * errno (the call must not be made). */
int cio_hide(struct cio_session *s);
void cio_show(struct cio *cio, int hidden);
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
/* Ends every pending request and notification of s with status
 * (synchronously). */
void cio_pending_fail_all(struct cio_session *s, enum cio_status status);
/* Appends p to s's list (requests and notifications go out in order). */
void cio_pending_link(struct cio_session *s, struct cio_pending *p);
/* Takes p off its session's list and disarms its timer. */
void cio_pending_unlink(struct cio_pending *p);
/* Frees p (already unlinked), then calls its callback with status. */
void cio_pending_finish(struct cio_pending *p, enum cio_status status);
/* RFC 7252's MAX_TRANSMIT_WAIT for ep's transmission parameters. */
uint64_t cio_transmit_wait_ms(const struct cio_endpoint *ep);

/* coap_io_notify.c */
/* After a coap_io_process(): ends the CON notifications that libcoap
 * no longer holds without having reported a failure (they were ACKed). */
void cio_notify_check_acked(struct cio *cio);

/* coap_io_rst.c: RSTs to NON notifications */
void cio_rst_free(struct cio *cio);
/* A NON notification went out on s (UDP/DTLS) with this mid and token. */
void cio_rst_sent(struct cio_session *s, coap_mid_t mid, const uint8_t *token,
		  size_t token_len);
/* s is closing or reopening: its mids mean nothing any more. */
void cio_rst_forget_session(struct cio_session *s);
/* From the log hook: libcoap got an RST with this mid. */
void cio_rst_seen(struct cio *cio, unsigned mid);
/* From the nack handler: the RST with this mid was a queued CON's. */
void cio_rst_claimed(struct cio *cio, coap_mid_t mid);
/* After coap_io_process(): reports the RSTs seen that answer a NON
 * notification. */
void cio_rst_deliver(struct cio *cio);

/* coap_io_server.c: the unknown-resource handler for every method */
int cio_server_init(struct cio *cio);

/* coap_io_session.c */
/* Resolves s->ep and opens a libcoap client session; 0 and *out, or a
 * positive errno. */
int cio_session_open(struct cio_session *s, coap_session_t **out);

#endif

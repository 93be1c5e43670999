/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CoAP transport: libcoap inside the daemon's one event loop.
 *
 * One struct cio per daemon (and per loop) holds the single libcoap
 * context.  The loop blocks in libcoap's own epoll set (loop_adopt_epoll):
 * the events of libcoap's sockets go straight to libcoap, and when the
 * loop timer armed from libcoap's next deadline (retransmissions, DTLS
 * timers) fires, cio runs libcoap's timeout work.  No thread, and no
 * wake-up while nothing is pending (coap_io.c says why it is built so).
 *
 * One struct cio_session per LwM2M server: a libcoap client session over
 * UDP (coap://), DTLS (coaps://, PSK, X.509 or RPK), TCP (coap+tcp://) or
 * TLS (coaps+tcp://).  The bridge sends requests on it (cio_request) and
 * the server's own requests (Read, Write, Execute, Observe, ...) arrive on
 * it too; they go to the one request handler set with
 * cio_set_request_handler().  Notifications for the server's observations
 * go out on it with cio_notify().  Block-wise transfer (RFC 7959) is done by
 * libcoap both ways: callers see whole bodies.
 *
 * No libcoap type appears here: the rest of the daemon does not need the
 * libcoap headers.
 *
 * Thread rules: everything runs on the loop thread.  Callbacks run from
 * the loop (never from inside the function that caused them, except the
 * "cancelled" results that cio_session_free, cio_session_reset and
 * cio_free deliver synchronously, as documented there).  A callback may
 * call any function of this module, including cio_session_free() or
 * cio_session_reset() of its own session.
 */
#ifndef BRIDGE_COAP_IO_H
#define BRIDGE_COAP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

struct loop;
struct cio;
struct cio_session;
struct cio_response;

/* Bounds on what crosses this interface, in both directions.  A request or
 * response that exceeds them is refused (4.00 / CIO_BAD_RESPONSE), never
 * truncated silently. */
#define CIO_PATH_MAX	8   /* Uri-Path or Location-Path options */
#define CIO_SEGMENT_MAX 255 /* bytes in one path or query option */
#define CIO_QUERY_MAX	16  /* Uri-Query options */
#define CIO_TOKEN_MAX	8

/* A CoAP code as one byte: class in the top 3 bits, detail in the low 5.
 * CIO_CODE(2, 5) is 2.05 Content. */
#define CIO_CODE(class_, detail_) (((class_) << 5) | (detail_))
#define CIO_CODE_CLASS(code_)	  ((code_) >> 5)
#define CIO_CODE_DETAIL(code_)	  ((code_)&0x1f)

enum cio_method {
	CIO_GET = 1,
	CIO_POST = 2,
	CIO_PUT = 3,
	CIO_DELETE = 4,
	CIO_FETCH = 5,
	CIO_PATCH = 6,
	CIO_IPATCH = 7,
};

/* ---- the transport -------------------------------------------------- */

/*
 * Creates the transport on loop (which must outlive it): one libcoap
 * context with libcoap block-wise mode (single body), whose epoll set the
 * loop adopts (so one transport per loop).  Routes libcoap's log to log.h
 * at debug level.  Returns NULL and sets errno: ENOMEM, ENOTSUP (libcoap
 * built without epoll), or the loop_adopt_epoll error (EBUSY: the loop
 * already serves another transport).
 */
struct cio *cio_new(struct loop *loop);

/*
 * Frees every session still open (each pending request gets its
 * CIO_CANCELLED result, synchronously, before this returns), then the
 * libcoap context.  Accepts NULL.  Must not be called from a callback of
 * this transport.
 */
void cio_free(struct cio *cio);

/* Re-reads log_get_level() and sets libcoap's log level from it (debug
 * shows libcoap's own messages; any other level silences them).  cio_new
 * does it once; call it again after log_set_level(). */
void cio_sync_log_level(void);

/* ---- sessions ------------------------------------------------------- */

/*
 * How to reach one server.  Strings and key bytes are copied by
 * cio_session_new(): they need only live during the call.
 */
struct cio_endpoint {
	enum cfg_scheme scheme;
	const char *host; /* name or numeric address, without brackets */
	uint16_t port;
	enum cfg_security security;
	const char *psk_identity; /* PSK */
	const uint8_t *psk_key;	  /* PSK */
	size_t psk_key_len;	  /* 1..CFG_PSK_KEY_MAX */
	/* PEM files, read when the session is (re)opened */
	const char *certificate_file;	     /* certificate: our chain */
	const char *private_key_file;	     /* certificate, rpk */
	const char *server_certificate_file; /* certificate: trust anchor */
	const char *server_public_key_file;  /* rpk (see coap_io.c) */
	/* CoAP transmission parameters (UDP/DTLS); 0 = RFC 7252's default
	 * (ACK_TIMEOUT 2000 ms; MAX_RETRANSMIT 4).  ack_timeout_ms is
	 * 1000..60000 (libcoap 4.3.1 has no shorter one), max_retransmit
	 * 1..20. */
	unsigned ack_timeout_ms;
	unsigned max_retransmit;
	/* Longest wait for a response before CIO_TIMEOUT, whatever the
	 * transport (TCP has no retransmissions; a server may ACK and never
	 * send its separate response).  0 = MAX_TRANSMIT_WAIT of the
	 * parameters above (93 s with the defaults). */
	unsigned request_timeout_ms;
};

/* Fills ep from a configured server (pointers into srv: srv must outlive
 * the use of ep); the transmission parameters are left at 0. */
void cio_endpoint_from_cfg(struct cio_endpoint *ep,
			   const struct cfg_server *srv);

enum cio_event {
	/* The DTLS handshake completed, or the TCP/TLS connection is up and
	 * the CSM exchange done: a new security context, which needs a
	 * fresh Register.  Sent again after every cio_session_reset() that
	 * reconnects.  Not sent for plain UDP, which has no connection.
	 * (TCP/TLS requests made before it are held and sent then.) */
	CIO_EV_CONNECTED,
	/* The (D)TLS session or TCP connection failed or closed (handshake
	 * failure, alert, peer close).  Requests pending on it have got
	 * CIO_FAILED; cio_request() returns -ENOTCONN until
	 * cio_session_reset(). */
	CIO_EV_DOWN,
};

typedef void (*cio_event_fn)(void *arg, struct cio_session *s,
			     enum cio_event ev);

/*
 * Opens a client session to ep: resolves ep->host (getaddrinfo, the first
 * address of the right socket type; a numeric address needs no DNS, a
 * name may block on the resolver), creates the socket and, for coaps,
 * starts the handshake.  ev (may be NULL) receives the session's events
 * with arg.  Returns NULL and sets errno: EINVAL (bad endpoint: no host,
 * port 0, security that does not match the scheme, missing credentials),
 * ENOTSUP (TCP/TLS/DTLS or the security mode not available in this
 * libcoap), EHOSTUNREACH (name not resolved), ENOMEM, EIO (libcoap
 * refused, e.g. an unreadable key file).
 */
struct cio_session *cio_session_new(struct cio *cio,
				    const struct cio_endpoint *ep,
				    cio_event_fn ev, void *arg);

/*
 * Closes the session: every pending request gets CIO_CANCELLED,
 * synchronously, before this returns; then the libcoap session is
 * released (a DTLS close_notify goes out).  No event is delivered.
 * Accepts NULL.  s is invalid afterwards, also when called from one of
 * its own callbacks.
 */
void cio_session_free(struct cio_session *s);

/*
 * Closes the libcoap session and opens a new one to the same endpoint
 * (name resolved again; a new socket, so a new source port for UDP; a new
 * handshake for DTLS/TLS, ending in CIO_EV_CONNECTED).  For NAT rebinding
 * and server restarts, when requests stay unanswered.  Pending requests
 * get CIO_CANCELLED synchronously.  Returns 0, or the errno of
 * cio_session_new negated; on failure the session stays open but down
 * (cio_request returns -ENOTCONN) and may be reset again later.
 */
int cio_session_reset(struct cio_session *s);

/* Requests and notifications waiting for their result on s. */
size_t cio_session_pending(const struct cio_session *s);

/* True once (D)TLS or TCP is connected (plain UDP: always true unless
 * down).  */
bool cio_session_is_up(const struct cio_session *s);

/* Local port of the session's socket (host order), or -ENOTCONN. */
int cio_session_local_port(const struct cio_session *s);

/* ---- outgoing requests ---------------------------------------------- */

struct cio_req {
	enum cio_method method;
	const char *const *path; /* Uri-Path segments, n_path of them */
	size_t n_path;		 /* 0..CIO_PATH_MAX */
	/* NULL or "a=1&b": one Uri-Query option per '&'-separated part
	 * (empty parts skipped), sent as written (no percent decoding). */
	const char *query;
	int content_format;  /* 0..65535, -1 = no Content-Format */
	const void *payload; /* copied; may be larger than one block */
	size_t payload_len;
	bool confirmable; /* CON (retransmitted) or NON */
};

enum cio_status {
	CIO_OK,		  /* a response arrived: code, options, payload */
	CIO_TIMEOUT,	  /* no answer after the retransmissions/deadline */
	CIO_RESET,	  /* the server answered with RST */
	CIO_FAILED,	  /* session error: DTLS failure, connection lost */
	CIO_CANCELLED,	  /* session freed or reset first */
	CIO_BAD_RESPONSE, /* a response arrived but exceeds the bounds */
};

struct cio_result {
	enum cio_status status;
	/* CIO_OK and CIO_BAD_RESPONSE: the response code; else 0. */
	int code;
	/* CIO_OK: each Location-Path option value as received,
	 * NUL-terminated (one option may hold "rd/5a3f": it is passed on
	 * raw).  An option containing a NUL byte, longer than
	 * CIO_SEGMENT_MAX or more than CIO_PATH_MAX options make the
	 * result CIO_BAD_RESPONSE. */
	const char *location[CIO_PATH_MAX];
	size_t n_location;
	int content_format; /* -1 when absent */
	/* The whole body (libcoap reassembled Block2). */
	const uint8_t *payload;
	size_t payload_len;
};

/* Called exactly once per accepted request.  result and everything it
 * points to are valid only during the call. */
typedef void (*cio_result_fn)(void *arg, const struct cio_result *result);

/*
 * Sends req on s.  cb(arg, result) will be called exactly once, later,
 * from the loop (or synchronously with CIO_CANCELLED from
 * cio_session_free/reset/cio_free).  A payload larger than one block goes
 * as Block1 (libcoap).  Returns 0, or -EINVAL (cb NULL, bad method, too
 * many or too long segments, a query part longer than CIO_SEGMENT_MAX,
 * more than CIO_QUERY_MAX parts, content_format out of range), -ENOTCONN
 * (session down: reset it), -ENOMEM, -EIO (libcoap refused to send); on
 * error cb is never called.
 */
int cio_request(struct cio_session *s, const struct cio_req *req,
		cio_result_fn cb, void *arg);

/* ---- incoming requests (from the server, on a client session) ------- */

struct cio_incoming {
	enum cio_method method;
	const char *path[CIO_PATH_MAX]; /* Uri-Path, NUL-terminated */
	size_t n_path;
	const char *query[CIO_QUERY_MAX]; /* Uri-Query, NUL-terminated */
	size_t n_query;
	int accept;	    /* -1 absent */
	int content_format; /* -1 absent */
	int64_t observe;    /* -1 absent; 0 register, 1 deregister */
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len;
	const uint8_t *payload; /* whole body (Block1 reassembled) */
	size_t payload_len;
};

/*
 * Handles one request: sets the answer with cio_response_set() (and
 * cio_response_set_observe()).  If it sets nothing the answer is 5.00.
 * req, resp and what they point to are valid only during the call; s is
 * the session it arrived on (compare it with the caller's own sessions).
 * Requests whose options exceed the CIO_* bounds, or carry an Accept or
 * Content-Format longer than 2 bytes or an Observe longer than 3, never
 * reach the handler: they get 4.00 (4.02 for an unknown critical option,
 * from libcoap).  Without a handler every request gets 4.04.
 * GET /.well-known/core is answered by libcoap itself.
 */
typedef void (*cio_request_fn)(void *arg, struct cio_session *s,
			       const struct cio_incoming *req,
			       struct cio_response *resp);

/* Sets the handler (NULL removes it). */
void cio_set_request_handler(struct cio *cio, cio_request_fn fn, void *arg);

/*
 * Sets the response: code (CIO_CODE), content_format (-1: none), payload
 * (copied; len 0 for none).  With a content format, a payload larger
 * than a block goes out as Block2 (libcoap sends the next blocks as the
 * client asks for them); without one it goes in one message.  Call at
 * most once.
 * Returns 0, -EINVAL (bad code or content format, payload NULL with len >
 * 0), -EALREADY (already set), -ENOMEM.
 */
int cio_response_set(struct cio_response *resp, int code, int content_format,
		     const void *payload, size_t len);

/*
 * Adds an Observe option with value seq (low 24 bits) to the response:
 * the handler accepts an observation (req->observe == 0).  Later
 * notifications reuse the request's token (copy it from req->token) and
 * go out with cio_notify().  Only a 2.xx response gets the option: RFC
 * 7641 says an error ends the observation.  May be called before or after
 * cio_response_set().
 */
void cio_response_set_observe(struct cio_response *resp, uint32_t seq);

/*
 * Adds Location-Path options to the response, one per segment (a 2.01
 * Created of an LwM2M Create carries "oid", "iid").  The n segments
 * (NUL-terminated) are copied.  Returns 0, or -EINVAL for more than
 * CIO_RESP_LOCATION_MAX segments or one longer than
 * CIO_RESP_LOCATION_SEG_MAX bytes (nothing is added then).  May be called
 * before or after cio_response_set(), at most once.
 */
#define CIO_RESP_LOCATION_MAX	  4
#define CIO_RESP_LOCATION_SEG_MAX 15
int cio_response_set_location(struct cio_response *resp,
			      const char *const *segs, size_t n);

/* ---- notifications (RFC 7641, server side) --------------------------- */

/* Largest notification payload: one default block.  Block2 for
 * notifications is not done; a larger value needs the server to read the
 * resource again (send 5.00 or a smaller representation). */
#define CIO_NOTIFY_PAYLOAD_MAX 1024

struct cio_notification {
	/* the observing request's token (cio_incoming.token) */
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len; /* 0..CIO_TOKEN_MAX */
	/* Observe value; its low 24 bits are sent.  It must grow from one
	 * notification to the next (the caller's counter). */
	uint32_t seq;
	/* CIO_CODE(2, 5) normally.  A 4.xx or 5.xx (e.g. 4.04 when the
	 * resource is gone) ends the observation: it goes without an Observe
	 * option (RFC 7641 4.2) and the caller forgets the observation. */
	int code;
	int content_format;  /* 0..65535, -1 = no Content-Format */
	const void *payload; /* copied */
	size_t payload_len;  /* 0..CIO_NOTIFY_PAYLOAD_MAX */
	bool confirmable;    /* CON or NON (TCP/TLS: no difference) */
};

/*
 * Sends one notification on s: a response PDU (CON or NON) with code,
 * token, Observe (2.xx only), Content-Format and payload, and a fresh
 * message ID.  cb(arg, result) (if cb is not NULL) is called exactly
 * once, later, from the loop (or synchronously with CIO_CANCELLED from
 * cio_session_free/reset/cio_free), with result->code 0 and no payload:
 *  - CON over UDP/DTLS:
 *    CIO_OK      the server ACKed it.  libcoap 4.3.1 reports no empty
 *                ACK: it is deduced, at once when libcoap holds no other
 *                message, otherwise once libcoap can no longer report a
 *                failure (up to MAX_TRANSMIT_WAIT per CON message in
 *                flight on s, plus 1 s; see coap_io_notify.c).
 *    CIO_RESET   the server answered RST: it no longer wants the
 *                observation; the caller must cancel it.
 *    CIO_TIMEOUT no answer after the retransmissions (RFC 7641 4.5: the
 *                caller should cancel the observation).
 *  - NON over UDP/DTLS, and anything over TCP/TLS: CIO_OK once libcoap
 *    took it.  cb may be NULL for a NON notification: nothing is
 *    reported then (and nothing is allocated for it).
 *  - An RST answering a NON notification (UDP/DTLS) is reported later,
 *    not to cb, but to the handler set with
 *    cio_set_notify_reset_handler(), with the notification's token (see
 *    coap_io_rst.c for how, and its limits).
 *  - CIO_FAILED when the session goes down, CIO_CANCELLED when it is freed
 *    or reset first.
 * Returns 0, or -EINVAL (s or n NULL, cb NULL for a CON, token_len >
 * CIO_TOKEN_MAX, code
 * not 2.xx, 4.xx or 5.xx, content_format out of range, payload NULL with
 * payload_len > 0), -EMSGSIZE (payload_len > CIO_NOTIFY_PAYLOAD_MAX, or
 * the message does not fit the session's PDU size), -ENOTCONN (session
 * down, or its handshake or CSM exchange not done yet), -ENOMEM, -EIO
 * (libcoap refused to send); on error cb is never called.
 */
int cio_notify(struct cio_session *s, const struct cio_notification *n,
	       cio_result_fn cb, void *arg);

/*
 * The server answered a NON notification sent on s with RST: it no longer
 * wants the observation with this token (RFC 7641 §3.6), which the caller
 * should end.  Called from the loop after libcoap processed the RST;
 * token is valid during the call only.  Not called for CON notifications
 * (their RST is their CIO_RESET result).
 */
typedef void (*cio_notify_reset_fn)(void *arg, struct cio_session *s,
				    const uint8_t *token, size_t token_len);

/* Sets the handler (NULL removes it; RSTs are then only logged). */
void cio_set_notify_reset_handler(struct cio *cio, cio_notify_reset_fn fn,
				  void *arg);

#endif

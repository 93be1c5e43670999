/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Notifications (RFC 7641): responses the bridge sends on its own, later,
 * for an observation a server made with GET Observe 0.  libcoap's observe
 * support cannot send them (the server's requests reach our "unknown"
 * resource, which holds no subscriptions), so each one is a new response
 * PDU with the observation's token, handed to coap_send().
 *
 * What libcoap 4.3.1 reports about such a PDU (seen in coap_dispatch and
 * checked by the tests):
 *  - a CON answered with RST: the nack handler, COAP_NACK_RST, with the
 *    PDU we sent; a CON never answered: the nack handler,
 *    COAP_NACK_TOO_MANY_RETRIES, after the retransmissions.
 *  - a CON answered with an empty ACK: nothing at all.  The ACK takes the
 *    message off libcoap's retransmission queue and "needs no further
 *    handling": neither the response handler nor any other is called.
 *  - a NON answered with RST: nothing but a log line.  libcoap does not
 *    queue NON messages, so the RST matches nothing of its own;
 *    coap_io_rst.c matches it from that log line.
 * So an ACK is deduced: a CON notification that has left libcoap's queues
 * without a nack was ACKed.  coap_can_exit() is true when libcoap holds
 * no message at all, on any session; it is checked after every
 * coap_io_process() and then ends every CON notification still waiting
 * with CIO_OK -- at once in the usual case, where nothing else is in
 * flight.  While other CON messages are (a request to a server that does
 * not answer, on any session), a notification waits instead for the
 * latest time libcoap could report its failure: MAX_TRANSMIT_WAIT for
 * itself and for each CON message ahead of it on its session (libcoap
 * sends one at a time: NSTART 1), plus a margin.  Reaching it without a
 * nack means that it was ACKed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* After the last moment libcoap could nack, so that its nack comes first
 * when the message was not ACKed. */
#define ACK_MARGIN_MS 1000

/* The deadline of a notification: CIO_OK (see the top of the file), or for
 * NON and TCP/TLS the loop's next turn after coap_send(). */
static void on_deadline(struct loop *loop, struct loop_timer *timer, void *arg)
{
	struct cio_pending *p = arg;

	(void)loop;
	(void)timer;
	if (p->unacked)
		log_msg(LOG_LVL_DEBUG, TAG,
			"%s:%u: notification mid %d: no failure reported, "
			"taken as ACKed",
			p->s->host, p->s->ep.port, (int)p->mid);
	cio_pending_unlink(p);
	cio_pending_finish(p, CIO_OK);
}

void cio_notify_check_acked(struct cio *cio)
{
	struct cio_session *s;
	struct cio_pending *p;

	if (cio->n_unacked == 0 || !coap_can_exit(cio->ctx))
		return;
	/* Marked first: a callback may send new notifications, still in
	 * libcoap's queue, which this round must not end. */
	for (s = cio->sessions; s != NULL; s = s->next)
		for (p = s->pending; p != NULL; p = p->next)
			if (p->unacked)
				p->acked = true;
again:
	for (s = cio->sessions; s != NULL; s = s->next) {
		for (p = s->pending; p != NULL; p = p->next) {
			if (!p->acked)
				continue;
			cio_pending_unlink(p);
			cio_pending_finish(p, CIO_OK);
			goto again; /* the callback may have changed the lists
				     */
		}
	}
}

static int check(const struct cio_notification *n)
{
	int cls = CIO_CODE_CLASS(n->code);

	if (n->token_len > CIO_TOKEN_MAX || n->code < 0 || n->code > 0xff ||
	    (cls != 2 && cls != 4 && cls != 5) || n->content_format < -1 ||
	    n->content_format > 65535 ||
	    (n->payload == NULL && n->payload_len > 0))
		return -EINVAL;
	if (n->payload_len > CIO_NOTIFY_PAYLOAD_MAX)
		return -EMSGSIZE;
	return 0;
}

/* The PDU of n with message id mid; NULL with *err set. */
static coap_pdu_t *build(coap_session_t *cs, const struct cio_notification *n,
			 coap_pdu_type_t type, coap_mid_t mid, int *err)
{
	coap_pdu_t *pdu;
	uint8_t buf[4];

	*err = -ENOMEM;
	pdu = coap_pdu_init(type, (coap_pdu_code_t)n->code, mid,
			    coap_session_max_pdu_size(cs));
	if (pdu == NULL)
		return NULL;
	if (!coap_add_token(pdu, n->token_len, n->token))
		goto fail;
	/* RFC 7641 4.2: an error ends the observation and has no Observe. */
	if (CIO_CODE_CLASS(n->code) == 2 &&
	    !coap_add_option(
		    pdu, COAP_OPTION_OBSERVE,
		    coap_encode_var_safe(buf, sizeof(buf), n->seq & 0xffffffu),
		    buf))
		goto fail;
	if (n->content_format >= 0 &&
	    !coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
			     coap_encode_var_safe(buf, sizeof(buf),
						  (unsigned)n->content_format),
			     buf))
		goto fail;
	if (n->payload_len > 0 &&
	    !coap_add_data(pdu, n->payload_len, n->payload)) {
		*err = -EMSGSIZE; /* larger than the session's PDU size */
		goto fail;
	}
	return pdu;
fail:
	coap_delete_pdu(pdu);
	return NULL;
}

/* A NON notification nobody waits for: no pending entry, no timer. */
static int send_bare(struct cio_session *s, const struct cio_notification *n,
		     bool reliable)
{
	coap_pdu_t *pdu;
	coap_mid_t mid = coap_new_message_id(s->cs);
	int rc;

	pdu = build(s->cs, n, COAP_MESSAGE_NON, mid, &rc);
	if (pdu == NULL)
		return rc;
	/* held: a DTLS error inside coap_send may end the session */
	cio_session_hold(s);
	s->cio->in_coap++;
	s->cio->in_send++;
	mid = coap_send(s->cs, pdu); /* takes pdu, also on failure */
	s->cio->in_send--;
	s->cio->in_coap--;
	rc = mid == COAP_INVALID_MID ? -EIO : 0;
	if (rc == 0 && !reliable && !s->freed)
		cio_rst_sent(s, mid, n->token, n->token_len);
	cio_session_unhold(s);
	/* (no cio_kick: a NON leaves nothing in libcoap's queues, so its
	 * next deadline is unchanged) */
	return rc;
}

static int notify(struct cio_session *s, const struct cio_notification *n,
		  cio_result_fn cb, void *arg)
{
	struct cio *cio;
	struct cio_pending *p, *q;
	coap_pdu_t *pdu;
	coap_mid_t mid;
	coap_proto_t proto;
	uint64_t wait_ms = 0;
	size_t ahead = 0;
	bool reliable;
	int rc;

	if (s == NULL || n == NULL || s->freed ||
	    (cb == NULL && n->confirmable))
		return -EINVAL;
	rc = check(n);
	if (rc < 0)
		return rc;
	/* Up: a notification answers a request that came over this very
	 * connection; none is queued for a handshake that may never end. */
	if (!cio_session_is_up(s))
		return -ENOTCONN;
	cio = s->cio;
	proto = coap_session_get_proto(s->cs);
	reliable = proto == COAP_PROTO_TCP || proto == COAP_PROTO_TLS;
	if (cb == NULL)
		return send_bare(s, n, reliable);
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->s = s;
	p->notify = true;
	p->con = n->confirmable && !reliable;
	p->cb = cb;
	p->arg = arg;
	memcpy(p->token, n->token, n->token_len);
	p->token_len = n->token_len;
	loop_timer_init(&p->timer, on_deadline, p);
	mid = coap_new_message_id(s->cs);
	p->mid = mid;
	pdu = build(s->cs, n,
		    n->confirmable ? COAP_MESSAGE_CON : COAP_MESSAGE_NON, mid,
		    &rc);
	if (pdu == NULL) {
		free(p);
		return rc;
	}
	if (p->con) {
		for (q = s->pending; q != NULL; q = q->next)
			if (q->con)
				ahead++;
		wait_ms = cio_transmit_wait_ms(&s->ep) * (ahead + 1) +
			  ACK_MARGIN_MS;
	}
	rc = loop_timer_arm(cio->loop, &p->timer, wait_ms, 0);
	if (rc < 0) {
		coap_delete_pdu(pdu);
		free(p);
		return rc;
	}
	cio_pending_link(s, p);
	if (p->con) {
		p->unacked = true;
		cio->n_unacked++;
	}
	cio_session_hold(s);
	cio->in_coap++;
	cio->in_send++;
	mid = coap_send(s->cs, pdu); /* takes pdu, also on failure */
	cio->in_send--;
	cio->in_coap--;
	/* A callback from inside coap_send may have ended it already, and
	 * freed the session (held, so readable). */
	for (q = s->pending; q != NULL && q != p; q = q->next)
		;
	rc = 0;
	if (q != NULL && mid == COAP_INVALID_MID) {
		cio_pending_unlink(p);
		free(p);
		rc = -EIO;
	} else if (mid != COAP_INVALID_MID && !n->confirmable && !reliable &&
		   !s->freed) {
		cio_rst_sent(s, mid, n->token, n->token_len);
	}
	cio_session_unhold(s);
	cio_kick(cio);
	return rc;
}

int cio_notify(struct cio_session *s, const struct cio_notification *n,
	       cio_result_fn cb, void *arg)
{
	struct cio *cio;
	int hidden, rc;

	if (s == NULL || s->freed)
		return -EINVAL;
	cio = s->cio;
	/* coap_session_max_pdu_size() and coap_send() may wait for a CSM
	 * (inside the connected event: see coap_io.c) */
	hidden = cio_hide(s);
	if (hidden < 0)
		return hidden;
	rc = notify(s, n, cb, arg);
	cio_show(cio, hidden);
	return rc;
}

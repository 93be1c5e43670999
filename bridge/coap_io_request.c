/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outgoing requests: building the PDU, matching responses and failures to
 * the pending request by token, one result per request.  The pending list
 * holds notifications too (coap_io_notify.c): they are matched by message
 * id, as their token is the server's, not ours.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* Safety margin after MAX_TRANSMIT_WAIT, so that libcoap's own timeout
 * (a nack) normally comes first. */
#define TIMEOUT_MARGIN_MS 1000
/* RFC 8323's default Max-Message-Size */
#define RELIABLE_PDU_SIZE 1152

void cio_pending_unlink(struct cio_pending *p)
{
	struct cio_session *s = p->s;

	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		s->pending = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->prev = p->next = NULL;
	s->n_pending--;
	if (p->unacked) {
		p->unacked = false;
		s->cio->n_unacked--;
	}
	loop_timer_disarm(s->cio->loop, &p->timer);
}

void cio_pending_link(struct cio_session *s, struct cio_pending *p)
{
	struct cio_pending *q;

	for (q = s->pending; q != NULL && q->next != NULL; q = q->next)
		;
	p->prev = q;
	p->next = NULL;
	if (q != NULL)
		q->next = p;
	else
		s->pending = p;
	s->n_pending++;
}

static void free_pending(struct cio_pending *p)
{
	if (p->deferred != NULL)
		coap_delete_pdu(p->deferred);
	free(p);
}

static void finish(struct cio_pending *p, const struct cio_result *r)
{
	cio_result_fn cb = p->cb;
	void *arg = p->arg;

	free_pending(p);
	cb(arg, r);
}

void cio_pending_finish(struct cio_pending *p, enum cio_status status)
{
	struct cio_result r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.content_format = -1;
	finish(p, &r);
}

void cio_pending_fail_all(struct cio_session *s, enum cio_status status)
{
	struct cio_pending *list = s->pending, *p;

	/* Detached first: callbacks may send new requests on s (after a
	 * reset), which must not be failed with the old ones. */
	for (p = list; p != NULL; p = p->next) {
		loop_timer_disarm(s->cio->loop, &p->timer);
		if (p->unacked) {
			p->unacked = false;
			s->cio->n_unacked--;
		}
	}
	s->pending = NULL;
	s->n_pending = 0;
	while (list != NULL) {
		p = list;
		list = p->next;
		cio_pending_finish(p, status);
	}
}

/* A request by the token of pdu (a response, or the request sent), or
 * anything by message id when pdu is NULL. */
static struct cio_pending *find(struct cio_session *s, const coap_pdu_t *pdu,
				coap_mid_t mid)
{
	struct cio_pending *p;

	if (pdu != NULL) {
		coap_bin_const_t tok = coap_pdu_get_token(pdu);

		for (p = s->pending; p != NULL; p = p->next)
			if (!p->notify && p->token_len == tok.length &&
			    memcmp(p->token, tok.s, tok.length) == 0)
				return p;
		return NULL;
	}
	for (p = s->pending; p != NULL; p = p->next)
		if (p->mid == mid && mid != COAP_INVALID_MID)
			return p;
	return NULL;
}

/* The notification that sent is (a PDU with a response code is never one
 * of our requests). */
static struct cio_pending *find_notification(struct cio_session *s,
					     const coap_pdu_t *sent)
{
	struct cio_pending *p;
	coap_mid_t mid;

	if (sent == NULL || coap_pdu_get_code(sent) < CIO_CODE(2, 0))
		return NULL;
	mid = coap_pdu_get_mid(sent);
	for (p = s->pending; p != NULL; p = p->next)
		if (p->notify && p->mid == mid)
			return p;
	return NULL;
}

static struct cio_session *session_of(coap_session_t *cs)
{
	struct cio_session *s = coap_session_get_app_data(cs);

	return s != NULL && s->cs == cs && !s->freed ? s : NULL;
}

/* Location-Path options into loc (NUL-terminated copies); false if they
 * exceed the bounds. */
static bool get_location(const coap_pdu_t *pdu,
			 char loc[CIO_PATH_MAX][CIO_SEGMENT_MAX + 1],
			 struct cio_result *r)
{
	coap_opt_iterator_t it;
	coap_opt_filter_t filter;
	coap_opt_t *opt;

	coap_option_filter_clear(&filter);
	coap_option_filter_set(&filter, COAP_OPTION_LOCATION_PATH);
	coap_option_iterator_init(pdu, &it, &filter);
	while ((opt = coap_option_next(&it)) != NULL) {
		uint32_t len = coap_opt_length(opt);
		const uint8_t *v = coap_opt_value(opt);

		if (r->n_location == CIO_PATH_MAX || len > CIO_SEGMENT_MAX ||
		    (len > 0 && memchr(v, 0, len) != NULL))
			return false;
		memcpy(loc[r->n_location], v, len);
		loc[r->n_location][len] = '\0';
		r->location[r->n_location] = loc[r->n_location];
		r->n_location++;
	}
	return true;
}

coap_response_t cio_on_response(coap_session_t *cs, const coap_pdu_t *sent,
				const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	char loc[CIO_PATH_MAX][CIO_SEGMENT_MAX + 1];
	struct cio_session *s = session_of(cs);
	struct cio_pending *p;
	struct cio_result r;
	coap_opt_iterator_t it;
	coap_opt_t *opt;
	size_t len = 0, offset = 0, total = 0;
	const uint8_t *data = NULL;

	(void)mid;
	if (s == NULL)
		return COAP_RESPONSE_OK;
	p = find_notification(s, sent);
	if (p != NULL) {
		/* An ACK with a code to our notification: odd, but an ACK. */
		cio_pending_unlink(p);
		cio_pending_finish(p, CIO_OK);
		return COAP_RESPONSE_OK;
	}
	p = find(s, rcvd, COAP_INVALID_MID);
	if (p == NULL) {
		/* Late (we gave up on it) or never ours: RST if it was CON. */
		log_msg(LOG_LVL_DEBUG, TAG, "%s:%u: response for no request",
			s->host, s->ep.port);
		return COAP_RESPONSE_FAIL;
	}
	cio_pending_unlink(p);
	memset(&r, 0, sizeof(r));
	r.status = CIO_OK;
	r.code = coap_pdu_get_code(rcvd);
	r.content_format = -1;
	opt = coap_check_option(rcvd, COAP_OPTION_CONTENT_FORMAT, &it);
	if (opt != NULL) {
		if (coap_opt_length(opt) > 2)
			r.status = CIO_BAD_RESPONSE;
		else
			r.content_format = (int)coap_decode_var_bytes(
				coap_opt_value(opt), coap_opt_length(opt));
	}
	if (!get_location(rcvd, loc, &r)) {
		r.status = CIO_BAD_RESPONSE;
		r.n_location = 0;
	}
	if (coap_get_data_large(rcvd, &len, &data, &offset, &total) &&
	    offset == 0) {
		r.payload = data;
		r.payload_len = len;
	}
	finish(p, &r);
	return COAP_RESPONSE_OK;
}

void cio_on_nack(coap_session_t *cs, const coap_pdu_t *sent,
		 const coap_nack_reason_t reason, const coap_mid_t mid)
{
	struct cio_session *s = session_of(cs);
	struct cio_pending *p;
	enum cio_status st;

	if (reason == COAP_NACK_RST && sent != NULL &&
	    coap_pdu_get_type(sent) == COAP_MESSAGE_CON) {
		struct cio *cio =
			coap_get_app_data(coap_session_get_context(cs));

		/* an RST to a queued CON, not to a NON notification (4.3.1
		 * nacks only those; a later libcoap may nack a NON too) */
		if (cio != NULL)
			cio_rst_claimed(cio, mid);
	}
	if (s == NULL)
		return;
	p = find_notification(s, sent);
	if (p == NULL &&
	    (sent == NULL || coap_pdu_get_code(sent) < CIO_CODE(2, 0)))
		p = find(s, sent, mid);
	if (p == NULL && sent != NULL)
		p = find(s, NULL, mid);
	switch (reason) {
	case COAP_NACK_TOO_MANY_RETRIES: st = CIO_TIMEOUT; break;
	case COAP_NACK_RST: st = CIO_RESET; break;
	case COAP_NACK_NOT_DELIVERABLE:
	case COAP_NACK_TLS_FAILED:
	case COAP_NACK_ICMP_ISSUE:
	default: st = CIO_FAILED; break;
	}
	log_msg(LOG_LVL_DEBUG, TAG, "%s:%u: nack %d for mid %d%s", s->host,
		s->ep.port, (int)reason, (int)mid,
		p == NULL ? " (no request)" : "");
	if (p == NULL)
		return;
	cio_pending_unlink(p);
	cio_pending_finish(p, st);
}

static void on_request_timeout(struct loop *loop, struct loop_timer *timer,
			       void *arg)
{
	struct cio_pending *p = arg;

	(void)loop;
	(void)timer;
	log_msg(LOG_LVL_DEBUG, TAG, "%s:%u: request timed out", p->s->host,
		p->s->ep.port);
	cio_pending_unlink(p);
	cio_pending_finish(p, CIO_TIMEOUT);
}

uint64_t cio_transmit_wait_ms(const struct cio_endpoint *ep)
{
	uint64_t ack = ep->ack_timeout_ms ? ep->ack_timeout_ms : 2000;
	unsigned mr = ep->max_retransmit ? ep->max_retransmit : 4;

	/* MAX_TRANSMIT_WAIT = ACK_TIMEOUT * (2^(MAX_RETRANSMIT+1) - 1) *
	 * ACK_RANDOM_FACTOR (1.5) */
	return ack * ((UINT64_C(1) << (mr + 1)) - 1) * 3 / 2;
}

static uint64_t request_timeout_ms(const struct cio_endpoint *ep)
{
	if (ep->request_timeout_ms > 0)
		return ep->request_timeout_ms;
	return cio_transmit_wait_ms(ep) + TIMEOUT_MARGIN_MS;
}

/* Checks req against the bounds; 0 or -EINVAL. */
static int check_req(const struct cio_req *req)
{
	const char *q;
	size_t i, n = 0, part = 0;

	if (req->method < CIO_GET || req->method > CIO_IPATCH ||
	    req->n_path > CIO_PATH_MAX ||
	    (req->n_path > 0 && req->path == NULL) ||
	    req->content_format < -1 || req->content_format > 65535 ||
	    (req->payload == NULL && req->payload_len > 0))
		return -EINVAL;
	for (i = 0; i < req->n_path; i++)
		if (req->path[i] == NULL ||
		    strlen(req->path[i]) > CIO_SEGMENT_MAX)
			return -EINVAL;
	for (q = req->query; q != NULL && *q != '\0'; q++) {
		if (*q == '&') {
			part = 0;
			continue;
		}
		if (part++ == 0)
			n++;
		if (part > CIO_SEGMENT_MAX || n > CIO_QUERY_MAX)
			return -EINVAL;
	}
	return 0;
}

static void release_copy(coap_session_t *cs, void *app_ptr)
{
	(void)cs;
	free(app_ptr);
}

static coap_pdu_t *build(coap_session_t *cs, bool reliable,
			 const struct cio_req *req, struct cio_pending *p)
{
	coap_pdu_t *pdu;
	uint8_t buf[4];
	const char *q, *amp;
	size_t i;

	/* coap_session_max_pdu_size() of a TCP session still waiting for the
	 * server's CSM blocks (libcoap 4.3.1): use RFC 8323's default. */
	pdu = coap_pdu_init(
		req->confirmable ? COAP_MESSAGE_CON : COAP_MESSAGE_NON,
		(coap_pdu_code_t)req->method, coap_new_message_id(cs),
		reliable ? RELIABLE_PDU_SIZE : coap_session_max_pdu_size(cs));
	if (pdu == NULL)
		return NULL;
	coap_session_new_token(cs, &p->token_len, p->token);
	if (!coap_add_token(pdu, p->token_len, p->token))
		goto fail;
	for (i = 0; i < req->n_path; i++)
		if (!coap_add_option(pdu, COAP_OPTION_URI_PATH,
				     strlen(req->path[i]),
				     (const uint8_t *)req->path[i]))
			goto fail;
	if (req->content_format >= 0 &&
	    !coap_add_option(
		    pdu, COAP_OPTION_CONTENT_FORMAT,
		    coap_encode_var_safe(buf, sizeof(buf),
					 (unsigned)req->content_format),
		    buf))
		goto fail;
	for (q = req->query; q != NULL && *q != '\0'; q = amp) {
		amp = strchr(q, '&');
		if (amp == NULL)
			amp = q + strlen(q);
		if (amp > q &&
		    !coap_add_option(pdu, COAP_OPTION_URI_QUERY,
				     (size_t)(amp - q), (const uint8_t *)q))
			goto fail;
		if (*amp == '&')
			amp++;
	}
	if (req->payload_len > 0) {
		uint8_t *copy = malloc(req->payload_len);

		if (copy == NULL)
			goto fail;
		memcpy(copy, req->payload, req->payload_len);
		/* frees copy itself, on failure too */
		if (!coap_add_data_large_request(cs, pdu, req->payload_len,
						 copy, release_copy, copy))
			goto fail;
	}
	return pdu;
fail:
	coap_delete_pdu(pdu);
	return NULL;
}

static int request(struct cio_session *s, const struct cio_req *req,
		   cio_result_fn cb, void *arg)
{
	struct cio *cio;
	struct cio_pending *p, *q;
	coap_pdu_t *pdu;
	coap_mid_t mid;
	bool reliable;
	int rc;

	if (s == NULL || req == NULL || cb == NULL || s->freed)
		return -EINVAL;
	rc = check_req(req);
	if (rc < 0)
		return rc;
	if (s->down || s->cs == NULL)
		return -ENOTCONN;
	cio = s->cio;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->s = s;
	p->mid = COAP_INVALID_MID;
	p->cb = cb;
	p->arg = arg;
	loop_timer_init(&p->timer, on_request_timeout, p);
	reliable = coap_session_get_proto(s->cs) == COAP_PROTO_TCP ||
		   coap_session_get_proto(s->cs) == COAP_PROTO_TLS;
	pdu = build(s->cs, reliable, req, p);
	if (pdu == NULL) {
		free(p);
		return -ENOMEM;
	}
	rc = loop_timer_arm(cio->loop, &p->timer, request_timeout_ms(&s->ep),
			    0);
	if (rc < 0) {
		coap_delete_pdu(pdu);
		free(p);
		return rc;
	}
	/* Linked before sending, so that a failure reported from inside
	 * coap_send finds it. */
	p->con = req->confirmable && !reliable;
	cio_pending_link(s, p);
	if (reliable && !s->up) {
		p->deferred = pdu;
		return 0;
	}
	cio_session_hold(s);
	cio->in_coap++;
	cio->in_send++;
	mid = coap_send(s->cs, pdu);
	cio->in_send--;
	cio->in_coap--;
	/* A callback from inside coap_send (a session event) may have ended
	 * the request already, and freed the session (held, so readable). */
	for (q = s->pending; q != NULL && q != p; q = q->next)
		;
	rc = 0;
	if (q != NULL && mid == COAP_INVALID_MID) {
		cio_pending_unlink(p);
		free_pending(p);
		rc = -EIO;
	} else if (q != NULL) {
		p->mid = mid;
	}
	cio_session_unhold(s);
	cio_kick(cio);
	return rc;
}

int cio_request(struct cio_session *s, const struct cio_req *req,
		cio_result_fn cb, void *arg)
{
	struct cio *cio;
	int hidden, rc;

	if (s == NULL || s->freed)
		return -EINVAL;
	cio = s->cio;
	/* build() and coap_send() may wait for a CSM (see coap_io.c) */
	hidden = cio_hide(s);
	if (hidden < 0)
		return hidden;
	rc = request(s, req, cb, arg);
	cio_show(cio, hidden);
	return rc;
}

static void send_deferred(struct cio_session *s)
{
	struct cio_pending *p, *next;
	coap_mid_t mid;

	for (p = s->pending; p != NULL; p = next) {
		coap_pdu_t *pdu = p->deferred;

		next = p->next;
		if (pdu == NULL)
			continue;
		p->deferred = NULL;
		mid = coap_send(s->cs, pdu);
		if (mid == COAP_INVALID_MID) {
			/* the session is failing: its event ends the rest */
			cio_pending_unlink(p);
			cio_pending_finish(p, CIO_FAILED);
			return;
		}
		p->mid = mid;
	}
}

void cio_send_deferred(struct cio_session *s)
{
	struct cio *cio = s->cio;
	int hidden = cio_hide(s);

	if (hidden < 0) {
		/* cannot let coap_send() wait: the requests fail, and the
		 * session with them */
		cio_session_mark_down(s);
		return;
	}
	send_deferred(s);
	cio_show(cio, hidden);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSTs that answer NON notifications (RFC 7641 §3.6, §4.2: the server
 * no longer wants the observation).
 *
 * What libcoap 4.3.1 does with such an RST (coap_dispatch(), src/net.c):
 * it logs "got RST for mid=0x%x" at LOG_ALERT, decrements the session's
 * count of CONs in flight if it is not 0 (a quirk: an RST to a NON lets
 * the next queued CON go out early), looks the mid up in its
 * retransmission queue, which holds CONs only, finds nothing, looks for
 * a subscription of its own resources with that mid (ours are not
 * libcoap's), and drops the message.  No handler is called: the nack
 * handler runs only for a queued CON (then with COAP_NACK_RST).  The
 * log line is the one trace, and it names no session.
 *
 * So: every NON notification sent over UDP/DTLS is remembered here (mid,
 * session, token) in a fixed ring; the log hook (coap_io.c) hands us
 * each "got RST" mid while coap_io_process() runs; cio_on_nack() takes
 * back those that were a CON's (its nack follows the log line within
 * the same dispatch); after coap_io_process() the rest are matched by mid
 * against the ring and reported to the reset handler with the token.
 *
 * Limits.  The ring holds the last CIO_NON_RING notifications and only
 * those younger than NON_LIFETIME: an RST later than that (or behind more
 * NON traffic than the ring holds) is missed, and the next notification
 * of the observation, answered with RST again, ends it instead (at the
 * latest the next confirmable one, confirmable_interval).  Message ids
 * are per session while the log line names none: if notifications of two
 * sessions with the same mid are both in the ring, the RST is ambiguous
 * and nothing is cancelled (cancelling the wrong observation would stop
 * data a server wants; missing one costs a notification).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* RFC 7252 NON_LIFETIME: how long a NON's message id stands for it. */
#define NON_LIFETIME_MS 145000u

struct cio_non {
	struct cio_session *s; /* NULL: free */
	uint64_t sent_ms;
	uint16_t mid;
	uint8_t token_len;
	uint8_t token[CIO_TOKEN_MAX];
};

void cio_set_notify_reset_handler(struct cio *cio, cio_notify_reset_fn fn,
				  void *arg)
{
	cio->reset_fn = fn;
	cio->reset_arg = arg;
}

void cio_rst_free(struct cio *cio)
{
	free(cio->non);
	cio->non = NULL;
}

void cio_rst_sent(struct cio_session *s, coap_mid_t mid, const uint8_t *token,
		  size_t token_len)
{
	struct cio *cio = s->cio;
	struct cio_non *e;

	if (cio->non == NULL) {
		/* Allocated once, when the first NON goes out: a daemon that
		 * sends none pays nothing. */
		cio->non = calloc(CIO_NON_RING, sizeof(*cio->non));
		if (cio->non == NULL) {
			log_msg(LOG_LVL_WARNING, TAG,
				"out of memory: RSTs to NON notifications "
				"will be missed");
			return;
		}
	}
	e = &cio->non[cio->non_next];
	cio->non_next = (cio->non_next + 1) % CIO_NON_RING;
	e->s = s;
	e->sent_ms = loop_now_ms(cio->loop);
	e->mid = (uint16_t)mid;
	e->token_len = (uint8_t)token_len;
	memcpy(e->token, token, token_len);
}

void cio_rst_forget_session(struct cio_session *s)
{
	struct cio *cio = s->cio;

	if (cio->non == NULL)
		return;
	for (size_t i = 0; i < CIO_NON_RING; i++)
		if (cio->non[i].s == s)
			cio->non[i].s = NULL;
}

void cio_rst_seen(struct cio *cio, unsigned mid)
{
	if (cio->n_rst_seen == CIO_RST_SEEN_MAX) {
		log_msg(LOG_LVL_DEBUG, TAG,
			"RST for mid %u not matched: "
			"too many in one run",
			mid);
		return;
	}
	cio->rst_seen[cio->n_rst_seen++] = (uint16_t)mid;
}

void cio_rst_claimed(struct cio *cio, coap_mid_t mid)
{
	/* The latest one: the nack follows its own log line. */
	for (size_t i = cio->n_rst_seen; i-- > 0;) {
		if (cio->rst_seen[i] == (uint16_t)mid) {
			memmove(&cio->rst_seen[i], &cio->rst_seen[i + 1],
				(cio->n_rst_seen - i - 1) *
					sizeof(cio->rst_seen[0]));
			cio->n_rst_seen--;
			return;
		}
	}
}

static bool same_observation(const struct cio_non *a, const struct cio_non *b)
{
	return a->s == b->s && a->token_len == b->token_len &&
	       memcmp(a->token, b->token, a->token_len) == 0;
}

/* The entry the RST with mid answers, taken off the ring; false if none
 * or ambiguous. */
static bool take(struct cio *cio, uint16_t mid, struct cio_non *out)
{
	uint64_t now = loop_now_ms(cio->loop);
	struct cio_non *hit = NULL;
	bool ambiguous = false;

	for (size_t i = 0; i < CIO_NON_RING; i++) {
		struct cio_non *e = &cio->non[i];

		if (e->s == NULL || e->mid != mid ||
		    now - e->sent_ms > NON_LIFETIME_MS)
			continue;
		if (hit != NULL && !same_observation(hit, e))
			ambiguous = true;
		hit = e;
	}
	if (hit == NULL)
		return false;
	if (ambiguous) {
		log_msg(LOG_LVL_DEBUG, TAG,
			"RST for mid %u: NON notifications of two sessions "
			"have it, none cancelled",
			(unsigned)mid);
		return false;
	}
	*out = *hit;
	for (size_t i = 0; i < CIO_NON_RING; i++)
		if (cio->non[i].s != NULL && cio->non[i].mid == mid)
			cio->non[i].s = NULL;
	return true;
}

void cio_rst_deliver(struct cio *cio)
{
	while (cio->n_rst_seen > 0) {
		uint16_t mid = cio->rst_seen[0];
		struct cio_non e;

		cio->n_rst_seen--;
		memmove(&cio->rst_seen[0], &cio->rst_seen[1],
			cio->n_rst_seen * sizeof(cio->rst_seen[0]));
		if (cio->non == NULL || !take(cio, mid, &e))
			continue;
		log_msg(LOG_LVL_DEBUG, TAG,
			"%s:%u: RST to NON notification mid %u", e.s->host,
			e.s->ep.port, (unsigned)mid);
		if (cio->reset_fn == NULL || e.s->freed)
			continue;
		/* The callback may free the session: held, so that e.s stays
		 * readable for the unhold. */
		cio_session_hold(e.s);
		cio->reset_fn(cio->reset_arg, e.s, e.token, e.token_len);
		cio_session_unhold(e.s);
	}
}

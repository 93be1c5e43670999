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
 * Which session?  The log line names none, and no handler or event of
 * 4.3.1 sees an RST to a NON.  libcoap does name the session just before:
 * coap_read_session() logs "*  <session>: received N bytes" ahead of
 * dispatching each datagram, but at LOG_DEBUG only; running libcoap at
 * debug level to read it would make it format every PDU it handles
 * (coap_show_pdu()), on every server's traffic, for a rare RST.  So the
 * session stays unknown here.
 *
 * So: every NON notification sent over UDP/DTLS is remembered (mid,
 * token) in a small window of its session's last CIO_NON_WINDOW; the log
 * hook (coap_io.c) hands us each "got RST" mid while coap_io_process()
 * runs; cio_on_nack() takes back those that were a CON's (its nack
 * follows the log line within the same dispatch); after
 * coap_io_process() the rest are matched by mid against the windows and
 * reported to the reset handler with the token.
 *
 * Message ids are per session, so a mid may be live (in a window and
 * younger than NON_LIFETIME) in several sessions.  Then the RST is
 * ambiguous and nothing is cancelled: cancelling the wrong observation
 * would stop data a server wants, missing one costs a notification.  The
 * residual risk is an RST whose mid is live in no window of its own
 * session (an RST to an older NON, to a NON response) but, by
 * coincidence, in another session's: that observation is cancelled.  Its
 * odds are about the other windows' size over 65536, which is why the
 * windows are small and per session (one busy server does not widen
 * another's).
 *
 * Limits.  An RST later than NON_LIFETIME, or behind more than
 * CIO_NON_WINDOW newer NON notifications of its session, is missed, and
 * the next notification of the observation, answered with RST again,
 * ends it instead (at the latest the next confirmable one,
 * confirmable_interval).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* RFC 7252 NON_LIFETIME: how long a NON's message id stands for it. */
#define NON_LIFETIME_MS 145000u

struct non_entry {
	bool used;
	uint8_t token_len;
	uint16_t mid;
	uint64_t sent_ms;
	uint8_t token[CIO_TOKEN_MAX];
};

/* One session's last CIO_NON_WINDOW NON notifications. */
struct non_window {
	struct cio_session *s;
	size_t next; /* the slot the next one takes (the oldest) */
	struct non_entry e[CIO_NON_WINDOW];
};

/* The windows of the sessions that sent NON notifications: as many as
 * servers, so searched linearly. */
struct cio_non {
	struct non_window *w;
	size_t n, cap;
};

void cio_set_notify_reset_handler(struct cio *cio, cio_notify_reset_fn fn,
				  void *arg)
{
	cio->reset_fn = fn;
	cio->reset_arg = arg;
}

void cio_rst_free(struct cio *cio)
{
	if (cio->non != NULL)
		free(cio->non->w);
	free(cio->non);
	cio->non = NULL;
}

static struct non_window *window_of(struct cio_non *t,
				    const struct cio_session *s)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->w[i].s == s)
			return &t->w[i];
	return NULL;
}

/* s's window, made on its first NON; NULL if out of memory. */
static struct non_window *window_make(struct cio *cio, struct cio_session *s)
{
	struct cio_non *t = cio->non;
	struct non_window *w;

	if (t == NULL) {
		/* Allocated when the first NON goes out: a daemon that sends
		 * none pays nothing. */
		t = calloc(1, sizeof(*t));
		if (t == NULL)
			return NULL;
		cio->non = t;
	}
	w = window_of(t, s);
	if (w != NULL)
		return w;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;
		struct non_window *g = realloc(t->w, cap * sizeof(*g));

		if (g == NULL)
			return NULL;
		t->w = g;
		t->cap = cap;
	}
	w = &t->w[t->n++];
	memset(w, 0, sizeof(*w));
	w->s = s;
	return w;
}

void cio_rst_sent(struct cio_session *s, coap_mid_t mid, const uint8_t *token,
		  size_t token_len)
{
	struct cio *cio = s->cio;
	struct non_window *w;
	struct non_entry *e;

	if (s->freed)
		return; /* its window would outlive it */
	w = window_make(cio, s);
	if (w == NULL) {
		log_msg(LOG_LVL_WARNING, TAG,
			"out of memory: RSTs to NON notifications "
			"will be missed");
		return;
	}
	e = &w->e[w->next];
	w->next = (w->next + 1) % CIO_NON_WINDOW;
	e->used = true;
	e->sent_ms = loop_now_ms(cio->loop);
	e->mid = (uint16_t)mid;
	e->token_len = (uint8_t)token_len;
	memcpy(e->token, token, token_len);
}

void cio_rst_forget_session(struct cio_session *s)
{
	struct cio_non *t = s->cio->non;
	struct non_window *w;

	if (t == NULL || (w = window_of(t, s)) == NULL)
		return;
	*w = t->w[--t->n];
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

/* The newest live entry of w with mid, or NULL. */
static struct non_entry *live(struct non_window *w, uint16_t mid, uint64_t now)
{
	/* Newest first: within NON_LIFETIME a session's mids repeat only
	 * if it sent 65536 messages, and then the newest is the one. */
	for (size_t k = 1; k <= CIO_NON_WINDOW; k++) {
		struct non_entry *e =
			&w->e[(w->next + CIO_NON_WINDOW - k) % CIO_NON_WINDOW];

		if (e->used && e->mid == mid &&
		    now - e->sent_ms <= NON_LIFETIME_MS)
			return e;
	}
	return NULL;
}

/* The session and token the RST with mid answers, the entry taken off
 * its window; false if none, or if the mid is live in several sessions. */
static bool take(struct cio *cio, uint16_t mid, struct cio_session **s,
		 uint8_t *token, size_t *token_len)
{
	struct cio_non *t = cio->non;
	uint64_t now = loop_now_ms(cio->loop);
	struct non_window *hit_w = NULL;
	struct non_entry *hit = NULL;
	size_t n_hits = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct non_entry *e = live(&t->w[i], mid, now);

		if (e == NULL)
			continue;
		n_hits++;
		hit = e;
		hit_w = &t->w[i];
	}
	if (n_hits == 0)
		return false;
	if (n_hits > 1) {
		log_msg(LOG_LVL_DEBUG, TAG,
			"RST for mid %u: NON notifications of %zu sessions "
			"have it, none cancelled",
			(unsigned)mid, n_hits);
		return false;
	}
	*s = hit_w->s;
	*token_len = hit->token_len;
	memcpy(token, hit->token, hit->token_len);
	/* All of them (a wrapped counter): one RST, one report. */
	for (size_t k = 0; k < CIO_NON_WINDOW; k++)
		if (hit_w->e[k].mid == mid)
			hit_w->e[k].used = false;
	return true;
}

void cio_rst_deliver(struct cio *cio)
{
	while (cio->n_rst_seen > 0) {
		uint16_t mid = cio->rst_seen[0];
		struct cio_session *s;
		uint8_t token[CIO_TOKEN_MAX];
		size_t token_len;

		cio->n_rst_seen--;
		memmove(&cio->rst_seen[0], &cio->rst_seen[1],
			cio->n_rst_seen * sizeof(cio->rst_seen[0]));
		if (cio->non == NULL || !take(cio, mid, &s, token, &token_len))
			continue;
		log_msg(LOG_LVL_DEBUG, TAG,
			"%s:%u: RST to NON notification mid %u", s->host,
			s->ep.port, (unsigned)mid);
		if (cio->reset_fn == NULL || s->freed)
			continue;
		/* The callback may free the session (and forget its window):
		 * held, so that s stays readable for the unhold. */
		cio_session_hold(s);
		cio->reset_fn(cio->reset_arg, s, token, token_len);
		cio_session_unhold(s);
	}
}

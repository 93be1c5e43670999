/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CoAP transport's context: libcoap in the daemon's loop, its log,
 * session lifetime and session events.
 *
 * Why the loop is shaped as it is.  libcoap built with epoll (Debian's is)
 * keeps its sockets in an epoll set of its own, plus a timerfd for its next
 * deadline (coap_context_get_coap_fd).  Watching that set as one fd of the
 * loop and calling coap_io_process(ctx, COAP_IO_NO_WAIT) when it is ready,
 * then coap_io_prepare_epoll() for the deadline, cost seven system calls
 * per request answered (libcoap 4.3.1, strace): our epoll_wait; in
 * coap_io_process a timerfd_settime (its coap_io_prepare_epoll), its own
 * epoll_wait on the set, recvfrom, sendto and another timerfd_settime (the
 * coap_io_prepare_epoll that ends coap_io_do_epoll); and our own
 * coap_io_prepare_epoll's timerfd_settime.  Now:
 *
 *  - the loop blocks in libcoap's set (loop_adopt_epoll; the loop's own
 *    set is one fd in it), so the events of libcoap's sockets come out of
 *    the loop's one epoll_wait and go straight to coap_io_do_epoll(): no
 *    second epoll_wait, no leading timerfd_settime.  coap_io_process must
 *    never run while the set is adopted (its epoll_wait would return the
 *    loop's event, which libcoap would take for one of its sockets);
 *  - the deadline after coap_io_do_epoll() comes from coap_io_prepare_io(),
 *    which does the same timeout work as coap_io_prepare_epoll() without
 *    the timerfd_settime: the one that ends coap_io_do_epoll() has just
 *    armed libcoap's timerfd for that very deadline.  Anything that work
 *    does (a retransmission due in between) only moves the deadline later,
 *    so the timerfd can at worst fire early, which is harmless;
 *  - when the loop timer fires (a deadline, or cio_kick after something
 *    changed outside libcoap's processing) coap_io_prepare_epoll() does
 *    the timeout work and re-arms libcoap's timerfd itself.
 *
 * That leaves four per request: epoll_wait, recvfrom, sendto and the
 * timerfd_settime at the end of coap_io_do_epoll().  What coap_io_process
 * does besides (expiring cache entries, async requests) concerns libcoap
 * features this module does not use.
 *
 * libcoap 4.3.1 runs coap_io_process() itself in one place: when
 * coap_send(), coap_session_max_pdu_size() or coap_add_data_large_request()
 * is called on a TCP/TLS client session whose CSM exchange it does not
 * consider over, it waits there (up to 5 s) for that exchange; and it
 * considers it over only after COAP_EVENT_SESSION_CONNECTED has been
 * delivered.  Its epoll_wait would then return the loop's own set, which
 * libcoap would take for one of its sockets.  So around our own calls on
 * such a session (not up yet, or inside that event) cio_hide() hides the
 * loop's set from libcoap's (two epoll_ctl, TCP/TLS only, before the
 * session is up): libcoap waits as it did before the set was adopted.
 *
 * The loop timer armed from libcoap's deadline is kept although libcoap's
 * timerfd wakes the loop too: the deadline is then visible to the loop
 * (and to loop_next_timeout_ms), and one that coap_io_prepare_epoll()
 * rounds to "now" (it re-reads the clock and disarms the timerfd when the
 * deadline has just passed) cannot be lost.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* ---- log ------------------------------------------------------------ */

/* The transport whose coap_io_process() runs now: libcoap's log handler
 * has no argument, and the RST line (coap_io_rst.c) must reach it. */
static struct cio *processing;

static void on_coap_log(coap_log_t level, const char *message)
{
	size_t n = strlen(message);
	unsigned mid;

	/* The one trace libcoap 4.3.1 leaves of an RST to a NON message. */
	if (level == LOG_ALERT && processing != NULL &&
	    sscanf(message, "got RST for mid=0x%x", &mid) == 1 &&
	    mid <= 0xffffu)
		cio_rst_seen(processing, mid);

	while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == '\r'))
		n--;
	/* libcoap's own opinion of severity is noisy (an ICMP error on a UDP
	 * socket is a "warning"); this module logs what matters itself. */
	log_msg(LOG_LVL_DEBUG, TAG, "libcoap[%d]: %.*s", (int)level, (int)n,
		message);
}

void cio_sync_log_level(void)
{
	bool debug = log_get_level() >= LOG_LVL_DEBUG;

	coap_set_log_handler(on_coap_log);
	/* At least LOG_ALERT: the level of the "got RST" line. */
	coap_set_log_level(debug ? LOG_DEBUG : LOG_ALERT);
	coap_dtls_set_log_level(debug ? LOG_DEBUG : LOG_EMERG);
}

static void session_up(struct cio_session *s);

/* ---- driving libcoap from the loop ---------------------------------- */

/* Drops what libcoap still holds for the session, then the session.  A
 * CON whose result we already reported (an ICMP error, our own deadline)
 * would otherwise go on being retransmitted from the old socket: a
 * Register given up on could still reach a server that comes back, and
 * register the bridge a second time. */
static void release(coap_session_t *cs)
{
	coap_session_disconnected(cs, COAP_NACK_NOT_DELIVERABLE);
	coap_session_release(cs);
}

static void bury(struct cio *cio)
{
	if (cio->in_coap > 0)
		return;
	/* Releasing may call our handlers back (nack for queued PDUs, DTLS
	 * events): they see no app data and ignore it. */
	cio->in_coap++;
	while (cio->n_graveyard > 0)
		release(cio->graveyard[--cio->n_graveyard]);
	cio->in_coap--;
}

/* libcoap 4.3.1 raises no event when a client's DTLS handshake
 * completes (TCP and TLS do get COAP_EVENT_SESSION_CONNECTED): look at
 * the state of the sessions still waiting after each run instead. */
static void check_connected(struct cio *cio)
{
	struct cio_session *s;

again:
	for (s = cio->sessions; s != NULL; s = s->next) {
		if (s->cs == NULL || s->up || s->down ||
		    coap_session_get_proto(s->cs) != COAP_PROTO_DTLS ||
		    coap_session_get_state(s->cs) !=
			    COAP_SESSION_STATE_ESTABLISHED)
			continue;
		session_up(s);
		goto again; /* the callback may have changed the list */
	}
}

/* Sessions that failed inside one of our sends: marked down now, from
 * the loop, where their requests' callbacks may run. */
static void mark_pending_down(struct cio *cio)
{
	struct cio_session *s;

again:
	for (s = cio->sessions; s != NULL; s = s->next) {
		if (!s->down_pending)
			continue;
		s->down_pending = false;
		cio_session_mark_down(s);
		goto again; /* the callbacks may have changed the list */
	}
}

/* Runs libcoap on the events of its set (n > 0), or on a deadline (n 0:
 * retransmissions, DTLS and session timers, or a kick); see the top of
 * this file. */
static void cio_process(struct cio *cio, struct epoll_event *ev, int n)
{
	struct cio *outer = processing;
	coap_socket_t *unused[1];
	unsigned int wait_ms, nsock;
	coap_tick_t now;

	mark_pending_down(cio);
	cio->in_coap++;
	processing = cio;
	if (n > 0) {
		coap_io_do_epoll(cio->ctx, ev, (size_t)n);
		coap_ticks(&now);
		wait_ms = coap_io_prepare_io(cio->ctx, unused, 1, &nsock, now);
	} else {
		coap_ticks(&now);
		wait_ms = coap_io_prepare_epoll(cio->ctx, now);
	}
	processing = outer;
	cio->in_coap--;
	cio_rst_deliver(cio);
	check_connected(cio);
	cio_notify_check_acked(cio);
	bury(cio);
	if (cio->n_graveyard > 0 || wait_ms > 0) {
		/* (a graveyard left over means a release from a nested call:
		 * come back at once) */
		if (loop_timer_arm(cio->loop, &cio->timer,
				   cio->n_graveyard > 0 ? 0 : wait_ms, 0) < 0)
			log_msg(LOG_LVL_WARNING, TAG,
				"cannot arm the CoAP timer");
	} else {
		loop_timer_disarm(cio->loop, &cio->timer);
	}
}

static void on_events(struct epoll_event *ev, int n, void *arg)
{
	cio_process(arg, ev, n);
}

static void on_timer(struct loop *loop, struct loop_timer *timer, void *arg)
{
	(void)loop;
	(void)timer;
	cio_process(arg, NULL, 0);
}

int cio_hide(struct cio_session *s)
{
	coap_proto_t proto;
	int r;

	if (s->cs == NULL)
		return 0;
	proto = coap_session_get_proto(s->cs);
	if ((proto != COAP_PROTO_TCP && proto != COAP_PROTO_TLS) ||
	    (s->up && s->cio->connecting == 0))
		return 0;
	r = loop_adopt_hide(s->cio->loop);
	if (r < 0) {
		log_msg(LOG_LVL_ERR, TAG,
			"cannot hide the loop from libcoap: %s", strerror(-r));
		return r;
	}
	return 1;
}

void cio_show(struct cio *cio, int hidden)
{
	if (hidden > 0)
		loop_adopt_show(cio->loop);
}

/* Something changed outside coap_io_process (a request sent, a session
 * opened or released): let the next iteration recompute the deadline. */
void cio_kick(struct cio *cio)
{
	if (loop_timer_arm(cio->loop, &cio->timer, 0, 0) < 0)
		log_msg(LOG_LVL_WARNING, TAG, "cannot arm the CoAP timer");
}

/* ---- session events ------------------------------------------------- */

void cio_session_hold(struct cio_session *s)
{
	s->busy++;
}

static void session_destroy(struct cio_session *s)
{
	free(s->host);
	free(s->psk_identity);
	free(s->certificate_file);
	free(s->private_key_file);
	free(s->server_certificate_file);
	free(s->server_public_key_file);
	explicit_bzero(s->psk_key, sizeof(s->psk_key));
	free(s);
}

/* Returns true when s was freed meanwhile (and is now gone). */
bool cio_session_unhold(struct cio_session *s)
{
	bool freed = s->freed;

	if (--s->busy == 0 && freed)
		session_destroy(s);
	return freed;
}

static void emit(struct cio_session *s, enum cio_event ev)
{
	if (s->ev_fn != NULL && !s->freed)
		s->ev_fn(s->ev_arg, s, ev);
}

static void session_up(struct cio_session *s)
{
	s->up = true;
	log_msg(LOG_LVL_INFO, TAG, "%s:%u: connected", s->host, s->ep.port);
	cio_session_hold(s);
	cio_send_deferred(s);
	if (!s->down)
		emit(s, CIO_EV_CONNECTED);
	cio_session_unhold(s);
}

void cio_session_mark_down(struct cio_session *s)
{
	if (s->down)
		return;
	s->down = true;
	s->up = false;
	cio_session_hold(s);
	cio_pending_fail_all(s, CIO_FAILED);
	emit(s, CIO_EV_DOWN);
	cio_session_unhold(s);
}

static int on_event(coap_session_t *cs, const coap_event_t event)
{
	struct cio_session *s = coap_session_get_app_data(cs);

	if (s == NULL || s->cs != cs)
		return 0;
	switch (event) {
	case COAP_EVENT_SESSION_CONNECTED:
		/* TCP and TLS: after the CSM exchange (not at
		 * COAP_EVENT_DTLS_CONNECTED, which TLS sends before it) */
		if (!s->up && !s->down) {
			struct cio *cio = s->cio; /* s may go in session_up */

			/* libcoap ends its CSM wait after this event */
			cio->connecting++;
			session_up(s);
			cio->connecting--;
		}
		break;
	case COAP_EVENT_DTLS_CLOSED:
	case COAP_EVENT_DTLS_ERROR:
	case COAP_EVENT_TCP_CLOSED:
	case COAP_EVENT_TCP_FAILED:
	case COAP_EVENT_SESSION_CLOSED:
	case COAP_EVENT_SESSION_FAILED:
		log_msg(LOG_LVL_NOTICE, TAG, "%s:%u: session down (event %#x)",
			s->host, s->ep.port, (unsigned)event);
		if (s->cio->in_send > 0) {
			/* inside a cio_request()/cio_notify() of a caller
			 * that is still working on its own state */
			s->down_pending = true;
			cio_kick(s->cio);
		} else {
			cio_session_mark_down(s);
		}
		break;
	case COAP_EVENT_DTLS_CONNECTED: /* DTLS: see check_connected() */
	case COAP_EVENT_DTLS_RENEGOTIATE:
	case COAP_EVENT_TCP_CONNECTED:
	case COAP_EVENT_PARTIAL_BLOCK:
	case COAP_EVENT_XMIT_BLOCK_FAIL:
	case COAP_EVENT_SERVER_SESSION_NEW:
	case COAP_EVENT_SERVER_SESSION_DEL:
	default: break;
	}
	return 0;
}

/* ---- the transport -------------------------------------------------- */

struct cio *cio_new(struct loop *loop)
{
	struct cio *cio = NULL;
	int err;

	if (loop == NULL) {
		errno = EINVAL;
		return NULL;
	}
	coap_startup();
	cio_sync_log_level();
	cio = calloc(1, sizeof(*cio));
	if (cio == NULL)
		return NULL;
	cio->loop = loop;
	cio->fd = -1;
	loop_timer_init(&cio->timer, on_timer, cio);
	cio->ctx = coap_new_context(NULL);
	if (cio->ctx == NULL) {
		err = ENOMEM;
		goto fail;
	}
	coap_set_app_data(cio->ctx, cio);
	cio->fd = coap_context_get_coap_fd(cio->ctx);
	if (cio->fd < 0) {
		log_msg(LOG_LVL_ERR, TAG, "libcoap was built without epoll");
		err = ENOTSUP;
		goto fail;
	}
	coap_context_set_block_mode(cio->ctx, COAP_BLOCK_USE_LIBCOAP |
						      COAP_BLOCK_SINGLE_BODY);
	coap_register_response_handler(cio->ctx, cio_on_response);
	coap_register_nack_handler(cio->ctx, cio_on_nack);
	coap_register_event_handler(cio->ctx, on_event);
	err = -cio_server_init(cio);
	if (err != 0)
		goto fail;
	err = -loop_adopt_epoll(loop, cio->fd, on_events, cio);
	if (err != 0)
		goto fail;
	return cio;
fail:
	if (cio->ctx != NULL)
		coap_free_context(cio->ctx);
	free(cio);
	errno = err;
	return NULL;
}

void cio_free(struct cio *cio)
{
	if (cio == NULL)
		return;
	while (cio->sessions != NULL)
		cio_session_free(cio->sessions);
	bury(cio);
	loop_timer_disarm(cio->loop, &cio->timer);
	loop_release_epoll(cio->loop); /* before libcoap closes its set */
	coap_free_context(cio->ctx);
	cio_rst_free(cio);
	free(cio->graveyard);
	free(cio);
}

void cio_set_request_handler(struct cio *cio, cio_request_fn fn, void *arg)
{
	cio->req_fn = fn;
	cio->req_arg = arg;
}

/* ---- sessions ------------------------------------------------------- */

/* Detaches the libcoap session from s and releases it now, or at the next
 * cio_process() if libcoap is on the stack. */
static void drop_coap_session(struct cio_session *s)
{
	struct cio *cio = s->cio;
	coap_session_t *cs = s->cs;

	/* Even without a libcoap session (a reopen failed): its RST window must
	 * not keep s once it may be freed. */
	cio_rst_forget_session(s);
	if (cs == NULL)
		return;
	s->cs = NULL;
	coap_session_set_app_data(cs, NULL);
	if (cio->in_coap > 0 || cio->n_graveyard > 0) {
		if (cio->n_graveyard == cio->cap_graveyard) {
			size_t cap =
				cio->cap_graveyard ? cio->cap_graveyard * 2 : 4;
			coap_session_t **g =
				realloc(cio->graveyard, cap * sizeof(*g));

			if (g == NULL) {
				/* Better a leak than a use-after-free inside
				 * libcoap: the context frees it at the end. */
				log_msg(LOG_LVL_ERR, TAG,
					"out of memory releasing a session");
				return;
			}
			cio->graveyard = g;
			cio->cap_graveyard = cap;
		}
		cio->graveyard[cio->n_graveyard++] = cs;
		cio_kick(cio);
		return;
	}
	cio->in_coap++;
	release(cs);
	cio->in_coap--;
	cio_kick(cio);
}

static char *dup_opt(const char *str, int *err)
{
	char *d;

	if (str == NULL)
		return NULL;
	d = strdup(str);
	if (d == NULL)
		*err = ENOMEM;
	return d;
}

static int copy_endpoint(struct cio_session *s, const struct cio_endpoint *ep)
{
	int err = 0;

	s->ep = *ep;
	if (ep->host == NULL || ep->port == 0)
		return EINVAL;
	if (ep->security == CFG_SEC_PSK) {
		if (ep->psk_key == NULL || ep->psk_key_len == 0 ||
		    ep->psk_key_len > sizeof(s->psk_key) ||
		    ep->psk_identity == NULL)
			return EINVAL;
		memcpy(s->psk_key, ep->psk_key, ep->psk_key_len);
	}
	s->ep.psk_key = s->psk_key;
	s->host = dup_opt(ep->host, &err);
	s->psk_identity = dup_opt(ep->psk_identity, &err);
	s->certificate_file = dup_opt(ep->certificate_file, &err);
	s->private_key_file = dup_opt(ep->private_key_file, &err);
	s->server_certificate_file = dup_opt(ep->server_certificate_file, &err);
	s->server_public_key_file = dup_opt(ep->server_public_key_file, &err);
	s->ep.host = s->host;
	s->ep.psk_identity = s->psk_identity;
	s->ep.certificate_file = s->certificate_file;
	s->ep.private_key_file = s->private_key_file;
	s->ep.server_certificate_file = s->server_certificate_file;
	s->ep.server_public_key_file = s->server_public_key_file;
	return err;
}

/* Opens the libcoap session of s; 0 or an errno. */
static int open_session(struct cio_session *s)
{
	coap_session_t *cs = NULL;
	int err = cio_session_open(s, &cs);

	if (err != 0)
		return err;
	s->cs = cs;
	s->down = false;
	s->down_pending = false;
	s->up = s->ep.scheme == CFG_SCHEME_COAP;
	coap_session_set_app_data(cs, s);
	cio_kick(s->cio);
	return 0;
}

struct cio_session *cio_session_new(struct cio *cio,
				    const struct cio_endpoint *ep,
				    cio_event_fn ev, void *arg)
{
	struct cio_session *s;
	int err;

	if (cio == NULL || ep == NULL) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cio = cio;
	s->ev_fn = ev;
	s->ev_arg = arg;
	err = copy_endpoint(s, ep);
	if (err == 0)
		err = open_session(s);
	if (err != 0) {
		session_destroy(s);
		errno = err;
		return NULL;
	}
	s->next = cio->sessions;
	cio->sessions = s;
	return s;
}

void cio_session_free(struct cio_session *s)
{
	struct cio_session **pp;

	if (s == NULL || s->freed)
		return;
	for (pp = &s->cio->sessions; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	s->freed = true;
	cio_session_hold(s);
	cio_pending_fail_all(s, CIO_CANCELLED);
	drop_coap_session(s);
	cio_session_unhold(s);
}

int cio_session_reset(struct cio_session *s)
{
	int err;

	if (s == NULL || s->freed)
		return -EINVAL;
	cio_session_hold(s);
	/* Down first, so that a callback run by the cancellation cannot send
	 * on the old session. */
	s->down = true;
	s->up = false;
	cio_pending_fail_all(s, CIO_CANCELLED);
	drop_coap_session(s);
	if (cio_session_unhold(s))
		return -ECANCELED;
	err = open_session(s);
	if (err != 0) {
		log_msg(LOG_LVL_WARNING, TAG, "%s:%u: cannot reopen: %s",
			s->host, s->ep.port, strerror(err));
		return -err;
	}
	log_msg(LOG_LVL_INFO, TAG, "%s:%u: session reset", s->host, s->ep.port);
	return 0;
}

size_t cio_session_pending(const struct cio_session *s)
{
	return s->n_pending;
}

bool cio_session_is_up(const struct cio_session *s)
{
	return s->cs != NULL && s->up && !s->down;
}

int cio_session_local_port(const struct cio_session *s)
{
	const coap_address_t *a;

	if (s->cs == NULL)
		return -ENOTCONN;
	a = coap_session_get_addr_local(s->cs);
	if (a == NULL)
		return -ENOTCONN;
	switch (a->addr.sa.sa_family) {
	case AF_INET: return ntohs(a->addr.sin.sin_port);
	case AF_INET6: return ntohs(a->addr.sin6.sin6_port);
	default: return -ENOTCONN;
	}
}

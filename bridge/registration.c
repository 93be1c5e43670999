/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "registration_priv.h"

/* MAX_TRANSMIT_WAIT: Updates go this early, or at L/2 below 2 * it. */
#define UPDATE_MARGIN_S 93u
/* Back-off doubling stops growing here (2^40 s is far past any need). */
#define MAX_SHIFT 40

/* ---- small helpers ------------------------------------------------- */

static void set_state(struct reg *r, enum reg_state s)
{
	enum reg_state from = r->state;

	if (from == s)
		return;
	r->state = s;
	log_debug("server %u: %s -> %s", r->cfg.short_server_id,
		  reg_state_name(from), reg_state_name(s));
	if (r->hooks.state_changed)
		r->hooks.state_changed(r->hooks.ctx, from, s);
}

static void arm(struct reg *r, struct loop_timer *t, uint64_t *due,
		uint64_t delay_ms)
{
	*due = loop_now_ms(r->loop) + delay_ms;
	if (loop_timer_arm(r->loop, t, delay_ms, 0) < 0) {
		/* Only -ENOMEM can happen here; a machine without its timer
		 * would stall, so say so loudly. */
		log_errx("server %u: cannot arm a registration timer",
			 r->cfg.short_server_id);
		*due = UINT64_MAX;
	}
}

static void disarm(struct reg *r, struct loop_timer *t, uint64_t *due)
{
	loop_timer_disarm(r->loop, t);
	*due = UINT64_MAX;
}

static void disarm_all(struct reg *r)
{
	disarm(r, &r->timer, &r->timer_due);
	disarm(r, &r->qtimer, &r->qtimer_due);
	disarm(r, &r->wdog, &r->wdog_due);
}

static void cancel_pending(struct reg *r)
{
	if (r->pending && r->tr.cancel)
		r->tr.cancel(r->tr.ctx, r->pending_id);
	r->pending = false;
	disarm(r, &r->wdog, &r->wdog_due);
}

void reg_quiesce(struct reg *r)
{
	cancel_pending(r);
	disarm_all(r);
}

static void clear_location(struct reg *r)
{
	r->n_loc = 0;
	r->loc_str[0] = '\0';
}

static uint32_t next_random(struct reg *r)
{
	uint32_t x;

	if (r->cfg.random)
		return r->cfg.random(r->cfg.random_ctx);
	x = r->rng; /* xorshift32: jitter needs no quality */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->rng = x;
	return x;
}

static uint64_t with_jitter(struct reg *r, uint64_t ms)
{
	uint64_t span;

	if (r->cfg.no_jitter)
		return ms;
	span = ms / 100 * r->cfg.jitter_pct +
	       ms % 100 * r->cfg.jitter_pct / 100;
	return ms + next_random(r) % (span + 1);
}

bool reg_binding_queue(const struct reg *r, const char *b)
{
	char letters[REG_BINDING_MAX + 1];
	bool q = false;

	return reg_binding_split(b, r->cfg.version, letters, &q) == 0 && q;
}

/* Delay until the lifetime Update, in ms; 0 when none is due. */
static uint64_t update_delay_ms(uint32_t lifetime)
{
	if (lifetime == 0)
		return 0;
	if (lifetime > 2 * UPDATE_MARGIN_S)
		return (uint64_t)(lifetime - UPDATE_MARGIN_S) * 1000;
	return (uint64_t)lifetime * 1000 / 2;
}

/* Builds the link list into r->pbuf (r->plen), growing the buffer. */
static int build_payload(struct reg *r)
{
	int n;

	for (;;) {
		n = r->hooks.build_payload(r->hooks.ctx, r->pbuf, r->pcap);
		if (n >= 0 && (size_t)n < r->pcap) {
			r->plen = (size_t)n;
			return 0;
		}
		if (n >= 0)
			n = -ENOBUFS; /* a hook that overstates its length */
		if (n != -ENOBUFS || r->pcap >= REG_PAYLOAD_MAX)
			return n;
		char *nb = realloc(r->pbuf, r->pcap * 2);
		if (!nb)
			return -ENOMEM;
		r->pbuf = nb;
		r->pcap *= 2;
	}
}

static int send_request(struct reg *r, enum reg_op op, uint8_t method,
			const char *const *path, size_t n_path,
			const struct reg_query *q, const char *payload,
			size_t payload_len)
{
	struct reg_request req = {
		.id = ++r->next_id,
		.op = op,
		.method = method,
		.path = path,
		.n_path = n_path,
		.query = q,
		.payload = payload,
		.payload_len = payload_len,
	};
	int ret = r->tr.send(r->tr.ctx, &req);

	if (ret < 0) {
		log_warnx("server %u: cannot send %s: %s",
			  r->cfg.short_server_id, reg_op_name(op),
			  strerror(-ret));
		return ret;
	}
	r->pending = true;
	r->pending_id = req.id;
	arm(r, &r->wdog, &r->wdog_due, r->cfg.exchange_timeout_ms);
	return 0;
}

/* ---- Register ------------------------------------------------------ */

static void do_register(struct reg *r);

static void register_failed(struct reg *r, const char *why)
{
	uint64_t delay_ms;
	uint32_t n;

	r->cnt.failures++;
	r->cnt.attempt++;
	set_state(r, REG_STATE_BACKOFF);
	if (r->cnt.attempt < r->cfg.retry_count) {
		n = r->cnt.attempt - 1;
		delay_ms = (uint64_t)r->cfg.retry_timer_s * 1000
			   << (n > MAX_SHIFT ? MAX_SHIFT : n);
		delay_ms = with_jitter(r, delay_ms);
		log_notice("server %u: register failed (%s), attempt %" PRIu32
			   " of %" PRIu32 "; retrying in %" PRIu64 " ms",
			   r->cfg.short_server_id, why, r->cnt.attempt,
			   r->cfg.retry_count, delay_ms);
	} else {
		r->cnt.attempt = 0;
		r->cnt.sequences++;
		delay_ms = with_jitter(r, (uint64_t)r->cfg.seq_delay_s * 1000);
		if (r->cnt.sequences >= r->cfg.seq_retry_count)
			log_warnx("server %u: registration failed (%s) after "
				  "%" PRIu32 " communication sequence(s); no "
				  "bootstrap server is configured, so retrying "
				  "in %" PRIu64 " ms and on",
				  r->cfg.short_server_id, why, r->cnt.sequences,
				  delay_ms);
		else
			log_notice("server %u: register sequence %" PRIu32
				   " failed (%s); next sequence in %" PRIu64
				   " ms",
				   r->cfg.short_server_id, r->cnt.sequences,
				   why, delay_ms);
	}
	arm(r, &r->timer, &r->timer_due, delay_ms);
}

static void do_register(struct reg *r)
{
	struct reg_query q;
	static const char *const rd[] = {"rd"};
	int ret;

	cancel_pending(r);
	disarm_all(r);
	clear_location(r);
	r->asleep = false;
	r->from_sleep = false;
	r->update_wanted = false;
	if (r->cnt.consecutive_unanswered >= r->cfg.session_reset_after) {
		log_notice("server %u: %u requests unanswered: new session",
			   r->cfg.short_server_id,
			   r->cnt.consecutive_unanswered);
		r->cnt.consecutive_unanswered = 0;
		r->cnt.session_resets++;
		if (r->tr.reset_session)
			r->tr.reset_session(r->tr.ctx);
	}
	if (r->hooks.reset)
		r->hooks.reset(r->hooks.ctx);
	set_state(r, REG_STATE_REGISTERING);
	ret = build_payload(r);
	if (ret == 0)
		ret = reg_query_register(&q, r->endpoint, r->lifetime,
					 r->cfg.version, r->binding);
	if (ret == 0) {
		r->sent_lifetime = r->lifetime;
		memcpy(r->sent_binding, r->binding, sizeof(r->binding));
		r->cnt.registers_sent++;
		ret = send_request(r, REG_OP_REGISTER, REG_METHOD_POST, rd, 1,
				   &q, r->pbuf, r->plen);
	}
	if (ret < 0)
		register_failed(r, strerror(-ret));
}

/* Stores the Location-Path: one option per segment, or options with
 * slashes inside; empty segments are dropped.  Returns 0 or -EBADMSG. */
static int store_location(struct reg *r, const struct reg_opt *opt, size_t n)
{
	size_t used = 0, slen = 0;

	clear_location(r);
	for (size_t i = 0; i < n; i++) {
		const char *v = opt[i].value;
		size_t len = opt[i].len, a = 0;

		if (len && !v)
			return -EBADMSG;
		while (a < len) {
			size_t b = a;

			while (b < len && v[b] != '/')
				b++;
			if (b > a) {
				size_t sl = b - a;

				if (memchr(v + a, '\0', sl) ||
				    (sl == 1 && v[a] == '.') ||
				    (sl == 2 && v[a] == '.' && v[a + 1] == '.'))
					return -EBADMSG;
				if (r->n_loc == REG_LOCATION_MAX_SEGMENTS ||
				    used + sl + 1 > sizeof(r->loc_buf))
					return -EBADMSG;
				memcpy(r->loc_buf + used, v + a, sl);
				r->loc_buf[used + sl] = '\0';
				r->loc[r->n_loc++] = r->loc_buf + used;
				used += sl + 1;
			}
			a = b + 1;
		}
	}
	if (r->n_loc == 0)
		return -EBADMSG;
	for (size_t i = 0; i < r->n_loc; i++) {
		size_t sl = strlen(r->loc[i]);

		r->loc_str[slen++] = '/';
		memcpy(r->loc_str + slen, r->loc[i], sl);
		slen += sl;
	}
	r->loc_str[slen] = '\0';
	return 0;
}

/* Keeps what the server now knows; the payload is swapped, not copied. */
static void commit_sent(struct reg *r)
{
	r->reg_lifetime = r->sent_lifetime;
	memcpy(r->reg_binding, r->sent_binding, sizeof(r->reg_binding));
	if (r->sent_payload) {
		char *old = r->reg_payload;
		size_t oldcap = r->reg_pcap;

		r->reg_payload = r->pbuf;
		r->reg_pcap = r->pcap;
		r->reg_payload_len = r->plen;
		r->pbuf = old;
		r->pcap = oldcap;
	}
}

static void send_update(struct reg *r);

/* After a 2.01 or 2.04: arm the timers, then send what changed since. */
static void now_registered(struct reg *r)
{
	uint64_t d = update_delay_ms(r->reg_lifetime);

	set_state(r, REG_STATE_REGISTERED);
	if (d)
		arm(r, &r->timer, &r->timer_due, d);
	else
		disarm(r, &r->timer, &r->timer_due);
	if (reg_binding_queue(r, r->reg_binding))
		arm(r, &r->qtimer, &r->qtimer_due, r->cfg.queue_timeout_ms);
	if (r->update_wanted || r->lifetime != r->reg_lifetime ||
	    strcmp(r->binding, r->reg_binding) != 0)
		send_update(r);
}

/* ---- Update -------------------------------------------------------- */

static void send_update(struct reg *r)
{
	struct reg_query q;
	bool send_lt, send_b;
	int ret;

	if (r->cfg.version == REG_LWM2M_1_1 &&
	    reg_binding_queue(r, r->binding) !=
		    reg_binding_queue(r, r->reg_binding)) {
		log_info("server %u: queue mode changed: registering again",
			 r->cfg.short_server_id);
		do_register(r);
		return;
	}
	r->from_sleep = r->state == REG_STATE_SLEEPING;
	r->update_wanted = false;
	cancel_pending(r);
	disarm(r, &r->timer, &r->timer_due);
	disarm(r, &r->qtimer, &r->qtimer_due);
	set_state(r, REG_STATE_UPDATING);
	send_lt = r->lifetime != r->reg_lifetime;
	send_b = strcmp(r->binding, r->reg_binding) != 0;
	ret = build_payload(r);
	if (ret == 0) {
		r->sent_payload = r->plen != r->reg_payload_len ||
				  memcmp(r->pbuf, r->reg_payload, r->plen) != 0;
		ret = reg_query_update(&q, r->cfg.version, send_lt, r->lifetime,
				       send_b, r->binding);
	}
	if (ret == 0) {
		r->sent_lifetime = r->lifetime;
		memcpy(r->sent_binding, r->binding, sizeof(r->binding));
		r->cnt.updates_sent++;
		ret = send_request(r, REG_OP_UPDATE, REG_METHOD_POST, r->loc,
				   r->n_loc, &q,
				   r->sent_payload ? r->pbuf : NULL,
				   r->sent_payload ? r->plen : 0);
	}
	if (ret < 0) {
		r->cnt.failures++;
		log_warnx("server %u: update failed (%s): registering again",
			  r->cfg.short_server_id, strerror(-ret));
		do_register(r);
	}
}

/* ---- De-register --------------------------------------------------- */

static void finish_dereg(struct reg *r)
{
	clear_location(r);
	cancel_pending(r);
	disarm_all(r);
	r->asleep = false;
	if (r->after_dereg == REG_STATE_DISABLED) {
		set_state(r, REG_STATE_DISABLED);
		/* Disable also disconnects the session (/1/x/4). */
		if (r->tr.reset_session)
			r->tr.reset_session(r->tr.ctx);
		arm(r, &r->timer, &r->timer_due,
		    (uint64_t)r->cfg.disable_timeout_s * 1000);
		log_info("server %u: disabled for %" PRIu32 " s",
			 r->cfg.short_server_id, r->cfg.disable_timeout_s);
		return;
	}
	set_state(r, REG_STATE_IDLE);
	if (r->hooks.stopped)
		r->hooks.stopped(r->hooks.ctx);
}

static void deregister(struct reg *r, enum reg_state after)
{
	switch (r->state) {
	case REG_STATE_REGISTERED:
	case REG_STATE_UPDATING:
	case REG_STATE_SLEEPING:
		r->after_dereg = after;
		cancel_pending(r);
		disarm_all(r);
		set_state(r, REG_STATE_DEREGISTERING);
		r->cnt.deregisters_sent++;
		if (send_request(r, REG_OP_DEREGISTER, REG_METHOD_DELETE,
				 r->loc, r->n_loc, NULL, NULL, 0) < 0)
			finish_dereg(r);
		return;
	case REG_STATE_DEREGISTERING:
		/* A stop during a Disable's De-register wins; a Disable
		 * during a stop's does not. */
		if (after == REG_STATE_IDLE)
			r->after_dereg = after;
		return;
	case REG_STATE_IDLE:
		if (after == REG_STATE_DISABLED)
			return; /* nothing to disable */
		break;
	case REG_STATE_DISABLED:
		if (after == REG_STATE_DISABLED)
			return; /* the running Disable Timeout stands */
		break;
	case REG_STATE_REGISTERING:
	case REG_STATE_BACKOFF: break;
	}
	r->after_dereg = after;
	finish_dereg(r);
}

/* ---- outcomes ------------------------------------------------------ */

static void on_outcome(struct reg *r, const struct reg_event *ev)
{
	char why[32];
	bool ok;

	r->pending = false;
	disarm(r, &r->wdog, &r->wdog_due);
	if (ev->type == REG_EV_TIMEOUT || ev->type == REG_EV_WATCHDOG) {
		r->cnt.unanswered++;
		r->cnt.consecutive_unanswered++;
		snprintf(why, sizeof(why), "no answer");
	} else {
		r->cnt.consecutive_unanswered = 0;
		if (ev->type == REG_EV_RST)
			snprintf(why, sizeof(why), "RST");
		else
			snprintf(why, sizeof(why), "%u.%02u", ev->code >> 5,
				 ev->code & 31u);
	}
	ok = ev->type == REG_EV_RESPONSE && ev->code >> 5 == 2;

	switch (r->state) {
	case REG_STATE_REGISTERING:
		if (ok && ev->code != REG_CODE_CREATED)
			ok = false;
		if (ok && store_location(r, ev->location, ev->n_location) < 0) {
			clear_location(r);
			snprintf(why, sizeof(why), "bad Location-Path");
			ok = false;
		}
		if (!ok) {
			register_failed(r, why);
			return;
		}
		r->sent_payload = true;
		commit_sent(r);
		r->cnt.attempt = 0;
		r->cnt.sequences = 0;
		r->cnt.registrations++;
		log_info("server %u: registered at %s (lifetime %" PRIu32
			 " s, binding %s)",
			 r->cfg.short_server_id, r->loc_str, r->reg_lifetime,
			 r->reg_binding);
		if (r->hooks.registered)
			r->hooks.registered(r->hooks.ctx);
		now_registered(r);
		return;
	case REG_STATE_UPDATING:
		if (!ok) {
			r->cnt.failures++;
			log_notice("server %u: update failed (%s): registering "
				   "again",
				   r->cfg.short_server_id, why);
			do_register(r);
			return;
		}
		commit_sent(r);
		if (r->from_sleep || r->asleep) {
			r->from_sleep = false;
			r->asleep = false;
			if (r->hooks.flush)
				r->hooks.flush(r->hooks.ctx);
		}
		if (r->state ==
		    REG_STATE_UPDATING) /* flush may have moved us */
			now_registered(r);
		return;
	case REG_STATE_DEREGISTERING:
		if (!ok)
			r->cnt.failures++;
		finish_dereg(r);
		return;
	case REG_STATE_IDLE:
	case REG_STATE_BACKOFF:
	case REG_STATE_REGISTERED:
	case REG_STATE_SLEEPING:
	case REG_STATE_DISABLED: return; /* nothing in flight in these states */
	}
}

/* ---- the transition function --------------------------------------- */

bool reg_is_registered(const struct reg *r)
{
	return r->state == REG_STATE_REGISTERED ||
	       r->state == REG_STATE_UPDATING || r->state == REG_STATE_SLEEPING;
}

/* A change the server must hear about by an Update. */
static void want_update(struct reg *r)
{
	if (r->state == REG_STATE_REGISTERED || r->state == REG_STATE_SLEEPING)
		send_update(r);
	else if (r->state == REG_STATE_REGISTERING ||
		 r->state == REG_STATE_UPDATING)
		r->update_wanted = true;
	/* otherwise the next Register carries it */
}

/* A value the server must hear about changed: busy states compare it when
 * they end, unregistered ones send it with the next Register. */
static void update_if_idle(struct reg *r)
{
	if (r->state == REG_STATE_REGISTERED || r->state == REG_STATE_SLEEPING)
		send_update(r);
}

static int dispatch(struct reg *r, const struct reg_event *ev)
{
	char letters[REG_BINDING_MAX + 1];
	bool q;

	switch (ev->type) {
	case REG_EV_START:
		if (r->state != REG_STATE_IDLE)
			return -EALREADY;
		r->cnt.attempt = 0;
		r->cnt.sequences = 0;
		do_register(r);
		return 0;
	case REG_EV_STOP: deregister(r, REG_STATE_IDLE); return 0;
	case REG_EV_DISABLE: deregister(r, REG_STATE_DISABLED); return 0;
	case REG_EV_RESPONSE:
	case REG_EV_TIMEOUT:
	case REG_EV_RST:
		if (!r->pending || ev->request_id != r->pending_id)
			return 0; /* cancelled or stale */
		on_outcome(r, ev);
		return 0;
	case REG_EV_WATCHDOG:
		if (!r->pending)
			return 0;
		log_notice("server %u: no outcome for request %" PRIu32
			   " after %" PRIu32 " ms",
			   r->cfg.short_server_id, r->pending_id,
			   r->cfg.exchange_timeout_ms);
		if (r->tr.cancel)
			r->tr.cancel(r->tr.ctx, r->pending_id);
		on_outcome(r, ev);
		return 0;
	case REG_EV_LIFETIME:
		/* Busy states compare again when they end (now_registered). */
		r->lifetime = ev->lifetime;
		if (r->lifetime != r->reg_lifetime)
			update_if_idle(r);
		return 0;
	case REG_EV_BINDING:
		if (reg_binding_split(ev->binding, r->cfg.version, letters,
				      &q) < 0)
			return -EINVAL;
		snprintf(r->binding, sizeof(r->binding), "%s", ev->binding);
		if (strcmp(r->binding, r->reg_binding) != 0)
			update_if_idle(r);
		return 0;
	case REG_EV_OBJECTS:
	case REG_EV_TRIGGER: want_update(r); return 0;
	case REG_EV_NEW_SESSION:
		if (reg_is_registered(r)) {
			log_info("server %u: new security context: "
				 "registering again",
				 r->cfg.short_server_id);
			do_register(r);
		}
		return 0;
	case REG_EV_WAKE:
		if (r->state == REG_STATE_SLEEPING)
			send_update(r);
		return 0;
	case REG_EV_ACTIVITY:
		if (r->state == REG_STATE_REGISTERED &&
		    reg_binding_queue(r, r->reg_binding))
			arm(r, &r->qtimer, &r->qtimer_due,
			    r->cfg.queue_timeout_ms);
		return 0;
	case REG_EV_TIMER:
		r->timer_due = UINT64_MAX;
		if (r->state == REG_STATE_BACKOFF)
			do_register(r);
		else if (r->state == REG_STATE_REGISTERED ||
			 r->state == REG_STATE_SLEEPING)
			send_update(r);
		else if (r->state == REG_STATE_DISABLED) {
			r->cnt.attempt = 0;
			r->cnt.sequences = 0;
			do_register(r);
		}
		return 0;
	case REG_EV_QUEUE_TIMER:
		r->qtimer_due = UINT64_MAX;
		if (r->state == REG_STATE_REGISTERED) {
			r->asleep = true;
			set_state(r, REG_STATE_SLEEPING);
			if (r->hooks.sleep)
				r->hooks.sleep(r->hooks.ctx);
		}
		return 0;
	}
	return -EINVAL;
}

static int handle(struct reg *r, const struct reg_event *ev, bool internal)
{
	struct queued *slot;
	int ret;

	if (!r || !ev)
		return -EINVAL;
	if ((unsigned)ev->type > REG_EV_WATCHDOG ||
	    (!internal && ev->type >= REG_EV_TIMER))
		return -EINVAL;
	if (ev->type == REG_EV_BINDING && !ev->binding)
		return -EINVAL;
	if (r->dispatching) {
		if (r->evq_len == EVQ_MAX ||
		    (ev->type == REG_EV_RESPONSE && ev->n_location) ||
		    (ev->type == REG_EV_BINDING &&
		     strlen(ev->binding) > REG_BINDING_MAX)) {
			log_warnx("server %u: event %d from a hook dropped",
				  r->cfg.short_server_id, (int)ev->type);
			return -EBUSY;
		}
		slot = &r->evq[(r->evq_head + r->evq_len++) % EVQ_MAX];
		slot->ev = *ev;
		if (ev->type == REG_EV_BINDING) {
			snprintf(slot->binding, sizeof(slot->binding), "%s",
				 ev->binding);
			slot->ev.binding = slot->binding;
		}
		return 0;
	}
	r->dispatching = true;
	ret = dispatch(r, ev);
	while (r->evq_len) {
		struct queued q = r->evq[r->evq_head];

		r->evq_head = (r->evq_head + 1) % EVQ_MAX;
		r->evq_len--;
		if (q.ev.type == REG_EV_BINDING)
			q.ev.binding = q.binding;
		(void)dispatch(r, &q.ev);
	}
	r->dispatching = false;
	return ret;
}

int reg_handle(struct reg *r, const struct reg_event *ev)
{
	return handle(r, ev, false);
}

void reg_timer_cb(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct reg *r = arg;
	struct reg_event ev = {.type = REG_EV_TIMER};

	(void)loop;
	if (t == &r->qtimer)
		ev.type = REG_EV_QUEUE_TIMER;
	else if (t == &r->wdog)
		ev.type = REG_EV_WATCHDOG;
	(void)handle(r, &ev, true);
}

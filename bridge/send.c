/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "send.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One report, made and waiting (the head may be in flight). */
struct report {
	struct report *next;
	size_t len;
	unsigned attempts; /* posts so far */
	uint8_t payload[]; /* len bytes */
};

struct send_engine {
	struct send_config cfg;
	struct send_callbacks cb;
	struct loop_timer periodic;
	struct loop_timer change; /* a report due on change */
	struct loop_timer flush;  /* sends the head: next turn, or a retry */
	struct report *head, *tail;
	size_t n_queued, queued_bytes;
	bool reachable;
	bool in_flight; /* head was posted; send_result() pending */
	bool made_once;
	uint64_t last_made_ms;
	struct send_stats stats;
};

void send_config_init(struct send_config *cfg)
{
	*cfg = (struct send_config){
		.min_interval_ms = 1000,
		.storing = true,
		.store_max_count = 64,
		.store_max_bytes = 65536,
	};
}

static void pop_head(struct send_engine *e)
{
	struct report *r = e->head;

	e->head = r->next;
	if (!e->head)
		e->tail = NULL;
	e->n_queued--;
	e->queued_bytes -= r->len;
	free(r);
}

static void lost(struct send_engine *e, size_t n, const char *why)
{
	if (n && e->cb.lost)
		e->cb.lost(e->cfg.ctx, n, why);
}

/* Drops the oldest report that is not in flight; false if there is
 * none (the queue is empty, or holds only the one in flight). */
static bool drop_oldest_waiting(struct send_engine *e)
{
	struct report **victim = e->in_flight ? &e->head->next : &e->head;
	struct report *r = *victim;

	if (!r)
		return false;
	*victim = r->next;
	if (e->tail == r)
		e->tail = victim == &e->head ? NULL : e->head;
	e->n_queued--;
	e->queued_bytes -= r->len;
	free(r);
	return true;
}

/* Drops every queued report not in flight; returns how many. */
static size_t drop_queued(struct send_engine *e)
{
	size_t n = 0;

	while (e->head && drop_oldest_waiting(e))
		n++;
	return n;
}

/* Drops the oldest reports not in flight until the bounds hold. */
static void enforce_bounds(struct send_engine *e)
{
	size_t dropped = 0;

	while ((e->n_queued > e->cfg.store_max_count ||
		e->queued_bytes > e->cfg.store_max_bytes) &&
	       e->head && drop_oldest_waiting(e)) {
		e->stats.dropped++;
		dropped++;
	}
	lost(e, dropped, "the queue is full (the oldest go first)");
}

static void schedule_flush(struct send_engine *e);

/* The head got no answer (or could not be posted): try again later, with
 * a growing pause, or give it up. */
static void unanswered(struct send_engine *e)
{
	unsigned attempts = e->head->attempts;

	if (!e->cfg.storing || attempts >= SEND_MAX_ATTEMPTS) {
		pop_head(e);
		e->stats.dropped++;
		lost(e, 1,
		     e->cfg.storing ? "no answer to any of its attempts"
				    : "no answer, and storing is off");
		schedule_flush(e);
		return;
	}
	if (e->reachable && !e->cfg.muted)
		(void)loop_timer_arm(e->cfg.loop, &e->flush,
				     1000u << (attempts - 1), 0);
}

static void schedule_flush(struct send_engine *e)
{
	if (e->reachable && !e->in_flight && e->head && !e->cfg.muted)
		(void)loop_timer_arm(e->cfg.loop, &e->flush, 0, 0);
}

static void on_flush(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct send_engine *e = arg;

	(void)loop;
	(void)t;
	if (!e->reachable || e->in_flight || !e->head || e->cfg.muted)
		return;
	e->stats.posted++;
	if (e->head->attempts++ > 0)
		e->stats.retried++;
	if (e->cb.post(e->cfg.ctx, e->head->payload, e->head->len) == 0) {
		e->in_flight = true;
		return;
	}
	unanswered(e);
}

static int make_report(struct send_engine *e)
{
	const uint8_t *payload = NULL;
	struct report *r;
	size_t len = 0;
	int rc;

	if (e->cfg.muted) {
		e->stats.muted++;
		return -EPERM;
	}
	e->made_once = true;
	e->last_made_ms = loop_now_ms(e->cfg.loop);
	if (!e->reachable && !e->cfg.storing) {
		e->stats.dropped++;
		lost(e, 1, "the server is unreachable and storing is off");
		return -ENOSPC;
	}
	if ((rc = e->cb.build(e->cfg.ctx, &payload, &len)) < 0) {
		e->stats.failed++;
		return rc;
	}
	if (len > e->cfg.store_max_bytes) {
		/* Alone over the bound: drop it, not the whole backlog. */
		e->stats.dropped++;
		lost(e, 1, "larger than notification_store_bytes");
		return -ENOSPC;
	}
	r = malloc(sizeof(*r) + len);
	if (!r) {
		e->stats.failed++;
		return -ENOMEM;
	}
	r->next = NULL;
	r->len = len;
	r->attempts = 0;
	if (len)
		memcpy(r->payload, payload, len);
	if (e->tail)
		e->tail->next = r;
	else
		e->head = r;
	e->tail = r;
	e->n_queued++;
	e->queued_bytes += len;
	e->stats.made++;
	enforce_bounds(e);
	if (e->reachable)
		schedule_flush(e);
	else if (e->cb.wakeup)
		e->cb.wakeup(e->cfg.ctx);
	return 0;
}

static void on_periodic(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	(void)make_report(arg);
}

static void on_change(struct loop *loop, struct loop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	(void)make_report(arg);
}

struct send_engine *send_new(const struct send_config *cfg)
{
	struct send_engine *e;

	if (!cfg || !cfg->loop || !cfg->cb || !cfg->cb->build ||
	    !cfg->cb->post || cfg->n_paths == 0 ||
	    cfg->n_paths > SEND_PATHS_MAX || cfg->store_max_count == 0 ||
	    cfg->store_max_bytes == 0) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->cb = *cfg->cb;
	e->cfg.cb = &e->cb;
	loop_timer_init(&e->periodic, on_periodic, e);
	loop_timer_init(&e->change, on_change, e);
	loop_timer_init(&e->flush, on_flush, e);
	if (cfg->interval_ms &&
	    loop_timer_arm(cfg->loop, &e->periodic, cfg->interval_ms,
			   cfg->interval_ms) < 0) {
		send_free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

void send_free(struct send_engine *e)
{
	if (!e)
		return;
	loop_timer_disarm(e->cfg.loop, &e->periodic);
	loop_timer_disarm(e->cfg.loop, &e->change);
	loop_timer_disarm(e->cfg.loop, &e->flush);
	while (e->head)
		pop_head(e);
	free(e);
}

void send_set_reachable(struct send_engine *e, bool reachable)
{
	e->reachable = reachable;
	schedule_flush(e);
}

void send_set_muted(struct send_engine *e, bool muted)
{
	e->cfg.muted = muted;
	if (muted) {
		size_t n = drop_queued(e);

		loop_timer_disarm(e->cfg.loop, &e->change);
		loop_timer_disarm(e->cfg.loop, &e->flush);
		e->stats.muted += n;
		lost(e, n, "Send was muted");
	}
	schedule_flush(e);
}

void send_set_storing(struct send_engine *e, bool storing)
{
	e->cfg.storing = storing;
}

void send_value_changed(struct send_engine *e, const struct path *p)
{
	uint64_t now, due;
	bool match = false;

	if (!e->cfg.on_change || e->cfg.muted ||
	    loop_timer_is_armed(&e->change))
		return;
	for (size_t i = 0; i < e->cfg.n_paths && !match; i++)
		match = path_is_within(p, &e->cfg.paths[i]) ||
			path_is_within(&e->cfg.paths[i], p);
	if (!match)
		return;
	now = loop_now_ms(e->cfg.loop);
	due = e->made_once ? e->last_made_ms + e->cfg.min_interval_ms : now;
	(void)loop_timer_arm(e->cfg.loop, &e->change, due > now ? due - now : 0,
			     0);
}

int send_now(struct send_engine *e)
{
	return make_report(e);
}

void send_result(struct send_engine *e, int code)
{
	if (!e->in_flight || !e->head)
		return;
	e->in_flight = false;
	if (code >= 0 || code == -ECONNREFUSED) {
		if (code >= 0 && code >> 5 == 2)
			e->stats.acked++;
		else
			e->stats.rejected++;
		pop_head(e);
		schedule_flush(e);
		return;
	}
	unanswered(e);
}

const struct send_stats *send_get_stats(const struct send_engine *e)
{
	return &e->stats;
}

size_t send_queued(const struct send_engine *e)
{
	return e->n_queued;
}

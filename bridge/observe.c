/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "observe.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "observe_priv.h"

void obs_config_init(struct obs_config *c)
{
	memset(c, 0, sizeof(*c));
	c->storing = true;
	c->con_interval_ms = 24ull * 3600 * 1000;
	c->store_max_count = 64;
	c->store_max_bytes = 64 * 1024;
	c->payload_initial = 1024;
	c->payload_max = 64 * 1024;
	c->max_observations = 1024;
	c->align_ms = 1000;
	c->inflight_timeout_ms = 247000;
}

static uint64_t now_ms(const struct obs_engine *e)
{
	return loop_now_ms(e->cfg.loop);
}

/* ---- the ready list -------------------------------------------------- */

/*
 * Observations due at once wait on one list served by one 0 ms timer,
 * not each on a 0 ms timer of its own: a change to 1,000 observed
 * resources in one callback then costs the loop's timer heap one entry,
 * not 1,000 insertions and removals.
 */
static void ready_remove(struct obs_engine *e, struct obs *o)
{
	if (!o->ready)
		return;
	if (o->ready_prev)
		o->ready_prev->ready_next = o->ready_next;
	else
		e->ready_head = o->ready_next;
	if (o->ready_next)
		o->ready_next->ready_prev = o->ready_prev;
	else
		e->ready_tail = o->ready_prev;
	o->ready_prev = o->ready_next = NULL;
	o->ready = false;
}

static void arm_ready_timer(struct obs_engine *e)
{
	if (!loop_timer_is_armed(&e->ready_timer) &&
	    loop_timer_arm(e->cfg.loop, &e->ready_timer, 0, 0) != 0)
		log_warnx("observe: cannot arm a timer: notifications delayed");
}

/* Queues o (if not queued already: it keeps its place). */
static void ready_push(struct obs_engine *e, struct obs *o)
{
	if (o->ready)
		return;
	o->ready = true;
	o->ready_iter = loop_wakeups(e->cfg.loop);
	o->ready_prev = e->ready_tail;
	o->ready_next = NULL;
	if (e->ready_tail)
		e->ready_tail->ready_next = o;
	else
		e->ready_head = o;
	e->ready_tail = o;
	arm_ready_timer(e);
}

/* ---- the sorted observation array ------------------------------------ */

static size_t index_of(const struct obs_engine *e, const struct obs *o)
{
	for (size_t i = oix_lower_bound(&e->ix, &o->info.path); i < e->ix.n;
	     i++)
		if (e->ix.v[i] == o)
			return i;
	return SIZE_MAX; /* not reached: every obs is in the array */
}

static void destroy_at(struct obs_engine *e, size_t i)
{
	struct obs *o = e->ix.v[i];

	ready_remove(e, o);
	loop_timer_disarm(e->cfg.loop, &o->timer);
	oix_remove_at(&e->ix, i);
	free(o->paths);
	free(o);
}

static bool token_eq(const struct obs_info *i, const uint8_t *t, size_t len)
{
	return i->token_len == len &&
	       (len == 0 || memcmp(i->token, t, len) == 0);
}

static struct obs *find_token(const struct obs_engine *e, const uint8_t *t,
			      size_t len)
{
	for (size_t i = 0; i < e->ix.n; i++)
		if (token_eq(&e->ix.v[i]->info, t, len))
			return e->ix.v[i];
	return NULL;
}

/* ---- timing ---------------------------------------------------------- */

static bool has_conditions(const struct obs *o)
{
	return (o->eff.has & ATTR_CHANGE_VALUE) &&
	       o->info.path.len >= PATH_RESOURCE;
}

static bool pmax_active(const struct obs *o)
{
	/* attrs_resolve() already dropped a pmax below pmin. */
	return (o->eff.has & ATTR_PMAX) && o->eff.pmax > 0;
}

static uint64_t pmin_at(const struct obs *o)
{
	return o->last_ms + (uint64_t)o->eff.pmin * 1000;
}

static uint64_t pmax_at(const struct obs_engine *e, const struct obs *o)
{
	uint64_t d = o->last_ms + (uint64_t)o->eff.pmax * 1000;
	uint64_t a;

	if (e->cfg.align_ms == 0)
		return d;
	a = d - d % e->cfg.align_ms;
	return a >= pmin_at(o) && a > o->last_ms ? a : d;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static bool draining(const struct obs_engine *e)
{
	return e->head != NULL;
}

/* schedule_at() without a clock reading at hand. */
#define NOW_UNKNOWN UINT64_MAX

/*
 * Plans the observation's next step: its timer for a deadline ahead, the
 * ready list for one already due, neither when there is nothing to do.
 * now: the loop clock, or NOW_UNKNOWN; the clock is then read only for a
 * deadline after o->last_ms (which is never after now): a change with
 * pmin 0 or pmin passed, the common case, is due at once without a clock
 * reading.
 */
static void schedule_at(struct obs_engine *e, struct obs *o, uint64_t now)
{
	uint64_t due = UINT64_MAX; /* 0: at once */

	if (o->recheck) {
		due = 0;
	} else if (o->in_flight) {
		due = o->inflight_ms + e->cfg.inflight_timeout_ms;
	} else if (o->end_err) {
		/* Offline or draining: obs_set_reachable(true) or the end of
		 * the backlog schedules it again. */
		if (e->reachable && !draining(e))
			due = 0;
	} else if (!e->reachable) {
		if (o->changed)
			due = pmin_at(o);
		if (pmax_active(o) && !o->catchup)
			due = min_u64(due, pmax_at(e, o));
	} else if (!draining(e)) {
		if (o->changed || o->catchup)
			due = pmin_at(o);
		if (pmax_active(o))
			due = min_u64(due, pmax_at(e, o));
	}
	if (due == UINT64_MAX) {
		ready_remove(e, o);
		loop_timer_disarm(e->cfg.loop, &o->timer);
		return;
	}
	if (due > o->last_ms && now == NOW_UNKNOWN)
		now = now_ms(e);
	if (due <= o->last_ms || due <= now) {
		loop_timer_disarm(e->cfg.loop, &o->timer);
		ready_push(e, o);
		return;
	}
	ready_remove(e, o);
	if (loop_timer_arm(e->cfg.loop, &o->timer, due - now, 0) != 0)
		log_warnx("observe: cannot arm a timer: notifications delayed");
}

static void schedule(struct obs_engine *e, struct obs *o)
{
	schedule_at(e, o, NOW_UNKNOWN);
}

static void schedule_all(struct obs_engine *e)
{
	for (size_t i = 0; i < e->ix.n; i++)
		schedule(e, e->ix.v[i]);
}

static void wake(struct obs_engine *e)
{
	if (e->woke)
		return;
	e->woke = true;
	if (e->cb.wakeup)
		e->cb.wakeup(e->cfg.ctx);
}

/* ---- values ---------------------------------------------------------- */

/* Remembers the value the server is about to see (or just saw). */
static void capture(struct obs_engine *e, struct obs *o)
{
	o->have_value = false;
	if (has_conditions(o) && e->cb.read_number &&
	    e->cb.read_number(e->cfg.ctx, &o->info.path, &o->last_value) == 0)
		o->have_value = true;
}

static bool crosses(const struct attr_set *a, double last, double v)
{
	if ((a->has & ATTR_GT) && ((last > a->gt) != (v > a->gt)))
		return true;
	if ((a->has & ATTR_LT) && ((last < a->lt) != (v < a->lt)))
		return true;
	return (a->has & ATTR_ST) && fabs(v - last) >= a->st;
}

static uint32_t next_seq(struct obs *o)
{
	o->seq = (o->seq + 1) & OBS_SEQ_MASK;
	return o->seq;
}

/* Builds into the scratch buffer, growing it on -ENOBUFS. */
static int build(struct obs_engine *e, const struct obs_info *info, size_t *len,
		 uint16_t *cf)
{
	for (;;) {
		size_t cap;
		uint8_t *b;
		int rc;

		*len = 0;
		*cf = 0;
		rc = e->cb.build(e->cfg.ctx, info, e->buf, e->buf_cap, len, cf);
		if (rc == 0)
			return *len <= e->buf_cap ? 0 : -EINVAL;
		if (rc != -ENOBUFS || e->buf_cap >= e->cfg.payload_max)
			return rc < 0 ? rc : -EINVAL;
		cap = e->buf_cap * 2;
		if (cap > e->cfg.payload_max || cap < e->buf_cap)
			cap = e->cfg.payload_max;
		b = realloc(e->buf, cap);
		if (!b)
			return -ENOMEM;
		e->buf = b;
		e->buf_cap = cap;
	}
}

/* build()'s answers that end the observation (see end() in observe.h). */
static bool gone(int rc)
{
	return rc == -ENOENT || rc == -EACCES;
}

/* ---- the store ------------------------------------------------------- */

static void pop_head(struct obs_engine *e)
{
	struct stored *s = e->head;

	e->head = s->next;
	if (!e->head)
		e->tail = NULL;
	e->st_count--;
	e->st_bytes -= s->len;
	free(s);
}

/* Drops the oldest entries while the store is over its bounds. */
static void trim(struct obs_engine *e)
{
	while (e->head && (e->st_count > e->cfg.store_max_count ||
			   e->st_bytes > e->cfg.store_max_bytes)) {
		e->flush_inflight = false; /* its obs_sent() gets -ENOENT */
		pop_head(e);
		e->stats.dropped++;
	}
}

/* Removes stored entries with this token, except an in-flight head;
 * returns how many. */
static uint64_t drop_token(struct obs_engine *e, const uint8_t *t, size_t len)
{
	struct stored **pp = &e->head, *prev = NULL;
	uint64_t k = 0;

	while (*pp) {
		struct stored *s = *pp;

		if (token_eq(&s->info, t, len) &&
		    !(s == e->head && e->flush_inflight)) {
			*pp = s->next;
			if (e->tail == s)
				e->tail = prev;
			e->st_count--;
			e->st_bytes -= s->len;
			free(s);
			k++;
			continue;
		}
		prev = s;
		pp = &s->next;
	}
	return k;
}

static void store(struct obs_engine *e, struct obs *o, uint64_t now)
{
	struct stored *s;
	size_t len;
	uint16_t cf;
	int rc;

	o->changed = false;
	o->last_ms = now;
	rc = build(e, &o->info, &len, &cf);
	if (rc == 0 && len > e->cfg.store_max_bytes) {
		/* Alone over the bound: drop it, not the whole backlog. */
		e->stats.dropped++;
		return;
	}
	if (rc == 0 && (s = malloc(sizeof(*s) + len)) != NULL) {
		s->next = NULL;
		s->info = o->info;
		s->info.paths = NULL; /* the payload is built: not needed */
		s->info.n_paths = 0;
		s->seq = next_seq(o);
		s->cf = cf;
		s->len = len;
		memcpy(s->payload, e->buf, len);
		if (e->tail)
			e->tail->next = s;
		else
			e->head = s;
		e->tail = s;
		e->st_count++;
		e->st_bytes += len;
		e->stats.stored++;
		capture(e, o);
		trim(e);
	} else if (rc == 0) {
		e->stats.dropped++;
	} else if (gone(rc)) {
		o->end_err = rc; /* sent once reachable, after the backlog */
	} else {
		e->stats.failed++;
	}
}

/* ---- sending --------------------------------------------------------- */

static void send_live(struct obs_engine *e, struct obs *o, uint64_t now)
{
	uint32_t seq;
	size_t len;
	uint16_t cf;
	bool con;
	int rc;

	o->changed = false;
	o->catchup = false;
	o->last_ms = now;
	rc = build(e, &o->info, &len, &cf);
	if (gone(rc)) {
		o->end_err = rc; /* the caller's schedule() makes it due now */
		return;
	}
	if (rc != 0) {
		e->stats.failed++;
		return;
	}
	seq = next_seq(o);
	con = e->cfg.all_con || now - o->last_con_ms >= e->cfg.con_interval_ms;
	capture(e, o);
	rc = e->cb.send(e->cfg.ctx, &o->info, seq, con, cf, e->buf, len);
	if (rc != 0) {
		e->stats.failed++;
		return;
	}
	e->stats.sent++;
	if (con) {
		o->in_flight = true;
		o->inflight_seq = seq;
		o->inflight_ms = now;
	}
}

/* The last notification of an ended observation, which is then freed. */
static void send_end(struct obs_engine *e, struct obs *o)
{
	if (e->cb.end) {
		if (e->cb.end(e->cfg.ctx, &o->info, o->end_err) == 0)
			e->stats.ended++;
		else
			e->stats.failed++;
	}
	destroy_at(e, index_of(e, o));
}

/* obs_recheck_within(): does the target still answer? */
static void recheck(struct obs_engine *e, struct obs *o)
{
	size_t len;
	uint16_t cf;
	int rc;

	o->recheck = false;
	if (o->end_err)
		return;
	rc = build(e, &o->info, &len, &cf);
	if (gone(rc))
		o->end_err = rc;
}

/* The observation's turn: from its timer or the ready list. */
static void fire(struct obs_engine *e, struct obs *o)
{
	uint64_t now = now_ms(e);
	bool due_change, due_pmax;

	if (o->recheck)
		recheck(e, o);
	if (o->end_err && !o->in_flight) {
		if (e->reachable && !draining(e)) {
			send_end(e, o);
			return;
		}
		if (!e->reachable)
			wake(e);
		schedule_at(e, o, now);
		return;
	}
	if (o->in_flight) {
		/* The guard: the owner never reported the end of the CON. */
		if (now >= o->inflight_ms + e->cfg.inflight_timeout_ms) {
			o->in_flight = false;
			e->stats.timeouts++;
		}
		schedule_at(e, o, now);
		return;
	}
	due_change = (o->changed || o->catchup) && now >= pmin_at(o);
	due_pmax = pmax_active(o) && now >= pmax_at(e, o);
	if (!e->reachable) {
		if (o->changed && now >= pmin_at(o)) {
			if (e->cfg.storing) {
				store(e, o, now);
			} else {
				o->changed = false;
				o->catchup = true;
				e->stats.dropped++;
			}
			wake(e);
		} else if (due_pmax && !o->catchup) {
			o->catchup = true;
			wake(e);
		}
	} else if (!draining(e) && (due_change || due_pmax)) {
		send_live(e, o, now);
	}
	schedule_at(e, o, now);
}

static void obs_timer_cb(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct obs *o = arg;

	(void)loop;
	(void)t;
	fire(o->e, o);
}

static void ready_timer_cb(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct obs_engine *e = arg;
	uint64_t iter = loop_wakeups(loop);
	struct obs *o;

	(void)t;
	/* Only those queued before this iteration: one queued by a callback
	 * of this iteration waits for the next, as a 0 ms timer of its own
	 * would (so a change made later in this iteration still joins its
	 * notification). */
	while ((o = e->ready_head) != NULL && o->ready_iter < iter) {
		ready_remove(e, o);
		fire(e, o);
	}
	if (e->ready_head)
		arm_ready_timer(e);
}

static void flush_timer_cb(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct obs_engine *e = arg;
	uint64_t now = now_ms(e);
	struct stored *s;
	int rc;

	(void)t;
	if (e->flush_inflight) {
		if (now < e->flush_since + e->cfg.inflight_timeout_ms) {
			loop_timer_arm(loop, &e->flush_timer,
				       e->flush_since +
					       e->cfg.inflight_timeout_ms - now,
				       0);
			return;
		}
		e->flush_inflight = false;
		e->stats.timeouts++;
		pop_head(e);
	}
	if (!e->reachable || e->flush_paused)
		return;
	s = e->head;
	if (!s) {
		schedule_all(e); /* the backlog is out: live ones may go */
		return;
	}
	rc = e->cb.send(e->cfg.ctx, &s->info, s->seq, true, s->cf, s->payload,
			s->len);
	if (rc != 0) {
		e->stats.failed++;
		e->flush_paused = true;
		return;
	}
	e->stats.flushed++;
	e->flush_inflight = true;
	e->flush_since = now;
	loop_timer_arm(loop, &e->flush_timer, e->cfg.inflight_timeout_ms, 0);
}

static void flush_soon(struct obs_engine *e)
{
	if (!e->flush_inflight)
		loop_timer_arm(e->cfg.loop, &e->flush_timer, 0, 0);
}

/* ---- the API --------------------------------------------------------- */

struct obs_engine *obs_new(const struct obs_config *c)
{
	struct obs_engine *e;

	if (!c || !c->loop || !c->cb || !c->cb->build || !c->cb->send ||
	    c->payload_initial == 0 || c->payload_initial > c->payload_max) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto fail;
	e->cfg = *c;
	e->cb = *c->cb;
	e->cfg.cb = &e->cb;
	e->buf = malloc(c->payload_initial);
	if (!e->buf)
		goto fail;
	e->buf_cap = c->payload_initial;
	e->reachable = true;
	loop_timer_init(&e->flush_timer, flush_timer_cb, e);
	loop_timer_init(&e->ready_timer, ready_timer_cb, e);
	return e;
fail:
	if (e)
		free(e->buf);
	free(e);
	errno = ENOMEM;
	return NULL;
}

void obs_free(struct obs_engine *e)
{
	if (!e)
		return;
	while (e->ix.n)
		destroy_at(e, e->ix.n - 1);
	while (e->head)
		pop_head(e);
	loop_timer_disarm(e->cfg.loop, &e->flush_timer);
	loop_timer_disarm(e->cfg.loop, &e->ready_timer);
	oix_release(&e->ix);
	free(e->buf);
	free(e);
}

/* A composite observation: the smallest pmin and the smallest pmax of
 * its paths (see obs_add_composite()). */
static void resolve_composite(struct obs_engine *e, struct obs *o)
{
	struct attr_set eff = {.has = 0};

	for (size_t i = 0; i < o->info.n_paths; i++) {
		struct attr_set a;

		attrs_resolve(e->cfg.attrs, &o->paths[i], &e->cfg.defaults, &a);
		if ((a.has & ATTR_PMIN) &&
		    (!(eff.has & ATTR_PMIN) || a.pmin < eff.pmin)) {
			eff.has |= ATTR_PMIN;
			eff.pmin = a.pmin;
		}
		if ((a.has & ATTR_PMAX) && a.pmax > 0 &&
		    (!(eff.has & ATTR_PMAX) || a.pmax < eff.pmax)) {
			eff.has |= ATTR_PMAX;
			eff.pmax = a.pmax;
		}
	}
	o->eff = eff;
}

static void resolve(struct obs_engine *e, struct obs *o)
{
	if (o->paths)
		resolve_composite(e, o);
	else
		attrs_resolve(e->cfg.attrs, &o->info.path, &e->cfg.defaults,
			      &o->eff);
}

/* obs_add() and obs_add_composite(): paths (n of them, copied into
 * *owned by the caller; NULL for a single path) or path. */
static int add(struct obs_engine *e, const uint8_t *token, size_t token_len,
	       const struct path *path, struct path *owned, size_t n,
	       int32_t accept, uint32_t *seq)
{
	uint64_t now;
	struct obs *o;
	int rc;

	now = now_ms(e);
	o = find_token(e, token, token_len);
	if (o) {
		/* Same token: the same entry, observing anew (RFC 7641). */
		oix_remove_at(&e->ix, index_of(e, o));
		free(o->paths);
		o->paths = NULL;
	} else {
		if (e->ix.n >= e->cfg.max_observations) {
			free(owned);
			return -ENOSPC;
		}
		o = calloc(1, sizeof(*o));
		if (!o) {
			free(owned);
			return -ENOMEM;
		}
		o->e = e;
		o->seq = OBS_SEQ_MASK; /* the answer gets 0 */
		o->last_con_ms = now;
		if (token_len)
			memcpy(o->info.token, token, token_len);
		o->info.token_len = (uint8_t)token_len;
		loop_timer_init(&o->timer, obs_timer_cb, o);
	}
	o->paths = owned;
	o->info.paths = owned;
	o->info.n_paths = owned ? n : 0;
	o->info.path = owned ? path_root() : *path;
	o->info.accept = accept;
	o->last_ms = now;
	o->changed = false;
	o->catchup = false;
	o->recheck = false;
	o->end_err = 0;
	rc = oix_insert(&e->ix, o, &o->info.path);
	if (rc != 0) {
		/* The index could not grow (out of memory).  o is not on the
		 * ready list today (a new entry never is, and a replaced one
		 * left its slot, so there was room), but unlink it anyway
		 * rather than rely on that. */
		ready_remove(e, o);
		loop_timer_disarm(e->cfg.loop, &o->timer);
		free(o->paths);
		free(o);
		return rc;
	}
	resolve(e, o);
	capture(e, o);
	if (seq)
		*seq = next_seq(o);
	schedule(e, o);
	return 0;
}

int obs_add(struct obs_engine *e, const uint8_t *token, size_t token_len,
	    const struct path *path, int32_t accept, uint32_t *seq)
{
	if (!e || token_len > OBS_TOKEN_MAX || (token_len && !token) || !path ||
	    path->len < PATH_OBJECT || path->len > PATH_RESOURCE_INSTANCE)
		return -EINVAL;
	return add(e, token, token_len, path, NULL, 0, accept, seq);
}

int obs_add_composite(struct obs_engine *e, const uint8_t *token,
		      size_t token_len, const struct path *paths, size_t n,
		      int32_t accept, uint32_t *seq)
{
	struct path *owned;

	if (!e || token_len > OBS_TOKEN_MAX || (token_len && !token) ||
	    !paths || n == 0 || n > OBS_COMPOSITE_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (paths[i].len < PATH_OBJECT ||
		    paths[i].len > PATH_RESOURCE_INSTANCE)
			return -EINVAL;
	owned = malloc(n * sizeof(*owned));
	if (!owned)
		return -ENOMEM;
	memcpy(owned, paths, n * sizeof(*owned));
	return add(e, token, token_len, NULL, owned, n, accept, seq);
}

int obs_cancel(struct obs_engine *e, const uint8_t *token, size_t token_len)
{
	struct obs *o;

	if (!e || (token_len && !token))
		return -ENOENT;
	e->stats.dropped += drop_token(e, token, token_len);
	o = find_token(e, token, token_len);
	if (!o)
		return -ENOENT;
	destroy_at(e, index_of(e, o));
	e->stats.cancelled++;
	return 0;
}

size_t obs_cancel_within(struct obs_engine *e, const struct path *path)
{
	size_t i, k = 0;

	if (!e || !path)
		return 0;
	i = oix_lower_bound(&e->ix, path);
	while (i < e->ix.n && oix_within(&e->ix, i, path)) {
		destroy_at(e, i);
		k++;
	}
	return k;
}

size_t obs_recheck_within(struct obs_engine *e, const struct path *path)
{
	size_t i, k = 0;

	if (!e || !path || path->len > PATH_MAX_DEPTH)
		return 0;
	/* Composite observations (root path) are within only the root. */
	for (i = oix_lower_bound(&e->ix, path);
	     i < e->ix.n && oix_within(&e->ix, i, path); i++) {
		struct obs *o = e->ix.v[i];

		if (o->paths || o->end_err)
			continue;
		o->recheck = true;
		schedule(e, o);
		k++;
	}
	return k;
}

/* True if a change at path matches one of a composite observation's
 * paths (above or below it, as for a plain observation). */
static bool composite_matches(const struct obs *o, const struct path *path)
{
	for (size_t i = 0; i < o->info.n_paths; i++)
		if (path_is_within(path, &o->paths[i]) ||
		    path_is_within(&o->paths[i], path))
			return true;
	return false;
}

static void on_change(struct obs_engine *e, struct obs *o)
{
	double v;

	if (has_conditions(o) && o->have_value && e->cb.read_number &&
	    e->cb.read_number(e->cfg.ctx, &o->info.path, &v) == 0 &&
	    !crosses(&o->eff, o->last_value, v))
		return;
	if (o->changed) {
		e->stats.coalesced++;
		return;
	}
	o->changed = true;
	if (!o->in_flight)
		schedule(e, o);
}

void obs_value_changed(struct obs_engine *e, const struct path *path)
{
	struct path prefix = path_root();
	size_t i;

	if (!e || !path || path->len > PATH_MAX_DEPTH)
		return;
	/* Composite observations sort first (their path is the root). */
	for (i = 0; i < e->ix.n && oix_is_root(&e->ix, i); i++)
		if (composite_matches(e->ix.v[i], path))
			on_change(e, e->ix.v[i]);
	/* Observations of path and below it: one run. */
	for (i = oix_lower_bound(&e->ix, path);
	     i < e->ix.n && oix_within(&e->ix, i, path); i++)
		if (!oix_is_root(&e->ix, i))
			on_change(e, e->ix.v[i]);
	/* Observations strictly above it: one run per ancestor. */
	for (uint8_t d = 0; d + 1 < path->len; d++) {
		prefix.ids[d] = path->ids[d];
		prefix.len = (uint8_t)(d + 1);
		if (e->ix.n_depth[prefix.len] == 0)
			continue;
		for (i = oix_lower_bound(&e->ix, &prefix);
		     i < e->ix.n && oix_equal(&e->ix, i, &prefix); i++)
			on_change(e, e->ix.v[i]);
	}
}

int obs_sent(struct obs_engine *e, const uint8_t *token, size_t token_len,
	     uint32_t seq, int result)
{
	struct obs *o;

	if (!e || (token_len && !token))
		return -ENOENT;
	if (e->flush_inflight && token_eq(&e->head->info, token, token_len) &&
	    e->head->seq == seq) {
		e->flush_inflight = false;
		pop_head(e);
		if (result == -ECONNRESET) {
			e->stats.dropped += drop_token(e, token, token_len);
			o = find_token(e, token, token_len);
			if (o) {
				destroy_at(e, index_of(e, o));
				e->stats.cancelled++;
			}
		} else if (result != 0) {
			e->stats.timeouts++;
		}
		flush_soon(e);
		return 0;
	}
	o = find_token(e, token, token_len);
	if (!o || !o->in_flight || o->inflight_seq != seq)
		return -ENOENT;
	o->in_flight = false;
	if (result == -ECONNRESET) {
		destroy_at(e, index_of(e, o));
		e->stats.cancelled++;
		return 0;
	}
	if (result == 0)
		o->last_con_ms = now_ms(e);
	else
		e->stats.timeouts++;
	schedule(e, o);
	return 0;
}

void obs_set_reachable(struct obs_engine *e, bool reachable)
{
	if (!e)
		return;
	if (!reachable) {
		if (!e->reachable)
			return;
		e->reachable = false;
		e->woke = false;
		if (!e->flush_inflight)
			loop_timer_disarm(e->cfg.loop, &e->flush_timer);
		schedule_all(e);
		return;
	}
	e->reachable = true;
	e->flush_paused = false;
	if (draining(e))
		flush_soon(e);
	else
		schedule_all(e);
}

void obs_set_storing(struct obs_engine *e, bool storing)
{
	if (e)
		e->cfg.storing = storing;
}

void obs_attrs_changed(struct obs_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->ix.n; i++) {
		struct obs *o = e->ix.v[i];

		resolve(e, o);
		/* New gt/lt/st compare against the value of now: the one
		 * last notified is not known any more. */
		if (!o->have_value)
			capture(e, o);
		schedule(e, o);
	}
}

void obs_set_defaults(struct obs_engine *e, const struct attr_set *d)
{
	if (!e)
		return;
	memset(&e->cfg.defaults, 0, sizeof(e->cfg.defaults));
	if (d)
		e->cfg.defaults = *d;
	obs_attrs_changed(e);
}

void obs_registration_reset(struct obs_engine *e)
{
	if (!e)
		return;
	while (e->ix.n)
		destroy_at(e, e->ix.n - 1);
	/* The old exchange died with the old session: send the head again. */
	e->flush_inflight = false;
	loop_timer_disarm(e->cfg.loop, &e->flush_timer);
	if (e->reachable && draining(e) && !e->flush_paused)
		flush_soon(e);
}

size_t obs_count(const struct obs_engine *e)
{
	return e ? e->ix.n : 0;
}

size_t obs_stored(const struct obs_engine *e, size_t *bytes)
{
	if (bytes)
		*bytes = e ? e->st_bytes : 0;
	return e ? e->st_count : 0;
}

void obs_get_stats(const struct obs_engine *e, struct obs_stats *out)
{
	if (e)
		*out = e->stats;
	else
		memset(out, 0, sizeof(*out));
}

int obs_get_attrs(const struct obs_engine *e, const uint8_t *token,
		  size_t token_len, struct attr_set *out)
{
	const struct obs *o;

	if (!e || (token_len && !token))
		return -ENOENT;
	o = find_token(e, token, token_len);
	if (!o)
		return -ENOENT;
	*out = o->eff;
	return 0;
}

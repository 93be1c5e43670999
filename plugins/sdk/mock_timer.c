/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock's fake monotonic clock and its timers.  A plain list: tests
 * hold a handful of timers, and each firing rescans it, which keeps
 * callbacks free to stop, re-arm or free any timer, their own included.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "mock_priv.h"

/* A plugin whose callback re-arms its timer with delay 0 would make
 * advance() spin forever; past this many callbacks it is reported. */
#define MAX_FIRES_PER_ADVANCE 1000000

/* Whether timer is one of this mock's live timers (a plugin could hand
 * us a freed or foreign pointer: look it up before touching it). */
static bool owned(const struct lwb_mock *mock, const struct lwb_timer *timer)
{
	for (const struct lwb_timer *t = mock->timers; t; t = t->next)
		if (t == timer)
			return true;
	return false;
}

static void unlink_timer(struct lwb_mock *mock, struct lwb_timer *timer)
{
	for (struct lwb_timer **pp = &mock->timers; *pp; pp = &(*pp)->next)
		if (*pp == timer) {
			*pp = timer->next;
			return;
		}
}

struct lwb_timer *mock_timer_new(struct lwb_host *host, lwb_timer_fn cb,
				 void *arg)
{
	struct lwb_mock *mock = mock_of(host);
	struct lwb_timer *t;
	int err;

	mock_check_thread(mock, "timer_new");
	if (mock_should_fail(mock, "timer_new", &err)) {
		errno = -err;
		return NULL;
	}
	if (!cb) {
		mock_misuse(mock, "timer_new with a NULL callback");
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->mock = mock;
	t->cb = cb;
	t->arg = arg;
	t->next = mock->timers;
	mock->timers = t;
	return t;
}

int mock_timer_start(struct lwb_host *host, struct lwb_timer *timer,
		     uint64_t delay_ms, uint64_t period_ms)
{
	struct lwb_mock *mock = mock_of(host);
	int err;

	mock_check_thread(mock, "timer_start");
	if (!owned(mock, timer)) {
		mock_misuse(mock, "timer_start of a timer not this plugin's");
		return -EINVAL;
	}
	if (mock_should_fail(mock, "timer_start", &err))
		return err;
	timer->deadline = delay_ms > UINT64_MAX - mock->now
				  ? UINT64_MAX
				  : mock->now + delay_ms;
	timer->period = period_ms;
	timer->seq = mock->timer_seq++;
	timer->armed = true;
	return 0;
}

void mock_timer_stop(struct lwb_host *host, struct lwb_timer *timer)
{
	struct lwb_mock *mock = mock_of(host);

	mock_check_thread(mock, "timer_stop");
	if (!owned(mock, timer)) {
		mock_misuse(mock, "timer_stop of a timer not this plugin's");
		return;
	}
	timer->armed = false;
}

void mock_timer_free(struct lwb_host *host, struct lwb_timer *timer)
{
	struct lwb_mock *mock = mock_of(host);

	mock_check_thread(mock, "timer_free");
	if (!timer)
		return;
	if (!owned(mock, timer)) {
		mock_misuse(mock, "timer_free of a timer not this plugin's");
		return;
	}
	unlink_timer(mock, timer);
	timer->armed = false;
	if (timer->running)
		timer->dead = true; /* advance() frees it when cb returns */
	else
		free(timer);
}

uint64_t mock_now_ms(struct lwb_host *host)
{
	mock_check_thread(mock_of(host), "now_ms");
	return mock_of(host)->now;
}

uint64_t lwb_mock_now_ms(const struct lwb_mock *mock)
{
	return mock->now;
}

/* The armed timer due first (deadline, then arming order), if due by
 * limit. */
static struct lwb_timer *next_due(const struct lwb_mock *mock, uint64_t limit)
{
	struct lwb_timer *best = NULL;

	for (struct lwb_timer *t = mock->timers; t; t = t->next) {
		if (!t->armed || t->deadline > limit)
			continue;
		if (!best || t->deadline < best->deadline ||
		    (t->deadline == best->deadline && t->seq < best->seq))
			best = t;
	}
	return best;
}

int lwb_mock_advance(struct lwb_mock *mock, uint64_t ms)
{
	uint64_t target =
		ms > UINT64_MAX - mock->now ? UINT64_MAX : mock->now + ms;
	struct lwb_timer *t;
	int fired = 0;

	while ((t = next_due(mock, target)) != NULL) {
		if (fired == MAX_FIRES_PER_ADVANCE) {
			mock_misuse(mock,
				    "timers fired %d times in one advance",
				    fired);
			break;
		}
		mock->now = t->deadline;
		if (t->period > 0 && t->deadline <= UINT64_MAX - t->period) {
			t->deadline += t->period;
			t->seq = mock->timer_seq++;
		} else {
			t->armed = false;
		}
		t->running = true;
		t->cb(t, t->arg);
		t->running = false;
		if (t->dead)
			free(t);
		fired++;
	}
	mock->now = target;
	return fired;
}

void mock_timers_clear(struct lwb_mock *mock)
{
	struct lwb_timer *t, *next;

	for (t = mock->timers; t; t = next) {
		next = t->next;
		free(t);
	}
	mock->timers = NULL;
}

size_t lwb_mock_timer_count(const struct lwb_mock *mock)
{
	size_t n = 0;

	for (const struct lwb_timer *t = mock->timers; t; t = t->next)
		n++;
	return n;
}

size_t lwb_mock_timer_armed_count(const struct lwb_mock *mock)
{
	size_t n = 0;

	for (const struct lwb_timer *t = mock->timers; t; t = t->next)
		n += t->armed;
	return n;
}

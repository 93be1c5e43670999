/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timers: a binary min-heap of pointers to caller-owned struct loop_timer,
 * ordered by (deadline, arming sequence).  Each timer stores its heap index,
 * so disarm and re-arm are O(log n) without searching.  The sequence number
 * makes ties fire in arming order and lets an iteration tell the timers
 * armed before it started from those armed by its own callbacks.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "loop.h"
#include "loop_priv.h"

#define UNARMED	     SIZE_MAX
#define HEAP_MIN_CAP 16

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static bool before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->deadline_us < b->deadline_us ||
	       (a->deadline_us == b->deadline_us && a->seq < b->seq);
}

static void place(struct loop *loop, size_t i, struct loop_timer *t)
{
	loop->heap[i] = t;
	t->heap_idx = i;
}

static void sift_up(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(t, loop->heap[parent]))
			break;
		place(loop, i, loop->heap[parent]);
		i = parent;
	}
	place(loop, i, t);
}

static void sift_down(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];
	size_t n = loop->heap_len;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && before(loop->heap[c + 1], loop->heap[c]))
			c++;
		if (!before(loop->heap[c], t))
			break;
		place(loop, i, loop->heap[c]);
		i = c;
	}
	place(loop, i, t);
}

/* Restores heap order after the key of the timer at i changed. */
static void heap_fix(struct loop *loop, size_t i)
{
	if (i > 0 && before(loop->heap[i], loop->heap[(i - 1) / 2]))
		sift_up(loop, i);
	else
		sift_down(loop, i);
}

static void heap_remove(struct loop *loop, struct loop_timer *t)
{
	size_t i = t->heap_idx;
	struct loop_timer *last = loop->heap[--loop->heap_len];

	t->heap_idx = UNARMED;
	if (last == t)
		return;
	place(loop, i, last);
	heap_fix(loop, i);
}

static int heap_reserve(struct loop *loop)
{
	size_t cap;
	struct loop_timer **h;

	if (loop->heap_len < loop->heap_cap)
		return 0;
	cap = loop->heap_cap ? loop->heap_cap * 2 : HEAP_MIN_CAP;
	if (cap > SIZE_MAX / sizeof(*h))
		return -ENOMEM;
	h = realloc(loop->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	loop->heap = h;
	loop->heap_cap = cap;
	return 0;
}

/* True when timer sits in this loop's heap. */
static bool owned(const struct loop *loop, const struct loop_timer *t)
{
	return t->heap_idx < loop->heap_len && loop->heap[t->heap_idx] == t;
}

void loop_timer_init(struct loop_timer *timer, loop_timer_fn cb, void *arg)
{
	*timer = (struct loop_timer)LOOP_TIMER_INITIALIZER(cb, arg);
}

bool loop_timer_is_armed(const struct loop_timer *timer)
{
	return timer->heap_idx != UNARMED;
}

int loop_timer_arm(struct loop *loop, struct loop_timer *timer,
		   uint64_t delay_ms, uint64_t period_ms)
{
	int r;

	if (!timer->cb)
		return -EINVAL;
	if (timer->heap_idx != UNARMED && !owned(loop, timer))
		return -EBUSY;
	if (timer->heap_idx == UNARMED) {
		r = heap_reserve(loop);
		if (r)
			return r;
		place(loop, loop->heap_len++, timer);
	}
	timer->deadline_us =
		sat_add(loop_now_us(loop), sat_mul(delay_ms, 1000));
	timer->period_us = sat_mul(period_ms, 1000);
	timer->seq = loop->next_seq++;
	heap_fix(loop, timer->heap_idx);
	return 0;
}

void loop_timer_disarm(struct loop *loop, struct loop_timer *timer)
{
	if (owned(loop, timer))
		heap_remove(loop, timer);
}

int64_t loop_next_timeout_us(const struct loop *loop)
{
	uint64_t deadline, now;

	if (!loop->heap_len)
		return -1;
	deadline = loop->heap[0]->deadline_us;
	now = loop_now_us(loop);
	if (deadline <= now)
		return 0;
	return deadline - now > INT64_MAX ? INT64_MAX
					  : (int64_t)(deadline - now);
}

int loop_next_timeout_ms(const struct loop *loop)
{
	int64_t us = loop_next_timeout_us(loop);
	int64_t ms = us <= 0 ? us : us / 1000 + (us % 1000 != 0);

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* The first deadline on the grid deadline + k * period that is after now:
 * keeps the cadence and skips the periods the loop missed. */
static uint64_t next_deadline(uint64_t deadline, uint64_t period, uint64_t now)
{
	uint64_t next = sat_add(deadline, period);

	if (next <= now)
		next = sat_add(next,
			       sat_mul((now - next) / period + 1, period));
	return next;
}

void loop_timers_run_due(struct loop *loop)
{
	uint64_t now, first_new;

	if (!loop->heap_len)
		return;
	now = loop_now_us(loop);
	/* Everything armed during this iteration waits for the next one,
	 * whether an fd callback, posted work or a timer below armed it. */
	first_new = loop->iter_first_seq;
	/*
	 * Timers armed by callbacks get seq >= first_new and a deadline
	 * >= now (the clock is monotonic), so they sort after every timer
	 * that was already due: meeting one at the top means we are done,
	 * and a timer re-arming itself with delay 0 cannot spin here.
	 */
	while (loop->heap_len) {
		struct loop_timer *t = loop->heap[0];
		loop_timer_fn cb;
		void *arg;

		if (t->deadline_us > now || t->seq >= first_new)
			break;
		/* Reschedule or unlink before the callback, which may re-arm,
		 * disarm, or disarm and free the timer: never touch t after. */
		if (t->period_us) {
			t->deadline_us = next_deadline(t->deadline_us,
						       t->period_us, now);
			t->seq = loop->next_seq++;
			sift_down(loop, 0);
		} else {
			heap_remove(loop, t);
		}
		cb = t->cb;
		arg = t->arg;
		loop->dispatched++;
		cb(loop, t, arg);
	}
}

void loop_timers_release(struct loop *loop)
{
	for (size_t i = 0; i < loop->heap_len; i++)
		loop->heap[i]->heap_idx = UNARMED;
	free(loop->heap);
	loop->heap = NULL;
	loop->heap_len = 0;
	loop->heap_cap = 0;
}

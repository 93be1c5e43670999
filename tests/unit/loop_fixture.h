/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by test_loop.c and test_loop_timer.c: a loop on a fake clock
 * (cmocka setup/teardown), pipe helpers, and probes that record what
 * timer and fd callbacks saw.  Include after <cmocka.h>.
 */
#ifndef TEST_LOOP_FIXTURE_H
#define TEST_LOOP_FIXTURE_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixture: a loop on a fake clock --------------------------------- */

struct fx {
	struct loop *loop;
	uint64_t now_us;
	int order[512]; /* ids of fired timers, in firing order */
	size_t norder;
};

static inline uint64_t fake_now(void *ctx)
{
	return *(const uint64_t *)ctx;
}

static inline int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct loop_clock clock;

	if (!fx)
		return -1;
	fx->loop = loop_new();
	if (!fx->loop) {
		free(fx);
		return -1;
	}
	fx->now_us = 1000000000u; /* t = 1000 s: not zero on purpose */
	clock.now_us = fake_now;
	clock.ctx = &fx->now_us;
	if (loop_set_clock(fx->loop, &clock) != 0)
		return -1;
	*state = fx;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *fx = *state;

	loop_free(fx->loop);
	free(fx);
	return 0;
}

static inline void advance_ms(struct fx *fx, uint64_t ms)
{
	fx->now_us += ms * 1000;
}

static inline void make_pipe(int p[2])
{
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
}

static inline void put_byte(int fd)
{
	assert_int_equal(write(fd, "x", 1), 1);
}

/* ---- probes ---------------------------------------------------------- */

struct tprobe {
	struct loop_timer t;
	struct fx *fx;
	int id;
	int fired;
	bool armed_in_cb;
	void (*action)(struct tprobe *p);
	struct tprobe *other;
	int limit;
};

static inline void tprobe_cb(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct tprobe *p = arg;

	assert_ptr_equal(loop, p->fx->loop);
	assert_ptr_equal(t, &p->t);
	p->fired++;
	p->armed_in_cb = loop_timer_is_armed(t);
	if (p->fx->norder < ARRAY_SIZE(p->fx->order))
		p->fx->order[p->fx->norder++] = p->id;
	if (p->action)
		p->action(p);
}

static inline void tprobe_init(struct tprobe *p, struct fx *fx, int id)
{
	memset(p, 0, sizeof(*p));
	p->fx = fx;
	p->id = id;
	loop_timer_init(&p->t, tprobe_cb, p);
}

struct fprobe {
	struct loop *loop;
	int fd;
	int calls;
	int seen_fd;
	unsigned int last;
	bool drain;
	void (*action)(struct fprobe *p);
	struct fprobe *other;
	struct fprobe *spare;
};

static inline void fprobe_cb(int fd, unsigned int revents, void *arg)
{
	struct fprobe *p = arg;
	char buf[64];

	p->calls++;
	p->seen_fd = fd;
	p->last = revents;
	if (p->drain && (revents & LOOP_READ))
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	if (p->action)
		p->action(p);
}

static inline void fprobe_init(struct fprobe *p, struct loop *loop, int fd)
{
	memset(p, 0, sizeof(*p));
	p->loop = loop;
	p->fd = fd;
}

static inline void stop_with_5(struct loop *loop, struct loop_timer *t,
			       void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(loop, 5);
}

#endif

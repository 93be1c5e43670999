/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by loop.c, loop_timer.c, loop_post.c and loop_signal.c.
 * Nothing outside bridge/loop*.c includes this.
 */
#ifndef BRIDGE_LOOP_PRIV_H
#define BRIDGE_LOOP_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

/*
 * One slot per fd number.  gen == 0 marks a free slot; every add takes a
 * fresh generation, which also travels in the epoll event data, so an
 * event collected before a remove (or remove + re-add of the same fd
 * number) is recognised as stale and dropped.
 */
struct loop_watch {
	loop_fd_fn cb;
	void *arg;
	uint32_t gen;
	unsigned int events;
	bool internal; /* the loop's own eventfd/signalfd: not user-removable */
};

struct loop_post_item {
	struct loop_post_item *next;
	loop_work_fn fn;
	void *arg;
};

struct loop {
	int epfd;    /* the loop's own set: every watch is in it */
	int wait_fd; /* where epoll_wait blocks: epfd, or the adopted set */
	loop_epoll_fn adopted_fn; /* NULL: no set adopted */
	void *adopted_arg;
	unsigned int hidden; /* loop_adopt_hide depth */
	int evfd;
	int sigfd;
	struct loop_clock clock;

	bool no_pwait2; /* epoll_pwait2 refused (ENOSYS, a seccomp EPERM) */
	bool running;	/* inside loop_run_once: forbids re-entry */
	bool stop;
	int exit_code;
	uint64_t wakeups;
	unsigned int dispatched; /* user callbacks in this iteration */

	struct loop_watch *watch; /* indexed by fd */
	size_t nwatch;
	uint32_t next_gen;

	struct loop_timer **heap;
	size_t heap_len;
	size_t heap_cap;
	uint64_t next_seq;
	/* next_seq when the current iteration began: timers armed since
	 * (by fd, post or timer callbacks) wait for the next iteration. */
	uint64_t iter_first_seq;

	pthread_mutex_t post_lock; /* guards post_head/post_tail only */
	struct loop_post_item *post_head;
	struct loop_post_item *post_tail;

	loop_reload_fn reload;
	void *reload_arg;
};

/* The loop clock in microseconds. */
uint64_t loop_now_us(const struct loop *loop);

/* Adds one of the loop's own fds (read interest, cannot be removed by
 * loop_watch_del/mod).  Same returns as loop_watch_add. */
int loop_watch_add_internal(struct loop *loop, int fd, loop_fd_fn cb,
			    void *arg);

/* Runs the timers due now (see loop_run_once for which ones). */
void loop_timers_run_due(struct loop *loop);

/* Marks every armed timer unarmed and frees the heap. */
void loop_timers_release(struct loop *loop);

/* The eventfd callback: runs the work queued so far. arg is the loop. */
void loop_posts_on_wake(int fd, unsigned int revents, void *arg);

/* Drops queued work without running it (loop_free). */
void loop_posts_release(struct loop *loop);

#endif

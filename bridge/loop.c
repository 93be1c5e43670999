/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loop itself: creation, iterations, clock, fd watches.  Timers are in
 * loop_timer.c, cross-thread posts in loop_post.c, signals in
 * loop_signal.c.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "loop_priv.h"

/* Ready fds handled per epoll_wait; more simply wait for the next one. */
#define LOOP_BATCH 64

static uint64_t monotonic_now_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	/* Cannot fail for CLOCK_MONOTONIC with a valid pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const struct loop_clock monotonic_clock = {monotonic_now_us, NULL};

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	int err;

	if (!loop)
		return NULL;
	err = pthread_mutex_init(&loop->post_lock, NULL);
	if (err) {
		free(loop);
		errno = err;
		return NULL;
	}
	loop->epfd = -1;
	loop->evfd = -1;
	loop->sigfd = -1;
	loop->clock = monotonic_clock;
	loop->next_gen = 1;

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		err = errno;
		goto fail;
	}
	loop->wait_fd = loop->epfd;
	loop->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->evfd < 0) {
		err = errno;
		goto fail;
	}
	err = -loop_watch_add_internal(loop, loop->evfd, loop_posts_on_wake,
				       loop);
	if (err)
		goto fail;
	return loop;
fail:
	loop_free(loop);
	errno = err;
	return NULL;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	loop_posts_release(loop);
	loop_timers_release(loop);
	free(loop->watch);
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	if (loop->evfd >= 0)
		close(loop->evfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	pthread_mutex_destroy(&loop->post_lock);
	free(loop);
}

uint64_t loop_now_us(const struct loop *loop)
{
	return loop->clock.now_us(loop->clock.ctx);
}

uint64_t loop_now_ms(const struct loop *loop)
{
	return loop_now_us(loop) / 1000u;
}

int loop_set_clock(struct loop *loop, const struct loop_clock *clock)
{
	if (clock && !clock->now_us)
		return -EINVAL;
	if (loop->heap_len)
		return -EBUSY;
	loop->clock = clock ? *clock : monotonic_clock;
	return 0;
}

uint64_t loop_wakeups(const struct loop *loop)
{
	return loop->wakeups;
}

void loop_stop(struct loop *loop, int exit_code)
{
	if (loop->stop)
		return;
	loop->stop = true;
	loop->exit_code = exit_code;
}

/* ---- fd watches ----------------------------------------------------- */

static uint32_t to_epoll(unsigned int events)
{
	return ((events & LOOP_READ) ? (uint32_t)EPOLLIN : 0) |
	       ((events & LOOP_WRITE) ? (uint32_t)EPOLLOUT : 0);
}

static unsigned int from_epoll(uint32_t ev)
{
	return ((ev & EPOLLIN) ? LOOP_READ : 0) |
	       ((ev & EPOLLOUT) ? LOOP_WRITE : 0) |
	       ((ev & EPOLLERR) ? LOOP_ERROR : 0) |
	       ((ev & EPOLLHUP) ? LOOP_HANGUP : 0);
}

static uint64_t event_data(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

/* The watch of fd, or NULL when fd is not watched. */
static struct loop_watch *watch_find(struct loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->nwatch || !loop->watch[fd].gen)
		return NULL;
	return &loop->watch[fd];
}

static int watch_reserve(struct loop *loop, int fd)
{
	size_t need = (size_t)fd + 1;
	size_t n = loop->nwatch ? loop->nwatch : 16;
	struct loop_watch *w;

	if (need <= loop->nwatch)
		return 0;
	while (n < need) /* fd <= INT_MAX: cannot overflow size_t */
		n *= 2;
	w = realloc(loop->watch, n * sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w + loop->nwatch, 0, (n - loop->nwatch) * sizeof(*w));
	loop->watch = w;
	loop->nwatch = n;
	return 0;
}

static int watch_add(struct loop *loop, int fd, unsigned int events,
		     loop_fd_fn cb, void *arg, bool internal)
{
	struct epoll_event ev;
	uint32_t gen;
	int r;

	if (fd < 0)
		return -EBADF;
	if (!cb || (events & ~(LOOP_READ | LOOP_WRITE)))
		return -EINVAL;
	if (watch_find(loop, fd))
		return -EEXIST;
	r = watch_reserve(loop, fd);
	if (r)
		return r;
	gen = loop->next_gen++;
	if (!loop->next_gen)
		loop->next_gen = 1;
	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(events);
	ev.data.u64 = event_data(fd, gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -errno;
	loop->watch[fd] = (struct loop_watch){
		.cb = cb,
		.arg = arg,
		.gen = gen,
		.events = events,
		.internal = internal,
	};
	return 0;
}

int loop_watch_add(struct loop *loop, int fd, unsigned int events,
		   loop_fd_fn cb, void *arg)
{
	return watch_add(loop, fd, events, cb, arg, false);
}

int loop_watch_add_internal(struct loop *loop, int fd, loop_fd_fn cb, void *arg)
{
	return watch_add(loop, fd, LOOP_READ, cb, arg, true);
}

int loop_watch_mod(struct loop *loop, int fd, unsigned int events)
{
	struct loop_watch *w = watch_find(loop, fd);
	struct epoll_event ev;

	if (events & ~(LOOP_READ | LOOP_WRITE))
		return -EINVAL;
	if (!w || w->internal)
		return -ENOENT;
	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(events);
	ev.data.u64 = event_data(fd, w->gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
		return -errno;
	w->events = events;
	return 0;
}

int loop_watch_del(struct loop *loop, int fd)
{
	struct loop_watch *w = watch_find(loop, fd);

	if (!w || w->internal)
		return -ENOENT;
	/* EBADF/ENOENT here mean the fd was closed first and the kernel has
	 * already forgotten it: dropping our record is all that is left. */
	(void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(w, 0, sizeof(*w));
	return 0;
}

static void dispatch_fd(struct loop *loop, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	struct loop_watch *w = watch_find(loop, fd);
	unsigned int revents;
	loop_fd_fn cb;
	void *arg;

	/* Removed, or removed and re-added, earlier in this batch. */
	if (!w || w->gen != gen)
		return;
	revents =
		from_epoll(ev->events) & (w->events | LOOP_ERROR | LOOP_HANGUP);
	if (!revents)
		return;
	/* The callback may grow (move) the watch table: copy first. */
	cb = w->cb;
	arg = w->arg;
	if (!w->internal)
		loop->dispatched++;
	cb(fd, revents, arg);
}

/* ---- an adopted epoll set ------------------------------------------- */

int loop_adopt_epoll(struct loop *loop, int epfd, loop_epoll_fn fn, void *arg)
{
	struct epoll_event ev;

	if (!fn || epfd < 0 || epfd == loop->epfd)
		return -EINVAL;
	if (loop->adopted_fn)
		return -EBUSY;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = loop;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, loop->epfd, &ev) != 0)
		return -errno;
	loop->wait_fd = epfd;
	loop->adopted_fn = fn;
	loop->adopted_arg = arg;
	return 0;
}

/* (Re)registers the loop's set in the adopted one: EPOLLIN, or nothing
 * while hidden.  MOD allocates nothing: it fails only on a broken set. */
static int own_interest(struct loop *loop, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = loop;
	if (epoll_ctl(loop->wait_fd, EPOLL_CTL_MOD, loop->epfd, &ev) != 0)
		return -errno;
	return 0;
}

int loop_adopt_hide(struct loop *loop)
{
	int r;

	if (!loop->adopted_fn)
		return 0;
	if (loop->hidden == 0) {
		r = own_interest(loop, 0);
		if (r)
			return r;
	}
	loop->hidden++;
	return 0;
}

void loop_adopt_show(struct loop *loop)
{
	if (!loop->adopted_fn || loop->hidden == 0)
		return;
	if (--loop->hidden == 0 && own_interest(loop, EPOLLIN) != 0)
		log_msg(LOG_LVL_ERR, "loop",
			"cannot show the loop's fds to the adopted set");
}

void loop_release_epoll(struct loop *loop)
{
	if (!loop->adopted_fn)
		return;
	loop->hidden = 0;
	/* Fails only if the library closed its set first: then the kernel
	 * has dropped our registration already. */
	(void)epoll_ctl(loop->wait_fd, EPOLL_CTL_DEL, loop->epfd, NULL);
	loop->wait_fd = loop->epfd;
	loop->adopted_fn = NULL;
	loop->adopted_arg = NULL;
}

/*
 * A batch from the adopted set: the library's events go to its function
 * first (moved to the front of ev, in order), then the loop's own set,
 * if it was among the ready fds, is read without blocking and dispatched.
 */
static void dispatch_adopted(struct loop *loop, struct epoll_event *ev, int n)
{
	struct epoll_event own[LOOP_BATCH];
	bool own_ready = false;
	int nlib = 0, nown;

	for (int i = 0; i < n; i++) {
		if (ev[i].data.ptr == loop)
			own_ready = true;
		else
			ev[nlib++] = ev[i];
	}
	if (nlib > 0) {
		loop->dispatched++;
		loop->adopted_fn(ev, nlib, loop->adopted_arg);
	}
	if (!own_ready)
		return;
	nown = epoll_wait(loop->epfd, own, LOOP_BATCH, 0);
	/* (an error here, EINTR included, leaves the fds ready: the next
	 * iteration sees the set ready again) */
	for (int i = 0; i < nown; i++)
		dispatch_fd(loop, &own[i]);
}

/* ---- iterations ----------------------------------------------------- */

/*
 * Waits for events or until timeout_us (-1: no timeout).  Timers are kept
 * in microseconds, and a millisecond timeout rounded up wakes the loop up
 * to a millisecond late: a 1 ms periodic timer (the sim plugin's spread
 * slots) then found its next deadline passed too and lost about one tick in
 * four.  epoll_pwait2 (Linux 5.11) takes the deadline to the microsecond;
 * where libc lacks it, or the kernel (OpenWrt 22.03's 5.10) or a seccomp
 * filter returning an errno refuses it, epoll_wait with the timeout
 * rounded up to whole milliseconds, as before: timers of a few ms or more
 * keep their cadence, a 1 ms periodic timer skips some periods.  A jail
 * that kills on unknown system calls must allow epoll_pwait2.
 */
static int wait_events(struct loop *loop, struct epoll_event *ev,
		       int64_t timeout_us)
{
	int64_t ms;

#ifdef HAVE_EPOLL_PWAIT2
	/* (the cap of the millisecond wait: a saturated deadline would
	 * overflow a 32-bit time_t and fail with EINVAL) */
	if (timeout_us > (int64_t)INT_MAX * 1000)
		timeout_us = (int64_t)INT_MAX * 1000;
	if (!loop->no_pwait2) {
		struct timespec ts = {
			.tv_sec = (time_t)(timeout_us / 1000000),
			.tv_nsec = (long)(timeout_us % 1000000) * 1000};
		int n = epoll_pwait2(loop->wait_fd, ev, LOOP_BATCH,
				     timeout_us < 0 ? NULL : &ts, NULL);

		if (n >= 0 || (errno != ENOSYS && errno != EPERM))
			return n;
		loop->no_pwait2 = true;
	}
#endif
	ms = timeout_us < 0 ? -1 : timeout_us / 1000 + (timeout_us % 1000 != 0);
	return epoll_wait(loop->wait_fd, ev, LOOP_BATCH,
			  ms > INT_MAX ? INT_MAX : (int)ms);
}

int loop_run_once(struct loop *loop, int max_wait_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	int64_t timeout;
	int n;

	if (max_wait_ms < -1)
		return -EINVAL;
	if (loop->running)
		return -EBUSY;
	timeout = loop_next_timeout_us(loop);
	if (max_wait_ms >= 0 &&
	    (timeout < 0 || timeout > (int64_t)max_wait_ms * 1000))
		timeout = (int64_t)max_wait_ms * 1000;

	loop->running = true;
	loop->dispatched = 0;
	loop->iter_first_seq = loop->next_seq;
	n = wait_events(loop, ev, timeout);
	loop->wakeups++;
	if (n < 0) {
		if (errno != EINTR) {
			n = -errno;
			goto out;
		}
		n = 0;
	}
	if (loop->adopted_fn) {
		dispatch_adopted(loop, ev, n);
	} else {
		for (int i = 0; i < n; i++)
			dispatch_fd(loop, &ev[i]);
	}
	loop_timers_run_due(loop);
	n = loop->dispatched > (unsigned int)INT_MAX ? INT_MAX
						     : (int)loop->dispatched;
out:
	loop->running = false;
	return n;
}

int loop_run(struct loop *loop)
{
	int r;

	if (loop->running)
		return -EBUSY;
	while (!loop->stop) {
		r = loop_run_once(loop, -1);
		if (r < 0)
			return r;
	}
	loop->stop = false;
	return loop->exit_code;
}

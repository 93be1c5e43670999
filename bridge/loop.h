/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's one event loop: a single thread blocked in epoll_wait(2).
 *
 * Every event source is an fd in one epoll set (sockets, GPIO line fds, a
 * signalfd, an eventfd for work posted by other threads); a library with an
 * epoll set of its own (libcoap) can have the loop block in that set
 * instead, with the loop's set inside it (loop_adopt_epoll); timers live in a
 * binary min-heap on a monotonic clock, and the epoll_wait timeout is the
 * nearest deadline.  With no timer armed the loop sleeps until an fd becomes
 * ready: idle means no wake-ups (there is no periodic tick).
 *
 * Thread rules: every function here must be called on the thread that runs
 * the loop (the "loop thread"), except loop_post(), which any thread may
 * call while the loop exists.  Callbacks always run on the loop thread, one
 * at a time; they must not block and must not call loop_run(),
 * loop_run_once() or loop_free() on their own loop.
 *
 * One iteration (loop_run_once) does, in this order: wait in epoll_wait;
 * hand the events of an adopted set to its library (loop_adopt_epoll);
 * dispatch the ready fds of that batch (posted work and signals are fds
 * too); then run the timers whose deadline has passed.
 */
#ifndef BRIDGE_LOOP_H
#define BRIDGE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct loop_timer;

/* ---- the loop ------------------------------------------------------- */

/*
 * Creates a loop using CLOCK_MONOTONIC.  Does not touch signal dispositions
 * or masks (see loop_enable_signals).  Returns NULL and sets errno (ENOMEM,
 * EMFILE, ...) on failure.  Free with loop_free().
 */
struct loop *loop_new(void);

/*
 * Frees the loop and closes the fds it created (epoll, eventfd, signalfd).
 * Accepts NULL.  Fds added with loop_watch_add() are not closed: they
 * belong to the caller.  Timers still armed are disarmed (so their memory
 * must still be valid).  Work still queued by loop_post() is dropped
 * without running its function: arg is not touched and a warning is logged;
 * callers that must release what arg owns drain the queue first with
 * loop_run_once(loop, 0).  No thread may be inside loop_post() or call it
 * later.  The signal mask and SIGPIPE disposition set by
 * loop_enable_signals() are left as they are, so a late SIGTERM cannot
 * kill the process half-way through shutdown.  Must not be called from a
 * callback of this loop.
 */
void loop_free(struct loop *loop);

/*
 * Runs iterations until loop_stop() is called, then returns the exit code
 * given to loop_stop() (the first one, if it was called several times).
 * The stop request is consumed: a later loop_run() runs again.  If
 * loop_stop() was called while no loop_run() was in progress, loop_run()
 * returns at once.  Returns -EBUSY if called from a callback of this loop,
 * or a negative errno if epoll_wait fails for a reason other than EINTR
 * (which means the loop itself is broken, e.g. -EBADF).  Pass only
 * non-negative exit codes to loop_stop() to tell the two apart.
 */
int loop_run(struct loop *loop);

/*
 * Runs one iteration: waits until an fd is ready or the nearest timer is
 * due, but at most max_wait_ms (0: do not block; -1: no limit beyond the
 * nearest timer; with no timer armed and no fd ready, -1 blocks until an
 * fd, a signal or a post wakes the loop).  Then dispatches what is ready
 * and runs the timers due at that moment.  Timers armed by callbacks during
 * this iteration never run in the same iteration, even with delay 0; work
 * posted during it never runs inside the callback that posted it (it runs
 * when the post queue's turn comes, later in this iteration or in the
 * next), and work posted by posted work waits for the next iteration: an
 * iteration always ends.
 *
 * Returns the number of callbacks run (fd, timer, posted work, reload
 * hook), -EINVAL if max_wait_ms < -1, -EBUSY if called from a callback of
 * this loop, or a negative errno from epoll_wait (EINTR is not an error: it
 * counts as an iteration with nothing ready).
 */
int loop_run_once(struct loop *loop, int max_wait_ms);

/*
 * Asks loop_run() to return exit_code once the current iteration has
 * finished dispatching (callbacks already ready in this batch still run).
 * If a stop is already pending, the earlier exit code is kept.  Loop thread
 * only: another thread stops the loop by posting a function that calls
 * loop_stop().  No callback can end the loop in any other way.
 */
void loop_stop(struct loop *loop, int exit_code);

/* Number of times epoll_wait has returned (events, timeout or EINTR) since
 * loop_new(): lets benchmarks count idle wake-ups. */
uint64_t loop_wakeups(const struct loop *loop);

/* ---- clock ---------------------------------------------------------- */

/*
 * A monotonic clock in microseconds.  now_us must never go backwards; ctx is
 * passed to it unchanged and must outlive its use by the loop.
 */
struct loop_clock {
	uint64_t (*now_us)(void *ctx);
	void *ctx;
};

/*
 * Replaces the loop's clock (copied; NULL restores CLOCK_MONOTONIC).  For
 * tests: a fake clock advanced by hand, then loop_run_once(loop, 0), fires
 * exactly the timers that became due.  Returns 0, -EINVAL if clock->now_us
 * is NULL, or -EBUSY while any timer is armed (deadlines are absolute
 * times on the old clock).
 */
int loop_set_clock(struct loop *loop, const struct loop_clock *clock);

/* The loop clock's current time in milliseconds (its epoch is arbitrary). */
uint64_t loop_now_ms(const struct loop *loop);

/*
 * The epoll_wait timeout the loop would use now: -1 when no timer is armed,
 * 0 when a timer is already due, else the time to the nearest deadline
 * rounded UP to whole milliseconds (so the loop never wakes before a
 * deadline and spins), capped at INT_MAX.
 */
int loop_next_timeout_ms(const struct loop *loop);
/* The same in microseconds, rounded up: -1, 0, or the time to the nearest
 * deadline (what the loop waits with where the kernel takes a finer
 * timeout than milliseconds). */
int64_t loop_next_timeout_us(const struct loop *loop);

/* ---- fd watches ----------------------------------------------------- */

/* Interest (events) and readiness (revents) bits.  LOOP_ERROR and
 * LOOP_HANGUP are always reported, whatever the interest. */
#define LOOP_READ   0x1u
#define LOOP_WRITE  0x2u
#define LOOP_ERROR  0x4u
#define LOOP_HANGUP 0x8u

/* revents is a non-empty mask of LOOP_READ/WRITE (only those in the
 * current interest), LOOP_ERROR and LOOP_HANGUP.  Level-triggered: a
 * callback that leaves data unread is called again next iteration. */
typedef void (*loop_fd_fn)(int fd, unsigned int revents, void *arg);

/*
 * Watches fd for events (LOOP_READ and/or LOOP_WRITE, or 0 for errors and
 * hangups only); cb(fd, revents, arg) runs on the loop thread.  The loop
 * neither owns nor closes fd.  Returns 0, -EBADF (fd < 0 or not open),
 * -EINVAL (cb NULL, unknown bits in events), -EEXIST (fd already watched),
 * -EPERM (fd does not support epoll, e.g. a regular file), -ENOMEM, or
 * another negative errno from epoll_ctl (e.g. -ENOSPC).
 */
int loop_watch_add(struct loop *loop, int fd, unsigned int events,
		   loop_fd_fn cb, void *arg);

/*
 * Changes the interest of a watched fd.  Readiness already collected in the
 * current batch is filtered by the new interest.  Returns 0, -EINVAL
 * (unknown bits), -ENOENT (fd not watched) or a negative errno from
 * epoll_ctl.
 */
int loop_watch_mod(struct loop *loop, int fd, unsigned int events);

/*
 * Stops watching fd.  Safe at any time, including from any fd callback for
 * any watch (itself too): a removed watch's callback is never called again,
 * even for events already collected in the current batch, and a new watch
 * added for the same fd number in that batch does not receive the old fd's
 * events.  Call it BEFORE close(fd): if fd was closed first the record is
 * still dropped (0 is returned), but a dup of the closed fd would keep the
 * kernel registration alive.  Returns 0 or -ENOENT (fd not watched).
 */
int loop_watch_del(struct loop *loop, int fd);

/* ---- timers --------------------------------------------------------- */

typedef void (*loop_timer_fn)(struct loop *loop, struct loop_timer *timer,
			      void *arg);

/*
 * A timer lives inside the caller's own struct: arming never allocates a
 * timer and there is no handle to dangle.  The fields are private to the
 * loop.  Rules: loop_timer_init() it once before use (or use
 * LOOP_TIMER_INITIALIZER); never re-init, copy or free it while armed
 * (disarm first; disarming inside its own callback, then freeing the
 * enclosing struct, is fine); it is armed on at most one loop at a time.
 */
struct loop_timer {
	loop_timer_fn cb;
	void *arg;
	uint64_t deadline_us;
	uint64_t period_us;
	uint64_t seq;	 /* arming order: ties on deadline_us fire FIFO */
	size_t heap_idx; /* SIZE_MAX when not armed */
};

#define LOOP_TIMER_INITIALIZER(fn_, arg_)                                      \
	{                                                                      \
		.cb = (fn_), .arg = (arg_), .heap_idx = SIZE_MAX               \
	}

/* Sets the callback and argument of an unarmed timer; it starts unarmed. */
void loop_timer_init(struct loop_timer *timer, loop_timer_fn cb, void *arg);

/*
 * Arms timer to fire delay_ms from now, then (period_ms > 0) every
 * period_ms on the cadence of the first deadline: the next deadline is the
 * previous deadline + period, not "now + period".  If the loop fell behind
 * by several periods, the timer fires once and the missed periods are
 * skipped (no burst); the next deadline stays on the original grid.
 * Re-arming an armed timer reschedules it (and it then fires after the
 * other timers due at the same time).  Timers due at the same time fire in
 * the order they were armed.  Safe from any callback, for any timer,
 * including the one whose callback is running (a periodic timer is already
 * rescheduled when its callback runs; re-arming it overrides that).
 * Times saturate instead of wrapping.  Returns 0, -EINVAL (timer has no
 * callback), -EBUSY (armed on another loop) or -ENOMEM (the heap could not
 * grow; only when arming an unarmed timer).
 */
int loop_timer_arm(struct loop *loop, struct loop_timer *timer,
		   uint64_t delay_ms, uint64_t period_ms);

/*
 * Disarms timer in O(log n); no-op when not armed (or armed on another
 * loop).  Safe from any callback, for any timer including the running one.
 * Once it returns, the loop holds no reference to timer.
 */
void loop_timer_disarm(struct loop *loop, struct loop_timer *timer);

/* True while timer is armed (a one-shot timer is no longer armed when
 * its callback runs; a periodic one still is). */
bool loop_timer_is_armed(const struct loop_timer *timer);

/* ---- work from other threads ---------------------------------------- */

typedef void (*loop_work_fn)(void *arg);

/*
 * Queues fn(arg) to run on the loop thread and wakes the loop through its
 * eventfd.  Callable from any thread, including the loop thread (the work
 * then runs in the next iteration, never inside the current callback).
 * Work runs in posting order (FIFO across all threads, as serialised by an
 * internal mutex).  The queue is an unbounded linked list: one malloc per
 * post, no back-pressure.  The loop never dereferences or frees arg:
 * ownership passes to fn when it runs; if the loop is freed first, fn is
 * not called (see loop_free).  Returns 0, -EINVAL (fn NULL) or -ENOMEM.
 * The caller must guarantee that the loop is not freed during or after the
 * call (join posting threads before loop_free()).
 */
int loop_post(struct loop *loop, loop_work_fn fn, void *arg);

/* ---- an epoll set shared with a library ------------------------------ */

struct epoll_event;

/* Receives the events of an adopted set that are the library's own:
 * n >= 1 of them, in the order epoll_wait returned them, valid during the
 * call only. */
typedef void (*loop_epoll_fn)(struct epoll_event *events, int n, void *arg);

/*
 * Makes the loop block in epfd, the epoll set of a library that keeps its
 * own sockets and timers there (libcoap: coap_context_get_coap_fd), and
 * puts the loop's own set into epfd as one more fd.  Without this, epfd
 * would be one fd in the loop's set and every event of the library would
 * cost two epoll_waits (ours, then the library's own to learn which of
 * its fds is ready); adopted, the library's events come straight out of
 * the loop's one epoll_wait, and it is the loop's own fds (signals, posts,
 * watches) that take the second, non-blocking one.
 *
 * Each iteration whose batch holds events of the library calls
 * fn(events, n, arg) once, FIRST, right after epoll_wait and before any
 * other callback, so that no callback can free what the events point to
 * before the library sees them.  The loop's own fds of the batch are then
 * collected (epoll_wait with timeout 0 on the loop's set) and dispatched
 * as usual.  fn counts as one callback in loop_run_once's result.
 *
 * The library must: tag each of its events with a data.ptr that is NULL
 * or points to one of its own objects (so never at the loop; the loop
 * tags its set's event with its own address); never wait on epfd itself
 * while it is adopted, unless the loop's set is hidden (loop_adopt_hide:
 * it would get the loop's event and take it for one of its own); and keep
 * epfd open until loop_release_epoll().  fds added
 * with loop_watch_add() stay in the loop's set, before or after adoption.
 * One adopted set per loop.  Returns 0, -EINVAL (fn NULL, epfd negative or
 * the loop's own), -EBUSY (a set is already adopted) or a negative errno
 * from epoll_ctl (-EBADF, -EINVAL: epfd is not an epoll fd, -ELOOP: epfd
 * is watched by this loop, -ENOMEM, ...).
 */
int loop_adopt_epoll(struct loop *loop, int epfd, loop_epoll_fn fn, void *arg);

/*
 * Hides the loop's own set from the adopted set, for a library call that
 * may wait on its set itself (libcoap does inside some of its functions):
 * the library then sees only its own fds, and the loop's fds that become
 * ready meanwhile are reported once loop_adopt_show() has undone the last
 * hide (level-triggered: nothing is lost).  Nests.  Returns 0 (also when no
 * set is adopted: there is nothing to hide) or a negative errno from
 * epoll_ctl; on failure the library must not be let wait.
 */
int loop_adopt_hide(struct loop *loop);

/* Undoes one successful loop_adopt_hide(). */
void loop_adopt_show(struct loop *loop);

/*
 * Undoes loop_adopt_epoll(): the loop blocks in its own set again and fn
 * is not called any more.  Call it before the library closes epfd.  Safe
 * from any callback (fn has already had the current batch's events); no-op
 * when no set is adopted.
 */
void loop_release_epoll(struct loop *loop);

/* ---- signals -------------------------------------------------------- */

typedef void (*loop_reload_fn)(void *arg);

/*
 * Makes this loop the daemon's signal handler.  Call once, from the loop
 * thread, before any other thread is started (threads inherit the mask; an
 * unblocking thread would otherwise take the default action):
 *  - blocks SIGTERM, SIGINT and SIGHUP in the calling thread
 *    (pthread_sigmask) and reads them from a signalfd in the loop;
 *  - SIGTERM or SIGINT: loop_stop(loop, 0), so loop_run() returns 0;
 *  - SIGHUP: reload(arg) on the loop thread (reload may be NULL: the signal
 *    is then only logged); several SIGHUPs arriving together coalesce;
 *  - sets SIGPIPE to SIG_IGN for the whole process: this is where the
 *    daemon ignores SIGPIPE, so a write to a closed socket returns EPIPE.
 * loop_new() does none of this, so tests and tools that create loops keep
 * their signal handling; only the daemon's main() and signal tests call
 * it.  Only one loop per process should enable signals.  Returns 0,
 * -EALREADY (already enabled on this loop) or a negative errno; on failure
 * the signal mask is restored.
 */
int loop_enable_signals(struct loop *loop, loop_reload_fn reload, void *arg);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>

#include <cmocka.h>

#include "log.h"
#include "loop_fixture.h"
#include "loop_priv.h" /* white box: only to break epoll_wait on purpose */

/* ---- basics ---------------------------------------------------------- */

static void test_new_free_idle(void **state)
{
	struct loop *loop = loop_new();
	struct loop_clock bad = {NULL, NULL};

	(void)state;
	loop_free(NULL);
	assert_non_null(loop);
	assert_int_equal(loop_wakeups(loop), 0);
	assert_int_equal(loop_next_timeout_ms(loop), -1);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(loop_wakeups(loop), 2);
	assert_int_equal(loop_run_once(loop, -2), -EINVAL);
	assert_int_equal(loop_wakeups(loop), 2);
	assert_int_equal(loop_set_clock(loop, &bad), -EINVAL);
	loop_free(loop);
}

/* ---- fd watches ------------------------------------------------------ */

static void test_fd_readable_and_hangup(void **state)
{
	struct fx *fx = *state;
	struct fprobe r;
	int p[2];

	make_pipe(p);
	fprobe_init(&r, fx->loop, p[0]);
	r.drain = true;
	assert_int_equal(
		loop_watch_add(fx->loop, p[0], LOOP_READ, fprobe_cb, &r), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(r.calls, 0);

	put_byte(p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.seen_fd, p[0]);
	assert_int_equal(r.last, LOOP_READ);
	assert_int_equal(loop_run_once(fx->loop, 0), 0); /* drained */

	/* Level-triggered: unread data is reported again. */
	r.drain = false;
	put_byte(p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(r.calls, 3);

	/* Writer gone with data left, then with nothing left. */
	close(p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(r.last, LOOP_READ | LOOP_HANGUP);
	r.drain = true;
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(r.last, LOOP_HANGUP);

	assert_int_equal(loop_watch_del(fx->loop, p[0]), 0);
	assert_int_equal(loop_watch_del(fx->loop, p[0]), -ENOENT);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(r.calls, 6);
	close(p[0]);
}

static void test_fd_write_mod_error(void **state)
{
	struct fx *fx = *state;
	struct fprobe w;
	int p[2];

	make_pipe(p);
	fprobe_init(&w, fx->loop, p[1]);
	assert_int_equal(
		loop_watch_add(fx->loop, p[1], LOOP_WRITE, fprobe_cb, &w), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(w.last, LOOP_WRITE);

	/* No interest: writable is no longer reported. */
	assert_int_equal(loop_watch_mod(fx->loop, p[1], 0), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(loop_watch_mod(fx->loop, p[1], LOOP_READ), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(loop_watch_mod(fx->loop, p[1], LOOP_ERROR), -EINVAL);
	assert_int_equal(loop_watch_mod(fx->loop, p[0], LOOP_READ), -ENOENT);
	assert_int_equal(loop_watch_mod(fx->loop, -1, LOOP_READ), -ENOENT);

	/* Errors are reported whatever the interest. */
	assert_int_equal(loop_watch_mod(fx->loop, p[1], 0), 0);
	close(p[0]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(w.last, LOOP_ERROR);
	assert_int_equal(loop_watch_del(fx->loop, p[1]), 0);
	close(p[1]);
}

static void test_fd_add_errors(void **state)
{
	struct fx *fx = *state;
	struct fprobe r;
	FILE *regular;
	int p[2], closed[2];

	make_pipe(p);
	make_pipe(closed);
	close(closed[0]);
	close(closed[1]);
	fprobe_init(&r, fx->loop, p[0]);
	assert_int_equal(loop_watch_add(fx->loop, -1, LOOP_READ, fprobe_cb, &r),
			 -EBADF);
	assert_int_equal(
		loop_watch_add(fx->loop, closed[0], LOOP_READ, fprobe_cb, &r),
		-EBADF);
	assert_int_equal(loop_watch_add(fx->loop, p[0], LOOP_READ, NULL, &r),
			 -EINVAL);
	assert_int_equal(
		loop_watch_add(fx->loop, p[0], LOOP_HANGUP, fprobe_cb, &r),
		-EINVAL);
	assert_int_equal(
		loop_watch_add(fx->loop, p[0], LOOP_READ, fprobe_cb, &r), 0);
	assert_int_equal(
		loop_watch_add(fx->loop, p[0], LOOP_READ, fprobe_cb, &r),
		-EEXIST);
	regular = tmpfile();
	assert_non_null(regular);
	assert_int_equal(loop_watch_add(fx->loop, fileno(regular), LOOP_READ,
					fprobe_cb, &r),
			 -EPERM);
	/* A failed add leaves the fd unwatched. */
	assert_int_equal(loop_watch_del(fx->loop, fileno(regular)), -ENOENT);
	assert_int_equal(loop_watch_del(fx->loop, 100000), -ENOENT);
	fclose(regular);
	assert_int_equal(loop_watch_del(fx->loop, p[0]), 0);
	close(p[0]);
	close(p[1]);
}

static void test_fd_high_number_and_closed_first(void **state)
{
	struct fx *fx = *state;
	struct fprobe r;
	int p[2], q[2], high;

	make_pipe(p);
	high = fcntl(p[0], F_DUPFD_CLOEXEC, 900); /* the table must grow */
	assert_true(high >= 900);
	close(p[0]);
	fprobe_init(&r, fx->loop, high);
	r.drain = true;
	assert_int_equal(
		loop_watch_add(fx->loop, high, LOOP_READ, fprobe_cb, &r), 0);
	put_byte(p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(r.seen_fd, high);
	assert_int_equal(loop_watch_del(fx->loop, high), 0);
	close(high);
	close(p[1]);

	/* Closed before removal: the record is still dropped. */
	make_pipe(q);
	assert_int_equal(
		loop_watch_add(fx->loop, q[0], LOOP_READ, fprobe_cb, &r), 0);
	close(q[0]);
	assert_int_equal(loop_watch_del(fx->loop, q[0]), 0);
	assert_int_equal(loop_watch_del(fx->loop, q[0]), -ENOENT);
	close(q[1]);
}

/* Whichever of two ready watches runs first removes the other. */
static void remove_other(struct fprobe *p)
{
	if (p->other->fd >= 0) {
		assert_int_equal(loop_watch_del(p->loop, p->other->fd), 0);
		p->other->fd = -1;
	}
}

static void test_remove_other_in_same_batch(void **state)
{
	struct fx *fx = *state;
	struct fprobe a, b;
	int pa[2], pb[2];

	make_pipe(pa);
	make_pipe(pb);
	fprobe_init(&a, fx->loop, pa[0]);
	fprobe_init(&b, fx->loop, pb[0]);
	a.other = &b;
	b.other = &a;
	a.action = b.action = remove_other;
	assert_int_equal(
		loop_watch_add(fx->loop, pa[0], LOOP_READ, fprobe_cb, &a), 0);
	assert_int_equal(
		loop_watch_add(fx->loop, pb[0], LOOP_READ, fprobe_cb, &b), 0);
	put_byte(pa[1]);
	put_byte(pb[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(a.calls + b.calls, 1);

	/* The survivor (still readable) keeps being called, the other not. */
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_true((a.calls == 3 && b.calls == 0) ||
		    (a.calls == 0 && b.calls == 3));
	assert_int_equal(loop_watch_del(fx->loop, a.calls ? pa[0] : pb[0]), 0);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

/* Whichever of two ready watches runs first drops the other's read
 * interest: the event already collected for it must be filtered out. */
static void mute_other(struct fprobe *p)
{
	if (p->other->calls == 0)
		assert_int_equal(loop_watch_mod(p->loop, p->other->fd, 0), 0);
}

static void test_mod_other_in_same_batch(void **state)
{
	struct fx *fx = *state;
	struct fprobe a, b;
	int pa[2], pb[2];

	make_pipe(pa);
	make_pipe(pb);
	fprobe_init(&a, fx->loop, pa[0]);
	fprobe_init(&b, fx->loop, pb[0]);
	a.other = &b;
	b.other = &a;
	a.action = b.action = mute_other;
	assert_int_equal(
		loop_watch_add(fx->loop, pa[0], LOOP_READ, fprobe_cb, &a), 0);
	assert_int_equal(
		loop_watch_add(fx->loop, pb[0], LOOP_READ, fprobe_cb, &b), 0);
	put_byte(pa[1]);
	put_byte(pb[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(a.calls + b.calls, 1);
	assert_int_equal(loop_watch_del(fx->loop, pa[0]), 0);
	assert_int_equal(loop_watch_del(fx->loop, pb[0]), 0);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

/* Removes the other watch, closes its fd, and reuses the same fd number
 * for a new, readable pipe watched by the spare probe. */
static void replace_other(struct fprobe *p)
{
	struct fprobe *o = p->other;
	int fresh[2];

	if (o->fd < 0)
		return;
	assert_int_equal(loop_watch_del(p->loop, o->fd), 0);
	make_pipe(fresh);
	assert_int_equal(dup3(fresh[0], o->fd, O_CLOEXEC), o->fd);
	close(fresh[0]);
	put_byte(fresh[1]);
	close(fresh[1]);
	p->spare->fd = o->fd;
	p->spare->drain = true;
	assert_int_equal(
		loop_watch_add(p->loop, o->fd, LOOP_READ, fprobe_cb, p->spare),
		0);
	o->fd = -1;
}

static void test_remove_and_reuse_fd_in_same_batch(void **state)
{
	struct fx *fx = *state;
	struct fprobe a, b, c;
	int pa[2], pb[2];

	make_pipe(pa);
	make_pipe(pb);
	fprobe_init(&a, fx->loop, pa[0]);
	fprobe_init(&b, fx->loop, pb[0]);
	fprobe_init(&c, fx->loop, -1);
	a.other = &b;
	b.other = &a;
	a.spare = b.spare = &c;
	a.action = b.action = replace_other;
	a.drain = b.drain = true;
	assert_int_equal(
		loop_watch_add(fx->loop, pa[0], LOOP_READ, fprobe_cb, &a), 0);
	assert_int_equal(
		loop_watch_add(fx->loop, pb[0], LOOP_READ, fprobe_cb, &b), 0);
	put_byte(pa[1]);
	put_byte(pb[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(a.calls + b.calls, 1);
	/* The old fd's event of this batch must not reach the new watch. */
	assert_int_equal(c.calls, 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last, LOOP_READ | LOOP_HANGUP);
	assert_int_equal(a.calls + b.calls, 1);
	assert_int_equal(loop_watch_del(fx->loop, c.fd), 0);
	assert_int_equal(loop_watch_del(fx->loop, a.calls ? pa[0] : pb[0]), 0);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

struct self_remover {
	struct loop *loop;
	int fd;
};

static void remove_self_and_free(int fd, unsigned int revents, void *arg)
{
	struct self_remover *s = arg;

	assert_true(revents & LOOP_READ);
	assert_int_equal(fd, s->fd);
	assert_int_equal(loop_watch_del(s->loop, fd), 0);
	free(s);
}

static void test_remove_self_and_free_arg(void **state)
{
	struct fx *fx = *state;
	struct self_remover *s = malloc(sizeof(*s));
	int p[2];

	assert_non_null(s);
	make_pipe(p);
	s->loop = fx->loop;
	s->fd = p[0];
	assert_int_equal(loop_watch_add(fx->loop, p[0], LOOP_READ,
					remove_self_and_free, s),
			 0);
	put_byte(p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	/* Still readable, but nobody is called (and s is freed). */
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	close(p[0]);
	close(p[1]);
}

/* ---- stop, re-entry, epoll errors ------------------------------------ */

struct stopper {
	struct loop *loop;
	int code;
	int nested_once;
	int nested_run;
};

static void stop_from_fd(int fd, unsigned int revents, void *arg)
{
	struct stopper *s = arg;

	(void)fd;
	(void)revents;
	s->nested_once = loop_run_once(s->loop, 0);
	s->nested_run = loop_run(s->loop);
	loop_stop(s->loop, s->code);
}

static void test_stop_from_callback(void **state)
{
	struct fx *fx = *state;
	struct stopper s = {.loop = fx->loop, .code = 42};
	struct tprobe due;
	uint64_t w;
	int p[2];

	make_pipe(p);
	assert_int_equal(
		loop_watch_add(fx->loop, p[0], LOOP_READ, stop_from_fd, &s), 0);
	tprobe_init(&due, fx, 1);
	assert_int_equal(loop_timer_arm(fx->loop, &due.t, 0, 0), 0);
	put_byte(p[1]);
	assert_int_equal(loop_run(fx->loop), 42);
	assert_int_equal(s.nested_once, -EBUSY);
	assert_int_equal(s.nested_run, -EBUSY);
	/* The iteration was finished: the due timer ran too. */
	assert_int_equal(due.fired, 1);
	assert_int_equal(loop_watch_del(fx->loop, p[0]), 0);

	/* A stop before loop_run: returns at once; the first code wins;
	 * the request is consumed. */
	w = loop_wakeups(fx->loop);
	loop_stop(fx->loop, 3);
	loop_stop(fx->loop, 4);
	assert_int_equal(loop_run(fx->loop), 3);
	assert_int_equal(loop_wakeups(fx->loop), w);
	loop_timer_init(&due.t, stop_with_5, NULL);
	assert_int_equal(loop_timer_arm(fx->loop, &due.t, 0, 0), 0);
	assert_int_equal(loop_run(fx->loop), 5);
	close(p[0]);
	close(p[1]);
}

static void test_epoll_failure_is_reported(void **state)
{
	struct fx *fx = *state;
	int saved, p[2];

	/* Swap the epoll fd for a pipe: epoll_wait fails with EINVAL. */
	make_pipe(p);
	saved = dup(fx->loop->epfd);
	assert_true(saved >= 0);
	assert_int_equal(dup3(p[0], fx->loop->epfd, O_CLOEXEC), fx->loop->epfd);
	assert_int_equal(loop_run_once(fx->loop, 0), -EINVAL);
	assert_int_equal(loop_run(fx->loop), -EINVAL);
	assert_int_equal(dup3(saved, fx->loop->epfd, O_CLOEXEC),
			 fx->loop->epfd);
	close(saved);
	close(p[0]);
	close(p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
}

static volatile sig_atomic_t usr1_count;
static atomic_int eintr_done;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void *interrupt_main(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;

	while (!atomic_load(&eintr_done)) {
		pthread_kill(main_thread, SIGUSR1);
		sched_yield();
	}
	return NULL;
}

static void test_eintr_is_not_an_error(void **state)
{
	struct fx *fx = *state;
	struct sigaction sa, old;
	pthread_t self = pthread_self(), th;
	uint64_t w = loop_wakeups(fx->loop);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	usr1_count = 0;
	atomic_store(&eintr_done, 0);
	assert_int_equal(pthread_create(&th, NULL, interrupt_main, &self), 0);
	/* No timer, no ready fd: only a signal can end this wait. */
	assert_int_equal(loop_run_once(fx->loop, -1), 0);
	atomic_store(&eintr_done, 1);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(usr1_count > 0);
	assert_int_equal(loop_wakeups(fx->loop), w + 1);
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
}

/* ---- an adopted epoll set ---------------------------------------------- */

/* A library with an epoll set of its own whose one "socket" is a pipe;
 * its event points at its own object, as libcoap's do. */
struct lib {
	int epfd;
	int p[2];
	int calls;
	int nevents;
	void *seen_ptr;
	struct fprobe *watch;	    /* a loop watch of the same test */
	int watch_calls_before;	    /* its calls when the library ran */
	struct loop *release_in_cb; /* loop_release_epoll from the callback */
};

static void lib_cb(struct epoll_event *ev, int n, void *arg)
{
	struct lib *lib = arg;
	char buf[16];

	lib->calls++;
	lib->nevents = n;
	lib->seen_ptr = ev[0].data.ptr;
	lib->watch_calls_before = lib->watch ? lib->watch->calls : -1;
	while (read(lib->p[0], buf, sizeof(buf)) > 0)
		;
	if (lib->release_in_cb)
		loop_release_epoll(lib->release_in_cb);
}

static void lib_init(struct lib *lib)
{
	struct epoll_event ev;

	memset(lib, 0, sizeof(*lib));
	lib->epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(lib->epfd >= 0);
	make_pipe(lib->p);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = lib;
	assert_int_equal(epoll_ctl(lib->epfd, EPOLL_CTL_ADD, lib->p[0], &ev),
			 0);
}

static void lib_close(struct lib *lib)
{
	close(lib->p[0]);
	close(lib->p[1]);
	close(lib->epfd);
}

static void test_adopt_epoll(void **state)
{
	struct fx *fx = *state;
	struct fprobe w, late;
	struct tprobe t;
	struct epoll_event ev[4];
	struct lib lib;
	int q[2], r[2];
	uint64_t wakeups;

	lib_init(&lib);
	make_pipe(q);
	fprobe_init(&w, fx->loop, q[0]);
	w.drain = true;
	lib.watch = &w;
	assert_int_equal(
		loop_watch_add(fx->loop, q[0], LOOP_READ, fprobe_cb, &w), 0);
	assert_int_equal(loop_adopt_epoll(fx->loop, lib.epfd, lib_cb, &lib), 0);
	wakeups = loop_wakeups(fx->loop);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);

	/* Both ready: the library first, then the watch, one wake-up. */
	put_byte(lib.p[1]);
	put_byte(q[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 2);
	assert_int_equal(lib.calls, 1);
	assert_int_equal(lib.nevents, 1);
	assert_ptr_equal(lib.seen_ptr, &lib);
	assert_int_equal(lib.watch_calls_before, 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(loop_wakeups(fx->loop), wakeups + 2);

	/* Only the library, only the loop's own fd. */
	put_byte(lib.p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(lib.calls, 2);
	assert_int_equal(w.calls, 1);
	put_byte(q[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(lib.calls, 2);
	assert_int_equal(w.calls, 2);

	/* A watch added while adopted, and timers, work as before. */
	make_pipe(r);
	fprobe_init(&late, fx->loop, r[0]);
	late.drain = true;
	assert_int_equal(
		loop_watch_add(fx->loop, r[0], LOOP_READ, fprobe_cb, &late), 0);
	put_byte(r[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(late.calls, 1);
	tprobe_init(&t, fx, 1);
	assert_int_equal(loop_timer_arm(fx->loop, &t.t, 5, 0), 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 5);
	advance_ms(fx, 5);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(t.fired, 1);

	/* Released: the library's events stay in its set, for itself. */
	loop_release_epoll(fx->loop);
	loop_release_epoll(fx->loop); /* no-op */
	put_byte(lib.p[1]);
	put_byte(q[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(lib.calls, 2);
	assert_int_equal(w.calls, 3);
	assert_int_equal(epoll_wait(lib.epfd, ev, 4, 0), 1);
	assert_ptr_equal(ev[0].data.ptr, &lib);

	assert_int_equal(loop_watch_del(fx->loop, q[0]), 0);
	assert_int_equal(loop_watch_del(fx->loop, r[0]), 0);
	close(q[0]);
	close(q[1]);
	close(r[0]);
	close(r[1]);
	lib_close(&lib);
}

static void test_adopt_epoll_errors(void **state)
{
	struct fx *fx = *state;
	struct fprobe w;
	struct lib lib, other;
	struct loop *loop;
	int p[2], closed;

	lib_init(&lib);
	lib_init(&other);
	make_pipe(p);
	assert_int_equal(loop_adopt_epoll(fx->loop, lib.epfd, NULL, &lib),
			 -EINVAL);
	assert_int_equal(loop_adopt_epoll(fx->loop, -1, lib_cb, &lib), -EINVAL);
	assert_int_equal(
		loop_adopt_epoll(fx->loop, fx->loop->epfd, lib_cb, &lib),
		-EINVAL);
	assert_int_equal(loop_adopt_epoll(fx->loop, p[0], lib_cb, &lib),
			 -EINVAL); /* not an epoll fd */
	closed = dup(lib.epfd);
	assert_true(closed >= 0);
	close(closed);
	assert_int_equal(loop_adopt_epoll(fx->loop, closed, lib_cb, &lib),
			 -EBADF);
	/* a set the loop watches would contain the loop's set */
	fprobe_init(&w, fx->loop, other.epfd);
	assert_int_equal(
		loop_watch_add(fx->loop, other.epfd, LOOP_READ, fprobe_cb, &w),
		0);
	assert_int_equal(loop_adopt_epoll(fx->loop, other.epfd, lib_cb, &other),
			 -ELOOP);
	assert_int_equal(loop_watch_del(fx->loop, other.epfd), 0);
	/* nothing was adopted by the failures */
	put_byte(lib.p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(lib.calls, 0);

	assert_int_equal(loop_adopt_epoll(fx->loop, lib.epfd, lib_cb, &lib), 0);
	assert_int_equal(loop_adopt_epoll(fx->loop, other.epfd, lib_cb, &other),
			 -EBUSY);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(lib.calls, 1);

	/* A loop freed while adopted leaves the library's set to it. */
	loop = loop_new();
	assert_non_null(loop);
	assert_int_equal(loop_adopt_epoll(loop, other.epfd, lib_cb, &other), 0);
	loop_free(loop);
	put_byte(other.p[1]);
	{
		struct epoll_event ev[4];

		assert_int_equal(epoll_wait(other.epfd, ev, 4, 0), 1);
		assert_ptr_equal(ev[0].data.ptr, &other);
	}
	loop_release_epoll(fx->loop);
	close(p[0]);
	close(p[1]);
	lib_close(&lib);
	lib_close(&other);
}

static void test_adopt_hide(void **state)
{
	struct fx *fx = *state;
	struct epoll_event ev[4];
	struct fprobe w;
	struct lib lib;
	int q[2];

	assert_int_equal(loop_adopt_hide(fx->loop), 0); /* nothing adopted */
	loop_adopt_show(fx->loop);
	lib_init(&lib);
	make_pipe(q);
	fprobe_init(&w, fx->loop, q[0]);
	w.drain = true;
	assert_int_equal(
		loop_watch_add(fx->loop, q[0], LOOP_READ, fprobe_cb, &w), 0);
	assert_int_equal(loop_adopt_epoll(fx->loop, lib.epfd, lib_cb, &lib), 0);
	put_byte(q[1]);
	put_byte(lib.p[1]);
	/* Hidden (twice): the library's own wait sees only its own fd. */
	assert_int_equal(loop_adopt_hide(fx->loop), 0);
	assert_int_equal(loop_adopt_hide(fx->loop), 0);
	assert_int_equal(epoll_wait(lib.epfd, ev, 4, 0), 1);
	assert_ptr_equal(ev[0].data.ptr, &lib);
	loop_adopt_show(fx->loop);
	assert_int_equal(epoll_wait(lib.epfd, ev, 4, 0), 1);
	/* Shown again: the loop's fd, ready meanwhile, is not lost. */
	loop_adopt_show(fx->loop);
	assert_int_equal(epoll_wait(lib.epfd, ev, 4, 0), 2);
	assert_int_equal(loop_run_once(fx->loop, 0), 2);
	assert_int_equal(w.calls, 1);
	assert_int_equal(lib.calls, 1);
	loop_adopt_show(fx->loop); /* unbalanced: no-op */
	put_byte(q[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(w.calls, 2);
	loop_release_epoll(fx->loop);
	assert_int_equal(loop_watch_del(fx->loop, q[0]), 0);
	close(q[0]);
	close(q[1]);
	lib_close(&lib);
}

static void test_release_from_library_callback(void **state)
{
	struct fx *fx = *state;
	struct fprobe w;
	struct lib lib;
	int q[2];

	lib_init(&lib);
	make_pipe(q);
	fprobe_init(&w, fx->loop, q[0]);
	w.drain = true;
	assert_int_equal(
		loop_watch_add(fx->loop, q[0], LOOP_READ, fprobe_cb, &w), 0);
	assert_int_equal(loop_adopt_epoll(fx->loop, lib.epfd, lib_cb, &lib), 0);
	lib.release_in_cb = fx->loop;
	put_byte(lib.p[1]);
	put_byte(q[1]);
	/* the loop's own fd of that batch still runs */
	assert_int_equal(loop_run_once(fx->loop, 0), 2);
	assert_int_equal(lib.calls, 1);
	assert_int_equal(w.calls, 1);
	put_byte(lib.p[1]);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(lib.calls, 1);
	/* and the set can be adopted again */
	lib.release_in_cb = NULL;
	assert_int_equal(loop_adopt_epoll(fx->loop, lib.epfd, lib_cb, &lib), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(lib.calls, 2);
	loop_release_epoll(fx->loop);
	assert_int_equal(loop_watch_del(fx->loop, q[0]), 0);
	close(q[0]);
	close(q[1]);
	lib_close(&lib);
}

/* ---- signals ----------------------------------------------------------- */

static void count_reload(void *arg)
{
	(*(int *)arg)++;
}

static void test_signals(void **state)
{
	struct fx *fx = *state;
	struct sigaction sa;
	sigset_t mask;
	int reloads = 0, p[2];

	assert_int_equal(loop_enable_signals(fx->loop, count_reload, &reloads),
			 0);
	assert_int_equal(loop_enable_signals(fx->loop, count_reload, &reloads),
			 -EALREADY);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &mask), 0);
	assert_true(sigismember(&mask, SIGTERM));
	assert_true(sigismember(&mask, SIGINT));
	assert_true(sigismember(&mask, SIGHUP));
	assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_IGN);

	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(reloads, 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	/* Pending standard signals coalesce. */
	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(reloads, 2);

	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(loop_run(fx->loop), 0);
	assert_int_equal(raise(SIGINT), 0);
	assert_int_equal(loop_run(fx->loop), 0);
	assert_int_equal(reloads, 2);

	/* SIGPIPE ignored: a write to a pipe without reader fails with EPIPE.
	 */
	make_pipe(p);
	close(p[0]);
	assert_int_equal(write(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
}

static void test_signals_without_reload_hook(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(loop_enable_signals(fx->loop, NULL, NULL), 0);
	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 0); /* only logged */
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(loop_run(fx->loop), 0);
}

/* ---- posts ------------------------------------------------------------- */

enum { POSTERS = 2, POSTS_EACH = 20000 };

struct post_test {
	struct loop *loop;
	int next[POSTERS]; /* next value expected from each poster */
	int total;
	int out_of_order;
};

struct post_item {
	struct post_test *pt;
	int poster;
	int seq;
};

struct poster {
	struct post_test *pt;
	int id;
	struct post_item *items;
	int failures;
};

static void take_item(void *arg)
{
	struct post_item *it = arg;
	struct post_test *pt = it->pt;

	if (it->seq != pt->next[it->poster])
		pt->out_of_order++;
	pt->next[it->poster] = it->seq + 1;
	if (++pt->total == POSTERS * POSTS_EACH)
		loop_stop(pt->loop, 0);
}

static void *post_many(void *arg)
{
	struct poster *ps = arg;

	for (int i = 0; i < POSTS_EACH; i++) {
		ps->items[i] = (struct post_item){ps->pt, ps->id, i};
		if (loop_post(ps->pt->loop, take_item, &ps->items[i]) != 0)
			ps->failures++;
	}
	return NULL;
}

static void test_post_from_threads(void **state)
{
	struct fx *fx = *state;
	struct post_test pt = {.loop = fx->loop};
	struct poster ps[POSTERS];
	pthread_t th[POSTERS];

	for (int i = 0; i < POSTERS; i++) {
		ps[i] = (struct poster){
			&pt, i, calloc(POSTS_EACH, sizeof(struct post_item)),
			0};
		assert_non_null(ps[i].items);
		assert_int_equal(
			pthread_create(&th[i], NULL, post_many, &ps[i]), 0);
	}
	assert_int_equal(loop_run(fx->loop), 0);
	for (int i = 0; i < POSTERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(ps[i].failures, 0);
		assert_int_equal(pt.next[i], POSTS_EACH);
		free(ps[i].items);
	}
	assert_int_equal(pt.total, POSTERS * POSTS_EACH);
	assert_int_equal(pt.out_of_order, 0);
	/* Bursts share wake-ups: far fewer than one per post is typical,
	 * never more than one per post plus the final one. */
	assert_true(loop_wakeups(fx->loop) <= POSTERS * POSTS_EACH + 1);
}

struct chain {
	struct loop *loop;
	int log[8];
	int n;
};

static void chain_second(void *arg)
{
	struct chain *c = arg;

	c->log[c->n++] = 2;
}

static void chain_first(void *arg)
{
	struct chain *c = arg;

	c->log[c->n++] = 1;
	assert_int_equal(loop_post(c->loop, chain_second, c), 0);
}

static void chain_third(void *arg)
{
	struct chain *c = arg;

	c->log[c->n++] = 3;
}

static void test_post_same_thread(void **state)
{
	struct fx *fx = *state;
	struct chain c = {.loop = fx->loop};

	assert_int_equal(loop_post(fx->loop, NULL, &c), -EINVAL);
	assert_int_equal(loop_post(fx->loop, chain_first, &c), 0);
	assert_int_equal(loop_post(fx->loop, chain_third, &c), 0);
	/* The eventfd wakes a loop that has no timer (bounded for safety). */
	assert_int_equal(loop_run_once(fx->loop, 5000), 2);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.log[0], 1);
	assert_int_equal(c.log[1], 3);
	/* Work posted by work runs in the next iteration. */
	assert_int_equal(loop_run_once(fx->loop, 5000), 1);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.log[2], 2);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
}

static int never_runs;

static void must_not_run(void *arg)
{
	(void)arg;
	never_runs++;
}

static char sink_line[256];

static void sink(enum log_level level, const char *line, void *ctx)
{
	(void)ctx;
	if (level == LOG_LVL_WARNING)
		snprintf(sink_line, sizeof(sink_line), "%s", line);
}

static void test_post_pending_at_free(void **state)
{
	struct loop *loop = loop_new();

	(void)state;
	assert_non_null(loop);
	never_runs = 0;
	sink_line[0] = '\0';
	assert_int_equal(loop_post(loop, must_not_run, NULL), 0);
	assert_int_equal(loop_post(loop, must_not_run, NULL), 0);
	log_set_sink(sink, NULL);
	loop_free(loop);
	log_set_sink(NULL, NULL);
	assert_int_equal(never_runs, 0);
	assert_non_null(strstr(sink_line, "2 posted work item(s) not run"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_free_idle),
		cmocka_unit_test_setup_teardown(test_fd_readable_and_hangup,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_write_mod_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fd_add_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_fd_high_number_and_closed_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_other_in_same_batch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_mod_other_in_same_batch,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_remove_and_reuse_fd_in_same_batch, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_remove_self_and_free_arg,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_from_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_epoll_failure_is_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eintr_is_not_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt_epoll, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_adopt_epoll_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_adopt_hide, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_release_from_library_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_signals_without_reload_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_from_threads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_post_same_thread, setup,
						teardown),
		cmocka_unit_test(test_post_pending_at_free),
	};

	/* A hang is a failure, not a stuck build: SIGALRM kills the test. */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

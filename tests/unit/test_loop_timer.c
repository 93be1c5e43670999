/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <sys/epoll.h>

#include "loop_fixture.h"

/* ---- clock --------------------------------------------------------- */

static void test_clock(void **state)
{
	struct fx *fx = *state;
	struct tprobe p;
	struct timespec ts;
	uint64_t real_ms;

	assert_int_equal(loop_now_ms(fx->loop), 1000000);
	fx->now_us += 1999;
	assert_int_equal(loop_now_ms(fx->loop), 1000001);

	tprobe_init(&p, fx, 1);
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 5, 0), 0);
	assert_int_equal(loop_set_clock(fx->loop, NULL), -EBUSY);
	assert_int_equal(loop_now_ms(fx->loop), 1000001); /* still fake */
	loop_timer_disarm(fx->loop, &p.t);

	/* NULL restores CLOCK_MONOTONIC. */
	assert_int_equal(loop_set_clock(fx->loop, NULL), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	real_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	assert_in_range(loop_now_ms(fx->loop), real_ms, real_ms + 10000);
}

/* ---- the wait's timeout --------------------------------------------- */

#ifdef HAVE_EPOLL_PWAIT2
/* This program's epoll_pwait2 comes first in symbol lookup: it notes the
 * timeout of the loop's wait and passes the call on. */
static long long pwait2_timeout_ns = -2;
/* The kernel (or valgrind, which lacks the call) refused it: the loop
 * waits with epoll_wait from then on. */
static bool pwait2_refused;

int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
		 const struct timespec *timeout, const sigset_t *sigmask)
{
	static int (*next)(int, struct epoll_event *, int,
			   const struct timespec *, const sigset_t *);
	int n;

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "epoll_pwait2");
	pwait2_timeout_ns = timeout ? (long long)timeout->tv_sec * 1000000000 +
					      timeout->tv_nsec
				    : -1;
	n = next(epfd, events, maxevents, timeout, sigmask);
	if (n < 0 && errno == ENOSYS)
		pwait2_refused = true;
	return n;
}
#endif

static void test_wait_timeout_us(void **state)
{
	struct fx *fx = *state;
	struct tprobe p;

	tprobe_init(&p, fx, 1);
	assert_int_equal(loop_next_timeout_us(fx->loop), -1);
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 5, 0), 0);
	assert_int_equal(loop_next_timeout_us(fx->loop), 5000);
	fx->now_us += 4700;
	assert_int_equal(loop_next_timeout_us(fx->loop), 300);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 1);
#ifdef HAVE_EPOLL_PWAIT2
	/* The wait ends at the deadline, not at the next whole ms after it
	 * (the fake clock stands still: nothing fires). */
	assert_int_equal(loop_run_once(fx->loop, -1), 0);
	assert_int_equal(pwait2_timeout_ns, 300000);
	/* max_wait_ms caps it (where the call was refused, the loop now
	 * waits in milliseconds without it: the timeout noted stays). */
	fx->now_us -= 4700;
	assert_int_equal(loop_run_once(fx->loop, 2), 0);
	assert_int_equal(pwait2_timeout_ns, pwait2_refused ? 300000 : 2000000);
#endif
	fx->now_us += 5000;
	assert_int_equal(loop_next_timeout_us(fx->loop), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(p.fired, 1);
}

/* ---- timers ---------------------------------------------------------- */

static void test_timer_oneshot(void **state)
{
	struct fx *fx = *state;
	struct tprobe p;

	tprobe_init(&p, fx, 1);
	assert_false(loop_timer_is_armed(&p.t));
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 100, 0), 0);
	assert_true(loop_timer_is_armed(&p.t));
	assert_int_equal(loop_next_timeout_ms(fx->loop), 100);
	advance_ms(fx, 99);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(p.fired, 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 1);
	advance_ms(fx, 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(p.fired, 1);
	assert_false(p.armed_in_cb);
	assert_false(loop_timer_is_armed(&p.t));
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);
	advance_ms(fx, 100000);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(p.fired, 1);

	/* Delay 0: due at once. */
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 0, 0), 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(p.fired, 2);

	/* Re-arming an armed timer reschedules it. */
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 10, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 50, 0), 0);
	advance_ms(fx, 10);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	advance_ms(fx, 40);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(p.fired, 3);
}

static void test_timer_periodic_cadence(void **state)
{
	struct fx *fx = *state;
	struct tprobe p;

	tprobe_init(&p, fx, 1);
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 10, 10), 0);
	advance_ms(fx, 10); /* t = 10 */
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_true(p.armed_in_cb);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 10);

	/* Late by 5 ms: the next deadline stays at 30, not 25 + 10. */
	advance_ms(fx, 15); /* t = 25 */
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 5);
	advance_ms(fx, 4);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	advance_ms(fx, 1); /* t = 30 */
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(p.fired, 3);

	/* Nine periods missed: one firing, no burst, still on the grid. */
	advance_ms(fx, 95); /* t = 125 */
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(p.fired, 4);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 5);
	advance_ms(fx, 5); /* t = 130 */
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 10);
	assert_true(loop_timer_is_armed(&p.t));
	loop_timer_disarm(fx->loop, &p.t);
	assert_false(loop_timer_is_armed(&p.t));
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);
	advance_ms(fx, 1000);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	assert_int_equal(p.fired, 5);

	/* First delay and period differ. */
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 3, 20), 0);
	advance_ms(fx, 3);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 20);
	loop_timer_disarm(fx->loop, &p.t);
}

static void assert_order(const struct fx *fx, const int *ids, size_t n)
{
	assert_int_equal(fx->norder, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fx->order[i], ids[i]);
}

static void test_timer_same_deadline_order(void **state)
{
	struct fx *fx = *state;
	struct tprobe p[4];

	for (int i = 0; i < 4; i++)
		tprobe_init(&p[i], fx, i);
	assert_int_equal(loop_timer_arm(fx->loop, &p[2].t, 50, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &p[0].t, 50, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &p[3].t, 50, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &p[1].t, 50, 0), 0);
	advance_ms(fx, 50);
	assert_int_equal(loop_run_once(fx->loop, 0), 4);
	assert_order(fx, (const int[]){2, 0, 3, 1}, 4);

	/* Same deadline reached from different arming times. */
	fx->norder = 0;
	assert_int_equal(loop_timer_arm(fx->loop, &p[1].t, 20, 0), 0);
	advance_ms(fx, 10);
	assert_int_equal(loop_timer_arm(fx->loop, &p[0].t, 10, 0), 0);
	advance_ms(fx, 10);
	assert_int_equal(loop_run_once(fx->loop, 0), 2);
	assert_order(fx, (const int[]){1, 0}, 2);

	/* Re-arming moves a timer behind its peers. */
	fx->norder = 0;
	assert_int_equal(loop_timer_arm(fx->loop, &p[0].t, 30, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &p[1].t, 30, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &p[0].t, 30, 0), 0);
	advance_ms(fx, 30);
	assert_int_equal(loop_run_once(fx->loop, 0), 2);
	assert_order(fx, (const int[]){1, 0}, 2);
}

/* Many timers: each fires exactly at its deadline, ties in arming order,
 * disarmed ones never; exercises sift up/down and removal from the middle
 * of the heap. */
static void test_timer_heap_many(void **state)
{
	struct fx *fx = *state;
	enum { N = 300, SPAN = 50 };
	struct tprobe *p = calloc(N, sizeof(*p));

	assert_non_null(p);
	for (int i = 0; i < N; i++) {
		tprobe_init(&p[i], fx, i);
		assert_int_equal(loop_timer_arm(fx->loop, &p[i].t,
						(uint64_t)((i * 37) % SPAN), 0),
				 0);
	}
	for (int i = 0; i < N; i += 7)
		loop_timer_disarm(fx->loop, &p[i].t);
	for (int ms = 0; ms < SPAN; ms++) {
		size_t k = 0;

		fx->norder = 0;
		assert_int_equal(loop_next_timeout_ms(fx->loop), 0 + (ms > 0));
		if (ms > 0)
			advance_ms(fx, 1);
		loop_run_once(fx->loop, 0);
		for (int i = 0; i < N; i++) {
			if (i % 7 == 0 || (i * 37) % SPAN != ms)
				continue;
			assert_true(k < fx->norder);
			assert_int_equal(fx->order[k++], i);
		}
		assert_int_equal(fx->norder, k);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(p[i].fired, i % 7 ? 1 : 0);
		assert_false(loop_timer_is_armed(&p[i].t));
	}
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);
	free(p);
}

/* Random arms, re-arms and disarms, then one big jump: the timers fire
 * in one iteration, sorted by (deadline, last arming), checked against a
 * model.  Removal from the middle of the heap needs sift-up as well as
 * sift-down; random keys reach both. */
struct heap_model {
	uint64_t deadline; /* ms after start */
	uint64_t armed_at; /* arming counter; 0 = disarmed */
};

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void test_timer_heap_random(void **state)
{
	struct fx *fx = *state;
	enum { N = 400, OPS = 3000 };
	struct tprobe *p = calloc(N, sizeof(*p));
	struct heap_model *m = calloc(N, sizeof(*m));
	size_t expect_n = 0;
	uint64_t counter = 0, start = loop_now_ms(fx->loop);
	uint32_t seed = 12345;

	assert_non_null(p);
	assert_non_null(m);
	for (int i = 0; i < N; i++)
		tprobe_init(&p[i], fx, i);
	for (int op = 0; op < OPS; op++) {
		int i = (int)(lcg(&seed) % N);

		if (lcg(&seed) % 4 == 0) {
			loop_timer_disarm(fx->loop, &p[i].t);
			m[i].armed_at = 0;
		} else {
			uint64_t d = lcg(&seed) % 64;

			assert_int_equal(
				loop_timer_arm(fx->loop, &p[i].t, d, 0), 0);
			m[i].deadline = d;
			m[i].armed_at = ++counter;
		}
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(loop_timer_is_armed(&p[i].t),
				 m[i].armed_at != 0);
		expect_n += m[i].armed_at != 0;
	}
	fx->norder = 0;
	advance_ms(fx, 100);
	assert_int_equal(loop_run_once(fx->loop, 0), (int)expect_n);
	assert_int_equal(fx->norder, expect_n); /* N fits in fx->order */
	for (size_t k = 1; k < fx->norder; k++) {
		const struct heap_model *x = &m[fx->order[k - 1]];
		const struct heap_model *y = &m[fx->order[k]];

		assert_true(x->deadline < y->deadline ||
			    (x->deadline == y->deadline &&
			     x->armed_at < y->armed_at));
	}
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);
	assert_true(loop_now_ms(fx->loop) == start + 100);
	free(m);
	free(p);
}

static void disarm_other(struct tprobe *p)
{
	loop_timer_disarm(p->fx->loop, &p->other->t);
}

static void disarm_self_at_limit(struct tprobe *p)
{
	if (p->fired == p->limit)
		loop_timer_disarm(p->fx->loop, &p->t);
}

static void rearm_self_now(struct tprobe *p)
{
	assert_int_equal(loop_timer_arm(p->fx->loop, &p->t, 0, 0), 0);
}

static void rearm_self_oneshot_100(struct tprobe *p)
{
	assert_int_equal(loop_timer_arm(p->fx->loop, &p->t, 100, 0), 0);
}

static void arm_other_now(struct tprobe *p)
{
	assert_int_equal(loop_timer_arm(p->fx->loop, &p->other->t, 0, 0), 0);
}

static void test_timer_changes_inside_callbacks(void **state)
{
	struct fx *fx = *state;
	struct tprobe a, b, c;

	tprobe_init(&a, fx, 1);
	tprobe_init(&b, fx, 2);
	tprobe_init(&c, fx, 3);

	/* A disarms B, which is due in the same iteration. */
	a.action = disarm_other;
	a.other = &b;
	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 5, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &b.t, 5, 0), 0);
	advance_ms(fx, 5);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(b.fired, 0);
	assert_false(loop_timer_is_armed(&b.t));

	/* A periodic timer disarms itself on its third firing. */
	tprobe_init(&a, fx, 1);
	a.action = disarm_self_at_limit;
	a.limit = 3;
	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 10, 10), 0);
	for (int i = 0; i < 6; i++) {
		advance_ms(fx, 10);
		loop_run_once(fx->loop, 0);
	}
	assert_int_equal(a.fired, 3);
	assert_false(loop_timer_is_armed(&a.t));

	/* Re-arming itself with delay 0 cannot spin inside one iteration. */
	tprobe_init(&a, fx, 1);
	a.action = rearm_self_now;
	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 0, 0), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(a.fired, 2);
	loop_timer_disarm(fx->loop, &a.t);

	/* A periodic timer turns itself into a one-shot 100 ms later. */
	tprobe_init(&a, fx, 1);
	a.action = rearm_self_oneshot_100;
	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 10, 10), 0);
	advance_ms(fx, 10);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 100);
	a.action = NULL;
	advance_ms(fx, 99);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	advance_ms(fx, 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_false(loop_timer_is_armed(&a.t));

	/* A timer armed as already due by a callback waits for the next
	 * iteration; C, due later, waits for its own deadline. */
	tprobe_init(&a, fx, 1);
	a.action = arm_other_now;
	a.other = &b;
	tprobe_init(&b, fx, 2);
	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 1, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &c.t, 2, 0), 0);
	advance_ms(fx, 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(b.fired, 1);
	assert_int_equal(c.fired, 0);
	advance_ms(fx, 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(c.fired, 1);
}

struct owned_timer {
	struct loop_timer t;
	int *fired;
};

static void free_self(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct owned_timer *o = arg;

	assert_ptr_equal(t, &o->t);
	(*o->fired)++;
	loop_timer_disarm(loop, t); /* periodic: still armed until now */
	free(o);
}

static void test_timer_disarm_and_free_in_callback(void **state)
{
	struct fx *fx = *state;
	struct owned_timer *o = malloc(sizeof(*o));
	int fired = 0;

	assert_non_null(o);
	o->fired = &fired;
	loop_timer_init(&o->t, free_self, o);
	assert_int_equal(loop_timer_arm(fx->loop, &o->t, 1, 1), 0);
	advance_ms(fx, 5);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(fired, 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);
}

static void test_timer_errors(void **state)
{
	struct fx *fx = *state;
	struct loop *other = loop_new();
	struct loop_timer none;
	struct tprobe p;
	static struct loop_timer st = LOOP_TIMER_INITIALIZER(tprobe_cb, NULL);

	assert_non_null(other);
	assert_false(loop_timer_is_armed(&st));
	loop_timer_init(&none, NULL, NULL);
	assert_int_equal(loop_timer_arm(fx->loop, &none, 1, 0), -EINVAL);
	assert_false(loop_timer_is_armed(&none));

	tprobe_init(&p, fx, 1);
	loop_timer_disarm(fx->loop, &p.t); /* not armed: no-op */
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, 1, 0), 0);
	assert_int_equal(loop_timer_arm(other, &p.t, 1, 0), -EBUSY);
	loop_timer_disarm(other, &p.t); /* not its loop: no-op */
	assert_true(loop_timer_is_armed(&p.t));
	assert_int_equal(loop_next_timeout_ms(other), -1);

	/* Saturating times: never due, timeout capped. */
	assert_int_equal(loop_timer_arm(fx->loop, &p.t, UINT64_MAX, UINT64_MAX),
			 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), INT_MAX);
	advance_ms(fx, 1000000000);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);

	/* A loop freed with a timer armed leaves it unarmed. */
	assert_int_equal(loop_timer_arm(other, &st, 10, 0), 0);
	assert_true(loop_timer_is_armed(&st));
	loop_free(other);
	assert_false(loop_timer_is_armed(&st));
	loop_timer_disarm(fx->loop, &p.t);
}

static void test_next_timeout_rounding(void **state)
{
	struct fx *fx = *state;
	struct tprobe a, b;
	struct fprobe r;
	int p[2];

	/* Idle with a watch registered: still no timeout, no tick. */
	make_pipe(p);
	fprobe_init(&r, fx->loop, p[0]);
	assert_int_equal(
		loop_watch_add(fx->loop, p[0], LOOP_READ, fprobe_cb, &r), 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);

	tprobe_init(&a, fx, 1);
	tprobe_init(&b, fx, 2);
	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 1, 0), 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 1);
	fx->now_us += 1; /* 999 us left */
	assert_int_equal(loop_next_timeout_ms(fx->loop), 1);
	fx->now_us += 998; /* 1 us left: still 1 ms, never 0 */
	assert_int_equal(loop_next_timeout_ms(fx->loop), 1);
	assert_int_equal(loop_run_once(fx->loop, 0), 0);
	fx->now_us += 1;
	assert_int_equal(loop_next_timeout_ms(fx->loop), 0);
	assert_int_equal(loop_run_once(fx->loop, 0), 1);
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);

	assert_int_equal(loop_timer_arm(fx->loop, &a.t, 5, 0), 0);
	assert_int_equal(loop_timer_arm(fx->loop, &b.t, 3, 0), 0);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 3);
	loop_timer_disarm(fx->loop, &b.t);
	assert_int_equal(loop_next_timeout_ms(fx->loop), 5);
	fx->now_us += 4500;
	assert_int_equal(loop_next_timeout_ms(fx->loop), 1);
	fx->now_us += 100000; /* overdue */
	assert_int_equal(loop_next_timeout_ms(fx->loop), 0);
	loop_timer_disarm(fx->loop, &a.t);
	assert_int_equal(loop_next_timeout_ms(fx->loop), -1);
	assert_int_equal(r.calls, 0);
	assert_int_equal(loop_watch_del(fx->loop, p[0]), 0);
	close(p[0]);
	close(p[1]);
}

/* On the real clock, a 20 ms timer costs about one wake-up: the timeout
 * is rounded up, so the loop never wakes early and spins. */
static void test_real_clock_no_spin(void **state)
{
	struct loop *loop = loop_new();
	struct loop_timer t;
	uint64_t start;

	(void)state;
	assert_non_null(loop);
	loop_timer_init(&t, stop_with_5, NULL);
	start = loop_now_ms(loop);
	assert_int_equal(loop_timer_arm(loop, &t, 20, 0), 0);
	assert_int_equal(loop_run(loop), 5);
	assert_true(loop_now_ms(loop) >= start + 20);
	assert_in_range(loop_wakeups(loop), 1, 3);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_timeout_us, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_oneshot, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_periodic_cadence,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_same_deadline_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_heap_many, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_heap_random, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_changes_inside_callbacks, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_timer_disarm_and_free_in_callback, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_timer_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_next_timeout_rounding,
						setup, teardown),
		cmocka_unit_test(test_real_clock_no_spin),
	};

	/* A hang is a failure, not a stuck build: SIGALRM kills the test. */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

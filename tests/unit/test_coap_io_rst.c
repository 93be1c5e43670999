/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The matching of RSTs to NON notifications (bridge/coap_io_rst.c) on
 * its own: NON notifications recorded, RST mids seen (as the libcoap log
 * hook reports them), claimed by a CON's nack, delivered.  The transport
 * and sessions are bare structs on a fake loop clock: no libcoap traffic,
 * so every case (two sessions with one mid, window overwrite, age) can be
 * set up exactly.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coap_io_priv.h"
#include "loop.h"

static uint64_t now_us;

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return now_us;
}

static struct {
	int n;
	struct cio_session *s;
	uint8_t token[CIO_TOKEN_MAX];
	size_t token_len;
} got;

static void on_reset(void *arg, struct cio_session *s, const uint8_t *token,
		     size_t token_len)
{
	(void)arg;
	got.n++;
	got.s = s;
	memcpy(got.token, token, token_len);
	got.token_len = token_len;
}

static char host_a[] = "a", host_b[] = "b", host_c[] = "c";

struct fx {
	struct loop *loop;
	struct cio cio;
	struct cio_session a, b, c;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct loop_clock clock = {.now_us = fake_now};

	assert_non_null(fx);
	fx->loop = loop_new();
	assert_non_null(fx->loop);
	assert_int_equal(loop_set_clock(fx->loop, &clock), 0);
	now_us = 1000000;
	fx->cio.loop = fx->loop;
	fx->a = (struct cio_session){.cio = &fx->cio, .host = host_a};
	fx->b = (struct cio_session){.cio = &fx->cio, .host = host_b};
	fx->c = (struct cio_session){.cio = &fx->cio, .host = host_c};
	cio_set_notify_reset_handler(&fx->cio, on_reset, NULL);
	memset(&got, 0, sizeof(got));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	cio_rst_free(&fx->cio);
	loop_free(fx->loop);
	free(fx);
	return 0;
}

static const uint8_t tok1[] = {0xa1, 0x01};
static const uint8_t tok2[] = {0xb2, 0x02, 0x03};

static void test_match_by_mid(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 100, tok1, sizeof(tok1));
	cio_rst_sent(&fx->a, 101, tok2, sizeof(tok2));
	/* an RST with no NON of ours: nothing */
	cio_rst_seen(&fx->cio, 7);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 0);
	cio_rst_seen(&fx->cio, 101);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
	assert_ptr_equal(got.s, &fx->a);
	assert_int_equal(got.token_len, sizeof(tok2));
	assert_memory_equal(got.token, tok2, sizeof(tok2));
	/* taken off: a repeated RST does not report twice */
	cio_rst_seen(&fx->cio, 101);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
	/* several in one run, in order */
	cio_rst_sent(&fx->b, 102, tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 100);
	cio_rst_seen(&fx->cio, 102);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 3);
	assert_ptr_equal(got.s, &fx->b);
}

/* The nack of a CON (an RST to it) takes its log line back. */
static void test_claimed_by_con(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 200, tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 200); /* a CON of b that has mid 200 */
	cio_rst_claimed(&fx->cio, 200);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 0);
	/* only the latest line of that mid is claimed */
	cio_rst_seen(&fx->cio, 200);
	cio_rst_seen(&fx->cio, 200);
	cio_rst_claimed(&fx->cio, 200);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
}

/* Two sessions' NON notifications with one mid: nothing cancelled. */
static void test_ambiguous(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 300, tok1, sizeof(tok1));
	cio_rst_sent(&fx->b, 300, tok2, sizeof(tok2));
	cio_rst_seen(&fx->cio, 300);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 0);
	/* one session gone: the mid is b's alone */
	cio_rst_forget_session(&fx->a);
	cio_rst_seen(&fx->cio, 300);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
	assert_ptr_equal(got.s, &fx->b);
	/* the same observation twice (a wrapped counter): not ambiguous */
	cio_rst_sent(&fx->a, 301, tok1, sizeof(tok1));
	cio_rst_sent(&fx->a, 301, tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 301);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 2);
	assert_ptr_equal(got.s, &fx->a);
}

/* Older than NON_LIFETIME (145 s): missed. */
static void test_age(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 400, tok1, sizeof(tok1));
	now_us += 145000u * 1000u;
	cio_rst_seen(&fx->cio, 400);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1); /* 145 s: still in time */
	cio_rst_sent(&fx->a, 401, tok1, sizeof(tok1));
	now_us += 145001u * 1000u;
	cio_rst_seen(&fx->cio, 401);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
}

/* A session's window holds its last CIO_NON_WINDOW NON notifications,
 * whatever other sessions send. */
static void test_window_per_session(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 402, tok2, sizeof(tok2));
	for (unsigned i = 0; i < 4096; i++)
		cio_rst_sent(&fx->b, (coap_mid_t)(1000 + i), tok1,
			     sizeof(tok1));
	cio_rst_seen(&fx->cio, 402);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
	assert_ptr_equal(got.s, &fx->a);
	assert_memory_equal(got.token, tok2, sizeof(tok2));
	/* b's own older ones are out of its window */
	cio_rst_seen(&fx->cio, 1000 + 4096 - CIO_NON_WINDOW - 1);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
	cio_rst_seen(&fx->cio, 1000 + 4096 - CIO_NON_WINDOW);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 2);
	assert_ptr_equal(got.s, &fx->b);
}

/* Pushed out of its session's small window, a mid no longer counts: not
 * matched, and not making another session's one ambiguous. */
static void test_window_small(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 500, tok1, sizeof(tok1));
	for (unsigned i = 1; i <= CIO_NON_WINDOW; i++)
		cio_rst_sent(&fx->a, (coap_mid_t)(500 + i), tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 500);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 0);
	/* the oldest one left still matches */
	cio_rst_seen(&fx->cio, 501);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);

	cio_rst_sent(&fx->b, 600, tok2, sizeof(tok2));
	cio_rst_sent(&fx->a, 600, tok1, sizeof(tok1));
	for (unsigned i = 1; i <= CIO_NON_WINDOW; i++)
		cio_rst_sent(&fx->a, (coap_mid_t)(600 + i), tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 600);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 2);
	assert_ptr_equal(got.s, &fx->b);
	assert_memory_equal(got.token, tok2, sizeof(tok2));
}

/* A forgotten session's NONs match nothing; the others keep theirs; it
 * gets a new window when it sends again. */
static void test_session_forgotten(void **state)
{
	struct fx *fx = *state;

	cio_rst_sent(&fx->a, 700, tok1, sizeof(tok1));
	cio_rst_sent(&fx->b, 701, tok1, sizeof(tok1));
	cio_rst_sent(&fx->c, 702, tok2, sizeof(tok2));
	cio_rst_sent(&fx->a, 702, tok1, sizeof(tok1));
	cio_rst_forget_session(&fx->a);
	cio_rst_forget_session(&fx->a); /* twice: harmless */
	cio_rst_seen(&fx->cio, 700);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 0);
	/* 702 was ambiguous while a had it; now it is c's */
	cio_rst_seen(&fx->cio, 702);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 1);
	assert_ptr_equal(got.s, &fx->c);
	cio_rst_seen(&fx->cio, 701);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 2);
	assert_ptr_equal(got.s, &fx->b);
	cio_rst_sent(&fx->a, 703, tok2, sizeof(tok2));
	cio_rst_seen(&fx->cio, 703);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 3);
	assert_ptr_equal(got.s, &fx->a);
	/* a freed session records nothing */
	fx->c.freed = true;
	cio_rst_forget_session(&fx->c);
	cio_rst_sent(&fx->c, 704, tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 704);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 3);
}

/* More RST lines in one run than the list holds: the rest are dropped,
 * the list is usable again after the run. */
static void test_seen_overflow(void **state)
{
	struct fx *fx = *state;

	struct cio_session *ss[] = {&fx->a, &fx->b, &fx->c};

	/* spread over three sessions: each window holds its share */
	assert_true(CIO_RST_SEEN_MAX + 1 <= 3 * CIO_NON_WINDOW);
	for (unsigned i = 0; i <= CIO_RST_SEEN_MAX; i++) {
		cio_rst_sent(ss[i % 3], (coap_mid_t)(600 + i), tok1,
			     sizeof(tok1));
		cio_rst_seen(&fx->cio, 600 + i);
	}
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, CIO_RST_SEEN_MAX);
	cio_rst_seen(&fx->cio, 600 + CIO_RST_SEEN_MAX);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, CIO_RST_SEEN_MAX + 1);
}

/* No handler: RSTs are matched and dropped, nothing crashes. */
static void test_no_handler(void **state)
{
	struct fx *fx = *state;

	cio_set_notify_reset_handler(&fx->cio, NULL, NULL);
	cio_rst_seen(&fx->cio, 1); /* before any NON: no window yet */
	cio_rst_deliver(&fx->cio);
	cio_rst_forget_session(&fx->a);
	cio_rst_sent(&fx->a, 1, tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 1);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_match_by_mid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_claimed_by_con, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ambiguous, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_per_session, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_window_small, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_session_forgotten, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_seen_overflow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_handler, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

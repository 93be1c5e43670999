/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The matching of RSTs to NON notifications (bridge/coap_io_rst.c) on
 * its own: NON notifications recorded, RST mids seen (as the libcoap log
 * hook reports them), claimed by a CON's nack, delivered.  The transport
 * and sessions are bare structs on a fake loop clock: no libcoap traffic,
 * so every case (two sessions with one mid, ring overwrite, age) can be
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

static char host_a[] = "a", host_b[] = "b";

struct fx {
	struct loop *loop;
	struct cio cio;
	struct cio_session a, b;
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

/* Older than NON_LIFETIME (145 s), or pushed out of the ring: missed. */
static void test_age_and_ring(void **state)
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

	/* 402, then a full ring's worth less one: 402 is the oldest left */
	cio_rst_sent(&fx->a, 402, tok2, sizeof(tok2));
	for (unsigned i = 0; i < CIO_NON_RING - 1; i++)
		cio_rst_sent(&fx->b, (coap_mid_t)(1000 + i), tok1,
			     sizeof(tok1));
	cio_rst_seen(&fx->cio, 402);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 2);
	assert_ptr_equal(got.s, &fx->a);
	/* two more: 403 takes 402's place, 5000 pushes out 1000 */
	cio_rst_sent(&fx->a, 403, tok2, sizeof(tok2));
	cio_rst_sent(&fx->b, 5000, tok1, sizeof(tok1));
	cio_rst_seen(&fx->cio, 1000);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 2); /* 1000 was pushed out */
	cio_rst_seen(&fx->cio, 403);
	cio_rst_deliver(&fx->cio);
	assert_int_equal(got.n, 3);
}

/* More RST lines in one run than the list holds: the rest are dropped,
 * the list is usable again after the run. */
static void test_seen_overflow(void **state)
{
	struct fx *fx = *state;

	for (unsigned i = 0; i <= CIO_RST_SEEN_MAX; i++) {
		cio_rst_sent(&fx->a, (coap_mid_t)(600 + i), tok1, sizeof(tok1));
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
	cio_rst_seen(&fx->cio, 1); /* before any NON: no ring yet */
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
		cmocka_unit_test_setup_teardown(test_age_and_ring, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_seen_overflow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_handler, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

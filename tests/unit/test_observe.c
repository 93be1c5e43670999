/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe engine on a fake clock, with a mock owner that builds text
 * payloads from one numeric "sensor" value and records every send.
 * Test names follow the OMA ETS cases where one fits.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "loop_fixture.h"
#include "observe.h"

#define MAXSENT 64

struct sent {
	uint8_t token[OBS_TOKEN_MAX];
	size_t token_len;
	uint32_t seq;
	bool con;
	uint16_t cf;
	char payload[64];
};

struct owner {
	struct fx *fx;
	struct attrs *attrs;
	struct obs_engine *e;
	double num;   /* the sensor's value */
	bool num_ok;  /* read_number() succeeds */
	int build_rc; /* forced build() result when non-zero */
	int send_rc;  /* send() result */
	size_t pad;   /* extra payload bytes, to test -ENOBUFS */
	int builds, read_numbers, wakeups;
	struct sent sent[MAXSENT];
	size_t nsent;
};

static int m_build(void *ctx, const struct obs_info *info, uint8_t *buf,
		   size_t cap, size_t *len, uint16_t *cf)
{
	struct owner *ow = ctx;
	char text[PATH_STR_MAX + 32];
	int n;

	ow->builds++;
	if (ow->build_rc)
		return ow->build_rc;
	path_format(&info->path, text, sizeof(text));
	n = snprintf(text + strlen(text), 32, "=%g", ow->num);
	assert_true(n > 0);
	n = (int)strlen(text);
	if ((size_t)n + ow->pad > cap)
		return -ENOBUFS;
	memcpy(buf, text, (size_t)n);
	memset(buf + n, '.', ow->pad);
	*len = (size_t)n + ow->pad;
	*cf = info->accept >= 0 ? (uint16_t)info->accept : 0;
	return 0;
}

static int m_send(void *ctx, const struct obs_info *info, uint32_t seq,
		  bool con, uint16_t cf, const uint8_t *payload, size_t len)
{
	struct owner *ow = ctx;
	struct sent *s;

	assert_true(seq <= OBS_SEQ_MASK);
	if (ow->send_rc)
		return ow->send_rc;
	assert_true(ow->nsent < MAXSENT);
	s = &ow->sent[ow->nsent++];
	memcpy(s->token, info->token, info->token_len);
	s->token_len = info->token_len;
	s->seq = seq;
	s->con = con;
	s->cf = cf;
	len = len - ow->pad < sizeof(s->payload) - 1 ? len - ow->pad
						     : sizeof(s->payload) - 1;
	memcpy(s->payload, payload, len);
	s->payload[len] = '\0';
	return 0;
}

static int m_read_number(void *ctx, const struct path *p, double *out)
{
	struct owner *ow = ctx;

	(void)p;
	ow->read_numbers++;
	if (!ow->num_ok)
		return -EINVAL;
	*out = ow->num;
	return 0;
}

static void m_wakeup(void *ctx)
{
	((struct owner *)ctx)->wakeups++;
}

static const struct obs_callbacks mock_cb = {
	.build = m_build,
	.send = m_send,
	.read_number = m_read_number,
	.wakeup = m_wakeup,
};

static void config_for(struct owner *ow, struct obs_config *c)
{
	obs_config_init(c);
	c->loop = ow->fx->loop;
	c->cb = &mock_cb;
	c->ctx = ow;
	c->attrs = ow->attrs;
}

static int osetup(void **state)
{
	struct owner *ow = calloc(1, sizeof(*ow));
	struct obs_config c;
	void *fxs;

	if (!ow || setup(&fxs) != 0)
		return -1;
	ow->fx = fxs;
	ow->num_ok = true;
	ow->attrs = attrs_new();
	config_for(ow, &c);
	ow->e = obs_new(&c);
	if (!ow->attrs || !ow->e)
		return -1;
	*state = ow;
	return 0;
}

static int oteardown(void **state)
{
	struct owner *ow = *state;
	void *fxs = ow->fx;

	obs_free(ow->e);
	attrs_free(ow->attrs);
	teardown(&fxs);
	free(ow);
	return 0;
}

/* Replaces the engine with one built from a tweaked configuration. */
static void reconfigure(struct owner *ow, void (*tweak)(struct obs_config *))
{
	struct obs_config c;

	obs_free(ow->e);
	config_for(ow, &c);
	tweak(&c);
	ow->e = obs_new(&c);
	assert_non_null(ow->e);
}

/* Runs loop iterations until nothing more is due now. */
static void settle(struct owner *ow)
{
	for (int i = 0; i < 100; i++)
		if (loop_run_once(ow->fx->loop, 0) == 0)
			return;
	fail_msg("the loop never settles");
}

static void step(struct owner *ow, uint64_t ms)
{
	advance_ms(ow->fx, ms);
	settle(ow);
}

static void wattr(struct owner *ow, struct path p, const char *opt,
		  bool numeric)
{
	const char *opts[1] = {opt};
	size_t len[1] = {strlen(opt)};

	assert_int_equal(attrs_write(ow->attrs, &p, opts, len, 1, numeric), 0);
	obs_attrs_changed(ow->e);
}

static const uint8_t T1[] = {0xa1, 0xb2, 0xc3, 0xd4};
static const uint8_t T2[] = {0x22};
static const uint8_t T3[] = {1, 2, 3, 4, 5, 6, 7, 8};

static void add(struct owner *ow, const uint8_t *tok, size_t tl, struct path p,
		uint32_t want_seq)
{
	uint32_t seq = 12345;

	assert_int_equal(obs_add(ow->e, tok, tl, &p, -1, &seq), 0);
	assert_int_equal(seq, want_seq);
}

static void change(struct owner *ow, struct path p, double v)
{
	ow->num = v;
	obs_value_changed(ow->e, &p);
}

static void assert_sent(const struct owner *ow, size_t i, const char *payload,
			uint32_t seq, bool con)
{
	assert_true(i < ow->nsent);
	assert_string_equal(ow->sent[i].payload, payload);
	assert_int_equal(ow->sent[i].seq, seq);
	assert_int_equal(ow->sent[i].con, con);
}

static struct obs_stats stats(const struct owner *ow)
{
	struct obs_stats s;

	obs_get_stats(ow->e, &s);
	return s;
}

#define TEMP path_resource(3303, 0, 5700)

/* ---- basics ---------------------------------------------------------- */

static void test_ets_301_observe_and_notify(void **state)
{
	struct owner *ow = *state;

	ow->num = 20;
	add(ow, T1, sizeof(T1), TEMP, 0);
	assert_int_equal(obs_count(ow->e), 1);
	/* Idle: nothing armed, nothing sent. */
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	step(ow, 3600000);
	assert_int_equal(ow->nsent, 0);

	change(ow, TEMP, 21.5);
	assert_int_equal(ow->nsent, 0); /* never from inside the call */
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_sent(ow, 0, "/3303/0/5700=21.5", 1, false);
	assert_memory_equal(ow->sent[0].token, T1, sizeof(T1));
	assert_int_equal(ow->sent[0].token_len, sizeof(T1));
	/* Two changes in one iteration: one notification, latest value. */
	change(ow, TEMP, 22);
	change(ow, TEMP, 23);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_sent(ow, 1, "/3303/0/5700=23", 2, false);
	assert_int_equal(stats(ow).sent, 2);
	assert_int_equal(stats(ow).coalesced, 1);
	/* Unrelated paths do not match. */
	change(ow, path_resource(3303, 0, 5701), 1);
	change(ow, path_resource(3303, 1, 5700), 1);
	change(ow, path_object(3304), 1);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_accept_and_content_format(void **state)
{
	struct owner *ow = *state;
	struct path p = TEMP;

	assert_int_equal(obs_add(ow->e, T1, sizeof(T1), &p, 11542, NULL), 0);
	change(ow, TEMP, 1);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(ow->sent[0].cf, 11542);
}

static void test_add_invalid(void **state)
{
	struct owner *ow = *state;
	struct path root = path_root(), p = TEMP;
	uint8_t nine[9] = {0};
	struct attr_set a;

	assert_int_equal(obs_add(ow->e, T1, sizeof(T1), &root, -1, NULL),
			 -EINVAL);
	assert_int_equal(obs_add(ow->e, nine, 9, &p, -1, NULL), -EINVAL);
	assert_int_equal(obs_add(ow->e, NULL, 2, &p, -1, NULL), -EINVAL);
	assert_int_equal(obs_add(NULL, T1, 1, &p, -1, NULL), -EINVAL);
	/* An empty token is a valid CoAP token. */
	assert_int_equal(obs_add(ow->e, NULL, 0, &p, -1, NULL), 0);
	assert_int_equal(obs_get_attrs(ow->e, NULL, 0, &a), 0);
	assert_int_equal(obs_cancel(ow->e, NULL, 0), 0);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(obs_get_attrs(ow->e, T1, 1, &a), -ENOENT);
	assert_int_equal(obs_cancel(ow->e, T1, 1), -ENOENT);
	assert_int_equal(obs_sent(ow->e, T1, 1, 1, 0), -ENOENT);
}

static void small_max(struct obs_config *c)
{
	c->max_observations = 2;
}

static void test_max_observations(void **state)
{
	struct owner *ow = *state;
	struct path p = TEMP;

	reconfigure(ow, small_max);
	add(ow, T1, sizeof(T1), TEMP, 0);
	add(ow, T2, sizeof(T2), TEMP, 0);
	assert_int_equal(obs_add(ow->e, T3, sizeof(T3), &p, -1, NULL), -ENOSPC);
	/* Replacing an existing token needs no room. */
	add(ow, T2, sizeof(T2), TEMP, 1);
	assert_int_equal(obs_count(ow->e), 2);
}

static void test_new_invalid(void **state)
{
	struct owner *ow = *state;
	struct obs_config c;
	struct obs_callbacks nob = mock_cb;

	config_for(ow, &c);
	c.loop = NULL;
	errno = 0;
	assert_null(obs_new(&c));
	assert_int_equal(errno, EINVAL);
	config_for(ow, &c);
	nob.build = NULL;
	c.cb = &nob;
	assert_null(obs_new(&c));
	config_for(ow, &c);
	c.payload_initial = c.payload_max + 1;
	assert_null(obs_new(&c));
	assert_null(obs_new(NULL));
	obs_free(NULL);
	assert_int_equal(obs_count(NULL), 0);
}

/* ---- attributes ------------------------------------------------------ */

static void test_pmin_holds_and_sends_latest(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "pmin=10", true);
	add(ow, T1, sizeof(T1), TEMP, 0);
	step(ow, 1000);
	change(ow, TEMP, 1);
	step(ow, 1000);
	change(ow, TEMP, 2);
	step(ow, 7999); /* t = 9.999 s */
	assert_int_equal(ow->nsent, 0);
	step(ow, 1); /* t = 10 s: pmin after the Observe answer */
	assert_int_equal(ow->nsent, 1);
	assert_sent(ow, 0, "/3303/0/5700=2", 1, false);
	assert_int_equal(stats(ow).coalesced, 1);
	/* pmin runs from the last notification. */
	step(ow, 5000);
	change(ow, TEMP, 3);
	step(ow, 4999);
	assert_int_equal(ow->nsent, 1);
	step(ow, 1);
	assert_sent(ow, 1, "/3303/0/5700=3", 2, false);
	/* A change after pmin went by goes out at once. */
	step(ow, 60000);
	change(ow, TEMP, 4);
	settle(ow);
	assert_int_equal(ow->nsent, 3);
	/* Nothing pending: no timer. */
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_pmax_periodic(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "pmax=60", true);
	ow->num = 7;
	add(ow, T1, sizeof(T1), TEMP, 0);
	step(ow, 59999);
	assert_int_equal(ow->nsent, 0);
	step(ow, 1);
	assert_int_equal(ow->nsent, 1);
	assert_sent(ow, 0, "/3303/0/5700=7", 1, false);
	step(ow, 60000);
	assert_int_equal(ow->nsent, 2);
	/* A change restarts the pmax period. */
	step(ow, 30000);
	change(ow, TEMP, 8);
	settle(ow);
	assert_int_equal(ow->nsent, 3);
	step(ow, 59999);
	assert_int_equal(ow->nsent, 3);
	step(ow, 1);
	assert_int_equal(ow->nsent, 4);
	/* pmax 0 is no period: the timer goes. */
	wattr(ow, TEMP, "pmax=0", true);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* A pmax below pmin is ignored. */
	wattr(ow, path_instance(3303, 0), "pmin=100", false);
	wattr(ow, TEMP, "pmax=50", true);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_pmax_aligned(void **state)
{
	struct owner *ow = *state;

	/* Three observations created 300 ms apart share a 1 s grid. */
	wattr(ow, path_object(3303), "pmax=60", false);
	add(ow, T1, sizeof(T1), path_resource(3303, 0, 1), 0);
	step(ow, 300);
	add(ow, T2, sizeof(T2), path_resource(3303, 0, 2), 0);
	step(ow, 300);
	add(ow, T3, sizeof(T3), path_resource(3303, 0, 3), 0);
	/* Never late, at most 1 s early, and all in one iteration. */
	advance_ms(ow->fx, 60000 - 600);
	assert_int_equal(loop_run_once(ow->fx->loop, 0), 3);
	assert_int_equal(ow->nsent, 3);
	uint64_t before = loop_wakeups(ow->fx->loop);
	advance_ms(ow->fx, 60000);
	assert_int_equal(loop_run_once(ow->fx->loop, 0), 3);
	assert_int_equal(loop_wakeups(ow->fx->loop), before + 1);
}

static void no_align(struct obs_config *c)
{
	c->align_ms = 0;
}

static void test_pmax_unaligned(void **state)
{
	struct owner *ow = *state;

	reconfigure(ow, no_align);
	wattr(ow, TEMP, "pmax=60", true);
	step(ow, 300);
	add(ow, T1, sizeof(T1), TEMP, 0);
	step(ow, 59999);
	assert_int_equal(ow->nsent, 0);
	step(ow, 1);
	assert_int_equal(ow->nsent, 1);
}

static void test_gt_lt_crossing(void **state)
{
	struct owner *ow = *state;
	static const struct {
		double v;
		bool notifies;
	} seq[] = {
		{18, false}, {21, true}, /* up through gt */
		{25, false}, {19, true}, /* down through gt */
		{15, false}, {9, true},	 /* down through lt */
		{8, false},  {11, true}, /* up through lt */
		{20, false},		 /* gt itself is not above gt */
		{5, true},		 /* over lt */
		{30, true},		 /* across both */
	};
	size_t n = 0;

	wattr(ow, TEMP, "gt=20", true);
	wattr(ow, TEMP, "lt=10", true);
	ow->num = 15;
	add(ow, T1, sizeof(T1), TEMP, 0);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		change(ow, TEMP, seq[i].v);
		settle(ow);
		if (seq[i].notifies)
			n++;
		if (ow->nsent != n)
			fail_msg("step %zu (%g): %zu sent, want %zu", i,
				 seq[i].v, ow->nsent, n);
	}
	assert_sent(ow, n - 1, "/3303/0/5700=30", (uint32_t)n, false);
}

static void test_st_step(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "st=5", true);
	ow->num = 10;
	add(ow, T1, sizeof(T1), TEMP, 0);
	change(ow, TEMP, 12);
	change(ow, TEMP, 14.9);
	settle(ow);
	assert_int_equal(ow->nsent, 0);
	change(ow, TEMP, 15); /* moved by st since the LAST NOTIFIED value */
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	change(ow, TEMP, 11);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	change(ow, TEMP, 10);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_sent(ow, 1, "/3303/0/5700=10", 2, false);
}

static void test_conditions_with_pmin(void **state)
{
	struct owner *ow = *state;

	/* A crossing inside pmin is held; the LATEST value goes out. */
	wattr(ow, TEMP, "pmin=10", true);
	wattr(ow, TEMP, "gt=20", true);
	ow->num = 15;
	add(ow, T1, sizeof(T1), TEMP, 0);
	step(ow, 1000);
	change(ow, TEMP, 25);
	step(ow, 1000);
	change(ow, TEMP, 26);
	step(ow, 8000);
	assert_int_equal(ow->nsent, 1);
	assert_sent(ow, 0, "/3303/0/5700=26", 1, false);
	/* Compared with 26 now: 22 stays above gt. */
	step(ow, 20000);
	change(ow, TEMP, 22);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
}

static void test_non_numeric(void **state)
{
	struct owner *ow = *state;

	/* A string resource, no attributes: every change notifies and the
	 * value is never read as a number. */
	add(ow, T1, sizeof(T1), path_resource(3, 0, 0), 0);
	change(ow, path_resource(3, 0, 0), 1);
	settle(ow);
	change(ow, path_resource(3, 0, 0), 1);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(ow->read_numbers, 0);
	/* st set but the owner cannot give a number: changes notify. */
	wattr(ow, TEMP, "st=100", true);
	ow->num_ok = false;
	add(ow, T2, sizeof(T2), TEMP, 0);
	change(ow, TEMP, 1);
	settle(ow);
	assert_int_equal(ow->nsent, 3);
	assert_true(ow->read_numbers > 0);
}

static void test_object_and_instance_levels(void **state)
{
	struct owner *ow = *state;
	struct attr_set a;

	wattr(ow, path_object(3303), "pmin=5", false);
	wattr(ow, path_instance(3303, 0), "pmin=2", false);
	/* gt on a resource does not apply to an instance observation. */
	wattr(ow, TEMP, "gt=100", true);
	add(ow, T1, sizeof(T1), path_object(3303), 0);
	add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	assert_int_equal(obs_get_attrs(ow->e, T1, sizeof(T1), &a), 0);
	assert_int_equal(a.pmin, 5);
	assert_int_equal(obs_get_attrs(ow->e, T2, sizeof(T2), &a), 0);
	assert_int_equal(a.pmin, 2);
	assert_false(a.has & ATTR_GT);

	step(ow, 10000);
	change(ow, TEMP, 1);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_string_equal(ow->sent[0].payload, "/3303=1");
	assert_string_equal(ow->sent[1].payload, "/3303/0=1");
	/* Another instance: only the object observation. */
	change(ow, path_resource(3303, 1, 5700), 2);
	step(ow, 5000);
	assert_int_equal(ow->nsent, 3);
	assert_memory_equal(ow->sent[2].token, T1, sizeof(T1));
	assert_string_equal(ow->sent[2].payload, "/3303=2");
	/* A resource instance change reaches every level above it; the
	 * resource observation applies its gt (3 is not above 100). */
	add(ow, T3, sizeof(T3), TEMP, 0);
	step(ow, 10000);
	change(ow, path_resource_instance(3303, 0, 5700, 4), 3);
	settle(ow);
	assert_int_equal(ow->nsent, 5);
	/* A change reported for a whole instance reaches its resources. */
	step(ow, 10000);
	change(ow, path_instance(3303, 0), 300);
	settle(ow);
	assert_int_equal(ow->nsent, 8);
	assert_memory_equal(ow->sent[6].token, T3, sizeof(T3));
	assert_string_equal(ow->sent[6].payload, "/3303/0/5700=300");
}

static void test_attrs_changed_replans(void **state)
{
	struct owner *ow = *state;
	struct attr_set d = {
		.has = ATTR_PMIN | ATTR_PMAX, .pmin = 1, .pmax = 30};

	add(ow, T1, sizeof(T1), TEMP, 0);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* Server defaults /1/x/2 and /1/x/3. */
	obs_set_defaults(ow->e, &d);
	step(ow, 30000);
	assert_int_equal(ow->nsent, 1);
	/* A resource pmax overrides the default. */
	wattr(ow, TEMP, "pmax=10", true);
	step(ow, 10000);
	assert_int_equal(ow->nsent, 2);
	obs_set_defaults(ow->e, NULL);
	assert_int_equal(attrs_clear(ow->attrs, &(struct path){.len = 0}), 1);
	obs_attrs_changed(ow->e);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

/* ---- flow control ---------------------------------------------------- */

static void all_con(struct obs_config *c)
{
	c->all_con = true;
}

static void test_coalesce_with_con_in_flight(void **state)
{
	struct owner *ow = *state;
	struct obs_stats s;

	reconfigure(ow, all_con);
	add(ow, T1, sizeof(T1), TEMP, 0);
	change(ow, TEMP, 0);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_true(ow->sent[0].con);
	/* pmin 0, 1000 fast changes: no flood, one pending. */
	for (int i = 1; i <= 1000; i++) {
		change(ow, TEMP, i);
		step(ow, 1);
	}
	assert_int_equal(ow->nsent, 1);
	s = stats(ow);
	assert_int_equal(s.coalesced, 999);
	assert_int_equal(ow->builds, 1);
	/* The ACK: the pending one goes, with the latest value. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), 0);
	assert_int_equal(ow->nsent, 1); /* not from inside obs_sent */
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_sent(ow, 1, "/3303/0/5700=1000", 2, true);
	/* A stale or repeated completion is refused. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), -ENOENT);
	assert_int_equal(obs_sent(ow->e, T2, sizeof(T2), 2, 0), -ENOENT);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 2, 0), 0);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
}

static void test_timeout_keeps_observation(void **state)
{
	struct owner *ow = *state;

	reconfigure(ow, all_con);
	add(ow, T1, sizeof(T1), TEMP, 0);
	change(ow, TEMP, 1);
	settle(ow);
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, -ETIMEDOUT), 0);
	settle(ow);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(ow->nsent, 2);
	assert_sent(ow, 1, "/3303/0/5700=2", 2, true);
	assert_int_equal(stats(ow).timeouts, 1);
	/* The owner never reports the end: the guard frees the slot. */
	change(ow, TEMP, 3);
	step(ow, 246999);
	assert_int_equal(ow->nsent, 2);
	step(ow, 1);
	assert_int_equal(stats(ow).timeouts, 2);
	assert_int_equal(ow->nsent, 3);
	assert_sent(ow, 2, "/3303/0/5700=3", 3, true);
}

static void test_ets_302_cancel_by_rst(void **state)
{
	struct owner *ow = *state;

	reconfigure(ow, all_con);
	add(ow, T1, sizeof(T1), TEMP, 0);
	change(ow, TEMP, 1);
	settle(ow);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, -ECONNRESET), 0);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(stats(ow).cancelled, 1);
	change(ow, TEMP, 2);
	step(ow, 100000);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_ets_302_cancel_by_rst_to_non(void **state)
{
	struct owner *ow = *state;

	add(ow, T1, sizeof(T1), TEMP, 0);
	change(ow, TEMP, 1);
	settle(ow);
	assert_false(ow->sent[0].con);
	/* The transport matched the RST to this token. */
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), 0);
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
}

static void test_ets_303_cancel_with_observe_1(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "pmax=5", true);
	add(ow, T1, sizeof(T1), TEMP, 0);
	add(ow, T2, sizeof(T2), TEMP, 0);
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), 0);
	assert_int_equal(obs_cancel(ow->e, T1, sizeof(T1)), -ENOENT);
	assert_int_equal(obs_count(ow->e), 1);
	step(ow, 5000);
	assert_int_equal(ow->nsent, 1);
	assert_memory_equal(ow->sent[0].token, T2, sizeof(T2));
	assert_int_equal(obs_cancel(ow->e, T2, sizeof(T2)), 0);
	step(ow, 50000);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
}

static void test_duplicate_token_replaces(void **state)
{
	struct owner *ow = *state;

	add(ow, T1, sizeof(T1), TEMP, 0);
	change(ow, TEMP, 1);
	settle(ow);
	/* The same token again: one entry, numbering continues. */
	add(ow, T1, sizeof(T1), TEMP, 2);
	add(ow, T1, sizeof(T1), path_resource(3303, 0, 5701), 3);
	assert_int_equal(obs_count(ow->e), 1);
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(ow->nsent, 1); /* the old path is not observed */
	change(ow, path_resource(3303, 0, 5701), 3);
	settle(ow);
	assert_sent(ow, 1, "/3303/0/5701=3", 4, false);
	/* Another token on the same path: a second observation. */
	add(ow, T2, sizeof(T2), path_resource(3303, 0, 5701), 0);
	assert_int_equal(obs_count(ow->e), 2);
	change(ow, path_resource(3303, 0, 5701), 4);
	settle(ow);
	assert_int_equal(ow->nsent, 4);
}

static void test_cancel_within(void **state)
{
	struct owner *ow = *state;

	add(ow, T1, sizeof(T1), TEMP, 0);
	add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	add(ow, T3, sizeof(T3), path_instance(3303, 1), 0);
	assert_int_equal(obs_cancel_within(ow->e, &(struct path){0}), 0 + 3);
	add(ow, T1, sizeof(T1), TEMP, 0);
	add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	add(ow, T3, sizeof(T3), path_instance(3303, 1), 0);
	struct path i0 = path_instance(3303, 0);
	assert_int_equal(obs_cancel_within(ow->e, &i0), 2);
	assert_int_equal(obs_count(ow->e), 1);
	assert_int_equal(obs_cancel_within(ow->e, NULL), 0);
}

static void test_con_every_24h(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "pmax=3600", true);
	add(ow, T1, sizeof(T1), TEMP, 0);
	for (int h = 1; h < 24; h++) {
		step(ow, 3600000);
		assert_int_equal(ow->nsent, (size_t)h);
		assert_false(ow->sent[h - 1].con);
	}
	step(ow, 3600000); /* 24 h after the Observe */
	assert_int_equal(ow->nsent, 24);
	assert_true(ow->sent[23].con);
	/* Not acknowledged: the next one is confirmable again. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 24, -ETIMEDOUT), 0);
	step(ow, 3600000);
	assert_true(ow->sent[24].con);
	/* Acknowledged: NON for the next 24 h. */
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 25, 0), 0);
	step(ow, 3600000);
	assert_false(ow->sent[25].con);
}

/* ---- building and sending failures ----------------------------------- */

static void tiny_buffer(struct obs_config *c)
{
	c->payload_initial = 8;
	c->payload_max = 100;
}

static void test_build_grows_buffer(void **state)
{
	struct owner *ow = *state;

	reconfigure(ow, tiny_buffer);
	add(ow, T1, sizeof(T1), TEMP, 0);
	ow->pad = 50;
	change(ow, TEMP, 1);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_string_equal(ow->sent[0].payload, "/3303/0/5700=1");
	/* Beyond payload_max: dropped and counted, the observation stays. */
	ow->pad = 200;
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_int_equal(stats(ow).failed, 1);
	ow->pad = 0;
	ow->build_rc = -ENOENT;
	change(ow, TEMP, 3);
	settle(ow);
	assert_int_equal(stats(ow).failed, 2);
	ow->build_rc = 0;
	ow->send_rc = -ENOTCONN;
	change(ow, TEMP, 4);
	settle(ow);
	assert_int_equal(stats(ow).failed, 3);
	ow->send_rc = 0;
	change(ow, TEMP, 5);
	settle(ow);
	assert_int_equal(ow->nsent, 2);
	assert_int_equal(obs_count(ow->e), 1);
}

/* ---- offline, storing, queue mode ------------------------------------ */

static void small_store(struct obs_config *c)
{
	c->store_max_count = 3;
}

/* Acknowledges the flushed notification i (CON) and lets the next go. */
static void ack(struct owner *ow, size_t i, int result)
{
	assert_true(i < ow->nsent);
	assert_true(ow->sent[i].con);
	assert_int_equal(obs_sent(ow->e, ow->sent[i].token,
				  ow->sent[i].token_len, ow->sent[i].seq,
				  result),
			 0);
	settle(ow);
}

static void test_offline_store_in_order_bounded(void **state)
{
	struct owner *ow = *state;
	size_t bytes;

	reconfigure(ow, small_store);
	add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	for (int v = 1; v <= 5; v++) {
		change(ow, TEMP, v);
		step(ow, 1000);
	}
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(obs_stored(ow->e, &bytes), 3);
	assert_int_equal(bytes, 3 * strlen("/3303/0/5700=1"));
	assert_int_equal(stats(ow).stored, 5);
	assert_int_equal(stats(ow).dropped, 2); /* the oldest two */
	assert_int_equal(ow->wakeups, 1);

	obs_set_reachable(ow->e, true);
	settle(ow);
	/* One at a time, confirmable, original numbering. */
	assert_int_equal(ow->nsent, 1);
	assert_sent(ow, 0, "/3303/0/5700=3", 3, true);
	/* A live change waits behind the backlog. */
	change(ow, TEMP, 6);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	ack(ow, 0, 0);
	assert_sent(ow, 1, "/3303/0/5700=4", 4, true);
	ack(ow, 1, -ETIMEDOUT); /* not retried */
	assert_sent(ow, 2, "/3303/0/5700=5", 5, true);
	ack(ow, 2, 0);
	settle(ow);
	assert_int_equal(ow->nsent, 4);
	assert_sent(ow, 3, "/3303/0/5700=6", 6, false);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(stats(ow).flushed, 3);
	assert_int_equal(stats(ow).timeouts, 1);
}

static void byte_store(struct obs_config *c)
{
	c->store_max_bytes = 40; /* two payloads of 14 bytes, not three */
}

static void test_offline_store_byte_bound(void **state)
{
	struct owner *ow = *state;
	size_t bytes;

	reconfigure(ow, byte_store);
	add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	for (int v = 1; v <= 4; v++) {
		change(ow, TEMP, v);
		settle(ow);
	}
	assert_int_equal(obs_stored(ow->e, &bytes), 2);
	assert_int_equal(bytes, 28);
	assert_int_equal(stats(ow).dropped, 2);
	/* One bigger than the whole bound is dropped alone. */
	ow->pad = 50;
	change(ow, TEMP, 5);
	settle(ow);
	assert_int_equal(obs_stored(ow->e, &bytes), 2);
	assert_int_equal(bytes, 28);
	assert_int_equal(stats(ow).dropped, 3);
	assert_int_equal(stats(ow).stored, 4);
}

static void test_offline_pmin_and_pmax(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "pmin=10", true);
	wattr(ow, TEMP, "pmax=60", true);
	add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	/* Changes inside pmin coalesce into one stored notification. */
	change(ow, TEMP, 1);
	step(ow, 1000);
	change(ow, TEMP, 2);
	step(ow, 9000);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	/* pmax alone stores nothing and then nothing is armed. */
	step(ow, 60000);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	step(ow, 3600000);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	/* Back: the stored one, then the catch-up with the value now. */
	ow->num = 3;
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_sent(ow, 0, "/3303/0/5700=2", 1, true);
	ack(ow, 0, 0);
	assert_int_equal(ow->nsent, 2);
	assert_sent(ow, 1, "/3303/0/5700=3", 2, false);
}

static void no_storing(struct obs_config *c)
{
	c->storing = false;
}

static void test_storing_disabled_drops(void **state)
{
	struct owner *ow = *state;

	reconfigure(ow, no_storing);
	add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	change(ow, TEMP, 1);
	settle(ow);
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(stats(ow).dropped, 2);
	assert_int_equal(stats(ow).stored, 0);
	assert_int_equal(ow->nsent, 0);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* Back online: one notification with the current value. */
	ow->num = 7;
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	assert_sent(ow, 0, "/3303/0/5700=7", 1, false);
	/* Switching storing on at run time (/1/x/6 written). */
	obs_set_storing(ow->e, true);
	obs_set_reachable(ow->e, false);
	change(ow, TEMP, 8);
	settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
}

static void test_registration_reset_keeps_stored(void **state)
{
	struct owner *ow = *state;

	add(ow, T1, sizeof(T1), TEMP, 0);
	add(ow, T2, sizeof(T2), path_instance(3303, 0), 0);
	obs_set_reachable(ow->e, false);
	change(ow, TEMP, 1);
	settle(ow);
	step(ow, 1000);
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(obs_stored(ow->e, NULL), 4);
	/* A new Register: observations gone, stored ones kept. */
	obs_registration_reset(ow->e);
	assert_int_equal(obs_count(ow->e), 0);
	assert_int_equal(obs_stored(ow->e, NULL), 4);
	assert_int_equal(loop_next_timeout_ms(ow->fx->loop), -1);
	/* The server observes again; the backlog goes first, in order. */
	add(ow, T3, sizeof(T3), TEMP, 0);
	change(ow, TEMP, 3);
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_sent(ow, 0, "/3303/0/5700=1", 1, true);
	assert_memory_equal(ow->sent[0].token, T1, sizeof(T1));
	ack(ow, 0, 0);
	assert_memory_equal(ow->sent[1].token, T2, sizeof(T2));
	assert_sent(ow, 1, "/3303/0=1", 1, true);
	/* An RST to a stale token drops that token's other entries. */
	ack(ow, 1, -ECONNRESET);
	assert_sent(ow, 2, "/3303/0/5700=2", 2, true);
	ack(ow, 2, 0);
	assert_int_equal(ow->nsent, 4);
	assert_memory_equal(ow->sent[3].token, T3, sizeof(T3));
	assert_sent(ow, 3, "/3303/0/5700=3", 1, false);
	assert_int_equal(stats(ow).dropped, 1);
	assert_int_equal(stats(ow).flushed, 3);
}

static void test_registration_reset_mid_flush(void **state)
{
	struct owner *ow = *state;

	add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	change(ow, TEMP, 1);
	settle(ow);
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	/* The session died with the CON in flight; a new Register. */
	obs_set_reachable(ow->e, false);
	obs_registration_reset(ow->e);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	assert_int_equal(obs_sent(ow->e, T1, sizeof(T1), 1, 0), -ENOENT);
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_int_equal(ow->nsent, 2); /* sent again: at least once */
	assert_sent(ow, 1, "/3303/0/5700=1", 1, true);
	ack(ow, 1, 0);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
}

static void test_flush_send_failure_pauses(void **state)
{
	struct owner *ow = *state;

	add(ow, T1, sizeof(T1), TEMP, 0);
	obs_set_reachable(ow->e, false);
	change(ow, TEMP, 1);
	settle(ow);
	ow->send_rc = -ENOTCONN;
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_int_equal(stats(ow).failed, 1);
	assert_int_equal(obs_stored(ow->e, NULL), 1);
	step(ow, 1000000);
	assert_int_equal(stats(ow).failed, 1); /* paused: no busy retry */
	ow->send_rc = 0;
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_int_equal(ow->nsent, 1);
	/* The guard ends a flushed CON the owner never reports. */
	step(ow, 247000);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	assert_int_equal(stats(ow).timeouts, 1);
}

static void test_ets_109_queue_mode(void **state)
{
	struct owner *ow = *state;

	wattr(ow, TEMP, "pmax=300", true);
	add(ow, T1, sizeof(T1), TEMP, 0);
	/* Queue Mode: the client sleeps. */
	obs_set_reachable(ow->e, false);
	step(ow, 10000);
	change(ow, TEMP, 1);
	settle(ow);
	assert_int_equal(ow->wakeups, 1); /* the owner sends an Update */
	step(ow, 2000);
	change(ow, TEMP, 2);
	settle(ow);
	assert_int_equal(ow->wakeups, 1);
	assert_int_equal(ow->nsent, 0);
	/* The Update succeeded: flush in order, then live again. */
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_sent(ow, 0, "/3303/0/5700=1", 1, true);
	ack(ow, 0, 0);
	assert_sent(ow, 1, "/3303/0/5700=2", 2, true);
	ack(ow, 1, 0);
	assert_int_equal(ow->nsent, 2);
	change(ow, TEMP, 3);
	settle(ow);
	assert_sent(ow, 2, "/3303/0/5700=3", 3, false);
	/* Asleep again: pmax falls due and wakes the client once. */
	obs_set_reachable(ow->e, false);
	step(ow, 300000);
	assert_int_equal(ow->wakeups, 2);
	assert_int_equal(obs_stored(ow->e, NULL), 0);
	obs_set_reachable(ow->e, true);
	settle(ow);
	assert_sent(ow, 3, "/3303/0/5700=3", 4, false);
}

/* ---- several servers ------------------------------------------------- */

static void test_ets_951_servers_with_attributes(void **state)
{
	struct owner *a = *state, b;
	struct obs_config c;

	memset(&b, 0, sizeof(b));
	b.fx = a->fx;
	b.num_ok = true;
	b.attrs = attrs_new();
	assert_non_null(b.attrs);
	config_for(&b, &c);
	b.e = obs_new(&c);
	assert_non_null(b.e);

	/* Server A: pmin 10; server B: gt 20 and pmax 30. */
	wattr(a, TEMP, "pmin=10", true);
	wattr(&b, TEMP, "gt=20", true);
	wattr(&b, TEMP, "pmax=30", true);
	a->num = b.num = 15;
	add(a, T1, sizeof(T1), TEMP, 0);
	struct path temp = TEMP;

	assert_int_equal(obs_add(b.e, T1, sizeof(T1), &temp, -1, NULL), 0);

	step(a, 1000);
	change(a, TEMP, 16);
	change(&b, TEMP, 16);
	settle(a);
	assert_int_equal(a->nsent, 0); /* pmin */
	assert_int_equal(b.nsent, 0);  /* below gt */
	step(a, 9000);
	assert_int_equal(a->nsent, 1);
	assert_int_equal(b.nsent, 0);
	change(a, TEMP, 25);
	change(&b, TEMP, 25);
	settle(a);
	assert_int_equal(b.nsent, 1);
	assert_int_equal(a->nsent, 1);
	step(a, 10000);
	assert_int_equal(a->nsent, 2);
	step(a, 20000); /* 30 s after B's notification */
	assert_int_equal(b.nsent, 2);
	assert_int_equal(a->nsent, 2);
	/* B offline does not touch A. */
	obs_set_reachable(b.e, false);
	change(a, TEMP, 26);
	change(&b, TEMP, 15);
	step(a, 10000);
	assert_int_equal(a->nsent, 3);
	assert_int_equal(b.nsent, 2);
	assert_int_equal(obs_stored(b.e, NULL), 1);
	assert_int_equal(obs_stored(a->e, NULL), 0);

	obs_free(b.e);
	attrs_free(b.attrs);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, osetup, oteardown)
	const struct CMUnitTest tests[] = {
		T(test_ets_301_observe_and_notify),
		T(test_accept_and_content_format),
		T(test_add_invalid),
		T(test_max_observations),
		T(test_new_invalid),
		T(test_pmin_holds_and_sends_latest),
		T(test_pmax_periodic),
		T(test_pmax_aligned),
		T(test_pmax_unaligned),
		T(test_gt_lt_crossing),
		T(test_st_step),
		T(test_conditions_with_pmin),
		T(test_non_numeric),
		T(test_object_and_instance_levels),
		T(test_attrs_changed_replans),
		T(test_coalesce_with_con_in_flight),
		T(test_timeout_keeps_observation),
		T(test_ets_302_cancel_by_rst),
		T(test_ets_302_cancel_by_rst_to_non),
		T(test_ets_303_cancel_with_observe_1),
		T(test_duplicate_token_replaces),
		T(test_cancel_within),
		T(test_con_every_24h),
		T(test_build_grows_buffer),
		T(test_offline_store_in_order_bounded),
		T(test_offline_store_byte_bound),
		T(test_offline_pmin_and_pmax),
		T(test_storing_disabled_drops),
		T(test_registration_reset_keeps_stored),
		T(test_registration_reset_mid_flush),
		T(test_flush_send_failure_pauses),
		T(test_ets_109_queue_mode),
		T(test_ets_951_servers_with_attributes),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}

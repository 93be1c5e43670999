/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock owner and helpers behind observe_fixture.h.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "observe_fixture.h"

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

static int m_end(void *ctx, const struct obs_info *info, int err)
{
	struct owner *ow = ctx;
	struct ended *x;

	assert_true(ow->nended < MAXENDED);
	x = &ow->ended[ow->nended++];
	memcpy(x->token, info->token, info->token_len);
	x->token_len = info->token_len;
	x->err = err;
	return ow->end_rc;
}

const struct obs_callbacks ofx_mock_cb = {
	.build = m_build,
	.send = m_send,
	.read_number = m_read_number,
	.wakeup = m_wakeup,
	.end = m_end,
};

void ofx_config_for(struct owner *ow, struct obs_config *c)
{
	obs_config_init(c);
	c->loop = ow->fx->loop;
	c->cb = &ofx_mock_cb;
	c->ctx = ow;
	c->attrs = ow->attrs;
}

int ofx_setup(void **state)
{
	struct owner *ow = calloc(1, sizeof(*ow));
	struct obs_config c;
	void *fxs;

	if (!ow || setup(&fxs) != 0)
		return -1;
	ow->fx = fxs;
	ow->num_ok = true;
	ow->attrs = attrs_new();
	ofx_config_for(ow, &c);
	ow->e = obs_new(&c);
	if (!ow->attrs || !ow->e)
		return -1;
	*state = ow;
	return 0;
}

int ofx_teardown(void **state)
{
	struct owner *ow = *state;
	void *fxs = ow->fx;

	obs_free(ow->e);
	attrs_free(ow->attrs);
	teardown(&fxs);
	free(ow);
	return 0;
}

void ofx_reconfigure(struct owner *ow, void (*tweak)(struct obs_config *))
{
	struct obs_config c;

	obs_free(ow->e);
	ofx_config_for(ow, &c);
	tweak(&c);
	ow->e = obs_new(&c);
	assert_non_null(ow->e);
}

void ofx_settle(struct owner *ow)
{
	for (int i = 0; i < 100; i++)
		if (loop_run_once(ow->fx->loop, 0) == 0)
			return;
	fail_msg("the loop never settles");
}

void ofx_step(struct owner *ow, uint64_t ms)
{
	advance_ms(ow->fx, ms);
	ofx_settle(ow);
}

void ofx_wattr(struct owner *ow, struct path p, const char *opt, bool numeric)
{
	const char *opts[1] = {opt};
	size_t len[1] = {strlen(opt)};

	assert_int_equal(attrs_write(ow->attrs, &p, opts, len, 1, numeric), 0);
	obs_attrs_changed(ow->e);
}

void ofx_add(struct owner *ow, const uint8_t *tok, size_t tl, struct path p,
	     uint32_t want_seq)
{
	uint32_t seq = 12345;

	assert_int_equal(obs_add(ow->e, tok, tl, &p, -1, &seq), 0);
	assert_int_equal(seq, want_seq);
}

void ofx_change(struct owner *ow, struct path p, double v)
{
	ow->num = v;
	obs_value_changed(ow->e, &p);
}

void ofx_assert_sent(const struct owner *ow, size_t i, const char *payload,
		     uint32_t seq, bool con)
{
	assert_true(i < ow->nsent);
	assert_string_equal(ow->sent[i].payload, payload);
	assert_int_equal(ow->sent[i].seq, seq);
	assert_int_equal(ow->sent[i].con, con);
}

struct obs_stats ofx_stats(const struct owner *ow)
{
	struct obs_stats s;

	obs_get_stats(ow->e, &s);
	return s;
}

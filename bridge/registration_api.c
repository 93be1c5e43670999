/* SPDX-License-Identifier: BSD-3-Clause */
/* Life cycle, verbs and inspection of the registration state machine. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registration_priv.h"

static const char *const state_names[] = {
	[REG_STATE_IDLE] = "idle",
	[REG_STATE_REGISTERING] = "registering",
	[REG_STATE_BACKOFF] = "backoff",
	[REG_STATE_REGISTERED] = "registered",
	[REG_STATE_UPDATING] = "updating",
	[REG_STATE_SLEEPING] = "sleeping",
	[REG_STATE_DEREGISTERING] = "deregistering",
	[REG_STATE_DISABLED] = "disabled",
};

const char *reg_state_name(enum reg_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[s];
}

const char *reg_op_name(enum reg_op op)
{
	switch (op) {
	case REG_OP_REGISTER: return "register";
	case REG_OP_UPDATE: return "update";
	case REG_OP_DEREGISTER: return "de-register";
	}
	return "?";
}

/* ---- life cycle ---------------------------------------------------- */

static void apply_defaults(struct reg_config *c)
{
#define DEF(f, v)                                                              \
	do {                                                                   \
		if (!c->f)                                                     \
			c->f = (v);                                            \
	} while (0)
	DEF(retry_count, REG_DEFAULT_RETRY_COUNT);
	DEF(retry_timer_s, REG_DEFAULT_RETRY_TIMER_S);
	DEF(seq_delay_s, REG_DEFAULT_SEQ_DELAY_S);
	DEF(seq_retry_count, REG_DEFAULT_SEQ_RETRY_COUNT);
	DEF(disable_timeout_s, REG_DEFAULT_DISABLE_TIMEOUT_S);
	DEF(queue_timeout_ms, REG_DEFAULT_QUEUE_TIMEOUT_MS);
	DEF(exchange_timeout_ms, REG_DEFAULT_EXCHANGE_TIMEOUT_MS);
	DEF(session_reset_after, REG_DEFAULT_SESSION_RESET_AFTER);
	DEF(jitter_pct, REG_DEFAULT_JITTER_PCT);
#undef DEF
	if (c->jitter_pct > 100)
		c->jitter_pct = 100;
}

struct reg *reg_new(struct loop *loop, const struct reg_config *cfg,
		    const struct reg_transport *transport,
		    const struct reg_hooks *hooks)
{
	struct reg_query probe;
	struct reg *r = NULL;

	if (!loop || !cfg || !transport || !transport->send || !hooks ||
	    !hooks->build_payload || !cfg->binding ||
	    strlen(cfg->binding) > REG_BINDING_MAX ||
	    reg_query_register(&probe, cfg->endpoint, cfg->lifetime,
			       cfg->version, cfg->binding) < 0) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto fail;
	r->pcap = r->reg_pcap = 1024;
	r->pbuf = malloc(r->pcap);
	r->reg_payload = malloc(r->reg_pcap);
	if (!r->pbuf || !r->reg_payload)
		goto fail;
	r->loop = loop;
	r->cfg = *cfg;
	apply_defaults(&r->cfg);
	snprintf(r->endpoint, sizeof(r->endpoint), "%s", cfg->endpoint);
	r->cfg.endpoint = r->endpoint;
	snprintf(r->binding, sizeof(r->binding), "%s", cfg->binding);
	r->cfg.binding = NULL; /* r->binding is the live value */
	r->lifetime = cfg->lifetime;
	r->tr = *transport;
	r->hooks = *hooks;
	r->state = REG_STATE_IDLE;
	r->timer_due = r->qtimer_due = r->wdog_due = UINT64_MAX;
	r->rng = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)r ^ 0x9e3779b9u;
	if (!r->rng)
		r->rng = 1;
	loop_timer_init(&r->timer, reg_timer_cb, r);
	loop_timer_init(&r->qtimer, reg_timer_cb, r);
	loop_timer_init(&r->wdog, reg_timer_cb, r);
	return r;
fail:
	if (r) {
		free(r->pbuf);
		free(r->reg_payload);
		free(r);
	}
	errno = ENOMEM;
	return NULL;
}

void reg_free(struct reg *r)
{
	if (!r)
		return;
	reg_quiesce(r);
	free(r->pbuf);
	free(r->reg_payload);
	free(r);
}

/* ---- verbs ---------------------------------------------------------- */

#define VERB(name, evtype)                                                     \
	int name(struct reg *r)                                                \
	{                                                                      \
		struct reg_event ev = {.type = (evtype)};                      \
		return reg_handle(r, &ev);                                     \
	}
VERB(reg_start, REG_EV_START)
VERB(reg_stop, REG_EV_STOP)
VERB(reg_objects_changed, REG_EV_OBJECTS)
VERB(reg_trigger_update, REG_EV_TRIGGER)
VERB(reg_disable, REG_EV_DISABLE)
VERB(reg_new_session, REG_EV_NEW_SESSION)
VERB(reg_wake_for_report, REG_EV_WAKE)
VERB(reg_activity, REG_EV_ACTIVITY)
#undef VERB

int reg_on_response(struct reg *r, uint32_t request_id, uint8_t code,
		    const struct reg_opt *location, size_t n_location)
{
	struct reg_event ev = {.type = REG_EV_RESPONSE,
			       .request_id = request_id,
			       .code = code,
			       .location = location,
			       .n_location = n_location};
	return reg_handle(r, &ev);
}

int reg_on_timeout(struct reg *r, uint32_t request_id)
{
	struct reg_event ev = {.type = REG_EV_TIMEOUT,
			       .request_id = request_id};
	return reg_handle(r, &ev);
}

int reg_on_rst(struct reg *r, uint32_t request_id)
{
	struct reg_event ev = {.type = REG_EV_RST, .request_id = request_id};
	return reg_handle(r, &ev);
}

int reg_set_lifetime(struct reg *r, uint32_t lifetime)
{
	struct reg_event ev = {.type = REG_EV_LIFETIME, .lifetime = lifetime};
	return reg_handle(r, &ev);
}

int reg_set_binding(struct reg *r, const char *binding)
{
	struct reg_event ev = {.type = REG_EV_BINDING, .binding = binding};
	return reg_handle(r, &ev);
}

int reg_set_disable_timeout(struct reg *r, uint32_t seconds)
{
	/* Not an event: nothing changes until the next Disable. */
	r->cfg.disable_timeout_s =
		seconds ? seconds : REG_DEFAULT_DISABLE_TIMEOUT_S;
	return 0;
}

/* ---- inspection ----------------------------------------------------- */

enum reg_state reg_get_state(const struct reg *r)
{
	return r->state;
}

const char *reg_location(const struct reg *r)
{
	return r->loc_str;
}

const char *const *reg_location_segments(const struct reg *r, size_t *n_out)
{
	if (n_out)
		*n_out = r->n_loc;
	return r->n_loc ? r->loc : NULL;
}

uint64_t reg_next_deadline_ms(const struct reg *r)
{
	uint64_t d = r->timer_due;

	if (r->qtimer_due < d)
		d = r->qtimer_due;
	if (r->wdog_due < d)
		d = r->wdog_due;
	return d;
}

const struct reg_counters *reg_get_counters(const struct reg *r)
{
	return &r->cnt;
}

bool reg_is_awake(const struct reg *r)
{
	return reg_is_registered(r) && !r->asleep;
}

uint32_t reg_registered_lifetime(const struct reg *r)
{
	return r->reg_lifetime;
}

const char *reg_registered_binding(const struct reg *r)
{
	return r->reg_binding;
}

bool reg_queue_mode(const struct reg *r)
{
	return reg_binding_queue(r, r->reg_binding);
}

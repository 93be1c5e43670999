/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the registration state machine, shared by registration.c
 * (the transitions) and registration_api.c (life cycle, verbs,
 * inspection).  Not for other modules.
 */
#ifndef BRIDGE_REGISTRATION_PRIV_H
#define BRIDGE_REGISTRATION_PRIV_H

#include "registration.h"

#define EVQ_MAX 8

struct queued {
	struct reg_event ev;
	char binding[REG_BINDING_MAX + 1];
};

struct reg {
	struct loop *loop;
	struct reg_config cfg;
	struct reg_transport tr;
	struct reg_hooks hooks;
	char endpoint[ENDPOINT_MAX + 1];
	enum reg_state state;

	/* What the data model says now ... */
	uint32_t lifetime;
	char binding[REG_BINDING_MAX + 1];
	/* ... what the server accepted last ... */
	uint32_t reg_lifetime;
	char reg_binding[REG_BINDING_MAX + 1];
	char *reg_payload;
	size_t reg_payload_len, reg_pcap;
	/* ... and what the request in flight carries. */
	uint32_t sent_lifetime;
	char sent_binding[REG_BINDING_MAX + 1];
	bool sent_payload;

	char *pbuf; /* link list being built / in flight */
	size_t pcap, plen;

	bool update_wanted;	    /* changes arrived while busy */
	bool from_sleep;	    /* the Update in flight woke us */
	bool asleep;		    /* notifications are being queued */
	enum reg_state after_dereg; /* IDLE or DISABLED */

	char loc_buf[REG_LOCATION_MAX_BYTES];
	const char *loc[REG_LOCATION_MAX_SEGMENTS];
	size_t n_loc;
	char loc_str[REG_LOCATION_MAX_BYTES + REG_LOCATION_MAX_SEGMENTS + 1];

	bool pending;
	uint32_t pending_id, next_id;

	struct loop_timer timer, qtimer, wdog;
	uint64_t timer_due, qtimer_due, wdog_due;

	struct reg_counters cnt;
	uint32_t rng;

	bool dispatching;
	struct queued evq[EVQ_MAX];
	size_t evq_head, evq_len;
};

/* The loop callback of the three timers: feeds the internal events. */
void reg_timer_cb(struct loop *loop, struct loop_timer *t, void *arg);
/* True if binding b (valid for r's version) has queue mode. */
bool reg_binding_queue(const struct reg *r, const char *b);
/* REGISTERED, UPDATING or SLEEPING: the server holds a registration. */
bool reg_is_registered(const struct reg *r);

/* Cancels the request in flight (transport->cancel) and disarms every
 * timer; sends nothing.  For reg_free(). */
void reg_quiesce(struct reg *r);

#endif

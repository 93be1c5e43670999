/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe engine's state, shared by bridge/observe*.c only.
 */
#ifndef BRIDGE_OBSERVE_PRIV_H
#define BRIDGE_OBSERVE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "observe_index.h"

struct obs {
	struct obs_info info;
	struct path *paths; /* composite: owned copy behind info.paths */
	struct obs_engine *e;
	struct loop_timer timer;
	struct attr_set eff; /* effective attributes of info.path */
	uint32_t seq;	     /* last Observe value used */
	uint64_t last_ms;    /* last notification (or the Observe answer) */
	uint64_t last_con_ms;
	uint64_t inflight_ms;
	uint32_t inflight_seq;
	double last_value; /* numeric value last notified, if have_value */
	bool have_value;
	bool changed; /* a value change waits to be notified */
	bool catchup; /* one notification owed from an offline period */
	bool in_flight;
	bool recheck; /* the target may be gone: build() decides, at once */
	int end_err;  /* non-zero: ends with this error (end()) when it can */
	/* On the engine's ready list (due at once) instead of its timer:
	 * since loop iteration ready_iter (loop_wakeups()). */
	bool ready;
	uint64_t ready_iter;
	struct obs *ready_prev, *ready_next;
};

struct stored {
	struct stored *next;
	struct obs_info info;
	uint32_t seq;
	uint16_t cf;
	size_t len;
	uint8_t payload[];
};

struct obs_engine {
	struct obs_config cfg;
	struct obs_callbacks cb;
	struct obs_index ix; /* by path: a subtree is one run */
	uint8_t *buf;
	size_t buf_cap;
	struct stored *head, *tail;
	size_t st_count, st_bytes;
	struct loop_timer flush_timer;
	uint64_t flush_since;
	bool flush_inflight, flush_paused;
	bool reachable;
	bool woke; /* wakeup() already called in this offline period */
	struct obs_stats stats;
	/* Observations due at once, oldest first, served by one 0 ms timer
	 * (see schedule_at) */
	struct obs *ready_head, *ready_tail;
	struct loop_timer ready_timer;
};

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LwM2M 1.1 Send operation (Core 6.4.3: the client reports values it
 * chose, unasked, with a confirmable POST /dp carrying SenML JSON or
 * CBOR; the server answers 2.04): one engine per server, on the daemon
 * loop's timers.  Pure like observe.h: the owner reads and encodes the
 * values and talks CoAP through struct send_callbacks.
 *
 * When a report is made
 *  - every interval_ms (periodic; 0: never), and
 *  - with on_change, when send_value_changed() reports a change at, above
 *    or below one of the configured paths: at once if min_interval_ms has
 *    passed since the last report was made, else when it has; the changes
 *    in between are coalesced into that one report;
 *  - on send_now().
 * A report is sampled when it is made (build() reads the values then and
 * stamps them with that time), not when it goes out, so a report that
 * waits in the queue still says when its values were true.
 *
 * Delivery
 *  - Reports go out one at a time, in the order they were made: the next
 *    only after send_result() for the previous one.
 *  - While the server is unreachable (not registered, disabled, offline,
 *    or asleep in queue mode) reports wait in a queue when storing is on
 *    (the Server object's /1/x/6, as for notifications); with storing off
 *    a report made while unreachable is dropped (stats.dropped).  The
 *    queue is bounded by store_max_count reports and store_max_bytes
 *    payload bytes: the oldest go first (stats.dropped).  wakeup() asks
 *    the owner to wake a sleeping queue-mode registration.
 *  - A 2.xx answer completes a report (stats.acked).  Another code means
 *    the server refuses it: it is dropped (stats.rejected) and logged by
 *    the owner; resending it would be refused again.  No answer (timeout,
 *    session lost) puts it back at the head of the queue when storing is
 *    on (else stats.dropped); it is tried again on the next
 *    send_set_reachable(true) or the next report.
 *  - Muted (the Server object's /1/x/23 Mute Send true): no report is
 *    made (stats.muted counts the ones that would have been); reports
 *    already queued stay queued and go out after unmuting.
 *  - Reports survive a re-Register: they are data, not tied to a
 *    registration.
 */
#ifndef BRIDGE_SEND_H
#define BRIDGE_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "path.h"

#define SEND_PATHS_MAX 16

struct send_callbacks {
	/*
	 * Makes one report now: reads the configured paths, encodes them into
	 * buf (cap bytes), sets *len.  Returns 0; -ENOBUFS when cap is too
	 * small (the engine grows its buffer up to payload_max and calls
	 * again); -ENOENT when nothing could be read (no report); any other
	 * negative errno: no report (stats.failed).  Required.
	 */
	int (*build)(void *ctx, uint8_t *buf, size_t cap, size_t *len);
	/*
	 * Hands one report (payload len bytes, valid during the call only) to
	 * the transport as a confirmable POST /dp.  Returns 0, after which the
	 * owner MUST call send_result() exactly once; or a negative errno (the
	 * report stays at the head of the queue, or is dropped with storing
	 * off).  Required.
	 */
	int (*post)(void *ctx, const uint8_t *payload, size_t len);
	/* Asks for a sleeping queue-mode registration to wake up (the owner
	 * then calls send_set_reachable(true)).  May be NULL. */
	void (*wakeup)(void *ctx);
};

struct send_config {
	struct loop *loop;		   /* required; outlives the engine */
	const struct send_callbacks *cb;   /* required; copied */
	void *ctx;			   /* passed to every callback */
	struct path paths[SEND_PATHS_MAX]; /* what on_change matches */
	size_t n_paths;			   /* 1..SEND_PATHS_MAX */
	uint64_t interval_ms;		   /* periodic reports; 0: none */
	bool on_change;
	uint64_t min_interval_ms; /* between reports made on change */
	bool storing;		  /* /1/x/6 */
	bool muted;		  /* /1/x/23 */
	size_t store_max_count;	  /* queued reports, at most (>= 1) */
	size_t store_max_bytes;	  /* their payload bytes, at most */
	size_t payload_max;	  /* largest report */
};

struct send_stats {
	uint64_t made;	   /* reports built */
	uint64_t posted;   /* handed to post() (retries included) */
	uint64_t acked;	   /* answered 2.xx */
	uint64_t rejected; /* answered with another code */
	uint64_t dropped;  /* lost: storing off, or the queue bound */
	uint64_t muted;	   /* not made because Send was muted */
	uint64_t failed;   /* build() failed or nothing to report */
};

struct send_engine;

/* Fills the defaults: no paths, no interval, on_change off, min interval
 * 1 s, storing on, not muted, 64 reports / 64 KiB queued, 64 KiB per
 * report. */
void send_config_init(struct send_config *cfg);

/*
 * A new engine; the periodic timer starts at once, the engine starts
 * unreachable.  Returns NULL with errno EINVAL (no loop, callbacks, paths
 * or too many, bounds 0) or ENOMEM.
 */
struct send_engine *send_new(const struct send_config *cfg);

/* Frees e and everything queued (no callback is called).  NULL is fine. */
void send_free(struct send_engine *e);

/* The server can (true) or cannot (false) be sent to.  Going reachable
 * sends what is queued. */
void send_set_reachable(struct send_engine *e, bool reachable);

/* /1/x/23 Mute Send and /1/x/6 Notification Storing were written. */
void send_set_muted(struct send_engine *e, bool muted);
void send_set_storing(struct send_engine *e, bool storing);

/* A value at p changed (the model's change hook). */
void send_value_changed(struct send_engine *e, const struct path *p);

/* Makes a report now (unless muted).  Returns 0, -EPERM when muted, or
 * the build error. */
int send_now(struct send_engine *e);

/* The answer to the report last post()ed: code is the CoAP code
 * (CIO_CODE form, class * 32 + detail) when one arrived, or a negative
 * errno (-ETIMEDOUT, -ECONNRESET for an RST, -ECANCELED). */
void send_result(struct send_engine *e, int code);

/* Counters since send_new(); queued reports now. */
const struct send_stats *send_get_stats(const struct send_engine *e);
size_t send_queued(const struct send_engine *e);

#endif

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
 *    a report made while unreachable is dropped.  The queue is bounded by
 *    store_max_count reports and store_max_bytes payload bytes: the
 *    oldest queued ones go first; a new report larger than
 *    store_max_bytes on its own is dropped instead (it could never fit).
 *    wakeup() asks the owner to wake a sleeping queue-mode registration.
 *  - A 2.xx answer completes a report (stats.acked).  Another code, or an
 *    RST (-ECONNREFUSED), means the server refuses it: it is dropped
 *    (stats.rejected); resending it would be refused again.  No answer
 *    (any other negative result) keeps it at the head of the queue when
 *    storing is on: it is posted again 1, 2, 4, 8 s later while the
 *    server is reachable (at once when it becomes reachable again), and
 *    dropped after SEND_MAX_ATTEMPTS posts; with storing off it is
 *    dropped at once.
 *  - Muted (the Server object's /1/x/23 Mute Send true): no report is
 *    made, and the reports queued are dropped (stats.muted counts both):
 *    the server has declined them.
 *  - Reports survive a re-Register: they are data, not tied to a
 *    registration.
 *  - Every report dropped is counted in stats.dropped (or stats.muted)
 *    and passed to lost(), so the owner can log it.
 */
#ifndef BRIDGE_SEND_H
#define BRIDGE_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "path.h"

#define SEND_PATHS_MAX 16

/* Posts per report before it is given up on (no answer each time). */
#define SEND_MAX_ATTEMPTS 5

struct send_callbacks {
	/*
	 * Makes one report now: reads the configured paths and encodes them;
	 * *payload points to the bytes (owned by the owner, valid until the
	 * next call; the engine copies them), *len is their count.  Returns
	 * 0; -ENOENT when nothing could be read (no report, stats.failed);
	 * any other negative errno: no report (stats.failed).  Required.
	 */
	int (*build)(void *ctx, const uint8_t **payload, size_t *len);
	/*
	 * Hands one report (payload len bytes, valid during the call only) to
	 * the transport as a confirmable POST /dp.  Returns 0, after which the
	 * owner MUST call send_result() exactly once; or a negative errno
	 * (handled as "no answer").  Required.
	 */
	int (*post)(void *ctx, const uint8_t *payload, size_t len);
	/* Asks for a sleeping queue-mode registration to wake up (the owner
	 * then calls send_set_reachable(true)).  May be NULL. */
	void (*wakeup)(void *ctx);
	/* n reports were dropped, for the reason why ("storing is off", ...;
	 * a static string).  For the owner's log.  May be NULL. */
	void (*lost)(void *ctx, size_t n, const char *why);
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
};

struct send_stats {
	uint64_t made;	   /* reports built */
	uint64_t posted;   /* handed to post() (retries included) */
	uint64_t acked;	   /* answered 2.xx */
	uint64_t rejected; /* answered with another code */
	uint64_t retried;  /* posted again after no answer */
	uint64_t dropped;  /* lost: storing off, queue bound, attempts */
	uint64_t muted;	   /* not made, or dropped, because of Mute Send */
	uint64_t failed;   /* build() failed or nothing to report */
};

struct send_engine;

/* Fills the defaults: no paths, no interval, on_change off, min interval
 * 1 s, storing on, not muted, 64 reports / 64 KiB queued. */
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

/* Makes a report now (unless muted).  Returns 0 when it was queued (or
 * posted), -EPERM when muted, -ENOSPC when it was dropped (storing off
 * while unreachable, or larger than the queue's byte bound), or the
 * build error. */
int send_now(struct send_engine *e);

/* The answer to the report last post()ed: code is the CoAP code
 * (CIO_CODE form, class * 32 + detail) when one arrived; -ECONNREFUSED
 * for an RST; another negative errno (-ETIMEDOUT, -ECANCELED, -EAGAIN)
 * when none did. */
void send_result(struct send_engine *e, int code);

/* Counters since send_new(); queued reports now. */
const struct send_stats *send_get_stats(const struct send_engine *e);
size_t send_queued(const struct send_engine *e);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe engine of ONE LwM2M server (LwM2M 1.0.2 §5.5, 1.1 Core §6.4
 * "Information Reporting", RFC 7641).  Pure: no CoAP, no I/O.  It keeps
 * the server's observations, decides from the effective attributes
 * (bridge/attrs.h) when each one notifies, and asks its owner, through
 * struct obs_callbacks, to build and send each notification.  It runs on
 * the daemon loop's timers (bridge/loop.h) and so on the loop's clock.
 *
 * Life of an observation
 *  - The DM layer answers a GET with Observe 0 itself (2.05 with the
 *    value), after obs_add(), which gives it the Observe option value for
 *    that answer.  That answer counts as the first notification: pmin and
 *    pmax run from it, and gt/lt/st compare against its value.
 *  - The owner reports value changes with obs_value_changed().  A change
 *    marks every matching observation PENDING (for a resource with gt, lt
 *    or st only when the rule below says so).  A pending observation
 *    notifies once pmin has passed since its last notification, with the
 *    value current at that time (never an old one): all changes in
 *    between are coalesced into that one notification.
 *  - With pmax set (pmax > 0 and pmax >= pmin) an observation also
 *    notifies pmax after its last notification even without a change.
 *  - The engine sends only from its own timer callbacks, never from
 *    inside an obs_* call, so a callback of the owner is never re-entered
 *    and every change made in one loop iteration lands in one
 *    notification.  A change with pmin elapsed goes out in the next loop
 *    iteration (a 0 ms timer).
 *
 * Matching.  A change at path C matches an observation of path O when O
 * is C or above it (an instance observation sees its resources) or below
 * it (a change reported for a whole instance reaches its resources'
 * observations).
 *
 * gt / lt / st (observations of a resource or resource instance only; on
 * object and instance observations they do not exist, any change in the
 * subtree notifies).  When the effective attributes hold any of them and
 * read_number() gives the current value V, with L the value last notified:
 * the change notifies if V and L lie on different sides of gt (above is
 * V > gt), or on different sides of lt (below is V < lt), or |V - L| >= st.
 * Any one of the set conditions is enough.  If read_number() is NULL or
 * fails (not a number, multi-instance resource) or L is unknown, every
 * change notifies.  Without gt/lt/st every change notifies.
 *
 * Flow control.  At most one notification per observation is in flight: a
 * confirmable one is in flight from send() until the owner reports its
 * end with obs_sent() (or the in-flight guard expires).  Changes meanwhile
 * coalesce into one pending notification, sent with the latest value once
 * the exchange ended and pmin allows.  A notification that times out
 * leaves the observation in place (the next one is sent as usual); an RST
 * cancels the observation.  Non-confirmable ones are not in flight.
 *
 * CON / NON.  A notification is confirmable when the engine's config says
 * all are, or when the observation's last ACKNOWLEDGED confirmable
 * notification (or its creation) is con_interval_ms old (RFC 7641 §4.5:
 * at least one every 24 hours by default).
 *
 * Offline and Queue Mode (obs_set_reachable(false)).  Nothing is sent.
 *  - A notification due because of a value change is built then and
 *    STORED (a copy of its payload, token and Observe number) when
 *    storing is on (/1/x/6 true); the store is a FIFO bounded by count
 *    and payload bytes; when full the OLDEST entries are dropped (newer
 *    values matter more) and counted in stats.dropped; one payload
 *    larger than the whole byte bound is dropped alone.  With storing off
 *    the notification is dropped (counted) and the observation keeps a
 *    "catch-up" mark instead.
 *  - A notification due only because of pmax is neither stored nor
 *    counted: the observation gets the catch-up mark and no timer runs
 *    while offline (idle costs nothing, offline too).
 *  - The first time a notification falls due in an offline period, the
 *    engine calls wakeup() (if set): in Queue Mode the owner then sends a
 *    Registration Update and, once it succeeded, calls
 *    obs_set_reachable(true).
 *  - obs_set_reachable(true): the stored notifications are sent first, in
 *    order, one at a time, each CONFIRMABLE (so the next goes only after
 *    the previous was acknowledged, timed out or was reset: order is kept
 *    and a dead link does not swallow the whole backlog at once), with
 *    their original token and Observe number.  A timed-out one is not
 *    retried.  An RST to one cancels the live observation with that token
 *    (if any) and drops the stored entries left for that token (counted
 *    in dropped).  Live notifications wait until the store is empty, then
 *    every pending or catch-up observation sends one notification with
 *    its current value.
 *
 * Re-Register (obs_registration_reset()): every observation is dropped
 * (the server observes again); what happens to each piece of state:
 *  - observations, their timers, pending changes and catch-up marks: gone;
 *  - a live notification in flight: forgotten (a later obs_sent() for it
 *    returns -ENOENT);
 *  - STORED notifications: kept, in order, and delivered once the
 *    engine is reachable (at once if it still is, else after the next
 *    obs_set_reachable(true)), with their old tokens and numbers (the server
 * may answer them with RST, which then only drops that token's entries);
 *  - a stored notification in flight: it stays at the head of the store
 *    and is sent again after the re-Register (at least once, not at most
 *    once: the old exchange died with the old session);
 *  - reachability, storing flag and statistics: unchanged.
 *
 * Timers and idle cost.  Each observation has one loop timer, armed only
 * when it has something to do: its pmin expiry while a change is pending,
 * its pmax deadline, or its in-flight guard.  What is due at once (a
 * change with pmin passed) waits instead on the engine's ready list,
 * served in the next loop iteration by one 0 ms timer, in the order the
 * observations became due: a burst of changes costs the loop one timer,
 * not one per observation.  No periodic tick.  pmax
 * deadlines are rounded DOWN to a multiple of align_ms (never before pmin
 * after the last notification), so observations created in the same
 * align_ms window fire in the same loop iteration (one wake-up): 100
 * observations with pmax 60 s cost at most 100 timer callbacks and, when
 * created together, one wake-up a minute.  A pmax notification may thus
 * come up to align_ms early, never late.
 *
 * Memory.  obs_add() allocates the observation; the store allocates one
 * block per stored notification (offline only).  Online, the hot path
 * (change, timer, build, send, obs_sent) allocates nothing: payloads are
 * built into one scratch buffer the engine owns, grown only when build()
 * says -ENOBUFS (up to payload_max).
 *
 * End of an observation (RFC 7641 §3.2, §4.2).  When build() says the
 * target is gone (-ENOENT) or no longer readable by this server (-EACCES),
 * the observation ends with one error notification through end() instead
 * of vanishing silently, and the server can forget it.  The owner learns
 * of deletions and Access Control changes long before the next due
 * notification: it calls obs_recheck_within(), and each plain observation
 * at or below the path is checked with build() in the next loop iteration
 * (pmin does not apply: the check sends nothing unless the observation
 * ends).  Checking later, not at once, lets a deletion followed by a
 * rewrite in the same loop iteration (a list rewritten whole) pass.  The
 * end notification goes out as soon as the observation has no CON in
 * flight, the engine is reachable and the store is drained (offline it
 * waits, and wakeup() is called as for a due notification).  Composite
 * observations do not end this way: a path that is gone or unreadable
 * just drops out of their next notification (dm_read_composite).
 *
 * Not done: epmin/epmax are resolved (attrs.h) but not yet used by the
 * engine (values are pushed by the owner, so there is nothing to sample).
 *
 * Thread rules: loop thread only, like bridge/loop.h.  build() and send()
 * run only from the engine's timer callbacks; read_number() also from
 * obs_add(), obs_value_changed(), obs_attrs_changed() and
 * obs_set_defaults(); wakeup() from timer callbacks.  No callback may call
 * an obs_* function of the same engine (obs_sent() comes later, from the
 * transport's own callback, which is fine).
 */
#ifndef BRIDGE_OBSERVE_H
#define BRIDGE_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "loop.h"
#include "path.h"

#define OBS_TOKEN_MAX 8
/* Observe option values are 24-bit (RFC 7641 §4.4). */
#define OBS_SEQ_MASK 0xffffffu

/* What the owner needs to know about one observation.  Pointers to it
 * handed to callbacks are valid during the call only. */
struct obs_info {
	uint8_t token[OBS_TOKEN_MAX];
	uint8_t token_len;
	struct path path; /* the root for a composite observation */
	int32_t accept;	  /* Accept of the Observe request; -1: none */
	/* Observe-Composite (obs_add_composite): its n_paths paths, owned by
	 * the engine; NULL and 0 for a single-path observation.  Stored
	 * notifications carry NULL (their payload is already built). */
	const struct path *paths;
	size_t n_paths;
};

struct obs_callbacks {
	/*
	 * Builds the payload of a notification of info->path: the owner reads
	 * the model and encodes it in info->accept (its default format when
	 * -1) into buf (cap bytes), sets *len and the Content-Format it used
	 * in *content_format.  Returns 0; -ENOBUFS if cap is too small (the
	 * engine grows its buffer and calls again, up to payload_max);
	 * -ENOENT when the observed target is gone, -EACCES when this server
	 * may no longer read it: the observation ENDS (see end() and "End of
	 * an observation" above); any other negative errno drops this
	 * notification (stats.failed) and the observation stays.  buf
	 * belongs to the engine.  Required.
	 */
	int (*build)(void *ctx, const struct obs_info *info, uint8_t *buf,
		     size_t cap, size_t *len, uint16_t *content_format);

	/*
	 * Sends one notification: 2.05, token info->token, Observe seq (24
	 * bits), confirmable or not, Content-Format, payload (len bytes,
	 * valid during the call only: copy it).  Returns 0 if it was handed
	 * to the transport, or a negative errno (stats.failed; for a stored
	 * notification the flush pauses until obs_set_reachable(true) is
	 * called again).  After 0 for a CONFIRMABLE notification the owner
	 * MUST later call obs_sent(token, seq, result) exactly once (the
	 * in-flight guard covers an owner that cannot).  For a NON
	 * notification there is no obs_sent(); an RST to it is reported with
	 * obs_cancel().  Required.
	 */
	int (*send)(void *ctx, const struct obs_info *info, uint32_t seq,
		    bool con, uint16_t content_format, const uint8_t *payload,
		    size_t len);

	/*
	 * The current value of a resource or resource instance as a number,
	 * for gt/lt/st (Integer, Unsigned, Float, Time; Boolean as 0/1 if the
	 * owner likes).  Returns 0 and sets *out, or a negative errno when
	 * the path is not a single numeric value.  Called only for
	 * observations whose effective attributes hold gt, lt or st.  May be
	 * NULL (every change then notifies).
	 */
	int (*read_number)(void *ctx, const struct path *path, double *out);

	/*
	 * A notification fell due while the server is unreachable (first
	 * time in this offline period).  May be NULL.
	 */
	void (*wakeup)(void *ctx);

	/*
	 * Sends the last notification of an observation whose build()
	 * answered err (-ENOENT: the target is gone; -EACCES: no Read right
	 * any more): an error response (the owner maps err to its code, e.g.
	 * 4.04, 4.01) with info->token, CONFIRMABLE and without an Observe
	 * option (RFC 7641 §3.2, §4.2: a non-2.xx notification ends the
	 * observation).  Confirmable because it is the observation's last
	 * message: a lost NON would leave the server waiting for
	 * notifications that never come, and nothing later would draw its
	 * RST.  The engine forgets the observation right after the call,
	 * whatever it returns (non-zero counts in stats.failed): no
	 * obs_sent() is expected for it.  May be NULL: the observation then
	 * just ends.
	 */
	int (*end)(void *ctx, const struct obs_info *info, int err);
};

struct obs_config {
	struct loop *loop;		/* required; must outlive the engine */
	const struct obs_callbacks *cb; /* required; copied */
	void *ctx;			/* passed to every callback */
	/* This server's attributes (borrowed; may be NULL).  After changing
	 * them call obs_attrs_changed(). */
	const struct attrs *attrs;
	/* Server object defaults: ATTR_PMIN from /1/x/2, ATTR_PMAX from
	 * /1/x/3 (other bits ignored). */
	struct attr_set defaults;
	bool storing;		  /* /1/x/6 Notification Storing */
	bool all_con;		  /* every notification confirmable */
	uint64_t con_interval_ms; /* max age of the last acked CON */
	size_t store_max_count;	  /* stored notifications, at most */
	size_t store_max_bytes;	  /* their payload bytes, at most */
	size_t payload_initial;	  /* scratch buffer size at creation */
	size_t payload_max;	  /* the scratch buffer never grows past it */
	size_t max_observations;  /* obs_add() beyond it: -ENOSPC */
	uint64_t align_ms;	  /* pmax grid; 0: no alignment */
	/* A CON with no obs_sent() after this long counts as timed out
	 * (RFC 7252 EXCHANGE_LIFETIME, 247 s, by default). */
	uint64_t inflight_timeout_ms;
};

struct obs_stats {
	uint64_t sent;	    /* live notifications handed to send() */
	uint64_t coalesced; /* changes absorbed by an already pending one */
	uint64_t stored;    /* notifications put in the store */
	/* lost: store full or too big, storing off, the backlog of a
	 * cancelled or reset token */
	uint64_t dropped;
	uint64_t flushed;   /* stored notifications handed to send() */
	uint64_t timeouts;  /* CONs that got no answer (observation kept) */
	uint64_t failed;    /* build() or send() errors */
	uint64_t cancelled; /* observations ended by RST or Observe 1 */
	uint64_t ended;	    /* ended with an error notification (end()) */
};

struct obs_engine;

/* Fills *c with the defaults: storing on, all_con false, con_interval 24 h,
 * store 64 notifications / 64 KiB, payload 1 KiB growing to 64 KiB,
 * 1024 observations, align 1000 ms, in-flight guard 247 s; loop, cb, ctx,
 * attrs NULL; no server defaults. */
void obs_config_init(struct obs_config *c);

/* Creates an engine, reachable.  Returns NULL and sets errno: EINVAL
 * (loop, cb, cb->build or cb->send missing, payload_initial 0 or above
 * payload_max), ENOMEM. */
struct obs_engine *obs_new(const struct obs_config *c);

/* Disarms every timer and frees everything, stored notifications
 * included.  Accepts NULL.  Must not be called from an engine callback. */
void obs_free(struct obs_engine *e);

/*
 * Adds (Observe 0) an observation of path (object, instance, resource or
 * resource instance) for token (1..8 bytes) wanting Content-Format accept
 * (-1: none).  A second Observe with the same token REPLACES the old
 * observation (RFC 7641 §4.1: never two entries for one token); its
 * Observe numbering and in-flight state carry over.  Another token on the
 * same path is a second, independent observation (RFC 7641 keys entries by
 * token; a server that lost its state and observes again cancels the old
 * one with an RST on its next notification).  *seq (may be NULL) gets the
 * Observe value for the 2.05 answer.  Returns 0, -EINVAL (bad token
 * length, path root or deeper than 4), -ENOSPC (max_observations reached:
 * answer without Observe) or -ENOMEM.
 */
int obs_add(struct obs_engine *e, const uint8_t *token, size_t token_len,
	    const struct path *path, int32_t accept, uint32_t *seq);

/* Paths one composite observation may hold. */
#define OBS_COMPOSITE_MAX 64

/*
 * Adds an Observe-Composite observation (LwM2M 1.1 Core §6.4.3: FETCH on
 * the root with Observe 0) of n paths (1..OBS_COMPOSITE_MAX; each an
 * object, instance, resource or resource instance; copied): ONE
 * observation whose notification build() makes for all its paths
 * (info->paths), due whenever a change matches any of them (the Matching
 * rule, per path).  Its attributes: each path's effective pmin and pmax
 * are resolved as for a plain observation; the observation uses the
 * smallest pmin and the smallest pmax of them (so no path waits past its
 * own pmax, and a change is never held longer than the most eager path
 * asks); gt, lt and st are not used (every change notifies): the
 * specification ties them to one numeric value, and a composite
 * notification carries many.  obs_cancel_within() and
 * obs_recheck_within() leave composite observations alone (a deleted
 * instance just drops out of the next notification).  Otherwise as obs_add()
 * (same token: replaced; -EINVAL for n 0 or above the bound, or a root path;
 * -ENOSPC; -ENOMEM).
 */
int obs_add_composite(struct obs_engine *e, const uint8_t *token,
		      size_t token_len, const struct path *paths, size_t n,
		      int32_t accept, uint32_t *seq);

/*
 * Ends the observation with this token (GET with Observe 1, or an RST to
 * a NON notification) and drops stored notifications with this token.
 * Returns 0 or -ENOENT.
 */
int obs_cancel(struct obs_engine *e, const uint8_t *token, size_t token_len);

/* Ends every observation at or below path at once, sending nothing (the
 * server is not told: prefer obs_recheck_within()).  Returns how many. */
size_t obs_cancel_within(struct obs_engine *e, const struct path *path);

/*
 * Something at path was deleted, or this server's rights on it may have
 * changed (Access Control): every plain (not composite) observation at or
 * below path is re-checked with build() in the next loop iteration; those
 * whose build() answers -ENOENT or -EACCES end with an error notification
 * (see "End of an observation").  Observations above path are not
 * affected: report the change with obs_value_changed() for them.  Returns
 * how many observations will be checked.
 */
size_t obs_recheck_within(struct obs_engine *e, const struct path *path);

/* Reports that the value at path changed (any level; see Matching). */
void obs_value_changed(struct obs_engine *e, const struct path *path);

/*
 * Ends the confirmable notification (token, seq) handed to send():
 * result 0 acknowledged, -ECONNRESET reset (cancels the observation),
 * anything else (-ETIMEDOUT) not answered (the observation stays).
 * Returns 0, or -ENOENT when nothing with that token and seq is in flight
 * (already timed out by the guard, cancelled, reset).
 */
int obs_sent(struct obs_engine *e, const uint8_t *token, size_t token_len,
	     uint32_t seq, int result);

/* The server can (true) or cannot (false) be reached now; see the header
 * comment.  Idempotent. */
void obs_set_reachable(struct obs_engine *e, bool reachable);

/* /1/x/6 changed.  Turning it off keeps what is already stored. */
void obs_set_storing(struct obs_engine *e, bool storing);

/* /1/x/2 or /1/x/3 changed (only ATTR_PMIN/ATTR_PMAX of d are used;
 * NULL: none).  Re-resolves every observation like obs_attrs_changed(). */
void obs_set_defaults(struct obs_engine *e, const struct attr_set *d);

/* The attrs store was written (Write-Attributes): re-resolves every
 * observation's effective attributes and re-plans its timer. */
void obs_attrs_changed(struct obs_engine *e);

/* A new Register: see the header comment. */
void obs_registration_reset(struct obs_engine *e);

/* Number of observations. */
size_t obs_count(const struct obs_engine *e);

/* Stored notifications now: their count, and payload bytes (may be NULL). */
size_t obs_stored(const struct obs_engine *e, size_t *bytes);

/* Copies the counters. */
void obs_get_stats(const struct obs_engine *e, struct obs_stats *out);

/* The effective attributes of the observation with this token.  Returns
 * 0 or -ENOENT. */
int obs_get_attrs(const struct obs_engine *e, const uint8_t *token,
		  size_t token_len, struct attr_set *out);

#endif

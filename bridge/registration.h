/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Client Registration interface towards one LwM2M server (LwM2M 1.0.2
 * §5.3, 1.1 Core §6.2): a state machine per server that sends Register,
 * Update and De-register, keeps the registration alive within its
 * lifetime, retries with back-off, and follows Queue Mode.
 *
 * One struct reg per server; nothing is global, so servers are
 * independent (one down never delays another).  Everything runs on the
 * loop thread; timers live on the daemon loop (bridge/loop.h), so a test
 * drives time with the loop's fake clock.
 *
 * The machine does no I/O itself.  It talks to the CoAP transport through
 * struct reg_transport (send a request, cancel it, reset the session) and
 * to its owner through struct reg_hooks; the transport reports each
 * request's outcome back as an event.  All input goes through ONE
 * transition function, reg_handle(); the reg_on_*() and other verbs below
 * only build the event.
 *
 * States and transitions (anything not listed is ignored, returning 0):
 *
 *   IDLE --start--> REGISTERING
 *   REGISTERING --2.01 with a Location-Path--> REGISTERED
 *   REGISTERING --other code / RST / timeout / send error--> BACKOFF
 *   BACKOFF --timer--> REGISTERING
 *   REGISTERED --update due / lt, b or objects changed / trigger--> UPDATING
 *   REGISTERED --queue timeout (queue mode only)--> SLEEPING
 *   SLEEPING --update due / wake_for_report / changes--> UPDATING
 *   UPDATING --2.xx--> REGISTERED (flush hook first when woken from sleep)
 *   UPDATING --4.04, other error, RST, timeout--> REGISTERING (at once)
 *   REGISTERED/UPDATING/SLEEPING --new security context--> REGISTERING
 *   REGISTERED/UPDATING/SLEEPING --stop--> DEREGISTERING --any--> IDLE
 *   REGISTERED/UPDATING/SLEEPING --disable--> DEREGISTERING --any--> DISABLED
 *   REGISTERING/BACKOFF/DISABLED --stop--> IDLE; --disable--> DISABLED
 *   DISABLED --Disable Timeout--> REGISTERING (fresh retry counters)
 *
 * Timing rules:
 *   - Update before the lifetime L runs out: L - 93 s after the last
 *     successful Register/Update when L > 186 s, else L/2 (93 s is CoAP's
 *     MAX_TRANSMIT_WAIT: a confirmable Update sent then is answered or
 *     given up before the server drops the registration).  L = 0 means no
 *     lifetime Updates (1.2 defines 0 as infinite).
 *   - Register back-off, LwM2M 1.1 Core §6.2.1.1 (Server object
 *     /1/x/17-20, defaults in brackets): a communication sequence is
 *     Retry Count [5] attempts; after failed attempt n of a sequence the
 *     next one waits Retry Timer [60 s] * 2^(n-1); after the last attempt
 *     of a sequence the next sequence starts after Sequence Delay Timer
 *     [86400 s].  After Sequence Retry Count [1] failed sequences the
 *     registration has failed; with no bootstrap configured (none exists
 *     in this project yet) sequences go on forever, Sequence Delay Timer
 *     apart, and each failed one is logged as a warning: never a busy loop,
 *     never a silent give-up.  Every wait gets a jitter of 0..jitter_pct %
 *     added (never subtracted, so no wait is shorter than the spec's).
 *   - Each request has a watchdog (exchange_timeout_ms): with no outcome
 *     from the transport by then it counts as unanswered, so a lost
 *     callback never leaves the machine stuck.
 *   - After session_reset_after consecutive unanswered requests (timeouts
 *     or watchdogs; any answer, even an error, resets the count) the
 *     machine calls transport->reset_session() before its next Register,
 *     for a server that restarted or a NAT that rebound (a dead DTLS
 *     session is otherwise retransmitted into forever).
 *   - Queue Mode (a Q in the registered binding): queue_timeout_ms after
 *     the last exchange (a Register/Update answer, or reg_activity()) the
 *     machine sleeps and calls hooks->sleep: notifications are queued from
 *     then on.  reg_wake_for_report() sends an Update; on its 2.04 the
 *     machine calls hooks->flush.
 *
 * What an Update carries: lt= if the lifetime differs from the one the
 * server accepted last, b= if the binding does, and the link list if it
 * differs from the one last sent (the machine rebuilds it for every Update
 * through hooks->build_payload and compares), so an instance added or
 * removed is announced without any bookkeeping by the caller.  Changes
 * arriving while a request is in flight are sent in an Update right after
 * its success.  Under LwM2M 1.1 a change of queue mode needs a Register
 * (1.1 has no Q parameter in Update).
 *
 * Every Register (first, retried or re-registration) is preceded by
 * hooks->reset: the registration it replaces is gone, so the observe
 * layer drops every observation of that server (never duplicates them).
 */
#ifndef BRIDGE_REGISTRATION_H
#define BRIDGE_REGISTRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include "loop.h"
#include "reg_message.h"

/* CoAP codes as on the wire: class << 5 | detail. */
#define REG_CODE(c, d)	   ((uint8_t)(((c) << 5) | (d)))
#define REG_CODE_CREATED   REG_CODE(2, 1)
#define REG_CODE_DELETED   REG_CODE(2, 2)
#define REG_CODE_CHANGED   REG_CODE(2, 4)
#define REG_CODE_NOT_FOUND REG_CODE(4, 4)
#define REG_METHOD_POST	   REG_CODE(0, 2)
#define REG_METHOD_DELETE  REG_CODE(0, 4)

/* Bounds on the Location-Path the server gives (all segments together). */
#define REG_LOCATION_MAX_SEGMENTS 8
#define REG_LOCATION_MAX_BYTES	  256
/* Largest link list built for one message. */
#define REG_PAYLOAD_MAX (64 * 1024)

enum reg_state {
	REG_STATE_IDLE,		 /* not started, or stopped */
	REG_STATE_REGISTERING,	 /* Register sent, waiting for its outcome */
	REG_STATE_BACKOFF,	 /* a Register failed: waiting to retry */
	REG_STATE_REGISTERED,	 /* registered and reachable */
	REG_STATE_UPDATING,	 /* Update sent, waiting for its outcome */
	REG_STATE_SLEEPING,	 /* queue mode: registered, not reachable */
	REG_STATE_DEREGISTERING, /* De-register sent (stop or Disable) */
	REG_STATE_DISABLED,	 /* Disabled: waiting the Disable Timeout */
};

/* "idle", "registering", ... (for logs); "?" for an unknown value. */
const char *reg_state_name(enum reg_state s);

enum reg_op {
	REG_OP_REGISTER,
	REG_OP_UPDATE,
	REG_OP_DEREGISTER,
};

/* "register", "update", "de-register". */
const char *reg_op_name(enum reg_op op);

/*
 * One request for the transport.  Every pointer is valid during send()
 * only: the transport copies what it keeps.
 */
struct reg_request {
	uint32_t id;	/* quote it in the outcome event */
	enum reg_op op; /* for logs */
	uint8_t method; /* REG_METHOD_POST or REG_METHOD_DELETE */
	/* Uri-Path options, one per segment: "rd", or the location. */
	const char *const *path;
	size_t n_path;
	/* Uri-Query options, in order (none for Update without changes and
	 * for De-register). */
	const struct reg_query *query;
	/* Content-Format 40 when payload is not NULL (may be empty ""). */
	const char *payload;
	size_t payload_len;
};

/* The CoAP transport of one server, as the machine needs it. */
struct reg_transport {
	/* Sends req as a confirmable request on this server's session
	 * (making the session, DTLS handshake included, if there is none).
	 * Returns 0 when the request is on its way; its outcome must then be
	 * reported exactly once, later (never from inside send() or from
	 * inside a reg hook), by reg_on_response(), reg_on_timeout() or
	 * reg_on_rst() with req->id.  A negative errno means nothing was
	 * sent; the machine treats it as a failed attempt.  Required. */
	int (*send)(void *ctx, const struct reg_request *req);
	/* Forgets request id: its outcome is no longer wanted (it may still
	 * be reported; the machine ignores ids it no longer waits for).
	 * Optional. */
	void (*cancel)(void *ctx, uint32_t id);
	/* Drops the session (DTLS state included) so the next send() starts
	 * a fresh one.  Called after repeated unanswered requests and when
	 * the server is disabled.  Optional. */
	void (*reset_session)(void *ctx);
	void *ctx;
};

/* What the owner (daemon, observe layer) hears.  Every hook is optional
 * except build_payload.  Hooks may call the reg_*() verbs of the same
 * reg: the events are queued and handled right after the current one. */
struct reg_hooks {
	/* Writes the link list (reg_payload_build) into buf: returns its
	 * length, -ENOBUFS to get a bigger buffer (up to REG_PAYLOAD_MAX),
	 * or another negative errno (the Register/Update then fails). */
	int (*build_payload)(void *ctx, char *buf, size_t cap);
	/* A new Register is about to be sent: drop every observation and
	 * queued notification of this server. */
	void (*reset)(void *ctx);
	/* A Register succeeded (2.01). */
	void (*registered)(void *ctx);
	/* Queue mode: the server no longer expects to reach us; queue
	 * notifications until flush. */
	void (*sleep)(void *ctx);
	/* Awake after sleeping (Update answered 2.04): send what was queued. */
	void (*flush)(void *ctx);
	/* reg_stop() has finished: the machine is IDLE. */
	void (*stopped)(void *ctx);
	/* Every state change, for logs and tests. */
	void (*state_changed)(void *ctx, enum reg_state from,
			      enum reg_state to);
	void *ctx;
};

/* Defaults for the zero values of struct reg_config. */
#define REG_DEFAULT_RETRY_COUNT		5
#define REG_DEFAULT_RETRY_TIMER_S	60
#define REG_DEFAULT_SEQ_DELAY_S		86400
#define REG_DEFAULT_SEQ_RETRY_COUNT	1
#define REG_DEFAULT_DISABLE_TIMEOUT_S	86400
#define REG_DEFAULT_QUEUE_TIMEOUT_MS	93000 /* MAX_TRANSMIT_WAIT */
#define REG_DEFAULT_EXCHANGE_TIMEOUT_MS 120000
#define REG_DEFAULT_SESSION_RESET_AFTER 2
#define REG_DEFAULT_JITTER_PCT		10

/* Copied by reg_new(); zero fields take the defaults above. */
struct reg_config {
	uint16_t short_server_id; /* for logs */
	const char *endpoint;	  /* see reg_query_register() */
	enum reg_lwm2m_version version;
	uint32_t lifetime;	      /* s, /1/x/1; 0: no lifetime Updates */
	const char *binding;	      /* /1/x/7, e.g. "U", "UQ" */
	uint32_t retry_count;	      /* /1/x/17 */
	uint32_t retry_timer_s;	      /* /1/x/18 */
	uint32_t seq_delay_s;	      /* /1/x/19 */
	uint32_t seq_retry_count;     /* /1/x/20 */
	uint32_t disable_timeout_s;   /* /1/x/5 */
	uint32_t queue_timeout_ms;    /* awake time after an exchange */
	uint32_t exchange_timeout_ms; /* watchdog per request */
	unsigned session_reset_after; /* unanswered requests */
	unsigned jitter_pct;	      /* 1..100; 0: default; see no_jitter */
	bool no_jitter;		      /* exact waits */
	/* Random numbers for the jitter; NULL: an internal generator seeded
	 * from the clock.  Tests inject a fixed one. */
	uint32_t (*random)(void *ctx);
	void *random_ctx;
};

struct reg;

/*
 * Creates the machine of one server, in state IDLE (nothing is sent
 * before reg_start()).  loop, transport and hooks must outlive it
 * (transport and hooks are copied; their ctx are not).  Returns NULL with
 * errno EINVAL (bad endpoint or binding, missing send or build_payload)
 * or ENOMEM.
 */
struct reg *reg_new(struct loop *loop, const struct reg_config *cfg,
		    const struct reg_transport *transport,
		    const struct reg_hooks *hooks);

/* Disarms its timers, cancels a request in flight (transport->cancel)
 * and frees it, sending nothing.  NULL is fine.  Not from a hook. */
void reg_free(struct reg *r);

/* ---- events ------------------------------------------------------- */

enum reg_event_type {
	REG_EV_START,	    /* begin: Register */
	REG_EV_STOP,	    /* clean stop: De-register if registered */
	REG_EV_RESPONSE,    /* transport: an answer to request_id */
	REG_EV_TIMEOUT,	    /* transport: request_id got no answer */
	REG_EV_RST,	    /* transport: request_id was answered by RST */
	REG_EV_LIFETIME,    /* /1/x/1 changed: lifetime */
	REG_EV_BINDING,	    /* /1/x/7 changed: binding */
	REG_EV_OBJECTS,	    /* object instances added or removed */
	REG_EV_TRIGGER,	    /* /1/x/8 Registration Update Trigger */
	REG_EV_DISABLE,	    /* /1/x/4 Disable (after its answer went) */
	REG_EV_NEW_SESSION, /* transport: a new (D)TLS security context */
	REG_EV_WAKE,	    /* queue mode: something to report */
	REG_EV_ACTIVITY,    /* an exchange with the server happened */
	/* Internal: the machine's own timers.  Callers never send these. */
	REG_EV_TIMER,
	REG_EV_QUEUE_TIMER,
	REG_EV_WATCHDOG,
};

/* One Location-Path option value as received (not NUL-terminated). */
struct reg_opt {
	const char *value;
	size_t len;
};

struct reg_event {
	enum reg_event_type type;
	uint32_t request_id; /* RESPONSE, TIMEOUT, RST */
	uint8_t code;	     /* RESPONSE: REG_CODE(c, d) */
	/* RESPONSE to a Register: the Location-Path options, one per
	 * segment ("rd", "5a3f") or one with slashes ("rd/5a3f"), or a mix;
	 * valid during the call only. */
	const struct reg_opt *location;
	size_t n_location;
	uint32_t lifetime;   /* LIFETIME */
	const char *binding; /* BINDING, copied */
};

/*
 * THE transition function: applies ev to the machine (see the table at
 * the top).  Returns 0 (also for events that do not apply in the current
 * state, and for outcomes of requests it no longer waits for), or
 *   -EINVAL  an unknown event type, a bad binding, an internal event
 *   -EBUSY   called from a hook with a RESPONSE that carries a location,
 *            or more than 8 events queued from hooks
 *   -EALREADY  START when not IDLE
 * Events sent from inside a hook are queued and handled, in order, when
 * the current event is done (their return value is then 0).
 */
int reg_handle(struct reg *r, const struct reg_event *ev);

/* The verbs: each builds one event and calls reg_handle(). */
int reg_start(struct reg *r);
int reg_stop(struct reg *r);
int reg_on_response(struct reg *r, uint32_t request_id, uint8_t code,
		    const struct reg_opt *location, size_t n_location);
int reg_on_timeout(struct reg *r, uint32_t request_id);
int reg_on_rst(struct reg *r, uint32_t request_id);
int reg_set_lifetime(struct reg *r, uint32_t lifetime);
int reg_set_binding(struct reg *r, const char *binding);
int reg_objects_changed(struct reg *r);
int reg_trigger_update(struct reg *r);
int reg_disable(struct reg *r);
int reg_new_session(struct reg *r);
int reg_wake_for_report(struct reg *r);
int reg_activity(struct reg *r);

/* /1/x/5 Disable Timeout was written: the next Disable lasts seconds
 * (0: the default, as in struct reg_config).  Returns 0. */
int reg_set_disable_timeout(struct reg *r, uint32_t seconds);

/* ---- inspection --------------------------------------------------- */

struct reg_counters {
	uint64_t registers_sent;
	uint64_t updates_sent;
	uint64_t deregisters_sent;
	uint64_t registrations;	 /* Registers answered 2.01 */
	uint64_t failures;	 /* requests that failed, any reason */
	uint64_t unanswered;	 /* timeouts and watchdogs, in total */
	uint64_t session_resets; /* reset_session() calls */
	uint32_t attempt;	 /* failed attempts in this sequence */
	uint32_t sequences;	 /* failed sequences since the last 2.01 */
	unsigned consecutive_unanswered;
};

enum reg_state reg_get_state(const struct reg *r);

/* The registration location as "/rd/5a3f" ("" when not registered).
 * Valid until the next event. */
const char *reg_location(const struct reg *r);

/* The location segments (n_out set; NULL when none).  Valid until the
 * next event. */
const char *const *reg_location_segments(const struct reg *r, size_t *n_out);

/* The loop time (loop_now_ms) at which the machine's next timer fires,
 * or UINT64_MAX when none is armed. */
uint64_t reg_next_deadline_ms(const struct reg *r);

const struct reg_counters *reg_get_counters(const struct reg *r);

/* True while notifications may be sent now: registered and not asleep
 * (queue mode queues them until hooks->flush). */
bool reg_is_awake(const struct reg *r);

/* The lifetime, binding and queue mode the server last accepted. */
uint32_t reg_registered_lifetime(const struct reg *r);
const char *reg_registered_binding(const struct reg *r);
bool reg_queue_mode(const struct reg *r);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the servers layer's files share (servers.c: sessions, registration
 * and the Server object; servers_observe.c: observations and attributes;
 * servers_send.c: Send).  Private to them.
 */
#ifndef BRIDGE_SERVERS_PRIV_H
#define BRIDGE_SERVERS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrs.h"
#include "endpoint.h"
#include "observe.h"
#include "registration.h"
#include "send.h"
#include "servers.h"

enum {
	OID_SERVER = 1,
	OID_ACL = 2,
	RID_LIFETIME = 1,
	RID_DEFAULT_PMIN = 2,
	RID_DEFAULT_PMAX = 3,
	RID_DISABLE = 4,
	RID_DISABLE_TIMEOUT = 5,
	RID_STORING = 6,
	RID_BINDING = 7,
	RID_UPDATE_TRIGGER = 8,
	RID_MUTE_SEND = 23,
};

struct link {
	struct servers *sv;
	const struct cfg_server *cfg;
	uint16_t iid;
	char tag[32]; /* "server 1": log tag */
	struct cio_session *session;
	struct reg *reg;
	struct attrs *attrs;	  /* this server's notification attributes */
	struct obs_engine *obs;	  /* its observations */
	struct send_engine *send; /* its Send reports; NULL: none configured */
	bool send_unreadable;	  /* the last report could not be made */
	/* servers_wakeup's 0 ms timer: the registration machine is woken
	 * from the loop, never inside an engine's call (a failing Update
	 * may re-Register at once, which drops every observation). */
	struct loop_timer wake_timer;
};

struct servers {
	struct loop *loop;
	struct cio *cio;
	struct object_access *oa;
	struct dm *dm;
	const struct bridge_config *cfg;
	char endpoint[ENDPOINT_MAX + 1];
	struct link *links;
	size_t n_links;
	void (*done)(void *arg);
	void *done_arg;
	bool done_called;
};

/* The LwM2M version this server was configured with. */
static inline enum reg_lwm2m_version servers_version_of(const struct link *l)
{
	return l->cfg->lwm2m_version == CFG_LWM2M_1_0 ? REG_LWM2M_1_0
						      : REG_LWM2M_1_1;
}

/* ---- servers_observe.c ------------------------------------------------ */

/* The observe engine's callbacks; their ctx is a struct link. */
extern const struct obs_callbacks servers_obs_cb;

/* Who l's server is, for the DM layer (short id, version, attributes). */
struct dm_requester servers_requester_of(const struct link *l);

/* Asks l's registration to wake for a report (queue mode), in the next
 * loop turn; ctx is l. */
void servers_wakeup(void *ctx);
/* wake_timer's callback (arg: the link). */
void servers_wake_now(struct loop *loop, struct loop_timer *t, void *arg);

/* Write-Attributes (PUT with queries, no payload) of p from l's server.
 * Returns 0, -ENOENT (no such path), -EOPNOTSUPP (executable), -EACCES,
 * or -EINVAL (bad attributes). */
int servers_write_attributes(struct link *l, const struct path *p,
			     const struct cio_incoming *in);

/* GET with Observe 0/1, and FETCH with Observe 0/1 (composite), on top of
 * the Read answer out the DM layer gave: registers or cancels the
 * observation and sets the Observe option of resp. */
void servers_observe_request(struct link *l, const struct path *p,
			     const struct cio_incoming *in,
			     const struct dm_response *out,
			     struct cio_response *resp);
void servers_observe_composite_request(struct link *l,
				       const struct dm_request *req,
				       const struct cio_incoming *in,
				       const struct dm_response *out,
				       struct cio_response *resp);

/* The server whose session s is, or NULL. */
struct link *servers_link_of(struct servers *sv, struct cio_session *s);

/* cio's notify-reset handler (arg: sv): an RST to a NON notification
 * cancels its observation. */
void servers_on_notify_reset(void *arg, struct cio_session *s,
			     const uint8_t *token, size_t token_len);

/* ---- servers_send.c --------------------------------------------------- */

/* Sets up l->send when l's server has a "send" group (else leaves it
 * NULL).  Returns 0, or -1 after logging. */
int servers_send_init(struct link *l);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/* The servers' Send reports (LwM2M 1.1 POST /dp): the Send engine's
 * callbacks (send.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "servers_priv.h"

/* ---- Send (LwM2M 1.1 POST /dp) ---------------------------------------- */

static int send_build(void *ctx, const uint8_t **payload, size_t *len)
{
	struct link *l = ctx;
	const struct cfg_send *cs = &l->cfg->send;
	struct dm_requester who = servers_requester_of(l);
	struct dm_response r;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	dm_read_report(l->sv->dm, &who, cs->paths, cs->n_paths, cs->format,
		       (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1e3,
		       &r);
	if (r.code != CIO_CODE(2, 5)) {
		/* Once per spell: every interval would flood the log. */
		if (!l->send_unreadable)
			log_msg(LOG_LVL_WARNING, l->tag,
				"send: no report: %s (%d.%02d)",
				r.code == CIO_CODE(4, 4)
					? "none of the configured paths can "
					  "be read"
					: "the values cannot be encoded",
				CIO_CODE_CLASS(r.code), r.code & 31);
		l->send_unreadable = true;
		return r.code == CIO_CODE(4, 4) ? -ENOENT : -EIO;
	}
	if (l->send_unreadable)
		log_msg(LOG_LVL_NOTICE, l->tag, "send: reports again");
	l->send_unreadable = false;
	*payload = r.payload; /* valid until the next use of the dm */
	*len = r.payload_len;
	return 0;
}

static void send_answered(void *arg, const struct cio_result *res)
{
	struct link *l = arg;

	switch (res->status) {
	case CIO_OK:
	case CIO_BAD_RESPONSE: /* an answer did arrive: not resent */
		if (res->code == CIO_CODE(4, 4)) {
			/* The server does not know us (it restarted or
			 * dropped the registration): an Update finds out
			 * and registers anew if so; the report waits. */
			log_msg(LOG_LVL_INFO, l->tag,
				"send: 4.04 for a report: checking the "
				"registration with an Update");
			(void)reg_trigger_update(l->reg);
			send_result(l->send, -EAGAIN);
			break;
		}
		if (CIO_CODE_CLASS(res->code) != 2)
			log_msg(LOG_LVL_WARNING, l->tag,
				"send: the server refused a report: %d.%02d "
				"(dropped)",
				CIO_CODE_CLASS(res->code), res->code & 31);
		send_result(l->send, res->code);
		break;
	case CIO_RESET:
		log_msg(LOG_LVL_WARNING, l->tag,
			"send: the server answered a report with RST "
			"(dropped)");
		send_result(l->send, -ECONNREFUSED);
		break;
	case CIO_CANCELLED: send_result(l->send, -ECANCELED); break;
	case CIO_TIMEOUT:
	case CIO_FAILED:
		log_msg(LOG_LVL_INFO, l->tag, "send: no answer to a report");
		send_result(l->send, -ETIMEDOUT);
		break;
	}
}

static void send_lost(void *ctx, size_t n, const char *why)
{
	struct link *l = ctx;

	log_msg(LOG_LVL_WARNING, l->tag, "send: %zu report%s dropped: %s", n,
		n == 1 ? "" : "s", why);
}

static int send_post(void *ctx, const uint8_t *payload, size_t len)
{
	static const char *const dp[] = {"dp"};
	struct link *l = ctx;
	struct cio_req req = {
		.method = CIO_POST,
		.path = dp,
		.n_path = 1,
		.content_format = l->cfg->send.format,
		.payload = payload,
		.payload_len = len,
		.confirmable = true,
	};
	int rc = cio_request(l->session, &req, send_answered, l);

	if (rc == 0)
		reg_activity(l->reg);
	return rc;
}

static const struct send_callbacks send_cb = {
	.build = send_build,
	.post = send_post,
	.wakeup = servers_wakeup,
	.lost = send_lost,
};

/* The engine for a server with a "send" group; 0 when it has none. */
int servers_send_init(struct link *l)
{
	const struct cfg_send *cs = &l->cfg->send;
	const struct schema_object *def;
	struct send_config sc;

	if (cs->n_paths == 0)
		return 0;
	send_config_init(&sc);
	sc.loop = l->sv->loop;
	sc.cb = &send_cb;
	sc.ctx = l;
	memcpy(sc.paths, cs->paths, cs->n_paths * sizeof(cs->paths[0]));
	sc.n_paths = cs->n_paths;
	sc.interval_ms = (uint64_t)cs->interval * 1000u;
	sc.on_change = cs->on_change;
	sc.min_interval_ms = (uint64_t)cs->min_interval * 1000u;
	sc.storing = l->cfg->notification_storing;
	/* "If true or the Resource is not present" Send is off (/1/x/23):
	 * a user's Server object definition without it mutes Send. */
	def = schema_find(model_schema(oa_model(l->sv->oa)), OID_SERVER);
	sc.muted = l->cfg->mute_send || !def ||
		   !schema_find_resource(def, RID_MUTE_SEND);
	sc.store_max_count = l->cfg->notification_store_count;
	sc.store_max_bytes = l->cfg->notification_store_bytes;
	l->send = send_new(&sc);
	if (!l->send) {
		log_msg(LOG_LVL_ERR, l->tag, "cannot set up Send: %s",
			strerror(errno));
		return -1;
	}
	return 0;
}

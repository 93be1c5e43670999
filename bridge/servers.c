/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "servers.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reg_message.h"
#include "servers_priv.h"

/* One registration request on its way: the outcome goes to the machine
 * with the id it quoted. */
struct pending {
	struct link *link;
	uint32_t id;
};

/* ---- transport for the registration machine -------------------------- */

static void reg_reset_session(void *ctx);

static void reg_result(void *arg, const struct cio_result *res)
{
	struct pending *p = arg;
	struct reg_opt opts[CIO_PATH_MAX];

	switch (res->status) {
	case CIO_OK:
		for (size_t i = 0; i < res->n_location; i++)
			opts[i] = (struct reg_opt){ res->location[i],
						    strlen(res->location[i]) };
		reg_on_response(p->link->reg, p->id, (uint8_t)res->code, opts,
				res->n_location);
		break;
	case CIO_RESET: reg_on_rst(p->link->reg, p->id); break;
	case CIO_TIMEOUT:
	case CIO_FAILED:
		/* libcoap may still hold the request (an ICMP error is not
		 * final for it): a fresh session drops it, so a Register
		 * given up on cannot reach the server later and register
		 * us twice. */
		reg_reset_session(p->link);
		/* fall through */
	case CIO_BAD_RESPONSE: reg_on_timeout(p->link->reg, p->id); break;
	case CIO_CANCELLED:
		/* The machine reset the session or is being freed: it no
		 * longer waits for this answer. */
		break;
	}
	free(p);
}

static int reg_send(void *ctx, const struct reg_request *req)
{
	struct link *l = ctx;
	char query[REG_QUERY_MAX * REG_QUERY_ITEM_MAX];
	struct cio_req creq = {
		.method = req->method == REG_METHOD_DELETE ? CIO_DELETE
							   : CIO_POST,
		.path = req->path,
		.n_path = req->n_path,
		.content_format = req->payload ? DM_CF_LINK : -1,
		.payload = req->payload,
		.payload_len = req->payload_len,
		.confirmable = true,
	};
	struct pending *p;
	int rc;

	if (req->query) {
		if ((rc = reg_query_join(req->query, query, sizeof(query))) < 0)
			return rc;
		creq.query = query;
	}
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = (struct pending){ l, req->id };
	rc = cio_request(l->session, &creq, reg_result, p);
	if (rc == -ENOTCONN) {
		/* The (D)TLS session went down: a fresh one for this try. */
		if (cio_session_reset(l->session) == 0)
			rc = cio_request(l->session, &creq, reg_result, p);
	}
	if (rc < 0)
		free(p);
	return rc;
}

static void reg_reset_session(void *ctx)
{
	struct link *l = ctx;
	int rc = cio_session_reset(l->session);

	if (rc < 0)
		log_msg(LOG_LVL_WARNING, l->tag, "cannot reopen the session: %s",
			strerror(-rc));
}

/* ---- hooks of the registration machine ------------------------------- */

/* Notifications and Send reports may go to the server (true) or must wait
 * (false). */
static void set_reachable(struct link *l, bool reachable)
{
	obs_set_reachable(l->obs, reachable);
	if (l->send)
		send_set_reachable(l->send, reachable);
}

static int hook_payload(void *ctx, char *buf, size_t cap)
{
	struct link *l = ctx;
	struct reg_payload_opts opts = {
		.version = servers_version_of(l),
	};

	return reg_payload_build(oa_model(l->sv->oa), &opts, buf, cap);
}

/* A new Register is on its way: the server will observe anew; what was
 * stored for it waits until it is reachable again. */
static void hook_reset(void *ctx)
{
	struct link *l = ctx;

	set_reachable(l, false);
	obs_registration_reset(l->obs);
}

static void hook_sleep(void *ctx)
{
	set_reachable(ctx, false);
}

static void hook_flush(void *ctx)
{
	set_reachable(ctx, true);
}

static void hook_registered(void *ctx)
{
	struct link *l = ctx;

	set_reachable(l, true);

	log_msg(LOG_LVL_NOTICE, l->tag, "registered with %s as %s, location %s",
		l->cfg->uri, l->sv->endpoint, reg_location(l->reg));
}

static void hook_state(void *ctx, enum reg_state from, enum reg_state to)
{
	struct link *l = ctx;

	log_msg(LOG_LVL_INFO, l->tag, "registration: %s -> %s",
		reg_state_name(from), reg_state_name(to));
	/* Once De-register is on its way (stop or Disable) nothing more may
	 * go to the server (1.1 Core E.2, resource 4): notifications due
	 * from now on are stored (per /1/x/6) until it is registered again
	 * (hook_registered). */
	switch (to) {
	case REG_STATE_DEREGISTERING:
	case REG_STATE_DISABLED:
	case REG_STATE_BACKOFF:
	case REG_STATE_IDLE: set_reachable(l, false); break;
	case REG_STATE_REGISTERING:
	case REG_STATE_REGISTERED:
	case REG_STATE_UPDATING:
	case REG_STATE_SLEEPING: break;
	}
}

static void check_all_stopped(struct servers *sv)
{
	for (size_t i = 0; i < sv->n_links; i++)
		if (reg_get_state(sv->links[i].reg) != REG_STATE_IDLE)
			return;
	if (sv->done && !sv->done_called) {
		sv->done_called = true;
		sv->done(sv->done_arg);
	}
}

static void hook_stopped(void *ctx)
{
	struct link *l = ctx;

	log_msg(LOG_LVL_INFO, l->tag, "de-registered");
	check_all_stopped(l->sv);
}

/* ---- session events and incoming requests ---------------------------- */

static void on_session_event(void *arg, struct cio_session *s,
			     enum cio_event ev)
{
	struct link *l = arg;

	(void)s;
	if (ev == CIO_EV_CONNECTED) {
		log_msg(LOG_LVL_INFO, l->tag, "secure session established");
		reg_new_session(l->reg);
	} else {
		log_msg(LOG_LVL_WARNING, l->tag, "session down");
	}
}

/* A Create (2.01) or Delete (2.02) went through: the new instance's
 * Location-Path, or every server's attributes of the deleted one dropped;
 * then every server gets an Update with the new object list.  The
 * observations learn of it from the model's change hook
 * (servers_value_changed): those of a deleted instance end with 4.04. */
static void instances_changed(struct servers *sv, const struct path *deleted,
			      const struct dm_response *out,
			      struct cio_response *resp)
{
	char ids[2][8];
	const char *segs[2] = { ids[0], ids[1] };

	if (out->code == CIO_CODE(2, 1) && out->location.len == 2) {
		for (size_t i = 0; i < 2; i++)
			snprintf(ids[i], sizeof(ids[i]), "%u",
				 (unsigned)out->location.ids[i]);
		cio_response_set_location(resp, segs, 2);
	}
	if (out->code == CIO_CODE(2, 2))
		for (size_t i = 0; i < sv->n_links; i++)
			attrs_clear(sv->links[i].attrs, deleted);
	servers_objects_changed(sv);
}

static void on_request(void *arg, struct cio_session *s,
		       const struct cio_incoming *in, struct cio_response *resp)
{
	struct servers *sv = arg;
	struct link *l = servers_link_of(sv, s);
	struct dm_requester who;
	struct dm_request req = {
		.method = (int)in->method,
		.path = in->path,
		.n_path = in->n_path,
		.accept = in->accept,
		.content_format = in->content_format,
		.payload = in->payload,
		.payload_len = in->payload_len,
		.query = in->query,
		.n_query = in->n_query,
	};
	struct dm_response out;
	struct path p;
	bool parsed;

	if (!l) {
		cio_response_set(resp, CIO_CODE(4, 4), -1, NULL, 0);
		return;
	}
	who = servers_requester_of(l);
	reg_activity(l->reg);
	parsed = dm_parse_path(in->path, in->n_path, &p) == 0;
	if (parsed && in->method == CIO_PUT && in->content_format < 0 &&
	    in->n_query > 0) {
		int rc = servers_write_attributes(l, &p, in);

		cio_response_set(resp,
				 rc == 0	 ? CIO_CODE(2, 4)
				 : rc == -ENOENT ? CIO_CODE(4, 4)
				 : rc == -EACCES ? CIO_CODE(4, 1)
				 : rc == -EOPNOTSUPP
					 ? CIO_CODE(4, 5) /* executable */
					 : CIO_CODE(4, 0),
				 -1, NULL, 0);
		return;
	}
	dm_handle(sv->dm, &who, &req, &out);
	cio_response_set(resp, out.code, out.content_format, out.payload,
			 out.payload_len);
	if (parsed && (out.code == CIO_CODE(2, 1) || out.code == CIO_CODE(2, 2)))
		instances_changed(sv, &p, &out, resp);
	if (parsed && in->method == CIO_GET && in->observe >= 0)
		servers_observe_request(l, &p, in, &out, resp);
	if (parsed && in->method == CIO_FETCH && p.len == 0 && in->observe >= 0)
		servers_observe_composite_request(l, &req, in, &out, resp);
}

/* ---- the Server object's executable resources ------------------------ */

static void disable_later(void *arg)
{
	struct link *l = arg;

	reg_disable(l->reg);
}

static int server_execute(void *ctx, uint16_t rid, const char *args,
			  size_t args_len)
{
	struct link *l = ctx;

	(void)args;
	(void)args_len;
	switch (rid) {
	case RID_UPDATE_TRIGGER: return reg_trigger_update(l->reg);
	case RID_DISABLE:
		/* De-register only after the answer to this Execute has
		 * gone: the next loop turn. */
		return loop_post(l->sv->loop, disable_later, l);
	default: return -EOPNOTSUPP;
	}
}

/* A written Default Minimum or Maximum Period (rid, value v) with the
 * other one as the model holds it become the observe engine's defaults;
 * an absent or 0 pmax means none. */
static int set_default_periods(struct link *l, uint16_t rid, int64_t v)
{
	struct model *m = oa_model(l->sv->oa);
	struct path other = path_resource(OID_SERVER, l->iid,
					  rid == RID_DEFAULT_PMIN
						  ? RID_DEFAULT_PMAX
						  : RID_DEFAULT_PMIN);
	struct lwb_value ov = { .type = LWB_TYPE_INTEGER, .v.i = 0 };
	struct attr_set d = { .has = ATTR_PMIN };

	if (v < 0 || v > INT32_MAX)
		return -ERANGE;
	(void)model_get(m, &other, &ov); /* absent: 0 */
	d.pmin = (uint32_t)(rid == RID_DEFAULT_PMIN ? v : ov.v.i);
	d.pmax = (uint32_t)(rid == RID_DEFAULT_PMAX ? v : ov.v.i);
	if (d.pmax > 0)
		d.has |= ATTR_PMAX;
	obs_set_defaults(l->obs, &d);
	return 0;
}

/* A server writes its Lifetime or Binding: the registration machine sends
 * an Update carrying the new value (the model stores it once this returns
 * 0).  The default periods and Notification Storing reach the observe
 * engine, Disable Timeout the registration machine.  Other Server
 * resources are stored as written. */
static int server_write(void *ctx, uint16_t rid, uint16_t riid,
			const struct lwb_value *v)
{
	struct link *l = ctx;
	char binding[8];

	(void)riid;
	switch (rid) {
	case RID_LIFETIME:
		if (v->type != LWB_TYPE_INTEGER || v->v.i < 1 ||
		    v->v.i > INT32_MAX)
			return -EINVAL;
		return reg_set_lifetime(l->reg, (uint32_t)v->v.i);
	case RID_BINDING:
		if (v->type != LWB_TYPE_STRING ||
		    v->v.bytes.len >= sizeof(binding))
			return -EINVAL;
		memcpy(binding, v->v.bytes.ptr, v->v.bytes.len);
		binding[v->v.bytes.len] = '\0';
		return reg_set_binding(l->reg, binding);
	case RID_DEFAULT_PMIN:
	case RID_DEFAULT_PMAX:
		if (v->type != LWB_TYPE_INTEGER)
			return -EINVAL;
		return set_default_periods(l, rid, v->v.i);
	case RID_DISABLE_TIMEOUT:
		if (v->type != LWB_TYPE_INTEGER || v->v.i < 0 ||
		    v->v.i > INT32_MAX)
			return -EINVAL;
		return reg_set_disable_timeout(l->reg, (uint32_t)v->v.i);
	case RID_STORING:
		if (v->type != LWB_TYPE_BOOLEAN)
			return -EINVAL;
		obs_set_storing(l->obs, v->v.b);
		if (l->send)
			send_set_storing(l->send, v->v.b);
		return 0;
	case RID_MUTE_SEND:
		if (v->type != LWB_TYPE_BOOLEAN)
			return -EINVAL;
		if (l->send)
			send_set_muted(l->send, v->v.b);
		return 0;
	default: return 0;
	}
}

/* ---- set-up ------------------------------------------------------------ */

static int link_init(struct servers *sv, struct link *l, size_t i)
{
	struct cio_endpoint ep;
	struct reg_config rc = { 0 };
	struct obs_config oc;
	struct reg_transport tr = { .send = reg_send,
				    .reset_session = reg_reset_session,
				    .ctx = l };
	struct reg_hooks hooks = { .build_payload = hook_payload,
				   .reset = hook_reset,
				   .sleep = hook_sleep,
				   .flush = hook_flush,
				   .registered = hook_registered,
				   .stopped = hook_stopped,
				   .state_changed = hook_state,
				   .ctx = l };
	struct oa_handler h = { .ops = { .struct_size = sizeof(h.ops),
					 .write = server_write,
					 .execute = server_execute },
				.ctx = l };

	l->sv = sv;
	l->cfg = &sv->cfg->servers[i];
	loop_timer_init(&l->wake_timer, servers_wake_now, l);
	l->iid = (uint16_t)i;
	snprintf(l->tag, sizeof(l->tag), "server %u",
		 (unsigned)l->cfg->short_server_id);
	h.tag = l->tag;
	cio_endpoint_from_cfg(&ep, l->cfg);
	ep.ack_timeout_ms = l->cfg->ack_timeout_ms;
	ep.max_retransmit = l->cfg->max_retransmit;
	l->session = cio_session_new(sv->cio, &ep, on_session_event, l);
	if (!l->session) {
		log_msg(LOG_LVL_ERR, l->tag, "cannot open a session to %s: %s",
			l->cfg->uri, strerror(errno));
		return -1;
	}
	rc.short_server_id = l->cfg->short_server_id;
	rc.endpoint = sv->endpoint;
	rc.version = servers_version_of(l);
	rc.lifetime = l->cfg->lifetime;
	rc.binding = l->cfg->binding;
	rc.retry_count = l->cfg->communication_retry_count;
	rc.retry_timer_s = l->cfg->communication_retry_timer;
	rc.seq_delay_s = l->cfg->communication_sequence_delay_timer;
	rc.seq_retry_count = l->cfg->communication_sequence_retry_count;
	rc.disable_timeout_s = l->cfg->disable_timeout;
	rc.queue_timeout_ms = l->cfg->queue_timeout * 1000u;
	l->attrs = attrs_new();
	obs_config_init(&oc);
	oc.loop = sv->loop;
	oc.cb = &servers_obs_cb;
	oc.ctx = l;
	oc.attrs = l->attrs;
	oc.storing = l->cfg->notification_storing;
	oc.defaults.has = ATTR_PMIN | (l->cfg->default_pmax ? ATTR_PMAX : 0);
	oc.defaults.pmin = l->cfg->default_pmin;
	oc.defaults.pmax = l->cfg->default_pmax;
	oc.max_observations = l->cfg->max_observations;
	oc.store_max_count = l->cfg->notification_store_count;
	oc.store_max_bytes = l->cfg->notification_store_bytes;
	oc.con_interval_ms = (uint64_t)l->cfg->confirmable_interval * 1000u;
	/* NON unless a CON is due (confirmable_interval): the transport
	 * reports an RST to a NON with servers_on_notify_reset. */
	oc.all_con = false;
	l->obs = l->attrs ? obs_new(&oc) : NULL;
	if (!l->obs) {
		log_msg(LOG_LVL_ERR, l->tag, "cannot set up observations: %s",
			strerror(errno));
		return -1;
	}
	l->reg = reg_new(sv->loop, &rc, &tr, &hooks);
	if (!l->reg) {
		log_msg(LOG_LVL_ERR, l->tag, "cannot set up registration: %s",
			strerror(errno));
		return -1;
	}
	if (servers_send_init(l) < 0)
		return -1;
	if (oa_bind(sv->oa, OID_SERVER, l->iid, &h) < 0) {
		log_msg(LOG_LVL_ERR, l->tag, "cannot bind /1/%u", l->iid);
		return -1;
	}
	return 0;
}

struct servers *servers_new(struct loop *loop, struct cio *cio,
			    struct object_access *oa, struct dm *dm,
			    const struct bridge_config *cfg,
			    const char *endpoint)
{
	struct servers *sv = calloc(1, sizeof(*sv));

	if (!sv)
		return NULL;
	*sv = (struct servers){ .loop = loop, .cio = cio, .oa = oa,
				.dm = dm, .cfg = cfg };
	snprintf(sv->endpoint, sizeof(sv->endpoint), "%s", endpoint);
	sv->links = calloc(cfg->n_servers ? cfg->n_servers : 1,
			   sizeof(*sv->links));
	if (!sv->links)
		goto fail;
	for (size_t i = 0; i < cfg->n_servers; i++) {
		sv->n_links++;
		if (link_init(sv, &sv->links[i], i) < 0)
			goto fail;
	}
	cio_set_request_handler(cio, on_request, sv);
	cio_set_notify_reset_handler(cio, servers_on_notify_reset, sv);
	return sv;
fail:
	servers_free(sv);
	errno = EIO;
	return NULL;
}

void servers_start(struct servers *sv)
{
	for (size_t i = 0; i < sv->n_links; i++)
		reg_start(sv->links[i].reg);
}

void servers_stop(struct servers *sv, void (*done)(void *arg), void *arg)
{
	sv->done = done;
	sv->done_arg = arg;
	sv->done_called = false;
	for (size_t i = 0; i < sv->n_links; i++)
		reg_stop(sv->links[i].reg);
	check_all_stopped(sv);
}

void servers_value_changed(const struct path *p, void *arg)
{
	struct servers *sv = arg;
	const struct model *m = oa_model(sv->oa);
	bool gone = !model_exists(m, p);
	struct path root = path_root();
	/* A change to Access Control (an ACL written, created or deleted, its
	 * target moved) may take a server's Read right away anywhere: every
	 * observation is checked again and ends with 4.01 if so.  ACLs
	 * change rarely; a check that finds the right still there sends
	 * nothing. */
	bool acl = p->len == 0 || p->ids[0] == OID_ACL;

	for (size_t i = 0; i < sv->n_links; i++) {
		/* Deleted (instance, resource): its observations end with
		 * 4.04 unless it is back by the next loop iteration. */
		if (gone)
			obs_recheck_within(sv->links[i].obs, p);
		if (acl)
			obs_recheck_within(sv->links[i].obs, &root);
		obs_value_changed(sv->links[i].obs, p);
		if (sv->links[i].send)
			send_value_changed(sv->links[i].send, p);
	}
}

void servers_objects_changed(void *arg)
{
	struct servers *sv = arg;

	for (size_t i = 0; i < sv->n_links; i++)
		reg_objects_changed(sv->links[i].reg);
}

void servers_free(struct servers *sv)
{
	if (!sv)
		return;
	cio_set_request_handler(sv->cio, NULL, NULL);
	cio_set_notify_reset_handler(sv->cio, NULL, NULL);
	for (size_t i = 0; i < sv->n_links; i++) {
		struct link *l = &sv->links[i];

		oa_unbind(sv->oa, OID_SERVER, l->iid);
		loop_timer_disarm(sv->loop, &l->wake_timer);
		/* The session first: its pending requests are cancelled
		 * while the machine still exists to ignore them. */
		cio_session_free(l->session);
		reg_free(l->reg);
		send_free(l->send);
		obs_free(l->obs);
		attrs_free(l->attrs);
	}
	free(sv->links);
	free(sv);
}

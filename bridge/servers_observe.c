/* SPDX-License-Identifier: BSD-3-Clause */
/* The servers' observations: the observe engine's callbacks, Observe and
 * Write-Attributes requests, RSTs to notifications. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "servers_priv.h"

/* ---- observations ------------------------------------------------------ */

struct dm_requester servers_requester_of(const struct link *l)
{
	return (struct dm_requester){
		.short_server_id = l->cfg->short_server_id,
		.version = servers_version_of(l),
		.attrs = l->attrs,
	};
}

static int obs_build(void *ctx, const struct obs_info *info, uint8_t *buf,
		     size_t cap, size_t *len, uint16_t *cf)
{
	struct link *l = ctx;
	struct dm_requester who = servers_requester_of(l);
	struct dm_response r;

	if (info->n_paths)
		dm_read_composite(l->sv->dm, &who, info->paths, info->n_paths,
				  info->accept, &r);
	else
		dm_read(l->sv->dm, &who, &info->path, info->accept, &r);
	/* 4.04 and 4.01 end the observation (observe.h, end()). */
	if (r.code == CIO_CODE(4, 4))
		return -ENOENT;
	if (r.code == CIO_CODE(4, 1))
		return -EACCES;
	if (r.code != CIO_CODE(2, 5))
		return -EIO;
	if (r.payload_len > cap)
		return -ENOBUFS;
	memcpy(buf, r.payload, r.payload_len);
	*len = r.payload_len;
	*cf = (uint16_t)r.content_format;
	return 0;
}

/* One confirmable notification on its way: its outcome goes back to the
 * engine under its token and number. */
struct notify_pending {
	struct link *link;
	uint8_t token[OBS_TOKEN_MAX];
	uint8_t token_len;
	uint32_t seq;
};

static void notify_result(void *arg, const struct cio_result *res)
{
	struct notify_pending *np = arg;
	/* A session reset or freed (CIO_CANCELLED) brings no answer
	 * either: a timeout for the engine. */
	int rc = res->status == CIO_OK	    ? 0
		 : res->status == CIO_RESET ? -ECONNRESET
					    : -ETIMEDOUT;

	obs_sent(np->link->obs, np->token, np->token_len, np->seq, rc);
	free(np);
}

static int obs_send(void *ctx, const struct obs_info *info, uint32_t seq,
		    bool con, uint16_t cf, const uint8_t *payload, size_t len)
{
	struct link *l = ctx;
	struct cio_notification n = {
		.token_len = info->token_len,
		.seq = seq,
		.code = CIO_CODE(2, 5),
		.content_format = cf,
		.payload = payload,
		.payload_len = len,
		.confirmable = con,
	};
	struct notify_pending *np;
	int rc;

	memcpy(n.token, info->token, info->token_len);
	if (!con) {
		/* no result to wait for; an RST comes to
		 * servers_on_notify_reset */
		rc = cio_notify(l->session, &n, NULL, NULL);
		if (rc == 0)
			reg_activity(l->reg);
		return rc;
	}
	np = malloc(sizeof(*np));
	if (!np)
		return -ENOMEM;
	*np = (struct notify_pending){
		.link = l, .token_len = info->token_len, .seq = seq};
	memcpy(np->token, info->token, info->token_len);
	rc = cio_notify(l->session, &n, notify_result, np);
	if (rc < 0)
		free(np);
	if (rc == 0)
		reg_activity(l->reg);
	return rc;
}

/* The outcome of an end notification: the engine has forgotten the
 * observation, so there is nothing to report back. */
static void end_result(void *arg, const struct cio_result *res)
{
	(void)arg;
	(void)res;
}

/* The last notification of an observation whose target is gone (4.04) or
 * no longer readable by this server (4.01). */
static int obs_end(void *ctx, const struct obs_info *info, int err)
{
	struct link *l = ctx;
	struct cio_notification n = {
		.token_len = info->token_len,
		.code = err == -EACCES ? CIO_CODE(4, 1) : CIO_CODE(4, 4),
		.content_format = -1,
		.confirmable = true,
	};
	int rc;

	memcpy(n.token, info->token, info->token_len);
	log_msg(LOG_LVL_INFO, l->tag, "observation ended: %s",
		err == -EACCES ? "no Read right any more" : "target gone");
	rc = cio_notify(l->session, &n, end_result, NULL);
	if (rc == 0)
		reg_activity(l->reg);
	return rc;
}

static int obs_read_number(void *ctx, const struct path *p, double *out)
{
	struct link *l = ctx;
	struct lwb_value v;
	int rc = oa_read(l->sv->oa, p, &v);

	if (rc < 0)
		return rc;
	if (v.type == LWB_TYPE_INTEGER || v.type == LWB_TYPE_TIME)
		*out = (double)v.v.i;
	else if (v.type == LWB_TYPE_UNSIGNED)
		*out = (double)v.v.u;
	else if (v.type == LWB_TYPE_FLOAT)
		*out = v.v.f;
	else
		return -EINVAL;
	return 0;
}

void servers_wake_now(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct link *l = arg;

	(void)loop;
	(void)t;
	reg_wake_for_report(l->reg);
}

void servers_wakeup(void *ctx)
{
	struct link *l = ctx;

	if (loop_timer_arm(l->sv->loop, &l->wake_timer, 0, 0) < 0)
		log_msg(LOG_LVL_WARNING, l->tag,
			"cannot arm the wake-up timer");
}

const struct obs_callbacks servers_obs_cb = {
	.build = obs_build,
	.send = obs_send,
	.read_number = obs_read_number,
	.wakeup = servers_wakeup,
	.end = obs_end,
};

/* gt, lt and st make sense on one number: a numeric single resource or a
 * resource instance of a numeric multiple one. */
static bool is_numeric(struct link *l, const struct path *p)
{
	enum lwb_type t = model_type_of(p, oa_model(l->sv->oa));
	const struct schema_object *o;
	const struct schema_resource *r;

	if (p->len < PATH_RESOURCE ||
	    (t != LWB_TYPE_INTEGER && t != LWB_TYPE_UNSIGNED &&
	     t != LWB_TYPE_FLOAT && t != LWB_TYPE_TIME))
		return false;
	if (p->len == PATH_RESOURCE_INSTANCE)
		return true;
	o = schema_find(model_schema(oa_model(l->sv->oa)), p->ids[0]);
	r = o ? schema_find_resource(o, p->ids[2]) : NULL;
	return r && !r->multiple;
}

/* Write-Attributes: PUT with Uri-Query options and no Content-Format. */
/* An executable resource of an existing instance: it holds no value, so
 * the model does not know it, but it exists (Discover lists it). */
static bool is_executable(struct link *l, const struct path *p)
{
	struct model *m = oa_model(l->sv->oa);
	const struct schema_object *o = schema_find(model_schema(m), p->ids[0]);
	const struct schema_resource *r =
		o && p->len == PATH_RESOURCE
			? schema_find_resource(o, p->ids[2])
			: NULL;

	return r && (r->ops & SCHEMA_OP_EXEC) &&
	       model_instance_exists(m, p->ids[0], p->ids[1]);
}

int servers_write_attributes(struct link *l, const struct path *p,
			     const struct cio_incoming *in)
{
	struct dm_requester who = servers_requester_of(l);
	size_t lens[CIO_QUERY_MAX];
	int rc;

	if (p->len == 0)
		return -EINVAL;
	if (!model_exists(oa_model(l->sv->oa), p))
		return is_executable(l, p) ? -EOPNOTSUPP : -ENOENT;
	/* Write-Attributes needs the Read right (Access Control object,
	 * resource 2: "R (Read, Observe, Write-Attributes)"). */
	if ((rc = dm_check_access(l->sv->dm, &who, p, DM_ACCESS_READ)) < 0)
		return rc;
	for (size_t i = 0; i < in->n_query; i++)
		lens[i] = strlen(in->query[i]);
	rc = attrs_write(l->attrs, p, in->query, lens, in->n_query,
			 is_numeric(l, p));
	if (rc == 0)
		obs_attrs_changed(l->obs);
	return rc;
}

/* GET with Observe 0 or 1 on top of the Read dm answers. */
void servers_observe_request(struct link *l, const struct path *p,
			     const struct cio_incoming *in,
			     const struct dm_response *out,
			     struct cio_response *resp)
{
	uint32_t seq;

	if (in->observe == 1) {
		obs_cancel(l->obs, in->token, in->token_len);
		return;
	}
	if (out->code != CIO_CODE(2, 5))
		return;
	/* Without room for it, the answer is a plain Read (RFC 7641 4.1). */
	if (obs_add(l->obs, in->token, in->token_len, p, in->accept, &seq) == 0)
		cio_response_set_observe(resp, seq);
}

/* LwM2M 1.1 Observe-Composite: FETCH on the root with Observe 0 (1
 * cancels), on top of the Read-Composite dm answers. */
void servers_observe_composite_request(struct link *l,
				       const struct dm_request *req,
				       const struct cio_incoming *in,
				       const struct dm_response *out,
				       struct cio_response *resp)
{
	struct path paths[OBS_COMPOSITE_MAX];
	int accept = in->accept < 0 ? in->content_format : in->accept;
	uint32_t seq;
	int n;

	if (in->observe == 1) {
		obs_cancel(l->obs, in->token, in->token_len);
		return;
	}
	if (out->code != CIO_CODE(2, 5) ||
	    (n = dm_composite_paths(req, paths, OBS_COMPOSITE_MAX)) <= 0)
		return;
	if (obs_add_composite(l->obs, in->token, in->token_len, paths,
			      (size_t)n, accept, &seq) == 0)
		cio_response_set_observe(resp, seq);
}

struct link *servers_link_of(struct servers *sv, struct cio_session *s)
{
	for (size_t i = 0; i < sv->n_links; i++)
		if (sv->links[i].session == s)
			return &sv->links[i];
	return NULL;
}

/* RFC 7641 §3.6: an RST to a NON notification ends its observation. */
void servers_on_notify_reset(void *arg, struct cio_session *s,
			     const uint8_t *token, size_t token_len)
{
	struct link *l = servers_link_of(arg, s);

	if (l && obs_cancel(l->obs, token, token_len) == 0)
		log_msg(LOG_LVL_INFO, l->tag,
			"observation cancelled by an RST to a notification");
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /4/0: a snapshot of the network state, at most one a second, single
 * resources computed from it on read, multiple ones mirrored in the model.
 */
#include "config.h"

#include "connmon.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define OID_CONNMON 4
#define SNAPSHOT_MS 1000
#define BEARERS_MAX 8
#define ADDRS_MAX   8
#define ROUTERS_MAX 4

enum {
	RID_BEARER = 0,
	RID_AVAILABLE = 1,
	RID_RSSI = 2,
	RID_LINK_QUALITY = 3,
	RID_IP = 4,
	RID_ROUTER = 5,
};

struct snapshot {
	char ifname[CMHOST_IFNAME_MAX];
	int bearer; /* < 0: unknown */
	int avail[BEARERS_MAX];
	size_t n_avail;
	bool has_radio;
	int rssi, link_quality;
	char ip[ADDRS_MAX][CMHOST_ADDR_MAX];
	size_t n_ip;
	char router[ROUTERS_MAX][CMHOST_ADDR_MAX];
	size_t n_router;
};

struct connmon {
	struct loop *loop;
	struct object_access *oa;
	struct model *m;
	char *root;
	char *interface; /* "" = the default route's */
	connmon_addrs_fn addrs;
	void *addrs_ctx;
	uint64_t at_ms; /* loop clock of the snapshot; 0 = never */
	struct snapshot s;
};

static void take(struct connmon *c, struct snapshot *s)
{
	int n;

	memset(s, 0, sizeof(*s));
	s->bearer = -1;
	if (c->interface[0])
		snprintf(s->ifname, sizeof(s->ifname), "%s", c->interface);
	else if (cmhost_default_interface(c->root, s->ifname,
					  sizeof(s->ifname)) < 0)
		s->ifname[0] = '\0';
	n = cmhost_available_bearers(c->root, s->avail, BEARERS_MAX);
	s->n_avail = n > 0 ? (size_t)n : 0;
	if (!s->ifname[0])
		return;
	s->bearer = cmhost_bearer(c->root, s->ifname);
	s->has_radio = cmhost_wireless(c->root, s->ifname, &s->rssi,
				       &s->link_quality) == 0;
	n = c->addrs(s->ifname, s->ip, ADDRS_MAX, c->addrs_ctx);
	s->n_ip = n > 0 ? (size_t)n : 0;
	n = cmhost_routers(c->root, s->ifname, s->router, ROUTERS_MAX);
	s->n_router = n > 0 ? (size_t)n : 0;
}

static struct lwb_value str_value(const char *s)
{
	return (struct lwb_value){.type = LWB_TYPE_STRING,
				  .v.bytes = {s, strlen(s)}};
}

static struct lwb_value int_value(int64_t i)
{
	return (struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = i};
}

/* The value of instance i of multiple resource rid in s. */
static struct lwb_value multi_value(const struct snapshot *s, uint16_t rid,
				    size_t i)
{
	if (rid == RID_AVAILABLE)
		return int_value(s->avail[i]);
	if (rid == RID_IP)
		return str_value(s->ip[i]);
	return str_value(s->router[i]);
}

static size_t multi_count(const struct snapshot *s, uint16_t rid)
{
	return rid == RID_AVAILABLE ? s->n_avail
	       : rid == RID_IP	    ? s->n_ip
				    : s->n_router;
}

/* Mirrors resource rid of s in the model as instances 0..n-1.  A list that
 * shrank is rewritten whole (deleted, then set in the same call, so an
 * observation of it sees a change, not a deletion).  An empty list is an
 * existing resource without instances (IP Addresses is mandatory: Read answers
 * an empty list, not 4.04): the model makes one from a set and a delete of an
 * instance. */
static void mirror(struct connmon *c, uint16_t rid)
{
	struct path res = path_resource(OID_CONNMON, 0, rid);
	struct path first = path_resource_instance(OID_CONNMON, 0, rid, 0);
	int count = model_resource_instance_count(c->m, &res);
	size_t n = multi_count(&c->s, rid);
	int64_t now = oa_now_ms(c->oa);

	if (count > 0 && (size_t)count > n)
		model_resource_delete(c->m, &res);
	if (n == 0 && count != 0) {
		struct lwb_value none =
			rid == RID_AVAILABLE ? int_value(0) : str_value("");

		if (model_set_at(c->m, &first, &none, now) >= 0)
			model_resource_delete(c->m, &first);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct path p = path_resource_instance(OID_CONNMON, 0, rid,
						       (uint16_t)i);
		struct lwb_value v = multi_value(&c->s, rid, i);

		model_set_at(c->m, &p, &v, now);
	}
}

static void refresh(struct connmon *c)
{
	uint64_t now = loop_now_ms(c->loop);

	if (c->at_ms != 0 && now >= c->at_ms && now - c->at_ms < SNAPSHOT_MS)
		return;
	take(c, &c->s);
	c->at_ms = now ? now : 1;
	mirror(c, RID_AVAILABLE);
	mirror(c, RID_IP);
	mirror(c, RID_ROUTER);
}

static int on_read(void *ctx, uint16_t rid, uint16_t riid,
		   struct lwb_value *out)
{
	struct connmon *c = ctx;
	const struct snapshot *s = &c->s;

	refresh(c);
	switch (rid) {
	case RID_BEARER:
		if (s->bearer < 0)
			return -ENOENT;
		*out = int_value(s->bearer);
		return 0;
	case RID_RSSI:
	case RID_LINK_QUALITY:
		if (!s->has_radio)
			return -ENOENT;
		*out = int_value(rid == RID_RSSI ? s->rssi : s->link_quality);
		return 0;
	case RID_AVAILABLE:
	case RID_IP:
	case RID_ROUTER:
		/* The refresh above may have just dropped this instance. */
		if (riid >= multi_count(s, rid))
			return -ENOENT;
		*out = multi_value(s, rid, riid);
		return 0;
	default: return -ENOENT;
	}
}

static int collect_nothing(const struct record *r, void *ctx)
{
	(void)r;
	(void)ctx;
	return 0;
}

struct connmon *connmon_new(struct loop *loop, struct object_access *oa,
			    const struct connmon_opts *o)
{
	struct connmon *c = calloc(1, sizeof(*c));
	struct path inst = path_instance(OID_CONNMON, 0);
	struct oa_handler h = {
		.ops = {.read = on_read},
		.tag = "connmon",
	};
	int rc = -ENOMEM;

	if (!c || !(c->root = strdup(o->root ? o->root : "")) ||
	    !(c->interface = strdup(o->interface ? o->interface : "")))
		goto fail;
	c->loop = loop;
	c->oa = oa;
	c->m = oa_model(oa);
	c->addrs = o->addrs ? o->addrs : cmhost_addresses;
	c->addrs_ctx = o->addrs_ctx;
	if ((rc = model_instance_create(c->m, OID_CONNMON, 0)) < 0)
		goto fail;
	h.ctx = c;
	h.owner = c;
	if ((rc = oa_bind(oa, OID_CONNMON, 0, &h)) < 0) {
		model_instance_delete(c->m, OID_CONNMON, 0);
		goto fail;
	}
	/* Stores every value: the model has them from the start. */
	oa_read_collect(oa, &inst, collect_nothing, NULL);
	return c;
fail:
	connmon_free(c);
	errno = -rc;
	return NULL;
}

void connmon_free(struct connmon *c)
{
	if (!c)
		return;
	if (c->oa && oa_handler(c->oa, OID_CONNMON, 0) &&
	    oa_handler(c->oa, OID_CONNMON, 0)->owner == c)
		oa_unbind(c->oa, OID_CONNMON, 0);
	free(c->root);
	free(c->interface);
	free(c);
}

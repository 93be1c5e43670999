/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A well-behaved plugin: one Temperature instance with read, write and
 * execute callbacks.  Settings: value (float, default 21.5), iid (int,
 * default: any).  Each configured instance has its own state.
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_plugins.h"

static int good_read(void *ctx, uint16_t rid, uint16_t riid,
		     struct lwb_value *out)
{
	struct tp_good *g = ctx;

	(void)riid;
	g->reads++;
	switch (rid) {
	case TP_RID_VALUE: out->v.f = g->value; return 0;
	case TP_RID_UNITS:
		out->v.bytes.ptr = "Cel";
		out->v.bytes.len = 3;
		return 0;
	case TP_RID_APP_TYPE:
		out->v.bytes.ptr = g->app_type;
		out->v.bytes.len = g->app_type_len;
		return 0;
	default: return -ENOENT;
	}
}

static int good_write(void *ctx, uint16_t rid, uint16_t riid,
		      const struct lwb_value *v)
{
	struct tp_good *g = ctx;

	(void)riid;
	g->writes++;
	if (rid != TP_RID_APP_TYPE)
		return -ENOENT;
	if (v->v.bytes.len >= sizeof(g->app_type))
		return -EINVAL;
	memcpy(g->app_type, v->v.bytes.ptr, v->v.bytes.len);
	g->app_type_len = v->v.bytes.len;
	return 0;
}

static int good_execute(void *ctx, uint16_t rid, const char *args,
			size_t args_len)
{
	struct tp_good *g = ctx;
	struct lwb_host *h = g->host;

	g->executes++;
	if (rid != TP_RID_RESET)
		return -ENOENT;
	snprintf(g->exec_args, sizeof(g->exec_args), "%.*s", (int)args_len,
		 args);
	lwb_publish_float(h, TP_OID_TEMP, (uint16_t)g->iid, TP_RID_MIN,
			  g->value);
	lwb_publish_float(h, TP_OID_TEMP, (uint16_t)g->iid, TP_RID_MAX,
			  g->value);
	return 0;
}

static const struct lwb_instance_ops good_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.read = good_read,
	.write = good_write,
	.execute = good_execute,
};

static int good_init(struct lwb_host *h, void **state)
{
	const struct config_setting_t *s = h->api->settings(h);
	struct tp_good *g = calloc(1, sizeof(*g));
	int iid = LWB_ANY_IID;
	int rc;

	if (!g)
		return -ENOMEM;
	g->magic = TP_GOOD_MAGIC;
	g->host = h;
	g->value = 21.5;
	if (s) {
		config_setting_lookup_float(s, "value", &g->value);
		config_setting_lookup_int(s, "iid", &iid);
	}
	rc = h->api->instance_create(h, TP_OID_TEMP, (uint16_t)iid, &good_ops,
				     g);
	if (rc < 0) {
		h->api->log(h, LWB_LOG_ERR, "cannot create /%d/%d: %s",
			    TP_OID_TEMP, iid, strerror(-rc));
		free(g);
		return rc;
	}
	g->iid = rc;
	lwb_publish_float(h, TP_OID_TEMP, (uint16_t)g->iid, TP_RID_VALUE,
			  g->value);
	lwb_publish_string(h, TP_OID_TEMP, (uint16_t)g->iid, TP_RID_UNITS,
			   "Cel", 3);
	h->api->log(h, LWB_LOG_INFO, "ready on /%d/%d", TP_OID_TEMP, g->iid);
	*state = g;
	return 0;
}

static void good_fini(void *state)
{
	struct tp_good *g = state;

	g->host->api->log(g->host, LWB_LOG_INFO, "fini after %d reads",
			  g->reads);
	g->host->api->instance_remove(g->host, TP_OID_TEMP, (uint16_t)g->iid);
	free(g);
}

LWB_PLUGIN_DEFINE(.name = "good", .version = "1.2.3",
		  .description = "test plugin: one temperature sensor",
		  .init = good_init, .fini = good_fini);

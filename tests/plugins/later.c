/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A plugin that adds an object instance while the daemon runs and removes
 * it again: /3303/7 appears add_ms after init and goes away remove_ms
 * after that.  It lets the tests see the registration Update that carries
 * the new object list.
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>

#include "lwm2m-bridge/plugin.h"

enum { OID_TEMPERATURE = 3303, IID_LATE = 7 };

struct later {
	struct lwb_host *host;
	struct lwb_timer *timer;
	int add_ms, remove_ms;
	bool added;
};

static void later_tick(struct lwb_timer *t, void *arg)
{
	struct later *l = arg;
	const struct lwb_host_api *api = l->host->api;

	if (!l->added) {
		if (api->instance_create(l->host, OID_TEMPERATURE, IID_LATE,
					 NULL, NULL) == IID_LATE) {
			l->added = true;
			lwb_publish_float(l->host, OID_TEMPERATURE, IID_LATE,
					  5700, 18.0);
			api->log(l->host, LWB_LOG_INFO, "added /3303/7");
			api->timer_start(l->host, t, (uint64_t)l->remove_ms, 0);
		}
		return;
	}
	api->instance_remove(l->host, OID_TEMPERATURE, IID_LATE);
	api->log(l->host, LWB_LOG_INFO, "removed /3303/7");
}

static int later_init(struct lwb_host *host, void **state)
{
	const struct config_setting_t *s = host->api->settings(host);
	struct later *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->host = host;
	l->add_ms = 1000;
	l->remove_ms = 1000;
	if (s) {
		config_setting_lookup_int(s, "add_ms", &l->add_ms);
		config_setting_lookup_int(s, "remove_ms", &l->remove_ms);
	}
	l->timer = host->api->timer_new(host, later_tick, l);
	if (!l->timer ||
	    host->api->timer_start(host, l->timer, (uint64_t)l->add_ms, 0)) {
		free(l);
		return -ENOMEM;
	}
	*state = l;
	return 0;
}

static void later_fini(void *state)
{
	struct later *l = state;

	l->host->api->timer_free(l->host, l->timer);
	free(l);
}

LWB_PLUGIN_DEFINE(.name = "later", .version = "1.0",
		  .description = "adds and removes an instance at run time",
		  .init = later_init, .fini = later_fini);

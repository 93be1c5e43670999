/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A plugin whose init registers things and then fails: the daemon must
 * remove what it registered (instance, timer, posted work) and must not
 * call fini.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "test_plugins.h"

static void never(void *arg)
{
	(void)arg;
	abort(); /* posted work of a failed instance must never run */
}

static void never_timer(struct lwb_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	abort();
}

static int initfail_init(struct lwb_host *h, void **state)
{
	struct lwb_timer *t;

	(void)state;
	h->api->instance_create(h, TP_OID_TEMP, LWB_ANY_IID, NULL, NULL);
	t = h->api->timer_new(h, never_timer, NULL);
	if (t)
		h->api->timer_start(h, t, 0, 5);
	h->api->post(h, never, NULL);
	h->api->log(h, LWB_LOG_ERR, "cannot open /dev/nonexistent-bus");
	return -ENODEV;
}

static void initfail_fini(void *state)
{
	(void)state;
	abort(); /* fini is not called after a failed init */
}

LWB_PLUGIN_DEFINE(.name = "initfail", .version = "1.0", .init = initfail_init,
		  .fini = initfail_fini);

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls every host function and checks each documented result; the unit
 * test reads the tally from struct tp_allapi.  Settings: fd (an fd of the
 * test to watch for reading), leak (true: fini frees its state but leaves
 * its instance, fd watch and timer registered, as a careless plugin would).
 * Posts work from init and from a worker thread (joined in init).
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_plugins.h"

#define UNDEFINED_OID 32000 /* no definition in objects/ */

static void check(struct tp_allapi *a, const char *what, long got, long want)
{
	a->checks++;
	if (got == want)
		return;
	if (a->failures++ == 0)
		snprintf(a->first_failure, sizeof(a->first_failure),
			 "%s: got %ld, want %ld", what, got, want);
}

static void vlog_helper(struct lwb_host *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	h->api->vlog(h, LWB_LOG_NOTICE, fmt, ap);
	va_end(ap);
}

static void on_fd(int fd, unsigned int revents, void *arg)
{
	struct tp_allapi *a = arg;
	uint64_t v;

	if ((revents & LWB_FD_READ) && read(fd, &v, sizeof(v)) < 0)
		return;
	a->fd_events++;
}

static void on_timer(struct lwb_timer *t, void *arg)
{
	struct tp_allapi *a = arg;

	(void)t;
	a->timer_fires++;
	a->host->api->log(a->host, LWB_LOG_DEBUG, "timer %d", a->timer_fires);
}

static void on_work(void *arg)
{
	struct tp_allapi *a = arg;

	a->host->api->log(a->host, LWB_LOG_INFO, "work ran");
}

static void *worker(void *arg)
{
	struct tp_allapi *a = arg;

	for (int i = 0; i < TP_ALLAPI_THREAD_POSTS; i++)
		if (a->host->api->post(a->host, on_work, a) != 0)
			break;
	return NULL;
}

static const struct lwb_instance_ops no_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
};

static const struct lwb_instance_ops short_ops = {
	.struct_size = 4, /* older than ABI 1.0 ever was */
};

static void instances(struct lwb_host *h, struct tp_allapi *a)
{
	const struct lwb_host_api *api = h->api;
	int other;

	a->iid = api->instance_create(h, TP_OID_TEMP, LWB_ANY_IID, &no_ops, a);
	check(a, "create any", a->iid >= 0, 1);
	check(a, "create taken",
	      api->instance_create(h, TP_OID_TEMP, (uint16_t)a->iid, NULL,
				   NULL),
	      -EEXIST);
	check(a, "create /1", api->instance_create(h, 1, 7, NULL, NULL),
	      -EPERM);
	check(a, "create /0",
	      api->instance_create(h, 0, LWB_ANY_IID, NULL, NULL), -EPERM);
	check(a, "create /3/0", api->instance_create(h, 3, 0, NULL, NULL),
	      -EEXIST);
	check(a, "create /3/1", api->instance_create(h, 3, 1, NULL, NULL),
	      -EPERM);
	check(a, "create undefined",
	      api->instance_create(h, UNDEFINED_OID, 0, NULL, NULL), -ENOENT);
	check(a, "create short ops",
	      api->instance_create(h, TP_OID_TEMP, LWB_ANY_IID, &short_ops,
				   NULL),
	      -EINVAL);
	other = api->instance_create(h, TP_OID_TEMP, LWB_ANY_IID, NULL, NULL);
	check(a, "create second", other > a->iid, 1);
	check(a, "remove second",
	      api->instance_remove(h, TP_OID_TEMP, (uint16_t)other), 0);
	check(a, "remove again",
	      api->instance_remove(h, TP_OID_TEMP, (uint16_t)other), -ENOENT);
	check(a, "remove /3/0", api->instance_remove(h, 3, 0), -EPERM);
}

static void publishing(struct lwb_host *h, struct tp_allapi *a)
{
	const struct lwb_host_api *api = h->api;
	uint16_t iid = (uint16_t)a->iid;
	struct lwb_value s = {.type = LWB_TYPE_STRING, .v.bytes = {"hot", 3}};

	check(a, "publish new",
	      lwb_publish_float(h, TP_OID_TEMP, iid, TP_RID_VALUE, 5.25), 1);
	check(a, "publish same",
	      lwb_publish_float(h, TP_OID_TEMP, iid, TP_RID_VALUE, 5.25), 0);
	check(a, "publish at",
	      api->publish(
		      h, TP_OID_TEMP, iid, TP_RID_MIN, LWB_NO_RIID,
		      &(struct lwb_value){.type = LWB_TYPE_FLOAT, .v.f = -3.0},
		      1234567),
	      1);
	check(a, "publish wrong type",
	      api->publish(h, TP_OID_TEMP, iid, TP_RID_VALUE, LWB_NO_RIID, &s,
			   0),
	      -EPROTOTYPE);
	check(a, "publish core", lwb_publish_string(h, 3, 0, 0, "evil", 4),
	      -EPERM);
	check(a, "publish undefined resource",
	      lwb_publish_int(h, TP_OID_TEMP, iid, 9999, 1), -ENOENT);
	check(a, "publish no instance",
	      lwb_publish_float(h, TP_OID_TEMP, 999, TP_RID_VALUE, 1.0),
	      -ENOENT);
	check(a, "publish riid on single",
	      api->publish(h, TP_OID_TEMP, iid, TP_RID_VALUE, 0,
			   &(struct lwb_value){.type = LWB_TYPE_FLOAT}, 0),
	      -EINVAL);
}

static void loop_things(struct lwb_host *h, struct tp_allapi *a)
{
	const struct lwb_host_api *api = h->api;
	pthread_t th;

	if (a->fd >= 0) {
		check(a, "fd_watch",
		      api->fd_watch(h, a->fd, LWB_FD_READ, on_fd, a), 0);
		check(a, "fd_watch twice",
		      api->fd_watch(h, a->fd, LWB_FD_READ, on_fd, a), -EEXIST);
		check(a, "fd_modify", api->fd_modify(h, a->fd, LWB_FD_READ), 0);
	}
	check(a, "fd_watch bad bits",
	      api->fd_watch(h, 0, LWB_FD_HANGUP, on_fd, a), -EINVAL);
	check(a, "fd_modify unwatched", api->fd_modify(h, 999, LWB_FD_READ),
	      -ENOENT);
	check(a, "fd_unwatch unwatched", api->fd_unwatch(h, 999), -ENOENT);
	a->timer = api->timer_new(h, on_timer, a);
	check(a, "timer_new", a->timer != NULL, 1);
	check(a, "timer_start", api->timer_start(h, a->timer, 10, 10), 0);
	a->started_ms = api->now_ms(h);
	check(a, "post", api->post(h, on_work, a), 0);
	check(a, "thread", pthread_create(&th, NULL, worker, a), 0);
	pthread_join(th, NULL);
}

static int allapi_init(struct lwb_host *h, void **state)
{
	const struct config_setting_t *s = h->api->settings(h);
	struct tp_allapi *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->magic = TP_ALLAPI_MAGIC;
	a->host = h;
	a->fd = -1;
	if (s) {
		config_setting_lookup_int(s, "fd", &a->fd);
		config_setting_lookup_bool(s, "leak", &a->leak);
	}
	check(a, "api size", h->api->struct_size >= sizeof(struct lwb_host_api),
	      1);
	check(a, "abi major", (long)h->api->abi_major, LWB_ABI_MAJOR);
	h->api->log(h, LWB_LOG_INFO, "hello from %s", h->api->instance_name(h));
	vlog_helper(h, "settings %s", s ? "given" : "absent");
	instances(h, a);
	publishing(h, a);
	loop_things(h, a);
	*state = a;
	return 0;
}

static void allapi_fini(void *state)
{
	struct tp_allapi *a = state;
	struct lwb_host *h = a->host;

	if (!a->leak) {
		if (a->fd >= 0)
			h->api->fd_unwatch(h, a->fd);
		h->api->timer_stop(h, a->timer);
		h->api->timer_free(h, a->timer);
		h->api->timer_free(h, NULL);
		h->api->instance_remove(h, TP_OID_TEMP, (uint16_t)a->iid);
	}
	h->api->log(h, LWB_LOG_INFO, "fini%s", a->leak ? " (leaking)" : "");
	free(a);
}

LWB_PLUGIN_DEFINE(.name = "allapi", .version = "0.0.1", .init = allapi_init,
		  .fini = allapi_fini);

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host API a plugin receives (struct lwb_host_api): every function
 * records what it registers in the calling instance, so unloading can
 * remove it all even if the plugin forgot.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plugin_host_priv.h"

_Static_assert(LWB_FD_READ == LOOP_READ && LWB_FD_WRITE == LOOP_WRITE &&
		       LWB_FD_ERROR == LOOP_ERROR &&
		       LWB_FD_HANGUP == LOOP_HANGUP,
	       "plugin fd bits are the loop's");
_Static_assert((int)LWB_LOG_ERR == (int)LOG_LVL_ERR &&
		       (int)LWB_LOG_DEBUG == (int)LOG_LVL_DEBUG,
	       "plugin log levels are the daemon's");

/* Objects whose every instance the daemon owns: Security, Server, Access
 * Control.  (Device is the daemon's too, and its one instance exists.) */
#define CORE_OBJECTS_END 3

/* The size of struct lwb_instance_ops in ABI 1.0: everything a plugin
 * built for 1.x knows. */

__attribute__((format(printf, 3, 0)))
static void api_vlog(struct lwb_host *host, enum lwb_log_level level,
		     const char *fmt, va_list ap)
{
	int l = (int)level;

	if (l < LOG_LVL_ERR)
		l = LOG_LVL_ERR;
	if (l > LOG_LVL_DEBUG)
		l = LOG_LVL_DEBUG;
	log_vmsg((enum log_level)l, ph_inst_of(host)->name, fmt, ap);
}

__attribute__((format(printf, 3, 4)))
static void api_log(struct lwb_host *host, enum lwb_log_level level,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	api_vlog(host, level, fmt, ap);
	va_end(ap);
}

static const char *api_instance_name(struct lwb_host *host)
{
	return ph_inst_of(host)->name;
}

static const struct config_setting_t *api_settings(struct lwb_host *host)
{
	return ph_inst_of(host)->settings;
}

/* ---- object instances ------------------------------------------------ */

static int track(struct ph_inst *pi, uint16_t oid, uint16_t iid)
{
	if (pi->n_owned == pi->cap_owned) {
		size_t cap = pi->cap_owned ? pi->cap_owned * 2 : 4;
		struct ph_owned *g = realloc(pi->owned, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		pi->owned = g;
		pi->cap_owned = cap;
	}
	pi->owned[pi->n_owned++] = (struct ph_owned){oid, iid};
	return 0;
}

static void untrack(struct ph_inst *pi, uint16_t oid, uint16_t iid)
{
	for (size_t i = 0; i < pi->n_owned; i++) {
		if (pi->owned[i].oid == oid && pi->owned[i].iid == iid) {
			pi->owned[i] = pi->owned[--pi->n_owned];
			return;
		}
	}
}

static int api_instance_create(struct lwb_host *host, uint16_t oid,
			       uint16_t iid, const struct lwb_instance_ops *ops,
			       void *ctx)
{
	struct ph_inst *pi = ph_inst_of(host);
	struct model *m = pi->ph->m;
	struct oa_handler h;
	int rc;

	if (oid >= LWB_ID_INVALID)
		return -EINVAL;
	if (oid < CORE_OBJECTS_END)
		return -EPERM;
	if (ops && ops->struct_size < LWB_INSTANCE_OPS_V1_0_SIZE)
		return -EINVAL;
	if (iid == LWB_ANY_IID) {
		rc = model_instance_free_id(m, oid);
		if (rc < 0)
			return rc;
		iid = (uint16_t)rc;
	}
	rc = model_instance_create(m, oid, iid);
	if (rc < 0)
		return rc;
	memset(&h, 0, sizeof(h));
	/* Only what the plugin's struct has: a plugin built for an older
	 * minor version has a shorter one (the rest stays NULL). */
	if (ops)
		memcpy(&h.ops, ops,
		       ops->struct_size < sizeof(h.ops) ? ops->struct_size
							 : sizeof(h.ops));
	h.ctx = ctx;
	h.tag = pi->name;
	h.owner = pi;
	if ((rc = track(pi, oid, iid)) < 0)
		goto fail;
	if ((rc = oa_bind(pi->ph->oa, oid, iid, &h)) < 0) {
		untrack(pi, oid, iid);
		goto fail;
	}
	ph_instances_changed(pi->ph);
	return iid;
fail:
	model_instance_delete(m, oid, iid);
	return rc;
}

/* 0 if /oid/iid is pi's, else -ENOENT or -EPERM. */
static int check_owner(struct ph_inst *pi, uint16_t oid, uint16_t iid)
{
	const struct oa_handler *h = oa_handler(pi->ph->oa, oid, iid);

	if (h)
		return h->owner == pi ? 0 : -EPERM;
	return model_instance_exists(pi->ph->m, oid, iid) ? -EPERM : -ENOENT;
}

static void remove_instance(struct ph_inst *pi, uint16_t oid, uint16_t iid)
{
	oa_unbind(pi->ph->oa, oid, iid);
	model_instance_delete(pi->ph->m, oid, iid);
	untrack(pi, oid, iid);
	ph_instances_changed(pi->ph);
}

static int api_instance_remove(struct lwb_host *host, uint16_t oid,
			       uint16_t iid)
{
	struct ph_inst *pi = ph_inst_of(host);
	int rc = check_owner(pi, oid, iid);

	if (rc < 0)
		return rc;
	remove_instance(pi, oid, iid);
	return 0;
}

/* The hot path of a sensor plugin: two binary searches, the type check
 * and a compare; no allocation unless a byte value grows. */
static int api_publish(struct lwb_host *host, uint16_t oid, uint16_t iid,
		       uint16_t rid, uint16_t riid,
		       const struct lwb_value *value, int64_t timestamp_ms)
{
	struct ph_inst *pi = ph_inst_of(host);
	struct path p;
	int rc;

	if (!value || oid >= LWB_ID_INVALID || iid >= LWB_ID_INVALID ||
	    rid >= LWB_ID_INVALID)
		return -EINVAL;
	if ((rc = check_owner(pi, oid, iid)) < 0)
		return rc;
	p = riid == LWB_NO_RIID ? path_resource(oid, iid, rid)
				: path_resource_instance(oid, iid, rid, riid);
	rc = model_set_at(pi->ph->m, &p, value,
			  timestamp_ms ? timestamp_ms : oa_now_ms(pi->ph->oa));
	if (rc >= 0) {
		pi->publishes++;
		pi->changes += (uint64_t)rc;
	}
	return rc;
}

/* ---- fd watches ------------------------------------------------------ */

static struct ph_watch *find_watch(struct ph_inst *pi, int fd)
{
	for (struct ph_watch *w = pi->watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

static void fd_trampoline(int fd, unsigned int revents, void *arg)
{
	struct ph_watch *w = arg;

	/* w may be freed by the callback (fd_unwatch): not touched after. */
	w->cb(fd, revents, w->arg);
}

static int api_fd_watch(struct lwb_host *host, int fd, unsigned int events,
			lwb_fd_fn cb, void *arg)
{
	struct ph_inst *pi = ph_inst_of(host);
	struct ph_watch *w;
	int rc;

	if (!cb || (events & ~(LWB_FD_READ | LWB_FD_WRITE)))
		return -EINVAL;
	if (find_watch(pi, fd))
		return -EEXIST;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->pi = pi;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	rc = loop_watch_add(pi->ph->loop, fd, events, fd_trampoline, w);
	if (rc < 0) {
		free(w);
		return rc;
	}
	w->next = pi->watches;
	if (w->next)
		w->next->prev = w;
	pi->watches = w;
	pi->n_watches++;
	return 0;
}

static int api_fd_modify(struct lwb_host *host, int fd, unsigned int events)
{
	struct ph_inst *pi = ph_inst_of(host);

	if (events & ~(LWB_FD_READ | LWB_FD_WRITE))
		return -EINVAL;
	if (!find_watch(pi, fd))
		return -ENOENT;
	return loop_watch_mod(pi->ph->loop, fd, events);
}

static void drop_watch(struct ph_inst *pi, struct ph_watch *w)
{
	loop_watch_del(pi->ph->loop, w->fd);
	if (w->prev)
		w->prev->next = w->next;
	else
		pi->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pi->n_watches--;
	free(w);
}

static int api_fd_unwatch(struct lwb_host *host, int fd)
{
	struct ph_inst *pi = ph_inst_of(host);
	struct ph_watch *w = find_watch(pi, fd);

	if (!w)
		return -ENOENT;
	drop_watch(pi, w);
	return 0;
}

/* ---- timers ---------------------------------------------------------- */

static void timer_trampoline(struct loop *loop, struct loop_timer *lt,
			     void *arg)
{
	struct lwb_timer *t = arg;

	(void)loop;
	(void)lt;
	/* t may be freed by the callback (timer_free): not touched after. */
	t->cb(t, t->arg);
}

static struct lwb_timer *api_timer_new(struct lwb_host *host, lwb_timer_fn cb,
				       void *arg)
{
	struct ph_inst *pi = ph_inst_of(host);
	struct lwb_timer *t;

	if (!cb) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	loop_timer_init(&t->lt, timer_trampoline, t);
	t->pi = pi;
	t->cb = cb;
	t->arg = arg;
	t->next = pi->timers;
	if (t->next)
		t->next->prev = t;
	pi->timers = t;
	pi->n_timers++;
	return t;
}

/* True if t is pi's; logs a plugin bug otherwise. */
static bool own_timer(struct ph_inst *pi, const struct lwb_timer *t,
		      const char *fn)
{
	if (t && t->pi == pi)
		return true;
	if (t)
		log_msg(LOG_LVL_WARNING, pi->name,
			"%s: timer of another plugin instance ignored", fn);
	return false;
}

static int api_timer_start(struct lwb_host *host, struct lwb_timer *t,
			   uint64_t delay_ms, uint64_t period_ms)
{
	struct ph_inst *pi = ph_inst_of(host);

	if (!own_timer(pi, t, "timer_start"))
		return -EINVAL;
	return loop_timer_arm(pi->ph->loop, &t->lt, delay_ms, period_ms);
}

static void api_timer_stop(struct lwb_host *host, struct lwb_timer *t)
{
	struct ph_inst *pi = ph_inst_of(host);

	if (own_timer(pi, t, "timer_stop"))
		loop_timer_disarm(pi->ph->loop, &t->lt);
}

static void drop_timer(struct ph_inst *pi, struct lwb_timer *t)
{
	loop_timer_disarm(pi->ph->loop, &t->lt);
	if (t->prev)
		t->prev->next = t->next;
	else
		pi->timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pi->n_timers--;
	free(t);
}

static void api_timer_free(struct lwb_host *host, struct lwb_timer *t)
{
	struct ph_inst *pi = ph_inst_of(host);

	if (own_timer(pi, t, "timer_free"))
		drop_timer(pi, t);
}

static uint64_t api_now_ms(struct lwb_host *host)
{
	return loop_now_ms(ph_inst_of(host)->ph->loop);
}

/* ---- posted work ----------------------------------------------------- */

/* Any thread. */
static int api_post(struct lwb_host *host, lwb_work_fn fn, void *arg)
{
	struct ph_inst *pi = ph_inst_of(host);
	struct plugin_host *ph = pi->ph;
	struct ph_work *w;
	int rc = 0;

	if (!fn)
		return -EINVAL;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->next = NULL;
	w->pi = pi;
	w->serial = pi->serial;
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_lock(&ph->post_lock);
	/* One drain on the loop serves every item queued before it runs. */
	if (!ph->wake_queued) {
		rc = loop_post(ph->loop, ph_drain_posts, ph);
		ph->wake_queued = rc == 0;
	}
	if (rc == 0) {
		if (ph->post_tail)
			ph->post_tail->next = w;
		else
			ph->post_head = w;
		ph->post_tail = w;
	}
	pthread_mutex_unlock(&ph->post_lock);
	if (rc < 0)
		free(w);
	return rc;
}

/* True if the instance that posted w is still loaded. */
static bool alive(const struct plugin_host *ph, const struct ph_work *w)
{
	for (const struct ph_inst *pi = ph->first; pi; pi = pi->next)
		if (pi == w->pi && pi->serial == w->serial)
			return true;
	return false;
}

void ph_drain_posts(void *arg)
{
	struct plugin_host *ph = arg;
	struct ph_work *list, *next;

	pthread_mutex_lock(&ph->post_lock);
	list = ph->post_head;
	ph->post_head = ph->post_tail = NULL;
	ph->wake_queued = false;
	pthread_mutex_unlock(&ph->post_lock);
	for (; list; list = next) {
		next = list->next;
		/* Unloading removes an instance's queued items, but not those
		 * already taken here: a work function may unload (one day). */
		if (alive(ph, list))
			list->fn(list->arg);
		free(list);
	}
}

/* Removes pi's queued work; returns how many items. */
static size_t drop_posts(struct ph_inst *pi)
{
	struct plugin_host *ph = pi->ph;
	struct ph_work **pp, *dead = NULL, *w;
	size_t n = 0;

	pthread_mutex_lock(&ph->post_lock);
	ph->post_tail = NULL;
	for (pp = &ph->post_head; (w = *pp) != NULL;) {
		if (w->pi == pi) {
			*pp = w->next;
			w->next = dead;
			dead = w;
			n++;
		} else {
			ph->post_tail = w;
			pp = &w->next;
		}
	}
	pthread_mutex_unlock(&ph->post_lock);
	for (; dead; dead = w) {
		w = dead->next;
		free(dead);
	}
	return n;
}

size_t ph_release_all(struct ph_inst *pi)
{
	size_t n = drop_posts(pi);

	while (pi->watches) {
		drop_watch(pi, pi->watches);
		n++;
	}
	while (pi->timers) {
		drop_timer(pi, pi->timers);
		n++;
	}
	while (pi->n_owned) {
		struct ph_owned o = pi->owned[pi->n_owned - 1];

		remove_instance(pi, o.oid, o.iid);
		n++;
	}
	free(pi->owned);
	pi->owned = NULL;
	pi->cap_owned = 0;
	return n;
}

const struct lwb_host_api ph_api = {
	.abi_major = LWB_ABI_MAJOR,
	.abi_minor = LWB_ABI_MINOR,
	.struct_size = sizeof(struct lwb_host_api),
	.log = api_log,
	.vlog = api_vlog,
	.instance_name = api_instance_name,
	.settings = api_settings,
	.instance_create = api_instance_create,
	.instance_remove = api_instance_remove,
	.publish = api_publish,
	.fd_watch = api_fd_watch,
	.fd_modify = api_fd_modify,
	.fd_unwatch = api_fd_unwatch,
	.timer_new = api_timer_new,
	.timer_start = api_timer_start,
	.timer_stop = api_timer_stop,
	.timer_free = api_timer_free,
	.now_ms = api_now_ms,
	.post = api_post,
};

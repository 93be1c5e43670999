/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The plugin host's insides, shared by plugin_host.c (loading, unloading)
 * and plugin_api.c (the host API table).  Not for other modules.
 */
#ifndef BRIDGE_PLUGIN_HOST_PRIV_H
#define BRIDGE_PLUGIN_HOST_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lwm2m-bridge/plugin.h"
#include "loop.h"
#include "model.h"
#include "object_access.h"
#include "plugin_host.h"

struct ph_inst;

/* One fd watch of a plugin; the loop's callback argument. */
struct ph_watch {
	struct ph_watch *prev, *next;
	struct ph_inst *pi;
	int fd;
	lwb_fd_fn cb;
	void *arg;
};

/* A plugin's timer: the loop timer plus the plugin's callback. */
struct lwb_timer {
	struct loop_timer lt;
	struct lwb_timer *prev, *next;
	struct ph_inst *pi;
	lwb_timer_fn cb;
	void *arg;
};

/* One posted work item, queued in the host until the loop drains it. */
struct ph_work {
	struct ph_work *next;
	struct ph_inst *pi;
	uint64_t serial; /* pi's serial: pi may be gone and its memory reused */
	lwb_work_fn fn;
	void *arg;
};

struct ph_owned {
	uint16_t oid, iid;
};

/* One configured, loaded instance. */
struct ph_inst {
	struct lwb_host host; /* first: the plugin's handle points here */
	struct plugin_host *ph;
	struct ph_inst *prev, *next; /* in load order */
	uint64_t serial;	     /* unique per load, never reused */
	char *name;		     /* instance name: the log tag */
	char *file;		     /* DIR/PLUGIN.so */
	const struct config_setting_t *settings;
	void *dl;
	const struct lwb_plugin *desc;
	void *state;
	bool running; /* init succeeded and fini has not run */
	struct ph_owned *owned;
	size_t n_owned, cap_owned;
	struct ph_watch *watches;
	size_t n_watches;
	struct lwb_timer *timers;
	size_t n_timers;
	uint64_t publishes; /* successful publish calls */
	uint64_t changes;   /* of which changed the stored value */
};

struct plugin_host {
	struct loop *loop;
	struct object_access *oa;
	struct model *m;
	struct ph_inst *first, *last;
	size_t count;
	uint64_t next_serial;
	/* Posted work: any thread appends under post_lock; wake_queued says
	 * a drain is already posted on the loop. */
	pthread_mutex_t post_lock;
	struct ph_work *post_head, *post_tail;
	bool wake_queued;
	/* Told when a plugin creates or removes an object instance. */
	void (*instances_changed)(void *arg);
	void *instances_changed_arg;
};

/* Calls the instances-changed hook, if one is set. */
void ph_instances_changed(struct plugin_host *ph);

/* The host API table (plugin_api.c). */
extern const struct lwb_host_api ph_api;

/* The instance behind a plugin's host handle. */
static inline struct ph_inst *ph_inst_of(struct lwb_host *host)
{
	return (struct ph_inst *)host;
}

/* Drops what pi still has registered: posted work, fd watches, timers,
 * object instances.  Returns how many things it removed. */
size_t ph_release_all(struct ph_inst *pi);

/* The loop_post callback that runs queued work (plugin_api.c). */
void ph_drain_posts(void *arg);

#endif

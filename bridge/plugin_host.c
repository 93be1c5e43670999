/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading and unloading plugin instances: dlopen, the descriptor checks,
 * init and fini, and the clean-up that follows both a failed init and an
 * unload.
 */
#include "config.h"

#include "plugin_host.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "coap_errors.h"
#include "plugin_host_priv.h"

/* The descriptor fields the daemon reads: everything up to fini. */
#define DESC_MIN_SIZE LWB_PLUGIN_V1_0_SIZE

struct plugin_host *plugin_host_new(struct loop *loop, struct object_access *oa)
{
	struct plugin_host *ph = calloc(1, sizeof(*ph));

	if (!ph) {
		errno = ENOMEM;
		return NULL;
	}
	ph->loop = loop;
	ph->oa = oa;
	ph->m = oa_model(oa);
	ph->next_serial = 1;
	pthread_mutex_init(&ph->post_lock, NULL);
	return ph;
}

static struct ph_inst *find(const struct plugin_host *ph, const char *name)
{
	for (struct ph_inst *pi = ph->first; pi; pi = pi->next)
		if (strcmp(pi->name, name) == 0)
			return pi;
	return NULL;
}

static void link_inst(struct plugin_host *ph, struct ph_inst *pi)
{
	pi->prev = ph->last;
	if (ph->last)
		ph->last->next = pi;
	else
		ph->first = pi;
	ph->last = pi;
	ph->count++;
}

static void unlink_inst(struct plugin_host *ph, struct ph_inst *pi)
{
	if (pi->prev)
		pi->prev->next = pi->next;
	else
		ph->first = pi->next;
	if (pi->next)
		pi->next->prev = pi->prev;
	else
		ph->last = pi->prev;
	ph->count--;
}

/* Frees pi after its plugin stopped: releases what it registered, closes
 * the file. */
static void destroy(struct ph_inst *pi)
{
	size_t left = ph_release_all(pi);

	if (left)
		log_msg(LOG_LVL_DEBUG, pi->name,
			"removed %zu item(s) the plugin left registered", left);
	if (pi->dl)
		dlclose(pi->dl);
	free(pi->name);
	free(pi->file);
	free(pi);
}

static const char *dl_why(const char *file)
{
	const char *why = dlerror();
	size_t len = strlen(file);

	if (!why)
		return "unknown dlopen error";
	/* dlerror() usually starts with the file name, already in the line. */
	if (strncmp(why, file, len) == 0 && strncmp(why + len, ": ", 2) == 0)
		why += len + 2;
	return why;
}

/*
 * Opens the file and checks the descriptor.  Returns 0, or a negative
 * errno after logging the one line at level lvl.
 */
static int open_plugin(struct ph_inst *pi, enum log_level lvl)
{
	const struct lwb_plugin *d;

	dlerror();
	pi->dl = dlopen(pi->file, RTLD_NOW | RTLD_LOCAL);
	if (!pi->dl) {
		log_msg(lvl, pi->name, "%s: cannot load: %s: not loaded",
			pi->file, dl_why(pi->file));
		return -ELIBACC;
	}
	dlerror();
	d = dlsym(pi->dl, LWB_PLUGIN_SYMBOL);
	if (!d) {
		log_msg(lvl, pi->name,
			"%s: no " LWB_PLUGIN_SYMBOL
			" symbol (not an lwm2m-bridge plugin?): not loaded",
			pi->file);
		return -ELIBBAD;
	}
	/* The first three fields are the same in every ABI version. */
	if (d->abi_major != LWB_ABI_MAJOR) {
		log_msg(lvl, pi->name,
			"%s: built for plugin ABI %u.%u, this daemon speaks "
			"%d.%d: not loaded",
			pi->file, (unsigned)d->abi_major,
			(unsigned)d->abi_minor, LWB_ABI_MAJOR, LWB_ABI_MINOR);
		return -EPROTO;
	}
	if (d->struct_size < DESC_MIN_SIZE) {
		log_msg(lvl, pi->name,
			"%s: built for plugin ABI %u.%u, this daemon speaks "
			"%d.%d: its descriptor has %u bytes, %zu needed: not "
			"loaded",
			pi->file, (unsigned)d->abi_major,
			(unsigned)d->abi_minor, LWB_ABI_MAJOR, LWB_ABI_MINOR,
			(unsigned)d->struct_size, (size_t)DESC_MIN_SIZE);
		return -EPROTO;
	}
	if (!d->init) {
		log_msg(lvl, pi->name,
			"%s: the descriptor has no init function: not loaded",
			pi->file);
		return -EPROTO;
	}
	pi->desc = d;
	return 0;
}

static bool plain_name(const char *s)
{
	return s && s[0] && !strchr(s, '/') && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0;
}

int plugin_host_load(struct plugin_host *ph, const char *dir,
		     const struct cfg_plugin *cp)
{
	enum log_level lvl = cp->required ? LOG_LVL_ERR : LOG_LVL_WARNING;
	const char *name = cp->name ? cp->name : cp->plugin;
	struct ph_inst *pi;
	int rc, n;

	if (!plain_name(cp->plugin) || !plain_name(name)) {
		log_msg(lvl, NULL,
			"plugin \"%s\": not a plain file name: not "
			"loaded",
			cp->plugin ? cp->plugin : "");
		return -EINVAL;
	}
	if (find(ph, name)) {
		log_msg(lvl, name,
			"an instance of that name is loaded "
			"already: not loaded");
		return -EEXIST;
	}
	pi = calloc(1, sizeof(*pi));
	n = snprintf(NULL, 0, "%s/%s.so", dir, cp->plugin);
	if (!pi || n < 0 || !(pi->name = strdup(name)) ||
	    !(pi->file = malloc((size_t)n + 1))) {
		log_msg(lvl, name, "out of memory: not loaded");
		rc = -ENOMEM;
		goto fail;
	}
	snprintf(pi->file, (size_t)n + 1, "%s/%s.so", dir, cp->plugin);
	pi->host.api = &ph_api;
	pi->ph = ph;
	pi->serial = ph->next_serial++;
	pi->settings = cp->settings;
	if ((rc = open_plugin(pi, lvl)) < 0)
		goto fail;
	/* Linked before init: the plugin may post from init, and its work
	 * must find it alive. */
	link_inst(ph, pi);
	rc = errno_from_plugin(pi->desc->init(&pi->host, &pi->state));
	if (rc < 0) {
		unlink_inst(ph, pi);
		log_msg(lvl, name, "%s: init failed: %s: not loaded", pi->file,
			strerror(-rc));
		goto fail;
	}
	pi->running = true;
	log_msg(LOG_LVL_INFO, name, "%s: loaded %s %s (plugin ABI %u.%u)",
		pi->file, pi->desc->name ? pi->desc->name : "(unnamed)",
		pi->desc->version ? pi->desc->version : "(no version)",
		(unsigned)pi->desc->abi_major, (unsigned)pi->desc->abi_minor);
	return 0;
fail:
	if (pi)
		destroy(pi);
	return rc;
}

int plugin_host_load_all(struct plugin_host *ph,
			 const struct bridge_config *cfg)
{
	int loaded = 0;

	for (size_t i = 0; i < cfg->n_plugins; i++) {
		const struct cfg_plugin *cp = &cfg->plugins[i];
		int rc = plugin_host_load(ph, cfg->plugin_dir, cp);

		if (rc == 0)
			loaded++;
		else if (cp->required)
			return rc;
	}
	return loaded;
}

static void unload(struct plugin_host *ph, struct ph_inst *pi)
{
	if (pi->running) {
		pi->running = false;
		if (pi->desc->fini)
			pi->desc->fini(pi->state);
	}
	unlink_inst(ph, pi);
	log_msg(LOG_LVL_DEBUG, pi->name, "unloaded");
	destroy(pi);
}

int plugin_host_unload(struct plugin_host *ph, const char *name)
{
	struct ph_inst *pi = find(ph, name);

	if (!pi)
		return -ENOENT;
	unload(ph, pi);
	return 0;
}

void plugin_host_free(struct plugin_host *ph)
{
	struct ph_work *w, *next;

	if (!ph)
		return;
	while (ph->last)
		unload(ph, ph->last);
	for (w = ph->post_head; w; w = next) {
		next = w->next;
		free(w);
	}
	pthread_mutex_destroy(&ph->post_lock);
	free(ph);
}

size_t plugin_host_count(const struct plugin_host *ph)
{
	return ph->count;
}

int plugin_host_stats(struct plugin_host *ph, const char *name,
		      struct plugin_host_stats *out)
{
	struct ph_inst *pi = find(ph, name);

	if (!pi)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->instances = pi->n_owned;
	out->fd_watches = pi->n_watches;
	out->timers = pi->n_timers;
	out->publishes = pi->publishes;
	out->changes = pi->changes;
	pthread_mutex_lock(&ph->post_lock);
	for (const struct ph_work *w = ph->post_head; w; w = w->next)
		out->posts_pending += w->pi == pi;
	pthread_mutex_unlock(&ph->post_lock);
	return 0;
}

void ph_instances_changed(struct plugin_host *ph)
{
	if (ph->instances_changed)
		ph->instances_changed(ph->instances_changed_arg);
}

void plugin_host_set_instances_hook(struct plugin_host *ph,
				    void (*fn)(void *arg), void *arg)
{
	ph->instances_changed = fn;
	ph->instances_changed_arg = arg;
}

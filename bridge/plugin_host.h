/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The plugin host: loads the configured plugins (shared objects exporting
 * a struct lwb_plugin, see <lwm2m-bridge/plugin.h>), gives each configured
 * instance its own struct lwb_host with the host API table, and unloads
 * them again, removing everything an instance registered: object
 * instances (from the model and the object access bindings), fd watches,
 * timers, and posted work not yet run.
 *
 * Loading one instance: PLUGIN_DIR/PLUGIN.so is dlopen()ed with
 * RTLD_NOW | RTLD_LOCAL (the same file configured twice is one mapping,
 * reference-counted by dlopen; each instance has its own state); the
 * descriptor is checked (ABI major, struct size, init present); then init
 * runs.  A failure is ONE log line, tagged with the instance name, naming
 * the file and ending in ": not loaded", e.g.
 *   plugins/x.so: built for plugin ABI 2.0, this daemon speaks 1.0: not loaded
 * at warning level, or at err level when the entry is `required`.
 *
 * Every log line a plugin writes through the host API carries its
 * instance name as the tag.  After start-up no plugin error ends the
 * daemon: callbacks' failures become CoAP errors (object_access.h).
 *
 * Threads: everything here runs on the loop thread.  The loop, the object
 * access and its model must outlive the host; free the host before them.
 * Posting wakes the loop through loop_post() with the host as argument:
 * after plugin_host_free() the loop must not run again (only be freed),
 * as the daemon's shutdown does.
 */
#ifndef BRIDGE_PLUGIN_HOST_H
#define BRIDGE_PLUGIN_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "loop.h"
#include "object_access.h"

struct plugin_host;

/* What one loaded instance holds right now (plugin_host_stats). */
struct plugin_host_stats {
	size_t instances;     /* object instances it created */
	size_t fd_watches;    /* fds it watches */
	size_t timers;	      /* timers it allocated (armed or not) */
	size_t posts_pending; /* work it posted that has not run yet */
	uint64_t publishes;   /* successful publish calls since load */
	uint64_t changes;     /* of which changed the stored value */
};

/*
 * An empty host on loop and oa (whose model it changes).  Returns NULL
 * with errno ENOMEM.
 */
struct plugin_host *plugin_host_new(struct loop *loop,
				    struct object_access *oa);

/* Unloads every instance, last loaded first (plugin_host_unload), and
 * frees the host.  NULL is fine. */
void plugin_host_free(struct plugin_host *ph);

/*
 * Loads and starts one configured instance: dir/cp->plugin.so under the
 * name cp->name with cp->settings (which must stay valid until the
 * instance is unloaded).  Returns 0 once init succeeded, or, after the
 * one log line described above:
 *   -ELIBACC  dlopen failed (the line has dlerror's text)
 *   -ELIBBAD  no lwb_plugin symbol
 *   -EPROTO   another ABI major, a descriptor too small, no init
 *   -EEXIST   an instance of that name is loaded already
 *   -EINVAL   a plugin name that is not a plain file name
 *   init's negative result, -ENOMEM
 * On failure nothing of the instance stays registered and fini is not
 * called.
 */
int plugin_host_load(struct plugin_host *ph, const char *dir,
		     const struct cfg_plugin *cp);

/*
 * Loads cfg->plugins in order from cfg->plugin_dir.  An optional entry
 * that fails is logged and skipped.  Returns the number of instances
 * loaded, or the error of the first required entry that failed (entries
 * after it are not tried; those loaded stay loaded until
 * plugin_host_free).
 */
int plugin_host_load_all(struct plugin_host *ph,
			 const struct bridge_config *cfg);

/*
 * Stops and removes the instance called name: calls fini (stopping its
 * threads is fini's job), drops its posted work, then removes the fd
 * watches, timers and object instances it still has (a debug line counts
 * what it left behind), and dlclose()s the file.  Returns 0 or -ENOENT.
 * Must not be called from a callback of that instance.
 */
int plugin_host_unload(struct plugin_host *ph, const char *name);

/* Number of loaded instances. */
size_t plugin_host_count(const struct plugin_host *ph);

/* What the instance called name holds.  Returns 0 or -ENOENT. */
int plugin_host_stats(struct plugin_host *ph, const char *name,
		      struct plugin_host_stats *out);

/* fn(arg) is called whenever a plugin creates or removes an object
 * instance (also when an unload removes what a plugin left), so the
 * registrations can send an Update with the new object list.  NULL
 * removes the hook. */
void plugin_host_set_instances_hook(struct plugin_host *ph,
				    void (*fn)(void *arg), void *arg);

#endif

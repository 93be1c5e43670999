/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwm2m-bridge: start-up and the main loop.  Start-up may exit on bad
 * configuration; once the loop runs, nothing but a signal ends it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cfg.h"
#include "coap_io.h"
#include "connmon.h"
#include "core_objects.h"
#include "device_object.h"
#include "dm.h"
#include "endpoint.h"
#include "dump.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "object_access.h"
#include "plugin_host.h"
#include "schema.h"
#include "servers.h"

#define DEFAULT_CONFIG BRIDGE_SYSCONFDIR "/bridge.conf"

struct options {
	const char *config_path; /* NULL: the default file, if it exists */
	bool check_config;
	bool dump;
	bool have_log_level;
	enum log_level log_level;
};

struct bridge {
	struct bridge_config *cfg;
	struct schema_registry *schema;
	struct model *model;
	struct object_access *oa;
	struct loop *loop;
	struct device *device;
	struct connmon *connmon;
	struct plugin_host *plugins;
	struct cio *cio;
	struct dm *dm;
	struct access *access;
	struct servers *servers;
	char endpoint[ENDPOINT_MAX + 1];
	const char *config_path; /* the file actually loaded, or NULL */
};

/* How long a clean stop waits for the servers' De-register answers. */
#define DEREGISTER_WAIT_MS 5000

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: lwm2m-bridge [OPTION]...\n"
		"Expose local hardware as LwM2M objects.\n\n"
		"  -c, --config FILE     configuration file (default %s;\n"
		"                        built-in defaults when it does not exist)\n"
		"      --check-config    validate the configuration, exit 0 or 1\n"
		"      --dump            print every object the bridge exposes and exit\n"
		"  -l, --log-level LEVEL err, warning, notice, info or debug\n"
		"  -v, --verbose         same as --log-level debug\n"
		"  -V, --version         print the version and exit\n"
		"  -h, --help            print this help and exit\n",
		DEFAULT_CONFIG);
}

/* Returns 0 to go on, 1 to exit successfully, -1 to exit with usage. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CHECK = 256, OPT_DUMP };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "log-level", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:l:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case OPT_CHECK: o->check_config = true; break;
		case OPT_DUMP: o->dump = true; break;
		case 'l':
			if (log_level_parse(optarg, &o->log_level) != 0) {
				fprintf(stderr,
					"lwm2m-bridge: unknown log level '%s' "
					"(expected err, warning, notice, info or debug)\n",
					optarg);
				return -1;
			}
			o->have_log_level = true;
			break;
		case 'v':
			o->log_level = LOG_LVL_DEBUG;
			o->have_log_level = true;
			break;
		case 'V': printf("lwm2m-bridge %s\n", PACKAGE_VERSION); return 1;
		case 'h': usage(stdout); return 1;
		default: return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lwm2m-bridge: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/* Loads the named file, or the default one; without -c a missing default
 * file means built-in defaults.  Returns 0 or -1 after logging why. */
static int load_config(struct bridge *b, const struct options *o)
{
	const char *path = o->config_path ? o->config_path : DEFAULT_CONFIG;
	struct cfg_error err;
	int rc = cfg_load_file(path, &b->cfg, &err);

	if (rc == -ENOENT && !o->config_path) {
		b->cfg = cfg_defaults();
		if (!b->cfg) {
			log_err("cannot build the default configuration");
			return -1;
		}
		log_notice("no configuration file at %s: using built-in defaults",
			   path);
		return 0;
	}
	if (rc < 0) {
		log_errx("%s", err.text);
		return -1;
	}
	b->config_path = path;
	return 0;
}

/* Loads every object directory in order, later ones overriding earlier
 * ones.  A missing directory other than the first is normal (the user's
 * own directory need not exist); broken files are logged and skipped. */
static int load_objects(struct bridge *b)
{
	size_t loaded;

	b->schema = schema_registry_new();
	if (!b->schema) {
		log_err("cannot create the object registry");
		return -1;
	}
	for (size_t i = 0; i < b->cfg->n_object_dirs; i++) {
		const char *dir = b->cfg->object_dirs[i];
		struct schema_error err;
		int rc = schema_load_dir(b->schema, dir, &err);

		if (rc == -ENOENT && i > 0) {
			log_debug("object directory %s does not exist", dir);
			continue;
		}
		if (rc < 0) {
			errno = -rc;
			log_err("cannot read object directory %s", dir);
			return -1;
		}
		if (rc > 0)
			log_warnx("%s: %d object definition file%s skipped",
				  dir, rc, rc == 1 ? "" : "s");
	}
	loaded = schema_object_count(b->schema);
	if (loaded == 0) {
		log_errx("no object definitions found (object_dirs: %s%s)",
			 b->cfg->object_dirs[0],
			 b->cfg->n_object_dirs > 1 ? ", ..." : "");
		return -1;
	}
	log_info("%zu object definitions loaded", loaded);
	return 0;
}

/* SIGHUP: re-read and validate the configuration.  Applying a changed
 * configuration at run time comes with the registration work; until then a
 * reload tells the operator whether the file on disk is valid. */
static void on_reload(void *arg)
{
	struct bridge *b = arg;
	struct bridge_config *fresh = NULL;
	struct cfg_error err;

	if (!b->config_path) {
		log_notice("reload: running on built-in defaults, nothing to re-read");
		return;
	}
	if (cfg_load_file(b->config_path, &fresh, &err) < 0) {
		log_warnx("reload: %s (keeping the running configuration)",
			  err.text);
		return;
	}
	log_notice("reload: %s is valid; restart to apply changes",
		   b->config_path);
	cfg_free(fresh);
}

static int build_model(struct bridge *b)
{
	b->model = model_new(b->schema);
	if (!b->model || !(b->oa = oa_new(b->model))) {
		log_err("cannot create the data model");
		return -1;
	}
	return core_objects_populate(b->model, b->cfg) < 0 ? -1 : 0;
}

/* The loop comes before the plugins: their init may watch fds, arm timers
 * and start threads.  The daemon takes over the signals before that, so
 * every plugin thread inherits the blocked mask (--dump does not). */
static int make_loop(struct bridge *b, bool signals)
{
	b->loop = loop_new();
	if (!b->loop) {
		log_err("cannot create the event loop");
		return -1;
	}
	if (signals && loop_enable_signals(b->loop, on_reload, b) < 0) {
		log_err("cannot set up signal handling");
		return -1;
	}
	return 0;
}

/* The Device (3) and Connectivity Monitoring (4) instances, from the host.
 * They need the loop (deferred commands, the snapshot clock) and come
 * before the plugins, so a plugin cannot take /3/0 or /4/0.  Without a
 * definition of object 4 the bridge goes on without it. */
static int make_host_objects(struct bridge *b)
{
	const struct cfg_device *d = &b->cfg->device;
	struct connmon_opts co = { .root = d->host_root,
				   .interface = d->network_interface };

	b->device = device_new(b->loop, b->oa, b->cfg);
	if (!b->device)
		return -1;
	b->connmon = connmon_new(b->loop, b->oa, &co);
	if (!b->connmon) {
		if (errno != ENOENT) {
			log_err("cannot create /4/0");
			return -1;
		}
		log_notice("no definition of object 4: no Connectivity "
			   "Monitoring");
	}
	return 0;
}

/* Loads the configured plugins after the core objects exist.  An optional
 * plugin that fails has been logged and is left out; a required one ends
 * start-up. */
static int load_plugins(struct bridge *b)
{
	int rc;

	b->plugins = plugin_host_new(b->loop, b->oa);
	if (!b->plugins) {
		log_err("cannot create the plugin host");
		return -1;
	}
	rc = plugin_host_load_all(b->plugins, b->cfg);
	if (rc < 0) {
		log_errx("start-up failed: a required plugin was not loaded");
		return -1;
	}
	if (b->cfg->n_plugins)
		log_info("%d of %zu plugin instance%s loaded", rc,
			 b->cfg->n_plugins, b->cfg->n_plugins == 1 ? "" : "s");
	return 0;
}

/* Plugins added or removed instances: their Access Control instances
 * follow (with several servers), then the servers learn the new list. */
static void on_instances_changed(void *arg)
{
	struct bridge *b = arg;

	access_sync(b->access);
	servers_objects_changed(b->servers);
}

/* Access control between several servers (access.h): the /2 instances
 * for what exists now, and the DM layer's hooks. */
static int start_access(struct bridge *b)
{
	struct dm_access hooks;

	b->access = access_new(b->model, b->cfg);
	if (!b->access) {
		log_err("cannot set up access control");
		return -1;
	}
	if (access_sync(b->access) < 0)
		return -1;
	access_hooks(b->access, &hooks);
	dm_set_access(b->dm, &hooks);
	return 0;
}

/* The Endpoint Client Name from its template, the CoAP transport, the DM
 * layer and one session and registration machine per server. */
static int start_servers(struct bridge *b)
{
	char why[256];
	int rc = endpoint_expand(b->cfg->endpoint, NULL, b->endpoint,
				 sizeof(b->endpoint), why, sizeof(why));

	if (rc < 0) {
		log_errx("endpoint \"%s\": %s", b->cfg->endpoint, why);
		return -1;
	}
	b->cio = cio_new(b->loop);
	if (!b->cio) {
		log_err("cannot start the CoAP transport");
		return -1;
	}
	b->dm = dm_new(b->oa);
	if (!b->dm) {
		log_err("cannot create the device management layer");
		return -1;
	}
	if (start_access(b) < 0)
		return -1;
	b->servers = servers_new(b->loop, b->cio, b->oa, b->dm, b->cfg,
				 b->endpoint);
	if (!b->servers)
		return -1;
	plugin_host_set_instances_hook(b->plugins, on_instances_changed, b);
	model_set_change_hook(b->model, servers_value_changed, b->servers);
	servers_start(b->servers);
	return 0;
}

static void all_deregistered(void *arg)
{
	loop_stop(arg, 0);
}

static void deregister_deadline(struct loop *loop, struct loop_timer *t,
				void *arg)
{
	(void)t;
	(void)arg;
	log_warnx("gave up waiting for De-register answers");
	loop_stop(loop, 0);
}

/* A clean stop: De-register from every server, waiting a bounded time
 * for their answers (a second SIGTERM ends the wait at once). */
static void deregister_all(struct bridge *b)
{
	struct loop_timer deadline;

	loop_timer_init(&deadline, deregister_deadline, NULL);
	loop_timer_arm(b->loop, &deadline, DEREGISTER_WAIT_MS, 0);
	servers_stop(b->servers, all_deregistered, b->loop);
	loop_run(b->loop);
	loop_timer_disarm(b->loop, &deadline);
}

static int run_daemon(struct bridge *b)
{
	size_t objects = 0;
	int rc;

	if (start_servers(b) < 0)
		return -1;
	for (int oid = model_object_next(b->model, -1); oid >= 0;
	     oid = model_object_next(b->model, oid))
		objects++;
	log_notice("lwm2m-bridge %s running as \"%s\": %zu objects with "
		   "instances, %zu server%s configured, %zu plugin instance%s",
		   PACKAGE_VERSION, b->endpoint, objects, b->cfg->n_servers,
		   b->cfg->n_servers == 1 ? "" : "s",
		   plugin_host_count(b->plugins),
		   plugin_host_count(b->plugins) == 1 ? "" : "s");
	rc = loop_run(b->loop);
	log_notice("stopping");
	deregister_all(b);
	return rc < 0 ? -1 : 0;
}

static void bridge_free(struct bridge *b)
{
	/* Servers first (they send nothing more), then plugins: their fini
	 * may still use the loop and the model. */
	if (b->plugins)
		plugin_host_set_instances_hook(b->plugins, NULL, NULL);
	if (b->model)
		model_set_change_hook(b->model, NULL, NULL);
	servers_free(b->servers);
	cio_free(b->cio);
	dm_free(b->dm);
	plugin_host_free(b->plugins);
	access_free(b->access);
	connmon_free(b->connmon);
	device_free(b->device);
	oa_free(b->oa);
	loop_free(b->loop);
	model_free(b->model);
	schema_registry_free(b->schema);
	cfg_free(b->cfg);
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct bridge b = { 0 };
	int rc = EXIT_FAILURE;

	switch (parse_options(argc, argv, &opts)) {
	case 0: break;
	case 1: return EXIT_SUCCESS;
	default:
		usage(stderr);
		return 2;
	}
	if (opts.have_log_level)
		log_set_level(opts.log_level);
	if (load_config(&b, &opts) < 0)
		goto out;
	if (opts.check_config) {
		printf("%s: configuration is valid\n",
		       b.config_path ? b.config_path : "built-in defaults");
		rc = EXIT_SUCCESS;
		goto out;
	}
	if (!opts.have_log_level)
		log_set_level(b.cfg->log_level);
	if (load_objects(&b) < 0 || build_model(&b) < 0 ||
	    make_loop(&b, !opts.dump) < 0 || make_host_objects(&b) < 0 ||
	    load_plugins(&b) < 0)
		goto out;
	if (opts.dump) {
		/* One turn of the loop, without waiting: what the plugins
		 * posted or armed for "now" during init lands first. */
		loop_run_once(b.loop, 0);
		printf("lwm2m-bridge %s, configuration: %s, endpoint: %s\n",
		       PACKAGE_VERSION,
		       b.config_path ? b.config_path : "built-in defaults",
		       b.cfg->endpoint);
		rc = dump_model(stdout, b.oa) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
		goto out;
	}
	rc = run_daemon(&b) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
out:
	bridge_free(&b);
	return rc;
}

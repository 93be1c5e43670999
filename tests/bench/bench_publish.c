/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_publish: how many value changes per second the sim plugin can push
 * through the daemon's real host API (owner check, type check against the
 * object definition, copy into the data model, measurement timestamp).
 *
 * The sim plugin runs N temperature instances that each make `burst`
 * changes per tick on a 10 ms timer; when a tick takes longer than 10 ms the
 * timer skips the missed periods, so the loop runs flat out and the figure
 * is the ceiling.  Prints figures; asserts nothing about speed.
 *
 * usage: bench_publish [OBJECTS_DIR [PLUGIN_DIR [SECONDS]]]
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "object_access.h"
#include "plugin_host.h"
#include "schema.h"

struct scenario {
	const char *what;
	unsigned count, burst, interval_ms;
};

static const struct scenario scenarios[] = {
	{ "1000 instances x burst 100 every 10 ms", 1000, 100, 10 },
	{ "10 instances x burst 10000 every 10 ms", 10, 10000, 10 },
	{ "1000 instances x 1 change every 10 ms (100k/s offered)", 1000, 1,
	  10 },
};

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int run(const struct scenario *sc, const char *objects,
	       const char *plugdir, double seconds, int round)
{
	char text[1024];
	struct bridge_config *cfg = NULL;
	struct cfg_error err;
	struct schema_registry *reg = schema_registry_new();
	struct schema_error serr;
	struct model *m = NULL;
	struct object_access *oa = NULL;
	struct loop *loop = loop_new();
	struct plugin_host *ph = NULL;
	struct plugin_host_stats st0, st1;
	double w0, c0, wall, cpu;
	int rc = 1;

	snprintf(text, sizeof(text),
		 "object_dirs = [ \"%s\" ];\n"
		 "plugin_dir = \"%s\";\n"
		 "plugins = ( { plugin = \"sim\"; name = \"bench\"; settings = {"
		 " seed = 1; sensors = ( { type = \"temperature\"; count = %u;"
		 " interval_ms = %u; burst = %u; } ); }; } );\n",
		 objects, plugdir, sc->count, sc->interval_ms, sc->burst);
	if (!reg || !loop || cfg_load_string(text, "bench", &cfg, &err) < 0) {
		fprintf(stderr, "bench: setup failed: %s\n", err.text);
		goto out;
	}
	if (schema_load_dir(reg, objects, &serr) < 0 ||
	    !(m = model_new(reg)) || !(oa = oa_new(m)) ||
	    !(ph = plugin_host_new(loop, oa)) ||
	    plugin_host_load_all(ph, cfg) != 1) {
		fprintf(stderr, "bench: cannot load the sim plugin from %s\n",
			plugdir);
		goto out;
	}
	plugin_host_stats(ph, "bench", &st0);
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	while (now_s(CLOCK_MONOTONIC) - w0 < seconds)
		loop_run_once(loop, 50);
	wall = now_s(CLOCK_MONOTONIC) - w0;
	cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	plugin_host_stats(ph, "bench", &st1);
	printf("  %-55s run %d: %10.0f changes/s  %10.0f publishes/s  "
	       "%6.1f ns CPU/publish  RSS %ld KiB\n",
	       sc->what, round, (double)(st1.changes - st0.changes) / wall,
	       (double)(st1.publishes - st0.publishes) / wall,
	       cpu * 1e9 / (double)(st1.publishes - st0.publishes + 1),
	       rss_kib());
	rc = 0;
out:
	plugin_host_free(ph);
	oa_free(oa);
	model_free(m);
	schema_registry_free(reg);
	loop_free(loop);
	cfg_free(cfg);
	return rc;
}

int main(int argc, char **argv)
{
	const char *objects = argc > 1 ? argv[1] : BENCH_OBJECTS;
	const char *plugdir = argc > 2 ? argv[2] : BENCH_PLUGDIR;
	double seconds = argc > 3 ? atof(argv[3]) : 2.0;

	log_set_level(LOG_LVL_WARNING);
	printf("bench_publish: sim plugin -> host API -> data model, %ld "
	       "online cores, %.1f s per run\n",
	       sysconf(_SC_NPROCESSORS_ONLN), seconds);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		for (int round = 1; round <= 3; round++)
			if (run(&scenarios[i], objects, plugdir, seconds,
				round) != 0)
				return 1;
	return 0;
}

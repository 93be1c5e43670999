/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_mem: the real daemon's memory after registration with the sim
 * plugin (its built-in demo set of sensors).
 *
 * This program is the LwM2M server (bench_lib.h).  After the Register it
 * reads /3/0, /3303/0 (SenML JSON) and /3303/0/5700 a hundred times each,
 * so the code of the Read path, the codecs and libcoap's send path has
 * been touched, waits 1 s, and reads /proc/PID/status (VmRSS, VmHWM,
 * RssAnon, RssFile) and /proc/PID/smaps_rollup (Pss, Private_Dirty,
 * Private_Clean, Shared_Clean).  Then /proc/PID/smaps, summed per mapped
 * file ([heap], [stack], anonymous mappings each as one), shows what each
 * library costs in resident pages (Rss) and in this process's share of
 * them (Pss), and how much of it is private dirty (relocations, .data,
 * .bss).  Three runs, each a fresh daemon.
 *
 * usage: bench_mem
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_lib.h"

struct map_cost {
	char name[96];
	long rss, pss, priv_dirty;
};

static int cmp_cost(const void *a, const void *b)
{
	const struct map_cost *x = a, *y = b;

	return y->rss > x->rss ? 1 : y->rss < x->rss ? -1 : 0;
}

static void per_mapping(pid_t pid)
{
	struct map_cost costs[128];
	size_t n = 0, cur = (size_t)-1;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		long kb;
		char key[64];

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    strchr(line, ' ')) {
			/* a mapping header: the path is the 6th field */
			char name[96] = "[anonymous]";
			const char *slash = strchr(line, '/');
			const char *br = strchr(line, '[');

			if (slash) {
				const char *base = strrchr(slash, '/') + 1;

				snprintf(name, sizeof(name), "%.*s",
					 (int)strcspn(base, "\n"), base);
			} else if (br) {
				snprintf(name, sizeof(name), "%.*s",
					 (int)strcspn(br, "\n"), br);
			}
			for (cur = 0; cur < n; cur++)
				if (!strcmp(costs[cur].name, name))
					break;
			if (cur == n && n < sizeof(costs) / sizeof(costs[0])) {
				memset(&costs[n], 0, sizeof(costs[n]));
				snprintf(costs[n].name, sizeof(costs[n].name),
					 "%s", name);
				n++;
			}
			continue;
		}
		if (cur >= n || sscanf(line, "%63[^:]: %ld", key, &kb) != 2)
			continue;
		if (!strcmp(key, "Rss"))
			costs[cur].rss += kb;
		else if (!strcmp(key, "Pss"))
			costs[cur].pss += kb;
		else if (!strcmp(key, "Private_Dirty"))
			costs[cur].priv_dirty += kb;
	}
	fclose(f);
	qsort(costs, n, sizeof(costs[0]), cmp_cost);
	printf("    %-34s %8s %8s %14s\n", "mapping", "Rss kB", "Pss kB",
	       "Priv.dirty kB");
	for (size_t i = 0; i < n; i++)
		if (costs[i].rss > 0)
			printf("    %-34s %8ld %8ld %14ld\n", costs[i].name,
			       costs[i].rss, costs[i].pss, costs[i].priv_dirty);
}

static void touch(struct bench_daemon *d)
{
	static const struct {
		const char *path;
		int accept;
	} reads[] = {{"/3/0", BCOAP_CF_TLV},
		     {"/3303/0", BCOAP_CF_SENML_JSON},
		     {"/3303/0/5700", BCOAP_CF_TEXT}};
	uint8_t buf[1500];

	for (int k = 0; k < 100; k++)
		for (size_t i = 0; i < 3; i++) {
			struct bcoap_buf m;
			struct bcoap_msg ans;
			uint8_t tok[2] = {0x3e, (uint8_t)k};

			bcoap_begin(&m, BCOAP_CON, 1, d->next_mid++, tok, 2);
			bcoap_path(&m, reads[i].path);
			bcoap_opt_uint(&m, BCOAP_OPT_ACCEPT,
				       (uint32_t)reads[i].accept);
			if (bench_request(d, &m, &ans, buf, sizeof(buf)) !=
			    0x45) {
				fprintf(stderr, "bench_mem: read %s failed\n",
					reads[i].path);
				exit(1);
			}
		}
}

int main(void)
{
	bench_header("bench_mem", "the daemon's memory after registration "
				  "with the sim plugin (demo set) and 300 "
				  "Reads");
	for (int n = 1; n <= 3; n++) {
		struct bench_daemon d;
		uint8_t buf[1500];

		bench_daemon_start(&d, "seed = 7;");
		touch(&d);
		(void)bench_recv(&d, buf, sizeof(buf), 1000);
		printf("  run %d: VmRSS %ld kB (VmHWM %ld, RssAnon %ld, "
		       "RssFile "
		       "%ld)  Pss %ld kB  Private_Dirty %ld kB  "
		       "Private_Clean %ld kB  Shared_Clean %ld kB\n",
		       n, bench_proc_field(d.pid, "status", "VmRSS"),
		       bench_proc_field(d.pid, "status", "VmHWM"),
		       bench_proc_field(d.pid, "status", "RssAnon"),
		       bench_proc_field(d.pid, "status", "RssFile"),
		       bench_proc_field(d.pid, "smaps_rollup", "Pss"),
		       bench_proc_field(d.pid, "smaps_rollup", "Private_Dirty"),
		       bench_proc_field(d.pid, "smaps_rollup", "Private_Clean"),
		       bench_proc_field(d.pid, "smaps_rollup", "Shared_Clean"));
		if (n == 1)
			per_mapping(d.pid);
		fflush(stdout);
		bench_daemon_stop(&d);
	}
	return 0;
}

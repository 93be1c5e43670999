/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_idle: how often the real daemon wakes up while nothing changes,
 * with 100 observations whose pmin = pmax = 60 s.
 *
 * This program is the LwM2M server (bench_lib.h).  The sim plugin runs 100
 * temperature instances (3303/0..99) that change once a day
 * (interval_ms = 86400000), so nothing changes during the run.  We write
 * pmin=60&pmax=60 on each /3303/i/5700 (Write-Attributes), observe each,
 * then for each window count the daemon's context switches from
 * /proc/PID/status (voluntary_ctxt_switches: every time it blocked in
 * epoll_wait and was woken, by a due timer or an arriving packet;
 * nonvoluntary: preempted), its CPU time, and the datagrams it sent us
 * (the pmax notifications, CON: we ACK each, and each ACK is a packet
 * that wakes the daemon).  Due timers and packets are then all there is:
 * roughly one wake-up per pmax expiry batch plus one per ACK.
 *
 * usage: bench_idle [WINDOW_SECONDS]   (default 60: one pmax period)
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bench_lib.h"

#define N_OBS 100

static void setup(struct bench_daemon *d)
{
	uint8_t buf[1500];

	for (unsigned i = 0; i < N_OBS; i++) {
		struct bcoap_buf m;
		struct bcoap_msg ans;
		char path[32];
		uint8_t tok[3] = {(uint8_t)(i >> 8), (uint8_t)i, 0x1d};
		int code;

		snprintf(path, sizeof(path), "/3303/%u/5700", i);
		bcoap_begin(&m, BCOAP_CON, 3 /* PUT */, d->next_mid++, NULL, 0);
		bcoap_path(&m, path);
		bcoap_opt(&m, BCOAP_OPT_URI_QUERY, "pmin=60", 7);
		bcoap_opt(&m, BCOAP_OPT_URI_QUERY, "pmax=60", 7);
		code = bench_request(d, &m, &ans, buf, sizeof(buf));
		if (code != 0x44) {
			fprintf(stderr,
				"bench_idle: write-attributes %s: %d.%02d\n",
				path, code >> 5, code & 31);
			exit(1);
		}
		bcoap_begin(&m, BCOAP_CON, 1, d->next_mid++, tok, sizeof(tok));
		bcoap_opt_uint(&m, BCOAP_OPT_OBSERVE, 0);
		bcoap_path(&m, path);
		code = bench_request(d, &m, &ans, buf, sizeof(buf));
		if (code != 0x45 || ans.observe < 0) {
			fprintf(stderr, "bench_idle: observe %s: %d.%02d\n",
				path, code >> 5, code & 31);
			exit(1);
		}
	}
}

static void run(struct bench_daemon *d, int n, double seconds)
{
	long v0 = bench_proc_field(d->pid, "status", "voluntary_ctxt_switches");
	long nv0 = bench_proc_field(d->pid, "status",
				    "nonvoluntary_ctxt_switches");
	uint64_t cpu0 = bench_cpu_us(d->pid), start = bench_now_us();
	uint64_t end = start + (uint64_t)(seconds * 1e6);
	size_t notes = 0, con = 0;
	uint8_t buf[1500];
	long v1, nv1;

	while (bench_now_us() < end) {
		uint64_t left = end - bench_now_us();
		struct bcoap_msg m;
		size_t r =
			bench_recv(d, buf, sizeof(buf), (int)(left / 1000 + 1));

		if (!r || bcoap_parse(buf, r, &m) < 0)
			continue;
		notes++;
		if (m.type == BCOAP_CON) {
			struct bcoap_buf a;

			bcoap_begin(&a, BCOAP_ACK, 0, m.mid, NULL, 0);
			bench_send(d, &a);
			con++;
		}
	}
	v1 = bench_proc_field(d->pid, "status", "voluntary_ctxt_switches");
	nv1 = bench_proc_field(d->pid, "status", "nonvoluntary_ctxt_switches");
	printf("  100 observations, pmin = pmax = 60 s  run %d: window %.0f s: "
	       "%ld voluntary + %ld involuntary context switches "
	       "(%.1f wake-ups/min), %zu notifications received (%zu CON, "
	       "ACKed), daemon CPU %.1f ms\n",
	       n, seconds, v1 - v0, nv1 - nv0,
	       (double)(v1 - v0) * 60.0 / seconds, notes, con,
	       (double)(bench_cpu_us(d->pid) - cpu0) / 1000.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 60.0;
	struct bench_daemon d;

	if (seconds <= 0)
		seconds = 60.0;
	bench_header("bench_idle",
		     "daemon wake-ups with 100 observations (pmin = pmax = "
		     "60 s) on values that do not change");
	bench_daemon_start(&d,
			   "seed = 7; sensors = ( { type = \"temperature\"; "
			   "count = 100; first_instance = 0; "
			   "interval_ms = 86400000; } );");
	setup(&d);
	printf("bench_idle: daemon pid %d, %d observations; window %.0f s "
	       "per run\n",
	       (int)d.pid, N_OBS, seconds);
	fflush(stdout);
	for (int n = 1; n <= 3; n++)
		run(&d, n, seconds);
	bench_daemon_stop(&d);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_read: Read throughput and latency of the real daemon over CoAP/UDP
 * on loopback.
 *
 * This program is the LwM2M server (bench_lib.h): it answers the daemon's
 * Register, then sends confirmable GETs (a 4-byte token, Uri-Path, Accept)
 * to the address the Register came from, keeping 1 or 16 requests in
 * flight, and matches each piggybacked 2.05 by message ID (and token).
 * Latency is send() to recv() of the answer, on CLOCK_MONOTONIC, so it
 * includes both kernels' loopback path and this client's own scheduling:
 * with 16 in flight it is mostly queueing.  CPU per read is the daemon's
 * utime+stime (/proc/PID/stat, clock ticks) over the run divided by the
 * reads answered.  A request unanswered after 1 s is counted lost and
 * replaced.  Each case runs three times; every run is printed.
 *
 * usage: bench_read [SECONDS_PER_RUN [CASE]]   (default 3 s, all cases;
 * CASE 0..5 runs one of them)
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench_lib.h"

struct scenario {
	const char *what;
	const char *path;
	int accept;
	unsigned window;
};

static const struct scenario scenarios[] = {
	{"text, one resource /3303/0/5700", "/3303/0/5700", BCOAP_CF_TEXT, 1},
	{"text, one resource /3303/0/5700", "/3303/0/5700", BCOAP_CF_TEXT, 16},
	{"TLV, whole instance /3303/0", "/3303/0", BCOAP_CF_TLV, 1},
	{"TLV, whole instance /3303/0", "/3303/0", BCOAP_CF_TLV, 16},
	{"SenML JSON, whole instance /3303/0", "/3303/0", BCOAP_CF_SENML_JSON,
	 1},
	{"SenML JSON, whole instance /3303/0", "/3303/0", BCOAP_CF_SENML_JSON,
	 16},
};

#define MAX_SAMPLES 2000000

static uint64_t sent_at[65536]; /* by message ID; 0 = not in flight */
static uint64_t *lat;

static void send_get(struct bench_daemon *d, const struct scenario *sc,
		     uint64_t now)
{
	struct bcoap_buf m;
	uint16_t mid = d->next_mid++;
	uint8_t tok[4] = {(uint8_t)(mid >> 8), (uint8_t)mid, 0xbe, 0x4c};

	bcoap_begin(&m, BCOAP_CON, 1 /* GET */, mid, tok, sizeof(tok));
	bcoap_path(&m, sc->path);
	bcoap_opt_uint(&m, BCOAP_OPT_ACCEPT, (uint32_t)sc->accept);
	sent_at[mid] = now;
	bench_send(d, &m);
}

static void run(struct bench_daemon *d, const struct scenario *sc, int n,
		double seconds)
{
	uint64_t start, end, warm, cpu0 = 0, cpu1, now;
	size_t nlat = 0, lost = 0, in_flight = 0, bad = 0;
	bool measuring = false;
	uint8_t buf[1500];

	memset(sent_at, 0, sizeof(sent_at));
	start = bench_now_us();
	warm = start + 200000u; /* 0.2 s warm-up, not counted */
	end = warm + (uint64_t)(seconds * 1e6);
	while (in_flight < sc->window) {
		send_get(d, sc, bench_now_us());
		in_flight++;
	}
	for (;;) {
		struct bcoap_msg msg;
		ssize_t r = recv(d->sock, buf, sizeof(buf), 0);

		now = bench_now_us();
		if (!measuring && now >= warm) {
			measuring = true;
			cpu0 = bench_cpu_us(d->pid);
			nlat = 0;
			lost = 0;
			bad = 0;
			warm = now;
		}
		if (now >= end)
			break;
		if (r < 0) {
			/* SO_RCVTIMEO: give up on requests older than 1 s */
			for (size_t i = 0; i < 65536; i++)
				if (sent_at[i] && now - sent_at[i] > 1000000u) {
					sent_at[i] = 0;
					lost++;
					send_get(d, sc, now);
				}
			continue;
		}
		if (bcoap_parse(buf, (size_t)r, &msg) < 0 ||
		    msg.type != BCOAP_ACK || !sent_at[msg.mid] ||
		    msg.token_len != 4 || msg.token[2] != 0xbe)
			continue;
		if (msg.code != 0x45 /* 2.05 */)
			bad++;
		if (nlat < MAX_SAMPLES)
			lat[nlat++] = now - sent_at[msg.mid];
		sent_at[msg.mid] = 0;
		send_get(d, sc, now);
	}
	cpu1 = bench_cpu_us(d->pid);
	/* drain what is still in flight */
	while (recv(d->sock, buf, sizeof(buf), 0) > 0)
		;
	bench_sort(lat, nlat);
	printf("  %-36s %2u in flight  run %d: %7.0f reads/s  p50 %5llu us  "
	       "p99 %5llu us  daemon CPU %5.1f us/read  lost %zu  errors "
	       "%zu\n",
	       sc->what, sc->window, n,
	       (double)nlat * 1e6 / (double)(now - warm),
	       (unsigned long long)bench_pct(lat, nlat, 50),
	       (unsigned long long)bench_pct(lat, nlat, 99),
	       nlat ? (double)(cpu1 - cpu0) / (double)nlat : 0.0, lost, bad);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	int only = argc > 2 ? atoi(argv[2]) : -1;
	struct bench_daemon d;

	if (seconds <= 0)
		seconds = 3.0;
	lat = malloc(MAX_SAMPLES * sizeof(*lat));
	if (!lat)
		return 1;
	bench_header("bench_read",
		     "Read over CoAP/UDP on loopback, this program as the "
		     "LwM2M server, the real daemon (sim plugin demo set)");
	bench_daemon_start(&d, "seed = 7;");
	setsockopt(d.sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	printf("bench_read: daemon pid %d registered; %.1f s per run\n",
	       (int)d.pid, seconds);
	fflush(stdout);
	if (getenv("BENCH_PAUSE")) /* time to attach strace/perf */
		sleep((unsigned)atoi(getenv("BENCH_PAUSE")));
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		for (int n = 1; n <= 3; n++)
			if (only < 0 || (size_t)only == i)
				run(&d, &scenarios[i], n, seconds);
	bench_daemon_stop(&d);
	free(lat);
	return 0;
}

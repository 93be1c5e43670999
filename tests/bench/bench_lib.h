/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared pieces of the daemon benchmarks (bench_read, bench_notify,
 * bench_idle, bench_mem): the benchmark program plays the LwM2M server
 * itself on a UDP socket on 127.0.0.1, speaking CoAP with plain sockets
 * (no libcoap on this side), and runs the real lwm2m-bridge daemon as a
 * child process pointed at that socket.
 *
 * The bridge's Register arrives from its client session's socket; the
 * server's requests (Read, Observe, Write-Attributes) go back to that
 * source address, where libcoap hands them to the daemon's DM layer.
 *
 * Everything here exits the program on a set-up failure (these are
 * benchmarks, not library code): the message says what failed.
 */
#ifndef BENCH_LIB_H
#define BENCH_LIB_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BCOAP_CON 0
#define BCOAP_NON 1
#define BCOAP_ACK 2
#define BCOAP_RST 3

#define BCOAP_OPT_OBSERVE	 6
#define BCOAP_OPT_LOCATION_PATH	 8
#define BCOAP_OPT_URI_PATH	 11
#define BCOAP_OPT_CONTENT_FORMAT 12
#define BCOAP_OPT_URI_QUERY	 15
#define BCOAP_OPT_ACCEPT	 17

#define BCOAP_CF_TEXT	    0
#define BCOAP_CF_TLV	    11542
#define BCOAP_CF_SENML_JSON 110

/* One parsed CoAP message (pointers into the datagram). */
struct bcoap_msg {
	int type, code;
	uint16_t mid;
	uint8_t token[8];
	size_t token_len;
	int64_t observe;    /* -1 absent */
	int content_format; /* -1 absent */
	const uint8_t *payload;
	size_t payload_len;
};

/* Builds a request or response: type, code, mid, token; then options in
 * increasing number order with bcoap_opt().  Returns the length so far. */
struct bcoap_buf {
	uint8_t b[1500];
	size_t len;
	unsigned last_opt;
};
void bcoap_begin(struct bcoap_buf *m, int type, int code, uint16_t mid,
		 const uint8_t *token, size_t token_len);
void bcoap_opt(struct bcoap_buf *m, unsigned num, const void *val, size_t len);
void bcoap_opt_uint(struct bcoap_buf *m, unsigned num, uint32_t v);
/* Uri-Path options from "/3303/0/5700". */
void bcoap_path(struct bcoap_buf *m, const char *path);
void bcoap_payload(struct bcoap_buf *m, const void *p, size_t len);

/* 0, or -1 for a malformed datagram. */
int bcoap_parse(const uint8_t *d, size_t len, struct bcoap_msg *out);

/* CLOCK_MONOTONIC in microseconds (the daemon's loop clock too). */
uint64_t bench_now_us(void);

/* The daemon under test. */
struct bench_daemon {
	pid_t pid;
	int sock; /* our server socket, connected to the bridge */
	struct sockaddr_in client; /* where the Register came from */
	uint16_t next_mid;
	char dir[64]; /* temporary directory: config, log */
};

/*
 * Writes a configuration (the source tree's objects, the sim plugin with
 * sim_settings as its settings block body, e.g. "seed = 7;", one server
 * on our socket), starts the daemon, answers its Register with 2.01
 * Location-Path /rd/1 and connects our socket to the Register's source.
 * Returns after the Register.
 */
void bench_daemon_start(struct bench_daemon *d, const char *sim_settings);
/* SIGTERM, answers the De-register, waits; removes the directory. */
void bench_daemon_stop(struct bench_daemon *d);

/* One datagram from the daemon within timeout_ms: length, or 0 on
 * timeout.  A CON request from the daemon (an Update) is answered 2.04
 * here and not returned. */
size_t bench_recv(struct bench_daemon *d, uint8_t *buf, size_t cap,
		  int timeout_ms);
void bench_send(struct bench_daemon *d, const struct bcoap_buf *m);

/* A confirmable request and its piggybacked answer (within 5 s, else the
 * program exits): returns the answer's code.  Notifications arriving
 * meanwhile are passed to on_other (may be NULL: dropped). */
int bench_request(struct bench_daemon *d, struct bcoap_buf *m,
		  struct bcoap_msg *answer, uint8_t *abuf, size_t acap);

/* The daemon's CPU time so far (utime + stime from /proc/PID/stat), us. */
uint64_t bench_cpu_us(pid_t pid);
/* A "Key:   N" line of /proc/PID/FILE (status, smaps_rollup), or -1. */
long bench_proc_field(pid_t pid, const char *file, const char *key);

/* Percentile (0..100) of n sorted values. */
uint64_t bench_pct(const uint64_t *sorted, size_t n, double pct);
void bench_sort(uint64_t *v, size_t n);

/* "bench_x: ... on N cores" header line. */
void bench_header(const char *name, const char *what);

#endif

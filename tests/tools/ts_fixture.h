/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test fixture for tests/unit/test_test_server.c: starts the tool
 * (TS_BIN) with its stdin and stdout on pipes, plays an LwM2M client with
 * libcoap's client API on loopback, and collects the tool's event lines.
 * Waits are event-driven (poll on the tool's stdout and the client's
 * socket) up to FX_DEADLINE_MS, never sleeps.  Failures go through
 * cmocka's fail_msg; one fixture at a time (the client's handlers reach it
 * through a static pointer), single-threaded.
 */
#ifndef TS_FIXTURE_H
#define TS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <coap3/coap.h>

#define FX_DEADLINE_MS 5000
#define FX_MAX_LINES   256
#define FX_MAX_LOC     4

/* The Register payload fx_register() sends. */
#define FX_LINKS "</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3>;ver=1.1,</3/0>"

struct fx {
	pid_t pid;
	int to_tool;
	int from_tool;
	char out[16384];
	size_t out_len;
	char *lines[FX_MAX_LINES]; /* taken lines are NULL */
	size_t nlines;
	uint16_t port;
	coap_context_t *ctx;
	coap_session_t *sess;
	coap_resource_t *obs_res; /* "3/0/13", observable */
	/* the last answer the client got */
	unsigned nresp;
	unsigned code;
	char loc[FX_MAX_LOC][64];
	size_t nloc;
	/* the last request the client got from the tool; -1: no option */
	unsigned nreq;
	unsigned req_code;
	char req_path[64];
	char req_query[64];
	int req_cf;
	int req_accept;
	int req_observe;
	uint8_t req_token[8]; /* its token as it came on the wire */
	size_t req_token_len;
	char req_payload[256];
	unsigned notify_value; /* what GET 3/0/13 answers */
};

/* cmocka group-less setup/teardown: zero the fixture; kill the tool and
 * free the client. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Starts the tool on 127.0.0.1:0 with the extra arguments (NULL-ended
 * list, or NULL) and waits for its LISTENING line; sets f->port. */
void fx_start_tool(struct fx *f, const char *const *extra);
/* Writes one command line to the tool's stdin (printf format). */
void fx_cmd(struct fx *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Takes (removes and returns, caller frees) the first line starting with
 * prefix, waiting for it; fails the test if none comes. */
char *fx_take_line(struct fx *f, const char *prefix);
/* fx_take_line, then asserts the line contains each string of the
 * NULL-terminated list. */
void fx_expect_line(struct fx *f, const char *prefix, ...);
/* Waits for the tool to exit; returns its exit status (128 + signal). */
int fx_wait_exit(struct fx *f);

/* Opens the client's session to the tool (DTLS PSK if psk_id is set). */
void fx_client_start(struct fx *f, const char *psk_id, const char *key);
/* Sends a request: path '/'-separated ("a|b" sends one option "a/b"),
 * query '&'-separated or NULL, payload (sent as Content-Format 40) or
 * NULL.  Returns the answer's code, or 0 if none came (or con is false:
 * a NON request is not waited for). */
unsigned fx_request(struct fx *f, coap_pdu_code_t code, const char *path,
		    const char *query, const char *payload, bool con);
/* POST /rd?query with FX_LINKS; returns the answer's code. */
unsigned fx_register(struct fx *f, const char *query);
/* One wait (<= ms) for the tool or the client, then processes both. */
void fx_pump(struct fx *f, int ms);
long long fx_now_ms(void);

#endif

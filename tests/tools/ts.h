/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwm2m-test-server: a small LwM2M server for the integration tests and
 * the README's demo.  One process, one thread, one libcoap context.
 *
 * The pieces: ts_rd.c (the Registration interface and the registration
 * table), ts_links.c (Register payload checks), ts_resp.c (answers to
 * requests), ts_cmd.c (commands from stdin or a script, the requests they
 * send and the answers to them), ts_out.c (the event lines on stdout) and
 * lwm2m-test-server.c (options, the loop).  All state lives in one
 * struct ts_server reached through coap_get_app_data(); nothing here is
 * thread-safe, nor needs to be.
 */
#ifndef TS_H
#define TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <coap3/coap.h>

#define TS_MAX_REGS    32
#define TS_EP_MAX      128
#define TS_LINKS_MAX   4096
#define TS_LOC_MAX     192
#define TS_MAX_PENDING 64
#define TS_TOKEN_MAX   8
#define TS_LINE_MAX    4096
/* Longest payload printed in full; longer ones are cut and marked. */
#define TS_PAYLOAD_PRINT_MAX 8192

enum ts_loc_style {
	TS_LOC_SPLIT,  /* Location-Path "rd", "<id>" */
	TS_LOC_JOINED, /* one Location-Path "rd/<id>" */
	TS_LOC_CUSTOM, /* the segments of a prefix, then "<id>" */
};

struct ts_reg {
	bool used;
	unsigned id;
	char ep[TS_EP_MAX + 1];
	uint32_t lt;
	char lwm2m[8];
	char binding[8];
	bool queue;
	char links[TS_LINKS_MAX + 1];
	/* The Location-Path segments sent, joined by '/': what an Update or
	 * De-register must address (as one option or several). */
	char loc[TS_LOC_MAX];
	/* Alternate root path ("</lwm2m>;rt=\"oma.lwm2m\""), without slashes
	 * around it, "" for none: prefixed to the paths of requests. */
	char root[64];
	coap_session_t *session; /* referenced while the entry is used */
	char addr[64];
	coap_tick_t last; /* last Register or Update */
	/* The message id of the Register that made it: a retransmission of
	 * that Register (same id, same peer: its 2.01 was lost or late) is
	 * answered with the same location, not taken as a new Register
	 * (RFC 7252 4.5, duplicate detection). */
	coap_mid_t reg_mid;
};

/* A rule for the next Registers or Updates: answer with code, or not at
 * all (drop), for count more requests (-1: until switched off). */
struct ts_fault {
	bool on;
	bool drop;
	unsigned code; /* COAP_RESPONSE_CODE() value */
	long count;
};

enum ts_op {
	TS_OP_READ,
	TS_OP_WRITE,
	TS_OP_WRITE_UPDATE,
	TS_OP_CREATE,
	TS_OP_DELETE,
	TS_OP_EXECUTE,
	TS_OP_DISCOVER,
	TS_OP_OBSERVE,
	TS_OP_CANCEL,
	TS_OP_WRITE_ATTR,
	TS_OP_READ_COMPOSITE,	 /* FETCH / */
	TS_OP_WRITE_COMPOSITE,	 /* iPATCH / */
	TS_OP_OBSERVE_COMPOSITE, /* FETCH / with Observe 0 */
	TS_OP_CANCEL_COMPOSITE,	 /* FETCH / with Observe 1 */
};

/* An observation (GET or FETCH with Observe 0). */
static inline bool ts_op_observes(enum ts_op op)
{
	return op == TS_OP_OBSERVE || op == TS_OP_OBSERVE_COMPOSITE;
}

/* A request sent and not yet answered, or an observation. */
struct ts_pending {
	bool used;
	enum ts_op op;
	uint8_t tok[TS_TOKEN_MAX];
	size_t tok_len;
	char ep[TS_EP_MAX + 1];
	char path[256]; /* composite: the paths joined by ',' */
	/* composite observation: the FETCH payload, resent to cancel */
	uint8_t body[512];
	size_t body_len;
	int body_cf;
	bool answered;	/* observe: the first answer came, later ones notify */
	bool cancelled; /* cancel-rst: RST the next notification */
};

struct ts_input {
	int fd; /* -1 when closed */
	char buf[TS_LINE_MAX + 1];
	size_t len;
	bool overlong; /* discarding the rest of a too long line */
};

struct ts_server {
	coap_context_t *ctx;
	enum ts_loc_style loc_style;
	char loc_prefix[TS_LOC_MAX / 2];
	bool expire; /* drop registrations whose lifetime ran out */
	bool accept_stale; /* ACK notifications of unknown tokens (STALE) */
	bool show_type;	   /* RESPONSE/NOTIFY lines say type=CON|NON|ACK */
	unsigned next_id;
	struct ts_reg regs[TS_MAX_REGS];
	struct ts_fault fail_updates;
	struct ts_fault fail_registers;
	struct ts_fault fail_sends; /* POST /dp (LwM2M 1.1 Send) */
	struct ts_pending pending[TS_MAX_PENDING];
	struct ts_input script;
	struct ts_input in;
	/* Input waits: for a Register (of wait_ep, or any if ""), for all
	 * plain requests to be answered, or until a time. */
	bool wait_register;
	char wait_ep[TS_EP_MAX + 1];
	bool wait_sync;
	coap_tick_t wait_until;
	bool quit;
};

/* ---- ts_out.c: event lines on stdout, one per event, flushed ---------- */

/* printf to stdout; the caller ends the line with ts_out_end(). */
void ts_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ts_out_end(void);
/* " code=2.05" style text of a CoAP code into buf (at least 8 bytes). */
const char *ts_code_str(unsigned code, char *buf, size_t cap);
/* Prints " len=N" and then " payload=TEXT" (printable UTF-8 of a text
 * format or no format) or " hex=HEX"; nothing more for no payload. */
void ts_out_payload(int cf, const uint8_t *data, size_t len);
void ts_out_hex(const uint8_t *data, size_t len);
/* Prints " tok=HEX" (" tok=-" for an empty token). */
void ts_out_token(const uint8_t *tok, size_t len);
/* The Content-Format option of pdu, or -1 if it has none. */
int ts_pdu_cf(const coap_pdu_t *pdu);
/* "a.b" (e.g. "4.04", "2.01") to a CoAP code; -EINVAL if not one. */
int ts_code_parse(const char *s, unsigned *code);
/* The printable form of the peer address of session into buf. */
void ts_session_addr(const coap_session_t *session, char *buf, size_t cap);

/* ---- ts_rd.c: Registration interface ----------------------------------- */

/* Adds the resource that answers Register, Update and De-register.
 * Returns 0 or -ENOMEM. */
int ts_rd_init(struct ts_server *s);
/* Finds the registration of an endpoint name, or NULL. */
struct ts_reg *ts_rd_find_ep(struct ts_server *s, const char *ep);
/* Drops every registration (as a restarted server would). */
void ts_rd_forget(struct ts_server *s);
/* Drops the registrations whose lifetime ran out, with an EXPIRE line. */
void ts_rd_expire(struct ts_server *s, coap_tick_t now);
/* Prints one REG line per registration and an END line. */
void ts_rd_list(struct ts_server *s);
/* Forgets session in the registrations (it is going away). */
void ts_rd_session_gone(struct ts_server *s, const coap_session_t *session);

/* ---- ts_links.c: Register/Update payload checks ----------------------- */

/* Checks the payload (data, len) of a Register or Update pdu: Content-
 * Format 40, link format, LwM2M links (see ts_links.c).  Returns NULL and
 * writes the alternate root path ("" for none) into root, or returns the
 * reason word for the ERROR line. */
const char *ts_links_check(const coap_pdu_t *pdu, const uint8_t *data,
			   size_t len, char *root, size_t root_cap);

/* ---- ts_resp.c: answers to our requests ------------------------------- */

/* Registers the response and NACK handlers.  Returns 0. */
int ts_resp_init(struct ts_server *s);
/* The command name of op ("read", "write-attr", ...). */
const char *ts_op_name(enum ts_op op);
/* The pending request or observation with this token, or NULL. */
struct ts_pending *ts_cmd_find_token(struct ts_server *s, const uint8_t *tok,
				     size_t len);

/* ---- ts_cmd.c: commands and the requests they send ------------------- */

/* Runs one command line (no newline).  Returns 0, or -EAGAIN when the
 * command made the input wait (wait-register, sync, sleep). */
int ts_cmd_run(struct ts_server *s, char *line);
/* Number of plain requests still unanswered (not observations). */
size_t ts_cmd_outstanding(const struct ts_server *s);
/* Drops the pending requests and observations of an endpoint. */
void ts_cmd_forget_ep(struct ts_server *s, const char *ep);

#endif

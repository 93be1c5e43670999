/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Commands (one per line, from stdin or a script) and the Device
 * Management requests they send to a registered client, on the session
 * its Register came in on.  Each request is remembered by its token until
 * its answer (or NACK) is printed; an observation stays until cancelled.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "ts.h"

#define MAX_WORDS 24
#define VALUE_MAX 2048

static const struct {
	const char *name;
	int cf;
} formats[] = {
	{"text", 0},	{"link", 40},	     {"opaque", 42},
	{"cbor", 60},	{"senml-json", 110}, {"senml-cbor", 112},
	{"tlv", 11542}, {"json", 11543},     {"lwm2m-cbor", 11544},
};

/* A request under construction. */
struct req {
	enum ts_op op;
	coap_pdu_code_t code;
	const char *path;
	const char *query; /* '&'-separated Uri-Query items, or NULL */
	int accept;	   /* -1: none */
	int cf;		   /* -1: none */
	const uint8_t *payload;
	size_t plen;
	int observe;		  /* -1: none, 0 register, 1 deregister */
	struct ts_pending *reuse; /* the observation whose token to use */
	bool at_root;		  /* composite: Uri-Path is the root */
};

static void cmd_error(const char *cmd, const char *reason)
{
	ts_out("ERROR cmd=%s reason=%s", cmd, reason);
	ts_out_end();
}

static int parse_format(const char *s)
{
	char *end;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(s, formats[i].name))
			return formats[i].cf;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > 65535)
		return -1;
	return (int)v;
}

/* "hex:0a1b" to bytes, anything else as its text.  Returns the length or
 * -EINVAL. */
static int parse_value(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);

	if (strncmp(s, "hex:", 4) != 0) {
		if (n > cap)
			return -EINVAL;
		memcpy(out, s, n);
		return (int)n;
	}
	s += 4;
	n -= 4;
	if (n % 2 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", s[2 * i + 1]))
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}

static struct ts_pending *find_observation(struct ts_server *s, const char *ep,
					   const char *path)
{
	for (size_t i = 0; i < TS_MAX_PENDING; i++) {
		struct ts_pending *p = &s->pending[i];
		if (p->used && ts_op_observes(p->op) && !strcmp(p->ep, ep) &&
		    !strcmp(p->path, path))
			return p;
	}
	return NULL;
}

static void free_data(coap_session_t *session, void *app_ptr)
{
	(void)session;
	free(app_ptr);
}

static int add_segments(coap_optlist_t **opts, uint16_t number,
			const char *text, char sep)
{
	while (*text) {
		const char *end = strchr(text, sep);
		size_t n = end ? (size_t)(end - text) : strlen(text);
		if (n > 0 &&
		    !coap_insert_optlist(
			    opts,
			    coap_new_optlist(number, n, (const uint8_t *)text)))
			return -ENOMEM;
		text += n + (end ? 1 : 0);
	}
	return 0;
}

static int add_uint(coap_optlist_t **opts, uint16_t number, unsigned v)
{
	uint8_t buf[4];
	size_t n = coap_encode_var_safe(buf, sizeof(buf), v);

	return coap_insert_optlist(opts, coap_new_optlist(number, n, buf))
		       ? 0
		       : -ENOMEM;
}

static int send_req(struct ts_server *s, struct ts_reg *r, const struct req *q)
{
	coap_optlist_t *opts = NULL;
	coap_pdu_t *pdu = NULL;
	struct ts_pending *p = NULL;
	uint8_t *copy = NULL;
	int ret = -ENOMEM;

	if (!r->session)
		return -ENOTCONN;
	if (q->reuse) {
		p = q->reuse;
	} else {
		for (size_t i = 0; i < TS_MAX_PENDING && !p; i++)
			if (!s->pending[i].used)
				p = &s->pending[i];
		if (!p)
			return -ENOSPC;
		memset(p, 0, sizeof(*p));
		coap_session_new_token(r->session, &p->tok_len, p->tok);
		snprintf(p->ep, sizeof(p->ep), "%s", r->ep);
		snprintf(p->path, sizeof(p->path), "%s", q->path);
	}
	if (q->op == TS_OP_OBSERVE_COMPOSITE && q->plen <= sizeof(p->body)) {
		memcpy(p->body, q->payload, q->plen);
		p->body_len = q->plen;
		p->body_cf = q->cf;
	}
	pdu = coap_new_pdu(COAP_MESSAGE_CON, q->code, r->session);
	if (!pdu || !coap_add_token(pdu, p->tok_len, p->tok))
		goto out;
	if (q->observe >= 0 &&
	    add_uint(&opts, COAP_OPTION_OBSERVE, (unsigned)q->observe))
		goto out;
	if (add_segments(&opts, COAP_OPTION_URI_PATH, r->root, '/') ||
	    (!q->at_root &&
	     add_segments(&opts, COAP_OPTION_URI_PATH, q->path, '/')))
		goto out;
	if (q->cf >= 0 &&
	    add_uint(&opts, COAP_OPTION_CONTENT_FORMAT, (unsigned)q->cf))
		goto out;
	if (q->query &&
	    add_segments(&opts, COAP_OPTION_URI_QUERY, q->query, '&'))
		goto out;
	if (q->accept >= 0 &&
	    add_uint(&opts, COAP_OPTION_ACCEPT, (unsigned)q->accept))
		goto out;
	if (opts && !coap_add_optlist_pdu(pdu, &opts))
		goto out;
	if (q->plen > 0) {
		copy = malloc(q->plen);
		if (!copy)
			goto out;
		memcpy(copy, q->payload, q->plen);
		/* libcoap owns copy from here on, even on failure. */
		uint8_t *owned = copy;
		copy = NULL;
		if (!coap_add_data_large_request(r->session, pdu, q->plen,
						 owned, free_data, owned))
			goto out;
	}
	p->used = true;
	p->op = q->op;
	p->answered = false;
	ts_out("REQUEST");
	ts_out_token(p->tok, p->tok_len);
	ts_out(" ep=%s op=%s path=%s", r->ep, ts_op_name(q->op), q->path);
	ts_out_end();
	if (q->op == TS_OP_CANCEL || q->op == TS_OP_CANCEL_COMPOSITE) {
		/* libcoap (block mode) tracks the observation and would put
		 * its own internal token on a plain GET/FETCH with Observe 1
		 * (seen with 4.3.1): coap_cancel_observe() repeats the
		 * observing request with the observation's token, as RFC
		 * 7641 §3.6 wants. */
		coap_binary_t tok = {p->tok_len, p->tok};

		if (coap_cancel_observe(r->session, &tok, COAP_MESSAGE_CON)) {
			ret = 0;
			goto out;
		}
	}
	coap_pdu_t *sending = pdu;
	pdu = NULL;
	if (coap_send(r->session, sending) == COAP_INVALID_MID) {
		p->used = false;
		ret = -EIO;
		goto out;
	}
	ret = 0;
out:
	if (ret < 0 && p && !q->reuse)
		p->used = false;
	coap_delete_optlist(opts);
	coap_delete_pdu(pdu);
	free(copy);
	return ret;
}

static const char *send_error(int err)
{
	switch (err) {
	case -ENOTCONN: return "no-session";
	case -ENOSPC: return "too-many-pending";
	case -EIO: return "send-failed";
	default: return "no-memory";
	}
}

/* The DM commands: "OP EP PATH [ARG [ARG]]". */
static int dm_command(struct ts_server *s, char **w, size_t n, char *rest)
{
	static uint8_t value[VALUE_MAX];
	const char *cmd = w[0];
	struct req q = {.accept = -1, .cf = -1, .observe = -1};
	struct path path;

	if (n < 3) {
		cmd_error(cmd, "usage");
		return 0;
	}
	struct ts_reg *r = ts_rd_find_ep(s, w[1]);
	if (!r) {
		cmd_error(cmd, "unknown-endpoint");
		return 0;
	}
	if (path_parse(w[2], strlen(w[2]), &path) || w[2][0] != '/') {
		cmd_error(cmd, "bad-path");
		return 0;
	}
	q.path = w[2];
	if (!strcmp(cmd, "read") || !strcmp(cmd, "observe")) {
		q.op = cmd[0] == 'r' ? TS_OP_READ : TS_OP_OBSERVE;
		q.code = COAP_REQUEST_CODE_GET;
		if (q.op == TS_OP_OBSERVE) {
			q.observe = 0;
			if (find_observation(s, r->ep, q.path)) {
				cmd_error(cmd, "already-observed");
				return 0;
			}
		}
		if (n > 3 && (q.accept = parse_format(w[3])) < 0) {
			cmd_error(cmd, "bad-format");
			return 0;
		}
	} else if (!strcmp(cmd, "discover")) {
		q.op = TS_OP_DISCOVER;
		q.code = COAP_REQUEST_CODE_GET;
		q.accept = 40;
		q.query = n > 3 ? w[3] : NULL; /* "depth=1" (1.1) */
	} else if (!strcmp(cmd, "delete")) {
		q.op = TS_OP_DELETE;
		q.code = COAP_REQUEST_CODE_DELETE;
	} else if (!strcmp(cmd, "execute")) {
		q.op = TS_OP_EXECUTE;
		q.code = COAP_REQUEST_CODE_POST;
		q.payload = (const uint8_t *)rest;
		q.plen = rest ? strlen(rest) : 0;
	} else if (!strcmp(cmd, "write-attr")) {
		q.op = TS_OP_WRITE_ATTR;
		q.code = COAP_REQUEST_CODE_PUT;
		if (n < 4) {
			cmd_error(cmd, "usage");
			return 0;
		}
		q.query = w[3];
	} else if (!strcmp(cmd, "cancel") || !strcmp(cmd, "cancel-rst")) {
		struct ts_pending *p = find_observation(s, r->ep, q.path);
		if (!p || p->cancelled) {
			cmd_error(cmd, "not-observed");
			return 0;
		}
		if (cmd[6] == '-') {
			/* ETS 302: forget it here; the next notification
			 * gets an RST. */
			p->cancelled = true;
			ts_out("CANCELLED");
			ts_out_token(p->tok, p->tok_len);
			ts_out(" ep=%s path=%s", p->ep, p->path);
			ts_out_end();
			return 0;
		}
		q.op = TS_OP_CANCEL;
		q.code = COAP_REQUEST_CODE_GET;
		q.observe = 1;
		q.reuse = p;
	} else {
		/* write, write-update, create: a value and a format. */
		int len;
		q.op = !strcmp(cmd, "write")	? TS_OP_WRITE
		       : !strcmp(cmd, "create") ? TS_OP_CREATE
						: TS_OP_WRITE_UPDATE;
		q.code = q.op == TS_OP_WRITE ? COAP_REQUEST_CODE_PUT
					     : COAP_REQUEST_CODE_POST;
		if (n < 4 ||
		    (len = parse_value(w[3], value, sizeof(value))) < 0) {
			cmd_error(cmd, "bad-value");
			return 0;
		}
		q.payload = value;
		q.plen = (size_t)len;
		q.cf = 0;
		if (n > 4 && (q.cf = parse_format(w[4])) < 0) {
			cmd_error(cmd, "bad-format");
			return 0;
		}
	}
	int err = send_req(s, r, &q);
	if (err)
		cmd_error(cmd, send_error(err));
	return 0;
}

/* A SenML text string head (CBOR major type 3) for len bytes. */
static size_t cbor_text_head(uint8_t *out, size_t len)
{
	if (len < 24) {
		out[0] = (uint8_t)(0x60 | len);
		return 1;
	}
	out[0] = 0x78;
	out[1] = (uint8_t)len;
	return 2;
}

/* The FETCH payload naming paths w[0..n-1]: SenML records with only "n",
 * in SenML JSON (110) or SenML CBOR (112).  Returns its length or
 * -EINVAL. */
static int paths_payload(int cf, char **w, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0;

	if (cf == 110) {
		o = (size_t)snprintf((char *)out, cap, "[");
		for (size_t i = 0; i < n; i++) {
			int k = snprintf((char *)out + o, cap - o,
					 "%s{\"n\":\"%s\"}", i ? "," : "",
					 w[i]);
			if (k < 0 || (size_t)k >= cap - o)
				return -EINVAL;
			o += (size_t)k;
		}
		if (o + 1 >= cap)
			return -EINVAL;
		out[o++] = ']';
		return (int)o;
	}
	if (cf != 112 || n > 23)
		return -EINVAL;
	out[o++] = (uint8_t)(0x80 | n);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(w[i]);
		if (len > 255 || o + len + 4 > cap)
			return -EINVAL;
		out[o++] = 0xa1;
		out[o++] = 0x00;
		o += cbor_text_head(out + o, len);
		memcpy(out + o, w[i], len);
		o += len;
	}
	return (int)o;
}

/* "read-composite EP FMT PATH...", "observe-composite EP FMT PATH...",
 * "cancel-composite EP PATH...", "write-composite EP FMT PAYLOAD". */
static int composite_command(struct ts_server *s, char **w, size_t n)
{
	static uint8_t body[VALUE_MAX];
	static char label[256];
	const char *cmd = w[0];
	struct req q = {.accept = -1, .cf = -1, .observe = -1, .at_root = true};
	bool cancel = !strcmp(cmd, "cancel-composite");
	size_t first = cancel ? 2 : 3;
	int len;

	if (n < first + 1) {
		cmd_error(cmd, "usage");
		return 0;
	}
	struct ts_reg *r = ts_rd_find_ep(s, w[1]);
	if (!r) {
		cmd_error(cmd, "unknown-endpoint");
		return 0;
	}
	if (!cancel && (q.cf = parse_format(w[2])) < 0) {
		cmd_error(cmd, "bad-format");
		return 0;
	}
	if (!strcmp(cmd, "write-composite")) {
		q.op = TS_OP_WRITE_COMPOSITE;
		q.code = COAP_REQUEST_CODE_IPATCH;
		if ((len = parse_value(w[3], body, sizeof(body))) < 0) {
			cmd_error(cmd, "bad-value");
			return 0;
		}
		q.path = "/";
		q.payload = body;
		q.plen = (size_t)len;
		goto send;
	}
	label[0] = '\0';
	for (size_t i = first; i < n; i++) {
		struct path path;
		size_t o = strlen(label);
		if (path_parse(w[i], strlen(w[i]), &path) || w[i][0] != '/') {
			cmd_error(cmd, "bad-path");
			return 0;
		}
		snprintf(label + o, sizeof(label) - o, "%s%s", o ? "," : "",
			 w[i]);
	}
	q.path = label;
	q.code = COAP_REQUEST_CODE_FETCH;
	if (cancel) {
		struct ts_pending *p = find_observation(s, r->ep, label);
		if (!p || p->cancelled || p->op != TS_OP_OBSERVE_COMPOSITE) {
			cmd_error(cmd, "not-observed");
			return 0;
		}
		q.op = TS_OP_CANCEL_COMPOSITE;
		q.observe = 1;
		q.reuse = p;
		q.cf = p->body_cf;
		q.payload = p->body;
		q.plen = p->body_len;
		goto send;
	}
	q.op = cmd[0] == 'r' ? TS_OP_READ_COMPOSITE : TS_OP_OBSERVE_COMPOSITE;
	if (q.op == TS_OP_OBSERVE_COMPOSITE) {
		q.observe = 0;
		if (find_observation(s, r->ep, label)) {
			cmd_error(cmd, "already-observed");
			return 0;
		}
	}
	if ((len = paths_payload(q.cf, w + first, n - first, body,
				 sizeof(body))) < 0) {
		cmd_error(cmd, "bad-format");
		return 0;
	}
	q.payload = body;
	q.plen = (size_t)len;
send:;
	int err = send_req(s, r, &q);
	if (err)
		cmd_error(cmd, send_error(err));
	return 0;
}

/* "fail-updates CODE [COUNT]", "drop-updates [COUNT]", "... off". */
static int fault_command(struct ts_fault *f, char **w, size_t n)
{
	size_t i = 1;
	bool drop = !strncmp(w[0], "drop-", 5);
	unsigned code = 0;
	long count = -1;

	if (n > 1 && !strcmp(w[1], "off")) {
		memset(f, 0, sizeof(*f));
		return 0;
	}
	if (!drop && (n < 2 || ts_code_parse(w[i++], &code) || code < 64)) {
		cmd_error(w[0], "bad-code");
		return 0;
	}
	if (n > i) {
		char *end;
		errno = 0;
		count = strtol(w[i], &end, 10);
		if (*end || errno || count <= 0) {
			cmd_error(w[0], "bad-count");
			return 0;
		}
	}
	f->on = true;
	f->drop = drop;
	f->code = code;
	f->count = count;
	return 0;
}

/* Splits line into blank-separated words; after "execute EP PATH" the
 * rest of the line is one argument string.  Returns the word count, or
 * MAX_WORDS + 1 if there are too many. */
static size_t split(char *line, char **w, char **rest)
{
	size_t n = 0;
	char *p = line;

	*rest = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			return n;
		if (n == 3 && !strcmp(w[0], "execute")) {
			*rest = p;
			size_t len = strlen(p);
			while (len > 0 &&
			       (p[len - 1] == ' ' || p[len - 1] == '\t' ||
				p[len - 1] == '\r'))
				p[--len] = '\0';
			return n;
		}
		if (n == MAX_WORDS)
			return MAX_WORDS + 1;
		w[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

int ts_cmd_run(struct ts_server *s, char *line)
{
	char *w[MAX_WORDS];
	char *rest;
	size_t n = split(line, w, &rest);

	if (n > MAX_WORDS) {
		cmd_error(w[0], "too-many-words");
		return 0;
	}
	if (n == 0 || w[0][0] == '#')
		return 0;
	const char *c = w[0];
	if (!strcmp(c, "quit")) {
		s->quit = true;
	} else if (!strcmp(c, "forget")) {
		ts_rd_forget(s);
		ts_out("FORGOTTEN");
		ts_out_end();
	} else if (!strcmp(c, "list")) {
		ts_rd_list(s);
	} else if (!strcmp(c, "fail-updates") || !strcmp(c, "drop-updates")) {
		return fault_command(&s->fail_updates, w, n);
	} else if (!strcmp(c, "fail-registers") ||
		   !strcmp(c, "drop-registers")) {
		return fault_command(&s->fail_registers, w, n);
	} else if (!strcmp(c, "fail-sends") || !strcmp(c, "drop-sends")) {
		return fault_command(&s->fail_sends, w, n);
	} else if (!strcmp(c, "wait-register")) {
		const char *ep = n > 1 ? w[1] : "";
		if (*ep && ts_rd_find_ep(s, ep))
			return 0;
		snprintf(s->wait_ep, sizeof(s->wait_ep), "%s", ep);
		s->wait_register = true;
		return -EAGAIN;
	} else if (!strcmp(c, "sync")) {
		s->wait_sync = true;
		return -EAGAIN;
	} else if (!strcmp(c, "sleep")) {
		char *end;
		long ms = n > 1 ? strtol(w[1], &end, 10) : -1;
		if (n < 2 || *end || ms < 0 || ms > 3600000) {
			cmd_error(c, "bad-time");
			return 0;
		}
		coap_ticks(&s->wait_until);
		s->wait_until += (coap_tick_t)ms * COAP_TICKS_PER_SECOND / 1000;
		return -EAGAIN;
	} else if (!strcmp(c, "echo")) {
		ts_out("ECHO");
		for (size_t i = 1; i < n; i++)
			ts_out(" %s", w[i]);
		ts_out_end();
	} else if (!strcmp(c, "read-composite") ||
		   !strcmp(c, "write-composite") ||
		   !strcmp(c, "observe-composite") ||
		   !strcmp(c, "cancel-composite")) {
		return composite_command(s, w, n);
	} else if (!strcmp(c, "read") || !strcmp(c, "write") ||
		   !strcmp(c, "write-update") || !strcmp(c, "create") ||
		   !strcmp(c, "delete") || !strcmp(c, "execute") ||
		   !strcmp(c, "discover") || !strcmp(c, "observe") ||
		   !strcmp(c, "cancel") || !strcmp(c, "cancel-rst") ||
		   !strcmp(c, "write-attr")) {
		return dm_command(s, w, n, rest);
	} else {
		cmd_error(c, "unknown-command");
	}
	return 0;
}

size_t ts_cmd_outstanding(const struct ts_server *s)
{
	size_t n = 0;

	for (size_t i = 0; i < TS_MAX_PENDING; i++) {
		const struct ts_pending *p = &s->pending[i];
		if (p->used && !(ts_op_observes(p->op) && p->answered))
			n++;
	}
	return n;
}

void ts_cmd_forget_ep(struct ts_server *s, const char *ep)
{
	for (size_t i = 0; i < TS_MAX_PENDING; i++)
		if (s->pending[i].used && !strcmp(s->pending[i].ep, ep))
			s->pending[i].used = false;
}

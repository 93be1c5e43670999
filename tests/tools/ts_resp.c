/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Answers to the tool's requests, notifications and NACKs: matched to the
 * pending request by token and printed as RESPONSE, NOTIFY, RST or ERROR
 * lines (see README.md).
 */
#include "config.h"

#include <string.h>

#include "ts.h"

static const char *const op_names[] = {
	[TS_OP_READ] = "read",
	[TS_OP_WRITE] = "write",
	[TS_OP_WRITE_UPDATE] = "write-update",
	[TS_OP_CREATE] = "create",
	[TS_OP_DELETE] = "delete",
	[TS_OP_EXECUTE] = "execute",
	[TS_OP_DISCOVER] = "discover",
	[TS_OP_OBSERVE] = "observe",
	[TS_OP_CANCEL] = "cancel",
	[TS_OP_WRITE_ATTR] = "write-attr",
	[TS_OP_READ_COMPOSITE] = "read-composite",
	[TS_OP_WRITE_COMPOSITE] = "write-composite",
	[TS_OP_OBSERVE_COMPOSITE] = "observe-composite",
	[TS_OP_CANCEL_COMPOSITE] = "cancel-composite",
};

const char *ts_op_name(enum ts_op op)
{
	return op_names[op];
}

struct ts_pending *ts_cmd_find_token(struct ts_server *s, const uint8_t *tok,
				     size_t len)
{
	for (size_t i = 0; i < TS_MAX_PENDING; i++) {
		struct ts_pending *p = &s->pending[i];
		if (p->used && p->tok_len == len && !memcmp(p->tok, tok, len))
			return p;
	}
	return NULL;
}

/* " loc=/a/b" for the Location-Path options of a response (a Create's
 * 2.01), nothing without them. */
static void out_location(const coap_pdu_t *received)
{
	coap_opt_iterator_t it;
	coap_opt_filter_t filter;
	coap_opt_t *opt;
	bool first = true;

	coap_option_filter_clear(&filter);
	coap_option_filter_set(&filter, COAP_OPTION_LOCATION_PATH);
	coap_option_iterator_init(received, &it, &filter);
	while ((opt = coap_option_next(&it)) != NULL) {
		ts_out("%s/%.*s", first ? " loc=" : "",
		       (int)coap_opt_length(opt),
		       (const char *)coap_opt_value(opt));
		first = false;
	}
}

static const char *type_name(coap_pdu_type_t t)
{
	switch (t) {
	case COAP_MESSAGE_CON: return "CON";
	case COAP_MESSAGE_NON: return "NON";
	case COAP_MESSAGE_ACK: return "ACK";
	case COAP_MESSAGE_RST:
	default: return "RST";
	}
}

static void out_response(const struct ts_server *s, const char *kind,
			 const struct ts_pending *p, const coap_pdu_t *received)
{
	coap_opt_iterator_t it;
	coap_opt_t *obs = coap_check_option(received, COAP_OPTION_OBSERVE, &it);
	coap_opt_t *cfo =
		coap_check_option(received, COAP_OPTION_CONTENT_FORMAT, &it);
	const uint8_t *data = NULL;
	size_t len = 0, off, total;
	int cf = -1;
	char cs[8];

	if (cfo)
		cf = (int)coap_decode_var_bytes(coap_opt_value(cfo),
						coap_opt_length(cfo));
	coap_get_data_large(received, &len, &data, &off, &total);
	ts_out("%s", kind);
	if (s->show_type)
		ts_out(" type=%s", type_name(coap_pdu_get_type(received)));
	ts_out_token(p->tok, p->tok_len);
	ts_out(" ep=%s op=%s path=%s code=%s", p->ep, ts_op_name(p->op),
	       p->path,
	       ts_code_str(coap_pdu_get_code(received), cs, sizeof(cs)));
	if (obs)
		ts_out(" obs=%u", coap_decode_var_bytes(coap_opt_value(obs),
							coap_opt_length(obs)));
	out_location(received);
	if (cf >= 0)
		ts_out(" cf=%d", cf);
	else
		ts_out(" cf=none");
	ts_out_payload(cf, data, len);
	ts_out_end();
}

/* STALE tok=T obs=N cf=CF|none len=N [payload=|hex=] */
static void out_stale(const coap_pdu_t *received)
{
	coap_bin_const_t tok = coap_pdu_get_token(received);
	coap_opt_iterator_t it;
	coap_opt_t *obs = coap_check_option(received, COAP_OPTION_OBSERVE, &it);
	coap_opt_t *cfo =
		coap_check_option(received, COAP_OPTION_CONTENT_FORMAT, &it);
	const uint8_t *data = NULL;
	size_t len = 0, off, total;
	int cf = -1;

	if (cfo)
		cf = (int)coap_decode_var_bytes(coap_opt_value(cfo),
						coap_opt_length(cfo));
	coap_get_data_large(received, &len, &data, &off, &total);
	ts_out("STALE");
	ts_out_token(tok.s, tok.length);
	ts_out(" obs=%u", coap_decode_var_bytes(coap_opt_value(obs),
						coap_opt_length(obs)));
	if (cf >= 0)
		ts_out(" cf=%d", cf);
	else
		ts_out(" cf=none");
	ts_out_payload(cf, data, len);
	ts_out_end();
}

static coap_response_t on_response(coap_session_t *session,
				   const coap_pdu_t *sent,
				   const coap_pdu_t *received,
				   const coap_mid_t mid)
{
	struct ts_server *s =
		coap_get_app_data(coap_session_get_context(session));
	coap_bin_const_t tok = coap_pdu_get_token(received);
	coap_opt_iterator_t it;
	bool obs = coap_check_option(received, COAP_OPTION_OBSERVE, &it);
	struct ts_pending *p = ts_cmd_find_token(s, tok.s, tok.length);

	(void)sent;
	(void)mid;
	if (!p && obs && s->accept_stale) {
		/* --accept-stale: a notification the server no longer knows
		 * (e.g. one the client stored across a new Register) is
		 * shown and acknowledged instead of reset. */
		out_stale(received);
		return COAP_RESPONSE_OK;
	}
	if (!p) {
		ts_out("ERROR op=%s", obs ? "notify" : "response");
		ts_out_token(tok.s, tok.length);
		ts_out(" reason=unknown-token");
		ts_out_end();
		/* an RST ends an observation the client still keeps */
		return obs ? COAP_RESPONSE_FAIL : COAP_RESPONSE_OK;
	}
	if (p->cancelled) {
		ts_out("RST");
		ts_out_token(p->tok, p->tok_len);
		ts_out(" ep=%s path=%s", p->ep, p->path);
		ts_out_end();
		p->used = false;
		return COAP_RESPONSE_FAIL;
	}
	bool ok = COAP_RESPONSE_CLASS(coap_pdu_get_code(received)) == 2;
	if (ts_op_observes(p->op) && p->answered) {
		out_response(s, "NOTIFY", p, received);
		if (!ok || !obs)
			p->used = false; /* the client ended it */
		return COAP_RESPONSE_OK;
	}
	out_response(s, "RESPONSE", p, received);
	if (ts_op_observes(p->op) && ok && obs)
		p->answered = true;
	else
		p->used = false;
	return COAP_RESPONSE_OK;
}

static const char *nack_reason(coap_nack_reason_t r)
{
	switch (r) {
	case COAP_NACK_TOO_MANY_RETRIES: return "timeout";
	case COAP_NACK_NOT_DELIVERABLE: return "not-deliverable";
	case COAP_NACK_RST: return "rst";
	case COAP_NACK_TLS_FAILED: return "tls-failed";
	case COAP_NACK_ICMP_ISSUE: return "icmp";
	default: return "other";
	}
}

static void on_nack(coap_session_t *session, const coap_pdu_t *sent,
		    const coap_nack_reason_t reason, const coap_mid_t mid)
{
	struct ts_server *s =
		coap_get_app_data(coap_session_get_context(session));
	struct ts_pending *p = NULL;

	(void)mid;
	if (sent) {
		coap_bin_const_t tok = coap_pdu_get_token(sent);
		p = ts_cmd_find_token(s, tok.s, tok.length);
	}
	if (!p || coap_pdu_get_code(sent) == 0 ||
	    COAP_RESPONSE_CLASS(coap_pdu_get_code(sent)) >= 2)
		return; /* not one of our requests */
	ts_out("ERROR");
	ts_out_token(p->tok, p->tok_len);
	ts_out(" ep=%s op=%s path=%s reason=%s", p->ep, ts_op_name(p->op),
	       p->path, nack_reason(reason));
	ts_out_end();
	p->used = false;
}

int ts_resp_init(struct ts_server *s)
{
	coap_register_response_handler(s->ctx, on_response);
	coap_register_nack_handler(s->ctx, on_nack);
	return 0;
}

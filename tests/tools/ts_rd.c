/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Registration interface (LwM2M 1.1 §6.2 / 1.0.2 §5.3): Register
 * (POST /rd?ep=..), Update (POST to the location) and De-register (DELETE
 * the location), strictly checked, so a test sees a client's mistakes.
 * Every request arrives on libcoap's "unknown resource", whose handlers
 * route by the Uri-Path options themselves: one option "rd/1" and two
 * options "rd", "1" address the same registration.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ts.h"

#define MAX_LINKS      512
#define QUERY_ITEM_MAX 255

struct params {
	const char *reason; /* why the request is refused, NULL if fine */
	char ep[TS_EP_MAX + 1];
	char lt[16];
	char lwm2m[8];
	char b[8];
	char sms[64];
	char pid[64];
	bool has_ep, has_lt, has_lwm2m, has_b, has_sms, has_pid, q;
	uint32_t ltv;
};

static struct ts_server *server_of(coap_session_t *session)
{
	return coap_get_app_data(coap_session_get_context(session));
}

/* The Uri-Path options joined by '/'.  Returns the number of options, or
 * -1 if the path does not fit. */
static int uri_path(const coap_pdu_t *pdu, char *out, size_t cap)
{
	coap_opt_iterator_t it;
	coap_opt_t *opt;
	size_t len = 0;
	int n = 0;

	out[0] = '\0';
	coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
	while ((opt = coap_option_next(&it))) {
		if (it.number != COAP_OPTION_URI_PATH)
			continue;
		size_t olen = coap_opt_length(opt);
		if (len + olen + 2 > cap)
			return -1;
		if (n > 0)
			out[len++] = '/';
		memcpy(out + len, coap_opt_value(opt), olen);
		len += olen;
		out[len] = '\0';
		n++;
	}
	return n;
}

static bool copy_value(char *dst, size_t cap, const char *v, size_t len)
{
	if (len == 0 || len >= cap)
		return false;
	for (size_t i = 0; i < len; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7f)
			return false;
	memcpy(dst, v, len);
	dst[len] = '\0';
	return true;
}

static bool valid_binding(const char *b)
{
	static const char letters[] = "UTSNQ";

	for (size_t i = 0; b[i]; i++) {
		if (!strchr(letters, b[i]) || strchr(b + i + 1, b[i]))
			return false;
	}
	return true;
}

static void parse_item(struct params *p, const char *item, size_t len)
{
	const char *eq = memchr(item, '=', len);
	size_t nlen = eq ? (size_t)(eq - item) : len;
	const char *v = eq ? eq + 1 : NULL;
	size_t vlen = eq ? len - nlen - 1 : 0;

#define NAME_IS(s) (nlen == sizeof(s) - 1 && memcmp(item, s, nlen) == 0)
#define TAKE(field, flag, why)                                                 \
	do {                                                                   \
		if (p->flag || !v ||                                           \
		    !copy_value(p->field, sizeof(p->field), v, vlen))          \
			p->reason = why;                                       \
		p->flag = true;                                                \
	} while (0)
	if (NAME_IS("ep")) {
		TAKE(ep, has_ep, "bad-ep");
	} else if (NAME_IS("lt")) {
		TAKE(lt, has_lt, "bad-lt");
	} else if (NAME_IS("lwm2m")) {
		TAKE(lwm2m, has_lwm2m, "bad-lwm2m");
	} else if (NAME_IS("b")) {
		TAKE(b, has_b, "bad-b");
	} else if (NAME_IS("sms")) {
		TAKE(sms, has_sms, "bad-sms");
	} else if (NAME_IS("pid")) {
		TAKE(pid, has_pid, "bad-pid");
	} else if (NAME_IS("Q")) {
		if (p->q || v)
			p->reason = "bad-Q";
		p->q = true;
	} else {
		p->reason = "unknown-param";
	}
#undef TAKE
#undef NAME_IS
}

static void parse_query(const coap_pdu_t *pdu, struct params *p)
{
	coap_opt_iterator_t it;
	coap_opt_t *opt;

	memset(p, 0, sizeof(*p));
	coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
	while ((opt = coap_option_next(&it)) && !p->reason) {
		if (it.number != COAP_OPTION_URI_QUERY)
			continue;
		size_t len = coap_opt_length(opt);
		if (len == 0 || len > QUERY_ITEM_MAX) {
			p->reason = "bad-query";
			break;
		}
		parse_item(p, (const char *)coap_opt_value(opt), len);
	}
	if (p->reason)
		return;
	if (p->has_lt) {
		char *end;
		unsigned long long v = 0;
		errno = 0;
		if (p->lt[0] >= '0' && p->lt[0] <= '9')
			v = strtoull(p->lt, &end, 10);
		if (!(p->lt[0] >= '0' && p->lt[0] <= '9') || *end || errno ||
		    v == 0 || v > UINT32_MAX)
			p->reason = "bad-lt";
		p->ltv = (uint32_t)v;
	}
	if (p->has_b && !valid_binding(p->b))
		p->reason = "bad-b";
}

static void release_reg(struct ts_server *s, struct ts_reg *r)
{
	ts_cmd_forget_ep(s, r->ep);
	if (r->session)
		coap_session_release(r->session);
	memset(r, 0, sizeof(*r));
}

struct ts_reg *ts_rd_find_ep(struct ts_server *s, const char *ep)
{
	for (size_t i = 0; i < TS_MAX_REGS; i++)
		if (s->regs[i].used && !strcmp(s->regs[i].ep, ep))
			return &s->regs[i];
	return NULL;
}

static struct ts_reg *find_loc(struct ts_server *s, const char *loc)
{
	for (size_t i = 0; i < TS_MAX_REGS; i++)
		if (s->regs[i].used && !strcmp(s->regs[i].loc, loc))
			return &s->regs[i];
	return NULL;
}

/* Applies an injected fault.  Returns true if the request is handled. */
static bool fault(struct ts_fault *f, coap_pdu_t *response, const char *op,
		  const char *who)
{
	char cs[8];

	if (!f->on)
		return false;
	if (f->count > 0 && --f->count == 0)
		f->on = false;
	if (f->drop) {
		/* An empty NON answer is never sent: the client hears nothing.
		 */
		coap_pdu_set_type(response, COAP_MESSAGE_NON);
		ts_out("ERROR op=%s %s code=none reason=dropped", op, who);
	} else {
		coap_pdu_set_code(response, (coap_pdu_code_t)f->code);
		ts_out("ERROR op=%s %s code=%s reason=injected", op, who,
		       ts_code_str(f->code, cs, sizeof(cs)));
	}
	ts_out_end();
	return true;
}

static void refuse(coap_pdu_t *response, unsigned code, const char *op,
		   const char *reason, const char *addr)
{
	char cs[8];

	coap_pdu_set_code(response, (coap_pdu_code_t)code);
	ts_out("ERROR op=%s code=%s reason=%s addr=%s", op,
	       ts_code_str(code, cs, sizeof(cs)), reason, addr);
	ts_out_end();
}

static void add_location(struct ts_server *s, struct ts_reg *r,
			 coap_pdu_t *response)
{
	char ids[16];

	snprintf(ids, sizeof(ids), "%u", r->id);
	if (s->loc_style == TS_LOC_JOINED) {
		snprintf(r->loc, sizeof(r->loc), "rd/%s", ids);
		coap_add_option(response, COAP_OPTION_LOCATION_PATH,
				strlen(r->loc), (const uint8_t *)r->loc);
		return;
	}
	const char *prefix =
		s->loc_style == TS_LOC_CUSTOM ? s->loc_prefix : "rd";
	snprintf(r->loc, sizeof(r->loc), "%s%s%s", prefix, *prefix ? "/" : "",
		 ids);
	const char *seg = r->loc;
	while (*seg) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		coap_add_option(response, COAP_OPTION_LOCATION_PATH, n,
				(const uint8_t *)seg);
		seg += n + (end ? 1 : 0);
	}
}

static void do_register(struct ts_server *s, coap_session_t *session,
			const coap_pdu_t *request, coap_pdu_t *response,
			const char *addr)
{
	struct params p;
	const uint8_t *data = NULL;
	size_t len = 0, off, total;
	char root[64] = "";
	char who[TS_EP_MAX + 8];

	parse_query(request, &p);
	if (!p.reason && !p.has_ep)
		p.reason = "missing-ep";
	if (p.reason) {
		refuse(response, COAP_RESPONSE_CODE(400), "register", p.reason,
		       addr);
		return;
	}
	if (p.has_lwm2m && strcmp(p.lwm2m, "1.0") && strcmp(p.lwm2m, "1.1") &&
	    strcmp(p.lwm2m, "1.2")) {
		refuse(response, COAP_RESPONSE_CODE(412), "register",
		       "unsupported-lwm2m", addr);
		return;
	}
	coap_get_data_large(request, &len, &data, &off, &total);
	const char *why =
		ts_links_check(request, data, len, root, sizeof(root));
	if (why) {
		refuse(response, COAP_RESPONSE_CODE(400), "register", why,
		       addr);
		return;
	}
	snprintf(who, sizeof(who), "ep=%s", p.ep);
	if (fault(&s->fail_registers, response, "register", who))
		return;

	struct ts_reg *old = ts_rd_find_ep(s, p.ep);
	if (old && old->reg_mid == coap_pdu_get_mid(request) &&
	    old->session == session && !strcmp(old->addr, addr)) {
		add_location(s, old, response);
		coap_pdu_set_code(response, COAP_RESPONSE_CODE(201));
		return;
	}
	unsigned replaced = old ? old->id : 0;
	if (old)
		release_reg(s, old);
	struct ts_reg *r = NULL;
	for (size_t i = 0; i < TS_MAX_REGS && !r; i++)
		if (!s->regs[i].used)
			r = &s->regs[i];
	if (!r) {
		refuse(response, COAP_RESPONSE_CODE(503), "register",
		       "table-full", addr);
		return;
	}
	r->used = true;
	r->id = s->next_id++;
	snprintf(r->ep, sizeof(r->ep), "%s", p.ep);
	r->lt = p.has_lt ? p.ltv : 86400;
	snprintf(r->lwm2m, sizeof(r->lwm2m), "%s", p.has_lwm2m ? p.lwm2m : "");
	snprintf(r->binding, sizeof(r->binding), "%s", p.has_b ? p.b : "U");
	r->queue = p.q;
	memcpy(r->links, data, len);
	r->links[len] = '\0';
	snprintf(r->root, sizeof(r->root), "%s", root);
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
	r->session = coap_session_reference(session);
	r->reg_mid = coap_pdu_get_mid(request);
	coap_ticks(&r->last);
	add_location(s, r, response);
	coap_pdu_set_code(response, COAP_RESPONSE_CODE(201));
	if (s->wait_register && (!s->wait_ep[0] || !strcmp(s->wait_ep, r->ep)))
		s->wait_register = false;

	ts_out("REGISTER ep=%s", r->ep);
	if (p.has_lt)
		ts_out(" lt=%s", p.lt);
	if (p.has_lwm2m)
		ts_out(" lwm2m=%s", p.lwm2m);
	if (p.has_b)
		ts_out(" b=%s", p.b);
	if (p.q)
		ts_out(" Q=1");
	if (p.has_sms)
		ts_out(" sms=%s", p.sms);
	if (p.has_pid)
		ts_out(" pid=%s", p.pid);
	ts_out(" id=%u loc=/%s addr=%s", r->id, r->loc, addr);
	if (replaced)
		ts_out(" replaces=%u", replaced);
	ts_out(" links=%s", r->links);
	ts_out_end();
}

static void do_update(struct ts_server *s, struct ts_reg *r,
		      coap_session_t *session, const coap_pdu_t *request,
		      coap_pdu_t *response, const char *addr)
{
	struct params p;
	const uint8_t *data = NULL;
	size_t len = 0, off, total;
	char root[64] = "";
	char who[TS_EP_MAX + 24];

	parse_query(request, &p);
	if (!p.reason && (p.has_ep || p.has_lwm2m))
		p.reason = "register-only-param";
	if (!p.reason &&
	    coap_get_data_large(request, &len, &data, &off, &total) && len > 0)
		p.reason =
			ts_links_check(request, data, len, root, sizeof(root));
	if (p.reason) {
		refuse(response, COAP_RESPONSE_CODE(400), "update", p.reason,
		       addr);
		return;
	}
	snprintf(who, sizeof(who), "id=%u ep=%s", r->id, r->ep);
	if (fault(&s->fail_updates, response, "update", who))
		return;
	if (p.has_lt)
		r->lt = p.ltv;
	if (p.has_b)
		snprintf(r->binding, sizeof(r->binding), "%s", p.b);
	if (p.has_b || p.q)
		r->queue = p.q;
	if (len > 0) {
		memcpy(r->links, data, len);
		r->links[len] = '\0';
		snprintf(r->root, sizeof(r->root), "%s", root);
	}
	if (r->session != session) {
		/* A new source address (NAT rebinding, new socket): requests
		 * follow the client there. */
		coap_session_release(r->session);
		r->session = coap_session_reference(session);
		snprintf(r->addr, sizeof(r->addr), "%s", addr);
	}
	coap_ticks(&r->last);
	coap_pdu_set_code(response, COAP_RESPONSE_CODE(204));

	ts_out("UPDATE id=%u ep=%s", r->id, r->ep);
	if (p.has_lt)
		ts_out(" lt=%s", p.lt);
	if (p.has_b)
		ts_out(" b=%s", p.b);
	if (p.q)
		ts_out(" Q=1");
	if (p.has_sms)
		ts_out(" sms=%s", p.sms);
	ts_out(" addr=%s", addr);
	if (len > 0)
		ts_out(" links=%s", r->links);
	ts_out_end();
}

/* LwM2M 1.1 Send: POST /dp from a registered client, answered 2.04. */
static void do_send(struct ts_server *s, coap_session_t *session,
		    const coap_pdu_t *request, coap_pdu_t *response,
		    const char *addr)
{
	struct ts_reg *r = NULL;
	const uint8_t *data = NULL;
	size_t len = 0, off, total;
	char who[TS_EP_MAX + 8];
	int cf = ts_pdu_cf(request);

	for (size_t i = 0; i < TS_MAX_REGS && !r; i++)
		if (s->regs[i].used && s->regs[i].session == session)
			r = &s->regs[i];
	if (!r) {
		refuse(response, COAP_RESPONSE_CODE(404), "send",
		       "not-registered", addr);
		return;
	}
	snprintf(who, sizeof(who), "ep=%s", r->ep);
	if (fault(&s->fail_sends, response, "send", who))
		return;
	coap_get_data_large(request, &len, &data, &off, &total);
	coap_pdu_set_code(response, COAP_RESPONSE_CODE(204));
	ts_out("SEND ep=%s", r->ep);
	if (cf >= 0)
		ts_out(" cf=%d", cf);
	else
		ts_out(" cf=none");
	ts_out_payload(cf, data, len);
	ts_out_end();
}

static void hnd_post(coap_resource_t *resource, coap_session_t *session,
		     const coap_pdu_t *request, const coap_string_t *query,
		     coap_pdu_t *response)
{
	struct ts_server *s = server_of(session);
	char path[TS_LOC_MAX];
	char addr[64];

	(void)resource;
	(void)query;
	ts_session_addr(session, addr, sizeof(addr));
	int n = uri_path(request, path, sizeof(path));
	if (n == 1 && !strcmp(path, "rd")) {
		do_register(s, session, request, response, addr);
		return;
	}
	if (n == 1 && !strcmp(path, "dp")) {
		do_send(s, session, request, response, addr);
		return;
	}
	struct ts_reg *r = n > 0 ? find_loc(s, path) : NULL;
	if (!r) {
		refuse(response, COAP_RESPONSE_CODE(404), "update",
		       "unknown-location", addr);
		return;
	}
	do_update(s, r, session, request, response, addr);
}

static void hnd_delete(coap_resource_t *resource, coap_session_t *session,
		       const coap_pdu_t *request, const coap_string_t *query,
		       coap_pdu_t *response)
{
	struct ts_server *s = server_of(session);
	char path[TS_LOC_MAX];
	char addr[64];

	(void)resource;
	(void)query;
	ts_session_addr(session, addr, sizeof(addr));
	struct ts_reg *r = uri_path(request, path, sizeof(path)) > 0
				   ? find_loc(s, path)
				   : NULL;
	if (!r) {
		refuse(response, COAP_RESPONSE_CODE(404), "deregister",
		       "unknown-location", addr);
		return;
	}
	coap_pdu_set_code(response, COAP_RESPONSE_CODE(202));
	ts_out("DEREGISTER id=%u ep=%s addr=%s", r->id, r->ep, addr);
	ts_out_end();
	release_reg(s, r);
}

static void hnd_other(coap_resource_t *resource, coap_session_t *session,
		      const coap_pdu_t *request, const coap_string_t *query,
		      coap_pdu_t *response)
{
	char addr[64];

	(void)resource;
	(void)request;
	(void)query;
	ts_session_addr(session, addr, sizeof(addr));
	refuse(response, COAP_RESPONSE_CODE(405), "rd", "method", addr);
}

int ts_rd_init(struct ts_server *s)
{
	coap_resource_t *r = coap_resource_unknown_init2(hnd_other, 0);

	if (!r)
		return -ENOMEM;
	coap_register_request_handler(r, COAP_REQUEST_POST, hnd_post);
	coap_register_request_handler(r, COAP_REQUEST_DELETE, hnd_delete);
	coap_register_request_handler(r, COAP_REQUEST_GET, hnd_other);
	coap_add_resource(s->ctx, r);
	s->next_id = 1;
	return 0;
}

void ts_rd_forget(struct ts_server *s)
{
	for (size_t i = 0; i < TS_MAX_REGS; i++)
		if (s->regs[i].used)
			release_reg(s, &s->regs[i]);
}

void ts_rd_expire(struct ts_server *s, coap_tick_t now)
{
	for (size_t i = 0; i < TS_MAX_REGS; i++) {
		struct ts_reg *r = &s->regs[i];
		if (!r->used ||
		    now - r->last < (coap_tick_t)r->lt * COAP_TICKS_PER_SECOND)
			continue;
		ts_out("EXPIRE id=%u ep=%s", r->id, r->ep);
		ts_out_end();
		release_reg(s, r);
	}
}

void ts_rd_list(struct ts_server *s)
{
	for (size_t i = 0; i < TS_MAX_REGS; i++) {
		const struct ts_reg *r = &s->regs[i];
		if (!r->used)
			continue;
		ts_out("REG id=%u ep=%s lt=%u lwm2m=%s b=%s Q=%d loc=/%s "
		       "addr=%s links=%s",
		       r->id, r->ep, (unsigned)r->lt,
		       r->lwm2m[0] ? r->lwm2m : "-", r->binding, r->queue,
		       r->loc, r->addr, r->links);
		ts_out_end();
	}
	ts_out("END");
	ts_out_end();
}

void ts_rd_session_gone(struct ts_server *s, const coap_session_t *session)
{
	for (size_t i = 0; i < TS_MAX_REGS; i++)
		if (s->regs[i].used && s->regs[i].session == session)
			s->regs[i].session = NULL;
}

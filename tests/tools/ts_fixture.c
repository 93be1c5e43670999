/* SPDX-License-Identifier: BSD-3-Clause */
/* The fixture of tests/unit/test_test_server.c: see ts_fixture.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "ts_fixture.h"

static struct fx *cur;

/* ---- the tool's side ---------------------------------------------------- */

static void read_tool(struct fx *f)
{
	ssize_t r = read(f->from_tool, f->out + f->out_len,
			 sizeof(f->out) - 1 - f->out_len);
	if (r <= 0)
		return;
	f->out_len += (size_t)r;
	char *nl;
	while ((nl = memchr(f->out, '\n', f->out_len))) {
		size_t n = (size_t)(nl - f->out);
		assert_true(f->nlines < FX_MAX_LINES);
		f->lines[f->nlines] = strndup(f->out, n);
		assert_non_null(f->lines[f->nlines]);
		f->nlines++;
		memmove(f->out, nl + 1, f->out_len - n - 1);
		f->out_len -= n + 1;
	}
}

/* One wait for input from the tool or the client socket (<= ms). */
void fx_pump(struct fx *f, int ms)
{
	struct pollfd fds[2] = {
		{.fd = f->from_tool, .events = POLLIN},
		{.fd = f->ctx ? coap_context_get_coap_fd(f->ctx) : -1,
		 .events = POLLIN},
	};
	if (f->ctx) {
		coap_tick_t now;
		coap_ticks(&now);
		unsigned next = coap_io_prepare_epoll(f->ctx, now);
		if (next > 0 && next < (unsigned)ms)
			ms = (int)next;
	}
	if (poll(fds, 2, ms) > 0 && (fds[0].revents & (POLLIN | POLLHUP)))
		read_tool(f);
	if (f->ctx)
		coap_io_process(f->ctx, COAP_IO_NO_WAIT);
}

long long fx_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes the first line beginning with prefix (waiting for it), or fails. */
char *fx_take_line(struct fx *f, const char *prefix)
{
	long long end = fx_now_ms() + FX_DEADLINE_MS;

	do {
		for (size_t i = 0; i < f->nlines; i++) {
			if (f->lines[i] &&
			    !strncmp(f->lines[i], prefix, strlen(prefix))) {
				char *l = f->lines[i];
				f->lines[i] = NULL;
				return l;
			}
		}
		fx_pump(f, 50);
	} while (fx_now_ms() < end);
	for (size_t i = 0; i < f->nlines; i++)
		if (f->lines[i])
			print_message("# unread: %s\n", f->lines[i]);
	fail_msg("no line starting with \"%s\"", prefix);
	return NULL;
}

/* Asserts that line (taken, then freed) contains every given piece. */
void fx_expect_line(struct fx *f, const char *prefix, ...)
{
	char *l = fx_take_line(f, prefix);
	va_list ap;
	const char *piece;

	va_start(ap, prefix);
	while ((piece = va_arg(ap, const char *))) {
		if (!strstr(l, piece)) {
			static char copy[1024];
			snprintf(copy, sizeof(copy), "%s", l);
			free(l);
			va_end(ap);
			fail_msg("line \"%s\" lacks \"%s\"", copy, piece);
		}
	}
	va_end(ap);
	free(l);
}

void fx_cmd(struct fx *f, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(buf) - 1);
	buf[n++] = '\n';
	assert_int_equal(write(f->to_tool, buf, (size_t)n), n);
}

void fx_start_tool(struct fx *f, const char *const *extra)
{
	const char *argv[16] = {TS_BIN, "--listen", "127.0.0.1:0"};
	size_t argc = 3;
	int in[2], out[2];

	while (extra && *extra && argc < 15)
		argv[argc++] = *extra++;
	argv[argc] = NULL;
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execv(TS_BIN, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	f->to_tool = in[1];
	f->from_tool = out[0];
	fcntl(f->from_tool, F_SETFL, O_NONBLOCK);
	char *l = fx_take_line(f, "LISTENING 127.0.0.1:");
	f->port = (uint16_t)atoi(l + strlen("LISTENING 127.0.0.1:"));
	free(l);
	assert_true(f->port > 0);
}

/* Waits for the tool to exit; returns its exit status. */
int fx_wait_exit(struct fx *f)
{
	int st = 0;
	long long end = fx_now_ms() + FX_DEADLINE_MS;

	while (waitpid(f->pid, &st, WNOHANG) == 0) {
		if (fx_now_ms() > end)
			fail_msg("the tool did not exit");
		fx_pump(f, 20);
	}
	f->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- the client's side -------------------------------------------------- */

static coap_response_t on_response(coap_session_t *s, const coap_pdu_t *sent,
				   const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	coap_opt_iterator_t it;
	coap_opt_t *o;

	(void)s;
	(void)sent;
	(void)mid;
	cur->code = coap_pdu_get_code(rcvd);
	cur->nloc = 0;
	coap_option_iterator_init(rcvd, &it, COAP_OPT_ALL);
	while ((o = coap_option_next(&it))) {
		if (it.number != COAP_OPTION_LOCATION_PATH ||
		    cur->nloc == FX_MAX_LOC)
			continue;
		snprintf(cur->loc[cur->nloc++], 64, "%.*s",
			 (int)coap_opt_length(o),
			 (const char *)coap_opt_value(o));
	}
	cur->nresp++;
	return COAP_RESPONSE_OK;
}

static int opt_uint(const coap_pdu_t *pdu, uint16_t num)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(pdu, num, &it);

	return o ? (int)coap_decode_var_bytes(coap_opt_value(o),
					      coap_opt_length(o))
		 : -1;
}

static void record_request(const coap_pdu_t *req)
{
	coap_string_t *path = coap_get_uri_path(req);
	coap_string_t *query = coap_get_query(req);
	size_t len = 0;
	const uint8_t *data = NULL;

	cur->nreq++;
	cur->req_code = coap_pdu_get_code(req);
	snprintf(cur->req_path, sizeof(cur->req_path), "%.*s",
		 path ? (int)path->length : 0, path ? (char *)path->s : "");
	snprintf(cur->req_query, sizeof(cur->req_query), "%.*s",
		 query ? (int)query->length : 0, query ? (char *)query->s : "");
	coap_delete_string(path);
	coap_delete_string(query);
	cur->req_cf = opt_uint(req, COAP_OPTION_CONTENT_FORMAT);
	cur->req_accept = opt_uint(req, COAP_OPTION_ACCEPT);
	cur->req_observe = opt_uint(req, COAP_OPTION_OBSERVE);
	coap_bin_const_t tok = coap_pdu_get_token(req);
	cur->req_token_len = tok.length < sizeof(cur->req_token)
				     ? tok.length
				     : sizeof(cur->req_token);
	memcpy(cur->req_token, tok.s, cur->req_token_len);
	coap_get_data(req, &len, &data);
	snprintf(cur->req_payload, sizeof(cur->req_payload), "%.*s", (int)len,
		 data ? (const char *)data : "");
}

static void hnd_any(coap_resource_t *r, coap_session_t *s,
		    const coap_pdu_t *req, const coap_string_t *q,
		    coap_pdu_t *resp)
{
	static const uint8_t tlv[] = {0xc8, 0x00, 0x04, 'A', 'c', 'm', 'e'};
	uint8_t buf[4];

	(void)r;
	(void)s;
	(void)q;
	record_request(req);
	coap_pdu_code_t code = coap_pdu_get_code(req);
	if (code == COAP_REQUEST_CODE_GET) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
		if (cur->req_accept == 11542) {
			coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT,
					coap_encode_var_safe(buf, 4, 11542),
					buf);
			coap_add_data(resp, sizeof(tlv), tlv);
		} else if (cur->req_accept == 40) {
			coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT,
					coap_encode_var_safe(buf, 4, 40), buf);
			coap_add_data(resp, 17,
				      (const uint8_t *)"</3/0/0>,</3/0/1>");
		} else {
			coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT, 0,
					NULL);
			coap_add_data(resp, 4, (const uint8_t *)"Acme");
		}
	} else if (code == COAP_REQUEST_CODE_DELETE) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(202));
	} else if (code == COAP_REQUEST_CODE_POST &&
		   !strcmp(cur->req_path, "3")) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(201));
	} else {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(204));
	}
}

static void hnd_obs(coap_resource_t *r, coap_session_t *s,
		    const coap_pdu_t *req, const coap_string_t *q,
		    coap_pdu_t *resp)
{
	char v[16];
	int n = snprintf(v, sizeof(v), "%u", cur->notify_value);

	(void)r;
	(void)s;
	(void)q;
	record_request(req);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
	coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT, 0, NULL);
	coap_add_data(resp, (size_t)n, (const uint8_t *)v);
}

void fx_client_start(struct fx *f, const char *psk_id, const char *key)
{
	coap_address_t dst;

	f->ctx = coap_new_context(NULL);
	assert_non_null(f->ctx);
	coap_register_response_handler(f->ctx, on_response);
	coap_resource_t *r = coap_resource_unknown_init2(hnd_any, 0);
	coap_register_request_handler(r, COAP_REQUEST_GET, hnd_any);
	coap_register_request_handler(r, COAP_REQUEST_POST, hnd_any);
	coap_register_request_handler(r, COAP_REQUEST_DELETE, hnd_any);
	coap_add_resource(f->ctx, r);
	f->obs_res = coap_resource_init(coap_make_str_const("3/0/13"), 0);
	coap_register_request_handler(f->obs_res, COAP_REQUEST_GET, hnd_obs);
	coap_resource_set_get_observable(f->obs_res, 1);
	coap_add_resource(f->ctx, f->obs_res);

	coap_address_init(&dst);
	dst.addr.sin.sin_family = AF_INET;
	dst.addr.sin.sin_port = htons(f->port);
	dst.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.size = sizeof(dst.addr.sin);
	if (psk_id) {
		coap_dtls_cpsk_t setup;
		memset(&setup, 0, sizeof(setup));
		setup.version = COAP_DTLS_CPSK_SETUP_VERSION;
		setup.psk_info.identity.s = (const uint8_t *)psk_id;
		setup.psk_info.identity.length = strlen(psk_id);
		setup.psk_info.key.s = (const uint8_t *)key;
		setup.psk_info.key.length = strlen(key);
		f->sess = coap_new_client_session_psk2(f->ctx, NULL, &dst,
						       COAP_PROTO_DTLS, &setup);
	} else {
		f->sess = coap_new_client_session(f->ctx, NULL, &dst,
						  COAP_PROTO_UDP);
	}
	assert_non_null(f->sess);
}

/* Sends a request; path and query are '/'- and '&'-separated, a path
 * segment "a|b" is sent as one option "a/b".  Returns the answer's code,
 * 0 if none came (always 0 for a NON request, which is not waited for). */
unsigned fx_request(struct fx *f, coap_pdu_code_t code, const char *path,
		    const char *query, const char *payload, bool con)
{
	coap_pdu_t *pdu = coap_new_pdu(
		con ? COAP_MESSAGE_CON : COAP_MESSAGE_NON, code, f->sess);
	uint8_t tok[8];
	size_t toklen;
	char seg[128];
	unsigned before = f->nresp;

	assert_non_null(pdu);
	coap_session_new_token(f->sess, &toklen, tok);
	coap_add_token(pdu, toklen, tok);
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		snprintf(seg, sizeof(seg), "%.*s", (int)n, p);
		for (char *c = seg; *c; c++)
			if (*c == '|')
				*c = '/';
		coap_add_option(pdu, COAP_OPTION_URI_PATH, n,
				(const uint8_t *)seg);
		p += n + (p[n] == '/');
	}
	if (payload) {
		uint8_t b[4];
		coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
				coap_encode_var_safe(b, 4, 40), b);
	}
	for (const char *p = query ? query : ""; *p;) {
		size_t n = strcspn(p, "&");
		coap_add_option(pdu, COAP_OPTION_URI_QUERY, n,
				(const uint8_t *)p);
		p += n + (p[n] == '&');
	}
	if (payload)
		coap_add_data(pdu, strlen(payload), (const uint8_t *)payload);
	assert_int_not_equal(coap_send(f->sess, pdu), COAP_INVALID_MID);
	if (!con)
		return 0;
	long long end = fx_now_ms() + FX_DEADLINE_MS;
	while (f->nresp == before && fx_now_ms() < end)
		fx_pump(f, 50);
	return f->nresp == before ? 0 : f->code;
}

unsigned fx_register(struct fx *f, const char *query)
{
	return fx_request(f, COAP_REQUEST_CODE_POST, "rd", query, FX_LINKS,
			  true);
}

int fx_setup(void **state)
{
	static struct fx f;

	memset(&f, 0, sizeof(f));
	cur = &f;
	*state = &f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (f->sess)
		coap_session_release(f->sess);
	if (f->ctx)
		coap_free_context(f->ctx);
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	if (f->to_tool > 0)
		close(f->to_tool);
	if (f->from_tool > 0)
		close(f->from_tool);
	for (size_t i = 0; i < f->nlines; i++)
		free(f->lines[i]);
	return 0;
}

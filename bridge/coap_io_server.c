/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Incoming requests: the server's requests arrive on our client sessions
 * and libcoap dispatches them to the context's resources.  We register no
 * resource but the "unknown" one, for every method, and turn each request
 * into a plain struct cio_incoming for the daemon's handler.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* Bodies up to one default block (1024 bytes) never need Block2. */
#define SMALL_BODY_MAX 1024

struct cio_response {
	int code;
	int content_format;
	uint8_t *payload; /* inline, or an owned heap copy (heap true) */
	size_t len;
	bool heap;
	bool set;
	bool observe_set;
	uint32_t observe;
	char location[CIO_RESP_LOCATION_MAX][CIO_RESP_LOCATION_SEG_MAX + 1];
	size_t n_location;
	/* Small answers (nearly all) stay here: no allocation per request. */
	uint8_t inline_buf[SMALL_BODY_MAX];
};

/* A request's strings (path and query), NUL-terminated, packed one after
 * the other.  The stack one holds any ordinary request; a request whose
 * options do not fit is parsed again into a heap one of the largest size
 * the bounds allow. */
#define ARENA_SMALL 512
#define ARENA_LARGE ((CIO_PATH_MAX + CIO_QUERY_MAX) * (CIO_SEGMENT_MAX + 1))

struct arena {
	char *buf;
	size_t cap, used;
};

int cio_response_set(struct cio_response *resp, int code, int content_format,
		     const void *payload, size_t len)
{
	if (resp->set)
		return -EALREADY;
	if (code < CIO_CODE(2, 0) || code > CIO_CODE(7, 31) ||
	    content_format < -1 || content_format > 65535 ||
	    (payload == NULL && len > 0))
		return -EINVAL;
	if (len > sizeof(resp->inline_buf)) {
		resp->payload = malloc(len);
		if (resp->payload == NULL)
			return -ENOMEM;
		resp->heap = true;
	} else {
		resp->payload = resp->inline_buf;
	}
	if (len > 0)
		memcpy(resp->payload, payload, len);
	resp->len = len;
	resp->code = code;
	resp->content_format = content_format;
	resp->set = true;
	return 0;
}

void cio_response_set_observe(struct cio_response *resp, uint32_t seq)
{
	resp->observe_set = true;
	resp->observe = seq & 0xffffffu;
}

int cio_response_set_location(struct cio_response *resp,
			      const char *const *segs, size_t n)
{
	if (n > CIO_RESP_LOCATION_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (strlen(segs[i]) > CIO_RESP_LOCATION_SEG_MAX)
			return -EINVAL;
	for (size_t i = 0; i < n; i++)
		strcpy(resp->location[i], segs[i]);
	resp->n_location = n;
	return 0;
}

/* The value of an unsigned option of at most max_len bytes, or -1 when
 * too long.  A zero-length option is the value 0, and so is a one-byte
 * 0x00 (some peers send it). */
static int64_t opt_uint(const coap_opt_t *opt, size_t max_len)
{
	if (coap_opt_length(opt) > max_len)
		return -1;
	return coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
}

/* A NUL-terminated copy of a path or query option in a; NULL when it is
 * too long, holds a NUL, or a is full (*full set). */
static const char *opt_string(const coap_opt_t *opt, struct arena *a,
			      bool *full)
{
	uint32_t len = coap_opt_length(opt);
	const uint8_t *v = coap_opt_value(opt);
	char *d;

	if (len > CIO_SEGMENT_MAX || (len > 0 && memchr(v, 0, len) != NULL))
		return NULL;
	if (a->cap - a->used < (size_t)len + 1) {
		*full = true;
		return NULL;
	}
	d = a->buf + a->used;
	memcpy(d, v, len);
	d[len] = '\0';
	a->used += (size_t)len + 1;
	return d;
}

enum parsed { PARSED, REFUSED, ARENA_FULL };

/* Fills req from pdu in one pass over its options, strings in a;
 * *block2 tells whether it carries a Block2 option. */
static enum parsed parse(const coap_pdu_t *pdu, struct cio_incoming *req,
			 struct arena *a, bool *block2)
{
	coap_opt_iterator_t it;
	coap_opt_t *opt;
	coap_bin_const_t tok;
	size_t len = 0, offset = 0, total = 0;
	const uint8_t *data = NULL;
	bool full = false;
	int64_t v;

	memset(req, 0, sizeof(*req));
	req->method = (enum cio_method)coap_pdu_get_code(pdu);
	req->accept = -1;
	req->content_format = -1;
	req->observe = -1;
	a->used = 0;
	*block2 = false;
	coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
	while ((opt = coap_option_next(&it)) != NULL) {
		switch (it.number) {
		case COAP_OPTION_URI_PATH:
			if (req->n_path == CIO_PATH_MAX ||
			    !(req->path[req->n_path] =
				      opt_string(opt, a, &full)))
				return full ? ARENA_FULL : REFUSED;
			req->n_path++;
			break;
		case COAP_OPTION_URI_QUERY:
			if (req->n_query == CIO_QUERY_MAX ||
			    !(req->query[req->n_query] =
				      opt_string(opt, a, &full)))
				return full ? ARENA_FULL : REFUSED;
			req->n_query++;
			break;
		case COAP_OPTION_ACCEPT:
			/* the first of a repeated option counts, as with
			 * coap_check_option() */
			if (req->accept >= 0)
				break;
			if ((v = opt_uint(opt, 2)) < 0)
				return REFUSED;
			req->accept = (int)v;
			break;
		case COAP_OPTION_CONTENT_FORMAT:
			if (req->content_format >= 0)
				break;
			if ((v = opt_uint(opt, 2)) < 0)
				return REFUSED;
			req->content_format = (int)v;
			break;
		case COAP_OPTION_OBSERVE:
			if (req->observe >= 0)
				break;
			if ((v = opt_uint(opt, 3)) < 0)
				return REFUSED;
			req->observe = v;
			break;
		case COAP_OPTION_BLOCK2: *block2 = true; break;
		default: break;
		}
	}
	tok = coap_pdu_get_token(pdu);
	if (tok.length > CIO_TOKEN_MAX)
		return REFUSED;
	memcpy(req->token, tok.s, tok.length);
	req->token_len = tok.length;
	if (coap_get_data_large(pdu, &len, &data, &offset, &total)) {
		if (offset != 0)
			return REFUSED; /* single-body mode: never a fragment */
		req->payload = data;
		req->payload_len = len;
	}
	return PARSED;
}

static void release_copy(coap_session_t *cs, void *app_ptr)
{
	(void)cs;
	free(app_ptr);
}

static void respond(coap_resource_t *res, coap_session_t *cs,
		    const coap_pdu_t *request, const coap_string_t *query,
		    coap_pdu_t *pdu, struct cio_response *resp, bool block2)
{
	uint8_t buf[4];

	/* Small bodies go in directly: libcoap 4.3.1's large-response path
	 * drops a Content-Format of 0 (a zero-length option). */
	bool large = resp->content_format >= 0 &&
		     (resp->len > SMALL_BODY_MAX || (resp->len > 0 && block2));
	uint8_t *copy = resp->payload;

	/* libcoap keeps a large body for the next blocks: a heap copy, made
	 * before any option so that a failure is a bare 5.00 */
	if (large && !resp->heap) {
		copy = malloc(resp->len);
		if (copy == NULL) {
			coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(500));
			return;
		}
		memcpy(copy, resp->payload, resp->len);
	}
	coap_pdu_set_code(pdu, (coap_pdu_code_t)resp->code);
	/* RFC 7641 4.2: an error response does not establish the
	 * observation, and carries no Observe option. */
	if (resp->observe_set && CIO_CODE_CLASS(resp->code) == 2)
		coap_add_option(
			pdu, COAP_OPTION_OBSERVE,
			coap_encode_var_safe(buf, sizeof(buf), resp->observe),
			buf);
	for (size_t i = 0; i < resp->n_location; i++)
		coap_add_option(pdu, COAP_OPTION_LOCATION_PATH,
				strlen(resp->location[i]),
				(const uint8_t *)resp->location[i]);
	if (large) {
		resp->payload = NULL;
		resp->heap = false;
		/* takes the copy, frees it on failure too */
		coap_add_data_large_response(res, cs, request, pdu, query,
					     (uint16_t)resp->content_format, -1,
					     0, resp->len, copy, release_copy,
					     copy);
		return;
	}
	if (resp->content_format >= 0)
		coap_add_option(
			pdu, COAP_OPTION_CONTENT_FORMAT,
			coap_encode_var_safe(buf, sizeof(buf),
					     (unsigned)resp->content_format),
			buf);
	if (resp->len > 0 && !coap_add_data(pdu, resp->len, resp->payload)) {
		log_msg(LOG_LVL_WARNING, TAG,
			"response of %zu bytes too large without a content "
			"format",
			resp->len);
		coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(500));
	}
}

static void on_request(coap_resource_t *res, coap_session_t *cs,
		       const coap_pdu_t *request, const coap_string_t *query,
		       coap_pdu_t *pdu)
{
	struct cio *cio = coap_get_app_data(coap_session_get_context(cs));
	struct cio_session *s = coap_session_get_app_data(cs);
	struct cio_response resp;
	struct cio_incoming req;
	char small[ARENA_SMALL];
	struct arena a = {.buf = small, .cap = sizeof(small)};
	enum parsed parsed;
	bool block2;

	/* Field by field: an initializer would clear the whole struct, its
	 * 1 KB inline buffer included, for every request. */
	resp.code = 0;
	resp.content_format = -1;
	resp.payload = NULL;
	resp.len = 0;
	resp.heap = false;
	resp.set = false;
	resp.observe_set = false;
	resp.observe = 0;
	resp.n_location = 0;

	if (s == NULL || s->cs != cs || s->freed || cio == NULL ||
	    cio->req_fn == NULL) {
		coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(404));
		return;
	}
	parsed = parse(request, &req, &a, &block2);
	if (parsed == ARENA_FULL) {
		a.buf = malloc(ARENA_LARGE);
		a.cap = ARENA_LARGE;
		if (a.buf == NULL) {
			coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(500));
			return;
		}
		parsed = parse(request, &req, &a, &block2);
	}
	if (parsed != PARSED) {
		log_msg(LOG_LVL_INFO, TAG, "%s:%u: malformed request refused",
			s->host, s->ep.port);
		coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(400));
		goto out;
	}
	cio_session_hold(s);
	cio->req_fn(cio->req_arg, s, &req, &resp);
	cio_session_unhold(s);
	if (!resp.set)
		resp.code = CIO_CODE(5, 0);
	respond(res, cs, request, query, pdu, &resp, block2);
out:
	if (resp.heap)
		free(resp.payload);
	if (a.buf != small)
		free(a.buf);
}

int cio_server_init(struct cio *cio)
{
	static const coap_request_t methods[] = {
		COAP_REQUEST_GET,    COAP_REQUEST_POST,	 COAP_REQUEST_PUT,
		COAP_REQUEST_DELETE, COAP_REQUEST_FETCH, COAP_REQUEST_PATCH,
		COAP_REQUEST_IPATCH,
	};
	coap_resource_t *r;
	size_t i;

	r = coap_resource_unknown_init2(on_request, 0);
	if (r == NULL)
		return -ENOMEM;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		coap_register_handler(r, methods[i], on_request);
	coap_add_resource(cio->ctx, r);
	return 0;
}

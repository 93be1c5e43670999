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
	uint8_t *payload; /* owned copy */
	size_t len;
	bool set;
	bool observe_set;
	uint32_t observe;
	char location[CIO_RESP_LOCATION_MAX][CIO_RESP_LOCATION_SEG_MAX + 1];
	size_t n_location;
};

/* Copy buffers for one request's strings: path and query. */
struct strings {
	char path[CIO_PATH_MAX][CIO_SEGMENT_MAX + 1];
	char query[CIO_QUERY_MAX][CIO_SEGMENT_MAX + 1];
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
	if (len > 0) {
		resp->payload = malloc(len);
		if (resp->payload == NULL)
			return -ENOMEM;
		memcpy(resp->payload, payload, len);
	}
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

/* Copies every option number num into out[] (at most max, each at most
 * CIO_SEGMENT_MAX bytes, without NUL inside); returns the count or -1. */
static int get_strings(const coap_pdu_t *pdu, coap_option_num_t num,
		       char (*out)[CIO_SEGMENT_MAX + 1], const char **ptrs,
		       size_t max)
{
	coap_opt_iterator_t it;
	coap_opt_filter_t filter;
	coap_opt_t *opt;
	size_t n = 0;

	coap_option_filter_clear(&filter);
	coap_option_filter_set(&filter, num);
	coap_option_iterator_init(pdu, &it, &filter);
	while ((opt = coap_option_next(&it)) != NULL) {
		uint32_t len = coap_opt_length(opt);
		const uint8_t *v = coap_opt_value(opt);

		if (n == max || len > CIO_SEGMENT_MAX ||
		    (len > 0 && memchr(v, 0, len) != NULL))
			return -1;
		memcpy(out[n], v, len);
		out[n][len] = '\0';
		ptrs[n] = out[n];
		n++;
	}
	return (int)n;
}

/* An unsigned option of at most max_len bytes: 0 and *out (-1 when
 * absent), or -1 when too long.  A zero-length option is the value 0, and
 * so is a one-byte 0x00 (some peers send it). */
static int get_uint(const coap_pdu_t *pdu, coap_option_num_t num,
		    size_t max_len, int64_t *out)
{
	coap_opt_iterator_t it;
	coap_opt_t *opt = coap_check_option(pdu, num, &it);

	*out = -1;
	if (opt == NULL)
		return 0;
	if (coap_opt_length(opt) > max_len)
		return -1;
	*out = coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
	return 0;
}

/* Fills req from pdu; false when the request exceeds the bounds. */
static bool parse(const coap_pdu_t *pdu, struct cio_incoming *req,
		  struct strings *str)
{
	int64_t accept, cf;
	coap_bin_const_t tok;
	size_t len = 0, offset = 0, total = 0;
	const uint8_t *data = NULL;
	int n;

	memset(req, 0, sizeof(*req));
	req->method = (enum cio_method)coap_pdu_get_code(pdu);
	n = get_strings(pdu, COAP_OPTION_URI_PATH, str->path, req->path,
			CIO_PATH_MAX);
	if (n < 0)
		return false;
	req->n_path = (size_t)n;
	n = get_strings(pdu, COAP_OPTION_URI_QUERY, str->query, req->query,
			CIO_QUERY_MAX);
	if (n < 0)
		return false;
	req->n_query = (size_t)n;
	if (get_uint(pdu, COAP_OPTION_ACCEPT, 2, &accept) < 0 ||
	    get_uint(pdu, COAP_OPTION_CONTENT_FORMAT, 2, &cf) < 0 ||
	    get_uint(pdu, COAP_OPTION_OBSERVE, 3, &req->observe) < 0)
		return false;
	req->accept = (int)accept;
	req->content_format = (int)cf;
	tok = coap_pdu_get_token(pdu);
	if (tok.length > CIO_TOKEN_MAX)
		return false;
	memcpy(req->token, tok.s, tok.length);
	req->token_len = tok.length;
	if (coap_get_data_large(pdu, &len, &data, &offset, &total)) {
		if (offset != 0)
			return false; /* single-body mode: never a fragment */
		req->payload = data;
		req->payload_len = len;
	}
	return true;
}

static void release_copy(coap_session_t *cs, void *app_ptr)
{
	(void)cs;
	free(app_ptr);
}

static void respond(coap_resource_t *res, coap_session_t *cs,
		    const coap_pdu_t *request, const coap_string_t *query,
		    coap_pdu_t *pdu, struct cio_response *resp)
{
	coap_opt_iterator_t it;
	uint8_t buf[4];

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
	/* Small bodies go in directly: libcoap 4.3.1's large-response path
	 * drops a Content-Format of 0 (a zero-length option). */
	if (resp->content_format >= 0 &&
	    (resp->len > SMALL_BODY_MAX ||
	     (resp->len > 0 &&
	      coap_check_option(request, COAP_OPTION_BLOCK2, &it) != NULL))) {
		/* takes the copy, frees it on failure too */
		coap_add_data_large_response(res, cs, request, pdu, query,
					     (uint16_t)resp->content_format, -1,
					     0, resp->len, resp->payload,
					     release_copy, resp->payload);
		resp->payload = NULL;
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
	struct cio_response resp = {.content_format = -1};
	struct cio_incoming req;
	struct strings *str;

	if (s == NULL || s->cs != cs || s->freed || cio == NULL ||
	    cio->req_fn == NULL) {
		coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(404));
		return;
	}
	str = malloc(sizeof(*str));
	if (str == NULL) {
		coap_pdu_set_code(pdu, COAP_RESPONSE_CODE(500));
		return;
	}
	if (!parse(request, &req, str)) {
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
	respond(res, cs, request, query, pdu, &resp);
out:
	free(resp.payload);
	free(str);
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

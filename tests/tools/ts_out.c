/* SPDX-License-Identifier: BSD-3-Clause */
/* Event lines on stdout: the interface the tests read, so kept stable. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec_text.h"
#include "ts.h"

void ts_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
}

void ts_out_end(void)
{
	fputc('\n', stdout);
	fflush(stdout);
}

const char *ts_code_str(unsigned code, char *buf, size_t cap)
{
	snprintf(buf, cap, "%u.%02u", (code >> 5) & 7u, code & 31u);
	return buf;
}

int ts_code_parse(const char *s, unsigned *code)
{
	/* "c.dd": one class digit, a dot, two detail digits. */
	if (strlen(s) != 4 || s[1] != '.' || s[0] < '0' || s[0] > '7' ||
	    s[2] < '0' || s[2] > '3' || s[3] < '0' || s[3] > '9')
		return -EINVAL;
	unsigned detail = (unsigned)(s[2] - '0') * 10u + (unsigned)(s[3] - '0');
	if (detail > 31)
		return -EINVAL;
	*code = ((unsigned)(s[0] - '0') << 5) | detail;
	return 0;
}

void ts_out_hex(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(stdout, "%02x", data[i]);
}

/* Formats whose payload is text a test wants to read as it is. */
static bool text_format(int cf)
{
	switch (cf) {
	case -1:   /* none: diagnostic payloads of errors */
	case 0:	   /* text/plain */
	case 40:   /* link-format */
	case 50:   /* application/json */
	case 110:  /* SenML JSON */
	case 1541: /* old text */
	case 1543: /* old LwM2M JSON */
	case 11543: /* LwM2M JSON */ return true;
	default: return false;
	}
}

static bool printable(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data[i] < 0x20 || data[i] == 0x7f)
			return false;
	return text_utf8_valid(data, len);
}

void ts_out_payload(int cf, const uint8_t *data, size_t len)
{
	size_t shown = len;

	ts_out(" len=%zu", len);
	if (len == 0)
		return;
	if (shown > TS_PAYLOAD_PRINT_MAX)
		shown = TS_PAYLOAD_PRINT_MAX;
	if (text_format(cf) && printable(data, len)) {
		ts_out(" payload=");
		fwrite(data, 1, shown, stdout);
	} else {
		ts_out(" hex=");
		ts_out_hex(data, shown);
	}
	if (shown < len)
		ts_out("...");
}

void ts_session_addr(const coap_session_t *session, char *buf, size_t cap)
{
	const coap_address_t *a = coap_session_get_addr_remote(session);
	size_t n = 0;

	if (cap == 0)
		return;
	if (a)
		n = coap_print_addr(a, (unsigned char *)buf, cap);
	if (n >= cap)
		n = cap - 1;
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, cap, "-");
}

int ts_pdu_cf(const coap_pdu_t *pdu)
{
	coap_opt_iterator_t it;
	coap_opt_t *opt =
		coap_check_option(pdu, COAP_OPTION_CONTENT_FORMAT, &it);

	if (!opt)
		return -1;
	return (int)coap_decode_var_bytes(coap_opt_value(opt),
					  coap_opt_length(opt));
}

void ts_out_token(const uint8_t *tok, size_t len)
{
	ts_out(" tok=");
	if (len == 0)
		ts_out("-");
	ts_out_hex(tok, len);
}

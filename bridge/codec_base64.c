/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "codec_base64.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

static const char std_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t codec_base64_encoded_len(size_t n, unsigned alphabet)
{
	size_t groups = n / 3, rest = n % 3;

	if (groups > (SIZE_MAX - 4) / 4)
		return 0;
	if (alphabet == CODEC_BASE64_STD)
		return groups * 4 + (rest ? 4 : 0);
	return groups * 4 + (rest ? rest + 1 : 0);
}

int codec_base64_encode(const void *in, size_t n, unsigned alphabet, char *out,
			size_t cap)
{
	const uint8_t *p = in;
	const char *chars;
	size_t need, o = 0, i = 0;

	if (alphabet == CODEC_BASE64_STD)
		chars = std_chars;
	else if (alphabet == CODEC_BASE64_URL)
		chars = url_chars;
	else
		return -EINVAL;
	need = codec_base64_encoded_len(n, alphabet);
	if ((need == 0 && n > 0) || need > INT_MAX)
		return -EINVAL;
	if (need > cap)
		return -ENOBUFS;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
			     p[i + 2];

		out[o++] = chars[v >> 18];
		out[o++] = chars[(v >> 12) & 63];
		out[o++] = chars[(v >> 6) & 63];
		out[o++] = chars[v & 63];
	}
	if (n - i == 1) {
		out[o++] = chars[p[i] >> 2];
		out[o++] = chars[(p[i] & 3) << 4];
		if (alphabet == CODEC_BASE64_STD) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];

		out[o++] = chars[v >> 10];
		out[o++] = chars[(v >> 4) & 63];
		out[o++] = chars[(v << 2) & 63];
		if (alphabet == CODEC_BASE64_STD)
			out[o++] = '=';
	}
	return (int)o;
}

/* Returns the 6-bit value of c, or -1 if c is not in an accepted
 * alphabet. */
static int sextet(char c, unsigned accept)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if ((accept & CODEC_BASE64_STD) && (c == '+' || c == '/'))
		return c == '+' ? 62 : 63;
	if ((accept & CODEC_BASE64_URL) && (c == '-' || c == '_'))
		return c == '-' ? 62 : 63;
	return -1;
}

int codec_base64_decode(const char *in, size_t n, unsigned accept, uint8_t *out,
			size_t cap)
{
	size_t len = n, o = 0, need;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (n > 0 && in[n - 1] == '=') {
		/* Padding only completes a 4-character group: "xx==" or
		 * "xxx=". */
		if (n % 4 != 0)
			return -EBADMSG;
		len = in[n - 2] == '=' ? n - 2 : n - 1;
	}
	if (len % 4 == 1 || ((accept & CODEC_BASE64_PADDED) && n % 4 != 0))
		return -EBADMSG; /* 6 bits cannot end a byte; or unpadded */
	need = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
	if (need > INT_MAX)
		return -EBADMSG;
	if (need > cap)
		return -ENOBUFS;
	for (size_t i = 0; i < len; i++) {
		int v = sextet(in[i], accept);

		if (v < 0)
			return -EBADMSG;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -EBADMSG; /* non-canonical: leftover bits must be 0 */
	return (int)o;
}

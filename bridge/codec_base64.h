/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Base64 (RFC 4648) for the codecs: text/plain carries Opaque values in
 * the standard alphabet with padding (LwM2M 1.1 Core Appendix C); and the standard alphabet with
 * padding, as LwM2M JSON carries Opaque values in "sv" (LwM2M 1.0.2
 * §6.4.4), and the URL-safe alphabet without padding, as SenML JSON
 * carries "vd" (RFC 8428 §5; LwM2M 1.1 Core §7.4.4 shows the same form).
 * Pure functions over caller buffers: no allocation, no state.
 */
#ifndef BRIDGE_CODEC_BASE64_H
#define BRIDGE_CODEC_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Alphabets, as flags so a decoder can accept either. */
#define CODEC_BASE64_STD 0x1u /* '+' '/', '=' padding when encoding */
#define CODEC_BASE64_URL 0x2u /* '-' '_', never padded when encoding */
/* Decoding only: the text must be padded to a multiple of four (the
 * canonical form text/plain requires). */
#define CODEC_BASE64_PADDED 0x4u

/* Length of the encoding of n bytes in the given alphabet (exactly one of
 * the flags).  Returns 0 when the result would overflow size_t. */
size_t codec_base64_encoded_len(size_t n, unsigned alphabet);

/* Encodes n bytes of in into out (no NUL written).  alphabet is exactly
 * one of the flags.  Returns the length written, -ENOBUFS if it does not
 * fit in cap, -EINVAL for a bad alphabet. */
int codec_base64_encode(const void *in, size_t n, unsigned alphabet, char *out,
			size_t cap);

/* Decodes n characters of in into out.  accept is a mask of the
 * alphabets allowed.  Padding is optional, but when present it must pad
 * the text to a multiple of four; unused low bits of the last character
 * must be zero (canonical form); no whitespace.  Returns the number of
 * bytes written, -EBADMSG for invalid text, -ENOBUFS if out (cap bytes) is
 * too small.  (n / 4 * 3 + 2 bytes always suffice.)  out may be NULL when
 * cap is 0 and the text decodes to nothing. */
int codec_base64_decode(const char *in, size_t n, unsigned accept, uint8_t *out,
			size_t cap);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opening a libcoap client session for an endpoint: name resolution, the
 * protocol from the scheme, and the DTLS/TLS credentials (PSK, X.509, RPK).
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "codec_base64.h"
#include "coap_io_priv.h"
#include "log.h"

#define TAG "coap"

/* Largest server public key file accepted (a PEM SubjectPublicKeyInfo is a
 * few hundred bytes). */
#define KEY_FILE_MAX 8192

void cio_endpoint_from_cfg(struct cio_endpoint *ep,
			   const struct cfg_server *srv)
{
	memset(ep, 0, sizeof(*ep));
	ep->scheme = srv->scheme;
	ep->host = srv->host;
	ep->port = srv->port;
	ep->security = srv->security_mode;
	ep->psk_identity = srv->psk_identity;
	ep->psk_key = srv->psk_key;
	ep->psk_key_len = srv->psk_key_len;
	ep->certificate_file = srv->certificate_file;
	ep->private_key_file = srv->private_key_file;
	ep->server_certificate_file = srv->server_certificate_file;
	ep->server_public_key_file = srv->server_public_key_file;
}

static int resolve(const struct cio_endpoint *ep, bool stream,
		   coap_address_t *out)
{
	struct addrinfo hints, *res = NULL;
	char port[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = stream ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)ep->port);
	rc = getaddrinfo(ep->host, port, &hints, &res);
	if (rc != 0 || res == NULL) {
		log_msg(LOG_LVL_WARNING, TAG, "%s: cannot resolve: %s",
			ep->host,
			rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		if (res != NULL)
			freeaddrinfo(res);
		return rc == EAI_MEMORY ? ENOMEM : EHOSTUNREACH;
	}
	if (res->ai_addrlen > sizeof(out->addr)) {
		freeaddrinfo(res);
		return EHOSTUNREACH;
	}
	coap_address_init(out);
	memcpy(&out->addr, res->ai_addr, res->ai_addrlen);
	out->size = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Reads the server's raw public key (RPK mode) as DER: a PEM "PUBLIC KEY"
 * block or a DER file.  Returns the length, or a negative errno. */
static int read_public_key(const char *path, uint8_t *der, size_t cap)
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char end[] = "-----END PUBLIC KEY-----";
	char buf[KEY_FILE_MAX + 1], b64[KEY_FILE_MAX];
	size_t n, nb = 0;
	const char *p, *q;
	int rc;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL)
		return -errno;
	n = fread(buf, 1, KEY_FILE_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > KEY_FILE_MAX)
		return -EINVAL;
	buf[n] = '\0';
	p = strstr(buf, begin);
	if (p == NULL) {
		if (n > cap)
			return -EINVAL;
		memcpy(der, buf, n);
		return (int)n;
	}
	p += sizeof(begin) - 1;
	q = strstr(p, end);
	if (q == NULL)
		return -EINVAL;
	for (; p < q; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			b64[nb++] = *p;
	rc = codec_base64_decode(b64, nb, CODEC_BASE64_STD, der, cap);
	return rc < 0 ? -EINVAL : rc;
}

/* RPK: the server's key must be the configured one.  (For X.509 GnuTLS has
 * verified the chain against the trust anchor: validated says how that
 * went.)  arg is the cio_session, which outlives its libcoap sessions. */
static int check_peer(const char *cn, const uint8_t *asn1, size_t len,
		      coap_session_t *cs, unsigned int depth, int validated,
		      void *arg)
{
	struct cio_session *s = arg;
	uint8_t der[KEY_FILE_MAX];
	int n;

	(void)cs;
	if (s == NULL)
		return 0;
	if (s->ep.security == CFG_SEC_CERTIFICATE) {
		if (!validated)
			log_msg(LOG_LVL_WARNING, TAG,
				"%s:%u: the server's certificate (%s) does not "
				"verify against %s",
				s->host, s->ep.port, cn != NULL ? cn : "?",
				s->ep.server_certificate_file);
		return validated;
	}
	if (s->ep.server_public_key_file == NULL || depth != 0)
		return 0;
	n = read_public_key(s->ep.server_public_key_file, der, sizeof(der));
	if (n < 0) {
		log_msg(LOG_LVL_WARNING, TAG, "%s: cannot read: %s",
			s->ep.server_public_key_file, strerror(-n));
		return 0;
	}
	if ((size_t)n != len || memcmp(der, asn1, len) != 0) {
		log_msg(LOG_LVL_WARNING, TAG,
			"%s:%u: the server's public key is not the one in %s",
			s->host, s->ep.port, s->ep.server_public_key_file);
		return 0;
	}
	return 1;
}

static int check_credentials(const struct cio_endpoint *ep)
{
	bool secure = ep->scheme == CFG_SCHEME_COAPS ||
		      ep->scheme == CFG_SCHEME_COAPS_TCP;

	if (secure != (ep->security != CFG_SEC_NOSEC))
		return EINVAL;
	switch (ep->security) {
	case CFG_SEC_NOSEC: return 0;
	case CFG_SEC_PSK:
		return ep->psk_identity != NULL && ep->psk_key_len > 0 &&
				       strlen(ep->psk_identity) <= 128
			       ? 0
			       : EINVAL;
	case CFG_SEC_CERTIFICATE:
		if (ep->certificate_file == NULL ||
		    ep->private_key_file == NULL ||
		    ep->server_certificate_file == NULL)
			return EINVAL;
		return coap_dtls_is_supported() ? 0 : ENOTSUP;
	case CFG_SEC_RPK:
		if (ep->private_key_file == NULL ||
		    ep->server_public_key_file == NULL)
			return EINVAL;
		/* GnuTLS has RPK; the OpenSSL variant of 4.3.1 does not. */
		return strcmp(BRIDGE_COAP_VARIANT, "gnutls") == 0 ? 0 : ENOTSUP;
	default: return EINVAL;
	}
}

/* Reads the whole private key file (RPK) into a new NUL-terminated buffer;
 * *len counts the NUL, as libcoap wants for PEM buffers.  NULL on error. */
static uint8_t *read_key_file(const char *path, size_t *len)
{
	uint8_t *buf = malloc(KEY_FILE_MAX + 1);
	size_t n;
	FILE *f;

	if (buf == NULL)
		return NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		log_msg(LOG_LVL_WARNING, TAG, "%s: %s", path, strerror(errno));
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, KEY_FILE_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > KEY_FILE_MAX) {
		log_msg(LOG_LVL_WARNING, TAG, "%s: empty or above %d bytes",
			path, KEY_FILE_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n + 1;
	return buf;
}

static coap_session_t *open_pki(struct cio_session *s, coap_context_t *ctx,
				const coap_address_t *addr, coap_proto_t proto)
{
	coap_dtls_pki_t pki;
	coap_session_t *cs;
	uint8_t *key = NULL;
	size_t key_len = 0;

	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	pki.verify_peer_cert = 1;
	pki.validate_cn_call_back = check_peer;
	pki.cn_call_back_arg = s;
	if (s->ep.security == CFG_SEC_RPK) {
		/* libcoap 4.3.1 takes RPK keys from memory only (not
		 * COAP_PKI_KEY_PEM); an "EC PRIVATE KEY" PEM holds the public
		 * key too.  GnuTLS copies the key into its credentials while
		 * the session is created, so the buffer is freed after. */
		key = read_key_file(s->ep.private_key_file, &key_len);
		if (key == NULL)
			return NULL;
		pki.is_rpk_not_cert = 1;
		pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
		pki.pki_key.key.pem_buf.public_cert = key;
		pki.pki_key.key.pem_buf.public_cert_len = key_len;
		pki.pki_key.key.pem_buf.private_key = key;
		pki.pki_key.key.pem_buf.private_key_len = key_len;
	} else {
		pki.check_common_ca = 1;
		pki.cert_chain_validation = 1;
		pki.cert_chain_verify_depth = 3;
		pki.pki_key.key_type = COAP_PKI_KEY_PEM;
		pki.pki_key.key.pem.ca_file = s->ep.server_certificate_file;
		pki.pki_key.key.pem.public_cert = s->ep.certificate_file;
		pki.pki_key.key.pem.private_key = s->ep.private_key_file;
	}
	cs = coap_new_client_session_pki(ctx, NULL, addr, proto, &pki);
	free(key);
	return cs;
}

int cio_session_open(struct cio_session *s, coap_session_t **out)
{
	coap_context_t *ctx = s->cio->ctx;
	const struct cio_endpoint *ep = &s->ep;
	coap_address_t addr;
	coap_proto_t proto;
	coap_session_t *cs = NULL;
	int err;

	err = check_credentials(ep);
	if (err != 0)
		return err;
	/* libcoap 4.3.1 ignores an ACK_TIMEOUT below one second */
	if (ep->max_retransmit > 20 || ep->ack_timeout_ms > 60000 ||
	    (ep->ack_timeout_ms > 0 && ep->ack_timeout_ms < 1000))
		return EINVAL;
	switch (ep->scheme) {
	case CFG_SCHEME_COAP: proto = COAP_PROTO_UDP; break;
	case CFG_SCHEME_COAPS:
		proto = COAP_PROTO_DTLS;
		if (!coap_dtls_is_supported())
			return ENOTSUP;
		break;
	case CFG_SCHEME_COAP_TCP:
		proto = COAP_PROTO_TCP;
		if (!coap_tcp_is_supported())
			return ENOTSUP;
		break;
	case CFG_SCHEME_COAPS_TCP:
		proto = COAP_PROTO_TLS;
		if (!coap_tls_is_supported())
			return ENOTSUP;
		break;
	default: return EINVAL;
	}
	err = resolve(ep, proto == COAP_PROTO_TCP || proto == COAP_PROTO_TLS,
		      &addr);
	if (err != 0)
		return err;
	switch (ep->security) {
	case CFG_SEC_NOSEC:
		cs = coap_new_client_session(ctx, NULL, &addr, proto);
		break;
	case CFG_SEC_PSK: {
		coap_dtls_cpsk_t psk;

		memset(&psk, 0, sizeof(psk));
		psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
		psk.psk_info.identity.s = (const uint8_t *)ep->psk_identity;
		psk.psk_info.identity.length = strlen(ep->psk_identity);
		psk.psk_info.key.s = ep->psk_key;
		psk.psk_info.key.length = ep->psk_key_len;
		cs = coap_new_client_session_psk2(ctx, NULL, &addr, proto,
						  &psk);
		break;
	}
	case CFG_SEC_CERTIFICATE:
	case CFG_SEC_RPK: cs = open_pki(s, ctx, &addr, proto); break;
	default: return EINVAL;
	}
	if (cs == NULL) {
		log_msg(LOG_LVL_WARNING, TAG,
			"%s:%u: libcoap cannot open a "
			"session (see its debug log)",
			ep->host, ep->port);
		return EIO;
	}
	if (ep->ack_timeout_ms > 0) {
		coap_fixed_point_t t = {
			.integer_part = (uint16_t)(ep->ack_timeout_ms / 1000),
			.fractional_part =
				(uint16_t)(ep->ack_timeout_ms % 1000),
		};

		coap_session_set_ack_timeout(cs, t);
	}
	if (ep->max_retransmit > 0)
		coap_session_set_max_retransmit(cs, ep->max_retransmit);
	*out = cs;
	return 0;
}

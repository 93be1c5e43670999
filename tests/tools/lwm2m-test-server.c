/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwm2m-test-server: accepts LwM2M registrations and drives Device
 * Management requests from commands, printing one line per event on
 * stdout (see tests/tools/README.md for the formats).
 *
 * One thread: poll() waits on libcoap's epoll descriptor and the command
 * input, then coap_io_process() runs without blocking.  Signal handlers
 * only set a flag.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netdb.h>
#include <sys/socket.h>

#include "ts.h"

#define PSK_KEY_MAX 64
#define POLL_MAX_MS 100
/* Largest key or certificate file read into memory (RPK). */
#define PKI_FILE_MAX 8192

static volatile sig_atomic_t stop_signal;

struct options {
	const char *listen;
	const char *psk;
	const char *cert;     /* X.509: our certificate (PEM) */
	const char *key;      /* X.509 and RPK: our private key (PEM) */
	const char *ca;	      /* X.509: trust anchor for client certificates */
	const char *rpk_peer; /* RPK: the one client public key accepted */
	bool rpk;
	const char *script;
	bool tcp;
	bool verbose;
};

static struct ts_server server;
/* X.509 or RPK: a DTLS session closed before check_peer accepted the
 * client is reported as a failed handshake. */
static bool pki_mode;
static uint8_t psk_key[PSK_KEY_MAX];
static coap_bin_const_t psk_key_bin;
static char psk_identity[129];

static void on_signal(int sig)
{
	(void)sig;
	stop_signal = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lwm2m-test-server [--listen ADDR:PORT] "
		"[--psk IDENTITY:HEXKEY] [--tcp]\n"
		"         [--cert FILE --key FILE --ca FILE] "
		"[--rpk --key FILE --rpk-peer FILE]\n"
		"         [--location-style split|joined|custom:PATH] "
		"[--script FILE] [--no-expire] [--accept-stale] [--show-type]\n"
		"         [--verbose]\n"
		"Commands are read from the script, then stdin; events go to "
		"stdout.\n");
}

static int parse_location(const char *s)
{
	if (!strcmp(s, "split")) {
		server.loc_style = TS_LOC_SPLIT;
	} else if (!strcmp(s, "joined")) {
		server.loc_style = TS_LOC_JOINED;
	} else if (!strncmp(s, "custom:", 7)) {
		const char *p = s + 7;
		size_t n;
		while (*p == '/')
			p++;
		n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			n--;
		if (n >= sizeof(server.loc_prefix) || strstr(p, "//"))
			return -EINVAL;
		memcpy(server.loc_prefix, p, n);
		server.loc_prefix[n] = '\0';
		server.loc_style = TS_LOC_CUSTOM;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int parse_psk(const char *s)
{
	const char *colon = strrchr(s, ':');
	size_t hex_len;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(psk_identity))
		return -EINVAL;
	memcpy(psk_identity, s, (size_t)(colon - s));
	psk_identity[colon - s] = '\0';
	hex_len = strlen(colon + 1);
	if (hex_len == 0 || hex_len % 2 || hex_len / 2 > PSK_KEY_MAX)
		return -EINVAL;
	for (size_t i = 0; i < hex_len / 2; i++) {
		char byte[3] = {colon[1 + 2 * i], colon[2 + 2 * i], '\0'};
		char *end;
		psk_key[i] = (uint8_t)strtoul(byte, &end, 16);
		if (*end || !byte[0] || byte[0] == '+' || byte[0] == '-' ||
		    byte[0] == ' ')
			return -EINVAL;
	}
	psk_key_bin.s = psk_key;
	psk_key_bin.length = hex_len / 2;
	return 0;
}

static const coap_bin_const_t *
check_identity(coap_bin_const_t *identity, coap_session_t *session, void *arg)
{
	(void)session;
	(void)arg;
	if (identity && identity->length == strlen(psk_identity) &&
	    !memcmp(identity->s, psk_identity, identity->length))
		return &psk_key_bin;
	ts_out("ERROR op=dtls reason=unknown-identity identity=");
	if (identity)
		ts_out_hex(identity->s, identity->length);
	ts_out_end();
	return NULL;
}

/* Reads a whole small file (keys, certificates) into buf, NUL-terminated.
 * Returns its length, or -1. */
static long read_small_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	if (n == 0 || n >= cap - 1)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

static uint8_t rpk_key_pem[PKI_FILE_MAX];
static uint8_t rpk_peer_der[PKI_FILE_MAX];
static long rpk_peer_len;

/* After GnuTLS checked the client's certificate chain against --ca (or,
 * for RPK, got the client's public key): prints what was presented and
 * refuses what does not pass. */
static int check_peer(const char *cn, const uint8_t *asn1, size_t len,
		      coap_session_t *session, unsigned int depth,
		      int validated, void *arg)
{
	const struct options *o = arg;
	char addr[64];
	int accept = validated;

	ts_session_addr(session, addr, sizeof(addr));
	if (o->rpk)
		accept = depth == 0 && rpk_peer_len > 0 &&
			 len == (size_t)rpk_peer_len &&
			 !memcmp(asn1, rpk_peer_der, len);
	if (accept) {
		/* Marks the session as verified for event_handler. */
		if (depth == 0)
			coap_session_set_app_data(session, &server);
		ts_out("PEER cn=%s depth=%u addr=%s", cn ? cn : "-", depth,
		       addr);
	} else {
		ts_out("ERROR op=dtls reason=%s cn=%s depth=%u addr=%s",
		       o->rpk ? "unknown-key" : "bad-certificate",
		       cn ? cn : "-", depth, addr);
	}
	ts_out_end();
	return accept;
}

/* X.509 (--cert, --key, --ca) or RPK (--rpk, --key, --rpk-peer). */
static int setup_pki(const struct options *o)
{
	coap_dtls_pki_t setup;
	long n;

	memset(&setup, 0, sizeof(setup));
	setup.version = COAP_DTLS_PKI_SETUP_VERSION;
	setup.verify_peer_cert = 1;
	setup.validate_cn_call_back = check_peer;
	setup.cn_call_back_arg = (void *)(uintptr_t)o;
	if (o->rpk) {
		/* libcoap takes RPK keys from memory only; an "EC PRIVATE
		 * KEY" PEM holds the public key too. */
		n = read_small_file(o->key, rpk_key_pem, sizeof(rpk_key_pem));
		rpk_peer_len = read_small_file(o->rpk_peer, rpk_peer_der,
					       sizeof(rpk_peer_der));
		if (n < 0 || rpk_peer_len < 0) {
			fprintf(stderr, "lwm2m-test-server: cannot read "
					"--key or --rpk-peer\n");
			return -EINVAL;
		}
		setup.is_rpk_not_cert = 1;
		setup.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
		setup.pki_key.key.pem_buf.public_cert = rpk_key_pem;
		setup.pki_key.key.pem_buf.public_cert_len = (size_t)n + 1;
		setup.pki_key.key.pem_buf.private_key = rpk_key_pem;
		setup.pki_key.key.pem_buf.private_key_len = (size_t)n + 1;
	} else {
		/* libcoap reads these files only when a client comes. */
		const char *files[] = {o->cert, o->key, o->ca};
		for (size_t i = 0; i < 3; i++) {
			if (access(files[i], R_OK)) {
				fprintf(stderr, "lwm2m-test-server: %s: %s\n",
					files[i], strerror(errno));
				return -EINVAL;
			}
		}
		setup.check_common_ca = 1;
		setup.cert_chain_validation = 1;
		setup.cert_chain_verify_depth = 3;
		setup.pki_key.key_type = COAP_PKI_KEY_PEM;
		setup.pki_key.key.pem.ca_file = o->ca;
		setup.pki_key.key.pem.public_cert = o->cert;
		setup.pki_key.key.pem.private_key = o->key;
	}
	if (!coap_context_set_pki(server.ctx, &setup)) {
		fprintf(stderr, "lwm2m-test-server: libcoap refused the "
				"certificate or key files\n");
		return -EINVAL;
	}
	return 0;
}

static int event_handler(coap_session_t *session, const coap_event_t event)
{
	const char *name = NULL;
	char addr[64];

	if (pki_mode &&
	    (event == COAP_EVENT_DTLS_CLOSED ||
	     event == COAP_EVENT_DTLS_ERROR) &&
	    coap_session_get_app_data(session) == NULL) {
		ts_session_addr(session, addr, sizeof(addr));
		ts_out("ERROR op=dtls reason=handshake-failed addr=%s", addr);
		ts_out_end();
		/* Once per session: CLOSED and ERROR may both come. */
		coap_session_set_app_data(session, &pki_mode);
	}
	if (event == COAP_EVENT_DTLS_CONNECTED)
		name = "dtls-connected";
	else if (event == COAP_EVENT_DTLS_CLOSED)
		name = "dtls-closed";
	else if (event == COAP_EVENT_DTLS_ERROR)
		name = "dtls-error";
	else if (event == COAP_EVENT_TCP_CONNECTED)
		name = "tcp-connected";
	else if (event == COAP_EVENT_TCP_CLOSED)
		name = "tcp-closed";
	else if (event == COAP_EVENT_TCP_FAILED)
		name = "tcp-failed";
	else if (event == COAP_EVENT_SERVER_SESSION_DEL)
		ts_rd_session_gone(&server, session);
	if (name) {
		ts_session_addr(session, addr, sizeof(addr));
		ts_out("EVENT name=%s addr=%s", name, addr);
		ts_out_end();
	}
	return 0;
}

static int resolve(const char *spec, coap_address_t *addr)
{
	char host[128];
	const char *port;
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_DGRAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	size_t hl;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		hl = (size_t)(close - spec - 1);
		spec++;
		port = close + 2;
	} else {
		const char *colon = strrchr(spec, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - spec);
		port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(host) || !*port)
		return -EINVAL;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (getaddrinfo(host, port, &hints, &res) || !res ||
	    res->ai_addrlen > sizeof(addr->addr)) {
		if (res)
			freeaddrinfo(res);
		return -EINVAL;
	}
	coap_address_init(addr);
	addr->size = res->ai_addrlen;
	memcpy(&addr->addr, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static bool waiting(struct ts_server *s)
{
	coap_tick_t now;

	if (s->wait_sync && ts_cmd_outstanding(s) == 0)
		s->wait_sync = false;
	if (s->wait_until) {
		coap_ticks(&now);
		if (now >= s->wait_until)
			s->wait_until = 0;
	}
	return s->wait_register || s->wait_sync || s->wait_until;
}

/* Runs the complete lines buffered in in, until a command makes the input
 * wait; at EOF a last unterminated line counts too. */
static void run_lines(struct ts_server *s, struct ts_input *in, bool eof)
{
	while (!s->quit && !stop_signal && !waiting(s) && in->len > 0) {
		char *nl = memchr(in->buf, '\n', in->len);
		size_t n = nl ? (size_t)(nl - in->buf) : in->len;
		if (!nl && !eof) {
			if (in->len < TS_LINE_MAX)
				return;
			/* Too long: drop it up to its newline. */
			if (!in->overlong)
				fprintf(stdout, "ERROR cmd=- reason="
						"line-too-long\n");
			fflush(stdout);
			in->overlong = true;
			in->len = 0;
			return;
		}
		in->buf[n] = '\0';
		if (!in->overlong)
			ts_cmd_run(s, in->buf);
		in->overlong = false;
		size_t used = nl ? n + 1 : n;
		memmove(in->buf, in->buf + used, in->len - used);
		in->len -= used;
	}
}

static struct ts_input *active_input(struct ts_server *s)
{
	if (s->script.fd >= 0 || s->script.len > 0)
		return &s->script;
	return &s->in;
}

static void read_input(struct ts_server *s, struct ts_input *in)
{
	ssize_t r = read(in->fd, in->buf + in->len, TS_LINE_MAX - in->len);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		if (in->fd > 0)
			close(in->fd);
		in->fd = -1;
		run_lines(s, in, true);
		return;
	}
	in->len += (size_t)r;
	run_lines(s, in, false);
}

static int open_endpoint(const struct options *o)
{
	coap_address_t addr;
	coap_proto_t proto = COAP_PROTO_UDP;

	if (resolve(o->listen, &addr)) {
		fprintf(stderr, "lwm2m-test-server: bad --listen %s\n",
			o->listen);
		return -EINVAL;
	}
	if (o->psk) {
		coap_dtls_spsk_t setup;
		if (!coap_dtls_is_supported()) {
			fprintf(stderr, "lwm2m-test-server: no DTLS\n");
			return -ENOTSUP;
		}
		memset(&setup, 0, sizeof(setup));
		setup.version = COAP_DTLS_SPSK_SETUP_VERSION;
		setup.validate_id_call_back = check_identity;
		setup.psk_info.key = psk_key_bin;
		if (!coap_context_set_psk2(server.ctx, &setup))
			return -EINVAL;
		proto = o->tcp ? COAP_PROTO_TLS : COAP_PROTO_DTLS;
	} else if (o->cert || o->rpk) {
		if (!coap_dtls_is_supported()) {
			fprintf(stderr, "lwm2m-test-server: no DTLS\n");
			return -ENOTSUP;
		}
		if (setup_pki(o))
			return -EINVAL;
		pki_mode = true;
		proto = o->tcp ? COAP_PROTO_TLS : COAP_PROTO_DTLS;
	} else if (o->tcp) {
		proto = COAP_PROTO_TCP;
	}
	if (o->tcp && !coap_tcp_is_supported()) {
		fprintf(stderr, "lwm2m-test-server: no TCP in libcoap\n");
		return -ENOTSUP;
	}
	coap_endpoint_t *ep = coap_new_endpoint(server.ctx, &addr, proto);
	if (!ep) {
		fprintf(stderr, "lwm2m-test-server: cannot listen on %s\n",
			o->listen);
		return -EADDRINUSE;
	}
	/* "127.0.0.1:5683 UDP": the bound address, the real port for 0. */
	const char *desc = coap_endpoint_str(ep);
	size_t n = strcspn(desc, " ");
	ts_out("LISTENING %.*s", (int)n, desc);
	ts_out_end();
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"psk", required_argument, NULL, 'k'},
		{"tcp", no_argument, NULL, 't'},
		{"cert", required_argument, NULL, 'C'},
		{"key", required_argument, NULL, 'K'},
		{"ca", required_argument, NULL, 'A'},
		{"rpk", no_argument, NULL, 'R'},
		{"rpk-peer", required_argument, NULL, 'P'},
		{"location-style", required_argument, NULL, 'L'},
		{"script", required_argument, NULL, 's'},
		{"no-expire", no_argument, NULL, 'E'},
		{"accept-stale", no_argument, NULL, 'S'},
		{"show-type", no_argument, NULL, 'T'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->listen = "127.0.0.1:5683";
	server.expire = true;
	while ((c = getopt_long(argc, argv, "l:k:tC:K:A:RP:L:s:ESTvh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'l': o->listen = optarg; break;
		case 'k':
			o->psk = optarg;
			if (parse_psk(optarg)) {
				fprintf(stderr, "lwm2m-test-server: bad --psk "
						"(IDENTITY:HEXKEY)\n");
				return 2;
			}
			break;
		case 't': o->tcp = true; break;
		case 'C': o->cert = optarg; break;
		case 'K': o->key = optarg; break;
		case 'A': o->ca = optarg; break;
		case 'R': o->rpk = true; break;
		case 'P': o->rpk_peer = optarg; break;
		case 'L':
			if (parse_location(optarg)) {
				fprintf(stderr, "lwm2m-test-server: bad "
						"--location-style\n");
				return 2;
			}
			break;
		case 's': o->script = optarg; break;
		case 'E': server.expire = false; break;
		case 'S': server.accept_stale = true; break;
		case 'T': server.show_type = true; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* One security mode, with all of its files. */
	if ((o->psk != NULL) + (o->cert != NULL) + o->rpk > 1 ||
	    (o->cert && (!o->key || !o->ca)) ||
	    (o->rpk && (!o->key || !o->rpk_peer)) ||
	    (!o->cert && !o->rpk && (o->key || o->ca || o->rpk_peer)) ||
	    (o->rpk && o->ca)) {
		fprintf(stderr, "lwm2m-test-server: use one of --psk, "
				"--cert FILE --key FILE --ca FILE, "
				"--rpk --key FILE --rpk-peer FILE\n");
		return 2;
	}
	return 0;
}

static void loop(void)
{
	int coap_fd = coap_context_get_coap_fd(server.ctx);

	while (!server.quit && !stop_signal) {
		struct ts_input *in = active_input(&server);
		struct pollfd fds[2] = {
			{.fd = coap_fd, .events = POLLIN},
			{.fd = -1, .events = POLLIN},
		};
		coap_tick_t now;
		int timeout = POLL_MAX_MS;

		run_lines(&server, in, in->fd < 0);
		if (server.quit)
			break;
		if (in->fd >= 0 && !waiting(&server))
			fds[1].fd = in->fd;
		coap_ticks(&now);
		unsigned next = coap_io_prepare_epoll(server.ctx, now);
		if (next > 0 && next < (unsigned)timeout)
			timeout = (int)next;
		int r = poll(fds, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		coap_io_process(server.ctx, COAP_IO_NO_WAIT);
		if (r > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_input(&server, in);
		if (server.expire) {
			coap_ticks(&now);
			ts_rd_expire(&server, now);
		}
	}
}

int main(int argc, char **argv)
{
	struct options o = {0};
	struct sigaction sa;
	int ret = 1;

	int r = parse_options(argc, argv, &o);
	if (r)
		return r == 1 ? 0 : 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	server.script.fd = -1;
	server.in.fd = STDIN_FILENO;
	if (o.script) {
		server.script.fd = open(o.script, O_RDONLY | O_CLOEXEC);
		if (server.script.fd < 0) {
			fprintf(stderr, "lwm2m-test-server: %s: %s\n", o.script,
				strerror(errno));
			return 1;
		}
	}
	coap_startup();
	coap_set_log_level(o.verbose ? LOG_DEBUG : LOG_EMERG);
	coap_dtls_set_log_level(o.verbose ? LOG_DEBUG : LOG_EMERG);
	server.ctx = coap_new_context(NULL);
	if (!server.ctx)
		goto out;
	coap_set_app_data(server.ctx, &server);
	coap_context_set_block_mode(server.ctx, COAP_BLOCK_USE_LIBCOAP |
							COAP_BLOCK_SINGLE_BODY);
	coap_register_event_handler(server.ctx, event_handler);
	if (ts_rd_init(&server) || ts_resp_init(&server) || open_endpoint(&o))
		goto out;
	loop();
	ts_out("EXIT");
	ts_out_end();
	ret = 0;
out:
	if (server.ctx) {
		ts_rd_forget(&server);
		coap_free_context(server.ctx);
	}
	coap_cleanup();
	if (server.script.fd >= 0)
		close(server.script.fd);
	return ret;
}

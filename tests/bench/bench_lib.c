/* SPDX-License-Identifier: BSD-3-Clause */
/* The benchmarks' LwM2M-server side and daemon control: see bench_lib.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_lib.h"

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

/* ---- CoAP by hand --------------------------------------------------- */

void bcoap_begin(struct bcoap_buf *m, int type, int code, uint16_t mid,
		 const uint8_t *token, size_t token_len)
{
	m->b[0] = (uint8_t)(0x40 | type << 4 | (token_len & 0x0f));
	m->b[1] = (uint8_t)code;
	m->b[2] = (uint8_t)(mid >> 8);
	m->b[3] = (uint8_t)mid;
	memcpy(m->b + 4, token, token_len);
	m->len = 4 + token_len;
	m->last_opt = 0;
}

static size_t ext_nibble(unsigned v, uint8_t *ext, size_t *n_ext)
{
	if (v < 13) {
		*n_ext = 0;
		return v;
	}
	if (v < 269) {
		ext[0] = (uint8_t)(v - 13);
		*n_ext = 1;
		return 13;
	}
	ext[0] = (uint8_t)((v - 269) >> 8);
	ext[1] = (uint8_t)(v - 269);
	*n_ext = 2;
	return 14;
}

void bcoap_opt(struct bcoap_buf *m, unsigned num, const void *val, size_t len)
{
	uint8_t de[2], le[2];
	size_t nde, nle;
	size_t d = ext_nibble(num - m->last_opt, de, &nde);
	size_t l = ext_nibble((unsigned)len, le, &nle);

	if (m->len + 1 + nde + nle + len > sizeof(m->b))
		fail("CoAP message too large");
	m->b[m->len++] = (uint8_t)(d << 4 | l);
	memcpy(m->b + m->len, de, nde);
	m->len += nde;
	memcpy(m->b + m->len, le, nle);
	m->len += nle;
	memcpy(m->b + m->len, val, len);
	m->len += len;
	m->last_opt = num;
}

void bcoap_opt_uint(struct bcoap_buf *m, unsigned num, uint32_t v)
{
	uint8_t b[4];
	size_t n = 0;

	for (int shift = 24; shift >= 0; shift -= 8)
		if (n > 0 || (v >> shift & 0xff) != 0)
			b[n++] = (uint8_t)(v >> shift);
	bcoap_opt(m, num, b, n);
}

void bcoap_path(struct bcoap_buf *m, const char *path)
{
	const char *p = path;

	while (*p == '/')
		p++;
	while (*p != '\0') {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		bcoap_opt(m, BCOAP_OPT_URI_PATH, p, n);
		p += n;
		while (*p == '/')
			p++;
	}
}

void bcoap_payload(struct bcoap_buf *m, const void *p, size_t len)
{
	if (len == 0)
		return;
	if (m->len + 1 + len > sizeof(m->b))
		fail("CoAP payload too large");
	m->b[m->len++] = 0xff;
	memcpy(m->b + m->len, p, len);
	m->len += len;
}

static int opt_ext(const uint8_t **p, const uint8_t *end, unsigned nib,
		   unsigned *out)
{
	if (nib < 13) {
		*out = nib;
		return 0;
	}
	if (nib == 13 && *p < end) {
		*out = 13u + *(*p)++;
		return 0;
	}
	if (nib == 14 && end - *p >= 2) {
		*out = 269u + ((unsigned)(*p)[0] << 8 | (*p)[1]);
		*p += 2;
		return 0;
	}
	return -1;
}

int bcoap_parse(const uint8_t *d, size_t len, struct bcoap_msg *out)
{
	const uint8_t *p = d + 4, *end = d + len;
	unsigned num = 0;

	if (len < 4 || (d[0] >> 6) != 1 || (d[0] & 0x0f) > 8 ||
	    len < 4u + (d[0] & 0x0f))
		return -1;
	memset(out, 0, sizeof(*out));
	out->type = d[0] >> 4 & 3;
	out->token_len = d[0] & 0x0f;
	out->code = d[1];
	out->mid = (uint16_t)(d[2] << 8 | d[3]);
	memcpy(out->token, p, out->token_len);
	p += out->token_len;
	out->observe = -1;
	out->content_format = -1;
	while (p < end && *p != 0xff) {
		unsigned delta, olen;
		uint8_t h = *p++;

		if (opt_ext(&p, end, h >> 4, &delta) < 0 ||
		    opt_ext(&p, end, h & 0x0f, &olen) < 0 ||
		    (size_t)(end - p) < olen)
			return -1;
		num += delta;
		if (num == BCOAP_OPT_OBSERVE ||
		    num == BCOAP_OPT_CONTENT_FORMAT) {
			uint32_t v = 0;

			for (unsigned i = 0; i < olen && i < 4; i++)
				v = v << 8 | p[i];
			if (num == BCOAP_OPT_OBSERVE)
				out->observe = v;
			else
				out->content_format = (int)v;
		}
		p += olen;
	}
	if (p < end) {
		out->payload = p + 1;
		out->payload_len = (size_t)(end - p - 1);
	}
	return 0;
}

/* ---- numbers -------------------------------------------------------- */

uint64_t bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void bench_sort(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
}

uint64_t bench_pct(const uint64_t *sorted, size_t n, double pct)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(pct / 100.0 * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

void bench_header(const char *name, const char *what)
{
	printf("%s: %s\n", name, what);
	printf("%s: nproc = %ld (online cores)\n", name,
	       sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);
}

uint64_t bench_cpu_us(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	if (!fgets(buf, sizeof(buf), f))
		die(path);
	fclose(f);
	/* fields after the ")" of comm: state is field 3; utime 14, stime 15 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu",
			 &ut, &st) != 2)
		fail("cannot parse /proc/PID/stat");
	return (uint64_t)(ut + st) * 1000000u / (uint64_t)sysconf(_SC_CLK_TCK);
}

long bench_proc_field(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* ---- the daemon ----------------------------------------------------- */

void bench_send(struct bench_daemon *d, const struct bcoap_buf *m)
{
	if (send(d->sock, m->b, m->len, 0) != (ssize_t)m->len)
		die("send");
}

static void answer(int sock, const struct sockaddr_in *to,
		   const struct bcoap_msg *req, int code, bool location)
{
	struct bcoap_buf m;

	bcoap_begin(&m, BCOAP_ACK, code, req->mid, req->token, req->token_len);
	if (location) {
		bcoap_opt(&m, BCOAP_OPT_LOCATION_PATH, "rd", 2);
		bcoap_opt(&m, BCOAP_OPT_LOCATION_PATH, "1", 1);
	}
	if (sendto(sock, m.b, m.len, 0, (const struct sockaddr *)to,
		   sizeof(*to)) != (ssize_t)m.len)
		die("sendto");
}

static const char *bridge_path(void)
{
	const char *p = getenv("BENCH_BRIDGE");

	return p ? p : BENCH_BRIDGE;
}

void bench_daemon_start(struct bench_daemon *d, const char *sim_settings)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof(a);
	char conf[128], log[128];
	uint8_t buf[1500];
	struct bcoap_msg msg;
	FILE *f;
	int rcv = 4 << 20;

	memset(d, 0, sizeof(*d));
	d->next_mid = (uint16_t)getpid();
	snprintf(d->dir, sizeof(d->dir), "/tmp/lwm2m-bench.XXXXXX");
	if (!mkdtemp(d->dir))
		die("mkdtemp");
	d->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->sock < 0)
		die("socket");
	(void)setsockopt(d->sock, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(d->sock, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(d->sock, (struct sockaddr *)&a, &alen) < 0)
		die("bind");
	snprintf(conf, sizeof(conf), "%s/bridge.conf", d->dir);
	snprintf(log, sizeof(log), "%s/bridge.log", d->dir);
	f = fopen(conf, "w");
	if (!f)
		die(conf);
	fprintf(f,
		"endpoint = \"bench\";\n"
		"log_level = \"warning\";\n"
		"object_dirs = [ \"%s\" ];\n"
		"plugin_dir = \"%s\";\n"
		"plugins = ( { plugin = \"sim\"; settings = { %s }; } );\n"
		"servers = ( { short_server_id = 1; "
		"uri = \"coap://127.0.0.1:%u\"; lifetime = 86400; } );\n",
		BENCH_OBJECTS, BENCH_PLUGDIR, sim_settings, ntohs(a.sin_port));
	fclose(f);
	d->pid = fork();
	if (d->pid < 0)
		die("fork");
	if (d->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/* A bench killed early (a closed pipe, ^C) must not leave
		 * its daemon running to disturb the next figures. */
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execl(bridge_path(), "lwm2m-bridge", "-c", conf, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		struct pollfd pfd = {.fd = d->sock, .events = POLLIN};
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(&pfd, 1, 10000) <= 0) {
			fprintf(stderr,
				"bench: no Register from the daemon "
				"within 10 s; its log is %s\n",
				log);
			exit(1);
		}
		n = recvfrom(d->sock, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &flen);
		if (n < 0 || bcoap_parse(buf, (size_t)n, &msg) < 0)
			continue;
		if (msg.code == 2 /* POST */) {
			answer(d->sock, &from, &msg, 0x41 /* 2.01 */, true);
			d->client = from;
			break;
		}
	}
	if (connect(d->sock, (struct sockaddr *)&d->client, sizeof(d->client)) <
	    0)
		die("connect");
}

size_t bench_recv(struct bench_daemon *d, uint8_t *buf, size_t cap,
		  int timeout_ms)
{
	for (;;) {
		struct pollfd pfd = {.fd = d->sock, .events = POLLIN};
		struct bcoap_msg msg;
		ssize_t n;

		n = recv(d->sock, buf, cap, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int r = poll(&pfd, 1, timeout_ms);

			if (r == 0)
				return 0;
			if (r < 0 && errno != EINTR)
				die("poll");
			continue;
		}
		if (n < 0) {
			if (errno == ECONNREFUSED || errno == EINTR)
				continue;
			die("recv");
		}
		if (bcoap_parse(buf, (size_t)n, &msg) < 0)
			continue;
		if (msg.type == BCOAP_CON && msg.code >= 1 && msg.code <= 31) {
			/* the daemon's own request: Update (POST) or
			 * De-register (DELETE) */
			answer(d->sock, &d->client, &msg,
			       msg.code == 4 ? 0x42 : 0x44, false);
			continue;
		}
		return (size_t)n;
	}
}

int bench_request(struct bench_daemon *d, struct bcoap_buf *m,
		  struct bcoap_msg *ans, uint8_t *abuf, size_t acap)
{
	uint16_t mid = (uint16_t)(m->b[2] << 8 | m->b[3]);
	uint64_t deadline = bench_now_us() + 5000000u;

	bench_send(d, m);
	while (bench_now_us() < deadline) {
		size_t n = bench_recv(d, abuf, acap, 100);

		if (n == 0 || bcoap_parse(abuf, n, ans) < 0)
			continue;
		if (ans->type == BCOAP_CON) { /* a notification: ACK it */
			struct bcoap_buf ack;

			bcoap_begin(&ack, BCOAP_ACK, 0, ans->mid, NULL, 0);
			bench_send(d, &ack);
			continue;
		}
		if (ans->type == BCOAP_ACK && ans->mid == mid)
			return ans->code;
	}
	fail("no answer to a request within 5 s");
	return -1;
}

void bench_daemon_stop(struct bench_daemon *d)
{
	char path[128];
	uint8_t buf[1500];
	int status = 0;
	uint64_t deadline;

	kill(d->pid, SIGTERM);
	deadline = bench_now_us() + 5000000u;
	while (bench_now_us() < deadline) {
		pid_t r = waitpid(d->pid, &status, WNOHANG);

		if (r == d->pid)
			break;
		(void)bench_recv(d, buf, sizeof(buf), 20);
	}
	if (waitpid(d->pid, &status, WNOHANG) == 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, &status, 0);
	}
	close(d->sock);
	snprintf(path, sizeof(path), "%s/bridge.conf", d->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bridge.log", d->dir);
	unlink(path);
	rmdir(d->dir);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_notify: notifications from the real daemon when the sim plugin
 * changes 1,000 observed resources at 10 Hz.
 *
 * This program is the LwM2M server (bench_lib.h).  The sim plugin runs one
 * "sine" group: 1,000 instances of 3300 Generic Sensor on one 100 ms
 * timer; every tick sets all 1,000 values (5700) in one callback.  We
 * observe /3300/0..999/5700 (GET, Observe 0, Accept text, one token per
 * observation, default attributes: pmin 0, no pmax), ACK every CON
 * notification, and count and time the notifications for a window.
 *
 * How the change time is known.  The sine's value is
 * sin(2 pi t / period) with t the daemon loop's CLOCK_MONOTONIC time in
 * whole milliseconds, read when the tick runs (before its 1,000 changes);
 * with period_s = 1e9, full precision ("decimals = -1") and our run times
 * the sine is far inside its linear part, so asin() gives t back exactly.
 * The notification's payload therefore carries the millisecond T of the
 * tick that produced it.  A, its arrival, is the kernel's receive
 * timestamp of the datagram (SO_TIMESTAMPNS, CLOCK_REALTIME, turned into
 * CLOCK_MONOTONIC with the offset between the two clocks taken at the
 * start of each run): the moment it reached our socket, whatever this
 * program's own receive loop costs (it is about as slow per message as
 * the daemon, so its lag would otherwise be measured as delay).  The
 * delay at the time recv() returned is printed too ("at recv").  The tick ran
 * at some instant in [T, T + 1 ms) and before the first notification of
 * that tick arrived, so for each notification:
 *   upper bound of the delay  A - T
 *   lower bound of the delay  A - min(T + 1 ms, first arrival of tick T)
 * Both are printed (p50/p99); the true change-to-arrival delay (which
 * includes the loopback, and the order of the instance within the tick's
 * 1,000 changes) lies between them.
 *
 * Lost.  A tick in the window that an observation's notifications do not
 * cover: no notification of that observation carrying that tick's value
 * or a later one arrived within one interval (100 ms, when the next
 * change comes) of the tick.  Ticks in the window are the distinct T seen
 * by any observation; a gap of more than 1.5 intervals between two
 * consecutive T counts its missing ticks as lost for every observation.
 * "late" counts notifications that arrived more than 100 ms after T.
 *
 * Waiting.  By default this program blocks in poll() on its socket when
 * it has drained it, so the daemon's send() that finds it waiting also
 * wakes it up: on loopback that costs the daemon about a microsecond per
 * notification, a cost a server on another host never puts on it.  With
 * "sleep" it naps 200 us instead of blocking (nobody waits on the
 * socket; the kernel timestamps keep the arrival times exact): the
 * figures are then those of the daemon's own work.
 *
 * Load shapes.  "burst": the sim group changes all 1,000 values in one
 * tick every 100 ms, the worst case: the last of 1,000 notifications
 * leaves about 1,000 x (the cost of one) after the change, most of it the
 * kernel's UDP send.  "spread": the same group with spread = true, each
 * value changing once per 100 ms at its own time (10 per millisecond), as
 * sensors polled in turn change; each change's delay is then its own.
 * Lost, for spread: within the tick's slot (see spread_lost()).  Both run by default, three runs each, a fresh daemon
 * for each shape.
 *
 * usage: bench_notify [SECONDS_PER_RUN [poll|sleep [burst|spread|both]]]
 *        (default 5 poll both)
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_lib.h"

#define N_OBS	    1000
#define INTERVAL_MS 100
#define PERIOD_MS   1e12 /* period_s = 1e9 */

struct note {
	uint16_t obs;
	uint64_t t_ms;	    /* tick time carried in the value */
	uint64_t arrive_us; /* CLOCK_MONOTONIC: kernel receive timestamp */
	uint64_t recv_us;   /* CLOCK_MONOTONIC when recv() returned it */
};

static struct note *notes;
static size_t n_notes, cap_notes;

/* %s: "false" (burst) or "true" (spread) */
static const char settings_fmt[] =
	"seed = 7; sensors = ( { type = \"sine\"; count = 1000; "
	"first_instance = 0; interval_ms = 100; offset = 0.0; "
	"amplitude = 1.0; period_s = 1000000000.0; decimals = -1; "
	"spread = %s; } );";

static bool spread; /* see Load shapes above */

static void ack(struct bench_daemon *d, const struct bcoap_msg *m)
{
	struct bcoap_buf a;

	bcoap_begin(&a, BCOAP_ACK, 0, m->mid, NULL, 0);
	bench_send(d, &a);
}

static void observe_all(struct bench_daemon *d)
{
	uint8_t buf[1500];

	for (unsigned i = 0; i < N_OBS; i++) {
		struct bcoap_buf m;
		struct bcoap_msg ans;
		char path[32];
		uint8_t tok[3] = {(uint8_t)(i >> 8), (uint8_t)i, 0x0b};
		int code;

		snprintf(path, sizeof(path), "/3300/%u/5700", i);
		bcoap_begin(&m, BCOAP_CON, 1, d->next_mid++, tok, sizeof(tok));
		bcoap_opt_uint(&m, BCOAP_OPT_OBSERVE, 0);
		bcoap_path(&m, path);
		bcoap_opt_uint(&m, BCOAP_OPT_ACCEPT, BCOAP_CF_TEXT);
		code = bench_request(d, &m, &ans, buf, sizeof(buf));
		if (code != 0x45 || ans.observe < 0) {
			fprintf(stderr,
				"bench_notify: observe %s: code %d.%02d"
				"%s\n",
				path, code >> 5, code & 31,
				ans.observe < 0 ? ", no Observe option" : "");
			exit(1);
		}
	}
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, in microseconds: the tightest
 * of a few readings (the one least disturbed by a preemption). */
static int64_t realtime_offset_us(void)
{
	int64_t best = 0;
	uint64_t best_gap = UINT64_MAX;

	for (int i = 0; i < 16; i++) {
		struct timespec a, r, b;
		uint64_t ua, ub;

		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ua = (uint64_t)a.tv_sec * 1000000u + (uint64_t)a.tv_nsec / 1000;
		ub = (uint64_t)b.tv_sec * 1000000u + (uint64_t)b.tv_nsec / 1000;
		if (ub - ua < best_gap) {
			best_gap = ub - ua;
			best = (int64_t)r.tv_sec * 1000000 + r.tv_nsec / 1000 -
			       (int64_t)(ua + (ub - ua) / 2);
		}
	}
	return best;
}

/* One datagram and its kernel receive timestamp (CLOCK_MONOTONIC via
 * offset); -1 with errno as recv(). */
static ssize_t recv_stamped(int sock, uint8_t *buf, size_t cap, int64_t offset,
			    uint64_t *stamp_us)
{
	union {
		char b[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};
	ssize_t r = recvmsg(sock, &mh, MSG_DONTWAIT);

	*stamp_us = 0;
	if (r < 0)
		return r;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL;
	     c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*stamp_us = (uint64_t)((int64_t)ts.tv_sec * 1000000 +
					       ts.tv_nsec / 1000 - offset);
		}
	}
	return r;
}

static int cmp_note(const void *a, const void *b)
{
	const struct note *x = a, *y = b;

	if (x->obs != y->obs)
		return x->obs < y->obs ? -1 : 1;
	return x->arrive_us < y->arrive_us ? -1 : x->arrive_us > y->arrive_us;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool nap; /* "sleep": see Waiting above */

/*
 * Spread: a tick (one millisecond T) changes one slot, the observations
 * o with o % SLOTS == s (instance o changes in slot o % SLOTS), so the
 * check is the burst's, within the tick's slot: every observation of the
 * slot must have a notification carrying T or a later value that arrived
 * within one interval of T.  The slot is the one of any notification
 * carrying T.  A tick the loop skipped (its slot then changes a
 * millisecond later) is in no notification and owes none.  notes are
 * sorted by observation, then arrival (one observation's values arrive in
 * order).
 */
#define SLOTS 100 /* the sim's for count 1000, interval 100 ms */

static size_t spread_lost(const uint64_t *ticks, size_t n_ticks)
{
	size_t begin[N_OBS + 1], lost = 0, i = 0;
	unsigned *slot_of = malloc((n_ticks + 1) * sizeof(*slot_of));

	for (unsigned o = 0; o <= N_OBS; o++) {
		begin[o] = i;
		while (o < N_OBS && i < n_notes && notes[i].obs == o)
			i++;
	}
	for (size_t k = 0; k < n_ticks; k++)
		slot_of[k] = SLOTS;
	for (size_t n = 0; n < n_notes; n++) {
		const uint64_t *t = bsearch(&notes[n].t_ms, ticks, n_ticks,
					    sizeof(*ticks), cmp_u64);

		if (t)
			slot_of[t - ticks] = notes[n].obs % SLOTS;
	}
	for (size_t k = 0; k < n_ticks; k++) {
		uint64_t T = ticks[k];

		for (unsigned o = slot_of[k]; o < N_OBS; o += SLOTS) {
			size_t lo = begin[o], hi = begin[o + 1];

			/* the first of o's notifications carrying T or later */
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (notes[mid].t_ms < T)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == begin[o + 1] ||
			    notes[lo].arrive_us > T * 1000 + INTERVAL_MS * 1000u)
				lost++;
		}
	}
	free(slot_of);
	return lost;
}

static void run(struct bench_daemon *d, int n, double seconds)
{
	uint64_t start = bench_now_us(),
		 end = start + (uint64_t)(seconds * 1e6);
	uint64_t cpu0 = bench_cpu_us(d->pid), cpu1, first_tick, last_tick;
	uint64_t *ticks, *first_arrival, *up, *low, *at_recv;
	size_t n_ticks = 0, n_con = 0, lost = 0, late = 0, n_win = 0;
	size_t n_unstamped = 0;
	int64_t offset = realtime_offset_us();
	uint8_t buf[1500];

	n_notes = 0;
	while (bench_now_us() < end) {
		struct pollfd pfd = {.fd = d->sock, .events = POLLIN};
		struct bcoap_msg m;
		char text[64];
		uint64_t stamp;
		ssize_t r =
			recv_stamped(d->sock, buf, sizeof(buf), offset, &stamp);
		uint64_t now = bench_now_us();
		double v;

		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (nap)
					(void)usleep(200);
				else
					(void)poll(&pfd, 1, 100);
			}
			continue;
		}
		if (bcoap_parse(buf, (size_t)r, &m) < 0)
			continue;
		if (m.type == BCOAP_CON && m.code >= 1 && m.code <= 31)
			continue; /* a request of the daemon's: none expected */
		if (m.type == BCOAP_CON) {
			ack(d, &m);
			n_con++;
		}
		if (m.code != 0x45 || m.token_len != 3 || m.token[2] != 0x0b ||
		    m.payload_len == 0 || m.payload_len >= sizeof(text))
			continue;
		memcpy(text, m.payload, m.payload_len);
		text[m.payload_len] = '\0';
		v = strtod(text, NULL);
		if (n_notes == cap_notes) {
			cap_notes = cap_notes ? cap_notes * 2 : 65536;
			notes = realloc(notes, cap_notes * sizeof(*notes));
			if (!notes)
				exit(1);
		}
		/* (a timestamp can only be missing or odd if the kernel
		 * gave none: then the time of recv() stands in) */
		if (stamp == 0 || stamp > now) {
			stamp = now;
			n_unstamped++;
		}
		notes[n_notes++] = (struct note){
			.obs = (uint16_t)(m.token[0] << 8 | m.token[1]),
			.t_ms = (uint64_t)llround(asin(v) / (2 * M_PI) *
						  PERIOD_MS),
			.arrive_us = stamp,
			.recv_us = now};
	}
	cpu1 = bench_cpu_us(d->pid);
	/* The ticks of the window: distinct T, leaving out the first and
	 * last interval (partly outside the window). */
	ticks = malloc((n_notes + 1) * sizeof(*ticks));
	for (size_t i = 0; i < n_notes; i++)
		ticks[i] = notes[i].t_ms;
	qsort(ticks, n_notes, sizeof(*ticks), cmp_u64);
	for (size_t i = 0; i < n_notes; i++)
		if (n_ticks == 0 || ticks[n_ticks - 1] != ticks[i])
			ticks[n_ticks++] = ticks[i];
	first_tick = start / 1000 + INTERVAL_MS;
	last_tick = end / 1000 - 2 * INTERVAL_MS;
	{
		size_t k = 0;

		for (size_t i = 0; i < n_ticks; i++)
			if (ticks[i] >= first_tick && ticks[i] <= last_tick) {
				if (!spread && k > 0 &&
				    ticks[i] - ticks[k - 1] >
					    INTERVAL_MS * 3 / 2)
					lost += N_OBS *
						((ticks[i] - ticks[k - 1] +
						  INTERVAL_MS / 2) /
							 INTERVAL_MS -
						 1);
				ticks[k++] = ticks[i];
			}
		n_ticks = k;
	}
	/* First arrival per tick (for the lower bound). */
	first_arrival = calloc(n_ticks + 1, sizeof(*first_arrival));
	for (size_t i = 0; i < n_notes; i++) {
		uint64_t *t = bsearch(&notes[i].t_ms, ticks, n_ticks,
				      sizeof(*ticks), cmp_u64);

		if (t) {
			uint64_t *fa = &first_arrival[t - ticks];

			if (!*fa || notes[i].arrive_us < *fa)
				*fa = notes[i].arrive_us;
		}
	}
	up = malloc((n_notes + 1) * sizeof(*up));
	low = malloc((n_notes + 1) * sizeof(*low));
	at_recv = malloc((n_notes + 1) * sizeof(*at_recv));
	for (size_t i = 0; i < n_notes; i++) {
		uint64_t *t = bsearch(&notes[i].t_ms, ticks, n_ticks,
				      sizeof(*ticks), cmp_u64);
		uint64_t tu = notes[i].t_ms * 1000, ref;

		if (!t)
			continue;
		ref = tu + 1000;
		if (first_arrival[t - ticks] < ref)
			ref = first_arrival[t - ticks];
		up[n_win] = notes[i].arrive_us - tu;
		at_recv[n_win] = notes[i].recv_us - tu;
		low[n_win] =
			notes[i].arrive_us > ref ? notes[i].arrive_us - ref : 0;
		if (up[n_win] > INTERVAL_MS * 1000u)
			late++;
		n_win++;
	}
	/* Coverage per observation: notifications in arrival order. */
	qsort(notes, n_notes, sizeof(*notes), cmp_note);
	if (spread)
		lost += spread_lost(ticks, n_ticks);
	else {
		size_t i = 0;

		for (unsigned o = 0; o < N_OBS; o++) {
			size_t b = i, j;

			while (i < n_notes && notes[i].obs == o)
				i++;
			j = b;
			for (size_t k = 0; k < n_ticks; k++) {
				uint64_t T = ticks[k];

				while (j < i && notes[j].t_ms < T)
					j++;
				if (j == i ||
				    notes[j].arrive_us >
					    T * 1000 + INTERVAL_MS * 1000u)
					lost++;
			}
		}
	}
	bench_sort(up, n_win);
	bench_sort(low, n_win);
	bench_sort(at_recv, n_win);
	printf("  1000 observations x 10 Hz  run %d: %7.0f notifications/s "
	       "(%zu in %.1f s, %zu CON)  delay change->arrival: upper bound "
	       "p50 %llu us p99 %llu us, lower bound p50 %llu us p99 %llu us"
	       " (at recv: p50 %llu us p99 %llu us)  ticks %zu  lost %zu  "
	       "late %zu  daemon CPU %.1f%%%s\n",
	       n, (double)n_notes / seconds, n_notes, seconds, n_con,
	       (unsigned long long)bench_pct(up, n_win, 50),
	       (unsigned long long)bench_pct(up, n_win, 99),
	       (unsigned long long)bench_pct(low, n_win, 50),
	       (unsigned long long)bench_pct(low, n_win, 99),
	       (unsigned long long)bench_pct(at_recv, n_win, 50),
	       (unsigned long long)bench_pct(at_recv, n_win, 99), n_ticks, lost,
	       late, (double)(cpu1 - cpu0) / (seconds * 1e4),
	       n_unstamped ? "  (some without kernel timestamp)" : "");
	fflush(stdout);
	free(at_recv);
	free(ticks);
	free(first_arrival);
	free(up);
	free(low);
}

/* Three runs with a fresh daemon whose sim group is burst or spread. */
static void bench_shape(double seconds)
{
	struct bench_daemon d;
	uint8_t buf[1500];
	char settings[sizeof(settings_fmt) + 8];

	snprintf(settings, sizeof(settings), settings_fmt,
		 spread ? "true" : "false");
	bench_daemon_start(&d, settings);
	{
		int on = 1;

		if (setsockopt(d.sock, SOL_SOCKET, SO_TIMESTAMPNS, &on,
			       sizeof(on)) < 0)
			perror("bench_notify: SO_TIMESTAMPNS (arrival is then "
			       "the time of recv)");
	}
	observe_all(&d);
	/* settle: drain for one second */
	for (uint64_t e = bench_now_us() + 1000000u; bench_now_us() < e;) {
		struct bcoap_msg m;
		size_t r = bench_recv(&d, buf, sizeof(buf), 50);

		if (r && !bcoap_parse(buf, r, &m) && m.type == BCOAP_CON)
			ack(&d, &m);
	}
	printf("bench_notify: %s: daemon pid %d, 1000 observations; %.1f s "
	       "per run; this program %s\n",
	       spread ? "spread (each resource at its own time, 10 per ms)"
		      : "burst (all 1,000 in one tick every 100 ms)",
	       (int)d.pid, seconds,
	       nap ? "naps 200 us when drained (sleep)"
		   : "blocks in poll() when drained");
	for (int n = 1; n <= 3; n++)
		run(&d, n, seconds);
	bench_daemon_stop(&d);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5.0;
	const char *shape = argc > 3 ? argv[3] : "both";

	if ((argc > 2 && strcmp(argv[2], "sleep") != 0 &&
	     strcmp(argv[2], "poll") != 0) ||
	    (strcmp(shape, "both") != 0 && strcmp(shape, "burst") != 0 &&
	     strcmp(shape, "spread") != 0)) {
		fprintf(stderr, "usage: bench_notify [SECONDS_PER_RUN "
				"[poll|sleep [burst|spread|both]]]\n");
		return 2;
	}
	nap = argc > 2 && strcmp(argv[2], "sleep") == 0;
	if (seconds <= 0)
		seconds = 5.0;
	bench_header("bench_notify",
		     "sim plugin changes 1000 observed resources at 10 Hz; "
		     "this program observes them all as the LwM2M server");
	if (strcmp(shape, "spread") != 0) {
		spread = false;
		bench_shape(seconds);
	}
	if (strcmp(shape, "burst") != 0) {
		spread = true;
		bench_shape(seconds);
	}
	free(notes);
	return 0;
}

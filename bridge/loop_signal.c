/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIGTERM, SIGINT and SIGHUP are blocked and read from a signalfd in the
 * loop, so they are handled like any other event, on the loop thread, with
 * no async-signal-safety constraints.  SIGPIPE is ignored process-wide.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "loop_priv.h"

static void on_signal(int fd, unsigned int revents, void *arg)
{
	struct loop *loop = arg;
	struct signalfd_siginfo si;

	(void)revents;
	for (;;) {
		ssize_t n = read(fd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			break; /* EAGAIN: all pending signals read */
		switch ((int)si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_msg(LOG_LVL_NOTICE, "loop", "%s received, stopping",
				si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			loop_stop(loop, 0);
			break;
		case SIGHUP:
			if (!loop->reload) {
				log_msg(LOG_LVL_INFO, "loop",
					"SIGHUP received, no reload hook");
				break;
			}
			loop->dispatched++;
			loop->reload(loop->reload_arg);
			break;
		default: break;
		}
	}
}

int loop_enable_signals(struct loop *loop, loop_reload_fn reload, void *arg)
{
	sigset_t set, old;
	struct sigaction sa;
	int fd = -1, r;

	if (loop->sigfd >= 0)
		return -EALREADY;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return -errno;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	r = -pthread_sigmask(SIG_BLOCK, &set, &old);
	if (r)
		return r;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = loop_watch_add_internal(loop, fd, on_signal, loop);
	if (r)
		goto out;
	loop->sigfd = fd;
	loop->reload = reload;
	loop->reload_arg = arg;
	return 0;
out:
	if (fd >= 0)
		close(fd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "device_actions.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define POLL_MS 200

extern char **environ;

struct devact {
	struct loop *loop;
	const char *name;
	char *command;
	devact_done_fn done;
	void *arg;
	struct loop_timer timer; /* the deferred start, then the poll */
	pid_t pid;		 /* > 0 while running */
	int pidfd;		 /* -1 without one */
	bool busy;
};

static void on_timer(struct loop *loop, struct loop_timer *t, void *arg);

struct devact *devact_new(struct loop *loop, const char *name,
			  const char *command, devact_done_fn done, void *arg)
{
	struct devact *a = calloc(1, sizeof(*a));

	if (!a)
		goto fail;
	a->loop = loop;
	a->name = name;
	a->done = done;
	a->arg = arg;
	a->pidfd = -1;
	loop_timer_init(&a->timer, on_timer, a);
	if (command && command[0] && !(a->command = strdup(command)))
		goto fail;
	return a;
fail:
	free(a);
	errno = ENOMEM;
	return NULL;
}

static void stop_watching(struct devact *a)
{
	loop_timer_disarm(a->loop, &a->timer);
	if (a->pidfd >= 0) {
		loop_watch_del(a->loop, a->pidfd);
		close(a->pidfd);
		a->pidfd = -1;
	}
}

void devact_free(struct devact *a)
{
	if (!a)
		return;
	stop_watching(a);
	free(a->command);
	free(a);
}

bool devact_configured(const struct devact *a)
{
	return a && a->command;
}

bool devact_busy(const struct devact *a)
{
	return a && a->busy;
}

static void finish(struct devact *a, int status)
{
	stop_watching(a);
	a->pid = 0;
	a->busy = false;
	if (a->done)
		a->done(a->arg, status);
}

/* Collects the child if it ended.  Returns true when it did. */
static bool reap(struct devact *a)
{
	int ws, status;
	pid_t r = waitpid(a->pid, &ws, WNOHANG);

	if (r == 0 || (r < 0 && errno == EINTR))
		return false;
	if (r < 0) {
		log_msg(LOG_LVL_WARNING, "device", "%s command: waitpid: %s",
			a->name, strerror(errno));
		finish(a, -ECHILD);
		return true;
	}
	if (WIFSIGNALED(ws)) {
		status = 128 + WTERMSIG(ws);
		log_msg(LOG_LVL_WARNING, "device",
			"%s command killed by signal %d", a->name,
			WTERMSIG(ws));
	} else {
		status = WEXITSTATUS(ws);
		if (status)
			log_msg(LOG_LVL_WARNING, "device",
				"%s command exited with status %d", a->name,
				status);
		else
			log_msg(LOG_LVL_INFO, "device", "%s command finished",
				a->name);
	}
	finish(a, status);
	return true;
}

static void on_pidfd(int fd, unsigned int revents, void *arg)
{
	(void)fd;
	(void)revents;
	reap(arg);
}

static int spawn(struct devact *a)
{
	static char sh[] = "/bin/sh", dash_c[] = "-c";
	char *argv[] = {sh, dash_c, a->command, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	int rc;

	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGPIPE);
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return -rc;
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -rc;
	}
	rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					      O_RDONLY, 0);
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
	/* libcoap's and plugins' sockets need not follow the command. */
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(
			&fa, STDERR_FILENO + 1);
#endif
#endif
	if (rc == 0)
		rc = posix_spawnattr_setflags(
			&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&at, &def);
	if (rc == 0)
		rc = posix_spawn(&a->pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -rc;
}

static void start(struct devact *a)
{
	int rc = spawn(a);

	if (rc < 0) {
		log_msg(LOG_LVL_WARNING, "device",
			"cannot run the %s command: %s", a->name,
			strerror(-rc));
		a->pid = 0;
		finish(a, rc);
		return;
	}
	log_msg(LOG_LVL_NOTICE, "device", "%s: running \"%s\" (pid %ld)",
		a->name, a->command, (long)a->pid);
#ifdef SYS_pidfd_open
	a->pidfd = (int)syscall(SYS_pidfd_open, a->pid, 0);
	if (a->pidfd >= 0 &&
	    loop_watch_add(a->loop, a->pidfd, LOOP_READ, on_pidfd, a) < 0) {
		close(a->pidfd);
		a->pidfd = -1;
	}
	if (a->pidfd >= 0)
		return;
#endif
	/* No pidfd (kernel before 5.3): poll. */
	if (loop_timer_arm(a->loop, &a->timer, POLL_MS, POLL_MS) < 0) {
		log_msg(LOG_LVL_WARNING, "device",
			"%s command: cannot watch it", a->name);
		finish(a, -ENOMEM);
	}
}

static void on_timer(struct loop *loop, struct loop_timer *t, void *arg)
{
	struct devact *a = arg;

	(void)loop;
	(void)t;
	if (a->pid > 0)
		reap(a);
	else
		start(a);
}

int devact_schedule(struct devact *a, unsigned delay_ms)
{
	int rc;

	if (!devact_configured(a))
		return -EOPNOTSUPP;
	if (a->busy) {
		log_msg(LOG_LVL_INFO, "device",
			"%s already pending: the repeated Execute is ignored",
			a->name);
		return 0;
	}
	if ((rc = loop_timer_arm(a->loop, &a->timer, delay_ms, 0)) < 0)
		return rc;
	a->busy = true;
	return 0;
}

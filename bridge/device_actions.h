/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A configured shell command run for an Execute (Reboot /3/0/4, Factory
 * Reset /3/0/5) without blocking the loop.
 *
 * devact_schedule() only arms a loop timer: the Execute is answered 2.04
 * by the caller first, and the command starts delay_ms later, so the
 * answer leaves before a reboot can take the network down.  The command
 * runs as "/bin/sh -c COMMAND" (posix_spawn), stdin from /dev/null,
 * stdout and stderr the daemon's (so its output lands in the journal),
 * with an empty signal mask and default dispositions for the signals the
 * daemon blocks or ignores (TERM, INT, HUP, PIPE), and without the
 * daemon's other file descriptors where the C library can close them
 * (glibc 2.34 and later).  Its end is watched through a pidfd in the
 * loop (Linux 5.3; older kernels: waitpid polled every 200 ms), never
 * with a blocking wait; done() then gets the outcome.
 *
 * One command at a time per struct devact: a schedule while one is
 * pending or running is accepted and ignored (the server asked for the
 * same thing again).  Loop thread only.
 */
#ifndef BRIDGE_DEVICE_ACTIONS_H
#define BRIDGE_DEVICE_ACTIONS_H

#include <stdbool.h>

#include "loop.h"

struct devact;

/*
 * The command's outcome: status is its exit status (0..255), 128 + the
 * signal number that killed it, or a negative errno when it could not be
 * started.  Called on the loop thread, after the line logged here.
 */
typedef void (*devact_done_fn)(void *arg, int status);

/*
 * A runner of command (copied; NULL or "" = none configured) on loop,
 * named name in log lines ("reboot", "factory reset"; must outlive it).
 * NULL with errno ENOMEM.
 */
struct devact *devact_new(struct loop *loop, const char *name,
			  const char *command, devact_done_fn done, void *arg);

/* Frees a (NULL is fine).  A running command goes on; its end is no
 * longer reported. */
void devact_free(struct devact *a);

/* True when a command is configured. */
bool devact_configured(const struct devact *a);

/* True from devact_schedule() until done() was called. */
bool devact_busy(const struct devact *a);

/*
 * Starts the command delay_ms from now.  Returns 0 (also when it is
 * already pending or running), -EOPNOTSUPP when no command is configured
 * (the Execute's 4.05), or -ENOMEM.
 */
int devact_schedule(struct devact *a, unsigned delay_ms);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A mock of the lwm2m-bridge daemon for unit-testing a plugin alone:
 * link the test with `pkg-config --libs lwm2m-bridge-mock`, hand the
 * plugin's descriptor to lwb_mock_start(), then drive it: advance the fake
 * clock (due timers fire), fire fd events, run posted work, and look at
 * what it published, created and logged.
 *
 * The mock keeps every published value per resource without checking it
 * against object definitions (the daemon does that); it checks everything
 * else the daemon checks: the plugin uses only its own instances, fds are
 * watched once, timers belong to the plugin, post() is thread-safe.
 * Without definitions, it accepts instances of any object but the
 * daemon's own 0-3 (-EPERM), and any value type, as long as a resource
 * keeps the type it was first given (-EPROTOTYPE).
 *
 * Single-threaded: the thread that called lwb_mock_new is "the loop
 * thread"; every function here must be called on it, except the host
 * table's post(), which any thread may call (as the real one), and
 * lwb_mock_posted_count.  Nothing here is for production use.
 *
 * After lwb_mock_stop (or a failed start), the mock removes what the
 * plugin left registered, as the daemon does: instances (whose ops and ctx
 * are gone with the plugin's state), fd watches, timers and queued work.
 * Published values, counters and log lines stay for inspection until
 * lwb_mock_free.
 */
#ifndef LWM2M_BRIDGE_MOCK_HOST_H
#define LWM2M_BRIDGE_MOCK_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lwb_mock;

/*
 * A mock host for one plugin instance named instance_name, whose settings
 * group is parsed from settings_text: the text between the braces of a
 * libconfig group, e.g. "interval_ms = 100; sensors = (\"t1\");" (NULL:
 * no settings).  Returns NULL with errno EINVAL (settings do not parse;
 * the libconfig message is printed on stderr) or ENOMEM.
 */
struct lwb_mock *lwb_mock_new(const char *instance_name,
			      const char *settings_text);
/* Calls fini if the plugin is started, then frees everything.  NULL ok. */
void lwb_mock_free(struct lwb_mock *mock);

/* The handle to give the plugin (the mock does this in lwb_mock_start). */
struct lwb_host *lwb_mock_host(struct lwb_mock *mock);

/* Checks the descriptor as the daemon does (ABI major, struct size) and
 * calls its init.  Returns init's result, -EPROTO for a descriptor the
 * daemon would refuse, or -EBUSY when already started.  After a stop the
 * plugin may be started again. */
int lwb_mock_start(struct lwb_mock *mock, const struct lwb_plugin *plugin);
/* Calls fini (once) if start succeeded. */
void lwb_mock_stop(struct lwb_mock *mock);

/* Time: the fake monotonic clock starts at 1,000,000 ms; the fake wall
 * clock (the timestamp of values published with timestamp 0) starts at
 * 1,700,000,000,000 ms since the epoch and moves with it.  advance moves
 * the clocks forward by ms and fires every timer that falls due, in
 * deadline order (equal deadlines in arming order), periodic ones as many
 * times as they fall due.  Returns how many timer callbacks ran.  A timer
 * callback may stop, re-arm or free any timer, itself included. */
uint64_t lwb_mock_now_ms(const struct lwb_mock *mock);
int lwb_mock_advance(struct lwb_mock *mock, uint64_t ms);

/* Runs work posted so far (from any thread), in order.  Returns how many
 * ran. */
int lwb_mock_run_posted(struct lwb_mock *mock);

/* Calls the callback of a watched fd as the loop would.  Returns 0, or
 * -ENOENT if fd is not watched.  lwb_mock_fd_events tells the interest
 * the plugin registered (0 if not watched). */
int lwb_mock_fire_fd(struct lwb_mock *mock, int fd, unsigned int revents);
unsigned int lwb_mock_fd_events(const struct lwb_mock *mock, int fd);

/* Instances the plugin created. */
bool lwb_mock_instance_exists(const struct lwb_mock *mock, uint16_t oid,
			      uint16_t iid);
size_t lwb_mock_instance_count(const struct lwb_mock *mock);

/*
 * The last published value of a resource (riid LWB_NO_RIID for single
 * ones).  Bytes it points at stay valid until that resource is published
 * again or the mock is freed.  Returns 0, or -ENOENT when never published.
 * timestamp_ms (may be NULL) receives the measurement time given, or the
 * mock's wall clock for 0.
 */
int lwb_mock_value(const struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		   uint16_t rid, uint16_t riid, struct lwb_value *out,
		   int64_t *timestamp_ms);
/* How many publish calls succeeded, and how many changed a value. */
uint64_t lwb_mock_publish_count(const struct lwb_mock *mock);
uint64_t lwb_mock_change_count(const struct lwb_mock *mock);

/* What a server's Read, Write, Execute would do: calls the instance's
 * callback (read: falls back to the last published value when read is
 * NULL; write/execute: -EOPNOTSUPP when NULL).  For read, out->type must be
 * set by the caller to the resource's type.  As in the daemon, a value
 * read or written successfully becomes the resource's last value (read's
 * *out then points at the mock's copy, valid as lwb_mock_value's).
 * Returns the callback's result (-EINVAL if it returned a positive
 * number), or -ENOENT for an instance the plugin did not create. */
int lwb_mock_read(struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		  uint16_t rid, uint16_t riid, struct lwb_value *out);
int lwb_mock_write(struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		   uint16_t rid, uint16_t riid, const struct lwb_value *value);
int lwb_mock_execute(struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		     uint16_t rid, const char *args, size_t args_len);

/* Log lines the plugin wrote, formatted as "level: text".  line returns
 * NULL past the end; contains tells whether any line has substr. */
size_t lwb_mock_log_count(const struct lwb_mock *mock);
const char *lwb_mock_log_line(const struct lwb_mock *mock, size_t i);
bool lwb_mock_log_contains(const struct lwb_mock *mock, const char *substr);

/*
 * Error injection, to test a plugin's error paths: after `skip` more
 * successful calls of the host function named func ("instance_create",
 * "instance_remove", "publish", "fd_watch", "fd_modify", "fd_unwatch",
 * "timer_new", "timer_start", "post"), the next call fails with err (a
 * negative errno; timer_new returns NULL with errno -err) without doing
 * anything.  Each request fires once.  Returns 0, -EINVAL (unknown func,
 * err >= 0) or -ENOMEM.
 */
int lwb_mock_fail(struct lwb_mock *mock, const char *func, unsigned int skip,
		  int err);

/*
 * How many times the plugin broke a rule of the host API that the daemon
 * would refuse or that would crash it: a host function other than post
 * called off the loop thread, a timer that is not its own,
 * a callback argument NULL, a publish of a resource in another type than
 * before, and so on.  Each is also described on stderr.  A good plugin
 * test asserts this is 0 at the end.
 */
uint64_t lwb_mock_misuse_count(const struct lwb_mock *mock);

/* Timers the plugin holds (created and not freed), and how many of them
 * are armed. */
size_t lwb_mock_timer_count(const struct lwb_mock *mock);
size_t lwb_mock_timer_armed_count(const struct lwb_mock *mock);

/* How many registrations (instances, fd watches, timers) the plugin
 * still held when its fini returned or its init failed, which the mock
 * then removed, as the daemon does.  Leaving them is allowed; a plugin
 * that releases everything itself can assert 0. */
size_t lwb_mock_leftover_count(const struct lwb_mock *mock);

/* Work posted and not run yet (thread-safe). */
size_t lwb_mock_posted_count(struct lwb_mock *mock);

#ifdef __cplusplus
}
#endif

#endif

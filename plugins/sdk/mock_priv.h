/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the mock host, shared by its source files only.
 */
#ifndef LWB_MOCK_PRIV_H
#define LWB_MOCK_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "lwm2m-bridge/mock_host.h"

/* The clocks' starting points (documented in mock_host.h). */
#define MOCK_START_MS	   1000000u
#define MOCK_WALL_START_MS INT64_C(1700000000000)

struct lwb_timer {
	struct lwb_mock *mock;
	struct lwb_timer *next; /* the mock's list of live timers */
	lwb_timer_fn cb;
	void *arg;
	uint64_t deadline;
	uint64_t period;
	uint64_t seq; /* arming order: ties fire in it */
	bool armed;
	bool running; /* its callback is on the stack */
	bool dead;    /* freed while running: free() after the callback */
};

struct mock_fd {
	int fd;
	unsigned int events;
	lwb_fd_fn cb;
	void *arg;
};

struct mock_instance {
	uint16_t oid;
	uint16_t iid;
	const struct lwb_instance_ops *ops;
	void *ctx;
};

struct mock_value {
	uint16_t oid, iid, rid, riid;
	struct lwb_value value; /* bytes point at copy */
	void *copy;		/* owned copy of STRING/OPAQUE/CORELNK */
	int64_t timestamp_ms;
};

struct mock_work {
	struct mock_work *next;
	lwb_work_fn fn;
	void *arg;
};

struct mock_fail {
	char *func;
	unsigned int skip;
	int err;
};

struct lwb_mock {
	struct lwb_host host; /* first: the plugin's handle is &mock->host */
	char *name;
	pthread_t loop_thread;

	config_t cfg;
	const config_setting_t *settings;

	const struct lwb_plugin *plugin;
	void *state;
	bool started;

	uint64_t now;
	uint64_t timer_seq;
	struct lwb_timer *timers;

	struct mock_fd *fds;
	size_t n_fds;

	struct mock_instance *instances;
	size_t n_instances;

	struct mock_value *values;
	size_t n_values;
	uint64_t publishes;
	uint64_t changes;

	char **logs;
	size_t n_logs;

	pthread_mutex_t post_lock;
	struct mock_work *work_head, *work_tail;

	struct mock_fail *fails;
	size_t n_fails;
	uint64_t misuses;
	size_t leftovers;
};

/* mock_host.c */
struct lwb_mock *mock_of(struct lwb_host *host);
/* Counts and reports (stderr) a use of the host API the daemon would
 * refuse or that breaks its rules. */
void mock_misuse(struct lwb_mock *mock, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* True when the test asked this call of func to fail; *err is the error. */
bool mock_should_fail(struct lwb_mock *mock, const char *func, int *err);
/* Grows the array *arrayp of *n elements of size bytes by one zeroed
 * element; returns it, or NULL (the array unchanged). */
void *mock_grow(void *arrayp, size_t *n, size_t size);
/* Checks (and reports) that a loop-thread-only function runs there. */
void mock_check_thread(struct lwb_mock *mock, const char *func);

/* mock_loop.c */
int mock_fd_watch(struct lwb_host *host, int fd, unsigned int events,
		  lwb_fd_fn cb, void *arg);
int mock_fd_modify(struct lwb_host *host, int fd, unsigned int events);
int mock_fd_unwatch(struct lwb_host *host, int fd);
int mock_post(struct lwb_host *host, lwb_work_fn fn, void *arg);
/* Frees queued work without running it. */
void mock_drop_posted(struct lwb_mock *mock);

/* mock_timer.c */
struct lwb_timer *mock_timer_new(struct lwb_host *host, lwb_timer_fn cb,
				 void *arg);
int mock_timer_start(struct lwb_host *host, struct lwb_timer *timer,
		     uint64_t delay_ms, uint64_t period_ms);
void mock_timer_stop(struct lwb_host *host, struct lwb_timer *timer);
void mock_timer_free(struct lwb_host *host, struct lwb_timer *timer);
uint64_t mock_now_ms(struct lwb_host *host);
void mock_timers_clear(struct lwb_mock *mock);

/* mock_value.c */
int mock_publish(struct lwb_host *host, uint16_t oid, uint16_t iid,
		 uint16_t rid, uint16_t riid, const struct lwb_value *value,
		 int64_t timestamp_ms);
/* Stores a value as the last one (deep copy); 1 changed, 0 same, or a
 * negative errno. */
int mock_store(struct lwb_mock *mock, uint16_t oid, uint16_t iid, uint16_t rid,
	       uint16_t riid, const struct lwb_value *value,
	       int64_t timestamp_ms);
struct mock_value *mock_find_value(const struct lwb_mock *mock, uint16_t oid,
				   uint16_t iid, uint16_t rid, uint16_t riid);
/* Drops the values of one instance. */
void mock_values_drop(struct lwb_mock *mock, uint16_t oid, uint16_t iid);
void mock_values_clear(struct lwb_mock *mock);
struct mock_instance *mock_find_instance(const struct lwb_mock *mock,
					 uint16_t oid, uint16_t iid);

#endif

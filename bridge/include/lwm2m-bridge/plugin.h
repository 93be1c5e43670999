/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lwm2m-bridge plugin ABI, version 1.
 *
 * A plugin is a shared object that exports exactly one symbol: a
 * `const struct lwb_plugin lwb_plugin` (write it with LWB_PLUGIN_DEFINE).
 * It links against nothing in the daemon: everything the daemon offers
 * arrives as the table of functions in host->api.
 *
 * Lifecycle, for each configured instance of a plugin (the same .so may be
 * configured several times, e.g. two Modbus buses; each configured
 * instance gets its own host handle and its own state):
 *   1. the daemon dlopen()s the file and checks lwb_plugin.abi_major and
 *      lwb_plugin.struct_size;
 *   2. it calls init(host, &state) on the loop thread;
 *   3. the plugin creates object instances, publishes values, watches fds,
 *      arms timers; the daemon calls its instance callbacks on the loop
 *      thread;
 *   4. at shutdown it calls fini(state); then (also when init failed, in
 *      which case fini is not called) it removes everything the plugin
 *      still has registered (instances, fd watches, timers, queued posts)
 *      and dlclose()s it.
 *
 * Threads: every host function must be called on the loop thread (from
 * init, or from a callback the daemon made), except host->api->post(),
 * which any thread may call.  Callbacks from the daemon run on the loop
 * thread and must not block: slow I/O belongs on a worker thread of the
 * plugin, whose results come back through post().
 *
 * Errors: host functions return 0 (or a non-negative result) or a negative
 * errno.  Plugin callbacks return 0 or a negative errno, which the daemon
 * maps to a CoAP answer: -ENOENT 4.04 Not Found, -EINVAL 4.00 Bad Request,
 * -EPERM / -EACCES 4.01 Unauthorized, -EOPNOTSUPP 4.05 Method Not Allowed,
 * -EPROTOTYPE / -ERANGE 4.00 (a value the object definition refuses),
 * anything else (-EIO, -ETIMEDOUT, ...) 5.00 Internal Server Error.  (On
 * Linux ENOTSUP and EOPNOTSUPP are one value: both mean 4.05.)
 *
 * Compatibility: abi_major changes when anything here changes
 * incompatibly; the daemon refuses a plugin built for another major.
 * abi_minor grows when functions are appended to the host table or fields
 * to the end of a struct; the structs that cross between the two sides
 * carry their size (struct_size) so either side can tell what the other
 * knows.  A plugin may check
 * host->api->struct_size before using a function added in a later minor.
 */
#ifndef LWM2M_BRIDGE_PLUGIN_H
#define LWM2M_BRIDGE_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/value.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LWB_ABI_MAJOR 1
#define LWB_ABI_MINOR 0

/* The name of the one exported symbol. */
#define LWB_PLUGIN_SYMBOL "lwb_plugin"

/* A resource instance id meaning "this is a single-instance resource". */
#define LWB_NO_RIID 0xFFFFu
/* An instance id meaning "the lowest free id" (instance_create). */
#define LWB_ANY_IID 0xFFFFu

/* Log levels (syslog's numbers). */
enum lwb_log_level {
	LWB_LOG_ERR = 3,
	LWB_LOG_WARNING = 4,
	LWB_LOG_NOTICE = 5,
	LWB_LOG_INFO = 6,
	LWB_LOG_DEBUG = 7,
};

/* fd watch interest and readiness bits. */
#define LWB_FD_READ   0x1u
#define LWB_FD_WRITE  0x2u
#define LWB_FD_ERROR  0x4u /* reported only */
#define LWB_FD_HANGUP 0x8u /* reported only */

struct lwb_host;
struct lwb_timer;
/* libconfig's setting type: a plugin that reads its settings includes
 * <libconfig.h> (pkg-config's Requires.private brings it). */
struct config_setting_t;

/*
 * Callbacks of one object instance a plugin created.  Any of them may be
 * NULL, meaning "not supported": the daemon answers 4.05 Method Not
 * Allowed, except for read, where NULL means "serve the last published
 * value" (the usual case for sensors that publish on their own).
 * ctx is the pointer given to instance_create.  riid is LWB_NO_RIID for a
 * single-instance resource.
 */
struct lwb_instance_ops {
	uint32_t struct_size; /* sizeof(struct lwb_instance_ops) */
	/*
	 * Read the current value of one resource into *out, whose type is
	 * the resource's type (the daemon sets out->type before the call).
	 * Bytes that out points at (strings, opaque) need only stay valid
	 * until the plugin's next return to the daemon's loop; the daemon
	 * copies them at once.  The value read is stored as the resource's
	 * last value, as if published.  It may publish other resources
	 * meanwhile (e.g. a Max Measured Value the new reading raised).
	 * Return 0 or a negative errno (-ENOENT for a resource this instance
	 * does not have).
	 */
	int (*read)(void *ctx, uint16_t rid, uint16_t riid,
		    struct lwb_value *out);
	/*
	 * A server writes a value, already checked against the object
	 * definition (type, range).  The plugin applies it to the hardware
	 * and returns 0, after which the daemon stores it as the last value;
	 * or a negative errno, and the old value stays.
	 */
	int (*write)(void *ctx, uint16_t rid, uint16_t riid,
		     const struct lwb_value *value);
	/*
	 * A server executes a resource.  args is the Execute payload (LwM2M
	 * argument syntax, already validated), args_len bytes, not
	 * NUL-terminated, valid during the call; args_len 0 means none.
	 */
	int (*execute)(void *ctx, uint16_t rid, const char *args,
		       size_t args_len);
};

/* The sizes of ABI 1.0's structs: what a 1.0 plugin has, whatever minor
 * version the daemon is.  A daemon accepts any struct_size from these up
 * and reads only the fields a struct_size covers. */
#define LWB_INSTANCE_OPS_V1_0_SIZE                                             \
	(offsetof(struct lwb_instance_ops, execute) +                          \
	 sizeof(((struct lwb_instance_ops *)0)->execute))

typedef void (*lwb_fd_fn)(int fd, unsigned int revents, void *arg);
typedef void (*lwb_timer_fn)(struct lwb_timer *timer, void *arg);
typedef void (*lwb_work_fn)(void *arg);

/*
 * The functions the daemon offers.  Every function takes the host handle
 * the plugin was given; all run on the loop thread except post().
 */
struct lwb_host_api {
	uint32_t abi_major;   /* LWB_ABI_MAJOR of the daemon */
	uint32_t abi_minor;   /* LWB_ABI_MINOR of the daemon */
	uint32_t struct_size; /* sizeof(struct lwb_host_api) of the daemon */

	/* A log line tagged with the plugin instance's name.  No newline
	 * needed.  Never log secrets. */
	void (*log)(struct lwb_host *host, enum lwb_log_level level,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
	void (*vlog)(struct lwb_host *host, enum lwb_log_level level,
		     const char *fmt, va_list ap)
		__attribute__((format(printf, 3, 0)));

	/* The configured instance name ("name" in the plugins list). Valid
	 * until fini returns. */
	const char *(*instance_name)(struct lwb_host *host);
	/* The instance's "settings" group, or NULL when the configuration
	 * has none.  Read it with libconfig's config_setting_* functions;
	 * valid until fini returns. */
	const struct config_setting_t *(*settings)(struct lwb_host *host);

	/*
	 * Creates instance iid (LWB_ANY_IID: the lowest free id) of object
	 * oid, which must be defined (an OMA DDF file the daemon loaded).
	 * ops (may be NULL: all defaults) and ctx must stay valid until the
	 * instance is removed.  Returns the instance id, or -ENOENT (object
	 * not defined), -EEXIST (taken, also by another plugin), -EPERM
	 * (second instance of a single-instance object, or a core object
	 * 0-2 the daemon owns), -EINVAL (iid 65535 given explicitly, or
	 * ops->struct_size smaller than ABI 1.0's struct lwb_instance_ops).
	 * Multiple-instance resources: publish each resource instance once;
	 * a read callback is then asked for exactly those instances.
	 */
	int (*instance_create)(struct lwb_host *host, uint16_t oid,
			       uint16_t iid, const struct lwb_instance_ops *ops,
			       void *ctx);
	/* Removes an instance this plugin created, with its values.
	 * Returns 0, -ENOENT, or -EPERM (another plugin's instance). */
	int (*instance_remove)(struct lwb_host *host, uint16_t oid,
			       uint16_t iid);

	/*
	 * Publishes the current value of a resource (riid LWB_NO_RIID) or
	 * resource instance of an instance this plugin created.  The daemon
	 * copies the value, checks it against the definition, and keeps it
	 * with its measurement time (timestamp_ms: milliseconds since the
	 * Unix epoch, 0 = now).  Publishing an unchanged value is cheap (no
	 * allocation, no notification).  Returns 1 if the value changed, 0 if
	 * it was the same, or -ENOENT (no such instance or resource),
	 * -EPERM (not this plugin's instance), -EPROTOTYPE (wrong type),
	 * -ERANGE (outside the definition's range), -EINVAL (value NULL, an
	 * id of 65535, a riid on a single resource or none on a multiple
	 * one), -ENOMEM.
	 */
	int (*publish)(struct lwb_host *host, uint16_t oid, uint16_t iid,
		       uint16_t rid, uint16_t riid,
		       const struct lwb_value *value, int64_t timestamp_ms);

	/*
	 * fd watches on the daemon's loop (level-triggered).  The fd stays
	 * the plugin's: unwatch it before closing it.  Returns 0, -EEXIST
	 * (already watched), -ENOENT (modify/unwatch of an fd not watched),
	 * -EINVAL, or another negative errno from epoll.
	 */
	int (*fd_watch)(struct lwb_host *host, int fd, unsigned int events,
			lwb_fd_fn cb, void *arg);
	int (*fd_modify)(struct lwb_host *host, int fd, unsigned int events);
	int (*fd_unwatch)(struct lwb_host *host, int fd);

	/*
	 * Timers on the daemon's monotonic clock.  timer_new returns a timer
	 * (not armed) or NULL with errno ENOMEM; the daemon owns it until
	 * timer_free (which disarms it; safe from inside its own callback).
	 * timer_start arms it to fire after delay_ms, then every period_ms
	 * (0: once); re-arming an armed timer reschedules it.  timer_start
	 * returns 0, -EINVAL for NULL or another instance's timer, or
	 * -ENOMEM.
	 */
	struct lwb_timer *(*timer_new)(struct lwb_host *host, lwb_timer_fn cb,
				       void *arg);
	int (*timer_start)(struct lwb_host *host, struct lwb_timer *timer,
			   uint64_t delay_ms, uint64_t period_ms);
	void (*timer_stop)(struct lwb_host *host, struct lwb_timer *timer);
	void (*timer_free)(struct lwb_host *host, struct lwb_timer *timer);
	/* The loop's monotonic clock, in milliseconds. */
	uint64_t (*now_ms)(struct lwb_host *host);

	/*
	 * Thread-safe: runs fn(arg) on the loop thread soon, in posting
	 * order.  arg stays the caller's (the daemon never frees it).  Work
	 * still queued when the plugin is unloaded is dropped without being
	 * run: a plugin's fini must stop its threads first.  Returns 0 or
	 * -ENOMEM.
	 */
	int (*post)(struct lwb_host *host, lwb_work_fn fn, void *arg);
};

/* The handle of one configured plugin instance.  The daemon owns it; it is
 * valid from init until fini returns. */
struct lwb_host {
	const struct lwb_host_api *api;
};

/* The descriptor every plugin exports as `lwb_plugin`.  Like every struct
 * here, it may grow at its end in a later minor version; its struct_size
 * tells how much of it the plugin has. */
struct lwb_plugin {
	uint32_t abi_major;   /* LWB_ABI_MAJOR the plugin was built with */
	uint32_t abi_minor;   /* LWB_ABI_MINOR the plugin was built with */
	uint32_t struct_size; /* sizeof(struct lwb_plugin) when built */
	const char *name;     /* e.g. "sim"; letters, digits, '_' and '-' */
	const char *version;  /* the plugin's own version, e.g. "1.0.0" */
	const char *description; /* one line, may be NULL */
	/*
	 * Sets the instance up: reads host->api->settings(host), creates
	 * object instances, starts watches and timers.  Stores whatever it
	 * needs later in *state (passed back to fini).  Returns 0, or a
	 * negative errno after logging why; the daemon then removes what
	 * the plugin registered and does not call fini.
	 */
	int (*init)(struct lwb_host *host, void **state);
	/* Stops threads, frees state.  Called once, on the loop thread. */
	void (*fini)(void *state);
};

#define LWB_PLUGIN_V1_0_SIZE                                                   \
	(offsetof(struct lwb_plugin, fini) + sizeof(((struct lwb_plugin *)0)->fini))

#if defined(__GNUC__)
#define LWB_EXPORT __attribute__((visibility("default")))
#else
#define LWB_EXPORT
#endif

/* Defines the descriptor; the arguments are designated initialisers of the
 * remaining fields: LWB_PLUGIN_DEFINE(.name = "sim", .version = "1.0",
 * .init = sim_init, .fini = sim_fini); */
#define LWB_PLUGIN_DEFINE(...)                                                 \
	LWB_EXPORT extern const struct lwb_plugin lwb_plugin;                  \
	LWB_EXPORT const struct lwb_plugin lwb_plugin = {                      \
		.abi_major = LWB_ABI_MAJOR,                                    \
		.abi_minor = LWB_ABI_MINOR,                                    \
		.struct_size = sizeof(struct lwb_plugin),                      \
		__VA_ARGS__}

/* Shorthands for the common calls. */
static inline int lwb_publish(struct lwb_host *h, uint16_t oid, uint16_t iid,
			      uint16_t rid, const struct lwb_value *v)
{
	return h->api->publish(h, oid, iid, rid, LWB_NO_RIID, v, 0);
}

static inline int lwb_publish_float(struct lwb_host *h, uint16_t oid,
				    uint16_t iid, uint16_t rid, double f)
{
	struct lwb_value v = { .type = LWB_TYPE_FLOAT, .v.f = f };

	return lwb_publish(h, oid, iid, rid, &v);
}

static inline int lwb_publish_int(struct lwb_host *h, uint16_t oid,
				  uint16_t iid, uint16_t rid, int64_t i)
{
	struct lwb_value v = { .type = LWB_TYPE_INTEGER, .v.i = i };

	return lwb_publish(h, oid, iid, rid, &v);
}

static inline int lwb_publish_bool(struct lwb_host *h, uint16_t oid,
				   uint16_t iid, uint16_t rid, int b)
{
	struct lwb_value v = { .type = LWB_TYPE_BOOLEAN, .v.b = b != 0 };

	return lwb_publish(h, oid, iid, rid, &v);
}

static inline int lwb_publish_string(struct lwb_host *h, uint16_t oid,
				     uint16_t iid, uint16_t rid,
				     const char *s, size_t len)
{
	struct lwb_value v = { .type = LWB_TYPE_STRING, .v.bytes = { s, len } };

	return lwb_publish(h, oid, iid, rid, &v);
}

#ifdef __cplusplus
}
#endif

#endif

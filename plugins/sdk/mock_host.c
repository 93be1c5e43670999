/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mock host: lifecycle, the host table, logging, settings, instances
 * and what a server would do with them.  Timers live in mock_timer.c, the
 * value store in mock_value.c, fd watches and posted work in mock_loop.c.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_priv.h"

static const char *const fail_names[] = {
	"instance_create", "instance_remove", "publish",
	"fd_watch",	   "fd_modify",	      "fd_unwatch",
	"timer_new",	   "timer_start",     "post",
};

static const struct lwb_host_api mock_api;

struct lwb_mock *mock_of(struct lwb_host *host)
{
	/* host is the first member, so the handle is the mock itself. */
	return (struct lwb_mock *)host;
}

void mock_misuse(struct lwb_mock *mock, const char *fmt, ...)
{
	va_list ap;

	mock->misuses++;
	fputs("lwb_mock: plugin misuse: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void mock_check_thread(struct lwb_mock *mock, const char *func)
{
	if (!pthread_equal(pthread_self(), mock->loop_thread))
		mock_misuse(mock, "%s called off the loop thread", func);
}

bool mock_should_fail(struct lwb_mock *mock, const char *func, int *err)
{
	bool fail = false;

	/* Locked: post() consults the list from any thread. */
	pthread_mutex_lock(&mock->post_lock);
	for (size_t i = 0; i < mock->n_fails; i++) {
		struct mock_fail *f = &mock->fails[i];

		if (strcmp(f->func, func) != 0)
			continue;
		if (f->skip > 0) {
			f->skip--;
			break;
		}
		*err = f->err;
		free(f->func);
		mock->fails[i] = mock->fails[--mock->n_fails];
		fail = true;
		break;
	}
	pthread_mutex_unlock(&mock->post_lock);
	return fail;
}

void *mock_grow(void *arrayp, size_t *n, size_t size)
{
	void **array = arrayp;
	char *p = realloc(*array, (*n + 1) * size);

	if (!p)
		return NULL;
	*array = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

/* ---- logging ------------------------------------------------------ */

static const char *level_name(enum lwb_log_level level)
{
	switch (level) {
	case LWB_LOG_ERR: return "err";
	case LWB_LOG_WARNING: return "warning";
	case LWB_LOG_NOTICE: return "notice";
	case LWB_LOG_INFO: return "info";
	case LWB_LOG_DEBUG: return "debug";
	}
	return "?";
}

static void mock_vlog(struct lwb_host *host, enum lwb_log_level level,
		      const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void mock_log(struct lwb_host *host, enum lwb_log_level level,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void mock_vlog(struct lwb_host *host, enum lwb_log_level level,
		      const char *fmt, va_list ap)
{
	struct lwb_mock *mock = mock_of(host);
	const char *lvl = level_name(level);
	char **slot;
	char *line = NULL;
	va_list aq;
	int n;

	mock_check_thread(mock, "log");
	if (!fmt) {
		mock_misuse(mock, "log with a NULL format");
		return;
	}
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	line = malloc(strlen(lvl) + 2 + (size_t)n + 1);
	if (!line)
		return;
	n = sprintf(line, "%s: ", lvl);
	vsprintf(line + n, fmt, ap);
	slot = mock_grow(&mock->logs, &mock->n_logs, sizeof(*mock->logs));
	if (!slot) {
		free(line);
		return;
	}
	*slot = line;
	if (getenv("LWB_MOCK_VERBOSE"))
		fprintf(stderr, "%s: %s\n", mock->name, line);
}

static void mock_log(struct lwb_host *host, enum lwb_log_level level,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mock_vlog(host, level, fmt, ap);
	va_end(ap);
}

size_t lwb_mock_log_count(const struct lwb_mock *mock)
{
	return mock->n_logs;
}

const char *lwb_mock_log_line(const struct lwb_mock *mock, size_t i)
{
	return i < mock->n_logs ? mock->logs[i] : NULL;
}

bool lwb_mock_log_contains(const struct lwb_mock *mock, const char *substr)
{
	for (size_t i = 0; i < mock->n_logs; i++)
		if (strstr(mock->logs[i], substr))
			return true;
	return false;
}

/* ---- identity and settings ------------------------------------------ */

static const char *mock_instance_name(struct lwb_host *host)
{
	mock_check_thread(mock_of(host), "instance_name");
	return mock_of(host)->name;
}

static const struct config_setting_t *mock_settings(struct lwb_host *host)
{
	mock_check_thread(mock_of(host), "settings");
	return mock_of(host)->settings;
}

/* Parses "settings = { TEXT\n};" so the plugin gets a real group, with
 * the same types and errors as from the daemon's configuration file; TEXT
 * starts on line 1, so line numbers libconfig reports are the test's. */
static int parse_settings(struct lwb_mock *mock, const char *text)
{
	static const char head[] = "settings = { ", tail[] = "\n};\n";
	size_t len = strlen(text);
	char *doc = malloc(sizeof(head) + len + sizeof(tail));
	int ret = 0;

	if (!doc)
		return -ENOMEM;
	memcpy(doc, head, sizeof(head) - 1);
	memcpy(doc + sizeof(head) - 1, text, len);
	memcpy(doc + sizeof(head) - 1 + len, tail, sizeof(tail));
	if (config_read_string(&mock->cfg, doc) != CONFIG_TRUE) {
		fprintf(stderr, "lwb_mock: settings line %d: %s\n",
			config_error_line(&mock->cfg),
			config_error_text(&mock->cfg));
		ret = -EINVAL;
		goto out;
	}
	mock->settings = config_lookup(&mock->cfg, "settings");
	/* Text such as "}; x = {" closes our group early. */
	if (!mock->settings || !config_setting_is_group(mock->settings) ||
	    config_setting_length(config_root_setting(&mock->cfg)) != 1)
		ret = -EINVAL;
out:
	free(doc);
	return ret;
}

/* ---- lifecycle ------------------------------------------------------ */

struct lwb_mock *lwb_mock_new(const char *instance_name,
			      const char *settings_text)
{
	struct lwb_mock *mock;
	int err;

	if (!instance_name) {
		errno = EINVAL;
		return NULL;
	}
	mock = calloc(1, sizeof(*mock));
	if (!mock)
		goto nomem;
	mock->host.api = &mock_api;
	mock->loop_thread = pthread_self();
	mock->now = MOCK_START_MS;
	config_init(&mock->cfg);
	pthread_mutex_init(&mock->post_lock, NULL);
	mock->name = strdup(instance_name);
	if (!mock->name)
		goto nomem;
	if (settings_text) {
		err = parse_settings(mock, settings_text);
		if (err < 0) {
			lwb_mock_free(mock);
			errno = -err;
			return NULL;
		}
	}
	return mock;
nomem:
	lwb_mock_free(mock);
	errno = ENOMEM;
	return NULL;
}

struct lwb_host *lwb_mock_host(struct lwb_mock *mock)
{
	return &mock->host;
}

/* What the daemon does after fini or a failed init. */
static void remove_leftovers(struct lwb_mock *mock)
{
	mock->leftovers =
		mock->n_instances + mock->n_fds + lwb_mock_timer_count(mock);
	free(mock->instances);
	mock->instances = NULL;
	mock->n_instances = 0;
	free(mock->fds);
	mock->fds = NULL;
	mock->n_fds = 0;
	mock_timers_clear(mock);
	mock_drop_posted(mock);
}

int lwb_mock_start(struct lwb_mock *mock, const struct lwb_plugin *plugin)
{
	int ret;

	if (mock->started)
		return -EBUSY;
	if (!plugin || plugin->abi_major != LWB_ABI_MAJOR ||
	    plugin->struct_size < LWB_PLUGIN_V1_0_SIZE || !plugin->init ||
	    !plugin->name)
		return -EPROTO;
	mock->plugin = plugin;
	mock->state = NULL;
	ret = plugin->init(&mock->host, &mock->state);
	if (ret > 0) {
		mock_misuse(mock, "init returned %d, not 0 or -errno", ret);
		ret = -EINVAL;
	}
	if (ret < 0) {
		remove_leftovers(mock);
		return ret;
	}
	mock->started = true;
	return 0;
}

void lwb_mock_stop(struct lwb_mock *mock)
{
	if (!mock || !mock->started)
		return;
	mock->started = false;
	if (mock->plugin->fini)
		mock->plugin->fini(mock->state);
	mock->state = NULL;
	remove_leftovers(mock);
}

void lwb_mock_free(struct lwb_mock *mock)
{
	if (!mock)
		return;
	lwb_mock_stop(mock);
	remove_leftovers(mock);
	mock_values_clear(mock);
	for (size_t i = 0; i < mock->n_logs; i++)
		free(mock->logs[i]);
	free(mock->logs);
	for (size_t i = 0; i < mock->n_fails; i++)
		free(mock->fails[i].func);
	free(mock->fails);
	config_destroy(&mock->cfg);
	pthread_mutex_destroy(&mock->post_lock);
	free(mock->name);
	free(mock);
}

int lwb_mock_fail(struct lwb_mock *mock, const char *func, unsigned int skip,
		  int err)
{
	struct mock_fail *f;
	bool known = false;

	for (size_t i = 0; func && i < sizeof(fail_names) / sizeof(*fail_names);
	     i++)
		known = known || strcmp(func, fail_names[i]) == 0;
	if (!known || err >= 0)
		return -EINVAL;
	pthread_mutex_lock(&mock->post_lock);
	f = mock_grow(&mock->fails, &mock->n_fails, sizeof(*mock->fails));
	if (f) {
		f->func = strdup(func);
		if (!f->func)
			mock->n_fails--;
		f->skip = skip;
		f->err = err;
	}
	pthread_mutex_unlock(&mock->post_lock);
	return f && f->func ? 0 : -ENOMEM;
}

size_t lwb_mock_leftover_count(const struct lwb_mock *mock)
{
	return mock->leftovers;
}

uint64_t lwb_mock_misuse_count(const struct lwb_mock *mock)
{
	return mock->misuses;
}

/* ---- instances ------------------------------------------------------ */

struct mock_instance *mock_find_instance(const struct lwb_mock *mock,
					 uint16_t oid, uint16_t iid)
{
	for (size_t i = 0; i < mock->n_instances; i++)
		if (mock->instances[i].oid == oid &&
		    mock->instances[i].iid == iid)
			return &mock->instances[i];
	return NULL;
}

static int mock_instance_create(struct lwb_host *host, uint16_t oid,
				uint16_t iid,
				const struct lwb_instance_ops *ops, void *ctx)
{
	struct lwb_mock *mock = mock_of(host);
	struct mock_instance *in;
	int err;

	mock_check_thread(mock, "instance_create");
	if (mock_should_fail(mock, "instance_create", &err))
		return err;
	if (oid == 0xFFFF)
		return -EINVAL;
	if (ops && ops->struct_size < LWB_INSTANCE_OPS_V1_0_SIZE) {
		mock_misuse(mock, "instance_create with ops->struct_size %u",
			    (unsigned int)ops->struct_size);
		return -EINVAL;
	}
	/* 0-2 are the daemon's own; so is the single Device instance /3/0
	 * (taken: -EEXIST, as the daemon answers; /3/1 breaks the
	 * single-instance rule: -EPERM). */
	if (oid <= 2 || (oid == 3 && iid != 0))
		return -EPERM;
	if (oid == 3)
		return -EEXIST;
	if (iid == LWB_ANY_IID) {
		for (iid = 0; iid < LWB_ANY_IID; iid++)
			if (!mock_find_instance(mock, oid, iid))
				break;
		if (iid == LWB_ANY_IID)
			return -ENOSPC;
	} else if (mock_find_instance(mock, oid, iid)) {
		return -EEXIST;
	}
	in = mock_grow(&mock->instances, &mock->n_instances,
		       sizeof(*mock->instances));
	if (!in)
		return -ENOMEM;
	in->oid = oid;
	in->iid = iid;
	in->ops = ops;
	in->ctx = ctx;
	return iid;
}

static int mock_instance_remove(struct lwb_host *host, uint16_t oid,
				uint16_t iid)
{
	struct lwb_mock *mock = mock_of(host);
	struct mock_instance *in;
	int err;

	mock_check_thread(mock, "instance_remove");
	if (mock_should_fail(mock, "instance_remove", &err))
		return err;
	in = mock_find_instance(mock, oid, iid);
	if (!in)
		return -ENOENT;
	*in = mock->instances[--mock->n_instances];
	mock_values_drop(mock, oid, iid);
	return 0;
}

bool lwb_mock_instance_exists(const struct lwb_mock *mock, uint16_t oid,
			      uint16_t iid)
{
	return mock_find_instance(mock, oid, iid) != NULL;
}

size_t lwb_mock_instance_count(const struct lwb_mock *mock)
{
	return mock->n_instances;
}

/* ---- what a server would do ----------------------------------------- */

int lwb_mock_read(struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		  uint16_t rid, uint16_t riid, struct lwb_value *out)
{
	const struct mock_instance *in = mock_find_instance(mock, oid, iid);
	const struct mock_value *v;
	int ret;

	if (!in)
		return -ENOENT;
	if (in->ops && in->ops->read) {
		ret = in->ops->read(in->ctx, rid, riid, out);
		if (ret != 0)
			return ret > 0 ? -EINVAL : ret;
		/* As the daemon: the value read becomes the last value, and
		 * the plugin's bytes are only lent until it returns. */
		ret = mock_store(mock, oid, iid, rid, riid, out, 0);
		if (ret < 0)
			return ret;
	}
	v = mock_find_value(mock, oid, iid, rid, riid);
	if (!v)
		return -ENOENT;
	*out = v->value;
	return 0;
}

int lwb_mock_write(struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		   uint16_t rid, uint16_t riid, const struct lwb_value *value)
{
	const struct mock_instance *in = mock_find_instance(mock, oid, iid);
	int ret;

	if (!in)
		return -ENOENT;
	if (!in->ops || !in->ops->write)
		return -EOPNOTSUPP;
	ret = in->ops->write(in->ctx, rid, riid, value);
	if (ret != 0)
		return ret > 0 ? -EINVAL : ret;
	ret = mock_store(mock, oid, iid, rid, riid, value, 0);
	return ret < 0 ? ret : 0;
}

int lwb_mock_execute(struct lwb_mock *mock, uint16_t oid, uint16_t iid,
		     uint16_t rid, const char *args, size_t args_len)
{
	const struct mock_instance *in = mock_find_instance(mock, oid, iid);
	int ret;

	if (!in)
		return -ENOENT;
	if (!in->ops || !in->ops->execute)
		return -EOPNOTSUPP;
	ret = in->ops->execute(in->ctx, rid, args, args_len);
	return ret > 0 ? -EINVAL : ret;
}

static const struct lwb_host_api mock_api = {
	.abi_major = LWB_ABI_MAJOR,
	.abi_minor = LWB_ABI_MINOR,
	.struct_size = sizeof(struct lwb_host_api),
	.log = mock_log,
	.vlog = mock_vlog,
	.instance_name = mock_instance_name,
	.settings = mock_settings,
	.instance_create = mock_instance_create,
	.instance_remove = mock_instance_remove,
	.publish = mock_publish,
	.fd_watch = mock_fd_watch,
	.fd_modify = mock_fd_modify,
	.fd_unwatch = mock_fd_unwatch,
	.timer_new = mock_timer_new,
	.timer_start = mock_timer_start,
	.timer_stop = mock_timer_stop,
	.timer_free = mock_timer_free,
	.now_ms = mock_now_ms,
	.post = mock_post,
};

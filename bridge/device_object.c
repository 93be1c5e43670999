/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /3/0: configured strings in memory, host values through a one-second
 * snapshot, Error Code in the model, Execute through device_actions.
 */
#include "config.h"

#include "device_object.h"

#include <coap3/coap.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device_actions.h"
#include "device_host.h"
#include "log.h"
#include "model.h"

#define OID_DEVICE     3
#define SNAPSHOT_MS    1000
#define ERRORS_MAX     33
#define UTC_OFFSET_MAX 16
#define TIMEZONE_MAX   64

enum {
	RID_MANUFACTURER = 0,
	RID_MODEL = 1,
	RID_SERIAL = 2,
	RID_FIRMWARE = 3,
	RID_REBOOT = 4,
	RID_FACTORY_RESET = 5,
	RID_POWER_SOURCES = 6,
	RID_POWER_VOLTAGE = 7,
	RID_POWER_CURRENT = 8,
	RID_BATTERY_LEVEL = 9,
	RID_MEMORY_FREE = 10,
	RID_ERROR_CODE = 11,
	RID_RESET_ERROR_CODE = 12,
	RID_CURRENT_TIME = 13,
	RID_UTC_OFFSET = 14,
	RID_TIMEZONE = 15,
	RID_BINDINGS = 16,
	RID_DEVICE_TYPE = 17,
	RID_HARDWARE_VERSION = 18,
	RID_SOFTWARE_VERSION = 19,
	RID_BATTERY_STATUS = 20,
	RID_MEMORY_TOTAL = 21,
	RID_STRINGS = 22, /* size of the strings table */
};

struct device {
	struct loop *loop;
	struct object_access *oa;
	struct model *m;
	char *root;
	/* Read-only strings by resource id (NULL: absent). */
	char *str[RID_STRINGS];
	int64_t time_offset; /* s, added to the system clock for /3/0/13 */
	char utc_offset[UTC_OFFSET_MAX]; /* "" = the system's */
	char timezone[TIMEZONE_MAX];	 /* "" = absent */
	bool mem_ok;
	uint64_t mem_at_ms; /* loop clock of the snapshot; 0 = never */
	int64_t mem_free, mem_total;
	uint64_t power_at_ms;
	struct devhost_power power;
	struct devact *reboot, *reset;
};

static struct lwb_value str_value(const char *s)
{
	return (struct lwb_value){.type = LWB_TYPE_STRING,
				  .v.bytes = {s, strlen(s)}};
}

static struct lwb_value int_value(int64_t i)
{
	return (struct lwb_value){.type = LWB_TYPE_INTEGER, .v.i = i};
}

/* ---- snapshots --------------------------------------------------------- */

static bool fresh(const struct device *d, uint64_t at)
{
	uint64_t now = loop_now_ms(d->loop);

	return at != 0 && now >= at && now - at < SNAPSHOT_MS;
}

static void refresh_memory(struct device *d)
{
	if (fresh(d, d->mem_at_ms))
		return;
	d->mem_ok = devhost_meminfo(d->root, &d->mem_free, &d->mem_total) == 0;
	d->mem_at_ms = loop_now_ms(d->loop);
	if (d->mem_at_ms == 0)
		d->mem_at_ms = 1;
}

/* Voltages, currents and the battery change; the set of supplies is the
 * one found at start (its instance ids are in the model). */
static void refresh_power(struct device *d)
{
	struct devhost_power p;

	if (fresh(d, d->power_at_ms))
		return;
	if (devhost_power(d->root, &p) == 0)
		d->power = p;
	d->power_at_ms = loop_now_ms(d->loop);
	if (d->power_at_ms == 0)
		d->power_at_ms = 1;
}

/* ---- error codes --------------------------------------------------------- */

static int errors_get(struct device *d, int64_t *codes, size_t *n)
{
	struct lwb_value v;

	*n = 0;
	for (int ri = model_resource_instance_next(d->m, OID_DEVICE, 0,
						   RID_ERROR_CODE, -1);
	     ri >= 0 && *n < ERRORS_MAX;
	     ri = model_resource_instance_next(d->m, OID_DEVICE, 0,
					       RID_ERROR_CODE, ri)) {
		struct path p = path_resource_instance(
			OID_DEVICE, 0, RID_ERROR_CODE, (uint16_t)ri);

		if (model_get(d->m, &p, &v) == 0 && v.v.i != 0)
			codes[(*n)++] = v.v.i;
	}
	return 0;
}

/* Stores codes as instances 0..n-1 (the single 0 when n == 0).  When the
 * list shrinks the resource is rewritten whole (deleted, then set in the
 * same call, so an observation of it sees a change, not a deletion). */
static int errors_put(struct device *d, const int64_t *codes, size_t n)
{
	struct path res = path_resource(OID_DEVICE, 0, RID_ERROR_CODE);
	int count = model_resource_instance_count(d->m, &res);
	size_t want = n ? n : 1;
	int rc;

	if (count > 0 && (size_t)count > want &&
	    (rc = model_resource_delete(d->m, &res)) < 0)
		return rc;
	for (size_t i = 0; i < want; i++) {
		struct path p = path_resource_instance(
			OID_DEVICE, 0, RID_ERROR_CODE, (uint16_t)i);
		struct lwb_value v = int_value(n ? codes[i] : 0);

		if ((rc = model_set_at(d->m, &p, &v, oa_now_ms(d->oa))) < 0)
			return rc;
	}
	return 0;
}

int device_error_raise(struct device *d, int code)
{
	int64_t codes[ERRORS_MAX];
	size_t n;

	if (code < 1 || code > 32)
		return -EINVAL;
	errors_get(d, codes, &n);
	for (size_t i = 0; i < n; i++)
		if (codes[i] == code)
			return 0;
	if (n == ERRORS_MAX)
		return 0;
	codes[n++] = code;
	return errors_put(d, codes, n);
}

int device_error_clear(struct device *d, int code)
{
	int64_t codes[ERRORS_MAX];
	size_t n, k = 0;

	if (code < 1 || code > 32)
		return -EINVAL;
	errors_get(d, codes, &n);
	for (size_t i = 0; i < n; i++)
		if (codes[i] != code)
			codes[k++] = codes[i];
	return k == n ? 0 : errors_put(d, codes, k);
}

/* ---- the handler ------------------------------------------------------- */

static int read_power(struct device *d, uint16_t rid, uint16_t riid,
		      struct lwb_value *out)
{
	const struct devhost_power_source *s;

	refresh_power(d);
	if (riid >= d->power.n)
		return -ENOENT;
	s = &d->power.src[riid];
	if (rid == RID_POWER_SOURCES)
		*out = int_value(s->kind);
	else if (rid == RID_POWER_VOLTAGE && s->has_voltage)
		*out = int_value(s->voltage_mv);
	else if (rid == RID_POWER_CURRENT && s->has_current)
		*out = int_value(s->current_ma);
	else
		return -ENOENT;
	return 0;
}

static int on_read(void *ctx, uint16_t rid, uint16_t riid,
		   struct lwb_value *out)
{
	struct device *d = ctx;
	struct path p;

	switch (rid) {
	case RID_POWER_SOURCES:
	case RID_POWER_VOLTAGE:
	case RID_POWER_CURRENT: return read_power(d, rid, riid, out);
	case RID_BATTERY_LEVEL:
		refresh_power(d);
		if (!d->power.has_battery_level)
			return -ENOENT;
		*out = int_value(d->power.battery_level);
		return 0;
	case RID_BATTERY_STATUS:
		refresh_power(d);
		if (!d->power.has_battery)
			return -ENOENT;
		*out = int_value(d->power.battery_status);
		return 0;
	case RID_MEMORY_FREE:
	case RID_MEMORY_TOTAL:
		refresh_memory(d);
		if (!d->mem_ok)
			return -ENOENT;
		*out = int_value(rid == RID_MEMORY_FREE ? d->mem_free
							: d->mem_total);
		return 0;
	case RID_ERROR_CODE:
		/* The model is where the list lives. */
		p = path_resource_instance(OID_DEVICE, 0, rid, riid);
		return model_get(d->m, &p, out);
	case RID_CURRENT_TIME:
		out->type = LWB_TYPE_TIME;
		out->v.i = (int64_t)time(NULL) + d->time_offset;
		return 0;
	case RID_UTC_OFFSET:
		if (!d->utc_offset[0]) {
			/* The system's offset changes with daylight saving
			 * time: computed on each read, in a static buffer
			 * (object_access copies it at once). */
			static char now[UTC_OFFSET_MAX];

			if (devhost_utc_offset(time(NULL), now, sizeof(now)) <
			    0)
				return -ENOENT;
			*out = str_value(now);
			return 0;
		}
		*out = str_value(d->utc_offset);
		return 0;
	case RID_TIMEZONE:
		if (!d->timezone[0])
			return -ENOENT;
		*out = str_value(d->timezone);
		return 0;
	default:
		if (rid < RID_STRINGS && d->str[rid]) {
			*out = str_value(d->str[rid]);
			return 0;
		}
		return -ENOENT;
	}
}

/* ISO 8601 offsets as LwM2M servers write them: "+01:00", "-0530",
 * "+02", optionally after "UTC" ("UTC+1" too: one-digit hours). */
static bool valid_utc_offset(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	int hours = 0, minutes = 0;

	if (len >= 3 && memcmp(s, "UTC", 3) == 0)
		i = 3;
	if (len == i + 1 && s[i] == 'Z')
		return true;
	if (i >= len || (s[i] != '+' && s[i] != '-'))
		return false;
	for (i++; i < len && isdigit((unsigned char)s[i]) && digits < 2;
	     i++, digits++)
		hours = hours * 10 + (s[i] - '0');
	if (digits == 0 || hours > 14)
		return false;
	if (i == len)
		return true;
	if (s[i] == ':')
		i++;
	if (len - i != 2 || !isdigit((unsigned char)s[i]) ||
	    !isdigit((unsigned char)s[i + 1]))
		return false;
	minutes = (s[i] - '0') * 10 + (s[i + 1] - '0');
	return minutes < 60;
}

/* IANA names: "Europe/Berlin", "America/Argentina/Buenos_Aires",
 * "Etc/GMT+5", "UTC". */
static bool valid_timezone(const char *s, size_t len)
{
	if (len == 0 || len >= TIMEZONE_MAX || s[0] == '/')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("/_+-", s[i]))
			return false;
	return true;
}

static int on_write(void *ctx, uint16_t rid, uint16_t riid,
		    const struct lwb_value *v)
{
	struct device *d = ctx;
	const char *s = v->v.bytes.ptr;
	size_t len = v->v.bytes.len;

	if (riid != LWB_NO_RIID)
		return -ENOENT;
	switch (rid) {
	case RID_CURRENT_TIME:
		d->time_offset = v->v.i - (int64_t)time(NULL);
		log_msg(LOG_LVL_NOTICE, "device",
			"Current Time written: reported time is now the system "
			"clock %+" PRId64 " s (the system clock is not set)",
			d->time_offset);
		return 0;
	case RID_UTC_OFFSET:
		if (!valid_utc_offset(s, len) || len >= sizeof(d->utc_offset))
			return -EINVAL;
		memcpy(d->utc_offset, s, len);
		d->utc_offset[len] = '\0';
		return 0;
	case RID_TIMEZONE:
		if (!valid_timezone(s, len))
			return -EINVAL;
		memcpy(d->timezone, s, len);
		d->timezone[len] = '\0';
		return 0;
	default: return -EOPNOTSUPP;
	}
}

static int on_execute(void *ctx, uint16_t rid, const char *args,
		      size_t args_len)
{
	struct device *d = ctx;

	(void)args;
	(void)args_len;
	switch (rid) {
	case RID_REBOOT:
		return devact_schedule(d->reboot, DEVICE_EXECUTE_DELAY_MS);
	case RID_FACTORY_RESET:
		return devact_schedule(d->reset, DEVICE_EXECUTE_DELAY_MS);
	case RID_RESET_ERROR_CODE:
		log_msg(LOG_LVL_INFO, "device", "error codes reset");
		return errors_put(d, NULL, 0);
	default: return -EOPNOTSUPP;
	}
}

static void reboot_done(void *arg, int status)
{
	if (status != 0)
		device_error_raise(arg, DEVICE_ERR_REBOOT_FAILED);
}

static void reset_done(void *arg, int status)
{
	if (status != 0)
		device_error_raise(arg, DEVICE_ERR_FACTORY_RESET_FAILED);
}

/* ---- set-up ----------------------------------------------------------- */

static int set_str(struct device *d, int rid, const char *s)
{
	free(d->str[rid]);
	d->str[rid] = NULL;
	if (!s)
		return 0;
	d->str[rid] = strdup(s);
	return d->str[rid] ? 0 : -ENOMEM;
}

/* A configured string, else the value fn finds on the host, else dflt
 * (NULL: absent). */
static int set_host_str(struct device *d, int rid, const char *configured,
			int (*fn)(const char *, char *, size_t),
			const char *dflt)
{
	char buf[DEVHOST_STR_MAX];

	if (configured && configured[0])
		return set_str(d, rid, configured);
	if (fn && fn(d->root, buf, sizeof(buf)) == 0 && buf[0])
		return set_str(d, rid, buf);
	return set_str(d, rid, dflt);
}

/* U always; T when libcoap has TCP and a server may use it (a 1.0 Device
 * object knows no T); Q: queue mode is supported for every binding. */
static void bindings(const struct bridge_config *cfg, char *buf, size_t cap)
{
	bool v11 = false;

	for (size_t i = 0; i < cfg->n_servers; i++)
		if (cfg->servers[i].lwm2m_version != CFG_LWM2M_1_0)
			v11 = true;
	snprintf(buf, cap, "U%sQ", v11 && coap_tcp_is_supported() ? "T" : "");
}

static int collect_nothing(const struct record *r, void *ctx)
{
	(void)r;
	(void)ctx;
	return 0;
}

static int fill(struct device *d, const struct bridge_config *cfg)
{
	const struct cfg_device *c = &cfg->device;
	char buf[DEVHOST_STR_MAX];
	int rc;

	bindings(cfg, buf, sizeof(buf));
	if ((rc = set_str(d, RID_MANUFACTURER, c->manufacturer)) < 0 ||
	    (rc = set_str(d, RID_MODEL, c->model)) < 0 ||
	    (rc = set_host_str(d, RID_SERIAL, c->serial_number,
			       devhost_machine_id, "unknown")) < 0 ||
	    (rc = set_str(d, RID_FIRMWARE, PACKAGE_VERSION)) < 0 ||
	    (rc = set_str(d, RID_BINDINGS, buf)) < 0 ||
	    (rc = set_host_str(d, RID_DEVICE_TYPE, c->device_type, NULL,
			       "gateway")) < 0 ||
	    (rc = set_host_str(d, RID_HARDWARE_VERSION, c->hardware_version,
			       devhost_hardware_version, NULL)) < 0 ||
	    (rc = set_host_str(d, RID_SOFTWARE_VERSION, c->software_version,
			       devhost_software_version, NULL)) < 0)
		return rc;
	if (c->utc_offset && c->utc_offset[0])
		snprintf(d->utc_offset, sizeof(d->utc_offset), "%s",
			 c->utc_offset);
	if (c->timezone && c->timezone[0])
		snprintf(d->timezone, sizeof(d->timezone), "%s", c->timezone);
	else
		devhost_timezone(d->root, d->timezone, sizeof(d->timezone));
	if ((rc = errors_put(d, NULL, 0)) < 0)
		return rc;
	/* The multiple resources that come from the host get their
	 * instances now: the read callback is asked for exactly those. */
	refresh_power(d);
	for (size_t i = 0; i < d->power.n; i++) {
		const struct devhost_power_source *s = &d->power.src[i];
		struct path p = path_resource_instance(
			OID_DEVICE, 0, RID_POWER_SOURCES, (uint16_t)i);
		struct lwb_value v = int_value(s->kind);

		if ((rc = model_set(d->m, &p, &v)) < 0)
			return rc;
		p.ids[2] = RID_POWER_VOLTAGE;
		v = int_value(s->voltage_mv);
		if (s->has_voltage && (rc = model_set(d->m, &p, &v)) < 0)
			return rc;
		p.ids[2] = RID_POWER_CURRENT;
		v = int_value(s->current_ma);
		if (s->has_current && (rc = model_set(d->m, &p, &v)) < 0)
			return rc;
	}
	return 0;
}

struct device *device_new(struct loop *loop, struct object_access *oa,
			  const struct bridge_config *cfg)
{
	struct device *d = calloc(1, sizeof(*d));
	struct path inst = path_instance(OID_DEVICE, 0);
	const char *root = cfg->device.host_root ? cfg->device.host_root : "";
	struct oa_handler h = {
		.ops = {.read = on_read,
			.write = on_write,
			.execute = on_execute},
		.tag = "device",
	};
	int rc = -ENOMEM;

	if (!d || !(d->root = strdup(root)))
		goto fail;
	d->loop = loop;
	d->oa = oa;
	d->m = oa_model(oa);
	d->reboot = devact_new(loop, "reboot", cfg->device.reboot_command,
			       reboot_done, d);
	d->reset = devact_new(loop, "factory reset",
			      cfg->device.factory_reset_command, reset_done, d);
	if (!d->reboot || !d->reset)
		goto fail;
	if ((rc = model_instance_create(d->m, OID_DEVICE, 0)) < 0) {
		log_errx("cannot create /3/0: %s", strerror(-rc));
		goto fail;
	}
	h.ctx = d;
	h.owner = d;
	if ((rc = fill(d, cfg)) < 0 ||
	    (rc = oa_bind(oa, OID_DEVICE, 0, &h)) < 0) {
		log_errx("cannot set up /3/0: %s", strerror(-rc));
		model_instance_delete(d->m, OID_DEVICE, 0);
		goto fail;
	}
	/* One Read through the handler stores every value, so that the
	 * model (Discover, --dump, Read-Composite) has them from the start. */
	oa_read_collect(oa, &inst, collect_nothing, NULL);
	return d;
fail:
	device_free(d);
	errno = -rc;
	return NULL;
}

void device_free(struct device *d)
{
	if (!d)
		return;
	if (d->oa && oa_handler(d->oa, OID_DEVICE, 0) &&
	    oa_handler(d->oa, OID_DEVICE, 0)->owner == d)
		oa_unbind(d->oa, OID_DEVICE, 0);
	devact_free(d->reboot);
	devact_free(d->reset);
	for (size_t i = 0; i < RID_STRINGS; i++)
		free(d->str[i]);
	free(d->root);
	free(d);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * example: the template plugin.  Copy this file to start your own.
 *
 * It plays N temperature sensors and shows them as instances of the IPSO
 * Temperature object (3303, objects/3303.xml):
 *   5700 Sensor Value        measured every interval_ms, and on demand
 *                            when a server reads it
 *   5601 / 5602              the lowest / highest value since the start
 *                            or the last reset
 *   5701 Sensor Units        "Cel" (degrees Celsius, in UCUM notation)
 *   5750 Application Type    "<name_prefix>-<n>", a server may rename it
 *   5605 Reset Min and Max   executable: restarts the min/max tracking
 *
 * Settings (the "settings" group of this plugin's entry in bridge.conf):
 *   instances   = 2;        how many sensors (1 .. 16)
 *   interval_ms = 1000;     how often they are measured (100 .. 3600000)
 *   name_prefix = "room";   the start of each Application Type
 *
 * Everything runs on the daemon's loop thread: init, the timer callback,
 * read/write/execute, fini.  Nothing here may block; a plugin whose
 * hardware is slow runs a worker thread and hands results back with
 * host->api->post() (see docs/plugin-guide.md).
 */

/* Only the SDK's headers: a plugin links against nothing of the daemon,
 * everything it offers arrives as the function table host->api. */
#include <lwm2m-bridge/plugin.h>

/* libconfig reads our settings group; pkg-config lwm2m-bridge-plugin
 * brings its flags (Requires: libconfig). */
#include <libconfig.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Object and resource ids, named once (objects/3303.xml defines them). */
#define OID_TEMPERATURE	     3303
#define RID_MIN_MEASURED     5601
#define RID_MAX_MEASURED     5602
#define RID_RESET_MIN_MAX    5605
#define RID_SENSOR_VALUE     5700
#define RID_SENSOR_UNITS     5701
#define RID_APPLICATION_TYPE 5750

/* Limits of the settings.  Bounded, so a typo (interval_ms = 1) cannot
 * make the plugin flood the daemon with values. */
#define MAX_INSTANCES	16
#define MIN_INTERVAL_MS 100
#define MAX_INTERVAL_MS 3600000
#define APP_TYPE_MAX	32 /* bytes, NUL included */

struct example;

/* One simulated sensor = one instance of object 3303. */
struct sensor {
	struct example *ex; /* back pointer: callbacks get only a sensor */
	uint16_t iid;	    /* the instance id the daemon gave us */
	unsigned int index; /* 0 .. n-1, our own numbering */
	unsigned int step;  /* where the simulation is */
	double value;	    /* the last measurement */
	double min, max;    /* 5601, 5602 */
	char app_type[APP_TYPE_MAX];
};

/* The state of one configured instance of this plugin.  Nothing is global:
 * the same .so may be configured twice and each gets its own state. */
struct example {
	struct lwb_host *host;
	struct lwb_timer *timer;
	unsigned int interval_ms;
	unsigned int n_sensors;
	struct sensor sensors[MAX_INSTANCES];
};

/* ---- the "hardware" ------------------------------------------------- */

/*
 * Replace this with your device access.  Here: a triangle wave of 0.5 °C
 * steps around 20 °C (plus the sensor's index, so sensors differ), which
 * is deterministic, so the unit test can predict every value.
 */
static double measure(struct sensor *s)
{
	unsigned int phase = s->step++ % 20;
	unsigned int up = phase < 10 ? phase : 20 - phase;

	return 20.0 + s->index + 0.5 * up;
}

/* ---- publishing ----------------------------------------------------- */

/* Why a helper: publish fails only through a bug (a wrong type, an
 * instance we removed); say which resource, and carry on. */
static void publish_float(struct sensor *s, uint16_t rid, double value)
{
	int err = lwb_publish_float(s->ex->host, OID_TEMPERATURE, s->iid, rid,
				    value);

	if (err < 0)
		s->ex->host->api->log(s->ex->host, LWB_LOG_ERR,
				      "publish /%d/%u/%u: %s", OID_TEMPERATURE,
				      s->iid, rid, strerror(-err));
}

static void publish_string(struct sensor *s, uint16_t rid, const char *str)
{
	int err = lwb_publish_string(s->ex->host, OID_TEMPERATURE, s->iid, rid,
				     str, strlen(str));

	if (err < 0)
		s->ex->host->api->log(s->ex->host, LWB_LOG_ERR,
				      "publish /%d/%u/%u: %s", OID_TEMPERATURE,
				      s->iid, rid, strerror(-err));
}

/* Tracks min/max and publishes them when they move.  Publishing an
 * unchanged value would be cheap too, but skipping it is cheaper. */
static void track(struct sensor *s, double value)
{
	s->value = value;
	if (value < s->min) {
		s->min = value;
		publish_float(s, RID_MIN_MEASURED, value);
	}
	if (value > s->max) {
		s->max = value;
		publish_float(s, RID_MAX_MEASURED, value);
	}
}

/* The periodic timer: measure every sensor and publish.  The daemon
 * compares with the last value and notifies observers only on change. */
static void on_tick(struct lwb_timer *timer, void *arg)
{
	struct example *ex = arg;

	(void)timer; /* one timer, one state: arg says everything */
	for (unsigned int i = 0; i < ex->n_sensors; i++) {
		struct sensor *s = &ex->sensors[i];
		double v = measure(s);

		publish_float(s, RID_SENSOR_VALUE, v);
		track(s, v);
	}
}

/* ---- what a server may do ------------------------------------------- */

/*
 * Read.  With a read callback the daemon asks us for every resource a
 * server reads, so we answer for all of ours; without one (NULL), it
 * serves the values we published.  5700 is measured afresh: a server that
 * reads it wants the value now, not the one of the last tick.
 */
static int example_read(void *ctx, uint16_t rid, uint16_t riid,
			struct lwb_value *out)
{
	struct sensor *s = ctx;

	(void)riid; /* all our resources are single-instance */
	switch (rid) {
	case RID_SENSOR_VALUE:
		out->v.f = measure(s);
		track(s, out->v.f);
		return 0;
	case RID_MIN_MEASURED: out->v.f = s->min; return 0;
	case RID_MAX_MEASURED: out->v.f = s->max; return 0;
	case RID_SENSOR_UNITS:
		/* Strings are counted, not NUL-terminated; the bytes need
		 * only live until we return (the daemon copies them). */
		out->v.bytes.ptr = "Cel";
		out->v.bytes.len = 3;
		return 0;
	case RID_APPLICATION_TYPE:
		out->v.bytes.ptr = s->app_type;
		out->v.bytes.len = strlen(s->app_type);
		return 0;
	default:
		/* A resource of 3303 we do not implement: 4.04 Not Found. */
		return -ENOENT;
	}
}

/* Write.  The daemon has already checked the type and that the resource
 * is writable (RW in the object definition); we check what only we know. */
static int example_write(void *ctx, uint16_t rid, uint16_t riid,
			 const struct lwb_value *value)
{
	struct sensor *s = ctx;
	size_t len;

	(void)riid;
	if (rid != RID_APPLICATION_TYPE)
		return -ENOENT;
	len = value->v.bytes.len; /* a String: counted, not terminated */
	if (len >= sizeof(s->app_type))
		return -EINVAL; /* 4.00 Bad Request: too long for us */
	memcpy(s->app_type, value->v.bytes.ptr, len);
	s->app_type[len] = '\0';
	s->ex->host->api->log(s->ex->host, LWB_LOG_INFO,
			      "sensor %u renamed to \"%s\"", s->iid,
			      s->app_type);
	return 0; /* the daemon stores the value as the last one */
}

/* Execute.  Args (none expected here) are not NUL-terminated. */
static int example_execute(void *ctx, uint16_t rid, const char *args,
			   size_t args_len)
{
	struct sensor *s = ctx;

	(void)args;
	(void)args_len;
	if (rid != RID_RESET_MIN_MAX)
		return -ENOENT;
	s->min = s->max = s->value;
	publish_float(s, RID_MIN_MEASURED, s->min);
	publish_float(s, RID_MAX_MEASURED, s->max);
	return 0;
}

/* static const: the daemon keeps this pointer as long as the instances
 * live; struct_size lets a newer daemon know which fields we have. */
static const struct lwb_instance_ops example_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.read = example_read,
	.write = example_write,
	.execute = example_execute,
};

/* ---- settings ------------------------------------------------------- */

/*
 * Reads one integer setting, if present, into *out.  A wrong type or a
 * value out of range is an error, not a silent default: the operator
 * wrote something and wants it honoured or explained.
 */
static int get_int(struct example *ex, const config_setting_t *settings,
		   const char *key, int min, int max, int *out)
{
	const config_setting_t *s = config_setting_get_member(settings, key);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT ||
	    config_setting_get_int(s) < min ||
	    config_setting_get_int(s) > max) {
		ex->host->api->log(ex->host, LWB_LOG_ERR,
				   "settings line %u: %s: expected an integer "
				   "%d .. %d",
				   config_setting_source_line(s), key, min,
				   max);
		return -EINVAL;
	}
	*out = config_setting_get_int(s);
	return 0;
}

static int read_settings(struct example *ex, const char **prefix)
{
	/* NULL when bridge.conf has no settings group: all defaults. */
	const config_setting_t *settings = ex->host->api->settings(ex->host);
	int instances = 1, interval = 1000;
	const config_setting_t *s;

	*prefix = "sensor";
	if (!settings)
		goto done;
	/* Refuse unknown keys: "interval" for "interval_ms" is a typo the
	 * operator wants to hear about, not a default to discover later. */
	for (int i = 0; i < config_setting_length(settings); i++) {
		const char *key = config_setting_name(
			config_setting_get_elem(settings, i));

		if (strcmp(key, "instances") != 0 &&
		    strcmp(key, "interval_ms") != 0 &&
		    strcmp(key, "name_prefix") != 0) {
			ex->host->api->log(ex->host, LWB_LOG_ERR,
					   "settings: %s: unknown key", key);
			return -EINVAL;
		}
	}
	if (get_int(ex, settings, "instances", 1, MAX_INSTANCES, &instances) <
		    0 ||
	    get_int(ex, settings, "interval_ms", MIN_INTERVAL_MS,
		    MAX_INTERVAL_MS, &interval) < 0)
		return -EINVAL;
	s = config_setting_get_member(settings, "name_prefix");
	if (s) {
		const char *str = config_setting_get_string(s);

		/* Room for "-15" after it, so every name fits. */
		if (!str || strlen(str) == 0 ||
		    strlen(str) > APP_TYPE_MAX - 4) {
			ex->host->api->log(ex->host, LWB_LOG_ERR,
					   "settings: name_prefix: expected a "
					   "string of 1 .. %d characters",
					   APP_TYPE_MAX - 4);
			return -EINVAL;
		}
		*prefix = str; /* valid until fini: we copy it anyway */
	}
done:
	ex->n_sensors = (unsigned int)instances;
	ex->interval_ms = (unsigned int)interval;
	return 0;
}

/* ---- lifecycle ------------------------------------------------------ */

/* Releases what init took.  Used by fini and by a failing init, so there
 * is one cleanup path.  (The daemon would remove leftover instances and
 * timers by itself; doing it here keeps the plugin correct on its own.) */
static void example_destroy(struct example *ex)
{
	if (!ex)
		return;
	ex->host->api->timer_free(ex->host, ex->timer);
	for (unsigned int i = 0; i < ex->n_sensors; i++)
		if (ex->sensors[i].ex)
			ex->host->api->instance_remove(
				ex->host, OID_TEMPERATURE, ex->sensors[i].iid);
	free(ex);
}

static int create_sensor(struct example *ex, unsigned int i, const char *prefix)
{
	struct sensor *s = &ex->sensors[i];
	int iid;

	snprintf(s->app_type, sizeof(s->app_type), "%s-%u", prefix, i);
	/* LWB_ANY_IID: let the daemon pick the lowest free id, so two
	 * plugins (or two configurations of this one) never collide. */
	iid = ex->host->api->instance_create(ex->host, OID_TEMPERATURE,
					     LWB_ANY_IID, &example_ops, s);
	if (iid < 0) {
		ex->host->api->log(ex->host, LWB_LOG_ERR,
				   "cannot create a /%d instance: %s",
				   OID_TEMPERATURE, strerror(-iid));
		return iid;
	}
	s->ex = ex; /* marks the sensor as created, for example_destroy */
	s->iid = (uint16_t)iid;
	s->index = i;
	s->value = s->min = s->max = measure(s);
	/* Publish everything once, so a server's first read has values. */
	publish_float(s, RID_SENSOR_VALUE, s->value);
	publish_float(s, RID_MIN_MEASURED, s->min);
	publish_float(s, RID_MAX_MEASURED, s->max);
	publish_string(s, RID_SENSOR_UNITS, "Cel");
	publish_string(s, RID_APPLICATION_TYPE, s->app_type);
	return 0;
}

static int example_init(struct lwb_host *host, void **state)
{
	struct example *ex = calloc(1, sizeof(*ex));
	const char *prefix;
	unsigned int wanted;
	int err;

	if (!ex) {
		host->api->log(host, LWB_LOG_ERR, "out of memory");
		return -ENOMEM;
	}
	ex->host = host;
	err = read_settings(ex, &prefix);
	if (err < 0)
		goto fail;
	/* n_sensors counts what exists, so a failure half-way leaves
	 * example_destroy exactly what to undo. */
	wanted = ex->n_sensors;
	ex->n_sensors = 0;
	for (unsigned int i = 0; i < wanted; i++) {
		err = create_sensor(ex, i, prefix);
		if (err < 0)
			goto fail;
		ex->n_sensors++;
	}
	ex->timer = host->api->timer_new(host, on_tick, ex);
	if (!ex->timer) {
		err = -errno;
		host->api->log(host, LWB_LOG_ERR, "cannot create a timer");
		goto fail;
	}
	/* First tick after one interval, then every interval: the values of
	 * "now" were published by create_sensor. */
	err = host->api->timer_start(host, ex->timer, ex->interval_ms,
				     ex->interval_ms);
	if (err < 0) {
		host->api->log(host, LWB_LOG_ERR, "cannot start the timer: %s",
			       strerror(-err));
		goto fail;
	}
	host->api->log(host, LWB_LOG_INFO, "%u sensors, every %u ms",
		       ex->n_sensors, ex->interval_ms);
	*state = ex;
	return 0;
fail:
	/* The daemon does not call fini after a failed init: clean up. */
	example_destroy(ex);
	return err;
}

/* Called once at shutdown (or when the plugin is unloaded), on the loop
 * thread.  A plugin with worker threads stops and joins them first. */
static void example_fini(void *state)
{
	example_destroy(state);
}

/* The one exported symbol.  The daemon checks abi_major and struct_size
 * (filled in by the macro) before it calls anything. */
LWB_PLUGIN_DEFINE(.name = "example", .version = "1.0.0",
		  .description = "simulated temperature sensors (template)",
		  .init = example_init, .fini = example_fini);

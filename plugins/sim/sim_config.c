/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sim plugin's settings.  Strict in the daemon's spirit: an unknown
 * key, a key of another sensor type, a wrong type or an out-of-range value
 * stops init with a log line naming the key and its line, so a typo never
 * passes silently.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "sim.h"

enum key_type { K_INT, K_FLOAT, K_BOOL, K_STRING };

#define KM(k)	(1u << (k))
#define K_WALK	(KM(SIM_TEMPERATURE) | KM(SIM_HUMIDITY))
#define K_SINE	KM(SIM_SINE)
#define K_COUNT KM(SIM_COUNTER)
#define K_SW	KM(SIM_SWITCH)
#define K_ALL	((1u << SIM_KIND_COUNT) - 1)
#define OFF(f)	offsetof(struct sim_params, f)
#define BIG	1e15

/* Every key a sensors entry may have ("type" aside).  A name may appear
 * twice with different kinds: "step" is a float for a random walk and an
 * integer for a counter. */
static const struct sim_key {
	const char *name;
	unsigned int kinds;
	enum key_type type;
	size_t off;
	double lo, hi; /* inclusive, numbers only */
} keys[] = {
	{"count", K_ALL, K_INT, OFF(count), 1, SIM_COUNT_MAX},
	{"interval_ms", K_ALL, K_INT, OFF(interval_ms), 1, SIM_INTERVAL_MAX_MS},
	{"first_instance", K_ALL, K_INT, OFF(first_instance), 0, 65534},
	{"burst", K_ALL, K_INT, OFF(burst), 1, SIM_BURST_MAX},
	{"application_type", K_ALL, K_STRING, OFF(app_type), 0, 0},
	{"min", K_WALK, K_FLOAT, OFF(min), -BIG, BIG},
	{"max", K_WALK, K_FLOAT, OFF(max), -BIG, BIG},
	{"step", K_WALK, K_FLOAT, OFF(step), 0, BIG},
	{"start", K_WALK, K_FLOAT, OFF(start), -BIG, BIG},
	{"decimals", K_WALK | K_SINE, K_INT, OFF(decimals), -1,
	 SIM_DECIMALS_MAX},
	{"offset", K_SINE, K_FLOAT, OFF(offset), -BIG, BIG},
	{"amplitude", K_SINE, K_FLOAT, OFF(amplitude), -BIG, BIG},
	{"period_s", K_SINE, K_FLOAT, OFF(period_s), 0.001, 1e9},
	{"units", K_SINE, K_STRING, OFF(units), 0, 0},
	{"step", K_COUNT, K_INT, OFF(counter_step), 1, 2147483647},
	{"probability", K_SW, K_FLOAT, OFF(probability), 0, 1},
	{"output", K_SW, K_BOOL, OFF(output), 0, 0},
	{"spread", K_ALL, K_BOOL, OFF(spread), 0, 0},
};

static const char *const kind_names[SIM_KIND_COUNT] = {
	[SIM_TEMPERATURE] = "temperature", [SIM_HUMIDITY] = "humidity",
	[SIM_COUNTER] = "counter",	   [SIM_SINE] = "sine",
	[SIM_SWITCH] = "switch",
};

const char *sim_kind_name(enum sim_kind kind)
{
	return (unsigned int)kind < SIM_KIND_COUNT ? kind_names[kind] : "?";
}

/* Logs "[file:]line N: sensors[i].key: what" and returns -EINVAL. */
__attribute__((format(printf, 4, 5))) static int bad(struct lwb_host *host,
						     const config_setting_t *s,
						     const char *where,
						     const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned int line = s ? config_setting_source_line(s) : 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (file)
		host->api->log(host, LWB_LOG_ERR, "%s:%u: %s: %s", file, line,
			       where, msg);
	else
		host->api->log(host, LWB_LOG_ERR, "line %u: %s: %s", line,
			       where, msg);
	return -EINVAL;
}

static int set_string(char **dst, const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);

	if (!c)
		return -ENOMEM;
	memcpy(c, s, n);
	free(*dst);
	*dst = c;
	return 0;
}

void sim_config_release(struct sim_config *cfg)
{
	if (!cfg)
		return;
	for (unsigned int i = 0; i < cfg->ngroups; i++) {
		free(cfg->groups[i].app_type);
		free(cfg->groups[i].units);
	}
	free(cfg->groups);
	cfg->groups = NULL;
	cfg->ngroups = 0;
}

/* The defaults of a kind, which are also its demo entry. */
static int defaults(struct sim_params *p, enum sim_kind kind)
{
	static const int64_t interval[SIM_KIND_COUNT] = {
		[SIM_TEMPERATURE] = 1000, [SIM_HUMIDITY] = 2000,
		[SIM_COUNTER] = 1000,	  [SIM_SINE] = 200,
		[SIM_SWITCH] = 5000,
	};

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->count = 1;
	p->interval_ms = interval[kind];
	p->first_instance = -1;
	p->burst = 1;
	p->start = NAN; /* the middle of min..max */
	p->decimals = 2;
	p->counter_step = 1;
	p->probability = 1.0;
	switch (kind) {
	case SIM_TEMPERATURE:
		p->min = 15.0;
		p->max = 30.0;
		p->step = 0.25;
		return set_string(&p->units, "Cel");
	case SIM_HUMIDITY:
		p->min = 0.0;
		p->max = 100.0;
		p->step = 0.5;
		p->decimals = 1;
		return set_string(&p->units, "%RH");
	case SIM_SINE:
		p->amplitude = 1.0;
		p->period_s = 60.0;
		p->decimals = 3;
		return set_string(&p->app_type, "sine");
	case SIM_COUNTER:
	case SIM_SWITCH: break;
	}
	return 0;
}

static int kind_from_name(const char *s, enum sim_kind *kind)
{
	for (unsigned int k = 0; k < SIM_KIND_COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*kind = (enum sim_kind)k;
			return 0;
		}
	return -1;
}

static const struct sim_key *find_key(const char *name, enum sim_kind kind,
				      bool *other_kind)
{
	*other_kind = false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (keys[i].kinds & KM(kind))
			return &keys[i];
		*other_kind = true;
	}
	return NULL;
}

static int read_key(struct lwb_host *host, const struct sim_key *k,
		    const config_setting_t *s, const char *where,
		    struct sim_params *p)
{
	char *field = (char *)p + k->off;
	int t = config_setting_type(s);
	double d;

	switch (k->type) {
	case K_INT: {
		long long v;

		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return bad(host, s, where, "must be an integer");
		v = config_setting_get_int64(s);
		if ((double)v < k->lo || (double)v > k->hi)
			return bad(host, s, where, "%lld is not in %.0f..%.0f",
				   v, k->lo, k->hi);
		memcpy(field, &(int64_t){v}, sizeof(int64_t));
		return 0;
	}
	case K_FLOAT:
		if (t == CONFIG_TYPE_FLOAT)
			d = config_setting_get_float(s);
		else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
			d = (double)config_setting_get_int64(s);
		else
			return bad(host, s, where, "must be a number");
		if (!isfinite(d) || d < k->lo || d > k->hi)
			return bad(host, s, where, "%g is not in %g..%g", d,
				   k->lo, k->hi);
		memcpy(field, &d, sizeof(d));
		return 0;
	case K_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return bad(host, s, where, "must be true or false");
		memcpy(field, &(bool){config_setting_get_bool(s) != 0},
		       sizeof(bool));
		return 0;
	case K_STRING:
		if (t != CONFIG_TYPE_STRING)
			return bad(host, s, where, "must be a string");
		return set_string((char **)(void *)field,
				  config_setting_get_string(s));
	}
	return -EINVAL;
}

/* Cross-key checks, once every key of an entry is read. */
static int check_entry(struct lwb_host *host, const config_setting_t *e,
		       const char *where, struct sim_params *p)
{
	if (p->first_instance >= 0 && p->first_instance + p->count - 1 > 65534)
		return bad(host, e, where,
			   "first_instance + count - 1 exceeds 65534");
	if (p->kind == SIM_TEMPERATURE || p->kind == SIM_HUMIDITY) {
		if (p->min >= p->max)
			return bad(host, e, where, "min must be below max");
		if (p->kind == SIM_HUMIDITY && (p->min < 0 || p->max > 100))
			return bad(host, e, where,
				   "humidity min..max must be within 0..100");
		if (isnan(p->start))
			p->start = (p->min + p->max) / 2;
		else if (p->start < p->min || p->start > p->max)
			return bad(host, e, where,
				   "start must be within min..max");
	}
	return 0;
}

static int read_entry(struct lwb_host *host, const config_setting_t *e,
		      unsigned int idx, struct sim_params *p)
{
	char where[96];
	const config_setting_t *ts;
	enum sim_kind kind;
	int r;

	snprintf(where, sizeof(where), "sensors[%u]", idx);
	if (!config_setting_is_group(e))
		return bad(host, e, where, "must be a group { ... }");
	ts = config_setting_get_member(e, "type");
	if (!ts)
		return bad(host, e, where, "type is missing");
	snprintf(where, sizeof(where), "sensors[%u].type", idx);
	if (config_setting_type(ts) != CONFIG_TYPE_STRING)
		return bad(host, ts, where, "must be a string");
	if (kind_from_name(config_setting_get_string(ts), &kind) < 0)
		return bad(host, ts, where,
			   "unknown type \"%s\" (temperature, humidity, "
			   "counter, sine or switch)",
			   config_setting_get_string(ts));
	if ((r = defaults(p, kind)) < 0)
		return r;
	p->line = (int)config_setting_source_line(e);
	for (int i = 0; i < config_setting_length(e); i++) {
		const config_setting_t *s = config_setting_get_elem(e, i);
		const char *name = config_setting_name(s);
		const struct sim_key *k;
		bool other;

		if (strcmp(name, "type") == 0)
			continue;
		snprintf(where, sizeof(where), "sensors[%u].%s", idx, name);
		k = find_key(name, kind, &other);
		if (!k)
			return bad(host, s, where,
				   other ? "not a setting of type %s"
					 : "unknown key (type %s)",
				   kind_names[kind]);
		if ((r = read_key(host, k, s, where, p)) < 0)
			return r;
	}
	snprintf(where, sizeof(where), "sensors[%u]", idx);
	return check_entry(host, e, where, p);
}

static int read_sensors(struct lwb_host *host, const config_setting_t *list,
			struct sim_config *cfg)
{
	int n;

	if (!config_setting_is_list(list))
		return bad(host, list, "sensors",
			   "must be a list ( { ... }, ... )");
	n = config_setting_length(list);
	if (n == 0)
		return bad(host, list, "sensors", "the list is empty");
	cfg->groups = calloc((size_t)n, sizeof(*cfg->groups));
	if (!cfg->groups)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int r;

		/* Counted first: a half-read entry's strings are freed too. */
		cfg->ngroups++;
		r = read_entry(host, config_setting_get_elem(list, i),
			       (unsigned int)i, &cfg->groups[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int demo(struct lwb_host *host, struct sim_config *cfg)
{
	cfg->groups = calloc(SIM_KIND_COUNT, sizeof(*cfg->groups));
	if (!cfg->groups)
		return -ENOMEM;
	for (unsigned int k = 0; k < SIM_KIND_COUNT; k++) {
		int r;

		cfg->ngroups++;
		if ((r = defaults(&cfg->groups[k], (enum sim_kind)k)) < 0 ||
		    (r = check_entry(host, NULL, "demo", &cfg->groups[k])) < 0)
			return r;
	}
	/* The demo shows Write too. */
	cfg->groups[SIM_SWITCH].output = true;
	return 0;
}

int sim_config_read(struct lwb_host *host,
		    const struct config_setting_t *settings,
		    struct sim_config *cfg)
{
	const config_setting_t *sensors = NULL;
	int r = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (settings) {
		for (int i = 0; i < config_setting_length(settings); i++) {
			const config_setting_t *s =
				config_setting_get_elem(settings, i);
			const char *name = config_setting_name(s);
			int t = config_setting_type(s);

			if (!name) {
				r = bad(host, s, "settings",
					"must be a group { ... }");
				goto out;
			}
			if (strcmp(name, "sensors") == 0) {
				sensors = s;
			} else if (strcmp(name, "seed") == 0) {
				if (t != CONFIG_TYPE_INT &&
				    t != CONFIG_TYPE_INT64) {
					r = bad(host, s, "seed",
						"must be an integer");
					goto out;
				}
				cfg->seed =
					(uint64_t)config_setting_get_int64(s);
				cfg->seed_set = true;
			} else {
				r = bad(host, s, name,
					"unknown key (sensors or seed)");
				goto out;
			}
		}
	}
	r = sensors ? read_sensors(host, sensors, cfg) : demo(host, cfg);
out:
	if (r < 0)
		sim_config_release(cfg);
	return r;
}

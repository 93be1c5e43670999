/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sim plugin's internals, shared by its three files:
 *   sim_config.c   settings → an array of group descriptions (sim_params)
 *   sim_sensors.c  the PRNG, the per-type value steps (the hot path) and
 *                  the instance callbacks (Write, Execute)
 *   sim.c          init/fini: instances, timers, error reports; the
 *                  exported descriptor
 * Nothing here is visible outside the plugin (hidden visibility); the
 * names still carry the sim_ prefix.
 *
 * All of it runs on the daemon's loop thread.
 */
#ifndef LWB_PLUGIN_SIM_H
#define LWB_PLUGIN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "lwm2m-bridge/plugin.h"

/* The IPSO objects and resources the plugin serves. */
#define SIM_OID_DIGITAL_INPUT  3200
#define SIM_OID_DIGITAL_OUTPUT 3201
#define SIM_OID_GENERIC	       3300
#define SIM_OID_TEMPERATURE    3303
#define SIM_OID_HUMIDITY       3304
#define SIM_OID_SWITCH	       3342

#define SIM_RID_DI_STATE     5500
#define SIM_RID_DI_COUNTER   5501
#define SIM_RID_DI_CNT_RESET 5505
#define SIM_RID_DO_STATE     5550
#define SIM_RID_MIN_MEASURED 5601
#define SIM_RID_MAX_MEASURED 5602
#define SIM_RID_MIN_RANGE    5603
#define SIM_RID_MAX_RANGE    5604
#define SIM_RID_RESET_MINMAX 5605
#define SIM_RID_SENSOR_VALUE 5700
#define SIM_RID_SENSOR_UNITS 5701
#define SIM_RID_APP_TYPE     5750

/* Limits of the settings (also quoted in etc/plugins/sim.conf). */
#define SIM_COUNT_MAX	    65535
#define SIM_BURST_MAX	    100000
#define SIM_INTERVAL_MAX_MS 86400000
#define SIM_DECIMALS_MAX    9

/* Seconds of host clock between two reports of a group's publish errors. */
#define SIM_ERROR_REPORT_MS 60000

enum sim_kind {
	SIM_TEMPERATURE,
	SIM_HUMIDITY,
	SIM_COUNTER,
	SIM_SINE,
	SIM_SWITCH,
};
#define SIM_KIND_COUNT 5

/* One entry of the "sensors" list, validated.  Fields a kind does not
 * use keep their defaults.  Strings are owned (free with
 * sim_params_release). */
struct sim_params {
	enum sim_kind kind;
	int line;		/* source line of the entry, 0 if unknown */
	int64_t count;		/* 1..SIM_COUNT_MAX */
	int64_t interval_ms;	/* 1..SIM_INTERVAL_MAX_MS */
	int64_t first_instance; /* 0..65534, or -1: LWB_ANY_IID */
	int64_t burst;		/* 1..SIM_BURST_MAX changes per tick */
	char *app_type;		/* 5750, NULL: not published */
	char *units;		/* 5701, NULL: not published */
	/* random walk (temperature, humidity) */
	double min, max, step, start;
	/* -1: publish full precision, else round to this many decimals */
	int64_t decimals;
	/* sine */
	double offset, amplitude, period_s;
	/* counter */
	int64_t counter_step;
	/* switch */
	double probability;
	bool output; /* also a 3201 Digital Output per instance */
	/* Each instance changes once per interval_ms either way; spread
	 * staggers them over the interval in slots instead of all at one
	 * tick, as sensors polled one after another would. */
	bool spread;
};

/* The whole configuration of one plugin instance. */
struct sim_config {
	uint64_t seed;
	bool seed_set;
	struct sim_params *groups;
	unsigned int ngroups;
};

/*
 * Reads settings (NULL: none) into *cfg: the demo set when there is no
 * "sensors" list.  Every unknown key, wrong type or out-of-range value is
 * an error, logged through host with the key's name and line.  Returns 0,
 * -EINVAL or -ENOMEM; on error *cfg holds nothing to release.
 */
int sim_config_read(struct lwb_host *host,
		    const struct config_setting_t *settings,
		    struct sim_config *cfg);
/* Frees what sim_config_read allocated.  NULL ok. */
void sim_config_release(struct sim_config *cfg);
/* "temperature", "humidity", ... (static strings). */
const char *sim_kind_name(enum sim_kind kind);

/* ---- run-time state ---------------------------------------------------- */

/* xorshift64*: small, fast, good enough for demo data, and reproducible. */
struct sim_rng {
	uint64_t s; /* never 0 */
};

void sim_rng_seed(struct sim_rng *rng, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *rng);
/* Uniform in [0, 1). */
double sim_rng_unit(struct sim_rng *rng);

struct sim_group;

/* One simulated sensor: the ctx of its object instance(s). */
struct sim_inst {
	struct sim_group *group;
	double value;	 /* walk state (unrounded) or last sine value */
	double shown;	 /* the last published 5700 (rounded) */
	double min_seen; /* 5601 */
	double max_seen; /* 5602 */
	int64_t counter; /* 5501 */
	uint16_t iid;
	uint16_t out_iid; /* the 3201 instance, if the group has outputs */
	bool state;	  /* 5500 */
	bool out_state;	  /* 3201/5550 */
};

struct sim_plugin;

/* One entry of the sensors list at run time: one timer for all its
 * instances. */
struct sim_group {
	struct sim_plugin *sim;
	struct lwb_host *host;
	const struct lwb_host_api *api;
	struct sim_params p;
	unsigned int index; /* in the sensors list, for log lines */
	uint16_t oid;
	struct lwb_timer *timer;
	struct sim_inst *inst; /* p.count of them */
	uint32_t ninst;	       /* how many were created so far */
	double scale;	       /* 10^decimals, 0 when not rounding */
	double period_ms;      /* sine */
	/* The timer ticks once per slot: instance i changes at slot
	 * i % slots, so each changes once per interval_ms.  1 without
	 * spread.  The slot advances per tick: a period the loop skipped
	 * (it was late by a whole tick) delays the later slots by one tick
	 * rather than dropping a slot's change. */
	uint32_t slots;
	uint32_t next_slot;
	/* Publish errors: counted on the hot path, reported by the tick. */
	uint64_t err_pending;
	uint64_t err_total;
	int err_last;
	bool err_reported;
	uint64_t err_report_ms;
};

struct sim_plugin {
	struct lwb_host *host;
	struct sim_rng rng;
	struct sim_config cfg;
	struct sim_group *groups; /* cfg.ngroups */
	unsigned int ngroups;	  /* how many were set up so far */
};

/* The object a kind maps to. */
uint16_t sim_kind_oid(enum sim_kind kind);
/* Publishes an instance's initial values (at init). */
void sim_publish_initial(struct sim_group *g, struct sim_inst *in);
/* One timer tick of a group: burst changes for each instance of the next
 * slot (all of them without spread). */
void sim_group_tick(struct sim_group *g, uint64_t now_ms);
/* Logs the group's publish errors counted since the last report, if any,
 * at most once per SIM_ERROR_REPORT_MS (the first report at once). */
void sim_group_report_errors(struct sim_group *g, uint64_t now_ms);
/* The instance callbacks of a kind, and of the 3201 outputs. */
const struct lwb_instance_ops *sim_kind_ops(enum sim_kind kind);
extern const struct lwb_instance_ops sim_output_ops;

#endif

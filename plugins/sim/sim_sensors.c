/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulated sensors: how each type's values move, and the Write and
 * Execute callbacks of their instances.
 *
 * sim_group_tick is the benchmarks' load source, so per published value
 * it does no allocation, no logging and no formatting: a failed publish
 * only bumps a counter, and the tick reports the counters at most once a
 * minute per group.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "sim.h"
#include "sim_math.h"

/* ---- PRNG ---------------------------------------------------------------- */

/* splitmix64 spreads any seed, 0 included, into a usable state. */
void sim_rng_seed(struct sim_rng *rng, uint64_t seed)
{
	uint64_t z = seed + 0x9E3779B97F4A7C15ull;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	z ^= z >> 31;
	rng->s = z ? z : 0x9E3779B97F4A7C15ull;
}

uint64_t sim_rng_next(struct sim_rng *rng)
{
	uint64_t x = rng->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng->s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

double sim_rng_unit(struct sim_rng *rng)
{
	return (double)(sim_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* ---- publishing ---------------------------------------------------------- */

uint16_t sim_kind_oid(enum sim_kind kind)
{
	switch (kind) {
	case SIM_TEMPERATURE: return SIM_OID_TEMPERATURE;
	case SIM_HUMIDITY: return SIM_OID_HUMIDITY;
	case SIM_COUNTER: return SIM_OID_DIGITAL_INPUT;
	case SIM_SINE: return SIM_OID_GENERIC;
	case SIM_SWITCH: return SIM_OID_SWITCH;
	}
	return 0;
}

static inline void put(struct sim_group *g, uint16_t oid, uint16_t iid,
		       uint16_t rid, const struct lwb_value *v)
{
	int r = g->api->publish(g->host, oid, iid, rid, LWB_NO_RIID, v, 0);

	if (r < 0) {
		g->err_pending++;
		g->err_total++;
		g->err_last = r;
	}
}

static inline void put_float(struct sim_group *g, uint16_t iid, uint16_t rid,
			     double f)
{
	struct lwb_value v = {.type = LWB_TYPE_FLOAT, .v.f = f};

	put(g, g->oid, iid, rid, &v);
}

static inline void put_int(struct sim_group *g, uint16_t iid, uint16_t rid,
			   int64_t i)
{
	struct lwb_value v = {.type = LWB_TYPE_INTEGER, .v.i = i};

	put(g, g->oid, iid, rid, &v);
}

static inline void put_bool(struct sim_group *g, uint16_t oid, uint16_t iid,
			    uint16_t rid, bool b)
{
	struct lwb_value v = {.type = LWB_TYPE_BOOLEAN, .v.b = b};

	put(g, oid, iid, rid, &v);
}

static void put_string(struct sim_group *g, uint16_t iid, uint16_t rid,
		       const char *s)
{
	struct lwb_value v = {.type = LWB_TYPE_STRING,
			      .v.bytes = {s, strlen(s)}};

	put(g, g->oid, iid, rid, &v);
}

void sim_group_report_errors(struct sim_group *g, uint64_t now_ms)
{
	if (!g->err_pending || (g->err_reported && now_ms - g->err_report_ms <
							   SIM_ERROR_REPORT_MS))
		return;
	g->api->log(g->host, LWB_LOG_WARNING,
		    "sensors[%u] (%s, object %u): %" PRIu64
		    " publish errors since the last report, %" PRIu64
		    " in all; the last: %s",
		    g->index, sim_kind_name(g->p.kind), (unsigned int)g->oid,
		    g->err_pending, g->err_total, strerror(-g->err_last));
	g->err_pending = 0;
	g->err_reported = true;
	g->err_report_ms = now_ms;
}

/* ---- value models -------------------------------------------------------- */

static inline double walk(struct sim_rng *rng, const struct sim_params *p,
			  double v)
{
	v += (2.0 * sim_rng_unit(rng) - 1.0) * p->step;
	/* Reflect at the bounds so values do not pile up there; clamp in
	 * case the step is wider than the range. */
	if (v > p->max)
		v = 2.0 * p->max - v;
	if (v < p->min)
		v = 2.0 * p->min - v;
	if (v > p->max)
		v = p->max;
	if (v < p->min)
		v = p->min;
	return v;
}

static inline double rounded(const struct sim_group *g, double v)
{
	return g->scale > 0 ? sim_round(v * g->scale) / g->scale : v;
}

static inline double sine_at(const struct sim_group *g, double t_ms)
{
	return g->p.offset +
	       g->p.amplitude * sim_sin_turns(sim_phase(t_ms, g->period_ms));
}

/* Publishes 5700 and whichever of 5601/5602 it moved. */
static inline void show(struct sim_group *g, struct sim_inst *in, double v)
{
	in->shown = v;
	put_float(g, in->iid, SIM_RID_SENSOR_VALUE, v);
	if (v < in->min_seen) {
		in->min_seen = v;
		put_float(g, in->iid, SIM_RID_MIN_MEASURED, v);
	}
	if (v > in->max_seen) {
		in->max_seen = v;
		put_float(g, in->iid, SIM_RID_MAX_MEASURED, v);
	}
}

static inline int64_t bump(int64_t c, int64_t step)
{
	return c > INT64_MAX - step ? 0 : c + step;
}

static void tick_walk(struct sim_group *g, uint32_t first)
{
	struct sim_rng *rng = &g->sim->rng;
	const struct sim_params *p = &g->p;
	uint32_t burst = (uint32_t)p->burst;

	for (uint32_t i = first; i < g->ninst; i += g->slots) {
		struct sim_inst *in = &g->inst[i];

		for (uint32_t b = 0; b < burst; b++) {
			double v;

			in->value = walk(rng, p, in->value);
			v = rounded(g, in->value);
			/* Rounding may step just outside min..max. */
			v = v < p->min ? p->min : v > p->max ? p->max : v;
			show(g, in, v);
		}
	}
}

static void tick_sine(struct sim_group *g, uint32_t first, uint64_t now_ms)
{
	uint32_t burst = (uint32_t)g->p.burst;
	/* A burst samples the last interval evenly, ending at now, so its
	 * values differ and the last one is the value at now. */
	double dt = (double)g->p.interval_ms / (double)burst;

	for (uint32_t b = 0; b < burst; b++) {
		double t = (double)now_ms - (double)(burst - 1 - b) * dt;
		double v = rounded(g, sine_at(g, t));

		for (uint32_t i = first; i < g->ninst; i += g->slots) {
			g->inst[i].value = v;
			show(g, &g->inst[i], v);
		}
	}
}

static void tick_counter(struct sim_group *g, uint32_t first)
{
	uint32_t burst = (uint32_t)g->p.burst;
	int64_t step = g->p.counter_step;

	for (uint32_t i = first; i < g->ninst; i += g->slots) {
		struct sim_inst *in = &g->inst[i];

		for (uint32_t b = 0; b < burst; b++) {
			in->counter = bump(in->counter, step);
			in->state = !in->state;
			put_int(g, in->iid, SIM_RID_DI_COUNTER, in->counter);
			put_bool(g, g->oid, in->iid, SIM_RID_DI_STATE,
				 in->state);
		}
	}
}

static void tick_switch(struct sim_group *g, uint32_t first)
{
	struct sim_rng *rng = &g->sim->rng;
	uint32_t burst = (uint32_t)g->p.burst;
	double prob = g->p.probability;

	for (uint32_t i = first; i < g->ninst; i += g->slots) {
		struct sim_inst *in = &g->inst[i];

		for (uint32_t b = 0; b < burst; b++) {
			if (prob < 1.0 && !(sim_rng_unit(rng) < prob))
				continue;
			in->state = !in->state;
			in->counter = bump(in->counter, 1);
			put_bool(g, g->oid, in->iid, SIM_RID_DI_STATE,
				 in->state);
			put_int(g, in->iid, SIM_RID_DI_COUNTER, in->counter);
		}
	}
}

void sim_group_tick(struct sim_group *g, uint64_t now_ms)
{
	uint32_t slot = g->next_slot;

	g->next_slot = slot + 1 < g->slots ? slot + 1 : 0;
	switch (g->p.kind) {
	case SIM_TEMPERATURE:
	case SIM_HUMIDITY: tick_walk(g, slot); break;
	case SIM_SINE: tick_sine(g, slot, now_ms); break;
	case SIM_COUNTER: tick_counter(g, slot); break;
	case SIM_SWITCH: tick_switch(g, slot); break;
	}
	sim_group_report_errors(g, now_ms);
}

void sim_publish_initial(struct sim_group *g, struct sim_inst *in)
{
	const struct sim_params *p = &g->p;
	double lo = p->min, hi = p->max;

	switch (p->kind) {
	case SIM_SINE:
		lo = p->offset - fabs(p->amplitude);
		hi = p->offset + fabs(p->amplitude);
		in->value =
			rounded(g, sine_at(g, (double)g->api->now_ms(g->host)));
		in->shown = in->value;
		break;
	case SIM_TEMPERATURE:
	case SIM_HUMIDITY:
		in->value = p->start;
		in->shown = rounded(g, p->start);
		break;
	case SIM_COUNTER:
	case SIM_SWITCH:
		in->counter = 0;
		in->state = false;
		put_bool(g, g->oid, in->iid, SIM_RID_DI_STATE, false);
		put_int(g, in->iid, SIM_RID_DI_COUNTER, 0);
		if (p->output)
			put_bool(g, SIM_OID_DIGITAL_OUTPUT, in->out_iid,
				 SIM_RID_DO_STATE, false);
		goto app_type;
	}
	in->min_seen = in->max_seen = in->shown;
	put_float(g, in->iid, SIM_RID_SENSOR_VALUE, in->shown);
	put_float(g, in->iid, SIM_RID_MIN_MEASURED, in->min_seen);
	put_float(g, in->iid, SIM_RID_MAX_MEASURED, in->max_seen);
	put_float(g, in->iid, SIM_RID_MIN_RANGE, lo);
	put_float(g, in->iid, SIM_RID_MAX_RANGE, hi);
	if (p->units)
		put_string(g, in->iid, SIM_RID_SENSOR_UNITS, p->units);
app_type:
	if (p->app_type)
		put_string(g, in->iid, SIM_RID_APP_TYPE, p->app_type);
}

/* ---- instance callbacks -------------------------------------------------- */

static int publish_now(struct sim_group *g, uint16_t oid, uint16_t iid,
		       uint16_t rid, const struct lwb_value *v)
{
	int r = g->api->publish(g->host, oid, iid, rid, LWB_NO_RIID, v, 0);

	return r < 0 ? r : 0;
}

/* Application Type (5750) is writable in every object served here: keep
 * what the server wrote, as the daemon would, and publish it back so
 * observers and the MQTT mirror see it. */
static int write_common(struct sim_inst *in, uint16_t oid, uint16_t iid,
			uint16_t rid, const struct lwb_value *value)
{
	if (rid != SIM_RID_APP_TYPE)
		return -EOPNOTSUPP;
	if (value->type != LWB_TYPE_STRING)
		return -EINVAL;
	return publish_now(in->group, oid, iid, rid, value);
}

static int sensor_write(void *ctx, uint16_t rid, uint16_t riid,
			const struct lwb_value *value)
{
	struct sim_inst *in = ctx;

	if (riid != LWB_NO_RIID)
		return -ENOENT;
	return write_common(in, in->group->oid, in->iid, rid, value);
}

static int analog_execute(void *ctx, uint16_t rid, const char *args,
			  size_t args_len)
{
	struct sim_inst *in = ctx;
	struct sim_group *g = in->group;
	struct lwb_value v = {.type = LWB_TYPE_FLOAT, .v.f = in->shown};
	int r;

	(void)args;
	(void)args_len;
	if (rid != SIM_RID_RESET_MINMAX)
		return -EOPNOTSUPP;
	in->min_seen = in->max_seen = in->shown;
	if ((r = publish_now(g, g->oid, in->iid, SIM_RID_MIN_MEASURED, &v)) < 0)
		return r;
	return publish_now(g, g->oid, in->iid, SIM_RID_MAX_MEASURED, &v);
}

static int counter_execute(void *ctx, uint16_t rid, const char *args,
			   size_t args_len)
{
	struct sim_inst *in = ctx;
	struct sim_group *g = in->group;
	struct lwb_value v = {.type = LWB_TYPE_INTEGER, .v.i = 0};

	(void)args;
	(void)args_len;
	if (rid != SIM_RID_DI_CNT_RESET)
		return -EOPNOTSUPP;
	in->counter = 0;
	return publish_now(g, g->oid, in->iid, SIM_RID_DI_COUNTER, &v);
}

static int output_write(void *ctx, uint16_t rid, uint16_t riid,
			const struct lwb_value *value)
{
	struct sim_inst *in = ctx;
	int r;

	if (riid != LWB_NO_RIID)
		return -ENOENT;
	if (rid != SIM_RID_DO_STATE)
		return write_common(in, SIM_OID_DIGITAL_OUTPUT, in->out_iid,
				    rid, value);
	if (value->type != LWB_TYPE_BOOLEAN)
		return -EINVAL;
	r = publish_now(in->group, SIM_OID_DIGITAL_OUTPUT, in->out_iid, rid,
			value);
	if (r == 0)
		in->out_state = value->v.b;
	return r;
}

static const struct lwb_instance_ops analog_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.write = sensor_write,
	.execute = analog_execute,
};

static const struct lwb_instance_ops counter_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.write = sensor_write,
	.execute = counter_execute,
};

static const struct lwb_instance_ops switch_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.write = sensor_write,
};

const struct lwb_instance_ops sim_output_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.write = output_write,
};

const struct lwb_instance_ops *sim_kind_ops(enum sim_kind kind)
{
	switch (kind) {
	case SIM_TEMPERATURE:
	case SIM_HUMIDITY:
	case SIM_SINE: return &analog_ops;
	case SIM_COUNTER: return &counter_ops;
	case SIM_SWITCH: return &switch_ops;
	}
	return NULL;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim: simulated sensors mapped to IPSO objects, the demo's data source and
 * the benchmarks' load source.  See etc/plugins/sim.conf for the settings.
 *
 * Each entry of the sensors list is a group of `count` instances of one
 * sensor type sharing one periodic host timer, so a thousand instances
 * cost one wake-up per interval.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_math.h"

static void sim_fini(void *state);

static void on_tick(struct lwb_timer *timer, void *arg)
{
	struct sim_group *g = arg;

	(void)timer;
	sim_group_tick(g, g->api->now_ms(g->host));
}

/* With spread, as many slots as there are instances but at most one per
 * millisecond of the interval, and a divisor of it, so that a whole cycle
 * of slots takes exactly interval_ms (the timer has 1 ms resolution). */
static uint32_t spread_slots(const struct sim_params *p)
{
	int64_t most = p->count < p->interval_ms ? p->count : p->interval_ms;

	if (!p->spread)
		return 1;
	while (p->interval_ms % most != 0)
		most--;
	return (uint32_t)most;
}

static int create(struct sim_group *g, uint16_t oid, uint16_t iid,
		  const struct lwb_instance_ops *ops, struct sim_inst *in)
{
	int r = g->api->instance_create(g->host, oid, iid, ops, in);

	if (r < 0) {
		if (iid == LWB_ANY_IID)
			g->api->log(g->host, LWB_LOG_ERR,
				    "sensors[%u] (%s): cannot create an "
				    "instance of object %u: %s",
				    g->index, sim_kind_name(g->p.kind),
				    (unsigned int)oid, strerror(-r));
		else
			g->api->log(
				g->host, LWB_LOG_ERR,
				"sensors[%u] (%s): cannot create /%u/%u: %s",
				g->index, sim_kind_name(g->p.kind),
				(unsigned int)oid, (unsigned int)iid,
				strerror(-r));
	}
	return r;
}

static int setup_group(struct sim_plugin *sim, unsigned int idx)
{
	struct sim_group *g = &sim->groups[idx];
	const struct sim_params *p = &sim->cfg.groups[idx];
	const struct lwb_instance_ops *ops = sim_kind_ops(p->kind);
	uint64_t tick_ms;
	int r;

	g->sim = sim;
	g->host = sim->host;
	g->api = sim->host->api;
	g->p = *p; /* the strings stay owned by sim->cfg */
	g->index = idx;
	g->oid = sim_kind_oid(p->kind);
	g->scale = p->decimals >= 0 ? sim_pow10((int)p->decimals) : 0;
	g->period_ms = p->period_s * 1000.0;
	g->slots = spread_slots(p);
	g->inst = calloc((size_t)p->count, sizeof(*g->inst));
	if (!g->inst) {
		g->api->log(g->host, LWB_LOG_ERR, "out of memory");
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < (uint32_t)p->count; i++) {
		struct sim_inst *in = &g->inst[i];
		uint16_t iid = p->first_instance < 0
				       ? LWB_ANY_IID
				       : (uint16_t)(p->first_instance + i);

		in->group = g;
		if ((r = create(g, g->oid, iid, ops, in)) < 0)
			return r;
		in->iid = (uint16_t)r;
		g->ninst++;
		if (p->output) {
			r = create(g, SIM_OID_DIGITAL_OUTPUT, iid,
				   &sim_output_ops, in);
			if (r < 0)
				return r;
			in->out_iid = (uint16_t)r;
		}
		sim_publish_initial(g, in);
	}
	/* A resource the daemon's object definition lacks shows here. */
	sim_group_report_errors(g, g->api->now_ms(g->host));
	g->timer = g->api->timer_new(g->host, on_tick, g);
	if (!g->timer) {
		r = errno > 0 ? -errno : -ENOMEM;
		g->api->log(g->host, LWB_LOG_ERR,
			    "sensors[%u]: cannot create a timer: %s", idx,
			    strerror(-r));
		return r;
	}
	tick_ms = (uint64_t)p->interval_ms / g->slots;
	if (p->spread && g->slots == 1 && p->count > 1)
		g->api->log(g->host, LWB_LOG_WARNING,
			    "sensors[%u]: spread: interval_ms %lld has no "
			    "divisor from 2 to count (%lld): the instances "
			    "change together",
			    idx, (long long)p->interval_ms, (long long)p->count);
	r = g->api->timer_start(g->host, g->timer, tick_ms, tick_ms);
	if (r < 0) {
		g->api->log(g->host, LWB_LOG_ERR,
			    "sensors[%u]: cannot start a timer: %s", idx,
			    strerror(-r));
		return r;
	}
	return 0;
}

/* Without a seed setting: the clock, mixed with the instance name (FNV-1a)
 * so that two instances started in the same millisecond still differ. */
static uint64_t default_seed(struct lwb_host *host)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *c = host->api->instance_name(host); *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	return h ^ host->api->now_ms(host);
}

static int sim_init(struct lwb_host *host, void **state)
{
	struct sim_plugin *sim = calloc(1, sizeof(*sim));
	uint64_t seed, ninst = 0;
	int r;

	if (!sim) {
		r = -ENOMEM;
		goto oom;
	}
	sim->host = host;
	r = sim_config_read(host, host->api->settings(host), &sim->cfg);
	if (r == -ENOMEM)
		goto oom;
	if (r < 0)
		goto out;
	seed = sim->cfg.seed_set ? sim->cfg.seed : default_seed(host);
	sim_rng_seed(&sim->rng, seed);
	sim->groups = calloc(sim->cfg.ngroups, sizeof(*sim->groups));
	if (!sim->groups) {
		r = -ENOMEM;
		goto oom;
	}
	for (unsigned int i = 0; i < sim->cfg.ngroups; i++) {
		sim->ngroups++;
		if ((r = setup_group(sim, i)) < 0)
			goto out;
		ninst += sim->groups[i].ninst;
	}
	/* The seed is logged so that a run can be replayed. */
	host->api->log(host, LWB_LOG_INFO,
		       "%llu simulated sensors in %u groups, seed %llu",
		       (unsigned long long)ninst, sim->ngroups,
		       (unsigned long long)seed);
	*state = sim;
	return 0;
oom:
	host->api->log(host, LWB_LOG_ERR, "out of memory");
out:
	sim_fini(sim);
	return r;
}

static void sim_fini(void *state)
{
	struct sim_plugin *sim = state;

	if (!sim)
		return;
	for (unsigned int i = 0; i < sim->ngroups; i++) {
		struct sim_group *g = &sim->groups[i];

		if (g->timer)
			g->api->timer_free(g->host, g->timer);
		free(g->inst);
	}
	free(sim->groups);
	sim_config_release(&sim->cfg);
	free(sim);
}

LWB_PLUGIN_DEFINE(.name = "sim", .version = "1.0.0",
		  .description = "simulated sensors (temperature, humidity, "
				 "counter, sine, switch) for demos and load",
		  .init = sim_init, .fini = sim_fini);

/* engine.c: the table of engines, and the check-then-run convenience.
 *
 * The analytic engines are compiled in. The packet engine (plugin/, ns-3) is the module
 * crosspipe-ns3.so (module.h), opened only when something asks for it by name, lists every
 * engine or calls xp_packet(); without it the table is one entry shorter. */
#include "engine/engine.h"
#include "base/module.h"
#include "engine/packet.h"
#include "schedule/schedule_check.h"
#include "schedules/schedules.h"

#include <stdio.h>
#include <string.h>

extern const xp_engine xp_engine_analytic, xp_engine_ideal;

#define N_BUILTIN 2

/* the packet engine, once its module is loaded, is the last entry */
static const xp_engine *engines[N_BUILTIN + 1] = { &xp_engine_analytic, &xp_engine_ideal };

const xp_engine *const *xp_engines(size_t *n)
{
	const xp_packet_plugin *pk = xp_packet();
	if (pk)
		engines[N_BUILTIN] = pk->engine; /* every caller writes the same pointer */
	*n = N_BUILTIN + (pk != NULL);
	return engines;
}

const xp_engine *xp_engine_find(const char *name)
{
	for (size_t i = 0; i < N_BUILTIN; i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	if (strcmp(name, "packet") != 0)
		return NULL; /* the packet engine is the only one worth opening the module for */
	const xp_packet_plugin *pk = xp_packet();
	return pk ? pk->engine : NULL;
}

xp_status xp_packet_load(const xp_packet_plugin **out, xp_error *err)
{
	const void *api;
	xp_status st = xp_module_load("ns3", &api, err);
	*out = api;
	if (st == XP_ENOTBUILT) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err ? err->msg : "");
		return xp_fail(err, st,
		               "the packet engine was not built (ns-3 was not found when ./waf "
		               "configure ran; install libns3-dev and g++, then configure again; "
		               "%s)",
		               why);
	}
	return st;
}

const xp_packet_plugin *xp_packet(void)
{
	const xp_packet_plugin *pk;
	xp_error err;
	xp_status st = xp_packet_load(&pk, &err);
	if (st != XP_OK && st != XP_ENOTBUILT) {
		/* a module exists but is broken: callers say "not built", so say why, once */
		static int told;
		if (!told++)
			fprintf(stderr, "crosspipe: %s\n", err.msg);
	}
	return pk;
}

const xp_engine *xp_engine_default(void)
{
	return &xp_engine_analytic;
}

static xp_status run_with(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                          int keep_timeline, xp_result **out, xp_packet_stats *stats,
                          xp_error *err);

xp_status xp_engine_run(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                        xp_result **out, xp_error *err)
{
	return run_with(e, pr, sched, 1, out, NULL, err);
}

xp_status xp_engine_run_counted(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                                xp_result **out, xp_error *err)
{
	return run_with(e, pr, sched, 0, out, NULL, err);
}

xp_status xp_engine_run_measured(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                                 xp_result **out, xp_packet_stats *stats, xp_error *err)
{
	return run_with(e, pr, sched, 1, out, stats, err);
}

static xp_status run_with(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                          int keep_timeline, xp_result **out, xp_packet_stats *stats, xp_error *err)
{
	*out = NULL;
	const xp_packet_plugin *pk =
	    stats ? xp_packet() : NULL; /* opens the module: only if asked */
	if (stats && (!pk || pk->engine != e))
		return xp_fail(err, XP_EINVAL, "only the packet engine measures run statistics");
	xp_status st = xp_schedule_check(sched, err);
	if (st == XP_OK)
		st = xp_iterations_supported(e, pr, err);
	if (st != XP_OK)
		return st;
	if (pr->replan != XP_REPLAN_NEVER && pr->iterations > 1 && e != &xp_engine_analytic &&
	    e != &xp_engine_ideal)
		return xp_fail(
		    err, XP_EINVAL,
		    "schedule.replan: re-planning between iterations runs on the analytic "
		    "engine only, not on the %s engine",
		    e->name);
	if (xp_params_time_varying(pr) && !(e->caps & XP_ENGINE_VARYING))
		return xp_fail(
		    err, XP_EINVAL,
		    "the %s engine does not model links or devices that change over time "
		    "(network.inter_dc.trace, .variation, .degradation, stragglers.trace): "
		    "run this scenario on the analytic engine",
		    e->name);
	if (pr->dc_pairs && e != &xp_engine_analytic && e != &xp_engine_ideal)
		return xp_fail(err, XP_EINVAL,
		               "the %s engine does not build links per pair of datacenters "
		               "(network.inter_dc.pairs) yet: run this scenario on the analytic "
		               "engine, or describe the WAN by network.inter_dc alone",
		               e->name);
	xp_result *r = xp_result_new(sched, e->name);
	if (!r)
		return xp_fail(err, XP_ENOMEM, "out of memory creating a result");
	if (!keep_timeline)
		xp_result_summary_only(r);
	st = stats ? pk->run(pr, sched, r, stats, err) : e->run(pr, sched, r, err);
	if (st == XP_OK && e == &xp_engine_analytic)
		st = xp_robustness_run(pr, sched, r, err);
	if (st == XP_OK)
		st = xp_iterations_run(e, pr, sched, r, err);
	if (st == XP_OK && e == &xp_engine_analytic)
		st = xp_replan_run(pr, sched, r, err);
	if (st != XP_OK) {
		xp_result_free(r);
		return st;
	}
	*out = r;
	return XP_OK;
}

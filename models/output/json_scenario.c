/* json_scenario.c: the keys of the JSON scenario echo that are written only when a scenario sets
 * them (the cluster, the TP link, the time-varying WAN, stragglers, background traffic,
 * iterations and re-planning),
 * so that the echo of a scenario without them stays as it was (docs/outputs.md). */
#include <math.h>
#include <stdlib.h>

#include "output/output_int.h"

static void link_class(xp_json *j, const xp_link_class *l)
{
	xp_json_int(j, "latency_ns", l->latency_ns);
	if (isinf(l->bandwidth_bps))
		xp_json_null(j, "bandwidth_bps");
	else
		xp_json_num(j, "bandwidth_bps", l->bandwidth_bps);
}

/* A trace's rows as parallel arrays: times_ns[] and the values. */
static void link_rows(xp_json *j, const xp_link_variation *v)
{
	xp_json_object(j, "trace", 1);
	xp_json_ints(j, "times_ns", v->row_ns, (int)v->n_rows, 0);
	xp_json_nums(j, "bandwidth_bps", v->row_bps, (int)v->n_rows);
	xp_json_ints(j, "latency_ns", v->row_latency_ns, (int)v->n_rows, 0);
	xp_json_end(j);
}

/* network.inter_dc.trace, .variation, .degradation: "inter_dc_over_time", when any is given. */
static void link_variation(xp_json *j, const xp_link_variation *v)
{
	static const char *const models[] = { "none", "lognormal", "markov" };
	if (v->n_rows == 0 && v->model == XP_VARY_NONE && v->degrade_ns <= 0)
		return;
	xp_json_object(j, "inter_dc_over_time", 0);
	if (v->n_rows > 0)
		link_rows(j, v);
	if (v->model != XP_VARY_NONE) {
		xp_json_object(j, "variation", 1);
		xp_json_str(j, "model", models[v->model % 3]);
		xp_json_int(j, "correlation_time_ns", v->correlation_ns);
		if (v->model == XP_VARY_LOGNORMAL) {
			xp_json_num(j, "spread", v->spread);
			xp_json_int(j, "step_ns", v->step_ns);
		} else {
			xp_json_num(j, "low", v->low);
			xp_json_num(j, "low_share", v->low_share);
		}
		xp_json_end(j);
	}
	if (v->degrade_ns > 0) {
		xp_json_object(j, "degradation", 1);
		xp_json_int(j, "start_ns", v->degrade_start_ns);
		xp_json_int(j, "duration_ns", v->degrade_ns);
		xp_json_num(j, "bandwidth", v->degrade_factor);
		xp_json_end(j);
	}
	xp_json_end(j);
}

/* network.inter_dc.pairs: every pair given, lower datacenter first, with its nominal link and
 * its own trace. */
static void dc_pairs(xp_json *j, const xp_params *pr)
{
	int D = pr->datacenters;
	if (!pr->dc_pairs)
		return;
	xp_json_array(j, "dc_pairs", 0);
	for (int a = 0; a < D; a++)
		for (int b = a + 1; b < D; b++) {
			const xp_dc_pair *e = xp_params_dc_pair(pr, a, b);
			int between[2] = { a, b };
			if (!e)
				continue;
			xp_json_object(j, NULL, 1);
			xp_json_int32s(j, "between", between, 2);
			link_class(j, &e->link);
			if (e->var.n_rows > 0)
				link_rows(j, &e->var);
			xp_json_end(j);
		}
	xp_json_end(j);
}

/* stragglers.*: the slow devices, the factor (already folded into the block times above) and
 * the trace. */
static void stragglers(xp_json *j, const xp_params *pr)
{
	const xp_straggler *s = &pr->straggler;
	int n = 0, *dev = s->slow ? malloc((size_t)pr->stages * sizeof *dev) : NULL;
	if (!s->slow)
		return;
	for (int k = 0; dev && k < pr->stages; k++)
		if (s->slow[k])
			dev[n++] = k;
	xp_json_object(j, "stragglers", 0);
	xp_json_int32s(j, "devices", dev, dev ? n : 0);
	xp_json_num(j, "factor", s->factor);
	if (s->n_rows > 0) {
		xp_json_object(j, "trace", 1);
		xp_json_ints(j, "times_ns", s->row_ns, (int)s->n_rows, 0);
		xp_json_nums(j, "factors", s->row_factor, (int)s->n_rows);
		xp_json_end(j);
	}
	xp_json_end(j);
	free(dev);
}

/* network.background.*: the other tenants' traffic on the WAN, when there is any. */
static void background(xp_json *j, const xp_params *pr)
{
	const xp_background *b = &pr->background;
	if (!(b->load > 0))
		return;
	xp_json_object(j, "background", 1);
	xp_json_num(j, "load", b->load);
	xp_json_str(j, "transport", b->transport == XP_BG_TCP ? "tcp" : "udp");
	xp_json_str(j, "pattern", b->pattern == XP_BG_ONOFF ? "onoff" : "constant");
	if (b->pattern == XP_BG_ONOFF) {
		xp_json_int(j, "on_ns", b->on_ns);
		xp_json_int(j, "off_ns", b->off_ns);
	}
	xp_json_end(j);
}

/* The cluster and job keys of the memory model and the planner (model.transformer.tp, older,
 * shows in the times it gives). */
static void cluster(xp_json *j, const xp_params *pr)
{
	if (pr->global_batch > 0)
		xp_json_int(j, "global_batch", pr->global_batch);
	if (pr->dc_gpus > 0)
		xp_json_int(j, "dc_gpus", pr->dc_gpus);
	if (pr->gpus_per_node > 0)
		xp_json_int(j, "gpus_per_node", pr->gpus_per_node);
	const xp_link_class *tpl = &pr->intra_node; /* read with a transformer only: else {0, 0} */
	if (tpl->bandwidth_bps > 0 && (tpl->latency_ns > 0 || !isinf(tpl->bandwidth_bps))) {
		xp_json_object(j, "intra_node", 1);
		link_class(j, tpl);
		xp_json_end(j);
	}
}

void xp_out_json_scenario_extras(xp_json *j, const xp_params *pr)
{
	static const char *const replans[] = { "never", "every-iteration", "on-change" };
	cluster(j, pr);
	dc_pairs(j, pr);
	link_variation(j, &pr->inter_var);
	stragglers(j, pr);
	background(j, pr);
	if (pr->iterations > 1)
		xp_json_int(j, "iterations", pr->iterations);
	if (pr->replan != XP_REPLAN_NEVER)
		xp_json_str(j, "replan", replans[pr->replan % 3]);
	if (pr->switch_cost_ns > 0)
		xp_json_int(j, "switch_cost_ns", pr->switch_cost_ns);
}

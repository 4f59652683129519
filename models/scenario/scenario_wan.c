/* scenario_wan.c: the keys of a WAN that changes over time (network.inter_dc.trace, .variation,
 * .degradation), stragglers (stragglers.*) and back-to-back iterations (iterations). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define MAX_ITERATIONS 100000
#define MIN_STEP_NS    1000 /* 1 us: a finer stochastic step would need too many segments */

static const char *const models[] = { "none", "lognormal", "markov", NULL };
static const char *const replans[] = { "never", "every-iteration", "on-change", NULL };

/* A time key that must be > 0 when given. */
static xp_status positive_time(const xp_reader *rd, const char *key, int64_t lo, int64_t *out)
{
	xp_status st = xp_reader_i64(rd, key, xp_parse_time_ns, 0, out);
	if (!st && xp_reader_get(rd, key) && *out < lo)
		st = xp_reader_fail(rd, xp_reader_get(rd, key), key, "expected a time >= %lldns",
		                    (long long)lo);
	return st;
}

/* A key that only applies to one model. */
static xp_status only_for(const xp_reader *rd, const char *key, const char *model, int ok)
{
	const xp_node *n = xp_reader_get(rd, key);
	if (!n || ok)
		return XP_OK;
	return xp_reader_fail(rd, n, key, "applies only with variation.model: %s", model);
}

static xp_status read_variation(const xp_reader *rd, xp_link_variation *v)
{
	static const char corr[] = "network.inter_dc.variation.correlation_time";
	xp_status st = xp_reader_choice(rd, "network.inter_dc.variation.model", models, &v->model);
	v->low = 0.25;
	v->low_share = 0.5;
	int logn = v->model == XP_VARY_LOGNORMAL, markov = v->model == XP_VARY_MARKOV;
	if (st || (st = only_for(rd, corr, "lognormal or markov", logn || markov)))
		return st;
	if (!logn && !markov)
		return only_for(rd, "network.inter_dc.variation.spread", "lognormal", 0) ||
		               only_for(rd, "network.inter_dc.variation.step", "lognormal", 0) ||
		               only_for(rd, "network.inter_dc.variation.low", "markov", 0) ||
		               only_for(rd, "network.inter_dc.variation.low_share", "markov", 0)
		           ? XP_EINVAL
		           : XP_OK;
	if ((st = xp_reader_i64(rd, corr, xp_parse_time_ns, 1, &v->correlation_ns)) ||
	    (st = positive_time(rd, corr, MIN_STEP_NS, &v->correlation_ns)))
		return st;
	v->step_ns = v->correlation_ns / 4 > MIN_STEP_NS ? v->correlation_ns / 4 : MIN_STEP_NS;
	if ((st = only_for(rd, "network.inter_dc.variation.spread", "lognormal", logn)) ||
	    (st = only_for(rd, "network.inter_dc.variation.step", "lognormal", logn)) ||
	    (st = only_for(rd, "network.inter_dc.variation.low", "markov", markov)) ||
	    (st = only_for(rd, "network.inter_dc.variation.low_share", "markov", markov)) ||
	    (st = xp_reader_number(rd, "network.inter_dc.variation.spread", 0, 10, logn,
	                           &v->spread)) ||
	    (st = positive_time(rd, "network.inter_dc.variation.step", MIN_STEP_NS, &v->step_ns)) ||
	    (st = xp_reader_number(rd, "network.inter_dc.variation.low", 1e-6, 1, 0, &v->low)) ||
	    (st = xp_reader_number(rd, "network.inter_dc.variation.low_share", 1e-6, 1 - 1e-6, 0,
	                           &v->low_share)))
		return st;
	return XP_OK;
}

static xp_status read_degradation(const xp_reader *rd, xp_link_variation *v)
{
	static const char dur[] = "network.inter_dc.degradation.duration";
	xp_status st;
	if (!xp_reader_get(rd, "network.inter_dc.degradation"))
		return XP_OK;
	if ((st = xp_reader_i64(rd, "network.inter_dc.degradation.start", xp_parse_time_ns, 1,
	                        &v->degrade_start_ns)) ||
	    (st = xp_reader_i64(rd, dur, xp_parse_time_ns, 1, &v->degrade_ns)) ||
	    (st = positive_time(rd, dur, 1, &v->degrade_ns)) ||
	    (st = xp_reader_number(rd, "network.inter_dc.degradation.bandwidth", 0, 1, 1,
	                           &v->degrade_factor)))
		return st;
	if (v->degrade_ns > INT64_MAX / 2 - v->degrade_start_ns)
		return xp_reader_fail(rd, xp_reader_get(rd, dur), dur,
		                      "expected an end below 146 years");
	return XP_OK;
}

/* network.inter_dc.trace: the rows; without network.inter_dc.bandwidth / latency (or their
 * ratios) the class's nominal values (what the greedy, the solver and the ratios plan with) are
 * the first row's. */
static xp_status read_link_trace(const xp_reader *rd, xp_params *pr)
{
	xp_link_variation *v = &pr->inter_var;
	xp_status st = xp_read_trace_file(rd, "network.inter_dc.trace", 1, v, &v->n_rows);
	if (st || v->n_rows == 0)
		return st;
	if (!xp_reader_get(rd, "network.inter_dc.bandwidth") &&
	    !xp_reader_get(rd, "network.inter_dc.bandwidth_ratio"))
		pr->inter_dc.bandwidth_bps = v->row_bps[0];
	if (!xp_reader_get(rd, "network.inter_dc.latency") &&
	    !xp_reader_get(rd, "network.inter_dc.latency_ratio"))
		pr->inter_dc.latency_ns = v->row_latency_ns[0];
	return XP_OK;
}

/* stragglers.device or stragglers.datacenter: which stages are slow. */
static xp_status read_straggler_target(const xp_reader *rd, xp_params *pr, xp_straggler *s)
{
	int64_t dev = -1, dc = -1;
	const xp_node *nd = xp_reader_get(rd, "stragglers.device");
	const xp_node *nc = xp_reader_get(rd, "stragglers.datacenter");
	xp_status st;
	if ((st = xp_reader_int(rd, "stragglers.device", 0, pr->stages - 1, 0, &dev)) ||
	    (st = xp_reader_int(rd, "stragglers.datacenter", 0, pr->datacenters - 1, 0, &dc)))
		return st;
	if (nd && nc)
		return xp_reader_fail(rd, nc, "stragglers.datacenter",
		                      "give stragglers.device or stragglers.datacenter, not both");
	if (!nd && !nc)
		return xp_reader_fail(rd, xp_reader_get(rd, "stragglers"), "stragglers",
		                      "expected stragglers.device or stragglers.datacenter");
	if (!(s->slow = calloc((size_t)pr->stages, 1)))
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (int k = 0; k < pr->stages; k++)
		s->slow[k] = nd ? k == dev : pr->placement[k] == dc;
	return XP_OK;
}

/* The constant factor, folded into the straggler's block times. */
static void slow_down(xp_params *pr, const xp_straggler *s)
{
	for (int k = 0; k < pr->stages; k++) {
		if (!s->slow[k])
			continue;
		pr->forward_ns[k] = llround((double)pr->forward_ns[k] * s->factor);
		pr->backward_input_ns[k] = llround((double)pr->backward_input_ns[k] * s->factor);
		pr->backward_weight_ns[k] = llround((double)pr->backward_weight_ns[k] * s->factor);
	}
}

static xp_status read_stragglers(const xp_reader *rd, xp_params *pr)
{
	xp_straggler *s = &pr->straggler;
	s->factor = 1;
	if (!xp_reader_get(rd, "stragglers"))
		return XP_OK;
	xp_status st = read_straggler_target(rd, pr, s);
	if (!st)
		st = xp_reader_number(rd, "stragglers.factor", 1e-6, 1e6, 0, &s->factor);
	if (!st)
		st = xp_read_trace_file(rd, "stragglers.trace", 0, s, &s->n_rows);
	if (!st)
		slow_down(pr, s);
	return st;
}

xp_status xp_read_wan(const xp_reader *rd, xp_params *pr)
{
	int64_t iterations = 1;
	xp_status st;
	if ((st = read_link_trace(rd, pr)) || (st = read_variation(rd, &pr->inter_var)) ||
	    (st = read_degradation(rd, &pr->inter_var)) || (st = xp_read_dc_pairs(rd, pr)) ||
	    (st = read_stragglers(rd, pr)) ||
	    (st = xp_reader_int(rd, "iterations", 1, MAX_ITERATIONS, 0, &iterations)) ||
	    (st = xp_reader_choice(rd, "schedule.replan", replans, &pr->replan)) ||
	    (st = xp_reader_i64(rd, "schedule.switch_cost", xp_parse_time_ns, 0,
	                        &pr->switch_cost_ns)))
		return st;
	pr->iterations = (int)iterations;
	return XP_OK;
}

int xp_params_time_varying(const xp_params *pr)
{
	const xp_link_variation *v = &pr->inter_var;
	int pair_rows = 0;
	for (int i = 0; pr->dc_pairs && i < pr->datacenters * pr->datacenters; i++)
		pair_rows |= pr->dc_pairs[i].var.n_rows > 0;
	return v->n_rows > 0 || v->model != XP_VARY_NONE || v->degrade_ns > 0 ||
	       pr->straggler.n_rows > 0 || pair_rows;
}

void xp_params_free_wan(xp_params *pr)
{
	free(pr->inter_var.row_ns);
	free(pr->inter_var.row_bps);
	free(pr->inter_var.row_latency_ns);
	free(pr->straggler.slow);
	free(pr->straggler.row_ns);
	free(pr->straggler.row_factor);
	xp_params_free_pairs(pr);
}

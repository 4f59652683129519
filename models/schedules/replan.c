/* replan.c: re-planning an adaptive schedule between iterations (schedule.replan, run --replan).
 *
 * Like a runtime that hot-switches pipeline schedules: after each iteration the conditions it
 * met on the WAN are measured from its own transfers (the inter-DC bandwidth as bits moved per
 * second of link time, the latency as the mean time in flight), and the schedule is rebuilt by
 * its generator for those values, as if they were the scenario's. `every-iteration` rebuilds
 * after every iteration; `on-change` only when the measured bandwidth or latency differs by more
 * than XP_REPLAN_CHANGE from what the schedule in use was planned with. An iteration that runs a
 * schedule other than the previous one's pays schedule.switch_cost once, at its start.
 *
 * xp_engine_run calls it after the fixed iterations (the one place a result is made), so the
 * engine module reaches up to the generators here and nowhere else. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/evaluator.h"
#include "schedules/schedules.h"

#define XP_REPLAN_CHANGE 0.10

/* The inter-DC conditions r met, or the planned ones where it had no DC-crossing transfer. */
static xp_link_class measured(const xp_result *r, xp_link_class planned)
{
	double bits = 0, busy = 0, flight = 0;
	int n = 0;
	for (size_t i = 0; i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		if (!t->crosses_dc)
			continue;
		bits += 8.0 * (double)t->bytes;
		busy += (double)(t->end_ns - t->start_ns);
		flight += (double)(t->arrive_ns - t->end_ns);
		n++;
	}
	if (n == 0)
		return planned;
	xp_link_class m = { llround(flight / n), busy > 0 ? bits * 1e9 / busy : INFINITY };
	return m;
}

static int differs(double a, double b)
{
	if (isinf(a) || isinf(b))
		return isinf(a) != isinf(b);
	return fabs(a - b) > XP_REPLAN_CHANGE * fmax(fabs(a), fabs(b));
}

static int same_order(const xp_schedule *a, const xp_schedule *b)
{
	if (!xp_schedule_same_shape(a, b))
		return 0;
	for (int d = 0; d < xp_schedule_devices(a); d++)
		if (xp_schedule_len(a, d) != xp_schedule_len(b, d) ||
		    memcmp(xp_schedule_ops(a, d), xp_schedule_ops(b, d),
		           xp_schedule_len(a, d) * sizeof(xp_op)))
			return 0;
	return 1;
}

/* Time s as the iteration starting at origin; *ms its makespan, *met the conditions. */
static xp_status one_iteration(const xp_params *pr, const xp_schedule *s, int64_t origin,
                               int64_t *ms, xp_link_class *met, xp_error *err)
{
	xp_evaluator *ev;
	const xp_result *r;
	xp_status st = xp_evaluator_new(pr, s, &ev, err);
	if (st != XP_OK)
		return st;
	xp_evaluator_set_origin(ev, origin);
	st = xp_evaluator_run(ev, s, &r, err);
	if (st == XP_OK) {
		*ms = r->makespan_ns;
		*met = measured(r, pr->inter_dc);
	}
	xp_evaluator_free(ev);
	return st;
}

/* Rebuild the schedule for conditions met into *cur (freeing the old one unless it is first). */
static xp_status rebuild(const xp_params *pr, const xp_schedule_kind *kind, xp_link_class met,
                         const xp_schedule *first, xp_schedule **cur, xp_error *err)
{
	xp_params planned = *pr; /* shares pr's arrays; the WAN is the measured one, constant */
	planned.inter_dc = met;
	planned.inter_var = (xp_link_variation){ 0 };
	planned.dc_pairs = NULL; /* every inter-DC link as measured: one figure for all of them */
	planned.straggler.n_rows = 0; /* the constant factor is in the block times already */
	xp_schedule *next = NULL;
	xp_status st = kind->build(&planned, &next, err);
	if (st != XP_OK)
		return st;
	if (*cur != first)
		xp_schedule_free(*cur);
	*cur = next;
	return XP_OK;
}

/* The generators that plan for the network, and so can be re-planned. */
static const xp_schedule_kind *replannable(const xp_schedule *s)
{
	static const char *const names[] = { "greedy", "greedy-v", "crossudsub" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(xp_schedule_name(s), names[i]))
			return xp_schedule_kind_find(names[i]);
	return NULL;
}

/* Should the schedule planned for `plan` be rebuilt after an iteration that met `met`? */
static int wants_replan(const xp_params *pr, xp_link_class plan, xp_link_class met)
{
	if (pr->replan == XP_REPLAN_EVERY)
		return 1;
	return differs(plan.bandwidth_bps, met.bandwidth_bps) ||
	       differs((double)plan.latency_ns, (double)met.latency_ns);
}

/* Every iteration in turn, re-planning between them; times[i] includes any switch cost. */
static xp_status iterate(const xp_params *pr, const xp_schedule *first,
                         const xp_schedule_kind *kind, int64_t *times, int *switches, xp_error *err)
{
	xp_schedule *cur = (xp_schedule *)first; /* never changed: only compared and timed */
	xp_link_class plan = pr->inter_dc, met;
	int64_t origin = 0, cost = 0;
	xp_status st = XP_OK;
	*switches = 0;
	for (int i = 0; i < pr->iterations && st == XP_OK; i++) {
		int64_t ms = 0;
		st = one_iteration(pr, cur, origin + cost, &ms, &met, err);
		times[i] = ms + cost;
		origin += times[i];
		cost = 0;
		if (st != XP_OK || i + 1 == pr->iterations || !wants_replan(pr, plan, met))
			continue;
		xp_schedule *prev = cur;
		cur = NULL;
		st = rebuild(pr, kind, met, first, &cur, err);
		if (st == XP_OK && !same_order(prev, cur)) {
			cost = pr->switch_cost_ns;
			++*switches;
		}
		if (prev != first)
			xp_schedule_free(prev);
		if (st != XP_OK)
			cur = NULL;
		plan = met;
	}
	if (cur != first)
		xp_schedule_free(cur);
	return st;
}

xp_status xp_replan_run(const xp_params *pr, const xp_schedule *sched, xp_result *r, xp_error *err)
{
	const xp_schedule_kind *kind = replannable(sched);
	int n = pr->iterations;
	if (pr->replan == XP_REPLAN_NEVER || n <= 1 || !kind || r->iters.n != n)
		return XP_OK;
	int64_t *times = malloc((size_t)n * sizeof *times);
	int switches = 0;
	xp_status st = times ? iterate(pr, sched, kind, times, &switches, err)
	                     : xp_fail(err, XP_ENOMEM, "out of memory for re-planning");
	if (st != XP_OK) {
		free(times);
		return st;
	}
	if (xp_iterations_set(&r->iters, times, n) != XP_OK)
		return xp_fail(err, XP_ENOMEM, "out of memory for re-planning");
	r->iters.replan = pr->replan;
	r->iters.switches = switches;
	return XP_OK;
}

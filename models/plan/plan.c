/* plan.c: the planner's search: every layout of the space classified (divisibility, memory,
 * other scenario errors), the feasible ones simulated in increasing order of their lower bound
 * until the bound passes the k-th best time, then ranked. Every layout is parsed as the scenario
 * `crosspipe run FILE --set ...` would read, and timed by xp_engine_run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/progress.h"
#include "engine/engine.h"
#include "plan/plan_int.h"
#include "schedules/schedules.h"

static const char *const class_names[XP_PLAN_CLASSES] = {
	"simulated", "divisibility", "memory-states", "memory-activations",
	"invalid",   "bound",        "no-schedule",   "same-split",
};

const char *xp_plan_class_name(xp_plan_class c)
{
	return (unsigned)c < XP_PLAN_CLASSES ? class_names[c] : "?";
}

const char *xp_plan_cross_name(int cross)
{
	static const char *const names[XP_PLAN_CROSSES] = { "pp", "dp", "hierarchical" };
	return (unsigned)cross < XP_PLAN_CROSSES ? names[cross] : "?";
}

/* datacenters.placement of an uneven layout: its first dc0_stages stages in DC 0. */
static void placement_list(const xp_plan_layout *l, char *buf, size_t len)
{
	size_t at = (size_t)snprintf(buf, len, "datacenters.placement=[");
	for (int k = 0; k < l->pp && at + 3 < len; k++)
		at +=
		    (size_t)snprintf(buf + at, len - at, "%s%d", k ? "," : "", k >= l->dc0_stages);
	snprintf(buf + at, len - at, "]");
}

int xp_plan_overrides(const xp_plan_layout *l, char over[XP_PLAN_OVERS][XP_PLAN_OVER_LEN])
{
	int n = 7;
	snprintf(over[0], XP_PLAN_OVER_LEN, "pipeline.stages=%d", l->pp);
	snprintf(over[1], XP_PLAN_OVER_LEN, "pipeline.dp=%d", l->dp);
	snprintf(over[2], XP_PLAN_OVER_LEN, "model.transformer.tp=%d", l->tp);
	snprintf(over[3], XP_PLAN_OVER_LEN, "model.transformer.microbatch_size=%d", l->b);
	snprintf(over[4], XP_PLAN_OVER_LEN, "model.recompute=%s", l->recompute ? "full" : "none");
	snprintf(over[5], XP_PLAN_OVER_LEN, "datacenters.split=%s", xp_plan_cross_name(l->cross));
	snprintf(over[6], XP_PLAN_OVER_LEN, "memory.limit=hbm");
	if (l->balanced)
		snprintf(over[n++], XP_PLAN_OVER_LEN, "model.transformer.layout=balanced");
	if (l->dc0_stages)
		placement_list(l, over[n++], XP_PLAN_OVER_LEN);
	return n;
}

/* Parse layout l: the plan's sets, l's overrides, then `extra` (NULL: none). */
static xp_status parse_layout(const xp_plan *pl, const xp_plan_layout *l, const char *extra,
                              xp_scenario **out, xp_error *err)
{
	char over[XP_PLAN_OVERS][XP_PLAN_OVER_LEN];
	const char *all[64 + XP_PLAN_OVERS + 1];
	int n = 0, k = xp_plan_overrides(l, over);
	for (int i = 0; i < pl->n_sets && n < 64; i++)
		all[n++] = pl->sets[i];
	for (int i = 0; i < k; i++)
		all[n++] = over[i];
	if (extra)
		all[n++] = extra;
	return xp_scenario_parse(pl->text, pl->len, pl->path, all, n, out, err);
}

xp_status xp_plan_scenario(const xp_plan *pl, const xp_plan_layout *l, xp_scenario **out,
                           xp_error *err)
{
	return parse_layout(pl, l, NULL, out, err);
}

/* The layer split of pr as runs, "2*62|1*2", and its stages per DC, "32+32". */
static void describe(xp_plan_layout *l, const xp_params *pr)
{
	size_t at = 0, len = sizeof l->split;
	l->split[0] = '\0';
	for (int k = 0; pr->stage_layers && k < pr->stages && at < len;) {
		int run = 1;
		while (k + run < pr->stages && pr->stage_layers[k + run] == pr->stage_layers[k])
			run++;
		at += (size_t)snprintf(l->split + at, len - at, "%s%lld*%d", k ? "|" : "",
		                       (long long)pr->stage_layers[k], run);
		k += run;
	}
	if (at >= len)
		memcpy(l->split + len - 4, "...", 4);
	at = 0;
	for (int dc = 0; !pr->dp_across_dc && dc < pr->datacenters; dc++) {
		int n = 0;
		for (int k = 0; k < pr->stages; k++)
			n += pr->placement[k] == dc;
		at += (size_t)snprintf(l->placed + at, sizeof l->placed - at, "%s%d", dc ? "+" : "",
		                       n);
		if (at >= sizeof l->placed)
			break;
	}
	if (pr->dp_across_dc)
		snprintf(l->placed, sizeof l->placed, "dp");
	l->gpus_used = (int64_t)l->tp * l->pp * l->dp;
}

/* A balanced split that came out as the even one: the same layout as its even twin. */
static int even_split(const xp_params *pr, int64_t layers)
{
	for (int k = 0; pr->stage_layers && k < pr->stages; k++)
		if (pr->stage_layers[k] != layers / pr->stages + (k < layers % pr->stages))
			return 0;
	return 1;
}

/* Parse every layout that divides: its scenario into sc[i] and its bound, or its class. */
static xp_status classify(xp_plan *pl, xp_scenario **sc)
{
	for (int i = 0; i < pl->n_lay; i++) {
		xp_plan_layout *l = &pl->lay[i];
		xp_error err, err2;
		xp_scenario *loose = NULL;
		if (l->cls != XP_PLAN_SIMULATED)
			continue;
		xp_error_clear(&err);
		xp_status st = parse_layout(pl, l, NULL, &sc[i], &err);
		if (st == XP_ENOMEM)
			return st;
		if (st == XP_OK) {
			const xp_params *pr = xp_scenario_params(sc[i]);
			describe(l, pr);
			l->bound_ns = xp_plan_bound_ns(pr);
			if (l->balanced && even_split(pr, pl->space.layers)) {
				l->cls = XP_PLAN_SAME_SPLIT;
				snprintf(l->why, sizeof l->why,
				         "the balanced split is the even one");
				xp_scenario_free(sc[i]);
				sc[i] = NULL;
			}
			continue;
		}
		snprintf(l->why, sizeof l->why, "%.199s", err.msg);
		xp_error_clear(&err2);
		l->cls = XP_PLAN_INVALID;
		if (parse_layout(pl, l, "memory.limit=inf", &loose, &err2) == XP_OK) {
			const xp_params *pr = xp_scenario_params(loose);
			l->cls = XP_PLAN_MEMORY_ACTIVATIONS;
			for (int k = 0; pr->stage_memory && k < pr->stages; k++)
				if (xp_stage_memory_left(&pr->stage_memory[k]) <= 0)
					l->cls = XP_PLAN_MEMORY_STATES;
		}
		xp_scenario_free(loose);
	}
	return XP_OK;
}

/* The figures of the plan's row from the fastest fitting result r of layout l. */
static void take(xp_plan_layout *l, const xp_params *pr, const xp_result *r)
{
	int64_t wan = 0, peak = 0, busy = 0;
	double bubble = 0;
	for (size_t i = 0; i < r->n_transfers; i++)
		wan += r->transfers[i].crosses_dc ? r->transfers[i].bytes : 0;
	for (size_t i = 0; i < r->n_collectives; i++)
		wan +=
		    r->collectives[i].kind == XP_COLL_WAN_ALLREDUCE ? r->collectives[i].bytes : 0;
	for (int k = 0; k < pr->stages; k++) {
		const xp_stage_memory *e = &pr->stage_memory[k];
		int64_t total =
		    xp_stage_memory_static(e) + r->peak_memory_bytes[k] + e->reserve_bytes;
		peak = total > peak ? total : peak;
		busy = r->busy_ns[k] > busy ? r->busy_ns[k] : busy;
		bubble += r->bubble_ratio[k] / pr->stages;
	}
	snprintf(l->schedule, sizeof l->schedule, "%s", r->schedule);
	l->makespan_ns = r->makespan_ns;
	l->peak_bytes = peak;
	l->hbm_bytes = pr->stage_memory[0].hbm_bytes;
	l->wan_bytes = wan;
	l->tokens_per_s = r->tokens_per_s;
	l->mfu = pr->model_flops * pr->microbatches * pr->dp /
	         ((double)l->gpus_used * pr->gpu_flops * (double)r->makespan_ns * 1e-9);
	l->bubble = bubble;
	l->busy_max_ns = busy;
	l->wan_busy_ns = r->wan_busy_ns;
}

/* Build schedule `name` for pr and time it: XP_OK with *s and *r (free both); XP_ENOMEM; or
 * another code when it does not build or run (the layout then skips it, as `run` does). */
static xp_status time_schedule(const xp_params *pr, const char *name, xp_schedule **s,
                               xp_result **r)
{
	const xp_schedule_kind *kind = xp_schedule_kind_find(name);
	xp_error err;
	xp_error_clear(&err);
	*s = NULL;
	*r = NULL;
	xp_status st = kind ? kind->build(pr, s, &err) : XP_EINVAL;
	if (st == XP_OK)
		st = xp_engine_run(xp_engine_default(), pr, *s, r, &err);
	if (st != XP_OK) {
		xp_result_free(*r);
		xp_schedule_free(*s);
		*s = NULL;
		*r = NULL;
	}
	return st;
}

/* Time every schedule of the layout's list (only: that one alone, the one the sweep's rows
 * chose; "": none fits); keep the fastest that fits the memory left. */
static xp_status simulate(xp_plan_layout *l, const xp_params *pr, const char *only)
{
	l->cls = XP_PLAN_NO_SCHEDULE;
	snprintf(l->why, sizeof l->why, "no schedule fits the memory HBM leaves for activations");
	for (int i = 0; i < pr->n_schedules; i++) {
		if (only && strcmp(only, pr->schedules[i]))
			continue;
		xp_schedule *s;
		xp_result *r;
		xp_status st = time_schedule(pr, pr->schedules[i], &s, &r);
		if (st == XP_OK && r->fits_memory &&
		    (l->cls != XP_PLAN_SIMULATED || r->makespan_ns < l->makespan_ns)) {
			l->cls = XP_PLAN_SIMULATED;
			l->why[0] = '\0';
			take(l, pr, r);
		}
		xp_result_free(r);
		xp_schedule_free(s);
		if (st == XP_ENOMEM)
			return st;
	}
	return XP_OK;
}

/* Layout indices in increasing order of bound (then enumeration). */
static const xp_plan_layout *sort_base;
static int by_bound(const void *a, const void *b)
{
	const xp_plan_layout *x = &sort_base[*(const int *)a], *y = &sort_base[*(const int *)b];
	if (x->bound_ns != y->bound_ns)
		return x->bound_ns < y->bound_ns ? -1 : 1;
	return x->index - y->index;
}

/* The ranking: simulated by time, then enumeration order; the rest in enumeration order. */
static int by_rank(const void *a, const void *b)
{
	const xp_plan_layout *x = a, *y = b;
	int sx = x->cls == XP_PLAN_SIMULATED, sy = y->cls == XP_PLAN_SIMULATED;
	if (sx != sy)
		return sy - sx;
	if (sx && x->makespan_ns != y->makespan_ns)
		return x->makespan_ns < y->makespan_ns ? -1 : 1;
	return x->index - y->index;
}

/* Insert t into the k smallest times so far (best[0..*n), ascending). */
static void keep_best(int64_t *best, int *n, int k, int64_t t)
{
	int i;
	if (*n == k) {
		if (t >= best[k - 1])
			return;
		i = k - 1;
	} else {
		i = (*n)++;
	}
	while (i > 0 && best[i - 1] > t) {
		best[i] = best[i - 1];
		i--;
	}
	best[i] = t;
}

/* The layouts that parsed, in increasing order of bound (then enumeration): n of them. */
static int *bound_order(xp_plan *pl, xp_scenario **sc, int *n)
{
	int *order = malloc((size_t)(pl->n_lay ? pl->n_lay : 1) * sizeof *order);
	*n = 0;
	for (int i = 0; order && i < pl->n_lay; i++)
		if (sc[i])
			order[(*n)++] = i;
	sort_base = pl->lay;
	if (order)
		qsort(order, (size_t)*n, sizeof *order, by_bound);
	return order;
}

/* Simulate in bound order until the bound passes the k-th best (chosen: per layout index, the
 * schedule a sweep's rows found fastest, or "" for none; NULL: try every schedule here). */
static xp_status run_in_bound_order(xp_plan *pl, xp_scenario **sc, int k, int exhaustive,
                                    const char *const *chosen)
{
	int n = 0, n_best = 0, done = 0, *order = bound_order(pl, sc, &n);
	int64_t *best = malloc((size_t)k * sizeof *best);
	xp_status st = order && best ? XP_OK : XP_ENOMEM;
	for (int j = 0; !st && j < n; j++) {
		xp_plan_layout *l = &pl->lay[order[j]];
		if (!exhaustive && n_best == k && l->bound_ns > best[k - 1]) {
			l->cls = XP_PLAN_BOUND;
			snprintf(l->why, sizeof l->why, "bound %.6g s > the %d-th best %.6g s",
			         (double)l->bound_ns * 1e-9, k, (double)best[k - 1] * 1e-9);
			continue;
		}
		st =
		    simulate(l, xp_scenario_params(sc[order[j]]), chosen ? chosen[order[j]] : NULL);
		if (!st && l->cls == XP_PLAN_SIMULATED)
			keep_best(best, &n_best, k, l->makespan_ns);
		done++;
		xp_progress("%d of %d feasible layouts simulated (%d pruned by bound so far)", done,
		            n, j + 1 - done);
	}
	free(order);
	free(best);
	return st;
}

/* Classify every layout, then run them in bound order (see run_in_bound_order). */
static xp_status search(xp_plan *pl, int k, int exhaustive, const char *const *chosen,
                        xp_error *err)
{
	if (k < 1)
		return xp_fail(err, XP_EINVAL, "xp_plan_search: k must be >= 1");
	xp_scenario **sc = calloc((size_t)(pl->n_lay ? pl->n_lay : 1), sizeof *sc);
	if (!sc)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	xp_progress_task(0, "plan %s (%d layouts)", pl->path, pl->n_lay);
	xp_status st = pl->classified ? XP_OK : classify(pl, sc);
	pl->classified = 1;
	for (int i = 0; !st && chosen && i < pl->n_lay; i++)
		if (pl->lay[i].cls == XP_PLAN_SIMULATED && !sc[i])
			st = parse_layout(pl, &pl->lay[i], NULL, &sc[i], err) ? XP_ENOMEM : XP_OK;
	if (!st)
		st = run_in_bound_order(pl, sc, k, exhaustive, chosen);
	for (int i = 0; i < pl->n_lay; i++)
		xp_scenario_free(sc[i]);
	free(sc);
	if (st)
		return xp_fail(err, st, "out of memory during the plan's search");
	memset(pl->counts, 0, sizeof pl->counts);
	for (int i = 0; i < pl->n_lay; i++)
		pl->counts[pl->lay[i].cls]++;
	qsort(pl->lay, (size_t)pl->n_lay, sizeof *pl->lay, by_rank);
	return XP_OK;
}

xp_status xp_plan_search(xp_plan *pl, int k, int exhaustive, xp_error *err)
{
	return search(pl, k, exhaustive, NULL, err);
}

xp_status xp_plan_classify(xp_plan *pl, xp_error *err)
{
	xp_scenario **sc = calloc((size_t)(pl->n_lay ? pl->n_lay : 1), sizeof *sc);
	if (!sc)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	xp_status st = pl->classified ? XP_OK : classify(pl, sc);
	int n = 0, *order = st ? NULL : bound_order(pl, sc, &n);
	if (!st && !order)
		st = XP_ENOMEM;
	for (int j = 0; !st && j < n; j++)
		pl->lay[order[j]].feasible = j + 1;
	pl->classified = 1;
	for (int i = 0; i < pl->n_lay; i++)
		xp_scenario_free(sc[i]);
	free(sc);
	free(order);
	return st ? xp_fail(err, st, "out of memory classifying the plan's layouts") : XP_OK;
}

xp_status xp_plan_search_chosen(xp_plan *pl, int k, int exhaustive, const char *const *chosen,
                                xp_error *err)
{
	return search(pl, k, exhaustive, chosen, err);
}

/* One solver's order of layout l, kept when it fits and beats the refined one so far. */
static xp_status refine_with(xp_plan_layout *l, const xp_params *pr, const char *name)
{
	xp_schedule *s;
	xp_result *r;
	xp_status st = time_schedule(pr, name, &s, &r);
	const xp_solver_info *si = s ? xp_schedule_solver(s) : NULL;
	if (st == XP_OK && r->fits_memory && (!l->refined_ns || r->makespan_ns < l->refined_ns)) {
		snprintf(l->refined_schedule, sizeof l->refined_schedule, "%s", name);
		l->refined_ns = r->makespan_ns;
		snprintf(l->refined_status, sizeof l->refined_status, "%s",
		         si ? xp_solver_status_name(si->status) : "none");
		l->refined_gap = si ? si->gap : 0;
	}
	xp_result_free(r);
	xp_schedule_free(s);
	return st == XP_ENOMEM ? st : XP_OK;
}

xp_status xp_plan_refine(xp_plan *pl, int k, const char *time_limit, xp_error *err)
{
	char limit[96];
	snprintf(limit, sizeof limit, "solver.time_limit=%s", time_limit);
	for (int i = 0; i < k && i < pl->n_lay && pl->lay[i].cls == XP_PLAN_SIMULATED; i++) {
		xp_plan_layout *l = &pl->lay[i];
		xp_scenario *sc = NULL;
		xp_error perr;
		xp_error_clear(&perr);
		xp_progress("refining layout %d of %d with the solvers", i + 1, k);
		xp_status st = parse_layout(pl, l, limit, &sc, &perr);
		if (st == XP_OK)
			st = refine_with(l, xp_scenario_params(sc), "optimal");
		if (st == XP_OK)
			st = refine_with(l, xp_scenario_params(sc), "optimal-v");
		xp_scenario_free(sc);
		if (st == XP_ENOMEM)
			return xp_fail(err, st, "out of memory refining the plan");
		if (st != XP_OK) /* the limit itself does not parse */
			return xp_fail(err, XP_EINVAL, "--solver-time: %s", perr.msg);
	}
	return XP_OK;
}

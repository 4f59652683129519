/* greedy_search.c: the generators crossudsub (the authors' single rule set), greedy and greedy-v
 * (best of several rule sets and sub-block counts, then a local search). */
#include "greedy_int.h"

#include "evaluator.h"

xp_status xp_schedule_build_crossudsub(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	xp_greedy_opts o = { .n_sub = pr ? pr->n_sub : 4, .rule = XP_RULES_EXACT };
	return xp_greedy_run(pr, &o, "crossudsub", out, err);
}

xp_status xp_schedule_build_greedy(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_greedy_best(pr, 0, "greedy", out, err);
}

xp_status xp_schedule_build_greedy_v(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_greedy_best(pr, 1, "greedy-v", out, err);
}

/* The candidates, in the order ties are broken: the authors' rules at schedule.n_sub first. */
static int candidates(const xp_params *pr, int v_placement, xp_greedy_opts *o, int max)
{
	int subs[5] = { pr->n_sub, 1, 2, 4, 8 }, n = 0;
	int cells = pr->stages * pr->microbatches * pr->stages; /* one run's work, about */
	for (int r = 0; r < XP_RULES_COUNT; r++)
		for (int lf = 0; lf <= v_placement; lf++)
			for (int k = 0; k < 5 && n < max; k++) {
				if (k > 0 && subs[k] == pr->n_sub)
					continue;
				if (k > 0 && subs[k] > 4 &&
				    (cells > (1 << 20) || r >= XP_RULES_F_EAGER))
					continue; /* the finest split only fills small bubbles */
				o[n++] = (xp_greedy_opts){ .n_sub = subs[k],
					                   .rule = (xp_greedy_rule)r,
					                   .v_placement = v_placement,
					                   .later_first = !lf };
			}
	return n;
}

xp_status xp_greedy_best(const xp_params *pr, int v_placement, const char *name, xp_schedule **out,
                         xp_error *err)
{
	xp_greedy_opts o[XP_RULES_COUNT * 2 * 5];
	xp_status st = xp_gen_params(pr, name, out, err);
	if (st)
		return st;
	int n = candidates(pr, v_placement, o, (int)(sizeof o / sizeof o[0]));
	xp_schedule *shape = v_placement ? xp_schedule_new_v(pr->stages, pr->microbatches)
	                                 : xp_schedule_new(pr->stages, 1, pr->microbatches, NULL);
	xp_evaluator *ev = NULL;
	st = shape ? xp_evaluator_new(pr, shape, &ev, err) : XP_ENOMEM;
	xp_schedule_free(shape);
	if (st != XP_OK)
		return xp_fail(err, st, "%s: out of memory", name);
	xp_schedule *best = NULL;
	int64_t best_ms = -1;
	xp_error first = { 0 };
	for (int i = 0; i < n; i++) {
		xp_schedule *s = NULL;
		xp_error e;
		st = xp_greedy_run(pr, &o[i], name, &s, &e);
		if (st && !first.code)
			first = e;
		if (st == XP_ENOMEM || st == XP_EINVAL)
			break;
		int64_t ms = st ? -1 : xp_evaluator_makespan(ev, s);
		if (ms >= 0 && (best_ms < 0 || ms < best_ms)) {
			xp_schedule_free(best);
			best = s;
			best_ms = ms;
		} else {
			xp_schedule_free(s);
		}
	}
	if (!best) {
		xp_evaluator_free(ev);
		return xp_fail(err, first.code ? first.code : XP_EMEMORY, "%s",
		               first.code ? first.msg
		                          : "no greedy candidate fits the memory limit");
	}
	size_t ops = xp_schedule_total_ops(best);
	long budget = (long)(300000 / (ops + 1));
	budget = budget > 200 ? 200 : budget;
	st = xp_greedy_local_search(ev, &best, &best_ms, budget);
	xp_evaluator_free(ev);
	if (st != XP_OK) {
		xp_schedule_free(best);
		return xp_fail(err, XP_ENOMEM, "%s: out of memory in the local search", name);
	}
	*out = best;
	return XP_OK;
}

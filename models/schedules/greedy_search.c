/* greedy_search.c: the generators crossudsub (the authors' single rule set), greedy and greedy-v
 * (best of several rule sets and sub-block counts, then a local search). */
#include "schedules/greedy_int.h"

#include "engine/evaluator.h"
#include "schedules/schedules.h"

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
static int candidates(const xp_params *pr, int v_placement, int whole_blocks, xp_greedy_opts *o,
                      int max)
{
	int subs[5] = { whole_blocks ? 1 : pr->n_sub, 1, 2, 4, 8 }, n = 0;
	int n_subs = whole_blocks ? 1 : 5;
	int cells = pr->stages * pr->microbatches * pr->stages; /* one run's work, about */
	for (int r = 0; r < XP_RULES_COUNT; r++)
		for (int lf = 0; lf <= v_placement; lf++)
			for (int k = 0; k < n_subs && n < max; k++) {
				if (k > 0 && subs[k] == subs[0])
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

/* Seed the search with the static schedules of the placement that fit memory: the greedy then
 * never loses to them. Keeps the fastest of best and the statics in best. The statics have the
 * candidates' shape, so ev (the candidates' workspace) times them. */
static void seed_statics(const xp_params *pr, int v_placement, xp_evaluator *ev, xp_schedule **best,
                         int64_t *best_ms)
{
	static const char *const uni[] = { "zbh1", "1f1b", "zbh2", "gpipe", NULL };
	static const char *const vee[] = { "zbv", NULL };
	for (const char *const *k = v_placement ? vee : uni; *k; k++) {
		const xp_schedule_kind *kind = xp_schedule_kind_find(*k);
		xp_schedule *s = NULL;
		if (!kind || kind->build(pr, &s, NULL) != XP_OK)
			continue;
		int64_t ms = xp_evaluator_accepts(ev, s) ? xp_evaluator_makespan(ev, s) : -1;
		if (ms >= 0 && (*best_ms < 0 || ms < *best_ms)) {
			xp_schedule_free(*best);
			*best = s;
			*best_ms = ms;
		} else {
			xp_schedule_free(s);
		}
	}
}

xp_status xp_greedy_best(const xp_params *pr, int v_placement, const char *name, xp_schedule **out,
                         xp_error *err)
{
	/* schedule.n_sub 1 asks for whole blocks (as a torch export needs): no split candidates */
	return xp_greedy_best_of(pr, v_placement, pr && pr->n_sub == 1, name, out, err);
}

/* The candidates' search: each run and timed in turn, the fastest kept (with first_fit, the
 * first that fits memory, the rest not run), then the statics. best is NULL when none fits;
 * XP_ENOMEM or XP_EINVAL from a candidate stops the search (no statics). */
static void run_candidates(const xp_params *pr, int v_placement, int whole_blocks, const char *name,
                           int first_fit, xp_evaluator *ev, xp_schedule **best, int64_t *best_ms,
                           xp_error *first)
{
	xp_greedy_opts o[XP_RULES_COUNT * 2 * 5];
	int n = candidates(pr, v_placement, whole_blocks, o, (int)(sizeof o / sizeof o[0]));
	*best = NULL;
	*best_ms = -1;
	for (int i = 0; i < n && !(first_fit && *best); i++) {
		xp_schedule *s = NULL;
		xp_error e;
		xp_status st = xp_greedy_run(pr, &o[i], name, &s, &e);
		if (st && !first->code)
			*first = e;
		if (st == XP_ENOMEM || st == XP_EINVAL)
			return;
		int64_t ms = st ? -1 : xp_evaluator_makespan(ev, s);
		if (ms >= 0 && (*best_ms < 0 || ms < *best_ms)) {
			xp_schedule_free(*best);
			*best = s;
			*best_ms = ms;
		} else {
			xp_schedule_free(s);
		}
	}
	if (!(first_fit && *best))
		seed_statics(pr, v_placement, ev, best, best_ms);
}

/* The search up to the local search: *best the fastest candidate (with first_fit the first that
 * fits), or an error naming why none fits. *ev is the candidates' evaluator (free it). */
static xp_status search(const xp_params *pr, int v_placement, int whole_blocks, const char *name,
                        int first_fit, xp_evaluator **ev, xp_schedule **best, int64_t *best_ms,
                        xp_error *err)
{
	xp_schedule *out = NULL;
	xp_status st = xp_gen_params(pr, name, &out, err);
	*ev = NULL;
	*best = NULL;
	if (st)
		return st;
	xp_schedule *shape = v_placement ? xp_schedule_new_v(pr->stages, pr->microbatches)
	                                 : xp_schedule_new(pr->stages, 1, pr->microbatches, NULL);
	st = shape ? xp_evaluator_new(pr, shape, ev, err) : XP_ENOMEM;
	xp_schedule_free(shape);
	if (st != XP_OK)
		return xp_fail(err, st, "%s: out of memory", name);
	xp_error first = { 0 };
	/* a candidate's ENOMEM or EINVAL ends the search, with what was found before it */
	run_candidates(pr, v_placement, whole_blocks, name, first_fit, *ev, best, best_ms, &first);
	if (!*best)
		return xp_fail(err, first.code ? first.code : XP_EMEMORY, "%s",
		               first.code ? first.msg
		                          : "no greedy candidate fits the memory limit");
	return XP_OK;
}

xp_status xp_greedy_best_of(const xp_params *pr, int v_placement, int whole_blocks,
                            const char *name, xp_schedule **out, xp_error *err)
{
	xp_evaluator *ev = NULL;
	xp_schedule *best = NULL;
	int64_t best_ms = -1;
	xp_status st = search(pr, v_placement, whole_blocks, name, 0, &ev, &best, &best_ms, err);
	if (st == XP_OK) {
		size_t ops = xp_schedule_total_ops(best);
		long budget = (long)(300000 / (ops + 1));
		budget = budget > 200 ? 200 : budget;
		if (xp_greedy_local_search(ev, &best, &best_ms, budget) != XP_OK)
			st = xp_fail(err, XP_ENOMEM, "%s: out of memory in the local search", name);
	}
	xp_evaluator_free(ev);
	if (st != XP_OK) {
		xp_schedule_free(best);
		*out = NULL;
		return st;
	}
	xp_schedule_set_name(best, name);
	*out = best;
	return XP_OK;
}

/* The probe of greedy and greedy-v: their search until the first candidate that fits. */
static xp_status probe(const xp_params *pr, int v_placement, const char *name, xp_error *err)
{
	xp_evaluator *ev = NULL;
	xp_schedule *best = NULL;
	int64_t best_ms = -1;
	xp_status st =
	    search(pr, v_placement, pr && pr->n_sub == 1, name, 1, &ev, &best, &best_ms, err);
	xp_schedule_free(best);
	xp_evaluator_free(ev);
	return st;
}

xp_status xp_schedule_probe_greedy(const xp_params *pr, xp_error *err)
{
	return probe(pr, 0, "greedy", err);
}

xp_status xp_schedule_probe_greedy_v(const xp_params *pr, xp_error *err)
{
	return probe(pr, 1, "greedy-v", err);
}

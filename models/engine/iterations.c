/* iterations.c: several training iterations back to back on the analytic (or ideal) engine.
 *
 * Iteration i+1 starts at the absolute time where iteration i ended: its end includes the
 * gradient reduce-scatters (and the all-reduce across DCs with datacenters.split: dp), and the
 * next iteration begins with its parameter all-gathers, so the DP collectives sit between the
 * iterations as in training. On a constant network every iteration takes the same time; a
 * time-varying link or straggler trace is read at the iteration's own absolute times. */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/analytic_int.h"
#include "engine/engine.h"

extern const xp_engine xp_engine_analytic, xp_engine_ideal;

void xp_engine_summarise(double *ms, int n, int64_t *mean, int64_t *p50, int64_t *p95, int64_t *min,
                         int64_t *max)
{
	gsl_sort(ms, 1, (size_t)n);
	*mean = llround(gsl_stats_mean(ms, 1, (size_t)n));
	*p50 = llround(gsl_stats_median_from_sorted_data(ms, 1, (size_t)n));
	*p95 = llround(gsl_stats_quantile_from_sorted_data(ms, 1, (size_t)n, 0.95));
	*min = (int64_t)ms[0];
	*max = (int64_t)ms[n - 1];
}

xp_status xp_iterations_set(xp_iterations *it, int64_t *times, int n)
{
	double *ms = malloc((size_t)n * sizeof *ms);
	if (!ms) {
		free(times);
		return XP_ENOMEM;
	}
	for (int i = 0; i < n; i++)
		ms[i] = (double)times[i];
	free(it->times_ns);
	*it = (xp_iterations){ .n = n, .times_ns = times };
	it->stddev_ns = n > 1 ? llround(gsl_stats_sd(ms, 1, (size_t)n)) : 0;
	xp_engine_summarise(ms, n, &it->mean_ns, &it->p50_ns, &it->p95_ns, &it->min_ns,
	                    &it->max_ns);
	free(ms);
	return XP_OK;
}

/* Time every iteration into times (n entries), with one workspace and one scratch result. */
static xp_status run_all(const xp_params *pr, const xp_schedule *s, int ideal, int n,
                         int64_t *times, xp_error *err)
{
	xp_analytic *a = NULL;
	xp_result *r = xp_result_new(s, ideal ? "ideal" : "analytic");
	if (r)
		xp_result_summary_only(r); /* only the makespans are kept */
	xp_status st = r ? xp_analytic_new(pr, s, ideal, &a, err)
	                 : xp_fail(err, XP_ENOMEM, "out of memory for iterations");
	int64_t origin = 0;
	for (int i = 0; i < n && st == XP_OK; i++) {
		xp_analytic_set_origin(a, origin);
		st = xp_result_reset(r, s);
		if (st != XP_OK)
			st = xp_fail(err, st, "out of memory for iterations");
		else
			st = xp_analytic_time(a, s, r, err, NULL, NULL);
		times[i] = r->makespan_ns;
		if (st == XP_OK && r->makespan_ns > INT64_MAX / 4 - origin)
			st = xp_fail(err, XP_EINVAL, "iteration %d ends beyond 2^62 ns", i + 1);
		origin += r->makespan_ns;
	}
	xp_analytic_free(a);
	xp_result_free(r);
	return st;
}

xp_status xp_iterations_supported(const xp_engine *e, const xp_params *pr, xp_error *err)
{
	if (pr->iterations <= 1 || e == &xp_engine_analytic || e == &xp_engine_ideal ||
	    (e->caps & XP_ENGINE_ITERATES))
		return XP_OK;
	return xp_fail(
	    err, XP_EINVAL,
	    "iterations: %d iterations run on the analytic and ideal engines only, not on "
	    "the %s engine",
	    pr->iterations, e->name);
}

xp_status xp_iterations_run(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                            xp_result *r, xp_error *err)
{
	int n = pr->iterations;
	xp_status st = xp_iterations_supported(e, pr, err);
	if (n <= 1 || st != XP_OK || (e->caps & XP_ENGINE_ITERATES))
		return st; /* such an engine filled r->iters in its run */
	int64_t *times = malloc((size_t)n * sizeof *times);
	st = times ? run_all(pr, sched, e == &xp_engine_ideal, n, times, err)
	           : xp_fail(err, XP_ENOMEM, "out of memory for iterations");
	if (st == XP_OK && xp_iterations_set(&r->iters, times, n) != XP_OK)
		return xp_fail(err, XP_ENOMEM, "out of memory for iterations");
	if (st != XP_OK)
		free(times);
	return st;
}

/* robust.c: robustness of a fixed schedule under noisy block and link times (GSL). */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "engine/analytic_int.h"

typedef struct noise {
	gsl_rng *rng;
	double zeta, sigma; /* log-normal parameters giving mean 1 and the requested deviation */
} noise;

static double draw(void *ctx)
{
	noise *n = ctx;
	return gsl_ran_lognormal(n->rng, n->zeta, n->sigma);
}

/* k noisy re-timings of s into ms, with one engine workspace and one result for all. */
static xp_status samples(const xp_params *pr, const xp_schedule *s, noise *n, double *ms, int k,
                         xp_error *err)
{
	xp_analytic *a = NULL;
	xp_result *r = xp_result_new(s, "analytic");
	if (r)
		xp_result_summary_only(r); /* only the makespans are kept */
	xp_status st = r ? xp_analytic_new(pr, s, 0, &a, err)
	                 : xp_fail(err, XP_ENOMEM, "out of memory in a robustness run");
	for (int i = 0; i < k && st == XP_OK; i++) {
		st = xp_result_reset(r, s);
		if (st == XP_OK)
			st = xp_analytic_time(a, s, r, err, draw, n);
		else
			xp_fail(err, st, "out of memory in a robustness run");
		ms[i] = (double)r->makespan_ns;
	}
	xp_analytic_free(a);
	xp_result_free(r);
	return st;
}

static void summarise(xp_robustness *rb, double *ms, int k)
{
	xp_engine_summarise(ms, k, &rb->mean_ns, &rb->median_ns, &rb->p95_ns, &rb->min_ns,
	                    &rb->max_ns);
}

xp_status xp_robustness_run(const xp_params *pr, const xp_schedule *sched, xp_result *r,
                            xp_error *err)
{
	int k = pr->jitter_samples;
	r->robust = (xp_robustness){ 0 };
	if (k <= 0)
		return XP_OK;
	double *ms = malloc((size_t)k * sizeof *ms);
	noise n = { gsl_rng_alloc(gsl_rng_mt19937), 0, 0 };
	if (!ms || !n.rng) {
		free(ms);
		gsl_rng_free(n.rng);
		return xp_fail(err, XP_ENOMEM, "out of memory in a robustness run");
	}
	gsl_rng_set(n.rng, (unsigned long)pr->seed);
	n.sigma = sqrt(log1p(pr->jitter * pr->jitter));
	n.zeta = -n.sigma * n.sigma / 2;
	xp_status st = samples(pr, sched, &n, ms, k, err);
	if (st == XP_OK) {
		r->robust.samples = k;
		r->robust.jitter = pr->jitter;
		summarise(&r->robust, ms, k);
	}
	free(ms);
	gsl_rng_free(n.rng);
	return st;
}

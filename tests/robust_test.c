/* robust_test.c: the robustness re-timing against an independent oracle. On one device (p=1)
 * with equal 2 ms blocks and no links, a noisy iteration's makespan is 2 ms times the sum of its
 * 2m block factors, whatever the order in which the engine draws them. The oracle draws the same
 * factors from the same generator (GSL's MT19937 seeded with the scenario's seed) as the model
 * defines them: log-normal with mean 1 and standard deviation `jitter`, that is
 * sigma^2 = ln(1 + jitter^2) and mu = -sigma^2 / 2, and computes every statistic itself. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "fixture.h"
#include "tap.h"

#define BLOCK_NS 2000000 /* every F and every combined B (T_D + T_W) */

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-quantile of sorted v[0, n): linear interpolation at rank (n - 1) q. */
static double quantile(const double *v, int n, double q)
{
	double at = (n - 1) * q;
	int lo = (int)floor(at);
	return lo + 1 < n ? v[lo] + (at - lo) * (v[lo + 1] - v[lo]) : v[n - 1];
}

/* The oracle's sorted makespans (ns) of `samples` noisy iterations of `blocks` blocks. */
static double *oracle(uint64_t seed, double jitter, int samples, int blocks)
{
	double *ms = malloc((size_t)samples * sizeof *ms);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!ms || !rng)
		bail("out of memory");
	gsl_rng_set(rng, (unsigned long)seed);
	double sigma = sqrt(log(1 + jitter * jitter));
	for (int i = 0; i < samples; i++) {
		double sum = 0;
		for (int b = 0; b < blocks; b++)
			sum += BLOCK_NS * gsl_ran_lognormal(rng, -sigma * sigma / 2, sigma);
		ms[i] = sum;
	}
	gsl_rng_free(rng);
	qsort(ms, (size_t)samples, sizeof *ms, by_value);
	return ms;
}

static xp_robustness retime(int m, double jitter, int samples, uint64_t seed)
{
	xp_params *pr = fx_new(1, m, BLOCK_NS, BLOCK_NS / 2, BLOCK_NS / 2);
	pr->jitter = jitter;
	pr->jitter_samples = samples;
	pr->seed = seed;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("analytic", pr, s);
	xp_error err;
	if (xp_robustness_run(pr, s, r, &err) != XP_OK)
		bail("robustness run: %s", err.msg);
	xp_robustness rb = r->robust;
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
	return rb;
}

/* 101 samples: each statistic equals the oracle's. Each block's noisy duration is rounded to a
 * whole nanosecond, so a makespan may differ from the oracle's by 0.5 ns per block. */
static void statistics(void)
{
	const int m = 8, n = 101;
	const double tol = 0.5 * 2 * m + 1;
	xp_robustness rb = retime(m, 0.2, n, 11);
	double *ms = oracle(11, 0.2, n, 2 * m), mean = 0;
	for (int i = 0; i < n; i++)
		mean += ms[i] / n;
	is_int(rb.samples, n, "101 samples are taken");
	is_double((double)rb.min_ns, ms[0], tol, "min is the oracle's smallest sample");
	is_double((double)rb.max_ns, ms[n - 1], tol, "max is the oracle's largest sample");
	is_double((double)rb.median_ns, ms[n / 2], tol, "median is the oracle's 51st of 101");
	is_double((double)rb.p95_ns, quantile(ms, n, 0.95), tol,
	          "p95 is the 0.95 quantile of the samples (rank 95 of 0..100)");
	is_double((double)rb.mean_ns, mean, tol, "mean is the samples' mean");
	ok(rb.p95_ns > rb.median_ns + 100000,
	   "p95 (%lld ns) lies well above the median (%lld ns) with 20%% jitter",
	   (long long)rb.p95_ns, (long long)rb.median_ns);
	free(ms);
}

/* The noise has mean 1: 2000 iterations of 64 blocks at 30% jitter average the noiseless
 * makespan within 0.5%, where the standard error is 0.3 / sqrt(128000) = 0.08%; without the
 * log-normal's mean correction (mu = 0) the mean factor would be exp(sigma^2 / 2) = 1.044. */
static void mean_factor(void)
{
	const int m = 32;
	xp_robustness rb = retime(m, 0.3, 2000, 5);
	double noiseless = 2.0 * m * BLOCK_NS;
	is_double((double)rb.mean_ns / noiseless, 1.0, 0.005,
	          "the mean noise factor is 1 within 0.5%% (mean %lld ns, noiseless %.0f ns)",
	          (long long)rb.mean_ns, noiseless);
}

int main(void)
{
	plan(8);
	statistics();
	mean_factor();
	return done_testing();
}

/* quality_test.c: the adaptive and solver schedules never lose to what they compete with.
 * greedy is never slower than a static schedule of its placement (zbh1, 1f1b, zbh2, gpipe) that
 * fits memory, greedy-v never slower than zbv, on random scenarios; optimal is never slower than
 * greedy on the same scenarios (with a small work limit, so the test is quick and
 * deterministic). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "schedules/schedules.h"
#include "tap.h"

enum { T = 1000000, N_RANDOM = 30 }; /* T_F in ns */

/* A scenario drawn from rng: p 2..6, m 1..12, uneven block times, WAN latency up to 3 T_F,
 * bandwidth from free to one message per T_F, dp 1..2, memory 1x..2x. */
static xp_params *random_params(unsigned *rng)
{
	int p = 2 + rand_r(rng) % 5, m = 1 + rand_r(rng) % 12;
	xp_params *pr = fx_new(p, m, T, T, T);
	for (int k = 0; k < p; k++) {
		pr->forward_ns[k] = T / 2 + rand_r(rng) % T;
		pr->backward_input_ns[k] = T / 2 + rand_r(rng) % T;
		pr->backward_weight_ns[k] = T / 4 + rand_r(rng) % T;
	}
	int64_t lat = rand_r(rng) % (3 * T);
	int bw = rand_r(rng) % 4;
	fx_datacenters(pr, 2, lat, bw ? 8e9 * 1000.0 / (bw * T) : INFINITY);
	pr->dp = 1 + rand_r(rng) % 2;
	pr->intra_dc.bandwidth_bps = 8e9 * 1000.0 / T;
	fx_memory_factor(pr, 1.0 + (rand_r(rng) % 5) * 0.25);
	pr->n_sub = 1 << rand_r(rng) % 3;
	pr->solver_time_limit_ns = 60 * (int64_t)1000000000;
	pr->solver_work_limit = 20000;
	return pr;
}

/* Analytic makespan of generator name under pr, or -1 when it cannot be built or does not fit
 * memory. */
static int64_t fitting_makespan(const char *name, const xp_params *pr)
{
	const xp_schedule_kind *k = xp_schedule_kind_find(name);
	xp_schedule *s = NULL;
	xp_error err;
	int64_t ms = -1;
	if (!k)
		bail("no generator %s", name);
	if (k->build(pr, &s, &err) != XP_OK)
		return -1;
	xp_result *r = fx_run("analytic", pr, s);
	if (r->fits_memory)
		ms = r->makespan_ns;
	xp_result_free(r);
	xp_schedule_free(s);
	return ms;
}

/* On N_RANDOM random scenarios, `who` is never slower than any of `rivals` that fits memory. */
static void never_slower(const char *who, const char *const *rivals, int with_solver)
{
	unsigned rng = 4242;
	int bad = 0, compared = 0;
	for (int t = 0; t < N_RANDOM; t++) {
		xp_params *pr = random_params(&rng);
		if (!with_solver && pr->stages * pr->microbatches > 48) { /* keep it quick */
			fx_free(pr);
			continue;
		}
		int64_t mine = fitting_makespan(who, pr);
		for (const char *const *r = rivals; *r; r++) {
			int64_t theirs = fitting_makespan(*r, pr);
			if (theirs < 0)
				continue;
			compared++;
			if (mine < 0 || mine > theirs) {
				if (bad++ < 3)
					diag("scenario %d (p %d, m %d): %s %lld ns, %s %lld ns", t,
					     pr->stages, pr->microbatches, who, (long long)mine, *r,
					     (long long)theirs);
			}
		}
		fx_free(pr);
	}
	ok(bad == 0 && compared > 0, "%s is never slower than %s... (%d comparisons, %d worse)",
	   who, rivals[0], compared, bad);
}

int main(void)
{
	static const char *const uni[] = { "zbh1", "1f1b", "zbh2", "gpipe", NULL };
	static const char *const vee[] = { "zbv", NULL };
	static const char *const greedy[] = { "greedy", NULL };
	plan(3);
	never_slower("greedy", uni, 0);
	never_slower("greedy-v", vee, 0);
	never_slower("optimal", greedy, 1);
	return done_testing();
}

/* select_test.c: `auto` selection and the robustness re-timing. */
#include <string.h>

#include "fixture.h"
#include "schedules/schedules.h"
#include "tap.h"

enum { T = 1000 };

static void auto_picks_fastest_fitting(void)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	fx_datacenters(pr, 2, 2 * T, 1000 * 8e9 / (2.0 * T));
	fx_memory_factor(pr, 1.0);
	xp_schedule *s = NULL;
	xp_error err;
	is_int(xp_select_auto(pr, &s, &err), XP_OK, "auto builds a schedule");
	int n;
	const xp_candidate *c = xp_schedule_candidates(s, &n);
	int best = 1;
	for (int i = 1; i < n; i++)
		if (c[i].fits_memory && c[i].makespan_ns < c[0].makespan_ns)
			best = 0;
	ok(n > 1 && c[0].fits_memory && best,
	   "the chosen candidate fits and none that fits is faster");
	is_str(xp_schedule_name(s), "auto", "the schedule is named auto");
	xp_result *r = fx_run("analytic", pr, s);
	is_int(r->makespan_ns, c[0].makespan_ns,
	       "running it gives the chosen candidate's makespan");
	ok(r->fits_memory, "it fits memory");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_memory_factor(pr, 0.1);
	is_int(xp_select_auto(pr, &s, &err), XP_EMEMORY, "no candidate fits a tiny limit: EMEMORY");
	has_str(err.msg, "memory.limit", "the message names memory.limit");
	ok(s == NULL, "and returns no schedule");
	fx_free(pr);
}

static void robustness(void)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	fx_datacenters(pr, 2, 2 * T, 1000 * 8e9 / (2.0 * T));
	xp_schedule *s = fx_build("zbh1", pr);
	xp_result *r = fx_run("analytic", pr, s);
	xp_error err;
	pr->jitter = 0;
	pr->jitter_samples = 5;
	xp_robustness_run(pr, s, r, &err);
	ok(r->robust.samples == 5 && r->robust.mean_ns == r->makespan_ns &&
	       r->robust.p95_ns == r->makespan_ns,
	   "no jitter: every sample equals the makespan");
	pr->jitter = 0.1;
	pr->jitter_samples = 101;
	xp_robustness_run(pr, s, r, &err);
	xp_robustness a = r->robust;
	ok(a.min_ns <= a.median_ns && a.median_ns <= a.p95_ns && a.p95_ns <= a.max_ns &&
	       a.min_ns < a.max_ns,
	   "10%% jitter: min <= median <= p95 <= max, and the samples differ");
	xp_robustness_run(pr, s, r, &err);
	ok(!memcmp(&a, &r->robust, sizeof a), "the same seed gives the same figures");
	pr->seed = 2;
	xp_robustness_run(pr, s, r, &err);
	ok(a.mean_ns != r->robust.mean_ns, "another seed gives other samples");
	is_double((double)a.mean_ns / (double)r->makespan_ns, 1.0, 0.1,
	          "the mean stays near the noiseless makespan");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* crosspipe check probes the generators that search instead of building them: a probe must
 * succeed exactly when the build does, with the build's message when it fails. */
static void probes_agree_with_builds(void)
{
	static const char *const kinds[] = { "greedy", "greedy-v", "optimal", "optimal-v", "auto" };
	static const double factors[] = { 1.0, 0.3, 0.1 };
	xp_params *pr = fx_new(4, 8, T, T, T);
	fx_datacenters(pr, 2, 2 * T, 1000 * 8e9 / (2.0 * T));
	pr->solver_time_limit_ns = 200000000; /* the build's solve; the probe solves nothing */
	for (size_t f = 0; f < sizeof factors / sizeof *factors; f++) {
		fx_memory_factor(pr, factors[f]);
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
			const xp_schedule_kind *k = xp_schedule_kind_find(kinds[i]);
			xp_schedule *s = NULL;
			xp_error eb = { 0 }, ep = { 0 };
			xp_status built = k->build(pr, &s, &eb);
			xp_status probed = k->probe(pr, &ep);
			is_int(probed, built, "%s at %.1fx of 1F1B's memory: probe %s, build %s",
			       kinds[i], factors[f], xp_strerror(probed), xp_strerror(built));
			if (built != XP_OK)
				is_str(ep.msg, eb.msg,
				       "%s at %.1fx: the probe says what the build does", kinds[i],
				       factors[f]);
			xp_schedule_free(s);
		}
	}
	fx_free(pr);
}

int main(void)
{
	plan(8 + 5 + 15 + 5);
	auto_picks_fastest_fitting();
	robustness();
	probes_agree_with_builds();
	return done_testing();
}

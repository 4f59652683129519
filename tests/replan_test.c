/* replan_test.c: re-planning the greedy between iterations (schedule.replan) on a WAN that steps
 * down: never worse than the fixed greedy, exactly one switch, the switch cost paid once.
 *
 * p = 4 stages in 2 DCs, m = 8, T_F = T_D = T_W = 1 ms, 8 MB messages. The WAN is free (no
 * latency, infinite bandwidth) until 27 ms, then 2 ms of latency and 32 Gbps (2 ms a message):
 * the paper's (2, 2) delay point. On the free WAN the greedy is ZB-H1's order, whose makespan is
 * 3m + (p-1)(T_F + T_D - T_W) = 24 + 3 = 27 ms: the first iteration ends exactly at the step, and
 * every later one meets only the slow WAN. The fixed greedy keeps the plan for the free WAN; the
 * re-planned one is rebuilt once iteration 2 has measured the slow WAN, so iteration 3 is the
 * one that switches (and pays the switch cost). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "schedules/schedules.h"
#include "tap.h"

#define MS 1000000LL
#define N  5

static char dir[] = "/tmp/xp_replan_test.XXXXXX";
static char trace_set[600];

static const char base[] =
    "pipeline: {stages: 4, microbatches: 8, chunks: 1}\n"
    "model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, message: 8MB,\n"
    "        activation: 1GiB, params: 0B}\n"
    "memory: {limit: 1.0x}\n"
    "datacenters: {count: 2}\n"
    "network:\n"
    "  intra_dc: {latency: 0, bandwidth: inf}\n"
    "  inter_dc: {latency: 0, bandwidth: inf}\n"
    "iterations: 5\n";

/* The iteration times of greedy under base, the trace and sets; the switch count in *switches. */
static void times_of(const char *const *sets, int n, int64_t *times, int *switches)
{
	const char *all[8] = { trace_set };
	for (int i = 0; i < n; i++)
		all[i + 1] = sets[i];
	xp_error err;
	xp_scenario *sc = NULL;
	xp_schedule *s = NULL;
	xp_result *r = NULL;
	xp_error_clear(&err);
	if (xp_scenario_parse(base, strlen(base), "replan.yaml", all, n + 1, &sc, &err) ||
	    xp_schedule_kind_find("greedy")->build(xp_scenario_params(sc), &s, &err) ||
	    xp_engine_run(xp_engine_default(), xp_scenario_params(sc), s, &r, &err))
		bail("replan case: %s", err.msg);
	for (int i = 0; i < N; i++)
		times[i] = r->iters.times_ns[i];
	*switches = r->iters.switches;
	xp_result_free(r);
	xp_schedule_free(s);
	xp_scenario_free(sc);
}

int main(void)
{
	plan(11);
	if (!mkdtemp(dir))
		bail("mkdtemp failed");
	char path[512];
	snprintf(path, sizeof path, "%s/down.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f || fputs("0s,inf,0\n27ms,32Gbps,2ms\n", f) < 0 || fclose(f))
		bail("cannot write %s", path);
	snprintf(trace_set, sizeof trace_set, "network.inter_dc.trace=%s", path);

	int64_t fixed[N], every[N], change[N], costly[N];
	int sw_fixed, sw_every, sw_change, sw_costly;
	const char *never[] = { "schedule.replan=never" };
	const char *ev[] = { "schedule.replan=every-iteration" };
	const char *oc[] = { "schedule.replan=on-change" };
	const char *oc_cost[] = { "schedule.replan=on-change", "schedule.switch_cost=7ms" };
	times_of(never, 1, fixed, &sw_fixed);
	times_of(ev, 1, every, &sw_every);
	times_of(oc, 1, change, &sw_change);
	times_of(oc_cost, 2, costly, &sw_costly);
	for (int i = 0; i < N; i++)
		diag("iteration %d: fixed %lld, every %lld, on-change %lld, with cost %lld", i + 1,
		     (long long)fixed[i], (long long)every[i], (long long)change[i],
		     (long long)costly[i]);

	is_int(fixed[0], 27 * MS, "iteration 1 on the free WAN: ZB-H1's 27 ms by hand");
	is_int(every[0], fixed[0], "iteration 1 runs the same schedule either way");
	ok(every[1] == fixed[1] && change[1] == fixed[1],
	   "iteration 2 too (it measures the slow WAN; nothing was re-planned yet)");
	int worse = 0, better = 0;
	for (int i = 0; i < N; i++) {
		worse += every[i] > fixed[i] || change[i] > fixed[i];
		better += every[i] < fixed[i];
	}
	is_int(worse, 0, "re-planned is never slower than fixed, in any iteration");
	ok(better > 0, "after the step-down the re-planned greedy is faster (%d iterations)",
	   better);
	is_int(sw_fixed, 0, "never: no switch");
	is_int(sw_change, 1, "on-change: one switch, after the step");
	is_int(sw_every, 1,
	       "every-iteration: one switch too (the other rebuilds give the same order)");
	/* the cost delays iteration 3 by 7 ms; the WAN is constant from then on */
	is_int(costly[2], change[2] + 7 * MS, "the switching iteration pays the switch cost once");
	ok(costly[3] == change[3] && costly[4] == change[4], "later iterations pay nothing");
	ok(costly[0] == change[0] && costly[1] == change[1], "earlier iterations pay nothing");

	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}

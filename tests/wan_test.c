/* wan_test.c: time-varying links, stragglers and back-to-back iterations, against hand-computed
 * timelines.
 *
 * The hand cases use 2 stages in 2 DCs, 2 microbatches of GPipe, T_F = 10 ms and a combined
 * B = T_D + T_W = 10 ms, messages of 125 MB = 1e9 bits, so 10 ms at 100 Gbps and 20 ms at
 * 50 Gbps. Every expected time below is worked out in the
 * comment next to it from the rules of docs/engines.md, not from the engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/link_trace.h"
#include "fixture.h"
#include "schedules/schedules.h"
#include "tap.h"

#define MS 1000000LL

static char dir[] = "/tmp/xp_wan_test.XXXXXX";

/* A file in the test's folder holding text; returns its path (static buffer per call site). */
static const char *write_file(const char *name, const char *text, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		bail("cannot write %s", path);
	return path;
}

/* Load fx_wan_base with overrides; NULL (and the message in err) on failure. */
static xp_scenario *load(const char *const *sets, int n, xp_error *err)
{
	xp_scenario *sc = NULL;
	xp_error_clear(err);
	xp_scenario_parse(fx_wan_base, strlen(fx_wan_base), "wan.yaml", sets, n, &sc, err);
	return sc;
}

/* Run gpipe under the scenario; the result (NULL on failure, message in err). */
static xp_result *run(const xp_scenario *sc, xp_schedule **sched, xp_error *err)
{
	const xp_params *pr = xp_scenario_params(sc);
	xp_result *r = NULL;
	*sched = NULL;
	if (xp_schedule_kind_find("gpipe")->build(pr, sched, err) != XP_OK)
		return NULL;
	xp_engine_run(xp_engine_default(), pr, *sched, &r, err);
	return r;
}

static void free_run(xp_scenario *sc, xp_schedule *s, xp_result *r)
{
	xp_result_free(r);
	xp_schedule_free(s);
	xp_scenario_free(sc);
}

/* The bandwidth steps from 100 to 50 Gbps (latency 5 -> 7 ms) at 15 ms. Device 0: F0 0-10,
 * F1 10-20. F0's activation starts at 10: 5 ms at 100 Gbps move 0.5e9 bits, the other 0.5e9 take
 * 10 ms at 50 Gbps: ends 25, latency in force at its start 5 ms: arrives 30. F1's starts at 25
 * (link busy), all at 50 Gbps: ends 45, latency 7: arrives 52. Device 1: F0 30-40, F1 52-62,
 * B0 62-72, B1 72-82. B0's gradient 72-92 arrives 99, B1's 92-112 arrives 119. Device 0: B0
 * 99-109, B1 119-129: makespan 129 ms. */
static void test_step(void)
{
	char path[512], set[600];
	write_file("step.csv", "time,bandwidth,latency\n0s,100Gbps,5ms\n15ms,50Gbps,7ms\n", path,
	           sizeof path);
	snprintf(set, sizeof set, "network.inter_dc.trace=%s", path);
	const char *sets[] = { set };
	xp_error err;
	xp_schedule *s = NULL;
	xp_scenario *sc = load(sets, 1, &err);
	xp_result *r = sc ? run(sc, &s, &err) : NULL;
	if (!r) {
		diag("%s", err.msg);
		skip(6, "the step case did not run");
		free_run(sc, s, r);
		return;
	}
	const xp_transfer *f0 = &r->transfers[0], *f1 = &r->transfers[1];
	is_int(f0->end_ns, 25 * MS,
	       "a transfer across the step is served at both rates (ends 25 ms)");
	is_int(f0->arrive_ns, 30 * MS, "its latency is the one in force when it starts (5 ms)");
	is_int(f1->start_ns, 25 * MS, "the next transfer waits for the link (starts 25 ms)");
	is_int(f1->end_ns, 45 * MS, "after the step it runs at 50 Gbps (ends 45 ms)");
	is_int(f1->arrive_ns, 52 * MS, "and has the new latency, 7 ms (arrives 52 ms)");
	is_int(r->makespan_ns, 129 * MS, "the step case's makespan by hand: 129 ms");
	free_run(sc, s, r);
}

/* The timeline alone: 1e9 bits from 10 ms over a step at 15 ms (100 -> 50 Gbps) end at 25 ms;
 * from 16 ms they take 20 ms. */
static void test_timeline(void)
{
	char path[512], set[600];
	write_file("tl.csv", "0s,100Gbps,5ms\n15ms,50Gbps,7ms\n", path, sizeof path);
	snprintf(set, sizeof set, "network.inter_dc.trace=%s", path);
	const char *sets[] = { set };
	xp_error err;
	xp_scenario *sc = load(sets, 1, &err);
	xp_timeline *tl = NULL;
	int64_t end = -1, lat = -1;
	size_t hint = 0;
	if (!sc || xp_timeline_link(xp_scenario_params(sc), &tl, &err) || !tl)
		bail("timeline: %s", err.msg);
	xp_timeline_finish(tl, 10 * MS, 1e9, &end, &lat, &hint, &err);
	is_int(end, 25 * MS, "timeline: 1e9 bits from 10 ms across the step end at 25 ms");
	is_int(lat, 5 * MS, "timeline: latency at 10 ms is 5 ms");
	xp_timeline_finish(tl, 16 * MS, 1e9, &end, &lat, &hint, &err);
	is_int(end, 36 * MS, "timeline: from 16 ms all at 50 Gbps: 36 ms");
	is_int(lat, 7 * MS, "timeline: latency at 16 ms is 7 ms");
	hint = 1; /* a stale cursor ahead of the time asked for must not matter */
	xp_timeline_finish(tl, 0, 2e9, &end, &lat, &hint, &err);
	is_int(end, 25 * MS, "timeline: 2e9 bits from 0: 1.5e9 by 15 ms, 0.5e9 more by 25 ms");
	xp_timeline_free(tl);
	xp_scenario_free(sc);
}

/* Each bad trace must fail with file:line, the column and what was expected. */
static void test_trace_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "time,bandwidth,latency\n0s,100Gbps,5ms\n20ms,50Gbps,7ms\n10ms,50Gbps,7ms\n",
		  "bad.csv:4: column 1 (time): '10ms' is not after the previous row's time" },
		{ "0s,100Gbps,5ms\n15ms,50,7ms\n",
		  "bad.csv:2: column 2 (bandwidth): expected a bandwidth with a unit" },
		{ "0s,100Gbps,5ms\n# comment\n\n15ms,50Gbps,-7ms\n",
		  "bad.csv:4: column 3 (latency): expected a time >= 0, got '-7ms'" },
		{ "-1s,100Gbps,5ms\n", "bad.csv:1: column 1 (time): expected a time >= 0" },
		{ "0s,-100Gbps,5ms\n", "bad.csv:1: column 2 (bandwidth): expected a bandwidth" },
		{ "0s,100Gbps\n", "bad.csv:1: expected 3 comma-separated fields" },
		{ "5,100Gbps,5ms\n", "bad.csv:1: column 1 (time): expected a time with a unit" },
		{ "# nothing\n", "bad.csv: the trace has no rows" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[512], set[600];
		write_file("bad.csv", bad[i].text, path, sizeof path);
		snprintf(set, sizeof set, "network.inter_dc.trace=%s", path);
		const char *sets[] = { set };
		xp_error err;
		xp_scenario *sc = load(sets, 1, &err);
		ok(!sc, "bad trace %zu is refused", i);
		has_str(err.msg, bad[i].want, "bad trace %zu: the message names the place", i);
		xp_scenario_free(sc);
	}
}

/* The makespan of gpipe under fx_wan_base + sets; -1 (with a diagnostic) on failure. With times (n
 * entries), the per-iteration times too. */
static int64_t makespan(const char *const *sets, int n, int64_t *times, int n_times)
{
	xp_error err;
	xp_schedule *s = NULL;
	xp_scenario *sc = load(sets, n, &err);
	xp_result *r = sc ? run(sc, &s, &err) : NULL;
	int64_t ms = r ? r->makespan_ns : -1;
	if (!r)
		diag("%s", err.msg);
	for (int i = 0; i < n_times; i++)
		times[i] = r && i < r->iters.n ? r->iters.times_ns[i] : -1;
	free_run(sc, s, r);
	return ms;
}

#define FREE_NET "network.inter_dc.latency=0", "network.inter_dc.bandwidth=inf"

/* Free network: without a straggler device 1 runs F0 10-20, F1 20-30, B0 30-40, B1 40-50 and
 * device 0 ends with B1 50-60. Device 1 twice as slow: F0 10-30, F1 30-50, B0 50-70, B1 70-90;
 * device 0: B0 70-80, B1 90-100. DC 0 twice as slow: device 0 F0 0-20, F1 20-40; device 1 F0
 * 20-30, F1 40-50, B0 50-60, B1 60-70; device 0 B0 60-80, B1 80-100. A trace (device 1 at half
 * speed until 25 ms): its F0 from 10 does 7.5 ms of work by 25 and the other 2.5 by 27.5; F1
 * 27.5-37.5, B0 -47.5, B1 -57.5; device 0 B0 47.5-57.5, B1 57.5-67.5. */
static void test_stragglers(void)
{
	char path[512], set[600];
	const char *none[] = { FREE_NET };
	const char *dev[] = { FREE_NET, "stragglers.device=1", "stragglers.factor=2" };
	const char *dc[] = { FREE_NET, "stragglers.datacenter=0", "stragglers.factor=2" };
	is_int(makespan(none, 2, NULL, 0), 60 * MS, "no straggler, free network: 60 ms");
	is_int(makespan(dev, 4, NULL, 0), 100 * MS, "device 1 twice as slow: 100 ms by hand");
	is_int(makespan(dc, 4, NULL, 0), 100 * MS, "datacenter 0 twice as slow: 100 ms by hand");
	write_file("slow.csv", "time,factor\n0s,2\n25ms,1\n", path, sizeof path);
	snprintf(set, sizeof set, "stragglers.trace=%s", path);
	const char *tr[] = { FREE_NET, "stragglers.device=1", set };
	is_int(makespan(tr, 4, NULL, 0), 67500000, "a straggler trace (x2 until 25 ms): 67.5 ms");
	write_file("slow.csv", "0s,2\n25ms,0\n", path, sizeof path);
	xp_error err;
	xp_scenario *sc = load(tr, 4, &err);
	ok(!sc && strstr(err.msg, "slow.csv:2: column 2 (factor)"),
	   "a straggler trace's bad factor names file:line (%s)", err.msg);
	xp_scenario_free(sc);
}

/* Iterations: on a constant network every iteration repeats the first: device 0 F0 0-10, F1
 * 10-20; activations 10-20 (arrives 25) and 20-30 (35); device 1 F0 25-35, F1 35-45, B0 45-55,
 * B1 55-65; gradients 55-65 (70), 65-75 (80); device 0 B0 70-80, B1 80-90: 90 ms each. Over the
 * step at 15 ms, the second iteration starts at 129 ms, wholly at 50 Gbps and 7 ms: activations
 * 10-30 (37), 30-50 (57); device 1 F0 37-47, F1 57-67, B0 67-77, B1 77-87; gradients 77-97
 * (104), 97-117 (124); device 0 B0 104-114, B1 124-134: 134 ms. */
static void test_iterations(void)
{
	int64_t t[4];
	const char *four[] = { "iterations=4" };
	makespan(four, 1, t, 4);
	ok(t[0] == 90 * MS && t[1] == 90 * MS && t[2] == 90 * MS && t[3] == 90 * MS,
	   "4 iterations on a constant network: 4 x 90 ms (got %lld %lld %lld %lld)",
	   (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3]);
	char path[512], set[600];
	write_file("step2.csv", "0s,100Gbps,5ms\n15ms,50Gbps,7ms\n", path, sizeof path);
	snprintf(set, sizeof set, "network.inter_dc.trace=%s", path);
	const char *step[] = { set, "iterations=2" };
	makespan(step, 2, t, 2);
	is_int(t[0], 129 * MS, "iteration 1 across the step: 129 ms");
	is_int(t[1], 134 * MS, "iteration 2 starts at 129 ms, after the step: 134 ms by hand");
}

/* The same seed gives the same iterations; another seed other ones. */
static void test_determinism(void)
{
	int64_t a[8], b[8], c[8];
	const char *s1[] = { "network.inter_dc.variation.model=markov",
		             "network.inter_dc.variation.correlation_time=30ms", "iterations=8",
		             "seed=7" };
	const char *s2[] = { s1[0], s1[1], s1[2], "seed=8" };
	makespan(s1, 4, a, 8);
	makespan(s1, 4, b, 8);
	makespan(s2, 4, c, 8);
	ok(a[0] > 0 && !memcmp(a, b, sizeof a), "seed 7 twice: the same 8 iteration times");
	ok(memcmp(a, c, sizeof a) != 0, "seed 8: other iteration times");
}

/* Over a long time the bits served are the time-average rate: markov 1 / 0.25 half the time each
 * gives 62.5 Gbps of 100; lognormal has mean factor 1. 1e4 correlation times: a few % at most. */
static void test_stochastic_means(void)
{
	const char *mk[] = { "network.inter_dc.variation.model=markov",
		             "network.inter_dc.variation.correlation_time=10ms",
		             "network.inter_dc.variation.low=25%" };
	const char *ln[] = { "network.inter_dc.variation.model=lognormal",
		             "network.inter_dc.variation.correlation_time=10ms",
		             "network.inter_dc.variation.spread=0.5" };
	const char *const *sets[] = { mk, ln };
	double want[] = { 62.5e9, 100e9 };
	for (int i = 0; i < 2; i++) {
		xp_error err;
		xp_scenario *sc = load(sets[i], 3, &err);
		xp_timeline *tl = NULL;
		int64_t end = 0;
		size_t hint = 0;
		if (!sc || xp_timeline_link(xp_scenario_params(sc), &tl, &err) || !tl)
			bail("stochastic timeline: %s", err.msg);
		double bits = want[i] * 100; /* about 100 s */
		xp_timeline_finish(tl, 0, bits, &end, NULL, &hint, &err);
		is_double(bits / ((double)end * 1e-9), want[i], 0.04 * want[i],
		          "%s: time-average rate over %zu segments", i ? "lognormal" : "markov",
		          xp_timeline_segments(tl));
		xp_timeline_free(tl);
		xp_scenario_free(sc);
	}
}

/* A degradation to 50% from 15 ms for 100 ms: the step case's rates with the latency left at
 * 5 ms: activations 10-25 (30) and 25-45 (50); device 1 F0 30-40, F1 50-60, B0 60-70, B1 70-80;
 * gradients 70-90 (95), 90-110 (115, still degraded); device 0 B0 95-105, B1 115-125. */
static void test_degradation(void)
{
	const char *d[] = { "network.inter_dc.degradation.start=15ms",
		            "network.inter_dc.degradation.duration=100ms",
		            "network.inter_dc.degradation.bandwidth=50%" };
	is_int(makespan(d, 3, NULL, 0), 125 * MS,
	       "a degradation to 50%% from 15 ms: 125 ms by hand");
}

static void test_more(void)
{
	test_degradation();
	test_stragglers();
	test_iterations();
	test_determinism();
	test_stochastic_means();
}

int main(void)
{
	plan(40);
	if (!mkdtemp(dir))
		bail("mkdtemp failed");
	test_step();
	test_timeline();
	test_trace_errors();
	test_more();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}

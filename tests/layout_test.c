/* layout_test.c: model.transformer.layout (explicit layers per stage) and GPU types per
 * datacenter (datacenters.gpu_flops, datacenters.hbm), by hand: a 2-DC case where the uneven
 * split beats the even one; and every error of these keys. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "scenario/scenario.h"
#include "schedules/schedules.h"
#include "tap.h"

#define NAME "l.yaml"

/* 6 layers, d 16, f 48, 4 heads, 2 KV heads, s 8, b 2, TP 2, utilisation 0.5: per layer F =
 * 2·b·s²·d + 4·bs·d² + 4g·bs·d² + 6·bs·d·f = 4096 + 16384 + 8192 + 73728 = 102400 FLOPs,
 * W = 98304, D = W + 2.5 x 4096 = 108544, B = D + W = 206848. DC 0 has 2 GFLOP/s GPUs
 * (2 FLOP per ns at 0.5 x TP 2), DC 1 1 GFLOP/s (1 FLOP per ns). */
#define HET                                                                               \
	"pipeline: {stages: 2, microbatches: 4}\n"                                        \
	"model:\n"                                                                        \
	"  transformer: {layers: 6, hidden: 16, ffn: 48, heads: 4, kv_heads: 2, seq: 8, " \
	"microbatch_size: 2, tp: 2, utilisation: 0.5}\n"                                  \
	"datacenters: {count: 2, gpu_flops: [2GFLOPS, 1GFLOPS], hbm: [80GiB, 40GiB]}\n"   \
	"memory: {limit: inf}\n"                                                          \
	"schedules: [gpipe]\n"

static xp_scenario *parse(const char *set, xp_error *err)
{
	xp_scenario *sc = NULL;
	memset(err, 0, sizeof *err);
	xp_scenario_parse(HET, strlen(HET), NAME, &set, set ? 1 : 0, &sc, err);
	return sc;
}

static int64_t gpipe_ns(const xp_params *pr)
{
	xp_schedule *s = NULL;
	xp_result *r = NULL;
	xp_error err = { 0 };
	int64_t t = -1;
	if (xp_schedule_kind_find("gpipe")->build(pr, &s, &err) == XP_OK &&
	    xp_engine_run(xp_engine_default(), pr, s, &r, &err) == XP_OK)
		t = r->makespan_ns;
	xp_result_free(r);
	xp_schedule_free(s);
	return t;
}

/* Even split 3|3: F0 = 3 x 102400 / 2 = 153600, F1 = 307200, B0 = 310272, B1 = 620544 ns. Stage 1
 * is the bottleneck: its forwards run back to back from F0 on (153600 + 4 x 307200 = 1382400),
 * then its four B (+ 4 x 620544 = 3864576), then stage 0's last B (+ 310272): 4174848 ns. */
static void even(void)
{
	xp_error err;
	xp_scenario *sc = parse(NULL, &err);
	if (!ok(sc != NULL, "the heterogeneous scenario resolves"))
		bail("%s", err.msg);
	const xp_params *pr = xp_scenario_params(sc);
	is_int(pr->forward_ns[0], 153600, "even: stage 0 F, 3 layers on the fast GPUs");
	is_int(pr->forward_ns[1], 307200, "even: stage 1 F, 3 layers on the slow GPUs");
	is_int(pr->backward_input_ns[1] + pr->backward_weight_ns[1], 620544, "even: stage 1 B");
	is_int(gpipe_ns(pr), 4174848, "even: GPipe by hand, the slow stage sets the pace");
	is_int(pr->stage_memory[1].hbm_bytes, 40LL << 30, "stage 1 has DC 1's HBM");
	is_int(pr->stage_memory[1].reserve_bytes, 4294967296 / 1, "... and 10 %% of it reserved");
	is_int(pr->stage_memory[0].reserve_bytes, 8589934592, "stage 0: 10 %% of 80 GiB");
	xp_scenario_free(sc);
}

/* Layout t*4|t*2: both stages take 204800 ns of F and 413696 of B; GPipe on equal stages is
 * (m + p - 1)(F + B) = 5 x 618496 = 3092480 ns, 26 % faster than the even split. */
static void uneven(void)
{
	xp_error err;
	xp_scenario *sc = parse("model.transformer.layout=t*4|t*2", &err);
	if (!ok(sc != NULL, "the layout resolves"))
		bail("%s", err.msg);
	const xp_params *pr = xp_scenario_params(sc);
	is_int(pr->forward_ns[0], 204800, "uneven: stage 0 F, 4 fast layers");
	is_int(pr->forward_ns[1], 204800, "uneven: stage 1 F, 2 slow layers");
	is_int(gpipe_ns(pr), 3092480, "uneven: GPipe by hand, (m + p - 1)(F + B)");
	xp_scenario_free(sc);
	sc = parse("model.transformer.layout= E t * 4 | t*2 L ", &err);
	ok(sc && xp_scenario_params(sc)->forward_ns[0] == 204800,
	   "spaces, E and L are read (no vocabulary: they cost nothing)");
	xp_scenario_free(sc);
}

/* layout: balanced. On 2 stages the slowest stage is least at 4 fast layers and 2 slow ones
 * (4c against 2 x 2c, c a fast layer's F + B): the split t*4|t*2 above, and its time. With
 * datacenters.placement [0, 0, 1], max(n0, n1, 2 n2) over n0 + n1 + n2 = 6 is 3 at n2 = 1
 * (n2 = 2 leaves 4 for two fast stages: 2 + 2 and 2 x 2 = 4 > 3), so 3|2|1 (ties: the later
 * stage gives a layer back). */
static void balanced(void)
{
	xp_error err;
	xp_scenario *sc = parse("model.transformer.layout=balanced", &err);
	if (!ok(sc != NULL, "layout: balanced resolves"))
		bail("%s", err.msg);
	const xp_params *pr = xp_scenario_params(sc);
	ok(pr->stage_layers[0] == 4 && pr->stage_layers[1] == 2, "balanced: 4 fast, 2 slow layers");
	is_int(gpipe_ns(pr), 3092480, "balanced: GPipe as t*4|t*2 by hand");
	xp_scenario_free(sc);
	const char *three[] = { "model.transformer.layout=balanced", "pipeline.stages=3",
		                "datacenters.placement=[0, 0, 1]" };
	sc = NULL;
	xp_scenario_parse(HET, strlen(HET), NAME, three, 3, &sc, &err);
	if (!ok(sc != NULL, "balanced on 3 stages, 2 of them fast, resolves"))
		bail("%s", err.msg);
	pr = xp_scenario_params(sc);
	ok(pr->stage_layers[0] == 3 && pr->stage_layers[1] == 2 && pr->stage_layers[2] == 1,
	   "balanced: 3|2|1 by hand (got %lld|%lld|%lld)", (long long)pr->stage_layers[0],
	   (long long)pr->stage_layers[1], (long long)pr->stage_layers[2]);
	xp_scenario_free(sc);
	const char *ev[] = { "model.transformer.layout=balanced", "datacenters.gpu_flops=1GFLOPS" };
	sc = NULL;
	xp_scenario_parse(HET, strlen(HET), NAME, ev, 2, &sc, &err);
	pr = sc ? xp_scenario_params(sc) : NULL;
	ok(pr && pr->stage_layers[0] == 3 && pr->stage_layers[1] == 3,
	   "balanced on equal GPUs without a vocabulary is the even split");
	xp_scenario_free(sc);
}

static void errors(void)
{
	static const struct {
		const char *set, *want;
	} bad[] = {
		{ "model.transformer.layout=t*4|t*3", "expected 6 t in all" },
		{ "model.transformer.layout=t*6", "expected 2 stages (pipeline.stages), got 1" },
		{ "model.transformer.layout=t*2|Et*4",
		  "E (the embedding) goes once, in the first" },
		{ "model.transformer.layout=t*2L|t*4",
		  "L (the output layer) goes once, in the last" },
		{ "model.transformer.layout=t*3|x*3", "expected E, t, L, *N or |, got 'x'" },
		{ "model.transformer.layout=t*0|t*6",
		  "expected a count from 1 to 2^30 after 't*'" },
		{ "model.transformer.layout=t*6|", "stage 1 holds nothing" },
		{ "model.transformer.layout=[balanced]", "expected a layout string such as" },
		{ "model.transformer.vocab=100", "" },
		{ "datacenters.gpu_flops=[1GFLOPS]", "expected one value or a list of 2" },
		{ "datacenters.hbm=[1GiB, 0]", "datacenters.hbm: expected" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		xp_error err;
		xp_scenario *sc = parse(bad[i].set, &err);
		if (!bad[i].want[0]) { /* a vocabulary without a layout is fine */
			ok(sc != NULL, "--set %s resolves (the even split)", bad[i].set);
		} else {
			ok(sc == NULL, "--set %s is refused", bad[i].set);
			has_str(err.msg, bad[i].want, "--set %s: the message", bad[i].set);
		}
		xp_scenario_free(sc);
	}
	const char *two[] = { "model.transformer.vocab=100", "model.transformer.layout=t*4|t*2" };
	xp_scenario *sc = NULL;
	xp_error err = { 0 };
	xp_scenario_parse(HET, strlen(HET), NAME, two, 2, &sc, &err);
	ok(sc == NULL, "a vocabulary with a layout without E and L is refused");
	has_str(err.msg, "it needs E in the first stage and L in the last", "... saying why");
	xp_scenario_free(sc);
}

int main(void)
{
	plan(42);
	even();
	uneven();
	balanced();
	errors();
	return done_testing();
}

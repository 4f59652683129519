/* scenario_test.c: scenario files and --set overrides resolve to the expected parameters, and
 * every class of error names file:line:column and the key (scenario.c and its helpers). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "tap.h"

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NAME   "t.yaml"

/* Four stages of 1 ms blocks: lines 1-8 of most cases below. */
#define BASE                       \
	"pipeline:\n"              \
	"  stages: 4\n"            \
	"  microbatches: 8\n"      \
	"model:\n"                 \
	"  forward: 1ms\n"         \
	"  backward_input: 1ms\n"  \
	"  backward_weight: 1ms\n" \
	"  activation: 64MiB\n"

/* A tiny transformer (lines 1-3): 5 layers over 2 stages, b=2, s=8, d=16, f=48, g=2/4, TP 2,
 * and 1 GFLOP/s at utilisation 0.5 times TP 2: exactly 1 FLOP per ns. */
#define TINY                                                                              \
	"pipeline: {stages: 2, microbatches: 4}\n"                                        \
	"model:\n"                                                                        \
	"  transformer: {layers: 5, hidden: 16, ffn: 48, heads: 4, kv_heads: 2, seq: 8, " \
	"microbatch_size: 2, tp: 2, gpu_flops: 1GFLOPS, utilisation: 0.5}\n"

static xp_scenario *parse(const char *yaml, const char *const *ov, int n, const char *what)
{
	xp_scenario *sc = NULL;
	xp_error err = { 0 };
	xp_status st = xp_scenario_parse(yaml, strlen(yaml), NAME, ov, n, &sc, &err);
	if (!ok(st == XP_OK && sc, "%s resolves", what))
		diag("error: %s", err.msg);
	if (!sc)
		bail("cannot test %s further", what);
	return sc;
}

static void test_ratios(void)
{
	static const char yaml[] = BASE "datacenters: {count: 2}\n"
	                                "network:\n"
	                                "  inter_dc: {latency_ratio: 2, bandwidth_ratio: 0.5}\n";
	xp_scenario *sc = parse(yaml, NULL, 0, "a scenario with delay ratios");
	const xp_params *p = xp_scenario_params(sc);
	is_str(xp_scenario_name(sc), NAME, "the name is kept");
	is_int(p->stages, 4, "stages");
	is_int(p->microbatches, 8, "microbatches");
	is_int(p->chunks, 2, "chunks default to 2");
	is_int(p->dp, 1, "dp defaults to 1");
	is_int(p->forward_ns[3], 1000000, "forward of the last stage");
	is_int(p->backward_input_ns[0] + p->backward_weight_ns[2], 2000000, "backward times");
	is_int(p->activation_bytes[1], 64 << 20, "activation");
	is_int(p->message_bytes, 64 << 20, "the message defaults to the activation");
	is_int(p->params_bytes[0], 0, "params default to 0");
	is_int(p->tokens_per_microbatch, 4096, "tokens default to 4096");
	is_double(p->weight_release, 0.5, 0, "weight_release defaults to 0.5");
	is_int(p->recompute, 0, "no recomputation by default");
	is_double(p->memory_factor, 1.0, 0, "the memory limit defaults to 1.0x");
	is_int(p->memory_limit_bytes[2], 4 * (64 << 20), "1.0x is p activations");
	is_int(p->datacenters, 2, "two DCs");
	ok(p->placement[0] == 0 && p->placement[1] == 0 && p->placement[2] == 1 &&
	       p->placement[3] == 1,
	   "stages 0-1 in DC 0, 2-3 in DC 1");
	is_int(xp_params_tf_ns(p), 1000000, "T_F is the largest forward");
	is_int(p->inter_dc.latency_ns, 2000000, "latency ratio 2 of T_F = 1 ms");
	/* 64 MiB in 0.5 ms: 67108864 * 8 bit / 0.0005 s */
	is_double(p->inter_dc.bandwidth_bps, 1073741824000.0, 1e-3, "bandwidth from the ratio");
	is_int(p->intra_dc.latency_ns, 0, "intra-DC latency defaults to 0");
	ok(isinf(p->intra_dc.bandwidth_bps), "intra-DC bandwidth defaults to inf");
	ok(xp_params_link(p, 0, 1) == &p->intra_dc, "stage 0 to 1 stays in a DC");
	ok(xp_params_link(p, 2, 1) == &p->inter_dc, "stage 2 to 1 crosses DCs");
	is_int(p->n_schedules, 6, "six static schedules by default");
	is_str(p->schedules[5], "zbv", "the default list ends with zbv");
	is_int((int64_t)p->seed, 1, "seed defaults to 1");
	xp_scenario_free(sc);
}

static void test_lists(void)
{
	static const char yaml[] = "pipeline: {stages: 4, microbatches: 8, chunks: 4, dp: 2}\n"
	                           "model:\n"
	                           "  forward: [1ms, 2ms, 1.5ms, 1ms]\n"
	                           "  backward_input: [2ms, 2ms, 2ms, 3ms]\n"
	                           "  backward_weight: 500us\n"
	                           "  activation: [1GB, 3GB, 2GB, 1GB]\n"
	                           "  params: [1GiB, 2GiB, 2GiB, 1GiB]\n"
	                           "  tokens: 8192\n"
	                           "  weight_release: 25%\n"
	                           "datacenters: {placement: [0, 2, 2, 1]}\n"
	                           "network:\n"
	                           "  intra_dc: {latency: 2us, bandwidth: 400Gbps}\n"
	                           "  inter_dc: {latency: 10ms, bandwidth: 12.5GB/s}\n"
	                           "schedules: zbh1\n"
	                           "seed: 42\n";
	xp_scenario *sc = parse(yaml, NULL, 0, "per-stage lists");
	const xp_params *p = xp_scenario_params(sc);
	is_int(p->chunks * 10 + p->dp, 42, "chunks 4 and dp 2");
	is_int(p->forward_ns[2], 1500000, "forward of stage 2");
	is_int(p->backward_input_ns[3], 3000000, "backward_input of stage 3");
	is_int(p->backward_weight_ns[1], 500000, "one backward_weight for all stages");
	is_int(p->activation_bytes[1], 3000000000, "activation of stage 1");
	is_int(p->message_bytes, 3000000000, "the message defaults to the largest activation");
	is_int(p->params_bytes[2], 2147483648, "params of stage 2");
	is_int(p->tokens_per_microbatch, 8192, "tokens");
	is_double(p->weight_release, 0.25, 1e-12, "weight_release as a percentage");
	is_int(p->memory_limit_bytes[1], 4 * 3000000000LL, "1.0x follows each stage's activation");
	is_int(xp_params_tf_ns(p), 2000000, "T_F is the largest per-stage forward");
	is_int(p->datacenters, 3, "count is the largest placement index + 1");
	ok(xp_params_link(p, 1, 2) == &p->intra_dc && xp_params_link(p, 2, 3) == &p->inter_dc,
	   "links follow the placement");
	is_int(p->intra_dc.latency_ns, 2000, "intra-DC latency");
	is_double(p->intra_dc.bandwidth_bps, 4e11, 1e-3, "intra-DC bandwidth");
	is_int(p->inter_dc.latency_ns, 10000000, "inter-DC latency");
	is_double(p->inter_dc.bandwidth_bps, 1e11, 1e-3, "inter-DC bandwidth in GB/s");
	ok(p->n_schedules == 1 && strcmp(p->schedules[0], "zbh1") == 0, "one schedule by name");
	is_int((int64_t)p->seed, 42, "seed");
	xp_scenario_free(sc);
}

static void test_uneven_count(void)
{
	static const char yaml[] =
	    "pipeline: {stages: 8, microbatches: 8}\n"
	    "model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, "
	    "activation: 1MB, message: 5MB}\n"
	    "datacenters: {count: 3}\n";
	static const int want[] = { 0, 0, 0, 1, 1, 1, 2, 2 };
	xp_scenario *sc = parse(yaml, NULL, 0, "8 stages in 3 DCs");
	const xp_params *p = xp_scenario_params(sc);
	int same = 1;
	for (int k = 0; k < 8; k++)
		same &= p->placement[k] == want[k];
	ok(same, "3 DCs over 8 stages: groups of 3, 3, 2");
	is_int(p->message_bytes, 5000000, "an explicit message");
	xp_scenario_free(sc);
}

/* Hand-computed per layer (b=2, s=8, d=16, f=48, g=0.5), 1 FLOP per ns:
 *   attention 2bs^2d = 4096; linear 4bsd^2 + 4gbsd^2 = 16384 + 8192; mlp 6bsdf = 73728
 *   F = 102400, W = 98304, D = W + 2.5 * 4096 = 108544
 *   activation (12bsd + 4gbsd + 8bsf) / tp = (3072 + 512 + 6144) / 2 = 4864 bytes
 *   parameters (2d^2 + 2gd^2 + 3df) * 2 bytes = 3072 * 2 = 6144 bytes
 * Stage 0 holds 3 layers, stage 1 holds 2. */
static void test_transformer(void)
{
	xp_scenario *sc = parse(TINY, NULL, 0, "a transformer description");
	const xp_params *p = xp_scenario_params(sc);
	is_int(p->forward_ns[0], 3 * 102400, "F of stage 0 (3 layers)");
	is_int(p->forward_ns[1], 2 * 102400, "F of stage 1 (2 layers)");
	is_int(p->backward_input_ns[0], 3 * 108544, "D of stage 0");
	is_int(p->backward_weight_ns[1], 2 * 98304, "W of stage 1");
	is_int(p->activation_bytes[0], 3 * 4864, "activation of stage 0");
	is_int(p->params_bytes[1], 2 * 6144, "parameters of stage 1");
	is_int(p->message_bytes, 2 * 8 * 16 * 2, "message b*s*d*2");
	is_int(p->tokens_per_microbatch, 16, "tokens b*s");
	xp_scenario_free(sc);

	static const char *const rates[] = { "model.transformer.gpu_flops=1e9",
		                             "model.transformer.gpu_flops=1G" };
	for (int i = 0; i < LEN(rates); i++) {
		sc = parse(TINY, &rates[i], 1, rates[i]);
		is_int(xp_scenario_params(sc)->forward_ns[0], 3 * 102400, "same F with %s",
		       rates[i]);
		xp_scenario_free(sc);
	}
}

static void test_recompute(void)
{
	static const char *const ov[] = { "model.recompute=full", "memory.limit=1.5x" };
	xp_scenario *sc = parse(TINY, ov, 2, "a transformer with recomputation");
	const xp_params *p = xp_scenario_params(sc);
	is_int(p->recompute, 1, "recompute is on");
	is_int(p->backward_input_ns[0], 3 * (108544 + 102400), "D re-runs F");
	is_int(p->forward_ns[0], 3 * 102400, "F is unchanged");
	is_int(p->activation_bytes[0], 3 * 2 * 8 * 16 * 2 / 2, "only layer inputs are kept");
	is_int(p->memory_limit_bytes[0], 768 * 2 * 3 / 2, "1.5x of p = 2 times 768 kept bytes");
	xp_scenario_free(sc);

	/* The paper's case 2: the budget of the model without recomputation, in bytes. A layer
	 * keeps (12·16·16 + 4·½·16·16 + 8·16·48)/2 = 4864 bytes without it; stage 0 has 3. */
	static const char *const same[] = { "model.recompute=full", "memory.limit=1.5x",
		                            "memory.budget=no-recompute" };
	sc = parse(TINY, same, 3, "recomputation at the budget of the model without it");
	p = xp_scenario_params(sc);
	is_int(p->activation_bytes[0], 768, "F still keeps only the layer inputs");
	is_int(p->memory_limit_bytes[0], 3 * 4864 * 2 * 3 / 2,
	       "1.5x of p = 2 times the 3 x 4864 bytes stored without recomputation");
	xp_scenario_free(sc);

	static const char yaml[] = BASE "  recompute: full\n"
	                                "  recompute_activation: 4MiB\n";
	sc = parse(yaml, NULL, 0, "explicit times with recomputation");
	p = xp_scenario_params(sc);
	is_int(p->backward_input_ns[2], 2000000, "D = 1 ms + the re-run 1 ms F");
	is_int(p->activation_bytes[2], 4 << 20, "M_F is recompute_activation");
	is_int(p->message_bytes, 64 << 20, "the message is still the full activation");
	xp_scenario_free(sc);

	static const char *const stored[] = { "memory.budget=no-recompute" };
	sc = parse(yaml, stored, 1, "explicit times at the budget without recomputation");
	is_int(xp_scenario_params(sc)->memory_limit_bytes[1], 4 * (64LL << 20),
	       "1.0x is p times model.activation, not recompute_activation");
	xp_scenario_free(sc);
}

static void test_memory(void)
{
	static const struct {
		const char *set;
		int64_t want;
		double factor;
	} cases[] = {
		{ "memory.limit=80GiB", 85899345920LL, 0 },
		{ "memory.limit=inf", INT64_MAX, 0 },
		{ "memory.limit=2.5x", 10 * (64LL << 20), 2.5 },
	};
	for (int i = 0; i < LEN(cases); i++) {
		xp_scenario *sc = parse(BASE, &cases[i].set, 1, cases[i].set);
		const xp_params *p = xp_scenario_params(sc);
		is_int(p->memory_limit_bytes[3], cases[i].want, "limit with %s", cases[i].set);
		is_double(p->memory_factor, cases[i].factor, 0, "factor with %s", cases[i].set);
		xp_scenario_free(sc);
	}
}

static void test_overrides(void)
{
	static const char yaml[] = BASE "datacenters: {count: 2}\n"
	                                "network:\n"
	                                "  inter_dc: {latency: 10ms, bandwidth: 1Gbps}\n"
	                                "seed: 3\n";
	static const char *const ov[] = {
		"pipeline.microbatches=32",
		"model.forward=[1ms, 2ms, 1ms, 1ms]",
		"network.inter_dc.latency_ratio=0.5",
		"schedules=[1f1b, zbh1]",
		"network.intra_dc.latency=5us",
		"datacenters.placement=[0, 1, 1, 1]",
		"seed=",
		"pipeline.dp=4",
		"pipeline.dp=8",
	};
	xp_scenario *sc = parse(yaml, ov, LEN(ov), "a file with overrides");
	const xp_params *p = xp_scenario_params(sc);
	is_int(p->microbatches, 32, "microbatches overridden");
	is_int(p->forward_ns[1], 2000000, "a list override");
	is_int(p->inter_dc.latency_ns, 1000000, "a ratio replaces the file's absolute latency");
	is_double(p->inter_dc.bandwidth_bps, 1e9, 0, "the file's bandwidth is kept");
	ok(p->n_schedules == 2 && strcmp(p->schedules[1], "zbh1") == 0, "schedules overridden");
	is_int(p->intra_dc.latency_ns, 5000, "a key absent from the file is added");
	ok(p->placement[0] == 0 && p->placement[1] == 1 && p->datacenters == 2,
	   "a placement replaces the file's count");
	is_int((int64_t)p->seed, 1, "an empty value resets to the default");
	is_int(p->dp, 8, "the last override wins");
	xp_scenario_free(sc);

	static const char *const back[] = { "network.inter_dc.latency=3ms" };
	static const char ratio[] = BASE "network: {inter_dc: {latency_ratio: 4}}\n";
	sc = parse(ratio, back, 1, "an absolute override of a ratio");
	is_int(xp_scenario_params(sc)->inter_dc.latency_ns, 3000000, "absolute replaces ratio");
	xp_scenario_free(sc);

	static const char *const tf[] = { "model.transformer={layers: 4, hidden: 16, ffn: 48, "
		                          "heads: 4, seq: 8, gpu_flops: 1G}" };
	sc = parse(BASE, tf, 1, "a transformer override of explicit times");
	/* 1 layer per stage, b=1, g=1: 2*64*16 + 8*8*256 + 6*8*16*48 = 2048 + 16384 + 36864 */
	is_int(xp_scenario_params(sc)->forward_ns[0], 110592, "the transformer replaces the times");
	xp_scenario_free(sc);
}

static void test_files(void)
{
	static const char *const files[] = { "default.yaml", "p4_ratios.yaml", "uneven_4dc.yaml" };
	const char *top = getenv("XP_TOP") ? getenv("XP_TOP") : ".";
	char path[4096];
	for (int i = 0; i < LEN(files); i++) {
		xp_scenario *sc = NULL;
		xp_error err = { 0 };
		snprintf(path, sizeof path, "%s/scenarios/%s", top, files[i]);
		xp_status st = xp_scenario_load(path, NULL, 0, &sc, &err);
		if (!ok(st == XP_OK, "scenarios/%s loads", files[i]))
			diag("error: %s", err.msg);
		if (sc && i == 0) {
			const xp_params *p = xp_scenario_params(sc);
			/* M70: 8 layers per stage, b=1, s=4096, d=8192, f=28672, g=1/8 */
			double s = 4096, d = 8192, f = 28672, g = 0.125;
			double flops =
			    2 * s * s * d + 4 * s * d * d + 4 * g * s * d * d + 6 * s * d * f;
			double tf_ns = 8 * flops / (989e12 * 0.4 * 4) * 1e9;
			is_double((double)p->forward_ns[7], tf_ns, 0.5, "default: M70 T_F");
			ok(p->stages == 8 && p->microbatches == 16 && p->datacenters == 2,
			   "default: 8 stages, 16 microbatches, 2 DCs");
		}
		xp_scenario_free(sc);
	}
	xp_scenario *sc = (xp_scenario *)1;
	xp_error err = { 0 };
	xp_status st = xp_scenario_load("/nonexistent/x.yaml", NULL, 0, &sc, &err);
	ok(st == XP_EIO && sc == NULL, "a missing file is XP_EIO");
	has_str(err.msg, "/nonexistent/x.yaml: cannot read:", "the message names the file");
	ok(xp_scenario_parse(NULL, 0, NAME, NULL, 0, &sc, &err) == XP_EINVAL,
	   "no text is XP_EINVAL");
	xp_scenario_free(NULL);
	ok(1, "xp_scenario_free(NULL) is a no-op");
}

struct bad {
	const char *what, *yaml, *set[2], *want;
};

static const struct bad bad[] = {
	{ "YAML syntax (flow)",
	  "pipeline: [1, 2\n",
	  { 0 },
	  NAME ":2:1: YAML syntax error: did not find expected ',' or ']'" },
	{ "YAML syntax (indentation)",
	  "pipeline:\n  stages: 4\n microbatches: 3\n",
	  { 0 },
	  NAME ":3:2: YAML syntax error: did not find expected key" },
	{ "a second document",
	  BASE "---\na: 1\n",
	  { 0 },
	  NAME ":9:1: expected one YAML document, got more" },
	{ "a list at the top", "- 1\n", { 0 }, NAME ":1:1: expected a mapping of sections" },
	{ "a duplicate key",
	  "a: 1\na: 2\n",
	  { 0 },
	  NAME ":2:1: a: duplicate key (first at line 1)" },
	{ "an alias",
	  BASE "seed: &s 1\nschedules: *s\n",
	  { 0 },
	  NAME ":10:12: schedules: YAML aliases are not supported" },
	{ "an unknown section",
	  "pipline: {}\n",
	  { 0 },
	  NAME ":1:1: pipline: unknown key; did you mean 'pipeline'?" },
	{ "an unknown nested key",
	  BASE "network: {inter_dc: {jitter: 1ms}}\n",
	  { 0 },
	  NAME ":9:22: network.inter_dc.jitter: unknown key; expected one of latency, bandwidth, "
	       "latency_ratio, bandwidth_ratio" },
	{ "a wrong time unit",
	  BASE "network:\n  inter_dc:\n    latency: 5kg\n",
	  { 0 },
	  NAME ":11:14: network.inter_dc.latency: expected a time with a unit (ns, us, ms, s, min, "
	       "h), got '5kg'" },
	{ "a size unit for a bandwidth",
	  BASE "network:\n  intra_dc: {bandwidth: 100GB}\n",
	  { 0 },
	  NAME ":10:25: network.intra_dc.bandwidth: expected a bandwidth with a unit" },
	{ "a time unit for a size",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel: {forward: 1ms, backward_input: 1ms, "
	  "backward_weight: 1ms, activation: 1ms}\n",
	  { 0 },
	  NAME ":2:78: model.activation: expected a size with a unit" },
	{ "a list for an integer",
	  "pipeline:\n  stages: [4]\n",
	  { 0 },
	  NAME ":2:11: pipeline.stages: expected an integer from 1 to 4096, got a list" },
	{ "a scalar for a section",
	  "pipeline: 4\n",
	  { 0 },
	  NAME ":1:11: pipeline: expected a mapping, got '4'" },
	{ "a mapping for names",
	  BASE "schedules: {a: 1}\n",
	  { 0 },
	  NAME ":9:12: schedules: expected a name or a non-empty list of names, got a mapping" },
	{ "zero stages",
	  "pipeline:\n  stages: 0\n",
	  { 0 },
	  NAME ":2:11: pipeline.stages: expected an integer from 1 to 4096, got '0'" },
	{ "negative microbatches",
	  "pipeline:\n  stages: 4\n  microbatches: -1\n",
	  { 0 },
	  NAME ":3:17: pipeline.microbatches: expected an integer from 1 to 1048576, got '-1'" },
	{ "a zero forward in a list",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel:\n  forward: [1ms, 1ms, 0ms, 1ms]\n",
	  { 0 },
	  NAME ":3:23: model.forward[2]: expected a value > 0, got '0ms'" },
	{ "weight_release above 1",
	  BASE "  weight_release: 1.5\n",
	  { 0 },
	  NAME ":9:19: model.weight_release: expected a number from 0 to 1, got '1.5'" },
	{ "more DCs than stages",
	  BASE "datacenters: {count: 5}\n",
	  { 0 },
	  NAME ":9:22: datacenters.count: expected an integer from 1 to 4, got '5'" },
	{ "a placement out of range",
	  BASE "datacenters: {placement: [0, 1, 7, 1]}\n",
	  { 0 },
	  NAME ":9:33: datacenters.placement[2]: expected an integer from 0 to 3, got '7'" },
	{ "a zero memory factor",
	  BASE "memory: {limit: 0x}\n",
	  { 0 },
	  NAME ":9:17: memory.limit: expected a size (80GiB), a factor of the 1F1B budget (1.0x), "
	       "hbm (what memory.hbm leaves) or inf, got '0x'" },
	{ "a budget for a limit in bytes",
	  BASE "memory: {limit: 80GiB, budget: no-recompute}\n",
	  { 0 },
	  NAME ":9:32: memory.budget: expected only with a factor memory.limit (1.0x), got limit "
	       "'80GiB'" },
	{ "an unknown budget",
	  BASE "memory: {budget: half}\n",
	  { 0 },
	  NAME ":9:18: memory.budget: expected as-run or no-recompute, got 'half'" },
	{ "a memory limit without unit",
	  BASE "memory: {limit: lots}\n",
	  { 0 },
	  NAME ":9:17: memory.limit: expected a size" },
	{ "a negative ratio",
	  BASE "network: {inter_dc: {latency_ratio: -1}}\n",
	  { 0 },
	  NAME ":9:37: network.inter_dc.latency_ratio: expected a number >= 0, got '-1'" },
	{ "a bandwidth ratio without message",
	  BASE "  message: 0\n"
	       "network: {inter_dc: {bandwidth_ratio: 1}}\n",
	  { 0 },
	  NAME ":10:39: network.inter_dc.bandwidth_ratio: expected 0 when model.message is 0" },
	{ "zero tokens",
	  BASE "  tokens: 0\n",
	  { 0 },
	  NAME ":9:11: model.tokens: expected an integer >= 1, got '0'" },
	{ "an unknown recompute mode",
	  BASE "  recompute: partial\n",
	  { 0 },
	  NAME ":9:14: model.recompute: expected none or full, got 'partial'" },
	{ "an empty schedule list",
	  BASE "schedules: []\n",
	  { 0 },
	  NAME ":9:12: schedules: expected a name or a non-empty list of names, got a list" },
	{ "a negative seed",
	  BASE "seed: -1\n",
	  { 0 },
	  NAME ":9:7: seed: expected an integer >= 0, got '-1'" },
	{ "a kv_heads that does not divide heads",
	  TINY,
	  { "model.transformer.kv_heads=3" },
	  "--set model.transformer.kv_heads=3: model.transformer.kv_heads: expected a divisor of "
	  "heads (4), got 3" },
	{ "a zero utilisation",
	  TINY,
	  { "model.transformer.utilisation=0" },
	  "--set model.transformer.utilisation=0: model.transformer.utilisation: expected a number "
	  "> 0 and <= 1" },
	{ "fewer layers than stages",
	  TINY,
	  { "model.transformer.layers=1" },
	  "--set model.transformer.layers=1: model.transformer.layers: expected an integer from "
	  "2" },
	{ "a bad FLOP rate",
	  TINY,
	  { "model.transformer.gpu_flops=fast" },
	  "--set model.transformer.gpu_flops=fast: model.transformer.gpu_flops: expected a FLOP "
	  "rate" },
	{ "a misspelt transformer key",
	  TINY,
	  { "model.transformer.utilization=0.3" },
	  "model.transformer.utilization: unknown key; did you mean 'utilisation'?" },
	{ "a duplicate key in a section",
	  BASE "  backward_weight: [1ms, 2ms, 3ms]\n",
	  { 0 },
	  NAME ":9:3: model.backward_weight: duplicate key (first at line 7)" },
	{ "a per-stage list of the wrong length",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel:\n  forward: [1ms, 2ms, 3ms]\n",
	  { 0 },
	  NAME ":3:12: model.forward: expected a list of 4 entries (one per stage), got 3" },
	{ "a placement of the wrong length",
	  BASE "datacenters: {placement: [0, 1]}\n",
	  { 0 },
	  NAME
	  ":9:26: datacenters.placement: expected a list of 4 integers (one per stage), got 2" },
	{ "latency and its ratio",
	  BASE "network:\n  inter_dc: {latency: 10ms, latency_ratio: 2}\n",
	  { 0 },
	  NAME
	  ":10:29: network.inter_dc.latency_ratio: expected either network.inter_dc.latency or "
	  "network.inter_dc.latency_ratio, not both" },
	{ "bandwidth and its ratio",
	  BASE "network:\n  inter_dc:\n    bandwidth: 1Gbps\n    bandwidth_ratio: 0.5\n",
	  { 0 },
	  NAME ":12:5: network.inter_dc.bandwidth_ratio: expected either" },
	{ "a transformer and explicit times",
	  TINY "  forward: 1ms\n",
	  { 0 },
	  NAME ":4:3: model.forward: expected either model.transformer or the explicit" },
	{ "a count and a placement",
	  BASE "datacenters: {count: 2, placement: [0, 0, 1, 1]}\n",
	  { 0 },
	  NAME ":9:25: datacenters.placement: expected either datacenters.count or "
	       "datacenters.placement, not both" },
	{ "no stages",
	  "pipeline:\n  microbatches: 4\n",
	  { 0 },
	  NAME ":2:3: pipeline.stages: missing, expected an integer from 1 to 4096" },
	{ "an empty file", "", { 0 }, NAME ":1:1: pipeline.stages: missing" },
	{ "no forward",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel:\n  backward_input: 1ms\n",
	  { 0 },
	  NAME ":3:3: model.forward: missing, expected a time with a unit" },
	{ "recompute without what F keeps",
	  BASE "  recompute: full\n",
	  { 0 },
	  NAME ":9:14: model.recompute_activation: missing, expected the bytes F keeps" },
	{ "recompute_activation without recompute",
	  BASE "  recompute_activation: 1MB\n",
	  { 0 },
	  NAME ":9:25: model.recompute_activation: expected only with model.recompute: full" },
	{ "--set without =",
	  BASE,
	  { "pipeline.stages" },
	  "--set pipeline.stages: expected key=value with a dotted key" },
	{ "--set without key", BASE, { "=3" }, "--set =3: expected key=value" },
	{ "--set with an empty segment", BASE, { "a..b=1" }, "--set a..b=1: expected key=value" },
	{ "--set with a YAML error",
	  BASE,
	  { "schedules=[1f1b" },
	  "--set schedules=[1f1b: schedules: YAML syntax error: did not find expected ',' or ']'" },
	{ "--set of an unknown key",
	  BASE,
	  { "pipeline.stagse=4" },
	  "--set pipeline.stagse=4: pipeline.stagse: unknown key; did you mean 'stages'?" },
	{ "--set of an unknown section",
	  BASE,
	  { "foo.bar=1" },
	  "--set foo.bar=1: foo: unknown key; expected one of pipeline, model, memory" },
	{ "--set of a bad value",
	  BASE,
	  { "pipeline.microbatches=16", "pipeline.stages=zero" },
	  "--set pipeline.stages=zero: pipeline.stages: expected an integer from 1 to 4096, got "
	  "'zero'" },
	{ "--set of a short list",
	  BASE,
	  { "model.forward=[1ms,2ms]" },
	  "--set model.forward=[1ms,2ms]: model.forward: expected a list of 4 entries (one per "
	  "stage), got 2" },
};

static void test_errors(void)
{
	for (int i = 0; i < LEN(bad); i++) {
		xp_scenario *sc = (xp_scenario *)1;
		xp_error err = { 0 };
		int n = bad[i].set[1] ? 2 : bad[i].set[0] ? 1 : 0;
		xp_status st = xp_scenario_parse(bad[i].yaml, strlen(bad[i].yaml), NAME, bad[i].set,
		                                 n, &sc, &err);
		ok(st == XP_EINVAL && sc == NULL, "%s: XP_EINVAL and no scenario", bad[i].what);
		has_str(err.msg, bad[i].want, "%s: the message", bad[i].what);
	}
}

/* Every key the docs list, by section: a misspelt key (its last letter doubled) and a misspelt
 * section (an 'x' added) are errors that suggest the right word. */
static const char *const documented_keys[] = {
	"pipeline.stages",
	"pipeline.microbatches",
	"pipeline.chunks",
	"pipeline.dp",
	"model.forward",
	"model.backward_input",
	"model.backward_weight",
	"model.activation",
	"model.message",
	"model.params",
	"model.tokens",
	"model.weight_release",
	"model.recompute",
	"model.recompute_activation",
	"model.transformer.layers",
	"model.transformer.hidden",
	"model.transformer.ffn",
	"model.transformer.heads",
	"model.transformer.kv_heads",
	"model.transformer.seq",
	"model.transformer.microbatch_size",
	"model.transformer.tp",
	"model.transformer.gpu_flops",
	"model.transformer.utilisation",
	"memory.limit",
	"memory.budget",
	"datacenters.count",
	"datacenters.placement",
	"datacenters.split",
	"network.intra_dc.latency",
	"network.intra_dc.bandwidth",
	"network.inter_dc.latency",
	"network.inter_dc.bandwidth",
	"network.inter_dc.latency_ratio",
	"network.inter_dc.bandwidth_ratio",
	"network.transport",
	"network.buffer",
	"network.mtu",
	"network.queue.discipline",
	"network.queue.size",
	"network.loss",
	"network.connections",
	"network.wan",
	"network.initial_window",
	"schedule.n_sub",
	"solver.time_limit",
	"solver.gap",
	"solver.work_limit",
	"robustness.jitter",
	"robustness.samples",
	"schedules",
	"seed",
};

/* Parse BASE with the one override "path=1"; 1 when it fails with want in the message. */
static int refused_with(const char *path, const char *want)
{
	char ov[160];
	xp_scenario *sc = NULL;
	xp_error err = { 0 };
	snprintf(ov, sizeof ov, "%s=1", path);
	const char *set[] = { ov };
	xp_status st = xp_scenario_parse(BASE, strlen(BASE), NAME, set, 1, &sc, &err);
	xp_scenario_free(sc);
	if (st == XP_EINVAL && strstr(err.msg, want))
		return 1;
	diag("--set %s: got '%s', expected '%s'", ov, err.msg, want);
	return 0;
}

static void test_misspelt_keys(void)
{
	char typo[128], want[256];
	for (int i = 0; i < LEN(documented_keys); i++) {
		const char *key = documented_keys[i], *last = strrchr(key, '.');
		last = last ? last + 1 : key;
		snprintf(typo, sizeof typo, "%s%c", key, key[strlen(key) - 1]);
		snprintf(want, sizeof want, "%s: unknown key; did you mean '%s'?", typo, last);
		ok(refused_with(typo, want), "misspelt key %s is refused with a suggestion", typo);
		if (last == key)
			continue;
		/* the section just above the key, misspelt */
		size_t cut = (size_t)(last - 1 - key);
		const char *sect = key;
		for (const char *d = key; d < last - 1; d++)
			if (*d == '.')
				sect = d + 1;
		snprintf(typo, sizeof typo, "%.*sx%s", (int)cut, key, last - 1);
		snprintf(want, sizeof want, "unknown key; did you mean '%.*s'?",
		         (int)(last - 1 - sect), sect);
		ok(refused_with(typo, want), "misspelt section in %s is refused with a suggestion",
		   typo);
	}
}

int main(void)
{
	plan(28 + 20 + 3 + 13 + 15 + 9 + 14 + 9 + 2 * LEN(bad) + 2 * LEN(documented_keys) - 2);
	test_ratios();
	test_lists();
	test_uneven_count();
	test_transformer();
	test_recompute();
	test_memory();
	test_overrides();
	test_files();
	test_errors();
	test_misspelt_keys();
	return done_testing();
}

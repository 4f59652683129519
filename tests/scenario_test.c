/* scenario_test.c: scenario files and --set overrides resolve to the expected parameters
 * (their errors: scenario_errors_test.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "scenario_cases.h"
#include "tap.h"

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

int main(void)
{
	plan(28 + 20 + 3 + 13 + 15 + 9 + 14 + 9);
	test_ratios();
	test_lists();
	test_uneven_count();
	test_transformer();
	test_recompute();
	test_memory();
	test_overrides();
	test_files();
	return done_testing();
}

/* memory_test.c: the memory model (docs/memory.md) by hand for a small transformer, every term;
 * the stage times with TP all-reduces and the output layer; the cluster and job keys; and every
 * error they can give. The expected values are worked out in the comments from the formulas,
 * not taken from the code. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario.h"
#include "tap.h"

#define NAME "m.yaml"

/* 4 layers over 2 stages, d 256, f 1024, 8 heads, 4 KV heads (g 1/2), s 128, b 2, TP 2,
 * vocabulary 1000, 1 TFLOP/s at 0.5 x TP 2 = 1000 FLOP per ns; dp 4; HBM 1 GiB, reserve
 * 100 MiB; TP link 800 Gb/s (1e11 B/s), 1 us. */
#define SMALL                                                                                  \
	"pipeline: {stages: 2, dp: 4, global_batch: 64}\n"                                     \
	"model:\n"                                                                             \
	"  transformer: {layers: 4, hidden: 256, ffn: 1024, heads: 8, kv_heads: 4, seq: 128, " \
	"microbatch_size: 2, tp: 2, vocab: 1000, gpu_flops: 1TFLOPS, utilisation: 0.5}\n"      \
	"memory: {hbm: 1GiB, reserve: 100MiB, limit: hbm}\n"                                   \
	"network: {intra_node: {latency: 1us, bandwidth: 800Gbps}}\n"                          \
	"datacenters: {count: 2, gpus: 8, gpus_per_node: 8}\n"

static xp_scenario *parse(const char *yaml, const char *const *ov, int n, xp_error *err)
{
	xp_scenario *sc = NULL;
	memset(err, 0, sizeof *err);
	xp_scenario_parse(yaml, strlen(yaml), NAME, ov, n, &sc, err);
	return sc;
}

/* Parameters per GPU: a layer has 2d² (Q, O) + 2g·d² (K, V) + 3·d·f (gated FFN) = 131072 +
 * 65536 + 786432 = 983040; stage 0 holds 2 layers + the embedding (V·d = 256000), stage 1 two
 * layers + the output layer (256000): 2222080, over TP 2 = 1111040 each. */
static void states(const xp_params *pr)
{
	for (int k = 0; k < 2; k++) {
		const xp_stage_memory *e = &pr->stage_memory[k];
		is_int(e->param_count, 1111040, "stage %d: parameters per GPU", k);
		is_int(e->params_bytes, 2222080, "stage %d: bf16 parameters, 2 B each", k);
		is_int(e->grads_bytes, 2222080, "stage %d: bf16 gradients, 2 B each", k);
		is_int(e->optimizer_bytes, 3333120,
		       "stage %d: 12 B of fp32 master and moments, sharded over dp 4 (ZeRO-1)", k);
		is_int(e->reserve_bytes, 104857600, "stage %d: the reserve, 100 MiB", k);
		is_int(e->hbm_bytes, 1073741824, "stage %d: HBM", k);
		/* 1 GiB - 100 MiB - 2222080 - 2222080 - 3333120 */
		is_int(pr->memory_limit_bytes[k], 961106944, "stage %d: the limit is what is left",
		       k);
	}
	is_int(pr->params_bytes[0], 4444160, "DP collectives move the whole stage in bf16");
}

/* Activations per layer and microbatch (bs = 256): 12·bs·d + 4g·bs·d + 8·bs·f = 786432 + 131072
 * + 2097152 = 3014656, over TP 2 = 1507328; the last stage keeps the fp32 logits too,
 * 4·bs·V / TP = 512000. */
static void activations(const xp_params *pr)
{
	is_int(pr->activation_bytes[0], 3014656, "stage 0: 2 layers' activations");
	is_int(pr->activation_bytes[1], 3526656, "stage 1: 2 layers' activations and the logits");
	is_int(pr->microbatches, 8, "global batch 64 over dp 4 x b 2: 8 microbatches");
	is_int(pr->tp, 2, "tp read");
}

/* F FLOPs per layer: 2·b·s²·d (16777216) + 4·bs·d² + 4g·bs·d² (100663296) + 6·bs·d·f
 * (402653184) = 520093696, 520093.696 ns; two TP all-reduces of b·s·d·2 = 131072 B, each
 * 2(t-1)/t of it at 1e11 B/s (1310.72 ns) + 2(t-1) latencies (2000 ns): 6621.44 ns per layer.
 * The output layer: 2·bs·V·d = 131072000 FLOPs = 131072 ns in each of F, D and W. */
static void times(const xp_params *pr)
{
	is_int(pr->forward_ns[0], 1053430, "stage 0 F: 2 x (520093.696 + 6621.44) ns");
	is_int(pr->forward_ns[1], 1184502, "stage 1 F: and the output layer's 131072 ns");
	/* D = W + 2.5 x attention = 503316480 + 41943040 FLOPs; plus the two all-reduces */
	is_int(pr->backward_input_ns[0], 1103762, "stage 0 D: 2 x (545259.52 + 6621.44) ns");
	is_int(pr->backward_weight_ns[0], 1006633, "stage 0 W: 2 x 503316.48 ns, no TP traffic");
	is_int(pr->backward_weight_ns[1], 1137705, "stage 1 W: and the output layer's");
	/* F + D + W per layer: 520093696 + 545259520 + 503316480 = 1568669696, 4 layers; the
	 * output layer 3 x 131072000 */
	is_double(pr->model_flops, 4 * 1568669696.0 + 3 * 131072000.0, 1,
	          "model FLOPs of a microbatch");
}

static void recompute_and_zero(void)
{
	xp_error err;
	const char *ov[] = { "model.recompute=full", "memory.zero=0" };
	xp_scenario *sc = parse(SMALL, ov, 2, &err);
	if (!ok(sc != NULL, "recompute and ZeRO 0 resolve"))
		diag("%s", err.msg);
	if (!sc)
		return;
	const xp_params *pr = xp_scenario_params(sc);
	/* recompute keeps each layer's input, b·s·d·2 / TP = 65536 B */
	is_int(pr->activation_bytes[0], 131072, "recompute: stage 0 keeps 2 layer inputs");
	is_int(pr->activation_bytes[1], 643072, "recompute: stage 1 keeps the logits too");
	is_int(pr->backward_input_ns[0], 2157192,
	       "recompute: D re-runs F, its all-reduces included (2 x (1065353.216 + 13242.88))");
	is_int(pr->stage_memory[0].optimizer_bytes, 13332480, "ZeRO 0: 12 B x 1111040, unsharded");
	xp_scenario_free(sc);
}

/* Each bad input is refused with its key in the message. */
static void errors(void)
{
	static const struct {
		const char *set, *want;
	} bad[] = {
		{ "memory={hbm: 105MiB, reserve: 100MiB, limit: hbm}",
		  "memory.limit: hbm: on stage 0 the parameters" },
		{ "memory.reserve=2GiB", "memory.reserve: expected less than the HBM of stage 0" },
		{ "memory.reserve=150%", "memory.reserve: expected a size" },
		{ "memory.zero=2", "memory.zero: expected an integer from 0 to 1" },
		{ "datacenters.gpus=7", "datacenters.gpus: datacenter 0 has 7 GPUs" },
		{ "datacenters.gpus_per_node=3", "datacenters.gpus_per_node: TP (2) must divide" },
		{ "pipeline.global_batch=60", "pipeline.global_batch: expected a multiple of dp" },
		{ "pipeline.microbatches=8", "expected either pipeline.microbatches or" },
		{ "memory.hbm=", "memory.limit: hbm needs memory.hbm" },
		/* 109 MiB - 100 MiB - 7777280 B of states leaves 1659904 B < 3014656 */
		{ "memory={hbm: 109MiB, reserve: 100MiB, limit: hbm}",
		  "below one microbatch's activations" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		xp_error err;
		xp_scenario *sc = parse(SMALL, &bad[i].set, 1, &err);
		ok(sc == NULL && err.code == XP_EINVAL, "--set %s is refused", bad[i].set);
		has_str(err.msg, bad[i].want, "--set %s: the message", bad[i].set);
		xp_scenario_free(sc);
	}
	const char explicit_model[] = "pipeline: {stages: 2, microbatches: 2}\n"
	                              "model: {forward: 1ms, backward_input: 1ms, "
	                              "backward_weight: 1ms, activation: 1MiB}\n"
	                              "memory: {hbm: 80GiB}\n";
	xp_error err;
	xp_scenario *sc = parse(explicit_model, NULL, 0, &err);
	ok(sc == NULL, "memory.hbm with explicit times is refused");
	has_str(err.msg, "m.yaml:3:", "... at the place of the key");
	has_str(err.msg, "memory.hbm: needs model.transformer", "... saying what it needs");
	xp_scenario_free(sc);
}

int main(void)
{
	plan(54);
	xp_error err;
	xp_scenario *sc = parse(SMALL, NULL, 0, &err);
	if (!ok(sc != NULL, "the small transformer resolves"))
		bail("%s", err.msg);
	states(xp_scenario_params(sc));
	activations(xp_scenario_params(sc));
	times(xp_scenario_params(sc));
	xp_scenario_free(sc);
	recompute_and_zero();
	errors();
	return done_testing();
}

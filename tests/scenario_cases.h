/* scenario_cases.h: the scenario text the scenario tests share (scenario_test.c,
 * scenario_errors_test.c). */
#ifndef XP_SCENARIO_CASES_H
#define XP_SCENARIO_CASES_H

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NAME   "t.yaml"

/* Four stages of 1 ms blocks: lines 1-8 of most cases. */
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

#endif

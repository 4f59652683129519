/* greedy_timing_test.c: the property that the greedy list scheduler times its own order exactly
 * as the analytic engine re-times it: on random scenarios, rule sets, sub-block counts and both
 * placements, every op of the greedy's schedule starts and ends where the engine puts it. Both
 * sides read the execution rules from models/exec, but the greedy computes its times with its own
 * list-scheduling state (per-link free times, per-queue heads, the post-pass), the engine with its
 * event heap, so a drift between the two shows here as a differing op. */
#include <math.h>
#include <stdlib.h>

#include "fixture.h"
#include "schedules/greedy_int.h"
#include "tap.h"

enum { T = 1000000, CASES = 150 };

/* p 2..7, m 1..16, uneven block times, 1-3 DCs with random WAN latency and bandwidth, dp 1..3,
 * memory 0.6x..2.1x of p microbatches. */
static xp_params *random_params(unsigned *rng)
{
	int p = 2 + rand_r(rng) % 6, m = 1 + rand_r(rng) % 16;
	xp_params *pr = fx_new(p, m, T, T, T);
	for (int k = 0; k < p; k++) {
		pr->forward_ns[k] = T / 3 + rand_r(rng) % T;
		pr->backward_input_ns[k] = T / 3 + rand_r(rng) % (2 * T);
		pr->backward_weight_ns[k] = T / 5 + rand_r(rng) % T;
		pr->params_bytes[k] = rand_r(rng) % 9000;
		pr->activation_bytes[k] = 1000 + 100 * (rand_r(rng) % 20);
	}
	int bw = rand_r(rng) % 4;
	fx_datacenters(pr, 1 + rand_r(rng) % 3, rand_r(rng) % (4 * T),
	               bw ? 8e9 * 1000.0 / (bw * T) : INFINITY);
	pr->dp = 1 + rand_r(rng) % 3;
	pr->intra_dc.latency_ns = rand_r(rng) % (T / 10);
	pr->intra_dc.bandwidth_bps = 8e9 * 1000.0 / (1 + rand_r(rng) % T);
	fx_memory_factor(pr, 0.6 + (rand_r(rng) % 7) * 0.25);
	return pr;
}

/* The first op whose greedy time differs from the engine's, or -1. */
static long first_mismatch(const xp_result *r, const int64_t *times)
{
	size_t n = r->op_offset[r->devices];
	for (size_t i = 0; i < n; i++)
		if (times[2 * i] != r->op_start_ns[i] || times[2 * i + 1] != r->op_end_ns[i])
			return (long)i;
	return -1;
}

/* Whether some device's first F of chunk 1 starts exactly at the end of that chunk's all-gather
 * (the second of the device's back-to-back all-gathers): the case where it binds. */
static int chunk1_allgather_binds(const xp_result *r, const xp_schedule *s)
{
	for (size_t c = 0; c < r->n_collectives; c++) {
		const xp_collective *col = &r->collectives[c];
		if (col->kind != XP_COLL_ALLGATHER || col->chunk != 1)
			continue;
		const xp_op *ops = xp_schedule_ops(s, col->device);
		for (size_t i = 0; i < xp_schedule_len(s, col->device); i++)
			if (ops[i].kind == XP_OP_F && ops[i].chunk == 1) {
				if (r->op_start_ns[r->op_offset[col->device] + i] == col->end_ns)
					return 1;
				break;
			}
	}
	return 0;
}

/* V placement with dp 2-4 and all-gathers of 1.5-4.5 T_F per chunk, so that chunk 1's first F
 * often waits for its own all-gather, which follows chunk 0's: the greedy must plan it there. */
static void big_allgathers(unsigned *rng)
{
	int equal = 1, ran = 0, binds = 0;
	for (int t = 0; t < 40; t++) {
		xp_params *pr = random_params(rng);
		pr->dp = 2 + rand_r(rng) % 3;
		pr->intra_dc.latency_ns = 0;
		pr->intra_dc.bandwidth_bps = 8e9 * 1000.0 / T; /* 1000 ns per byte */
		for (int k = 0; k < pr->stages; k++) /* per chunk (params / 2)(dp-1)/dp bytes */
			pr->params_bytes[k] =
			    (3000 + rand_r(rng) % 6001) * 2 * pr->dp / (pr->dp - 1);
		fx_memory_factor(pr, 2);
		xp_greedy_opts o = { .n_sub = 1 << rand_r(rng) % 3,
			             .v_placement = 1,
			             .rule = (xp_greedy_rule)(rand_r(rng) % XP_RULES_COUNT) };
		xp_schedule *s = NULL;
		int64_t *times = NULL;
		xp_error err;
		if (xp_greedy_run_timed(pr, &o, "greedy-v", &s, &times, &err) != XP_OK)
			bail("big all-gathers, case %d: %s", t, err.msg);
		xp_result *r = fx_run("analytic", pr, s);
		long i = first_mismatch(r, times);
		if (i >= 0 && equal)
			diag("big all-gathers, case %d (p %d m %d dp %d): op %ld: greedy [%lld, "
			     "%lld], "
			     "engine [%lld, %lld]",
			     t, pr->stages, pr->microbatches, pr->dp, i, (long long)times[2 * i],
			     (long long)times[2 * i + 1], (long long)r->op_start_ns[i],
			     (long long)r->op_end_ns[i]);
		equal &= i < 0;
		binds += chunk1_allgather_binds(r, s);
		ran++;
		xp_result_free(r);
		free(times);
		xp_schedule_free(s);
		fx_free(pr);
	}
	ok(equal,
	   "greedy-v with all-gathers of 1.5-4.5 T_F: on %d cases its op times equal the "
	   "engine's",
	   ran);
	ok(binds >= 10, "in %d of them chunk 1's first F waits exactly for its own all-gather",
	   binds);
}

int main(void)
{
	plan(5);
	unsigned rng = 2026;
	int equal = 1, ran = 0, memory = 0, subdivided = 0;
	for (int t = 0; t < CASES && equal; t++) {
		xp_params *pr = random_params(&rng);
		xp_greedy_opts o = { .n_sub = 1 << rand_r(&rng) % 4,
			             .v_placement = rand_r(&rng) % 2,
			             .rule = (xp_greedy_rule)(rand_r(&rng) % XP_RULES_COUNT),
			             .later_first = rand_r(&rng) % 2 };
		xp_schedule *s = NULL;
		int64_t *times = NULL;
		xp_error err;
		xp_status st = xp_greedy_run_timed(pr, &o, "greedy", &s, &times, &err);
		if (st == XP_EMEMORY) {
			memory++;
		} else if (st != XP_OK) {
			bail("case %d: %s", t, err.msg);
		} else {
			xp_result *r = fx_run("analytic", pr, s);
			long i = first_mismatch(r, times);
			if (i >= 0) {
				diag("case %d (p %d m %d n_sub %d v %d rule %d dp %d): op %ld: "
				     "greedy "
				     "[%lld, %lld], engine [%lld, %lld]",
				     t, pr->stages, pr->microbatches, o.n_sub, o.v_placement,
				     o.rule, pr->dp, i, (long long)times[2 * i],
				     (long long)times[2 * i + 1], (long long)r->op_start_ns[i],
				     (long long)r->op_end_ns[i]);
				equal = 0;
			}
			subdivided += o.n_sub > 1;
			ran++;
			xp_result_free(r);
		}
		free(times);
		xp_schedule_free(s);
		fx_free(pr);
	}
	ok(equal, "on %d random cases the greedy's own op times equal the analytic engine's", ran);
	ok(ran >= CASES / 2, "most cases fit memory (%d ran, %d did not fit)", ran, memory);
	ok(subdivided >= CASES / 4, "many of them cut blocks into sub-blocks (%d)", subdivided);
	big_allgathers(&rng);
	return done_testing();
}

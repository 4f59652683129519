/* registry.c: the table of schedule generators, in the order `crosspipe schedules` lists them. */
#include <string.h>

#include "schedules/generators.h"
#include "schedules/schedules.h"

static const xp_schedule_kind kinds[] = {
	{ "gpipe", "GPipe: every forward in microbatch order, then every combined backward.",
	  xp_schedule_build_gpipe, NULL },
	{ "1f1b",
	  "PipeDream-flush 1F1B: p-k-1 warm-up forwards on device k, then one forward and one "
	  "combined backward in turn, then the remaining backwards.",
	  xp_schedule_build_1f1b, NULL },
	{ "interleaved",
	  "Megatron's interleaved 1F1B: v chunks per device in loop placement, microbatches in "
	  "groups of p per chunk (needs microbatches to be a multiple of stages).",
	  xp_schedule_build_interleaved, NULL },
	{ "zbh1",
	  "Zero-bubble H1: 1F1B with the backward split into D and W, weight gradients delayed to "
	  "fill the bubbles, at 1F1B's memory.",
	  xp_schedule_build_zbh1, NULL },
	{ "zbh2",
	  "Zero-bubble H2: 2(p-k)-1 warm-up forwards and W filling the rest, bubble-free in the "
	  "steady state at about twice 1F1B's memory.",
	  xp_schedule_build_zbh2, NULL },
	{ "zbv",
	  "Zero-bubble V: two chunks per device in a V (parts k and 2p-1-k on device k), ordered "
	  "by "
	  "the zero-bubble authors' greedy rule at 1F1B's memory.",
	  xp_schedule_build_zbv, NULL },
	{ "v-half",
	  "V-Half (Qi et al., controllable memory): two chunks per device in a V, built from a "
	  "repeating block at about half of 1F1B's activation memory.",
	  xp_schedule_build_v_half, NULL },
	{ "v-min",
	  "V-Min (Qi et al., controllable memory): as v-half, at about a third of 1F1B's "
	  "activation memory.",
	  xp_schedule_build_v_min, NULL },
	{ "dualpipev",
	  "DualPipeV (DeepSeek-V3's DualPipe in a V, as torch's ScheduleDualPipeV orders it): "
	  "two chunks per device, a forward of one chunk overlapped with the backward of the "
	  "other in one op (model.overlap_f_b); needs microbatches >= 2 x stages.",
	  xp_schedule_build_dualpipev, NULL },
	{ "crossudsub",
	  "The CrossPipe authors' greedy (CrossUDSub): sub-blocks placed on the device that can "
	  "start earliest by their priority rules, within the memory limit (schedule.n_sub).",
	  xp_schedule_build_crossudsub, NULL },
	{ "greedy",
	  "Adaptive greedy: the best of several greedy rule sets and sub-block counts under the "
	  "scenario's delays, memory and DP, then a local search; one part per device.",
	  xp_schedule_build_greedy, xp_schedule_probe_greedy },
	{ "greedy-v",
	  "Adaptive greedy for the V placement (parts k and 2p-1-k on device k), best of several "
	  "rule sets, then a local search.",
	  xp_schedule_build_greedy_v, xp_schedule_probe_greedy_v },
	{ "optimal",
	  "Solver-optimal (CrossUD): the shortest order of F, D and W blocks per device under the "
	  "delays, memory and DP, proven within solver.gap by an exact method.",
	  xp_schedule_build_optimal, xp_schedule_probe_optimal },
	{ "optimal-v",
	  "Solver-optimal for the V placement (CrossWave): as optimal, with parts k and 2p-1-k on "
	  "device k.",
	  xp_schedule_build_optimal_v, xp_schedule_probe_optimal_v },
	{ "auto",
	  "Selection: builds every other schedule but v-half and v-min, times each on the analytic "
	  "engine, keeps the fastest that fits memory.",
	  xp_select_auto, xp_select_probe },
};

const xp_schedule_kind *xp_schedule_kinds(size_t *n)
{
	*n = sizeof kinds / sizeof kinds[0];
	return kinds;
}

const xp_schedule_kind *xp_schedule_kind_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int xp_schedule_kind_plans(const char *name)
{
	static const char *const planners[] = { "crossudsub", "greedy",    "greedy-v",
		                                "optimal",    "optimal-v", "auto" };
	for (size_t i = 0; name && i < sizeof planners / sizeof planners[0]; i++)
		if (strcmp(planners[i], name) == 0)
			return 1;
	return 0;
}

/* generators.h: the static schedule generators and their shared helpers (private to models/). */
#ifndef XP_GENERATORS_H
#define XP_GENERATORS_H

#include "scenario/scenario.h"
#include "schedule/schedule.h"

/* Every generator reads pr->stages (p) and pr->microbatches (m) (interleaved also pr->chunks),
 * builds a new schedule named after itself into *out, and returns XP_OK; on failure *out is NULL
 * and err says why (XP_EINVAL for impossible parameters, XP_ENOMEM). */
xp_status xp_schedule_build_gpipe(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_1f1b(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_interleaved(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_zbh1(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_zbh2(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_zbv(const xp_params *pr, xp_schedule **out, xp_error *err);
/* The memory-controlled V schedules of Qi et al. (vmem.c): about 1/2 and 1/3 of 1F1B's
 * activation memory. */
xp_status xp_schedule_build_v_half(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_v_min(const xp_params *pr, xp_schedule **out, xp_error *err);
/* DualPipeV (V placement, m >= 2p; overlapped F+B ops): torch's ScheduleDualPipeV order. */
xp_status xp_schedule_build_dualpipev(const xp_params *pr, xp_schedule **out, xp_error *err);
/* The warm-up forwards of device k (dev) in 1f1b and interleaved: Megatron-Core's counts, which
 * its communication pattern also follows (engine/exec_p2p.c). */
int xp_gen_1f1b_warmup(int p, int k, int m);
int xp_gen_interleaved_warmup(int p, int dev, int m, int v);

/* The adaptive greedy schedules (greedy*.c): they read the whole scenario (times, links, memory
 * limit, dp, schedule.n_sub); XP_EMEMORY when the memory limit cannot hold one microbatch. */
xp_status xp_schedule_build_crossudsub(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_greedy(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_greedy_v(const xp_params *pr, xp_schedule **out, xp_error *err);
/* Their probes (schedules.h): the candidates run and timed in order until one fits memory, the
 * rest not run, no local search. */
xp_status xp_schedule_probe_greedy(const xp_params *pr, xp_error *err);
xp_status xp_schedule_probe_greedy_v(const xp_params *pr, xp_error *err);
/* The solver-optimal schedules (models/solver/): XP_EMEMORY when the memory limit cannot hold one
 * microbatch; the solver's report is attached to the schedule (xp_schedule_solver). */
xp_status xp_schedule_build_optimal(const xp_params *pr, xp_schedule **out, xp_error *err);
xp_status xp_schedule_build_optimal_v(const xp_params *pr, xp_schedule **out, xp_error *err);
/* Their probes: the instance built (its parameter and memory checks), nothing solved. */
xp_status xp_schedule_probe_optimal(const xp_params *pr, xp_error *err);
xp_status xp_schedule_probe_optimal_v(const xp_params *pr, xp_error *err);

/* A schedule under construction whose first failure sticks, so that generators can append
 * blocks without checking every call. */
typedef struct xp_gen {
	xp_schedule *s;
	xp_status st;
} xp_gen;

/* Set *out to NULL and check that p >= 1 and m >= 1 (XP_EINVAL naming the generator). */
xp_status xp_gen_params(const xp_params *pr, const char *name, xp_schedule **out, xp_error *err);

/* Start building into s (NULL, from a failed xp_schedule_new, counts as out of memory). */
void xp_gen_start(xp_gen *g, xp_schedule *s);

/* Append the whole block; a no-op once something failed. */
void xp_gen_add(xp_gen *g, int device, xp_op_kind kind, int mb, int chunk);

/* Name the schedule and hand it to *out, or free it and report the failure. */
xp_status xp_gen_finish(xp_gen *g, const char *name, xp_schedule **out, xp_error *err);

/* The order of device k of p for m microbatches, appended to g. */
typedef void (*xp_gen_device_fn)(xp_gen *g, int k, int p, int m);

/* Build a one-chunk schedule device by device: check the parameters, call order for every
 * device, name the result. */
xp_status xp_gen_per_device(const xp_params *pr, const char *name, xp_gen_device_fn order,
                            xp_schedule **out, xp_error *err);

#endif

/* schedules.h: the table of schedule generators (`crosspipe schedules`) and `auto`. */
#ifndef XP_SCHEDULES_H
#define XP_SCHEDULES_H

#include <stddef.h>

#include "base/status.h"
#include "output/result.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef xp_status (*xp_schedule_build_fn)(const xp_params *pr, xp_schedule **out, xp_error *err);
typedef xp_status (*xp_schedule_probe_fn)(const xp_params *pr, xp_error *err);

typedef struct xp_schedule_kind {
	const char *name;    /* "1f1b" */
	const char *summary; /* one sentence for `crosspipe schedules` and the README */
	xp_schedule_build_fn build;
	/* For a generator that searches (greedy, greedy-v, the solvers, auto): XP_OK when build
	 * would succeed, found without the search (its parameters, and a first schedule that fits
	 * memory), for `crosspipe check`, which runs nothing. NULL: check builds the schedule. */
	xp_schedule_probe_fn probe;
} xp_schedule_kind;

/* `auto`: build every other generator's schedule for pr, time each
 * on the analytic engine, and return (a copy of) the fastest that fits memory, named "auto", with
 * every candidate attached (xp_schedule_candidates). XP_EMEMORY when none fits. */
xp_status xp_select_auto(const xp_params *pr, xp_schedule **out, xp_error *err);

/* `auto`'s probe: XP_OK as soon as one candidate fits memory (probed, or built and timed),
 * else xp_select_auto's XP_EMEMORY. */
xp_status xp_select_probe(const xp_params *pr, xp_error *err);

/* Re-planning (schedule.replan, replan.c): with pr->iterations > 1 and sched built by greedy,
 * greedy-v or crossudsub, run the iterations again on the analytic engine, rebuilding sched
 * between them for the WAN conditions the last iteration measured, and replace r->iters with
 * those times (each switch of schedule costs schedule.switch_cost). A no-op otherwise. */
xp_status xp_replan_run(const xp_params *pr, const xp_schedule *sched, xp_result *r, xp_error *err);

/* All generators, in the order `crosspipe schedules` lists them. */
const xp_schedule_kind *xp_schedule_kinds(size_t *n);
const xp_schedule_kind *xp_schedule_kind_find(const char *name); /* NULL if unknown */

/* 1 when the generator `name` plans against the scenario's network (the greedies, the solvers,
 * auto): they time their candidates under network.p2p: decoupled (engine/evaluator.c). */
int xp_schedule_kind_plans(const char *name);

#ifdef __cplusplus
}
#endif
#endif

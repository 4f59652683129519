/* evaluator.h: timing many orders of one scenario and schedule shape on the analytic engine,
 * for search loops (the greedy's candidates and local search, `auto`, the solver's incumbent and
 * warm starts).
 *
 * GSL-style workspace: xp_evaluator_new allocates everything a run needs for a scenario and a
 * shape (devices, chunks, microbatches, placement of parts); xp_evaluator_run times a schedule
 * of that shape with no allocation (the result's arrays grow only when a run needs more room
 * than every earlier one); xp_evaluator_free releases it. The times are the analytic engine's,
 * exactly (the same code runs). */
#ifndef XP_EVALUATOR_H
#define XP_EVALUATOR_H

#include <stdint.h>

#include "base/status.h"
#include "output/result.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

typedef struct xp_evaluator xp_evaluator;

/* A workspace for pr (borrowed: it must outlive the workspace) and the shape of `shape` (only
 * its dimensions and placement are read; it may be empty and may be freed afterwards).
 * XP_EINVAL when the shape's devices are not pr's stages, XP_ENOMEM; the message in err. */
xp_status xp_evaluator_new(const xp_params *pr, const xp_schedule *shape, xp_evaluator **out,
                           xp_error *err);
void xp_evaluator_free(xp_evaluator *ev); /* NULL is a no-op */

/* 1 when s has the workspace's shape (a schedule of another shape must not be run). */
int xp_evaluator_accepts(const xp_evaluator *ev, const xp_schedule *s);

/* Time s (of the workspace's shape, every block present: xp_schedule_check passed or the order
 * was built complete). On XP_OK *res (may be NULL) is the finished result, valid until the next
 * run or the free; s must live as long. XP_EDEADLOCK (message only when err is not NULL),
 * XP_ENOMEM. */
xp_status xp_evaluator_run(xp_evaluator *ev, const xp_schedule *s, const xp_result **res,
                           xp_error *err);

/* The makespan of s, or -1 when it deadlocks, does not fit memory or runs out of memory. */
int64_t xp_evaluator_makespan(xp_evaluator *ev, const xp_schedule *s);

/* The absolute simulated time the next runs start at (a later iteration's; 0 at first): what a
 * time-varying link or straggler is read at (analytic_int.h). */
void xp_evaluator_set_origin(xp_evaluator *ev, int64_t origin_ns);

#endif

/* analytic_int.h: the analytic engine's entry point with noisy durations (private to models/). */
#ifndef XP_ANALYTIC_INT_H
#define XP_ANALYTIC_INT_H

#include "engine/engine.h"

/* A factor (>= 0) by which to multiply the next duration; called once per op, per transfer's
 * time on its link and per transfer's latency, in event order, so that a seeded source gives
 * the same run every time. */
typedef double (*xp_noise_fn)(void *ctx);

/* The analytic engine's workspace for one scenario and schedule shape (devices, chunks,
 * microbatches, placement): allocated once, it times any number of schedules of that shape with
 * no allocation of its own (the result's transfer and collective arrays grow only when a run
 * needs more than an earlier one did). `ideal` selects the free-communication engine. */
typedef struct xp_analytic xp_analytic;

xp_status xp_analytic_new(const xp_params *pr, const xp_schedule *shape, int ideal,
                          xp_analytic **out, xp_error *err);
/* As xp_analytic_new, under the communication semantics p2p (xp_p2p) rather than the scenario's
 * network.p2p: the search loops plan under decoupled (engine/evaluator.c). */
xp_status xp_analytic_new_as(const xp_params *pr, const xp_schedule *shape, int ideal, int p2p,
                             xp_analytic **out, xp_error *err);
void xp_analytic_free(xp_analytic *a); /* NULL is a no-op */

/* Time s (of the workspace's shape; checked) into res (sized for s, with no transfers or
 * collectives yet) and finish res. noise may be NULL (see xp_noise_fn). err may be NULL. */
xp_status xp_analytic_time(xp_analytic *a, const xp_schedule *s, xp_result *res, xp_error *err,
                           xp_noise_fn noise, void *ctx);

/* The absolute simulated time at which the workspace's next runs start (0 at first): what a
 * time-varying link or straggler trace is read at. A later iteration starts where the one before
 * it ended; the result's own times still start at 0. */
void xp_analytic_set_origin(xp_analytic *a, int64_t origin_ns);

#endif

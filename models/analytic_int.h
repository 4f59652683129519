/* analytic_int.h: the analytic engine's entry point with noisy durations (private to models/). */
#ifndef XP_ANALYTIC_INT_H
#define XP_ANALYTIC_INT_H

#include "engine.h"

/* A factor (>= 0) by which to multiply the next duration; called once per op, per transfer's
 * time on its link and per transfer's latency, in event order, so that a seeded source gives
 * the same run every time. */
typedef double (*xp_noise_fn)(void *ctx);

/* The analytic engine with every duration multiplied by noise(ctx). */
xp_status xp_analytic_run_noisy(const xp_params *pr, const xp_schedule *s, xp_result *res,
                                xp_error *err, xp_noise_fn noise, void *ctx);

#endif

/* engine.h: the interface every execution engine implements: run a schedule, fill a result. */
#ifndef XP_ENGINE_H
#define XP_ENGINE_H

#include "base/status.h"
#include "output/result.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Execution semantics shared by every engine: a device runs its ops in its order; an op starts
 * when the device has finished the previous op and the op's input has fully arrived:
 *   F of part q > 0        needs F of part q-1 (an activation, sent when that block ends);
 *   B/D of part q < last   needs B/D of part q+1 (a gradient);
 *   B/D of the last part   needs its own F;
 *   W                      needs its own D;
 * a block's output leaves when its last piece ends; later pieces follow earlier ones on the
 * device. With dp > 1 the first F of a chunk also waits for that chunk's parameter all-gather,
 * and the chunk's gradient reduce-scatter starts when its last B/W ends; a schedule with an
 * FSDP plan (torch UNSHARD cells) issues its all-gathers where the plan says (exec.h).
 * An engine returns XP_EDEADLOCK, naming the blocked ops, when the order cannot finish. */
typedef struct xp_engine {
	const char *name;    /* "analytic" */
	const char *summary; /* one sentence */
	/* Run sched under pr, filling res (created by xp_result_new for sched). The engine fills
	 * the timeline and calls xp_result_finish. sched must have passed xp_schedule_check. */
	xp_status (*run)(const xp_params *pr, const xp_schedule *sched, xp_result *res,
	                 xp_error *err);
	unsigned caps; /* XP_ENGINE_*: what the engine models itself besides a constant network */
} xp_engine;

/* The engine runs a time-varying link or straggler trace (xp_params_time_varying). */
#define XP_ENGINE_VARYING 1u
/* The engine runs pr->iterations back to back itself and fills res->iters (the analytic and
 * ideal engines are re-run by xp_iterations_run instead). */
#define XP_ENGINE_ITERATES 2u

/* All engines compiled in, and lookup by name (NULL if unknown). */
const xp_engine *const *xp_engines(size_t *n);
const xp_engine *xp_engine_find(const char *name);

/* The analytic engine: the default engine, the one robustness re-timing and every search loop
 * (models/engine/evaluator.h) use. */
const xp_engine *xp_engine_default(void);

/* Sort ms (n >= 1 makespans) and give their mean, median, 95th percentile (GSL's quantiles),
 * min and max, rounded to ns: the statistics of robustness runs and of iterations. */
void xp_engine_summarise(double *ms, int n, int64_t *mean, int64_t *p50, int64_t *p95, int64_t *min,
                         int64_t *max);

/* The one way to run a schedule (run, sweep and validate go through it): check sched, create
 * its result, run engine e, finish the result and, on the analytic engine with
 * robustness.samples > 0, add the robustness re-timing (xp_robustness_run). On failure *out is
 * NULL and err says why. */
xp_status xp_engine_run(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                        xp_result **out, xp_error *err);

/* As xp_engine_run, with the transfers counted and summed into the WAN metrics but not listed,
 * and the op times summed per device but not stored (xp_result_summary_only): what the JSON and
 * CSV outputs need, without a record per message or per op. */
xp_status xp_engine_run_counted(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                                xp_result **out, xp_error *err);

struct xp_packet_stats;
/* As xp_engine_run, and with stats not NULL what the packet engine measured besides the
 * timeline (XP_EINVAL when e is not the packet engine). */
xp_status xp_engine_run_measured(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                                 xp_result **out, struct xp_packet_stats *stats, xp_error *err);

/* Robustness: re-time sched pr->jitter_samples times on the analytic engine, every block
 * duration, every transfer's time on its link and latency, and every collective multiplied by an
 * independent log-normal factor of mean 1 and standard deviation pr->jitter (seeded from
 * pr->seed, so the figures are reproducible). Fills r->robust (mean, median, 95th percentile,
 * min, max of the makespan). */
xp_status xp_robustness_run(const xp_params *pr, const xp_schedule *sched, xp_result *r,
                            xp_error *err);

/* Iterations: with pr->iterations > 1, run sched that many times back to back on engine e (the
 * analytic or the ideal one), iteration i+1 starting where iteration i ended (its DP collectives
 * included), so that a time-varying link or straggler meets the schedule at another phase each
 * time; fill r->iters (per-iteration makespans, mean, p50, p95, min, max, standard deviation).
 * r keeps the first iteration's timeline. XP_EINVAL for another engine; nothing with one
 * iteration. */
xp_status xp_iterations_run(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                            xp_result *r, xp_error *err);
/* Set it to the n iteration times and their statistics, taking ownership of times (freed on
 * failure too). XP_ENOMEM. */
xp_status xp_iterations_set(xp_iterations *it, int64_t *times, int n);

/* XP_OK when engine e can run pr's iterations (checked before any run), else XP_EINVAL. */
xp_status xp_iterations_supported(const xp_engine *e, const xp_params *pr, xp_error *err);

#ifdef __cplusplus
}
#endif
#endif

/* result.h: the record of one run of one schedule on one engine, and the metrics derived from it.
 *
 * Engines fill the timeline (op times, transfers, collectives); xp_result_finish derives every
 * metric from it, so that all engines report the same quantities the same way. The record is
 * plain data on purpose: writers and tests read its fields directly. */
#ifndef XP_RESULT_H
#define XP_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One message over a directed link between two devices: the output of block `kind` of model part
 * `part` for microbatch `mb` (F: an activation going to part+1; D or B: a gradient going to
 * part-1). ready = the producing block's end; start/end = the window it holds the link;
 * arrive = when it is usable at dst. */
typedef struct xp_transfer {
	int32_t src, dst;
	int32_t part, mb;
	uint8_t kind;
	uint8_t crosses_dc;
	int64_t bytes;
	int64_t ready_ns, start_ns, end_ns, arrive_ns;
} xp_transfer;

/* One DP collective of one device: a ZeRO-1 all-gather or reduce-scatter of a chunk over its DP
 * group, or (datacenters.split: dp) the gradient all-reduce across the datacenters at the end of
 * the iteration. */
typedef enum {
	XP_COLL_ALLGATHER = 0,
	XP_COLL_REDUCESCATTER = 1,
	XP_COLL_WAN_ALLREDUCE = 2,
	XP_COLL_KINDS
} xp_coll_kind;

/* "all-gather", "reduce-scatter", "all-reduce across DCs". */
const char *xp_coll_name(xp_coll_kind k);
typedef struct xp_collective {
	int32_t device, chunk;
	uint8_t kind; /* xp_coll_kind */
	int64_t bytes;
	int64_t start_ns, end_ns;
} xp_collective;

/* Robustness (robustness.jitter, robustness.samples): the makespan of the same schedule re-timed
 * with noisy block and link times. samples == 0 when not run. */
typedef struct xp_robustness {
	int samples;
	double jitter; /* relative standard deviation of every duration */
	int64_t mean_ns, median_ns, p95_ns, min_ns, max_ns;
} xp_robustness;

/* Back-to-back iterations (the iterations key, `run --iterations N`): each iteration's makespan,
 * in order, and their statistics. n == 0 when only one iteration ran. */
typedef struct xp_iterations {
	int n;
	int64_t *times_ns; /* n entries, owned by the result */
	int64_t mean_ns, p50_ns, p95_ns, min_ns, max_ns;
	int64_t stddev_ns; /* sample standard deviation (0 for one iteration) */
	int replan;        /* schedule.replan (xp_replan_mode) the times were run with */
	int switches;      /* re-planning: how many times the schedule changed */
} xp_iterations;

typedef struct xp_result {
	char schedule[48];        /* generator name, or the schedule file's name */
	char engine[16];          /* "analytic", "ideal", ... */
	const xp_schedule *sched; /* borrowed; must outlive the result */
	int devices;

	/* timeline, filled by the engine through xp_result_set_op: op k of device d is at index
	 * op_offset[d] + k (op_start_ns and op_end_ns unset when keep_op_times is 0) */
	size_t *op_offset; /* devices + 1 entries */
	int64_t *op_start_ns, *op_end_ns;
	int64_t *first_start_ns, *last_end_ns; /* per device, kept as the ops are set */
	xp_transfer *transfers;
	size_t n_transfers, cap_transfers;
	xp_collective *collectives;
	size_t n_collectives, cap_collectives;

	/* metrics, filled by xp_result_finish */
	int64_t makespan_ns; /* first start to last end, over all devices and collectives */
	int64_t
	    max_device_span_ns; /* largest (last compute end - first compute start) of a device */
	int64_t time_per_microbatch_ns;
	double tokens_per_s;         /* microbatches * dp * tokens_per_microbatch / makespan */
	double *bubble_ratio;        /* per device: 1 - compute busy time / makespan */
	int64_t *busy_ns;            /* per device compute time */
	int64_t *peak_memory_bytes;  /* per device */
	int64_t *memory_limit_bytes; /* per device (copied from the scenario) */
	int fits_memory;             /* every device's peak within its limit */
	int64_t wan_queue_ns;        /* sum over DC-crossing transfers of start - ready */
	int64_t wan_busy_ns;         /* sum over DC-crossing transfers of end - start */

	xp_robustness robust; /* filled by xp_robustness_run; samples 0 when not run */
	xp_iterations iters;  /* filled by xp_iterations_run; n 0 when not run */
	size_t cap_ops;       /* room in op_start_ns and op_end_ns */

	/* 1 (xp_result_new's default): every transfer is kept in transfers[]. 0: transfers are
	 * only counted and summed into wan_queue_ns and wan_busy_ns as they are added, and
	 * transfers[] stays empty: for outputs that need no list of them (JSON, CSV). */
	int keep_transfers;
	/* 1 (the default): op_start_ns and op_end_ns hold every op's times. 0: only the per-device
	 * sums (busy_ns, first_start_ns, last_end_ns) are kept, and the two arrays are never
	 * written (a summary run of a million ops touches 16 MB less). */
	int keep_op_times;
	size_t transfers_made;     /* every xp_result_add_transfer since the last reset */
	size_t wan_transfers_made; /* those that cross a DC boundary */
} xp_result;

/* A result with its timeline sized for sched, the op times unset (an engine sets every one or
 * fails the run). NULL when out of memory. */
xp_result *xp_result_new(const xp_schedule *sched, const char *engine);
void xp_result_free(xp_result *r); /* NULL is a no-op */

/* Make r the empty result of a new run of sched (same device count as r's schedule) on the same
 * engine: no transfers, collectives or robustness, the op times unset (not -1: an engine sets
 * them all), keeping the arrays' room so that a search loop allocates nothing once r is big
 * enough. XP_EINVAL when the device count differs, XP_ENOMEM. */
xp_status xp_result_reset(xp_result *r, const xp_schedule *sched);

/* Keep only what the summary outputs (JSON, CSV, a sweep's row) need: transfers counted, op
 * times summed per device (keep_transfers and keep_op_times 0). */
void xp_result_summary_only(xp_result *r);

/* Record that op k (index op_offset[d] + i) of device d ran from start to end. An engine sets
 * each op once per run. */
static inline void xp_result_set_op(xp_result *r, int d, size_t k, int64_t start, int64_t end)
{
	if (r->keep_op_times) {
		r->op_start_ns[k] = start;
		r->op_end_ns[k] = end;
	}
	r->busy_ns[d] += end - start;
	if (start < r->first_start_ns[d])
		r->first_start_ns[d] = start;
	if (end > r->last_end_ns[d])
		r->last_end_ns[d] = end;
}

/* Append a record; XP_ENOMEM on failure. */
xp_status xp_result_add_transfer(xp_result *r, const xp_transfer *t);
/* The number of transfers and of DC-crossing ones, kept or only counted. */
size_t xp_result_transfers(const xp_result *r, size_t *wan);
xp_status xp_result_add_collective(xp_result *r, const xp_collective *c);

/* The earliest start (0 when nothing ran) and the latest end over every op and collective. */
void xp_result_extent(const xp_result *r, int64_t *first, int64_t *last);

/* Derive every metric from the timeline, its per-device sums and the scenario. */
void xp_result_finish(xp_result *r, const xp_params *pr);

#ifdef __cplusplus
}
#endif
#endif

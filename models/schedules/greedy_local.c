/* greedy_local.c: a cheap local search on a finished schedule: where a device waits before an
 * op, try running the op after it first; keep the swap when the analytic makespan drops and the
 * memory limit still holds. The orders are swapped in place in the schedule and timed by the
 * caller's evaluator, so trying an order allocates nothing. */
#include "schedules/greedy_int.h"

#include <stdlib.h>
#include <string.h>

#include "engine/evaluator.h"

typedef struct local {
	xp_evaluator *ev;
	xp_schedule *s;             /* the orders being improved */
	int64_t *start_ns, *end_ns; /* op times of the current best orders */
} local;

/* Ops that may trade places: different blocks, not two blocks of one queue (kind and chunk keep
 * microbatch order), and never a W before its own D. */
static int swappable(xp_op a, xp_op b)
{
	if (a.kind == b.kind && a.chunk == b.chunk)
		return 0;
	return !(a.kind == XP_OP_D && b.kind == XP_OP_W && a.mb == b.mb && a.chunk == b.chunk);
}

static void swap_ops(xp_op *o, size_t i)
{
	xp_op t = o[i];
	o[i] = o[i + 1];
	o[i + 1] = t;
}

/* Time the current orders and keep their op times; -1 when they cannot run or do not fit. */
static int64_t retime(local *L)
{
	const xp_result *r;
	if (xp_evaluator_run(L->ev, L->s, &r, NULL) != XP_OK || !r->fits_memory)
		return -1;
	size_t n = r->op_offset[r->devices];
	memcpy(L->start_ns, r->op_start_ns, n * sizeof *L->start_ns);
	memcpy(L->end_ns, r->op_end_ns, n * sizeof *L->end_ns);
	return r->makespan_ns;
}

/* One pass: the first improving swap in front of a wait, or 0 when none within *budget. */
static int improve(local *L, int64_t *best, long *budget)
{
	size_t off = 0;
	for (int d = 0; d < xp_schedule_devices(L->s); d++) {
		xp_op *ops = xp_schedule_ops_mut(L->s, d);
		size_t len = xp_schedule_len(L->s, d);
		for (size_t i = 1; i + 1 < len && *budget > 0; i++) {
			if (L->start_ns[off + i] <= L->end_ns[off + i - 1] ||
			    !swappable(ops[i], ops[i + 1]))
				continue;
			swap_ops(ops, i);
			(*budget)--;
			int64_t ms = xp_evaluator_makespan(L->ev, L->s);
			if (ms >= 0 && ms < *best) {
				*best = ms;
				return 1;
			}
			swap_ops(ops, i);
		}
		off += len;
	}
	return 0;
}

xp_status xp_greedy_local_search(xp_evaluator *ev, xp_schedule **sched, int64_t *makespan,
                                 long budget)
{
	size_t n = xp_schedule_total_ops(*sched) + 1;
	local L = { .ev = ev, .s = *sched };
	L.start_ns = malloc(n * sizeof *L.start_ns);
	L.end_ns = malloc(n * sizeof *L.end_ns);
	xp_status st = L.start_ns && L.end_ns ? XP_OK : XP_ENOMEM;
	while (st == XP_OK && budget > 0) {
		if (retime(&L) < 0) {
			st = XP_ENOMEM;
			break;
		}
		if (!improve(&L, makespan, &budget))
			break;
	}
	free(L.start_ns);
	free(L.end_ns);
	return st;
}

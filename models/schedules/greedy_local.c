/* greedy_local.c: a cheap local search on a finished schedule: where a device waits before an
 * op, try running the op after it first; keep the swap when the analytic makespan drops and the
 * memory limit still holds. */
#include "greedy_int.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

typedef struct local {
	const xp_params *pr;
	const xp_schedule *tmpl; /* placement and name */
	int p;
	xp_op **ops;
	size_t *len;
	int *part_device;
} local;

static xp_schedule *rebuild(const local *L)
{
	const xp_schedule *t = L->tmpl;
	xp_schedule *s = xp_schedule_new(L->p, xp_schedule_chunks(t), xp_schedule_microbatches(t),
	                                 L->part_device);
	for (int d = 0; s && d < L->p; d++)
		for (size_t i = 0; i < L->len[d]; i++)
			if (xp_schedule_add(s, d, L->ops[d][i]) != XP_OK) {
				xp_schedule_free(s);
				return NULL;
			}
	if (s)
		xp_schedule_set_name(s, xp_schedule_name(t));
	return s;
}

/* Makespan of the current orders under the analytic engine (the result kept in *res when res is
 * not NULL), or -1 when they deadlock, exceed the memory limit or run out of memory. */
static int64_t timing(const local *L, xp_result **res, xp_schedule **sched)
{
	const xp_engine *e = xp_engine_find("analytic");
	xp_schedule *s = rebuild(L);
	xp_result *r = s ? xp_result_new(s, e->name) : NULL;
	xp_error err;
	int64_t ms = -1;
	if (r && e->run(L->pr, s, r, &err) == XP_OK && r->fits_memory)
		ms = r->makespan_ns;
	if (ms >= 0 && res) {
		*res = r;
		*sched = s;
		return ms;
	}
	xp_result_free(r);
	xp_schedule_free(s);
	return ms;
}

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

/* One pass: the first improving swap in front of a wait, or 0 when none within *budget. */
static int improve(local *L, const xp_result *r, int64_t *best, long *budget)
{
	for (int d = 0; d < L->p; d++) {
		size_t off = r->op_offset[d];
		for (size_t i = 1; i + 1 < L->len[d] && *budget > 0; i++) {
			if (r->op_start_ns[off + i] <= r->op_end_ns[off + i - 1] ||
			    !swappable(L->ops[d][i], L->ops[d][i + 1]))
				continue;
			swap_ops(L->ops[d], i);
			(*budget)--;
			int64_t ms = timing(L, NULL, NULL);
			if (ms >= 0 && ms < *best) {
				*best = ms;
				return 1;
			}
			swap_ops(L->ops[d], i);
		}
	}
	return 0;
}

static xp_status setup(local *L, const xp_schedule *s)
{
	int parts = xp_schedule_parts(s);
	L->p = xp_schedule_devices(s);
	L->tmpl = s;
	L->ops = calloc((size_t)L->p, sizeof *L->ops);
	L->len = calloc((size_t)L->p, sizeof *L->len);
	L->part_device = malloc((size_t)parts * sizeof *L->part_device);
	if (!L->ops || !L->len || !L->part_device)
		return XP_ENOMEM;
	for (int q = 0; q < parts; q++)
		L->part_device[q] = xp_schedule_device_of(s, q);
	for (int d = 0; d < L->p; d++) {
		L->len[d] = xp_schedule_len(s, d);
		L->ops[d] = malloc((L->len[d] + 1) * sizeof **L->ops);
		if (!L->ops[d])
			return XP_ENOMEM;
		memcpy(L->ops[d], xp_schedule_ops(s, d), L->len[d] * sizeof **L->ops);
	}
	return XP_OK;
}

static void teardown(local *L)
{
	for (int d = 0; L->ops && d < L->p; d++)
		free(L->ops[d]);
	free(L->ops);
	free(L->len);
	free(L->part_device);
}

xp_status xp_greedy_local_search(const xp_params *pr, xp_schedule **sched, int64_t *makespan,
                                 long budget)
{
	local L = { .pr = pr };
	xp_status st = setup(&L, *sched);
	while (st == XP_OK && budget > 0) {
		xp_result *r = NULL;
		xp_schedule *s = NULL;
		if (timing(&L, &r, &s) < 0) {
			st = XP_ENOMEM;
			break;
		}
		int better = improve(&L, r, makespan, &budget);
		xp_result_free(r);
		xp_schedule_free(s);
		if (!better)
			break;
	}
	xp_schedule *s = st == XP_OK ? rebuild(&L) : NULL;
	teardown(&L);
	if (!s)
		return XP_ENOMEM;
	xp_schedule_free(*sched);
	*sched = s;
	return XP_OK;
}

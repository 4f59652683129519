/* orders.c: per-device block orders of the solver: conversion to and from schedules, timing them
 * with the analytic engine, and the incumbent that every exact method starts from. */
#include "solver/solver_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedules/greedy_int.h"
#include "schedules/schedules.h"

void xp_solver_serial_order(const xp_solver_instance *in, int *blk)
{
	/* F of every chunk going up the V, then the backward coming down, one microbatch at a
	 * time: at most one microbatch's activations are held on a device. */
	static const int seq_v[6][2] = { { 0, XP_SV_F }, { 1, XP_SV_F }, { 1, XP_SV_D },
		                         { 1, XP_SV_W }, { 0, XP_SV_D }, { 0, XP_SV_W } };
	static const int seq_1[3][2] = { { 0, XP_SV_F }, { 0, XP_SV_D }, { 0, XP_SV_W } };
	const int(*seq)[2] = in->v == 2 ? seq_v : seq_1;
	for (int d = 0; d < in->p; d++) {
		int *o = blk + (size_t)d * in->per_dev, k = 0;
		for (int j = 0; j < in->m; j++)
			for (int s = 0; s < 3 * in->v; s++)
				o[k++] = xp_solver_idx(in, d, seq[s][0], seq[s][1], j);
	}
}

/* The orders blk into the (empty) schedule s of the instance's placement. */
static xp_status fill(const xp_solver_instance *in, const int *blk, xp_schedule *s)
{
	static const xp_op_kind kinds[3] = { XP_OP_F, XP_OP_D, XP_OP_W };
	for (int d = 0; d < in->p; d++)
		for (int i = 0; i < in->per_dev; i++) {
			const xp_solver_block *bk = &in->b[blk[(size_t)d * in->per_dev + i]];
			if (xp_schedule_add_block(s, d, kinds[bk->type], bk->mb, bk->chunk))
				return XP_ENOMEM;
		}
	return XP_OK;
}

xp_schedule *xp_solver_to_schedule(const xp_solver_instance *in, const int *blk, const char *name)
{
	xp_schedule *s =
	    in->vplace ? xp_schedule_new_v(in->p, in->m) : xp_schedule_new(in->p, 1, in->m, NULL);
	if (s && fill(in, blk, s) != XP_OK) {
		xp_schedule_free(s);
		return NULL;
	}
	if (s)
		xp_schedule_set_name(s, name);
	return s;
}

static int same_placement(const xp_solver_instance *in, const xp_schedule *s)
{
	if (xp_schedule_devices(s) != in->p || xp_schedule_chunks(s) != in->v ||
	    xp_schedule_microbatches(s) != in->m)
		return 0;
	for (int q = 0; q < in->p * in->v; q++)
		if (xp_schedule_device_of(s, q) != xp_schedule_device_of(in->shape, q))
			return 0;
	return 1;
}

xp_status xp_solver_from_schedule(const xp_solver_instance *in, const xp_schedule *s, int *blk)
{
	if (!same_placement(in, s))
		return XP_EINVAL;
	for (int d = 0; d < in->p; d++) {
		const xp_op *ops = xp_schedule_ops(s, d);
		int *o = blk + (size_t)d * in->per_dev, k = 0;
		for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
			xp_op op = ops[i];
			if (op.lo != 0) /* a block sits where its first piece starts */
				continue;
			if (k + (op.kind == XP_OP_B ? 2 : 1) > in->per_dev)
				return XP_EINVAL;
			if (op.kind == XP_OP_F || op.kind == XP_OP_B || op.kind == XP_OP_D)
				o[k++] = xp_solver_idx(
				    in, d, op.chunk, op.kind == XP_OP_F ? XP_SV_F : XP_SV_D, op.mb);
			if (op.kind == XP_OP_B || op.kind == XP_OP_W)
				o[k++] = xp_solver_idx(in, d, op.chunk, XP_SV_W, op.mb);
		}
		if (k != in->per_dev)
			return XP_EINVAL;
	}
	return XP_OK;
}

static int consumer(const xp_solver_instance *in, const xp_transfer *t)
{
	int q = t->kind == XP_OP_F ? t->part + 1 : t->part - 1;
	int d = xp_schedule_device_of(in->shape, q), c = xp_schedule_chunk_of(in->shape, q);
	return xp_solver_idx(in, d, c, t->kind == XP_OP_F ? XP_SV_F : XP_SV_D, t->mb);
}

int64_t xp_solver_timeline(const xp_solver_instance *in, const int *blk, int64_t *start,
                           int64_t *window)
{
	xp_schedule *s = in->scratch;
	const xp_result *r = NULL;
	xp_schedule_clear(s);
	if (fill(in, blk, s) != XP_OK || xp_evaluator_run(in->ev, s, &r, NULL) != XP_OK ||
	    !r->fits_memory)
		return -1;
	int64_t mk = r->makespan_ns;
	for (int d = 0; start && d < in->p; d++)
		for (int i = 0; i < in->per_dev; i++)
			start[blk[(size_t)d * in->per_dev + i]] =
			    r->op_start_ns[r->op_offset[d] + i];
	for (int b = 0; window && b < in->n; b++)
		window[b] = -1;
	for (size_t i = 0; window && i < r->n_transfers; i++)
		window[consumer(in, &r->transfers[i])] = r->transfers[i].start_ns;
	return mk;
}

int64_t xp_solver_evaluate(const xp_solver_instance *in, const int *blk)
{
	return xp_solver_timeline(in, blk, NULL, NULL);
}

/* Try generator `name` as an incumbent ("greedy-whole": the greedy in whole blocks, the solver's
 * own space); keep it in best when it fits and is faster. */
static void try_kind(const xp_solver_instance *in, const char *name, int *cand, int *best,
                     int64_t *best_ns, char *from)
{
	const xp_schedule_kind *k = xp_schedule_kind_find(name);
	xp_schedule *s = NULL;
	if (!strcmp(name, "greedy-whole")) {
		if (xp_greedy_best_of(in->pr, in->vplace, 1, name, &s, NULL) != XP_OK)
			return;
	} else if (!k || k->build(in->pr, &s, NULL) != XP_OK) {
		return;
	}
	if (xp_solver_from_schedule(in, s, cand) == XP_OK) {
		int64_t ns = xp_solver_evaluate(in, cand);
		if (ns >= 0 && (*best_ns < 0 || ns < *best_ns)) {
			*best_ns = ns;
			memcpy(best, cand, (size_t)in->n * sizeof *best);
			snprintf(from, 32, "%s", name);
		}
	}
	xp_schedule_free(s);
}

int64_t xp_solver_incumbent(const xp_solver_instance *in, int *blk, char *from)
{
	static const char *const uni[] = { "greedy", "greedy-whole", "zbh1", "1f1b",
		                           "zbh2",   "gpipe",        NULL };
	static const char *const vee[] = { "greedy-v", "greedy-whole", "zbv", NULL };
	int *cand = malloc((size_t)in->n * sizeof *cand);
	if (!cand)
		return -1;
	xp_solver_serial_order(in, blk);
	int64_t best = xp_solver_evaluate(in, blk);
	snprintf(from, 32, "serial");
	for (const char *const *n = in->vplace ? vee : uni; *n; n++)
		try_kind(in, *n, cand, blk, &best, from);
	free(cand);
	return best;
}

typedef struct keyed {
	double t;
	int b;
} keyed;

static int by_time(const void *pa, const void *pb)
{
	const keyed *a = pa, *b = pb;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

void xp_solver_orders_from_times(const xp_solver_instance *in, const double *x, int *blk)
{
	keyed *k = malloc((size_t)in->per_dev * sizeof *k);
	if (!k) { /* keep the orders as they were: still a valid answer */
		return;
	}
	for (int d = 0; d < in->p; d++) {
		for (int i = 0; i < in->per_dev; i++)
			k[i] = (keyed){ x[d * in->per_dev + i], d * in->per_dev + i };
		qsort(k, (size_t)in->per_dev, sizeof *k, by_time);
		for (int i = 0; i < in->per_dev; i++)
			blk[(size_t)d * in->per_dev + i] = k[i].b;
	}
	free(k);
}

int64_t xp_solver_assignment(const xp_solver_model *md, const int *blk, double *x, double *y)
{
	const xp_solver_instance *in = md->in;
	int64_t *start = malloc((size_t)in->n * sizeof *start);
	int64_t *window = malloc((size_t)in->n * sizeof *window);
	int *pos = malloc((size_t)in->n * sizeof *pos);
	int64_t mk = -1;
	if (!start || !window || !pos)
		goto out;
	mk = xp_solver_timeline(in, blk, start, window);
	if (mk < 0)
		goto out;
	for (int i = 0; i < in->n; i++)
		pos[blk[i]] = i;
	for (int b = 0; b < in->n; b++) {
		x[b] = (double)start[b];
		if (md->win[b] >= 0)
			x[md->win[b]] = (double)window[b];
	}
	x[md->mk] = (double)mk;
	for (int k = 0; k < md->ny; k++)
		y[k] = pos[md->ya[k]] < pos[md->yb[k]];
out:
	free(start);
	free(window);
	free(pos);
	return mk;
}

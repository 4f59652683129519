/* greedy.c: the greedy list scheduler of the adaptive schedules (the CrossPipe authors'
 * CrossUDSub and its variants): blocks cut into sub-blocks, placed one sub-block at a time on the
 * device that can start earliest, timed exactly as the analytic engine times them.
 *
 * Blocks of one kind and part run in microbatch order on their device (a queue per kind and
 * chunk), which is also what the authors' priority "lower microbatch first" gives. A finished
 * block puts its output on the directed link to the consumer's device at once; every directed
 * link is fed by one device, whose blocks are placed in time order, so max(ready, link free) is
 * the engine's earliest free window. */
#include "schedules/greedy_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/block_cost.h"
#include "schedules/greedy_core.h"

static const uint8_t op_kind[KINDS] = { XP_OP_F, XP_OP_D, XP_OP_W };

/* The engine's ring all-gather of one chunk's parameters; chunks go back to back, in the order of
 * their first F (chunk 0 first: chunk 1's first F needs chunk 0's on every placement). */
static void plan_allgathers(gstate *g)
{
	const xp_params *pr = g->pr;
	for (int d = 0; d < g->p; d++)
		for (int c = 0; c < g->v; c++) {
			int64_t t = xp_exec_ring_ns(pr, xp_exec_chunk_param_bytes(pr, d, g->v));
			g->ag[d * g->v + c] = (c ? g->ag[d * g->v + c - 1] : 0) + t;
		}
}

static void plan_subblocks(gstate *g)
{
	for (int d = 0; d < g->p; d++) {
		for (int k = 0; k < KINDS; k++)
			for (int i = 0; i < g->n; i++) {
				xp_op op = { .kind = op_kind[k],
					     .lo = (uint16_t)i,
					     .hi = (uint16_t)(i + 1),
					     .nsub = (uint16_t)g->n };
				size_t at = ((size_t)d * KINDS + k) * g->n + i;
				g->dur[at] = xp_op_duration_ns(g->pr, g->s, d, op);
				xp_op_memory(g->pr, g->s, d, op, &g->rise[at], &g->fall[at]);
			}
		if (d + 1 < g->p)
			g->up_ser[d] = xp_exec_message_ns(g->pr, d, d + 1, &g->up_lat[d]);
		if (d > 0)
			g->down_ser[d] = xp_exec_message_ns(g->pr, d, d - 1, &g->down_lat[d]);
		xp_op whole = { .kind = XP_OP_F, .hi = 1, .nsub = 1 };
		int64_t fall;
		xp_op_memory(g->pr, g->s, d, whole, &g->chunk_rise[d], &fall);
	}
}

static xp_status setup(gstate *g)
{
	size_t blocks = (size_t)KINDS * g->parts * g->m, p = (size_t)g->p;
	g->arrive = malloc(blocks * sizeof *g->arrive);
	g->seq = malloc(blocks * sizeof *g->seq);
	g->done = calloc(blocks, sizeof *g->done);
	g->head = calloc(p * KINDS * g->v, sizeof *g->head);
	g->dev = calloc(p, sizeof *g->dev);
	g->ag = malloc(p * g->v * sizeof *g->ag);
	g->dur = malloc(p * KINDS * g->n * sizeof *g->dur);
	g->rise = malloc(p * KINDS * g->n * sizeof *g->rise);
	g->fall = malloc(p * KINDS * g->n * sizeof *g->fall);
	g->link = calloc(p * 6, sizeof *g->link);
	g->chunk_rise = malloc(p * sizeof *g->chunk_rise);
	g->per_dev = (size_t)KINDS * g->v * g->m * g->n;
	g->pc = malloc(p * g->per_dev * sizeof *g->pc);
	for (g->leaves = 1; g->leaves < g->p; g->leaves *= 2)
		;
	g->win = malloc(2 * (size_t)g->leaves * sizeof *g->win);
	g->cand = malloc(p * KINDS * 2 * sizeof *g->cand);
	g->n_cand = calloc(p, sizeof *g->n_cand);
	g->part_of = malloc(p * g->v * sizeof *g->part_of);
	g->w_faster = malloc(p);
	if (!g->arrive || !g->seq || !g->done || !g->head || !g->dev || !g->ag || !g->dur ||
	    !g->rise || !g->fall || !g->link || !g->chunk_rise || !g->pc || !g->win || !g->cand ||
	    !g->n_cand || !g->part_of || !g->w_faster)
		return XP_ENOMEM;
	g->up_free = g->link;
	g->down_free = g->link + p;
	g->up_ser = g->link + 2 * p;
	g->down_ser = g->link + 3 * p;
	g->up_lat = g->link + 4 * p;
	g->down_lat = g->link + 5 * p;
	for (size_t i = 0; i < blocks; i++)
		g->arrive[i] = -1;
	for (int d = 0; d < g->p; d++)
		for (int c = 0; c < g->v; c++)
			g->part_of[d * g->v + c] = xp_schedule_part(g->s, d, c);
	for (int d = 0; d < g->p; d++)
		g->w_faster[d] = (char)xp_greedy_w_releases_faster(g, d);
	plan_allgathers(g);
	plan_subblocks(g);
	for (int mb = 0; mb < g->m; mb++) {
		size_t b = xp_gblock(g, KF, 0, mb);
		g->arrive[b] = g->ag[xp_schedule_device_of(g->s, 0) * g->v];
		g->seq[b] = g->counter++;
	}
	for (int d = 0; d < g->p; d++)
		g->dev[d].f_left = g->v * g->m;
	return XP_OK;
}

static void teardown(gstate *g)
{
	free(g->arrive);
	free(g->seq);
	free(g->done);
	free(g->head);
	free(g->dev);
	free(g->ag);
	free(g->dur);
	free(g->rise);
	free(g->fall);
	free(g->link);
	free(g->chunk_rise);
	free(g->pc);
	free(g->win);
	free(g->cand);
	free(g->n_cand);
	free(g->part_of);
	free(g->w_faster);
}

static void refresh(gstate *g, int d);

/* The input of block (kind, part, mb), produced on device `from` at t, becomes known. */
static void deliver(gstate *g, int kind, int part, int mb, int from, int64_t t)
{
	int to = xp_schedule_device_of(g->s, part);
	int64_t at = t;
	if (to != from) {
		int up = to == from + 1;
		int64_t *fr = up ? &g->up_free[from] : &g->down_free[from];
		int64_t start = t > *fr ? t : *fr;
		*fr = start + (up ? g->up_ser[from] : g->down_ser[from]);
		at = *fr + (up ? g->up_lat[from] : g->down_lat[from]);
	}
	if (kind == KF) {
		int64_t ag = g->ag[to * g->v + xp_schedule_chunk_of(g->s, part)];
		at = at > ag ? at : ag;
	}
	size_t b = xp_gblock(g, kind, part, mb);
	g->arrive[b] = at;
	g->seq[b] = g->counter++;
	refresh(g, to);
}

/* The last sub-block of block (kind, part, mb) on device d ended at t. */
static void complete(gstate *g, int d, int kind, int chunk, int part, int mb, int64_t t)
{
	gdevice *dv = &g->dev[d];
	g->head[(d * KINDS + kind) * g->v + chunk]++;
	if (kind != KW)
		dv->last = 1 + kind;
	dv->f_left -= kind == KF;
	xp_exec_dep dep[2];
	for (int k = 0, n = xp_exec_consumers(g->s, op_kind[kind], part, d, dep); k < n; k++)
		deliver(g, dep[k].cls, dep[k].part, mb, d, t);
}

/* Place the next sub-block of candidate c on device d. */
static void place(gstate *g, int d, const gcand *c)
{
	gdevice *dv = &g->dev[d];
	size_t b = xp_gblock(g, c->kind, c->part, c->mb);
	int i = g->done[b];
	size_t at = ((size_t)d * KINDS + c->kind) * g->n + i;
	xp_gpiece *pc = &g->pc[(size_t)d * g->per_dev + dv->placed++];
	pc->op = (xp_op){ .kind = op_kind[c->kind],
		          .chunk = (uint8_t)c->chunk,
		          .lo = (uint16_t)i,
		          .hi = (uint16_t)(i + 1),
		          .nsub = (uint16_t)g->n,
		          .mb = c->mb };
	pc->start_ns = dv->end > c->arrive ? dv->end : c->arrive;
	pc->end_ns = pc->start_ns + g->dur[at];
	dv->end = pc->end_ns;
	dv->mem += g->rise[at] - g->fall[at];
	if (g->o->v_placement && c->kind == KF)
		dv->reserve += (c->chunk == 0 && i == 0 ? g->chunk_rise[d] : 0) -
		               (c->chunk == 1 ? g->rise[at] : 0);
	g->done[b]++;
	if (g->done[b] == g->n)
		complete(g, d, c->kind, c->chunk, c->part, c->mb, dv->end);
	refresh(g, d);
}

/* The device to place on next: the smallest key, the lowest device among equal keys; -1 when
 * no device can place anything. A tournament tree over the devices keeps it in O(log p) per
 * key change instead of a scan of every device per placed sub-block. */
static int better_device(const gstate *g, int a, int b)
{
	if (a < 0 || b < 0)
		return a < 0 ? b : a;
	return g->dev[b].key < g->dev[a].key ? b : a;
}

/* Only the nodes above d's leaf can change; the walk stops at the first one whose winner stays
 * a device other than d (its key, and so every node above, is as it was). */
static void key_changed(gstate *g, int d)
{
	int i = g->leaves + d;
	g->win[i] = g->dev[d].key == INT64_MAX ? -1 : d;
	for (i /= 2; i >= 1; i /= 2) {
		int w = better_device(g, g->win[2 * i], g->win[2 * i + 1]);
		if (w == g->win[i] && w != d)
			break;
		g->win[i] = w;
	}
}

static void refresh(gstate *g, int d)
{
	int64_t was = g->dev[d].key;
	xp_greedy_refresh(g, d);
	if (g->dev[d].key != was)
		key_changed(g, d);
}

static int pick_device(const gstate *g)
{
	return g->win[1];
}

static xp_status stuck(const gstate *g, xp_error *err)
{
	for (int d = 0; d < g->p; d++) {
		if (g->dev[d].placed == g->per_dev)
			continue;
		return xp_fail(err, XP_EMEMORY,
		               "%s: no device can make progress: device %d holds %lld bytes of "
		               "activations with memory.limit %lld bytes",
		               g->name, d, (long long)g->dev[d].mem,
		               (long long)g->pr->memory_limit_bytes[d]);
	}
	return xp_fail(err, XP_EMEMORY, "%s: no device can make progress", g->name);
}

static xp_status schedule(gstate *g, xp_error *err)
{
	size_t total = (size_t)g->p * g->per_dev;
	for (int i = 0; i < 2 * g->leaves; i++)
		g->win[i] = -1;
	for (int d = 0; d < g->p; d++) {
		xp_greedy_refresh(g, d);
		key_changed(g, d);
	}
	for (size_t k = 0; k < total; k++) {
		int d = pick_device(g);
		if (d < 0)
			return stuck(g, err);
		gcand c;
		xp_greedy_choose(g, d, &c);
		place(g, d, &c);
	}
	return XP_OK;
}

/* The post-passed pieces into the schedule; with times not NULL, their times into *times (start
 * and end of every op, in schedule order). */
static xp_status emit(gstate *g, int64_t **times, xp_error *err)
{
	size_t total = 0;
	for (int d = 0; d < g->p; d++) {
		xp_gpiece *pc = &g->pc[(size_t)d * g->per_dev];
		size_t n = xp_greedy_postpass(pc, g->dev[d].placed, g->n);
		g->dev[d].placed = n; /* now the count of post-passed pieces */
		total += n;
		for (size_t i = 0; i < n; i++)
			if (xp_schedule_add(g->s, d, pc[i].op) != XP_OK)
				return xp_fail(err, XP_ENOMEM, "%s: out of memory", g->name);
	}
	xp_schedule_set_name(g->s, g->name);
	if (!times)
		return XP_OK;
	if (!(*times = malloc((2 * total + 1) * sizeof **times)))
		return xp_fail(err, XP_ENOMEM, "%s: out of memory", g->name);
	size_t k = 0;
	for (int d = 0; d < g->p; d++)
		for (size_t i = 0; i < g->dev[d].placed; i++) {
			(*times)[k++] = g->pc[(size_t)d * g->per_dev + i].start_ns;
			(*times)[k++] = g->pc[(size_t)d * g->per_dev + i].end_ns;
		}
	return XP_OK;
}

xp_status xp_greedy_run(const xp_params *pr, const xp_greedy_opts *o, const char *name,
                        xp_schedule **out, xp_error *err)
{
	return xp_greedy_run_timed(pr, o, name, out, NULL, err);
}

xp_status xp_greedy_run_timed(const xp_params *pr, const xp_greedy_opts *o, const char *name,
                              xp_schedule **out, int64_t **times, xp_error *err)
{
	xp_status st = xp_gen_params(pr, name, out, err);
	if (st)
		return st;
	if (o->n_sub < 1 || o->n_sub > 64)
		return xp_fail(err, XP_EINVAL, "%s: schedule.n_sub must be 1..64, got %d", name,
		               o->n_sub);
	gstate g = { .pr = pr,
		     .o = o,
		     .name = name,
		     .p = pr->stages,
		     .m = pr->microbatches,
		     .n = o->n_sub,
		     .v = o->v_placement ? 2 : 1 };
	g.s = o->v_placement ? xp_schedule_new_v(g.p, g.m) : xp_schedule_new(g.p, 1, g.m, NULL);
	if (!g.s)
		return xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	g.parts = g.p * g.v;
	st = xp_greedy_check_memory(&g, err);
	if (!st && setup(&g) != XP_OK)
		st = xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	if (!st)
		st = schedule(&g, err);
	if (!st)
		st = emit(&g, times, err);
	teardown(&g);
	if (st) {
		xp_schedule_free(g.s);
		return st;
	}
	*out = g.s;
	return XP_OK;
}

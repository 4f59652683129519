/* instance.c: the solver's view of a scenario and placement: blocks with durations, memory,
 * inputs and links; DP collective times; precedence closure; head and tail bounds. */
#include "solver/solver_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "schedule/block_cost.h"

static int part_device(const xp_solver_instance *in, int q)
{
	return xp_schedule_device_of(in->shape, q);
}

static int block_of_part(const xp_solver_instance *in, int q, int t, int j)
{
	return xp_solver_idx(in, part_device(in, q), xp_schedule_chunk_of(in->shape, q), t, j);
}

static int link_id(xp_solver_instance *in, int a, int c)
{
	for (int i = 0; i < in->n_links; i++)
		if (in->links[i].src == a && in->links[i].dst == c)
			return i;
	xp_solver_link *l = &in->links[in->n_links];
	l->src = a;
	l->dst = c;
	l->ser_ns = xp_exec_message_ns(in->pr, a, c, &l->lat_ns);
	return in->n_links++;
}

/* The input of block (part q, type t, mb j): its producer and the link it crosses. */
static void wire(xp_solver_instance *in, xp_solver_block *bk, int q)
{
	int type, from;
	bk->link = bk->prod = -1;
	if (!xp_exec_producer(in->p * in->v, bk->type, q, &type, &from))
		return;
	bk->prod = block_of_part(in, from, type, bk->mb);
	if (part_device(in, from) != bk->dev)
		bk->link = link_id(in, part_device(in, from), bk->dev);
}

static void make_blocks(xp_solver_instance *in)
{
	static const xp_op_kind kinds[3] = { XP_OP_F, XP_OP_D, XP_OP_W };
	for (int d = 0; d < in->p; d++)
		for (int c = 0; c < in->v; c++)
			for (int t = 0; t < 3; t++)
				for (int j = 0; j < in->m; j++) {
					int i = xp_solver_idx(in, d, c, t, j);
					xp_solver_block *bk = &in->b[i];
					xp_op op = { .kind = (uint8_t)kinds[t],
						     .chunk = (uint8_t)c,
						     .hi = 1,
						     .nsub = 1,
						     .mb = j };
					*bk = (xp_solver_block){
						.dev = d, .chunk = c, .type = t, .mb = j
					};
					bk->dur_ns = xp_op_duration_ns(in->pr, in->shape, d, op);
					xp_op_memory(in->pr, in->shape, d, op, &bk->rise,
					             &bk->fall);
					wire(in, bk, xp_schedule_part(in->shape, d, c));
				}
}

/* DP collective times as the engine sets them: run the one-at-a-time order and read them. */
static xp_status collectives(xp_solver_instance *in)
{
	if (in->pr->dp <= 1)
		return XP_OK;
	int *blk = malloc((size_t)in->n * sizeof *blk);
	xp_schedule *s = NULL;
	const xp_result *r = NULL;
	xp_status st = XP_ENOMEM;
	if (!blk)
		goto out;
	xp_solver_serial_order(in, blk);
	s = xp_solver_to_schedule(in, blk, "serial");
	if (!s || xp_evaluator_run(in->ev, s, &r, NULL) != XP_OK)
		goto out;
	for (size_t i = 0; i < r->n_collectives; i++) {
		const xp_collective *c = &r->collectives[i];
		if (c->kind == XP_COLL_ALLGATHER)
			in->ag_end_ns[c->device * in->v + c->chunk] = c->end_ns;
		else
			in->rs_ns[c->device * in->v + c->chunk] = c->end_ns - c->start_ns;
	}
	st = XP_OK;
out:
	xp_schedule_free(s);
	free(blk);
	return st;
}

static void visit(const xp_solver_instance *in, int b, char *seen, int *topo, int *n)
{
	if (seen[b])
		return;
	seen[b] = 1;
	if (in->b[b].prod >= 0)
		visit(in, in->b[b].prod, seen, topo, n);
	if (in->b[b].mb > 0)
		visit(in, b - 1, seen, topo, n);
	topo[(*n)++] = b;
}

static int64_t delay(const xp_solver_instance *in, int b)
{
	const xp_solver_block *bk = &in->b[b];
	return bk->link < 0 ? 0 : in->links[bk->link].ser_ns + in->links[bk->link].lat_ns;
}

static void push_tail(xp_solver_instance *in, int from, int to, int64_t gap)
{
	int64_t t = in->b[from].dur_ns + gap + in->tail_ns[to];
	if (t > in->tail_ns[from])
		in->tail_ns[from] = t;
	uint64_t *rf = in->reach + (size_t)from * in->words,
	         *rt = in->reach + (size_t)to * in->words;
	for (int w = 0; w < in->words; w++)
		rf[w] |= rt[w];
	rf[to / 64] |= (uint64_t)1 << (to % 64);
}

/* Work on b's device that must follow b (b included), plus the smallest reduce-scatter. */
static int64_t device_rest(const xp_solver_instance *in, int b)
{
	int d = in->b[b].dev, lo = d * in->per_dev;
	int64_t w = in->b[b].dur_ns, rs = in->rs_ns[d * in->v];
	for (int c = 1; c < in->v; c++)
		if (in->rs_ns[d * in->v + c] < rs)
			rs = in->rs_ns[d * in->v + c];
	for (int x = lo; x < lo + in->per_dev; x++)
		if (xp_solver_precedes(in, b, x))
			w += in->b[x].dur_ns;
	return w + rs;
}

/* Heads forward, then tails and the precedence closure backward over a topological order. */
static xp_status bounds(xp_solver_instance *in)
{
	int *topo = malloc((size_t)in->n * sizeof *topo), k = 0;
	char *seen = calloc((size_t)in->n, 1);
	if (!topo || !seen) {
		free(topo);
		free(seen);
		return XP_ENOMEM;
	}
	for (int b = 0; b < in->n; b++)
		visit(in, b, seen, topo, &k);
	for (int i = 0; i < in->n; i++) {
		int b = topo[i];
		const xp_solver_block *bk = &in->b[b];
		int64_t h = bk->type == XP_SV_F ? in->ag_end_ns[bk->dev * in->v + bk->chunk] : 0;
		if (bk->prod >= 0 &&
		    in->head_ns[bk->prod] + in->b[bk->prod].dur_ns + delay(in, b) > h)
			h = in->head_ns[bk->prod] + in->b[bk->prod].dur_ns + delay(in, b);
		if (bk->mb > 0 && in->head_ns[b - 1] + in->b[b - 1].dur_ns > h)
			h = in->head_ns[b - 1] + in->b[b - 1].dur_ns;
		in->head_ns[b] = h;
		int last = bk->type == XP_SV_W && bk->mb == in->m - 1;
		in->tail_ns[b] = bk->dur_ns + (last ? in->rs_ns[bk->dev * in->v + bk->chunk] : 0);
	}
	in->lb_ns = 0;
	for (int i = in->n - 1; i >= 0; i--) {
		int b = topo[i];
		int64_t rest = device_rest(in, b);
		if (rest > in->tail_ns[b])
			in->tail_ns[b] = rest;
		if (in->head_ns[b] + in->tail_ns[b] > in->lb_ns)
			in->lb_ns = in->head_ns[b] + in->tail_ns[b];
		if (in->b[b].prod >= 0)
			push_tail(in, in->b[b].prod, b, delay(in, b));
		if (in->b[b].mb > 0)
			push_tail(in, b - 1, b, 0);
	}
	free(topo);
	free(seen);
	return XP_OK;
}

static xp_status check_memory(const xp_solver_instance *in, xp_error *err)
{
	for (int d = 0; d < in->p; d++) {
		int64_t need = 0;
		for (int c = 0; c < in->v; c++)
			need += in->b[xp_solver_idx(in, d, c, XP_SV_F, 0)].rise;
		if (in->limit[d] < need)
			return xp_fail(err, XP_EMEMORY,
			               "memory.limit of device %d (%lld bytes) is below one "
			               "microbatch's activations (%lld bytes): no schedule fits",
			               d, (long long)in->limit[d], (long long)need);
	}
	return XP_OK;
}

static xp_status alloc(xp_solver_instance *in)
{
	size_t n = (size_t)in->n, pv = (size_t)in->p * in->v;
	in->words = (in->n + 63) / 64;
	in->b = calloc(n, sizeof *in->b);
	in->links = calloc(2 * pv, sizeof *in->links);
	in->ag_end_ns = calloc(pv, sizeof *in->ag_end_ns);
	in->rs_ns = calloc(pv, sizeof *in->rs_ns);
	in->head_ns = calloc(n, sizeof *in->head_ns);
	in->tail_ns = calloc(n, sizeof *in->tail_ns);
	in->reach = calloc(n * (size_t)in->words, sizeof *in->reach);
	in->limit = calloc((size_t)in->p, sizeof *in->limit);
	if (!in->b || !in->links || !in->ag_end_ns || !in->rs_ns || !in->head_ns || !in->tail_ns ||
	    !in->reach || !in->limit)
		return XP_ENOMEM;
	memcpy(in->limit, in->pr->memory_limit_bytes, (size_t)in->p * sizeof *in->limit);
	return XP_OK;
}

xp_status xp_solver_instance_new(const xp_params *pr, int vplace, xp_solver_instance **out,
                                 xp_error *err)
{
	*out = NULL;
	if (!pr || pr->stages < 1 || pr->microbatches < 1)
		return xp_fail(err, XP_EINVAL, "optimal: needs stages >= 1 and microbatches >= 1");
	xp_solver_instance *in = calloc(1, sizeof *in);
	if (!in)
		return xp_fail(err, XP_ENOMEM, "optimal: out of memory");
	in->pr = pr;
	in->vplace = vplace;
	in->p = pr->stages;
	in->m = pr->microbatches;
	in->v = vplace ? 2 : 1;
	in->per_dev = 3 * in->v * in->m;
	in->n = in->p * in->per_dev;
	in->shape =
	    vplace ? xp_schedule_new_v(in->p, in->m) : xp_schedule_new(in->p, 1, in->m, NULL);
	xp_status st = in->shape ? alloc(in) : XP_ENOMEM;
	if (st == XP_OK)
		st = xp_evaluator_new(pr, in->shape, &in->ev, NULL);
	if (st == XP_OK && !(in->scratch = xp_schedule_copy(in->shape)))
		st = XP_ENOMEM;
	if (st == XP_OK) {
		make_blocks(in);
		st = check_memory(in, err);
		if (st != XP_OK) {
			xp_solver_instance_free(in);
			return st;
		}
		st = collectives(in);
	}
	if (st == XP_OK)
		st = bounds(in);
	if (st != XP_OK) {
		xp_solver_instance_free(in);
		return xp_fail(err, st, "optimal: out of memory building the model");
	}
	*out = in;
	return XP_OK;
}

void xp_solver_instance_free(xp_solver_instance *in)
{
	if (!in)
		return;
	xp_schedule_free(in->shape);
	xp_schedule_free(in->scratch);
	xp_evaluator_free(in->ev);
	xp_solver_cuts_free(in->cuts);
	free(in->b);
	free(in->links);
	free(in->ag_end_ns);
	free(in->rs_ns);
	free(in->head_ns);
	free(in->tail_ns);
	free(in->reach);
	free(in->limit);
	free(in);
}

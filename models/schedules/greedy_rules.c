/* greedy_rules.c: which device and which block the greedy places next: the CrossPipe authors'
 * CrossUDSub rules (docs/model.md §6, "The greedy") and the variants that "best of several" tries.
 */
#include "schedule/block_cost.h"
#include "schedules/greedy_core.h"

#include <stdint.h>

static int64_t limit_of(const gstate *g, int d)
{
	return g->pr->memory_limit_bytes[d];
}

/* Does sub-block i of an F of `chunk` fit on device d once `extra` more bytes are held? In the V
 * placement a chunk-0 F also keeps room for the chunk-1 F of every microbatch it has started, so
 * that the V can always be completed (no deadlock on memory). */
static int f_fits_extra(const gstate *g, int d, int chunk, int i, int64_t extra)
{
	const gdevice *dv = &g->dev[d];
	int64_t need = g->rise[((size_t)d * KINDS + KF) * g->n + i] + extra;
	if (g->o->v_placement && chunk == 0)
		need += dv->reserve + (i == 0 ? g->chunk_rise[d] : 0);
	return dv->mem + need <= limit_of(g, d);
}

static int f_fits(const gstate *g, int d, int chunk, int i)
{
	return f_fits_extra(g, d, chunk, i, 0);
}

/* The known blocks at the heads of device d's queues. */
static int gather(const gstate *g, int d, gcand *cs)
{
	int n = 0;
	for (int k = 0; k < KINDS; k++)
		for (int c = 0; c < g->v; c++) {
			int mb = g->head[(d * KINDS + k) * g->v + c];
			if (mb >= g->m)
				continue;
			int part = g->part_of[d * g->v + c];
			size_t b = xp_gblock(g, k, part, mb);
			if (g->arrive[b] < 0)
				continue;
			cs[n] = (gcand){ .kind = k,
				         .chunk = c,
				         .part = part,
				         .mb = mb,
				         .arrive = g->arrive[b],
				         .seq = g->seq[b],
				         .fits = 1 };
			if (k == KF)
				cs[n].fits = f_fits(g, d, c, g->done[b]);
			n++;
		}
	return n;
}

void xp_greedy_refresh(gstate *g, int d)
{
	gdevice *dv = &g->dev[d];
	gcand *cs = &g->cand[(size_t)d * KINDS * 2];
	int n = g->n_cand[d] = dv->placed == g->per_dev ? 0 : gather(g, d, cs);
	int64_t t = INT64_MAX;
	for (int i = 0; i < n; i++)
		if (cs[i].fits && cs[i].arrive < t)
			t = cs[i].arrive;
	dv->key = t == INT64_MAX ? t : t > dv->end ? t : dv->end;
}

/* Would the rest of device d's next F block (any chunk) fit, whether or not its input has
 * arrived? (The candidates need only their next sub-block to fit; this phase test, inferred from
 * the authors' orders, asks for the whole remaining block.) */
static int next_f_fits(const gstate *g, int d)
{
	for (int c = 0; c < g->v; c++) {
		int mb = g->head[(d * KINDS + KF) * g->v + c];
		if (mb >= g->m)
			continue;
		size_t b = xp_gblock(g, KF, g->part_of[d * g->v + c], mb);
		int ok = 1;
		int64_t rest = 0; /* what F sub-blocks done[b]..i-1 add */
		for (int i = g->done[b]; i < g->n && ok; i++) {
			ok = f_fits_extra(g, d, c, i, rest);
			rest += g->rise[((size_t)d * KINDS + KF) * g->n + i];
		}
		if (ok)
			return 1;
	}
	return 0;
}

int xp_greedy_w_releases_faster(const gstate *g, int d)
{
	xp_op w = { .kind = XP_OP_W, .hi = 1, .nsub = 1 },
	      dd = { .kind = XP_OP_D, .hi = 1, .nsub = 1 };
	int64_t rise, fw, fd;
	xp_op_memory(g->pr, g->s, d, w, &rise, &fw);
	xp_op_memory(g->pr, g->s, d, dd, &rise, &fd);
	double tw = (double)xp_op_duration_ns(g->pr, g->s, d, w);
	double td = (double)xp_op_duration_ns(g->pr, g->s, d, dd);
	return (double)fw * td >= (double)fd * tw;
}

static void set_order(int *order, int a, int b, int c)
{
	order[0] = a;
	order[1] = b;
	order[2] = c;
}

/* The order of the block kinds on device d under the rule set. */
static void kind_order(const gstate *g, int d, int *order)
{
	const gdevice *dv = &g->dev[d];
	int teardown = dv->f_left == 0, after_f = dv->last == 1 + KF;
	switch (g->o->rule) {
	case XP_RULES_D_FIRST: set_order(order, KD, KF, KW); return;
	case XP_RULES_F_EAGER:
		if (teardown)
			set_order(order, KD, KW, KF);
		else
			set_order(order, KF, KD, KW);
		return;
	case XP_RULES_W_EAGER:
		if (teardown)
			set_order(order, KW, KD, KF);
		else if (after_f)
			set_order(order, KD, KF, KW);
		else
			set_order(order, KW, KF, KD);
		return;
	default: break;
	}
	if (teardown)
		set_order(order, KD, KW, KF);
	else if (after_f)
		set_order(order, KD, KF, KW);
	else if (next_f_fits(g, d))
		set_order(order, KF, KD, KW);
	else if (g->w_faster[d])
		set_order(order, KW, KD, KF);
	else
		set_order(order, KD, KW, KF);
}

/* Of two ready blocks of one kind (V placement), the one to run first. */
static int better_same_kind(const gstate *g, const gcand *a, const gcand *b)
{
	if (g->o->later_first)
		return a->chunk > b->chunk;
	return a->mb < b->mb || (a->mb == b->mb && a->chunk > b->chunk);
}

void xp_greedy_choose(const gstate *g, int d, gcand *c)
{
	const gcand *cs = &g->cand[(size_t)d * KINDS * 2];
	int n = g->n_cand[d], best = -1;
	int64_t end = g->dev[d].end;
	for (int i = 0; i < n; i++)
		if (cs[i].fits && cs[i].arrive <= end)
			goto rules;
	/* nothing ready: jump to the earliest arrival (ties: known first), no priority rules */
	for (int i = 0; i < n; i++)
		if (cs[i].fits && (best < 0 || cs[i].arrive < cs[best].arrive ||
		                   (cs[i].arrive == cs[best].arrive && cs[i].seq < cs[best].seq)))
			best = i;
	*c = cs[best];
	return;
rules:;
	int order[3];
	kind_order(g, d, order);
	for (int k = 0; k < 3 && best < 0; k++)
		for (int i = 0; i < n; i++)
			if (cs[i].kind == order[k] && cs[i].fits && cs[i].arrive <= end &&
			    (best < 0 || better_same_kind(g, &cs[i], &cs[best])))
				best = i;
	*c = cs[best];
}

xp_status xp_greedy_check_memory(const gstate *g, xp_error *err)
{
	for (int d = 0; d < g->p; d++) {
		int64_t act = g->pr->activation_bytes[d], lim = limit_of(g, d);
		xp_op sub = { .kind = XP_OP_F, .lo = 0, .hi = 1, .nsub = (uint16_t)g->n };
		int64_t rise, fall;
		xp_op_memory(g->pr, g->s, d, sub, &rise, &fall);
		char l[32], a[32], r[32];
		xp_format_bytes(l, sizeof l, lim);
		xp_format_bytes(a, sizeof a, act);
		xp_format_bytes(r, sizeof r, rise);
		if (lim < rise)
			return xp_fail(err, XP_EMEMORY,
			               "%s: memory.limit %s on device %d is below one microbatch's "
			               "activations (%s%s / n_sub %d = %s per sub-block)",
			               g->name, l, d, a, g->v > 1 ? " / 2 chunks" : "", g->n, r);
		if (lim < act)
			return xp_fail(
			    err, XP_EMEMORY,
			    "%s: memory.limit %s on device %d is below one microbatch's "
			    "activations (%s), which the device holds from the microbatch's "
			    "first forward until its backward",
			    g->name, l, d, a);
	}
	return XP_OK;
}

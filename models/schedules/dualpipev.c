/* dualpipev.c: DualPipeV, DeepSeek-V3's DualPipe folded into a V, in the order torch's
 * ScheduleDualPipeV writes it (torch.distributed.pipelining, commit in docs/torch.md).
 *
 * Device k of p holds chunk 0 = part k and chunk 1 = part 2p-1-k (the V placement); m >= 2p.
 * Per chunk, forwards and backwards take microbatches 0, 1, ... in turn. A backward is a whole
 * B, or a D whose W joins a queue of pending weight gradients (oldest first). "F0" below is a
 * forward of chunk 0, "F0+B1" an overlapped op (the forward of chunk 0 with the whole backward
 * of chunk 1, one op: docs/model.md). The order of device k:
 *   1. 2(p-1-k) x F0;
 *   2. k+1 x (F0, F1);
 *   3. p-1-k x (D1, the oldest pending W, F1);
 *   4. m-2p+k+1 x (F0+B1, F1+B0), except that the last device runs its first F0+B1 as F0, B1
 *      (not overlapped, which shortens its bubble);
 *   5. p-1-k x (B1, F1+B0);
 *   6. k+1 rounds of (backward of chunk 1, backward of chunk 0), whole B until half-way: in round
 *      (k+1)/2 (integer division) the backwards become D, from chunk 1's on when k is odd and
 *      from chunk 0's when k is even;
 *   7. p-1-k x (the oldest pending W, D0);
 *   8. k+1 x the oldest pending W.
 * Steps 1-8 give every chunk m forwards and m backwards, and leave no W pending.
 */
#include "schedules/generators.h"

#include <stdlib.h>

typedef struct order {
	xp_gen *g;
	int k;
	int f[2], b[2]; /* the next forward and backward microbatch of each chunk */
	int *w_chunk, *w_mb, w_head, w_tail; /* pending W, oldest at w_head */
} order;

static void fwd(order *o, int c)
{
	xp_gen_add(o->g, o->k, XP_OP_F, o->f[c]++, c);
}

/* The next backward of chunk c: a whole B, or a D whose W is queued. */
static void bwd(order *o, int c, int split)
{
	if (split) {
		o->w_chunk[o->w_tail] = c;
		o->w_mb[o->w_tail++] = o->b[c];
	}
	xp_gen_add(o->g, o->k, split ? XP_OP_D : XP_OP_B, o->b[c]++, c);
}

static void pending_w(order *o)
{
	if (o->w_head == o->w_tail)
		return;
	xp_gen_add(o->g, o->k, XP_OP_W, o->w_mb[o->w_head], o->w_chunk[o->w_head]);
	o->w_head++;
}

/* The next forward of chunk cf overlapped with the next whole backward of chunk cb. */
static void overlap(order *o, int cf, int cb)
{
	if (o->g->st == XP_OK)
		o->g->st = xp_schedule_add_overlap(o->g->s, o->k, o->f[cf]++, cf, o->b[cb]++, cb);
}

static void device_order(order *o, int p, int m)
{
	int k = o->k, rest = p - 1 - k, split = 0;
	for (int i = 0; i < 2 * rest; i++)
		fwd(o, 0);
	for (int i = 0; i <= k; i++)
		fwd(o, 0), fwd(o, 1);
	for (int i = 0; i < rest; i++)
		bwd(o, 1, 1), pending_w(o), fwd(o, 1);
	for (int i = 0; i < m - 2 * p + k + 1; i++) {
		if (i == 0 && k == p - 1)
			fwd(o, 0), bwd(o, 1, 0);
		else
			overlap(o, 0, 1);
		overlap(o, 1, 0);
	}
	for (int i = 0; i < rest; i++)
		bwd(o, 1, 0), overlap(o, 1, 0);
	for (int i = 0; i <= k; i++) {
		split |= i == (k + 1) / 2 && k % 2 == 1;
		bwd(o, 1, split);
		split |= i == (k + 1) / 2 && k % 2 == 0;
		bwd(o, 0, split);
	}
	for (int i = 0; i < rest; i++)
		pending_w(o), bwd(o, 0, split);
	for (int i = 0; i <= k; i++)
		pending_w(o);
}

xp_status xp_schedule_build_dualpipev(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	xp_status st = xp_gen_params(pr, "dualpipev", out, err);
	if (st)
		return st;
	int p = pr->stages, m = pr->microbatches;
	if (m < 2 * p)
		return xp_fail(
		    err, XP_EINVAL,
		    "dualpipev: needs at least as many microbatches as model parts (2 per "
		    "device): pipeline.microbatches %d < 2 x %d",
		    m, p);
	xp_gen g;
	order o = { .g = &g };
	o.w_chunk = malloc(2 * (size_t)m * sizeof *o.w_chunk);
	o.w_mb = malloc(2 * (size_t)m * sizeof *o.w_mb);
	xp_gen_start(&g, o.w_chunk && o.w_mb ? xp_schedule_new_v(p, m) : NULL);
	for (int k = 0; k < p && g.st == XP_OK; k++) {
		o = (order){ .g = &g, .k = k, .w_chunk = o.w_chunk, .w_mb = o.w_mb };
		device_order(&o, p, m);
	}
	free(o.w_chunk);
	free(o.w_mb);
	return xp_gen_finish(&g, "dualpipev", out, err);
}

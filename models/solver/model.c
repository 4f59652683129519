/* model.c: the disjunctive model shared by the exact methods (docs/model.md §7, CrossUD/CrossWave):
 * start times of blocks and link windows, "a before b" booleans for blocks of one device,
 * precedence rows (some conditional on a boolean) and pseudo-Boolean memory rows. */
#include "solver/solver_int.h"

#include <stdlib.h>
#include <string.h>

static int neg(int lit)
{
	return lit == XP_SV_TRUE ? XP_SV_FALSE : lit == XP_SV_FALSE ? XP_SV_TRUE : -lit;
}

int xp_solver_before(const xp_solver_model *md, int a, int b)
{
	const xp_solver_instance *in = md->in;
	int d = in->b[a].dev, la = a - d * in->per_dev, lb = b - d * in->per_dev;
	return md->pairlit[((size_t)d * in->per_dev + la) * in->per_dev + lb];
}

static int grow(void **p, int *cap, int need, size_t size)
{
	if (need <= *cap)
		return 0;
	int c = *cap ? 2 * *cap : 1024;
	while (c < need)
		c *= 2;
	void *n = realloc(*p, (size_t)c * size);
	if (!n)
		return -1;
	*p = n;
	*cap = c;
	return 0;
}

/* lit -> x[u] - x[v] >= c; a fixed false literal drops the row. */
static int diff(xp_solver_model *md, int lit, int u, int v, int64_t c)
{
	if (lit == XP_SV_FALSE)
		return 0;
	if (grow((void **)&md->diffs, &md->cap_diffs, md->n_diffs + 1, sizeof *md->diffs))
		return -1;
	md->diffs[md->n_diffs++] = (xp_solver_diff){ u, v, lit == XP_SV_TRUE ? 0 : lit, c };
	return 0;
}

static int either(xp_solver_model *md, int lit, int a, int b, int64_t ca, int64_t cb)
{
	return diff(md, lit, b, a, ca) || diff(md, neg(lit), a, b, cb);
}

/* Pseudo-Boolean rows are built term by term: w * lit with any sign of w. */
static void pb_begin(xp_solver_model *md, xp_solver_pb *pb, int64_t rhs)
{
	*pb = (xp_solver_pb){ .n = 0, .first = md->n_terms, .rhs = rhs };
}

static int pb_term(xp_solver_model *md, xp_solver_pb *pb, int lit, int64_t w)
{
	if (w < 0) { /* w*lit = |w|*(not lit) - |w| */
		pb->rhs -= w;
		lit = neg(lit);
		w = -w;
	}
	if (w == 0 || lit == XP_SV_FALSE)
		return 0;
	if (lit == XP_SV_TRUE) {
		pb->rhs -= w;
		return 0;
	}
	if (md->n_terms == md->cap_terms) { /* two arrays, one capacity */
		int cap = md->cap_terms, cap2 = cap;
		if (grow((void **)&md->tlit, &cap, md->n_terms + 1, sizeof *md->tlit) ||
		    grow((void **)&md->tw, &cap2, md->n_terms + 1, sizeof *md->tw))
			return -1;
		md->cap_terms = cap;
	}
	md->tlit[md->n_terms] = lit;
	md->tw[md->n_terms++] = w;
	pb->n++;
	return 0;
}

static int pb_end(xp_solver_model *md, xp_solver_pb *pb)
{
	int64_t sum = 0;
	for (int i = pb->first; i < pb->first + pb->n; i++)
		sum += md->tw[i];
	if (pb->rhs <= 0) { /* always true */
		md->n_terms = pb->first;
		return 0;
	}
	if (sum < pb->rhs)
		md->infeasible = 1;
	if (grow((void **)&md->pbs, &md->cap_pbs, md->n_pbs + 1, sizeof *md->pbs))
		return -1;
	md->pbs[md->n_pbs++] = *pb;
	return 0;
}

/* The order of a and b (one device) that the cuts force: XP_SV_TRUE (a first), XP_SV_FALSE, or 0.
 */
static int cut_order(const xp_solver_instance *in, int a, int b)
{
	const xp_solver_cuts *c = in->cuts;
	if (!c)
		return 0;
	int k = c->k, sa = a / in->m % k, sb = b / in->m % k, ia = in->b[a].mb, ib = in->b[b].mb;
	if (ia < c->minc[b * k + sa] || ib >= c->maxc[a * k + sb])
		return XP_SV_TRUE; /* a is done whenever b starts, or b never before a starts */
	if (ib < c->minc[a * k + sb] || ia >= c->maxc[b * k + sa])
		return XP_SV_FALSE;
	return 0;
}

/* Booleans for the pairs of a device whose order the precedences leave open. */
static int pair_literals(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	int pd = in->per_dev;
	for (int d = 0; d < in->p; d++)
		for (int la = 0; la < pd; la++)
			for (int lb = la + 1; lb < pd; lb++) {
				int a = d * pd + la, b = d * pd + lb, lit;
				if (xp_solver_precedes(in, a, b))
					lit = XP_SV_TRUE;
				else if (xp_solver_precedes(in, b, a))
					lit = XP_SV_FALSE;
				else if (cut_order(in, a, b))
					lit = cut_order(in, a, b);
				else {
					md->ya[md->ny] = a;
					md->yb[md->ny] = b;
					lit = ++md->ny;
				}
				md->pairlit[((size_t)d * pd + la) * pd + lb] = lit;
				md->pairlit[((size_t)d * pd + lb) * pd + la] = neg(lit);
			}
	return 0;
}

static void bounds(xp_solver_model *md, int64_t ub_ns)
{
	const xp_solver_instance *in = md->in;
	const xp_solver_cuts *c = in->cuts;
	for (int b = 0; b < in->n; b++) {
		md->lb[b] = c && c->lo[b] > in->head_ns[b] ? c->lo[b] : in->head_ns[b];
		md->ub[b] = ub_ns - in->tail_ns[b];
		if (c && c->hi[b] < md->ub[b])
			md->ub[b] = c->hi[b];
	}
	for (int b = 0; b < in->n; b++)
		if (md->win[b] >= 0) {
			const xp_solver_block *p = &in->b[in->b[b].prod];
			const xp_solver_link *l = &in->links[in->b[b].link];
			md->lb[md->win[b]] = md->lb[in->b[b].prod] + p->dur_ns;
			md->ub[md->win[b]] = md->ub[b] - l->ser_ns - l->lat_ns;
		}
	md->lb[md->mk] = in->lb_ns;
	md->ub[md->mk] = ub_ns;
	for (int x = 0; x < md->nx; x++)
		if (md->ub[x] < md->lb[x])
			md->infeasible = 1;
}

/* A pair that the cuts order (and the precedences do not) still needs its row. */
static int cut_precedences(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	int pd = in->per_dev;
	for (int d = 0; in->cuts && d < in->p; d++)
		for (int a = d * pd; a < (d + 1) * pd; a++)
			for (int b = a + 1; b < (d + 1) * pd; b++) {
				if (xp_solver_precedes(in, a, b) || xp_solver_precedes(in, b, a))
					continue;
				int o = cut_order(in, a, b);
				if (o && either(md, o, a, b, in->b[a].dur_ns, in->b[b].dur_ns))
					return -1;
			}
	return 0;
}

/* Data dependencies, microbatch order, device disjunctions and the makespan. */
static int precedences(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	for (int b = 0; b < in->n; b++) {
		const xp_solver_block *bk = &in->b[b];
		if (bk->mb > 0 && diff(md, XP_SV_TRUE, b, b - 1, in->b[b - 1].dur_ns))
			return -1;
		if (diff(md, XP_SV_TRUE, md->mk, b, in->tail_ns[b]))
			return -1;
		if (bk->prod < 0)
			continue;
		int64_t pd = in->b[bk->prod].dur_ns;
		if (md->win[b] < 0) {
			int64_t lat = bk->link >= 0 ? in->links[bk->link].lat_ns : 0;
			if (diff(md, XP_SV_TRUE, b, bk->prod, pd + lat))
				return -1;
		} else {
			const xp_solver_link *l = &in->links[bk->link];
			if (diff(md, XP_SV_TRUE, md->win[b], bk->prod, pd) ||
			    diff(md, XP_SV_TRUE, b, md->win[b], l->ser_ns + l->lat_ns))
				return -1;
		}
	}
	for (int k = 0; k < md->ny; k++) {
		int a = md->ya[k], b = md->yb[k];
		if (either(md, k + 1, a, b, in->b[a].dur_ns, in->b[b].dur_ns))
			return -1;
	}
	return cut_precedences(md);
}

/* One transfer at a time per directed link, in the order its producers run on their device. */
static int links(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	for (int a = 0; a < in->n; a++)
		for (int b = a + 1; md->win[a] >= 0 && b < in->n; b++) {
			if (md->win[b] < 0 || in->b[a].link != in->b[b].link)
				continue;
			int pa = in->b[a].prod, pb = in->b[b].prod;
			int64_t ser = in->links[in->b[a].link].ser_ns;
			int same =
			    in->b[pa].chunk == in->b[pb].chunk && in->b[pa].type == in->b[pb].type;
			if (same && pb != pa + 1)
				continue; /* implied by the consecutive ones */
			if (either(md, xp_solver_before(md, pa, pb), md->win[a], md->win[b], ser,
			           ser))
				return -1;
		}
	return 0;
}

/* With two chunks, the reduce-scatter of the chunk that finishes first delays the other's. */
static int dp_tail(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	for (int d = 0; in->v == 2 && d < in->p; d++) {
		int64_t rs = in->rs_ns[d * 2] + in->rs_ns[d * 2 + 1];
		int w0 = xp_solver_idx(in, d, 0, XP_SV_W, in->m - 1);
		int w1 = xp_solver_idx(in, d, 1, XP_SV_W, in->m - 1);
		int lit = xp_solver_before(md, w0, w1);
		if (rs > 0 && (diff(md, lit, md->mk, w0, in->b[w0].dur_ns + rs) ||
		               diff(md, neg(lit), md->mk, w1, in->b[w1].dur_ns + rs)))
			return -1;
	}
	return 0;
}

/* At every F's start: activations of the F's begun minus what ended D/W released <= limit. */
static int memory(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	for (int f = 0; f < in->n; f++) {
		const xp_solver_block *bf = &in->b[f];
		if (bf->type != XP_SV_F || in->limit[bf->dev] == INT64_MAX)
			continue;
		xp_solver_pb pb;
		pb_begin(md, &pb, bf->rise - in->limit[bf->dev]);
		int lo = bf->dev * in->per_dev;
		for (int g = lo; g < lo + in->per_dev; g++) {
			if (g == f)
				continue;
			int64_t w = in->b[g].type == XP_SV_F ? -in->b[g].rise : in->b[g].fall;
			if (pb_term(md, &pb, xp_solver_before(md, g, f), w))
				return -1;
		}
		if (pb_end(md, &pb))
			return -1;
	}
	return 0;
}

/* "a before b" is monotone along both microbatch sequences; say so to the solvers. */
static int consistency(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	for (int k = 0; k < md->ny; k++) {
		int a = md->ya[k], b = md->yb[k];
		xp_solver_pb pb;
		if (in->b[a].mb + 1 < in->m && a + 1 != b) {
			pb_begin(md, &pb, 1);
			if (pb_term(md, &pb, k + 1, 1) ||
			    pb_term(md, &pb, neg(xp_solver_before(md, a + 1, b)), 1) ||
			    pb_end(md, &pb))
				return -1;
		}
		if (in->b[b].mb + 1 < in->m) {
			pb_begin(md, &pb, 1);
			if (pb_term(md, &pb, -(k + 1), 1) ||
			    pb_term(md, &pb, xp_solver_before(md, a, b + 1), 1) || pb_end(md, &pb))
				return -1;
		}
	}
	return 0;
}

static int alloc(xp_solver_model *md)
{
	const xp_solver_instance *in = md->in;
	size_t pairs = (size_t)in->p * in->per_dev * in->per_dev;
	md->win = malloc((size_t)in->n * sizeof *md->win);
	md->pairlit = calloc(pairs, sizeof *md->pairlit);
	md->ya = malloc(pairs / 2 * sizeof *md->ya + 1);
	md->yb = malloc(pairs / 2 * sizeof *md->yb + 1);
	if (!md->win || !md->pairlit || !md->ya || !md->yb)
		return -1;
	md->nx = in->n;
	for (int b = 0; b < in->n; b++) {
		int l = in->b[b].link;
		md->win[b] = l >= 0 && in->links[l].ser_ns > 0 ? md->nx++ : -1;
	}
	md->mk = md->nx++;
	md->lb = malloc((size_t)md->nx * sizeof *md->lb);
	md->ub = malloc((size_t)md->nx * sizeof *md->ub);
	return md->lb && md->ub ? 0 : -1;
}

xp_status xp_solver_model_new(const xp_solver_instance *in, int64_t ub_ns, xp_solver_model **out)
{
	xp_solver_model *md = calloc(1, sizeof *md);
	*out = NULL;
	if (!md)
		return XP_ENOMEM;
	md->in = in;
	if (alloc(md) || pair_literals(md)) {
		xp_solver_model_free(md);
		return XP_ENOMEM;
	}
	bounds(md, ub_ns);
	if (precedences(md) || links(md) || dp_tail(md) || memory(md) || consistency(md)) {
		xp_solver_model_free(md);
		return XP_ENOMEM;
	}
	*out = md;
	return XP_OK;
}

void xp_solver_model_free(xp_solver_model *md)
{
	if (!md)
		return;
	free(md->win);
	free(md->lb);
	free(md->ub);
	free(md->pairlit);
	free(md->ya);
	free(md->yb);
	free(md->diffs);
	free(md->pbs);
	free(md->tlit);
	free(md->tw);
	free(md);
}

/* memory_bound.c: a memory-aware lower bound on the makespan of whole-block orders. Each device is
 * relaxed to a single machine of its own: its blocks keep their heads (earliest start by the
 * critical path) and tails, its own precedences and microbatch orders, and its memory limit; the
 * other devices are forgotten. A dynamic programme over how many blocks of each (chunk, type) are
 * done finds, for a horizon T, whether the device can meet start + tail <= T for every block: the
 * earliest end time dominates, because the memory in use depends only on which blocks are done.
 * The smallest such T (by bisection) bounds every whole-block schedule. At 1x memory this sees
 * what the critical-path bound cannot: a device that may hold only so many activations must wait
 * for its first releases. */
#include "solver/solver_int.h"

#include "base/units.h"

#include <stdlib.h>

#define MAX_STATES (1 << 22) /* (m+1)^(3v) states per device; above this the bound is skipped */

typedef struct device_dp {
	const xp_solver_instance *in;
	int d, k, m;    /* device, sequences (3v), microbatches */
	int *need;      /* per_dev * k: blocks of sequence s that must be done before block i */
	int64_t *mem;   /* k: memory change of one block of the sequence (+rise, -fall) */
	int64_t *radix; /* k: (m+1)^s */
	int64_t *t;     /* states: earliest end, or INT64_MAX */
	int64_t *late;  /* states: latest time from which the device can still finish by T */
	int64_t *first; /* per_dev: earliest start of each block in a sequence that finishes */
	int64_t *last;  /* per_dev: its latest start in such a sequence */
	int *minc;      /* n * k: fewest / most blocks of each sequence done when a block starts */
	int *maxc;
	int64_t *last_all; /* n: last of every device, kept across devices */
	int64_t n_states;
	double deadline; /* xp_now_s() after which the work stops */
} device_dp;

static int block_of(const device_dp *P, int s, int j)
{
	return (P->d * P->k + s) * P->m + j;
}

static void prepare(device_dp *P)
{
	const xp_solver_instance *in = P->in;
	for (int s = 0; s < P->k; s++) {
		const xp_solver_block *bk = &in->b[block_of(P, s, 0)];
		P->mem[s] = bk->type == XP_SV_F ? bk->rise : -bk->fall;
		P->radix[s] = s ? P->radix[s - 1] * (P->m + 1) : 1;
	}
	for (int i = 0; i < in->per_dev; i++)
		for (int s = 0; s < P->k; s++) {
			int n = 0;
			for (int j = 0; j < P->m; j++)
				if (xp_solver_precedes(in, block_of(P, s, j),
				                       P->d * in->per_dev + i))
					n = j + 1;
			P->need[i * P->k + s] = n;
		}
}

/* Can the device meet start + tail <= T for all its blocks? */
static int feasible(device_dp *P, int64_t T)
{
	const xp_solver_instance *in = P->in;
	int cnt[3 * 2];
	for (int64_t x = 0; x < P->n_states; x++)
		P->t[x] = INT64_MAX;
	P->t[0] = 0;
	for (int64_t x = 0; x < P->n_states; x++) {
		if (P->t[x] == INT64_MAX)
			continue;
		int64_t used = 0, rest = x;
		int done = 1;
		for (int s = P->k - 1; s >= 0; s--) {
			cnt[s] = (int)(rest / P->radix[s]);
			rest %= P->radix[s];
			used += cnt[s] * P->mem[s];
			done &= cnt[s] == P->m;
		}
		if (done)
			return 1;
		for (int s = 0; s < P->k; s++) {
			if (cnt[s] == P->m)
				continue;
			int b = block_of(P, s, cnt[s]), i = b - P->d * in->per_dev, ok = 1;
			for (int u = 0; u < P->k && ok; u++)
				ok = cnt[u] >= P->need[i * P->k + u];
			if (!ok || (P->mem[s] > 0 && used + P->mem[s] > in->limit[P->d]))
				continue;
			int64_t st = P->t[x] > in->head_ns[b] ? P->t[x] : in->head_ns[b];
			if (st + in->tail_ns[b] > T)
				continue;
			int64_t *nx = &P->t[x + P->radix[s]];
			if (st + in->b[b].dur_ns < *nx)
				*nx = st + in->b[b].dur_ns;
		}
	}
	return 0;
}

/* The smallest T in (lo, hi] the device meets, given that it meets hi. */
static int64_t device_bound(device_dp *P, int64_t lo, int64_t hi)
{
	prepare(P);
	while (hi - lo > 1) {
		if (xp_now_s() > P->deadline)
			return lo + 1; /* what is proven so far */
		int64_t mid = lo + (hi - lo) / 2;
		if (feasible(P, mid))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The counters of state x into cnt; returns the memory in use. */
static int64_t decode(const device_dp *P, int64_t x, int *cnt)
{
	int64_t used = 0;
	for (int s = P->k - 1; s >= 0; s--) {
		cnt[s] = (int)(x / P->radix[s]);
		x %= P->radix[s];
		used += cnt[s] * P->mem[s];
	}
	return used;
}

/* The latest start of the next block of sequence s at state x (cnt, used) that still lets the
 * device finish by T, or INT64_MIN when it cannot be next. */
static int64_t latest(const device_dp *P, const int *cnt, int64_t used, int64_t x, int s,
                      const int64_t *h, int64_t T)
{
	const xp_solver_instance *in = P->in;
	if (cnt[s] == P->m)
		return INT64_MIN;
	int b = block_of(P, s, cnt[s]), i = b - P->d * in->per_dev;
	for (int u = 0; u < P->k; u++)
		if (cnt[u] < P->need[i * P->k + u])
			return INT64_MIN;
	if (P->mem[s] > 0 && used + P->mem[s] > in->limit[P->d])
		return INT64_MIN;
	int64_t after = P->late[x + P->radix[s]], lim = T - in->tail_ns[b];
	if (after == INT64_MIN)
		return INT64_MIN;
	if (after != INT64_MAX && after - in->b[b].dur_ns < lim)
		lim = after - in->b[b].dur_ns;
	return lim >= h[b] ? lim : INT64_MIN;
}

/* Backward: late[x] = the latest time at state x from which the device can still finish by T. */
static void backward(device_dp *P, const int64_t *h, int64_t T)
{
	int cnt[3 * 2];
	P->late[P->n_states - 1] = INT64_MAX;
	for (int64_t x = P->n_states - 2; x >= 0; x--) {
		int64_t used = decode(P, x, cnt), best = INT64_MIN;
		for (int s = 0; s < P->k; s++) {
			int64_t l = latest(P, cnt, used, x, s, h, T);
			best = l > best ? l : best;
		}
		P->late[x] = best;
	}
}

/* Forward over the states that can still finish: the earliest time of each, and for each block
 * of the device, over the sequences that meet T: its earliest start (raised into h), its latest
 * start (last) and how many blocks of each sequence are done when it starts (minc, maxc).
 * Returns 0 when the device cannot meet T, else 1 (and *raised when a head went up). */
static int forward(device_dp *P, int64_t *h, int64_t T, int *raised)
{
	const xp_solver_instance *in = P->in;
	int cnt[3 * 2], lo = P->d * in->per_dev;
	for (int64_t x = 0; x < P->n_states; x++)
		P->t[x] = INT64_MAX;
	for (int i = 0; i < in->per_dev; i++) {
		P->first[i] = INT64_MAX;
		P->last[i] = INT64_MIN;
		for (int u = 0; u < P->k; u++) {
			P->minc[(lo + i) * P->k + u] = P->m;
			P->maxc[(lo + i) * P->k + u] = 0;
		}
	}
	P->t[0] = 0;
	if (P->late[0] < 0)
		return 0;
	for (int64_t x = 0; x < P->n_states - 1; x++) {
		if (P->t[x] == INT64_MAX || P->t[x] > P->late[x])
			continue;
		int64_t used = decode(P, x, cnt);
		for (int s = 0; s < P->k; s++) {
			int64_t l = latest(P, cnt, used, x, s, h, T);
			if (l == INT64_MIN)
				continue;
			int b = block_of(P, s, cnt[s]);
			int64_t st = P->t[x] > h[b] ? P->t[x] : h[b];
			if (st > l)
				continue;
			if (st < P->first[b - lo])
				P->first[b - lo] = st;
			if (l > P->last[b - lo])
				P->last[b - lo] = l;
			for (int u = 0; u < P->k; u++) {
				int *mn = &P->minc[b * P->k + u], *mx = &P->maxc[b * P->k + u];
				*mn = cnt[u] < *mn ? cnt[u] : *mn;
				*mx = cnt[u] > *mx ? cnt[u] : *mx;
			}
			int64_t *nx = &P->t[x + P->radix[s]];
			if (st + in->b[b].dur_ns < *nx)
				*nx = st + in->b[b].dur_ns;
		}
	}
	for (int i = 0; i < in->per_dev; i++) {
		if (P->first[i] == INT64_MAX)
			return 0;
		if (P->first[i] > h[lo + i]) {
			h[lo + i] = P->first[i];
			*raised = 1;
		}
	}
	return 1;
}

/* Heads along the data dependencies and microbatch orders after some went up. */
static void spread(const xp_solver_instance *in, int64_t *h)
{
	for (int changed = 1, pass = 0; changed && pass < in->n; pass++) {
		changed = 0;
		for (int b = 0; b < in->n; b++) {
			const xp_solver_block *bk = &in->b[b];
			int64_t v = h[b];
			if (bk->prod >= 0) {
				const xp_solver_link *l =
				    bk->link < 0 ? NULL : &in->links[bk->link];
				int64_t dl = l ? l->ser_ns + l->lat_ns : 0;
				if (h[bk->prod] + in->b[bk->prod].dur_ns + dl > v)
					v = h[bk->prod] + in->b[bk->prod].dur_ns + dl;
			}
			if (bk->mb > 0 && h[b - 1] + in->b[b - 1].dur_ns > v)
				v = h[b - 1] + in->b[b - 1].dur_ns;
			changed |= v > h[b];
			h[b] = v;
		}
	}
}

int64_t xp_solver_memory_bound(const xp_solver_instance *in, int64_t hi_ns, double deadline)
{
	int k = 3 * in->v;
	int64_t states = 1, best = xp_solver_link_bound(in, in->head_ns, in->tail_ns);
	if (best < in->lb_ns)
		best = in->lb_ns;
	for (int s = 0; s < k && states <= MAX_STATES; s++)
		states *= in->m + 1;
	if (states > MAX_STATES || hi_ns <= in->lb_ns)
		return best;
	device_dp P = { .in = in, .k = k, .m = in->m, .n_states = states, .deadline = deadline };
	P.need = malloc((size_t)in->per_dev * k * sizeof *P.need);
	P.mem = malloc((size_t)k * sizeof *P.mem);
	P.radix = malloc((size_t)k * sizeof *P.radix);
	P.t = malloc((size_t)states * sizeof *P.t);
	for (int d = 0; P.need && P.mem && P.radix && P.t && d < in->p; d++) {
		P.d = d;
		int64_t b = device_bound(&P, best - 1, hi_ns);
		if (b > best)
			best = b;
	}
	free(P.need);
	free(P.mem);
	free(P.radix);
	free(P.t);
	return best;
}

/* Rounds of every device alone, each raising the heads that the others' earliest starts imply,
 * until no head moves (at most 8). Returns 0 when some device cannot meet T. */
static int rounds(device_dp *P, int64_t *h, int64_t T)
{
	const xp_solver_instance *in = P->in;
	for (int b = 0; b < in->n; b++)
		h[b] = in->head_ns[b];
	for (int r = 0, raised = 1; raised && r < 8; r++) {
		raised = 0;
		for (int d = 0; d < in->p; d++) {
			P->d = d;
			prepare(P);
			backward(P, h, T);
			if (!forward(P, h, T, &raised))
				return 0;
			if (xp_now_s() > P->deadline)
				return -1;
			for (int i = 0; i < in->per_dev; i++)
				P->last_all[d * in->per_dev + i] = P->last[i];
		}
		spread(in, h);
	}
	return 1;
}

static void free_cuts(xp_solver_cuts *c)
{
	if (!c)
		return;
	free(c->lo);
	free(c->hi);
	free(c->minc);
	free(c->maxc);
	free(c);
}

void xp_solver_cuts_free(xp_solver_cuts *c)
{
	free_cuts(c);
}

/* Can the links meet T, given the cuts' earliest and latest starts? */
static int links_meet(const xp_solver_instance *in, const xp_solver_cuts *c, int64_t T)
{
	int64_t *after = malloc((size_t)in->n * sizeof *after);
	if (!after)
		return 1; /* nothing proven */
	for (int b = 0; b < in->n; b++)
		after[b] = T - c->hi[b] > in->tail_ns[b] ? T - c->hi[b] : in->tail_ns[b];
	int64_t lb = xp_solver_link_bound(in, c->lo, after);
	free(after);
	return lb <= T;
}

int xp_solver_cuts_at(xp_solver_instance *in, int64_t T, double deadline)
{
	int k = 3 * in->v, res = -1;
	int64_t states = 1;
	for (int s = 0; s < k && states <= MAX_STATES; s++)
		states *= in->m + 1;
	if (states > MAX_STATES)
		return -1;
	xp_solver_cuts *c = calloc(1, sizeof *c);
	device_dp P = { .in = in, .k = k, .m = in->m, .n_states = states, .deadline = deadline };
	size_t nk = (size_t)in->n * k;
	P.need = malloc((size_t)in->per_dev * k * sizeof *P.need);
	P.mem = malloc((size_t)k * sizeof *P.mem);
	P.radix = malloc((size_t)k * sizeof *P.radix);
	P.t = malloc((size_t)states * sizeof *P.t);
	P.late = malloc((size_t)states * sizeof *P.late);
	P.first = malloc((size_t)in->per_dev * sizeof *P.first);
	P.last = malloc((size_t)in->per_dev * sizeof *P.last);
	if (c) {
		c->lo = malloc((size_t)in->n * sizeof *c->lo);
		c->hi = malloc((size_t)in->n * sizeof *c->hi);
		c->minc = P.minc = malloc(nk * sizeof *c->minc);
		c->maxc = P.maxc = malloc(nk * sizeof *c->maxc);
		P.last_all = c->hi;
	}
	if (c && c->lo && c->hi && c->minc && c->maxc && P.need && P.mem && P.radix && P.t &&
	    P.late && P.first && P.last) {
		res = rounds(&P, c->lo, T);
		c->k = k;
		c->T_ns = T;
	}
	free(P.need);
	free(P.mem);
	free(P.radix);
	free(P.t);
	free(P.late);
	free(P.first);
	free(P.last);
	if (res == 1 && !links_meet(in, c, T))
		res = 0;
	if (res == 1) {
		free_cuts(in->cuts);
		in->cuts = c;
	} else {
		free_cuts(c);
	}
	return res;
}

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

#include <stdlib.h>

#define MAX_STATES (1 << 22) /* (m+1)^(3v) states per device; above this the bound is skipped */

typedef struct device_dp {
	const xp_solver_instance *in;
	int d, k, m;    /* device, sequences (3v), microbatches */
	int *need;      /* per_dev * k: blocks of sequence s that must be done before block i */
	int64_t *mem;   /* k: memory change of one block of the sequence (+rise, -fall) */
	int64_t *radix; /* k: (m+1)^s */
	int64_t *t;     /* states: earliest end, or INT64_MAX */
	int64_t n_states;
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
		int64_t mid = lo + (hi - lo) / 2;
		if (feasible(P, mid))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

int64_t xp_solver_memory_bound(const xp_solver_instance *in, int64_t hi_ns)
{
	int k = 3 * in->v;
	int64_t states = 1, best = in->lb_ns;
	for (int s = 0; s < k && states <= MAX_STATES; s++)
		states *= in->m + 1;
	if (states > MAX_STATES || hi_ns <= in->lb_ns)
		return best;
	device_dp P = { .in = in, .k = k, .m = in->m, .n_states = states };
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

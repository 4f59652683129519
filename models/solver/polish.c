/* polish.c: a local search on the incumbent's orders before the exact method runs. A move takes
 * one block of a device and inserts it up to POLISH_REACH places earlier or later in that
 * device's order (never past a block it must follow or precede); the analytic engine times the
 * result, and the move is kept when the makespan falls, or stays and the sum of the block starts
 * falls (the schedule gets tighter where the makespan does not see it yet). When no move helps,
 * it restarts from the best orders after 2-4 random moves (a fixed seed). The search stops after
 * `budget` timings, so that its answer does not depend on the machine's speed (the deadline is
 * the solver's time limit, a backstop). */
#include "solver/solver_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/units.h"

#define POLISH_REACH 12

typedef struct polish {
	const xp_solver_instance *in;
	int *cur, *cand;
	int64_t *start;
	int64_t mk, sum; /* of cur */
	long left;       /* timings still allowed */
	double deadline; /* xp_now_s() at which it stops */
} polish;

/* Can the block at position i of order o (one device's, per_dev long) move to position j? */
static int movable(const xp_solver_instance *in, const int *o, int i, int j)
{
	int b = o[i];
	for (int k = i < j ? i + 1 : j; k <= (i < j ? j : i - 1); k++)
		if (i < j ? xp_solver_precedes(in, b, o[k]) : xp_solver_precedes(in, o[k], b))
			return 0;
	return 1;
}

/* Move the block at position i of order c to position j. */
static void move(int *c, int i, int j)
{
	int b = c[i];
	if (i < j)
		memmove(c + i, c + i + 1, (size_t)(j - i) * sizeof *c);
	else
		memmove(c + j + 1, c + j, (size_t)(i - j) * sizeof *c);
	c[j] = b;
}

/* Time cand; keep it as cur when it is better. 1 when kept. */
static int try_cand(polish *S)
{
	if (--S->left % 256 == 0 && xp_now_s() > S->deadline)
		S->left = 0;
	int64_t mk = xp_solver_timeline(S->in, S->cand, S->start, NULL);
	if (mk < 0 || mk > S->mk)
		return 0;
	int64_t sum = 0;
	for (int b = 0; b < S->in->n; b++)
		sum += S->start[b];
	if (mk == S->mk && sum >= S->sum)
		return 0;
	S->mk = mk;
	S->sum = sum;
	memcpy(S->cur, S->cand, (size_t)S->in->n * sizeof *S->cur);
	return 1;
}

/* A deterministic pseudo-random number (xorshift). */
static unsigned next_rand(unsigned *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* cand = cur with `k` random legal moves; 0 when none could be made. */
static int perturb(polish *S, unsigned *seed, int k)
{
	const xp_solver_instance *in = S->in;
	int made = 0;
	memcpy(S->cand, S->cur, (size_t)in->n * sizeof *S->cand);
	for (int t = 0; t < 8 * k && made < k; t++) {
		int d = (int)(next_rand(seed) % (unsigned)in->p);
		int i = (int)(next_rand(seed) % (unsigned)in->per_dev);
		int j = i + (int)(next_rand(seed) % (2 * POLISH_REACH + 1)) - POLISH_REACH;
		int *c = S->cand + (size_t)d * in->per_dev;
		if (j == i || j < 0 || j >= in->per_dev || !movable(in, c, i, j))
			continue;
		move(c, i, j);
		made++;
	}
	return made;
}

/* One pass over every block of every device; 1 when a move was kept. */
static int pass(polish *S)
{
	const xp_solver_instance *in = S->in;
	int improved = 0;
	for (int d = 0; d < in->p; d++) {
		int *o = S->cur + (size_t)d * in->per_dev, *c = S->cand + (size_t)d * in->per_dev;
		for (int i = 0; i < in->per_dev; i++)
			for (int dj = -POLISH_REACH; dj <= POLISH_REACH; dj++) {
				int j = i + dj;
				if (dj == 0 || j < 0 || j >= in->per_dev || !movable(in, o, i, j))
					continue;
				if (S->left <= 0)
					return 0;
				memcpy(S->cand, S->cur, (size_t)in->n * sizeof *S->cand);
				move(c, i, j);
				improved |= try_cand(S);
			}
	}
	return improved;
}

/* Descents from cur, each after a few random moves from the best orders so far (iterated local
 * search); blk and *ns get the best. */
static void search(polish *S, int *blk, int64_t *ns)
{
	const xp_solver_instance *in = S->in;
	unsigned seed = 2463534242u;
	int64_t best_mk = INT64_MAX, best_sum = 0;
	int *best = malloc((size_t)in->n * sizeof *best);
	if (!best)
		return;
	while (S->left > 0) {
		while (S->left > 0 && S->mk > in->lb_ns && pass(S))
			;
		if (S->mk < best_mk || (S->mk == best_mk && S->sum <= best_sum)) {
			best_mk = S->mk;
			best_sum = S->sum;
			memcpy(best, S->cur, (size_t)in->n * sizeof *best);
		}
		if (best_mk <= in->lb_ns)
			break;
		memcpy(S->cur, best, (size_t)in->n * sizeof *best);
		if (!perturb(S, &seed, 2 + (int)(next_rand(&seed) % 3)))
			break;
		S->mk = INT64_MAX; /* take the perturbed orders whatever they give */
		if (!try_cand(S)) {
			S->mk = best_mk;
			S->sum = best_sum;
		}
	}
	if (best_mk < *ns) {
		memcpy(blk, best, (size_t)in->n * sizeof *blk);
		*ns = best_mk;
	}
	free(best);
}

int64_t xp_solver_polish(const xp_solver_instance *in, int *blk, int64_t ns, long budget,
                         double deadline)
{
	polish S = { .in = in, .mk = INT64_MAX, .left = budget, .deadline = deadline };
	S.cur = malloc((size_t)in->n * sizeof *S.cur);
	S.cand = malloc((size_t)in->n * sizeof *S.cand);
	S.start = malloc((size_t)in->n * sizeof *S.start);
	if (S.cur && S.cand && S.start) {
		memcpy(S.cand, blk, (size_t)in->n * sizeof *blk);
		if (try_cand(&S))
			search(&S, blk, &ns);
	}
	free(S.cur);
	free(S.cand);
	free(S.start);
	return ns;
}

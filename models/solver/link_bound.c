/* link_bound.c: a lower bound from the links between devices. A directed link carries one
 * transfer at a time (model.c, and the engine), so each link is a machine of its own: every
 * message crossing it is a job with a release (its producer's earliest end), a processing time
 * (the link's serialisation time) and a delivery time (the latency, then at least what must follow
 * the consumer's start). The windows of one (chunk, type) cross in microbatch order, which raises
 * the releases and the delivery times along each run. The best preemptive schedule of the link
 * (largest delivery time first, Jackson's rule) is a lower bound on every order: a non-preemptive
 * order of the windows is one of the preemptive ones. When the bandwidth binds, this sees what the
 * devices alone cannot: 2m messages that must cross one link one after the other. */
#include "solver/solver_int.h"

#include <stdlib.h>

typedef struct link_job {
	int64_t r, q, left; /* release, delivery time, processing still to do */
} link_job;

/* The preemptive optimum of jobs J (n, each of processing time p at release r and delivery q):
 * max over jobs of completion + q, when the released job with the largest q always runs. */
static int64_t jackson(link_job *J, int n, int64_t p)
{
	int64_t t = INT64_MAX, best = 0;
	for (int j = 0; j < n; j++) {
		J[j].left = p;
		t = J[j].r < t ? J[j].r : t;
	}
	for (int done = 0; done < n;) {
		int pick = -1;
		int64_t next = INT64_MAX; /* the next release after t */
		for (int j = 0; j < n; j++) {
			if (J[j].left == 0)
				continue;
			if (J[j].r <= t) {
				if (pick < 0 || J[j].q > J[pick].q)
					pick = j;
			} else if (J[j].r < next) {
				next = J[j].r;
			}
		}
		if (pick < 0) {
			t = next;
			continue;
		}
		int64_t run = J[pick].left;
		if (next != INT64_MAX && next - t < run)
			run = next - t;
		t += run;
		J[pick].left -= run;
		if (J[pick].left == 0) {
			done++;
			if (t + J[pick].q > best)
				best = t + J[pick].q;
		}
	}
	return best;
}

/* The jobs of link l (its consumers, in block order, so each run is in microbatch order) into J;
 * returns how many. head: earliest starts; after: time from a block's start to the end, at
 * least. chained[j]: job j follows job j - 1 in one run (consecutive microbatches). */
static int link_jobs(const xp_solver_instance *in, int l, const int64_t *head, const int64_t *after,
                     link_job *J, char *chained)
{
	const xp_solver_link *lk = &in->links[l];
	int n = 0, prev = -2;
	for (int b = 0; b < in->n; b++) {
		const xp_solver_block *bk = &in->b[b];
		if (bk->link != l)
			continue;
		J[n].r = head[bk->prod] + in->b[bk->prod].dur_ns;
		J[n].q = lk->lat_ns + after[b];
		chained[n] = prev == b - 1 && bk->mb > 0;
		if (chained[n] && J[n - 1].r + lk->ser_ns > J[n].r)
			J[n].r = J[n - 1].r + lk->ser_ns; /* the run's previous window first */
		prev = b;
		n++;
	}
	for (int j = n - 1; j > 0; j--) /* and its later windows after */
		if (chained[j] && J[j].q + lk->ser_ns > J[j - 1].q)
			J[j - 1].q = J[j].q + lk->ser_ns;
	return n;
}

int64_t xp_solver_link_bound(const xp_solver_instance *in, const int64_t *head,
                             const int64_t *after)
{
	int64_t best = 0;
	link_job *J = malloc((size_t)in->n * sizeof *J);
	char *chained = malloc((size_t)in->n);
	if (!J || !chained) {
		free(J);
		free(chained);
		return 0;
	}
	for (int l = 0; l < in->n_links; l++) {
		const xp_solver_link *lk = &in->links[l];
		if (lk->ser_ns <= 0)
			continue;
		int n = link_jobs(in, l, head, after, J, chained);
		if (n == 0)
			continue;
		int64_t v = jackson(J, n, lk->ser_ns);
		best = v > best ? v : best;
	}
	free(J);
	free(chained);
	return best;
}

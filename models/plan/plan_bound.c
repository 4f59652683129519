/* plan_bound.c: a lower bound on the iteration time of every schedule of a layout, so that the
 * planner need not simulate a layout that cannot beat the k-th best.
 *
 * Why each term holds for every schedule the engines run (docs/plan.md):
 *   - device k does m·(T_F + T_D + T_W) of compute (less v - 1 ns per block for the rounding
 *     of chunk times), and cannot start before microbatch 0's
 *     forward has passed the parts before its first part; with v chunks per device (v = 2 for the
 *     V schedules, pipeline.chunks for interleaved) those parts take at least sum_{j<k} T_F,j / v;
 *   - with PP across the DCs every microbatch's activation crosses one directed inter-DC link at
 *     least once: m messages serialise one after another on it, and the last arrives a latency
 *     later;
 *   - with DP across the DCs (flat) the gradient all-reduce across them starts after everything
 *     else (xp_exec_wan_allreduce_ns), so it adds to the compute bound;
 *   - hierarchical: every chunk's shard all-reduce holds the one WAN channel for its
 *     serialisation, and none can start before some chunk's gradients are complete, which takes
 *     at least m·(T_F + T_D + T_W) / v of its device's compute: the earliest such time, plus the
 *     serialisations of every chunk of every stage (the fewest a schedule's chunk count, 1, 2 or
 *     pipeline.chunks, gives), plus the last one's latency. */
#include <math.h>

#include "engine/exec.h"
#include "plan/plan.h"

/* A block's time on a device of v' <= v chunks is v'·floor(T/v') >= T - (v - 1) in all. */
static int64_t at_least(int64_t t, int v)
{
	return t > v - 1 ? t - (v - 1) : 0;
}

static int64_t compute_bound(const xp_params *pr)
{
	int v = pr->chunks > 2 ? pr->chunks : 2;
	int64_t fill = 0, best = 0;
	for (int k = 0; k < pr->stages; k++) {
		int64_t work = (int64_t)pr->microbatches * (at_least(pr->forward_ns[k], v) +
		                                            at_least(pr->backward_input_ns[k], v) +
		                                            at_least(pr->backward_weight_ns[k], v));
		if (fill + work > best)
			best = fill + work;
		fill += pr->forward_ns[k] / v;
	}
	return best;
}

/* m messages on the first DC-crossing link, and the latency of the last. */
static int64_t wan_bound(const xp_params *pr)
{
	for (int k = 0; k + 1 < pr->stages; k++) {
		if (pr->placement[k] == pr->placement[k + 1])
			continue;
		int64_t lat = 0, ser = xp_exec_message_ns(pr, k, k + 1, &lat);
		return (int64_t)pr->microbatches * ser + lat;
	}
	return 0;
}

/* datacenters.split: hierarchical: the shard all-reduces on the WAN (see above). */
static int64_t shard_bound(const xp_params *pr)
{
	int v = pr->chunks > 2 ? pr->chunks : 2;
	int64_t first = INT64_MAX, lat = 0, ser = 0, total = 0;
	for (int k = 0; k < pr->stages; k++) {
		int64_t work = (int64_t)pr->microbatches * (at_least(pr->forward_ns[k], v) +
		                                            at_least(pr->backward_input_ns[k], v) +
		                                            at_least(pr->backward_weight_ns[k], v));
		first = work / v < first ? work / v : first;
		int64_t fewest = INT64_MAX, chunks[3] = { 1, 2, pr->chunks };
		for (int i = 0; i < 3; i++) {
			int c = (int)chunks[i];
			xp_exec_dc_allreduce_ns(pr, xp_exec_chunk_param_bytes(pr, k, c), &lat,
			                        &ser);
			fewest = c * ser < fewest ? c * ser : fewest;
		}
		total += fewest;
	}
	return first + total + lat;
}

int64_t xp_plan_bound_ns(const xp_params *pr)
{
	int64_t lat = 0, ser = 0, compute = compute_bound(pr), wan = wan_bound(pr);
	xp_exec_wan_allreduce_ns(pr, &lat, &ser);
	compute += lat + ser; /* 0 unless split: dp */
	if (xp_exec_hierarchical(pr)) {
		int64_t shards = shard_bound(pr);
		compute = shards > compute ? shards : compute;
	}
	return compute > wan ? compute : wan;
}

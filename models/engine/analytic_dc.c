/* analytic_dc.c: the analytic engine's links between datacenters over time (one timeline for the
 * inter-DC class, one per pair that network.inter_dc.pairs gives) and its DP all-reduces across
 * the datacenters: the flat one of datacenters.split: dp and the per-chunk shard all-reduces of
 * hierarchical (docs/model.md). */
#include <math.h>
#include <stdlib.h>

#include "engine/analytic_sim.h"

/* The timeline of the link between datacenters a != b: the pair's when the scenario gives that
 * pair, else the class's; NULL when constant. */
xp_timeline *xp_analytic_dc_timeline(const sim *S, int a, int b)
{
	int D = S->pr->datacenters, lo = a < b ? a : b, hi = a < b ? b : a;
	if (S->ideal)
		return NULL;
	return xp_params_dc_pair(S->pr, a, b) ? S->pair_tl[lo * D + hi] : S->wan;
}

/* The conditions over time: the inter-DC class's, every given pair's, the straggler's. */
xp_status xp_analytic_timelines(sim *S, xp_error *err)
{
	const xp_params *pr = S->pr;
	int D = pr->datacenters;
	xp_status st = xp_timeline_link(pr, &S->wan, err);
	if (st == XP_OK)
		st = xp_timeline_straggler(pr, &S->slow, err);
	if (st != XP_OK || !pr->dc_pairs)
		return st;
	if (!(S->pair_tl = calloc((size_t)D * D, sizeof *S->pair_tl)))
		return xp_fail(err, XP_ENOMEM, "out of memory for the links between datacenters");
	for (int a = 0; st == XP_OK && a < D; a++)
		for (int b = a + 1; st == XP_OK && b < D; b++)
			st = xp_timeline_pair(pr, a, b, &S->pair_tl[a * D + b], err);
	return st;
}

/* An all-reduce across the DCs of `bytes` that may start at `at` (this run's time): its
 * serialisation and its latency. Over a WAN that varies in time (link_trace.h) each hop of the
 * ring (DC i to i+1) serialises the ring's bytes on its own timeline and the ring, in lock-step,
 * takes the slowest hop's time and latency, as xp_exec_dc_ring_link does for constant links. */
static xp_status dc_allreduce(sim *S, int64_t at, int64_t bytes, size_t *hint, int64_t *ser,
                              int64_t *lat)
{
	const xp_params *pr = S->pr;
	int D = pr->datacenters, varying = 0;
	int64_t from = S->origin_ns + at, worst_ser = 0, worst_lat = 0;
	xp_exec_dc_allreduce_ns(pr, bytes, lat, ser);
	for (int i = 0; D > 1 && i < D; i++)
		varying |= xp_analytic_dc_timeline(S, i, (i + 1) % D) != NULL;
	for (int i = 0; varying && i < D; i++) {
		xp_timeline *tl = xp_analytic_dc_timeline(S, i, (i + 1) % D);
		const xp_link_class *lc = xp_params_dc_link(pr, i, (i + 1) % D);
		xp_link_class bw = { 0, lc->bandwidth_bps };
		int64_t s = xp_exec_ring_cost_ns(D, 2, &bw, bytes), l = lc->latency_ns, stop;
		if (tl) {
			xp_status st = xp_timeline_finish(
			    tl, from, 8.0 * (double)xp_exec_dc_allreduce_bytes(pr, bytes), &stop,
			    &l, hint, S->err);
			if (st != XP_OK)
				return S->failed = st;
			s = stop - from;
		}
		worst_ser = s > worst_ser ? s : worst_ser;
		worst_lat = l > worst_lat ? l : worst_lat;
	}
	if (varying) {
		*ser = worst_ser;
		*lat = 2 * (D - 1) * worst_lat;
	}
	*ser = noisy(S, *ser);
	return XP_OK;
}

/* datacenters.split: dp: once every device is done, the gradients are all-reduced across the
 * DCs in a ring, not overlapped with the pipeline (xp_exec_wan_allreduce_ns). */
static xp_status wan_allreduce(sim *S)
{
	const xp_params *pr = S->pr;
	int64_t lat, ser, end = 0;
	size_t hint = 0;
	if (!pr->dp_across_dc || pr->dp_hierarchical || pr->datacenters < 2 || S->ideal)
		return XP_OK;
	for (int d = 0; d < S->p; d++) {
		end = S->free_ns[d] > end ? S->free_ns[d] : end;
		end = S->dp_free[d] > end ? S->dp_free[d] : end;
	}
	if (dc_allreduce(S, end, xp_exec_model_param_bytes(pr), &hint, &ser, &lat))
		return S->failed;
	for (int d = 0; d < S->p; d++) {
		xp_collective c = { .device = d,
			            .chunk = 0,
			            .kind = XP_COLL_WAN_ALLREDUCE,
			            .bytes = pr->params_bytes[d],
			            .start_ns = end,
			            .end_ns = end + lat + ser };
		if (xp_result_add_collective(S->res, &c))
			return XP_ENOMEM;
	}
	return XP_OK;
}

/* Reduce-scatters in order of their end (then device, chunk). */
static int by_ready(const void *a, const void *b)
{
	const shard *x = a, *y = b;
	if (x->ready_ns != y->ready_ns)
		return x->ready_ns < y->ready_ns ? -1 : 1;
	return x->at - y->at;
}

/* datacenters.split: hierarchical: when a chunk's reduce-scatter inside its DC has ended, its
 * shards are all-reduced across the DCs. The shard rings of every chunk share the WAN: they
 * take it in the order their reduce-scatters end, each occupying it for its serialisation, and
 * each ends its ring's latency after that (as a link: latency alone delays nobody else).
 * Nothing in the iteration waits for them, so they are served once the pipeline is done. */
static xp_status shard_allreduces(sim *S)
{
	int n = 0;
	int64_t free_ns = 0, lat, ser;
	size_t hint = 0;
	if (!xp_exec_hierarchical(S->pr) || S->ideal)
		return XP_OK;
	for (int i = 0; i < S->p * S->v; i++)
		if (S->rs_end[i] >= 0)
			S->shards[n++] = (shard){ S->rs_end[i], i };
	qsort(S->shards, (size_t)n, sizeof *S->shards, by_ready);
	for (int k = 0; k < n; k++) {
		int i = S->shards[k].at, d = i / S->v;
		int64_t bytes = xp_exec_chunk_param_bytes(S->pr, d, S->v);
		int64_t start = S->shards[k].ready_ns > free_ns ? S->shards[k].ready_ns : free_ns;
		if (dc_allreduce(S, start, bytes, &hint, &ser, &lat))
			return S->failed;
		free_ns = start + ser;
		xp_collective c = { .device = d,
			            .chunk = i % S->v,
			            .kind = XP_COLL_WAN_ALLREDUCE,
			            .bytes = bytes,
			            .start_ns = start,
			            .end_ns = free_ns + lat };
		if (xp_result_add_collective(S->res, &c))
			return XP_ENOMEM;
	}
	return XP_OK;
}

xp_status xp_analytic_dc_collectives(sim *S)
{
	xp_status st = wan_allreduce(S);
	return st ? st : shard_allreduces(S);
}

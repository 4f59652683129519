/* packet_setup.c: the packet engine's connections, its run's memory and the end of a run (the
 * figures it reports); packet.c executes the schedule (packet_exec.h). */
#include <stdlib.h>

#include "packet_exec.h"

int xp_packet_exec_pair(xp_packet_exec *K, int a, int b)
{
	for (int i = 0; i < K->n_pairs; i++)
		if (K->pairs[i].src == a && K->pairs[i].dst == b)
			return i;
	const xp_params *pr = K->pr;
	int da = pr->placement[a], db = pr->placement[b];
	xp_packet_pair *P = &K->pairs[K->n_pairs];
	*P = (xp_packet_pair){ .src = a, .dst = b, .crosses = da != db, .conn = -1 };
	xp_ns3_conn_config cc;
	xp_packet_conn_config(pr, da, db, P->crosses ? K->dp : 1, &cc);
	for (int r = 0; r < K->dp && !K->st; r++) {
		int id;
		xp_status st = xp_ns3_connect(K->net, xp_packet_host(K->p, r, a),
		                              xp_packet_host(K->p, r, b), &cc, &id, K->err);
		if (st)
			K->st = st;
		else if (r == 0)
			P->conn = id;
	}
	return K->n_pairs++;
}

void xp_packet_exec_connect(xp_packet_exec *K)
{
	for (int q = 0; q + 1 < K->parts && !K->st; q++) {
		int a = xp_schedule_device_of(K->s, q), b = xp_schedule_device_of(K->s, q + 1);
		K->fwd_pair[q] = a == b ? -1 : xp_packet_exec_pair(K, a, b);
		K->bwd_pair[q] = a == b || K->st ? -1 : xp_packet_exec_pair(K, b, a);
	}
	for (int d = 0; d < K->p && K->ring_n > 1 && !K->st; d++) {
		for (int r = 0; r < K->dp && !K->st; r++) {
			/* with split: dp it may be in another DC; hierarchical: a ring per DC */
			int id, base = r - r % K->ring_n, next = base + (r - base + 1) % K->ring_n;
			xp_ns3_conn_config cc;
			xp_packet_conn_config(K->pr, xp_packet_host_dc(K->pr, r, d),
			                      xp_packet_host_dc(K->pr, next, d), 1, &cc);
			K->st = xp_ns3_connect(K->net, xp_packet_host(K->p, r, d),
			                       xp_packet_host(K->p, next, d), &cc, &id, K->err);
			if (r == 0)
				K->ring_conn[d] = id;
		}
	}
	if (!K->st)
		K->st = xp_packet_allreduce_connect(&K->ar, K->net, K->pr, K->v, K->err);
}

xp_status xp_packet_exec_alloc(xp_packet_exec *K)
{
	size_t slots = 3 * (size_t)K->parts * (size_t)K->m, dv = (size_t)K->p * K->v;
	size_t p = (size_t)K->p;
	K->ready = malloc(slots * sizeof *K->ready);
	K->pend = malloc(slots * sizeof *K->pend);
	K->pend_left = calloc(slots, sizeof *K->pend_left);
	K->next = calloc(p, sizeof *K->next);
	K->busy = calloc(p, sizeof *K->busy);
	K->ag_done = malloc(dv * sizeof *K->ag_done);
	K->bw_left = calloc(dv, sizeof *K->bw_left);
	K->fwd_pair = malloc((size_t)K->parts * sizeof *K->fwd_pair);
	K->bwd_pair = malloc((size_t)K->parts * sizeof *K->bwd_pair);
	K->pairs = malloc(2 * (size_t)K->parts * sizeof *K->pairs);
	K->ring_conn = calloc(p, sizeof *K->ring_conn);
	K->cq = malloc(2 * dv * sizeof *K->cq);
	K->cq_head = calloc(p, sizeof(int));
	K->cq_n = calloc(p, sizeof(int));
	K->c_step = malloc(p * sizeof(int));
	K->c_left = calloc(p, sizeof(int));
	K->c_start = calloc(p, sizeof(int64_t));
	if (!K->ready || !K->pend || !K->pend_left || !K->next || !K->busy || !K->ag_done ||
	    !K->bw_left || !K->fwd_pair || !K->bwd_pair || !K->pairs || !K->ring_conn || !K->cq ||
	    !K->cq_head || !K->cq_n || !K->c_step || !K->c_left || !K->c_start)
		return XP_ENOMEM;
	return XP_OK;
}

void xp_packet_exec_free(xp_packet_exec *K)
{
	xp_ns3_free(K->net);
	free(K->ready);
	free(K->pend);
	free(K->pend_left);
	free(K->next);
	free(K->busy);
	free(K->ag_done);
	free(K->bw_left);
	free(K->fwd_pair);
	free(K->bwd_pair);
	free(K->pairs);
	free(K->ring_conn);
	free(K->cq);
	free(K->cq_head);
	free(K->cq_n);
	free(K->c_step);
	free(K->c_left);
	free(K->c_start);
	free(K->iter_ns);
	xp_result_free(K->scratch);
	xp_exec_match_free(&K->match);
	xp_packet_wan_free(&K->wan);
	xp_packet_allreduce_free(&K->ar);
}

xp_status xp_packet_exec_finish(xp_packet_exec *K, xp_packet_stats *stats, double wall_s)
{
	if (K->ops_left > 0 && K->inflight == 0 && K->done)
		return xp_exec_match_deadlock(&K->match, K->s, K->next, K->err);
	if (K->ops_left > 0)
		return xp_fail(K->err, XP_EIO,
		               "packet engine: the network stopped with %lld ops still to run",
		               (long long)K->ops_left);
	if (!stats)
		return XP_OK;
	xp_ns3_stats ns;
	xp_status st = xp_ns3_stats_get(K->net, &ns, K->err);
	if (st)
		return st;
	xp_packet_stats_from(&ns, stats);
	stats->origin_ns = K->wan.t0;
	stats->wall_s = wall_s;
	stats->background_bytes = xp_ns3_traffic_rx_bytes(K->net);
	stats->nodes =
	    (int64_t)K->p * K->dp +
	    K->pr->datacenters * (xp_packet_has_background(K->pr, K->pr->datacenters) ? 2 : 1);
	stats->connections = (int64_t)K->n_pairs * K->dp +
	                     (K->ring_n > 1 ? (int64_t)K->p * K->dp : 0) +
	                     (K->ar.conn ? (int64_t)K->p * K->ar.members : 0);
	return XP_OK;
}

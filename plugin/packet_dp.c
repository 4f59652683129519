/* packet_dp.c: the packet engine's data parallelism across datacenters (datacenters.split: dp
 * and hierarchical): where the replicas' hosts sit, and the all-reduces across the DCs, run as
 * rings of real transfers (packet_int.h): the gradients' at the end of the iteration (dp), every
 * chunk's shards after its reduce-scatter (hierarchical). */
#include <stdlib.h>

#include "base/units.h"
#include "engine/exec.h"
#include "packet_int.h"

int xp_packet_host_dc(const xp_params *pr, int replica, int stage)
{
	if (pr->dp_across_dc && pr->datacenters > 1)
		return replica / (pr->dp / pr->datacenters);
	return pr->placement[stage];
}

/* The replica of member k of a group: flat, the first of DC k; hierarchical, replica k. Its
 * peer in the next DC is the replica n further on (the same index among that DC's). */
static int member_replica(const xp_packet_allreduce *A, int k)
{
	return A->per_chunk ? k : k * A->n;
}

static xp_status connect_member(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int d,
                                int k, xp_ns3_conn_config *cc, xp_error *err)
{
	int r = member_replica(A, k), peer = (r + A->n) % pr->dp;
	if (A->per_chunk) { /* sized for its own path, n connections sharing the WAN at once */
		xp_packet_conn_config(pr, xp_packet_host_dc(pr, r, d),
		                      xp_packet_host_dc(pr, peer, d), A->n, cc);
		int64_t window = cc->buffer_bytes * cc->streams;
		A->window = A->window == 0 || window < A->window ? window : A->window;
	}
	return xp_ns3_connect(net, xp_packet_host(A->p, r, d), xp_packet_host(A->p, peer, d), cc,
	                      &A->conn[d * A->members + k], err);
}

xp_status xp_packet_allreduce_connect(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr,
                                      int chunks, xp_error *err)
{
	int p = pr->stages, D = pr->datacenters, hier = xp_exec_hierarchical(pr);
	*A = (xp_packet_allreduce){ .p = p, .D = D, .steps = 2 * (D - 1) };
	if (!pr->dp_across_dc || D < 2)
		return XP_OK;
	A->per_chunk = hier;
	A->chunks = hier ? chunks : 1;
	A->members = hier ? pr->dp : D;
	A->n = pr->dp / D;
	size_t groups = (size_t)p * A->chunks;
	A->conn = malloc((size_t)p * A->members * sizeof *A->conn);
	A->step = calloc(groups, sizeof *A->step);
	A->left = calloc(groups, sizeof *A->left);
	A->start_ns = calloc(groups, sizeof *A->start_ns);
	A->queue = calloc(groups, sizeof *A->queue);
	if (!A->conn || !A->step || !A->left || !A->start_ns || !A->queue)
		return xp_fail(err, XP_ENOMEM, "out of memory setting up the packet engine");
	xp_ns3_conn_config cc;
	xp_packet_conn_config(pr, 0, 1, p, &cc); /* split dp: every stage's ring shares the WAN */
	for (int d = 0; d < p; d++)
		for (int k = 0; k < A->members; k++) {
			xp_status st = connect_member(A, net, pr, d, k, &cc, err);
			if (st)
				return st;
		}
	return XP_OK;
}

void xp_packet_allreduce_free(xp_packet_allreduce *A)
{
	free(A->conn);
	free(A->step);
	free(A->left);
	free(A->start_ns);
	free(A->queue);
	A->conn = A->step = A->left = A->queue = NULL;
	A->start_ns = NULL;
}

/* What each member of group g sends in one ring step: a members-th of its chunk's parameters. */
static int64_t group_bytes(const xp_packet_allreduce *A, const xp_params *pr, int g)
{
	return xp_exec_chunk_param_bytes(pr, g / A->chunks, A->chunks) / A->members;
}

/* Group g's next ring step: every member sends its share of the group's bytes to the next DC. */
static xp_status send_step(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                           int64_t tag, xp_error *err)
{
	int d = g / A->chunks;
	int64_t bytes = group_bytes(A, pr, g);
	A->left[g] = A->members;
	for (int k = 0; k < A->members; k++) {
		xp_status st =
		    xp_ns3_send(net, A->conn[d * A->members + k], bytes > 0 ? bytes : 1, tag, err);
		if (st)
			return st;
	}
	return XP_OK;
}

/* What group g can have in flight on each of its connections: its message, or the window. */
static int64_t group_load(const xp_packet_allreduce *A, const xp_params *pr, int g)
{
	int64_t bytes = group_bytes(A, pr, g);
	return A->window > 0 && A->window < bytes ? A->window : bytes;
}

/* hierarchical: group g may take the WAN now: it is alone, or the groups on it leave room for
 * it in one connection's window (so that together they never have more in flight than one ring
 * sized for the path, and never overflow its queue). */
static int fits(const xp_packet_allreduce *A, const xp_params *pr, int g)
{
	return A->load == 0 || A->load + group_load(A, pr, g) <= A->window;
}

static xp_status start_group(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                             int64_t now, int64_t tag, xp_error *err)
{
	A->start_ns[g] = now;
	A->step[g] = 0; /* every iteration runs its own ring */
	A->load += group_load(A, pr, g);
	return send_step(A, net, pr, g, tag, err);
}

xp_status xp_packet_allreduce_queue(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                                    int64_t now, int64_t origin, int64_t tag0, xp_error *err)
{
	A->origin_ns = origin;
	A->tag0 = tag0;
	if (A->q_n == 0 && fits(A, pr, g))
		return start_group(A, net, pr, g, now, tag0 + g, err);
	A->queue[(A->q_head + A->q_n++) % (A->p * A->chunks)] = g;
	return XP_OK;
}

/* Group g's rings ended at now: the groups waiting for the WAN take it, in order, while they
 * fit. */
static xp_status next_groups(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                             int64_t now, xp_error *err)
{
	xp_status st = XP_OK;
	A->load -= group_load(A, pr, g);
	while (!st && A->per_chunk && A->q_n > 0 && fits(A, pr, A->queue[A->q_head])) {
		int next = A->queue[A->q_head];
		A->q_head = (A->q_head + 1) % (A->p * A->chunks);
		A->q_n--;
		st = start_group(A, net, pr, next, now, A->tag0 + next, err);
	}
	return st;
}

xp_status xp_packet_allreduce_start(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr,
                                    int64_t now, int64_t origin, int64_t tag0, xp_error *err)
{
	A->started = 1;
	A->origin_ns = origin;
	for (int d = 0; d < A->p; d++) {
		xp_status st = start_group(A, net, pr, d, now, tag0 + d, err);
		if (st)
			return st;
	}
	return XP_OK;
}

int xp_packet_allreduce_arrived(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int g,
                                int64_t tag, int64_t now, xp_result *res, xp_status *failed,
                                xp_error *err)
{
	xp_status st = XP_OK;
	if (--A->left[g] > 0)
		return 0;
	if (++A->step[g] < A->steps)
		st = send_step(A, net, pr, g, tag, err);
	else {
		int d = g / A->chunks;
		xp_collective c = { .device = d, .chunk = g % A->chunks };
		c.kind = XP_COLL_WAN_ALLREDUCE;
		c.bytes = xp_exec_chunk_param_bytes(pr, d, A->chunks);
		c.start_ns = A->start_ns[g] - A->origin_ns;
		c.end_ns = now - A->origin_ns;
		if (xp_result_add_collective(res, &c))
			st = xp_fail(err, XP_ENOMEM, "out of memory recording collectives");
		else
			st = next_groups(A, net, pr, g, now, err);
	}
	if (st && !*failed) {
		*failed = st;
		xp_ns3_stop(net);
	}
	return A->step[g] == A->steps;
}

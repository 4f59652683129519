/* packet_dp.c: the packet engine's data parallelism across datacenters (datacenters.split: dp):
 * where the replicas' hosts sit, and the gradient all-reduce across the DCs at the end of the
 * iteration, run as a ring of real transfers (packet_int.h). */
#include <stdlib.h>

#include "base/units.h"
#include "packet_int.h"

int xp_packet_host_dc(const xp_params *pr, int replica, int stage)
{
	if (pr->dp_across_dc && pr->datacenters > 1)
		return replica / (pr->dp / pr->datacenters);
	return pr->placement[stage];
}

/* Replica that takes part in the all-reduce for DC c: its first. */
static int first_replica(const xp_params *pr, int c)
{
	return c * (pr->dp / pr->datacenters);
}

xp_status xp_packet_allreduce_connect(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr,
                                      xp_error *err)
{
	int p = pr->stages, D = pr->datacenters;
	*A = (xp_packet_allreduce){ .p = p, .D = D, .steps = 2 * (D - 1) };
	if (!pr->dp_across_dc || D < 2)
		return XP_OK;
	A->conn = malloc((size_t)p * D * sizeof *A->conn);
	A->step = calloc((size_t)p, sizeof *A->step);
	A->left = calloc((size_t)p, sizeof *A->left);
	if (!A->conn || !A->step || !A->left)
		return xp_fail(err, XP_ENOMEM, "out of memory setting up the packet engine");
	xp_ns3_conn_config cc;
	xp_packet_conn_config(pr, 0, 1, p, &cc); /* every stage's ring shares the WAN links */
	for (int d = 0; d < p; d++)
		for (int c = 0; c < D; c++) {
			int a = xp_packet_host(p, first_replica(pr, c), d);
			int b = xp_packet_host(p, first_replica(pr, (c + 1) % D), d);
			xp_status st = xp_ns3_connect(net, a, b, &cc, &A->conn[d * D + c], err);
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
	A->conn = A->step = A->left = NULL;
}

/* Stage d's next ring step: every DC sends a D-th of the stage's parameters to the next DC. */
static xp_status send_step(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int d,
                           int64_t tag, xp_error *err)
{
	int64_t bytes = pr->params_bytes[d] / A->D;
	A->left[d] = A->D;
	for (int c = 0; c < A->D; c++) {
		xp_status st =
		    xp_ns3_send(net, A->conn[d * A->D + c], bytes > 0 ? bytes : 1, tag, err);
		if (st)
			return st;
	}
	return XP_OK;
}

xp_status xp_packet_allreduce_start(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr,
                                    int64_t now, int64_t origin, int64_t tag0, xp_error *err)
{
	A->started = 1;
	A->start_ns = now;
	A->origin_ns = origin;
	for (int d = 0; d < A->p; d++) {
		A->step[d] = 0; /* every iteration runs its own ring */
		xp_status st = send_step(A, net, pr, d, tag0 + d, err);
		if (st)
			return st;
	}
	return XP_OK;
}

int xp_packet_allreduce_arrived(xp_packet_allreduce *A, xp_ns3 *net, const xp_params *pr, int d,
                                int64_t tag, int64_t now, xp_result *res, xp_status *failed,
                                xp_error *err)
{
	xp_status st = XP_OK;
	if (--A->left[d] > 0)
		return 0;
	if (++A->step[d] < A->steps)
		st = send_step(A, net, pr, d, tag, err);
	else {
		xp_collective c = { .device = d, .kind = XP_COLL_WAN_ALLREDUCE };
		c.bytes = pr->params_bytes[d];
		c.start_ns = A->start_ns - A->origin_ns;
		c.end_ns = now - A->origin_ns;
		if (xp_result_add_collective(res, &c))
			st = xp_fail(err, XP_ENOMEM, "out of memory recording collectives");
	}
	if (st && !*failed) {
		*failed = st;
		xp_ns3_stop(net);
	}
	return A->step[d] == A->steps;
}

/* packet_exec.h: the packet engine's executor state (packet.c runs the schedule on it,
 * packet_setup.c opens its connections, owns its memory and reads the run's end). Private to the
 * plugin. */
#ifndef XP_PACKET_EXEC_H
#define XP_PACKET_EXEC_H

#include "engine/exec.h"
#include "packet_int.h"

/* A stage pair's messages (device src -> dst), one connection per DP replica. */
typedef struct xp_packet_pair {
	int src, dst, crosses;
	int conn; /* replica r uses conn + r */
	int64_t last_end_ns;
} xp_packet_pair;

/* A DP collective queued on a device. */
typedef struct xp_packet_coll {
	int chunk, kind;
} xp_packet_coll;

/* The run: the scenario, the schedule's progress, the network and what is in flight. */
typedef struct xp_packet_exec {
	const xp_params *pr;
	const xp_schedule *s;
	xp_result *res;
	xp_error *err;
	xp_status st;
	xp_ns3 *net;
	int p, v, m, parts, dp;
	int ring_n;     /* replicas in a DP ring: dp, or dp/D with split: hierarchical */
	int64_t origin; /* simulated time of the iteration's start */
	int64_t *ready; /* per slot: arrival (result time), -1 unknown */
	size_t *next;
	int *busy;
	int64_t *ag_done; /* devices * v: all-gather end, -1 pending */
	int *bw_left;
	int *fwd_pair, *bwd_pair; /* per part: pair index, -1 on one device */
	xp_packet_pair *pairs;
	int n_pairs;
	xp_transfer *pend;  /* per slot: the transfer bringing it */
	int *pend_left;     /* per slot: replica messages still to arrive */
	int *ring_conn;     /* per device: ring connection of replica 0 (replica r: + r) */
	xp_packet_coll *cq; /* per device: queue of collectives (v * 2 entries) */
	int *cq_head, *cq_n, *c_step, *c_left;
	int64_t *c_start;
	int64_t ops_left, inflight;
	int done;
	xp_exec_match match;    /* network.p2p: posted receives, waiting messages, held senders */
	int flow_monitor;       /* the caller wants statistics: count flows too */
	xp_packet_wan wan;      /* the WAN over time, stragglers over time, background traffic */
	int iter;               /* the iteration running (0 .. pr->iterations - 1) */
	int64_t *iter_ns;       /* with iterations > 1: each one's makespan */
	xp_result *scratch;     /* the later iterations' (only their makespans are kept) */
	xp_packet_allreduce ar; /* split: dp or hierarchical, the gradients across the DCs */
} xp_packet_exec;

/* The pair (device a -> device b), created on first use with one connection per replica. */
int xp_packet_exec_pair(xp_packet_exec *K, int a, int b);

/* Every connection of the run: the stage pairs', the DP rings' and, with split: dp, the
 * all-reduce's across the DCs (a failure in K->st). */
void xp_packet_exec_connect(xp_packet_exec *K);

/* The per-run arrays (XP_ENOMEM when one is missing; xp_packet_exec_free frees what is there). */
xp_status xp_packet_exec_alloc(xp_packet_exec *K);
void xp_packet_exec_free(xp_packet_exec *K);

/* After the network stopped: a deadlock or ops left over as an error, and, when stats is not
 * NULL, the network's figures into it (wall_s: the run's wall-clock time). */
xp_status xp_packet_exec_finish(xp_packet_exec *K, xp_packet_stats *stats, double wall_s);

#endif

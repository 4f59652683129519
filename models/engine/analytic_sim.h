/* analytic_sim.h: the analytic engine's workspace, shared by its two files (private to
 * models/engine/): analytic.c runs the pipeline, analytic_dc.c the conditions over time of the
 * links between datacenters and the DP all-reduces across them. */
#ifndef XP_ANALYTIC_SIM_H
#define XP_ANALYTIC_SIM_H

#include "engine/analytic_int.h"
#include "engine/exec.h"
#include "engine/link_trace.h"

typedef struct link {
	int src, dst, crosses_dc;
	int64_t bytes, latency_ns;
	double bps;
	int64_t free_ns;
	int64_t serialize_ns; /* of one message at bps (a timeline recomputes it) */
	xp_timeline *tl; /* crossing DCs: its pair's or the class's timeline; NULL when constant */
	size_t hint;     /* its cursor in tl */
} link;

typedef struct shard {
	int64_t ready_ns; /* its reduce-scatter's end */
	int at;           /* device * chunks + chunk */
} shard;

/* The workspace: sized for one (scenario, schedule shape) by xp_analytic_new, reset by every
 * run. */
struct xp_analytic {
	const xp_params *pr;
	const xp_schedule *s; /* the schedule of the current run */
	xp_result *res;
	int ideal;
	xp_noise_fn noise; /* robustness runs: a factor for every duration; NULL otherwise */
	void *noise_ctx;
	int p, v, m, parts;
	int64_t *ready;    /* 3 * parts * m slot times; -1 = not yet known */
	int64_t *blockdur; /* devices * XP_OP_KINDS: whole-block (or overlapped op) time per kind */
	size_t *next;      /* per device: index of the op in flight or next to start */
	int64_t *free_ns;  /* per device: end of its last op */
	int64_t *waiting;  /* per device: slot it waits for, or -1 */
	int64_t *ag_done;  /* devices * v: all-gather end per chunk (0 without DP) */
	int64_t *dp_free;  /* per device: DP channel free */
	int *bw_left;      /* devices * v: B/W blocks still to end before the reduce-scatter */
	size_t *ush_next;  /* per device: FSDP plan entries issued (xp_exec_fsdp) */
	int fsdp;          /* xp_exec_fsdp of the current run */
	int64_t *rs_end;   /* devices * v: end of the chunk's reduce-scatter (hierarchical) */
	struct shard
	    *shards;   /* devices * v: the shard all-reduces in the order they reach the WAN */
	int *fwd_link; /* parts: link from part q to q+1, -1 when on one device */
	int *bwd_link; /* parts: link from part q+1 to q */
	link *links;
	int n_links;
	int leaves;            /* a power of two >= p: devices p.. are padding, never due */
	int64_t *due;          /* leaves: end of each device's op in flight; INT64_MAX when none */
	int *tree;             /* 2 * leaves: the winner tree over due (tree[1] is the earliest) */
	int *order;            /* v: a device's chunks in the order of their all-gathers */
	xp_timeline *wan;      /* the inter-DC class over time; NULL when constant */
	xp_timeline **pair_tl; /* network.inter_dc.pairs: D * D, [a * D + b] for a < b; or NULL */
	xp_timeline *slow;     /* the straggler's speed over time; NULL without a trace */
	size_t *slow_hint;     /* per device: its cursor in slow */
	int64_t origin_ns;     /* absolute time of this run's 0 (later iterations start later) */
	xp_error *err;         /* of the current run (a timeline can fail) */
	xp_status failed;      /* the first failure inside a run */
	xp_exec_match match;   /* network.p2p: posted receives, waiting messages, held senders */
	int64_t *pend_ns;      /* per slot: when its waiting message became ready */
	xp_op *pend_op;        /* per slot: the block that produced it */
	/* the current schedule's arrays, read once per run (the hot loop calls nothing to get them)
	 */
	const xp_op **ops;    /* per device: its order */
	size_t *len;          /* per device: its length */
	int *part_of;         /* devices * v: the part of (device, chunk) */
	xp_exec_dep *deps;    /* parts * XP_OP_KINDS * 2: xp_exec_consumers of (kind, part) */
	unsigned char *ndeps; /* parts * XP_OP_KINDS: how many */
};
typedef struct xp_analytic sim;

/* A duration as this run sees it: perturbed in robustness runs. */
static inline int64_t noisy(const sim *S, int64_t ns)
{
	if (!S->noise || ns == 0)
		return ns;
	return (int64_t)((double)ns * S->noise(S->noise_ctx) + 0.5);
}

/* analytic_dc.c */

/* The link between datacenters a != b over time: the pair's (network.inter_dc.pairs) or the
 * class's; NULL when constant (and always in the ideal engine). */
xp_timeline *xp_analytic_dc_timeline(const sim *S, int a, int b);
/* Build the timelines: the inter-DC class's, every given pair's, the straggler's. */
xp_status xp_analytic_timelines(sim *S, xp_error *err);
/* Once the pipeline is done: the flat all-reduce of datacenters.split: dp, and the shard
 * all-reduces of hierarchical. XP_ENOMEM, or S->failed. */
xp_status xp_analytic_dc_collectives(sim *S);

#endif

/* scenario.h: a YAML scenario file (plus --set overrides) resolved into plain parameters. */
#ifndef XP_SCENARIO_H
#define XP_SCENARIO_H

#include <stdint.h>
#include <stdio.h>

#include "base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One class of link: one-way latency and bandwidth (INFINITY = free). */
typedef struct xp_link_class {
	int64_t latency_ns;
	double bandwidth_bps;
} xp_link_class;

/* How the packet engine carries messages (network.* keys, README "Packet engine"). A size given
 * "in BDP" is a multiple of the path's bandwidth-delay product: bandwidth x round-trip time. */
typedef enum { XP_TCP_NEWRENO = 0, XP_TCP_CUBIC, XP_TCP_BBR, XP_TCP_DCTCP } xp_transport;
typedef enum { XP_QDISC_FIFO = 0, XP_QDISC_RED, XP_QDISC_CODEL, XP_QDISC_FQCODEL } xp_qdisc;
typedef enum { XP_WAN_PAIRS = 0, XP_WAN_CHAIN } xp_wan;
typedef enum { XP_WINDOW_OPEN = 0, XP_WINDOW_STANDARD } xp_initial_window;
/* network.fast: how the packet engine trades accuracy for speed (docs/packet-engine.md, "Fast
 * mode"). off simulates the scenario's MTU; jumbo simulates 64000-byte packets. */
typedef enum { XP_FAST_OFF = 0, XP_FAST_JUMBO } xp_fast;

/* network.p2p: when a point-to-point message may start, and what its sender waits for
 * (docs/model.md, "Communication semantics"; the rules are in engine/exec.h). */
typedef enum {
	XP_P2P_DECOUPLED = 0, /* a message leaves when its block ends (the default) */
	XP_P2P_RENDEZVOUS,    /* ... and not before the receiver has posted its receive */
	XP_P2P_BLOCKING,      /* rendezvous, and the sender waits for the match */
	XP_P2P_MEGATRON,      /* Megatron-Core's calls: batched sends and receives, waited on */
	XP_P2P_PREFETCH,      /* every receive posted at the start: decoupled's timing */
	XP_P2P_COUNT
} xp_p2p;

/* The scenario name of an xp_p2p value ("decoupled", ...). */
const char *xp_p2p_name(int p2p);

typedef struct xp_packet_net {
	int transport;         /* xp_transport; network.transport, default newreno */
	int64_t buffer_bytes;  /* network.buffer in bytes, per stage pair (0: use buffer_bdp) */
	double buffer_bdp;     /* network.buffer as a multiple of the BDP (0: 1.5) */
	int mtu;               /* network.mtu: 1500 or 9000 (0: 9000) */
	int qdisc;             /* xp_qdisc; network.queue.discipline, default fifo */
	int64_t queue_packets; /* network.queue.size in packets (0: use queue_bdp) */
	double queue_bdp;      /* network.queue.size as a multiple of the WAN BDP (0: 2.0) */
	double loss;           /* network.loss: random packet loss rate on inter-DC links */
	int connections;       /* network.connections per stage pair (0: auto) */
	int wan;               /* xp_wan; network.wan, default pairs */
	int initial_window;    /* xp_initial_window; network.initial_window, default open */
	int fast;              /* xp_fast; network.fast, default off */
} xp_packet_net;

/* How the inter-DC link class changes over simulated time (network.inter_dc.trace, .variation,
 * .degradation; docs/scenario.md "Time-varying links"). Bandwidth at time t = the trace's
 * bandwidth in force at t (the class's own before the first row) x the stochastic factor x the
 * degradation factor; latency = the trace's in force at t. All zero: a constant link. */
typedef enum { XP_VARY_NONE = 0, XP_VARY_LOGNORMAL, XP_VARY_MARKOV } xp_vary_model;

typedef struct xp_link_variation {
	size_t n_rows;            /* trace rows, times strictly increasing */
	int64_t *row_ns;          /* when each row takes effect */
	double *row_bps;          /* its bandwidth (>= 0; the last > 0) */
	int64_t *row_latency_ns;  /* its latency */
	int model;                /* xp_vary_model: network.inter_dc.variation.model */
	double spread;            /* lognormal: coefficient of variation of the factor (mean 1) */
	int64_t correlation_ns;   /* both: correlation time of the factor */
	int64_t step_ns;          /* lognormal: the factor is constant over steps of this length */
	double low;               /* markov: the factor in the low state (the high state is 1) */
	double low_share;         /* markov: long-run share of time in the low state */
	int64_t degrade_start_ns; /* degradation: from this time ... */
	int64_t degrade_ns;       /* ... for this long (0: none) ... */
	double degrade_factor;    /* ... the bandwidth is multiplied by this (0..1) */
} xp_link_variation;

/* network.inter_dc.pairs: the link between one pair of datacenters, when the scenario gives it
 * (docs/scenario.md "Links between pairs of datacenters"): its nominal latency and bandwidth
 * (the inter-DC class's unless given) and its conditions over time: its own trace rows, and the
 * class's variation and degradation (the same factor on every inter-DC link). */
typedef struct xp_dc_pair {
	int given;             /* 0: the pair uses the inter-DC class */
	xp_link_class link;    /* both directions */
	xp_link_variation var; /* rows: the pair's own trace; the rest: the class's */
} xp_dc_pair;

/* Other tenants' traffic on the inter-DC links (network.background.*; docs/scenario.md
 * "Background traffic"). The analytic engine serves the pipeline at (1 - load) of the link's
 * capacity (engine/link_trace.h); the packet engine runs the flows on ns-3's OnOffApplication. */
typedef enum { XP_BG_UDP = 0, XP_BG_TCP } xp_bg_transport;
typedef enum { XP_BG_CONSTANT = 0, XP_BG_ONOFF } xp_bg_pattern;

typedef struct xp_background {
	double load;   /* mean offered load, a share of the link's capacity per direction, [0, 1) */
	int transport; /* xp_bg_transport */
	int pattern;   /* xp_bg_pattern */
	int64_t on_ns, off_ns; /* onoff: mean on and off times (exponential) */
} xp_background;

/* schedule.replan: when an adaptive schedule is rebuilt between iterations. */
typedef enum { XP_REPLAN_NEVER = 0, XP_REPLAN_EVERY, XP_REPLAN_ON_CHANGE } xp_replan_mode;

/* schedule.objective: what `auto` minimises over its set of conditions (the scenario's own
 * iterations, or every iteration of every schedule.variants entry). makespan: the first
 * iteration's makespan on the scenario itself (the default). */
typedef enum {
	XP_OBJECTIVE_MAKESPAN = 0,
	XP_OBJECTIVE_MEAN,
	XP_OBJECTIVE_P95,
	XP_OBJECTIVE_WORST
} xp_objective;

/* The scenario name of an xp_objective value ("makespan", "mean", "p95", "worst"). */
const char *xp_objective_name(int objective);

/* A straggler (stragglers.*): the devices flagged in `slow` (a device or a whole DC) run every
 * block `factor` times slower, folded into the block times of the scenario (every engine and
 * generator sees it); with a trace, the analytic engine also multiplies their speed over time
 * by 1/trace factor in force (rows: time, factor). */
typedef struct xp_straggler {
	unsigned char *slow; /* per stage: 1 when the straggler's; NULL when none */
	double factor;       /* constant slow-down (1: none) */
	size_t n_rows;
	int64_t *row_ns;
	double *row_factor; /* >= 1e-6 */
} xp_straggler;
/* What one GPU of a stage holds besides activations (the memory model, docs/memory.md): present
 * when memory.hbm is given. Sizes in bytes. */
typedef struct xp_stage_memory {
	int64_t param_count;     /* parameters on one GPU of the stage (its TP share) */
	int64_t params_bytes;    /* param_count x memory.param_bytes */
	int64_t grads_bytes;     /* param_count x memory.grad_bytes */
	int64_t optimizer_bytes; /* param_count x memory.optimizer_bytes, / dp with ZeRO-1 */
	int64_t reserve_bytes;   /* memory.reserve: workspace and fragmentation */
	int64_t hbm_bytes;       /* memory.hbm */
} xp_stage_memory;

/* The resolved scenario: every value in internal units, every default applied, every ratio and
 * every transformer description turned into times and bytes. It is plain data owned by its
 * xp_scenario; engines and schedule generators read it and never change it. Arrays indexed by
 * stage have `stages` entries; stage k runs on pipeline device k. */
typedef struct xp_params {
	/* pipeline.* */
	int stages;           /* p */
	int microbatches;     /* m, per DP replica and iteration */
	int chunks;           /* v for `interleaved` (the V schedules always use 2); default 2 */
	int dp;               /* data-parallel degree; default 1 */
	int64_t global_batch; /* pipeline.global_batch in sequences (sets m), else 0 */

	/* model.*: one microbatch on a whole device (all of its chunks together); a chunk of a
	 * v-chunk schedule takes 1/v of the time and of the activation memory. */
	int64_t *forward_ns;        /* T_F per stage */
	int64_t *backward_input_ns; /* T_D per stage (includes the re-run forward with recompute) */
	int64_t *backward_weight_ns;      /* T_W per stage */
	int64_t *activation_bytes;        /* M_F per stage */
	int64_t *stored_activation_bytes; /* M_F per stage without recomputation (= M_F
	                                   * when model.recompute is none) */
	int64_t *params_bytes;            /* parameter bytes per stage (DP collectives) */
	int64_t message_bytes; /* activation or gradient message between neighbouring parts */
	int64_t tokens_per_microbatch; /* for tokens/s; default 4096 */
	double weight_release;         /* W releases this share of M_F, D the rest; default 0.5 */
	double overlap_f_b;            /* an overlapped F+B op takes this factor of T_F + T_B;
	                                * 0.5 .. 1, default 1 (torch runs the two in turn) */
	int recompute;                 /* model.recompute: 0 = none, 1 = full */
	int tp;                        /* model.transformer.tp; 1 with explicit times */
	int64_t *param_count;          /* a transformer's parameters per stage and TP rank, else
	                                * NULL */
	int64_t *stage_layers;         /* a transformer's transformer layers per stage, else NULL */
	double model_flops;            /* a transformer's F+D+W FLOPs of one microbatch on the
	                                * whole model (no recomputation), else 0 */
	double gpu_flops;              /* model.transformer.gpu_flops (peak), else 0 */

	/* memory.* */
	int64_t *memory_limit_bytes; /* per stage; INT64_MAX when unlimited */
	double memory_factor; /* the factor of the 1F1B budget when given as "1.5x", else 0 */
	int memory_budget;    /* memory.budget: 0 as-run (p·M_F), 1 no-recompute (p times the
	                       * M_F of the same model without recomputation) */
	xp_stage_memory *stage_memory; /* per stage with memory.hbm, else NULL */
	int zero;                      /* memory.zero: 0 or 1 (default 1) */
	int from_hbm;                  /* memory.limit: hbm (what HBM leaves for activations) */

	/* datacenters.* */
	int datacenters;
	int *placement;      /* DC index per stage (all 0 with dp_across_dc) */
	int dp_across_dc;    /* datacenters.split: dp or hierarchical: every pipeline inside one
	                      * DC, the replicas spread over the DCs */
	int dp_hierarchical; /* datacenters.split: hierarchical (dp_across_dc is 1 too): each
	                      * chunk's gradients reduce-scattered inside every DC, the shards
	                      * all-reduced across the DCs at once, all-gathered inside every DC;
	                      * 0: dp's flat sync, one all-reduce across the DCs at the end */
	int64_t dc_gpus;     /* datacenters.gpus: GPUs in each DC, else 0 (not checked) */
	int gpus_per_node;   /* datacenters.gpus_per_node, else 0 */

	/* network.* */
	xp_link_class intra_dc;
	xp_link_class intra_node; /* network.intra_node: TP all-reduces (free when absent) */
	xp_link_class inter_dc;
	xp_link_variation inter_var; /* time variation of inter_dc; all zero when constant */
	xp_dc_pair *dc_pairs;     /* network.inter_dc.pairs: datacenters^2 entries, [a * D + b] for
	                           * a < b; NULL when no pair is given */
	xp_straggler straggler;   /* stragglers.*; slow NULL when none */
	xp_background background; /* network.background.*; load 0 when none */
	int p2p;                  /* xp_p2p; network.p2p, default decoupled */

	/* schedule.*, solver.*, robustness.*: how adaptive schedules are built and re-timed */
	int n_sub;                    /* schedule.n_sub: greedy sub-blocks per block; default 4 */
	int64_t solver_time_limit_ns; /* solver.time_limit; default 60 s */
	double solver_gap;            /* solver.gap: stop at this relative gap; default 0.01 */
	int64_t solver_work_limit;    /* solver.work_limit: Z3 resource units per query, a
	                               * machine-independent limit; default 0 = none */
	double jitter;                /* robustness.jitter: relative noise (std dev); default 0 */
	int jitter_samples;           /* robustness.samples: re-timings per schedule; default 0 */

	/* network.* keys of the packet engine (ns-3, plugin/); the analytic engine ignores them.
	 * Zero in every field means its default, so hand-built parameters need not set them. */
	xp_packet_net packet;

	/* run */
	char **schedules; /* names to run, in order */
	int n_schedules;
	uint64_t seed;
	int iterations;         /* iterations: training iterations run back to back; default 1 */
	int replan;             /* xp_replan_mode: schedule.replan; default never */
	int64_t switch_cost_ns; /* schedule.switch_cost: paid by an iteration that switches */
	int objective;          /* xp_objective: schedule.objective; default makespan */
	/* schedule.variants: the network variants `auto` weighs, each a whole resolved scenario
	 * of the same shape (owned by the xp_scenario); NULL and 0 when none */
	const struct xp_params *const *variants;
	int n_variants;
} xp_params;

typedef struct xp_scenario xp_scenario;

/* Parse the YAML text (name is used in messages, e.g. the file path), apply the overrides
 * ("key=value" strings, the value in the same syntax as the file), check and resolve. On success
 * *out owns the parameters; free with xp_scenario_free. On failure *out is NULL, and err says
 * "name:line:column: key: what was expected" (XP_EINVAL) or, for an override,
 * "--set key=value: key: what was expected". */
xp_status xp_scenario_parse(const char *text, size_t len, const char *name,
                            const char *const *overrides, int n_overrides, xp_scenario **out,
                            xp_error *err);

/* Read a file and call xp_scenario_parse. XP_EIO if it cannot be read. */
xp_status xp_scenario_load(const char *path, const char *const *overrides, int n_overrides,
                           xp_scenario **out, xp_error *err);

const xp_params *xp_scenario_params(const xp_scenario *sc);

/* Where the scenario came from (the name given to xp_scenario_parse). */
const char *xp_scenario_name(const xp_scenario *sc);

/* Largest per-stage forward time: the T_F that the delay ratios refer to. */
int64_t xp_params_tf_ns(const xp_params *pr);

/* The link from stage a's device to stage b's device: intra_dc, or between their datacenters
 * (xp_params_dc_link) by placement. */
const xp_link_class *xp_params_link(const xp_params *pr, int a, int b);

/* The link between datacenters dc_a != dc_b: the pair's (network.inter_dc.pairs) or inter_dc. */
const xp_link_class *xp_params_dc_link(const xp_params *pr, int dc_a, int dc_b);

/* The pair entry of datacenters dc_a != dc_b when network.inter_dc.pairs gives it, else NULL. */
const xp_dc_pair *xp_params_dc_pair(const xp_params *pr, int dc_a, int dc_b);

/* The DP replicas a stage's in-DC collectives run over (its ring all-gathers and
 * reduce-scatters) and, with ZeRO-1, its optimizer states are sharded over: dp, or with
 * datacenters.split: hierarchical the dp / datacenters replicas inside one DC. */
int xp_params_dp_group(const xp_params *pr);

/* The name of pr's datacenters.split: "pp", "dp" or "hierarchical". */
const char *xp_params_split_name(const xp_params *pr);

/* 1 when something in pr changes over simulated time (a link trace, variation or degradation,
 * or a straggler trace): only the analytic engine models that. */
int xp_params_time_varying(const xp_params *pr);
/* A stage's parameters, gradients and optimizer states; what HBM leaves for activations after
 * them and the reserve (may be <= 0). */
int64_t xp_stage_memory_static(const xp_stage_memory *e);
int64_t xp_stage_memory_left(const xp_stage_memory *e);

/* Free the arrays pr owns (per-stage arrays, placement, schedule names), not pr itself: for
 * params built by hand, e.g. in tests. */
void xp_params_free(xp_params *pr);

void xp_scenario_free(xp_scenario *sc); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif

/* plan.h: `crosspipe plan`: search the layouts of one model on one cluster (TP, PP, DP, which
 * dimension crosses the datacenters, the stage-to-DC placement, the layer split, microbatch size
 * and count, recomputation, schedule) for the shortest iteration (docs/plan.md).
 *
 * A plan file is a scenario without the layout: the planner adds, for every layout, the --set
 * overrides that fix it (pipeline.stages, pipeline.dp, model.transformer.tp and microbatch_size,
 * model.recompute, datacenters.split, memory.limit=hbm, and model.transformer.layout=balanced or
 * datacenters.placement when the layout has them), so that every layout it reports is an
 * ordinary scenario that `crosspipe run FILE --set ...` times the same way. Layouts that cannot
 * run (divisibility, memory) are pruned before any simulation, with the reason counted; the rest
 * are simulated in increasing order of a lower bound on their iteration time, and a layout whose
 * bound exceeds the k-th best time found is not simulated. */
#ifndef XP_PLAN_H
#define XP_PLAN_H

#include <stdint.h>

#include "base/status.h"
#include "scenario/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What happened to a layout. */
typedef enum {
	XP_PLAN_SIMULATED = 0,
	XP_PLAN_DIVISIBILITY,       /* TP, PP, DP, the batch or the DCs do not divide */
	XP_PLAN_MEMORY_STATES,      /* parameters, gradients, optimizer states exceed the HBM */
	XP_PLAN_MEMORY_ACTIVATIONS, /* one microbatch's activations do not fit what is left */
	XP_PLAN_INVALID,            /* another scenario error (the message is kept) */
	XP_PLAN_BOUND,              /* its lower bound exceeds the k-th best time */
	XP_PLAN_NO_SCHEDULE,        /* simulated, but no schedule fits the memory left */
	XP_PLAN_SAME_SPLIT,         /* the balanced layer split is the even one (not run twice) */
	XP_PLAN_CLASSES
} xp_plan_class;

/* "simulated", "divisibility", "memory-states", "memory-activations", "invalid", "bound",
 * "no-schedule", "same-split". */
const char *xp_plan_class_name(xp_plan_class c);

/* Which dimension crosses the datacenters: the values of datacenters.split. */
typedef enum {
	XP_PLAN_CROSS_PP = 0,
	XP_PLAN_CROSS_DP,
	XP_PLAN_CROSS_HIER,
	XP_PLAN_CROSSES
} xp_plan_cross;

/* "pp", "dp", "hierarchical" (as datacenters.split spells them). */
const char *xp_plan_cross_name(int cross);

typedef struct xp_plan_layout {
	int index;    /* enumeration order: the tie-break of the ranking */
	int feasible; /* after xp_plan_classify: 1 + its place in bound order, 0 when pruned */
	int tp, pp, dp, b, m;
	int cross;      /* xp_plan_cross: which dimension crosses the DCs (datacenters.split) */
	int recompute;  /* 0 none, 1 full */
	int balanced;   /* 1: model.transformer.layout=balanced, 0: the even split */
	int dc0_stages; /* > 0: uneven placement, the first dc0_stages stages in DC 0, the rest in
	                 * DC 1 (2 DCs, PP crossing); 0: equal contiguous groups */
	xp_plan_class cls;
	char why[200];    /* the reason a layout was pruned or failed */
	int64_t bound_ns; /* lower bound on the iteration time (layouts that parse) */
	/* XP_PLAN_SIMULATED: the fastest schedule that fits memory */
	char schedule[48];
	int64_t makespan_ns;
	int64_t peak_bytes; /* largest (states + activation peak + reserve) over the stages */
	int64_t hbm_bytes;
	int64_t wan_bytes;   /* bytes over inter-DC links in one iteration */
	double tokens_per_s; /* global batch tokens over the iteration time */
	double mfu;          /* model FLOPs / (GPUs x peak FLOP/s x iteration time) */
	double bubble;       /* mean idle share of the pipeline devices */
	int64_t busy_max_ns; /* largest compute time of one device */
	int64_t wan_busy_ns; /* time the WAN links carried messages (summed) */
	char split[96];      /* layers per stage, run-length: "2*62|1*2" (layouts that parse) */
	char placed[24];     /* stages per DC: "32+32"; "dp" when DP crosses; "1" with one DC */
	int64_t gpus_used;   /* tp x pp x dp (an uneven placement may leave GPUs idle) */
	/* xp_plan_refine: the solvers' best order that fits (refined_ns 0: not refined) */
	char refined_schedule[16];
	int64_t refined_ns;
	char refined_status[16]; /* the solver's status: optimal, feasible, timeout ... */
	double refined_gap;
} xp_plan_layout;

typedef struct xp_plan xp_plan;

/* Read a plan file (path) with --set overrides that apply to every layout; the space comes from
 * its plan.* keys and the cluster keys. XP_EINVAL naming file:line:column and key. */
xp_status xp_plan_load(const char *path, const char *const *sets, int n_sets, xp_plan **out,
                       xp_error *err);
void xp_plan_free(xp_plan *pl); /* NULL is a no-op */

/* Search: classify every layout, simulate the feasible ones in bound order, keep the top k
 * (k >= 1) safe from bound pruning (exhaustive: simulate every feasible layout). Progress on
 * the progress line (base/progress.h). XP_ENOMEM; a failing layout does not fail the search. */
xp_status xp_plan_search(xp_plan *pl, int k, int exhaustive, xp_error *err);

/* The first half of a parallel search (docs/plan.md): classify every layout and number the
 * feasible ones in bound order (feasible = 1, 2, ...). XP_ENOMEM. */
xp_status xp_plan_classify(xp_plan *pl, xp_error *err);
/* The second half: as xp_plan_search, but each feasible layout's fastest fitting schedule comes
 * from chosen[index] (a name, or "" when none fits), found by the sweep runner's workers; only
 * that schedule is timed again here, for the figures. The same k and exhaustive give the same
 * layouts, classes and figures as xp_plan_search. */
xp_status xp_plan_search_chosen(xp_plan *pl, int k, int exhaustive, const char *const *chosen,
                                xp_error *err);

/* After the search: time the k best simulated layouts again with the solvers (optimal and
 * optimal-v, each under solver.time_limit = time_limit, e.g. "10s") and keep, per layout, the
 * faster order that fits as its refined_*; the ranking stays the inner loop's. XP_ENOMEM. */
xp_status xp_plan_refine(xp_plan *pl, int k, const char *time_limit, xp_error *err);

/* The layouts after the search, ranked: simulated ones by time (then enumeration order), then
 * the rest in enumeration order. */
int xp_plan_count(const xp_plan *pl);
const xp_plan_layout *xp_plan_at(const xp_plan *pl, int rank);
/* How many layouts fell in class c. */
int xp_plan_class_count(const xp_plan *pl, xp_plan_class c);
/* The plan file's path, its datacenter count and GPUs in all. */
const char *xp_plan_path(const xp_plan *pl);
int xp_plan_datacenters(const xp_plan *pl);
int64_t xp_plan_gpus(const xp_plan *pl);
int xp_plan_n_sets(const xp_plan *pl, const char *const **sets);

/* The overrides that make layout l a scenario of the plan file (after the plan's own --set
 * ones): n strings of at most XP_PLAN_OVER_LEN bytes into over[XP_PLAN_OVERS] (11 kB: an
 * uneven placement's list has 2 pp characters, so uneven layouts stop at pp 512). */
enum { XP_PLAN_OVERS = 10, XP_PLAN_OVER_LEN = 1100, XP_PLAN_MAX_UNEVEN_PP = 512 };
int xp_plan_overrides(const xp_plan_layout *l, char over[XP_PLAN_OVERS][XP_PLAN_OVER_LEN]);

/* Layout l as a scenario (the plan's sets, then l's overrides). */
xp_status xp_plan_scenario(const xp_plan *pl, const xp_plan_layout *l, xp_scenario **out,
                           xp_error *err);

/* A ranked layout of a plan's JSON output, "PLAN.json#K", as a scenario: the plan file's path,
 * and the overrides (the plan's --set ones, the layout's, `schedules=` its fastest schedule). */
typedef struct xp_plan_ref {
	char *json, *plan;
	char **over;
	int n;
} xp_plan_ref;
/* 0 when ref is not of the form FILE.json#K (K >= 1; *r empty); 1 with *r filled; -1 with err
 * (XP_EIO: the JSON cannot be read; XP_EINVAL: malformed, or no simulated layout of rank K). */
int xp_plan_ref_read(const char *ref, xp_plan_ref *r, xp_error *err);
void xp_plan_ref_free(xp_plan_ref *r); /* an empty one is a no-op */

/* A lower bound on the iteration time of any schedule of pr (plan_bound.c): the busiest device's
 * compute after the pipeline's fill, the WAN serialisation of one message per microbatch on the
 * crossing link, and the final WAN all-reduce of datacenters.split: dp. */
int64_t xp_plan_bound_ns(const xp_params *pr);

#ifdef __cplusplus
}
#endif
#endif

/* solver_int.h: the solver-optimal schedules' private pieces: the instance (blocks, links, bounds),
 * the disjunctive model shared by the exact methods, and the methods themselves. */
#ifndef XP_SOLVER_INT_H
#define XP_SOLVER_INT_H

#include <stdint.h>

#include "engine/engine.h"
#include "engine/evaluator.h"
#include "engine/exec.h"
#include "schedule/schedule.h"

/* block types; a block of type t waits for the slot class t (exec.h) */
enum { XP_SV_F = XP_SLOT_F, XP_SV_D = XP_SLOT_BD, XP_SV_W = XP_SLOT_W };

/* One block. Its index is ((dev * v + chunk) * 3 + type) * m + mb, so that the blocks of one
 * device are contiguous and each (chunk, type) is a run of m blocks in microbatch order. */
typedef struct xp_solver_block {
	int dev, chunk, type, mb;
	int64_t dur_ns;
	int64_t rise, fall; /* memory bytes: rise at an F's start, fall at a D/W's end */
	int prod;           /* the block whose output this one needs, or -1 */
	int link;           /* the directed link that output crosses, or -1 (same device) */
} xp_solver_block;

typedef struct xp_solver_link {
	int src, dst;
	int64_t ser_ns, lat_ns; /* window length (message_bytes, times dp across DCs) and latency */
} xp_solver_link;

/* What every order of makespan <= some T must satisfy (memory_bound.c): start bounds per block,
 * and per block and (chunk, type) sequence s of its device, how many blocks of s are done when
 * it starts (between minc and maxc). */
typedef struct xp_solver_cuts {
	int k;            /* sequences per device (3v) */
	int64_t T_ns;     /* they hold for orders of makespan <= T_ns only */
	int64_t *lo, *hi; /* n: earliest and latest start */
	int *minc, *maxc; /* n * k */
} xp_solver_cuts;

/* Everything the exact methods need, derived from the scenario and a placement. */
typedef struct xp_solver_instance {
	const xp_params *pr;
	xp_schedule *shape;      /* an empty schedule of the placement: durations, memory, parts */
	int p, v, m, n, per_dev; /* devices, chunks, microbatches, blocks, blocks per device */
	int vplace;              /* 1: V placement (optimal-v), 0: unidirectional */
	xp_solver_block *b;
	xp_solver_link *links;
	int n_links;
	int64_t *ag_end_ns; /* p * v: end of the chunk's all-gather (0 without DP) */
	int64_t *rs_ns;     /* p * v: the chunk's reduce-scatter time (0 without DP) */
	int64_t *head_ns;   /* n: earliest start by the critical path */
	int64_t *tail_ns;   /* n: from the start to the end of the iteration, at least */
	uint64_t *reach;    /* n rows of `words` bits: bit b of row a = a must precede b */
	int words;
	int64_t *limit;          /* p: memory limit per device */
	int64_t lb_ns;           /* a trivial lower bound on the makespan */
	xp_solver_cuts *cuts;    /* NULL, or what orders below the incumbent must satisfy */
	struct xp_evaluator *ev; /* times orders of the placement (xp_solver_timeline) */
	xp_schedule *scratch;    /* the orders being timed, refilled without allocating */
} xp_solver_instance;

/* Build / free an instance for placement vplace. XP_ENOMEM or XP_EMEMORY (a device's memory limit
 * is below one microbatch's activations), with the message in err. */
xp_status xp_solver_instance_new(const xp_params *pr, int vplace, xp_solver_instance **out,
                                 xp_error *err);
void xp_solver_instance_free(xp_solver_instance *in);

static inline int xp_solver_idx(const xp_solver_instance *in, int d, int c, int t, int j)
{
	return ((d * in->v + c) * 3 + t) * in->m + j;
}

static inline int xp_solver_precedes(const xp_solver_instance *in, int a, int b)
{
	return (int)(in->reach[(size_t)a * in->words + b / 64] >> (b % 64) & 1);
}

/* A solution in the form the engines read: per device, its blocks in order (order[d] has per_dev
 * block indices). */
typedef struct xp_solver_orders {
	int *blk; /* p * per_dev: device d's order at blk + d * per_dev */
} xp_solver_orders;

/* The one-microbatch-at-a-time order (fits whenever one microbatch does) into blk. */
void xp_solver_serial_order(const xp_solver_instance *in, int *blk);

/* The schedule for orders (named name), or NULL when out of memory. */
xp_schedule *xp_solver_to_schedule(const xp_solver_instance *in, const int *blk, const char *name);

/* Orders of a schedule of the instance's placement with D/W split (B is read as D then W). */
xp_status xp_solver_from_schedule(const xp_solver_instance *in, const xp_schedule *s, int *blk);

/* Analytic makespan of orders, or -1 when it exceeds a memory limit or deadlocks. */
int64_t xp_solver_evaluate(const xp_solver_instance *in, const int *blk);

/* Start times of the blocks (n) and link window starts (indexed by consumer block, -1 when none)
 * of orders, as the analytic engine sets them. Returns the makespan or -1. */
int64_t xp_solver_timeline(const xp_solver_instance *in, const int *blk, int64_t *start,
                           int64_t *window);

/* The incumbent: the best of the greedy (when registered), the static schedules and a one-
 * microbatch-at-a-time order, among those that fit memory; blk gets its order. Returns its
 * makespan and names it in `from` (32 bytes), or -1 when out of memory. */
int64_t xp_solver_incumbent(const xp_solver_instance *in, int *blk, char *from);

/* A local search from orders blk of makespan ns (polish.c): single-block moves within a device,
 * kept when the makespan (or, at equal makespan, the sum of the starts) falls, restarted from a
 * few seeded random moves; at most `budget` timings, and it stops at xp_now_s() = deadline.
 * blk gets the best orders found; returns their makespan (at most ns). */
int64_t xp_solver_polish(const xp_solver_instance *in, int *blk, int64_t ns, long budget,
                         double deadline);

/* A lower bound on every whole-block order's makespan, at least lb_ns, from each device alone
 * with its memory limit (memory_bound.c); hi_ns is a makespan some order reaches. Both stop at
 * xp_now_s() = deadline with what they have (cuts: -1, skipped). */
int64_t xp_solver_memory_bound(const xp_solver_instance *in, int64_t hi_ns, double deadline);

/* A lower bound on every order's makespan from the links alone (link_bound.c): each directed link
 * serialises the windows that cross it. head: earliest starts (n); after: for each block, time from
 * its start to the end of the iteration, at least (n). 0 when no link has a serialisation time. */
int64_t xp_solver_link_bound(const xp_solver_instance *in, const int64_t *head,
                             const int64_t *after);

/* Compute in->cuts for orders of makespan <= T: 1 done, 0 when no whole-block order reaches T
 * (a proof), -1 when skipped (too many states, out of memory). */
int xp_solver_cuts_at(xp_solver_instance *in, int64_t T, double deadline);
void xp_solver_cuts_free(xp_solver_cuts *c);

/* What a method that found no order below `ns` (or a model that cannot hold) proves: ns, or one
 * more than the horizon of the cuts when they are tighter. */
static inline int64_t xp_solver_refuted(const xp_solver_instance *in, int64_t ns)
{
	return in->cuts && in->cuts->T_ns + 1 < ns ? in->cuts->T_ns + 1 : ns;
}

/* ---- the disjunctive model ---- */

#define XP_SV_TRUE  INT32_MAX
#define XP_SV_FALSE INT32_MIN

/* lit -> x[u] - x[v] >= c (lit 0: always). A literal is k+1 for boolean y_k, -(k+1) for not y_k. */
typedef struct xp_solver_diff {
	int u, v, lit;
	int64_t c;
} xp_solver_diff;

/* sum w[i] * lit[i] >= rhs, every w[i] > 0. */
typedef struct xp_solver_pb {
	int n, first; /* terms at terms[first .. first+n) */
	int64_t rhs;
} xp_solver_pb;

typedef struct xp_solver_model {
	const xp_solver_instance *in;
	int nx, ny;            /* continuous (times) and boolean variables */
	int mk;                /* the makespan's x index */
	int *win;              /* n: x index of the link window of block b's input, or -1 */
	int64_t *lb, *ub;      /* nx bounds, ns */
	int *pairlit;          /* p * per_dev^2: literal "a before b" of two blocks of a device */
	int *ya, *yb;          /* ny: y_k means block ya[k] runs before block yb[k] */
	int infeasible;        /* a constraint cannot hold below the upper bound */
	xp_solver_diff *diffs; /* n_diffs */
	int n_diffs, cap_diffs;
	xp_solver_pb *pbs;
	int n_pbs, cap_pbs;
	int *tlit; /* PB terms */
	int64_t *tw;
	int n_terms, cap_terms;
} xp_solver_model;

/* The model of in, with every start at most ub_ns minus its tail (ub_ns: the incumbent). */
xp_status xp_solver_model_new(const xp_solver_instance *in, int64_t ub_ns, xp_solver_model **out);
void xp_solver_model_free(xp_solver_model *md);

/* Literal "block a runs before block b" (same device); XP_SV_TRUE / XP_SV_FALSE when fixed. */
int xp_solver_before(const xp_solver_model *md, int a, int b);

/* Per-device orders from start times x (ties by block index). */
void xp_solver_orders_from_times(const xp_solver_instance *in, const double *x, int *blk);

/* Full model assignment (x and y) of orders, for warm starts; x has nx, y ny entries. */
int64_t xp_solver_assignment(const xp_solver_model *md, const int *blk, double *x, double *y);

/* ---- exact methods ---- */

/* What a method reached. blk holds its best orders (it starts as the incumbent's). */
typedef struct xp_solver_outcome {
	int64_t best_ns;  /* makespan of blk as the analytic engine re-times it: the objective */
	int64_t bound_ns; /* proven lower bound */
	int timed_out;    /* stopped by the time limit */
	int gave_up;      /* stopped for another reason (node limit, solver error) */
} xp_solver_outcome;

typedef xp_status (*xp_solver_method_fn)(const xp_solver_instance *in, int *blk, double seconds,
                                         double gap, xp_solver_outcome *out);

/* The solve function of method `method` ("cbc", "z3"), its module opened at the first call.
 * XP_EINVAL for another name; else the module loader's status and message (module.h): which
 * file was looked for, and why it could not be loaded. */
xp_status xp_solver_method_load(const char *method, xp_solver_method_fn *fn, xp_error *err);
/* 1 when `method` names an exact method, without opening its module. */
int xp_solver_method_known(const char *method);

/* Run method `name` ("cbc", "z3") for pr and placement vplace: the whole pipeline of the
 * generators (instance, incumbent, method, solver info) with the schedule in *out. */
xp_status xp_solver_run(const xp_params *pr, int vplace, const char *method, const char *name,
                        xp_schedule **out, xp_error *err);

#endif

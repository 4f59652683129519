/* greedy_int.h: the list-scheduling core of the adaptive greedy schedules (crossudsub, greedy,
 * greedy-v) and the post-pass that turns its sub-blocks into a schedule (private to models/). */
#ifndef XP_GREEDY_INT_H
#define XP_GREEDY_INT_H

#include "schedules/generators.h"

/* Priority rule sets. EXACT is the CrossPipe authors' CrossUDSub (docs/model.md §6); the others are
 * variants that "best of several" also tries. Every rule set keeps the authors' device choice,
 * candidate set, "jump" when nothing is ready, and memory rule; they differ in the order of the
 * block kinds once several are ready. */
typedef enum {
	XP_RULES_EXACT = 0, /* tear-down D>W>F; after F D>F>W; after D F>D>W if an F fits, else
	                       the faster memory release of W and D */
	XP_RULES_W_EAGER,   /* as EXACT, but after a D its W first: a stage's weight gradients end
	                       early, which hides the DP reduce-scatter behind the pipeline tail */
	XP_RULES_F_EAGER,   /* F whenever one fits, then D, then W: the deepest warm-up the memory
	                       allows, which hides long latencies */
	XP_RULES_D_FIRST,   /* D>F>W in every phase: the 1F1B order, least memory in flight */
	XP_RULES_COUNT
} xp_greedy_rule;

typedef struct xp_greedy_opts {
	int n_sub;           /* sub-blocks per block, >= 1 */
	int v_placement;     /* 0: part k on device k; 1: the V placement (parts k, 2p-1-k) */
	xp_greedy_rule rule; /* priority rule set */
	int later_first;     /* V only: among ready blocks of one kind, the later part's first */
} xp_greedy_opts;

/* Run the greedy list scheduler under pr with options o and return the resulting schedule
 * (after the post-pass) named `name`. Its timing model is the analytic engine's, so the engine
 * re-times it to the same op times. XP_EMEMORY when a device's memory limit cannot hold one
 * microbatch's activations (or no device can make progress), XP_EINVAL for bad parameters,
 * XP_ENOMEM. On failure *out is NULL. */
xp_status xp_greedy_run(const xp_params *pr, const xp_greedy_opts *o, const char *name,
                        xp_schedule **out, xp_error *err);

/* As xp_greedy_run, and with times not NULL, *times (free it) gets the greedy's own start and
 * end of every op of the schedule: 2 entries per op, device 0's ops first, in order. */
xp_status xp_greedy_run_timed(const xp_params *pr, const xp_greedy_opts *o, const char *name,
                              xp_schedule **out, int64_t **times, xp_error *err);

/* A placed sub-block (or, after merging, a piece) with its time. */
typedef struct xp_gpiece {
	xp_op op;
	int64_t start_ns, end_ns;
} xp_gpiece;

/* The post-pass on one device's pieces, in place: every W piece moves into the idle time before
 * it when it fits there whole (never past its own D, another W or a piece of its own block), so
 * no other piece moves; then consecutive pieces of one block merge and a block covered by one
 * piece becomes a whole block. Returns the new count. */
size_t xp_greedy_postpass(xp_gpiece *pc, size_t n, int nsub);

/* Best of several (greedy_search.c): run every rule set (and, for the V placement, both chunk
 * preferences) with n_sub in {schedule.n_sub, 1, 2, 4, 8}, time each with the analytic engine,
 * improve the fastest by local search, and return it named `name`. */
xp_status xp_greedy_best(const xp_params *pr, int v_placement, const char *name, xp_schedule **out,
                         xp_error *err);

/* As xp_greedy_best; with whole_blocks, only n_sub 1 (whole blocks, the solver's space). Both
 * also start the local search from the placement's static schedules (zbh1, 1f1b, zbh2, gpipe;
 * zbv for the V placement) when one fitting memory is faster than every greedy candidate. */
xp_status xp_greedy_best_of(const xp_params *pr, int v_placement, int whole_blocks,
                            const char *name, xp_schedule **out, xp_error *err);

/* Local search (greedy_local.c): swap adjacent ops in front of idle time while the analytic
 * makespan (timed by ev, of *sched's shape) drops and memory holds, trying at most `budget`
 * orders. *sched is improved in place and *makespan updated. XP_ENOMEM. */
struct xp_evaluator;
xp_status xp_greedy_local_search(struct xp_evaluator *ev, xp_schedule **sched, int64_t *makespan,
                                 long budget);

#endif

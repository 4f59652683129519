/* plan_int.h: the planner's insides, shared by plan*.c (private to models/plan/). */
#ifndef XP_PLAN_INT_H
#define XP_PLAN_INT_H

#include "plan/plan.h"
#include "scenario/scenario_int.h"

#define XP_PLAN_AXIS 64 /* values per axis at most */

/* The space: each axis's values, and what divisibility needs. */
typedef struct xp_plan_space {
	int tp[XP_PLAN_AXIS], n_tp;
	int pp[XP_PLAN_AXIS], n_pp; /* n_pp 0: every pp that divides the GPUs */
	int b[XP_PLAN_AXIS], n_b;
	int recompute[2], n_recompute;
	int cross[XP_PLAN_CROSSES], n_cross; /* xp_plan_cross */
	int split[2], n_split;               /* layer split: 0 even, 1 balanced */
	int placement[2], n_placement; /* stages to DCs: 0 even, 1 uneven (2 DCs, PP crossing) */
	int64_t layers, heads, global_batch, gpus_per_node;
	int datacenters;
	int64_t gpus;                  /* in all DCs */
	int64_t dc_gpus[XP_PLAN_AXIS]; /* in each DC */
} xp_plan_space;

struct xp_plan {
	char *path;
	char *text; /* the plan file */
	size_t len;
	const char **sets; /* the plan's own --set overrides (borrowed) */
	int n_sets;
	xp_plan_space space;
	xp_plan_layout *lay; /* in enumeration order, then ranked by the search */
	int n_lay, cap_lay;
	int counts[XP_PLAN_CLASSES];
	int classified; /* xp_plan_classify ran: the classes and bounds are set */
};

/* plan_space.c: read the space from the plan file's tree (XP_EINVAL at the key); enumerate its
 * layouts into pl->lay, those that do not divide already classified. */
xp_status xp_plan_read_space(const xp_reader *rd, xp_plan_space *sp);
xp_status xp_plan_enumerate(xp_plan *pl, xp_error *err);

#endif

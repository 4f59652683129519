/* plan_cli.h: the options of `crosspipe plan` and its writers (plan.c, plan_out.c). */
#ifndef XP_PLAN_CLI_H
#define XP_PLAN_CLI_H

#include "plan/plan.h"

typedef struct xp_plan_cli {
	const char *file;
	const char **sets;
	int n_sets;
	int top, explain, exhaustive;
	int refine;              /* --refine K: the solvers time the K best again (0: no) */
	const char *solver_time; /* --solver-time T (default 60s) */
	const char *format, *out;
	int progress, quiet;
} xp_plan_cli;

/* Render the output of a finished search as o asks and commit it whole; the exit code (2 when
 * no layout ran). */
int xp_plan_write(const xp_plan *pl, const xp_plan_cli *o);

#endif

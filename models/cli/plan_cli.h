/* plan_cli.h: the options of `crosspipe plan` and its writers (plan.c, plan_out.c). */
#ifndef XP_PLAN_CLI_H
#define XP_PLAN_CLI_H

#include "cli/sweep_cli.h"
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
	/* the parallel search (plan_jobs.c): --jobs, --out DIR, --resume, --from DIR, --slurm */
	int jobs, resume, slurm, cpus, n_sbatch;
	const char *out_dir, *from, *partition, *time;
	const char *sbatch[XP_MAX_SBATCH_ARGS];
} xp_plan_cli;

/* The feasible layouts of pl through the sweep runner, then ranked from its rows as the serial
 * search ranks them: -1 when pl is ranked and the output is to be written, else an exit code
 * (with --slurm: 0 once submitted, nothing to write yet). cmd: the command line (manifest). */
int xp_plan_parallel(xp_plan *pl, const xp_plan_cli *o, const char *prog, const char *cmd);

/* Render the output of a finished search as o asks and commit it whole; the exit code (2 when
 * no layout ran). */
int xp_plan_write(const xp_plan *pl, const xp_plan_cli *o);

#endif

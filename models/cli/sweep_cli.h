/* sweep_cli.h: the options of `crosspipe sweep` and its Slurm side (private to the program). */
#ifndef XP_SWEEP_CLI_H
#define XP_SWEEP_CLI_H

#include "sweep/sweep.h"

enum { XP_MAX_SBATCH_ARGS = 32 };

typedef struct xp_sweep_cli {
	const char *file, *out, *collect;
	int jobs, resume, list, slurm, part, shard, n_shards;
	const char *partition, *time;
	int cpus, max_parallel, array;
	int64_t task_timeout_ns; /* --task-timeout, 0: none */
	const char *sbatch[XP_MAX_SBATCH_ARGS];
	int n_sbatch;
} xp_sweep_cli;

/* Write DIR/slurm.sh and DIR/slurm.env, and submit the array (all shards, or with resume only
 * those with missing or failed rows) with sbatch; prints the job id. An exit code. */
int xp_slurm_submit(const xp_sweep_cli *o, const xp_sweep *s, const char *dir, const char *prog);

/* Read DIR/slurm.env: the sweep file and the number of shards. An exit code. */
int xp_slurm_env(const char *dir, char *sweep, size_t len, int *shards);

#endif

/* slurm.c: `crosspipe sweep --slurm`: a batch script and a job array, one shard per array task. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/io.h"
#include "cli/cli.h"
#include "cli/sweep_cli.h"

int xp_slurm_env(const char *dir, char *sweep, size_t len, int *shards)
{
	char path[4200], line[4200];
	snprintf(path, sizeof path, "%s/slurm.env", dir);
	FILE *f = fopen(path, "r");
	int got = 0;
	*shards = 0;
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "sweep=", 6))
			got |= snprintf(sweep, len, "%s", line + 6) > 0;
		else if (sscanf(line, "shards=%d", shards) == 1)
			got |= 2;
	}
	if (f)
		fclose(f);
	if (got != 3 || *shards < 1) {
		fprintf(stderr,
		        "crosspipe sweep: %s: not a Slurm sweep folder (no readable slurm.env)\n",
		        dir);
		return XP_EXIT_USAGE;
	}
	return XP_EXIT_OK;
}

static int write_text(const char *path, const char *text, int mode)
{
	xp_error err;
	xp_error_clear(&err);
	if (xp_io_write_atomic(path, text, strlen(text), &err) == XP_OK &&
	    chmod(path, (mode_t)mode) == 0)
		return 0;
	if (err.code == XP_OK) /* chmod failed */
		xp_fail(&err, XP_EIO, "cannot set the permissions of %s: %s", path,
		        strerror(errno));
	fprintf(stderr, "crosspipe sweep: %s\n", err.msg);
	return -1;
}

/* slurm.sh and slurm.env, with absolute paths so that the job runs from anywhere. */
static int write_files(const xp_sweep_cli *o, const char *dir, const char *sweep, int shards)
{
	char exe[PATH_MAX] = "", path[4200], *text = NULL;
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[k > 0 ? k : 0] = '\0';
	char timeout[64] = "";
	if (o->task_timeout_ns > 0)
		snprintf(timeout, sizeof timeout, "--task-timeout %" PRId64 "ns ",
		         o->task_timeout_ns);
	snprintf(path, sizeof path, "%s/slurm.env", dir);
	if (asprintf(&text, "sweep=%s\nshards=%d\n", sweep, shards) < 0 ||
	    write_text(path, text, 0644))
		return -1;
	free(text);
	if (asprintf(&text,
	             "#!/bin/sh\n"
	             "# One shard of a crosspipe sweep per array task (written by crosspipe sweep "
	             "--slurm).\n"
	             "#SBATCH --job-name=crosspipe-sweep\n"
	             "#SBATCH --output=%s/slurm/%%A_%%a.out\n"
	             "#SBATCH --cpus-per-task=%d\n"
	             "%s%s%s%s%s%s"
	             "exec '%s' sweep '%s' --out '%s' --part \"$SLURM_ARRAY_TASK_ID/%d\" --jobs %d "
	             "%s--resume\n",
	             dir, o->cpus, o->time ? "#SBATCH --time=" : "", o->time ? o->time : "",
	             o->time ? "\n" : "", o->partition ? "#SBATCH --partition=" : "",
	             o->partition ? o->partition : "", o->partition ? "\n" : "", exe, sweep, dir,
	             shards, o->cpus, timeout) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/slurm.sh", dir);
	int bad = write_text(path, text, 0755);
	free(text);
	return bad;
}

/* "0-9%4", or the listed shards "2,7%4" when resubmitting */
static char *array_spec(const xp_sweep_cli *o, int shards, const char *only)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (!only)
		fprintf(f, "0-%d", shards - 1);
	for (int i = 0, first = 1; only && i < shards; i++)
		if (only[i]) {
			fprintf(f, first ? "%d" : ",%d", i);
			first = 0;
		}
	if (o->max_parallel)
		fprintf(f, "%%%d", o->max_parallel);
	fclose(f);
	return buf;
}

/* Run sbatch --parsable; the job id is the first field of its output. */
static int sbatch(const xp_sweep_cli *o, const char *dir, const char *spec, char *jobid, size_t len)
{
	char script[4200], array[4200];
	const char *argv[XP_MAX_SBATCH_ARGS + 8];
	int n = 0, fd[2];
	snprintf(script, sizeof script, "%s/slurm.sh", dir);
	snprintf(array, sizeof array, "--array=%s", spec);
	argv[n++] = "sbatch";
	argv[n++] = "--parsable";
	argv[n++] = array;
	for (int i = 0; i < o->n_sbatch; i++)
		argv[n++] = o->sbatch[i];
	argv[n++] = script;
	argv[n] = NULL;
	if (pipe(fd))
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execvp("sbatch", (char *const *)argv);
		fprintf(stderr, "crosspipe sweep: cannot run sbatch: %s\n", strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	ssize_t k = pid > 0 ? read(fd[0], jobid, len - 1) : -1;
	close(fd[0]);
	int status = 0;
	if (pid > 0)
		waitpid(pid, &status, 0);
	jobid[k > 0 ? k : 0] = '\0';
	jobid[strcspn(jobid, ";\n")] = '\0';
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && *jobid ? 0 : -1;
}

/* With --resume: the shards that still have missing or failed rows (NULL: error printed). */
static char *shards_to_redo(const xp_sweep *s, const char *dir, int shards, int *count)
{
	xp_collect_report r;
	xp_error err;
	if (xp_sweep_collect(s, dir, shards, 0, NULL, &r, &err) != XP_OK) {
		xp_cli_fail(&err);
		return NULL;
	}
	*count = r.n_bad_shards;
	return r.bad_shard;
}

int xp_slurm_submit(const xp_sweep_cli *o, const xp_sweep *s, const char *out, const char *prog)
{
	char dir[PATH_MAX], sweep[PATH_MAX], logs[PATH_MAX + 8], jobid[64], old[4200];
	int shards = o->array                  ? o->array
	             : xp_sweep_tasks(s) < 100 ? xp_sweep_tasks(s)
	                                       : 100,
	    redo = 0;
	char *only = NULL;
	(void)prog;
	mkdir(out, 0777);
	if (!realpath(out, dir) || !realpath(xp_sweep_path(s), sweep)) {
		fprintf(stderr, "crosspipe sweep: cannot create %s\n", out);
		return XP_EXIT_FAIL;
	}
	snprintf(logs, sizeof logs, "%s/slurm", dir);
	mkdir(logs, 0777);
	if (o->resume) {
		int rc = xp_slurm_env(dir, old, sizeof old, &shards);
		if (rc != XP_EXIT_OK || !(only = shards_to_redo(s, dir, shards, &redo)))
			return rc != XP_EXIT_OK ? rc : XP_EXIT_FAIL;
		if (redo == 0) {
			printf("nothing to resubmit: every task of %s has an ok row\n", dir);
			free(only);
			return XP_EXIT_OK;
		}
	}
	char *spec = array_spec(o, shards, only);
	int bad = !spec || write_files(o, dir, sweep, shards);
	if (!bad && sbatch(o, dir, spec, jobid, sizeof jobid)) {
		fprintf(stderr,
		        "crosspipe sweep: sbatch failed (is Slurm reachable? SLURM_CONF?)\n");
		free(spec);
		free(only);
		return XP_EXIT_FAIL;
	}
	if (!bad)
		printf("submitted job %s: array %s over %d shards of %d tasks; then run: crosspipe "
		       "sweep --collect %s\n",
		       jobid, spec, shards, xp_sweep_tasks(s), dir);
	free(spec);
	free(only);
	return bad ? XP_EXIT_FAIL : XP_EXIT_OK;
}

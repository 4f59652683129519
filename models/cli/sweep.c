/* sweep.c: `crosspipe sweep`: run a sweep file locally, or on Slurm, or collect a Slurm run. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/units.h"
#include "cli/cli.h"
#include "cli/sweep_cli.h"
#include "sweep/sweep.h"

static const char help_text[] =
    "usage: crosspipe sweep SWEEP.yaml [--jobs N] [--out DIR] [--resume] [--task-timeout T]\n"
    "                       [--list]\n"
    "       crosspipe sweep SWEEP.yaml --slurm [--partition P] [--time T] [--cpus-per-task N]\n"
    "                       [--max-parallel N] [--tasks N] [--sbatch-arg ARG]... [--resume]\n"
    "       crosspipe sweep --collect DIR\n"
    "\n"
    "  -j, --jobs N          parallel worker processes (default: the number of cores)\n"
    "  -o, --out DIR         output folder (default: out/ beside the sweep file)\n"
    "      --resume          keep the finished rows and run the rest (with --slurm: resubmit\n"
    "                        only the array tasks with missing or failed rows). A row is kept\n"
    "                        when it is whole, ok, in both files, and its key is its task's;\n"
    "                        rows of other points (an edited sweep file or base scenario)\n"
    "                        are refused with exit 2 and nothing is changed\n"
    "      --task-timeout T  kill a task that runs longer than T (e.g. 90s, 10min): it gets\n"
    "                        a row with status timeout (default: no limit)\n"
    "      --list            print the points and run nothing\n"
    "      --slurm           submit a Slurm job array; each array task runs one shard\n"
    "      --partition P, --time T (e.g. 00:30:00), --cpus-per-task N, --max-parallel N\n"
    "                        (the array throttle %N), --tasks N (array size, default\n"
    "                        min(tasks, 100)), --sbatch-arg ARG (repeatable)\n"
    "      --collect DIR     merge a Slurm run's parts into DIR/results.*, list missing and\n"
    "                        failed tasks\n"
    "      --part I/N        run shard I of N into DIR/parts/part-I.* (what the batch script "
    "runs)\n"
    "\n"
    "Rows go to DIR/results.csv and DIR/results.jsonl as tasks finish; DIR/manifest.json\n"
    "records every run (start, end, command, host, counts); one folder takes one sweep at a\n"
    "time (a second one exits 2). Exit status: 0 all rows ok, 1 some failed, timed out or are\n"
    "missing, 2 invalid input, an edited sweep on --resume, or a folder in use.\n";

/* The long name of the option whose code is c. */
static const char *option_name(const struct option *longs, int c)
{
	for (; longs->name; longs++)
		if (longs->val == c)
			return longs->name;
	return "?";
}

enum {
	O_RESUME = 256,
	O_LIST,
	O_SLURM,
	O_PART,
	O_TIME,
	O_CPUS,
	O_MAXPAR,
	O_TASKS,
	O_SBATCH,
	O_COLLECT,
	O_PARTITION,
	O_TIMEOUT
};

static const struct option longs[] = {
	{ "jobs", required_argument, 0, 'j' },
	{ "out", required_argument, 0, 'o' },
	{ "resume", no_argument, 0, O_RESUME },
	{ "list", no_argument, 0, O_LIST },
	{ "slurm", no_argument, 0, O_SLURM },
	{ "part", required_argument, 0, O_PART },
	{ "partition", required_argument, 0, O_PARTITION },
	{ "time", required_argument, 0, O_TIME },
	{ "cpus-per-task", required_argument, 0, O_CPUS },
	{ "max-parallel", required_argument, 0, O_MAXPAR },
	{ "tasks", required_argument, 0, O_TASKS },
	{ "sbatch-arg", required_argument, 0, O_SBATCH },
	{ "collect", required_argument, 0, O_COLLECT },
	{ "task-timeout", required_argument, 0, O_TIMEOUT },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

/* *out = arg as an integer >= 1; -1 when it is not one. */
static int positive(const char *arg, int *out)
{
	char *end = NULL;
	*out = (int)strtol(arg, &end, 10);
	return *end || !*arg || *out < 1 ? -1 : 0;
}

/* Store option c's value arg in o: 0, or -1 with *why saying what the value must be. */
static int take_option(int c, const char *arg, xp_sweep_cli *o, const char **why)
{
	*why = "an integer >= 1";
	switch (c) {
	case 'j': return positive(arg, &o->jobs);
	case O_CPUS: return positive(arg, &o->cpus);
	case O_MAXPAR: return positive(arg, &o->max_parallel);
	case O_TASKS: return positive(arg, &o->array);
	case O_TIMEOUT:
		if (xp_parse_time_ns(arg, &o->task_timeout_ns, why) < 0)
			return -1;
		*why = "a duration > 0 such as 90s or 10min";
		return o->task_timeout_ns <= 0 ? -1 : 0;
	case O_PART:
		*why = "I/N with 0 <= I < N";
		if (sscanf(arg, "%d/%d", &o->shard, &o->n_shards) != 2 || o->n_shards < 1 ||
		    o->shard < 0 || o->shard >= o->n_shards)
			return -1;
		o->part = 1;
		return 0;
	case O_SBATCH:
		*why = "at most 32 of them";
		if (o->n_sbatch >= XP_MAX_SBATCH_ARGS)
			return -1;
		o->sbatch[o->n_sbatch++] = arg;
		return 0;
	case 'o': o->out = arg; return 0;
	case O_RESUME: o->resume = 1; return 0;
	case O_LIST: o->list = 1; return 0;
	case O_SLURM: o->slurm = 1; return 0;
	case O_PARTITION: o->partition = arg; return 0;
	case O_TIME: o->time = arg; return 0;
	default: o->collect = arg; return 0; /* O_COLLECT */
	}
}

static int parse(int argc, char **argv, xp_sweep_cli *o)
{
	memset(o, 0, sizeof *o);
	o->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	o->cpus = 1;
	o->shard = 0;
	o->n_shards = 1;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":j:o:h", longs, NULL)) != -1;) {
		const char *why;
		if (c == 'h') {
			fputs(help_text, stdout);
			return XP_EXIT_OK;
		}
		if (c == ':' || c == '?') {
			fprintf(stderr,
			        c == ':' ? "crosspipe sweep: option '%s' needs a value\n"
			                 : "crosspipe sweep: unknown option '%s' (try --help)\n",
			        argv[optind - 1]);
			return XP_EXIT_USAGE;
		}
		if (take_option(c, optarg, o, &why) != 0) {
			fprintf(stderr, "crosspipe sweep: --%s needs %s, got '%s'\n",
			        option_name(longs, c), why, optarg);
			return XP_EXIT_USAGE;
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind < argc || (!o->file && !o->collect) || (o->file && o->collect)) {
		fprintf(stderr,
		        "crosspipe sweep: give one sweep file, or --collect DIR (try --help)\n");
		return XP_EXIT_USAGE;
	}
	return -1;
}

char *xp_cli_command_line(const char *prog, int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs(prog, f);
	for (int i = 0; i < argc; i++)
		fprintf(f, strpbrk(argv[i], " \t'\"") ? " '%s'" : " %s", argv[i]);
	fclose(f);
	return buf;
}

static void default_out(const char *file, char *buf, size_t len)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", file);
	snprintf(buf, len, "%s/out", dirname(tmp));
}

static int list_points(const xp_sweep *s)
{
	const char *const *keys;
	int nk = xp_sweep_keys(s, &keys);
	for (int p = 0; p < xp_sweep_points(s); p++) {
		const char *const *v = xp_sweep_values(s, p);
		printf("%d", p);
		for (int j = 0; j < nk; j++)
			printf(" %s=%s", keys[j], v[j]);
		printf("\n");
	}
	printf("%d points, %d tasks\n", xp_sweep_points(s), xp_sweep_tasks(s));
	return XP_EXIT_OK;
}

static int summary(const xp_sweep_summary *sum, const char *dir, const char *stem)
{
	fprintf(stderr, "sweep: %d tasks: %d ok, %d failed, %d already done; rows in %s/%s.csv\n",
	        sum->tasks, sum->ok, sum->failed, sum->skipped, dir, stem);
	if (sum->failed)
		fprintf(stderr,
		        "sweep: %d tasks failed: their rows have status error and the "
		        "message\n",
		        sum->failed);
	return sum->failed ? XP_EXIT_FAIL : XP_EXIT_OK;
}

static int run_local(const xp_sweep_cli *o, const xp_sweep *s, const char *dir, char *cmd)
{
	char stem[64];
	snprintf(stem, sizeof stem, o->part ? "parts/part-%d" : "results", o->shard);
	xp_sweep_opts so = { .jobs = o->jobs,
		             .dir = dir,
		             .stem = stem,
		             .resume = o->resume,
		             .shard = o->shard,
		             .n_shards = o->n_shards,
		             .command = o->part ? NULL : cmd,
		             .task_timeout_ns = o->task_timeout_ns };
	xp_sweep_summary sum;
	xp_error err;
	xp_error_clear(&err);
	if (xp_sweep_run(s, &so, &sum, &err) != XP_OK)
		return xp_cli_fail(&err);
	return summary(&sum, dir, stem);
}

static int collect(const char *dir, const char *cmd)
{
	char path[4096];
	int shards, rc = xp_slurm_env(dir, path, sizeof path, &shards);
	xp_sweep *s = NULL;
	xp_error err;
	xp_error_clear(&err);
	if (rc != XP_EXIT_OK)
		return rc;
	if (xp_sweep_load(path, &s, &err) != XP_OK)
		return xp_cli_fail(&err);
	xp_collect_report r;
	if (xp_sweep_collect(s, dir, shards, 1, cmd, &r, &err) != XP_OK) {
		xp_sweep_free(s);
		return xp_cli_fail(&err);
	}
	printf("collected %d of %d tasks into %s/results.csv: %d ok, %d failed, %d missing\n",
	       r.ok + r.failed, r.tasks, dir, r.ok, r.failed, r.missing);
	if (r.missing)
		printf("first missing task: %d\n", r.first_missing);
	if (r.failed)
		printf("first failed task: %d\n", r.first_failed);
	if (r.n_bad_shards) {
		printf("array tasks to resubmit (crosspipe sweep %s --slurm --resume --out %s):",
		       path, dir);
		for (int i = 0; i < shards; i++)
			if (r.bad_shard[i])
				printf(" %d", i);
		printf("\n");
	}
	free(r.bad_shard);
	xp_sweep_free(s);
	return r.missing || r.failed ? XP_EXIT_FAIL : XP_EXIT_OK;
}

int xp_cli_sweep(int argc, char **argv, const char *prog)
{
	xp_sweep_cli o;
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	char dir[4200], *cmd = xp_cli_command_line(prog, argc, argv);
	if (o.collect) {
		rc = collect(o.collect, cmd);
		free(cmd);
		return rc;
	}
	xp_sweep *s = NULL;
	xp_error err;
	xp_error_clear(&err);
	if (xp_sweep_load(o.file, &s, &err) != XP_OK) {
		free(cmd);
		return xp_cli_fail(&err);
	}
	if (xp_sweep_warning(s))
		fprintf(stderr, "crosspipe: %s\n", xp_sweep_warning(s));
	if (o.out)
		snprintf(dir, sizeof dir, "%s", o.out);
	else
		default_out(o.file, dir, sizeof dir);
	if (o.list)
		rc = list_points(s);
	else if (o.slurm)
		rc = xp_slurm_submit(&o, s, dir, prog);
	else
		rc = run_local(&o, s, dir, cmd);
	free(cmd);
	xp_sweep_free(s);
	return rc;
}

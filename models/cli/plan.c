/* plan.c: `crosspipe plan`: the planner's search on a plan file, its ranked table, JSON and CSV
 * (every layout, the pruned classes counted) and --explain. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/units.h"
#include "cli/cli.h"
#include "cli/plan_cli.h"
#include "plan/plan.h"

static const char help_text[] =
    "usage: crosspipe plan PLAN.yaml [--set KEY=VALUE]... [--top K] [--format table|json|csv]\n"
    "                      [-o FILE] [--explain K] [--exhaustive] [--refine K [--solver-time T]]\n"
    "                      [--progress | --quiet]\n"
    "                      [--jobs N | --slurm [--partition P] [--time T] [--cpus-per-task N]\n"
    "                       [--sbatch-arg ARG]... | --from DIR] [--dir DIR] [--resume]\n"
    "\n"
    "Searches TP x PP x DP, the dimension that crosses the datacenters, the stage-to-DC\n"
    "placement, the layer split, the microbatch size, recomputation and the schedule for the\n"
    "shortest iteration (docs/plan.md).\n"
    "\n"
    "      --set KEY=VALUE  override a key of the plan file for every layout (repeatable)\n"
    "      --top K          rank and keep safe from bound pruning the K best (default 10)\n"
    "      --format F       table (default), json or csv: every layout with its class\n"
    "  -o, --out FILE       write the output to FILE (whole, or not at all)\n"
    "      --explain K      after the table: what separates layout K from layout 1\n"
    "      --exhaustive     simulate every feasible layout (no bound pruning)\n"
    "      --refine K       time the K best again with the solvers (optimal, optimal-v) and\n"
    "                       report their orders beside the greedy's (the ranking stays)\n"
    "      --solver-time T  the solvers' limit per layout and solver (default 60s)\n"
    "      --jobs N         run the feasible layouts as a sweep in N worker processes (the\n"
    "                       sweep runner: progress, resume); the output is the serial one's\n"
    "      --dir DIR        that sweep's folder (default out/plan-NAME)\n"
    "      --resume         keep the rows already in DIR, run the rest\n"
    "      --slurm          submit that sweep as a Slurm job array (options as for sweep)\n"
    "      --from DIR       rank the rows of DIR (after crosspipe sweep --collect DIR)\n"
    "      --progress       progress as plain lines on stderr (default on a terminal only)\n"
    "  -q, --quiet          no progress\n"
    "\n"
    "Exit status: 0 ok, 1 failure (I/O, memory), 2 invalid input or no layout that runs.\n";

static int int_arg(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

enum {
	O_SET = 256,
	O_TOP,
	O_FORMAT,
	O_EXPLAIN,
	O_EXHAUSTIVE,
	O_PROGRESS,
	O_REFINE,
	O_STIME,
	O_JOBS,
	O_DIR,
	O_RESUME,
	O_SLURM,
	O_FROM,
	O_PARTITION,
	O_TIME,
	O_CPUS,
	O_SBATCH
};

static const struct option longs[] = {
	{ "set", required_argument, 0, O_SET },
	{ "top", required_argument, 0, O_TOP },
	{ "format", required_argument, 0, O_FORMAT },
	{ "out", required_argument, 0, 'o' },
	{ "explain", required_argument, 0, O_EXPLAIN },
	{ "exhaustive", no_argument, 0, O_EXHAUSTIVE },
	{ "refine", required_argument, 0, O_REFINE },
	{ "solver-time", required_argument, 0, O_STIME },
	{ "jobs", required_argument, 0, O_JOBS },
	{ "dir", required_argument, 0, O_DIR },
	{ "resume", no_argument, 0, O_RESUME },
	{ "slurm", no_argument, 0, O_SLURM },
	{ "from", required_argument, 0, O_FROM },
	{ "partition", required_argument, 0, O_PARTITION },
	{ "time", required_argument, 0, O_TIME },
	{ "cpus-per-task", required_argument, 0, O_CPUS },
	{ "sbatch-arg", required_argument, 0, O_SBATCH },
	{ "progress", no_argument, 0, O_PROGRESS },
	{ "quiet", no_argument, 0, 'q' },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

/* Store option c's value arg in o: 0, or -1 when the value is not one it takes. */
static int take(int c, const char *arg, xp_plan_cli *o)
{
	int64_t ns = 0;
	const char *why = NULL;
	switch (c) {
	case O_SET: o->sets[o->n_sets++] = arg; return 0;
	case O_TOP: return int_arg(arg, &o->top);
	case O_EXPLAIN: return int_arg(arg, &o->explain);
	case O_REFINE: return int_arg(arg, &o->refine);
	case O_JOBS: return int_arg(arg, &o->jobs);
	case O_CPUS: return int_arg(arg, &o->cpus);
	case O_SBATCH:
		if (o->n_sbatch >= XP_MAX_SBATCH_ARGS)
			return -1;
		o->sbatch[o->n_sbatch++] = arg;
		return 0;
	case O_STIME:
		o->solver_time = arg;
		return xp_parse_time_ns(arg, &ns, &why) < 0 || ns <= 0 ? -1 : 0;
	case O_FORMAT:
		o->format = arg;
		return strcmp(arg, "table") && strcmp(arg, "json") && strcmp(arg, "csv") ? -1 : 0;
	case O_DIR: o->out_dir = arg; return 0;
	case O_FROM: o->from = arg; return 0;
	case O_PARTITION: o->partition = arg; return 0;
	case O_TIME: o->time = arg; return 0;
	case 'o': o->out = arg; return 0;
	case O_RESUME: o->resume = 1; return 0;
	case O_SLURM: o->slurm = 1; return 0;
	case O_EXHAUSTIVE: o->exhaustive = 1; return 0;
	case O_PROGRESS: o->progress = 1; return 0;
	default: o->quiet = 1; return 0; /* 'q' */
	}
}

/* The options that go together (a message and XP_EXIT_USAGE), else -1. */
static int check(const xp_plan_cli *o)
{
	const char *why = NULL;
	if (o->out && strcmp(o->out, "-") && xp_io_same_file(o->out, o->file))
		why = "-o names the plan file (an input)";
	else if ((o->jobs > 0) + o->slurm + (o->from != NULL) > 1 ||
	         (o->from && (o->out_dir || o->resume)) ||
	         ((o->out_dir || o->resume) && !o->jobs && !o->slurm))
		why =
		    "give one of --jobs N, --slurm, --from DIR (--dir and --resume go with --jobs "
		    "or --slurm)";
	else if ((o->partition || o->time || o->cpus || o->n_sbatch) && !o->slurm)
		why = "--partition, --time, --cpus-per-task and --sbatch-arg go with --slurm";
	else if (o->solver_time && !o->refine)
		why = "--solver-time needs --refine K";
	else if (o->refine > o->top)
		why = "--refine K is beyond --top";
	else if (o->explain > o->top)
		why = "--explain K is beyond --top";
	if (!why)
		return -1;
	fprintf(stderr, "crosspipe plan: %s\n", why);
	return XP_EXIT_USAGE;
}

static int parse(int argc, char **argv, xp_plan_cli *o)
{
	memset(o, 0, sizeof *o);
	o->top = 10;
	o->format = "table";
	if (!(o->sets = calloc((size_t)argc + 1, sizeof *o->sets)))
		return XP_EXIT_FAIL;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":o:qh", longs, NULL)) != -1;) {
		if (c == 'h') {
			fputs(help_text, stdout);
			return XP_EXIT_OK;
		}
		if (c == ':' || c == '?') {
			fprintf(stderr,
			        c == ':' ? "crosspipe plan: %s needs a value\n"
			                 : "crosspipe plan: unknown option '%s' (see --help)\n",
			        argv[optind - 1]);
			return XP_EXIT_USAGE;
		}
		if (take(c, optarg, o)) {
			fprintf(stderr, "crosspipe plan: %s: invalid value '%s' (see --help)\n",
			        argv[optind - 1 - (optarg == argv[optind - 1] ? 1 : 0)], optarg);
			return XP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "crosspipe plan: expected one PLAN.yaml (see --help)\n");
		return XP_EXIT_USAGE;
	}
	o->file = argv[optind];
	return check(o);
}

int xp_cli_plan(int argc, char **argv, const char *prog)
{
	xp_plan_cli o;
	xp_plan *pl = NULL;
	xp_error err;
	xp_error_clear(&err);
	int rc = parse(argc, argv, &o);
	char *cmd = rc < 0 ? xp_cli_command_line(prog, argc, argv) : NULL;
	if (rc < 0) {
		xp_progress_start(xp_progress_choose(o.quiet, o.progress, isatty(2)), stderr, NULL);
		if (xp_plan_load(o.file, (const char *const *)o.sets, o.n_sets, &pl, &err))
			rc = xp_cli_fail(&err);
		else if (o.jobs || o.slurm || o.from)
			rc = xp_plan_parallel(pl, &o, prog, cmd);
		else if (xp_plan_search(pl, o.top, o.exhaustive, &err))
			rc = xp_cli_fail(&err);
		if (rc < 0 && o.refine &&
		    xp_plan_refine(pl, o.refine, o.solver_time ? o.solver_time : "60s", &err))
			rc = xp_cli_fail(&err);
		xp_progress_clear();
		xp_progress_start(XP_PROGRESS_OFF, NULL, NULL);
	}
	if (rc < 0)
		rc = xp_plan_write(pl, &o);
	xp_plan_free(pl);
	free(o.sets);
	free(cmd);
	return rc;
}

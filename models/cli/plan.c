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

static int parse(int argc, char **argv, xp_plan_cli *o)
{
	enum {
		O_SET = 256,
		O_TOP,
		O_FORMAT,
		O_EXPLAIN,
		O_EXHAUSTIVE,
		O_PROGRESS,
		O_REFINE,
		O_STIME
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
		{ "progress", no_argument, 0, O_PROGRESS },
		{ "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	memset(o, 0, sizeof *o);
	o->top = 10;
	o->format = "table";
	o->solver_time = NULL;
	if (!(o->sets = calloc((size_t)argc + 1, sizeof *o->sets)))
		return XP_EXIT_FAIL;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, ":o:qh", longs, NULL)) != -1;) {
		switch (c) {
		case O_SET: o->sets[o->n_sets++] = optarg; break;
		case O_TOP:
			if (int_arg(optarg, &o->top))
				goto bad;
			break;
		case O_EXPLAIN:
			if (int_arg(optarg, &o->explain))
				goto bad;
			break;
		case O_REFINE:
			if (int_arg(optarg, &o->refine))
				goto bad;
			break;
		case O_STIME: {
			int64_t ns = 0;
			const char *why = NULL;
			if (xp_parse_time_ns(optarg, &ns, &why) < 0 || ns <= 0)
				goto bad;
			o->solver_time = optarg;
			break;
		}
		case O_FORMAT:
			if (strcmp(optarg, "table") && strcmp(optarg, "json") &&
			    strcmp(optarg, "csv"))
				goto bad;
			o->format = optarg;
			break;
		case 'o': o->out = optarg; break;
		case O_EXHAUSTIVE: o->exhaustive = 1; break;
		case O_PROGRESS: o->progress = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': fputs(help_text, stdout); return XP_EXIT_OK;
		case ':':
			fprintf(stderr, "crosspipe plan: %s needs a value\n", argv[optind - 1]);
			return XP_EXIT_USAGE;
		default:
			fprintf(stderr, "crosspipe plan: unknown option '%s' (see --help)\n",
			        argv[optind - 1]);
			return XP_EXIT_USAGE;
		}
		continue;
	bad:
		fprintf(stderr, "crosspipe plan: %s: invalid value '%s' (see --help)\n",
		        argv[optind - 1 - (optarg == argv[optind - 1] ? 1 : 0)], optarg);
		return XP_EXIT_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "crosspipe plan: expected one PLAN.yaml (see --help)\n");
		return XP_EXIT_USAGE;
	}
	o->file = argv[optind];
	if (o->out && strcmp(o->out, "-") && xp_io_same_file(o->out, o->file)) {
		fprintf(stderr, "crosspipe plan: -o %s: is the plan file (an input)\n", o->out);
		return XP_EXIT_USAGE;
	}
	if (o->solver_time && !o->refine) {
		fprintf(stderr, "crosspipe plan: --solver-time needs --refine K\n");
		return XP_EXIT_USAGE;
	}
	if (o->refine > o->top) {
		fprintf(stderr, "crosspipe plan: --refine %d is beyond --top %d\n", o->refine,
		        o->top);
		return XP_EXIT_USAGE;
	}
	if (o->explain > o->top) {
		fprintf(stderr, "crosspipe plan: --explain %d is beyond --top %d\n", o->explain,
		        o->top);
		return XP_EXIT_USAGE;
	}
	return -1;
}

int xp_cli_plan(int argc, char **argv, const char *prog)
{
	(void)prog;
	xp_plan_cli o;
	xp_plan *pl = NULL;
	xp_error err;
	xp_error_clear(&err);
	int rc = parse(argc, argv, &o);
	if (rc < 0) {
		xp_progress_start(xp_progress_choose(o.quiet, o.progress, isatty(2)), stderr, NULL);
		if (xp_plan_load(o.file, (const char *const *)o.sets, o.n_sets, &pl, &err) ||
		    xp_plan_search(pl, o.top, o.exhaustive, &err) ||
		    (o.refine &&
		     xp_plan_refine(pl, o.refine, o.solver_time ? o.solver_time : "60s", &err)))
			rc = xp_cli_fail(&err);
		xp_progress_clear();
		xp_progress_start(XP_PROGRESS_OFF, NULL, NULL);
	}
	if (rc < 0)
		rc = xp_plan_write(pl, &o);
	xp_plan_free(pl);
	free(o.sets);
	return rc;
}

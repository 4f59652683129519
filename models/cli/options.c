/* options.c: the options shared by run, check and export. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help_text[] =
    "usage: crosspipe %s [SCENARIO] [options]\n"
    "\n"
    "  SCENARIO                  a YAML scenario file (default scenarios/default.yaml)\n"
    "  -s, --schedule LIST       comma-separated schedule names (default: the scenario's\n"
    "                            `schedules`); 'crosspipe schedules' lists them\n"
    "  -f, --schedule-file FILE  also run an order from a schedule file (repeatable)\n"
    "      --set KEY=VALUE       override a scenario key, same syntax as the file (repeatable)\n"
    "  -e, --engine LIST         analytic (default), ideal, packet (ns-3); comma-separated\n"
    "      --calibrated          validate: also run the analytic engine with calibrated links\n"
    "      --format FMT          table (default), json or csv\n"
    "  -o, --output FILE         write the report to FILE instead of stdout\n"
    "      --trace FILE          write a Chrome trace-event JSON (opens in Perfetto)\n"
    "      --gantt FILE          write an SVG timeline\n"
    "      --n-sub N             greedy sub-blocks per block (= --set schedule.n_sub=N)\n"
    "      --solver-time T       solver time limit, e.g. 60s (= --set solver.time_limit=T)\n"
    "      --solver-gap G        stop at this relative gap, e.g. 1%% (= --set solver.gap=G)\n"
    "      --jitter P            re-time each schedule with noisy block and link times, P the\n"
    "                            relative standard deviation (= --set robustness.jitter=P)\n"
    "      --samples N           how many noisy re-timings (= --set robustness.samples=N)\n"
    "      --progress            show progress on stderr as plain lines when it is not a\n"
    "                            terminal (on a terminal it is shown in place anyway)\n"
    "      --quiet               no progress on stderr\n"
    "  -h, --help                this text\n"
    "\n"
    "Nothing is written unless every schedule ran: outputs go to temporary files first.\n";

static int push(const char ***arr, int *n, const char *v)
{
	const char **a = realloc(*arr, ((size_t)*n + 1) * sizeof *a);
	if (!a)
		return -1;
	a[(*n)++] = v;
	*arr = a;
	return 0;
}

/* The options that are shorthands for a scenario key, as --set KEY=VALUE. */
static const char *const shorthand[][2] = {
	{ "n-sub", "schedule.n_sub" },       { "solver-time", "solver.time_limit" },
	{ "solver-gap", "solver.gap" },      { "jitter", "robustness.jitter" },
	{ "samples", "robustness.samples" },
};

static int push_key(xp_cli_opts *o, const char *option, const char *value)
{
	for (size_t i = 0; i < sizeof shorthand / sizeof shorthand[0]; i++) {
		if (strcmp(shorthand[i][0], option))
			continue;
		char *set = NULL;
		if (asprintf(&set, "%s=%s", shorthand[i][1], value) < 0 ||
		    push((const char ***)&o->owned, &o->n_owned, set) ||
		    push(&o->sets, &o->n_sets, set))
			return -1;
		return 0;
	}
	return -1;
}

/* Returns -1 to go on, or an exit code (help printed, or a usage error). */
int xp_cli_parse(int argc, char **argv, xp_cli_opts *o)
{
	enum { O_SET = 256, O_FORMAT, O_TRACE, O_GANTT, O_KEY, O_PROGRESS, O_QUIET };
	static const struct option longs[] = {
		{ "schedule", required_argument, 0, 's' },
		{ "schedule-file", required_argument, 0, 'f' },
		{ "set", required_argument, 0, O_SET },
		{ "engine", required_argument, 0, 'e' },
		{ "format", required_argument, 0, O_FORMAT },
		{ "output", required_argument, 0, 'o' },
		{ "trace", required_argument, 0, O_TRACE },
		{ "gantt", required_argument, 0, O_GANTT },
		{ "n-sub", required_argument, 0, O_KEY },
		{ "solver-time", required_argument, 0, O_KEY },
		{ "solver-gap", required_argument, 0, O_KEY },
		{ "jitter", required_argument, 0, O_KEY },
		{ "samples", required_argument, 0, O_KEY },
		{ "progress", no_argument, 0, O_PROGRESS },
		{ "quiet", no_argument, 0, O_QUIET },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	memset(o, 0, sizeof *o);
	o->format = "table";
	o->engines = "analytic";
	optind = 1;
	opterr = 0;
	int c;
	int li = 0;
	while ((c = getopt_long(argc, argv, ":s:f:e:o:h", longs, &li)) != -1) {
		switch (c) {
		case 's': o->schedules = optarg; break;
		case 'f':
			if (push(&o->files, &o->n_files, optarg))
				return XP_EXIT_FAIL;
			break;
		case O_SET:
			if (push(&o->sets, &o->n_sets, optarg))
				return XP_EXIT_FAIL;
			break;
		case O_KEY:
			if (push_key(o, longs[li].name, optarg))
				return XP_EXIT_FAIL;
			break;
		case 'e': o->engines = optarg; break;
		case O_FORMAT: o->format = optarg; break;
		case 'o': o->out = optarg; break;
		case O_TRACE: o->trace = optarg; break;
		case O_GANTT: o->gantt = optarg; break;
		case O_PROGRESS: o->progress = 1; break;
		case O_QUIET: o->quiet = 1; break;
		case 'h': printf(help_text, argv[0]); return XP_EXIT_OK;
		case ':':
			fprintf(stderr, "crosspipe %s: option '%s' needs a value\n", argv[0],
			        argv[optind - 1]);
			return XP_EXIT_USAGE;
		default:
			fprintf(stderr, "crosspipe %s: unknown option '%s' (try --help)\n", argv[0],
			        argv[optind - 1]);
			return XP_EXIT_USAGE;
		}
	}
	if (optind < argc)
		o->scenario = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "crosspipe %s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return XP_EXIT_USAGE;
	}
	if (strcmp(o->format, "table") && strcmp(o->format, "json") && strcmp(o->format, "csv")) {
		fprintf(stderr, "crosspipe %s: --format must be table, json or csv, not '%s'\n",
		        argv[0], o->format);
		return XP_EXIT_USAGE;
	}
	return -1;
}

void xp_cli_progress_start(const xp_cli_opts *o)
{
	xp_progress_start(xp_progress_choose(o->quiet, o->progress, isatty(fileno(stderr))), stderr,
	                  NULL);
}

void xp_cli_opts_free(xp_cli_opts *o)
{
	for (int i = 0; i < o->n_owned; i++)
		free(o->owned[i]);
	free(o->owned);
	free(o->sets);
	free(o->files);
}

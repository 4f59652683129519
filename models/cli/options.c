/* options.c: the options of run, check, export, validate and calibrate. One table says which
 * command takes which option: each command's --help lists only its own, and any other option is
 * a usage error that names it. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { C_RUN = 1, C_CHECK = 2, C_EXPORT = 4, C_VALIDATE = 8, C_CALIBRATE = 16 };
enum {
	O_SET = 256,
	O_FORMAT,
	O_TRACE,
	O_GANTT,
	O_TIMELINE,
	O_KEY,
	O_MAX_MEMORY,
	O_PROGRESS,
	O_QUIET,
	O_TORCH_FORMAT,
	O_TORCH_DIALECT
};

#define BUILDS (C_RUN | C_CHECK | C_EXPORT | C_VALIDATE) /* commands that build schedules */
#define ALL    (BUILDS | C_CALIBRATE)

typedef struct option_spec {
	const char *name;
	int id, commands;
	const char *help; /* the --help line(s), from the option's name on */
} option_spec;

static const option_spec specs[] = {
	{ "schedule", 's', BUILDS,
	  "-s, --schedule LIST       comma-separated schedule names (default: the scenario's\n"
	  "                            `schedules`); 'crosspipe schedules' lists them" },
	{ "schedule-file", 'f', BUILDS,
	  "-f, --schedule-file FILE  also use an order from a schedule file (repeatable)" },
	{ "torch-dialect", O_TORCH_DIALECT, BUILDS,
	  "    --torch-dialect D     how a torch CSV given with -f reads B: current (B the whole\n"
	  "                            backward, I/W its halves) or legacy (B the backward for\n"
	  "                            the input, BW the whole); default current, legacy only\n"
	  "                            when current cannot read the file" },
	{ "set", O_SET, ALL,
	  "    --set KEY=VALUE       override a scenario key, same syntax as the file "
	  "(repeatable)" },
	{ "engine", 'e', C_RUN,
	  "-e, --engine LIST         analytic (default), ideal, packet (ns-3); comma-separated" },
	{ "format", O_FORMAT, C_RUN | C_VALIDATE | C_CALIBRATE,
	  "    --format FMT          table (default), json or csv" },
	{ "format", O_FORMAT, C_EXPORT,
	  "    --format FMT          schedule (default: a crosspipe schedule file) or torch (a\n"
	  "                            torch.distributed.pipelining CSV, docs/torch.md)" },
	{ "torch-format", O_TORCH_FORMAT, C_EXPORT,
	  "    --torch-format FORM   with --format torch: compute_only (default) or\n"
	  "                            compute_comms (with SEND/RECV cells)" },
	{ "output", 'o', C_RUN | C_EXPORT | C_VALIDATE | C_CALIBRATE,
	  "-o, --output FILE         write to FILE instead of stdout" },
	{ "trace", O_TRACE, C_RUN | C_VALIDATE,
	  "    --trace FILE          write a Chrome trace-event JSON (opens in Perfetto)" },
	{ "gantt", O_GANTT, C_RUN, "    --gantt FILE          write an SVG timeline" },
	{ "timeline", O_TIMELINE, C_RUN,
	  "    --timeline FILE       write every op, transfer and DP collective with its times\n"
	  "                            as CSV (docs/outputs.md)" },
	{ "n-sub", O_KEY, BUILDS,
	  "    --n-sub N             greedy sub-blocks per block (= --set schedule.n_sub=N)" },
	{ "solver-time", O_KEY, BUILDS,
	  "    --solver-time T       solver time limit, e.g. 60s (= --set solver.time_limit=T)" },
	{ "solver-gap", O_KEY, BUILDS,
	  "    --solver-gap G        stop at this relative gap, e.g. 1% (= --set solver.gap=G)" },
	{ "jitter", O_KEY, C_RUN,
	  "    --jitter P            re-time each schedule with noisy block and link times, P the\n"
	  "                            relative standard deviation (= --set robustness.jitter=P)" },
	{ "samples", O_KEY, C_RUN,
	  "    --samples N           how many noisy re-timings (= --set robustness.samples=N)" },
	{ "iterations", O_KEY, C_RUN,
	  "    --iterations N        run N training iterations back to back and report each\n"
	  "                            one's time, mean, p50, p95 (= --set iterations=N)" },
	{ "replan", O_KEY, C_RUN,
	  "    --replan WHEN         never (default), every-iteration or on-change: rebuild "
	  "greedy\n"
	  "                            schedules between iterations (= --set "
	  "schedule.replan=WHEN)" },
	{ "objective", O_KEY, C_RUN,
	  "    --objective OBJ       what auto minimises: makespan (default), or the mean, p95\n"
	  "                            or worst iteration time over the iterations and the\n"
	  "                            --scenarios-from variants (= --set "
	  "schedule.objective=OBJ)" },
	{ "scenarios-from", O_KEY, C_RUN,
	  "    --scenarios-from FILE auto chooses over the network variants of a YAML file\n"
	  "                            (docs/scenario.md; = --set schedule.variants=FILE)" },
	{ "max-memory", O_MAX_MEMORY, BUILDS,
	  "    --max-memory SIZE     refuse schedules whose estimated memory is larger (default\n"
	  "                            4GiB; the estimate is in the message)" },
	{ "progress", O_PROGRESS, C_RUN | C_VALIDATE,
	  "    --progress            show progress on stderr as plain lines when it is not a\n"
	  "                            terminal (on a terminal it is shown in place anyway)" },
	{ "quiet", O_QUIET, C_RUN | C_VALIDATE, "    --quiet               no progress on stderr" },
	{ "help", 'h', ALL, "-h, --help                this text" },
};
#define N_SPECS (sizeof specs / sizeof specs[0])

static int command_bit(const char *cmd)
{
	static const char *const names[] = { "run", "check", "export", "validate", "calibrate" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(cmd, names[i]))
			return 1 << i;
	return ALL;
}

static void print_help(const char *cmd, int bit)
{
	printf("usage: crosspipe %s [SCENARIO] [options]\n\n"
	       "  SCENARIO                  a YAML scenario file (default "
	       "scenarios/default.yaml)\n",
	       cmd);
	for (size_t i = 0; i < N_SPECS; i++)
		if (specs[i].commands & bit)
			printf("  %s\n", specs[i].help);
	if (bit & (C_RUN | C_EXPORT))
		printf("\nNothing is written unless every schedule ran: outputs go to temporary "
		       "files first.\n");
}

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
	{ "n-sub", "schedule.n_sub" },
	{ "solver-time", "solver.time_limit" },
	{ "solver-gap", "solver.gap" },
	{ "jitter", "robustness.jitter" },
	{ "samples", "robustness.samples" },
	{ "iterations", "iterations" },
	{ "replan", "schedule.replan" },
	{ "objective", "schedule.objective" },
	{ "scenarios-from", "schedule.variants" },
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

/* The getopt tables of one command: only its own options. */
static void command_options(int bit, struct option *longs, char *shorts)
{
	int n = 0;
	char *sp = shorts;
	*sp++ = ':';
	for (size_t i = 0; i < N_SPECS; i++) {
		if (!(specs[i].commands & bit))
			continue;
		int id = specs[i].id;
		int arg = id == 'h' || id == O_PROGRESS || id == O_QUIET ? no_argument
		                                                         : required_argument;
		longs[n++] = (struct option){ specs[i].name, arg, 0, specs[i].id };
		if (specs[i].id < 256) {
			*sp++ = (char)specs[i].id;
			if (arg == required_argument)
				*sp++ = ':';
		}
	}
	longs[n] = (struct option){ 0, 0, 0, 0 };
	*sp = '\0';
}

/* A usage error about argv[optind - 1]: an option of another command, or none at all. */
static int bad_option(const char *cmd, const char *arg, int missing_value)
{
	if (missing_value)
		fprintf(stderr, "crosspipe %s: option '%s' needs a value\n", cmd, arg);
	else
		fprintf(stderr,
		        "crosspipe %s: unknown option '%s' (not an option of %s; try "
		        "crosspipe %s --help)\n",
		        cmd, arg, cmd, cmd);
	return XP_EXIT_USAGE;
}

static int take(xp_cli_opts *o, int c, const char *name)
{
	switch (c) {
	case 's': o->schedules = optarg; return 0;
	case 'f': return push(&o->files, &o->n_files, optarg);
	case O_SET: return push(&o->sets, &o->n_sets, optarg);
	case O_KEY: return push_key(o, name, optarg);
	case 'e': o->engines = optarg; return 0;
	case O_FORMAT: o->format = optarg; return 0;
	case 'o': o->out = optarg; return 0;
	case O_TRACE: o->trace = optarg; return 0;
	case O_GANTT: o->gantt = optarg; return 0;
	case O_TIMELINE: o->timeline = optarg; return 0;
	case O_MAX_MEMORY: o->max_memory = optarg; return 0;
	case O_TORCH_FORMAT: o->torch_format = optarg; return 0;
	case O_TORCH_DIALECT: o->torch_dialect = optarg; return 0;
	case O_PROGRESS: o->progress = 1; return 0;
	case O_QUIET: o->quiet = 1; return 0;
	default: return -1;
	}
}

static int check_torch_args(const char *cmd, const xp_cli_opts *o)
{
	if (o->torch_format && strcmp(o->format, "torch")) {
		fprintf(stderr, "crosspipe %s: --torch-format needs --format torch\n", cmd);
		return XP_EXIT_USAGE;
	}
	if (o->torch_format && strcmp(o->torch_format, "compute_only") &&
	    strcmp(o->torch_format, "compute_comms")) {
		fprintf(stderr,
		        "crosspipe %s: --torch-format must be compute_only or compute_comms, not "
		        "'%s'\n",
		        cmd, o->torch_format);
		return XP_EXIT_USAGE;
	}
	if (o->torch_dialect && strcmp(o->torch_dialect, "current") &&
	    strcmp(o->torch_dialect, "legacy")) {
		fprintf(stderr,
		        "crosspipe %s: --torch-dialect must be current or legacy, not '%s'\n", cmd,
		        o->torch_dialect);
		return XP_EXIT_USAGE;
	}
	return -1;
}

static int check_args(int argc, char **argv, xp_cli_opts *o)
{
	if (optind < argc)
		o->scenario = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "crosspipe %s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return XP_EXIT_USAGE;
	}
	int export = !strcmp(argv[0], "export");
	if (export ? strcmp(o->format, "schedule") && strcmp(o->format, "torch")
	           : strcmp(o->format, "table") && strcmp(o->format, "json") &&
	                 strcmp(o->format, "csv")) {
		fprintf(stderr, "crosspipe %s: --format must be %s, not '%s'\n", argv[0],
		        export ? "schedule or torch" : "table, json or csv", o->format);
		return XP_EXIT_USAGE;
	}
	return check_torch_args(argv[0], o);
}

/* Returns -1 to go on, or an exit code (help printed, or a usage error). */
int xp_cli_parse(int argc, char **argv, xp_cli_opts *o)
{
	struct option longs[N_SPECS + 1];
	char shorts[2 * N_SPECS + 2];
	int bit = command_bit(argv[0]), c, li = 0;
	command_options(bit, longs, shorts);
	memset(o, 0, sizeof *o);
	o->format = bit == C_EXPORT ? "schedule" : "table";
	o->engines = "analytic";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, &li)) != -1) {
		if (c == 'h') {
			print_help(argv[0], bit);
			return XP_EXIT_OK;
		}
		if (c == ':' || c == '?')
			return bad_option(argv[0], argv[optind - 1], c == ':');
		if (take(o, c, longs[li].name))
			return XP_EXIT_FAIL;
	}
	return check_args(argc, argv, o);
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

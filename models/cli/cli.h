/* cli.h: the commands of the crosspipe program and what they share. */
#ifndef XP_CLI_H
#define XP_CLI_H

#include "base/progress.h"
#include "crosspipe.h"

enum {
	XP_EXIT_OK = 0,
	XP_EXIT_FAIL = 1,
	XP_EXIT_USAGE = 2,
	XP_EXIT_DEADLOCK = 3,
	XP_EXIT_SOLVER_LIMIT = 4, /* complete output, but a solver stopped at its time limit */
};

/* Each command gets its own argv (argv[0] = the command name) and the program path. */
int xp_cli_run(int argc, char **argv, const char *prog);
int xp_cli_check(int argc, char **argv, const char *prog);
int xp_cli_export(int argc, char **argv, const char *prog);
int xp_cli_schedules(int argc, char **argv);
int xp_cli_engines(int argc, char **argv);
int xp_cli_validate(int argc, char **argv, const char *prog);  /* validate.c */
int xp_cli_calibrate(int argc, char **argv, const char *prog); /* validate.c */
int xp_cli_sweep(int argc, char **argv, const char *prog);
int xp_cli_plan(int argc, char **argv, const char *prog); /* plan.c */

/* Schedules whose estimated memory exceeds this (or --max-memory) are refused before they are
 * built; the estimate counts XP_CLI_BYTES_PER_OP per op. */
#define XP_CLI_MAX_MEMORY   ((int64_t)4 << 30)
#define XP_CLI_BYTES_PER_OP 200

/* What the run-like commands read from their options. */
typedef struct xp_cli_opts {
	const char *scenario; /* path; NULL = the default scenario */
	const char **sets;    /* --set KEY=VALUE, in order */
	int n_sets;
	const char *schedules; /* --schedule a,b,c (NULL = the scenario's list) */
	const char **files;    /* --schedule-file FILE, in order */
	int n_files;
	const char *engines; /* --engine a,b (default analytic) */
	const char *format;  /* table | json | csv */
	const char *out;     /* -o FILE (NULL = stdout) */
	char **owned; /* strings made for shorthand options (--n-sub N -> schedule.n_sub=N) */
	int n_owned;
	const char *trace, *gantt; /* --trace FILE, --gantt FILE */
	const char *timeline;      /* --timeline FILE */
	const char *max_memory;    /* --max-memory SIZE (NULL = XP_CLI_MAX_MEMORY) */
	const char *torch_format;  /* export --torch-format compute_only|compute_comms (or NULL) */
	const char *torch_dialect; /* --torch-dialect current|legacy (NULL: current, else legacy) */
	int progress, quiet;       /* --progress (plain lines off a terminal), --quiet */
	int probe; /* check: a generator that searches is probed (schedules.h), not built */
} xp_cli_opts;

/* Start the status line on stderr as the options and the terminal ask (progress.h). */
void xp_cli_progress_start(const xp_cli_opts *o);

/* The schedules a run uses: built from names and read from files; with opts->probe, the names
 * of the generators that were probed instead (static strings). */
typedef struct xp_cli_set {
	xp_schedule **sched;
	int n;
	const char **probed;
	int n_probed;
} xp_cli_set;

/* Parse the options of run/check/export into o (which borrows argv's strings). Returns -1 to go
 * on, or the exit code to return at once (after --help, or a usage error, already printed). */
int xp_cli_parse(int argc, char **argv, xp_cli_opts *o);
void xp_cli_opts_free(xp_cli_opts *o);

/* XP_EXIT_OK when the packet engine's module loads; else print why not ("crosspipe CMD: the
 * packet engine was not built ...", naming the module file looked for) and return
 * XP_EXIT_FAIL. cmd may be NULL. */
int xp_cli_need_packet(const char *cmd);

/* Map a status to the exit code, printing "crosspipe: <message>" on stderr when not XP_OK. */
int xp_cli_fail(const xp_error *err);

/* Load the scenario of opts (the default one when opts->scenario is NULL). */
int xp_cli_load(const xp_cli_opts *o, const char *prog, xp_scenario **sc);

/* Build every schedule named by opts (or the scenario) and read every schedule file; with
 * opts->probe, probe the generators that have a probe instead of building them. */
int xp_cli_build(const xp_cli_opts *o, const xp_params *pr, xp_cli_set *set);
void xp_cli_set_free(xp_cli_set *set);

/* When results exist and none fits the memory limit: say which adaptive schedules (greedy,
 * greedy-v, crossudsub) would fit, and return XP_EXIT_USAGE; else XP_EXIT_OK. */
int xp_cli_none_fits(const xp_params *pr, xp_result *const *res, int n);

/* One rendered output: path "-" or NULL is the standard output. */
typedef struct xp_cli_output {
	const char *path;
	const char *buf;
	size_t len;
} xp_cli_output;

/* Write every output whole or none: each file goes to its temporary file first (the standard
 * output is written after all of them), and only then are they all renamed into place. On a
 * failure every temporary file is removed and the message (with the system's reason) printed.
 * Returns the exit code. */
int xp_cli_commit_all(const xp_cli_output *outs, int n);
/* xp_cli_commit_all of one output. */
int xp_cli_commit(const char *path, const char *buf, size_t len);

/* "prog arg ..." with the arguments that hold spaces or quotes in single quotes, for a
 * manifest (malloc'd; NULL when out of memory). */
char *xp_cli_command_line(const char *prog, int argc, char **argv);

#endif

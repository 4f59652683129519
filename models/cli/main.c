/* main.c: the crosspipe command: parses arguments and calls libcrosspipe. */
#include "crosspipe.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char usage_top[] =
    "usage: crosspipe <command> [options]\n"
    "\n"
    "Finds and tests pipeline-parallel training schedules across datacenters.\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO]        run schedules on a scenario (default scenarios/default.yaml)\n"
    "  check SCENARIO        validate a scenario and its schedules, run nothing\n"
    "  export [SCENARIO]     write one schedule in the schedule-file format\n"
    "  sweep SWEEP.yaml      run a parameter sweep (locally, or on Slurm)\n"
    "  plan PLAN.yaml        search TP/PP/DP, microbatching, recomputation and schedule\n"
    "  validate [SCENARIO]   analytic against packet engine (ns-3), per schedule\n"
    "  calibrate [SCENARIO]  effective latency and bandwidth per link class from ns-3 probes\n"
    "  schedules             list schedule names, one per line\n"
    "  engines               list engine names, one per line\n"
    "\n"
    "  crosspipe --help | --version | <command> --help\n"
    "\n"
    "exit status: 0 ok, 1 failure (I/O, memory), 2 invalid input (usage, scenario, schedule\n"
    "file, impossible memory limit), 3 a schedule that cannot finish (cyclic wait), 4 the\n"
    "output is complete but a solver stopped at its time limit (the best schedule found)\n";

static int dispatch(int argc, char **argv);

/* Whatever a command printed must have reached the standard output: a full disk or /dev/full is
 * a failure, not a silent success. */
int main(int argc, char **argv)
{
#ifdef __GLIBC__
	/* Large buffers stay on the heap when freed, so that the next one reuses their pages
	 * instead of fresh ones the kernel must fault in and zero (a million-block run frees the
	 * schedule check's covers just before the engine asks for its slot times). */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
	int rc = dispatch(argc, argv);
	errno = 0;
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == XP_EXIT_OK) {
		fprintf(stderr, "crosspipe: cannot write the standard output: %s\n",
		        strerror(errno ? errno : EIO));
		rc = XP_EXIT_FAIL;
	}
	return rc;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_top, stderr);
		return XP_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	gsl_set_error_handler_off(); /* GSL's default handler aborts; we check every status */
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_top, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("crosspipe %s\n", xp_version());
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return xp_cli_run(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "check"))
		return xp_cli_check(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "export"))
		return xp_cli_export(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "sweep"))
		return xp_cli_sweep(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "plan"))
		return xp_cli_plan(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "validate"))
		return xp_cli_validate(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "calibrate"))
		return xp_cli_calibrate(argc - 1, argv + 1, argv[0]);
	if (!strcmp(cmd, "schedules"))
		return xp_cli_schedules(argc - 1, argv + 1);
	if (!strcmp(cmd, "engines"))
		return xp_cli_engines(argc - 1, argv + 1);
	fprintf(stderr, "crosspipe: unknown command '%s' (try crosspipe --help)\n", cmd);
	return XP_EXIT_USAGE;
}

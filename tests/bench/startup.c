/* startup.c (bench): start-up time of the crosspipe program, against /bin/true in the same run.
 *
 *   build/bench/startup [PROGRAM [SCENARIO [RUNS]]]
 *
 * PROGRAM defaults to the crosspipe next to this benchmark's folder (build/crosspipe), SCENARIO
 * to scenarios/default.yaml, RUNS to 20. Each round runs /bin/true, `PROGRAM --version` and
 * `PROGRAM check SCENARIO` once each (interleaved, so that a change in the machine's load hits
 * all three alike), with their output sent to /dev/null; the medians and minimums of the wall
 * times follow, then each median minus /bin/true's (the cost of crosspipe itself). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/units.h"

#define MAX_RUNS 1000

/* Wall seconds of one run of argv, or -1 when it cannot start or does not exit 0. */
static double time_once(char *const argv[])
{
	double t0 = xp_now_s();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	double t = xp_now_s() - t0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, by_value);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* The crosspipe program next to this benchmark's folder, into path; 0 when it does not fit. */
static int default_program(char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	int w = snprintf(path, len, "%s/../crosspipe", self);
	return w > 0 && (size_t)w < len;
}

int main(int argc, char **argv)
{
	char program[PATH_MAX];
	if (argc > 1)
		snprintf(program, sizeof program, "%s", argv[1]);
	else if (!default_program(program, sizeof program))
		program[0] = '\0';
	char *scenario = argc > 2 ? argv[2] : "scenarios/default.yaml";
	int runs = argc > 3 ? atoi(argv[3]) : 20;
	if (runs < 1 || runs > MAX_RUNS || access(program, X_OK) != 0) {
		fprintf(stderr, "usage: startup [PROGRAM [SCENARIO [RUNS (1..%d)]]]\n", MAX_RUNS);
		return 2;
	}
	char *cmds[3][4] = { { "/bin/true", NULL },
		             { program, "--version", NULL },
		             { program, "check", scenario, NULL } };
	const char *names[3] = { "/bin/true", "crosspipe --version", "crosspipe check" };
	static double t[3][MAX_RUNS];
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < 3; c++)
			if ((t[c][r] = time_once(cmds[c])) < 0) {
				fprintf(stderr, "startup: '%s' failed\n", names[c]);
				return 1;
			}
	printf("%d runs of each, interleaved; program %s, scenario %s\n", runs, program, scenario);
	double base = 0;
	for (int c = 0; c < 3; c++) {
		double med = median(t[c], runs);
		if (c == 0)
			base = med;
		printf("%-20s median %7.2f ms  min %7.2f ms  median - /bin/true %7.2f ms\n",
		       names[c], 1e3 * med, 1e3 * t[c][0], 1e3 * (med - base));
	}
	return 0;
}

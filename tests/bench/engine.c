/* engine.c (bench): blocks per second of the analytic engine alone, in-process and repeated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fixture.h"

/* CPU seconds (user + system) this process has used: the rate per CPU second is what compares
 * across runs on a shared machine, where wall time carries the other jobs' load. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* 2 DCs, T_lat/T_F = T_bw/T_F = 2, so that forward and backward transfers queue on the WAN. */
static void bench(const char *name, int p, int m, double min_seconds)
{
	const int64_t tf = 10000;
	xp_params *pr = fx_new(p, m, tf, tf, tf);
	fx_datacenters(pr, 2, 2 * tf, (double)pr->message_bytes * 8 * 1e9 / (2.0 * tf));
	xp_schedule *s = fx_build(name, pr);
	const xp_engine *e = xp_engine_find("analytic");
	size_t ops = xp_schedule_total_ops(s);
	int runs = 0;
	int64_t makespan = 0;
	double t0 = xp_now_s(), c0 = cpu_s(), t;
	do {
		xp_result *r = xp_result_new(s, e->name);
		xp_error err;
		if (!r || e->run(pr, s, r, &err) != XP_OK) {
			fprintf(stderr, "bench: %s failed\n", name);
			exit(1);
		}
		makespan = r->makespan_ns;
		xp_result_free(r);
		runs++;
		t = xp_now_s() - t0;
	} while (t < min_seconds);
	double cpu = cpu_s() - c0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%-5s p=%-3d m=%-5d blocks=%-7zu runs=%-4d %8.2f ms/run %8.2f M blocks/s "
	       "(%.2f M per CPU s)  makespan %.3f ms  peak RSS %ld MiB\n",
	       name, p, m, ops, runs, 1e3 * t / runs, (double)ops * runs / t / 1e6,
	       (double)ops * runs / cpu / 1e6, (double)makespan / 1e6, ru.ru_maxrss / 1024);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	bench("1f1b", 64, 1024, secs);
	bench("zbv", 32, 256, secs);
	return 0;
}

/* greedy.c (bench): build time of crossudsub, greedy and greedy-v, and their analytic makespans. */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

/* 2 DCs, T_lat/T_F = T_bw/T_F = 2, 1x memory, n_sub 4: the best of `reps` builds. */
static void bench(const char *name, int p, int m, int reps)
{
	const int64_t tf = 10000;
	xp_params *pr = fx_new(p, m, tf, tf, tf);
	fx_datacenters(pr, 2, 2 * tf, (double)pr->message_bytes * 8 * 1e9 / (2.0 * tf));
	fx_memory_factor(pr, 1.0);
	double best = 1e30;
	xp_schedule *s = NULL;
	for (int i = 0; i < reps; i++) {
		xp_schedule_free(s);
		double t0 = xp_now_s();
		s = fx_build(name, pr);
		double t = xp_now_s() - t0;
		best = t < best ? t : best;
	}
	xp_result *r = fx_run("analytic", pr, s);
	printf("%-10s p=%-3d m=%-4d n_sub=4  build %9.2f ms  ops %-7zu makespan %.2f T_F\n", name,
	       p, m, best * 1e3, xp_schedule_total_ops(s), (double)r->makespan_ns / (double)tf);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(int argc, char **argv)
{
	int big = argc > 1 ? atoi(argv[1]) : 1;
	static const char *const names[] = { "crossudsub", "greedy", "greedy-v" };
	for (int i = 0; i < 3; i++)
		bench(names[i], 16, 64, 5);
	for (int i = 0; big && i < 3; i++)
		bench(names[i], 64, 512, 1);
	return 0;
}

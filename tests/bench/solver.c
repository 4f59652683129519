/* solver.c: benchmark of the exact methods behind `optimal` / `optimal-v` (figures, not a test).
 *
 *   bench/solver grid [METHOD] [v] [SECONDS]   p=4, m=8, T_lat/T_F and T_bw/T_F in {0,0.5,1,2},
 *                                              memory 1x and 2x (gap 1%, default 60 s each)
 *   bench/solver big  [METHOD] [v] [SECONDS]   p=8, m=16, 1x, (2,2) (default 600 s)
 *   bench/solver cell LAT BW MEM METHOD v|u SECONDS   one p=4, m=8 point of the grid
 * METHOD is z3 (default) or cbc; `v` selects the V placement. Equal 1 ms blocks, 2 DCs. Each line
 * gives the wall seconds of the point and the CPU seconds the process spent on it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fixture.h"
#include "schedules/schedules.h"
#include "solver/solver_int.h"

#define MS 1000000

/* CPU seconds of the process so far (every thread): the machine is shared, so the wall time of
 * a point says little without it. */
static double cpu_s(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec +
	       1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static void one(int p, int m, double lat, double bw, double mem, const char *method, int vplace,
                double secs)
{
	xp_params *pr = fx_new(p, m, MS, MS, MS);
	fx_datacenters(pr, 2, (int64_t)(lat * MS), bw > 0 ? 8000.0 / (bw * 1e-3) : INFINITY);
	fx_memory_factor(pr, mem);
	pr->solver_time_limit_ns = (int64_t)(secs * 1e9);
	xp_schedule *s = NULL, *g = NULL;
	xp_error err;
	double c0 = cpu_s();
	if (xp_solver_run(pr, vplace, method, "optimal", &s, &err) != XP_OK) {
		printf("error: %s\n", err.msg);
		exit(1);
	}
	double cpu = cpu_s() - c0;
	const xp_solver_info *si = xp_schedule_solver(s);
	xp_result *r = fx_run("analytic", pr, s), *rg = NULL;
	const xp_schedule_kind *gk = xp_schedule_kind_find(vplace ? "greedy-v" : "greedy");
	if (gk && gk->build(pr, &g, &err) == XP_OK)
		rg = fx_run("analytic", pr, g);
	printf("%d %2d %4.1f %4.1f %3.0fx  %-4s %-9s %9.3f %9.3f %6.2f%% %8.2f %8.2f  %9.3f\n", p,
	       m, lat, bw, mem, method, xp_solver_status_name(si->status),
	       (double)r->makespan_ns / MS, (double)si->bound_ns / MS, 100 * si->gap, si->seconds,
	       cpu, rg ? (double)rg->makespan_ns / MS : NAN);
	fflush(stdout);
	xp_result_free(r);
	xp_result_free(rg);
	xp_schedule_free(s);
	xp_schedule_free(g);
	fx_free(pr);
}

int main(int argc, char **argv)
{
	static const double ratios[] = { 0, 0.5, 1, 2 };
	const char *what = argc > 1 ? argv[1] : "grid";
	const char *method = argc > 2 ? argv[2] : "z3";
	int vplace = argc > 3 && strcmp(argv[3], "v") == 0;
	int big = strcmp(what, "big") == 0;
	double secs = argc > 4 ? atof(argv[4]) : big ? 600 : 60;
	printf("# p  m  lat   bw  mem  meth status    makespan     bound    gap   seconds  cpu s  "
	       "greedy (ms)\n");
	if (strcmp(what, "cell") == 0 && argc > 7) { /* cell LAT BW MEM METHOD v|u SECONDS */
		one(4, 8, atof(argv[2]), atof(argv[3]), atof(argv[4]), argv[5],
		    strcmp(argv[6], "v") == 0, atof(argv[7]));
		return 0;
	}
	if (big) {
		one(8, 16, 2, 2, 1, method, vplace, secs);
		return 0;
	}
	for (int mem = 1; mem <= 2; mem++)
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 4; j++)
				one(4, 8, ratios[i], ratios[j], mem, method, vplace, secs);
	return 0;
}

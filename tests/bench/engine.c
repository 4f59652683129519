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

/* A trace of n rows over [0, span): the bandwidth alternates between the link's and half of
 * it, the latency between the link's and 1.5 times it (network.inter_dc.trace). */
static void add_trace(xp_params *pr, size_t n, int64_t span_ns)
{
	xp_link_variation *v = &pr->inter_var;
	v->row_ns = malloc(n * sizeof *v->row_ns);
	v->row_bps = malloc(n * sizeof *v->row_bps);
	v->row_latency_ns = malloc(n * sizeof *v->row_latency_ns);
	if (!v->row_ns || !v->row_bps || !v->row_latency_ns) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		v->row_ns[i] = (int64_t)((double)span_ns * (double)i / (double)n);
		v->row_bps[i] = pr->inter_dc.bandwidth_bps * (i % 2 ? 0.5 : 1);
		v->row_latency_ns[i] = pr->inter_dc.latency_ns * (i % 2 ? 3 : 2) / 2;
	}
	v->n_rows = n;
}

/* 2 DCs, T_lat/T_F = T_bw/T_F = 2, so that forward and backward transfers queue on the WAN;
 * with trace_rows > 0, a time-varying WAN of that many segments over about the run. */
static void bench(const char *name, int p, int m, size_t trace_rows, int keep, double min_seconds)
{
	const int64_t tf = 10000;
	xp_params *pr = fx_new(p, m, tf, tf, tf);
	fx_datacenters(pr, 2, 2 * tf, (double)pr->message_bytes * 8 * 1e9 / (2.0 * tf));
	xp_schedule *s = fx_build(name, pr);
	const xp_engine *e = xp_engine_find("analytic");
	if (trace_rows > 0) { /* spread the rows over 1.5 x the constant run's makespan */
		xp_result *r = fx_run("analytic", pr, s);
		add_trace(pr, trace_rows, r->makespan_ns * 3 / 2);
		xp_result_free(r);
	}
	size_t ops = xp_schedule_total_ops(s);
	int runs = 0;
	int64_t makespan = 0;
	double t0 = xp_now_s(), c0 = cpu_s(), t;
	do {
		xp_result *r = xp_result_new(s, e->name);
		xp_error err;
		if (r && !keep)
			xp_result_summary_only(r);
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
	printf("%-5s p=%-3d m=%-5d trace=%-6zu %-7s blocks=%-7zu runs=%-4d %8.2f ms/run %8.2f M "
	       "blocks/s (%.2f M per CPU s)  makespan %.3f ms  peak RSS %ld MiB\n",
	       name, p, m, trace_rows, keep ? "kept" : "counted", ops, runs, 1e3 * t / runs,
	       (double)ops * runs / t / 1e6, (double)ops * runs / cpu / 1e6, (double)makespan / 1e6,
	       ru.ru_maxrss / 1024);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	bench("1f1b", 64, 1024, 0, 1, secs);
	bench("zbv", 32, 256, 0, 1, secs);
	bench("1f1b", 64, 1024, 10000, 1, secs); /* a 10,000-segment WAN trace */
	bench("zbv", 32, 256, 10000, 1, secs);
	/* the whole-process goal's case (1,048,576 blocks) as `run --format json` times it: the
	 * transfers counted and the op times summed, not recorded */
	bench("1f1b", 64, 8192, 0, 0, secs);
	return 0;
}

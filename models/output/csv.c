/* csv.c: the CSV report: a header line, then one row per result (RFC 4180 quoting, LF endings). */
#include <inttypes.h>

#include "output/output_int.h"

static const char header[] = "scenario,schedule,engine,makespan_ns,max_device_span_ns,"
                             "time_per_microbatch_ns,tokens_per_s,bubble_mean,bubble_max,"
                             "peak_memory_max_bytes,memory_limit_min_bytes,fits_memory,"
                             "wan_queue_ns,wan_busy_ns,chosen,solver_status,solver_objective_ns,"
                             "solver_bound_ns,solver_gap,solver_seconds,robust_samples,"
                             "robust_mean_ns,robust_median_ns,robust_p95_ns\n";

/* The solver, selection and robustness columns; empty where they do not apply. */
static void extras(FILE *f, const xp_result *r)
{
	const xp_solver_info *si = xp_schedule_solver(r->sched);
	const xp_robustness *rb = &r->robust;
	int n;
	const xp_candidate *c = xp_schedule_candidates(r->sched, &n);
	fputc(',', f);
	if (n > 0)
		xp_out_csv_field(f, c[0].name);
	if (si) {
		fprintf(f, ",%s,%" PRId64 ",%" PRId64 ",", xp_solver_status_name(si->status),
		        si->objective_ns, si->bound_ns);
		xp_fixed_double(f, si->gap);
		fputc(',', f);
		xp_fixed_double(f, si->seconds);
	} else {
		fputs(",,,,,", f);
	}
	if (rb->samples > 0)
		fprintf(f, ",%d,%" PRId64 ",%" PRId64 ",%" PRId64 "\n", rb->samples, rb->mean_ns,
		        rb->median_ns, rb->p95_ns);
	else
		fputs(",,,,\n", f);
}

static void row(FILE *f, const char *name, const xp_result *r)
{
	int p = r->devices;
	int64_t limit = xp_out_min_i64(r->memory_limit_bytes, p);
	xp_out_csv_field(f, name);
	fputc(',', f);
	xp_out_csv_field(f, r->schedule);
	fputc(',', f);
	xp_out_csv_field(f, r->engine);
	fprintf(f, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",", r->makespan_ns, r->max_device_span_ns,
	        r->time_per_microbatch_ns);
	xp_fixed_double(f, r->tokens_per_s);
	fputc(',', f);
	xp_fixed_double(f, xp_out_mean(r->bubble_ratio, p));
	fputc(',', f);
	xp_fixed_double(f, xp_out_max(r->bubble_ratio, p));
	fprintf(f, ",%" PRId64 ",", xp_out_max_i64(r->peak_memory_bytes, p));
	if (limit != INT64_MAX) /* unlimited: an empty field */
		fprintf(f, "%" PRId64, limit);
	fprintf(f, ",%d,%" PRId64 ",%" PRId64, r->fits_memory ? 1 : 0, r->wan_queue_ns,
	        r->wan_busy_ns);
	extras(f, r);
}

xp_status xp_write_csv(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	if (!f || !sc || (n > 0 && !res) || n < 0)
		return XP_EINVAL;
	fputs(header, f);
	for (int i = 0; i < n; i++)
		row(f, xp_scenario_name(sc), res[i]);
	return xp_out_status(f);
}

/* table.c: the readable report: one column-aligned line per result and a short footer. */
#include <string.h>

#include "output_int.h"
#include "units.h"

enum { NCOL = 11, CELL = 48 }; /* CELL holds any xp_result.schedule */

static const char *const heads[NCOL] = { "schedule", "engine", "makespan",   "per microbatch",
	                                 "tokens/s", "bubble", "max bubble", "peak memory",
	                                 "limit",    "fits",   "WAN queue" };
/* 1 = right-aligned (numbers), 0 = left-aligned (words) */
static const int right[NCOL] = { 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1 };

static void cells(const xp_result *r, char c[NCOL][CELL])
{
	int p = r->devices;
	int64_t limit = xp_out_min_i64(r->memory_limit_bytes, p);
	snprintf(c[0], CELL, "%s", r->schedule);
	snprintf(c[1], CELL, "%s", r->engine);
	xp_format_time(c[2], CELL, r->makespan_ns);
	xp_format_time(c[3], CELL, r->time_per_microbatch_ns);
	snprintf(c[4], CELL, "%.0f", r->tokens_per_s);
	snprintf(c[5], CELL, "%.1f%%", 100.0 * xp_out_mean(r->bubble_ratio, p));
	snprintf(c[6], CELL, "%.1f%%", 100.0 * xp_out_max(r->bubble_ratio, p));
	xp_format_bytes(c[7], CELL, xp_out_max_i64(r->peak_memory_bytes, p));
	if (limit == INT64_MAX)
		snprintf(c[8], CELL, "unlimited");
	else
		xp_format_bytes(c[8], CELL, limit);
	snprintf(c[9], CELL, "%s", r->fits_memory ? "yes" : "no");
	xp_format_time(c[10], CELL, r->wan_queue_ns);
}

static void line(FILE *f, const char *const *c, const int *width)
{
	for (int k = 0; k < NCOL; k++) {
		int last = k == NCOL - 1;
		if (right[k])
			fprintf(f, "%*s", width[k], c[k]);
		else
			fprintf(f, "%-*s", last ? 0 : width[k], c[k]);
		fputs(last ? "\n" : "  ", f);
	}
}

static void widen(int *width, const char *const *c)
{
	for (int k = 0; k < NCOL; k++) {
		int w = (int)strlen(c[k]);
		if (w > width[k])
			width[k] = w;
	}
}

/* One line per solver result, selection and robustness run. */
static void notes(FILE *f, const xp_result *r)
{
	char a[CELL], b[CELL], c[CELL];
	const xp_solver_info *si = xp_schedule_solver(r->sched);
	int n;
	const xp_candidate *cand = xp_schedule_candidates(r->sched, &n);
	if (si)
		fprintf(f, "%s: solver %s (%s), objective %s, bound %s, gap %.2f%%, %.1fs\n",
		        r->schedule, xp_solver_status_name(si->status), si->method,
		        xp_format_time(a, CELL, si->objective_ns),
		        xp_format_time(b, CELL, si->bound_ns), 100.0 * si->gap, si->seconds);
	if (si && si->note[0])
		fprintf(f, "%s: note: %s\n", r->schedule, si->note);
	if (n > 0) {
		fprintf(f, "%s: chose %s; candidates:", r->schedule, cand[0].name);
		for (int i = 0; i < n; i++)
			fprintf(f, " %s %s%s", cand[i].name,
			        xp_format_time(a, CELL, cand[i].makespan_ns),
			        cand[i].fits_memory ? "" : " (over memory)");
		fputc('\n', f);
	}
	if (r->robust.samples > 0)
		fprintf(f, "%s: jitter %.1f%% over %d samples: mean %s, median %s, p95 %s\n",
		        r->schedule, 100.0 * r->robust.jitter, r->robust.samples,
		        xp_format_time(a, CELL, r->robust.mean_ns),
		        xp_format_time(b, CELL, r->robust.median_ns),
		        xp_format_time(c, CELL, r->robust.p95_ns));
}

static void footer(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	const xp_params *pr = xp_scenario_params(sc);
	char t[CELL];
	fprintf(f, "\nscenario %s: %d stages, %d microbatches, dp %d, %d datacenter%s\n",
	        xp_scenario_name(sc), pr->stages, pr->microbatches, pr->dp, pr->datacenters,
	        pr->datacenters == 1 ? "" : "s");
	int best = xp_out_fastest_fitting(res, n);
	for (int i = 0; i < n; i++)
		notes(f, res[i]);
	if (n == 0) {
		fprintf(f, "no results\n");
		return;
	}
	if (best < 0) {
		fprintf(f, "no schedule fits the memory limit\n");
		return;
	}
	fprintf(f, "fastest that fits memory: %s (%s), %s\n", res[best]->schedule,
	        res[best]->engine, xp_format_time(t, sizeof t, res[best]->makespan_ns));
}

xp_status xp_write_table(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	if (!f || !sc || (n > 0 && !res) || n < 0)
		return XP_EINVAL;
	int width[NCOL] = { 0 };
	char c[NCOL][CELL];
	const char *row[NCOL];
	for (int k = 0; k < NCOL; k++)
		row[k] = c[k];
	widen(width, heads);
	for (int i = 0; i < n; i++) {
		cells(res[i], c);
		widen(width, row);
	}
	line(f, heads, width);
	for (int i = 0; i < n; i++) {
		cells(res[i], c);
		line(f, row, width);
	}
	footer(f, sc, res, n);
	return xp_out_status(f);
}

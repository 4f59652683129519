/* table.c: the readable report: one column-aligned line per result and a short footer. Every
 * time and size has four significant digits, so figures in one column line up. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "output/output_int.h"

enum { NCOL = 13, CELL = 48 }; /* CELL holds any xp_result.schedule */

static const char *const heads[NCOL] = { "schedule",      "engine", "makespan",   "per microbatch",
	                                 "tokens/s",      "bubble", "max bubble", "peak memory",
	                                 "limit",         "fits",   "WAN busy",   "WAN wait/msg",
	                                 "vs best static" };
/* 1 = right-aligned (numbers), 0 = left-aligned (words) */
static const int right[NCOL] = { 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1 };

/* The static schedules: the reference the "vs best static" column compares with. */
static const char *const statics[] = {
	"gpipe", "1f1b", "interleaved", "zbh1", "zbh2", "zbv", NULL
};

typedef struct unit {
	const char *name;
	double scale;
} unit;

static const unit time_units[] = { { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 }, { 0 } };
static const unit byte_units[] = { { "TiB", 1099511627776.0 },
	                           { "GiB", 1073741824.0 },
	                           { "MiB", 1048576.0 },
	                           { "KiB", 1024.0 },
	                           { "B", 1 },
	                           { 0 } };

/* v in the largest unit it reaches, with four significant digits (whole numbers in the smallest
 * unit): 2.180s, 170.2ms, 20.25GiB. */
static char *sig(char *buf, size_t len, double v, const unit *u)
{
	int k = 0;
	while (u[k + 1].name && fabs(v) < u[k].scale)
		k++;
	for (;;) {
		double x = v / u[k].scale;
		int lead = fabs(x) >= 1 ? (int)floor(log10(fabs(x))) + 1 : 1;
		int dec = u[k + 1].name ? 4 - lead : 0;
		dec = dec < 0 ? 0 : dec > 3 ? 3 : dec;
		snprintf(buf, len, "%.*f%s", dec, x, u[k].name);
		if (k == 0 || fabs(atof(buf)) < 1000 || !u[k + 1].name || fabs(x) >= 1000)
			break;
		k--; /* 999.96ms rounds to 1000ms: one unit up */
	}
	return buf;
}

static char *sig_time(char *buf, size_t len, int64_t ns)
{
	if (ns == INT64_MAX)
		return snprintf(buf, len, "inf"), buf;
	return sig(buf, len, (double)ns, time_units);
}

static int is_static(const char *name)
{
	for (const char *const *s = statics; *s; s++)
		if (!strcmp(*s, name))
			return 1;
	return 0;
}

/* The fastest static result of engine `engine` that fits memory, or -1. */
static int best_static(xp_result *const *res, int n, const char *engine)
{
	int best = -1;
	for (int i = 0; i < n; i++)
		if (res[i]->fits_memory && is_static(res[i]->schedule) &&
		    !strcmp(res[i]->engine, engine) &&
		    (best < 0 || res[i]->makespan_ns < res[best]->makespan_ns))
			best = i;
	return best;
}

/* The busiest DC-crossing directed link's busy share of the makespan, and the mean queueing
 * (start - ready) of a DC-crossing transfer; "-" without DC-crossing transfers. */
static void wan_cells(const xp_result *r, char *busy, char *wait)
{
	int64_t most = 0, *by_link = NULL;
	size_t n = 0;
	xp_out_link *links = NULL;
	int n_links = 0;
	snprintf(busy, CELL, "-");
	snprintf(wait, CELL, "-");
	if (xp_out_links(r, &links, &n_links) == XP_OK && n_links > 0)
		by_link = calloc((size_t)n_links, sizeof *by_link);
	for (size_t i = 0; by_link && i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		if (!t->crosses_dc)
			continue;
		int k = xp_out_link_index(links, n_links, t->src, t->dst);
		by_link[k] += t->end_ns - t->start_ns;
		most = by_link[k] > most ? by_link[k] : most;
		n++;
	}
	free(links);
	free(by_link);
	if (n == 0)
		return;
	if (r->makespan_ns > 0)
		snprintf(busy, CELL, "%.1f%%", 100.0 * (double)most / (double)r->makespan_ns);
	sig_time(wait, CELL, (r->wan_queue_ns + (int64_t)n / 2) / (int64_t)n);
}

/* The makespan "vs best static" compares with: the fastest fitting static row of the same
 * engine, else (a selection alone) the fastest fitting static among its candidates; 0 if none. */
static int64_t static_reference(xp_result *const *res, int n, const xp_result *r)
{
	int ref = best_static(res, n, r->engine), k;
	if (ref >= 0)
		return res[ref]->makespan_ns;
	const xp_candidate *c = xp_schedule_candidates(r->sched, &k);
	int64_t best = 0;
	for (int i = 0; i < k; i++)
		if (c[i].fits_memory && is_static(c[i].name) && (!best || c[i].makespan_ns < best))
			best = c[i].makespan_ns;
	return best;
}

static void cells(xp_result *const *res, int n, int i, char c[NCOL][CELL])
{
	const xp_result *r = res[i];
	int p = r->devices;
	int64_t ref = static_reference(res, n, r);
	int64_t limit = xp_out_min_i64(r->memory_limit_bytes, p);
	snprintf(c[0], CELL, "%s", r->schedule);
	snprintf(c[1], CELL, "%s", r->engine);
	sig_time(c[2], CELL, r->makespan_ns);
	sig_time(c[3], CELL, r->time_per_microbatch_ns);
	snprintf(c[4], CELL, "%.0f", r->tokens_per_s);
	snprintf(c[5], CELL, "%.1f%%", 100.0 * xp_out_mean(r->bubble_ratio, p));
	snprintf(c[6], CELL, "%.1f%%", 100.0 * xp_out_max(r->bubble_ratio, p));
	sig(c[7], CELL, (double)xp_out_max_i64(r->peak_memory_bytes, p), byte_units);
	if (limit == INT64_MAX)
		snprintf(c[8], CELL, "unlimited");
	else
		sig(c[8], CELL, (double)limit, byte_units);
	snprintf(c[9], CELL, "%s", r->fits_memory ? "yes" : "no");
	wan_cells(r, c[10], c[11]);
	if (ref <= 0 || !r->fits_memory)
		snprintf(c[12], CELL, "-");
	else
		snprintf(c[12], CELL, "%+.1f%%",
		         100.0 * (double)(ref - r->makespan_ns) / (double)ref);
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

/* A selection's candidates, one line each, fastest fitting first. */
static void candidate_table(FILE *f, const char *who, const xp_candidate *cand, int n)
{
	char t[CELL];
	int w = (int)strlen("candidate");
	for (int i = 0; i < n; i++)
		w = (int)strlen(cand[i].name) > w ? (int)strlen(cand[i].name) : w;
	int by = cand[0].objective != XP_OBJECTIVE_MAKESPAN;
	fprintf(f, "%s: chose %s of %d candidates", who, cand[0].name, n);
	if (by)
		fprintf(f, " by %s iteration time over %d sample%s",
		        xp_objective_name(cand[0].objective), cand[0].samples,
		        cand[0].samples == 1 ? "" : "s");
	fprintf(f, ":\n  %-*s  %9s", w, "candidate", "makespan");
	fprintf(f, by ? "  %9s  fits\n" : "  fits\n", xp_objective_name(cand[0].objective));
	for (int i = 0; i < n; i++) {
		fprintf(f, "  %-*s  %9s", w, cand[i].name, sig_time(t, CELL, cand[i].makespan_ns));
		if (by)
			fprintf(f, "  %9s", sig_time(t, CELL, cand[i].score_ns));
		fprintf(f, "  %s\n", cand[i].fits_memory ? "yes" : "no");
	}
}

/* Back-to-back iterations: their statistics, then every iteration's time. */
static void iteration_lines(FILE *f, const xp_result *r)
{
	char a[CELL], b[CELL], c[CELL], d[CELL], e[CELL], g[CELL];
	const xp_iterations *it = &r->iters;
	if (it->n <= 0)
		return;
	fprintf(f, "%s: %d iterations: mean %s, p50 %s, p95 %s, min %s, max %s, sd %s\n",
	        r->schedule, it->n, sig_time(a, CELL, it->mean_ns), sig_time(b, CELL, it->p50_ns),
	        sig_time(c, CELL, it->p95_ns), sig_time(d, CELL, it->min_ns),
	        sig_time(e, CELL, it->max_ns), sig_time(g, CELL, it->stddev_ns));
	if (it->replan != XP_REPLAN_NEVER)
		fprintf(f, "%s: re-planned %s: %d switch%s of schedule\n", r->schedule,
		        it->replan == XP_REPLAN_EVERY ? "every iteration" : "on change",
		        it->switches, it->switches == 1 ? "" : "es");
	fprintf(f, "%s: iteration times:", r->schedule);
	for (int i = 0; i < it->n; i++)
		fprintf(f, " %s", sig_time(a, CELL, it->times_ns[i]));
	fprintf(f, "\n");
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
		        sig_time(a, CELL, si->objective_ns), sig_time(b, CELL, si->bound_ns),
		        100.0 * si->gap, si->seconds);
	if (si && si->note[0])
		fprintf(f, "%s: note: %s\n", r->schedule, si->note);
	if (n > 0)
		candidate_table(f, r->schedule, cand, n);
	if (r->robust.samples > 0)
		fprintf(f, "%s: jitter %.1f%% over %d samples: mean %s, median %s, p95 %s\n",
		        r->schedule, 100.0 * r->robust.jitter, r->robust.samples,
		        sig_time(a, CELL, r->robust.mean_ns),
		        sig_time(b, CELL, r->robust.median_ns),
		        sig_time(c, CELL, r->robust.p95_ns));
	iteration_lines(f, r);
}

/* The memory model per stage, with the activation peak of result r (memory.hbm given). */
static void memory_lines(FILE *f, const xp_params *pr, const xp_result *r)
{
	char c[7][CELL];
	fprintf(f,
	        "memory per GPU (%s): params + grads + optimizer + activations (peak) + reserve "
	        "= total of HBM\n",
	        r->schedule);
	for (int k = 0; k < pr->stages; k++) {
		const xp_stage_memory *e = &pr->stage_memory[k];
		int64_t total =
		    xp_stage_memory_static(e) + r->peak_memory_bytes[k] + e->reserve_bytes;
		sig(c[0], CELL, (double)e->params_bytes, byte_units);
		sig(c[1], CELL, (double)e->grads_bytes, byte_units);
		sig(c[2], CELL, (double)e->optimizer_bytes, byte_units);
		sig(c[3], CELL, (double)r->peak_memory_bytes[k], byte_units);
		sig(c[4], CELL, (double)e->reserve_bytes, byte_units);
		sig(c[5], CELL, (double)total, byte_units);
		sig(c[6], CELL, (double)e->hbm_bytes, byte_units);
		fprintf(f, "  stage %d: %s + %s + %s + %s + %s = %s of %s\n", k, c[0], c[1], c[2],
		        c[3], c[4], c[5], c[6]);
	}
}

static void footer(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	const xp_params *pr = xp_scenario_params(sc);
	char t[CELL];
	fprintf(f, "\nscenario %s: %d stages, %d microbatches, dp %d, %d datacenter%s\n",
	        xp_scenario_name(sc), pr->stages, pr->microbatches, pr->dp, pr->datacenters,
	        pr->datacenters == 1 ? "" : "s");
	if (pr->p2p != XP_P2P_DECOUPLED)
		fprintf(f,
		        "communication: network.p2p %s (the adaptive schedules were planned under "
		        "decoupled)\n",
		        xp_p2p_name(pr->p2p));
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
	        res[best]->engine, sig_time(t, sizeof t, res[best]->makespan_ns));
	if (pr->stage_memory)
		memory_lines(f, pr, res[best]);
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
		cells(res, n, i, c);
		widen(width, row);
	}
	line(f, heads, width);
	for (int i = 0; i < n; i++) {
		cells(res, n, i, c);
		line(f, row, width);
	}
	footer(f, sc, res, n);
	return xp_out_status(f);
}

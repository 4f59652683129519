/* sweep_row.c: one sweep task run in this process, and its row in CSV and JSON. Both forms are
 * rendered from one xp_sweep_row, so a row read back can be rendered again and compared. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "engine/engine.h"
#include "output/output_int.h"
#include "schedules/schedules.h"
#include "sweep/sweep_int.h"

static const char *const metric_cols =
    "key,status,makespan_ns,time_per_microbatch_ns,tokens_per_s,bubble_mean,bubble_max,"
    "peak_memory_max_bytes,fits_memory,solver_status,solver_gap,robust_mean_ns,robust_p95_ns,"
    "iter_mean_ns,iter_p95_ns,iter_max_ns,wall_s,message\n";

char *xp_sweep_csv_header(const xp_sweep *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("task,point,", f);
	for (int j = 0; j < s->n_keys; j++) {
		xp_out_csv_field(f, s->keys[j]);
		fputc(',', f);
	}
	fprintf(f, "seed,schedule,engine,%s", metric_cols);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Run the task; on success *res holds the result (and *sched its schedule). */
static xp_status run(const xp_sweep *s, xp_task k, xp_scenario **sc, xp_schedule **sched,
                     xp_result **res, xp_error *err)
{
	xp_status st = xp_sweep_scenario(s, k.point, k.seed, sc, err);
	if (st)
		return st;
	const xp_params *pr = xp_scenario_params(*sc);
	if ((st = xp_schedule_kind_find(k.schedule)->build(pr, sched, err)))
		return st;
	const xp_engine *e = xp_engine_find(k.engine);
	/* a row needs no list of transfers, only their WAN totals */
	if ((st = xp_engine_run_counted(e, pr, *sched, res, err)))
		return st;
	/* xp_engine_run_counted re-timed an analytic run already (seeded: the same figures) */
	if (pr->jitter_samples > 0 && pr->jitter > 0 && e != xp_engine_default())
		st = xp_robustness_run(pr, *sched, *res, err);
	return st;
}

/* The row of a finished run. */
static xp_sweep_row row_of(const xp_result *r, double wall)
{
	const xp_solver_info *si = xp_schedule_solver(r->sched);
	xp_sweep_row w = {
		.status = "ok",
		.metrics = 1,
		.makespan_ns = r->makespan_ns,
		.time_per_microbatch_ns = r->time_per_microbatch_ns,
		.tokens_per_s = r->tokens_per_s,
		.bubble_mean = xp_out_mean(r->bubble_ratio, r->devices),
		.bubble_max = xp_out_max(r->bubble_ratio, r->devices),
		.peak_memory_max_bytes = xp_out_max_i64(r->peak_memory_bytes, r->devices),
		.fits_memory = r->fits_memory != 0,
		.solver_status = si ? xp_solver_status_name(si->status) : "",
		.solver_gap = si ? si->gap : NAN,
		.robust = r->robust.samples > 0,
		.robust_mean_ns = r->robust.mean_ns,
		.robust_p95_ns = r->robust.p95_ns,
		.iters = r->iters.n > 1,
		.iter_mean_ns = r->iters.mean_ns,
		.iter_p95_ns = r->iters.p95_ns,
		.iter_max_ns = r->iters.max_ns,
		.wall_s = wall,
		.message = "",
	};
	return w;
}

static void csv_i64(FILE *f, int64_t v, int present)
{
	if (present)
		fprintf(f, "%" PRId64, v);
	fputc(',', f);
}

static void csv_num(FILE *f, double v, int present)
{
	if (present)
		xp_fixed_double(f, v);
	fputc(',', f);
}

static void csv_row(FILE *f, const xp_sweep *s, xp_task k, const xp_sweep_row *w)
{
	char key[17];
	xp_sweep_task_key(s, k.task, key);
	fprintf(f, "%d,%d,", k.task, k.point);
	for (int j = 0; j < s->n_keys; j++) {
		xp_out_csv_field(f, s->values[(size_t)k.point * s->n_keys + j]);
		fputc(',', f);
	}
	fprintf(f, "%" PRIu64 ",", k.seed);
	xp_out_csv_field(f, k.schedule);
	fputc(',', f);
	xp_out_csv_field(f, k.engine);
	fprintf(f, ",%s,%s,", key, w->status);
	int m = w->metrics;
	csv_i64(f, w->makespan_ns, m);
	csv_i64(f, w->time_per_microbatch_ns, m);
	csv_num(f, w->tokens_per_s, m);
	csv_num(f, w->bubble_mean, m);
	csv_num(f, w->bubble_max, m);
	csv_i64(f, w->peak_memory_max_bytes, m);
	csv_i64(f, w->fits_memory, m);
	xp_out_csv_field(f, m ? w->solver_status : "");
	fputc(',', f);
	csv_num(f, w->solver_gap, m && *w->solver_status);
	csv_i64(f, w->robust_mean_ns, m && w->robust);
	csv_i64(f, w->robust_p95_ns, m && w->robust);
	csv_i64(f, w->iter_mean_ns, m && w->iters);
	csv_i64(f, w->iter_p95_ns, m && w->iters);
	csv_i64(f, w->iter_max_ns, m && w->iters);
	csv_num(f, w->wall_s, 1);
	xp_out_csv_field(f, w->message);
	fputc('\n', f);
}

static void json_num(xp_json *j, const char *name, double v)
{
	if (isfinite(v))
		xp_json_num(j, name, v);
	else
		xp_json_null(j, name);
}

static void json_row(FILE *f, const xp_sweep *s, xp_task k, const xp_sweep_row *w)
{
	char key[17], seed[24];
	xp_sweep_task_key(s, k.task, key);
	xp_json j;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 1);
	xp_json_int(&j, "task", k.task);
	xp_json_str(&j, "status", w->status);
	xp_json_str(&j, "key", key);
	xp_json_int(&j, "point", k.point);
	xp_json_object(&j, "axes", 1);
	for (int i = 0; i < s->n_keys; i++)
		xp_json_str(&j, s->keys[i], s->values[(size_t)k.point * s->n_keys + i]);
	xp_json_end(&j);
	snprintf(seed, sizeof seed, "%" PRIu64, k.seed);
	xp_json_raw(&j, "seed", seed);
	xp_json_str(&j, "schedule", k.schedule);
	xp_json_str(&j, "engine", k.engine);
	if (w->metrics) {
		xp_json_int(&j, "makespan_ns", w->makespan_ns);
		xp_json_int(&j, "time_per_microbatch_ns", w->time_per_microbatch_ns);
		json_num(&j, "tokens_per_s", w->tokens_per_s);
		json_num(&j, "bubble_mean", w->bubble_mean);
		json_num(&j, "bubble_max", w->bubble_max);
		xp_json_int(&j, "peak_memory_max_bytes", w->peak_memory_max_bytes);
		xp_json_bool(&j, "fits_memory", w->fits_memory);
		if (*w->solver_status) {
			xp_json_str(&j, "solver_status", w->solver_status);
			json_num(&j, "solver_gap", w->solver_gap);
		}
		if (w->robust) {
			xp_json_int(&j, "robust_mean_ns", w->robust_mean_ns);
			xp_json_int(&j, "robust_p95_ns", w->robust_p95_ns);
		}
		if (w->iters) {
			xp_json_int(&j, "iter_mean_ns", w->iter_mean_ns);
			xp_json_int(&j, "iter_p95_ns", w->iter_p95_ns);
			xp_json_int(&j, "iter_max_ns", w->iter_max_ns);
		}
	}
	json_num(&j, "wall_s", w->wall_s);
	xp_json_str(&j, "message", w->message);
	xp_json_end(&j);
}

static char *render(void (*form)(FILE *, const xp_sweep *, xp_task, const xp_sweep_row *),
                    const xp_sweep *s, int t, const xp_sweep_row *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	form(f, s, xp_sweep_task(s, t), w);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

xp_status xp_sweep_render(const xp_sweep *s, int t, const xp_sweep_row *w, char **csv, char **json)
{
	*csv = render(csv_row, s, t, w);
	*json = render(json_row, s, t, w);
	if (*csv && *json)
		return XP_OK;
	free(*csv);
	free(*json);
	*csv = *json = NULL;
	return XP_ENOMEM;
}

/* A message on one line: a row is one line in both files. */
static char *one_line(const char *msg)
{
	char *m = strdup(msg);
	for (char *p = m; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return m;
}

xp_status xp_sweep_failed_row(const xp_sweep *s, int t, const char *status, const char *msg,
                              double wall, char **csv, char **json)
{
	char *m = one_line(msg);
	if (!m)
		return XP_ENOMEM;
	xp_sweep_row w = { .status = status, .wall_s = wall, .message = m, .solver_status = "" };
	xp_status st = xp_sweep_render(s, t, &w, csv, json);
	free(m);
	return st;
}

xp_status xp_sweep_run_task(const xp_sweep *s, int t, char **csv, char **json)
{
	xp_task k = xp_sweep_task(s, t);
	xp_scenario *sc = NULL;
	xp_schedule *sched = NULL;
	xp_result *r = NULL;
	xp_error err;
	xp_error_clear(&err);
	double t0 = xp_now_s();
	xp_status st = run(s, k, &sc, &sched, &r, &err);
	double wall = xp_now_s() - t0;
	if (st == XP_OK) {
		xp_sweep_row w = row_of(r, wall);
		st = xp_sweep_render(s, t, &w, csv, json);
	} else {
		st = xp_sweep_failed_row(s, t, "error", err.msg, wall, csv, json);
	}
	xp_result_free(r);
	xp_schedule_free(sched);
	xp_scenario_free(sc);
	return st;
}

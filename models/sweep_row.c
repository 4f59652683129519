/* sweep_row.c: one sweep task run in this process, and its row in CSV and JSON. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "output/output_int.h"
#include "sweep_int.h"
#include "units.h"

static const char *const metric_cols =
    "status,makespan_ns,time_per_microbatch_ns,tokens_per_s,bubble_mean,bubble_max,"
    "peak_memory_max_bytes,fits_memory,solver_status,solver_gap,wall_s,message\n";

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
	return xp_engine_run(xp_engine_find(k.engine), pr, *sched, res, err);
}

/* The fields common to both forms, then the metrics or the error. */
static void csv_row(FILE *f, const xp_sweep *s, xp_task k, const xp_result *r, const xp_error *err,
                    double wall)
{
	fprintf(f, "%d,%d,", k.task, k.point);
	for (int j = 0; j < s->n_keys; j++) {
		xp_out_csv_field(f, s->values[(size_t)k.point * s->n_keys + j]);
		fputc(',', f);
	}
	fprintf(f, "%" PRIu64 ",", k.seed);
	xp_out_csv_field(f, k.schedule);
	fputc(',', f);
	xp_out_csv_field(f, k.engine);
	if (r) {
		const xp_solver_info *si = xp_schedule_solver(r->sched);
		fprintf(f, ",ok,%" PRId64 ",%" PRId64 ",", r->makespan_ns,
		        r->time_per_microbatch_ns);
		xp_out_double(f, r->tokens_per_s);
		fputc(',', f);
		xp_out_double(f, xp_out_mean(r->bubble_ratio, r->devices));
		fputc(',', f);
		xp_out_double(f, xp_out_max(r->bubble_ratio, r->devices));
		fprintf(f, ",%" PRId64 ",%d,%s,", xp_out_max_i64(r->peak_memory_bytes, r->devices),
		        r->fits_memory, si ? xp_solver_status_name(si->status) : "");
		if (si)
			xp_out_double(f, si->gap);
		fputc(',', f);
		xp_out_double(f, wall);
		fputs(",\n", f);
		return;
	}
	fputs(",error,,,,,,,,,,", f);
	xp_out_double(f, wall);
	fputc(',', f);
	xp_out_csv_field(f, err->msg);
	fputc('\n', f);
}

static void json_row(FILE *f, const xp_sweep *s, xp_task k, const xp_result *r, const xp_error *err,
                     double wall)
{
	xp_json j;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 1);
	xp_json_int(&j, "task", k.task);
	xp_json_str(&j, "status", r ? "ok" : "error");
	xp_json_int(&j, "point", k.point);
	xp_json_object(&j, "axes", 1);
	for (int i = 0; i < s->n_keys; i++)
		xp_json_str(&j, s->keys[i], s->values[(size_t)k.point * s->n_keys + i]);
	xp_json_end(&j);
	char seed[24];
	snprintf(seed, sizeof seed, "%" PRIu64, k.seed);
	xp_json_raw(&j, "seed", seed);
	xp_json_str(&j, "schedule", k.schedule);
	xp_json_str(&j, "engine", k.engine);
	if (r) {
		const xp_solver_info *si = xp_schedule_solver(r->sched);
		xp_json_int(&j, "makespan_ns", r->makespan_ns);
		xp_json_int(&j, "time_per_microbatch_ns", r->time_per_microbatch_ns);
		xp_json_num(&j, "tokens_per_s", r->tokens_per_s);
		xp_json_num(&j, "bubble_mean", xp_out_mean(r->bubble_ratio, r->devices));
		xp_json_num(&j, "bubble_max", xp_out_max(r->bubble_ratio, r->devices));
		xp_json_int(&j, "peak_memory_max_bytes",
		            xp_out_max_i64(r->peak_memory_bytes, r->devices));
		xp_json_bool(&j, "fits_memory", r->fits_memory);
		if (si) {
			xp_json_str(&j, "solver_status", xp_solver_status_name(si->status));
			xp_json_num(&j, "solver_gap", si->gap);
		}
	}
	xp_json_num(&j, "wall_s", wall);
	xp_json_str(&j, "message", r ? "" : err->msg);
	xp_json_end(&j);
}

static char *
render(void (*row)(FILE *, const xp_sweep *, xp_task, const xp_result *, const xp_error *, double),
       const xp_sweep *s, xp_task k, const xp_result *r, const xp_error *err, double wall)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	row(f, s, k, r, err, wall);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
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
	*csv = render(csv_row, s, k, st == XP_OK ? r : NULL, &err, wall);
	*json = render(json_row, s, k, st == XP_OK ? r : NULL, &err, wall);
	xp_result_free(r);
	xp_schedule_free(sched);
	xp_scenario_free(sc);
	if (!*csv || !*json) {
		free(*csv);
		free(*json);
		*csv = *json = NULL;
		return XP_ENOMEM;
	}
	return XP_OK;
}

xp_status xp_sw_error_row(const xp_sweep *s, int t, const char *msg, char **csv, char **json)
{
	xp_error err;
	xp_fail(&err, XP_EIO, "%s", msg);
	xp_task k = xp_sweep_task(s, t);
	*csv = render(csv_row, s, k, NULL, &err, 0.0);
	*json = render(json_row, s, k, NULL, &err, 0.0);
	if (*csv && *json)
		return XP_OK;
	free(*csv);
	free(*json);
	return XP_ENOMEM;
}

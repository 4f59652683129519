/* run.c: `crosspipe run`, `check` and `export`. */
#include "cli/cli.h"
#include "schedule/schedule_file.h"
#include "schedule/schedule_torch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef xp_status (*writer_fn)(FILE *, const xp_scenario *, xp_result *const *, int);

/* Everything one run holds, freed in one place. */
typedef struct job {
	xp_cli_opts o;
	xp_scenario *sc;
	xp_cli_set set;
	xp_result **res;
	int n_res;
} job;

static void job_free(job *j)
{
	for (int i = 0; i < j->n_res; i++)
		xp_result_free(j->res[i]);
	free(j->res);
	xp_cli_set_free(&j->set);
	xp_scenario_free(j->sc);
	xp_cli_opts_free(&j->o);
}

/* --timeline lists one iteration's ops: results of several iterations keep only the first's. */
static int timeline_applies(const job *j)
{
	int n = xp_scenario_params(j->sc)->iterations;
	if (!j->o.timeline || n <= 1)
		return XP_EXIT_OK;
	fprintf(stderr,
	        "crosspipe: --timeline %s: cannot apply with iterations %d: the results keep only "
	        "the first iteration's ops and transfers; run with --iterations 1\n",
	        j->o.timeline, n);
	return XP_EXIT_USAGE;
}

/* Parse options, load the scenario and build the schedules (with probe, probe the generators
 * that search: crosspipe check). -1 to go on, else an exit code. */
static int job_prepare(job *j, int argc, char **argv, const char *prog, int probe)
{
	memset(j, 0, sizeof *j);
	int rc = xp_cli_parse(argc, argv, &j->o);
	if (rc >= 0)
		return rc;
	j->o.probe = probe;
	xp_cli_progress_start(&j->o);
	if ((rc = xp_cli_load(&j->o, prog, &j->sc)) != XP_EXIT_OK)
		return rc;
	if ((rc = timeline_applies(j)) != XP_EXIT_OK)
		return rc;
	if ((rc = xp_cli_build(&j->o, xp_scenario_params(j->sc), &j->set)) != XP_EXIT_OK)
		return rc;
	return -1;
}

/* Say which run starts; a simulating engine's line also gets the analytic makespan, the
 * simulated time it is heading for. */
static void progress_task(const job *j, const xp_engine *e, int i)
{
	const xp_params *pr = xp_scenario_params(j->sc);
	xp_result *r = NULL;
	if (!xp_progress_on())
		return;
	if (strcmp(e->name, "analytic") && strcmp(e->name, "ideal"))
		xp_engine_run(xp_engine_find("analytic"), pr, j->set.sched[i], &r, NULL);
	xp_progress_task(r ? r->makespan_ns : 0, "%s %s (%d of %d)", e->name,
	                 xp_schedule_name(j->set.sched[i]), i + 1, j->set.n);
	xp_result_free(r);
}

/* The table lists transfers per link, the trace and the Gantt draw them; JSON and CSV only count
 * them, so their runs keep no record per message. */
static int outputs_need_transfers(const job *j)
{
	return j->o.trace || j->o.gantt || j->o.timeline ||
	       (strcmp(j->o.format, "json") != 0 && strcmp(j->o.format, "csv") != 0);
}

static int run_engine(job *j, const xp_engine *e)
{
	const xp_params *pr = xp_scenario_params(j->sc);
	int keep = outputs_need_transfers(j);
	for (int i = 0; i < j->set.n; i++) {
		xp_error err;
		xp_error_clear(&err);
		xp_result *r = NULL;
		progress_task(j, e, i);
		if ((keep ? xp_engine_run(e, pr, j->set.sched[i], &r, &err)
		          : xp_engine_run_counted(e, pr, j->set.sched[i], &r, &err)) != XP_OK)
			return xp_cli_fail(&err);
		j->res[j->n_res++] = r;
	}
	return XP_EXIT_OK;
}

static int run_all(job *j)
{
	char *list = strdup(j->o.engines), *save = NULL;
	int rc = XP_EXIT_OK, n_eng = 1;
	for (const char *c = j->o.engines; *c; c++)
		n_eng += *c == ',';
	j->res = calloc((size_t)n_eng * (size_t)(j->set.n ? j->set.n : 1), sizeof *j->res);
	if (!list || !j->res) {
		free(list);
		fprintf(stderr, "crosspipe: out of memory\n");
		return XP_EXIT_FAIL;
	}
	for (char *t = strtok_r(list, ",", &save); t && rc == XP_EXIT_OK;
	     t = strtok_r(NULL, ",", &save)) {
		int packet = !strcmp(t, "packet");
		const xp_engine *e =
		    packet && xp_cli_need_packet(NULL) != XP_EXIT_OK ? NULL : xp_engine_find(t);
		if (!e && packet) {
			rc = XP_EXIT_FAIL;
		} else if (!e) {
			fprintf(stderr,
			        "crosspipe: unknown engine '%s' ('crosspipe engines' lists them)\n",
			        t);
			rc = XP_EXIT_USAGE;
		} else {
			rc = run_engine(j, e);
		}
	}
	free(list);
	return rc;
}

/* Render one output into memory. */
static int render(job *j, writer_fn w, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	if (!f)
		return XP_EXIT_FAIL;
	xp_status st = w(f, j->sc, j->res, j->n_res);
	if (fclose(f) != 0 || st != XP_OK) {
		fprintf(stderr, "crosspipe: cannot render the output: %s\n", xp_strerror(st));
		return XP_EXIT_FAIL;
	}
	return XP_EXIT_OK;
}

/* Render every requested output first; write them only when all rendered. */
static int write_outputs(job *j)
{
	writer_fn main_writer = !strcmp(j->o.format, "json")  ? xp_write_json
	                        : !strcmp(j->o.format, "csv") ? xp_write_csv
	                                                      : xp_write_table;
	struct {
		const char *path;
		writer_fn w;
		char *buf;
		size_t len;
	} out[] = { { j->o.out, main_writer, 0, 0 },
		    { j->o.trace, xp_write_trace, 0, 0 },
		    { j->o.gantt, xp_write_gantt, 0, 0 },
		    { j->o.timeline, xp_write_timeline, 0, 0 } };
	int n = sizeof out / sizeof out[0], rc = XP_EXIT_OK, k = 0;
	xp_cli_output done[sizeof out / sizeof out[0]];
	for (int i = 0; i < n && rc == XP_EXIT_OK; i++) {
		if (i > 0 && !out[i].path)
			continue;
		rc = render(j, out[i].w, &out[i].buf, &out[i].len);
		done[k++] = (xp_cli_output){ out[i].path, out[i].buf, out[i].len };
	}
	if (rc == XP_EXIT_OK)
		rc = xp_cli_commit_all(done, k);
	for (int i = 0; i < n; i++)
		free(out[i].buf);
	return rc;
}

/* A solver that stopped at its time limit: the output is whole, but says so on stderr and in
 * the exit status. */
static int solver_limits(const job *j)
{
	const xp_params *pr = xp_scenario_params(j->sc);
	int hit = 0;
	for (int i = 0; i < j->set.n; i++) {
		const xp_solver_info *si = xp_schedule_solver(j->set.sched[i]);
		if (!si || si->status != XP_SOLVER_TIMEOUT)
			continue;
		fprintf(stderr,
		        "crosspipe: %s: the solver stopped at solver.time_limit (%.3gs) with gap "
		        "%.2f%% (bound %.6gs); the result is the best schedule it found\n",
		        xp_schedule_name(j->set.sched[i]), (double)pr->solver_time_limit_ns * 1e-9,
		        100.0 * si->gap, (double)si->bound_ns * 1e-9);
		hit = 1;
	}
	return hit ? XP_EXIT_SOLVER_LIMIT : XP_EXIT_OK;
}

int xp_cli_run(int argc, char **argv, const char *prog)
{
	job j;
	int rc = job_prepare(&j, argc, argv, prog, 0);
	if (rc >= 0) { /* --help, or an error already reported */
		job_free(&j);
		return rc;
	}
	rc = run_all(&j);
	xp_progress_clear();
	if (rc == XP_EXIT_OK)
		rc = xp_cli_none_fits(xp_scenario_params(j.sc), j.res, j.n_res);
	if (rc == XP_EXIT_OK)
		rc = write_outputs(&j);
	if (rc == XP_EXIT_OK)
		rc = solver_limits(&j);
	job_free(&j);
	xp_progress_start(XP_PROGRESS_OFF, NULL, NULL);
	return rc;
}

int xp_cli_check(int argc, char **argv, const char *prog)
{
	job j;
	int rc = job_prepare(&j, argc, argv, prog, 1);
	if (rc < 0) {
		const xp_params *pr = xp_scenario_params(j.sc);
		printf("%s: ok: %d stages, %d microbatches, dp %d, %d datacenters; schedules:",
		       xp_scenario_name(j.sc), pr->stages, pr->microbatches, pr->dp,
		       pr->datacenters);
		for (int i = 0; i < j.set.n; i++)
			printf(" %s", xp_schedule_name(j.set.sched[i]));
		if (j.set.n_probed)
			printf("%s checked without their search (run plans them):",
			       j.set.n ? ";" : "");
		for (int i = 0; i < j.set.n_probed; i++)
			printf(" %s", j.set.probed[i]);
		printf("\n");
		rc = XP_EXIT_OK;
	}
	job_free(&j);
	return rc;
}

/* The schedule in the crosspipe schedule-file format, or as a torch CSV. */
static xp_status render_export(const xp_cli_opts *o, xp_schedule *s, FILE *f, xp_error *err)
{
	if (xp_schedule_has_unshards(s))
		fprintf(stderr,
		        "crosspipe: note: %s: its UNSHARD/RESHARD positions are not written (the "
		        "written schedule's all-gathers start at time 0)\n",
		        xp_schedule_name(s));
	if (!strcmp(o->format, "torch"))
		return xp_torch_write(s,
		                      o->torch_format && !strcmp(o->torch_format, "compute_comms")
		                          ? XP_TORCH_COMPUTE_COMMS
		                          : XP_TORCH_COMPUTE_ONLY,
		                      f, err);
	/* no name line: an edited copy is named after its file, not after the generator */
	fprintf(f, "# exported from %s\n", xp_schedule_name(s));
	xp_schedule_set_name(s, "");
	return xp_schedule_write(s, f);
}

static int export_one(const xp_cli_opts *o, xp_schedule *s)
{
	char *buf = NULL;
	size_t len = 0;
	xp_error err;
	xp_error_clear(&err);
	FILE *f = open_memstream(&buf, &len);
	xp_status st = f ? render_export(o, s, f, &err) : XP_ENOMEM;
	if (f && fclose(f) != 0 && st == XP_OK)
		st = XP_EIO;
	int rc = st == XP_OK ? xp_cli_commit(o->out, buf, len)
	         : err.code  ? xp_cli_fail(&err)
	                     : XP_EXIT_FAIL;
	free(buf);
	return rc;
}

int xp_cli_export(int argc, char **argv, const char *prog)
{
	job j;
	int rc = job_prepare(&j, argc, argv, prog, 0);
	if (rc < 0 && j.set.n != 1) {
		fprintf(stderr,
		        "crosspipe export: writes exactly one schedule; name it with --schedule "
		        "(got %d)\n",
		        j.set.n);
		rc = XP_EXIT_USAGE;
	}
	if (rc < 0)
		rc = export_one(&j.o, j.set.sched[0]);
	job_free(&j);
	return rc;
}

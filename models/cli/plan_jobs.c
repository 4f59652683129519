/* plan_jobs.c: `crosspipe plan --jobs N | --slurm | --from DIR`: the feasible layouts run as a
 * sweep through the sweep runner (its workers, progress, resume and Slurm arrays), then ranked
 * from the rows exactly as the serial search ranks them (docs/plan.md#parallel).
 *
 * The plan writes DIR/plan-sweep.yaml: its file as the base, its --set overrides as `set`, and
 * one point per feasible layout (in bound order) whose axis values are the layout's overrides.
 * Every task is (layout, schedule). Back from the rows, each layout's fastest fitting schedule
 * is the one the serial search would keep (same list order, strictly faster wins), the bound
 * pruning is applied in the same order, and only the chosen schedule is timed again here for the
 * figures, so the output is byte-identical to the serial plan's. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "cli/cli.h"
#include "cli/plan_cli.h"
#include "cli/sweep_cli.h"
#include "sweep/sweep.h"

/* The axis keys of a layout point: the overrides of xp_plan_overrides, the optional two last
 * (null when a layout has none). */
static const char *const keys[] = { "pipeline.stages",      "pipeline.dp",
	                            "model.transformer.tp", "model.transformer.microbatch_size",
	                            "model.recompute",      "datacenters.split",
	                            "memory.limit",         "model.transformer.layout",
	                            "datacenters.placement" };
enum { N_KEYS = sizeof keys / sizeof keys[0] };

static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	fputc('"', f);
}

/* One point: the value of every key in the layout's overrides, or ~. */
static void point(FILE *f, const xp_plan_layout *l)
{
	char over[XP_PLAN_OVERS][XP_PLAN_OVER_LEN];
	int n = xp_plan_overrides(l, over);
	fputs("      - [", f);
	for (int k = 0; k < N_KEYS; k++) {
		const char *v = "~";
		size_t kl = strlen(keys[k]);
		for (int i = 0; i < n; i++)
			if (!strncmp(over[i], keys[k], kl) && over[i][kl] == '=')
				v = over[i] + kl + 1;
		fprintf(f, "%s%s", k ? ", " : "", v);
	}
	fputs("]\n", f);
}

/* The sweep file's text: base, set, one group axis with a point per feasible layout. */
static char *sweep_text(const xp_plan *pl, const char *base, int *points, size_t *len)
{
	char *buf = NULL;
	const char *const *sets;
	int n = xp_plan_n_sets(pl, &sets);
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	fprintf(f, "# written by crosspipe plan: every feasible layout of the plan, in increasing "
	           "order of its lower bound\nbase: ");
	quoted(f, base);
	fputs("\nset:\n", f);
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(sets[i], '=');
		char *key = eq ? strndup(sets[i], (size_t)(eq - sets[i])) : NULL;
		if (key) { /* the plan parsed them all, so each has its '=' */
			fputs("  ", f);
			quoted(f, key);
			fprintf(f, ": %s\n", eq + 1);
		}
		free(key);
	}
	if (!n)
		fputs("  {}\n", f);
	fputs("axes:\n  layout:\n    keys: [", f);
	for (int k = 0; k < N_KEYS; k++)
		fprintf(f, "%s%s", k ? ", " : "", keys[k]);
	fputs("]\n    values:\n", f);
	int total = xp_plan_count(pl), *at = calloc((size_t)total + 1, sizeof *at);
	*points = 0;
	for (int i = 0; at && i < total; i++)
		if (xp_plan_at(pl, i)->feasible > 0) {
			at[xp_plan_at(pl, i)->feasible - 1] = i;
			++*points;
		}
	int have = at != NULL, first = at ? at[0] : 0;
	for (int j = 0; at && j < *points; j++)
		point(f, xp_plan_at(pl, at[j]));
	free(at);
	xp_scenario *sc = NULL;
	xp_error err;
	xp_error_clear(&err);
	if (have && *points && xp_plan_scenario(pl, xp_plan_at(pl, first), &sc, &err) == XP_OK) {
		const xp_params *pr = xp_scenario_params(sc); /* the list every layout tries */
		fputs("schedules: [", f);
		for (int i = 0; i < pr->n_schedules; i++)
			fprintf(f, "%s%s", i ? ", " : "", pr->schedules[i]);
		fputs("]\n", f);
	} else if (*points) {
		have = 0;
	}
	xp_scenario_free(sc);
	fputs("engines: [analytic]\n", f);
	if (fclose(f) != 0 || !have) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* DIR/plan-sweep.yaml: written when absent, or when DIR holds no rows yet (no results, no Slurm
 * parts) and strict is 0; when present with other text otherwise, the folder is another plan's.
 * An exit code, or -1. */
static int put_sweep(const char *path, const char *dir, const char *text, size_t len, int strict)
{
	char *old = NULL, results[PATH_MAX + 16], parts[PATH_MAX + 16];
	size_t old_len = 0;
	xp_error err;
	xp_error_clear(&err);
	snprintf(results, sizeof results, "%s/results.csv", dir);
	snprintf(parts, sizeof parts, "%s/parts", dir);
	if (xp_io_read_file(path, &old, &old_len, &err) == XP_OK) {
		int same = old_len == len && !memcmp(old, text, len);
		free(old);
		if (same)
			return -1;
		if (strict || access(results, F_OK) == 0 || access(parts, F_OK) == 0) {
			fprintf(stderr,
			        "crosspipe plan: %s holds the rows of another plan (its "
			        "plan-sweep.yaml differs: the plan file, its --set or its space "
			        "changed); nothing was changed: use another --dir\n",
			        dir);
			return XP_EXIT_USAGE;
		}
	}
	xp_error_clear(&err);
	if (xp_io_write_atomic(path, text, len, &err) != XP_OK)
		return xp_cli_fail(&err);
	return -1;
}

/* Per layout index: the schedule its fastest fitting row names ("" when none fits). */
static int choose(const xp_plan *pl, const xp_sweep *s, const char *dir, char **chosen)
{
	int tasks = xp_sweep_tasks(s), lost = 0, missing = 0;
	xp_sweep_result *res = calloc((size_t)tasks + 1, sizeof *res);
	int64_t *best = calloc((size_t)xp_sweep_points(s) + 1, sizeof *best);
	const char **name = calloc((size_t)xp_sweep_points(s) + 1, sizeof *name);
	xp_error err;
	xp_error_clear(&err);
	if (!res || !best || !name || xp_sweep_results(s, dir, res, &err) != XP_OK) {
		int rc = res && best && name ? xp_cli_fail(&err) : XP_EXIT_FAIL;
		free(res), free(best), free(name);
		return rc;
	}
	for (int t = 0; t < tasks; t++) {
		xp_task k = xp_sweep_task(s, t);
		missing += res[t].state == XP_SWEEP_ROW_MISSING;
		lost += res[t].state == XP_SWEEP_ROW_LOST;
		if (res[t].state == XP_SWEEP_ROW_OK && res[t].fits_memory &&
		    (!name[k.point] || res[t].makespan_ns < best[k.point])) {
			name[k.point] = k.schedule;
			best[k.point] = res[t].makespan_ns;
		}
	}
	for (int i = 0; i < xp_plan_count(pl); i++) {
		int f = xp_plan_at(pl, i)->feasible;
		chosen[i] = f > 0 && name[f - 1] ? (char *)name[f - 1] : "";
	}
	free(res), free(best), free(name);
	if (!missing && !lost)
		return -1;
	fprintf(
	    stderr,
	    "crosspipe plan: %s: %d of %d tasks have no row and %d lost their worker (timeout or "
	    "a crash): the plan would not be the serial plan's; run again with --resume\n",
	    dir, missing, tasks, lost);
	return XP_EXIT_FAIL;
}

/* Submit the sweep as a Slurm array (the sweep's own submitter). */
static int submit(const xp_plan_cli *o, const xp_sweep *s, const char *dir, const char *prog)
{
	xp_sweep_cli so = { .resume = o->resume,
		            .slurm = 1,
		            .partition = o->partition,
		            .time = o->time,
		            .cpus = o->cpus,
		            .n_sbatch = o->n_sbatch };
	for (int i = 0; i < o->n_sbatch; i++)
		so.sbatch[i] = o->sbatch[i];
	int rc = xp_slurm_submit(&so, s, dir, prog);
	if (rc == XP_EXIT_OK)
		printf("when it has run: crosspipe sweep --collect %s, then crosspipe plan %s "
		       "--from %s (with the same --set)\n",
		       dir, o->file, dir);
	return rc;
}

/* Run (or submit, or only read) the sweep in dir and search from its rows. */
static int run_sweep(xp_plan *pl, const xp_plan_cli *o, const char *dir, const char *path,
                     const char *prog, const char *cmd)
{
	xp_sweep *s = NULL;
	xp_error err;
	xp_error_clear(&err);
	if (xp_sweep_load(path, &s, &err) != XP_OK)
		return xp_cli_fail(&err);
	int rc = -1;
	if (o->slurm) { /* nothing to rank until the array has run */
		rc = submit(o, s, dir, prog);
		xp_sweep_free(s);
		return rc;
	}
	if (!o->from) {
		xp_sweep_opts so = { .jobs = o->jobs,
			             .dir = dir,
			             .stem = "results",
			             .resume = o->resume,
			             .shard = 0,
			             .n_shards = 1,
			             .command = cmd };
		xp_sweep_summary sum;
		if (xp_sweep_run(s, &so, &sum, &err) != XP_OK)
			rc = xp_cli_fail(&err);
	}
	char **chosen = calloc((size_t)xp_plan_count(pl) + 1, sizeof *chosen);
	if (rc < 0 && !chosen)
		rc = XP_EXIT_FAIL;
	if (rc < 0)
		rc = choose(pl, s, dir, chosen);
	if (rc < 0 && xp_plan_search_chosen(pl, o->top, o->exhaustive, (const char *const *)chosen,
	                                    &err) != XP_OK)
		rc = xp_cli_fail(&err);
	free(chosen);
	xp_sweep_free(s);
	return rc;
}

int xp_plan_parallel(xp_plan *pl, const xp_plan_cli *o, const char *prog, const char *cmd)
{
	char dir[PATH_MAX], base[PATH_MAX], path[PATH_MAX + 32];
	xp_error err;
	xp_error_clear(&err);
	if (xp_plan_classify(pl, &err) != XP_OK)
		return xp_cli_fail(&err);
	if (o->from || o->out_dir) {
		snprintf(dir, sizeof dir, "%s", o->from ? o->from : o->out_dir);
	} else {
		char tmp[PATH_MAX];
		snprintf(tmp, sizeof tmp, "%s", o->file);
		char *name = basename(tmp), *dot = strrchr(name, '.');
		if (dot)
			*dot = '\0';
		snprintf(dir, sizeof dir, "out/plan-%s", name);
	}
	int points = 0, rc;
	size_t len = 0;
	char *text = realpath(o->file, base) ? sweep_text(pl, base, &points, &len) : NULL;
	if (!text) {
		fprintf(stderr, "crosspipe plan: cannot resolve %s or write its sweep\n", o->file);
		return XP_EXIT_FAIL;
	}
	if (!points) { /* nothing to run: the serial search has nothing to simulate either */
		free(text);
		return xp_plan_search_chosen(pl, o->top, o->exhaustive, NULL, &err) == XP_OK
		           ? -1
		           : xp_cli_fail(&err);
	}
	snprintf(path, sizeof path, "%s/plan-sweep.yaml", dir);
	if (o->from && access(path, F_OK) != 0) {
		fprintf(stderr, "crosspipe plan: --from %s: no plan-sweep.yaml there\n", dir);
		rc = XP_EXIT_USAGE;
	} else if (xp_io_make_parents(path)) {
		fprintf(stderr, "crosspipe plan: cannot create %s: %s\n", dir, strerror(errno));
		rc = XP_EXIT_FAIL;
	} else {
		rc = put_sweep(path, dir, text, len, o->from != NULL);
	}
	free(text);
	return rc < 0 ? run_sweep(pl, o, dir, path, prog, cmd) : rc;
}

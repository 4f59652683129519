/* plan_out.c: the outputs of `crosspipe plan`: the ranked table with the pruned classes and
 * --explain, the JSON and the CSV of every layout. Each is rendered in memory and committed
 * whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/units.h"
#include "cli/cli.h"
#include "cli/plan_cli.h"
#include "output/output_int.h"

static const char *cross_name(const xp_plan_layout *l)
{
	return xp_plan_cross_name(l->cross);
}

static void counts_line(FILE *f, const xp_plan *pl)
{
	fprintf(f, "%d layouts:", xp_plan_count(pl));
	for (int c = 0; c < XP_PLAN_CLASSES; c++)
		fprintf(f, "%s %s %d", c ? "," : "", xp_plan_class_name(c),
		        xp_plan_class_count(pl, c));
	fprintf(f, "\n");
}

static void table_row(FILE *f, int rank, const xp_plan_layout *l)
{
	char it[32], peak[32], hbm[32], wan[32];
	xp_format_time(it, sizeof it, l->makespan_ns);
	xp_format_bytes(peak, sizeof peak, l->peak_bytes);
	xp_format_bytes(hbm, sizeof hbm, l->hbm_bytes);
	xp_format_bytes(wan, sizeof wan, l->wan_bytes);
	fprintf(f,
	        "%4d %3d %4d %5d %12s %3d %5d %9s %-9s %-12s %-12s %10s %12.0f %5.1f%% %10s "
	        "%10s %10s %6.1f%%\n",
	        rank, l->tp, l->pp, l->dp, cross_name(l), l->b, l->m,
	        l->recompute ? "full" : "none", l->placed, l->split, l->schedule, it,
	        l->tokens_per_s, 100 * l->mfu, peak, hbm, wan, 100 * l->bubble);
}

/* The --set line that makes layout l an ordinary scenario. */
static void run_line(FILE *f, const xp_plan *pl, const xp_plan_layout *l)
{
	char over[XP_PLAN_OVERS][XP_PLAN_OVER_LEN];
	const char *const *sets;
	int n = xp_plan_n_sets(pl, &sets), k = xp_plan_overrides(l, over);
	fprintf(f, "  run it: crosspipe run %s", xp_plan_path(pl));
	for (int i = 0; i < n; i++)
		fprintf(f, " --set '%s'", sets[i]);
	for (int i = 0; i < k; i++)
		fprintf(f, " --set %s", over[i]);
	fprintf(f, " --schedule %s\n", l->schedule);
}

static void explain_term(FILE *f, const char *what, double a, double b, const char *unit)
{
	fprintf(f, "  %-28s %14.6g %14.6g %+14.6g %s\n", what, a, b, b - a, unit);
}

/* What separates layout k (1-based rank) from layout 1. */
static void explain(FILE *f, const xp_plan *pl, int k)
{
	const xp_plan_layout *a = xp_plan_at(pl, 0), *b = xp_plan_at(pl, k - 1);
	fprintf(f, "\nexplain #%d against #1 (#1, #%d, difference):\n", k, k);
	explain_term(f, "iteration time", (double)a->makespan_ns * 1e-9,
	             (double)b->makespan_ns * 1e-9, "s");
	explain_term(f, "busiest device's compute", (double)a->busy_max_ns * 1e-9,
	             (double)b->busy_max_ns * 1e-9, "s");
	explain_term(f, "mean bubble", 100 * a->bubble, 100 * b->bubble, "%");
	explain_term(f, "WAN busy time", (double)a->wan_busy_ns * 1e-9,
	             (double)b->wan_busy_ns * 1e-9, "s");
	explain_term(f, "WAN bytes per iteration", (double)a->wan_bytes, (double)b->wan_bytes, "B");
	explain_term(f, "lower bound", (double)a->bound_ns * 1e-9, (double)b->bound_ns * 1e-9, "s");
	explain_term(f, "peak memory per GPU", (double)a->peak_bytes, (double)b->peak_bytes, "B");
	explain_term(f, "microbatches per replica", a->m, b->m, "");
	run_line(f, pl, a);
	run_line(f, pl, b);
}

/* --refine: the solvers' orders of the K best beside the inner loop's. */
static void refined_table(FILE *f, const xp_plan *pl, const xp_plan_cli *o)
{
	fprintf(f,
	        "\nrefined by the solvers (--refine %d, solver.time_limit %s; the ranking is the "
	        "greedy's):\nrank  inner loop   schedule       solver   schedule     status     "
	        "gap   change\n",
	        o->refine, o->solver_time ? o->solver_time : "60s");
	for (int i = 0; i < o->refine && i < xp_plan_count(pl); i++) {
		const xp_plan_layout *l = xp_plan_at(pl, i);
		char a[32], b[32];
		if (l->cls != XP_PLAN_SIMULATED)
			break;
		xp_format_time(a, sizeof a, l->makespan_ns);
		if (!l->refined_ns) {
			fprintf(f, "%4d %11s   %-12s %10s   no solver order fits the memory\n",
			        i + 1, a, l->schedule, "-");
			continue;
		}
		xp_format_time(b, sizeof b, l->refined_ns);
		fprintf(f, "%4d %11s   %-12s %10s   %-12s %-9s %5.1f%% %+7.2f%%\n", i + 1, a,
		        l->schedule, b, l->refined_schedule, l->refined_status,
		        100 * l->refined_gap,
		        100.0 * (double)(l->refined_ns - l->makespan_ns) / (double)l->makespan_ns);
	}
}

static int write_table(FILE *f, const xp_plan *pl, const xp_plan_cli *o)
{
	int shown = 0;
	fprintf(f, "rank  tp   pp    dp        cross   b     m recompute placement layers       "
	           "schedule      iteration     tokens/s   MFU   peak mem        HBM  WAN bytes "
	           "bubble\n");
	for (int i = 0; i < xp_plan_count(pl) && shown < o->top; i++) {
		const xp_plan_layout *l = xp_plan_at(pl, i);
		if (l->cls != XP_PLAN_SIMULATED)
			break;
		table_row(f, ++shown, l);
	}
	fprintf(f, "\nplan %s: %lld GPUs in %d datacenter%s; ", xp_plan_path(pl),
	        (long long)xp_plan_gpus(pl), xp_plan_datacenters(pl),
	        xp_plan_datacenters(pl) == 1 ? "" : "s");
	counts_line(f, pl);
	if (shown)
		run_line(f, pl, xp_plan_at(pl, 0));
	if (o->refine && shown)
		refined_table(f, pl, o);
	if (o->explain > 0 && o->explain <= shown)
		explain(f, pl, o->explain);
	else if (o->explain > 0)
		fprintf(f, "--explain %d: only %d layouts ran\n", o->explain, shown);
	return shown;
}

static void json_layout(xp_json *j, const xp_plan_layout *l, int rank)
{
	xp_json_object(j, NULL, 1);
	xp_json_int(j, "rank", rank);
	xp_json_int(j, "tp", l->tp);
	xp_json_int(j, "pp", l->pp);
	xp_json_int(j, "dp", l->dp);
	xp_json_str(j, "cross", cross_name(l));
	xp_json_int(j, "microbatch_size", l->b);
	xp_json_int(j, "microbatches", l->m);
	xp_json_str(j, "recompute", l->recompute ? "full" : "none");
	xp_json_str(j, "layers", l->balanced ? "balanced" : "even");
	xp_json_int(j, "dc0_stages", l->dc0_stages);
	xp_json_str(j, "placement", l->placed);
	xp_json_str(j, "layer_split", l->split);
	xp_json_int(j, "gpus", (int64_t)l->tp * l->pp * l->dp);
	xp_json_str(j, "class", xp_plan_class_name(l->cls));
	xp_json_str(j, "why", l->why);
	xp_json_int(j, "bound_ns", l->bound_ns);
	if (l->cls == XP_PLAN_SIMULATED) {
		xp_json_str(j, "schedule", l->schedule);
		xp_json_int(j, "iteration_ns", l->makespan_ns);
		xp_json_num(j, "tokens_per_s", l->tokens_per_s);
		xp_json_num(j, "mfu", l->mfu);
		xp_json_int(j, "peak_memory_bytes", l->peak_bytes);
		xp_json_int(j, "hbm_bytes", l->hbm_bytes);
		xp_json_int(j, "wan_bytes", l->wan_bytes);
		xp_json_num(j, "bubble", l->bubble);
		if (l->refined_ns) {
			xp_json_str(j, "refined_schedule", l->refined_schedule);
			xp_json_int(j, "refined_ns", l->refined_ns);
			xp_json_str(j, "refined_status", l->refined_status);
			xp_json_num(j, "refined_gap", l->refined_gap);
		}
	}
	xp_json_end(j);
}

static void write_json(FILE *f, const xp_plan *pl)
{
	xp_json j;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 0);
	xp_json_str(&j, "plan", xp_plan_path(pl));
	xp_json_int(&j, "gpus", xp_plan_gpus(pl));
	xp_json_int(&j, "datacenters", xp_plan_datacenters(pl));
	const char *const *sets;
	int n = xp_plan_n_sets(pl, &sets);
	xp_json_array(&j, "sets", 1);
	for (int i = 0; i < n; i++)
		xp_json_str(&j, NULL, sets[i]);
	xp_json_end(&j);
	xp_json_object(&j, "classes", 1);
	for (int c = 0; c < XP_PLAN_CLASSES; c++)
		xp_json_int(&j, xp_plan_class_name(c), xp_plan_class_count(pl, c));
	xp_json_end(&j);
	xp_json_array(&j, "layouts", 0);
	for (int i = 0; i < xp_plan_count(pl); i++) {
		const xp_plan_layout *l = xp_plan_at(pl, i);
		json_layout(&j, l, l->cls == XP_PLAN_SIMULATED ? i + 1 : 0);
	}
	xp_json_end(&j);
	xp_json_end(&j);
}

static void write_csv(FILE *f, const xp_plan *pl)
{
	fprintf(f, "rank,tp,pp,dp,cross,microbatch_size,microbatches,recompute,class,bound_ns,"
	           "schedule,iteration_ns,tokens_per_s,mfu,peak_memory_bytes,hbm_bytes,wan_bytes,"
	           "bubble,layers,dc0_stages,placement,layer_split,gpus,refined_schedule,"
	           "refined_ns,refined_status,refined_gap,why\n");
	for (int i = 0; i < xp_plan_count(pl); i++) {
		const xp_plan_layout *l = xp_plan_at(pl, i);
		int sim = l->cls == XP_PLAN_SIMULATED;
		fprintf(f, "%d,%d,%d,%d,%s,%d,%d,%s,%s,%lld,", sim ? i + 1 : 0, l->tp, l->pp, l->dp,
		        cross_name(l), l->b, l->m, l->recompute ? "full" : "none",
		        xp_plan_class_name(l->cls), (long long)l->bound_ns);
		if (sim) {
			fprintf(f, "%s,%lld,", l->schedule, (long long)l->makespan_ns);
			xp_fixed_double(f, l->tokens_per_s);
			fputc(',', f);
			xp_fixed_double(f, l->mfu);
			fprintf(f, ",%lld,%lld,%lld,", (long long)l->peak_bytes,
			        (long long)l->hbm_bytes, (long long)l->wan_bytes);
			xp_fixed_double(f, l->bubble);
			fputc(',', f);
		} else {
			fprintf(f, ",,,,,,,,");
		}
		fprintf(f, "%s,%d,%s,%s,%lld,", l->balanced ? "balanced" : "even", l->dc0_stages,
		        l->placed, l->split, (long long)l->tp * l->pp * l->dp);
		if (l->refined_ns) {
			fprintf(f, "%s,%lld,%s,", l->refined_schedule, (long long)l->refined_ns,
			        l->refined_status);
			xp_fixed_double(f, l->refined_gap);
			fputc(',', f);
		} else {
			fprintf(f, ",,,,");
		}
		xp_out_csv_field(f, l->why);
		fputc('\n', f);
	}
}

int xp_plan_write(const xp_plan *pl, const xp_plan_cli *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ran = xp_plan_count(pl) > 0 && xp_plan_at(pl, 0)->cls == XP_PLAN_SIMULATED;
	if (!f) {
		fprintf(stderr, "crosspipe: out of memory\n");
		return XP_EXIT_FAIL;
	}
	if (!strcmp(o->format, "json"))
		write_json(f, pl);
	else if (!strcmp(o->format, "csv"))
		write_csv(f, pl);
	else
		write_table(f, pl, o);
	if (fclose(f) != 0) {
		free(buf);
		fprintf(stderr, "crosspipe: cannot render the plan's output\n");
		return XP_EXIT_FAIL;
	}
	int rc = xp_cli_commit(o->out, buf, len);
	free(buf);
	if (rc == XP_EXIT_OK && !ran) {
		fprintf(stderr, "crosspipe plan: no layout runs: ");
		counts_line(stderr, pl);
		rc = XP_EXIT_USAGE;
	}
	return rc;
}

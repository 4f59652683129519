/* validate.c: `crosspipe validate` (analytic against packet engine, per schedule) and
 * `crosspipe calibrate` (effective latency and bandwidth per link class from ns-3 probes). */
#include "cli/cli.h"
#include "engine/packet.h"
#include "output/output_int.h" /* xp_json_quote: the JSON writers' string escaping */

#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_PROBE 4 /* sizes per link class: message/16, /4, x1, x2 */

typedef struct fit {
	int valid;
	int64_t latency_ns;
	double bandwidth_bps;
	double r2;
} fit;

typedef struct vrow {
	xp_result *an, *cal, *pk;
	xp_packet_stats st;
	double err_mean, err_median, err_p95; /* per-transfer relative errors of arrive - ready */
	double cal_mean, cal_median, cal_p95;
	int n_err;
} vrow;

static const char validate_help[] =
    "usage: crosspipe validate [SCENARIO] [options]\n"
    "\n"
    "Run every schedule under the analytic engine and the packet engine (ns-3) and compare\n"
    "them: makespans and their error, per-transfer errors (mean, median, 95th percentile),\n"
    "WAN utilisation, retransmissions and drops.\n"
    "\n"
    "  SCENARIO                  a YAML scenario file (default scenarios/default.yaml)\n"
    "  -s, --schedule LIST       comma-separated schedule names (default: the scenario's\n"
    "                            `schedules`)\n"
    "  -f, --schedule-file FILE  also run an order from a schedule file (repeatable)\n"
    "      --set KEY=VALUE       override a scenario key, e.g. --set network.buffer=1bdp\n"
    "      --calibrated          also run the analytic engine with the links that\n"
    "                            `crosspipe calibrate` fits, and report its error too\n"
    "      --format FMT          table (default) or json\n"
    "  -o, --output FILE         write the report to FILE instead of stdout\n"
    "      --trace FILE          Chrome trace of both engines' runs (packet link tracks show\n"
    "                            the measured transfer times)\n"
    "      --solver-time T       solver time limit for optimal schedules, e.g. 5s\n"
    "      --progress            progress on stderr as plain lines off a terminal (on a\n"
    "                            terminal it is shown in place); --quiet: none\n"
    "  -h, --help                this text\n";

static const char calibrate_help[] =
    "usage: crosspipe calibrate [SCENARIO] [options]\n"
    "\n"
    "Send probe transfers (message/16, /4, x1, x2, each after two warm-up messages) over a\n"
    "two-host ns-3 network built like the scenario's, for each link class (intra-DC, and\n"
    "inter-DC with two or more DCs), and fit latency + bytes * 8 / bandwidth (gsl_fit_linear).\n"
    "\n"
    "  SCENARIO                  a YAML scenario file (default scenarios/default.yaml)\n"
    "      --set KEY=VALUE       override a scenario key (repeatable)\n"
    "      --format FMT          table (default) or json\n"
    "  -o, --output FILE         write the result to FILE instead of stdout\n"
    "  -h, --help                this text\n";

/* Print a command's own help when asked (the shared parser would print run's). */
static int own_help(int argc, char **argv, const char *text)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(text, stdout);
			return 1;
		}
	}
	return 0;
}

/* Take --calibrated out of argv (the shared option parser does not know it). */
static int take_flag(int *argc, char **argv, const char *flag)
{
	for (int i = 1; i < *argc; i++)
		if (!strcmp(argv[i], flag)) {
			memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof *argv);
			(*argc)--;
			return 1;
		}
	return 0;
}

/* ---- calibration ---- */

static xp_status calibrate_class(const xp_params *pr, int inter, fit *f, xp_error *err)
{
	const xp_packet_plugin *pk = xp_packet();
	int64_t base = pr->message_bytes > 0 ? pr->message_bytes : (int64_t)16 << 20;
	double x[N_PROBE], y[N_PROBE];
	xp_packet_probe pb[N_PROBE];
	for (int i = 0; i < N_PROBE; i++) {
		int64_t b = i == N_PROBE - 1 ? 2 * base : base / (int64_t)(1 << (2 * (2 - i)));
		pb[i] = (xp_packet_probe){ .inter_dc = inter, .bytes = b > 0 ? b : 1, .warm = 2 };
	}
	xp_status st = pk->probe(pr, pb, N_PROBE, err);
	if (st)
		return st;
	for (int i = 0; i < N_PROBE; i++) {
		x[i] = (double)pb[i].bytes;
		y[i] = (double)pb[i].time_ns;
	}
	double c0, c1, cov00, cov01, cov11, sumsq;
	gsl_fit_linear(x, 1, y, 1, N_PROBE, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
	double mean = gsl_stats_mean(y, 1, N_PROBE), tss = 0;
	for (int i = 0; i < N_PROBE; i++)
		tss += (y[i] - mean) * (y[i] - mean);
	f->valid = c1 > 0;
	f->latency_ns = c0 > 0 ? (int64_t)llround(c0) : 0;
	f->bandwidth_bps = c1 > 0 ? 8e9 / c1 : INFINITY;
	f->r2 = tss > 0 ? 1 - sumsq / tss : 1;
	return XP_OK;
}

static xp_status calibrate(const xp_params *pr, fit *intra, fit *inter, xp_error *err)
{
	memset(inter, 0, sizeof *inter);
	xp_status st = calibrate_class(pr, 0, intra, err);
	if (!st && pr->datacenters > 1)
		st = calibrate_class(pr, 1, inter, err);
	return st;
}

static void apply(xp_params *pr, const fit *intra, const fit *inter)
{
	if (intra->valid)
		pr->intra_dc = (xp_link_class){ intra->latency_ns, intra->bandwidth_bps };
	if (inter->valid)
		pr->inter_dc = (xp_link_class){ inter->latency_ns, inter->bandwidth_bps };
}

static void print_fit(FILE *f, const char *name, const xp_link_class *nominal, const fit *ft,
                      int json, int last)
{
	char a[32], b[32], c[32], d[32];
	if (json) {
		fprintf(
		    f,
		    "    \"%s\": {\"nominal_latency_ns\": %lld, \"nominal_bandwidth_bps\": %.6f, "
		    "\"latency_ns\": %lld, \"bandwidth_bps\": %.6f, \"r2\": %.6f}%s\n",
		    name, (long long)nominal->latency_ns,
		    isfinite(nominal->bandwidth_bps) ? nominal->bandwidth_bps : -1,
		    (long long)ft->latency_ns, ft->bandwidth_bps, ft->r2, last ? "" : ",");
		return;
	}
	fprintf(f, "%-9s nominal %10s %10s   effective %10s %10s   r2 %.6f\n", name,
	        xp_format_time(a, sizeof a, nominal->latency_ns),
	        xp_format_bandwidth(b, sizeof b, nominal->bandwidth_bps),
	        xp_format_time(c, sizeof c, ft->latency_ns),
	        xp_format_bandwidth(d, sizeof d, ft->bandwidth_bps), ft->r2);
}

/* ---- validation ---- */

static int64_t key_of(const xp_transfer *t)
{
	return ((int64_t)t->kind * 1000000 + t->part) * 10000000 + t->mb;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Relative errors of the packet transfers' (arrive - ready) against the reference's. */
static int transfer_errors(const xp_result *ref, const xp_result *pk, double *mean, double *median,
                           double *p95)
{
	size_t n = ref->n_transfers, k = 0;
	int64_t *keys = malloc((n ? n : 1) * 2 * sizeof *keys);
	double *e = malloc((n ? n : 1) * sizeof *e), *a = malloc((n ? n : 1) * sizeof *a);
	*mean = *median = *p95 = 0;
	for (size_t i = 0; keys && i < n; i++) {
		keys[2 * i] = key_of(&ref->transfers[i]);
		keys[2 * i + 1] = (int64_t)i;
	}
	if (keys)
		qsort(keys, n, 2 * sizeof *keys, cmp_i64);
	for (size_t j = 0; keys && e && a && j < pk->n_transfers; j++) {
		const xp_transfer *t = &pk->transfers[j];
		int64_t want[2] = { key_of(t), 0 };
		int64_t *hit = bsearch(want, keys, n, 2 * sizeof *keys, cmp_i64);
		if (!hit)
			continue;
		const xp_transfer *r = &ref->transfers[hit[1]];
		double rd = (double)(r->arrive_ns - r->ready_ns);
		double pd = (double)(t->arrive_ns - t->ready_ns);
		if (rd <= 0)
			continue;
		e[k] = (pd - rd) / rd;
		a[k] = fabs(e[k]);
		k++;
	}
	if (k > 0) {
		gsl_sort(e, 1, k);
		gsl_sort(a, 1, k);
		*mean = gsl_stats_mean(e, 1, k);
		*median = gsl_stats_median_from_sorted_data(e, 1, k);
		*p95 = gsl_stats_quantile_from_sorted_data(a, 1, k, 0.95);
	}
	free(keys);
	free(e);
	free(a);
	return (int)k;
}

/* Payload carried over the WAN links over their capacity during the makespan (per direction). */
static double wan_utilisation(const xp_params *pr, const xp_result *r)
{
	double bytes = 0;
	int dirs[2] = { 0, 0 };
	for (size_t i = 0; i < r->n_transfers; i++)
		if (r->transfers[i].crosses_dc) {
			bytes += (double)r->transfers[i].bytes;
			dirs[r->transfers[i].src > r->transfers[i].dst] = 1;
		}
	int n_dirs = dirs[0] + dirs[1];
	if (!n_dirs || r->makespan_ns <= 0 || !isfinite(pr->inter_dc.bandwidth_bps))
		return 0;
	return bytes * 8 / (pr->inter_dc.bandwidth_bps * 1e-9 * (double)r->makespan_ns * n_dirs);
}

static double rel(int64_t got, int64_t want)
{
	return want > 0 ? ((double)got - (double)want) / (double)want : 0;
}

/* With iterations > 1: both engines' mean and 95th percentile over the iterations. */
static void print_iterations(FILE *f, const xp_params *pr, vrow *rows, int n)
{
	char a[32], b[32], c[32], d[32];
	if (pr->iterations <= 1)
		return;
	fprintf(f, "\n%-12s %14s %14s %8s %14s %14s %8s\n", "iterations", "analytic mean",
	        "packet mean", "error", "analytic p95", "packet p95", "error");
	for (int i = 0; i < n; i++) {
		const xp_iterations *x = &rows[i].an->iters, *y = &rows[i].pk->iters;
		fprintf(f, "%-12s %14s %14s %+7.2f%% %14s %14s %+7.2f%%\n", rows[i].pk->schedule,
		        xp_format_time(a, sizeof a, x->mean_ns),
		        xp_format_time(b, sizeof b, y->mean_ns), 100 * rel(x->mean_ns, y->mean_ns),
		        xp_format_time(c, sizeof c, x->p95_ns),
		        xp_format_time(d, sizeof d, y->p95_ns), 100 * rel(x->p95_ns, y->p95_ns));
	}
	fprintf(f, "(%d iterations back to back; error = (analytic - packet) / packet)\n",
	        pr->iterations);
}

static void json_iterations(FILE *f, const xp_params *pr, const vrow *r)
{
	const xp_iterations *x = &r->an->iters, *y = &r->pk->iters;
	if (pr->iterations <= 1)
		return;
	fprintf(f,
	        "\"iterations\": {\"count\": %d, \"analytic_mean_ns\": %lld, "
	        "\"packet_mean_ns\": %lld, \"mean_error\": %.6f, \"analytic_p95_ns\": %lld, "
	        "\"packet_p95_ns\": %lld, \"p95_error\": %.6f}, ",
	        pr->iterations, (long long)x->mean_ns, (long long)y->mean_ns,
	        rel(x->mean_ns, y->mean_ns), (long long)x->p95_ns, (long long)y->p95_ns,
	        rel(x->p95_ns, y->p95_ns));
}

static void print_table(FILE *f, const xp_params *pr, vrow *rows, int n, int calibrated)
{
	char a[32], b[32], c[32];
	fprintf(f, "%-12s %12s %12s %8s", "schedule", "analytic", "packet", "error");
	if (calibrated)
		fprintf(f, " %12s %8s", "calibrated", "error");
	fprintf(f, "  %-28s %8s %8s %7s %6s\n", "transfer error mean/med/p95", "WAN an.", "WAN pk.",
	        "retx", "drops");
	for (int i = 0; i < n; i++) {
		vrow *r = &rows[i];
		fprintf(f, "%-12s %12s %12s %+7.2f%%", r->pk->schedule,
		        xp_format_time(a, sizeof a, r->an->makespan_ns),
		        xp_format_time(b, sizeof b, r->pk->makespan_ns),
		        100 * rel(r->an->makespan_ns, r->pk->makespan_ns));
		if (calibrated)
			fprintf(f, " %12s %+7.2f%%",
			        xp_format_time(c, sizeof c, r->cal->makespan_ns),
			        100 * rel(r->cal->makespan_ns, r->pk->makespan_ns));
		fprintf(f, "  %+7.2f%% %+7.2f%% %7.2f%%  %7.1f%% %7.1f%% %7lld %6lld\n",
		        100 * r->err_mean, 100 * r->err_median, 100 * r->err_p95,
		        100 * wan_utilisation(pr, r->an), 100 * wan_utilisation(pr, r->pk),
		        (long long)r->st.retransmissions, (long long)r->st.drops);
	}
	fprintf(f,
	        "\nerror = (analytic - packet) / packet makespan; transfer error = (packet - "
	        "analytic) / analytic time from ready to arrival, per transfer%s\n",
	        calibrated ? " (calibrated analytic)" : "");
	print_iterations(f, pr, rows, n);
}

static void print_json(FILE *f, vrow *rows, int n, const xp_params *pr, int calibrated,
                       const fit *fi, const fit *fe)
{
	fputs("{\n  \"crosspipe\": ", f);
	xp_json_quote(f, xp_version());
	fputs(",\n", f);
	if (calibrated) {
		fprintf(f, "  \"calibration\": {\n");
		print_fit(f, "intra_dc", &pr->intra_dc, fi, 1, pr->datacenters < 2);
		if (pr->datacenters > 1)
			print_fit(f, "inter_dc", &pr->inter_dc, fe, 1, 1);
		fprintf(f, "  },\n");
	}
	fprintf(f, "  \"results\": [\n");
	for (int i = 0; i < n; i++) {
		vrow *r = &rows[i];
		fputs("    {\"schedule\": ", f);
		xp_json_quote(f, r->pk->schedule);
		fprintf(f,
		        ", \"analytic_makespan_ns\": %lld, "
		        "\"packet_makespan_ns\": %lld, \"makespan_error\": %.6f, ",
		        (long long)r->an->makespan_ns, (long long)r->pk->makespan_ns,
		        rel(r->an->makespan_ns, r->pk->makespan_ns));
		if (calibrated)
			fprintf(f,
			        "\"calibrated_makespan_ns\": %lld, \"calibrated_error\": %.6f, "
			        "\"calibrated_transfer_error\": {\"mean\": %.6f, \"median\": %.6f, "
			        "\"p95_abs\": %.6f}, ",
			        (long long)r->cal->makespan_ns,
			        rel(r->cal->makespan_ns, r->pk->makespan_ns), r->cal_mean,
			        r->cal_median, r->cal_p95);
		json_iterations(f, pr, r);
		fprintf(
		    f,
		    "\"transfers\": %d, \"transfer_error\": {\"mean\": %.6f, \"median\": %.6f, "
		    "\"p95_abs\": %.6f}, \"wan_utilisation_analytic\": %.6f, "
		    "\"wan_utilisation_packet\": %.6f, \"retransmissions\": %lld, \"drops\": %lld, "
		    "\"loss_drops\": %lld, \"bytes_sent\": %lld, \"bytes_delivered\": %lld, "
		    "\"events\": %lld, \"wall_s\": %.3f, \"events_per_s\": %.0f}%s\n",
		    r->n_err, r->err_mean, r->err_median, r->err_p95, wan_utilisation(pr, r->an),
		    wan_utilisation(pr, r->pk), (long long)r->st.retransmissions,
		    (long long)r->st.drops, (long long)r->st.loss_drops,
		    (long long)r->st.bytes_sent, (long long)r->st.bytes_delivered,
		    (long long)r->st.events, r->st.wall_s,
		    r->st.wall_s > 0 ? (double)r->st.events / r->st.wall_s : 0.0,
		    i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

static int run_one(const xp_params *pr, const xp_params *cal, const xp_schedule *s, vrow *r,
                   xp_error *err)
{
	const xp_engine *an = xp_engine_default();
	if (xp_engine_run(an, pr, s, &r->an, err))
		return -1;
	if (cal && xp_engine_run(an, cal, s, &r->cal, err))
		return -1;
	xp_progress_task(r->an->makespan_ns, "validate: packet %s", xp_schedule_name(s));
	if (xp_engine_run_measured(xp_packet()->engine, pr, s, &r->pk, &r->st, err))
		return -1;
	r->n_err = transfer_errors(r->an, r->pk, &r->err_mean, &r->err_median, &r->err_p95);
	if (cal)
		transfer_errors(r->cal, r->pk, &r->cal_mean, &r->cal_median, &r->cal_p95);
	return 0;
}

static int render(const xp_cli_opts *o, const xp_scenario *sc, vrow *rows, int n, int calibrated,
                  const fit *fi, const fit *fe, const xp_params *pr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return XP_EXIT_FAIL;
	if (!strcmp(o->format, "json")) {
		print_json(f, rows, n, pr, calibrated, fi, fe);
	} else {
		if (calibrated) {
			print_fit(f, "intra_dc", &pr->intra_dc, fi, 0, 0);
			if (pr->datacenters > 1)
				print_fit(f, "inter_dc", &pr->inter_dc, fe, 0, 0);
			fputc('\n', f);
		}
		print_table(f, pr, rows, n, calibrated);
		fprintf(f, "scenario %s\n", xp_scenario_name(sc));
	}
	fclose(f);
	int rc = xp_cli_commit(o->out, buf, len);
	free(buf);
	return rc;
}

static int write_trace(const xp_cli_opts *o, const xp_scenario *sc, vrow *rows, int n)
{
	xp_result **res = calloc((size_t)n * 2, sizeof *res);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = res ? open_memstream(&buf, &len) : NULL;
	if (!f) {
		free(res);
		return XP_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		res[2 * i] = rows[i].an;
		res[2 * i + 1] = rows[i].pk;
	}
	xp_status st = xp_write_trace(f, sc, res, 2 * n);
	fclose(f);
	int rc = st ? XP_EXIT_FAIL : xp_cli_commit(o->trace, buf, len);
	free(buf);
	free(res);
	return rc;
}

int xp_cli_validate(int argc, char **argv, const char *prog)
{
	if (own_help(argc, argv, validate_help))
		return XP_EXIT_OK;
	if (xp_cli_need_packet(argv[0]) != XP_EXIT_OK)
		return XP_EXIT_FAIL;
	int calibrated = take_flag(&argc, argv, "--calibrated");
	xp_cli_opts o;
	xp_scenario *sc = NULL;
	xp_cli_set set = { 0 };
	int rc = xp_cli_parse(argc, argv, &o);
	if (rc >= 0) {
		xp_cli_opts_free(&o);
		return rc;
	}
	xp_cli_progress_start(&o);
	rc = xp_cli_load(&o, prog, &sc);
	if (rc == XP_EXIT_OK)
		rc = xp_cli_build(&o, xp_scenario_params(sc), &set);
	const xp_params *pr = sc ? xp_scenario_params(sc) : NULL;
	xp_params cal;
	fit fi = { 0 }, fe = { 0 };
	xp_error err;
	xp_error_clear(&err);
	vrow *rows = calloc((size_t)(set.n ? set.n : 1), sizeof *rows);
	if (rc == XP_EXIT_OK && calibrated) {
		cal = *pr;
		if (calibrate(pr, &fi, &fe, &err))
			rc = xp_cli_fail(&err);
		apply(&cal, &fi, &fe);
	}
	for (int i = 0; rc == XP_EXIT_OK && i < set.n; i++)
		if (run_one(pr, calibrated ? &cal : NULL, set.sched[i], &rows[i], &err))
			rc = xp_cli_fail(&err);
	xp_progress_clear();
	if (rc == XP_EXIT_OK)
		rc = render(&o, sc, rows, set.n, calibrated, &fi, &fe, pr);
	if (rc == XP_EXIT_OK && o.trace)
		rc = write_trace(&o, sc, rows, set.n);
	for (int i = 0; rows && i < set.n; i++) {
		xp_result_free(rows[i].an);
		xp_result_free(rows[i].cal);
		xp_result_free(rows[i].pk);
	}
	free(rows);
	xp_cli_set_free(&set);
	xp_scenario_free(sc);
	xp_cli_opts_free(&o);
	xp_progress_start(XP_PROGRESS_OFF, NULL, NULL);
	return rc;
}

int xp_cli_calibrate(int argc, char **argv, const char *prog)
{
	if (own_help(argc, argv, calibrate_help))
		return XP_EXIT_OK;
	if (xp_cli_need_packet(argv[0]) != XP_EXIT_OK)
		return XP_EXIT_FAIL;
	xp_cli_opts o;
	xp_scenario *sc = NULL;
	int rc = xp_cli_parse(argc, argv, &o);
	if (rc >= 0) {
		xp_cli_opts_free(&o);
		return rc;
	}
	rc = xp_cli_load(&o, prog, &sc);
	fit fi = { 0 }, fe = { 0 };
	xp_error err;
	xp_error_clear(&err);
	if (rc == XP_EXIT_OK && calibrate(xp_scenario_params(sc), &fi, &fe, &err))
		rc = xp_cli_fail(&err);
	if (rc == XP_EXIT_OK) {
		const xp_params *pr = xp_scenario_params(sc);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int json = !strcmp(o.format, "json");
		if (json)
			fprintf(f, "{\n  \"crosspipe\": \"%s\",\n  \"calibration\": {\n",
			        xp_version());
		print_fit(f, "intra_dc", &pr->intra_dc, &fi, json, pr->datacenters < 2);
		if (pr->datacenters > 1)
			print_fit(f, "inter_dc", &pr->inter_dc, &fe, json, 1);
		if (json)
			fprintf(f, "  }\n}\n");
		fclose(f);
		rc = xp_cli_commit(o.out, buf, len);
		free(buf);
	}
	xp_scenario_free(sc);
	xp_cli_opts_free(&o);
	return rc;
}

/* pipeline_fuzz.c: parse -> every schedule generator -> the analytic engine (and the robustness
 * re-timing), on small sizes. The input is a scenario as in scenario_fuzz.c (YAML, then
 * NUL-separated overrides); p, m, dp and v are capped from what the input asks for, and the
 * exact solvers get a small time and work limit, so that one input runs in milliseconds. */
#include "fuzz.h"

enum { MAX_PARTS = 9, MAX_OVERRIDES = MAX_PARTS + 8 };
enum { CAP_STAGES = 6, CAP_MICROBATCHES = 12, CAP_DP = 4, CAP_CHUNKS = 4, CAP_SAMPLES = 16 };

static const char *const solver_limits[] = { "solver.time_limit=20ms", "solver.work_limit=20000" };

/* Parse with the input's overrides, then the solver limits, then `extra`. */
static xp_scenario *parse(char **parts, int n, size_t text_len, char **extra, int n_extra)
{
	const char *ov[MAX_OVERRIDES];
	int k = 0;
	for (int i = 1; i < n; i++)
		ov[k++] = parts[i];
	for (size_t i = 0; i < sizeof solver_limits / sizeof *solver_limits; i++)
		ov[k++] = solver_limits[i];
	for (int i = 0; i < n_extra; i++)
		ov[k++] = extra[i];
	xp_scenario *sc = (xp_scenario *)1;
	xp_error err = { 0 };
	xp_status st = xp_scenario_parse(parts[0], text_len, "fuzz.yaml", ov, k, &sc, &err);
	fz_contract("xp_scenario_parse", st, sc, &err);
	return sc;
}

static int cap(char *buf, size_t len, const char *key, int got, int most)
{
	if (got <= most)
		return 0;
	snprintf(buf, len, "%s=%d", key, most);
	return 1;
}

/* The overrides that bring p, m, dp, v and the samples within the caps; their count. */
static int caps(const xp_params *pr, char bufs[][48], char **extra)
{
	int n = 0;
	n += cap(bufs[n], 48, "pipeline.stages", pr->stages, CAP_STAGES);
	n += cap(bufs[n], 48, "pipeline.microbatches", pr->microbatches, CAP_MICROBATCHES);
	n += cap(bufs[n], 48, "pipeline.dp", pr->dp, CAP_DP);
	n += cap(bufs[n], 48, "pipeline.chunks", pr->chunks, CAP_CHUNKS);
	n += cap(bufs[n], 48, "robustness.samples", pr->jitter_samples, CAP_SAMPLES);
	for (int i = 0; i < n; i++)
		extra[i] = bufs[i];
	return n;
}

static void run_engine(const xp_params *pr, const xp_schedule *s)
{
	xp_result *r = (xp_result *)1;
	xp_error err = { 0 };
	xp_status st = xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &err);
	fz_contract("the analytic engine", st, r, &err);
	if (st != XP_OK)
		return;
	FZ_REQUIRE(r->makespan_ns >= 0 && r->wan_busy_ns >= 0 && r->wan_queue_ns >= 0,
	           "%s: a negative makespan or WAN time", xp_schedule_name(s));
	if (pr->jitter_samples > 0) {
		st = xp_robustness_run(pr, s, r, &err);
		fz_contract("xp_robustness_run", st, r, &err);
		FZ_REQUIRE(st != XP_OK || (r->robust.min_ns <= r->robust.median_ns &&
		                           r->robust.median_ns <= r->robust.max_ns),
		           "%s: robustness min/median/max out of order", xp_schedule_name(s));
	}
	xp_result_free(r);
}

static void run_generators(const xp_params *pr)
{
	size_t n;
	const xp_schedule_kind *kinds = xp_schedule_kinds(&n);
	for (size_t i = 0; i < n; i++) {
		xp_schedule *s = (xp_schedule *)1;
		xp_error err = { 0 };
		xp_status st = kinds[i].build(pr, &s, &err);
		fz_contract(kinds[i].name, st, s, &err);
		if (st == XP_OK)
			run_engine(pr, s);
		xp_schedule_free(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *parts[MAX_PARTS];
	size_t text_len = 0;
	int n = fz_split_nul(data, size, parts, MAX_PARTS, &text_len);
	xp_scenario *sc = parse(parts, n, text_len, NULL, 0);
	char bufs[8][48], *extra[8];
	int n_extra = sc ? caps(xp_scenario_params(sc), bufs, extra) : 0;
	if (n_extra) {
		xp_scenario_free(sc);
		sc = parse(parts, n, text_len, extra, n_extra);
	}
	if (sc)
		run_generators(xp_scenario_params(sc));
	xp_scenario_free(sc);
	for (int i = 0; i < n; i++)
		free(parts[i]);
	return 0;
}

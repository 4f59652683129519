/* report_test.c: TAP tests of the result writers (table, JSON, CSV, Chrome trace, SVG Gantt). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crosspipe.h"
#include "json_check.h"
#include "schedule/schedule_check.h"
#include "tap.h"

/* The scenario name carries characters that every format must escape or quote. */
static const char scenario_name[] = "a \"b\", <c>.yaml";
static const char scenario_yaml[] = "pipeline:\n"
                                    "  stages: 2\n"
                                    "  microbatches: 2\n"
                                    "model:\n"
                                    "  forward: 10us\n"
                                    "  backward_input: 10us\n"
                                    "  backward_weight: 10us\n"
                                    "  activation: 1MiB\n"
                                    "  params: 1GiB\n"
                                    "memory:\n"
                                    "  limit: 3MiB\n"
                                    "datacenters:\n"
                                    "  count: 2\n"
                                    "network:\n"
                                    "  intra_dc:\n"
                                    "    latency: 0\n"
                                    "    bandwidth: inf\n"
                                    "  inter_dc:\n"
                                    "    latency: 5us\n"
                                    "    bandwidth: 100Gbps\n"
                                    "schedules: [1f1b]\n"
                                    "seed: 7\n";

/* ---- fixtures ---- */

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Two devices in two DCs, two microbatches, split backward:
 *   device 0: F0 F1 D0 W0 D1 W1      device 1: F0 D0 W0 F1 D1 W1 */
static xp_schedule *two_device_schedule(void)
{
	static const char d0[] = "FFDWDW", d1[] = "FDWFDW";
	static const int mb0[] = { 0, 1, 0, 0, 1, 1 }, mb1[] = { 0, 0, 0, 1, 1, 1 };
	xp_schedule *s = xp_schedule_new(2, 1, 2, NULL);
	if (!s)
		bail("out of memory");
	for (int k = 0; k < 6; k++) {
		xp_op_kind a = d0[k] == 'F' ? XP_OP_F : d0[k] == 'D' ? XP_OP_D : XP_OP_W;
		xp_op_kind b = d1[k] == 'F' ? XP_OP_F : d1[k] == 'D' ? XP_OP_D : XP_OP_W;
		if (xp_schedule_add_block(s, 0, a, mb0[k], 0) ||
		    xp_schedule_add_block(s, 1, b, mb1[k], 0))
			bail("cannot build the schedule");
	}
	xp_schedule_set_name(s, "hand");
	return s;
}

/* Start times (ns) of the ops above; every block takes 10us. The microbatch-1 activation waits
 * 1us for the link, so the WAN queue is 1us; each transfer holds the link 2us, then 5us flight. */
static const int64_t start0[] = { 0, 10000, 44000, 54000, 74000, 84000 };
static const int64_t start1[] = { 17000, 27000, 37000, 47000, 57000, 67000 };
static const xp_transfer wan[] = {
	{ 0, 1, 0, 0, XP_OP_F, 1, 1048576, 10000, 10000, 12000, 17000 },
	{ 0, 1, 0, 1, XP_OP_F, 1, 1048576, 20000, 21000, 23000, 28000 },
	{ 1, 0, 1, 0, XP_OP_D, 1, 1048576, 37000, 37000, 39000, 44000 },
	{ 1, 0, 1, 1, XP_OP_D, 1, 1048576, 67000, 67000, 69000, 74000 },
};

/* The timeline above with every time divided by `div`, finished against pr. */
static xp_result *hand_result(const xp_schedule *s, const xp_params *pr, int div, int dp_colls)
{
	xp_result *r = xp_result_new(s, "analytic");
	if (!r)
		bail("out of memory");
	for (int k = 0; k < 6; k++) {
		xp_result_set_op(r, 0, k, start0[k] / div, (start0[k] + 10000) / div);
		xp_result_set_op(r, 1, 6 + k, start1[k] / div, (start1[k] + 10000) / div);
	}
	for (int i = 0; i < 4; i++) {
		xp_transfer t = wan[i];
		t.ready_ns /= div, t.start_ns /= div, t.end_ns /= div, t.arrive_ns /= div;
		if (xp_result_add_transfer(r, &t))
			bail("out of memory");
	}
	xp_collective ag = { 0, 0, XP_COLL_ALLGATHER, 1 << 20, 0, 3000 };
	xp_collective rs = { 1, 0, XP_COLL_REDUCESCATTER, 1 << 20, 78000, 81000 };
	if (dp_colls && (xp_result_add_collective(r, &ag) || xp_result_add_collective(r, &rs)))
		bail("out of memory");
	xp_result_finish(r, pr);
	return r;
}

typedef xp_status (*writer)(FILE *, const xp_scenario *, xp_result *const *, int);

/* Run a writer into a memory buffer; the caller frees the text. */
static char *render(writer w, const xp_scenario *sc, xp_result *const *res, int n, xp_status *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		bail("open_memstream failed");
	*st = w(f, sc, res, n);
	fclose(f);
	return buf;
}

/* ---- the tests ---- */

static void test_json(const xp_scenario *sc, xp_result *const *res)
{
	xp_status st;
	char *j = render(xp_write_json, sc, res, 2, &st), want[256];
	is_int(st, XP_OK, "json: written");
	ok(json_valid(j), "json: the output is valid JSON");
	snprintf(want, sizeof want, "\"crosspipe\": \"%s\"", xp_version());
	has_str(j, want, "json: the version comes first");
	has_str(j, "\"name\": \"a \\\"b\\\", <c>.yaml\"", "json: the scenario name is escaped");
	has_str(j, "\"stages\": 2,", "json: scenario echoes stages");
	has_str(j, "\"forward_ns\": [10000, 10000]", "json: scenario echoes forward times");
	has_str(j, "\"placement\": [0, 1]", "json: scenario echoes the placement");
	has_str(j, "\"intra_dc\": {\"latency_ns\": 0, \"bandwidth_bps\": null}",
	        "json: an infinite bandwidth is null");
	has_str(j, "\"inter_dc\": {\"latency_ns\": 5000, \"bandwidth_bps\": 100000000000.000000}",
	        "json: inter-DC link in ns and bps");
	has_str(j, "\"schedules\": [\"1f1b\"]", "json: scenario echoes the schedule list");
	has_str(j, "\"seed\": 7\n", "json: scenario echoes the seed");
	has_str(j, "\"schedule\": \"hand\"", "json: result names its schedule");
	has_str(j, "\"engine\": \"analytic\"", "json: result names its engine");
	has_str(j, "\"makespan_ns\": 94000,", "json: makespan in ns");
	has_str(j, "\"max_device_span_ns\": 94000,", "json: longest device span");
	has_str(j, "\"time_per_microbatch_ns\": 47000,", "json: time per microbatch");
	/* m x dp x tokens per microbatch / makespan: 2 x 1 x 4096 / 94 us */
	has_str(j, "\"tokens_per_s\": 87148936.170213,", "json: tokens/s with six decimals");
	has_str(j, "\"bubble_ratio\": [0.361702, 0.361702]", "json: bubble ratio per device");
	has_str(j, "\"busy_ns\": [60000, 60000]", "json: busy time per device");
	has_str(j, "\"peak_memory_bytes\": [2097152, 1048576]", "json: peak memory per device");
	has_str(j, "\"memory_limit_bytes\": [3145728, null]", "json: unlimited is null");
	has_str(j, "\"fits_memory\": true", "json: the first result fits");
	has_str(j, "\"fits_memory\": false", "json: the second does not");
	has_str(j, "\"wan_queue_ns\": 1000,", "json: WAN queueing");
	has_str(j, "\"wan_busy_ns\": 8000,", "json: WAN busy time");
	has_str(j, "\"ops\": 12,", "json: op count");
	has_str(j, "\"collectives\": 2", "json: collective count");
	has_str(j, "\"devices\": 2,", "json: device count");
	has_str(j, "\"transfers\": 4,", "json: transfer count");
	has_str(j, "\"wan_transfers\": 4,", "json: WAN transfer count (all four cross)");
	char *again = render(xp_write_json, sc, res, 2, &st);
	is_str(again, j, "json: two writes are identical");
	free(again);
	free(j);
}

/* Every key the README's JSON reference documents ("a|b": one of the two, by configuration). */
static const char *const documented[] = {
	"crosspipe",
	"scenario",
	"results",
	"scenario.name",
	"scenario.stages",
	"scenario.microbatches",
	"scenario.chunks",
	"scenario.dp",
	"scenario.forward_ns",
	"scenario.backward_input_ns",
	"scenario.backward_weight_ns",
	"scenario.activation_bytes",
	"scenario.params_bytes",
	"scenario.message_bytes",
	"scenario.tokens_per_microbatch",
	"scenario.weight_release",
	"scenario.recompute",
	"scenario.memory_limit_bytes",
	"scenario.memory_factor",
	"scenario.n_sub",
	"scenario.solver_time_limit_ns",
	"scenario.solver_gap",
	"scenario.solver_work_limit",
	"scenario.jitter",
	"scenario.jitter_samples",
	"scenario.datacenters",
	"scenario.split",
	"scenario.placement",
	"scenario.intra_dc",
	"scenario.intra_dc.latency_ns",
	"scenario.intra_dc.bandwidth_bps",
	"scenario.inter_dc",
	"scenario.inter_dc.latency_ns",
	"scenario.inter_dc.bandwidth_bps",
	"scenario.packet",
	"scenario.packet.transport",
	"scenario.packet.buffer_bdp|scenario.packet.buffer_bytes",
	"scenario.packet.mtu",
	"scenario.packet.queue_discipline",
	"scenario.packet.queue_bdp|scenario.packet.queue_packets",
	"scenario.packet.loss",
	"scenario.packet.connections",
	"scenario.packet.wan",
	"scenario.packet.initial_window",
	"scenario.schedules",
	"scenario.seed",
	"results.schedule",
	"results.engine",
	"results.makespan_ns",
	"results.max_device_span_ns",
	"results.time_per_microbatch_ns",
	"results.tokens_per_s",
	"results.bubble_ratio",
	"results.busy_ns",
	"results.peak_memory_bytes",
	"results.memory_limit_bytes",
	"results.fits_memory",
	"results.wan_queue_ns",
	"results.wan_busy_ns",
	"results.devices",
	"results.ops",
	"results.transfers",
	"results.wan_transfers",
	"results.collectives",
	"results.solver",
	"results.solver.status",
	"results.solver.objective_ns",
	"results.solver.bound_ns",
	"results.solver.gap",
	"results.solver.seconds",
	"results.solver.method",
	"results.chosen",
	"results.candidates",
	"results.candidates.schedule",
	"results.candidates.makespan_ns",
	"results.candidates.fits_memory",
	"results.objective",
	"results.objective_samples",
	"results.candidates.score_ns",
	"results.robustness",
	"results.robustness.samples",
	"results.robustness.jitter",
	"results.robustness.mean_ns",
	"results.robustness.median_ns",
	"results.robustness.p95_ns",
	"results.robustness.min_ns",
	"results.robustness.max_ns",
};
#define N_DOCUMENTED (sizeof documented / sizeof documented[0])

/* Does the entry (one key, or "a|b") name path? */
static int names(const char *entry, const char *path)
{
	size_t n = strlen(path);
	for (const char *e = entry; e; e = strchr(e, '|') ? strchr(e, '|') + 1 : NULL)
		if (!strncmp(e, path, n) && (e[n] == '\0' || e[n] == '|'))
			return 1;
	return 0;
}

/* A third result, made by a "solver" and a "selection", with robustness figures: with it the
 * report holds every optional object, and every documented key must appear, and nothing else. */
static void test_json_contract(const xp_scenario *sc, xp_result *const *res)
{
	xp_schedule *s = xp_schedule_copy(res[0]->sched);
	xp_solver_info si = { XP_SOLVER_OPTIMAL, 94000, 90000, 0.04, 1.5, "cbc", "" };
	xp_candidate c[2] = { { "zbh1", 94000, 1, XP_OBJECTIVE_P95, 95000, 4 },
		              { "1f1b", 99000, 0, XP_OBJECTIVE_P95, 99500, 4 } };
	if (!s || xp_schedule_set_candidates(s, c, 2))
		bail("out of memory");
	xp_schedule_set_solver(s, &si);
	xp_result *r = hand_result(s, xp_scenario_params(sc), 1, 1);
	r->robust = (xp_robustness){ 101, 0.1, 95000, 94500, 99000, 90000, 101000 };
	xp_result *all[3] = { res[0], res[1], r };
	xp_status st;
	char *j = render(xp_write_json, sc, all, 3, &st);
	keyset ks = { .n = 0 };
	ok(json_valid(j) && json_keys(j, &ks),
	   "contract: the report with every optional part is JSON");
	int missing = 0, extra = 0;
	for (size_t d = 0; d < N_DOCUMENTED; d++) {
		int seen = 0;
		for (int k = 0; k < ks.n; k++)
			seen |= names(documented[d], ks.path[k]);
		if (!seen && ++missing)
			diag("documented but absent: %s", documented[d]);
	}
	for (int k = 0; k < ks.n; k++) {
		int doc = 0;
		for (size_t d = 0; d < N_DOCUMENTED; d++)
			doc |= names(documented[d], ks.path[k]);
		if (!doc && ++extra)
			diag("present but undocumented: %s", ks.path[k]);
	}
	is_int(missing, 0, "contract: every documented JSON field appears");
	is_int(extra, 0, "contract: no undocumented JSON field appears");
	has_str(j, "\"bound_ns\": 90000,", "contract: the solver's bound");
	has_str(j, "\"p95_ns\": 99000,", "contract: the robustness p95");
	free(j);
	xp_result_free(r);
	xp_schedule_free(s);
}

/* tokens_per_s = microbatches x dp x tokens_per_microbatch / makespan: with dp 3 and 8192
 * tokens per microbatch over the 94 us iteration, 2 x 3 x 8192 / 94e-6 s. */
static void test_tokens_dp(const xp_scenario *sc, const xp_schedule *s)
{
	xp_params pr = *xp_scenario_params(sc);
	pr.dp = 3;
	pr.tokens_per_microbatch = 8192;
	xp_result *r = hand_result(s, &pr, 1, 1);
	is_double(r->tokens_per_s, 2.0 * 3 * 8192 / 94e-6, 1e-3,
	          "tokens/s counts every DP replica's microbatches (dp 3)");
	xp_result_free(r);
}

static void test_csv(const xp_scenario *sc, xp_result *const *res)
{
	xp_status st;
	char *c = render(xp_write_csv, sc, res, 2, &st);
	is_int(st, XP_OK, "csv: written");
	is_int(count(c, "\n"), 3, "csv: a header and two rows");
	char *nl = strchr(c, '\n');
	if (nl)
		*nl = '\0';
	is_str(c,
	       "scenario,schedule,engine,makespan_ns,max_device_span_ns,time_per_microbatch_ns,"
	       "tokens_per_s,bubble_mean,bubble_max,peak_memory_max_bytes,memory_limit_min_bytes,"
	       "fits_memory,wan_queue_ns,wan_busy_ns,chosen,solver_status,solver_objective_ns,"
	       "solver_bound_ns,solver_gap,solver_seconds,robust_samples,robust_mean_ns,"
	       "robust_median_ns,robust_p95_ns",
	       "csv: the header line");
	if (nl)
		*nl = '\n';
	/* tokens/s: 2 x 4096 / 94 us, and / 47 us for the second */
	has_str(c,
	        "\n\"a \"\"b\"\", <c>.yaml\",hand,analytic,94000,94000,47000,87148936.170213,"
	        "0.361702,0.361702,2097152,3145728,1,1000,8000,,,,,,,,,,\n",
	        "csv: the first row, the name quoted");
	has_str(c,
	        ",tight,analytic,47000,47000,23500,174297872.340426,0.361702,0.361702,2097152,"
	        "1048576,0,500,4000,,,,,,,,,,\n",
	        "csv: the second row, over its limit");
	free(c);
}

static void test_table(const xp_scenario *sc, xp_result *const *res)
{
	xp_status st;
	char *t = render(xp_write_table, sc, res, 2, &st), want[128];
	is_int(st, XP_OK, "table: written");
	has_str(t, "schedule", "table: a header line");
	char *l1 = strchr(t, '\n'), *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
	char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	ok(l1 && l2 && l3 && l1 - t == l2 - l1 - 1 && l2 - l1 == l3 - l2,
	   "table: header and rows are aligned to one width");
	has_str(t, "36.2%", "table: bubble in percent");
	snprintf(want, sizeof want, "fastest that fits memory: hand (analytic), %s", "94.00us");
	has_str(t, want, "table: the footer skips the faster result that does not fit");
	free(t);
}

static void test_trace(const xp_scenario *sc, xp_result *const *res)
{
	xp_status st;
	char *t = render(xp_write_trace, sc, res, 2, &st);
	is_int(st, XP_OK, "trace: written");
	ok(json_valid(t), "trace: the output is valid JSON");
	has_str(t, "\"displayTimeUnit\": \"ns\"", "trace: time unit");
	has_str(t, "{\"name\": \"hand (analytic)\"}",
	        "trace: process named by schedule and engine");
	has_str(t, "{\"name\": \"device 1 (DC 1)\"}", "trace: device thread named with its DC");
	has_str(t, "{\"name\": \"link 0->1 (DC 0->1)\"}", "trace: forward link thread");
	has_str(t, "{\"name\": \"link 1->0 (DC 1->0)\"}", "trace: backward link thread");
	has_str(t, "{\"name\": \"DP device 0 (DC 0)\"}", "trace: DP thread");
	is_int(count(t, "\"ph\": \"X\""), 2 * (12 + 4) + 2, "trace: an event per op and transfer");
	has_str(
	    t,
	    "{\"name\": \"F1\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"cat\": \"F\", "
	    "\"ts\": 47.000, \"dur\": 10.000, \"args\": {\"mb\": 1, \"chunk\": 0, \"part\": 1}}",
	    "trace: an op event in microseconds");
	has_str(t, "\"ts\": 21.000, \"dur\": 2.000", "trace: the queued transfer's window");
	is_int(count(t, "\"ph\": \"i\""), 8, "trace: an arrival per transfer");
	/* flows: F1 0->1 holds the link 21-23us (thread 2, the first link), so its flow starts at
	 * 22 and ends at device 1's F1 (47); D0 1->0 ends at device 0's D0 (44); the second
	 * result's ids go on from 4 (its F0: window 5-6us, F0 of device 1 at 8.5) */
	is_int(count(t, "\"ph\": \"s\""), 8, "trace: a flow start per transfer");
	is_int(count(t, "\"ph\": \"f\""), 8, "trace: a flow end per transfer");
	has_str(t,
	        "{\"name\": \"F1\", \"ph\": \"s\", \"pid\": 1, \"tid\": 2, \"cat\": \"message\", "
	        "\"id\": 1, \"ts\": 22.000}",
	        "trace: a flow starts in the middle of its message's window");
	has_str(t,
	        "{\"name\": \"F1\", \"ph\": \"f\", \"pid\": 1, \"tid\": 1, \"cat\": \"message\", "
	        "\"id\": 1, \"ts\": 47.000}",
	        "trace: the flow ends at its consumer's start");
	has_str(t,
	        "{\"name\": \"D0\", \"ph\": \"f\", \"pid\": 1, \"tid\": 0, \"cat\": \"message\", "
	        "\"id\": 2, \"ts\": 44.000}",
	        "trace: a gradient's flow ends at the D that waits for it");
	has_str(t,
	        "{\"name\": \"F0\", \"ph\": \"f\", \"pid\": 2, \"tid\": 1, \"cat\": \"message\", "
	        "\"id\": 4, \"ts\": 8.500}",
	        "trace: flow ids go on over the results");
	/* memory, M_F 1 MiB, W releases half: device 0 (FFDWDW) 0 at 0, 1 MiB and 2 MiB at its Fs'
	 * starts (0, 10), then 1.5, 1, 0.5, 0 MiB at the ends of D0 (54), W0, D1, W1; device 1
	 * (FDWFDW) 0, 1, 0.5, 0 (W0's end, 47), 1 MiB (F1's start, 47), 0.5, 0: 7 samples each */
	is_int(count(t, "\"ph\": \"C\""), 2 * 2 * 7, "trace: the memory samples");
	has_str(t,
	        "{\"name\": \"memory device 0\", \"ph\": \"C\", \"pid\": 1, \"tid\": 0, "
	        "\"ts\": 54.000, \"args\": {\"bytes\": 1572864}}",
	        "trace: device 0's memory after D0 released M_F - M_W");
	has_str(t,
	        "{\"name\": \"memory device 1\", \"ph\": \"C\", \"pid\": 1, \"tid\": 1, "
	        "\"ts\": 47.000, \"args\": {\"bytes\": 0}}",
	        "trace: device 1 holds nothing once W0 ends");
	has_str(t,
	        "{\"name\": \"memory device 1\", \"ph\": \"C\", \"pid\": 1, \"tid\": 1, "
	        "\"ts\": 47.000, \"args\": {\"bytes\": 1048576}}",
	        "trace: and M_F again from F1's start at the same time");
	free(t);
}

static void test_gantt(const xp_scenario *sc, xp_result *const *res)
{
	xp_status st;
	char *g = render(xp_write_gantt, sc, res, 2, &st), want[64], ms[32];
	is_int(st, XP_OK, "gantt: written");
	has_str(g, "<svg xmlns=\"http://www.w3.org/2000/svg\"", "gantt: an SVG document");
	ok(strstr(g, "</svg>\n") && !strstr(g, "</svg>\n")[7], "gantt: closed at the end");
	is_int(count(g, "class=\"op "), 24, "gantt: a rect per op");
	is_int(count(g, "class=\"op D\""), 8, "gantt: D blocks have their class");
	is_int(count(g, "class=\"transfer\""), 8, "gantt: a rect per WAN transfer");
	is_int(count(g, "class=\"collective\""), 2, "gantt: a rect per collective");
	is_int(count(g, "class=\"makespan\""), 2, "gantt: a makespan line per panel");
	snprintf(want, sizeof want, "makespan %s", xp_format_time(ms, sizeof ms, 94000));
	has_str(g, want, "gantt: the makespan is labelled");
	has_str(g, "a &quot;b&quot;, &lt;c&gt;.yaml", "gantt: text is escaped");
	ok(!strstr(g, "<c>"), "gantt: no raw markup from names");
	free(g);
}

static void test_errors(const xp_scenario *sc, xp_result *const *res)
{
	static const struct {
		const char *name;
		writer w;
	} all[] = { { "table", xp_write_table },
		    { "json", xp_write_json },
		    { "csv", xp_write_csv },
		    { "trace", xp_write_trace },
		    { "gantt", xp_write_gantt } };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		FILE *f = fopen("/dev/full", "w");
		if (!f)
			bail("cannot open /dev/full");
		is_int(all[i].w(f, sc, res, 2), XP_EIO, "%s: a failing stream gives EIO",
		       all[i].name);
		fclose(f);
		is_int(all[i].w(NULL, sc, res, 2), XP_EINVAL, "%s: no stream gives EINVAL",
		       all[i].name);
	}
}

int main(void)
{
	xp_scenario *sc = NULL;
	xp_error err;
	plan(91);
	if (xp_scenario_parse(scenario_yaml, strlen(scenario_yaml), scenario_name, NULL, 0, &sc,
	                      &err))
		bail("the test scenario does not parse: %s", err.msg);
	const xp_params *pr = xp_scenario_params(sc);
	xp_schedule *s = two_device_schedule();
	is_int(xp_schedule_check(s, &err), XP_OK, "the hand-made schedule is well formed");

	/* the second result: the same order twice as fast, under a tighter limit */
	int64_t tight[2] = { 1048576, 1048576 };
	xp_params small = *pr;
	small.memory_limit_bytes = tight;
	xp_result *res[2] = { hand_result(s, pr, 1, 1), hand_result(s, &small, 2, 0) };
	snprintf(res[1]->schedule, sizeof res[1]->schedule, "tight");
	res[0]->memory_limit_bytes[1] = INT64_MAX; /* unlimited: null in JSON */

	test_json(sc, res);
	test_json_contract(sc, res);
	test_tokens_dp(sc, s);
	test_csv(sc, res);
	test_table(sc, res);
	test_trace(sc, res);
	test_gantt(sc, res);
	test_errors(sc, res);

	xp_result_free(res[0]);
	xp_result_free(res[1]);
	xp_schedule_free(s);
	xp_scenario_free(sc);
	return done_testing();
}

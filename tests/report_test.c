/* report_test.c: TAP tests of the result writers (table, JSON, CSV, Chrome trace, SVG Gantt). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crosspipe.h"
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

/* ---- a minimal JSON syntax checker (RFC 8259 grammar, no semantics) ---- */

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *value(const char *s, int depth);

static const char *string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)s[i]))
						return NULL;
				s += 4;
			} else if (!strchr("\"\\/bfnrt", *s) || !*s) {
				return NULL;
			}
		}
	}
	return s + 1;
}

static const char *number(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s) || (*s == '0' && isdigit((unsigned char)s[1])))
		return NULL;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s += s[1] == '+' || s[1] == '-' ? 2 : 1;
		if (!isdigit((unsigned char)*s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return s;
}

/* Items of an object (with keys) or an array, after the opening bracket. */
static const char *items(const char *s, int depth, char close, int keyed)
{
	s = ws(s);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (keyed) {
			s = string(ws(s));
			if (!s || *(s = ws(s)) != ':')
				return NULL;
			s++;
		}
		s = value(s, depth + 1);
		if (!s)
			return NULL;
		s = ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *value(const char *s, int depth)
{
	s = ws(s);
	if (depth > 64)
		return NULL;
	if (*s == '{')
		return items(s + 1, depth, '}', 1);
	if (*s == '[')
		return items(s + 1, depth, ']', 0);
	if (*s == '"')
		return string(s);
	for (const char *const *w = (const char *const[]){ "true", "false", "null", NULL }; *w; w++)
		if (!strncmp(s, *w, strlen(*w)))
			return s + strlen(*w);
	return number(s);
}

static int valid_json(const char *s)
{
	const char *end = value(s, 0);
	return end && *ws(end) == '\0';
}

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
		r->op_start_ns[k] = start0[k] / div;
		r->op_end_ns[k] = (start0[k] + 10000) / div;
		r->op_start_ns[6 + k] = start1[k] / div;
		r->op_end_ns[6 + k] = (start1[k] + 10000) / div;
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
	ok(valid_json(j), "json: the output is valid JSON");
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
	snprintf(want, sizeof want, "\"tokens_per_s\": %.6f,", res[0]->tokens_per_s);
	has_str(j, want, "json: tokens/s with six decimals");
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
	char *again = render(xp_write_json, sc, res, 2, &st);
	is_str(again, j, "json: two writes are identical");
	free(again);
	free(j);
}

static void test_csv(const xp_scenario *sc, xp_result *const *res)
{
	xp_status st;
	char *c = render(xp_write_csv, sc, res, 2, &st), want[512];
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
	snprintf(
	    want, sizeof want,
	    "\n\"a \"\"b\"\", <c>.yaml\",hand,analytic,94000,94000,47000,%.6f,0.361702,0.361702,"
	    "2097152,3145728,1,1000,8000,,,,,,,,,,\n",
	    res[0]->tokens_per_s);
	has_str(c, want, "csv: the first row, the name quoted");
	snprintf(want, sizeof want,
	         ",tight,analytic,47000,47000,23500,%.6f,0.361702,0.361702,2097152,1048576,0,500,"
	         "4000,,,,,,,,,,\n",
	         res[1]->tokens_per_s);
	has_str(c, want, "csv: the second row, over its limit");
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
	ok(valid_json(t), "trace: the output is valid JSON");
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
	plan(72);
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

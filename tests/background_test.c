/* background_test.c: network.background.* in the analytic engine (the pipeline gets 1 - load of
 * the inter-DC capacity, engine/link_trace.h) against hand-computed timelines, and the keys'
 * errors.
 *
 * The hand case: 2 stages in 2 DCs, 2 microbatches of GPipe, T_F = 10 ms, B = T_D + T_W = 10 ms,
 * messages of 125 MB = 1e9 bits over 100 Gbps and 5 ms; with load 0.5 a message takes 20 ms on
 * the link. Every expected time is worked out in the comment next to it. */
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/link_trace.h"
#include "fixture.h"
#include "schedules/schedules.h"
#include "tap.h"

#define MS 1000000LL

static xp_scenario *load(const char *const *sets, int n, xp_error *err)
{
	xp_scenario *sc = NULL;
	xp_error_clear(err);
	xp_scenario_parse(fx_wan_base, strlen(fx_wan_base), "bg.yaml", sets, n, &sc, err);
	return sc;
}

static int64_t makespan(const char *const *sets, int n)
{
	xp_error err;
	xp_scenario *sc = load(sets, n, &err);
	xp_schedule *s = NULL;
	xp_result *r = NULL;
	if (!sc || xp_schedule_kind_find("gpipe")->build(xp_scenario_params(sc), &s, &err) ||
	    xp_engine_run(xp_engine_default(), xp_scenario_params(sc), s, &r, &err))
		bail("background run: %s", err.msg);
	int64_t ms = r->makespan_ns;
	xp_result_free(r);
	xp_schedule_free(s);
	xp_scenario_free(sc);
	return ms;
}

/* Without background: F0 0-10, on the link 10-20, arrives 25; F1 10-20, link 20-30, arrives 35;
 * device 1 F 25-35, 35-45, B 45-55, 55-65; gradients on the link 55-65 (arrive 70) and 65-75
 * (arrive 80); device 0 B 70-80, 80-90: 90 ms. With load 0.5 each message takes 20 ms: F0's
 * link 10-30 (arrives 35), F1's 30-50 (arrives 55); device 1 F 35-45, 55-65, B 65-75, 75-85;
 * gradients 75-95 (arrive 100) and 95-115 (arrive 120); device 0 B 100-110, 120-130: 130 ms. */
static void hand_case(void)
{
	const char *half[] = { "network.background.load=0.5" };
	const char *pct[] = { "network.background.load=50%", "network.background.transport=tcp" };
	is_int(makespan(NULL, 0), 90 * MS, "no background: 90 ms by hand");
	is_int(makespan(half, 1), 130 * MS, "load 0.5: every WAN message at 50 Gbps, 130 ms");
	is_int(makespan(pct, 2), 130 * MS, "50%% over TCP: the same reduction (the mean load)");
}

/* The timeline: 1e9 bits at 100 Gbps with load 0.25 take 1e9 / 75e9 s = 13.333 ms; across a
 * degradation to 50% from 5 ms: 5 ms at 75 Gbps (3.75e8 bits), the rest (6.25e8) at 37.5 Gbps
 * takes 16.667 ms: ends at 21.667 ms. The segment still reports the capacity. */
static void timeline(void)
{
	const char *sets[] = { "network.background.load=0.25",
		               "network.inter_dc.degradation.start=5ms",
		               "network.inter_dc.degradation.duration=1s",
		               "network.inter_dc.degradation.bandwidth=50%" };
	xp_error err;
	xp_scenario *sc = load(sets, 1, &err);
	xp_timeline *tl = NULL;
	int64_t end = -1, lat = -1, next = -1;
	size_t hint = 0;
	double bps = 0;
	if (!sc || xp_timeline_link(xp_scenario_params(sc), &tl, &err) || !tl)
		bail("timeline: %s", err.msg);
	xp_timeline_finish(tl, 0, 1e9, &end, &lat, &hint, &err);
	is_int(end, 13333333, "load 0.25: 1e9 bits at 75 Gbps take 13.333 ms");
	xp_timeline_segment(tl, 0, &bps, &lat, &next, &hint, &err);
	is_double(bps, 100e9, 0, "the segment's capacity is the link's own, 100 Gbps");
	is_int(next, INT64_MAX, "a constant link with background never changes");
	xp_timeline_free(tl);
	xp_scenario_free(sc);
	sc = load(sets, 4, &err);
	tl = NULL;
	hint = 0;
	if (!sc || xp_timeline_link(xp_scenario_params(sc), &tl, &err) || !tl)
		bail("timeline: %s", err.msg);
	xp_timeline_finish(tl, 0, 1e9, &end, &lat, &hint, &err);
	is_int(end, 21666667, "across a degradation to 50%% at 5 ms: ends at 21.667 ms");
	xp_timeline_segment(tl, 6 * MS, &bps, &lat, &next, &hint, &err);
	is_double(bps, 50e9, 0, "the degraded segment's capacity: 50 Gbps");
	is_int(next, 5 * MS + 1000 * MS, "and it ends with the degradation");
	xp_timeline_free(tl);
	xp_scenario_free(sc);
}

static void refused(const char *set, const char *want, const char *what)
{
	const char *sets[] = { set };
	xp_error err;
	xp_scenario *sc = load(sets, 1, &err);
	ok(!sc && strstr(err.msg, want), "%s", what);
	if (sc || !strstr(err.msg, want))
		diag("got: %s", sc ? "(accepted)" : err.msg);
	xp_scenario_free(sc);
}

static void errors(void)
{
	refused("network.background.load=1", "network.background.load",
	        "a load of 1 (nothing left for the pipeline) is refused");
	refused("network.background.load=-0.1", "network.background.load",
	        "a negative load is refused");
	refused("network.background.transport=quic", "expected udp or tcp", "an unknown transport");
	refused("network.background.on=1ms", "applies only to pattern: onoff",
	        "on without pattern: onoff");
	refused("network.background.lod=0.1", "did you mean 'load'", "a misspelt key");
	const char *bursty[] = { "network.background.load=0.6", "network.background.pattern=onoff",
		                 "network.background.on=10ms", "network.background.off=10ms" };
	xp_error err;
	xp_scenario *sc = load(bursty, 4, &err);
	ok(!sc && strstr(err.msg, "1.2 times the link's capacity while on"),
	   "0.6 at a 50%% duty cycle would send at 1.2 x the capacity: refused");
	xp_scenario_free(sc);
	bursty[0] = "network.background.load=0.5";
	sc = load(bursty, 4, &err);
	ok(sc != NULL, "0.5 at a 50%% duty cycle (the full capacity while on) is accepted");
	xp_scenario_free(sc);
}

int main(void)
{
	plan(3 + 6 + 7);
	hand_case();
	timeline();
	errors();
	return done_testing();
}

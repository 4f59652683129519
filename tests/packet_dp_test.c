/* packet_dp_test.c: the packet engine's DP collectives (ns-3 transfers) against their α-β time
 * on an idle network: the per-chunk ring all-gathers at the start of the iteration (nothing else
 * is on the network then: no F starts before its all-gather), inside a DC and across DCs, and
 * the gradient all-reduce across the DCs of datacenters.split: dp (it starts once everything else
 * is done), and with iterations > 1 at the end of every iteration, before the next one starts.
 *
 * The tolerance, 1%: a TCP/IP header of 40 bytes per 8960-byte segment (0.45%), store and
 * forward of one 9000-byte packet per hop and the ACK clock. At intra-DC latencies of 1 us the
 * packet ring is slower than that (docs/packet-engine.md); these cases use 5 us or more. */
#include <math.h>
#include <stdlib.h>

#include "engine/exec.h"
#include "engine/packet.h"
#include "fixture.h"
#include "tap.h"

#define TOL 0.01

static xp_params *case_new(int dp, int split_dp, int64_t intra_ns, double intra_bps, int64_t params)
{
	xp_params *pr = fx_new(2, 2, 1000000, 1000000, 1000000); /* p=2, m=2, 1 ms blocks */
	fx_datacenters(pr, 2, 1000000, 100e9);                   /* 1 ms, 100 Gb/s */
	pr->intra_dc = (xp_link_class){ intra_ns, intra_bps };
	pr->message_bytes = 4 << 20;
	pr->dp = dp;
	pr->dp_across_dc = split_dp;
	for (int k = 0; k < pr->stages; k++) {
		pr->params_bytes[k] = params;
		if (split_dp)
			pr->placement[k] = 0; /* every pipeline inside one DC */
	}
	return pr;
}

static void check(const char *what, int64_t got, double want)
{
	double rel = (double)got / want - 1;
	ok(fabs(rel) < TOL, "%s: %lld ns, alpha-beta %.0f ns (%+.3f%%)", what, (long long)got, want,
	   rel * 100);
}

/* The longest collective of `kind` that starts at `start` (-1: any start). */
static int64_t longest(const xp_result *r, int kind, int64_t start, int *n)
{
	int64_t most = -1;
	*n = 0;
	for (size_t i = 0; i < r->n_collectives; i++) {
		const xp_collective *c = &r->collectives[i];
		if (c->kind != kind || (start >= 0 && c->start_ns != start))
			continue;
		(*n)++;
		if (c->end_ns - c->start_ns > most)
			most = c->end_ns - c->start_ns;
	}
	return most;
}

/* A ring of n replicas over links of latency a and rate bps moves (n-1)/n of `bytes`; `sharing`
 * rings cross the same link at once. */
static double ring_ns(int n, double a, double bps, double bytes, int sharing)
{
	return (n - 1) * (a + sharing * bytes / n * 8e9 / bps);
}

/* Split pp: a stage's replicas are in one DC; each of the two stages' rings has host links of
 * its own. */
static void intra_dc(int dp, int64_t intra_ns, double bps, int64_t params)
{
	xp_params *pr = case_new(dp, 0, intra_ns, bps, params);
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("packet", pr, s);
	int n;
	int64_t ag = longest(r, XP_COLL_ALLGATHER, 0, &n);
	is_int(n, 2, "dp %d: both stages' all-gathers start at 0", dp);
	char what[96];
	snprintf(what, sizeof what, "dp %d, %lld us, %.0f Gb/s, %lld MiB: intra-DC all-gather", dp,
	         (long long)(intra_ns / 1000), bps / 1e9, (long long)(params >> 20));
	check(what, ag, ring_ns(dp, (double)intra_ns, bps, (double)params, 1));
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* Split dp, 2 DCs: replica r's pipeline in DC r / (dp/2). The all-gather ring of each stage
 * crosses the WAN (the two stages' rings share it); the all-reduce across the DCs moves 2(D-1)/D
 * of both stages' parameters over it after 2(D-1) latencies. */
static void across_dcs(int dp)
{
	int64_t params = 8 << 20;
	xp_params *pr = case_new(dp, 1, 5000, 400e9, params);
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("packet", pr, s);
	int n;
	char what[96];
	if (dp == 2) { /* one replica per DC: every ring step crosses the WAN */
		int64_t ag = longest(r, XP_COLL_ALLGATHER, 0, &n);
		snprintf(what, sizeof what, "split dp, dp 2: all-gather across the WAN (%d rings)",
		         n);
		check(what, ag, ring_ns(2, 1e6, 100e9, (double)params, 2));
	}
	int64_t ar = longest(r, XP_COLL_WAN_ALLREDUCE, -1, &n);
	is_int(n, 2, "split dp, dp %d: one all-reduce across the DCs per stage", dp);
	int64_t lat, ser;
	xp_exec_wan_allreduce_ns(pr, &lat, &ser);
	ok(lat + ser == 2000000 + (int64_t)llround(2.0 * params * 8e9 / 100e9),
	   "the analytic all-reduce time is 2 latencies + both stages' bytes at 100 Gb/s");
	snprintf(what, sizeof what, "split dp, dp %d: all-reduce across the DCs", dp);
	check(what, ar, (double)(lat + ser));
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* Split dp, dp 2, three iterations back to back on a constant network: every iteration ends
 * with its all-reduce across the DCs, and the next one starts after it, so each later iteration
 * takes what the first does, all-reduce included (without it, it would be that much shorter). */
static void iterations(void)
{
	xp_params *pr = case_new(2, 1, 5000, 400e9, 8 << 20);
	pr->iterations = 3;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("packet", pr, s);
	int n;
	int64_t ar = longest(r, XP_COLL_WAN_ALLREDUCE, -1, &n), end = 0;
	for (size_t i = 0; i < r->n_collectives; i++)
		if (r->collectives[i].kind == XP_COLL_WAN_ALLREDUCE &&
		    r->collectives[i].end_ns > end)
			end = r->collectives[i].end_ns;
	is_int(r->iters.n, 3, "split dp, 3 iterations: three makespans");
	ok(n == 2 && end == r->makespan_ns,
	   "the first iteration ends with its all-reduce (%lld of %lld ns)", (long long)ar,
	   (long long)r->makespan_ns);
	for (int k = 1; k < r->iters.n && r->iters.n == 3; k++) {
		int64_t t = r->iters.times_ns[k], t0 = r->iters.times_ns[0];
		ok(fabs((double)t / (double)t0 - 1) < TOL && t - (t0 - ar) > ar / 2,
		   "iteration %d: %lld ns, the first %lld ns, its all-reduce %lld ns included",
		   k + 1, (long long)t, (long long)t0, (long long)ar);
	}
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	plan(15);
	if (!xp_packet())
		bail("the packet engine is not linked into this test");
	intra_dc(2, 10000, 100e9, 16 << 20);
	intra_dc(2, 5000, 400e9, 64 << 20);
	across_dcs(2);
	across_dcs(4);
	iterations();
	return done_testing();
}

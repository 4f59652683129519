/* packet_hier_test.c: the packet engine's datacenters.split: hierarchical against its α-β times
 * on an idle network (the in-DC ring over the n = dp/D replicas of a DC, each chunk's shard
 * all-reduce across the DCs), and a whole run against the analytic engine's.
 *
 * Tolerance 1%, as tests/packet_dp_test.c says why (headers, store and forward, the ACK
 * clock); the whole run 3% (docs/packet-engine.md, "split: hierarchical", gives the measured
 * difference and where it comes from). */
#include <math.h>
#include <stdlib.h>

#include "engine/exec.h"
#include "engine/packet.h"
#include "fixture.h"
#include "tap.h"

#define TOL     0.01
#define RUN_TOL 0.03
#define PARAMS  ((int64_t)8 << 20)

/* p=2, m=2, 1 ms blocks; dp replicas over 2 DCs (1 ms, 100 Gb/s between them), hierarchical;
 * intra-DC 10 us, 400 Gb/s; 8 MiB of parameters per stage. */
static xp_params *case_params(int dp, int64_t params)
{
	xp_params *pr = fx_new(2, 2, 1000000, 1000000, 1000000);
	fx_datacenters(pr, 2, 1000000, 100e9);
	pr->intra_dc = (xp_link_class){ 10000, 400e9 };
	pr->message_bytes = 4 << 20;
	pr->dp = dp;
	pr->dp_across_dc = pr->dp_hierarchical = 1;
	for (int k = 0; k < pr->stages; k++) {
		pr->params_bytes[k] = params;
		pr->placement[k] = 0; /* every pipeline inside one DC */
	}
	return pr;
}

static xp_params *case_new(int dp)
{
	return case_params(dp, PARAMS);
}

static void check(const char *what, int64_t got, double want, double tol)
{
	double rel = (double)got / want - 1;
	ok(fabs(rel) < tol, "%s: %lld ns, want %.0f ns (%+.3f%%)", what, (long long)got, want,
	   rel * 100);
}

/* Device d's collective of kind (the first recorded), or NULL. */
static const xp_collective *find(const xp_result *r, int d, int kind)
{
	for (size_t i = 0; i < r->n_collectives; i++)
		if (r->collectives[i].device == d && r->collectives[i].kind == kind)
			return &r->collectives[i];
	return NULL;
}

static int count(const xp_result *r, int kind)
{
	int n = 0;
	for (size_t i = 0; i < r->n_collectives; i++)
		n += r->collectives[i].kind == kind;
	return n;
}

/* The all-gathers at time 0 are rings over the n = dp/2 replicas of each DC, on intra-DC links
 * only: (n-1)(alpha + B/n at 400 Gb/s); over all dp replicas they would take longer. */
static void in_dc_ring(int dp)
{
	xp_params *pr = case_new(dp);
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("packet", pr, s);
	int n = dp / 2;
	for (int d = 0; d < 2; d++) {
		const xp_collective *c = find(r, d, XP_COLL_ALLGATHER);
		char what[96];
		snprintf(what, sizeof what,
		         "dp %d, device %d: the all-gather over the %d replicas of a DC", dp, d, n);
		double want = (n - 1) * (10000 + (double)PARAMS / n * 8e9 / 400e9);
		if (c && c->start_ns == 0)
			check(what, c->end_ns - c->start_ns, want, TOL);
		else
			ok(0, "%s: it starts at 0", what);
	}
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* Each stage's chunk is reduce-scattered at its own time; its shards then cross the WAN alone:
 * 2(D-1) alpha + 2(D-1)/D B at 100 Gb/s, the analytic engine's xp_exec_dc_allreduce_ns. They
 * start when their reduce-scatter ends, and the iteration ends with the last. */
static void shard_allreduce(int dp)
{
	xp_params *pr = case_new(dp);
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("packet", pr, s);
	int64_t lat, ser, last = 0;
	xp_exec_dc_allreduce_ns(pr, PARAMS, &lat, &ser);
	ok(lat + ser == 2000000 + (int64_t)llround((double)PARAMS * 8e9 / 100e9),
	   "the analytic shard all-reduce of a chunk is 2 latencies + its bytes at 100 Gb/s");
	is_int(count(r, XP_COLL_WAN_ALLREDUCE), 2,
	       "dp %d: one shard all-reduce per device and chunk", dp);
	for (int d = 0; d < 2; d++) {
		const xp_collective *c = find(r, d, XP_COLL_WAN_ALLREDUCE);
		const xp_collective *rs = find(r, d, XP_COLL_REDUCESCATTER);
		char what[96];
		snprintf(what, sizeof what, "dp %d, device %d: the shard all-reduce across the DCs",
		         dp, d);
		if (!c || !rs) {
			ok(0, "%s and its reduce-scatter are recorded", what);
			continue;
		}
		ok(c->start_ns == rs->end_ns && c->bytes == PARAMS && c->chunk == 0,
		   "%s starts at its reduce-scatter's end (%lld, %lld) with the chunk's bytes",
		   what, (long long)c->start_ns, (long long)rs->end_ns);
		check(what, c->end_ns - c->start_ns, (double)(lat + ser), TOL);
		last = c->end_ns > last ? c->end_ns : last;
	}
	is_int(r->makespan_ns, last, "dp %d: the iteration ends with the last shard all-reduce",
	       dp);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* 128 MiB per stage: a shard message (32 MiB) is more than a connection's window (18.75 MB:
 * 1.5 BDP over the n = 2 rings of a chunk), so one chunk's rings fill the WAN and the next
 * chunk's wait for them to end, though its reduce-scatter ended earlier; then it runs alone and
 * takes as long as the first.
 *
 * Against alpha-beta every step pays one more WAN latency, measured, not a tolerance
 * (docs/packet-engine.md, "Two-way traffic"): the ring sends both ways at once, each direction
 * bursts its window into the FIFO WAN queue, and the ACKs of one direction wait behind the
 * other's burst. A sender that has sent its window gets its first ACK after its burst's
 * drain time plus one latency, not after a round trip, so its link idles for one latency; a
 * message of one to two windows meets that once per step. With the WAN flow-queued
 * (fq_codel keeps the ACKs apart from the data) the same ring takes its alpha-beta time. */
static const xp_collective *wide_ring(int qdisc, xp_result **r, int64_t *ab_ns, int64_t *lat)
{
	int64_t params = (int64_t)128 << 20, ser;
	xp_params *pr = case_params(4, params);
	pr->packet.qdisc = qdisc;
	xp_schedule *s = fx_build("1f1b", pr);
	*r = fx_run("packet", pr, s);
	xp_exec_dc_allreduce_ns(pr, params, lat, &ser);
	*ab_ns = *lat + ser;
	xp_schedule_free(s);
	fx_free(pr);
	return find(*r, 1, XP_COLL_WAN_ALLREDUCE);
}

static void queued(void)
{
	xp_result *r;
	int64_t ab, lat; /* lat: the ring's 2(D-1) step latencies */
	const xp_collective *c1 = wide_ring(XP_QDISC_FIFO, &r, &ab, &lat);
	const xp_collective *c0 = find(r, 0, XP_COLL_WAN_ALLREDUCE);
	const xp_collective *rs0 = find(r, 0, XP_COLL_REDUCESCATTER);
	if (c0 && c1 && rs0) {
		ok(rs0->end_ns < c1->end_ns && c0->start_ns == c1->end_ns,
		   "128 MiB: device 0's shards (reduce-scattered at %lld) take the WAN when device "
		   "1's end (%lld, %lld)",
		   (long long)rs0->end_ns, (long long)c0->start_ns, (long long)c1->end_ns);
		check("128 MiB: device 0's shard all-reduce against device 1's",
		      c0->end_ns - c0->start_ns, (double)(c1->end_ns - c1->start_ns), TOL);
		check("128 MiB, FIFO WAN, device 1: alpha-beta plus one latency per step",
		      c1->end_ns - c1->start_ns, (double)(ab + lat), TOL);
	} else
		for (int i = 0; i < 3; i++)
			ok(0,
			   "128 MiB: both shard all-reduces and the reduce-scatter are recorded");
	xp_result_free(r);
	c1 = wide_ring(XP_QDISC_FQCODEL, &r, &ab, &lat);
	if (c1)
		check("128 MiB, fq_codel WAN, device 1: the shard all-reduce against alpha-beta",
		      c1->end_ns - c1->start_ns, (double)ab, TOL);
	else
		ok(0, "128 MiB, fq_codel WAN: device 1's shard all-reduce is recorded");
	xp_result_free(r);
}

/* Two chunks per device (interleaved): a shard all-reduce per device and chunk, of the chunk's
 * bytes, each starting when its reduce-scatter ends (the rings are small enough to share the
 * WAN), the iteration ending with the last; the makespan against the analytic engine's. */
static void chunks(void)
{
	xp_params *pr = case_params(4, PARAMS);
	pr->message_bytes = 1 << 20;
	xp_schedule *s = fx_build("interleaved", pr);
	xp_result *r = fx_run("packet", pr, s), *a = fx_run("analytic", pr, s);
	int good = 0, n = 0;
	int64_t last = 0;
	for (size_t i = 0; i < r->n_collectives; i++) {
		const xp_collective *c = &r->collectives[i];
		if (c->kind != XP_COLL_WAN_ALLREDUCE)
			continue;
		n++;
		last = c->end_ns > last ? c->end_ns : last;
		for (size_t j = 0; j < r->n_collectives; j++) {
			const xp_collective *rs = &r->collectives[j];
			good += rs->kind == XP_COLL_REDUCESCATTER && rs->device == c->device &&
			        rs->chunk == c->chunk && rs->end_ns == c->start_ns &&
			        c->bytes == PARAMS / 2;
		}
	}
	ok(n == 4 && good == 4,
	   "interleaved, v 2: 4 shard all-reduces of half a stage's bytes, each at its chunk's "
	   "reduce-scatter end (%d, %d)",
	   n, good);
	is_int(r->makespan_ns, last,
	       "interleaved: the iteration ends with the last shard all-reduce");
	check("interleaved, v 2: packet makespan against analytic", r->makespan_ns,
	      (double)a->makespan_ns, RUN_TOL);
	xp_result_free(r);
	xp_result_free(a);
	xp_schedule_free(s);
	fx_free(pr);
}

/* Three iterations back to back on a constant network: each ends with its last shard
 * all-reduce and the next starts after it, so every one takes what the first does. */
static void iterations(void)
{
	xp_params *pr = case_new(4);
	pr->iterations = 3;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("packet", pr, s);
	const xp_collective *c = find(r, 0, XP_COLL_WAN_ALLREDUCE);
	is_int(r->iters.n, 3, "hierarchical, 3 iterations: three makespans");
	for (int k = 1; k < r->iters.n && r->iters.n == 3 && c; k++) {
		int64_t t = r->iters.times_ns[k], t0 = r->iters.times_ns[0];
		ok(fabs((double)t / (double)t0 - 1) < TOL && t0 == c->end_ns,
		   "iteration %d: %lld ns, the first %lld ns, which ends with device 0's shards "
		   "(%lld)",
		   k + 1, (long long)t, (long long)t0, (long long)c->end_ns);
	}
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* p=2, m=2, dp 4 on 2 DCs: the packet makespan against the analytic engine's. */
static void whole_run(void)
{
	xp_params *pr = case_new(4);
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *a = fx_run("analytic", pr, s), *k = fx_run("packet", pr, s);
	is_int(count(a, XP_COLL_WAN_ALLREDUCE), count(k, XP_COLL_WAN_ALLREDUCE),
	       "both engines record the same shard all-reduces");
	check("p=2, m=2, dp 4, 2 DCs: packet makespan against analytic", k->makespan_ns,
	      (double)a->makespan_ns, RUN_TOL);
	xp_result_free(a);
	xp_result_free(k);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	plan(30);
	if (!xp_packet())
		bail("the packet engine is not linked into this test");
	in_dc_ring(4);
	in_dc_ring(8);
	shard_allreduce(4);
	shard_allreduce(8);
	queued();
	chunks();
	iterations();
	whole_run();
	return done_testing();
}

/* packet_engine_test.c: the packet engine (ns-3) against the analytic one: one message's time,
 * the order of blocks, deadlocks, delivery, determinism. Run only when ns-3 was built in. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/packet.h"
#include "fixture.h"
#include "tap.h"

/* p=4, m=4, 2 DCs, 1 ms blocks, 4 MiB messages, 400 Gbps / 1 us inside DCs, 100 Gbps / 1 ms
 * between them: transfers (0.34 ms and 1.3 ms) never queue behind each other. */
static xp_params *small(void)
{
	xp_params *pr = fx_new(4, 4, 1000000, 1000000, 1000000);
	fx_datacenters(pr, 2, 1000000, 100e9);
	pr->intra_dc = (xp_link_class){ 1000, 400e9 };
	pr->message_bytes = 4 << 20;
	return pr;
}

static xp_result *packet_run(const xp_params *pr, const xp_schedule *s, xp_packet_stats *st,
                             xp_status *status)
{
	xp_error err;
	xp_error_clear(&err);
	xp_result *r = xp_result_new(s, "packet");
	*status = xp_packet()->run(pr, s, r, st, &err);
	if (*status != XP_OK) {
		diag("packet run: %s", err.msg);
		xp_result_free(r);
		return NULL;
	}
	return r;
}

/* How the packet engine carries a message (MTU 9000, timestamps off): TCP packets of 8960
 * payload bytes and 40 header bytes, stored and forwarded at each switch. A message of B bytes
 * from host to host takes the path's latency, plus B and 40 bytes per packet at the path's
 * slowest rate, plus one packet on each faster hop: the second access hop inside a DC; the
 * first and last access hops (the first packet's way in, the last one's way out) across DCs. */
#define SEG_BYTES 8960.0
#define PKT_BYTES 9000.0

static double ser_ns(double bytes, double bps)
{
	return bytes * 8 / bps * 1e9;
}

static double path_ns(const xp_params *pr, int64_t bytes, int inter)
{
	double wire = (double)bytes + 40 * ceil((double)bytes / SEG_BYTES);
	double pkt = wire < PKT_BYTES ? wire : PKT_BYTES, access = pr->intra_dc.bandwidth_bps;
	if (!inter)
		return (double)pr->intra_dc.latency_ns + ser_ns(wire, access) + ser_ns(pkt, access);
	double slow = fmin(access, pr->inter_dc.bandwidth_bps);
	return (double)pr->inter_dc.latency_ns + ser_ns(wire, slow) + 2 * ser_ns(pkt, access);
}

/* The formula counts a whole last packet where it may be shorter: the time may be up to one
 * packet on an access hop less, plus a nanosecond of rounding per hop. */
static double path_tolerance(const xp_params *pr)
{
	return ser_ns(PKT_BYTES, pr->intra_dc.bandwidth_bps) + 3;
}

static void probe_is(const xp_params *pr, int inter, int64_t bytes, const char *what)
{
	xp_error err;
	xp_error_clear(&err);
	xp_packet_probe pb = { .inter_dc = inter, .bytes = bytes, .warm = 0 };
	xp_status st = xp_packet()->probe(pr, &pb, 1, &err);
	if (st != XP_OK)
		diag("probe: %s", err.msg);
	is_double((double)pb.time_ns, path_ns(pr, bytes, inter), path_tolerance(pr),
	          "%s: %lld bytes take latency + (bytes + headers) / bandwidth + store-and-forward",
	          what, (long long)bytes);
}

/* One message over the inter-DC path, the windows open (open initial windows): 4 MiB and 64 MiB
 * over 100 Gbps / 1 ms with 400 Gbps / 1 us access links. */
static void one_message(void)
{
	xp_params *pr = small();
	probe_is(pr, 1, 4 << 20, "inter-DC");
	probe_is(pr, 1, 64 << 20, "inter-DC");
	fx_free(pr);
}

/* The two link classes probed separately at a 100 us intra-DC latency: a host reaches its DC's
 * switch over an access link of half the intra-DC latency, and the other DC's switch over a WAN
 * link of the inter-DC latency less the two access hops. So host to host is 100 us inside a DC
 * and 1 ms across; access links at their whole latency (200 us, 1.1 ms) or a WAN link at the
 * whole inter-DC latency (1.1 ms) fail. */
static void link_latencies(void)
{
	xp_params *pr = small();
	pr->intra_dc.latency_ns = 100000;
	probe_is(pr, 0, 8960, "intra-DC at 100 us");
	probe_is(pr, 0, 4 << 20, "intra-DC at 100 us");
	probe_is(pr, 1, 8960, "inter-DC with 100 us access");
	probe_is(pr, 1, 4 << 20, "inter-DC with 100 us access");
	fx_free(pr);
}

/* What the packet engine may add to a run over the analytic engine: on every transfer, the
 * headers and store-and-forward above. A makespan is a sum of ops and transfers along one path,
 * so the packet one is not shorter, and longer by at most the sum over all transfers. */
static double transfers_excess_ns(const xp_params *pr, const xp_result *a)
{
	double sum = 0;
	for (size_t i = 0; i < a->n_transfers; i++) {
		const xp_transfer *t = &a->transfers[i];
		const xp_link_class *l = t->crosses_dc ? &pr->inter_dc : &pr->intra_dc;
		sum += path_ns(pr, t->bytes, t->crosses_dc) - (double)l->latency_ns -
		       ser_ns((double)t->bytes, l->bandwidth_bps) + path_tolerance(pr);
	}
	return sum;
}

typedef struct opref {
	int64_t t;
	size_t k;
} opref;

static int by_time(const void *a, const void *b)
{
	const opref *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t ? 1 : (x->k > y->k) - (x->k < y->k);
}

/* Sorted by the analytic start times, the packet start times never go backwards, except among
 * ops the analytic engine starts within `tie` of each other. */
static int inversions(const xp_result *a, const xp_result *p, int64_t tie)
{
	size_t n = a->op_offset[a->devices];
	opref *o = malloc(n * sizeof *o);
	int bad = 0;
	for (size_t k = 0; k < n; k++)
		o[k] = (opref){ a->op_start_ns[k], k };
	qsort(o, n, sizeof *o, by_time);
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n && o[j].t - o[i].t <= 50 * tie; j++)
			if (o[j].t - o[i].t > tie &&
			    p->op_start_ns[o[j].k] < p->op_start_ns[o[i].k])
				bad++;
	free(o);
	return bad;
}

static void same_order(const char *name)
{
	xp_params *pr = small();
	if (!strcmp(name, "dualpipev")) /* needs m >= 2p; its overlapped ops in the packet engine */
		pr->microbatches = 8;
	xp_schedule *s = fx_build(name, pr);
	xp_result *a = fx_run("analytic", pr, s);
	xp_packet_stats st;
	xp_status status;
	xp_result *p = packet_run(pr, s, &st, &status);
	ok(p != NULL, "%s: the packet engine runs", name);
	if (p) {
		is_int(inversions(a, p, 100000), 0,
		       "%s: blocks start in the analytic engine's order", name);
		double most = transfers_excess_ns(pr, a);
		ok(p->makespan_ns >= a->makespan_ns && p->makespan_ns - a->makespan_ns <= most,
		   "%s: the packet makespan (%lld ns) exceeds the analytic one (%lld ns) by no "
		   "more "
		   "than the transfers' headers and store-and-forward (%.0f ns)",
		   name, (long long)p->makespan_ns, (long long)a->makespan_ns, most);
		is_int(st.bytes_delivered, st.bytes_sent,
		       "%s: every message byte sent is delivered", name);
		is_int(st.messages_delivered, st.messages_sent, "%s: every message is delivered",
		       name);
		is_int((int64_t)p->n_transfers, (int64_t)a->n_transfers,
		       "%s: as many transfers as the analytic engine", name);
		is_int(st.flow_lost_packets + st.drops, 0, "%s: FlowMonitor: no packet lost", name);
		is_int(st.flow_tx_packets, st.flow_rx_packets,
		       "%s: FlowMonitor: every data packet sent was received", name);
		ok(llabs(st.flow_rx_payload_bytes - st.bytes_delivered) <= 64 * st.flows,
		   "%s: FlowMonitor's payload (%lld) agrees with the bytes delivered (%lld) within "
		   "the handshakes' options and primers",
		   name, (long long)st.flow_rx_payload_bytes, (long long)st.bytes_delivered);
	} else {
		skip(8, "the packet run failed");
	}
	xp_result_free(a);
	xp_result_free(p);
	xp_schedule_free(s);
	fx_free(pr);
}

/* A cyclic wait: device 0 runs B0 before F0. Both engines reject it. */
static void deadlock(void)
{
	xp_params *pr = small();
	pr->stages = 2;
	pr->placement[1] = 1;
	pr->microbatches = 1;
	xp_schedule *s = xp_schedule_new(2, 1, 1, NULL);
	xp_schedule_add_block(s, 0, XP_OP_B, 0, 0);
	xp_schedule_add_block(s, 0, XP_OP_F, 0, 0);
	xp_schedule_add_block(s, 1, XP_OP_F, 0, 0);
	xp_schedule_add_block(s, 1, XP_OP_B, 0, 0);
	xp_error ea, ep;
	xp_error_clear(&ea);
	xp_error_clear(&ep);
	xp_result *r = NULL;
	xp_status sa = xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &ea);
	xp_status sp = xp_engine_run(xp_engine_find("packet"), pr, s, &r, &ep);
	is_int(sa, XP_EDEADLOCK, "the analytic engine rejects the cyclic order");
	is_int(sp, XP_EDEADLOCK, "the packet engine rejects it too");
	is_str(ep.msg, ea.msg, "with the same message naming the blocked blocks");
	xp_schedule_free(s);
	pr->stages = 4;
	fx_free(pr);
}

static int same_result(const xp_result *a, const xp_result *b)
{
	size_t n = a->op_offset[a->devices];
	return a->makespan_ns == b->makespan_ns && a->n_transfers == b->n_transfers &&
	       !memcmp(a->op_start_ns, b->op_start_ns, n * sizeof(int64_t)) &&
	       !memcmp(a->op_end_ns, b->op_end_ns, n * sizeof(int64_t)) &&
	       !memcmp(a->transfers, b->transfers, a->n_transfers * sizeof *a->transfers);
}

/* Same seed, same everything; with random loss, a different seed gives other losses. */
static void determinism(void)
{
	xp_params *pr = small();
	pr->packet.loss = 0.0005;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_packet_stats s1, s2, s3;
	xp_status st;
	xp_result *a = packet_run(pr, s, &s1, &st), *b = packet_run(pr, s, &s2, &st);
	pr->seed = 2;
	xp_result *c = packet_run(pr, s, &s3, &st);
	ok(a && b && same_result(a, b), "same scenario and seed: identical timelines");
	ok(s1.loss_drops > 0 && s1.retransmissions > 0,
	   "random loss on the WAN link drops packets (%lld) and TCP retransmits (%lld)",
	   (long long)s1.loss_drops, (long long)s1.retransmissions);
	ok(a && c && (s3.loss_drops != s1.loss_drops || !same_result(a, c)),
	   "another seed gives another run");
	is_int(s1.bytes_delivered, s1.bytes_sent, "with loss, every byte still arrives");
	xp_result_free(a);
	xp_result_free(b);
	xp_result_free(c);
	xp_schedule_free(s);
	fx_free(pr);
}

/* dp 2: every stage has two replica nodes, the DP all-gathers and reduce-scatters are rings of
 * messages between them, and the replicas' activations share the WAN link. p=2, m=2, 2 DCs,
 * 8 MiB of parameters per stage. The analytic engine's ring model (n-1 latencies and (n-1)/n of
 * the bytes at the intra-DC rate) and its WAN link carrying dp x the message agree with the
 * packet run within 1% (measured: +0.61%, uncalibrated). */
static void data_parallel(void)
{
	xp_params *pr = fx_new(2, 2, 1000000, 1000000, 1000000);
	fx_datacenters(pr, 2, 1000000, 100e9);
	pr->intra_dc = (xp_link_class){ 1000, 400e9 };
	pr->message_bytes = 4 << 20;
	pr->dp = 2;
	for (int k = 0; k < pr->stages; k++)
		pr->params_bytes[k] = 8 << 20;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *a = fx_run("analytic", pr, s);
	xp_packet_stats st;
	xp_status status;
	xp_result *p = packet_run(pr, s, &st, &status);
	ok(p != NULL, "dp 2: the packet engine runs the replicas and their rings");
	if (p) {
		/* Not shorter (as above), and at most 1% longer: the transfers' headers account for
		 * 7 us of the measured +76 us (+0.61%); the rest comes from the all-gather and the
		 * reduce-scatter on the critical path, each about 35 us slower than the ring model
		 * (the case without parameters differs by 7 us): 1% bounds that without a model of
		 * it. */
		ok(p->makespan_ns >= a->makespan_ns &&
		       (double)(p->makespan_ns - a->makespan_ns) <= 0.01 * (double)a->makespan_ns,
		   "dp 2: the packet makespan is 0 to 1%% above the analytic one (analytic %lld "
		   "ns, "
		   "packet %lld ns)",
		   (long long)a->makespan_ns, (long long)p->makespan_ns);
		is_int((int64_t)p->n_collectives, (int64_t)a->n_collectives,
		       "dp 2: as many collectives as the analytic engine (all-gathers and "
		       "reduce-scatters)");
		/* 2 replicas x 4 transfers, and per stage 2 collectives x 1 step x 2 messages */
		is_int(st.messages_sent, 2 * 4 + 2 * 2 * 2, "dp 2: every replica message is sent");
		is_int(st.messages_delivered, st.messages_sent, "dp 2: every message is delivered");
		is_int(st.bytes_delivered, st.bytes_sent, "dp 2: every byte is delivered");
	} else {
		skip(5, "the packet run failed");
	}
	xp_result_free(a);
	xp_result_free(p);
	xp_schedule_free(s);
	fx_free(pr);
}

/* A run under another transport, queue discipline or WAN shape completes and delivers every
 * byte. */
static xp_result *variant_run(const char *what, xp_params *pr, const char *sched,
                              xp_packet_stats *st)
{
	xp_schedule *s = fx_build(sched, pr);
	xp_status status;
	xp_result *p = packet_run(pr, s, st, &status);
	ok(p != NULL, "%s: the run completes", what);
	ok(p && st->messages_delivered == st->messages_sent && st->messages_sent > 0,
	   "%s: every message is delivered (%lld of %lld)", what,
	   p ? (long long)st->messages_delivered : -1LL, p ? (long long)st->messages_sent : -1LL);
	ok(p && st->bytes_delivered == st->bytes_sent, "%s: every byte is delivered (%lld of %lld)",
	   what, p ? (long long)st->bytes_delivered : -1LL, p ? (long long)st->bytes_sent : -1LL);
	xp_schedule_free(s);
	return p;
}

static void variants(void)
{
	xp_packet_stats st;
	xp_params *pr = small();
	pr->packet.transport = XP_TCP_CUBIC;
	xp_result_free(variant_run("cubic", pr, "1f1b", &st));
	pr->packet.transport = XP_TCP_NEWRENO;
	pr->packet.qdisc = XP_QDISC_RED;
	pr->packet.queue_bdp = 0.5; /* RED's thresholds inside half a BDP: it acts */
	xp_result_free(variant_run("red", pr, "1f1b", &st));
	pr->packet.qdisc = XP_QDISC_CODEL;
	pr->packet.queue_bdp = 2;
	xp_result_free(variant_run("codel", pr, "zbh1", &st));
	fx_free(pr);

	/* 3 DCs in a chain, one stage each; interleaved's part 2 -> part 3 goes from DC 2 back
	 * to DC 0, over both inter-DC links: two WAN latencies. */
	pr = fx_new(3, 3, 1000000, 1000000, 1000000);
	fx_datacenters(pr, 3, 1000000, 100e9);
	pr->intra_dc = (xp_link_class){ 1000, 400e9 };
	pr->message_bytes = 1 << 20;
	pr->packet.wan = XP_WAN_CHAIN;
	xp_result *p = variant_run("chain of 3 DCs", pr, "interleaved", &st);
	int64_t two_hops = -1;
	for (size_t i = 0; p && i < p->n_transfers; i++)
		if (p->transfers[i].src == 2 && p->transfers[i].dst == 0) {
			int64_t t = p->transfers[i].arrive_ns - p->transfers[i].ready_ns;
			two_hops = two_hops < 0 || t < two_hops ? t : two_hops;
		}
	/* intra + 2 x (inter - intra) of latency; the message as on one WAN link, plus one packet
	 * more on the second WAN link (720 ns at 100 Gbps) */
	double one_hop = path_ns(pr, 1 << 20, 1);
	is_double((double)two_hops, one_hop + 1000000 - 1000 + ser_ns(PKT_BYTES, 100e9),
	          path_tolerance(pr), "chain: DC 2 -> DC 0 takes two WAN hops (%lld ns)",
	          (long long)two_hops);
	xp_result_free(p);
	fx_free(pr);
}

/* network.fast: jumbo gives a stream as many segments of window as an exact run
 * (docs/packet-engine.md, "Fast mode"): a WAN pair of small() holds 1.5 BDP = 37.5 MB, five
 * streams of 8 MiB at 8960-byte segments but one at 63960-byte ones (8 MiB x 63960 / 8960); each
 * of the four pairs inside a DC has one. The makespan stays within 1% of the exact one. */
static void fast_streams(void)
{
	xp_params *pr = small();
	xp_schedule *s = fx_build("1f1b", pr);
	xp_packet_stats se, sf;
	xp_status st;
	xp_result *e = packet_run(pr, s, &se, &st);
	pr->packet.fast = XP_FAST_JUMBO;
	xp_result *f = packet_run(pr, s, &sf, &st);
	is_int(se.streams, 4 + 2 * 5, "exact: five streams per WAN pair, one per pair inside a DC");
	is_int(sf.streams, 4 + 2 * 1, "jumbo: one stream per WAN pair (as many segments each)");
	double err =
	    e && f ? (double)(f->makespan_ns - e->makespan_ns) / (double)e->makespan_ns : 1;
	ok(fabs(err) <= 0.01, "jumbo: makespan within 1%% of exact (%+.4f%%)", 100 * err);
	xp_result_free(e);
	xp_result_free(f);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	plan(2 + 4 + 3 * 9 + 3 + 4 + 6 + 4 * 3 + 1 + 3);
	if (!xp_packet())
		bail("the packet engine is not linked into this test");
	one_message();
	link_latencies();
	same_order("1f1b");
	same_order("zbh1");
	same_order("dualpipev");
	deadlock();
	determinism();
	data_parallel();
	variants();
	fast_streams();
	return done_testing();
}

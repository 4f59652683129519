/* engine_test.c: the analytic and ideal engines against closed forms and hand-computed cases. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "tap.h"

enum { T = 1000 }; /* one block time, ns */

static int64_t run_makespan(const char *sched, const char *engine, const xp_params *pr)
{
	xp_schedule *s = fx_build(sched, pr);
	xp_result *r = fx_run(engine, pr, s);
	int64_t ms = r->makespan_ns;
	xp_result_free(r);
	xp_schedule_free(s);
	return ms;
}

static void closed_forms(void)
{
	int cases[][2] = { { 4, 8 }, { 3, 5 }, { 8, 16 } };
	for (int i = 0; i < 3; i++) {
		int p = cases[i][0], m = cases[i][1];
		xp_params *pr = fx_new(p, m, T, T, T);
		is_int(run_makespan("gpipe", "ideal", pr), (int64_t)(m + p - 1) * 3 * T,
		       "gpipe p=%d m=%d takes (m+p-1)(T_F+T_D+T_W)", p, m);
		is_int(run_makespan("1f1b", "ideal", pr), (int64_t)(m + p - 1) * 3 * T,
		       "1f1b p=%d m=%d takes (m+p-1)(T_F+T_D+T_W)", p, m);
		is_int(run_makespan("zbh1", "ideal", pr), (int64_t)3 * m * T + (p - 1) * T,
		       "zbh1 p=%d m=%d takes 3mT+(p-1)T", p, m);
		fx_free(pr);
	}
	int icases[][3] = { { 4, 8, 2 }, { 2, 6, 3 }, { 4, 4, 2 } };
	for (int i = 0; i < 3; i++) {
		int p = icases[i][0], m = icases[i][1], v = icases[i][2];
		xp_params *pr = fx_new(p, m, 1200, 1200, 1200);
		pr->chunks = v;
		int64_t want = (int64_t)m * 3600 + (int64_t)(p - 1) * 3600 / v;
		is_int(run_makespan("interleaved", "ideal", pr), want,
		       "interleaved p=%d m=%d v=%d takes m(T_F+T_B)+(p-1)(T_F+T_B)/v", p, m, v);
		fx_free(pr);
	}
}

static void memory_1f1b(void)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("ideal", pr, s);
	is_int(r->peak_memory_bytes[0], 4 * 1000, "1f1b peaks at p activations on device 0");
	is_int(r->peak_memory_bytes[3], 1000, "1f1b peaks at 1 activation on the last device");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* p=2, m=1 across two DCs: F, hop, F, B, hop, B, all in sequence. */
static void two_stage_hand_sum(void)
{
	xp_params *pr = fx_new(2, 1, 3000, 2000, 1000);
	fx_datacenters(pr, 2, 50000, 8e9); /* 1000 bytes at 8 Gb/s = 1000 ns */
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("analytic", pr, s);
	int64_t want = 2 * 3000 + 2 * (2000 + 1000) + 2 * (50000 + 1000);
	is_int(r->makespan_ns, want, "2 stages, 1 microbatch: compute + 2 x (latency + size/bw)");
	is_int((int64_t)r->n_transfers, 2, "one activation and one gradient crossed");
	ok(r->transfers[0].crosses_dc && r->transfers[0].bytes == 1000,
	   "the activation crossed the DC boundary with the message size");
	is_int(r->wan_queue_ns, 0, "nothing queued");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* gpipe p=2, m=4 over a link slower than the forward: activations queue. */
static void queueing(void)
{
	xp_params *pr = fx_new(2, 4, T, T, T);
	int64_t ser = 3 * T, lat = 500;
	fx_datacenters(pr, 2, lat, 1000 * 8 * 1e9 / (double)ser);
	xp_schedule *s = fx_build("gpipe", pr);
	xp_result *r = fx_run("analytic", pr, s);
	const xp_op *ops = xp_schedule_ops(s, 1);
	size_t f3 = 0;
	while (!(ops[f3].kind == XP_OP_F && ops[f3].mb == 3))
		f3++;
	int64_t want_f3 = T + 4 * ser + lat; /* fourth activation leaves after three others */
	is_int(r->op_start_ns[r->op_offset[1] + f3], want_f3, "F3 on device 1 waits for the queue");
	int64_t q = 0;
	for (int k = 0; k < 4; k++)
		q += (T + k * ser) - (k + 1) * T;
	/* backward gradients also cross; they are spaced by B = 2T < ser and queue too */
	int64_t qfwd = 0;
	for (size_t i = 0; i < r->n_transfers; i++)
		if (r->transfers[i].kind == XP_OP_F)
			qfwd += r->transfers[i].start_ns - r->transfers[i].ready_ns;
	is_int(qfwd, q, "forward queueing time is the hand sum");
	ok(r->wan_queue_ns >= qfwd, "wan_queue_ns counts the queued forward transfers");
	/* device 1's B end at 16T+500, 18T+500, ...: 3T windows, so the gradients wait 0, T, 2T, 3T
	 * behind each other; the activations waited 0, 2T, 4T, 6T */
	is_int(r->wan_queue_ns, 12 * T + 6 * T, "wan_queue_ns is the hand sum of both directions");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

static void deadlock(void)
{
	xp_params *pr = fx_new(2, 1, T, T, T);
	xp_schedule *s = xp_schedule_new(2, 1, 1, NULL);
	xp_schedule_add_block(s, 0, XP_OP_B, 0, 0); /* B before its own F: a cyclic wait */
	xp_schedule_add_block(s, 0, XP_OP_F, 0, 0);
	xp_schedule_add_block(s, 1, XP_OP_F, 0, 0);
	xp_schedule_add_block(s, 1, XP_OP_B, 0, 0);
	xp_schedule_set_name(s, "cyclic");
	xp_result *r = NULL;
	xp_error err;
	xp_status st = xp_engine_run(xp_engine_find("analytic"), pr, s, &r, &err);
	is_int(st, XP_EDEADLOCK, "a cyclic order is reported as a deadlock");
	ok(r == NULL, "no result for a deadlocked schedule");
	has_str(err.msg, "device 0 blocked at B0", "the message names device 0's blocked block");
	has_str(err.msg, "device 1 blocked at F0", "the message names device 1's blocked block");
	xp_schedule_free(s);
	fx_free(pr);
}

static void determinism(void)
{
	xp_params *pr = fx_new(4, 8, T, 2 * T, T);
	fx_datacenters(pr, 2, 2 * T, 1000 * 8 * 1e9 / (2.0 * T));
	xp_schedule *s = fx_build("zbv", pr);
	xp_result *a = fx_run("analytic", pr, s), *b = fx_run("analytic", pr, s);
	size_t n = a->op_offset[a->devices];
	ok(!memcmp(a->op_start_ns, b->op_start_ns, n * sizeof(int64_t)) &&
	       a->n_transfers == b->n_transfers &&
	       !memcmp(a->transfers, b->transfers, a->n_transfers * sizeof *a->transfers),
	   "two runs give the same timeline");
	xp_result_free(a);
	xp_result_free(b);
	xp_schedule_free(s);
	fx_free(pr);
}

/* p=2, m=1, dp=4: ring all-gather before the first F, reduce-scatter after the last B. */
static void data_parallel(void)
{
	xp_params *pr = fx_new(2, 1, 3000, 2000, 1000);
	fx_datacenters(pr, 2, 50000, 8e9);
	pr->dp = 4;
	pr->intra_dc.latency_ns = 100;
	pr->intra_dc.bandwidth_bps = 8e9; /* 1 byte per ns */
	pr->params_bytes[0] = pr->params_bytes[1] = 40000;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("analytic", pr, s);
	int64_t coll = 3 * 100 + 40000 * 3 / 4; /* (n-1) alpha + (n-1)/n bytes / bandwidth */
	is_int(r->op_start_ns[r->op_offset[0]], coll, "the first F waits for its all-gather");
	is_int((int64_t)r->n_collectives, 4, "an all-gather and a reduce-scatter per device");
	is_int(r->transfers[0].bytes, 4 * 1000, "a DC-crossing message carries every replica's");
	int64_t hop = 50000 + 4000; /* 4000 bytes at 8 Gb/s */
	int64_t want = coll + 2 * 3000 + 2 * 3000 + 2 * hop + coll;
	is_int(r->makespan_ns, want, "makespan: all-gather, the pipeline, then the reduce-scatter");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* datacenters.split: dp: the pipeline stays in one DC; the gradients cross the WAN at the end. */
static void dp_across_datacenters(void)
{
	xp_params *pr = fx_new(2, 1, 3000, 2000, 1000);
	fx_datacenters(pr, 2, 50000, 8e9); /* 1 byte per ns across the DCs */
	pr->placement[1] = 0;              /* every pipeline inside one DC */
	pr->dp = 2;
	pr->dp_across_dc = 1;
	pr->params_bytes[0] = 30000;
	pr->params_bytes[1] = 10000;
	xp_schedule *s = fx_build("1f1b", pr);
	xp_result *r = fx_run("analytic", pr, s);
	int64_t pipeline = 2 * 3000 + 2 * 3000; /* free intra-DC links and collectives */
	is_int(r->makespan_ns, pipeline + 2 * 50000 + 40000,
	       "split dp: the pipeline, then 2 latencies + the model's bytes over the WAN");
	int wan = 0;
	for (size_t i = 0; i < r->n_collectives; i++)
		wan += r->collectives[i].kind == XP_COLL_WAN_ALLREDUCE &&
		       r->collectives[i].start_ns == pipeline;
	is_int(wan, 2,
	       "the all-reduce across DCs starts when the pipeline has ended, on every device");
	is_int(r->wan_busy_ns, 0, "no pipeline message crosses the WAN");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* Flat against hierarchical DP across 2 DCs, by hand. p=2, m=1, 1f1b (F, B on each device),
 * T_F = 3000, T_B = T_D + T_W = 3000 ns; dp = 4 replicas, 2 per DC; the intra-DC link is free
 * of latency at 1 byte/ns (a 1000-byte message hops in 1000 ns), the WAN 50 us at 1 byte/ns;
 * parameters 40000 bytes on stage 0, 20000 on stage 1.
 * flat (split dp): the in-DC rings run over all 4 replicas: all-gathers 3/4 of the bytes
 *   (30000 and 15000 ns); F0 on device 0 [30000, 33000], hop, F0 and B0 on device 1 [34000,
 *   40000], its reduce-scatter [40000, 55000]; hop, B0 on device 0 [41000, 44000], its
 *   reduce-scatter [44000, 74000]; then one all-reduce of the model's 60000 bytes across the
 *   DCs: 2 latencies + 2(D-1)/D x 60000 bytes = 160000 ns: 234000 in all.
 * hierarchical: the in-DC rings run over the 2 replicas of a DC: all-gathers 20000 and
 *   10000 ns; F0 [20000, 23000], device 1 [24000, 30000], its reduce-scatter [30000, 40000];
 *   B0 on device 0 [31000, 34000], its reduce-scatter [34000, 54000]. Device 1's shards take the
 *   WAN at 40000 for 20000 bytes (2(D-1)/D x 20000) and end 2 latencies later, at 160000;
 *   device 0's wait for the WAN until 60000, hold it for 40000 and end at 200000. */
static void hierarchical_against_flat(void)
{
	int64_t want[2] = { 234000, 200000 }, ends[2] = { 160000, 200000 };
	for (int hier = 0; hier < 2; hier++) {
		xp_params *pr = fx_new(2, 1, 3000, 2000, 1000);
		fx_datacenters(pr, 2, 50000, 8e9);
		pr->placement[1] = 0;
		pr->intra_dc.bandwidth_bps = 8e9;
		pr->dp = 4;
		pr->dp_across_dc = 1;
		pr->dp_hierarchical = hier;
		pr->params_bytes[0] = 40000;
		pr->params_bytes[1] = 20000;
		xp_schedule *s = fx_build("1f1b", pr);
		xp_result *r = fx_run("analytic", pr, s);
		is_int(r->makespan_ns, want[hier], "%s DP across 2 DCs: the iteration by hand",
		       hier ? "hierarchical" : "flat");
		int64_t end[2] = { -1, -1 };
		for (size_t i = 0; i < r->n_collectives; i++)
			if (r->collectives[i].kind == XP_COLL_WAN_ALLREDUCE)
				end[r->collectives[i].device] = r->collectives[i].end_ns;
		if (hier)
			ok(end[1] == ends[0] && end[0] == ends[1],
			   "hierarchical: device 1's shards end at 160000, device 0's at 200000 "
			   "(got %lld, %lld)",
			   (long long)end[1], (long long)end[0]);
		else
			ok(end[0] == want[0] && end[1] == want[0],
			   "flat: one all-reduce on every device, ending with the iteration");
		xp_result_free(r);
		xp_schedule_free(s);
		fx_free(pr);
	}
}

/* model.weight_release 0.2: W releases 20% of M_F, D the rest. zbh2 at p=4, m=8: device k runs
 * 2(p-k)-1 warm-up forwards (all 8 at most), then D_j followed by the next F while any remain,
 * so until the last F starts only D's have released memory. Peaks in units of 100 bytes (M_F =
 * 1000): device 0: 7 F, D0 (-8), F7 -> 72; device 1: 5 F, then 3 x (D -8, F +10) -> 56;
 * device 2: 3 F + 5 x 2 -> 40; device 3: 1 F + 7 x 2 -> 24. With the split swapped (D 20%)
 * the peaks would be 78, 74, 70, 66; with 0.5 they are 75, 65, 55, 45. */
static void weight_release_split(void)
{
	xp_params *pr = fx_new(4, 8, T, T, T);
	pr->weight_release = 0.2;
	xp_schedule *s = fx_build("zbh2", pr);
	xp_result *r = fx_run("ideal", pr, s);
	int64_t want[4] = { 7200, 5600, 4000, 2400 };
	for (int d = 0; d < 4; d++)
		is_int(r->peak_memory_bytes[d], want[d],
		       "zbh2 p=4 m=8, W releases 20%%: device %d's peak", d);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* dp=4 with two chunks per device: each chunk has its own all-gather (chunk 0's first, back to
 * back), and the first F of chunk 1 waits for chunk 1's. p=2, m=2, T_F=2000 (1000 per chunk),
 * one DC with links of 100 ns and 1 byte/ns; 80000 parameter bytes per device, so 40000 per
 * chunk: one all-gather takes 3*100 + 40000*3/4 = 30300 ns. */
static void allgather_per_chunk(void)
{
	const char *const names[] = { "zbv", "interleaved" };
	for (int i = 0; i < 2; i++) {
		xp_params *pr = fx_new(2, 2, 2 * T, 2 * T, 2 * T);
		pr->dp = 4;
		pr->intra_dc.latency_ns = 100;
		pr->intra_dc.bandwidth_bps = 8e9;
		pr->params_bytes[0] = pr->params_bytes[1] = 80000;
		xp_schedule *s = fx_build(names[i], pr);
		xp_result *r = fx_run("analytic", pr, s);
		/* zbv: part 2 is device 1's chunk 1; its F0 needs part 1's F0 (same device, done at
		 * 30300 + 1000 + 1100 + 1000 = 33400) and chunk 1's all-gather, over at 60600.
		 * interleaved: part 2 is device 0's chunk 1; part 1's F0 ends at 33400 on device 1,
		 * arrives at 34500, and chunk 1's all-gather ends at 60600. */
		int dev = i == 0 ? 1 : 0;
		const xp_op *ops = xp_schedule_ops(s, dev);
		size_t k = 0;
		while (!(ops[k].kind == XP_OP_F && ops[k].chunk == 1 && ops[k].mb == 0))
			k++;
		is_int(r->op_start_ns[r->op_offset[dev] + k], 2 * 30300,
		       "%s dp=4: F0 of chunk 1 on device %d waits for its own all-gather", names[i],
		       dev);
		int ag1 = 0;
		for (size_t c = 0; c < r->n_collectives; c++)
			ag1 += r->collectives[c].kind == XP_COLL_ALLGATHER &&
			       r->collectives[c].chunk == 1 &&
			       r->collectives[c].start_ns == 30300 &&
			       r->collectives[c].end_ns == 60600;
		is_int(ag1, 2, "%s dp=4: chunk 1's all-gather follows chunk 0's on both devices",
		       names[i]);
		is_int((int64_t)r->n_collectives, 8,
		       "%s dp=4: 2 all-gathers + 2 reduce-scatters per "
		       "device",
		       names[i]);
		xp_result_free(r);
		xp_schedule_free(s);
		fx_free(pr);
	}
}

/* zbh1 against 1f1b, exactly: p=2, m=2, T_F = T_D = T_W = T, 2 DCs 500 ns apart, free
 * bandwidth. 1f1b: device 1 runs F0 1500-2500, B0 -4500, F1 -5500, B1 -7500; device 0's B0
 * waits for 5000 and B1 for 8000: 10000. zbh1: device 1 runs F0 1500, D0 2500, F1 3500, D1 4500,
 * W0, W1 until 7500; device 0 runs D0 at 4000, W0 5000, D1 6000, W1 7000-8000: 8000. */
static void zbh1_against_1f1b(void)
{
	xp_params *pr = fx_new(2, 2, T, T, T);
	fx_datacenters(pr, 2, 500, INFINITY);
	is_int(run_makespan("1f1b", "analytic", pr), 10 * T, "1f1b p=2 m=2 across 2 DCs by hand");
	is_int(run_makespan("zbh1", "analytic", pr), 8 * T, "zbh1 p=2 m=2 across 2 DCs by hand");
	fx_free(pr);
}

/* robustness with no noise: every sample is the makespan, so min = median = p95 = max = mean */
static void robustness_without_noise(void)
{
	xp_params *pr = fx_new(4, 8, T, 2 * T, T);
	fx_datacenters(pr, 2, 3 * T, 8e9);
	pr->jitter = 0;
	pr->jitter_samples = 11;
	xp_schedule *s = fx_build("zbh1", pr);
	xp_result *r = fx_run("analytic", pr, s);
	xp_error err;
	xp_status st = xp_robustness_run(pr, s, r, &err);
	const xp_robustness *b = &r->robust;
	ok(st == XP_OK && b->samples == 11 && b->min_ns == r->makespan_ns &&
	       b->median_ns == r->makespan_ns && b->p95_ns == r->makespan_ns &&
	       b->max_ns == r->makespan_ns && b->mean_ns == r->makespan_ns,
	   "jitter 0: min, median, p95, max and mean all equal the makespan");
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* A summary run (xp_result_summary_only, what run --format json and sweeps use) writes no op
 * times and reports the metrics of the full record, collectives included in the extent. */
static void summary_only(void)
{
	xp_params *pr = fx_new(4, 8, T, 2 * T, T);
	fx_datacenters(pr, 2, 3 * T, 8e9);
	pr->dp = 2;
	pr->intra_dc.latency_ns = 100;
	pr->intra_dc.bandwidth_bps = 8e9;
	for (int d = 0; d < 4; d++)
		pr->params_bytes[d] = 40000;
	xp_schedule *s = fx_build("zbv", pr);
	xp_result *full = fx_run("analytic", pr, s), *sum = xp_result_new(s, "analytic");
	size_t n = full->op_offset[full->devices];
	if (!sum)
		bail("out of memory");
	xp_result_summary_only(sum);
	memset(sum->op_start_ns, 0x5a, n * sizeof(int64_t));
	xp_error err;
	ok(xp_engine_find("analytic")->run(pr, s, sum, &err) == XP_OK, "the summary run succeeds");
	int same = sum->makespan_ns == full->makespan_ns &&
	           sum->max_device_span_ns == full->max_device_span_ns &&
	           sum->wan_queue_ns == full->wan_queue_ns && sum->wan_busy_ns == full->wan_busy_ns;
	for (int d = 0; d < full->devices; d++)
		same &= sum->busy_ns[d] == full->busy_ns[d] &&
		        sum->bubble_ratio[d] == full->bubble_ratio[d] &&
		        sum->first_start_ns[d] == full->first_start_ns[d];
	ok(same, "the same makespan, spans, busy times, bubbles and WAN sums as the full record");
	ok(full->n_collectives > 0 && full->first_start_ns[0] > 0,
	   "the first op waits for an all-gather, so the extent includes a collective");
	int untouched = 1;
	for (size_t i = 0; i < n; i++)
		untouched &= sum->op_start_ns[i] == (int64_t)0x5a5a5a5a5a5a5a5aULL;
	ok(untouched && sum->n_transfers == 0, "no op time and no transfer is recorded");
	xp_result_free(sum);
	xp_result_free(full);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	plan(9 + 3 + 2 + 4 + 3 + 4 + 1 + 4 + 3 + 1 + 4 + 6 + 1 + 2 + 4 + 4);
	summary_only();
	zbh1_against_1f1b();
	weight_release_split();
	allgather_per_chunk();
	robustness_without_noise();
	data_parallel();
	dp_across_datacenters();
	hierarchical_against_flat();
	closed_forms();
	memory_1f1b();
	two_stage_hand_sum();
	queueing();
	deadlock();
	determinism();
	return done_testing();
}

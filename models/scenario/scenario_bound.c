/* scenario_bound.c: an upper bound on the times of any execution of a resolved scenario, so that
 * a scenario whose times could leave int64 nanoseconds is refused before anything runs, naming
 * the key that makes the times that large. */
#include <math.h>
#include <string.h>

#include "scenario/scenario_int.h"

/* The parts of the bound, each with the key that sets it. */
typedef struct term {
	const char *key;
	long double ns;
} term;

/* Serialisation of bytes over bps, in ns (infinite for a zero bandwidth). */
static long double ser_ns(long double bytes, double bps)
{
	if (bytes <= 0 || isinf(bps))
		return 0;
	return bps > 0 ? bytes * 8e9L / bps : INFINITY;
}

/* Compute: every block of every stage, m times (a chunked schedule splits the same time). */
static void compute_terms(const xp_params *pr, term *t)
{
	long double f = 0, d = 0, w = 0;
	for (int k = 0; k < pr->stages; k++) {
		f += pr->forward_ns[k];
		d += pr->backward_input_ns[k];
		w += pr->backward_weight_ns[k];
	}
	long double m = pr->microbatches;
	t[0] = (term){ "model.forward", m * f };
	t[1] = (term){ "model.backward_input", m * d };
	t[2] = (term){ "model.backward_weight", m * w };
}

/* The slowest inter-DC link: the class, or a pair of network.inter_dc.pairs. */
static xp_link_class worst_wan(const xp_params *pr)
{
	xp_link_class w = pr->inter_dc;
	for (int i = 0; pr->dc_pairs && i < pr->datacenters * pr->datacenters; i++) {
		const xp_dc_pair *e = &pr->dc_pairs[i];
		if (!e->given)
			continue;
		w.latency_ns =
		    e->link.latency_ns > w.latency_ns ? e->link.latency_ns : w.latency_ns;
		if (e->link.bandwidth_bps < w.bandwidth_bps)
			w.bandwidth_bps = e->link.bandwidth_bps;
	}
	return w;
}

/* Transfers: two messages per microbatch and part boundary, each on the slower link class. */
static void transfer_terms(const xp_reader *rd, const xp_params *pr, term *t)
{
	int v = pr->chunks > 2 ? pr->chunks : 2;
	long double n = 2.0L * pr->microbatches * ((long double)pr->stages * v - 1);
	long double msg = pr->message_bytes, wan_msg = msg * pr->dp;
	int wan = pr->datacenters > 1;
	xp_link_class w = worst_wan(pr);
	t[0] = (term){ "network.intra_dc.bandwidth", n * ser_ns(msg, pr->intra_dc.bandwidth_bps) };
	t[1] = (term){ "network.intra_dc.latency", n * (long double)pr->intra_dc.latency_ns };
	t[2] = (term){ xp_reader_get(rd, "network.inter_dc.bandwidth_ratio")
		           ? "network.inter_dc.bandwidth_ratio"
		           : "network.inter_dc.bandwidth",
		       wan ? n * ser_ns(wan_msg, w.bandwidth_bps * (1 - pr->background.load)) : 0 };
	t[3] = (term){ xp_reader_get(rd, "network.inter_dc.latency_ratio")
		           ? "network.inter_dc.latency_ratio"
		           : "network.inter_dc.latency",
		       wan ? n * (long double)w.latency_ns : 0 };
}

/* DP collectives: an all-gather and a reduce-scatter of every chunk of every stage over the
 * intra-DC ring, and the WAN all-reduce of datacenters.split: dp (hierarchical: one per chunk,
 * each paying the ring's latencies), on the slowest inter-DC link. */
static void collective_terms(const xp_params *pr, term *t)
{
	int v = pr->chunks > 2 ? pr->chunks : 2;
	long double params = 0, n = pr->dp, ring = (n - 1) / n;
	for (int k = 0; k < pr->stages; k++)
		params += pr->params_bytes[k];
	t[0] = (term){ "model.params", 0 };
	t[1] = (term){ "network.intra_dc.latency", 0 };
	if (pr->dp > 1) {
		t[0].ns = 2 * ser_ns(params * ring, pr->intra_dc.bandwidth_bps);
		t[1].ns = 2.0L * v * pr->stages * (n - 1) * (long double)pr->intra_dc.latency_ns;
	}
	t[2] = (term){ "model.params", 0 };
	if (pr->dp_across_dc && pr->datacenters > 1) {
		long double D = pr->datacenters;
		xp_link_class w = worst_wan(pr);
		t[2].ns = ser_ns(params * 2 * (D - 1) / D, w.bandwidth_bps) +
		          2 * (D - 1) * (long double)w.latency_ns *
		              (pr->dp_hierarchical ? pr->stages * v : 1);
	}
}

xp_status xp_check_time_bound(const xp_reader *rd, const xp_params *pr)
{
	term t[10];
	compute_terms(pr, t);
	transfer_terms(rd, pr, t + 3);
	collective_terms(pr, t + 7);
	/* noisy re-timing multiplies each time by a log-normal factor; e^(10 sigma) bounds it */
	long double noise = pr->jitter > 0 ? expl(10 * sqrtl(log1pl(pr->jitter * pr->jitter))) : 1;
	long double sum = 0;
	int top = 0;
	for (int i = 0; i < 10; i++) {
		sum += t[i].ns;
		if (t[i].ns > t[top].ns)
			top = i;
	}
	if (!(sum * noise > (long double)XP_SAFE_NS)) /* also catches NaN */
		return XP_OK;
	const xp_node *n = xp_reader_get(rd, t[top].key);
	return xp_reader_fail(rd, n ? n : rd->root, t[top].key,
	                      "makes an execution's times too large: up to %.3Lg s in total, more "
	                      "than the %.3Lg s (2^62 ns) that times can hold",
	                      sum * noise * 1e-9L, (long double)XP_SAFE_NS * 1e-9L);
}

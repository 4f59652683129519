/* oracle_test.c: every generator's schedules, and random valid orders, timed by the analytic and
 * the ideal engine agree exactly with the independent oracle (tests/oracle.c) on seeded random
 * scenarios: every op's start and end, every message's window and arrival, every collective,
 * the makespan, the memory peaks, fits_memory and the WAN sums. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "oracle.h"
#include "schedule/schedule_check.h"
#include "tap.h"

enum { SCENARIOS = 1500, ADAPTIVE_EVERY = 25 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static int rnd(int lo, int hi) /* uniform in [lo, hi] */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return lo + (int)(rng_state % (uint64_t)(hi - lo + 1));
}

static double pick_bps(double lo_gbps, int steps)
{
	return rnd(0, 5) == 0 ? INFINITY : lo_gbps * 1e9 * rnd(1, steps) + rnd(0, 999);
}

/* A scenario drawn from the generator: heterogeneous per-stage times (sometimes all equal, for
 * ties), 1-3 datacenters in contiguous or scattered placement (or datacenters.split: dp), finite
 * or free links inside and between DCs, dp 1-4, memory 1-3x the 1F1B budget. */
static xp_params *random_scenario(int small)
{
	int p = rnd(2, small ? 4 : 5), m = rnd(1, small ? 6 : 8);
	if (rnd(0, 2) == 0)
		m = p * rnd(1, small ? 1 : 2); /* interleaved needs a multiple of p */
	xp_params *pr = fx_new(p, m, 6000, 6000, 6000);
	int equal = rnd(0, 3) == 0;
	pr->chunks = rnd(2, 3);
	for (int k = 0; k < p && !equal; k++) {
		pr->forward_ns[k] = rnd(1000, 9000);
		pr->backward_input_ns[k] = rnd(1000, 12000);
		pr->backward_weight_ns[k] = rnd(500, 9000);
		pr->activation_bytes[k] = rnd(1, 9) * 1001;
	}
	static const double release[] = { 0.5, 0.2, 0.3, 0.75 };
	pr->weight_release = release[rnd(0, 3)];
	int dcs = rnd(1, p < 3 ? p : 3);
	fx_datacenters(pr, dcs, rnd(0, 30000), pick_bps(0.1, 40));
	if (rnd(0, 3) == 0)
		for (int k = 0; k < p; k++)
			pr->placement[k] = rnd(0, dcs - 1);
	pr->intra_dc.latency_ns = rnd(0, 2) ? rnd(0, 800) : 0;
	pr->intra_dc.bandwidth_bps = pick_bps(5, 80);
	pr->message_bytes = rnd(1, 20) * 997;
	if (rnd(0, 1)) {
		pr->dp = rnd(2, 4);
		for (int k = 0; k < p; k++)
			pr->params_bytes[k] = rnd(1, 100) * 10007;
		if (dcs > 1 && rnd(0, 3) == 0) {
			pr->dp_across_dc = 1;
			for (int k = 0; k < p; k++)
				pr->placement[k] = 0;
		}
	}
	fx_memory_factor(pr, 1.0 + rnd(0, 8) * 0.25);
	pr->n_sub = rnd(1, 4);
	return pr;
}

/* A random order that can always finish: a random topological order of all pieces (each block
 * cut into 1-3 pieces), projected onto the devices. Placement loop, V or scattered. */
static xp_schedule *random_order(const xp_params *pr)
{
	int p = pr->stages, m = pr->microbatches, v = rnd(1, 3), parts = p * v, split = rnd(0, 1);
	int *dev = malloc((size_t)parts * sizeof *dev), kinds = split ? 3 : 2, style = rnd(0, 2);
	for (int q = 0; q < parts; q++)
		dev[q] = style == 1 && v == 2 ? (q < p ? q : 2 * p - 1 - q) : q % p;
	for (int q = parts - 1; q > 0 && style == 2; q--) {
		int j = rnd(0, q), t = dev[q];
		dev[q] = dev[j];
		dev[j] = t;
	}
	xp_schedule *s = xp_schedule_new(p, v, m, dev);
	if (!s)
		bail("xp_schedule_new failed");
	xp_schedule_set_name(s, "random-order");
	size_t n = (size_t)parts * m * kinds;
	int *placed = calloc(n, sizeof *placed), *nsub = malloc(n * sizeof *nsub);
	int *cand = malloc(n * sizeof *cand);
	for (size_t i = 0; i < n; i++)
		nsub[i] = rnd(0, 3) ? 1 : rnd(2, 3);
		/* block index (q * m + j) * kinds + t, t: 0 F, 1 B or D, 2 W */
#define BLK(q, j, t) (((size_t)(q)*m + (j)) * kinds + (t))
#define DONE(b)      (placed[b] == nsub[b])
	for (;;) {
		int nc = 0;
		for (int q = 0; q < parts; q++)
			for (int j = 0; j < m; j++)
				for (int t = 0; t < kinds; t++) {
					size_t b = BLK(q, j, t);
					int ready = t == 0   ? q == 0 || DONE(BLK(q - 1, j, 0))
					            : t == 2 ? DONE(BLK(q, j, 1))
					            : q == parts - 1 ? DONE(BLK(q, j, 0))
					                             : DONE(BLK(q + 1, j, 1));
					if (ready && !DONE(b))
						cand[nc++] = (int)b;
				}
		if (nc == 0)
			break;
		size_t b = (size_t)cand[rnd(0, nc - 1)];
		int q = (int)(b / kinds / m), j = (int)(b / kinds % m), t = (int)(b % kinds);
		int kind = t == 0 ? XP_OP_F : t == 2 ? XP_OP_W : split ? XP_OP_D : XP_OP_B;
		xp_op op = { .kind = (uint8_t)kind,
			     .chunk = (uint8_t)xp_schedule_chunk_of(s, q),
			     .lo = (uint16_t)placed[b],
			     .hi = (uint16_t)(placed[b] + 1),
			     .nsub = (uint16_t)nsub[b],
			     .mb = j };
		if (xp_schedule_add(s, dev[q], op) != XP_OK)
			bail("xp_schedule_add failed");
		placed[b]++;
	}
#undef BLK
#undef DONE
	free(dev);
	free(placed);
	free(nsub);
	free(cand);
	return s;
}

typedef struct tally {
	const char *name;
	int cases, bad, ideal_bad;
} tally;

/* Time s on both engines and the oracle; count the case and any disagreement. */
static void compare(tally *t, const xp_params *pr, const xp_schedule *s, int scenario)
{
	xp_error err;
	if (xp_schedule_check(s, &err) != XP_OK)
		bail("%s: scenario %d: %s", t->name, scenario, err.msg);
	for (int ideal = 0; ideal < 2; ideal++) {
		xp_result *r = fx_run(ideal ? "ideal" : "analytic", pr, s);
		xo_result o;
		char why[256];
		if (xo_run(pr, s, ideal, &o))
			bail("%s: scenario %d: the oracle finds a cyclic wait", t->name, scenario);
		if (!xo_same(&o, r, why, sizeof why)) {
			int *bad = ideal ? &t->ideal_bad : &t->bad;
			if ((*bad)++ < 3)
				diag("%s %s scenario %d: %s", t->name, ideal ? "ideal" : "analytic",
				     scenario, why);
		}
		xo_free(&o);
		xp_result_free(r);
	}
	t->cases++;
}

static const char *const statics[] = { "gpipe", "1f1b", "interleaved", "zbh1", "zbh2", "zbv" };
static const char *const adaptive[] = { "crossudsub", "greedy", "greedy-v" };
enum { NSTATIC = 6, NADAPTIVE = 3, NGEN = NSTATIC + NADAPTIVE + 1 };

static void run_generator(tally *t, const char *name, const xp_params *pr, int scenario)
{
	if (!strcmp(name, "interleaved") && pr->microbatches % pr->stages)
		return;
	xp_schedule *s = fx_build(name, pr);
	compare(t, pr, s, scenario);
	xp_schedule_free(s);
}

/* One hand-checked case, so that the oracle itself is pinned: 2 stages in 2 DCs, 1F1B with m=2,
 * T_F=10, T_B=20 (D 12 + W 8), 1000-byte messages at 2e12 b/s (4 ns) plus 3 ns latency. */
static void hand_case(void)
{
	xp_params *pr = fx_new(2, 2, 10, 12, 8);
	fx_datacenters(pr, 2, 3, 2e12);
	xp_schedule *s = fx_build("1f1b", pr);
	xo_result o;
	xo_run(pr, s, 0, &o);
	/* device 0: F0 0-10, F1 10-20; F0's activation on the link 10-14, at device 1 at 17.
	 * device 1: F0 17-27, B0 27-47; F1's activation: link 20-24, arrives 27, F1 47-57,
	 * B1 57-77. B0's gradient: link 47-51, arrives 54: device 0's B0 54-74; B1's gradient
	 * 77-81, arrives 84: B1 84-104. */
	int64_t want[] = { 0, 10, 10, 20, 54, 74, 84, 104, 17, 27, 27, 47, 47, 57, 57, 77 };
	int same = 1;
	for (int i = 0; i < 8; i++)
		same &= o.start[i] == want[2 * i] && o.end[i] == want[2 * i + 1];
	ok(same && o.makespan_ns == 104 && o.n_tr == 4,
	   "the oracle times a 2-stage 1F1B across two DCs as worked out by hand");
	xo_free(&o);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	tally t[NGEN] = { { 0 } };
	for (int g = 0; g < NSTATIC; g++)
		t[g].name = statics[g];
	for (int g = 0; g < NADAPTIVE; g++)
		t[NSTATIC + g].name = adaptive[g];
	t[NGEN - 1].name = "random valid order";
	plan(2 * NGEN + 3);
	hand_case();
	for (int sc = 0; sc < SCENARIOS; sc++) {
		int adaptive_too = sc % ADAPTIVE_EVERY == 0;
		xp_params *pr = random_scenario(adaptive_too);
		for (int g = 0; g < NSTATIC; g++)
			run_generator(&t[g], statics[g], pr, sc);
		for (int g = 0; g < NADAPTIVE && adaptive_too; g++)
			run_generator(&t[NSTATIC + g], adaptive[g], pr, sc);
		for (int k = 0; k < 2; k++) {
			xp_schedule *s = random_order(pr);
			compare(&t[NGEN - 1], pr, s, sc);
			xp_schedule_free(s);
		}
		fx_free(pr);
	}
	int total = 0;
	for (int g = 0; g < NGEN; g++) {
		total += t[g].cases;
		is_int(t[g].bad, 0, "%s: the analytic engine equals the oracle on %d random cases",
		       t[g].name, t[g].cases);
		is_int(t[g].ideal_bad, 0,
		       "%s: the ideal engine equals the free-communication oracle", t[g].name);
	}
	ok(total >= 10000, "%d seeded random cases in all (at least 10,000)", total);
	ok(t[NGEN - 1].cases == 2 * SCENARIOS, "every random order was timed");
	return done_testing();
}

/* solver_test.c: the solver-optimal schedules: against brute force, static and greedy schedules,
 * memory, errors, time limits, determinism, and both exact methods. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "schedules/schedules.h"
#include "solver/solver_int.h"
#include "tap.h"

#define MS 1000000

/* Z3 resource units per query: where a search stops depends on this, not on the machine's speed
 * or load (a wall-clock limit failed these proofs under ASan at load 20+). Every proof below
 * needs at most 600,000 (measured: at 300,000 optimal-v p=4 m=6 stops unproven, at 100,000 two
 * proofs fail); the time limit is only a backstop. */
#define WORK 2000000

/* p stages, m microbatches, 1 ms blocks, 2 DCs at (lat, bw) ratios of T_F, memory factor. */
static xp_params *grid(int p, int m, double lat, double bw, double mem)
{
	xp_params *pr = fx_new(p, m, MS, MS, MS);
	fx_datacenters(pr, 2, (int64_t)(lat * MS), bw > 0 ? 8000.0 / (bw * 1e-3) : INFINITY);
	fx_memory_factor(pr, mem);
	pr->solver_time_limit_ns = 600 * (int64_t)1000000000;
	pr->solver_work_limit = WORK;
	return pr;
}

static xp_schedule *solve(const xp_params *pr, int vplace, const char *method)
{
	xp_schedule *s = NULL;
	xp_error err;
	if (xp_solver_run(pr, vplace, method, vplace ? "optimal-v" : "optimal", &s, &err) != XP_OK)
		bail("solver: %s", err.msg);
	return s;
}

static int64_t makespan(const xp_params *pr, const xp_schedule *s)
{
	xp_result *r = fx_run("analytic", pr, s);
	int64_t ns = r->fits_memory ? r->makespan_ns : -1;
	xp_result_free(r);
	return ns;
}

/* ---- brute force: every per-device order that keeps each block type in microbatch order ---- */

typedef struct enum_ctx {
	const xp_solver_instance *in;
	int *orders; /* per device: a list of orders of per_dev blocks */
	int n_orders[8], cap;
	int cur[64];
	char placed[64];
} enum_ctx;

static void device_orders(enum_ctx *E, int d, int k)
{
	const xp_solver_instance *in = E->in;
	int pd = in->per_dev, lo = d * pd;
	if (k == pd) {
		if (E->n_orders[d] == E->cap)
			bail("too many orders");
		memcpy(E->orders + ((size_t)d * E->cap + E->n_orders[d]++) * pd, E->cur,
		       (size_t)pd * sizeof(int));
		return;
	}
	for (int b = lo; b < lo + pd; b++) {
		int ok_next = !E->placed[b - lo];
		for (int u = lo; ok_next && u < lo + pd; u++)
			if (!E->placed[u - lo] && u != b && xp_solver_precedes(in, u, b))
				ok_next = 0;
		if (!ok_next)
			continue;
		E->placed[b - lo] = 1;
		E->cur[k] = b;
		device_orders(E, d, k + 1);
		E->placed[b - lo] = 0;
	}
}

static int64_t brute(const xp_params *pr, int vplace, long *tried)
{
	xp_solver_instance *in = NULL;
	xp_error err;
	if (xp_solver_instance_new(pr, vplace, &in, &err) != XP_OK)
		bail("%s", err.msg);
	enum_ctx E = { .in = in, .cap = 4000 };
	E.orders = malloc((size_t)in->p * E.cap * in->per_dev * sizeof(int));
	int *blk = malloc((size_t)in->n * sizeof *blk), idx[8] = { 0 };
	for (int d = 0; d < in->p; d++)
		device_orders(&E, d, 0);
	int64_t best = -1;
	for (*tried = 0;; ++*tried) {
		for (int d = 0; d < in->p; d++)
			memcpy(blk + d * in->per_dev,
			       E.orders + ((size_t)d * E.cap + idx[d]) * in->per_dev,
			       (size_t)in->per_dev * sizeof(int));
		int64_t ns = xp_solver_evaluate(in, blk);
		if (ns >= 0 && (best < 0 || ns < best))
			best = ns;
		int d = 0;
		while (d < in->p && ++idx[d] == E.n_orders[d])
			idx[d++] = 0;
		if (d == in->p)
			break;
	}
	free(E.orders);
	free(blk);
	xp_solver_instance_free(in);
	return best;
}

/* dp > 1: each chunk's all-gather and reduce-scatter take coll_ms (intra-DC links of 2 Gb/s) */
static void brute_case(int p, int m, int vplace, double lat, double bw, double mem, int dp,
                       double coll_ms)
{
	xp_params *pr = grid(p, m, lat, bw, mem);
	long tried;
	pr->solver_gap = 0;
	if (dp > 1) { /* (params / v) (dp-1)/dp bytes at 2 Gb/s: 4 ns a byte */
		pr->dp = dp;
		pr->intra_dc.bandwidth_bps = 2e9;
		for (int k = 0; k < p; k++)
			pr->params_bytes[k] =
			    (int64_t)(coll_ms * MS / 4 * dp / (dp - 1)) * (vplace ? 2 : 1);
	}
	int64_t want = brute(pr, vplace, &tried);
	xp_solver_instance *in = NULL;
	xp_error err;
	if (xp_solver_instance_new(pr, vplace, &in, &err) != XP_OK)
		bail("instance: %s", err.msg);
	int64_t mb = xp_solver_memory_bound(in, 4 * want, 1e18);
	ok(mb <= want && xp_solver_cuts_at(in, want, 1e18) == 1,
	   "p=%d m=%d %s (%g,%g) %gx dp=%d: the memory bound %lld <= the optimum %lld, and the "
	   "cuts admit it",
	   p, m, vplace ? "V" : "UD", lat, bw, mem, dp, (long long)mb, (long long)want);
	xp_solver_instance_free(in);
	xp_schedule *s = solve(pr, vplace, "z3");
	is_int(makespan(pr, s), want,
	       "%s p=%d m=%d (%g,%g) %gx dp=%d (collectives %g ms): the optimum equals brute force "
	       "over %ld orders",
	       vplace ? "optimal-v" : "optimal", p, m, lat, bw, mem, dp, coll_ms, tried);
	const xp_solver_info *si = xp_schedule_solver(s);
	ok(si && si->objective_ns == want && si->bound_ns == want &&
	       si->status == XP_SOLVER_OPTIMAL,
	   "%s p=%d m=%d dp=%d: the solver proves it: objective %lld = bound %lld, %s",
	   vplace ? "optimal-v" : "optimal", p, m, dp, si ? (long long)si->objective_ns : -1LL,
	   si ? (long long)si->bound_ns : -1LL, si ? xp_solver_status_name(si->status) : "none");
	xp_schedule_free(s);
	fx_free(pr);
}

/* p=3, m=3, (1,1), 0.7x: the whole-block optimum (brute force) is 22 ms, and the memory bound
 * finds exactly that; the greedy's split blocks reach 21.875 ms, so `optimal` returns the greedy's
 * schedule, never labelled optimal, with the note. */
static void pieces_beat_whole_blocks(void)
{
	xp_params *pr = grid(3, 3, 1, 1, 0.7);
	long tried;
	pr->solver_gap = 0;
	int64_t want = brute(pr, 0, &tried);
	xp_solver_instance *in = NULL;
	xp_error err;
	if (xp_solver_instance_new(pr, 0, &in, &err) != XP_OK)
		bail("instance: %s", err.msg);
	is_int(xp_solver_memory_bound(in, 4 * want, 1e18), want,
	       "p=3 m=3 (1,1) 0.7x: the memory bound is the whole-block optimum (%ld orders)",
	       tried);
	xp_solver_instance_free(in);
	xp_schedule *s = solve(pr, 0, "z3");
	const xp_solver_info *si = xp_schedule_solver(s);
	int64_t ns = makespan(pr, s);
	ok(ns < want && si && si->status == XP_SOLVER_FEASIBLE && si->objective_ns == ns,
	   "the greedy's pieces beat it: %lld < %lld, status %s", (long long)ns, (long long)want,
	   si ? xp_solver_status_name(si->status) : "none");
	has_str(si ? si->note : "", "split-block schedule", "and the note says why");
	xp_schedule_free(s);
	fx_free(pr);
}

/* optimal-v with dp=2 and reduce-scatters of coll_ms per chunk: the two chunks of a device share
 * one DP channel, so the reduce-scatter of the chunk that finishes first delays the other's. The
 * solver must prove its optimum (gap 0): its bound and its objective are the makespan the engine
 * re-times. (Z3's own times lie above at p=2, m=3: 32999999 for a re-timed 32500000; the
 * objective once reported that.) */
static void v_dp_proof(int p, int m, double coll_ms)
{
	xp_params *pr = grid(p, m, 1, 1, 1);
	pr->solver_gap = 0;
	pr->dp = 2;
	pr->intra_dc.bandwidth_bps = 2e9;
	for (int k = 0; k < p; k++)
		pr->params_bytes[k] = (int64_t)(coll_ms * MS / 4 * 2) * 2;
	xp_schedule *s = solve(pr, 1, "z3");
	const xp_solver_info *si = xp_schedule_solver(s);
	int64_t ns = makespan(pr, s);
	ok(si && si->status == XP_SOLVER_OPTIMAL && si->bound_ns == ns && ns == si->objective_ns,
	   "optimal-v p=%d m=%d dp=2, %g ms reduce-scatters: proven optimal: bound = re-timed %lld "
	   "= objective %lld (%s)",
	   p, m, coll_ms, (long long)ns, si ? (long long)si->objective_ns : -1LL,
	   si ? xp_solver_status_name(si->status) : "none");
	xp_schedule_free(s);
	fx_free(pr);
}

/* ---- the critical-path bound lb_ns: by hand, by brute force, against every generator ---- */

static int64_t lower_bound(const xp_params *pr, int vplace)
{
	xp_solver_instance *in = NULL;
	xp_error err;
	if (xp_solver_instance_new(pr, vplace, &in, &err) != XP_OK)
		bail("%s", err.msg);
	int64_t lb = in->lb_ns;
	xp_solver_instance_free(in);
	return lb;
}

/* dp > 1 as in brute_case: each chunk's all-gather and reduce-scatter take coll_ms */
static void set_dp(xp_params *pr, int vplace, int dp, double coll_ms)
{
	pr->dp = dp;
	pr->intra_dc.bandwidth_bps = 2e9;
	for (int k = 0; k < pr->stages; k++)
		pr->params_bytes[k] =
		    (int64_t)(coll_ms * MS / 4 * dp / (dp - 1)) * (vplace ? 2 : 1);
}

/* Worked by hand (1 ms blocks; a message at (lat, bw) = (1, 1) takes lat + bw = 2 ms, and twice
 * the bytes with dp=2 across the DCs: 1 + 2 = 3 ms):
 *  - p=2, m=1, dp=1: F0 F1 | D1 D0 W0 is one chain: 5 blocks + 2 messages = 5 + 2*2 = 9 ms.
 *  - the same with dp=2, 2 ms collectives: the chain starts after device 0's all-gather (2 ms)
 *    and ends with its reduce-scatter (2 ms): 2 + 5 + 2*3 + 2 = 15 ms.
 *  - p=2, m=2, one DC, free links, dp=1: device 1 waits 1 ms for F0 and then has 6 blocks: 7 ms,
 *    which the order F0 D0 F1 D1 W0 W1 on device 1 reaches (so it is also the optimum).
 *  - optimal-v p=2, m=1, dp=1, (1, 1): 0.5 ms blocks; F of parts 0,1,2,3, D of parts 3,2,1,0 and
 *    W of part 0 form one chain with 4 messages between devices: 9 * 0.5 + 4 * 2 = 12.5 ms. */
static void bound_by_hand(void)
{
	xp_params *pr = grid(2, 1, 1, 1, 1);
	is_int(lower_bound(pr, 0), 9 * MS, "bound p=2 m=1 (1,1) dp=1: 9 ms by hand");
	set_dp(pr, 0, 2, 2);
	is_int(lower_bound(pr, 0), 15 * MS,
	       "bound p=2 m=1 (1,1) dp=2, 2 ms collectives: all-gather + chain + reduce-scatter = "
	       "15 ms by hand");
	fx_free(pr);
	pr = grid(2, 2, 0, 0, 1);
	long tried;
	is_int(lower_bound(pr, 0), 7 * MS, "bound p=2 m=2 one DC: 7 ms by hand");
	is_int(brute(pr, 0, &tried), 7 * MS, "p=2 m=2 one DC: brute force reaches the bound");
	fx_free(pr);
	pr = grid(2, 1, 1, 1, 1);
	is_int(lower_bound(pr, 1), 12 * MS + MS / 2,
	       "bound optimal-v p=2 m=1 (1,1): 12.5 ms by hand");
	fx_free(pr);
}

/* Seeded tiny cases: the bound never exceeds the brute-force optimum, and meets it when m=1
 * without DP (one chain, nothing to overlap). */
static void bound_below_brute(void)
{
	static const double ratio[] = { 0, 0.5, 1, 2 };
	unsigned seed = 9;
	int sound = 1, tight = 1, cases = 0;
	for (int i = 0; i < 24; i++) {
		seed = seed * 1103515245u + 12345u;
		int vplace = i % 3 == 2, m = vplace ? 1 : 1 + (int)(seed >> 16) % 2;
		int dp = 1 + (int)(seed >> 20) % 2;
		xp_params *pr = grid(2, m, ratio[(seed >> 8) % 4], ratio[(seed >> 12) % 4],
		                     1 + (double)((seed >> 24) % 2));
		if (dp > 1)
			set_dp(pr, vplace, dp, 1 + (double)((seed >> 26) % 3));
		long tried;
		int64_t lb = lower_bound(pr, vplace), opt = brute(pr, vplace, &tried);
		if (lb > opt || (m == 1 && dp == 1 && lb != opt)) {
			diag("case %d: vplace %d m=%d dp=%d: bound %lld, brute force %lld", i,
			     vplace, m, dp, (long long)lb, (long long)opt);
			sound &= lb <= opt;
			tight &= !(m == 1 && dp == 1 && lb != opt);
		}
		cases++;
		fx_free(pr);
	}
	ok(sound, "bound <= the brute-force optimum on %d tiny cases (DP, V, links)", cases);
	ok(tight, "bound = the brute-force optimum where one chain is the whole schedule");
}

/* The link bound (each directed link serialises its windows) and the bounds built on it, against
 * brute force on seeded cases where the bandwidth binds: never above the whole-block optimum, the
 * cuts at the optimum admit it, and on some cases the link bound lies above the critical path (so
 * the check is not empty). */
static void link_bound_below_brute(void)
{
	static const double lat[] = { 0, 0.5, 1 };
	unsigned seed = 11;
	int sound = 1, above = 0, equal = 0, cases = 0;
	for (int i = 0; i < 24; i++) {
		seed = seed * 1103515245u + 12345u;
		int vplace = i % 3 == 2, p = vplace ? 2 : 2 + (int)(seed >> 16) % 2;
		int m = vplace ? 1 + (i == 2) : 5 - p; /* V at m=2: 824,463 orders */
		xp_params *pr = grid(p, m, lat[(seed >> 8) % 3], 2 + (double)((seed >> 12) % 2),
		                     1 + (double)((seed >> 24) % 2));
		long tried;
		int64_t opt = brute(pr, vplace, &tried);
		xp_solver_instance *in = NULL;
		xp_error err;
		if (xp_solver_instance_new(pr, vplace, &in, &err) != XP_OK)
			bail("instance: %s", err.msg);
		int64_t lk = xp_solver_link_bound(in, in->head_ns, in->tail_ns);
		int64_t mb = xp_solver_memory_bound(in, 4 * opt, 1e18);
		int cuts = xp_solver_cuts_at(in, opt, 1e18);
		if (lk > opt || mb > opt || cuts != 1) {
			diag("case %d: %s p=%d m=%d: link %lld, memory %lld, cuts %d, brute force "
			     "%lld",
			     i, vplace ? "V" : "UD", p, m, (long long)lk, (long long)mb, cuts,
			     (long long)opt);
			sound = 0;
		}
		above += lk > in->lb_ns;
		equal += lk == opt && lk > in->lb_ns;
		cases++;
		xp_solver_instance_free(in);
		fx_free(pr);
	}
	ok(sound,
	   "the link bound, the memory bound and the cuts admit the brute-force optimum on %d "
	   "cases",
	   cases);
	ok(above >= 8 && equal >= 2,
	   "the link bound lies above the critical path on %d of them and meets the optimum on %d",
	   above, equal);
}

/* The local search on the incumbent, at p=4, m=8 V (2,2) 1x from the one-microbatch-at-a-time
 * order: it gets faster, its answer is what the engine times for its orders (which therefore fit
 * memory and keep every precedence), and it gives the same orders twice. */
static void polish_case(void)
{
	xp_params *pr = grid(4, 8, 2, 2, 1);
	xp_solver_instance *in = NULL;
	xp_error err;
	if (xp_solver_instance_new(pr, 1, &in, &err) != XP_OK)
		bail("instance: %s", err.msg);
	int *a = malloc((size_t)in->n * sizeof *a), *b = malloc((size_t)in->n * sizeof *b);
	xp_solver_serial_order(in, a);
	int64_t serial = xp_solver_evaluate(in, a);
	memcpy(b, a, (size_t)in->n * sizeof *a);
	int64_t na = xp_solver_polish(in, a, serial, 5000, 1e18),
	        nb = xp_solver_polish(in, b, serial, 5000, 1e18);
	ok(na >= in->lb_ns && na < serial && xp_solver_evaluate(in, a) == na,
	   "polish p=4 m=8 V (2,2) 1x: from the serial order (%lld) to %lld, as the engine times "
	   "it",
	   (long long)serial, (long long)na);
	ok(na == nb && !memcmp(a, b, (size_t)in->n * sizeof *a),
	   "polish gives the same orders twice");
	free(a);
	free(b);
	xp_solver_instance_free(in);
	fx_free(pr);
}

/* Seeded cases: the bound is at most every generator's makespan of its placement, and the solver's
 * reported bound (after a work limit of 2,000 units a query, usually stopped unproven) lies
 * between it and the re-timed objective. */
static void bound_below_generators(void)
{
	static const char *const uni[] = { "gpipe",  "1f1b",       "zbh1", "zbh2",
		                           "greedy", "crossudsub", NULL };
	static const char *const vee[] = { "zbv", "greedy-v", NULL };
	unsigned seed = 4;
	int below = 1, reported = 1;
	for (int i = 0; i < 16; i++) {
		seed = seed * 1103515245u + 12345u;
		int p = 2 + (int)(seed >> 16) % 3, m = 1 + (int)(seed >> 8) % 6, vplace = i % 2;
		xp_params *pr =
		    grid(p, m, (double)((seed >> 12) % 5) / 2, (double)((seed >> 20) % 5) / 2, 2);
		if ((seed >> 24) % 2)
			set_dp(pr, vplace, 2 + (int)(seed >> 25) % 2, 1);
		pr->solver_work_limit = 2000;
		int64_t lb = lower_bound(pr, vplace);
		for (const char *const *n = vplace ? vee : uni; *n; n++) {
			xp_schedule *o = fx_build(*n, pr);
			int64_t ns = makespan(pr, o);
			if (ns >= 0 && lb > ns) {
				diag("case %d p=%d m=%d: bound %lld above %s's %lld", i, p, m,
				     (long long)lb, *n, (long long)ns);
				below = 0;
			}
			xp_schedule_free(o);
		}
		xp_schedule *s = solve(pr, vplace, "z3");
		const xp_solver_info *si = xp_schedule_solver(s);
		int64_t ns = makespan(pr, s);
		if (!si || si->bound_ns < lb || si->bound_ns > ns || ns > si->objective_ns) {
			diag("case %d p=%d m=%d: bound %lld, reported %lld, re-timed %lld, "
			     "objective %lld",
			     i, p, m, (long long)lb, si ? (long long)si->bound_ns : -1LL,
			     (long long)ns, si ? (long long)si->objective_ns : -1LL);
			reported = 0;
		}
		xp_schedule_free(s);
		fx_free(pr);
	}
	ok(below, "the bound is at most every generator's makespan on 16 seeded cases");
	ok(reported,
	   "the solver's reported bound lies between the bound and the re-timed objective");
}

/* ---- the optimum against every other schedule ---- */

static void against_others(int p, int m, double lat, double bw, double mem)
{
	static const char *const uni[] = { "zbh1", "1f1b", "zbh2", "greedy", NULL };
	static const char *const vee[] = { "zbv", "greedy-v", NULL };
	xp_params *pr = grid(p, m, lat, bw, mem);
	for (int vplace = 0; vplace < 2; vplace++) {
		xp_schedule *s = solve(pr, vplace, "z3");
		const xp_solver_info *si = xp_schedule_solver(s);
		xp_result *r = fx_run("analytic", pr, s);
		int64_t opt = r->makespan_ns, worst_gap = 0;
		const char *beaten = "none";
		for (const char *const *n = vplace ? vee : uni; *n; n++) {
			xp_schedule *o = fx_build(*n, pr);
			int64_t ns = makespan(pr, o);
			if (ns >= 0 && opt - ns > worst_gap) {
				worst_gap = opt - ns;
				beaten = *n;
			}
			xp_schedule_free(o);
		}
		const char *what = vplace ? "optimal-v" : "optimal";
		is_str(beaten, "none", "%s p=%d m=%d (%g,%g) %gx: no schedule that fits is faster",
		       what, p, m, lat, bw, mem);
		ok(r->fits_memory, "%s p=%d m=%d (%g,%g) %gx: fits memory", what, p, m, lat, bw,
		   mem);
		ok(si && si->status == XP_SOLVER_OPTIMAL && opt == si->objective_ns &&
		       si->bound_ns <= opt,
		   "%s p=%d m=%d: optimal, bound %lld <= re-timed %lld = objective %lld", what, p,
		   m, si ? (long long)si->bound_ns : -1LL, (long long)opt,
		   si ? (long long)si->objective_ns : -1LL);
		xp_result_free(r);
		xp_schedule_free(s);
	}
	fx_free(pr);
}

static void errors_and_limits(void)
{
	xp_params *pr = grid(3, 4, 1, 1, 1);
	xp_schedule *s = NULL;
	xp_error err;
	pr->memory_limit_bytes[1] = pr->activation_bytes[1] - 1;
	is_int(xp_schedule_kind_find("optimal")->build(pr, &s, &err), XP_EMEMORY,
	       "a memory limit below one microbatch is XP_EMEMORY");
	has_str(err.msg, "memory.limit of device 1", "the message names the device");
	has_str(err.msg, "below one microbatch", "the message says why");
	ok(s == NULL, "and no schedule is returned");
	fx_free(pr);

	pr = grid(4, 8, 1, 1, 1); /* the V placement: its memory bound leaves a gap there */
	pr->solver_time_limit_ns = 1000000; /* 1 ms */
	s = fx_build("optimal-v", pr);
	const xp_solver_info *si = xp_schedule_solver(s);
	ok(si && si->status == XP_SOLVER_TIMEOUT, "a 1 ms limit at p=4 m=8 (1,1) times out (%s)",
	   si ? xp_solver_status_name(si->status) : "no info");
	ok(si && si->gap > pr->solver_gap && si->bound_ns < si->objective_ns,
	   "a timeout reports its gap (%.4f) and bound", si ? si->gap : -1);
	ok(makespan(pr, s) > 0, "a timeout still returns a schedule that fits");
	xp_schedule_free(s);
	fx_free(pr);
}

/* A bound above the critical-path bound holds for whole-block orders only, and the result says
 * so; a bound at the critical path (which holds for split blocks too) needs no note. */
static void whole_block_note(void)
{
	xp_params *pr = grid(4, 8, 2, 2, 1);
	pr->solver_work_limit = 200000;
	xp_schedule *s = solve(pr, 0, "z3");
	const xp_solver_info *si = xp_schedule_solver(s);
	xp_solver_instance *in = NULL;
	xp_error err;
	if (xp_solver_instance_new(pr, 0, &in, &err) != XP_OK)
		bail("instance: %s", err.msg);
	ok(si && si->status == XP_SOLVER_OPTIMAL && si->bound_ns > in->lb_ns,
	   "optimal p=4 m=8 (2,2) 1x: proven with a bound (%lld) above the critical path (%lld)",
	   si ? (long long)si->bound_ns : -1LL, (long long)in->lb_ns);
	has_str(si ? si->note : "", "optimal among whole-block orders only",
	        "its note says the optimum is over whole blocks");
	has_str(si ? si->note : "", "greedy's schedule (43ms) splits blocks into pieces",
	        "and that greedy's pieced schedule lies outside that space");
	xp_solver_instance_free(in);
	xp_schedule_free(s);
	fx_free(pr);

	pr = grid(4, 8, 0, 0, 1);
	s = solve(pr, 1, "z3");
	si = xp_schedule_solver(s);
	ok(si && si->status == XP_SOLVER_OPTIMAL && si->note[0] == 0,
	   "optimal-v p=4 m=8 (0,0): optimal at the critical-path bound, no note (%s)",
	   si ? si->note : "none");
	xp_schedule_free(s);
	fx_free(pr);
}

static void determinism_and_methods(void)
{
	xp_params *pr = grid(4, 6, 1, 1, 1);
	pr->solver_gap = 0;
	xp_schedule *a = fx_build("optimal", pr), *b = fx_build("optimal", pr);
	ok(fx_same_orders(a, b), "optimal gives the same schedule twice");
	is_str(xp_schedule_solver(a)->method, "z3", "optimal uses the z3 method");
	xp_schedule *c = solve(pr, 0, "cbc");
	is_int(makespan(pr, c), makespan(pr, a), "CBC proves the same optimum as Z3");
	is_int(xp_schedule_solver(c)->status, XP_SOLVER_OPTIMAL, "CBC reports optimal");
	xp_schedule_free(a);
	xp_schedule_free(b);
	xp_schedule_free(c);
	fx_free(pr);
}

int main(void)
{
	plan(3 * 8 + 4 + 6 * 3 + 7 + 4 + 2 + 2 + 4 + 5 + 2 + 2);
	brute_case(2, 2, 0, 2, 2, 1, 1, 0);
	brute_case(2, 3, 0, 1, 1, 1, 1, 0);
	brute_case(3, 2, 0, 2, 0.5, 1, 1, 0);
	brute_case(2, 2, 0, 1, 1, 1, 2, 2);
	brute_case(2, 1, 1, 1, 1, 1, 2, 1);
	brute_case(2, 1, 1, 1, 1, 1, 2, 3);
	brute_case(2, 2, 1, 1, 1, 0.5, 1, 0); /* tight memory: the memory bound works */
	pieces_beat_whole_blocks();
	whole_block_note();
	v_dp_proof(2, 2, 1);
	v_dp_proof(2, 3, 3);
	v_dp_proof(3, 3, 1);
	v_dp_proof(3, 4, 3);
	against_others(3, 6, 2, 2, 1);
	against_others(4, 6, 0, 2, 1);
	against_others(4, 5, 0.5, 2, 2);
	bound_by_hand();
	bound_below_brute();
	link_bound_below_brute();
	polish_case();
	bound_below_generators();
	errors_and_limits();
	determinism_and_methods();
	return done_testing();
}

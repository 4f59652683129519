/* engine_props_test.c: invariants of every schedule on random small scenarios (fixed seed), and
 * agreement with the independent oracle (tests/oracle.c); no expectation here is computed with
 * the library's own timing, memory or unit code. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "oracle.h"
#include "schedules/schedules.h"
#include "tap.h"

enum { CASES = 60 };

static uint64_t rng_state = 42;

static int rnd(int lo, int hi) /* uniform in [lo, hi] */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return lo + (int)(rng_state % (uint64_t)(hi - lo + 1));
}

static xp_params *random_scenario(const char *name)
{
	int p = rnd(2, 5), m = rnd(1, 9), v = rnd(2, 3);
	if (!strcmp(name, "interleaved"))
		m = p * rnd(1, 3);
	double overlap = 1;
	if (!strcmp(name, "dualpipev")) { /* m >= 2p, and any model.overlap_f_b */
		m = 2 * p + rnd(0, 3);
		overlap = rnd(0, 1) ? 1 : rnd(50, 100) / 100.0;
	}
	xp_params *pr = fx_new(p, m, 1000, 1000, 1000);
	pr->chunks = v;
	pr->overlap_f_b = overlap;
	for (int k = 0; k < p; k++) {
		pr->forward_ns[k] = rnd(300, 3000) * 6;
		pr->backward_input_ns[k] = rnd(300, 3000) * 6;
		pr->backward_weight_ns[k] = rnd(300, 3000) * 6;
		pr->activation_bytes[k] = rnd(1, 8) * 6000;
	}
	fx_datacenters(pr, rnd(1, p < 3 ? p : 3), rnd(0, 20000), rnd(1, 40) * 1e9);
	pr->intra_dc.latency_ns = rnd(0, 500);
	pr->intra_dc.bandwidth_bps = rnd(50, 400) * 1e9;
	pr->message_bytes = rnd(1, 10) * 10000;
	if (rnd(0, 1)) {
		pr->dp = rnd(2, 4);
		for (int k = 0; k < p; k++)
			pr->params_bytes[k] = rnd(1, 100) * 100000;
	}
	fx_memory_factor(pr, rnd(1, 4) * 0.5);
	pr->solver_time_limit_ns = 100 * 1000000; /* the properties hold for any order returned */
	return pr;
}

typedef struct check {
	int overlap_ok, deps_ok, bounds_ok, oracle_ok;
} check;

/* Index of the engine's transfer of each output: (out * parts + part) * m + mb, out 0 = an F's
 * activation, 1 = a B/D's gradient; -1 when the output stays on its device. */
static int *transfer_index(const xp_schedule *s, const xp_result *r)
{
	size_t n = 2 * (size_t)xp_schedule_parts(s) * xp_schedule_microbatches(s);
	int *idx = malloc(n * sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i] = -1;
	for (size_t i = 0; i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		idx[((size_t)(t->kind != XP_OP_F) * xp_schedule_parts(s) + t->part) *
		        xp_schedule_microbatches(s) +
		    t->mb] = (int)i;
	}
	return idx;
}

/* When op's input is usable on its device, from the engine's own records: the producer's end,
 * or the arrival of its message, which must have become ready exactly at the producer's end
 * and not left before. -1 when the records are inconsistent. */
static int64_t input_time(const xp_schedule *s, const xp_result *r, const int64_t *end,
                          const int *tr, int d, xp_op op)
{
	int parts = xp_schedule_parts(s), m = xp_schedule_microbatches(s);
	int q = xp_schedule_part(s, d, op.chunk), from = q, kind = op.kind, out = 0;
	if (op.kind == XP_OP_F && q == 0)
		return 0;
	if (op.kind == XP_OP_F)
		from = q - 1;
	else if (op.kind == XP_OP_W)
		kind = XP_OP_D;
	else if (q < parts - 1)
		from = q + 1, out = 1;
	else
		kind = XP_OP_F;
	int64_t ready = end[((size_t)kind * parts + from) * m + op.mb];
	if (kind == XP_OP_B || kind == XP_OP_D) { /* a backward's: the B or the D it has (the other
		                                   * stays 0) */
		int64_t b = end[((size_t)XP_OP_B * parts + from) * m + op.mb];
		int64_t dd = end[((size_t)XP_OP_D * parts + from) * m + op.mb];
		ready = b > dd ? b : dd;
	}
	if (xp_schedule_device_of(s, from) == d)
		return ready;
	int t = tr[((size_t)out * parts + from) * m + op.mb];
	return t < 0 || r->transfers[t].ready_ns != ready || r->transfers[t].start_ns < ready
	           ? -1
	           : r->transfers[t].arrive_ns;
}

/* When op may start by its inputs (both blocks' for an overlapped op) and, for an F, its
 * chunk's all-gather; -1 when the records are inconsistent. */
static int64_t inputs_time(const xp_schedule *s, const xp_result *r, const int64_t *end,
                           const int *tr, int d, xp_op op)
{
	xp_op b[2];
	int64_t want = 0;
	for (int h = 0, n = xo_blocks_of(op, b); h < n; h++) {
		int64_t t = input_time(s, r, end, tr, d, b[h]);
		if (t < 0)
			return -1;
		want = t > want ? t : want;
		for (size_t j = 0; b[h].kind == XP_OP_F && j < r->n_collectives; j++) {
			const xp_collective *cl = &r->collectives[j];
			if (cl->kind == XP_COLL_ALLGATHER && cl->device == d &&
			    cl->chunk == b[h].chunk && cl->end_ns > want)
				want = cl->end_ns;
		}
	}
	return want;
}

/* end time of the last piece of each block: index (kind * parts + part) * m + mb */
static int64_t *block_ends(const xp_schedule *s, const xp_result *r)
{
	int parts = xp_schedule_parts(s), m = xp_schedule_microbatches(s);
	int64_t *end = calloc(4 * (size_t)parts * (size_t)m, sizeof *end);
	for (int d = 0; d < r->devices; d++) {
		const xp_op *ops = xp_schedule_ops(s, d);
		for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
			xp_op b[2];
			for (int h = 0, n = xo_blocks_of(ops[i], b); h < n; h++) {
				int q = xp_schedule_part(s, d, b[h].chunk);
				end[((size_t)b[h].kind * parts + q) * m + b[h].mb] =
				    r->op_end_ns[r->op_offset[d] + i];
			}
		}
	}
	return end;
}

/* Every op starts exactly at the latest of its device's previous end, its input's arrival and
 * (an F) its chunk's all-gather end: not merely after them. */
static void check_deps(const xp_schedule *s, const xp_result *r, check *c)
{
	int64_t *end = block_ends(s, r);
	int *tr = transfer_index(s, r);
	for (int d = 0; d < r->devices; d++) {
		const xp_op *ops = xp_schedule_ops(s, d);
		for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
			size_t k = r->op_offset[d] + i;
			int64_t want = inputs_time(s, r, end, tr, d, ops[i]);
			if (want >= 0 && i > 0 && r->op_end_ns[k - 1] > want)
				want = r->op_end_ns[k - 1];
			if (r->op_start_ns[k] != want)
				c->deps_ok = 0;
		}
	}
	free(tr);
	free(end);
}

static void check_one(const char *name, check *c)
{
	xp_params *pr = random_scenario(name);
	xp_schedule *s = fx_build(name, pr);
	xp_result *r = fx_run("analytic", pr, s);
	for (int d = 0; d < r->devices; d++) {
		size_t a = r->op_offset[d], b = r->op_offset[d + 1];
		for (size_t i = a + 1; i < b; i++)
			if (r->op_start_ns[i] < r->op_end_ns[i - 1])
				c->overlap_ok = 0;
		if (r->makespan_ns < r->busy_ns[d])
			c->bounds_ok = 0;
	}
	check_deps(s, r, c);
	xo_result o;
	char why[256];
	if (xo_run(pr, s, 0, &o) || !xo_same(&o, r, why, sizeof why)) {
		if (c->oracle_ok)
			diag("%s: %s", name, why);
		c->oracle_ok = 0;
	}
	xo_free(&o);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

/* auto: a copy of another generator's schedule */
static int untested(const char *name)
{
	return !strcmp(name, "auto");
}

int main(void)
{
	size_t n, tested = 0;
	const xp_schedule_kind *k = xp_schedule_kinds(&n);
	for (size_t i = 0; i < n; i++)
		tested += !untested(k[i].name);
	plan(4 * (int)tested);
	for (size_t i = 0; i < n; i++) {
		if (untested(k[i].name))
			continue;
		check c = { 1, 1, 1, 1 };
		int cases = strncmp(k[i].name, "optimal", 7) ? CASES : CASES / 6;
		for (int j = 0; j < cases; j++)
			check_one(k[i].name, &c);
		ok(c.overlap_ok, "%s: no device runs two blocks at once (%d random scenarios)",
		   k[i].name, cases);
		ok(c.deps_ok,
		   "%s: every block starts exactly when its device, input and all-gather allow",
		   k[i].name);
		ok(c.bounds_ok, "%s: makespan >= every device's work", k[i].name);
		ok(c.oracle_ok,
		   "%s: times, messages, collectives, makespan, peaks and fits_memory equal the "
		   "independent oracle's",
		   k[i].name);
	}
	return done_testing();
}

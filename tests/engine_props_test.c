/* engine_props_test.c: invariants of every schedule on random small scenarios (fixed seed). */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
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
	xp_params *pr = fx_new(p, m, 1000, 1000, 1000);
	pr->chunks = v;
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

/* Earliest the input of a block on its device can be there: the producer's end plus the hop. */
static int64_t hop_ns(const xp_params *pr, int a, int b)
{
	if (a == b)
		return 0;
	const xp_link_class *l = xp_params_link(pr, a, b);
	int64_t bytes = pr->message_bytes * (pr->placement[a] != pr->placement[b] ? pr->dp : 1);
	return l->latency_ns + xp_serialize_ns(bytes, l->bandwidth_bps);
}

typedef struct check {
	int overlap_ok, deps_ok, bounds_ok, memory_ok;
} check;

/* end time of the last piece of each block: index (kind * parts + part) * m + mb */
static int64_t *block_ends(const xp_schedule *s, const xp_result *r)
{
	int parts = xp_schedule_parts(s), m = xp_schedule_microbatches(s);
	int64_t *end = calloc(4 * (size_t)parts * (size_t)m, sizeof *end);
	for (int d = 0; d < r->devices; d++) {
		const xp_op *ops = xp_schedule_ops(s, d);
		for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
			int q = xp_schedule_part(s, d, ops[i].chunk);
			end[((size_t)ops[i].kind * parts + q) * m + ops[i].mb] =
			    r->op_end_ns[r->op_offset[d] + i];
		}
	}
	return end;
}

static void check_deps(const xp_params *pr, const xp_schedule *s, const xp_result *r, check *c)
{
	int parts = xp_schedule_parts(s), m = xp_schedule_microbatches(s);
	int64_t *end = block_ends(s, r);
	for (int d = 0; d < r->devices; d++) {
		const xp_op *ops = xp_schedule_ops(s, d);
		for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
			xp_op op = ops[i];
			int q = xp_schedule_part(s, d, op.chunk), from = q, kind = op.kind;
			if (op.kind == XP_OP_F && q == 0)
				continue;
			if (op.kind == XP_OP_F)
				from = q - 1;
			else if (op.kind == XP_OP_W)
				kind = XP_OP_D;
			else if (q < parts - 1)
				from = q + 1;
			else
				kind = XP_OP_F;
			int64_t need = end[((size_t)kind * parts + from) * m + op.mb] +
			               hop_ns(pr, xp_schedule_device_of(s, from), d);
			if (r->op_start_ns[r->op_offset[d] + i] < need)
				c->deps_ok = 0;
		}
	}
	free(end);
}

/* Critical path of one microbatch: forward through all parts, backward back, last W. */
static int64_t critical_path(const xp_params *pr, const xp_schedule *s)
{
	int parts = xp_schedule_parts(s), split = xp_schedule_split_backward(s);
	xp_op f = { XP_OP_F, 0, 0, 1, 1, 0 }, b = f, w = f;
	b.kind = split ? XP_OP_D : XP_OP_B;
	w.kind = XP_OP_W;
	int64_t t = 0, best = 0;
	for (int q = 0; q < parts; q++) {
		int d = xp_schedule_device_of(s, q);
		t += (q ? hop_ns(pr, xp_schedule_device_of(s, q - 1), d) : 0) +
		     xp_op_duration_ns(pr, s, d, f);
	}
	for (int q = parts - 1; q >= 0; q--) {
		int d = xp_schedule_device_of(s, q);
		t += (q < parts - 1 ? hop_ns(pr, xp_schedule_device_of(s, q + 1), d) : 0) +
		     xp_op_duration_ns(pr, s, d, b);
		int64_t tw = t + (split ? xp_op_duration_ns(pr, s, d, w) : 0);
		best = tw > best ? tw : best;
	}
	return best;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Peak memory from the timeline: rises at starts, falls at ends, ends first on ties. */
static int64_t timed_peak(const xp_params *pr, const xp_schedule *s, const xp_result *r, int d)
{
	size_t n = xp_schedule_len(s, d);
	int64_t *ev = malloc(2 * n * sizeof *ev * 2), cur = 0, top = 0;
	const xp_op *ops = xp_schedule_ops(s, d);
	for (size_t i = 0; i < n; i++) {
		int64_t rise, fall;
		xp_op_memory(pr, s, d, ops[i], &rise, &fall);
		ev[4 * i] = r->op_start_ns[r->op_offset[d] + i] * 2 + 1;
		ev[4 * i + 1] = rise;
		ev[4 * i + 2] = r->op_end_ns[r->op_offset[d] + i] * 2;
		ev[4 * i + 3] = -fall;
	}
	qsort(ev, 2 * n, 2 * sizeof *ev, cmp64);
	for (size_t i = 0; i < 2 * n; i++) {
		cur += ev[2 * i + 1];
		top = cur > top ? cur : top;
	}
	free(ev);
	return top;
}

static void check_one(const char *name, check *c)
{
	xp_params *pr = random_scenario(name);
	xp_schedule *s = fx_build(name, pr);
	xp_result *r = fx_run("analytic", pr, s);
	int fits = 1;
	for (int d = 0; d < r->devices; d++) {
		size_t a = r->op_offset[d], b = r->op_offset[d + 1];
		for (size_t i = a + 1; i < b; i++)
			if (r->op_start_ns[i] < r->op_end_ns[i - 1])
				c->overlap_ok = 0;
		if (r->makespan_ns < r->busy_ns[d])
			c->bounds_ok = 0;
		int64_t peak = timed_peak(pr, s, r, d);
		if (peak != r->peak_memory_bytes[d])
			c->memory_ok = 0;
		fits &= peak <= pr->memory_limit_bytes[d];
	}
	if (fits != r->fits_memory)
		c->memory_ok = 0;
	if (r->makespan_ns < critical_path(pr, s))
		c->bounds_ok = 0;
	check_deps(pr, s, r, c);
	xp_result_free(r);
	xp_schedule_free(s);
	fx_free(pr);
}

int main(void)
{
	size_t n, tested = 0;
	const xp_schedule_kind *k = xp_schedule_kinds(&n);
	for (size_t i = 0; i < n; i++)
		tested += strcmp(k[i].name, "auto") != 0;
	plan(4 * (int)tested);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(k[i].name, "auto")) /* a copy of another generator's schedule */
			continue;
		check c = { 1, 1, 1, 1 };
		int cases = strncmp(k[i].name, "optimal", 7) ? CASES : CASES / 6;
		for (int j = 0; j < cases; j++)
			check_one(k[i].name, &c);
		ok(c.overlap_ok, "%s: no device runs two blocks at once (%d random scenarios)",
		   k[i].name, cases);
		ok(c.deps_ok, "%s: every block starts after its input arrived", k[i].name);
		ok(c.bounds_ok, "%s: makespan >= every device's work and the critical path",
		   k[i].name);
		ok(c.memory_ok, "%s: peaks match the timeline and fits_memory is honest",
		   k[i].name);
	}
	return done_testing();
}

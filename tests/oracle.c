/* oracle.c: an independent re-timer of a schedule, written from the execution model alone.
 *
 * It reads the resolved parameters and the schedule's op lists, and nothing else of the library:
 * every duration, memory share, message size and serialisation time is derived here. Instead of
 * the engine's event queue it repeats sweeps over every device and every message until nothing
 * changes (a fixed point): an op is timed as soon as everything it waits for is known.
 *
 * The rules (each one a definition of the model, written down here once):
 * - Durations. A chunk's block takes floor(T / v) of its stage's T_F, T_D or T_W (v chunks per
 *   device); a combined B takes floor(T_D / v) + floor(T_W / v). A piece [lo, hi) of nsub takes
 *   floor(t * hi / nsub) - floor(t * lo / nsub), so the pieces of a block add up to it exactly.
 * - Memory. A chunk's F holds M_F = floor(M / v) bytes; W releases round(weight_release * M_F)
 *   (halves up), D the rest, B all of it; pieces take their share as durations do. Memory rises
 *   when an F piece starts and falls when a B/D/W piece ends; at equal times falls come first.
 * - Execution. A device runs its ops in order: an op starts at the latest of the end of the
 *   device's previous op, the arrival of its input, and (an F, with dp > 1) the end of its
 *   chunk's all-gather. F of part 0 has its input at time 0; F of part q needs part q-1's F;
 *   B/D of the last part needs its own F; B/D of part q needs part q+1's B/D; W needs its D. A
 *   block's output exists when its last piece ends.
 * - Messages. Between two parts on different devices the output crosses the directed link
 *   (src, dst): message_bytes, times dp when src and dst sit in different datacenters. A link
 *   carries one message at a time and serves them first come first served; all messages of a link
 *   come from one device, so they are served in that device's op order. A message holds the link
 *   for bytes * 8 / bandwidth (the exact quotient, bandwidth being the double it is, rounded to
 *   the nearest ns, halves to even) from
 *   max(ready, end of the previous message), and arrives one latency after that window.
 * - DP (dp > 1). Each device has one DP channel serving collectives one at a time: first every
 *   chunk's all-gather, back to back from time 0 in the order of the chunks' first F; then each
 *   chunk's reduce-scatter once its last B/W block has ended, in that order. One collective of
 *   floor(params / v) bytes takes (n-1) intra-DC latencies plus the serialisation of
 *   floor(bytes * (n-1) / n) on the intra-DC link, n = dp.
 * - datacenters.split: dp (and at least two DCs): after every device's last op and collective,
 *   all of them all-reduce the model's parameter bytes N over the inter-DC link in a ring of D
 *   DCs: 2(D-1) latencies plus the serialisation of floor(N * 2(D-1) / D) bytes.
 * - Ideal: no latency, infinite bandwidth, collectives take no time, no all-reduce.
 * - Makespan: latest end minus earliest start, over every op and collective.
 */
#include "oracle.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

enum { OUT_F = 0, OUT_BACK = 1 }; /* a part's two outputs: activation, gradient */

typedef struct ctx {
	const xp_params *pr;
	const xp_schedule *s;
	int ideal, p, v, m, parts;
	xo_result *o;
	int64_t *done; /* (kind * parts + part) * m + mb: end of the block's last piece, or -1 */
	int *tr_of;    /* (out * parts + part) * m + mb: index of its message, or -1 */
	int *prev_on_link; /* per message: the message served before it on its link, or -1 */
	int64_t *ag_end;   /* p * v: end of the chunk's all-gather */
	int64_t *dp_free;  /* p: end of the last collective on the device's DP channel */
	size_t *next;      /* per device: first op not yet timed */
} ctx;

static void *must(void *q)
{
	if (!q)
		bail("oracle: out of memory");
	return q;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

int64_t xo_serialize_ns(int64_t bytes, double bps)
{
	if (bytes <= 0 || isinf(bps))
		return 0;
	/* bps is a double: exactly mant * 2^(e - 53). Divide exactly, in 128-bit integers. */
	int e;
	double f = frexp(bps, &e);
	__int128 num = (__int128)bytes * 8000000000LL, den = (__int128)ldexp(f, 53);
	int shift = 53 - e;
	if (!(bps > 0) || bytes > ((int64_t)1 << 40) || shift > 48 || shift < -48)
		bail("oracle: cannot time %lld bytes at %g b/s exactly", (long long)bytes, bps);
	if (shift >= 0)
		num <<= shift;
	else
		den <<= -shift;
	__int128 q = num / den, r = num % den;
	if (2 * r > den || (2 * r == den && (q & 1)))
		q++;
	return (int64_t)q;
}

static int64_t share(int64_t total, xp_op op)
{
	return total * op.hi / op.nsub - total * op.lo / op.nsub;
}

int xo_blocks_of(xp_op op, xp_op b[2])
{
	b[0] = op;
	if (op.kind != XP_OP_O)
		return 1;
	b[0] = (xp_op){ .kind = XP_OP_F, .chunk = op.chunk, .hi = 1, .nsub = 1, .mb = op.mb };
	b[1] = (xp_op){ .kind = XP_OP_B, .chunk = op.chunk2, .hi = 1, .nsub = 1, .mb = op.mb2 };
	return 2;
}

static int64_t op_time(const ctx *C, int d, xp_op op);

/* An overlapped op: overlap_f_b x (F + B), rounded, at least the longer of the two. */
static int64_t overlap_time(const ctx *C, int d, xp_op op)
{
	xp_op b[2];
	xo_blocks_of(op, b);
	int64_t f = op_time(C, d, b[0]), g = op_time(C, d, b[1]);
	if (C->pr->overlap_f_b == 1)
		return f + g;
	return max64(llround(C->pr->overlap_f_b * (double)(f + g)), max64(f, g));
}

static int64_t op_time(const ctx *C, int d, xp_op op)
{
	const xp_params *pr = C->pr;
	switch (op.kind) {
	case XP_OP_O: return overlap_time(C, d, op);
	case XP_OP_F: return share(pr->forward_ns[d] / C->v, op);
	case XP_OP_D: return share(pr->backward_input_ns[d] / C->v, op);
	case XP_OP_W: return share(pr->backward_weight_ns[d] / C->v, op);
	default:
		return share(pr->backward_input_ns[d] / C->v + pr->backward_weight_ns[d] / C->v,
		             op);
	}
}

static void op_bytes(const ctx *C, int d, xp_op op, int64_t *rise, int64_t *fall)
{
	int64_t mf = C->pr->activation_bytes[d] / C->v;
	int64_t mw = (int64_t)llround(C->pr->weight_release * (double)mf);
	*rise = op.kind == XP_OP_F ? share(mf, op) : op.kind == XP_OP_O ? mf : 0;
	*fall = op.kind == XP_OP_O   ? mf
	        : op.kind == XP_OP_B ? share(mf, op)
	        : op.kind == XP_OP_D ? share(mf - mw, op)
	        : op.kind == XP_OP_W ? share(mw, op)
	                             : 0;
}

static int crosses(const ctx *C, int a, int b)
{
	return C->pr->placement[a] != C->pr->placement[b];
}

/* Latency and window of a message of `bytes` from device a to device b. */
static void hop(const ctx *C, int a, int b, int64_t bytes, int64_t *lat, int64_t *ser)
{
	const xp_link_class *l = crosses(C, a, b) ? &C->pr->inter_dc : &C->pr->intra_dc;
	*lat = C->ideal ? 0 : l->latency_ns;
	*ser = C->ideal ? 0 : xo_serialize_ns(bytes, l->bandwidth_bps);
}

static int64_t collective_ns(const ctx *C, int d)
{
	if (C->ideal)
		return 0;
	int64_t n = C->pr->dp, bytes = C->pr->params_bytes[d] / C->v;
	return (n - 1) * C->pr->intra_dc.latency_ns +
	       xo_serialize_ns(bytes * (n - 1) / n, C->pr->intra_dc.bandwidth_bps);
}

static size_t slot(const ctx *C, int kind, int part, int mb)
{
	return ((size_t)kind * C->parts + part) * C->m + mb;
}

static void add_collective(ctx *C, int d, int c, int kind, int64_t bytes, int64_t s, int64_t e)
{
	xo_result *o = C->o;
	o->coll = must(realloc(o->coll, (o->n_coll + 1) * sizeof *o->coll));
	o->coll[o->n_coll++] = (xo_collective){ d, c, kind, bytes, s, e };
}

/* Every message, in the order each source device produces them; each one's predecessor on its
 * link. */
static void plan_messages(ctx *C)
{
	xo_result *o = C->o;
	int *last = must(malloc((size_t)C->p * sizeof *last));
	for (int a = 0; a < C->p; a++) {
		for (int b = 0; b < C->p; b++)
			last[b] = -1;
		const xp_op *ops = xp_schedule_ops(C->s, a);
		for (size_t i = 0, h = 0; i < xp_schedule_len(C->s, a); h = 0, i++)
			for (xp_op blk[2]; h < (size_t)xo_blocks_of(ops[i], blk); h++) {
				xp_op op = blk[h];
				int q = xp_schedule_part(C->s, a, op.chunk), to, out;
				if (op.hi != op.nsub)
					continue;
				if (op.kind == XP_OP_F && q + 1 < C->parts)
					to = q + 1, out = OUT_F;
				else if ((op.kind == XP_OP_D || op.kind == XP_OP_B) && q > 0)
					to = q - 1, out = OUT_BACK;
				else
					continue;
				int b = xp_schedule_device_of(C->s, to);
				if (b == a)
					continue;
				size_t t = o->n_tr++;
				o->tr = must(realloc(o->tr, o->n_tr * sizeof *o->tr));
				C->prev_on_link =
				    must(realloc(C->prev_on_link, o->n_tr * sizeof(int)));
				int64_t bytes =
				    C->pr->message_bytes * (crosses(C, a, b) ? C->pr->dp : 1);
				o->tr[t] =
				    (xo_transfer){ a,     b,  q,  op.mb, op.kind, crosses(C, a, b),
					           bytes, -1, -1, -1,    -1 };
				C->prev_on_link[t] = last[b];
				last[b] = (int)t;
				C->tr_of[((size_t)out * C->parts + q) * C->m + op.mb] = (int)t;
			}
	}
	free(last);
}

/* DP: the chunks' all-gathers, back to back from 0 in the order of their first F. */
static void plan_allgathers(ctx *C)
{
	for (int d = 0; d < C->p; d++) {
		const xp_op *ops = xp_schedule_ops(C->s, d);
		int64_t t = 0;
		for (size_t i = 0; i < xp_schedule_len(C->s, d) && C->pr->dp > 1; i++) {
			int c = ops[i].chunk; /* an overlapped op's F is its chunk */
			if ((ops[i].kind != XP_OP_F && ops[i].kind != XP_OP_O) ||
			    C->ag_end[d * C->v + c] >= 0)
				continue;
			int64_t e = t + collective_ns(C, d);
			add_collective(C, d, c, XP_COLL_ALLGATHER, C->pr->params_bytes[d] / C->v, t,
			               e);
			C->ag_end[d * C->v + c] = t = e;
		}
		C->dp_free[d] = t;
		for (int c = 0; c < C->v; c++)
			C->ag_end[d * C->v + c] = max64(C->ag_end[d * C->v + c], 0);
	}
}

/* When the input of op (on device d) is there, or -1 while that is unknown. */
static int64_t input_at(const ctx *C, int d, xp_op op)
{
	int q = xp_schedule_part(C->s, d, op.chunk), from = q, out = OUT_F, kind = XP_OP_F;
	if (op.kind == XP_OP_W)
		return C->done[slot(C, XP_OP_D, q, op.mb)];
	if (op.kind == XP_OP_F && q == 0)
		return 0;
	if (op.kind != XP_OP_F && q == C->parts - 1)
		return C->done[slot(C, XP_OP_F, q, op.mb)];
	if (op.kind == XP_OP_F) {
		from = q - 1;
	} else {
		from = q + 1;
		out = OUT_BACK;
		kind = XP_OP_B;
	}
	int t = C->tr_of[((size_t)out * C->parts + from) * C->m + op.mb];
	if (t >= 0)
		return C->o->tr[t].arrive_ns;
	int64_t at = C->done[slot(C, kind, from, op.mb)];
	/* a backward's producer is the B or the D of the next part, whichever it has */
	return kind == XP_OP_B ? max64(at, C->done[slot(C, XP_OP_D, from, op.mb)]) : at;
}

/* Time as many of device d's next ops as their inputs allow; 1 if any. */
static int relax_device(ctx *C, int d)
{
	const xp_op *ops = xp_schedule_ops(C->s, d);
	size_t n = xp_schedule_len(C->s, d), base = C->o->offset[d];
	int moved = 0;
	while (C->next[d] < n) {
		size_t i = C->next[d];
		xp_op op = ops[i], blk[2];
		int n_blk = xo_blocks_of(op, blk);
		int64_t at = 0, start = i ? C->o->end[base + i - 1] : 0;
		for (int h = 0; h < n_blk && at >= 0; h++) {
			int64_t in = input_at(C, d, blk[h]);
			at = in < 0 ? -1 : max64(at, in);
			if (blk[h].kind == XP_OP_F)
				start = max64(start, C->ag_end[d * C->v + blk[h].chunk]);
		}
		if (at < 0)
			break;
		start = max64(at, start);
		C->o->start[base + i] = start;
		C->o->end[base + i] = start + op_time(C, d, op);
		int ends = op.kind == XP_OP_O || op.hi == op.nsub; /* its blocks' outputs leave */
		for (int h = 0; h < n_blk && ends; h++)
			C->done[slot(C, blk[h].kind, xp_schedule_part(C->s, d, blk[h].chunk),
			             blk[h].mb)] = C->o->end[base + i];
		C->next[d]++;
		moved = 1;
	}
	return moved;
}

/* Time message t once its block has ended and its link's previous message is timed; 1 if so. */
static int relax_message(ctx *C, size_t t)
{
	xo_transfer *x = &C->o->tr[t];
	int prev = C->prev_on_link[t];
	int64_t ready = C->done[slot(C, x->kind, x->part, x->mb)];
	if (x->arrive_ns >= 0 || ready < 0 || (prev >= 0 && C->o->tr[prev].end_ns < 0))
		return 0;
	int64_t lat, ser;
	hop(C, x->src, x->dst, x->bytes, &lat, &ser);
	x->ready_ns = ready;
	x->start_ns = prev >= 0 ? max64(ready, C->o->tr[prev].end_ns) : ready;
	x->end_ns = x->start_ns + ser;
	x->arrive_ns = x->end_ns + lat;
	return 1;
}

/* DP: each chunk's reduce-scatter after its last B/W block, in the order those end. */
static void reduce_scatters(ctx *C)
{
	for (int d = 0; d < C->p && C->pr->dp > 1; d++) {
		const xp_op *ops = xp_schedule_ops(C->s, d);
		int64_t *trigger = must(calloc((size_t)C->v, sizeof *trigger));
		for (size_t i = 0; i < xp_schedule_len(C->s, d); i++) {
			xp_op blk[2];
			for (int h = 0, n = xo_blocks_of(ops[i], blk); h < n; h++)
				if (blk[h].kind == XP_OP_B || blk[h].kind == XP_OP_W)
					trigger[blk[h].chunk] = max64(
					    trigger[blk[h].chunk], C->o->end[C->o->offset[d] + i]);
		}
		for (int k = 0; k < C->v; k++) {
			int c =
			    0; /* the k-th chunk to finish: the smallest trigger not yet taken */
			for (int j = 1; j < C->v; j++)
				if (trigger[j] < trigger[c])
					c = j;
			int64_t s = max64(trigger[c], C->dp_free[d]), e = s + collective_ns(C, d);
			add_collective(C, d, c, XP_COLL_REDUCESCATTER,
			               C->pr->params_bytes[d] / C->v, s, e);
			C->dp_free[d] = e;
			trigger[c] = INT64_MAX;
		}
		free(trigger);
	}
}

static void wan_allreduce(ctx *C)
{
	const xp_params *pr = C->pr;
	int64_t n = pr->datacenters, end = 0, total = 0;
	if (!pr->dp_across_dc || n < 2 || C->ideal)
		return;
	for (size_t i = 0; i < C->o->offset[C->p]; i++)
		end = max64(end, C->o->end[i]);
	for (size_t i = 0; i < C->o->n_coll; i++)
		end = max64(end, C->o->coll[i].end_ns);
	for (int d = 0; d < C->p; d++)
		total += pr->params_bytes[d];
	int64_t dur = 2 * (n - 1) * pr->inter_dc.latency_ns +
	              xo_serialize_ns(total * 2 * (n - 1) / n, pr->inter_dc.bandwidth_bps);
	for (int d = 0; d < C->p; d++)
		add_collective(C, d, 0, XP_COLL_WAN_ALLREDUCE, pr->params_bytes[d], end, end + dur);
}

typedef struct mem_event {
	int64_t t, delta; /* delta < 0: a release */
} mem_event;

static int mem_cmp(const void *a, const void *b)
{
	const mem_event *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->delta > y->delta) - (x->delta < y->delta); /* releases first */
}

/* Peak memory of device d from its timeline: the running sum over time-sorted changes. */
static int64_t device_peak(const ctx *C, int d)
{
	size_t n = xp_schedule_len(C->s, d), base = C->o->offset[d], k = 0;
	mem_event *ev = must(malloc((2 * n + 1) * sizeof *ev));
	const xp_op *ops = xp_schedule_ops(C->s, d);
	for (size_t i = 0; i < n; i++) {
		int64_t rise, fall;
		op_bytes(C, d, ops[i], &rise, &fall);
		if (rise)
			ev[k++] = (mem_event){ C->o->start[base + i], rise };
		if (fall)
			ev[k++] = (mem_event){ C->o->end[base + i], -fall };
	}
	qsort(ev, k, sizeof *ev, mem_cmp);
	int64_t cur = 0, top = 0;
	for (size_t i = 0; i < k; i++)
		top = max64(top, cur += ev[i].delta);
	free(ev);
	return top;
}

static void metrics(ctx *C)
{
	xo_result *o = C->o;
	int64_t lo = INT64_MAX, hi = 0;
	for (size_t i = 0; i < o->offset[C->p]; i++) {
		lo = o->start[i] < lo ? o->start[i] : lo;
		hi = max64(hi, o->end[i]);
	}
	for (size_t i = 0; i < o->n_coll; i++) {
		lo = o->coll[i].start_ns < lo ? o->coll[i].start_ns : lo;
		hi = max64(hi, o->coll[i].end_ns);
	}
	o->makespan_ns = hi - (lo == INT64_MAX ? 0 : lo);
	o->fits_memory = 1;
	for (int d = 0; d < C->p; d++) {
		o->peak_bytes[d] = device_peak(C, d);
		o->fits_memory &= o->peak_bytes[d] <= C->pr->memory_limit_bytes[d];
	}
	for (size_t t = 0; t < o->n_tr; t++)
		if (o->tr[t].crosses_dc) {
			o->wan_queue_ns += o->tr[t].start_ns - o->tr[t].ready_ns;
			o->wan_busy_ns += o->tr[t].end_ns - o->tr[t].start_ns;
		}
}

static void setup(ctx *C, const xp_params *pr, const xp_schedule *s, int ideal, xo_result *o)
{
	*C = (ctx){ .pr = pr, .s = s, .ideal = ideal, .o = o };
	C->p = xp_schedule_devices(s);
	C->v = xp_schedule_chunks(s);
	C->m = xp_schedule_microbatches(s);
	C->parts = C->p * C->v;
	memset(o, 0, sizeof *o);
	o->devices = C->p;
	o->parts = C->parts;
	o->m = C->m;
	o->dp = pr->dp;
	o->tokens_per_microbatch = pr->tokens_per_microbatch;
	o->offset = must(malloc(((size_t)C->p + 1) * sizeof *o->offset));
	o->offset[0] = 0;
	for (int d = 0; d < C->p; d++)
		o->offset[d + 1] = o->offset[d] + xp_schedule_len(s, d);
	size_t ops = o->offset[C->p] + 1, slots = 4 * (size_t)C->parts * C->m;
	o->start = must(malloc(ops * sizeof *o->start));
	o->end = must(malloc(ops * sizeof *o->end));
	o->peak_bytes = must(calloc((size_t)C->p, sizeof *o->peak_bytes));
	o->tr_of = C->tr_of = must(malloc(2 * (size_t)C->parts * C->m * sizeof *C->tr_of));
	C->done = must(malloc(slots * sizeof *C->done));
	C->ag_end = must(malloc((size_t)C->p * C->v * sizeof *C->ag_end));
	C->dp_free = must(calloc((size_t)C->p, sizeof *C->dp_free));
	C->next = must(calloc((size_t)C->p, sizeof *C->next));
	for (size_t i = 0; i < ops; i++)
		o->start[i] = o->end[i] = -1;
	for (size_t i = 0; i < slots; i++)
		C->done[i] = -1;
	for (size_t i = 0; i < 2 * (size_t)C->parts * C->m; i++)
		C->tr_of[i] = -1;
	for (int i = 0; i < C->p * C->v; i++)
		C->ag_end[i] = -1;
}

int xo_run(const xp_params *pr, const xp_schedule *sched, int ideal, xo_result *o)
{
	ctx C;
	setup(&C, pr, sched, ideal, o);
	plan_messages(&C);
	plan_allgathers(&C);
	for (int moved = 1; moved;) {
		moved = 0;
		for (int d = 0; d < C.p; d++)
			moved |= relax_device(&C, d);
		for (size_t t = 0; t < o->n_tr; t++)
			moved |= relax_message(&C, t);
		o->sweeps++;
	}
	int stuck = 0;
	for (int d = 0; d < C.p; d++)
		stuck |= C.next[d] < xp_schedule_len(sched, d);
	if (!stuck) {
		reduce_scatters(&C);
		wan_allreduce(&C);
		metrics(&C);
	}
	free(C.done);
	free(C.ag_end);
	free(C.dp_free);
	free(C.next);
	free(C.prev_on_link);
	return stuck;
}

void xo_free(xo_result *o)
{
	free(o->offset);
	free(o->start);
	free(o->end);
	free(o->tr);
	free(o->tr_of);
	free(o->coll);
	free(o->peak_bytes);
	memset(o, 0, sizeof *o);
}

static int differs(char *why, size_t len, const char *what, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	snprintf(why, len, "%s: engine %lld, oracle %lld", what, (long long)got, (long long)want);
	return 1;
}

static int same_ops(const xo_result *o, const xp_result *r, char *why, size_t len)
{
	char what[64];
	if (differs(why, len, "ops", (int64_t)r->op_offset[r->devices],
	            (int64_t)o->offset[o->devices]))
		return 0;
	for (int d = 0; d < o->devices; d++)
		for (size_t i = o->offset[d]; i < o->offset[d + 1]; i++) {
			snprintf(what, sizeof what, "device %d op %zu start", d, i - o->offset[d]);
			if (differs(why, len, what, r->op_start_ns[i], o->start[i]))
				return 0;
			snprintf(what, sizeof what, "device %d op %zu end", d, i - o->offset[d]);
			if (differs(why, len, what, r->op_end_ns[i], o->end[i]))
				return 0;
		}
	return 1;
}

static int same_transfers(const xo_result *o, const xp_result *r, char *why, size_t len)
{
	char what[96];
	if (differs(why, len, "transfers", (int64_t)r->n_transfers, (int64_t)o->n_tr))
		return 0;
	for (size_t i = 0; i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		int out = t->kind == XP_OP_F ? 0 : 1, k = -1;
		if (t->part >= 0 && t->part < o->parts && t->mb >= 0 && t->mb < o->m)
			k = o->tr_of[((size_t)out * o->parts + t->part) * o->m + t->mb];
		snprintf(what, sizeof what, "transfer of kind %d part %d mb %d", t->kind, t->part,
		         t->mb);
		if (k < 0) {
			snprintf(why, len, "%s: not a message of the oracle", what);
			return 0;
		}
		const xo_transfer *x = &o->tr[k];
		int64_t got[] = { t->src,      t->dst,    t->kind,      t->bytes,     t->ready_ns,
			          t->start_ns, t->end_ns, t->arrive_ns, t->crosses_dc };
		int64_t want[] = { x->src,      x->dst,    x->kind,      x->bytes,     x->ready_ns,
			           x->start_ns, x->end_ns, x->arrive_ns, x->crosses_dc };
		static const char *const field[] = { "src",   "dst", "kind",   "bytes",     "ready",
			                             "start", "end", "arrive", "crosses_dc" };
		for (int f = 0; f < 9; f++) {
			char full[160];
			snprintf(full, sizeof full, "%s %s", what, field[f]);
			if (differs(why, len, full, got[f], want[f]))
				return 0;
		}
	}
	return 1;
}

static int same_collectives(const xo_result *o, const xp_result *r, char *why, size_t len)
{
	if (differs(why, len, "collectives", (int64_t)r->n_collectives, (int64_t)o->n_coll))
		return 0;
	for (size_t i = 0; i < r->n_collectives; i++) {
		const xp_collective *c = &r->collectives[i];
		const xo_collective *x = NULL;
		for (size_t j = 0; j < o->n_coll && !x; j++)
			if (o->coll[j].device == c->device && o->coll[j].chunk == c->chunk &&
			    o->coll[j].kind == c->kind)
				x = &o->coll[j];
		char what[96];
		snprintf(what, sizeof what, "%s of device %d chunk %d", xp_coll_name(c->kind),
		         c->device, c->chunk);
		if (!x) {
			snprintf(why, len, "%s: not a collective of the oracle", what);
			return 0;
		}
		char f[128];
		snprintf(f, sizeof f, "%s bytes", what);
		if (differs(why, len, f, c->bytes, x->bytes))
			return 0;
		snprintf(f, sizeof f, "%s start", what);
		if (differs(why, len, f, c->start_ns, x->start_ns))
			return 0;
		snprintf(f, sizeof f, "%s end", what);
		if (differs(why, len, f, c->end_ns, x->end_ns))
			return 0;
	}
	return 1;
}

int xo_same(const xo_result *o, const xp_result *r, char *why, size_t len)
{
	char what[64];
	why[0] = 0;
	if (differs(why, len, "devices", r->devices, o->devices) || !same_ops(o, r, why, len) ||
	    !same_transfers(o, r, why, len) || !same_collectives(o, r, why, len) ||
	    differs(why, len, "makespan", r->makespan_ns, o->makespan_ns) ||
	    differs(why, len, "fits_memory", r->fits_memory, o->fits_memory) ||
	    differs(why, len, "wan_queue_ns", r->wan_queue_ns, o->wan_queue_ns) ||
	    differs(why, len, "wan_busy_ns", r->wan_busy_ns, o->wan_busy_ns))
		return 0;
	/* tokens/s: every replica's microbatches of the iteration over its makespan */
	double tps = o->makespan_ns > 0 ? (double)o->m * o->dp * (double)o->tokens_per_microbatch /
	                                      ((double)o->makespan_ns * 1e-9)
	                                : 0.0;
	if (fabs(r->tokens_per_s - tps) > 1e-9 * tps) {
		snprintf(why, len, "tokens_per_s: engine %.17g, oracle %.17g", r->tokens_per_s,
		         tps);
		return 0;
	}
	for (int d = 0; d < o->devices; d++) {
		snprintf(what, sizeof what, "peak memory of device %d", d);
		if (differs(why, len, what, r->peak_memory_bytes[d], o->peak_bytes[d]))
			return 0;
	}
	return 1;
}

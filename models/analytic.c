/* analytic.c: the discrete-event latency/bandwidth engine ("analytic"), and its free-communication
 * twin ("ideal").
 *
 * Events are op completions, kept in a binary heap keyed by (time, device); each device has at
 * most one op in flight, so the heap never holds more than `devices` entries. When a block ends,
 * its output is put on the directed link to the consumer's device at once: because completions
 * are handled in time order, transfers reach each link in order of readiness, and the earliest free
 * window at or after the ready time is simply max(ready, link free). The arrival time is then
 * known, so a waiting consumer can be started straight away. */
#include "analytic_int.h"
#include "engine.h"
#include "units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SLOT_F = 0, SLOT_BD = 1, SLOT_W = 2 }; /* what an op waits for */

typedef struct link {
	int src, dst, crosses_dc;
	int64_t latency_ns;
	double bps;
	int64_t free_ns;
} link;

typedef struct event {
	int64_t t;
	int device;
} event;

typedef struct sim {
	const xp_params *pr;
	const xp_schedule *s;
	xp_result *res;
	int ideal;
	xp_noise_fn noise; /* robustness runs: a factor for every duration; NULL otherwise */
	void *noise_ctx;
	int p, v, m, parts;
	int64_t *ready;    /* 3 * parts * m slot times; -1 = not yet known */
	int64_t *blockdur; /* devices * 4: whole-block time per kind */
	size_t *next;      /* per device: index of the op in flight or next to start */
	int64_t *free_ns;  /* per device: end of its last op */
	int64_t *waiting;  /* per device: slot it waits for, or -1 */
	int64_t *ag_done;  /* devices * v: all-gather end per chunk (0 without DP) */
	int64_t *dp_free;  /* per device: DP channel free */
	int *bw_left;      /* devices * v: B/W blocks still to end before the reduce-scatter */
	int *fwd_link;     /* parts: link from part q to q+1, -1 when on one device */
	int *bwd_link;     /* parts: link from part q+1 to q */
	link *links;
	int n_links;
	event *heap;
	int heap_n;
} sim;

/* A duration as this run sees it: perturbed in robustness runs. */
static int64_t noisy(const sim *S, int64_t ns)
{
	if (!S->noise || ns == 0)
		return ns;
	return (int64_t)((double)ns * S->noise(S->noise_ctx) + 0.5);
}

static int before(event a, event b)
{
	return a.t < b.t || (a.t == b.t && a.device < b.device);
}

static void heap_push(sim *S, event e)
{
	int i = S->heap_n++;
	while (i > 0 && before(e, S->heap[(i - 1) / 2])) {
		S->heap[i] = S->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	S->heap[i] = e;
}

static event heap_pop(sim *S)
{
	event top = S->heap[0], last = S->heap[--S->heap_n];
	int i = 0, n = S->heap_n;
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(S->heap[c + 1], S->heap[c]))
			c++;
		if (!before(S->heap[c], last))
			break;
		S->heap[i] = S->heap[c];
		i = c;
	}
	S->heap[i] = last;
	return top;
}

static int64_t slot_index(const sim *S, int cls, int part, int mb)
{
	return ((int64_t)cls * S->parts + part) * S->m + mb;
}

/* The link from device a to device b, created on first use. */
static int link_id(sim *S, int a, int b)
{
	for (int i = 0; i < S->n_links; i++)
		if (S->links[i].src == a && S->links[i].dst == b)
			return i;
	const xp_link_class *lc = xp_params_link(S->pr, a, b);
	link *l = &S->links[S->n_links];
	l->src = a;
	l->dst = b;
	l->crosses_dc = S->pr->placement[a] != S->pr->placement[b];
	l->latency_ns = S->ideal ? 0 : lc->latency_ns;
	l->bps = S->ideal ? INFINITY : lc->bandwidth_bps;
	l->free_ns = 0;
	return S->n_links++;
}

/* Ring all-gather or reduce-scatter of `bytes` over the dp replicas of one stage. */
static int64_t collective_ns(const sim *S, int64_t bytes)
{
	int n = S->pr->dp;
	if (n <= 1 || S->ideal)
		return 0;
	const xp_link_class *lc = &S->pr->intra_dc;
	return (n - 1) * lc->latency_ns + xp_serialize_ns(bytes * (n - 1) / n, lc->bandwidth_bps);
}

static xp_status add_collective(sim *S, int d, int c, int kind, int64_t ready)
{
	int64_t bytes = S->pr->params_bytes[d] / S->v;
	xp_collective col = { .device = d, .chunk = c, .kind = (uint8_t)kind, .bytes = bytes };
	col.start_ns = ready > S->dp_free[d] ? ready : S->dp_free[d];
	col.end_ns = col.start_ns + noisy(S, collective_ns(S, bytes));
	S->dp_free[d] = col.end_ns;
	if (kind == XP_COLL_ALLGATHER)
		S->ag_done[d * S->v + c] = col.end_ns;
	return xp_result_add_collective(S->res, &col);
}

/* DP: every chunk's all-gather, back to back from time 0 in the order of the chunks' first F. */
static xp_status plan_allgathers(sim *S)
{
	if (S->pr->dp <= 1)
		return XP_OK;
	for (int d = 0; d < S->p; d++) {
		const xp_op *ops = xp_schedule_ops(S->s, d);
		size_t n = xp_schedule_len(S->s, d);
		for (size_t i = 0; i < n; i++) {
			if (ops[i].kind != XP_OP_F || S->ag_done[d * S->v + ops[i].chunk] >= 0)
				continue;
			if (add_collective(S, d, ops[i].chunk, XP_COLL_ALLGATHER, 0))
				return XP_ENOMEM;
		}
		for (int c = 0; c < S->v; c++)
			if (S->ag_done[d * S->v + c] < 0)
				S->ag_done[d * S->v + c] = 0;
	}
	return XP_OK;
}

static void plan_links(sim *S)
{
	for (int q = 0; q + 1 < S->parts; q++) {
		int a = xp_schedule_device_of(S->s, q), b = xp_schedule_device_of(S->s, q + 1);
		S->fwd_link[q] = a == b ? -1 : link_id(S, a, b);
		S->bwd_link[q] = a == b ? -1 : link_id(S, b, a);
	}
}

static xp_status setup(sim *S)
{
	size_t slots = 3 * (size_t)S->parts * (size_t)S->m, dv = (size_t)S->p * S->v;
	S->ready = malloc(slots * sizeof *S->ready);
	S->blockdur = malloc((size_t)S->p * 4 * sizeof *S->blockdur);
	S->next = calloc((size_t)S->p, sizeof *S->next);
	S->free_ns = calloc((size_t)S->p, sizeof *S->free_ns);
	S->waiting = malloc((size_t)S->p * sizeof *S->waiting);
	S->ag_done = malloc(dv * sizeof *S->ag_done);
	S->dp_free = calloc((size_t)S->p, sizeof *S->dp_free);
	S->bw_left = calloc(dv, sizeof *S->bw_left);
	S->fwd_link = malloc((size_t)S->parts * sizeof *S->fwd_link);
	S->bwd_link = malloc((size_t)S->parts * sizeof *S->bwd_link);
	S->links = malloc(2 * (size_t)S->parts * sizeof *S->links);
	S->heap = malloc((size_t)S->p * sizeof *S->heap);
	if (!S->ready || !S->blockdur || !S->next || !S->free_ns || !S->waiting || !S->ag_done ||
	    !S->dp_free || !S->bw_left || !S->fwd_link || !S->bwd_link || !S->links || !S->heap)
		return XP_ENOMEM;
	for (size_t i = 0; i < slots; i++)
		S->ready[i] = -1;
	for (int mb = 0; mb < S->m; mb++)
		S->ready[slot_index(S, SLOT_F, 0, mb)] = 0;
	for (size_t i = 0; i < dv; i++)
		S->ag_done[i] = S->pr->dp > 1 ? -1 : 0;
	for (int d = 0; d < S->p; d++) {
		S->waiting[d] = -1;
		for (int k = 0; k < 4; k++) {
			xp_op whole = { .kind = (uint8_t)k, .lo = 0, .hi = 1, .nsub = 1 };
			S->blockdur[d * 4 + k] = xp_op_duration_ns(S->pr, S->s, d, whole);
		}
		const xp_op *ops = xp_schedule_ops(S->s, d);
		for (size_t i = 0; i < xp_schedule_len(S->s, d); i++)
			if ((ops[i].kind == XP_OP_B || ops[i].kind == XP_OP_W) &&
			    ops[i].hi == ops[i].nsub)
				S->bw_left[d * S->v + ops[i].chunk]++;
	}
	plan_links(S);
	return plan_allgathers(S);
}

static void teardown(sim *S)
{
	free(S->ready);
	free(S->blockdur);
	free(S->next);
	free(S->free_ns);
	free(S->waiting);
	free(S->ag_done);
	free(S->dp_free);
	free(S->bw_left);
	free(S->fwd_link);
	free(S->bwd_link);
	free(S->links);
	free(S->heap);
}

static int slot_class(xp_op op)
{
	return op.kind == XP_OP_F ? SLOT_F : op.kind == XP_OP_W ? SLOT_W : SLOT_BD;
}

/* Start device d's next op if its input is known; otherwise remember what it waits for. */
static void try_start(sim *S, int d)
{
	size_t i = S->next[d];
	if (i >= xp_schedule_len(S->s, d))
		return;
	xp_op op = xp_schedule_ops(S->s, d)[i];
	int part = xp_schedule_part(S->s, d, op.chunk);
	int64_t slot = slot_index(S, slot_class(op), part, op.mb);
	int64_t start = S->ready[slot];
	if (start < 0) {
		S->waiting[d] = slot;
		return;
	}
	S->waiting[d] = -1;
	if (start < S->free_ns[d])
		start = S->free_ns[d];
	if (op.kind == XP_OP_F && start < S->ag_done[d * S->v + op.chunk])
		start = S->ag_done[d * S->v + op.chunk];
	int64_t dur = noisy(S, op.nsub == 1 ? S->blockdur[d * 4 + op.kind]
	                                    : xp_op_duration_ns(S->pr, S->s, d, op));
	size_t k = S->res->op_offset[d] + i;
	S->res->op_start_ns[k] = start;
	S->res->op_end_ns[k] = start + dur;
	heap_push(S, (event){ start + dur, d });
}

/* Input `slot` of a block on device dst is available at time t. */
static void deliver(sim *S, int64_t slot, int dst, int64_t t)
{
	S->ready[slot] = t;
	if (S->waiting[dst] == slot)
		try_start(S, dst);
}

/* Put the output of block (kind, part, mb), ready at t, on link l; return its arrival. */
static xp_status send(sim *S, int l, xp_op op, int part, int64_t t, int64_t *arrive)
{
	link *L = &S->links[l];
	xp_transfer tr = { .src = L->src,
		           .dst = L->dst,
		           .part = part,
		           .mb = op.mb,
		           .kind = op.kind,
		           .crosses_dc = (uint8_t)L->crosses_dc };
	tr.bytes = S->pr->message_bytes * (L->crosses_dc ? S->pr->dp : 1);
	tr.ready_ns = t;
	tr.start_ns = t > L->free_ns ? t : L->free_ns;
	tr.end_ns = tr.start_ns + noisy(S, xp_serialize_ns(tr.bytes, L->bps));
	tr.arrive_ns = tr.end_ns + noisy(S, L->latency_ns);
	L->free_ns = tr.end_ns;
	*arrive = tr.arrive_ns;
	return xp_result_add_transfer(S->res, &tr);
}

/* Block (the last piece op) of device d ended at t: release what depends on it. */
static xp_status produce(sim *S, int d, xp_op op, int64_t t)
{
	int part = xp_schedule_part(S->s, d, op.chunk), last = S->parts - 1;
	int64_t at = t;
	if (op.kind == XP_OP_F && part < last) {
		int to = xp_schedule_device_of(S->s, part + 1);
		if (S->fwd_link[part] >= 0 && send(S, S->fwd_link[part], op, part, t, &at))
			return XP_ENOMEM;
		deliver(S, slot_index(S, SLOT_F, part + 1, op.mb), to, at);
	} else if (op.kind == XP_OP_F) {
		deliver(S, slot_index(S, SLOT_BD, part, op.mb), d, t);
	}
	if ((op.kind == XP_OP_D || op.kind == XP_OP_B) && part > 0) {
		int to = xp_schedule_device_of(S->s, part - 1);
		if (S->bwd_link[part - 1] >= 0 && send(S, S->bwd_link[part - 1], op, part, t, &at))
			return XP_ENOMEM;
		deliver(S, slot_index(S, SLOT_BD, part - 1, op.mb), to, at);
	}
	if (op.kind == XP_OP_D)
		deliver(S, slot_index(S, SLOT_W, part, op.mb), d, t);
	if ((op.kind == XP_OP_B || op.kind == XP_OP_W) && --S->bw_left[d * S->v + op.chunk] == 0 &&
	    S->pr->dp > 1)
		return add_collective(S, d, op.chunk, XP_COLL_REDUCESCATTER, t);
	return XP_OK;
}

/* What slot `slot` of a block waits for, in words: "D3 of part 4 (device 1)". */
static void describe_need(const sim *S, int64_t slot, char *buf, size_t len)
{
	int cls = (int)(slot / ((int64_t)S->parts * S->m));
	int part = (int)(slot / S->m % S->parts), mb = (int)(slot % S->m), from = part;
	char kind = 'F';
	if (cls == SLOT_F) {
		from = part - 1;
	} else if (cls == SLOT_W) {
		kind = 'D';
	} else if (part < S->parts - 1) {
		kind = xp_schedule_split_backward(S->s) ? 'D' : 'B';
		from = part + 1;
	}
	snprintf(buf, len, "%c%d of part %d (device %d)", kind, mb, from,
	         xp_schedule_device_of(S->s, from));
}

static xp_status deadlock(const sim *S, xp_error *err)
{
	char msg[sizeof err->msg] = "", need[64], name[32];
	size_t used = 0;
	int blocked = 0;
	for (int d = 0; d < S->p; d++) {
		size_t i = S->next[d];
		if (i >= xp_schedule_len(S->s, d) || used + 120 >= sizeof msg)
			continue;
		xp_op op = xp_schedule_ops(S->s, d)[i];
		xp_op_format(name, sizeof name, S->s, op);
		describe_need(S, S->waiting[d], need, sizeof need);
		used += (size_t)snprintf(msg + used, sizeof msg - used,
		                         "%sdevice %d blocked at %s (op %zu) waiting for %s",
		                         blocked++ ? "; " : "", d, name, i, need);
	}
	return xp_fail(err, XP_EDEADLOCK, "schedule %s deadlocks (a cyclic wait): %s",
	               xp_schedule_name(S->s), msg);
}

/* datacenters.split: dp: once every device is done, the gradients are all-reduced across the
 * DCs in a ring, not overlapped with the pipeline: 2(D-1) latencies and 2(D-1)/D of the model's
 * parameter bytes over the inter-DC link (docs/model.md §3; 2α + bytes·β for two DCs). */
static xp_status wan_allreduce(sim *S)
{
	const xp_params *pr = S->pr;
	int D = pr->datacenters;
	if (!pr->dp_across_dc || D < 2 || S->ideal)
		return XP_OK;
	int64_t end = 0, bytes = 0;
	for (int d = 0; d < S->p; d++) {
		end = S->free_ns[d] > end ? S->free_ns[d] : end;
		end = S->dp_free[d] > end ? S->dp_free[d] : end;
		bytes += pr->params_bytes[d];
	}
	int64_t dur =
	    2 * (D - 1) * pr->inter_dc.latency_ns +
	    noisy(S, xp_serialize_ns(bytes * 2 * (D - 1) / D, pr->inter_dc.bandwidth_bps));
	for (int d = 0; d < S->p; d++) {
		xp_collective c = { .device = d,
			            .chunk = 0,
			            .kind = XP_COLL_WAN_ALLREDUCE,
			            .bytes = pr->params_bytes[d],
			            .start_ns = end,
			            .end_ns = end + dur };
		if (xp_result_add_collective(S->res, &c))
			return XP_ENOMEM;
	}
	return XP_OK;
}

static xp_status simulate(sim *S, xp_error *err)
{
	for (int d = 0; d < S->p; d++)
		try_start(S, d);
	while (S->heap_n > 0) {
		event e = heap_pop(S);
		int d = e.device;
		xp_op op = xp_schedule_ops(S->s, d)[S->next[d]];
		S->free_ns[d] = e.t;
		if (op.hi == op.nsub && produce(S, d, op, e.t))
			return xp_fail(err, XP_ENOMEM, "out of memory recording transfers");
		S->next[d]++;
		try_start(S, d);
	}
	for (int d = 0; d < S->p; d++)
		if (S->next[d] < xp_schedule_len(S->s, d))
			return deadlock(S, err);
	return wan_allreduce(S) ? xp_fail(err, XP_ENOMEM, "out of memory") : XP_OK;
}

static xp_status run(const xp_params *pr, const xp_schedule *s, xp_result *res, xp_error *err,
                     int ideal, xp_noise_fn noise, void *ctx)
{
	sim S = { .pr = pr, .s = s, .res = res, .ideal = ideal, .noise = noise, .noise_ctx = ctx };
	S.p = xp_schedule_devices(s);
	S.v = xp_schedule_chunks(s);
	S.m = xp_schedule_microbatches(s);
	S.parts = xp_schedule_parts(s);
	if (S.p != pr->stages)
		return xp_fail(err, XP_EINVAL,
		               "schedule %s has %d devices but the scenario %d stages",
		               xp_schedule_name(s), S.p, pr->stages);
	xp_status st = setup(&S);
	if (st == XP_OK)
		st = simulate(&S, err);
	else
		xp_fail(err, st, "out of memory setting up the %s engine", res->engine);
	teardown(&S);
	if (st == XP_OK)
		xp_result_finish(res, pr);
	return st;
}

static xp_status run_analytic(const xp_params *pr, const xp_schedule *s, xp_result *res,
                              xp_error *err)
{
	return run(pr, s, res, err, 0, NULL, NULL);
}

static xp_status run_ideal(const xp_params *pr, const xp_schedule *s, xp_result *res, xp_error *err)
{
	return run(pr, s, res, err, 1, NULL, NULL);
}

xp_status xp_analytic_run_noisy(const xp_params *pr, const xp_schedule *s, xp_result *res,
                                xp_error *err, xp_noise_fn noise, void *ctx)
{
	return run(pr, s, res, err, 0, noise, ctx);
}

const xp_engine xp_engine_analytic = {
	"analytic",
	"discrete events under per-link latency and bandwidth, one transfer at a time per directed "
	"link, ring DP collectives",
	run_analytic,
};

const xp_engine xp_engine_ideal = {
	"ideal",
	"the same execution with free communication (no latency, infinite bandwidth, free "
	"collectives)",
	run_ideal,
};

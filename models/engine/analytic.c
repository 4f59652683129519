/* analytic.c: the discrete-event latency/bandwidth engine ("analytic"), and its free-communication
 * twin ("ideal").
 *
 * Events are op completions; each device has at most one op in flight, so a winner tree over
 * the devices, keyed by (time, device), yields them in order. When a block ends,
 * its output is put on the directed link to the consumer's device at once: because completions
 * are handled in time order, transfers reach each link in order of readiness, and the earliest free
 * window at or after the ready time is simply max(ready, link free). The arrival time is then
 * known, so a waiting consumer can be started straight away.
 *
 * Under network.p2p rendezvous or blocking (exec.h) a message leaves at its match, the later of
 * its block's end and the receiver's post; a post happens when the receiving device's previous
 * op ends, also an event handled in time order, so messages still reach each link in the order
 * they may leave and max(match, link free) stays exact. */
#include "base/units.h"
#include "engine/analytic_int.h"
#include "engine/analytic_sim.h"
#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/link_trace.h"
#include "schedule/block_cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The completion events: due[d] is the end of device d's op in flight (INT64_MAX when none), and
 * a winner tree over the devices keeps at its root the device whose op ends first (by time, then
 * device number): a new event costs one pass up its device's path. (Measured faster than a binary
 * heap of events, and than a branch-free tree of (time, device) pairs: docs/benchmarks.md.) */
static int earlier(const sim *S, int a, int b)
{
	return S->due[a] < S->due[b] || (S->due[a] == S->due[b] && a < b);
}

static void set_due(sim *S, int d, int64_t t)
{
	S->due[d] = t;
	for (int i = (S->leaves + d) / 2; i >= 1; i /= 2) {
		int a = S->tree[2 * i], b = S->tree[2 * i + 1];
		S->tree[i] = earlier(S, a, b) ? a : b;
	}
}

static void clear_events(sim *S)
{
	for (int d = 0; d < S->leaves; d++) {
		S->due[d] = INT64_MAX;
		S->tree[S->leaves + d] = d;
	}
	for (int i = S->leaves - 1; i >= 1; i--)
		S->tree[i] = S->tree[2 * i];
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
	l->bytes = xp_exec_message_bytes(S->pr, a, b);
	l->latency_ns = S->ideal ? 0 : lc->latency_ns;
	l->bps = S->ideal ? INFINITY : lc->bandwidth_bps;
	l->serialize_ns = xp_serialize_ns(l->bytes, l->bps);
	l->tl = l->crosses_dc ? xp_analytic_dc_timeline(S, S->pr->placement[a], S->pr->placement[b])
	                      : NULL;
	return S->n_links++;
}

static xp_status add_collective(sim *S, int d, int c, int kind, int64_t ready)
{
	int64_t bytes = xp_exec_chunk_param_bytes(S->pr, d, S->v);
	xp_collective col = { .device = d, .chunk = c, .kind = (uint8_t)kind, .bytes = bytes };
	col.start_ns = ready > S->dp_free[d] ? ready : S->dp_free[d];
	col.end_ns = col.start_ns + noisy(S, S->ideal ? 0 : xp_exec_ring_ns(S->pr, bytes));
	S->dp_free[d] = col.end_ns;
	if (kind == XP_COLL_ALLGATHER)
		S->ag_done[d * S->v + c] = col.end_ns;
	else
		S->rs_end[d * S->v + c] = col.end_ns;
	return xp_result_add_collective(S->res, &col);
}

/* DP: every chunk's all-gather, back to back from time 0 in the order of the chunks' first F;
 * a chunk without an F never waits for one. */
static xp_status plan_allgathers(sim *S)
{
	for (int i = 0; i < S->p * S->v; i++)
		S->ag_done[i] = 0;
	for (int d = 0; d < S->p; d++)
		S->ush_next[d] = 0;
	S->fsdp = xp_exec_fsdp(S->pr, S->s);
	if (S->pr->dp <= 1 || S->fsdp) /* FSDP: issued as the devices reach them */
		return XP_OK;
	for (int d = 0; d < S->p; d++) {
		int n = xp_exec_allgather_order(S->s, d, S->order);
		for (int k = 0; k < n; k++)
			if (add_collective(S, d, S->order[k], XP_COLL_ALLGATHER, 0))
				return XP_ENOMEM;
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

static xp_status alloc_all(sim *S)
{
	size_t slots = XP_SLOTS * (size_t)S->parts * (size_t)S->m, dv = (size_t)S->p * S->v;
	S->ready = malloc(slots * sizeof *S->ready);
	S->blockdur = malloc((size_t)S->p * XP_OP_KINDS * sizeof *S->blockdur);
	S->next = calloc((size_t)S->p, sizeof *S->next);
	S->free_ns = calloc((size_t)S->p, sizeof *S->free_ns);
	S->waiting = malloc((size_t)S->p * sizeof *S->waiting);
	S->ag_done = malloc(dv * sizeof *S->ag_done);
	S->dp_free = calloc((size_t)S->p, sizeof *S->dp_free);
	S->bw_left = calloc(dv, sizeof *S->bw_left);
	S->ush_next = calloc((size_t)S->p, sizeof *S->ush_next);
	S->rs_end = malloc(dv * sizeof *S->rs_end);
	S->shards = malloc(dv * sizeof *S->shards);
	S->fwd_link = malloc((size_t)S->parts * sizeof *S->fwd_link);
	S->bwd_link = malloc((size_t)S->parts * sizeof *S->bwd_link);
	S->links = malloc(2 * (size_t)S->parts * sizeof *S->links);
	for (S->leaves = 1; S->leaves < S->p;)
		S->leaves *= 2;
	S->due = malloc((size_t)S->leaves * sizeof *S->due);
	S->tree = malloc(2 * (size_t)S->leaves * sizeof *S->tree);
	S->ops = malloc((size_t)S->p * sizeof *S->ops);
	S->len = malloc((size_t)S->p * sizeof *S->len);
	S->part_of = malloc(dv * sizeof *S->part_of);
	S->deps = malloc((size_t)S->parts * XP_OP_KINDS * 2 * sizeof *S->deps);
	S->ndeps = malloc((size_t)S->parts * XP_OP_KINDS);
	S->order = malloc((size_t)S->v * sizeof *S->order);
	S->slow_hint = calloc((size_t)S->p, sizeof *S->slow_hint);
	if (xp_exec_p2p_holds_messages(S->match.mode)) {
		S->pend_ns = malloc(slots * sizeof *S->pend_ns);
		S->pend_op = malloc(slots * sizeof *S->pend_op);
		if (!S->pend_ns || !S->pend_op ||
		    xp_exec_match_init(&S->match, S->s, S->match.mode))
			return XP_ENOMEM;
	}
	if (!S->slow_hint || !S->ready || !S->blockdur || !S->next || !S->free_ns || !S->waiting ||
	    !S->ag_done || !S->dp_free || !S->bw_left || !S->fwd_link || !S->bwd_link ||
	    !S->links || !S->ush_next || !S->due || !S->tree || !S->ops || !S->len || !S->part_of ||
	    !S->deps || !S->ndeps || !S->order || !S->rs_end || !S->shards)
		return XP_ENOMEM;
	return XP_OK;
}

void xp_analytic_free(xp_analytic *S)
{
	if (!S)
		return;
	free(S->ready);
	free(S->blockdur);
	free(S->next);
	free(S->free_ns);
	free(S->waiting);
	free(S->ag_done);
	free(S->dp_free);
	free(S->bw_left);
	free(S->ush_next);
	free(S->rs_end);
	free(S->shards);
	free(S->fwd_link);
	free(S->bwd_link);
	free(S->links);
	free(S->due);
	free(S->tree);
	free(S->ops);
	free(S->len);
	free(S->part_of);
	free(S->deps);
	free(S->ndeps);
	free(S->order);
	free(S->slow_hint);
	xp_timeline_free(S->wan);
	for (int i = 0; S->pair_tl && i < S->pr->datacenters * S->pr->datacenters; i++)
		xp_timeline_free(S->pair_tl[i]);
	free(S->pair_tl);
	xp_timeline_free(S->slow);
	free(S->pend_ns);
	free(S->pend_op);
	xp_exec_match_free(&S->match);
	free(S);
}

xp_status xp_analytic_new(const xp_params *pr, const xp_schedule *shape, int ideal,
                          xp_analytic **out, xp_error *err)
{
	return xp_analytic_new_as(pr, shape, ideal, pr->p2p, out, err);
}

xp_status xp_analytic_new_as(const xp_params *pr, const xp_schedule *shape, int ideal, int p2p,
                             xp_analytic **out, xp_error *err)
{
	*out = NULL;
	if (xp_schedule_devices(shape) != pr->stages)
		return xp_fail(err, XP_EINVAL,
		               "schedule %s has %d devices but the scenario %d stages",
		               xp_schedule_name(shape), xp_schedule_devices(shape), pr->stages);
	sim *S = calloc(1, sizeof *S);
	if (!S)
		return xp_fail(err, XP_ENOMEM, "out of memory setting up the %s engine",
		               ideal ? "ideal" : "analytic");
	*S = (sim){ .pr = pr, .s = shape, .ideal = ideal, .match = { .mode = p2p } };
	S->p = xp_schedule_devices(shape);
	S->v = xp_schedule_chunks(shape);
	S->m = xp_schedule_microbatches(shape);
	S->parts = xp_schedule_parts(shape);
	if (alloc_all(S)) {
		xp_analytic_free(S);
		return xp_fail(err, XP_ENOMEM, "out of memory setting up the %s engine",
		               ideal ? "ideal" : "analytic");
	}
	for (int d = 0; d < S->p; d++)
		for (int k = 0; k < XP_OP_KINDS; k++) {
			xp_op whole = { .kind = (uint8_t)k, .lo = 0, .hi = 1, .nsub = 1 };
			S->blockdur[d * XP_OP_KINDS + k] = xp_op_duration_ns(pr, shape, d, whole);
		}
	xp_status st = ideal ? XP_OK : xp_analytic_timelines(S, err);
	if (st != XP_OK) {
		xp_analytic_free(S);
		return st;
	}
	plan_links(S);
	*out = S;
	return XP_OK;
}

/* Every per-run value back to its start. */
static xp_status reset(sim *S)
{
	/* without a W no op waits for a W slot: those stay untouched (a third of the slots) */
	size_t classes = xp_schedule_split_backward(S->s) ? XP_SLOTS : XP_SLOT_W;
	size_t slots = classes * (size_t)S->parts * (size_t)S->m;
	for (size_t i = 0; i < slots; i++)
		S->ready[i] = -1;
	for (int mb = 0; mb < S->m; mb++)
		S->ready[xp_exec_slot(S->parts, S->m, XP_SLOT_F, 0, mb)] = 0;
	for (int d = 0; d < S->p; d++) {
		S->next[d] = 0;
		S->free_ns[d] = S->dp_free[d] = 0;
		S->waiting[d] = -1;
	}
	for (int i = 0; i < S->n_links; i++)
		S->links[i].free_ns = S->links[i].hint = 0;
	for (int d = 0; d < S->p; d++)
		S->slow_hint[d] = 0;
	for (int i = 0; i < S->p * S->v; i++)
		S->rs_end[i] = -1;
	for (int d = 0; d < S->p; d++) {
		S->ops[d] = xp_schedule_ops(S->s, d);
		S->len[d] = xp_schedule_len(S->s, d);
		for (int c = 0; c < S->v; c++)
			S->part_of[d * S->v + c] = xp_schedule_part(S->s, d, c);
	}
	for (int q = 0; q < S->parts; q++)
		for (int k = 0; k < XP_OP_KINDS; k++)
			S->ndeps[q * XP_OP_KINDS + k] = (unsigned char)xp_exec_consumers(
			    S->s, k, q, xp_schedule_device_of(S->s, q),
			    &S->deps[(q * XP_OP_KINDS + k) * 2]);
	S->failed = XP_OK;
	clear_events(S);
	xp_exec_match_reset(&S->match, S->p);
	xp_exec_count_gradients(S->s, S->bw_left);
	return plan_allgathers(S);
}

/* A block of nominal duration dur starting at start on the straggler's device d: served at the
 * straggler trace's speed in force, segment by segment (link_trace.h). */
static int64_t straggle(sim *S, int d, int64_t start, int64_t dur)
{
	int64_t end;
	xp_status st = xp_timeline_finish(S->slow, S->origin_ns + start, (double)dur, &end, NULL,
	                                  &S->slow_hint[d], S->err);
	if (st != XP_OK && !S->failed)
		S->failed = st;
	return st == XP_OK ? end - S->origin_ns - start : dur;
}

static void launch(sim *S, int64_t slot, int64_t now);

/* FSDP: issue the all-gathers of device d's plan up to op i, the device having reached it. */
static void issue_unshards(sim *S, int d, size_t i)
{
	size_t n;
	const xp_unshard *u = xp_schedule_unshards(S->s, d, &n);
	while (S->ush_next[d] < n && (size_t)u[S->ush_next[d]].pos <= i) {
		int c = u[S->ush_next[d]++].chunk;
		if (add_collective(S, d, c, XP_COLL_ALLGATHER, S->free_ns[d]) && !S->failed)
			S->failed = XP_ENOMEM;
	}
}

/* Block b of device d: 0 with S->waiting[d] set when its input is not yet known, else 1 with
 * *start raised to its input's arrival and (an F, or any block under FSDP) its chunk's
 * all-gather end. */
static int block_ready(sim *S, int d, const xp_op *b, int64_t *start)
{
	int part = S->part_of[d * S->v + b->chunk]; /* xp_exec_op_slot, with parts and m known */
	int64_t slot = xp_exec_slot(S->parts, S->m, xp_exec_slot_class(b->kind), part, b->mb);
	int64_t at = S->ready[slot];
	if (at < 0) {
		S->waiting[d] = slot;
		return 0;
	}
	if (*start < at)
		*start = at;
	if ((b->kind == XP_OP_F || S->fsdp) && *start < S->ag_done[d * S->v + b->chunk])
		*start = S->ag_done[d * S->v + b->chunk];
	return 1;
}

/* The earliest start of op of device d by its inputs (both blocks' for an overlapped op), or -1
 * with S->waiting[d] set to a slot not yet known. Posts the receives of its inputs first
 * (network.p2p). */
static int64_t inputs_ready(sim *S, int d, const xp_op *op)
{
	int64_t start = S->free_ns[d];
	if (op->kind != XP_OP_O && !xp_exec_p2p_matches(S->match.mode)) { /* the common case */
		if (!block_ready(S, d, op, &start))
			return -1;
		S->waiting[d] = -1;
		return start;
	}
	xp_op half[2];
	const xp_op *b = op;
	int n = 1;
	if (op->kind == XP_OP_O)
		n = xp_op_halves(*op, half), b = half;
	for (int k = 0; k < n && xp_exec_p2p_matches(S->match.mode); k++) {
		int64_t matched = xp_exec_match_post(&S->match, S->s, d, b[k]);
		if (matched >= 0)
			launch(S, matched, S->free_ns[d]); /* the post is now: d's op just ended */
	}
	for (int k = 0; k < n; k++)
		if (!block_ready(S, d, &b[k], &start))
			return -1;
	S->waiting[d] = -1;
	return start;
}

/* network.p2p megatron: run device d's calls before op i; 1 when op i may start. A call that
 * completes later is an event of its own (simulate); the device has no op in flight then. */
static int megatron_go(sim *S, int d, size_t i)
{
	int64_t until;
	int go = xp_exec_call_step(&S->match, S->s, d, i, S->free_ns[d], &until);
	if (go == XP_CALL_AT)
		set_due(S, d, until);
	return go == XP_CALL_GO;
}

/* Start device d's next op if its input is known; otherwise remember what it waits for. */
static void try_start(sim *S, int d)
{
	size_t i = S->next[d];
	if (xp_exec_p2p_megatron(S->match.mode) && !megatron_go(S, d, i))
		return;
	if (i >= S->len[d] || xp_exec_match_holds(&S->match, d))
		return;
	if (S->fsdp)
		issue_unshards(S, d, i);
	const xp_op *op = &S->ops[d][i];
	int64_t start = inputs_ready(S, d, op);
	if (start < 0)
		return;
	int64_t dur = noisy(S, !xp_op_is_piece(*op) ? S->blockdur[d * XP_OP_KINDS + op->kind]
	                                            : xp_op_duration_ns(S->pr, S->s, d, *op));
	if (S->slow && S->pr->straggler.slow[d])
		dur = straggle(S, d, start, dur);
	xp_result_set_op(S->res, d, S->res->op_offset[d] + i, start, start + dur);
	set_due(S, d, start + dur);
}

/* Put the output of block op of `part`, ready at t and free to leave at go >= t, on link l;
 * return its arrival. */
static xp_status send(sim *S, int l, const xp_op *op, int part, int64_t t, int64_t go,
                      int64_t *arrive)
{
	link *L = &S->links[l];
	xp_transfer tr = { .src = L->src,
		           .dst = L->dst,
		           .part = part,
		           .mb = op->mb,
		           .kind = op->kind,
		           .crosses_dc = (uint8_t)L->crosses_dc,
		           .bytes = L->bytes };
	tr.ready_ns = t;
	tr.start_ns = go > L->free_ns ? go : L->free_ns;
	int64_t ser = L->serialize_ns, lat = L->latency_ns;
	if (L->tl) {
		int64_t at = S->origin_ns + tr.start_ns, end;
		xp_status st = xp_timeline_finish(L->tl, at, 8.0 * (double)tr.bytes, &end, &lat,
		                                  &L->hint, S->err);
		if (st != XP_OK)
			return S->failed = st;
		ser = end - at;
	}
	tr.end_ns = tr.start_ns + noisy(S, ser);
	tr.arrive_ns = tr.end_ns + noisy(S, lat);
	L->free_ns = tr.end_ns;
	*arrive = tr.arrive_ns;
	return xp_result_add_transfer(S->res, &tr);
}

/* The waiting message of slot was matched by its receiver's post at now: it leaves; under
 * blocking its sender, held since its block ended, goes on at now. */
static void launch(sim *S, int64_t slot, int64_t now)
{
	int cls = (int)(slot / ((int64_t)S->parts * S->m)), to = (int)(slot / S->m % S->parts);
	int from = cls == XP_SLOT_F ? to - 1 : to + 1; /* a message: never the last part's own F */
	int l = cls == XP_SLOT_F ? S->fwd_link[from] : S->bwd_link[to];
	int64_t at;
	xp_status st = send(S, l, &S->pend_op[slot], from, S->pend_ns[slot], now, &at);
	if (st != XP_OK && !S->failed)
		S->failed = st;
	S->ready[slot] = at;
	int sender = S->links[l].src, receiver = S->links[l].dst;
	if (xp_exec_p2p_megatron(S->match.mode)) { /* it completes at its arrival, for both */
		if (xp_exec_call_complete(&S->match, sender, at))
			set_due(S, sender, S->match.done_ns[sender]);
		if (xp_exec_call_complete(&S->match, receiver, at))
			set_due(S, receiver, S->match.done_ns[receiver]);
		return;
	}
	if (xp_exec_match_started(&S->match, sender) && S->match.mode == XP_P2P_BLOCKING) {
		S->free_ns[sender] = now;
		try_start(S, sender);
	}
}

static void launch_cb(void *ctx, int64_t slot, int64_t now)
{
	launch(ctx, slot, now);
}

/* Block (the last piece op) of device d ended at t: release what depends on it. */
static xp_status produce(sim *S, int d, const xp_op *op, int64_t t)
{
	int part = S->part_of[d * S->v + op->chunk];
	const xp_exec_dep *dep = &S->deps[(part * XP_OP_KINDS + op->kind) * 2];
	for (int k = 0, n = S->ndeps[part * XP_OP_KINDS + op->kind]; k < n; k++) {
		int64_t at = t;
		int l = dep[k].part > part ? S->fwd_link[part] : S->bwd_link[dep[k].part];
		int64_t slot = xp_exec_slot(S->parts, S->m, dep[k].cls, dep[k].part, op->mb);
		if (dep[k].remote && xp_exec_p2p_holds_messages(S->match.mode) &&
		    !xp_exec_match_send(&S->match, slot, d)) {
			S->pend_ns[slot] = t; /* waits for its receive: launch() */
			S->pend_op[slot] = *op;
			continue;
		}
		if (dep[k].remote && send(S, l, op, part, t, t, &at))
			return XP_ENOMEM;
		S->ready[slot] = at;
		if (S->waiting[dep[k].device] == slot)
			try_start(S, dep[k].device);
	}
	if (xp_exec_ends_gradient(*op) && --S->bw_left[d * S->v + op->chunk] == 0 && S->pr->dp > 1)
		return add_collective(S, d, op->chunk, XP_COLL_REDUCESCATTER, t);
	return XP_OK;
}

/* Device d is free again (its event handled, its tree leaf left at INT64_MAX): start what it
 * can, settle its path in the event tree when nothing started, and report a failure of the run. */
static xp_status resume(sim *S, int d, xp_error *err)
{
	try_start(S, d);
	if (S->due[d] == INT64_MAX)
		set_due(S, d, INT64_MAX);
	if (S->failed == XP_ENOMEM)
		return xp_fail(err, XP_ENOMEM, "out of memory recording transfers");
	return S->failed;
}

static xp_status simulate(sim *S, xp_error *err)
{
	for (int d = 0; d < S->p; d++)
		try_start(S, d);
	for (;;) {
		int d = S->tree[1];
		int64_t t = S->due[d];
		if (t == INT64_MAX)
			break;
		if (xp_exec_call_in(&S->match, d)) { /* megatron: the end of d's call */
			S->due[d] = INT64_MAX;
			S->free_ns[d] = t;
			xp_status st = resume(S, d, err);
			if (st != XP_OK)
				return st;
			continue;
		}
		const xp_op *b = &S->ops[d][S->next[d]];
		xp_op half[2];
		int n = xp_op_ends_block(*b); /* the block's last piece: its output leaves */
		if (b->kind == XP_OP_O)
			n = xp_op_halves(*b, half), b = half;
		S->due[d] = INT64_MAX; /* its path is redone below, or by its next start */
		S->free_ns[d] = t;
		for (int k = 0; k < n; k++)
			if (produce(S, d, &b[k], t))
				return S->failed ? S->failed
				                 : xp_fail(err, XP_ENOMEM,
				                           "out of memory recording transfers");
		S->next[d]++;
		xp_status st = resume(S, d, err);
		if (st != XP_OK)
			return st;
	}
	for (int d = 0; d < S->p; d++)
		if (S->next[d] < S->len[d])
			return xp_exec_match_deadlock(&S->match, S->s, S->next, err);
	if (xp_analytic_dc_collectives(S))
		return S->failed ? S->failed : xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

xp_status xp_analytic_time(xp_analytic *S, const xp_schedule *s, xp_result *res, xp_error *err,
                           xp_noise_fn noise, void *ctx)
{
	S->s = s;
	S->res = res;
	S->noise = noise;
	S->noise_ctx = ctx;
	S->err = err;
	if (xp_exec_p2p_megatron(S->match.mode)) {
		S->match.launch = launch_cb;
		S->match.ctx = S;
		xp_status st = xp_exec_call_plan(&S->match, S->pr, s, err);
		if (st != XP_OK)
			return st;
	}
	xp_status st = reset(S);
	if (st != XP_OK)
		return xp_fail(err, st, "out of memory recording collectives");
	st = simulate(S, err);
	if (st == XP_OK)
		xp_result_finish(res, S->pr);
	return st;
}

void xp_analytic_set_origin(xp_analytic *S, int64_t origin_ns)
{
	S->origin_ns = origin_ns;
}

/* One run with a workspace of its own. */
static xp_status run(const xp_params *pr, const xp_schedule *s, xp_result *res, xp_error *err,
                     int ideal)
{
	xp_analytic *S;
	xp_status st = xp_analytic_new(pr, s, ideal, &S, err);
	if (st == XP_OK)
		st = xp_analytic_time(S, s, res, err, NULL, NULL);
	xp_analytic_free(S);
	return st;
}

static xp_status run_analytic(const xp_params *pr, const xp_schedule *s, xp_result *res,
                              xp_error *err)
{
	return run(pr, s, res, err, 0);
}

static xp_status run_ideal(const xp_params *pr, const xp_schedule *s, xp_result *res, xp_error *err)
{
	return run(pr, s, res, err, 1);
}

const xp_engine xp_engine_analytic = {
	"analytic",
	"discrete events under per-link latency and bandwidth, one transfer at a time per directed "
	"link, ring DP collectives",
	run_analytic, XP_ENGINE_VARYING, /* iterations: xp_iterations_run re-runs it */
};

const xp_engine xp_engine_ideal = {
	"ideal",
	"the same execution with free communication (no latency, infinite bandwidth, free "
	"collectives)",
	run_ideal,
	XP_ENGINE_VARYING,
};

/* packet.c: the packet engine ("packet"): the schedule executor on ns-3, in C over ns3c.h.
 *
 * Same semantics as the analytic engine (engine.h): a device starts its next op when the previous
 * one has ended and the op's input has fully arrived. Compute blocks are timers; every
 * activation or gradient is a message over a persistent connection between the two devices'
 * nodes (one per DP replica), and every DP collective is a ring of messages between the
 * replicas of a stage. The iteration starts (time 0 of the result) when every connection is
 * established, so that no message pays for a handshake; the run stops as soon as the schedule is
 * done. Under network.p2p rendezvous, blocking or megatron (exec.h) a message is handed to its
 * connection only at its match, the later of its block's end (megatron: its sender's call) and
 * its receiver's post. */
#include <stdlib.h>
#include <string.h>

#include "base/module.h"
#include "base/progress.h"
#include "base/units.h"
#include "engine/exec.h"
#include "packet_exec.h"
#include "schedule/block_cost.h"

enum { TAG_OP = 1, TAG_MSG = 2, TAG_COLL = 3, TAG_START = 4, TAG_LINK = 5, TAG_DCAR = 6 };
/* tag = kind << 48 | i; TAG_LINK: a WAN change (timer), TAG_DCAR: the all-reduce across DCs */
#define TAG(kind, i) (((int64_t)(kind) << 48) | (int64_t)(i))

typedef xp_packet_exec pk;
typedef xp_packet_pair pair;
typedef xp_packet_coll coll;

static int64_t slot_index(const pk *K, int cls, int part, int mb)
{
	return xp_exec_slot(K->parts, K->m, cls, part, mb);
}

static int64_t now_rel(const pk *K, int64_t now)
{
	return now - K->origin;
}

static void fail_stop(pk *K, xp_status st)
{
	if (!K->st)
		K->st = st;
	xp_ns3_stop(K->net);
}

static void try_start(pk *K, int d, int64_t now);

static void deliver(pk *K, int64_t slot, int dst, int64_t now)
{
	K->ready[slot] = now_rel(K, now);
	try_start(K, dst, now);
}

/* ---- DP collectives: rings over the replicas of one stage inside a DC (all of them but under
 * split: hierarchical, n = dp/D rings of n at once; every replica sends in every step) ---- */

static void coll_step(pk *K, int d)
{
	int64_t bytes = xp_exec_chunk_param_bytes(K->pr, d, K->v) / K->ring_n;
	K->c_left[d] = K->dp;
	for (int r = 0; r < K->dp && !K->st; r++) {
		xp_status st = xp_ns3_send(K->net, K->ring_conn[d] + r, bytes > 0 ? bytes : 1,
		                           TAG(TAG_COLL, d), K->err);
		if (st)
			fail_stop(K, st);
	}
	K->inflight++;
}

static void coll_end(pk *K, int d, int64_t now);

/* The next queued collective of device d starts at now, unless one runs; a ring of one replica
 * (hierarchical with dp = D) moves nothing and ends at once. */
static void coll_begin(pk *K, int d, int64_t now)
{
	while (K->c_step[d] < 0 && K->cq_n[d] > 0) {
		K->c_step[d] = 0;
		K->c_start[d] = now_rel(K, now);
		if (K->ring_n > 1) {
			coll_step(K, d);
			return;
		}
		coll_end(K, d, now);
	}
}

static void coll_push(pk *K, int d, int chunk, int kind, int64_t now)
{
	int i = (K->cq_head[d] + K->cq_n[d]++) % (2 * K->v);
	K->cq[d * 2 * K->v + i] = (coll){ chunk, kind };
	coll_begin(K, d, now);
}

/* hierarchical: chunk c of device d has been reduce-scattered: its shards cross the DCs. */
static void shards_begin(pk *K, int d, int c, int64_t now)
{
	K->inflight++; /* until its rings end */
	xp_status st = xp_packet_allreduce_queue(&K->ar, K->net, K->pr, d * K->v + c, now,
	                                         K->origin, TAG(TAG_DCAR, 0), K->err);
	if (st)
		fail_stop(K, st);
}

/* Device d's running collective ended at now: record it, release what waits for it. */
static void coll_end(pk *K, int d, int64_t now)
{
	coll c = K->cq[d * 2 * K->v + K->cq_head[d]];
	xp_collective rec = { .device = d, .chunk = c.chunk, .kind = (uint8_t)c.kind };
	rec.bytes = xp_exec_chunk_param_bytes(K->pr, d, K->v);
	rec.start_ns = K->c_start[d];
	rec.end_ns = now_rel(K, now);
	if (xp_result_add_collective(K->res, &rec))
		fail_stop(K, xp_fail(K->err, XP_ENOMEM, "out of memory recording collectives"));
	K->cq_head[d] = (K->cq_head[d] + 1) % (2 * K->v);
	K->cq_n[d]--;
	K->c_step[d] = -1;
	if (c.kind == XP_COLL_ALLGATHER) {
		K->ag_done[d * K->v + c.chunk] = rec.end_ns;
		try_start(K, d, now);
	} else if (K->ar.per_chunk)
		shards_begin(K, d, c.chunk, now);
}

static void coll_arrived(pk *K, int d, int64_t now)
{
	if (--K->c_left[d] > 0)
		return;
	K->inflight--;
	if (++K->c_step[d] < K->ring_n - 1) {
		coll_step(K, d);
		return;
	}
	coll_end(K, d, now);
	coll_begin(K, d, now);
}

/* ---- ops and transfers ---- */

static void launch(pk *K, int64_t slot, int64_t now);

static void try_start(pk *K, int d, int64_t now)
{
	size_t i = K->next[d];
	if (xp_exec_p2p_megatron(K->match.mode) && /* a call ends at an arrival: never after now */
	    (K->busy[d] || K->st ||
	     xp_exec_call_step(&K->match, K->s, d, i, now, &(int64_t){ 0 }) != XP_CALL_GO))
		return;
	if (K->busy[d] || i >= xp_schedule_len(K->s, d) || K->st ||
	    xp_exec_match_holds(&K->match, d))
		return;
	xp_op op = xp_schedule_ops(K->s, d)[i], half[2];
	int n = xp_op_halves(op, half); /* an overlapped op waits for both of its blocks */
	for (int k = 0; k < n; k++) {
		int64_t matched = xp_exec_match_post(&K->match, K->s, d, half[k]);
		if (matched >= 0)
			launch(K, matched, now);
	}
	for (int k = 0; k < n; k++) {
		if (K->ready[xp_exec_op_slot(K->s, d, half[k])] < 0)
			return;
		if (half[k].kind == XP_OP_F && K->ag_done[d * K->v + half[k].chunk] < 0)
			return;
	}
	int64_t dur =
	    xp_packet_wan_block_ns(&K->wan, d, now, xp_op_duration_ns(K->pr, K->s, d, op));
	xp_result_set_op(K->res, d, K->res->op_offset[d] + i, now_rel(K, now),
	                 now_rel(K, now) + dur);
	K->busy[d] = 1;
	K->inflight++;
	xp_status st = xp_ns3_timer(K->net, now + dur, TAG(TAG_OP, d), K->err);
	if (st)
		fail_stop(K, st);
}

/* The output of block (op, part) ended at now: the message over pair q that fills `slot`. */
static void prepare(pk *K, int q, xp_op op, int part, int64_t slot, int64_t now)
{
	pair *P = &K->pairs[q];
	xp_transfer *t = &K->pend[slot];
	*t = (xp_transfer){ .src = P->src,
		            .dst = P->dst,
		            .part = part,
		            .mb = op.mb,
		            .kind = op.kind,
		            .crosses_dc = (uint8_t)P->crosses };
	t->bytes = xp_exec_message_bytes(K->pr, P->src, P->dst);
	t->ready_ns = now_rel(K, now);
}

/* Hand the message of slot to its pair's connections (one per DP replica) at now. */
static void send(pk *K, int q, int64_t slot, int64_t now)
{
	pair *P = &K->pairs[q];
	K->pend[slot].start_ns = now_rel(K, now); /* when it may leave; msg_arrived refines it */
	K->pend_left[slot] = K->dp;
	int64_t bytes = K->pr->message_bytes > 0 ? K->pr->message_bytes : 1;
	for (int r = 0; r < K->dp; r++) {
		xp_status st = xp_ns3_send(K->net, P->conn + r, bytes, TAG(TAG_MSG, slot), K->err);
		if (st) {
			fail_stop(K, st);
			return;
		}
	}
	K->inflight++;
}

static int pair_of_slot(const pk *K, int64_t slot)
{
	int cls = (int)(slot / ((int64_t)K->parts * K->m)), part = (int)(slot / K->m % K->parts);
	return cls == XP_SLOT_F ? K->fwd_pair[part - 1] : K->bwd_pair[part];
}

/* The waiting message of slot was matched by its receiver's post at now: it leaves; under
 * blocking its sender, held since its block ended, goes on at now. */
static void launch(pk *K, int64_t slot, int64_t now)
{
	int q = pair_of_slot(K, slot);
	send(K, q, slot, now);
	int sender = K->pairs[q].src;
	if (xp_exec_match_started(&K->match, sender) && K->match.mode == XP_P2P_BLOCKING)
		try_start(K, sender, now);
}

static void launch_cb(void *ctx, int64_t slot, int64_t now)
{
	send(ctx, pair_of_slot(ctx, slot), slot, now);
}

static void msg_arrived(pk *K, int64_t slot, int64_t now)
{
	if (--K->pend_left[slot] > 0)
		return;
	K->inflight--;
	pair *P = &K->pairs[pair_of_slot(K, slot)];
	xp_transfer *t = &K->pend[slot];
	t->arrive_ns = now_rel(K, now);
	/* the sender's FIFO: a message holds the path after the previous one on it */
	t->start_ns = t->start_ns > P->last_end_ns ? t->start_ns : P->last_end_ns;
	t->end_ns = t->arrive_ns - xp_packet_wan_latency_ns(&K->wan, K->pr->placement[P->src],
	                                                    K->pr->placement[P->dst]);
	if (t->end_ns < t->start_ns)
		t->end_ns = t->start_ns < t->arrive_ns ? t->start_ns : t->arrive_ns;
	if (t->start_ns > t->end_ns)
		t->start_ns = t->end_ns;
	P->last_end_ns = t->end_ns;
	if (xp_result_add_transfer(K->res, t)) {
		fail_stop(K, xp_fail(K->err, XP_ENOMEM, "out of memory recording transfers"));
		return;
	}
	int mega = xp_exec_p2p_megatron(K->match.mode); /* it ends both devices' calls */
	int sent = mega && xp_exec_call_complete(&K->match, P->src, now);
	if (mega)
		xp_exec_call_complete(&K->match, P->dst, now);
	deliver(K, slot, P->dst, now);
	if (sent)
		try_start(K, P->src, now);
}

/* Block (the last piece op) of device d ended at now: release what depends on it. */
static void produce(pk *K, int d, xp_op op, int64_t now)
{
	int part = xp_schedule_part(K->s, d, op.chunk);
	xp_exec_dep dep[2];
	for (int k = 0, n = xp_exec_consumers(K->s, op.kind, part, d, dep); k < n; k++) {
		int64_t slot = slot_index(K, dep[k].cls, dep[k].part, op.mb);
		int q = dep[k].part > part ? K->fwd_pair[part] : K->bwd_pair[dep[k].part];
		if (!dep[k].remote) {
			deliver(K, slot, dep[k].device, now);
			continue;
		}
		prepare(K, q, op, part, slot, now);
		if (xp_exec_match_send(&K->match, slot, d))
			send(K, q, slot, now);
		/* else the message waits for its receive: launch() */
	}
	if (xp_exec_ends_gradient(op) && --K->bw_left[d * K->v + op.chunk] == 0 && K->dp > 1)
		coll_push(K, d, op.chunk, XP_COLL_REDUCESCATTER, now);
}

static void op_ended(pk *K, int d, int64_t now)
{
	xp_op op = xp_schedule_ops(K->s, d)[K->next[d]];
	xp_progress_sim(now_rel(K, now));
	K->inflight--;
	K->ops_left--;
	K->next[d]++;
	xp_op half[2];
	for (int k = 0, n = xp_op_ends_block(op) ? xp_op_halves(op, half) : 0; k < n; k++)
		produce(K, d, half[k], now); /* the device stays busy: this may start others only */
	K->busy[d] = 0;
	try_start(K, d, now);
}

static void next_iteration(pk *K, int64_t now);

/* After every event: once an iteration's schedule is done, with split: dp start its all-reduce
 * across the DCs; once that is done too (hierarchical: every chunk's shards, in flight), start the
 * next iteration, or stop after the last or when nothing can happen any more. */
static void check_end(pk *K, int64_t now)
{
	if (K->inflight != 0 || K->done)
		return;
	if (K->ops_left == 0 && K->ar.conn && !K->ar.per_chunk && !K->ar.started && !K->st) {
		K->inflight += K->p; /* one per stage's ring */
		xp_status st = xp_packet_allreduce_start(&K->ar, K->net, K->pr, now, K->origin,
		                                         TAG(TAG_DCAR, 0), K->err);
		if (st)
			fail_stop(K, st);
		if (K->inflight != 0 && !K->st)
			return;
	}
	if (K->iter > 0) { /* the first iteration's makespan is the result's own */
		xp_result_finish(K->res, K->pr);
		K->iter_ns[K->iter] = K->res->makespan_ns;
	}
	if (K->ops_left == 0 && K->iter + 1 < K->pr->iterations && !K->st) {
		next_iteration(K, now);
		return;
	}
	K->done = 1;
	xp_ns3_stop(K->net);
}

static void on_ready(void *ctx, int64_t now);

static void on_timer(void *ctx, int64_t tag, int64_t now)
{
	pk *K = ctx;
	if ((tag >> 48) == TAG_LINK) { /* the WAN changes; nothing of the schedule ends */
		xp_status st = xp_packet_wan_change(&K->wan, now, K->err);
		if (st)
			fail_stop(K, st);
		return;
	}
	if ((tag >> 48) == TAG_OP)
		op_ended(K, (int)(tag & 0xffffffff), now);
	if ((tag >> 48) == TAG_START) {
		on_ready(ctx, now);
		return;
	}
	check_end(K, now);
}

static void on_delivered(void *ctx, int64_t tag, int64_t now)
{
	pk *K = ctx;
	int64_t i = tag & (((int64_t)1 << 48) - 1);
	if ((tag >> 48) == TAG_MSG)
		msg_arrived(K, i, now);
	else if ((tag >> 48) == TAG_COLL)
		coll_arrived(K, (int)i, now);
	else if ((tag >> 48) == TAG_DCAR) /* an all-reduce across the DCs */
		K->inflight -= xp_packet_allreduce_arrived(&K->ar, K->net, K->pr, (int)i, tag, now,
		                                           K->res, &K->st, K->err);
	check_end(K, now);
}

/* An iteration starts at now. */
static void begin_iteration(pk *K, int64_t now)
{
	K->origin = now;
	for (int d = 0; d < K->p && K->dp > 1; d++) {
		int order[256];
		for (int k = 0, n = xp_exec_allgather_order(K->s, d, order); k < n; k++) {
			K->ag_done[d * K->v + order[k]] = -2; /* queued */
			coll_push(K, d, order[k], XP_COLL_ALLGATHER, now);
		}
	}
	for (int d = 0; d < K->p; d++)
		try_start(K, d, now);
	check_end(K, now);
}

/* Every connection is up: the first iteration starts, and the WAN's timeline with it. */
static void on_ready(void *ctx, int64_t now)
{
	pk *K = ctx;
	xp_status st = xp_packet_wan_start(&K->wan, now, K->err);
	if (st) {
		fail_stop(K, st);
		return;
	}
	begin_iteration(K, now);
}

/* ---- setup ---- */

/* The executor's state at the start of an iteration (every connection stays as it is). */
static xp_status init_state(pk *K)
{
	xp_exec_match_reset(&K->match, K->p);
	K->match.launch = launch_cb; /* megatron's calls start their messages through it */
	K->match.ctx = K;
	xp_status st = XP_OK;
	if (xp_exec_p2p_megatron(K->match.mode) &&
	    (st = xp_exec_call_plan(&K->match, K->pr, K->s, K->err)))
		return st;
	size_t slots = 3 * (size_t)K->parts * (size_t)K->m, dv = (size_t)K->p * K->v;
	for (size_t i = 0; i < slots; i++) {
		K->ready[i] = -1;
		K->pend_left[i] = 0;
	}
	for (int mb = 0; mb < K->m; mb++)
		K->ready[slot_index(K, XP_SLOT_F, 0, mb)] = 0;
	for (size_t i = 0; i < dv; i++) /* chunks with no F never wait for an all-gather */
		K->ag_done[i] = 0;
	K->ops_left = 0;
	for (int d = 0; d < K->p; d++) {
		K->next[d] = 0;
		K->busy[d] = K->cq_head[d] = K->cq_n[d] = K->c_left[d] = 0;
		K->c_step[d] = -1;
		K->ops_left += (int64_t)xp_schedule_len(K->s, d);
		int order[256];
		for (int k = 0, n = xp_exec_allgather_order(K->s, d, order); K->dp > 1 && k < n;
		     k++)
			K->ag_done[d * K->v + order[k]] = -1;
	}
	for (int q = 0; q < K->n_pairs; q++)
		K->pairs[q].last_end_ns = 0;
	xp_exec_count_gradients(K->s, K->bw_left);
	K->ar.started = 0; /* split: dp: every iteration ends with its all-reduce across DCs */
	return XP_OK;
}

static xp_status setup(pk *K)
{
	if (xp_packet_exec_alloc(K) || xp_exec_match_init(&K->match, K->s, K->pr->p2p))
		return xp_fail(K->err, XP_ENOMEM, "out of memory setting up the packet engine");
	if (K->pr->iterations > 1) {
		K->iter_ns = calloc((size_t)K->pr->iterations, sizeof *K->iter_ns);
		K->scratch = xp_result_new(K->s, "packet");
		if (!K->iter_ns || !K->scratch)
			return xp_fail(K->err, XP_ENOMEM, "out of memory for iterations");
		xp_result_summary_only(K->scratch);
	}
	return init_state(K);
}

/* The iteration that ended at now was not the last: the next one starts at once, on the same
 * connections (their windows as the last one left them) and the same network. */
static void next_iteration(pk *K, int64_t now)
{
	K->iter++;
	K->res = K->scratch;
	xp_status st = xp_result_reset(K->res, K->s);
	if (st) {
		fail_stop(K, xp_fail(K->err, st, "out of memory for iterations"));
		return;
	}
	if ((st = init_state(K))) {
		fail_stop(K, st);
		return;
	}
	begin_iteration(K, now);
}

static xp_status build_network(pk *K)
{
	int hosts = K->p * K->dp;
	int *dc = malloc((size_t)hosts * sizeof *dc);
	if (!dc)
		return xp_fail(K->err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < hosts; i++)
		dc[i] = xp_packet_host_dc(K->pr, i / K->p, i % K->p);
	xp_ns3_config cfg;
	xp_packet_config(K->pr, &cfg);
	cfg.flow_monitor = K->flow_monitor; /* it costs 5-10% of the run, for statistics only */
	cfg.ctx = K;
	cfg.ready = on_ready;
	cfg.delivered = on_delivered;
	cfg.timer = on_timer;
	xp_status st = xp_packet_build(K->pr, hosts, dc, K->pr->datacenters, &cfg, &K->net, K->err);
	free(dc);
	if (st)
		return st;
	xp_packet_exec_connect(K);
	if (!K->st)
		K->st = xp_packet_wan_attach(&K->wan, K->net, hosts, K->pr->datacenters,
		                             TAG(TAG_LINK, 0), K->err);
	if (!K->st && K->n_pairs == 0 && K->dp == 1) /* nothing to connect: start at once */
		K->st = xp_ns3_timer(K->net, 0, TAG(TAG_START, 0), K->err);
	return K->st;
}

/* ---- the end of a run ---- */

static xp_status run_stats(const xp_params *pr, const xp_schedule *s, xp_result *res,
                           xp_packet_stats *stats, xp_error *err)
{
	pk K = { .pr = pr, .s = s, .res = res, .err = err };
	K.flow_monitor = stats != NULL;
	K.p = xp_schedule_devices(s);
	K.v = xp_schedule_chunks(s);
	K.m = xp_schedule_microbatches(s);
	K.parts = xp_schedule_parts(s);
	K.dp = pr->dp;
	K.ring_n = xp_params_dp_group(pr);
	if (K.p != pr->stages)
		return xp_fail(err, XP_EINVAL,
		               "schedule %s has %d devices but the scenario %d stages",
		               xp_schedule_name(s), K.p, pr->stages);
	if (K.dp > 64 || (int64_t)K.p * K.dp > 16384)
		return xp_fail(
		    err, XP_EINVAL,
		    "the packet engine simulates every replica: dp %d x %d stages is too "
		    "many nodes (at most dp 64 and 16384 nodes)",
		    K.dp, K.p);
	if (xp_exec_fsdp(pr, s))
		return xp_fail(err, XP_EINVAL,
		               "schedule %s: the packet engine does not simulate all-gathers at "
		               "UNSHARD positions (FSDP, pipeline.dp %d); use the analytic engine",
		               xp_schedule_name(s), pr->dp);
	double t0 = xp_now_s();
	xp_status st = xp_packet_wan_init(&K.wan, pr, err);
	if (!st)
		st = setup(&K);
	if (!st)
		st = build_network(&K);
	if (!st)
		st = xp_ns3_run(K.net, 0, err);
	if (!st)
		st = K.st;
	if (!st)
		st = xp_packet_exec_finish(&K, stats, xp_now_s() - t0);
	if (!st)
		xp_result_finish(res, pr);
	if (!st && K.iter_ns) { /* the first iteration's makespan is the result's own */
		K.iter_ns[0] = res->makespan_ns;
		st = xp_iterations_set(&res->iters, K.iter_ns, pr->iterations);
		K.iter_ns = NULL; /* the result owns it (or it is freed) */
		if (st)
			st = xp_fail(err, st, "out of memory for iterations");
	}
	xp_packet_exec_free(&K);
	return st;
}

static xp_status run_packet(const xp_params *pr, const xp_schedule *s, xp_result *res,
                            xp_error *err)
{
	return run_stats(pr, s, res, NULL, err);
}

static const xp_engine packet_engine = {
	"packet",
	"ns-3 packet-level execution: TCP over DC switches and WAN links with real queues; "
	"compute blocks as timers",
	run_packet,
	XP_ENGINE_VARYING | XP_ENGINE_ITERATES,
};

static const xp_packet_plugin packet_plugin = {
	&packet_engine,
	run_stats,
	xp_packet_run_probes,
};

/* The module's one exported symbol (module.h). */
const xp_module xp_module_ns3 = { XP_MODULE_ABI, XP_VERSION, &packet_plugin, xp_progress_adopt };

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
#include "packet_int.h"
#include "schedule/block_cost.h"

enum { TAG_OP = 1, TAG_MSG = 2, TAG_COLL = 3, TAG_START = 4, TAG_WAN = 5 }; /* kind << 48 | i */
#define TAG(kind, i) (((int64_t)(kind) << 48) | (int64_t)(i))

typedef struct pair {
	int src, dst, crosses;
	int conn; /* replica r uses conn + r */
	int64_t latency_ns;
	int64_t last_end_ns;
} pair;

typedef struct coll {
	int chunk, kind;
} coll;

typedef struct pk {
	const xp_params *pr;
	const xp_schedule *s;
	xp_result *res;
	xp_error *err;
	xp_status st;
	xp_ns3 *net;
	int p, v, m, parts, dp;
	int64_t origin; /* simulated time of the iteration's start */
	int64_t *ready; /* per slot: arrival (result time), -1 unknown */
	size_t *next;
	int *busy;
	int64_t *ag_done; /* devices * v: all-gather end, -1 pending */
	int *bw_left;
	int *fwd_pair, *bwd_pair; /* per part: pair index, -1 on one device */
	pair *pairs;
	int n_pairs;
	xp_transfer *pend; /* per slot: the transfer bringing it */
	int *pend_left;    /* per slot: replica messages still to arrive */
	int *ring_conn;    /* per device: ring connection of replica 0 (replica r: + r) */
	coll *cq;          /* per device: queue of collectives (v * 2 entries) */
	int *cq_head, *cq_n, *c_step, *c_left;
	int64_t *c_start;
	int64_t ops_left, inflight;
	int done;
	xp_exec_match match;    /* network.p2p: posted receives, waiting messages, held senders */
	int flow_monitor;       /* the caller wants statistics: count flows too */
	xp_packet_allreduce ar; /* datacenters.split: dp, the gradients across the DCs */
} pk;

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

/* ---- DP collectives: rings over the replicas of one stage ---- */

static void coll_step(pk *K, int d)
{
	int64_t bytes = xp_exec_chunk_param_bytes(K->pr, d, K->v) / K->dp;
	K->c_left[d] = K->dp;
	for (int r = 0; r < K->dp && !K->st; r++) {
		xp_status st = xp_ns3_send(K->net, K->ring_conn[d] + r, bytes > 0 ? bytes : 1,
		                           TAG(TAG_COLL, d), K->err);
		if (st)
			fail_stop(K, st);
	}
	K->inflight++;
}

static void coll_begin(pk *K, int d, int64_t now)
{
	if (K->c_step[d] >= 0 || K->cq_n[d] == 0)
		return;
	K->c_step[d] = 0;
	K->c_start[d] = now_rel(K, now);
	coll_step(K, d);
}

static void coll_push(pk *K, int d, int chunk, int kind, int64_t now)
{
	int i = (K->cq_head[d] + K->cq_n[d]++) % (2 * K->v);
	K->cq[d * 2 * K->v + i] = (coll){ chunk, kind };
	coll_begin(K, d, now);
}

static void coll_arrived(pk *K, int d, int64_t now)
{
	if (--K->c_left[d] > 0)
		return;
	K->inflight--;
	if (++K->c_step[d] < K->dp - 1) {
		coll_step(K, d);
		return;
	}
	const coll *c = &K->cq[d * 2 * K->v + K->cq_head[d]];
	xp_collective rec = { .device = d, .chunk = c->chunk, .kind = (uint8_t)c->kind };
	rec.bytes = xp_exec_chunk_param_bytes(K->pr, d, K->v);
	rec.start_ns = K->c_start[d];
	rec.end_ns = now_rel(K, now);
	if (xp_result_add_collective(K->res, &rec))
		fail_stop(K, xp_fail(K->err, XP_ENOMEM, "out of memory recording collectives"));
	K->cq_head[d] = (K->cq_head[d] + 1) % (2 * K->v);
	K->cq_n[d]--;
	K->c_step[d] = -1;
	if (c->kind == XP_COLL_ALLGATHER) {
		K->ag_done[d * K->v + c->chunk] = rec.end_ns;
		try_start(K, d, now);
	}
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
	xp_op op = xp_schedule_ops(K->s, d)[i];
	int64_t matched = xp_exec_match_post(&K->match, K->s, d, op);
	if (matched >= 0)
		launch(K, matched, now);
	if (K->ready[xp_exec_op_slot(K->s, d, op)] < 0)
		return;
	if (op.kind == XP_OP_F && K->ag_done[d * K->v + op.chunk] < 0)
		return;
	int64_t dur = xp_op_duration_ns(K->pr, K->s, d, op);
	size_t k = K->res->op_offset[d] + i;
	K->res->op_start_ns[k] = now_rel(K, now);
	K->res->op_end_ns[k] = now_rel(K, now) + dur;
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
	t->end_ns = t->arrive_ns - P->latency_ns;
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
	if (op.hi == op.nsub)
		produce(K, d, op, now); /* the device stays busy: this may start others only */
	K->busy[d] = 0;
	try_start(K, d, now);
}

/* After every event: stop once the schedule is done (split: dp, its all-reduce across DCs too). */
static void check_end(pk *K, int64_t now)
{
	if (K->inflight == 0 && !K->done && K->ops_left == 0 && K->ar.conn && !K->ar.started) {
		K->inflight += K->p; /* one per stage's ring */
		xp_status st = xp_packet_allreduce_start(&K->ar, K->net, K->pr, now, K->origin,
		                                         TAG(TAG_WAN, 0), K->err);
		if (st)
			fail_stop(K, st);
	}
	if (K->inflight == 0 && !K->done) {
		K->done = 1;
		xp_ns3_stop(K->net);
	}
}

static void on_ready(void *ctx, int64_t now);

static void on_timer(void *ctx, int64_t tag, int64_t now)
{
	pk *K = ctx;
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
	else if ((tag >> 48) == TAG_WAN) /* the all-reduce across the DCs */
		K->inflight -= xp_packet_allreduce_arrived(&K->ar, K->net, K->pr, (int)i, tag, now,
		                                           K->res, &K->st, K->err);
	check_end(K, now);
}

/* Every connection is up: the iteration starts. */
static void on_ready(void *ctx, int64_t now)
{
	pk *K = ctx;
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

/* ---- setup ---- */

/* The pair (device a -> device b), created on first use with one connection per replica. */
static int pair_id(pk *K, int a, int b)
{
	for (int i = 0; i < K->n_pairs; i++)
		if (K->pairs[i].src == a && K->pairs[i].dst == b)
			return i;
	const xp_params *pr = K->pr;
	int da = pr->placement[a], db = pr->placement[b];
	pair *P = &K->pairs[K->n_pairs];
	*P = (pair){ .src = a, .dst = b, .crosses = da != db, .conn = -1 };
	P->latency_ns = xp_packet_path_latency_ns(pr, da, db);
	xp_ns3_conn_config cc;
	xp_packet_conn_config(pr, da, db, P->crosses ? K->dp : 1, &cc);
	for (int r = 0; r < K->dp && !K->st; r++) {
		int id;
		xp_status st = xp_ns3_connect(K->net, xp_packet_host(K->p, r, a),
		                              xp_packet_host(K->p, r, b), &cc, &id, K->err);
		if (st)
			K->st = st;
		else if (r == 0)
			P->conn = id;
	}
	return K->n_pairs++;
}

static void plan_connections(pk *K)
{
	for (int q = 0; q + 1 < K->parts && !K->st; q++) {
		int a = xp_schedule_device_of(K->s, q), b = xp_schedule_device_of(K->s, q + 1);
		K->fwd_pair[q] = a == b ? -1 : pair_id(K, a, b);
		K->bwd_pair[q] = a == b || K->st ? -1 : pair_id(K, b, a);
	}
	for (int d = 0; d < K->p && K->dp > 1 && !K->st; d++) {
		for (int r = 0; r < K->dp && !K->st; r++) {
			int id, next = (r + 1) % K->dp; /* with split: dp it may be in another DC */
			xp_ns3_conn_config cc;
			xp_packet_conn_config(K->pr, xp_packet_host_dc(K->pr, r, d),
			                      xp_packet_host_dc(K->pr, next, d), 1, &cc);
			K->st = xp_ns3_connect(K->net, xp_packet_host(K->p, r, d),
			                       xp_packet_host(K->p, next, d), &cc, &id, K->err);
			if (r == 0)
				K->ring_conn[d] = id;
		}
	}
	if (!K->st)
		K->st = xp_packet_allreduce_connect(&K->ar, K->net, K->pr, K->err);
}

static xp_status alloc_all(pk *K)
{
	size_t slots = 3 * (size_t)K->parts * (size_t)K->m, dv = (size_t)K->p * K->v;
	size_t p = (size_t)K->p;
	K->ready = malloc(slots * sizeof *K->ready);
	K->pend = malloc(slots * sizeof *K->pend);
	K->pend_left = calloc(slots, sizeof *K->pend_left);
	K->next = calloc(p, sizeof *K->next);
	K->busy = calloc(p, sizeof *K->busy);
	K->ag_done = malloc(dv * sizeof *K->ag_done);
	K->bw_left = calloc(dv, sizeof *K->bw_left);
	K->fwd_pair = malloc((size_t)K->parts * sizeof *K->fwd_pair);
	K->bwd_pair = malloc((size_t)K->parts * sizeof *K->bwd_pair);
	K->pairs = malloc(2 * (size_t)K->parts * sizeof *K->pairs);
	K->ring_conn = calloc(p, sizeof *K->ring_conn);
	K->cq = malloc(2 * dv * sizeof *K->cq);
	K->cq_head = calloc(p, sizeof(int));
	K->cq_n = calloc(p, sizeof(int));
	K->c_step = malloc(p * sizeof(int));
	K->c_left = calloc(p, sizeof(int));
	K->c_start = calloc(p, sizeof(int64_t));
	if (!K->ready || !K->pend || !K->pend_left || !K->next || !K->busy || !K->ag_done ||
	    !K->bw_left || !K->fwd_pair || !K->bwd_pair || !K->pairs || !K->ring_conn || !K->cq ||
	    !K->cq_head || !K->cq_n || !K->c_step || !K->c_left || !K->c_start)
		return XP_ENOMEM;
	return XP_OK;
}

static xp_status setup(pk *K)
{
	if (alloc_all(K) || xp_exec_match_init(&K->match, K->s, K->pr->p2p))
		return xp_fail(K->err, XP_ENOMEM, "out of memory setting up the packet engine");
	xp_exec_match_reset(&K->match, K->p);
	K->match.launch = launch_cb; /* megatron's calls start their messages through it */
	K->match.ctx = K;
	xp_status st = XP_OK;
	if (xp_exec_p2p_megatron(K->match.mode) &&
	    (st = xp_exec_call_plan(&K->match, K->pr, K->s, K->err)))
		return st;
	size_t slots = 3 * (size_t)K->parts * (size_t)K->m, dv = (size_t)K->p * K->v;
	for (size_t i = 0; i < slots; i++)
		K->ready[i] = -1;
	for (int mb = 0; mb < K->m; mb++)
		K->ready[slot_index(K, XP_SLOT_F, 0, mb)] = 0;
	for (size_t i = 0; i < dv; i++) /* chunks with no F never wait for an all-gather */
		K->ag_done[i] = 0;
	for (int d = 0; d < K->p; d++) {
		K->c_step[d] = -1;
		K->ops_left += (int64_t)xp_schedule_len(K->s, d);
		int order[256];
		for (int k = 0, n = xp_exec_allgather_order(K->s, d, order); K->dp > 1 && k < n;
		     k++)
			K->ag_done[d * K->v + order[k]] = -1;
	}
	xp_exec_count_gradients(K->s, K->bw_left);
	return XP_OK;
}

static void teardown(pk *K)
{
	xp_ns3_free(K->net);
	free(K->ready);
	free(K->pend);
	free(K->pend_left);
	free(K->next);
	free(K->busy);
	free(K->ag_done);
	free(K->bw_left);
	free(K->fwd_pair);
	free(K->bwd_pair);
	free(K->pairs);
	free(K->ring_conn);
	free(K->cq);
	free(K->cq_head);
	free(K->cq_n);
	free(K->c_step);
	free(K->c_left);
	free(K->c_start);
	xp_exec_match_free(&K->match);
	xp_packet_allreduce_free(&K->ar);
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
	plan_connections(K);
	if (!K->st && K->n_pairs == 0 && K->dp == 1) /* nothing to connect: start at once */
		K->st = xp_ns3_timer(K->net, 0, TAG(TAG_START, 0), K->err);
	return K->st;
}

/* ---- the end of a run ---- */

static xp_status finish(pk *K, xp_packet_stats *stats, double wall_s)
{
	if (K->ops_left > 0 && K->inflight == 0 && K->done)
		return xp_exec_match_deadlock(&K->match, K->s, K->next, K->err);
	if (K->ops_left > 0)
		return xp_fail(K->err, XP_EIO,
		               "packet engine: the network stopped with %lld ops still to run",
		               (long long)K->ops_left);
	if (!stats)
		return XP_OK;
	xp_ns3_stats ns;
	xp_status st = xp_ns3_stats_get(K->net, &ns, K->err);
	if (st)
		return st;
	xp_packet_stats_from(&ns, stats);
	stats->origin_ns = K->origin;
	stats->wall_s = wall_s;
	stats->nodes = (int64_t)K->p * K->dp + K->pr->datacenters;
	stats->connections = (int64_t)K->n_pairs * K->dp + (K->dp > 1 ? (int64_t)K->p * K->dp : 0) +
	                     (K->ar.conn ? (int64_t)K->p * K->ar.D : 0);
	return XP_OK;
}

static xp_status run_stats(const xp_params *pr, const xp_schedule *s, xp_result *res,
                           xp_packet_stats *stats, xp_error *err)
{
	pk K = { .pr = pr, .s = s, .res = res, .err = err, .flow_monitor = stats != NULL };
	K.p = xp_schedule_devices(s);
	K.v = xp_schedule_chunks(s);
	K.m = xp_schedule_microbatches(s);
	K.parts = xp_schedule_parts(s);
	K.dp = pr->dp;
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
	double t0 = xp_now_s();
	xp_status st = setup(&K);
	if (!st)
		st = build_network(&K);
	if (!st)
		st = xp_ns3_run(K.net, 0, err);
	if (!st)
		st = K.st;
	if (!st)
		st = finish(&K, stats, xp_now_s() - t0);
	teardown(&K);
	if (!st)
		xp_result_finish(res, pr);
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
};

static const xp_packet_plugin packet_plugin = {
	&packet_engine,
	run_stats,
	xp_packet_run_probes,
};

/* The module's one exported symbol (module.h). */
const xp_module xp_module_ns3 = { XP_MODULE_ABI, XP_VERSION, &packet_plugin, xp_progress_adopt };

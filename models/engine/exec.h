/* exec.h: the execution rules of a schedule, written once. Every engine (analytic, ideal,
 * packet), the greedy list scheduler, the solver's instance builder and the schedule checker
 * read them from here, so that a change to what an op waits for, where its output goes, what a
 * message or a collective costs, or how a blocked op is reported is made in one place.
 *
 * The rules (engine.h says them in words):
 *   - every block waits for one input "slot", identified by (class, part, microbatch):
 *       class F   the activation of F of part-1 (part 0: available at time 0);
 *       class BD  the gradient of B/D of part+1, or for the last part its own F;
 *       class W   its own D;
 *   - when the last piece of a block ends, its output fills the slots of its consumers
 *     (xp_exec_consumers), on the consumer's device, over the directed link between the two
 *     devices when they differ;
 *   - a message between two devices is message_bytes, times dp when it crosses datacenters
 *     (the dp pipelines' messages share the WAN link);
 *   - a DP collective is a ring over the replicas of a stage inside a datacenter
 *     (xp_exec_ring_cost_ns, the one ring cost); across datacenters, the same ring cost over
 *     the datacenters on the inter-DC link, once at the end (split: dp) or per chunk after its
 *     reduce-scatter (split: hierarchical);
 *   - an overlapped op (XP_OP_O: a whole F and a whole B of one device run as one op, torch's
 *     OVERLAP_F_B) waits for the slots of both its blocks (and its F's all-gather), holds its
 *     device for model.overlap_f_b x (T_F + T_B), and when it ends fills the consumers of its F
 *     and then of its B (xp_op_halves gives the two blocks; engines treat each as a block that
 *     ends with the op). */
#ifndef XP_EXEC_H
#define XP_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

/* The slot classes; also the greedy's and the solver's block types F, D, W (in that order). */
enum { XP_SLOT_F = 0, XP_SLOT_BD = 1, XP_SLOT_W = 2, XP_SLOTS = 3 };

/* The class of the slot an op of this kind waits for. */
static inline int xp_exec_slot_class(int kind)
{
	return kind == XP_OP_F ? XP_SLOT_F : kind == XP_OP_W ? XP_SLOT_W : XP_SLOT_BD;
}

/* Index of slot (class, part, mb) among XP_SLOTS * parts * m. */
static inline int64_t xp_exec_slot(int parts, int m, int cls, int part, int mb)
{
	return ((int64_t)cls * parts + part) * m + mb;
}

/* The slot that op of device d waits for (of its F, for an overlapped op). */
int64_t xp_exec_op_slot(const xp_schedule *s, int d, xp_op op);

/* Every slot that op of device d waits for: 1, or 2 for an overlapped op (its F's, its B's). */
int xp_exec_op_slots(const xp_schedule *s, int d, xp_op op, int64_t slot[2]);

/* Who fills slot (cls, part): the class and part of the producing block (its kind is that
 * class's: F, D/B, or F for the last part's BD). Returns 0 when nothing does (F of part 0). */
int xp_exec_producer(int parts, int cls, int part, int *from_cls, int *from_part);

/* One slot filled when a block ends. */
typedef struct xp_exec_dep {
	int cls, part; /* the slot (its microbatch is the block's) */
	int device;    /* the consumer's device */
	int remote;    /* 1 when that device differs from the producer's: a message */
} xp_exec_dep;

/* The slots filled when the last piece of a block of `kind` and `part` on device d ends, in the
 * order engines release them. Returns how many (0 to 2) are in dep. */
int xp_exec_consumers(const xp_schedule *s, int kind, int part, int d, xp_exec_dep dep[2]);

/* 1 when the end of op (its last piece) counts towards its chunk's gradient reduce-scatter. */
static inline int xp_exec_ends_gradient(xp_op op)
{
	return (op.kind == XP_OP_B || op.kind == XP_OP_W) && xp_op_ends_block(op);
}

/* Per (device, chunk), devices * chunks entries: how many blocks end a gradient there (the
 * reduce-scatter of the chunk starts when the count reaches 0). */
void xp_exec_count_gradients(const xp_schedule *s, int *left);

/* FSDP: 1 when the all-gathers of s follow its plan (xp_schedule_unshards: a torch CSV's
 * UNSHARD cells) under pr: dp > 1 and s has one. Then device d issues the all-gather of chunk c
 * at each entry (pos, c) of its plan, when its order reaches op pos (at the end of op pos-1,
 * at 0 for pos 0; several in plan order), on the device's DP channel in issue order; every op
 * of c (not only F) waits for the all-gather of the latest entry of c issued before it. A
 * RESHARD issues nothing: it only makes the stage's next ops need a later UNSHARD, which the
 * torch reader checks. Otherwise every chunk's all-gather runs from time 0 and F waits for it
 * (xp_exec_allgather_order). */
static inline int xp_exec_fsdp(const xp_params *pr, const xp_schedule *s)
{
	return pr->dp > 1 && xp_schedule_has_unshards(s);
}

/* The chunks of device d that have an F, in the order of their first F (the order the
 * all-gathers run in); returns how many are in chunk (at most chunks entries). */
int xp_exec_allgather_order(const xp_schedule *s, int d, int *chunk);

/* Bytes of one message from device a to device b. */
int64_t xp_exec_message_bytes(const xp_params *pr, int a, int b);

/* Serialisation time of that message on the a -> b link, and the link's latency. */
int64_t xp_exec_message_ns(const xp_params *pr, int a, int b, int64_t *latency_ns);

/* Bytes of one chunk's parameters on device d (what its all-gather or reduce-scatter moves). */
int64_t xp_exec_chunk_param_bytes(const xp_params *pr, int d, int chunks);

/* The ring cost, written once: `phases` passes (1: an all-gather or a reduce-scatter, 2: an
 * all-reduce) of `bytes` around n ranks joined by links of class lc: phases·(n-1) latencies
 * plus phases·(n-1)/n of the bytes at its bandwidth; 0 when n <= 1. */
int64_t xp_exec_ring_cost_ns(int n, int phases, const xp_link_class *lc, int64_t bytes);

/* A ring all-gather or reduce-scatter of `bytes` over the replicas of a stage inside a
 * datacenter (xp_params_dp_group: dp, or dp / datacenters with split: hierarchical) on the
 * intra-DC link; 0 without DP. */
int64_t xp_exec_ring_ns(const xp_params *pr, int64_t bytes);

/* The ring across the datacenters, DC i to DC i+1 and D-1 to 0, moves in lock-step, so every
 * step waits for its slowest hop: the largest latency and the smallest bandwidth of its hops
 * (the inter-DC class, or the pairs of network.inter_dc.pairs). */
xp_link_class xp_exec_dc_ring_link(const xp_params *pr);

/* A ring all-reduce of `bytes` across the datacenters (with split: dp or hierarchical): its
 * latency part (2(D-1) latencies) and its serialisation part (2(D-1)/D of the bytes,
 * xp_exec_dc_allreduce_bytes), on xp_exec_dc_ring_link; 0 and 0 with fewer than 2 DCs. */
void xp_exec_dc_allreduce_ns(const xp_params *pr, int64_t bytes, int64_t *latency_ns,
                             int64_t *serialize_ns);
/* The bytes each datacenter sends over the WAN in that all-reduce: 2(D-1)/D of `bytes`. */
int64_t xp_exec_dc_allreduce_bytes(const xp_params *pr, int64_t bytes);

/* datacenters.split: dp (flat): the all-reduce of every stage's gradients (the model's
 * parameter bytes) across the datacenters once the iteration is done; 0 and 0 when it does not
 * apply (split pp or hierarchical, fewer than 2 DCs). */
void xp_exec_wan_allreduce_ns(const xp_params *pr, int64_t *latency_ns, int64_t *serialize_ns);
/* The model's parameter bytes (every stage's; what that all-reduce reduces). */
int64_t xp_exec_model_param_bytes(const xp_params *pr);

/* 1 when the gradients of every chunk are all-reduced across the datacenters as soon as their
 * in-DC reduce-scatter ends (datacenters.split: hierarchical, 2 or more DCs). */
static inline int xp_exec_hierarchical(const xp_params *pr)
{
	return pr->dp_hierarchical && pr->datacenters > 1;
}

/* The deadlock report: every device whose next op (next[d] < its length) cannot start, with
 * what that op waits for. XP_EDEADLOCK with the message in err. */
xp_status xp_exec_deadlock(const xp_schedule *s, const size_t *next, xp_error *err);

/* ---- Communication semantics (network.p2p, xp_p2p; docs/model.md) ----
 * decoupled, prefetch: a message leaves its sender when the producing block ends.
 * rendezvous: the receiving device posts the receive of an op's input when its order reaches
 *   that op (its previous op has ended); a message leaves at the later of the end of its block
 *   and that post (the "match"); its sender goes on at once.
 * blocking: as rendezvous, and the sending device starts nothing (and posts nothing) until each
 *   of its messages is matched; it goes on at the match.
 * The engines keep the per-message data (ready time, link); this matcher keeps who has posted,
 * who is waiting and which devices are held, so that both engines obey one set of rules. */
typedef struct xp_exec_match {
	int mode;               /* xp_p2p */
	int parts, m;           /* the shape the slots index */
	unsigned char *posted;  /* per slot: its receive is posted */
	unsigned char *waiting; /* per slot: its message is ready and waits for the post */
	int *unmatched;         /* per device: its messages not yet matched (blocking) */
	/* megatron only (xp_exec_call_*): */
	int pattern;     /* XP_MEGATRON_1F1B or XP_MEGATRON_INTERLEAVED, for the current run */
	int *warm;       /* per device: its warm-up forwards */
	size_t *crossed; /* per device: boundaries crossed (boundary i lies before op i) */
	int *phase; /* per device: 0 between calls, 1 in a send-only call, 2 in the last call */
	int *left;  /* per device: transfers of its current call not complete (+1 while built) */
	int64_t *done_ns; /* per device: the latest completion among its current call's transfers */
	void (*launch)(void *ctx, int64_t slot, int64_t now); /* the engine starts a message */
	void *ctx;
} xp_exec_match;

enum { XP_MEGATRON_1F1B = 1, XP_MEGATRON_INTERLEAVED = 2 };

/* 1 under network.p2p megatron: devices exchange messages in Megatron-Core's calls. */
static inline int xp_exec_p2p_megatron(int mode)
{
	return mode == XP_P2P_MEGATRON;
}

/* 1 when under `mode` a message waits for its receive to be posted. */
static inline int xp_exec_p2p_matches(int mode)
{
	return mode == XP_P2P_RENDEZVOUS || mode == XP_P2P_BLOCKING;
}

/* 1 when under `mode` a message may wait after its block ends (xp_exec_match_send can say 0). */
static inline int xp_exec_p2p_holds_messages(int mode)
{
	return xp_exec_p2p_matches(mode) || xp_exec_p2p_megatron(mode);
}

/* Size M for schedules of shape's devices, parts and microbatches under mode; every run starts
 * with xp_exec_match_reset. XP_ENOMEM when out of memory (M is then safe to free). */
xp_status xp_exec_match_init(xp_exec_match *M, const xp_schedule *shape, int mode);
void xp_exec_match_reset(xp_exec_match *M, int devices);
void xp_exec_match_free(xp_exec_match *M); /* frees the arrays, not M */

/* The message of `sender` for slot is ready. 1: it may leave now; 0: it waits for the post
 * (and, under blocking, holds its sender). Always 1 unless xp_exec_p2p_matches(mode). */
int xp_exec_match_send(xp_exec_match *M, int64_t slot, int sender);

/* Device d has reached op: post the receive of its input when that comes from another device.
 * Returns the slot whose waiting message this post matched (the caller starts that message and
 * calls xp_exec_match_started), or -1. */
int64_t xp_exec_match_post(xp_exec_match *M, const xp_schedule *s, int d, xp_op op);

/* A waiting message of sender was matched. Returns 1 when sender is no longer held. */
int xp_exec_match_started(xp_exec_match *M, int sender);

/* xp_exec_deadlock, and under blocking the devices held by an unmatched send. */
xp_status xp_exec_match_deadlock(const xp_exec_match *M, const xp_schedule *s, const size_t *next,
                                 xp_error *err);

/* ---- megatron: Megatron-Core's calls (docs/model.md) ----
 * Megatron-Core (megatron/core/pipeline_parallel/schedules.py, p2p_communication.py at commit
 * d98e8a64ddf34856e74b24714e3bedb2f5a39553) runs its 1F1B and interleaved orders as steps of
 * blocks separated by communication calls. A call is one batch_isend_irecv of the sends of the
 * previous step's outputs and the receives of the next step's inputs; the device waits in it
 * until every one of them has completed. Between two steps there is one call, or two in turn
 * (the sends, then the receives) where Megatron-Core calls send_forward and recv_forward (or the
 * backward ones) one after the other. A message leaves at its match, the later of its sender's
 * call and its receiver's; it completes when it has arrived, for its sender as for its receiver.
 * The engine supplies launch (start the message of a slot at now) and reports every message's
 * completion with xp_exec_call_complete. */

/* Check that s is the order Megatron-Core runs for pr (1f1b, or interleaved with 2 or more
 * chunks; XP_EINVAL naming the schedule otherwise) and reset the per-run call state. */
xp_status xp_exec_call_plan(xp_exec_match *M, const xp_params *pr, const xp_schedule *s,
                            xp_error *err);

/* What device d may do about op i (i == its length: after its last op). */
enum { XP_CALL_GO, XP_CALL_HELD, XP_CALL_AT };
/* Run device d's calls before op i at now as far as they go: XP_CALL_GO, op i may start (its
 * inputs have arrived); XP_CALL_HELD, a transfer of its call has not completed; XP_CALL_AT, its
 * call completes at *until > now (call again then). */
int xp_exec_call_step(xp_exec_match *M, const xp_schedule *s, int d, size_t i, int64_t now,
                      int64_t *until);

/* A message of device d's current call completes at t (its arrival). 1 when that was the call's
 * last: the caller runs xp_exec_call_step for d at the call's end, M->done_ns[d]. */
int xp_exec_call_complete(xp_exec_match *M, int d, int64_t t);

/* 1 while device d is in a call (megatron). */
static inline int xp_exec_call_in(const xp_exec_match *M, int d)
{
	return M->phase && M->phase[d] != 0;
}

/* 1 while device d may not start or post anything (blocking, an unmatched message). */
static inline int xp_exec_match_holds(const xp_exec_match *M, int d)
{
	return M->unmatched && M->unmatched[d] > 0;
}

#endif

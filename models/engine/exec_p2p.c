/* exec_p2p.c: the communication semantics of network.p2p, for every engine (see exec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/exec.h"
#include "schedules/generators.h"
#include "schedules/schedules.h"

/* megatron's per-device arrays (exec.h); XP_ENOMEM when one is missing. */
static xp_status call_init(xp_exec_match *M, int p)
{
	size_t n = (size_t)p;
	M->warm = malloc(n * sizeof *M->warm);
	M->crossed = malloc(n * sizeof *M->crossed);
	M->phase = calloc(n, sizeof *M->phase);
	M->left = malloc(n * sizeof *M->left);
	M->done_ns = malloc(n * sizeof *M->done_ns);
	return M->warm && M->crossed && M->phase && M->left && M->done_ns ? XP_OK : XP_ENOMEM;
}

xp_status xp_exec_match_init(xp_exec_match *M, const xp_schedule *shape, int mode)
{
	*M = (xp_exec_match){ .mode = mode };
	M->parts = xp_schedule_parts(shape);
	M->m = xp_schedule_microbatches(shape);
	int mega = xp_exec_p2p_megatron(mode);
	if (!xp_exec_p2p_matches(mode) && !mega)
		return XP_OK;
	size_t slots = XP_SLOTS * (size_t)M->parts * (size_t)M->m;
	M->posted = malloc(slots);
	M->waiting = malloc(slots);
	if (mega)
		return M->posted && M->waiting ? call_init(M, xp_schedule_devices(shape))
		                               : XP_ENOMEM;
	M->unmatched = malloc((size_t)xp_schedule_devices(shape) * sizeof *M->unmatched);
	return M->posted && M->waiting && M->unmatched ? XP_OK : XP_ENOMEM;
}

void xp_exec_match_reset(xp_exec_match *M, int devices)
{
	if (!M->posted)
		return;
	size_t slots = XP_SLOTS * (size_t)M->parts * (size_t)M->m;
	for (size_t i = 0; i < slots; i++)
		M->posted[i] = M->waiting[i] = 0;
	for (int d = 0; d < devices && M->unmatched; d++)
		M->unmatched[d] = 0;
}

void xp_exec_match_free(xp_exec_match *M)
{
	free(M->posted);
	free(M->waiting);
	free(M->unmatched);
	free(M->warm);
	free(M->crossed);
	free(M->phase);
	free(M->left);
	free(M->done_ns);
	M->posted = M->waiting = NULL;
	M->unmatched = M->warm = M->phase = M->left = NULL;
	M->crossed = NULL;
	M->done_ns = NULL;
}

int xp_exec_match_send(xp_exec_match *M, int64_t slot, int sender)
{
	if (xp_exec_p2p_megatron(M->mode))
		return 0; /* it leaves in its sender's next call (xp_exec_call_step) */
	if (!xp_exec_p2p_matches(M->mode) || M->posted[slot])
		return 1;
	M->waiting[slot] = 1;
	if (M->mode == XP_P2P_BLOCKING)
		M->unmatched[sender]++;
	return 0;
}

int64_t xp_exec_match_post(xp_exec_match *M, const xp_schedule *s, int d, xp_op op)
{
	if (!xp_exec_p2p_matches(M->mode))
		return -1;
	int64_t slot = xp_exec_op_slot(s, d, op);
	if (M->posted[slot])
		return -1;
	int cls, from;
	int part = xp_schedule_part(s, d, op.chunk);
	if (!xp_exec_producer(M->parts, xp_exec_slot_class(op.kind), part, &cls, &from) ||
	    xp_schedule_device_of(s, from) == d)
		return -1; /* nothing comes over a link: no receive to post */
	M->posted[slot] = 1;
	if (!M->waiting[slot])
		return -1;
	M->waiting[slot] = 0;
	return slot;
}

int xp_exec_match_started(xp_exec_match *M, int sender)
{
	if (M->mode == XP_P2P_BLOCKING)
		M->unmatched[sender]--;
	return !xp_exec_match_holds(M, sender);
}

/* ---- megatron (exec.h) ---- */

static int same_order(const xp_schedule *a, const xp_schedule *b)
{
	if (!xp_schedule_same_shape(a, b))
		return 0;
	for (int d = 0; d < xp_schedule_devices(a); d++) {
		size_t n = xp_schedule_len(a, d);
		if (n != xp_schedule_len(b, d))
			return 0;
		const xp_op *x = xp_schedule_ops(a, d), *y = xp_schedule_ops(b, d);
		for (size_t i = 0; i < n; i++)
			if (x[i].kind != y[i].kind || x[i].chunk != y[i].chunk ||
			    x[i].mb != y[i].mb || x[i].lo != y[i].lo || x[i].hi != y[i].hi ||
			    x[i].nsub != y[i].nsub)
				return 0;
	}
	return 1;
}

/* 1 when s is exactly the order the generator `name` builds for pr. */
static int built_by(const xp_params *pr, const xp_schedule *s, const char *name)
{
	const xp_schedule_kind *k = xp_schedule_kind_find(name);
	xp_schedule *g = NULL;
	xp_error quiet;
	xp_error_clear(&quiet);
	int same = k && k->build(pr, &g, &quiet) == XP_OK && same_order(g, s);
	xp_schedule_free(g);
	return same;
}

xp_status xp_exec_call_plan(xp_exec_match *M, const xp_params *pr, const xp_schedule *s,
                            xp_error *err)
{
	M->pattern = built_by(pr, s, "1f1b") ? XP_MEGATRON_1F1B
	             : xp_schedule_chunks(s) > 1 && built_by(pr, s, "interleaved")
	                 ? XP_MEGATRON_INTERLEAVED
	                 : 0;
	if (!M->pattern)
		return xp_fail(
		    err, XP_EINVAL,
		    "network.p2p megatron: schedule %s is not an order Megatron-Core runs; "
		    "its send/receive pattern exists only for 1f1b "
		    "(forward_backward_pipelining_without_interleaving) and interleaved "
		    "with 2 or more chunks (..._with_interleaving); use rendezvous for "
		    "other schedules (docs/model.md, \"Communication semantics\")",
		    xp_schedule_name(s));
	int p = xp_schedule_devices(s), m = xp_schedule_microbatches(s), v = xp_schedule_chunks(s);
	for (int d = 0; d < p; d++) {
		M->warm[d] = M->pattern == XP_MEGATRON_1F1B ? xp_gen_1f1b_warmup(p, d, m)
		                                            : xp_gen_interleaved_warmup(p, d, m, v);
		M->crossed[d] = 0;
		M->phase[d] = M->left[d] = 0;
		M->done_ns[d] = 0;
	}
	return XP_OK;
}

enum { CUT_NONE, CUT_BATCH, CUT_SEQ };

/* What lies before op i of device d: no call (the op runs in the step of op i-1), one batched
 * call, or a send-only call then a receive-only one. Before the first op: the receives only;
 * after the last: the sends only. */
static int cut_before(const xp_exec_match *M, const xp_schedule *s, int d, size_t i)
{
	size_t len = xp_schedule_len(s, d), w = (size_t)M->warm[d];
	if (i == 0 || i >= len)
		return CUT_BATCH;
	const xp_op *ops = xp_schedule_ops(s, d);
	int a = ops[i - 1].kind, b = ops[i].kind;
	if (M->pattern == XP_MEGATRON_1F1B) /* send_forward_recv_backward, ..._recv_forward */
		return a != b && i - 1 >= w ? CUT_BATCH : CUT_SEQ;
	if (a == XP_OP_F && i - 1 >= w) /* a steady F and its B: one step, one call after both */
		return CUT_NONE;
	return a != b && 2 * w == len ? CUT_SEQ : CUT_BATCH; /* all in warm-up: send, then recv */
}

/* Issue the sends of the step that ends before op i (the outputs that cross a link); returns
 * how many. */
static int issue_sends(xp_exec_match *M, const xp_schedule *s, int d, size_t i, int64_t now)
{
	const xp_op *ops = xp_schedule_ops(s, d);
	int n = 0;
	for (size_t j = i; j > 0; j--) {
		xp_op op = ops[j - 1];
		xp_exec_dep dep[2];
		int part = xp_schedule_part(s, d, op.chunk);
		for (int k = 0, c = xp_exec_consumers(s, op.kind, part, d, dep); k < c; k++) {
			if (!dep[k].remote)
				continue;
			int64_t slot = xp_exec_slot(M->parts, M->m, dep[k].cls, dep[k].part, op.mb);
			M->left[d]++;
			n++;
			if (M->posted[slot])
				M->launch(M->ctx, slot, now);
			else
				M->waiting[slot] = 1;
		}
		if (cut_before(M, s, d, j - 1) != CUT_NONE)
			break;
	}
	return n;
}

/* Post the receives of the step that starts with op i (the inputs that cross a link). */
static void post_recvs(xp_exec_match *M, const xp_schedule *s, int d, size_t i, int64_t now)
{
	const xp_op *ops = xp_schedule_ops(s, d);
	for (size_t j = i, len = xp_schedule_len(s, d); j < len; j++) {
		int cls, from, part = xp_schedule_part(s, d, ops[j].chunk);
		if (xp_exec_producer(M->parts, xp_exec_slot_class(ops[j].kind), part, &cls,
		                     &from) &&
		    xp_schedule_device_of(s, from) != d) {
			int64_t slot = xp_exec_op_slot(s, d, ops[j]);
			M->left[d]++;
			M->posted[slot] = 1;
			if (M->waiting[slot]) {
				M->waiting[slot] = 0;
				M->launch(M->ctx, slot, now);
			}
		}
		if (cut_before(M, s, d, j + 1) != CUT_NONE)
			break;
	}
}

int xp_exec_call_step(xp_exec_match *M, const xp_schedule *s, int d, size_t i, int64_t now,
                      int64_t *until)
{
	for (;;) {
		if (M->phase[d] == 0) {
			if (M->crossed[d] > i)
				return XP_CALL_GO;
			int cut = cut_before(M, s, d, i);
			if (cut == CUT_NONE) {
				M->crossed[d] = i + 1;
				return XP_CALL_GO;
			}
			M->done_ns[d] = now;
			M->left[d] = 1; /* no completion ends the call while it is being built */
			int sends = issue_sends(M, s, d, i, now);
			M->phase[d] = cut == CUT_SEQ && sends ? 1 : 2;
			if (M->phase[d] == 2)
				post_recvs(M, s, d, i, now);
			M->left[d]--;
		}
		if (M->left[d] > 0)
			return XP_CALL_HELD;
		if (M->done_ns[d] > now) {
			*until = M->done_ns[d];
			return XP_CALL_AT;
		}
		if (M->phase[d] ==
		    1) { /* the sends are done: now the receives, in a call of their own */
			M->phase[d] = 2;
			M->left[d] = 1;
			post_recvs(M, s, d, i, now);
			M->left[d]--;
			continue;
		}
		M->phase[d] = 0;
		M->crossed[d] = i + 1;
		return XP_CALL_GO;
	}
}

int xp_exec_call_complete(xp_exec_match *M, int d, int64_t t)
{
	if (t > M->done_ns[d])
		M->done_ns[d] = t;
	return --M->left[d] == 0;
}

xp_status xp_exec_match_deadlock(const xp_exec_match *M, const xp_schedule *s, const size_t *next,
                                 xp_error *err)
{
	xp_status st = xp_exec_deadlock(s, next, err);
	if (!err || M->mode != XP_P2P_BLOCKING)
		return st;
	size_t used = strlen(err->msg);
	if (xp_exec_p2p_megatron(M->mode)) {
		int held = 0;
		for (int d = 0; d < xp_schedule_devices(s) && used + 40 < sizeof err->msg; d++)
			if (xp_exec_call_in(M, d))
				used += (size_t)snprintf(
				    err->msg + used, sizeof err->msg - used, "%s%d",
				    held++ ? ", "
				           : "; under network.p2p megatron, held in a "
				             "call: device ",
				    d);
		return st;
	}
	int held = 0;
	for (int d = 0; d < xp_schedule_devices(s) && used + 40 < sizeof err->msg; d++) {
		if (!xp_exec_match_holds(M, d))
			continue;
		used += (size_t)snprintf(err->msg + used, sizeof err->msg - used, "%s%d",
		                         held++ ? ", "
		                                : "; under network.p2p blocking, held in a send no "
		                                  "receive matches: device ",
		                         d);
	}
	return st;
}

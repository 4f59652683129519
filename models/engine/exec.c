/* exec.c: the execution rules of a schedule (see exec.h). */
#include "engine/exec.h"

#include <math.h>
#include <stdio.h>

#include "base/units.h"

int64_t xp_exec_op_slot(const xp_schedule *s, int d, xp_op op)
{
	return xp_exec_slot(xp_schedule_parts(s), xp_schedule_microbatches(s),
	                    xp_exec_slot_class(op.kind), xp_schedule_part(s, d, op.chunk), op.mb);
}

int xp_exec_op_slots(const xp_schedule *s, int d, xp_op op, int64_t slot[2])
{
	xp_op half[2];
	int n = xp_op_halves(op, half);
	for (int k = 0; k < n; k++)
		slot[k] = xp_exec_op_slot(s, d, half[k]);
	return n;
}

int xp_exec_producer(int parts, int cls, int part, int *from_cls, int *from_part)
{
	*from_cls = cls;
	*from_part = part;
	if (cls == XP_SLOT_F) {
		*from_part = part - 1;
		return part > 0;
	}
	if (cls == XP_SLOT_W)
		*from_cls = XP_SLOT_BD;
	else if (part < parts - 1)
		*from_part = part + 1;
	else
		*from_cls = XP_SLOT_F;
	return 1;
}

static xp_exec_dep dep_at(const xp_schedule *s, int cls, int part, int d)
{
	int to = xp_schedule_device_of(s, part);
	return (xp_exec_dep){ .cls = cls, .part = part, .device = to, .remote = to != d };
}

int xp_exec_consumers(const xp_schedule *s, int kind, int part, int d, xp_exec_dep dep[2])
{
	int n = 0;
	if (kind == XP_OP_F)
		dep[n++] = part + 1 < xp_schedule_parts(s) ? dep_at(s, XP_SLOT_F, part + 1, d)
		                                           : dep_at(s, XP_SLOT_BD, part, d);
	if ((kind == XP_OP_D || kind == XP_OP_B) && part > 0)
		dep[n++] = dep_at(s, XP_SLOT_BD, part - 1, d);
	if (kind == XP_OP_D)
		dep[n++] = dep_at(s, XP_SLOT_W, part, d);
	return n;
}

void xp_exec_count_gradients(const xp_schedule *s, int *left)
{
	int v = xp_schedule_chunks(s);
	for (int d = 0; d < xp_schedule_devices(s); d++) {
		const xp_op *ops = xp_schedule_ops(s, d);
		for (int c = 0; c < v; c++)
			left[d * v + c] = 0;
		for (size_t i = 0; i < xp_schedule_len(s, d); i++)
			if (ops[i].kind == XP_OP_O) /* its B ends a gradient */
				left[d * v + ops[i].chunk2]++;
			else if (xp_exec_ends_gradient(ops[i]))
				left[d * v + ops[i].chunk]++;
	}
}

int xp_exec_allgather_order(const xp_schedule *s, int d, int *chunk)
{
	int v = xp_schedule_chunks(s), n = 0;
	const xp_op *ops = xp_schedule_ops(s, d);
	for (size_t i = 0, len = xp_schedule_len(s, d); i < len && n < v; i++) {
		if (ops[i].kind != XP_OP_F && ops[i].kind != XP_OP_O) /* an overlapped op's F */
			continue;
		int seen = 0;
		for (int k = 0; k < n && !seen; k++)
			seen = chunk[k] == ops[i].chunk;
		if (!seen)
			chunk[n++] = ops[i].chunk;
	}
	return n;
}

int64_t xp_exec_message_bytes(const xp_params *pr, int a, int b)
{
	return pr->message_bytes * (pr->placement[a] != pr->placement[b] ? pr->dp : 1);
}

int64_t xp_exec_message_ns(const xp_params *pr, int a, int b, int64_t *latency_ns)
{
	const xp_link_class *lc = xp_params_link(pr, a, b);
	*latency_ns = lc->latency_ns;
	return xp_serialize_ns(xp_exec_message_bytes(pr, a, b), lc->bandwidth_bps);
}

int64_t xp_exec_chunk_param_bytes(const xp_params *pr, int d, int chunks)
{
	return pr->params_bytes[d] / chunks;
}

/* What each rank sends in `phases` ring passes of `bytes` over n ranks: phases·(n-1)/n. */
static int64_t ring_bytes(int n, int phases, int64_t bytes)
{
	return n <= 1 ? 0 : bytes * phases * (n - 1) / n;
}

int64_t xp_exec_ring_cost_ns(int n, int phases, const xp_link_class *lc, int64_t bytes)
{
	if (n <= 1)
		return 0;
	return (int64_t)phases * (n - 1) * lc->latency_ns +
	       xp_serialize_ns(ring_bytes(n, phases, bytes), lc->bandwidth_bps);
}

int64_t xp_exec_ring_ns(const xp_params *pr, int64_t bytes)
{
	return xp_exec_ring_cost_ns(xp_params_dp_group(pr), 1, &pr->intra_dc, bytes);
}

int64_t xp_exec_dc_allreduce_bytes(const xp_params *pr, int64_t bytes)
{
	return ring_bytes(pr->datacenters, 2, bytes);
}

xp_link_class xp_exec_dc_ring_link(const xp_params *pr)
{
	xp_link_class w = pr->inter_dc;
	int D = pr->datacenters;
	for (int i = 0; pr->dc_pairs && D > 1 && i < D; i++) {
		const xp_link_class *l = xp_params_dc_link(pr, i, (i + 1) % D);
		w.latency_ns =
		    i == 0 || l->latency_ns > w.latency_ns ? l->latency_ns : w.latency_ns;
		w.bandwidth_bps = i == 0 || l->bandwidth_bps < w.bandwidth_bps ? l->bandwidth_bps
		                                                               : w.bandwidth_bps;
	}
	return w;
}

void xp_exec_dc_allreduce_ns(const xp_params *pr, int64_t bytes, int64_t *latency_ns,
                             int64_t *serialize_ns)
{
	xp_link_class ring = xp_exec_dc_ring_link(pr);
	xp_link_class lat = { ring.latency_ns, INFINITY }, bw = { 0, ring.bandwidth_bps };
	*latency_ns = xp_exec_ring_cost_ns(pr->datacenters, 2, &lat, bytes);
	*serialize_ns = xp_exec_ring_cost_ns(pr->datacenters, 2, &bw, bytes);
}

void xp_exec_wan_allreduce_ns(const xp_params *pr, int64_t *latency_ns, int64_t *serialize_ns)
{
	*latency_ns = *serialize_ns = 0;
	if (pr->dp_across_dc && !pr->dp_hierarchical)
		xp_exec_dc_allreduce_ns(pr, xp_exec_model_param_bytes(pr), latency_ns,
		                        serialize_ns);
}

int64_t xp_exec_model_param_bytes(const xp_params *pr)
{
	int64_t bytes = 0;
	for (int d = 0; d < pr->stages; d++)
		bytes += pr->params_bytes[d];
	return bytes;
}

/* What op of device d waits for, in words: "D3 of part 4 (device 1)"; for an overlapped op both
 * inputs, joined by "and". */
static void describe_wait(const xp_schedule *s, int d, xp_op op, char *buf, size_t len)
{
	int parts = xp_schedule_parts(s), cls, from;
	xp_op half[2];
	size_t used = 0;
	for (int k = 0, n = xp_op_halves(op, half); k < n && used < len; k++) {
		if (!xp_exec_producer(parts, xp_exec_slot_class(half[k].kind),
		                      xp_schedule_part(s, d, half[k].chunk), &cls, &from) &&
		    n == 2)
			continue; /* the F of part 0 waits for nothing */
		char kind = cls == XP_SLOT_F ? 'F' : xp_schedule_split_backward(s) ? 'D' : 'B';
		used += (size_t)snprintf(buf + used, len - used, "%s%c%d of part %d (device %d)",
		                         used ? " and " : "", kind, half[k].mb, from,
		                         xp_schedule_device_of(s, from < 0 ? 0 : from));
	}
}

xp_status xp_exec_deadlock(const xp_schedule *s, const size_t *next, xp_error *err)
{
	if (!err) /* a search loop that only needs the status */
		return XP_EDEADLOCK;
	char msg[sizeof err->msg] = "", need[128], name[64];
	size_t used = 0;
	int blocked = 0;
	for (int d = 0; d < xp_schedule_devices(s); d++) {
		size_t i = next[d];
		if (i >= xp_schedule_len(s, d) || used + 120 >= sizeof msg)
			continue;
		xp_op op = xp_schedule_ops(s, d)[i];
		xp_op_format(name, sizeof name, s, op);
		describe_wait(s, d, op, need, sizeof need);
		used += (size_t)snprintf(msg + used, sizeof msg - used,
		                         "%sdevice %d blocked at %s (op %zu) waiting for %s",
		                         blocked++ ? "; " : "", d, name, i, need);
	}
	return xp_fail(err, XP_EDEADLOCK, "schedule %s deadlocks (a cyclic wait): %s",
	               xp_schedule_name(s), msg);
}

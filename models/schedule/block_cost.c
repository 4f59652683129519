/* block_cost.c: the compute time and memory of a schedule's blocks and pieces. */
#include "schedule/block_cost.h"

/* share of total taken by sub-blocks [lo, hi) of n, rounded so that pieces add up exactly */
static int64_t piece_share(int64_t total, xp_op op)
{
	if (op.nsub <= 1)
		return total;
	return total * op.hi / op.nsub - total * op.lo / op.nsub;
}

void xp_op_memory(const xp_params *pr, const xp_schedule *s, int device, xp_op op, int64_t *rise,
                  int64_t *fall)
{
	int64_t mf = pr->activation_bytes[device] / xp_schedule_chunks(s);
	int64_t mw = (int64_t)(pr->weight_release * (double)mf + 0.5);
	*rise = 0;
	*fall = 0;
	switch (op.kind) {
	case XP_OP_F: *rise = piece_share(mf, op); break;
	case XP_OP_B: *fall = piece_share(mf, op); break;
	case XP_OP_D: *fall = piece_share(mf - mw, op); break;
	default: *fall = piece_share(mw, op); break;
	}
}

int64_t xp_op_duration_ns(const xp_params *pr, const xp_schedule *s, int device, xp_op op)
{
	int64_t t;
	switch (op.kind) {
	case XP_OP_F: t = pr->forward_ns[device]; break;
	case XP_OP_B: /* as D then W, so that B and D+W round alike */
		t = pr->backward_input_ns[device] / xp_schedule_chunks(s) +
		    pr->backward_weight_ns[device] / xp_schedule_chunks(s);
		return piece_share(t, op);
	case XP_OP_D: t = pr->backward_input_ns[device]; break;
	default: t = pr->backward_weight_ns[device]; break;
	}
	return piece_share(t / xp_schedule_chunks(s), op);
}

int64_t xp_device_memory(const xp_params *pr, const xp_schedule *s, int d, int64_t *held)
{
	const xp_op *ops = xp_schedule_ops(s, d);
	int64_t cur = 0, top = 0, rise, fall, whole[4][2]; /* a whole block's, per kind */
	for (int k = 0; k < 4; k++) {
		xp_op w = { .kind = (uint8_t)k, .lo = 0, .hi = 1, .nsub = 1 };
		xp_op_memory(pr, s, d, w, &whole[k][0], &whole[k][1]);
	}
	for (size_t i = 0, n = xp_schedule_len(s, d); i < n; i++) {
		xp_op op = ops[i];
		if (op.nsub <= 1 && op.kind < 4) { /* piece_share: the whole */
			rise = whole[op.kind][0];
			fall = whole[op.kind][1];
		} else {
			xp_op_memory(pr, s, d, op, &rise, &fall);
		}
		cur += rise;
		if (cur > top)
			top = cur;
		if (held)
			held[2 * i] = cur;
		cur -= fall;
		if (held)
			held[2 * i + 1] = cur;
	}
	return top;
}

void xp_schedule_peak_memory(const xp_params *pr, const xp_schedule *s, int64_t *peak)
{
	for (int d = 0; d < xp_schedule_devices(s); d++)
		peak[d] = xp_device_memory(pr, s, d, NULL);
}

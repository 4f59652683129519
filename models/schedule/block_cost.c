/* block_cost.c: the compute time and memory of a schedule's blocks and pieces. */
#include "schedule/block_cost.h"

#include <math.h>

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
	case XP_OP_O: /* its F's activation at the start, its B's release at the end */
		*rise = *fall = mf;
		break;
	case XP_OP_F: *rise = piece_share(mf, op); break;
	case XP_OP_B: *fall = piece_share(mf, op); break;
	case XP_OP_D: *fall = piece_share(mf - mw, op); break;
	default: *fall = piece_share(mw, op); break;
	}
}

int64_t xp_op_duration_ns(const xp_params *pr, const xp_schedule *s, int device, xp_op op)
{
	int64_t t;
	xp_op half[2];
	switch (op.kind) {
	case XP_OP_O: { /* model.overlap_f_b x (T_F + T_B), never below the longer block */
		xp_op_halves(op, half);
		int64_t tf = xp_op_duration_ns(pr, s, device, half[0]);
		int64_t tb = xp_op_duration_ns(pr, s, device, half[1]);
		if (pr->overlap_f_b == 1)
			return tf + tb;
		t = (int64_t)llround(pr->overlap_f_b * (double)(tf + tb));
		return t > tf && t > tb ? t : tf > tb ? tf : tb;
	}
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
	int64_t cur = 0, top = 0, rise, fall, whole[XP_OP_KINDS][2]; /* a whole op's, per kind */
	for (int k = 0; k < XP_OP_KINDS; k++) {
		xp_op w = { .kind = (uint8_t)k, .lo = 0, .hi = 1, .nsub = 1 };
		xp_op_memory(pr, s, d, w, &whole[k][0], &whole[k][1]);
	}
	for (size_t i = 0, n = xp_schedule_len(s, d); i < n; i++) {
		xp_op op = ops[i];
		if (!xp_op_is_piece(op)) { /* piece_share: the whole */
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

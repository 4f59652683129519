/* greedy_post.c: the greedy's post-pass: W pieces slide into idle time, pieces of a block merge. */
#include "schedules/greedy_int.h"

static int same_block(xp_op a, xp_op b)
{
	return a.kind == b.kind && a.chunk == b.chunk && a.mb == b.mb;
}

/* Move the W piece at i into the earliest idle gap before it that holds it whole, without passing
 * another W or its own D (so it stays after its input, and W keep their order). */
static void slide_w(xp_gpiece *pc, size_t i)
{
	if (i == 0)
		return;
	xp_gpiece w = pc[i];
	int64_t len = w.end_ns - w.start_ns;
	size_t to = i;
	for (size_t j = i; j > 0; j--) {
		if (pc[j - 1].end_ns + len <= (j == i ? w.end_ns : pc[j].start_ns))
			to = j;
		xp_op prev = pc[j - 1].op;
		if (prev.kind == XP_OP_W ||
		    (prev.kind == XP_OP_D && prev.mb == w.op.mb && prev.chunk == w.op.chunk))
			break;
	}
	if (to == i && (i == 0 || pc[i - 1].end_ns == w.start_ns))
		return;
	for (size_t k = i; k > to; k--)
		pc[k] = pc[k - 1];
	w.start_ns = pc[to - 1].end_ns;
	w.end_ns = w.start_ns + len;
	pc[to] = w;
}

size_t xp_greedy_postpass(xp_gpiece *pc, size_t n, int nsub)
{
	for (size_t i = 0; i < n; i++)
		if (pc[i].op.kind == XP_OP_W)
			slide_w(pc, i);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && same_block(pc[out - 1].op, pc[i].op) &&
		    pc[out - 1].op.hi == pc[i].op.lo) {
			pc[out - 1].op.hi = pc[i].op.hi;
			pc[out - 1].end_ns = pc[i].end_ns;
		} else {
			pc[out++] = pc[i];
		}
	}
	for (size_t i = 0; i < out; i++)
		if (pc[i].op.lo == 0 && pc[i].op.hi == nsub) {
			pc[i].op.hi = 1;
			pc[i].op.nsub = 1;
		}
	return out;
}

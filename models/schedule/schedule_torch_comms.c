/* schedule_torch_comms.c: the SEND/RECV cells of a compute_comms torch CSV checked against its
 * compute cells. torch's own loader takes them as they are ("TODO what level of validation");
 * here each must pair up and sit where torch's runtime can use it, then the engines time the
 * transfer from the data dependency, so the cells themselves carry no time. */
#include <stdlib.h>

#include "schedule/schedule_torch_int.h"

/* Slots per (stage, mb): the compute that sends forward (F), backward (I or B), and the four
 * transfer cells. Each holds the cell's index + 1, 0 when absent. */
enum { SLOT_F, SLOT_BW, SLOT_SEND_F, SLOT_RECV_F, SLOT_SEND_B, SLOT_RECV_B, SLOTS };

static int slot_of(int type)
{
	switch (type) {
	case XP_TORCH_F: return SLOT_F;
	case XP_TORCH_I:
	case XP_TORCH_B: return SLOT_BW;
	case XP_TORCH_SEND_F: return SLOT_SEND_F;
	case XP_TORCH_RECV_F: return SLOT_RECV_F;
	case XP_TORCH_SEND_B: return SLOT_SEND_B;
	case XP_TORCH_RECV_B: return SLOT_RECV_B;
	default: return -1; /* W */
	}
}

typedef struct comms {
	const xp_torch_grid *g;
	const char *name;
	xp_torch_dialect d;
	const int *dev;
	size_t *at; /* stages * mbs * SLOTS */
} comms;

static size_t *slot(const comms *c, int stage, int mb, int k)
{
	return &c->at[((size_t)stage * (size_t)c->g->mbs + (size_t)mb) * SLOTS + (size_t)k];
}

static xp_status cell_fail(const comms *c, size_t idx, const char *why, xp_error *err)
{
	const xp_torch_cell *x = &c->g->c[idx - 1];
	char b[64];
	return xp_fail(err, XP_EINVAL, "%s:%d:%d: cell '%s': %s", c->name, x->row, x->col,
	               xp_torch_cell_text(b, sizeof b, x, c->d), why);
}

/* One transfer (a receive always has its producer: the counts were checked, so a receive with
 * no send is caught here at the producer): the producer compute at (from, mb) with its send, the
 * consumer compute at (to, mb) with its receive. cross: the two stages are on different ranks. */
static xp_status check_pair(const comms *c, int from, int to, int mb, int fwd, xp_error *err)
{
	int cross = to >= 0 && to < c->g->stages && c->dev[from] != c->dev[to];
	size_t prod = *slot(c, from, mb, fwd ? SLOT_F : SLOT_BW);
	size_t send = *slot(c, from, mb, fwd ? SLOT_SEND_F : SLOT_SEND_B);
	size_t recv = cross ? *slot(c, to, mb, fwd ? SLOT_RECV_F : SLOT_RECV_B) : 0;
	size_t cons = cross ? *slot(c, to, mb, fwd ? SLOT_F : SLOT_BW) : 0;
	if (!cross && send)
		return cell_fail(c, send,
		                 "a send with no receiver on another rank (the next stage is on "
		                 "this rank, or there is none)",
		                 err);
	if (!cross)
		return XP_OK;
	if (!send)
		return cell_fail(
		    c, prod,
		    fwd ? "no SEND_F after it, but the next stage is on another rank"
		        : "no SEND_B after it, but the previous stage is on another rank",
		    err);
	if (!recv)
		return cell_fail(c, send,
		                 fwd ? "no RECV_F on the next stage's rank for this send"
		                     : "no RECV_B on the previous stage's rank for this send",
		                 err);
	if (send < prod)
		return cell_fail(c, send, "a send before the compute whose output it sends", err);
	if (recv > cons)
		return cell_fail(c, recv, "a receive after the compute that needs it", err);
	return XP_OK;
}

/* Record every cell in its slot; a receive must come from a stage on another rank (that it is
 * on the rank of its own stage, the placement checked). */
static xp_status record(comms *c, xp_error *err)
{
	const xp_torch_grid *g = c->g;
	for (size_t k = 0; k < g->n; k++) {
		const xp_torch_action *a = &g->c[k].a;
		int s = slot_of(a->type);
		if (s < 0)
			continue;
		size_t *p = slot(c, a->stage, a->mb, s);
		if (*p && s != SLOT_F && s != SLOT_BW)
			return cell_fail(c, k + 1, "the same send or receive appears twice", err);
		*p = k + 1;
		int from = s == SLOT_RECV_F ? a->stage - 1 : a->stage + 1;
		if ((s == SLOT_RECV_F || s == SLOT_RECV_B) &&
		    (from < 0 || from >= g->stages || c->dev[from] == c->dev[a->stage]))
			return cell_fail(c, k + 1,
			                 "a receive with no sender on another rank (the sending "
			                 "stage is on this rank, or there is none)",
			                 err);
	}
	return XP_OK;
}

xp_status xp_torch_check_comms(const xp_torch_grid *g, const char *name, xp_torch_dialect d,
                               const int *dev, xp_error *err)
{
	comms c = { g, name, d, dev,
		    calloc((size_t)g->stages * (size_t)g->mbs * SLOTS, sizeof(size_t)) };
	if (!c.at)
		return xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	xp_status st = record(&c, err);
	for (int s = 0; s < g->stages && !st; s++)
		for (int mb = 0; mb < g->mbs && !st; mb++) {
			st = check_pair(&c, s, s + 1, mb, 1, err);
			if (!st)
				st = check_pair(&c, s, s - 1, mb, 0, err);
		}
	free(c.at);
	return st;
}

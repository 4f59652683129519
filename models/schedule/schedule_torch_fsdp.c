/* schedule_torch_fsdp.c: a torch CSV's UNSHARD and RESHARD cells as the schedule's FSDP plan
 * (where each parameter all-gather starts; the engines' rule is in engine/exec.h). */
#include <stdlib.h>

#include "schedule/schedule_torch_int.h"

typedef struct plan {
	xp_unshard *u;
	size_t n;
	unsigned char *has;   /* per stage: it has UNSHARD/RESHARD cells */
	unsigned char *state; /* per chunk of the current device: unsharded (or, in implicit(),
	                         already placed) */
} plan;

/* "name:row:col: cell 'X': stage S <what>" */
static xp_status fail_cell(xp_error *err, const char *name, const xp_torch_cell *c,
                           xp_torch_dialect d, const char *what)
{
	char b[64];
	return xp_fail(err, XP_EINVAL, "%s:%d:%d: cell '%s': stage %d %s", name, c->row, c->col,
	               xp_torch_cell_text(b, sizeof b, c, d), c->a.stage, what);
}

/* The chunks of device d without cells, at its start in the order of their first forward. */
static void implicit(plan *P, const xp_schedule *s, int d)
{
	for (int c = 0; c < xp_schedule_chunks(s); c++)
		P->state[c] = 0;
	for (size_t i = 0, n = xp_schedule_len(s, d); i < n; i++) {
		xp_op op = xp_schedule_ops(s, d)[i];
		int part = xp_schedule_part(s, d, op.chunk);
		if (op.kind != XP_OP_F || P->has[part] || P->state[op.chunk])
			continue;
		P->state[op.chunk] = 1;
		P->u[P->n++] = (xp_unshard){ d, 0, op.chunk };
	}
}

/* Apply the cells of row d+1 standing before op pos (*k: the next cell). */
static xp_status cells_before(plan *P, const xp_torch_grid *g, size_t *k, int d, int pos,
                              const xp_schedule *s, const char *name, xp_torch_dialect dl,
                              xp_error *err)
{
	for (; *k < g->n_fsdp && g->fsdp[*k].cell.row == d + 1 && g->fsdp[*k].pos == pos; (*k)++) {
		const xp_torch_cell *c = &g->fsdp[*k].cell;
		int chunk = xp_schedule_chunk_of(s, c->a.stage);
		int un = c->a.type == XP_TORCH_UNSHARD;
		if (un && P->state[chunk])
			return fail_cell(err, name, c, dl,
			                 "is already unsharded (UNSHARD twice without a RESHARD "
			                 "between)");
		if (!un && !P->state[chunk])
			return fail_cell(err, name, c, dl, "is not unsharded here");
		if (un && pos == (int)xp_schedule_len(s, d))
			return fail_cell(err, name, c, dl, "has no compute after this UNSHARD");
		P->state[chunk] = (unsigned char)un;
		if (un)
			P->u[P->n++] = (xp_unshard){ d, pos, chunk };
	}
	return XP_OK;
}

/* Walk row d+1: its compute cells (the device's ops, in order) and its FSDP cells. */
static xp_status walk_row(plan *P, const xp_torch_grid *g, size_t *k, size_t *ci, int d,
                          const xp_schedule *s, const char *name, xp_torch_dialect dl,
                          xp_error *err)
{
	int pos = 0;
	for (int c = 0; c < xp_schedule_chunks(s); c++)
		P->state[c] = 0;
	for (; *ci < g->n && g->c[*ci].row <= d + 1; (*ci)++) {
		const xp_torch_cell *c = &g->c[*ci];
		if (c->row != d + 1 || c->a.type > XP_TORCH_B)
			continue;
		xp_status st = cells_before(P, g, k, d, pos, s, name, dl, err);
		if (st)
			return st;
		if (P->has[c->a.stage] && !P->state[xp_schedule_chunk_of(s, c->a.stage)])
			return fail_cell(err, name, c, dl,
			                 "is not unsharded here (no UNSHARD of it before, or a "
			                 "RESHARD since)");
		pos++;
	}
	return cells_before(P, g, k, d, pos, s, name, dl, err);
}

xp_status xp_torch_fsdp_plan(const xp_torch_grid *g, const char *name, xp_torch_dialect dl,
                             const int *dev, xp_schedule *s, xp_error *err)
{
	if (g->n_fsdp == 0)
		return XP_OK;
	int p = xp_schedule_devices(s), v = xp_schedule_chunks(s);
	plan P = { malloc((g->n_fsdp + (size_t)p * (size_t)v) * sizeof *P.u), 0,
		   calloc((size_t)g->stages, 1), calloc((size_t)v, 1) };
	xp_status st = P.u && P.has && P.state ? XP_OK : XP_ENOMEM;
	for (size_t k = 0; st == XP_OK && k < g->n_fsdp; k++) {
		const xp_torch_cell *c = &g->fsdp[k].cell;
		if (c->a.stage >= g->stages || dev[c->a.stage] != c->row - 1)
			st = fail_cell(err, name, c, dl, "has no compute on this row's rank");
		else
			P.has[c->a.stage] = 1;
	}
	size_t k = 0, ci = 0;
	for (int d = 0; st == XP_OK && d < p; d++) {
		implicit(&P, s, d);
		st = walk_row(&P, g, &k, &ci, d, s, name, dl, err);
	}
	if (st == XP_OK)
		st = xp_schedule_set_unshards(s, P.u, P.n);
	if (st == XP_ENOMEM)
		xp_fail(err, st, "%s: out of memory", name);
	free(P.u);
	free(P.has);
	free(P.state);
	return st;
}

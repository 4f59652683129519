/* schedule_torch_read.c: a torch.distributed.pipelining CSV (compute_only or compute_comms) read
 * into a schedule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/schedule_check.h"
#include "schedule/schedule_torch_int.h"

typedef xp_torch_cell cell;
typedef xp_torch_grid grid;

static int is_compute(int type)
{
	return type <= XP_TORCH_B;
}

static int is_fsdp(int type)
{
	return type == XP_TORCH_UNSHARD || type == XP_TORCH_RESHARD || type == XP_TORCH_REDUCE_GRAD;
}

static xp_status grid_push(grid *g, cell c)
{
	cell *p = xp_torch_room(g->c, &g->cap, g->n, sizeof *p, 256);
	if (!p)
		return XP_ENOMEM;
	g->c = p;
	g->c[g->n++] = c;
	return XP_OK;
}

/* Why a cell cannot be read (r from xp_torch_parse_cell, a its actions), or NULL. */
static const char *cell_error(int r, const xp_torch_action *a)
{
	if (r < 0)
		return "not an action [stage][type][microbatch]";
	if (r == 2 && (a[0].type != XP_TORCH_F || a[1].type != XP_TORCH_B))
		return "an OVERLAP_F_B is a forward and a whole backward, (F;B)OVERLAP_F_B, as "
		       "DualPipeV writes it";
	if (r == 2 && a[0].stage == a[1].stage)
		return "an OVERLAP_F_B joins two different stages (torch runs the F and B of one "
		       "stage in turn)";
	for (int k = 0; k < r; k++)
		if (a[k].mb < 0 && !is_fsdp(a[k].type))
			return is_compute(a[k].type) ? "a compute action needs a microbatch"
			                             : "a send or receive needs a microbatch";
	return NULL;
}

/* An UNSHARD or RESHARD cell, kept apart for the FSDP plan (schedule_torch_fsdp.c). */
static xp_status fsdp_push(grid *g, cell c)
{
	xp_torch_fsdp *p = xp_torch_room(g->fsdp, &g->cap_fsdp, g->n_fsdp, sizeof *p, 64);
	if (!p)
		return XP_ENOMEM;
	g->fsdp = p;
	g->fsdp[g->n_fsdp++] = (xp_torch_fsdp){ c, g->row_ops };
	return XP_OK;
}

static xp_status take_cell(grid *g, const xp_torch_action *a, int row, int col, int joined)
{
	if (row != g->cur_row)
		g->cur_row = row, g->row_ops = 0;
	if (is_fsdp(a->type)) {
		g->fsdp_cells++;
		if (a->type != XP_TORCH_REDUCE_GRAD) /* UNSHARD, RESHARD: the FSDP plan */
			return fsdp_push(g, (cell){ *a, row, col, 0 });
	}
	g->row_ops += is_compute(a->type) && !joined;     /* a composite is one op */
	if (grid_push(g, (cell){ *a, row, col, joined })) /* REDUCE_GRAD: kept to check its place */
		return XP_ENOMEM;
	g->comm_cells += !is_compute(a->type) && a->type != XP_TORCH_REDUCE_GRAD;
	if (a->stage >= g->stages)
		g->stages = a->stage + 1;
	if (a->mb >= g->mbs)
		g->mbs = a->mb + 1;
	return XP_OK;
}

/* Split text into rows and cells. */
static xp_status read_cells(const char *t, size_t len, const char *name, xp_torch_dialect d,
                            grid *g, xp_error *err)
{
	size_t i = 0;
	int row = 0;
	while (i < len) {
		row++;
		size_t eol = i;
		while (eol < len && t[eol] != '\n')
			eol++;
		for (size_t s = i; s <= eol;) {
			size_t e = s;
			while (e < eol && t[e] != ',')
				e++;
			xp_torch_action a[2];
			int r = xp_torch_parse_cell(t + s, e - s, d, a);
			int col = (int)(s - i) + 1;
			const char *why = cell_error(r, a);
			size_t te = e; /* the cell as shown: without the CR of a CR LF row */
			while (te > s &&
			       (t[te - 1] == '\r' || t[te - 1] == ' ' || t[te - 1] == '\t'))
				te--;
			if (why)
				return xp_fail(err, XP_EINVAL, "%s:%d:%d: cell '%.*s': %s", name,
				               row, col, (int)(te - s), t + s, why);
			for (int k = 0; k < r; k++) /* a composite: its F, joined to its B */
				if (take_cell(g, &a[k], row, col, r == 2 && k == 0))
					return xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
			s = e + 1;
		}
		i = eol + 1;
	}
	g->rows = row;
	return XP_OK;
}

const char *xp_torch_cell_text(char *buf, size_t n, const xp_torch_cell *c, xp_torch_dialect d)
{
	snprintf(buf, n, "%d%s", c->a.stage, xp_torch_type_name((xp_torch_type)c->a.type, d));
	if (c->a.mb >= 0)
		snprintf(buf + strlen(buf), n - strlen(buf), "%d", c->a.mb);
	return buf;
}

/* Stage -> row (device); each stage on one rank, the same count of stages on every rank. */
static xp_status place(const grid *g, const char *name, xp_torch_dialect d, int *dev, int *chunks,
                       xp_error *err)
{
	for (int s = 0; s < g->stages; s++)
		dev[s] = -1;
	for (size_t k = 0; k < g->n; k++) {
		const cell *c = &g->c[k];
		if (dev[c->a.stage] >= 0 && dev[c->a.stage] != c->row - 1) {
			char b[64];
			return xp_fail(
			    err, XP_EINVAL,
			    "%s:%d:%d: cell '%s': stage %d is already on row %d (each stage "
			    "must be on one rank)",
			    name, c->row, c->col, xp_torch_cell_text(b, sizeof b, c, d), c->a.stage,
			    dev[c->a.stage] + 1);
		}
		dev[c->a.stage] = c->row - 1;
	}
	int *count = calloc((size_t)g->rows, sizeof *count);
	if (!count)
		return xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	xp_status st = XP_OK;
	for (int s = 0; s < g->stages && !st; s++)
		if (dev[s] < 0)
			st = xp_fail(err, XP_EINVAL, "%s: stage %d has no action on any row", name,
			             s);
		else
			count[dev[s]]++;
	for (int r = 0; r < g->rows && !st; r++)
		if (count[r] != count[0])
			st = xp_fail(
			    err, XP_EINVAL,
			    "%s:%d: row %d holds %d stages but row 1 holds %d: every rank must "
			    "hold the same number of stages",
			    name, r + 1, r + 1, count[r], count[0]);
	*chunks = g->rows ? count[0] : 0;
	free(count);
	return st;
}

enum { HAS_F = 1, HAS_I = 2, HAS_W = 4, HAS_B = 8 };

/* The order rule of one cell against what its row did before; NULL when it is fine. */
static const char *order_error(unsigned char had, int type)
{
	static const unsigned char bit[] = { HAS_F, HAS_I, HAS_W, HAS_B };
	if (had & bit[type])
		return "the same action appears twice";
	if (type != XP_TORCH_F && !(had & HAS_F))
		return "a backward before its forward";
	if (type == XP_TORCH_W && !(had & HAS_I))
		return "W before its I";
	if ((type == XP_TORCH_B && (had & (HAS_I | HAS_W))) ||
	    (type != XP_TORCH_F && type != XP_TORCH_B && (had & HAS_B)))
		return "both B and I/W for one microbatch";
	return NULL;
}

static xp_status check_order(const grid *g, const char *name, xp_torch_dialect d,
                             unsigned char *seen, xp_error *err)
{
	static const unsigned char bit[] = { HAS_F, HAS_I, HAS_W, HAS_B };
	char b[64];
	for (size_t k = 0; k < g->n; k++) {
		const cell *c = &g->c[k];
		if (!is_compute(c->a.type))
			continue;
		unsigned char *had = &seen[(size_t)c->a.stage * (size_t)g->mbs + (size_t)c->a.mb];
		const char *why = order_error(*had, c->a.type);
		if (why)
			return xp_fail(err, XP_EINVAL, "%s:%d:%d: cell '%s': %s", name, c->row,
			               c->col, xp_torch_cell_text(b, sizeof b, c, d), why);
		*had |= bit[c->a.type];
	}
	return XP_OK;
}

/* Why REDUCE_GRAD cell c cannot be where it is, or NULL: it must come once per stage, right
 * after (other non-compute cells aside) the compute cell that brings its stage's B and W to m,
 * which is where torch's _add_reduce_grad puts it and where the engines start the stage's
 * gradient reduce-scatter (pipeline.dp > 1). done: B and W seen per stage; last: the stage whose
 * count the row's latest compute cell completed, or -1. */
static const char *reduce_grad_error(const grid *g, const cell *c, const int *done, int last,
                                     unsigned char *reduced)
{
	int s = c->a.stage;
	if (reduced[s]++)
		return "a stage's REDUCE_GRAD appears twice";
	if (done[s] < g->mbs)
		return "REDUCE_GRAD before its stage's last backward (B or W)";
	if (last != s)
		return "REDUCE_GRAD later than right after its stage's last backward: the engines "
		       "start the gradient reduction when that backward ends (where torch's "
		       "_add_reduce_grad puts it) and cannot start it later";
	return NULL;
}

static xp_status check_reduce_grad(const grid *g, const char *name, xp_torch_dialect d,
                                   xp_error *err)
{
	int *done = calloc((size_t)g->stages, sizeof *done), last = -1, row = 0;
	unsigned char *reduced = calloc((size_t)g->stages, 1);
	xp_status st = done && reduced ? XP_OK : xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	for (size_t k = 0; k < g->n && !st; k++) {
		const cell *c = &g->c[k];
		last = c->row == row ? last : -1;
		row = c->row;
		if (is_compute(c->a.type)) {
			int bw = c->a.type == XP_TORCH_B || c->a.type == XP_TORCH_W;
			last = bw && ++done[c->a.stage] == g->mbs ? c->a.stage : -1;
		}
		const char *why = c->a.type == XP_TORCH_REDUCE_GRAD
		                      ? reduce_grad_error(g, c, done, last, reduced)
		                      : NULL;
		char b[64];
		if (why)
			st = xp_fail(err, XP_EINVAL, "%s:%d:%d: cell '%s': %s", name, c->row,
			             c->col, xp_torch_cell_text(b, sizeof b, c, d), why);
	}
	free(done);
	free(reduced);
	return st;
}

/* Every stage has every microbatch's forward and its backward (B, or I and W). */
static xp_status check_counts(const grid *g, const char *name, const unsigned char *seen,
                              xp_error *err)
{
	for (int s = 0; s < g->stages; s++)
		for (int mb = 0; mb < g->mbs; mb++) {
			unsigned char h = seen[(size_t)s * (size_t)g->mbs + (size_t)mb];
			const char *miss = !(h & HAS_F)                   ? "forward"
			                   : (h & HAS_B)                  ? NULL
			                   : !(h & HAS_I) && !(h & HAS_W) ? "backward"
			                   : !(h & HAS_W)                 ? "W"
			                                                  : NULL;
			if (miss)
				return xp_fail(
				    err, XP_EINVAL,
				    "%s: stage %d has no %s of microbatch %d (every stage needs "
				    "%d forwards and as many backwards)",
				    name, s, miss, mb, g->mbs);
		}
	return XP_OK;
}

static xp_status build(const grid *g, const char *name, const int *dev, int chunks,
                       xp_schedule **out, xp_error *err)
{
	static const xp_op_kind kind[] = { XP_OP_F, XP_OP_D, XP_OP_W, XP_OP_B };
	xp_schedule *s = xp_schedule_new(g->rows, chunks, g->mbs, dev);
	if (!s)
		return xp_fail(err, XP_ENOMEM, "%s: cannot make a schedule of %d ranks x %d stages",
		               name, g->rows, chunks);
	for (size_t k = 0; k < g->n; k++) {
		const cell *c = &g->c[k];
		if (!is_compute(c->a.type))
			continue;
		xp_status st;
		if (c->joined) { /* a composite's F and B (the next cell): one overlapped op */
			const cell *b = &g->c[++k];
			st = xp_schedule_add_overlap(s, c->row - 1, c->a.mb,
			                             xp_schedule_chunk_of(s, c->a.stage), b->a.mb,
			                             xp_schedule_chunk_of(s, b->a.stage));
		} else {
			st = xp_schedule_add_block(s, c->row - 1, kind[c->a.type], c->a.mb,
			                           xp_schedule_chunk_of(s, c->a.stage));
		}
		if (st) {
			xp_schedule_free(s);
			return xp_fail(err, st, "%s: out of memory", name);
		}
	}
	xp_schedule_set_name(s, name);
	xp_status st = xp_schedule_check(s, err);
	if (st) {
		xp_schedule_free(s);
		return st;
	}
	*out = s;
	return XP_OK;
}

/* One dialect. */
xp_status xp_torch_read_dialect(const char *text, size_t len, const char *name,
                                xp_torch_dialect dialect, xp_schedule **out, xp_torch_info *info,
                                xp_error *err)
{
	grid g = { 0 };
	int *dev = NULL, chunks = 0;
	unsigned char *seen = NULL;
	*out = NULL;
	xp_status st = read_cells(text, len, name, dialect, &g, err);
	if (!st && (g.n == 0 || (size_t)g.stages * (size_t)g.mbs > ((size_t)1 << 28)))
		st = xp_fail(err, XP_EINVAL, "%s: %s", name,
		             g.n ? "too many stages x microbatches" : "no actions");
	if (!st && (!(dev = malloc((size_t)g.stages * sizeof *dev)) ||
	            !(seen = calloc((size_t)g.stages * (size_t)g.mbs, 1))))
		st = xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	if (!st)
		st = place(&g, name, dialect, dev, &chunks, err);
	if (!st)
		st = check_order(&g, name, dialect, seen, err);
	if (!st)
		st = check_counts(&g, name, seen, err);
	if (!st && g.fsdp_cells)
		st = check_reduce_grad(&g, name, dialect, err);
	if (!st && g.comm_cells)
		st = xp_torch_check_comms(&g, name, dialect, dev, err);
	if (!st)
		st = build(&g, name, dev, chunks, out, err);
	if (!st && (st = xp_torch_fsdp_plan(&g, name, dialect, dev, *out, err)) != XP_OK) {
		xp_schedule_free(*out);
		*out = NULL;
	}
	if (!st && info)
		*info = (xp_torch_info){ dialect, g.comm_cells, g.fsdp_cells, (int)g.n_fsdp };
	free(g.c);
	free(g.fsdp);
	free(dev);
	free(seen);
	return st;
}

/* schedule.c: the schedule object: per-device op lists, placement, op text, provenance. */
#include "schedule/schedule.h"

#include <stdlib.h>
#include <string.h>

struct xp_schedule {
	int devices, chunks, microbatches;
	int *part_device;  /* parts entries */
	int *part_chunk;   /* parts entries */
	int *device_parts; /* devices * chunks: part of (device, chunk) */
	xp_op **ops;       /* per device */
	size_t *len, *cap;
	size_t split_ops; /* D and W ops, kept by add and clear (a reorder keeps the kinds) */
	char name[48];
	xp_solver_info solver;    /* status XP_SOLVER_NONE when not made by a solver */
	xp_candidate *candidates; /* a selection's candidates, or NULL */
	int n_candidates;
	xp_unshard *unshards; /* the FSDP plan, grouped by device, or NULL */
	size_t *ush_off;      /* devices + 1 offsets into unshards */
};

static int place(xp_schedule *s, const int *part_device)
{
	int parts = s->devices * s->chunks;
	int *seen = calloc((size_t)s->devices, sizeof *seen);
	if (!seen)
		return -1;
	for (int q = 0; q < parts; q++) {
		int d = part_device ? part_device[q] : q % s->devices;
		if (d < 0 || d >= s->devices || seen[d] >= s->chunks) {
			free(seen);
			return -1;
		}
		s->part_device[q] = d;
		s->part_chunk[q] = seen[d];
		s->device_parts[d * s->chunks + seen[d]] = q;
		seen[d]++;
	}
	free(seen);
	return 0;
}

xp_schedule *xp_schedule_new(int devices, int chunks, int microbatches, const int *part_device)
{
	if (devices < 1 || chunks < 1 || chunks > 255 || microbatches < 1)
		return NULL;
	xp_schedule *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	size_t parts = (size_t)devices * (size_t)chunks;
	s->devices = devices;
	s->chunks = chunks;
	s->microbatches = microbatches;
	s->part_device = malloc(parts * sizeof(int));
	s->part_chunk = malloc(parts * sizeof(int));
	s->device_parts = malloc(parts * sizeof(int));
	s->ops = calloc((size_t)devices, sizeof *s->ops);
	s->len = calloc((size_t)devices, sizeof *s->len);
	s->cap = calloc((size_t)devices, sizeof *s->cap);
	if (!s->part_device || !s->part_chunk || !s->device_parts || !s->ops || !s->len ||
	    !s->cap || place(s, part_device) != 0) {
		xp_schedule_free(s);
		return NULL;
	}
	return s;
}

xp_schedule *xp_schedule_new_v(int devices, int microbatches)
{
	int *pd = malloc(2 * (size_t)(devices > 0 ? devices : 1) * sizeof *pd);
	if (!pd)
		return NULL;
	for (int k = 0; k < devices; k++) {
		pd[k] = k;
		pd[2 * devices - 1 - k] = k;
	}
	xp_schedule *s = xp_schedule_new(devices, 2, microbatches, pd);
	free(pd);
	return s;
}

void xp_schedule_free(xp_schedule *s)
{
	if (!s)
		return;
	if (s->ops)
		for (int d = 0; d < s->devices; d++)
			free(s->ops[d]);
	free(s->ops);
	free(s->len);
	free(s->cap);
	free(s->part_device);
	free(s->part_chunk);
	free(s->device_parts);
	free(s->candidates);
	free(s->unshards);
	free(s->ush_off);
	free(s);
}

/* More room for device's order: its whole F and B blocks first, so that most orders never
 * grow; at most 64 Ki ops at first, since a file's header may declare far more than it holds. */
static xp_status grow(xp_schedule *s, int device)
{
	size_t first = 2 * (size_t)s->chunks * (size_t)s->microbatches;
	first = first < 16 ? 16 : first > 65536 ? 65536 : first;
	size_t cap = s->cap[device] ? 2 * s->cap[device] : first;
	xp_op *n = realloc(s->ops[device], cap * sizeof *n);
	if (!n)
		return XP_ENOMEM;
	s->ops[device] = n;
	s->cap[device] = cap;
	return XP_OK;
}

xp_status xp_schedule_add(xp_schedule *s, int device, xp_op op)
{
	if (device < 0 || device >= s->devices || op.chunk >= s->chunks || op.kind > XP_OP_O ||
	    (op.kind == XP_OP_O && op.chunk2 >= s->chunks))
		return XP_EINVAL;
	if (s->len[device] == s->cap[device] && grow(s, device) != XP_OK)
		return XP_ENOMEM;
	s->ops[device][s->len[device]++] = op;
	s->split_ops += op.kind == XP_OP_D || op.kind == XP_OP_W;
	return XP_OK;
}

void xp_schedule_clear(xp_schedule *s)
{
	for (int d = 0; d < s->devices; d++)
		s->len[d] = 0;
	s->split_ops = 0;
}

xp_op *xp_schedule_ops_mut(xp_schedule *s, int device)
{
	return s->ops[device];
}

int xp_schedule_same_shape(const xp_schedule *a, const xp_schedule *b)
{
	if (a->devices != b->devices || a->chunks != b->chunks ||
	    a->microbatches != b->microbatches)
		return 0;
	for (int q = 0; q < a->devices * a->chunks; q++)
		if (a->part_device[q] != b->part_device[q])
			return 0;
	return 1;
}

xp_status xp_schedule_add_block(xp_schedule *s, int device, xp_op_kind kind, int mb, int chunk)
{
	xp_op op = { .kind = (uint8_t)kind,
		     .chunk = (uint8_t)chunk,
		     .lo = 0,
		     .hi = 1,
		     .nsub = 1,
		     .mb = mb };
	return xp_schedule_add(s, device, op);
}

xp_op xp_op_overlap(int f_mb, int f_chunk, int b_mb, int b_chunk)
{
	return (xp_op){ .kind = XP_OP_O,
		        .chunk = (uint8_t)f_chunk,
		        .chunk2 = (uint16_t)b_chunk,
		        .mb2 = b_mb,
		        .mb = f_mb };
}

xp_status xp_schedule_add_overlap(xp_schedule *s, int device, int f_mb, int f_chunk, int b_mb,
                                  int b_chunk)
{
	return xp_schedule_add(s, device, xp_op_overlap(f_mb, f_chunk, b_mb, b_chunk));
}

int xp_schedule_has_overlap(const xp_schedule *s)
{
	for (int d = 0; d < s->devices; d++)
		for (size_t i = 0; i < s->len[d]; i++)
			if (s->ops[d][i].kind == XP_OP_O)
				return 1;
	return 0;
}

int xp_schedule_devices(const xp_schedule *s)
{
	return s->devices;
}
int xp_schedule_chunks(const xp_schedule *s)
{
	return s->chunks;
}
int xp_schedule_microbatches(const xp_schedule *s)
{
	return s->microbatches;
}
int xp_schedule_parts(const xp_schedule *s)
{
	return s->devices * s->chunks;
}
size_t xp_schedule_len(const xp_schedule *s, int device)
{
	return s->len[device];
}
const xp_op *xp_schedule_ops(const xp_schedule *s, int device)
{
	return s->ops[device];
}
int xp_schedule_device_of(const xp_schedule *s, int part)
{
	return s->part_device[part];
}
int xp_schedule_chunk_of(const xp_schedule *s, int part)
{
	return s->part_chunk[part];
}
const char *xp_schedule_name(const xp_schedule *s)
{
	return s->name;
}

size_t xp_schedule_total_ops(const xp_schedule *s)
{
	size_t n = 0;
	for (int d = 0; d < s->devices; d++)
		n += s->len[d];
	return n;
}

int xp_schedule_part(const xp_schedule *s, int device, int chunk)
{
	return s->device_parts[device * s->chunks + chunk];
}

int xp_schedule_split_backward(const xp_schedule *s)
{
	return s->split_ops > 0;
}

void xp_schedule_set_name(xp_schedule *s, const char *name)
{
	snprintf(s->name, sizeof s->name, "%s", name ? name : "");
}

xp_schedule *xp_schedule_copy(const xp_schedule *s)
{
	xp_schedule *c = xp_schedule_new(s->devices, s->chunks, s->microbatches, s->part_device);
	if (!c)
		return NULL;
	memcpy(c->name, s->name, sizeof c->name);
	c->solver = s->solver;
	if (xp_schedule_set_candidates(c, s->candidates, s->n_candidates) != XP_OK ||
	    (s->ush_off &&
	     xp_schedule_set_unshards(c, s->unshards, s->ush_off[s->devices]) != XP_OK)) {
		xp_schedule_free(c);
		return NULL;
	}
	for (int d = 0; d < s->devices; d++)
		for (size_t i = 0; i < s->len[d]; i++)
			if (xp_schedule_add(c, d, s->ops[d][i]) != XP_OK) {
				xp_schedule_free(c);
				return NULL;
			}
	return c;
}

int xp_op_format(char *buf, size_t len, const xp_schedule *s, xp_op op)
{
	static const char kinds[] = "FBDW";
	char chunk[16] = "", piece[32] = "";
	xp_op half[2];
	if (xp_op_halves(op, half) == 2) {
		char f[48], b[48];
		xp_op_format(f, sizeof f, s, half[0]);
		xp_op_format(b, sizeof b, s, half[1]);
		return snprintf(buf, len, "%s+%s", f, b);
	}
	if (s->chunks > 1)
		snprintf(chunk, sizeof chunk, ".c%u", op.chunk);
	if (xp_op_is_piece(op))
		snprintf(piece, sizeof piece, "[%u:%u/%u]", op.lo, op.hi, op.nsub);
	return snprintf(buf, len, "%c%d%s%s", kinds[op.kind & 3], op.mb, chunk, piece);
}

const char *xp_solver_status_name(xp_solver_status st)
{
	static const char *const names[] = { "none", "optimal", "feasible", "no_solution",
		                             "timeout" };
	return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "none";
}

void xp_schedule_set_solver(xp_schedule *s, const xp_solver_info *info)
{
	s->solver = *info;
}

const xp_solver_info *xp_schedule_solver(const xp_schedule *s)
{
	return s->solver.status == XP_SOLVER_NONE ? NULL : &s->solver;
}

xp_status xp_schedule_set_candidates(xp_schedule *s, const xp_candidate *c, int n)
{
	xp_candidate *copy = NULL;
	if (n > 0 && !(copy = malloc((size_t)n * sizeof *copy)))
		return XP_ENOMEM;
	if (n > 0)
		memcpy(copy, c, (size_t)n * sizeof *copy);
	free(s->candidates);
	s->candidates = copy;
	s->n_candidates = n > 0 ? n : 0;
	return XP_OK;
}

const xp_candidate *xp_schedule_candidates(const xp_schedule *s, int *n)
{
	*n = s->n_candidates;
	return s->candidates;
}

xp_status xp_schedule_set_unshards(xp_schedule *s, const xp_unshard *u, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (u[k].device < 0 || u[k].device >= s->devices || u[k].chunk < 0 ||
		    u[k].chunk >= s->chunks || u[k].pos < 0 ||
		    (k > 0 && (u[k].device < u[k - 1].device ||
		               (u[k].device == u[k - 1].device && u[k].pos < u[k - 1].pos))))
			return XP_EINVAL;
	xp_unshard *copy = malloc((n ? n : 1) * sizeof *copy);
	size_t *off = calloc((size_t)s->devices + 1, sizeof *off);
	if (!copy || !off) {
		free(copy);
		free(off);
		return XP_ENOMEM;
	}
	if (n)
		memcpy(copy, u, n * sizeof *copy);
	for (size_t k = 0; k < n; k++)
		off[u[k].device + 1]++;
	for (int d = 0; d < s->devices; d++)
		off[d + 1] += off[d];
	free(s->unshards);
	free(s->ush_off);
	s->unshards = copy;
	s->ush_off = off;
	return XP_OK;
}

const xp_unshard *xp_schedule_unshards(const xp_schedule *s, int d, size_t *n)
{
	*n = s->ush_off ? s->ush_off[d + 1] - s->ush_off[d] : 0;
	return s->ush_off ? s->unshards + s->ush_off[d] : NULL;
}

int xp_schedule_has_unshards(const xp_schedule *s)
{
	return s->ush_off != NULL;
}

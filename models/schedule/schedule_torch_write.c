/* schedule_torch_write.c: a schedule written as a torch.distributed.pipelining CSV.
 *
 * compute_only: one row per device, one cell per op, as torch's _dump_csv writes a
 * pipeline_order with no idle slots (the order, not a time-step grid, is what a crosspipe
 * schedule holds). compute_comms: the sends and receives are placed by replaying torch's
 * _add_send_recv on those rows: passes over the ranks in order; a rank's next compute is taken
 * when its input is there (a forward of stage s > 0 after the forward of s - 1, a backward of
 * s < last after the backward, I or B, of s + 1); a compute whose neighbour stage is on another
 * rank appends its SEND to its own row and the RECV to the neighbour's row at once. An
 * overlapped op is one cell `(F;B)OVERLAP_F_B`; as in _add_send_recv (torch commit in
 * docs/torch.md) it is taken when both of its actions are ready, and the sends and receives of
 * its F and then of its B follow it. */
#include <stdlib.h>

#include "schedule/schedule_torch_int.h"

/* A row's cells; joined[i] = 1 when a[i] and a[i + 1] are one composite (F;B)OVERLAP_F_B. */
typedef struct row {
	xp_torch_action *a;
	unsigned char *joined;
	size_t n, cap, cap_joined;
} row;

static xp_status row_push_joined(row *r, xp_torch_action a, int joined)
{
	xp_torch_action *p = xp_torch_room(r->a, &r->cap, r->n, sizeof *p, 64);
	if (!p)
		return XP_ENOMEM;
	r->a = p;
	unsigned char *j = xp_torch_room(r->joined, &r->cap_joined, r->n, 1, 64);
	if (!j)
		return XP_ENOMEM;
	r->joined = j;
	r->joined[r->n] = (unsigned char)joined;
	r->a[r->n++] = a;
	return XP_OK;
}

static xp_status row_push(row *r, xp_torch_action a)
{
	return row_push_joined(r, a, 0);
}

/* The actions of op (two for an overlapped op: its F, its B); returns how many. */
static int actions_of(const xp_schedule *s, int dev, xp_op op, xp_torch_action a[2])
{
	static const int type[] = { [XP_OP_F] = XP_TORCH_F,
		                    [XP_OP_B] = XP_TORCH_B,
		                    [XP_OP_D] = XP_TORCH_I,
		                    [XP_OP_W] = XP_TORCH_W };
	xp_op half[2];
	int n = xp_op_halves(op, half);
	for (int k = 0; k < n; k++)
		a[k] = (xp_torch_action){ xp_schedule_part(s, dev, half[k].chunk),
			                  type[half[k].kind], half[k].mb };
	return n;
}

/* The split blocks of s named in err, with the way out; XP_OK when there are none. */
static xp_status refuse_pieces(const xp_schedule *s, xp_error *err)
{
	char names[160] = "";
	size_t used = 0;
	int split = 0;
	for (int d = 0; d < xp_schedule_devices(s); d++)
		for (size_t i = 0; i < xp_schedule_len(s, d); i++) {
			xp_op op = xp_schedule_ops(s, d)[i];
			if (!xp_op_is_piece(op) || op.lo != 0)
				continue;
			if (split++ < 4 && used < sizeof names - 40) {
				char b[40];
				xp_op_format(b, sizeof b, s, op);
				used += (size_t)snprintf(names + used, sizeof names - used,
				                         "%s%s on device %d", split > 1 ? ", " : "",
				                         b, d);
			}
		}
	if (!split)
		return XP_OK;
	return xp_fail(err, XP_EINVAL,
	               "%s: %d blocks are split into pieces (%s%s), and a torch schedule has no "
	               "sub-blocks; build it whole with --n-sub 1",
	               xp_schedule_name(s), split, names, split > 4 ? ", ..." : "");
}

/* What torch's _has_comms says: the neighbour stage (next for F, previous for I/B) exists and
 * is on another rank; its stage is put in *to. */
static int has_comms(const xp_schedule *s, xp_torch_action a, int *to)
{
	int parts = xp_schedule_parts(s);
	if (a.type == XP_TORCH_F)
		*to = a.stage + 1;
	else if (a.type == XP_TORCH_I || a.type == XP_TORCH_B)
		*to = a.stage - 1;
	else
		return 0;
	return *to >= 0 && *to < parts &&
	       xp_schedule_device_of(s, *to) != xp_schedule_device_of(s, a.stage);
}

enum { DONE_F = 1, DONE_BW = 2 };

/* torch's _ready_to_schedule, with the emitted actions kept as per-(stage, mb) flags: the
 * receive it looks for is emitted exactly when the neighbour's compute is. */
static int ready(const xp_schedule *s, const unsigned char *done, xp_torch_action a)
{
	int parts = xp_schedule_parts(s), m = xp_schedule_microbatches(s);
	if (a.type == XP_TORCH_F && a.stage > 0)
		return done[(size_t)(a.stage - 1) * (size_t)m + (size_t)a.mb] & DONE_F;
	if ((a.type == XP_TORCH_I || a.type == XP_TORCH_B) && a.stage < parts - 1)
		return done[(size_t)(a.stage + 1) * (size_t)m + (size_t)a.mb] & DONE_BW;
	return 1;
}

/* The cell's SEND on its own row and its RECV on the neighbour's, when it has comms. */
static xp_status emit_comms(const xp_schedule *s, row *rows, int dev, xp_torch_action a)
{
	int to;
	if (!has_comms(s, a, &to))
		return XP_OK;
	int fwd = a.type == XP_TORCH_F;
	xp_status st =
	    row_push(&rows[dev],
	             (xp_torch_action){ a.stage, fwd ? XP_TORCH_SEND_F : XP_TORCH_SEND_B, a.mb });
	if (!st)
		st = row_push(
		    &rows[xp_schedule_device_of(s, to)],
		    (xp_torch_action){ to, fwd ? XP_TORCH_RECV_F : XP_TORCH_RECV_B, a.mb });
	return st;
}

/* The n actions of one op on dev's row (joined when two), then their sends and receives. */
static xp_status emit(const xp_schedule *s, row *rows, unsigned char *done, int dev,
                      const xp_torch_action *a, int n)
{
	int m = xp_schedule_microbatches(s);
	xp_status st = XP_OK;
	for (int k = 0; k < n && !st; k++) {
		st = row_push_joined(&rows[dev], a[k], n == 2 && k == 0);
		done[(size_t)a[k].stage * (size_t)m + (size_t)a[k].mb] |=
		    a[k].type == XP_TORCH_F   ? DONE_F
		    : a[k].type == XP_TORCH_W ? 0
		                              : DONE_BW;
	}
	for (int k = 0; k < n && !st; k++)
		st = emit_comms(s, rows, dev, a[k]);
	return st;
}

/* The rows of s, with the sends and receives when comms. */
static xp_status make_rows(const xp_schedule *s, int comms, row *rows, xp_error *err)
{
	int p = xp_schedule_devices(s);
	size_t *next = calloc((size_t)p, sizeof *next), left = xp_schedule_total_ops(s);
	unsigned char *done =
	    calloc((size_t)xp_schedule_parts(s) * (size_t)xp_schedule_microbatches(s), 1);
	xp_status st = next && done ? XP_OK : XP_ENOMEM;
	while (!st && left) {
		int progress = 0;
		for (int d = 0; d < p && !st; d++) {
			if (next[d] == xp_schedule_len(s, d))
				continue;
			xp_torch_action a[2];
			int n = actions_of(s, d, xp_schedule_ops(s, d)[next[d]], a);
			if (comms && !(ready(s, done, a[0]) && (n < 2 || ready(s, done, a[1]))))
				continue;
			st = comms ? emit(s, rows, done, d, a, n) : XP_OK;
			for (int k = 0; k < n && !comms && !st; k++)
				st = row_push_joined(&rows[d], a[k], n == 2 && k == 0);
			next[d]++, left--, progress = 1;
		}
		if (!st && !progress)
			st = xp_fail(
			    err, XP_EDEADLOCK,
			    "%s: torch's send/recv placement cannot go on: every device's next "
			    "op waits for another's",
			    xp_schedule_name(s));
	}
	free(next);
	free(done);
	return st == XP_ENOMEM ? xp_fail(err, st, "out of memory") : st;
}

static void write_rows(const row *rows, int p, FILE *f)
{
	for (int d = 0; d < p; d++) {
		for (size_t i = 0; i < rows[d].n; i++) {
			const xp_torch_action *a = &rows[d].a[i];
			int joined = rows[d].joined[i], in_composite = i && rows[d].joined[i - 1];
			fprintf(
			    f, "%s%s%d%s%d%s", i && !in_composite ? "," : "", joined ? "(" : "",
			    a->stage,
			    xp_torch_type_name((xp_torch_type)a->type, XP_TORCH_DIALECT_CURRENT),
			    a->mb,
			    joined         ? ";"
			    : in_composite ? ")OVERLAP_F_B"
			                   : "");
		}
		fputs("\r\n", f);
	}
}

xp_status xp_torch_write(const xp_schedule *s, xp_torch_form form, FILE *f, xp_error *err)
{
	xp_status st = refuse_pieces(s, err);
	if (st)
		return st;
	int p = xp_schedule_devices(s);
	row *rows = calloc((size_t)p, sizeof *rows);
	if (!rows)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	st = make_rows(s, form == XP_TORCH_COMPUTE_COMMS, rows, err);
	if (!st)
		write_rows(rows, p, f);
	if (!st && ferror(f))
		st = xp_fail(err, XP_EIO, "cannot write the torch CSV");
	for (int d = 0; d < p; d++) {
		free(rows[d].a);
		free(rows[d].joined);
	}
	free(rows);
	return st;
}

/* schedule_check.c: xp_schedule_check: every block exactly once, its pieces in order, in range;
 * each backward either one B or a D and a W; an overlapped op a whole F and a whole B. */
#include "schedule/schedule.h"

#include <stdlib.h>

#include "engine/exec.h"

/* How far the pieces seen so far cover one block, and the nsub they use (0: none seen yet). */
typedef struct cover {
	uint16_t done, nsub;
	uint8_t kind; /* the kind that covers it (B or D share the backward slot) */
} cover;

/* The covers, one per slot (exec.h: F, then B or D, then W), indexed by block(). While every op
 * seen is a whole block a slot needs one byte (0: not seen, else the covering kind + 1); the
 * first piece turns them into full covers. A whole-block order of a million blocks then checks
 * in 1.5 MB instead of 9 MB of covers. */
typedef struct checker {
	const xp_schedule *s;
	int m, chunks, parts;
	size_t slots;
	uint8_t *whole; /* while every op seen is whole */
	cover *cov;     /* after the first piece */
	int split;      /* the schedule has a D or W: a missing backward is named D, else B */
	xp_error *err;
} checker;

static const char *op_text(const checker *c, xp_op op, char *buf, size_t len)
{
	xp_op_format(buf, len, c->s, op);
	return buf;
}

/* A block is known by the slot it waits for: B and D of one (part, mb) share theirs, so having
 * both is reported as the block twice. */
static size_t block(const checker *c, int part, int mb, int kind)
{
	return (size_t)xp_exec_slot(c->parts, c->m, xp_exec_slot_class(kind), part, mb);
}

static cover whole_cover(uint8_t t)
{
	return t ? (cover){ .done = 1, .nsub = 1, .kind = (uint8_t)(t - 1) } : (cover){ 0 };
}

static cover get(const checker *c, size_t slot)
{
	return c->cov ? c->cov[slot] : whole_cover(c->whole[slot]);
}

/* Record b at slot; XP_ENOMEM when a piece needs the full covers and they cannot be made. */
static xp_status put(checker *c, size_t slot, cover b)
{
	if (!c->cov && b.nsub == 1) {
		c->whole[slot] = (uint8_t)(b.kind + 1);
		return XP_OK;
	}
	if (!c->cov) {
		c->cov = malloc(c->slots * sizeof *c->cov);
		if (!c->cov)
			return xp_fail(c->err, XP_ENOMEM,
			               "schedule check: out of memory for %zu blocks", c->slots);
		for (size_t i = 0; i < c->slots; i++)
			c->cov[i] = whole_cover(c->whole[i]);
	}
	c->cov[slot] = b;
	return XP_OK;
}

/* microbatch, chunk and piece bounds of one op (of one half of an overlapped op) */
static xp_status check_range(checker *c, int d, size_t i, xp_op op)
{
	char t[64];
	if (op.kind > XP_OP_W)
		return xp_fail(c->err, XP_EINVAL, "device %d: op %zu has an unknown kind %u", d, i,
		               op.kind);
	if (op.mb < 0 || op.mb >= c->m)
		return xp_fail(c->err, XP_EINVAL, "device %d: %s: microbatch %d is outside 0..%d",
		               d, op_text(c, op, t, sizeof t), op.mb, c->m - 1);
	if (op.chunk >= c->chunks)
		return xp_fail(c->err, XP_EINVAL, "device %d: %s: chunk %u is outside 0..%d", d,
		               op_text(c, op, t, sizeof t), op.chunk, c->chunks - 1);
	if (op.nsub < 1 || op.lo >= op.hi || op.hi > op.nsub)
		return xp_fail(c->err, XP_EINVAL,
		               "device %d: %s is not a valid piece (needs 0 <= lo < hi <= nsub)", d,
		               op_text(c, op, t, sizeof t));
	return XP_OK;
}

/* An overlapped op: two whole blocks, F then B, of two different parts (torch's runtime runs
 * the two of one stage in turn; they are not one op). */
static xp_status check_overlap(checker *c, int d, xp_op op)
{
	char t[64];
	if (op.chunk2 >= c->chunks)
		return xp_fail(c->err, XP_EINVAL, "device %d: %s: chunk %u is outside 0..%d", d,
		               op_text(c, op, t, sizeof t), op.chunk2, c->chunks - 1);
	if (op.chunk == op.chunk2)
		return xp_fail(c->err, XP_EINVAL,
		               "device %d: %s overlaps two blocks of one part (an overlapped op "
		               "joins an F and a B of different parts of its device)",
		               d, op_text(c, op, t, sizeof t));
	return XP_OK;
}

/* W op of device d whose block's backward is a whole B, which holds its W already. */
static xp_status fail_w_of_b(checker *c, int d, xp_op op)
{
	char t[64];
	return xp_fail(c->err, XP_EINVAL,
	               "device %d: %s: the backward of its block is a whole B, which holds its W "
	               "already (a W goes with a D)",
	               d, op_text(c, op, t, sizeof t));
}

/* A W needs its block's backward to be a D (a B already holds the W): a W seen after its B here,
 * one seen before it by scan_blocks. */
static xp_status check_w(checker *c, int d, xp_op op)
{
	if (op.kind != XP_OP_W)
		return XP_OK;
	int part = xp_schedule_part(c->s, d, op.chunk);
	cover bd = get(c, block(c, part, op.mb, XP_OP_D));
	if (!bd.nsub || bd.kind == XP_OP_D)
		return XP_OK;
	return fail_w_of_b(c, d, op);
}

/* the piece must continue its block exactly where the earlier pieces stopped */
static xp_status check_piece(checker *c, int d, xp_op op)
{
	char t[64];
	int part = xp_schedule_part(c->s, d, op.chunk);
	size_t slot = block(c, part, op.mb, op.kind);
	cover b = get(c, slot);
	if (b.nsub && b.kind != op.kind)
		return xp_fail(c->err, XP_EINVAL,
		               "device %d: %s: its block's backward is already a %s (a backward is "
		               "one B, or a D and a W)",
		               d, op_text(c, op, t, sizeof t), b.kind == XP_OP_B ? "B" : "D");
	if (b.nsub && b.nsub != op.nsub)
		return xp_fail(c->err, XP_EINVAL,
		               "device %d: %s: the pieces of one block must share nsub (an earlier "
		               "piece uses /%u)",
		               d, op_text(c, op, t, sizeof t), b.nsub);
	if (b.nsub && b.done == b.nsub && op.lo == 0 && op.hi == op.nsub)
		return xp_fail(c->err, XP_EINVAL, "device %d: %s appears twice", d,
		               op_text(c, op, t, sizeof t));
	if (op.lo < b.done)
		return xp_fail(
		    c->err, XP_EINVAL,
		    "device %d: %s overlaps an earlier piece of its block (covered up to "
		    "%u)",
		    d, op_text(c, op, t, sizeof t), b.done);
	if (op.lo > b.done)
		return xp_fail(
		    c->err, XP_EINVAL,
		    "device %d: %s comes before sub-blocks [%u:%u) of its block (pieces go "
		    "in order, without gaps)",
		    d, op_text(c, op, t, sizeof t), b.done, op.lo);
	return put(c, slot, (cover){ .done = op.hi, .nsub = op.nsub, .kind = op.kind });
}

static xp_status check_op(checker *c, int d, size_t i, const xp_op *op)
{
	xp_op half[2];
	const xp_op *b = op;
	int n = 1;
	xp_status st = XP_OK;
	if (op->kind == XP_OP_O) {
		n = xp_op_halves(*op, half), b = half;
		st = check_overlap(c, d, *op);
	}
	for (int k = 0; k < n && !st; k++) {
		st = check_range(c, d, i, b[k]);
		if (!st)
			st = check_w(c, d, b[k]);
		if (!st)
			st = check_piece(c, d, b[k]);
	}
	return st;
}

/* The common case in one step: while the covers are bytes, a whole F, B, D or W in range whose
 * block is not yet seen (and a W whose backward is not a B) is recorded at once. Anything else,
 * valid or not, goes through check_op, which holds the rules and their messages. part_of holds
 * the part of each of device d's chunks. */
static int record_plain(checker *c, const int *part_of, const xp_op *op)
{
	if (c->cov || op->kind > XP_OP_W || op->nsub != 1 || op->lo != 0 || op->hi != 1 ||
	    (unsigned)op->mb >= (unsigned)c->m || op->chunk >= c->chunks)
		return 0;
	int part = part_of[op->chunk];
	size_t slot = block(c, part, op->mb, op->kind);
	if (c->whole[slot] ||
	    (op->kind == XP_OP_W && c->whole[block(c, part, op->mb, XP_OP_D)] == XP_OP_B + 1))
		return 0;
	c->whole[slot] = (uint8_t)(op->kind + 1);
	return 1;
}

static xp_status scan_ops(checker *c)
{
	int part_of[256]; /* chunks fit a byte (xp_op.chunk) */
	for (int d = 0; d < xp_schedule_devices(c->s); d++) {
		const xp_op *ops = xp_schedule_ops(c->s, d);
		size_t n = xp_schedule_len(c->s, d);
		for (int k = 0; k < c->chunks; k++)
			part_of[k] = xp_schedule_part(c->s, d, k);
		for (size_t i = 0; i < n; i++) {
			if (record_plain(c, part_of, &ops[i]))
				continue;
			xp_status st = check_op(c, d, i, &ops[i]);
			if (st)
				return st;
		}
	}
	return XP_OK;
}

/* The whole block `kind` of (part, mb), as an op of its device. */
static xp_op whole_block(const checker *c, int part, int mb, int kind)
{
	return (xp_op){ .kind = (uint8_t)kind,
		        .chunk = (uint8_t)xp_schedule_chunk_of(c->s, part),
		        .lo = 0,
		        .hi = 1,
		        .nsub = 1,
		        .mb = mb };
}

static xp_status report_gap(checker *c, int part, int mb, int kind, const cover *b)
{
	char t[64];
	int d = xp_schedule_device_of(c->s, part);
	op_text(c, whole_block(c, part, mb, kind), t, sizeof t);
	if (!b->nsub)
		return xp_fail(c->err, XP_EINVAL, "device %d: block %s of part %d is missing", d, t,
		               part);
	return xp_fail(c->err, XP_EINVAL,
	               "device %d: block %s of part %d is incomplete: sub-blocks [%u:%u) of %u are "
	               "missing",
	               d, t, part, b->done, b->nsub, b->nsub);
}

/* every block must be fully covered: F, and B or D; W when the backward is a D, and only then */
static xp_status scan_blocks(checker *c)
{
	for (int q = 0; q < c->parts; q++)
		for (int mb = 0; mb < c->m; mb++) {
			cover f = get(c, block(c, q, mb, XP_OP_F));
			cover bd = get(c, block(c, q, mb, XP_OP_D));
			cover w = get(c, block(c, q, mb, XP_OP_W));
			int back = bd.nsub ? bd.kind : w.nsub || c->split ? XP_OP_D : XP_OP_B;
			if (!f.nsub || f.done != f.nsub)
				return report_gap(c, q, mb, XP_OP_F, &f);
			if (!bd.nsub || bd.done != bd.nsub)
				return report_gap(c, q, mb, back, &bd);
			if (back == XP_OP_D && (!w.nsub || w.done != w.nsub))
				return report_gap(c, q, mb, XP_OP_W, &w);
			if (back == XP_OP_B && w.nsub)
				return fail_w_of_b(c, xp_schedule_device_of(c->s, q),
				                   whole_block(c, q, mb, XP_OP_W));
		}
	return XP_OK;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* A schedule with fewer ops than blocks (2 per part and microbatch at least) cannot cover them
 * all: name its first block without an F, found from the ops alone, rather than allocate a cover
 * per block (a header can declare 65536 devices x 255 chunks x 2^31 microbatches). When every F
 * is there, parts x m <= ops and the ordinary check below is as cheap as the ops: it goes on. */
static xp_status report_too_few(checker *c, int *every_f)
{
	size_t n = 0, total = xp_schedule_total_ops(c->s);
	size_t *have = malloc((total + 1) * sizeof *have);
	if (!have)
		return xp_fail(c->err, XP_ENOMEM, "schedule check: out of memory");
	for (int d = 0; d < xp_schedule_devices(c->s); d++) {
		const xp_op *ops = xp_schedule_ops(c->s, d);
		for (size_t i = 0; i < xp_schedule_len(c->s, d); i++)
			if ((ops[i].kind == XP_OP_F || ops[i].kind == XP_OP_O) && ops[i].mb >= 0 &&
			    ops[i].mb < c->m && ops[i].chunk < c->chunks)
				have[n++] =
				    (size_t)xp_schedule_part(c->s, d, ops[i].chunk) * (size_t)c->m +
				    (size_t)ops[i].mb;
	}
	qsort(have, n, sizeof *have, cmp_size);
	size_t want = 0;
	for (size_t i = 0; i < n && have[i] <= want; i++)
		if (have[i] == want)
			want++;
	free(have);
	*every_f = want == (size_t)c->parts * (size_t)c->m;
	if (*every_f)
		return XP_OK;
	cover none = { 0, 0, 0 };
	return report_gap(c, (int)(want / (size_t)c->m), (int)(want % (size_t)c->m), XP_OP_F,
	                  &none);
}

xp_status xp_schedule_check(const xp_schedule *s, xp_error *err)
{
	checker c = { .s = s,
		      .m = xp_schedule_microbatches(s),
		      .chunks = xp_schedule_chunks(s),
		      .parts = xp_schedule_parts(s),
		      .split = xp_schedule_split_backward(s),
		      .err = err };
	size_t n = (size_t)xp_schedule_parts(s) * (size_t)c.m * XP_SLOTS;
	int every_f = 1;
	if (xp_schedule_total_ops(s) < n / XP_SLOTS * 2) {
		xp_status st = report_too_few(&c, &every_f);
		if (st || !every_f)
			return st;
	}
	c.slots = n;
	c.whole = calloc(n, 1);
	if (!c.whole)
		return xp_fail(err, XP_ENOMEM, "schedule check: out of memory for %zu blocks", n);
	xp_status st = scan_ops(&c);
	if (!st)
		st = scan_blocks(&c);
	free(c.whole);
	free(c.cov);
	return st;
}

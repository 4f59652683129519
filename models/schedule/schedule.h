/* schedule.h: the schedule object: per-device ordered blocks, the part-to-device placement, and
 * what made it (a solver's report, the candidates of a selection). Its checks are in
 * schedule_check.h, what its blocks cost in block_cost.h, its file format in schedule_file.h;
 * the generators are in schedules/schedules.h. */
#ifndef XP_SCHEDULE_H
#define XP_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Block kinds: forward, combined backward (D+W), backward for the input, backward for the
 * weights. Each (part, microbatch) has its backward as one B, or as a D and a W; a schedule may
 * mix the two forms across blocks (DualPipeV does). XP_OP_O is not a block but an *overlapped
 * op*: a whole F (chunk, mb) and a whole B (chunk2, mb2) of the same device run as one op, as
 * torch's OVERLAP_F_B writes it (docs/model.md, "Overlapped F and B"). */
typedef enum { XP_OP_F = 0, XP_OP_B = 1, XP_OP_D = 2, XP_OP_W = 3, XP_OP_O = 4 } xp_op_kind;
enum { XP_OP_KINDS = 5 };

/* One entry of a device's order: a block, or a piece of one. The model is cut into
 * parts = devices * chunks parts in data-flow order; `chunk` is the local index of the part on
 * its device (the device's parts in increasing order are chunks 0, 1, ...). A piece covers
 * sub-blocks [lo, hi) of nsub equal sub-blocks of its block; a whole block is lo=0, hi=1, nsub=1.
 * The pieces of one block share nsub, appear on its device in increasing order, and cover
 * [0, nsub) exactly once.
 *
 * An overlapped op (XP_OP_O) is two whole blocks, so it has no piece fields: it keeps its B's
 * chunk where nsub is and its B's microbatch where lo and hi are. Read an op's piece through
 * xp_op_is_piece and xp_op_ends_block, which know this, and an overlapped op's blocks through
 * xp_op_halves. The struct is 12 bytes without padding (orders are compared bytewise): a
 * million-block schedule is 12 MB. */
typedef struct xp_op {
	uint8_t kind;  /* xp_op_kind */
	uint8_t chunk; /* local chunk index, < chunks (of the F, for XP_OP_O) */
	union {
		uint16_t nsub;   /* a block or piece */
		uint16_t chunk2; /* XP_OP_O: the B's local chunk */
	};
	union {
		struct {
			uint16_t lo, hi; /* a block or piece */
		};
		int32_t mb2; /* XP_OP_O: the B's microbatch */
	};
	int32_t mb; /* microbatch, 0 .. microbatches-1 (of the F, for XP_OP_O) */
} xp_op;

/* 1 when op is a piece of a block rather than a whole block (or an overlapped op). */
static inline int xp_op_is_piece(xp_op op)
{
	return op.kind != XP_OP_O && op.nsub > 1;
}

/* 1 when op ends its block (a whole block, an overlapped op, a block's last piece): its
 * output leaves then. */
static inline int xp_op_ends_block(xp_op op)
{
	return op.kind == XP_OP_O || op.hi == op.nsub;
}

typedef struct xp_schedule xp_schedule;

/* A new empty schedule. part_device has devices*chunks entries giving the device of every part,
 * each device holding exactly `chunks` parts; NULL means the loop placement (part c*devices+k on
 * device k), which for chunks=1 is the plain one-part-per-device pipeline. NULL on bad arguments
 * or out of memory. */
xp_schedule *xp_schedule_new(int devices, int chunks, int microbatches, const int *part_device);

/* The V ("wave") placement for 2 chunks: device k holds parts k and 2*devices-1-k. */
xp_schedule *xp_schedule_new_v(int devices, int microbatches);

void xp_schedule_free(xp_schedule *s); /* NULL is a no-op */

/* Append op to device's order. XP_ENOMEM or XP_EINVAL (device or chunk out of range). The order
 * may move in memory: a pointer from xp_schedule_ops or xp_schedule_ops_mut into this device's
 * order is invalid after the next add. */
xp_status xp_schedule_add(xp_schedule *s, int device, xp_op op);

/* Empty every device's order, keeping its room (a search loop refills it without allocating).
 * Name, placement, solver info and candidates stay. */
void xp_schedule_clear(xp_schedule *s);

/* The device's order, to reorder in place (a local search's swaps; the kinds of its ops must
 * stay); valid until the next add. */
xp_op *xp_schedule_ops_mut(xp_schedule *s, int device);

/* 1 when a and b have the same devices, chunks, microbatches and placement of parts. */
int xp_schedule_same_shape(const xp_schedule *a, const xp_schedule *b);

/* Convenience: append the whole block (kind, mb, chunk). */
xp_status xp_schedule_add_block(xp_schedule *s, int device, xp_op_kind kind, int mb, int chunk);

/* The overlapped op of a whole F (f_mb, f_chunk) and a whole B (b_mb, b_chunk). */
xp_op xp_op_overlap(int f_mb, int f_chunk, int b_mb, int b_chunk);

/* Convenience: append that overlapped op. */
xp_status xp_schedule_add_overlap(xp_schedule *s, int device, int f_mb, int f_chunk, int b_mb,
                                  int b_chunk);

/* The blocks op stands for, in the order they run: op itself (1), or for XP_OP_O its F then its
 * B (2). */
static inline int xp_op_halves(xp_op op, xp_op half[2])
{
	half[0] = op;
	if (op.kind != XP_OP_O)
		return 1;
	half[0] =
	    (xp_op){ .kind = XP_OP_F, .chunk = op.chunk, .lo = 0, .hi = 1, .nsub = 1, .mb = op.mb };
	half[1] = (xp_op){
		.kind = XP_OP_B, .chunk = op.chunk2, .lo = 0, .hi = 1, .nsub = 1, .mb = op.mb2
	};
	return 2;
}

/* 1 when the schedule has an overlapped op. */
int xp_schedule_has_overlap(const xp_schedule *s);

int xp_schedule_devices(const xp_schedule *s);
int xp_schedule_chunks(const xp_schedule *s);
int xp_schedule_microbatches(const xp_schedule *s);
int xp_schedule_parts(const xp_schedule *s); /* devices * chunks */
size_t xp_schedule_len(const xp_schedule *s, int device);
const xp_op *xp_schedule_ops(const xp_schedule *s, int device); /* valid until the next add */
size_t xp_schedule_total_ops(const xp_schedule *s);
int xp_schedule_part(const xp_schedule *s, int device, int chunk); /* model part index */
int xp_schedule_device_of(const xp_schedule *s, int part);
int xp_schedule_chunk_of(const xp_schedule *s, int part);
int xp_schedule_split_backward(const xp_schedule *s); /* 1 when it uses D/W, 0 with B */

/* The schedule's name as it appears in results ("1f1b"); set by generators and readers. */
const char *xp_schedule_name(const xp_schedule *s);
void xp_schedule_set_name(xp_schedule *s, const char *name);

/* What a solver says about the schedule it returned. `objective_ns` is that schedule's makespan
 * as the analytic engine re-times it (the solver's own time assignment may lie above it: its
 * times need not be as early as possible), `bound_ns` its proven lower bound on any schedule of
 * the same placement and memory, gap = (objective - bound) / objective. `seconds` is wall time (the
 * only field that varies between runs). */
typedef enum {
	XP_SOLVER_NONE = 0, /* not made by a solver */
	XP_SOLVER_OPTIMAL,  /* proven within the requested gap */
	XP_SOLVER_FEASIBLE, /* stopped (e.g. node limit) with a schedule, gap above the request */
	XP_SOLVER_NO_SOLUTION, /* proven infeasible, or nothing found */
	XP_SOLVER_TIMEOUT,     /* the time limit hit; the best schedule found, with its gap */
} xp_solver_status;

typedef struct xp_solver_info {
	xp_solver_status status;
	int64_t objective_ns;
	int64_t bound_ns;
	double gap;
	double seconds;
	char method[32]; /* which exact method produced it, e.g. "cbc", "z3", "bnb" */
	char note[200];  /* "" or a sentence the reader must see next to the result */
} xp_solver_info;

/* "optimal", "feasible", "no_solution", "timeout" (or "none"). */
const char *xp_solver_status_name(xp_solver_status st);

/* Attach (a copy of) info to s, or read it back: NULL when s was not made by a solver. */
void xp_schedule_set_solver(xp_schedule *s, const xp_solver_info *info);
const xp_solver_info *xp_schedule_solver(const xp_schedule *s);

/* What a selection (`auto`) timed: every candidate it built, with its analytic makespan and
 * whether it fits memory, fastest fitting first; candidate 0 is the one chosen. */
typedef struct xp_candidate {
	char name[48];
	int64_t makespan_ns;
	int fits_memory;
	int objective;    /* xp_objective it was chosen by (0: makespan) */
	int64_t score_ns; /* that objective over its samples (makespan: = makespan_ns) */
	int samples;      /* iteration times the score is over (makespan: 1) */
} xp_candidate;

/* Attach a copy of the candidates (XP_ENOMEM), or read them back (NULL, *n = 0 when s was not
 * made by a selection). */
xp_status xp_schedule_set_candidates(xp_schedule *s, const xp_candidate *c, int n);
const xp_candidate *xp_schedule_candidates(const xp_schedule *s, int *n);

/* FSDP: where each device issues the parameter all-gathers of its chunks (a torch CSV's UNSHARD
 * cells, docs/torch.md): before op `pos` of `device`'s order, chunk `chunk`'s. Without a plan
 * every chunk's all-gather starts at time 0 (engine.h); the rule with one is in
 * engine/exec.h. */
typedef struct xp_unshard {
	int32_t device, pos, chunk;
} xp_unshard;
/* Attach a copy of the plan: n entries grouped by device in increasing order, pos
 * nondecreasing within a device (XP_EINVAL otherwise, or XP_ENOMEM). n may be 0: a plan with
 * no all-gather at all. */
xp_status xp_schedule_set_unshards(xp_schedule *s, const xp_unshard *u, size_t n);
/* Device d's entries in issue order (NULL, *n = 0 without a plan). */
const xp_unshard *xp_schedule_unshards(const xp_schedule *s, int d, size_t *n);
int xp_schedule_has_unshards(const xp_schedule *s);

/* Deep copy (with its solver info, candidates and FSDP plan); NULL when out of memory. */
xp_schedule *xp_schedule_copy(const xp_schedule *s);

/* Text form of one op: F3, B0.c1, W2.c0[1:4/4], F5.c0+B2.c1 (an overlapped op: its F, '+', its
 * B). The chunk suffix is printed when the schedule has more than one chunk, the piece suffix
 * when nsub > 1. Returns the length, as snprintf. */
int xp_op_format(char *buf, size_t len, const xp_schedule *s, xp_op op);

#ifdef __cplusplus
}
#endif
#endif

/* schedule_torch_int.h: the cells of a torch CSV as the reader holds them, shared by the reader
 * (schedule_torch_read.c) and the check of its sends and receives (schedule_torch_comms.c). */
#ifndef XP_SCHEDULE_TORCH_INT_H
#define XP_SCHEDULE_TORCH_INT_H

#include "schedule/schedule_torch.h"

typedef struct xp_torch_cell {
	xp_torch_action a;
	int row, col; /* 1-based line and byte column of the cell */
	int joined;   /* 1: the F of a composite (F;B)OVERLAP_F_B whose B is the next cell */
} xp_torch_cell;

/* An UNSHARD or RESHARD cell, before the row's op `pos` (its compute cells to its left). */
typedef struct xp_torch_fsdp {
	xp_torch_cell cell;
	int pos;
} xp_torch_fsdp;

/* Every action cell of a file, row by row and left to right within a row (UNSHARD and RESHARD
 * cells apart, in fsdp, in the same order). */
typedef struct xp_torch_grid {
	xp_torch_cell *c;
	size_t n, cap;
	int rows, stages, mbs;
	int comm_cells, fsdp_cells;
	xp_torch_fsdp *fsdp;
	size_t n_fsdp, cap_fsdp;
	int cur_row, row_ops; /* while reading: the row, and its compute cells so far */
} xp_torch_grid;

/* The growing array p (room for *cap elements of size bytes, n of them used) with room for one
 * more: p itself, or p moved and doubled (`first` elements the first time); NULL when out of
 * memory, p then still valid and *cap unchanged. */
void *xp_torch_room(void *p, size_t *cap, size_t n, size_t size, size_t first);

/* xp_torch_read in one dialect. */
xp_status xp_torch_read_dialect(const char *text, size_t len, const char *name,
                                xp_torch_dialect dialect, xp_schedule **out, xp_torch_info *info,
                                xp_error *err);

/* The text of a cell's action ("3SEND_F1") in buf. */
const char *xp_torch_cell_text(char *buf, size_t n, const xp_torch_cell *c, xp_torch_dialect d);

/* The SEND/RECV cells of g against its compute cells, dev[stage] the row of every stage: each
 * send has its receive on the next (F) or previous (B) stage's rank and the other way round; a
 * send comes after the compute it sends and a receive before the compute it feeds; a file with
 * any of them has one pair for every transfer between ranks and none within a rank. XP_EINVAL
 * naming name:row:col and the cell. */
xp_status xp_torch_check_comms(const xp_torch_grid *g, const char *name, xp_torch_dialect d,
                               const int *dev, xp_error *err);

/* The FSDP plan of s from g's UNSHARD and RESHARD cells (none: s gets no plan), dev[stage] the
 * row of every stage: each UNSHARD issues its stage's all-gather before the next op of its row;
 * a stage with such cells has every compute after an UNSHARD of it with no RESHARD between; a
 * stage without them gets its all-gather at the start (in the order of first forwards), as
 * without a plan. XP_EINVAL naming name:row:col and the cell; XP_ENOMEM. */
xp_status xp_torch_fsdp_plan(const xp_torch_grid *g, const char *name, xp_torch_dialect d,
                             const int *dev, xp_schedule *s, xp_error *err);

#endif

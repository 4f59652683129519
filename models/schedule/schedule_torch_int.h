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

/* Every action cell of a file, row by row and left to right within a row. */
typedef struct xp_torch_grid {
	xp_torch_cell *c;
	size_t n, cap;
	int rows, stages, mbs;
	int comm_cells, fsdp_cells;
} xp_torch_grid;

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

#endif

/* schedule_torch.h: the action cells of torch.distributed.pipelining schedule CSVs
 * (`[stage][type][microbatch]`, e.g. `2F0`, `1UNSHARD`, `3SEND_F1`), read in full. */
#ifndef XP_SCHEDULE_TORCH_H
#define XP_SCHEDULE_TORCH_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Action types. F forward; I backward for the input; W backward for the weights; B the whole
 * backward; the others carry no compute. */
typedef enum {
	XP_TORCH_F = 0,
	XP_TORCH_I,
	XP_TORCH_W,
	XP_TORCH_B,
	XP_TORCH_UNSHARD,
	XP_TORCH_RESHARD,
	XP_TORCH_REDUCE_GRAD,
	XP_TORCH_SEND_F,
	XP_TORCH_RECV_F,
	XP_TORCH_SEND_B,
	XP_TORCH_RECV_B,
	XP_TORCH_TYPE_COUNT
} xp_torch_type;

/* Current: B is the whole backward and I the backward for the input. Legacy (files written
 * before torch renamed the types): B is the backward for the input and BW the whole backward. */
typedef enum { XP_TORCH_DIALECT_CURRENT = 0, XP_TORCH_DIALECT_LEGACY = 1 } xp_torch_dialect;

/* How a file's dialect is chosen: the current one; the legacy one only when the current one
 * cannot read the file; a file that both read is refused (it says which to name). */
#define XP_TORCH_DIALECT_AUTO 2

typedef struct xp_torch_action {
	int stage; /* global virtual stage */
	int type;  /* xp_torch_type */
	int mb;    /* microbatch, -1 when the cell has none */
} xp_torch_action;

/* Read one cell of len bytes. Surrounding spaces and tabs are ignored. Returns 1 for an action
 * (filled into out[0]), 0 for a blank cell (an idle slot), 2 for a composite `(a;b)OVERLAP_F_B`
 * of two actions (filled into out[0] and out[1]: out has room for two), -1 when the whole cell
 * is not one action of the dialect (no prefix matches: `2BW0` is not a current-dialect
 * action). */
int xp_torch_parse_cell(const char *cell, size_t len, xp_torch_dialect dialect,
                        xp_torch_action out[2]);

#include "base/status.h"
#include "schedule/schedule.h"

/* What a read found besides the compute: the dialect it was read in, the SEND/RECV cells that
 * were checked and dropped (the engines time every transfer from the data it carries), the
 * UNSHARD, RESHARD and REDUCE_GRAD cells (fsdp_cells), of which unshard_cells UNSHARD and
 * RESHARD cells became the schedule's FSDP plan (xp_schedule_unshards; it times the
 * all-gathers only with dp > 1) and the REDUCE_GRAD ones were dropped. */
typedef struct xp_torch_info {
	int dialect; /* xp_torch_dialect */
	int comm_cells;
	int fsdp_cells;
	int unshard_cells;
} xp_torch_info;

/* Read a compute_only torch CSV (one row per rank, one cell per time step, blank cells idle)
 * into a schedule: the stage number is the model part, the row the device; the placement comes
 * from the rows (each stage on one rank, the same number of stages on every rank). Checks as
 * torch's _validate_schedule does, strictly: every stage has exactly m forwards and one
 * backward per microbatch (B, or I and W) after its forward, W after I. Errors (XP_EINVAL) name
 * name:row:column and the cell. The schedule is named `name`. A compute_comms file
 * (SEND_F/RECV_F/SEND_B/RECV_B cells) is read too: its sends and receives must pair up, each on the
 * rank of its stage, a send after the compute it sends and a receive before the compute it feeds,
 * one for every transfer between ranks; then they are dropped. UNSHARD and RESHARD cells become
 * the FSDP plan (xp_torch_fsdp_plan's checks, errors with name:row:col); a REDUCE_GRAD must come
 * once per stage, right after the compute that ends its stage's last B or W (where the engines
 * start the reduce-scatter), and is then dropped. A composite `(F;B)OVERLAP_F_B` (a forward and a
 * whole backward of two stages of its rank) becomes one overlapped op. dialect is an
 * xp_torch_dialect or XP_TORCH_DIALECT_AUTO; info (may be NULL) is filled. */
xp_status xp_torch_read(const char *text, size_t len, const char *name, int dialect,
                        xp_schedule **out, xp_torch_info *info, xp_error *err);

/* 1 when the first non-blank line of text is a row of torch action cells (blanks allowed, at
 * least one action) in either dialect, or its first cell starts with a digit or '(' (which no
 * crosspipe schedule file does): how a schedule file is recognised as a torch CSV. */
int xp_torch_looks_like(const char *text, size_t len);

/* xp_torch_read on a file's text; the schedule is named after the file (its base name without
 * the extension). */
xp_status xp_torch_load_text(const char *text, size_t len, const char *path, int dialect,
                             xp_schedule **out, xp_torch_info *info, xp_error *err);

/* The two forms of a torch CSV: compute actions only, or with the sends and receives. */
typedef enum { XP_TORCH_COMPUTE_ONLY = 0, XP_TORCH_COMPUTE_COMMS = 1 } xp_torch_form;

/* Write s as a torch CSV that torch's _load_csv reads: one row per device, one cell per op (an
 * overlapped op as `(F;B)OVERLAP_F_B`), no blank cells, `\r\n` line ends as Python's csv.writer
 * writes them. Stage = model part.
 * compute_comms adds SEND/RECV cells where torch's _add_send_recv puts them (docs/torch.md).
 * XP_EINVAL (err names the blocks) when s has split pieces: torch has no sub-blocks. */
xp_status xp_torch_write(const xp_schedule *s, xp_torch_form form, FILE *f, xp_error *err);

/* The type's name in the dialect ("F", "I", "SEND_F"...). */
const char *xp_torch_type_name(xp_torch_type type, xp_torch_dialect dialect);

#ifdef __cplusplus
}
#endif

#endif

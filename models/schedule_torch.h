/* schedule_torch.h: the action cells of torch.distributed.pipelining schedule CSVs
 * (`[stage][type][microbatch]`, e.g. `2F0`, `1UNSHARD`, `3SEND_F1`), read in full. */
#ifndef XP_SCHEDULE_TORCH_H
#define XP_SCHEDULE_TORCH_H

#include <stddef.h>

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

typedef struct xp_torch_action {
	int stage; /* global virtual stage */
	int type;  /* xp_torch_type */
	int mb;    /* microbatch, -1 when the cell has none */
} xp_torch_action;

/* Read one cell of len bytes. Surrounding spaces and tabs are ignored. Returns 1 for an action
 * (filled into *out), 0 for a blank cell (an idle slot), -1 when the whole cell is not one
 * action of the dialect (no prefix matches: `2BW0` is not a current-dialect action). */
int xp_torch_parse_cell(const char *cell, size_t len, xp_torch_dialect dialect,
                        xp_torch_action *out);

/* The type's name in the dialect ("F", "I", "SEND_F"...). */
const char *xp_torch_type_name(xp_torch_type type, xp_torch_dialect dialect);

#ifdef __cplusplus
}
#endif

#endif

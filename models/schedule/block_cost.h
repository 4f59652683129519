/* block_cost.h: what a block of a schedule costs under a scenario: compute time and memory. */
#ifndef XP_BLOCK_COST_H
#define XP_BLOCK_COST_H

#include <stdint.h>

#include "scenario/scenario.h"
#include "schedule/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Memory effect of op on its device, in bytes: `rise` when it starts (F), `fall` (>= 0, released)
 * when it ends (B, D, W). M_F of a chunk is activation_bytes[stage]/chunks; W releases
 * weight_release of it and D the rest; B releases all of it. Pieces take their share, rounded so
 * that the pieces of a block add up to the block exactly. An overlapped op (XP_OP_O) rises by
 * its F's M_F at its start and falls by its B's M_F at its end. */
void xp_op_memory(const xp_params *pr, const xp_schedule *s, int device, xp_op op, int64_t *rise,
                  int64_t *fall);

/* Compute time of op on its device: the stage's block time / chunks, times the piece share; for
 * an overlapped op model.overlap_f_b x (T_F + T_B) of its two whole blocks, rounded to the
 * nearest ns, and never less than the longer of the two (one device cannot finish both before
 * either alone). */
int64_t xp_op_duration_ns(const xp_params *pr, const xp_schedule *s, int device, xp_op op);

/* The activation memory device d holds as its order runs, the one walk behind the peak: with
 * held (2 x its op count entries, or NULL), held[2k] is what it holds once op k has started (its
 * rise added) and held[2k+1] once op k has ended (its fall released). Returns d's peak. */
int64_t xp_device_memory(const xp_params *pr, const xp_schedule *s, int d, int64_t *held);

/* Peak activation memory of each device when its order runs (memory rises at an F's start and
 * falls at a D/W/B's end, so the order alone fixes the peak). peak has `devices` entries. */
void xp_schedule_peak_memory(const xp_params *pr, const xp_schedule *s, int64_t *peak);

#ifdef __cplusplus
}
#endif
#endif

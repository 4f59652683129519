/* schedule_file.h: the schedule text file format (docs/schedules.md). */
#ifndef XP_SCHEDULE_FILE_H
#define XP_SCHEDULE_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "base/status.h"
#include "schedule/schedule.h"
#include "schedule/schedule_torch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schedule file format (see README "Schedule files"):
 *   # comment
 *   crosspipe-schedule 1
 *   name my-order
 *   devices 4
 *   chunks 2
 *   microbatches 8
 *   placement 0 1 2 3 3 2 1 0      (device of every part; optional, default loop)
 *   device 0: F0.c0 F1.c0 ... W7.c0[3:4/4]
 *   ...
 * Reading checks the syntax (errors say name:line:column) and then xp_schedule_check. */
xp_status xp_schedule_write(const xp_schedule *s, FILE *f);
xp_status xp_schedule_read(const char *text, size_t len, const char *name, xp_schedule **out,
                           xp_error *err);
xp_status xp_schedule_load(const char *path, xp_schedule **out, xp_error *err);

/* xp_schedule_load with the dialect a torch CSV is read in (an xp_torch_dialect or
 * XP_TORCH_DIALECT_AUTO, which xp_schedule_load uses); info (may be NULL) gets what the torch
 * reader found, dialect -1 when the file is a crosspipe schedule file. */
xp_status xp_schedule_load_as(const char *path, int torch_dialect, xp_schedule **out,
                              xp_torch_info *info, xp_error *err);

#ifdef __cplusplus
}
#endif
#endif

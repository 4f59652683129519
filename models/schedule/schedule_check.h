/* schedule_check.h: is a schedule complete and well placed. */
#ifndef XP_SCHEDULE_CHECK_H
#define XP_SCHEDULE_CHECK_H

#include "schedule/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Check that every block (F, and B or D and W, of every part and microbatch; B and D/W may mix
 * across blocks) appears exactly once (pieces covering it exactly), on the device that holds its
 * part, with pieces in order; an overlapped op is a whole F and a whole B of two parts of its
 * device.
 * XP_EINVAL naming the first offending block and device. Cyclic waits are found by the engines. */
xp_status xp_schedule_check(const xp_schedule *s, xp_error *err);

#ifdef __cplusplus
}
#endif
#endif

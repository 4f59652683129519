/* crosspipe.h: the umbrella header of libcrosspipe (scenario -> schedule -> engine -> report). */
#ifndef XP_CROSSPIPE_H
#define XP_CROSSPIPE_H

#include "base/status.h"
#include "base/units.h"
#include "engine/engine.h"
#include "output/output.h"
#include "output/result.h"
#include "scenario/scenario.h"
#include "schedule/block_cost.h"
#include "schedule/schedule.h"
#include "schedule/schedule_check.h"
#include "schedule/schedule_file.h"
#include "schedules/schedules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version the library was built from (`git describe`, or the release number). */
const char *xp_version(void);

#ifdef __cplusplus
}
#endif
#endif

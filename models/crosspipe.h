/* crosspipe.h: the umbrella header of libcrosspipe (scenario -> schedule -> engine -> report). */
#ifndef XP_CROSSPIPE_H
#define XP_CROSSPIPE_H

#include "engine.h"
#include "report.h"
#include "result.h"
#include "scenario.h"
#include "schedule.h"
#include "status.h"
#include "units.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version the library was built from (`git describe`, or the release number). */
const char *xp_version(void);

#ifdef __cplusplus
}
#endif
#endif

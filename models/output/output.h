/* report.h: writers of results: a readable table, JSON, CSV, a Chrome trace and an SVG Gantt.
 *
 * Every writer takes the results of one scenario (one per schedule, in run order) and writes to a
 * FILE the caller owns; the caller buffers and commits the output only when everything succeeded.
 * Machine formats (JSON, CSV, trace) use fixed precision and the field names in the README. */
#ifndef XP_REPORT_H
#define XP_REPORT_H

#include <stdio.h>

#include "base/status.h"
#include "output/result.h"
#include "scenario/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One column-aligned line per result: schedule, engine, makespan, time per microbatch, tokens/s,
 * mean/max bubble, peak memory (max over devices) against the limit, fits, WAN queueing. */
xp_status xp_write_table(FILE *f, const xp_scenario *sc, xp_result *const *res, int n);

/* {"crosspipe": version, "scenario": {resolved values}, "results": [ ... ]} */
xp_status xp_write_json(FILE *f, const xp_scenario *sc, xp_result *const *res, int n);

/* A header line, then one row per result. */
xp_status xp_write_csv(FILE *f, const xp_scenario *sc, xp_result *const *res, int n);

/* Chrome trace-event JSON: per result one process; a thread per device and per DC-crossing
 * directed link (plus DP collectives per device). Opens in Perfetto and chrome://tracing. */
xp_status xp_write_trace(FILE *f, const xp_scenario *sc, xp_result *const *res, int n);

/* `run --timeline`: a header line, then per result (in run order) one row per op (device by
 * device, each in its order), per transfer (by start, src, dst, part, mb) and per DP collective
 * (by start, device, chunk) with their times in ns (docs/outputs.md). */
xp_status xp_write_timeline(FILE *f, const xp_scenario *sc, xp_result *const *res, int n);

/* SVG: per result one panel of device rows (F/B/D/W in distinct colours, microbatch numbers),
 * rows for DC-crossing links with their transfers, and the makespan marked. */
xp_status xp_write_gantt(FILE *f, const xp_scenario *sc, xp_result *const *res, int n);

#ifdef __cplusplus
}
#endif
#endif

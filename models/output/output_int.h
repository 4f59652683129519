/* output_int.h: helpers shared by the result writers (JSON emitter, escaping, timeline walks). */
#ifndef XP_OUTPUT_INT_H
#define XP_OUTPUT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "base/status.h"
#include "output/result.h"
#include "scenario/scenario.h"
#include "schedule/schedule.h"

#include "base/json.h"

/* ---- text helpers (common.c) ---- */

/* s with & < > " ' replaced by XML entities (SVG text and attributes). */
void xp_out_xml_text(FILE *f, const char *s);
/* s as a CSV field: quoted (quotes doubled) when it holds a comma, quote, CR or LF. */
void xp_out_csv_field(FILE *f, const char *s);
/* Nanoseconds as microseconds with three decimals, exactly: 1234567 -> "1234.567". */
char *xp_out_us(char *buf, size_t len, int64_t ns);

/* XP_EIO when anything written to f failed (flushes first), else XP_OK. */
xp_status xp_out_status(FILE *f);

/* ---- timeline helpers (common.c) ---- */

/* Start of the iteration: the earliest op or collective start (the makespan's origin). */
int64_t xp_out_origin(const xp_result *r);

/* The DC of a device; 0 when the scenario has no placement. */
int xp_out_dc(const xp_params *pr, int device);

/* Mean and largest entry of a per-device array. */
double xp_out_mean(const double *v, int n);
double xp_out_max(const double *v, int n);
int64_t xp_out_max_i64(const int64_t *v, int n);
int64_t xp_out_min_i64(const int64_t *v, int n);

/* Op k of device d of the result's schedule, and its model part. */
xp_op xp_out_op(const xp_result *r, int d, size_t k);

/* The label of the block a transfer carries ("F3", "D2.c1"), as xp_op_format. */
int xp_out_transfer_label(char *buf, size_t len, const xp_result *r, const xp_transfer *t);

/* The distinct directed DC-crossing links (src, dst) used by a result's transfers, sorted by src,
 * then dst. *out is malloc'd (free it; NULL when there are none); XP_ENOMEM on failure. */
typedef struct xp_out_link {
	int src, dst;
} xp_out_link;
xp_status xp_out_links(const xp_result *r, xp_out_link **out, int *n);
/* The same over every transfer (inside a DC too) when wan_only is 0. */
xp_status xp_out_links_of(const xp_result *r, int wan_only, xp_out_link **out, int *n);
/* Index of (src, dst) in links, or -1. */
int xp_out_link_index(const xp_out_link *links, int n, int src, int dst);

/* The keys of the JSON scenario echo written only when the scenario sets them (json_scenario.c):
 * global_batch, dc_gpus, gpus_per_node, intra_node, dc_pairs, inter_dc_over_time, stragglers,
 * iterations, replan, switch_cost_ns. */
void xp_out_json_scenario_extras(xp_json *j, const xp_params *pr);

/* Index of the result that is fastest among those that fit memory, or -1 when none fits. */
int xp_out_fastest_fitting(xp_result *const *res, int n);

#endif

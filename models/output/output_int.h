/* output_int.h: helpers shared by the result writers (JSON emitter, escaping, timeline walks). */
#ifndef XP_OUTPUT_INT_H
#define XP_OUTPUT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "result.h"
#include "scenario.h"
#include "schedule.h"
#include "status.h"

/* ---- JSON emitter (json_out.c) ----
 * Keeps track of commas and indentation. Containers opened "multi-line" put each item on its own
 * indented line; containers opened "one-line" (and everything inside them) stay on one line.
 * Every value function takes a key, which must be NULL inside arrays and non-NULL inside objects.
 * Doubles are written with %.6f (fixed six decimals); NaN and infinities become null. */
#define XP_JSON_DEPTH 16

typedef struct xp_json {
	FILE *f;
	int depth;
	int oneline_from; /* depth of the outermost one-line container, or XP_JSON_DEPTH */
	char close[XP_JSON_DEPTH];
	unsigned char empty[XP_JSON_DEPTH];
} xp_json;

void xp_json_init(xp_json *j, FILE *f);
void xp_json_object(xp_json *j, const char *key, int oneline);
void xp_json_array(xp_json *j, const char *key, int oneline);
void xp_json_end(xp_json *j); /* closes the innermost container; a newline after the last one */
void xp_json_int(xp_json *j, const char *key, int64_t v);
void xp_json_num(xp_json *j, const char *key, double v);
void xp_json_str(xp_json *j, const char *key, const char *s);
void xp_json_bool(xp_json *j, const char *key, int v);
void xp_json_null(xp_json *j, const char *key);
void xp_json_raw(xp_json *j, const char *key, const char *literal); /* a preformatted value */
/* A one-line array of n integers; with unlimited_null, INT64_MAX entries become null. */
void xp_json_ints(xp_json *j, const char *key, const int64_t *v, int n, int unlimited_null);
void xp_json_int32s(xp_json *j, const char *key, const int *v, int n);
void xp_json_nums(xp_json *j, const char *key, const double *v, int n);

/* ---- text helpers (common.c) ---- */

/* s as a JSON string literal, quotes included. */
void xp_out_json_string(FILE *f, const char *s);
/* s with & < > " ' replaced by XML entities (SVG text and attributes). */
void xp_out_xml_text(FILE *f, const char *s);
/* s as a CSV field: quoted (quotes doubled) when it holds a comma, quote, CR or LF. */
void xp_out_csv_field(FILE *f, const char *s);
/* A double in the machine formats' fixed precision (%.6f; -0 printed as 0). */
void xp_out_double(FILE *f, double v);
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
/* Index of (src, dst) in links, or -1. */
int xp_out_link_index(const xp_out_link *links, int n, int src, int dst);

/* Index of the result that is fastest among those that fit memory, or -1 when none fits. */
int xp_out_fastest_fitting(xp_result *const *res, int n);

#endif

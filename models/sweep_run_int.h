/* sweep_run_int.h: the sweep runner's result files and manifest (private to models/). */
#ifndef XP_SWEEP_RUN_INT_H
#define XP_SWEEP_RUN_INT_H

#include "sweep.h"

/* The two result files, open for appending whole rows. */
typedef struct xp_rows {
	int csv, json;
} xp_rows;

/* Open DIR/STEM.csv and .jsonl. Without resume they must not exist yet. With resume, the rows of
 * tasks that finished ok in both files are kept (done[t] = 1, *kept counted), everything else
 * (failed tasks, a torn last line, a row in one file only) is dropped, to be run again. */
xp_status xp_rows_open(const xp_sweep *s, const xp_sweep_opts *o, char *done, int *kept,
                       xp_rows *rows, xp_error *err);

/* Append one task's rows, each with a single write. -1 on an I/O error. */
int xp_rows_append(xp_rows *rows, const char *csv, const char *json);
void xp_rows_close(xp_rows *rows);

/* Write DIR/manifest.json (through a temporary file): version, sweep file and hash, command
 * line, host, start and end times (end NULL while running), the summary. */
xp_status xp_manifest_write(const xp_sweep *s, const xp_sweep_opts *o, const char *start,
                            const char *end, const xp_sweep_summary *sum, xp_error *err);

/* write(2) until all of buf is written; -1 on an error. */
int xp_sw_write_all(int fd, const void *buf, size_t len);

/* A whole file in memory (malloc'd), or NULL when it cannot be read. */
char *xp_sw_slurp(const char *path, size_t *len);

/* "2026-11-24T21:36:58Z" */
void xp_utc_now(char *buf, size_t len);

#endif

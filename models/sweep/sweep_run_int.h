/* sweep_run_int.h: the sweep runner's result files, the check of the rows already in them, the
 * folder's lock and the manifest (private to models/). */
#ifndef XP_SWEEP_RUN_INT_H
#define XP_SWEEP_RUN_INT_H

#include "sweep/sweep.h"

/* ---- sweep_index.c: rows already written, checked ---- */

enum { XP_ROW_NONE, XP_ROW_OK, XP_ROW_FAILED };

typedef struct xp_row_index {
	int tasks;
	const char **csv, **json; /* per task: its checked line (in the caller's text), or NULL */
	char **expect;            /* per task: the JSON line its CSV row gives (internal) */
	char *status;             /* per task: XP_ROW_* of a checked pair of lines */
	int n_stale;              /* tasks whose rows' key is not theirs (another sweep's rows) */
	char *stale_seen;         /* per task: counted in n_stale */
	char *stale;              /* the three lowest such tasks described, one per line, or NULL */
	int stale_task[3]; /* those tasks, in increasing order (n_stale of them, at most 3) */
	char stale_line[3][400];
} xp_row_index;

xp_status xp_rix_init(xp_row_index *ix, int tasks);
/* Check the rows of one pair of files (csv holds its header line, already checked). A task gets
 * the first CSV row that is exactly what this sweep writes for it with the values the row holds
 * and whose JSON line, exactly what those values give, is present too. XP_ENOMEM. */
xp_status xp_rix_add(xp_row_index *ix, const xp_sweep *s, const char *csv, size_t lc,
                     const char *json, size_t lj);
void xp_rix_free(xp_row_index *ix);

/* ---- sweep_manifest.c ---- */

/* One run of a sweep into a folder (the first, then every resume). */
typedef struct xp_sweep_run_record {
	char *start, *end, *command, *host; /* end NULL: still running, or interrupted */
	int jobs, ran, kept, ok, failed;
} xp_sweep_run_record;

/* What an existing manifest.json says. */
typedef struct xp_sweep_history {
	char *sweep_hash, *base_hash; /* NULL when absent */
	xp_sweep_run_record *runs;
	int n_runs;
	int interrupted; /* its last run has end: null */
} xp_sweep_history;

/* Read DIR/manifest.json when there is one (a missing or unreadable one gives an empty
 * history). XP_ENOMEM only. */
xp_status xp_manifest_read(const char *dir, xp_sweep_history *h);
void xp_history_free(xp_sweep_history *h);

/* Write DIR/manifest.json (through a temporary file): version, sweep file and hash, base and
 * hash, the first run's command, host and start, the last end (null while running), counts,
 * and `runs`: the earlier runs of h (may be NULL), then `now`. */
xp_status xp_manifest_write(const xp_sweep *s, const xp_sweep_opts *o, const xp_sweep_history *h,
                            const xp_sweep_run_record *now, const xp_sweep_summary *sum,
                            xp_error *err);

/* "2026-11-24T21:36:58Z" */
void xp_utc_now(char *buf, size_t len);

/* ---- sweep_files.c ---- */

/* The two result files, open for appending whole rows. */
typedef struct xp_rows {
	int csv, json;
} xp_rows;

/* Lock the output folder (DIR itself for results, DIR/STEM.lock for a shard's part) so that
 * no other sweep writes it at the same time: the open descriptor, or -1 with XP_EINVAL when
 * another process holds it (or XP_EIO). */
int xp_sweep_lock(const xp_sweep_opts *o, xp_error *err);

/* Open DIR/STEM.csv and .jsonl. Without resume they must not exist yet. With resume, the rows of
 * tasks whose rows check (see xp_rix_add) with status ok are kept (done[t] = 1, *kept counted);
 * everything else is dropped, to be run again. Rows of other points (the sweep file or the base
 * scenario changed) are refused with XP_EINVAL and nothing is changed. */
xp_status xp_rows_open(const xp_sweep *s, const xp_sweep_opts *o, const xp_sweep_history *h,
                       char *done, int *kept, xp_rows *rows, xp_error *err);

/* Append one task's rows, each with a single write. -1 on an I/O error (errno set). */
int xp_rows_append(xp_rows *rows, const char *csv, const char *json);
void xp_rows_close(xp_rows *rows);

/* The largest result file read back (base/io.h's reader with this cap): the result files grow
 * with the number of points, far past a scenario's 64 MiB. */
#define XP_SWEEP_MAX_RESULT_BYTES ((size_t)1 << 40)

/* The refusal when ix holds stale rows: what changed (from the hashes in h) and what to do. */
xp_status xp_sweep_refuse(const xp_sweep *s, const char *dir, const xp_row_index *ix,
                          const xp_sweep_history *h, xp_error *err);

#endif

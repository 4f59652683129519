/* sweep.h: parameter sweeps: a sweep file expanded into points and tasks, and the runner that
 * runs the tasks in parallel worker processes, appending one row per task as it finishes. */
#ifndef XP_SWEEP_H
#define XP_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "base/status.h"
#include "scenario/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xp_sweep xp_sweep;

/* Read a sweep file (see README "Sweeps"): the base scenario (a path relative to the sweep file,
 * or an inline mapping), `set` overrides, `axes` (lists, linear or log ranges, groups of paired
 * values), `mode` (product or zip), `schedules`, `engines`, `seeds`. Then every point is resolved
 * and checked: an error names the point, its axis values and the key. XP_EINVAL on any error,
 * with "file:line:column: key: ..." for the sweep file's own syntax. */
xp_status xp_sweep_load(const char *path, xp_sweep **out, xp_error *err);
void xp_sweep_free(xp_sweep *s); /* NULL is a no-op */

int xp_sweep_points(const xp_sweep *s);
int xp_sweep_tasks(const xp_sweep *s); /* points x seeds x schedules x engines */

/* The scenario keys the axes set (a group of paired values contributes each of its keys), in
 * file order; and point p's value of each, as written in the override. */
int xp_sweep_keys(const xp_sweep *s, const char *const **keys);
const char *const *xp_sweep_values(const xp_sweep *s, int point);

/* What task t runs. Tasks are numbered point-major: seed, then schedule, then engine vary fastest
 * in that order. */
typedef struct xp_task {
	int task, point;
	uint64_t seed;
	const char *schedule, *engine;
} xp_task;
xp_task xp_sweep_task(const xp_sweep *s, int t);

/* The scenario of point p with seed (base + set + axis values + seed). */
xp_status xp_sweep_scenario(const xp_sweep *s, int point, uint64_t seed, xp_scenario **out,
                            xp_error *err);

/* The sweep file's path and a 64-bit FNV-1a hash of its bytes (hex, 16 digits); the base
 * scenario's path and the hash of its bytes. */
const char *xp_sweep_path(const xp_sweep *s);
const char *xp_sweep_hash(const xp_sweep *s);
const char *xp_sweep_base(const xp_sweep *s);
const char *xp_sweep_base_hash(const xp_sweep *s);

/* Task t's key: a 64-bit FNV-1a hash (16 hex digits and a NUL into key) of everything that
 * decides its result: the base scenario's bytes, the sweep's overrides (an inline base, `set`),
 * the point's axis values, the seed, the schedule and the engine. Every row carries it. */
void xp_sweep_task_key(const xp_sweep *s, int t, char key[17]);

/* A warning about the sweep for stderr (a seeds list where nothing uses the seed), or NULL. */
const char *xp_sweep_warning(const xp_sweep *s);

/* One task run in this process: the CSV and JSON lines of its row (each ending in '\n',
 * malloc'd; free both). The row has status "error" and the message when the task failed; the
 * function itself fails only when out of memory. */
xp_status xp_sweep_run_task(const xp_sweep *s, int t, char **csv, char **json);

/* The CSV header line (malloc'd, ends in '\n'). */
char *xp_sweep_csv_header(const xp_sweep *s);

/* ---- the runner ---- */

typedef struct xp_sweep_opts {
	int jobs;                /* worker processes (>= 1) */
	const char *dir;         /* output folder (created if missing) */
	const char *stem;        /* "results", or "parts/part-3" for a Slurm shard */
	int resume;              /* keep finished rows, re-run the rest (and the failed ones) */
	int shard, n_shards;     /* run only tasks t with t % n_shards == shard (n_shards 1: all) */
	const char *command;     /* the command line, for the manifest (NULL: no manifest) */
	int64_t task_timeout_ns; /* a task running longer is killed: a "timeout" row (0: none) */
} xp_sweep_opts;

typedef struct xp_sweep_summary {
	int tasks;   /* tasks this run was responsible for */
	int skipped; /* already finished (resume) */
	int ok, failed;
} xp_sweep_summary;

/* Run the tasks in opts->jobs forked workers; rows are appended whole to DIR/STEM.csv and
 * DIR/STEM.jsonl as tasks finish; progress goes to stderr. The folder is locked for the run
 * (XP_EINVAL when another sweep holds it). Without resume, existing result files are an error
 * (nothing is overwritten). With resume, a task's rows are kept when its CSV row and JSON line
 * are both exactly what this sweep writes for the task with the values they hold, status ok;
 * everything else runs again; rows whose key is not their task's (an edited sweep file or base
 * scenario) are refused with XP_EINVAL, and nothing is changed. A task that fails gets an error
 * row (status timeout past opts->task_timeout_ns) and the others go on. XP_OK when the run
 * completed (check summary->failed); an error for I/O trouble. */
xp_status xp_sweep_run(const xp_sweep *s, const xp_sweep_opts *opts, xp_sweep_summary *sum,
                       xp_error *err);

/* ---- Slurm parts ---- */

/* What a Slurm run's parts hold (DIR/parts/part-<i>.csv and .jsonl for i < n_shards). */
typedef struct xp_collect_report {
	int tasks, ok, failed, missing;
	char *bad_shard; /* n_shards flags: the shard has a missing or failed task (free it) */
	int n_bad_shards;
	int first_missing, first_failed; /* task ids, or -1 */
} xp_collect_report;

/* Read every part; with `merge`, write DIR/results.csv and .jsonl holding every row found, in
 * task order, and DIR/manifest.json (with `command`). XP_OK when the parts could be read (check
 * the report). */
xp_status xp_sweep_collect(const xp_sweep *s, const char *dir, int n_shards, int merge,
                           const char *command, xp_collect_report *rep, xp_error *err);

/* ---- reading a finished run's rows back (crosspipe plan --jobs) ---- */

typedef enum {
	XP_SWEEP_ROW_MISSING = 0, /* no row that checks */
	XP_SWEEP_ROW_OK,          /* status ok: makespan_ns and fits_memory hold its figures */
	XP_SWEEP_ROW_ERROR, /* status error from the task itself (it failed to build or run) */
	XP_SWEEP_ROW_LOST,  /* timeout, or its worker died: the task has no answer */
} xp_sweep_row_state;

typedef struct xp_sweep_result {
	xp_sweep_row_state state;
	int64_t makespan_ns;
	int fits_memory;
} xp_sweep_result;

/* The rows of DIR/results.csv and .jsonl, checked as --resume checks them, per task into
 * out[xp_sweep_tasks(s)]. Rows of other points are refused with XP_EINVAL (as --resume);
 * XP_EIO when the files cannot be read. */
xp_status xp_sweep_results(const xp_sweep *s, const char *dir, xp_sweep_result *out, xp_error *err);

#ifdef __cplusplus
}
#endif
#endif

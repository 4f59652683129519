/* sweep_int.h: the sweep object's insides, shared by sweep*.c (private to models/). */
#ifndef XP_SWEEP_INT_H
#define XP_SWEEP_INT_H

#include "scenario/scenario_int.h"
#include "sweep/sweep.h"

struct xp_sweep {
	char *path;
	char hash[17];
	char *base_name; /* the base scenario's path (or "<sweep> (base)" when inline) */
	char *base_text; /* its YAML ("" when inline) */
	size_t base_len;
	char **over; /* overrides for every point: the inline base, then `set` */
	int n_over;
	char **keys; /* axis columns: scenario keys */
	int n_keys;
	char **values; /* n_points * n_keys override values, point-major */
	int n_points;
	char **schedules; /* NULL: the base scenario's list (filled at load) */
	int n_schedules;
	char **engines;
	int n_engines;
	uint64_t *seeds;
	int n_seeds;
	char base_hash[17]; /* FNV-1a 64 of base_text */
	uint64_t key_state; /* FNV-1a state after the base text and every `over` */
	int n_base_over;    /* how many of `over` come from an inline base (the rest: `set`) */
	char *warning;      /* a warning for stderr, or NULL */
};

/* One row of a sweep's result files, as both forms hold it. */
typedef struct xp_sweep_row {
	const char *status; /* ok, error, timeout */
	int metrics;        /* the run's figures are present (status ok) */
	int64_t makespan_ns, time_per_microbatch_ns, peak_memory_max_bytes;
	double tokens_per_s, bubble_mean, bubble_max, solver_gap, wall_s;
	int fits_memory;
	const char *solver_status; /* "" when no solver made the schedule */
	int robust;                /* robustness was run: the two robust_* are present */
	int64_t robust_mean_ns, robust_p95_ns;
	int iters; /* several iterations were run: the three iter_* are present */
	int64_t iter_mean_ns, iter_p95_ns, iter_max_ns;
	const char *message;
} xp_sweep_row;

/* The FNV-1a 64 step over len bytes. */
uint64_t xp_sweep_fnv(uint64_t h, const void *bytes, size_t len);

/* sweep.c */
/* XP_EINVAL with "sweep-file:line:column: key: what" (n NULL: line 1). */
xp_status xp_sweep_fail(const xp_sweep *s, const xp_node *n, const char *key, xp_error *err,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int xp_sweep_push(void **arr, int *n, size_t size, const void *item);
const xp_node *xp_sweep_get(const xp_node *map, const char *key);
char *xp_sweep_text(const xp_node *n);
xp_status xp_sweep_flatten(xp_sweep *s, const xp_node *map, const char *prefix, xp_error *err);

/* sweep_row.c: task t's row in both forms (malloc'd, each ending in '\n'); XP_ENOMEM. */
xp_status xp_sweep_render(const xp_sweep *s, int t, const xp_sweep_row *w, char **csv, char **json);
/* The rows of a task that did not finish: status "error" or "timeout", and the message. */
xp_status xp_sweep_failed_row(const xp_sweep *s, int t, const char *status, const char *msg,
                              double wall, char **csv, char **json);

/* sweep_check.c: `set` keys and axis keys that override each other (the same key twice, a key
 * and a key inside it, or two forms of one quantity such as latency and latency_ratio) are an
 * error naming both places. */
xp_status xp_sweep_check_conflicts(const xp_sweep *s, const xp_node *root, xp_error *err);

/* sweep_axes.c: `mode` and `axes` into keys and points. */
xp_status xp_sweep_read_axes(xp_sweep *s, const xp_node *root, xp_error *err);

#endif

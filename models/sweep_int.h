/* sweep_int.h: the sweep object's insides, shared by sweep*.c (private to models/). */
#ifndef XP_SWEEP_INT_H
#define XP_SWEEP_INT_H

#include "scenario_int.h"
#include "sweep.h"

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
};

/* sweep.c */
/* XP_EINVAL with "sweep-file:line:column: key: what" (n NULL: line 1). */
xp_status xp_sw_fail(const xp_sweep *s, const xp_node *n, const char *key, xp_error *err,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int xp_sw_push(void **arr, int *n, size_t size, const void *item);
const xp_node *xp_sw_get(const xp_node *map, const char *key);
char *xp_sw_text(const xp_node *n);
xp_status xp_sw_flatten(xp_sweep *s, const xp_node *map, const char *prefix, xp_error *err);

/* sweep_row.c: the rows of a task that could not run (its worker died), with message. */
xp_status xp_sw_error_row(const xp_sweep *s, int t, const char *msg, char **csv, char **json);

/* sweep_axes.c: `mode` and `axes` into keys and points. */
xp_status xp_sw_read_axes(xp_sweep *s, const xp_node *root, xp_error *err);

#endif

/* sweep_axes.c: a sweep's `axes` (lists, ranges, paired groups) and `mode` into its points. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_int.h"

enum { MAX_POINTS = 10000000, MAX_STEPS = 1000000 };

typedef struct axis {
	int k, n;    /* columns, entries */
	char **vals; /* n * k, entry-major */
	char **keys; /* k scenario keys (borrowed from the tree) */
} axis;

/* An error about axis `name`, reported under the key "axes.<name>". */
static xp_status bad(const xp_sweep *s, const xp_node *n, const char *name, xp_error *err,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static xp_status bad(const xp_sweep *s, const xp_node *n, const char *name, xp_error *err,
                     const char *fmt, ...)
{
	char key[300], what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(key, sizeof key, "axes.%s", name);
	return xp_sweep_fail(s, n, key, err, "%s", what);
}

static const char *const range_keys[] = { "from", "to", "steps", "scale", "unit", NULL };
static const char *const group_keys[] = { "keys", "values", NULL };

/* Every key of the mapping v is one of keys: else the scenario reader's error at the unknown
 * key ("file:line:col: stepz: unknown key; did you mean 'steps'?"). */
static xp_status known_keys(const xp_node *v, const char *const *keys, xp_error *err)
{
	static const char *const here[] = { "", NULL };
	const char *const *const lists[] = { keys };
	xp_reader rd = { v, err };
	return xp_reader_schema(&rd, here, lists);
}

/* A list of values for one key. */
static xp_status list_axis(const xp_sweep *s, const char *key, const xp_node *v, axis *a,
                           xp_error *err)
{
	if (v->n == 0)
		return bad(s, v, key, err, "expected a non-empty list of values");
	a->k = 1;
	a->n = v->n;
	a->vals = calloc((size_t)v->n, sizeof *a->vals);
	if (!a->vals)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < v->n; i++)
		if (!(a->vals[i] = xp_sweep_text(v->kids[i])))
			return xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

static int number(const xp_node *n, double *out)
{
	char *end;
	if (!n || n->kind != XP_NODE_SCALAR)
		return -1;
	*out = strtod(n->text, &end);
	return *end || end == n->text || !isfinite(*out) ? -1 : 0;
}

/* {from, to, steps, scale: lin|log, unit}: `steps` values from `from` to `to` inclusive. */
static xp_status range_axis(const xp_sweep *s, const char *key, const xp_node *v, axis *a,
                            xp_error *err)
{
	double from, to, steps;
	const xp_node *sc = xp_sweep_get(v, "scale"), *unit = xp_sweep_get(v, "unit");
	if (known_keys(v, range_keys, err))
		return XP_EINVAL;
	if (number(xp_sweep_get(v, "from"), &from) || number(xp_sweep_get(v, "to"), &to))
		return bad(s, v, key, err, "a range needs numbers `from` and `to`");
	const xp_node *st = xp_sweep_get(v, "steps");
	if (number(st, &steps) || steps < 1 || steps > MAX_STEPS || steps != floor(steps))
		return bad(s, st ? st : v, key, err,
		           "a range needs an integer `steps` from 1 to %d, got '%s'", MAX_STEPS,
		           st && st->kind == XP_NODE_SCALAR ? st->text : "nothing");
	int logscale = sc && sc->kind == XP_NODE_SCALAR && !strcmp(sc->text, "log");
	if (sc && (sc->kind != XP_NODE_SCALAR || (!logscale && strcmp(sc->text, "lin"))))
		return bad(s, sc, key, err, "scale must be lin or log");
	if (logscale && (from <= 0 || to <= 0))
		return bad(s, v, key, err, "a log range needs from > 0 and to > 0");
	if (unit && unit->kind != XP_NODE_SCALAR)
		return bad(s, unit, key, err, "unit must be a word such as ms or Gbps");
	a->k = 1;
	a->n = (int)steps;
	a->vals = calloc((size_t)a->n, sizeof *a->vals);
	if (!a->vals)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < a->n; i++) {
		double f = a->n == 1 ? 0 : (double)i / (a->n - 1);
		double x = logscale ? from * pow(to / from, f) : from + (to - from) * f;
		if (asprintf(&a->vals[i], "%.10g%s", x, unit ? unit->text : "") < 0) {
			a->vals[i] = NULL;
			return xp_fail(err, XP_ENOMEM, "out of memory");
		}
	}
	return XP_OK;
}

/* A group of paired values: {keys: [k1, k2], values: [[a1, a2], [b1, b2], ...]}. */
static xp_status group_axis(const xp_sweep *s, const char *name, const xp_node *v, axis *a,
                            xp_error *err)
{
	const xp_node *keys = xp_sweep_get(v, "keys"), *vals = xp_sweep_get(v, "values");
	if (known_keys(v, group_keys, err))
		return XP_EINVAL;
	if (!keys || keys->kind != XP_NODE_SEQ || keys->n == 0 || !vals ||
	    vals->kind != XP_NODE_SEQ || vals->n == 0)
		return bad(s, v, name, err,
		           "a group of paired values needs `keys: [k1, k2, ...]` and "
		           "`values: [[v1, v2, ...], ...]`");
	a->k = keys->n;
	a->n = vals->n;
	a->keys = calloc((size_t)a->k, sizeof *a->keys);
	a->vals = calloc((size_t)a->n * (size_t)a->k, sizeof *a->vals);
	if (!a->keys || !a->vals)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	for (int j = 0; j < a->k; j++) {
		if (keys->kids[j]->kind != XP_NODE_SCALAR)
			return bad(s, keys->kids[j], name, err, "keys must be scenario keys");
		a->keys[j] = keys->kids[j]->text;
	}
	for (int i = 0; i < a->n; i++) {
		const xp_node *row = vals->kids[i];
		if (row->kind != XP_NODE_SEQ || row->n != a->k)
			return bad(s, row, name, err, "expected a list of %d values (one per key)",
			           a->k);
		for (int j = 0; j < a->k; j++)
			if (!(a->vals[i * a->k + j] = xp_sweep_text(row->kids[j])))
				return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	return XP_OK;
}

static xp_status read_axis(const xp_sweep *s, const xp_node *key, const xp_node *v, axis *a,
                           xp_error *err)
{
	const char *k = key->text;
	if (v->kind == XP_NODE_MAP && (xp_sweep_get(v, "keys") || xp_sweep_get(v, "values")))
		return group_axis(s, k, v, a, err); /* a group (a misspelt key is named there) */
	a->keys = calloc(1, sizeof *a->keys);
	if (!a->keys)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	a->keys[0] = key->text;
	if (v->kind == XP_NODE_SEQ)
		return list_axis(s, k, v, a, err);
	if (v->kind == XP_NODE_MAP)
		return range_axis(s, k, v, a, err);
	return bad(
	    s, v, k, err,
	    "expected a list of values, a range {from, to, steps}, or a group {keys, values}");
}

/* Point count of the combination, or -1 when zip lengths differ or it is too large. */
static long count_points(const axis *ax, int n, int zip)
{
	long points = 1;
	for (int i = 0; i < n; i++) {
		if (zip && i > 0 && ax[i].n != ax[0].n)
			return -1;
		points = zip ? ax[0].n : points * ax[i].n;
		if (points > MAX_POINTS)
			return -1;
	}
	return points;
}

/* Point p's entry index on axis i: product (the last axis fastest) or zip. */
static int entry_of(const axis *ax, int n, int i, long p, int zip)
{
	if (zip)
		return (int)p;
	for (int j = n - 1; j > i; j--)
		p /= ax[j].n;
	return (int)(p % ax[i].n);
}

static xp_status combine(xp_sweep *s, const axis *ax, int n, int zip, const xp_node *where,
                         xp_error *err)
{
	long points = count_points(ax, n, zip);
	if (points < 0)
		return xp_fail(err, XP_EINVAL, "%s:%d:%d: axes: %s", s->path, where->line,
		               where->column,
		               zip ? "with mode: zip every axis needs the same number of values"
		                   : "more than 10 million points");
	for (int i = 0; i < n; i++)
		for (int j = 0; j < ax[i].k; j++) {
			char *k = strdup(ax[i].keys[j]);
			if (!k || xp_sweep_push((void **)&s->keys, &s->n_keys, sizeof k, &k)) {
				free(k);
				return xp_fail(err, XP_ENOMEM, "out of memory");
			}
		}
	s->n_points = (int)points;
	s->values = calloc((size_t)points * (size_t)(s->n_keys ? s->n_keys : 1), sizeof *s->values);
	if (!s->values)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	for (long p = 0; p < points; p++)
		for (int i = 0, col = 0; i < n; col += ax[i].k, i++) {
			int e = entry_of(ax, n, i, p, zip);
			for (int j = 0; j < ax[i].k; j++)
				if (!(s->values[p * s->n_keys + col + j] =
				          strdup(ax[i].vals[e * ax[i].k + j])))
					return xp_fail(err, XP_ENOMEM, "out of memory");
		}
	return XP_OK;
}

static void axes_free(axis *ax, int n)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; ax[i].vals && j < ax[i].n * ax[i].k; j++)
			free(ax[i].vals[j]);
		free(ax[i].vals);
		free(ax[i].keys);
	}
	free(ax);
}

xp_status xp_sweep_read_axes(xp_sweep *s, const xp_node *root, xp_error *err)
{
	const xp_node *mode = xp_sweep_get(root, "mode"), *axes = xp_sweep_get(root, "axes");
	int zip = mode && mode->kind == XP_NODE_SCALAR && !strcmp(mode->text, "zip");
	if (mode && !zip && (mode->kind != XP_NODE_SCALAR || strcmp(mode->text, "product")))
		return xp_fail(err, XP_EINVAL, "%s:%d:%d: mode: expected product or zip", s->path,
		               mode->line, mode->column);
	if (axes && axes->kind != XP_NODE_MAP)
		return xp_fail(err, XP_EINVAL, "%s:%d:%d: axes: expected a mapping", s->path,
		               axes->line, axes->column);
	int n = axes ? axes->n / 2 : 0;
	axis *ax = calloc((size_t)(n ? n : 1), sizeof *ax);
	if (!ax)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	xp_status st = XP_OK;
	for (int i = 0; i < n && st == XP_OK; i++)
		st = read_axis(s, axes->kids[2 * i], axes->kids[2 * i + 1], &ax[i], err);
	if (st == XP_OK)
		st = combine(s, ax, n, zip, axes ? axes : root, err);
	axes_free(ax, n);
	return st;
}

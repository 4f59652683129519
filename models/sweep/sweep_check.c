/* sweep_check.c: keys of `set` and of the axes that would silently override each other. */
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_int.h"

/* One scenario key that the sweep sets, and where. */
typedef struct setter {
	char *path;         /* the scenario key, e.g. network.inter_dc.latency */
	const xp_node *key; /* the node that names it in the sweep file */
	char *where;        /* "set" or "axes.NAME" */
} setter;

typedef struct setters {
	setter *v;
	int n;
} setters;

/* Two forms of one quantity: setting one drops the other from the scenario. */
static const char *const forms[][2] = {
	{ "network.inter_dc.latency", "network.inter_dc.latency_ratio" },
	{ "network.inter_dc.bandwidth", "network.inter_dc.bandwidth_ratio" },
	{ "datacenters.count", "datacenters.placement" },
	{ "model.transformer", "model.forward" },
	{ "model.transformer", "model.backward_input" },
	{ "model.transformer", "model.backward_weight" },
	{ "model.transformer", "model.activation" },
};

static int add(setters *L, const char *path, const xp_node *key, const char *where)
{
	setter e = { strdup(path), key, strdup(where) };
	if (e.path && e.where && !xp_sweep_push((void **)&L->v, &L->n, sizeof e, &e))
		return 0;
	free(e.path);
	free(e.where);
	return -1;
}

/* Every leaf of `set` (mappings recurse, as the overrides do). */
static int add_set(setters *L, const xp_node *map, const char *prefix)
{
	for (int i = 0; i + 1 < map->n; i += 2) {
		char path[512];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "",
		         map->kids[i]->text);
		int bad = map->kids[i + 1]->kind == XP_NODE_MAP ? add_set(L, map->kids[i + 1], path)
		                                                : add(L, path, map->kids[i], "set");
		if (bad)
			return -1;
	}
	return 0;
}

static int add_axes(setters *L, const xp_node *axes)
{
	for (int i = 0; axes && axes->kind == XP_NODE_MAP && i + 1 < axes->n; i += 2) {
		const xp_node *name = axes->kids[i], *v = axes->kids[i + 1];
		const xp_node *keys = xp_sweep_get(v, "keys");
		char where[320];
		snprintf(where, sizeof where, "axes.%s", name->text);
		if (v->kind != XP_NODE_MAP || !keys) {
			if (add(L, name->text, name, where))
				return -1;
			continue;
		}
		for (int j = 0; keys->kind == XP_NODE_SEQ && j < keys->n; j++)
			if (keys->kids[j]->kind == XP_NODE_SCALAR &&
			    add(L, keys->kids[j]->text, keys->kids[j], where))
				return -1;
	}
	return 0;
}

/* Key order with '.' first, so that a key is followed by the keys inside it. */
static int by_path(const void *a, const void *b)
{
	const unsigned char *p = (const unsigned char *)((const setter *)a)->path;
	const unsigned char *q = (const unsigned char *)((const setter *)b)->path;
	for (; *p && *p == *q; p++, q++)
		;
	int x = *p == '.' ? 1 : *p, y = *q == '.' ? 1 : *q;
	return x - y;
}

static const setter *find(const setters *L, const char *path)
{
	setter probe = { (char *)path, NULL, NULL };
	return bsearch(&probe, L->v, (size_t)L->n, sizeof *L->v, by_path);
}

/* The error, reported at the later of the two places. */
static xp_status clash(const xp_sweep *s, const setter *a, const setter *b, const char *why,
                       xp_error *err)
{
	if (a->key->line > b->key->line ||
	    (a->key->line == b->key->line && a->key->column > b->key->column)) {
		const setter *t = a;
		a = b;
		b = t;
	}
	return xp_sweep_fail(s, b->key, b->where, err,
	                     "sets %s, and %s (%s:%d:%d) sets %s: %s; set each once", b->path,
	                     a->where, s->path, a->key->line, a->key->column, a->path, why);
}

static xp_status find_clash(const xp_sweep *s, const setters *L, xp_error *err)
{
	for (int i = 0; i + 1 < L->n; i++) {
		const setter *a = &L->v[i], *b = &L->v[i + 1];
		size_t n = strlen(a->path);
		if (!strcmp(a->path, b->path))
			return clash(s, a, b, "one would silently override the other", err);
		if (!strncmp(a->path, b->path, n) && b->path[n] == '.')
			return clash(s, a, b, "the first replaces the whole of the second", err);
	}
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		const setter *a = find(L, forms[f][0]), *b = find(L, forms[f][1]);
		if (a && b)
			return clash(s, a, b,
			             "they give one quantity in two forms, and the later one drops "
			             "the other",
			             err);
	}
	return XP_OK;
}

xp_status xp_sweep_check_conflicts(const xp_sweep *s, const xp_node *root, xp_error *err)
{
	setters L = { NULL, 0 };
	const xp_node *set = xp_sweep_get(root, "set");
	xp_status st = XP_OK;
	if ((set && add_set(&L, set, "")) || add_axes(&L, xp_sweep_get(root, "axes")))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (st == XP_OK && L.n > 1) {
		qsort(L.v, (size_t)L.n, sizeof *L.v, by_path);
		st = find_clash(s, &L, err);
	}
	for (int i = 0; i < L.n; i++) {
		free(L.v[i].path);
		free(L.v[i].where);
	}
	free(L.v);
	return st;
}

/* plan_load.c: a plan file read into its space and layouts, and the plan's accessors. */
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "plan/plan_int.h"

/* The plan file's tree with the --set overrides grafted, read into the space. */
static xp_status read_space(xp_plan *pl, xp_error *err)
{
	xp_src *srcs = calloc((size_t)pl->n_sets + 1, sizeof *srcs);
	xp_node *root = NULL;
	if (!srcs)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	srcs[0] = (xp_src){ pl->path, NULL };
	xp_status st = xp_yaml_load(pl->text, pl->len, &srcs[0], &root, err);
	for (int i = 0; !st && i < pl->n_sets; i++) {
		srcs[i + 1] = (xp_src){ pl->path, pl->sets[i] };
		st = xp_yaml_override(root, &srcs[i + 1], err);
	}
	if (!st)
		st = xp_plan_read_space(&(xp_reader){ root, err }, &pl->space);
	xp_node_free(root);
	free(srcs);
	return st;
}

xp_status xp_plan_load(const char *path, const char *const *sets, int n_sets, xp_plan **out,
                       xp_error *err)
{
	*out = NULL;
	if (n_sets < 0 || n_sets > 64)
		return xp_fail(err, XP_EINVAL, "a plan takes at most 64 --set overrides");
	xp_plan *pl = calloc(1, sizeof *pl);
	if (!pl || !(pl->path = strdup(path))) {
		free(pl);
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	pl->sets = (const char **)sets;
	pl->n_sets = n_sets;
	xp_status st = xp_io_read_file(path, &pl->text, &pl->len, err);
	if (!st)
		st = read_space(pl, err);
	if (!st)
		st = xp_plan_enumerate(pl, err);
	if (st) {
		xp_plan_free(pl);
		return st;
	}
	*out = pl;
	return XP_OK;
}

void xp_plan_free(xp_plan *pl)
{
	if (!pl)
		return;
	free(pl->path);
	free(pl->text);
	free(pl->lay);
	free(pl);
}

int xp_plan_count(const xp_plan *pl)
{
	return pl->n_lay;
}

const xp_plan_layout *xp_plan_at(const xp_plan *pl, int rank)
{
	return rank >= 0 && rank < pl->n_lay ? &pl->lay[rank] : NULL;
}

int xp_plan_class_count(const xp_plan *pl, xp_plan_class c)
{
	return (unsigned)c < XP_PLAN_CLASSES ? pl->counts[c] : 0;
}

const char *xp_plan_path(const xp_plan *pl)
{
	return pl->path;
}

int xp_plan_datacenters(const xp_plan *pl)
{
	return pl->space.datacenters;
}

int64_t xp_plan_gpus(const xp_plan *pl)
{
	return pl->space.gpus;
}

int xp_plan_n_sets(const xp_plan *pl, const char *const **sets)
{
	*sets = pl->sets;
	return pl->n_sets;
}

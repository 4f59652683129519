/* plan_ref.c: "PLAN.json#K", a ranked layout of a plan's JSON output, as the ordinary scenario
 * it is: the plan file, the plan's own --set overrides and the layout's (docs/plan.md). The JSON
 * is read with the scenario module's YAML reader (JSON is a subset of YAML's flow style). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "plan/plan_int.h"

/* The rank after the last '#' of ref when ref ends in ".json#<integer >= 1>", else 0. */
static long ref_rank(const char *ref, size_t *json_len)
{
	const char *hash = strrchr(ref, '#');
	char *end;
	if (!hash || hash - ref < 5 || strncmp(hash - 5, ".json", 5) || !hash[1])
		return 0;
	long k = strtol(hash + 1, &end, 10);
	if (*end || k < 1)
		return 0;
	*json_len = (size_t)(hash - ref);
	return k;
}

static const char *text_of(const xp_node *map, const char *key)
{
	for (int i = 0; map && map->kind == XP_NODE_MAP && i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->text, key) && map->kids[i + 1]->kind == XP_NODE_SCALAR)
			return map->kids[i + 1]->text;
	return NULL;
}

static const xp_node *node_of(const xp_node *map, const char *key)
{
	for (int i = 0; map && map->kind == XP_NODE_MAP && i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->text, key))
			return map->kids[i + 1];
	return NULL;
}

/* The layout of rank k in the JSON tree, its fields read back. */
static int find_layout(const xp_node *root, long k, xp_plan_layout *l)
{
	const xp_node *lay = node_of(root, "layouts");
	for (int i = 0; lay && lay->kind == XP_NODE_SEQ && i < lay->n; i++) {
		const xp_node *m = lay->kids[i];
		const char *rank = text_of(m, "rank"), *sched = text_of(m, "schedule");
		const char *f[6] = { text_of(m, "tp"),    text_of(m, "pp"),
			             text_of(m, "dp"),    text_of(m, "microbatch_size"),
			             text_of(m, "cross"), text_of(m, "recompute") };
		if (!rank || strtol(rank, NULL, 10) != k)
			continue;
		for (int j = 0; j < 6; j++)
			if (!f[j])
				return -1;
		const char *split = text_of(m, "layers"), *dc0 = text_of(m, "dc0_stages");
		*l = (xp_plan_layout){
			.tp = atoi(f[0]), .pp = atoi(f[1]), .dp = atoi(f[2]), .b = atoi(f[3])
		};
		for (int c = 0; c < XP_PLAN_CROSSES; c++)
			if (!strcmp(f[4], xp_plan_cross_name(c)))
				l->cross = c;
		l->recompute = !strcmp(f[5], "full");
		l->balanced = split && !strcmp(split, "balanced");
		l->dc0_stages = dc0 ? atoi(dc0) : 0;
		if (l->dc0_stages < 0 ||
		    (l->dc0_stages && (l->dc0_stages >= l->pp || l->pp > XP_PLAN_MAX_UNEVEN_PP)))
			return -1; /* not a layout a plan writes */
		snprintf(l->schedule, sizeof l->schedule, "%s", sched ? sched : "");
		return 0;
	}
	return -1;
}

static xp_status push(xp_plan_ref *r, const char *s, xp_error *err)
{
	char **grown = realloc(r->over, ((size_t)r->n + 1) * sizeof *grown);
	if (!grown || !(grown[r->n] = strdup(s))) {
		if (grown)
			r->over = grown;
		return xp_fail(err, XP_ENOMEM, "out of memory");
	}
	r->over = grown;
	r->n++;
	return XP_OK;
}

/* The plan's path, its sets, then the layout's overrides and its schedule. */
static xp_status fill(const xp_node *root, const xp_plan_layout *l, xp_plan_ref *r, xp_error *err)
{
	char over[XP_PLAN_OVERS][XP_PLAN_OVER_LEN], sched[80];
	const char *plan = text_of(root, "plan");
	const xp_node *sets = node_of(root, "sets");
	if (!plan || !(r->plan = strdup(plan)))
		return xp_fail(err, XP_EINVAL, "%s: no \"plan\" path", r->json);
	for (int i = 0; sets && sets->kind == XP_NODE_SEQ && i < sets->n; i++)
		if (sets->kids[i]->kind != XP_NODE_SCALAR || push(r, sets->kids[i]->text, err))
			return err->code ? err->code : xp_fail(err, XP_EINVAL, "bad \"sets\"");
	int n = xp_plan_overrides(l, over);
	xp_status st = XP_OK;
	for (int i = 0; !st && i < n; i++)
		st = push(r, over[i], err);
	snprintf(sched, sizeof sched, "schedules=%s", l->schedule);
	return st ? st : push(r, sched, err);
}

int xp_plan_ref_read(const char *ref, xp_plan_ref *r, xp_error *err)
{
	size_t len = 0, text_len = 0;
	long k = ref_rank(ref, &len);
	memset(r, 0, sizeof *r);
	if (!k)
		return 0;
	char *text = NULL;
	xp_node *root = NULL;
	xp_plan_layout l;
	if (!(r->json = strndup(ref, len)))
		return xp_fail(err, XP_ENOMEM, "out of memory"), -1;
	xp_src src = { r->json, NULL };
	xp_status st = xp_io_read_file(r->json, &text, &text_len, err);
	if (!st)
		st = xp_yaml_load(text, text_len, &src, &root, err);
	if (!st && find_layout(root, k, &l))
		st = xp_fail(err, XP_EINVAL, "%s: no simulated layout of rank %ld", r->json, k);
	if (!st)
		st = fill(root, &l, r, err);
	xp_node_free(root);
	free(text);
	return st ? -1 : 1;
}

void xp_plan_ref_free(xp_plan_ref *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->over[i]);
	free(r->over);
	free(r->plan);
	free(r->json);
	memset(r, 0, sizeof *r);
}

/* scenario_variants.c: schedule.objective and schedule.variants, the set of network variants
 * that `auto` weighs (docs/scenario.md, "Choosing over variants").
 *
 * A variants file is YAML:
 *     variants:                  # each a name and the scenario keys it changes
 *       - {name: calm}
 *       - name: degraded
 *         set: {network.inter_dc.degradation: {start: 0s, duration: 1h, bandwidth: 25%}}
 *     seeds: [1, 2, 3]           # every variant under each seed (draws of a stochastic model)
 * Each variant is the scenario (its file and --set overrides) with the variant's `set` grafted
 * on as the file's own nodes, resolved as a whole scenario: its keys are read, checked and
 * reported (file:line:column of the variants file, "did you mean") by the scenario's readers,
 * and a relative trace path in it is relative to the variants file's folder. */
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "scenario/scenario_int.h"

#define MAX_VARIANTS 10000

static const char *const objectives[] = { "makespan", "mean", "p95", "worst", NULL };

const char *xp_objective_name(int objective)
{
	return objective >= 0 && objective <= XP_OBJECTIVE_WORST ? objectives[objective] : "?";
}

static const char *const root_map[] = { "", NULL };
static const char *const file_keys[] = { "variants", "seeds", NULL };
static const char *const *const file_schema[] = { file_keys };
static const char *const entry_keys[] = { "name", "set", NULL };
static const char *const *const entry_schema[] = { entry_keys };

/* The variants read so far. */
typedef struct vset {
	const xp_reader *rd; /* on the variants file */
	const xp_scenario_text *t;
	const xp_params *pr;
	xp_scenario **v;
	int n;
} vset;

/* The first key whose value a variant changed but must keep, or NULL. */
static const char *shape_change(const xp_params *a, const xp_params *b)
{
	if (a->stages != b->stages)
		return "pipeline.stages";
	if (a->microbatches != b->microbatches)
		return "pipeline.microbatches";
	if (a->chunks != b->chunks)
		return "pipeline.chunks";
	if (a->dp != b->dp || a->dp_across_dc != b->dp_across_dc)
		return a->dp != b->dp ? "pipeline.dp" : "datacenters.split";
	if (a->datacenters != b->datacenters ||
	    memcmp(a->placement, b->placement, (size_t)a->stages * sizeof *a->placement))
		return "datacenters";
	return NULL;
}

/* The scenario with entry's `set` (entry may be NULL: the scenario itself) and seed. */
static xp_status add(vset *vs, const xp_node *entry, const char *name, const xp_node *seed)
{
	const xp_node *set = entry ? xp_reader_get(&(xp_reader){ entry, NULL }, "set") : NULL;
	const xp_node *at = entry ? entry : vs->rd->root;
	xp_error e;
	xp_scenario *sc = NULL;
	if (vs->n >= MAX_VARIANTS)
		return xp_reader_fail(vs->rd, at, "variants", "more than %d variants (x seeds)",
		                      MAX_VARIANTS);
	if (xp_scenario_variant(vs->t, set, seed, &sc, &e) != XP_OK)
		return xp_fail(vs->rd->err, e.code, "variant '%s': %s", name, e.msg);
	const char *changed = shape_change(vs->pr, xp_scenario_params(sc));
	xp_scenario **grown = changed ? NULL : realloc(vs->v, ((size_t)vs->n + 1) * sizeof *grown);
	if (!grown) {
		xp_scenario_free(sc);
		if (changed)
			return xp_reader_fail(vs->rd, at, "variants",
			                      "variant '%s' changes %s: a variant may change the "
			                      "network, the block times, stragglers and the seed, "
			                      "not the pipeline's shape",
			                      name, changed);
		return xp_fail(vs->rd->err, XP_ENOMEM, "out of memory");
	}
	vs->v = grown;
	vs->v[vs->n++] = sc;
	return XP_OK;
}

/* A set that names schedule.variants (a variant's own variants) is refused. */
static xp_status check_entry(const vset *vs, const xp_node *entry, int i, char *name, size_t len)
{
	xp_reader er = { entry, vs->rd->err };
	xp_status st = xp_reader_schema(&er, root_map, entry_schema);
	const xp_node *nm = st ? NULL : xp_reader_get(&er, "name");
	const xp_node *set = st ? NULL : xp_reader_get(&er, "set");
	if (st)
		return st;
	if (nm && nm->kind != XP_NODE_SCALAR)
		return xp_reader_fail(vs->rd, nm, "name", "expected a scalar name");
	if (nm)
		snprintf(name, len, "%s", nm->text);
	else
		snprintf(name, len, "variant %d", i + 1);
	if (set && set->kind != XP_NODE_MAP)
		return xp_reader_fail(vs->rd, set, "set", "expected a mapping of scenario keys");
	for (int k = 0; set && k + 1 < set->n; k += 2) {
		const xp_node *key = set->kids[k];
		if (!strncmp(key->text, "schedule.variants", 17) ||
		    (!strcmp(key->text, "schedule") &&
		     xp_reader_get(&(xp_reader){ set->kids[k + 1], NULL }, "variants")))
			return xp_reader_fail(vs->rd, key, "set",
			                      "a variant cannot name schedule.variants");
	}
	return XP_OK;
}

static xp_status each_seed(vset *vs, const xp_node *entry, const char *name, const xp_node *seeds)
{
	xp_status st = XP_OK;
	if (!seeds)
		return add(vs, entry, name, NULL);
	for (int s = 0; !st && s < seeds->n; s++) {
		char both[160];
		snprintf(both, sizeof both, "%s, seed %s", name, seeds->kids[s]->text);
		st = add(vs, entry, both, seeds->kids[s]);
	}
	return st;
}

static xp_status read_file(vset *vs)
{
	const xp_reader *rd = vs->rd;
	xp_status st = xp_reader_schema(rd, root_map, file_schema);
	const xp_node *list = st ? NULL : xp_reader_get(rd, "variants");
	const xp_node *seeds = st ? NULL : xp_reader_get(rd, "seeds");
	if (st)
		return st;
	if (list && (list->kind != XP_NODE_SEQ || list->n == 0))
		return xp_reader_fail(rd, list, "variants",
		                      "expected a non-empty list of variants");
	if (seeds && (seeds->kind != XP_NODE_SEQ || seeds->n == 0))
		return xp_reader_fail(rd, seeds, "seeds", "expected a non-empty list of seeds");
	for (int s = 0; seeds && s < seeds->n; s++)
		if (seeds->kids[s]->kind != XP_NODE_SCALAR)
			return xp_reader_fail(rd, seeds->kids[s], "seeds", "expected an integer");
	if (!list && !seeds)
		return xp_reader_fail(rd, rd->root, "variants",
		                      "expected a `variants` list, a `seeds` list or both");
	if (!list)
		return each_seed(vs, NULL, "the scenario", seeds);
	for (int i = 0; !st && i < list->n; i++) {
		char name[128];
		st = check_entry(vs, list->kids[i], i, name, sizeof name);
		if (!st)
			st = each_seed(vs, list->kids[i], name, seeds);
	}
	return st;
}

xp_status xp_read_variants(const xp_reader *rd, const xp_scenario_text *t, xp_params *pr,
                           xp_scenario ***out, int *n)
{
	const xp_node *node = xp_reader_get(rd, "schedule.variants");
	char path[XP_PATH_MAX], *text = NULL;
	size_t len = 0;
	*out = NULL;
	*n = 0;
	xp_status st = xp_reader_choice(rd, "schedule.objective", objectives, &pr->objective);
	if (st || !node)
		return st;
	if (node->kind != XP_NODE_SCALAR)
		return xp_reader_fail(rd, node, "schedule.variants",
		                      "expected a file path, got a list or mapping");
	if (pr->objective == XP_OBJECTIVE_MAKESPAN)
		return xp_reader_fail(rd, node, "schedule.variants",
		                      "needs schedule.objective mean, p95 or worst (makespan times "
		                      "the scenario itself only)");
	st = xp_reader_path(rd, node, "schedule.variants", path);
	if (!st)
		st = xp_io_read_file(path, &text, &len, rd->err);
	if (!st && strlen(text) != len)
		st = xp_fail(rd->err, XP_EINVAL, "%s: a NUL byte in a text file", path);
	xp_src src = { path, NULL };
	xp_node *root = NULL;
	if (!st)
		st = xp_yaml_load(text, len, &src, &root, rd->err);
	vset vs = { &(xp_reader){ root, rd->err }, t, pr, NULL, 0 };
	if (!st)
		st = read_file(&vs);
	xp_node_free(root);
	free(text);
	if (st) {
		for (int i = 0; i < vs.n; i++)
			xp_scenario_free(vs.v[i]);
		free(vs.v);
		return st;
	}
	*out = vs.v;
	*n = vs.n;
	return XP_OK;
}

/* plan_space.c: the planner's space: the axes from the plan.* keys (each a value or a list, with
 * defaults from the cluster), and their product as layouts, with the ones whose sizes do not
 * divide marked with the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

/* One integer in [lo, hi] from a scalar node; -1 when it is not one. */
static int node_int(const xp_node *n, int64_t lo, int64_t hi, int *out)
{
	char *end;
	if (n->kind != XP_NODE_SCALAR || !n->text[0])
		return -1;
	long long v = strtoll(n->text, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* plan.<key>: one integer or a list of them, each in [lo, hi]. */
static xp_status int_axis(const xp_reader *rd, const char *path, int64_t lo, int64_t hi, int *out,
                          int *n)
{
	const xp_node *nd = xp_reader_get(rd, path);
	if (!nd)
		return XP_OK;
	int seq = nd->kind == XP_NODE_SEQ, count = seq ? nd->n : 1;
	int bad = nd->kind == XP_NODE_MAP || count < 1 || count > XP_PLAN_AXIS;
	for (int i = 0; !bad && i < count; i++)
		bad = node_int(seq ? nd->kids[i] : nd, lo, hi, &out[i]) < 0;
	if (bad)
		return xp_reader_fail(rd, nd, path,
		                      "expected an integer from %lld to %lld or a list of 1 to %d "
		                      "of them",
		                      (long long)lo, (long long)hi, XP_PLAN_AXIS);
	*n = count;
	return XP_OK;
}

/* "a or b", "a, b or c": the words of choices. */
static const char *either(const char *const *choices, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int k = 0; choices[k] && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		                         !k               ? ""
		                         : choices[k + 1] ? ", "
		                                          : " or ",
		                         choices[k]);
	return buf;
}

/* plan.<key>: one word or a list of distinct words from choices (index into out). */
static xp_status word_axis(const xp_reader *rd, const char *path, const char *const *choices,
                           int *out, int *n)
{
	const xp_node *nd = xp_reader_get(rd, path);
	char words[96];
	int n_choices = 0, seen = 0;
	while (choices[n_choices])
		n_choices++;
	if (!nd)
		return XP_OK;
	int count = nd->kind == XP_NODE_SEQ ? nd->n : 1;
	if (nd->kind == XP_NODE_MAP || count < 1 || count > n_choices)
		return xp_reader_fail(rd, nd, path, "expected %s, or a list of them",
		                      either(choices, words, sizeof words));
	for (int i = 0; i < count; i++) {
		const xp_node *v = nd->kind == XP_NODE_SEQ ? nd->kids[i] : nd;
		int k = 0;
		while (choices[k] && !(v->kind == XP_NODE_SCALAR && !strcmp(v->text, choices[k])))
			k++;
		if (!choices[k] || (seen & 1 << k))
			return xp_reader_fail(rd, v, path, "expected %s%s",
			                      either(choices, words, sizeof words),
			                      choices[k] ? ", each once" : "");
		seen |= 1 << k;
		out[i] = k;
	}
	*n = count;
	return XP_OK;
}

/* datacenters.gpus: one count for every DC or a list of one per DC, into sp->dc_gpus. */
static xp_status read_dc_gpus(const xp_reader *rd, xp_plan_space *sp)
{
	static const char key[] = "datacenters.gpus";
	const xp_node *n = xp_reader_get(rd, key);
	int D = sp->datacenters, bad = !n || n->kind == XP_NODE_MAP;
	bad = bad || (n->kind == XP_NODE_SEQ && n->n != D);
	for (int dc = 0; !bad && dc < D; dc++) {
		int v = 0;
		bad = node_int(n->kind == XP_NODE_SEQ ? n->kids[dc] : n, 1, 1 << 30, &v) < 0;
		sp->dc_gpus[dc] = v;
		sp->gpus += v;
	}
	if (!n)
		return xp_reader_int(rd, key, 1, 1 << 30, 1, &sp->gpus); /* "key is required" */
	if (bad)
		return xp_reader_fail(rd, n, key,
		                      "expected an integer from 1 to %d, or a list of %d of them "
		                      "(one per datacenter)",
		                      1 << 30, D);
	return XP_OK;
}

static xp_status read_cluster(const xp_reader *rd, xp_plan_space *sp)
{
	int64_t dcs = 1;
	xp_status st;
	sp->gpus_per_node = 8;
	if ((st = xp_reader_int(rd, "model.transformer.layers", 1, 1 << 30, 1, &sp->layers)) ||
	    (st = xp_reader_int(rd, "model.transformer.heads", 1, 1 << 30, 1, &sp->heads)) ||
	    (st = xp_reader_int(rd, "datacenters.count", 1, XP_PLAN_AXIS, 0, &dcs)) ||
	    (st = xp_reader_int(rd, "datacenters.gpus_per_node", 1, 1024, 0, &sp->gpus_per_node)) ||
	    (st = xp_reader_int(rd, "pipeline.global_batch", 1, (int64_t)1 << 40, 1,
	                        &sp->global_batch)))
		return st;
	sp->datacenters = (int)dcs;
	return read_dc_gpus(rd, sp);
}

xp_status xp_plan_read_space(const xp_reader *rd, xp_plan_space *sp)
{
	static const char *const recompute[] = { "none", "full", NULL };
	static const char *const cross[] = { "pp", "dp", "hierarchical", NULL };
	static const char *const split[] = { "even", "balanced", NULL };
	static const char *const placement[] = { "even", "uneven", NULL };
	xp_status st;
	memset(sp, 0, sizeof *sp);
	if ((st = read_cluster(rd, sp)))
		return st;
	for (int t = 1; t <= sp->gpus_per_node && sp->n_tp < XP_PLAN_AXIS; t *= 2)
		sp->tp[sp->n_tp++] = t;
	sp->b[0] = 1, sp->b[1] = 2, sp->b[2] = 4, sp->n_b = 3;
	sp->recompute[0] = 0, sp->recompute[1] = 1, sp->n_recompute = 2;
	for (int c = 0; c < XP_PLAN_CROSSES; c++)
		sp->cross[c] = c;
	sp->n_cross = sp->datacenters > 1 ? XP_PLAN_CROSSES : 1;
	sp->split[0] = 0, sp->split[1] = 1, sp->n_split = 2;
	sp->placement[0] = 0, sp->placement[1] = 1, sp->n_placement = sp->datacenters == 2 ? 2 : 1;
	if ((st = int_axis(rd, "plan.tp", 1, 1024, sp->tp, &sp->n_tp)) ||
	    (st = int_axis(rd, "plan.pp", 1, 4096, sp->pp, &sp->n_pp)) ||
	    (st = int_axis(rd, "plan.microbatch_size", 1, 1 << 20, sp->b, &sp->n_b)) ||
	    (st = word_axis(rd, "plan.recompute", recompute, sp->recompute, &sp->n_recompute)) ||
	    (st = word_axis(rd, "plan.layers", split, sp->split, &sp->n_split)) ||
	    (st = word_axis(rd, "plan.placement", placement, sp->placement, &sp->n_placement)) ||
	    (st = word_axis(rd, "plan.cross", cross, sp->cross, &sp->n_cross)))
		return st;
	for (int i = 0; i < sp->n_placement; i++)
		if (sp->placement[i] && sp->datacenters != 2)
			return xp_reader_fail(rd, xp_reader_get(rd, "plan.placement"),
			                      "plan.placement",
			                      "uneven placements are searched with 2 datacenters "
			                      "only (datacenters.count is %d)",
			                      sp->datacenters);
	return XP_OK;
}

/* The replicas an uneven placement leaves room for: each DC holds tp x dp x its stages. */
static int uneven_dp(const xp_plan_space *sp, const xp_plan_layout *l)
{
	int64_t a = sp->dc_gpus[0] / ((int64_t)l->tp * l->dc0_stages);
	int64_t b = sp->dc_gpus[1] / ((int64_t)l->tp * (l->pp - l->dc0_stages));
	return (int)(a < b ? a : b);
}

/* Why the sizes of l do not divide (into why), or 0 when they do. */
static int indivisible(const xp_plan_space *sp, const xp_plan_layout *l, char *why, size_t len)
{
	int64_t g = sp->gpus, D = sp->datacenters;
	if (sp->gpus_per_node % l->tp || sp->heads % l->tp)
		return snprintf(why, len,
		                "tp %d must divide the GPUs of a node (%lld) and the heads "
		                "(%lld)",
		                l->tp, (long long)sp->gpus_per_node, (long long)sp->heads);
	if ((!l->dc0_stages && g % ((int64_t)l->tp * l->pp)) || l->pp > sp->layers)
		return snprintf(why, len,
		                "tp %d x pp %d must divide the GPUs (%lld), pp at most the "
		                "layers (%lld)",
		                l->tp, l->pp, (long long)g, (long long)sp->layers);
	if (l->dc0_stages && l->dp < 1)
		return snprintf(why, len, "no replica of %d + %d stages of tp %d fits the DCs",
		                l->dc0_stages, l->pp - l->dc0_stages, l->tp);
	int by_dp = l->cross != XP_PLAN_CROSS_PP;
	if (D > 1 && !l->dc0_stages && (by_dp ? l->dp % D : l->pp % D))
		return snprintf(why, len, "%s %d must be a multiple of the datacenters (%lld)",
		                by_dp ? "dp" : "pp", by_dp ? l->dp : l->pp, (long long)D);
	if (sp->global_batch % ((int64_t)l->dp * l->b))
		return snprintf(why, len,
		                "dp %d x microbatch size %d must divide the global batch "
		                "(%lld)",
		                l->dp, l->b, (long long)sp->global_batch);
	return 0;
}

static xp_status add(xp_plan *pl, const xp_plan_layout *l, xp_error *err)
{
	if (pl->n_lay == pl->cap_lay) {
		int cap = pl->cap_lay ? 2 * pl->cap_lay : 256;
		xp_plan_layout *grown = realloc(pl->lay, (size_t)cap * sizeof *grown);
		if (!grown)
			return xp_fail(err, XP_ENOMEM, "out of memory for the plan's layouts");
		pl->lay = grown;
		pl->cap_lay = cap;
	}
	pl->lay[pl->n_lay] = *l;
	pl->lay[pl->n_lay].index = pl->n_lay;
	pl->n_lay++;
	return XP_OK;
}

/* Every layer split, microbatch size and recomputation of one placement l (tp, pp, crossing,
 * dc0_stages and dp set). */
static xp_status add_placed(xp_plan *pl, const xp_plan_layout *base, xp_error *err)
{
	const xp_plan_space *sp = &pl->space;
	xp_status st = XP_OK;
	for (int s = 0; s < sp->n_split; s++)
		for (int i = 0; i < sp->n_b; i++)
			for (int r = 0; !st && r < sp->n_recompute; r++) {
				xp_plan_layout l = *base;
				l.balanced = sp->split[s];
				l.b = sp->b[i];
				l.recompute = sp->recompute[r];
				if (indivisible(sp, &l, l.why, sizeof l.why))
					l.cls = XP_PLAN_DIVISIBILITY;
				else
					l.m = (int)(sp->global_batch / ((int64_t)l.dp * l.b));
				st = add(pl, &l, err);
			}
	return st;
}

/* Every crossing and placement of one (tp, pp): the equal groups, then (uneven, PP crossing
 * 2 DCs) every other count of stages in DC 0, with as many replicas as both DCs hold. */
static xp_status add_split(xp_plan *pl, int tp, int pp, xp_error *err)
{
	const xp_plan_space *sp = &pl->space;
	xp_status st = XP_OK;
	for (int c = 0; c < sp->n_cross; c++)
		for (int q = 0; !st && q < sp->n_placement; q++) {
			xp_plan_layout l = { .tp = tp, .pp = pp, .cross = sp->cross[c] };
			if (!sp->placement[q]) {
				l.dp = (int)(sp->gpus / ((int64_t)tp * pp));
				st = add_placed(pl, &l, err);
				continue;
			}
			if (l.cross != XP_PLAN_CROSS_PP || pp < 2 || pp > XP_PLAN_MAX_UNEVEN_PP)
				continue; /* uneven: PP across 2 DCs only */
			for (int s0 = 1; !st && s0 < pp; s0++) {
				if (2 * s0 == pp)
					continue; /* the equal groups */
				l.dc0_stages = s0;
				l.dp = uneven_dp(sp, &l);
				st = add_placed(pl, &l, err);
			}
		}
	return st;
}

xp_status xp_plan_enumerate(xp_plan *pl, xp_error *err)
{
	const xp_plan_space *sp = &pl->space;
	xp_status st = XP_OK;
	for (int t = 0; !st && t < sp->n_tp; t++) {
		int tp = sp->tp[t];
		if (sp->n_pp) {
			for (int i = 0; !st && i < sp->n_pp; i++)
				st = add_split(pl, tp, sp->pp[i], err);
			continue;
		}
		/* every pp up to the layers that leaves a whole dp */
		for (int64_t pp = 1; !st && pp <= sp->layers; pp++)
			if (sp->gpus % (tp * pp) == 0)
				st = add_split(pl, tp, (int)pp, err);
	}
	return st;
}

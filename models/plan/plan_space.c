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

static xp_status read_cluster(const xp_reader *rd, xp_plan_space *sp)
{
	int64_t dcs = 1, per_dc = 0;
	xp_status st;
	sp->gpus_per_node = 8;
	if ((st = xp_reader_int(rd, "model.transformer.layers", 1, 1 << 30, 1, &sp->layers)) ||
	    (st = xp_reader_int(rd, "model.transformer.heads", 1, 1 << 30, 1, &sp->heads)) ||
	    (st = xp_reader_int(rd, "datacenters.count", 1, 64, 0, &dcs)) ||
	    (st = xp_reader_int(rd, "datacenters.gpus", 1, 1 << 30, 1, &per_dc)) ||
	    (st = xp_reader_int(rd, "datacenters.gpus_per_node", 1, 1024, 0, &sp->gpus_per_node)) ||
	    (st = xp_reader_int(rd, "pipeline.global_batch", 1, (int64_t)1 << 40, 1,
	                        &sp->global_batch)))
		return st;
	sp->datacenters = (int)dcs;
	sp->gpus = dcs * per_dc;
	return XP_OK;
}

xp_status xp_plan_read_space(const xp_reader *rd, xp_plan_space *sp)
{
	static const char *const recompute[] = { "none", "full", NULL };
	static const char *const cross[] = { "pp", "dp", "hierarchical", NULL };
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
	if ((st = int_axis(rd, "plan.tp", 1, 1024, sp->tp, &sp->n_tp)) ||
	    (st = int_axis(rd, "plan.pp", 1, 4096, sp->pp, &sp->n_pp)) ||
	    (st = int_axis(rd, "plan.microbatch_size", 1, 1 << 20, sp->b, &sp->n_b)) ||
	    (st = word_axis(rd, "plan.recompute", recompute, sp->recompute, &sp->n_recompute)))
		return st;
	return word_axis(rd, "plan.cross", cross, sp->cross, &sp->n_cross);
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
	if (g % ((int64_t)l->tp * l->pp) || l->pp > sp->layers)
		return snprintf(why, len,
		                "tp %d x pp %d must divide the GPUs (%lld), pp at most the "
		                "layers (%lld)",
		                l->tp, l->pp, (long long)g, (long long)sp->layers);
	int by_dp = l->cross != XP_PLAN_CROSS_PP;
	if (D > 1 && (by_dp ? l->dp % D : l->pp % D))
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

/* Every microbatch size, recomputation and crossing of one (tp, pp). */
static xp_status add_split(xp_plan *pl, int tp, int pp, xp_error *err)
{
	const xp_plan_space *sp = &pl->space;
	xp_status st = XP_OK;
	for (int c = 0; c < sp->n_cross; c++)
		for (int i = 0; i < sp->n_b; i++)
			for (int r = 0; !st && r < sp->n_recompute; r++) {
				xp_plan_layout l = { .tp = tp, .pp = pp, .b = sp->b[i] };
				l.dp = (int)(sp->gpus / ((int64_t)tp * pp));
				l.cross = sp->cross[c];
				l.recompute = sp->recompute[r];
				if (indivisible(sp, &l, l.why, sizeof l.why))
					l.cls = XP_PLAN_DIVISIBILITY;
				else
					l.m = (int)(sp->global_batch / ((int64_t)l.dp * l.b));
				st = add(pl, &l, err);
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

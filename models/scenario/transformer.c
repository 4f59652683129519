/* transformer.c: per-stage times and sizes of a transformer (docs/model.md §2): its layers split
 * into contiguous groups over the stages, FLOPs per layer over the GPU's sustained rate, the TP
 * all-reduces over the intra-node link, and (model.transformer.vocab) the embedding on the first
 * stage and the output layer on the last (docs/memory.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define T       "model.transformer."
#define MAX_DIM 1073741824 /* 2^30: far above any real model, far below overflow */

struct shape {
	int64_t layers, d, f, heads, kv_heads, s, b, tp, vocab;
	double gpu_flops, utilisation;
	int64_t *split;   /* model.transformer.layout: layers per stage (NULL: even) */
	int balanced;     /* layout: balanced (the split is computed in fill_stages) */
	double *dc_flops; /* datacenters.gpu_flops: peak per DC (NULL: gpu_flops everywhere) */
};

/* datacenters.gpu_flops: the GPU type of each DC; model.transformer.gpu_flops is then optional
 * (and ignored). */
static xp_status read_dc_flops(const xp_reader *rd, struct shape *t, const xp_params *pr)
{
	int given = 0;
	if (!xp_reader_get(rd, "datacenters.gpu_flops"))
		return xp_reader_f64(rd, T "gpu_flops", xp_parse_flops, 1, &t->gpu_flops);
	if (!(t->dc_flops = calloc((size_t)pr->datacenters, sizeof *t->dc_flops)))
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	return xp_read_per_dc(rd, "datacenters.gpu_flops", xp_parse_flops, pr, t->dc_flops, &given);
}

/* model.transformer.layout into t->split (layout.c), checked against the vocabulary. */
static xp_status read_layout(const xp_reader *rd, struct shape *t, int p)
{
	const xp_node *n = xp_reader_get(rd, T "layout");
	char why[160];
	int ends = 0;
	if (!n)
		return XP_OK;
	if (n->kind != XP_NODE_SCALAR)
		return xp_reader_fail(rd, n, T "layout",
		                      "expected a layout string such as Et*4|t*4L, or balanced");
	if (!(t->split = calloc((size_t)p, sizeof *t->split)))
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	if (!strcmp(n->text, "balanced")) {
		t->balanced = 1;
		return XP_OK;
	}
	if (xp_layout_parse(n->text, p, t->layers, t->split, &ends, why, sizeof why) < 0)
		return xp_reader_fail(rd, n, T "layout", "%s", why);
	if (t->vocab && ends != 2)
		return xp_reader_fail(
		    rd, n, T "layout",
		    "with model.transformer.vocab it needs E in the first stage and "
		    "L in the last");
	return XP_OK;
}

static xp_status read_ints(const xp_reader *rd, struct shape *t, int p)
{
	xp_status st;
	if ((st = xp_reader_int(rd, T "layers", p, MAX_DIM, 1, &t->layers)) ||
	    (st = xp_reader_int(rd, T "hidden", 1, MAX_DIM, 1, &t->d)) ||
	    (st = xp_reader_int(rd, T "ffn", 1, MAX_DIM, 1, &t->f)) ||
	    (st = xp_reader_int(rd, T "heads", 1, MAX_DIM, 1, &t->heads)) ||
	    (st = xp_reader_int(rd, T "seq", 1, MAX_DIM, 1, &t->s)) ||
	    (st = xp_reader_int(rd, T "microbatch_size", 1, MAX_DIM, 0, &t->b)) ||
	    (st = xp_reader_int(rd, T "tp", 1, MAX_DIM, 0, &t->tp)) ||
	    (st = xp_reader_int(rd, T "vocab", 0, MAX_DIM, 0, &t->vocab)))
		return st;
	t->kv_heads = t->heads;
	if ((st = xp_reader_int(rd, T "kv_heads", 1, t->heads, 0, &t->kv_heads)))
		return st;
	if (t->heads % t->kv_heads != 0)
		return xp_reader_fail(rd, xp_reader_get(rd, T "kv_heads"), T "kv_heads",
		                      "expected a divisor of heads (%lld), got %lld",
		                      (long long)t->heads, (long long)t->kv_heads);
	return XP_OK;
}

static xp_status read_shape(const xp_reader *rd, struct shape *t, const xp_params *pr)
{
	xp_status st;
	int p = pr->stages;
	*t = (struct shape){ .b = 1, .tp = 1, .utilisation = 0.5 };
	if ((st = read_ints(rd, t, p)) || (st = read_dc_flops(rd, t, pr)) ||
	    (st = xp_reader_number(rd, T "utilisation", 0, 1, 0, &t->utilisation)) ||
	    (st = read_layout(rd, t, p)))
		return st;
	if (t->utilisation == 0)
		return xp_reader_fail(rd, xp_reader_get(rd, T "utilisation"), T "utilisation",
		                      "expected a number > 0 and <= 1, got 0");
	return XP_OK;
}

/* Per layer and microbatch: FLOPs of F, D and W and the bytes F keeps (per TP rank); the time
 * of the TP all-reduces of F and of D (two each, Megatron-style). */
struct layer {
	double f_flops, d_flops, w_flops, act_bytes, tp_ns;
};

/* The output layer of the last stage (model.transformer.vocab V): a d x V matmul in F, D and
 * W each, and the fp32 logits the loss keeps (4 bytes per token and vocabulary entry). */
static struct layer output_cost(const struct shape *t)
{
	double bsv = (double)t->b * (double)t->s * (double)t->vocab;
	double mm = 2 * bsv * (double)t->d;
	return (struct layer){ mm, mm, mm, 4 * bsv / (double)t->tp, 0 };
}

/* Two ring all-reduces of one activation (b·s·d bf16) over tp ranks on the intra-node link:
 * each 2(t-1)/t of the bytes plus 2(t-1) latencies; 0 without TP or without the link. */
static double tp_allreduces_ns(const struct shape *t, const xp_link_class *node)
{
	double n = (double)t->tp, bytes = (double)t->b * (double)t->s * (double)t->d * 2;
	if (t->tp < 2 || isinf(node->bandwidth_bps))
		return 0;
	double one = 2 * (n - 1) / n * bytes * 8e9 / node->bandwidth_bps +
	             2 * (n - 1) * (double)node->latency_ns;
	return 2 * one;
}

static struct layer layer_cost(const struct shape *t, int recompute)
{
	double b = (double)t->b, s = (double)t->s, d = (double)t->d, f = (double)t->f;
	double g = (double)t->kv_heads / (double)t->heads;
	double attention = 2 * b * s * s * d;                      /* QK^T and AV, causal */
	double linear = 4 * b * s * d * d + 4 * g * b * s * d * d; /* Q, O; K, V (GQA) */
	double mlp = 6 * b * s * d * f; /* gated FFN: three d x f matmuls */
	struct layer l;
	l.f_flops = attention + linear + mlp;
	l.w_flops = linear + mlp;
	l.d_flops = l.w_flops + 2.5 * attention;
	/* bf16, sharded over TP with sequence parallelism; recompute keeps only the input. */
	l.act_bytes =
	    recompute ? b * s * d * 2 : 12 * b * s * d + 4 * g * b * s * d + 8 * b * s * f;
	l.act_bytes /= (double)t->tp;
	l.tp_ns = 0;
	return l;
}

/* Round a non-negative value to int64; -1 if it does not fit. */
static int round_i64(double v, int64_t *out)
{
	v = nearbyint(v);
	if (!(v >= 0 && v < 9.2e18))
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* Stage k of p holds what the layout says, else layers/p layers, the first layers % p stages
 * one more. */
static int64_t stage_layers(const struct shape *t, int k, int p)
{
	if (t->split)
		return t->split[k];
	return t->layers / p + (k < t->layers % p);
}

/* Stage k's blocks and sizes: n layers, plus the output layer on the last stage. */
static int fill_stage(const struct shape *t, const struct layer *l, const struct layer *out, int k,
                      xp_params *pr)
{
	double peak = t->dc_flops ? t->dc_flops[pr->placement[k]] : t->gpu_flops;
	double rate = peak * t->utilisation * (double)t->tp / 1e9; /* FLOP per ns */
	double d = (double)t->d, f = (double)t->f, vd = (double)t->vocab * d;
	double g = (double)t->kv_heads / (double)t->heads;
	double n = (double)stage_layers(t, k, pr->stages), last = k == pr->stages - 1;
	double params = n * (2 * d * d + 2 * g * d * d + 3 * d * f) + (k == 0) * vd + last * vd;
	/* written so that without TP links and vocab the sums are the plain n·FLOPs / rate */
	double re = pr->recompute ? l->f_flops : 0, re_tp = pr->recompute ? l->tp_ns : 0;
	double fw = n * l->f_flops / rate + n * l->tp_ns + last * out->f_flops / rate;
	double dw =
	    n * (l->d_flops + re) / rate + n * (l->tp_ns + re_tp) + last * out->d_flops / rate;
	double ww = n * l->w_flops / rate + last * out->w_flops / rate;
	return round_i64(fw, &pr->forward_ns[k]) || round_i64(dw, &pr->backward_input_ns[k]) ||
	       round_i64(ww, &pr->backward_weight_ns[k]) ||
	       round_i64(n * l->act_bytes + last * out->act_bytes, &pr->activation_bytes[k]) ||
	       round_i64(n * layer_cost(t, 0).act_bytes + last * out->act_bytes,
	                 &pr->stored_activation_bytes[k]) ||
	       round_i64(params * 2, &pr->params_bytes[k]) ||
	       round_i64(params / (double)t->tp, &pr->param_count[k]);
}

/* Stage k's time per layer (F + D + W of one microbatch, with recomputation and the TP
 * all-reduces) and its fixed part (the output layer on the last stage), in ns. */
static void stage_rate(const struct shape *t, const struct layer *l, const struct layer *out,
                       const xp_params *pr, int k, double *per_layer, double *fixed)
{
	double peak = t->dc_flops ? t->dc_flops[pr->placement[k]] : t->gpu_flops;
	double rate = peak * t->utilisation * (double)t->tp / 1e9;
	double re = pr->recompute ? l->f_flops : 0, re_tp = pr->recompute ? l->tp_ns : 0;
	*per_layer = (l->f_flops + l->d_flops + re + l->w_flops) / rate + 2 * l->tp_ns + re_tp;
	*fixed = k == pr->stages - 1 ? (out->f_flops + out->d_flops + out->w_flops) / rate : 0;
}

/* layout: balanced. The split with at least one layer per stage whose slowest stage (F + D + W
 * per microbatch) is fastest: n_k(T) = floor((T - fixed_k) / per_layer_k) layers fit under T,
 * so bisect for the least T where they add up to the layers, then take the excess back from
 * the stages whose last layer ends latest (ties: the later stage). */
static int balance(const struct shape *t, const struct layer *l, const xp_params *pr)
{
	int p = pr->stages;
	double lo = 0, hi = 0, *c = calloc(2 * (size_t)p, sizeof *c), *e = c + p;
	struct layer out = output_cost(t);
	if (!c)
		return -1;
	for (int k = 0; k < p; k++) {
		stage_rate(t, l, &out, pr, k, &c[k], &e[k]);
		double all = e[k] + c[k] * (double)t->layers;
		hi = all > hi ? all : hi;
	}
	for (int it = 0; it < 200 && hi - lo > 1e-9 * hi; it++) {
		double mid = (lo + hi) / 2, sum = 0;
		for (int k = 0; k < p; k++)
			sum += fmax(1, floor((mid - e[k]) / c[k]));
		if (sum >= (double)t->layers)
			hi = mid;
		else
			lo = mid;
	}
	int64_t total = 0;
	for (int k = 0; k < p; k++) {
		double n = fmax(1, floor((hi - e[k]) / c[k]));
		t->split[k] = n < (double)t->layers ? (int64_t)n : t->layers;
		total += t->split[k];
	}
	while (total < t->layers) { /* hi a rounding below a split's exact bound: one short */
		int best = 0;
		for (int k = 1; k < p; k++)
			if (e[k] + c[k] * (double)(t->split[k] + 1) <
			    e[best] + c[best] * (double)(t->split[best] + 1))
				best = k;
		t->split[best]++;
		total++;
	}
	while (total > t->layers) {
		int worst = -1;
		for (int k = 0; k < p; k++)
			if (t->split[k] > 1 &&
			    (worst < 0 || e[k] + c[k] * (double)t->split[k] >=
			                      e[worst] + c[worst] * (double)t->split[worst]))
				worst = k;
		t->split[worst]--;
		total--;
	}
	free(c);
	return 0;
}

static xp_status fill_stages(const xp_reader *rd, const struct shape *t, const struct layer *l,
                             xp_params *pr)
{
	struct layer out = output_cost(t);
	pr->param_count = calloc((size_t)pr->stages, sizeof(int64_t));
	pr->stage_layers = calloc((size_t)pr->stages, sizeof(int64_t));
	if (!pr->param_count || !pr->stage_layers || (t->balanced && balance(t, l, pr)))
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (int k = 0; k < pr->stages; k++)
		pr->stage_layers[k] = stage_layers(t, k, pr->stages);
	for (int k = 0; k < pr->stages; k++)
		if (fill_stage(t, l, &out, k, pr))
			return xp_reader_fail(
			    rd, xp_reader_get(rd, "model.transformer"), "model.transformer",
			    "expected a model whose times and sizes fit in 64 bits");
	pr->tp = (int)t->tp;
	pr->gpu_flops = 0; /* the mean peak of a GPU (every stage has as many) */
	for (int k = 0; k < pr->stages; k++)
		pr->gpu_flops +=
		    (t->dc_flops ? t->dc_flops[pr->placement[k]] : t->gpu_flops) / pr->stages;
	pr->model_flops = (double)t->layers * (l->f_flops + l->d_flops + l->w_flops) + out.f_flops +
	                  out.d_flops + out.w_flops;
	return XP_OK;
}

/* network.intra_node: the link TP ranks share inside a node (read here: stage times use it). */
static xp_status read_intra_node(const xp_reader *rd, xp_params *pr)
{
	xp_status st;
	pr->intra_node = (xp_link_class){ 0, INFINITY };
	if ((st = xp_reader_i64(rd, "network.intra_node.latency", xp_parse_time_ns, 0,
	                        &pr->intra_node.latency_ns)))
		return st;
	return xp_reader_f64(rd, "network.intra_node.bandwidth", xp_parse_bandwidth_bps, 0,
	                     &pr->intra_node.bandwidth_bps);
}

static xp_status resolve_shape(const xp_reader *rd, const struct shape *tp, xp_params *pr)
{
	struct shape t = *tp;
	xp_status st;
	struct layer l = layer_cost(&t, pr->recompute);
	if ((st = read_intra_node(rd, pr)))
		return st;
	l.tp_ns = tp_allreduces_ns(&t, &pr->intra_node);
	if ((st = fill_stages(rd, &t, &l, pr)))
		return st;
	double bs = (double)t.b * (double)t.s;
	if (round_i64(bs * (double)t.d * 2, &pr->message_bytes) ||
	    round_i64(bs, &pr->tokens_per_microbatch))
		return xp_reader_fail(rd, xp_reader_get(rd, "model.transformer"),
		                      "model.transformer",
		                      "expected a model whose times and sizes fit in 64 bits");
	return XP_OK;
}

xp_status xp_read_transformer(const xp_reader *rd, xp_params *pr)
{
	struct shape t;
	xp_status st = read_shape(rd, &t, pr);
	if (!st)
		st = resolve_shape(rd, &t, pr);
	free(t.split);
	free(t.dc_flops);
	return st;
}

/* transformer.c: per-stage times and sizes of a transformer (docs/model.md §2): its layers split
 * into contiguous groups over the stages, FLOPs per layer over the GPU's sustained rate. */
#include <math.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define T       "model.transformer."
#define MAX_DIM 1073741824 /* 2^30: far above any real model, far below overflow */

struct shape {
	int64_t layers, d, f, heads, kv_heads, s, b, tp;
	double gpu_flops, utilisation;
};

static xp_status read_ints(const xp_reader *rd, struct shape *t, int p)
{
	xp_status st;
	if ((st = xp_reader_int(rd, T "layers", p, MAX_DIM, 1, &t->layers)) ||
	    (st = xp_reader_int(rd, T "hidden", 1, MAX_DIM, 1, &t->d)) ||
	    (st = xp_reader_int(rd, T "ffn", 1, MAX_DIM, 1, &t->f)) ||
	    (st = xp_reader_int(rd, T "heads", 1, MAX_DIM, 1, &t->heads)) ||
	    (st = xp_reader_int(rd, T "seq", 1, MAX_DIM, 1, &t->s)) ||
	    (st = xp_reader_int(rd, T "microbatch_size", 1, MAX_DIM, 0, &t->b)) ||
	    (st = xp_reader_int(rd, T "tp", 1, MAX_DIM, 0, &t->tp)))
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

static xp_status read_shape(const xp_reader *rd, struct shape *t, int p)
{
	xp_status st;
	*t = (struct shape){ .b = 1, .tp = 1, .utilisation = 0.5 };
	if ((st = read_ints(rd, t, p)) ||
	    (st = xp_reader_f64(rd, T "gpu_flops", xp_parse_flops, 1, &t->gpu_flops)) ||
	    (st = xp_reader_number(rd, T "utilisation", 0, 1, 0, &t->utilisation)))
		return st;
	if (t->utilisation == 0)
		return xp_reader_fail(rd, xp_reader_get(rd, T "utilisation"), T "utilisation",
		                      "expected a number > 0 and <= 1, got 0");
	return XP_OK;
}

/* Per layer and microbatch: FLOPs of F, D and W and the bytes F keeps (per TP rank). */
struct layer {
	double f_flops, d_flops, w_flops, act_bytes;
};

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

/* Stage k of p holds layers/p layers; the first layers % p stages hold one more. */
static int stage_layers(const struct shape *t, int k, int p)
{
	return (int)(t->layers / p + (k < t->layers % p));
}

static xp_status fill_stages(const xp_reader *rd, const struct shape *t, const struct layer *l,
                             xp_params *pr)
{
	double rate = t->gpu_flops * t->utilisation * (double)t->tp / 1e9; /* FLOP per ns */
	double d = (double)t->d, f = (double)t->f;
	double g = (double)t->kv_heads / (double)t->heads;
	double layer_params = 2 * d * d + 2 * g * d * d + 3 * d * f;
	for (int k = 0; k < pr->stages; k++) {
		double n = stage_layers(t, k, pr->stages);
		if (round_i64(n * l->f_flops / rate, &pr->forward_ns[k]) ||
		    round_i64(n * (l->d_flops + (pr->recompute ? l->f_flops : 0)) / rate,
		              &pr->backward_input_ns[k]) ||
		    round_i64(n * l->w_flops / rate, &pr->backward_weight_ns[k]) ||
		    round_i64(n * l->act_bytes, &pr->activation_bytes[k]) ||
		    round_i64(n * layer_params * 2, &pr->params_bytes[k]))
			return xp_reader_fail(
			    rd, xp_reader_get(rd, "model.transformer"), "model.transformer",
			    "expected a model whose times and sizes fit in 64 bits");
	}
	return XP_OK;
}

xp_status xp_read_transformer(const xp_reader *rd, xp_params *pr)
{
	struct shape t;
	xp_status st = read_shape(rd, &t, pr->stages);
	if (st)
		return st;
	struct layer l = layer_cost(&t, pr->recompute);
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

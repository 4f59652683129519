/* scenario_model.c: the model.* section: explicit per-stage times and sizes or a transformer
 * description (transformer.c), recomputation, and the message, parameter and token counts. */
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

static const char *const explicit_keys[] = { "model.forward", "model.backward_input",
	                                     "model.backward_weight", "model.activation", NULL };

/* model.transformer and the explicit times are two ways to say the same thing. */
static xp_status not_both(const xp_reader *rd)
{
	if (!xp_reader_get(rd, "model.transformer"))
		return XP_OK;
	for (const char *const *k = explicit_keys; *k; k++)
		if (xp_reader_get(rd, *k))
			return xp_reader_fail(
			    rd, xp_reader_key(rd, *k), *k,
			    "expected either model.transformer or the explicit "
			    "forward, backward_input, backward_weight and activation, "
			    "not both");
	return XP_OK;
}

static xp_status read_explicit(const xp_reader *rd, xp_params *pr)
{
	int p = pr->stages;
	xp_status st;
	if ((st = xp_reader_staged(rd, "model.forward", p, xp_parse_time_ns, 1, 1,
	                           pr->forward_ns)) ||
	    (st = xp_reader_staged(rd, "model.backward_input", p, xp_parse_time_ns, 0, 1,
	                           pr->backward_input_ns)) ||
	    (st = xp_reader_staged(rd, "model.backward_weight", p, xp_parse_time_ns, 0, 1,
	                           pr->backward_weight_ns)) ||
	    (st = xp_reader_staged(rd, "model.activation", p, xp_parse_bytes, 0, 1,
	                           pr->activation_bytes)))
		return st;
	/* The message defaults to the activation: the largest one if they differ by stage. */
	pr->message_bytes = 0;
	for (int k = 0; k < p; k++) {
		if (pr->activation_bytes[k] > pr->message_bytes)
			pr->message_bytes = pr->activation_bytes[k];
		if (pr->recompute)
			pr->backward_input_ns[k] += pr->forward_ns[k];
	}
	memcpy(pr->stored_activation_bytes, pr->activation_bytes, (size_t)p * sizeof(int64_t));
	pr->tokens_per_microbatch = 4096;
	return XP_OK;
}

/* With recomputation M_F is what the forward keeps: derived for a transformer, required with
 * explicit times. Without it the key makes no sense. */
static xp_status read_recompute_activation(const xp_reader *rd, xp_params *pr, int derived)
{
	static const char key[] = "model.recompute_activation";
	const xp_node *n = xp_reader_get(rd, key);
	if (pr->recompute && !n && !derived)
		return xp_reader_fail(
		    rd, xp_reader_get(rd, "model.recompute"), key,
		    "missing, expected the bytes F keeps per microbatch (needed with "
		    "model.recompute: full and explicit times)");
	if (pr->recompute)
		return xp_reader_staged(rd, key, pr->stages, xp_parse_bytes, 0, 0,
		                        pr->activation_bytes);
	if (n)
		return xp_reader_fail(rd, n, key, "expected only with model.recompute: full");
	return XP_OK;
}

xp_status xp_read_model(const xp_reader *rd, xp_params *pr)
{
	static const char *const recompute[] = { "none", "full", NULL };
	int tf = xp_reader_get(rd, "model.transformer") != NULL;
	xp_status st;
	pr->recompute = 0;
	pr->weight_release = 0.5;
	pr->overlap_f_b = 1;
	if ((st = xp_reader_choice(rd, "model.recompute", recompute, &pr->recompute)) ||
	    (st = not_both(rd)) ||
	    (st = tf ? xp_read_transformer(rd, pr) : read_explicit(rd, pr)) ||
	    (st = read_recompute_activation(rd, pr, tf)) ||
	    (st = xp_reader_i64(rd, "model.message", xp_parse_bytes, 0, &pr->message_bytes)) ||
	    (st = xp_reader_staged(rd, "model.params", pr->stages, xp_parse_bytes, 0, 0,
	                           pr->params_bytes)) ||
	    (st = xp_reader_int(rd, "model.tokens", 1, INT64_MAX, 0, &pr->tokens_per_microbatch)))
		return st;
	if ((st = xp_reader_number(rd, "model.weight_release", 0, 1, 0, &pr->weight_release)))
		return st;
	return xp_reader_number(rd, "model.overlap_f_b", 0.5, 1, 0, &pr->overlap_f_b);
}

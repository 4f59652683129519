/* interleaved.c: Megatron's interleaved 1F1B (virtual pipeline) with v chunks in loop placement. */
#include "schedules/generators.h"

/* The k-th forward of a device (Megatron's "virtual microbatch" k): microbatches go in groups
 * of p, and each group passes through chunk 0, then chunk 1, ..., before the next group starts.
 * The k-th backward takes the same microbatch in the mirrored chunk v-1-c. */
static void virtual_block(int k, int p, int v, int *mb, int *chunk)
{
	int group = k / (p * v), r = k % (p * v);
	*chunk = r / p;
	*mb = group * p + r % p;
}

static void add_virtual(xp_gen *g, int dev, xp_op_kind kind, int k, int p, int v)
{
	int mb, chunk;
	virtual_block(k, p, v, &mb, &chunk);
	xp_gen_add(g, dev, kind, mb, kind == XP_OP_F ? chunk : v - 1 - chunk);
}

/* Device k runs (p-k-1)*2 + (v-1)*p warm-up forwards (all m*v when m == p, as Megatron did),
 * then one forward and one backward in turn, then drains the backwards. */
int xp_gen_interleaved_warmup(int p, int dev, int m, int v)
{
	int total = m * v, warm = (p - dev - 1) * 2 + (v - 1) * p;
	return warm > total || m == p ? total : warm;
}

static void device_order(xp_gen *g, int dev, int p, int m, int v)
{
	int total = m * v;
	int warm = xp_gen_interleaved_warmup(p, dev, m, v);
	for (int k = 0; k < warm; k++)
		add_virtual(g, dev, XP_OP_F, k, p, v);
	for (int k = 0; k < total - warm; k++) {
		add_virtual(g, dev, XP_OP_F, warm + k, p, v);
		add_virtual(g, dev, XP_OP_B, k, p, v);
	}
	for (int k = total - warm; k < total; k++)
		add_virtual(g, dev, XP_OP_B, k, p, v);
}

xp_status xp_schedule_build_interleaved(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	xp_status st = xp_gen_params(pr, "interleaved", out, err);
	if (st)
		return st;
	int p = pr->stages, m = pr->microbatches, v = pr->chunks;
	if (v < 1 || v > 255)
		return xp_fail(err, XP_EINVAL,
		               "interleaved: pipeline.chunks must be 1..255, got %d", v);
	if (m % p != 0)
		return xp_fail(err, XP_EINVAL,
		               "interleaved: pipeline.microbatches (%d) must be a multiple of "
		               "pipeline.stages (%d)",
		               m, p);
	if ((long long)m * v > 0x7fffffff)
		return xp_fail(err, XP_EINVAL, "interleaved: microbatches * chunks is too large");
	xp_gen g;
	xp_gen_start(&g, xp_schedule_new(p, v, m, NULL));
	for (int dev = 0; dev < p; dev++)
		device_order(&g, dev, p, m, v);
	return xp_gen_finish(&g, "interleaved", out, err);
}

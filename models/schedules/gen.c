/* gen.c: helpers shared by the schedule generators: parameter checks and sticky-error building. */
#include "schedules/generators.h"

xp_status xp_gen_params(const xp_params *pr, const char *name, xp_schedule **out, xp_error *err)
{
	*out = NULL;
	if (!pr)
		return xp_fail(err, XP_EINVAL, "%s: no parameters", name);
	if (pr->stages < 1)
		return xp_fail(err, XP_EINVAL, "%s: pipeline.stages must be >= 1, got %d", name,
		               pr->stages);
	if (pr->microbatches < 1)
		return xp_fail(err, XP_EINVAL, "%s: pipeline.microbatches must be >= 1, got %d",
		               name, pr->microbatches);
	return XP_OK;
}

void xp_gen_start(xp_gen *g, xp_schedule *s)
{
	g->s = s;
	g->st = s ? XP_OK : XP_ENOMEM;
}

void xp_gen_add(xp_gen *g, int device, xp_op_kind kind, int mb, int chunk)
{
	if (g->st == XP_OK)
		g->st = xp_schedule_add_block(g->s, device, kind, mb, chunk);
}

xp_status xp_gen_finish(xp_gen *g, const char *name, xp_schedule **out, xp_error *err)
{
	if (g->st != XP_OK) {
		xp_schedule_free(g->s);
		*out = NULL;
		return xp_fail(err, g->st, "%s: %s while building the schedule", name,
		               xp_strerror(g->st));
	}
	xp_schedule_set_name(g->s, name);
	*out = g->s;
	return XP_OK;
}

xp_status xp_gen_per_device(const xp_params *pr, const char *name, xp_gen_device_fn order,
                            xp_schedule **out, xp_error *err)
{
	xp_status st = xp_gen_params(pr, name, out, err);
	if (st)
		return st;
	xp_gen g;
	xp_gen_start(&g, xp_schedule_new(pr->stages, 1, pr->microbatches, NULL));
	for (int k = 0; k < pr->stages; k++)
		order(&g, k, pr->stages, pr->microbatches);
	return xp_gen_finish(&g, name, out, err);
}

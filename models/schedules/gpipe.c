/* gpipe.c: the GPipe schedule: every forward in microbatch order, then every combined backward. */
#include "generators.h"

xp_status xp_schedule_build_gpipe(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	xp_status st = xp_gen_params(pr, "gpipe", out, err);
	if (st)
		return st;
	int p = pr->stages, m = pr->microbatches;
	xp_gen g;
	xp_gen_start(&g, xp_schedule_new(p, 1, m, NULL));
	for (int k = 0; k < p; k++) {
		for (int j = 0; j < m; j++)
			xp_gen_add(&g, k, XP_OP_F, j, 0);
		for (int j = 0; j < m; j++)
			xp_gen_add(&g, k, XP_OP_B, j, 0);
	}
	return xp_gen_finish(&g, "gpipe", out, err);
}

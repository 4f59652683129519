/* 1f1b.c: PipeDream-flush 1F1B: warm-up forwards, one forward and one backward in turn, drain. */
#include "generators.h"

/* Device k runs min(p-k-1, m) warm-up forwards, so that device 0 holds at most p microbatches. */
xp_status xp_schedule_build_1f1b(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	xp_status st = xp_gen_params(pr, "1f1b", out, err);
	if (st)
		return st;
	int p = pr->stages, m = pr->microbatches;
	xp_gen g;
	xp_gen_start(&g, xp_schedule_new(p, 1, m, NULL));
	for (int k = 0; k < p; k++) {
		int warm = p - k - 1 < m ? p - k - 1 : m;
		for (int j = 0; j < warm; j++)
			xp_gen_add(&g, k, XP_OP_F, j, 0);
		for (int j = warm; j < m; j++) {
			xp_gen_add(&g, k, XP_OP_F, j, 0);
			xp_gen_add(&g, k, XP_OP_B, j - warm, 0);
		}
		for (int j = m - warm; j < m; j++)
			xp_gen_add(&g, k, XP_OP_B, j, 0);
	}
	return xp_gen_finish(&g, "1f1b", out, err);
}

/* 1f1b.c: PipeDream-flush 1F1B: warm-up forwards, one forward and one backward in turn, drain. */
#include "schedules/generators.h"

/* Device k runs min(p-k-1, m) warm-up forwards, so that device 0 holds at most p microbatches. */
int xp_gen_1f1b_warmup(int p, int k, int m)
{
	return p - k - 1 < m ? p - k - 1 : m;
}

static void device_order(xp_gen *g, int k, int p, int m)
{
	int warm = xp_gen_1f1b_warmup(p, k, m);
	for (int j = 0; j < warm; j++)
		xp_gen_add(g, k, XP_OP_F, j, 0);
	for (int j = warm; j < m; j++) {
		xp_gen_add(g, k, XP_OP_F, j, 0);
		xp_gen_add(g, k, XP_OP_B, j - warm, 0);
	}
	for (int j = m - warm; j < m; j++)
		xp_gen_add(g, k, XP_OP_B, j, 0);
}

xp_status xp_schedule_build_1f1b(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_gen_per_device(pr, "1f1b", device_order, out, err);
}

/* gpipe.c: the GPipe schedule: every forward in microbatch order, then every combined backward. */
#include "schedules/generators.h"

static void device_order(xp_gen *g, int k, int p, int m)
{
	(void)p;
	for (int j = 0; j < m; j++)
		xp_gen_add(g, k, XP_OP_F, j, 0);
	for (int j = 0; j < m; j++)
		xp_gen_add(g, k, XP_OP_B, j, 0);
}

xp_status xp_schedule_build_gpipe(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_gen_per_device(pr, "gpipe", device_order, out, err);
}

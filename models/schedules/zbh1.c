/* zbh1.c: ZB-H1: 1F1B with the backward split into D and W, and W delayed to fill the bubbles. */
#include "scenario/scenario.h"
#include "schedules/generators.h"

/* The zero-bubble authors' order: device k runs min(p-k, m) warm-up forwards; then for each
 * microbatch j: D_j, then W_{j-k} if j >= k, then the next forward if any remain; then the
 * remaining W in order. Device 0 holds at most p microbatches, as in 1F1B. */
static void device_order(xp_gen *g, int k, int p, int m)
{
	int f = p - k < m ? p - k : m, w = 0;
	for (int j = 0; j < f; j++)
		xp_gen_add(g, k, XP_OP_F, j, 0);
	for (int j = 0; j < m; j++) {
		xp_gen_add(g, k, XP_OP_D, j, 0);
		if (j >= k)
			xp_gen_add(g, k, XP_OP_W, w++, 0);
		if (f < m)
			xp_gen_add(g, k, XP_OP_F, f++, 0);
	}
	while (w < m)
		xp_gen_add(g, k, XP_OP_W, w++, 0);
}

xp_status xp_schedule_build_zbh1(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_gen_per_device(pr, "zbh1", device_order, out, err);
}

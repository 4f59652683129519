/* zbh2.c: ZB-H2: extra warm-up forwards and W filling the rest, at about twice 1F1B's memory. */
#include "schedules/generators.h"

/* Device k runs min(2(p-k)-1, m) warm-up forwards: just enough to stay busy until D_0 comes
 * back. Then for each microbatch j: D_j, then the next forward while any remain (preceded by the
 * oldest W when 2p microbatches are already in flight), else the oldest W; then the remaining W.
 * With equal block times and free communication every device is busy from its first to its last
 * block (the zero-bubble paper's parallelogram), and for p=4, m=8 this is the order the
 * CrossPipe authors' greedy finds with twice the 1F1B memory. */
static void device_order(xp_gen *g, int k, int p, int m)
{
	int f = 2 * (p - k) - 1 < m ? 2 * (p - k) - 1 : m, w = 0;
	for (int j = 0; j < f; j++)
		xp_gen_add(g, k, XP_OP_F, j, 0);
	for (int j = 0; j < m; j++) {
		xp_gen_add(g, k, XP_OP_D, j, 0);
		if (f < m) {
			if (f - w + 1 > 2 * p && w <= j)
				xp_gen_add(g, k, XP_OP_W, w++, 0);
			xp_gen_add(g, k, XP_OP_F, f++, 0);
		} else if (w <= j) {
			xp_gen_add(g, k, XP_OP_W, w++, 0);
		}
	}
	while (w < m)
		xp_gen_add(g, k, XP_OP_W, w++, 0);
}

xp_status xp_schedule_build_zbh2(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_gen_per_device(pr, "zbh2", device_order, out, err);
}

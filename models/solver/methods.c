/* methods.c: xp_solver_solve_cbc and xp_solver_solve_z3 run the method of their module
 * (method_module.h), opened at the first call. */
#include "solver/method_module.h"

static xp_status solve_with(const char *module, const xp_solver_instance *in, int *blk,
                            double seconds, double gap, xp_solver_outcome *out)
{
	const void *api;
	xp_status st = xp_module_load(module, &api, NULL);
	if (st != XP_OK)
		return st; /* optimal.c reports it as "<status> while solving" */
	const xp_solver_method_module *m = api;
	return m->solve(in, blk, seconds, gap, out);
}

xp_status xp_solver_solve_cbc(const xp_solver_instance *in, int *blk, double seconds, double gap,
                              xp_solver_outcome *out)
{
	return solve_with("cbc", in, blk, seconds, gap, out);
}

xp_status xp_solver_solve_z3(const xp_solver_instance *in, int *blk, double seconds, double gap,
                             xp_solver_outcome *out)
{
	return solve_with("z3", in, blk, seconds, gap, out);
}

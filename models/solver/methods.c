/* methods.c: the exact methods "cbc" and "z3", each the solve function of its module
 * (method_module.h), opened at the first use. */
#include "solver/method_module.h"

#include <string.h>

int xp_solver_method_known(const char *method)
{
	return strcmp(method, "cbc") == 0 || strcmp(method, "z3") == 0;
}

xp_status xp_solver_method_load(const char *method, xp_solver_method_fn *fn, xp_error *err)
{
	*fn = NULL;
	if (!xp_solver_method_known(method))
		return xp_fail(err, XP_EINVAL, "no exact method '%s' (cbc or z3)", method);
	const void *api;
	xp_status st = xp_module_load(method, &api, err); /* err names the file and why */
	if (st != XP_OK)
		return st;
	*fn = ((const xp_solver_method_module *)api)->solve;
	return XP_OK;
}

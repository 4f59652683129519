/* method_module.h: what the solver modules crosspipe-z3.so and crosspipe-cbc.so export (module.h):
 * xp_module_z3 and xp_module_cbc, whose api is an xp_solver_method_module. methods.c opens them
 * when a solver first runs, so that no other run loads Z3 or CBC. */
#ifndef XP_METHOD_MODULE_H
#define XP_METHOD_MODULE_H

#include "base/module.h"
#include "solver/solver_int.h"

typedef struct xp_solver_method_module {
	xp_solver_method_fn solve;
} xp_solver_method_module;

#endif

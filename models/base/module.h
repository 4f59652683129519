/* module.h: the parts of crosspipe built as shared modules and loaded on first use.
 *
 * The packet engine (ns-3) and the two exact solver methods (Z3, CBC) pull in large libraries
 * (ns-3 with libstdc++, Z3, COIN-OR CBC). The program does not link them: each is a module,
 * crosspipe-<name>.so ("ns3", "z3", "cbc"), opened with dlopen when it is first needed, so that
 * `crosspipe --version`, `check` or an analytic run never load them. A module carries its own
 * copy of the library code it uses and exports one symbol, xp_module_<name>.
 *
 * Where a module is looked for, in order (the first file that exists is the one loaded):
 *   1. $CROSSPIPE_MODULE_DIR/crosspipe-<name>.so, when that variable is set (and only there);
 *   2. <folder of the program>/plugin/ and <folder of the program>/../plugin/ (the build tree:
 *      build/crosspipe, build/tests/x.t and build/bench/x all find build/plugin/);
 *   3. the installed folder, XP_MODULE_DIR (${LIBDIR}/crosspipe, set by the wscript). */
#ifndef XP_MODULE_H
#define XP_MODULE_H

#include "base/status.h"

struct xp_progress_state;

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a structure shared with the modules changes shape. */
#define XP_MODULE_ABI 3

/* What a module exports as xp_module_<name>. */
typedef struct xp_module {
	unsigned abi;        /* XP_MODULE_ABI when it was built */
	const char *version; /* crosspipe's version string when it was built */
	const void *api;     /* the module's table: xp_packet_plugin, xp_solver_method_module */
	/* called once at load with the program's progress state (progress.h): the module's own copy
	 * of the library then reports on the program's status line */
	void (*adopt_progress)(struct xp_progress_state *host);
} xp_module;

/* The table of module `name`, loaded at the first call and kept for the life of the process.
 * XP_ENOTBUILT when no file is found, XP_EIO when one is found but cannot be loaded or is from
 * another build; err says which file and why. Thread-safe. */
xp_status xp_module_load(const char *name, const void **api, xp_error *err);

#ifdef __cplusplus
}
#endif
#endif

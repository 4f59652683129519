/* engine.c: the table of engines compiled in, and the check-then-run convenience. */
#include "engine.h"

#include <string.h>

extern const xp_engine xp_engine_analytic, xp_engine_ideal;

static const xp_engine *const engines[] = { &xp_engine_analytic, &xp_engine_ideal };

const xp_engine *const *xp_engines(size_t *n)
{
	*n = sizeof engines / sizeof engines[0];
	return engines;
}

const xp_engine *xp_engine_find(const char *name)
{
	for (size_t i = 0; i < sizeof engines / sizeof engines[0]; i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	return NULL;
}

xp_status xp_engine_run(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                        xp_result **out, xp_error *err)
{
	*out = NULL;
	xp_status st = xp_schedule_check(sched, err);
	if (st != XP_OK)
		return st;
	xp_result *r = xp_result_new(sched, e->name);
	if (!r)
		return xp_fail(err, XP_ENOMEM, "out of memory creating a result");
	st = e->run(pr, sched, r, err);
	if (st != XP_OK) {
		xp_result_free(r);
		return st;
	}
	*out = r;
	return XP_OK;
}

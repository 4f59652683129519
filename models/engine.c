/* engine.c: the table of engines compiled in, and the check-then-run convenience.
 *
 * The packet engine (plugin/, ns-3) is referenced through weak symbols: they resolve to NULL when
 * the plugin is not linked, and the table is then one entry shorter (see packet.h). */
#include "engine.h"
#include "packet.h"

#include <string.h>

extern const xp_engine xp_engine_analytic, xp_engine_ideal;
extern const xp_engine xp_engine_packet __attribute__((weak));
extern const xp_packet_plugin xp_packet_plugin_ns3 __attribute__((weak));

/* the packet engine, when linked, is the last entry */
static const xp_engine *const engines[] = { &xp_engine_analytic, &xp_engine_ideal,
	                                    &xp_engine_packet };

const xp_engine *const *xp_engines(size_t *n)
{
	*n = sizeof engines / sizeof engines[0] - (&xp_engine_packet == NULL);
	return engines;
}

const xp_engine *xp_engine_find(const char *name)
{
	size_t n;
	const xp_engine *const *all = xp_engines(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

const xp_packet_plugin *xp_packet(void)
{
	return &xp_packet_plugin_ns3 ? &xp_packet_plugin_ns3 : NULL;
}

const xp_engine *xp_engine_default(void)
{
	return &xp_engine_analytic;
}

xp_status xp_engine_run(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                        xp_result **out, xp_error *err)
{
	return xp_engine_run_measured(e, pr, sched, out, NULL, err);
}

xp_status xp_engine_run_measured(const xp_engine *e, const xp_params *pr, const xp_schedule *sched,
                                 xp_result **out, xp_packet_stats *stats, xp_error *err)
{
	*out = NULL;
	const xp_packet_plugin *pk = xp_packet();
	if (stats && (!pk || pk->engine != e))
		return xp_fail(err, XP_EINVAL, "only the packet engine measures run statistics");
	xp_status st = xp_schedule_check(sched, err);
	if (st != XP_OK)
		return st;
	xp_result *r = xp_result_new(sched, e->name);
	if (!r)
		return xp_fail(err, XP_ENOMEM, "out of memory creating a result");
	st = stats ? pk->run(pr, sched, r, stats, err) : e->run(pr, sched, r, err);
	if (st == XP_OK && e == &xp_engine_analytic)
		st = xp_robustness_run(pr, sched, r, err);
	if (st != XP_OK) {
		xp_result_free(r);
		return st;
	}
	*out = r;
	return XP_OK;
}

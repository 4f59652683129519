/* evaluator.c: the analytic engine's workspace and one result, kept between runs. Search loops
 * (the greedy, auto, the solver's incumbent) plan under network.p2p: decoupled whatever the
 * scenario says; the engines then run their schedule under the scenario's semantics. */
#include "engine/evaluator.h"

#include <stdlib.h>

#include "engine/analytic_int.h"

struct xp_evaluator {
	const xp_params *pr;
	xp_schedule *shape; /* an empty schedule of the shape (the result's first schedule) */
	xp_analytic *engine;
	xp_result *res;
};

xp_status xp_evaluator_new(const xp_params *pr, const xp_schedule *shape, xp_evaluator **out,
                           xp_error *err)
{
	*out = NULL;
	xp_evaluator *ev = calloc(1, sizeof *ev);
	if (!ev)
		return xp_fail(err, XP_ENOMEM, "out of memory for an evaluator");
	ev->pr = pr;
	ev->shape = xp_schedule_copy(shape);
	if (ev->shape)
		xp_schedule_clear(ev->shape);
	xp_status st =
	    ev->shape ? xp_analytic_new_as(pr, ev->shape, 0, XP_P2P_DECOUPLED, &ev->engine, err)
	              : xp_fail(err, XP_ENOMEM, "out of memory for an evaluator");
	if (st == XP_OK && !(ev->res = xp_result_new(ev->shape, "analytic")))
		st = xp_fail(err, XP_ENOMEM, "out of memory for an evaluator");
	if (st != XP_OK) {
		xp_evaluator_free(ev);
		return st;
	}
	*out = ev;
	return XP_OK;
}

void xp_evaluator_free(xp_evaluator *ev)
{
	if (!ev)
		return;
	xp_result_free(ev->res);
	xp_analytic_free(ev->engine);
	xp_schedule_free(ev->shape);
	free(ev);
}

int xp_evaluator_accepts(const xp_evaluator *ev, const xp_schedule *s)
{
	return xp_schedule_same_shape(ev->shape, s);
}

xp_status xp_evaluator_run(xp_evaluator *ev, const xp_schedule *s, const xp_result **res,
                           xp_error *err)
{
	if (res)
		*res = NULL;
	xp_status st = xp_result_reset(ev->res, s);
	if (st != XP_OK)
		return xp_fail(err, st, "out of memory for a result");
	st = xp_analytic_time(ev->engine, s, ev->res, err, NULL, NULL);
	if (st == XP_OK && res)
		*res = ev->res;
	return st;
}

int64_t xp_evaluator_makespan(xp_evaluator *ev, const xp_schedule *s)
{
	const xp_result *r;
	if (xp_evaluator_run(ev, s, &r, NULL) != XP_OK || !r->fits_memory)
		return -1;
	return r->makespan_ns;
}

void xp_evaluator_set_origin(xp_evaluator *ev, int64_t origin_ns)
{
	xp_analytic_set_origin(ev->engine, origin_ns);
}

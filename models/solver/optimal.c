/* optimal.c: the `optimal` and `optimal-v` generators: instance, incumbent, an exact method under
 * the scenario's time limit and gap, and the solver report on the returned schedule. */
#include "base/units.h"
#include "solver/solver_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedules/generators.h"
#include "schedules/schedules.h"

/* The local search's budget, in blocks timed (timings x blocks): about 0.7 s of CPU, whatever
 * the size, and the same answer on every machine. */
#define XP_SV_POLISH_WORK 4000000L

/* The method the generators use: the best of the comparison in the README. */
#define XP_SV_DEFAULT_METHOD "z3"

static double gap_of(const xp_solver_outcome *o)
{
	return o->best_ns > 0 ? (double)(o->best_ns - o->bound_ns) / (double)o->best_ns : 0;
}

static void report(const xp_params *pr, const xp_solver_outcome *o, const char *method, double secs,
                   xp_solver_info *info)
{
	memset(info, 0, sizeof *info);
	info->objective_ns = o->best_ns; /* what the engine re-times, never the model's value */
	info->bound_ns = o->bound_ns;
	info->gap = gap_of(o);
	info->seconds = secs;
	snprintf(info->method, sizeof info->method, "%s", method);
	if (info->gap <= pr->solver_gap + 1e-12)
		info->status = XP_SOLVER_OPTIMAL;
	else if (o->timed_out)
		info->status = XP_SOLVER_TIMEOUT;
	else
		info->status = XP_SOLVER_FEASIBLE;
}

static xp_status solve(xp_solver_instance *in, const char *method, const char *name, int *blk,
                       xp_solver_outcome *o, double t0, xp_error *err)
{
	char from[32];
	const xp_params *pr = in->pr;
	int64_t inc = xp_solver_incumbent(in, blk, from);
	double deadline = t0 + (double)pr->solver_time_limit_ns * 1e-9;
	if (inc < 0)
		return xp_fail(err, XP_ENOMEM, "optimal: out of memory timing the incumbent");
	*o = (xp_solver_outcome){ .best_ns = inc,
		                  .bound_ns = xp_solver_memory_bound(in, inc, deadline) };
	if (gap_of(o) > pr->solver_gap) /* a local search first: cheap, and it often finds more */
		inc = o->best_ns =
		    xp_solver_polish(in, blk, inc, XP_SV_POLISH_WORK / in->n + 1, deadline);
	if (gap_of(o) <= pr->solver_gap)
		return XP_OK; /* the incumbent meets the critical-path or memory bound */
	/* cuts for every order that would close the gap; one refusal there proves the incumbent */
	int64_t target = inc - (int64_t)(pr->solver_gap * (double)inc) - 1;
	if (xp_solver_cuts_at(in, target, deadline) == 0) {
		o->bound_ns = target + 1 > o->bound_ns ? target + 1 : o->bound_ns;
		return XP_OK;
	}
	/* the limit covers the whole run, the incumbent included */
	double secs = (double)pr->solver_time_limit_ns * 1e-9 - (xp_now_s() - t0);
	if (secs <= 0) {
		o->timed_out = 1;
		return XP_OK;
	}
	xp_solver_method_fn fn;
	xp_error why;
	xp_status st = xp_solver_method_load(method, &fn, &why);
	if (st != XP_OK)
		return xp_fail(err, st, "%s: cannot use the exact method %s: %s", name, method,
		               why.msg);
	st = fn(in, blk, secs, pr->solver_gap, o);
	if (st != XP_OK)
		return xp_fail(err, st, "%s: %s while solving", name, xp_strerror(st));
	if (o->bound_ns > o->best_ns)
		o->bound_ns = o->best_ns;
	return XP_OK;
}

static int has_pieces(const xp_schedule *s)
{
	for (int d = 0; d < xp_schedule_devices(s); d++)
		for (size_t i = 0; i < xp_schedule_len(s, d); i++)
			if (xp_schedule_ops(s, d)[i].hi - xp_schedule_ops(s, d)[i].lo !=
			    xp_schedule_ops(s, d)[i].nsub)
				return 1;
	return 0;
}

/* A bound above the critical-path bound was proven over whole-block orders only: say so, and
 * name the greedy's split-block schedule when there is one (it lies outside that space). */
static void note_whole_blocks(const xp_solver_instance *in, const char *greedy, int pieced,
                              int64_t greedy_ns, xp_solver_info *info)
{
	char a[32], b[32];
	if (info->bound_ns <= in->lb_ns)
		return; /* the critical-path bound holds for split blocks too */
	const char *what = info->status == XP_SOLVER_OPTIMAL ? "optimal among" : "bound covers";
	if (pieced)
		snprintf(info->note, sizeof info->note,
		         "%s whole-block orders only (bound %s); %s's schedule (%s) splits blocks "
		         "into pieces, outside the solver's search",
		         what, xp_format_time(a, sizeof a, info->bound_ns), greedy,
		         xp_format_time(b, sizeof b, greedy_ns));
	else
		snprintf(info->note, sizeof info->note,
		         "%s whole-block orders only (bound %s); orders that split blocks into "
		         "pieces are outside the solver's search",
		         what, xp_format_time(a, sizeof a, info->bound_ns));
}

/* The solver searches whole blocks; the greedy may split them into sub-blocks and so reach
 * schedules outside that space. When the greedy of the placement beats the solver's best, *out
 * becomes the greedy's schedule, named `name`, with a solver report that says so: its bound is
 * the critical-path bound (it holds for split blocks too: a block's output leaves at its end)
 * and its status is at best feasible. Otherwise a bound that holds for whole blocks only gets a
 * note that says so. */
static void prefer_greedy(const xp_solver_instance *in, const char *name, int64_t solver_ns,
                          xp_schedule **out, xp_solver_info *info)
{
	xp_schedule *g = NULL;
	xp_result *r = NULL;
	const xp_schedule_kind *k = xp_schedule_kind_find(in->vplace ? "greedy-v" : "greedy");
	if (!k || k->build(in->pr, &g, NULL) != XP_OK ||
	    xp_engine_run(xp_engine_find("analytic"), in->pr, g, &r, NULL) != XP_OK ||
	    !r->fits_memory || r->makespan_ns >= solver_ns) {
		int pieced = g && r && r->fits_memory && has_pieces(g);
		note_whole_blocks(in, k ? k->name : "greedy", pieced, pieced ? r->makespan_ns : 0,
		                  info);
		xp_result_free(r);
		xp_schedule_free(g);
		return;
	}
	char a[32], b[32];
	snprintf(info->note, sizeof info->note,
	         "%s's split-block schedule (%s) is faster than every whole-block order the "
	         "solver found (%s); the solver searches whole blocks only",
	         k->name, xp_format_time(a, sizeof a, r->makespan_ns),
	         xp_format_time(b, sizeof b, solver_ns));
	info->objective_ns = r->makespan_ns;
	info->bound_ns = in->lb_ns < r->makespan_ns ? in->lb_ns : r->makespan_ns;
	info->gap = (double)(info->objective_ns - info->bound_ns) / (double)info->objective_ns;
	if (info->status == XP_SOLVER_OPTIMAL)
		info->status = XP_SOLVER_FEASIBLE;
	xp_schedule_set_name(g, name);
	xp_schedule_free(*out);
	*out = g;
	xp_result_free(r);
}

xp_status xp_solver_run(const xp_params *pr, int vplace, const char *method, const char *name,
                        xp_schedule **out, xp_error *err)
{
	double t0 = xp_now_s();
	xp_solver_instance *in = NULL;
	*out = NULL;
	if (!xp_solver_method_known(method))
		return xp_fail(err, XP_EINVAL, "%s: no exact method '%s'", name, method);
	xp_status st = xp_solver_instance_new(pr, vplace, &in, err);
	if (st != XP_OK)
		return st;
	int *blk = malloc((size_t)in->n * sizeof *blk);
	xp_solver_outcome o;
	if (!blk)
		st = xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	else
		st = solve(in, method, name, blk, &o, t0, err);
	if (st == XP_OK) {
		xp_solver_info info;
		report(pr, &o, method, xp_now_s() - t0, &info);
		*out = xp_solver_to_schedule(in, blk, name);
		if (*out)
			prefer_greedy(in, name, o.best_ns, out, &info);
		if (*out)
			xp_schedule_set_solver(*out, &info);
		else
			st = xp_fail(err, XP_ENOMEM, "%s: out of memory", name);
	}
	free(blk);
	xp_solver_instance_free(in);
	return st;
}

xp_status xp_schedule_build_optimal(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_solver_run(pr, 0, XP_SV_DEFAULT_METHOD, "optimal", out, err);
}

xp_status xp_schedule_build_optimal_v(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	return xp_solver_run(pr, 1, XP_SV_DEFAULT_METHOD, "optimal-v", out, err);
}

/* The probe (crosspipe check): the instance built, which checks the parameters and that the
 * memory limit holds one microbatch; nothing solved, no solver module loaded. */
static xp_status probe(const xp_params *pr, int vplace, xp_error *err)
{
	xp_solver_instance *in = NULL;
	xp_status st = xp_solver_instance_new(pr, vplace, &in, err);
	xp_solver_instance_free(in);
	return st;
}

xp_status xp_schedule_probe_optimal(const xp_params *pr, xp_error *err)
{
	return probe(pr, 0, err);
}

xp_status xp_schedule_probe_optimal_v(const xp_params *pr, xp_error *err)
{
	return probe(pr, 1, err);
}

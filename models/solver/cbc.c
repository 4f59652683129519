/* cbc.c: the disjunctive model as a big-M MILP, solved by COIN-OR CBC through its C API,
 * warm-started from the incumbent. */
#include "base/progress.h"
#include "solver/method_module.h"

#include <Cbc_C_Interface.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Columns: the nx times (in units of `unit` ns), then the ny booleans. */
typedef struct milp {
	const xp_solver_model *md;
	Cbc_Model *cbc;
	double unit;
} milp;

static void add_diff(milp *P, const xp_solver_diff *df)
{
	const xp_solver_model *md = P->md;
	int cols[3] = { df->u, df->v, 0 };
	double coef[3] = { 1, -1, 0 }, c = (double)df->c / P->unit;
	if (df->lit == 0) {
		Cbc_addRow(P->cbc, "", 2, cols, coef, 'G', c);
		return;
	}
	/* the smallest x[u] - x[v] can be: the big M that switches the row off */
	double m = c - (double)(md->lb[df->u] - md->ub[df->v]) / P->unit;
	if (m <= 0)
		return;
	cols[2] = md->nx + abs(df->lit) - 1;
	coef[2] = df->lit > 0 ? -m : m;
	Cbc_addRow(P->cbc, "", 3, cols, coef, 'G', df->lit > 0 ? c - m : c);
}

static int add_pb(milp *P, const xp_solver_pb *pb)
{
	const xp_solver_model *md = P->md;
	int *cols = malloc((size_t)pb->n * sizeof *cols);
	double *coef = malloc((size_t)pb->n * sizeof *coef), rhs = (double)pb->rhs, top = 0;
	if (!cols || !coef) {
		free(cols);
		free(coef);
		return -1;
	}
	for (int i = 0; i < pb->n; i++) {
		int lit = md->tlit[pb->first + i];
		double w = (double)md->tw[pb->first + i];
		cols[i] = md->nx + abs(lit) - 1;
		coef[i] = lit > 0 ? w : -w;
		if (lit < 0)
			rhs -= w;
		top = w > top ? w : top;
	}
	for (int i = 0; i < pb->n; i++) /* scale byte weights to about 1 */
		coef[i] /= top;
	Cbc_addRow(P->cbc, "", pb->n, cols, coef, 'G', rhs / top);
	free(cols);
	free(coef);
	return 0;
}

static int build(milp *P)
{
	const xp_solver_model *md = P->md;
	for (int x = 0; x < md->nx; x++)
		Cbc_addCol(P->cbc, "", (double)md->lb[x] / P->unit, (double)md->ub[x] / P->unit,
		           x == md->mk ? 1.0 : 0.0, 0, 0, NULL, NULL);
	for (int k = 0; k < md->ny; k++)
		Cbc_addCol(P->cbc, "", 0, 1, 0, 1, 0, NULL, NULL);
	for (int i = 0; i < md->n_diffs; i++)
		add_diff(P, &md->diffs[i]);
	for (int i = 0; i < md->n_pbs; i++)
		if (add_pb(P, &md->pbs[i]))
			return -1;
	return 0;
}

static int warm_start(milp *P, const int *blk)
{
	const xp_solver_model *md = P->md;
	int n = md->nx + md->ny;
	double *val = malloc((size_t)n * sizeof *val);
	int *idx = malloc((size_t)n * sizeof *idx);
	int rc = -1;
	if (val && idx && xp_solver_assignment(md, blk, val, val + md->nx) >= 0) {
		for (int i = 0; i < n; i++) {
			idx[i] = i;
			if (i < md->nx)
				val[i] /= P->unit;
		}
		Cbc_setMIPStartI(P->cbc, n, idx, val);
		rc = 0;
	}
	free(val);
	free(idx);
	return rc;
}

static void configure(milp *P, double seconds, double gap)
{
	char buf[32];
	Cbc_setLogLevel(P->cbc, 0);
	Cbc_setMaximumSeconds(P->cbc, seconds > 0.001 ? seconds : 0.001);
	Cbc_setAllowableFractionGap(P->cbc, gap);
	snprintf(buf, sizeof buf, "%d", 102); /* 2 threads, repeatable search */
	Cbc_setParameter(P->cbc, "threads", buf);
}

/* Read CBC's answer: its solution's orders replace blk when the engine finds them faster. */
static void harvest(milp *P, int *blk, xp_solver_outcome *out)
{
	const xp_solver_model *md = P->md;
	const xp_solver_instance *in = md->in;
	double bound = Cbc_getBestPossibleObjValue(P->cbc) * P->unit;
	if (Cbc_isProvenInfeasible(P->cbc))
		bound = (double)out->best_ns; /* nothing below the incumbent's cutoff */
	if (in->cuts && bound > (double)(in->cuts->T_ns + 1))
		bound = (double)(in->cuts->T_ns + 1); /* the cuts hold up to there only */
	if (isfinite(bound) && floor(bound + 1e-6) > (double)out->bound_ns)
		out->bound_ns = (int64_t)floor(bound + 1e-6);
	out->timed_out = Cbc_isSecondsLimitReached(P->cbc);
	out->gave_up = Cbc_isAbandoned(P->cbc) || Cbc_isNodeLimitReached(P->cbc);
	const double *x = Cbc_bestSolution(P->cbc);
	int *cand = x ? malloc((size_t)in->n * sizeof *cand) : NULL;
	if (!cand)
		return;
	xp_solver_orders_from_times(in, x, cand);
	int64_t ns = xp_solver_evaluate(in, cand);
	if (ns >= 0 && ns < out->best_ns) {
		out->best_ns = ns; /* CBC's own value may lie above: its times need not be tight */
		for (int i = 0; i < in->n; i++)
			blk[i] = cand[i];
	}
	free(cand);
}

static xp_status solve(const xp_solver_instance *in, int *blk, double seconds, double gap,
                       xp_solver_outcome *out)
{
	xp_solver_model *md = NULL;
	xp_status st = xp_solver_model_new(in, out->best_ns, &md);
	if (st != XP_OK)
		return st;
	milp P = { .md = md, .cbc = Cbc_newModel() };
	P.unit = in->lb_ns > 100000 ? (double)in->lb_ns / 1e5 : 1.0;
	if (!P.cbc || build(&P) || warm_start(&P, blk)) {
		st = XP_ENOMEM;
		goto out;
	}
	if (md->infeasible) { /* the incumbent is optimal */
		out->bound_ns = xp_solver_refuted(in, out->best_ns);
		goto out;
	}
	configure(&P, seconds, gap);
	Cbc_solve(P.cbc);
	harvest(&P, blk, out);
out:
	if (P.cbc)
		Cbc_deleteModel(P.cbc);
	xp_solver_model_free(md);
	return st;
}

static const xp_solver_method_module method = { solve };

/* The module's one exported symbol (module.h). */
const xp_module xp_module_cbc = { XP_MODULE_ABI, XP_VERSION, &method, xp_progress_adopt };

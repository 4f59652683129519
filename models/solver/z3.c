/* z3.c: the disjunctive model in Z3 (linear real arithmetic, implications and pseudo-Boolean
 * memory rows), minimised by bisection on "makespan <= T": a satisfiable query gives a schedule,
 * an unsatisfiable one a lower bound. Times are exact integers of ns. */
#include "base/progress.h"
#include "base/units.h"
#include "solver/method_module.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <z3.h>

typedef struct smt {
	const xp_solver_model *md;
	unsigned work; /* Z3 resource units per query (solver.work_limit), 0 = none */
	Z3_context ctx;
	Z3_solver sol;
	Z3_sort real;
	Z3_ast *x, *y;
	struct watchdog *wd; /* shows the search's progress */
} smt;

static void watchdog_note(struct watchdog *w, const xp_solver_outcome *o);

static void quiet(Z3_context c, Z3_error_code e)
{
	(void)c;
	(void)e; /* errors are read back with Z3_get_error_code */
}

static Z3_ast num(smt *S, int64_t v)
{
	return Z3_mk_int64(S->ctx, v, S->real);
}

static Z3_ast lit_ast(smt *S, int lit)
{
	return lit > 0 ? S->y[lit - 1] : Z3_mk_not(S->ctx, S->y[-lit - 1]);
}

static void add_diff(smt *S, const xp_solver_diff *df)
{
	Z3_ast d[2] = { S->x[df->u], S->x[df->v] };
	Z3_ast ge = Z3_mk_ge(S->ctx, Z3_mk_sub(S->ctx, 2, d), num(S, df->c));
	Z3_solver_assert(S->ctx, S->sol,
	                 df->lit ? Z3_mk_implies(S->ctx, lit_ast(S, df->lit), ge) : ge);
}

static int64_t gcd(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* sum w*lit >= rhs as a Z3 pseudo-Boolean constraint, weights divided by their gcd. */
static int add_pb(smt *S, const xp_solver_pb *pb)
{
	const xp_solver_model *md = S->md;
	int64_t g = 0, top = 0;
	for (int i = 0; i < pb->n; i++) {
		g = gcd(md->tw[pb->first + i], g);
		top = md->tw[pb->first + i] > top ? md->tw[pb->first + i] : top;
	}
	int64_t k = (pb->rhs + g - 1) / g;
	Z3_ast *a = malloc((size_t)pb->n * sizeof *a);
	int *w = malloc((size_t)pb->n * sizeof *w);
	if (!a || !w || top / g > INT_MAX / 4 || k > INT_MAX / 4) { /* too fine to encode */
		free(a);
		free(w);
		return -1;
	}
	for (int i = 0; i < pb->n; i++) {
		a[i] = lit_ast(S, md->tlit[pb->first + i]);
		w[i] = (int)(md->tw[pb->first + i] / g);
	}
	Z3_solver_assert(S->ctx, S->sol, Z3_mk_pbge(S->ctx, (unsigned)pb->n, a, w, (int)k));
	free(a);
	free(w);
	return 0;
}

static int build(smt *S)
{
	const xp_solver_model *md = S->md;
	S->x = malloc((size_t)md->nx * sizeof *S->x);
	S->y = malloc(((size_t)md->ny + 1) * sizeof *S->y);
	if (!S->x || !S->y)
		return -1;
	Z3_sort bools = Z3_mk_bool_sort(S->ctx);
	for (int i = 0; i < md->nx; i++) {
		S->x[i] = Z3_mk_const(S->ctx, Z3_mk_int_symbol(S->ctx, i), S->real);
		Z3_solver_assert(S->ctx, S->sol, Z3_mk_ge(S->ctx, S->x[i], num(S, md->lb[i])));
		Z3_solver_assert(S->ctx, S->sol, Z3_mk_le(S->ctx, S->x[i], num(S, md->ub[i])));
	}
	for (int k = 0; k < md->ny; k++)
		S->y[k] = Z3_mk_const(S->ctx, Z3_mk_int_symbol(S->ctx, md->nx + k), bools);
	for (int i = 0; i < md->n_diffs; i++)
		add_diff(S, &md->diffs[i]);
	for (int i = 0; i < md->n_pbs; i++)
		if (add_pb(S, &md->pbs[i]))
			return -1;
	return Z3_get_error_code(S->ctx) == Z3_OK ? 0 : -1;
}

/* The orders of a satisfying model; they replace blk when the engine finds them faster. */
static void harvest(smt *S, int *blk, xp_solver_outcome *out)
{
	const xp_solver_instance *in = S->md->in;
	Z3_model m = Z3_solver_get_model(S->ctx, S->sol);
	double *x = malloc((size_t)S->md->nx * sizeof *x);
	int *cand = malloc((size_t)in->n * sizeof *cand);
	if (m)
		Z3_model_inc_ref(S->ctx, m);
	for (int i = 0; m && x && cand && i < S->md->nx; i++) {
		Z3_ast v = NULL;
		x[i] =
		    Z3_model_eval(S->ctx, m, S->x[i], 1, &v) ? Z3_get_numeral_double(S->ctx, v) : 0;
	}
	if (m && x && cand) {
		xp_solver_orders_from_times(in, x, cand);
		int64_t ns = xp_solver_evaluate(in, cand);
		if (ns >= 0 && ns < out->best_ns) {
			out->best_ns = ns; /* the model's times need not be tight: re-timed is <= */
			for (int i = 0; i < in->n; i++)
				blk[i] = cand[i];
		}
	}
	if (m)
		Z3_model_dec_ref(S->ctx, m);
	free(x);
	free(cand);
}

/* Is there a schedule of makespan <= T? Z3_L_UNDEF when the time ran out. */
static Z3_lbool query(smt *S, int64_t T, double left)
{
	Z3_params p = Z3_mk_params(S->ctx);
	Z3_params_inc_ref(S->ctx, p);
	unsigned ms = left > 4e6 ? 4000000000u : (unsigned)(left * 1000) + 1;
	Z3_params_set_uint(S->ctx, p, Z3_mk_string_symbol(S->ctx, "timeout"), ms);
	if (S->work) /* deterministic, unlike the time: the same answer on every machine */
		Z3_params_set_uint(S->ctx, p, Z3_mk_string_symbol(S->ctx, "rlimit"), S->work);
	Z3_solver_set_params(S->ctx, S->sol, p);
	Z3_params_dec_ref(S->ctx, p);
	Z3_solver_push(S->ctx, S->sol);
	Z3_solver_assert(S->ctx, S->sol, Z3_mk_le(S->ctx, S->x[S->md->mk], num(S, T)));
	Z3_lbool r = Z3_solver_check(S->ctx, S->sol);
	return r;
}

/* Bisection on the makespan. The first query asks for the target the gap needs, so that one
 * unsatisfiable answer ends the search; each query gets half of the time left, and a query that
 * cannot be decided in it lowers the ceiling of the interval still searched, so that the bound
 * keeps rising from below (measured at p=8, m=16: a single query at the target took the whole
 * budget and the bound never left the critical path). t0: when the time limit started. */
static void bisect(smt *S, int *blk, double t0, double seconds, double gap, xp_solver_outcome *out)
{
	int64_t ceiling = out->best_ns; /* queries at or above it are undecided or satisfied */
	while ((double)(out->best_ns - out->bound_ns) > gap * (double)out->best_ns) {
		double left = seconds - (xp_now_s() - t0);
		if (left <= 0.01) {
			out->timed_out = 1;
			return;
		}
		if (ceiling <= out->bound_ns) { /* everything below the ceiling is refuted */
			out->gave_up = 1;
			return;
		}
		int64_t T = out->bound_ns + (ceiling - 1 - out->bound_ns) / 2;
		int64_t target = out->best_ns - (int64_t)(gap * (double)out->best_ns) - 1;
		if (T < target && target < ceiling)
			T = target;
		if (S->md->in->cuts && T > S->md->in->cuts->T_ns)
			T = S->md->in->cuts->T_ns; /* the cuts hold up to there only */
		Z3_lbool r = query(S, T, left > 1 ? left / 2 : left);
		if (r == Z3_L_TRUE)
			harvest(S, blk, out);
		Z3_solver_pop(S->ctx, S->sol, 1);
		if (r == Z3_L_FALSE)
			out->bound_ns = T + 1;
		watchdog_note(S->wd, out);
		if (r == Z3_L_UNDEF &&
		    S->work) { /* the work limit: stop where every machine stops */
			out->gave_up = 1;
			return;
		}
		if (r == Z3_L_UNDEF || r == Z3_L_TRUE)
			ceiling = r == Z3_L_TRUE ? out->best_ns : T;
		if (r == Z3_L_TRUE && out->best_ns > T) { /* the engine disagrees: a bug */
			out->gave_up = 1;
			return;
		}
	}
}

/* A watchdog thread that interrupts Z3 at the deadline: the per-query "timeout" parameter does
 * not cover the work Z3 does when it first takes in a large model (measured: 16 s at p=8, m=32
 * with the V placement against a 2 s limit). While it waits it also shows the search's best and
 * bound (progress.h), which the search notes after every query. */
typedef struct watchdog {
	Z3_context ctx;
	struct timespec deadline;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done, started;
	pthread_t th;
	int64_t best_ns, bound_ns; /* the search so far, under mu */
} watchdog;

static void watchdog_note(watchdog *w, const xp_solver_outcome *o)
{
	pthread_mutex_lock(&w->mu);
	w->best_ns = o->best_ns;
	w->bound_ns = o->bound_ns;
	pthread_mutex_unlock(&w->mu);
}

/* The earlier of the deadline and the next progress update. */
static struct timespec next_wake(const watchdog *w)
{
	struct timespec t;
	if (!xp_progress_on())
		return w->deadline;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += (long)(XP_PROGRESS_TTY_S * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	if (t.tv_sec > w->deadline.tv_sec ||
	    (t.tv_sec == w->deadline.tv_sec && t.tv_nsec > w->deadline.tv_nsec))
		return w->deadline;
	return t;
}

static void show_search(const watchdog *w)
{
	char a[32], b[32];
	double gap = w->best_ns > 0 ? (double)(w->best_ns - w->bound_ns) / (double)w->best_ns : 0;
	xp_progress("bound %s, best %s, gap %.1f%%", xp_format_time(a, sizeof a, w->bound_ns),
	            xp_format_time(b, sizeof b, w->best_ns), 100.0 * gap);
}

static void *watch(void *arg)
{
	watchdog *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->done) {
		struct timespec wake = next_wake(w), now;
		if (pthread_cond_timedwait(&w->cv, &w->mu, &wake) != ETIMEDOUT)
			continue;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > w->deadline.tv_sec ||
		    (now.tv_sec == w->deadline.tv_sec && now.tv_nsec >= w->deadline.tv_nsec)) {
			Z3_interrupt(w->ctx);
			break;
		}
		show_search(w);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void watchdog_start(watchdog *w, Z3_context ctx, double seconds)
{
	clock_gettime(CLOCK_REALTIME, &w->deadline);
	double s = seconds > 1e6 ? 1e6 : seconds;
	w->deadline.tv_sec += (time_t)s;
	w->deadline.tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
	if (w->deadline.tv_nsec >= 1000000000L) {
		w->deadline.tv_sec++;
		w->deadline.tv_nsec -= 1000000000L;
	}
	w->ctx = ctx;
	w->done = 0;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->started = pthread_create(&w->th, NULL, watch, w) == 0;
}

static void watchdog_stop(watchdog *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->started)
		pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
}

static xp_status solve(const xp_solver_instance *in, int *blk, double seconds, double gap,
                       xp_solver_outcome *out)
{
	xp_solver_model *md = NULL;
	xp_status st = xp_solver_model_new(in, out->best_ns, &md);
	if (st != XP_OK)
		return st;
	Z3_config cfg = Z3_mk_config();
	smt S = { .md = md,
		  .ctx = Z3_mk_context(cfg),
		  .work = (unsigned)in->pr->solver_work_limit };
	Z3_del_config(cfg);
	Z3_set_error_handler(S.ctx, quiet);
	S.real = Z3_mk_real_sort(S.ctx);
	S.sol = Z3_mk_solver(S.ctx);
	Z3_solver_inc_ref(S.ctx, S.sol);
	watchdog w = { .best_ns = out->best_ns, .bound_ns = out->bound_ns };
	double t0 = xp_now_s();
	S.wd = &w;
	watchdog_start(&w, S.ctx, seconds);
	if (md->infeasible)
		out->bound_ns = xp_solver_refuted(in, out->best_ns);
	else if (build(&S) == 0)
		bisect(&S, blk, t0, seconds, gap, out);
	else
		st = XP_ENOMEM;
	watchdog_stop(&w);
	Z3_solver_dec_ref(S.ctx, S.sol);
	Z3_del_context(S.ctx);
	free(S.x);
	free(S.y);
	xp_solver_model_free(md);
	return st;
}

static const xp_solver_method_module method = { solve };

/* The module's one exported symbol (module.h). */
const xp_module xp_module_z3 = { XP_MODULE_ABI, XP_VERSION, &method, xp_progress_adopt };

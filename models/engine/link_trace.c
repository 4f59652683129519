/* link_trace.c: piecewise-constant rates over time, and the integral of work over them (see
 * link_trace.h).
 *
 * A timeline holds segments [at[k], at[k+1]) of constant rate (and, for a link, latency). A link's
 * segments merge three sources in time order: the trace rows, the stochastic factor's change
 * points and the degradation's start and end. Each source only ever moves forward, so extending
 * the timeline by one segment is O(1), and the segments depend on the seed alone. */
#include "engine/link_trace.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#define MAX_SEGMENTS ((size_t)1 << 26)
#define NEVER        INT64_MAX

struct xp_timeline {
	double scale; /* work per (rate x ns): 1e9 for bits at bits/s, 1 for a speed */
	double share; /* of the rate that serves the work: xp_link_share for a link, else 1 */
	size_t n, cap;
	int64_t *at, *lat;
	double *rate;
	int done; /* no more changes: the last segment lasts for ever */
	/* the sources of a link timeline */
	const xp_link_variation *v;
	double nominal_bps;
	int64_t nominal_lat;
	size_t row;        /* next trace row not yet in force */
	double base_bps;   /* the trace's (or nominal) bandwidth in force */
	int64_t base_lat;  /* and latency */
	int64_t vary_next; /* the stochastic factor's next change (NEVER without one) */
	double vary, x;    /* its value; lognormal: the log-process */
	int low;           /* markov: in the low state */
	gsl_rng *rng;
};

static int push(xp_timeline *tl, int64_t at, double rate, int64_t lat)
{
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? 2 * tl->cap : 64;
		int64_t *a = realloc(tl->at, cap * sizeof *a);
		if (a)
			tl->at = a;
		int64_t *l = a ? realloc(tl->lat, cap * sizeof *l) : NULL;
		if (l)
			tl->lat = l;
		double *r = l ? realloc(tl->rate, cap * sizeof *r) : NULL;
		if (!r)
			return -1;
		tl->rate = r;
		tl->cap = cap;
	}
	tl->at[tl->n] = at;
	tl->rate[tl->n] = rate;
	tl->lat[tl->n] = lat;
	tl->n++;
	return 0;
}

/* The stochastic factor's next value and the time it changes again, from time t. */
static void vary_step(xp_timeline *tl, int64_t t)
{
	const xp_link_variation *v = tl->v;
	double tau = (double)v->correlation_ns;
	if (v->model == XP_VARY_MARKOV) {
		/* rates up->down a = share/tau, down->up b = (1-share)/tau: correlation time tau */
		double mean = tl->low ? tau / (1 - v->low_share) : tau / v->low_share;
		double dwell = gsl_ran_exponential(tl->rng, mean);
		tl->vary = tl->low ? v->low : 1;
		tl->vary_next = t + (dwell < 1 ? 1 : (int64_t)llround(dwell));
		tl->low = !tl->low; /* the state after that dwell */
		return;
	}
	double s2 = log1p(v->spread * v->spread), rho = exp(-(double)v->step_ns / tau);
	tl->x = rho * tl->x + sqrt(1 - rho * rho) * gsl_ran_gaussian(tl->rng, sqrt(s2));
	tl->vary = exp(tl->x - s2 / 2); /* mean 1, coefficient of variation `spread` */
	tl->vary_next = t + v->step_ns;
}

static int64_t min3(int64_t a, int64_t b, int64_t c)
{
	int64_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* The degradation's next boundary after t (NEVER when none). */
static int64_t degrade_next(const xp_link_variation *v, int64_t t)
{
	if (v->degrade_ns <= 0)
		return NEVER;
	if (t < v->degrade_start_ns)
		return v->degrade_start_ns;
	return t < v->degrade_start_ns + v->degrade_ns ? v->degrade_start_ns + v->degrade_ns
	                                               : NEVER;
}

/* Bring every source to time t (a boundary) and append the segment that starts there. */
static int link_segment(xp_timeline *tl, int64_t t)
{
	const xp_link_variation *v = tl->v;
	for (; tl->row < v->n_rows && v->row_ns[tl->row] <= t; tl->row++) {
		tl->base_bps = v->row_bps[tl->row];
		tl->base_lat = v->row_latency_ns[tl->row];
	}
	if (tl->vary_next <= t)
		vary_step(tl, t);
	int degraded = v->degrade_ns > 0 && t >= v->degrade_start_ns &&
	               t < v->degrade_start_ns + v->degrade_ns;
	double bps = tl->base_bps * tl->vary * (degraded ? v->degrade_factor : 1);
	if (isinf(tl->base_bps))
		bps = INFINITY; /* a free link stays free (inf x 0 would be NaN) */
	return push(tl, t, bps, tl->base_lat);
}

/* Append the next segment of a link timeline; 0, 1 when there is none, -1 out of memory. */
static int extend(xp_timeline *tl)
{
	if (tl->done || !tl->v)
		return tl->done = 1;
	const xp_link_variation *v = tl->v;
	int64_t last = tl->at[tl->n - 1];
	int64_t row = tl->row < v->n_rows ? v->row_ns[tl->row] : NEVER;
	int64_t next = min3(row, tl->vary_next, degrade_next(v, last));
	if (next == NEVER)
		return tl->done = 1;
	if (tl->n >= MAX_SEGMENTS)
		return -1;
	return link_segment(tl, next);
}

/* A link of nominal values lc whose conditions over time are v; NULL when constant. */
static xp_status link_timeline(const xp_params *pr, const xp_link_class *lc,
                               const xp_link_variation *v, xp_timeline **out, xp_error *err)
{
	*out = NULL;
	if (v->n_rows == 0 && v->model == XP_VARY_NONE && v->degrade_ns <= 0 &&
	    xp_link_share(pr) == 1)
		return XP_OK;
	xp_timeline *tl = calloc(1, sizeof *tl);
	if (!tl || (v->model != XP_VARY_NONE && !(tl->rng = gsl_rng_alloc(gsl_rng_mt19937)))) {
		free(tl);
		return xp_fail(err, XP_ENOMEM, "out of memory for a time-varying link");
	}
	*tl = (xp_timeline){ .scale = 1e9, .v = v, .rng = tl->rng, .vary = 1, .vary_next = NEVER };
	tl->share = xp_link_share(pr);
	tl->base_bps = tl->nominal_bps = lc->bandwidth_bps;
	tl->base_lat = tl->nominal_lat = lc->latency_ns;
	if (tl->rng) {
		/* a stream of its own, derived from the scenario's seed */
		gsl_rng_set(tl->rng, (unsigned long)(pr->seed ^ 0x5eed11u));
		tl->vary_next = 0;
		if (v->model == XP_VARY_MARKOV)
			tl->low = gsl_rng_uniform(tl->rng) < v->low_share;
		else
			tl->x = gsl_ran_gaussian(tl->rng, sqrt(log1p(v->spread * v->spread)));
	}
	if (link_segment(tl, 0)) {
		xp_timeline_free(tl);
		return xp_fail(err, XP_ENOMEM, "out of memory for a time-varying link");
	}
	*out = tl;
	return XP_OK;
}

xp_status xp_timeline_link(const xp_params *pr, xp_timeline **out, xp_error *err)
{
	return link_timeline(pr, &pr->inter_dc, &pr->inter_var, out, err);
}

xp_status xp_timeline_pair(const xp_params *pr, int dc_a, int dc_b, xp_timeline **out,
                           xp_error *err)
{
	const xp_dc_pair *e = xp_params_dc_pair(pr, dc_a, dc_b);
	*out = NULL;
	return e ? link_timeline(pr, &e->link, &e->var, out, err) : XP_OK;
}

xp_status xp_timeline_straggler(const xp_params *pr, xp_timeline **out, xp_error *err)
{
	const xp_straggler *sg = &pr->straggler;
	*out = NULL;
	if (sg->n_rows == 0)
		return XP_OK;
	xp_timeline *tl = calloc(1, sizeof *tl);
	int bad = !tl;
	if (tl) {
		tl->scale = 1;
		tl->share = 1;
		tl->done = 1;
		bad = sg->row_ns[0] > 0 && push(tl, 0, 1, 0); /* full speed before the first row */
	}
	for (size_t i = 0; i < sg->n_rows && !bad; i++)
		bad = push(tl, sg->row_ns[i], 1 / sg->row_factor[i], 0);
	if (bad) {
		xp_timeline_free(tl);
		return xp_fail(err, XP_ENOMEM, "out of memory for a straggler trace");
	}
	*out = tl;
	return XP_OK;
}

void xp_timeline_free(xp_timeline *tl)
{
	if (!tl)
		return;
	free(tl->at);
	free(tl->lat);
	free(tl->rate);
	gsl_rng_free(tl->rng);
	free(tl);
}

size_t xp_timeline_segments(const xp_timeline *tl)
{
	return tl ? tl->n : 0;
}

/* The segment in force at t (t >= at[0]): from the hint when t is at or just after it, else by
 * bisection. The timeline must already reach past t, or be done. */
static size_t find(const xp_timeline *tl, int64_t t, size_t hint)
{
	size_t k = hint < tl->n && tl->at[hint] <= t ? hint : 0;
	for (int steps = 0; steps < 4; steps++) {
		if (k + 1 >= tl->n || tl->at[k + 1] > t)
			return k;
		k++;
	}
	size_t lo = k, hi = tl->n; /* at[lo] <= t < at[hi] (hi = n: for ever) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tl->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Generate segments until one starts after t (or none will). 0, or -1 at the cap. */
static int reach(xp_timeline *tl, int64_t t)
{
	int r = 0;
	while (tl->at[tl->n - 1] <= t && !tl->done && (r = extend(tl)) == 0)
		;
	return r < 0 ? -1 : 0;
}

static xp_status too_many(xp_error *err)
{
	return xp_fail(err, XP_ENOMEM,
	               "the time-varying link needs more than %zu segments in this run: raise "
	               "network.inter_dc.variation.correlation_time (or .step)",
	               MAX_SEGMENTS);
}

xp_status xp_timeline_finish(xp_timeline *tl, int64_t start_ns, double work, int64_t *end_ns,
                             int64_t *latency_ns, size_t *hint, xp_error *err)
{
	if (reach(tl, start_ns))
		return too_many(err);
	size_t k = find(tl, start_ns, *hint);
	if (latency_ns)
		*latency_ns = tl->lat[k];
	int64_t cur = start_ns;
	for (;;) {
		if (k + 1 == tl->n && reach(tl, cur))
			return too_many(err);
		int64_t seg_end = k + 1 < tl->n ? tl->at[k + 1] : NEVER;
		double rate = tl->rate[k] * tl->share;
		if (isinf(rate) || work <= 0)
			break;
		double need =
		    work * tl->scale / rate; /* ns at this segment's rate; inf at rate 0 */
		if (seg_end == NEVER || need <= (double)(seg_end - cur)) {
			double end = (double)cur + nearbyint(need);
			cur = end >= 9.2e18 ? INT64_MAX : (int64_t)end;
			break;
		}
		work -= rate * (double)(seg_end - cur) / tl->scale;
		cur = seg_end;
		k++;
	}
	*hint = k;
	*end_ns = cur;
	return XP_OK;
}

xp_status xp_timeline_segment(xp_timeline *tl, int64_t t, double *capacity_bps, int64_t *latency_ns,
                              int64_t *next_ns, size_t *hint, xp_error *err)
{
	if (reach(tl, t))
		return too_many(err);
	size_t k = find(tl, t, *hint);
	*capacity_bps = tl->rate[k];
	*latency_ns = tl->lat[k];
	*next_ns = k + 1 < tl->n ? tl->at[k + 1] : NEVER;
	*hint = k;
	return XP_OK;
}

double xp_link_share(const xp_params *pr)
{
	return 1 - pr->background.load;
}

void xp_timeline_link_peak(const xp_params *pr, double *bps, int64_t *latency_ns)
{
	const xp_link_variation *v = &pr->inter_var;
	*bps = pr->inter_dc.bandwidth_bps;
	*latency_ns = pr->inter_dc.latency_ns;
	for (size_t i = 0; i < v->n_rows; i++) {
		*bps = v->row_bps[i] > *bps ? v->row_bps[i] : *bps;
		*latency_ns =
		    v->row_latency_ns[i] > *latency_ns ? v->row_latency_ns[i] : *latency_ns;
	}
	if (v->model == XP_VARY_LOGNORMAL) {
		double s2 = log1p(v->spread * v->spread);
		*bps *= exp(3 * sqrt(s2) - s2 / 2);
	}
}

/* select.c: `auto`: build every candidate schedule, time each on the analytic engine, keep the
 * best that fits memory: the fastest, or with schedule.objective the lowest mean, p95 or worst
 * iteration time over a set of conditions (each candidate built once, for the scenario, and
 * timed as a fixed schedule on every one). */
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "engine/engine.h"
#include "engine/evaluator.h"
#include "schedule/schedule_check.h"
#include "schedules/schedules.h"

/* Build and time one candidate. Returns 0 when it could be built and run; generators that do not
 * apply (interleaved with m not a multiple of p, a limit below what they need) are left out. */
/* The evaluator in *ev is kept while the candidates share a shape. */
static xp_status timing(xp_evaluator **ev, const xp_params *pr, const xp_schedule *s,
                        const xp_result **r, xp_error *e)
{
	xp_status st = xp_schedule_check(s, e);
	if (st == XP_OK && (!*ev || !xp_evaluator_accepts(*ev, s))) {
		xp_evaluator_free(*ev);
		st = xp_evaluator_new(pr, s, ev, e);
	}
	return st == XP_OK ? xp_evaluator_run(*ev, s, r, e) : st;
}

/* Append the iteration times of s under q (its own iterations; no noise, no re-planning, and
 * decoupled messages, as every search loop plans) to ms. */
static xp_status samples_of(const xp_params *q0, const xp_schedule *s, double **ms, int *n,
                            xp_error *err)
{
	xp_params q = *q0;
	q.replan = XP_REPLAN_NEVER;
	q.jitter_samples = 0;
	q.p2p = XP_P2P_DECOUPLED;
	xp_result *r = NULL;
	xp_status st = xp_engine_run_counted(xp_engine_default(), &q, s, &r, err);
	int k = st == XP_OK && r->iters.n > 0 ? r->iters.n : 1;
	double *grown = st == XP_OK ? realloc(*ms, ((size_t)*n + (size_t)k) * sizeof *grown) : NULL;
	if (st == XP_OK && !grown)
		st = xp_fail(err, XP_ENOMEM, "auto: out of memory");
	for (int i = 0; grown && i < k; i++)
		grown[(*n)++] = (double)(r->iters.n > 0 ? r->iters.times_ns[i] : r->makespan_ns);
	if (grown)
		*ms = grown;
	xp_result_free(r);
	return st;
}

/* c's score under pr->objective: over the iterations of every variant (or of pr itself). */
static xp_status score(const xp_params *pr, const xp_schedule *s, xp_candidate *c, xp_error *err)
{
	c->objective = pr->objective;
	c->score_ns = c->makespan_ns;
	c->samples = 1;
	if (pr->objective == XP_OBJECTIVE_MAKESPAN)
		return XP_OK;
	double *ms = NULL;
	int n = 0, nv = pr->n_variants > 0 ? pr->n_variants : 1;
	xp_status st = XP_OK;
	for (int v = 0; v < nv && st == XP_OK; v++)
		st = samples_of(pr->n_variants > 0 ? pr->variants[v] : pr, s, &ms, &n, err);
	if (st == XP_OK) {
		int64_t mean, p50, p95, min, max;
		xp_engine_summarise(ms, n, &mean, &p50, &p95, &min, &max);
		c->score_ns = pr->objective == XP_OBJECTIVE_MEAN  ? mean
		              : pr->objective == XP_OBJECTIVE_P95 ? p95
		                                                  : max;
		c->samples = n;
	}
	free(ms);
	return st;
}

static int time_candidate(const xp_schedule_kind *k, const xp_params *pr, xp_evaluator **ev,
                          xp_schedule **s, xp_candidate *c, xp_status *fatal, xp_error *err)
{
	const xp_result *r = NULL;
	xp_error e;
	*s = NULL;
	xp_progress_task(0, "auto: %s", k->name);
	xp_status st = k->build(pr, s, &e);
	if (st == XP_OK)
		st = timing(ev, pr, *s, &r, &e);
	if (st != XP_OK) {
		xp_schedule_free(*s);
		*s = NULL;
		if (st == XP_ENOMEM || st == XP_ETIMEOUT)
			*fatal = xp_fail(err, st, "auto: %s: %s", k->name, e.msg);
		return -1;
	}
	snprintf(c->name, sizeof c->name, "%s", k->name);
	c->makespan_ns = r->makespan_ns;
	c->fits_memory = r->fits_memory;
	if ((st = score(pr, *s, c, &e)) != XP_OK) {
		*fatal = xp_fail(err, st, "auto: %s: %s", k->name, e.msg);
		xp_schedule_free(*s);
		*s = NULL;
		return -1;
	}
	return 0;
}

/* Fitting ones first, each group by score (the makespan by default); ties keep the table's
 * order (stable). */
static int better(const xp_candidate *a, const xp_candidate *b)
{
	if (a->fits_memory != b->fits_memory)
		return a->fits_memory > b->fits_memory;
	return a->score_ns < b->score_ns;
}

static void sort_candidates(xp_candidate *c, xp_schedule **s, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && better(&c[j], &c[j - 1]); j--) {
			xp_candidate tc = c[j];
			xp_schedule *ts = s[j];
			c[j] = c[j - 1];
			s[j] = s[j - 1];
			c[j - 1] = tc;
			s[j - 1] = ts;
		}
}

/* auto's failure when no candidate fits, the same from the build and the probe. */
static xp_status none_fits(const xp_params *pr, xp_error *err)
{
	return xp_fail(err, XP_EMEMORY,
	               "auto: no candidate schedule fits memory.limit (%lld bytes on device 0)",
	               (long long)pr->memory_limit_bytes[0]);
}

static xp_status choose(xp_candidate *c, xp_schedule **s, int n, xp_schedule **out,
                        const xp_params *pr, xp_error *err)
{
	sort_candidates(c, s, n);
	if (n == 0 || !c[0].fits_memory)
		return none_fits(pr, err);
	*out = xp_schedule_copy(s[0]);
	if (!*out || xp_schedule_set_candidates(*out, c, n) != XP_OK) {
		xp_schedule_free(*out);
		*out = NULL;
		return xp_fail(err, XP_ENOMEM, "auto: out of memory");
	}
	xp_schedule_set_name(*out, "auto");
	return XP_OK;
}

xp_status xp_select_auto(const xp_params *pr, xp_schedule **out, xp_error *err)
{
	size_t nk;
	const xp_schedule_kind *k = xp_schedule_kinds(&nk);
	xp_candidate *c = calloc(nk, sizeof *c);
	xp_schedule **s = calloc(nk, sizeof *s);
	xp_status st = c && s ? XP_OK : xp_fail(err, XP_ENOMEM, "auto: out of memory");
	int n = 0;
	xp_evaluator *ev = NULL;
	*out = NULL;
	for (size_t i = 0; i < nk && st == XP_OK; i++)
		if (strcmp(k[i].name, "auto") != 0 &&
		    time_candidate(&k[i], pr, &ev, &s[n], &c[n], &st, err) == 0)
			n++;
	xp_evaluator_free(ev);
	if (st == XP_OK)
		st = choose(c, s, n, out, pr, err);
	for (int i = 0; i < n; i++)
		xp_schedule_free(s[i]);
	free(s);
	free(c);
	return st;
}

/* Whether kind k can build a schedule for pr that fits memory: its probe, or for a generator
 * without one the schedule built, checked and timed. XP_EMEMORY when it does not fit. */
static xp_status kind_probe(const xp_schedule_kind *k, const xp_params *pr, xp_error *err)
{
	if (k->probe)
		return k->probe(pr, err);
	xp_schedule *s = NULL;
	xp_evaluator *ev = NULL;
	const xp_result *r = NULL;
	xp_status st = k->build(pr, &s, err);
	if (st == XP_OK)
		st = timing(&ev, pr, s, &r, err);
	if (st == XP_OK && !r->fits_memory)
		st = xp_fail(err, XP_EMEMORY, "%s: does not fit memory.limit", k->name);
	xp_evaluator_free(ev);
	xp_schedule_free(s);
	return st;
}

xp_status xp_select_probe(const xp_params *pr, xp_error *err)
{
	size_t nk;
	const xp_schedule_kind *k = xp_schedule_kinds(&nk);
	for (size_t i = 0; i < nk; i++) {
		xp_error e;
		if (strcmp(k[i].name, "auto") == 0)
			continue;
		xp_status st = kind_probe(&k[i], pr, &e);
		if (st == XP_OK)
			return XP_OK;
		if (st == XP_ENOMEM || st == XP_ETIMEOUT)
			return xp_fail(err, st, "auto: %s: %s", k[i].name, e.msg);
	}
	return none_fits(pr, err);
}

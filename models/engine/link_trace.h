/* link_trace.h: conditions that change over simulated time, written once: the inter-DC link's
 * bandwidth and latency (a trace, a seeded stochastic factor, a scheduled degradation), per
 * pair of datacenters when the scenario gives pairs, and a
 * straggler's speed. The analytic engine asks it how long a transfer or a block takes; nothing
 * else computes a time-varying rate.
 *
 * The rule: a rate is piecewise constant; work that spans a change is served at each segment's
 * rate in turn (the time is the integral, not the rate at the start times the work). A transfer's
 * latency is the one in force when it starts on the link.
 *
 * The segments are generated lazily, in time order, from the scenario's seed: which times are
 * asked for, and in which order, never changes the conditions, so a seed gives the same run. */
#ifndef XP_LINK_TRACE_H
#define XP_LINK_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "scenario/scenario.h"

/* A piecewise-constant rate over time (the inter-DC class's, or a straggler's speed). */
typedef struct xp_timeline xp_timeline;

/* The inter-DC link class of pr as it varies over time, or *out = NULL when it is constant
 * (xp_params_time_varying says nothing changes on the link). XP_ENOMEM. */
xp_status xp_timeline_link(const xp_params *pr, xp_timeline **out, xp_error *err);

/* The link between datacenters dc_a and dc_b as it varies over time when network.inter_dc.pairs
 * gives that pair: its own trace and nominal values, with the class's variation (the same
 * factor, from the same seed, as every inter-DC link) and degradation; *out = NULL when that
 * pair is constant, or not given (it then follows xp_timeline_link). XP_ENOMEM. */
xp_status xp_timeline_pair(const xp_params *pr, int dc_a, int dc_b, xp_timeline **out,
                           xp_error *err);

/* The straggler's speed over time (pr->straggler's rows), or *out = NULL without a trace. */
xp_status xp_timeline_straggler(const xp_params *pr, xp_timeline **out, xp_error *err);

void xp_timeline_free(xp_timeline *tl); /* NULL is a no-op */

/* When `work` started at start_ns (absolute simulated time, >= 0) is done: for a link, work is
 * bits and *latency_ns (may be NULL) the latency in force at start_ns; for a straggler, work is
 * the block's nominal nanoseconds. *hint is the caller's cursor (0 at first; one per caller
 * whose times mostly grow makes the look-up O(1)). XP_ENOMEM (in err, which may be NULL) when
 * the stochastic segments outgrow their cap. */
xp_status xp_timeline_finish(xp_timeline *tl, int64_t start_ns, double work, int64_t *end_ns,
                             int64_t *latency_ns, size_t *hint, xp_error *err);

/* How many segments have been generated so far (for tests and benchmarks). */
size_t xp_timeline_segments(const xp_timeline *tl);

/* The segment of a link timeline in force at t (absolute, >= 0): the link's capacity (before
 * the background traffic's share, xp_link_share) and latency, and when the next change comes
 * (*next_ns = INT64_MAX when none will). What the packet engine sets its ns-3 links to. *hint as
 * in xp_timeline_finish. XP_ENOMEM as there. */
xp_status xp_timeline_segment(xp_timeline *tl, int64_t t, double *capacity_bps, int64_t *latency_ns,
                              int64_t *next_ns, size_t *hint, xp_error *err);

/* The share of the inter-DC capacity that the pipeline gets besides the other tenants'
 * background traffic (network.background.load): 1 - load. A link timeline serves transfers at
 * capacity x share (xp_timeline_finish); the packet engine instead simulates the traffic. */
double xp_link_share(const xp_params *pr);

/* The largest bandwidth and latency the inter-DC link can take over the run, known before it
 * starts (the nominal values, the trace rows; a log-normal factor at its 99.87th percentile,
 * exp(3 sigma - sigma^2/2)): what the packet engine sizes its windows and queues for. */
void xp_timeline_link_peak(const xp_params *pr, double *bps, int64_t *latency_ns);

#endif

/* result.c: result records and the metrics every engine reports, derived from the timeline. */
#include "output/result.h"
#include "schedule/block_cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_device_sums(xp_result *r)
{
	for (int d = 0; d < r->devices; d++) {
		r->busy_ns[d] = r->last_end_ns[d] = 0;
		r->first_start_ns[d] = INT64_MAX;
	}
}

xp_result *xp_result_new(const xp_schedule *sched, const char *engine)
{
	xp_result *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	int p = xp_schedule_devices(sched);
	size_t n = xp_schedule_total_ops(sched);
	r->sched = sched;
	r->devices = p;
	snprintf(r->schedule, sizeof r->schedule, "%s", xp_schedule_name(sched));
	snprintf(r->engine, sizeof r->engine, "%s", engine ? engine : "");
	r->op_offset = malloc(((size_t)p + 1) * sizeof *r->op_offset);
	r->op_start_ns = malloc((n ? n : 1) * sizeof *r->op_start_ns);
	r->op_end_ns = malloc((n ? n : 1) * sizeof *r->op_end_ns);
	r->bubble_ratio = calloc((size_t)p, sizeof *r->bubble_ratio);
	r->busy_ns = calloc((size_t)p, sizeof *r->busy_ns);
	r->first_start_ns = calloc((size_t)p, sizeof *r->first_start_ns);
	r->last_end_ns = calloc((size_t)p, sizeof *r->last_end_ns);
	r->peak_memory_bytes = calloc((size_t)p, sizeof *r->peak_memory_bytes);
	r->memory_limit_bytes = calloc((size_t)p, sizeof *r->memory_limit_bytes);
	if (!r->op_offset || !r->op_start_ns || !r->op_end_ns || !r->bubble_ratio || !r->busy_ns ||
	    !r->first_start_ns || !r->last_end_ns || !r->peak_memory_bytes ||
	    !r->memory_limit_bytes) {
		xp_result_free(r);
		return NULL;
	}
	r->op_offset[0] = 0;
	for (int d = 0; d < p; d++)
		r->op_offset[d + 1] = r->op_offset[d] + xp_schedule_len(sched, d);
	r->cap_ops = n ? n : 1;
	r->keep_transfers = r->keep_op_times = 1;
	clear_device_sums(r);
	return r;
}

void xp_result_summary_only(xp_result *r)
{
	r->keep_transfers = r->keep_op_times = 0;
}

xp_status xp_result_reset(xp_result *r, const xp_schedule *sched)
{
	if (xp_schedule_devices(sched) != r->devices)
		return XP_EINVAL;
	size_t n = xp_schedule_total_ops(sched);
	if (n > r->cap_ops) {
		int64_t *a = realloc(r->op_start_ns, n * sizeof *a);
		if (a)
			r->op_start_ns = a;
		int64_t *b = a ? realloc(r->op_end_ns, n * sizeof *b) : NULL;
		if (!b)
			return XP_ENOMEM;
		r->op_end_ns = b;
		r->cap_ops = n;
	}
	if (r->sched != sched) {
		r->sched = sched;
		snprintf(r->schedule, sizeof r->schedule, "%s", xp_schedule_name(sched));
	}
	for (int d = 0; d < r->devices; d++)
		r->op_offset[d + 1] = r->op_offset[d] + xp_schedule_len(sched, d);
	clear_device_sums(r);
	r->n_transfers = r->n_collectives = 0;
	r->transfers_made = r->wan_transfers_made = 0;
	r->wan_queue_ns = r->wan_busy_ns = 0;
	r->robust = (xp_robustness){ 0 };
	free(r->iters.times_ns);
	r->iters = (xp_iterations){ 0 };
	return XP_OK;
}

void xp_result_free(xp_result *r)
{
	if (!r)
		return;
	free(r->op_offset);
	free(r->op_start_ns);
	free(r->op_end_ns);
	free(r->transfers);
	free(r->collectives);
	free(r->bubble_ratio);
	free(r->busy_ns);
	free(r->first_start_ns);
	free(r->last_end_ns);
	free(r->peak_memory_bytes);
	free(r->memory_limit_bytes);
	free(r->iters.times_ns);
	free(r);
}

static xp_status grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return XP_OK;
	size_t c = *cap ? 2 * *cap : 64;
	void *a = realloc(*arr, c * size);
	if (!a)
		return XP_ENOMEM;
	*arr = a;
	*cap = c;
	return XP_OK;
}

xp_status xp_result_add_transfer(xp_result *r, const xp_transfer *t)
{
	r->transfers_made++;
	r->wan_transfers_made += t->crosses_dc != 0;
	if (!r->keep_transfers) {
		if (t->crosses_dc) {
			r->wan_queue_ns += t->start_ns - t->ready_ns;
			r->wan_busy_ns += t->end_ns - t->start_ns;
		}
		return XP_OK;
	}
	if (grow((void **)&r->transfers, &r->cap_transfers, r->n_transfers, sizeof *t))
		return XP_ENOMEM;
	r->transfers[r->n_transfers++] = *t;
	return XP_OK;
}

xp_status xp_result_add_collective(xp_result *r, const xp_collective *c)
{
	if (grow((void **)&r->collectives, &r->cap_collectives, r->n_collectives, sizeof *c))
		return XP_ENOMEM;
	r->collectives[r->n_collectives++] = *c;
	return XP_OK;
}

void xp_result_extent(const xp_result *r, int64_t *first, int64_t *last)
{
	int64_t lo = INT64_MAX, hi = 0;
	for (int d = 0; d < r->devices; d++) {
		if (r->first_start_ns[d] < lo)
			lo = r->first_start_ns[d];
		if (r->last_end_ns[d] > hi)
			hi = r->last_end_ns[d];
	}
	for (size_t i = 0; i < r->n_collectives; i++) {
		if (r->collectives[i].start_ns < lo)
			lo = r->collectives[i].start_ns;
		if (r->collectives[i].end_ns > hi)
			hi = r->collectives[i].end_ns;
	}
	*first = lo == INT64_MAX ? 0 : lo;
	*last = hi;
}

static void device_metrics(xp_result *r)
{
	r->max_device_span_ns = 0;
	for (int d = 0; d < r->devices; d++) {
		int64_t span = r->last_end_ns[d] - r->first_start_ns[d];
		if (r->op_offset[d + 1] > r->op_offset[d] && span > r->max_device_span_ns)
			r->max_device_span_ns = span;
		r->bubble_ratio[d] =
		    r->makespan_ns > 0 ? 1.0 - (double)r->busy_ns[d] / (double)r->makespan_ns : 0.0;
	}
}

void xp_result_finish(xp_result *r, const xp_params *pr)
{
	int64_t first, last;
	xp_result_extent(r, &first, &last);
	r->makespan_ns = last - first;
	device_metrics(r);
	int m = xp_schedule_microbatches(r->sched);
	r->time_per_microbatch_ns = r->makespan_ns / m;
	r->tokens_per_s = r->makespan_ns > 0
	                      ? (double)m * pr->dp * (double)pr->tokens_per_microbatch /
	                            ((double)r->makespan_ns * 1e-9)
	                      : 0.0;
	xp_schedule_peak_memory(pr, r->sched, r->peak_memory_bytes);
	r->fits_memory = 1;
	for (int d = 0; d < r->devices; d++) {
		r->memory_limit_bytes[d] = pr->memory_limit_bytes[d];
		if (r->peak_memory_bytes[d] > r->memory_limit_bytes[d])
			r->fits_memory = 0;
	}
	if (!r->keep_transfers)
		return; /* summed as they were added */
	r->wan_queue_ns = r->wan_busy_ns = 0;
	for (size_t i = 0; i < r->n_transfers; i++) {
		const xp_transfer *t = &r->transfers[i];
		if (!t->crosses_dc)
			continue;
		r->wan_queue_ns += t->start_ns - t->ready_ns;
		r->wan_busy_ns += t->end_ns - t->start_ns;
	}
}

size_t xp_result_transfers(const xp_result *r, size_t *wan)
{
	if (!r->keep_transfers) {
		*wan = r->wan_transfers_made;
		return r->transfers_made;
	}
	*wan = 0;
	for (size_t i = 0; i < r->n_transfers; i++)
		*wan += r->transfers[i].crosses_dc != 0;
	return r->n_transfers;
}

const char *xp_coll_name(xp_coll_kind k)
{
	static const char *const names[XP_COLL_KINDS] = { "all-gather", "reduce-scatter",
		                                          "all-reduce across DCs" };
	return (unsigned)k < XP_COLL_KINDS ? names[k] : "collective";
}

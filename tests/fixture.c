/* fixture.c: hand-built scenarios for the C tests. */
#include "fixture.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schedules/schedules.h"
#include "tap.h"

static void *must(void *p)
{
	if (!p)
		bail("out of memory");
	return p;
}

static int64_t *fill(int p, int64_t v)
{
	int64_t *a = must(malloc((size_t)p * sizeof *a));
	for (int i = 0; i < p; i++)
		a[i] = v;
	return a;
}

xp_params *fx_new(int p, int m, int64_t tf_ns, int64_t td_ns, int64_t tw_ns)
{
	xp_params *pr = must(calloc(1, sizeof *pr));
	pr->stages = p;
	pr->microbatches = m;
	pr->chunks = 2;
	pr->dp = 1;
	pr->forward_ns = fill(p, tf_ns);
	pr->backward_input_ns = fill(p, td_ns);
	pr->backward_weight_ns = fill(p, tw_ns);
	pr->activation_bytes = fill(p, 1000);
	pr->params_bytes = fill(p, 0);
	pr->memory_limit_bytes = fill(p, INT64_MAX);
	pr->message_bytes = 1000;
	pr->tokens_per_microbatch = 4096;
	pr->weight_release = 0.5;
	pr->overlap_f_b = 1;
	pr->datacenters = 1;
	pr->placement = must(calloc((size_t)p, sizeof *pr->placement));
	pr->intra_dc.bandwidth_bps = INFINITY;
	pr->inter_dc.bandwidth_bps = INFINITY;
	pr->seed = 1;
	pr->n_sub = 4;
	pr->solver_time_limit_ns = 60 * (int64_t)1000000000;
	pr->solver_gap = 0.01;
	return pr;
}

void fx_free(xp_params *pr)
{
	if (!pr)
		return;
	xp_params_free(pr);
	free(pr);
}

void fx_datacenters(xp_params *pr, int n_dc, int64_t latency_ns, double bps)
{
	pr->datacenters = n_dc;
	for (int k = 0; k < pr->stages; k++)
		pr->placement[k] = k * n_dc / pr->stages;
	pr->inter_dc.latency_ns = latency_ns;
	pr->inter_dc.bandwidth_bps = bps;
}

void fx_memory_factor(xp_params *pr, double factor)
{
	pr->memory_factor = factor;
	for (int k = 0; k < pr->stages; k++)
		pr->memory_limit_bytes[k] =
		    (int64_t)(factor * pr->stages * (double)pr->activation_bytes[k]);
}

xp_schedule *fx_build(const char *name, const xp_params *pr)
{
	const xp_schedule_kind *k = xp_schedule_kind_find(name);
	xp_schedule *s = NULL;
	xp_error err;
	if (!k)
		bail("no schedule generator '%s'", name);
	if (k->build(pr, &s, &err) != XP_OK)
		bail("%s: %s", name, err.msg);
	return s;
}

xp_result *fx_run(const char *engine, const xp_params *pr, const xp_schedule *sched)
{
	const xp_engine *e = xp_engine_find(engine);
	xp_result *r = NULL;
	xp_error err;
	if (!e)
		bail("no engine '%s'", engine);
	if (xp_engine_run(e, pr, sched, &r, &err) != XP_OK)
		bail("%s on %s: %s", xp_schedule_name(sched), engine, err.msg);
	return r;
}

int fx_v_letters(const xp_schedule *s, int d, char *out, size_t len)
{
	int next[3][2] = { { 0 } }, in_order = 1;
	size_t n = 0;
	for (size_t i = 0; i < xp_schedule_len(s, d) && n + 1 < len; i++) {
		xp_op op = xp_schedule_ops(s, d)[i];
		int type = op.kind == XP_OP_F ? 0 : op.kind == XP_OP_D ? 1 : 2;
		int leg = type == 0 ? op.chunk : 1 - op.chunk;
		in_order &= op.kind != XP_OP_B && op.lo == 0 && op.hi == op.nsub &&
		            op.mb == next[type][leg]++;
		out[n++] = "FfBbWw"[type * 2 + leg];
	}
	out[n] = '\0';
	return in_order;
}

FILE *fx_data(const char *name)
{
	const char *top = getenv("XP_TOP") ? getenv("XP_TOP") : ".";
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/%s", top, name);
	FILE *f = fopen(path, "r");
	if (!f)
		bail("cannot open %s (set XP_TOP to the source tree)", path);
	return f;
}

int fx_same_orders(const xp_schedule *a, const xp_schedule *b)
{
	if (!a || !b || !xp_schedule_same_shape(a, b))
		return 0;
	for (int d = 0; d < xp_schedule_devices(a); d++) {
		size_t n = xp_schedule_len(a, d);
		if (n != xp_schedule_len(b, d) ||
		    memcmp(xp_schedule_ops(a, d), xp_schedule_ops(b, d), n * sizeof(xp_op)))
			return 0;
	}
	return 1;
}

const char fx_wan_base[] =
    "pipeline: {stages: 2, microbatches: 2, chunks: 1}\n"
    "model: {forward: 10ms, backward_input: 5ms, backward_weight: 5ms, message: 125MB,\n"
    "        activation: 1GiB, params: 0B}\n"
    "memory: {limit: inf}\n"
    "datacenters: {count: 2}\n"
    "network:\n"
    "  intra_dc: {latency: 0, bandwidth: inf}\n"
    "  inter_dc: {latency: 5ms, bandwidth: 100Gbps}\n"
    "schedules: [gpipe]\n";

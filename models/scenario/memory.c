/* memory.c: the memory model of one GPU of every stage (docs/memory.md): parameters, gradients
 * and optimizer states (ZeRO-1 shards the states over DP), a reserve for workspace and
 * fragmentation, and what HBM leaves for activations (memory.limit: hbm); and the cluster keys
 * that say how many GPUs a layout may use (datacenters.gpus, datacenters.gpus_per_node). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "scenario/scenario_int.h"

#define M "memory."

/* Bytes per parameter: bf16 weights and gradients, fp32 master weights and two fp32 Adam
 * moments (4 + 4 + 4). */
#define PARAM_BYTES     2
#define GRAD_BYTES      2
#define OPTIMIZER_BYTES 12
#define RESERVE_SHARE   0.1 /* of HBM, when memory.reserve is not given */

typedef struct state_bytes {
	int64_t param, grad, optimizer;
} state_bytes;

static xp_status read_state_bytes(const xp_reader *rd, state_bytes *b)
{
	xp_status st;
	*b = (state_bytes){ PARAM_BYTES, GRAD_BYTES, OPTIMIZER_BYTES };
	if ((st = xp_reader_int(rd, M "param_bytes", 0, 64, 0, &b->param)) ||
	    (st = xp_reader_int(rd, M "grad_bytes", 0, 64, 0, &b->grad)))
		return st;
	return xp_reader_int(rd, M "optimizer_bytes", 0, 64, 0, &b->optimizer);
}

/* memory.reserve: a size (*bytes), or a share of HBM ("10%", "0.1": *share); default 10 %. */
static xp_status read_reserve(const xp_reader *rd, int64_t *bytes, double *share)
{
	const xp_node *n = xp_reader_get(rd, M "reserve");
	const char *why;
	*bytes = -1;
	*share = RESERVE_SHARE;
	if (n && n->kind == XP_NODE_SCALAR && xp_parse_bytes(n->text, bytes, &why) == 0 &&
	    strpbrk(n->text, "BKMGTPkmgtp"))
		return XP_OK;
	*bytes = -1;
	if (xp_reader_number(rd, M "reserve", 0, 0.99, 0, share))
		return xp_reader_fail(rd, n, M "reserve",
		                      "expected a size (4GiB) or a share of memory.hbm below 1 "
		                      "(10%%), got '%s'",
		                      n && n->kind == XP_NODE_SCALAR ? n->text
		                                                     : "a list or mapping");
	return XP_OK;
}

static int parse_bytes_f64(const char *s, double *out, const char **why)
{
	int64_t v = 0;
	int r = xp_parse_bytes(s, &v, why);
	*out = (double)v;
	return r;
}

/* The HBM of every datacenter: datacenters.hbm, else memory.hbm for all; 0 when neither. */
static xp_status read_hbm(const xp_reader *rd, const xp_params *pr, double *hbm, int *given)
{
	int64_t one = 0;
	xp_status st = xp_read_per_dc(rd, "datacenters.hbm", parse_bytes_f64, pr, hbm, given);
	if (st || *given)
		return st;
	if ((st = xp_reader_i64(rd, M "hbm", xp_parse_bytes, 0, &one)))
		return st;
	if (!(*given = xp_reader_get(rd, M "hbm") != NULL))
		return XP_OK;
	if (one <= 0)
		return xp_reader_fail(rd, xp_reader_get(rd, M "hbm"), M "hbm",
		                      "expected a size > 0");
	for (int dc = 0; dc < pr->datacenters; dc++)
		hbm[dc] = (double)one;
	return XP_OK;
}

/* Fill one stage's entry; -1 when a size leaves int64. */
static int stage_entry(const xp_params *pr, int k, const state_bytes *b, int64_t hbm,
                       int64_t reserve, xp_stage_memory *e)
{
	double n = (double)pr->param_count[k];
	double shards = pr->zero ? xp_params_dp_group(pr) : 1; /* hierarchical: one DC's */
	double opt = n * (double)b->optimizer / shards;
	if (n * (double)(b->param + b->grad) + opt >= 9e18)
		return -1;
	*e = (xp_stage_memory){ pr->param_count[k],
		                (int64_t)n * b->param,
		                (int64_t)n * b->grad,
		                (int64_t)nearbyint(opt),
		                reserve,
		                hbm };
	return 0;
}

static xp_status fill_entries(const xp_reader *rd, xp_params *pr, const double *hbm)
{
	state_bytes b;
	int64_t fixed;
	double share;
	const char *key = xp_reader_get(rd, "datacenters.hbm") ? "datacenters.hbm" : M "hbm";
	xp_status st;
	if ((st = read_state_bytes(rd, &b)) || (st = read_reserve(rd, &fixed, &share)))
		return st;
	if (!(pr->stage_memory = calloc((size_t)pr->stages, sizeof *pr->stage_memory)))
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (int k = 0; k < pr->stages; k++) {
		int64_t h = (int64_t)hbm[pr->placement[k]];
		int64_t reserve = fixed >= 0 ? fixed : (int64_t)nearbyint(share * (double)h);
		if (reserve >= h)
			return xp_reader_fail(rd, xp_reader_get(rd, M "reserve"), M "reserve",
			                      "expected less than the HBM of stage %d", k);
		if (stage_entry(pr, k, &b, h, reserve, &pr->stage_memory[k]))
			return xp_reader_fail(
			    rd, xp_reader_get(rd, key), key,
			    "the model's states on stage %d do not fit in 64 bits", k);
	}
	return XP_OK;
}

xp_status xp_read_memory_model(const xp_reader *rd, xp_params *pr)
{
	int64_t zero = 1;
	int given = 0;
	double *hbm = calloc((size_t)pr->datacenters, sizeof *hbm);
	xp_status st = hbm ? xp_reader_int(rd, M "zero", 0, 1, 0, &zero)
	                   : xp_fail(rd->err, XP_ENOMEM, "out of memory");
	pr->zero = (int)zero;
	if (!st)
		st = read_hbm(rd, pr, hbm, &given);
	if (!st && given && !pr->param_count) {
		const char *key = xp_reader_get(rd, M "hbm") ? M "hbm" : "datacenters.hbm";
		st = xp_reader_fail(rd, xp_reader_get(rd, key), key,
		                    "needs model.transformer (the parameter counts per stage)");
	}
	if (!st && given)
		st = fill_entries(rd, pr, hbm);
	free(hbm);
	return st;
}

int64_t xp_stage_memory_static(const xp_stage_memory *e)
{
	return e->params_bytes + e->grads_bytes + e->optimizer_bytes;
}

int64_t xp_stage_memory_left(const xp_stage_memory *e)
{
	return e->hbm_bytes - e->reserve_bytes - xp_stage_memory_static(e);
}

xp_status xp_memory_limit_from_hbm(const xp_reader *rd, const xp_node *n, xp_params *pr)
{
	char hbm[32], need[32];
	if (!pr->stage_memory)
		return xp_reader_fail(rd, n, "memory.limit",
		                      "hbm needs memory.hbm (and model.transformer)");
	pr->from_hbm = 1;
	for (int k = 0; k < pr->stages; k++) {
		const xp_stage_memory *e = &pr->stage_memory[k];
		pr->memory_limit_bytes[k] = xp_stage_memory_left(e);
		if (pr->memory_limit_bytes[k] > 0)
			continue;
		xp_format_bytes(hbm, sizeof hbm, e->hbm_bytes - e->reserve_bytes);
		xp_format_bytes(need, sizeof need, xp_stage_memory_static(e));
		return xp_reader_fail(rd, n, "memory.limit",
		                      "hbm: on stage %d the parameters, gradients and optimizer "
		                      "states (%s) fill the HBM left after the reserve (%s)",
		                      k, need, hbm);
	}
	return XP_OK;
}

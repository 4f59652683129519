/* scenario.c: a scenario file plus --set overrides resolved into xp_params: the public entry
 * points, and the pipeline, memory, datacenters, network and run sections. */
#include "scenario/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/units.h"
#include "scenario/scenario_int.h"

#define MAX_STAGES       4096
#define MAX_MICROBATCHES 1048576
#define MAX_CHUNKS       64
#define MAX_DP           1048576

struct xp_scenario {
	char *name;
	xp_params params;
	xp_scenario **variants; /* schedule.variants, each resolved (scenario_variants.c) */
	const xp_params **variant_params;
	int n_variants;
};

/* Every mapping of the contract and its keys (parents first). */
static const char *const section_paths[] = {
	"",
	"pipeline",
	"model",
	"model.transformer",
	"memory",
	"datacenters",
	"network",
	"network.intra_dc",
	"network.intra_node",
	"network.inter_dc",
	"network.inter_dc.variation",
	"network.inter_dc.degradation", /* network.inter_dc.pairs: scenario_pairs.c */
	"network.queue",
	"network.background",
	"schedule",
	"solver",
	"robustness",
	"stragglers",
	"plan",
	NULL,
};

static const char *const top_keys[] = { "pipeline",  "model",    "memory",     "datacenters",
	                                "network",   "schedule", "solver",     "robustness",
	                                "schedules", "seed",     "stragglers", "iterations",
	                                "plan",      NULL };
static const char *const pipeline_keys[] = { "stages", "microbatches", "chunks",
	                                     "dp",     "global_batch", NULL };
static const char *const model_keys[] = {
	"forward",
	"backward_input",
	"backward_weight",
	"activation",
	"message",
	"params",
	"tokens",
	"weight_release",
	"recompute",
	"recompute_activation",
	"transformer",
	"overlap_f_b",
	NULL,
};
static const char *const transformer_keys[] = {
	"layers", "hidden",    "ffn",         "heads", "kv_heads", "seq", "microbatch_size",
	"tp",     "gpu_flops", "utilisation", "vocab", "layout",   NULL,
};
static const char *const memory_keys[] = { "limit", "budget",      "hbm",        "reserve",
	                                   "zero",  "param_bytes", "grad_bytes", "optimizer_bytes",
	                                   NULL };
static const char *const dc_keys[] = { "count",         "placement", "split", "gpus",
	                               "gpus_per_node", "gpu_flops", "hbm",   NULL };
static const char *const network_keys[] = { "intra_dc",  "intra_node",     "inter_dc",
	                                    "transport", "buffer",         "mtu",
	                                    "queue",     "loss",           "connections",
	                                    "wan",       "initial_window", "p2p",
	                                    "fast",      "background",     NULL };
static const char *const background_keys[] = { "load", "transport", "pattern", "on", "off", NULL };
static const char *const queue_keys[] = { "discipline", "size", NULL };
static const char *const intra_keys[] = { "latency", "bandwidth", NULL };
static const char *const inter_keys[] = { "latency",         "bandwidth", "latency_ratio",
	                                  "bandwidth_ratio", "trace",     "variation",
	                                  "degradation",     "pairs",     NULL };
static const char *const variation_keys[] = { "model", "spread", "correlation_time",
	                                      "step",  "low",    "low_share",
	                                      NULL };
static const char *const degradation_keys[] = { "start", "duration", "bandwidth", NULL };
static const char *const straggler_keys[] = { "device", "datacenter", "factor", "trace", NULL };

static const char *const schedule_keys[] = { "n_sub",     "replan",   "switch_cost",
	                                     "objective", "variants", NULL };
static const char *const solver_keys[] = { "time_limit", "gap", "work_limit", NULL };
static const char *const robustness_keys[] = { "jitter", "samples", NULL };
static const char *const plan_keys[] = { "tp",    "pp",     "microbatch_size", "recompute",
	                                 "cross", "layers", "placement",       NULL };

static const char *const *const section_keys[] = {
	top_keys,       pipeline_keys,    model_keys,     transformer_keys, memory_keys,
	dc_keys,        network_keys,     intra_keys,     intra_keys,       inter_keys,
	variation_keys, degradation_keys, queue_keys,     background_keys,  schedule_keys,
	solver_keys,    robustness_keys,  straggler_keys, plan_keys,
};

static const char *const default_schedules[] = { "gpipe", "1f1b", "interleaved",
	                                         "zbh1",  "zbh2", "zbv" };

xp_status xp_params_alloc(xp_params *pr, xp_error *err)
{
	size_t p = (size_t)pr->stages;
	pr->forward_ns = calloc(p, sizeof(int64_t));
	pr->backward_input_ns = calloc(p, sizeof(int64_t));
	pr->backward_weight_ns = calloc(p, sizeof(int64_t));
	pr->activation_bytes = calloc(p, sizeof(int64_t));
	pr->stored_activation_bytes = calloc(p, sizeof(int64_t));
	pr->params_bytes = calloc(p, sizeof(int64_t));
	pr->memory_limit_bytes = calloc(p, sizeof(int64_t));
	pr->placement = calloc(p, sizeof(int));
	if (!pr->forward_ns || !pr->backward_input_ns || !pr->backward_weight_ns ||
	    !pr->activation_bytes || !pr->stored_activation_bytes || !pr->params_bytes ||
	    !pr->memory_limit_bytes || !pr->placement)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

static xp_status read_pipeline(const xp_reader *rd, xp_params *pr)
{
	int64_t p = 0, m = 0, v = 2, dp = 1;
	xp_status st;
	int by_batch = xp_reader_get(rd, "pipeline.global_batch") != NULL;
	if ((st = xp_reader_int(rd, "pipeline.stages", 1, MAX_STAGES, 1, &p)) ||
	    (st = xp_reader_int(rd, "pipeline.dp", 1, MAX_DP, 0, &dp)))
		return st;
	pr->dp = (int)dp;
	pr->tp = 1;
	if ((st = xp_read_global_batch(rd, pr, &m)) ||
	    (st = xp_reader_int(rd, "pipeline.microbatches", 1, MAX_MICROBATCHES, !by_batch, &m)) ||
	    (st = xp_reader_int(rd, "pipeline.chunks", 1, MAX_CHUNKS, 0, &v)))
		return st;
	if (m > MAX_MICROBATCHES)
		return xp_reader_fail(rd, xp_reader_get(rd, "pipeline.global_batch"),
		                      "pipeline.global_batch",
		                      "gives %lld microbatches per replica, more than %d",
		                      (long long)m, MAX_MICROBATCHES);
	pr->stages = (int)p;
	pr->microbatches = (int)m;
	pr->chunks = (int)v;
	return xp_params_alloc(pr, rd->err);
}

/* Every schedule holds at least one microbatch's activations on each device (all its chunks'
 * forwards come before the first backward): a limit below that is impossible input. */
static xp_status fits_one_microbatch(const xp_reader *rd, const xp_node *n, const xp_params *pr)
{
	char need[32], limit[32];
	for (int k = 0; k < pr->stages; k++) {
		int64_t one = pr->chunks * (pr->activation_bytes[k] / pr->chunks);
		if (pr->memory_limit_bytes[k] >= one)
			continue;
		xp_format_bytes(need, sizeof need, one);
		xp_format_bytes(limit, sizeof limit, pr->memory_limit_bytes[k]);
		return xp_reader_fail(rd, n ? n : rd->root, "memory.limit",
		                      "%s on device %d is below one microbatch's activations there "
		                      "(%s): no schedule fits",
		                      limit, k, need);
	}
	return XP_OK;
}

/* A memory.limit that is not hbm: a factor ("1.5x", into *factor) or bytes ("80GiB", "inf",
 * into *bytes). */
static xp_status parse_limit(const xp_reader *rd, const xp_node *n, const char *text,
                             double *factor, int64_t *bytes)
{
	static const char what[] = "a size (80GiB), a factor of the 1F1B budget (1.0x), hbm (what "
	                           "memory.hbm leaves) or inf";
	size_t len = strlen(text);
	char num[64];
	const char *why;
	*factor = 0;
	*bytes = INT64_MAX;
	if (n && n->kind != XP_NODE_SCALAR)
		return xp_reader_fail(rd, n, "memory.limit", "expected %s, got a list or mapping",
		                      what);
	if (len > 1 && len < sizeof num && text[len - 1] == 'x') {
		memcpy(num, text, len - 1);
		num[len - 1] = '\0';
		if (xp_parse_number(num, factor, &why) < 0 || *factor <= 0)
			return xp_reader_fail(rd, n, "memory.limit", "expected %s, got '%s'", what,
			                      text);
	} else if (strcmp(text, "inf") != 0 && strcmp(text, ".inf") != 0 &&
	           (xp_parse_bytes(text, bytes, &why) < 0 || *bytes == 0)) {
		return xp_reader_fail(rd, n, "memory.limit", "expected %s, got '%s'", what, text);
	}
	return XP_OK;
}

/* memory.budget: which M_F a factor limit multiplies: as-run (the M_F the model runs with,
 * after recomputation) or no-recompute (the same model keeping every activation: a budget in
 * bytes that recomputation then fills with more microbatches). Only with a factor limit. */
static xp_status read_budget(const xp_reader *rd, const xp_node *limit, xp_params *pr)
{
	static const char *const budgets[] = { "as-run", "no-recompute", NULL };
	const xp_node *n = xp_reader_get(rd, "memory.budget");
	xp_status st;
	pr->memory_budget = 0;
	st = xp_reader_choice(rd, "memory.budget", budgets, &pr->memory_budget);
	if (st || !n || pr->memory_factor > 0)
		return st;
	return xp_reader_fail(rd, n, "memory.budget",
	                      "expected only with a factor memory.limit (1.0x), got limit '%s'",
	                      limit && limit->kind == XP_NODE_SCALAR ? limit->text : "1.0x");
}

/* memory.limit: "80GiB", "1.5x" (of the 1F1B budget p·M_F per stage, M_F as memory.budget
 * says), "hbm" (what memory.hbm leaves, memory.c) or "inf". */
static xp_status read_memory(const xp_reader *rd, xp_params *pr)
{
	const xp_node *n = xp_reader_get(rd, "memory.limit");
	const char *text = n && n->kind == XP_NODE_SCALAR ? n->text : "1.0x";
	double factor = 0;
	int64_t bytes = INT64_MAX;
	xp_status st = xp_read_memory_model(rd, pr);
	if (st)
		return st;
	if (!strcmp(text, "hbm") && n) {
		st = xp_memory_limit_from_hbm(rd, n, pr);
		if (!st)
			st = read_budget(rd, n, pr);
		return st ? st : fits_one_microbatch(rd, n, pr);
	}
	if ((st = parse_limit(rd, n, text, &factor, &bytes)))
		return st;
	pr->memory_factor = factor;
	if ((st = read_budget(rd, n, pr)))
		return st;
	const int64_t *mf = pr->memory_budget ? pr->stored_activation_bytes : pr->activation_bytes;
	for (int k = 0; k < pr->stages; k++) {
		double budget = factor * pr->stages * (double)mf[k];
		if (budget >= 9e18) /* beyond int64: not "unlimited" unless it says inf */
			return xp_reader_fail(
			    rd, n, "memory.limit",
			    "'%s' of stage %d's 1F1B budget (%.3g bytes) is more than "
			    "the largest limit (9e18); write inf for no limit",
			    text, k, budget);
		pr->memory_limit_bytes[k] = factor == 0 ? bytes : (int64_t)nearbyint(budget);
	}
	return fits_one_microbatch(rd, n, pr);
}

/* The key node of `b` is blamed when both `a` and `b` are given. */
static xp_status exclusive(const xp_reader *rd, const char *a, const char *b)
{
	if (!xp_reader_get(rd, a) || !xp_reader_get(rd, b))
		return XP_OK;
	return xp_reader_fail(rd, xp_reader_key(rd, b), b, "expected either %s or %s, not both", a,
	                      b);
}

/* datacenters.split: dp or hierarchical: every pipeline inside one DC (placement all 0), the DP
 * replicas spread over `count` DCs, so dp must be a multiple of count. */
static xp_status read_dp_split(const xp_reader *rd, xp_params *pr)
{
	int64_t count = 1;
	const xp_node *pl = xp_reader_get(rd, "datacenters.placement");
	xp_status st = xp_reader_int(rd, "datacenters.count", 1, INT32_MAX, 0, &count);
	if (st)
		return st;
	if (pl)
		return xp_reader_fail(rd, pl, "datacenters.placement",
		                      "not with split: dp (every pipeline sits inside one DC)");
	if (count < 2 || pr->dp % count)
		return xp_reader_fail(
		    rd, xp_reader_get(rd, "datacenters.split"), "datacenters.split",
		    "%s needs datacenters.count >= 2 dividing pipeline.dp (%d), got %lld",
		    xp_params_split_name(pr), pr->dp, (long long)count);
	pr->datacenters = (int)count;
	return XP_OK;
}

static xp_status read_datacenters(const xp_reader *rd, xp_params *pr)
{
	static const char *const splits[] = { "pp", "dp", "hierarchical", NULL };
	int p = pr->stages, split = 0;
	int64_t count = 1;
	xp_status st = exclusive(rd, "datacenters.count", "datacenters.placement");
	if (!st)
		st = xp_reader_choice(rd, "datacenters.split", splits, &split);
	if (st)
		return st;
	pr->dp_across_dc = split > 0;
	pr->dp_hierarchical = split == 2;
	if (pr->dp_across_dc)
		return read_dp_split(rd, pr);
	if (xp_reader_get(rd, "datacenters.placement")) {
		st = xp_reader_int_list(rd, "datacenters.placement", p, 0, p - 1, pr->placement);
		pr->datacenters = 0;
		for (int k = 0; k < p; k++)
			if (pr->placement[k] + 1 > pr->datacenters)
				pr->datacenters = pr->placement[k] + 1;
		return st;
	}
	if ((st = xp_reader_int(rd, "datacenters.count", 1, p, 0, &count)))
		return st;
	/* Equal contiguous groups; the first p % count DCs take one stage more. */
	int base = p / (int)count, extra = p % (int)count, k = 0;
	for (int dc = 0; dc < (int)count; dc++)
		for (int i = 0; i < base + (dc < extra); i++)
			pr->placement[k++] = dc;
	pr->datacenters = (int)count;
	return XP_OK;
}

static xp_status read_link(const xp_reader *rd, const char *lat, const char *bw, xp_link_class *l)
{
	xp_status st = xp_reader_i64(rd, lat, xp_parse_time_ns, 0, &l->latency_ns);
	return st ? st : xp_reader_f64(rd, bw, xp_parse_bandwidth_bps, 0, &l->bandwidth_bps);
}

/* The inter-DC ratios: latency = r·T_F; bandwidth such that message·8/bandwidth = r·T_F. */
static xp_status read_ratios(const xp_reader *rd, xp_params *pr)
{
	static const char lat[] = "network.inter_dc.latency_ratio";
	static const char bw[] = "network.inter_dc.bandwidth_ratio";
	double tf = (double)xp_params_tf_ns(pr), r = 0;
	xp_status st;
	if (xp_reader_get(rd, lat)) {
		if ((st = xp_reader_number(rd, lat, 0, 1e6, 1, &r)))
			return st;
		if (r * tf >= (double)XP_SAFE_NS)
			return xp_reader_fail(
			    rd, xp_reader_get(rd, lat), lat,
			    "%g x T_F (%.0f ns) is a latency beyond 2^62 ns (146 years)", r, tf);
		pr->inter_dc.latency_ns = (int64_t)nearbyint(r * tf);
	}
	if (!xp_reader_get(rd, bw))
		return XP_OK;
	if ((st = xp_reader_number(rd, bw, 0, 1e6, 1, &r)))
		return st;
	if (r > 0 && pr->message_bytes == 0)
		return xp_reader_fail(rd, xp_reader_get(rd, bw), bw,
		                      "expected 0 when model.message is 0 bytes, got %g", r);
	pr->inter_dc.bandwidth_bps = r == 0 ? INFINITY : (double)pr->message_bytes * 8e9 / (r * tf);
	return XP_OK;
}

static const char *const p2p_names[] = { "decoupled", "rendezvous", "blocking",
	                                 "megatron",  "prefetch",   NULL };

const char *xp_p2p_name(int p2p)
{
	return p2p >= 0 && p2p < XP_P2P_COUNT ? p2p_names[p2p] : "?";
}

/* network.p2p: the communication semantics both engines execute under (docs/model.md). */
static xp_status read_p2p(const xp_reader *rd, xp_params *pr)
{
	static const char key[] = "network.p2p";
	pr->p2p = XP_P2P_DECOUPLED;
	return xp_reader_choice(rd, key, p2p_names, &pr->p2p);
}

static xp_status read_network(const xp_reader *rd, xp_params *pr)
{
	xp_status st;
	pr->intra_dc = (xp_link_class){ 0, INFINITY };
	pr->inter_dc = (xp_link_class){ 0, INFINITY };
	if ((st = read_link(rd, "network.intra_dc.latency", "network.intra_dc.bandwidth",
	                    &pr->intra_dc)) ||
	    (st = exclusive(rd, "network.inter_dc.latency", "network.inter_dc.latency_ratio")) ||
	    (st =
	         exclusive(rd, "network.inter_dc.bandwidth", "network.inter_dc.bandwidth_ratio")) ||
	    (st = read_link(rd, "network.inter_dc.latency", "network.inter_dc.bandwidth",
	                    &pr->inter_dc)) ||
	    (st = read_p2p(rd, pr)))
		return st;
	return read_ratios(rd, pr);
}

/* schedule.*, solver.* and robustness.*: knobs of the adaptive schedules and of re-timing. */
static xp_status read_adaptive(const xp_reader *rd, xp_params *pr)
{
	int64_t n_sub = 4, samples = 0;
	xp_status st;
	pr->solver_time_limit_ns = 60 * (int64_t)1000000000;
	pr->solver_gap = 0.01;
	pr->jitter = 0;
	if ((st = xp_reader_int(rd, "schedule.n_sub", 1, 64, 0, &n_sub)) ||
	    (st = xp_reader_i64(rd, "solver.time_limit", xp_parse_time_ns, 0,
	                        &pr->solver_time_limit_ns)) ||
	    (st = xp_reader_number(rd, "solver.gap", 0, 1, 0, &pr->solver_gap)) ||
	    (st = xp_reader_int(rd, "solver.work_limit", 0, UINT32_MAX, 0,
	                        &pr->solver_work_limit)) ||
	    (st = xp_reader_number(rd, "robustness.jitter", 0, 1, 0, &pr->jitter)) ||
	    (st = xp_reader_int(rd, "robustness.samples", 0, 1000000, 0, &samples)))
		return st;
	if (pr->solver_time_limit_ns <= 0)
		return xp_reader_fail(rd, xp_reader_get(rd, "solver.time_limit"),
		                      "solver.time_limit", "expected a time > 0");
	pr->n_sub = (int)n_sub;
	pr->jitter_samples = (int)samples;
	return XP_OK;
}

static xp_status read_run(const xp_reader *rd, xp_params *pr)
{
	int64_t seed = 1;
	size_t n = sizeof default_schedules / sizeof default_schedules[0];
	xp_status st = xp_reader_strings(rd, "schedules", &pr->schedules, &pr->n_schedules);
	if (st || (st = xp_reader_int(rd, "seed", 0, INT64_MAX, 0, &seed)))
		return st;
	pr->seed = (uint64_t)seed;
	if (pr->schedules)
		return XP_OK;
	if (!(pr->schedules = calloc(n, sizeof *pr->schedules)))
		return xp_fail(rd->err, XP_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!(pr->schedules[i] = strdup(default_schedules[i])))
			return xp_fail(rd->err, XP_ENOMEM, "out of memory");
		pr->n_schedules = (int)i + 1;
	}
	return XP_OK;
}

static xp_status resolve(const xp_reader *rd, xp_params *pr)
{
	xp_status st;
	if ((st = xp_reader_schema(rd, section_paths, section_keys)) ||
	    (st = read_pipeline(rd, pr)) || (st = read_datacenters(rd, pr)) ||
	    (st = xp_read_model(rd, pr)) || (st = read_memory(rd, pr)) ||
	    (st = xp_read_cluster(rd, pr)) || (st = read_network(rd, pr)) ||
	    (st = xp_read_packet_net(rd, &pr->packet)) ||
	    (st = xp_read_background(rd, &pr->background)) || (st = read_adaptive(rd, pr)) ||
	    (st = xp_read_wan(rd, pr)))
		return st;
	if ((st = read_run(rd, pr)))
		return st;
	return xp_check_time_bound(rd, pr);
}

/* The text's tree with the overrides grafted on; srcs has n_overrides + 1 entries and must
 * outlive the tree. */
static xp_status load_tree(const xp_scenario_text *t, xp_src *srcs, xp_node **root, xp_error *err)
{
	srcs[0] = (xp_src){ t->name, NULL };
	xp_status st = xp_yaml_load(t->text, t->len, &srcs[0], root, err);
	for (int i = 0; !st && i < t->n_overrides; i++) {
		srcs[i + 1] = (xp_src){ t->name, t->overrides[i] ? t->overrides[i] : "" };
		st = xp_yaml_override(*root, &srcs[i + 1], err);
	}
	return st;
}

/* Resolve the scenario t (with extra grafts, when set or seed is given) into a new xp_scenario.
 * Its own schedule.variants are read only when `variants` (a variant has none). */
static xp_status build(const xp_scenario_text *t, const xp_node *set, const xp_node *seed,
                       int variants, xp_scenario **out, xp_error *err)
{
	xp_scenario *sc = calloc(1, sizeof *sc);
	xp_src *srcs = calloc((size_t)t->n_overrides + 1, sizeof *srcs);
	xp_node *root = NULL;
	xp_status st = XP_OK;
	*out = NULL;
	if (!sc || !srcs || !(sc->name = strdup(t->name)))
		st = xp_fail(err, XP_ENOMEM, "out of memory");
	if (!st)
		st = load_tree(t, srcs, &root, err);
	if (!st && set)
		st = xp_yaml_graft_all(root, set, "", err);
	xp_node *seed_copy = !st && seed ? xp_node_copy(seed) : NULL;
	if (!st && seed)
		st = seed_copy ? xp_yaml_graft(root, "seed", seed_copy, seed, err)
		               : xp_fail(err, XP_ENOMEM, "out of memory");
	if (!st && !variants)
		xp_yaml_drop(root, "schedule", "variants");
	xp_reader rd = { root, err };
	if (!st)
		st = resolve(&rd, &sc->params);
	if (!st && variants)
		st = xp_read_variants(&rd, t, &sc->params, &sc->variants, &sc->n_variants);
	xp_node_free(root);
	free(srcs);
	if (!st && sc->n_variants > 0) {
		if (!(sc->variant_params = calloc((size_t)sc->n_variants, sizeof(xp_params *))))
			st = xp_fail(err, XP_ENOMEM, "out of memory");
		for (int i = 0; !st && i < sc->n_variants; i++)
			sc->variant_params[i] = &sc->variants[i]->params;
		sc->params.variants = (const xp_params *const *)sc->variant_params;
		sc->params.n_variants = sc->n_variants;
	}
	if (st) {
		xp_scenario_free(sc);
		return st;
	}
	*out = sc;
	return XP_OK;
}

xp_status xp_scenario_variant(const xp_scenario_text *t, const xp_node *set, const xp_node *seed,
                              xp_scenario **out, xp_error *err)
{
	return build(t, set, seed, 0, out, err);
}

xp_status xp_scenario_parse(const char *text, size_t len, const char *name,
                            const char *const *overrides, int n_overrides, xp_scenario **out,
                            xp_error *err)
{
	if (!out || !text || n_overrides < 0 || (n_overrides > 0 && !overrides))
		return xp_fail(err, XP_EINVAL, "xp_scenario_parse: invalid arguments");
	xp_scenario_text t = { text, len, name ? name : "<scenario>", overrides, n_overrides };
	return build(&t, NULL, NULL, 1, out, err);
}

xp_status xp_scenario_load(const char *path, const char *const *overrides, int n_overrides,
                           xp_scenario **out, xp_error *err)
{
	size_t len = 0;
	char *text = NULL;
	if (out)
		*out = NULL;
	if (!path)
		return xp_fail(err, XP_EINVAL, "xp_scenario_load: no path");
	xp_status st = xp_io_read_file(path, &text, &len, err);
	if (st)
		return st;
	st = xp_scenario_parse(text, len, path, overrides, n_overrides, out, err);
	free(text);
	return st;
}

const xp_params *xp_scenario_params(const xp_scenario *sc)
{
	return sc ? &sc->params : NULL;
}

const char *xp_scenario_name(const xp_scenario *sc)
{
	return sc ? sc->name : NULL;
}

int64_t xp_params_tf_ns(const xp_params *pr)
{
	int64_t tf = 0;
	for (int k = 0; k < pr->stages; k++)
		if (pr->forward_ns[k] > tf)
			tf = pr->forward_ns[k];
	return tf;
}

int xp_params_dp_group(const xp_params *pr)
{
	return pr->dp_hierarchical && pr->datacenters > 0 ? pr->dp / pr->datacenters : pr->dp;
}

const char *xp_params_split_name(const xp_params *pr)
{
	return pr->dp_hierarchical ? "hierarchical" : pr->dp_across_dc ? "dp" : "pp";
}

const xp_link_class *xp_params_link(const xp_params *pr, int a, int b)
{
	int da = pr->placement[a], db = pr->placement[b];
	return da == db ? &pr->intra_dc : xp_params_dc_link(pr, da, db);
}

const xp_dc_pair *xp_params_dc_pair(const xp_params *pr, int dc_a, int dc_b)
{
	int lo = dc_a < dc_b ? dc_a : dc_b, hi = dc_a < dc_b ? dc_b : dc_a;
	if (!pr->dc_pairs || lo == hi || !pr->dc_pairs[lo * pr->datacenters + hi].given)
		return NULL;
	return &pr->dc_pairs[lo * pr->datacenters + hi];
}

const xp_link_class *xp_params_dc_link(const xp_params *pr, int dc_a, int dc_b)
{
	const xp_dc_pair *e = xp_params_dc_pair(pr, dc_a, dc_b);
	return e ? &e->link : &pr->inter_dc;
}

void xp_scenario_free(xp_scenario *sc)
{
	if (!sc)
		return;
	for (int i = 0; i < sc->n_variants; i++)
		xp_scenario_free(sc->variants[i]);
	free(sc->variants);
	free(sc->variant_params);
	xp_params_free(&sc->params);
	free(sc->name);
	free(sc);
}

void xp_params_free(xp_params *pr)
{
	free(pr->forward_ns);
	free(pr->backward_input_ns);
	free(pr->backward_weight_ns);
	free(pr->activation_bytes);
	free(pr->stored_activation_bytes);
	free(pr->params_bytes);
	free(pr->memory_limit_bytes);
	free(pr->placement);
	free(pr->param_count);
	free(pr->stage_layers);
	free(pr->stage_memory);
	for (int i = 0; pr->schedules && i < pr->n_schedules; i++)
		free(pr->schedules[i]);
	free(pr->schedules);
	xp_params_free_wan(pr);
}

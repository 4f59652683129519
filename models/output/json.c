/* json.c: the JSON report: version, the resolved scenario echoed, and one record per result. */
#include <inttypes.h>
#include <math.h>

#include "crosspipe.h"
#include "output/output_int.h"

static void link_class(xp_json *j, const char *key, const xp_link_class *l)
{
	xp_json_object(j, key, 1);
	xp_json_int(j, "latency_ns", l->latency_ns);
	if (isinf(l->bandwidth_bps))
		xp_json_null(j, "bandwidth_bps");
	else
		xp_json_num(j, "bandwidth_bps", l->bandwidth_bps);
	xp_json_end(j);
}

static void scenario_model(xp_json *j, const xp_params *pr)
{
	int p = pr->stages;
	xp_json_ints(j, "forward_ns", pr->forward_ns, p, 0);
	xp_json_ints(j, "backward_input_ns", pr->backward_input_ns, p, 0);
	xp_json_ints(j, "backward_weight_ns", pr->backward_weight_ns, p, 0);
	xp_json_ints(j, "activation_bytes", pr->activation_bytes, p, 0);
	xp_json_ints(j, "params_bytes", pr->params_bytes, p, 0);
	xp_json_int(j, "message_bytes", pr->message_bytes);
	xp_json_int(j, "tokens_per_microbatch", pr->tokens_per_microbatch);
	xp_json_num(j, "weight_release", pr->weight_release);
	if (pr->overlap_f_b != 1) /* absent: 1 (docs/outputs.md) */
		xp_json_num(j, "overlap_f_b", pr->overlap_f_b);
	xp_json_str(j, "recompute", pr->recompute ? "full" : "none");
}

/* network.* for the packet engine; 0 values mean the documented defaults and are echoed so. */
static void packet_net(xp_json *j, const xp_packet_net *n)
{
	static const char *const transports[] = { "newreno", "cubic", "bbr", "dctcp" };
	static const char *const qdiscs[] = { "fifo", "red", "codel", "fqcodel" };
	xp_json_object(j, "packet", 1);
	xp_json_str(j, "transport", transports[n->transport & 3]);
	if (n->buffer_bytes > 0)
		xp_json_int(j, "buffer_bytes", n->buffer_bytes);
	else
		xp_json_num(j, "buffer_bdp", n->buffer_bdp > 0 ? n->buffer_bdp : 1.5);
	xp_json_int(j, "mtu", n->mtu > 0 ? n->mtu : 9000);
	xp_json_str(j, "queue_discipline", qdiscs[n->qdisc & 3]);
	if (n->queue_packets > 0)
		xp_json_int(j, "queue_packets", n->queue_packets);
	else
		xp_json_num(j, "queue_bdp", n->queue_bdp > 0 ? n->queue_bdp : 2.0);
	xp_json_num(j, "loss", n->loss);
	if (n->connections > 0)
		xp_json_int(j, "connections", n->connections);
	else
		xp_json_str(j, "connections", "auto");
	xp_json_str(j, "wan", n->wan == XP_WAN_CHAIN ? "chain" : "pairs");
	xp_json_str(j, "initial_window",
	            n->initial_window == XP_WINDOW_STANDARD ? "standard" : "open");
	if (n->fast == XP_FAST_JUMBO) /* echoed only when on: the default output is unchanged */
		xp_json_str(j, "fast", "jumbo");
	xp_json_end(j);
}

/* The memory model per stage (memory.hbm given): what one GPU holds besides activations. */
static void stage_memory(xp_json *j, const xp_params *pr)
{
	xp_json_array(j, "stage_memory", 0);
	for (int k = 0; k < pr->stages; k++) {
		const xp_stage_memory *e = &pr->stage_memory[k];
		xp_json_object(j, NULL, 1);
		xp_json_int(j, "param_count", e->param_count);
		xp_json_int(j, "params_bytes", e->params_bytes);
		xp_json_int(j, "grads_bytes", e->grads_bytes);
		xp_json_int(j, "optimizer_bytes", e->optimizer_bytes);
		xp_json_int(j, "reserve_bytes", e->reserve_bytes);
		xp_json_int(j, "hbm_bytes", e->hbm_bytes);
		xp_json_int(j, "left_for_activations_bytes", xp_stage_memory_left(e));
		xp_json_end(j);
	}
	xp_json_end(j);
}

static void scenario(xp_json *j, const xp_scenario *sc)
{
	const xp_params *pr = xp_scenario_params(sc);
	xp_json_object(j, "scenario", 0);
	xp_json_str(j, "name", xp_scenario_name(sc));
	xp_json_int(j, "stages", pr->stages);
	xp_json_int(j, "microbatches", pr->microbatches);
	xp_json_int(j, "chunks", pr->chunks);
	xp_json_int(j, "dp", pr->dp);
	scenario_model(j, pr);
	xp_json_ints(j, "memory_limit_bytes", pr->memory_limit_bytes, pr->stages, 1);
	if (pr->memory_factor > 0)
		xp_json_num(j, "memory_factor", pr->memory_factor);
	else
		xp_json_null(j, "memory_factor");
	if (pr->stage_memory) {
		xp_json_int(j, "zero", pr->zero);
		stage_memory(j, pr);
	}
	xp_json_int(j, "n_sub", pr->n_sub);
	xp_json_int(j, "solver_time_limit_ns", pr->solver_time_limit_ns);
	xp_json_num(j, "solver_gap", pr->solver_gap);
	xp_json_int(j, "solver_work_limit", pr->solver_work_limit);
	xp_json_num(j, "jitter", pr->jitter);
	xp_json_int(j, "jitter_samples", pr->jitter_samples);
	xp_json_int(j, "datacenters", pr->datacenters);
	xp_json_str(j, "split", xp_params_split_name(pr));
	xp_json_int32s(j, "placement", pr->placement, pr->placement ? pr->stages : 0);
	link_class(j, "intra_dc", &pr->intra_dc);
	link_class(j, "inter_dc", &pr->inter_dc);
	if (pr->p2p != XP_P2P_DECOUPLED) /* absent: decoupled (docs/outputs.md) */
		xp_json_str(j, "p2p", xp_p2p_name(pr->p2p));
	packet_net(j, &pr->packet);
	xp_out_json_scenario_extras(j, pr);
	xp_json_array(j, "schedules", 1);
	for (int i = 0; i < pr->n_schedules; i++)
		xp_json_str(j, NULL, pr->schedules[i]);
	xp_json_end(j);
	char seed[24];
	snprintf(seed, sizeof seed, "%" PRIu64, pr->seed); /* unsigned: may exceed INT64_MAX */
	xp_json_raw(j, "seed", seed);
	xp_json_end(j);
}

static void result_counts(xp_json *j, const xp_result *r)
{
	size_t wan, n = xp_result_transfers(r, &wan);
	xp_json_int(j, "devices", r->devices);
	xp_json_int(j, "ops", (int64_t)r->op_offset[r->devices]);
	xp_json_int(j, "transfers", (int64_t)n);
	xp_json_int(j, "wan_transfers", (int64_t)wan);
	xp_json_int(j, "collectives", (int64_t)r->n_collectives);
}

/* What made the schedule, when it was a solver or a selection. */
static void provenance(xp_json *j, const xp_result *r)
{
	const xp_solver_info *si = xp_schedule_solver(r->sched);
	int n;
	const xp_candidate *c = xp_schedule_candidates(r->sched, &n);
	if (si) {
		xp_json_object(j, "solver", 1);
		xp_json_str(j, "status", xp_solver_status_name(si->status));
		xp_json_int(j, "objective_ns", si->objective_ns);
		xp_json_int(j, "bound_ns", si->bound_ns);
		xp_json_num(j, "gap", si->gap);
		xp_json_num(j, "seconds", si->seconds);
		xp_json_str(j, "method", si->method);
		if (si->note[0])
			xp_json_str(j, "note", si->note);
		xp_json_end(j);
	}
	if (n > 0) {
		int by = c[0].objective != XP_OBJECTIVE_MAKESPAN;
		xp_json_str(j, "chosen", c[0].name);
		if (by) {
			xp_json_str(j, "objective", xp_objective_name(c[0].objective));
			xp_json_int(j, "objective_samples", c[0].samples);
		}
		xp_json_array(j, "candidates", 0);
		for (int i = 0; i < n; i++) {
			xp_json_object(j, NULL, 1);
			xp_json_str(j, "schedule", c[i].name);
			xp_json_int(j, "makespan_ns", c[i].makespan_ns);
			if (by)
				xp_json_int(j, "score_ns", c[i].score_ns);
			xp_json_bool(j, "fits_memory", c[i].fits_memory);
			xp_json_end(j);
		}
		xp_json_end(j);
	}
}

static void robustness(xp_json *j, const xp_robustness *rb)
{
	if (rb->samples <= 0)
		return;
	xp_json_object(j, "robustness", 1);
	xp_json_int(j, "samples", rb->samples);
	xp_json_num(j, "jitter", rb->jitter);
	xp_json_int(j, "mean_ns", rb->mean_ns);
	xp_json_int(j, "median_ns", rb->median_ns);
	xp_json_int(j, "p95_ns", rb->p95_ns);
	xp_json_int(j, "min_ns", rb->min_ns);
	xp_json_int(j, "max_ns", rb->max_ns);
	xp_json_end(j);
}

static void iterations(xp_json *j, const xp_iterations *it)
{
	if (it->n <= 0)
		return;
	xp_json_object(j, "iterations", 1);
	xp_json_int(j, "count", it->n);
	xp_json_ints(j, "times_ns", it->times_ns, it->n, 0);
	xp_json_int(j, "mean_ns", it->mean_ns);
	xp_json_int(j, "p50_ns", it->p50_ns);
	xp_json_int(j, "p95_ns", it->p95_ns);
	xp_json_int(j, "min_ns", it->min_ns);
	xp_json_int(j, "max_ns", it->max_ns);
	xp_json_int(j, "stddev_ns", it->stddev_ns);
	if (it->replan != XP_REPLAN_NEVER) {
		xp_json_str(j, "replan",
		            it->replan == XP_REPLAN_EVERY ? "every-iteration" : "on-change");
		xp_json_int(j, "switches", it->switches);
	}
	xp_json_end(j);
}

/* Under a network.p2p other than decoupled: what the run obeyed, and that a planner built its
 * schedule under decoupled all the same. Nothing under decoupled (docs/outputs.md). */
static void p2p(xp_json *j, const xp_result *r, int mode)
{
	if (mode == XP_P2P_DECOUPLED)
		return;
	xp_json_str(j, "p2p", xp_p2p_name(mode));
	if (xp_schedule_kind_plans(r->schedule))
		xp_json_str(j, "planned_under", xp_p2p_name(XP_P2P_DECOUPLED));
}

static void result(xp_json *j, const xp_result *r, int mode)
{
	int p = r->devices;
	xp_json_object(j, NULL, 0);
	xp_json_str(j, "schedule", r->schedule);
	xp_json_str(j, "engine", r->engine);
	p2p(j, r, mode);
	xp_json_int(j, "makespan_ns", r->makespan_ns);
	xp_json_int(j, "max_device_span_ns", r->max_device_span_ns);
	xp_json_int(j, "time_per_microbatch_ns", r->time_per_microbatch_ns);
	xp_json_num(j, "tokens_per_s", r->tokens_per_s);
	xp_json_nums(j, "bubble_ratio", r->bubble_ratio, p);
	xp_json_ints(j, "busy_ns", r->busy_ns, p, 0);
	xp_json_ints(j, "peak_memory_bytes", r->peak_memory_bytes, p, 0);
	xp_json_ints(j, "memory_limit_bytes", r->memory_limit_bytes, p, 1);
	xp_json_bool(j, "fits_memory", r->fits_memory);
	xp_json_int(j, "wan_queue_ns", r->wan_queue_ns);
	xp_json_int(j, "wan_busy_ns", r->wan_busy_ns);
	result_counts(j, r);
	provenance(j, r);
	robustness(j, &r->robust);
	iterations(j, &r->iters);
	xp_json_end(j);
}

xp_status xp_write_json(FILE *f, const xp_scenario *sc, xp_result *const *res, int n)
{
	if (!f || !sc || (n > 0 && !res) || n < 0)
		return XP_EINVAL;
	xp_json j;
	xp_json_init(&j, f);
	xp_json_object(&j, NULL, 0);
	xp_json_str(&j, "crosspipe", xp_version());
	scenario(&j, sc);
	xp_json_array(&j, "results", 0);
	for (int i = 0; i < n; i++)
		result(&j, res[i], xp_scenario_params(sc)->p2p);
	xp_json_end(&j);
	xp_json_end(&j);
	return xp_out_status(f);
}

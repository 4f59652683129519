/* common.c: what the crosspipe commands share: loading, building schedules, committing output. */
#include "cli/cli.h"
#include "plan/plan.h"

#include "base/io.h"
#include "engine/packet.h"
#include "schedule/block_cost.h"
#include "schedule/schedule_file.h"
#include "schedules/schedules.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int xp_cli_need_packet(const char *cmd)
{
	const xp_packet_plugin *pk;
	xp_error err;
	if (xp_packet_load(&pk, &err) == XP_OK)
		return XP_EXIT_OK;
	xp_progress_clear();
	fprintf(stderr, "crosspipe%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", err.msg);
	return XP_EXIT_FAIL;
}

int xp_cli_fail(const xp_error *err)
{
	if (err->code == XP_OK)
		return XP_EXIT_OK;
	xp_progress_clear();
	fprintf(stderr, "crosspipe: %s\n", err->msg[0] ? err->msg : xp_strerror(err->code));
	switch (err->code) {
	case XP_EINVAL:
	case XP_EMEMORY: return XP_EXIT_USAGE;
	case XP_EDEADLOCK: return XP_EXIT_DEADLOCK;
	default: return XP_EXIT_FAIL;
	}
}

/* scenarios/default.yaml in the working folder, else beside the program's source tree. */
static void default_scenario(const char *prog, char *buf, size_t len)
{
	snprintf(buf, len, "scenarios/default.yaml");
	if (access(buf, R_OK) == 0)
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", prog);
	snprintf(buf, len, "%s/../scenarios/default.yaml", dirname(tmp));
	if (access(buf, R_OK) != 0)
		snprintf(buf, len, "scenarios/default.yaml");
}

static int is_stdout(const char *path)
{
	return !path || !strcmp(path, "-");
}

/* The outputs of o against its inputs and each other: one file named twice would lose one. */
static xp_status outputs_distinct(const xp_cli_opts *o, const char *scenario, xp_error *err)
{
	const char *outs[] = { o->out, o->trace, o->gantt, o->timeline };
	const char *names[] = { "-o", "--trace", "--gantt", "--timeline" };
	int n = sizeof outs / sizeof outs[0];
	for (int i = 0; i < n; i++) {
		if (is_stdout(outs[i]))
			continue;
		if (xp_io_same_file(outs[i], scenario))
			return xp_fail(err, XP_EINVAL, "%s %s: is the scenario file (an input)",
			               names[i], outs[i]);
		for (int f = 0; f < o->n_files; f++)
			if (xp_io_same_file(outs[i], o->files[f]))
				return xp_fail(err, XP_EINVAL,
				               "%s %s: is the schedule file %s (an input)",
				               names[i], outs[i], o->files[f]);
		for (int k = 0; k < i; k++)
			if (!is_stdout(outs[k]) && xp_io_same_file(outs[i], outs[k]))
				return xp_fail(err, XP_EINVAL, "%s %s: is also the %s output",
				               names[i], outs[i], names[k]);
	}
	return XP_OK;
}

/* A ranked layout of a plan, PLAN.json#K (docs/plan.md): the plan file with the layout's
 * overrides, then the command's --set ones. */
static void load_plan_ref(const xp_cli_opts *o, const xp_plan_ref *ref, xp_scenario **sc,
                          xp_error *err)
{
	int n = ref->n + o->n_sets;
	const char **all = calloc((size_t)n + 1, sizeof *all);
	if (!all) {
		xp_fail(err, XP_ENOMEM, "out of memory");
		return;
	}
	for (int i = 0; i < ref->n; i++)
		all[i] = ref->over[i];
	for (int i = 0; i < o->n_sets; i++)
		all[ref->n + i] = o->sets[i];
	xp_scenario_load(ref->plan, all, n, sc, err);
	free(all);
}

int xp_cli_load(const xp_cli_opts *o, const char *prog, xp_scenario **sc)
{
	char path[4200];
	xp_error err;
	xp_plan_ref ref;
	xp_error_clear(&err);
	if (o->scenario)
		snprintf(path, sizeof path, "%s", o->scenario);
	else
		default_scenario(prog, path, sizeof path);
	int is_ref = xp_plan_ref_read(path, &ref, &err);
	if (is_ref == 1 && outputs_distinct(o, ref.json, &err) == XP_OK &&
	    outputs_distinct(o, ref.plan, &err) == XP_OK)
		load_plan_ref(o, &ref, sc, &err);
	else if (is_ref == 0 && outputs_distinct(o, path, &err) == XP_OK)
		xp_scenario_load(path, o->sets, o->n_sets, sc, &err);
	xp_plan_ref_free(&ref);
	if (err.code == XP_EIO) /* a scenario that cannot be read is bad input too */
		err.code = XP_EINVAL;
	return xp_cli_fail(&err);
}

static int add(xp_cli_set *set, xp_schedule *s)
{
	xp_schedule **n = realloc(set->sched, ((size_t)set->n + 1) * sizeof *n);
	if (!n) {
		xp_schedule_free(s);
		return -1;
	}
	set->sched = n;
	set->sched[set->n++] = s;
	return 0;
}

static xp_status add_probed(xp_cli_set *set, const char *name, xp_error *err)
{
	const char **n = realloc(set->probed, ((size_t)set->n_probed + 1) * sizeof *n);
	if (!n)
		return xp_fail(err, XP_ENOMEM, "out of memory");
	set->probed = n;
	set->probed[set->n_probed++] = name;
	return XP_OK;
}

static xp_status build_named(const char *name, const xp_params *pr, int probe, xp_cli_set *set,
                             xp_error *err)
{
	const xp_schedule_kind *k = xp_schedule_kind_find(name);
	if (!k)
		return xp_fail(err, XP_EINVAL,
		               "unknown schedule '%s' ('crosspipe schedules' lists them)", name);
	xp_schedule *s = NULL;
	xp_progress_task(0, "%s", name);
	if (probe && k->probe) {
		xp_status st = k->probe(pr, err);
		return st ? st : add_probed(set, k->name, err);
	}
	xp_status st = k->build(pr, &s, err);
	if (st != XP_OK)
		return st;
	if (add(set, s))
		return xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

/* The UNSHARD, RESHARD and REDUCE_GRAD cells: dropped with dp 1; with dp > 1 the UNSHARD and
 * RESHARD cells place the all-gathers (engine/exec.h, xp_exec_fsdp). */
static void fsdp_note(const char *path, const xp_torch_info *in, int dp)
{
	int reduce = in->fsdp_cells - in->unshard_cells;
	if (dp <= 1 || !in->unshard_cells) {
		if (in->fsdp_cells)
			fprintf(
			    stderr,
			    "crosspipe: note: %s: %d UNSHARD/RESHARD/REDUCE_GRAD cells dropped: "
			    "they take no time in this model (the DP gradient reduction is timed "
			    "from pipeline.dp)\n",
			    path, in->fsdp_cells);
		return;
	}
	fprintf(stderr,
	        "crosspipe: note: %s: %d UNSHARD/RESHARD cells: each UNSHARD starts its stage's "
	        "parameter all-gather (pipeline.dp %d) where it stands in its row, and the "
	        "stage's blocks wait for it; a RESHARD releases the stage\n",
	        path, in->unshard_cells, dp);
	if (reduce)
		fprintf(stderr,
		        "crosspipe: note: %s: %d REDUCE_GRAD cells dropped: a stage's gradient "
		        "reduce-scatter starts when its last backward ends\n",
		        path, reduce);
}

/* What a torch CSV held that the model gives no time of its own, said on stderr. */
static void torch_note(const char *path, const xp_torch_info *in, int asked, int dp)
{
	if (in->dialect < 0)
		return;
	if (in->dialect == XP_TORCH_DIALECT_LEGACY && !asked)
		fprintf(stderr,
		        "crosspipe: note: %s: read in the legacy torch dialect (B the backward for "
		        "the input, BW the whole backward): the current one cannot read it\n",
		        path);
	if (in->comm_cells)
		fprintf(
		    stderr,
		    "crosspipe: note: %s: %d SEND/RECV cells checked and dropped: each transfer "
		    "is timed from the data it carries, not from its cell\n",
		    path, in->comm_cells);
	fsdp_note(path, in, dp);
}

static xp_status build_file(const char *path, const xp_cli_opts *o, const xp_params *pr,
                            xp_cli_set *set, xp_error *err)
{
	xp_schedule *s = NULL;
	xp_torch_info info;
	int dialect = !o->torch_dialect                     ? XP_TORCH_DIALECT_AUTO
	              : !strcmp(o->torch_dialect, "legacy") ? XP_TORCH_DIALECT_LEGACY
	                                                    : XP_TORCH_DIALECT_CURRENT;
	xp_status st = xp_schedule_load_as(path, dialect, &s, &info, err);
	if (st == XP_OK)
		torch_note(path, &info, o->torch_dialect != NULL, pr->dp);
	if (st == XP_EIO) /* a schedule file that cannot be read is bad input */
		err->code = st = XP_EINVAL;
	if (st != XP_OK)
		return st;
	if (xp_schedule_devices(s) != pr->stages ||
	    xp_schedule_microbatches(s) != pr->microbatches) {
		xp_fail(
		    err, XP_EINVAL,
		    "%s: the schedule has %d devices and %d microbatches, the scenario %d and %d",
		    path, xp_schedule_devices(s), xp_schedule_microbatches(s), pr->stages,
		    pr->microbatches);
		xp_schedule_free(s);
		return XP_EINVAL;
	}
	if (add(set, s))
		return xp_fail(err, XP_ENOMEM, "out of memory");
	return XP_OK;
}

/* The memory a schedule of this kind needs, estimated before it is built: three ops (F, D, W)
 * per block, a block per stage, microbatch and chunk, and XP_CLI_BYTES_PER_OP per op for the
 * order, its timing and its result (measured: 93 to 190 bytes per such op at p=64, m=4096).
 * A schedule file (a name with '/' or '.') may have chunks: it is counted as chunked. */
static double estimate_bytes(const xp_params *pr, const char *name, int *chunks)
{
	int chunked = strstr(name, "-v") || !strcmp(name, "zbv") || !strcmp(name, "interleaved") ||
	              !strcmp(name, "auto") || strchr(name, '/') || strchr(name, '.');
	*chunks = chunked ? (pr->chunks > 2 ? pr->chunks : 2) : 1;
	return 3.0 * pr->stages * pr->microbatches * *chunks * XP_CLI_BYTES_PER_OP;
}

static xp_status check_size(const xp_params *pr, const char *name, int64_t max, xp_error *err)
{
	char est[32], lim[32];
	int v = 1;
	double need = estimate_bytes(pr, name, &v);
	if (need <= (double)max)
		return XP_OK;
	xp_format_bytes(est, sizeof est, need >= 9e18 ? INT64_MAX : (int64_t)need);
	xp_format_bytes(lim, sizeof lim, max);
	return xp_fail(err, XP_EINVAL,
	               "%s: would need about %s of memory (%d stages x %d microbatches x %d "
	               "chunks x 3 ops x %d bytes per op), more than --max-memory %s; raise "
	               "--max-memory to try",
	               name, est, pr->stages, pr->microbatches, v, XP_CLI_BYTES_PER_OP, lim);
}

static xp_status max_memory(const xp_cli_opts *o, int64_t *max, xp_error *err)
{
	const char *why = "";
	*max = XP_CLI_MAX_MEMORY;
	if (o->max_memory && (xp_parse_bytes(o->max_memory, max, &why) < 0 || *max <= 0))
		return xp_fail(err, XP_EINVAL, "--max-memory %s: expected %s", o->max_memory, why);
	return XP_OK;
}

int xp_cli_build(const xp_cli_opts *o, const xp_params *pr, xp_cli_set *set)
{
	xp_error err;
	int64_t max = 0;
	xp_error_clear(&err);
	*set = (xp_cli_set){ 0 };
	if (max_memory(o, &max, &err))
		return xp_cli_fail(&err);
	if (o->schedules) {
		char *list = strdup(o->schedules), *save = NULL;
		for (char *t = strtok_r(list, ",", &save); t && !err.code;
		     t = strtok_r(NULL, ",", &save))
			if (!check_size(pr, t, max, &err))
				build_named(t, pr, o->probe, set, &err);
		free(list);
	} else if (o->n_files == 0) {
		for (int i = 0; i < pr->n_schedules && !err.code; i++)
			if (!check_size(pr, pr->schedules[i], max, &err))
				build_named(pr->schedules[i], pr, o->probe, set, &err);
	}
	for (int i = 0; i < o->n_files && !err.code; i++)
		if (!check_size(pr, o->files[i], max, &err))
			build_file(o->files[i], o, pr, set, &err);
	return xp_cli_fail(&err);
}

void xp_cli_set_free(xp_cli_set *set)
{
	for (int i = 0; i < set->n; i++)
		xp_schedule_free(set->sched[i]);
	free(set->sched);
	free(set->probed);
	*set = (xp_cli_set){ 0 };
}

/* Write an output to stdout whole. */
static xp_status write_stdout(const xp_cli_output *out, xp_error *err)
{
	if (fwrite(out->buf, 1, out->len, stdout) != out->len || fflush(stdout) != 0)
		return xp_fail(err, XP_EIO, "cannot write the standard output: %s",
		               strerror(errno));
	return XP_OK;
}

int xp_cli_commit_all(const xp_cli_output *outs, int n)
{
	xp_io_staged *staged = calloc((size_t)n + 1, sizeof *staged);
	xp_error err;
	xp_error_clear(&err);
	if (!staged)
		xp_fail(&err, XP_ENOMEM, "out of memory");
	for (int i = 0; i < n && !err.code; i++)
		if (!is_stdout(outs[i].path))
			xp_io_stage(outs[i].path, outs[i].buf, outs[i].len, &staged[i], &err);
	for (int i = 0; i < n && !err.code; i++)
		if (is_stdout(outs[i].path))
			write_stdout(&outs[i], &err);
	for (int i = 0; i < n && staged; i++) {
		if (!err.code && staged[i].path)
			xp_io_publish(&staged[i], &err);
		xp_io_discard(&staged[i]);
	}
	free(staged);
	return xp_cli_fail(&err);
}

int xp_cli_commit(const char *path, const char *buf, size_t len)
{
	xp_cli_output out = { path, buf, len };
	return xp_cli_commit_all(&out, 1);
}

/* 1 when s keeps every device's peak within its memory limit. */
static int schedule_fits(const xp_params *pr, const xp_schedule *s)
{
	int64_t *peak = calloc((size_t)xp_schedule_devices(s), sizeof *peak);
	int fits = peak != NULL;
	if (peak)
		xp_schedule_peak_memory(pr, s, peak);
	for (int d = 0; fits && d < xp_schedule_devices(s); d++)
		fits = peak[d] <= pr->memory_limit_bytes[d];
	free(peak);
	return fits;
}

int xp_cli_none_fits(const xp_params *pr, xp_result *const *res, int n)
{
	static const char *const adaptive[] = { "greedy", "greedy-v", "crossudsub" };
	char names[128] = "";
	for (int i = 0; i < n; i++)
		if (res[i]->fits_memory)
			return XP_EXIT_OK;
	if (n == 0)
		return XP_EXIT_OK;
	for (size_t i = 0; i < sizeof adaptive / sizeof adaptive[0]; i++) {
		const xp_schedule_kind *k = xp_schedule_kind_find(adaptive[i]);
		xp_schedule *s = NULL;
		xp_error err;
		if (k && k->build(pr, &s, &err) == XP_OK && schedule_fits(pr, s)) {
			size_t used = strlen(names);
			snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
			         adaptive[i]);
		}
		xp_schedule_free(s);
	}
	fprintf(stderr, "crosspipe: no requested schedule fits memory.limit; %s%s\n",
	        names[0] ? "these adaptive schedules do: " : "no adaptive schedule does either",
	        names);
	return XP_EXIT_USAGE;
}

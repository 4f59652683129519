/* scenario_errors_test.c: every class of scenario error names file:line:column and the key,
 * and a misspelt key or section of every documented one gets a suggestion. */
#include <stdio.h>
#include <string.h>

#include "scenario/scenario.h"
#include "scenario_cases.h"
#include "tap.h"

struct bad {
	const char *what, *yaml, *set[2], *want;
};

static const struct bad bad[] = {
	{ "YAML syntax (flow)",
	  "pipeline: [1, 2\n",
	  { 0 },
	  NAME ":2:1: YAML syntax error: did not find expected ',' or ']'" },
	{ "YAML syntax (indentation)",
	  "pipeline:\n  stages: 4\n microbatches: 3\n",
	  { 0 },
	  NAME ":3:2: YAML syntax error: did not find expected key" },
	{ "a second document",
	  BASE "---\na: 1\n",
	  { 0 },
	  NAME ":9:1: expected one YAML document, got more" },
	{ "a list at the top", "- 1\n", { 0 }, NAME ":1:1: expected a mapping of sections" },
	{ "a duplicate key",
	  "a: 1\na: 2\n",
	  { 0 },
	  NAME ":2:1: a: duplicate key (first at line 1)" },
	{ "an alias",
	  BASE "seed: &s 1\nschedules: *s\n",
	  { 0 },
	  NAME ":10:12: schedules: YAML aliases are not supported" },
	{ "an unknown section",
	  "pipline: {}\n",
	  { 0 },
	  NAME ":1:1: pipline: unknown key; did you mean 'pipeline'?" },
	{ "an unknown nested key",
	  BASE "network: {inter_dc: {jitter: 1ms}}\n",
	  { 0 },
	  NAME ":9:22: network.inter_dc.jitter: unknown key; expected one of latency, bandwidth, "
	       "latency_ratio, bandwidth_ratio" },
	{ "a wrong time unit",
	  BASE "network:\n  inter_dc:\n    latency: 5kg\n",
	  { 0 },
	  NAME ":11:14: network.inter_dc.latency: expected a time with a unit (ns, us, ms, s, min, "
	       "h), got '5kg'" },
	{ "a size unit for a bandwidth",
	  BASE "network:\n  intra_dc: {bandwidth: 100GB}\n",
	  { 0 },
	  NAME ":10:25: network.intra_dc.bandwidth: expected a bandwidth with a unit" },
	{ "a time unit for a size",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel: {forward: 1ms, backward_input: 1ms, "
	  "backward_weight: 1ms, activation: 1ms}\n",
	  { 0 },
	  NAME ":2:78: model.activation: expected a size with a unit" },
	{ "a list for an integer",
	  "pipeline:\n  stages: [4]\n",
	  { 0 },
	  NAME ":2:11: pipeline.stages: expected an integer from 1 to 4096, got a list" },
	{ "a scalar for a section",
	  "pipeline: 4\n",
	  { 0 },
	  NAME ":1:11: pipeline: expected a mapping, got '4'" },
	{ "a mapping for names",
	  BASE "schedules: {a: 1}\n",
	  { 0 },
	  NAME ":9:12: schedules: expected a name or a non-empty list of names, got a mapping" },
	{ "zero stages",
	  "pipeline:\n  stages: 0\n",
	  { 0 },
	  NAME ":2:11: pipeline.stages: expected an integer from 1 to 4096, got '0'" },
	{ "negative microbatches",
	  "pipeline:\n  stages: 4\n  microbatches: -1\n",
	  { 0 },
	  NAME ":3:17: pipeline.microbatches: expected an integer from 1 to 1048576, got '-1'" },
	{ "a zero forward in a list",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel:\n  forward: [1ms, 1ms, 0ms, 1ms]\n",
	  { 0 },
	  NAME ":3:23: model.forward[2]: expected a value > 0, got '0ms'" },
	{ "weight_release above 1",
	  BASE "  weight_release: 1.5\n",
	  { 0 },
	  NAME ":9:19: model.weight_release: expected a number from 0 to 1, got '1.5'" },
	{ "more DCs than stages",
	  BASE "datacenters: {count: 5}\n",
	  { 0 },
	  NAME ":9:22: datacenters.count: expected an integer from 1 to 4, got '5'" },
	{ "a placement out of range",
	  BASE "datacenters: {placement: [0, 1, 7, 1]}\n",
	  { 0 },
	  NAME ":9:33: datacenters.placement[2]: expected an integer from 0 to 3, got '7'" },
	{ "a zero memory factor",
	  BASE "memory: {limit: 0x}\n",
	  { 0 },
	  NAME ":9:17: memory.limit: expected a size (80GiB), a factor of the 1F1B budget (1.0x), "
	       "hbm (what memory.hbm leaves) or inf, got '0x'" },
	{ "a budget for a limit in bytes",
	  BASE "memory: {limit: 80GiB, budget: no-recompute}\n",
	  { 0 },
	  NAME ":9:32: memory.budget: expected only with a factor memory.limit (1.0x), got limit "
	       "'80GiB'" },
	{ "an unknown budget",
	  BASE "memory: {budget: half}\n",
	  { 0 },
	  NAME ":9:18: memory.budget: expected as-run or no-recompute, got 'half'" },
	{ "a memory limit without unit",
	  BASE "memory: {limit: lots}\n",
	  { 0 },
	  NAME ":9:17: memory.limit: expected a size" },
	{ "a negative ratio",
	  BASE "network: {inter_dc: {latency_ratio: -1}}\n",
	  { 0 },
	  NAME ":9:37: network.inter_dc.latency_ratio: expected a number >= 0, got '-1'" },
	{ "a bandwidth ratio without message",
	  BASE "  message: 0\n"
	       "network: {inter_dc: {bandwidth_ratio: 1}}\n",
	  { 0 },
	  NAME ":10:39: network.inter_dc.bandwidth_ratio: expected 0 when model.message is 0" },
	{ "zero tokens",
	  BASE "  tokens: 0\n",
	  { 0 },
	  NAME ":9:11: model.tokens: expected an integer >= 1, got '0'" },
	{ "an unknown recompute mode",
	  BASE "  recompute: partial\n",
	  { 0 },
	  NAME ":9:14: model.recompute: expected none or full, got 'partial'" },
	{ "an empty schedule list",
	  BASE "schedules: []\n",
	  { 0 },
	  NAME ":9:12: schedules: expected a name or a non-empty list of names, got a list" },
	{ "a negative seed",
	  BASE "seed: -1\n",
	  { 0 },
	  NAME ":9:7: seed: expected an integer >= 0, got '-1'" },
	{ "a kv_heads that does not divide heads",
	  TINY,
	  { "model.transformer.kv_heads=3" },
	  "--set model.transformer.kv_heads=3: model.transformer.kv_heads: expected a divisor of "
	  "heads (4), got 3" },
	{ "a zero utilisation",
	  TINY,
	  { "model.transformer.utilisation=0" },
	  "--set model.transformer.utilisation=0: model.transformer.utilisation: expected a number "
	  "> 0 and <= 1" },
	{ "fewer layers than stages",
	  TINY,
	  { "model.transformer.layers=1" },
	  "--set model.transformer.layers=1: model.transformer.layers: expected an integer from "
	  "2" },
	{ "a bad FLOP rate",
	  TINY,
	  { "model.transformer.gpu_flops=fast" },
	  "--set model.transformer.gpu_flops=fast: model.transformer.gpu_flops: expected a FLOP "
	  "rate" },
	{ "a misspelt transformer key",
	  TINY,
	  { "model.transformer.utilization=0.3" },
	  "model.transformer.utilization: unknown key; did you mean 'utilisation'?" },
	{ "a duplicate key in a section",
	  BASE "  backward_weight: [1ms, 2ms, 3ms]\n",
	  { 0 },
	  NAME ":9:3: model.backward_weight: duplicate key (first at line 7)" },
	{ "a per-stage list of the wrong length",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel:\n  forward: [1ms, 2ms, 3ms]\n",
	  { 0 },
	  NAME ":3:12: model.forward: expected a list of 4 entries (one per stage), got 3" },
	{ "a placement of the wrong length",
	  BASE "datacenters: {placement: [0, 1]}\n",
	  { 0 },
	  NAME
	  ":9:26: datacenters.placement: expected a list of 4 integers (one per stage), got 2" },
	{ "latency and its ratio",
	  BASE "network:\n  inter_dc: {latency: 10ms, latency_ratio: 2}\n",
	  { 0 },
	  NAME
	  ":10:29: network.inter_dc.latency_ratio: expected either network.inter_dc.latency or "
	  "network.inter_dc.latency_ratio, not both" },
	{ "bandwidth and its ratio",
	  BASE "network:\n  inter_dc:\n    bandwidth: 1Gbps\n    bandwidth_ratio: 0.5\n",
	  { 0 },
	  NAME ":12:5: network.inter_dc.bandwidth_ratio: expected either" },
	{ "a transformer and explicit times",
	  TINY "  forward: 1ms\n",
	  { 0 },
	  NAME ":4:3: model.forward: expected either model.transformer or the explicit" },
	{ "a count and a placement",
	  BASE "datacenters: {count: 2, placement: [0, 0, 1, 1]}\n",
	  { 0 },
	  NAME ":9:25: datacenters.placement: expected either datacenters.count or "
	       "datacenters.placement, not both" },
	{ "no stages",
	  "pipeline:\n  microbatches: 4\n",
	  { 0 },
	  NAME ":2:3: pipeline.stages: missing, expected an integer from 1 to 4096" },
	{ "an empty file", "", { 0 }, NAME ":1:1: pipeline.stages: missing" },
	{ "no forward",
	  "pipeline: {stages: 4, microbatches: 8}\nmodel:\n  backward_input: 1ms\n",
	  { 0 },
	  NAME ":3:3: model.forward: missing, expected a time with a unit" },
	{ "recompute without what F keeps",
	  BASE "  recompute: full\n",
	  { 0 },
	  NAME ":9:14: model.recompute_activation: missing, expected the bytes F keeps" },
	{ "recompute_activation without recompute",
	  BASE "  recompute_activation: 1MB\n",
	  { 0 },
	  NAME ":9:25: model.recompute_activation: expected only with model.recompute: full" },
	{ "--set without =",
	  BASE,
	  { "pipeline.stages" },
	  "--set pipeline.stages: expected key=value with a dotted key" },
	{ "--set without key", BASE, { "=3" }, "--set =3: expected key=value" },
	{ "--set with an empty segment", BASE, { "a..b=1" }, "--set a..b=1: expected key=value" },
	{ "--set with a YAML error",
	  BASE,
	  { "schedules=[1f1b" },
	  "--set schedules=[1f1b: schedules: YAML syntax error: did not find expected ',' or ']'" },
	{ "--set of an unknown key",
	  BASE,
	  { "pipeline.stagse=4" },
	  "--set pipeline.stagse=4: pipeline.stagse: unknown key; did you mean 'stages'?" },
	{ "--set of an unknown section",
	  BASE,
	  { "foo.bar=1" },
	  "--set foo.bar=1: foo: unknown key; expected one of pipeline, model, memory" },
	{ "--set of a bad value",
	  BASE,
	  { "pipeline.microbatches=16", "pipeline.stages=zero" },
	  "--set pipeline.stages=zero: pipeline.stages: expected an integer from 1 to 4096, got "
	  "'zero'" },
	{ "--set of a short list",
	  BASE,
	  { "model.forward=[1ms,2ms]" },
	  "--set model.forward=[1ms,2ms]: model.forward: expected a list of 4 entries (one per "
	  "stage), got 2" },
};

static void test_errors(void)
{
	for (int i = 0; i < LEN(bad); i++) {
		xp_scenario *sc = (xp_scenario *)1;
		xp_error err = { 0 };
		int n = bad[i].set[1] ? 2 : bad[i].set[0] ? 1 : 0;
		xp_status st = xp_scenario_parse(bad[i].yaml, strlen(bad[i].yaml), NAME, bad[i].set,
		                                 n, &sc, &err);
		ok(st == XP_EINVAL && sc == NULL, "%s: XP_EINVAL and no scenario", bad[i].what);
		has_str(err.msg, bad[i].want, "%s: the message", bad[i].what);
	}
}

/* Every key the docs list, by section: a misspelt key (its last letter doubled) and a misspelt
 * section (an 'x' added) are errors that suggest the right word. */
static const char *const documented_keys[] = {
	"pipeline.stages",
	"pipeline.microbatches",
	"pipeline.chunks",
	"pipeline.dp",
	"model.forward",
	"model.backward_input",
	"model.backward_weight",
	"model.activation",
	"model.message",
	"model.params",
	"model.tokens",
	"model.weight_release",
	"model.recompute",
	"model.recompute_activation",
	"model.transformer.layers",
	"model.transformer.hidden",
	"model.transformer.ffn",
	"model.transformer.heads",
	"model.transformer.kv_heads",
	"model.transformer.seq",
	"model.transformer.microbatch_size",
	"model.transformer.tp",
	"model.transformer.gpu_flops",
	"model.transformer.utilisation",
	"memory.limit",
	"memory.budget",
	"datacenters.count",
	"datacenters.placement",
	"datacenters.split",
	"network.intra_dc.latency",
	"network.intra_dc.bandwidth",
	"network.inter_dc.latency",
	"network.inter_dc.bandwidth",
	"network.inter_dc.latency_ratio",
	"network.inter_dc.bandwidth_ratio",
	"network.transport",
	"network.buffer",
	"network.mtu",
	"network.queue.discipline",
	"network.queue.size",
	"network.loss",
	"network.connections",
	"network.wan",
	"network.initial_window",
	"schedule.n_sub",
	"solver.time_limit",
	"solver.gap",
	"solver.work_limit",
	"robustness.jitter",
	"robustness.samples",
	"schedules",
	"seed",
};

/* Parse BASE with the one override "path=1"; 1 when it fails with want in the message. */
static int refused_with(const char *path, const char *want)
{
	char ov[160];
	xp_scenario *sc = NULL;
	xp_error err = { 0 };
	snprintf(ov, sizeof ov, "%s=1", path);
	const char *set[] = { ov };
	xp_status st = xp_scenario_parse(BASE, strlen(BASE), NAME, set, 1, &sc, &err);
	xp_scenario_free(sc);
	if (st == XP_EINVAL && strstr(err.msg, want))
		return 1;
	diag("--set %s: got '%s', expected '%s'", ov, err.msg, want);
	return 0;
}

static void test_misspelt_keys(void)
{
	char typo[128], want[256];
	for (int i = 0; i < LEN(documented_keys); i++) {
		const char *key = documented_keys[i], *last = strrchr(key, '.');
		last = last ? last + 1 : key;
		snprintf(typo, sizeof typo, "%s%c", key, key[strlen(key) - 1]);
		snprintf(want, sizeof want, "%s: unknown key; did you mean '%s'?", typo, last);
		ok(refused_with(typo, want), "misspelt key %s is refused with a suggestion", typo);
		if (last == key)
			continue;
		/* the section just above the key, misspelt */
		size_t cut = (size_t)(last - 1 - key);
		const char *sect = key;
		for (const char *d = key; d < last - 1; d++)
			if (*d == '.')
				sect = d + 1;
		snprintf(typo, sizeof typo, "%.*sx%s", (int)cut, key, last - 1);
		snprintf(want, sizeof want, "unknown key; did you mean '%.*s'?",
		         (int)(last - 1 - sect), sect);
		ok(refused_with(typo, want), "misspelt section in %s is refused with a suggestion",
		   typo);
	}
}

int main(void)
{
	plan(2 * LEN(bad) + 2 * LEN(documented_keys) - 2);
	test_errors();
	test_misspelt_keys();
	return done_testing();
}

#!/bin/sh
# plan_hier.t: hierarchical data parallelism across datacenters (datacenters.split:
# hierarchical) from the command line: the key and its errors, the optimizer states it keeps
# per DC, the packet engine running it, and the planner choosing it where it should: on a
# WAN-bound model with long sequences (PP's activations cost more WAN time than the gradients)
# and enough HBM, and not where its larger optimizer shards do not fit.
. "$(dirname "$0")/tap.sh"
plan 16
P=tests/data/plan_small.yaml

cat >"$TMP/h.yaml" <<'YAML'
pipeline: { stages: 2, microbatches: 4, dp: 4 }
model: { forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1MiB, params: 100MB }
datacenters: { count: 2, split: hierarchical }
network:
  intra_dc: { latency: 10us, bandwidth: 100Gbps }
  inter_dc: { latency: 5ms, bandwidth: 10Gbps }
schedules: [1f1b]
YAML
run run "$TMP/h.yaml" --format csv
ok $rc "a hierarchical scenario runs (exit $rc: $err)"
hier=$(echo "$out" | awk -F, 'NR == 2 { print $4 }')
run run "$TMP/h.yaml" --format csv --set datacenters.split=dp
flat=$(echo "$out" | awk -F, 'NR == 2 { print $4 }')
ok $([ "$hier" -lt "$flat" ]; echo $?) "hierarchical ($hier ns) is faster than flat ($flat ns): the shards cross while the pipeline drains"
run run "$TMP/h.yaml" --format json
has "$out" '"split": "hierarchical"' "the JSON scenario echoes the split"
run run "$TMP/h.yaml" --set datacenters.count=1
is "$rc" 2 "hierarchical with one datacenter is refused (exit 2)"
has "$err" "h.yaml:3:33: datacenters.split: hierarchical needs datacenters.count >= 2" "... at the key's line and column"
run run "$TMP/h.yaml" --set datacenters.split=hier
has "$err" "expected pp or dp or hierarchical, got 'hier'" "a wrong split names the three"

if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	ok 0 "# SKIP the packet engine is not built"
else
	run run "$TMP/h.yaml" --engine packet --timeline "$TMP/hp.csv"
	ok "$([ "$rc" = 0 ] && [ "$(grep -c ',wan-all-reduce,' "$TMP/hp.csv")" = 2 ]; echo $?)" \
		"the packet engine simulates it: one shard all-reduce per device (exit $rc: $err)"
fi

# ZeRO-1 shards the optimizer states over one DC's replicas: 2 DCs keep twice the flat's.
sets="--set pipeline.stages=2 --set pipeline.dp=2 --set model.transformer.tp=8 --set memory.limit=inf"
# shellcheck disable=SC2086
run run "$P" $sets --set datacenters.split=dp --format json --schedule 1f1b
o_flat=$(echo "$out" | grep -o '"optimizer_bytes": [0-9]*' | head -1 | cut -d' ' -f2)
# shellcheck disable=SC2086
run run "$P" $sets --set datacenters.split=hierarchical --format json --schedule 1f1b
o_hier=$(echo "$out" | grep -o '"optimizer_bytes": [0-9]*' | head -1 | cut -d' ' -f2)
ok $([ -n "$o_flat" ] && [ $((o_flat * 2 - o_hier)) -le 1 ] && [ $((o_hier - o_flat * 2)) -le 1 ]; echo $?) \
	"hierarchical keeps twice the flat's optimizer states per GPU ($o_hier vs $o_flat bytes)"

# The planner: long sequences make PP's activations the dearer WAN traffic.
long="--set model.transformer.seq=8192 --set memory.hbm=8GiB"
# shellcheck disable=SC2086
run plan "$P" -q --exhaustive --format csv -o "$TMP/long.csv" $long
ok $rc "plan with seq 8192 runs"
is "$(sed -n 2p "$TMP/long.csv" | cut -d, -f5)" hierarchical "its best layout crosses the DCs hierarchically"
best() { awk -F, -v c="$2" 'NR > 1 && $5 == c && $9 == "simulated" { print $12 }' "$1" | sort -n | head -1; }
h=$(best "$TMP/long.csv" hierarchical)
d=$(best "$TMP/long.csv" dp)
p=$(best "$TMP/long.csv" pp)
ok $([ "$h" -lt "$d" ] && [ "$h" -lt "$p" ]; echo $?) "the best hierarchical ($h) beats the best flat dp ($d) and pp ($p)"
# shellcheck disable=SC2046,SC2086
run run "$P" $long $(sed -n 2p "$TMP/long.csv" | awk -F, '{ printf "--set pipeline.stages=%s --set pipeline.dp=%s --set model.transformer.tp=%s --set model.transformer.microbatch_size=%s --set model.recompute=%s --set datacenters.split=%s --set memory.limit=hbm --schedule %s%s", $3, $4, $2, $6, $8, $5, $11, $19 == "balanced" ? " --set model.transformer.layout=balanced" : "" }') --format csv
is "$(echo "$out" | awk -F, 'NR == 2 { print $4 }')" "$h" "crosspipe run of that layout gives the plan's time"
# shellcheck disable=SC2086
run plan "$P" -q --format json -o "$TMP/long.json" $long
run run "$TMP/long.json#1" --format csv
is "$(echo "$out" | awk -F, 'NR == 2 { print $4 }')" "$h" "run PLAN.json#1 reads the hierarchical crossing back"

# Where HBM is short, hierarchical's larger optimizer shards leave too little for activations
# while its flat twin fits.
run plan "$P" -q --exhaustive --format csv -o "$TMP/short.csv"
twin=$(awk -F, 'NR > 1 && $5 != "pp" { k = $2 "," $3 "," $4 "," $6 "," $8; c[k, $5] = $9 }
	END { for (x in c) { split(x, a, SUBSEP); if (a[2] == "dp" && c[a[1], "dp"] == "simulated" &&
		c[a[1], "hierarchical"] == "memory-activations") { print a[1]; exit } } }' "$TMP/short.csv")
ok $([ -n "$twin" ]; echo $?) "a layout whose flat dp twin runs is pruned as memory-activations with hierarchical ($twin)"
# shellcheck disable=SC2046
run run "$P" $(echo "$twin" | awk -F, '{ printf "--set model.transformer.tp=%s --set pipeline.stages=%s --set pipeline.dp=%s --set model.transformer.microbatch_size=%s --set model.recompute=%s", $1, $2, $3, $4, $5 }') --set datacenters.split=hierarchical --set memory.limit=hbm
has "$err" "below one microbatch's activations" "... and run refuses it for that reason"

# plan.cross takes each of the three once.
run plan "$P" --set 'plan.cross=[pp, pp]'
has "$err" "plan.cross: expected pp, dp or hierarchical, each once" "plan.cross refuses a repeated value"
finish

#!/bin/sh
# json_echo.t: the JSON scenario echo of the keys written only when a scenario sets them
# (docs/outputs.md): the cluster and job, the TP link, the WAN over time, stragglers, iterations
# and re-planning, and the split. A scenario without them echoes none of them.
. "$(dirname "$0")/tap.sh"
plan 16

cat >"$TMP/w.yaml" <<'YAML'
pipeline: { stages: 2, microbatches: 4 }
model: { forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1MiB }
datacenters: { count: 2 }
network:
  inter_dc:
    latency: 5ms
    bandwidth: 10Gbps
    trace: trace.csv
    variation: { model: lognormal, spread: 20%, correlation_time: 20ms }
    degradation: { start: 1ms, duration: 2ms, bandwidth: 50% }
stragglers: { datacenter: 1, factor: 1.5, trace: slow.csv }
iterations: 3
schedule: { replan: every-iteration, switch_cost: 1ms }
schedules: [greedy]
YAML
printf 'time,bandwidth,latency\n0s,10Gbps,5ms\n3ms,5Gbps,6ms\n' >"$TMP/trace.csv"
printf '0s,1\n2ms,2\n' >"$TMP/slow.csv"
run run "$TMP/w.yaml" --format json
ok $rc "the scenario runs (exit $rc: $err)"
has "$out" '"trace": {"times_ns": [0, 3000000], "bandwidth_bps": [10000000000.000000, 5000000000.000000], "latency_ns": [5000000, 6000000]}' "the trace's rows"
has "$out" '"variation": {"model": "lognormal", "correlation_time_ns": 20000000, "spread": 0.200000, "step_ns": 5000000}' "the variation, with its default step"
has "$out" '"degradation": {"start_ns": 1000000, "duration_ns": 2000000, "bandwidth": 0.500000}' "the degradation"
has "$out" '"devices": [1]' "the straggling devices (datacenter 1's)"
has "$out" '"factor": 1.500000' "... their factor"
has "$out" '"trace": {"times_ns": [0, 2000000], "factors": [1.000000, 2.000000]}' "... and their trace"
has "$out" '"iterations": 3,' "iterations"
has "$out" '"replan": "every-iteration",' "replan"
has "$out" '"switch_cost_ns": 1000000,' "switch_cost"

run run tests/data/plan_small.yaml --format json --set pipeline.stages=2 --set pipeline.dp=1 \
	--set model.transformer.tp=8 --set memory.limit=inf --schedule 1f1b
has "$out" '"global_batch": 64,
    "dc_gpus": 16,
    "gpus_per_node": 8,
    "intra_node": {"latency_ns": 2000, "bandwidth_bps": 1600000000000.000000},' "the cluster, the job and the TP link"

run run scenarios/p4_ratios.yaml --format json --schedule 1f1b --set network.background.load=0.25 \
	--set network.background.pattern=onoff --set network.background.on=40ms
has "$out" '"background": {"load": 0.250000, "transport": "udp", "pattern": "onoff", "on_ns": 40000000, "off_ns": 50000000}' \
	"background traffic is echoed with its pattern"
run run scenarios/p4_ratios.yaml --format json --schedule 1f1b --set network.background.load=0.1
has "$out" '"background": {"load": 0.100000, "transport": "udp", "pattern": "constant"}' \
	"... and a constant one without on/off times"

run run scenarios/p4_ratios.yaml --format json --schedule 1f1b
for k in inter_dc_over_time stragglers '"iterations"' replan switch_cost_ns global_batch dc_gpus intra_node background; do
	case "$out" in *"$k"*) echo "# $k echoed" && bad=1 ;; esac
done
ok ${bad:-0} "a scenario without those keys echoes none of them"
has "$out" '"split": "pp"' "... and its split"
run run scenarios/p4_ratios.yaml --format json --schedule 1f1b --set pipeline.dp=2 --set datacenters.split=hierarchical
has "$out" '"split": "hierarchical"' "a hierarchical split is echoed"
finish

#!/bin/sh
# wan_cli.t: time-varying links, stragglers and --iterations from the command line: a trace
# beside its scenario file, the iteration report (JSON and table) against hand-computed times,
# --iterations 1 byte-identical to no option, errors with file:line, the packet engine's run of
# a trace over iterations and its refusal of what it does not model.
. "$(dirname "$0")/tap.sh"
plan 17

# 2 stages in 2 DCs, GPipe with 2 microbatches, T_F = 10 ms, B = 10 ms, 1e9-bit messages; the
# trace steps from 100 Gbps / 5 ms to 50 Gbps / 7 ms at 15 ms. By hand (tests/wan_test.c): the
# first iteration takes 129 ms, every later one (wholly after the step) 134 ms.
cat >"$TMP/step.yaml" <<'Y'
pipeline: {stages: 2, microbatches: 2, chunks: 1}
model: {forward: 10ms, backward_input: 5ms, backward_weight: 5ms, message: 125MB,
        activation: 1GiB, params: 0B}
memory: {limit: inf}
datacenters: {count: 2}
network:
  intra_dc: {latency: 0, bandwidth: inf}
  inter_dc: {latency: 5ms, bandwidth: 100Gbps, trace: step.csv}
schedules: [gpipe]
Y
printf 'time,bandwidth,latency\n0s,100Gbps,5ms\n15ms,50Gbps,7ms\n' >"$TMP/step.csv"

run run "$TMP/step.yaml" --iterations 3 --format json
ok $rc "run --iterations 3 on a trace (relative to the scenario's folder) exits 0"
got=$(printf '%s' "$out" | python3 -c '
import json, sys
it = json.load(sys.stdin)["results"][0]["iterations"]
print(it["count"], *it["times_ns"], it["mean_ns"], it["p50_ns"], it["min_ns"], it["max_ns"])')
is "$got" "3 129000000 134000000 134000000 132333333 134000000 129000000 134000000" \
	"iterations: 129, 134, 134 ms by hand; mean, p50, min, max"
run run "$TMP/step.yaml" --iterations 3
has "$out" "gpipe: iteration times: 129.0ms 134.0ms 134.0ms" "the table lists every iteration"

run run "$TMP/step.yaml" --format json
one=$out
run run "$TMP/step.yaml" --format json --iterations 1
is "$out" "$one" "--iterations 1 is byte-identical to no option"
case "$one" in *'"iterations"'*) ok 1 "one iteration adds no iterations object" ;;
*) ok 0 "one iteration adds no iterations object" ;; esac

run run "$TMP/step.yaml" --iterations 4 --set network.inter_dc.variation.model=markov \
	--set network.inter_dc.variation.correlation_time=40ms --set seed=3 --format json
a=$out
run run "$TMP/step.yaml" --iterations 4 --set network.inter_dc.variation.model=markov \
	--set network.inter_dc.variation.correlation_time=40ms --set seed=3 --format json
is "$out" "$a" "a stochastic WAN: the same seed gives byte-identical output across processes"

printf '0s,100Gbps,5ms\n20ms,50Gbps,7ms\n10ms,50Gbps,7ms\n' >"$TMP/bad.csv"
run run "$TMP/step.yaml" --set "network.inter_dc.trace=$TMP/bad.csv" -o "$TMP/none.json"
is "$rc" 2 "an unsorted trace exits 2"
has "$err" "bad.csv:3: column 1 (time): '10ms' is not after the previous row's time" \
	"the error names file:line and the column"
[ ! -e "$TMP/none.json" ]
ok $? "and nothing is written"

run run "$TMP/step.yaml" --set network.inter_dc.variation.low=10%
has "$err" "network.inter_dc.variation.low: applies only with variation.model: markov" \
	"a variation key without its model is refused"

run run "$TMP/step.yaml" -s greedy --iterations 3 --replan every-iteration --format json
is "$(printf '%s' "$out" | python3 -c '
import json, sys
it = json.load(sys.stdin)["results"][0]["iterations"]
print(it["replan"], 0 <= it["switches"] <= 2, len(it["times_ns"]))')" "every-iteration True 3" \
	"--replan reports its mode and at most iterations - 1 switches"

run run --help
has "$out" "--iterations N" "run --help lists --iterations"
run check --help
case "$out" in *--iterations*) ok 1 "check --help does not" ;; *) ok 0 "check --help does not" ;; esac

if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	ok 0 "# SKIP the packet engine is not built"
	ok 0 "# SKIP the packet engine is not built"
	ok 0 "# SKIP the packet engine is not built"
	ok 0 "# SKIP the packet engine is not built"
else
	# the packet engine runs the trace and the iterations (1 MB messages keep it short)
	run run "$TMP/step.yaml" --engine packet --iterations 2 --set model.message=1MB \
		--format json
	is "$(printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
it = r["iterations"]
print(r["engine"], it["count"], it["times_ns"][0] == r["makespan_ns"])')" "packet 2 True" \
		"the packet engine runs a trace and reports 2 iterations"
	run validate "$TMP/step.yaml" --set model.message=1MB --set iterations=2 --format json
	is "$(printf '%s' "$out" | python3 -c '
import json, sys
it = json.load(sys.stdin)["results"][0]["iterations"]
print(it["count"], it["analytic_mean_ns"] > 0, it["packet_mean_ns"] > 0, abs(it["mean_error"]) < 0.05)')" \
		"2 True True True" "validate compares the iterations of both engines on a trace"
	run run "$TMP/step.yaml" --engine packet --set network.inter_dc.degradation.start=1ms \
		--set network.inter_dc.degradation.duration=1ms \
		--set network.inter_dc.degradation.bandwidth=0
	has "$err" "the packet engine cannot simulate an outage" \
		"the packet engine refuses an outage (a zero bandwidth)"
	run run "$TMP/step.yaml" --engine packet -s greedy --iterations 2 --replan every-iteration
	has "$err" "schedule.replan: re-planning between iterations runs on the analytic engine only" \
		"the packet engine refuses --replan"
fi
finish

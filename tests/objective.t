#!/bin/sh
# objective.t: `auto --objective mean|p95|worst` over a set of network variants
# (--scenarios-from), against hand-computed iteration times: mean and worst choose different
# schedules; the variants file's errors with file:line:column and "did you mean"; seeds of a
# stochastic model; a trace's iterations as the set; --help.
. "$(dirname "$0")/tap.sh"
plan 27

# p = 2 stages in 2 DCs, m = 1, T_F = T_D = T_W = T = 1 ms, inter-DC latency L, free bandwidth.
# By hand (one microbatch, so every order is its critical path):
#   V placement (zbv, greedy-v, optimal-v; parts 0 and 3 on device 0, chunk blocks T/2): the
#     forwards cross the WAN twice and the backwards twice: 4 x T/2 + 4 x T/2 + W0 T/2 + 4L
#     = 4.5T + 4L;
#   one part per device, split backward (zbh1, zbh2, crossudsub, greedy, optimal): F, F, D, D,
#     then W on device 0: 5T + 2L;
#   combined backward (gpipe, 1f1b): F, F, B = 2T, B = 2T: 6T + 2L.
# Variants: L = 0, 0 and 0.4 ms. V: 4.5, 4.5, 6.1 ms (mean 5.0333, worst 6.1); split: 5, 5, 5.8
# (mean 5.2667, worst 5.8); combined: 6, 6, 6.8. So the mean picks a V schedule and the worst
# a split one. p95 (GSL: linear between order statistics, 0.95 x 2 = 1.9): V 4.5 + 0.9 x 1.6 =
# 5.94, split 5 + 0.9 x 0.8 = 5.72: a split one.
cat >"$TMP/two.yaml" <<'Y'
pipeline: {stages: 2, microbatches: 1, chunks: 2}
model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, message: 8MB,
        activation: 1GiB, params: 0B}
memory: {limit: 1.0x}
datacenters: {count: 2}
network:
  intra_dc: {latency: 0, bandwidth: inf}
  inter_dc: {latency: 0, bandwidth: inf}
schedules: [auto]
Y
cat >"$TMP/lat.yaml" <<'Y'
variants:
  - {name: near}
  - {name: near again}
  - name: far
    set: {network.inter_dc.latency: 400us}
Y

score() { # the chosen schedule and every candidate's score_ns from run's JSON ($out)
	printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)["results"][0]
print(r["chosen"], r["objective"], r["objective_samples"],
      " ".join("%s=%d" % (c["schedule"], c["score_ns"]) for c in r["candidates"]))'
}

run run "$TMP/two.yaml" --objective mean --scenarios-from "$TMP/lat.yaml" --format json
ok $rc "auto --objective mean --scenarios-from exits 0"
mean=$(score)
has "$mean" "zbv mean 3 " "mean: a V schedule (zbv, first in the table of the tied ones), 3 samples"
has "$mean" "zbv=5033333 " "mean: zbv's score is (4.5 + 4.5 + 6.1) / 3 ms by hand"
has "$mean" "zbh1=5266667 " "mean: zbh1's score is (5 + 5 + 5.8) / 3 ms by hand"
has "$mean" "gpipe=6266667 " "mean: gpipe's score is (6 + 6 + 6.8) / 3 ms by hand"

run run "$TMP/two.yaml" --objective worst --scenarios-from "$TMP/lat.yaml" --format json
worst=$(score)
has "$worst" "zbh1 worst 3 " "worst: a split one-part-per-device schedule (zbh1)"
has "$worst" "zbh1=5800000 " "worst: zbh1's worst is 5T + 2L = 5.8 ms by hand"
has "$worst" "zbv=6100000 " "worst: zbv's worst is 4.5T + 4L = 6.1 ms by hand"
[ "${mean%% *}" != "${worst%% *}" ]
ok $? "mean and worst choose different schedules (${mean%% *}, ${worst%% *})"

run run "$TMP/two.yaml" --objective p95 --scenarios-from "$TMP/lat.yaml" --format json
p95=$(score)
has "$p95" "zbh1 p95 3 zbh1=5720000 " "p95: zbh1 at 5.72 ms by hand (zbv 5.94 ms)"
has "$p95" "zbv=5940000 " "p95: zbv's p95 is 5.94 ms by hand"

# The oracle for the far variant: the same schedules run alone with the variant's key.
run run "$TMP/two.yaml" -s zbv,zbh1 --set network.inter_dc.latency=400us --format json
far=$(printf '%s' "$out" | python3 -c '
import json, sys
print(*[r["makespan_ns"] for r in json.load(sys.stdin)["results"]])')
is "$far" "6100000 5800000" "run alone at L = 0.4 ms, zbv and zbh1 take the hand times"

run run "$TMP/two.yaml" --objective worst --scenarios-from "$TMP/lat.yaml"
has "$out" "auto: chose zbh1 of 12 candidates by worst iteration time over 3 samples:" \
	"the table names the objective and the sample count"
has "$out" "  zbh1          5.000ms    5.800ms  yes" "and gives each candidate's score"

run run "$TMP/two.yaml" --format json
case "$out" in *'"objective"'*) ok 1 "without --objective the JSON is as before" ;;
*) ok 0 "without --objective the JSON is as before" ;; esac

# Errors in the variants file: file:line:column, the key, "did you mean".
printf 'variants:\n  - {name: a, sett: {seed: 2}}\n' >"$TMP/typo.yaml"
run run "$TMP/two.yaml" --objective mean --scenarios-from "$TMP/typo.yaml" -o "$TMP/none.json"
is "$rc" 2 "an unknown key in the variants file exits 2"
has "$err" "typo.yaml:2:15: sett: unknown key; did you mean 'set'?" \
	"it is named at file:line:column with a suggestion"
[ ! -e "$TMP/none.json" ]
ok $? "and nothing is written"
printf 'variants:\n  - name: slow\n    set:\n      network.inter_dc.bandwdth: 1Gbps\n' \
	>"$TMP/key.yaml"
run run "$TMP/two.yaml" --objective mean --scenarios-from "$TMP/key.yaml"
has "$err" "variant 'slow': $TMP/key.yaml:4:7: network.inter_dc.bandwdth: unknown key; did you mean 'bandwidth'?" \
	"a scenario key in a variant is checked by the scenario's reader, at its place"
printf 'variants:\n  - name: slow\n    set: {network.inter_dc.bandwidth: fast}\n' >"$TMP/val.yaml"
run run "$TMP/two.yaml" --objective mean --scenarios-from "$TMP/val.yaml"
has "$err" "$TMP/val.yaml:3:39: network.inter_dc.bandwidth: expected" "a bad value: its file:line:column"
printf 'variants:\n  - name: deeper\n    set: {pipeline.microbatches: 2}\n' >"$TMP/shape.yaml"
run run "$TMP/two.yaml" --objective mean --scenarios-from "$TMP/shape.yaml"
has "$err" "variant 'deeper' changes pipeline.microbatches" "a variant that changes the pipeline's shape is refused"
run run "$TMP/two.yaml" --scenarios-from "$TMP/lat.yaml"
has "$err" "schedule.variants: needs schedule.objective mean, p95 or worst" \
	"variants without an objective over them are refused"

# Seeds of a stochastic model: every variant under each seed, the same output every time.
cat >"$TMP/seeds.yaml" <<'Y'
variants:
  - name: markov
    set: {network.inter_dc: {bandwidth: 64Gbps, variation: {model: markov, low: 25%,
          correlation_time: 5ms}}}
seeds: [1, 2, 3]
Y
run run "$TMP/two.yaml" --objective p95 --scenarios-from "$TMP/seeds.yaml" --iterations 4 \
	--format json
a=$out
has "$(score)" " p95 12 " "1 variant x 3 seeds x 4 iterations: 12 samples"
run run "$TMP/two.yaml" --objective p95 --scenarios-from "$TMP/seeds.yaml" --iterations 4 \
	--format json
is "$out" "$a" "seeded variants: byte-identical output across processes"

# A trace's iterations as the set, without a variants file: L steps from 0 to 0.4 ms at 4.5 ms,
# so with 2 iterations the split schedules take 5 then 5.8 ms and the V ones 4.5 then 6.1 ms.
printf 'time,bandwidth,latency\n0s,inf,0s\n4500us,inf,400us\n' >"$TMP/step.csv"
run run "$TMP/two.yaml" --objective worst --iterations 2 \
	--set "network.inter_dc.trace=$TMP/step.csv" --format json
has "$(score)" "zbh1 worst 2 zbh1=5800000 " "a trace's iterations: worst picks zbh1 (5.8 ms)"

run run --help
has "$out" "--scenarios-from FILE" "run --help lists --scenarios-from"
run check --help
case "$out" in *--objective*) ok 1 "check --help does not list --objective" ;;
*) ok 0 "check --help does not list --objective" ;; esac
finish

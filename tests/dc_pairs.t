#!/bin/sh
# dc_pairs.t: network.inter_dc.pairs, the link between each pair of datacenters, and a trace per
# pair, in the analytic engine, by hand; the DP all-reduce's ring over the pairs; the errors of
# the key (file:line:column, "did you mean"); the JSON echo; the packet engine's refusal.
. "$(dirname "$0")/tap.sh"
plan 16

# 3 stages in 3 DCs, m = 1, GPipe: F, B (= D + W) of 1 ms and 2 ms; a message is 1e6 bytes.
# The class: 5 ms, 8 Gbps (1 ms per message); the pair 1-2: 1 ms, 80 Gbps (0.1 ms).
cat >"$TMP/p.yaml" <<'YAML'
pipeline: { stages: 3, microbatches: 1 }
model: { forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1000000B }
datacenters: { count: 3 }
network:
  inter_dc:
    latency: 5ms
    bandwidth: 8Gbps
    pairs:
      "1-2": { latency: 1ms, bandwidth: 80Gbps }
schedules: [gpipe]
YAML
ms() { echo "$1" | awk -F, 'NR == 2 { print $4 }'; }
run run "$TMP/p.yaml" --format csv
ok $rc "a scenario with a pair runs (exit $rc: $err)"
# F0 [0, 1], 0->1 (class) 1 + 5 -> 7, F1 [7, 8], 1->2 (pair) 0.1 + 1 -> 9.1, F2 [9.1, 10.1],
# B2 [10.1, 12.1], 2->1 -> 13.2, B1 [13.2, 15.2], 1->0 (class) -> 21.2, B0 [21.2, 23.2]
is "$(ms "$out")" 23200000 "the pair's link carries 1<->2, the class the rest: 23.2 ms by hand"
run run "$TMP/p.yaml" --format csv --set network.inter_dc.pairs=
is "$(ms "$out")" 33000000 "without the pair every hop takes the class's 6 ms: 33 ms"

# A trace on the pair 0-1: 8 Gbps, then 4 Gbps from 16 ms. The gradient 1->0 starts at 15.2 ms:
# 6.4e6 bits by 16 ms, the other 1.6e6 at 4 Gbps take 0.4 ms -> 16.4 + 5 -> 21.4, B0 ends 23.4.
printf 'time,bandwidth,latency\n0s,8Gbps,5ms\n16ms,4Gbps,5ms\n' >"$TMP/t01.csv"
run run "$TMP/p.yaml" --format csv --set network.inter_dc.pairs.0-1.trace="$TMP/t01.csv"
is "$(ms "$out")" 23400000 "a trace on one pair: the transfer across its step integrated, 23.4 ms by hand"
run run "$TMP/p.yaml" --format csv --set network.inter_dc.trace="$TMP/t01.csv"
is "$(ms "$out")" 23400000 "the same trace on the class gives the same (the pair 1-2 is its own link)"
run run "$TMP/p.yaml" --format json --set network.inter_dc.pairs.0-1.trace="$TMP/t01.csv"
has "$out" '{"between": [0, 1], "latency_ns": 5000000, "bandwidth_bps": 8000000000.000000, "trace": {"times_ns": [0, 16000000]' \
	"the JSON echoes each pair, its nominal link from the trace's first row and its rows"

# The all-reduce of split: dp over 3 DCs: a ring 0->1->2->0 in lock-step, at its slowest hop.
# p = 1, dp = 3, F 1 ms, B 2 ms, free intra-DC collectives; 3e6 parameter bytes: the ring sends
# 2(D-1)/D of them, 4e6 bytes: at 8 Gbps 4 ms, and 2(D-1) = 4 latencies of 5 ms: 3 + 24 = 27 ms.
cat >"$TMP/dp.yaml" <<'YAML'
pipeline: { stages: 1, microbatches: 1, dp: 3 }
model: { forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1000B, params: 3000000B }
datacenters: { count: 3, split: dp }
network:
  inter_dc:
    latency: 5ms
    bandwidth: 8Gbps
    pairs:
      "1-2": { latency: 1ms, bandwidth: 80Gbps }
schedules: [gpipe]
YAML
run run "$TMP/dp.yaml" --format csv
is "$(ms "$out")" 27000000 "split dp: the ring runs at its slowest hop (the class's): 27 ms"
run run "$TMP/dp.yaml" --format csv --set 'network.inter_dc.pairs.0-2={latency: 10ms, bandwidth: 4Gbps}'
is "$(ms "$out")" 51000000 "a slower pair 0-2 on the ring sets its pace: 3 + 8 + 4 x 10 = 51 ms"

# Errors, at their place.
run run "$TMP/p.yaml" --set network.inter_dc.pairs.1-2.bandwith=1Gbps
has "$err" "network.inter_dc.pairs.1-2.bandwith: unknown key; did you mean 'bandwidth'?" "a misspelt key of a pair: did you mean"
run run "$TMP/p.yaml" --set network.inter_dc.pairs.2-1.latency=1ms
has "$err" "'2-1': name a pair with the lower datacenter first: '1-2'" "a pair written upper first says how to write it"
sed 's/"1-2"/"1-3"/' "$TMP/p.yaml" >"$TMP/bad.yaml"
run run "$TMP/bad.yaml"
has "$err" "bad.yaml:9:7: network.inter_dc.pairs.1-3: unknown key; did you mean" "a pair of a datacenter that does not exist, at its line and column"
sed 's/bandwidth: 80Gbps/bandwidth: 80/' "$TMP/p.yaml" >"$TMP/bad.yaml"
run run "$TMP/bad.yaml"
has "$err" "bad.yaml:9:41: network.inter_dc.pairs.1-2.bandwidth: expected" "a value without its unit, at its column"
printf 'time,bandwidth,latency\n0s,8Gbps,5ms\n0s,4Gbps,5ms\n' >"$TMP/unsorted.csv"
run run "$TMP/p.yaml" --set network.inter_dc.pairs.0-1.trace="$TMP/unsorted.csv"
has "$err" "unsorted.csv:3: column 1 (time)" "a pair's trace is checked like any other (file:line)"
run run "$TMP/p.yaml" --set datacenters.count=1
has "$err" "network.inter_dc.pairs: needs 2 to 64 datacenters, the scenario has 1" "pairs need datacenters"

if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	ok 0 "# SKIP the packet engine is not built"
	ok 0 "# SKIP the packet engine is not built"
else
	run run "$TMP/p.yaml" --engine packet
	is "$rc" 2 "the packet engine refuses pairs (exit 2)"
	has "$err" "does not build links per pair of datacenters (network.inter_dc.pairs)" "... naming the key"
fi
finish

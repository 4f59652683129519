#!/bin/sh
# table.t: the readable table. The WAN columns are the busiest DC-crossing link's busy share of
# the iteration and the mean queueing per DC-crossing message (the sum stays in the JSON); times
# and sizes have four significant digits; "vs best static" is the gain over the fastest static
# schedule that fits memory; auto's candidates are a table. And the default run: two datacenters
# as far apart as the paper's headline case, statics and adaptive schedules, under 2 s.
. "$(dirname "$0")/tap.sh"
plan 15

# By hand: 2 stages in 2 DCs, 1 ms blocks, a 64 MiB message takes 2 ms on the WAN, no latency.
# GPipe: F0 [0,1] F1 [1,2] on stage 0; F0's activation holds the link [1,3], F1's waits 1 ms and
# holds it [3,5]; stage 1: F0 [3,4], F1 [5,6], B0 [6,8], B1 [8,10]; the gradients hold the down
# link [8,10] and [10,12]; stage 0: B0 [10,12], B1 [12,14]. Makespan 14 ms; each link is busy
# 4 ms (28.6%); 1 ms of queueing over 4 messages is 250 us each.
cat >"$TMP/hand.yaml" <<'Y'
pipeline: {stages: 2, microbatches: 2}
model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 64MiB}
memory: {limit: inf}
datacenters: {count: 2}
network: {inter_dc: {latency_ratio: 0, bandwidth_ratio: 2}}
schedules: [gpipe]
Y
run run "$TMP/hand.yaml"
head=$(echo "$out" | head -1)
has "$head" "WAN busy  WAN wait/msg" "the table has the WAN busy share and the mean wait per message"
case "$head" in *"WAN queue"*) ok 1 "the summed WAN queue is gone" ;; *) ok 0 "the summed WAN queue is gone" ;; esac
row=$(echo "$out" | awk '$1 == "gpipe"' | tr -s ' ')
has "$row" "gpipe analytic 14.00ms 7.000ms" "makespan and time per microbatch with four significant digits"
has "$row" "28.6% 250.0us +0.0%" "busy share 4/14, wait 1 ms / 4 messages, the static itself +0.0%"
run run "$TMP/hand.yaml" --format json
q=$(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print(r["wan_queue_ns"], r["wan_busy_ns"])')
is "$q" "1000000 8000000" "the JSON keeps the sums: 1 ms of queueing, 8 ms of WAN busy time"

# gains on p4_ratios: zbh1 57 T_F, 1f1b 65 T_F, greedy 43 T_F: (57-65)/57 and (57-43)/57
run run scenarios/p4_ratios.yaml --schedule zbh1,1f1b,greedy
gains=$(echo "$out" | awk '$2 == "analytic" {print $1 "=" $NF}' | tr '\n' ' ')
is "$gains" "zbh1=+0.0% 1f1b=-14.0% greedy=+24.6% " "vs best static: the gain over zbh1"

run run scenarios/p4_ratios.yaml --schedule auto --set solver.work_limit=20000
n_json=$("$XP_BIN" run scenarios/p4_ratios.yaml --schedule auto --set solver.work_limit=20000 \
	--format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"][0]["candidates"]))')
rows=$(echo "$out" | awk '/^auto: chose/ {t = 1; next} t && /^  [a-z0-9-]+ +[0-9.]+[mun]?s +(yes|no)$/ {n++} END {print n}')
is "$rows" "$n_json" "auto's candidates: one row each ($n_json)"
echo "$out" | grep -qE '^  candidate +makespan  fits$'
ok $? "the candidate table has a header"
g=$(echo "$out" | awk '$1 == "auto" {print $NF}')
is "$g" "+24.6%" "auto alone: the gain over the fastest fitting static among its candidates (zbh1, 57 T_F)"

# the default run
t0=$(date +%s%N)
run run
t1=$(date +%s%N)
ok $rc "the default run exits 0"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 2000 ]
ok $? "the default run takes under 2 s (${ms} ms)"
is "$(echo "$out" | awk '$2 == "analytic" {print $1}' | tr '\n' ' ')" \
	"gpipe 1f1b interleaved zbh1 zbh2 zbv crossudsub greedy greedy-v " \
	"the default run has the statics and the adaptive schedules, not the solvers"
lat=$("$XP_BIN" run --format json | python3 -c '
import json, sys
s = json.load(sys.stdin)["scenario"]
print("%.2f %.2f" % (s["inter_dc"]["latency_ns"] / s["forward_ns"][0],
                     s["message_bytes"] * 8e9 / s["inter_dc"]["bandwidth_bps"] / s["forward_ns"][0]))')
is "$lat" "2.00 2.00" "the default's datacenters are as far apart as the paper's headline: T_lat/T_F = T_bw/T_F = 2"
g=$(echo "$out" | awk '$1 == "greedy" {sub("%", "", $NF); print ($NF + 0 >= 30) ? "yes" : "no: " $NF}')
is "$g" "yes" "greedy gains at least 30% over the best static that fits memory"
digits=$(echo "$out" | awk '$2 == "analytic" {for (k = 3; k <= 4; k++) {x = $k; gsub("[^0-9]", "", x); print length(x)}}' | sort -u | tr '\n' ' ')
is "$digits" "4 " "every makespan and time per microbatch of the default run has four significant digits"

#!/bin/sh
# p2p_cli.t: network.p2p from the command line: the default and an explicit decoupled give the
# same bytes, the other semantics are said in the JSON and the table, megatron refuses the
# schedules Megatron-Core does not run, unknown values are refused listing the known ones,
# blocking's deadlock names the held devices.
. "$(dirname "$0")/tap.sh"
plan 14

S=scenarios/p4_ratios.yaml
"$XP_BIN" run $S --format json --set schedules=[zbh1,greedy] >"$TMP/default.json"
"$XP_BIN" run $S --format json --set schedules=[zbh1,greedy] --set network.p2p=decoupled \
	>"$TMP/explicit.json"
cmp -s "$TMP/default.json" "$TMP/explicit.json"
ok $? "network.p2p: decoupled gives the default's bytes"
grep -q '"p2p"' "$TMP/default.json"
ok $((! $?)) "no p2p field under decoupled"

run run $S --format json --set schedules=[zbh1,greedy] --set network.p2p=rendezvous
ok $rc "rendezvous runs"
has "$out" '"p2p": "rendezvous"' "the JSON says the semantics"
n=$(printf '%s\n' "$out" | grep -c '"planned_under": "decoupled"')
is "$n" 1 "planned_under only for the planner (greedy), not for zbh1"
a=$(grep -m1 '"makespan_ns"' "$TMP/default.json")
b=$(printf '%s\n' "$out" | grep -m1 '"makespan_ns"')
[ "$a" != "$b" ]
ok $? "zbh1's makespan changes under rendezvous ($a -> $b)"

run run $S --set schedules=zbh1 --set network.p2p=prefetch
has "$out" "communication: network.p2p prefetch" "the table says the semantics"

run run $S --format json --set schedules=1f1b --set network.p2p=megatron
ok $rc "megatron runs 1f1b"
has "$out" '"p2p": "megatron"' "and the JSON says so"
run run $S --set schedules=zbh1 --set network.p2p=megatron
is "$rc" 2 "megatron refuses zbh1 (exit 2)"
has "$err" "network.p2p megatron: schedule zbh1 is not an order Megatron-Core runs" \
	"naming the key and the schedule"

run run $S --set network.p2p=rendezvus
is "$rc" 2 "a misspelt value is refused"
has "$err" "expected decoupled or rendezvous or blocking or megatron or prefetch" \
	"listing the values"

run run $S --set schedules=1f1b --set network.p2p=blocking
has "$err" "held in a send no receive matches" "blocking 1f1b deadlocks and says why (exit $rc)"
finish

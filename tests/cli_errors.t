#!/bin/sh
# cli_errors.t: bad input gets a clear message naming what and where, a non-zero exit, and no
# output file.
. "$(dirname "$0")/tap.sh"
plan 48

S=scenarios/p4_ratios.yaml
bad() { # bad NAME YAML: write a scenario file
	printf '%s\n' "$2" >"$TMP/$1.yaml"
}
# expect_error STATUS MESSAGE DESCRIPTION ARGS...: runs crosspipe with -o, checks all three
expect_error() {
	want=$1 msg=$2 desc=$3
	shift 3
	rm -f "$TMP/out.txt"
	run "$@" -o "$TMP/out.txt"
	is "$rc" "$want" "$desc: exit status $want"
	has "$err" "$msg" "$desc: the message names what and where"
	[ ! -e "$TMP/out.txt" ] && [ -z "$(ls "$TMP" | grep '\.tmp\.')" ]
	ok $? "$desc: nothing written"
}

bad syntax 'pipeline:
  stages: [4
model: {}'
expect_error 2 "$TMP/syntax.yaml:3:" "YAML syntax error" run "$TMP/syntax.yaml"

bad unknown 'pipeline: {stages: 4, microbatches: 8, stagez: 3}
model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1MiB}'
expect_error 2 "$TMP/unknown.yaml:1:40: pipeline.stagez:" "unknown key" run "$TMP/unknown.yaml"

bad unit 'pipeline: {stages: 4, microbatches: 8}
model: {forward: 3 parsecs, backward_input: 1ms, backward_weight: 1ms, activation: 1MiB}'
expect_error 2 "$TMP/unit.yaml:2:18: model.forward:" "wrong unit" run "$TMP/unit.yaml"

bad zero 'pipeline: {stages: 0, microbatches: 8}
model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1MiB}'
expect_error 2 "$TMP/zero.yaml:1:20: pipeline.stages:" "impossible value" run "$TMP/zero.yaml"

bad list 'pipeline: {stages: 4, microbatches: 8}
model: {forward: [1ms, 2ms], backward_input: 1ms, backward_weight: 1ms, activation: 1MiB}'
expect_error 2 "model.forward:" "a per-stage list of the wrong length" run "$TMP/list.yaml"

expect_error 2 "--set pipeline.microbatches=many: pipeline.microbatches:" "a bad --set" \
	run $S --set pipeline.microbatches=many
expect_error 2 "no-such.yaml" "a missing scenario file" run "$TMP/no-such.yaml"
expect_error 2 "datacenters.split: dp needs datacenters.count >= 2 dividing pipeline.dp (1)" \
	"split dp without DP replicas to spread" run $S --set datacenters.split=dp
expect_error 2 "datacenters.split: expected" "an unknown split" run $S --set datacenters.split=tp
expect_error 2 "unknown schedule 'zbx'" "an unknown schedule" run $S --schedule zbx
expect_error 2 "multiple" "interleaved with m not a multiple of p" \
	run $S --schedule interleaved --set pipeline.microbatches=6

printf 'crosspipe-schedule 1\ndevices 2\nchunks 1\nmicrobatches 1\ndevice 0: B0 F0\ndevice 1: F0 B0\n' \
	>"$TMP/cyclic.sched"
expect_error 3 "device 0 blocked at B0" "a schedule file that deadlocks" \
	run $S --set pipeline.stages=2 --set pipeline.microbatches=1 --schedule-file "$TMP/cyclic.sched"

printf 'crosspipe-schedule 1\ndevices 2\nchunks 1\nmicrobatches 1\ndevice 0: F0 Q0\n' >"$TMP/typo.sched"
expect_error 2 "$TMP/typo.sched:5:" "a schedule file with a syntax error" \
	run $S --set pipeline.stages=2 --set pipeline.microbatches=1 --schedule-file "$TMP/typo.sched"

expect_error 2 "--set memory.limit=1MiB: memory.limit: 1MiB on device 0 is below one microbatch" \
	"an impossible memory limit for an adaptive schedule" run $S --schedule greedy --set memory.limit=1MiB

run run $S --schedule optimal-v --solver-time 0.05s --format json -o "$TMP/timeout.json"
is "$rc" "4" "a solver stopped by its time limit exits 4"
has "$err" "optimal-v: the solver stopped at solver.time_limit" "and says so, naming the schedule"
has "$(cat "$TMP/timeout.json")" '"status": "timeout"' "the output is complete, with the solver's status"

run run $S --bogus
is "$rc" "2" "an unknown option exits 2"
has "$err" "--bogus" "an unknown option is named"
run frobnicate
is "$rc" "2" "an unknown command exits 2"
finish

#!/bin/sh
# cli_errors.t: bad input gets a clear message naming what and where, a non-zero exit, and no
# output file.
. "$(dirname "$0")/tap.sh"
plan 132

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

# a name with a NUL byte (found by the schedule fuzzer: it read as a name with trailing blanks that
# the file could not write back) and one with an escape character
printf 'crosspipe-schedule 1\nname ab \000cd\ndevices 1\nchunks 1\nmicrobatches 1\ndevice 0: F0 B0\n' \
	>"$TMP/nul.sched"
expect_error 2 "$TMP/nul.sched:2:9: the name holds a control character (byte 0x00)" \
	"a schedule name with a NUL byte" run $S --set pipeline.stages=1 --set pipeline.microbatches=1 --set datacenters.count=1 \
	--schedule-file "$TMP/nul.sched"
printf 'crosspipe-schedule 1\nname a\033b\ndevices 1\nchunks 1\nmicrobatches 1\ndevice 0: F0 B0\n' \
	>"$TMP/esc.sched"
expect_error 2 "$TMP/esc.sched:2:7: the name holds a control character (byte 0x1b)" \
	"a schedule name with an escape byte" run $S --set pipeline.stages=1 --set pipeline.microbatches=1 --set datacenters.count=1 \
	--schedule-file "$TMP/esc.sched"
# latency_ratio x T_F beyond 2^62 ns (found by the scenario fuzzer: an undefined float-to-int cast)
expect_error 2 "network.inter_dc.latency_ratio: 1e+06 x T_F" "a latency ratio whose latency overflows" \
	run $S --set model.forward=4611686018427387ns --set network.inter_dc.latency_ratio=1e6
printf 'crosspipe-schedule 1\ndevices 2\nchunks 1\nmicrobatches 1\ndevice 0: F0 Q0\n' >"$TMP/typo.sched"
expect_error 2 "$TMP/typo.sched:5:" "a schedule file with a syntax error" \
	run $S --set pipeline.stages=2 --set pipeline.microbatches=1 --schedule-file "$TMP/typo.sched"

expect_error 2 "--set memory.limit=1MiB: memory.limit: 1MiB on device 0 is below one microbatch" \
	"an impossible memory limit for an adaptive schedule" run $S --schedule greedy --set memory.limit=1MiB

run run $S --schedule optimal-v --solver-time 0.05s --format json -o "$TMP/timeout.json"
is "$rc" "4" "a solver stopped by its time limit exits 4"
has "$err" "optimal-v: the solver stopped at solver.time_limit" "and says so, naming the schedule"
has "$(cat "$TMP/timeout.json")" '"status": "timeout"' "the output is complete, with the solver's status"

# ---- outputs: all or nothing, never an input ----
rm -f "$TMP/out.txt"
run run $S -o "$TMP/out.txt" --trace /nonexistent/t.json
is "$rc" "1" "an output that cannot be written exits 1"
has "$err" "cannot write /nonexistent/t.json: No such file or directory" "... with the reason"
[ ! -e "$TMP/out.txt" ] && [ -z "$(ls "$TMP" | grep '\.tmp\.')" ]
ok $? "... and the other output (-o) is not left behind"
cp $S "$TMP/in.yaml"
before=$(cksum <"$TMP/in.yaml")
expect_error 2 "is the scenario file (an input)" "-o naming the scenario" run "$TMP/in.yaml" \
	--trace "$TMP/in.yaml"
is "$(cksum <"$TMP/in.yaml")" "$before" "... which is left as it was"
(cd "$TMP" && "$XP_BIN" export in.yaml --schedule 1f1b -o ./in.yaml 2>/dev/null)
is "$?:$(cksum <"$TMP/in.yaml")" "2:$before" "export -o ./SCENARIO (another spelling) exits 2, scenario kept"
expect_error 2 "--gantt $TMP/two: is also the --trace output" "one file for two outputs" \
	run $S --trace "$TMP/two" --gantt "$TMP/two"
ln -s "$TMP/in.yaml" "$TMP/link.yaml"
expect_error 2 "is the scenario file" "an output that is the scenario through a link" \
	run "$TMP/in.yaml" --gantt "$TMP/link.yaml"
run export $S --schedule 1f1b -o /nonexistent/x.txt
has "$rc:$err" "1:crosspipe: cannot write /nonexistent/x.txt: No such file or directory" \
	"export to a missing folder exits 1 with the reason"
"$XP_BIN" schedules >/dev/full 2>/dev/null
ok $(($? == 0)) "schedules into /dev/full fails"
"$XP_BIN" --help >/dev/full 2>/dev/null
ok $(($? == 0)) "--help into /dev/full fails"
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from_fifo" &
"$XP_BIN" run $S --schedule 1f1b -o "$TMP/fifo"
is "$?:$(ls -l "$TMP/fifo" | cut -c1)" "0:p" "-o FIFO writes into it, and it stays a FIFO (not replaced)"
wait
has "$(cat "$TMP/from_fifo")" "fastest that fits memory: 1f1b" "... the reader gets the table"

# ---- each command takes only its own options ----
rm -f "$TMP/x.svg"
expect_error 2 "unknown option '--gantt' (not an option of check" "check --gantt" \
	check $S --gantt "$TMP/x.svg"
[ ! -e "$TMP/x.svg" ]
ok $? "... and writes no SVG"
run check --help
case "$out" in *--gantt* | *--trace* | *--jitter* | *--calibrated* | *--format*) r=1 ;; *) r=0 ;; esac
ok $r "check --help lists none of run's output options"
run export --help
# export has its own --format (schedule or torch), not run's (table, json or csv)
case "$out" in *--gantt* | *--trace* | *--jitter* | *--calibrated* | *json*) r=1 ;; *) r=0 ;; esac
ok $r "export --help lists none of run's output options"
has "$out" "--output FILE" "export --help lists -o"
run run --help
case "$out" in *--calibrated*) r=1 ;; *) r=0 ;; esac
ok $r "run --help does not list --calibrated"
case "$out" in *%%*) r=1 ;; *) r=0 ;; esac
ok $r "run --help has no literal %%"
expect_error 2 "unknown option '--jitter'" "export --jitter" export $S --schedule 1f1b --jitter 0.1

# ---- memory: impossible limits, no fitting schedule, runaway sizes ----
sed 's/^memory:.*/memory: {limit: 1MiB}/' $S >"$TMP/tiny.yaml"
grep -q 'limit: 1MiB' "$TMP/tiny.yaml" || printf 'memory: {limit: 1MiB}\n' >>"$TMP/tiny.yaml"
line=$(grep -n 'limit: 1MiB' "$TMP/tiny.yaml" | cut -d: -f1)
expect_error 2 "$TMP/tiny.yaml:$line:17: memory.limit: 1MiB on device 0 is below one microbatch's activations there (64MiB)" \
	"a limit below one microbatch, in the file" run "$TMP/tiny.yaml" --schedule 1f1b
expect_error 2 "no requested schedule fits memory.limit; these adaptive schedules do: greedy" \
	"a feasible limit that no requested schedule meets" run $S --set memory.limit=0.5x --schedule 1f1b
expect_error 2 "1f1b: would need about 2.344TiB of memory (4096 stages x 1048576 microbatches x 1 chunks" \
	"a schedule far beyond --max-memory" run $S --schedule 1f1b \
	--set pipeline.stages=4096 --set pipeline.microbatches=1048576
expect_error 2 "more than --max-memory 1KiB" "--max-memory lowers the limit" \
	run $S --schedule 1f1b --max-memory 1KiB
run run $S --schedule 1f1b --max-memory 1MiB --set pipeline.stages=2 --set pipeline.microbatches=2
ok $rc "a small run under --max-memory 1MiB (estimate 2400 bytes) runs"
expect_error 2 "memory.limit: '1e300x' of stage 0's 1F1B budget" "1e300x is not unlimited" \
	run $S --set memory.limit=1e300x
expect_error 2 "seed: expected an integer >= 0, got '-0'" "seed=-0 is refused like stages=-0" \
	run $S --set seed=-0

# ---- times that would leave int64 ----
for sch in zbv 1f1b; do
	expect_error 2 "--set network.intra_dc.bandwidth=1bps: network.intra_dc.bandwidth: makes an execution's times too large" \
		"$sch at 1bps: refused, naming the key" run $S --schedule $sch --set network.intra_dc.bandwidth=1bps
done
expect_error 2 "network.inter_dc.latency_ratio: makes an execution's times too large" \
	"a huge ratio is blamed on the ratio key" run $S --set network.inter_dc.latency_ratio=1e6 \
	--set model.forward=1h

# ---- messages ----
expect_error 2 "--set pipeline.stages=: pipeline.stages: emptied by this override" \
	"an emptied required key blames the override" run $S --set pipeline.stages=
long=$(printf '%0120000d' 0 | tr 0 9)
expect_error 2 "(120016 characters): pipeline.stages: expected an integer from 1 to 4096" \
	"a 120 kB --set value is elided and the reason kept" run $S --set "pipeline.stages=$long"
{ head -6 $S; printf 'seed: "a\001b"\n'; } >"$TMP/ctl.yaml"
expect_error 2 "$TMP/ctl.yaml:7:9: cannot read the YAML text: control characters are not allowed" \
	"a control byte on line 7 is placed at line 7" run "$TMP/ctl.yaml"
"$XP_BIN" export $S --schedule zbh1 -o "$TMP/z.sched"
awk '/^device 0:/ { sub(/ W4 /, " W3 ") } { print }' "$TMP/z.sched" >"$TMP/dup.sched"
line=$(grep -n '^device 0:' "$TMP/dup.sched" | cut -d: -f1)
# the column of the second W3: the first " W3 " at i, the next one searched from its last blank
col=$(awk '/^device 0:/ { i = index($0, " W3 "); print i + 3 + index(substr($0, i + 3), " W3 ") }' \
	"$TMP/dup.sched")
expect_error 2 "$TMP/dup.sched:$line:$col: device 0: W3 appears twice" \
	"a repeated block in a schedule file is placed at the repeat" \
	run $S --schedule-file "$TMP/dup.sched"
cp "$TMP/z.sched" "$TMP/mine.sched"
run run $S --schedule zbh1 --schedule-file "$TMP/mine.sched"
is "$(echo "$out" | awk 'NR==2 || NR==3 {print $1}' | tr '\n' ' ')" "zbh1 mine " \
	"an exported file read back is named after the file, not the generator"

run run $S --bogus
is "$rc" "2" "an unknown option exits 2"
has "$err" "--bogus" "an unknown option is named"
run frobnicate
is "$rc" "2" "an unknown command exits 2"
# A header that declares more blocks than the file has ops is reported from the ops alone, at once,
# instead of allocating a cover for each of 65536 x 255 x 2^31 blocks (a fuzzer finding).
printf 'crosspipe-schedule 1\ndevices 65536\nmicrobatches 2147483647\nchunks 255\ndevice 0: F0.c0\n' \
	>"$TMP/huge_header.sched"
expect_error 2 "huge_header.sched:5:11: device 0: block F1.c0 of part 0 is missing" \
	"a huge schedule header with one op" run "$S" --schedule-file "$TMP/huge_header.sched"
finish

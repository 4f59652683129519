#!/bin/sh
# cli.t: the crosspipe command on scenario files: commands, formats, overrides, determinism.
. "$(dirname "$0")/tap.sh"
plan 30

run --version
ok $rc "--version exits 0"
has "$out" "crosspipe " "--version prints the name and version"

run --help
has "$out" "run [SCENARIO]" "--help lists the run command"
run run --help
has "$out" "--schedule LIST" "run --help lists the options"
is "$rc:$err" "0:" "run --help exits 0 and writes nothing else"

run schedules
is "$(echo "$out" | awk '{print $1}' | grep -xE 'gpipe|1f1b|interleaved|zbh1|zbh2|zbv|auto' |
	tr '\n' ' ')" "gpipe 1f1b interleaved zbh1 zbh2 zbv auto " \
	"schedules lists the generators, one per line"

run run
ok $rc "run with no file uses the default scenario"
is "$(echo "$out" | awk 'NR>1 && NR<=7 {print $1}' | tr '\n' ' ')" \
	"gpipe 1f1b interleaved zbh1 zbh2 zbv " "the default table compares the static schedules"

S=scenarios/p4_ratios.yaml
run run $S --format json -o "$TMP/a.json"
ok $rc "run --format json -o FILE exits 0"
is "$out" "" "with -o nothing goes to stdout"
python3 -m json.tool "$TMP/a.json" >/dev/null
ok $? "the JSON report is valid JSON"
fields=$(python3 - "$TMP/a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
need = ["schedule", "engine", "makespan_ns", "max_device_span_ns", "time_per_microbatch_ns",
        "tokens_per_s", "bubble_ratio", "peak_memory_bytes", "memory_limit_bytes",
        "fits_memory", "wan_queue_ns"]
missing = [f for r in d["results"] for f in need if f not in r]
print("missing:" + ",".join(missing) if missing else "ok", "stages=%d" % d["scenario"]["stages"])
print(" ".join("%s=%d" % (r["schedule"], r["makespan_ns"]) for r in d["results"]))
PY
)
has "$fields" "ok stages=4" "every result has the contract fields and the scenario is echoed"
has "$fields" "1f1b=65000000 zbh1=57000000" "the makespans are the authors' (2,2) values (65 and 57 T_F)"

run run $S --format json
cmp -s "$TMP/stdout" "$TMP/a.json"
ok $? "two runs of the same scenario give byte-identical JSON"

run run $S --format csv
is "$(echo "$out" | wc -l | tr -d ' ')" "4" "CSV: a header and one row per schedule"
has "$(echo "$out" | head -1)" "schedule,engine,makespan_ns" "CSV header names the fields"

run run $S --set pipeline.microbatches=4 --set 'schedules=[zbh1]' --format json
has "$out" '"microbatches": 4' "--set overrides a scenario key"
is "$(echo "$out" | grep -c '"schedule":')" "1" "--set schedules=[...] picks the schedules"

run run $S --schedule 1f1b,zbv --trace "$TMP/t.json" --gantt "$TMP/g.svg"
ok $rc "run with --trace and --gantt exits 0"
python3 -m json.tool "$TMP/t.json" >/dev/null
ok $? "the trace is valid JSON"
has "$(head -c 300 "$TMP/g.svg")" "<svg" "the Gantt chart is an SVG"

run export $S --schedule zbv -o "$TMP/zbv.sched"
ok $rc "export writes a schedule file"
run run $S --schedule-file "$TMP/zbv.sched" --format csv
a=$(echo "$out" | awk -F, 'NR==2 {print $4}')
run run $S --schedule zbv --format csv
b=$(echo "$out" | awk -F, 'NR==2 {print $4}')
is "$a" "$b" "an exported schedule runs from its file with the same makespan"

run run $S --schedule auto --format json
has "$out" '"chosen": "' "auto names the schedule it chose"
has "$out" '"candidates": [' "auto lists the candidates it timed"
run run $S --schedule zbh1 --jitter 5% --samples 10 --format json
has "$out" '"robustness": {"samples": 10, "jitter": 0.050000' "--jitter/--samples add robustness figures"

run check $S
ok $rc "check accepts a valid scenario"
run check $S --schedule 1f1b,greedy,auto
is "$rc:$out" "0:$S: ok: 4 stages, 8 microbatches, dp 1, 2 datacenters; schedules: 1f1b; checked without their search (run plans them): greedy auto" \
	"check builds the static schedules and probes the ones that search"
run check $S --schedule greedy-v --set memory.limit=0.1x
is "$rc" "2" "check refuses what run refuses: greedy-v in a tenth of 1F1B's memory"
run engines
has "$out" "analytic" "engines lists the analytic engine"
finish

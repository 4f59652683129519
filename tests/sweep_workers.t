#!/bin/sh
# sweep_workers.t: the sweep's workers and folder: --task-timeout ends a stopped worker's task as
# a timeout row, workers die with their parent, one folder takes one sweep at a time, an
# interrupt says how to continue, and a full disk leaves no temporary file behind.
. "$(dirname "$0")/tap.sh"
plan 28

X=$XP_BIN
# 300 tasks of about 10 ms each: a sweep that runs for some seconds
cat >"$TMP/big.yaml" <<EOT
base: $XP_TOP/scenarios/p4_ratios.yaml
axes:
  network.inter_dc.latency_ratio: {from: 0, to: 2, steps: 150}
  pipeline.microbatches: [4096]
schedules: [1f1b, zbh1]
EOT
once() { # every task of 0..N-1 exactly once in both files of folder D
	python3 - "$1" "$2" <<'PY'
import csv, json, sys
d, n = sys.argv[1], int(sys.argv[2])
c = sorted(int(r["task"]) for r in csv.DictReader(open(d + "/results.csv")))
j = sorted(json.loads(l)["task"] for l in open(d + "/results.jsonl"))
print("once" if c == j == list(range(n)) else "not once (%d csv, %d json)" % (len(c), len(j)))
PY
}
workers_of() { # the worker pids of sweep PID, once there are N of them
	i=0
	while [ $i -lt 250 ]; do
		w=$(pgrep -P "$1" | tr '\n' ' ')
		[ "$(echo $w | wc -w)" -ge "$2" ] && break
		sleep 0.02
		i=$((i + 1))
	done
	echo $w
}
gone() { # 0 when none of the pids is alive (zombies of a dead parent are reaped by init)
	for p in "$@"; do
		if kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; then
			return 1
		fi
	done
	return 0
}
wait_rows() { # until folder D has N rows
	i=0
	while [ $i -lt 500 ] && [ "$(cat "$1/results.csv" 2>/dev/null | wc -l)" -lt "$2" ]; do
		sleep 0.02
		i=$((i + 1))
	done
}

# --- a stopped worker and --task-timeout ---
"$X" sweep "$TMP/big.yaml" --jobs 2 --task-timeout 1s --out "$TMP/t" >/dev/null 2>"$TMP/t.err" &
pid=$!
(sleep 100 && kill -9 $pid) >/dev/null 2>&1 & # a watchdog, should the sweep hang
dog=$!
w=$(workers_of $pid 2)
first=${w%% *}
kill -STOP "$first"
wait $pid
rc=$?
kill $dog 2>/dev/null
is "$rc" "1" "a sweep with a worker stopped (SIGSTOP) ends, exit 1 (not hung)"
is "$(grep -cE ',[0-9a-f]{16},timeout,' "$TMP/t/results.csv")" "1" "the stopped worker's task has a CSV row with status timeout"
is "$(grep -c '"status": "timeout"' "$TMP/t/results.jsonl")" "1" "and a JSON line with status timeout"
has "$(grep ',timeout,' "$TMP/t/results.csv")" "longer than --task-timeout (1.000 s)" "its message names the limit"
is "$(once "$TMP/t" 300)" "once" "every other task ran: each task once in both files"
gone "$first"
ok $? "the stopped worker was killed"
has "$(cat "$TMP/t.err")" "1 failed" "the summary counts the timed-out task as failed"
run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/t" --resume
is "$(once "$TMP/t" 300) $(grep -c ',timeout,' "$TMP/t/results.csv")" "once 0" "a resume runs the timed-out task again"
run sweep "$TMP/big.yaml" --task-timeout 0s --list
is "$rc:$err" "2:crosspipe sweep: --task-timeout needs a duration > 0 such as 90s or 10min, got '0s'" \
	"--task-timeout 0s is a usage error naming the option"

# --- the parent killed: its workers go too ---
"$X" sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/k" >/dev/null 2>&1 &
pid=$!
w=$(workers_of $pid 2)
is "$(echo $w | wc -w)" "2" "(the sweep has two workers)"
kill -STOP $w # stopped, they would never notice a closed pipe
kill -9 $pid
wait $pid 2>/dev/null
i=0
while [ $i -lt 100 ] && ! gone $w; do
	sleep 0.02
	i=$((i + 1))
done
gone $w
ok $? "kill -9 of the sweep ends its workers, even stopped ones (parent-death signal)"
gone $w || kill -9 $w 2>/dev/null

# --- one folder, one sweep ---
"$X" sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/l" >/dev/null 2>"$TMP/l.err" &
pid=$!
wait_rows "$TMP/l" 20
run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/l" --resume
is "$rc" "2" "a --resume on a folder that another sweep is writing exits 2"
has "$err" "is in use: another crosspipe sweep is writing it" "with a message that says so"
run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/l"
is "$rc" "2" "so does a second plain run"
wait $pid
ok $? "the first sweep completes"
is "$(once "$TMP/l" 300)" "once" "with every task once: the two runs did not interleave"

# --- an interrupt ---
"$X" sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/i" >/dev/null 2>"$TMP/i.err" &
pid=$!
wait_rows "$TMP/i" 20
kill -INT $pid
wait $pid
is "$?" "130" "SIGINT stops the sweep (exit 128+2)"
has "$(cat "$TMP/i.err")" "manifest.json has end: null, and \`$X sweep" "stderr says the manifest is left open"
has "$(cat "$TMP/i.err")" "--resume\` continues it" "and that --resume continues it"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"])' "$TMP/i/manifest.json")" "None" \
	"the manifest has end: null"
run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/i"
has "$err" "already holds an interrupted sweep (manifest.json has end: null): add --resume" \
	"a plain run on the interrupted folder points to --resume"
run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/i" --resume
is "$rc $(once "$TMP/i" 300)" "0 once" "--resume completes it"

# --- a full disk (a 64 KiB tmpfs) ---
mkdir "$TMP/full"
if mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
	trap 'umount "$TMP/full" 2>/dev/null; rm -rf "$TMP"' EXIT
	run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/full/o"
	is "$rc" "1" "a full disk stops the sweep with exit 1"
	has "$err" "crosspipe: cannot write the sweep's rows: No space left on device" \
		"and says why"
	run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/full/o" --resume
	has "$err" "No space left on device" "a resume on the still-full disk fails with the reason"
	is "$(ls "$TMP/full/o" | grep -c '\.tmp\.')" "0" \
		"and leaves no temporary file (no results.csv.tmp.XXXXXX of base/io.h's writer)"
	ok "$([ -s "$TMP/full/o/results.csv" ]; echo $?)" "the rows written so far are still there"
	mount -o remount,size=4m "$TMP/full"
	run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/full/o" --resume
	is "$rc $(once "$TMP/full/o" 300)" "0 once" "with space again, --resume completes the sweep"
	umount "$TMP/full"
else
	for i in 1 2 3 4 5 6; do echo "ok $((_n + i)) # SKIP cannot mount a tmpfs (needs root)"; done
	_n=$((_n + 6))
fi
finish

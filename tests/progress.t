#!/bin/sh
# progress.t: the status line of long runs on stderr: nothing off a terminal, plain lines with
# --progress, an in-place line on a terminal (a pty made by script(1)), silence with --quiet, and
# never a change to stdout or to an output file.
. "$(dirname "$0")/tap.sh"
plan 13

S=analysis/m70_grid/scenario.yaml
# a search of about 1.5 s here: off a terminal a line comes at most once a second, and a task
# that ends before its first update prints none (a 0.2 s search on a fast CI machine did)
Q="--set network.inter_dc.latency_ratio=2 --set network.inter_dc.bandwidth_ratio=2 --set solver.work_limit=1000000 --schedule optimal"

# the solver's wall seconds are the one field that varies between runs
norm() { sed -E 's/"seconds": [0-9.]+/"seconds": S/; s/(gap [0-9.]+%), [0-9.]+s$/\1/'; }

run run $S $Q
plain=$(echo "$out" | norm)
is "$rc:$err" "0:" "off a terminal: nothing on stderr"

run run $S $Q --progress
is "$(echo "$out" | norm)" "$plain" "--progress does not change stdout"
echo "$err" | grep -qE '^optimal: bound [0-9.]+m?s, best [0-9.]+m?s, gap [0-9.]+%, [0-9.]+ s$'
ok $? "--progress: plain lines with the solver's bound, best and gap"
case "$err" in *"$(printf '\r')"*) ok 1 "--progress lines have no carriage return" ;; *) ok 0 "--progress lines have no carriage return" ;; esac

run run $S $Q --progress --quiet
is "$rc:$err" "0:" "--quiet wins over --progress"

if ! command -v script >/dev/null 2>&1; then
	for i in 1 2 3 4; do echo "ok $((_n + i)) # skip no script(1)"; done
	_n=$((_n + 4))
else
	"$XP_BIN" run $S $Q --format json -o "$TMP/plain.json" 2>/dev/null
	script -qec "$XP_BIN run $S $Q --format json -o $TMP/tty.json" "$TMP/typescript" >/dev/null 2>&1
	is "$(norm <"$TMP/tty.json")" "$(norm <"$TMP/plain.json")" \
		"on a terminal the output file is the same (but for the solver's wall seconds)"
	grep -q "$(printf '\r')optimal: bound" "$TMP/typescript"
	ok $? "on a terminal the line is rewritten in place (carriage return)"
	grep -q "$(printf '\033')\[K" "$TMP/typescript"
	ok $? "on a terminal each update erases the rest of the line"
	script -qec "$XP_BIN run $S $Q --quiet -o $TMP/q.txt" "$TMP/quiet" >/dev/null 2>&1
	grep -q "optimal: bound" "$TMP/quiet"
	ok $((1 - $?)) "--quiet silences the terminal line"
fi

if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	for i in 1 2 3 4; do echo "ok $((_n + i)) # skip ns-3 not built"; done
	_n=$((_n + 4))
else
	cat >"$TMP/pk.yaml" <<'Y'
pipeline: {stages: 2, microbatches: 4}
model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 16MiB}
datacenters: {count: 2}
network: {inter_dc: {latency: 5ms, bandwidth: 10Gbps}}
schedules: [zbh1]
Y
	ana=$("$XP_BIN" run "$TMP/pk.yaml" --format csv | awk -F, 'NR == 2 {printf "%.3f", $4 / 1e6}')
	run run "$TMP/pk.yaml" --engine packet --progress -o "$TMP/pk.txt"
	ok $rc "run --engine packet --progress exits 0"
	echo "$err" | grep -qE "^packet zbh1 \(1 of 1\): [0-9.]+m?s of ${ana%.000}m?s simulated, [0-9.]+ s$"
	ok $? "packet: simulated time against the analytic makespan (${ana} ms)"
	"$XP_BIN" run "$TMP/pk.yaml" --engine packet -o "$TMP/pk2.txt" 2>/dev/null
	cmp -s "$TMP/pk.txt" "$TMP/pk2.txt"
	ok $? "packet: the output file is the same with and without progress"
	run validate "$TMP/pk.yaml" --progress -o "$TMP/v.txt"
	echo "$err" | grep -qE "^validate: packet zbh1: [0-9.]+m?s of ${ana%.000}m?s simulated, [0-9.]+ s$"
	ok $? "validate --progress: which schedule the packet engine runs, and how far"
fi

#!/bin/sh
# abuse.t: inputs built to break the program (over the size cap, 80,000 keys, deep nesting, sizes
# that would need terabytes, /dev/zero, a FIFO, a full disk). Each must be answered or refused
# within 5 s of CPU time and 1 GiB of address space, with exit 2 for bad input, a message saying
# why, and no output left behind. The input files come from tests/abuse/generate.sh.
. "$(dirname "$0")/tap.sh"
plan 61

S=scenarios/p4_ratios.yaml
C=$TMP/cases
mkdir "$C"
sh tests/abuse/generate.sh "$C"

# limited ARGS...: crosspipe under the limits: 5 s of CPU time (rc 152, SIGXCPU, past it) and
# 1 GiB of address space. The limit is on CPU, not wall time, so that a loaded machine does not
# fail the test; a wall-clock limit of 60 s (rc 124) still catches a program that hangs without
# using the CPU (a blocking read). The sanitizer build reserves terabytes of shadow address space,
# so there only the time limits apply.
limited() {
	(
		[ "${XP_SANITIZE:-0}" = 1 ] || ulimit -v 1048576
		ulimit -t 5
		exec timeout 60 "$XP_BIN" "$@"
	) >"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	err=$(cat "$TMP/stderr")
}

# refused STATUS MESSAGE DESCRIPTION ARGS...: three checks (status, message, nothing written)
refused() {
	want=$1 msg=$2 desc=$3
	shift 3
	rm -f "$TMP/out.txt"
	limited "$@" -o "$TMP/out.txt"
	is "$rc" "$want" "$desc: exit $want within 5 s and 1 GiB"
	has "$err" "$msg" "$desc: says why"
	[ ! -e "$TMP/out.txt" ] && [ -z "$(ls "$TMP" "$C" | grep '\.tmp\.')" ]
	ok $? "$desc: nothing written"
}

cap="more than the input limit of 64 MiB"
refused 2 "$C/huge_sparse.yaml: 629145600 bytes, $cap" "a 600 MB scenario" run "$C/huge_sparse.yaml"
refused 2 "$cap" "a 65 MiB scenario of real bytes" run "$C/over_cap.yaml"
refused 2 "$cap" "a 65 MiB schedule file" run $S --schedule-file "$C/over_cap.sched"
notreg="not a regular file"
refused 2 "/dev/zero: $notreg (a device or socket)" "/dev/zero as the scenario" run /dev/zero
refused 2 "/dev/zero: $notreg" "/dev/zero as a schedule file" run $S --schedule-file /dev/zero
refused 2 "$C/fifo.yaml: $notreg (a FIFO or pipe)" "a FIFO with no writer as the scenario" \
	run "$C/fifo.yaml"
# sweep files and their base scenarios go through the same reader
sweep_refused() { # MESSAGE DESCRIPTION SWEEP-FILE: exit 2 in time, says why, no output folder
	rm -rf "$TMP/sweep_out"
	limited sweep "$3" --out "$TMP/sweep_out"
	is "$rc" "2" "$2: exit 2 within 5 s and 1 GiB"
	has "$err" "$1" "$2: says why"
}
sweep_refused "$C/huge_sparse.yaml: 629145600 bytes, $cap" "a 600 MB sweep file" "$C/huge_sparse.yaml"
printf 'base: /dev/zero\naxes: {pipeline.stages: [2]}\n' >"$TMP/zero_base.yaml"
sweep_refused "base: /dev/zero: $notreg" "/dev/zero as a sweep's base scenario" "$TMP/zero_base.yaml"
sweep_refused "/dev/zero: $notreg" "/dev/zero as the sweep file" /dev/zero
refused 2 "$notreg (a FIFO or pipe)" "a FIFO as a schedule file" run $S --schedule-file "$C/fifo.yaml"
refused 2 "$notreg (a folder)" "a folder as the scenario" run "$C"
refused 2 "$C/many_keys.yaml:1:1: k0: unknown key" "80,000 unknown keys" run "$C/many_keys.yaml"
refused 2 "$C/many_dup.yaml:80002:3: pipeline.k5: duplicate key (first at line 7)" \
	"80,000 keys and a duplicate at the end" run "$C/many_dup.yaml"
refused 2 "nested too deeply" "100,000 nested lists" run "$C/deep.yaml"
refused 2 "seed: expected an integer >= 0, got '9999" "a 1 MB number" run "$C/long_scalar.yaml"
refused 2 "would need about 2.344TiB of memory" "4096 stages x 1048576 microbatches" \
	run $S --schedule 1f1b --set pipeline.stages=4096 --set pipeline.microbatches=1048576
refused 2 "would need about" "the same with the V schedules" \
	run $S --schedule zbv,greedy-v --set pipeline.stages=4096 --set pipeline.microbatches=1048576
refused 2 "network.intra_dc.bandwidth: makes an execution's times too large" "a 1 bps link" \
	run $S --schedule zbv --set network.intra_dc.bandwidth=1bps
refused 2 "model.backward_weight: makes an execution's times too large" "blocks of 100 years" \
	run $S --set model.backward_weight=876000h
refused 2 "memory.limit: '1e300x'" "a memory factor of 1e300" run $S --set memory.limit=1e300x

# 10,000 overrides of one key: answered, and the last one wins
sets=$(awk 'BEGIN { for (i = 1; i <= 10000; i++) printf " --set seed=%d", i }')
# shellcheck disable=SC2086
limited check $S $sets
is "$rc" "0" "10,000 --set overrides are answered within the limits"

# a full disk: a 64 KiB tmpfs that the trace overflows
FULL=$TMP/full
mkdir "$FULL"
trap 'umount "$FULL" 2>/dev/null; rm -rf "$TMP"' EXIT
if mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null; then
	limited run $S --set pipeline.microbatches=64 -o "$FULL/out.txt" --trace "$FULL/t.json"
	is "$rc" "1" "a full disk: exit 1 within the limits"
	has "$err" "No space left on device" "a full disk: the reason is given"
	is "$(ls -A "$FULL")" "" "a full disk: neither output nor any temporary file is left"
	umount "$FULL"
elif [ -n "${CI:-}" ]; then
	echo "Bail out! CI runs as root and must be able to mount a tmpfs for the full-disk case"
	exit 1
else
	for i in 1 2 3; do
		ok 0 "# SKIP mount -t tmpfs failed (not root, or no mount rights); CI runs it"
	done
fi
finish

#!/bin/sh
# ci_skips.t: under CI (CI=1, which .ci/run exports) a test that cannot run is a failure, not a
# skip: the shell tests' skip_all bails out with a non-zero status; outside CI it skips.
. "$(dirname "$0")/tap.sh"
plan 6
for t in packet_cli packet_valgrind; do
	CI=1 XP_HAVE_NS3=0 sh "tests/$t.t" >"$TMP/out" 2>&1
	rc=$?
	is "$rc" "1" "$t.t without the packet engine under CI=1 exits 1"
	has "$(cat "$TMP/out")" "Bail out!" "$t.t without the packet engine under CI=1 bails out"
	CI= XP_HAVE_NS3=0 sh "tests/$t.t" >"$TMP/out" 2>&1
	rc=$?
	is "$rc:$(head -1 "$TMP/out")" "0:1..0 # SKIP the packet engine is not built (configure did not find ns-3)" \
		"$t.t without the packet engine outside CI skips (exit 0)"
done
finish

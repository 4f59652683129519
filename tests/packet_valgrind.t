#!/bin/sh
# packet_valgrind.t: a small packet run (two networks, one after the other, in one process) under
# valgrind: no memory errors and no definite or indirect leaks. ns-3 needs no suppressions here;
# if it ever does, they go in tests/packet_valgrind.supp (used when present).
. "$(dirname "$0")/tap.sh"
if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	skip_all "the packet engine is not built (configure did not find ns-3)"
fi
# Not a lost check, so not a failure under CI: CI runs the plain build's suite (where this test
# runs) before the sanitizer build's, whose ASan covers the same memory errors.
if [ "${XP_SANITIZE:-0}" = 1 ]; then
	echo "1..0 # SKIP the sanitizer build: valgrind and AddressSanitizer do not mix"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	skip_all "valgrind is not installed (CI installs it)"
fi
plan 3
supp=
[ -f tests/packet_valgrind.supp ] && supp=--suppressions=tests/packet_valgrind.supp
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	$supp "$XP_BIN" run scenarios/validation/p4_1ms_100g.yaml --schedule 1f1b,zbh1 \
	--set pipeline.microbatches=2 --set model.activation=1MiB --engine packet \
	>"$TMP/out" 2>"$TMP/vg"
rc=$?
is "$rc" "0" "valgrind reports no memory error and no leak (exit status)"
is "$(grep -c 'definitely lost: [1-9]\|indirectly lost: [1-9]' "$TMP/vg")" "0" \
	"no bytes definitely or indirectly lost"
has "$(cat "$TMP/out")" "zbh1" "the run under valgrind completes both schedules"
[ "$rc" = 0 ] || sed 's/^/# /' "$TMP/vg" | head -40
finish

#!/bin/sh
# modules.t: the packet engine (ns-3), Z3 and CBC are modules opened on first use
# (models/base/module.h): start-up, checks and analytic runs load none of them, each engine or solver
# loads only its own, and a missing, broken or foreign module gives a clear error.
. "$(dirname "$0")/tap.sh"
plan 14
# optimal-v at 1x, (2,2): the memory bound leaves a gap there, so the exact method runs
SMALL="--set solver.work_limit=20000"
HEAVY='libns3\|libz3\|libCbc\|libClp\|crosspipe-'
# a packet run of a few ms (also where a module that should be missing is found after all)
P="run scenarios/validation/p4_1ms_100g.yaml --schedule 1f1b --set pipeline.microbatches=2 \
--set model.activation=1MiB --engine packet"

# loaded PATTERN ARGS...: how many loaded files match PATTERN when crosspipe runs ARGS
loaded() {
	pattern=$1
	shift
	LD_DEBUG=files "$XP_BIN" "$@" 2>&1 >/dev/null | grep 'generating link map' | grep -c "$pattern"
}

is "$(ldd "$XP_BIN" | grep -c "$HEAVY")" "0" "the program does not link ns-3, Z3 or CBC"
is "$(loaded "$HEAVY" --version)" "0" "--version loads no module"
is "$(loaded "$HEAVY" check scenarios/default.yaml)" "0" "check loads no module"
is "$(loaded "$HEAVY" run scenarios/default.yaml --engine analytic)" "0" \
	"an analytic run loads no module"
is "$(loaded 'crosspipe-z3.so' run scenarios/p4_ratios.yaml --schedule optimal-v $SMALL)" "1" \
	"the optimal schedule loads the Z3 module"
is "$(loaded 'libns3\|libCbc\|crosspipe-ns3\|crosspipe-cbc' run scenarios/p4_ratios.yaml \
	--schedule optimal-v $SMALL)" "0" "and neither ns-3 nor CBC"

mkdir "$TMP/empty" "$TMP/broken" "$TMP/foreign"
CROSSPIPE_MODULE_DIR=$TMP/empty run $P
is "$rc" "1" "no packet module: run --engine packet exits 1"
has "$err" "the packet engine was not built" "and says the packet engine was not built"
CROSSPIPE_MODULE_DIR=$TMP/empty run engines
is "$(echo "$out" | cut -d' ' -f1 | tr '\n' ' ')" "analytic ideal " \
	"no packet module: crosspipe engines lists the two analytic engines"
CROSSPIPE_MODULE_DIR=$TMP/empty run run scenarios/p4_ratios.yaml --schedule optimal-v $SMALL
ok $((rc == 0)) "no Z3 module: the optimal schedule fails"

echo "not a shared object" >"$TMP/broken/crosspipe-ns3.so"
CROSSPIPE_MODULE_DIR=$TMP/broken run $P
has "$err" "cannot load $TMP/broken/crosspipe-ns3.so" "a broken module: the error names the file"

mod=$(dirname "$XP_BIN")/plugin/crosspipe-z3.so
cp "$mod" "$TMP/foreign/crosspipe-ns3.so"
CROSSPIPE_MODULE_DIR=$TMP/foreign run $P
has "$err" "is not a module of this crosspipe" "another module under the packet engine's name is refused"

if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	echo "ok 13 # SKIP the packet engine is not built"
	echo "ok 14 # SKIP the packet engine is not built"
	finish
fi
is "$(loaded 'crosspipe-ns3.so' $P)" "1" "--engine packet loads the ns-3 module"
is "$(loaded 'libz3\|libCbc\|crosspipe-z3\|crosspipe-cbc' $P)" "0" "and no solver"
finish

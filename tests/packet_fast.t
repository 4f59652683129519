#!/bin/sh
# packet_fast.t: the packet engine's fast mode (network.fast: jumbo, docs/packet-engine.md "Fast
# mode") against the exact run on two validation scenarios: the packet makespans agree within the
# documented error, with several times fewer ns-3 events; the mode is off by default and echoed
# when on.
. "$(dirname "$0")/tap.sh"
if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	skip_all "the packet engine is not built (configure did not find ns-3)"
fi
plan 9
# The documented bound (docs/packet-engine.md, "Fast mode"): |fast - exact| / exact makespan.
BOUND=0.01
# Under ASan + UBSan an exact 16 MiB run takes minutes: the sanitizer build times 1 MiB messages
# (about five times fewer events in fast mode, 0.01% apart at 10 ms, measured), the plain build
# the scenarios as they are.
SIZE=
[ "${XP_SANITIZE:-0}" = 1 ] && SIZE="--set model.activation=1MiB"

# compare EXACT.json FAST.json: "ok" when every schedule's packet makespan is within BOUND and
# the fast run took at most a quarter of the events; otherwise what differs
compare() {
	python3 - "$1" "$2" "$BOUND" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["results"]
f = json.load(open(sys.argv[2]))["results"]
bound = float(sys.argv[3])
bad = []
for x, y in zip(e, f):
    err = (y["packet_makespan_ns"] - x["packet_makespan_ns"]) / x["packet_makespan_ns"]
    print("# %s: exact %d ns, fast %d ns, %+.4f%%; events %d -> %d" % (
        x["schedule"], x["packet_makespan_ns"], y["packet_makespan_ns"], 100 * err,
        x["events"], y["events"]))
    if abs(err) > bound:
        bad.append("%s makespan %+.4f%%" % (x["schedule"], 100 * err))
    if 4 * y["events"] > x["events"]:
        bad.append("%s events %d -> %d" % (x["schedule"], x["events"], y["events"]))
print("ok" if len(e) == len(f) == 2 and not bad else "; ".join(bad) or "missing results")
PY
}

for S in scenarios/validation/p4_1ms_100g.yaml scenarios/validation/p4_10ms_100g.yaml; do
	name=$(basename "$S" .yaml)
	run validate "$S" --schedule 1f1b,zbv $SIZE --format json -o "$TMP/exact.json"
	ok $rc "$name: the exact validate exits 0"
	run validate "$S" --schedule 1f1b,zbv $SIZE --set network.fast=jumbo --format json \
		-o "$TMP/fast.json"
	ok $rc "$name: validate with network.fast: jumbo exits 0"
	res=$(compare "$TMP/exact.json" "$TMP/fast.json")
	echo "$res" | grep '^#'
	is "$(echo "$res" | grep -v '^#')" "ok" \
		"$name: fast makespans within $BOUND of exact, with at most a quarter of the events"
done

S=scenarios/validation/p4_1ms_100g.yaml
Q="--schedule 1f1b --set pipeline.microbatches=2 --set model.activation=1MiB --format json"
run run $S $Q --engine analytic
case "$out" in *'"fast"'*) ok 1 "the fast mode is not echoed by default" ;;
*) ok 0 "the fast mode is not echoed by default" ;; esac
run run $S $Q --engine analytic --set network.fast=jumbo
has "$out" '"fast": "jumbo"' "network.fast: jumbo is echoed in the scenario"
run check $S --set network.fast=quick
has "$err" "network.fast: expected off or jumbo" "a bad fast mode names the key and the choices"
finish

#!/bin/sh
# packet_cli.t: the packet engine from the command line: run --engine packet, validate (table,
# JSON, trace), calibrate, determinism across processes, and errors in the network.* keys.
. "$(dirname "$0")/tap.sh"
if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	skip_all "the packet engine is not built (configure did not find ns-3)"
fi
plan 22
S=scenarios/validation/p4_1ms_100g.yaml
Q="--schedule 1f1b,zbh1 --set pipeline.microbatches=4 --set model.activation=4MiB"

run validate --help
has "$out" "under the analytic engine and the packet engine" "validate --help prints validate's own help"
run calibrate -h
has "$out" "Send probe transfers" "calibrate -h prints calibrate's own help"

run engines
has "$out" "packet" "crosspipe engines lists the packet engine"

run run $S $Q --engine analytic,packet --format json -o "$TMP/a.json"
ok $rc "run --engine analytic,packet exits 0"
run run $S $Q --engine analytic,packet --format json -o "$TMP/b.json"
cmp -s "$TMP/a.json" "$TMP/b.json"
ok $? "the same scenario and seed give byte-identical output (two processes)"
is "$(grep -c '"engine": "packet"' "$TMP/a.json")" "2" "one packet result per schedule"

run validate $S $Q
ok $rc "validate exits 0"
has "$out" "transfer error" "validate prints the per-transfer error distribution"
has "$out" "retx" "validate prints retransmissions and drops"
run validate $S $Q --format json -o "$TMP/v.json" --trace "$TMP/t.json"
ok $rc "validate --format json --trace exits 0"
fields=$(python3 - "$TMP/v.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
need = ["schedule", "analytic_makespan_ns", "packet_makespan_ns", "makespan_error",
        "transfer_error", "wan_utilisation_packet", "retransmissions", "drops"]
r = d["results"]
miss = [f for x in r for f in need if f not in x]
print("missing:" + ",".join(miss) if miss else "ok", len(r))
print("lossless" if all(x["bytes_sent"] == x["bytes_delivered"] for x in r) else "lost")
print(max(abs(x["makespan_error"]) for x in r) < 0.05)
PY
)
has "$fields" "ok 2" "validate JSON has the contract fields for every schedule"
has "$fields" "lossless" "every byte sent was delivered"
has "$fields" "True" "uncalibrated makespans within 5% on this uncongested scenario"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for e in d['traceEvents'] if e.get('ph')=='M' and 'packet' in str(e.get('args'))))" "$TMP/t.json" >"$TMP/n"
is "$(cat "$TMP/n")" "2" "the trace holds the packet runs (measured transfer times on the link tracks)"

run calibrate $S --set model.activation=4MiB --format json
ok $rc "calibrate exits 0"
bw=$(echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin)['calibration']['inter_dc']; print(abs(d['bandwidth_bps']/100e9-1) < 0.02, abs(d['latency_ns']/1e6-1) < 0.05)")
is "$bw" "True True" "calibrate fits the inter-DC link near 100 Gbps and 1 ms"

# invalid network values: clear errors naming file, line, column and key
bad() { printf '%s\n' "pipeline: {stages: 4, microbatches: 8}" \
	"model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 1MiB}" \
	"network:" "$1" >"$TMP/bad.yaml"; }
bad "  transport: reno"
run check "$TMP/bad.yaml"
has "$err" "bad.yaml:4:14: network.transport: expected newreno or cubic or bbr or dctcp" \
	"an unknown transport is named with its place"
bad "  mtu: 4000"
run check "$TMP/bad.yaml"
has "$err" "bad.yaml:4:8: network.mtu: expected 1500 or 9000" "a bad MTU"
bad "  queue: {discipline: fifo, size: 2}"
run check "$TMP/bad.yaml"
has "$err" "network.queue.size: expected a number of packets from 4" "a queue too small"
bad "  buffer: 1.5bpd"
run check "$TMP/bad.yaml"
has "$err" "network.buffer: expected a size per stage pair" "a misspelt BDP multiple"
run check $S --set network.loss=0.9
has "$err" "network.loss: expected a number from 0 to 0.5" "a loss rate above 50%"
run check $S --set network.connections=0
is "$rc" "2" "zero connections are rejected with status 2"
finish

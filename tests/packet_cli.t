#!/bin/sh
# packet_cli.t: the packet engine from the command line: run --engine packet, validate (table,
# JSON, trace), calibrate, determinism across processes, and errors in the network.* keys.
. "$(dirname "$0")/tap.sh"
if [ "${XP_HAVE_NS3:-1}" = 0 ]; then
	skip_all "the packet engine is not built (configure did not find ns-3)"
fi
plan 23
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
# error = (analytic - packet) / packet: the packet engine is never faster (headers and
# store-and-forward only add to a transfer), and slower by less than the headers' share of the
# transfers' serialization (40 of every 9000 bytes, 0.45%) plus 2 packets per transfer, on a
# makespan that is mostly compute: within 0.5% (measured: -0.02% and -0.03%)
print(all(-0.005 <= x["makespan_error"] <= 0 for x in r))
PY
)
has "$fields" "ok 2" "validate JSON has the contract fields for every schedule"
has "$fields" "lossless" "every byte sent was delivered"
has "$fields" "True" "uncalibrated packet makespans 0 to 0.5% above the analytic ones"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for e in d['traceEvents'] if e.get('ph')=='M' and 'packet' in str(e.get('args'))))" "$TMP/t.json" >"$TMP/n"
is "$(cat "$TMP/n")" "2" "the trace holds the packet runs (measured transfer times on the link tracks)"

run calibrate $S --set model.activation=4MiB --format json
ok $rc "calibrate exits 0"
# What a probe measures (see packet_engine_test.c): bytes and 40 header bytes per 8960 travel at
# the bottleneck, so the fitted bandwidth is 100 Gbps x 8960/9000 (within 0.1%: the last,
# shorter packet); the fitted latency is the 1 ms path plus one 9000-byte packet on each of
# the two 400 Gbps access hops (0.36 us), within 1 us (measured 99.561 Gbps and 1.000295 ms)
bw=$(echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin)['calibration']['inter_dc']; print(abs(d['bandwidth_bps']/(100e9*8960/9000)-1) < 0.001, 1e6 <= d['latency_ns'] <= 1e6 + 1000)")
is "$bw" "True True" "calibrate fits the inter-DC link at 100 Gbps less the headers and 1 ms plus store-and-forward"
# inside a DC: 400 Gbps x 8960/9000, and 2 us plus one packet on the second access hop (0.18 us)
bw=$(echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin)['calibration']['intra_dc']; print(abs(d['bandwidth_bps']/(400e9*8960/9000)-1) < 0.001, 2000 <= d['latency_ns'] <= 2000 + 400)")
is "$bw" "True True" "calibrate fits the intra-DC link at 400 Gbps less the headers and 2 us plus store-and-forward"

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

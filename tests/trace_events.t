#!/bin/sh
# trace_events.t: the Chrome trace of a hand case, parsed: the messages inside a DC beside those
# across DCs, a flow from each message to the op that consumes it, and each device's activation
# memory counter, every value worked out by hand below.
. "$(dirname "$0")/tap.sh"
plan 11

# 3 stages, devices 0 and 1 in DC 0 and device 2 in DC 1, GPipe with 2 microbatches. T_F = 10 ms,
# B = 5 + 5 = 10 ms, 125 MB (1e9-bit) messages: 1 ms + 1 ms latency inside the DC (1000 Gbps),
# 10 ms + 5 ms across (100 Gbps). By hand (ms):
#   device 0: F0 0-10, F1 10-20; 0->1: F0 window 10-11 arrives 12, F1 20-21 arrives 22
#   device 1: F0 12-22, F1 22-32; 1->2: F0 22-32 arrives 37, F1 32-42 arrives 47
#   device 2: F0 37-47, F1 47-57, B0 57-67, B1 67-77; 2->1: B0 67-77 arrives 82, B1 77-87 at 92
#   device 1: B0 82-92, B1 92-102; 1->0: B0 92-93 arrives 94, B1 102-103 arrives 104
#   device 0: B0 94-104, B1 104-114
# Memory (M_F = 1 GiB, B releases it all): +1 GiB at each F's start, -1 GiB at each B's end.
cat >"$TMP/hand.yaml" <<'Y'
pipeline: {stages: 3, microbatches: 2, chunks: 1}
model: {forward: 10ms, backward_input: 5ms, backward_weight: 5ms, message: 125MB,
        activation: 1GiB, params: 0B}
memory: {limit: inf}
datacenters: {placement: [0, 0, 1]}
network:
  intra_dc: {latency: 1ms, bandwidth: 1000Gbps}
  inter_dc: {latency: 5ms, bandwidth: 100Gbps}
schedules: [gpipe]
Y

run run "$TMP/hand.yaml" --trace "$TMP/t.json" --format json
ok $rc "run --trace on the hand case exits 0"
peak=$(printf '%s' "$out" | python3 -c 'import json, sys
print(*json.load(sys.stdin)["results"][0]["peak_memory_bytes"])')

# The events, as lines of text: threads by name, times in ms.
python3 - "$TMP/t.json" >"$TMP/ev" <<'P'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e["name"] == "thread_name"}
ms = lambda us: "%g" % (us / 1000)
for e in ev:
    if e["ph"] == "X" and e["cat"] == "transfer":
        print("transfer", names[e["tid"]], e["name"], ms(e["ts"]), ms(e["ts"] + e["dur"]))
    if e["ph"] == "C":
        print("memory", e["name"], ms(e["ts"]), e["args"]["bytes"])
# a flow: where it starts (which slice holds its "s") and which op its "f" starts at
xs = [e for e in ev if e["ph"] == "X"]
def holder(e, f):
    hit = [x for x in xs if x["tid"] == e["tid"] and
           (x["ts"] == e["ts"] if f else x["ts"] <= e["ts"] <= x["ts"] + x["dur"])]
    return "%s@%s" % (hit[0]["name"], ms(hit[0]["ts"])) if len(hit) == 1 else "%d slices" % len(hit)
flows = {}
for e in ev:
    if e["ph"] in ("s", "f"):
        flows.setdefault(e["id"], {})[e["ph"]] = e
for i in sorted(flows):
    s, f = flows[i]["s"], flows[i]["f"]
    print("flow", i, names[s["tid"]], holder(s, 0), "->", names[f["tid"]], holder(f, 1),
          f.get("bp", "next"))
P

is "$(grep -c '^transfer .*(in DC 0)' "$TMP/ev")" 4 "the four messages inside DC 0 are shown"
is "$(grep '^transfer' "$TMP/ev" | sort)" "$(sort <<'W'
transfer link 0->1 (in DC 0) F0 10 11
transfer link 0->1 (in DC 0) F1 20 21
transfer link 1->2 (DC 0->1) F0 22 32
transfer link 1->2 (DC 0->1) F1 32 42
transfer link 2->1 (DC 1->0) B0 67 77
transfer link 2->1 (DC 1->0) B1 77 87
transfer link 1->0 (in DC 0) B0 92 93
transfer link 1->0 (in DC 0) B1 102 103
W
)" "every message on its link, inside and across DCs, with its window by hand"

is "$(grep '^flow' "$TMP/ev")" "$(cat <<'W'
flow 0 link 0->1 (in DC 0) F0@10 -> device 1 (DC 0) F0@12 next
flow 1 link 0->1 (in DC 0) F1@20 -> device 1 (DC 0) F1@22 next
flow 2 link 1->2 (DC 0->1) F0@22 -> device 2 (DC 1) F0@37 next
flow 3 link 1->2 (DC 0->1) F1@32 -> device 2 (DC 1) F1@47 next
flow 4 link 2->1 (DC 1->0) B0@67 -> device 1 (DC 0) B0@82 next
flow 5 link 2->1 (DC 1->0) B1@77 -> device 1 (DC 0) B1@92 next
flow 6 link 1->0 (in DC 0) B0@92 -> device 0 (DC 0) B0@94 next
flow 7 link 1->0 (in DC 0) B1@102 -> device 0 (DC 0) B1@104 next
W
)" "a flow from each message (inside its window) to the op that consumes it"

is "$(grep '^memory memory device 0 ' "$TMP/ev" | cut -d' ' -f5-)" \
	"$(printf '0 0\n0 1073741824\n10 2147483648\n104 1073741824\n114 0')" \
	"device 0's memory: 0, +1 GiB at F0 (0 ms) and F1 (10), -1 GiB at B0's end (104) and B1's (114)"
is "$(grep '^memory memory device 1 ' "$TMP/ev" | cut -d' ' -f5-)" \
	"$(printf '0 0\n12 1073741824\n22 2147483648\n92 1073741824\n102 0')" \
	"device 1's memory: from 0 at the iteration's start; F at 12 and 22, B ends at 92 and 102"
is "$(grep '^memory memory device 2 ' "$TMP/ev" | cut -d' ' -f5-)" \
	"$(printf '0 0\n37 1073741824\n47 2147483648\n67 1073741824\n77 0')" \
	"device 2's memory: F at 37 and 47, B ends at 67 and 77"
is "$(for d in 0 1 2; do grep "^memory memory device $d " "$TMP/ev" | cut -d' ' -f6 |
	sort -n | tail -1; done | tr '\n' ' ')" "$peak " \
	"each counter's largest value is the device's peak_memory_bytes in the JSON"

run run "$TMP/hand.yaml" --trace "$TMP/t2.json" --format json
cmp -s "$TMP/t.json" "$TMP/t2.json"
ok $? "the trace is byte-identical on a second run"

# Pieces, a V placement and 2 DCs (the default scenario: greedy cuts some D blocks that wait for
# a message into pieces; zbv): every message has one flow; each flow starts inside its message's
# window and ends at the start of an op of its destination, after the message arrived, for the
# same microbatch, and a whole block or its first piece; each memory counter peaks at the
# device's peak_memory_bytes and ends at 0.
run run scenarios/default.yaml --schedule greedy,zbv --trace "$TMP/g.json" --format json
printf '%s' "$out" >"$TMP/g_result.json"
ok $rc "run --trace of greedy with pieces and zbv exits 0"
got=$(python3 - "$TMP/g.json" "$TMP/g_result.json" <<'P'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
res = json.load(open(sys.argv[2]))["results"]
bad, pieces = [], 0
for pid, r in enumerate(res, 1):
    mine = [e for e in ev if e["pid"] == pid]
    ops = {(e["tid"], e["ts"]): e for e in mine if e["ph"] == "X" and e["cat"] != "transfer"}
    sends = [e for e in mine if e["ph"] == "X" and e["cat"] == "transfer"]
    s = {e["id"]: e for e in mine if e["ph"] == "s"}
    f = {e["id"]: e for e in mine if e["ph"] == "f"}
    if len(s) != len(sends) or sorted(s) != sorted(f):
        bad.append("%s: %d messages, %d s, %d f" % (r["schedule"], len(sends), len(s), len(f)))
    ns = lambda us: round(us * 1000)
    for i, e in s.items():
        m = [t for t in sends if t["tid"] == e["tid"] and
             ns(t["ts"]) + (ns(t["ts"] + t["dur"]) - ns(t["ts"])) // 2 == ns(e["ts"])]
        m = m[0] if len(m) == 1 else None
        op = ops.get((f[i]["tid"], f[i]["ts"]))
        if not m or not op or f[i]["tid"] != m["args"]["dst"] \
                or ns(f[i]["ts"]) < m["args"]["arrive_ns"] or op["args"]["mb"] != m["args"]["mb"] \
                or not op["args"].get("piece", "0:").startswith("0:"):
            bad.append("%s: flow %d" % (r["schedule"], i))
        elif "piece" in op["args"]:
            pieces += 1
    for d, peak in enumerate(r["peak_memory_bytes"]):
        c = [e["args"]["bytes"] for e in mine if e["ph"] == "C" and e["name"] == "memory device %d" % d]
        if not c or max(c) != peak or c[-1] != 0:
            bad.append("%s: device %d memory %s against %d" % (r["schedule"], d, c[-3:], peak))
print(len(res), "results", "; ".join(bad) or "all agree", "pieces" if pieces else "no pieces")
P
)
is "$got" "2 results all agree pieces" \
	"greedy (flows into pieces) and zbv: flows, consumers and memory peaks agree"
finish

#!/bin/sh
# sweep.t: `crosspipe sweep`: expansion, rows, errors, resume after kill -9, the manifest.
. "$(dirname "$0")/tap.sh"
plan 30

B=$XP_TOP/scenarios/p4_ratios.yaml
cat >"$TMP/grid.yaml" <<EOT
base: $B
set: {memory.limit: 1.0x}
axes:
  network.inter_dc.latency_ratio: [0, 2]
  network.inter_dc.bandwidth_ratio: {from: 0.5, to: 2, steps: 3, scale: log}
  pair:
    keys: [pipeline.microbatches, model.forward]
    values: [[8, 1ms], [12, 2ms]]
schedules: [1f1b, zbh1]
seeds: [1, 7]
EOT
run sweep "$TMP/grid.yaml" --list
is "$(echo "$out" | tail -1)" "12 points, 48 tasks" "product: 2 x 3 x 2 points, x 2 seeds x 2 schedules"
has "$out" "1 network.inter_dc.latency_ratio=0 network.inter_dc.bandwidth_ratio=0.5 pipeline.microbatches=12 model.forward=2ms" \
	"the last axis varies fastest; paired values move together"
has "$out" "network.inter_dc.bandwidth_ratio=1 " "a log range from 0.5 to 2 in 3 steps passes 1"

# Without a `schedules` list a sweep runs every schedule of the base scenario (p4_ratios lists
# 1f1b, zbh1 and zbv): 12 points x 2 seeds x 3.
grep -v '^schedules:' "$TMP/grid.yaml" >"$TMP/base_list.yaml"
run sweep "$TMP/base_list.yaml" --list
is "$(echo "$out" | tail -1)" "12 points, 72 tasks" \
	"no schedules list: every schedule the base scenario lists (not only its first)"
printf 'base: %s\nset: {network.inter_dc.variation: {model: markov, correlation_time: 1ms}}\nschedules: [zbh1]\nseeds: [1, 2]\n' "$B" >"$TMP/markov_seeds.yaml"
run sweep "$TMP/markov_seeds.yaml" --list
case "$err" in *warning*) ok 1 "a stochastic WAN uses the seed: no warning about seeds" ;;
*) ok 0 "a stochastic WAN uses the seed: no warning about seeds" ;; esac

sed 's/^axes:/mode: zip\naxes:/; s/steps: 3/steps: 2/' "$TMP/grid.yaml" >"$TMP/zip.yaml"
run sweep "$TMP/zip.yaml" --list
is "$(echo "$out" | tail -1)" "2 points, 8 tasks" "zip: the axes advance together"

run sweep "$TMP/grid.yaml" --jobs 2 --out "$TMP/a"
ok $rc "a sweep of 48 tasks runs (exit 0)"
is "$(wc -l <"$TMP/a/results.csv" | tr -d ' ')" "49" "results.csv: a header and one row per task"
is "$(wc -l <"$TMP/a/results.jsonl" | tr -d ' ')" "48" "results.jsonl: one line per task"
python3 - "$TMP/a" <<'PY' >"$TMP/check"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/results.csv")))
js = [json.loads(l) for l in open(d + "/results.jsonl")]
whole = all(len(r) == len(rows[0]) and None not in r.values() for r in rows)
print("whole" if whole and len(js) == 48 else "torn")
print("tasks", sorted(int(r["task"]) for r in rows) == list(range(48)))
by = {(j["point"], j["seed"], j["schedule"]): j["makespan_ns"] for j in js}
print("zbh1<=1f1b", all(by[(p, s, "zbh1")] <= by[(p, s, "1f1b")] for (p, s, _) in by))
m = json.load(open(d + "/manifest.json"))
print("manifest", m["tasks"], m["ok"], m["failed"], bool(m["sweep_fnv1a64"]), bool(m["end"]))
PY
has "$(cat "$TMP/check")" "whole" "rows are whole with two parallel workers (every line parses)"
has "$(cat "$TMP/check")" "tasks True" "every task has exactly one row"
has "$(cat "$TMP/check")" "zbh1<=1f1b True" "the rows carry the runs' figures (zbh1 never slower than 1f1b)"
has "$(cat "$TMP/check")" "manifest 48 48 0 True True" "manifest.json records tasks, outcome, hash and end"

run sweep "$TMP/grid.yaml" --out "$TMP/a"
is "$rc" "2" "an output folder with results is not overwritten without --resume"

# kill -9 in the middle, resume, and compare with an uninterrupted run
sed 's/values: \[\[8, 1ms\], \[12, 2ms\]\]/values: [[256, 1ms], [512, 2ms]]/; s/steps: 3/steps: 100/' \
	"$TMP/grid.yaml" >"$TMP/big.yaml"
"$XP_BIN" sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/full" 2>/dev/null
"$XP_BIN" sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/cut" 2>/dev/null &
pid=$!
i=0
while [ $i -lt 200 ] && [ "$(cat "$TMP/cut/results.csv" 2>/dev/null | wc -l)" -lt 100 ]; do
	sleep 0.02
	i=$((i + 1))
done
kill -9 $pid
wait $pid 2>/dev/null
before=$(($(wc -l <"$TMP/cut/results.csv") - 1))
run sweep "$TMP/big.yaml" --jobs 2 --out "$TMP/cut" --resume
ok $rc "the resumed sweep completes"
has "$err" "already done" "resume reports the rows it kept"
strip() { sed 's/"wall_s": [0-9.]*, //' "$1" | sort; }
strip "$TMP/full/results.jsonl" >"$TMP/f1"
strip "$TMP/cut/results.jsonl" >"$TMP/f2"
cmp -s "$TMP/f1" "$TMP/f2"
ok $? "after kill -9 ($before rows then) and --resume, the rows equal an uninterrupted run's"

# a task that fails at run time gets an error row and the others go on
sed 's/schedules: \[1f1b, zbh1\]/schedules: [interleaved, zbh1]/; s/\[\[8, 1ms\], \[12, 2ms\]\]/[[6, 1ms], [10, 2ms]]/' \
	"$TMP/grid.yaml" >"$TMP/err.yaml"
run sweep "$TMP/err.yaml" --out "$TMP/e"
is "$rc" "1" "a sweep with failed tasks exits 1"
has "$err" "24 failed" "the summary counts the failed tasks"
is "$(grep -cE ',zbh1,analytic,[0-9a-f]{16},ok,' "$TMP/e/results.csv")" "24" "the other tasks ran"
has "$(grep ',interleaved,' "$TMP/e/results.csv" | head -1)" "multiple" "an error row carries the message"
run sweep "$TMP/err.yaml" --out "$TMP/e" --resume
is "$rc" "1" "a resume of that sweep exits 1 again"
has "$err" "0 ok, 24 failed, 24 already done" "  it runs the 24 failed tasks again and keeps the 24 ok rows"

# Several iterations on a WAN that steps down: the iteration columns, and a resume keeps them.
printf '0s,inf,0s\n20ms,32Gbps,2ms\n' >"$TMP/step.csv"
printf 'base: %s\nset: {iterations: 3, network.inter_dc.trace: %s}\naxes:\n  schedule.replan: [never, on-change]\nschedules: [greedy]\n' \
	"$B" "$TMP/step.csv" >"$TMP/iters.yaml"
run sweep "$TMP/iters.yaml" --out "$TMP/it"
got=$(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    ok = int(r["iter_max_ns"]) >= int(r["iter_p95_ns"]) >= int(r["makespan_ns"]) > 0 and \
        int(r["iter_mean_ns"]) > 0
    print(r["schedule.replan"], "ok" if ok else "bad")' "$TMP/it/results.csv" | sort | tr '\n' ' ')
is "$got" "never ok on-change ok " "iteration rows: mean, p95 and max present and ordered"
cp "$TMP/it/results.csv" "$TMP/it.csv"
run sweep "$TMP/iters.yaml" --out "$TMP/it" --resume
has "$err" "0 ok, 0 failed, 2 already done" "a resume reads the iteration columns back and keeps the rows"
cmp -s "$TMP/it.csv" "$TMP/it/results.csv"
ok $? "  and leaves results.csv as it was"

printf 'base: %s\naxes:\n  pipeline.stages: [4, zero]\n' "$B" >"$TMP/badpoint.yaml"
run sweep "$TMP/badpoint.yaml"
has "$err" "point 1 (pipeline.stages=zero): --set pipeline.stages=zero: pipeline.stages:" \
	"an invalid point is named with its axis values and key, before anything runs"
printf 'base: %s\naxes:\n  pipeline.stages: {from: 1}\n' "$B" >"$TMP/badrange.yaml"
run sweep "$TMP/badrange.yaml"
has "$err" "badrange.yaml:3:20: axes.pipeline.stages:" "a malformed axis names file, line, column and key"
cat >"$TMP/inline.yaml" <<'EOT'
base:
  pipeline: {stages: 4, microbatches: 8}
  model: {forward: 1ms, backward_input: 1ms, backward_weight: 1ms, activation: 64MiB}
  datacenters: {count: 2}
  network: {inter_dc: {latency_ratio: 2, bandwidth_ratio: 2}}
axes:
  pipeline.microbatches: [8]
schedules: [zbh1]
EOT
run sweep "$TMP/inline.yaml" --out "$TMP/inl"
has "$(sed -E 's/,[0-9a-f]{16},/,KEY,/' "$TMP/inl/results.csv")" ",zbh1,analytic,KEY,ok,57000000," \
	"an inline base scenario runs (zbh1 at (2,2): the authors' 57 T_F)"
printf 'base: %s\nbogus: 1\n' "$B" >"$TMP/badkey.yaml"
run sweep "$TMP/badkey.yaml"
is "$rc" "2" "an unknown sweep key exits 2"
finish

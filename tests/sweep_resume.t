#!/bin/sh
# sweep_resume.t: `sweep --resume` keeps a row only when it is whole, ok, present in both files
# with the same values, and carries its task's key; rows of other points (an edited sweep file
# or base scenario) are refused with exit 2 and nothing changed; the manifest keeps every run.
. "$(dirname "$0")/tap.sh"
plan 29

cp scenarios/p4_ratios.yaml "$TMP/base.yaml"
cat >"$TMP/s.yaml" <<EOT
base: base.yaml
axes:
  network.inter_dc.latency_ratio: [0, 1, 2]
  network.inter_dc.bandwidth_ratio: [0, 1, 2, 4]
  pipeline.microbatches: [8, 16]
schedules: [zbh1, greedy, greedy-v]
EOT

# every task exactly once in both files, every line parses, and the rows (without wall_s) equal
# those of an uninterrupted run REF
cat >"$TMP/check.py" <<'PY'
import csv, json, sys
d, ref, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def rows(folder):
    c = list(csv.DictReader(open(folder + "/results.csv", newline="")))
    j = [json.loads(l) for l in open(folder + "/results.jsonl")]
    for r in c: r.pop("wall_s")
    for r in j: r.pop("wall_s")
    return c, j
c, j = rows(d)
rc, rj = rows(ref)
print("csv-once" if sorted(int(r["task"]) for r in c) == list(range(n)) else "csv-wrong")
print("json-once" if sorted(r["task"] for r in j) == list(range(n)) else "json-wrong")
print("whole" if all(None not in r.values() and len(r) == len(c[0]) for r in c) else "torn")
key = lambda r: int(r["task"])
same = sorted(c, key=key) == sorted(rc, key=key) and sorted(j, key=key) == sorted(rj, key=key)
print("same" if same else "differs")
PY
check() { python3 "$TMP/check.py" "$1" "$TMP/ref" "$2" 2>&1 | tr '\n' ' '; }
X=$XP_BIN

"$X" sweep "$TMP/s.yaml" --jobs 2 --out "$TMP/ref" 2>/dev/null
ok $? "a 72-task sweep (zbh1, greedy, greedy-v) runs"
is "$(check "$TMP/ref" 72)" "csv-once json-once whole same " "its rows: every task once in both files"
python3 - "$TMP/ref" >"$TMP/keys" <<'PY'
import csv, json, sys
c = list(csv.DictReader(open(sys.argv[1] + "/results.csv")))
j = {r["task"]: r for r in map(json.loads, open(sys.argv[1] + "/results.jsonl"))}
print(len({r["key"] for r in c}), all(j[int(r["task"])]["key"] == r["key"] for r in c))
PY
is "$(cat "$TMP/keys")" "72 True" "every row has a key, distinct per task, the same in CSV and JSON"

# --- the sweep file edited: refused, nothing touched ---
cp -r "$TMP/ref" "$TMP/o"
sed 's/\[zbh1, greedy, greedy-v\]/[zbh1, 1f1b]/' "$TMP/s.yaml" >"$TMP/s2.yaml"
snap() { (cd "$1" && ls -lA --time-style=full-iso && cat ./*) | md5sum; }
before=$(snap "$TMP/o")
run sweep "$TMP/s2.yaml" --out "$TMP/o" --resume
is "$rc" "2" "a resume after schedules [zbh1, greedy, greedy-v] became [zbh1, 1f1b] is refused (exit 2)"
has "$err" "the sweep file changed" "the refusal says the sweep file changed"
has "$err" "manifest.json recorded $(sed -n 's/.*"sweep_fnv1a64": "\([0-9a-f]*\)".*/\1/p' "$TMP/o/manifest.json")" \
	"and names the hash the manifest recorded"
has "$err" "task 1: row key " "it names a task whose row belongs to another point"
has "$err" "(point 0, seed 1, greedy, analytic); now " "with what the row was and what the task is now"
has "$err" "--out NEW_DIR" "it says how to start a fresh output folder"
is "$(snap "$TMP/o")" "$before" "nothing in the output folder changed"

# --- the base scenario edited: refused ---
cp -r "$TMP/ref" "$TMP/b"
cp "$TMP/b/manifest.json" "$TMP/manifest.before"
sed -i 's/microbatches: 8 /microbatches: 12 /' "$TMP/base.yaml"
grep -q 'microbatches: 12' "$TMP/base.yaml"
ok $? "(the base scenario is edited)"
run sweep "$TMP/s.yaml" --out "$TMP/b" --resume
is "$rc" "2" "a resume after the base scenario changed is refused (exit 2)"
has "$err" "the base scenario changed: $TMP/base.yaml now hashes to" "the refusal names the base scenario"
cmp -s "$TMP/b/manifest.json" "$TMP/manifest.before"
ok $? "the manifest is untouched"
cp scenarios/p4_ratios.yaml "$TMP/base.yaml"

# --- damaged rows are run again ---
damage() { # damage NAME FILE PYTHON-EXPRESSION-ON-lines
	rm -rf "$TMP/$1"
	cp -r "$TMP/ref" "$TMP/$1"
	python3 - "$TMP/$1/$2" "$3" <<'PY'
import sys
p, how = sys.argv[1], sys.argv[2]
lines = open(p, newline="").read().split("\n")
exec(how)
open(p, "w", newline="").write("\n".join(lines))
PY
	"$X" sweep "$TMP/s.yaml" --jobs 2 --out "$TMP/$1" --resume >/dev/null 2>"$TMP/$1.err"
	echo "rc=$? $(sed -n 's/.*: \([0-9]*\) ok, [0-9]* failed, \([0-9]*\) already done.*/ran \1 kept \2/p' "$TMP/$1.err" | head -1)"
}
out=$(damage cut results.csv 'l = lines[10]; lines[10] = l[:40] + l[45:]')
is "$out" "rc=0 ran 1 kept 71" "5 bytes cut in a CSV row: that task alone runs again"
is "$(check "$TMP/cut" 72)" "csv-once json-once whole same " "  then every task once in both files, rows as before"
out=$(damage merged results.csv 'lines[20:22] = [lines[20] + lines[21]]')
is "$(check "$TMP/merged" 72)" "csv-once json-once whole same " \
	"a removed newline (two CSV rows merged): both tasks run again, every task once"
has "$out" "rc=0 ran 2" "  (the two tasks)"
out=$(damage mangled results.jsonl 'l = lines[30]; lines[30] = l[:60] + l[65:]')
is "$(check "$TMP/mangled" 72)" "csv-once json-once whole same " \
	"a mangled JSONL line (5 bytes cut): the task runs again, every task once"
out=$(damage digit results.jsonl 'lines[5] = lines[5].replace("\"makespan_ns\": ", "\"makespan_ns\": 9")')
is "$out" "rc=0 ran 1 kept 71" "a JSONL line that parses but disagrees with its CSV row is run again"
is "$(check "$TMP/digit" 72)" "csv-once json-once whole same " "  and the rows are the true ones"
out=$(damage nocsv results.csv 'del lines[7]')
is "$out" "rc=0 ran 1 kept 71" "a CSV row deleted after a finished sweep: its task runs again"
is "$(check "$TMP/nocsv" 72)" "csv-once json-once whole same " "  every task once in both files"
out=$(damage nojson results.jsonl 'del lines[7]')
is "$out" "rc=0 ran 1 kept 71" "a JSONL line deleted after a finished sweep: its task runs again"
is "$(check "$TMP/nojson" 72)" "csv-once json-once whole same " "  every task once in both files"
out=$(damage status results.csv 'lines[3] = lines[3].replace(",ok,", ",error,", 1)')
is "$(check "$TMP/status" 72)" "csv-once json-once whole same " "a row whose status is not ok runs again"

# --- the manifest keeps every run ---
python3 - "$TMP/nojson/manifest.json" "$TMP/ref/manifest.json" >"$TMP/m" <<'PY'
import json, sys
m, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
runs = m["runs"]
print(len(runs), m["start"] == r["start"], m["command"] == r["command"],
      runs[0] == r["runs"][0], "--resume" in runs[1]["command"], runs[1]["ran"], runs[1]["kept"],
      runs[1]["end"] is not None, m["ok"])
PY
is "$(cat "$TMP/m")" "2 True True True True 1 71 True 72" \
	"after a resume the manifest keeps the first run's start and command, and lists both runs"

# --- an unchanged, complete folder: nothing to do, files untouched ---
before=$(cd "$TMP/ref" && cat results.csv results.jsonl | md5sum)
run sweep "$TMP/s.yaml" --out "$TMP/ref" --resume
has "$err" "0 ok, 0 failed, 72 already done" "a resume of a finished sweep runs nothing"
is "$(cd "$TMP/ref" && cat results.csv results.jsonl | md5sum)" "$before" "and leaves its rows as they were"
finish

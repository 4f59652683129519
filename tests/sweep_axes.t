#!/bin/sh
# sweep_axes.t: axes and `set` keys that override each other are errors naming both places; a
# seeds list where nothing uses the seed is warned about; the corrected README example runs as
# written and each of its axes and its seeds change the rows; the sweep's option messages.
. "$(dirname "$0")/tap.sh"
plan 29

B=$XP_TOP/scenarios/p4_ratios.yaml
# the README's example as it was: its `delay` group sets the keys of two axes, and its
# bandwidth_ratio axis drops its bandwidth axis
cat >"$TMP/old.yaml" <<EOT
base: $B
set:
  memory.limit: 1.0x
mode: product
axes:
  network.inter_dc.latency_ratio: [0, 0.5, 1, 2]
  network.inter_dc.bandwidth_ratio: {from: 0, to: 2, steps: 5}
  network.inter_dc.bandwidth: {from: 4, to: 1024, steps: 9, scale: log, unit: GB/s}
  delay:
    keys: [network.inter_dc.latency_ratio, network.inter_dc.bandwidth_ratio]
    values: [[0, 0], [0.25, 0.25], [2, 2]]
schedules: [1f1b, zbh1, zbv, greedy]
engines: [analytic]
seeds: [1, 2, 3]
EOT
run sweep "$TMP/old.yaml" --list
is "$rc" "2" "the README's old example is refused (exit 2)"
has "$err" "old.yaml:10:44: axes.delay: sets network.inter_dc.bandwidth_ratio, and axes.network.inter_dc.bandwidth_ratio ($TMP/old.yaml:7:3) sets network.inter_dc.bandwidth_ratio: one would silently override the other" \
	"the error names both places (file:line:col) and the key"
sed '/delay:/,/values:/d' "$TMP/old.yaml" >"$TMP/old2.yaml"
run sweep "$TMP/old2.yaml" --list
has "$err" "old2.yaml:8:3: axes.network.inter_dc.bandwidth: sets network.inter_dc.bandwidth, and axes.network.inter_dc.bandwidth_ratio ($TMP/old2.yaml:7:3) sets network.inter_dc.bandwidth_ratio: they give one quantity in two forms" \
	"a bandwidth axis beside a bandwidth_ratio axis: both named"

conflict() { # conflict NAME SET-YAML AXES-YAML: the error of a sweep with those
	printf 'base: %s\nset: %s\naxes:\n%s\n' "$B" "$2" "$3" >"$TMP/$1.yaml"
	run sweep "$TMP/$1.yaml" --list
	echo "$rc $err"
}
has "$(conflict lat '{memory.limit: 1.0x}' '  network.inter_dc.latency: [1ms, 2ms]
  network.inter_dc.latency_ratio: [1, 2]')" \
	"2 crosspipe: $TMP/lat.yaml:5:3: axes.network.inter_dc.latency_ratio: sets network.inter_dc.latency_ratio, and axes.network.inter_dc.latency ($TMP/lat.yaml:4:3)" \
	"latency against latency_ratio"
has "$(conflict setax '{network: {inter_dc: {bandwidth: 4GB/s}}}' '  network.inter_dc.bandwidth_ratio: [1, 2]')" \
	"setax.yaml:4:3: axes.network.inter_dc.bandwidth_ratio: sets network.inter_dc.bandwidth_ratio, and set ($TMP/setax.yaml:2:28) sets network.inter_dc.bandwidth" \
	"a set key against an axis (bandwidth against bandwidth_ratio)"
has "$(conflict dc '{datacenters.placement: [0, 0, 1, 1]}' '  datacenters.count: [1, 2]')" \
	"sets datacenters.count, and set ($TMP/dc.yaml:2:7) sets datacenters.placement" \
	"datacenters.count against placement"
has "$(conflict same '{pipeline.microbatches: 8}' '  pipeline.microbatches: [8, 16]')" \
	"sets pipeline.microbatches, and set ($TMP/same.yaml:2:7) sets pipeline.microbatches: one would silently override the other" \
	"a set key that an axis overrides"
has "$(conflict whole '{memory.limit: 1.0x}' '  network.inter_dc: [{latency: 1ms}]
  network.inter_dc.latency_ratio: [1]')" \
	"the first replaces the whole of the second" "an axis over a whole section against one of its keys"
out=$(conflict fine '{memory.limit: 1.5x}' '  network.inter_dc.latency: [1ms, 2ms]
  network.inter_dc.bandwidth: [4GB/s]')
is "$out" "0 " "an axis over latency replaces the base scenario's latency_ratio without a word"

# --- seeds where nothing uses them ---
printf 'base: %s\naxes:\n  pipeline.microbatches: [8]\nseeds: [1, 2]\n' "$B" >"$TMP/seeds.yaml"
run sweep "$TMP/seeds.yaml" --list
is "$rc" "0" "a seeds list on a sweep with nothing random still runs"
has "$err" "seeds.yaml:4:8: seeds: warning: nothing in this sweep depends on the seed" \
	"but gets a warning naming the seeds key"
printf 'base: %s\nset: {robustness: {samples: 5, jitter: 0.1}}\naxes:\n  pipeline.microbatches: [8]\nseeds: [1, 2]\n' \
	"$B" >"$TMP/seeds2.yaml"
run sweep "$TMP/seeds2.yaml" --list
is "$err" "" "no warning when robustness samples with jitter use the seed"

# --- no schedules key: every schedule of the base scenario's list (it ran only the first) ---
printf 'base: %s\naxes:\n  pipeline.microbatches: [8, 16]\n' "$B" \
	>"$TMP/nosched.yaml"
run sweep "$TMP/nosched.yaml" --list
want=$(awk -F'[][]' '/^schedules:/ { print split($2, a, ",") }' "$B")
is "$(echo "$out" | tail -1)" "2 points, $((2 * want)) tasks" \
	"without schedules: the base's $want schedules at each of 2 points"

# --- the corrected README example, as written ---
E=tests/data/sweep_example.yaml
run sweep $E --list
is "$(echo "$out" | tail -1)" "54 points, 432 tasks" "the example: 3 x 3 x 3 x 2 points, x 4 schedules x 2 seeds"
is "$err" "" "  with no error and no warning"
run sweep $E --jobs 2 --out "$TMP/ex"
is "$rc" "0" "the example runs as written (exit 0)"
python3 - "$TMP/ex/results.csv" >"$TMP/effects" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
axes = ["network.inter_dc.latency_ratio", "network.inter_dc.bandwidth",
        "model.backward_weight", "pipeline.microbatches"]
def varies(col, metric):
    # some group of rows equal in everything but `col` has more than one value of `metric`
    groups = {}
    for r in rows:
        k = tuple(r[c] for c in axes + ["model.activation", "schedule", "seed"] if c != col and
                  not (col == "pipeline.microbatches" and c == "model.activation"))
        groups.setdefault(k, set()).add(r[metric])
    return any(len(v) > 1 for v in groups.values())
for a in axes:
    print(a, varies(a, "makespan_ns"))
print("seed makespan", varies("seed", "makespan_ns"), "robust", varies("seed", "robust_mean_ns"))
print("ok", all(r["status"] == "ok" for r in rows), len(rows))
PY
for a in network.inter_dc.latency_ratio network.inter_dc.bandwidth model.backward_weight pipeline.microbatches; do
	has "$(cat "$TMP/effects")" "$a True" "  the $a axis changes the makespan"
done
has "$(cat "$TMP/effects")" "seed makespan False robust True" "  the seeds change the robustness figures only"
has "$(cat "$TMP/effects")" "ok True 432" "  every task ok"

# --- messages ---
run sweep "$E" --jobs 0 --list
is "$err" "crosspipe sweep: --jobs needs an integer >= 1, got '0'" "--jobs 0 names the option"
printf 'base: %s\naxes:\n  pipeline.stages: {from: 1, to: 4, steps: 100000000}\n' "$B" >"$TMP/steps.yaml"
run sweep "$TMP/steps.yaml" --list
has "$err" "steps.yaml:3:44: axes.pipeline.stages: a range needs an integer \`steps\` from 1 to 1000000, got '100000000'" \
	"steps beyond the limit: the real range, at the steps value"
printf 'base: %s\naxez:\n  pipeline.stages: [4]\n' "$B" >"$TMP/u1.yaml"
run sweep "$TMP/u1.yaml" --list
is "$rc:$err" "2:crosspipe: $TMP/u1.yaml:2:1: axez: unknown key; did you mean 'axes'?" \
	"a misspelt sweep key: the scenario reader's message, with a suggestion"
printf 'base: %s\naxes:\n  pipeline.stages: {from: 1, to: 4, stepz: 2}\n  g:\n    keyz: [model.forward]\n    values: [[1ms]]\n' \
	"$B" >"$TMP/u2.yaml"
run sweep "$TMP/u2.yaml" --list
is "$err" "crosspipe: $TMP/u2.yaml:3:37: stepz: unknown key; did you mean 'steps'?" "a misspelt range key"
sed -i '3d' "$TMP/u2.yaml"
run sweep "$TMP/u2.yaml" --list
is "$err" "crosspipe: $TMP/u2.yaml:4:5: keyz: unknown key; did you mean 'keys'?" "a misspelt group key"
run sweep --help
has "$out" "--task-timeout T" "sweep --help lists --task-timeout"
has "$out" "(the array throttle %N)" "and prints the array throttle as %N"
finish

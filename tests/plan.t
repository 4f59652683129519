#!/bin/sh
# plan.t: `crosspipe plan` on a space of 360 layouts (tests/data/plan_small.yaml): the pruned
# search returns exactly the best of an exhaustive evaluation in which every feasible layout is
# run through `crosspipe run`; every bound is below its layout's time; pruned layouts are
# refused by `run` for the reason the planner gives; the output is deterministic; usage errors.
. "$(dirname "$0")/tap.sh"
plan 29
P=tests/data/plan_small.yaml

# the --set list of a CSV row of `plan` (fields 2-8: tp, pp, dp, cross, b, m, recompute)
sets() {
	echo "$1" | awk -F, '{ printf "--set pipeline.stages=%s --set pipeline.dp=%s ", $3, $4;
		printf "--set model.transformer.tp=%s --set model.transformer.microbatch_size=%s ", $2, $6;
		printf "--set model.recompute=%s --set datacenters.split=%s --set memory.limit=hbm", $8, $5 }'
}

run plan "$P" --format csv -q -o "$TMP/pruned.csv"
ok $rc "plan runs (exit $rc: $err)"
run plan "$P" --format csv -q --exhaustive -o "$TMP/all.csv"
ok $rc "plan --exhaustive runs"
n=$(tail -n +2 "$TMP/all.csv" | wc -l)
is "$n" 360 "the space has 360 layouts (pp, dp, hierarchical), each with a row"
bound=$(awk -F, '$9 == "bound"' "$TMP/pruned.csv" | wc -l)
ok $([ "$bound" -gt 20 ]; echo $?) "the bound prunes layouts ($bound of them)"
is "$(awk -F, '$9 == "bound"' "$TMP/all.csv" | wc -l)" 0 "--exhaustive prunes none by bound"
p1=$(sed -n 2p "$TMP/pruned.csv" | cut -d, -f2-12)
a1=$(sed -n 2p "$TMP/all.csv" | cut -d, -f2-12)
is "$p1" "$a1" "the pruned search's best is the exhaustive search's best"
p10=$(awk -F, '$1 >= 1 && $1 <= 10' "$TMP/pruned.csv" | cut -d, -f1-12)
a10=$(awk -F, '$1 >= 1 && $1 <= 10' "$TMP/all.csv" | cut -d, -f1-12)
is "$p10" "$a10" "... and so are the top 10 (--top 10 keeps them safe from the bound)"
below=$(awk -F, '$9 == "simulated" && $10 > $12' "$TMP/all.csv" | wc -l)
is "$below" 0 "every simulated layout's lower bound is at most its iteration time"

# Every layout that is not pruned for divisibility or memory, through `crosspipe run`: the
# fastest fitting schedule of the fastest layout is the planner's best.
# A layout where no schedule fits exits 2 from run; every simulated one runs (interleaved,
# which needs m to be a multiple of pp, left out where it is not, as the planner leaves it).
best=""
fails=0
for row in $(awk -F, 'NR > 1 && ($9 == "simulated" || $9 == "no-schedule")' "$TMP/all.csv"); do
	want=0
	case "$row" in *no-schedule*) want=2 ;; esac
	list=1f1b,zbh1,zbh2,zbv,interleaved,greedy
	echo "$row" | awk -F, '{ exit !($7 % $3) }' && list=1f1b,zbh1,zbh2,zbv,greedy
	# shellcheck disable=SC2046
	"$XP_BIN" run "$P" $(sets "$row") --schedule "$list" --format csv >"$TMP/r.csv" 2>/dev/null
	[ $? -eq $want ] || fails=$((fails + 1))
	t=$(awk -F, 'NR > 1 && $12 == 1 { print $4 }' "$TMP/r.csv" | sort -n | head -1)
	[ -n "$t" ] && { [ -z "$best" ] || [ "$t" -lt "$best" ]; } && best=$t
done
is "$fails" 0 "every simulated layout runs through crosspipe run, every no-schedule one exits 2"
is "$best" "$(sed -n 2p "$TMP/pruned.csv" | cut -d, -f12)" "the fastest of them is the plan's best"

# Pruned layouts: run refuses them for the same reason.
row=$(awk -F, '$9 == "memory-states"' "$TMP/all.csv" | head -1)
ok $([ -n "$row" ]; echo $?) "some layouts are pruned as memory-states"
# shellcheck disable=SC2046
run run "$P" $(sets "$row")
is "$rc" 2 "run refuses a memory-states layout (exit 2)"
has "$err" "the parameters, gradients and optimizer states" "... because the states fill the HBM"
row=$(awk -F, '$9 == "memory-activations"' "$TMP/all.csv" | head -1)
# shellcheck disable=SC2046
run run "$P" $(sets "$row")
has "$err" "below one microbatch's activations" "run refuses a memory-activations layout too"
has "$(awk -F, '$9 == "divisibility"' "$TMP/all.csv" | head -1)" "must" "divisibility rows say why"

# Determinism, JSON counts, the table, usage.
run plan "$P" --format json -q
first=$out
run plan "$P" --format json -q
is "$out" "$first" "two runs give byte-identical JSON"
has "$out" '"classes": {"simulated": ' "the JSON counts every class"
run plan "$P" -q --top 3 --explain 2
has "$out" "explain #2 against #1" "--explain compares with the best"
has "$out" "run it: crosspipe run $P --set pipeline.stages=" "the table says how to run a layout"
# Any ranked layout as an ordinary scenario: PLAN.json#K, with the plan's own --set ones.
run plan "$P" -q --set network.inter_dc.bandwidth=20Gbps --format json -o "$TMP/p.json"
want=$(grep '"rank": 2,' "$TMP/p.json" | sed 's/.*"iteration_ns": \([0-9]*\).*/\1/')
run run "$TMP/p.json#2" --format csv
is "$(echo "$out" | awk -F, 'NR == 2 { print $4 }')" "$want" "run PLAN.json#2 times layout 2 as the plan did"
run run "$TMP/p.json#999"
is "$rc" 2 "run PLAN.json#999 (no such rank) exits 2"
has "$err" "no simulated layout of rank 999" "... saying why"
cp "$P" "$TMP/same.yaml"
run plan "$TMP/same.yaml" -q -o "$TMP/same.yaml"
is "$rc" 2 "-o naming the plan file is refused (exit 2)"
cmp -s "$P" "$TMP/same.yaml"
ok $? "... and the plan file is left as it was"
run run "$TMP/p.json#1" -o "$TMP/p.json"
is "$rc" 2 "run PLAN.json#K -o PLAN.json is refused"
run plan --help
case "$out" in *--engine* | *--schedule-file*) ok 1 "--help lists only plan's options" ;;
*) has "$out" "--exhaustive" "--help lists only plan's options" ;; esac
run plan "$P" --top 0
is "$rc" 2 "--top 0 is a usage error"
sed 's/^  microbatch_size: .*/  tp: [1, x]/' "$P" >"$TMP/bad.yaml"
run plan "$TMP/bad.yaml"
has "$err" "bad.yaml:26:7:" "a bad plan key is refused at its line and column"
has "$err" "plan.tp: expected an integer" "... naming the key"
finish

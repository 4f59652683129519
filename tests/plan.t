#!/bin/sh
# plan.t: `crosspipe plan` on a space of 1136 layouts (tests/data/plan_small.yaml): the pruned
# search returns exactly the best of an exhaustive evaluation in which every feasible layout is
# run through `crosspipe run`; every bound is below its layout's time; pruned layouts are
# refused by `run` for the reason the planner gives; the output is deterministic; usage errors.
. "$(dirname "$0")/tap.sh"
plan 47
P=tests/data/plan_small.yaml

# the --set list of a CSV row of `plan` (fields 2-8: tp, pp, dp, cross, b, m, recompute; 19
# the layer split, 20 the stages in DC 0 of an uneven placement)
sets() {
	echo "$1" | awk -F, '{ printf "--set pipeline.stages=%s --set pipeline.dp=%s ", $3, $4;
		printf "--set model.transformer.tp=%s --set model.transformer.microbatch_size=%s ", $2, $6;
		printf "--set model.recompute=%s --set datacenters.split=%s --set memory.limit=hbm", $8, $5;
		if ($19 == "balanced") printf " --set model.transformer.layout=balanced";
		if ($20 > 0) { printf " --set datacenters.placement=[";
			for (k = 0; k < $3; k++) printf "%s%d", (k ? "," : ""), (k >= $20 ? 1 : 0);
			printf "]" } }'
}

run plan "$P" --format csv -q -o "$TMP/pruned.csv"
ok $rc "plan runs (exit $rc: $err)"
run plan "$P" --format csv -q --exhaustive -o "$TMP/all.csv"
ok $rc "plan --exhaustive runs"
n=$(tail -n +2 "$TMP/all.csv" | wc -l)
is "$n" 1136 "the space has 1136 layouts (pp, dp, hierarchical; even, balanced; even, uneven), each with a row"
n=$(awk -F, '$20 > 0 && $9 == "simulated"' "$TMP/all.csv" | wc -l)
ok $([ "$n" -gt 0 ]; echo $?) "uneven placements are simulated ($n)"
n=$(awk -F, '$19 == "balanced" && $9 == "simulated"' "$TMP/all.csv" | wc -l)
ok $([ "$n" -gt 0 ]; echo $?) "balanced layer splits are simulated where they differ ($n)"
is "$(awk -F, '$9 == "same-split" && $3 == 4 && $22 != "2*4"' "$TMP/all.csv" | wc -l)" 0 \
	"same-split (a balanced split equal to the even one, not run twice) only where it is even"
is "$(awk -F, 'NR > 1 && $3 == 1 && $22 != "" && $22 != "8*1"' "$TMP/all.csv" | wc -l)" 0 \
	"a split of one stage keeps all 8 layers (balanced too: it was one short)"
# By hand, pp 4, tp 8, b 1: a layer is 1.106e11 FLOPs of F + D + W, the output layer on the last
# stage 3 x 2bsdV = 2.013e11 (1.82 layers). Even 2|2|2|2 puts 3.82 layers' time on the last
# stage; 9.82 over 4 stages needs a stage of 3 whole layers, and 3|2|2|1 reaches that bound.
has "$(awk -F, '$3 == 4 && $4 == 1 && $19 == "balanced"' "$TMP/all.csv" | head -1)" \
	",balanced,0,2+2,3*1|2*2|1*1,32," "the balanced split of pp 4 is 3|2|2|1 (by hand)"
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

# Uneven DCs (24 and 8 GPUs): the equal groups do not fit DC 1, so every even placement is
# refused by the scenario (invalid), and the best puts 3 of 4 stages (or 6 of 8) in DC 0.
run plan "$P" -q --set 'datacenters.gpus=[24, 8]' --set plan.placement=even --format csv
is "$rc" 2 "with 24 + 8 GPUs no even placement runs (exit 2)"
has "$err" "simulated 0" "... none is simulated"
run plan "$P" -q --set 'datacenters.gpus=[24, 8]' --format json -o "$TMP/u.json"
ok $rc "with 24 + 8 GPUs uneven placements run"
first=$(grep -m1 '"rank": 1,' "$TMP/u.json")
has "$first" '"placement": "3+1"' "the best puts 3 of its 4 stages in the DC with 3x the GPUs"
want=$(echo "$first" | sed 's/.*"iteration_ns": \([0-9]*\).*/\1/')
run run "$TMP/u.json#1" --format csv
is "$(echo "$out" | awk -F, 'NR == 2 { print $4 }')" "$want" "run PLAN.json#1 runs the uneven layout as planned"
# --refine: the solvers time the best again; reported beside the greedy's, the ranking kept.
small="--set plan.tp=8 --set plan.pp=2 --set plan.microbatch_size=4 --set plan.cross=pp"
# shellcheck disable=SC2086
run plan "$P" -q --top 2 $small --set plan.layers=even --set plan.placement=even --refine 1 \
	--solver-time 20s --format json
first=$(echo "$out" | grep '"rank": 1,')
has "$first" '"refined_schedule": "optimal' "--refine 1: the best has a solver's order"
g=$(echo "$first" | sed 's/.*"iteration_ns": \([0-9]*\).*/\1/')
r=$(echo "$first" | sed 's/.*"refined_ns": \([0-9]*\).*/\1/')
ok $([ "$r" -le "$g" ]; echo $?) "... no slower than the greedy's ($r <= $g ns: the solver starts from it)"
has "$(echo "$out" | grep '"rank": 2,')" '"class": "simulated"' "... layout 2 is ranked as before"
case "$(echo "$out" | grep '"rank": 2,')" in *refined*) ok 1 "layout 2 is not refined" ;;
*) ok 0 "layout 2 is not refined" ;; esac
run plan "$P" -q --solver-time 5s
is "$rc" 2 "--solver-time without --refine is a usage error"
run plan "$P" -q --top 2 --refine 3
is "$rc" 2 "--refine beyond --top is a usage error"
sed 's/^  count: 2/  count: 3/; s/^  gpus: 16/  gpus: 8/' "$P" >"$TMP/three.yaml"
run plan "$TMP/three.yaml" -q --set plan.placement=uneven
is "$rc" 2 "plan.placement: uneven with 3 DCs is refused"
has "$err" "plan.placement: uneven placements are searched with 2 datacenters only" "... naming the key"
finish

#!/bin/sh
# torch_cli.t: torch.distributed.pipelining CSVs given to `run --schedule-file`, timed with free
# communication (engine ideal) against makespans worked out by hand.
. "$(dirname "$0")/tap.sh"
plan 27

D=$XP_TOP/tests/data/torch
S=$XP_TOP/scenarios/default.yaml
span() { echo "$out" | awk -F, -v s="$1" '$2 == s { print $4 }'; }
near() { d=$(($1 - $2)); [ "${d#-}" -lt 100 ]; }

# loop2.csv: 2 ranks, stages 0,2 on rank 0 and 1,3 on rank 1, 2 microbatches. With f and b the
# chunk block times, the critical path is 5f + 5b = 5/2 (F + B); 1F1B takes (m+p-1)(F+B) = 3(F+B).
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=2 --set pipeline.chunks=2 \
	-s 1f1b -f "$D/loop2.csv" -e ideal --format csv
is "$rc" 0 "loop-placed torch CSV runs"
ok "$(near $((6 * $(span loop2))) $((5 * $(span 1f1b))); echo $?)" "loop2 makespan = 5/6 of 1F1B's"

# v2.csv: V placement (rank 0 holds stages 0 and 3), one microbatch: the microbatch crosses the
# four chunks forward and back, 4f + 4b = 2(F + B), the same as 1F1B's (m+p-1)(F+B) at m=1.
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=1 --set pipeline.chunks=2 \
	-s 1f1b -f "$D/v2.csv" -e ideal --format csv
ok "$(near "$(span v2)" "$(span 1f1b)"; echo $?)" "V-placed torch CSV: makespan 2(F+B)"

# looped_bfs2.csv: ScheduleLoopedBFS's rows for 2 ranks, 2 local stages, 2 microbatches,
# followed by hand (tests/data/torch/README.md). By hand with free communication, f and b the
# chunk block times: the forwards end at 5f, then the backwards chain 3B1 3B0 | 2B1 2B0 | ...
# with one b per hop: 5f + 5b, 5/6 of 1F1B's 3(F + B) = 6(f + b).
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=2 --set pipeline.chunks=2 \
	-s 1f1b -f "$D/looped_bfs2.csv" -e ideal --format csv
is "$rc" 0 "a LoopedBFS torch CSV runs"
ok "$(near $((6 * $(span looped_bfs2))) $((5 * $(span 1f1b))); echo $?)" \
	"looped_bfs2 makespan = 5/6 of 1F1B's"
run export "$S" --set pipeline.stages=2 --set pipeline.microbatches=2 \
	-f "$D/looped_bfs2.csv" -s '' --format torch
is "$out" "$(printf '0F0,0F1,2F0,2F1,2B1,2B0,0B1,0B0\r\n1F0,1F1,3F0,3F1,3B1,3B0,1B1,1B0\r')" \
	"re-exported: the same rows without the idle slots"

printf '0F0,0B0\n1F0,1X0\n' >"$TMP/bad.csv"
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=1 -f "$TMP/bad.csv"
is "$rc" 2 "a bad cell exits 2"
has "$err" "bad.csv:2:5: cell '1X0'" "the error names file, row, column and cell"
# export: each schedule written as a torch CSV and read back runs to the built-in's makespan
# under the WAN (2 DCs at T_lat/T_F = T_bw/T_F = 2).
W="--set network.inter_dc.latency_ratio=2 --set network.inter_dc.bandwidth_ratio=2"
P4="--set pipeline.stages=4 --set pipeline.microbatches=8"
for sched in 1f1b zbv; do
	for form in compute_only compute_comms; do
		run export "$S" $P4 $W -s $sched --format torch --torch-format $form \
			-o "$TMP/$sched-$form.csv"
		run run "$S" $P4 $W -s $sched -f "$TMP/$sched-$form.csv" --format csv
		ok "$([ "$rc" = 0 ] && [ "$(span $sched)" = "$(span $sched-$form)" ]; echo $?)" \
			"$sched as torch $form: same makespan as built ($(span $sched))"
	done
done
has "$err" "SEND/RECV cells checked and dropped" "a compute_comms file says its SEND/RECV were dropped"
ok "$(od -c "$TMP/1f1b-compute_only.csv" | grep -q '\\r  \\n'; echo $?)" \
	"rows end in CR LF, as Python's csv.writer writes them"
ok "$(grep -q '^0F0,0F1,0F2,' "$TMP/1f1b-compute_only.csv"; echo $?)" \
	"1F1B row 0 starts with its 3 warm-up forwards in torch's notation"

# split pieces: refused, named, with the way out; nothing written
run export "$S" --set pipeline.stages=4 --set pipeline.microbatches=4 $W -s greedy \
	--format torch -o "$TMP/split.csv"
is "$rc" 2 "a schedule with split pieces is refused (exit 2)"
has "$err" "split into pieces (W0[0:1/8] on device 2" "the refusal names the split blocks"
has "$err" "--n-sub 1" "the refusal gives the way out"
ok "$([ ! -e "$TMP/split.csv" ]; echo $?)" "nothing is written"
run export "$S" --set pipeline.stages=4 --set pipeline.microbatches=4 $W -s greedy --n-sub 1 \
	--format torch -o "$TMP/whole.csv"
run run "$S" --set pipeline.stages=4 --set pipeline.microbatches=4 $W -s greedy --n-sub 1 \
	-f "$TMP/whole.csv" --format csv
ok "$([ "$rc" = 0 ] && [ "$(span greedy)" = "$(span whole)" ]; echo $?)" \
	"greedy --n-sub 1 exports whole blocks and replays to its makespan"

# dialects: B I W in the legacy reading is F, I, W
printf '0F0,0B0,0W0\n1F0,1B0,1W0\n' >"$TMP/old.csv"
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=1 -f "$TMP/old.csv" \
	--torch-dialect current
has "$err" "old.csv:1:9: cell '0W0': W before its I" "--torch-dialect current refuses a legacy file"
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=1 -f "$TMP/old.csv" \
	--torch-dialect legacy
is "$rc" 0 "--torch-dialect legacy reads it"
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=1 -f "$TMP/old.csv"
has "$err" "read in the legacy torch dialect" "without the option it is read as legacy, and said so"

run export "$S" -s 1f1b --format torch --torch-format both
is "$rc" 2 "a bad --torch-format is a usage error"
run export "$S" -s 1f1b --torch-format compute_comms
has "$err" "--torch-format needs --format torch" "--torch-format alone is refused"
run export "$S" -s 1f1b --format csv
has "$err" "--format must be schedule or torch, not 'csv'" "export's --format is its own"
run run "$S" -s 1f1b --torch-dialect old
has "$err" "--torch-dialect must be current or legacy" "a bad --torch-dialect is refused"
finish

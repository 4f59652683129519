#!/bin/sh
# torch_cli.t: torch.distributed.pipelining CSVs given to `run --schedule-file`, timed with free
# communication (engine ideal) against makespans worked out by hand.
. "$(dirname "$0")/tap.sh"
plan 5

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

printf '0F0,0B0\n1F0,1X0\n' >"$TMP/bad.csv"
run run "$S" --set pipeline.stages=2 --set pipeline.microbatches=1 -f "$TMP/bad.csv"
is "$rc" 2 "a bad cell exits 2"
has "$err" "bad.csv:2:5: cell '1X0'" "the error names file, row, column and cell"
finish

#!/bin/sh
# torch_fsdp.t: a torch CSV's UNSHARD and RESHARD cells with pipeline.dp > 1: each UNSHARD starts
# its stage's parameter all-gather where it stands, and the stage's blocks wait for it; timed by
# hand. With dp 1 they are dropped with a note. The checks of the cells, and the packet engine's
# refusal.
. "$(dirname "$0")/tap.sh"
plan 18

D=tests/data/torch
P4=scenarios/p4_ratios.yaml
# 2 ranks, stages 0 and 2 on rank 0, 1 and 3 on rank 1 (chunk 0 and 1), one microbatch; per
# chunk F 0.5 ms and B 1 ms; messages free (0 bytes, no latency); dp 2 with 25 MB of parameters
# per chunk: a ring all-gather or reduce-scatter moves half of it at 100 Gbps, 1 ms.
X="--set datacenters.count=1 --set pipeline.stages=2 --set pipeline.chunks=2
   --set pipeline.microbatches=1 --set pipeline.dp=2 --set model.params=50MB
   --set network.intra_dc.bandwidth=100Gbps --set model.message=0
   --set network.inter_dc.bandwidth_ratio=0 --set network.inter_dc.latency_ratio=0
   --set model.forward=1ms --set model.backward_input=1ms --set model.backward_weight=1ms"
span() { echo "$out" | awk -F, -v s="$1" '$2 == s { print $4 }'; }
row() { grep "^$1,analytic,$2" "$TMP/t.csv" | cut -d, -f4,6,7,15,16 | tr '\n' ' '; }

# fsdp2_plain.csv (no FSDP cells): every chunk's all-gather from 0: rank 0's chunk 0 [0,1],
# chunk 1 [1,2]. 0F0 [1,1.5], 1F0 [1.5,2], 2F0 [2,2.5], 3F0 [2.5,3], 3B0 [3,4], 2B0 [4,5],
# 1B0 [5,6], 0B0 [6,7], and the last reduce-scatter (rank 0's chunk 0) [7,8]: 8 ms.
run run $P4 $X -s '' -f "$D/fsdp2_plain.csv" --format csv
is "$rc:$(span fsdp2_plain)" "0:8000000" "without FSDP cells: all-gathers from 0, 8 ms by hand"

# fsdp2.csv: rank 0 row `0UNSHARD,0F0,2UNSHARD,2F0,0RESHARD,2B0,2RESHARD,0UNSHARD,0B0`. By hand:
# stage 0's all-gather [0,1], 0F0 [1,1.5]; rank 0 reaches 2UNSHARD at 1.5: stage 2's all-gather
# [1.5,2.5], so 2F0 waits for it: [2.5,3] (its input was there at 2). Rank 1 (both UNSHARDs
# first): [0,1], [1,2]; 1F0 [1.5,2], 3F0 [3,3.5], 3B0 [3.5,4.5], reduce-scatter [4.5,5.5], 1B0
# [5.5,6.5]. Rank 0: 2B0 [4.5,5.5], its reduce-scatter [5.5,6.5]; at 5.5 rank 0 reaches
# 2RESHARD,0UNSHARD: stage 0 gathered again, after the reduce-scatter on the DP channel:
# [6.5,7.5]; 0B0 waits for it: [7.5,8.5]; its reduce-scatter [8.5,9.5]: 9.5 ms.
run run $P4 $X -s '' -f "$D/fsdp2.csv" --format csv --timeline "$TMP/t.csv"
is "$rc:$(span fsdp2)" "0:9500000" "UNSHARD positions: 9.5 ms by hand"
is "$(row fsdp2 op,0)" "0,0,F,1000000,1500000 0,1,F,2500000,3000000 0,1,B,4500000,5500000 0,0,B,7500000,8500000 " \
	"rank 0: 2F0 waits for its late all-gather, 0B0 for the second one"
is "$(row fsdp2 collective,0 | tr ' ' '\n' | grep -c all-gather)" 3 \
	"rank 0: three all-gathers (stage 0 twice, stage 2 once)"
ok "$(grep -q '^fsdp2,analytic,collective,0,,1,all-gather,,,,,25000000,,,1500000,2500000,$' "$TMP/t.csv"; echo $?)" \
	"stage 2's all-gather starts when rank 0 reaches its UNSHARD (1.5 ms)"
ok "$(grep -q '^fsdp2,analytic,collective,0,,0,all-gather,,,,,25000000,,,6500000,7500000,$' "$TMP/t.csv"; echo $?)" \
	"stage 0's second all-gather, after its RESHARD, queues behind the reduce-scatter"
has "$err" "fsdp2.csv: 7 UNSHARD/RESHARD cells: each UNSHARD starts its stage's parameter all-gather (pipeline.dp 2)" \
	"the note says how the cells are used"

# dp 1: no collectives at all, the cells are dropped with the note, the same time as without
run run $P4 $X --set pipeline.dp=1 -s '' -f "$D/fsdp2.csv" -f "$D/fsdp2_plain.csv" --format csv
is "$(span fsdp2):$(span fsdp2_plain)" "6000000:6000000" "dp 1: the same 6 ms with and without the cells"
has "$err" "fsdp2.csv: 7 UNSHARD/RESHARD/REDUCE_GRAD cells dropped" "dp 1: dropped, with the note"

# the compute_comms fixture (torch's own lowering) runs with dp 2
run run $P4 --set datacenters.count=1 --set pipeline.stages=2 --set pipeline.chunks=2 \
	--set pipeline.microbatches=2 --set pipeline.dp=2 --set model.params=1GiB \
	-s '' -f "$D/zb_loop2_comms.csv" -f "$D/zb_loop2.csv" --format csv
ok "$([ "$rc" = 0 ] && [ "$(span zb_loop2_comms)" -ge "$(span zb_loop2)" ]; echo $?)" \
	"torch's lowering with dp 2: runs, no faster than all-gathers from 0 ($(span zb_loop2_comms) vs $(span zb_loop2))"

# the checks (exit 2, file:row:col and the cell)
bad() { # bad ROWS WANT DESCRIPTION
	printf "$1" >"$TMP/e.csv"
	run run $P4 $X -s '' -f "$TMP/e.csv"
	ok "$([ "$rc" = 2 ]; echo $?)" "$3: exit 2"
	has "$err" "$2" "$3: the error"
}
bad '0F0,0UNSHARD,2F0,2B0,0B0\n1F0,3F0,3B0,1B0\n' \
	"e.csv:1:1: cell '0F0': stage 0 is not unsharded here (no UNSHARD of it before" \
	"a compute before its stage's UNSHARD"
bad '0UNSHARD,0F0,0RESHARD,2F0,2B0,0B0\n1F0,3F0,3B0,1B0\n' \
	"e.csv:1:31: cell '0B0': stage 0 is not unsharded here" "a compute after its RESHARD"
bad '0UNSHARD,0F0,0UNSHARD,2F0,2B0,0B0\n1F0,3F0,3B0,1B0\n' \
	"e.csv:1:14: cell '0UNSHARD': stage 0 is already unsharded" "UNSHARD twice"
if [ "${XP_HAVE_NS3:-1}" != 0 ]; then
	run run $P4 $X -s '' -f "$D/fsdp2.csv" -e packet
	ok "$([ "$rc" = 2 ] && echo "$err" | grep -q 'crosspipe: schedule fsdp2: the packet engine does not simulate all-gathers at UNSHARD positions'; echo $?)" \
		"the packet engine refuses UNSHARD positions with dp 2 (exit $rc)"
else
	ok 0 "the packet engine refuses UNSHARD positions with dp 2 # SKIP no packet engine"
fi
run export $P4 $X -s '' -f "$D/fsdp2.csv"
has "$err" "fsdp2: its UNSHARD/RESHARD positions are not written" "export says the FSDP positions are not written"

#!/bin/sh
# torch_written.t: CSVs in the form torch's own `_dump_csv` writes (tests/data/torch/README.md:
# csv.writer rows, `\r\n` after every row, an idle slot an empty field, leading and trailing
# blanks kept, rows of different lengths), in both dialects and both forms, imported and timed
# by hand with free communication (engine ideal).
. "$(dirname "$0")/tap.sh"
plan 20

D=tests/data/torch
P4=scenarios/p4_ratios.yaml
LOOP="--set pipeline.stages=2 --set pipeline.microbatches=2 --set pipeline.chunks=2"
ONE="--set pipeline.stages=2 --set pipeline.microbatches=2 --set pipeline.chunks=1"
span() { echo "$out" | awk -F, -v s="$1" '$2 == s { print $4 }'; }
orders() { "$XP_BIN" export $P4 "$@" -s '' 2>/dev/null | grep '^device\|^placement'; }

# zb_loop2 (I and W, current dialect): stages 0, 2 on rank 0 and 1, 3 on rank 1. With u = 0.5 ms
# (p4_ratios' 1 ms blocks split over 2 chunks) and free communication, by hand: the forwards
# chain to 5u (rank 1's last), rank 1's I of stage 3 at [5u,7u], stage 2's on rank 0 [6u,8u],
# stage 1's [7u,9u], stage 0's [8u,10u], then rank 0's four W to 14u = 7 ms.
for f in zb_loop2 zb_loop2_legacy zb_loop2_comms; do
	run run $P4 $LOOP -e ideal -s '' -f "$D/$f.csv" --format csv
	is "$rc:$(span $f)" "0:7000000" "$f: imports and takes 7 ms by hand"
done
run run $P4 $LOOP -e ideal -s '' -f "$D/zb_loop2_legacy.csv" --format csv
has "$err" "zb_loop2_legacy.csv: read in the legacy torch dialect" \
	"the legacy file (B the backward for the input) is recognised and said so"
is "$(orders $LOOP -f $D/zb_loop2_legacy.csv)" "$(orders $LOOP -f $D/zb_loop2.csv)" \
	"legacy and current dialect: the same per-device orders"
run run $P4 $LOOP -e ideal -s '' -f "$D/zb_loop2_legacy.csv" --torch-dialect legacy --format csv
is "$rc:$(span zb_loop2_legacy)" "0:7000000" "--torch-dialect legacy reads it too"
ok "$(echo "$err" | grep -q 'read in the legacy'; [ $? != 0 ]; echo $?)" "and then says nothing"
run run $P4 $LOOP -e ideal -s '' -f "$D/zb_loop2.csv" --torch-dialect legacy
is "$rc" 2 "the current file with --torch-dialect legacy: exit 2 (legacy has no I)"
has "$err" "zb_loop2.csv:1:19: cell '2I0'" "the error names file, row, column and cell"
run run $P4 $LOOP -e ideal -s '' -f "$D/zb_loop2_legacy.csv" --torch-dialect current
is "$rc" 2 "the legacy file with --torch-dialect current: exit 2 (B mixed with W)"

# the compute_comms form: the same rows lowered as torch's runtime does before it dumps them
is "$(orders $LOOP -f $D/zb_loop2_comms.csv)" "$(orders $LOOP -f $D/zb_loop2.csv)" \
	"compute_comms form: the same per-device orders as the compute_only rows"
run run $P4 $LOOP -e ideal -s '' -f "$D/zb_loop2_comms.csv" --format csv
has "$err" "zb_loop2_comms.csv: 24 SEND/RECV cells checked and dropped" "its 24 SEND/RECV cells are checked"
has "$err" "zb_loop2_comms.csv: 6 UNSHARD/RESHARD/REDUCE_GRAD cells dropped" \
	"and its 4 UNSHARD and 2 RESHARD cells counted (dp 1)"
run run $P4 $LOOP -e ideal -s '' -f "$D/zb_loop2_comms.csv" --torch-dialect legacy
is "$rc" 2 "the comms file in the legacy dialect: exit 2"

# fb2 (full backwards, one stage per rank): F = 1 ms, B = 2 ms. By hand: rank 1 F0 [1,2], B0
# [2,4], F1 [4,5], B1 [5,7]; rank 0 B0 [4,6], B1 [7,9]: 9 ms. The legacy file writes B as BW.
for f in fb2 fb2_legacy; do
	run run $P4 $ONE -e ideal -s '' -f "$D/$f.csv" --format csv
	is "$rc:$(span $f)" "0:9000000" "$f: imports and takes 9 ms by hand"
done
is "$(orders $ONE -f $D/fb2_legacy.csv)" "$(orders $ONE -f $D/fb2.csv)" \
	"BW (legacy) and B (current): the same orders"
ok "$(for f in zb_loop2 zb_loop2_legacy zb_loop2_comms fb2 fb2_legacy; do
	[ "$(tr -cd '\r' <"$D/$f.csv" | wc -c)" = 2 ] && [ "$(tail -c 2 "$D/$f.csv" | od -An -c | tr -d ' ')" = '\r\n' ] || exit 1
done; echo 0)" "every fixture has csv.writer's line ends: one CR LF per rank, the last one too"

# the old batched cells (SEND_F_RECV_B) are not read: refused at their cell, in the first row too
printf '0F0,0SEND_F0_1RECV_B0\r\n1F0\r\n' >"$TMP/batched.csv"
run run $P4 $ONE --set pipeline.microbatches=1 -s '' -f "$TMP/batched.csv"
is "$rc" 2 "a legacy batched cell in the first row: exit 2"
has "$err" "batched.csv:1:5: cell '0SEND_F0_1RECV_B0': not an action" "the error names the cell"

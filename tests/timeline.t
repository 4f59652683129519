#!/bin/sh
# timeline.t: `run --timeline FILE`: every op and transfer with its times, checked against a
# 2-device 1F1B across two datacenters worked out by hand; counts against the JSON report;
# collectives with dp > 1; determinism; the refusals.
. "$(dirname "$0")/tap.sh"
plan 17

P4=scenarios/p4_ratios.yaml
SMALL="--set pipeline.stages=2 --set pipeline.microbatches=2"

# By hand (p4_ratios: T_F = 1 ms, B = D + W = 2 ms, device k in DC k, inter-DC latency 2 ms and
# 2 ms to serialise one 64 MiB message). Device 0: F0 [0,1], F1 [1,2]. F0's activation holds the
# 0->1 link over [1,3] and arrives at 5; F1's waits for the link: [3,5], arrives at 7. Device 1:
# F0 [5,6], B0 [6,8] (its gradient: link [8,10], arrives 12), F1 [8,9], B1 [9,11] (link
# [11,13], arrives 15). Device 0: B0 [12,14], B1 [15,17].
cat >"$TMP/want" <<'CSV'
schedule,engine,record,device,part,chunk,kind,mb,piece,src,dst,bytes,crosses_dc,ready_ns,start_ns,end_ns,arrive_ns
1f1b,analytic,op,0,0,0,F,0,,,,,,,0,1000000,
1f1b,analytic,op,0,0,0,F,1,,,,,,,1000000,2000000,
1f1b,analytic,op,0,0,0,B,0,,,,,,,12000000,14000000,
1f1b,analytic,op,0,0,0,B,1,,,,,,,15000000,17000000,
1f1b,analytic,op,1,1,0,F,0,,,,,,,5000000,6000000,
1f1b,analytic,op,1,1,0,B,0,,,,,,,6000000,8000000,
1f1b,analytic,op,1,1,0,F,1,,,,,,,8000000,9000000,
1f1b,analytic,op,1,1,0,B,1,,,,,,,9000000,11000000,
1f1b,analytic,transfer,,0,,F,0,,0,1,67108864,1,1000000,1000000,3000000,5000000
1f1b,analytic,transfer,,0,,F,1,,0,1,67108864,1,2000000,3000000,5000000,7000000
1f1b,analytic,transfer,,1,,B,0,,1,0,67108864,1,8000000,8000000,10000000,12000000
1f1b,analytic,transfer,,1,,B,1,,1,0,67108864,1,11000000,11000000,13000000,15000000
CSV
run run $P4 $SMALL -s 1f1b --timeline "$TMP/t.csv" --format json -o "$TMP/r.json"
is "$rc" 0 "run --timeline exits 0"
ok "$(cmp -s "$TMP/t.csv" "$TMP/want"; echo $?)" "2-device 1F1B across two DCs: every row as by hand"
[ -f "$TMP/want" ] && cmp -s "$TMP/t.csv" "$TMP/want" || diff "$TMP/want" "$TMP/t.csv" | sed 's/^/# /'

# counts against the report, on a bigger case with pieces and DP collectives
BIG="-s greedy,zbv,v-half,v-min --set pipeline.dp=2 --set model.params=1GiB"
run run $P4 $BIG --timeline "$TMP/big.csv" --format json -o "$TMP/big.json"
is "$rc" 0 "greedy, zbv, v-half and v-min with dp 2: run"
count() { python3 -c "
import csv, json, sys
rows = list(csv.DictReader(open('$TMP/big.csv')))
rep = json.load(open('$TMP/big.json'))['results']
print(' '.join('%d/%d/%d' % tuple(sum(1 for x in rows if x['schedule'] == r['schedule'] and x['record'] == k)
      for k in ('op', 'transfer', 'collective')) for r in rep))
print(' '.join('%d/%d/%d' % (r['ops'], r['transfers'], r['collectives']) for r in rep))
print(sum(1 for x in rows if x['piece']), max(int(x['end_ns']) for x in rows if x['schedule'] == 'zbv'),
      [r['makespan_ns'] for r in rep if r['schedule'] == 'zbv'][0])
print(sum(1 for x in rows if x['record'] == 'transfer' and x['crosses_dc'] == '1'),
      sum(r['wan_transfers'] for r in rep))
"; }
count >"$TMP/counts"
is "$(sed -n 1p "$TMP/counts")" "$(sed -n 2p "$TMP/counts")" \
	"per schedule: as many op, transfer and collective rows as the report counts"
set -- $(sed -n 3p "$TMP/counts")
ok "$([ "$1" -gt 0 ]; echo $?)" "greedy's pieces have their piece column ($1 rows)"
is "$2" "$3" "zbv: the last end in the timeline is its makespan"
set -- $(sed -n 4p "$TMP/counts")
is "$1" "$2" "DC-crossing transfers: as many rows as the report's wan_transfers"
ok "$(grep -q '^zbv,analytic,collective,0,,0,all-gather,,,,,536870912,,,0,' "$TMP/big.csv"; echo $?)" \
	"dp 2: the all-gather of device 0's chunk 0 (half its 1 GiB) starts at 0"

run run $P4 $BIG --timeline "$TMP/big2.csv" --format table
ok "$(cmp -s "$TMP/big.csv" "$TMP/big2.csv"; echo $?)" "the same run writes the same bytes (other report format)"
run run $P4 $SMALL -s 1f1b -e ideal,packet --timeline "$TMP/eng.csv" --format csv
ok "$([ "$rc" != 0 ] || [ "$(grep -c '^1f1b,packet,op,' "$TMP/eng.csv")" = 8 ]; echo $?)" \
	"each engine's run has its own rows"

# refusals
run run $P4 --timeline "$TMP/it.csv" --iterations 3
is "$rc" 2 "with --iterations 3: exit 2"
has "$err" "--timeline $TMP/it.csv: cannot apply with iterations 3" "the error says why"
ok "$([ ! -e "$TMP/it.csv" ]; echo $?)" "and writes nothing"
for cmd in export check validate; do
	run $cmd $P4 --timeline "$TMP/x.csv"
	ok "$([ "$rc" = 2 ] && [ ! -e "$TMP/x.csv" ]; echo $?)" "$cmd refuses --timeline (exit $rc)"
done
run run --help
has "$out" "--timeline FILE" "run --help lists --timeline"

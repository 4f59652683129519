#!/bin/sh
# reproduce.t: analysis/reproduce --quick runs the smallest experiment (pp_dp_split) end to end:
# the sweep's rows, both figure files, the report, and figures that are byte-identical on redraw.
. "$(dirname "$0")/tap.sh"

if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
	skip_all "needs the Debian package python3-matplotlib (see .ci/packages)"
fi
plan 9

R=$TMP/r
XP_BIN=$XP_BIN timeout 300 analysis/reproduce --quick --out-root "$R" pp_dp_split \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
is "$rc" "0" "reproduce --quick pp_dp_split exits 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$TMP/err" | tail -20

# the number of tasks that the sweep itself announces, against the rows written
run sweep analysis/pp_dp_split/sweep.quick.yaml --list
tasks=$(echo "$out" | sed -n 's/^[0-9]* points, \([0-9]*\) tasks$/\1/p')
rows=$(($(wc -l <"$R/pp_dp_split/results.csv" 2>/dev/null || echo 1) - 1))
is "$rows" "$tasks" "results.csv has one row per task of the sweep"
is "$(grep -c ',ok,' "$R/pp_dp_split/results.csv" 2>/dev/null)" "$tasks" "every row is ok"

for ext in svg png; do
	f=$R/pp_dp_split/figures/pp_dp_split.$ext
	[ -s "$f" ]
	ok $? "the figure pp_dp_split.$ext is written"
done
is "$(head -c 4 "$R/pp_dp_split/figures/pp_dp_split.png" | tail -c 3)" "PNG" "the PNG is a PNG"

report=$(cat "$R/report.md" 2>/dev/null)
has "$report" "## pp_dp_split" "report.md has the experiment's section"
has "$report" "figures/pp_dp_split.png" "report.md shows the figure"

# drawing again from the same rows gives the same bytes (fixed SVG hash salt and metadata)
cp "$R/pp_dp_split/figures/pp_dp_split.svg" "$TMP/first.svg"
timeout 120 analysis/reproduce --plot-only --quick --out-root "$R" pp_dp_split >/dev/null 2>&1
cmp -s "$TMP/first.svg" "$R/pp_dp_split/figures/pp_dp_split.svg"
ok $? "a second drawing is byte-identical"
finish

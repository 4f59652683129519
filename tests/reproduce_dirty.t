#!/bin/sh
# reproduce_dirty.t: analysis/reproduce writes the committed report (analysis/report.md) only from
# a clean git tree and a program configured at that commit, records the commit, and with
# --allow-dirty writes it marked as made from a dirty tree. Runs on a scratch git repository that
# holds a copy of reproduce and xpplot.py and one experiment without a sweep file.
. "$(dirname "$0")/tap.sh"

if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
	echo "1..0 # SKIP needs the Debian package python3-matplotlib"
	exit 0
fi
if ! git --version >/dev/null 2>&1; then
	echo "1..0 # SKIP needs git"
	exit 0
fi
plan 12

G=$TMP/repo
mkdir -p "$G/analysis/demo"
cp analysis/reproduce analysis/xpplot.py "$G/analysis/"
printf '# demo: an experiment without a sweep file\n\nNothing to run.\n' >"$G/analysis/demo/README.md"
echo "report" >"$G/analysis/report.md"
gitq() { git -C "$G" -c user.name=test -c user.email=test@example.org "$@" >/dev/null 2>&1; }
gitq init -q && gitq add -A && gitq commit -q -m start
head=$(git -C "$G" rev-parse HEAD)
desc=$(git -C "$G" describe --always --tags)
R=$G/analysis/report.md

# rep ARGS...: runs the copy of reproduce, status in $rc, stderr in $err
rep() {
	"$G/analysis/reproduce" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	err=$(cat "$TMP/err")
}

rep --plot-only
is "$rc" "0" "a clean tree: the report is written"
has "$(cat "$R")" "Made from commit \`$head\` (a clean tree)." "the report records the commit"

echo "changed" >>"$G/analysis/demo/README.md"
cp "$R" "$TMP/before"
rep --plot-only
is "$rc" "2" "a tracked file changed: refused with status 2"
has "$err" "uncommitted changes in analysis/demo/README.md" "the refusal names the changed file"
cmp -s "$R" "$TMP/before"
ok $? "a refusal leaves the report as it was"

rep --plot-only --allow-dirty
is "$rc" "0" "--allow-dirty writes the report"
has "$(cat "$R")" "**Made from a dirty tree** (\`--allow-dirty\`): uncommitted changes in analysis/demo/README.md" \
	"that report says it was made from a dirty tree, and what was changed"

gitq checkout -- analysis/demo/README.md
echo "an older drawing" >"$G/analysis/report.md"
mkdir -p "$G/analysis/demo/figures" && echo x >"$G/analysis/demo/figures/a.svg"
rep --plot-only
is "$rc" "0" "changes to reproduce's own outputs (report.md, figures/) do not count as dirty"

rep --plot-only --out-root "$TMP/elsewhere"
has "$(cat "$TMP/elsewhere/report.md" 2>/dev/null)" "## demo" "--out-root writes its own report"

printf '#!/bin/sh\necho "crosspipe 0.1.0+0000000"\n' >"$TMP/old" && chmod +x "$TMP/old"
rep --bin "$TMP/old"
is "$rc" "2" "a program configured at another commit: refused"
has "$err" "not configured at this commit ($desc)" "the refusal says why"

printf '#!/bin/sh\necho "crosspipe 0.1.0+%s"\n' "$desc" >"$TMP/cur" && chmod +x "$TMP/cur"
rep --bin "$TMP/cur"
is "$rc" "0" "a program configured at this commit: the report is written"
finish

#!/bin/sh
# plan_jobs.t: `crosspipe plan --jobs N`: the feasible layouts run as a sweep through the sweep
# runner's workers; the output (JSON, CSV, table) is byte-identical to the serial plan's, also
# after --resume and with --from; a folder of another plan is refused; Slurm through the sweep's
# submitter (a fake sbatch); usage errors.
. "$(dirname "$0")/tap.sh"
plan 22
P=tests/data/plan_small.yaml
D=$TMP/d

run plan "$P" -q --format json -o "$TMP/serial.json"
ok $rc "the serial plan runs"
run plan "$P" -q --format json --jobs 2 --dir "$D" -o "$TMP/par.json"
ok $rc "plan --jobs 2 runs (exit $rc: $(echo "$err" | tail -1))"
cmp -s "$TMP/serial.json" "$TMP/par.json"
ok $? "--jobs 2 gives byte-identical JSON"
has "$err" "sweep: " "... with the sweep runner's progress on stderr"
n=$(grep -c '^      - \[' "$D/plan-sweep.yaml")
want=$(grep -o '"[a-z-]*": [0-9]*' "$TMP/serial.json" | head -12 | awk -F': ' '
	$1 == "\"simulated\"" || $1 == "\"bound\"" || $1 == "\"no-schedule\"" { s += $2 } END { print s }')
is "$n" "$want" "one sweep point per feasible layout (simulated + bound + no-schedule)"
# rows come in the workers' completion order: count them rather than read the first ones
rows=$(($(wc -l <"$D/results.csv") - 1))
nsch=$(sed -n 's/^schedules: \[\(.*\)\]$/\1/p' "$D/plan-sweep.yaml" | tr ',' '\n' | wc -l)
is "$rows" "$((n * nsch))" "every (layout, schedule) is a task of the sweep ($n layouts x $nsch schedules)"
run plan "$P" -q --format csv
serial_csv=$out
run plan "$P" -q --format csv --jobs 1 --dir "$TMP/d1"
is "$out" "$serial_csv" "--jobs 1: byte-identical CSV"
run plan "$P" -q --top 3 --explain 2
serial_table=$out
run plan "$P" -q --top 3 --explain 2 --from "$D"
is "$out" "$serial_table" "--from DIR ranks the rows already there: the serial table"

# Resume: a folder with rows is not overwritten; --resume keeps the rows and gives the same plan.
run plan "$P" -q --format json --jobs 2 --dir "$D"
is "$rc" 2 "a folder that holds results is refused without --resume"
# drop the last 40 rows of both files, as an interrupted run leaves them
head -n -40 "$D/results.csv" >"$TMP/c" && mv "$TMP/c" "$D/results.csv"
head -n -40 "$D/results.jsonl" >"$TMP/j" && mv "$TMP/j" "$D/results.jsonl"
run plan "$P" -q --format json --from "$D"
is "$rc" 1 "--from a folder with missing rows fails (exit 1)"
has "$err" "have no row" "... saying that rows are missing"
run plan "$P" -q --format json --jobs 2 --dir "$D" --resume -o "$TMP/res.json"
ok $rc "--resume runs the missing tasks"
cmp -s "$TMP/serial.json" "$TMP/res.json"
ok $? "... and the plan is byte-identical to the serial one"

# Another plan on the same folder (another --set): refused, nothing changed.
cp "$D/plan-sweep.yaml" "$TMP/before.yaml"
run plan "$P" -q --jobs 2 --dir "$D" --resume --set network.inter_dc.bandwidth=20Gbps
is "$rc" 2 "another plan (--set) on the folder is refused"
has "$err" "holds the rows of another plan" "... saying why"
cmp -s "$TMP/before.yaml" "$D/plan-sweep.yaml"
ok $? "... and the folder's sweep file is unchanged"
run plan "$P" -q --from "$D" --set network.inter_dc.bandwidth=20Gbps
is "$rc" 2 "--from a folder of another plan is refused"

# Slurm: the sweep's own submitter, with a fake sbatch that records its arguments.
mkdir -p "$TMP/bin"
printf '#!/bin/sh\necho "$@" >"%s/sbatch.args"\necho 4242\n' "$TMP" >"$TMP/bin/sbatch"
chmod +x "$TMP/bin/sbatch"
PATH="$TMP/bin:$PATH" run plan "$P" -q --slurm --dir "$TMP/s" --partition debug
ok $rc "plan --slurm submits (exit $rc: $err)"
has "$(cat "$TMP/sbatch.args" 2>/dev/null)" "--array=0-" "... a job array through sbatch"
has "$(cat "$TMP/s/slurm.sh" 2>/dev/null)" "sweep '$(cd "$TMP/s" && pwd)/plan-sweep.yaml' --out" \
	"... whose shards run the plan's sweep file with crosspipe sweep --part"

run plan "$P" --jobs 2 --from "$D"
is "$rc" 2 "--jobs and --from together are a usage error"
run plan "$P" --resume
is "$rc" 2 "--resume without --jobs or --slurm is a usage error"
finish

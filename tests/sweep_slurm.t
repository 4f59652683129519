#!/bin/sh
# sweep_slurm.t: `crosspipe sweep --slurm` on a real single-node Slurm: a job array of shards,
# one shard that fails, --collect listing it, --slurm --resume resubmitting it alone.
. "$(dirname "$0")/tap.sh"
. "$XP_TOP/tests/slurm/lib.sh"

if ! slurm_usable; then
	if [ -n "${CI:-}" ]; then
		echo "Bail out! CI without a usable Slurm (root, slurm-wlm, munge; see .ci/packages)"
		exit 1
	fi
	echo "1..0 # SKIP needs root and the Debian packages slurm-wlm and munge"
	exit 0
fi
plan 15

slurm_start "$TMP/slurm"
ok $? "the test cluster starts"
i=0 # the node must have registered before sbatch accepts an array
while [ $i -lt 150 ] && [ "$(timeout 5 sinfo -h -o %T 2>/dev/null | sed 's/[*~#]$//')" != idle ]; do
	sleep 0.2
	i=$((i + 1))
done

cat >"$TMP/s.yaml" <<EOT
base: $XP_TOP/scenarios/p4_ratios.yaml
axes:
  network.inter_dc.latency_ratio: [0, 1, 2]
  network.inter_dc.bandwidth_ratio: [0, 2]
schedules: [1f1b, zbh1]
EOT
O=$TMP/out
mkdir -p "$O/parts/part-1.csv" # a folder where shard 1 must write its rows: shard 1 fails

run sweep "$TMP/s.yaml" --slurm --tasks 3 --max-parallel 2 --out "$O"
ok $rc "--slurm submits the job array"
[ $rc -eq 0 ] || printf '# %s\n' "$err"
job=$(echo "$out" | sed -n 's/^submitted job \([0-9]*\):.*/\1/p')
has "$out" "array 0-2%2 over 3 shards of 12 tasks" "the array covers every shard, throttled"
ok "$([ -x "$O/slurm.sh" ] && grep -q -- '--part "$SLURM_ARRAY_TASK_ID/3"' "$O/slurm.sh"; echo $?)" \
	"the batch script runs one shard per array task"
slurm_wait "$job" 60
ok $? "the array finishes"
is "$(slurm_states "$job" | awk '{print $1, $2}' | tr '\n' ';')" "0 COMPLETED;1 FAILED;2 COMPLETED;" \
	"shard 1 failed, the others completed"

run sweep --collect "$O"
is "$rc" "1" "--collect exits 1 while tasks are missing"
has "$out" "8 ok, 0 failed, 4 missing" "--collect counts the rows of the shards that ran"
has "$out" "--resume --out $O): 1" "--collect names the array task to resubmit"

rmdir "$O/parts/part-1.csv"
run sweep "$TMP/s.yaml" --slurm --resume --out "$O"
job2=$(echo "$out" | sed -n 's/^submitted job \([0-9]*\):.*/\1/p')
has "$out" "array 1 over 3 shards" "--slurm --resume resubmits only shard 1"
slurm_wait "$job2" 60
run sweep --collect "$O"
ok $rc "after the resubmission --collect finds every task"
is "$(wc -l <"$O/results.csv" | tr -d ' ')" "13" "the merged results have a header and 12 rows"
has "$(cat "$O/manifest.json")" '"ok": 12' "--collect writes the manifest of the merged run"

run sweep "$TMP/s.yaml" --jobs 2 --out "$TMP/local"
cut -d, -f1-11 "$TMP/local/results.csv" | sort >"$TMP/l"
cut -d, -f1-11 "$O/results.csv" | sort >"$TMP/s"
cmp -s "$TMP/l" "$TMP/s"
ok $? "the Slurm rows equal a local run's"
run sweep "$TMP/s.yaml" --slurm --resume --out "$O"
has "$out" "nothing to resubmit" "a complete run has nothing to resubmit"
finish

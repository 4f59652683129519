#!/bin/sh
# slurm_cluster.t: the private single-node Slurm of tests/slurm/cluster.sh really runs jobs:
# a 4-task array, a task that fails and is then resubmitted alone, stop and restart.
. "$(dirname "$0")/tap.sh"
. "$XP_TOP/tests/slurm/lib.sh"

if ! slurm_usable; then
	# CI installs slurm-wlm and munge and runs as root: there, a missing piece is a failure
	if [ -n "${CI:-}" ]; then
		echo "Bail out! CI without a usable Slurm (root, slurm-wlm, munge; see .ci/packages)"
		exit 1
	fi
	echo "1..0 # SKIP needs root and the Debian packages slurm-wlm and munge"
	exit 0
fi
plan 21

D=$TMP/slurm
W=$TMP/work
mkdir -p "$D" "$W"

slurm_start "$D"
ok $? "the cluster starts"
is "${SLURM_CONF:-}" "$D/slurm.conf" "start prints the SLURM_CONF to export"
sh "$SLURM_CLUSTER" status "$D" >"$TMP/status" 2>&1
ok $? "status reports munged, slurmctld and slurmd running"
is "$(timeout 5 sinfo -h -o %T | sed 's/[*~#]$//')" "idle" "the node is idle"

# 1. a 4-task array: each task writes a file computed from what Slurm told it
job=$(timeout 10 sbatch --parsable -D "$W" -a 0-3 -o "$W/a-%a.log" \
	--wrap 'echo "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT $((SLURM_ARRAY_TASK_ID * 7))" >"a-$SLURM_ARRAY_TASK_ID.out"')
case $job in '' | *[!0-9]*) ok 1 "sbatch returns a job id (got '$job')" ;; *) ok 0 "sbatch returns a job id" ;; esac
slurm_wait "$job" 30
ok $? "the array leaves the queue within 30 s"
got=$(for i in 0 1 2 3; do cat "$W/a-$i.out" 2>/dev/null; done | tr '\n' ' ')
is "$got" "0/4 0 1/4 7 2/4 14 3/4 21 " "every task wrote its own output"
is "$(slurm_states "$job" | tr '\n' ';')" "0 COMPLETED 0:0;1 COMPLETED 0:0;2 COMPLETED 0:0;3 COMPLETED 0:0;" \
	"the jobcomp file has each task COMPLETED with exit code 0"
timeout 5 scontrol show job "${job}_3" >"$TMP/show" 2>&1
has "$(cat "$TMP/show")" "JobState=COMPLETED" "scontrol still shows a finished task (MinJobAge)"

# 2. a task that fails: index 2 exits 3 until the marker file exists
script='[ "$SLURM_ARRAY_TASK_ID" != 2 ] || [ -e fixed ] || exit 3; echo "done $SLURM_ARRAY_TASK_ID" >"b-$SLURM_ARRAY_TASK_ID.out"'
job2=$(timeout 10 sbatch --parsable -D "$W" -a 0-3 -o "$W/b-%a.log" --wrap "$script")
slurm_wait "$job2" 30
ok $? "the failing array leaves the queue within 30 s"
is "$(slurm_states "$job2" | tr '\n' ';')" "0 COMPLETED 0:0;1 COMPLETED 0:0;2 FAILED 3:0;3 COMPLETED 0:0;" \
	"jobcomp: task 2 FAILED with exit code 3, the others COMPLETED"
is "$(ls "$W" | grep '^b-.*\.out$' | tr '\n' ' ')" "b-0.out b-1.out b-3.out " \
	"the failed task wrote nothing, the others did"
timeout 5 scontrol show job "${job2}_2" >"$TMP/show" 2>&1
has "$(cat "$TMP/show")" "ExitCode=3:0" "scontrol shows the failed task's exit code"

# 3. resubmit just that index, as `crosspipe sweep --resume --slurm` does
: >"$W/fixed"
job3=$(timeout 10 sbatch --parsable -D "$W" -a 2 -o "$W/b-%a.log" --wrap "$script")
slurm_wait "$job3" 30
ok $? "the resubmitted task leaves the queue within 30 s"
is "$(slurm_states "$job3" | tr '\n' ';')" "2 COMPLETED 0:0;" "jobcomp: only index 2 ran again, and it COMPLETED"
is "$(cat "$W/b-2.out" 2>/dev/null)" "done 2" "the resubmitted task wrote its output"
is "$(slurm_count "$job2")" "4" "the first array's records are untouched"

# 4. stop, then start and stop again in the same folder
slurm_stop "$D"
ok $? "the cluster stops"
sh "$SLURM_CLUSTER" status "$D" >/dev/null 2>&1
is "$?" "1" "status reports it stopped"
slurm_start "$D"
ok $? "it starts again in the same folder"
job4=$(timeout 10 sbatch --parsable -D "$W" --wrap 'echo again >c.out')
slurm_wait "$job4" 30
is "$(cat "$W/c.out" 2>/dev/null)" "again" "the restarted cluster runs a job"
slurm_stop "$D"
finish

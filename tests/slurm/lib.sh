# lib.sh: shell helpers for tests that need a real Slurm (sourced after tests/tap.sh).
# See tests/slurm_cluster.t for a use. Every wait is bounded.
#
#   slurm_usable            0 when this machine can run the test cluster (root, slurm-wlm, munge)
#   slurm_start DIR         starts the cluster in DIR, exports SLURM_CONF; stops it at exit
#   slurm_stop DIR          stops it (safe to call twice)
#   slurm_wait JOBID SECS   polls squeue until JOBID (or all its array tasks) left the queue
#   slurm_states JOBID      from the jobcomp file, one line per array task, sorted by index:
#                           "<index> <state> <exit code>", e.g. "2 FAILED 3:0" (latest record wins)
#   slurm_count JOBID       the number of jobcomp records of JOBID
SLURM_CLUSTER=${XP_TOP:-.}/tests/slurm/cluster.sh

slurm_usable() {
	[ "$(id -u)" -eq 0 ] || return 1
	for _b in sbatch squeue scontrol sinfo scancel; do
		command -v "$_b" >/dev/null 2>&1 || return 1
	done
	[ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ]
}

slurm_start() {
	SLURM_DIR=$1
	# stop the cluster however the test ends; tap.sh's own trap removes $TMP afterwards
	trap 'slurm_stop "$SLURM_DIR"; rm -rf "$TMP"' EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	_conf=$(timeout 60 sh "$SLURM_CLUSTER" start "$SLURM_DIR" 2>"$SLURM_DIR.start.err") || {
		cat "$SLURM_DIR.start.err" >&2
		return 1
	}
	export "$_conf"
	SLURM_JOBCOMP=$SLURM_DIR/jobcomp.txt
}

slurm_stop() {
	[ -n "${1:-}" ] && [ -f "$1/slurm.conf" ] || return 0
	timeout 60 sh "$SLURM_CLUSTER" stop "$1" 2>/dev/null
}

slurm_wait() {
	_sw_left=$(($2 * 5))
	while [ "$_sw_left" -gt 0 ]; do
		_q=$(timeout 5 squeue -h -j "$1" -o %i 2>/dev/null) && [ -z "$_q" ] && return 0
		sleep 0.2
		_sw_left=$((_sw_left - 1))
	done
	return 1
}

slurm_states() {
	awk -v j="$1" '
		index($0, " ArrayJobId=" j " ") || $1 == "JobId=" j {
			st = ""; ex = ""; ix = "-"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^JobState=/) st = substr($i, 10)
				else if ($i ~ /^ExitCode=/) ex = substr($i, 10)
				else if ($i ~ /^ArrayTaskId=/) ix = substr($i, 13)
			}
			last[ix] = ix " " st " " ex
		}
		END { for (k in last) print last[k] }' "$SLURM_JOBCOMP" 2>/dev/null | sort -n
}

slurm_count() {
	awk -v j="$1" 'index($0, " ArrayJobId=" j " ") || $1 == "JobId=" j { n++ } END { print n + 0 }' \
		"$SLURM_JOBCOMP" 2>/dev/null
}

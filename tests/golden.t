#!/bin/sh
# golden.t: the JSON report of every scenario in scenarios/ and analysis/*/scenario.yaml (each
# with its own schedule list), plus cases for the adaptive schedules, the solver, robustness,
# the ideal engine, DP, the packet engine and validate, compared byte for byte with tests/golden/*.json.
# The expected files were written by the code before a refactor: a difference means behaviour
# changed. Two things are normalised because they vary by build or by run, not by behaviour:
# the version string ("crosspipe": ...) and wall-clock figures (the solver's "seconds", the
# packet engine's "wall_s" and "events_per_s").
# The solver cases set solver.work_limit so that where the search stops does not depend on the
# machine's speed. To rewrite the expected files after an intended change:
#   XP_GOLDEN_UPDATE=1 tests/golden.t
. "$(dirname "$0")/tap.sh"
G=tests/golden
W="--set solver.work_limit=200000"
P4=scenarios/p4_ratios.yaml
V="scenarios/validation/p4_1ms_100g.yaml --set pipeline.microbatches=4 --set model.activation=4MiB"
# one case a line: NAME COMMAND ARGS... (a scenario's file name with / turned into _)
cases() {
	for f in scenarios/*.yaml scenarios/validation/*.yaml analysis/*/scenario.yaml; do
		echo "$(echo "$f" | sed 's|/|_|g; s|\.yaml$||') run $f"
	done
	cat <<CASES
p4_adaptive run $P4 -s crossudsub,greedy,greedy-v
p4_solver run $P4 -s optimal,optimal-v $W
p4_auto run $P4 -s auto $W
p4_dp2_greedy run $P4 -s 1f1b,zbv,greedy --set pipeline.dp=2
default_dp4_split_dp run scenarios/default.yaml -s 1f1b,zbh2,zbv,greedy --set pipeline.dp=4 --set datacenters.split=dp
default_jitter run scenarios/default.yaml -s 1f1b,zbv --jitter 0.05 --samples 8
default_ideal run scenarios/default.yaml -e analytic,ideal
default_recompute run scenarios/default.yaml -s 1f1b,zbh1,greedy --set model.recompute=full --set memory.limit=0.5x
p16_adaptive run $P4 -s greedy,greedy-v,crossudsub --set pipeline.stages=16 --set pipeline.microbatches=64 --set schedule.n_sub=4
CASES
	if [ "${XP_HAVE_NS3:-1}" != 0 ]; then
		echo "packet_p4_1ms run $V -s 1f1b,zbh1 -e analytic,packet"
		echo "validate_p4_1ms validate $V -s 1f1b,zbh1"
	fi
}
normalise() {
	sed -e 's/^\(  "crosspipe": \)"[^"]*"/\1"VERSION"/' \
		-e 's/"seconds": [0-9.e+-]*/"seconds": 0/g' \
		-e 's/"wall_s": [0-9.e+-]*/"wall_s": 0/g' -e 's/"events_per_s": [0-9]*/"events_per_s": 0/g'
}
plan "$(cases | wc -l)"
cases | while read -r name command args; do
	# shellcheck disable=SC2086 # ARGS is a word list on purpose
	"$XP_BIN" "$command" $args --format json >"$TMP/raw" 2>"$TMP/err"
	rc=$?
	normalise <"$TMP/raw" >"$TMP/got"
	if [ -n "${XP_GOLDEN_UPDATE:-}" ]; then
		cp "$TMP/got" "$G/$name.json"
	fi
	if [ "$rc" = 0 ] && cmp -s "$TMP/got" "$G/$name.json"; then
		echo "ok - $name: $command $args"
	else
		echo "not ok - $name: $command $args (exit $rc)"
		diff "$G/$name.json" "$TMP/got" | head -20 | sed 's/^/# /'
		sed 's/^/# stderr: /' "$TMP/err" | head -5
	fi
done

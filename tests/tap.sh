# tap.sh: TAP helpers for the command-line tests (sourced by tests/*.t).
# XP_BIN is the crosspipe program and XP_TOP the source tree (set by `./waf check`).
XP_TOP=${XP_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
XP_BIN=${XP_BIN:-$XP_TOP/build/crosspipe}
cd "$XP_TOP" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
_n=0
_failed=0

plan() { echo "1..$1"; }

ok() { # ok CONDITION-STATUS DESCRIPTION
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

is() { # is GOT WANT DESCRIPTION
	[ "$1" = "$2" ]
	ok $? "$3"
	[ "$1" = "$2" ] || printf '#      got: %s\n# expected: %s\n' "$1" "$2"
}

has() { # has TEXT SUBSTRING DESCRIPTION
	case "$1" in *"$2"*) ok 0 "$3" ;; *)
		ok 1 "$3"
		printf '#      got: %s\n# expected to contain: %s\n' "$1" "$2" ;;
	esac
}

# run ARGS...: runs crosspipe, leaving stdout in $out, stderr in $err and the status in $rc
run() {
	"$XP_BIN" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	out=$(cat "$TMP/stdout")
	err=$(cat "$TMP/stderr")
}

# skip_all REASON: this file cannot run here (a missing package or build). Outside CI the whole
# file is skipped; under CI (CI non-empty, as .ci/run sets it) it is a failure, since CI
# installs every dependency (.ci/packages) and builds every part.
skip_all() {
	if [ -n "${CI:-}" ]; then
		echo "Bail out! under CI, $(basename "$0") cannot run: $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

finish() { exit $((_failed > 0)); }

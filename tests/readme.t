#!/bin/sh
# readme.t: a new user's copy-paste of README.md works. Every command block of the README runs
# and must exit 0, and every relative link of the README points at a file of the repository.
#
# Command blocks are the fenced blocks whose info string is `sh` (```sh). Every other fenced
# block must name what it is (```text, ```yaml, ...), so that no command block goes untested by
# accident. A block is skipped when the line right before its opening fence is a marker:
#   <!-- long -->   never run here: it installs packages, rebuilds the tree or runs the test suite
#                   (which would run this test again), or takes minutes (analysis/reproduce --quick)
#   <!-- ns-3 -->   run only when the packet engine is built (XP_HAVE_NS3 is not 0)
#
# Each block runs with `sh -e` (so every line must succeed) from the top of a scratch copy of the
# source tree, whose build/crosspipe is $XP_BIN: the README's `build/crosspipe ...` runs the program
# under test, and whatever the commands write (gantt.svg, sweep-out/, ...) lands in the copy, never
# in XP_TOP. Nothing is rebuilt.
. "$(dirname "$0")/tap.sh"

W=$TMP/top
mkdir -p "$W/build"
tar -C "$XP_TOP" --exclude='./build*' --exclude=./.git --exclude='./.lock-waf*' \
	--exclude=out --exclude=out-quick -cf - . | tar -C "$W" -xf -
ln -s "$XP_BIN" "$W/build/crosspipe"

python3 - "$XP_TOP/README.md" "$TMP" >"$TMP/blocks" <<'PY'
import os, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
n, i, untagged = 0, 0, []
while i < len(lines):
    m = re.match(r"^```(\S*)\s*$", lines[i])
    if not m:
        i += 1
        continue
    lang, start = m.group(1), i
    j = i + 1
    while j < len(lines) and not lines[j].startswith("```"):
        j += 1
    marker = lines[start - 1].strip() if start > 0 else ""
    if lang == "":
        untagged.append(str(start + 1))
    elif lang == "sh":
        n += 1
        path = os.path.join(sys.argv[2], "block%d.sh" % n)
        with open(path, "w") as f:
            f.write("\n".join(lines[start + 1:j]) + "\n")
        skip = {"<!-- long -->": "long", "<!-- ns-3 -->": "ns-3"}.get(marker, "run")
        print("%d %d %s %s" % (n, start + 1, skip, path))
    i = j + 1
print("untagged %s" % (",".join(untagged) or "none"))
PY

links=$(python3 - "$XP_TOP" <<'PY'
import os, re, sys
top = sys.argv[1]
text = open(os.path.join(top, "README.md"), encoding="utf-8").read()
bad = []
for target in re.findall(r"\]\(([^)\s]+)\)", text):
    if re.match(r"^[a-z]+:", target) or target.startswith("#"):
        continue
    if not os.path.exists(os.path.join(top, target.split("#")[0])):
        bad.append(target)
print(" ".join(bad) or "none")
PY
)

blocks=$(grep -c '^[0-9]' "$TMP/blocks")
plan $((blocks + 3))
is "$(sed -n 's/^untagged //p' "$TMP/blocks")" "none" "every fenced block of README.md names its language"
[ "$blocks" -ge 5 ]
ok $? "README.md has command blocks ($blocks)"
is "$links" "none" "every relative link of README.md points at a file of the repository"

while read -r n line skip path; do
	case "$n" in untagged) continue ;; esac
	first=$(head -n 1 "$path")
	if [ "$skip" = long ]; then
		ok 0 "# SKIP block $n (README.md:$line, marked long): $first"
		continue
	fi
	if [ "$skip" = ns-3 ] && [ "${XP_HAVE_NS3:-1}" = 0 ]; then
		ok 0 "# SKIP block $n (README.md:$line): the packet engine is not built"
		continue
	fi
	(cd "$W" && XP_BIN="$XP_BIN" sh -e "$path") >"$TMP/out.$n" 2>&1
	rc=$?
	ok $rc "block $n (README.md:$line) exits 0: $first"
	[ "$rc" -eq 0 ] || tail -n 15 "$TMP/out.$n" | sed 's/^/# /'
done <"$TMP/blocks"
finish

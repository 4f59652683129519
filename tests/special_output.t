#!/bin/sh
# special_output.t: -o to a path that is not a regular file (a FIFO here; /dev/null alike) writes
# into it and leaves it in place: outputs go through a temporary file and a rename only for
# regular files (the rename replaced /dev/null with a regular file).
. "$(dirname "$0")/tap.sh"
plan 3

mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/got" &
reader=$!
"$XP_BIN" run scenarios/p4_ratios.yaml --format csv -o "$TMP/fifo"
rc=$?
[ -p "$TMP/fifo" ]
ok $? "-o FIFO: the FIFO is still a FIFO"
sleep 1
kill "$reader" 2>/dev/null # only when the output never reached it
wait "$reader" 2>/dev/null
ok $rc "-o FIFO exits 0"
"$XP_BIN" run scenarios/p4_ratios.yaml --format csv -o "$TMP/want"
cmp -s "$TMP/got" "$TMP/want"
ok $? "the reader of the FIFO got the whole report"

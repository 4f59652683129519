#!/bin/sh
# generate.sh DIR: writes the abuse cases' input files into DIR (tests/abuse.t runs them).
# Each is an input that once crashed, hung, ate memory or was silently cut; every one must be
# answered or refused within the limits abuse.t sets (5 s of CPU time, 1 GiB of address space).
set -e
dir=$1
base=scenarios/p4_ratios.yaml

# over the 64 MiB input cap: sparse (600 MB, costs no disk) and real bytes (65 MiB of comments)
truncate -s 600M "$dir/huge_sparse.yaml"
{ cat $base; head -c 68157440 /dev/zero | tr '\0' '#'; } >"$dir/over_cap.yaml"
{ printf 'crosspipe-schedule 1\n'; head -c 68157440 /dev/zero | tr '\0' '#'; } >"$dir/over_cap.sched"

# 80,000 keys: unknown at the top level, and a duplicate at the end of one long mapping
awk 'BEGIN { for (i = 0; i < 80000; i++) printf "k%d: %d\n", i, i }' >"$dir/many_keys.yaml"
awk 'BEGIN { print "pipeline:"; for (i = 0; i < 80000; i++) printf "  k%d: %d\n", i, i;
	print "  k5: 1" }' >"$dir/many_dup.yaml"

# nesting far deeper than the reader allows, and a 1 MB scalar
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print "" }' >"$dir/deep.yaml"
{ cat $base; printf 'seed: '; head -c 1000000 /dev/zero | tr '\0' '9'; echo; } >"$dir/long_scalar.yaml"

# a FIFO with no writer: reading it would block for ever
mkfifo "$dir/fifo.yaml"

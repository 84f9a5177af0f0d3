#!/bin/sh
# Runs every benchmark under BINDIR (build/bench) once, human-readable.
bindir=$1
rc=0
for b in "$bindir"/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || rc=1
done
exit $rc

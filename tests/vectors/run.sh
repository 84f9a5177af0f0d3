#!/bin/sh
# Runs every vector suite (build/tests/vec_*) on a directory in the shared vector schema.
#   run.sh [--default] DIR BINDIR
# Each suite finds its own files under DIR by folder and name pattern and prints per-file counts.
# Fails on any mismatch, or when no suite found any file. With --default (used by `make test`),
# a missing DIR is reported loudly and counted as skipped (exit 77), so a clone without ../shared
# still passes its own tests.
default=0
if [ "$1" = "--default" ]; then default=1; shift; fi
dir=$1
bindir=$2
if [ ! -d "$dir" ]; then
    if [ $default = 1 ]; then
        echo "SKIPPED: vector suites: no vectors directory at $dir (clone ../shared beside the tree to run them)" >&2
        exit 77
    fi
    echo "vectors: no such directory: $dir" >&2
    exit 1
fi
found=0
failed=0
suites=0
for bin in "$bindir"/vec_*; do
    [ -x "$bin" ] || continue
    suites=$((suites + 1))
    name=$(basename "$bin")
    echo "$name:"
    "$bin" "$dir"
    rc=$?
    case $rc in
        0) found=$((found + 1)) ;;
        77) echo "  (no files for this suite under $dir)" ;;
        *) found=$((found + 1)); failed=$((failed + 1)); echo "  FAILED: $name (exit $rc)" ;;
    esac
done
if [ $suites = 0 ]; then
    echo "vectors: no suite binaries in $bindir (run make first)" >&2
    [ $default = 1 ] && exit 77
    exit 1
fi
if [ $found = 0 ]; then
    echo "vectors: no vector file found under $dir" >&2
    exit 1
fi
echo "vectors: $((found - failed)) passed, $failed failed"
[ $failed = 0 ]

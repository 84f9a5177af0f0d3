#!/bin/sh
# Runs each libFuzzer target in BINDIR for SECONDS, starting from its seed corpus under fuzz/seeds/.
bindir=$1
secs=${2:-30}
rc=0
for f in "$bindir"/*; do
    [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus=$(mktemp -d)
    seeds=fuzz/seeds/$name
    echo "== fuzz $name for ${secs}s"
    if [ -d "$seeds" ]; then
        "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" "$seeds" >"$corpus.log" 2>&1
    else
        "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$corpus.log" 2>&1
    fi
    st=$?
    tail -n 5 "$corpus.log"
    if [ $st != 0 ]; then echo "fuzz $name FAILED"; cat "$corpus.log" | tail -n 60; rc=1; fi
    rm -rf "$corpus" "$corpus.log"
done
exit $rc

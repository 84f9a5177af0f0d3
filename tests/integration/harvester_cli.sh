#!/bin/sh
# harvester_cli.sh: `cfarm harvester` as a program: it reads a root made by `cfarm init`, loads the
# plots of its plot directories (the vector plots, linked), serves metrics, rescans on SIGHUP after
# `cfarm plots add -d`, reports a damaged file, stops cleanly on SIGTERM with its log file written,
# and refuses an invalid configuration value naming the key. $1 is the build directory.
# Skips (77) without ../shared/vectors or python3.
cfarm=${CFARM_BIN:-$1/cfarm}
vec=${CFARM_VECTORS:-${CFARM_SOURCE:-.}/../shared/vectors}
if [ ! -d "$vec/plots" ]; then
    echo "SKIPPED: vector plots not found at $vec/plots"
    exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "SKIPPED: python3 not available"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$root/log/debug.log" ] && tail -20 "$root/log/debug.log"; exit 1; }
tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
root=$(cd "$tmp" && pwd -P)/root
mkdir -p "$tmp/a" "$tmp/b"
vecabs=$(cd "$vec/plots" && pwd -P)
set -- "$vecabs"/*.plot
ln -s "$1" "$tmp/a/" && ln -s "$2" "$tmp/a/" && ln -s "$3" "$tmp/b/" || fail "linking plots"

"$cfarm" init --root "$root" >/dev/null || fail "init"
cfg=$root/config/config.yaml
[ -f "$cfg" ] || fail "init wrote no config.yaml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/metrics_port: 0/metrics_port: $port/; s/log_level: \"WARNING\"/log_level: \"INFO\"/" "$cfg"
grep -q "metrics_port: $port" "$cfg" || fail "could not set the metrics port"
"$cfarm" plots add --root "$root" -d "$tmp/a" >/dev/null || fail "plots add a"

metric() { # metric NAME_WITH_LABELS -> value, or empty
    python3 - "$port" "$1" <<'PY'
import sys, urllib.request
try:
    body = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=2).read()
except Exception:
    sys.exit(0)
for line in body.decode().splitlines():
    if line.startswith(sys.argv[2] + " "):
        print(line.split()[-1])
PY
}
wait_metric() { # wait_metric NAME VALUE
    i=0
    while [ $i -lt 100 ]; do
        [ "$(metric "$1")" = "$2" ] && return 0
        sleep 0.2
        i=$((i + 1))
    done
    fail "$1 never became $2 (last: '$(metric "$1")')"
}

"$cfarm" harvester --root "$root" 2>"$tmp/stderr" &
pid=$!
wait_metric 'cfarm_harvester_plots{state="ok"}' 2
[ "$(metric cfarm_harvester_farmer_connected)" = 0 ] || fail "connected to a farmer that is not there"

# A client that connects and says nothing must not hold the loop: a scrape still answers at once.
python3 -c 'import socket,sys,time; s=socket.create_connection(("127.0.0.1", int(sys.argv[1]))); time.sleep(4)' "$port" &
silent=$!
sleep 0.3
python3 -c 'import sys,urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=0.5).read()' "$port" \
    || fail "a silent metrics client held the harvester's loop"
kill $silent 2>/dev/null
wait $silent 2>/dev/null

"$cfarm" plots add --root "$root" -d "$tmp/b" >/dev/null || fail "plots add b"
kill -HUP $pid
wait_metric 'cfarm_harvester_plots{state="ok"}' 3

printf 'this is not a plot' >"$tmp/b/plot-k32-damaged.plot"
kill -HUP $pid
wait_metric 'cfarm_harvester_plots{state="failed"}' 1
grep -q "plot-k32-damaged.plot (disk [0-9]*:[0-9]*) failed to open" "$root/log/debug.log" ||
    fail "the damaged plot is not named in the log"

kill -TERM $pid
wait $pid
rc=$?
pid=
[ $rc = 0 ] || fail "exit status $rc after SIGTERM"
grep -q "harvester stopped" "$root/log/debug.log" || fail "no clean stop in the log"
[ -s "$root/cache/cfarm_harvester.cache" ] || fail "no header cache written"
grep -q "loaded 2 plots" "$tmp/stderr" || fail "stderr has no log lines"

# Restart with the cache: nothing to read from the plot files. Chia's parallel_read: False and
# num_threads reach the lookup engine.
sed -i 's/parallel_read: True/parallel_read: False/; s/num_threads: 30/num_threads: 7/' "$cfg"
"$cfarm" harvester --root "$root" 2>"$tmp/stderr2" &
pid=$!
wait_metric 'cfarm_harvester_plots{state="ok"}' 3
kill -TERM $pid
wait $pid
pid=
grep -q "3 from cache" "$tmp/stderr2" || fail "restart did not use the cache"
grep -q "lookups: 1 reads in flight per disk, at most 7 at once over all disks (num_threads); slow past 8 s" "$tmp/stderr2" ||
    fail "parallel_read / num_threads not applied: $(grep 'lookups:' "$tmp/stderr2")"

# An invalid value is refused, naming the key; nothing on stdout.
sed -i 's/interval_seconds: 120/interval_seconds: soon/' "$cfg"
out=$("$cfarm" harvester --root "$root" 2>"$tmp/err") && fail "invalid config accepted"
[ -z "$out" ] || fail "stdout not empty: $out"
grep -q "interval_seconds" "$tmp/err" || fail "error does not name the key: $(cat "$tmp/err")"
echo "harvester_cli: ok"

#!/bin/sh
# demo/run.sh (`make demo`): the whole system on one machine, from nothing, in about a minute.
#
# Installs the build's Debian packages when missing, builds, then in a throwaway root under a
# temporary directory: a key, the private CA and certificates, a handful of k=18 plots made by
# cfarm's plotter, a farmer on the simulated chain (a signage point a second, plots from k=18
# allowed: docs/farmer.md explains the numbers) and cfarm's harvester talking to it over mutual
# TLS on loopback. The farmer's log is shown live, shortened; the run stops after
# DEMO_BLOCKS blocks (3) or DEMO_SECONDS seconds (90), prints `cfarm farm summary`, stops both
# services with SIGTERM and exits 0 only when proofs were verified, signatures aggregated and
# verified, and at least one block was won.
set -u
cd "$(dirname "$0")/.." || exit 1

PLOTS=${DEMO_PLOTS:-6}
SECONDS_MAX=${DEMO_SECONDS:-90}
BLOCKS=${DEMO_BLOCKS:-3}
SP_SECONDS=${DEMO_SP_SECONDS:-1}
BUILD=${BUILD:-build}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# DEMO_CFARM=path/to/cfarm (the integration test) skips installing and building.
cfarm=${DEMO_CFARM:-}

# 1. Packages (as .ci/run installs them), only when something is missing.
need=""
[ -n "$cfarm" ] && need=skip
for p in build-essential cmake pkg-config libssl-dev libyaml-dev libwslay-dev \
    python3-mnemonic; do
    [ "$need" = skip ] && break
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
if [ -n "$need" ] && [ "$need" != skip ]; then
    say "installing:$need"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $need || exit 1
fi

# 2. Build.
if [ -z "$cfarm" ]; then
    say "building"
    make build BUILD="$BUILD" JOBS="${JOBS:-2}" >/dev/null || { make build BUILD="$BUILD"; exit 1; }
    cfarm=$(pwd)/$BUILD/cfarm
fi

# 3. A throwaway root.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cfarm-demo.XXXXXX") || exit 1
root=$tmp/root
fpid=
hpid=
tpid=
cleanup() {
    for p in $tpid $hpid $fpid; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "a throwaway root in $tmp: key, certificates, $PLOTS plots of k=18"
"$cfarm" keys generate --root "$root" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
"$cfarm" init --root "$root" | sed 's/^/   /' | grep -v "public farmer"
mkdir -p "$tmp/plots"
i=0
while [ $i -lt "$PLOTS" ]; do
    "$cfarm" plots create --root "$root" -k 18 -d "$tmp/plots" 2>/dev/null |
        sed 's|.*/\(plot-k18-[^ ]*\)\.plot \(.*\)|   \1 \2|' | cut -c1-130
    i=$((i + 1))
done
"$cfarm" plots add --root "$root" -d "$tmp/plots" | sed 's/^/   /'
# A port of our own (another farmer may hold 8447); INFO logs for the live view.
port=${DEMO_PORT:-$((20000 + $$ % 20000))}
sed -i "s/port: 8447/port: $port/; s/log_level: \"WARNING\"/log_level: \"INFO\"/" \
    "$root/config/config.yaml"

# 4. Farmer (simulated chain) and harvester (real TLS on loopback).
say "farmer on the simulated chain (a signage point every ${SP_SECONDS}s), harvester over TLS"
tries=0
while :; do
    "$cfarm" farmer --root "$root" --simulate --sp-seconds "$SP_SECONDS" --min-k 18 \
        >"$tmp/farmer.log" 2>&1 &
    fpid=$!
    sleep 0.5
    kill -0 "$fpid" 2>/dev/null && break
    tries=$((tries + 1))
    if [ $tries -ge 5 ] || ! grep -q "listen" "$tmp/farmer.log"; then
        cat "$tmp/farmer.log"
        exit 1
    fi
    old=$port
    port=$((20000 + (port + 7919) % 20000)) # taken: another port
    sed -i "s/port: $old/port: $port/" "$root/config/config.yaml"
done
"$cfarm" harvester --root "$root" >"$tmp/harvester.log" 2>&1 &
hpid=$!

# The live view: the farmer's log, shortened (time, event; plot file names cut to their id).
tail -n +1 --pid="$fpid" -f "$tmp/farmer.log" | sed -u -n \
    -e 's/ (node \([0-9a-f]*\), [^)]*)/ [\1]/g' \
    -e 's|/[^ ]*/plot-k\([0-9]*\)-[0-9-]*-\([0-9a-f]\{8\}\)[0-9a-f]*\.plot|\2...|g' \
    -e 's/^[0-9-]*T\([0-9:]*\)\.[0-9]* [a-z]* cfarm\.[a-z]*: *[A-Z]* *\(.*\)/\1  \2/' \
    -e '/new signage point/{s/: sent to.*//;s/difficulty.*//;p;d}' \
    -e '/harvester connected\|plot sync done\|passed the filter\|PROOF FOUND\|INVALID\|BAD SIG\|aggregated and verified\|BLOCK WON\|block signed\|declaring/p' &
tpid=$!

start=$(date +%s)
won=0
while :; do
    sleep 1
    now=$(date +%s)
    kill -0 "$fpid" 2>/dev/null || { echo "the farmer stopped:"; tail -5 "$tmp/farmer.log"; break; }
    won=$(grep -c "BLOCK WON" "$tmp/farmer.log")
    [ "$won" -ge "$BLOCKS" ] && break
    [ $((now - start)) -ge "$SECONDS_MAX" ] && break
done
sleep 0.5

say "cfarm farm summary"
"$cfarm" farm summary --root "$root" | sed 's/^/   /'

say "stopping (SIGTERM)"
kill "$hpid" "$fpid" 2>/dev/null
wait "$hpid" 2>/dev/null
wait "$fpid" 2>/dev/null
fpid=
hpid=
sleep 0.2
kill "$tpid" 2>/dev/null
tpid=
grep "summary:" "$tmp/farmer.log" | sed 's/.*summary: /   farmer: /'

verified=$(grep -c "PROOF FOUND" "$tmp/farmer.log")
signed=$(grep -c "signatures aggregated and verified" "$tmp/farmer.log")
won=$(grep -c "BLOCK WON" "$tmp/farmer.log")
elapsed=$(($(date +%s) - start))
if [ "$verified" -ge 1 ] && [ "$signed" -ge 1 ] && [ "$won" -ge 1 ]; then
    say "demo passed in ${elapsed}s: $verified proofs verified, $signed signatures aggregated and verified, $won blocks won"
    exit 0
fi
say "demo FAILED: $verified proofs verified, $signed signatures verified, $won blocks won in ${elapsed}s"
echo "farmer log:"; tail -20 "$tmp/farmer.log"
echo "harvester log:"; tail -20 "$tmp/harvester.log"
exit 1

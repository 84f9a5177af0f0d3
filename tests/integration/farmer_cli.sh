#!/bin/sh
# farmer_cli.sh: `cfarm farmer` and `cfarm farm summary` from the command line: refusals with one
# line on stderr; a running farmer seen by `farm summary`, SIGHUP, SIGTERM; a farmer with public
# keys only; then the demo (demo/run.sh) on the built program, shortened: a farmer on the
# simulated chain and cfarm's harvester over TLS on loopback must verify proofs, aggregate
# signatures and win a block. $1 is the build directory.
set -u
build=${1:-build}
cfarm=$(cd "$build" && pwd)/cfarm
[ -x "$cfarm" ] || { echo "SKIPPED: no $cfarm"; exit 77; }
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cfarm-farmer-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# Refusals: no key, options in the wrong place, no farmer to summarise.
"$cfarm" init --root "$tmp/r" >/dev/null 2>&1
out=$("$cfarm" farmer --root "$tmp/r" --simulate 2>"$tmp/err")
[ $? = 1 ] && [ -z "$out" ] || bad "farmer without keys did not fail cleanly"
grep -q "no farmer key" "$tmp/err" || bad "no-key message: $(cat "$tmp/err")"
"$cfarm" farmer --root "$tmp/r" --min-k 18 >/dev/null 2>&1 && bad "--min-k without --simulate"
"$cfarm" farmer --root "$tmp/r" --bogus >/dev/null 2>&1 && bad "unknown option accepted"
"$cfarm" farm summary --root "$tmp/r" >/dev/null 2>"$tmp/err" && bad "summary with no farmer"
grep -q "no farmer is running" "$tmp/err" || bad "summary message: $(cat "$tmp/err")"
"$cfarm" keys generate --root "$tmp/r" >/dev/null 2>&1
"$cfarm" farmer --root "$tmp/r" >/dev/null 2>"$tmp/err" && bad "full node without a public cert"
grep -q "public farmer certificate" "$tmp/err" || bad "full node message: $(cat "$tmp/err")"

# A running farmer: farm summary (human and --json) sees it, SIGHUP reloads the keys, SIGTERM
# stops it with exit status 0 and removes the status file.
port=$((30000 + $$ % 20000))
sed -i "s/port: 8447/port: $port/; s/log_level: \"WARNING\"/log_level: \"INFO\"/" \
    "$tmp/r/config/config.yaml"
"$cfarm" farmer --root "$tmp/r" --simulate --sp-seconds 0.1 --min-k 18 >"$tmp/f.log" 2>&1 &
fpid=$!
i=0
while [ $i -lt 100 ] && ! grep -q "new signage point" "$tmp/f.log"; do sleep 0.1; i=$((i + 1)); done
"$cfarm" farm summary --root "$tmp/r" >"$tmp/sum" 2>&1 || bad "summary of a running farmer"
grep -q "Farming status: Farming" "$tmp/sum" || bad "summary: $(cat "$tmp/sum")"
grep -q "Signage point source: simulated chain" "$tmp/sum" || bad "summary source"
"$cfarm" farm summary --root "$tmp/r" --json >"$tmp/json" 2>&1 || bad "summary --json"
grep -q '"running": true' "$tmp/json" || bad "json running: $(tail -3 "$tmp/json")"
grep -q '"signage_points": [1-9]' "$tmp/json" || bad "json signage points"
kill -HUP $fpid
i=0
while [ $i -lt 50 ] && ! grep -q "SIGHUP" "$tmp/f.log"; do sleep 0.1; i=$((i + 1)); done
grep -q "SIGHUP: 2 farmer keys reloaded" "$tmp/f.log" || bad "SIGHUP: $(grep SIGHUP "$tmp/f.log")"
kill -TERM $fpid
wait $fpid
[ $? = 0 ] || bad "farmer exit status after SIGTERM"
grep -q "summary: [0-9]* signage points" "$tmp/f.log" || bad "no final summary line"
[ -e "$tmp/r/run/farmer.json" ] && bad "status file left behind"
grep -q "farmer cfarm.farmer: INFO .*new signage point" "$tmp/r/log/debug.log" ||
    bad "nothing in the log file"

# A farmer with public keys only (config farmer.farmer_public_keys, no key file) runs, and says
# it cannot sign.
fpk=$("$cfarm" keys show --root "$tmp/r" | sed -n 's/^Farmer public key[^:]*: //p')
mkdir -p "$tmp/p"
cp -r "$tmp/r/config" "$tmp/p/"
printf '  farmer_public_keys:\n    - "%s"\n' "$fpk" >"$tmp/fk"
sed -i "/^farmer:/r $tmp/fk" "$tmp/p/config/config.yaml"
"$cfarm" farmer --root "$tmp/p" --simulate --duration 0.5 >"$tmp/p.log" 2>&1 ||
    bad "public-key farmer: $(tail -2 "$tmp/p.log")"
grep -q "1 farmer keys (public only: cannot sign)" "$tmp/p.log" || bad "public-only line"

# The demo, shortened, on this build.
if DEMO_CFARM="$cfarm" DEMO_PLOTS=4 DEMO_SP_SECONDS=0.25 DEMO_BLOCKS=1 DEMO_SECONDS=120 \
    sh "$here/demo/run.sh" >"$tmp/demo" 2>&1; then
    grep -q "Blocks won: [1-9]" "$tmp/demo" || bad "farm summary did not show a block won"
else
    bad "demo failed"
    tail -40 "$tmp/demo"
fi
[ $fail = 0 ] && echo "farmer_cli: all passed"
exit $((fail != 0))

#!/bin/sh
# farmer_cli.sh: `cfarm farmer` and `cfarm farm summary` from the command line: refusals with one
# line on stderr, then the demo (demo/run.sh) on the built program, shortened: a farmer on the
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

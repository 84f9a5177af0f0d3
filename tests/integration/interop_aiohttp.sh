#!/bin/sh
# interop_aiohttp.sh: `cfarm ping` against a farmer-side transport built like Chia's: aiohttp with
# Python ssl contexts as chia/server/ssl_context.py sets them (tests/integration/aiohttp_peer.py).
# The other direction, an aiohttp harvester against cfarm's farmer side, runs in
# tests/unit/test_net_ping.c. Skips (77) without python3-aiohttp. $1 is the build directory.
set -u
cfarm="$1/cfarm"
here=$(dirname "$0")
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ -x "$cfarm" ] || { echo "SKIPPED: $cfarm not built"; exit 77; }
"$py" -c "import aiohttp" 2>/dev/null || { echo "SKIPPED: python3-aiohttp not installed"; exit 77; }
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

"$cfarm" init --root "$tmp/root" >/dev/null || { echo "init failed"; exit 1; }
"$py" "$here/aiohttp_peer.py" server "$tmp/root" "$tmp/port" >"$tmp/server.out" 2>&1 &
server=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/port" ] || { echo "aiohttp server did not start"; cat "$tmp/server.out"; exit 1; }
port=$(cat "$tmp/port")

# the aiohttp farmer refuses another network the way Chia does (close 1002, reason "110")
"$cfarm" ping --root "$tmp/root" --network testnet11 "127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err"
if [ $? -ne 0 ] && grep -q "another network" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok
else bad "wrong network not reported: $(cat "$tmp/err")"; fi

"$cfarm" ping --root "$tmp/root" "127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ]; then ok; else bad "ping failed: $(cat "$tmp/err")"; fi
grep -q "node type:        farmer (3)" "$tmp/out" && ok || bad "node type not shown"
grep -q "software version: aiohttp-farmer" "$tmp/out" && ok || bad "software version not shown"
grep -q "protocol version: 0.0.38" "$tmp/out" && ok || bad "protocol version not shown"
wait $server
rc=$?
server=
[ $rc -eq 0 ] && ok || bad "the aiohttp farmer did not see a clean handshake and close 1000"
grep -q "harvester handshake: 0.0.38 cfarm node type 2" "$tmp/server.out" && ok ||
    bad "the aiohttp farmer did not parse cfarm's handshake: $(cat "$tmp/server.out")"

echo "interop_aiohttp.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

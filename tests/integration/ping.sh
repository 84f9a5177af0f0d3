#!/bin/sh
# ping.sh: `cfarm init` and `cfarm ping` from the command line, as a user meets them.
# (The successful ping against a live farmer-side service runs in tests/unit/test_net_ping.c,
# which hosts the service in-process; here: files, modes, idempotence and the failure lines.)
# $1 is the build directory.
set -u
cfarm="$1/cfarm"
[ -x "$cfarm" ] || { echo "SKIPPED: $cfarm not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$1"; then ok; else bad "$1"; fi; }
mode() { stat -c %a "$1"; }

root="$tmp/root"
"$cfarm" init --root "$root" >"$tmp/out" 2>"$tmp/err"
check '[ $? -eq 0 ]'
check '[ ! -s "$tmp/err" ]'
check 'grep -q "created private CA" "$tmp/out"'
for f in ca/private_ca harvester/private_harvester farmer/private_farmer; do
    check '[ "$(mode "$root/config/ssl/$f.key")" = 600 ]'
    check '[ "$(mode "$root/config/ssl/$f.crt")" = 644 ]'
    check 'head -n 1 "$root/config/ssl/$f.key" | grep -q "BEGIN PRIVATE KEY"'
done
sum1=$(cat "$root"/config/ssl/*/*.crt | cksum)

# a second init keeps every file as it is
"$cfarm" init --root "$root" >"$tmp/out" 2>&1
check '[ $? -eq 0 ]'
check '[ "$(grep -c "^kept" "$tmp/out")" = 3 ]'
check '[ "$(cat "$root"/config/ssl/*/*.crt | cksum)" = "$sum1" ]'

# CFARM_ROOT is honoured like --root
CFARM_ROOT="$tmp/envroot" "$cfarm" init >/dev/null 2>&1
check '[ -f "$tmp/envroot/config/ssl/ca/private_ca.crt" ]'

# -c from a copy of the CA: node certificates of the second root chain to the first CA
cp -r "$root/config/ssl/ca" "$tmp/ca-copy"
"$cfarm" init --root "$tmp/remote" -c "$tmp/ca-copy" >"$tmp/out" 2>&1
check '[ $? -eq 0 ]'
check 'cmp -s "$root/config/ssl/ca/private_ca.crt" "$tmp/remote/config/ssl/ca/private_ca.crt"'
if command -v openssl >/dev/null; then
    check 'openssl verify -CAfile "$root/config/ssl/ca/private_ca.crt" \
        "$tmp/remote/config/ssl/harvester/private_harvester.crt" >/dev/null 2>&1'
fi

# failures: one line on stderr, nothing on stdout, non-zero exit
expect_fail() {
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ]; then ok
    else bad "expected one-line failure from: $* (rc $rc)"; cat "$tmp/out" "$tmp/err"; fi
}
expect_fail "$cfarm" init --root "$tmp/x" -c "$tmp/no-such-ca"
expect_fail "$cfarm" init --bogus
expect_fail "$cfarm" ping --root "$root"
expect_fail "$cfarm" ping --root "$root" "bad:port:99999"
expect_fail "$cfarm" ping --root "$tmp/empty" 127.0.0.1:8447
# a port nobody listens on (bound and closed again by the kernel's choice is racy: use port 1)
expect_fail "$cfarm" ping --root "$root" --timeout 5 127.0.0.1:1
grep -q "Connection refused" "$tmp/err" && ok || bad "refused connection not named"

echo "ping.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

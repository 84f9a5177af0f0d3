#!/bin/sh
# `cfarm plots create`: a k=18 plot with the keys from the key file, named as Chia names plots;
# --id/--memo; a refused size; SIGINT and SIGKILL in the middle of a plot leave no *.plot file.
# When the program has `cfarm plots check`, it runs -n 100 on the plots made here.
build=${1:-build}
cfarm=$build/cfarm
[ -x "$cfarm" ] || { echo "SKIPPED: no $cfarm"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cfarm-plots-create.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

mkdir -p "$tmp/root" "$tmp/out" "$tmp/int" "$tmp/kill"
"$cfarm" keys generate --root "$tmp/root" >/dev/null 2>&1 || bad "keys generate"

# 1. Keys from the key file.
out=$("$cfarm" plots create --root "$tmp/root" -k 18 -d "$tmp/out" 2>"$tmp/err")
[ $? = 0 ] || { bad "plots create -k 18"; cat "$tmp/err"; }
n=$(ls "$tmp/out" | grep -c -E '^plot-k18-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9a-f]{64}\.plot$')
[ "$n" = 1 ] || bad "expected one plot named like Chia's, got: $(ls "$tmp/out")"
case $out in *"$tmp/out/plot-k18-"*" s "*" bytes"*) ;; *) bad "result line: $out" ;; esac
ls "$tmp/out" | grep -q '\.tmp$' && bad "a temporary file was left"

# 2. Forced id and memo (pool contract kind, 112 bytes): the id is in the name.
id=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
memo=$(printf '%0224d' 7)
"$cfarm" plots create -k 18 -d "$tmp/out" --id $id --memo "$memo" >/dev/null 2>&1 || bad "--id/--memo"
ls "$tmp/out" | grep -q -- "-$id\.plot$" || bad "no plot named with the forced id"

# 3. Refusals: too little memory allowed, bad options.
err=$("$cfarm" plots create --root "$tmp/root" -k 18 -d "$tmp/out" --mem-mb 10 2>&1 >/dev/null)
[ $? = 1 ] || bad "--mem-mb 10 was not refused"
case $err in *"needs"*"MiB"*) ;; *) bad "refusal message: $err" ;; esac
"$cfarm" plots create -k 17 -d "$tmp/out" >/dev/null 2>&1 && bad "-k 17 accepted"
"$cfarm" plots create -k 18 -d "$tmp/nope" --id $id --memo "$memo" >/dev/null 2>&1 && bad "missing -d accepted"

# 4. Interrupted plots: SIGINT cleans up; SIGKILL may leave NAME.plot.tmp but never a *.plot.
for sig in INT KILL; do
    dir=$tmp/int
    [ $sig = KILL ] && dir=$tmp/kill
    "$cfarm" plots create --root "$tmp/root" -k 21 -d "$dir" >/dev/null 2>&1 &
    pid=$!
    i=0
    while [ $i -lt 100 ] && ! ls "$dir" | grep -q '\.tmp$'; do sleep 0.05; i=$((i + 1)); done
    sleep 0.2
    kill -$sig $pid 2>/dev/null
    wait $pid
    rc=$?
    ls "$dir" | grep -q '\.plot$' && bad "SIG$sig left a plot: $(ls "$dir")"
    if [ $sig = INT ]; then
        [ $rc = 130 ] || bad "SIGINT exit status $rc (expected 130)"
        [ -z "$(ls "$dir")" ] || bad "SIGINT left files: $(ls "$dir")"
    fi
done

# 5. `cfarm plots check -n 100` on the plots made here, once the program has it.
if "$cfarm" plots check --help >/dev/null 2>&1; then
    "$cfarm" plots check --root "$tmp/root" -n 100 -g "$tmp/out" >"$tmp/check" 2>&1 ||
        { bad "plots check"; cat "$tmp/check"; }
else
    echo "note: 'cfarm plots check' is not in this build; its run is skipped"
fi

echo "plots_create: $fail failed"
[ $fail = 0 ]

#!/bin/sh
# `cfarm plots show|prove|check|bench|verify` on the vector plots, as a user would run them, and
# on broken files (truncated, not a plot, missing). Skips loudly without ../shared/vectors.
build=${1:-build}
cfarm=$build/cfarm
vec=${CFARM_VECTORS:-../shared/vectors}
plots=$vec/plots
if [ ! -d "$plots" ] || [ ! -f "$vec/pos/plot1.json" ]; then
    echo "SKIPPED: plots_cli: no vector plots at $plots"
    exit 77
fi
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

plot1=$(ls "$plots"/*.plot | head -n 1)
id1=$(python3 -c "import json;print(json.load(open('$vec/pos/plot1.json'))['plot']['plot_id'])")

# show: k, id, keys, size; never the secret key
out=$("$cfarm" plots show "$plots" 2>&1) || bad "show exit status"
echo "$out" | grep -q "k: *18" && ok "show k" || bad "show k"
echo "$out" | grep -q "$id1" && ok "show plot id" || bad "show plot id"
echo "$out" | grep -q "farmer public key" && ok "show farmer key" || bad "show farmer key"
echo "$out" | grep -q "pool contract hash" && ok "show contract plot" || bad "show contract plot"
sk=$(python3 -c "import json;print(json.load(open('$vec/pos/plot1.json'))['keys']['plot']['local_master_sk'])")
echo "$out" | grep -q "$sk" && bad "show printed the local master secret key" || ok "secret key not shown"

# prove: the vector's qualities and proofs for three challenges
python3 - "$vec/pos/plot1.json" > "$tmp/cases" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d['challenges'][:12]:
    print(c['challenge'], ','.join(c['qualities']) or '-', ','.join(c['proofs']) or '-')
PY
n=0
while read -r ch quals proofs; do
    got=$("$cfarm" plots prove "$plot1" --challenge "$ch") || { bad "prove $ch exit"; continue; }
    want=$(printf '%s' "$quals" | tr ',' '\n' | grep -v '^-$')
    gotq=$(printf '%s\n' "$got" | sed -n 's/.*"quality": "\([0-9a-f]*\)".*/\1/p')
    [ "$want" = "$gotq" ] || bad "prove qualities for $ch"
    wantp=$(printf '%s' "$proofs" | tr ',' '\n' | grep -v '^-$')
    gotp=$(printf '%s\n' "$got" | sed -n 's/.*"proof": "\([0-9a-f]*\)".*/\1/p')
    [ "$wantp" = "$gotp" ] || bad "prove proofs for $ch"
    # every proof verifies with `plots verify` to its quality
    for pr in $gotp; do
        q=$("$cfarm" plots verify --id "$id1" --k 18 --challenge "$ch" --proof "$pr") || bad "verify exit"
        printf '%s\n' "$gotq" | grep -q "$q" || bad "verify quality for $ch"
    done
    n=$((n + 1))
done < "$tmp/cases"
ok "prove+verify on $n challenges"

# check: summary table, every plot good
out=$("$cfarm" plots check -n 20 "$plots" 2>/dev/null) && ok "check exit 0" || bad "check exit status"
[ "$(echo "$out" | grep -c '^18 ')" = 3 ] && ok "check rows" || bad "check rows: $out"
echo "$out" | grep -q "3 of 3 plots good" && ok "check summary" || bad "check summary"

# bench --json: one object with the measures
out=$("$cfarm" plots bench -n 50 --json "$plot1") || bad "bench exit"
echo "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert d['quality_lookups_per_s']>0 and d['reads_per_lookup']>0" \
    && ok "bench json" || bad "bench json: $out"

# broken files: clear errors naming the file, the check goes on with the good plot
head -c 1000000 "$plot1" > "$tmp/copying.plot"
printf 'not a plot' > "$tmp/junk.plot"
cp "$plot1" "$tmp/good.plot"
err=$("$cfarm" plots show "$tmp/copying.plot" 2>&1 >/dev/null) && bad "show truncated succeeded"
echo "$err" | grep -q "copying.plot.*still being copied" && ok "truncated named" || bad "truncated message: $err"
err=$("$cfarm" plots show "$tmp/junk.plot" 2>&1 >/dev/null) && bad "show junk succeeded"
echo "$err" | grep -q "junk.plot.*magic" && ok "junk named" || bad "junk message: $err"
err=$("$cfarm" plots show "$tmp/missing.plot" 2>&1 >/dev/null) && bad "show missing succeeded"
echo "$err" | grep -q "missing.plot" && ok "missing named" || bad "missing message: $err"
out=$("$cfarm" plots check -n 5 "$tmp" 2>/dev/null) && bad "check with bad plots exit 0"
echo "$out" | grep -q "1 of 3 plots good" && ok "check goes on past bad plots" || bad "check: $out"
err=$("$cfarm" plots prove "$plot1" --challenge 12 2>&1 >/dev/null) && bad "prove short challenge"
[ -n "$err" ] && ok "prove rejects a bad challenge" || bad "prove bad challenge message"

[ $fail = 0 ] && echo "plots_cli: all passed"
exit $fail

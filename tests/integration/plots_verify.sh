#!/bin/sh
# `cfarm plots verify` on proofs from the shared vectors (pos/plot1.json verify_vectors): valid
# proofs print their quality, invalid ones "invalid: ..." with exit 1, bad options exit 2.
# Skips (77) when the command is not wired into the program or the vectors are absent.
build=${1:-build}
cfarm=$build/cfarm
vectors=${CFARM_VECTORS:-../shared/vectors}
[ -x "$cfarm" ] || { echo "SKIPPED: no $cfarm"; exit 77; }
out=$("$cfarm" plots verify --help 2>&1)
case $out in
    *"usage: cfarm plots verify"*) ;;
    *) echo "SKIPPED: 'cfarm plots verify' is not wired into the program yet"; exit 77 ;;
esac
[ -f "$vectors/pos/plot1.json" ] || { echo "SKIPPED: no shared vectors at $vectors"; exit 77; }
command -v python3 >/dev/null || { echo "SKIPPED: python3 needed to read the vectors"; exit 77; }

cases=$(python3 - "$vectors/pos/plot1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for v in d["verify_vectors"][:40]:
    print(v["plot_id"], v["k"], v["challenge"], v["proof"] or "-", v["expected_quality"] or "-")
PY
)
fail=0
n=0
echo "$cases" | {
    while read -r id k ch proof want; do
        [ "$proof" = "-" ] && proof=""
        got=$("$cfarm" plots verify --id "$id" --k "$k" --challenge "$ch" --proof "$proof" 2>/dev/null)
        rc=$?
        n=$((n + 1))
        if [ "$want" = "-" ]; then
            case $got in invalid:*) [ $rc = 1 ] || fail=$((fail + 1)) ;; *) fail=$((fail + 1)) ;; esac
        else
            [ $rc = 0 ] && [ "$got" = "$want" ] || { fail=$((fail + 1)); echo "mismatch: $got != $want"; }
        fi
    done
    "$cfarm" plots verify --id 00 --k 18 --challenge 00 --proof 00 >/dev/null 2>&1
    [ $? = 2 ] || { fail=$((fail + 1)); echo "bad options did not exit 2"; }
    echo "plots_verify: $n cases, $fail failed"
    [ $fail = 0 ]
}

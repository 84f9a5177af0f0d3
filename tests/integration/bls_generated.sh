#!/bin/sh
# The generated BLS12-381 sources must match their generators: tools/bls_constants.py (which also
# re-checks every constant it derives) and tools/bls_mulx.py. Skips when python3 is missing.
command -v python3 >/dev/null 2>&1 || { echo "SKIPPED: python3 not found" >&2; exit 77; }
rc=0
tmp=$(mktemp)
python3 tools/bls_constants.py >"$tmp" || rc=1
cmp -s "$tmp" lib/crypto/bls/bls_consts.h || { echo "bls_consts.h differs from tools/bls_constants.py" >&2; rc=1; }
python3 tools/bls_mulx.py >"$tmp" || rc=1
cmp -s "$tmp" lib/crypto/bls/fp_mulx.h || { echo "fp_mulx.h differs from tools/bls_mulx.py" >&2; rc=1; }
rm -f "$tmp"
[ $rc = 0 ] && echo "bls_generated: constants and MULX product match their generators"
exit $rc

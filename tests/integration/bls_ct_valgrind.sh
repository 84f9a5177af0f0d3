#!/bin/sh
# Runs test_bls_ct under Valgrind memcheck with the secret scalars marked undefined: any branch
# or memory index that depends on them is an error. Skips when valgrind is not installed, when
# the test was built without valgrind/memcheck.h, or in a sanitizer build.
build=$1
bin=$build/tests/test_bls_ct
command -v valgrind >/dev/null 2>&1 || { echo "SKIPPED: valgrind not installed" >&2; exit 77; }
probe=$(CFARM_BLS_CT_PROBE=1 "$bin") || exit 1
case "$probe" in
    sanitized*) echo "SKIPPED: sanitizer build (Valgrind cannot run it)" >&2; exit 77 ;;
    *no-memcheck*) echo "SKIPPED: test_bls_ct built without valgrind/memcheck.h" >&2; exit 77 ;;
esac
valgrind -q --error-exitcode=3 "$bin"

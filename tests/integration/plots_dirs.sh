#!/bin/sh
# plots_dirs.sh: `cfarm plots add -d` and `cfarm plots remove -d` on a copy of a Chia-shaped
# config.yaml in a temporary root: what they print, what they leave in the file, and that the
# rest of the file (comments, anchors, aliases) is kept. $1 is the build directory.
# Skips (77) while the build has no `cfarm plots` command.
cfarm=${CFARM_BIN:-$1/cfarm}
if ! "$cfarm" plots add --help >/dev/null 2>&1; then
    echo "SKIPPED: '$cfarm plots add' is not available in this build"
    exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
root=$(cd "$tmp" && pwd -P)
mkdir -p "$root/config" "$root/plots" "$root/more plots"
cp tests/data/config/chia-shaped.yaml "$root/config/config.yaml" || fail "no fixture"
cfg=$root/config/config.yaml

out=$("$cfarm" plots add --root "$root" -d "$root/plots") || fail "add failed"
[ "$out" = "Added plot directory: $root/plots" ] || fail "add printed '$out'"
out=$("$cfarm" plots add --root "$root" -d "$root/plots/") || fail "second add failed"
[ "$out" = "Already a plot directory: $root/plots" ] || fail "second add printed '$out'"
out=$(cd "$root" && CFARM_ROOT="$root" "$cfarm" plots add -d "more plots") || fail "relative add"
[ "$out" = "Added plot directory: $root/more plots" ] || fail "relative add printed '$out'"
grep -q "^  - \"$root/plots\"\$" "$cfg" || fail "new entry not in the file"
grep -q '^    - host: 10.0.0.2 # a second farmer$' "$cfg" || fail "a comment was lost"
[ "$(grep -c '\*logging' "$cfg")" = 5 ] || fail "aliases changed"

if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$cfg" "$root" <<'PY' || fail "PyYAML reads a different list"
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
want = ["/mnt/disk1/plots", "/mnt/disk 2/plots", "/mnt/disk3", sys.argv[2] + "/plots",
        sys.argv[2] + "/more plots"]
assert c["harvester"]["plot_directories"] == want, c["harvester"]["plot_directories"]
assert c["farmer"]["logging"]["log_level"] == "DEBUG"
assert c["harvester"]["logging"]["log_level"] == "INFO"
PY
else
    echo "note: python3-yaml absent, PyYAML check skipped"
fi

out=$(cd "$root" && "$cfarm" plots remove --root "$root" -d plots) || fail "remove failed"
[ "$out" = "Removed plot directory: plots" ] || fail "remove printed '$out'"
out=$("$cfarm" plots remove --root "$root" -d "$root/plots") || fail "second remove failed"
[ "$out" = "Not a plot directory: $root/plots" ] || fail "second remove printed '$out'"
grep -q "\"$root/plots\"" "$cfg" && fail "entry still in the file"

out=$("$cfarm" plots add --root "$root" -d "$root/absent" 2>"$tmp/err") && fail "absent dir added"
[ -z "$out" ] || fail "error wrote to stdout"
grep -q "Path doesn't exist: $root/absent" "$tmp/err" || fail "error was '$(cat "$tmp/err")'"
"$cfarm" plots add --root "$root/nowhere" -d "$root/plots" 2>"$tmp/err" && fail "no config"
grep -q "cfarm init" "$tmp/err" || fail "missing config error was '$(cat "$tmp/err")'"
echo "plots_dirs: ok"

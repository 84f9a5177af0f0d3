#!/bin/sh
# keys_cli.sh BUILD_DIR: `cfarm keys` end to end in a scratch root: generate (file 0600, dir 0700),
# show without secrets, add a fixed mnemonic from stdin (its fingerprint is the one
# bls/known_answers.json pins for "abandon ... about"), duplicates and bad checksums refused,
# derive, file-mode check, delete.
set -u
cfarm="$1/cfarm"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT INT TERM
fails=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { fails=$((fails + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

abandon="abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
abandon_fp=3781984839
abandon_sk=11da8b4a2874a49dc42984b6aa127b68ef73adddc333319c36fd0446705204a9

# generate, under a permissive umask: the file must still be 0600.
out=$(umask 022 && "$cfarm" keys generate --root "$root/r" 2>"$root/err")
check '[ $? = 0 ]' "generate failed: $(cat "$root/err")"
fp=$(echo "$out" | sed -n 's/^Added key with fingerprint \([0-9]*\)$/\1/p')
check '[ -n "$fp" ]' "generate printed no fingerprint: $out"
file="$root/r/keys/keys.txt"
check '[ "$(stat -c %a "$file")" = 600 ]' "key file mode is $(stat -c %a "$file")"
check '[ "$(stat -c %a "$root/r/keys")" = 700 ]' "keys dir mode is $(stat -c %a "$root/r/keys")"
words=$(sed -n "s/^key $fp //p" "$file")
check '[ "$(echo "$words" | wc -w)" = 24 ]' "generated mnemonic is not 24 words"
first3=$(echo "$words" | cut -d' ' -f1-3)
check '! echo "$out" | grep -q "$first3"' "generate printed the mnemonic"

# show: public keys only.
out=$("$cfarm" keys show --root "$root/r")
check '[ $? = 0 ]' "show failed"
check 'echo "$out" | grep -q "^Fingerprint: $fp$"' "show lacks the fingerprint"
check 'echo "$out" | grep -q "^Farmer public key (m/12381/8444/0/0): [0-9a-f]\{96\}$"' "show lacks farmer pk"
check 'echo "$out" | grep -q "^Pool public key (m/12381/8444/1/0): [0-9a-f]\{96\}$"' "show lacks pool pk"
check '! echo "$out" | grep -qi "private\|$first3"' "show printed a secret"

# add a known mnemonic from stdin (and only from stdin).
out=$(echo "$abandon" | "$cfarm" keys add --root "$root/r")
check '[ "$out" = "Added key with fingerprint $abandon_fp" ]' "add: '$out'"
out=$(echo "$abandon" | "$cfarm" keys add --root "$root/r" 2>/dev/null)
check '[ $? != 0 ] && [ -z "$out" ]' "duplicate add accepted"
out=$("$cfarm" keys add --root "$root/r" $abandon 2>/dev/null </dev/null)
check '[ $? != 0 ] && [ -z "$out" ]' "mnemonic accepted on the command line"
badsum="abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"
err=$(echo "$badsum" | "$cfarm" keys add --root "$root/r" 2>&1 >/dev/null)
check '[ $? != 0 ] && echo "$err" | grep -q checksum' "bad checksum accepted: $err"
err=$(echo "abandon about" | "$cfarm" keys add --root "$root/r" 2>&1 >/dev/null)
check '[ $? != 0 ]' "two-word mnemonic accepted"
check '[ "$(grep -c "^key " "$file")" = 2 ]' "key file does not hold 2 keys"

# show one key with secrets.
out=$("$cfarm" keys show --root "$root/r" --fingerprint $abandon_fp --show-secrets)
check 'echo "$out" | grep -q "^Master private key (m): $abandon_sk$"' "master sk of the known mnemonic"
check 'echo "$out" | grep -qx "$abandon"' "show --show-secrets lacks the mnemonic"
farmer=$(echo "$out" | sed -n 's/^Farmer public key (m\/12381\/8444\/0\/0): //p')

# derive: the farmer path again, and an unhardened wallet key.
out=$("$cfarm" keys derive --root "$root/r" --fingerprint $abandon_fp --path 12381/8444/0/0)
check 'echo "$out" | grep -q "^Public key: $farmer$"' "derive 12381/8444/0/0 differs from show"
out=$("$cfarm" keys derive --root "$root/r" --fingerprint $abandon_fp --path m/12381n/8444n/0n/0n)
check 'echo "$out" | grep -q "^Public key: $farmer$"' "derive m/12381n/8444n/0n/0n differs from show"
check '! echo "$out" | grep -qi private' "derive printed a secret"
out=$("$cfarm" keys derive --root "$root/r" --fingerprint $abandon_fp --path m/12381/8444/2/0 --unhardened)
check '[ $? = 0 ] && echo "$out" | grep -q "^Path: m/12381/8444/2/0 "' "unhardened derive failed"
unh=$(echo "$out" | sed -n 's/^Public key: //p')
# Chia's spelling: 'n' marks hardened steps, unmarked ones are unhardened.
out=$("$cfarm" keys derive --root "$root/r" --fingerprint $abandon_fp --path m/12381n/8444n/2/)
check 'echo "$out" | grep -q "^Path: m/12381n/8444n/2 "' "mixed path not shown as such: $out"
out=$("$cfarm" keys derive --root "$root/r" --fingerprint $abandon_fp --path 12381n/8444n/2n/0n)
check '[ -n "$unh" ] && ! echo "$out" | grep -q "^Public key: $unh$"' "hardened and unhardened wallet keys equal"
"$cfarm" keys derive --root "$root/r" --path m/12381n/2 --unhardened 2>/dev/null
check '[ $? != 0 ]' "--unhardened with marked steps accepted"
"$cfarm" keys derive --root "$root/r" --path 12381/x 2>/dev/null
check '[ $? != 0 ]' "bad path accepted"

# a key file others may read is refused.
chmod 644 "$file"
"$cfarm" keys show --root "$root/r" >/dev/null 2>&1
check '[ $? != 0 ]' "world-readable key file accepted"
chmod 600 "$file"

# delete, then the 4-letter form gives the same key back.
out=$("$cfarm" keys delete --root "$root/r" --fingerprint $abandon_fp)
check '[ $? = 0 ]' "delete failed"
"$cfarm" keys show --root "$root/r" --fingerprint $abandon_fp >/dev/null 2>&1
check '[ $? != 0 ]' "deleted key still shown"
out=$(echo "aban aban aban aban aban aban aban aban aban aban aban abou" | "$cfarm" keys add --root "$root/r")
check '[ "$out" = "Added key with fingerprint $abandon_fp" ]' "4-letter form: '$out'"
check '[ "$(stat -c %a "$file")" = 600 ]' "rewritten key file mode is $(stat -c %a "$file")"

# concurrent writers: the lock keeps every key.
for i in 1 2 3 4 5 6; do "$cfarm" keys generate --words 12 --root "$root/c" >/dev/null & done
wait
check '[ "$(grep -c "^key " "$root/c/keys/keys.txt")" = 6 ]' "concurrent generates lost a key"
check '[ ! -e "$root/c/keys/keys.txt.tmp" ]' "temporary file left behind"

echo "keys_cli: $pass passed, $fails failed"
[ $fails = 0 ]

#!/bin/sh
# msg_cli.sh BUILD_DIR: `cfarm msg` round-trips every message class (JSON -> hex -> JSON -> hex,
# bare and framed with an id) in every layout it has, and refuses malformed input with exit
# status 1, one line on stderr and nothing on stdout. Samples are hand-made (no ../shared needed).
cfarm=$1/cfarm
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rep() { s=; i=0; while [ $i -lt "$2" ]; do s=$s$1; i=$((i + 1)); done; printf %s "$s"; }
B32=0x$(rep ab 32)
C32=0x$(rep 5c 32)
# The G1 generator: a valid point, since the program checks every point it reads or writes.
G1=0x97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb
G2=0xc0$(rep 00 95)
CGE="{\"data\": \"0x$(rep 08 100)\"}"
VDF="{\"challenge\": \"$C32\", \"number_of_iterations\": 524288, \"output\": $CGE}"
POS0="{\"challenge\": \"$B32\", \"pool_public_key\": \"$G1\", \"pool_contract_puzzle_hash\": null, \"plot_public_key\": \"$G1\", \"version\": 0, \"plot_index\": 0, \"meta_group\": 0, \"strength\": 0, \"size\": 32, \"proof\": \"0x$(rep 3c 256)\"}"
POS1="{\"challenge\": \"$B32\", \"pool_public_key\": null, \"pool_contract_puzzle_hash\": \"$C32\", \"plot_public_key\": \"$G1\", \"version\": 1, \"plot_index\": 3145, \"meta_group\": 5, \"strength\": 3, \"size\": 0, \"proof\": \"0x0102\"}"
RCBU="{\"total_iters\": 340282366920938463463374607431768211455, \"signage_point_index\": 4, \"pos_ss_cc_challenge_hash\": \"$B32\", \"proof_of_space\": $POS0, \"challenge_chain_sp_vdf\": $VDF, \"challenge_chain_sp_signature\": \"$G2\", \"reward_chain_sp_vdf\": null, \"reward_chain_sp_signature\": \"$G2\"}"
PLOT="\"filename\": \"/plots/plot-k32-é.plot\", \"size\": 32, \"plot_id\": \"$B32\", \"pool_public_key\": \"$G1\", \"pool_contract_puzzle_hash\": null, \"plot_public_key\": \"$G1\", \"file_size\": 108000000000, \"time_modified\": 1700000000, \"compression_level\": 0"
ID="{\"timestamp\": 1700000000, \"sync_id\": 1700000000, \"message_id\": 3}"
PD="[{\"difficulty\": 18446744073709551615, \"sub_slot_iters\": 37600000000, \"pool_contract_puzzle_hash\": \"$C32\"}]"
NSPH="\"challenge_hash\": \"$B32\", \"difficulty\": 1000, \"sub_slot_iters\": 147849216, \"signage_point_index\": 7, \"sp_hash\": \"$C32\", \"pool_difficulties\": $PD"
NSP="\"challenge_hash\": \"$B32\", \"challenge_chain_sp\": \"$C32\", \"reward_chain_sp\": \"$B32\", \"difficulty\": 1000, \"sub_slot_iters\": 147849216, \"signage_point_index\": 63, \"peak_height\": 5600000"
SPSD="{\"sub_slot_data\": {\"cc_sub_slot\": {\"challenge_chain_end_of_slot_vdf\": $VDF, \"infused_challenge_chain_sub_slot_hash\": null, \"subepoch_summary_hash\": \"$B32\", \"new_sub_slot_iters\": 147849216, \"new_difficulty\": null}, \"rc_sub_slot\": {\"end_of_slot_vdf\": $VDF, \"challenge_chain_sub_slot_hash\": \"$C32\", \"infused_challenge_chain_sub_slot_hash\": null, \"deficit\": 16}}, \"vdf_data\": {\"cc_vdf\": $CGE, \"rc_vdf\": $CGE}}"
NPOS="\"challenge_hash\": \"$B32\", \"sp_hash\": \"$C32\", \"plot_identifier\": \"$(rep 0f 32)/plots/a.plot\""
RS="\"plot_identifier\": \"x\", \"challenge_hash\": \"$B32\", \"sp_hash\": \"$C32\""
DPOS="\"challenge_hash\": \"$B32\", \"challenge_chain_sp\": \"$C32\", \"signage_point_index\": 1, \"reward_chain_sp\": \"$B32\", \"proof_of_space\": $POS0, \"challenge_chain_sp_signature\": \"$G2\", \"reward_chain_sp_signature\": \"$G2\", \"farmer_puzzle_hash\": \"$C32\", \"pool_target\": {\"puzzle_hash\": \"$B32\", \"max_height\": 0}, \"pool_signature\": \"$G2\""
RSV="\"quality_string\": \"$B32\", \"foliage_block_data_hash\": \"$C32\", \"foliage_transaction_block_hash\": \"$B32\""
FBD="{\"unfinished_reward_block_hash\": \"$B32\", \"pool_target\": {\"puzzle_hash\": \"$C32\", \"max_height\": 7}, \"pool_signature\": null, \"farmer_reward_puzzle_hash\": \"$B32\", \"extension_data\": \"$C32\"}"
FTB="{\"prev_transaction_block_hash\": \"$B32\", \"timestamp\": 1700000000, \"filter_hash\": \"$C32\", \"additions_root\": \"$B32\", \"removals_root\": \"$C32\", \"transactions_info_hash\": \"$B32\"}"

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# With CFARM_SEED_DIR set, each case is also written there as a seed for fuzz/proto_decode.c
# (class index byte, version byte with bit 7 for a frame, then the bytes).
seed() {
    [ -n "$CFARM_SEED_DIR" ] || return 0
    idx=$("$cfarm" msg list | awk -v c="$1" '$1 == c { print NR - 1; exit }')
    v=$(( ${2##*.} - 35 + $3 ))
    perl -e 'print pack("C C H*", @ARGV)' "$idx" "$v" "$4" >"$CFARM_SEED_DIR/$1-${2##*.}-$3"
}

# roundtrip MESSAGE CLASS VERSION JSON: encode, decode, encode again; then the same framed with an id.
roundtrip() {
    msg=$1 cls=$2 ver=$3 json=$4
    if ! hex=$("$cfarm" msg encode --type "$cls" --version "$ver" "$json" 2>"$tmp/err"); then
        bad "$cls@$ver encode: $(cat "$tmp/err")"; return
    fi
    if ! back=$("$cfarm" msg decode --type "$cls" --version "$ver" --compact "$hex" 2>"$tmp/err"); then
        bad "$cls@$ver decode: $(cat "$tmp/err")"; return
    fi
    hex2=$("$cfarm" msg encode --type "$cls" --version "$ver" "$back")
    [ "$hex" = "$hex2" ] && ok || bad "$cls@$ver: JSON -> hex -> JSON -> hex differs"
    seed "$cls" "$ver" 0 "$hex"
    [ "$msg" = - ] && return
    frame=$("$cfarm" msg encode --frame --type "$cls" --version "$ver" \
        "{\"type\": \"$msg\", \"id\": 32769, \"data\": $back}")
    fback=$("$cfarm" msg decode --frame --type "$cls" --version "$ver" --compact "$frame")
    case $fback in
        *'"id":32769,"data":'"$back"'}') ok ;;
        *) bad "$cls@$ver: frame decodes to $fback" ;;
    esac
    frame2=$("$cfarm" msg encode --frame --type "$cls" --version "$ver" "$fback")
    [ "$frame" = "$frame2" ] && ok || bad "$cls@$ver: frame re-encoding differs"
    seed "$cls" "$ver" 128 "$frame"
}

roundtrip handshake handshake 0.0.38 "{\"network_id\": \"mainnet\", \"protocol_version\": \"0.0.38\", \"software_version\": \"2.7.3\", \"server_port\": 8447, \"node_type\": 3, \"capabilities\": [[1, \"1\"], [2, \"1\"], [3, \"1\"]]}"
roundtrip error error 0.0.38 "{\"code\": -6, \"message\": \"Unknown\", \"data\": null}"
roundtrip error error 0.0.35 "{\"code\": 1, \"message\": \"Unknown\", \"data\": \"0x65787472612064617461\"}"
roundtrip harvester_handshake harvester_handshake 0.0.38 "{\"farmer_public_keys\": [\"$G1\", \"$G1\"], \"pool_public_keys\": []}"
roundtrip new_signage_point_harvester new_signage_point_harvester 0.0.36 "{$NSPH, \"filter_prefix_bits\": 9}"
roundtrip new_signage_point_harvester new_signage_point_harvester2 0.0.37 "{$NSPH, \"peak_height\": 5600000, \"last_tx_height\": 5599998}"
roundtrip new_signage_point_harvester new_signage_point_harvester2 0.0.38 "{$NSPH, \"peak_height\": 5600000, \"last_tx_height\": 5599998, \"filter_challenge\": \"$B32\"}"
roundtrip new_proof_of_space new_proof_of_space 0.0.35 "{$NPOS, \"proof\": $POS0, \"signage_point_index\": 7}"
roundtrip new_proof_of_space new_proof_of_space 0.0.38 "{$NPOS, \"proof\": $POS1, \"signage_point_index\": 7, \"include_source_signature_data\": true, \"farmer_reward_address_override\": \"$C32\", \"fee_info\": {\"applied_fee_threshold\": 1337}}"
roundtrip request_signatures request_signatures 0.0.35 "{$RS, \"messages\": [\"$B32\", \"$C32\"]}"
roundtrip request_signatures request_signatures 0.0.38 "{$RS, \"messages\": [\"$B32\"], \"message_data\": [null, {\"kind\": 7, \"data\": \"0x00\"}], \"rc_block_unfinished\": $RCBU}"
roundtrip respond_signatures respond_signatures 0.0.35 "{$RS, \"local_pk\": \"$G1\", \"farmer_pk\": \"$G1\", \"message_signatures\": [[\"$B32\", \"$G2\"], [\"$C32\", \"$G2\"]]}"
roundtrip respond_signatures respond_signatures 0.0.36 "{$RS, \"local_pk\": \"$G1\", \"farmer_pk\": \"$G1\", \"message_signatures\": [], \"include_source_signature_data\": false, \"farmer_reward_address_override\": null}"
roundtrip request_plots request_plots 0.0.38 "{}"
roundtrip respond_plots respond_plots 0.0.37 "{\"plots\": [{$PLOT}], \"failed_to_open_filenames\": [\"/a\"], \"no_key_filenames\": []}"
roundtrip respond_plots2 respond_plots2 0.0.38 "{\"plots\": [{$PLOT, \"plot_index\": 1, \"meta_group\": 2}], \"failed_to_open_filenames\": [], \"no_key_filenames\": [\"/b\", \"/c\"]}"
roundtrip plot_sync_start plot_sync_start 0.0.38 "{\"identifier\": $ID, \"initial\": true, \"last_sync_id\": 0, \"plot_file_count\": 12, \"harvesting_mode\": 1}"
roundtrip plot_sync_loaded plot_sync_plot_list 0.0.37 "{\"identifier\": $ID, \"data\": [{$PLOT}, {$PLOT}], \"final\": false}"
roundtrip plot_sync_loaded2 plot_sync_plot_list2 0.0.38 "{\"identifier\": $ID, \"data\": [{$PLOT, \"plot_index\": 0, \"meta_group\": 0}], \"final\": true}"
for m in plot_sync_removed plot_sync_invalid plot_sync_keys_missing plot_sync_duplicates; do
    roundtrip $m plot_sync_path_list 0.0.38 "{\"identifier\": $ID, \"data\": [\"/plots/x.plot\", \"\"], \"final\": true}"
done
roundtrip plot_sync_done plot_sync_done 0.0.38 "{\"identifier\": $ID, \"duration\": 3}"
roundtrip plot_sync_response plot_sync_response 0.0.38 "{\"identifier\": $ID, \"message_type\": 79, \"error\": null}"
roundtrip plot_sync_response plot_sync_response 0.0.38 "{\"identifier\": $ID, \"message_type\": 80, \"error\": {\"code\": 6, \"message\": \"plot not available\", \"expected_identifier\": $ID}}"
roundtrip partial_proofs partial_proofs_data 0.0.38 "{\"challenge_hash\": \"$B32\", \"sp_hash\": \"$C32\", \"plot_identifier\": \"p\", \"partial_proofs\": [{\"fragments\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18446744073709551615]}], \"signage_point_index\": 4, \"plot_size\": 28, \"plot_index\": 3145, \"meta_group\": 5, \"strength\": 3, \"plot_id\": \"$B32\", \"pool_public_key\": null, \"pool_contract_puzzle_hash\": \"$C32\", \"plot_public_key\": \"$G1\"}"
roundtrip farming_info farming_info 0.0.38 "{\"challenge_hash\": \"$B32\", \"sp_hash\": \"$C32\", \"timestamp\": 1700000000, \"passed\": 3, \"proofs\": 1, \"total_plots\": 100, \"lookup_time\": 12345}"
roundtrip new_signage_point new_signage_point 0.0.35 "{$NSP}"
roundtrip new_signage_point new_signage_point 0.0.36 "{$NSP, \"sp_source_data\": $SPSD}"
roundtrip new_signage_point new_signage_point 0.0.37 "{$NSP, \"last_tx_height\": 5599998, \"sp_source_data\": null}"
roundtrip new_signage_point new_signage_point 0.0.38 "{$NSP, \"last_tx_height\": 5599998, \"sp_source_data\": $SPSD, \"filter_challenge\": \"$C32\"}"
roundtrip declare_proof_of_space declare_proof_of_space 0.0.35 "{$DPOS}"
roundtrip declare_proof_of_space declare_proof_of_space 0.0.38 "{$DPOS, \"include_signature_source_data\": true}"
roundtrip request_signed_values request_signed_values 0.0.35 "{$RSV}"
roundtrip request_signed_values request_signed_values 0.0.38 "{$RSV, \"foliage_block_data\": $FBD, \"foliage_transaction_block_data\": $FTB, \"rc_block_unfinished\": $RCBU}"
roundtrip signed_values signed_values 0.0.38 "{\"quality_string\": \"$B32\", \"foliage_block_data_signature\": \"$G2\", \"foliage_transaction_block_signature\": \"$G2\"}"
FRAG="{\"fragments\": [256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 257]}"
roundtrip solve solver_info 0.0.38 "{\"partial_proof\": $FRAG, \"plot_id\": \"$B32\", \"strength\": 5, \"size\": 28}"
roundtrip solution_response solver_response 0.0.38 "{\"partial_proof\": $FRAG, \"proof\": \"0x66756c6c2d70726f6f66\"}"
# nested classes on their own
roundtrip - plot 0.0.38 "{$PLOT}"
roundtrip - proof_of_space 0.0.38 "$POS1"
roundtrip - reward_chain_block_unfinished 0.0.38 "$RCBU"
roundtrip - pool_difficulty 0.0.38 "$(echo "$PD" | sed 's/^\[//; s/\]$//')"

# Every class and message name with a message type was covered above.
for cls in $("$cfarm" msg list | awk '$3 == "message" { print $1 }'); do
    grep -q -e "roundtrip [a-z0-9_\$]* $cls " -e "roundtrip $cls " -e "for m in.* $cls" "$0" ||
        bad "message class $cls has no round-trip case"
done

# rejects CMD...: exit status 1, nothing on stdout, exactly one line on stderr containing $want.
rejects() {
    want=$1; shift
    "$cfarm" msg "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc = 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
        grep -q -- "$want" "$tmp/err"; then
        ok
    else
        bad "msg $*: rc=$rc stdout=$(cat "$tmp/out") stderr=$(cat "$tmp/err") (wanted '$want')"
    fi
}
ID_HEX=000000006553f100000000006553f1000000000000000003
rejects "lookup_time at offset 84" decode --type farming_info "$(rep 11 64)000000000000000100000002000000030000000400000000000005"
rejects "trailing" decode --type plot_sync_done "${ID_HEX}000000000000000300"
rejects "initial at offset 24: bool byte 0x02" decode --type plot_sync_start "${ID_HEX}02000000000000000000000000000001"
rejects "error at offset 26: optional flag 0x05" decode --type plot_sync_response "${ID_HEX}004f05"
rejects "data\[0\] at offset 28" decode --type plot_sync_path_list "${ID_HEX}0000000100000001ff01"
rejects "farmer_public_keys at offset 0" decode --type harvester_handshake "ffffffff00000000"
rejects "pool_contract_puzzle_hash at offset 33" decode --type proof_of_space "$(rep cc 32)0006"
rejects "invalid hex digit" decode --type plot_sync_done "zz"
rejects "no message or class named" decode --type no_such_thing "00"
rejects "frame" decode --frame "5400"
rejects "message type 4" decode --frame "040000000000"
rejects "missing field" encode --type plot_sync_done "{\"identifier\": $ID}"
rejects "expected a uint8" encode --type plot_sync_start "{\"identifier\": $ID, \"initial\": true, \"last_sync_id\": 0, \"plot_file_count\": 1, \"harvesting_mode\": 256}"
rejects "JSON" encode --type plot_sync_done "{not json"
rejects "exactly one" encode --type proof_of_space "$(echo "$POS1" | sed 's/"pool_public_key": null/"pool_public_key": "'$G1'"/')"
rejects "0.0.35" decode --type plot --version 0.0.34 "00"
# Points are checked as Chia's parser checks them: flags, canonical infinity, on curve, subgroup.
rejects "farmer_public_keys\[0\] at offset 4: invalid G1 point" decode --type harvester_handshake "00000001$(rep a0 48)00000000"
rejects "invalid G1 point" decode --type harvester_handshake "00000001e0$(rep 00 47)00000000"

echo "msg_cli: $pass passed, $fail failed"
[ $fail = 0 ]

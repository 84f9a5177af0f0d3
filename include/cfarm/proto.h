/*
 * cfarm/proto.h: the messages a Chia farmer and harvester exchange (and the farmer with a full
 * node), as C structs, with one generic codec driven by a description of each class.
 *
 * Every class below has an entry in enum cf_proto_cls; lib/proto/schema.c describes its fields
 * once (type, name, offset, the protocol versions that carry it) and the generic functions
 * cf_proto_decode / _encode / _free / _to_json / _from_json walk that description. So adding a
 * class is one struct here and one table there.
 *
 * Protocol versions. Layouts changed between the harvester/farmer protocol versions deployed since
 * Chia 2.0; a codec call takes the version whose layout to read or write, as the minor number:
 * 35 (0.0.35, Chia 2.0.0-2.2.0), 36 (2.2.1-2.5.4), 37 (2.5.5-2.7.x), 38 (main). Use the version
 * the *peer* announced in its Handshake (cf_proto_version_parse). Fields absent at a version are
 * neither read nor written (decoding leaves them zero) and are not in the JSON.
 *
 * C representation of streamable types:
 *   uintN/intN -> uintN_t/intN_t, uint128 -> cf_u128, bool -> bool,
 *   bytes32 etc. -> uint8_t[N], G1/G2 -> struct cf_bls_pk / cf_bls_sig (48/96 raw bytes),
 *   bytes -> struct cf_bytes, str -> struct cf_str (NUL-terminated after decoding),
 *   Optional[T] -> struct cf_opt_* { bool present; T v; },
 *   list[T] -> struct cf_list_* { T *items; size_t count; }, tuple/class -> struct.
 *
 * Ownership. A struct filled by cf_proto_decode or cf_proto_from_json owns the heap memory its
 * bytes, str and list members point to; release it with cf_proto_free (which zeroes the struct).
 * A struct the caller fills by hand is the caller's: the encoders only read it. On failure the
 * decoders free what they allocated and leave the output zeroed.
 */
#ifndef CFARM_PROTO_H
#define CFARM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/bls.h"
#include "cfarm/buf.h"
#include "cfarm/codec.h"
#include "cfarm/err.h"
#include "cfarm/json.h"

/* ---- protocol versions ---- */

enum cf_proto_ver {
    CF_PROTO_0_0_35 = 35,
    CF_PROTO_0_0_36 = 36,
    CF_PROTO_0_0_37 = 37,
    CF_PROTO_0_0_38 = 38,
    CF_PROTO_MIN = CF_PROTO_0_0_35,
    CF_PROTO_LATEST = CF_PROTO_0_0_38,
};

/* The version string cfarm announces for the harvester and farmer node types. */
#define CF_PROTO_VERSION_STRING "0.0.38"

/*
 * "0.0.N" -> N. Versions above 0.0.38 read as 38 (newer peers keep the latest layouts we know);
 * below 0.0.35 (Chia 1.x), or not of that form: CF_ERR_UNSUPPORTED / CF_ERR_INVAL.
 */
enum cf_err cf_proto_version_parse(const char *s, int *ver);

/* ---- message types (ProtocolMessageTypes) ---- */

enum cf_msg_type {
    CF_MSG_HANDSHAKE = 1,
    CF_MSG_HARVESTER_HANDSHAKE = 3,
    CF_MSG_NEW_PROOF_OF_SPACE = 5,
    CF_MSG_REQUEST_SIGNATURES = 6,
    CF_MSG_RESPOND_SIGNATURES = 7,
    CF_MSG_NEW_SIGNAGE_POINT = 8,
    CF_MSG_DECLARE_PROOF_OF_SPACE = 9,
    CF_MSG_REQUEST_SIGNED_VALUES = 10,
    CF_MSG_SIGNED_VALUES = 11,
    CF_MSG_FARMING_INFO = 12,
    CF_MSG_NEW_SIGNAGE_POINT_HARVESTER = 66,
    CF_MSG_REQUEST_PLOTS = 67,
    CF_MSG_RESPOND_PLOTS = 68,
    CF_MSG_PLOT_SYNC_START = 78,
    CF_MSG_PLOT_SYNC_LOADED = 79,
    CF_MSG_PLOT_SYNC_REMOVED = 80,
    CF_MSG_PLOT_SYNC_INVALID = 81,
    CF_MSG_PLOT_SYNC_KEYS_MISSING = 82,
    CF_MSG_PLOT_SYNC_DUPLICATES = 83,
    CF_MSG_PLOT_SYNC_DONE = 84,
    CF_MSG_PLOT_SYNC_RESPONSE = 85,
    CF_MSG_SOLUTION_RESPONSE = 108,
    CF_MSG_SOLVE = 109,
    CF_MSG_PARTIAL_PROOFS = 110,
    CF_MSG_PLOT_SYNC_LOADED2 = 112,
    CF_MSG_RESPOND_PLOTS2 = 113,
    CF_MSG_ERROR = 255,
};

/* NodeType values of the Handshake. */
enum cf_node_type {
    CF_NODE_FULL_NODE = 1,
    CF_NODE_HARVESTER = 2,
    CF_NODE_FARMER = 3,
    CF_NODE_TIMELORD = 4,
    CF_NODE_INTRODUCER = 5,
    CF_NODE_WALLET = 6,
    CF_NODE_DATA_LAYER = 7,
    CF_NODE_SOLVER = 8,
};

/* ---- the outer Message envelope ----
 *
 *   type u8 | 0x00                | len u32 BE | data      (id = None)
 *   type u8 | 0x01 | id u16 BE    | len u32 BE | data      (id set)
 *
 * One Message per WebSocket binary message. The view below points into the frame it was parsed
 * from (no copy, nothing to free).
 */
struct cf_proto_msg {
    uint8_t type;
    bool has_id;
    uint16_t id;
    const uint8_t *data;
    size_t len;
};

/* Parse a whole frame; trailing bytes, a bad id flag or a short frame fail (detail set). */
enum cf_err cf_proto_msg_parse(const uint8_t *frame, size_t n, struct cf_proto_msg *out);
/* Append a frame around len bytes of data. On failure out is unchanged. */
enum cf_err cf_proto_msg_write(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                               const uint8_t *data, size_t len);

/* ---- common value types ---- */

struct cf_bytes {
    uint8_t *data;
    size_t len;
};

struct cf_str {
    char *s; /* NUL-terminated when decoded; may hold NULs of its own (len counts them) */
    size_t len;
};

struct cf_opt_b32 {
    bool present;
    uint8_t v[32];
};
struct cf_opt_g1 {
    bool present;
    struct cf_bls_pk v;
};
struct cf_opt_g2 {
    bool present;
    struct cf_bls_sig v;
};
struct cf_opt_u8 {
    bool present;
    uint8_t v;
};
struct cf_opt_u64 {
    bool present;
    uint64_t v;
};
struct cf_opt_bytes {
    bool present;
    struct cf_bytes v;
};

struct cf_list_g1 {
    struct cf_bls_pk *items;
    size_t count;
};
struct cf_list_b32 {
    uint8_t (*items)[32];
    size_t count;
};
struct cf_list_str {
    struct cf_str *items;
    size_t count;
};

/* ---- shared protocol ---- */

/* capabilities entry: tuple[uint16, str] */
struct cf_capability {
    uint16_t id;
    struct cf_str value;
};
struct cf_list_capability {
    struct cf_capability *items;
    size_t count;
};

struct cf_handshake {
    struct cf_str network_id;
    struct cf_str protocol_version;
    struct cf_str software_version;
    uint16_t server_port;
    uint8_t node_type;
    struct cf_list_capability capabilities;
};

struct cf_error_msg {
    int16_t code;
    struct cf_str message;
    struct cf_opt_bytes data;
};

/* ---- blockchain format types used by the messages ---- */

/*
 * ProofOfSpace, with the version carried in the flag byte of pool_contract_puzzle_hash:
 *   challenge 32 | pool_public_key Optional[G1] | flag (version << 1 | hash present) [+ hash 32]
 *   | plot_public_key 48 | version 0: size u8 ; version 1: plot_index u16, meta_group u8,
 *   strength u8 | proof bytes
 * Version 0 has plot_index/meta_group/strength 0, version 1 has size 0. A version-1 proof must
 * have exactly one of pool_public_key and pool_contract_puzzle_hash.
 */
struct cf_proof_of_space {
    uint8_t challenge[32];
    struct cf_opt_g1 pool_public_key;
    struct cf_opt_b32 pool_contract_puzzle_hash;
    struct cf_bls_pk plot_public_key;
    uint8_t version;
    uint16_t plot_index;
    uint8_t meta_group;
    uint8_t strength;
    uint8_t size;
    struct cf_bytes proof;
};

struct cf_classgroup_element {
    uint8_t data[100];
};

struct cf_vdf_info {
    uint8_t challenge[32];
    uint64_t number_of_iterations;
    struct cf_classgroup_element output;
};
struct cf_opt_vdf_info {
    bool present;
    struct cf_vdf_info v;
};

struct cf_reward_chain_block_unfinished {
    cf_u128 total_iters;
    uint8_t signage_point_index;
    uint8_t pos_ss_cc_challenge_hash[32];
    struct cf_proof_of_space proof_of_space;
    struct cf_opt_vdf_info challenge_chain_sp_vdf;
    struct cf_bls_sig challenge_chain_sp_signature;
    struct cf_opt_vdf_info reward_chain_sp_vdf;
    struct cf_bls_sig reward_chain_sp_signature;
};
struct cf_opt_reward_chain_block_unfinished {
    bool present;
    struct cf_reward_chain_block_unfinished v;
};

struct cf_pool_target {
    uint8_t puzzle_hash[32];
    uint32_t max_height;
};
struct cf_opt_pool_target {
    bool present;
    struct cf_pool_target v;
};

struct cf_foliage_block_data {
    uint8_t unfinished_reward_block_hash[32];
    struct cf_pool_target pool_target;
    struct cf_opt_g2 pool_signature;
    uint8_t farmer_reward_puzzle_hash[32];
    uint8_t extension_data[32];
};
struct cf_opt_foliage_block_data {
    bool present;
    struct cf_foliage_block_data v;
};

struct cf_foliage_transaction_block {
    uint8_t prev_transaction_block_hash[32];
    uint64_t timestamp;
    uint8_t filter_hash[32];
    uint8_t additions_root[32];
    uint8_t removals_root[32];
    uint8_t transactions_info_hash[32];
};
struct cf_opt_foliage_transaction_block {
    bool present;
    struct cf_foliage_transaction_block v;
};

struct cf_challenge_chain_sub_slot {
    struct cf_vdf_info challenge_chain_end_of_slot_vdf;
    struct cf_opt_b32 infused_challenge_chain_sub_slot_hash;
    struct cf_opt_b32 subepoch_summary_hash;
    struct cf_opt_u64 new_sub_slot_iters;
    struct cf_opt_u64 new_difficulty;
};

struct cf_reward_chain_sub_slot {
    struct cf_vdf_info end_of_slot_vdf;
    uint8_t challenge_chain_sub_slot_hash[32];
    struct cf_opt_b32 infused_challenge_chain_sub_slot_hash;
    uint8_t deficit;
};

/* ---- harvester protocol ---- */

struct cf_pool_difficulty {
    uint64_t difficulty;
    uint64_t sub_slot_iters;
    uint8_t pool_contract_puzzle_hash[32];
};
struct cf_list_pool_difficulty {
    struct cf_pool_difficulty *items;
    size_t count;
};

struct cf_harvester_handshake {
    struct cf_list_g1 farmer_public_keys;
    struct cf_list_g1 pool_public_keys;
};

/* Message 66 to harvesters that announced <= 0.0.36. */
struct cf_new_signage_point_harvester {
    uint8_t challenge_hash[32];
    uint64_t difficulty;
    uint64_t sub_slot_iters;
    uint8_t signage_point_index;
    uint8_t sp_hash[32];
    struct cf_list_pool_difficulty pool_difficulties;
    uint8_t filter_prefix_bits;
};

/* Message 66 to harvesters that announced >= 0.0.37; filter_challenge from 0.0.38. */
struct cf_new_signage_point_harvester2 {
    uint8_t challenge_hash[32];
    uint64_t difficulty;
    uint64_t sub_slot_iters;
    uint8_t signage_point_index;
    uint8_t sp_hash[32];
    struct cf_list_pool_difficulty pool_difficulties;
    uint32_t peak_height;
    uint32_t last_tx_height;
    struct cf_opt_b32 filter_challenge; /* 0.0.38 */
};

struct cf_proof_of_space_fee_info {
    uint32_t applied_fee_threshold;
};
struct cf_opt_fee_info {
    bool present;
    struct cf_proof_of_space_fee_info v;
};

struct cf_new_proof_of_space {
    uint8_t challenge_hash[32];
    uint8_t sp_hash[32];
    struct cf_str plot_identifier;
    struct cf_proof_of_space proof;
    uint8_t signage_point_index;
    bool include_source_signature_data;               /* 0.0.36 */
    struct cf_opt_b32 farmer_reward_address_override; /* 0.0.36 */
    struct cf_opt_fee_info fee_info;                  /* 0.0.36 */
};

/* SigningDataKind values of SignatureRequestSourceData.kind. */
enum cf_signing_data_kind {
    CF_SIGNING_FOLIAGE_BLOCK_DATA = 1,
    CF_SIGNING_FOLIAGE_TRANSACTION_BLOCK = 2,
    CF_SIGNING_CHALLENGE_CHAIN_VDF = 3,
    CF_SIGNING_REWARD_CHAIN_VDF = 4,
    CF_SIGNING_CHALLENGE_CHAIN_SUB_SLOT = 5,
    CF_SIGNING_REWARD_CHAIN_SUB_SLOT = 6,
    CF_SIGNING_PARTIAL = 7,
};

struct cf_signature_request_source_data {
    uint8_t kind;
    struct cf_bytes data;
};
struct cf_opt_sig_source_data {
    bool present;
    struct cf_signature_request_source_data v;
};
struct cf_list_opt_sig_source_data {
    struct cf_opt_sig_source_data *items;
    size_t count;
};
struct cf_opt_list_opt_sig_source_data {
    bool present;
    struct cf_list_opt_sig_source_data v;
};

struct cf_request_signatures {
    struct cf_str plot_identifier;
    uint8_t challenge_hash[32];
    uint8_t sp_hash[32];
    struct cf_list_b32 messages;
    struct cf_opt_list_opt_sig_source_data message_data;             /* 0.0.36 */
    struct cf_opt_reward_chain_block_unfinished rc_block_unfinished; /* 0.0.36 */
};

/* message_signatures entry: tuple[bytes32, G2Element] */
struct cf_message_signature {
    uint8_t message[32];
    struct cf_bls_sig signature;
};
struct cf_list_message_signature {
    struct cf_message_signature *items;
    size_t count;
};

struct cf_respond_signatures {
    struct cf_str plot_identifier;
    uint8_t challenge_hash[32];
    uint8_t sp_hash[32];
    struct cf_bls_pk local_pk;
    struct cf_bls_pk farmer_pk;
    struct cf_list_message_signature message_signatures;
    bool include_source_signature_data;               /* 0.0.36 */
    struct cf_opt_b32 farmer_reward_address_override; /* 0.0.36 */
};

struct cf_plot {
    struct cf_str filename;
    uint8_t size; /* k for v1 plots, 0x80 | strength for v2 */
    uint8_t plot_id[32];
    struct cf_opt_g1 pool_public_key;
    struct cf_opt_b32 pool_contract_puzzle_hash;
    struct cf_bls_pk plot_public_key;
    uint64_t file_size;
    uint64_t time_modified;
    struct cf_opt_u8 compression_level;
};
struct cf_list_plot {
    struct cf_plot *items;
    size_t count;
};

struct cf_plot2 {
    struct cf_str filename;
    uint8_t size;
    uint8_t plot_id[32];
    struct cf_opt_g1 pool_public_key;
    struct cf_opt_b32 pool_contract_puzzle_hash;
    struct cf_bls_pk plot_public_key;
    uint64_t file_size;
    uint64_t time_modified;
    struct cf_opt_u8 compression_level;
    uint16_t plot_index;
    uint8_t meta_group;
};
struct cf_list_plot2 {
    struct cf_plot2 *items;
    size_t count;
};

struct cf_request_plots {
    uint8_t unused_; /* RequestPlots has no field; C has no empty struct */
};

struct cf_respond_plots {
    struct cf_list_plot plots;
    struct cf_list_str failed_to_open_filenames;
    struct cf_list_str no_key_filenames;
};

struct cf_respond_plots2 {
    struct cf_list_plot2 plots;
    struct cf_list_str failed_to_open_filenames;
    struct cf_list_str no_key_filenames;
};

/* v2 plots: 16 uint64 with no count prefix. */
struct cf_partial_proof {
    uint64_t fragments[16];
};
struct cf_list_partial_proof {
    struct cf_partial_proof *items;
    size_t count;
};

struct cf_partial_proofs_data {
    uint8_t challenge_hash[32];
    uint8_t sp_hash[32];
    struct cf_str plot_identifier;
    struct cf_list_partial_proof partial_proofs;
    uint8_t signage_point_index;
    uint8_t plot_size;
    uint16_t plot_index;
    uint8_t meta_group;
    uint8_t strength;
    uint8_t plot_id[32];
    struct cf_opt_g1 pool_public_key;
    struct cf_opt_b32 pool_contract_puzzle_hash;
    struct cf_bls_pk plot_public_key;
};

/* farmer_protocol.FarmingInfo, sent harvester -> farmer (message 12). */
struct cf_farming_info {
    uint8_t challenge_hash[32];
    uint8_t sp_hash[32];
    uint64_t timestamp;
    uint32_t passed;
    uint32_t proofs;
    uint32_t total_plots;
    uint64_t lookup_time;
};

/* ---- plot sync ---- */

struct cf_plot_sync_identifier {
    uint64_t timestamp;
    uint64_t sync_id;
    uint64_t message_id;
};
struct cf_opt_plot_sync_identifier {
    bool present;
    struct cf_plot_sync_identifier v;
};

struct cf_plot_sync_start {
    struct cf_plot_sync_identifier identifier;
    bool initial;
    uint64_t last_sync_id;
    uint32_t plot_file_count;
    uint8_t harvesting_mode; /* 1 CPU, 2 GPU */
};

/* Messages 80..83 (removed, invalid, keys_missing, duplicates). */
struct cf_plot_sync_path_list {
    struct cf_plot_sync_identifier identifier;
    struct cf_list_str data;
    bool final;
};

struct cf_plot_sync_plot_list {
    struct cf_plot_sync_identifier identifier;
    struct cf_list_plot data;
    bool final;
};

struct cf_plot_sync_plot_list2 {
    struct cf_plot_sync_identifier identifier;
    struct cf_list_plot2 data;
    bool final;
};

struct cf_plot_sync_done {
    struct cf_plot_sync_identifier identifier;
    uint64_t duration;
};

struct cf_plot_sync_error {
    int16_t code;
    struct cf_str message;
    struct cf_opt_plot_sync_identifier expected_identifier;
};
struct cf_opt_plot_sync_error {
    bool present;
    struct cf_plot_sync_error v;
};

struct cf_plot_sync_response {
    struct cf_plot_sync_identifier identifier;
    int16_t message_type;
    struct cf_opt_plot_sync_error error;
};

/* ---- farmer protocol (farmer <-> full node) ---- */

struct cf_sp_sub_slot_source_data {
    struct cf_challenge_chain_sub_slot cc_sub_slot;
    struct cf_reward_chain_sub_slot rc_sub_slot;
};
struct cf_opt_sp_sub_slot_source_data {
    bool present;
    struct cf_sp_sub_slot_source_data v;
};

struct cf_sp_vdf_source_data {
    struct cf_classgroup_element cc_vdf;
    struct cf_classgroup_element rc_vdf;
};
struct cf_opt_sp_vdf_source_data {
    bool present;
    struct cf_sp_vdf_source_data v;
};

struct cf_signage_point_source_data {
    struct cf_opt_sp_sub_slot_source_data sub_slot_data;
    struct cf_opt_sp_vdf_source_data vdf_data;
};
struct cf_opt_signage_point_source_data {
    bool present;
    struct cf_signage_point_source_data v;
};

struct cf_new_signage_point {
    uint8_t challenge_hash[32];
    uint8_t challenge_chain_sp[32];
    uint8_t reward_chain_sp[32];
    uint64_t difficulty;
    uint64_t sub_slot_iters;
    uint8_t signage_point_index;
    uint32_t peak_height;
    uint32_t last_tx_height;                                /* 0.0.37 */
    struct cf_opt_signage_point_source_data sp_source_data; /* 0.0.36 */
    struct cf_opt_b32 filter_challenge;                     /* 0.0.38 */
};

struct cf_declare_proof_of_space {
    uint8_t challenge_hash[32];
    uint8_t challenge_chain_sp[32];
    uint8_t signage_point_index;
    uint8_t reward_chain_sp[32];
    struct cf_proof_of_space proof_of_space;
    struct cf_bls_sig challenge_chain_sp_signature;
    struct cf_bls_sig reward_chain_sp_signature;
    uint8_t farmer_puzzle_hash[32];
    struct cf_opt_pool_target pool_target;
    struct cf_opt_g2 pool_signature;
    bool include_signature_source_data; /* 0.0.36 */
};

struct cf_request_signed_values {
    uint8_t quality_string[32];
    uint8_t foliage_block_data_hash[32];
    uint8_t foliage_transaction_block_hash[32];
    struct cf_opt_foliage_block_data foliage_block_data;                    /* 0.0.36 */
    struct cf_opt_foliage_transaction_block foliage_transaction_block_data; /* 0.0.36 */
    struct cf_opt_reward_chain_block_unfinished rc_block_unfinished;        /* 0.0.36 */
};

struct cf_signed_values {
    uint8_t quality_string[32];
    struct cf_bls_sig foliage_block_data_signature;
    struct cf_bls_sig foliage_transaction_block_signature;
};

/* ---- solver protocol (farmer <-> solver, v2 plots) ---- */

struct cf_solver_info {
    struct cf_partial_proof partial_proof;
    uint8_t plot_id[32];
    uint8_t strength;
    uint8_t size;
};

struct cf_solver_response {
    struct cf_partial_proof partial_proof;
    struct cf_bytes proof;
};

/* ---- classes ---- */

enum cf_proto_cls {
    CF_CLS_HANDSHAKE,
    CF_CLS_CAPABILITY,
    CF_CLS_ERROR,
    CF_CLS_PROOF_OF_SPACE,
    CF_CLS_CLASSGROUP_ELEMENT,
    CF_CLS_VDF_INFO,
    CF_CLS_REWARD_CHAIN_BLOCK_UNFINISHED,
    CF_CLS_POOL_TARGET,
    CF_CLS_FOLIAGE_BLOCK_DATA,
    CF_CLS_FOLIAGE_TRANSACTION_BLOCK,
    CF_CLS_CHALLENGE_CHAIN_SUB_SLOT,
    CF_CLS_REWARD_CHAIN_SUB_SLOT,
    CF_CLS_POOL_DIFFICULTY,
    CF_CLS_HARVESTER_HANDSHAKE,
    CF_CLS_NEW_SIGNAGE_POINT_HARVESTER,
    CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2,
    CF_CLS_PROOF_OF_SPACE_FEE_INFO,
    CF_CLS_NEW_PROOF_OF_SPACE,
    CF_CLS_SIGNATURE_REQUEST_SOURCE_DATA,
    CF_CLS_REQUEST_SIGNATURES,
    CF_CLS_MESSAGE_SIGNATURE,
    CF_CLS_RESPOND_SIGNATURES,
    CF_CLS_PLOT,
    CF_CLS_PLOT2,
    CF_CLS_REQUEST_PLOTS,
    CF_CLS_RESPOND_PLOTS,
    CF_CLS_RESPOND_PLOTS2,
    CF_CLS_PARTIAL_PROOF,
    CF_CLS_PARTIAL_PROOFS_DATA,
    CF_CLS_FARMING_INFO,
    CF_CLS_PLOT_SYNC_IDENTIFIER,
    CF_CLS_PLOT_SYNC_START,
    CF_CLS_PLOT_SYNC_PATH_LIST,
    CF_CLS_PLOT_SYNC_PLOT_LIST,
    CF_CLS_PLOT_SYNC_PLOT_LIST2,
    CF_CLS_PLOT_SYNC_DONE,
    CF_CLS_PLOT_SYNC_ERROR,
    CF_CLS_PLOT_SYNC_RESPONSE,
    CF_CLS_SP_SUB_SLOT_SOURCE_DATA,
    CF_CLS_SP_VDF_SOURCE_DATA,
    CF_CLS_SIGNAGE_POINT_SOURCE_DATA,
    CF_CLS_NEW_SIGNAGE_POINT,
    CF_CLS_DECLARE_PROOF_OF_SPACE,
    CF_CLS_REQUEST_SIGNED_VALUES,
    CF_CLS_SIGNED_VALUES,
    CF_CLS_SOLVER_INFO,
    CF_CLS_SOLVER_RESPONSE,
    CF_CLS__COUNT
};

/* snake_case name ("new_proof_of_space"), Chia class name ("NewProofOfSpace"), C struct size. */
const char *cf_proto_cls_name(enum cf_proto_cls c);
const char *cf_proto_cls_chia_name(enum cf_proto_cls c);
size_t cf_proto_cls_size(enum cf_proto_cls c);

/*
 * Look a class up by its snake_case name, its Chia class name, or the snake_case name of a message
 * type whose body it is ("plot_sync_loaded" -> PlotSyncPlotList, "partial_proofs"). Class names
 * win over message names: "new_signage_point_harvester" is the legacy class.
 * CF_ERR_UNKNOWN_TYPE when nothing matches.
 */
enum cf_err cf_proto_cls_by_name(const char *name, enum cf_proto_cls *out);

/*
 * The body class of message type `type` for a peer at protocol version ver (message 66 is
 * NewSignagePointHarvester up to 0.0.36, NewSignagePointHarvester2 from 0.0.37).
 * CF_ERR_UNKNOWN_TYPE for a type this codec does not know.
 */
enum cf_err cf_proto_cls_for_msg(uint8_t type, int ver, enum cf_proto_cls *out);
/* The snake_case name of a message type, or NULL. */
const char *cf_proto_msg_name(uint8_t type);
/* Message type by snake_case message name; CF_ERR_UNKNOWN_TYPE if none. */
enum cf_err cf_proto_msg_by_name(const char *name, uint8_t *type);
/* The message type whose body is class c (the first, for PlotSyncPathList), or -1 (nested). */
int cf_proto_msg_type_of(enum cf_proto_cls c);

/* ---- the generic codec ----
 *
 * obj points to the class's struct (e.g. struct cf_new_proof_of_space for
 * CF_CLS_NEW_PROOF_OF_SPACE). Errors carry a detail naming the field path and input offset, e.g.
 * "proof.pool_contract_puzzle_hash at offset 113: optional flag 0x07".
 */

/* Decode exactly n bytes: trailing bytes are an error (CF_ERR_TRAILING). */
enum cf_err cf_proto_decode(enum cf_proto_cls c, int ver, const uint8_t *p, size_t n, void *obj);
/* Decode one object at the cursor and advance past it; trailing input is left for the caller. */
enum cf_err cf_proto_decode_cursor(enum cf_proto_cls c, int ver, const uint8_t **p, size_t *n,
                                   void *obj);
/* Append the encoding to out. On failure out is unchanged. */
enum cf_err cf_proto_encode(enum cf_proto_cls c, int ver, const void *obj, struct cf_buf *out);
/* Free what decode/from_json allocated and zero the struct. obj may be NULL. */
void cf_proto_free(enum cf_proto_cls c, void *obj);

/* Chia's JSON: bytes as "0x" hex, ints as numbers, absent Optional as null, tuples as arrays. */
enum cf_err cf_proto_to_json(enum cf_proto_cls c, int ver, const void *obj, struct cf_jw *w);
/* From a parsed JSON value (hex with or without 0x, any case; extra keys are ignored). */
enum cf_err cf_proto_from_json(enum cf_proto_cls c, int ver, const struct cf_json *v, void *obj);

/* Encode a body and wrap it in a Message frame in one go. On failure out is unchanged. */
enum cf_err cf_proto_msg_encode(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                                enum cf_proto_cls c, int ver, const void *body);

#endif

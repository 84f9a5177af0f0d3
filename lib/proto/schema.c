/*
 * schema.c: the one description of every class in cfarm/proto.h.
 *
 * Each class is a table of fields (name as in Chia, offset in the C struct, type, versions); the
 * walker in walk.c derives the decoder, encoder, destructor and JSON conversions from it. Field
 * order is wire order. Version bounds use the minor number of the harvester/farmer protocol
 * (35 = 0.0.35 ... 38 = 0.0.38); see docs/codec.md for where each layout comes from.
 */
#include "proto/schema.h"

#include <stddef.h>

/* ---- scalar and leaf types ---- */

#define LEAF(name, kind, ctype, len)                                                               \
    static const struct cf_type name = {kind, sizeof(ctype), len, NULL, 0, NULL}

LEAF(T_U8, CF_K_U8, uint8_t, 0);
LEAF(T_U16, CF_K_U16, uint16_t, 0);
LEAF(T_U32, CF_K_U32, uint32_t, 0);
LEAF(T_U64, CF_K_U64, uint64_t, 0);
LEAF(T_U128, CF_K_U128, cf_u128, 0);
LEAF(T_I16, CF_K_I16, int16_t, 0);
LEAF(T_BOOL, CF_K_BOOL, bool, 0);
LEAF(T_B32, CF_K_FIXED, uint8_t[32], 32);
LEAF(T_B100, CF_K_FIXED, uint8_t[100], 100);
LEAF(T_G1, CF_K_G1, struct cf_bls_pk, CF_G1_LEN);
LEAF(T_G2, CF_K_G2, struct cf_bls_sig, CF_G2_LEN);
LEAF(T_BYTES, CF_K_BYTES, struct cf_bytes, 0);
LEAF(T_STR, CF_K_STR, struct cf_str, 0);

static const struct cf_type T_U64x16 = {CF_K_ARRAY, sizeof(uint64_t[16]), 16, &T_U64, 0, NULL};

#define OPT(name, S, T)                                                                            \
    static const struct cf_type name = {                                                           \
        CF_K_OPTIONAL, sizeof(struct S), 0, &T, offsetof(struct S, v), NULL}
#define LIST(name, S, T)                                                                           \
    static const struct cf_type name = {CF_K_LIST, sizeof(struct S), 0, &T, 0, NULL}

OPT(O_B32, cf_opt_b32, T_B32);
OPT(O_G1, cf_opt_g1, T_G1);
OPT(O_G2, cf_opt_g2, T_G2);
OPT(O_U8, cf_opt_u8, T_U8);
OPT(O_U64, cf_opt_u64, T_U64);
OPT(O_BYTES, cf_opt_bytes, T_BYTES);
LIST(L_G1, cf_list_g1, T_G1);
LIST(L_B32, cf_list_b32, T_B32);
LIST(L_STR, cf_list_str, T_STR);

/* ---- classes ----
 * CLASS_TYPE declares the descriptor and its type so that later tables can refer to it;
 * CLASS_DESC defines it from the field table F_<name>. */

#define CLASS_TYPE(s, S)                                                                           \
    static const struct cf_class_desc D_##s;                                                       \
    static const struct cf_type T_##s = {CF_K_CLASS, sizeof(struct S), 0, NULL, 0, &D_##s}
#define CLASS_DESC(s, S, chia, tup)                                                                \
    static const struct cf_class_desc D_##s = {                                                    \
        #s, chia, sizeof(struct S), F_##s, sizeof F_##s / sizeof F_##s[0], tup, &T_##s}
#define F(S, m, T)                                                                                 \
    {                                                                                              \
#m, offsetof(struct S, m), &T, CF_VER_ANY_MIN, CF_VER_ANY_MAX                              \
    }
#define FV(S, m, T, lo, hi)                                                                        \
    {                                                                                              \
#m, offsetof(struct S, m), &T, lo, hi                                                      \
    }

/* shared_protocol */

CLASS_TYPE(capability, cf_capability);
static const struct cf_field F_capability[] = {
    {"0", offsetof(struct cf_capability, id), &T_U16, CF_VER_ANY_MIN, CF_VER_ANY_MAX},
    {"1", offsetof(struct cf_capability, value), &T_STR, CF_VER_ANY_MIN, CF_VER_ANY_MAX},
};
CLASS_DESC(capability, cf_capability, "Capability", true);
LIST(L_CAPABILITY, cf_list_capability, T_capability);

CLASS_TYPE(handshake, cf_handshake);
static const struct cf_field F_handshake[] = {
    F(cf_handshake, network_id, T_STR),       F(cf_handshake, protocol_version, T_STR),
    F(cf_handshake, software_version, T_STR), F(cf_handshake, server_port, T_U16),
    F(cf_handshake, node_type, T_U8),         F(cf_handshake, capabilities, L_CAPABILITY),
};
CLASS_DESC(handshake, cf_handshake, "Handshake", false);

CLASS_TYPE(error, cf_error_msg);
static const struct cf_field F_error[] = {
    F(cf_error_msg, code, T_I16),
    F(cf_error_msg, message, T_STR),
    F(cf_error_msg, data, O_BYTES),
};
CLASS_DESC(error, cf_error_msg, "Error", false);

/* blockchain format */

static const struct cf_class_desc D_proof_of_space;
static const struct cf_type T_proof_of_space = {
    CF_K_POS, sizeof(struct cf_proof_of_space), 0, NULL, 0, &D_proof_of_space};
/* JSON names and owned members; the wire layout is written by hand in walk.c. */
static const struct cf_field F_proof_of_space[] = {
    F(cf_proof_of_space, challenge, T_B32),
    F(cf_proof_of_space, pool_public_key, O_G1),
    F(cf_proof_of_space, pool_contract_puzzle_hash, O_B32),
    F(cf_proof_of_space, plot_public_key, T_G1),
    F(cf_proof_of_space, version, T_U8),
    F(cf_proof_of_space, plot_index, T_U16),
    F(cf_proof_of_space, meta_group, T_U8),
    F(cf_proof_of_space, strength, T_U8),
    F(cf_proof_of_space, size, T_U8),
    F(cf_proof_of_space, proof, T_BYTES),
};
CLASS_DESC(proof_of_space, cf_proof_of_space, "ProofOfSpace", false);

CLASS_TYPE(classgroup_element, cf_classgroup_element);
static const struct cf_field F_classgroup_element[] = {
    F(cf_classgroup_element, data, T_B100),
};
CLASS_DESC(classgroup_element, cf_classgroup_element, "ClassgroupElement", false);

CLASS_TYPE(vdf_info, cf_vdf_info);
static const struct cf_field F_vdf_info[] = {
    F(cf_vdf_info, challenge, T_B32),
    F(cf_vdf_info, number_of_iterations, T_U64),
    F(cf_vdf_info, output, T_classgroup_element),
};
CLASS_DESC(vdf_info, cf_vdf_info, "VDFInfo", false);
OPT(O_VDF_INFO, cf_opt_vdf_info, T_vdf_info);

CLASS_TYPE(reward_chain_block_unfinished, cf_reward_chain_block_unfinished);
static const struct cf_field F_reward_chain_block_unfinished[] = {
    F(cf_reward_chain_block_unfinished, total_iters, T_U128),
    F(cf_reward_chain_block_unfinished, signage_point_index, T_U8),
    F(cf_reward_chain_block_unfinished, pos_ss_cc_challenge_hash, T_B32),
    F(cf_reward_chain_block_unfinished, proof_of_space, T_proof_of_space),
    F(cf_reward_chain_block_unfinished, challenge_chain_sp_vdf, O_VDF_INFO),
    F(cf_reward_chain_block_unfinished, challenge_chain_sp_signature, T_G2),
    F(cf_reward_chain_block_unfinished, reward_chain_sp_vdf, O_VDF_INFO),
    F(cf_reward_chain_block_unfinished, reward_chain_sp_signature, T_G2),
};
CLASS_DESC(reward_chain_block_unfinished, cf_reward_chain_block_unfinished,
           "RewardChainBlockUnfinished", false);
OPT(O_RCBU, cf_opt_reward_chain_block_unfinished, T_reward_chain_block_unfinished);

CLASS_TYPE(pool_target, cf_pool_target);
static const struct cf_field F_pool_target[] = {
    F(cf_pool_target, puzzle_hash, T_B32),
    F(cf_pool_target, max_height, T_U32),
};
CLASS_DESC(pool_target, cf_pool_target, "PoolTarget", false);
OPT(O_POOL_TARGET, cf_opt_pool_target, T_pool_target);

CLASS_TYPE(foliage_block_data, cf_foliage_block_data);
static const struct cf_field F_foliage_block_data[] = {
    F(cf_foliage_block_data, unfinished_reward_block_hash, T_B32),
    F(cf_foliage_block_data, pool_target, T_pool_target),
    F(cf_foliage_block_data, pool_signature, O_G2),
    F(cf_foliage_block_data, farmer_reward_puzzle_hash, T_B32),
    F(cf_foliage_block_data, extension_data, T_B32),
};
CLASS_DESC(foliage_block_data, cf_foliage_block_data, "FoliageBlockData", false);
OPT(O_FOLIAGE_BLOCK_DATA, cf_opt_foliage_block_data, T_foliage_block_data);

CLASS_TYPE(foliage_transaction_block, cf_foliage_transaction_block);
static const struct cf_field F_foliage_transaction_block[] = {
    F(cf_foliage_transaction_block, prev_transaction_block_hash, T_B32),
    F(cf_foliage_transaction_block, timestamp, T_U64),
    F(cf_foliage_transaction_block, filter_hash, T_B32),
    F(cf_foliage_transaction_block, additions_root, T_B32),
    F(cf_foliage_transaction_block, removals_root, T_B32),
    F(cf_foliage_transaction_block, transactions_info_hash, T_B32),
};
CLASS_DESC(foliage_transaction_block, cf_foliage_transaction_block, "FoliageTransactionBlock",
           false);
OPT(O_FOLIAGE_TRANSACTION_BLOCK, cf_opt_foliage_transaction_block, T_foliage_transaction_block);

CLASS_TYPE(challenge_chain_sub_slot, cf_challenge_chain_sub_slot);
static const struct cf_field F_challenge_chain_sub_slot[] = {
    F(cf_challenge_chain_sub_slot, challenge_chain_end_of_slot_vdf, T_vdf_info),
    F(cf_challenge_chain_sub_slot, infused_challenge_chain_sub_slot_hash, O_B32),
    F(cf_challenge_chain_sub_slot, subepoch_summary_hash, O_B32),
    F(cf_challenge_chain_sub_slot, new_sub_slot_iters, O_U64),
    F(cf_challenge_chain_sub_slot, new_difficulty, O_U64),
};
CLASS_DESC(challenge_chain_sub_slot, cf_challenge_chain_sub_slot, "ChallengeChainSubSlot", false);

CLASS_TYPE(reward_chain_sub_slot, cf_reward_chain_sub_slot);
static const struct cf_field F_reward_chain_sub_slot[] = {
    F(cf_reward_chain_sub_slot, end_of_slot_vdf, T_vdf_info),
    F(cf_reward_chain_sub_slot, challenge_chain_sub_slot_hash, T_B32),
    F(cf_reward_chain_sub_slot, infused_challenge_chain_sub_slot_hash, O_B32),
    F(cf_reward_chain_sub_slot, deficit, T_U8),
};
CLASS_DESC(reward_chain_sub_slot, cf_reward_chain_sub_slot, "RewardChainSubSlot", false);

/* harvester_protocol */

CLASS_TYPE(pool_difficulty, cf_pool_difficulty);
static const struct cf_field F_pool_difficulty[] = {
    F(cf_pool_difficulty, difficulty, T_U64),
    F(cf_pool_difficulty, sub_slot_iters, T_U64),
    F(cf_pool_difficulty, pool_contract_puzzle_hash, T_B32),
};
CLASS_DESC(pool_difficulty, cf_pool_difficulty, "PoolDifficulty", false);
LIST(L_POOL_DIFFICULTY, cf_list_pool_difficulty, T_pool_difficulty);

CLASS_TYPE(harvester_handshake, cf_harvester_handshake);
static const struct cf_field F_harvester_handshake[] = {
    F(cf_harvester_handshake, farmer_public_keys, L_G1),
    F(cf_harvester_handshake, pool_public_keys, L_G1),
};
CLASS_DESC(harvester_handshake, cf_harvester_handshake, "HarvesterHandshake", false);

CLASS_TYPE(new_signage_point_harvester, cf_new_signage_point_harvester);
static const struct cf_field F_new_signage_point_harvester[] = {
    F(cf_new_signage_point_harvester, challenge_hash, T_B32),
    F(cf_new_signage_point_harvester, difficulty, T_U64),
    F(cf_new_signage_point_harvester, sub_slot_iters, T_U64),
    F(cf_new_signage_point_harvester, signage_point_index, T_U8),
    F(cf_new_signage_point_harvester, sp_hash, T_B32),
    F(cf_new_signage_point_harvester, pool_difficulties, L_POOL_DIFFICULTY),
    F(cf_new_signage_point_harvester, filter_prefix_bits, T_U8),
};
CLASS_DESC(new_signage_point_harvester, cf_new_signage_point_harvester, "NewSignagePointHarvester",
           false);

CLASS_TYPE(new_signage_point_harvester2, cf_new_signage_point_harvester2);
static const struct cf_field F_new_signage_point_harvester2[] = {
    F(cf_new_signage_point_harvester2, challenge_hash, T_B32),
    F(cf_new_signage_point_harvester2, difficulty, T_U64),
    F(cf_new_signage_point_harvester2, sub_slot_iters, T_U64),
    F(cf_new_signage_point_harvester2, signage_point_index, T_U8),
    F(cf_new_signage_point_harvester2, sp_hash, T_B32),
    F(cf_new_signage_point_harvester2, pool_difficulties, L_POOL_DIFFICULTY),
    F(cf_new_signage_point_harvester2, peak_height, T_U32),
    F(cf_new_signage_point_harvester2, last_tx_height, T_U32),
    FV(cf_new_signage_point_harvester2, filter_challenge, O_B32, 38, CF_VER_ANY_MAX),
};
CLASS_DESC(new_signage_point_harvester2, cf_new_signage_point_harvester2,
           "NewSignagePointHarvester2", false);

CLASS_TYPE(proof_of_space_fee_info, cf_proof_of_space_fee_info);
static const struct cf_field F_proof_of_space_fee_info[] = {
    F(cf_proof_of_space_fee_info, applied_fee_threshold, T_U32),
};
CLASS_DESC(proof_of_space_fee_info, cf_proof_of_space_fee_info, "ProofOfSpaceFeeInfo", false);
OPT(O_FEE_INFO, cf_opt_fee_info, T_proof_of_space_fee_info);

CLASS_TYPE(new_proof_of_space, cf_new_proof_of_space);
static const struct cf_field F_new_proof_of_space[] = {
    F(cf_new_proof_of_space, challenge_hash, T_B32),
    F(cf_new_proof_of_space, sp_hash, T_B32),
    F(cf_new_proof_of_space, plot_identifier, T_STR),
    F(cf_new_proof_of_space, proof, T_proof_of_space),
    F(cf_new_proof_of_space, signage_point_index, T_U8),
    FV(cf_new_proof_of_space, include_source_signature_data, T_BOOL, 36, CF_VER_ANY_MAX),
    FV(cf_new_proof_of_space, farmer_reward_address_override, O_B32, 36, CF_VER_ANY_MAX),
    FV(cf_new_proof_of_space, fee_info, O_FEE_INFO, 36, CF_VER_ANY_MAX),
};
CLASS_DESC(new_proof_of_space, cf_new_proof_of_space, "NewProofOfSpace", false);

CLASS_TYPE(signature_request_source_data, cf_signature_request_source_data);
static const struct cf_field F_signature_request_source_data[] = {
    F(cf_signature_request_source_data, kind, T_U8),
    F(cf_signature_request_source_data, data, T_BYTES),
};
CLASS_DESC(signature_request_source_data, cf_signature_request_source_data,
           "SignatureRequestSourceData", false);
OPT(O_SIG_SOURCE, cf_opt_sig_source_data, T_signature_request_source_data);
LIST(L_OPT_SIG_SOURCE, cf_list_opt_sig_source_data, O_SIG_SOURCE);
OPT(O_L_OPT_SIG_SOURCE, cf_opt_list_opt_sig_source_data, L_OPT_SIG_SOURCE);

CLASS_TYPE(request_signatures, cf_request_signatures);
static const struct cf_field F_request_signatures[] = {
    F(cf_request_signatures, plot_identifier, T_STR),
    F(cf_request_signatures, challenge_hash, T_B32),
    F(cf_request_signatures, sp_hash, T_B32),
    F(cf_request_signatures, messages, L_B32),
    FV(cf_request_signatures, message_data, O_L_OPT_SIG_SOURCE, 36, CF_VER_ANY_MAX),
    FV(cf_request_signatures, rc_block_unfinished, O_RCBU, 36, CF_VER_ANY_MAX),
};
CLASS_DESC(request_signatures, cf_request_signatures, "RequestSignatures", false);

CLASS_TYPE(message_signature, cf_message_signature);
static const struct cf_field F_message_signature[] = {
    {"0", offsetof(struct cf_message_signature, message), &T_B32, CF_VER_ANY_MIN, CF_VER_ANY_MAX},
    {"1", offsetof(struct cf_message_signature, signature), &T_G2, CF_VER_ANY_MIN, CF_VER_ANY_MAX},
};
CLASS_DESC(message_signature, cf_message_signature, "MessageSignature", true);
LIST(L_MESSAGE_SIGNATURE, cf_list_message_signature, T_message_signature);

CLASS_TYPE(respond_signatures, cf_respond_signatures);
static const struct cf_field F_respond_signatures[] = {
    F(cf_respond_signatures, plot_identifier, T_STR),
    F(cf_respond_signatures, challenge_hash, T_B32),
    F(cf_respond_signatures, sp_hash, T_B32),
    F(cf_respond_signatures, local_pk, T_G1),
    F(cf_respond_signatures, farmer_pk, T_G1),
    F(cf_respond_signatures, message_signatures, L_MESSAGE_SIGNATURE),
    FV(cf_respond_signatures, include_source_signature_data, T_BOOL, 36, CF_VER_ANY_MAX),
    FV(cf_respond_signatures, farmer_reward_address_override, O_B32, 36, CF_VER_ANY_MAX),
};
CLASS_DESC(respond_signatures, cf_respond_signatures, "RespondSignatures", false);

CLASS_TYPE(plot, cf_plot);
static const struct cf_field F_plot[] = {
    F(cf_plot, filename, T_STR),
    F(cf_plot, size, T_U8),
    F(cf_plot, plot_id, T_B32),
    F(cf_plot, pool_public_key, O_G1),
    F(cf_plot, pool_contract_puzzle_hash, O_B32),
    F(cf_plot, plot_public_key, T_G1),
    F(cf_plot, file_size, T_U64),
    F(cf_plot, time_modified, T_U64),
    F(cf_plot, compression_level, O_U8),
};
CLASS_DESC(plot, cf_plot, "Plot", false);
LIST(L_PLOT, cf_list_plot, T_plot);

CLASS_TYPE(plot2, cf_plot2);
static const struct cf_field F_plot2[] = {
    F(cf_plot2, filename, T_STR),
    F(cf_plot2, size, T_U8),
    F(cf_plot2, plot_id, T_B32),
    F(cf_plot2, pool_public_key, O_G1),
    F(cf_plot2, pool_contract_puzzle_hash, O_B32),
    F(cf_plot2, plot_public_key, T_G1),
    F(cf_plot2, file_size, T_U64),
    F(cf_plot2, time_modified, T_U64),
    F(cf_plot2, compression_level, O_U8),
    F(cf_plot2, plot_index, T_U16),
    F(cf_plot2, meta_group, T_U8),
};
CLASS_DESC(plot2, cf_plot2, "Plot2", false);
LIST(L_PLOT2, cf_list_plot2, T_plot2);

CLASS_TYPE(request_plots, cf_request_plots);
static const struct cf_class_desc D_request_plots = {
    "request_plots", "RequestPlots",  sizeof(struct cf_request_plots), NULL, 0,
    false,           &T_request_plots};

CLASS_TYPE(respond_plots, cf_respond_plots);
static const struct cf_field F_respond_plots[] = {
    F(cf_respond_plots, plots, L_PLOT),
    F(cf_respond_plots, failed_to_open_filenames, L_STR),
    F(cf_respond_plots, no_key_filenames, L_STR),
};
CLASS_DESC(respond_plots, cf_respond_plots, "RespondPlots", false);

CLASS_TYPE(respond_plots2, cf_respond_plots2);
static const struct cf_field F_respond_plots2[] = {
    F(cf_respond_plots2, plots, L_PLOT2),
    F(cf_respond_plots2, failed_to_open_filenames, L_STR),
    F(cf_respond_plots2, no_key_filenames, L_STR),
};
CLASS_DESC(respond_plots2, cf_respond_plots2, "RespondPlots2", false);

CLASS_TYPE(partial_proof, cf_partial_proof);
static const struct cf_field F_partial_proof[] = {
    F(cf_partial_proof, fragments, T_U64x16),
};
CLASS_DESC(partial_proof, cf_partial_proof, "PartialProof", false);
LIST(L_PARTIAL_PROOF, cf_list_partial_proof, T_partial_proof);

CLASS_TYPE(partial_proofs_data, cf_partial_proofs_data);
static const struct cf_field F_partial_proofs_data[] = {
    F(cf_partial_proofs_data, challenge_hash, T_B32),
    F(cf_partial_proofs_data, sp_hash, T_B32),
    F(cf_partial_proofs_data, plot_identifier, T_STR),
    F(cf_partial_proofs_data, partial_proofs, L_PARTIAL_PROOF),
    F(cf_partial_proofs_data, signage_point_index, T_U8),
    F(cf_partial_proofs_data, plot_size, T_U8),
    F(cf_partial_proofs_data, plot_index, T_U16),
    F(cf_partial_proofs_data, meta_group, T_U8),
    F(cf_partial_proofs_data, strength, T_U8),
    F(cf_partial_proofs_data, plot_id, T_B32),
    F(cf_partial_proofs_data, pool_public_key, O_G1),
    F(cf_partial_proofs_data, pool_contract_puzzle_hash, O_B32),
    F(cf_partial_proofs_data, plot_public_key, T_G1),
};
CLASS_DESC(partial_proofs_data, cf_partial_proofs_data, "PartialProofsData", false);

CLASS_TYPE(farming_info, cf_farming_info);
static const struct cf_field F_farming_info[] = {
    F(cf_farming_info, challenge_hash, T_B32), F(cf_farming_info, sp_hash, T_B32),
    F(cf_farming_info, timestamp, T_U64),      F(cf_farming_info, passed, T_U32),
    F(cf_farming_info, proofs, T_U32),         F(cf_farming_info, total_plots, T_U32),
    F(cf_farming_info, lookup_time, T_U64),
};
CLASS_DESC(farming_info, cf_farming_info, "FarmingInfo", false);

/* plot sync */

CLASS_TYPE(plot_sync_identifier, cf_plot_sync_identifier);
static const struct cf_field F_plot_sync_identifier[] = {
    F(cf_plot_sync_identifier, timestamp, T_U64),
    F(cf_plot_sync_identifier, sync_id, T_U64),
    F(cf_plot_sync_identifier, message_id, T_U64),
};
CLASS_DESC(plot_sync_identifier, cf_plot_sync_identifier, "PlotSyncIdentifier", false);
OPT(O_PLOT_SYNC_IDENTIFIER, cf_opt_plot_sync_identifier, T_plot_sync_identifier);

CLASS_TYPE(plot_sync_start, cf_plot_sync_start);
static const struct cf_field F_plot_sync_start[] = {
    F(cf_plot_sync_start, identifier, T_plot_sync_identifier),
    F(cf_plot_sync_start, initial, T_BOOL),
    F(cf_plot_sync_start, last_sync_id, T_U64),
    F(cf_plot_sync_start, plot_file_count, T_U32),
    F(cf_plot_sync_start, harvesting_mode, T_U8),
};
CLASS_DESC(plot_sync_start, cf_plot_sync_start, "PlotSyncStart", false);

CLASS_TYPE(plot_sync_path_list, cf_plot_sync_path_list);
static const struct cf_field F_plot_sync_path_list[] = {
    F(cf_plot_sync_path_list, identifier, T_plot_sync_identifier),
    F(cf_plot_sync_path_list, data, L_STR),
    F(cf_plot_sync_path_list, final, T_BOOL),
};
CLASS_DESC(plot_sync_path_list, cf_plot_sync_path_list, "PlotSyncPathList", false);

CLASS_TYPE(plot_sync_plot_list, cf_plot_sync_plot_list);
static const struct cf_field F_plot_sync_plot_list[] = {
    F(cf_plot_sync_plot_list, identifier, T_plot_sync_identifier),
    F(cf_plot_sync_plot_list, data, L_PLOT),
    F(cf_plot_sync_plot_list, final, T_BOOL),
};
CLASS_DESC(plot_sync_plot_list, cf_plot_sync_plot_list, "PlotSyncPlotList", false);

CLASS_TYPE(plot_sync_plot_list2, cf_plot_sync_plot_list2);
static const struct cf_field F_plot_sync_plot_list2[] = {
    F(cf_plot_sync_plot_list2, identifier, T_plot_sync_identifier),
    F(cf_plot_sync_plot_list2, data, L_PLOT2),
    F(cf_plot_sync_plot_list2, final, T_BOOL),
};
CLASS_DESC(plot_sync_plot_list2, cf_plot_sync_plot_list2, "PlotSyncPlotList2", false);

CLASS_TYPE(plot_sync_done, cf_plot_sync_done);
static const struct cf_field F_plot_sync_done[] = {
    F(cf_plot_sync_done, identifier, T_plot_sync_identifier),
    F(cf_plot_sync_done, duration, T_U64),
};
CLASS_DESC(plot_sync_done, cf_plot_sync_done, "PlotSyncDone", false);

CLASS_TYPE(plot_sync_error, cf_plot_sync_error);
static const struct cf_field F_plot_sync_error[] = {
    F(cf_plot_sync_error, code, T_I16),
    F(cf_plot_sync_error, message, T_STR),
    F(cf_plot_sync_error, expected_identifier, O_PLOT_SYNC_IDENTIFIER),
};
CLASS_DESC(plot_sync_error, cf_plot_sync_error, "PlotSyncError", false);
OPT(O_PLOT_SYNC_ERROR, cf_opt_plot_sync_error, T_plot_sync_error);

CLASS_TYPE(plot_sync_response, cf_plot_sync_response);
static const struct cf_field F_plot_sync_response[] = {
    F(cf_plot_sync_response, identifier, T_plot_sync_identifier),
    F(cf_plot_sync_response, message_type, T_I16),
    F(cf_plot_sync_response, error, O_PLOT_SYNC_ERROR),
};
CLASS_DESC(plot_sync_response, cf_plot_sync_response, "PlotSyncResponse", false);

/* farmer_protocol */

CLASS_TYPE(sp_sub_slot_source_data, cf_sp_sub_slot_source_data);
static const struct cf_field F_sp_sub_slot_source_data[] = {
    F(cf_sp_sub_slot_source_data, cc_sub_slot, T_challenge_chain_sub_slot),
    F(cf_sp_sub_slot_source_data, rc_sub_slot, T_reward_chain_sub_slot),
};
CLASS_DESC(sp_sub_slot_source_data, cf_sp_sub_slot_source_data, "SPSubSlotSourceData", false);
OPT(O_SP_SUB_SLOT, cf_opt_sp_sub_slot_source_data, T_sp_sub_slot_source_data);

CLASS_TYPE(sp_vdf_source_data, cf_sp_vdf_source_data);
static const struct cf_field F_sp_vdf_source_data[] = {
    F(cf_sp_vdf_source_data, cc_vdf, T_classgroup_element),
    F(cf_sp_vdf_source_data, rc_vdf, T_classgroup_element),
};
CLASS_DESC(sp_vdf_source_data, cf_sp_vdf_source_data, "SPVDFSourceData", false);
OPT(O_SP_VDF, cf_opt_sp_vdf_source_data, T_sp_vdf_source_data);

CLASS_TYPE(signage_point_source_data, cf_signage_point_source_data);
static const struct cf_field F_signage_point_source_data[] = {
    F(cf_signage_point_source_data, sub_slot_data, O_SP_SUB_SLOT),
    F(cf_signage_point_source_data, vdf_data, O_SP_VDF),
};
CLASS_DESC(signage_point_source_data, cf_signage_point_source_data, "SignagePointSourceData",
           false);
OPT(O_SP_SOURCE, cf_opt_signage_point_source_data, T_signage_point_source_data);

CLASS_TYPE(new_signage_point, cf_new_signage_point);
/* sp_source_data (added in 0.0.36 after peak_height) moved behind last_tx_height in 0.0.37. */
static const struct cf_field F_new_signage_point[] = {
    F(cf_new_signage_point, challenge_hash, T_B32),
    F(cf_new_signage_point, challenge_chain_sp, T_B32),
    F(cf_new_signage_point, reward_chain_sp, T_B32),
    F(cf_new_signage_point, difficulty, T_U64),
    F(cf_new_signage_point, sub_slot_iters, T_U64),
    F(cf_new_signage_point, signage_point_index, T_U8),
    F(cf_new_signage_point, peak_height, T_U32),
    FV(cf_new_signage_point, sp_source_data, O_SP_SOURCE, 36, 36),
    FV(cf_new_signage_point, last_tx_height, T_U32, 37, CF_VER_ANY_MAX),
    FV(cf_new_signage_point, sp_source_data, O_SP_SOURCE, 37, CF_VER_ANY_MAX),
    FV(cf_new_signage_point, filter_challenge, O_B32, 38, CF_VER_ANY_MAX),
};
CLASS_DESC(new_signage_point, cf_new_signage_point, "NewSignagePoint", false);

CLASS_TYPE(declare_proof_of_space, cf_declare_proof_of_space);
static const struct cf_field F_declare_proof_of_space[] = {
    F(cf_declare_proof_of_space, challenge_hash, T_B32),
    F(cf_declare_proof_of_space, challenge_chain_sp, T_B32),
    F(cf_declare_proof_of_space, signage_point_index, T_U8),
    F(cf_declare_proof_of_space, reward_chain_sp, T_B32),
    F(cf_declare_proof_of_space, proof_of_space, T_proof_of_space),
    F(cf_declare_proof_of_space, challenge_chain_sp_signature, T_G2),
    F(cf_declare_proof_of_space, reward_chain_sp_signature, T_G2),
    F(cf_declare_proof_of_space, farmer_puzzle_hash, T_B32),
    F(cf_declare_proof_of_space, pool_target, O_POOL_TARGET),
    F(cf_declare_proof_of_space, pool_signature, O_G2),
    FV(cf_declare_proof_of_space, include_signature_source_data, T_BOOL, 36, CF_VER_ANY_MAX),
};
CLASS_DESC(declare_proof_of_space, cf_declare_proof_of_space, "DeclareProofOfSpace", false);

CLASS_TYPE(request_signed_values, cf_request_signed_values);
static const struct cf_field F_request_signed_values[] = {
    F(cf_request_signed_values, quality_string, T_B32),
    F(cf_request_signed_values, foliage_block_data_hash, T_B32),
    F(cf_request_signed_values, foliage_transaction_block_hash, T_B32),
    FV(cf_request_signed_values, foliage_block_data, O_FOLIAGE_BLOCK_DATA, 36, CF_VER_ANY_MAX),
    FV(cf_request_signed_values, foliage_transaction_block_data, O_FOLIAGE_TRANSACTION_BLOCK, 36,
       CF_VER_ANY_MAX),
    FV(cf_request_signed_values, rc_block_unfinished, O_RCBU, 36, CF_VER_ANY_MAX),
};
CLASS_DESC(request_signed_values, cf_request_signed_values, "RequestSignedValues", false);

CLASS_TYPE(signed_values, cf_signed_values);
static const struct cf_field F_signed_values[] = {
    F(cf_signed_values, quality_string, T_B32),
    F(cf_signed_values, foliage_block_data_signature, T_G2),
    F(cf_signed_values, foliage_transaction_block_signature, T_G2),
};
CLASS_DESC(signed_values, cf_signed_values, "SignedValues", false);

/* solver_protocol */

CLASS_TYPE(solver_info, cf_solver_info);
static const struct cf_field F_solver_info[] = {
    F(cf_solver_info, partial_proof, T_partial_proof),
    F(cf_solver_info, plot_id, T_B32),
    F(cf_solver_info, strength, T_U8),
    F(cf_solver_info, size, T_U8),
};
CLASS_DESC(solver_info, cf_solver_info, "SolverInfo", false);

CLASS_TYPE(solver_response, cf_solver_response);
static const struct cf_field F_solver_response[] = {
    F(cf_solver_response, partial_proof, T_partial_proof),
    F(cf_solver_response, proof, T_BYTES),
};
CLASS_DESC(solver_response, cf_solver_response, "SolverResponse", false);

const struct cf_class_desc *const cf_schema_classes[CF_CLS__COUNT] = {
    [CF_CLS_HANDSHAKE] = &D_handshake,
    [CF_CLS_CAPABILITY] = &D_capability,
    [CF_CLS_ERROR] = &D_error,
    [CF_CLS_PROOF_OF_SPACE] = &D_proof_of_space,
    [CF_CLS_CLASSGROUP_ELEMENT] = &D_classgroup_element,
    [CF_CLS_VDF_INFO] = &D_vdf_info,
    [CF_CLS_REWARD_CHAIN_BLOCK_UNFINISHED] = &D_reward_chain_block_unfinished,
    [CF_CLS_POOL_TARGET] = &D_pool_target,
    [CF_CLS_FOLIAGE_BLOCK_DATA] = &D_foliage_block_data,
    [CF_CLS_FOLIAGE_TRANSACTION_BLOCK] = &D_foliage_transaction_block,
    [CF_CLS_CHALLENGE_CHAIN_SUB_SLOT] = &D_challenge_chain_sub_slot,
    [CF_CLS_REWARD_CHAIN_SUB_SLOT] = &D_reward_chain_sub_slot,
    [CF_CLS_POOL_DIFFICULTY] = &D_pool_difficulty,
    [CF_CLS_HARVESTER_HANDSHAKE] = &D_harvester_handshake,
    [CF_CLS_NEW_SIGNAGE_POINT_HARVESTER] = &D_new_signage_point_harvester,
    [CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2] = &D_new_signage_point_harvester2,
    [CF_CLS_PROOF_OF_SPACE_FEE_INFO] = &D_proof_of_space_fee_info,
    [CF_CLS_NEW_PROOF_OF_SPACE] = &D_new_proof_of_space,
    [CF_CLS_SIGNATURE_REQUEST_SOURCE_DATA] = &D_signature_request_source_data,
    [CF_CLS_REQUEST_SIGNATURES] = &D_request_signatures,
    [CF_CLS_MESSAGE_SIGNATURE] = &D_message_signature,
    [CF_CLS_RESPOND_SIGNATURES] = &D_respond_signatures,
    [CF_CLS_PLOT] = &D_plot,
    [CF_CLS_PLOT2] = &D_plot2,
    [CF_CLS_REQUEST_PLOTS] = &D_request_plots,
    [CF_CLS_RESPOND_PLOTS] = &D_respond_plots,
    [CF_CLS_RESPOND_PLOTS2] = &D_respond_plots2,
    [CF_CLS_PARTIAL_PROOF] = &D_partial_proof,
    [CF_CLS_PARTIAL_PROOFS_DATA] = &D_partial_proofs_data,
    [CF_CLS_FARMING_INFO] = &D_farming_info,
    [CF_CLS_PLOT_SYNC_IDENTIFIER] = &D_plot_sync_identifier,
    [CF_CLS_PLOT_SYNC_START] = &D_plot_sync_start,
    [CF_CLS_PLOT_SYNC_PATH_LIST] = &D_plot_sync_path_list,
    [CF_CLS_PLOT_SYNC_PLOT_LIST] = &D_plot_sync_plot_list,
    [CF_CLS_PLOT_SYNC_PLOT_LIST2] = &D_plot_sync_plot_list2,
    [CF_CLS_PLOT_SYNC_DONE] = &D_plot_sync_done,
    [CF_CLS_PLOT_SYNC_ERROR] = &D_plot_sync_error,
    [CF_CLS_PLOT_SYNC_RESPONSE] = &D_plot_sync_response,
    [CF_CLS_SP_SUB_SLOT_SOURCE_DATA] = &D_sp_sub_slot_source_data,
    [CF_CLS_SP_VDF_SOURCE_DATA] = &D_sp_vdf_source_data,
    [CF_CLS_SIGNAGE_POINT_SOURCE_DATA] = &D_signage_point_source_data,
    [CF_CLS_NEW_SIGNAGE_POINT] = &D_new_signage_point,
    [CF_CLS_DECLARE_PROOF_OF_SPACE] = &D_declare_proof_of_space,
    [CF_CLS_REQUEST_SIGNED_VALUES] = &D_request_signed_values,
    [CF_CLS_SIGNED_VALUES] = &D_signed_values,
    [CF_CLS_SOLVER_INFO] = &D_solver_info,
    [CF_CLS_SOLVER_RESPONSE] = &D_solver_response,
};

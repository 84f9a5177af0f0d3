/*
 * cfarm/consensus.h: Chia's proof-of-space consensus formulas (plot filter, proof-of-space
 * challenge, required iterations, expected plot size, plot id), as in chia-blockchain's
 * proof_of_space.py, pos_quality.py and pot_iterations.py. Pure functions, no allocation.
 */
#ifndef CFARM_CONSENSUS_H
#define CFARM_CONSENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

/* Mainnet constants. */
#define CF_MAINNET_DIFFICULTY_CONSTANT_FACTOR_LOG2 67
#define CF_MAINNET_NUM_SPS_SUB_SLOT 64
#define CF_MAINNET_POOL_SUB_SLOT_ITERS 37600000000ull
#define CF_MAINNET_FILTER_BITS 9

/* sha256(plot_id || challenge_hash || sp_hash). */
void cf_pos_filter_input(uint8_t out[32], const uint8_t plot_id[32],
                         const uint8_t challenge_hash[32], const uint8_t sp_hash[32]);
/* The first prefix_bits bits of the filter input are zero (0 bits always passes). */
bool cf_pos_passes_filter(const uint8_t plot_id[32], const uint8_t challenge_hash[32],
                          const uint8_t sp_hash[32], unsigned prefix_bits);
/* Mainnet plot-filter bits for a peak height (9, then 8, 7, 6, 5 at the hard-fork heights). */
unsigned cf_pos_prefix_bits(uint32_t height);
/* sha256(sha256(plot_id || challenge_hash || sp_hash)). */
void cf_pos_challenge(uint8_t out[32], const uint8_t plot_id[32],
                      const uint8_t challenge_hash[32], const uint8_t sp_hash[32]);
/* (2k+1) * 2^(k-1); CF_ERR_TOO_LARGE when it does not fit 64 bits. */
enum cf_err cf_pos_expected_plot_size(unsigned k, uint64_t *out);
/*
 * max(1, difficulty * dcf * int(sha256(quality || cc_sp_output_hash)) / (2^256 * expected_size)).
 * dcf is the difficulty constant factor (2^67 on mainnet) as a 128-bit value hi:lo.
 * CF_ERR_TOO_LARGE when the result does not fit 64 bits (Chia raises there).
 */
enum cf_err cf_pos_required_iters(uint64_t *out, const uint8_t quality[32],
                                  const uint8_t cc_sp_output_hash[32], unsigned k,
                                  uint64_t difficulty, uint64_t dcf_hi, uint64_t dcf_lo);
/* plot id = sha256(pool_pk (48) or pool_contract_puzzle_hash (32) || plot_public_key (48)). */
enum cf_err cf_pos_plot_id(uint8_t out[32], const uint8_t *pool, size_t pool_len,
                           const uint8_t plot_pk[48]);

#endif

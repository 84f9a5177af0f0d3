/*
 * cfarm/pos.h: chiapos v1 proof-of-space functions (no file I/O): F1 (ChaCha8), Fx (BLAKE3),
 * the matching function, proof verification, and the order chiapos gives the x-values of a proof.
 *
 * A proof is 64 x-values of k bits each, packed big-endian (x0 first) into 8k bytes. A quality
 * string is 32 bytes. k ranges over CF_POS_K_MIN..CF_POS_K_MAX as chiapos accepts.
 * Nothing here allocates; every function is safe to call from several threads.
 */
#ifndef CFARM_POS_H
#define CFARM_POS_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

#define CF_POS_K_MIN 18
#define CF_POS_K_MAX 50
#define CF_POS_PROOF_XS 64
#define CF_POS_ID_LEN 32
#define CF_POS_QUALITY_LEN 32
#define CF_POS_PROOF_MAX_LEN (8 * CF_POS_K_MAX)

/*
 * Verify a proof as chiapos's Verifier::ValidateProof does. On success writes the quality
 * string and returns CF_OK; an invalid proof returns CF_ERR_BAD_PROOF with a detail naming the
 * reason (wrong length, f7 does not match the challenge, table t does not match, ...).
 */
enum cf_err cf_pos_verify(const uint8_t plot_id[CF_POS_ID_LEN], unsigned k,
                          const uint8_t challenge[32], const uint8_t *proof, size_t proof_len,
                          uint8_t quality[CF_POS_QUALITY_LEN]);

/*
 * The same verification computed one value at a time with the scalar reference ChaCha8 and
 * BLAKE3 (cf_pos_verify evaluates F1 and Fx several lanes at once). Identical results; kept to
 * test and measure the fast path against.
 */
enum cf_err cf_pos_verify_ref(const uint8_t plot_id[CF_POS_ID_LEN], unsigned k,
                              const uint8_t challenge[32], const uint8_t *proof,
                              size_t proof_len, uint8_t quality[CF_POS_QUALITY_LEN]);

/*
 * Reorder 64 x-values read from a plot (on-disk order, as the prover walks tables 6..1) into the
 * order chiapos's GetFullProof returns them in.
 */
enum cf_err cf_pos_reorder_proof(const uint8_t plot_id[CF_POS_ID_LEN], unsigned k,
                                 const uint64_t xs_disk[CF_POS_PROOF_XS],
                                 uint64_t xs_proof[CF_POS_PROOF_XS]);

/* Pack 64 k-bit values into 8k bytes, and back. */
void cf_pos_pack_xs(uint8_t *out, unsigned k, const uint64_t xs[CF_POS_PROOF_XS]);
void cf_pos_unpack_xs(uint64_t xs[CF_POS_PROOF_XS], unsigned k, const uint8_t *proof);

/* Quality string from the two table-1 x values of a path: sha256(challenge || x_small || x_big)
 * with the 2k bits zero-padded to whole bytes, as chiapos computes it. */
void cf_pos_quality_from_xs(uint8_t quality[CF_POS_QUALITY_LEN], const uint8_t challenge[32],
                            unsigned k, uint64_t x_small, uint64_t x_big);

#endif

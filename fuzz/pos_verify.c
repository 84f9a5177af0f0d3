/*
 * fuzz/pos_verify.c: arbitrary plot id, k, challenge and proof bytes into cf_pos_verify (and the
 * same x values into cf_pos_reorder_proof): never crash, never read past the proof, and a
 * proof accepted once is accepted again with the same quality.
 *
 * Input: id (32) | challenge (32) | k (1 byte, used as is: 0..255) | proof (the rest).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/pos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t q1[32], q2[32];
    uint64_t xs[CF_POS_PROOF_XS], out[CF_POS_PROOF_XS];

    if (size < 65)
        return 0;
    const uint8_t *id = data, *challenge = data + 32, *proof = data + 65;
    unsigned k = data[64];
    size_t len = size - 65;

    /* Copy the proof to a buffer of exactly its length so ASan sees any overread. */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return 0;
    memcpy(copy, proof, len);
    if (cf_pos_verify(id, k, challenge, copy, len, q1) == CF_OK) {
        if (cf_pos_verify(id, k, challenge, copy, len, q2) != CF_OK || memcmp(q1, q2, 32) != 0)
            abort();
    }
    if (k >= CF_POS_K_MIN && k <= CF_POS_K_MAX && len >= 8 * (size_t)k) {
        cf_pos_unpack_xs(xs, k, copy);
        if (cf_pos_reorder_proof(id, k, xs, out) != CF_OK)
            abort();
    }
    free(copy);
    return 0;
}

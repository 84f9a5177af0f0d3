/*
 * fuzz/bls_decode.c: libFuzzer target for the G1 and G2 decoders of cfarm/bls.h.
 *
 * The first 48 bytes are decoded as a public key and the first 96 as a signature; whatever
 * decodes must re-encode to the same bytes (every valid encoding is canonical), and adding the
 * identity or negating twice must not change it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/bls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cf_bls_pk pk, id1, out1, neg1;
    struct cf_bls_sig sig, out2, neg2, twice[2];

    if (size >= CF_BLS_PK_LEN) {
        memcpy(pk.bytes, data, CF_BLS_PK_LEN);
        if (cf_bls_pk_validate(pk.bytes) == CF_OK) {
            cf_bls_pk_identity(&id1);
            if (cf_bls_pk_add(&out1, &pk, &id1) != CF_OK || memcmp(out1.bytes, pk.bytes, 48) != 0)
                abort();
            if (cf_bls_pk_negate(&neg1, &pk) != CF_OK || cf_bls_pk_negate(&out1, &neg1) != CF_OK ||
                memcmp(out1.bytes, pk.bytes, 48) != 0)
                abort();
        }
    }
    if (size >= CF_BLS_SIG_LEN) {
        memcpy(sig.bytes, data, CF_BLS_SIG_LEN);
        if (cf_bls_sig_validate(sig.bytes) == CF_OK) {
            twice[0] = sig;
            cf_bls_sig_identity(&twice[1]);
            if (cf_bls_aggregate(&out2, twice, 2) != CF_OK || memcmp(out2.bytes, sig.bytes, 96) != 0)
                abort();
            if (cf_bls_sig_negate(&neg2, &sig) != CF_OK || cf_bls_sig_negate(&out2, &neg2) != CF_OK ||
                memcmp(out2.bytes, sig.bytes, 96) != 0)
                abort();
        }
    }
    return 0;
}

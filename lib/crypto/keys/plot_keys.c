/*
 * plot_keys.c: the keys of one plot (chia/plotting/create_plots.py, chia/plotting/util.py,
 * chia/types/blockchain_format/proof_of_space.py).
 *
 * A plot's memo holds the pool key (or pool contract puzzle hash), the farmer public key and the
 * plot's local master secret key. From those: local_sk = local_master / 12381/8444/3/0,
 * plot_pk = local_pk + farmer_pk (+ taproot_pk for contract plots), plot_id = SHA-256(pool ||
 * plot_pk). The harvester signs with local_sk, the farmer adds its own share (and the taproot
 * share) so that the sum verifies under plot_pk.
 */
#include <string.h>

#include "cfarm/ct.h"
#include "cfarm/hash.h"
#include "cfarm/consensus.h"
#include "cfarm/keys.h"

enum cf_err cf_keys_taproot_sk(struct cf_bls_sk *out, const struct cf_bls_pk *local_pk,
                               const struct cf_bls_pk *farmer_pk)
{
    uint8_t msg[3 * CF_BLS_PK_LEN], hash[32];
    struct cf_bls_pk sum;
    enum cf_err err = cf_bls_pk_add(&sum, local_pk, farmer_pk);

    if (err != CF_OK) {
        memset(out, 0, sizeof *out);
        return err;
    }
    memcpy(msg, sum.bytes, CF_BLS_PK_LEN);
    memcpy(msg + CF_BLS_PK_LEN, local_pk->bytes, CF_BLS_PK_LEN);
    memcpy(msg + 2 * CF_BLS_PK_LEN, farmer_pk->bytes, CF_BLS_PK_LEN);
    cf_sha256(hash, msg, sizeof msg);
    err = cf_keys_keygen(out, hash, sizeof hash);
    cf_ct_wipe(hash, sizeof hash);
    return err;
}

enum cf_err cf_keys_plot_pk(struct cf_bls_pk *out, const struct cf_bls_pk *local_pk,
                            const struct cf_bls_pk *farmer_pk, bool include_taproot)
{
    struct cf_bls_pk sum, taproot_pk;
    struct cf_bls_sk taproot_sk;
    enum cf_err err = cf_bls_pk_add(&sum, local_pk, farmer_pk);

    if (err == CF_OK && include_taproot) {
        err = cf_keys_taproot_sk(&taproot_sk, local_pk, farmer_pk);
        if (err == CF_OK) {
            cf_bls_sk_to_pk(&taproot_pk, &taproot_sk);
            err = cf_bls_pk_add(&sum, &sum, &taproot_pk);
        }
        cf_ct_wipe(&taproot_sk, sizeof taproot_sk);
    }
    if (err == CF_OK)
        *out = sum;
    return err;
}

enum cf_err cf_keys_plot_id(uint8_t out[32], const uint8_t *pool, size_t pool_len,
                            const struct cf_bls_pk *plot_pk)
{
    /* One formula for the plotter, the harvester and the farmer's judge: consensus.h's. */
    return cf_pos_plot_id(out, pool, pool_len, plot_pk->bytes);
}

enum cf_err cf_keys_plot_from_memo(struct cf_keys_plot *out, const struct cf_keys_memo *memo)
{
    enum cf_err err;

    memset(out, 0, sizeof *out);
    err = cf_bls_sk_validate(&memo->local_master_sk);
    if (err == CF_OK && !memo->pool_contract)
        err = cf_bls_pk_validate(memo->pool_pk.bytes);
    if (err == CF_OK)
        err = cf_bls_pk_validate(memo->farmer_pk.bytes);
    if (err == CF_OK)
        err = cf_keys_local_sk(&out->local_sk, &memo->local_master_sk);
    if (err != CF_OK)
        goto fail;
    cf_bls_sk_to_pk(&out->local_pk, &out->local_sk);
    out->farmer_pk = memo->farmer_pk;
    out->include_taproot = memo->pool_contract;
    err = cf_keys_plot_pk(&out->plot_pk, &out->local_pk, &out->farmer_pk, out->include_taproot);
    if (err != CF_OK)
        goto fail;
    if (memo->pool_contract)
        err = cf_keys_plot_id(out->plot_id, memo->pool_contract_ph, 32, &out->plot_pk);
    else
        err = cf_keys_plot_id(out->plot_id, memo->pool_pk.bytes, CF_BLS_PK_LEN, &out->plot_pk);
    if (err == CF_OK)
        return CF_OK;
fail:
    cf_ct_wipe(out, sizeof *out);
    return err;
}

/*
 * derive.c: key_gen, hardened and unhardened child keys, paths, and Chia's key paths, on top of
 * bls.h's scalar and G1 arithmetic. The hashing parts are in eip2333.c.
 */
#include <string.h>

#include "cfarm/ct.h"
#include "cfarm/hash.h"
#include "cfarm/keys.h"
#include "keys_internal.h"

enum cf_err cf_keys_keygen(struct cf_bls_sk *sk, const uint8_t *seed, size_t len)
{
    uint8_t okm[48];
    enum cf_err err = cf_keys__keygen_okm(okm, seed, len);

    if (err == CF_OK)
        cf_bls_sk_from_wide(sk, okm, sizeof okm);
    else
        memset(sk, 0, sizeof *sk);
    cf_ct_wipe(okm, sizeof okm);
    return err;
}

enum cf_err cf_keys_derive_child_sk(struct cf_bls_sk *child, const struct cf_bls_sk *parent,
                                    uint32_t index)
{
    uint8_t lamport[32];
    enum cf_err err = cf_keys_lamport_pk(lamport, parent, index);

    if (err == CF_OK)
        err = cf_keys_keygen(child, lamport, sizeof lamport);
    else
        memset(child, 0, sizeof *child);
    cf_ct_wipe(lamport, sizeof lamport);
    return err;
}

void cf_keys_derive_child_sk_unhardened(struct cf_bls_sk *child, const struct cf_bls_sk *parent,
                                        uint32_t index)
{
    struct cf_bls_pk pk;
    struct cf_bls_sk tweak;
    uint8_t nonce[32];

    cf_bls_sk_to_pk(&pk, parent);
    cf_keys_unhardened_nonce(nonce, &pk, index);
    cf_bls_sk_from_wide(&tweak, nonce, sizeof nonce);
    cf_bls_sk_add(child, parent, &tweak);
    cf_ct_wipe(&tweak, sizeof tweak);
    cf_ct_wipe(nonce, sizeof nonce);
    cf_ct_wipe(&pk, sizeof pk);
}

enum cf_err cf_keys_derive_child_pk_unhardened(struct cf_bls_pk *child,
                                               const struct cf_bls_pk *parent_pk, uint32_t index)
{
    uint8_t nonce[32];

    cf_keys_unhardened_nonce(nonce, parent_pk, index);
    return cf_bls_pk_add_scalar_mul_g1(child, parent_pk, nonce);
}

enum cf_err cf_keys_derive_path(struct cf_bls_sk *out, const struct cf_bls_sk *parent,
                                const uint32_t *path, size_t n)
{
    struct cf_bls_sk cur = *parent;
    enum cf_err err = CF_OK;

    for (size_t i = 0; i < n && err == CF_OK; i++)
        err = cf_keys_derive_child_sk(&cur, &cur, path[i]);
    *out = cur;
    cf_ct_wipe(&cur, sizeof cur);
    return err;
}

void cf_keys_derive_path_unhardened(struct cf_bls_sk *out, const struct cf_bls_sk *parent,
                                    const uint32_t *path, size_t n)
{
    struct cf_bls_sk cur = *parent;

    for (size_t i = 0; i < n; i++)
        cf_keys_derive_child_sk_unhardened(&cur, &cur, path[i]);
    *out = cur;
    cf_ct_wipe(&cur, sizeof cur);
}

enum cf_err cf_keys_derive_pk_path_unhardened(struct cf_bls_pk *out,
                                              const struct cf_bls_pk *parent_pk,
                                              const uint32_t *path, size_t n)
{
    struct cf_bls_pk cur = *parent_pk;
    enum cf_err err = cf_bls_pk_validate(cur.bytes);

    for (size_t i = 0; i < n && err == CF_OK; i++)
        err = cf_keys_derive_child_pk_unhardened(&cur, &cur, path[i]);
    if (err == CF_OK)
        *out = cur;
    return err;
}

/* master / 12381 / 8444 / kind / index. */
static enum cf_err chia_path(struct cf_bls_sk *out, const struct cf_bls_sk *master, uint32_t kind,
                             uint32_t index)
{
    const uint32_t path[4] = {CF_KEYS_PURPOSE, CF_KEYS_COIN, kind, index};

    return cf_keys_derive_path(out, master, path, 4);
}

enum cf_err cf_keys_farmer_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master)
{
    return chia_path(out, master, 0, 0);
}

enum cf_err cf_keys_pool_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master)
{
    return chia_path(out, master, 1, 0);
}

enum cf_err cf_keys_wallet_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master, uint32_t index)
{
    return chia_path(out, master, 2, index);
}

void cf_keys_wallet_sk_unhardened(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                                  uint32_t index)
{
    const uint32_t path[4] = {CF_KEYS_PURPOSE, CF_KEYS_COIN, 2, index};

    cf_keys_derive_path_unhardened(out, master, path, 4);
}

enum cf_err cf_keys_local_sk(struct cf_bls_sk *out, const struct cf_bls_sk *local_master)
{
    return chia_path(out, local_master, 3, 0);
}

enum cf_err cf_keys_backup_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master)
{
    return chia_path(out, master, 4, 0);
}

enum cf_err cf_keys_singleton_owner_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                                       uint32_t pool_wallet_index)
{
    return chia_path(out, master, 5, pool_wallet_index);
}

enum cf_err cf_keys_pool_auth_sk(struct cf_bls_sk *out, const struct cf_bls_sk *master,
                                 uint32_t pool_wallet_index, uint32_t index)
{
    if (pool_wallet_index >= 10000 || index >= 10000)
        return cf_err_set(CF_ERR_INVAL, "pool authentication key indices must be below 10000");
    return chia_path(out, master, 6, pool_wallet_index * 10000 + index);
}

uint32_t cf_keys_fingerprint(const struct cf_bls_pk *pk)
{
    return cf_bls_pk_fingerprint(pk);
}

enum cf_err cf_keys_mnemonic_to_master_sk(struct cf_bls_sk *sk, const char *text)
{
    uint8_t seed[CF_KEYS_MNEMONIC_SEED_LEN];
    enum cf_err err = cf_keys_mnemonic_to_seed(seed, text);

    if (err == CF_OK)
        err = cf_keys_keygen(sk, seed, sizeof seed);
    cf_ct_wipe(seed, sizeof seed);
    return err;
}

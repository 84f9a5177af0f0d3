/*
 * keys.c: the farmer's keys (from cfarm's key file, or public keys from config.yaml for a farmer
 * that cannot sign) and the bech32m decoding of a reward address.
 */
#include <stdlib.h>
#include <string.h>

#include "cfarm/config.h"
#include "cfarm/ct.h"
#include "cfarm/farmer.h"
#include "cfarm/hex.h"
#include "cfarm/keystore.h"

static enum cf_err push_key(struct cf_farmer_key **v, size_t *n, const struct cf_bls_pk *pk,
                            const struct cf_bls_sk *sk)
{
    struct cf_farmer_key *nv;

    for (size_t i = 0; i < *n; i++)
        if (memcmp((*v)[i].pk.bytes, pk->bytes, 48) == 0)
            return CF_OK;
    nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (nv == NULL)
        return CF_ERR_NOMEM;
    *v = nv;
    memset(&nv[*n], 0, sizeof nv[*n]);
    nv[*n].pk = *pk;
    if (sk) {
        nv[*n].sk = *sk;
        nv[*n].has_sk = true;
    }
    (*n)++;
    return CF_OK;
}

static enum cf_err push_pk(struct cf_bls_pk **v, size_t *n, const struct cf_bls_pk *pk)
{
    struct cf_bls_pk *nv;

    for (size_t i = 0; i < *n; i++)
        if (memcmp((*v)[i].bytes, pk->bytes, 48) == 0)
            return CF_OK;
    nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (nv == NULL)
        return CF_ERR_NOMEM;
    *v = nv;
    nv[(*n)++] = *pk;
    return CF_OK;
}

/* Hex G1 keys (with or without 0x) of a config sequence or !!set mapping at path. */
static enum cf_err config_pks(const struct cf_config *doc, const char *path,
                              struct cf_farmer_key **keys, size_t *nkeys, struct cf_bls_pk **pks,
                              size_t *npks)
{
    const struct cf_config_node *node = doc ? cf_config_find(doc, NULL, path) : NULL;
    enum cf_config_kind kind = cf_config_node_kind(node);
    size_t n = cf_config_node_len(node);
    enum cf_err err = CF_OK;

    if (node == NULL || (kind != CF_CONFIG_SEQ && kind != CF_CONFIG_MAP))
        return CF_OK;
    for (size_t i = 0; i < n && err == CF_OK; i++) {
        const struct cf_config_node *it =
            kind == CF_CONFIG_SEQ ? cf_config_node_item(node, i) : cf_config_node_key(node, i);
        const char *hex = cf_config_node_text(it, NULL);
        struct cf_bls_pk pk;

        if (hex == NULL)
            continue;
        if (strncmp(hex, "0x", 2) == 0)
            hex += 2;
        if (cf_hex_decode_exact(pk.bytes, 48, hex) != CF_OK || cf_bls_pk_validate(pk.bytes))
            return cf_err_set(CF_ERR_CONFIG, "%s: '%.20s...' is not a G1 public key", path, hex);
        err = keys ? push_key(keys, nkeys, &pk, NULL) : push_pk(pks, npks, &pk);
    }
    return err;
}

enum cf_err cf_farmer_keys_load(const char *root, const struct cf_config *doc,
                                struct cf_farmer_keys *out)
{
    struct cf_keystore *ks = NULL;
    struct cf_keystore_keys k;
    enum cf_err err;

    memset(out, 0, sizeof *out);
    err = cf_keystore_load(root, &ks);
    for (size_t i = 0; err == CF_OK && i < cf_keystore_count(ks); i++) {
        if ((err = cf_keystore_derive(ks, i, &k)) != CF_OK)
            break;
        err = push_key(&out->farmer, &out->n_farmer, &k.farmer_pk, &k.farmer_sk);
        /* Chia's farmer lists the pool keys among its farmer keys too */
        if (err == CF_OK)
            err = push_key(&out->farmer, &out->n_farmer, &k.pool_pk, &k.pool_sk);
        if (err == CF_OK)
            err = push_key(&out->pool, &out->n_pool, &k.pool_pk, &k.pool_sk);
        if (err == CF_OK)
            err = push_pk(&out->announce_pool, &out->n_announce_pool, &k.pool_pk);
        cf_ct_wipe(&k, sizeof k);
    }
    cf_keystore_free(ks);
    if (err == CF_OK && out->n_farmer == 0)
        err =
            config_pks(doc, "farmer.farmer_public_keys", &out->farmer, &out->n_farmer, NULL, NULL);
    if (err == CF_OK)
        err = config_pks(doc, "farmer.pool_public_keys", NULL, NULL, &out->announce_pool,
                         &out->n_announce_pool);
    if (err == CF_OK && out->n_farmer == 0)
        err = cf_err_set(CF_ERR_NOT_FOUND, "no farmer key: add one with 'cfarm keys generate' or "
                                           "list farmer.farmer_public_keys in config.yaml");
    if (err != CF_OK)
        cf_farmer_keys_wipe(out);
    return err;
}

void cf_farmer_keys_wipe(struct cf_farmer_keys *k)
{
    if (k == NULL)
        return;
    if (k->farmer)
        cf_ct_wipe(k->farmer, k->n_farmer * sizeof *k->farmer);
    if (k->pool)
        cf_ct_wipe(k->pool, k->n_pool * sizeof *k->pool);
    free(k->farmer);
    free(k->pool);
    free(k->announce_pool);
    memset(k, 0, sizeof *k);
}

/* ---- bech32m (BIP 350) ---- */

static uint32_t polymod(const uint8_t *v, size_t n)
{
    static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t chk = 1;

    for (size_t i = 0; i < n; i++) {
        uint32_t top = chk >> 25;

        chk = (chk & 0x1ffffff) << 5 ^ v[i];
        for (int j = 0; j < 5; j++)
            if ((top >> j) & 1)
                chk ^= gen[j];
    }
    return chk;
}

enum cf_err cf_farmer_decode_address(const char *addr, uint8_t ph[32])
{
    static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    uint8_t v[200];
    const char *sep = strrchr(addr, '1');
    size_t hrp, len = strlen(addr), n = 0, data, bits = 0, out = 0;
    uint32_t acc = 0;

    if (sep == NULL || len > 90 || sep == addr || len - (size_t)(sep - addr) < 7)
        return cf_err_set(CF_ERR_BAD_VALUE, "'%s' is not a bech32m address", addr);
    hrp = (size_t)(sep - addr);
    for (size_t i = 0; i < hrp; i++)
        v[n++] = (uint8_t)addr[i] >> 5;
    v[n++] = 0;
    for (size_t i = 0; i < hrp; i++)
        v[n++] = (uint8_t)addr[i] & 31;
    data = n;
    for (const char *c = sep + 1; *c; c++) {
        const char *p = strchr(charset, *c >= 'A' && *c <= 'Z' ? *c + 32 : *c);

        if (p == NULL || *c == 0)
            return cf_err_set(CF_ERR_BAD_VALUE, "'%s' is not a bech32m address", addr);
        v[n++] = (uint8_t)(p - charset);
    }
    if (polymod(v, n) != 0x2bc830a3)
        return cf_err_set(CF_ERR_BAD_VALUE, "'%s': bad bech32m checksum", addr);
    for (size_t i = data; i < n - 6; i++) {
        acc = acc << 5 | v[i];
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (out == 32)
                return cf_err_set(CF_ERR_BAD_VALUE, "'%s' is not 32 bytes", addr);
            ph[out++] = (uint8_t)(acc >> bits);
        }
    }
    if (out != 32 || bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
        return cf_err_set(CF_ERR_BAD_VALUE, "'%s' is not a 32-byte puzzle hash", addr);
    return CF_OK;
}

/*
 * eip2333.c: the hashing half of Chia's key derivation: key_gen's HKDF, the nonce of Chia's
 * unhardened step, and path parsing. (The Lamport step of hardened derivation is in lamport.c.)
 *
 * The curve arithmetic (reduction mod r, scalar addition, G1 multiples) lives in derive.c on top of
 * bls.h; what is here only hashes, so its outputs can be checked against the vectors' intermediate
 * values (nonce) on their own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/ct.h"
#include "cfarm/hash.h"
#include "cfarm/keys.h"
#include "keys_internal.h"

static const char keygen_salt[] = "BLS-SIG-KEYGEN-SALT-"; /* used raw, not hashed first */

/*
 * PRK = HMAC-SHA256(salt, seed || 0x00), written out so that a seed of any length needs no copy.
 * The key (the 20-byte salt) is shorter than a block, so it is only zero-padded.
 */
static enum cf_err keygen_extract(uint8_t prk[32], const uint8_t *seed, size_t len)
{
    struct cf_sha256_ctx *c = cf_sha256_new();
    uint8_t pad[64], inner[32];
    const uint8_t zero = 0;

    if (c == NULL)
        return cf_err_set(CF_ERR_NOMEM, "key_gen: no hash context");
    memset(pad, 0x36, sizeof pad);
    for (size_t i = 0; i < sizeof keygen_salt - 1; i++)
        pad[i] ^= (uint8_t)keygen_salt[i];
    cf_sha256_update(c, pad, sizeof pad);
    cf_sha256_update(c, seed, len);
    cf_sha256_update(c, &zero, 1);
    cf_sha256_final(c, inner);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    cf_sha256_update(c, pad, sizeof pad);
    cf_sha256_update(c, inner, sizeof inner);
    cf_sha256_final(c, prk);
    cf_sha256_free(c);
    cf_ct_wipe(inner, sizeof inner);
    return CF_OK;
}

enum cf_err cf_keys__keygen_okm(uint8_t okm[48], const uint8_t *seed, size_t len)
{
    static const uint8_t info[2] = {0x00, 0x30}; /* I2OSP(L = 48, 2) */
    uint8_t prk[32];
    enum cf_err err;

    if (len < CF_KEYS_SEED_MIN)
        return cf_err_set(CF_ERR_BAD_KEY, "key_gen seed of %zu bytes (at least %d needed)", len,
                          CF_KEYS_SEED_MIN);
    err = keygen_extract(prk, seed, len);
    if (err == CF_OK)
        err = cf_hkdf_sha256_expand(okm, 48, prk, info, sizeof info);
    cf_ct_wipe(prk, sizeof prk);
    return err;
}

void cf_keys_unhardened_nonce(uint8_t out[32], const struct cf_bls_pk *parent_pk, uint32_t index)
{
    uint8_t idx[4];

    cf_store_be32(idx, index);
    cf_sha256_2(out, parent_pk->bytes, CF_BLS_PK_LEN, idx, sizeof idx);
}

/* One decimal step of a path; *s advances past it. */
static enum cf_err parse_step(const char **s, uint32_t *out, bool *mark, size_t step)
{
    const char *p = *s;
    uint64_t v = 0;
    size_t digits = 0;

    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX)
            return cf_err_set(CF_ERR_INVAL, "path step %zu does not fit 32 bits", step + 1);
        p++;
        digits++;
    }
    if (digits == 0)
        return cf_err_set(CF_ERR_INVAL, "path step %zu is not a number", step + 1);
    *mark = *p == 'n';
    if (*mark)
        p++;
    if (*p != '\0' && *p != '/')
        return cf_err_set(CF_ERR_INVAL, "path step %zu: unexpected character '%c'", step + 1, *p);
    *out = (uint32_t)v;
    *s = p;
    return CF_OK;
}

enum cf_err cf_keys_parse_path(const char *text, uint32_t *path, bool *marked, size_t max,
                               size_t *n)
{
    const char *p = text;
    size_t count = 0;
    bool mark = false;
    enum cf_err err;

    *n = 0;
    if (p[0] == 'm' && (p[1] == '\0' || p[1] == '/')) {
        p++;
        if (*p == '\0')
            return CF_OK;
        p++;
    }
    for (;;) {
        if (count == max)
            return cf_err_set(CF_ERR_INVAL, "path longer than %zu steps", max);
        err = parse_step(&p, &path[count], &mark, count);
        if (err != CF_OK)
            return err;
        if (marked)
            marked[count] = mark;
        count++;
        if (*p == '\0')
            break;
        p++; /* the '/'; a trailing one is allowed, as in Chia's "m/12381n/8444n/2/" */
        if (*p == '\0')
            break;
    }
    *n = count;
    return CF_OK;
}

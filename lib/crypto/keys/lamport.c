/*
 * lamport.c: the Lamport public key of a hardened EIP-2333 step, as Chia computes it:
 *
 *   for ikm in (sk_be32, NOT sk_be32):
 *       prk   = HMAC-SHA256(key = index_be32, ikm)                 (HKDF-Extract; no 0x00 appended)
 *       T(i)  = HMAC-SHA256(prk, T(i-1) || i), i = 1..255          (HKDF-Expand, info "", 8160
 * bytes) chunk hashes: SHA-256(T(i)), i = 1..255 lamport_pk = SHA-256(all 510 chunk hashes, first
 * half first)
 *
 * That is about 1800 SHA-256 blocks per step, 1530 of them in separate short messages. Going
 * through the one-shot shims of hash.h, OpenSSL 3 looks the digest up (under a lock) for every
 * message, which cost more than the hashing. So this file fetches SHA-256 once per step and builds
 * HMAC from two precomputed contexts (key ^ ipad, key ^ opad) that are copied per block. It uses
 * OpenSSL's EVP digest calls only; no hash function is written here.
 */
#include <string.h>

#include <openssl/evp.h>

#include "cfarm/bytes.h"
#include "cfarm/ct.h"
#include "cfarm/keys.h"

struct lamport_ctx {
    EVP_MD *md;
    EVP_MD_CTX *inner, *outer; /* HMAC key schedule: after key ^ ipad, key ^ opad */
    EVP_MD_CTX *work, *all;    /* scratch, and the running hash of all chunk hashes */
};

static void ctx_free(struct lamport_ctx *c)
{
    EVP_MD_CTX_free(c->inner); /* OpenSSL clears the digest state of a freed context */
    EVP_MD_CTX_free(c->outer);
    EVP_MD_CTX_free(c->work);
    EVP_MD_CTX_free(c->all);
    EVP_MD_free(c->md);
}

static int ctx_new(struct lamport_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    c->inner = EVP_MD_CTX_new();
    c->outer = EVP_MD_CTX_new();
    c->work = EVP_MD_CTX_new();
    c->all = EVP_MD_CTX_new();
    return c->md && c->inner && c->outer && c->work && c->all &&
           EVP_DigestInit_ex(c->all, c->md, NULL) == 1;
}

/* Load an HMAC key of at most 32 bytes: inner/outer hold the hashed padded key blocks. */
static int hmac_key(struct lamport_ctx *c, const uint8_t *key, size_t len)
{
    uint8_t pad[64];
    int ok;

    memset(pad, 0x36, sizeof pad);
    for (size_t i = 0; i < len; i++)
        pad[i] ^= key[i];
    ok = EVP_DigestInit_ex(c->inner, c->md, NULL) == 1 &&
         EVP_DigestUpdate(c->inner, pad, sizeof pad) == 1;
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] ^= 0x36 ^ 0x5c;
    ok = ok && EVP_DigestInit_ex(c->outer, c->md, NULL) == 1 &&
         EVP_DigestUpdate(c->outer, pad, sizeof pad) == 1;
    cf_ct_wipe(pad, sizeof pad);
    return ok;
}

/* out = HMAC(loaded key, a || b). */
static int hmac(struct lamport_ctx *c, uint8_t out[32], const uint8_t *a, size_t alen,
                const uint8_t *b, size_t blen)
{
    uint8_t inner[32];
    int ok = EVP_MD_CTX_copy_ex(c->work, c->inner) == 1 &&
             EVP_DigestUpdate(c->work, a, alen) == 1 && EVP_DigestUpdate(c->work, b, blen) == 1 &&
             EVP_DigestFinal_ex(c->work, inner, NULL) == 1 &&
             EVP_MD_CTX_copy_ex(c->work, c->outer) == 1 &&
             EVP_DigestUpdate(c->work, inner, sizeof inner) == 1 &&
             EVP_DigestFinal_ex(c->work, out, NULL) == 1;

    cf_ct_wipe(inner, sizeof inner);
    return ok;
}

/* One half: HKDF over ikm with salt, each 32-byte block hashed into c->all. */
static int half(struct lamport_ctx *c, const uint8_t ikm[32], const uint8_t salt[4])
{
    uint8_t prk[32], t[32], h[32];
    int ok = hmac_key(c, salt, 4) && hmac(c, prk, ikm, 32, NULL, 0) && hmac_key(c, prk, 32);

    for (unsigned i = 1; i <= 255 && ok; i++) {
        uint8_t counter = (uint8_t)i;

        ok = hmac(c, t, t, i == 1 ? 0 : sizeof t, &counter, 1) &&
             EVP_DigestInit_ex(c->work, c->md, NULL) == 1 &&
             EVP_DigestUpdate(c->work, t, sizeof t) == 1 &&
             EVP_DigestFinal_ex(c->work, h, NULL) == 1 &&
             EVP_DigestUpdate(c->all, h, sizeof h) == 1;
    }
    cf_ct_wipe(prk, sizeof prk);
    cf_ct_wipe(t, sizeof t);
    cf_ct_wipe(h, sizeof h);
    return ok;
}

enum cf_err cf_keys_lamport_pk(uint8_t out[32], const struct cf_bls_sk *parent, uint32_t index)
{
    struct lamport_ctx c;
    uint8_t salt[4], not_sk[32];
    enum cf_err err = CF_OK;

    memset(out, 0, 32);
    cf_store_be32(salt, index);
    for (size_t i = 0; i < 32; i++)
        not_sk[i] = (uint8_t)~parent->bytes[i];
    if (!ctx_new(&c) || !half(&c, parent->bytes, salt) || !half(&c, not_sk, salt) ||
        EVP_DigestFinal_ex(c.all, out, NULL) != 1) {
        memset(out, 0, 32);
        err = cf_err_set(CF_ERR_CRYPTO, "derive_child_sk: SHA-256 failed");
    }
    cf_ct_wipe(not_sk, sizeof not_sk);
    ctx_free(&c);
    return err;
}

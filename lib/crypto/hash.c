/* hash.c: OpenSSL 3 EVP shims for the hashes and KDFs cfarm needs. */
#include "cfarm/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdlib.h>

void cf_sha256(uint8_t out[CF_SHA256_LEN], const void *data, size_t len)
{
    EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL);
}

void cf_sha256_2(uint8_t out[CF_SHA256_LEN], const void *a, size_t alen, const void *b,
                 size_t blen)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, a, alen);
    EVP_DigestUpdate(c, b, blen);
    EVP_DigestFinal_ex(c, out, NULL);
    EVP_MD_CTX_free(c);
}

void cf_sha512(uint8_t out[CF_SHA512_LEN], const void *data, size_t len)
{
    EVP_Digest(data, len, out, NULL, EVP_sha512(), NULL);
}

struct cf_sha256_ctx *cf_sha256_new(void)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    if (c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return NULL;
    }
    return (struct cf_sha256_ctx *)c;
}

void cf_sha256_update(struct cf_sha256_ctx *c, const void *data, size_t len)
{
    EVP_DigestUpdate((EVP_MD_CTX *)c, data, len);
}

void cf_sha256_final(struct cf_sha256_ctx *c, uint8_t out[CF_SHA256_LEN])
{
    EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, NULL);
    EVP_DigestInit_ex((EVP_MD_CTX *)c, EVP_sha256(), NULL);
}

void cf_sha256_free(struct cf_sha256_ctx *c)
{
    EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

static enum cf_err hmac(const EVP_MD *md, uint8_t *out, const void *key, size_t klen,
                        const void *msg, size_t mlen)
{
    unsigned int n = 0;

    if (HMAC(md, key, (int)klen, msg, mlen, out, &n) == NULL)
        return cf_err_set(CF_ERR_CRYPTO, "HMAC failed");
    return CF_OK;
}

enum cf_err cf_hmac_sha256(uint8_t out[CF_SHA256_LEN], const void *key, size_t klen,
                           const void *msg, size_t mlen)
{
    return hmac(EVP_sha256(), out, key, klen, msg, mlen);
}

enum cf_err cf_hmac_sha512(uint8_t out[CF_SHA512_LEN], const void *key, size_t klen,
                           const void *msg, size_t mlen)
{
    return hmac(EVP_sha512(), out, key, klen, msg, mlen);
}

static enum cf_err hkdf(int mode, uint8_t *out, size_t outlen, const void *salt, size_t slen,
                        const void *key, size_t klen, const void *info, size_t infolen)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[6], *p = params;
    enum cf_err err = CF_OK;
    /* OpenSSL wants non-NULL pointers for the octet strings, even when empty. */
    static const unsigned char empty[1];

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, klen ? (void *)key : (void *)empty,
                                             klen);
    if (mode != EVP_KDF_HKDF_MODE_EXPAND_ONLY)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                                 slen ? (void *)salt : (void *)empty, slen);
    if (mode != EVP_KDF_HKDF_MODE_EXTRACT_ONLY)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                 infolen ? (void *)info : (void *)empty, infolen);
    *p = OSSL_PARAM_construct_end();
    if (ctx == NULL || EVP_KDF_derive(ctx, out, outlen, params) != 1)
        err = cf_err_set(CF_ERR_CRYPTO, "HKDF failed");
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return err;
}

enum cf_err cf_hkdf_sha256(uint8_t *out, size_t outlen, const void *salt, size_t slen,
                           const void *ikm, size_t ilen, const void *info, size_t infolen)
{
    return hkdf(EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, out, outlen, salt, slen, ikm, ilen, info,
                infolen);
}

enum cf_err cf_hkdf_sha256_extract(uint8_t prk[CF_SHA256_LEN], const void *salt, size_t slen,
                                   const void *ikm, size_t ilen)
{
    return hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, prk, CF_SHA256_LEN, salt, slen, ikm, ilen, NULL, 0);
}

enum cf_err cf_hkdf_sha256_expand(uint8_t *out, size_t outlen, const uint8_t prk[CF_SHA256_LEN],
                                  const void *info, size_t infolen)
{
    return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, out, outlen, NULL, 0, prk, CF_SHA256_LEN, info,
                infolen);
}

enum cf_err cf_pbkdf2_sha512(uint8_t *out, size_t outlen, const void *pass, size_t plen,
                             const void *salt, size_t slen, unsigned iterations)
{
    if (PKCS5_PBKDF2_HMAC(pass, (int)plen, salt, (int)slen, (int)iterations, EVP_sha512(),
                          (int)outlen, out) != 1)
        return cf_err_set(CF_ERR_CRYPTO, "PBKDF2 failed");
    return CF_OK;
}

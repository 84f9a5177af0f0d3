/*
 * cfarm/hash.h: SHA-256, SHA-512, HMAC, HKDF and PBKDF2 through OpenSSL 3 (EVP).
 *
 * Thin shims: no hashing is written here. One-shot functions cannot fail in practice; where
 * OpenSSL reports a failure they return CF_ERR_CRYPTO. Outputs are caller-owned arrays.
 */
#ifndef CFARM_HASH_H
#define CFARM_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

#define CF_SHA256_LEN 32
#define CF_SHA512_LEN 64

void cf_sha256(uint8_t out[CF_SHA256_LEN], const void *data, size_t len);
/* sha256(a || b) without building the concatenation. */
void cf_sha256_2(uint8_t out[CF_SHA256_LEN], const void *a, size_t alen, const void *b,
                 size_t blen);
void cf_sha512(uint8_t out[CF_SHA512_LEN], const void *data, size_t len);

/* Incremental SHA-256; the context is opaque and heap-allocated by OpenSSL. */
struct cf_sha256_ctx;
struct cf_sha256_ctx *cf_sha256_new(void);
void cf_sha256_update(struct cf_sha256_ctx *c, const void *data, size_t len);
void cf_sha256_final(struct cf_sha256_ctx *c, uint8_t out[CF_SHA256_LEN]); /* also resets */
void cf_sha256_free(struct cf_sha256_ctx *c);

enum cf_err cf_hmac_sha256(uint8_t out[CF_SHA256_LEN], const void *key, size_t klen,
                           const void *msg, size_t mlen);
enum cf_err cf_hmac_sha512(uint8_t out[CF_SHA512_LEN], const void *key, size_t klen,
                           const void *msg, size_t mlen);
/* HKDF-SHA256 extract-and-expand (RFC 5869) into out[0..outlen). */
enum cf_err cf_hkdf_sha256(uint8_t *out, size_t outlen, const void *salt, size_t slen,
                           const void *ikm, size_t ilen, const void *info, size_t infolen);
/* HKDF-SHA256 in two steps (extract, expand), as EIP-2333's IKM_to_lamport_SK uses them. */
enum cf_err cf_hkdf_sha256_extract(uint8_t prk[CF_SHA256_LEN], const void *salt, size_t slen,
                                   const void *ikm, size_t ilen);
enum cf_err cf_hkdf_sha256_expand(uint8_t *out, size_t outlen, const uint8_t prk[CF_SHA256_LEN],
                                  const void *info, size_t infolen);
enum cf_err cf_pbkdf2_sha512(uint8_t *out, size_t outlen, const void *pass, size_t plen,
                             const void *salt, size_t slen, unsigned iterations);

#endif

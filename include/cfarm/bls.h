/*
 * cfarm/bls.h: BLS12-381 signatures as Chia uses them (AugSchemeMPL, BasicSchemeMPL,
 * PopSchemeMPL), on fixed-size byte encodings.
 *
 * Values crossing this interface are plain byte structs with no interior pointers:
 *   - a secret key is 32 bytes big-endian, < r;
 *   - a public key is a 48-byte compressed G1 point (ZCash flags; identity = c0 00..00);
 *   - a signature is a 96-byte compressed G2 point (x.c1 || x.c0; identity = c0 00..00).
 * Every function that takes an encoded point decodes it with all of Chia's checks (flag bits,
 * canonical infinity, x < p, on curve, in subgroup) and fails with CF_ERR_BAD_POINT or
 * CF_ERR_NOT_IN_SUBGROUP, leaving a one-line reason in cf_err_detail(). Verification functions
 * return true/false (never an error): a point that does not decode makes them false.
 *
 * Secret-key operations run in constant time with respect to the key and wipe their temporaries.
 * A secret key given to sk_to_pk or a signing function may be any 32 bytes: it is used mod r.
 * Nothing here allocates on the heap, except the OpenSSL SHA-256 context that hashing to G2 uses
 * for the moment of the call (if OpenSSL cannot allocate it the hash is the identity, which no
 * verification accepts). The first sk_to_pk fills a 144 KiB static table (thread-safe, once).
 * Implementation notes: docs/crypto-bls.md.
 */
#ifndef CFARM_BLS_H
#define CFARM_BLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"

#define CF_BLS_SK_LEN  32
#define CF_BLS_PK_LEN  48
#define CF_BLS_SIG_LEN 96

struct cf_bls_sk {
    uint8_t bytes[CF_BLS_SK_LEN];
};

struct cf_bls_pk {
    uint8_t bytes[CF_BLS_PK_LEN];
};

struct cf_bls_sig {
    uint8_t bytes[CF_BLS_SIG_LEN];
};

/* Domain separation tags Chia uses. */
#define CF_BLS_DST_AUG       "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_AUG_"
#define CF_BLS_DST_BASIC     "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
#define CF_BLS_DST_POP       "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
#define CF_BLS_DST_POP_PROOF "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"

/* ---- elements ---- */

/* Decode and fully validate; CF_OK when the bytes are a valid element (identity included). */
enum cf_err cf_bls_pk_validate(const uint8_t bytes[CF_BLS_PK_LEN]);
enum cf_err cf_bls_sig_validate(const uint8_t bytes[CF_BLS_SIG_LEN]);
/* Strict secret-key check: 32 bytes, value < r (0 is allowed, as in Chia). */
enum cf_err cf_bls_sk_validate(const struct cf_bls_sk *sk);

/* pk = sk * G1 (constant time in sk). */
void cf_bls_sk_to_pk(struct cf_bls_pk *pk, const struct cf_bls_sk *sk);
/* out = a + b (point addition); fails when an input does not decode. out may alias a or b. */
enum cf_err cf_bls_pk_add(struct cf_bls_pk *out, const struct cf_bls_pk *a,
                          const struct cf_bls_pk *b);
enum cf_err cf_bls_pk_negate(struct cf_bls_pk *out, const struct cf_bls_pk *a);
/* out = pk + s*G1 for a public scalar s given as 32 big-endian bytes (reduced mod r). */
enum cf_err cf_bls_pk_add_scalar_mul_g1(struct cf_bls_pk *out, const struct cf_bls_pk *pk,
                                        const uint8_t s[32]);
/* Fingerprint: first 4 bytes of sha256(pk) as a big-endian uint32. */
uint32_t cf_bls_pk_fingerprint(const struct cf_bls_pk *pk);

enum cf_err cf_bls_sig_add(struct cf_bls_sig *out, const struct cf_bls_sig *a,
                           const struct cf_bls_sig *b);
enum cf_err cf_bls_sig_negate(struct cf_bls_sig *out, const struct cf_bls_sig *a);
/* The identity encodings. */
void cf_bls_pk_identity(struct cf_bls_pk *out);
void cf_bls_sig_identity(struct cf_bls_sig *out);

/* ---- scalars mod r (secret keys) ---- */

/* out = (a + b) mod r. Constant time. */
void cf_bls_sk_add(struct cf_bls_sk *out, const struct cf_bls_sk *a, const struct cf_bls_sk *b);
/* out = (big-endian integer of n bytes) mod r; n <= 64. Constant time in the value. */
void cf_bls_sk_from_wide(struct cf_bls_sk *out, const uint8_t *be, size_t n);

/* ---- hashing ---- */

/* RFC 9380 expand_message_xmd with SHA-256 (a DST over 255 bytes is hashed as the RFC says). */
enum cf_err cf_bls_expand_message_xmd(uint8_t *out, size_t out_len, const uint8_t *msg,
                                      size_t msg_len, const uint8_t *dst, size_t dst_len);
/* hash_to_G2 (SSWU, 3-isogeny, cofactor clearing), compressed output. */
void cf_bls_hash_to_g2(struct cf_bls_sig *out, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);

/* ---- schemes ---- */

/* AugSchemeMPL: signs own_pk || msg. */
void cf_bls_aug_sign(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                     size_t msg_len);
/* AugSchemeMPL with a prepended public key: signs prepend_pk || msg (the plot-signing form). */
void cf_bls_aug_sign_prepend(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                             size_t msg_len, const struct cf_bls_pk *prepend_pk);
bool cf_bls_aug_verify(const struct cf_bls_pk *pk, const uint8_t *msg, size_t msg_len,
                       const struct cf_bls_sig *sig);
/* Aggregate n signatures (n = 0 gives the identity); fails when one does not decode. */
enum cf_err cf_bls_aggregate(struct cf_bls_sig *out, const struct cf_bls_sig *sigs, size_t n);
/*
 * n pairs (pks[i], msgs[i] of msg_lens[i] bytes) against one aggregate; one final exponentiation.
 * False when any element does not decode or any pk is the identity; with n = 0, true only for
 * the identity signature. Repeated messages are allowed (Chia's Aug rule).
 */
bool cf_bls_aug_aggregate_verify(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                 const size_t *msg_lens, size_t n, const struct cf_bls_sig *sig);

void cf_bls_basic_sign(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                       size_t msg_len);
bool cf_bls_basic_verify(const struct cf_bls_pk *pk, const uint8_t *msg, size_t msg_len,
                         const struct cf_bls_sig *sig);
/* False when two messages are equal, as Chia's BasicSchemeMPL. */
bool cf_bls_basic_aggregate_verify(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                   const size_t *msg_lens, size_t n, const struct cf_bls_sig *sig);

void cf_bls_pop_sign(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                     size_t msg_len);
bool cf_bls_pop_verify(const struct cf_bls_pk *pk, const uint8_t *msg, size_t msg_len,
                       const struct cf_bls_sig *sig);
bool cf_bls_pop_aggregate_verify(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                 const size_t *msg_lens, size_t n, const struct cf_bls_sig *sig);
/* All pks sign the same message: their sum is verified as one key (n = 0 is false). */
bool cf_bls_pop_fast_aggregate_verify(const struct cf_bls_pk *pks, size_t n, const uint8_t *msg,
                                      size_t msg_len, const struct cf_bls_sig *sig);
void cf_bls_pop_prove(struct cf_bls_sig *proof, const struct cf_bls_sk *sk);
bool cf_bls_pop_proof_verify(const struct cf_bls_pk *pk, const struct cf_bls_sig *proof);

#endif

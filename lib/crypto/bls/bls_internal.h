/*
 * bls_internal.h: the arithmetic layers under cfarm/bls.h, shared by the files of lib/crypto/bls and the
 * unit tests. Not a public interface.
 *
 * Tower and representation:
 *   Fp    integers mod p in Montgomery form (a*2^384 mod p), six little-endian 64-bit limbs,
 *         always fully reduced (< p), so equality is limb equality;
 *   Fp2   = Fp[i]/(i^2 + 1);
 *   Fp6   = Fp2[v]/(v^3 - xi), xi = 1 + i;
 *   Fp12  = Fp6[w]/(w^2 - v), so w^6 = xi.
 *   G1: y^2 = x^3 + 4 over Fp; G2: y^2 = x^3 + 4(1 + i) over Fp2 (the M-type sextic twist).
 * Points are kept in homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, identity
 * (0 : 1 : 0), and added with the complete formulas of Renes, Costello and Batina (2016), which
 * have no exceptional cases: one code path for every input, which is what constant-time scalar
 * multiplication needs.
 *
 * Naming: functions that are constant time in all their inputs are the default here (field
 * arithmetic, complete point formulas, *_mul_ct); functions that branch on their inputs carry _vartime
 * and only ever see public data (decoding, verification, hashing of public messages).
 */
#ifndef CFARM_BLS_INTERNAL_H
#define CFARM_BLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t l[6];
} fp;
typedef struct {
    fp c0, c1;
} fp2;
typedef struct {
    fp2 c0, c1, c2;
} fp6;
typedef struct {
    fp6 c0, c1;
} fp12;

typedef struct {
    fp x, y, z;
} g1p;
typedef struct {
    fp2 x, y, z;
} g2p;
typedef struct {
    fp x, y;
    bool inf;
} g1a;
typedef struct {
    fp2 x, y;
    bool inf;
} g2a;

/* |x| for the curve parameter x = -0xd201000000010000. */
#define BLS_X_ABS 0xd201000000010000ULL

/* ---- Fp ---- */
extern const fp fp_zero_c, fp_one_c;
void fp_add(fp *r, const fp *a, const fp *b);
void fp_sub(fp *r, const fp *a, const fp *b);
void fp_neg(fp *r, const fp *a);
void fp_dbl(fp *r, const fp *a);
void fp_mul(fp *r, const fp *a, const fp *b);
void fp_sqr(fp *r, const fp *a);
/* r = a^e for a public exponent e of n 64-bit limbs (little-endian); time depends on e only. */
void fp_pow(fp *r, const fp *a, const uint64_t *e, size_t n);
void fp_inv(fp *r, const fp *a);                 /* 0 maps to 0 */
bool fp_sqrt(fp *r, const fp *a);                /* false when a is not a square */
bool fp_is_zero(const fp *a);
bool fp_eq(const fp *a, const fp *b);
void fp_cmov(fp *r, const fp *a, uint64_t mask); /* r = mask ? a : r */
void fp_from_u64(fp *r, uint64_t v);
/* Canonical (non-Montgomery) limbs. */
void fp_to_raw(uint64_t out[6], const fp *a);
/* From 48 big-endian bytes; false when the value is >= p. */
bool fp_from_bytes(fp *r, const uint8_t in[48]);
void fp_to_bytes(uint8_t out[48], const fp *a);
/* From 64 big-endian bytes, reduced mod p (hash_to_field). */
void fp_from_bytes_wide(fp *r, const uint8_t in[64]);
/* 1 when the canonical value is > (p-1)/2 (the ZCash "lexicographically largest" flag). */
int fp_is_lex_largest(const fp *a);
/* The parity of the canonical value (RFC 9380 sgn0 for Fp). */
int fp_parity(const fp *a);

/* ---- Fp2 ---- */
void fp2_add(fp2 *r, const fp2 *a, const fp2 *b);
void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b);
void fp2_neg(fp2 *r, const fp2 *a);
void fp2_dbl(fp2 *r, const fp2 *a);
void fp2_conj(fp2 *r, const fp2 *a);
void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b);
void fp2_sqr(fp2 *r, const fp2 *a);
void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b);
void fp2_mul_xi(fp2 *r, const fp2 *a); /* r = a * (1 + i) */
void fp2_inv(fp2 *r, const fp2 *a);    /* 0 maps to 0 */
bool fp2_sqrt(fp2 *r, const fp2 *a);   /* false when a is not a square; public data only */
bool fp2_is_zero(const fp2 *a);
bool fp2_eq(const fp2 *a, const fp2 *b);
void fp2_cmov(fp2 *r, const fp2 *a, uint64_t mask);
int fp2_sgn0(const fp2 *a);             /* RFC 9380 sgn0 */
int fp2_is_lex_largest(const fp2 *a);   /* ZCash sign flag: c1 decides, c0 when c1 = 0 */
void fp2_set_one(fp2 *r);
void fp2_set_zero(fp2 *r);

/* ---- Fp6, Fp12 ---- */
void fp6_add(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_neg(fp6 *r, const fp6 *a);
void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b);
void fp6_sqr(fp6 *r, const fp6 *a);
void fp6_mul_v(fp6 *r, const fp6 *a); /* r = a * v */
void fp6_inv(fp6 *r, const fp6 *a);

void fp12_set_one(fp12 *r);
bool fp12_is_one(const fp12 *a);
bool fp12_eq(const fp12 *a, const fp12 *b);
void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b);
void fp12_sqr(fp12 *r, const fp12 *a);
void fp12_inv(fp12 *r, const fp12 *a);
void fp12_conj(fp12 *r, const fp12 *a); /* a^(p^6) */
void fp12_frob(fp12 *r, const fp12 *a); /* a^p */
/* Squaring valid only for elements of the cyclotomic subgroup (Granger-Scott). */
void fp12_cyclo_sqr(fp12 *r, const fp12 *a);
/* r = a * line, line = (c0 + c2 v) + (c3 v) w: the shape of every Miller-loop line. */
void fp12_mul_line(fp12 *r, const fp12 *a, const fp2 *c0, const fp2 *c2, const fp2 *c3);

/* ---- G1 ---- */
void g1_generator(g1p *r);
void g1_identity(g1p *r);
bool g1_is_identity(const g1p *a);
void g1_add(g1p *r, const g1p *a, const g1p *b); /* complete */
void g1_dbl(g1p *r, const g1p *a);
void g1_neg(g1p *r, const g1p *a);
bool g1_eq(const g1p *a, const g1p *b);
void g1_to_affine(g1a *r, const g1p *a);
void g1_from_affine(g1p *r, const g1a *a);
bool g1_on_curve(const g1p *a);
bool g1_in_subgroup_vartime(const g1p *a);
/* r = k*a, k a 32-byte big-endian scalar; constant time in k (fixed 4-bit windows). */
void g1_mul_ct(g1p *r, const g1p *a, const uint8_t k[32]);
/* Plain double-and-add reference over n bytes big-endian; variable time. */
void g1_mul_vartime(g1p *r, const g1p *a, const uint8_t *k, size_t n);
void g1_compress(uint8_t out[48], const g1p *a);
/* CF_OK, CF_ERR_BAD_POINT or CF_ERR_NOT_IN_SUBGROUP (enum cf_err as int to keep this header lean). */
int g1_decompress(g1p *r, const uint8_t in[48]);

/* ---- G2 ---- */
void g2_generator(g2p *r);
void g2_identity(g2p *r);
bool g2_is_identity(const g2p *a);
void g2_add(g2p *r, const g2p *a, const g2p *b);
void g2_dbl(g2p *r, const g2p *a);
void g2_neg(g2p *r, const g2p *a);
bool g2_eq(const g2p *a, const g2p *b);
void g2_to_affine(g2a *r, const g2p *a);
void g2_from_affine(g2p *r, const g2a *a);
bool g2_on_curve(const g2p *a);
void g2_psi(g2p *r, const g2p *a);
void g2_mul_x_vartime(g2p *r, const g2p *a); /* r = x*a, x the (negative) curve parameter */
bool g2_in_subgroup_vartime(const g2p *a);
void g2_clear_cofactor(g2p *r, const g2p *a); /* r = h_eff * a */
void g2_mul_ct(g2p *r, const g2p *a, const uint8_t k[32]);
void g2_mul_vartime(g2p *r, const g2p *a, const uint8_t *k, size_t n);
void g2_compress(uint8_t out[96], const g2p *a);
int g2_decompress(g2p *r, const uint8_t in[96]);

/* ---- pairing ---- */
/* f = prod over i of the Miller loop value for (ps[i], qs[i]); identity pairs contribute 1. */
void bls_miller_loop(fp12 *f, const g1a *ps, const g2a *qs, size_t n);
void bls_final_exp(fp12 *r, const fp12 *f);
void bls_pairing(fp12 *r, const g1p *p, const g2p *q);

/* ---- hashing ---- */
void bls_map_to_g2(g2p *r, const fp2 *u); /* SSWU + 3-isogeny, no cofactor clearing */
void bls_hash_to_g2(g2p *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                    size_t dst_len);
/* Hash of pre || msg without building the concatenation. */
void bls_hash_to_g2_prefixed(g2p *r, const uint8_t *pre, size_t pre_len, const uint8_t *msg,
                             size_t msg_len, const uint8_t *dst, size_t dst_len);

#endif

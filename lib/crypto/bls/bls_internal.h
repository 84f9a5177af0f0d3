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
/* -p^-1 mod 2^64 */
#define BLS_P_INV_C 0x89f3fffcfffcfffdULL

/* ---- Fp ---- */
typedef unsigned __int128 u128;
extern const fp fp_zero_c, fp_one_c;
extern const uint64_t bls_p_limbs[6];


/*
 * Carry chains. On x86-64 the _addcarry/_subborrow intrinsics compile to plain ADC/SBB chains
 * (no CPU feature needed); elsewhere 128-bit arithmetic does the same.
 */
#if defined(__x86_64__)
#include <x86intrin.h>
static inline uint8_t bls_adc(uint8_t c, uint64_t a, uint64_t b, uint64_t *out)
{
    unsigned long long o;
    c = _addcarry_u64(c, a, b, &o);
    *out = o;
    return c;
}
static inline uint8_t bls_sbb(uint8_t c, uint64_t a, uint64_t b, uint64_t *out)
{
    unsigned long long o;
    c = _subborrow_u64(c, a, b, &o);
    *out = o;
    return c;
}
#else
static inline uint8_t bls_adc(uint8_t c, uint64_t a, uint64_t b, uint64_t *out)
{
    u128 s = (u128)a + b + c;
    *out = (uint64_t)s;
    return (uint8_t)(s >> 64);
}
static inline uint8_t bls_sbb(uint8_t c, uint64_t a, uint64_t b, uint64_t *out)
{
    u128 s = (u128)a - b - c;
    *out = (uint64_t)s;
    return (uint8_t)((s >> 64) & 1);
}
#endif

/* r = t - p when t >= p, else t; t < 2p. Constant time. */
static inline void fp_reduce_once(uint64_t r[6], const uint64_t t[6])
{
    uint64_t d[6];
    uint8_t borrow = 0;

    for (int i = 0; i < 6; i++)
        borrow = bls_sbb(borrow, t[i], bls_p_limbs[i], &d[i]);
    uint64_t keep = 0 - (uint64_t)borrow; /* all ones when t < p */
    for (int i = 0; i < 6; i++)
        r[i] = (t[i] & keep) | (d[i] & ~keep);
}

static inline void fp_add(fp *r, const fp *a, const fp *b)
{
    uint64_t t[6];
    uint8_t carry = 0;

    for (int i = 0; i < 6; i++)
        carry = bls_adc(carry, a->l[i], b->l[i], &t[i]);
    fp_reduce_once(r->l, t);
}

static inline void fp_sub(fp *r, const fp *a, const fp *b)
{
    uint64_t t[6];
    uint8_t borrow = 0, carry = 0;

    for (int i = 0; i < 6; i++)
        borrow = bls_sbb(borrow, a->l[i], b->l[i], &t[i]);
    uint64_t mask = 0 - (uint64_t)borrow; /* add p back when a < b */
    for (int i = 0; i < 6; i++)
        carry = bls_adc(carry, t[i], bls_p_limbs[i] & mask, &r->l[i]);
}

static inline void fp_neg(fp *r, const fp *a)
{
    fp_sub(r, &fp_zero_c, a);
}

/* r = a + b without reduction (< 2p when a, b < p): only as an input to fp_mul. */
static inline void fp_add_nr(fp *r, const fp *a, const fp *b)
{
    uint8_t carry = 0;

    for (int i = 0; i < 6; i++)
        carry = bls_adc(carry, a->l[i], b->l[i], &r->l[i]);
}

/*
 * Montgomery product r = a*b/R mod p (CIOS with the multiplication and reduction passes merged:
 * because the top limb of p is below 2^62, the running value never needs a seventh word).
 * Inputs below 2p are accepted (4p < R keeps the result below 2p before the last subtraction).
 */
static inline __attribute__((always_inline)) void fp_mont_mul_c(uint64_t r[6], const uint64_t a[6], const uint64_t b[6])
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0};

#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t bi = b[i], A, C, m;
        u128 s;

        s = (u128)a[0] * bi + t[0];
        A = (uint64_t)(s >> 64);
        t[0] = (uint64_t)s;
        m = t[0] * BLS_P_INV_C;
        s = (u128)m * bls_p_limbs[0] + t[0];
        C = (uint64_t)(s >> 64);
#pragma GCC unroll 5
        for (int j = 1; j < 6; j++) {
            s = (u128)a[j] * bi + t[j] + A;
            A = (uint64_t)(s >> 64);
            t[j] = (uint64_t)s;
            s = (u128)m * bls_p_limbs[j] + t[j] + C;
            C = (uint64_t)(s >> 64);
            t[j - 1] = (uint64_t)s;
        }
        t[5] = A + C;
    }
    fp_reduce_once(r, t);
}

/*
 * On x86-64 CPUs with BMI2 and ADX (checked once at start-up), optimised builds use the same
 * schedule written with MULX/ADCX/ADOX (fp_mulx.h, generated by tools/bls_mulx.py); sanitizer
 * and unoptimised builds always use the C above. test_bls_arith checks the two agree.
 */
extern int bls_have_mulx;
extern const uint64_t bls_p_inv_word;
#if defined(__x86_64__) && defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(CFARM_BLS_NO_ASM)
#define BLS_USE_MULX 1
#include "crypto/bls/fp_mulx.h"
#endif

static inline __attribute__((always_inline)) void fp_mont_mul(uint64_t r[6], const uint64_t a[6],
                                                              const uint64_t b[6])
{
#ifdef BLS_USE_MULX
    if (bls_have_mulx) {
        fp_mont_mul_mulx(r, a, b);
        return;
    }
#endif
    fp_mont_mul_c(r, a, b);
}

static inline void fp_dbl(fp *r, const fp *a)
{
    fp_add(r, a, a);
}

void fp_mul(fp *r, const fp *a, const fp *b);
void fp_sqr(fp *r, const fp *a);
/* r = a^e for a public exponent e of n 64-bit limbs (little-endian); time depends on e only. */
void fp_pow(fp *r, const fp *a, const uint64_t *e, size_t n);
void fp_inv(fp *r, const fp *a);                 /* 0 maps to 0 */
bool fp_sqrt(fp *r, const fp *a);                /* false when a is not a square */
void fp_pow_p_minus_3_div_4(fp *r, const fp *a); /* a^((p-3)/4): 1/sqrt(a) when a is a square */
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
/* The same when s^2 = norm(a) is already known (one exponentiation instead of two). */
bool fp2_sqrt_given_norm_root(fp2 *r, const fp2 *a, const fp *s);
void fp2_norm(fp *r, const fp2 *a); /* a0^2 + a1^2 */
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
/* r = k*G for the generator G; constant time in k (fixed-base table). */
void g1_mul_gen_ct(g1p *r, const uint8_t k[32]);
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
/* r = k*a for a in G2 (GLS with psi), constant time in k; any 32-byte k (reduced mod r). */
void g2_mul_ct(g2p *r, const g2p *a, const uint8_t k[32]);
/* r = k*a for any point of E2 (fixed 4-bit windows), constant time in k. */
void g2_mul_window_ct(g2p *r, const g2p *a, const uint8_t k[32]);
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
/* r = map(u0) + map(u1), sharing one inversion between the two maps. */
void bls_map2_to_g2(g2p *r, const fp2 *u0, const fp2 *u1);
void bls_hash_to_g2(g2p *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                    size_t dst_len);
/* Hash of pre || msg without building the concatenation. */
void bls_hash_to_g2_prefixed(g2p *r, const uint8_t *pre, size_t pre_len, const uint8_t *msg,
                             size_t msg_len, const uint8_t *dst, size_t dst_len);

#endif

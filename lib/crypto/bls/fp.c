/*
 * fp.c: arithmetic mod the BLS12-381 base field prime p (381 bits) on six 64-bit limbs.
 *
 * Elements are kept in Montgomery form (a*R mod p, R = 2^384) and fully reduced, so every
 * operation ends with one masked conditional subtraction and equality is limb equality.
 * Multiplication is word-by-word Montgomery (CIOS) with 128-bit products; because p < 2^382 the
 * running sum never needs more than seven words. Nothing here branches on or indexes by element
 * values, except the helpers documented as public-data only (pow takes a public exponent).
 */
#include "crypto/bls/bls_internal.h"

#include <string.h>

#include "cfarm/ct.h"
#include "crypto/bls/bls_consts.h"

typedef unsigned __int128 u128;

static const uint64_t P[6] = BLS_P_LIMBS;
static const uint64_t R2[6] = BLS_R2;
static const uint64_t R3[6] = BLS_R3;
static const uint64_t EXP_INV[6] = BLS_P_MINUS_2;
static const uint64_t EXP_SQRT[6] = BLS_P_PLUS_1_DIV_4;
static const uint64_t HALF_P[6] = BLS_P_MINUS_1_DIV_2;

const fp fp_zero_c = {{0}};
const fp fp_one_c = BLS_ONE;

/* r = t - p when t >= p, else t; t < 2p. */
static inline void reduce_once(uint64_t r[6], const uint64_t t[6])
{
    uint64_t d[6], borrow = 0;

    for (int i = 0; i < 6; i++) {
        u128 s = (u128)t[i] - P[i] - borrow;
        d[i] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t keep = 0 - borrow; /* all ones when t < p */
    for (int i = 0; i < 6; i++)
        r[i] = (t[i] & keep) | (d[i] & ~keep);
}

void fp_add(fp *r, const fp *a, const fp *b)
{
    uint64_t t[6], carry = 0;

    for (int i = 0; i < 6; i++) {
        u128 s = (u128)a->l[i] + b->l[i] + carry;
        t[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    reduce_once(r->l, t);
}

void fp_dbl(fp *r, const fp *a)
{
    fp_add(r, a, a);
}

void fp_sub(fp *r, const fp *a, const fp *b)
{
    uint64_t t[6], borrow = 0, carry = 0;

    for (int i = 0; i < 6; i++) {
        u128 s = (u128)a->l[i] - b->l[i] - borrow;
        t[i] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t mask = 0 - borrow; /* add p back when a < b */
    for (int i = 0; i < 6; i++) {
        u128 s = (u128)t[i] + (P[i] & mask) + carry;
        r->l[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

void fp_neg(fp *r, const fp *a)
{
    fp_sub(r, &fp_zero_c, a);
}

/* Montgomery product t = a*b/R mod p; a may be any value below 2^384, b below p. */
static void mont_mul(uint64_t r[6], const uint64_t a[6], const uint64_t b[6])
{
    uint64_t t[6] = {0, 0, 0, 0, 0, 0}, t6 = 0;

#pragma GCC unroll 6
    for (int i = 0; i < 6; i++) {
        uint64_t ai = a[i], carry = 0;
        u128 s;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) {
            s = (u128)ai * b[j] + t[j] + carry;
            t[j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        t6 += carry;
        uint64_t m = t[0] * BLS_P_INV;
        s = (u128)m * P[0] + t[0];
        carry = (uint64_t)(s >> 64);
#pragma GCC unroll 5
        for (int j = 1; j < 6; j++) {
            s = (u128)m * P[j] + t[j] + carry;
            t[j - 1] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        s = (u128)t6 + carry;
        t[5] = (uint64_t)s;
        t6 = (uint64_t)(s >> 64);
    }
    reduce_once(r, t);
}

void fp_mul(fp *r, const fp *a, const fp *b)
{
    mont_mul(r->l, a->l, b->l);
}

void fp_sqr(fp *r, const fp *a)
{
    mont_mul(r->l, a->l, a->l);
}

void fp_pow(fp *r, const fp *a, const uint64_t *e, size_t n)
{
    fp acc = fp_one_c, base = *a;
    int started = 0;

    for (size_t i = n; i-- > 0;) {
        for (int bit = 63; bit >= 0; bit--) {
            if (started)
                fp_sqr(&acc, &acc);
            if ((e[i] >> bit) & 1) {
                fp_mul(&acc, &acc, &base);
                started = 1;
            }
        }
    }
    *r = acc;
}

void fp_inv(fp *r, const fp *a)
{
    fp_pow(r, a, EXP_INV, 6);
}

bool fp_sqrt(fp *r, const fp *a)
{
    fp s, chk;

    fp_pow(&s, a, EXP_SQRT, 6);
    fp_sqr(&chk, &s);
    *r = s;
    return fp_eq(&chk, a);
}

bool fp_is_zero(const fp *a)
{
    uint64_t acc = 0;

    for (int i = 0; i < 6; i++)
        acc |= a->l[i];
    return cf_ct_is_zero_mask(acc) & 1;
}

bool fp_eq(const fp *a, const fp *b)
{
    uint64_t acc = 0;

    for (int i = 0; i < 6; i++)
        acc |= a->l[i] ^ b->l[i];
    return cf_ct_is_zero_mask(acc) & 1;
}

void fp_cmov(fp *r, const fp *a, uint64_t mask)
{
    for (int i = 0; i < 6; i++)
        r->l[i] = cf_ct_select(mask, a->l[i], r->l[i]);
}

void fp_from_u64(fp *r, uint64_t v)
{
    uint64_t raw[6] = {v, 0, 0, 0, 0, 0};

    mont_mul(r->l, raw, R2);
}

void fp_to_raw(uint64_t out[6], const fp *a)
{
    static const uint64_t one[6] = {1, 0, 0, 0, 0, 0};

    mont_mul(out, a->l, one);
}

static void load_be(uint64_t *limbs, size_t nlimbs, const uint8_t *in)
{
    for (size_t i = 0; i < nlimbs; i++) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++)
            v = (v << 8) | in[(nlimbs - 1 - i) * 8 + k];
        limbs[i] = v;
    }
}

/* 1 when a < b (six limbs), in constant time. */
static uint64_t lt6(const uint64_t a[6], const uint64_t b[6])
{
    uint64_t borrow = 0;

    for (int i = 0; i < 6; i++) {
        u128 s = (u128)a[i] - b[i] - borrow;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    return borrow;
}

bool fp_from_bytes(fp *r, const uint8_t in[48])
{
    uint64_t raw[6];

    load_be(raw, 6, in);
    if (!lt6(raw, P))
        return false;
    mont_mul(r->l, raw, R2);
    return true;
}

void fp_to_bytes(uint8_t out[48], const fp *a)
{
    uint64_t raw[6];

    fp_to_raw(raw, a);
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 8; k++)
            out[(5 - i) * 8 + k] = (uint8_t)(raw[i] >> (56 - 8 * k));
}

void fp_from_bytes_wide(fp *r, const uint8_t in[64])
{
    /* in = hi * 2^384 + lo with hi of 16 bytes; hi*2^384*R = mont(hi, R^3), lo*R = mont(lo, R^2). */
    uint64_t hi[6] = {0}, lo[6];
    fp a, b;

    load_be(hi, 2, in);
    load_be(lo, 6, in + 16);
    mont_mul(a.l, lo, R2);
    mont_mul(b.l, hi, R3);
    fp_add(r, &a, &b);
}

int fp_is_lex_largest(const fp *a)
{
    uint64_t raw[6];

    fp_to_raw(raw, a);
    return (int)lt6(HALF_P, raw);
}

int fp_parity(const fp *a)
{
    uint64_t raw[6];

    fp_to_raw(raw, a);
    return (int)(raw[0] & 1);
}

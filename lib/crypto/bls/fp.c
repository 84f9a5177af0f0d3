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

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "cfarm/ct.h"
#include "crypto/bls/bls_consts.h"

static const uint64_t R2[6] = BLS_R2;
static const uint64_t R2_2_256[6] = BLS_R2_2_256;
static const uint64_t EXP_INV[6] = BLS_P_MINUS_2;
static const uint64_t EXP_SQRT[6] = BLS_P_PLUS_1_DIV_4;
static const uint64_t EXP_ISQRT[6] = BLS_P_MINUS_3_DIV_4;
static const uint64_t HALF_P[6] = BLS_P_MINUS_1_DIV_2;

_Static_assert(BLS_P_INV_C == BLS_P_INV, "BLS_P_INV_C out of date");
const uint64_t bls_p_limbs[6] = BLS_P_LIMBS;
#define P bls_p_limbs
const uint64_t bls_p_inv_word = BLS_P_INV;
const fp fp_zero_c = {{0}};

int bls_have_mulx;

/* CPUID leaf 7: EBX bit 8 is BMI2 (MULX), bit 19 is ADX (ADCX/ADOX). */
__attribute__((constructor)) static void detect_mulx(void)
{
#if defined(__x86_64__)
    unsigned a, b, c, d;

    if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
        bls_have_mulx = ((b >> 8) & 1) && ((b >> 19) & 1) && !getenv("CFARM_BLS_NO_ASM");
#endif
}
const fp fp_one_c = BLS_ONE;

void fp_mul(fp *r, const fp *a, const fp *b)
{
    fp_mont_mul(r->l, a->l, b->l);
}

void fp_sqr(fp *r, const fp *a)
{
    fp_mont_mul(r->l, a->l, a->l);
}

void fp_pow(fp *r, const fp *a, const uint64_t *e, size_t n)
{
    /* Sliding window of up to 5 bits over a public exponent; odd powers a^1 .. a^31. */
    fp odd[16], a2, acc = fp_one_c;
    int nbits = (int)n * 64;

    odd[0] = *a;
    fp_sqr(&a2, a);
    for (int i = 1; i < 16; i++)
        fp_mul(&odd[i], &odd[i - 1], &a2);
#define EBIT(k) ((int)((e[(k) / 64] >> ((k) % 64)) & 1))
    while (nbits > 0 && !EBIT(nbits - 1))
        nbits--;
    for (int i = nbits - 1; i >= 0;) {
        if (!EBIT(i)) {
            fp_sqr(&acc, &acc);
            i--;
            continue;
        }
        int lo = i - 4 < 0 ? 0 : i - 4, val = 0;
        while (!EBIT(lo))
            lo++;
        for (int k = i; k >= lo; k--) {
            fp_sqr(&acc, &acc);
            val = (val << 1) | EBIT(k);
        }
        fp_mul(&acc, &acc, &odd[val >> 1]);
        i = lo - 1;
    }
#undef EBIT
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

void fp_pow_p_minus_3_div_4(fp *r, const fp *a)
{
    fp_pow(r, a, EXP_ISQRT, 6);
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

    fp_mont_mul(r->l, raw, R2);
}

void fp_to_raw(uint64_t out[6], const fp *a)
{
    static const uint64_t one[6] = {1, 0, 0, 0, 0, 0};

    fp_mont_mul(out, a->l, one);
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
    fp_mont_mul(r->l, raw, R2);
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
    /*
     * in = hi * 2^256 + lo with hi, lo of 32 bytes each, both below p, as the product needs:
     * hi*2^256*R = mont(hi, R^2 2^256) and lo*R = mont(lo, R^2).
     */
    uint64_t hi[6] = {0}, lo[6] = {0};
    fp a, b;

    load_be(hi, 4, in);
    load_be(lo, 4, in + 32);
    fp_mont_mul(a.l, lo, R2);
    fp_mont_mul(b.l, hi, R2_2_256);
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

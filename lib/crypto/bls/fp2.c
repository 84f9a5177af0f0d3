/*
 * fp2.c: the quadratic extension Fp2 = Fp[i]/(i^2 + 1) that G2 lives over.
 *
 * Multiplication is Karatsuba (three Fp products), squaring uses (a0+a1)(a0-a1) (two).
 * Square roots reduce to Fp square roots through the norm; they branch, and are used only on
 * public values (point decoding and hashing public messages).
 */
#include "crypto/bls/bls_internal.h"

#include "crypto/bls/bls_consts.h"

void fp2_add(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}

void fp2_sub(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}

void fp2_neg(fp2 *r, const fp2 *a)
{
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}

void fp2_dbl(fp2 *r, const fp2 *a)
{
    fp_dbl(&r->c0, &a->c0);
    fp_dbl(&r->c1, &a->c1);
}

void fp2_conj(fp2 *r, const fp2 *a)
{
    r->c0 = a->c0;
    fp_neg(&r->c1, &a->c1);
}

void fp2_mul(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp t0, t1, s0, s1;

    fp_mont_mul(t0.l, a->c0.l, b->c0.l);
    fp_mont_mul(t1.l, a->c1.l, b->c1.l);
    fp_add_nr(&s0, &a->c0, &a->c1);
    fp_add_nr(&s1, &b->c0, &b->c1);
    fp_mont_mul(s0.l, s0.l, s1.l);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);
}

void fp2_sqr(fp2 *r, const fp2 *a)
{
    fp s, d, m;

    fp_add_nr(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mont_mul(m.l, a->c0.l, a->c1.l);
    fp_mont_mul(r->c0.l, s.l, d.l);
    fp_dbl(&r->c1, &m);
}

void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b)
{
    fp_mul(&r->c0, &a->c0, b);
    fp_mul(&r->c1, &a->c1, b);
}

void fp2_mul_xi(fp2 *r, const fp2 *a)
{
    fp t0;

    fp_sub(&t0, &a->c0, &a->c1);
    fp_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t0;
}

void fp2_inv(fp2 *r, const fp2 *a)
{
    fp n, t;

    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

/* r = a/2. */
static void fp_half(fp *r, const fp *a)
{
    static const fp half = BLS_HALF;

    fp_mul(r, a, &half);
}

bool fp2_sqrt_given_norm_root(fp2 *r, const fp2 *a, const fp *s)
{
    /*
     * With a1 != 0 and s^2 = a0^2 + a1^2: t = (a0 + s)/2 is non-zero and u = t^((p-3)/4) gives
     * t u^2 = +-1. If +1, t is a square: x = t u + (a1 u / 2) i. If -1, -t is (t u)^2:
     * x = (-a1 u / 2) + t u i. One exponentiation; the result is checked.
     */
    fp t, u, chk;
    fp2 cand, sq;

    if (fp_is_zero(&a->c1)) {
        if (fp_sqrt(&cand.c0, &a->c0)) {
            cand.c1 = fp_zero_c;
        } else {
            fp_neg(&t, &a->c0);
            if (!fp_sqrt(&cand.c1, &t))
                return false;
            cand.c0 = fp_zero_c;
        }
        *r = cand;
        return true;
    }
    fp_add(&t, &a->c0, s);
    fp_half(&t, &t);
    fp_pow_p_minus_3_div_4(&u, &t);
    fp_sqr(&chk, &u);
    fp_mul(&chk, &chk, &t);
    if (fp_eq(&chk, &fp_one_c)) {
        fp_mul(&cand.c0, &t, &u);
        fp_mul(&cand.c1, &a->c1, &u);
        fp_half(&cand.c1, &cand.c1);
    } else {
        fp_mul(&cand.c1, &t, &u);
        fp_mul(&cand.c0, &a->c1, &u);
        fp_half(&cand.c0, &cand.c0);
        fp_neg(&cand.c0, &cand.c0);
    }
    fp2_sqr(&sq, &cand);
    if (!fp2_eq(&sq, a))
        return false;
    *r = cand;
    return true;
}

void fp2_norm(fp *r, const fp2 *a)
{
    fp t;

    fp_sqr(r, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(r, r, &t);
}

bool fp2_sqrt(fp2 *r, const fp2 *a)
{
    fp n, s;

    if (fp_is_zero(&a->c1))
        return fp2_sqrt_given_norm_root(r, a, &fp_zero_c);
    fp2_norm(&n, a);
    if (!fp_sqrt(&s, &n))
        return false; /* a square in Fp2 has a square norm */
    return fp2_sqrt_given_norm_root(r, a, &s);
}

bool fp2_is_zero(const fp2 *a)
{
    return (bool)((int)fp_is_zero(&a->c0) & (int)fp_is_zero(&a->c1));
}

bool fp2_eq(const fp2 *a, const fp2 *b)
{
    return (bool)((int)fp_eq(&a->c0, &b->c0) & (int)fp_eq(&a->c1, &b->c1));
}

void fp2_cmov(fp2 *r, const fp2 *a, uint64_t mask)
{
    fp_cmov(&r->c0, &a->c0, mask);
    fp_cmov(&r->c1, &a->c1, mask);
}

int fp2_sgn0(const fp2 *a)
{
    int sign0 = fp_parity(&a->c0), zero0 = fp_is_zero(&a->c0), sign1 = fp_parity(&a->c1);

    return sign0 | (zero0 & sign1);
}

int fp2_is_lex_largest(const fp2 *a)
{
    if (!fp_is_zero(&a->c1))
        return fp_is_lex_largest(&a->c1);
    return fp_is_lex_largest(&a->c0);
}

void fp2_set_one(fp2 *r)
{
    r->c0 = fp_one_c;
    r->c1 = fp_zero_c;
}

void fp2_set_zero(fp2 *r)
{
    r->c0 = fp_zero_c;
    r->c1 = fp_zero_c;
}

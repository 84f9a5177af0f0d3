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

    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&s0, &a->c0, &a->c1);
    fp_add(&s1, &b->c0, &b->c1);
    fp_mul(&s0, &s0, &s1);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);
}

void fp2_sqr(fp2 *r, const fp2 *a)
{
    fp s, d, m;

    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
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

bool fp2_sqrt(fp2 *r, const fp2 *a)
{
    fp n, s, t, x0, x1, inv;
    fp2 chk, cand;

    if (fp2_is_zero(a)) {
        fp2_set_zero(r);
        return true;
    }
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    if (!fp_sqrt(&s, &n))
        return false;
    /* x0^2 = (a0 +- sqrt(norm)) / 2; one sign gives a square in Fp. */
    fp_add(&t, &a->c0, &s);
    fp_half(&t, &t);
    if (!fp_sqrt(&x0, &t)) {
        fp_sub(&t, &a->c0, &s);
        fp_half(&t, &t);
        if (!fp_sqrt(&x0, &t))
            return false;
    }
    if (fp_is_zero(&x0)) {
        /* a = -x1^2 with a1 = 0 */
        fp_neg(&t, &a->c0);
        if (!fp_sqrt(&x1, &t))
            return false;
    } else {
        fp_dbl(&inv, &x0);
        fp_inv(&inv, &inv);
        fp_mul(&x1, &a->c1, &inv);
    }
    cand.c0 = x0;
    cand.c1 = x1;
    fp2_sqr(&chk, &cand);
    if (!fp2_eq(&chk, a))
        return false;
    *r = cand;
    return true;
}

bool fp2_is_zero(const fp2 *a)
{
    return fp_is_zero(&a->c0) & fp_is_zero(&a->c1);
}

bool fp2_eq(const fp2 *a, const fp2 *b)
{
    return fp_eq(&a->c0, &b->c0) & fp_eq(&a->c1, &b->c1);
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

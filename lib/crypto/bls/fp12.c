/*
 * fp12.c: Fp12 = Fp6[w]/(w^2 - v), where pairing values live.
 *
 * Besides the generic product and square this has what the pairing needs to be fast: a product
 * by the sparse Miller-loop line (c0 + c2 v) + (c3 v) w, the Frobenius map (coefficients of w^k
 * are conjugated and scaled by xi^(k(p-1)/6)), and the Granger-Scott squaring for elements of the
 * cyclotomic subgroup, where the final exponentiation spends most of its time.
 */
#include "crypto/bls/bls_internal.h"

#include "crypto/bls/bls_consts.h"

static const fp2 FROB[5] = BLS_FROB;

void fp12_set_one(fp12 *r)
{
    fp2_set_one(&r->c0.c0);
    fp2_set_zero(&r->c0.c1);
    fp2_set_zero(&r->c0.c2);
    fp2_set_zero(&r->c1.c0);
    fp2_set_zero(&r->c1.c1);
    fp2_set_zero(&r->c1.c2);
}

bool fp12_eq(const fp12 *a, const fp12 *b)
{
    int eq = fp2_eq(&a->c0.c0, &b->c0.c0);

    eq &= fp2_eq(&a->c0.c1, &b->c0.c1);
    eq &= fp2_eq(&a->c0.c2, &b->c0.c2);
    eq &= fp2_eq(&a->c1.c0, &b->c1.c0);
    eq &= fp2_eq(&a->c1.c1, &b->c1.c1);
    eq &= fp2_eq(&a->c1.c2, &b->c1.c2);
    return eq;
}

bool fp12_is_one(const fp12 *a)
{
    fp12 one;

    fp12_set_one(&one);
    return fp12_eq(a, &one);
}

void fp12_mul(fp12 *r, const fp12 *a, const fp12 *b)
{
    fp6 t0, t1, s, u;

    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

void fp12_sqr(fp12 *r, const fp12 *a)
{
    /* (g + h w)^2 = (g^2 + v h^2) + 2gh w, with g^2 + v h^2 = (g + h)(g + v h) - gh - v gh */
    fp6 t, s, u;

    fp6_mul(&t, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&u, &a->c1);
    fp6_add(&u, &u, &a->c0);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t);
    fp6_mul_v(&u, &t);
    fp6_sub(&r->c0, &s, &u);
    fp6_add(&r->c1, &t, &t);
}

void fp12_inv(fp12 *r, const fp12 *a)
{
    fp6 t, s;

    fp6_sqr(&t, &a->c0);
    fp6_sqr(&s, &a->c1);
    fp6_mul_v(&s, &s);
    fp6_sub(&t, &t, &s);
    fp6_inv(&t, &t);
    fp6_mul(&r->c0, &a->c0, &t);
    fp6_mul(&s, &a->c1, &t);
    fp6_neg(&r->c1, &s);
}

void fp12_conj(fp12 *r, const fp12 *a)
{
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

void fp12_frob(fp12 *r, const fp12 *a)
{
    /* c0 holds w^0, w^2, w^4; c1 holds w^1, w^3, w^5. */
    fp2 t;

    fp2_conj(&r->c0.c0, &a->c0.c0);
    fp2_conj(&t, &a->c0.c1);
    fp2_mul(&r->c0.c1, &t, &FROB[1]);
    fp2_conj(&t, &a->c0.c2);
    fp2_mul(&r->c0.c2, &t, &FROB[3]);
    fp2_conj(&t, &a->c1.c0);
    fp2_mul(&r->c1.c0, &t, &FROB[0]);
    fp2_conj(&t, &a->c1.c1);
    fp2_mul(&r->c1.c1, &t, &FROB[2]);
    fp2_conj(&t, &a->c1.c2);
    fp2_mul(&r->c1.c2, &t, &FROB[4]);
}

/* (a + b s)^2 in Fp4 = Fp2[s]/(s^2 - xi). */
static void fp4_sqr(fp2 *r0, fp2 *r1, const fp2 *a, const fp2 *b)
{
    fp2 a2, b2, t;

    fp2_sqr(&a2, a);
    fp2_sqr(&b2, b);
    fp2_add(&t, a, b);
    fp2_sqr(&t, &t);
    fp2_sub(&t, &t, &a2);
    fp2_sub(r1, &t, &b2);
    fp2_mul_xi(&b2, &b2);
    fp2_add(r0, &a2, &b2);
}

/* r = 3t - 2z (sub = 1) or 3t + 2z (sub = 0). */
static void three_two(fp2 *r, const fp2 *t, const fp2 *z, int sub)
{
    fp2 u;

    if (sub)
        fp2_sub(&u, t, z);
    else
        fp2_add(&u, t, z);
    fp2_dbl(&u, &u);
    fp2_add(r, &u, t);
}

void fp12_cyclo_sqr(fp12 *r, const fp12 *a)
{
    /*
     * Over Fp4 = Fp2[s], s = w^3, the element is A + B w + C w^2 with A = (g0, h1), B = (h0, g2),
     * C = (g1, h2). For cyclotomic elements (Granger and Scott, 2010):
     *   A' = 3A^2 - 2 conj(A),  B' = 3 s C^2 + 2 conj(B),  C' = 3B^2 - 2 conj(C),
     * where conj(x0 + x1 s) = x0 - x1 s.
     */
    fp2 t0, t1, t2, t3, t4, t5;

    fp4_sqr(&t0, &t1, &a->c0.c0, &a->c1.c1);
    fp4_sqr(&t2, &t3, &a->c1.c0, &a->c0.c2);
    fp4_sqr(&t4, &t5, &a->c0.c1, &a->c1.c2);
    three_two(&r->c0.c0, &t0, &a->c0.c0, 1);
    three_two(&r->c1.c1, &t1, &a->c1.c1, 0);
    fp2_mul_xi(&t5, &t5);
    three_two(&r->c1.c0, &t5, &a->c1.c0, 0);
    three_two(&r->c0.c2, &t4, &a->c0.c2, 1);
    three_two(&r->c0.c1, &t2, &a->c0.c1, 1);
    three_two(&r->c1.c2, &t3, &a->c1.c2, 0);
}

void fp12_mul_line(fp12 *r, const fp12 *a, const fp2 *c0, const fp2 *c2, const fp2 *c3)
{
    fp6 gl, hl, s;
    fp2 t0, t1, t2, u, w, l1;
    const fp6 *g = &a->c0, *h = &a->c1;

    /* gl = g * (c0 + c2 v) */
    fp2_mul(&t0, &g->c0, c0);
    fp2_mul(&t1, &g->c1, c2);
    fp2_mul(&t2, &g->c2, c2);
    fp2_mul_xi(&t2, &t2);
    fp2_add(&gl.c0, &t0, &t2);
    fp2_add(&u, &g->c0, &g->c1);
    fp2_add(&w, c0, c2);
    fp2_mul(&u, &u, &w);
    fp2_sub(&u, &u, &t0);
    fp2_sub(&gl.c1, &u, &t1);
    fp2_mul(&u, &g->c2, c0);
    fp2_add(&gl.c2, &u, &t1);
    /* hl = h * (c3 v) */
    fp2_mul(&u, &h->c2, c3);
    fp2_mul_xi(&hl.c0, &u);
    fp2_mul(&hl.c1, &h->c0, c3);
    fp2_mul(&hl.c2, &h->c1, c3);
    /* r1 = (g + h)(c0 + (c2 + c3) v) - gl - hl */
    fp6_add(&s, g, h);
    fp2_add(&l1, c2, c3);
    fp2_mul(&t0, &s.c0, c0);
    fp2_mul(&t1, &s.c1, &l1);
    fp2_mul(&t2, &s.c2, &l1);
    fp2_mul_xi(&t2, &t2);
    fp6 m;
    fp2_add(&m.c0, &t0, &t2);
    fp2_add(&u, &s.c0, &s.c1);
    fp2_add(&w, c0, &l1);
    fp2_mul(&u, &u, &w);
    fp2_sub(&u, &u, &t0);
    fp2_sub(&m.c1, &u, &t1);
    fp2_mul(&u, &s.c2, c0);
    fp2_add(&m.c2, &u, &t1);
    fp6_sub(&m, &m, &gl);
    fp6_sub(&r->c1, &m, &hl);
    /* r0 = gl + v hl */
    fp6_mul_v(&hl, &hl);
    fp6_add(&r->c0, &gl, &hl);
}

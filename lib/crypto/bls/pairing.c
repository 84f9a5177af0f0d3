/*
 * pairing.c: the optimal ate pairing on BLS12-381, e(P, Q) for P in G1, Q in G2.
 *
 * The Miller loop runs over the bits of |x| (x = -0xd201000000010000) for all pairs at once, so
 * the accumulator is squared once per bit whatever the number of pairs, and a product of n
 * pairings costs one final exponentiation. T stays on the twist in homogeneous projective
 * coordinates; each doubling or addition step yields the line through T (and Q) evaluated at P,
 * scaled by Fp2 factors the final exponentiation removes, in the sparse shape
 * (c0 + c2 v) + (c3 v) w. Since x < 0 the loop value is conjugated at the end.
 *
 * Final exponentiation: f^((p^6 - 1)(p^2 + 1)) first (easy part), then the hard part through
 *   3 (p^4 - p^2 + 1)/r = (x - 1)^2 (x + p)(x^2 + p^2 - 1) + 3,
 * which needs five exponentiations by x with cyclotomic squarings. The result is the cube of the
 * reduced pairing; since gcd(3, r) = 1 this is again a non-degenerate bilinear pairing, and
 * everything cfarm does with it is to compare products against 1.
 */
#include "crypto/bls/bls_internal.h"

#include "crypto/bls/bls_consts.h"

/* Pairs per pass; longer lists are done in chunks whose loop values are multiplied. */
#define CHUNK 8

static const fp2 B2_X3 = BLS_B2_X3; /* 3b' */

struct pair_state {
    g2p t;
    fp2 qx, qy;
    fp nxp, yp; /* -xP, yP */
};

static void dbl_step(fp12 *f, struct pair_state *s)
{
    fp2 b, c, e, e3, h, j, t, u, c0, c2, c3;
    g2p *T = &s->t;

    fp2_sqr(&b, &T->y);
    fp2_sqr(&c, &T->z);
    fp2_mul(&e, &c, &B2_X3);
    fp2_add(&h, &T->y, &T->z);
    fp2_sqr(&h, &h);
    fp2_sub(&h, &h, &b);
    fp2_sub(&h, &h, &c); /* 2YZ */
    fp2_sqr(&j, &T->x);
    /* line: (Y^2 - 3b'Z^2) + (-3X^2 xP) v + (2YZ yP) v w */
    fp2_sub(&c0, &b, &e);
    fp2_dbl(&t, &j);
    fp2_add(&t, &t, &j);
    fp2_mul_fp(&c2, &t, &s->nxp);
    fp2_mul_fp(&c3, &h, &s->yp);
    /* T = 2T: X = 2XY(b - 3e), Y = (b - 3e)(b + e) + 8be, Z = 4bh */
    fp2_dbl(&e3, &e);
    fp2_add(&e3, &e3, &e);
    fp2_sub(&e3, &b, &e3);
    fp2_mul(&t, &T->x, &T->y);
    fp2_dbl(&t, &t);
    fp2_mul(&T->x, &t, &e3);
    fp2_add(&u, &b, &e);
    fp2_mul(&u, &u, &e3);
    fp2_mul(&t, &b, &e);
    fp2_dbl(&t, &t);
    fp2_dbl(&t, &t);
    fp2_dbl(&t, &t);
    fp2_add(&T->y, &u, &t);
    fp2_mul(&t, &b, &h);
    fp2_dbl(&t, &t);
    fp2_dbl(&T->z, &t);
    fp12_mul_line(f, f, &c0, &c2, &c3);
}

static void add_step(fp12 *f, struct pair_state *s)
{
    fp2 theta, lambda, c, d, e, ff, g, h, t, c0, c2, c3;
    g2p *T = &s->t;

    fp2_mul(&t, &s->qy, &T->z);
    fp2_sub(&theta, &T->y, &t);
    fp2_mul(&t, &s->qx, &T->z);
    fp2_sub(&lambda, &T->x, &t);
    /* line: (theta xQ - lambda yQ) + (-theta xP) v + (lambda yP) v w */
    fp2_mul(&c0, &theta, &s->qx);
    fp2_mul(&t, &lambda, &s->qy);
    fp2_sub(&c0, &c0, &t);
    fp2_mul_fp(&c2, &theta, &s->nxp);
    fp2_mul_fp(&c3, &lambda, &s->yp);
    /* T = T + Q */
    fp2_sqr(&c, &theta);
    fp2_sqr(&d, &lambda);
    fp2_mul(&e, &lambda, &d);
    fp2_mul(&ff, &T->z, &c);
    fp2_mul(&g, &T->x, &d);
    fp2_add(&h, &e, &ff);
    fp2_sub(&h, &h, &g);
    fp2_sub(&h, &h, &g);
    fp2_mul(&T->x, &lambda, &h);
    fp2_sub(&t, &g, &h);
    fp2_mul(&t, &t, &theta);
    fp2_mul(&c, &e, &T->y);
    fp2_sub(&T->y, &t, &c);
    fp2_mul(&T->z, &T->z, &e);
    fp12_mul_line(f, f, &c0, &c2, &c3);
}

static void miller_chunk(fp12 *f, struct pair_state *st, size_t n)
{
    fp12_set_one(f);
    for (int bit = 62; bit >= 0; bit--) {
        fp12_sqr(f, f);
        for (size_t i = 0; i < n; i++)
            dbl_step(f, &st[i]);
        if ((BLS_X_ABS >> bit) & 1)
            for (size_t i = 0; i < n; i++)
                add_step(f, &st[i]);
    }
}

void bls_miller_loop(fp12 *f, const g1a *ps, const g2a *qs, size_t n)
{
    struct pair_state st[CHUNK];
    fp12 part;
    size_t k = 0;

    fp12_set_one(f);
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !ps[i].inf && !qs[i].inf) {
            st[k].t.x = qs[i].x;
            st[k].t.y = qs[i].y;
            fp2_set_one(&st[k].t.z);
            st[k].qx = qs[i].x;
            st[k].qy = qs[i].y;
            fp_neg(&st[k].nxp, &ps[i].x);
            st[k].yp = ps[i].y;
            k++;
        }
        if (k == CHUNK || (i == n && k > 0)) {
            miller_chunk(&part, st, k);
            fp12_mul(f, f, &part);
            k = 0;
        }
    }
    fp12_conj(f, f); /* x < 0 */
}

/* r = a^x for a in the cyclotomic subgroup (x < 0, so the inverse of a^|x|, a conjugation). */
static void cyclo_exp_x(fp12 *r, const fp12 *a)
{
    fp12 acc = *a;

    for (int bit = 62; bit >= 0; bit--) {
        fp12_cyclo_sqr(&acc, &acc);
        if ((BLS_X_ABS >> bit) & 1)
            fp12_mul(&acc, &acc, a);
    }
    fp12_conj(r, &acc);
}

void bls_final_exp(fp12 *r, const fp12 *f)
{
    fp12 t, u, a, b, c;

    /* easy part: t = f^((p^6 - 1)(p^2 + 1)) */
    fp12_inv(&u, f);
    fp12_conj(&t, f);
    fp12_mul(&t, &t, &u);
    fp12_frob(&u, &t);
    fp12_frob(&u, &u);
    fp12_mul(&t, &t, &u);
    /* hard part, times 3 */
    cyclo_exp_x(&a, &t);
    fp12_conj(&u, &t);
    fp12_mul(&a, &a, &u); /* t^(x-1) */
    cyclo_exp_x(&u, &a);
    fp12_conj(&a, &a);
    fp12_mul(&a, &u, &a); /* t^((x-1)^2) */
    cyclo_exp_x(&b, &a);
    fp12_frob(&u, &a);
    fp12_mul(&b, &b, &u); /* ^(x + p) */
    cyclo_exp_x(&c, &b);
    cyclo_exp_x(&c, &c);
    fp12_frob(&u, &b);
    fp12_frob(&u, &u);
    fp12_mul(&c, &c, &u);
    fp12_conj(&u, &b);
    fp12_mul(&c, &c, &u); /* ^(x^2 + p^2 - 1) */
    fp12_cyclo_sqr(&u, &t);
    fp12_mul(&u, &u, &t);
    fp12_mul(r, &c, &u);
}

void bls_pairing(fp12 *r, const g1p *p, const g2p *q)
{
    g1a pa;
    g2a qa;
    fp12 f;

    g1_to_affine(&pa, p);
    g2_to_affine(&qa, q);
    bls_miller_loop(&f, &pa, &qa, 1);
    bls_final_exp(r, &f);
}

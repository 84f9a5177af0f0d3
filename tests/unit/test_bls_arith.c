/*
 * test_bls_arith.c: identities of the BLS12-381 arithmetic under lib/crypto/bls: field inverses,
 * square roots and Frobenius, the group laws of G1 and G2, the endomorphism-based subgroup checks
 * and cofactor clearing against plain multiplication, constant-time scalar multiplication
 * against double-and-add, and bilinearity of the pairing. Random values come from a fixed
 * xorshift generator, so a failure reproduces.
 */
#include <stdint.h>
#include <string.h>

#include "crypto/bls/bls_internal.h"
#include "test.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void rnd_bytes(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)rnd();
}

static void rnd_fp(fp *r)
{
    uint8_t b[48];

    rnd_bytes(b, sizeof b);
    b[0] &= 0x0f; /* below p */
    fp_from_bytes(r, b);
}

static void rnd_fp2(fp2 *r)
{
    rnd_fp(&r->c0);
    rnd_fp(&r->c1);
}

static void rnd_fp12(fp12 *r)
{
    fp2 *c[6] = {&r->c0.c0, &r->c0.c1, &r->c0.c2, &r->c1.c0, &r->c1.c1, &r->c1.c2};

    for (int i = 0; i < 6; i++)
        rnd_fp2(c[i]);
}

/* Scalar below r: 32 random bytes with the top byte cleared to < 0x73. */
static void rnd_scalar(uint8_t k[32])
{
    rnd_bytes(k, 32);
    k[0] &= 0x3f;
}

static const uint8_t R_BE[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                 0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

static void test_fp(void)
{
    for (int i = 0; i < 20; i++) {
        fp a, b, c, d;
        uint8_t buf[48], buf2[48];

        rnd_fp(&a);
        rnd_fp(&b);
        fp_inv(&c, &a);
        fp_mul(&c, &c, &a);
        CHECK(fp_eq(&c, &fp_one_c));
        /* (a + b)(a - b) = a^2 - b^2 */
        fp_add(&c, &a, &b);
        fp_sub(&d, &a, &b);
        fp_mul(&c, &c, &d);
        fp_sqr(&d, &a);
        fp_sqr(&b, &b);
        fp_sub(&d, &d, &b);
        CHECK(fp_eq(&c, &d));
        /* sqrt(a^2) = +-a */
        fp_sqr(&c, &a);
        CHECK(fp_sqrt(&d, &c));
        fp_neg(&b, &d);
        CHECK(fp_eq(&d, &a) || fp_eq(&b, &a));
        fp_to_bytes(buf, &a);
        CHECK(fp_from_bytes(&c, buf));
        fp_to_bytes(buf2, &c);
        CHECK_MEM(buf, buf2, 48);
    }
    /* 64-byte reduction: (2^256 - 1) 2^256 + (2^256 - 1) for 64 bytes of ff */
    {
        uint8_t wide[64], b48[48];
        fp v, two256, want, got;
        memset(wide, 0xff, 64);
        memset(b48, 0, 48);
        memset(b48 + 16, 0xff, 32);
        fp_from_bytes(&v, b48);
        memset(b48, 0, 48);
        b48[15] = 1;
        fp_from_bytes(&two256, b48);
        fp_mul(&want, &v, &two256);
        fp_add(&want, &want, &v);
        fp_from_bytes_wide(&got, wide);
        CHECK(fp_eq(&got, &want));
    }
    /* -1 is not a square mod p (p = 3 mod 4); p itself does not decode */
    fp m1;
    fp_neg(&m1, &fp_one_c);
    fp t;
    CHECK(!fp_sqrt(&t, &m1));
    uint8_t pb[48];
    fp_to_bytes(pb, &m1);
    pb[47] += 1; /* p - 1 + 1 = p (no carry: p ends in ...aaab) */
    CHECK(!fp_from_bytes(&t, pb));
}

/* The MULX/ADX product (when this CPU and build use it) against the C one, including inputs
 * up to 2p - 1 as the lazy sums produce. */
static void test_mont_paths(void)
{
    fp pm1, a, b;
    uint64_t big[6], r1[6], r2[6];
    uint64_t carry = 0;

    fp_neg(&pm1, &fp_one_c); /* Montgomery form of p - 1: some limbs large */
    for (int i = 0; i < 6; i++) { /* big = 2p - 1 as a raw value */
        unsigned __int128 s = (unsigned __int128)bls_p_limbs[i] * 2 + carry;
        big[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    big[0] -= 1;
    for (int i = 0; i < 200; i++) {
        rnd_fp(&a);
        rnd_fp(&b);
        const uint64_t *x = i % 4 == 0 ? big : a.l, *y = i % 3 == 0 ? big : i % 5 == 0 ? pm1.l : b.l;
        fp_mont_mul_c(r1, x, y);
        fp_mont_mul(r2, x, y);
        CHECK_MEM(r1, r2, sizeof r1);
    }
    printf("test_bls_arith: Montgomery product via %s\n", bls_have_mulx ? "MULX/ADX" : "C only");
}

static void test_fp2(void)
{
    for (int i = 0; i < 20; i++) {
        fp2 a, b, c, one;

        fp2_set_one(&one);
        rnd_fp2(&a);
        fp2_inv(&b, &a);
        fp2_mul(&b, &b, &a);
        CHECK(fp2_eq(&b, &one));
        fp2_sqr(&b, &a);
        fp2_mul(&c, &a, &a);
        CHECK(fp2_eq(&b, &c));
        CHECK(fp2_sqrt(&c, &b));
        fp2_sqr(&c, &c);
        CHECK(fp2_eq(&c, &b));
        /* with either root of the norm */
        fp n, sn;
        fp2_norm(&n, &b);
        CHECK(fp_sqrt(&sn, &n));
        CHECK(fp2_sqrt_given_norm_root(&c, &b, &sn));
        fp2_sqr(&c, &c);
        CHECK(fp2_eq(&c, &b));
        fp_neg(&sn, &sn);
        CHECK(fp2_sqrt_given_norm_root(&c, &b, &sn));
        fp2_sqr(&c, &c);
        CHECK(fp2_eq(&c, &b));
        /* a non-square (xi times a square: N(xi) = 2 is not a square mod p) has no root */
        fp2 xi_ = {fp_one_c, fp_one_c}, ns;
        fp2_mul(&ns, &b, &xi_);
        CHECK(!fp2_sqrt(&c, &ns));
        /* xi * a by multiplication */
        fp2 xi = {fp_one_c, fp_one_c};
        fp2_mul(&b, &a, &xi);
        fp2_mul_xi(&c, &a);
        CHECK(fp2_eq(&b, &c));
    }
}

static void fp12_pow_be(fp12 *r, const fp12 *a, const uint8_t *e, size_t n)
{
    fp12 acc;

    fp12_set_one(&acc);
    for (size_t i = 0; i < n; i++)
        for (int bit = 7; bit >= 0; bit--) {
            fp12_sqr(&acc, &acc);
            if ((e[i] >> bit) & 1)
                fp12_mul(&acc, &acc, a);
        }
    *r = acc;
}

static void test_fp12(void)
{
    static const uint8_t P_BE[48] = {
        0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac, 0xd7,
        0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24,
        0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};
    fp12 a, b, c, d;

    rnd_fp12(&a);
    rnd_fp12(&b);
    fp12_inv(&c, &a);
    fp12_mul(&c, &c, &a);
    CHECK(fp12_is_one(&c));
    fp12_sqr(&c, &a);
    fp12_mul(&d, &a, &a);
    CHECK(fp12_eq(&c, &d));
    /* Frobenius is the p-th power */
    fp12_frob(&c, &a);
    fp12_pow_be(&d, &a, P_BE, sizeof P_BE);
    CHECK(fp12_eq(&c, &d));
    /* frob^12 = id; conj = frob^6 */
    c = a;
    for (int i = 0; i < 6; i++)
        fp12_frob(&c, &c);
    fp12_conj(&d, &a);
    CHECK(fp12_eq(&c, &d));
    /* sparse line product */
    fp2 l0, l2, l3;
    rnd_fp2(&l0);
    rnd_fp2(&l2);
    rnd_fp2(&l3);
    fp12 line;
    memset(&line, 0, sizeof line);
    line.c0.c0 = l0;
    line.c0.c1 = l2;
    line.c1.c1 = l3;
    fp12_mul(&c, &a, &line);
    fp12_mul_line(&d, &a, &l0, &l2, &l3);
    CHECK(fp12_eq(&c, &d));
    /* cyclotomic squaring on a^((p^6-1)(p^2+1)) */
    fp12_inv(&c, &a);
    fp12_conj(&d, &a);
    fp12_mul(&d, &d, &c);
    fp12_frob(&c, &d);
    fp12_frob(&c, &c);
    fp12_mul(&d, &d, &c);
    fp12_sqr(&c, &d);
    fp12_cyclo_sqr(&b, &d);
    CHECK(fp12_eq(&b, &c));
}

static void test_g1(void)
{
    g1p g, a, b, c, d, o;
    uint8_t k[32], enc[48];

    g1_generator(&g);
    g1_identity(&o);
    CHECK(g1_on_curve(&g));
    g1_mul_vartime(&a, &g, R_BE, 32);
    CHECK(g1_is_identity(&a));
    CHECK(g1_in_subgroup_vartime(&g));
    g1_add(&a, &g, &g);
    g1_dbl(&b, &g);
    CHECK(g1_eq(&a, &b));
    g1_add(&c, &a, &o);
    CHECK(g1_eq(&c, &a));
    g1_neg(&c, &a);
    g1_add(&c, &c, &a);
    CHECK(g1_is_identity(&c));
    g1_dbl(&c, &o);
    CHECK(g1_is_identity(&c));
    for (int i = 0; i < 8; i++) {
        rnd_scalar(k);
        g1_mul_ct(&a, &g, k);
        g1_mul_vartime(&b, &g, k, 32);
        CHECK(g1_eq(&a, &b));
        g1_mul_gen_ct(&c, k);
        CHECK(g1_eq(&c, &b));
        CHECK(g1_on_curve(&a));
        /* (a + g) + b == a + (g + b) */
        g1_add(&c, &a, &g);
        g1_add(&c, &c, &b);
        g1_add(&d, &g, &b);
        g1_add(&d, &a, &d);
        CHECK(g1_eq(&c, &d));
        g1_compress(enc, &a);
        CHECK(g1_decompress(&c, enc) == 0);
        CHECK(g1_eq(&c, &a));
    }
    memset(k, 0, 32);
    g1_mul_ct(&a, &g, k);
    CHECK(g1_is_identity(&a));
    g1_mul_gen_ct(&a, k);
    CHECK(g1_is_identity(&a));
    memset(k, 0xff, 32); /* 2^256 - 1, above r: both paths agree with double-and-add */
    g1_mul_gen_ct(&a, k);
    g1_mul_ct(&b, &g, k);
    g1_mul_vartime(&c, &g, k, 32);
    CHECK(g1_eq(&a, &c));
    CHECK(g1_eq(&b, &c));
    /* A point on the curve outside G1: x = 0 is not (4 is a square) but a small search finds one. */
    int found = 0;
    for (uint64_t x = 1; x < 100 && !found; x++) {
        fp xf, rhs, y, b4;
        fp_from_u64(&xf, x);
        fp_from_u64(&b4, 4);
        fp_sqr(&rhs, &xf);
        fp_mul(&rhs, &rhs, &xf);
        fp_add(&rhs, &rhs, &b4);
        if (fp_sqrt(&y, &rhs)) {
            g1p q = {xf, y, fp_one_c};
            CHECK(g1_on_curve(&q));
            CHECK(!g1_in_subgroup_vartime(&q));
            found = 1;
        }
    }
    CHECK(found);
}

static void test_g2(void)
{
    static const uint8_t H_EFF[80] = {
        0x0b, 0xc6, 0x9f, 0x08, 0xf2, 0xee, 0x75, 0xb3, 0x58, 0x4c, 0x6a, 0x0e, 0xa9, 0x1b, 0x35, 0x28,
        0x88, 0xe2, 0xa8, 0xe9, 0x14, 0x5a, 0xd7, 0x68, 0x99, 0x86, 0xff, 0x03, 0x15, 0x08, 0xff, 0xe1,
        0x32, 0x9c, 0x2f, 0x17, 0x87, 0x31, 0xdb, 0x95, 0x6d, 0x82, 0xbf, 0x01, 0x5d, 0x12, 0x12, 0xb0,
        0x2e, 0xc0, 0xec, 0x69, 0xd7, 0x47, 0x7c, 0x1a, 0xe9, 0x54, 0xcb, 0xc0, 0x66, 0x89, 0xf6, 0xa3,
        0x59, 0x89, 0x4c, 0x0a, 0xde, 0xbb, 0xf6, 0xb4, 0xe8, 0x02, 0x00, 0x05, 0xaa, 0xa9, 0x55, 0x51};
    g2p g, a, b, c, d, o;
    uint8_t k[32], enc[96];

    g2_generator(&g);
    g2_identity(&o);
    CHECK(g2_on_curve(&g));
    g2_mul_vartime(&a, &g, R_BE, 32);
    CHECK(g2_is_identity(&a));
    CHECK(g2_in_subgroup_vartime(&g));
    g2_add(&a, &g, &g);
    g2_dbl(&b, &g);
    CHECK(g2_eq(&a, &b));
    g2_neg(&c, &a);
    g2_add(&c, &c, &a);
    CHECK(g2_is_identity(&c));
    g2_add(&c, &a, &o);
    CHECK(g2_eq(&c, &a));
    for (int i = 0; i < 4; i++) {
        rnd_scalar(k);
        g2_mul_ct(&a, &g, k);
        g2_mul_vartime(&b, &g, k, 32);
        CHECK(g2_eq(&a, &b));
        g2_mul_window_ct(&c, &g, k);
        CHECK(g2_eq(&c, &b));
        g2_add(&c, &a, &g);
        g2_add(&c, &c, &b);
        g2_add(&d, &g, &b);
        g2_add(&d, &a, &d);
        CHECK(g2_eq(&c, &d));
        g2_compress(enc, &a);
        CHECK(g2_decompress(&c, enc) == 0);
        CHECK(g2_eq(&c, &a));
    }
    /* scalars 0, 1, r - 1 and 2^256 - 1 (reduced mod r by the GLS path) */
    {
        uint8_t ks[4][32];
        memset(ks, 0, sizeof ks);
        ks[1][31] = 1;
        memcpy(ks[2], R_BE, 32);
        ks[2][31] -= 1;
        memset(ks[3], 0xff, 32);
        for (int i = 0; i < 4; i++) {
            g2_mul_ct(&a, &g, ks[i]);
            g2_mul_vartime(&b, &g, ks[i], 32);
            CHECK(g2_eq(&a, &b));
        }
        /* x*P by Jacobian double-and-add against the generic multiplication */
        static const uint8_t XABS[8] = {0xd2, 0x01, 0, 0, 0, 0x01, 0, 0};
        g2_mul_x_vartime(&a, &g);
        g2_mul_vartime(&b, &g, XABS, 8);
        g2_neg(&b, &b);
        CHECK(g2_eq(&a, &b));
    }
    /* u = 0 takes SSWU's exceptional branch; the paired map shares one inversion */
    {
        fp2 u0, u1;
        g2p m0, m1, sum;
        fp2_set_zero(&u0);
        rnd_fp2(&u1);
        bls_map_to_g2(&m0, &u0);
        CHECK(g2_on_curve(&m0));
        bls_map_to_g2(&m1, &u1);
        g2_add(&sum, &m0, &m1);
        bls_map2_to_g2(&a, &u0, &u1);
        CHECK(g2_eq(&a, &sum));
        bls_map2_to_g2(&a, &u1, &u0);
        CHECK(g2_eq(&a, &sum));
    }
    /* map_to_curve lands on E2 outside G2; cofactor clearing = h_eff multiplication */
    for (int i = 0; i < 3; i++) {
        fp2 u;
        rnd_fp2(&u);
        bls_map_to_g2(&a, &u);
        CHECK(g2_on_curve(&a));
        CHECK(!g2_in_subgroup_vartime(&a));
        g2_clear_cofactor(&b, &a);
        g2_mul_vartime(&c, &a, H_EFF, sizeof H_EFF);
        CHECK(g2_eq(&b, &c));
        CHECK(g2_in_subgroup_vartime(&b));
        g2_mul_vartime(&d, &b, R_BE, 32);
        CHECK(g2_is_identity(&d));
    }
}

static void test_pairing(void)
{
    g1p p, pa;
    g2p q, qa;
    fp12 e1, e2, e3;
    uint8_t k[32];

    g1_generator(&p);
    g2_generator(&q);
    bls_pairing(&e1, &p, &q);
    CHECK(!fp12_is_one(&e1));
    rnd_scalar(k);
    g1_mul_vartime(&pa, &p, k, 32);
    g2_mul_vartime(&qa, &q, k, 32);
    bls_pairing(&e2, &pa, &q);
    bls_pairing(&e3, &p, &qa);
    CHECK(fp12_eq(&e2, &e3));
    /* e(P + P', Q) = e(P, Q) e(P', Q), and with the shared final exponentiation */
    g1p s;
    g1_add(&s, &p, &pa);
    bls_pairing(&e2, &s, &q);
    bls_pairing(&e3, &pa, &q);
    fp12_mul(&e3, &e3, &e1);
    CHECK(fp12_eq(&e2, &e3));
    /* e(aP, Q) e(-P, aQ) = 1 through one multi-Miller loop */
    g1a ps[2];
    g2a qs[2];
    g1p np;
    g1_neg(&np, &p);
    g1_to_affine(&ps[0], &pa);
    g1_to_affine(&ps[1], &np);
    g2_to_affine(&qs[0], &q);
    g2_to_affine(&qs[1], &qa);
    bls_miller_loop(&e2, ps, qs, 2);
    bls_final_exp(&e3, &e2);
    CHECK(fp12_is_one(&e3));
    /* e(P, Q)^r = 1 */
    fp12_pow_be(&e2, &e1, R_BE, 32);
    CHECK(fp12_is_one(&e2));
}

int main(void)
{
    test_fp();
    test_mont_paths();
    test_fp2();
    test_fp12();
    test_g1();
    test_g2();
    test_pairing();
    return test_report("test_bls_arith");
}

/*
 * g2.c: the group G2 on the twist y^2 = x^3 + 4(1 + i) over Fp2, where signatures live.
 *
 * Same shape as g1.c (complete projective formulas, fixed-window constant-time multiplication),
 * plus what only G2 needs: the untwist-Frobenius-twist endomorphism psi, the subgroup check
 * psi(P) = x*P (Scott 2021), and cofactor clearing by h_eff with the Budroni-Pintore
 * decomposition (x^2 - x - 1)P + (x - 1)psi(P) + psi^2(2P), which RFC 9380 allows for G2.
 * The encoding is x.c1 || x.c0 with the flags in the first byte; the sign flag is the ZCash one
 * (y.c1 decides, y.c0 when y.c1 is zero).
 */
#include "crypto/bls/bls_internal.h"

#include <string.h>

#include "cfarm/bls.h"
#include "cfarm/ct.h"
#include "cfarm/err.h"
#include "crypto/bls/bls_consts.h"

#define FP2_ONE ((fp2){BLS_ONE, {{0}}})
#define FP2_ZERO ((fp2){{{0}}, {{0}}})

static const fp2 G2X = BLS_G2_X, G2Y = BLS_G2_Y, B2 = BLS_B2, PSI_X = BLS_PSI_X, PSI_Y = BLS_PSI_Y;

/* r = 3b * a = 12(1 + i) a. */
static void mul_b3(fp2 *r, const fp2 *a)
{
    fp2 t4, t8;

    fp2_mul_xi(&t4, a);
    fp2_dbl(&t4, &t4);
    fp2_dbl(&t4, &t4);
    fp2_dbl(&t8, &t4);
    fp2_add(r, &t8, &t4);
}

void g2_generator(g2p *r)
{
    r->x = G2X;
    r->y = G2Y;
    r->z = FP2_ONE;
}

void g2_identity(g2p *r)
{
    r->x = FP2_ZERO;
    r->y = FP2_ONE;
    r->z = FP2_ZERO;
}

bool g2_is_identity(const g2p *a)
{
    return fp2_is_zero(&a->z);
}

void g2_add(g2p *r, const g2p *a, const g2p *b)
{
    fp2 t0, t1, t2, t3, t4, t5, s, u, z3;

    fp2_mul(&t0, &a->x, &b->x);
    fp2_mul(&t1, &a->y, &b->y);
    fp2_mul(&t2, &a->z, &b->z);
    fp2_add(&s, &a->x, &a->y);
    fp2_add(&u, &b->x, &b->y);
    fp2_mul(&t3, &s, &u);
    fp2_sub(&t3, &t3, &t0);
    fp2_sub(&t3, &t3, &t1); /* X1Y2 + X2Y1 */
    fp2_add(&s, &a->y, &a->z);
    fp2_add(&u, &b->y, &b->z);
    fp2_mul(&t4, &s, &u);
    fp2_sub(&t4, &t4, &t1);
    fp2_sub(&t4, &t4, &t2); /* Y1Z2 + Y2Z1 */
    fp2_add(&s, &a->x, &a->z);
    fp2_add(&u, &b->x, &b->z);
    fp2_mul(&t5, &s, &u);
    fp2_sub(&t5, &t5, &t0);
    fp2_sub(&t5, &t5, &t2); /* X1Z2 + X2Z1 */
    fp2_dbl(&s, &t0);
    fp2_add(&t0, &s, &t0); /* 3 X1X2 */
    mul_b3(&t2, &t2);     /* 3b Z1Z2 */
    fp2_add(&z3, &t1, &t2);
    fp2_sub(&t1, &t1, &t2);
    mul_b3(&t5, &t5);
    /* X3 = t3 t1 - t4 t5; Y3 = z3 t1 + t5 t0; Z3 = t4 z3 + t0 t3 */
    fp2_mul(&s, &t3, &t1);
    fp2_mul(&u, &t4, &t5);
    fp2_sub(&r->x, &s, &u);
    fp2_mul(&s, &z3, &t1);
    fp2_mul(&u, &t5, &t0);
    fp2_add(&r->y, &s, &u);
    fp2_mul(&s, &t4, &z3);
    fp2_mul(&u, &t0, &t3);
    fp2_add(&r->z, &s, &u);
}

void g2_dbl(g2p *r, const g2p *a)
{
    /* X3 = 2XY(Y^2 - 9bZ^2), Y3 = (Y^2 - 9bZ^2)(Y^2 + 3bZ^2) + 8 Y^2 3bZ^2, Z3 = 8 Y^3 Z */
    fp2 t0, t1, t2, xy, yz, s, u;

    fp2_sqr(&t0, &a->y);
    fp2_sqr(&t1, &a->z);
    mul_b3(&t1, &t1);
    fp2_dbl(&t2, &t1);
    fp2_add(&t2, &t2, &t1);
    fp2_mul(&xy, &a->x, &a->y);
    fp2_mul(&yz, &a->y, &a->z);
    fp2_sub(&s, &t0, &t2);
    fp2_add(&u, &t0, &t1);
    fp2_mul(&u, &s, &u);
    fp2_dbl(&xy, &xy);
    fp2_mul(&r->x, &xy, &s);
    fp2_mul(&s, &t0, &t1);
    fp2_dbl(&s, &s);
    fp2_dbl(&s, &s);
    fp2_dbl(&s, &s);
    fp2_add(&r->y, &u, &s);
    fp2_mul(&s, &t0, &yz);
    fp2_dbl(&s, &s);
    fp2_dbl(&s, &s);
    fp2_dbl(&r->z, &s);
}

void g2_neg(g2p *r, const g2p *a)
{
    r->x = a->x;
    fp2_neg(&r->y, &a->y);
    r->z = a->z;
}

bool g2_eq(const g2p *a, const g2p *b)
{
    fp2 s, u;
    bool ok;

    fp2_mul(&s, &a->x, &b->z);
    fp2_mul(&u, &b->x, &a->z);
    ok = fp2_eq(&s, &u);
    fp2_mul(&s, &a->y, &b->z);
    fp2_mul(&u, &b->y, &a->z);
    return ok & fp2_eq(&s, &u);
}

void g2_to_affine(g2a *r, const g2p *a)
{
    fp2 zi;

    fp2_inv(&zi, &a->z);
    fp2_mul(&r->x, &a->x, &zi);
    fp2_mul(&r->y, &a->y, &zi);
    r->inf = g2_is_identity(a);
}

void g2_from_affine(g2p *r, const g2a *a)
{
    if (a->inf) {
        g2_identity(r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    r->z = FP2_ONE;
}

bool g2_on_curve(const g2p *a)
{
    /* Y^2 Z = X^3 + b Z^3 */
    fp2 l, rr, t;

    fp2_sqr(&l, &a->y);
    fp2_mul(&l, &l, &a->z);
    fp2_sqr(&rr, &a->x);
    fp2_mul(&rr, &rr, &a->x);
    fp2_sqr(&t, &a->z);
    fp2_mul(&t, &t, &a->z);
    fp2_mul(&t, &t, &B2);
    fp2_add(&rr, &rr, &t);
    return fp2_eq(&l, &rr);
}

/*
 * Variable-time multiplication by a 64-bit public scalar (the curve parameter), in Jacobian
 * coordinates (x = X/Z^2, y = Y/Z^3), whose doubling (2M + 5S) is cheaper than the complete
 * projective one. Exceptional cases are branched on: the inputs are public.
 */
static void jac_dbl(g2p *r, const g2p *a)
{
    fp2 A, B, C, D, E, F, t;

    fp2_sqr(&A, &a->x);
    fp2_sqr(&B, &a->y);
    fp2_sqr(&C, &B);
    fp2_add(&D, &a->x, &B);
    fp2_sqr(&D, &D);
    fp2_sub(&D, &D, &A);
    fp2_sub(&D, &D, &C);
    fp2_dbl(&D, &D);
    fp2_dbl(&E, &A);
    fp2_add(&E, &E, &A);
    fp2_sqr(&F, &E);
    fp2_mul(&t, &a->y, &a->z);
    fp2_dbl(&r->z, &t);
    fp2_sub(&r->x, &F, &D);
    fp2_sub(&r->x, &r->x, &D);
    fp2_sub(&t, &D, &r->x);
    fp2_mul(&t, &t, &E);
    fp2_dbl(&C, &C);
    fp2_dbl(&C, &C);
    fp2_dbl(&C, &C);
    fp2_sub(&r->y, &t, &C);
}

static void jac_add(g2p *r, const g2p *a, const g2p *b)
{
    fp2 z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;

    if (fp2_is_zero(&a->z)) {
        *r = *b;
        return;
    }
    if (fp2_is_zero(&b->z)) {
        *r = *a;
        return;
    }
    fp2_sqr(&z1z1, &a->z);
    fp2_sqr(&z2z2, &b->z);
    fp2_mul(&u1, &a->x, &z2z2);
    fp2_mul(&u2, &b->x, &z1z1);
    fp2_mul(&s1, &a->y, &b->z);
    fp2_mul(&s1, &s1, &z2z2);
    fp2_mul(&s2, &b->y, &a->z);
    fp2_mul(&s2, &s2, &z1z1);
    fp2_sub(&h, &u2, &u1);
    fp2_sub(&rr, &s2, &s1);
    if (fp2_is_zero(&h)) {
        if (fp2_is_zero(&rr)) {
            jac_dbl(r, a);
        } else {
            fp2_set_one(&r->x);
            fp2_set_one(&r->y);
            fp2_set_zero(&r->z);
        }
        return;
    }
    fp2_dbl(&i, &h);
    fp2_sqr(&i, &i);
    fp2_mul(&j, &h, &i);
    fp2_dbl(&rr, &rr);
    fp2_mul(&v, &u1, &i);
    fp2_add(&t, &a->z, &b->z);
    fp2_sqr(&t, &t);
    fp2_sub(&t, &t, &z1z1);
    fp2_sub(&t, &t, &z2z2);
    fp2_mul(&r->z, &t, &h);
    fp2_sqr(&r->x, &rr);
    fp2_sub(&r->x, &r->x, &j);
    fp2_sub(&r->x, &r->x, &v);
    fp2_sub(&r->x, &r->x, &v);
    fp2_sub(&t, &v, &r->x);
    fp2_mul(&t, &t, &rr);
    fp2_mul(&s1, &s1, &j);
    fp2_dbl(&s1, &s1);
    fp2_sub(&r->y, &t, &s1);
}

static void mul_u64_vartime(g2p *r, const g2p *a, uint64_t k)
{
    g2p base, acc;
    fp2 z2;
    int bit = 63;

    if (k == 0 || g2_is_identity(a)) {
        g2_identity(r);
        return;
    }
    /* homogeneous (X : Y : Z) -> Jacobian (XZ, YZ^2, Z) */
    fp2_sqr(&z2, &a->z);
    fp2_mul(&base.x, &a->x, &a->z);
    fp2_mul(&base.y, &a->y, &z2);
    base.z = a->z;
    while (!((k >> bit) & 1))
        bit--;
    acc = base;
    for (bit--; bit >= 0; bit--) {
        jac_dbl(&acc, &acc);
        if ((k >> bit) & 1)
            jac_add(&acc, &acc, &base);
    }
    if (fp2_is_zero(&acc.z)) {
        g2_identity(r);
        return;
    }
    /* Jacobian -> homogeneous (XZ, Y, Z^3) */
    fp2_sqr(&z2, &acc.z);
    fp2_mul(&r->x, &acc.x, &acc.z);
    r->y = acc.y;
    fp2_mul(&r->z, &z2, &acc.z);
}

void g2_psi(g2p *r, const g2p *a)
{
    fp2 t;

    fp2_conj(&t, &a->x);
    fp2_mul(&r->x, &t, &PSI_X);
    fp2_conj(&t, &a->y);
    fp2_mul(&r->y, &t, &PSI_Y);
    fp2_conj(&r->z, &a->z);
}

void g2_mul_x_vartime(g2p *r, const g2p *a)
{
    mul_u64_vartime(r, a, BLS_X_ABS);
    g2_neg(r, r);
}

bool g2_in_subgroup_vartime(const g2p *a)
{
    g2p t, s;

    g2_mul_x_vartime(&t, a);
    g2_psi(&s, a);
    return g2_eq(&t, &s);
}

void g2_clear_cofactor(g2p *r, const g2p *a)
{
    /* (x^2 - x - 1)P + (x - 1)psi(P) + psi^2(2P) = x(xP + psi P) - xP - P - psi P + psi^2(2P) */
    g2p u, t, v, ps, s;

    g2_mul_x_vartime(&u, a);
    g2_psi(&ps, a);
    g2_add(&t, &u, &ps);
    g2_mul_x_vartime(&v, &t);
    g2_neg(&s, &u);
    g2_add(&v, &v, &s);
    g2_neg(&s, a);
    g2_add(&v, &v, &s);
    g2_neg(&s, &ps);
    g2_add(&v, &v, &s);
    g2_dbl(&s, a);
    g2_psi(&s, &s);
    g2_psi(&s, &s);
    g2_add(r, &v, &s);
}

void g2_mul_window_ct(g2p *r, const g2p *a, const uint8_t k[32])
{
    g2p table[16], acc, sel;

    g2_identity(&table[0]);
    table[1] = *a;
    for (int i = 2; i < 16; i++)
        g2_add(&table[i], &table[i - 1], a);
    g2_identity(&acc);
    for (int i = 0; i < 64; i++) {
        unsigned nib = (k[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;
        for (int d = 0; d < 4; d++)
            g2_dbl(&acc, &acc);
        sel = table[0];
        for (unsigned j = 1; j < 16; j++) {
            uint64_t m = cf_ct_eq_mask(j, nib);
            fp2_cmov(&sel.x, &table[j].x, m);
            fp2_cmov(&sel.y, &table[j].y, m);
            fp2_cmov(&sel.z, &table[j].z, m);
        }
        g2_add(&acc, &acc, &sel);
    }
    *r = acc;
    cf_ct_wipe(table, sizeof table);
    cf_ct_wipe(&sel, sizeof sel);
    cf_ct_wipe(&acc, sizeof acc);
}

/* q = n / D, returns n mod D, for a 256-bit n and 64-bit D; bit-serial, constant time in n. */
static uint64_t divmod_ct(uint64_t q[4], const uint64_t n[4], uint64_t d)
{
    uint64_t rem = 0;

    q[0] = q[1] = q[2] = q[3] = 0;
    for (int bit = 255; bit >= 0; bit--) {
        uint64_t hi = rem >> 63;
        rem = (rem << 1) | ((n[bit / 64] >> (bit % 64)) & 1);
        u128 diff = (u128)rem - d;
        uint64_t ge = hi | (((uint64_t)(diff >> 64) & 1) ^ 1);
        rem = cf_ct_select(0 - ge, (uint64_t)diff, rem);
        q[bit / 64] |= ge << (bit % 64);
    }
    return rem;
}

/*
 * GLS multiplication for points of G2, where psi acts as multiplication by x. With k mod r
 * written in base |x| (four digits below 2^64, since r < x^4) and |x| = -x,
 *   k Q = d0 Q - d1 psi(Q) + d2 psi^2(Q) - d3 psi^3(Q),
 * evaluated as one 64-step double-and-add over the 16 subset sums of the four points, each step
 * reading all 16 entries. A quarter of the doublings of the windowed method.
 */
void g2_mul_ct(g2p *r, const g2p *a, const uint8_t k[32])
{
    struct cf_bls_sk red;
    uint64_t n[4], q[4], d[4];
    g2p base[4], table[16], acc, sel;

    cf_bls_sk_from_wide(&red, k, 32);
    for (int i = 0; i < 4; i++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++)
            v = (v << 8) | red.bytes[(3 - i) * 8 + b];
        n[i] = v;
    }
    for (int i = 0; i < 3; i++) {
        d[i] = divmod_ct(q, n, BLS_X_ABS);
        memcpy(n, q, sizeof n);
    }
    d[3] = n[0];
    base[0] = *a;
    g2_psi(&base[1], a);
    g2_psi(&base[2], &base[1]);
    g2_psi(&base[3], &base[2]);
    g2_neg(&base[1], &base[1]);
    g2_neg(&base[3], &base[3]);
    g2_identity(&table[0]);
    for (unsigned idx = 1; idx < 16; idx++) {
        unsigned low = (unsigned)__builtin_ctz(idx);
        g2_add(&table[idx], &table[idx & (idx - 1)], &base[low]);
    }
    g2_identity(&acc);
    for (int bit = 63; bit >= 0; bit--) {
        unsigned idx = 0;
        for (int i = 0; i < 4; i++)
            idx |= (unsigned)((d[i] >> bit) & 1) << i;
        g2_dbl(&acc, &acc);
        sel = table[0];
        for (unsigned j = 1; j < 16; j++) {
            uint64_t m = cf_ct_eq_mask(j, idx);
            fp2_cmov(&sel.x, &table[j].x, m);
            fp2_cmov(&sel.y, &table[j].y, m);
            fp2_cmov(&sel.z, &table[j].z, m);
        }
        g2_add(&acc, &acc, &sel);
    }
    *r = acc;
    cf_ct_wipe(&red, sizeof red);
    cf_ct_wipe(n, sizeof n);
    cf_ct_wipe(q, sizeof q);
    cf_ct_wipe(d, sizeof d);
    cf_ct_wipe(table, sizeof table);
    cf_ct_wipe(&sel, sizeof sel);
    cf_ct_wipe(&acc, sizeof acc);
}

void g2_mul_vartime(g2p *r, const g2p *a, const uint8_t *k, size_t n)
{
    g2p acc;

    g2_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 7; bit >= 0; bit--) {
            g2_dbl(&acc, &acc);
            if ((k[i] >> bit) & 1)
                g2_add(&acc, &acc, a);
        }
    }
    *r = acc;
}

void g2_compress(uint8_t out[96], const g2p *a)
{
    g2a aff;

    if (g2_is_identity(a)) {
        memset(out, 0, 96);
        out[0] = 0xc0;
        return;
    }
    g2_to_affine(&aff, a);
    fp_to_bytes(out, &aff.x.c1);
    fp_to_bytes(out + 48, &aff.x.c0);
    out[0] |= 0x80;
    if (fp2_is_lex_largest(&aff.y))
        out[0] |= 0x20;
}

int g2_decompress(g2p *r, const uint8_t in[96])
{
    uint8_t xb[48];
    uint8_t any;
    fp2 x, y, rhs;

    if (!(in[0] & 0x80))
        return CF_ERR_BAD_POINT;
    if (in[0] & 0x40) {
        /* infinity: every other bit, the sign included, must be zero */
        any = in[0] & 0x3f;
        for (int i = 1; i < 96; i++)
            any |= in[i];
        if (any)
            return CF_ERR_BAD_POINT;
        g2_identity(r);
        return CF_OK;
    }
    memcpy(xb, in, 48);
    xb[0] &= 0x1f;
    if (!fp_from_bytes(&x.c1, xb) || !fp_from_bytes(&x.c0, in + 48))
        return CF_ERR_BAD_POINT;
    fp2_sqr(&rhs, &x);
    fp2_mul(&rhs, &rhs, &x);
    fp2_add(&rhs, &rhs, &B2);
    if (!fp2_sqrt(&y, &rhs))
        return CF_ERR_BAD_POINT;
    if (fp2_is_lex_largest(&y) != ((in[0] >> 5) & 1))
        fp2_neg(&y, &y);
    r->x = x;
    r->y = y;
    r->z = FP2_ONE;
    if (!g2_in_subgroup_vartime(r))
        return CF_ERR_NOT_IN_SUBGROUP;
    return CF_OK;
}


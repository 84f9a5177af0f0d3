/*
 * g1.c: the group G1 on y^2 = x^3 + 4 over Fp, where Chia's public keys live.
 *
 * Points are homogeneous projective and added with the complete formulas of Renes, Costello and
 * Batina ("Complete addition formulas for prime order elliptic curves", 2016, a = 0 case), so
 * doubling, adding a point to itself, to its negation or to the identity all take one branch-free
 * path. The constant-time scalar multiplication uses fixed 4-bit windows and a table lookup that
 * reads every entry. Decoding follows Chia's order of checks: flags, canonical infinity, non-zero
 * x bytes, x < p, on curve, subgroup (phi(P) = -x^2 P, Scott 2021).
 */
#include "crypto/bls/bls_internal.h"

#include <pthread.h>
#include <string.h>

#include "cfarm/ct.h"
#include "cfarm/err.h"
#include "crypto/bls/bls_consts.h"

static const fp G1X = BLS_G1_X, G1Y = BLS_G1_Y, B1 = BLS_B1, BETA = BLS_BETA;

/* r = 12a = 3b * a for b = 4. */
static void mul_b3(fp *r, const fp *a)
{
    fp t4, t8;

    fp_dbl(&t4, a);
    fp_dbl(&t4, &t4);
    fp_dbl(&t8, &t4);
    fp_add(r, &t8, &t4);
}

void g1_generator(g1p *r)
{
    r->x = G1X;
    r->y = G1Y;
    r->z = fp_one_c;
}

void g1_identity(g1p *r)
{
    r->x = fp_zero_c;
    r->y = fp_one_c;
    r->z = fp_zero_c;
}

bool g1_is_identity(const g1p *a)
{
    return fp_is_zero(&a->z);
}

void g1_add(g1p *r, const g1p *a, const g1p *b)
{
    fp t0, t1, t2, t3, t4, t5, s, u, z3;

    fp_mul(&t0, &a->x, &b->x);
    fp_mul(&t1, &a->y, &b->y);
    fp_mul(&t2, &a->z, &b->z);
    fp_add(&s, &a->x, &a->y);
    fp_add(&u, &b->x, &b->y);
    fp_mul(&t3, &s, &u);
    fp_sub(&t3, &t3, &t0);
    fp_sub(&t3, &t3, &t1); /* X1Y2 + X2Y1 */
    fp_add(&s, &a->y, &a->z);
    fp_add(&u, &b->y, &b->z);
    fp_mul(&t4, &s, &u);
    fp_sub(&t4, &t4, &t1);
    fp_sub(&t4, &t4, &t2); /* Y1Z2 + Y2Z1 */
    fp_add(&s, &a->x, &a->z);
    fp_add(&u, &b->x, &b->z);
    fp_mul(&t5, &s, &u);
    fp_sub(&t5, &t5, &t0);
    fp_sub(&t5, &t5, &t2); /* X1Z2 + X2Z1 */
    fp_dbl(&s, &t0);
    fp_add(&t0, &s, &t0); /* 3 X1X2 */
    mul_b3(&t2, &t2);     /* 3b Z1Z2 */
    fp_add(&z3, &t1, &t2);
    fp_sub(&t1, &t1, &t2);
    mul_b3(&t5, &t5);
    /* X3 = t3 t1 - t4 t5; Y3 = z3 t1 + t5 t0; Z3 = t4 z3 + t0 t3 */
    fp_mul(&s, &t3, &t1);
    fp_mul(&u, &t4, &t5);
    fp_sub(&r->x, &s, &u);
    fp_mul(&s, &z3, &t1);
    fp_mul(&u, &t5, &t0);
    fp_add(&r->y, &s, &u);
    fp_mul(&s, &t4, &z3);
    fp_mul(&u, &t0, &t3);
    fp_add(&r->z, &s, &u);
}

void g1_dbl(g1p *r, const g1p *a)
{
    /* X3 = 2XY(Y^2 - 9bZ^2), Y3 = (Y^2 - 9bZ^2)(Y^2 + 3bZ^2) + 8 Y^2 3bZ^2, Z3 = 8 Y^3 Z */
    fp t0, t1, t2, xy, yz, s, u;

    fp_sqr(&t0, &a->y);
    fp_sqr(&t1, &a->z);
    mul_b3(&t1, &t1);
    fp_dbl(&t2, &t1);
    fp_add(&t2, &t2, &t1);
    fp_mul(&xy, &a->x, &a->y);
    fp_mul(&yz, &a->y, &a->z);
    fp_sub(&s, &t0, &t2);
    fp_add(&u, &t0, &t1);
    fp_mul(&u, &s, &u);
    fp_dbl(&xy, &xy);
    fp_mul(&r->x, &xy, &s);
    fp_mul(&s, &t0, &t1);
    fp_dbl(&s, &s);
    fp_dbl(&s, &s);
    fp_dbl(&s, &s);
    fp_add(&r->y, &u, &s);
    fp_mul(&s, &t0, &yz);
    fp_dbl(&s, &s);
    fp_dbl(&s, &s);
    fp_dbl(&r->z, &s);
}

void g1_neg(g1p *r, const g1p *a)
{
    r->x = a->x;
    fp_neg(&r->y, &a->y);
    r->z = a->z;
}

bool g1_eq(const g1p *a, const g1p *b)
{
    fp s, u;
    bool ok;

    fp_mul(&s, &a->x, &b->z);
    fp_mul(&u, &b->x, &a->z);
    ok = fp_eq(&s, &u);
    fp_mul(&s, &a->y, &b->z);
    fp_mul(&u, &b->y, &a->z);
    return ok & fp_eq(&s, &u);
}

void g1_to_affine(g1a *r, const g1p *a)
{
    fp zi;

    fp_inv(&zi, &a->z);
    fp_mul(&r->x, &a->x, &zi);
    fp_mul(&r->y, &a->y, &zi);
    r->inf = g1_is_identity(a);
}

void g1_from_affine(g1p *r, const g1a *a)
{
    if (a->inf) {
        g1_identity(r);
        return;
    }
    r->x = a->x;
    r->y = a->y;
    r->z = fp_one_c;
}

bool g1_on_curve(const g1p *a)
{
    /* Y^2 Z = X^3 + b Z^3 */
    fp l, rr, t;

    fp_sqr(&l, &a->y);
    fp_mul(&l, &l, &a->z);
    fp_sqr(&rr, &a->x);
    fp_mul(&rr, &rr, &a->x);
    fp_sqr(&t, &a->z);
    fp_mul(&t, &t, &a->z);
    fp_mul(&t, &t, &B1);
    fp_add(&rr, &rr, &t);
    return fp_eq(&l, &rr);
}

static void mul_u64_vartime(g1p *r, const g1p *a, uint64_t k)
{
    g1p acc;

    g1_identity(&acc);
    for (int bit = 63; bit >= 0; bit--) {
        g1_dbl(&acc, &acc);
        if ((k >> bit) & 1)
            g1_add(&acc, &acc, a);
    }
    *r = acc;
}

bool g1_in_subgroup_vartime(const g1p *a)
{
    g1p t, phi;

    mul_u64_vartime(&t, a, BLS_X_ABS);
    mul_u64_vartime(&t, &t, BLS_X_ABS);
    g1_neg(&t, &t);
    fp_mul(&phi.x, &a->x, &BETA);
    phi.y = a->y;
    phi.z = a->z;
    return g1_eq(&t, &phi);
}

void g1_mul_ct(g1p *r, const g1p *a, const uint8_t k[32])
{
    g1p table[16], acc, sel;

    g1_identity(&table[0]);
    table[1] = *a;
    for (int i = 2; i < 16; i++)
        g1_add(&table[i], &table[i - 1], a);
    g1_identity(&acc);
    for (int i = 0; i < 64; i++) {
        unsigned nib = (k[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;
        for (int d = 0; d < 4; d++)
            g1_dbl(&acc, &acc);
        sel = table[0];
        for (unsigned j = 1; j < 16; j++) {
            uint64_t m = cf_ct_eq_mask(j, nib);
            fp_cmov(&sel.x, &table[j].x, m);
            fp_cmov(&sel.y, &table[j].y, m);
            fp_cmov(&sel.z, &table[j].z, m);
        }
        g1_add(&acc, &acc, &sel);
    }
    *r = acc;
    cf_ct_wipe(table, sizeof table);
    cf_ct_wipe(&sel, sizeof sel);
    cf_ct_wipe(&acc, sizeof acc);
}

/*
 * Fixed-base multiplication by the generator: gen_table[i][j] = j * 16^i * G, so k*G is the sum
 * of 64 entries, one per 4-bit digit of k, with no doublings. Each lookup reads the 16 entries of
 * its row. The table (144 KiB) is filled once, on first use.
 */
static g1p gen_table[64][16];
static pthread_once_t gen_once = PTHREAD_ONCE_INIT;

static void gen_table_fill(void)
{
    g1p base;

    g1_generator(&base);
    for (int i = 0; i < 64; i++) {
        g1_identity(&gen_table[i][0]);
        gen_table[i][1] = base;
        for (int j = 2; j < 16; j++)
            g1_add(&gen_table[i][j], &gen_table[i][j - 1], &base);
        g1_add(&base, &gen_table[i][15], &base); /* 16^(i+1) G */
    }
}

void g1_mul_gen_ct(g1p *r, const uint8_t k[32])
{
    g1p acc, sel;

    pthread_once(&gen_once, gen_table_fill);
    g1_identity(&acc);
    for (int i = 0; i < 64; i++) {
        unsigned nib = (k[31 - i / 2] >> (i % 2 ? 4 : 0)) & 0xf;
        sel = gen_table[i][0];
        for (unsigned j = 1; j < 16; j++) {
            uint64_t m = cf_ct_eq_mask(j, nib);
            fp_cmov(&sel.x, &gen_table[i][j].x, m);
            fp_cmov(&sel.y, &gen_table[i][j].y, m);
            fp_cmov(&sel.z, &gen_table[i][j].z, m);
        }
        g1_add(&acc, &acc, &sel);
    }
    *r = acc;
    cf_ct_wipe(&sel, sizeof sel);
    cf_ct_wipe(&acc, sizeof acc);
}

void g1_mul_vartime(g1p *r, const g1p *a, const uint8_t *k, size_t n)
{
    g1p acc;

    g1_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 7; bit >= 0; bit--) {
            g1_dbl(&acc, &acc);
            if ((k[i] >> bit) & 1)
                g1_add(&acc, &acc, a);
        }
    }
    *r = acc;
}

void g1_compress(uint8_t out[48], const g1p *a)
{
    g1a aff;

    if (g1_is_identity(a)) {
        memset(out, 0, 48);
        out[0] = 0xc0;
        return;
    }
    g1_to_affine(&aff, a);
    fp_to_bytes(out, &aff.x);
    out[0] |= 0x80;
    if (fp_is_lex_largest(&aff.y))
        out[0] |= 0x20;
}

int g1_decompress(g1p *r, const uint8_t in[48])
{
    uint8_t xb[48];
    uint8_t any = 0;
    fp x, y, rhs;

    if ((in[0] & 0xc0) == 0xc0) {
        /* infinity: exactly c0 00..00 */
        any = in[0] & 0x3f;
        for (int i = 1; i < 48; i++)
            any |= in[i];
        if (any)
            return CF_ERR_BAD_POINT;
        g1_identity(r);
        return CF_OK;
    }
    if ((in[0] & 0xc0) != 0x80)
        return CF_ERR_BAD_POINT;
    for (int i = 1; i < 48; i++)
        any |= in[i];
    if (!any)
        return CF_ERR_BAD_POINT;
    memcpy(xb, in, 48);
    xb[0] &= 0x1f;
    if (!fp_from_bytes(&x, xb))
        return CF_ERR_BAD_POINT;
    fp_sqr(&rhs, &x);
    fp_mul(&rhs, &rhs, &x);
    fp_add(&rhs, &rhs, &B1);
    if (!fp_sqrt(&y, &rhs))
        return CF_ERR_BAD_POINT;
    if (fp_is_lex_largest(&y) != ((in[0] >> 5) & 1))
        fp_neg(&y, &y);
    r->x = x;
    r->y = y;
    r->z = fp_one_c;
    if (!g1_in_subgroup_vartime(r))
        return CF_ERR_NOT_IN_SUBGROUP;
    return CF_OK;
}

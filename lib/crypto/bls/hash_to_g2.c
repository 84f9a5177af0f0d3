/*
 * hash_to_g2.c: RFC 9380 hash_to_curve for BLS12-381 G2 (suite BLS12381G2_XMD:SHA-256_SSWU_RO_),
 * for any domain separation tag.
 *
 *   uniform = expand_message_xmd(msg, DST, 256)            (SHA-256 through OpenSSL)
 *   u0, u1  = four 64-byte chunks, each reduced mod p, as two Fp2 elements
 *   Q_i     = iso_map(sswu(u_i))   simplified SWU on E2': y^2 = x^3 + 240i x + 1012(1 + i),
 *                                  then the 3-isogeny E2' -> E2
 *   P       = clear_cofactor(Q0 + Q1)
 *
 * The messages hashed here are public, so the map may branch on them. The message may be given
 * in two parts (a prefix and the rest) so that AugSchemeMPL's pk || msg needs no copy.
 */
#include "crypto/bls/bls_internal.h"

#include <string.h>

#include "cfarm/bls.h"
#include "cfarm/hash.h"
#include "crypto/bls/bls_consts.h"

static const fp2 SSWU_A = BLS_SSWU_A, SSWU_B = BLS_SSWU_B, SSWU_Z = BLS_SSWU_Z;
static const fp2 MINUS_B_OVER_A = BLS_SSWU_MINUS_B_OVER_A, B_OVER_ZA = BLS_SSWU_B_OVER_ZA;
static const fp2 ISO_K1[4] = BLS_ISO_K1, ISO_K2[2] = BLS_ISO_K2, ISO_K3[4] = BLS_ISO_K3,
                 ISO_K4[3] = BLS_ISO_K4;

static const char OVERSIZE_PREFIX[] = "H2C-OVERSIZE-DST-";

/*
 * b_0 = H(Z_pad || prefix || msg || I2OSP(len, 2) || 0x00 || DST'), b_1 = H(b_0 || 0x01 || DST'),
 * b_i = H((b_0 xor b_(i-1)) || I2OSP(i, 1) || DST'); output b_1 || b_2 || ... truncated.
 */
static enum cf_err expand_xmd2(uint8_t *out, size_t out_len, const uint8_t *pre, size_t pre_len,
                               const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                               size_t dst_len)
{
    static const uint8_t zpad[64];
    uint8_t dst_hash[32], b0[32], bi[32], x[32], tail[3], one;
    size_t ell = (out_len + 31) / 32;
    struct cf_sha256_ctx *c;

    if (ell > 255 || out_len > 65535 || out_len == 0)
        return cf_err_set(CF_ERR_INVAL, "expand_message_xmd: bad output length %zu", out_len);
    c = cf_sha256_new();
    if (!c)
        return CF_ERR_NOMEM;
    if (dst_len > 255) {
        cf_sha256_update(c, OVERSIZE_PREFIX, sizeof OVERSIZE_PREFIX - 1);
        cf_sha256_update(c, dst, dst_len);
        cf_sha256_final(c, dst_hash);
        dst = dst_hash;
        dst_len = 32;
    }
    uint8_t dlen = (uint8_t)dst_len;
    tail[0] = (uint8_t)(out_len >> 8);
    tail[1] = (uint8_t)out_len;
    tail[2] = 0;
    cf_sha256_update(c, zpad, sizeof zpad);
    cf_sha256_update(c, pre, pre_len);
    cf_sha256_update(c, msg, msg_len);
    cf_sha256_update(c, tail, 3);
    cf_sha256_update(c, dst, dst_len);
    cf_sha256_update(c, &dlen, 1);
    cf_sha256_final(c, b0);
    memset(bi, 0, sizeof bi);
    for (size_t i = 1; i <= ell; i++) {
        for (int k = 0; k < 32; k++)
            x[k] = b0[k] ^ bi[k];
        one = (uint8_t)i;
        cf_sha256_update(c, i == 1 ? b0 : x, 32);
        cf_sha256_update(c, &one, 1);
        cf_sha256_update(c, dst, dst_len);
        cf_sha256_update(c, &dlen, 1);
        cf_sha256_final(c, bi);
        size_t take = out_len - (i - 1) * 32 < 32 ? out_len - (i - 1) * 32 : 32;
        memcpy(out + (i - 1) * 32, bi, take);
    }
    cf_sha256_free(c);
    return CF_OK;
}

enum cf_err cf_bls_expand_message_xmd(uint8_t *out, size_t out_len, const uint8_t *msg,
                                      size_t msg_len, const uint8_t *dst, size_t dst_len)
{
    return expand_xmd2(out, out_len, NULL, 0, msg, msg_len, dst, dst_len);
}

/* Horner evaluation of sum k[i] x^i (n coefficients), plus x^n when monic. */
static void poly(fp2 *r, const fp2 *k, int n, int monic, const fp2 *x)
{
    fp2 acc;

    if (monic) {
        fp2_set_one(&acc);
    } else {
        acc = k[n - 1];
        n--;
    }
    for (int i = n - 1; i >= 0; i--) {
        fp2_mul(&acc, &acc, x);
        fp2_add(&acc, &acc, &k[i]);
    }
    *r = acc;
}

static void g_of(fp2 *r, const fp2 *x)
{
    fp2 t;

    fp2_sqr(&t, x);
    fp2_add(&t, &t, &SSWU_A);
    fp2_mul(&t, &t, x);
    fp2_add(r, &t, &SSWU_B);
}

static const fp SQRT_M125 = BLS_SQRT_MINUS_125;

/* zu2 = Z u^2 and tv1 = Z^2 u^4 + Z u^2, the value SSWU inverts. */
static void sswu_tv1(fp2 *zu2, fp2 *tv1, const fp2 *u)
{
    fp2_sqr(zu2, u);
    fp2_mul(zu2, zu2, &SSWU_Z);
    fp2_sqr(tv1, zu2);
    fp2_add(tv1, tv1, zu2);
}

/*
 * SSWU (RFC 9380 6.6.2) then the 3-isogeny, given inv_tv1 = 1/tv1 (0 when tv1 = 0).
 * Exactly one of g(x1), g(x2) = (Z u^2)^3 g(x1) is a square; the Fp square root of the norm
 * tried on g(x1) also yields, when it fails, the norm root for g(x2) (s^2 = -N(g(x1)) then, and
 * N(g(x2)) = N(Z)^3 N(u)^6 N(g(x1)) with N(Z) = 5), so each map takes two exponentiations.
 */
static void map_one(g2p *r, const fp2 *u, const fp2 *zu2, const fp2 *inv_tv1)
{
    fp2 x1, x, y, gx, xn, xd, yn, yd;
    fp n, s, nu;

    if (fp2_is_zero(inv_tv1)) {
        x1 = B_OVER_ZA;
    } else {
        fp2 t;
        fp2_set_one(&t);
        fp2_add(&t, &t, inv_tv1);
        fp2_mul(&x1, &MINUS_B_OVER_A, &t);
    }
    g_of(&gx, &x1);
    x = x1;
    fp2_norm(&n, &gx);
    if (fp_sqrt(&s, &n)) {
        if (!fp2_sqrt_given_norm_root(&y, &gx, &s))
            fp2_sqrt(&y, &gx);
    } else {
        fp2_mul(&x, zu2, &x1);
        g_of(&gx, &x);
        fp2_norm(&nu, u);
        fp_sqr(&n, &nu);
        fp_mul(&n, &n, &nu);
        fp_mul(&s, &s, &n);
        fp_mul(&s, &s, &SQRT_M125);
        if (!fp2_sqrt_given_norm_root(&y, &gx, &s))
            fp2_sqrt(&y, &gx);
    }
    if (fp2_sgn0(u) != fp2_sgn0(&y))
        fp2_neg(&y, &y);
    /* 3-isogeny: x = xn/xd, y = y' yn/yd, as (xn yd : y' yn xd : xd yd) */
    poly(&xn, ISO_K1, 4, 0, &x);
    poly(&xd, ISO_K2, 2, 1, &x);
    poly(&yn, ISO_K3, 4, 0, &x);
    poly(&yd, ISO_K4, 3, 1, &x);
    fp2_mul(&r->x, &xn, &yd);
    fp2_mul(&r->y, &y, &yn);
    fp2_mul(&r->y, &r->y, &xd);
    fp2_mul(&r->z, &xd, &yd);
    if (fp2_is_zero(&r->z))
        g2_identity(r);
}

void bls_map_to_g2(g2p *r, const fp2 *u)
{
    fp2 zu2, tv1;

    sswu_tv1(&zu2, &tv1, u);
    fp2_inv(&tv1, &tv1);
    map_one(r, u, &zu2, &tv1);
}

void bls_map2_to_g2(g2p *r, const fp2 *u0, const fp2 *u1)
{
    fp2 zu0, zu1, t0, t1, prod, inv0, inv1;
    g2p q0, q1;

    sswu_tv1(&zu0, &t0, u0);
    sswu_tv1(&zu1, &t1, u1);
    /* 1/t0 = t1/(t0 t1), 1/t1 = t0/(t0 t1); inv of 0 is 0, so a zero t spoils only itself */
    fp2_mul(&prod, &t0, &t1);
    if (fp2_is_zero(&prod)) {
        fp2_inv(&inv0, &t0);
        fp2_inv(&inv1, &t1);
    } else {
        fp2_inv(&prod, &prod);
        fp2_mul(&inv0, &prod, &t1);
        fp2_mul(&inv1, &prod, &t0);
    }
    map_one(&q0, u0, &zu0, &inv0);
    map_one(&q1, u1, &zu1, &inv1);
    g2_add(r, &q0, &q1);
}

static void hash2(g2p *r, const uint8_t *pre, size_t pre_len, const uint8_t *msg, size_t msg_len,
                  const uint8_t *dst, size_t dst_len)
{
    uint8_t uniform[256];
    fp2 u0, u1;
    g2p q0;

    if (expand_xmd2(uniform, sizeof uniform, pre, pre_len, msg, msg_len, dst, dst_len) != CF_OK) {
        /* Only an OpenSSL allocation failure gets here; the identity never verifies. */
        g2_identity(r);
        return;
    }
    fp_from_bytes_wide(&u0.c0, uniform);
    fp_from_bytes_wide(&u0.c1, uniform + 64);
    fp_from_bytes_wide(&u1.c0, uniform + 128);
    fp_from_bytes_wide(&u1.c1, uniform + 192);
    bls_map2_to_g2(&q0, &u0, &u1);
    g2_clear_cofactor(r, &q0);
}

void bls_hash_to_g2(g2p *r, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                    size_t dst_len)
{
    hash2(r, NULL, 0, msg, msg_len, dst, dst_len);
}

void bls_hash_to_g2_prefixed(g2p *r, const uint8_t *pre, size_t pre_len, const uint8_t *msg,
                             size_t msg_len, const uint8_t *dst, size_t dst_len)
{
    hash2(r, pre, pre_len, msg, msg_len, dst, dst_len);
}

void cf_bls_hash_to_g2(struct cf_bls_sig *out, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len)
{
    g2p p;

    bls_hash_to_g2(&p, msg, msg_len, dst, dst_len);
    g2_compress(out->bytes, &p);
}

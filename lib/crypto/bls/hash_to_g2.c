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

void bls_map_to_g2(g2p *r, const fp2 *u)
{
    fp2 zu2, tv1, x1, x, y, gx, one, xn, xd, yn, yd;

    fp2_sqr(&zu2, u);
    fp2_mul(&zu2, &zu2, &SSWU_Z);
    fp2_sqr(&tv1, &zu2);
    fp2_add(&tv1, &tv1, &zu2);
    if (fp2_is_zero(&tv1)) {
        x1 = B_OVER_ZA;
    } else {
        fp2_inv(&tv1, &tv1);
        fp2_set_one(&one);
        fp2_add(&tv1, &tv1, &one);
        fp2_mul(&x1, &MINUS_B_OVER_A, &tv1);
    }
    g_of(&gx, &x1);
    x = x1;
    if (!fp2_sqrt(&y, &gx)) {
        fp2_mul(&x, &zu2, &x1);
        g_of(&gx, &x);
        fp2_sqrt(&y, &gx); /* g(x2) = Z^3 u^6 g(x1) is a square when g(x1) is not */
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

static void hash2(g2p *r, const uint8_t *pre, size_t pre_len, const uint8_t *msg, size_t msg_len,
                  const uint8_t *dst, size_t dst_len)
{
    uint8_t uniform[256];
    fp2 u0, u1;
    g2p q0, q1;

    if (expand_xmd2(uniform, sizeof uniform, pre, pre_len, msg, msg_len, dst, dst_len) != CF_OK) {
        /* Only an OpenSSL allocation failure gets here; the identity never verifies. */
        g2_identity(r);
        return;
    }
    fp_from_bytes_wide(&u0.c0, uniform);
    fp_from_bytes_wide(&u0.c1, uniform + 64);
    fp_from_bytes_wide(&u1.c0, uniform + 128);
    fp_from_bytes_wide(&u1.c1, uniform + 192);
    bls_map_to_g2(&q0, &u0);
    bls_map_to_g2(&q1, &u1);
    g2_add(&q0, &q0, &q1);
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

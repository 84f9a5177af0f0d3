/*
 * schemes.c: the public face of cfarm/bls.h: element codecs, scalar arithmetic mod r, and
 * Chia's three signature schemes (AugSchemeMPL, BasicSchemeMPL, PopSchemeMPL).
 *
 * Signing is sk * H(m) with a constant-time scalar multiplication; verification puts every
 * (pk_i, H(m_i)) pair and (-G1, sig) into one multi-Miller loop and compares a single final
 * exponentiation with 1. Pairs are streamed through a fixed-size batch, so any number of
 * signatures verifies without allocation. The rules that are Chia's rather than the IETF
 * draft's (an identity pk never verifies, Basic rejects repeated messages, empty aggregates
 * verify only the identity) are written out at each function.
 */
#include "cfarm/bls.h"

#include <string.h>

#include "cfarm/ct.h"
#include "cfarm/hash.h"
#include "crypto/bls/bls_consts.h"
#include "crypto/bls/bls_internal.h"

typedef unsigned __int128 u128;

static const uint64_t R_LIMBS[4] = BLS_R_LIMBS;

/* ---- scalars mod r ---- */

static void sc_load(uint64_t l[4], const uint8_t be[32])
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = 0;
        for (int k = 0; k < 8; k++)
            v = (v << 8) | be[(3 - i) * 8 + k];
        l[i] = v;
    }
}

static void sc_store(uint8_t be[32], const uint64_t l[4])
{
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 8; k++)
            be[(3 - i) * 8 + k] = (uint8_t)(l[i] >> (56 - 8 * k));
}

/* l = l - r when l >= r (constant time). */
static void sc_reduce_once(uint64_t l[4])
{
    uint64_t d[4], borrow = 0;

    for (int i = 0; i < 4; i++) {
        u128 s = (u128)l[i] - R_LIMBS[i] - borrow;
        d[i] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    for (int i = 0; i < 4; i++)
        l[i] = cf_ct_select(0 - borrow, l[i], d[i]);
}

void cf_bls_sk_from_wide(struct cf_bls_sk *out, const uint8_t *be, size_t n)
{
    /* Bit by bit from the top: acc = 2 acc + bit, then one conditional subtraction (2r < 2^256). */
    uint64_t acc[4] = {0, 0, 0, 0};

    for (size_t i = 0; i < n; i++) {
        for (int bit = 7; bit >= 0; bit--) {
            uint64_t in = (be[i] >> bit) & 1;
            for (int k = 3; k > 0; k--)
                acc[k] = (acc[k] << 1) | (acc[k - 1] >> 63);
            acc[0] = (acc[0] << 1) | in;
            sc_reduce_once(acc);
        }
    }
    sc_store(out->bytes, acc);
    cf_ct_wipe(acc, sizeof acc);
}

void cf_bls_sk_add(struct cf_bls_sk *out, const struct cf_bls_sk *a, const struct cf_bls_sk *b)
{
    uint64_t x[4], y[4];
    uint8_t wide[33];
    uint64_t carry = 0;

    sc_load(x, a->bytes);
    sc_load(y, b->bytes);
    for (int i = 0; i < 4; i++) {
        u128 s = (u128)x[i] + y[i] + carry;
        x[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    wide[0] = (uint8_t)carry;
    sc_store(wide + 1, x);
    cf_bls_sk_from_wide(out, wide, sizeof wide);
    cf_ct_wipe(x, sizeof x);
    cf_ct_wipe(y, sizeof y);
    cf_ct_wipe(wide, sizeof wide);
}

enum cf_err cf_bls_sk_validate(const struct cf_bls_sk *sk)
{
    uint64_t l[4], borrow = 0;

    sc_load(l, sk->bytes);
    for (int i = 0; i < 4; i++) {
        u128 s = (u128)l[i] - R_LIMBS[i] - borrow;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    cf_ct_wipe(l, sizeof l);
    return borrow ? CF_OK : cf_err_set(CF_ERR_BAD_KEY, "secret key is not below r");
}

/* ---- elements ---- */

enum cf_err cf_bls_pk_validate(const uint8_t bytes[CF_BLS_PK_LEN])
{
    g1p p;

    return (enum cf_err)g1_decompress(&p, bytes);
}

enum cf_err cf_bls_sig_validate(const uint8_t bytes[CF_BLS_SIG_LEN])
{
    g2p p;

    return (enum cf_err)g2_decompress(&p, bytes);
}

void cf_bls_sk_to_pk(struct cf_bls_pk *pk, const struct cf_bls_sk *sk)
{
    g1p p;

    g1_mul_gen_ct(&p, sk->bytes);
    g1_compress(pk->bytes, &p);
    cf_ct_wipe(&p, sizeof p);
}

enum cf_err cf_bls_pk_add(struct cf_bls_pk *out, const struct cf_bls_pk *a,
                          const struct cf_bls_pk *b)
{
    g1p x, y;
    enum cf_err err;

    if ((err = (enum cf_err)g1_decompress(&x, a->bytes)) != CF_OK ||
        (err = (enum cf_err)g1_decompress(&y, b->bytes)) != CF_OK)
        return err;
    g1_add(&x, &x, &y);
    g1_compress(out->bytes, &x);
    return CF_OK;
}

enum cf_err cf_bls_pk_negate(struct cf_bls_pk *out, const struct cf_bls_pk *a)
{
    g1p x;
    enum cf_err err = (enum cf_err)g1_decompress(&x, a->bytes);

    if (err != CF_OK)
        return err;
    g1_neg(&x, &x);
    g1_compress(out->bytes, &x);
    return CF_OK;
}

enum cf_err cf_bls_pk_add_scalar_mul_g1(struct cf_bls_pk *out, const struct cf_bls_pk *pk,
                                        const uint8_t s[32])
{
    struct cf_bls_sk k;
    g1p x, t;
    enum cf_err err = (enum cf_err)g1_decompress(&x, pk->bytes);

    if (err != CF_OK)
        return err;
    cf_bls_sk_from_wide(&k, s, 32);
    g1_mul_gen_ct(&t, k.bytes);
    g1_add(&x, &x, &t);
    g1_compress(out->bytes, &x);
    cf_ct_wipe(&k, sizeof k);
    return CF_OK;
}

uint32_t cf_bls_pk_fingerprint(const struct cf_bls_pk *pk)
{
    uint8_t h[CF_SHA256_LEN];

    cf_sha256(h, pk->bytes, CF_BLS_PK_LEN);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

enum cf_err cf_bls_sig_add(struct cf_bls_sig *out, const struct cf_bls_sig *a,
                           const struct cf_bls_sig *b)
{
    g2p x, y;
    enum cf_err err;

    if ((err = (enum cf_err)g2_decompress(&x, a->bytes)) != CF_OK ||
        (err = (enum cf_err)g2_decompress(&y, b->bytes)) != CF_OK)
        return err;
    g2_add(&x, &x, &y);
    g2_compress(out->bytes, &x);
    return CF_OK;
}

enum cf_err cf_bls_sig_negate(struct cf_bls_sig *out, const struct cf_bls_sig *a)
{
    g2p x;
    enum cf_err err = (enum cf_err)g2_decompress(&x, a->bytes);

    if (err != CF_OK)
        return err;
    g2_neg(&x, &x);
    g2_compress(out->bytes, &x);
    return CF_OK;
}

void cf_bls_pk_identity(struct cf_bls_pk *out)
{
    memset(out->bytes, 0, sizeof out->bytes);
    out->bytes[0] = 0xc0;
}

void cf_bls_sig_identity(struct cf_bls_sig *out)
{
    memset(out->bytes, 0, sizeof out->bytes);
    out->bytes[0] = 0xc0;
}

enum cf_err cf_bls_aggregate(struct cf_bls_sig *out, const struct cf_bls_sig *sigs, size_t n)
{
    g2p acc, x;
    enum cf_err err;

    g2_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        if ((err = (enum cf_err)g2_decompress(&x, sigs[i].bytes)) != CF_OK)
            return err;
        g2_add(&acc, &acc, &x);
    }
    g2_compress(out->bytes, &acc);
    return CF_OK;
}

/* ---- signing ---- */

static void sign_core(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *pre,
                      size_t pre_len, const uint8_t *msg, size_t msg_len, const char *dst)
{
    g2p h, s;

    bls_hash_to_g2_prefixed(&h, pre, pre_len, msg, msg_len, (const uint8_t *)dst, strlen(dst));
    g2_mul_ct(&s, &h, sk->bytes);
    g2_compress(sig->bytes, &s);
    cf_ct_wipe(&s, sizeof s);
}

void cf_bls_aug_sign(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                     size_t msg_len)
{
    struct cf_bls_pk pk;

    cf_bls_sk_to_pk(&pk, sk);
    sign_core(sig, sk, pk.bytes, sizeof pk.bytes, msg, msg_len, CF_BLS_DST_AUG);
}

void cf_bls_aug_sign_prepend(struct cf_bls_sig *sig, const struct cf_bls_sk *sk,
                             const uint8_t *msg, size_t msg_len,
                             const struct cf_bls_pk *prepend_pk)
{
    sign_core(sig, sk, prepend_pk->bytes, CF_BLS_PK_LEN, msg, msg_len, CF_BLS_DST_AUG);
}

void cf_bls_basic_sign(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                       size_t msg_len)
{
    sign_core(sig, sk, NULL, 0, msg, msg_len, CF_BLS_DST_BASIC);
}

void cf_bls_pop_sign(struct cf_bls_sig *sig, const struct cf_bls_sk *sk, const uint8_t *msg,
                     size_t msg_len)
{
    sign_core(sig, sk, NULL, 0, msg, msg_len, CF_BLS_DST_POP);
}

void cf_bls_pop_prove(struct cf_bls_sig *proof, const struct cf_bls_sk *sk)
{
    struct cf_bls_pk pk;

    cf_bls_sk_to_pk(&pk, sk);
    sign_core(proof, sk, NULL, 0, pk.bytes, sizeof pk.bytes, CF_BLS_DST_POP_PROOF);
}

/* ---- verification: a streaming product of pairings ---- */

#define BATCH 8

struct pairing_acc {
    g1a ps[BATCH];
    g2a qs[BATCH];
    size_t k;
    fp12 f;
};

static void acc_init(struct pairing_acc *a)
{
    a->k = 0;
    fp12_set_one(&a->f);
}

static void acc_flush(struct pairing_acc *a)
{
    fp12 part;

    if (a->k == 0)
        return;
    bls_miller_loop(&part, a->ps, a->qs, a->k);
    fp12_mul(&a->f, &a->f, &part);
    a->k = 0;
}

/* Public points only: those already affine (decoded ones, Z = 1) skip the inversion. */
static void acc_push(struct pairing_acc *a, const g1p *p, const g2p *q)
{
    fp2 one;

    fp2_set_one(&one);
    if (fp_eq(&p->z, &fp_one_c)) {
        a->ps[a->k].x = p->x;
        a->ps[a->k].y = p->y;
        a->ps[a->k].inf = false;
    } else {
        g1_to_affine(&a->ps[a->k], p);
    }
    if (fp2_eq(&q->z, &one)) {
        a->qs[a->k].x = q->x;
        a->qs[a->k].y = q->y;
        a->qs[a->k].inf = false;
    } else {
        g2_to_affine(&a->qs[a->k], q);
    }
    if (++a->k == BATCH)
        acc_flush(a);
}

/* Adds (-G1, sig) and reports whether the whole product is 1. */
static bool acc_finish(struct pairing_acc *a, const g2p *sig)
{
    g1p g;
    fp12 r;

    g1_generator(&g);
    g1_neg(&g, &g);
    acc_push(a, &g, sig);
    acc_flush(a);
    bls_final_exp(&r, &a->f);
    return fp12_is_one(&r);
}

/* A pk that decodes and is not the identity (Chia never verifies under the identity). */
static bool usable_pk(g1p *p, const struct cf_bls_pk *pk)
{
    return g1_decompress(p, pk->bytes) == CF_OK && !g1_is_identity(p);
}

static bool verify_core(const struct cf_bls_pk *pk, const uint8_t *pre, size_t pre_len,
                        const uint8_t *msg, size_t msg_len, const struct cf_bls_sig *sig,
                        const char *dst)
{
    struct pairing_acc acc;
    g1p p;
    g2p s, h;

    if (!usable_pk(&p, pk) || g2_decompress(&s, sig->bytes) != CF_OK)
        return false;
    bls_hash_to_g2_prefixed(&h, pre, pre_len, msg, msg_len, (const uint8_t *)dst, strlen(dst));
    acc_init(&acc);
    acc_push(&acc, &p, &h);
    return acc_finish(&acc, &s);
}

bool cf_bls_aug_verify(const struct cf_bls_pk *pk, const uint8_t *msg, size_t msg_len,
                       const struct cf_bls_sig *sig)
{
    return verify_core(pk, pk->bytes, CF_BLS_PK_LEN, msg, msg_len, sig, CF_BLS_DST_AUG);
}

bool cf_bls_basic_verify(const struct cf_bls_pk *pk, const uint8_t *msg, size_t msg_len,
                         const struct cf_bls_sig *sig)
{
    return verify_core(pk, NULL, 0, msg, msg_len, sig, CF_BLS_DST_BASIC);
}

bool cf_bls_pop_verify(const struct cf_bls_pk *pk, const uint8_t *msg, size_t msg_len,
                       const struct cf_bls_sig *sig)
{
    return verify_core(pk, NULL, 0, msg, msg_len, sig, CF_BLS_DST_POP);
}

bool cf_bls_pop_proof_verify(const struct cf_bls_pk *pk, const struct cf_bls_sig *proof)
{
    return verify_core(pk, NULL, 0, pk->bytes, CF_BLS_PK_LEN, proof, CF_BLS_DST_POP_PROOF);
}

/* n (pk, msg) pairs, each message prefixed with its pk when aug is set. */
static bool aggregate_verify_core(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                  const size_t *msg_lens, size_t n, const struct cf_bls_sig *sig,
                                  const char *dst, bool aug)
{
    struct pairing_acc acc;
    g1p p;
    g2p s, h;

    if (g2_decompress(&s, sig->bytes) != CF_OK)
        return false;
    if (n == 0)
        return g2_is_identity(&s);
    acc_init(&acc);
    for (size_t i = 0; i < n; i++) {
        if (!usable_pk(&p, &pks[i]))
            return false;
        bls_hash_to_g2_prefixed(&h, aug ? pks[i].bytes : NULL, aug ? CF_BLS_PK_LEN : 0, msgs[i],
                                msg_lens[i], (const uint8_t *)dst, strlen(dst));
        acc_push(&acc, &p, &h);
    }
    return acc_finish(&acc, &s);
}

bool cf_bls_aug_aggregate_verify(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                 const size_t *msg_lens, size_t n, const struct cf_bls_sig *sig)
{
    return aggregate_verify_core(pks, msgs, msg_lens, n, sig, CF_BLS_DST_AUG, true);
}

/* BasicSchemeMPL refuses repeated messages even when the pairing equation holds. */
bool cf_bls_basic_aggregate_verify(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                   const size_t *msg_lens, size_t n,
                                   const struct cf_bls_sig *sig)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (msg_lens[i] == msg_lens[j] && memcmp(msgs[i], msgs[j], msg_lens[i]) == 0)
                return false;
    return aggregate_verify_core(pks, msgs, msg_lens, n, sig, CF_BLS_DST_BASIC, false);
}

bool cf_bls_pop_aggregate_verify(const struct cf_bls_pk *pks, const uint8_t *const *msgs,
                                 const size_t *msg_lens, size_t n, const struct cf_bls_sig *sig)
{
    return aggregate_verify_core(pks, msgs, msg_lens, n, sig, CF_BLS_DST_POP, false);
}

/* The pks are summed and the sum verified as one key; an empty list never verifies. */
bool cf_bls_pop_fast_aggregate_verify(const struct cf_bls_pk *pks, size_t n, const uint8_t *msg,
                                      size_t msg_len, const struct cf_bls_sig *sig)
{
    g1p acc, p;
    struct cf_bls_pk sum;

    if (n == 0)
        return false;
    g1_identity(&acc);
    for (size_t i = 0; i < n; i++) {
        if (g1_decompress(&p, pks[i].bytes) != CF_OK)
            return false;
        g1_add(&acc, &acc, &p);
    }
    g1_compress(sum.bytes, &acc);
    return verify_core(&sum, NULL, 0, msg, msg_len, sig, CF_BLS_DST_POP);
}

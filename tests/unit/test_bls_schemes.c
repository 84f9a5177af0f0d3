/*
 * test_bls_schemes.c: the cfarm/bls.h API on its own (no shared vectors needed): sign/verify
 * round trips in the three schemes, aggregation, Chia's verification rules (identity pk,
 * empty aggregates, repeated messages in Basic), scalar arithmetic mod r, and the codecs'
 * refusals (flags, x >= p, non-canonical infinity).
 */
#include <string.h>

#include "cfarm/bls.h"
#include "cfarm/hash.h"
#include "test.h"

static void sk_of(struct cf_bls_sk *sk, unsigned i)
{
    uint8_t seed[4] = {(uint8_t)i, 0x5a, 0xa5, (uint8_t)(i >> 8)};
    uint8_t h[64];

    cf_sha512(h, seed, sizeof seed);
    cf_bls_sk_from_wide(sk, h, sizeof h);
}

static void test_scalars(void)
{
    static const uint8_t r_be[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                     0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                     0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};
    struct cf_bls_sk a, b, c, one, zero;

    memset(&zero, 0, sizeof zero);
    memset(&one, 0, sizeof one);
    one.bytes[31] = 1;
    memcpy(a.bytes, r_be, 32);
    CHECK(cf_bls_sk_validate(&a) == CF_ERR_BAD_KEY); /* r itself */
    a.bytes[31] = 0;                                    /* r - 1 */
    CHECK(cf_bls_sk_validate(&a) == CF_OK);
    CHECK(cf_bls_sk_validate(&zero) == CF_OK);
    cf_bls_sk_add(&b, &a, &one); /* (r - 1) + 1 = 0 */
    CHECK_MEM(b.bytes, zero.bytes, 32);
    cf_bls_sk_from_wide(&c, r_be, 32); /* r mod r = 0 */
    CHECK_MEM(c.bytes, zero.bytes, 32);
    uint8_t wide[64];
    memset(wide, 0, 64);
    memcpy(wide + 32, r_be, 32);
    wide[63] = 2; /* r + 1 */
    cf_bls_sk_from_wide(&c, wide, 64);
    CHECK_MEM(c.bytes, one.bytes, 32);
    /* pk(a + b) = pk(a) + pk(b) */
    struct cf_bls_pk pa, pb, ps, psum;
    sk_of(&a, 1);
    sk_of(&b, 2);
    cf_bls_sk_add(&c, &a, &b);
    cf_bls_sk_to_pk(&pa, &a);
    cf_bls_sk_to_pk(&pb, &b);
    cf_bls_sk_to_pk(&ps, &c);
    CHECK(cf_bls_pk_add(&psum, &pa, &pb) == CF_OK);
    CHECK_MEM(ps.bytes, psum.bytes, 48);
    /* pk + s*G = pk(sk + s) */
    CHECK(cf_bls_pk_add_scalar_mul_g1(&psum, &pa, b.bytes) == CF_OK);
    CHECK_MEM(ps.bytes, psum.bytes, 48);
    /* zero key: identity pk */
    cf_bls_sk_to_pk(&pa, &zero);
    cf_bls_pk_identity(&pb);
    CHECK_MEM(pa.bytes, pb.bytes, 48);
}

static void test_schemes(void)
{
    struct cf_bls_sk sk[3];
    struct cf_bls_pk pk[3], id_pk;
    struct cf_bls_sig sig[3], agg, id_sig, s;
    const uint8_t msg[3][5] = {"msg-a", "msg-b", "msg-c"};
    const uint8_t *msgs[3] = {msg[0], msg[1], msg[2]};
    size_t lens[3] = {5, 5, 5};

    for (unsigned i = 0; i < 3; i++) {
        sk_of(&sk[i], i + 10);
        cf_bls_sk_to_pk(&pk[i], &sk[i]);
    }
    cf_bls_pk_identity(&id_pk);
    cf_bls_sig_identity(&id_sig);

    /* Aug */
    for (int i = 0; i < 3; i++)
        cf_bls_aug_sign(&sig[i], &sk[i], msg[i], 5);
    CHECK(cf_bls_aug_verify(&pk[0], msg[0], 5, &sig[0]));
    CHECK(!cf_bls_aug_verify(&pk[1], msg[0], 5, &sig[0]));
    CHECK(!cf_bls_aug_verify(&pk[0], msg[1], 5, &sig[0]));
    CHECK(!cf_bls_aug_verify(&id_pk, msg[0], 5, &id_sig));
    CHECK(cf_bls_aggregate(&agg, sig, 3) == CF_OK);
    CHECK(cf_bls_aug_aggregate_verify(pk, msgs, lens, 3, &agg));
    CHECK(!cf_bls_aug_aggregate_verify(pk, msgs, lens, 2, &agg));
    CHECK(cf_bls_aug_aggregate_verify(pk, msgs, lens, 0, &id_sig));
    CHECK(!cf_bls_aug_aggregate_verify(pk, msgs, lens, 0, &agg));
    /* sign with a prepended pk: verifies under that pk */
    cf_bls_aug_sign_prepend(&s, &sk[0], msg[2], 5, &pk[0]);
    CHECK(cf_bls_aug_verify(&pk[0], msg[2], 5, &s));
    /* the plot form: two shares under prepend = pk0 + pk1 sum to a signature under the sum */
    struct cf_bls_pk plot;
    struct cf_bls_sig sh[2];
    CHECK(cf_bls_pk_add(&plot, &pk[0], &pk[1]) == CF_OK);
    cf_bls_aug_sign_prepend(&sh[0], &sk[0], msg[1], 5, &plot);
    cf_bls_aug_sign_prepend(&sh[1], &sk[1], msg[1], 5, &plot);
    CHECK(cf_bls_aggregate(&s, sh, 2) == CF_OK);
    CHECK(cf_bls_aug_verify(&plot, msg[1], 5, &s));

    /* Basic: repeated messages refused even when the equation holds */
    for (int i = 0; i < 3; i++)
        cf_bls_basic_sign(&sig[i], &sk[i], msg[i], 5);
    CHECK(cf_bls_basic_verify(&pk[2], msg[2], 5, &sig[2]));
    CHECK(!cf_bls_aug_verify(&pk[2], msg[2], 5, &sig[2]));
    CHECK(cf_bls_aggregate(&agg, sig, 3) == CF_OK);
    CHECK(cf_bls_basic_aggregate_verify(pk, msgs, lens, 3, &agg));
    const uint8_t *same[2] = {msg[0], msg[0]};
    cf_bls_basic_sign(&sh[0], &sk[0], msg[0], 5);
    cf_bls_basic_sign(&sh[1], &sk[1], msg[0], 5);
    CHECK(cf_bls_aggregate(&s, sh, 2) == CF_OK);
    CHECK(!cf_bls_basic_aggregate_verify(pk, same, lens, 2, &s));
    CHECK(cf_bls_pop_fast_aggregate_verify(pk, 2, msg[0], 5, &s) == false); /* wrong DST */

    /* Pop */
    cf_bls_pop_sign(&sh[0], &sk[0], msg[0], 5);
    cf_bls_pop_sign(&sh[1], &sk[1], msg[0], 5);
    CHECK(cf_bls_pop_verify(&pk[0], msg[0], 5, &sh[0]));
    CHECK(cf_bls_aggregate(&s, sh, 2) == CF_OK);
    CHECK(cf_bls_pop_fast_aggregate_verify(pk, 2, msg[0], 5, &s));
    CHECK(!cf_bls_pop_fast_aggregate_verify(pk, 0, msg[0], 5, &id_sig));
    CHECK(cf_bls_pop_aggregate_verify(pk, same, lens, 2, &s));
    cf_bls_pop_prove(&s, &sk[2]);
    CHECK(cf_bls_pop_proof_verify(&pk[2], &s));
    CHECK(!cf_bls_pop_proof_verify(&pk[1], &s));
}

static void test_codecs(void)
{
    struct cf_bls_sk sk;
    struct cf_bls_pk pk, neg, sum;
    struct cf_bls_sig sig;
    uint8_t b[96];

    sk_of(&sk, 99);
    cf_bls_sk_to_pk(&pk, &sk);
    CHECK(cf_bls_pk_validate(pk.bytes) == CF_OK);
    memcpy(b, pk.bytes, 48);
    b[0] &= 0x7f; /* compression bit cleared */
    CHECK(cf_bls_pk_validate(b) == CF_ERR_BAD_POINT);
    memcpy(b, pk.bytes, 48);
    b[0] |= 0x40; /* infinity bit on a real point */
    CHECK(cf_bls_pk_validate(b) == CF_ERR_BAD_POINT);
    memset(b, 0xff, 48);
    b[0] = 0x9f; /* x = 2^381 - 1 >= p */
    CHECK(cf_bls_pk_validate(b) == CF_ERR_BAD_POINT);
    memset(b, 0, 48);
    b[0] = 0xc0;
    b[47] = 1; /* non-canonical infinity */
    CHECK(cf_bls_pk_validate(b) == CF_ERR_BAD_POINT);
    b[47] = 0;
    CHECK(cf_bls_pk_validate(b) == CF_OK);
    b[0] = 0x80; /* x = 0 without the infinity flag */
    CHECK(cf_bls_pk_validate(b) == CF_ERR_BAD_POINT);
    CHECK(cf_bls_pk_negate(&neg, &pk) == CF_OK);
    CHECK((neg.bytes[0] ^ pk.bytes[0]) == 0x20);
    CHECK(cf_bls_pk_add(&sum, &pk, &neg) == CF_OK);
    cf_bls_pk_identity(&neg);
    CHECK_MEM(sum.bytes, neg.bytes, 48);

    cf_bls_basic_sign(&sig, &sk, (const uint8_t *)"x", 1);
    CHECK(cf_bls_sig_validate(sig.bytes) == CF_OK);
    memcpy(b, sig.bytes, 96);
    b[0] &= 0x7f;
    CHECK(cf_bls_sig_validate(b) == CF_ERR_BAD_POINT);
    memset(b, 0, 96);
    b[0] = 0xe0; /* infinity with the sign bit */
    CHECK(cf_bls_sig_validate(b) == CF_ERR_BAD_POINT);
    b[0] = 0xc0;
    CHECK(cf_bls_sig_validate(b) == CF_OK);
    /* Some x on the twist curve outside G2: try small x until one decodes past the curve test. */
    int outside = 0;
    for (int x = 1; x < 64 && !outside; x++) {
        memset(b, 0, 96);
        b[0] = 0x80;
        b[95] = (uint8_t)x;
        if (cf_bls_sig_validate(b) == CF_ERR_NOT_IN_SUBGROUP)
            outside = 1;
    }
    CHECK(outside);
    CHECK_EQ_U64(cf_bls_pk_fingerprint(&pk) != 0, 1);
}

int main(void)
{
    test_scalars();
    test_schemes();
    test_codecs();
    return test_report("test_bls_schemes");
}

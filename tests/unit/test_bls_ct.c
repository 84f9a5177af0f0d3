/*
 * test_bls_ct.c: the secret-scalar paths of lib/crypto/bls do not branch on or index memory by
 * the secret. Run under Valgrind's memcheck (tests/integration/bls_ct_valgrind.sh does), the
 * scalar is marked undefined, so any conditional jump or address that depends on it is reported
 * as an error; the test fails when memcheck counted any. Outputs that are public (a public key,
 * a signature) are marked defined again before they are encoded, which branches legitimately.
 * Run plainly, the same code runs and checks only that results are right.
 */
#include <stdlib.h>
#include <string.h>

#include "cfarm/bls.h"
#include "crypto/bls/bls_internal.h"
#include "test.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK 1
#endif
#endif
#ifdef HAVE_MEMCHECK
#define HAVE_MEMCHECK_VALUE 1
#else
#define HAVE_MEMCHECK_VALUE               0
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)(p), (void)(n))
#define VALGRIND_MAKE_MEM_DEFINED(p, n)   ((void)(p), (void)(n))
#define VALGRIND_COUNT_ERRORS             0
#define RUNNING_ON_VALGRIND               0
#endif

static void secret(void *p, size_t n)
{
    VALGRIND_MAKE_MEM_UNDEFINED(p, n);
}

static void public(void *p, size_t n)
{
    VALGRIND_MAKE_MEM_DEFINED(p, n);
}

/* 1 when built with AddressSanitizer (which cannot run under Valgrind). */
static int sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#endif
#endif
    return 0;
}

int main(void)
{
    struct cf_bls_sk sk, sk2, sum;

    if (getenv("CFARM_BLS_CT_PROBE")) { /* for bls_ct_valgrind.sh */
        printf("%s %s\n", sanitized() ? "sanitized" : "plain",
               HAVE_MEMCHECK_VALUE ? "memcheck" : "no-memcheck");
        return 0;
    }
    uint8_t wide[64];
    g1p g, a, b;
    g2p h, s, t;
    unsigned long errors_before = VALGRIND_COUNT_ERRORS;

    memset(sk.bytes, 0x5c, 32);
    sk.bytes[0] = 0x1d;
    memset(sk2.bytes, 0xa3, 32);
    sk2.bytes[0] = 0x42;
    for (int i = 0; i < 64; i++)
        wide[i] = (uint8_t)(i * 37 + 11);

    /* scalar arithmetic mod r */
    secret(&sk, sizeof sk);
    secret(&sk2, sizeof sk2);
    secret(wide, sizeof wide);
    cf_bls_sk_add(&sum, &sk, &sk2);
    cf_bls_sk_from_wide(&sum, wide, sizeof wide);

    /* sk * G1 (fixed-base table) and k * P (windowed), then inversion to affine */
    g1_mul_gen_ct(&a, sk.bytes);
    g1_generator(&g);
    g1_mul_ct(&b, &g, sk.bytes);
    g1a aa;
    g1_to_affine(&aa, &a);
    public(&a, sizeof a);
    public(&b, sizeof b);
    CHECK(g1_eq(&a, &b));

    /* sk * H on G2 (GLS) and the windowed form */
    bls_hash_to_g2(&h, (const uint8_t *)"ct", 2, (const uint8_t *)"DST", 3);
    g2_mul_ct(&s, &h, sk.bytes);
    g2_mul_window_ct(&t, &h, sk.bytes);
    g2a sa;
    g2_to_affine(&sa, &s);
    public(&s, sizeof s);
    public(&t, sizeof t);
    CHECK(g2_eq(&s, &t));

    /* the public API: sk_to_pk and a signature (outputs are public once computed) */
    struct cf_bls_pk pk;
    struct cf_bls_sig sig;
    public(&sk, sizeof sk);
    cf_bls_sk_to_pk(&pk, &sk);
    cf_bls_basic_sign(&sig, &sk, (const uint8_t *)"m", 1);
    CHECK(cf_bls_basic_verify(&pk, (const uint8_t *)"m", 1, &sig));

    unsigned long errors = VALGRIND_COUNT_ERRORS - errors_before;
    if (RUNNING_ON_VALGRIND)
        printf("test_bls_ct: under memcheck (%s product), %lu secret-dependent branches or "
               "addresses\n",
               bls_have_mulx ? "MULX" : "C", errors);
    else
        printf("test_bls_ct: not under Valgrind; results checked, timing not\n");
    CHECK_EQ_U64(errors, 0);
    return test_report("test_bls_ct");
}

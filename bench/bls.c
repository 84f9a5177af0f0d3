/*
 * bench/bls.c: operations per second of the BLS12-381 paths a farmer and harvester use.
 *
 *   build/bench/bls          human-readable table
 *   build/bench/bls --json   one JSON object {measure: ops_per_second}
 *
 * Each measure runs for about half a second of this thread's CPU time (not wall time, so that
 * other jobs on a shared machine do not skew the figures). "keygen" is the
 * EIP-2333 KeyGen shape (HKDF-SHA256 to 48 bytes, reduce mod r, pk = sk*G1); "derive_unhardened_pk"
 * is Chia's pk-only child derivation (SHA-256 nonce, pk + nonce*G1).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cfarm/bls.h"
#include "cfarm/hash.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct ctx {
    struct cf_bls_sk sk[64];
    struct cf_bls_pk pk[64];
    uint8_t msg[64][32];
    const uint8_t *msgp[64];
    size_t lens[64];
    struct cf_bls_sig sig[64];
    struct cf_bls_sig agg2, agg64;
    volatile unsigned sink;
};

static struct ctx C;

static void op_sign(void)
{
    struct cf_bls_sig s;
    cf_bls_aug_sign(&s, &C.sk[0], C.msg[0], 32);
    C.sink += s.bytes[5];
}

static void op_verify(void)
{
    C.sink += cf_bls_aug_verify(&C.pk[0], C.msg[0], 32, &C.sig[0]);
}

static void op_aggverify2(void)
{
    C.sink += cf_bls_aug_aggregate_verify(C.pk, C.msgp, C.lens, 2, &C.agg2);
}

static void op_aggverify64(void)
{
    C.sink += cf_bls_aug_aggregate_verify(C.pk, C.msgp, C.lens, 64, &C.agg64);
}

static void op_sk_to_pk(void)
{
    struct cf_bls_pk p;
    cf_bls_sk_to_pk(&p, &C.sk[1]);
    C.sink += p.bytes[3];
}

static void op_keygen(void)
{
    static const char salt[] = "BLS-SIG-KEYGEN-SALT-";
    uint8_t ikm[33], okm[48], info[2] = {0, 48}, prk[32];
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;

    memcpy(ikm, C.msg[2], 32);
    ikm[32] = 0;
    cf_sha256(prk, salt, sizeof salt - 1);
    cf_hkdf_sha256(okm, sizeof okm, salt, sizeof salt - 1, ikm, sizeof ikm, info, sizeof info);
    cf_bls_sk_from_wide(&sk, okm, sizeof okm);
    cf_bls_sk_to_pk(&pk, &sk);
    C.sink += pk.bytes[7] + prk[0];
}

static void op_derive_unhardened(void)
{
    uint8_t buf[52], nonce[32];
    struct cf_bls_pk child;

    memcpy(buf, C.pk[3].bytes, 48);
    memset(buf + 48, 0, 4);
    buf[51] = 7;
    cf_sha256(nonce, buf, sizeof buf);
    cf_bls_pk_add_scalar_mul_g1(&child, &C.pk[3], nonce);
    C.sink += child.bytes[9];
}

static void op_g1_decode(void)
{
    C.sink += cf_bls_pk_validate(C.pk[4].bytes);
}

static void op_g2_decode(void)
{
    C.sink += cf_bls_sig_validate(C.sig[4].bytes);
}

static void op_hash_to_g2(void)
{
    struct cf_bls_sig s;
    cf_bls_hash_to_g2(&s, C.msg[5], 32, (const uint8_t *)CF_BLS_DST_AUG,
                      strlen(CF_BLS_DST_AUG));
    C.sink += s.bytes[1];
}

static double measure(void (*fn)(void))
{
    unsigned long n = 0;
    double t0 = now(), t;

    fn(); /* warm up */
    t0 = now();
    do {
        fn();
        n++;
        t = now() - t0;
    } while (t < 0.5);
    return (double)n / t;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } ops[] = {
        {"sign", op_sign},
        {"verify", op_verify},
        {"aggregate_verify_2", op_aggverify2},
        {"aggregate_verify_64", op_aggverify64},
        {"sk_to_pk", op_sk_to_pk},
        {"keygen", op_keygen},
        {"derive_unhardened_pk", op_derive_unhardened},
        {"g1_decode_subgroup", op_g1_decode},
        {"g2_decode_subgroup", op_g2_decode},
        {"hash_to_g2", op_hash_to_g2},
    };
    int json = argc > 1 && strcmp(argv[1], "--json") == 0;
    size_t nops = sizeof ops / sizeof ops[0];

    for (int i = 0; i < 64; i++) {
        uint8_t seed[64];
        memset(seed, 0, sizeof seed);
        seed[0] = (uint8_t)i;
        cf_sha512(seed, seed, 1);
        cf_bls_sk_from_wide(&C.sk[i], seed, 64);
        cf_bls_sk_to_pk(&C.pk[i], &C.sk[i]);
        cf_sha256(C.msg[i], seed, 64);
        C.msgp[i] = C.msg[i];
        C.lens[i] = 32;
        cf_bls_aug_sign(&C.sig[i], &C.sk[i], C.msg[i], 32);
    }
    cf_bls_aggregate(&C.agg2, C.sig, 2);
    cf_bls_aggregate(&C.agg64, C.sig, 64);
    if (!cf_bls_aug_verify(&C.pk[0], C.msg[0], 32, &C.sig[0]) ||
        !cf_bls_aug_aggregate_verify(C.pk, C.msgp, C.lens, 64, &C.agg64)) {
        fprintf(stderr, "bench/bls: self-check failed\n");
        return 1;
    }
    if (json)
        printf("{");
    for (size_t i = 0; i < nops; i++) {
        double r = measure(ops[i].fn);
        if (json)
            printf("%s\"%s_per_s\": %.1f", i ? ", " : "", ops[i].name, r);
        else
            printf("%-24s %10.1f ops/s\n", ops[i].name, r);
        fflush(stdout);
    }
    if (json)
        printf("}\n");
    return 0;
}

/*
 * bench/keys.c: key derivation throughput: key_gen (64-byte seed), a hardened EIP-2333 step, an
 * unhardened step (secret key, and public key only), and mnemonic_to_seed (PBKDF2, 2048 rounds).
 * Each operation runs for about --seconds S of CPU time (default 0.5); rates are per second of
 * this process's CPU time, so other load on the machine skews them less than wall time would.
 * --json prints one JSON object of measure -> operations per CPU second.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfarm/keys.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct cf_bls_sk sk;
static struct cf_bls_pk pk;
static uint8_t seed[64];
static volatile uint8_t sink;

static const char mnemonic[] =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon art";

static void op_keygen(uint32_t i)
{
    seed[0] = (uint8_t)i;
    cf_keys_keygen(&sk, seed, sizeof seed);
}

static void op_hardened(uint32_t i)
{
    cf_keys_derive_child_sk(&sk, &sk, i);
}

static void op_unhardened_sk(uint32_t i)
{
    cf_keys_derive_child_sk_unhardened(&sk, &sk, i);
}

static void op_unhardened_pk(uint32_t i)
{
    cf_keys_derive_child_pk_unhardened(&pk, &pk, i);
}

static void op_mnemonic_to_seed(uint32_t i)
{
    (void)i;
    cf_keys_mnemonic_to_seed(seed, mnemonic);
}

static void op_mnemonic_encode(uint32_t i)
{
    char out[CF_KEYS_MNEMONIC_MAX];

    seed[0] = (uint8_t)i;
    cf_keys_mnemonic_from_entropy(out, seed, 32);
    sink ^= (uint8_t)out[0];
}

static void op_mnemonic_decode(uint32_t i)
{
    uint8_t e[32];
    size_t n;

    (void)i;
    cf_keys_mnemonic_to_entropy(e, &n, mnemonic);
    sink ^= e[0];
}

struct measure {
    const char *name;
    void (*fn)(uint32_t);
};

static const struct measure measures[] = {
    {"keygen_ops_per_s", op_keygen},
    {"derive_child_sk_hardened_ops_per_s", op_hardened},
    {"derive_child_sk_unhardened_ops_per_s", op_unhardened_sk},
    {"derive_child_pk_unhardened_ops_per_s", op_unhardened_pk},
    {"mnemonic_to_seed_ops_per_s", op_mnemonic_to_seed},
    {"mnemonic_from_entropy_ops_per_s", op_mnemonic_encode},
    {"mnemonic_to_entropy_ops_per_s", op_mnemonic_decode},
};

int main(int argc, char **argv)
{
    bool json = false;
    double seconds = 0.5;
    size_t count = sizeof measures / sizeof measures[0];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: keys [--json] [--seconds S]\n");
            return 2;
        }
    }
    memset(seed, 0x5a, sizeof seed);
    cf_keys_keygen(&sk, seed, sizeof seed);
    cf_bls_sk_to_pk(&pk, &sk);
    if (json)
        printf("{");
    for (size_t m = 0; m < count; m++) {
        double start = now(), t;
        uint32_t n = 0;

        do {
            for (int k = 0; k < 4; k++)
                measures[m].fn(n++);
            t = now() - start;
        } while (t < seconds);
        if (json)
            printf("%s\"%s\": %.1f", m ? ", " : "", measures[m].name, n / t);
        else
            printf("%-40s %12.1f ops/s\n", measures[m].name, n / t);
    }
    if (json)
        printf("}\n");
    return 0;
}

/*
 * test_keys_hash.c: the parts of lib/crypto/keys that need no curve arithmetic: BIP39 encoding,
 * decoding and checksum, Chia's 4-letter word matching, mnemonic to seed, key_gen's HKDF input
 * checks, path parsing and the plot memo layout. Known answers here are the published BIP39
 * English examples (all-zero and all-one entropy, empty passphrase); the vector suite covers the
 * rest.
 */
#include <stdint.h>
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/keys.h"
#include "crypto/keys/keys_internal.h"
#include "test.h"

static const char zero12[] = "abandon abandon abandon abandon abandon abandon abandon abandon "
                             "abandon abandon abandon about";

static void test_encode(void)
{
    char m[CF_KEYS_MNEMONIC_MAX];
    uint8_t e[32];

    memset(e, 0, sizeof e);
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 16) == CF_OK);
    CHECK_STR(m, zero12);
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 32) == CF_OK);
    CHECK(strncmp(m, "abandon abandon", 15) == 0);
    CHECK(strcmp(m + strlen(m) - 4, " art") == 0);
    memset(e, 0xff, sizeof e);
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 16) == CF_OK);
    CHECK_STR(m, "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong");
    memset(e, 0x7f, sizeof e);
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 16) == CF_OK);
    CHECK_STR(m, "legal winner thank year wave sausage worth useful legal winner thank yellow");
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 15) == CF_ERR_INVAL);
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 36) == CF_ERR_INVAL);
    CHECK(cf_keys_mnemonic_from_entropy(m, e, 12) == CF_ERR_INVAL);
}

/* Every entropy length, a few patterns each: encode, decode, compare. */
static void test_round_trip(void)
{
    char m[CF_KEYS_MNEMONIC_MAX];
    uint8_t e[32], back[32];
    size_t n;

    for (size_t len = 16; len <= 32; len += 4) {
        for (unsigned pat = 0; pat < 8; pat++) {
            for (size_t i = 0; i < len; i++)
                e[i] = (uint8_t)(pat * 37 + i * 101 + (i >> 1) * pat);
            CHECK(cf_keys_mnemonic_from_entropy(m, e, len) == CF_OK);
            n = 0;
            CHECK(cf_keys_mnemonic_to_entropy(back, &n, m) == CF_OK);
            CHECK_EQ_U64(n, len);
            CHECK_MEM(back, e, len);
        }
    }
}

static void test_decode_rules(void)
{
    char m[CF_KEYS_MNEMONIC_MAX], full[CF_KEYS_MNEMONIC_MAX];
    uint8_t e[32];
    size_t n, words;

    /* Chia's 4-letter form and sloppy whitespace give the same words. */
    CHECK(cf_keys_mnemonic_normalize(full, &words,
                                     "  aban aban aban aban aban aban\taban aban aban aban aban "
                                     "abou\n") == CF_OK);
    CHECK_STR(full, zero12);
    CHECK_EQ_U64(words, 12);
    /* Beyond 4 letters only the first 4 count, as in Chia. */
    CHECK(cf_keys_mnemonic_normalize(full, NULL,
                                     "abandonxx abandon abandon abandon abandon "
                                     "abandon abandon abandon abandon abandon abandon "
                                     "aboutish") == CF_OK);
    CHECK_STR(full, zero12);
    CHECK(cf_keys_mnemonic_to_entropy(e, &n, zero12) == CF_OK);
    CHECK_EQ_U64(n, 16);
    /* Checksum: "abandon" x12 is a valid word list but a bad checksum. */
    snprintf(m, sizeof m, "%s", zero12);
    memcpy(m + strlen(m) - 5, "abandon", 8);
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL, m) == CF_OK);
    CHECK(cf_keys_mnemonic_to_entropy(e, &n, m) == CF_ERR_BAD_MNEMONIC);
    CHECK(strstr(cf_err_detail(), "checksum") != NULL);
    /* Unknown word, wrong counts, case, non-ASCII. */
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL,
                                     "zzzz abandon abandon abandon abandon abandon "
                                     "abandon abandon abandon abandon abandon about") ==
          CF_ERR_BAD_MNEMONIC);
    CHECK(strstr(cf_err_detail(), "word 1 ") != NULL);
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL, "abandon abandon about") == CF_ERR_BAD_MNEMONIC);
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL, "") == CF_ERR_BAD_MNEMONIC);
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL,
                                     "ABANDON abandon abandon abandon abandon abandon "
                                     "abandon abandon abandon abandon abandon about") ==
          CF_ERR_BAD_MNEMONIC);
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL,
                                     "abandon abandon abandon abandon abandon abandon "
                                     "abandon abandon abandon abandon abandon \xc3\xa9") ==
          CF_ERR_BAD_MNEMONIC);
    CHECK(strstr(cf_err_detail(), "non-ASCII") != NULL);
    /* 25 words. */
    snprintf(m, sizeof m, "%s %s zoo", zero12, zero12);
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL, m) == CF_ERR_BAD_MNEMONIC);
    /* A three-letter word is its own key: "art" matches, "ar" matches nothing. */
    CHECK(cf_keys_mnemonic_normalize(NULL, NULL,
                                     "art art art art art art art art art art art "
                                     "ar") == CF_ERR_BAD_MNEMONIC);
}

static void test_seed(void)
{
    uint8_t seed[64], seed2[64], want[64];

    /* BIP39 "abandon ... about" with an empty passphrase (salt "mnemonic"). */
    CHECK(cf_hex_decode_exact(want, 64,
                              "5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc1"
                              "9a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4") ==
          CF_OK);
    CHECK(cf_keys_mnemonic_to_seed(seed, zero12) == CF_OK);
    CHECK_MEM(seed, want, 64);
    CHECK(cf_keys_mnemonic_to_seed(seed2, "aban aban aban aban aban aban aban aban aban aban aban "
                                          "abou") == CF_OK);
    CHECK_MEM(seed2, want, 64);
    CHECK(cf_keys_mnemonic_to_seed(seed, "abandon about") == CF_ERR_BAD_MNEMONIC);
}

static void test_keygen_input(void)
{
    uint8_t okm[48], okm2[48], seed[64] = {0};

    CHECK(cf_keys__keygen_okm(okm, seed, 31) == CF_ERR_BAD_KEY);
    CHECK(cf_keys__keygen_okm(okm, seed, 0) == CF_ERR_BAD_KEY);
    CHECK(cf_keys__keygen_okm(okm, seed, 32) == CF_OK);
    CHECK(cf_keys__keygen_okm(okm2, seed, 33) == CF_OK);
    CHECK(memcmp(okm, okm2, 48) != 0); /* the whole seed is used */

    /* Against hash.h's HKDF over seed || 0x00 (eip2333.c writes the extract out itself). */
    static const size_t lens[] = {32, 63, 64, 65, 200, 999};
    static uint8_t buf[1000];
    uint8_t prk[32], want[48];

    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        for (size_t i = 0; i < lens[k]; i++)
            buf[i] = (uint8_t)(i * 13 + k);
        buf[lens[k]] = 0;
        cf_hkdf_sha256_extract(prk, "BLS-SIG-KEYGEN-SALT-", 20, buf, lens[k] + 1);
        cf_hkdf_sha256_expand(want, 48, prk, "\x00\x30", 2);
        CHECK(cf_keys__keygen_okm(okm, buf, lens[k]) == CF_OK);
        CHECK_MEM(okm, want, 48);
    }
}

/* The Lamport step written plainly with hash.h's HKDF, as a reference for lamport.c. */
static void lamport_reference(uint8_t out[32], const struct cf_bls_sk *sk, uint32_t index)
{
    static uint8_t okm[255 * 32], hashes[2 * 255 * 32];
    uint8_t salt[4], prk[32], ikm[32];

    cf_store_be32(salt, index);
    for (int half = 0; half < 2; half++) {
        for (size_t i = 0; i < 32; i++)
            ikm[i] = half ? (uint8_t)~sk->bytes[i] : sk->bytes[i];
        cf_hkdf_sha256_extract(prk, salt, 4, ikm, 32);
        cf_hkdf_sha256_expand(okm, sizeof okm, prk, NULL, 0);
        for (size_t i = 0; i < 255; i++)
            cf_sha256(hashes + (size_t)half * 255 * 32 + 32 * i, okm + 32 * i, 32);
    }
    cf_sha256(out, hashes, sizeof hashes);
}

static void test_lamport(void)
{
    static const uint32_t idx[] = {0, 1, 255, 256, 12381, 0x80000000u, 0xffffffffu};
    struct cf_bls_sk sk;
    uint8_t a[32], b[32];

    for (size_t k = 0; k < sizeof idx / sizeof idx[0]; k++) {
        for (size_t i = 0; i < 32; i++)
            sk.bytes[i] = (uint8_t)(k * 31 + i * 7);
        sk.bytes[0] &= 0x3f;
        CHECK(cf_keys_lamport_pk(a, &sk, idx[k]) == CF_OK);
        lamport_reference(b, &sk, idx[k]);
        CHECK_MEM(a, b, 32);
    }
}

static void test_paths(void)
{
    uint32_t p[CF_KEYS_MAX_PATH];
    bool mark[CF_KEYS_MAX_PATH];
    size_t n;

    CHECK(cf_keys_parse_path("12381/8444/2/0", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_OK);
    CHECK_EQ_U64(n, 4);
    CHECK_EQ_U64(p[0], 12381);
    CHECK_EQ_U64(p[3], 0);
    CHECK(cf_keys_parse_path("m/12381n/8444n/2/", p, mark, CF_KEYS_MAX_PATH, &n) == CF_OK);
    CHECK_EQ_U64(n, 3);
    CHECK_EQ_U64(p[1], 8444);
    CHECK_EQ_U64(p[2], 2);
    CHECK(mark[0] && mark[1] && !mark[2]);
    CHECK(cf_keys_parse_path("1h", p, mark, CF_KEYS_MAX_PATH, &n) == CF_ERR_INVAL);
    CHECK(cf_keys_parse_path("m", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_OK);
    CHECK_EQ_U64(n, 0);
    CHECK(cf_keys_parse_path("4294967295", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_OK);
    CHECK_EQ_U64(p[0], 4294967295u);
    CHECK(cf_keys_parse_path("4294967296", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_ERR_INVAL);
    CHECK(cf_keys_parse_path("1//2", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_ERR_INVAL);
    CHECK(cf_keys_parse_path("1/x", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_ERR_INVAL);
    CHECK(cf_keys_parse_path("", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_ERR_INVAL);
    CHECK(cf_keys_parse_path("-1", p, NULL, CF_KEYS_MAX_PATH, &n) == CF_ERR_INVAL);
    CHECK(cf_keys_parse_path("1/2/3", p, NULL, 2, &n) == CF_ERR_INVAL);
}

static void test_memo(void)
{
    struct cf_keys_memo m, back;
    uint8_t bytes[CF_KEYS_MEMO_MAX];
    size_t len;

    memset(&m, 0, sizeof m);
    memset(m.pool_pk.bytes, 0xaa, sizeof m.pool_pk.bytes);
    memset(m.farmer_pk.bytes, 0xbb, sizeof m.farmer_pk.bytes);
    memset(m.local_master_sk.bytes, 0xcc, sizeof m.local_master_sk.bytes);
    len = cf_keys_memo_build(bytes, &m);
    CHECK_EQ_U64(len, 128);
    CHECK(bytes[0] == 0xaa && bytes[48] == 0xbb && bytes[96] == 0xcc && bytes[127] == 0xcc);
    CHECK(cf_keys_memo_parse(&back, bytes, len) == CF_OK);
    CHECK(!back.pool_contract);
    CHECK(memcmp(&back, &m, sizeof m) == 0);
    m.pool_contract = true;
    memset(m.pool_pk.bytes, 0, sizeof m.pool_pk.bytes);
    memset(m.pool_contract_ph, 0xdd, 32);
    len = cf_keys_memo_build(bytes, &m);
    CHECK_EQ_U64(len, 112);
    CHECK(bytes[31] == 0xdd && bytes[32] == 0xbb && bytes[80] == 0xcc);
    CHECK(cf_keys_memo_parse(&back, bytes, len) == CF_OK);
    CHECK(back.pool_contract);
    CHECK(memcmp(&back, &m, sizeof m) == 0);
    CHECK(cf_keys_memo_parse(&back, bytes, 111) == CF_ERR_BAD_VALUE);
    CHECK(cf_keys_memo_parse(&back, bytes, 0) == CF_ERR_BAD_VALUE);
}

int main(void)
{
    test_encode();
    test_round_trip();
    test_decode_rules();
    test_seed();
    test_keygen_input();
    test_lamport();
    test_paths();
    test_memo();
    return test_report("test_keys_hash");
}

/*
 * test_keys.c: derivation and plot keys checked against each other (no shared vectors needed;
 * vec_keys checks the values against Chia's): the Chia path helpers equal the generic paths,
 * unhardened secret and public derivations agree, the plot key set from a memo matches its
 * pieces, and the error paths.
 */
#include <string.h>

#include "cfarm/hash.h"
#include "cfarm/keys.h"
#include "test.h"

static struct cf_bls_sk master;

static struct cf_bls_pk pk_of(const struct cf_bls_sk *sk)
{
    struct cf_bls_pk pk;

    cf_bls_sk_to_pk(&pk, sk);
    return pk;
}

static void test_paths(void)
{
    struct cf_bls_sk a, b;
    uint32_t p[4] = {12381, 8444, 0, 0};

    CHECK(cf_keys_farmer_sk(&a, &master) == CF_OK);
    CHECK(cf_keys_derive_path(&b, &master, p, 4) == CF_OK);
    CHECK_MEM(a.bytes, b.bytes, 32);
    p[2] = 1;
    CHECK(cf_keys_pool_sk(&a, &master) == CF_OK);
    CHECK(cf_keys_derive_path(&b, &master, p, 4) == CF_OK);
    CHECK_MEM(a.bytes, b.bytes, 32);
    p[2] = 6, p[3] = 3 * 10000 + 7;
    CHECK(cf_keys_pool_auth_sk(&a, &master, 3, 7) == CF_OK);
    CHECK(cf_keys_derive_path(&b, &master, p, 4) == CF_OK);
    CHECK_MEM(a.bytes, b.bytes, 32);
    CHECK(cf_keys_pool_auth_sk(&a, &master, 0, 10000) == CF_ERR_INVAL);
    CHECK(cf_keys_pool_auth_sk(&a, &master, 10000, 0) == CF_ERR_INVAL);
    /* Step by step equals the whole path; the empty path is a copy. */
    CHECK(cf_keys_derive_child_sk(&a, &master, 12381) == CF_OK);
    CHECK(cf_keys_derive_child_sk(&a, &a, 8444) == CF_OK);
    CHECK(cf_keys_derive_path(&b, &master, p, 2) == CF_OK);
    CHECK_MEM(a.bytes, b.bytes, 32);
    CHECK(cf_keys_derive_path(&b, &master, p, 0) == CF_OK);
    CHECK_MEM(master.bytes, b.bytes, 32);
    /* Different indices, different keys; hardened differs from unhardened. */
    CHECK(cf_keys_wallet_sk(&a, &master, 0) == CF_OK);
    CHECK(cf_keys_wallet_sk(&b, &master, 1) == CF_OK);
    CHECK(memcmp(a.bytes, b.bytes, 32) != 0);
    cf_keys_wallet_sk_unhardened(&b, &master, 0);
    CHECK(memcmp(a.bytes, b.bytes, 32) != 0);
}

static void test_unhardened(void)
{
    static const uint32_t idx[] = {0, 1, 12381, 0x7fffffff, 0x80000000, 0xffffffff};
    struct cf_bls_sk sk;
    struct cf_bls_pk pk, want, id;
    uint32_t path[4] = {12381, 8444, 2, 5};

    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        struct cf_bls_pk parent = pk_of(&master);

        cf_keys_derive_child_sk_unhardened(&sk, &master, idx[i]);
        want = pk_of(&sk);
        CHECK(cf_keys_derive_child_pk_unhardened(&pk, &parent, idx[i]) == CF_OK);
        CHECK_MEM(pk.bytes, want.bytes, 48);
    }
    cf_keys_derive_path_unhardened(&sk, &master, path, 4);
    want = pk_of(&sk);
    pk = pk_of(&master);
    CHECK(cf_keys_derive_pk_path_unhardened(&pk, &pk, path, 4) == CF_OK);
    CHECK_MEM(pk.bytes, want.bytes, 48);
    /* The identity is a valid parent; a broken encoding is not. */
    cf_bls_pk_identity(&id);
    CHECK(cf_keys_derive_child_pk_unhardened(&pk, &id, 3) == CF_OK);
    memset(id.bytes, 0xff, 48);
    CHECK(cf_keys_derive_child_pk_unhardened(&pk, &id, 3) != CF_OK);
    CHECK(cf_keys_derive_pk_path_unhardened(&pk, &id, path, 0) != CF_OK);
}

static void test_keygen(void)
{
    struct cf_bls_sk sk;
    uint8_t seed[1000];

    memset(seed, 7, sizeof seed);
    CHECK(cf_keys_keygen(&sk, seed, 31) == CF_ERR_BAD_KEY);
    CHECK(cf_keys_keygen(&sk, seed, sizeof seed) == CF_OK);
    CHECK(cf_bls_sk_validate(&sk) == CF_OK);
    CHECK(cf_keys_mnemonic_to_master_sk(&sk, "abandon abandon") == CF_ERR_BAD_MNEMONIC);
}

static void test_plot(void)
{
    struct cf_bls_sk local_master, farmer, local, tap;
    struct cf_bls_pk farmer_pk, pool_pk, local_pk, sum, plot_pk;
    struct cf_keys_memo memo;
    struct cf_keys_plot plot;
    uint8_t msg[144], h[32], id[32], bytes[CF_KEYS_MEMO_MAX];

    CHECK(cf_keys_wallet_sk(&local_master, &master, 99) == CF_OK);
    CHECK(cf_keys_farmer_sk(&farmer, &master) == CF_OK);
    farmer_pk = pk_of(&farmer);
    pool_pk = pk_of(&master);
    CHECK(cf_keys_local_sk(&local, &local_master) == CF_OK);
    local_pk = pk_of(&local);
    /* taproot = key_gen(sha256((local + farmer) || local || farmer)). */
    CHECK(cf_bls_pk_add(&sum, &local_pk, &farmer_pk) == CF_OK);
    memcpy(msg, sum.bytes, 48);
    memcpy(msg + 48, local_pk.bytes, 48);
    memcpy(msg + 96, farmer_pk.bytes, 48);
    cf_sha256(h, msg, sizeof msg);
    CHECK(cf_keys_keygen(&local, h, 32) == CF_OK);
    CHECK(cf_keys_taproot_sk(&tap, &local_pk, &farmer_pk) == CF_OK);
    CHECK_MEM(tap.bytes, local.bytes, 32);
    CHECK(cf_keys_plot_pk(&plot_pk, &local_pk, &farmer_pk, false) == CF_OK);
    CHECK_MEM(plot_pk.bytes, sum.bytes, 48);

    memset(&memo, 0, sizeof memo);
    memo.pool_pk = pool_pk;
    memo.farmer_pk = farmer_pk;
    memo.local_master_sk = local_master;
    CHECK_EQ_U64(cf_keys_memo_build(bytes, &memo), 128);
    CHECK(cf_keys_memo_parse(&memo, bytes, 128) == CF_OK);
    CHECK(cf_keys_plot_from_memo(&plot, &memo) == CF_OK);
    CHECK_MEM(plot.plot_pk.bytes, sum.bytes, 48);
    CHECK(!plot.include_taproot);
    cf_sha256_2(h, pool_pk.bytes, 48, sum.bytes, 48);
    CHECK_MEM(plot.plot_id, h, 32);
    CHECK(cf_keys_plot_id(id, pool_pk.bytes, 48, &sum) == CF_OK);
    CHECK_MEM(id, h, 32);
    CHECK(cf_keys_plot_id(id, pool_pk.bytes, 47, &sum) == CF_ERR_INVAL);

    /* Contract plot: the taproot term is in plot_pk and the plot id hashes the puzzle hash. */
    memo.pool_contract = true;
    memset(memo.pool_contract_ph, 0x42, 32);
    CHECK(cf_keys_plot_from_memo(&plot, &memo) == CF_OK);
    CHECK(plot.include_taproot);
    sum = pk_of(&tap);
    CHECK(cf_bls_pk_add(&sum, &sum, &plot_pk) == CF_OK);
    CHECK_MEM(plot.plot_pk.bytes, sum.bytes, 48);
    cf_sha256_2(h, memo.pool_contract_ph, 32, sum.bytes, 48);
    CHECK_MEM(plot.plot_id, h, 32);

    /* A memo whose farmer key does not decode, or whose local key is >= r, is refused. */
    memo.farmer_pk.bytes[0] ^= 0x80;
    CHECK(cf_keys_plot_from_memo(&plot, &memo) != CF_OK);
    memo.farmer_pk = farmer_pk;
    memset(memo.local_master_sk.bytes, 0xff, 32);
    CHECK(cf_keys_plot_from_memo(&plot, &memo) != CF_OK);
}

int main(void)
{
    uint8_t seed[32];

    memset(seed, 0x11, sizeof seed);
    if (cf_keys_keygen(&master, seed, sizeof seed) != CF_OK)
        return 1;
    test_paths();
    test_unhardened();
    test_keygen();
    test_plot();
    return test_report("test_keys");
}

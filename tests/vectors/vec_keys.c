/*
 * vec_keys.c: the key vectors: bls/keygen, bls/mnemonic, bls/derive, bls/plot_keys,
 * bls/known_answers (every kind in it) and pos/keys, in the schema ../shared/vectors/bls/README.md
 * and ../shared/vectors/README.md describe. Files are found by folder and name pattern under the
 * directory given as argv[1], so another directory in the same schema runs the same way.
 */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/bls.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/keys.h"
#include "test.h"

#define MAX_BYTES 4096

struct run {
    const char *file;
    size_t case_no;
    unsigned long pass, fail;
};

static void expect(struct run *r, bool ok, const char *what)
{
    if (ok) {
        r->pass++;
        return;
    }
    r->fail++;
    fprintf(stderr, "  %s case %zu: %s mismatch\n", r->file, r->case_no, what);
}

/* Decode field key of c into out (exactly n bytes); false when absent or malformed. */
static bool get_hex(const struct cf_json *c, const char *key, uint8_t *out, size_t n)
{
    const char *s = cf_json_string(cf_json_get(c, key));

    return s && cf_hex_decode_exact(out, n, s) == CF_OK;
}

/* Decode a variable-length field; *n gets its length. */
static bool get_hex_var(const struct cf_json *c, const char *key, uint8_t *out, size_t *n)
{
    const char *s = cf_json_string(cf_json_get(c, key));

    return s && cf_hex_decode(out, MAX_BYTES, n, s, strlen(s)) == CF_OK;
}

static void expect_hex(struct run *r, const struct cf_json *c, const char *key, const uint8_t *got,
                       size_t n)
{
    uint8_t want[MAX_BYTES];

    expect(r, get_hex(c, key, want, n) && memcmp(want, got, n) == 0, key);
}

static void expect_u32(struct run *r, const struct cf_json *c, const char *key, uint32_t got)
{
    uint64_t want;

    expect(r, cf_json_u64(cf_json_get(c, key), &want) == CF_OK && want == got, key);
}

static void expect_bool(struct run *r, const struct cf_json *c, const char *key, bool got)
{
    const struct cf_json *v = cf_json_get(c, key);

    expect(r,
           v && (v->type == CF_JSON_TRUE || v->type == CF_JSON_FALSE) && cf_json_is_true(v) == got,
           key);
}

static bool get_u32(const struct cf_json *v, uint32_t *out)
{
    uint64_t x;

    if (cf_json_u64(v, &x) != CF_OK || x > UINT32_MAX)
        return false;
    *out = (uint32_t)x;
    return true;
}

static bool get_path(const struct cf_json *arr, uint32_t *path, size_t *n)
{
    *n = 0;
    if (arr == NULL || arr->type != CF_JSON_ARRAY || arr->count > CF_KEYS_MAX_PATH)
        return false;
    for (const struct cf_json *v = arr->child; v; v = v->next)
        if (!get_u32(v, &path[(*n)++]))
            return false;
    return true;
}

static struct cf_bls_pk pk_of(const struct cf_bls_sk *sk)
{
    struct cf_bls_pk pk;

    cf_bls_sk_to_pk(&pk, sk);
    return pk;
}

/* ---- keygen.json ---- */

static void run_keygen(struct run *r, const struct cf_json *c)
{
    uint8_t seed[MAX_BYTES];
    size_t n;
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;
    bool valid = cf_json_is_true(cf_json_get(c, "valid"));
    enum cf_err err;

    if (!get_hex_var(c, "seed", seed, &n)) {
        expect(r, false, "seed");
        return;
    }
    err = cf_keys_keygen(&sk, seed, n);
    expect(r, (err == CF_OK) == valid, "valid");
    if (!valid || err != CF_OK)
        return;
    pk = pk_of(&sk);
    expect_hex(r, c, "sk", sk.bytes, 32);
    expect_hex(r, c, "pk", pk.bytes, 48);
    expect_u32(r, c, "fingerprint", cf_keys_fingerprint(&pk));
}

/* ---- mnemonic.json ---- */

/* {path, sk, pk} under master, hardened along path. */
static void check_key_obj(struct run *r, const struct cf_json *o, const struct cf_bls_sk *master,
                          const char *what)
{
    uint32_t path[CF_KEYS_MAX_PATH];
    size_t n;
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;

    if (!o || !get_path(cf_json_get(o, "path"), path, &n)) {
        expect(r, false, what);
        return;
    }
    expect(r, cf_keys_derive_path(&sk, master, path, n) == CF_OK, what);
    pk = pk_of(&sk);
    expect_hex(r, o, "sk", sk.bytes, 32);
    expect_hex(r, o, "pk", pk.bytes, 48);
}

/* The same keys through the named Chia helpers. */
static void check_named_paths(struct run *r, const struct cf_json *c, const struct cf_bls_sk *m)
{
    struct cf_bls_sk sk;

    cf_keys_farmer_sk(&sk, m);
    expect_hex(r, cf_json_get(c, "farmer"), "sk", sk.bytes, 32);
    cf_keys_pool_sk(&sk, m);
    expect_hex(r, cf_json_get(c, "pool"), "sk", sk.bytes, 32);
    cf_keys_backup_sk(&sk, m);
    expect_hex(r, cf_json_get(c, "backup"), "sk", sk.bytes, 32);
    cf_keys_singleton_owner_sk(&sk, m, 0);
    expect_hex(r, cf_json_get(c, "singleton_owner_0"), "sk", sk.bytes, 32);
    expect(r, cf_keys_pool_auth_sk(&sk, m, 0, 0) == CF_OK, "pool_auth_sk");
    expect_hex(r, cf_json_get(c, "pool_auth_0_0"), "sk", sk.bytes, 32);
    expect(r, cf_keys_pool_auth_sk(&sk, m, 10000, 0) == CF_ERR_INVAL, "pool_auth bounds");
    cf_keys_local_sk(&sk, m);
    expect_hex(r, cf_json_at(cf_json_get(c, "local"), 0), "sk", sk.bytes, 32);
    for (uint32_t i = 0; i < 3; i++) {
        cf_keys_wallet_sk(&sk, m, i);
        expect_hex(r, cf_json_at(cf_json_get(c, "wallet_hardened"), i), "sk", sk.bytes, 32);
        cf_keys_wallet_sk_unhardened(&sk, m, i);
        expect_hex(r, cf_json_at(cf_json_get(c, "wallet_unhardened"), i), "sk", sk.bytes, 32);
    }
}

/* {path, sk, pk} unhardened, from the master sk and from the master pk alone. */
static void check_unhardened_obj(struct run *r, const struct cf_json *o,
                                 const struct cf_bls_sk *master, const char *what)
{
    uint32_t path[CF_KEYS_MAX_PATH];
    size_t n;
    struct cf_bls_sk sk;
    struct cf_bls_pk pk, master_pk = pk_of(master);

    if (!o || !get_path(cf_json_get(o, "path"), path, &n)) {
        expect(r, false, what);
        return;
    }
    cf_keys_derive_path_unhardened(&sk, master, path, n);
    expect_hex(r, o, "sk", sk.bytes, 32);
    pk = pk_of(&sk);
    expect_hex(r, o, "pk", pk.bytes, 48);
    expect(r, cf_keys_derive_pk_path_unhardened(&pk, &master_pk, path, n) == CF_OK, what);
    expect_hex(r, o, "pk", pk.bytes, 48);
}

static void run_mnemonic_valid(struct run *r, const struct cf_json *c)
{
    const char *m = cf_json_string(cf_json_get(c, "mnemonic"));
    const char *s = cf_json_string(cf_json_get(c, "mnemonic_short"));
    uint8_t entropy[32], back[32], seed[64];
    size_t elen = 0, blen = 0;
    char text[CF_KEYS_MNEMONIC_MAX];
    struct cf_bls_sk master, owner, sk;
    struct cf_bls_pk pk;
    const struct cf_json *a;

    if (!m || !s || !get_hex_var(c, "entropy", entropy, &elen) || elen > 32) {
        expect(r, false, "fields");
        return;
    }
    expect(r, cf_keys_mnemonic_from_entropy(text, entropy, elen) == CF_OK && !strcmp(text, m),
           "mnemonic from entropy");
    expect(r,
           cf_keys_mnemonic_to_entropy(back, &blen, m) == CF_OK && blen == elen &&
               !memcmp(back, entropy, elen),
           "entropy from mnemonic");
    expect(r,
           cf_keys_mnemonic_to_entropy(back, &blen, s) == CF_OK && blen == elen &&
               !memcmp(back, entropy, elen),
           "entropy from mnemonic_short");
    expect(r, cf_keys_mnemonic_normalize(text, NULL, s) == CF_OK && !strcmp(text, m),
           "mnemonic_short rebuilt");
    expect(r, cf_keys_mnemonic_to_seed(seed, m) == CF_OK, "to_seed");
    expect_hex(r, c, "seed", seed, 64);
    expect(r, cf_keys_mnemonic_to_seed(seed, s) == CF_OK, "to_seed short");
    expect_hex(r, c, "seed", seed, 64);
    expect(r, cf_keys_mnemonic_to_master_sk(&master, m) == CF_OK, "master");
    pk = pk_of(&master);
    expect_hex(r, c, "master_sk", master.bytes, 32);
    expect_hex(r, c, "master_pk", pk.bytes, 48);
    expect_u32(r, c, "fingerprint", cf_keys_fingerprint(&pk));
    check_key_obj(r, cf_json_get(c, "farmer"), &master, "farmer");
    check_key_obj(r, cf_json_get(c, "pool"), &master, "pool");
    check_key_obj(r, cf_json_get(c, "backup"), &master, "backup");
    check_key_obj(r, cf_json_get(c, "singleton_owner_0"), &master, "singleton_owner_0");
    check_key_obj(r, cf_json_get(c, "pool_auth_0_0"), &master, "pool_auth_0_0");
    for (a = cf_json_get(c, "local") ? cf_json_get(c, "local")->child : NULL; a; a = a->next)
        check_key_obj(r, a, &master, "local");
    a = cf_json_get(c, "wallet_hardened");
    for (a = a ? a->child : NULL; a; a = a->next)
        check_key_obj(r, a, &master, "wallet_hardened");
    check_unhardened_obj(r, cf_json_get(c, "wallet_unhardened_intermediate"), &master,
                         "wallet_unhardened_intermediate");
    a = cf_json_get(c, "wallet_unhardened");
    for (a = a ? a->child : NULL; a; a = a->next)
        check_unhardened_obj(r, a, &master, "wallet_unhardened");
    check_named_paths(r, c, &master);
    /* authv2: the singleton owner key, unhardened by 12381. */
    a = cf_json_get(c, "singleton_owner_0_authv2");
    cf_keys_singleton_owner_sk(&owner, &master, 0);
    cf_keys_derive_child_sk_unhardened(&sk, &owner, CF_KEYS_PURPOSE);
    pk = pk_of(&owner);
    expect_hex(r, a, "sk", sk.bytes, 32);
    expect(r, cf_keys_derive_child_pk_unhardened(&pk, &pk, CF_KEYS_PURPOSE) == CF_OK, "authv2");
    expect_hex(r, a, "pk", pk.bytes, 48);
}

static void run_mnemonic(struct run *r, const struct cf_json *c)
{
    const char *m = cf_json_string(cf_json_get(c, "mnemonic"));
    uint8_t entropy[32], seed[64];
    size_t n;

    if (cf_json_is_true(cf_json_get(c, "valid"))) {
        run_mnemonic_valid(r, c);
        return;
    }
    expect(r, m && cf_keys_mnemonic_to_entropy(entropy, &n, m) == CF_ERR_BAD_MNEMONIC,
           "invalid mnemonic refused");
    if (cf_json_get(c, "seed_of_string")) {
        expect(r, cf_keys_mnemonic_to_seed(seed, m) == CF_OK, "seed_of_string");
        expect_hex(r, c, "seed_of_string", seed, 64);
    }
}

/* ---- derive.json ---- */

static void run_derive(struct run *r, const struct cf_json *c)
{
    const char *op = cf_json_string(cf_json_get(c, "op"));
    struct cf_bls_sk parent, child;
    struct cf_bls_pk parent_pk, pk;
    uint32_t index = 0, path[CF_KEYS_MAX_PATH];
    size_t n = 0;
    uint8_t h[32];
    bool have_sk = get_hex(c, "parent_sk", parent.bytes, 32);
    bool have_pk = get_hex(c, "parent_pk", parent_pk.bytes, 48);

    get_u32(cf_json_get(c, "index"), &index);
    get_path(cf_json_get(c, "path"), path, &n);
    if (have_sk && have_pk) {
        pk = pk_of(&parent);
        expect(r, !memcmp(pk.bytes, parent_pk.bytes, 48), "parent_pk");
    }
    if (op && !strcmp(op, "derive_child_sk") && have_sk) {
        expect(r, cf_keys_lamport_pk(h, &parent, index) == CF_OK, "lamport");
        expect_hex(r, c, "lamport_pk", h, 32);
        expect(r, cf_keys_derive_child_sk(&child, &parent, index) == CF_OK, "derive");
        expect_hex(r, c, "child_sk", child.bytes, 32);
        pk = pk_of(&child);
        expect_hex(r, c, "child_pk", pk.bytes, 48);
    } else if (op && !strcmp(op, "derive_child_sk_unhardened") && have_sk && have_pk) {
        cf_keys_unhardened_nonce(h, &parent_pk, index);
        expect_hex(r, c, "nonce", h, 32);
        cf_keys_derive_child_sk_unhardened(&child, &parent, index);
        expect_hex(r, c, "child_sk", child.bytes, 32);
        pk = pk_of(&child);
        expect_hex(r, c, "child_pk", pk.bytes, 48);
        expect(r, cf_keys_derive_child_pk_unhardened(&pk, &parent_pk, index) == CF_OK, "pk");
        expect_hex(r, c, "child_pk", pk.bytes, 48);
    } else if (op && !strcmp(op, "derive_child_pk_unhardened") && have_pk) {
        expect(r, cf_keys_derive_child_pk_unhardened(&pk, &parent_pk, index) == CF_OK, "pk");
        expect_hex(r, c, "child_pk", pk.bytes, 48);
    } else if (op && !strcmp(op, "derive_path") && have_sk && n) {
        expect(r, cf_keys_derive_path(&child, &parent, path, n) == CF_OK, "path");
        expect_hex(r, c, "child_sk", child.bytes, 32);
        if (cf_json_get(c, "child_pk")) {
            pk = pk_of(&child);
            expect_hex(r, c, "child_pk", pk.bytes, 48);
        }
    } else if (op && !strcmp(op, "derive_path_unhardened") && have_sk && have_pk && n) {
        cf_keys_derive_path_unhardened(&child, &parent, path, n);
        expect_hex(r, c, "child_sk", child.bytes, 32);
        expect(r, cf_keys_derive_pk_path_unhardened(&pk, &parent_pk, path, n) == CF_OK, "path");
        expect_hex(r, c, "child_pk", pk.bytes, 48);
    } else {
        expect(r, false, "unknown op or missing fields");
    }
}

/* ---- plot_keys.json ---- */

static void sign3(struct cf_bls_sig *sum, const struct cf_bls_sig *a, const struct cf_bls_sig *b,
                  const struct cf_bls_sig *c)
{
    struct cf_bls_sig s[3] = {*a, *b, *c};

    cf_bls_aggregate(sum, s, 3);
}

static void run_plot_signatures(struct run *r, const struct cf_json *c,
                                const struct cf_bls_sk *local, const struct cf_bls_sk *farmer,
                                const struct cf_bls_sk *taproot, const struct cf_bls_pk *plot_pk,
                                const struct cf_bls_pk *plot_pk_tap, const uint8_t msg[32])
{
    const struct cf_json *o = cf_json_get(c, "no_taproot"), *t = cf_json_get(c, "taproot");
    struct cf_bls_sig h, f, tp, id, sum;

    cf_bls_sig_identity(&id);
    cf_bls_aug_sign_prepend(&h, local, msg, 32, plot_pk);
    cf_bls_aug_sign_prepend(&f, farmer, msg, 32, plot_pk);
    sign3(&sum, &h, &f, &id);
    expect_hex(r, o, "harvester_sig", h.bytes, 96);
    expect_hex(r, o, "farmer_sig", f.bytes, 96);
    expect_hex(r, o, "plot_sig", sum.bytes, 96);
    expect_bool(r, o, "verify", cf_bls_aug_verify(plot_pk, msg, 32, &sum));

    cf_bls_aug_sign_prepend(&h, local, msg, 32, plot_pk_tap);
    cf_bls_aug_sign_prepend(&f, farmer, msg, 32, plot_pk_tap);
    cf_bls_aug_sign_prepend(&tp, taproot, msg, 32, plot_pk_tap);
    sign3(&sum, &h, &f, &tp);
    expect_hex(r, t, "harvester_sig", h.bytes, 96);
    expect_hex(r, t, "farmer_sig", f.bytes, 96);
    expect_hex(r, t, "taproot_sig", tp.bytes, 96);
    expect_hex(r, t, "plot_sig", sum.bytes, 96);
    expect_bool(r, t, "verify", cf_bls_aug_verify(plot_pk_tap, msg, 32, &sum));
    sign3(&tp, &h, &f, &id);
    expect_bool(r, t, "verify_without_taproot_share", cf_bls_aug_verify(plot_pk_tap, msg, 32, &tp));
}

static void run_pool_partial(struct run *r, const struct cf_json *c,
                             const struct cf_bls_sk *farmer_master, const uint8_t msg[32])
{
    const struct cf_json *p = cf_json_get(c, "pool_partial");
    struct cf_bls_sk auth;
    struct cf_bls_pk auth_pk, pks[2];
    struct cf_bls_sig sigs[2], agg;
    const uint8_t *msgs[2];
    size_t lens[2];
    uint8_t m2[2][64];

    expect(r, cf_keys_pool_auth_sk(&auth, farmer_master, 0, 0) == CF_OK, "auth_sk");
    auth_pk = pk_of(&auth);
    expect_hex(r, p, "auth_sk", auth.bytes, 32);
    expect_hex(r, p, "auth_pk", auth_pk.bytes, 48);
    cf_bls_aug_sign(&sigs[1], &auth, msg, 32);
    expect_hex(r, p, "auth_sig", sigs[1].bytes, 96);
    expect(r, get_hex(cf_json_get(c, "taproot"), "plot_sig", sigs[0].bytes, 96), "plot_sig");
    cf_bls_aggregate(&agg, sigs, 2);
    expect_hex(r, p, "agg_sig", agg.bytes, 96);
    for (size_t i = 0; i < 2; i++) {
        const char *hp = cf_json_string(cf_json_at(cf_json_get(p, "aggregate_verify_pks"), i));
        const char *hm = cf_json_string(cf_json_at(cf_json_get(p, "aggregate_verify_msgs"), i));

        expect(r, hp && cf_hex_decode_exact(pks[i].bytes, 48, hp) == CF_OK, "pks");
        expect(r, hm && cf_hex_decode(m2[i], 64, &lens[i], hm, strlen(hm)) == CF_OK, "msgs");
        msgs[i] = m2[i];
    }
    expect_bool(r, p, "result", cf_bls_aug_aggregate_verify(pks, msgs, lens, 2, &agg));
}

static void run_plot_keys(struct run *r, const struct cf_json *c)
{
    struct cf_bls_sk fm, farmer, pool, lm, local, tap, chk;
    struct cf_bls_pk farmer_pk, pool_pk, local_pk, plot_pk, plot_pk_tap, pk;
    struct cf_keys_memo memo;
    struct cf_keys_plot plot;
    uint8_t ph[32], id[32], msg[32], memo_bytes[CF_KEYS_MEMO_MAX];
    size_t mlen;

    if (!get_hex(c, "farmer_master_sk", fm.bytes, 32) ||
        !get_hex(c, "local_master_sk", lm.bytes, 32) ||
        !get_hex(c, "pool_contract_puzzle_hash", ph, 32) || !get_hex(c, "msg", msg, 32)) {
        expect(r, false, "fields");
        return;
    }
    cf_keys_farmer_sk(&farmer, &fm);
    cf_keys_pool_sk(&pool, &fm);
    cf_keys_local_sk(&local, &lm);
    farmer_pk = pk_of(&farmer);
    pool_pk = pk_of(&pool);
    local_pk = pk_of(&local);
    expect_hex(r, c, "farmer_sk", farmer.bytes, 32);
    expect_hex(r, c, "farmer_pk", farmer_pk.bytes, 48);
    expect_hex(r, c, "pool_sk", pool.bytes, 32);
    expect_hex(r, c, "pool_pk", pool_pk.bytes, 48);
    expect_hex(r, c, "local_sk", local.bytes, 32);
    expect_hex(r, c, "local_pk", local_pk.bytes, 48);
    expect(r, cf_keys_taproot_sk(&tap, &local_pk, &farmer_pk) == CF_OK, "taproot_sk");
    expect_hex(r, c, "taproot_sk", tap.bytes, 32);
    pk = pk_of(&tap);
    expect_hex(r, c, "taproot_pk", pk.bytes, 48);
    expect(r,
           get_hex(c, "taproot_seed", id, 32) && cf_keys_keygen(&chk, id, 32) == CF_OK &&
               !memcmp(chk.bytes, tap.bytes, 32),
           "taproot_seed");
    expect(r, cf_keys_plot_pk(&plot_pk, &local_pk, &farmer_pk, false) == CF_OK, "plot_pk");
    expect_hex(r, c, "plot_pk", plot_pk.bytes, 48);
    expect(r, cf_keys_plot_pk(&plot_pk_tap, &local_pk, &farmer_pk, true) == CF_OK, "plot_pk");
    expect_hex(r, c, "plot_pk_taproot", plot_pk_tap.bytes, 48);
    cf_keys_plot_id(id, pool_pk.bytes, 48, &plot_pk);
    expect_hex(r, c, "plot_id_pk", id, 32);
    cf_keys_plot_id(id, ph, 32, &plot_pk_tap);
    expect_hex(r, c, "plot_id_ph", id, 32);

    memset(&memo, 0, sizeof memo);
    memo.pool_pk = pool_pk;
    memo.farmer_pk = farmer_pk;
    memo.local_master_sk = lm;
    mlen = cf_keys_memo_build(memo_bytes, &memo);
    expect(r, mlen == 128, "memo length");
    expect_hex(r, c, "memo_pk", memo_bytes, 128);
    expect(r, cf_keys_plot_from_memo(&plot, &memo) == CF_OK, "plot_from_memo");
    expect_hex(r, c, "plot_id_pk", plot.plot_id, 32);
    memo.pool_contract = true;
    memset(memo.pool_pk.bytes, 0, 48);
    memcpy(memo.pool_contract_ph, ph, 32);
    mlen = cf_keys_memo_build(memo_bytes, &memo);
    expect(r, mlen == 112, "memo length");
    expect_hex(r, c, "memo_ph", memo_bytes, 112);
    expect(r, cf_keys_memo_parse(&memo, memo_bytes, mlen) == CF_OK, "memo parse");
    expect(r, cf_keys_plot_from_memo(&plot, &memo) == CF_OK, "plot_from_memo");
    expect_hex(r, c, "plot_pk_taproot", plot.plot_pk.bytes, 48);
    expect_hex(r, c, "plot_id_ph", plot.plot_id, 32);
    expect_hex(r, c, "local_sk", plot.local_sk.bytes, 32);

    run_plot_signatures(r, c, &local, &farmer, &tap, &plot_pk, &plot_pk_tap, msg);
    run_pool_partial(r, c, &fm, msg);
}

/* ---- known_answers.json ---- */

static bool keygen_hex(const struct cf_json *c, const char *key, struct cf_bls_sk *sk)
{
    uint8_t seed[MAX_BYTES];
    size_t n;

    return get_hex_var(c, key, seed, &n) && cf_keys_keygen(sk, seed, n) == CF_OK;
}

static void known_eip2333(struct run *r, const struct cf_json *c)
{
    struct cf_bls_sk master, child;
    uint32_t index = 0;

    expect(r, keygen_hex(c, "seed", &master) && get_u32(cf_json_get(c, "index"), &index),
           "seed/index");
    expect_hex(r, c, "master_sk", master.bytes, 32);
    expect(r, cf_keys_derive_child_sk(&child, &master, index) == CF_OK, "derive");
    expect_hex(r, c, "child_sk", child.bytes, 32);
}

/* A message field into buf; returns its length (0 when absent, which fails elsewhere). */
static size_t msg_of(const struct cf_json *c, const char *key, uint8_t *buf)
{
    size_t n = 0;

    return get_hex_var(c, key, buf, &n) ? n : 0;
}

static void known_chia_basic(struct run *r, const struct cf_json *c)
{
    struct cf_bls_sk sk1, sk2;
    struct cf_bls_pk pk1, pk2, pks[3];
    struct cf_bls_sig s[3], agg;
    uint8_t m[5][MAX_BYTES];
    const uint8_t *mp[3];
    size_t ml[5];
    static const char *const names[5] = {"msg1", "msg2", "msg3", "msg4", "msg5"};

    expect(r, keygen_hex(c, "seed1", &sk1) && keygen_hex(c, "seed2", &sk2), "seeds");
    pk1 = pk_of(&sk1);
    pk2 = pk_of(&sk2);
    expect_hex(r, c, "sk1", sk1.bytes, 32);
    expect_hex(r, c, "pk1", pk1.bytes, 48);
    expect_hex(r, c, "pk2", pk2.bytes, 48);
    expect_u32(r, c, "fingerprint1", cf_keys_fingerprint(&pk1));
    expect_u32(r, c, "fingerprint2", cf_keys_fingerprint(&pk2));
    for (size_t i = 0; i < 5; i++)
        ml[i] = msg_of(c, names[i], m[i]);
    cf_bls_basic_sign(&s[0], &sk1, m[0], ml[0]);
    cf_bls_basic_sign(&s[1], &sk2, m[1], ml[1]);
    expect_hex(r, c, "sig1", s[0].bytes, 96);
    expect_hex(r, c, "sig2", s[1].bytes, 96);
    cf_bls_aggregate(&agg, s, 2);
    expect_hex(r, c, "agg_sig_1_2", agg.bytes, 96);
    pks[0] = pk1, pks[1] = pk2, mp[0] = m[0], mp[1] = m[1];
    expect(r, cf_bls_basic_aggregate_verify(pks, mp, ml, 2, &agg), "verify agg_sig_1_2");
    cf_bls_basic_sign(&s[0], &sk1, m[2], ml[2]);
    cf_bls_basic_sign(&s[1], &sk1, m[3], ml[3]);
    cf_bls_basic_sign(&s[2], &sk2, m[4], ml[4]);
    cf_bls_aggregate(&agg, s, 3);
    expect_hex(r, c, "agg_sig_3_4_5", agg.bytes, 96);
    pks[0] = pk1, pks[1] = pk1, pks[2] = pk2;
    mp[0] = m[2], mp[1] = m[3], mp[2] = m[4];
    expect(r, cf_bls_basic_aggregate_verify(pks, mp, ml + 2, 3, &agg), "verify agg_sig_3_4_5");
}

/* Six Aug signatures by the keys of seed1/seed2 (chosen by pks[i]), aggregated. */
static void known_chia_aug_aggregate(struct run *r, const struct cf_json *c)
{
    struct cf_bls_sk sk1, sk2;
    struct cf_bls_pk pk1, pks[8];
    struct cf_bls_sig sigs[8], agg;
    uint8_t m[8][64];
    const uint8_t *mp[8];
    size_t ml[8], n = 0;
    const struct cf_json *jp = cf_json_get(c, "pks"), *jm = cf_json_get(c, "msgs");

    expect(r, keygen_hex(c, "seed1", &sk1) && keygen_hex(c, "seed2", &sk2), "seeds");
    pk1 = pk_of(&sk1);
    if (!jp || !jm || jp->count != jm->count || jp->count > 8) {
        expect(r, false, "pks/msgs");
        return;
    }
    for (const struct cf_json *a = jp->child, *b = jm->child; a && b; a = a->next, b = b->next) {
        const char *hp = cf_json_string(a), *hm = cf_json_string(b);

        expect(r,
               hp && hm && cf_hex_decode_exact(pks[n].bytes, 48, hp) == CF_OK &&
                   cf_hex_decode(m[n], 64, &ml[n], hm, strlen(hm)) == CF_OK,
               "pk/msg");
        cf_bls_aug_sign(&sigs[n], memcmp(pks[n].bytes, pk1.bytes, 48) ? &sk2 : &sk1, m[n], ml[n]);
        mp[n] = m[n];
        n++;
    }
    cf_bls_aggregate(&agg, sigs, n);
    expect_hex(r, c, "agg_sig", agg.bytes, 96);
    expect(r, cf_bls_aug_aggregate_verify(pks, mp, ml, n, &agg), "aggregate_verify");
}

static void known_chia_pop(struct run *r, const struct cf_json *c)
{
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;
    struct cf_bls_sig proof;

    expect(r, keygen_hex(c, "seed", &sk), "seed");
    pk = pk_of(&sk);
    expect_hex(r, c, "sk", sk.bytes, 32);
    expect_hex(r, c, "pk", pk.bytes, 48);
    cf_bls_pop_prove(&proof, &sk);
    expect_hex(r, c, "pop_proof", proof.bytes, 96);
    expect(r, cf_bls_pop_proof_verify(&pk, &proof), "pop_proof_verify");
}

static void known_keygen_fingerprint(struct run *r, const struct cf_json *c)
{
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;
    uint8_t seed[32];

    expect(r, keygen_hex(c, "seed", &sk), "seed");
    pk = pk_of(&sk);
    expect_hex(r, c, "sk", sk.bytes, 32);
    expect_hex(r, c, "pk", pk.bytes, 48);
    expect_u32(r, c, "fingerprint", cf_keys_fingerprint(&pk));
    memset(seed, 0x08, sizeof seed); /* the note: a 31-byte seed is refused */
    expect(r, cf_keys_keygen(&sk, seed, 31) == CF_ERR_BAD_KEY, "31-byte seed refused");
}

typedef void (*sign_fn)(struct cf_bls_sig *, const struct cf_bls_sk *, const uint8_t *, size_t);
typedef bool (*verify_fn)(const struct cf_bls_pk *, const uint8_t *, size_t,
                          const struct cf_bls_sig *);

static void known_py_ecc(struct run *r, const struct cf_json *c)
{
    static const char *const schemes[3] = {"basic", "aug", "pop"};
    static const sign_fn sign[3] = {cf_bls_basic_sign, cf_bls_aug_sign, cf_bls_pop_sign};
    static const verify_fn verify[3] = {cf_bls_basic_verify, cf_bls_aug_verify, cf_bls_pop_verify};
    struct cf_bls_sk sk1, sk2;
    struct cf_bls_pk pk1, pk2;
    struct cf_bls_sig s[2], agg;
    uint8_t msg[64];
    size_t ml = msg_of(c, "msg", msg);

    expect(r, get_hex(c, "sk1", sk1.bytes, 32) && get_hex(c, "sk2", sk2.bytes, 32), "sks");
    pk1 = pk_of(&sk1);
    pk2 = pk_of(&sk2);
    expect_hex(r, c, "pk1", pk1.bytes, 48);
    expect_hex(r, c, "pk2", pk2.bytes, 48);
    for (size_t k = 0; k < 3; k++) {
        const struct cf_json *o = cf_json_get(c, schemes[k]);

        sign[k](&s[0], &sk1, msg, ml);
        sign[k](&s[1], &sk2, msg, ml);
        expect_hex(r, o, "sig1", s[0].bytes, 96);
        expect_hex(r, o, "sig2", s[1].bytes, 96);
        expect(r, verify[k](&pk1, msg, ml, &s[0]) && verify[k](&pk2, msg, ml, &s[1]), schemes[k]);
        cf_bls_aggregate(&agg, s, 2);
        expect_hex(r, o, "agg", agg.bytes, 96);
    }
}

/* Mnemonic -> entropy, seed, master key; fields named as the kind names them. */
static void known_mnemonic(struct run *r, const struct cf_json *c, const char *sk_key,
                           const char *pk_key, const char *fp_key, struct cf_bls_sk *master)
{
    const char *m = cf_json_string(cf_json_get(c, "mnemonic"));
    const char *s = cf_json_string(cf_json_get(c, "mnemonic_short"));
    uint8_t entropy[32], back[32], seed[64];
    size_t elen = 0, blen = 0;
    char text[CF_KEYS_MNEMONIC_MAX];
    struct cf_bls_sk sk;
    struct cf_bls_pk pk;

    if (m == NULL) {
        expect(r, false, "mnemonic");
        return;
    }
    if (get_hex_var(c, "entropy", entropy, &elen) && elen <= 32) {
        expect(r, cf_keys_mnemonic_from_entropy(text, entropy, elen) == CF_OK && !strcmp(text, m),
               "mnemonic from entropy");
        expect(r,
               cf_keys_mnemonic_to_entropy(back, &blen, m) == CF_OK && blen == elen &&
                   !memcmp(back, entropy, elen),
               "entropy");
    }
    if (s)
        expect(r, cf_keys_mnemonic_normalize(text, NULL, s) == CF_OK && !strcmp(text, m),
               "mnemonic_short");
    expect(r, cf_keys_mnemonic_to_seed(seed, m) == CF_OK, "to_seed");
    expect_hex(r, c, "seed", seed, 64);
    expect(r, cf_keys_keygen(&sk, seed, 64) == CF_OK, "keygen");
    pk = pk_of(&sk);
    expect_hex(r, c, sk_key, sk.bytes, 32);
    if (pk_key)
        expect_hex(r, c, pk_key, pk.bytes, 48);
    if (fp_key)
        expect_u32(r, c, fp_key, cf_keys_fingerprint(&pk));
    *master = sk;
}

static void run_known(struct run *r, const struct cf_json *c)
{
    const char *kind = cf_json_string(cf_json_get(c, "kind"));
    struct cf_bls_sk master, child;
    uint32_t index = 0;

    if (kind == NULL) {
        expect(r, false, "kind");
    } else if (!strcmp(kind, "eip2333")) {
        known_eip2333(r, c);
    } else if (!strcmp(kind, "chia_basic")) {
        known_chia_basic(r, c);
    } else if (!strcmp(kind, "chia_aug_aggregate")) {
        known_chia_aug_aggregate(r, c);
    } else if (!strcmp(kind, "chia_pop")) {
        known_chia_pop(r, c);
    } else if (!strcmp(kind, "keygen_fingerprint")) {
        known_keygen_fingerprint(r, c);
    } else if (!strcmp(kind, "py_ecc_schemes")) {
        known_py_ecc(r, c);
    } else if (!strcmp(kind, "chia_keychain")) {
        known_mnemonic(r, c, "master_sk", "pk", "fingerprint", &master);
        expect_hex(r, c, "sk", master.bytes, 32);
    } else if (!strcmp(kind, "chia_bip39_eip2333")) {
        known_mnemonic(r, c, "master_sk", NULL, NULL, &master);
        expect(r,
               get_u32(cf_json_get(c, "index"), &index) &&
                   cf_keys_derive_child_sk(&child, &master, index) == CF_OK,
               "derive");
        expect_hex(r, c, "child_sk", child.bytes, 32);
    } else if (!strcmp(kind, "chia_bip39")) {
        known_mnemonic(r, c, "master_sk_computed", "master_pk_computed", "fingerprint_computed",
                       &master);
    } else {
        fprintf(stderr, "  %s case %zu: unknown kind '%s'\n", r->file, r->case_no, kind);
        r->fail++;
    }
}

/* ---- pos/keys.json (its own layout: farmers{} and plots[]) ---- */

static bool sha256_of_string(const struct cf_json *c, const char *key, uint8_t out[32])
{
    const struct cf_json *v = cf_json_get(c, key);

    if (v == NULL || v->type != CF_JSON_STRING)
        return false;
    cf_sha256(out, v->str, v->len);
    return true;
}

static void pos_farmer(struct run *r, const struct cf_json *f)
{
    uint8_t seed[32];
    struct cf_bls_sk master, farmer, pool;
    struct cf_bls_pk pk;

    expect(r, sha256_of_string(f, "seed_string", seed), "seed_string");
    expect_hex(r, f, "seed", seed, 32);
    expect(r, cf_keys_keygen(&master, seed, 32) == CF_OK, "keygen");
    expect_hex(r, f, "master_sk", master.bytes, 32);
    pk = pk_of(&master);
    expect_hex(r, f, "master_pk", pk.bytes, 48);
    expect_u32(r, f, "master_pk_fingerprint", cf_keys_fingerprint(&pk));
    cf_keys_farmer_sk(&farmer, &master);
    cf_keys_pool_sk(&pool, &master);
    expect_hex(r, f, "farmer_sk", farmer.bytes, 32);
    pk = pk_of(&farmer);
    expect_hex(r, f, "farmer_pk", pk.bytes, 48);
    expect_hex(r, f, "pool_sk", pool.bytes, 32);
    pk = pk_of(&pool);
    expect_hex(r, f, "pool_pk", pk.bytes, 48);
}

static void pos_plot(struct run *r, const struct cf_json *p)
{
    uint8_t seed[32], ph[32], msg[3 * 48], hash[32], memo_bytes[CF_KEYS_MEMO_MAX], id[32];
    struct cf_bls_sk lm, local, tap;
    struct cf_bls_pk farmer_pk, pool_pk, local_pk, sum, pk;
    struct cf_keys_memo memo;
    struct cf_keys_plot plot;
    bool contract = cf_json_is_true(cf_json_get(p, "include_taproot"));
    size_t mlen;

    expect(r, sha256_of_string(p, "local_seed_string", seed), "local_seed_string");
    expect_hex(r, p, "local_seed", seed, 32);
    expect(r, cf_keys_keygen(&lm, seed, 32) == CF_OK, "keygen");
    expect_hex(r, p, "local_master_sk", lm.bytes, 32);
    pk = pk_of(&lm);
    expect_hex(r, p, "local_master_pk", pk.bytes, 48);
    cf_keys_local_sk(&local, &lm);
    local_pk = pk_of(&local);
    expect_hex(r, p, "local_sk", local.bytes, 32);
    expect_hex(r, p, "local_pk", local_pk.bytes, 48);
    if (!get_hex(p, "farmer_pk", farmer_pk.bytes, 48)) {
        expect(r, false, "farmer_pk");
        return;
    }
    expect(r, cf_bls_pk_add(&sum, &local_pk, &farmer_pk) == CF_OK, "pk_add");
    expect_hex(r, p, "local_plus_farmer_pk", sum.bytes, 48);
    memcpy(msg, sum.bytes, 48);
    memcpy(msg + 48, local_pk.bytes, 48);
    memcpy(msg + 96, farmer_pk.bytes, 48);
    expect_hex(r, p, "taproot_message", msg, sizeof msg);
    cf_sha256(hash, msg, sizeof msg);
    expect_hex(r, p, "taproot_hash", hash, 32);
    expect(r, cf_keys_taproot_sk(&tap, &local_pk, &farmer_pk) == CF_OK, "taproot");
    expect_hex(r, p, "taproot_sk", tap.bytes, 32);
    pk = pk_of(&tap);
    expect_hex(r, p, "taproot_pk", pk.bytes, 48);
    expect(r, cf_keys_plot_pk(&pk, &local_pk, &farmer_pk, contract) == CF_OK, "plot_pk");
    expect_hex(r, p, "plot_public_key", pk.bytes, 48);

    memset(&memo, 0, sizeof memo);
    memo.pool_contract = contract;
    memo.farmer_pk = farmer_pk;
    memo.local_master_sk = lm;
    if (contract) {
        expect(r, sha256_of_string(p, "pool_contract_seed_string", ph), "contract seed");
        expect_hex(r, p, "pool_contract_puzzle_hash", ph, 32);
        memcpy(memo.pool_contract_ph, ph, 32);
        cf_keys_plot_id(id, ph, 32, &pk);
    } else {
        expect(r, get_hex(p, "pool_pk", pool_pk.bytes, 48), "pool_pk");
        memo.pool_pk = pool_pk;
        cf_keys_plot_id(id, pool_pk.bytes, 48, &pk);
    }
    expect_hex(r, p, "plot_id", id, 32);
    mlen = cf_keys_memo_build(memo_bytes, &memo);
    expect(r, mlen == (contract ? 112u : 128u), "memo length");
    expect_hex(r, p, "memo", memo_bytes, mlen);
    /* The harvester's way: from the memo bytes alone. */
    expect(r,
           cf_keys_memo_parse(&memo, memo_bytes, mlen) == CF_OK &&
               cf_keys_plot_from_memo(&plot, &memo) == CF_OK,
           "plot_from_memo");
    expect_hex(r, p, "plot_id", plot.plot_id, 32);
    expect_hex(r, p, "plot_public_key", plot.plot_pk.bytes, 48);
    expect_hex(r, p, "local_sk", plot.local_sk.bytes, 32);
}

static void run_pos_keys_file(const char *path, const char *shown)
{
    struct run r = {shown, 0, 0, 0};
    struct cf_json_doc *doc = NULL;
    const struct cf_json *farmers, *plots;
    char *text = NULL;
    size_t len;

    if (cf_read_file(path, (size_t)16 << 20, &text, &len) != CF_OK ||
        cf_json_parse(text, len, &doc) != CF_OK) {
        fprintf(stderr, "  %s: cannot read or parse: %s\n", shown, cf_err_detail());
        r.fail++;
        goto out;
    }
    farmers = cf_json_get(cf_json_root(doc), "farmers");
    plots = cf_json_get(cf_json_root(doc), "plots");
    if (!farmers || farmers->type != CF_JSON_OBJECT || !plots || plots->type != CF_JSON_ARRAY) {
        fprintf(stderr, "  %s: no farmers object or plots array\n", shown);
        r.fail++;
        goto out;
    }
    for (const struct cf_json *f = farmers->child; f; f = f->next, r.case_no++)
        pos_farmer(&r, f);
    for (const struct cf_json *p = plots->child; p; p = p->next, r.case_no++)
        pos_plot(&r, p);
out:
    vec_file_report(shown, r.pass, r.fail);
    cf_json_free(doc);
    free(text);
}

/* ---- driver ---- */

typedef void (*case_fn)(struct run *, const struct cf_json *);

static void run_file(const char *path, const char *shown, case_fn fn)
{
    struct run r = {shown, 0, 0, 0};
    struct cf_json_doc *doc = NULL;
    const struct cf_json *cases;
    char *text = NULL;
    size_t len;

    if (cf_read_file(path, (size_t)256 << 20, &text, &len) != CF_OK ||
        cf_json_parse(text, len, &doc) != CF_OK) {
        fprintf(stderr, "  %s: cannot read or parse: %s\n", shown, cf_err_detail());
        r.fail++;
        goto out;
    }
    cases = cf_json_get(cf_json_root(doc), "cases");
    if (cases == NULL || cases->type != CF_JSON_ARRAY) {
        fprintf(stderr, "  %s: no cases array\n", shown);
        r.fail++;
        goto out;
    }
    for (const struct cf_json *c = cases->child; c; c = c->next, r.case_no++)
        fn(&r, c);
out:
    vec_file_report(shown, r.pass, r.fail);
    cf_json_free(doc);
    free(text);
}

static void run_pattern(const char *dir, const char *pattern, case_fn fn, bool pos_keys)
{
    char full[4096];
    glob_t g;
    size_t skip = strlen(dir) + 1;

    snprintf(full, sizeof full, "%s/%s", dir, pattern);
    if (glob(full, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        if (pos_keys)
            run_pos_keys_file(g.gl_pathv[i], g.gl_pathv[i] + skip);
        else
            run_file(g.gl_pathv[i], g.gl_pathv[i] + skip, fn);
    }
    globfree(&g);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : test_vectors_dir();

    if (dir == NULL)
        return 77;
    run_pattern(dir, "bls/keygen*.json", run_keygen, false);
    run_pattern(dir, "bls/mnemonic*.json", run_mnemonic, false);
    run_pattern(dir, "bls/derive*.json", run_derive, false);
    run_pattern(dir, "bls/plot_keys*.json", run_plot_keys, false);
    run_pattern(dir, "bls/known_answers*.json", run_known, false);
    run_pattern(dir, "pos/keys*.json", NULL, true);
    if (vec_files_run == 0)
        printf("SKIPPED: no key vector files under %s\n", dir);
    return vec_suite_exit();
}

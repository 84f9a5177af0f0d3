/*
 * test_farmer_fullnode.c: the farmer protocol to a full node, against a test full node in this
 * process over TLS with a generated "public" CA (standing in for Chia's chia_ca): the farmer dials
 * it with a public farmer certificate signed by that CA, takes NewSignagePoint, declares winning
 * proofs (DeclareProofOfSpace, both signatures checked here under the plot key, the pool target
 * signature too) and answers RequestSignedValues with SignedValues that verify.
 * The harvester is tests/unit/farmer_harness.h.
 */
#include "test.h"

#include "farmer_harness.h"

#include "cfarm/bytes.h"
#include "cfarm/keys.h"
#include "cfarm/plotter.h"

static struct cf_loop *loop;
static struct harness_root root;
static struct cf_simchain_params chain = {.seed = 99, .min_k = 18};

/* ---- the test full node ---- */

static struct cf_peer *farmer_link;
static int node_ver = 38;
static uint64_t sp_n;
static struct cf_farmer_sp sent[512];
static int declares_ok, declares_bad, signed_ok, signed_bad;
/* what each RequestSignedValues asked, to check its answer */
static struct asked {
    struct cf_bls_pk plot_pk;
    uint8_t msgs[2][32];
} asked[64];

static void node_connect(struct cf_peer *p, void *u)
{
    (void)u;
    farmer_link = p;
}

static void node_disconnect(struct cf_peer *p, enum cf_err why, const char *d, void *u)
{
    (void)why;
    (void)d;
    (void)u;
    if (p == farmer_link)
        farmer_link = NULL;
}

static void node_tick(struct cf_loop_timer *t, void *u)
{
    struct cf_new_signage_point m = {0};
    struct cf_farmer_sp *sp = &sent[sp_n % 512];
    struct cf_buf b;

    (void)u;
    cf_loop_timer_start(t, 30);
    if (farmer_link == NULL)
        return;
    cf_simchain_sp(&chain, sp_n++, sp);
    memcpy(m.challenge_hash, sp->challenge_hash, 32);
    memcpy(m.challenge_chain_sp, sp->cc_sp, 32);
    memcpy(m.reward_chain_sp, sp->rc_sp, 32);
    m.difficulty = sp->difficulty;
    m.sub_slot_iters = sp->sub_slot_iters;
    m.signage_point_index = sp->index;
    m.peak_height = sp->peak_height;
    m.last_tx_height = sp->last_tx_height;
    cf_buf_init(&b, 4096);
    if (cf_proto_encode(CF_CLS_NEW_SIGNAGE_POINT, node_ver, &m, &b) == CF_OK)
        cf_peer_send(farmer_link, CF_MSG_NEW_SIGNAGE_POINT, b.data, b.len);
    cf_buf_free(&b);
}

static void on_signed_values(struct cf_peer *p, enum cf_err err, const struct cf_peer_msg *m,
                             void *u)
{
    struct cf_signed_values sv;
    const struct asked *a = u;

    (void)p;
    if (err != CF_OK || m->type != CF_MSG_SIGNED_VALUES ||
        cf_proto_decode(CF_CLS_SIGNED_VALUES, node_ver, m->data, m->len, &sv) != CF_OK) {
        signed_bad++;
        return;
    }
    if (cf_bls_aug_verify(&a->plot_pk, a->msgs[0], 32, &sv.foliage_block_data_signature) &&
        cf_bls_aug_verify(&a->plot_pk, a->msgs[1], 32, &sv.foliage_transaction_block_signature))
        signed_ok++;
    else
        signed_bad++;
}

static enum cf_err node_on_declare(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    struct cf_declare_proof_of_space d;
    const struct cf_farmer_sp *sp = NULL;
    struct cf_farmer_verdict v;
    struct cf_farmer_rules rules = {18, 50};
    struct cf_request_signed_values r = {0};
    const struct cf_bls_pk *pk;
    struct asked *a;
    uint8_t pt[36];
    struct cf_buf b;
    bool ok;

    (void)u;
    if (cf_proto_decode(CF_CLS_DECLARE_PROOF_OF_SPACE, node_ver, m->data, m->len, &d) != CF_OK)
        return CF_ERR_PROTOCOL;
    for (size_t i = 0; i < 512 && i < sp_n; i++)
        if (memcmp(sent[i].cc_sp, d.challenge_chain_sp, 32) == 0)
            sp = &sent[i];
    pk = &d.proof_of_space.plot_public_key;
    ok = sp && cf_farmer_judge(sp, &d.proof_of_space, &rules, &v) == CF_OK && v.wins &&
         cf_bls_aug_verify(pk, sp->cc_sp, 32, &d.challenge_chain_sp_signature) &&
         cf_bls_aug_verify(pk, sp->rc_sp, 32, &d.reward_chain_sp_signature);
    if (ok && d.proof_of_space.pool_public_key.present) {
        memcpy(pt, d.pool_target.v.puzzle_hash, 32);
        cf_store_be32(pt + 32, d.pool_target.v.max_height);
        ok = d.pool_target.present && d.pool_signature.present &&
             memcmp(d.pool_target.v.puzzle_hash, "\x22\x22\x22\x22", 4) == 0 &&
             cf_bls_aug_verify(&d.proof_of_space.pool_public_key.v, pt, 36, &d.pool_signature.v);
    }
    ok = ok && memcmp(d.farmer_puzzle_hash, "\x11\x11\x11\x11", 4) == 0;
    if (!ok) {
        declares_bad++;
        goto out;
    }
    a = &asked[declares_ok++ % 64];
    a->plot_pk = *pk;
    memcpy(r.quality_string, v.quality, 32);
    memset(r.foliage_block_data_hash, 0xf0 + (declares_ok & 7), 32);
    memset(r.foliage_transaction_block_hash, 0xe0 + (declares_ok & 7), 32);
    memcpy(a->msgs[0], r.foliage_block_data_hash, 32);
    memcpy(a->msgs[1], r.foliage_transaction_block_hash, 32);
    cf_buf_init(&b, 1u << 20);
    if (cf_proto_encode(CF_CLS_REQUEST_SIGNED_VALUES, node_ver, &r, &b) == CF_OK)
        cf_peer_request(p, CF_MSG_REQUEST_SIGNED_VALUES, b.data, b.len, 20000, on_signed_values, a);
    cf_buf_free(&b);
out:
    cf_proto_free(CF_CLS_DECLARE_PROOF_OF_SPACE, &d);
    return CF_OK;
}

static bool p_done(void)
{
    return declares_ok >= 2 && signed_ok >= 2;
}

static bool wait_for(bool (*pred)(void), uint64_t ms)
{
    uint64_t end = harness_ms() + ms;

    while (!pred() && harness_ms() < end)
        cf_loop_run_once(loop, 20);
    return pred();
}

int main(void)
{
    char pub_ca[256], pub_ca_key[256], fn_crt[256], fn_key[256], pf_crt[256], pf_key[256];
    char plots[2][256], hcrt[256], hkey[256];
    struct cf_peer_service *node = NULL;
    struct cf_peer_config nc = {0};
    struct cf_loop_timer *tick = NULL;
    struct cf_farmer *farmer = NULL;
    struct cf_farmer_options opt = {0};
    struct cf_farmer_keys keys = {0};
    struct cf_sp_source *src = NULL;
    struct cf_fullnode_options fo = {0};
    struct cf_bls_sk master = {{0}}, fsk = {{0}}, psk = {{0}};
    struct th h = {0};
    uint8_t seed[32], contract[32];
    uint16_t port = 0;

    cf_codec_set_point_check(cf_bls_pk_validate, cf_bls_sig_validate);
    if (!harness_root_make(&root, NULL) || cf_loop_new(&loop) != CF_OK)
        return 1;
#define P(buf, name) snprintf(buf, sizeof buf, "%s/%s", root.dir, name)
    P(pub_ca, "chia_ca.crt");
    P(pub_ca_key, "chia_ca.key");
    P(fn_crt, "public_full_node.crt");
    P(fn_key, "public_full_node.key");
    P(pf_crt, "public_farmer.crt");
    P(pf_key, "public_farmer.key");
    P(hcrt, "h.crt");
    P(hkey, "h.key");
#undef P
    CHECK(cf_cert_make_ca(pub_ca, pub_ca_key) == CF_OK);
    CHECK(cf_cert_make_node(pub_ca, pub_ca_key, fn_crt, fn_key) == CF_OK);
    CHECK(cf_cert_make_node(pub_ca, pub_ca_key, pf_crt, pf_key) == CF_OK);
    CHECK(cf_cert_make_node(root.paths.ca_crt, root.paths.ca_key, hcrt, hkey) == CF_OK);

    /* keys and two plots: one with a pool key, one paying to a pool contract */
    memset(seed, 0x5a, 32);
    memset(contract, 0x3c, 32);
    CHECK(cf_keys_keygen(&master, seed, 32) == CF_OK && cf_keys_farmer_sk(&fsk, &master) == CF_OK &&
          cf_keys_pool_sk(&psk, &master) == CF_OK);
    keys.farmer = calloc(1, sizeof *keys.farmer);
    keys.pool = calloc(1, sizeof *keys.pool);
    keys.announce_pool = calloc(1, sizeof *keys.announce_pool);
    keys.farmer[0].sk = fsk;
    keys.farmer[0].has_sk = true;
    cf_bls_sk_to_pk(&keys.farmer[0].pk, &fsk);
    keys.pool[0].sk = psk;
    keys.pool[0].has_sk = true;
    cf_bls_sk_to_pk(&keys.pool[0].pk, &psk);
    keys.announce_pool[0] = keys.pool[0].pk;
    keys.n_farmer = keys.n_pool = keys.n_announce_pool = 1;
    for (int i = 0; i < 2; i++) {
        struct cf_plotter_params pp = {.k = 18, .threads = 2};

        snprintf(plots[i], sizeof plots[i], "%s/fn-plot-%d.plot", root.dir, i);
        CHECK(cf_plotter_make_keys(&pp, &keys.farmer[0].pk, i ? NULL : &keys.pool[0].pk,
                                   i ? contract : NULL) == CF_OK);
        CHECK(cf_plotter_create(&pp, plots[i], NULL) == CF_OK);
        CHECK(th_add_plot(&h, plots[i]));
    }

    /* the test full node, on the "public" CA */
    nc.network_id = "mainnet";
    nc.node_type = CF_PEER_FULL_NODE;
    nc.software_version = "test-full-node";
    nc.server_port = 8444;
    nc.ca_crt = pub_ca;
    nc.crt = fn_crt;
    nc.key = fn_key;
    nc.on_connect = node_connect;
    nc.on_disconnect = node_disconnect;
    CHECK(cf_peer_service_new(loop, &nc, &node) == CF_OK);
    CHECK(cf_peer_handle(node, CF_MSG_DECLARE_PROOF_OF_SPACE, CF_PEER_NODE_BIT(CF_PEER_FARMER),
                         node_on_declare, NULL) == CF_OK);
    CHECK(cf_peer_listen(node, "127.0.0.1", 0, &port) == CF_OK);
    CHECK(cf_loop_timer_new(loop, node_tick, NULL, &tick) == CF_OK);
    cf_loop_timer_start(tick, 30);

    /* the farmer, its full-node source, a harvester */
    opt.ca_crt = root.paths.ca_crt;
    opt.crt = root.paths.node_crt[CF_CERT_FARMER];
    opt.key = root.paths.node_key[CF_CERT_FARMER];
    opt.listen_host = "127.0.0.1";
    memset(opt.farmer_puzzle_hash, 0x11, 32);
    memset(opt.pool_puzzle_hash, 0x22, 32);
    CHECK(cf_farmer_new(loop, &opt, &keys, &farmer) == CF_OK);
    fo.ca_crt = pub_ca;
    fo.crt = pf_crt;
    fo.key = pf_key;
    fo.host = "127.0.0.1";
    fo.port = port;
    CHECK(cf_fullnode_new(loop, &fo, &src) == CF_OK);
    if (farmer == NULL || src == NULL || node == NULL)
        return test_report("test_farmer_fullnode");
    src->rules.min_k = 18; /* the chain here accepts small plots */
    cf_farmer_set_source(farmer, src);
    CHECK(th_start(&h, loop, root.paths.ca_crt, hcrt, hkey, cf_farmer_port(farmer)));

    CHECK(wait_for(p_done, 60000));
    CHECK(cf_fullnode_connected(src));
    CHECK_EQ_U64(declares_bad, 0);
    CHECK_EQ_U64(signed_bad, 0);
    fprintf(stderr, "full node: %llu signage points, %d declarations, %d signed values\n",
            (unsigned long long)sp_n, declares_ok, signed_ok);

    cf_farmer_free(farmer);
    cf_loop_timer_free(tick);
    cf_peer_service_free(node);
    th_free(&h);
    cf_loop_free(loop);
    harness_root_remove(&root);
    return test_report("test_farmer_fullnode");
}

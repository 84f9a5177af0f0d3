/*
 * test_farmer.c: the farmer end to end on the simulated chain, with harvesters over TLS on
 * loopback (tests/unit/farmer_harness.h, built on lib/net + lib/proto + lib/pos).
 *
 *  1. two harvesters (protocol 0.0.38, and 0.0.35 with the legacy signage point and the short
 *     proof and signature layouts), three k=18 plots (one paying to a pool contract, so the
 *     taproot share is exercised): proofs verified and signed through both harvesters,
 *     signatures aggregated and checked, blocks won, foliage signed;
 *  2. a harvester forging proofs is caught and never asked to sign;
 *  3. a harvester signing with a wrong key is caught and nothing of it is declared;
 *  4. plot sync of 3,000 plots with failed, no-key and duplicate files, and a harvester that dies
 *     in the middle of such a sync;
 *  5. a harvester killed and restarted: the farmer drops it, takes it back, resyncs;
 *  6. the status file and the metrics text.
 */
#include "test.h"

#include "farmer_harness.h"

#include "cfarm/keys.h"
#include "cfarm/plotter.h"

static struct cf_loop *loop;
static struct cf_farmer *farmer;
static struct harness_root root;
static char plot_path[3][256];

static int cond_flag;

/* Run the loop until pred() holds or the time is up. */
static bool wait_for(bool (*pred)(void), uint64_t ms)
{
    uint64_t end = harness_ms() + ms;

    while (!pred() && harness_ms() < end)
        cf_loop_run_once(loop, 20);
    return pred();
}

static struct cf_farmer_stats st(void)
{
    struct cf_farmer_stats s;

    cf_farmer_stats(farmer, &s);
    return s;
}

static bool make_keys(struct cf_farmer_keys *k, struct cf_bls_pk *farmer_pk,
                      struct cf_bls_pk *pool_pk)
{
    uint8_t seed[32];
    struct cf_bls_sk master, fsk, psk;

    memset(seed, 0x42, sizeof seed);
    if (cf_keys_keygen(&master, seed, 32) || cf_keys_farmer_sk(&fsk, &master) ||
        cf_keys_pool_sk(&psk, &master))
        return false;
    memset(k, 0, sizeof *k);
    k->farmer = calloc(2, sizeof *k->farmer);
    k->pool = calloc(1, sizeof *k->pool);
    k->announce_pool = calloc(1, sizeof *k->announce_pool);
    k->farmer[0].sk = fsk;
    cf_bls_sk_to_pk(&k->farmer[0].pk, &fsk);
    k->farmer[0].has_sk = true;
    k->farmer[1].sk = psk;
    cf_bls_sk_to_pk(&k->farmer[1].pk, &psk);
    k->farmer[1].has_sk = true;
    k->pool[0] = k->farmer[1];
    k->announce_pool[0] = k->farmer[1].pk;
    k->n_farmer = 2;
    k->n_pool = 1;
    k->n_announce_pool = 1;
    *farmer_pk = k->farmer[0].pk;
    *pool_pk = k->farmer[1].pk;
    return true;
}

static bool make_plots(const struct cf_bls_pk *fpk, const struct cf_bls_pk *ppk)
{
    uint8_t contract[32];

    memset(contract, 0xc7, sizeof contract);
    for (int i = 0; i < 3; i++) {
        struct cf_plotter_params pp = {.k = 18, .threads = 2};

        snprintf(plot_path[i], sizeof plot_path[i], "%s/plot-%d.plot", root.dir, i);
        if (cf_plotter_make_keys(&pp, fpk, i == 1 ? NULL : ppk, i == 1 ? contract : NULL) ||
            cf_plotter_create(&pp, plot_path[i], NULL) != CF_OK)
            return false;
        memset(&pp, 0, sizeof pp);
    }
    return true;
}

static bool harvester_cert(int n, char crt[256], char key[256])
{
    snprintf(crt, 256, "%s/h%d.crt", root.dir, n);
    snprintf(key, 256, "%s/h%d.key", root.dir, n);
    return cf_cert_make_node(root.paths.ca_crt, root.paths.ca_key, crt, key) == CF_OK;
}

static struct th h1, h2, h3, h4, h5, h6;
static char crt[7][256], key[7][256];

static bool p_connected_two(void)
{
    return h1.sync_done && h2.sync_done && st().harvesters == 2;
}
static bool p_blocks(void)
{
    struct cf_farmer_stats s = st();

    return s.blocks_won >= 3 && s.signed_values >= 1 && h1.sig_requests >= 1 &&
           h2.sig_requests >= 1;
}
static bool p_forged(void)
{
    return st().proofs_invalid >= 1;
}
static bool p_badsig(void)
{
    return st().signatures_bad >= 1;
}
static bool p_many(void)
{
    return h5.sync_done >= 1;
}
static bool p_h6_midway(void)
{
    return h6.next >= 3;
}
static bool p_h6_gone(void)
{
    return st().harvesters == 2;
}
static bool p_h2_gone(void)
{
    return st().harvesters == 1;
}
static bool p_h2_back(void)
{
    return h2.sync_done >= 2 && st().harvesters == 2;
}

static void test_two_harvesters(void)
{
    struct cf_farmer_stats s;
    uint8_t id[32];

    h1.version = "0.0.38";
    CHECK(th_add_plot(&h1, plot_path[0]));
    CHECK(th_add_plot(&h1, plot_path[1]));
    h2.version = "0.0.35"; /* Chia 2.0: the short proof and signature layouts */
    CHECK(th_add_plot(&h2, plot_path[2]));
    CHECK(th_start(&h1, loop, root.paths.ca_crt, crt[1], key[1], cf_farmer_port(farmer)));
    CHECK(th_start(&h2, loop, root.paths.ca_crt, crt[2], key[2], cf_farmer_port(farmer)));
    CHECK(wait_for(p_connected_two, HARNESS_WAIT_MS));
    CHECK(h1.keys_received == 1 && h2.keys_received == 1);
    CHECK(cf_cert_node_id_file(id, crt[1]) == CF_OK);
    CHECK(cf_farmer_harvester_plots(farmer, id) != NULL &&
          cf_plotsync_plot_count(cf_farmer_harvester_plots(farmer, id)) == 2);
    CHECK(wait_for(p_blocks, 60000));
    s = st();
    fprintf(stderr, "two harvesters: %llu signage points, %llu proofs, %llu winning, %llu blocks\n",
            (unsigned long long)s.signage_points, (unsigned long long)s.proofs,
            (unsigned long long)s.proofs_winning, (unsigned long long)s.blocks_won);
    CHECK(s.blocks_won >= 3);
    CHECK(s.signatures_ok >= s.blocks_won);
    CHECK_EQ_U64(s.proofs_invalid, 0);
    CHECK_EQ_U64(s.signatures_bad, 0);
    CHECK(s.plots == 3);
    CHECK(h1.sps > 0 && h2.sps > 0); /* both layouts reached their harvester */
    CHECK_EQ_U64(h1.sync_errors + h2.sync_errors, 0);
}

static void test_forged_proof(void)
{
    h3.mode = TH_FORGE_PROOF;
    CHECK(th_add_plot(&h3, plot_path[0]));
    CHECK(th_add_plot(&h3, plot_path[2]));
    CHECK(th_start(&h3, loop, root.paths.ca_crt, crt[3], key[3], cf_farmer_port(farmer)));
    CHECK(wait_for(p_forged, 60000));
    CHECK(h3.proofs_sent >= 1);
    CHECK_EQ_U64(h3.sig_requests, 0);
    th_stop(&h3);
}

static void test_wrong_signature(void)
{
    uint64_t declared;

    h4.mode = TH_WRONG_SIGNATURE;
    CHECK(th_add_plot(&h4, plot_path[0]));
    CHECK(th_add_plot(&h4, plot_path[2]));
    CHECK(th_start(&h4, loop, root.paths.ca_crt, crt[4], key[4], cf_farmer_port(farmer)));
    declared = st().declared;
    CHECK(wait_for(p_badsig, 60000));
    CHECK(h4.sig_requests >= 1);
    th_stop(&h4);
    /* every declaration since is backed by an honest signature: declared <= signatures_ok */
    CHECK(st().declared <= st().signatures_ok);
    CHECK(st().declared >= declared);
}

static void test_many_plots(void)
{
    const struct cf_plotsync *rx;
    uint8_t id[32];

    h5.fake_plots = 3000;
    h5.n_invalid = 3;
    h5.n_keys_missing = 2;
    h5.n_duplicates = 1;
    CHECK(th_start(&h5, loop, root.paths.ca_crt, crt[5], key[5], cf_farmer_port(farmer)));
    CHECK(wait_for(p_many, 60000));
    CHECK(cf_cert_node_id_file(id, crt[5]) == CF_OK);
    rx = cf_farmer_harvester_plots(farmer, id);
    CHECK(rx != NULL);
    if (rx) {
        CHECK_EQ_U64(cf_plotsync_plot_count(rx), 3000);
        CHECK_EQ_U64(cf_plotsync_invalid_count(rx), 3);
        CHECK_EQ_U64(cf_plotsync_keys_missing_count(rx), 2);
        CHECK_EQ_U64(cf_plotsync_duplicates_count(rx), 1);
        CHECK(cf_plotsync_plot_find(rx, "/fake/dir/plot-k32-001234.plot") != NULL);
    }
    CHECK_EQ_U64(h5.sync_errors, 0);
    th_stop(&h5);
}

/* A harvester that dies in the middle of its plot sync: the farmer drops it and goes on. */
static void test_disconnect_mid_sync(void)
{
    int sps;

    h6.fake_plots = 3000;
    CHECK(th_start(&h6, loop, root.paths.ca_crt, crt[6], key[6], cf_farmer_port(farmer)));
    CHECK(wait_for(p_h6_midway, 60000));
    CHECK(h6.sync_done == 0);
    th_stop(&h6);
    CHECK(wait_for(p_h6_gone, HARNESS_WAIT_MS));
    CHECK_EQ_U64(st().plots, 3);
    sps = h1.sps;
    CHECK(wait_for(p_blocks, 1000)); /* still true */
    harness_run_for(loop, 300);
    CHECK(h1.sps > sps); /* signage points still flow */
}

static void test_kill_restart(void)
{
    uint64_t won;

    th_stop(&h2);
    CHECK(wait_for(p_h2_gone, HARNESS_WAIT_MS));
    won = st().blocks_won;
    CHECK(th_start(&h2, loop, root.paths.ca_crt, crt[2], key[2], cf_farmer_port(farmer)));
    CHECK(wait_for(p_h2_back, HARNESS_WAIT_MS));
    CHECK(st().plots == 3);
    CHECK(st().blocks_won >= won);
}

static void test_status_file(const char *path)
{
    char *text = NULL;
    size_t len = 0;

    CHECK(cf_farmer_write_status(farmer) == CF_OK);
    CHECK(cf_read_file(path, 1u << 20, &text, &len) == CF_OK);
    CHECK(text && strstr(text, "\"blocks_won\"") && strstr(text, "\"harvesters\""));
    free(text);
    {
        struct cf_buf m;

        cf_buf_init(&m, 1u << 20);
        CHECK(cf_farmer_metrics(farmer, &m) == CF_OK && cf_buf_terminate(&m) == CF_OK);
        CHECK(m.data && strstr((char *)m.data, "cfarm_farmer_blocks_won_total ") &&
              strstr((char *)m.data, "cfarm_farmer_harvester_plots{node_id=\""));
        cf_buf_free(&m);
    }
}

int main(void)
{
    struct cf_farmer_keys keys;
    struct cf_bls_pk fpk, ppk;
    struct cf_farmer_options opt = {0};
    struct cf_simchain_params sp = {.seed = 7, .sp_ms = 30, .min_k = 18, .sign_foliage = true};
    struct cf_sp_source *src = NULL;
    char status[256];

    (void)cond_flag;
    cf_codec_set_point_check(cf_bls_pk_validate, cf_bls_sig_validate);
    if (!harness_root_make(&root, NULL) || cf_loop_new(&loop) != CF_OK) {
        fprintf(stderr, "cannot make a test root\n");
        return 1;
    }
    CHECK(make_keys(&keys, &fpk, &ppk));
    CHECK(make_plots(&fpk, &ppk));
    for (int i = 1; i <= 6; i++)
        CHECK(harvester_cert(i, crt[i], key[i]));
    snprintf(status, sizeof status, "%s/farmer-status.json", root.dir);
    opt.ca_crt = root.paths.ca_crt;
    opt.crt = root.paths.node_crt[CF_CERT_FARMER];
    opt.key = root.paths.node_key[CF_CERT_FARMER];
    opt.listen_host = "127.0.0.1";
    opt.status_path = status;
    memset(opt.farmer_puzzle_hash, 0x11, 32);
    memset(opt.pool_puzzle_hash, 0x22, 32);
    CHECK(cf_farmer_new(loop, &opt, &keys, &farmer) == CF_OK);
    CHECK(cf_simchain_new(loop, &sp, &src) == CF_OK);
    if (farmer == NULL || src == NULL)
        return test_report("test_farmer");
    cf_farmer_set_source(farmer, src);

    test_two_harvesters();
    test_forged_proof();
    test_wrong_signature();
    test_many_plots();
    test_disconnect_mid_sync();
    test_kill_restart();
    test_status_file(status);

    cf_farmer_free(farmer);
    th_free(&h1);
    th_free(&h2);
    th_free(&h3);
    th_free(&h4);
    th_free(&h5);
    th_free(&h6);
    cf_loop_free(loop);
    harness_root_remove(&root);
    return test_report("test_farmer");
}

/*
 * test_harvester.c: the harvester service against a small test farmer over real TLS on loopback.
 *
 * The test farmer (below, on lib/net + lib/proto only) listens with the farmer certificate of a
 * temporary root, sends HarvesterHandshake with the plots' farmer and pool keys, answers plot
 * sync like Chia's receiver (applying the delta on done), sends signage points in the layout the
 * harvester's version implies and records what comes back. Plots: one made here by the plotter
 * with keys whose farmer secret key the test knows (so the harvester's signature share can be
 * completed and verified under the plot public key), plus the three vector plots when
 * ../shared/vectors is present (linked, not copied).
 *
 * Checked: handshake and initial plot sync for several (harvester, farmer) version pairs; signage
 * points with and without passing plots in every layout; each proof equal to the prover's; the
 * FarmingInfo counts; signatures that verify under the plot public key; no answer for an unknown
 * plot; RequestPlots; plot sync after adding, duplicating and deleting plots; a damaged file
 * reported invalid; a plot file vanishing before its lookup is dropped while the others answer;
 * a plot-sync response lost (resend); a farmer restart survived; a plot whose tables are corrupt
 * (it opens, its lookups fail) logged with its disk, dropped and reported invalid while the other
 * plots keep answering; the slow-lookup warning (threshold a parameter) naming plot and disk;
 * parallel_read and num_threads bounding the lookups running at once.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cfarm/consensus.h"
#include "cfarm/harvester.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/keys.h"
#include "cfarm/log.h"
#include "cfarm/peer.h"
#include "cfarm/plot.h"
#include "cfarm/plotter.h"
#include "cfarm/proto.h"
#include "net_harness.h"
#include "test.h"

#define MAX_PATHS  64
#define MAX_PROOFS 256

/* ---- the test farmer ---- */

struct got_proof {
    char ident[512];
    uint8_t challenge[32];
    uint8_t proof[400];
    size_t proof_len;
    struct cf_bls_pk plot_pk;
};

struct tfarm {
    struct cf_loop *loop;
    struct harness_root *root;
    struct cf_peer_service *svc;
    uint16_t port;
    struct cf_peer *peer;
    int hv_ver, own_ver;
    struct cf_bls_pk fkeys[8], pkeys[8];
    size_t nf, np;
    /* plot sync receiver */
    char *plots[MAX_PATHS], *pend[MAX_PATHS];
    size_t nplots, npend;
    char *lists[3][MAX_PATHS]; /* invalid, keys missing, duplicates (after done) */
    size_t nlists[3];
    char *plists[3][MAX_PATHS];
    size_t nplists[3];
    int syncs_done, sync_errors, drop_responses, msgs_seen;
    int error_resume, error_reset; /* answer the next loaded message with such an error */
    int starts_initial;
    uint64_t expect_mid;          /* next message id of the running sync */
    uint64_t cur_sync, last_sync; /* sync ids: running, last completed (Chia's checks) */
    /* signage point answers */
    struct got_proof proofs[MAX_PROOFS];
    size_t nproofs;
    int farming_infos;
    struct cf_farming_info fi;
    int sig_responses;
    struct cf_respond_signatures sigs;
    int plots_responses;
    size_t plots_listed;
};

static char farmer_version[16] = "0.0.38";

static const char *tf_version(uint8_t t)
{
    return t == CF_PEER_HARVESTER ? farmer_version : cf_peer_protocol_version(t);
}

static void strs_free(char **a, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free(a[i]);
    *n = 0;
}

static bool strs_has(char **a, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i], s) == 0)
            return true;
    return false;
}

static void strs_del(char **a, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(a[i], s) == 0) {
            free(a[i]);
            a[i] = a[--*n];
            return;
        }
}

static void tf_send(struct tfarm *f, uint8_t type, enum cf_proto_cls cls, int ver, const void *body)
{
    struct cf_buf b;

    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    if (cf_proto_encode(cls, ver, body, &b) != CF_OK || f->peer == NULL ||
        cf_peer_send(f->peer, type, b.data, b.len) != CF_OK)
        fprintf(stderr, "test farmer: could not send message %u\n", type);
    cf_buf_free(&b);
}

static void tf_connect(struct cf_peer *p, void *user)
{
    struct tfarm *f = user;
    struct cf_harvester_handshake hs;

    f->peer = p;
    CHECK(cf_proto_version_parse(cf_peer_handshake(p)->protocol_version, &f->hv_ver) == CF_OK);
    hs.farmer_public_keys.items = f->fkeys;
    hs.farmer_public_keys.count = f->nf;
    hs.pool_public_keys.items = f->pkeys;
    hs.pool_public_keys.count = f->np;
    tf_send(f, CF_MSG_HARVESTER_HANDSHAKE, CF_CLS_HARVESTER_HANDSHAKE, f->hv_ver, &hs);
}

static void tf_disconnect(struct cf_peer *p, enum cf_err why, const char *d, void *user)
{
    struct tfarm *f = user;

    (void)why;
    (void)d;
    if (p == f->peer)
        f->peer = NULL;
}

/* Plot sync receiver: every message answered, the delta applied on done. */
static enum cf_err tf_sync(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct tfarm *f = user;
    enum cf_proto_cls cls;
    union {
        struct cf_plot_sync_start start;
        struct cf_plot_sync_plot_list list;
        struct cf_plot_sync_plot_list2 list2;
        struct cf_plot_sync_path_list paths;
        struct cf_plot_sync_done done;
    } u;
    struct cf_plot_sync_response r;
    int ok;

    memset(&u, 0, sizeof u);
    memset(&r, 0, sizeof r);
    ok = cf_proto_cls_for_msg(m->type, f->own_ver, &cls) == CF_OK &&
         cf_proto_decode(cls, f->own_ver, m->data, m->len, &u) == CF_OK;
    CHECK(ok);
    if (!ok)
        return CF_ERR_PROTOCOL;
    f->msgs_seen++;
    r.identifier = u.start.identifier; /* every body starts with the identifier */
    r.message_type = m->type;
    if (m->type != CF_MSG_PLOT_SYNC_START && u.start.identifier.message_id != f->expect_mid) {
        /* A resent message we already applied (its first answer was slow): refuse it as Chia's
         * receiver does, naming the message expected. */
        struct cf_buf b;

        r.error.present = true;
        r.error.v.code = 2;
        r.error.v.message.s = "unexpected message id";
        r.error.v.message.len = strlen(r.error.v.message.s);
        r.error.v.expected_identifier.present = true;
        r.error.v.expected_identifier.v = u.start.identifier;
        r.error.v.expected_identifier.v.message_id = f->expect_mid;
        cf_buf_init(&b, 4096);
        if (cf_proto_encode(CF_CLS_PLOT_SYNC_RESPONSE, f->own_ver, &r, &b) == CF_OK)
            cf_peer_send(p, CF_MSG_PLOT_SYNC_RESPONSE, b.data, b.len);
        cf_buf_free(&b);
        cf_proto_free(cls, &u);
        return CF_OK;
    }
    if ((f->error_resume > 0 || f->error_reset > 0) &&
        (m->type == CF_MSG_PLOT_SYNC_LOADED || m->type == CF_MSG_PLOT_SYNC_LOADED2)) {
        /* Refuse it without applying it: with the identifier expected (resume there), or with
         * none (the harvester must start over with an initial sync). */
        struct cf_buf b;

        r.error.present = true;
        r.error.v.code = 2;
        r.error.v.message.s = "injected by the test";
        r.error.v.message.len = strlen(r.error.v.message.s);
        if (f->error_resume > 0) {
            f->error_resume--;
            r.error.v.expected_identifier.present = true;
            r.error.v.expected_identifier.v = u.start.identifier;
        } else {
            f->error_reset--;
        }
        cf_buf_init(&b, 4096);
        if (cf_proto_encode(CF_CLS_PLOT_SYNC_RESPONSE, f->own_ver, &r, &b) == CF_OK)
            cf_peer_send(p, CF_MSG_PLOT_SYNC_RESPONSE, b.data, b.len);
        cf_buf_free(&b);
        cf_proto_free(cls, &u);
        return CF_OK;
    }
    switch (m->type) {
    case CF_MSG_PLOT_SYNC_START:
        f->expect_mid = 0;
        if (u.start.initial) {
            strs_free(f->plots, &f->nplots);
            f->starts_initial++;
            f->last_sync = 0;
        }
        /* Chia's receiver: last_sync_id names the last completed sync, and a new sync id. */
        if (u.start.last_sync_id != f->last_sync ||
            u.start.identifier.sync_id == u.start.last_sync_id)
            f->sync_errors++;
        f->cur_sync = u.start.identifier.sync_id;
        strs_free(f->pend, &f->npend);
        for (int l = 0; l < 3; l++)
            strs_free(f->plists[l], &f->nplists[l]);
        break;
    case CF_MSG_PLOT_SYNC_LOADED:
    case CF_MSG_PLOT_SYNC_LOADED2:
        for (size_t i = 0; i < u.list.data.count; i++) {
            const char *fn = m->type == CF_MSG_PLOT_SYNC_LOADED ? u.list.data.items[i].filename.s
                                                                : u.list2.data.items[i].filename.s;

            if (strs_has(f->plots, f->nplots, fn) || f->npend == MAX_PATHS)
                f->sync_errors++;
            else
                f->pend[f->npend++] = strdup(fn);
        }
        break;
    case CF_MSG_PLOT_SYNC_REMOVED:
        for (size_t i = 0; i < u.paths.data.count; i++) {
            if (!strs_has(f->plots, f->nplots, u.paths.data.items[i].s))
                f->sync_errors++;
            strs_del(f->plots, &f->nplots, u.paths.data.items[i].s);
        }
        break;
    case CF_MSG_PLOT_SYNC_INVALID:
    case CF_MSG_PLOT_SYNC_KEYS_MISSING:
    case CF_MSG_PLOT_SYNC_DUPLICATES: {
        int l = m->type - CF_MSG_PLOT_SYNC_INVALID;

        for (size_t i = 0; i < u.paths.data.count && f->nplists[l] < MAX_PATHS; i++)
            f->plists[l][f->nplists[l]++] = strdup(u.paths.data.items[i].s);
        break;
    }
    case CF_MSG_PLOT_SYNC_DONE:
        f->last_sync = f->cur_sync;
        for (size_t i = 0; i < f->npend && f->nplots < MAX_PATHS; i++)
            f->plots[f->nplots++] = f->pend[i];
        f->npend = 0;
        for (int l = 0; l < 3; l++) {
            strs_free(f->lists[l], &f->nlists[l]);
            memcpy(f->lists[l], f->plists[l], sizeof f->plists[l]);
            f->nlists[l] = f->nplists[l];
            f->nplists[l] = 0;
        }
        break;
    }
    cf_proto_free(cls, &u);
    f->expect_mid++;
    if (f->drop_responses > 0 &&
        (m->type == CF_MSG_PLOT_SYNC_LOADED || m->type == CF_MSG_PLOT_SYNC_LOADED2)) {
        f->drop_responses--;
        return CF_OK;
    }
    if (m->type == CF_MSG_PLOT_SYNC_DONE)
        f->syncs_done++;
    {
        struct cf_buf b;

        cf_buf_init(&b, 4096);
        if (cf_proto_encode(CF_CLS_PLOT_SYNC_RESPONSE, f->own_ver, &r, &b) == CF_OK)
            cf_peer_send(p, CF_MSG_PLOT_SYNC_RESPONSE, b.data, b.len);
        cf_buf_free(&b);
    }
    return CF_OK;
}

static enum cf_err tf_proof(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct tfarm *f = user;
    struct cf_new_proof_of_space n;

    (void)p;
    memset(&n, 0, sizeof n);
    CHECK(cf_proto_decode(CF_CLS_NEW_PROOF_OF_SPACE, f->own_ver, m->data, m->len, &n) == CF_OK);
    if (f->nproofs < MAX_PROOFS && n.proof.proof.len <= 400) {
        struct got_proof *g = &f->proofs[f->nproofs++];

        snprintf(g->ident, sizeof g->ident, "%s", n.plot_identifier.s ? n.plot_identifier.s : "");
        memcpy(g->challenge, n.proof.challenge, 32);
        memcpy(g->proof, n.proof.proof.data, n.proof.proof.len);
        g->proof_len = n.proof.proof.len;
        g->plot_pk = n.proof.plot_public_key;
    }
    cf_proto_free(CF_CLS_NEW_PROOF_OF_SPACE, &n);
    return CF_OK;
}

static enum cf_err tf_farming_info(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct tfarm *f = user;

    (void)p;
    CHECK(cf_proto_decode(CF_CLS_FARMING_INFO, f->own_ver, m->data, m->len, &f->fi) == CF_OK);
    f->farming_infos++;
    return CF_OK;
}

static enum cf_err tf_sigs(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct tfarm *f = user;

    (void)p;
    cf_proto_free(CF_CLS_RESPOND_SIGNATURES, &f->sigs);
    CHECK(cf_proto_decode(CF_CLS_RESPOND_SIGNATURES, f->own_ver, m->data, m->len, &f->sigs) ==
          CF_OK);
    f->sig_responses++;
    return CF_OK;
}

static void tf_plots_cb(struct cf_peer *p, enum cf_err err, const struct cf_peer_msg *resp,
                        void *user)
{
    struct tfarm *f = user;
    struct cf_respond_plots2 r;
    enum cf_proto_cls cls = f->own_ver >= 38 ? CF_CLS_RESPOND_PLOTS2 : CF_CLS_RESPOND_PLOTS;

    (void)p;
    CHECK(err == CF_OK);
    if (err)
        return;
    CHECK_EQ_U64(resp->type, f->own_ver >= 38 ? CF_MSG_RESPOND_PLOTS2 : CF_MSG_RESPOND_PLOTS);
    memset(&r, 0, sizeof r);
    CHECK(cf_proto_decode(cls, f->own_ver, resp->data, resp->len, &r) == CF_OK);
    f->plots_listed = r.plots.count;
    cf_proto_free(cls, &r);
    f->plots_responses++;
}

static bool tf_start(struct tfarm *f, struct cf_loop *loop, struct harness_root *root,
                     const char *version, uint16_t port)
{
    const uint32_t hv = CF_PEER_NODE_BIT(CF_PEER_HARVESTER);
    static const uint8_t sync_types[] = {78, 79, 80, 81, 82, 83, 84, 112};
    struct cf_peer_config pc = {
        .network_id = "mainnet",
        .node_type = CF_PEER_FARMER,
        .software_version = "test farmer",
        .server_port = 8447,
        .protocol_version = tf_version,
        .ca_crt = root->paths.ca_crt,
        .crt = root->paths.node_crt[CF_CERT_FARMER],
        .key = root->paths.node_key[CF_CERT_FARMER],
        .on_connect = tf_connect,
        .on_disconnect = tf_disconnect,
        .user = f,
    };
    bool ok;

    snprintf(farmer_version, sizeof farmer_version, "%s", version);
    f->loop = loop;
    f->root = root;
    cf_proto_version_parse(version, &f->own_ver);
    ok = cf_peer_service_new(loop, &pc, &f->svc) == CF_OK;
    for (size_t i = 0; ok && i < sizeof sync_types; i++)
        ok = cf_peer_handle(f->svc, sync_types[i], hv, tf_sync, f) == CF_OK;
    ok = ok && cf_peer_handle(f->svc, CF_MSG_NEW_PROOF_OF_SPACE, hv, tf_proof, f) == CF_OK &&
         cf_peer_handle(f->svc, CF_MSG_FARMING_INFO, hv, tf_farming_info, f) == CF_OK &&
         cf_peer_handle(f->svc, CF_MSG_RESPOND_SIGNATURES, hv, tf_sigs, f) == CF_OK &&
         cf_peer_listen(f->svc, "127.0.0.1", port, &f->port) == CF_OK;
    CHECK(ok);
    return ok;
}

static void tf_stop(struct tfarm *f)
{
    cf_peer_service_free(f->svc);
    f->svc = NULL;
    f->peer = NULL;
    strs_free(f->plots, &f->nplots);
    strs_free(f->pend, &f->npend);
    for (int l = 0; l < 3; l++) {
        strs_free(f->lists[l], &f->nlists[l]);
        strs_free(f->plists[l], &f->nplists[l]);
    }
    cf_proto_free(CF_CLS_RESPOND_SIGNATURES, &f->sigs);
}

/* Send a signage point in the layout the harvester's version implies (as a main farmer, or as
 * 2.7.3 for a 0.0.37 farmer). prefix_bits only reaches a legacy-layout harvester; the others
 * compute it from peak_height. */
static void tf_signage_point(struct tfarm *f, const uint8_t challenge[32], const uint8_t sp[32],
                             uint8_t prefix_bits, uint32_t peak_height)
{
    if (f->hv_ver <= 36) {
        struct cf_new_signage_point_harvester n;

        memset(&n, 0, sizeof n);
        memcpy(n.challenge_hash, challenge, 32);
        memcpy(n.sp_hash, sp, 32);
        n.difficulty = 1;
        n.sub_slot_iters = 1ull << 60;
        n.signage_point_index = 7;
        n.filter_prefix_bits = prefix_bits;
        tf_send(f, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER, CF_CLS_NEW_SIGNAGE_POINT_HARVESTER, 36, &n);
    } else {
        struct cf_new_signage_point_harvester2 n;
        int ver = f->own_ver < 38 ? 37 : 38;

        memset(&n, 0, sizeof n);
        memcpy(n.challenge_hash, challenge, 32);
        memcpy(n.sp_hash, sp, 32);
        n.difficulty = 1;
        n.sub_slot_iters = 1ull << 60;
        n.signage_point_index = 7;
        n.peak_height = peak_height;
        n.last_tx_height = peak_height;
        tf_send(f, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER, CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, ver,
                &n);
    }
}

/* ---- plots ---- */

static char plot_dir[128];
static char *plot_paths[8];
static size_t nplot_paths;
static struct cf_bls_sk farmer_sk;
static struct cf_bls_pk farmer_pk, pool_pk;
static char own_plot[256];

static bool make_own_plot(void)
{
    struct cf_plotter_params p;
    struct cf_bls_sk pool_sk;
    uint8_t seed[32];
    char name[CF_PLOTTER_NAME_MAX];
    bool ok;

    memset(seed, 7, sizeof seed);
    memset(&p, 0, sizeof p);
    ok = cf_keys_keygen(&farmer_sk, seed, 32) == CF_OK;
    memset(seed, 9, sizeof seed);
    ok = ok && cf_keys_keygen(&pool_sk, seed, 32) == CF_OK;
    cf_bls_sk_to_pk(&farmer_pk, &farmer_sk);
    cf_bls_sk_to_pk(&pool_pk, &pool_sk);
    p.k = 18;
    p.threads = 2;
    ok = ok && cf_plotter_make_keys(&p, &farmer_pk, &pool_pk, NULL) == CF_OK;
    cf_plotter_name(name, 18, p.id, 1700000000);
    snprintf(own_plot, sizeof own_plot, "%s/%s", plot_dir, name);
    ok = ok && cf_plotter_create(&p, own_plot, NULL) == CF_OK;
    memset(&p, 0, sizeof p);
    CHECK(ok);
    return ok;
}

/* Link the vector plots into plot_dir; their keys go to the farmer's lists. */
static void link_vector_plots(struct tfarm *f)
{
    const char *vec = test_vectors_dir();
    char dir[4200], src[4500], dst[600];
    DIR *d;
    struct dirent *de;

    if (vec == NULL) {
        fprintf(stderr, "SKIPPED (part): no vector plots; using the plotter's plot only\n");
        return;
    }
    snprintf(dir, sizeof dir, "%s/plots", vec);
    d = opendir(dir);
    while (d && (de = readdir(d)) != NULL) {
        struct cf_plot *pl;
        char *abs;

        if (strstr(de->d_name, ".plot") == NULL)
            continue;
        snprintf(src, sizeof src, "%s/%s", dir, de->d_name);
        snprintf(dst, sizeof dst, "%s/%s", plot_dir, de->d_name);
        abs = realpath(src, NULL);
        CHECK(abs != NULL && symlink(abs, dst) == 0);
        free(abs);
        if (cf_plot_open(dst, 0, &pl) == CF_OK) {
            const struct cf_plot_info *in = cf_plot_info(pl);

            memcpy(f->fkeys[f->nf++].bytes, in->farmer_pk, 48);
            if (in->memo_kind == CF_PLOT_MEMO_POOL_PK)
                memcpy(f->pkeys[f->np++].bytes, in->pool_pk, 48);
            cf_plot_close(pl);
        }
    }
    if (d)
        closedir(d);
}

static void list_plots(void)
{
    DIR *d = opendir(plot_dir);
    struct dirent *de;

    for (size_t i = 0; i < nplot_paths; i++)
        free(plot_paths[i]);
    nplot_paths = 0;
    while (d && (de = readdir(d)) != NULL && nplot_paths < 8) {
        char p[400];

        if (strstr(de->d_name, ".plot") == NULL || strcmp(de->d_name, "plot-k18-bad.plot") == 0 ||
            strcmp(de->d_name, "plot-k18-copy.plot") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", plot_dir, de->d_name);
        plot_paths[nplot_paths++] = strdup(p);
    }
    if (d)
        closedir(d);
}

/* ---- the harvester under test ---- */

/* Test hooks start_harvester passes on (0: the harvester's defaults). */
static uint64_t hv_read_delay_ms, hv_slow_warn_ms;
static bool hv_serial_reads;
static unsigned hv_max_lookups, hv_fake_disks;

static struct cf_harvester *start_harvester(struct cf_loop *loop, struct harness_root *r,
                                            uint16_t port, const char *version)
{
    char *dirs[1] = {plot_dir};
    char cache[128];
    struct cf_harvester_params p = {
        .network_id = "mainnet",
        .ca_crt = r->paths.ca_crt,
        .crt = r->paths.node_crt[CF_CERT_HARVESTER],
        .key = r->paths.node_key[CF_CERT_HARVESTER],
        .farmer_host = "127.0.0.1",
        .farmer_port = port,
        .plot_dirs = dirs,
        .n_plot_dirs = 1,
        .disk_read_bound = 2,
        .cache_path = cache,
        .protocol_version = version,
        .reconnect_ms = 100,
        .sync_timeout_ms = 1500,
        .read_delay_ms = hv_read_delay_ms,
        .slow_lookup_warn_ms = hv_slow_warn_ms,
        .serial_reads = hv_serial_reads,
        .max_lookups = hv_max_lookups,
        .bench_fake_disks = hv_fake_disks,
    };
    struct cf_harvester *h = NULL;

    snprintf(cache, sizeof cache, "%s/harvester.cache", r->dir);
    CHECK(cf_harvester_new(loop, &p, &h) == CF_OK);
    return h;
}

struct wait_sync {
    struct tfarm *f;
    int syncs;
    size_t plots;
};

static bool wait_syncs(struct cf_loop *loop, struct tfarm *f, int syncs, size_t plots)
{
    uint64_t end = harness_ms() + HARNESS_WAIT_MS;

    while (harness_ms() < end && !(f->syncs_done >= syncs && f->nplots == plots))
        cf_loop_run_once(loop, 20);
    return f->syncs_done >= syncs && f->nplots == plots;
}

static bool wait_count(struct cf_loop *loop, const int *v, int want)
{
    uint64_t end = harness_ms() + HARNESS_WAIT_MS;

    while (harness_ms() < end && *v < want)
        cf_loop_run_once(loop, 20);
    return *v >= want;
}

/* Expected answer of one plot to a signage point. */
struct expect {
    size_t passed, proofs;
};

static struct expect expected(const uint8_t ch[32], const uint8_t sp[32], unsigned bits)
{
    struct expect e = {0, 0};

    for (size_t i = 0; i < nplot_paths; i++) {
        struct cf_plot *pl;
        uint8_t q[CF_PLOT_MAX_QUALITIES][32], pc[32];
        size_t n = 0;

        if (cf_plot_open(plot_paths[i], 0, &pl) != CF_OK)
            continue;
        if (cf_pos_passes_filter(cf_plot_info(pl)->id, ch, sp, bits)) {
            e.passed++;
            cf_pos_challenge(pc, cf_plot_info(pl)->id, ch, sp);
            if (cf_plot_qualities(pl, pc, q, CF_PLOT_MAX_QUALITIES, &n, NULL) == CF_OK)
                e.proofs += n;
        }
        cf_plot_close(pl);
    }
    return e;
}

/* Every proof received is the prover's proof for its plot and quality. */
static void check_proofs(const struct tfarm *f)
{
    for (size_t i = 0; i < f->nproofs; i++) {
        const struct got_proof *g = &f->proofs[i];
        struct cf_plot *pl;
        uint8_t q[CF_PLOT_MAX_QUALITIES][32], proof[400];
        size_t n = 0, len = 0;
        bool match = false;

        CHECK(strlen(g->ident) > 64);
        if (strlen(g->ident) <= 64 || cf_plot_open(g->ident + 64, 0, &pl) != CF_OK) {
            CHECK(!"proof names a plot that opens");
            continue;
        }
        CHECK(cf_plot_qualities(pl, g->challenge, q, CF_PLOT_MAX_QUALITIES, &n, NULL) == CF_OK);
        for (size_t k = 0; k < n; k++) {
            char hex[65];

            cf_hex_encode(hex, q[k], 32);
            if (memcmp(hex, g->ident, 64) == 0 &&
                cf_plot_full_proof(pl, g->challenge, k, proof, &len, NULL) == CF_OK &&
                len == g->proof_len && memcmp(proof, g->proof, len) == 0)
                match = true;
        }
        CHECK(match);
        cf_plot_close(pl);
    }
}

/* Find a challenge for which some plots pass the filter at `bits` and have qualities. */
static void find_challenge(uint8_t ch[32], uint8_t sp[32], unsigned bits, bool want_pass)
{
    for (uint32_t c = 0; c < 100000; c++) {
        uint8_t seed[4] = {(uint8_t)c, (uint8_t)(c >> 8), (uint8_t)(c >> 16), (uint8_t)bits};
        struct expect e;

        cf_sha256(ch, seed, 4);
        cf_sha256(sp, ch, 32);
        e = expected(ch, sp, bits);
        if (want_pass ? e.proofs > 0 : e.passed == 0)
            return;
    }
}

static void signage_round(struct cf_loop *loop, struct tfarm *f, unsigned bits, uint32_t height,
                          bool want_pass)
{
    uint8_t ch[32], sp[32];
    struct expect e;
    int before = f->farming_infos;

    find_challenge(ch, sp, bits, want_pass);
    e = expected(ch, sp, bits);
    f->nproofs = 0;
    tf_signage_point(f, ch, sp, (uint8_t)bits, height);
    CHECK(wait_count(loop, &f->farming_infos, before + 1));
    CHECK_EQ_U64(f->fi.passed, e.passed);
    CHECK_EQ_U64(f->fi.proofs, e.proofs);
    CHECK_EQ_U64(f->nproofs, e.proofs);
    CHECK_EQ_U64(f->fi.total_plots, nplot_paths);
    CHECK_MEM(f->fi.challenge_hash, ch, 32);
    CHECK(!want_pass || e.proofs > 0);
    check_proofs(f);
}

/* Signatures: the harvester's share plus the farmer's verifies under the plot public key. */
static void signatures(struct cf_loop *loop, struct tfarm *f)
{
    struct cf_request_signatures rq;
    uint8_t msgs[2][32];
    char ident[400];
    struct cf_plot *pl;
    struct cf_keys_plot kp;
    int before = f->sig_responses;

    memset(ident, 'a', 64);
    snprintf(ident + 64, sizeof ident - 64, "%s", own_plot);
    memset(msgs[0], 1, 32);
    memset(msgs[1], 2, 32);
    memset(&rq, 0, sizeof rq);
    rq.plot_identifier.s = ident;
    rq.plot_identifier.len = strlen(ident);
    memset(rq.challenge_hash, 3, 32);
    memset(rq.sp_hash, 4, 32);
    rq.messages.items = msgs;
    rq.messages.count = 2;
    tf_send(f, CF_MSG_REQUEST_SIGNATURES, CF_CLS_REQUEST_SIGNATURES, f->hv_ver, &rq);
    CHECK(wait_count(loop, &f->sig_responses, before + 1));
    CHECK_STR(f->sigs.plot_identifier.s, ident);
    CHECK_EQ_U64(f->sigs.message_signatures.count, 2);
    CHECK_MEM(f->sigs.farmer_pk.bytes, farmer_pk.bytes, 48);
    if (cf_plot_open(own_plot, 0, &pl) == CF_OK) {
        struct cf_plot_memo pm;
        struct cf_keys_memo km;

        memset(&km, 0, sizeof km);
        CHECK(cf_plot_read_memo(pl, &pm) == CF_OK);
        memcpy(km.pool_pk.bytes, pm.pool_pk, 48);
        memcpy(km.farmer_pk.bytes, pm.farmer_pk, 48);
        memcpy(km.local_master_sk.bytes, pm.local_master_sk, 32);
        cf_plot_memo_wipe(&pm);
        CHECK(cf_keys_plot_from_memo(&kp, &km) == CF_OK);
        CHECK_MEM(f->sigs.local_pk.bytes, kp.local_pk.bytes, 48);
        for (size_t i = 0; i < f->sigs.message_signatures.count && i < 2; i++) {
            struct cf_bls_sig parts[2], agg;

            parts[0] = f->sigs.message_signatures.items[i].signature;
            cf_bls_aug_sign_prepend(&parts[1], &farmer_sk, msgs[i], 32, &kp.plot_pk);
            CHECK(cf_bls_aggregate(&agg, parts, 2) == CF_OK);
            CHECK(cf_bls_aug_verify(&kp.plot_pk, msgs[i], 32, &agg));
            CHECK_MEM(f->sigs.message_signatures.items[i].message, msgs[i], 32);
        }
        cf_plot_close(pl);
    }
    /* Unknown plot: no answer at all. */
    snprintf(ident + 64, sizeof ident - 64, "%s/nowhere.plot", plot_dir);
    rq.plot_identifier.len = strlen(ident);
    tf_send(f, CF_MSG_REQUEST_SIGNATURES, CF_CLS_REQUEST_SIGNATURES, f->hv_ver, &rq);
    harness_run_for(loop, 300);
    CHECK_EQ_U64(f->sig_responses, before + 1);
}

static void request_plots(struct cf_loop *loop, struct tfarm *f)
{
    int before = f->plots_responses;
    struct cf_buf b;
    struct cf_request_plots rp = {0};

    cf_buf_init(&b, 64);
    CHECK(cf_proto_encode(CF_CLS_REQUEST_PLOTS, f->own_ver, &rp, &b) == CF_OK);
    CHECK(cf_peer_request(f->peer, CF_MSG_REQUEST_PLOTS, b.data, b.len, 10000, tf_plots_cb, f) ==
          CF_OK);
    cf_buf_free(&b);
    CHECK(wait_count(loop, &f->plots_responses, before + 1));
    CHECK_EQ_U64(f->plots_listed, nplot_paths);
}

/* One harvester version against one farmer version: handshake, sync, signage points. */
static void version_pair(struct cf_loop *loop, struct harness_root *r, struct tfarm *keys,
                         const char *hv, const char *fv)
{
    struct tfarm f = *keys;
    struct cf_harvester *h;

    printf("harvester %s, farmer %s\n", hv, fv);
    if (!tf_start(&f, loop, r, fv, 0))
        return;
    h = start_harvester(loop, r, f.port, hv);
    CHECK(wait_syncs(loop, &f, 1, nplot_paths));
    CHECK_EQ_U64(f.sync_errors, 0);
    /* With 0 filter bits (legacy layout) every plot passes; NSPH2 uses the height schedule. */
    signage_round(loop, &f, f.hv_ver <= 36 ? 0 : 5, 30000000, true);
    signage_round(loop, &f, f.hv_ver <= 36 ? 4 : 9, 1000, false);
    signatures(loop, &f);
    request_plots(loop, &f);
    {
        struct cf_harvester_stats st;
        struct cf_buf m;
        char want[96];

        cf_harvester_stats(h, &st);
        CHECK_EQ_U64(st.signage_points, 2);
        CHECK_EQ_U64(st.signatures, 1);
        CHECK(st.connected);
        CHECK_EQ_U64(st.plots_ok, nplot_paths);
        CHECK(st.proofs > 0);
        cf_buf_init(&m, 1 << 20);
        CHECK(cf_harvester_metrics(h, &m) == CF_OK && cf_buf_terminate(&m) == CF_OK);
        snprintf(want, sizeof want, "cfarm_harvester_plots{state=\"ok\"} %zu\n", nplot_paths);
        CHECK(m.data && strstr((char *)m.data, want) != NULL);
        CHECK(m.data && strstr((char *)m.data, "cfarm_harvester_farmer_connected 1\n") != NULL);
        CHECK(m.data && strstr((char *)m.data, "cfarm_harvester_last_filter_seconds 0.") != NULL);
        CHECK(st.last_filter_seconds > 0 && st.last_filter_seconds < 1);
        CHECK(m.data &&
              strstr((char *)m.data, "cfarm_harvester_lookup_seconds_count{disk=") != NULL);
        cf_buf_free(&m);
    }
    cf_harvester_free(h);
    tf_stop(&f);
}

/* Adding, duplicating, damaging, deleting plots; a lost sync response; a farmer restart. */
static void lifecycle(struct cf_loop *loop, struct harness_root *r, struct tfarm *keys)
{
    struct tfarm f = *keys;
    struct cf_harvester *h;
    struct cf_harvester_stats st;
    char bad[256], copy[256], cmd[600];
    uint16_t port;
    int fd;

    printf("plot changes, lost responses, farmer restart\n");
    if (!tf_start(&f, loop, r, "0.0.38", 0))
        return;
    port = f.port;
    h = start_harvester(loop, r, f.port, "0.0.36");
    CHECK(wait_syncs(loop, &f, 1, nplot_paths));

    /* A damaged file and a copy of a plot under another name (a duplicate by plot id). */
    snprintf(bad, sizeof bad, "%s/plot-k18-bad.plot", plot_dir);
    fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "not a plot at all, certainly not a plot", 39) == 39);
    close(fd);
    snprintf(copy, sizeof copy, "%s/plot-k18-copy.plot", plot_dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", own_plot, copy);
    CHECK(system(cmd) == 0);
    f.drop_responses = 1; /* the first loaded message of this sync gets no answer: resent */
    cf_harvester_refresh(h);
    CHECK(wait_syncs(loop, &f, 2, nplot_paths));
    CHECK_EQ_U64(f.nlists[0], 1);
    CHECK(f.nlists[0] == 1 && strcmp(f.lists[0][0], bad) == 0);
    CHECK_EQ_U64(f.nlists[2], 1);
    CHECK(f.nlists[2] == 1 && strcmp(f.lists[2][0], copy) == 0);
    CHECK_EQ_U64(f.drop_responses, 0);

    /* The plot vanishes before its lookup: dropped and reported, the others still answer. */
    unlink(copy);
    cf_harvester_refresh(h);
    CHECK(wait_syncs(loop, &f, 3, nplot_paths));
    {
        char moved[300];
        uint8_t ch[32], sp[32];
        int before = f.farming_infos;

        snprintf(moved, sizeof moved, "%s.moved", own_plot);
        CHECK(rename(own_plot, moved) == 0);
        find_challenge(ch, sp, 0, true);
        f.nproofs = 0;
        tf_signage_point(&f, ch, sp, 0, 0);
        CHECK(wait_count(loop, &f.farming_infos, before + 1));
        CHECK_EQ_U64(f.fi.passed, nplot_paths);
        CHECK(wait_syncs(loop, &f, 4, nplot_paths - 1));
        CHECK(!strs_has(f.plots, f.nplots, own_plot));
        CHECK(rename(moved, own_plot) == 0);
        cf_harvester_refresh(h);
        CHECK(wait_syncs(loop, &f, 5, nplot_paths));
        CHECK(strs_has(f.plots, f.nplots, own_plot));
    }
    unlink(bad);

    /* Plot-sync errors: one naming the expected message (resumed there), one naming none (the
     * harvester starts over with an initial sync); the farmer ends with the full set. */
    {
        int initial_before = f.starts_initial;

        f.error_resume = 1;
        cf_harvester_refresh(h);
        CHECK(wait_syncs(loop, &f, 6, nplot_paths));
        CHECK_EQ_U64(f.error_resume, 0);
        CHECK_EQ_U64(f.starts_initial, initial_before);
        f.error_reset = 1;
        cf_harvester_refresh(h);
        CHECK(wait_syncs(loop, &f, 7, nplot_paths));
        CHECK_EQ_U64(f.error_reset, 0);
        CHECK_EQ_U64(f.starts_initial, initial_before + 1);
        CHECK_EQ_U64(f.sync_errors, 0);
    }

    /* The farmer goes away and comes back on the same port: a new initial sync. */
    tf_stop(&f);
    harness_run_for(loop, 300);
    cf_harvester_stats(h, &st);
    CHECK(!st.connected);
    f = *keys;
    CHECK(tf_start(&f, loop, r, "0.0.38", port));
    CHECK(wait_syncs(loop, &f, 1, nplot_paths));
    cf_harvester_stats(h, &st);
    CHECK(st.connected);
    signage_round(loop, &f, 0, 0, true);
    tf_stop(&f);
    cf_harvester_free(h);
}

static bool wait_stats(struct cf_loop *loop, struct cf_harvester *h, uint64_t scans,
                       struct cf_harvester_stats *st)
{
    uint64_t end = harness_ms() + HARNESS_WAIT_MS;

    do {
        cf_loop_run_once(loop, 20);
        cf_harvester_stats(h, st);
    } while (st->scans < scans && harness_ms() < end);
    return st->scans >= scans;
}

/* States: plots whose farmer key the farmer did not send are "keys missing" (not farmed, listed);
 * a file shorter than its tables is "still copying" (neither farmed nor listed as invalid); a
 * subdirectory is searched only with recursive_plot_scan. */
static void states(struct cf_loop *loop, struct harness_root *r)
{
    struct tfarm f;
    struct cf_harvester *h;
    struct cf_harvester_stats st;
    char sub[200], part[300], cmd[800];
    char *dirs[1] = {plot_dir};
    struct stat sb;

    printf("keys missing, copying, recursive scan\n");
    memset(&f, 0, sizeof f);
    f.fkeys[f.nf++] = farmer_pk; /* only the plotter's plot has its farmer key sent */
    f.pkeys[f.np++] = pool_pk;
    if (!tf_start(&f, loop, r, "0.0.38", 0))
        return;
    snprintf(sub, sizeof sub, "%s/incoming", plot_dir);
    mkdir(sub, 0755);
    snprintf(part, sizeof part, "%s/plot-k18-partial.plot", sub);
    CHECK(stat(own_plot, &sb) == 0);
    snprintf(cmd, sizeof cmd, "head -c %lld '%s' > '%s'", (long long)sb.st_size / 2, own_plot,
             part);
    CHECK(system(cmd) == 0);
    h = start_harvester(loop, r, f.port, "0.0.38");
    CHECK(wait_syncs(loop, &f, 1, 1));
    CHECK(f.nplots == 1 && strcmp(f.plots[0], own_plot) == 0);
    CHECK_EQ_U64(f.nlists[1], nplot_paths - 1);
    for (size_t i = 0; i < nplot_paths; i++)
        if (strcmp(plot_paths[i], own_plot) != 0)
            CHECK(strs_has(f.lists[1], f.nlists[1], plot_paths[i]));
    cf_harvester_stats(h, &st);
    CHECK_EQ_U64(st.plots_ok, 1);
    CHECK_EQ_U64(st.plots_nokey, nplot_paths - 1);
    CHECK_EQ_U64(st.plots_copying, 0);
    CHECK(cf_harvester_set_dirs(h, dirs, 1, true, false) == CF_OK);
    CHECK(wait_stats(loop, h, st.scans + 1, &st));
    CHECK_EQ_U64(st.plots_copying, 1);
    CHECK_EQ_U64(st.plots_failed, 0);
    CHECK(wait_syncs(loop, &f, 2, 1));
    CHECK_EQ_U64(f.nlists[0], 0);
    cf_harvester_free(h);
    tf_stop(&f);
    unlink(part);
    rmdir(sub);
}

/* ---- a plot whose tables are corrupt ---- */

static bool file_has(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "r");
    char line[2048];
    bool found = false;

    while (fp && !found && fgets(line, sizeof line, fp))
        found = strstr(line, needle) != NULL;
    if (fp)
        fclose(fp);
    return found;
}

/* A fresh plot by the plotter (its own plot id) whose table-7 parks are overwritten with
 * pseudo-random bytes: the header and C2 are intact, so it opens and is farmed, but quality
 * lookups on it fail with CF_ERR_PLOT_CORRUPT for many challenges. */
static bool make_corrupt_plot(const char *path)
{
    struct cf_plotter_params p;
    struct cf_plot *pl = NULL;
    struct cf_plot_info in;
    uint8_t blk[32];
    uint64_t c = 0;
    bool ok;
    int fd;

    memset(&p, 0, sizeof p);
    p.k = 18;
    p.threads = 2;
    ok = cf_plotter_make_keys(&p, &farmer_pk, &pool_pk, NULL) == CF_OK &&
         cf_plotter_create(&p, path, NULL) == CF_OK && cf_plot_open(path, 0, &pl) == CF_OK;
    memset(&p, 0, sizeof p);
    if (!ok)
        return false;
    in = *cf_plot_info(pl);
    cf_plot_close(pl);
    fd = open(path, O_WRONLY);
    for (uint64_t o = in.table[6]; fd >= 0 && o < in.table[CF_PLOT_C1]; o += sizeof blk, c++) {
        size_t len = in.table[CF_PLOT_C1] - o < sizeof blk ? in.table[CF_PLOT_C1] - o : sizeof blk;

        cf_sha256(blk, (const uint8_t *)&c, sizeof c);
        ok = ok && pwrite(fd, blk, len, (off_t)o) == (ssize_t)len;
    }
    ok = ok && fd >= 0 && close(fd) == 0;
    pl = NULL;
    ok = ok && cf_plot_open(path, 0, &pl) == CF_OK; /* still opens: header and C2 are fine */
    cf_plot_close(pl);
    return ok;
}

/* A challenge on which every plot passes (0 filter bits), the good plots give proofs and the
 * corrupt plot's lookup fails as corrupt. */
static bool corrupt_challenge(const char *bad, uint8_t ch[32], uint8_t sp[32])
{
    struct cf_plot *pl = NULL;
    bool found = false;

    if (cf_plot_open(bad, 0, &pl) != CF_OK)
        return false;
    for (uint32_t c = 0; c < 1000 && !found; c++) {
        uint8_t seed[5] = {(uint8_t)c, (uint8_t)(c >> 8), (uint8_t)(c >> 16), 0, 0xc0};
        uint8_t q[CF_PLOT_MAX_QUALITIES][32], pc[32];
        size_t n = 0;

        cf_sha256(ch, seed, sizeof seed);
        cf_sha256(sp, ch, 32);
        cf_pos_challenge(pc, cf_plot_info(pl)->id, ch, sp);
        found = cf_plot_qualities(pl, pc, q, CF_PLOT_MAX_QUALITIES, &n, NULL) ==
                    CF_ERR_PLOT_CORRUPT &&
                expected(ch, sp, 0).proofs > 0;
    }
    cf_plot_close(pl);
    return found;
}

/* The corrupt plot's lookup fails during a signage point: it is logged with its file and disk,
 * dropped from farming and, after the rescan, reported to the farmer as invalid and counted as
 * failed; the other plots' proofs arrive for that signage point and the next one. */
static void corrupt_plot(struct cf_loop *loop, struct harness_root *r, struct tfarm *keys)
{
    struct tfarm f = *keys;
    struct cf_harvester *h;
    struct cf_harvester_stats st;
    struct expect e;
    struct stat sb;
    char bad[300], logpath[300], want[600];
    uint8_t ch[32], sp[32];
    int before;

    printf("a plot with corrupt tables during signage points\n");
    snprintf(bad, sizeof bad, "%s/plot-k18-corrupt.plot", plot_dir);
    snprintf(logpath, sizeof logpath, "%s/corrupt.log", r->dir);
    if (!make_corrupt_plot(bad)) {
        CHECK(!"a corrupt plot could be made");
        return;
    }
    CHECK(corrupt_challenge(bad, ch, sp));
    CHECK(cf_log_open_file(logpath) == CF_OK);
    if (!tf_start(&f, loop, r, "0.0.38", 0))
        goto out;
    h = start_harvester(loop, r, f.port, "0.0.36");
    CHECK(wait_syncs(loop, &f, 1, nplot_paths + 1));
    CHECK(strs_has(f.plots, f.nplots, bad));

    /* The signage point: every plot passes, the corrupt one fails, the others answer. */
    e = expected(ch, sp, 0);
    before = f.farming_infos;
    f.nproofs = 0;
    tf_signage_point(&f, ch, sp, 0, 0);
    CHECK(wait_count(loop, &f.farming_infos, before + 1));
    CHECK_EQ_U64(f.fi.passed, nplot_paths + 1);
    CHECK_EQ_U64(f.fi.proofs, e.proofs);
    CHECK_EQ_U64(f.nproofs, e.proofs);
    check_proofs(&f);
    for (size_t i = 0; i < f.nproofs; i++)
        CHECK(strcmp(f.proofs[i].ident + 64, bad) != 0);

    /* Reported: the log names the file and its disk; the rescan lists it as invalid. */
    CHECK(wait_syncs(loop, &f, 2, nplot_paths));
    CHECK(!strs_has(f.plots, f.nplots, bad));
    CHECK_EQ_U64(f.nlists[0], 1);
    CHECK(f.nlists[0] == 1 && strcmp(f.lists[0][0], bad) == 0);
    cf_harvester_stats(h, &st);
    CHECK_EQ_U64(st.plots_failed, 1);
    CHECK_EQ_U64(st.plots_ok, nplot_paths);
    CHECK(stat(bad, &sb) == 0);
    snprintf(want, sizeof want, "lookup failed on plot %s (disk %u:%u)", bad, major(sb.st_dev),
             minor(sb.st_dev));
    CHECK(file_has(logpath, want));
    CHECK(file_has(logpath, "corrupt"));
    snprintf(want, sizeof want, "plot %s (disk %u:%u) is invalid: a lookup failed on it", bad,
             major(sb.st_dev), minor(sb.st_dev));
    CHECK(file_has(logpath, want));
    CHECK(!file_has(logpath, "looking up qualities on")); /* 8 s by default: nothing slow here */

    /* The next signage points: the others keep farming, the corrupt plot is not looked up. */
    signage_round(loop, &f, 0, 0, true);
    CHECK_EQ_U64(f.fi.passed, nplot_paths);
    before = f.farming_infos;
    f.nproofs = 0;
    tf_signage_point(&f, ch, sp, 0, 0);
    CHECK(wait_count(loop, &f.farming_infos, before + 1));
    CHECK_EQ_U64(f.fi.passed, nplot_paths);
    CHECK_EQ_U64(f.nproofs, e.proofs);
    cf_harvester_free(h);
    tf_stop(&f);
out:
    cf_log_close_file();
    unlink(bad);
}

/* With a 4 ms threshold and 5 ms per read, every lookup is "slow": the warning names the plot
 * file and its disk, and the proofs still arrive. */
static void slow_lookup(struct cf_loop *loop, struct harness_root *r, struct tfarm *keys)
{
    struct tfarm f = *keys;
    struct cf_harvester *h;
    struct stat sb;
    char logpath[300], want[600];

    printf("slow lookups warned about past a small threshold\n");
    snprintf(logpath, sizeof logpath, "%s/slow.log", r->dir);
    CHECK(cf_log_open_file(logpath) == CF_OK);
    if (!tf_start(&f, loop, r, "0.0.38", 0))
        goto out;
    hv_read_delay_ms = 5;
    hv_slow_warn_ms = 4;
    h = start_harvester(loop, r, f.port, "0.0.36");
    hv_read_delay_ms = hv_slow_warn_ms = 0;
    CHECK(wait_syncs(loop, &f, 1, nplot_paths));
    signage_round(loop, &f, 0, 0, true);
    cf_harvester_free(h);
    tf_stop(&f);
    CHECK(stat(own_plot, &sb) == 0);
    snprintf(want, sizeof want, "looking up qualities on %s (disk %u:%u) took ", own_plot,
             major(sb.st_dev), minor(sb.st_dev));
    CHECK(file_has(logpath, want));
    CHECK(file_has(logpath, "This should be below 0.004 seconds"));
out:
    cf_log_close_file();
}

/* One signage point where every plot passes, with 5 ms per read so lookups overlap when they
 * may; returns the harvester's stats after it. */
static struct cf_harvester_stats limited_round(struct cf_loop *loop, struct harness_root *r,
                                               struct tfarm *keys, bool serial, unsigned max,
                                               unsigned fake_disks)
{
    struct tfarm f = *keys;
    struct cf_harvester *h;
    struct cf_harvester_stats st;

    memset(&st, 0, sizeof st);
    if (!tf_start(&f, loop, r, "0.0.38", 0))
        return st;
    hv_read_delay_ms = 5;
    hv_serial_reads = serial;
    hv_max_lookups = max;
    hv_fake_disks = fake_disks;
    h = start_harvester(loop, r, f.port, "0.0.36");
    hv_read_delay_ms = 0;
    hv_serial_reads = false;
    hv_max_lookups = hv_fake_disks = 0;
    CHECK(wait_syncs(loop, &f, 1, nplot_paths));
    signage_round(loop, &f, 0, 0, true);
    cf_harvester_stats(h, &st);
    cf_harvester_free(h);
    tf_stop(&f);
    return st;
}

/* Chia's parallel_read (false: one read in flight per disk) and num_threads (lookups at once over
 * all disks) reach the engine: the peak of lookups running at once follows them. */
static void engine_limits(struct cf_loop *loop, struct harness_root *r, struct tfarm *keys)
{
    struct cf_harvester_stats st;

    printf("parallel_read and num_threads reach the lookup engine\n");
    if (nplot_paths < 2) {
        printf("SKIPPED (part): one plot only, lookups cannot overlap\n");
        return;
    }
    /* Control: two reads in flight on the one disk, and they do overlap. */
    st = limited_round(loop, r, keys, false, 0, 0);
    CHECK_EQ_U64(st.reads_per_disk, 2);
    CHECK_EQ_U64(st.disks, 1);
    CHECK(st.peak_lookups == 2);
    /* parallel_read: false */
    st = limited_round(loop, r, keys, true, 0, 0);
    CHECK_EQ_U64(st.reads_per_disk, 1);
    CHECK_EQ_U64(st.peak_lookups, 1);
    /* Spread over (pretend) disks, two threads each: without a cap they overlap, with
     * num_threads 1 they do not. */
    st = limited_round(loop, r, keys, false, 0, 100);
    CHECK(st.disks >= 2);
    CHECK(st.peak_lookups >= 2);
    st = limited_round(loop, r, keys, false, 1, 100);
    CHECK(st.disks >= 2);
    CHECK_EQ_U64(st.max_lookups, 1);
    CHECK_EQ_U64(st.peak_lookups, 1);
}

int main(void)
{
    struct harness_root r;
    struct cf_loop *loop = NULL;
    struct tfarm keys;

    cf_log_set_level(CF_LOG_INFO);
    if (!harness_root_make(&r, NULL) || cf_loop_new(&loop) != CF_OK) {
        fprintf(stderr, "cannot make a root or a loop\n");
        return 1;
    }
    snprintf(plot_dir, sizeof plot_dir, "%s/plots", r.dir);
    mkdir(plot_dir, 0755);
    memset(&keys, 0, sizeof keys);
    if (make_own_plot()) {
        keys.fkeys[keys.nf++] = farmer_pk;
        keys.pkeys[keys.np++] = pool_pk;
        link_vector_plots(&keys);
        list_plots();
        version_pair(loop, &r, &keys, "0.0.38", "0.0.38");
        version_pair(loop, &r, &keys, "0.0.38", "0.0.37");
        version_pair(loop, &r, &keys, "0.0.37", "0.0.37");
        version_pair(loop, &r, &keys, "0.0.36", "0.0.38");
        version_pair(loop, &r, &keys, "0.0.35", "0.0.35");
        lifecycle(loop, &r, &keys);
        states(loop, &r);
        corrupt_plot(loop, &r, &keys);
        slow_lookup(loop, &r, &keys);
        engine_limits(loop, &r, &keys);
    }
    for (size_t i = 0; i < nplot_paths; i++)
        free(plot_paths[i]);
    cf_loop_free(loop);
    harness_root_remove(&r);
    return test_report("test_harvester");
}

/*
 * harvester.c: the harvester service on its event loop: the farmer connection (dial, handshake,
 * reconnect with backoff), plot refresh (a scan thread builds the next registry snapshot, the
 * loop swaps it in), signage points (filter on the loop, lookups on the engine's disk queues,
 * proofs sent as each plot answers, FarmingInfo when the last one did), signatures and plot
 * lists. The plot-sync sender is in plotsync.c. See cfarm/harvester.h and docs/harvester.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "cfarm/consensus.h"
#include "cfarm/ct.h"
#include "cfarm/hex.h"
#include "cfarm/log.h"
#include "cfarm/plot.h"
#include "cfarm/proto.h"
#include "harvester/service.h"

#define MOD            "cfarm.harvester"
#define SP_WINDOW_MS   30000u /* work for a signage point older than this is dropped */
#define SP_WARN_MS     8000u  /* default: Chia's "should be below 8 seconds" */
#define BACKOFF_MAX_MS 60000u
/* v1 plots stop passing at HARD_FORK2_HEIGHT + 255 * EPOCH_BLOCKS; with Chia's placeholder
 * HARD_FORK2_HEIGHT (0xFFFFFFFA) that height is past any uint32 height, so no check is made. */

static const double hist_le[HV_HIST_BUCKETS] = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 8, 30};

/* The peer module asks for our version with no context argument (an opener is asked before it
 * knows the other side's type): one harvester per process announces what its parameters say. */
static char announced_version[16] = CF_PROTO_VERSION_STRING;

static const char *announce(uint8_t t)
{
    (void)t;
    return announced_version;
}

/* One signage point being looked up. */
struct hv_sp {
    struct cf_harvester *h;
    uint64_t conn_gen;
    uint8_t challenge_hash[32], sp_hash[32];
    uint8_t sp_index;
    uint64_t arrived_ms;
    size_t remaining;
    uint32_t passed, proofs, total;
};

/* ---- helpers ---- */

static double mono_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void disk_name(dev_t dev, char *out, size_t cap)
{
    snprintf(out, cap, "%u:%u", major(dev), minor(dev));
}

static void record_lookup_time(struct cf_harvester *h, dev_t dev, double seconds)
{
    struct hv_disk_stats *d = NULL;

    for (size_t i = 0; i < h->ndisks; i++)
        if (h->disks[i].dev == dev)
            d = &h->disks[i];
    if (d == NULL) {
        struct hv_disk_stats *g = realloc(h->disks, (h->ndisks + 1) * sizeof *g);

        if (g == NULL)
            return;
        h->disks = g;
        d = &h->disks[h->ndisks++];
        memset(d, 0, sizeof *d);
        d->dev = dev;
    }
    for (size_t b = 0; b < HV_HIST_BUCKETS; b++)
        if (seconds <= hist_le[b])
            d->buckets[b]++;
    d->buckets[HV_HIST_BUCKETS]++;
    d->count++;
    d->sum += seconds;
}

static enum cf_err send_body(struct cf_harvester *h, uint8_t type, enum cf_proto_cls cls,
                             const void *body)
{
    struct cf_buf b;
    enum cf_err err;

    if (h->peer == NULL)
        return CF_ERR_CLOSED;
    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    err = cf_proto_encode(cls, h->farmer_ver, body, &b);
    if (!err)
        err = cf_peer_send(h->peer, type, b.data, b.len);
    cf_buf_free(&b);
    return err;
}

/* ---- refresh ---- */

struct scan_ctx {
    struct cf_harvester *h;
    struct hv_scan_args a;
    struct hv_snapshot *prev, *next;
    enum cf_err err;
    char detail[256];
};

static void scan_ctx_free(struct scan_ctx *c)
{
    free(c->a.farmer_keys ? (void *)c->a.farmer_keys : NULL);
    free(c->a.pool_keys ? (void *)c->a.pool_keys : NULL);
    for (size_t i = 0; i < c->a.ndirs; i++)
        free(c->a.dirs[i]);
    free(c->a.dirs);
    hv_snapshot_unref(c->prev);
    hv_snapshot_unref(c->next);
    free(c);
}

static void scan_done(void *arg);

static void *scan_main(void *arg)
{
    struct scan_ctx *c = arg;

    c->err = hv_scan(&c->a, c->prev, c->h->generation + 1, &c->next);
    if (c->err)
        snprintf(c->detail, sizeof c->detail, "%s", cf_err_detail() ? cf_err_detail() : "");
    else if (c->a.cache && (c->next->opened > 0 || c->prev == NULL || c->prev->n != c->next->n))
        hv_cache_save(c->a.cache, c->next); /* best effort: a failed save costs a slow start */
    if (cf_loop_post(c->h->loop, scan_done, c) != CF_OK)
        __atomic_store_n(&c->h->scan_again, true, __ATOMIC_RELEASE);
    return NULL;
}

static void *dup_keys(const struct cf_bls_pk *k, size_t n)
{
    void *out = malloc(n ? n * sizeof *k : 1);

    if (out && n)
        memcpy(out, k, n * sizeof *k);
    return out;
}

static void scan_start(struct cf_harvester *h)
{
    struct scan_ctx *c;

    if (h->scanning || h->closing) {
        h->scan_again = true;
        return;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->h = h;
    c->a.dirs = calloc(h->p.n_plot_dirs + 1, sizeof *c->a.dirs);
    for (size_t i = 0; c->a.dirs && i < h->p.n_plot_dirs; i++)
        if ((c->a.dirs[c->a.ndirs] = strdup(h->p.plot_dirs[i])) != NULL)
            c->a.ndirs++;
    c->a.recursive = h->p.recursive;
    c->a.follow_links = h->p.follow_links;
    c->a.farmer_keys = dup_keys(h->farmer_keys, h->keys_known ? h->nfarmer : 0);
    c->a.nfarmer = h->keys_known ? h->nfarmer : 0;
    c->a.pool_keys = dup_keys(h->pool_keys, h->keys_known ? h->npool : 0);
    c->a.npool = h->keys_known ? h->npool : 0;
    c->a.retry_invalid_seconds = h->p.retry_invalid_seconds;
    c->a.cache = h->cache;
    c->a.allow_same_id = h->p.bench_allow_same_id;
    c->a.fake_disks = h->p.bench_fake_disks;
    c->prev = h->snap ? hv_snapshot_ref(h->snap) : NULL;
    if (c->a.dirs == NULL || c->a.farmer_keys == NULL || c->a.pool_keys == NULL ||
        pthread_create(&h->scan_thread, NULL, scan_main, c) != 0) {
        cf_log(CF_LOG_ERROR, MOD, "could not start a plot scan");
        scan_ctx_free(c);
        return;
    }
    h->scanning = true;
    h->scan_again = false;
    h->pending++;
}

static void log_new_problems(const struct hv_snapshot *prev, const struct hv_snapshot *s)
{
    static const char *const what[HV__STATES] = {NULL, "failed to open",
                                                 "has no key of this farmer", "is a duplicate",
                                                 "is still being copied"};

    for (size_t i = 0; i < s->n; i++) {
        struct hv_plot *old;
        const char *why = what[s->state[i]];
        size_t j;

        if (s->state[i] == HV_OK)
            continue;
        old = hv_snapshot_find(prev, s->plots[i]->path, &j);
        if (old && prev->state[j] == s->state[i])
            continue;
        /* It opened before; a lookup failed on it since (logged then with the error). */
        if (old && s->state[i] == HV_FAILED && __atomic_load_n(&old->bad, __ATOMIC_ACQUIRE))
            why = "is invalid: a lookup failed on it";
        char disk[32];

        disk_name(s->plots[i]->dev, disk, sizeof disk);
        cf_log(s->state[i] == HV_COPYING ? CF_LOG_INFO : CF_LOG_WARNING, MOD,
               "plot %s (disk %s) %s", s->plots[i]->path, disk, why);
    }
}

static void scan_done(void *arg)
{
    struct scan_ctx *c = arg;
    struct cf_harvester *h = c->h;

    pthread_join(h->scan_thread, NULL);
    h->scanning = false;
    h->pending--;
    if (h->closing) {
        scan_ctx_free(c);
        return;
    }
    if (c->err) {
        cf_log(CF_LOG_ERROR, MOD, "plot scan failed: %s %s", cf_strerror(c->err), c->detail);
    } else {
        struct hv_snapshot *old = h->snap;

        log_new_problems(old, c->next);
        h->snap = c->next;
        h->snap_keyed = c->a.nfarmer > 0;
        c->next = NULL;
        h->generation = h->snap->generation;
        h->st.scans++;
        h->st.last_scan_seconds = h->snap->scan_seconds;
        h->st.last_scan_opened = h->snap->opened;
        h->st.last_scan_cached = h->snap->cached;
        h->st.plots_ok = h->snap->count[HV_OK];
        h->st.plots_failed = h->snap->count[HV_FAILED];
        h->st.plots_nokey = h->snap->count[HV_NOKEY];
        h->st.plots_duplicate = h->snap->count[HV_DUPLICATE];
        h->st.plots_copying = h->snap->count[HV_COPYING];
        if (old == NULL || old->n != h->snap->n || h->snap->opened > 0 || c->prev == NULL)
            cf_log(CF_LOG_INFO, MOD,
                   "loaded %zu plots (%zu failed, %zu no key, %zu duplicates, %zu copying) in "
                   "%.3f s: %zu headers read, %zu from cache",
                   h->snap->count[HV_OK], h->snap->count[HV_FAILED], h->snap->count[HV_NOKEY],
                   h->snap->count[HV_DUPLICATE], h->snap->count[HV_COPYING], h->snap->scan_seconds,
                   h->snap->opened, h->snap->cached);
        hv_snapshot_unref(old);
        /* Every later scan reuses the snapshot's records: the file's entries served their turn. */
        hv_cache_forget(h->cache);
    }
    scan_ctx_free(c);
    if (h->scan_again)
        scan_start(h);
    else if (h->peer && h->keys_known)
        hv_sync_trigger(h);
}

static void refresh_timer(struct cf_loop_timer *t, void *arg)
{
    struct cf_harvester *h = arg;

    scan_start(h);
    cf_loop_timer_start(t, (uint64_t)h->p.refresh_seconds * 1000u);
}

void cf_harvester_refresh(struct cf_harvester *h)
{
    scan_start(h);
}

enum cf_err cf_harvester_set_dirs(struct cf_harvester *h, char **dirs, size_t n, bool recursive,
                                  bool follow_links)
{
    char **copy = calloc(n + 1, sizeof *copy);

    if (copy == NULL)
        return CF_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        if ((copy[i] = strdup(dirs[i])) == NULL) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            return CF_ERR_NOMEM;
        }
    for (size_t i = 0; i < h->p.n_plot_dirs; i++)
        free(h->p.plot_dirs[i]);
    free(h->p.plot_dirs);
    h->p.plot_dirs = copy;
    h->p.n_plot_dirs = n;
    h->p.recursive = recursive;
    h->p.follow_links = follow_links;
    scan_start(h);
    return CF_OK;
}

/* ---- signage points ---- */

static void send_farming_info(struct cf_harvester *h, struct hv_sp *sp)
{
    struct cf_farming_info fi;

    if (h->peer == NULL || sp->conn_gen != h->conn_gen)
        return;
    memset(&fi, 0, sizeof fi);
    memcpy(fi.challenge_hash, sp->challenge_hash, 32);
    memcpy(fi.sp_hash, sp->sp_hash, 32);
    fi.timestamp = (uint64_t)time(NULL);
    fi.passed = sp->passed;
    fi.proofs = sp->proofs;
    fi.total_plots = sp->total;
    fi.lookup_time = (hv_now_ms() - sp->arrived_ms) * 1000u;
    send_body(h, CF_MSG_FARMING_INFO, CF_CLS_FARMING_INFO, &fi);
}

static void send_proof(struct cf_harvester *h, struct hv_sp *sp, const struct hv_lookup_job *j,
                       const struct hv_found *f)
{
    const struct cf_plot_info *info = hv_plot_info(j->job.plot);
    struct cf_new_proof_of_space m;
    size_t plen = strlen(j->job.plot->path);
    char *ident = malloc(64 + plen + 1);

    if (ident == NULL)
        return;
    cf_hex_encode(ident, f->quality, 32);
    memcpy(ident + 64, j->job.plot->path, plen + 1);
    memset(&m, 0, sizeof m);
    memcpy(m.challenge_hash, sp->challenge_hash, 32);
    memcpy(m.sp_hash, sp->sp_hash, 32);
    m.plot_identifier.s = ident;
    m.plot_identifier.len = 64 + plen;
    memcpy(m.proof.challenge, j->challenge, 32);
    if (info->memo_kind == CF_PLOT_MEMO_POOL_CONTRACT) {
        m.proof.pool_contract_puzzle_hash.present = true;
        memcpy(m.proof.pool_contract_puzzle_hash.v, info->pool_contract_ph, 32);
    } else {
        m.proof.pool_public_key.present = true;
        memcpy(m.proof.pool_public_key.v.bytes, info->pool_pk, 48);
    }
    m.proof.plot_public_key = j->job.plot->plot_pk;
    m.proof.size = (uint8_t)info->k;
    m.proof.proof.data = (uint8_t *)f->proof;
    m.proof.proof.len = f->proof_len;
    m.signage_point_index = sp->sp_index;
    if (send_body(h, CF_MSG_NEW_PROOF_OF_SPACE, CF_CLS_NEW_PROOF_OF_SPACE, &m) == CF_OK) {
        sp->proofs++;
        h->st.proofs++;
        cf_log(CF_LOG_INFO, MOD, "found proof (required iters %" PRIu64 ") in %s", f->iters,
               j->job.plot->path);
    }
    free(ident);
}

static void sp_finish_one(struct cf_harvester *h, struct hv_sp *sp)
{
    if (--sp->remaining > 0)
        return;
    if (!h->closing) {
        send_farming_info(h, sp);
        cf_log(CF_LOG_INFO, MOD,
               "%u plots were eligible for farming %02x%02x%02x%02x... Found %u proofs. Time: "
               "%.5f s. Total %u plots",
               sp->passed, sp->challenge_hash[0], sp->challenge_hash[1], sp->challenge_hash[2],
               sp->challenge_hash[3], sp->proofs, (double)(hv_now_ms() - sp->arrived_ms) / 1000,
               sp->total);
    }
    free(sp);
}

static void lookup_done(void *arg)
{
    struct hv_lookup_job *j = arg;
    struct hv_sp *sp = j->sp;
    struct cf_harvester *h = sp->h;
    struct hv_plot *plot = j->job.plot;
    uint64_t now = hv_now_ms();
    char disk[32];

    h->pending--;
    disk_name(plot->dev, disk, sizeof disk);
    if (!h->closing && !j->job.skipped) {
        h->st.lookups++;
        record_lookup_time(h, plot->dev, (double)(j->job.finished_ms - j->job.started_ms) / 1000);
        if (j->err) {
            __atomic_store_n(&plot->bad, 1, __ATOMIC_RELEASE);
            cf_log(CF_LOG_ERROR, MOD, "lookup failed on plot %s (disk %s), dropping it: %s",
                   plot->path, disk, j->detail);
            scan_start(h);
        } else if (j->job.finished_ms - sp->arrived_ms > h->p.slow_lookup_warn_ms) {
            cf_log(CF_LOG_WARNING, MOD,
                   "looking up qualities on %s (disk %s) took %.3f s after the signage point. "
                   "This should be below %.3g seconds to minimize risk of losing rewards.",
                   plot->path, disk, (double)(j->job.finished_ms - sp->arrived_ms) / 1000,
                   (double)h->p.slow_lookup_warn_ms / 1000);
        }
        if (now - sp->arrived_ms > SP_WINDOW_MS && j->nfound > 0)
            cf_log(CF_LOG_WARNING, MOD,
                   "dropping %zu proofs of %s: the signage point is %.1f s "
                   "old",
                   j->nfound, plot->path, (double)(now - sp->arrived_ms) / 1000);
        else
            for (size_t i = 0; i < j->nfound; i++)
                send_proof(h, sp, j, &j->found[i]);
    } else if (j->job.skipped && !h->closing) {
        cf_log(CF_LOG_WARNING, MOD,
               "skipped the lookup on %s (disk %s): the signage point "
               "expired while it waited for the disk",
               plot->path, disk);
    }
    hv_plot_unref(plot);
    free(j);
    sp_finish_one(h, sp);
}

/* Decode message 66 in whichever layout the farmer sent: the one versions imply first. */
static enum cf_err decode_nsph(struct cf_harvester *h, const struct cf_peer_msg *m,
                               struct cf_new_signage_point_harvester2 *out, uint8_t *prefix_bits)
{
    int v = h->own_ver < h->farmer_ver ? h->own_ver : h->farmer_ver;
    struct cf_new_signage_point_harvester legacy;
    static const int order_new[] = {38, 37, 0}, order_old[] = {0, 38, 37};
    const int *order = v <= 36 ? order_old : order_new;
    enum cf_err err = CF_ERR_PROTOCOL;

    for (int i = 0; i < 3; i++) {
        if (order[i] == 0) {
            memset(&legacy, 0, sizeof legacy);
            err = cf_proto_decode(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER, 36, m->data, m->len, &legacy);
            if (err)
                continue;
            memset(out, 0, sizeof *out);
            memcpy(out->challenge_hash, legacy.challenge_hash, 32);
            out->difficulty = legacy.difficulty;
            out->sub_slot_iters = legacy.sub_slot_iters;
            out->signage_point_index = legacy.signage_point_index;
            memcpy(out->sp_hash, legacy.sp_hash, 32);
            out->pool_difficulties = legacy.pool_difficulties; /* ownership moves */
            *prefix_bits = legacy.filter_prefix_bits;
            return CF_OK;
        }
        err = cf_proto_decode(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, order[i], m->data, m->len, out);
        if (!err) {
            *prefix_bits = (uint8_t)cf_pos_prefix_bits(out->peak_height);
            return CF_OK;
        }
    }
    return err;
}

static void sp_pool_difficulty(const struct cf_new_signage_point_harvester2 *n,
                               const struct cf_plot_info *info, uint64_t *diff, uint64_t *ssi)
{
    *diff = n->difficulty;
    *ssi = n->sub_slot_iters;
    if (info->memo_kind != CF_PLOT_MEMO_POOL_CONTRACT)
        return;
    for (size_t i = 0; i < n->pool_difficulties.count; i++) {
        const struct cf_pool_difficulty *pd = &n->pool_difficulties.items[i];

        if (memcmp(pd->pool_contract_puzzle_hash, info->pool_contract_ph, 32) == 0) {
            *diff = pd->difficulty;
            *ssi = pd->sub_slot_iters;
        }
    }
}

static enum cf_err on_nsph(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct cf_harvester *h = user;
    struct cf_new_signage_point_harvester2 n;
    struct hv_snapshot *s = h->snap;
    struct hv_sp *sp;
    uint8_t bits;
    double t0;
    enum cf_err err;

    (void)p;
    memset(&n, 0, sizeof n);
    err = decode_nsph(h, m, &n, &bits);
    if (err) {
        cf_log(CF_LOG_WARNING, MOD, "bad new_signage_point_harvester from the farmer: %s",
               cf_err_detail() ? cf_err_detail() : cf_strerror(err));
        return err;
    }
    if (!h->keys_known || s == NULL || !h->snap_keyed) {
        cf_log(CF_LOG_DEBUG, MOD, "signage point ignored: %s",
               h->keys_known ? "plots not yet checked against the farmer's keys"
                             : "no keys from the farmer yet");
        goto out;
    }
    h->st.signage_points++;
    cf_log(CF_LOG_DEBUG, MOD, "signage point: filter bits %u, own %d farmer %d", bits, h->own_ver,
           h->farmer_ver);
    sp = calloc(1, sizeof *sp);
    if (sp == NULL)
        goto out;
    sp->h = h;
    sp->conn_gen = h->conn_gen;
    memcpy(sp->challenge_hash, n.challenge_hash, 32);
    memcpy(sp->sp_hash, n.sp_hash, 32);
    sp->sp_index = n.signage_point_index;
    sp->arrived_ms = hv_now_ms();
    sp->total = (uint32_t)s->count[HV_OK];
    sp->remaining = 1; /* held by this function until every job is queued */
    t0 = mono_seconds();
    for (size_t i = 0; i < s->n; i++) {
        struct hv_plot *plot = s->plots[i];
        struct hv_lookup_job *j;

        if (s->state[i] != HV_OK || __atomic_load_n(&plot->bad, __ATOMIC_ACQUIRE))
            continue;
        if (!cf_pos_passes_filter(hv_plot_info(plot)->id, n.challenge_hash, n.sp_hash, bits))
            continue;
        sp->passed++;
        j = calloc(1, sizeof *j);
        if (j == NULL)
            break;
        j->job.plot = hv_plot_ref(plot);
        j->job.work = hv_lookup_work;
        j->job.done = lookup_done;
        j->job.deadline_ms = sp->arrived_ms + SP_WINDOW_MS;
        j->sp = sp;
        cf_pos_challenge(j->challenge, hv_plot_info(plot)->id, n.challenge_hash, n.sp_hash);
        memcpy(j->sp_hash, n.sp_hash, 32);
        sp_pool_difficulty(&n, hv_plot_info(plot), &j->difficulty, &j->sub_slot_iters);
        sp->remaining++;
        h->pending++;
        if (hv_engine_submit(h->engine, &j->job) != CF_OK) {
            sp->remaining--;
            h->pending--;
            hv_plot_unref(plot);
            free(j);
        }
    }
    h->st.last_filter_seconds = mono_seconds() - t0;
    h->st.plots_passed += sp->passed;
    h->st.last_passed = sp->passed;
    sp_finish_one(h, sp);
out:
    cf_proto_free(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, &n);
    return CF_OK;
}

/* ---- signatures ---- */

struct sign_ctx {
    struct cf_harvester *h;
    uint64_t conn_gen;
    bool has_id;
    uint16_t id;
    char *ident;
    uint8_t challenge_hash[32], sp_hash[32];
};

static void sign_done(void *arg)
{
    struct hv_sign_job *j = arg;
    struct sign_ctx *c = j->ctx;
    struct cf_harvester *h = c->h;
    struct cf_respond_signatures r;
    struct cf_message_signature ms[HV_MAX_SIGN];
    struct cf_buf b;

    h->pending--;
    if (h->closing || j->job.skipped || h->peer == NULL || c->conn_gen != h->conn_gen)
        goto out;
    if (j->err) {
        cf_log(CF_LOG_ERROR, MOD, "signing with %s failed: %s", j->job.plot->path, j->detail);
        goto out;
    }
    memset(&r, 0, sizeof r);
    r.plot_identifier.s = c->ident;
    r.plot_identifier.len = strlen(c->ident);
    memcpy(r.challenge_hash, c->challenge_hash, 32);
    memcpy(r.sp_hash, c->sp_hash, 32);
    r.local_pk = j->local_pk;
    r.farmer_pk = j->farmer_pk;
    for (size_t i = 0; i < j->n; i++) {
        memcpy(ms[i].message, j->msgs[i], 32);
        ms[i].signature = j->sigs[i];
    }
    r.message_signatures.items = ms;
    r.message_signatures.count = j->n;
    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    if (cf_proto_encode(CF_CLS_RESPOND_SIGNATURES, h->farmer_ver, &r, &b) == CF_OK) {
        struct cf_peer_msg req = {
            .type = CF_MSG_REQUEST_SIGNATURES, .has_id = c->has_id, .id = c->id};

        if (cf_peer_reply(h->peer, &req, CF_MSG_RESPOND_SIGNATURES, b.data, b.len) == CF_OK)
            h->st.signatures++;
    }
    cf_buf_free(&b);
out:
    free(c->ident);
    free(c);
    hv_plot_unref(j->job.plot);
    cf_ct_wipe(j->sigs, sizeof j->sigs);
    free(j);
}

static enum cf_err decode_flex(enum cf_proto_cls cls, int first, const struct cf_peer_msg *m,
                               void *out)
{
    static const int vers[] = {38, 36, 35};
    enum cf_err err = cf_proto_decode(cls, first, m->data, m->len, out);

    for (size_t i = 0; err && i < 3; i++)
        if (vers[i] != first)
            err = cf_proto_decode(cls, vers[i], m->data, m->len, out);
    return err;
}

static enum cf_err on_request_signatures(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct cf_harvester *h = user;
    struct cf_request_signatures rq;
    struct hv_plot *plot = NULL;
    struct hv_sign_job *j = NULL;
    struct sign_ctx *c = NULL;
    size_t idx;
    int v = h->own_ver < h->farmer_ver ? h->own_ver : h->farmer_ver;
    enum cf_err err;

    (void)p;
    memset(&rq, 0, sizeof rq);
    err = decode_flex(CF_CLS_REQUEST_SIGNATURES, v, m, &rq);
    if (err)
        return err;
    if (rq.plot_identifier.len > 64)
        plot = hv_snapshot_find(h->snap, rq.plot_identifier.s + 64, &idx);
    if (plot == NULL || h->snap->state[idx] != HV_OK) {
        cf_log(CF_LOG_WARNING, MOD, "signature request for an unknown plot '%s'",
               rq.plot_identifier.len > 64 ? rq.plot_identifier.s + 64 : rq.plot_identifier.s);
        goto out;
    }
    if (rq.messages.count > HV_MAX_SIGN) {
        cf_log(CF_LOG_WARNING, MOD, "signature request with %zu messages refused",
               rq.messages.count);
        goto out;
    }
    j = calloc(1, sizeof *j);
    c = calloc(1, sizeof *c);
    if (j == NULL || c == NULL || (c->ident = strdup(rq.plot_identifier.s)) == NULL)
        goto fail;
    c->h = h;
    c->conn_gen = h->conn_gen;
    c->has_id = m->has_id;
    c->id = m->id;
    memcpy(c->challenge_hash, rq.challenge_hash, 32);
    memcpy(c->sp_hash, rq.sp_hash, 32);
    j->ctx = c;
    j->n = rq.messages.count;
    memcpy(j->msgs, rq.messages.items, j->n * 32);
    j->job.plot = hv_plot_ref(plot);
    j->job.work = hv_sign_work;
    j->job.done = sign_done;
    h->pending++;
    if (hv_engine_submit(h->engine, &j->job) == CF_OK)
        goto out;
    h->pending--;
    hv_plot_unref(plot);
fail:
    if (c)
        free(c->ident);
    free(c);
    free(j);
out:
    cf_proto_free(CF_CLS_REQUEST_SIGNATURES, &rq);
    return CF_OK;
}

/* ---- plot lists ---- */

void hv_plot_msg(const struct hv_plot *r, void *out, bool plot2)
{
    const struct cf_plot_info *info = hv_plot_info(r);
    /* Plot2 starts with Plot's fields in the same order and types. */
    struct cf_proto_plot2 *p = out;

    memset(p, 0, plot2 ? sizeof(struct cf_proto_plot2) : sizeof(struct cf_proto_plot));
    p->filename.s = r->path;
    p->filename.len = strlen(r->path);
    p->size = (uint8_t)info->k;
    memcpy(p->plot_id, info->id, 32);
    if (info->memo_kind == CF_PLOT_MEMO_POOL_CONTRACT) {
        p->pool_contract_puzzle_hash.present = true;
        memcpy(p->pool_contract_puzzle_hash.v, info->pool_contract_ph, 32);
    } else {
        p->pool_public_key.present = true;
        memcpy(p->pool_public_key.v.bytes, info->pool_pk, 48);
    }
    p->plot_public_key = r->plot_pk;
    p->file_size = r->size;
    p->time_modified = r->mtime;
    p->compression_level.present = true;
    p->compression_level.v = 0;
}

static enum cf_err on_request_plots(struct cf_peer *peer, const struct cf_peer_msg *m, void *user)
{
    struct cf_harvester *h = user;
    const struct hv_snapshot *s = h->snap;
    bool two = h->farmer_ver >= 38;
    size_t es = two ? sizeof(struct cf_proto_plot2) : sizeof(struct cf_proto_plot);
    size_t n = s ? s->n : 0, np = 0, nf = 0, nk = 0;
    uint8_t *plots = calloc(n ? n : 1, es);
    struct cf_str *failed = calloc(n ? n : 1, sizeof *failed);
    struct cf_str *nokey = calloc(n ? n : 1, sizeof *nokey);
    struct cf_respond_plots2 r;
    struct cf_buf b;
    enum cf_err err = CF_ERR_NOMEM;

    if (plots == NULL || failed == NULL || nokey == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct cf_str str = {s->plots[i]->path, strlen(s->plots[i]->path)};

        if (s->state[i] == HV_OK)
            hv_plot_msg(s->plots[i], plots + es * np++, two);
        else if (s->state[i] == HV_FAILED)
            failed[nf++] = str;
        else if (s->state[i] == HV_NOKEY)
            nokey[nk++] = str;
    }
    memset(&r, 0, sizeof r);
    r.plots.items = (struct cf_proto_plot2 *)(void *)plots;
    r.plots.count = np;
    r.failed_to_open_filenames.items = failed;
    r.failed_to_open_filenames.count = nf;
    r.no_key_filenames.items = nokey;
    r.no_key_filenames.count = nk;
    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    /* RespondPlots has the same shape with Plot entries: the list's item pointer is reused. */
    err =
        cf_proto_encode(two ? CF_CLS_RESPOND_PLOTS2 : CF_CLS_RESPOND_PLOTS, h->farmer_ver, &r, &b);
    if (!err)
        err = cf_peer_reply(peer, m, two ? CF_MSG_RESPOND_PLOTS2 : CF_MSG_RESPOND_PLOTS, b.data,
                            b.len);
    cf_buf_free(&b);
out:
    free(plots);
    free(failed);
    free(nokey);
    return err == CF_ERR_CLOSED || err == CF_ERR_BUSY ? CF_OK : err;
}

/* ---- connection ---- */

static enum cf_err on_harvester_handshake(struct cf_peer *p, const struct cf_peer_msg *m,
                                          void *user)
{
    struct cf_harvester *h = user;
    struct cf_harvester_handshake hs;
    enum cf_err err;

    (void)p;
    memset(&hs, 0, sizeof hs);
    err = cf_proto_decode(CF_CLS_HARVESTER_HANDSHAKE, h->farmer_ver, m->data, m->len, &hs);
    if (err)
        return err;
    free(h->farmer_keys);
    free(h->pool_keys);
    h->farmer_keys = dup_keys(hs.farmer_public_keys.items, hs.farmer_public_keys.count);
    h->pool_keys = dup_keys(hs.pool_public_keys.items, hs.pool_public_keys.count);
    h->nfarmer = h->farmer_keys ? hs.farmer_public_keys.count : 0;
    h->npool = h->pool_keys ? hs.pool_public_keys.count : 0;
    h->keys_known = h->nfarmer > 0;
    cf_log(CF_LOG_INFO, MOD, "farmer keys received: %zu farmer, %zu pool", h->nfarmer, h->npool);
    cf_proto_free(CF_CLS_HARVESTER_HANDSHAKE, &hs);
    h->sync.initial_next = true;
    hv_sync_stop(h);
    scan_start(h); /* states depend on the keys; the sync follows the scan */
    return CF_OK;
}

static void dial(struct cf_harvester *h);

static void redial_timer(struct cf_loop_timer *t, void *arg)
{
    (void)t;
    dial(arg);
}

static void dial(struct cf_harvester *h)
{
    enum cf_err err;

    cf_peer_dialer_free(h->dialer);
    h->dialer = NULL;
    err = cf_peer_dial(h->svc, h->p.farmer_host, h->p.farmer_port, false, &h->dialer);
    if (err) {
        cf_log(CF_LOG_WARNING, MOD, "cannot dial the farmer at %s:%u: %s", h->p.farmer_host,
               h->p.farmer_port, cf_strerror(err));
        cf_loop_timer_start(h->redial, h->backoff_ms);
    }
}

static void on_connect(struct cf_peer *p, void *user)
{
    struct cf_harvester *h = user;
    const struct cf_peer_handshake *hs = cf_peer_handshake(p);
    int v;

    if (cf_proto_version_parse(hs->protocol_version, &v) != CF_OK) {
        cf_log(CF_LOG_ERROR, MOD, "farmer at %s speaks protocol %s, which cfarm does not",
               cf_peer_addr(p), hs->protocol_version);
        cf_peer_close(p, CF_ERR_UNSUPPORTED);
        return;
    }
    h->peer = p;
    h->conn_gen++;
    h->farmer_ver = v;
    h->backoff_ms = h->p.reconnect_ms;
    h->st.connected = true;
    cf_log(CF_LOG_INFO, MOD, "connected to the farmer at %s (%s, protocol %s)", cf_peer_addr(p),
           hs->software_version, hs->protocol_version);
}

static void on_disconnect(struct cf_peer *p, enum cf_err why, const char *detail, void *user)
{
    struct cf_harvester *h = user;

    if (p != NULL && p == h->peer) {
        cf_log(CF_LOG_WARNING, MOD, "disconnected from the farmer: %s%s%s",
               why ? cf_strerror(why) : "closed", detail && *detail ? ": " : "",
               detail ? detail : "");
        h->peer = NULL;
        h->conn_gen++;
        h->st.connected = false;
        hv_sync_stop(h);
    } else if (p == NULL) {
        cf_log(CF_LOG_INFO, MOD, "farmer at %s:%u not reachable (%s); retrying in %.1f s",
               h->p.farmer_host, h->p.farmer_port, detail && *detail ? detail : cf_strerror(why),
               (double)h->backoff_ms / 1000);
    }
    if (h->closing)
        return;
    cf_loop_timer_start(h->redial, h->backoff_ms);
    h->backoff_ms = h->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : h->backoff_ms * 2;
}

/* ---- life cycle ---- */

static enum cf_err copy_params(struct cf_harvester_params *d, const struct cf_harvester_params *s)
{
    *d = *s;
    d->network_id = strdup(s->network_id ? s->network_id : "mainnet");
    d->ca_crt = s->ca_crt ? strdup(s->ca_crt) : NULL;
    d->crt = s->crt ? strdup(s->crt) : NULL;
    d->key = s->key ? strdup(s->key) : NULL;
    d->farmer_host = s->farmer_host ? strdup(s->farmer_host) : NULL;
    d->cache_path = s->cache_path ? strdup(s->cache_path) : NULL;
    d->protocol_version =
        strdup(s->protocol_version ? s->protocol_version : CF_PROTO_VERSION_STRING);
    d->plot_dirs = calloc(s->n_plot_dirs + 1, sizeof *d->plot_dirs);
    d->n_plot_dirs = 0;
    if (d->plot_dirs == NULL || d->network_id == NULL || d->protocol_version == NULL)
        return CF_ERR_NOMEM;
    for (size_t i = 0; i < s->n_plot_dirs; i++) {
        if ((d->plot_dirs[i] = strdup(s->plot_dirs[i])) == NULL)
            return CF_ERR_NOMEM;
        d->n_plot_dirs++;
    }
    if (!d->refresh_seconds)
        d->refresh_seconds = 120;
    if (!d->retry_invalid_seconds)
        d->retry_invalid_seconds = 1200;
    if (!d->disk_read_bound)
        d->disk_read_bound = 4;
    if (!d->slow_lookup_warn_ms)
        d->slow_lookup_warn_ms = SP_WARN_MS;
    if (!d->reconnect_ms)
        d->reconnect_ms = 1000;
    if (!d->sync_timeout_ms)
        d->sync_timeout_ms = 10000;
    return CF_OK;
}

static void free_params(struct cf_harvester_params *d)
{
    free((char *)d->network_id);
    free((char *)d->ca_crt);
    free((char *)d->crt);
    free((char *)d->key);
    free((char *)d->farmer_host);
    free((char *)d->cache_path);
    free((char *)d->protocol_version);
    for (size_t i = 0; i < d->n_plot_dirs; i++)
        free(d->plot_dirs[i]);
    free(d->plot_dirs);
}

static enum cf_err start_network(struct cf_harvester *h)
{
    const uint32_t farmer = CF_PEER_NODE_BIT(CF_PEER_FARMER);
    struct cf_peer_config pc = {
        .network_id = h->p.network_id,
        .node_type = CF_PEER_HARVESTER,
        .software_version = "cfarm 0.1.0",
        .protocol_version = announce,
        .ca_crt = h->p.ca_crt,
        .crt = h->p.crt,
        .key = h->p.key,
        .on_connect = on_connect,
        .on_disconnect = on_disconnect,
        .user = h,
    };
    enum cf_err err = cf_peer_service_new(h->loop, &pc, &h->svc);

    if (!err)
        err = cf_peer_handle(h->svc, CF_MSG_HARVESTER_HANDSHAKE, farmer, on_harvester_handshake, h);
    if (!err)
        err = cf_peer_handle(h->svc, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER, farmer, on_nsph, h);
    if (!err)
        err = cf_peer_handle(h->svc, CF_MSG_REQUEST_SIGNATURES, farmer, on_request_signatures, h);
    if (!err)
        err = cf_peer_handle(h->svc, CF_MSG_REQUEST_PLOTS, farmer, on_request_plots, h);
    if (!err)
        err = cf_peer_handle(h->svc, CF_MSG_PLOT_SYNC_RESPONSE, farmer, hv_sync_on_response, h);
    if (!err)
        err = cf_loop_timer_new(h->loop, redial_timer, h, &h->redial);
    if (!err)
        dial(h);
    return err;
}

enum cf_err cf_harvester_new(struct cf_loop *loop, const struct cf_harvester_params *params,
                             struct cf_harvester **out)
{
    struct cf_harvester *h = calloc(1, sizeof *h);
    enum cf_err err;

    *out = NULL;
    if (h == NULL)
        return CF_ERR_NOMEM;
    h->loop = loop;
    err = copy_params(&h->p, params);
    if (!err && cf_proto_version_parse(h->p.protocol_version, &h->own_ver) != CF_OK)
        err =
            cf_err_set(CF_ERR_INVAL, "protocol version '%s' not supported", h->p.protocol_version);
    if (err)
        goto fail;
    snprintf(announced_version, sizeof announced_version, "%s", h->p.protocol_version);
    h->backoff_ms = h->p.reconnect_ms;
    h->farmer_ver = CF_PROTO_LATEST;
    if (h->p.cache_path)
        err = hv_cache_load(h->p.cache_path, &h->cache);
    if (!err)
        err = hv_engine_new(loop, h->p.serial_reads ? 1 : h->p.disk_read_bound, h->p.max_lookups,
                            h->p.read_delay_ms, &h->engine);
    if (!err)
        err = cf_loop_timer_new(loop, refresh_timer, h, &h->refresh);
    if (!err)
        err = cf_loop_timer_start(h->refresh, (uint64_t)h->p.refresh_seconds * 1000u);
    if (err)
        goto fail;
    scan_start(h);
    if (h->p.farmer_host && (err = start_network(h)) != CF_OK)
        goto fail;
    *out = h;
    return CF_OK;
fail:
    cf_harvester_free(h);
    return err;
}

void cf_harvester_free(struct cf_harvester *h)
{
    if (h == NULL)
        return;
    h->closing = true;
    cf_peer_dialer_free(h->dialer);
    h->dialer = NULL;
    cf_peer_service_free(h->svc);
    h->svc = NULL;
    h->peer = NULL;
    hv_engine_free(h->engine); /* queued jobs come back skipped */
    h->engine = NULL;
    while (h->pending > 0)
        cf_loop_run_once(h->loop, 50);
    hv_sync_free(h);
    cf_loop_timer_free(h->redial);
    cf_loop_timer_free(h->refresh);
    hv_snapshot_unref(h->snap);
    hv_cache_free(h->cache);
    free(h->farmer_keys);
    free(h->pool_keys);
    free(h->disks);
    free_params(&h->p);
    free(h);
}

/* ---- observation ---- */

void cf_harvester_stats(const struct cf_harvester *h, struct cf_harvester_stats *out)
{
    *out = h->st;
    out->sync_running = h->sync.running;
    out->disks = h->engine ? hv_engine_disks(h->engine) : 0;
    out->reads_per_disk = h->p.serial_reads ? 1 : h->p.disk_read_bound;
    out->max_lookups = h->p.max_lookups;
    out->peak_lookups = h->engine ? hv_engine_peak(h->engine) : 0;
}

enum cf_err cf_harvester_metrics(const struct cf_harvester *h, struct cf_buf *out)
{
    static const char *const names[HV__STATES] = {"ok", "failed", "no_key", "duplicate", "copying"};
    enum cf_err err;

    err = cf_buf_printf(out, "# HELP cfarm_harvester_plots Plot files by state.\n"
                             "# TYPE cfarm_harvester_plots gauge\n");
    for (int s = 0; !err && s < HV__STATES; s++)
        err = cf_buf_printf(out, "cfarm_harvester_plots{state=\"%s\"} %zu\n", names[s],
                            h->snap ? h->snap->count[s] : 0);
    if (!err)
        err = cf_buf_printf(out,
                            "# TYPE cfarm_harvester_signage_points_total counter\n"
                            "cfarm_harvester_signage_points_total %" PRIu64 "\n"
                            "# TYPE cfarm_harvester_lookups_total counter\n"
                            "cfarm_harvester_lookups_total %" PRIu64 "\n"
                            "# TYPE cfarm_harvester_plots_passed_total counter\n"
                            "cfarm_harvester_plots_passed_total %" PRIu64 "\n"
                            "# TYPE cfarm_harvester_last_signage_point_plots_passed gauge\n"
                            "cfarm_harvester_last_signage_point_plots_passed %" PRIu32 "\n"
                            "# TYPE cfarm_harvester_proofs_total counter\n"
                            "cfarm_harvester_proofs_total %" PRIu64 "\n"
                            "# TYPE cfarm_harvester_signatures_total counter\n"
                            "cfarm_harvester_signatures_total %" PRIu64 "\n"
                            "# TYPE cfarm_harvester_farmer_connected gauge\n"
                            "cfarm_harvester_farmer_connected %d\n"
                            "# TYPE cfarm_harvester_plot_syncs_total counter\n"
                            "cfarm_harvester_plot_syncs_total %" PRIu64 "\n"
                            "# TYPE cfarm_harvester_last_filter_seconds gauge\n"
                            "cfarm_harvester_last_filter_seconds %.6f\n"
                            "# TYPE cfarm_harvester_lookup_seconds histogram\n",
                            h->st.signage_points, h->st.lookups, h->st.plots_passed,
                            h->st.last_passed, h->st.proofs, h->st.signatures, h->peer != NULL,
                            h->st.syncs_done, h->st.last_filter_seconds);
    for (size_t i = 0; !err && i < h->ndisks; i++) {
        const struct hv_disk_stats *d = &h->disks[i];
        char disk[32];

        disk_name(d->dev, disk, sizeof disk);
        for (size_t b = 0; !err && b < HV_HIST_BUCKETS; b++)
            err = cf_buf_printf(out,
                                "cfarm_harvester_lookup_seconds_bucket{disk=\"%s\",le=\"%g\"} "
                                "%" PRIu64 "\n",
                                disk, hist_le[b], d->buckets[b]);
        if (!err)
            err = cf_buf_printf(out,
                                "cfarm_harvester_lookup_seconds_bucket{disk=\"%s\",le=\"+Inf\"} "
                                "%" PRIu64 "\n"
                                "cfarm_harvester_lookup_seconds_sum{disk=\"%s\"} %.6f\n"
                                "cfarm_harvester_lookup_seconds_count{disk=\"%s\"} %" PRIu64 "\n",
                                disk, d->buckets[HV_HIST_BUCKETS], disk, d->sum, disk, d->count);
    }
    return err;
}

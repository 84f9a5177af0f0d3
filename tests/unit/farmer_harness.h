/*
 * farmer_harness.h: a small harvester for the farmer tests, built on lib/net, lib/proto and
 * lib/pos only (not cfarm's harvester service): it dials the farmer over TLS, runs a plot sync
 * (stop-and-wait, as Chia's sender; plot_sync_loaded2 with Plot2 entries at 0.0.38, as Chia's
 * main branch), answers signage points with real proofs from its plots and
 * signs what the farmer asks. It can misbehave on purpose: forge proofs, sign with a wrong key.
 * Not a test itself; included by tests/unit/test_farmer*.c.
 */
#ifndef CFARM_FARMER_HARNESS_H
#define CFARM_FARMER_HARNESS_H

#include "net_harness.h"

#include "cfarm/bls.h"
#include "cfarm/consensus.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/farmer.h"
#include "cfarm/keys.h"
#include "cfarm/peer.h"
#include "cfarm/plot.h"
#include "cfarm/proto.h"

enum th_mode { TH_HONEST, TH_FORGE_PROOF, TH_WRONG_SIGNATURE };

struct th_plot {
    struct cf_plot *plot;
    struct cf_keys_plot keys;
    bool contract;
    uint8_t pool[48];
};

struct th {
    struct cf_loop *loop;
    struct cf_peer_service *svc;
    struct cf_peer_dialer *dialer;
    struct cf_peer *peer;
    const char *version; /* what it announces, e.g. "0.0.38" */
    int ver;
    enum th_mode mode;
    struct th_plot plots[8];
    size_t nplots;
    size_t fake_plots; /* extra plot entries in the sync (never farmed) */
    size_t n_invalid, n_keys_missing, n_duplicates;
    /* plot sync sender: frames to send in order, stop-and-wait */
    struct th_frame {
        uint8_t type;
        struct cf_buf body;
    } frames[64];
    size_t nframes, next;
    int keys_received, sync_done, sync_errors;
    int sps, proofs_sent, sig_requests, connected;
};

static inline const char *th_pv35(uint8_t t)
{
    (void)t;
    return "0.0.35";
}
static inline const char *th_pv36(uint8_t t)
{
    (void)t;
    return "0.0.36";
}
static inline const char *th_pv37(uint8_t t)
{
    (void)t;
    return "0.0.37";
}
static inline const char *th_pv38(uint8_t t)
{
    (void)t;
    return "0.0.38";
}

static inline void th_frame_add(struct th *h, uint8_t type, enum cf_proto_cls c, const void *body)
{
    struct th_frame *fr = &h->frames[h->nframes++];

    fr->type = type;
    cf_buf_init(&fr->body, 64u << 20);
    if (cf_proto_encode(c, h->ver, body, &fr->body) != CF_OK)
        fprintf(stderr, "harness: cannot encode plot sync message %u\n", (unsigned)type);
}

static inline void th_plot_entry(struct th *h, size_t i, struct cf_proto_plot *out, char *name,
                                 size_t nlen)
{
    memset(out, 0, sizeof *out);
    if (i < h->nplots) {
        const struct th_plot *p = &h->plots[i];
        const struct cf_plot_info *info = cf_plot_info(p->plot);

        snprintf(name, nlen, "%s", cf_plot_path(p->plot));
        out->size = (uint8_t)info->k;
        memcpy(out->plot_id, info->id, 32);
        out->pool_contract_puzzle_hash.present = p->contract;
        memcpy(out->pool_contract_puzzle_hash.v, p->pool, 32);
        out->pool_public_key.present = !p->contract;
        memcpy(out->pool_public_key.v.bytes, p->pool, 48);
        out->plot_public_key = p->keys.plot_pk;
        out->file_size = info->file_size;
    } else {
        snprintf(name, nlen, "/fake/dir/plot-k32-%06zu.plot", i);
        out->size = 32;
        cf_sha256(out->plot_id, name, strlen(name));
        cf_bls_pk_identity(&out->plot_public_key);
        out->pool_contract_puzzle_hash.present = true;
        out->file_size = 108000000000ull;
    }
    out->filename.s = name;
    out->filename.len = strlen(name);
    out->compression_level.present = true;
}

static inline void th_path_list(struct th *h, uint8_t type, uint64_t sync_id, const char *prefix,
                                size_t n)
{
    struct cf_plot_sync_path_list pl = {0};
    struct cf_str *items = calloc(n ? n : 1, sizeof *items);
    char(*names)[64] = calloc(n ? n : 1, 64);

    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], 64, "/bad/%s-%zu.plot", prefix, i);
        items[i].s = names[i];
        items[i].len = strlen(names[i]);
    }
    pl.identifier = (struct cf_plot_sync_identifier){(uint64_t)time(NULL), sync_id, h->nframes};
    pl.data.items = items;
    pl.data.count = n;
    pl.final = true;
    th_frame_add(h, type, CF_CLS_PLOT_SYNC_PATH_LIST, &pl);
    free(items);
    free(names);
}

/* Build a whole initial sync: start, loaded batches of 300, the four path lists, done. */
static inline void th_build_sync(struct th *h)
{
    uint64_t sync_id = (uint64_t)time(NULL);
    size_t total = h->nplots + h->fake_plots;
    struct cf_plot_sync_start st = {
        {(uint64_t)time(NULL), sync_id, 0}, true, 0, (uint32_t)total, 1};
    struct cf_plot_sync_done done = {{0, sync_id, 0}, 1};

    for (size_t i = 0; i < h->nframes; i++)
        cf_buf_free(&h->frames[i].body);
    h->nframes = h->next = 0;
    th_frame_add(h, CF_MSG_PLOT_SYNC_START, CF_CLS_PLOT_SYNC_START, &st);
    for (size_t b = 0; b == 0 || b < total; b += 300) {
        size_t n = total - b < 300 ? total - b : 300;
        struct cf_plot_sync_plot_list l = {0};
        struct cf_proto_plot *items = calloc(n ? n : 1, sizeof *items);
        char(*names)[512] = calloc(n ? n : 1, 512);

        for (size_t i = 0; i < n; i++)
            th_plot_entry(h, b + i, &items[i], names[i], 512);
        l.identifier = (struct cf_plot_sync_identifier){(uint64_t)time(NULL), sync_id, h->nframes};
        l.data.items = items;
        l.data.count = n;
        l.final = b + 300 >= total;
        if (h->ver >= 38) { /* Chia main: Plot2 in plot_sync_loaded2 to a 0.0.38 farmer */
            struct cf_plot_sync_plot_list2 l2 = {l.identifier, {NULL, n}, l.final};

            l2.data.items = calloc(n ? n : 1, sizeof *l2.data.items);
            for (size_t i = 0; l2.data.items && i < n; i++) {
                l2.data.items[i].filename = items[i].filename;
                l2.data.items[i].size = items[i].size;
                memcpy(l2.data.items[i].plot_id, items[i].plot_id, 32);
                l2.data.items[i].pool_public_key = items[i].pool_public_key;
                l2.data.items[i].pool_contract_puzzle_hash = items[i].pool_contract_puzzle_hash;
                l2.data.items[i].plot_public_key = items[i].plot_public_key;
                l2.data.items[i].file_size = items[i].file_size;
                l2.data.items[i].compression_level = items[i].compression_level;
            }
            th_frame_add(h, CF_MSG_PLOT_SYNC_LOADED2, CF_CLS_PLOT_SYNC_PLOT_LIST2, &l2);
            free(l2.data.items);
        } else {
            th_frame_add(h, CF_MSG_PLOT_SYNC_LOADED, CF_CLS_PLOT_SYNC_PLOT_LIST, &l);
        }
        free(items);
        free(names);
    }
    th_path_list(h, CF_MSG_PLOT_SYNC_REMOVED, sync_id, "removed", 0);
    th_path_list(h, CF_MSG_PLOT_SYNC_INVALID, sync_id, "invalid", h->n_invalid);
    th_path_list(h, CF_MSG_PLOT_SYNC_KEYS_MISSING, sync_id, "nokey", h->n_keys_missing);
    th_path_list(h, CF_MSG_PLOT_SYNC_DUPLICATES, sync_id, "dup", h->n_duplicates);
    done.identifier.timestamp = (uint64_t)time(NULL);
    done.identifier.message_id = h->nframes;
    th_frame_add(h, CF_MSG_PLOT_SYNC_DONE, CF_CLS_PLOT_SYNC_DONE, &done);
}

static inline void th_send_next(struct th *h)
{
    if (h->peer && h->next < h->nframes)
        cf_peer_send(h->peer, h->frames[h->next].type, h->frames[h->next].body.data,
                     h->frames[h->next].body.len);
}

static inline enum cf_err th_on_keys(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    struct th *h = u;
    struct cf_harvester_handshake hs;
    enum cf_err err = cf_proto_decode(CF_CLS_HARVESTER_HANDSHAKE, h->ver, m->data, m->len, &hs);

    (void)p;
    if (err != CF_OK)
        return err;
    if (hs.farmer_public_keys.count > 0 && hs.pool_public_keys.count > 0)
        h->keys_received++;
    cf_proto_free(CF_CLS_HARVESTER_HANDSHAKE, &hs);
    th_build_sync(h);
    th_send_next(h);
    return CF_OK;
}

static inline enum cf_err th_on_sync_response(struct cf_peer *p, const struct cf_peer_msg *m,
                                              void *u)
{
    struct th *h = u;
    struct cf_plot_sync_response r;
    enum cf_err err = cf_proto_decode(CF_CLS_PLOT_SYNC_RESPONSE, h->ver, m->data, m->len, &r);

    (void)p;
    if (err != CF_OK)
        return err;
    if (r.error.present) {
        h->sync_errors++;
        fprintf(stderr, "harness: plot sync error %d: %s\n", r.error.v.code, r.error.v.message.s);
    } else if (h->next < h->nframes && r.identifier.message_id == h->next) {
        if (++h->next == h->nframes)
            h->sync_done++;
        else
            th_send_next(h);
    }
    cf_proto_free(CF_CLS_PLOT_SYNC_RESPONSE, &r);
    return CF_OK;
}

static inline void th_prove(struct th *h, const struct th_plot *tp,
                            const uint8_t challenge_hash[32], const uint8_t sp_hash[32],
                            uint8_t index, uint64_t difficulty, uint64_t ssi, unsigned *found)
{
    const struct cf_plot_info *info = cf_plot_info(tp->plot);
    struct cf_plot_proof proofs[4];
    uint8_t challenge[32];
    size_t n = 0;

    cf_pos_challenge(challenge, info->id, challenge_hash, sp_hash);
    if (cf_plot_prove(tp->plot, challenge, proofs, 4, &n, NULL) != CF_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        struct cf_new_proof_of_space np = {0};
        char ident[600], qhex[65];
        uint64_t iters;
        struct cf_buf b;

        if (cf_pos_required_iters(&iters, proofs[i].quality, sp_hash, info->k, difficulty, 8, 0) !=
                CF_OK ||
            iters >= ssi / 64)
            continue;
        cf_hex_encode(qhex, proofs[i].quality, 32);
        snprintf(ident, sizeof ident, "%s%s", qhex, cf_plot_path(tp->plot));
        memcpy(np.challenge_hash, challenge_hash, 32);
        memcpy(np.sp_hash, sp_hash, 32);
        np.plot_identifier.s = ident;
        np.plot_identifier.len = strlen(ident);
        memcpy(np.proof.challenge, challenge, 32);
        np.proof.pool_public_key.present = !tp->contract;
        memcpy(np.proof.pool_public_key.v.bytes, tp->pool, 48);
        np.proof.pool_contract_puzzle_hash.present = tp->contract;
        memcpy(np.proof.pool_contract_puzzle_hash.v, tp->pool, 32);
        np.proof.plot_public_key = tp->keys.plot_pk;
        np.proof.size = (uint8_t)info->k;
        if (h->mode == TH_FORGE_PROOF)
            proofs[i].proof[3] ^= 0x40;
        np.proof.proof.data = proofs[i].proof;
        np.proof.proof.len = proofs[i].proof_len;
        np.signage_point_index = index;
        cf_buf_init(&b, 1u << 20);
        if (cf_proto_encode(CF_CLS_NEW_PROOF_OF_SPACE, h->ver, &np, &b) == CF_OK &&
            cf_peer_send(h->peer, CF_MSG_NEW_PROOF_OF_SPACE, b.data, b.len) == CF_OK)
            h->proofs_sent++;
        cf_buf_free(&b);
        (*found)++;
    }
}

static inline enum cf_err th_on_sp(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    struct th *h = u;
    struct cf_new_signage_point_harvester l1;
    struct cf_new_signage_point_harvester2 l2;
    struct cf_farming_info fi = {0};
    bool legacy = h->ver <= 36;
    const uint8_t *ch, *sp;
    unsigned bits, found = 0, passed = 0;
    uint64_t diff, ssi;
    uint8_t index;
    enum cf_err err;
    struct cf_buf b;

    (void)p;
    err = legacy
              ? cf_proto_decode(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER, h->ver, m->data, m->len, &l1)
              : cf_proto_decode(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, h->ver, m->data, m->len, &l2);
    if (err != CF_OK)
        return err;
    h->sps++;
    ch = legacy ? l1.challenge_hash : l2.challenge_hash;
    sp = legacy ? l1.sp_hash : l2.sp_hash;
    bits = legacy ? l1.filter_prefix_bits : cf_pos_prefix_bits(l2.peak_height);
    diff = legacy ? l1.difficulty : l2.difficulty;
    ssi = legacy ? l1.sub_slot_iters : l2.sub_slot_iters;
    index = legacy ? l1.signage_point_index : l2.signage_point_index;
    for (size_t i = 0; i < h->nplots; i++)
        if (cf_pos_passes_filter(cf_plot_info(h->plots[i].plot)->id, ch, sp, bits)) {
            passed++;
            th_prove(h, &h->plots[i], ch, sp, index, diff, ssi, &found);
        }
    memcpy(fi.challenge_hash, ch, 32);
    memcpy(fi.sp_hash, sp, 32);
    fi.timestamp = (uint64_t)time(NULL);
    fi.passed = passed;
    fi.proofs = found;
    fi.total_plots = (uint32_t)h->nplots;
    cf_buf_init(&b, 4096);
    if (cf_proto_encode(CF_CLS_FARMING_INFO, h->ver, &fi, &b) == CF_OK)
        cf_peer_send(h->peer, CF_MSG_FARMING_INFO, b.data, b.len);
    cf_buf_free(&b);
    if (legacy)
        cf_proto_free(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER, &l1);
    else
        cf_proto_free(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, &l2);
    return CF_OK;
}

static inline enum cf_err th_on_sign(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    struct th *h = u;
    struct cf_request_signatures r;
    struct cf_respond_signatures rs = {0};
    struct cf_message_signature ms[4];
    const struct th_plot *tp = NULL;
    struct cf_bls_sk sk;
    struct cf_buf b;
    enum cf_err err = cf_proto_decode(CF_CLS_REQUEST_SIGNATURES, h->ver, m->data, m->len, &r);

    if (err != CF_OK)
        return err;
    h->sig_requests++;
    for (size_t i = 0; i < h->nplots; i++)
        if (r.plot_identifier.len > 64 &&
            strcmp(cf_plot_path(h->plots[i].plot), r.plot_identifier.s + 64) == 0)
            tp = &h->plots[i];
    if (tp == NULL || r.messages.count > 4)
        goto out;
    sk = tp->keys.local_sk;
    if (h->mode == TH_WRONG_SIGNATURE)
        sk.bytes[31] ^= 1;
    for (size_t i = 0; i < r.messages.count; i++) {
        memcpy(ms[i].message, r.messages.items[i], 32);
        cf_bls_aug_sign_prepend(&ms[i].signature, &sk, r.messages.items[i], 32, &tp->keys.plot_pk);
    }
    rs.plot_identifier = r.plot_identifier;
    memcpy(rs.challenge_hash, r.challenge_hash, 32);
    memcpy(rs.sp_hash, r.sp_hash, 32);
    rs.local_pk = tp->keys.local_pk;
    rs.farmer_pk = tp->keys.farmer_pk;
    rs.message_signatures.items = ms;
    rs.message_signatures.count = r.messages.count;
    cf_buf_init(&b, 1u << 20);
    if (cf_proto_encode(CF_CLS_RESPOND_SIGNATURES, h->ver, &rs, &b) == CF_OK)
        cf_peer_reply(p, m, CF_MSG_RESPOND_SIGNATURES, b.data, b.len);
    cf_buf_free(&b);
out:
    cf_proto_free(CF_CLS_REQUEST_SIGNATURES, &r);
    return CF_OK;
}

static inline void th_on_connect(struct cf_peer *p, void *u)
{
    struct th *h = u;

    h->peer = p;
    h->connected++;
}

static inline void th_on_disconnect(struct cf_peer *p, enum cf_err why, const char *d, void *u)
{
    struct th *h = u;

    (void)why;
    (void)d;
    if (p == h->peer)
        h->peer = NULL;
}

/* Open a plot and derive its keys from the memo. */
static inline bool th_add_plot(struct th *h, const char *path)
{
    struct th_plot *tp = &h->plots[h->nplots];
    struct cf_plot_memo pm;
    struct cf_keys_memo km = {0};
    bool ok;

    if (cf_plot_open(path, 0, &tp->plot) != CF_OK || cf_plot_read_memo(tp->plot, &pm) != CF_OK)
        return false;
    km.pool_contract = pm.kind == CF_PLOT_MEMO_POOL_CONTRACT;
    memcpy(km.pool_pk.bytes, pm.pool_pk, 48);
    memcpy(km.pool_contract_ph, pm.pool_contract_ph, 32);
    memcpy(km.farmer_pk.bytes, pm.farmer_pk, 48);
    memcpy(km.local_master_sk.bytes, pm.local_master_sk, 32);
    ok = cf_keys_plot_from_memo(&tp->keys, &km) == CF_OK;
    tp->contract = km.pool_contract;
    memcpy(tp->pool, km.pool_contract ? pm.pool_contract_ph : pm.pool_pk,
           km.pool_contract ? 32 : 48);
    cf_plot_memo_wipe(&pm);
    memset(&km, 0, sizeof km);
    h->nplots += ok;
    return ok;
}

/* Start: certificates crt/key under the CA ca, dial 127.0.0.1:port. */
static inline bool th_start(struct th *h, struct cf_loop *loop, const char *ca, const char *crt,
                            const char *key, uint16_t port)
{
    struct cf_peer_config pc = {0};
    static const uint8_t farmer_types[] = {CF_MSG_HARVESTER_HANDSHAKE,
                                           CF_MSG_NEW_SIGNAGE_POINT_HARVESTER,
                                           CF_MSG_REQUEST_SIGNATURES, CF_MSG_PLOT_SYNC_RESPONSE};
    static cf_peer_handler_fn fns[] = {th_on_keys, th_on_sp, th_on_sign, th_on_sync_response};

    h->loop = loop;
    if (h->version == NULL)
        h->version = "0.0.38";
    cf_proto_version_parse(h->version, &h->ver);
    pc.network_id = "mainnet";
    pc.node_type = CF_PEER_HARVESTER;
    pc.software_version = "farmer-test-harvester";
    pc.protocol_version = h->ver == 35   ? th_pv35
                          : h->ver == 36 ? th_pv36
                          : h->ver == 37 ? th_pv37
                                         : th_pv38;
    pc.ca_crt = ca;
    pc.crt = crt;
    pc.key = key;
    pc.reconnect_ms = 200;
    pc.on_connect = th_on_connect;
    pc.on_disconnect = th_on_disconnect;
    pc.user = h;
    if (cf_peer_service_new(loop, &pc, &h->svc) != CF_OK)
        return false;
    for (size_t i = 0; i < sizeof farmer_types; i++)
        if (cf_peer_handle(h->svc, farmer_types[i], CF_PEER_NODE_BIT(CF_PEER_FARMER), fns[i], h))
            return false;
    return cf_peer_dial(h->svc, "127.0.0.1", port, true, &h->dialer) == CF_OK;
}

/* Kill: close everything at once, as a process that dies. Plots stay open for a restart. */
static inline void th_stop(struct th *h)
{
    cf_peer_dialer_free(h->dialer);
    cf_peer_service_free(h->svc);
    h->dialer = NULL;
    h->svc = NULL;
    h->peer = NULL;
}

static inline void th_free(struct th *h)
{
    th_stop(h);
    for (size_t i = 0; i < h->nframes; i++)
        cf_buf_free(&h->frames[i].body);
    for (size_t i = 0; i < h->nplots; i++) {
        cf_plot_close(h->plots[i].plot);
        memset(&h->plots[i].keys, 0, sizeof h->plots[i].keys);
    }
}

#endif

/*
 * farmer.c: the farmer service: harvester registry, signage point fan-out, proof judging, the
 * signature round trip and aggregation, the declaration to the source, and the status file.
 *
 * State (all on the loop thread):
 *   harvesters  one record per connected harvester: its peer, the layout version it announced,
 *               its plot-sync receiver and counters. Dropped on disconnect.
 *   sps         every signage point of the last 1800 s, by cc_sp hash.
 *   wins        every winning proof of the last 1800 s: quality -> harvester node id, plot
 *               identifier, proof, signage point. Signing requests find their harvester here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfarm/ct.h"
#include "cfarm/consensus.h"
#include "cfarm/farmer.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "cfarm/keys.h"
#include "cfarm/log.h"
#include "cfarm/peer.h"

#define MOD             "cfarm.farmer"
#define SIGN_TIMEOUT_MS 30000u

struct harv {
    struct cf_farmer *f;
    struct cf_peer *peer;
    uint8_t node_id[32];
    char name[96];
    int ver;
    char version[16];
    struct cf_plotsync *rx;
    uint64_t sps, proofs, invalid, sig_ok, sig_bad, passed, lookup_max_us;
    uint32_t total_plots; /* from the last FarmingInfo */
};

struct sp_ent {
    struct cf_farmer_sp sp;
    uint64_t t_ms;
};

struct win {
    uint8_t quality[32];
    uint8_t node_id[32];
    char hname[96];
    char *plot_identifier;
    struct cf_proof_of_space pos; /* proof bytes owned */
    struct cf_farmer_sp sp;
    struct cf_farmer_verdict v;
    uint64_t t_ms;
    bool signed_sp;
};

/* A foliage signing request in flight. */
struct sv_req {
    struct cf_farmer *f;
    struct sv_req *next;
    uint8_t quality[32];
    uint8_t msgs[2][32];
    cf_farmer_signed_fn cb;
    void *arg;
    bool dead;
};

struct cf_farmer {
    struct cf_loop *loop;
    struct cf_peer_service *svc;
    struct cf_farmer_keys keys;
    struct cf_sp_source *src;
    uint8_t farmer_ph[32], pool_ph[32];
    char *status_path;
    uint16_t port;
    struct harv **h;
    size_t nh;
    struct sp_ent *sps;
    size_t nsps;
    struct win *wins;
    size_t nwins;
    struct sv_req *svs;
    struct cf_farmer_stats st;
    uint64_t start_ms;
};

/* ---- helpers ---- */

static void short_hex(char out[9], const uint8_t *b)
{
    cf_hex_encode(out, b, 4);
}

/* The plot path inside a plot identifier (quality hex + path), for log lines. */
static const char *plot_path(const char *ident)
{
    return strlen(ident) > 64 ? ident + 64 : ident;
}

static enum cf_err send_body(struct cf_peer *p, uint8_t type, enum cf_proto_cls c, int ver,
                             const void *body)
{
    struct cf_buf b;
    enum cf_err err;

    cf_buf_init(&b, CF_PEER_MAX_MESSAGE);
    err = cf_proto_encode(c, ver, body, &b);
    if (err == CF_OK)
        err = cf_peer_send(p, type, b.data, b.len);
    cf_buf_free(&b);
    return err;
}

static struct harv *harv_by_node(const struct cf_farmer *f, const uint8_t id[32])
{
    for (size_t i = 0; i < f->nh; i++)
        if (memcmp(f->h[i]->node_id, id, 32) == 0)
            return f->h[i];
    return NULL;
}

static const struct sp_ent *sp_find(const struct cf_farmer *f, const uint8_t cc_sp[32])
{
    for (size_t i = f->nsps; i-- > 0;)
        if (memcmp(f->sps[i].sp.cc_sp, cc_sp, 32) == 0)
            return &f->sps[i];
    return NULL;
}

static void win_free(struct win *w)
{
    free(w->plot_identifier);
    free(w->pos.proof.data);
}

/* Drop signage points and wins older than 1800 s. */
static void purge(struct cf_farmer *f)
{
    uint64_t now = cf_loop_now_ms(f->loop);
    size_t j = 0;

    for (size_t i = 0; i < f->nsps; i++)
        if (now - f->sps[i].t_ms < CF_FARMER_SP_KEEP_MS)
            f->sps[j++] = f->sps[i];
    f->nsps = j;
    j = 0;
    for (size_t i = 0; i < f->nwins; i++) {
        if (now - f->wins[i].t_ms < CF_FARMER_SP_KEEP_MS)
            f->wins[j++] = f->wins[i];
        else
            win_free(&f->wins[i]);
    }
    f->nwins = j;
}

/* ---- keys to harvesters ---- */

static void send_keys(struct cf_farmer *f, struct harv *h)
{
    struct cf_harvester_handshake hs = {0};
    struct cf_bls_pk *fk = calloc(f->keys.n_farmer ? f->keys.n_farmer : 1, sizeof *fk);
    enum cf_err err;

    if (fk == NULL)
        return;
    for (size_t i = 0; i < f->keys.n_farmer; i++)
        fk[i] = f->keys.farmer[i].pk;
    hs.farmer_public_keys.items = fk;
    hs.farmer_public_keys.count = f->keys.n_farmer;
    hs.pool_public_keys.items = f->keys.announce_pool;
    hs.pool_public_keys.count = f->keys.n_announce_pool;
    err = send_body(h->peer, CF_MSG_HARVESTER_HANDSHAKE, CF_CLS_HARVESTER_HANDSHAKE, h->ver, &hs);
    if (err != CF_OK)
        cf_log(CF_LOG_WARNING, MOD, "harvester %s: could not send the keys: %s", h->name,
               cf_strerror(err));
    free(fk);
}

void cf_farmer_set_keys(struct cf_farmer *f, struct cf_farmer_keys *keys)
{
    cf_farmer_keys_wipe(&f->keys);
    f->keys = *keys;
    memset(keys, 0, sizeof *keys);
    for (size_t i = 0; i < f->nh; i++)
        send_keys(f, f->h[i]);
}

/* ---- connections ---- */

static void on_connect(struct cf_peer *p, void *user)
{
    struct cf_farmer *f = user;
    const struct cf_peer_handshake *hs = cf_peer_handshake(p);
    struct harv *h, **nh;
    char id[9];
    int ver;

    if (cf_proto_version_parse(hs->protocol_version, &ver) != CF_OK) {
        cf_log(CF_LOG_WARNING, MOD,
               "harvester %s announced protocol %s: not supported "
               "(Chia 2.0 or newer needed)",
               cf_peer_addr(p), hs->protocol_version);
        cf_peer_close(p, CF_ERR_UNSUPPORTED);
        return;
    }
    h = calloc(1, sizeof *h);
    nh = realloc(f->h, (f->nh + 1) * sizeof *nh);
    if (h == NULL || nh == NULL || (h->rx = cf_plotsync_new()) == NULL) {
        if (nh)
            f->h = nh;
        free(h);
        cf_peer_close(p, CF_ERR_NOMEM);
        return;
    }
    f->h = nh;
    f->h[f->nh++] = h;
    h->f = f;
    h->peer = p;
    h->ver = ver;
    snprintf(h->version, sizeof h->version, "%.15s", hs->protocol_version);
    memcpy(h->node_id, cf_peer_node_id(p), 32);
    short_hex(id, h->node_id);
    snprintf(h->name, sizeof h->name, "%s (node %s, %s %.32s)", cf_peer_addr(p), id,
             hs->protocol_version, hs->software_version);
    for (char *c = h->name; *c; c++) /* the software version is the peer's text */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    cf_peer_set_user(p, h);
    cf_log(CF_LOG_INFO, MOD, "harvester connected: %s", h->name);
    send_keys(f, h);
}

static void harv_free(struct harv *h)
{
    cf_plotsync_free(h->rx);
    free(h);
}

static void on_disconnect(struct cf_peer *p, enum cf_err why, const char *detail, void *user)
{
    struct cf_farmer *f = user;
    struct harv *h = p ? cf_peer_user(p) : NULL;

    if (h == NULL)
        return;
    cf_log(CF_LOG_INFO, MOD, "harvester disconnected: %s%s%s", h->name, why == CF_OK ? "" : ": ",
           why == CF_OK ? "" : (detail && *detail ? detail : cf_strerror(why)));
    for (size_t i = 0; i < f->nh; i++)
        if (f->h[i] == h) {
            f->h[i] = f->h[--f->nh];
            break;
        }
    harv_free(h);
}

/* ---- signage points ---- */

static void send_sp(struct harv *h, const struct cf_farmer_sp *sp)
{
    enum cf_err err;

    if (h->ver <= CF_PROTO_0_0_36) {
        struct cf_new_signage_point_harvester m = {0};

        memcpy(m.challenge_hash, sp->challenge_hash, 32);
        memcpy(m.sp_hash, sp->cc_sp, 32);
        m.difficulty = sp->difficulty;
        m.sub_slot_iters = sp->sub_slot_iters;
        m.signage_point_index = sp->index;
        m.filter_prefix_bits = (uint8_t)cf_pos_prefix_bits(sp->peak_height);
        err = send_body(h->peer, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER,
                        CF_CLS_NEW_SIGNAGE_POINT_HARVESTER, h->ver, &m);
    } else {
        struct cf_new_signage_point_harvester2 m = {0};

        memcpy(m.challenge_hash, sp->challenge_hash, 32);
        memcpy(m.sp_hash, sp->cc_sp, 32);
        m.difficulty = sp->difficulty;
        m.sub_slot_iters = sp->sub_slot_iters;
        m.signage_point_index = sp->index;
        m.peak_height = sp->peak_height;
        m.last_tx_height = sp->last_tx_height;
        m.filter_challenge.present = sp->has_filter_challenge;
        memcpy(m.filter_challenge.v, sp->filter_challenge, 32);
        err = send_body(h->peer, CF_MSG_NEW_SIGNAGE_POINT_HARVESTER,
                        CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, h->ver, &m);
    }
    if (err == CF_OK)
        h->sps++;
    else
        cf_log(CF_LOG_WARNING, MOD, "signage point not sent to %s: %s", h->name, cf_strerror(err));
}

void cf_farmer_signage_point(struct cf_farmer *f, const struct cf_farmer_sp *sp)
{
    struct sp_ent *n;
    char cc[9];

    purge(f);
    if (sp_find(f, sp->cc_sp) != NULL)
        return;
    n = realloc(f->sps, (f->nsps + 1) * sizeof *n);
    if (n == NULL)
        return;
    f->sps = n;
    f->sps[f->nsps].sp = *sp;
    f->sps[f->nsps++].t_ms = cf_loop_now_ms(f->loop);
    f->st.signage_points++;
    short_hex(cc, sp->cc_sp);
    cf_log(CF_LOG_INFO, MOD,
           "new signage point %u/64 %s... height %u difficulty %llu: sent to "
           "%zu harvester%s",
           (unsigned)sp->index, cc, (unsigned)sp->peak_height, (unsigned long long)sp->difficulty,
           f->nh, f->nh == 1 ? "" : "s");
    for (size_t i = 0; i < f->nh; i++)
        send_sp(f->h[i], sp);
    cf_farmer_write_status(f);
}

/* ---- proofs ---- */

static enum cf_err remember_win(struct cf_farmer *f, struct harv *h,
                                const struct cf_new_proof_of_space *m,
                                const struct cf_farmer_sp *sp, const struct cf_farmer_verdict *v,
                                struct win **out)
{
    struct win *n = realloc(f->wins, (f->nwins + 1) * sizeof *n), *w;

    if (n == NULL)
        return CF_ERR_NOMEM;
    f->wins = n;
    w = &f->wins[f->nwins];
    memset(w, 0, sizeof *w);
    memcpy(w->quality, v->quality, 32);
    memcpy(w->node_id, h->node_id, 32);
    snprintf(w->hname, sizeof w->hname, "%s", h->name);
    w->plot_identifier = strdup(m->plot_identifier.s);
    w->pos = m->proof;
    w->pos.proof.data = malloc(m->proof.proof.len ? m->proof.proof.len : 1);
    if (w->plot_identifier == NULL || w->pos.proof.data == NULL) {
        win_free(w);
        return CF_ERR_NOMEM;
    }
    memcpy(w->pos.proof.data, m->proof.proof.data, m->proof.proof.len);
    w->sp = *sp;
    w->v = *v;
    w->t_ms = cf_loop_now_ms(f->loop);
    f->nwins++;
    *out = w;
    return CF_OK;
}

static void request_sp_signatures(struct harv *h, const struct win *w)
{
    struct cf_request_signatures r = {0};
    uint8_t msgs[2][32];
    enum cf_err err;

    memcpy(msgs[0], w->sp.cc_sp, 32);
    memcpy(msgs[1], w->sp.rc_sp, 32);
    r.plot_identifier.s = w->plot_identifier;
    r.plot_identifier.len = strlen(w->plot_identifier);
    memcpy(r.challenge_hash, w->sp.challenge_hash, 32);
    memcpy(r.sp_hash, w->sp.cc_sp, 32);
    r.messages.items = msgs;
    r.messages.count = 2;
    err = send_body(h->peer, CF_MSG_REQUEST_SIGNATURES, CF_CLS_REQUEST_SIGNATURES, h->ver, &r);
    if (err != CF_OK)
        cf_log(CF_LOG_WARNING, MOD, "could not ask %s for signatures: %s", h->name,
               cf_strerror(err));
}

static enum cf_err on_proof(struct cf_peer *p, const struct cf_peer_msg *msg, void *user)
{
    struct cf_farmer *f = user;
    struct harv *h = cf_peer_user(p);
    struct cf_new_proof_of_space m;
    struct cf_farmer_verdict v;
    const struct sp_ent *e;
    struct win *w;
    enum cf_err err;
    char q[9];

    if (h == NULL)
        return CF_OK;
    if ((err = cf_proto_decode(CF_CLS_NEW_PROOF_OF_SPACE, h->ver, msg->data, msg->len, &m)))
        return err;
    f->st.proofs++;
    h->proofs++;
    e = sp_find(f, m.sp_hash);
    if (e == NULL || memcmp(e->sp.challenge_hash, m.challenge_hash, 32) != 0) {
        cf_log(CF_LOG_WARNING, MOD, "proof from %s for an unknown signage point (plot %s)", h->name,
               plot_path(m.plot_identifier.s));
        goto out;
    }
    if (f->src == NULL || cf_farmer_judge(&e->sp, &m.proof, &f->src->rules, &v) != CF_OK) {
        f->st.proofs_invalid++;
        h->invalid++;
        cf_log(CF_LOG_WARNING, MOD, "INVALID proof from harvester %s, plot %s: %s", h->name,
               plot_path(m.plot_identifier.s), f->src ? cf_err_detail() : "no source");
        goto out;
    }
    f->st.proofs_valid++;
    short_hex(q, v.quality);
    if (!v.wins) {
        cf_log(CF_LOG_INFO, MOD,
               "proof verified from %s (k=%u, plot %s): required iterations "
               "%llu, not under %llu",
               h->name, v.k, plot_path(m.plot_identifier.s), (unsigned long long)v.required_iters,
               (unsigned long long)v.sp_interval_iters);
        goto out;
    }
    for (size_t i = 0; i < f->nwins; i++)
        if (memcmp(f->wins[i].quality, v.quality, 32) == 0 &&
            memcmp(f->wins[i].sp.cc_sp, e->sp.cc_sp, 32) == 0 &&
            memcmp(f->wins[i].node_id, h->node_id, 32) == 0)
            goto out; /* the same proof again */
    f->st.proofs_winning++;
    cf_log(CF_LOG_INFO, MOD,
           "PROOF FOUND by %s: k=%u plot %s quality %s... required iterations "
           "%llu < %llu: asking for signatures",
           h->name, v.k, plot_path(m.plot_identifier.s), q, (unsigned long long)v.required_iters,
           (unsigned long long)v.sp_interval_iters);
    if (remember_win(f, h, &m, &e->sp, &v, &w) == CF_OK)
        request_sp_signatures(h, w);
out:
    cf_proto_free(CF_CLS_NEW_PROOF_OF_SPACE, &m);
    return CF_OK;
}

/*
 * Add the farmer's share (and the taproot share for pool-contract plots) to each harvester
 * signature and verify the aggregate under the plot public key, as Chia's farmer does.
 */
static enum cf_err aggregate(struct cf_farmer *f, const struct win *w,
                             const struct cf_bls_pk *local_pk, const struct cf_bls_pk *farmer_pk,
                             const struct cf_message_signature *ms, size_t n,
                             struct cf_bls_sig *out)
{
    const struct cf_farmer_key *fk = NULL;
    bool contract = w->pos.pool_contract_puzzle_hash.present;
    struct cf_bls_pk agg_pk;
    struct cf_bls_sk tsk;
    struct cf_bls_sig parts[3];
    enum cf_err err = CF_OK;

    for (size_t i = 0; i < f->keys.n_farmer; i++)
        if (memcmp(f->keys.farmer[i].pk.bytes, farmer_pk->bytes, 48) == 0)
            fk = &f->keys.farmer[i];
    if (fk == NULL)
        return cf_err_set(CF_ERR_BAD_KEY, "the harvester's farmer key is not one of ours");
    if (!fk->has_sk)
        return cf_err_set(CF_ERR_BAD_KEY,
                          "no secret key for farmer key %08x: this farmer "
                          "cannot sign",
                          (unsigned)cf_bls_pk_fingerprint(farmer_pk));
    if (cf_keys_plot_pk(&agg_pk, local_pk, farmer_pk, contract) != CF_OK ||
        memcmp(agg_pk.bytes, w->pos.plot_public_key.bytes, 48) != 0)
        return cf_err_set(CF_ERR_BAD_KEY, "local key + farmer key is not the plot public key");
    memset(&tsk, 0, sizeof tsk);
    if (contract && (err = cf_keys_taproot_sk(&tsk, local_pk, farmer_pk)) != CF_OK)
        return err;
    for (size_t i = 0; i < n && err == CF_OK; i++) {
        parts[0] = ms[i].signature;
        cf_bls_aug_sign_prepend(&parts[1], &fk->sk, ms[i].message, 32, &agg_pk);
        if (contract)
            cf_bls_aug_sign_prepend(&parts[2], &tsk, ms[i].message, 32, &agg_pk);
        else
            cf_bls_sig_identity(&parts[2]);
        if (cf_bls_aggregate(&out[i], parts, 3) != CF_OK)
            err = cf_err_set(CF_ERR_BAD_SIGNATURE, "the harvester's signature is not a G2 point");
        else if (!cf_bls_aug_verify(&agg_pk, ms[i].message, 32, &out[i]))
            err = cf_err_set(CF_ERR_BAD_SIGNATURE, "aggregate signature does not verify under "
                                                   "the plot public key");
    }
    cf_ct_wipe(&tsk, sizeof tsk);
    return err;
}

static const struct cf_farmer_key *pool_key(const struct cf_farmer *f, const struct cf_bls_pk *pk)
{
    for (size_t i = 0; i < f->keys.n_pool; i++)
        if (f->keys.pool[i].has_sk && memcmp(f->keys.pool[i].pk.bytes, pk->bytes, 48) == 0)
            return &f->keys.pool[i];
    return NULL;
}

static void declare(struct cf_farmer *f, struct win *w, const struct cf_respond_signatures *r,
                    const struct cf_bls_sig sigs[2])
{
    struct cf_declare_proof_of_space d = {0};
    struct cf_buf pt;

    memcpy(d.challenge_hash, w->sp.challenge_hash, 32);
    memcpy(d.challenge_chain_sp, w->sp.cc_sp, 32);
    d.signage_point_index = w->sp.index;
    memcpy(d.reward_chain_sp, w->sp.rc_sp, 32);
    d.proof_of_space = w->pos;
    d.challenge_chain_sp_signature = sigs[0];
    d.reward_chain_sp_signature = sigs[1];
    memcpy(d.farmer_puzzle_hash,
           r->farmer_reward_address_override.present ? r->farmer_reward_address_override.v
                                                     : f->farmer_ph,
           32);
    d.include_signature_source_data = r->include_source_signature_data;
    if (w->pos.pool_public_key.present) {
        const struct cf_farmer_key *pk = pool_key(f, &w->pos.pool_public_key.v);

        if (pk == NULL) {
            cf_log(CF_LOG_ERROR, MOD,
                   "no secret key for the pool key %08x of plot %s: cannot "
                   "declare",
                   (unsigned)cf_bls_pk_fingerprint(&w->pos.pool_public_key.v),
                   plot_path(w->plot_identifier));
            return;
        }
        d.pool_target.present = true;
        memcpy(d.pool_target.v.puzzle_hash, f->pool_ph, 32);
        d.pool_target.v.max_height = 0;
        cf_buf_init(&pt, 64);
        if (cf_proto_encode(CF_CLS_POOL_TARGET, CF_PROTO_LATEST, &d.pool_target.v, &pt) != CF_OK) {
            cf_buf_free(&pt);
            return;
        }
        d.pool_signature.present = true;
        cf_bls_aug_sign(&d.pool_signature.v, &pk->sk, pt.data, pt.len);
        cf_buf_free(&pt);
    }
    f->st.declared++;
    cf_log(CF_LOG_INFO, MOD, "declaring proof of plot %s to the %s", plot_path(w->plot_identifier),
           f->src->ops->name);
    f->src->ops->declare(f->src, &d, &w->v);
}

static enum cf_err on_signatures(struct cf_peer *p, const struct cf_peer_msg *msg, void *user)
{
    struct cf_farmer *f = user;
    struct harv *h = cf_peer_user(p);
    struct cf_respond_signatures r;
    struct win *w = NULL;
    struct cf_bls_sig sigs[2];
    enum cf_err err;

    if (h == NULL)
        return CF_OK;
    if ((err = cf_proto_decode(CF_CLS_RESPOND_SIGNATURES, h->ver, msg->data, msg->len, &r)))
        return err;
    for (size_t i = 0; i < f->nwins && w == NULL; i++)
        if (!f->wins[i].signed_sp && memcmp(f->wins[i].sp.cc_sp, r.sp_hash, 32) == 0 &&
            memcmp(f->wins[i].node_id, h->node_id, 32) == 0 &&
            strcmp(f->wins[i].plot_identifier, r.plot_identifier.s) == 0)
            w = &f->wins[i];
    if (w == NULL) {
        cf_log(CF_LOG_WARNING, MOD, "signatures from %s for a proof not asked for (plot %s)",
               h->name, plot_path(r.plot_identifier.s));
        goto out;
    }
    if (r.message_signatures.count != 2 ||
        memcmp(r.message_signatures.items[0].message, w->sp.cc_sp, 32) != 0 ||
        memcmp(r.message_signatures.items[1].message, w->sp.rc_sp, 32) != 0) {
        err = cf_err_set(CF_ERR_BAD_SIGNATURE, "signed messages are not the signage point's");
    } else {
        err = aggregate(f, w, &r.local_pk, &r.farmer_pk, r.message_signatures.items, 2, sigs);
    }
    if (err != CF_OK) {
        f->st.signatures_bad++;
        h->sig_bad++;
        cf_log(CF_LOG_WARNING, MOD, "BAD SIGNATURE from harvester %s, plot %s: %s", h->name,
               plot_path(r.plot_identifier.s), cf_err_detail());
        goto out;
    }
    w->signed_sp = true;
    f->st.signatures_ok++;
    h->sig_ok++;
    cf_log(CF_LOG_INFO, MOD,
           "signatures aggregated and verified for plot %s (harvester share + "
           "farmer share%s)",
           plot_path(w->plot_identifier),
           w->pos.pool_contract_puzzle_hash.present ? " + taproot share" : "");
    declare(f, w, &r, sigs);
    cf_farmer_write_status(f);
out:
    cf_proto_free(CF_CLS_RESPOND_SIGNATURES, &r);
    return CF_OK;
}

static enum cf_err on_farming_info(struct cf_peer *p, const struct cf_peer_msg *msg, void *user)
{
    struct cf_farmer *f = user;
    struct harv *h = cf_peer_user(p);
    struct cf_farming_info fi;
    enum cf_err err;

    if (h == NULL)
        return CF_OK;
    if ((err = cf_proto_decode(CF_CLS_FARMING_INFO, h->ver, msg->data, msg->len, &fi)))
        return err;
    h->passed += fi.passed;
    h->total_plots = fi.total_plots;
    f->st.plots_passed += fi.passed;
    if (fi.lookup_time > h->lookup_max_us)
        h->lookup_max_us = fi.lookup_time;
    cf_log(fi.passed ? CF_LOG_INFO : CF_LOG_DEBUG, MOD,
           "%u plot%s of %u passed the filter on %s, %u proof%s found, lookup %.3f s",
           (unsigned)fi.passed, fi.passed == 1 ? "" : "s", (unsigned)fi.total_plots, h->name,
           (unsigned)fi.proofs, fi.proofs == 1 ? "" : "s", (double)fi.lookup_time / 1e6);
    return CF_OK;
}

static enum cf_err on_plot_sync(struct cf_peer *p, const struct cf_peer_msg *msg, void *user)
{
    struct cf_farmer *f = user;
    struct harv *h = cf_peer_user(p);
    struct cf_plot_sync_response resp;
    enum cf_err err;
    uint64_t before;

    if (h == NULL)
        return CF_OK;
    before = cf_plotsync_completed(h->rx);
    err = cf_plotsync_handle(h->rx, msg->type, h->ver, msg->data, msg->len, (uint64_t)time(NULL),
                             &resp);
    if (err != CF_OK)
        return err;
    if (resp.error.present)
        cf_log(CF_LOG_WARNING, MOD, "plot sync from %s: error %d: %s", h->name,
               (int)resp.error.v.code, resp.error.v.message.s);
    if (cf_plotsync_completed(h->rx) != before) {
        cf_log(CF_LOG_INFO, MOD,
               "plot sync done for %s: %zu plots, %zu failed, %zu no key, "
               "%zu duplicates",
               h->name, cf_plotsync_plot_count(h->rx), cf_plotsync_invalid_count(h->rx),
               cf_plotsync_keys_missing_count(h->rx), cf_plotsync_duplicates_count(h->rx));
        cf_farmer_write_status(f);
    }
    return send_body(p, CF_MSG_PLOT_SYNC_RESPONSE, CF_CLS_PLOT_SYNC_RESPONSE, h->ver, &resp);
}

static enum cf_err on_other(struct cf_peer *p, const struct cf_peer_msg *msg, void *user)
{
    struct harv *h = cf_peer_user(p);

    (void)user;
    if (msg->type == CF_MSG_ERROR) {
        struct cf_error_msg e;

        if (h && cf_proto_decode(CF_CLS_ERROR, h->ver, msg->data, msg->len, &e) == CF_OK) {
            cf_log(CF_LOG_WARNING, MOD, "error %d from %s: %s", (int)e.code, h->name, e.message.s);
            cf_proto_free(CF_CLS_ERROR, &e);
        }
        return CF_OK;
    }
    cf_log(CF_LOG_DEBUG, MOD, "ignored %s from %s", cf_proto_msg_name(msg->type),
           h ? h->name : cf_peer_addr(p));
    return CF_OK;
}

/* ---- foliage signatures (RequestSignedValues) ---- */

static void sv_unlink(struct cf_farmer *f, struct sv_req *r)
{
    for (struct sv_req **pp = &f->svs; *pp; pp = &(*pp)->next)
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    free(r);
}

static void sv_finish(struct sv_req *r, enum cf_err err, const struct cf_signed_values *sv)
{
    struct cf_farmer *f = r->f;

    if (err == CF_OK)
        f->st.signed_values++;
    r->cb(r->arg, err, sv);
    sv_unlink(f, r);
}

static void on_sv_response(struct cf_peer *p, enum cf_err err, const struct cf_peer_msg *resp,
                           void *user)
{
    struct sv_req *r = user;
    struct cf_farmer *f = r->f;
    struct harv *h = cf_peer_user(p);
    struct cf_respond_signatures rs = {0};
    struct cf_signed_values sv = {0};
    struct cf_bls_sig sigs[2];
    const struct win *w = NULL;

    for (size_t i = 0; i < f->nwins; i++)
        if (f->wins[i].signed_sp && memcmp(f->wins[i].quality, r->quality, 32) == 0)
            w = &f->wins[i];
    if (err == CF_OK && (h == NULL || w == NULL || resp->type != CF_MSG_RESPOND_SIGNATURES))
        err = cf_err_set(CF_ERR_PROTOCOL, "unexpected answer to a signing request");
    if (err == CF_OK)
        err = cf_proto_decode(CF_CLS_RESPOND_SIGNATURES, h->ver, resp->data, resp->len, &rs);
    if (err == CF_OK && (rs.message_signatures.count != 2 ||
                         memcmp(rs.message_signatures.items[0].message, r->msgs[0], 32) ||
                         memcmp(rs.message_signatures.items[1].message, r->msgs[1], 32)))
        err = cf_err_set(CF_ERR_BAD_SIGNATURE, "signed messages are not the foliage hashes");
    if (err == CF_OK)
        err = aggregate(f, w, &rs.local_pk, &rs.farmer_pk, rs.message_signatures.items, 2, sigs);
    if (err == CF_OK) {
        memcpy(sv.quality_string, r->quality, 32);
        sv.foliage_block_data_signature = sigs[0];
        sv.foliage_transaction_block_signature = sigs[1];
        cf_log(CF_LOG_INFO, MOD, "block signatures (foliage) aggregated and verified for plot %s",
               plot_path(w->plot_identifier));
    } else {
        cf_log(CF_LOG_WARNING, MOD, "block signatures for plot %s failed: %s",
               w ? plot_path(w->plot_identifier) : "?", cf_err_detail());
    }
    cf_proto_free(CF_CLS_RESPOND_SIGNATURES, &rs);
    sv_finish(r, err, err == CF_OK ? &sv : NULL);
}

enum cf_err cf_farmer_sign_values(struct cf_farmer *f, const struct cf_request_signed_values *q,
                                  cf_farmer_signed_fn cb, void *arg)
{
    const struct win *w = NULL;
    struct harv *h;
    struct sv_req *r;
    struct cf_request_signatures rq = {0};
    struct cf_buf b;
    enum cf_err err;

    for (size_t i = 0; i < f->nwins; i++)
        if (f->wins[i].signed_sp && memcmp(f->wins[i].quality, q->quality_string, 32) == 0)
            w = &f->wins[i];
    if (w == NULL)
        return cf_err_set(CF_ERR_NOT_FOUND, "no proof with this quality");
    if ((h = harv_by_node(f, w->node_id)) == NULL)
        return cf_err_set(CF_ERR_CLOSED, "the harvester of this proof is gone");
    if ((r = calloc(1, sizeof *r)) == NULL)
        return CF_ERR_NOMEM;
    r->f = f;
    memcpy(r->quality, q->quality_string, 32);
    memcpy(r->msgs[0], q->foliage_block_data_hash, 32);
    memcpy(r->msgs[1], q->foliage_transaction_block_hash, 32);
    r->cb = cb;
    r->arg = arg;
    rq.plot_identifier.s = w->plot_identifier;
    rq.plot_identifier.len = strlen(w->plot_identifier);
    memcpy(rq.challenge_hash, w->sp.challenge_hash, 32);
    memcpy(rq.sp_hash, w->sp.cc_sp, 32);
    rq.messages.items = r->msgs;
    rq.messages.count = 2;
    cf_buf_init(&b, 1u << 20);
    err = cf_proto_encode(CF_CLS_REQUEST_SIGNATURES, h->ver, &rq, &b);
    if (err == CF_OK)
        err = cf_peer_request(h->peer, CF_MSG_REQUEST_SIGNATURES, b.data, b.len, SIGN_TIMEOUT_MS,
                              on_sv_response, r);
    cf_buf_free(&b);
    if (err != CF_OK) {
        free(r);
        return err;
    }
    r->next = f->svs;
    f->svs = r;
    return CF_OK;
}

/* ---- life cycle ---- */

static const uint8_t sync_types[] = {
    CF_MSG_PLOT_SYNC_START,      CF_MSG_PLOT_SYNC_LOADED,  CF_MSG_PLOT_SYNC_LOADED2,
    CF_MSG_PLOT_SYNC_REMOVED,    CF_MSG_PLOT_SYNC_INVALID, CF_MSG_PLOT_SYNC_KEYS_MISSING,
    CF_MSG_PLOT_SYNC_DUPLICATES, CF_MSG_PLOT_SYNC_DONE,
};

static enum cf_err register_handlers(struct cf_farmer *f)
{
    uint32_t hv = CF_PEER_NODE_BIT(CF_PEER_HARVESTER);
    static const uint8_t other[] = {CF_MSG_RESPOND_PLOTS, CF_MSG_RESPOND_PLOTS2,
                                    CF_MSG_PARTIAL_PROOFS, CF_MSG_ERROR};
    enum cf_err err = CF_OK;

    err = cf_peer_handle(f->svc, CF_MSG_NEW_PROOF_OF_SPACE, hv, on_proof, f);
    if (err == CF_OK)
        err = cf_peer_handle(f->svc, CF_MSG_RESPOND_SIGNATURES, hv, on_signatures, f);
    if (err == CF_OK)
        err = cf_peer_handle(f->svc, CF_MSG_FARMING_INFO, hv, on_farming_info, f);
    for (size_t i = 0; err == CF_OK && i < sizeof sync_types; i++)
        err = cf_peer_handle(f->svc, sync_types[i], hv, on_plot_sync, f);
    for (size_t i = 0; err == CF_OK && i < sizeof other; i++)
        err = cf_peer_handle(f->svc, other[i], other[i] == CF_MSG_ERROR ? CF_PEER_ANY_NODE : hv,
                             on_other, f);
    return err;
}

enum cf_err cf_farmer_new(struct cf_loop *loop, const struct cf_farmer_options *opt,
                          struct cf_farmer_keys *keys, struct cf_farmer **out)
{
    struct cf_farmer *f = calloc(1, sizeof *f);
    struct cf_peer_config pc = {0};
    enum cf_err err;

    *out = NULL;
    if (f == NULL)
        return CF_ERR_NOMEM;
    f->loop = loop;
    f->start_ms = cf_loop_now_ms(loop);
    memcpy(f->farmer_ph, opt->farmer_puzzle_hash, 32);
    memcpy(f->pool_ph, opt->pool_puzzle_hash, 32);
    if (opt->status_path && (f->status_path = strdup(opt->status_path)) == NULL) {
        free(f);
        return CF_ERR_NOMEM;
    }
    pc.network_id = opt->network_id ? opt->network_id : "mainnet";
    pc.node_type = CF_PEER_FARMER;
    pc.software_version = "cfarm 0.1.0";
    pc.server_port = opt->port ? opt->port : CF_PEER_DEFAULT_PORT_FARMER;
    pc.ca_crt = opt->ca_crt;
    pc.crt = opt->crt;
    pc.key = opt->key;
    pc.limit_local = opt->limit_local;
    pc.on_connect = on_connect;
    pc.on_disconnect = on_disconnect;
    pc.user = f;
    err = cf_peer_service_new(loop, &pc, &f->svc);
    if (err == CF_OK)
        err = register_handlers(f);
    if (err == CF_OK)
        err = cf_peer_listen(f->svc, opt->listen_host, opt->port, &f->port);
    if (err != CF_OK) {
        cf_farmer_free(f);
        return err;
    }
    f->keys = *keys;
    memset(keys, 0, sizeof *keys);
    *out = f;
    return CF_OK;
}

void cf_farmer_free(struct cf_farmer *f)
{
    if (f == NULL)
        return;
    cf_peer_service_free(f->svc);
    for (size_t i = 0; i < f->nh; i++)
        harv_free(f->h[i]);
    free(f->h);
    while (f->svs) {
        struct sv_req *r = f->svs;

        f->svs = r->next;
        free(r);
    }
    if (f->src)
        f->src->ops->free(f->src);
    for (size_t i = 0; i < f->nwins; i++)
        win_free(&f->wins[i]);
    free(f->wins);
    free(f->sps);
    free(f->status_path);
    cf_farmer_keys_wipe(&f->keys);
    free(f);
}

uint16_t cf_farmer_port(const struct cf_farmer *f)
{
    return f->port;
}

void cf_farmer_set_source(struct cf_farmer *f, struct cf_sp_source *src)
{
    if (f->src)
        f->src->ops->free(f->src);
    f->src = src;
    src->farmer = f;
}

void cf_farmer_stats(const struct cf_farmer *f, struct cf_farmer_stats *out)
{
    *out = f->st;
    out->harvesters = f->nh;
    out->plots = 0;
    for (size_t i = 0; i < f->nh; i++)
        out->plots += cf_plotsync_plot_count(f->h[i]->rx);
    out->blocks_won = f->src ? f->src->blocks_won : 0;
}

const struct cf_plotsync *cf_farmer_harvester_plots(const struct cf_farmer *f,
                                                    const uint8_t node_id[32])
{
    struct harv *h = harv_by_node(f, node_id);

    return h ? h->rx : NULL;
}

/* ---- metrics (Prometheus text format, the harvester's style) ---- */

enum cf_err cf_farmer_metrics(const struct cf_farmer *f, struct cf_buf *out)
{
    static const struct {
        const char *name, *type;
        size_t off;
    } m[] = {
        {"signage_points_total", "counter", offsetof(struct cf_farmer_stats, signage_points)},
        {"proofs_received_total", "counter", offsetof(struct cf_farmer_stats, proofs)},
        {"proofs_invalid_total", "counter", offsetof(struct cf_farmer_stats, proofs_invalid)},
        {"proofs_found_total", "counter", offsetof(struct cf_farmer_stats, proofs_winning)},
        {"signatures_verified_total", "counter", offsetof(struct cf_farmer_stats, signatures_ok)},
        {"signatures_bad_total", "counter", offsetof(struct cf_farmer_stats, signatures_bad)},
        {"proofs_declared_total", "counter", offsetof(struct cf_farmer_stats, declared)},
        {"block_signatures_total", "counter", offsetof(struct cf_farmer_stats, signed_values)},
        {"blocks_won_total", "counter", offsetof(struct cf_farmer_stats, blocks_won)},
        {"plots_passed_filter_total", "counter", offsetof(struct cf_farmer_stats, plots_passed)},
        {"harvesters", "gauge", offsetof(struct cf_farmer_stats, harvesters)},
        {"plots", "gauge", offsetof(struct cf_farmer_stats, plots)},
    };
    struct cf_farmer_stats st;
    enum cf_err err = CF_OK;

    cf_farmer_stats(f, &st);
    for (size_t i = 0; err == CF_OK && i < sizeof m / sizeof m[0]; i++)
        err = cf_buf_printf(out, "# TYPE cfarm_farmer_%s %s\ncfarm_farmer_%s %llu\n", m[i].name,
                            m[i].type, m[i].name,
                            (unsigned long long)*(const uint64_t *)((const char *)&st + m[i].off));
    if (err == CF_OK)
        err = cf_buf_printf(out, "# TYPE cfarm_farmer_harvester_plots gauge\n");
    for (size_t i = 0; err == CF_OK && i < f->nh; i++) {
        char id[65];

        cf_hex_encode(id, f->h[i]->node_id, 32);
        err = cf_buf_printf(out, "cfarm_farmer_harvester_plots{node_id=\"%s\"} %zu\n", id,
                            cf_plotsync_plot_count(f->h[i]->rx));
    }
    return err;
}

/* ---- status file for `cfarm farm summary` ---- */

static double expected_time(const struct cf_farmer *f)
{
    const struct sp_ent *last = f->nsps ? &f->sps[f->nsps - 1] : NULL;
    size_t n = 0, j = 0;
    uint8_t *ks;
    double t;

    if (last == NULL || f->src == NULL)
        return 0;
    for (size_t i = 0; i < f->nh; i++)
        n += cf_plotsync_plot_count(f->h[i]->rx);
    if ((ks = malloc(n ? n : 1)) == NULL)
        return 0;
    for (size_t i = 0; i < f->nh; i++)
        for (size_t k = 0; k < cf_plotsync_plot_count(f->h[i]->rx); k++) {
            uint8_t size = cf_plotsync_plot_at(f->h[i]->rx, k)->size;

            ks[j++] = size >= f->src->rules.min_k && size <= f->src->rules.max_k ? size : 0;
        }
    t = cf_farmer_expected_time_to_win(ks, n, last->sp.difficulty, last->sp.sub_slot_iters,
                                       last->sp.peak_height, f->src->ops->sp_seconds(f->src));
    free(ks);
    return t;
}

static void status_harvester(struct cf_jw *w, const struct harv *h)
{
    uint32_t done = 0, total = 0;
    char id[65];

    cf_hex_encode(id, h->node_id, 32);
    cf_jw_obj_begin(w);
    cf_jw_key(w, "name");
    cf_jw_str(w, h->name);
    cf_jw_key(w, "node_id");
    cf_jw_str(w, id);
    cf_jw_key(w, "address");
    cf_jw_str(w, cf_peer_addr(h->peer));
    cf_jw_key(w, "protocol_version");
    cf_jw_str(w, h->version);
    cf_jw_key(w, "plots");
    cf_jw_u64(w, cf_plotsync_plot_count(h->rx));
    cf_jw_key(w, "total_plot_size");
    cf_jw_u64(w, cf_plotsync_total_size(h->rx));
    cf_jw_key(w, "failed_to_open");
    cf_jw_u64(w, cf_plotsync_invalid_count(h->rx));
    cf_jw_key(w, "no_key");
    cf_jw_u64(w, cf_plotsync_keys_missing_count(h->rx));
    cf_jw_key(w, "duplicates");
    cf_jw_u64(w, cf_plotsync_duplicates_count(h->rx));
    cf_jw_key(w, "syncing");
    if (cf_plotsync_syncing(h->rx, &done, &total)) {
        cf_jw_obj_begin(w);
        cf_jw_key(w, "processed");
        cf_jw_u64(w, done);
        cf_jw_key(w, "total");
        cf_jw_u64(w, total);
        cf_jw_obj_end(w);
    } else {
        cf_jw_null(w);
    }
    cf_jw_key(w, "signage_points");
    cf_jw_u64(w, h->sps);
    cf_jw_key(w, "plots_passed_filter");
    cf_jw_u64(w, h->passed);
    cf_jw_key(w, "proofs");
    cf_jw_u64(w, h->proofs);
    cf_jw_key(w, "invalid_proofs");
    cf_jw_u64(w, h->invalid);
    cf_jw_key(w, "signatures_ok");
    cf_jw_u64(w, h->sig_ok);
    cf_jw_key(w, "signatures_bad");
    cf_jw_u64(w, h->sig_bad);
    cf_jw_key(w, "max_lookup_seconds");
    cf_jw_double(w, (double)h->lookup_max_us / 1e6);
    cf_jw_obj_end(w);
}

static void status_json(const struct cf_farmer *f, struct cf_jw *w)
{
    struct cf_farmer_stats st;
    static const struct {
        const char *key;
        size_t off;
    } counters[] = {
        {"signage_points", offsetof(struct cf_farmer_stats, signage_points)},
        {"proofs_received", offsetof(struct cf_farmer_stats, proofs)},
        {"proofs_valid", offsetof(struct cf_farmer_stats, proofs_valid)},
        {"proofs_invalid", offsetof(struct cf_farmer_stats, proofs_invalid)},
        {"proofs_found", offsetof(struct cf_farmer_stats, proofs_winning)},
        {"signatures_verified", offsetof(struct cf_farmer_stats, signatures_ok)},
        {"signatures_bad", offsetof(struct cf_farmer_stats, signatures_bad)},
        {"proofs_declared", offsetof(struct cf_farmer_stats, declared)},
        {"block_signatures_verified", offsetof(struct cf_farmer_stats, signed_values)},
        {"blocks_won", offsetof(struct cf_farmer_stats, blocks_won)},
        {"harvesters_connected", offsetof(struct cf_farmer_stats, harvesters)},
        {"plots", offsetof(struct cf_farmer_stats, plots)},
        {"plots_passed_filter", offsetof(struct cf_farmer_stats, plots_passed)},
    };
    uint64_t size = 0;

    cf_farmer_stats(f, &st);
    for (size_t i = 0; i < f->nh; i++)
        size += cf_plotsync_total_size(f->h[i]->rx);
    cf_jw_obj_begin(w);
    cf_jw_key(w, "pid");
    cf_jw_u64(w, (uint64_t)getpid());
    cf_jw_key(w, "updated");
    cf_jw_u64(w, (uint64_t)time(NULL));
    cf_jw_key(w, "uptime_seconds");
    cf_jw_u64(w, (cf_loop_now_ms(f->loop) - f->start_ms) / 1000);
    cf_jw_key(w, "source");
    cf_jw_str(w, f->src ? f->src->ops->name : "none");
    cf_jw_key(w, "port");
    cf_jw_u64(w, f->port);
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        cf_jw_key(w, counters[i].key);
        cf_jw_u64(w, *(const uint64_t *)((const char *)&st + counters[i].off));
    }
    cf_jw_key(w, "total_plot_size");
    cf_jw_u64(w, size);
    cf_jw_key(w, "expected_time_to_win_seconds");
    cf_jw_double(w, expected_time(f));
    cf_jw_key(w, "harvesters");
    cf_jw_arr_begin(w);
    for (size_t i = 0; i < f->nh; i++)
        status_harvester(w, f->h[i]);
    cf_jw_arr_end(w);
    cf_jw_obj_end(w);
}

enum cf_err cf_farmer_write_status(struct cf_farmer *f)
{
    struct cf_buf b;
    struct cf_jw w;
    char tmp[4096];
    FILE *fp;
    enum cf_err err = CF_OK;

    if (f->status_path == NULL)
        return CF_OK;
    cf_buf_init(&b, 64u << 20);
    cf_jw_init(&w, &b, 2);
    status_json(f, &w);
    snprintf(tmp, sizeof tmp, "%s.tmp", f->status_path);
    if (w.err != CF_OK || cf_buf_putc(&b, '\n') != CF_OK)
        err = CF_ERR_NOMEM;
    else if ((fp = fopen(tmp, "w")) == NULL)
        err = cf_err_set(CF_ERR_IO, "%s: %s", tmp, strerror(errno));
    else {
        if (fwrite(b.data, 1, b.len, fp) != b.len)
            err = cf_err_set(CF_ERR_IO, "%s: write failed", tmp);
        if (fclose(fp) != 0 && err == CF_OK)
            err = cf_err_set(CF_ERR_IO, "%s: close failed", tmp);
        if (err == CF_OK && rename(tmp, f->status_path) != 0)
            err = cf_err_set(CF_ERR_IO, "%s: %s", f->status_path, strerror(errno));
    }
    cf_buf_free(&b);
    return err;
}

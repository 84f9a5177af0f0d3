/*
 * fullnode.c: the farmer protocol to a Chia full node, as a signage-point source.
 *
 * The farmer dials the node (port 8444) with its public certificate (public_farmer.crt, signed by
 * Chia's public CA, which is also the trust anchor for the node's certificate) and announces
 * itself as FARMER. Then:
 *   node -> farmer  NewSignagePoint (8)       -> cf_farmer_signage_point
 *   farmer -> node  DeclareProofOfSpace (9)   on each winning proof, to every connected node
 *   node -> farmer  RequestSignedValues (10)  -> cf_farmer_sign_values -> SignedValues (11)
 * Every body is read and written in the layout of the node's announced protocol version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/farmer.h"
#include "cfarm/hex.h"
#include "cfarm/log.h"
#include "cfarm/peer.h"

#define MOD "cfarm.fullnode"

struct node;

struct fn {
    struct cf_sp_source base;
    struct cf_peer_service *svc;
    struct cf_peer_dialer *dialer;
    struct node *nodes;
    char host[256];
    uint16_t port;
};

struct node {
    struct node *next;
    struct fn *fn;
    struct cf_peer *peer;
    int ver;
};

/* A RequestSignedValues waiting for the farmer. */
struct sv_wait {
    struct fn *fn;
    struct cf_peer *peer;
    bool has_id;
    uint16_t id;
};

static struct node *node_of(struct fn *s, const struct cf_peer *p)
{
    for (struct node *n = s->nodes; n; n = n->next)
        if (n->peer == p)
            return n;
    return NULL;
}

static void on_connect(struct cf_peer *p, void *user)
{
    struct fn *s = user;
    const struct cf_peer_handshake *hs = cf_peer_handshake(p);
    struct node *n;
    int ver;

    if (cf_proto_version_parse(hs->protocol_version, &ver) != CF_OK) {
        cf_log(CF_LOG_WARNING, MOD, "full node %s announced protocol %s: not supported",
               cf_peer_addr(p), hs->protocol_version);
        cf_peer_close(p, CF_ERR_UNSUPPORTED);
        return;
    }
    if ((n = calloc(1, sizeof *n)) == NULL) {
        cf_peer_close(p, CF_ERR_NOMEM);
        return;
    }
    n->fn = s;
    n->peer = p;
    n->ver = ver;
    n->next = s->nodes;
    s->nodes = n;
    cf_log(CF_LOG_INFO, MOD, "connected to full node %s (%s %s)", cf_peer_addr(p),
           hs->protocol_version, hs->software_version);
}

static void on_disconnect(struct cf_peer *p, enum cf_err why, const char *detail, void *user)
{
    struct fn *s = user;

    for (struct node **pp = &s->nodes; *pp; pp = &(*pp)->next)
        if ((*pp)->peer == p) {
            struct node *n = *pp;

            *pp = n->next;
            free(n);
            break;
        }
    cf_log(CF_LOG_INFO, MOD, "full node %s:%u %s%s%s", s->host, (unsigned)s->port,
           p ? "disconnected" : "not reachable", why == CF_OK ? "" : ": ",
           why == CF_OK ? "" : (detail && *detail ? detail : cf_strerror(why)));
}

static enum cf_err on_new_sp(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct fn *s = user;
    struct node *n = node_of(s, p);
    struct cf_new_signage_point nsp;
    struct cf_farmer_sp sp = {0};
    enum cf_err err;

    if (n == NULL)
        return CF_OK;
    if ((err = cf_proto_decode(CF_CLS_NEW_SIGNAGE_POINT, n->ver, m->data, m->len, &nsp)))
        return err;
    memcpy(sp.challenge_hash, nsp.challenge_hash, 32);
    memcpy(sp.cc_sp, nsp.challenge_chain_sp, 32);
    memcpy(sp.rc_sp, nsp.reward_chain_sp, 32);
    sp.difficulty = nsp.difficulty;
    sp.sub_slot_iters = nsp.sub_slot_iters;
    sp.index = nsp.signage_point_index;
    sp.peak_height = nsp.peak_height;
    sp.last_tx_height = nsp.last_tx_height;
    sp.has_filter_challenge = nsp.filter_challenge.present;
    memcpy(sp.filter_challenge, nsp.filter_challenge.v, 32);
    cf_proto_free(CF_CLS_NEW_SIGNAGE_POINT, &nsp);
    if (s->base.farmer)
        cf_farmer_signage_point(s->base.farmer, &sp);
    return CF_OK;
}

static void on_signed(void *arg, enum cf_err err, const struct cf_signed_values *sv)
{
    struct sv_wait *w = arg;
    struct node *n = node_of(w->fn, w->peer);
    struct cf_peer_msg req = {
        .type = CF_MSG_REQUEST_SIGNED_VALUES, .has_id = w->has_id, .id = w->id};
    struct cf_buf b;

    if (err == CF_OK && n != NULL) {
        cf_buf_init(&b, 4096);
        if (cf_proto_encode(CF_CLS_SIGNED_VALUES, n->ver, sv, &b) == CF_OK &&
            cf_peer_reply(n->peer, &req, CF_MSG_SIGNED_VALUES, b.data, b.len) == CF_OK)
            cf_log(CF_LOG_INFO, MOD, "sent the block signatures to %s", cf_peer_addr(n->peer));
        cf_buf_free(&b);
    }
    free(w);
}

static enum cf_err on_request_signed(struct cf_peer *p, const struct cf_peer_msg *m, void *user)
{
    struct fn *s = user;
    struct node *n = node_of(s, p);
    struct cf_request_signed_values r;
    struct sv_wait *w;
    enum cf_err err;

    if (n == NULL || s->base.farmer == NULL)
        return CF_OK;
    if ((err = cf_proto_decode(CF_CLS_REQUEST_SIGNED_VALUES, n->ver, m->data, m->len, &r)))
        return err;
    if ((w = calloc(1, sizeof *w)) != NULL) {
        w->fn = s;
        w->peer = p;
        w->has_id = m->has_id;
        w->id = m->id;
        if ((err = cf_farmer_sign_values(s->base.farmer, &r, on_signed, w)) != CF_OK) {
            cf_log(CF_LOG_WARNING, MOD, "cannot sign values for %s: %s", cf_peer_addr(p),
                   cf_err_detail());
            free(w);
        }
    }
    cf_proto_free(CF_CLS_REQUEST_SIGNED_VALUES, &r);
    return CF_OK;
}

static void declare(struct cf_sp_source *src, const struct cf_declare_proof_of_space *d,
                    const struct cf_farmer_verdict *v)
{
    struct fn *s = (struct fn *)src;
    size_t sent = 0;

    (void)v;
    for (struct node *n = s->nodes; n; n = n->next) {
        struct cf_buf b;

        cf_buf_init(&b, 1u << 20);
        if (cf_proto_encode(CF_CLS_DECLARE_PROOF_OF_SPACE, n->ver, d, &b) == CF_OK &&
            cf_peer_send(n->peer, CF_MSG_DECLARE_PROOF_OF_SPACE, b.data, b.len) == CF_OK)
            sent++;
        cf_buf_free(&b);
    }
    cf_log(sent ? CF_LOG_INFO : CF_LOG_WARNING, MOD, "proof declared to %zu full node%s", sent,
           sent == 1 ? "" : "s");
}

static double sp_seconds(struct cf_sp_source *src)
{
    (void)src;
    return 600.0 / CF_FARMER_NUM_SPS;
}

static void fn_free(struct cf_sp_source *src)
{
    struct fn *s = (struct fn *)src;

    cf_peer_dialer_free(s->dialer);
    cf_peer_service_free(s->svc);
    while (s->nodes) {
        struct node *n = s->nodes;

        s->nodes = n->next;
        free(n);
    }
    free(s);
}

static const struct cf_sp_source_ops fn_ops = {"full node", declare, sp_seconds, fn_free};

bool cf_fullnode_connected(const struct cf_sp_source *src)
{
    return src->ops == &fn_ops && ((const struct fn *)src)->nodes != NULL;
}

enum cf_err cf_fullnode_new(struct cf_loop *loop, const struct cf_fullnode_options *o,
                            struct cf_sp_source **out)
{
    struct fn *s = calloc(1, sizeof *s);
    struct cf_peer_config pc = {0};
    uint32_t node = CF_PEER_NODE_BIT(CF_PEER_FULL_NODE);
    enum cf_err err;

    *out = NULL;
    if (s == NULL)
        return CF_ERR_NOMEM;
    s->base.ops = &fn_ops;
    s->base.rules.min_k = 32;
    s->base.rules.max_k = 50;
    snprintf(s->host, sizeof s->host, "%s", o->host);
    s->port = o->port;
    pc.network_id = o->network_id ? o->network_id : "mainnet";
    pc.node_type = CF_PEER_FARMER;
    pc.software_version = "cfarm 0.1.0";
    pc.server_port = CF_PEER_DEFAULT_PORT_FARMER;
    pc.ca_crt = o->ca_crt;
    pc.crt = o->crt;
    pc.key = o->key;
    pc.limit_local = o->limit_local;
    pc.on_connect = on_connect;
    pc.on_disconnect = on_disconnect;
    pc.user = s;
    err = cf_peer_service_new(loop, &pc, &s->svc);
    if (err == CF_OK)
        err = cf_peer_handle(s->svc, CF_MSG_NEW_SIGNAGE_POINT, node, on_new_sp, s);
    if (err == CF_OK)
        err = cf_peer_handle(s->svc, CF_MSG_REQUEST_SIGNED_VALUES, node, on_request_signed, s);
    if (err == CF_OK)
        err = cf_peer_dial(s->svc, o->host, o->port, true, &s->dialer);
    if (err != CF_OK) {
        fn_free(&s->base);
        return err;
    }
    *out = &s->base;
    return CF_OK;
}

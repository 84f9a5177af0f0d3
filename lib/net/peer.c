/*
 * peer.c: Chia's peer protocol on top of net/ws: Handshake, request ids, limits, bans, dispatch,
 * listeners and reconnecting dialers. See cfarm/peer.h for the contract and docs/net.md for why.
 *
 * A connection is a struct cf_peer from the moment its socket exists; it becomes visible to the
 * service (on_connect) only once the Handshake exchange succeeded. Every way a connection ends
 * goes through the WebSocket's on_close, which is the one place that completes pending requests,
 * tells the service, frees the peer and lets a dialer schedule its next attempt.
 */
#include "cfarm/peer.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfarm/buf.h"
#include "net/ratelimit.h"
#include "net/tls.h"
#include "net/wire.h"
#include "net/ws.h"

#define BAN_PROTOCOL_S   10
#define BAN_RATE_S       300
#define TIMED_OUT_KEEP   256
#define MAX_QUEUED       (128u * 1024 * 1024)
#define MAX_DELAYED      (64u * 1024 * 1024)
#define OUTBOUND_PERCENT 30 /* Chia's outbound_rate_limit_percent */
#define DELAY_RETRY_MS   1000

/* Chia Err codes sent as the close reason. */
#define ERR_INVALID_HANDSHAKE        "-6"
#define ERR_INCOMPATIBLE_NETWORK_ID  "110"
#define ERR_INVALID_PROTOCOL_MESSAGE "-4"
#define ERR_UNKNOWN                  "1"

struct handler {
    cf_peer_handler_fn fn;
    void *user;
    uint32_t mask;
};

struct ban {
    char addr[64];
    uint64_t until;
    struct ban *next;
};

struct listener {
    struct cf_peer_service *s;
    int fd;
    struct cf_loop_io *io;
    struct cf_loop_timer *pause; /* out of descriptors: stop accepting for a moment */
    struct listener *next;
};

#define ACCEPT_PAUSE_MS 1000

struct pending {
    struct cf_peer *p;
    uint16_t id;
    cf_peer_response_fn cb;
    void *user;
    struct cf_loop_timer *timer;
    struct pending *next;
};

/* A frame held back by the outbound rate limit, sent in order once the limit allows. */
struct delayed {
    uint8_t type;
    size_t data_len;
    struct cf_buf frame;
    struct delayed *next;
};

enum peer_state { P_OPENING, P_HANDSHAKE, P_READY, P_CLOSING };

struct cf_peer {
    struct cf_peer_service *s;
    struct cf_ws *ws;
    struct cf_peer_dialer *dialer;
    bool outbound;
    enum peer_state state;
    bool was_ready;
    struct cf_peer_handshake hs;
    struct cf_loop_timer *hs_timer;
    uint16_t next_id;
    struct pending *pending;
    uint16_t timed_out[TIMED_OUT_KEEP];
    size_t n_timed_out;
    struct cf_rl rl_in, rl_out;
    struct delayed *delayed, *delayed_tail;
    size_t delayed_bytes;
    struct cf_loop_timer *delay_timer;
    struct cf_buf out;
    struct cf_peer_stats stats;
    void *user;
    enum cf_err close_err;
    char close_detail[256];
    struct cf_peer *prev, *next;
};

struct cf_peer_dialer {
    struct cf_peer_service *s;
    char host[256];
    uint16_t port;
    bool reconnect;
    struct cf_peer *peer;
    struct cf_loop_timer *retry;
    struct cf_peer_dialer *prev, *next;
};

struct cf_peer_service {
    struct cf_loop *loop;
    struct cf_peer_config cfg;
    char *network_id, *software_version;
    struct cf_peer_capability *caps;
    SSL_CTX *srv_ctx, *cli_ctx;
    uint8_t own_id[32];
    struct handler handlers[256];
    struct listener *listeners;
    struct cf_peer *peers;
    struct cf_peer_dialer *dialers;
    struct ban *bans;
    size_t connected;
};

static const struct cf_peer_capability default_caps[] = {{1, "1"}, {2, "1"}, {3, "1"}};

/* ---- versions ---- */

const char *cf_peer_protocol_version(uint8_t t)
{
    switch (t) {
    case CF_PEER_HARVESTER:
    case CF_PEER_FARMER:
    case CF_PEER_WALLET:
        return "0.0.38";
    case CF_PEER_SOLVER:
        return "0.0.37";
    default:
        return "0.0.36";
    }
}

int cf_peer_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        unsigned long x = 0, y = 0;

        while (*a >= '0' && *a <= '9' && x < 100000000)
            x = x * 10 + (unsigned long)(*a++ - '0');
        while (*b >= '0' && *b <= '9' && y < 100000000)
            y = y * 10 + (unsigned long)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        while (*a && *a != '.')
            a++;
        while (*b && *b != '.')
            b++;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
    }
    return 0;
}

/* ---- bans ---- */

static bool limits_apply(const struct cf_peer *p)
{
    return p->s->cfg.limit_local || !cf_ws_is_local(p->ws);
}

bool cf_peer_banned(struct cf_peer_service *s, const char *addr)
{
    uint64_t now = cf_loop_now_ms(s->loop);

    for (struct ban **b = &s->bans; *b;) {
        if ((*b)->until <= now) {
            struct ban *dead = *b;

            *b = dead->next;
            free(dead);
            continue;
        }
        if (strcmp((*b)->addr, addr) == 0)
            return true;
        b = &(*b)->next;
    }
    return false;
}

static void ban(struct cf_peer *p, unsigned seconds)
{
    struct cf_peer_service *s = p->s;
    uint64_t until = cf_loop_now_ms(s->loop) + seconds * 1000ull;
    struct ban *b;

    if (seconds == 0 || !limits_apply(p) || cf_ws_addr(p->ws)[0] == '\0')
        return;
    for (b = s->bans; b; b = b->next)
        if (strcmp(b->addr, cf_ws_addr(p->ws)) == 0) {
            if (b->until < until)
                b->until = until;
            return;
        }
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return;
    snprintf(b->addr, sizeof b->addr, "%s", cf_ws_addr(p->ws));
    b->until = until;
    b->next = s->bans;
    s->bans = b;
}

/* ---- closing ---- */

/* Close because of err: WebSocket code and Chia reason, ban, and remember why for on_disconnect. */
static void peer_fail(struct cf_peer *p, enum cf_err err, uint16_t code, const char *reason,
                      unsigned ban_s)
{
    if (p->state == P_CLOSING)
        return;
    p->close_err = err;
    snprintf(p->close_detail, sizeof p->close_detail, "%s%s%s", cf_strerror(err),
             cf_err_detail()[0] ? ": " : "", cf_err_detail());
    p->state = P_CLOSING;
    ban(p, ban_s);
    cf_ws_close(p->ws, code, reason);
}

void cf_peer_close(struct cf_peer *p, enum cf_err why)
{
    if (why == CF_OK)
        cf_err_clear();
    peer_fail(p, why, why == CF_OK ? 1000 : 1002, why == CF_OK ? "" : ERR_UNKNOWN, 0);
}

static void pending_free(struct pending *q)
{
    cf_loop_timer_free(q->timer);
    free(q);
}

static void dial_later(struct cf_peer_dialer *d);

static void unlink_peer(struct cf_peer *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        p->s->peers = p->next;
    if (p->next)
        p->next->prev = p->prev;
}

static void peer_destroy(struct cf_peer *p)
{
    while (p->pending) {
        struct pending *q = p->pending;

        p->pending = q->next;
        pending_free(q);
    }
    while (p->delayed) {
        struct delayed *dl = p->delayed;

        p->delayed = dl->next;
        cf_buf_free(&dl->frame);
        free(dl);
    }
    cf_loop_timer_free(p->delay_timer);
    cf_loop_timer_free(p->hs_timer);
    cf_wire_handshake_free(&p->hs);
    cf_buf_free(&p->out);
    cf_ws_free(p->ws);
    free(p);
}

/* Why the peer closed on us: Chia puts its Err number in the reason of a 1002 close. */
static enum cf_err remote_close_reason(struct cf_peer *p, struct cf_ws *ws, enum cf_err why,
                                       uint16_t recv)
{
    const char *reason = cf_ws_close_reason(ws);
    enum cf_err err = why;

    if (why != CF_OK) /* the transport ended it for its own reason (timeout, bad frame, EOF) */
        recv = 0;
    if (recv == 1002 && strcmp(reason, ERR_INCOMPATIBLE_NETWORK_ID) == 0)
        err = cf_err_set(CF_ERR_NETWORK_ID, "the peer is on another network");
    else if (recv == 1002 && strcmp(reason, ERR_INVALID_HANDSHAKE) == 0)
        err = cf_err_set(CF_ERR_HANDSHAKE, "the peer refused our Handshake");
    else if (recv != 0 && recv != 1000)
        err = cf_err_set(CF_ERR_PROTOCOL, "the peer closed with code %u reason '%s'",
                         (unsigned)recv, reason);
    if (err == CF_OK)
        cf_err_clear(); /* a clean close has no detail; do not show a stale one */
    snprintf(p->close_detail, sizeof p->close_detail, "%s%s%s", cf_strerror(err),
             cf_err_detail()[0] ? ": " : "", cf_err_detail());
    return err;
}

static void ws_on_close(struct cf_ws *ws, enum cf_err why, uint16_t sent, uint16_t recv, void *u)
{
    struct cf_peer *p = u;
    struct cf_peer_service *s = p->s;
    struct cf_peer_dialer *d = p->dialer;
    enum cf_err err = p->state == P_CLOSING ? p->close_err : why;

    if (p->state != P_CLOSING)
        err = remote_close_reason(p, ws, why, recv);
    p->state = P_CLOSING; /* callbacks below may no longer send or request */
    if (sent == 1009) {   /* wslay refused an oversized message */
        err = CF_ERR_TOO_LARGE;
        snprintf(p->close_detail, sizeof p->close_detail, "message over %u bytes",
                 CF_PEER_MAX_MESSAGE);
        ban(p, BAN_RATE_S);
    }
    while (p->pending) {
        struct pending *q = p->pending;

        p->pending = q->next;
        cf_err_set(CF_ERR_CLOSED, "connection closed");
        q->cb(p, CF_ERR_CLOSED, NULL, q->user);
        pending_free(q);
    }
    unlink_peer(p);
    if (p->was_ready) {
        s->connected--;
        if (s->cfg.on_disconnect)
            s->cfg.on_disconnect(p, err, p->close_detail, s->cfg.user);
    } else if (d && !d->reconnect && s->cfg.on_disconnect) {
        s->cfg.on_disconnect(NULL, err == CF_OK ? CF_ERR_CLOSED : err, p->close_detail,
                             s->cfg.user);
    }
    if (d) {
        d->peer = NULL;
        if (d->reconnect)
            dial_later(d);
    }
    peer_destroy(p);
}

/* ---- sending ---- */

/* Hold a frame back until the outbound limit allows it (Chia delays, it does not drop). */
static enum cf_err delay_frame(struct cf_peer *p, uint8_t type, size_t data_len)
{
    struct delayed *dl;

    if (p->delayed_bytes + p->out.len > MAX_DELAYED)
        return cf_err_set(CF_ERR_BUSY, "%zu bytes already held back by the rate limit",
                          p->delayed_bytes);
    dl = calloc(1, sizeof *dl);
    if (dl == NULL)
        return CF_ERR_NOMEM;
    dl->type = type;
    dl->data_len = data_len;
    cf_buf_init(&dl->frame, CF_PEER_MAX_MESSAGE);
    if (cf_buf_append(&dl->frame, p->out.data, p->out.len) != CF_OK) {
        free(dl);
        return CF_ERR_NOMEM;
    }
    if (p->delayed_tail)
        p->delayed_tail->next = dl;
    else
        p->delayed = dl;
    p->delayed_tail = dl;
    p->delayed_bytes += p->out.len;
    if (!cf_loop_timer_active(p->delay_timer))
        cf_loop_timer_start(p->delay_timer, DELAY_RETRY_MS);
    return CF_OK;
}

static void on_delay_timer(struct cf_loop_timer *t, void *arg)
{
    struct cf_peer *p = arg;

    while (p->delayed && p->state != P_CLOSING &&
           cf_rl_check(&p->rl_out, cf_loop_now_ms(p->s->loop), p->delayed->type,
                       p->delayed->data_len, OUTBOUND_PERCENT, 0) == CF_OK) {
        struct delayed *dl = p->delayed;

        cf_ws_send(p->ws, dl->frame.data, dl->frame.len);
        p->delayed = dl->next;
        if (p->delayed == NULL)
            p->delayed_tail = NULL;
        p->delayed_bytes -= dl->frame.len;
        cf_buf_free(&dl->frame);
        free(dl);
    }
    if (p->delayed && p->state != P_CLOSING)
        cf_loop_timer_start(t, DELAY_RETRY_MS);
}

static enum cf_err send_frame(struct cf_peer *p, uint8_t type, bool has_id, uint16_t id,
                              const uint8_t *data, size_t len)
{
    enum cf_err err;

    if (p->state == P_CLOSING || p->state == P_OPENING)
        return cf_err_set(CF_ERR_CLOSED, "connection closing");
    if (len > CF_PEER_MAX_MESSAGE - 8)
        return cf_err_set(CF_ERR_TOO_LARGE, "message of %zu bytes", len);
    p->out.len = 0;
    err = cf_wire_msg_write(&p->out, type, has_id, id, data, len);
    if (!err && limits_apply(p) &&
        (p->delayed || cf_rl_check(&p->rl_out, cf_loop_now_ms(p->s->loop), type, len,
                                   OUTBOUND_PERCENT, 0) != CF_OK))
        err = delay_frame(p, type, len);
    else if (!err)
        err = cf_ws_send(p->ws, p->out.data, p->out.len);
    if (!err) {
        p->stats.msgs_out++;
        p->stats.bytes_out += p->out.len;
    }
    if (p->out.cap > 65536) { /* do not keep a large scratch buffer per connection */
        cf_buf_free(&p->out);
        cf_buf_init(&p->out, CF_PEER_MAX_MESSAGE);
    }
    return err;
}

enum cf_err cf_peer_send(struct cf_peer *p, uint8_t type, const uint8_t *data, size_t len)
{
    if (p->state != P_READY)
        return cf_err_set(CF_ERR_CLOSED, "peer not connected");
    return send_frame(p, type, false, 0, data, len);
}

enum cf_err cf_peer_reply(struct cf_peer *p, const struct cf_peer_msg *req, uint8_t type,
                          const uint8_t *data, size_t len)
{
    if (p->state != P_READY)
        return cf_err_set(CF_ERR_CLOSED, "peer not connected");
    return send_frame(p, type, req->has_id, req->id, data, len);
}

static bool id_busy(const struct cf_peer *p, uint16_t id)
{
    for (const struct pending *q = p->pending; q; q = q->next)
        if (q->id == id)
            return true;
    for (size_t i = 0; i < p->n_timed_out && i < TIMED_OUT_KEEP; i++)
        if (p->timed_out[i] == id)
            return true;
    return false;
}

/* Next free id in this side's half: the opener 0..0x7fff, the acceptor 0x8000..0xffff. */
static enum cf_err next_id(struct cf_peer *p, uint16_t *out)
{
    uint16_t base = p->outbound ? 0 : 0x8000;

    for (unsigned tries = 0; tries < 0x8000; tries++) {
        uint16_t id = (uint16_t)(base | (p->next_id & 0x7fff));

        p->next_id = (uint16_t)((p->next_id + 1) & 0x7fff);
        if (!id_busy(p, id)) {
            *out = id;
            return CF_OK;
        }
    }
    return cf_err_set(CF_ERR_BUSY, "no free request id");
}

static void remember_timed_out(struct cf_peer *p, uint16_t id)
{
    p->timed_out[p->n_timed_out % TIMED_OUT_KEEP] = id;
    p->n_timed_out++;
}

static void unlink_pending(struct cf_peer *p, struct pending *q)
{
    for (struct pending **pp = &p->pending; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            return;
        }
}

static void on_request_timeout(struct cf_loop_timer *t, void *arg)
{
    struct pending *q = arg;
    struct cf_peer *p = q->p;

    (void)t;
    unlink_pending(p, q);
    remember_timed_out(p, q->id);
    cf_err_set(CF_ERR_TIMEOUT, "no response to request %u", (unsigned)q->id);
    q->cb(p, CF_ERR_TIMEOUT, NULL, q->user);
    pending_free(q);
}

enum cf_err cf_peer_request(struct cf_peer *p, uint8_t type, const uint8_t *data, size_t len,
                            uint64_t timeout_ms, cf_peer_response_fn cb, void *user)
{
    struct pending *q;
    enum cf_err err;

    if (p->state != P_READY)
        return cf_err_set(CF_ERR_CLOSED, "peer not connected");
    q = calloc(1, sizeof *q);
    if (q == NULL)
        return CF_ERR_NOMEM;
    q->p = p;
    q->cb = cb;
    q->user = user;
    err = next_id(p, &q->id);
    if (!err)
        err = cf_loop_timer_new(p->s->loop, on_request_timeout, q, &q->timer);
    if (!err)
        err = cf_loop_timer_start(q->timer, timeout_ms ? timeout_ms : 60000);
    if (!err)
        err = send_frame(p, type, true, q->id, data, len);
    if (err) {
        pending_free(q);
        return err;
    }
    q->next = p->pending;
    p->pending = q;
    return CF_OK;
}

/* ---- handshake ---- */

static enum cf_err send_handshake(struct cf_peer *p, uint8_t remote_type)
{
    const struct cf_peer_config *c = &p->s->cfg;
    struct cf_peer_handshake h = {
        .network_id = p->s->network_id,
        .protocol_version = (char *)(c->protocol_version ? c->protocol_version(remote_type)
                                                         : cf_peer_protocol_version(remote_type)),
        .software_version = p->s->software_version,
        .server_port = c->server_port,
        .node_type = c->node_type,
        .caps = p->s->caps,
        .ncaps = c->ncaps,
    };
    struct cf_buf body;
    enum cf_err err;

    cf_buf_init(&body, 64 * 1024);
    err = cf_wire_handshake_encode(&body, &h);
    if (!err)
        err = send_frame(p, CF_PEER_MSG_HANDSHAKE, false, 0, body.data, body.len);
    cf_buf_free(&body);
    return err;
}

static void become_ready(struct cf_peer *p)
{
    struct cf_peer_service *s = p->s;

    cf_loop_timer_stop(p->hs_timer);
    if (memcmp(cf_ws_node_id(p->ws), s->own_id, 32) == 0) {
        cf_err_set(CF_ERR_PROTOCOL, "connected to ourselves");
        peer_fail(p, CF_ERR_PROTOCOL, 1000, "", 0);
        return;
    }
    for (struct cf_peer *o = s->peers; o; o = o->next)
        if (o != p && o->state == P_READY &&
            memcmp(cf_ws_node_id(o->ws), cf_ws_node_id(p->ws), 32) == 0) {
            cf_err_set(CF_ERR_EXISTS, "replaced by a newer connection from the same node");
            peer_fail(o, CF_ERR_EXISTS, 1000, "", 0);
        }
    p->state = P_READY;
    p->was_ready = true;
    p->stats.connected_ms = cf_loop_now_ms(s->loop);
    s->connected++;
    if (s->cfg.on_connect)
        s->cfg.on_connect(p, s->cfg.user);
}

static void on_handshake_msg(struct cf_peer *p, const struct cf_peer_msg *m)
{
    struct cf_peer_service *s = p->s;
    enum cf_err err;

    if (m->type != CF_PEER_MSG_HANDSHAKE) {
        cf_err_set(CF_ERR_HANDSHAKE, "message type %u before the Handshake", m->type);
        peer_fail(p, CF_ERR_HANDSHAKE, 1002, ERR_INVALID_HANDSHAKE, BAN_PROTOCOL_S);
        return;
    }
    err = cf_wire_handshake_decode(m->data, m->len, &p->hs);
    if (err) {
        cf_err_set(CF_ERR_HANDSHAKE, "Handshake does not parse: %s", cf_strerror(err));
        peer_fail(p, CF_ERR_HANDSHAKE, 1002, ERR_INVALID_HANDSHAKE, BAN_PROTOCOL_S);
        return;
    }
    if (strcmp(p->hs.network_id, s->network_id) != 0) {
        cf_err_set(CF_ERR_NETWORK_ID, "peer is on network '%.64s', we are on '%s'",
                   p->hs.network_id, s->network_id);
        peer_fail(p, CF_ERR_NETWORK_ID, 1002, ERR_INCOMPATIBLE_NETWORK_ID, BAN_PROTOCOL_S);
        return;
    }
    if (strlen(p->hs.software_version) > 128 || p->hs.node_type < CF_PEER_FULL_NODE ||
        p->hs.node_type > CF_PEER_SOLVER) {
        cf_err_set(CF_ERR_HANDSHAKE, "bad software version or node type %u", p->hs.node_type);
        peer_fail(p, CF_ERR_HANDSHAKE, 1002, ERR_INVALID_HANDSHAKE, BAN_PROTOCOL_S);
        return;
    }
    if (!p->outbound && (err = send_handshake(p, p->hs.node_type)) != CF_OK) {
        peer_fail(p, err, 1011, ERR_UNKNOWN, 0);
        return;
    }
    become_ready(p);
}

static void on_handshake_timeout(struct cf_loop_timer *t, void *arg)
{
    struct cf_peer *p = arg;

    (void)t;
    cf_err_set(CF_ERR_TIMEOUT, "no Handshake in time");
    peer_fail(p, CF_ERR_TIMEOUT, 1002, ERR_INVALID_HANDSHAKE, 0);
}

/* ---- receiving ---- */

static bool was_timed_out(const struct cf_peer *p, uint16_t id)
{
    for (size_t i = 0; i < p->n_timed_out && i < TIMED_OUT_KEEP; i++)
        if (p->timed_out[i] == id)
            return true;
    return false;
}

static void dispatch(struct cf_peer *p, const struct cf_peer_msg *m)
{
    const struct handler *h = &p->s->handlers[m->type];
    enum cf_err err;

    if (m->has_id) {
        for (struct pending *q = p->pending; q; q = q->next)
            if (q->id == m->id) {
                unlink_pending(p, q);
                q->cb(p, CF_OK, m, q->user);
                pending_free(q);
                return;
            }
        if (was_timed_out(p, m->id))
            return;
    }
    if (h->fn == NULL || !(h->mask & CF_PEER_NODE_BIT(p->hs.node_type))) {
        cf_err_set(CF_ERR_UNKNOWN_TYPE, "message type %u from node type %u is not accepted",
                   m->type, p->hs.node_type);
        peer_fail(p, CF_ERR_UNKNOWN_TYPE, 1002, ERR_UNKNOWN, BAN_PROTOCOL_S);
        return;
    }
    cf_err_clear();
    err = h->fn(p, m, h->user);
    if (err)
        peer_fail(p, err, 1002, ERR_UNKNOWN, BAN_PROTOCOL_S);
}

static void ws_on_message(struct cf_ws *ws, const uint8_t *data, size_t len, void *u)
{
    struct cf_peer *p = u;
    struct cf_peer_msg m;
    enum cf_err err;

    (void)ws;
    if (p->state == P_CLOSING || p->state == P_OPENING)
        return;
    p->stats.msgs_in++;
    p->stats.bytes_in += len;
    err = cf_wire_msg_parse(data, len, &m);
    if (err) {
        peer_fail(p, CF_ERR_PROTOCOL, 1002,
                  p->state == P_HANDSHAKE ? ERR_INVALID_HANDSHAKE : ERR_INVALID_PROTOCOL_MESSAGE,
                  BAN_PROTOCOL_S);
        return;
    }
    if (limits_apply(p) &&
        cf_rl_check(&p->rl_in, cf_loop_now_ms(p->s->loop), m.type, m.len, 100, 1) != CF_OK) {
        peer_fail(p, CF_ERR_RATE_LIMIT, 1008, "rate limit", BAN_RATE_S);
        return;
    }
    if (p->state == P_HANDSHAKE)
        on_handshake_msg(p, &m);
    else
        dispatch(p, &m);
}

static void ws_on_open(struct cf_ws *ws, void *u)
{
    struct cf_peer *p = u;
    const struct cf_peer_config *c = &p->s->cfg;
    enum cf_err err;

    (void)ws;
    p->state = P_HANDSHAKE;
    cf_loop_timer_start(p->hs_timer,
                        p->outbound ? c->outbound_handshake_ms : c->inbound_handshake_ms);
    if (p->outbound && (err = send_handshake(p, c->node_type)) != CF_OK)
        peer_fail(p, err, 1011, ERR_UNKNOWN, 0);
}

static const struct cf_ws_cbs peer_ws_cbs = {ws_on_open, ws_on_message, ws_on_close};

/* ---- connections ---- */

static struct cf_peer *peer_new(struct cf_peer_service *s, bool outbound)
{
    struct cf_peer *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    p->s = s;
    p->outbound = outbound;
    cf_buf_init(&p->out, CF_PEER_MAX_MESSAGE);
    if (cf_loop_timer_new(s->loop, on_handshake_timeout, p, &p->hs_timer) != CF_OK ||
        cf_loop_timer_new(s->loop, on_delay_timer, p, &p->delay_timer) != CF_OK) {
        cf_loop_timer_free(p->hs_timer);
        free(p);
        return NULL;
    }
    p->next = s->peers;
    if (s->peers)
        s->peers->prev = p;
    s->peers = p;
    return p;
}

static void ws_opts(const struct cf_peer_service *s, bool outbound, struct cf_ws_opts *o)
{
    memset(o, 0, sizeof *o);
    o->open_timeout_ms = outbound ? s->cfg.outbound_handshake_ms : s->cfg.inbound_handshake_ms;
    o->ping_ms = outbound ? s->cfg.ping_ms : 0;
    /* aiohttp waits half the heartbeat for a pong; never less than 5 s on a busy machine */
    o->pong_timeout_ms = s->cfg.ping_ms / 2 > 5000 ? s->cfg.ping_ms / 2 : 5000;
    o->max_msg = CF_PEER_MAX_MESSAGE;
    o->max_queued = MAX_QUEUED;
}

static void on_accept_resume(struct cf_loop_timer *t, void *arg)
{
    struct listener *l = arg;

    (void)t;
    cf_loop_io_set(l->io, CF_LOOP_READ);
}

static void on_accept(struct cf_loop_io *io, int fd, unsigned events, void *arg)
{
    struct listener *l = arg;
    struct cf_ws_opts o;

    (void)io;
    (void)events;
    for (int i = 0; i < 64; i++) {
        int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct cf_peer *p;

        if (c < 0) {
            /* Without a free descriptor the pending connection stays queued and the listening
             * socket stays readable: pause instead of spinning. */
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                cf_loop_io_set(l->io, 0);
                cf_loop_timer_start(l->pause, ACCEPT_PAUSE_MS);
            }
            return;
        }
        p = peer_new(l->s, false);
        if (p == NULL) {
            close(c);
            continue;
        }
        ws_opts(l->s, false, &o);
        if (cf_ws_accept(l->s->loop, l->s->srv_ctx, c, &o, &peer_ws_cbs, p, &p->ws) != CF_OK) {
            unlink_peer(p);
            peer_destroy(p);
            continue;
        }
        if (limits_apply(p) && cf_peer_banned(l->s, cf_ws_addr(p->ws)))
            cf_ws_reject(p->ws, 403);
    }
}

enum cf_err cf_peer_listen(struct cf_peer_service *s, const char *host, uint16_t port,
                           uint16_t *bound)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    struct listener *l;
    char portstr[8];
    int fd, one = 1, rc;
    enum cf_err err;

    int zero = 0;

    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    /* no host: every address, IPv4 and IPv6 on one dual-stack socket where the system has IPv6 */
    rc = getaddrinfo(host ? host : "::", portstr, &hints, &ai);
    if (rc != 0 && host == NULL)
        rc = getaddrinfo("0.0.0.0", portstr, &hints, &ai);
    if (rc != 0)
        return cf_err_set(CF_ERR_IO, "resolve %s: %s", host ? host : "*", gai_strerror(rc));
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ai->ai_family == AF_INET6 && host == NULL)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 256) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        err = cf_err_set(CF_ERR_IO, "listen on %s:%u: %s", host ? host : "*", (unsigned)port,
                         strerror(errno));
        freeaddrinfo(ai);
        if (fd >= 0)
            close(fd);
        return err;
    }
    freeaddrinfo(ai);
    l = calloc(1, sizeof *l);
    if (l == NULL || cf_loop_timer_new(s->loop, on_accept_resume, l, &l->pause) != CF_OK ||
        cf_loop_io_new(s->loop, fd, CF_LOOP_READ, on_accept, l, &l->io) != CF_OK) {
        if (l)
            cf_loop_timer_free(l->pause);
        free(l);
        close(fd);
        return CF_ERR_NOMEM;
    }
    l->s = s;
    l->fd = fd;
    l->next = s->listeners;
    s->listeners = l;
    if (bound)
        *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                : ((struct sockaddr_in *)&ss)->sin_port);
    return CF_OK;
}

/* One connection attempt for a dialer. */
static enum cf_err dial_now(struct cf_peer_dialer *d)
{
    struct cf_peer *p = peer_new(d->s, true);
    struct cf_ws_opts o;
    enum cf_err err;

    if (p == NULL)
        return CF_ERR_NOMEM;
    ws_opts(d->s, true, &o);
    err = cf_ws_connect(d->s->loop, d->s->cli_ctx, d->host, d->port, &o, &peer_ws_cbs, p, &p->ws);
    if (err) {
        unlink_peer(p);
        peer_destroy(p);
        return err;
    }
    p->dialer = d;
    d->peer = p;
    return CF_OK;
}

static void on_retry(struct cf_loop_timer *t, void *arg)
{
    struct cf_peer_dialer *d = arg;

    (void)t;
    if (d->peer == NULL && dial_now(d) != CF_OK)
        dial_later(d);
}

static void dial_later(struct cf_peer_dialer *d)
{
    cf_loop_timer_start(d->retry, d->s->cfg.reconnect_ms);
}

enum cf_err cf_peer_dial(struct cf_peer_service *s, const char *host, uint16_t port, bool reconnect,
                         struct cf_peer_dialer **out)
{
    struct cf_peer_dialer *d = calloc(1, sizeof *d);
    enum cf_err err;

    *out = NULL;
    if (d == NULL)
        return CF_ERR_NOMEM;
    d->s = s;
    snprintf(d->host, sizeof d->host, "%s", host);
    d->port = port;
    d->reconnect = reconnect;
    err = cf_loop_timer_new(s->loop, on_retry, d, &d->retry);
    if (err) {
        free(d);
        return err;
    }
    err = dial_now(d);
    if (err && !reconnect) {
        cf_loop_timer_free(d->retry);
        free(d);
        return err;
    }
    if (err)
        dial_later(d);
    d->next = s->dialers;
    if (s->dialers)
        s->dialers->prev = d;
    s->dialers = d;
    *out = d;
    return CF_OK;
}

void cf_peer_dialer_free(struct cf_peer_dialer *d)
{
    if (d == NULL)
        return;
    if (d->prev)
        d->prev->next = d->next;
    else
        d->s->dialers = d->next;
    if (d->next)
        d->next->prev = d->prev;
    if (d->peer) {
        d->peer->dialer = NULL;
        cf_peer_close(d->peer, CF_OK);
    }
    cf_loop_timer_free(d->retry);
    free(d);
}

/* ---- service ---- */

enum cf_err cf_peer_handle(struct cf_peer_service *s, uint8_t type, uint32_t sender_mask,
                           cf_peer_handler_fn fn, void *user)
{
    if (type == CF_PEER_MSG_HANDSHAKE)
        return cf_err_set(CF_ERR_INVAL, "the Handshake is handled by the peer layer");
    s->handlers[type].fn = fn;
    s->handlers[type].user = user;
    s->handlers[type].mask = sender_mask;
    return CF_OK;
}

/* OpenSSL writes to sockets with plain write(): a peer that vanished would raise SIGPIPE and end
 * the process. Ignore it unless the program installed a handler of its own. */
static void ignore_sigpipe(void)
{
    struct sigaction old, ign;

    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
        sigaction(SIGPIPE, &ign, NULL);
}

enum cf_err cf_peer_service_new(struct cf_loop *loop, const struct cf_peer_config *cfg,
                                struct cf_peer_service **out)
{
    struct cf_peer_service *s = calloc(1, sizeof *s);
    const struct cf_peer_capability *caps = cfg->caps ? cfg->caps : default_caps;
    size_t ncaps = cfg->caps ? cfg->ncaps : sizeof default_caps / sizeof default_caps[0];
    enum cf_err err = CF_ERR_NOMEM;

    *out = NULL;
    if (s == NULL)
        return CF_ERR_NOMEM;
    ignore_sigpipe();
    s->loop = loop;
    s->cfg = *cfg;
    s->cfg.ncaps = ncaps;
    s->cfg.inbound_handshake_ms = cfg->inbound_handshake_ms ? cfg->inbound_handshake_ms : 30000;
    s->cfg.outbound_handshake_ms = cfg->outbound_handshake_ms ? cfg->outbound_handshake_ms : 120000;
    s->cfg.reconnect_ms = cfg->reconnect_ms ? cfg->reconnect_ms : 3000;
    s->cfg.ping_ms = cfg->ping_ms ? cfg->ping_ms : 60000;
    s->network_id = strdup(cfg->network_id ? cfg->network_id : "mainnet");
    s->software_version = strdup(cfg->software_version ? cfg->software_version : "");
    s->caps = calloc(ncaps ? ncaps : 1, sizeof *s->caps);
    if (s->network_id == NULL || s->software_version == NULL || s->caps == NULL)
        goto fail;
    for (size_t i = 0; i < ncaps; i++) {
        s->caps[i].id = caps[i].id;
        s->caps[i].value = strdup(caps[i].value);
        if (s->caps[i].value == NULL)
            goto fail;
    }
    err = cf_tls_ctx_new(true, cfg->ca_crt, cfg->crt, cfg->key, &s->srv_ctx);
    if (!err)
        err = cf_tls_ctx_new(false, cfg->ca_crt, cfg->crt, cfg->key, &s->cli_ctx);
    if (!err)
        err = cf_tls_own_node_id(s->cli_ctx, s->own_id);
    if (err)
        goto fail;
    *out = s;
    return CF_OK;
fail:
    cf_peer_service_free(s);
    return err;
}

void cf_peer_service_free(struct cf_peer_service *s)
{
    if (s == NULL)
        return;
    while (s->dialers) {
        struct cf_peer_dialer *d = s->dialers;

        s->dialers = d->next;
        if (d->peer)
            d->peer->dialer = NULL;
        cf_loop_timer_free(d->retry);
        free(d);
    }
    while (s->peers) {
        struct cf_peer *p = s->peers;

        s->peers = p->next;
        peer_destroy(p); /* cf_ws_free drops the callbacks: no on_disconnect */
    }
    while (s->listeners) {
        struct listener *l = s->listeners;

        s->listeners = l->next;
        cf_loop_timer_free(l->pause);
        cf_loop_io_free(l->io);
        close(l->fd);
        free(l);
    }
    while (s->bans) {
        struct ban *b = s->bans;

        s->bans = b->next;
        free(b);
    }
    if (s->caps)
        for (size_t i = 0; i < s->cfg.ncaps; i++)
            free((char *)s->caps[i].value);
    free(s->caps);
    free(s->network_id);
    free(s->software_version);
    SSL_CTX_free(s->srv_ctx);
    SSL_CTX_free(s->cli_ctx);
    free(s);
}

/* ---- accessors ---- */

const struct cf_peer_handshake *cf_peer_handshake(const struct cf_peer *p)
{
    return &p->hs;
}

bool cf_peer_capability(const struct cf_peer *p, uint16_t id)
{
    for (size_t i = 0; i < p->hs.ncaps; i++)
        if (p->hs.caps[i].id == id && strcmp(p->hs.caps[i].value, "1") == 0)
            return true;
    return false;
}

const uint8_t *cf_peer_node_id(const struct cf_peer *p)
{
    return cf_ws_node_id(p->ws);
}

const char *cf_peer_addr(const struct cf_peer *p)
{
    return cf_ws_addr(p->ws);
}

bool cf_peer_outbound(const struct cf_peer *p)
{
    return p->outbound;
}

bool cf_peer_local(const struct cf_peer *p)
{
    return cf_ws_is_local(p->ws);
}

void cf_peer_set_user(struct cf_peer *p, void *user)
{
    p->user = user;
}

void *cf_peer_user(const struct cf_peer *p)
{
    return p->user;
}

void cf_peer_get_stats(const struct cf_peer *p, struct cf_peer_stats *out)
{
    *out = p->stats;
    out->queued = cf_ws_queued(p->ws);
    out->held = p->delayed_bytes;
}

const uint8_t *cf_peer_own_node_id(const struct cf_peer_service *s)
{
    return s->own_id;
}

size_t cf_peer_count(const struct cf_peer_service *s)
{
    return s->connected;
}

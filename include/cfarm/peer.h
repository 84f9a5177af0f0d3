/*
 * cfarm/peer.h: Chia's peer protocol over the transport stack (TCP, mutual TLS, WebSocket /ws).
 *
 * A service (farmer, harvester, `cfarm ping`) makes one cf_peer_service on its event loop, with
 * its network id, node type, software version and private-CA certificates. It then listens
 * (farmer) and/or dials (harvester: reconnecting every 3 s while disconnected), and registers one
 * handler per message type it accepts. This module knows the outer Message envelope and the
 * Handshake, nothing of the message bodies: a handler gets the raw body bytes and decides.
 *
 * What the service gets, on the loop thread only:
 *   on_connect      after the Handshake exchange succeeded (cf_peer_handshake() holds the peer's)
 *   handler         one call per message of a registered type from an allowed node type
 *   on_disconnect   once per connected peer; the cf_peer is freed after it returns
 * Requests: cf_peer_request() numbers the message in this side's half of the id space (the opener
 * uses 0..0x7fff, the acceptor 0x8000..0xffff), and calls back once with the response whose id
 * matches, or with CF_ERR_TIMEOUT / CF_ERR_CLOSED. A handler answers a request with
 * cf_peer_reply(), which copies the request's id.
 *
 * Enforced here, as Chia does (docs/net.md): TLS 1.3 + client certificate from the private CA on
 * the accepting side; the Handshake (opener first, same network id, known node type, version
 * string <= 128 bytes, 30 s / 120 s limits); 50 MiB per message; per-type size and rate limits
 * and the aggregate limit for peers not on loopback; closes with WebSocket code 1002 and Chia's
 * error number as the reason; temporary bans per address (10 s for protocol errors, 300 s for
 * rate limits and oversized messages), never for loopback peers; a second connection from the
 * same node id replaces the first; a connection to oneself is dropped.
 */
#ifndef CFARM_PEER_H
#define CFARM_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfarm/err.h"
#include "cfarm/loop.h"

/* Chia NodeType values. */
enum {
    CF_PEER_FULL_NODE = 1,
    CF_PEER_HARVESTER = 2,
    CF_PEER_FARMER = 3,
    CF_PEER_TIMELORD = 4,
    CF_PEER_INTRODUCER = 5,
    CF_PEER_WALLET = 6,
    CF_PEER_DATA_LAYER = 7,
    CF_PEER_SOLVER = 8,
};
#define CF_PEER_NODE_BIT(t) (1u << (t))
#define CF_PEER_ANY_NODE    0x1feu

#define CF_PEER_MSG_HANDSHAKE       1
#define CF_PEER_MAX_MESSAGE         (50u * 1024 * 1024)
#define CF_PEER_DEFAULT_PORT_FARMER 8447

struct cf_peer_service;
struct cf_peer;
struct cf_peer_dialer;

struct cf_peer_capability {
    uint16_t id;
    const char *value; /* "1" means enabled */
};

/* A Handshake as received (strings NUL-terminated, owned by the peer). */
struct cf_peer_handshake {
    char *network_id;
    char *protocol_version;
    char *software_version;
    uint16_t server_port;
    uint8_t node_type;
    struct cf_peer_capability *caps;
    size_t ncaps;
};

/* One received message; data points into a buffer valid only during the callback. */
struct cf_peer_msg {
    uint8_t type;
    bool has_id;
    uint16_t id;
    const uint8_t *data;
    size_t len;
};

typedef void (*cf_peer_conn_fn)(struct cf_peer *p, void *user);
/* why: CF_OK after a clean close, else the reason (detail in the message text). */
typedef void (*cf_peer_disc_fn)(struct cf_peer *p, enum cf_err why, const char *detail, void *user);
/* Return CF_OK, or an error to close the connection (code 1002, reason "1", ban 10 s). */
typedef enum cf_err (*cf_peer_handler_fn)(struct cf_peer *p, const struct cf_peer_msg *m,
                                          void *user);
/* resp is NULL unless err is CF_OK. */
typedef void (*cf_peer_response_fn)(struct cf_peer *p, enum cf_err err,
                                    const struct cf_peer_msg *resp, void *user);

struct cf_peer_config {
    const char *network_id;       /* "mainnet" */
    uint8_t node_type;            /* ours */
    const char *software_version; /* e.g. "cfarm 0.1.0" */
    uint16_t server_port;         /* announced; 0 for a harvester */
    /* protocol_version we announce to a peer of type t; NULL: cf_peer_protocol_version(). */
    const char *(*protocol_version)(uint8_t t);
    const struct cf_peer_capability *caps; /* NULL: [(1,"1"), (2,"1"), (3,"1")] */
    size_t ncaps;
    const char *ca_crt, *crt, *key; /* private CA and our private node certificate */
    uint64_t inbound_handshake_ms;  /* 0: 30000 */
    uint64_t outbound_handshake_ms; /* 0: 120000 */
    uint64_t reconnect_ms;          /* 0: 3000 */
    uint64_t ping_ms;               /* outbound WebSocket ping; 0: 60000 */
    bool limit_local;               /* apply rate limits and bans to loopback too (tests) */
    cf_peer_conn_fn on_connect;
    cf_peer_disc_fn on_disconnect;
    void *user;
};

/* The protocol_version Chia announces for node type t (main branch table), or "0.0.36". */
const char *cf_peer_protocol_version(uint8_t t);
/* Compare dotted versions numerically ("0.0.38" > "0.0.4"); non-numbers compare as 0. */
int cf_peer_version_cmp(const char *a, const char *b);

/* Create a service; loads the certificates (CF_ERR_TLS with the file in the detail). SIGPIPE is
 * set to ignored if it still has its default action (OpenSSL writes with plain write()). */
enum cf_err cf_peer_service_new(struct cf_loop *loop, const struct cf_peer_config *cfg,
                                struct cf_peer_service **out);
/* Close every connection (on_disconnect is not called), listener and dialer; NULL accepted.
 * Not from inside a callback of this service. */
void cf_peer_service_free(struct cf_peer_service *s);

/* Accept message type from the node types in sender_mask (CF_PEER_NODE_BIT, CF_PEER_ANY_NODE).
 * A type without a handler closes the connection that sends it. */
enum cf_err cf_peer_handle(struct cf_peer_service *s, uint8_t type, uint32_t sender_mask,
                           cf_peer_handler_fn fn, void *user);

/* Listen on host (NULL: all addresses, IPv6 and IPv4) and port (0: any; *bound gets the port when
 * not NULL). */
enum cf_err cf_peer_listen(struct cf_peer_service *s, const char *host, uint16_t port,
                           uint16_t *bound);

/* Dial host:port; with reconnect, dial again reconnect_ms after every failure or disconnect.
 * Without it, a failure before the handshake is reported through on_disconnect with p NULL. */
enum cf_err cf_peer_dial(struct cf_peer_service *s, const char *host, uint16_t port, bool reconnect,
                         struct cf_peer_dialer **out);
/* Stop dialing; an established connection from this dialer is closed. NULL accepted. */
void cf_peer_dialer_free(struct cf_peer_dialer *d);

/* Send a message without id. CF_ERR_CLOSED / CF_ERR_BUSY (send queue full). */
enum cf_err cf_peer_send(struct cf_peer *p, uint8_t type, const uint8_t *data, size_t len);
/* Send the answer to req, with req's id (or none if req had none). */
enum cf_err cf_peer_reply(struct cf_peer *p, const struct cf_peer_msg *req, uint8_t type,
                          const uint8_t *data, size_t len);
/* Send a request with a fresh id; cb is called exactly once (never from inside this call). */
enum cf_err cf_peer_request(struct cf_peer *p, uint8_t type, const uint8_t *data, size_t len,
                            uint64_t timeout_ms, cf_peer_response_fn cb, void *user);
/* Close with WebSocket code 1000 (or 1002 and reason "1" when why is not CF_OK). */
void cf_peer_close(struct cf_peer *p, enum cf_err why);

/* The peer's Handshake. Its protocol_version decides the message layouts to use with this peer:
 * cf_proto_version_parse() (cfarm/proto.h) turns it into the codec's version number. */
const struct cf_peer_handshake *cf_peer_handshake(const struct cf_peer *p);
bool cf_peer_capability(const struct cf_peer *p, uint16_t id);
const uint8_t *cf_peer_node_id(const struct cf_peer *p); /* 32 bytes */
const char *cf_peer_addr(const struct cf_peer *p);
bool cf_peer_outbound(const struct cf_peer *p);
bool cf_peer_local(const struct cf_peer *p);
void cf_peer_set_user(struct cf_peer *p, void *user);
void *cf_peer_user(const struct cf_peer *p);

/* Counters of one connection since its Handshake (for the service's per-peer status). */
struct cf_peer_stats {
    uint64_t msgs_in, msgs_out;   /* Messages, the Handshake included */
    uint64_t bytes_in, bytes_out; /* Message frames (envelope + data), not TLS or WebSocket */
    uint64_t connected_ms;        /* loop time at which the Handshake completed */
    size_t queued;                /* bytes waiting to be written */
    size_t held;                  /* bytes held back by the outbound rate limit */
};
void cf_peer_get_stats(const struct cf_peer *p, struct cf_peer_stats *out);

/* Our own node id (SHA-256 of our certificate), 32 bytes. */
const uint8_t *cf_peer_own_node_id(const struct cf_peer_service *s);
/* Number of connected (handshaken) peers; whether addr is banned now. */
size_t cf_peer_count(const struct cf_peer_service *s);
bool cf_peer_banned(struct cf_peer_service *s, const char *addr);

#endif

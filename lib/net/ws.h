/*
 * net/ws.h (internal): one WebSocket-over-TLS connection on the event loop.
 *
 * The stack, bottom up: a non-blocking TCP socket, OpenSSL on that fd (net/tls.h), the HTTP/1.1
 * upgrade (net/http.h), then wslay for framing, masking, fragments and control frames. Upward it
 * offers binary messages only: one callback per complete message, a send that queues a copy, and a
 * close with a status code. The peer layer (peer.c) sits on top and never sees TLS or frames.
 *
 * Lifecycle: cf_ws_connect / cf_ws_accept -> on_open once the upgrade is done -> on_message for
 * each binary message -> on_close exactly once (after which nothing else is called), then the owner
 * calls cf_ws_free, which is allowed from inside any callback. A text frame closes with 1003, a
 * message larger than max_msg with 1009 (wslay), a framing error with 1002.
 */
#ifndef CFARM_NET_WS_H
#define CFARM_NET_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "cfarm/err.h"
#include "cfarm/loop.h"

struct cf_ws;

struct cf_ws_cbs {
    void (*on_open)(struct cf_ws *ws, void *user);
    void (*on_message)(struct cf_ws *ws, const uint8_t *data, size_t len, void *user);
    /* why: CF_OK for a clean close; code_sent/code_recv: WebSocket close codes (0 if none). */
    void (*on_close)(struct cf_ws *ws, enum cf_err why, uint16_t code_sent, uint16_t code_recv,
                     void *user);
};

struct cf_ws_opts {
    uint64_t open_timeout_ms; /* TCP + TLS + upgrade must finish within this (0: no limit) */
    uint64_t ping_ms;         /* client: send a ping this often (0: never) */
    uint64_t pong_timeout_ms; /* client: close when no pong arrives within this after a ping */
    size_t max_msg;           /* largest message received, bytes */
    size_t max_queued;        /* largest total of queued outbound bytes before sends fail */
    int reject_status;        /* server: answer the upgrade with this HTTP status (e.g. 403) */
};

/* Start a client connection to host:port (host is resolved on the calling thread). */
enum cf_err cf_ws_connect(struct cf_loop *loop, SSL_CTX *ctx, const char *host, uint16_t port,
                          const struct cf_ws_opts *opts, const struct cf_ws_cbs *cbs, void *user,
                          struct cf_ws **out);
/* Take over an accepted socket (non-blocking; closed by the connection from now on, even on
 * failure). */
enum cf_err cf_ws_accept(struct cf_loop *loop, SSL_CTX *ctx, int fd, const struct cf_ws_opts *opts,
                         const struct cf_ws_cbs *cbs, void *user, struct cf_ws **out);

/* Server, before the upgrade is answered: refuse it with this HTTP status (403 for a ban). */
void cf_ws_reject(struct cf_ws *ws, int http_status);

/* Queue one binary message (copied). CF_ERR_CLOSED when not open, CF_ERR_BUSY over max_queued. */
enum cf_err cf_ws_send(struct cf_ws *ws, const uint8_t *data, size_t len);
/* Start a clean close with code and a short reason; on_close follows. */
void cf_ws_close(struct cf_ws *ws, uint16_t code, const char *reason);
void cf_ws_free(struct cf_ws *ws);

/* After on_open: the peer's node id, its address text and whether it is on loopback. */
const uint8_t *cf_ws_node_id(const struct cf_ws *ws);
const char *cf_ws_addr(const struct cf_ws *ws);
uint16_t cf_ws_port(const struct cf_ws *ws);
bool cf_ws_is_local(const struct cf_ws *ws);
bool cf_ws_is_server(const struct cf_ws *ws);
/* The reason text of the peer's close frame ("" if none), valid until cf_ws_free. */
const char *cf_ws_close_reason(const struct cf_ws *ws);
/* Bytes queued for sending and not yet written. */
size_t cf_ws_queued(const struct cf_ws *ws);

#endif

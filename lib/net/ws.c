/*
 * ws.c: a WebSocket over TLS over a non-blocking socket, on the event loop. See net/ws.h.
 *
 * States, in order:  CONNECTING (TCP)  ->  TLS  ->  UPGRADE (HTTP)  ->  OPEN  ->  CLOSING  ->  DONE
 * A server starts at TLS. Anything that fails before OPEN ends the connection at once; from OPEN
 * on, closes go through a WebSocket close frame, and the socket is shut once the peer's close frame
 * or end of stream arrives (or after a short grace time), so the peer reads our close code.
 *
 * Re-entrancy: the owner's callbacks may call cf_ws_send, cf_ws_close and cf_ws_free. `depth`
 * counts active entries from the loop; a free requested inside a callback is done on the way out.
 */
#include "net/ws.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <wslay/wslay.h>

#include "cfarm/buf.h"
#include "net/http.h"
#include "net/tls.h"

#define CLOSE_GRACE_MS 2000

enum ws_state { ST_CONNECTING, ST_TLS, ST_UPGRADE, ST_OPEN, ST_CLOSING, ST_DONE };

struct cf_ws {
    struct cf_loop *loop;
    int fd;
    struct cf_loop_io *io;
    struct cf_loop_timer *deadline; /* open timeout, then close grace */
    struct cf_loop_timer *pinger;
    SSL *ssl;
    bool server;
    enum ws_state state;
    struct cf_ws_opts opts;
    struct cf_ws_cbs cbs;
    void *user;

    struct cf_buf http_in, http_out;
    size_t http_out_off;
    char key[CF_WS_KEY_LEN + 1];
    char host[256];
    uint16_t port;
    bool reply_then_close; /* server: an HTTP error response is being sent */

    struct cf_buf pre; /* bytes read after the HTTP head, for wslay first */
    size_t pre_off;
    wslay_event_context_ptr wctx;
    bool eof;
    bool ssl_want_write;
    bool ping_outstanding;
    char close_reason[124]; /* reason text of the peer's close frame */
    bool abort_pending;     /* a close before OPEN, run from the deadline timer */
    enum cf_err io_err;     /* what the last fatal SSL result was */

    uint8_t node_id[32];
    char addr[INET6_ADDRSTRLEN];
    bool local;

    int depth;
    bool free_requested;
    enum cf_err close_why;
};

static void step(struct cf_ws *ws);
static void start_closing(struct cf_ws *ws);

/* ---- finishing ---- */

static void really_free(struct cf_ws *ws)
{
    cf_loop_io_free(ws->io);
    cf_loop_timer_free(ws->deadline);
    cf_loop_timer_free(ws->pinger);
    if (ws->wctx)
        wslay_event_context_free(ws->wctx);
    SSL_free(ws->ssl);
    if (ws->fd >= 0)
        close(ws->fd);
    cf_buf_free(&ws->http_in);
    cf_buf_free(&ws->http_out);
    cf_buf_free(&ws->pre);
    free(ws);
}

/* End the connection now: release the socket and tell the owner once. */
static void finish(struct cf_ws *ws, enum cf_err why)
{
    uint16_t sent = 0, recv = 0;

    if (ws->state == ST_DONE)
        return;
    if (ws->wctx) {
        if (wslay_event_get_close_sent(ws->wctx))
            sent = wslay_event_get_status_code_sent(ws->wctx);
        if (wslay_event_get_close_received(ws->wctx))
            recv = wslay_event_get_status_code_received(ws->wctx);
    }
    ws->state = ST_DONE;
    if (ws->ssl && !ws->eof && why == CF_OK)
        SSL_shutdown(ws->ssl); /* best effort close_notify; non-blocking */
    ERR_clear_error();
    cf_loop_io_free(ws->io);
    ws->io = NULL;
    cf_loop_timer_stop(ws->deadline);
    cf_loop_timer_stop(ws->pinger);
    if (ws->fd >= 0)
        close(ws->fd);
    ws->fd = -1;
    ws->depth++;
    if (ws->cbs.on_close)
        ws->cbs.on_close(ws, why, sent, recv, ws->user);
    ws->depth--;
    if (ws->depth == 0 && ws->free_requested)
        really_free(ws);
}

void cf_ws_free(struct cf_ws *ws)
{
    if (ws == NULL)
        return;
    ws->cbs.on_close = NULL;
    ws->cbs.on_message = NULL;
    ws->cbs.on_open = NULL;
    if (ws->depth > 0) {
        ws->free_requested = true;
        return;
    }
    if (ws->state != ST_DONE)
        finish(ws, CF_ERR_CLOSED);
    really_free(ws);
}

/* ---- I/O helpers ---- */

static void set_events(struct cf_ws *ws, bool want_write)
{
    if (ws->io)
        cf_loop_io_set(ws->io, CF_LOOP_READ | (want_write ? CF_LOOP_WRITE : 0));
}

/* Classify an SSL result: 1 progress, 0 would block (events set), -1 fatal (detail set). */
static int ssl_result(struct cf_ws *ws, int rc, const char *what)
{
    char why[200];
    int e = SSL_get_error(ws->ssl, rc);

    switch (e) {
    case SSL_ERROR_NONE:
        return 1;
    case SSL_ERROR_WANT_READ:
        return 0;
    case SSL_ERROR_WANT_WRITE:
        ws->ssl_want_write = true;
        return 0;
    case SSL_ERROR_ZERO_RETURN:
        ws->eof = true;
        ws->io_err = cf_err_set(CF_ERR_CLOSED, "%s: peer closed TLS", what);
        return -1;
    case SSL_ERROR_SYSCALL:
        ws->eof = true;
        ws->io_err = cf_err_set(CF_ERR_CLOSED, "%s: connection %s", what,
                                errno ? strerror(errno) : "closed");
        ERR_clear_error();
        return -1;
    default:
        ws->eof = true;
        cf_tls_error_text(why, sizeof why);
        if (SSL_get_verify_result(ws->ssl) != X509_V_OK)
            ws->io_err =
                cf_err_set(CF_ERR_TLS,
                           "%s: the peer's certificate is not from our "
                           "private CA (%s)",
                           what, X509_verify_cert_error_string(SSL_get_verify_result(ws->ssl)));
        else if (strstr(why, "alert"))
            ws->io_err = cf_err_set(CF_ERR_TLS,
                                    "%s: the peer refused us (%s); both ends need "
                                    "certificates from the same private CA",
                                    what, why);
        else
            ws->io_err = cf_err_set(CF_ERR_TLS, "%s: %s", what, why);
        return -1;
    }
}

/* Write what remains of http_out. 1 done, 0 blocked, -1 fatal. */
static int flush_http(struct cf_ws *ws)
{
    while (ws->http_out_off < ws->http_out.len) {
        int rc = SSL_write(ws->ssl, ws->http_out.data + ws->http_out_off,
                           (int)(ws->http_out.len - ws->http_out_off));
        int r = rc > 0 ? 1 : ssl_result(ws, rc, "HTTP write");

        if (r <= 0)
            return r;
        ws->http_out_off += (size_t)rc;
    }
    return 1;
}

/* Read into http_in until a whole head is there. 1 head complete (*hlen), 0 blocked, -1 fatal. */
static int read_head(struct cf_ws *ws, size_t *hlen)
{
    for (;;) {
        enum cf_err err =
            cf_http_head_len(ws->http_in.data, ws->http_in.len, CF_HTTP_HEAD_MAX, hlen);
        uint8_t chunk[2048];
        int rc;

        if (err == CF_OK)
            return 1;
        if (err != CF_ERR_EOF) {
            ws->io_err = err;
            return -1;
        }
        rc = SSL_read(ws->ssl, chunk, sizeof chunk);
        if (rc <= 0)
            return ssl_result(ws, rc, "HTTP read");
        if (cf_buf_append(&ws->http_in, chunk, (size_t)rc) != CF_OK) {
            ws->io_err = cf_err_set(CF_ERR_TOO_LARGE, "HTTP head too long");
            return -1;
        }
    }
}

/* ---- wslay callbacks ---- */

static ssize_t wsl_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *u)
{
    struct cf_ws *ws = u;
    int rc, r;

    (void)flags;
    if (ws->pre_off < ws->pre.len) {
        size_t n = ws->pre.len - ws->pre_off;

        n = n < len ? n : len;
        memcpy(buf, ws->pre.data + ws->pre_off, n);
        ws->pre_off += n;
        return (ssize_t)n;
    }
    rc = SSL_read(ws->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    if (rc > 0)
        return rc;
    r = ssl_result(ws, rc, "read");
    wslay_event_set_error(ctx, r == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static ssize_t wsl_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                        void *u)
{
    struct cf_ws *ws = u;
    int rc, r;

    (void)flags;
    rc = SSL_write(ws->ssl, data, len > INT32_MAX ? INT32_MAX : (int)len);
    if (rc > 0)
        return rc;
    r = ssl_result(ws, rc, "write");
    if (r == 0)
        ws->ssl_want_write = true;
    wslay_event_set_error(ctx, r == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static int wsl_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *u)
{
    (void)ctx;
    (void)u;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void wsl_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                    void *u)
{
    struct cf_ws *ws = u;

    switch (arg->opcode) {
    case WSLAY_BINARY_FRAME:
        if (ws->state == ST_OPEN && ws->cbs.on_message)
            ws->cbs.on_message(ws, arg->msg, arg->msg_length, ws->user);
        break;
    case WSLAY_TEXT_FRAME:
        if (ws->state == ST_OPEN) {
            wslay_event_queue_close(ctx, WSLAY_CODE_UNSUPPORTED_DATA, NULL, 0);
            ws->close_why = cf_err_set(CF_ERR_PROTOCOL, "text frame received");
            start_closing(ws);
        }
        break;
    case WSLAY_PONG:
        if (ws->ping_outstanding && ws->state == ST_OPEN)
            cf_loop_timer_start(ws->pinger, ws->opts.ping_ms); /* next ping */
        ws->ping_outstanding = false;
        break;
    case WSLAY_CONNECTION_CLOSE:
        if (arg->msg_length > 2) {
            size_t n = arg->msg_length - 2 < sizeof ws->close_reason - 1
                           ? arg->msg_length - 2
                           : sizeof ws->close_reason - 1;

            memcpy(ws->close_reason, arg->msg + 2, n);
            ws->close_reason[n] = '\0';
        }
        break;
    default: /* ping (answered by wslay), close (state checked after recv) */
        break;
    }
}

static const struct wslay_event_callbacks wsl_cbs = {
    .recv_callback = wsl_recv,
    .send_callback = wsl_send,
    .genmask_callback = wsl_genmask,
    .on_msg_recv_callback = wsl_msg,
};

/* ---- state steps ---- */

/* We queued a close frame (or wslay did): wait briefly for the peer's close or end of stream. */
static void start_closing(struct cf_ws *ws)
{
    ws->state = ST_CLOSING;
    cf_loop_timer_start(ws->deadline, CLOSE_GRACE_MS);
}

static void go_open(struct cf_ws *ws, const uint8_t *extra, size_t extra_len)
{
    int rc = ws->server ? wslay_event_context_server_init(&ws->wctx, &wsl_cbs, ws)
                        : wslay_event_context_client_init(&ws->wctx, &wsl_cbs, ws);

    if (rc != 0) {
        finish(ws, CF_ERR_NOMEM);
        return;
    }
    wslay_event_config_set_max_recv_msg_length(ws->wctx, ws->opts.max_msg);
    if (extra_len && cf_buf_append(&ws->pre, extra, extra_len) != CF_OK) {
        finish(ws, CF_ERR_NOMEM);
        return;
    }
    cf_buf_free(&ws->http_in);
    cf_buf_free(&ws->http_out);
    ws->state = ST_OPEN;
    cf_loop_timer_stop(ws->deadline);
    if (!ws->server && ws->opts.ping_ms)
        cf_loop_timer_start(ws->pinger, ws->opts.ping_ms);
    if (ws->cbs.on_open)
        ws->cbs.on_open(ws, ws->user);
}

static void step_connecting(struct cf_ws *ws)
{
    int soerr = 0;
    socklen_t sl = sizeof soerr;

    if (getsockopt(ws->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
        finish(ws, cf_err_set(CF_ERR_IO, "connect to %s:%u: %s", ws->host, (unsigned)ws->port,
                              strerror(soerr ? soerr : errno)));
        return;
    }
    ws->state = ST_TLS;
}

static void step_tls(struct cf_ws *ws)
{
    int rc = SSL_do_handshake(ws->ssl), r;
    enum cf_err err;

    if (rc != 1) {
        r = ssl_result(ws, rc, "TLS handshake");
        if (r < 0)
            finish(ws, ws->io_err);
        return;
    }
    err = cf_tls_peer_node_id(ws->ssl, ws->node_id);
    if (err) {
        finish(ws, err);
        return;
    }
    ws->state = ST_UPGRADE;
    if (!ws->server && (cf_http_ws_key(ws->key) != CF_OK ||
                        cf_http_write_request(&ws->http_out, ws->host, ws->port, ws->key) != CF_OK))
        finish(ws, CF_ERR_NOMEM);
}

static void step_upgrade_client(struct cf_ws *ws)
{
    size_t hlen;
    int status, r = flush_http(ws);
    enum cf_err err;

    if (r <= 0) {
        if (r < 0)
            finish(ws, ws->io_err);
        return;
    }
    r = read_head(ws, &hlen);
    if (r <= 0) {
        if (r < 0)
            finish(ws, ws->io_err);
        return;
    }
    err = cf_http_parse_response(ws->http_in.data, hlen, ws->key, &status);
    if (err == CF_OK && status != 101)
        err = cf_err_set(status == 403 ? CF_ERR_BUSY : CF_ERR_PROTOCOL,
                         "server answered the upgrade with HTTP %d%s", status,
                         status == 403 ? " (this address is banned for now)" : "");
    if (err) {
        finish(ws, err);
        return;
    }
    go_open(ws, ws->http_in.data + hlen, ws->http_in.len - hlen);
}

static void step_upgrade_server(struct cf_ws *ws)
{
    struct cf_http_request req;
    size_t hlen;
    int r;
    enum cf_err err;

    if (ws->http_out.len == 0) {
        r = read_head(ws, &hlen);
        if (r <= 0) {
            if (r < 0)
                finish(ws, ws->io_err);
            return;
        }
        err = cf_http_parse_request(ws->http_in.data, hlen, &req);
        if (err == CF_OK && strcmp(req.path, "/ws") != 0)
            err = cf_err_set(CF_ERR_PROTOCOL, "upgrade for path %s, not /ws", req.path);
        if (err || ws->opts.reject_status) {
            ws->reply_then_close = true;
            ws->close_why =
                err ? err : cf_err_set(CF_ERR_BUSY, "refused with HTTP %d", ws->opts.reject_status);
            err = cf_http_write_error(&ws->http_out, err ? (strncmp(req.path, "/ws", 3) ? 404 : 400)
                                                         : ws->opts.reject_status);
        } else {
            err = cf_http_write_101(&ws->http_out, req.key);
        }
        if (err) {
            finish(ws, err);
            return;
        }
        /* keep what followed the head for wslay */
        memmove(ws->http_in.data, ws->http_in.data + hlen, ws->http_in.len - hlen);
        ws->http_in.len -= hlen;
    }
    r = flush_http(ws);
    if (r <= 0) {
        if (r < 0)
            finish(ws, ws->io_err);
        return;
    }
    if (ws->reply_then_close)
        finish(ws, ws->close_why);
    else
        go_open(ws, ws->http_in.data, ws->http_in.len);
}

/* OPEN / CLOSING: let wslay read and write, then decide whether the connection is over. */
/* wslay reads no more (a close is under way): discard what still arrives, so the socket does not
 * stay readable forever under a level-triggered loop, and notice the peer's end of stream. */
static void drain(struct cf_ws *ws)
{
    uint8_t scratch[16384];

    for (int i = 0; i < 64; i++) {
        int rc = SSL_read(ws->ssl, scratch, sizeof scratch);

        if (rc <= 0) {
            ssl_result(ws, rc, "drain");
            return;
        }
    }
}

static void step_ws(struct cf_ws *ws)
{
    if (!wslay_event_want_read(ws->wctx))
        drain(ws);
    else if (wslay_event_recv(ws->wctx) != 0 && !ws->eof) {
        finish(ws, cf_err_set(CF_ERR_PROTOCOL, "WebSocket read failed"));
        return;
    }
    if (ws->state == ST_DONE)
        return;
    if (ws->eof) {
        finish(ws, ws->state == ST_CLOSING || wslay_event_get_close_received(ws->wctx)
                       ? ws->close_why
                       : cf_err_set(CF_ERR_CLOSED, "peer closed the connection"));
        return;
    }
    if (ws->state == ST_OPEN && !wslay_event_get_read_enabled(ws->wctx)) {
        /* wslay queued a close itself: peer's close, oversized message or a framing error */
        if (!wslay_event_get_close_received(ws->wctx))
            ws->close_why = cf_err_set(CF_ERR_PROTOCOL, "WebSocket closed by us with code %u",
                                       (unsigned)wslay_event_get_status_code_sent(ws->wctx));
        start_closing(ws);
    }
    ws->ssl_want_write = false;
    if (wslay_event_want_write(ws->wctx) && wslay_event_send(ws->wctx) != 0) {
        finish(ws, cf_err_set(CF_ERR_CLOSED, "WebSocket write failed"));
        return;
    }
    if (wslay_event_get_close_sent(ws->wctx) && wslay_event_get_close_received(ws->wctx)) {
        finish(ws, ws->close_why);
        return;
    }
    set_events(ws, wslay_event_want_write(ws->wctx) || ws->ssl_want_write);
}

static void step(struct cf_ws *ws)
{
    enum ws_state before;

    do {
        before = ws->state;
        ws->ssl_want_write = false;
        switch (ws->state) {
        case ST_CONNECTING:
            step_connecting(ws);
            break;
        case ST_TLS:
            step_tls(ws);
            break;
        case ST_UPGRADE:
            if (ws->server)
                step_upgrade_server(ws);
            else
                step_upgrade_client(ws);
            break;
        case ST_OPEN:
        case ST_CLOSING:
            step_ws(ws);
            return;
        case ST_DONE:
            return;
        }
    } while (ws->state != before && ws->state != ST_DONE);
    if (ws->state != ST_DONE)
        set_events(ws, ws->state == ST_CONNECTING || ws->ssl_want_write ||
                           ws->http_out_off < ws->http_out.len);
}

static void on_io(struct cf_loop_io *io, int fd, unsigned events, void *arg)
{
    struct cf_ws *ws = arg;

    (void)io;
    (void)fd;
    (void)events;
    ws->depth++;
    step(ws);
    ws->depth--;
    if (ws->depth == 0 && ws->free_requested)
        really_free(ws);
}

static void on_deadline(struct cf_loop_timer *t, void *arg)
{
    struct cf_ws *ws = arg;

    (void)t;
    ws->depth++;
    if (ws->state == ST_CLOSING || ws->abort_pending)
        finish(ws, ws->close_why);
    else
        finish(ws, cf_err_set(CF_ERR_TIMEOUT, "connection setup timed out"));
    ws->depth--;
    if (ws->depth == 0 && ws->free_requested)
        really_free(ws);
}

static void on_ping_timer(struct cf_loop_timer *t, void *arg)
{
    struct cf_ws *ws = arg;
    struct wslay_event_msg ping = {WSLAY_PING, (const uint8_t *)"", 0};

    (void)t;
    if (ws->state != ST_OPEN)
        return;
    if (ws->ping_outstanding) {
        cf_err_set(CF_ERR_TIMEOUT, "no pong within %llu ms",
                   (unsigned long long)ws->opts.pong_timeout_ms);
        cf_ws_close(ws, WSLAY_CODE_GOING_AWAY, "no pong");
        ws->close_why = CF_ERR_TIMEOUT;
        return;
    }
    /* a ping every ping_ms; each must be answered within pong_timeout_ms */
    ws->ping_outstanding = true;
    wslay_event_queue_msg(ws->wctx, &ping);
    cf_loop_timer_start(ws->pinger, ws->opts.pong_timeout_ms);
    set_events(ws, true);
}

/* ---- public ---- */

static enum cf_err ws_new(struct cf_loop *loop, SSL_CTX *ctx, int fd, bool server,
                          const struct cf_ws_opts *opts, const struct cf_ws_cbs *cbs, void *user,
                          struct cf_ws **out)
{
    struct cf_ws *ws = calloc(1, sizeof *ws);
    int one = 1;

    *out = NULL;
    if (ws == NULL) {
        close(fd);
        return CF_ERR_NOMEM;
    }
    ws->loop = loop;
    ws->fd = fd;
    ws->server = server;
    ws->opts = *opts;
    ws->cbs = *cbs;
    ws->user = user;
    cf_buf_init(&ws->http_in, CF_HTTP_HEAD_MAX + 4096);
    cf_buf_init(&ws->http_out, CF_HTTP_HEAD_MAX);
    cf_buf_init(&ws->pre, CF_HTTP_HEAD_MAX + 4096);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ws->ssl = SSL_new(ctx);
    if (ws->ssl == NULL || SSL_set_fd(ws->ssl, fd) != 1 ||
        cf_loop_timer_new(loop, on_deadline, ws, &ws->deadline) != CF_OK ||
        cf_loop_timer_new(loop, on_ping_timer, ws, &ws->pinger) != CF_OK ||
        cf_loop_io_new(loop, fd, CF_LOOP_READ | CF_LOOP_WRITE, on_io, ws, &ws->io) != CF_OK) {
        ws->state = ST_DONE;
        really_free(ws);
        return CF_ERR_NOMEM;
    }
    if (server)
        SSL_set_accept_state(ws->ssl);
    else
        SSL_set_connect_state(ws->ssl);
    if (opts->open_timeout_ms)
        cf_loop_timer_start(ws->deadline, opts->open_timeout_ms);
    *out = ws;
    return CF_OK;
}

static void fill_addr(struct cf_ws *ws, const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

        inet_ntop(AF_INET, &in->sin_addr, ws->addr, sizeof ws->addr);
        ws->local = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
        if (ws->server)
            ws->port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        const uint8_t *b = in6->sin6_addr.s6_addr;

        inet_ntop(AF_INET6, &in6->sin6_addr, ws->addr, sizeof ws->addr);
        ws->local = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
                    (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127);
        if (ws->server)
            ws->port = ntohs(in6->sin6_port);
    }
}

enum cf_err cf_ws_connect(struct cf_loop *loop, SSL_CTX *ctx, const char *host, uint16_t port,
                          const struct cf_ws_opts *opts, const struct cf_ws_cbs *cbs, void *user,
                          struct cf_ws **out)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    char portstr[8];
    int fd, rc;
    enum cf_err err;

    struct addrinfo *pick;
    struct in6_addr v6;
    struct in_addr v4;

    *out = NULL;
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    rc = getaddrinfo(host, portstr, &hints, &ai);
    if (rc != 0)
        return cf_err_set(CF_ERR_IO, "resolve %s: %s", host, gai_strerror(rc));
    /* "localhost" may list ::1 first while a farmer listens on IPv4 only: prefer IPv4 */
    pick = ai;
    for (struct addrinfo *a = ai; a; a = a->ai_next)
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
    fd = socket(pick->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(ai);
        return cf_err_set(CF_ERR_IO, "socket: %s", strerror(errno));
    }
    if (connect(fd, pick->ai_addr, pick->ai_addrlen) != 0 && errno != EINPROGRESS) {
        err = cf_err_set(CF_ERR_IO, "connect to %s:%u: %s", host, (unsigned)port, strerror(errno));
        freeaddrinfo(ai);
        close(fd);
        return err;
    }
    err = ws_new(loop, ctx, fd, false, opts, cbs, user, out);
    if (err == CF_OK) {
        snprintf((*out)->host, sizeof(*out)->host, "%s", host);
        (*out)->port = port;
        fill_addr(*out, pick->ai_addr);
        /* SNI for a DNS name, as Chia's client sends it; never for an address literal */
        if (inet_pton(AF_INET, host, &v4) != 1 && inet_pton(AF_INET6, host, &v6) != 1)
            SSL_set_tlsext_host_name((*out)->ssl, host);
    }
    freeaddrinfo(ai);
    return err;
}

enum cf_err cf_ws_accept(struct cf_loop *loop, SSL_CTX *ctx, int fd, const struct cf_ws_opts *opts,
                         const struct cf_ws_cbs *cbs, void *user, struct cf_ws **out)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    enum cf_err err = ws_new(loop, ctx, fd, true, opts, cbs, user, out);

    if (err)
        return err;
    (*out)->state = ST_TLS;
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
        fill_addr(*out, (struct sockaddr *)&ss);
    return CF_OK;
}

void cf_ws_reject(struct cf_ws *ws, int http_status)
{
    ws->opts.reject_status = http_status;
}

enum cf_err cf_ws_send(struct cf_ws *ws, const uint8_t *data, size_t len)
{
    struct wslay_event_msg m = {WSLAY_BINARY_FRAME, data, len};

    if (ws->state != ST_OPEN)
        return cf_err_set(CF_ERR_CLOSED, "connection not open");
    if (wslay_event_get_queued_msg_length(ws->wctx) + len > ws->opts.max_queued)
        return cf_err_set(CF_ERR_BUSY, "send queue full (%zu bytes)",
                          wslay_event_get_queued_msg_length(ws->wctx));
    if (wslay_event_queue_msg(ws->wctx, &m) != 0)
        return cf_err_set(CF_ERR_NOMEM, "queueing a message failed");
    set_events(ws, true); /* written from the loop, never from inside the caller */
    return CF_OK;
}

void cf_ws_close(struct cf_ws *ws, uint16_t code, const char *reason)
{
    size_t rlen = reason ? strlen(reason) : 0;

    if (ws->state == ST_DONE || ws->state == ST_CLOSING || ws->abort_pending)
        return;
    if (ws->state != ST_OPEN) {
        /* nothing to say to the peer yet: drop the connection from the loop, not from here */
        ws->abort_pending = true;
        cf_loop_timer_start(ws->deadline, 0);
        return;
    }
    wslay_event_queue_close(ws->wctx, code, (const uint8_t *)reason, rlen > 120 ? 120 : rlen);
    start_closing(ws);
    set_events(ws, true);
}

const char *cf_ws_close_reason(const struct cf_ws *ws)
{
    return ws->close_reason;
}

const uint8_t *cf_ws_node_id(const struct cf_ws *ws)
{
    return ws->node_id;
}

const char *cf_ws_addr(const struct cf_ws *ws)
{
    return ws->addr;
}

uint16_t cf_ws_port(const struct cf_ws *ws)
{
    return ws->port;
}

bool cf_ws_is_local(const struct cf_ws *ws)
{
    return ws->local;
}

bool cf_ws_is_server(const struct cf_ws *ws)
{
    return ws->server;
}

size_t cf_ws_queued(const struct cf_ws *ws)
{
    return ws->wctx ? wslay_event_get_queued_msg_length(ws->wctx) : 0;
}

/*
 * metrics_http.c: a minimal HTTP/1.0 responder for Prometheus scrapes.
 *
 * Each accepted connection reads up to the end of the request head (or 4 KiB, or EOF), then gets
 * the whole answer written as the socket accepts it, and is closed. Connections are capped in
 * number and each has a deadline, so nothing a local client does can hold the loop or grow
 * memory without bound.
 */
#include "metrics_http.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfarm/log.h"
#include "cli.h"

#define MAX_CONNS 32
#define CONN_DEADLINE_MS 5000
#define MAX_REQUEST 4096
#define MAX_BODY ((size_t)16 << 20)

struct conn {
    struct metrics_http *m;
    int fd;
    struct cf_loop_io *io;
    struct cf_loop_timer *deadline;
    char req[MAX_REQUEST];
    size_t req_len;
    struct cf_buf out; /* the whole answer, once the request has been read */
    size_t sent;
    struct conn *next;
};

struct metrics_http {
    struct cf_loop *loop;
    int fd;
    struct cf_loop_io *io;
    metrics_render_fn render;
    void *arg;
    struct conn *conns;
    unsigned nconns;
};

static void conn_close(struct conn *c)
{
    struct conn **pp = &c->m->conns;

    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    c->m->nconns--;
    cf_loop_io_free(c->io);
    cf_loop_timer_free(c->deadline);
    close(c->fd);
    cf_buf_free(&c->out);
    free(c);
}

static void on_deadline(struct cf_loop_timer *t, void *arg)
{
    (void)t;
    conn_close(arg);
}

static int head_complete(const struct conn *c)
{
    return c->req_len >= 4 && memmem(c->req, c->req_len, "\r\n\r\n", 4) != NULL;
}

/* Build the answer: 200 with the metrics, or 500 when they could not be rendered. */
static enum cf_err build_answer(struct conn *c)
{
    struct cf_buf body;
    enum cf_err err;

    cf_buf_init(&body, MAX_BODY);
    err = c->m->render(c->m->arg, &body);
    if (err == CF_OK)
        err = cf_buf_printf(&c->out,
                            "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            body.len);
    else
        err = cf_buf_printf(&c->out, "HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                     "Connection: close\r\n\r\n");
    if (err == CF_OK && body.len)
        err = cf_buf_append(&c->out, body.data, body.len);
    cf_buf_free(&body);
    return err;
}

static void on_conn(struct cf_loop_io *io, int fd, unsigned events, void *arg)
{
    struct conn *c = arg;
    ssize_t n;

    (void)io;
    (void)events;
    if (c->out.data == NULL) {
        n = recv(fd, c->req + c->req_len, sizeof c->req - c->req_len, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n > 0)
            c->req_len += (size_t)n;
        if (n > 0 && !head_complete(c) && c->req_len < sizeof c->req)
            return;
        if (n < 0 || build_answer(c) != CF_OK || cf_loop_io_set(c->io, CF_LOOP_WRITE) != CF_OK) {
            conn_close(c);
            return;
        }
    }
    while (c->sent < c->out.len) {
        n = send(fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0)
            break;
        c->sent += (size_t)n;
    }
    conn_close(c);
}

static void on_accept(struct cf_loop_io *io, int fd, unsigned events, void *arg)
{
    struct metrics_http *m = arg;
    struct conn *c;
    int s;

    (void)io;
    (void)events;
    while ((s = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
        if (m->nconns >= MAX_CONNS || (c = calloc(1, sizeof *c)) == NULL) {
            close(s);
            continue;
        }
        c->m = m;
        c->fd = s;
        cf_buf_init(&c->out, MAX_BODY + 4096);
        c->next = m->conns;
        m->conns = c;
        m->nconns++;
        if (cf_loop_io_new(m->loop, s, CF_LOOP_READ, on_conn, c, &c->io) != CF_OK ||
            cf_loop_timer_new(m->loop, on_deadline, c, &c->deadline) != CF_OK ||
            cf_loop_timer_start(c->deadline, CONN_DEADLINE_MS) != CF_OK)
            conn_close(c);
    }
}

int metrics_http_listen(struct cf_loop *loop, const char *service, const char *addr, uint16_t port,
                        metrics_render_fn render, void *arg, struct metrics_http **out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    struct metrics_http *m;
    char ps[8];
    int one = 1;

    *out = NULL;
    snprintf(ps, sizeof ps, "%u", port);
    if (getaddrinfo(addr, ps, &hints, &ai) != 0 || ai == NULL)
        return cli_fail("%s: metrics address '%s' not usable", service, addr);
    m = calloc(1, sizeof *m);
    if (m == NULL) {
        freeaddrinfo(ai);
        return cli_fail("%s: out of memory", service);
    }
    m->loop = loop;
    m->render = render;
    m->arg = arg;
    m->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m->fd < 0 || setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(m->fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(m->fd, 16) != 0 ||
        cf_loop_io_new(loop, m->fd, CF_LOOP_READ, on_accept, m, &m->io) != CF_OK) {
        int e = errno;

        freeaddrinfo(ai);
        metrics_http_close(m);
        return cli_fail("%s: metrics endpoint on %s:%u: %s", service, addr, port, strerror(e));
    }
    freeaddrinfo(ai);
    cf_log(CF_LOG_INFO, "cfarm.metrics", "metrics on http://%s:%u/metrics", addr, port);
    *out = m;
    return 0;
}

void metrics_http_close(struct metrics_http *m)
{
    if (m == NULL)
        return;
    while (m->conns)
        conn_close(m->conns);
    cf_loop_io_free(m->io);
    if (m->fd >= 0)
        close(m->fd);
    free(m);
}

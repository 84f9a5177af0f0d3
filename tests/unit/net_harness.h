/*
 * net_harness.h: what the transport tests share: a temporary root with certificates made by the
 * `cfarm init` code path, a loop runner that waits for a condition (never a fixed sleep), and a
 * raw TLS client on a thread for feeding the server bytes no cfarm peer would send.
 * Not a test itself (no main); included by tests/unit/test_net_*.c.
 */
#ifndef CFARM_NET_HARNESS_H
#define CFARM_NET_HARNESS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "cfarm/cert.h"
#include "cfarm/loop.h"

/* Generous: the tests must pass on two busy cores. */
#define HARNESS_WAIT_MS 20000

struct harness_root {
    char dir[64];
    struct cf_cert_paths paths;
};

static inline bool harness_root_make(struct harness_root *r, const char *ca_dir)
{
    struct cf_cert_init_report rep;

    snprintf(r->dir, sizeof r->dir, "/tmp/cfarm-net-XXXXXX");
    if (mkdtemp(r->dir) == NULL)
        return false;
    return cf_cert_paths_load(&r->paths, r->dir) == CF_OK &&
           cf_cert_init_root(&r->paths, ca_dir, &rep) == CF_OK;
}

static inline void harness_root_remove(struct harness_root *r)
{
    char cmd[128];

    cf_cert_paths_free(&r->paths);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", r->dir);
}

static inline uint64_t harness_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Run the loop until *flag becomes true (read with an atomic load) or timeout_ms passes. */
static inline bool harness_run_until(struct cf_loop *l, const int *flag, uint64_t timeout_ms)
{
    uint64_t end = harness_ms() + timeout_ms;

    while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST) && harness_ms() < end)
        cf_loop_run_once(l, 20);
    return __atomic_load_n(flag, __ATOMIC_SEQ_CST) != 0;
}

/* Run the loop for a while regardless (to show that something does NOT happen). */
static inline void harness_run_for(struct cf_loop *l, uint64_t ms)
{
    uint64_t end = harness_ms() + ms;

    while (harness_ms() < end)
        cf_loop_run_once(l, 20);
}

/*
 * A raw client on its own thread: TCP to 127.0.0.1:port, TLS with the given certificate (crt NULL:
 * none), the HTTP upgrade, then `send` bytes verbatim, then read everything until the server
 * closes. status is the HTTP status (0 when TLS or the upgrade did not get that far); got holds
 * the bytes that followed the HTTP head.
 */
struct raw_client {
    uint16_t port;
    const char *ca, *crt, *key;
    const uint8_t *send;
    size_t send_len;
    int status;
    uint8_t got[4096];
    size_t got_len;
    int done;
    pthread_t thread;
};

/* Find a WebSocket close frame from the server in got; return its code or -1. */
static inline int raw_close_code(const struct raw_client *rc)
{
    for (size_t i = 0; i + 3 < rc->got_len; i++)
        if (rc->got[i] == 0x88 && rc->got[i + 1] >= 2 && rc->got[i + 1] < 126)
            return rc->got[i + 2] << 8 | rc->got[i + 3];
    return -1;
}

static inline void *raw_client_main(void *arg)
{
    struct raw_client *rc = arg;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(rc->port)};
    struct timeval tv = {10, 0};
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = NULL;
    char head[4096];
    size_t hl = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0), n;
    static const char req[] =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n";

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        goto out;
    SSL_CTX_load_verify_locations(ctx, rc->ca, NULL);
    if (rc->crt) {
        SSL_CTX_use_certificate_file(ctx, rc->crt, SSL_FILETYPE_PEM);
        SSL_CTX_use_PrivateKey_file(ctx, rc->key, SSL_FILETYPE_PEM);
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1 || SSL_write(ssl, req, (int)strlen(req)) <= 0)
        goto out;
    while (hl < sizeof head - 1 && (n = SSL_read(ssl, head + hl, 1)) == 1) {
        hl++;
        if (hl >= 4 && memcmp(head + hl - 4, "\r\n\r\n", 4) == 0)
            break;
    }
    head[hl] = '\0';
    if (hl < 12 || sscanf(head, "HTTP/1.1 %d", &rc->status) != 1)
        goto out;
    if (rc->status == 101 && rc->send_len)
        SSL_write(ssl, rc->send, (int)rc->send_len);
    while (rc->got_len < sizeof rc->got && raw_close_code(rc) < 0 &&
           (n = SSL_read(ssl, rc->got + rc->got_len, (int)(sizeof rc->got - rc->got_len))) > 0)
        rc->got_len += (size_t)n;
out:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    __atomic_store_n(&rc->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Start the raw client and run the loop until it finished; true when it did in time. */
static inline bool raw_client_run(struct cf_loop *l, struct raw_client *rc)
{
    bool ok;

    rc->done = 0;
    rc->status = 0;
    rc->got_len = 0;
    if (pthread_create(&rc->thread, NULL, raw_client_main, rc) != 0)
        return false;
    ok = harness_run_until(l, &rc->done, HARNESS_WAIT_MS);
    pthread_join(rc->thread, NULL);
    return ok;
}

#endif

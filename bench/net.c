/*
 * bench/net.c: the peer transport over loopback TLS 1.3 + WebSocket, farmer and harvesters in one
 * process on one event loop (so both ends share one core: figures are a floor).
 *
 *   handshakes_per_s    connect, TLS, upgrade, Chia Handshake, close; one at a time
 *   requests_per_s      request/response round trips, 100-byte bodies, 256 in flight
 *   mib_per_s_64k       one-way 64 KiB messages
 *   held_connections    harvesters connected at once (distinct certificates), and the seconds
 *   connect_all_s       it took from the first dial until the farmer saw them all
 *
 * Usage: net [--json] [--conns N]   (N defaults to 200; each needs an RSA key, made first)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/net_harness.h"

#include "cfarm/peer.h"

static struct cf_loop *loop;
static struct harness_root root;
static int connects, disconnects, got, done_req;
static struct cf_peer *harvester_side;

static void on_connect(struct cf_peer *p, void *u)
{
    if (u)
        *(struct cf_peer **)u = p;
    connects++;
}

static void on_disconnect(struct cf_peer *p, enum cf_err why, const char *d, void *u)
{
    (void)p;
    (void)why;
    (void)d;
    (void)u;
    disconnects++;
}

static enum cf_err on_echo(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    (void)u;
    return cf_peer_reply(p, m, 201, m->data, m->len);
}

static enum cf_err on_sink(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    (void)p;
    (void)m;
    (void)u;
    got++;
    return CF_OK;
}

static struct cf_peer_config cfg(uint8_t type, const char *crt, const char *key)
{
    struct cf_peer_config c = {
        .network_id = "mainnet",
        .node_type = type,
        .software_version = "bench",
        .ca_crt = root.paths.ca_crt,
        .crt = crt,
        .key = key,
        .on_connect = on_connect,
        .on_disconnect = on_disconnect,
    };
    return c;
}

static void wait_for(const int *v, int want)
{
    for (uint64_t end = harness_ms() + 120000; *v < want && harness_ms() < end;)
        cf_loop_run_once(loop, 10);
}

static double handshakes(struct cf_peer_service *h, uint16_t port, int n)
{
    uint64_t t0 = harness_ms();

    for (int i = 0; i < n; i++) {
        struct cf_peer_dialer *d;
        int want_c = connects + 2, want_d = disconnects + 2;

        if (cf_peer_dial(h, "127.0.0.1", port, false, &d) != CF_OK)
            return 0;
        wait_for(&connects, want_c);
        cf_peer_dialer_free(d);
        wait_for(&disconnects, want_d);
    }
    return n * 1000.0 / (double)(harness_ms() - t0 + 1);
}

static void on_resp(struct cf_peer *p, enum cf_err err, const struct cf_peer_msg *m, void *u)
{
    (void)p;
    (void)err;
    (void)m;
    (void)u;
    done_req++;
}

static double requests(struct cf_peer *p, int n)
{
    uint8_t body[100] = {0};
    uint64_t t0 = harness_ms();
    int sent = 0;

    done_req = 0;
    while (done_req < n) {
        while (sent < n && sent - done_req < 256)
            if (cf_peer_request(p, 200, body, sizeof body, 60000, on_resp, NULL) == CF_OK)
                sent++;
            else
                break;
        cf_loop_run_once(loop, 10);
    }
    return n * 1000.0 / (double)(harness_ms() - t0 + 1);
}

static double throughput(struct cf_peer *p, int n)
{
    static uint8_t body[64 * 1024];
    uint64_t t0 = harness_ms();
    int sent = 0;

    got = 0;
    while (got < n) {
        while (sent < n && sent - got < 64 && cf_peer_send(p, 202, body, sizeof body) == CF_OK)
            sent++;
        cf_loop_run_once(loop, 10);
    }
    return (double)n * sizeof body / (1024.0 * 1024.0) * 1000.0 / (double)(harness_ms() - t0 + 1);
}

static double hold(struct cf_peer_service *f, uint16_t port, int n)
{
    struct cf_peer_service **hs = calloc((size_t)n, sizeof *hs);
    struct cf_peer_dialer **ds = calloc((size_t)n, sizeof *ds);
    uint64_t t0;
    double secs;
    int base = connects;

    for (int i = 0; i < n; i++) {
        char crt[128], key[128];
        struct cf_peer_config c;

        snprintf(crt, sizeof crt, "%s/h%d.crt", root.dir, i);
        snprintf(key, sizeof key, "%s/h%d.key", root.dir, i);
        if (cf_cert_make_node(root.paths.ca_crt, root.paths.ca_key, crt, key) != CF_OK)
            return -1;
        c = cfg(CF_PEER_HARVESTER, crt, key);
        if (cf_peer_service_new(loop, &c, &hs[i]) != CF_OK)
            return -1;
    }
    t0 = harness_ms();
    for (int i = 0; i < n; i++)
        cf_peer_dial(hs[i], "127.0.0.1", port, false, &ds[i]);
    wait_for(&connects, base + 2 * n);
    secs = (double)(harness_ms() - t0) / 1000.0;
    if (cf_peer_count(f) != (size_t)n)
        secs = -1;
    for (int i = 0; i < n; i++) {
        cf_peer_dialer_free(ds[i]);
        cf_peer_service_free(hs[i]);
    }
    free(hs);
    free(ds);
    return secs;
}

int main(int argc, char **argv)
{
    bool json = false;
    int conns = 200;
    struct cf_peer_service *f = NULL, *h = NULL;
    struct cf_peer_config fc, hc;
    struct cf_peer_dialer *d = NULL;
    uint16_t port = 0;
    double hs_s, req_s, mib_s, all_s;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--conns") == 0 && i + 1 < argc)
            conns = atoi(argv[++i]);
    }
    if (!harness_root_make(&root, NULL) || cf_loop_new(&loop) != CF_OK)
        return 1;
    fc = cfg(CF_PEER_FARMER, root.paths.node_crt[CF_CERT_FARMER],
             root.paths.node_key[CF_CERT_FARMER]);
    hc = cfg(CF_PEER_HARVESTER, root.paths.node_crt[CF_CERT_HARVESTER],
             root.paths.node_key[CF_CERT_HARVESTER]);
    hc.user = &harvester_side;
    if (cf_peer_service_new(loop, &fc, &f) != CF_OK ||
        cf_peer_service_new(loop, &hc, &h) != CF_OK ||
        cf_peer_listen(f, "127.0.0.1", 0, &port) != CF_OK)
        return 1;
    cf_peer_handle(f, 200, CF_PEER_ANY_NODE, on_echo, NULL);
    cf_peer_handle(f, 202, CF_PEER_ANY_NODE, on_sink, NULL);

    hs_s = handshakes(h, port, 50);
    if (cf_peer_dial(h, "127.0.0.1", port, false, &d) != CF_OK)
        return 1;
    harvester_side = NULL;
    wait_for(&connects, connects + 2);
    if (harvester_side == NULL)
        return 1;
    req_s = requests(harvester_side, 20000);
    mib_s = throughput(harvester_side, 2000);
    cf_peer_dialer_free(d);
    wait_for(&disconnects, disconnects + 2);
    all_s = hold(f, port, conns);

    if (json)
        printf("{\"handshakes_per_s\": %.1f, \"requests_per_s\": %.0f, \"mib_per_s_64k\": %.1f, "
               "\"held_connections\": %d, \"connect_all_s\": %.2f}\n",
               hs_s, req_s, mib_s, conns, all_s);
    else
        printf("handshakes/s %.1f\nrequests/s %.0f\n64 KiB messages MiB/s %.1f\n"
               "%d harvesters connected in %.2f s\n",
               hs_s, req_s, mib_s, conns, all_s);
    cf_peer_service_free(h);
    cf_peer_service_free(f);
    cf_loop_free(loop);
    harness_root_remove(&root);
    return 0;
}

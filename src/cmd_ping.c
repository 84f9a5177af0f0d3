/*
 * cmd_ping.c: `cfarm ping [--root DIR] [--network NAME] [--timeout S] HOST[:PORT]`.
 *
 * Connects to a farmer (or any Chia node that accepts harvesters) the way a harvester does: mutual
 * TLS with the root's private harvester certificate, WebSocket /ws, Chia Handshake. Prints what
 * the peer announced and its node id, then closes cleanly. A user's first check that the
 * certificates (the same private CA on both machines) and the network are right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfarm/cert.h"
#include "cfarm/hex.h"
#include "cfarm/loop.h"
#include "cfarm/peer.h"
#include "cli.h"
#include "commands.h"

struct ping {
    const char *target;
    int done;
    int connected;
    enum cf_err err;
    char detail[256];
};

static const char *node_type_name(uint8_t t)
{
    static const char *const names[] = {"?",      "full_node",  "harvester",
                                        "farmer", "timelord",   "introducer",
                                        "wallet", "data_layer", "solver"};

    return t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static void print_peer(const struct ping *pg, struct cf_peer *p)
{
    const struct cf_peer_handshake *h = cf_peer_handshake(p);
    char id[65];

    cf_hex_encode(id, cf_peer_node_id(p), 32);
    printf("connected to %s\n", pg->target);
    printf("node type:        %s (%u)\n", node_type_name(h->node_type), (unsigned)h->node_type);
    printf("network:          %s\n", h->network_id);
    printf("protocol version: %s\n", h->protocol_version);
    printf("software version: %s\n", h->software_version);
    printf("server port:      %u\n", (unsigned)h->server_port);
    printf("capabilities:    ");
    for (size_t i = 0; i < h->ncaps; i++)
        printf(" %u%s", (unsigned)h->caps[i].id, strcmp(h->caps[i].value, "1") ? "(off)" : "");
    printf("%s\n", h->ncaps ? "" : " none");
    printf("node id:          %s\n", id);
}

static void on_connect(struct cf_peer *p, void *u)
{
    struct ping *pg = u;

    pg->connected = 1;
    print_peer(pg, p);
    cf_peer_close(p, CF_OK);
}

static void on_disconnect(struct cf_peer *p, enum cf_err why, const char *detail, void *u)
{
    struct ping *pg = u;

    (void)p;
    pg->err = why;
    snprintf(pg->detail, sizeof pg->detail, "%s", detail);
    pg->done = 1;
}

/* Split HOST[:PORT] (IPv6 as [addr]:port); the port defaults to the farmer's 8447. */
static int parse_target(const char *t, char *host, size_t hlen, uint16_t *port)
{
    const char *colon = strrchr(t, ':');
    size_t n = colon ? (size_t)(colon - t) : strlen(t);
    char *end;
    long v = CF_PEER_DEFAULT_PORT_FARMER;

    if (t[0] == '[') {
        const char *close = strchr(t, ']');

        if (close == NULL)
            return -1;
        colon = close[1] == ':' ? close + 1 : NULL;
        t++;
        n = (size_t)(close - t);
    } else if (colon && strchr(t, ':') != colon) {
        colon = NULL; /* bare IPv6 address */
        n = strlen(t);
    }
    if (colon) {
        v = strtol(colon + 1, &end, 10);
        if (*end || v <= 0 || v > 65535)
            return -1;
    }
    if (n == 0 || n >= hlen)
        return -1;
    memcpy(host, t, n);
    host[n] = '\0';
    *port = (uint16_t)v;
    return 0;
}

static int run_ping(struct ping *pg, const struct cf_cert_paths *paths, const char *network,
                    const char *host, uint16_t port, long timeout_s)
{
    struct cf_peer_config cfg = {
        .network_id = network,
        .node_type = CF_PEER_HARVESTER,
        .software_version = "cfarm",
        .ca_crt = paths->ca_crt,
        .crt = paths->node_crt[CF_CERT_HARVESTER],
        .key = paths->node_key[CF_CERT_HARVESTER],
        .outbound_handshake_ms = (uint64_t)timeout_s * 1000,
        .on_connect = on_connect,
        .on_disconnect = on_disconnect,
        .user = pg,
    };
    struct cf_loop *loop = NULL;
    struct cf_peer_service *svc = NULL;
    struct cf_peer_dialer *d = NULL;
    enum cf_err err = cf_loop_new(&loop);
    int rc = 1;

    if (err == CF_OK)
        err = cf_peer_service_new(loop, &cfg, &svc);
    if (err) {
        rc = cli_fail_err("ping: loading the harvester certificate", err);
        goto out;
    }
    err = cf_peer_dial(svc, host, port, false, &d);
    if (err) {
        rc = cli_fail_err("ping", err);
        goto out;
    }
    for (int i = 0; i < timeout_s * 10 + 10 && !pg->done; i++)
        cf_loop_run_once(loop, 100);
    if (pg->connected)
        rc = 0;
    else if (!pg->done)
        rc = cli_fail("ping: %s: no answer within %ld s", pg->target, timeout_s);
    else
        rc = cli_fail("ping: %s: %s", pg->target, pg->detail);
out:
    cf_peer_dialer_free(d);
    cf_peer_service_free(svc);
    cf_loop_free(loop);
    return rc;
}

int cmd_ping(int argc, char **argv)
{
    const char *root_opt = NULL, *network = "mainnet", *timeout_opt = NULL, *target = NULL;
    struct ping pg = {0};
    struct cf_cert_paths paths;
    char host[256], *root, *end;
    uint16_t port;
    long timeout_s = 30;
    enum cf_err err;
    int rc;

    for (int i = 1; i < argc; i++) {
        bool missing = false;

        if (cli_opt(argc, argv, &i, "--root", &root_opt, &missing) ||
            cli_opt(argc, argv, &i, "--network", &network, &missing) ||
            cli_opt(argc, argv, &i, "--timeout", &timeout_opt, &missing)) {
            if (missing)
                return cli_fail("ping: %s needs a value", argv[i]);
        } else if (argv[i][0] == '-' || target) {
            return cli_fail("ping: unexpected argument '%s' (usage: cfarm ping [--root DIR] "
                            "[--network NAME] [--timeout S] HOST[:PORT])",
                            argv[i]);
        } else {
            target = argv[i];
        }
    }
    if (target == NULL)
        return cli_fail("ping: which farmer? (usage: cfarm ping [--root DIR] HOST[:PORT])");
    if (parse_target(target, host, sizeof host, &port) != 0)
        return cli_fail("ping: '%s' is not HOST[:PORT]", target);
    if (timeout_opt) {
        timeout_s = strtol(timeout_opt, &end, 10);
        if (*end || timeout_s <= 0 || timeout_s > 3600)
            return cli_fail("ping: --timeout wants seconds, 1..3600");
    }
    root = cli_root(root_opt);
    if (root == NULL)
        return cli_fail("ping: no root given and no home directory known");
    err = cf_cert_paths_load(&paths, root);
    free(root);
    if (err)
        return cli_fail_err("ping: reading certificate paths", err);
    if (access(paths.node_crt[CF_CERT_HARVESTER], R_OK) != 0 || access(paths.ca_crt, R_OK) != 0) {
        rc = cli_fail("ping: no harvester certificate at %s (run 'cfarm init' for this root)",
                      paths.node_crt[CF_CERT_HARVESTER]);
        cf_cert_paths_free(&paths);
        return rc;
    }
    pg.target = target;
    rc = run_ping(&pg, &paths, network, host, port, timeout_s);
    cf_cert_paths_free(&paths);
    return rc;
}

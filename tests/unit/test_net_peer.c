/*
 * test_net_peer.c: the peer transport over loopback, farmer (server) and harvester (client) on one
 * event loop, certificates made in a temporary root by the `cfarm init` code path.
 *
 * Covers: the Handshake and what each side learns; dispatch to handlers; many concurrent requests
 * in both directions with ids in the right half; request timeout; refusal of a client without a
 * certificate, with one from another CA, or on another network (nothing reaches a handler);
 * oversized, malformed and text frames closing the connection with the right code; an unaccepted
 * message type; rate limits and the ban that follows (HTTP 403); reconnect after a server restart.
 */
#include "test.h"

#include "net_harness.h"

#include <sys/resource.h>

#include "cfarm/peer.h"

#define T_FARMING_INFO 12
#define T_ECHO_REQ     200
#define T_ECHO_RESP    201
#define T_SILENT       202
#define N_REQ          600

struct side {
    struct cf_peer_service *svc;
    struct cf_peer *peer; /* the last connected peer */
    int connects, disconnects, handled, failed_dials;
    enum cf_err last_err;
    uint8_t last_type;
    size_t last_len;
    int bad_half; /* echo requests whose id was in the wrong half */
};

static struct harness_root root, other;
static struct cf_loop *loop;

static void on_connect(struct cf_peer *p, void *u)
{
    struct side *s = u;

    s->peer = p;
    __atomic_add_fetch(&s->connects, 1, __ATOMIC_SEQ_CST);
}

static void on_disconnect(struct cf_peer *p, enum cf_err why, const char *detail, void *u)
{
    struct side *s = u;

    if (p == NULL) {
        s->failed_dials++;
    } else {
        if (s->peer == p)
            s->peer = NULL;
        s->disconnects++;
    }
    s->last_err = why;
    (void)detail;
}

static enum cf_err on_info(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    struct side *s = u;

    (void)p;
    s->handled++;
    s->last_type = m->type;
    s->last_len = m->len;
    return CF_OK;
}

/* Echo a request back; the requester's half of the id space is checked on the way. */
static enum cf_err on_echo(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    struct side *s = u;
    bool from_opener = !cf_peer_outbound(p); /* we accepted, so the sender opened */

    s->handled++;
    if (!m->has_id || (from_opener ? m->id >= 0x8000 : m->id < 0x8000))
        s->bad_half++;
    return cf_peer_reply(p, m, T_ECHO_RESP, m->data, m->len);
}

static enum cf_err on_silent(struct cf_peer *p, const struct cf_peer_msg *m, void *u)
{
    (void)p;
    (void)m;
    ((struct side *)u)->handled++;
    return CF_OK;
}

static struct cf_peer_config config(struct side *s, const struct harness_root *r, uint8_t type,
                                    int node)
{
    struct cf_peer_config c = {
        .network_id = "mainnet",
        .node_type = type,
        .software_version = "cfarm-test",
        .server_port = type == CF_PEER_FARMER ? 8447 : 0,
        .ca_crt = r->paths.ca_crt,
        .crt = r->paths.node_crt[node],
        .key = r->paths.node_key[node],
        .reconnect_ms = 100,
        .on_connect = on_connect,
        .on_disconnect = on_disconnect,
        .user = s,
    };
    return c;
}

static uint16_t start_farmer(struct side *f, struct cf_peer_config *c, uint16_t port)
{
    uint16_t bound = 0;

    memset(f, 0, sizeof *f);
    c->user = f;
    CHECK(cf_peer_service_new(loop, c, &f->svc) == CF_OK);
    if (f->svc == NULL)
        return 0;
    cf_peer_handle(f->svc, T_FARMING_INFO, CF_PEER_NODE_BIT(CF_PEER_HARVESTER), on_info, f);
    cf_peer_handle(f->svc, T_ECHO_REQ, CF_PEER_ANY_NODE, on_echo, f);
    cf_peer_handle(f->svc, T_SILENT, CF_PEER_ANY_NODE, on_silent, f);
    CHECK(cf_peer_listen(f->svc, "127.0.0.1", port, &bound) == CF_OK);
    return bound;
}

static void start_harvester(struct side *h, struct cf_peer_config *c)
{
    memset(h, 0, sizeof *h);
    c->user = h;
    CHECK(cf_peer_service_new(loop, c, &h->svc) == CF_OK);
    if (h->svc)
        cf_peer_handle(h->svc, T_ECHO_REQ, CF_PEER_NODE_BIT(CF_PEER_FARMER), on_echo, h);
}

/* ---- requests ---- */

struct req_state {
    int done, matched, failed;
    uint8_t payload[N_REQ][4];
};

/* Each request carries its own 4-byte payload; the callback gets a pointer to it, and the
 * state is found through a file-level pointer (one batch at a time). */
static struct req_state *batch;

static void on_batch_response(struct cf_peer *p, enum cf_err err, const struct cf_peer_msg *m,
                              void *u)
{
    const uint8_t *want = u;

    (void)p;
    batch->done++;
    if (err == CF_OK && m->type == T_ECHO_RESP && m->len == 4 && memcmp(m->data, want, 4) == 0)
        batch->matched++;
    else
        batch->failed++;
}

static int run_batch(struct cf_peer *p, int n)
{
    int all = 0;

    batch = calloc(1, sizeof *batch);
    if (batch == NULL)
        return 0;
    for (int i = 0; i < n; i++) {
        batch->payload[i][0] = (uint8_t)(i >> 8);
        batch->payload[i][1] = (uint8_t)i;
        batch->payload[i][2] = 0xa5;
        batch->payload[i][3] = (uint8_t)(i * 7);
        if (cf_peer_request(p, T_ECHO_REQ, batch->payload[i], 4, 30000, on_batch_response,
                            batch->payload[i]) != CF_OK)
            batch->failed++, batch->done++;
    }
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS; batch->done < n && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
    all = batch->matched;
    CHECK_EQ_U64(batch->failed, 0);
    free(batch);
    batch = NULL;
    return all;
}

static int timeout_done;
static enum cf_err timeout_err;

static void on_timeout_response(struct cf_peer *p, enum cf_err err, const struct cf_peer_msg *m,
                                void *u)
{
    (void)p;
    (void)m;
    (void)u;
    timeout_err = err;
    timeout_done = 1;
}

/* Run until both ends have reported the disconnect. */
static void wait_both_gone(struct side *f, struct side *h)
{
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS;
         (h->disconnects == 0 || f->disconnects == 0) && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
}

/* ---- tests ---- */

static void test_handshake_and_requests(void)
{
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    uint16_t port = start_farmer(&f, &fc, 0);
    struct cf_peer_dialer *d = NULL;
    const struct cf_peer_handshake *hs;
    uint8_t farmer_id[32], harvester_id[32];
    uint8_t info[100] = {1, 2, 3};

    start_harvester(&h, &hc);
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &h.connects, HARNESS_WAIT_MS));
    CHECK(harness_run_until(loop, &f.connects, HARNESS_WAIT_MS));
    if (h.peer == NULL || f.peer == NULL)
        goto out;
    /* what the harvester learned about the farmer */
    hs = cf_peer_handshake(h.peer);
    CHECK_EQ_U64(hs->node_type, CF_PEER_FARMER);
    CHECK_STR(hs->network_id, "mainnet");
    CHECK_STR(hs->protocol_version, "0.0.38"); /* the table value for a harvester */
    CHECK_STR(hs->software_version, "cfarm-test");
    CHECK_EQ_U64(hs->server_port, 8447);
    CHECK(cf_peer_capability(h.peer, 1) && cf_peer_capability(h.peer, 3));
    CHECK(!cf_peer_capability(h.peer, 7));
    CHECK(cf_peer_outbound(h.peer) && !cf_peer_outbound(f.peer));
    CHECK(cf_peer_local(h.peer));
    CHECK(cf_cert_node_id_file(farmer_id, root.paths.node_crt[CF_CERT_FARMER]) == CF_OK);
    CHECK(cf_cert_node_id_file(harvester_id, root.paths.node_crt[CF_CERT_HARVESTER]) == CF_OK);
    CHECK_MEM(cf_peer_node_id(h.peer), farmer_id, 32);
    CHECK_MEM(cf_peer_node_id(f.peer), harvester_id, 32);
    CHECK_MEM(cf_peer_own_node_id(f.svc), farmer_id, 32);
    /* what the farmer learned */
    hs = cf_peer_handshake(f.peer);
    CHECK_EQ_U64(hs->node_type, CF_PEER_HARVESTER);
    CHECK_EQ_U64(hs->server_port, 0);
    CHECK_EQ_U64(cf_peer_count(f.svc), 1);

    /* a plain message reaches its handler */
    CHECK(cf_peer_send(h.peer, T_FARMING_INFO, info, sizeof info) == CF_OK);
    CHECK(harness_run_until(loop, &f.handled, HARNESS_WAIT_MS));
    CHECK_EQ_U64(f.last_type, T_FARMING_INFO);
    CHECK_EQ_U64(f.last_len, sizeof info);

    {
        struct cf_peer_stats st;

        cf_peer_get_stats(f.peer, &st);
        CHECK_EQ_U64(st.msgs_in, 2); /* Handshake, farming_info */
        CHECK_EQ_U64(st.msgs_out, 1);
        CHECK(st.bytes_in > sizeof info && st.connected_ms != 0);
    }

    /* many concurrent requests each way; responses matched by id */
    f.handled = 0;
    CHECK_EQ_U64(run_batch(h.peer, N_REQ), N_REQ);
    CHECK_EQ_U64(f.handled, N_REQ);
    CHECK_EQ_U64(f.bad_half, 0);
    CHECK_EQ_U64(run_batch(f.peer, 300), 300);
    CHECK_EQ_U64(h.handled, 300);
    CHECK_EQ_U64(h.bad_half, 0);

    /* the largest message there is (a 50 MiB WebSocket message) goes through */
    {
        size_t n = CF_PEER_MAX_MESSAGE - 8;
        uint8_t *big = calloc(1, n);
        int want = f.handled + 1;

        CHECK(big && cf_peer_send(h.peer, T_FARMING_INFO, big, n) == CF_OK);
        CHECK(cf_peer_send(h.peer, T_FARMING_INFO, big, n + 1) == CF_ERR_TOO_LARGE);
        for (uint64_t end = harness_ms() + HARNESS_WAIT_MS; f.handled < want && harness_ms() < end;)
            cf_loop_run_once(loop, 20);
        CHECK_EQ_U64(f.last_len, n);
        free(big);
    }

    /* a request nobody answers times out */
    CHECK(cf_peer_request(h.peer, T_SILENT, info, 1, 200, on_timeout_response, NULL) == CF_OK);
    CHECK(harness_run_until(loop, &timeout_done, HARNESS_WAIT_MS));
    CHECK(timeout_err == CF_ERR_TIMEOUT);

    /* a message type the farmer does not accept closes the connection */
    f.handled = 0;
    CHECK(cf_peer_send(h.peer, 99, info, 3) == CF_OK);
    wait_both_gone(&f, &h);
    CHECK_EQ_U64(h.disconnects, 1);
    CHECK_EQ_U64(f.disconnects, 1);
    CHECK_EQ_U64(f.handled, 0);
    CHECK(f.last_err == CF_ERR_UNKNOWN_TYPE);
    CHECK_EQ_U64(cf_peer_count(f.svc), 0);
    CHECK(!cf_peer_banned(f.svc, "127.0.0.1")); /* never for loopback */
out:
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
}

/* A client that fails before the handshake completes: the farmer's handlers and on_connect stay
 * untouched; the harvester learns of the failure through on_disconnect(NULL). */
static enum cf_err expect_refused(struct cf_peer_config *hc, const char *what)
{
    enum cf_err why = CF_OK;
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    uint16_t port = start_farmer(&f, &fc, 0);
    struct cf_peer_dialer *d = NULL;

    start_harvester(&h, hc);
    if (h.svc == NULL)
        goto out;
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &h.failed_dials, HARNESS_WAIT_MS));
    harness_run_for(loop, 100);
    if (f.connects || h.connects || f.handled)
        fprintf(stderr, "%s: was not refused\n", what);
    CHECK_EQ_U64(f.connects, 0);
    CHECK_EQ_U64(h.connects, 0);
    CHECK_EQ_U64(f.handled, 0);
    why = h.last_err;
out:
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
    return why;
}

static void test_refusals(void)
{
    struct side h;
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_config fc;
    struct side f;
    struct raw_client rc = {0};
    uint16_t port;

    /* wrong network id */
    hc.network_id = "testnet11";
    CHECK(expect_refused(&hc, "wrong network") == CF_ERR_NETWORK_ID);

    /* a certificate from another CA (the client still trusts the farmer's CA) */
    hc = config(&h, &other, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    hc.ca_crt = root.paths.ca_crt;
    CHECK(expect_refused(&hc, "other CA") != CF_OK);

    /* a client that trusts another CA refuses the farmer */
    hc = config(&h, &other, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    CHECK(expect_refused(&hc, "farmer from another CA") == CF_ERR_TLS);

    /* no client certificate at all, and a wrong protocol inside TLS: raw clients */
    fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    port = start_farmer(&f, &fc, 0);
    rc.port = port;
    rc.ca = root.paths.ca_crt;
    CHECK(raw_client_run(loop, &rc));
    CHECK_EQ_U64(rc.status, 0); /* TLS refused before any HTTP answer */
    CHECK_EQ_U64(f.connects, 0);
    CHECK_EQ_U64(f.handled, 0);
    cf_peer_service_free(f.svc);
}

/* Frames no cfarm peer sends, from a raw client with a valid certificate. */
static void raw_frame_case(const uint8_t *bytes, size_t n, int want_code, const char *what)
{
    struct side f;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct raw_client rc = {0};

    fc.inbound_handshake_ms = 1000; /* for the client that never sends its Handshake */
    rc.port = start_farmer(&f, &fc, 0);
    rc.ca = root.paths.ca_crt;
    rc.crt = root.paths.node_crt[CF_CERT_HARVESTER];
    rc.key = root.paths.node_key[CF_CERT_HARVESTER];
    rc.send = bytes;
    rc.send_len = n;
    CHECK(raw_client_run(loop, &rc));
    CHECK_EQ_U64(rc.status, 101);
    if (raw_close_code(&rc) != want_code)
        fprintf(stderr, "%s: close code %d, wanted %d (%zu bytes back:%02x %02x %02x %02x)\n", what,
                raw_close_code(&rc), want_code, rc.got_len, rc.got[0], rc.got[1], rc.got[2],
                rc.got[3]);
    CHECK_EQ_U64(raw_close_code(&rc), want_code);
    CHECK_EQ_U64(f.connects, 0);
    CHECK_EQ_U64(f.handled, 0);
    cf_peer_service_free(f.svc);
}

static void test_bad_frames(void)
{
    /* a binary frame announcing 60 MiB (masked) and its first bytes: 1009 before buffering it */
    static const uint8_t oversized[] = {0x82, 0xff, 0, 0, 0, 0, 0x03, 0xc0, 0,
                                        0,    1,    2, 3, 4, 9, 9,    9,    9};
    /* reserved opcode 3: protocol error */
    static const uint8_t bad_opcode[] = {0x83, 0x80, 1, 2, 3, 4};
    /* a text frame "hi": Chia takes binary only */
    static const uint8_t text[] = {0x81, 0x82, 0, 0, 0, 0, 'h', 'i'};
    /* a binary frame whose Message is malformed (id flag 5) as the first message */
    static const uint8_t bad_msg[] = {0x82, 0x82, 0, 0, 0, 0, 0x01, 0x05};
    /* an unmasked client frame is a protocol error */
    static const uint8_t unmasked[] = {0x82, 0x02, 0x01, 0x00};

    raw_frame_case(oversized, sizeof oversized, 1009, "oversized");
    raw_frame_case(bad_opcode, sizeof bad_opcode, 1002, "bad opcode");
    raw_frame_case(text, sizeof text, 1003, "text frame");
    raw_frame_case(bad_msg, sizeof bad_msg, 1002, "malformed Message");
    raw_frame_case(unmasked, sizeof unmasked, 1002, "unmasked frame");
    /* a client that upgrades and then says nothing is closed when the Handshake is late */
    raw_frame_case(NULL, 0, 1002, "no Handshake");
}

static void test_rate_limit_and_ban(void)
{
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_dialer *d = NULL;
    uint8_t big[2000] = {0};
    uint16_t port;

    fc.limit_local = true; /* treat loopback as a remote peer */
    port = start_farmer(&f, &fc, 0);
    start_harvester(&h, &hc);
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &h.connects, HARNESS_WAIT_MS));
    if (h.peer == NULL)
        goto out;
    /* farming_info allows 1024 bytes */
    CHECK(cf_peer_send(h.peer, T_FARMING_INFO, big, sizeof big) == CF_OK);
    wait_both_gone(&f, &h);
    CHECK_EQ_U64(h.disconnects, 1);
    CHECK_EQ_U64(f.handled, 0);
    CHECK(f.last_err == CF_ERR_RATE_LIMIT);
    CHECK(cf_peer_banned(f.svc, "127.0.0.1"));
    cf_peer_dialer_free(d);
    d = NULL;
    /* the banned address now gets HTTP 403 */
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &h.failed_dials, HARNESS_WAIT_MS));
    CHECK(h.last_err == CF_ERR_BUSY);
    CHECK_EQ_U64(h.connects, 1);
out:
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);

    /* the frequency limit: farming_info 100 per minute, the 101st closes */
    fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    fc.limit_local = true;
    port = start_farmer(&f, &fc, 0);
    start_harvester(&h, &hc);
    d = NULL;
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &h.connects, HARNESS_WAIT_MS));
    for (int i = 0; i < 101 && h.peer; i++)
        CHECK(cf_peer_send(h.peer, T_FARMING_INFO, big, 10) == CF_OK);
    wait_both_gone(&f, &h);
    CHECK_EQ_U64(f.handled, 100);
    CHECK(f.last_err == CF_ERR_RATE_LIMIT);
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
}

static void test_reconnect(void)
{
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_dialer *d = NULL;
    uint16_t port = start_farmer(&f, &fc, 0);
    int want = 2;

    start_harvester(&h, &hc);
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, true, &d) == CF_OK);
    CHECK(harness_run_until(loop, &h.connects, HARNESS_WAIT_MS));
    /* the farmer goes away: the harvester notices and keeps dialing */
    cf_peer_service_free(f.svc);
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS; h.disconnects == 0 && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
    CHECK_EQ_U64(h.disconnects, 1);
    harness_run_for(loop, 300); /* a few refused attempts */
    /* a new farmer on the same port: the harvester is back */
    CHECK_EQ_U64(start_farmer(&f, &fc, port), port);
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS; h.connects < want && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
    CHECK_EQ_U64(h.connects, 2);
    CHECK(harness_run_until(loop, &f.connects, HARNESS_WAIT_MS));
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
}

/* Outbound: 30 % of the limit goes out now, the rest is held back (not dropped, no disconnect). */
static void test_outbound_limit(void)
{
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_dialer *d = NULL;
    uint16_t port;
    uint8_t sp[100] = {0};
    int want = 30;

    fc.limit_local = true;
    port = start_farmer(&f, &fc, 0);
    start_harvester(&h, &hc);
    cf_peer_handle(h.svc, 66, CF_PEER_NODE_BIT(CF_PEER_FARMER), on_info, &h);
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &f.connects, HARNESS_WAIT_MS));
    for (int i = 0; i < 40 && f.peer; i++)
        CHECK(cf_peer_send(f.peer, 66, sp, sizeof sp) == CF_OK);
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS; h.handled < want && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
    harness_run_for(loop, 200);
    CHECK_EQ_U64(h.handled, 30);
    CHECK_EQ_U64(h.disconnects + f.disconnects, 0);
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
}

/* A second connection with the same certificate replaces the first; pings keep a quiet link up. */
static void test_duplicate_and_keepalive(void)
{
    struct side f, h1, h2;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h1, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_dialer *d1 = NULL, *d2 = NULL;
    uint16_t port = start_farmer(&f, &fc, 0);
    int two = 2;

    hc.ping_ms = 40; /* a ping every 40 ms, each answered by the farmer's wslay */
    start_harvester(&h1, &hc);
    CHECK(cf_peer_dial(h1.svc, "127.0.0.1", port, false, &d1) == CF_OK);
    CHECK(harness_run_until(loop, &h1.connects, HARNESS_WAIT_MS));
    harness_run_for(loop, 400); /* ten pings */
    CHECK_EQ_U64(h1.disconnects, 0);
    CHECK_EQ_U64(f.disconnects, 0);
    hc = config(&h2, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    start_harvester(&h2, &hc);
    CHECK(cf_peer_dial(h2.svc, "127.0.0.1", port, false, &d2) == CF_OK);
    CHECK(harness_run_until(loop, &h2.connects, HARNESS_WAIT_MS));
    for (uint64_t end = harness_ms() + HARNESS_WAIT_MS;
         (h1.disconnects == 0 || f.disconnects == 0) && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
    CHECK_EQ_U64(h1.disconnects, 1);
    CHECK(f.last_err == CF_ERR_EXISTS);
    CHECK_EQ_U64(f.connects, two);
    CHECK_EQ_U64(cf_peer_count(f.svc), 1);
    CHECK(h2.peer != NULL);
    cf_peer_dialer_free(d1);
    cf_peer_dialer_free(d2);
    cf_peer_service_free(h1.svc);
    cf_peer_service_free(h2.svc);
    cf_peer_service_free(f.svc);
}

/* A farmer holds several harvesters at once, each with its own certificate (so its own node id).
 * Kept small because every certificate costs an RSA key; bench/net.c connects hundreds. */
#define MANY 8
static void test_many(void)
{
    static struct side hs[MANY];
    static struct cf_peer_dialer *ds[MANY];
    struct side f;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    uint16_t port = start_farmer(&f, &fc, 0);
    int all = MANY;

    /* distinct node ids need distinct certificates: one per harvester from the same CA */
    for (int i = 0; i < MANY; i++) {
        char crt[128], key[128];
        struct cf_peer_config hc = config(&hs[i], &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);

        snprintf(crt, sizeof crt, "%s/many/h%d.crt", root.dir, i);
        snprintf(key, sizeof key, "%s/many/h%d.key", root.dir, i);
        CHECK(cf_cert_make_node(root.paths.ca_crt, root.paths.ca_key, crt, key) == CF_OK);
        hc.crt = crt;
        hc.key = key;
        start_harvester(&hs[i], &hc);
        if (hs[i].svc)
            CHECK(cf_peer_dial(hs[i].svc, "127.0.0.1", port, false, &ds[i]) == CF_OK);
    }
    for (uint64_t end = harness_ms() + 3 * HARNESS_WAIT_MS; f.connects < all && harness_ms() < end;)
        cf_loop_run_once(loop, 20);
    CHECK_EQ_U64(f.connects, MANY);
    CHECK_EQ_U64(cf_peer_count(f.svc), MANY);
    for (int i = 0; i < MANY; i++) {
        cf_peer_dialer_free(ds[i]);
        cf_peer_service_free(hs[i].svc);
    }
    cf_peer_service_free(f.svc);
}

/* A farmer listening on every address is reached as "localhost" and, where the system has IPv6,
 * as "::1"; both count as loopback peers. */
static void test_any_address(void)
{
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_dialer *d = NULL;
    uint16_t port = 0;
    int two = 2;

    memset(&f, 0, sizeof f);
    fc.user = &f;
    CHECK(cf_peer_service_new(loop, &fc, &f.svc) == CF_OK);
    CHECK(cf_peer_listen(f.svc, NULL, 0, &port) == CF_OK && port != 0);
    start_harvester(&h, &hc);
    CHECK(cf_peer_dial(h.svc, "localhost", port, false, &d) == CF_OK);
    CHECK(harness_run_until(loop, &f.connects, HARNESS_WAIT_MS));
    CHECK(f.peer && cf_peer_local(f.peer));
    cf_peer_dialer_free(d);
    d = NULL;
    if (cf_peer_dial(h.svc, "::1", port, false, &d) == CF_OK) {
        for (uint64_t end = harness_ms() + HARNESS_WAIT_MS;
             f.connects < two && h.failed_dials == 0 && harness_ms() < end;)
            cf_loop_run_once(loop, 20);
        if (f.connects == 2)
            CHECK(f.peer && cf_peer_local(f.peer));
        else
            fprintf(stderr, "  (no IPv6 loopback here: ::1 not checked)\n");
    }
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
}

/* Out of file descriptors, the farmer stops accepting for a moment instead of spinning on a
 * readable listening socket, and takes the waiting harvester once descriptors are back. */
static void test_out_of_descriptors(void)
{
    struct side f, h;
    struct cf_peer_config fc = config(&f, &root, CF_PEER_FARMER, CF_CERT_FARMER);
    struct cf_peer_config hc = config(&h, &root, CF_PEER_HARVESTER, CF_CERT_HARVESTER);
    struct cf_peer_dialer *d = NULL;
    uint16_t port = start_farmer(&f, &fc, 0);
    struct rlimit old, low;
    int probe, iterations = 0;

    start_harvester(&h, &hc);
    CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK(cf_peer_dial(h.svc, "127.0.0.1", port, false, &d) == CF_OK);
    /* no descriptor left above the ones in use now */
    probe = dup(0);
    close(probe);
    low = old;
    low.rlim_cur = (rlim_t)probe;
    CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (uint64_t end = harness_ms() + 300; harness_ms() < end; iterations++)
        cf_loop_run_once(loop, 20);
    CHECK(iterations < 100); /* a spinning loop would go round thousands of times */
    CHECK_EQ_U64(f.connects, 0);
    CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK(harness_run_until(loop, &h.connects, HARNESS_WAIT_MS));
    CHECK_EQ_U64(f.connects, 1);
    cf_peer_dialer_free(d);
    cf_peer_service_free(h.svc);
    cf_peer_service_free(f.svc);
}

static void test_versions(void)
{
    CHECK(cf_peer_version_cmp("0.0.38", "0.0.37") > 0);
    CHECK(cf_peer_version_cmp("0.0.4", "0.0.38") < 0);
    CHECK(cf_peer_version_cmp("0.0.36", "0.0.36") == 0);
    CHECK(cf_peer_version_cmp("1.0", "0.0.99") > 0);
    CHECK_STR(cf_peer_protocol_version(CF_PEER_HARVESTER), "0.0.38");
    CHECK_STR(cf_peer_protocol_version(CF_PEER_FULL_NODE), "0.0.36");
}

/* Run one test and say how long it took (on stderr, for slow machines). */
static void timed(const char *name, void (*fn)(void))
{
    uint64_t t0 = harness_ms();

    fn();
    fprintf(stderr, "  %-32s %5llu ms\n", name, (unsigned long long)(harness_ms() - t0));
}

int main(void)
{
    CHECK(harness_root_make(&root, NULL));
    CHECK(harness_root_make(&other, NULL));
    CHECK(cf_loop_new(&loop) == CF_OK);
    if (loop == NULL)
        return test_report("test_net_peer");
    timed("test_versions", test_versions);
    timed("test_handshake_and_requests", test_handshake_and_requests);
    timed("test_refusals", test_refusals);
    timed("test_bad_frames", test_bad_frames);
    timed("test_rate_limit_and_ban", test_rate_limit_and_ban);
    timed("test_reconnect", test_reconnect);
    timed("test_outbound_limit", test_outbound_limit);
    timed("test_duplicate_and_keepalive", test_duplicate_and_keepalive);
    timed("test_many", test_many);
    timed("test_any_address", test_any_address);
    timed("test_out_of_descriptors", test_out_of_descriptors);
    cf_loop_free(loop);
    harness_root_remove(&root);
    harness_root_remove(&other);
    return test_report("test_net_peer");
}

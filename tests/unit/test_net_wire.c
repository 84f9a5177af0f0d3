/*
 * test_net_wire.c: the pieces of the transport that are pure functions: the HTTP upgrade (RFC 6455
 * example key), the Message envelope and Handshake as the peer layer sees them, and Chia's rate
 * limit numbers and windows.
 */
#include "test.h"

#include "net/http.h"
#include "net/ratelimit.h"
#include "net/wire.h"

static const char rfc_key[] = "dGhlIHNhbXBsZSBub25jZQ==";

static enum cf_err parse_req(const char *text, struct cf_http_request *r)
{
    size_t len;
    enum cf_err err = cf_http_head_len((const uint8_t *)text, strlen(text), CF_HTTP_HEAD_MAX, &len);

    return err ? err : cf_http_parse_request((const uint8_t *)text, len, r);
}

static void test_http(void)
{
    struct cf_http_request r;
    struct cf_buf b;
    char accept[CF_WS_ACCEPT_LEN + 1], key[CF_WS_KEY_LEN + 1], big[CF_HTTP_HEAD_MAX + 10];
    size_t len;
    int status;

    cf_http_ws_accept(rfc_key, accept);
    CHECK_STR(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); /* RFC 6455 section 1.3 */
    CHECK(cf_http_ws_key(key) == CF_OK && strlen(key) == CF_WS_KEY_LEN);

    /* our own request parses; so does aiohttp's shape (other order, token lists, extra headers) */
    cf_buf_init(&b, 0);
    CHECK(cf_http_write_request(&b, "127.0.0.1", 8447, rfc_key) == CF_OK);
    cf_buf_terminate(&b);
    CHECK(parse_req((const char *)b.data, &r) == CF_OK);
    CHECK_STR(r.path, "/ws");
    CHECK_STR(r.key, rfc_key);
    b.len = 0;
    CHECK(cf_http_write_request(&b, "::1", 8447, rfc_key) == CF_OK);
    cf_buf_terminate(&b);
    CHECK(strstr((const char *)b.data, "Host: [::1]:8447\r\n") != NULL);
    CHECK(parse_req("GET /ws HTTP/1.1\r\nhost: x\r\nconnection: keep-alive, Upgrade\r\n"
                    "UPGRADE: WebSocket\r\nsec-websocket-version: 13\r\nUser-Agent: aiohttp\r\n"
                    "Sec-WebSocket-Key:   dGhlIHNhbXBsZSBub25jZQ==  \r\n\r\n",
                    &r) == CF_OK);
    CHECK_STR(r.key, rfc_key);
    CHECK(parse_req(
              "GET /other HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
              &r) == CF_OK);
    CHECK_STR(r.path, "/other"); /* the caller refuses it */
    /* refused requests */
    CHECK(parse_req(
              "POST /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
              &r) == CF_ERR_PROTOCOL);
    CHECK(
        parse_req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
                  &r) == CF_ERR_PROTOCOL);
    CHECK(parse_req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n",
                    &r) == CF_ERR_PROTOCOL);
    CHECK(parse_req("GET /ws HTTP/1.1\r\nno colon here\r\n\r\n", &r) == CF_ERR_PROTOCOL);
    /* a key that is not base64 (found by the fuzzer: bytes the response would have cut short) */
    CHECK(parse_req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZS\x01\x01\x01"
                    "\x01\x01\x01\x01==\r\n\r\n",
                    &r) == CF_ERR_PROTOCOL);
    CHECK(parse_req(
              "GET /w\x7fs HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
              &r) == CF_ERR_PROTOCOL);
    CHECK(parse_req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n", &r) == CF_ERR_EOF);
    memset(big, 'a', sizeof big);
    CHECK(cf_http_head_len((const uint8_t *)big, sizeof big, CF_HTTP_HEAD_MAX, &len) ==
          CF_ERR_TOO_LARGE);

    /* responses */
    b.len = 0;
    CHECK(cf_http_write_101(&b, rfc_key) == CF_OK);
    CHECK(cf_http_parse_response(b.data, b.len, rfc_key, &status) == CF_OK && status == 101);
    CHECK(cf_http_parse_response(b.data, b.len, "AAAAAAAAAAAAAAAAAAAAAA==", &status) ==
          CF_ERR_PROTOCOL);
    b.len = 0;
    CHECK(cf_http_write_error(&b, 403) == CF_OK);
    CHECK(cf_http_parse_response(b.data, b.len, rfc_key, &status) == CF_OK && status == 403);
    CHECK(cf_http_parse_response((const uint8_t *)"HTTP/1.0 200 OK\r\n\r\n", 19, rfc_key,
                                 &status) == CF_ERR_PROTOCOL);
    cf_buf_free(&b);
}

static void test_envelope(void)
{
    static const uint8_t with_id[] = {66, 1, 0x80, 0x01, 0, 0, 0, 2, 0xaa, 0xbb};
    static const uint8_t no_id[] = {12, 0, 0, 0, 0, 0};
    struct cf_peer_msg m;
    struct cf_buf b;

    CHECK(cf_wire_msg_parse(with_id, sizeof with_id, &m) == CF_OK);
    CHECK(m.type == 66 && m.has_id && m.id == 0x8001 && m.len == 2 && m.data[1] == 0xbb);
    CHECK(cf_wire_msg_parse(no_id, sizeof no_id, &m) == CF_OK);
    CHECK(m.type == 12 && !m.has_id && m.len == 0);
    CHECK(cf_wire_msg_parse(with_id, sizeof with_id - 1, &m) != CF_OK); /* short */
    CHECK(cf_wire_msg_parse((const uint8_t *)"\x0c\x00\x00\x00\x00\x00\x01", 7, &m) ==
          CF_ERR_TRAILING);
    CHECK(cf_wire_msg_parse((const uint8_t *)"\x0c\x02\x00\x00\x00\x00", 6, &m) != CF_OK);
    CHECK(cf_wire_msg_parse(NULL, 0, &m) != CF_OK);
    cf_buf_init(&b, 0);
    CHECK(cf_wire_msg_write(&b, 66, true, 0x8001, with_id + 8, 2) == CF_OK);
    CHECK(b.len == sizeof with_id);
    CHECK_MEM(b.data, with_id, sizeof with_id);
    cf_buf_free(&b);
}

static void test_handshake(void)
{
    struct cf_peer_capability caps[] = {{1, "1"}, {2, "1"}, {3, "1"}};
    struct cf_peer_handshake h = {"mainnet", "0.0.38", "2.5.0", 8447, 3, caps, 3}, d;
    struct cf_buf b;

    cf_buf_init(&b, 0);
    CHECK(cf_wire_handshake_encode(&b, &h) == CF_OK);
    /* 4+7, 4+6, 4+5, 2, 1, 4 + 3 * (2 + 4 + 1) */
    CHECK_EQ_U64(b.len, 11 + 10 + 9 + 2 + 1 + 4 + 21);
    CHECK(b.data[3] == 7 && memcmp(b.data + 4, "mainnet", 7) == 0);
    CHECK(cf_wire_handshake_decode(b.data, b.len, &d) == CF_OK);
    CHECK_STR(d.network_id, "mainnet");
    CHECK_STR(d.software_version, "2.5.0");
    CHECK(d.server_port == 8447 && d.node_type == 3 && d.ncaps == 3);
    CHECK(d.caps[2].id == 3);
    CHECK_STR(d.caps[2].value, "1");
    cf_wire_handshake_free(&d);
    CHECK(cf_wire_handshake_decode(b.data, b.len - 1, &d) != CF_OK);
    CHECK(d.network_id == NULL); /* nothing held after a failure */
    CHECK(cf_buf_putc(&b, 0) == CF_OK);
    CHECK(cf_wire_handshake_decode(b.data, b.len, &d) == CF_ERR_TRAILING);
    b.data[4] = 0; /* a NUL inside network_id */
    CHECK(cf_wire_handshake_decode(b.data, b.len - 1, &d) != CF_OK);
    b.data[4] = 0xff; /* not UTF-8 */
    CHECK(cf_wire_handshake_decode(b.data, b.len - 1, &d) != CF_OK);
    cf_wire_handshake_free(NULL);
    cf_buf_free(&b);
}

static void test_rate_limits(void)
{
    struct cf_rl rl;
    uint64_t t = 60000 * 1000; /* start of a window */
    int ok = 0;

    memset(&rl, 0, sizeof rl);
    for (int i = 0; i < 6; i++)
        ok += cf_rl_check(&rl, t, 1, 100, 100, 1) == CF_OK;
    CHECK_EQ_U64(ok, 5);                                               /* handshake: 5 a minute */
    CHECK(cf_rl_check(&rl, t + 60000, 1, 100, 100, 1) == CF_OK);       /* next window */
    CHECK(cf_rl_check(&rl, t, 12, 1025, 100, 1) == CF_ERR_RATE_LIMIT); /* farming_info <= 1024 */
    memset(&rl, 0, sizeof rl);
    CHECK(cf_rl_check(&rl, t, 12, 1024, 100, 1) == CF_OK);
    /* 30 % of new_signage_point_harvester's 100 a minute, as Chia's outbound check */
    memset(&rl, 0, sizeof rl);
    ok = 0;
    for (int i = 0; i < 40; i++)
        ok += cf_rl_check(&rl, t, 66, 100, 30, 0) == CF_OK;
    CHECK_EQ_U64(ok, 30);
    /* the aggregate: 1000 non-tx messages a minute, across types */
    memset(&rl, 0, sizeof rl);
    ok = 0;
    for (int i = 0; i < 1100; i++)
        ok += cf_rl_check(&rl, t, (uint8_t)(i % 2 ? 79 : 85), 10, 100, 1) == CF_OK;
    CHECK_EQ_U64(ok, 1000);
    /* error (255) is outside the aggregate */
    CHECK(cf_rl_check(&rl, t, 255, 10, 100, 1) == CF_OK);
    /* a type with no entry gets Chia's default: 1 MiB a message */
    CHECK(cf_rl_check(&rl, t, 200, (1u << 20) + 1, 100, 1) == CF_ERR_RATE_LIMIT);
}

int main(void)
{
    test_http();
    test_envelope();
    test_handshake();
    test_rate_limits();
    return test_report("test_net_wire");
}

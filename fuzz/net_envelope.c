/*
 * net_envelope.c: libFuzzer target for what the transport parses before any handler runs.
 *
 * Byte 0 selects the parser (mod 4), the rest is its input:
 *   0  a Message frame (cf_wire_msg_parse); when it is a Handshake, its body too
 *   1  a Handshake body (cf_wire_handshake_decode)
 *   2  an HTTP upgrade request head (cf_http_head_len, cf_http_parse_request)
 *   3  an HTTP upgrade response head (cf_http_parse_response against a fixed key)
 * Whatever decodes must encode back to exactly the same bytes; any difference aborts. The HTTP
 * parsers must stay inside the head they were given and return a usable request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "net/wire.h"

static void handshake_round_trip(const uint8_t *p, size_t n)
{
    struct cf_peer_handshake h;
    struct cf_buf out;

    if (cf_wire_handshake_decode(p, n, &h) != CF_OK)
        return;
    cf_buf_init(&out, 0);
    if (cf_wire_handshake_encode(&out, &h) == CF_OK && (out.len != n || memcmp(out.data, p, n))) {
        fprintf(stderr, "Handshake does not re-encode to its input\n");
        abort();
    }
    cf_buf_free(&out);
    cf_wire_handshake_free(&h);
}

static void envelope(const uint8_t *p, size_t n)
{
    struct cf_peer_msg m;
    struct cf_buf out;

    if (cf_wire_msg_parse(p, n, &m) != CF_OK)
        return;
    cf_buf_init(&out, 0);
    if (cf_wire_msg_write(&out, m.type, m.has_id, m.id, m.data, m.len) != CF_OK || out.len != n ||
        memcmp(out.data, p, n) != 0) {
        fprintf(stderr, "Message does not re-encode to its input\n");
        abort();
    }
    cf_buf_free(&out);
    if (m.type == 1)
        handshake_round_trip(m.data, m.len);
}

static void http_request(const uint8_t *p, size_t n)
{
    struct cf_http_request req;
    size_t len;

    if (cf_http_head_len(p, n, CF_HTTP_HEAD_MAX, &len) != CF_OK)
        return;
    if (len > n)
        abort();
    if (cf_http_parse_request(p, len, &req) == CF_OK &&
        (strlen(req.key) != CF_WS_KEY_LEN || req.path[0] == '\0'))
        abort();
}

static void http_response(const uint8_t *p, size_t n)
{
    size_t len;
    int status;

    if (cf_http_head_len(p, n, CF_HTTP_HEAD_MAX, &len) != CF_OK)
        return;
    if (cf_http_parse_response(p, len, "dGhlIHNhbXBsZSBub25jZQ==", &status) == CF_OK &&
        status == 101) {
        /* only the right accept value passes */
        if (memmem(p, len, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", CF_WS_ACCEPT_LEN) == NULL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] & 3) {
    case 0:
        envelope(data + 1, size - 1);
        break;
    case 1:
        handshake_round_trip(data + 1, size - 1);
        break;
    case 2:
        http_request(data + 1, size - 1);
        break;
    default:
        http_response(data + 1, size - 1);
        break;
    }
    return 0;
}

/*
 * http.c: the HTTP/1.1 upgrade that opens a WebSocket, written and parsed by hand because it is a
 * few header lines; the WebSocket framing itself is wslay's. See net/http.h for the exchange.
 */
#include "net/http.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

enum cf_err cf_http_head_len(const uint8_t *p, size_t n, size_t max, size_t *len)
{
    size_t lim = n < max ? n : max;

    for (size_t i = 3; i < lim; i++)
        if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' && p[i - 3] == '\r') {
            *len = i + 1;
            return CF_OK;
        }
    if (n >= max)
        return cf_err_set(CF_ERR_TOO_LARGE, "HTTP head longer than %zu bytes", max);
    return CF_ERR_EOF;
}

/* A view of one line or token. */
struct span {
    const char *p;
    size_t n;
};

/* Next CRLF-terminated line of the head at *cur (bounded by end); false at the blank line/end. */
static bool next_line(const char **cur, const char *end, struct span *line)
{
    const char *s = *cur;

    for (const char *q = s; q + 1 < end; q++)
        if (q[0] == '\r' && q[1] == '\n') {
            line->p = s;
            line->n = (size_t)(q - s);
            *cur = q + 2;
            return line->n > 0;
        }
    return false;
}

static struct span trim(struct span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

static bool span_ieq(struct span s, const char *lit)
{
    return s.n == strlen(lit) && strncasecmp(s.p, lit, s.n) == 0;
}

/* Does a comma-separated header value hold token (case-insensitive)? */
static bool has_token(struct span v, const char *token)
{
    while (v.n) {
        struct span t = {v.p, 0};

        while (t.n < v.n && v.p[t.n] != ',')
            t.n++;
        if (span_ieq(trim(t), token))
            return true;
        v.p += t.n < v.n ? t.n + 1 : t.n;
        v.n -= t.n < v.n ? t.n + 1 : t.n;
    }
    return false;
}

/* Visible ASCII only (a request target has no spaces or control bytes). */
static bool printable(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] <= 0x20 || p[i] >= 0x7f)
            return false;
    return true;
}

/* 24 characters of base64 for 16 bytes: 22 symbols then "==". */
static bool base64_text(struct span s)
{
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        bool sym = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '+' || c == '/';

        if (i < s.n - 2 ? !sym : c != '=')
            return false;
    }
    return true;
}

/* The headers an upgrade needs, found while walking the head. */
struct upgrade_headers {
    bool upgrade_ws, connection_upgrade, version13;
    struct span key, accept;
};

static enum cf_err walk_headers(const char **cur, const char *end, struct upgrade_headers *h)
{
    struct span line;

    memset(h, 0, sizeof *h);
    while (next_line(cur, end, &line)) {
        const char *colon = memchr(line.p, ':', line.n);
        struct span name, value;

        if (colon == NULL || colon == line.p)
            return cf_err_set(CF_ERR_PROTOCOL, "malformed HTTP header line");
        name.p = line.p;
        name.n = (size_t)(colon - line.p);
        value.p = colon + 1;
        value.n = line.n - name.n - 1;
        value = trim(value);
        if (span_ieq(name, "upgrade"))
            h->upgrade_ws = has_token(value, "websocket");
        else if (span_ieq(name, "connection"))
            h->connection_upgrade = has_token(value, "upgrade");
        else if (span_ieq(name, "sec-websocket-version"))
            h->version13 = span_ieq(value, "13");
        else if (span_ieq(name, "sec-websocket-key"))
            h->key = value;
        else if (span_ieq(name, "sec-websocket-accept"))
            h->accept = value;
    }
    return CF_OK;
}

enum cf_err cf_http_parse_request(const uint8_t *head, size_t n, struct cf_http_request *out)
{
    const char *cur = (const char *)head, *end = cur + n, *sp1, *sp2;
    struct upgrade_headers h;
    struct span line;
    size_t plen;
    enum cf_err err;

    memset(out, 0, sizeof *out);
    if (!next_line(&cur, end, &line))
        return cf_err_set(CF_ERR_PROTOCOL, "no HTTP request line");
    sp1 = memchr(line.p, ' ', line.n);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line.p + line.n - sp1 - 1)) : NULL;
    if (sp1 == NULL || sp2 == NULL || (size_t)(sp1 - line.p) != 3 || memcmp(line.p, "GET", 3) ||
        (size_t)(line.p + line.n - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.1", 8))
        return cf_err_set(CF_ERR_PROTOCOL, "not an HTTP/1.1 GET request");
    plen = (size_t)(sp2 - sp1 - 1);
    if (plen == 0 || plen >= sizeof out->path || !printable(sp1 + 1, plen))
        return cf_err_set(CF_ERR_PROTOCOL, "request path empty, too long or not printable");
    memcpy(out->path, sp1 + 1, plen);
    out->path[plen] = '\0';
    err = walk_headers(&cur, end, &h);
    if (err)
        return err;
    if (!h.upgrade_ws || !h.connection_upgrade || !h.version13)
        return cf_err_set(CF_ERR_PROTOCOL, "not a WebSocket version 13 upgrade request");
    if (h.key.n != CF_WS_KEY_LEN || !base64_text(h.key))
        return cf_err_set(CF_ERR_PROTOCOL, "Sec-WebSocket-Key missing or not 16 bytes of base64");
    memcpy(out->key, h.key.p, CF_WS_KEY_LEN);
    out->key[CF_WS_KEY_LEN] = '\0';
    return CF_OK;
}

enum cf_err cf_http_parse_response(const uint8_t *head, size_t n, const char *key, int *status)
{
    const char *cur = (const char *)head, *end = cur + n;
    char want[CF_WS_ACCEPT_LEN + 1];
    struct upgrade_headers h;
    struct span line;
    enum cf_err err;

    *status = 0;
    if (!next_line(&cur, end, &line) || line.n < 12 || memcmp(line.p, "HTTP/1.1 ", 9) ||
        line.p[9] < '1' || line.p[9] > '5' || line.p[10] < '0' || line.p[10] > '9' ||
        line.p[11] < '0' || line.p[11] > '9' || (line.n > 12 && line.p[12] != ' '))
        return cf_err_set(CF_ERR_PROTOCOL, "not an HTTP/1.1 status line");
    *status = (line.p[9] - '0') * 100 + (line.p[10] - '0') * 10 + (line.p[11] - '0');
    err = walk_headers(&cur, end, &h);
    if (err || *status != 101)
        return err;
    if (!h.upgrade_ws || !h.connection_upgrade)
        return cf_err_set(CF_ERR_PROTOCOL, "101 response without the upgrade headers");
    cf_http_ws_accept(key, want);
    if (h.accept.n != CF_WS_ACCEPT_LEN || memcmp(h.accept.p, want, CF_WS_ACCEPT_LEN) != 0)
        return cf_err_set(CF_ERR_PROTOCOL, "wrong Sec-WebSocket-Accept");
    return CF_OK;
}

void cf_http_ws_accept(const char *key, char out[CF_WS_ACCEPT_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    out[0] = '\0';
    if (c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) && EVP_DigestUpdate(c, key, strlen(key)) &&
        EVP_DigestUpdate(c, ws_guid, sizeof ws_guid - 1) && EVP_DigestFinal_ex(c, md, &mdlen) &&
        mdlen == 20)
        EVP_EncodeBlock((unsigned char *)out, md, 20);
    EVP_MD_CTX_free(c);
}

enum cf_err cf_http_ws_key(char out[CF_WS_KEY_LEN + 1])
{
    unsigned char raw[16];

    if (RAND_bytes(raw, sizeof raw) != 1)
        return cf_err_set(CF_ERR_CRYPTO, "RAND_bytes failed");
    EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw);
    return CF_OK;
}

enum cf_err cf_http_write_request(struct cf_buf *out, const char *host, uint16_t port,
                                  const char *key)
{
    bool v6 = strchr(host, ':') != NULL;

    return cf_buf_printf(out,
                         "GET /ws HTTP/1.1\r\nHost: %s%s%s:%u\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n",
                         v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port, key);
}

enum cf_err cf_http_write_101(struct cf_buf *out, const char *key)
{
    char accept[CF_WS_ACCEPT_LEN + 1];

    cf_http_ws_accept(key, accept);
    return cf_buf_printf(out,
                         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
                         accept);
}

enum cf_err cf_http_write_error(struct cf_buf *out, int status)
{
    const char *reason = status == 403 ? "Forbidden" : status == 404 ? "Not Found" : "Bad Request";

    return cf_buf_printf(out, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                         status, reason);
}

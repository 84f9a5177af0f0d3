/*
 * net/http.h (internal): the HTTP/1.1 exchange that opens a WebSocket (RFC 6455 section 4).
 *
 * Only the upgrade is HTTP; framing is wslay's. Parsers take the whole head (request or status
 * line plus headers, ending with an empty line) as untrusted bytes and never read past n.
 *
 *   GET /ws HTTP/1.1\r\n                      HTTP/1.1 101 Switching Protocols\r\n
 *   Host: h:p\r\n                             Upgrade: websocket\r\n
 *   Upgrade: websocket\r\n                    Connection: Upgrade\r\n
 *   Connection: Upgrade\r\n                   Sec-WebSocket-Accept: base64(sha1(key+GUID))\r\n
 *   Sec-WebSocket-Key: base64(16 bytes)\r\n   \r\n
 *   Sec-WebSocket-Version: 13\r\n
 *   \r\n
 */
#ifndef CFARM_NET_HTTP_H
#define CFARM_NET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "cfarm/buf.h"
#include "cfarm/err.h"

#define CF_HTTP_HEAD_MAX 8192
#define CF_WS_KEY_LEN    24 /* base64 of 16 bytes */
#define CF_WS_ACCEPT_LEN 28 /* base64 of a SHA-1 */

/*
 * Length of the head at the start of p[0..n), through the blank line. CF_ERR_EOF when the blank
 * line has not arrived yet; CF_ERR_TOO_LARGE when no head ends within max bytes.
 */
enum cf_err cf_http_head_len(const uint8_t *p, size_t n, size_t max, size_t *len);

/* What a server learns from an upgrade request. */
struct cf_http_request {
    char path[64];
    char key[CF_WS_KEY_LEN + 1];
};

/*
 * Parse an upgrade request head. CF_ERR_PROTOCOL (detail set) unless it is a GET with HTTP/1.1,
 * Upgrade: websocket, a Connection header listing "upgrade", Sec-WebSocket-Version 13 and a
 * 24-character key. The path is returned for the caller to check (truncated paths are refused).
 */
enum cf_err cf_http_parse_request(const uint8_t *head, size_t n, struct cf_http_request *out);

/* Parse a response head: *status gets the code; for 101, the upgrade headers and the accept value
 * are checked against key (CF_ERR_PROTOCOL when wrong). */
enum cf_err cf_http_parse_response(const uint8_t *head, size_t n, const char *key, int *status);

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key || GUID)), NUL-terminated. */
void cf_http_ws_accept(const char *key, char out[CF_WS_ACCEPT_LEN + 1]);

/* A fresh random Sec-WebSocket-Key. */
enum cf_err cf_http_ws_key(char out[CF_WS_KEY_LEN + 1]);

/* Append a request / a 101 response / an error response (status 403, 404, 400) to out. */
enum cf_err cf_http_write_request(struct cf_buf *out, const char *host, uint16_t port,
                                  const char *key);
enum cf_err cf_http_write_101(struct cf_buf *out, const char *key);
enum cf_err cf_http_write_error(struct cf_buf *out, int status);

#endif

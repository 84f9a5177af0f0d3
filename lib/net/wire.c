/*
 * wire.c: Message envelope and Handshake body, with cursor-style bounds-checked decoding.
 * See net/wire.h for the layouts.
 */
#include "net/wire.h"

#include <stdlib.h>
#include <string.h>

#include "cfarm/bytes.h"

static enum cf_err get_u8(const uint8_t **p, size_t *n, uint8_t *v)
{
    if (*n < 1)
        return cf_err_set(CF_ERR_EOF, "u8 past end");
    *v = **p;
    *p += 1;
    *n -= 1;
    return CF_OK;
}

static enum cf_err get_u16(const uint8_t **p, size_t *n, uint16_t *v)
{
    if (*n < 2)
        return cf_err_set(CF_ERR_EOF, "u16 past end");
    *v = cf_load_be16(*p);
    *p += 2;
    *n -= 2;
    return CF_OK;
}

static enum cf_err get_u32(const uint8_t **p, size_t *n, uint32_t *v)
{
    if (*n < 4)
        return cf_err_set(CF_ERR_EOF, "u32 past end");
    *v = cf_load_be32(*p);
    *p += 4;
    *n -= 4;
    return CF_OK;
}

enum cf_err cf_wire_msg_parse(const uint8_t *frame, size_t n, struct cf_peer_msg *out)
{
    const uint8_t *p = frame;
    uint8_t flag = 0;
    uint32_t len = 0;
    enum cf_err err;

    memset(out, 0, sizeof *out);
    err = get_u8(&p, &n, &out->type);
    if (!err)
        err = get_u8(&p, &n, &flag);
    if (!err && flag > 1)
        return cf_err_set(CF_ERR_BAD_OPTIONAL, "message id flag 0x%02x", flag);
    out->has_id = flag == 1;
    if (!err && out->has_id)
        err = get_u16(&p, &n, &out->id);
    if (!err)
        err = get_u32(&p, &n, &len);
    if (err)
        return err;
    if (len > n)
        return cf_err_set(CF_ERR_EOF, "message data of %u bytes, %zu present", len, n);
    if (len < n)
        return cf_err_set(CF_ERR_TRAILING, "%zu bytes after the message data", n - len);
    out->data = p;
    out->len = len;
    return CF_OK;
}

enum cf_err cf_wire_msg_write(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                              const uint8_t *data, size_t len)
{
    size_t before = out->len;
    enum cf_err err;

    if (len > UINT32_MAX)
        return cf_err_set(CF_ERR_TOO_LARGE, "message data of %zu bytes", len);
    err = cf_buf_reserve(out, 8 + len);
    if (!err)
        err = cf_buf_putc(out, type);
    if (!err)
        err = cf_buf_putc(out, has_id ? 1 : 0);
    if (!err && has_id)
        err = cf_buf_put_be16(out, id);
    if (!err)
        err = cf_buf_put_be32(out, (uint32_t)len);
    if (!err)
        err = cf_buf_append(out, data, len);
    if (err)
        out->len = before;
    return err;
}

/* Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF); NUL refused as well. */
static bool utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp;

        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            k = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            k = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3, cp = c & 0x07;
        else
            return false;
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + j] & 0x3f);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        i += k + 1;
    }
    return true;
}

static enum cf_err get_str(const uint8_t **p, size_t *n, char **out)
{
    uint32_t len;
    enum cf_err err = get_u32(p, n, &len);

    if (err)
        return err;
    if (len > *n)
        return cf_err_set(CF_ERR_EOF, "string of %u bytes, %zu present", len, *n);
    if (!utf8_ok(*p, len))
        return cf_err_set(CF_ERR_BAD_UTF8, "string is not UTF-8 (or holds NUL)");
    *out = malloc((size_t)len + 1);
    if (*out == NULL)
        return CF_ERR_NOMEM;
    memcpy(*out, *p, len);
    (*out)[len] = '\0';
    *p += len;
    *n -= len;
    return CF_OK;
}

enum cf_err cf_wire_handshake_decode(const uint8_t *p, size_t n, struct cf_peer_handshake *h)
{
    uint32_t count;
    enum cf_err err;

    memset(h, 0, sizeof *h);
    err = get_str(&p, &n, &h->network_id);
    if (!err)
        err = get_str(&p, &n, &h->protocol_version);
    if (!err)
        err = get_str(&p, &n, &h->software_version);
    if (!err)
        err = get_u16(&p, &n, &h->server_port);
    if (!err)
        err = get_u8(&p, &n, &h->node_type);
    if (!err)
        err = get_u32(&p, &n, &count);
    if (!err && count > n / 6) /* each entry takes at least 6 bytes */
        err = cf_err_set(CF_ERR_TOO_LARGE, "%u capabilities in %zu bytes", count, n);
    if (!err && count) {
        h->caps = calloc(count, sizeof *h->caps);
        if (h->caps == NULL)
            err = CF_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < count && !err; i++) {
        char *v = NULL;

        err = get_u16(&p, &n, &h->caps[i].id);
        if (!err)
            err = get_str(&p, &n, &v);
        h->caps[i].value = v;
        h->ncaps = i + 1;
    }
    if (!err && n)
        err = cf_err_set(CF_ERR_TRAILING, "%zu bytes after the Handshake", n);
    if (err)
        cf_wire_handshake_free(h);
    return err;
}

static enum cf_err put_str(struct cf_buf *b, const char *s)
{
    size_t n = strlen(s);
    enum cf_err err = cf_buf_put_be32(b, (uint32_t)n);

    return err ? err : cf_buf_append(b, s, n);
}

enum cf_err cf_wire_handshake_encode(struct cf_buf *out, const struct cf_peer_handshake *h)
{
    size_t before = out->len;
    enum cf_err err = put_str(out, h->network_id);

    if (!err)
        err = put_str(out, h->protocol_version);
    if (!err)
        err = put_str(out, h->software_version);
    if (!err)
        err = cf_buf_put_be16(out, h->server_port);
    if (!err)
        err = cf_buf_putc(out, h->node_type);
    if (!err)
        err = cf_buf_put_be32(out, (uint32_t)h->ncaps);
    for (size_t i = 0; i < h->ncaps && !err; i++) {
        err = cf_buf_put_be16(out, h->caps[i].id);
        if (!err)
            err = put_str(out, h->caps[i].value);
    }
    if (err)
        out->len = before;
    return err;
}

void cf_wire_handshake_free(struct cf_peer_handshake *h)
{
    if (h == NULL)
        return;
    free(h->network_id);
    free(h->protocol_version);
    free(h->software_version);
    for (size_t i = 0; i < h->ncaps; i++)
        free((char *)h->caps[i].value);
    free(h->caps);
    memset(h, 0, sizeof *h);
}

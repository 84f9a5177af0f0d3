/*
 * wire.c: the peer layer's view of the Message envelope and the Handshake, through the message
 * codec (lib/proto), so the transport and the message tools parse these bytes with one decoder.
 * See net/wire.h for the layouts. The Handshake's strings are copied into NUL-terminated strings
 * owned by the peer; one holding a NUL byte is refused (no Chia node sends one, and a C string
 * compare of network ids must not be fooled by it).
 */
#include "net/wire.h"

#include <stdlib.h>
#include <string.h>

#include "cfarm/proto.h"

enum cf_err cf_wire_msg_parse(const uint8_t *frame, size_t n, struct cf_peer_msg *out)
{
    struct cf_proto_msg m;
    enum cf_err err = cf_proto_msg_parse(frame, n, &m);

    memset(out, 0, sizeof *out);
    if (err)
        return err;
    out->type = m.type;
    out->has_id = m.has_id;
    out->id = m.id;
    out->data = m.data;
    out->len = m.len;
    return CF_OK;
}

enum cf_err cf_wire_msg_write(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                              const uint8_t *data, size_t len)
{
    return cf_proto_msg_write(out, type, has_id, id, data, len);
}

static enum cf_err copy_str(char **dst, const struct cf_str *src)
{
    if (src->len != strlen(src->s))
        return cf_err_set(CF_ERR_BAD_UTF8, "Handshake string holds a NUL byte");
    *dst = strdup(src->s);
    return *dst ? CF_OK : CF_ERR_NOMEM;
}

enum cf_err cf_wire_handshake_decode(const uint8_t *p, size_t n, struct cf_peer_handshake *h)
{
    struct cf_handshake w;
    enum cf_err err;

    memset(h, 0, sizeof *h);
    err = cf_proto_decode(CF_CLS_HANDSHAKE, CF_PROTO_LATEST, p, n, &w);
    if (err)
        return err;
    err = copy_str(&h->network_id, &w.network_id);
    if (!err)
        err = copy_str(&h->protocol_version, &w.protocol_version);
    if (!err)
        err = copy_str(&h->software_version, &w.software_version);
    h->server_port = w.server_port;
    h->node_type = w.node_type;
    if (!err && w.capabilities.count) {
        h->caps = calloc(w.capabilities.count, sizeof *h->caps);
        if (h->caps == NULL)
            err = CF_ERR_NOMEM;
    }
    for (size_t i = 0; i < w.capabilities.count && !err; i++) {
        char *v = NULL;

        h->caps[i].id = w.capabilities.items[i].id;
        err = copy_str(&v, &w.capabilities.items[i].value);
        h->caps[i].value = v;
        h->ncaps = i + 1;
    }
    cf_proto_free(CF_CLS_HANDSHAKE, &w);
    if (err)
        cf_wire_handshake_free(h);
    return err;
}

static struct cf_str str_of(const char *s)
{
    struct cf_str v = {(char *)s, strlen(s)};

    return v;
}

enum cf_err cf_wire_handshake_encode(struct cf_buf *out, const struct cf_peer_handshake *h)
{
    struct cf_capability caps[32];
    struct cf_handshake w = {
        .network_id = str_of(h->network_id),
        .protocol_version = str_of(h->protocol_version),
        .software_version = str_of(h->software_version),
        .server_port = h->server_port,
        .node_type = h->node_type,
        .capabilities = {caps, h->ncaps},
    };

    if (h->ncaps > sizeof caps / sizeof caps[0])
        return cf_err_set(CF_ERR_TOO_LARGE, "%zu capabilities", h->ncaps);
    for (size_t i = 0; i < h->ncaps; i++) {
        caps[i].id = h->caps[i].id;
        caps[i].value = str_of(h->caps[i].value);
    }
    return cf_proto_encode(CF_CLS_HANDSHAKE, CF_PROTO_LATEST, &w, out);
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

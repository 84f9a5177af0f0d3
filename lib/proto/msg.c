/*
 * msg.c: the outer Message envelope, message type ids and names, class lookup by name and by
 * (message type, protocol version), and protocol version strings.
 *
 * Message frame (one per WebSocket binary message):
 *
 *   +------+------+---------+-----------+------------+
 *   | type | flag | id      | len       | data       |
 *   | u8   | 0/1  | u16 BE  | u32 BE    | len bytes  |
 *   +------+------+---------+-----------+------------+
 *                   (only when flag = 1)
 */
#include "proto/schema.h"

#include "cfarm/bytes.h"

#include <stdlib.h>
#include <string.h>

enum cf_err cf_proto_msg_parse(const uint8_t *frame, size_t n, struct cf_proto_msg *out)
{
    const uint8_t *p = frame, *data;
    size_t left = n, len;
    bool has_id;
    enum cf_err err;

    memset(out, 0, sizeof *out);
    if (cf_codec_get_u8(&p, &left, &out->type) != CF_OK)
        return cf_err_set(CF_ERR_EOF, "type at offset 0: empty frame");
    err = cf_codec_get_optional(&p, &left, &has_id);
    if (err == CF_ERR_BAD_OPTIONAL)
        return cf_err_set(err, "id at offset 1: optional flag 0x%02x", frame[1]);
    if (err != CF_OK)
        return cf_err_set(err, "id at offset 1: frame ends before the id flag");
    if (has_id && cf_codec_get_u16(&p, &left, &out->id) != CF_OK)
        return cf_err_set(CF_ERR_EOF, "id at offset 2: frame ends inside the id");
    out->has_id = has_id;
    err = cf_codec_get_var(&p, &left, &data, &len, false);
    if (err != CF_OK)
        return cf_err_set(err, "data at offset %zu: length beyond the end of the frame",
                          (size_t)(p - frame));
    if (left)
        return cf_err_set(CF_ERR_TRAILING, "(frame) at offset %zu: %zu trailing bytes", n - left,
                          left);
    out->data = data;
    out->len = len;
    return CF_OK;
}

enum cf_err cf_proto_msg_write(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                               const uint8_t *data, size_t len)
{
    size_t mark = out->len;
    enum cf_err err;

    if (len > UINT32_MAX)
        return cf_err_set(CF_ERR_TOO_LARGE, "message data of %zu bytes", len);
    err = cf_buf_reserve(out, 8 + len);
    if (err == CF_OK)
        err = cf_codec_put_u8(out, type);
    if (err == CF_OK)
        err = cf_codec_put_bool(out, has_id);
    if (err == CF_OK && has_id)
        err = cf_codec_put_u16(out, id);
    if (err == CF_OK)
        err = cf_codec_put_var(out, data, len, false);
    if (err != CF_OK)
        out->len = mark;
    return err;
}

enum cf_err cf_proto_msg_encode(struct cf_buf *out, uint8_t type, bool has_id, uint16_t id,
                                enum cf_proto_cls c, int ver, const void *body)
{
    size_t mark = out->len, head = has_id ? 8 : 6, body_len;
    enum cf_err err;

    /* write the header with a zero length, the body after it, then patch the length */
    err = cf_proto_msg_write(out, type, has_id, id, NULL, 0);
    if (err == CF_OK)
        err = cf_proto_encode(c, ver, body, out);
    if (err != CF_OK) {
        out->len = mark;
        return err;
    }
    body_len = out->len - mark - head;
    if (body_len > UINT32_MAX) {
        out->len = mark;
        return cf_err_set(CF_ERR_TOO_LARGE, "message data of %zu bytes", body_len);
    }
    cf_store_be32(out->data + mark + head - 4, (uint32_t)body_len);
    return CF_OK;
}

/* ---- message types ---- */

struct msg_row {
    uint8_t type;
    const char *name;
    enum cf_proto_cls cls;     /* body class from 0.0.37 on */
    enum cf_proto_cls cls_old; /* body class up to 0.0.36 */
};

#define ROW(t, n, c)                                                                               \
    {                                                                                              \
        t, n, c, c                                                                                 \
    }

static const struct msg_row msg_rows[] = {
    ROW(CF_MSG_HANDSHAKE, "handshake", CF_CLS_HANDSHAKE),
    ROW(CF_MSG_HARVESTER_HANDSHAKE, "harvester_handshake", CF_CLS_HARVESTER_HANDSHAKE),
    ROW(CF_MSG_NEW_PROOF_OF_SPACE, "new_proof_of_space", CF_CLS_NEW_PROOF_OF_SPACE),
    ROW(CF_MSG_REQUEST_SIGNATURES, "request_signatures", CF_CLS_REQUEST_SIGNATURES),
    ROW(CF_MSG_RESPOND_SIGNATURES, "respond_signatures", CF_CLS_RESPOND_SIGNATURES),
    ROW(CF_MSG_NEW_SIGNAGE_POINT, "new_signage_point", CF_CLS_NEW_SIGNAGE_POINT),
    ROW(CF_MSG_DECLARE_PROOF_OF_SPACE, "declare_proof_of_space", CF_CLS_DECLARE_PROOF_OF_SPACE),
    ROW(CF_MSG_REQUEST_SIGNED_VALUES, "request_signed_values", CF_CLS_REQUEST_SIGNED_VALUES),
    ROW(CF_MSG_SIGNED_VALUES, "signed_values", CF_CLS_SIGNED_VALUES),
    ROW(CF_MSG_FARMING_INFO, "farming_info", CF_CLS_FARMING_INFO),
    {CF_MSG_NEW_SIGNAGE_POINT_HARVESTER, "new_signage_point_harvester",
     CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, CF_CLS_NEW_SIGNAGE_POINT_HARVESTER},
    ROW(CF_MSG_REQUEST_PLOTS, "request_plots", CF_CLS_REQUEST_PLOTS),
    ROW(CF_MSG_RESPOND_PLOTS, "respond_plots", CF_CLS_RESPOND_PLOTS),
    ROW(CF_MSG_PLOT_SYNC_START, "plot_sync_start", CF_CLS_PLOT_SYNC_START),
    ROW(CF_MSG_PLOT_SYNC_LOADED, "plot_sync_loaded", CF_CLS_PLOT_SYNC_PLOT_LIST),
    ROW(CF_MSG_PLOT_SYNC_REMOVED, "plot_sync_removed", CF_CLS_PLOT_SYNC_PATH_LIST),
    ROW(CF_MSG_PLOT_SYNC_INVALID, "plot_sync_invalid", CF_CLS_PLOT_SYNC_PATH_LIST),
    ROW(CF_MSG_PLOT_SYNC_KEYS_MISSING, "plot_sync_keys_missing", CF_CLS_PLOT_SYNC_PATH_LIST),
    ROW(CF_MSG_PLOT_SYNC_DUPLICATES, "plot_sync_duplicates", CF_CLS_PLOT_SYNC_PATH_LIST),
    ROW(CF_MSG_PLOT_SYNC_DONE, "plot_sync_done", CF_CLS_PLOT_SYNC_DONE),
    ROW(CF_MSG_PLOT_SYNC_RESPONSE, "plot_sync_response", CF_CLS_PLOT_SYNC_RESPONSE),
    ROW(CF_MSG_SOLUTION_RESPONSE, "solution_response", CF_CLS_SOLVER_RESPONSE),
    ROW(CF_MSG_SOLVE, "solve", CF_CLS_SOLVER_INFO),
    ROW(CF_MSG_PARTIAL_PROOFS, "partial_proofs", CF_CLS_PARTIAL_PROOFS_DATA),
    ROW(CF_MSG_PLOT_SYNC_LOADED2, "plot_sync_loaded2", CF_CLS_PLOT_SYNC_PLOT_LIST2),
    ROW(CF_MSG_RESPOND_PLOTS2, "respond_plots2", CF_CLS_RESPOND_PLOTS2),
    ROW(CF_MSG_ERROR, "error", CF_CLS_ERROR),
};

#define N_ROWS (sizeof msg_rows / sizeof msg_rows[0])

static const struct msg_row *row_of(uint8_t type)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (msg_rows[i].type == type)
            return &msg_rows[i];
    return NULL;
}

enum cf_err cf_proto_cls_for_msg(uint8_t type, int ver, enum cf_proto_cls *out)
{
    const struct msg_row *r = row_of(type);

    if (r == NULL)
        return cf_err_set(CF_ERR_UNKNOWN_TYPE, "message type %u is not known", type);
    *out = ver <= CF_PROTO_0_0_36 ? r->cls_old : r->cls;
    return CF_OK;
}

const char *cf_proto_msg_name(uint8_t type)
{
    const struct msg_row *r = row_of(type);

    return r ? r->name : NULL;
}

enum cf_err cf_proto_msg_by_name(const char *name, uint8_t *type)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(msg_rows[i].name, name) == 0) {
            *type = msg_rows[i].type;
            return CF_OK;
        }
    return cf_err_set(CF_ERR_UNKNOWN_TYPE, "no message named '%s'", name);
}

int cf_proto_msg_type_of(enum cf_proto_cls c)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (msg_rows[i].cls == c || msg_rows[i].cls_old == c)
            return msg_rows[i].type;
    return -1;
}

enum cf_err cf_proto_cls_by_name(const char *name, enum cf_proto_cls *out)
{
    for (int c = 0; c < CF_CLS__COUNT; c++)
        if (strcmp(cf_schema_classes[c]->name, name) == 0 ||
            strcmp(cf_schema_classes[c]->chia_name, name) == 0) {
            *out = (enum cf_proto_cls)c;
            return CF_OK;
        }
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(msg_rows[i].name, name) == 0) {
            *out = msg_rows[i].cls;
            return CF_OK;
        }
    return cf_err_set(CF_ERR_UNKNOWN_TYPE, "no message or class named '%s'", name);
}

enum cf_err cf_proto_version_parse(const char *s, int *ver)
{
    char *end;
    unsigned long minor;

    if (s == NULL || strncmp(s, "0.0.", 4) != 0 || s[4] < '0' || s[4] > '9')
        return cf_err_set(CF_ERR_INVAL, "protocol version '%s' is not of the form 0.0.N",
                          s ? s : "");
    minor = strtoul(s + 4, &end, 10);
    if (*end != '\0')
        return cf_err_set(CF_ERR_INVAL, "protocol version '%s' is not of the form 0.0.N", s);
    if (minor < CF_PROTO_MIN)
        return cf_err_set(CF_ERR_UNSUPPORTED, "protocol version %s is older than 0.0.35", s);
    *ver = minor > CF_PROTO_LATEST ? CF_PROTO_LATEST : (int)minor;
    return CF_OK;
}

/*
 * proto_decode.c: libFuzzer target for the message decoder.
 *
 * Input: byte 0 picks the class (mod the class count), byte 1 the protocol version (35 + low two
 * bits) and, with bit 7 set, a whole Message frame whose body is decoded as the class; the rest
 * is the encoded body (or frame). Whatever decodes must re-encode to exactly the same bytes, and
 * survive JSON and back to the same bytes; any difference aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/json.h"
#include "cfarm/proto.h"

/* n bytes at a and b equal (either may be NULL when n is 0). */
static bool same(const void *a, const void *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}

static void check_json(enum cf_proto_cls c, int ver, const void *obj, const uint8_t *p, size_t n)
{
    struct cf_buf js, out;
    struct cf_jw w;
    struct cf_json_doc *doc = NULL;
    void *obj2 = calloc(1, cf_proto_cls_size(c));

    cf_buf_init(&js, 0);
    cf_buf_init(&out, 0);
    cf_jw_init(&w, &js, 0);
    if (obj2 == NULL || cf_proto_to_json(c, ver, obj, &w) != CF_OK)
        abort();
    if (cf_json_parse((const char *)js.data, js.len, &doc) != CF_OK) {
        /* the JSON reader refuses "\u0000"; a str holding NUL cannot come back */
        if (memmem(js.data, js.len, "\\u0000", 6) == NULL)
            abort();
    } else {
        if (cf_proto_from_json(c, ver, cf_json_root(doc), obj2) != CF_OK)
            abort();
        if (cf_proto_encode(c, ver, obj2, &out) != CF_OK || out.len != n || !same(out.data, p, n))
            abort();
        cf_proto_free(c, obj2);
    }
    cf_json_free(doc);
    cf_buf_free(&js);
    cf_buf_free(&out);
    free(obj2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum cf_proto_cls c;
    int ver;
    bool frame;
    const uint8_t *body;
    size_t body_len;
    struct cf_proto_msg m;
    struct cf_buf out;
    void *obj;

    if (size < 2)
        return 0;
    c = (enum cf_proto_cls)(data[0] % CF_CLS__COUNT);
    ver = CF_PROTO_0_0_35 + (data[1] & 3);
    frame = (data[1] & 0x80) != 0;
    body = data + 2;
    body_len = size - 2;
    if (frame) {
        if (cf_proto_msg_parse(body, body_len, &m) != CF_OK)
            return 0;
        cf_buf_init(&out, 0);
        if (cf_proto_msg_write(&out, m.type, m.has_id, m.id, m.data, m.len) != CF_OK ||
            out.len != body_len || !same(out.data, body, body_len))
            abort();
        cf_buf_free(&out);
        body = m.data;
        body_len = m.len;
    }
    obj = malloc(cf_proto_cls_size(c));
    if (obj == NULL)
        return 0;
    if (cf_proto_decode(c, ver, body, body_len, obj) == CF_OK) {
        cf_buf_init(&out, 0);
        if (cf_proto_encode(c, ver, obj, &out) != CF_OK || out.len != body_len ||
            !same(out.data, body, body_len))
            abort();
        cf_buf_free(&out);
        check_json(c, ver, obj, body, body_len);
        cf_proto_free(c, obj);
    }
    free(obj);
    return 0;
}

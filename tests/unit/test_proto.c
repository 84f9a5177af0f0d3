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

/*
 * Test hex written as space-separated tokens; "aa*32" repeats a token. Returns a static buffer
 * (one of four, so a few can be alive at once).
 */
static const char *H(const char *spec)
{
    static char bufs[4][16384];
    static int which;
    char *out = bufs[which++ % 4], *o = out;
    const char *p = spec;

    while (*p) {
        const char *tok = p, *star;
        size_t len, reps = 1;

        while (*p && *p != ' ')
            p++;
        len = (size_t)(p - tok);
        star = memchr(tok, '*', len);
        if (star) {
            reps = strtoul(star + 1, NULL, 10);
            len = (size_t)(star - tok);
        }
        for (size_t i = 0; i < reps; i++) {
            memcpy(o, tok, len);
            o += len;
        }
        while (*p == ' ')
            p++;
    }
    *o = '\0';
    return out;
}

/* obj -> JSON -> parse -> struct -> bytes must give the original bytes again. */
static void json_roundtrip(enum cf_proto_cls c, int ver, const void *obj, const uint8_t *in,
                           size_t n)
{
    static uint8_t obj2[4096];
    struct cf_buf js, out;
    struct cf_jw w;
    struct cf_json_doc *doc = NULL;
    enum cf_err err;

    cf_buf_init(&js, 0);
    cf_buf_init(&out, 0);
    cf_jw_init(&w, &js, 0);
    CHECK(cf_proto_to_json(c, ver, obj, &w) == CF_OK);
    CHECK(cf_json_parse((const char *)js.data, js.len, &doc) == CF_OK);
    err = doc ? cf_proto_from_json(c, ver, cf_json_root(doc), obj2) : CF_ERR_JSON;
    CHECK(err == CF_OK);
    if (err == CF_OK) {
        CHECK(cf_proto_encode(c, ver, obj2, &out) == CF_OK);
        CHECK_EQ_U64(out.len, n);
        if (out.len == n)
            CHECK_MEM(out.data, in, n);
        cf_proto_free(c, obj2);
    } else {
        fprintf(stderr, "  from_json %s: %s (%.*s)\n", cf_proto_cls_name(c), cf_err_detail(),
                (int)js.len, (const char *)js.data);
    }
    cf_json_free(doc);
    cf_buf_free(&js);
    cf_buf_free(&out);
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
    json_roundtrip(c, ver, obj, in, n);
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

#define HANDSHAKE_HEX                                                                              \
    "000000076d61696e6e6574" /* network_id "mainnet" */                                            \
    "00000006302e302e3338"   /* protocol_version "0.0.38" */                                       \
    "00000005322e372e33"     /* software_version "2.7.3" */                                        \
    "0000"                   /* server_port 0 */                                                   \
    "02"                     /* node_type harvester */                                             \
    "00000003"               /* 3 capabilities */                                                  \
    "00010000000131"                                                                               \
    "00020000000131"                                                                               \
    "00030000000131"

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
              "54010007"
              "00000020"
              "0000000000000001"
              "0000000000000002"
              "0000000000000003"
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

#define ID "000000006553f100 000000006553f100 0000000000000000"
#define PLOT_HEX                                                                                   \
    "00000006 612e706c6f74"              /* filename "a.plot" */                                   \
    " 20 11*32"                          /* size 32, plot_id */                                    \
    " 01 a0 00*47"                       /* pool_public_key present */                             \
    " 00"                                /* pool_contract_puzzle_hash absent */                    \
    " b0 00*47"                          /* plot_public_key */                                     \
    " 0000001b00000000 0000000065000000" /* file_size, time_modified */                            \
    " 01 00"                             /* compression_level 0 */

static void test_plot_sync(void)
{
    union {
        struct cf_plot_sync_start start;
        struct cf_plot_sync_path_list paths;
        struct cf_plot_sync_plot_list plots;
        struct cf_plot_sync_plot_list2 plots2;
        struct cf_plot_sync_done done;
        struct cf_plot_sync_error error;
        struct cf_plot_sync_response response;
        struct cf_plot_sync_identifier id;
    } u;

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_IDENTIFIER, 38, H(ID), &u.id) == CF_OK);
    CHECK_EQ_U64(u.id.timestamp, 1700000000);
    cf_proto_free(CF_CLS_PLOT_SYNC_IDENTIFIER, &u);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_START, 38, H(ID " 01 0000000000000000 00000002 01"),
                    &u.start) == CF_OK);
    CHECK(u.start.initial);
    CHECK_EQ_U64(u.start.plot_file_count, 2);
    CHECK_EQ_U64(u.start.harvesting_mode, 1);
    cf_proto_free(CF_CLS_PLOT_SYNC_START, &u);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_PATH_LIST, 38,
                    H(ID " 00000002 00000009 2f702f612e706c6f74 00000009 2f702f622e706c6f74 01"),
                    &u.paths) == CF_OK);
    CHECK_EQ_U64(u.paths.data.count, 2);
    if (u.paths.data.count == 2)
        CHECK_STR(u.paths.data.items[1].s, "/p/b.plot");
    CHECK(u.paths.final);
    cf_proto_free(CF_CLS_PLOT_SYNC_PATH_LIST, &u);
    CHECK(roundtrip(CF_CLS_PLOT_SYNC_PATH_LIST, 38, H(ID " 00000000 01"), &u.paths) == CF_OK);
    cf_proto_free(CF_CLS_PLOT_SYNC_PATH_LIST, &u);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_PLOT_LIST, 38, H(ID " 00000001 " PLOT_HEX " 00"), &u.plots) ==
          CF_OK);
    CHECK_EQ_U64(u.plots.data.count, 1);
    if (u.plots.data.count == 1) {
        CHECK_STR(u.plots.data.items[0].filename.s, "a.plot");
        CHECK_EQ_U64(u.plots.data.items[0].size, 32);
        CHECK(u.plots.data.items[0].pool_public_key.present);
        CHECK(!u.plots.data.items[0].pool_contract_puzzle_hash.present);
        CHECK(u.plots.data.items[0].compression_level.present);
    }
    cf_proto_free(CF_CLS_PLOT_SYNC_PLOT_LIST, &u);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_PLOT_LIST2, 38, H(ID " 00000001 " PLOT_HEX " 0c49 05 01"),
                    &u.plots2) == CF_OK);
    if (u.plots2.data.count == 1) {
        CHECK_EQ_U64(u.plots2.data.items[0].plot_index, 3145);
        CHECK_EQ_U64(u.plots2.data.items[0].meta_group, 5);
    }
    CHECK(u.plots2.final);
    cf_proto_free(CF_CLS_PLOT_SYNC_PLOT_LIST2, &u);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_DONE, 38, H(ID " 0000000000000005"), &u.done) == CF_OK);
    CHECK_EQ_U64(u.done.duration, 5);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_ERROR, 38, H("ffff 00000001 78 01 " ID), &u.error) == CF_OK);
    CHECK(u.error.code == -1);
    CHECK(u.error.expected_identifier.present);
    cf_proto_free(CF_CLS_PLOT_SYNC_ERROR, &u);

    CHECK(roundtrip(CF_CLS_PLOT_SYNC_RESPONSE, 38, H(ID " 004f 00"), &u.response) == CF_OK);
    CHECK_EQ_U64(u.response.message_type, 79);
    CHECK(!u.response.error.present);
    CHECK(roundtrip(CF_CLS_PLOT_SYNC_RESPONSE, 38, H(ID " 004f 01 0002 00000003 626164 01 " ID),
                    &u.response) == CF_OK);
    CHECK(u.response.error.present);
    CHECK_EQ_U64(u.response.error.v.code, 2);
    CHECK_STR(u.response.error.v.message.s, "bad");
    cf_proto_free(CF_CLS_PLOT_SYNC_RESPONSE, &u);
}

/* A version-0 ProofOfSpace: no pool key, contract hash, k 32, 2-byte proof. */
#define POS_V0 "cc*32 00 01 dd*32 b0 00*47 20 00000002 0102"

static void test_versions(void)
{
    union {
        struct cf_new_proof_of_space npos;
        struct cf_request_signatures rs;
        struct cf_respond_signatures resp;
        struct cf_new_signage_point nsp;
        struct cf_declare_proof_of_space dpos;
        struct cf_request_signed_values rsv;
        struct cf_new_signage_point_harvester2 nsph2;
    } u;
    const char *npos35 = "aa*32 bb*32 00000001 70 " POS_V0 " 05";
    const char *nsp35 = "01*32 02*32 03*32 0000000000000064 0000000000000200 07 0000000a";
    char tmp[2048];

    /* NewProofOfSpace: 5 fields at 0.0.35, 8 from 0.0.36 */
    CHECK(roundtrip(CF_CLS_NEW_PROOF_OF_SPACE, 35, H(npos35), &u.npos) == CF_OK);
    CHECK_EQ_U64(u.npos.proof.size, 32);
    CHECK_EQ_U64(u.npos.proof.version, 0);
    CHECK(u.npos.proof.pool_contract_puzzle_hash.present);
    cf_proto_free(CF_CLS_NEW_PROOF_OF_SPACE, &u);
    rejects(CF_CLS_NEW_PROOF_OF_SPACE, 36, H(npos35), CF_ERR_EOF, "include_source_signature_data");
    snprintf(tmp, sizeof tmp, "%s 01 01 ee*32 01 00000539", npos35);
    CHECK(roundtrip(CF_CLS_NEW_PROOF_OF_SPACE, 36, H(tmp), &u.npos) == CF_OK);
    CHECK(u.npos.include_source_signature_data);
    CHECK_EQ_U64(u.npos.fee_info.v.applied_fee_threshold, 1337);
    cf_proto_free(CF_CLS_NEW_PROOF_OF_SPACE, &u);
    rejects(CF_CLS_NEW_PROOF_OF_SPACE, 35, H(tmp), CF_ERR_TRAILING, "offset");

    /* RequestSignatures: 4 fields at 0.0.35 */
    CHECK(roundtrip(CF_CLS_REQUEST_SIGNATURES, 35, H("00000001 70 aa*32 bb*32 00000001 cc*32"),
                    &u.rs) == CF_OK);
    cf_proto_free(CF_CLS_REQUEST_SIGNATURES, &u);
    CHECK(roundtrip(CF_CLS_REQUEST_SIGNATURES, 36,
                    H("00000001 70 aa*32 bb*32 00000001 cc*32 01 00000002 00 01 03 00000001 ff 00"),
                    &u.rs) == CF_OK);
    CHECK(u.rs.message_data.present);
    CHECK_EQ_U64(u.rs.message_data.v.count, 2);
    if (u.rs.message_data.v.count == 2) {
        CHECK(!u.rs.message_data.v.items[0].present);
        CHECK_EQ_U64(u.rs.message_data.v.items[1].v.kind, 3);
    }
    cf_proto_free(CF_CLS_REQUEST_SIGNATURES, &u);

    /* RespondSignatures: 6 fields at 0.0.35 */
    CHECK(roundtrip(CF_CLS_RESPOND_SIGNATURES, 35,
                    H("00000001 70 aa*32 bb*32 a0 00*47 a1 00*47 00000001 cc*32 c0 00*95"),
                    &u.resp) == CF_OK);
    cf_proto_free(CF_CLS_RESPOND_SIGNATURES, &u);
    CHECK(roundtrip(CF_CLS_RESPOND_SIGNATURES, 36,
                    H("00000001 70 aa*32 bb*32 a0 00*47 a1 00*47 00000000 00 00"),
                    &u.resp) == CF_OK);
    cf_proto_free(CF_CLS_RESPOND_SIGNATURES, &u);

    /* NewSignagePoint: sp_source_data after peak_height at 0.0.36, after last_tx_height later */
    CHECK(roundtrip(CF_CLS_NEW_SIGNAGE_POINT, 35, H(nsp35), &u.nsp) == CF_OK);
    snprintf(tmp, sizeof tmp, "%s 01 00 01 %s %s", nsp35, "11*100", "22*100");
    CHECK(roundtrip(CF_CLS_NEW_SIGNAGE_POINT, 36, H(tmp), &u.nsp) == CF_OK);
    CHECK(u.nsp.sp_source_data.present);
    CHECK(u.nsp.sp_source_data.v.vdf_data.present);
    CHECK_EQ_U64(u.nsp.sp_source_data.v.vdf_data.v.rc_vdf.data[99], 0x22);
    cf_proto_free(CF_CLS_NEW_SIGNAGE_POINT, &u);
    snprintf(tmp, sizeof tmp, "%s 00000009 00", nsp35);
    CHECK(roundtrip(CF_CLS_NEW_SIGNAGE_POINT, 37, H(tmp), &u.nsp) == CF_OK);
    CHECK_EQ_U64(u.nsp.last_tx_height, 9);
    snprintf(tmp, sizeof tmp, "%s 00000009 00 01 ab*32", nsp35);
    CHECK(roundtrip(CF_CLS_NEW_SIGNAGE_POINT, 38, H(tmp), &u.nsp) == CF_OK);
    CHECK(u.nsp.filter_challenge.present);

    /* DeclareProofOfSpace: include_signature_source_data from 0.0.36 */
    snprintf(tmp, sizeof tmp,
             "aa*32 bb*32 03 cc*32 %s c0 00*95 c0 00*95 dd*32 01 ee*32 00000010 00", POS_V0);
    CHECK(roundtrip(CF_CLS_DECLARE_PROOF_OF_SPACE, 35, H(tmp), &u.dpos) == CF_OK);
    CHECK(u.dpos.pool_target.present);
    CHECK_EQ_U64(u.dpos.pool_target.v.max_height, 16);
    cf_proto_free(CF_CLS_DECLARE_PROOF_OF_SPACE, &u);
    strcat(tmp, " 01");
    CHECK(roundtrip(CF_CLS_DECLARE_PROOF_OF_SPACE, 36, H(tmp), &u.dpos) == CF_OK);
    CHECK(u.dpos.include_signature_source_data);
    cf_proto_free(CF_CLS_DECLARE_PROOF_OF_SPACE, &u);

    /* RequestSignedValues: three optionals from 0.0.36 */
    CHECK(roundtrip(CF_CLS_REQUEST_SIGNED_VALUES, 35, H("aa*32 bb*32 cc*32"), &u.rsv) == CF_OK);
    CHECK(roundtrip(CF_CLS_REQUEST_SIGNED_VALUES, 36,
                    H("aa*32 bb*32 cc*32 01 11*32 22*32 00000007 00 33*32 44*32 00 00"),
                    &u.rsv) == CF_OK);
    CHECK(u.rsv.foliage_block_data.present);
    CHECK_EQ_U64(u.rsv.foliage_block_data.v.pool_target.max_height, 7);

    /* NewSignagePointHarvester2 with and without filter_challenge */
    CHECK(
        roundtrip(CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, 37,
                  H("aa*32 0000000000000001 0000000000000002 03 bb*32 00000000 00000005 00000004"),
                  &u.nsph2) == CF_OK);
    CHECK(roundtrip(
              CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2, 38,
              H("aa*32 0000000000000001 0000000000000002 03 bb*32 00000000 00000005 00000004 00"),
              &u.nsph2) == CF_OK);
}

static enum cf_err reject_all_points(const uint8_t *bytes)
{
    (void)bytes;
    return CF_ERR_BAD_POINT;
}

/* One rejected input per decoding rule (docs/chia-protocol.md section 1). */
static void test_rejects(void)
{
    const char *fi = "aa*32 bb*32 0000000000000001 00000002 00000003 00000004 00000000000005";
    char tmp[1024];
    enum cf_proto_cls c;

    /* input ends early: the detail names the field and where it began */
    rejects(CF_CLS_FARMING_INFO, 38, H(fi), CF_ERR_EOF, "lookup_time at offset 84");
    /* trailing bytes after a complete object */
    snprintf(tmp, sizeof tmp, "%s 0600", fi);
    rejects(CF_CLS_FARMING_INFO, 38, H(tmp), CF_ERR_TRAILING, "offset 92");
    /* Optional flag other than 0/1 */
    rejects(CF_CLS_PLOT_SYNC_ERROR, 38, H("0001 00000000 02"), CF_ERR_BAD_OPTIONAL,
            "expected_identifier at offset 6");
    /* bool byte other than 0/1 */
    rejects(CF_CLS_PLOT_SYNC_START, 38, H(ID " 02 0000000000000000 00000000 01"), CF_ERR_BAD_BOOL,
            "initial at offset 24");
    /* str that is not UTF-8: stray continuation, overlong, surrogate, > U+10FFFF, truncated */
    rejects(CF_CLS_PLOT_SYNC_PATH_LIST, 38, H(ID " 00000001 00000001 80 01"), CF_ERR_BAD_UTF8,
            "data[0] at offset 28");
    rejects(CF_CLS_ERROR, 38, H("0001 00000002 c0af 00"), CF_ERR_BAD_UTF8, "message");
    rejects(CF_CLS_ERROR, 38, H("0001 00000003 eda080 00"), CF_ERR_BAD_UTF8, "message");
    rejects(CF_CLS_ERROR, 38, H("0001 00000004 f4908080 00"), CF_ERR_BAD_UTF8, "message");
    rejects(CF_CLS_ERROR, 38, H("0001 00000002 e282 00"), CF_ERR_BAD_UTF8, "message");
    /* bytes/str length beyond the input */
    rejects(CF_CLS_ERROR, 38, H("0001 00000000 01 00000010 0102"), CF_ERR_EOF, "data");
    /* list count larger than the remaining input can hold: refused before allocating */
    rejects(CF_CLS_HARVESTER_HANDSHAKE, 38, H("00000002 a0 00*47 00000000"), CF_ERR_TOO_LARGE,
            "farmer_public_keys at offset 0");
    rejects(CF_CLS_RESPOND_PLOTS, 38, H("ffffffff 00*64"), CF_ERR_TOO_LARGE, "plots");
    rejects(CF_CLS_PLOT_SYNC_PATH_LIST, 38, H(ID " 00000003 00000000 00000000"), CF_ERR_TOO_LARGE,
            "data");
    /* invalid curve point, through the hook */
    cf_codec_set_point_check(reject_all_points, reject_all_points);
    rejects(CF_CLS_HARVESTER_HANDSHAKE, 38, H("00000001 a0 00*47 00000000"), CF_ERR_BAD_POINT,
            "farmer_public_keys[0] at offset 4");
    rejects(CF_CLS_SIGNED_VALUES, 38, H("aa*32 c0 00*95 c0 00*95"), CF_ERR_BAD_POINT,
            "foliage_block_data_signature");
    cf_codec_set_point_check(NULL, NULL);
    CHECK(cf_codec_check_g1((const uint8_t *)H("00*48")) == CF_OK);
    /* ProofOfSpace: version > 1; version 1 with both or neither pool field */
    rejects(CF_CLS_PROOF_OF_SPACE, 38, H("cc*32 00 04 b0 00*47 20 00000000"), CF_ERR_BAD_VALUE,
            "pool_contract_puzzle_hash at offset 33");
    rejects(CF_CLS_PROOF_OF_SPACE, 38, H("cc*32 01 a0 00*47 03 dd*32 b0 00*47 0001 00 02 00000000"),
            CF_ERR_BAD_VALUE, "exactly one");
    rejects(CF_CLS_PROOF_OF_SPACE, 38, H("cc*32 00 02 b0 00*47 0001 00 02 00000000"),
            CF_ERR_BAD_VALUE, "exactly one");
    /* unknown message type */
    CHECK(cf_proto_cls_for_msg(4, 38, &c) == CF_ERR_UNKNOWN_TYPE);
    CHECK(cf_proto_cls_for_msg(200, 38, &c) == CF_ERR_UNKNOWN_TYPE);
}

static void test_pos_versions(void)
{
    struct cf_proof_of_space pos;

    CHECK(roundtrip(CF_CLS_PROOF_OF_SPACE, 38,
                    H("cc*32 01 a0 00*47 02 b0 00*47 0c49 05 03 00000001 ff"), &pos) == CF_OK);
    CHECK_EQ_U64(pos.version, 1);
    CHECK_EQ_U64(pos.plot_index, 3145);
    CHECK_EQ_U64(pos.meta_group, 5);
    CHECK_EQ_U64(pos.strength, 3);
    CHECK_EQ_U64(pos.size, 0);
    cf_proto_free(CF_CLS_PROOF_OF_SPACE, &pos);
    CHECK(roundtrip(CF_CLS_PROOF_OF_SPACE, 38, H(POS_V0), &pos) == CF_OK);
    cf_proto_free(CF_CLS_PROOF_OF_SPACE, &pos);
}

static void test_lookup(void)
{
    enum cf_proto_cls c;
    uint8_t t;
    int v;

    CHECK(cf_proto_cls_by_name("new_signage_point_harvester", &c) == CF_OK &&
          c == CF_CLS_NEW_SIGNAGE_POINT_HARVESTER);
    CHECK(cf_proto_cls_by_name("NewSignagePointHarvester2", &c) == CF_OK &&
          c == CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2);
    CHECK(cf_proto_cls_by_name("plot_sync_loaded", &c) == CF_OK && c == CF_CLS_PLOT_SYNC_PLOT_LIST);
    CHECK(cf_proto_cls_by_name("plot_sync_removed", &c) == CF_OK &&
          c == CF_CLS_PLOT_SYNC_PATH_LIST);
    CHECK(cf_proto_cls_by_name("partial_proofs", &c) == CF_OK && c == CF_CLS_PARTIAL_PROOFS_DATA);
    CHECK(cf_proto_cls_by_name("nope", &c) == CF_ERR_UNKNOWN_TYPE);
    CHECK(cf_proto_cls_for_msg(66, 36, &c) == CF_OK && c == CF_CLS_NEW_SIGNAGE_POINT_HARVESTER);
    CHECK(cf_proto_cls_for_msg(66, 37, &c) == CF_OK && c == CF_CLS_NEW_SIGNAGE_POINT_HARVESTER2);
    CHECK(cf_proto_cls_for_msg(112, 38, &c) == CF_OK && c == CF_CLS_PLOT_SYNC_PLOT_LIST2);
    CHECK(cf_proto_msg_by_name("plot_sync_keys_missing", &t) == CF_OK && t == 82);
    CHECK_STR(cf_proto_msg_name(255), "error");
    CHECK(cf_proto_msg_type_of(CF_CLS_PLOT) == -1);
    CHECK(cf_proto_msg_type_of(CF_CLS_RESPOND_PLOTS2) == 113);
    for (int i = 0; i < CF_CLS__COUNT; i++) {
        CHECK(cf_proto_cls_by_name(cf_proto_cls_name((enum cf_proto_cls)i), &c) == CF_OK &&
              (int)c == i);
        CHECK(cf_proto_cls_size((enum cf_proto_cls)i) > 0);
    }
    CHECK(cf_proto_version_parse("0.0.36", &v) == CF_OK && v == 36);
    CHECK(cf_proto_version_parse("0.0.40", &v) == CF_OK && v == 38);
    CHECK(cf_proto_version_parse("0.0.34", &v) == CF_ERR_UNSUPPORTED);
    CHECK(cf_proto_version_parse("1.0", &v) == CF_ERR_INVAL);
    CHECK(cf_proto_version_parse("0.0.3x", &v) == CF_ERR_INVAL);
}

static void test_utf8(void)
{
    CHECK(cf_codec_utf8_valid((const uint8_t *)"", 0));
    CHECK(cf_codec_utf8_valid((const uint8_t *)"plain", 5));
    CHECK(cf_codec_utf8_valid((const uint8_t *)"\xc3\xa9\xe2\x82\xac\xf0\x9f\x8c\xb1", 9));
    CHECK(cf_codec_utf8_valid((const uint8_t *)"\xf4\x8f\xbf\xbf", 4));  /* U+10FFFF */
    CHECK(cf_codec_utf8_valid((const uint8_t *)"\xed\x9f\xbf", 3));      /* U+D7FF */
    CHECK(!cf_codec_utf8_valid((const uint8_t *)"\xed\xbf\xbf", 3));     /* surrogate */
    CHECK(!cf_codec_utf8_valid((const uint8_t *)"\xe0\x80\xaf", 3));     /* overlong */
    CHECK(!cf_codec_utf8_valid((const uint8_t *)"\xf0\x80\x80\xaf", 4)); /* overlong */
    CHECK(!cf_codec_utf8_valid((const uint8_t *)"\xf5\x80\x80\x80", 4));
    CHECK(!cf_codec_utf8_valid((const uint8_t *)"\xc3", 1));
    CHECK(!cf_codec_utf8_valid((const uint8_t *)"a\xc3(", 3));
}

static void test_encode_errors(void)
{
    struct cf_proof_of_space pos;
    struct cf_plot_sync_error e;
    struct cf_buf b;

    memset(&pos, 0, sizeof pos);
    memset(&e, 0, sizeof e);
    cf_buf_init(&b, 0);
    pos.version = 2;
    CHECK(cf_proto_encode(CF_CLS_PROOF_OF_SPACE, 38, &pos, &b) == CF_ERR_BAD_VALUE);
    pos.version = 1; /* neither pool field */
    CHECK(cf_proto_encode(CF_CLS_PROOF_OF_SPACE, 38, &pos, &b) == CF_ERR_BAD_VALUE);
    CHECK_EQ_U64(b.len, 0);
    e.message.s = (char *)"\xff";
    e.message.len = 1;
    CHECK(cf_proto_encode(CF_CLS_PLOT_SYNC_ERROR, 38, &e, &b) == CF_ERR_BAD_UTF8);
    CHECK(strstr(cf_err_detail(), "message") != NULL);
    CHECK_EQ_U64(b.len, 0);
    /* a capped buffer leaves no partial output */
    cf_buf_free(&b);
    cf_buf_init(&b, 10);
    e.message.s = (char *)"long enough to overflow";
    e.message.len = strlen(e.message.s);
    CHECK(cf_proto_encode(CF_CLS_PLOT_SYNC_ERROR, 38, &e, &b) == CF_ERR_TOO_LARGE);
    CHECK_EQ_U64(b.len, 0);
    cf_buf_free(&b);
}

static void test_json_errors(void)
{
    static const char *bad[] = {
        "{\"code\": 70000, \"message\": \"x\", \"expected_identifier\": null}",
        "{\"code\": 1, \"message\": 5, \"expected_identifier\": null}",
        "{\"code\": 1, \"expected_identifier\": null}",
        "{\"code\": 1, \"message\": \"x\", \"expected_identifier\": {\"timestamp\": 1}}",
        "[1, 2, 3]",
    };
    struct cf_plot_sync_error e;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cf_json_doc *doc = NULL;

        CHECK(cf_json_parse(bad[i], strlen(bad[i]), &doc) == CF_OK);
        CHECK(doc &&
              cf_proto_from_json(CF_CLS_PLOT_SYNC_ERROR, 38, cf_json_root(doc), &e) == CF_ERR_JSON);
        cf_json_free(doc);
    }
}

/* The cursor form stops after one object and leaves the rest; failure leaves the cursor alone. */
static void test_cursor_and_hex_forms(void)
{
    uint8_t in[64];
    size_t n = unhex(in, sizeof in, H("0000000000000001 0000000000000002 0000000000000003 ff"));
    const uint8_t *p = in;
    size_t left = n;
    struct cf_plot_sync_identifier id;
    struct cf_pool_target t;
    struct cf_json_doc *doc = NULL;
    const char *js =
        "{\"puzzle_hash\": \"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB\","
        " \"max_height\": \"4294967295\", \"ignored\": 1}";

    CHECK(cf_proto_decode_cursor(CF_CLS_PLOT_SYNC_IDENTIFIER, 38, &p, &left, &id) == CF_OK);
    CHECK(p == in + 24);
    CHECK_EQ_U64(left, 1);
    CHECK_EQ_U64(id.message_id, 3);
    CHECK(cf_proto_decode_cursor(CF_CLS_PLOT_SYNC_IDENTIFIER, 38, &p, &left, &id) == CF_ERR_EOF);
    CHECK(p == in + 24);
    CHECK_EQ_U64(id.timestamp, 0); /* zeroed on failure */
    /* hex without 0x in upper case, an integer as a decimal string, an unknown key */
    CHECK(cf_json_parse(js, strlen(js), &doc) == CF_OK);
    CHECK(doc && cf_proto_from_json(CF_CLS_POOL_TARGET, 38, cf_json_root(doc), &t) == CF_OK);
    CHECK_EQ_U64(t.puzzle_hash[31], 0xab);
    CHECK_EQ_U64(t.max_height, 4294967295u);
    cf_json_free(doc);
}

int main(void)
{
    test_cursor_and_hex_forms();
    test_handshake();
    test_frames();
    test_plot_sync();
    test_versions();
    test_pos_versions();
    test_rejects();
    test_lookup();
    test_utf8();
    test_encode_errors();
    test_json_errors();
    return test_report("test_proto");
}

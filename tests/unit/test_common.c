/* test_common.c: error strings, hex, capped buffers, JSON reader and writer. */
#include "test.h"

#include "cfarm/buf.h"
#include "cfarm/bytes.h"
#include "cfarm/ct.h"
#include "cfarm/err.h"
#include "cfarm/hash.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"

static void test_err(void)
{
    CHECK_STR(cf_strerror(CF_OK), "success");
    CHECK_STR(cf_strerror(CF_ERR_EOF), "unexpected end of input");
    CHECK_STR(cf_strerror((enum cf_err)9999), "unknown error");
    for (int e = 0; e < CF_ERR__COUNT; e++)
        CHECK(strcmp(cf_strerror((enum cf_err)e), "unknown error") != 0);
    CHECK(cf_err_set(CF_ERR_IO, "file %d", 7) == CF_ERR_IO);
    CHECK_STR(cf_err_detail(), "file 7");
}

static void test_hex(void)
{
    uint8_t out[4];
    size_t n;
    char s[9];

    CHECK(cf_hex_decode(out, sizeof out, &n, "0xdeADbe", 8) == CF_OK && n == 3);
    CHECK(out[0] == 0xde && out[1] == 0xad && out[2] == 0xbe);
    cf_hex_encode(s, out, 3);
    CHECK_STR(s, "deadbe");
    CHECK(cf_hex_decode(out, sizeof out, &n, "abc", 3) == CF_ERR_INVAL);
    CHECK(cf_hex_decode(out, sizeof out, &n, "zz", 2) == CF_ERR_INVAL);
    CHECK(cf_hex_decode(out, sizeof out, &n, "0011223344", 10) == CF_ERR_INVAL);
    CHECK(cf_hex_decode_exact(out, 2, "0102") == CF_OK);
    CHECK(cf_hex_decode_exact(out, 3, "0102") == CF_ERR_INVAL);
}

static void test_buf(void)
{
    struct cf_buf b;

    cf_buf_init(&b, 8);
    CHECK(cf_buf_put_be32(&b, 0x01020304) == CF_OK);
    CHECK(cf_buf_put_be32(&b, 0x05060708) == CF_OK);
    CHECK(cf_buf_putc(&b, 9) == CF_ERR_TOO_LARGE);
    CHECK(b.len == 8 && b.data[0] == 1 && b.data[7] == 8);
    cf_buf_free(&b);
    cf_buf_free(&b);
    CHECK(cf_load_be64((const uint8_t *)"\x01\x02\x03\x04\x05\x06\x07\x08") ==
          0x0102030405060708ull);
}

static void test_json(void)
{
    const char *text = "{\"a\": [1, 18446744073709551615, \"x\\u00e9\\ud83d\\ude00\"],"
                       " \"b\": {\"c\": null, \"d\": true}, \"big\": "
                       "340282366920938463463374607431768211455}";
    struct cf_json_doc *doc;
    const struct cf_json *a;
    uint64_t v, hi, lo;
    struct cf_buf out;
    struct cf_jw w;

    CHECK(cf_json_parse(text, strlen(text), &doc) == CF_OK);
    a = cf_json_get(cf_json_root(doc), "a");
    CHECK(a && a->count == 3);
    CHECK(cf_json_u64(cf_json_at(a, 1), &v) == CF_OK && v == UINT64_MAX);
    CHECK_STR(cf_json_string(cf_json_at(a, 2)), "x\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(cf_json_get(cf_json_get(cf_json_root(doc), "b"), "c")->type == CF_JSON_NULL);
    CHECK(cf_json_is_true(cf_json_get(cf_json_get(cf_json_root(doc), "b"), "d")));
    CHECK(cf_json_u128(cf_json_get(cf_json_root(doc), "big"), &hi, &lo) == CF_OK &&
          hi == UINT64_MAX && lo == UINT64_MAX);
    CHECK(cf_json_u64(cf_json_get(cf_json_root(doc), "big"), &v) == CF_ERR_TOO_LARGE);

    cf_buf_init(&out, 0);
    cf_jw_init(&w, &out, 0);
    cf_jw_value(&w, cf_json_root(doc));
    cf_buf_terminate(&out);
    CHECK(w.err == CF_OK);
    CHECK_STR((char *)out.data, "{\"a\":[1,18446744073709551615,\"x\xc3\xa9\xf0\x9f\x98\x80\"],"
                                "\"b\":{\"c\":null,\"d\":true},\"big\":"
                                "340282366920938463463374607431768211455}");
    cf_buf_free(&out);
    cf_json_free(doc);

    static const char *const bad[] = {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"",
                                      "\"\\ud800\"", "[1] x", "\"\\u0000\"", "tru", "-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(cf_json_parse(bad[i], strlen(bad[i]), &doc) == CF_ERR_JSON);
    }
    char deep[200];
    memset(deep, '[', sizeof deep);
    CHECK(cf_json_parse(deep, sizeof deep, &doc) == CF_ERR_JSON);
}

static void test_hash(void)
{
    uint8_t h[32], expect[32], okm[42], p[64];

    cf_sha256(h, "abc", 3);
    cf_hex_decode_exact(expect, 32,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_MEM(h, expect, 32);
    /* RFC 5869 test case 1. */
    uint8_t ikm[22], salt[13], info[10], want[42];
    memset(ikm, 0x0b, sizeof ikm);
    for (int i = 0; i < 13; i++)
        salt[i] = (uint8_t)i;
    for (int i = 0; i < 10; i++)
        info[i] = (uint8_t)(0xf0 + i);
    CHECK(cf_hkdf_sha256(okm, 42, salt, 13, ikm, 22, info, 10) == CF_OK);
    cf_hex_decode_exact(want, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                                  "34007208d5b887185865");
    CHECK_MEM(okm, want, 42);
    CHECK(cf_pbkdf2_sha512(p, 64, "password", 8, "salt", 4, 1) == CF_OK);
    cf_hex_decode_exact(expect, 32,
                        "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252");
    CHECK_MEM(p, expect, 32);
    CHECK(cf_ct_memeq("abcd", "abcd", 4) == 1);
    CHECK(cf_ct_memeq("abcd", "abce", 4) == 0);
}

int main(void)
{
    test_err();
    test_hex();
    test_buf();
    test_json();
    test_hash();
    return test_report("test_common");
}

/*
 * vec_blake3.c: the official BLAKE3 test vectors (blake3/test_vectors.json): every case in hash,
 * keyed_hash and derive_key modes at the full extended length, the 32-byte default, the input fed
 * in uneven pieces, and the one-block fast path for short inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "cfarm/blake3.h"
#include "cfarm/hex.h"
#include "cfarm/json.h"
#include "test.h"

#define MAX_OUT 1024

/* Hash `in` with a fresh hasher of the given mode, feeding it in pieces of `step` bytes
 * (0 = all at once). */
static void run_mode(int mode, const char *key, const char *context, const uint8_t *in, size_t len,
                     size_t step, uint8_t *out, size_t out_len)
{
    struct cf_blake3 h;

    if (mode == 0)
        cf_blake3_init(&h);
    else if (mode == 1)
        cf_blake3_init_keyed(&h, (const uint8_t *)key);
    else
        cf_blake3_init_derive_key(&h, context, strlen(context));
    if (step == 0) {
        cf_blake3_update(&h, in, len);
    } else {
        for (size_t off = 0; off < len; off += step)
            cf_blake3_update(&h, in + off, len - off < step ? len - off : step);
    }
    cf_blake3_finalize(&h, out, out_len);
}

static void run_case(const struct cf_json *c, const char *key, const char *context)
{
    static const char *modes[3] = {"hash", "keyed_hash", "derive_key"};
    static const size_t steps[] = {0, 1, 63, 64, 65, 1000, 1024, 4096};
    uint64_t len;
    uint8_t *in, want[MAX_OUT], got[MAX_OUT];
    size_t want_len;

    if (cf_json_u64(cf_json_get(c, "input_len"), &len) != CF_OK) {
        CHECK(!"input_len");
        return;
    }
    in = malloc(len ? len : 1);
    for (uint64_t i = 0; i < len; i++)
        in[i] = (uint8_t)(i % 251);
    for (int mode = 0; mode < 3; mode++) {
        const char *hex = cf_json_string(cf_json_get(c, modes[mode]));
        if (!hex || cf_hex_decode(want, sizeof want, &want_len, hex, strlen(hex)) != CF_OK) {
            CHECK(!"expected output hex");
            continue;
        }
        for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
            if (steps[s] > len)
                continue;
            run_mode(mode, key, context, in, (size_t)len, steps[s], got, want_len);
            CHECK_MEM(got, want, want_len);
        }
        run_mode(mode, key, context, in, (size_t)len, 0, got, 32);
        CHECK_MEM(got, want, 32);
    }
    if (len <= 64) {
        cf_blake3_short(got, in, (size_t)len);
        uint8_t full[32];
        cf_blake3(full, 32, in, (size_t)len);
        CHECK_MEM(got, full, 32);
    }
    free(in);
}

int main(int argc, char **argv)
{
    char path[4096], *text = NULL;
    size_t text_len;
    struct cf_json_doc *doc = NULL;

    if (argc < 2) {
        fprintf(stderr, "usage: vec_blake3 VECTORS_DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/blake3/test_vectors.json", argv[1]);
    if (cf_read_file(path, 1 << 24, &text, &text_len) != CF_OK)
        return vec_suite_exit();
    if (cf_json_parse(text, text_len, &doc) != CF_OK) {
        fprintf(stderr, "%s: %s\n", path, cf_err_detail());
        free(text);
        vec_file_report("blake3/test_vectors.json", 0, 1);
        return vec_suite_exit();
    }
    const struct cf_json *root = cf_json_root(doc);
    const char *key = cf_json_string(cf_json_get(root, "key"));
    const char *context = cf_json_string(cf_json_get(root, "context_string"));
    const struct cf_json *cases = cf_json_get(root, "cases");
    if (!key || strlen(key) != 32 || !context || !cases) {
        CHECK(!"file shape");
    } else {
        for (const struct cf_json *c = cases->child; c; c = c->next)
            run_case(c, key, context);
    }
    vec_file_report("blake3/test_vectors.json", test_passed_count, test_failed_count);
    cf_json_free(doc);
    free(text);
    return vec_suite_exit();
}

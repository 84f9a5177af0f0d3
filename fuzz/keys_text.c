/*
 * fuzz/keys_text.c: the text parsers of the keys module: mnemonic text (normalize, to_entropy,
 * to_seed is skipped as it only hashes what normalize accepted), derivation paths and plot memos.
 * Properties: an accepted mnemonic re-encodes from its entropy to its normalized form; a parsed
 * memo rebuilds to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfarm/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), norm[CF_KEYS_MNEMONIC_MAX], again[CF_KEYS_MNEMONIC_MAX];
    uint8_t entropy[CF_KEYS_MAX_ENTROPY], memo_out[CF_KEYS_MEMO_MAX];
    uint32_t path[CF_KEYS_MAX_PATH];
    bool marked[CF_KEYS_MAX_PATH];
    struct cf_keys_memo memo;
    size_t n, words;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (cf_keys_mnemonic_normalize(norm, &words, text) == CF_OK) {
        if (words < 12 || words > 24 || strlen(norm) >= CF_KEYS_MNEMONIC_MAX)
            abort();
        if (cf_keys_mnemonic_to_entropy(entropy, &n, text) == CF_OK) {
            if (cf_keys_mnemonic_from_entropy(again, entropy, n) != CF_OK ||
                strcmp(again, norm) != 0)
                abort();
        }
    }
    cf_keys_parse_path(text, path, marked, CF_KEYS_MAX_PATH, &n);
    if (cf_keys_memo_parse(&memo, data, size) == CF_OK) {
        if (cf_keys_memo_build(memo_out, &memo) != size || memcmp(memo_out, data, size) != 0)
            abort();
    }
    free(text);
    return 0;
}

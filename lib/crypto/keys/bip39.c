/*
 * bip39.c: BIP39 English mnemonics the way Chia reads them (chia/util/keychain.py).
 *
 * A mnemonic is 12, 15, 18, 21 or 24 words of 11 bits each: the entropy followed by the first
 * ENT/32 bits of SHA-256(entropy). Chia looks each word of an ASCII mnemonic up by its first 4
 * letters (the whole word when it is shorter), so "aban" and "abandon" are the same word; the
 * seed is computed over the rebuilt full-word text.
 *
 * The words are secrets. Mapping a word to its index compares its 4-letter key against every
 * entry of the list with masks; mapping an index to a word ORs together every entry under a mask.
 * No memory address or branch depends on a word's identity. (Splitting the text at whitespace
 * does branch on where the spaces are, so word lengths are not hidden.)
 */
#include <string.h>

#include "cfarm/ct.h"
#include "cfarm/hash.h"
#include "cfarm/keys.h"
#include "keys_internal.h"

#define WORDLIST_SIZE 2048

/* A word's lookup key: its first 4 letters (zero-padded when shorter) as a number. */
static uint32_t word_key(const uint8_t *w, size_t len)
{
    uint32_t k = 0;

    for (size_t i = 0; i < 4; i++)
        k |= (uint32_t)(i < len ? w[i] : 0) << (8 * i);
    return k;
}

/* Index of the list word whose key is key; *found is all ones when there is one. */
static uint32_t lookup_ct(uint32_t key, uint64_t *found)
{
    uint64_t idx = 0, hit = 0;

    for (uint32_t j = 0; j < WORDLIST_SIZE; j++) {
        uint64_t m = cf_ct_eq_mask(word_key(cf_bip39_english_words[j], 4), key);

        idx |= m & j;
        hit |= m;
    }
    *found = hit;
    return (uint32_t)idx;
}

/* Word idx (< 2048) as 8 zero-padded bytes and its length. */
static void word_ct(uint8_t row[8], size_t *len, uint32_t idx)
{
    uint64_t acc = 0, n = 0;

    for (uint32_t j = 0; j < WORDLIST_SIZE; j++) {
        uint64_t m = cf_ct_eq_mask(j, idx), w;

        memcpy(&w, cf_bip39_english_words[j], 8);
        acc |= m & w;
        n |= m & cf_bip39_english_lens[j];
    }
    memcpy(row, &acc, 8);
    *len = (size_t)n;
}

/* Write the words of idx[0..n) single-spaced into out[CF_KEYS_MNEMONIC_MAX]. */
static void join_words(char out[CF_KEYS_MNEMONIC_MAX], const uint32_t *idx, size_t n)
{
    size_t pos = 0, len;
    uint8_t row[8];

    for (size_t i = 0; i < n; i++) {
        if (i)
            out[pos++] = ' ';
        word_ct(row, &len, idx[i]);
        memcpy(out + pos, row, 8); /* room: 23 * 9 + 8 < CF_KEYS_MNEMONIC_MAX */
        pos += len;
    }
    out[pos] = '\0';
    cf_ct_wipe(row, sizeof row);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Split text into words and look each up. On success idx[0..*n) are the indices. Errors name the
 * word by its position, never by its text.
 */
static enum cf_err parse_words(uint32_t idx[CF_KEYS_MAX_WORDS], size_t *n, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t count = 0;
    uint64_t found;

    for (const unsigned char *q = p; *q; q++)
        if (*q >= 0x80)
            return cf_err_set(CF_ERR_BAD_MNEMONIC,
                              "non-ASCII text: only the English wordlist is supported");
    for (;;) {
        const unsigned char *w;

        while (is_space(*p))
            p++;
        if (*p == '\0')
            break;
        w = p;
        while (*p && !is_space(*p))
            p++;
        if (count == CF_KEYS_MAX_WORDS)
            return cf_err_set(CF_ERR_BAD_MNEMONIC, "more than %d words", CF_KEYS_MAX_WORDS);
        idx[count] = lookup_ct(word_key(w, (size_t)(p - w)), &found);
        count++;
        if (!found)
            return cf_err_set(CF_ERR_BAD_MNEMONIC,
                              "word %zu is not in the BIP39 English list (words are matched by "
                              "their first 4 lowercase letters)",
                              count);
    }
    if (count != 12 && count != 15 && count != 18 && count != 21 && count != 24)
        return cf_err_set(CF_ERR_BAD_MNEMONIC, "%zu words (12, 15, 18, 21 or 24 expected)", count);
    *n = count;
    return CF_OK;
}

enum cf_err cf_keys_mnemonic_normalize(char out[CF_KEYS_MNEMONIC_MAX], size_t *words,
                                       const char *text)
{
    uint32_t idx[CF_KEYS_MAX_WORDS];
    size_t n = 0;
    enum cf_err err = parse_words(idx, &n, text);

    if (err == CF_OK && out)
        join_words(out, idx, n);
    if (err == CF_OK && words)
        *words = n;
    cf_ct_wipe(idx, sizeof idx);
    return err;
}

/* Bits [11i, 11i + 11) of buf, most significant first. buf has 2 bytes of slack at the end. */
static uint32_t get11(const uint8_t *buf, size_t i)
{
    size_t bit = 11 * i, byte = bit / 8;
    uint32_t v = (uint32_t)buf[byte] << 16 | (uint32_t)buf[byte + 1] << 8 | buf[byte + 2];

    return (v >> (24 - 11 - bit % 8)) & 0x7ff;
}

static void put11(uint8_t *buf, size_t i, uint32_t v)
{
    size_t bit = 11 * i, byte = bit / 8;
    uint32_t x = (v & 0x7ff) << (24 - 11 - bit % 8);

    buf[byte] |= (uint8_t)(x >> 16);
    buf[byte + 1] |= (uint8_t)(x >> 8);
    buf[byte + 2] |= (uint8_t)x;
}

enum cf_err cf_keys_mnemonic_from_entropy(char out[CF_KEYS_MNEMONIC_MAX], const uint8_t *entropy,
                                          size_t len)
{
    uint8_t buf[CF_KEYS_MAX_ENTROPY + 3] = {0}, hash[32];
    uint32_t idx[CF_KEYS_MAX_WORDS];
    size_t words = len * 3 / 4; /* (8 len + len / 4) / 11 */

    if (len < 16 || len > 32 || len % 4)
        return cf_err_set(CF_ERR_INVAL, "entropy of %zu bytes (16, 20, 24, 28 or 32)", len);
    memcpy(buf, entropy, len);
    cf_sha256(hash, entropy, len);
    buf[len] = hash[0]; /* the checksum is its first len / 4 bits; get11 reads only those */
    for (size_t i = 0; i < words; i++)
        idx[i] = get11(buf, i);
    join_words(out, idx, words);
    cf_ct_wipe(buf, sizeof buf);
    cf_ct_wipe(hash, sizeof hash);
    cf_ct_wipe(idx, sizeof idx);
    return CF_OK;
}

enum cf_err cf_keys_mnemonic_to_entropy(uint8_t entropy[CF_KEYS_MAX_ENTROPY], size_t *len,
                                        const char *text)
{
    uint8_t buf[CF_KEYS_MAX_ENTROPY + 3] = {0}, hash[32];
    uint32_t idx[CF_KEYS_MAX_WORDS];
    size_t n = 0, ent, cs;
    uint64_t ok;
    enum cf_err err = parse_words(idx, &n, text);

    if (err != CF_OK)
        goto out;
    for (size_t i = 0; i < n; i++)
        put11(buf, i, idx[i]);
    ent = n * 4 / 3;
    cs = ent / 4; /* checksum bits */
    cf_sha256(hash, buf, ent);
    ok = cf_ct_eq_mask(buf[ent] >> (8 - cs), hash[0] >> (8 - cs));
    if (!ok) {
        err = cf_err_set(CF_ERR_BAD_MNEMONIC, "checksum mismatch (a word is wrong or misplaced)");
        goto out;
    }
    memcpy(entropy, buf, ent);
    *len = ent;
out:
    cf_ct_wipe(buf, sizeof buf);
    cf_ct_wipe(hash, sizeof hash);
    cf_ct_wipe(idx, sizeof idx);
    return err;
}

enum cf_err cf_keys_mnemonic_to_seed(uint8_t seed[CF_KEYS_MNEMONIC_SEED_LEN], const char *text)
{
    char full[CF_KEYS_MNEMONIC_MAX];
    enum cf_err err = cf_keys_mnemonic_normalize(full, NULL, text);

    /* NFKD leaves ASCII unchanged, so the rebuilt text is already normalised. */
    if (err == CF_OK)
        err = cf_pbkdf2_sha512(seed, CF_KEYS_MNEMONIC_SEED_LEN, full, strlen(full), "mnemonic", 8,
                               2048);
    cf_ct_wipe(full, sizeof full);
    return err;
}

/*
 * blake3.c: portable BLAKE3 (hash, keyed_hash, derive_key; extended output).
 *
 * The input is cut into 1 KiB chunks, each compressed block by block into a chunk chaining value;
 * chunk values are merged pairwise into a binary tree whose root is compressed once more per
 * 64 bytes of output. The tree is merged lazily: a completed chunk is only folded into the
 * subtree stack when more input arrives, because the last chunk (and the last block of every
 * chunk) must be finalized with different flags.
 *
 * Written from the BLAKE3 specification; kept simple and portable (32-bit words, explicit
 * little-endian loads). The one-block path cf_blake3_short is what chiapos's Fx needs.
 */
#include "cfarm/blake3.h"

#include <string.h>

#include "cfarm/bytes.h"

enum {
    CHUNK_START = 1 << 0,
    CHUNK_END = 1 << 1,
    PARENT = 1 << 2,
    ROOT = 1 << 3,
    KEYED_HASH = 1 << 4,
    DERIVE_KEY_CONTEXT = 1 << 5,
    DERIVE_KEY_MATERIAL = 1 << 6,
};

static const uint32_t IV[8] = {
    0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au,
    0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u,
};

/* Message word order for each of the 7 rounds (the permutation applied r times). */
static const uint8_t SCHEDULE[7][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
    {3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
    {10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
    {12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
    {9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
    {11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
};

static inline uint32_t rotr32(uint32_t w, unsigned c)
{
    return (w >> c) | (w << (32 - c));
}

static inline void g(uint32_t *s, int a, int b, int c, int d, uint32_t mx, uint32_t my)
{
    s[a] = s[a] + s[b] + mx;
    s[d] = rotr32(s[d] ^ s[a], 16);
    s[c] = s[c] + s[d];
    s[b] = rotr32(s[b] ^ s[c], 12);
    s[a] = s[a] + s[b] + my;
    s[d] = rotr32(s[d] ^ s[a], 8);
    s[c] = s[c] + s[d];
    s[b] = rotr32(s[b] ^ s[c], 7);
}

/* The compression function: out gets all 16 words (the first 8 are the new chaining value). */
static void compress(uint32_t out[16], const uint32_t cv[8], const uint8_t block[64],
                     uint8_t block_len, uint64_t counter, uint8_t flags)
{
    uint32_t m[16], s[16];

    for (int i = 0; i < 16; i++)
        m[i] = cf_load_le32(block + 4 * i);
    for (int i = 0; i < 8; i++)
        s[i] = cv[i];
    s[8] = IV[0];
    s[9] = IV[1];
    s[10] = IV[2];
    s[11] = IV[3];
    s[12] = (uint32_t)counter;
    s[13] = (uint32_t)(counter >> 32);
    s[14] = block_len;
    s[15] = flags;
    for (int r = 0; r < 7; r++) {
        const uint8_t *o = SCHEDULE[r];
        g(s, 0, 4, 8, 12, m[o[0]], m[o[1]]);
        g(s, 1, 5, 9, 13, m[o[2]], m[o[3]]);
        g(s, 2, 6, 10, 14, m[o[4]], m[o[5]]);
        g(s, 3, 7, 11, 15, m[o[6]], m[o[7]]);
        g(s, 0, 5, 10, 15, m[o[8]], m[o[9]]);
        g(s, 1, 6, 11, 12, m[o[10]], m[o[11]]);
        g(s, 2, 7, 8, 13, m[o[12]], m[o[13]]);
        g(s, 3, 4, 9, 14, m[o[14]], m[o[15]]);
    }
    for (int i = 0; i < 8; i++) {
        out[i] = s[i] ^ s[i + 8];
        out[i + 8] = s[i + 8] ^ cv[i];
    }
}

/* A node whose compression is still to be done: the last block of a chunk, or a parent. The
 * root is compressed with ROOT once per 64-byte output block; anything else once for its cv. */
struct node {
    uint32_t cv[8];
    uint8_t block[64];
    uint8_t block_len;
    uint64_t counter;
    uint8_t flags;
};

static void node_cv(const struct node *n, uint32_t cv[8])
{
    uint32_t out[16];

    compress(out, n->cv, n->block, n->block_len, n->counter, n->flags);
    memcpy(cv, out, 8 * sizeof cv[0]);
}

static void parent_node(struct node *n, const uint32_t left[8], const uint32_t right[8],
                        const uint32_t key[8], uint8_t flags)
{
    memcpy(n->cv, key, sizeof n->cv);
    for (int i = 0; i < 8; i++) {
        cf_store_le32(n->block + 4 * i, left[i]);
        cf_store_le32(n->block + 32 + 4 * i, right[i]);
    }
    n->block_len = 64;
    n->counter = 0;
    n->flags = (uint8_t)(flags | PARENT);
}

/* The pending last block of the current chunk, as a node. */
static void chunk_node(const struct cf_blake3 *h, struct node *n)
{
    memcpy(n->cv, h->cv, sizeof n->cv);
    memset(n->block, 0, sizeof n->block);
    memcpy(n->block, h->block, h->block_len);
    n->block_len = h->block_len;
    n->counter = h->chunk_counter;
    n->flags = (uint8_t)(h->flags | CHUNK_END | (h->blocks_compressed == 0 ? CHUNK_START : 0));
}

static void init_with(struct cf_blake3 *h, const uint32_t key[8], uint8_t flags)
{
    memcpy(h->key, key, sizeof h->key);
    memcpy(h->cv, key, sizeof h->cv);
    h->chunk_counter = 0;
    memset(h->block, 0, sizeof h->block);
    h->block_len = 0;
    h->blocks_compressed = 0;
    h->flags = flags;
    h->stack_len = 0;
}

void cf_blake3_init(struct cf_blake3 *h)
{
    init_with(h, IV, 0);
}

void cf_blake3_init_keyed(struct cf_blake3 *h, const uint8_t key[CF_BLAKE3_KEY_LEN])
{
    uint32_t words[8];

    for (int i = 0; i < 8; i++)
        words[i] = cf_load_le32(key + 4 * i);
    init_with(h, words, KEYED_HASH);
}

void cf_blake3_init_derive_key(struct cf_blake3 *h, const void *context, size_t context_len)
{
    uint8_t context_key[CF_BLAKE3_KEY_LEN];
    uint32_t words[8];

    init_with(h, IV, DERIVE_KEY_CONTEXT);
    cf_blake3_update(h, context, context_len);
    cf_blake3_finalize(h, context_key, sizeof context_key);
    for (int i = 0; i < 8; i++)
        words[i] = cf_load_le32(context_key + 4 * i);
    init_with(h, words, DERIVE_KEY_MATERIAL);
}

/* Fold a finished chunk's cv into the stack. total_chunks counts chunks finished so far; each
 * trailing zero bit of it means a complete subtree on the stack to merge with. */
static void push_chunk_cv(struct cf_blake3 *h, uint32_t cv[8], uint64_t total_chunks)
{
    struct node n;

    while ((total_chunks & 1) == 0) {
        h->stack_len--;
        parent_node(&n, h->stack[h->stack_len], cv, h->key, h->flags);
        node_cv(&n, cv);
        total_chunks >>= 1;
    }
    memcpy(h->stack[h->stack_len], cv, 8 * sizeof cv[0]);
    h->stack_len++;
}

void cf_blake3_update(struct cf_blake3 *h, const void *in, size_t len)
{
    const uint8_t *p = in;

    while (len > 0) {
        if (h->blocks_compressed * CF_BLAKE3_BLOCK_LEN + h->block_len == CF_BLAKE3_CHUNK_LEN) {
            struct node n;
            uint32_t cv[8];

            chunk_node(h, &n);
            node_cv(&n, cv);
            push_chunk_cv(h, cv, h->chunk_counter + 1);
            memcpy(h->cv, h->key, sizeof h->cv);
            h->chunk_counter++;
            h->block_len = 0;
            h->blocks_compressed = 0;
        }
        if (h->block_len == CF_BLAKE3_BLOCK_LEN) {
            uint32_t out[16];
            uint8_t flags = (uint8_t)(h->flags | (h->blocks_compressed == 0 ? CHUNK_START : 0));

            compress(out, h->cv, h->block, CF_BLAKE3_BLOCK_LEN, h->chunk_counter, flags);
            memcpy(h->cv, out, sizeof h->cv);
            h->blocks_compressed++;
            h->block_len = 0;
        }
        size_t take = CF_BLAKE3_BLOCK_LEN - h->block_len;
        if (take > len)
            take = len;
        memcpy(h->block + h->block_len, p, take);
        h->block_len = (uint8_t)(h->block_len + take);
        p += take;
        len -= take;
    }
}

static void root_output(const struct node *n, uint8_t *out, size_t out_len)
{
    uint64_t counter = 0;
    uint32_t words[16];
    uint8_t bytes[64];

    while (out_len > 0) {
        size_t take = out_len < 64 ? out_len : 64;

        compress(words, n->cv, n->block, n->block_len, counter, (uint8_t)(n->flags | ROOT));
        for (int i = 0; i < 16; i++)
            cf_store_le32(bytes + 4 * i, words[i]);
        memcpy(out, bytes, take);
        out += take;
        out_len -= take;
        counter++;
    }
}

void cf_blake3_finalize(const struct cf_blake3 *h, uint8_t *out, size_t out_len)
{
    struct node n;
    uint32_t cv[8];

    chunk_node(h, &n);
    for (size_t i = h->stack_len; i > 0; i--) {
        node_cv(&n, cv);
        parent_node(&n, h->stack[i - 1], cv, h->key, h->flags);
    }
    root_output(&n, out, out_len);
}

void cf_blake3(uint8_t *out, size_t out_len, const void *in, size_t len)
{
    struct cf_blake3 h;

    cf_blake3_init(&h);
    cf_blake3_update(&h, in, len);
    cf_blake3_finalize(&h, out, out_len);
}

void cf_blake3_short(uint8_t out[CF_BLAKE3_OUT_LEN], const uint8_t *in, size_t len)
{
    uint8_t block[64] = {0};
    uint32_t words[16];

    if (len > CF_BLAKE3_BLOCK_LEN) {
        cf_blake3(out, CF_BLAKE3_OUT_LEN, in, len);
        return;
    }
    memcpy(block, in, len);
    compress(words, IV, block, (uint8_t)len, 0, CHUNK_START | CHUNK_END | ROOT);
    for (int i = 0; i < 8; i++)
        cf_store_le32(out + 4 * i, words[i]);
}

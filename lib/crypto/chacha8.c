/*
 * chacha8.c: ChaCha8 keystream (portable reference).
 *
 * State layout (16 little-endian 32-bit words):
 *   0..3   "expand 32-byte k"
 *   4..11  key
 *   12..13 block counter, low word first
 *   14..15 nonce
 * Eight rounds = four double rounds (a column round then a diagonal round); the block is the
 * final state plus the input state, stored little-endian.
 */
#include "cfarm/chacha8.h"

#include "cfarm/bytes.h"

static inline uint32_t rotl32(uint32_t v, unsigned n)
{
    return (v << n) | (v >> (32 - n));
}

static inline void quarter(uint32_t *x, int a, int b, int c, int d)
{
    x[a] += x[b];
    x[d] = rotl32(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = rotl32(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = rotl32(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = rotl32(x[b] ^ x[c], 7);
}

void cf_chacha8_keysetup(struct cf_chacha8 *c, const uint8_t key[32], const uint8_t nonce[8])
{
    static const uint8_t sigma[16] = "expand 32-byte k";

    for (int i = 0; i < 4; i++)
        c->input[i] = cf_load_le32(sigma + 4 * i);
    for (int i = 0; i < 8; i++)
        c->input[4 + i] = cf_load_le32(key + 4 * i);
    c->input[12] = 0;
    c->input[13] = 0;
    c->input[14] = nonce ? cf_load_le32(nonce) : 0;
    c->input[15] = nonce ? cf_load_le32(nonce + 4) : 0;
}

void cf_chacha8_keystream(const struct cf_chacha8 *c, uint64_t pos, size_t n_blocks, uint8_t *out)
{
    uint32_t j[16], x[16];

    for (int i = 0; i < 16; i++)
        j[i] = c->input[i];
    while (n_blocks--) {
        j[12] = (uint32_t)pos;
        j[13] = (uint32_t)(pos >> 32);
        for (int i = 0; i < 16; i++)
            x[i] = j[i];
        for (int r = 0; r < 8; r += 2) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++)
            cf_store_le32(out + 4 * i, x[i] + j[i]);
        out += CF_CHACHA8_BLOCK_LEN;
        pos++;
    }
}

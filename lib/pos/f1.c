/*
 * f1.c: chiapos's F1, the ChaCha8 keystream read as a sequence of k-bit values.
 *
 * The keystream is one long big-endian bit string; y for x is its bits [x*k, x*k + k), which may
 * straddle two 512-bit blocks, followed by the top 6 bits of x:
 *
 *   keystream  |.... block b ....|.... block b+1 ....|
 *                        [---- k bits ----]            starts at bit x*k
 *   y = those k bits << 6 | x >> (k - 6)
 */
#include "cfarm/pos_fx.h"

#include <string.h>

#include "cfarm/bytes.h"

void cf_pos_f1_init(struct cf_pos_f1 *f, unsigned k, const uint8_t plot_id[32])
{
    uint8_t key[32];

    key[0] = 1;
    memcpy(key + 1, plot_id, 31);
    cf_chacha8_keysetup(&f->chacha, key, NULL);
    f->k = k;
}

/* n (<= 64) bits starting at bit s of buf, big-endian; buf must have 8 readable bytes after
 * byte s/8. */
static inline uint64_t slice_bits(const uint8_t *buf, uint64_t s, unsigned n)
{
    const uint8_t *p = buf + s / 8;
    unsigned shift = (unsigned)(s % 8);
    uint64_t v = cf_load_be64(p);

    if (shift)
        v = (v << shift) | (p[8] >> (8 - shift));
    return v >> (64 - n);
}

static inline uint64_t extra_bits(uint64_t x, unsigned k)
{
    return k >= CF_POS_EXTRA_BITS ? x >> (k - CF_POS_EXTRA_BITS) : x << (CF_POS_EXTRA_BITS - k);
}

uint64_t cf_pos_f1(const struct cf_pos_f1 *f, uint64_t x)
{
    uint8_t buf[2 * CF_CHACHA8_BLOCK_LEN + 8] = {0};
    uint64_t bit = x * f->k;
    uint64_t block = bit / CF_POS_F1_BLOCK_BITS;
    unsigned start = (unsigned)(bit % CF_POS_F1_BLOCK_BITS);
    size_t blocks = start + f->k > CF_POS_F1_BLOCK_BITS ? 2 : 1;

    cf_chacha8_keystream(&f->chacha, block, blocks, buf);
    return slice_bits(buf, start, f->k) << CF_POS_EXTRA_BITS | extra_bits(x, f->k);
}

void cf_pos_f1_batch(const struct cf_pos_f1 *f, uint64_t first_x, size_t n, uint64_t *ys)
{
    /* 256 values of at most 64 bits span at most 33 blocks (one extra for a misaligned start). */
    uint8_t buf[(CF_POS_F1_BATCH * 64 / CF_POS_F1_BLOCK_BITS + 1) * CF_CHACHA8_BLOCK_LEN + 8];
    const unsigned k = f->k;

    while (n > 0) {
        size_t m = n < CF_POS_F1_BATCH ? n : CF_POS_F1_BATCH;
        uint64_t first_bit = first_x * k, end_bit = (first_x + m) * k;
        uint64_t block = first_bit / CF_POS_F1_BLOCK_BITS;
        uint64_t end_block = (end_bit + CF_POS_F1_BLOCK_BITS - 1) / CF_POS_F1_BLOCK_BITS;
        uint64_t bit = first_bit % CF_POS_F1_BLOCK_BITS;

        cf_chacha8_keystream(&f->chacha, block, (size_t)(end_block - block), buf);
        memset(buf + (end_block - block) * CF_CHACHA8_BLOCK_LEN, 0, 8);
        for (size_t i = 0; i < m; i++, bit += k)
            ys[i] = slice_bits(buf, bit, k) << CF_POS_EXTRA_BITS | extra_bits(first_x + i, k);
        first_x += m;
        ys += m;
        n -= m;
    }
}

#define F1_CHUNK 64

void cf_pos_f1_many(const struct cf_pos_f1 *f, const uint64_t *xs, size_t n, uint64_t *ys)
{
    /* Each x needs one block, or two adjacent ones when its bits straddle a block boundary. */
    uint8_t buf[2 * F1_CHUNK * CF_CHACHA8_BLOCK_LEN + 8];
    uint64_t pos[2 * F1_CHUNK];
    unsigned slot[F1_CHUNK];
    const unsigned k = f->k;

    while (n > 0) {
        size_t m = n < F1_CHUNK ? n : F1_CHUNK, blocks = 0;
        for (size_t i = 0; i < m; i++) {
            uint64_t bit = xs[i] * k;
            slot[i] = (unsigned)blocks;
            pos[blocks++] = bit / CF_POS_F1_BLOCK_BITS;
            if (bit % CF_POS_F1_BLOCK_BITS + k > CF_POS_F1_BLOCK_BITS)
                pos[blocks++] = bit / CF_POS_F1_BLOCK_BITS + 1;
        }
        cf_chacha8_blocks(&f->chacha, pos, blocks, buf);
        memset(buf + blocks * CF_CHACHA8_BLOCK_LEN, 0, 8);
        for (size_t i = 0; i < m; i++) {
            uint64_t x = xs[i];
            unsigned start = (unsigned)(x * k % CF_POS_F1_BLOCK_BITS);
            ys[i] = slice_bits(buf + (size_t)slot[i] * CF_CHACHA8_BLOCK_LEN, start, k)
                        << CF_POS_EXTRA_BITS |
                    extra_bits(x, k);
        }
        xs += m;
        ys += m;
        n -= m;
    }
}

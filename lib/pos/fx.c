/*
 * fx.c: chiapos's Fx functions (tables 2..7) and their collation (metadata) values.
 *
 * The BLAKE3 input is the bit string y (k+6) || L || R, at most (k+6) + 2*4k = 456 bits for
 * k = 50, so always a single 64-byte block:
 *
 *   table 2:  y | x_l (k)  | x_r (k)            new metadata = x_l || x_r        (2k)
 *   table 3:  y | L (2k)   | R (2k)             new metadata = L || R            (4k)
 *   table 4:  y | L (4k)   | R (4k)             new metadata = hash bits after y (4k)
 *   table 5:  y | L (4k)   | R (4k)             new metadata = hash bits after y (3k)
 *   table 6:  y | L (3k)   | R (3k)             new metadata = hash bits after y (2k)
 *   table 7:  y | L (2k)   | R (2k)             no metadata
 *
 * new y = the first k+6 bits of the 32-byte hash, read big-endian.
 */
#include "cfarm/pos_fx.h"

#include <string.h>

#include "cfarm/blake3.h"
#include "cfarm/bytes.h"
#include "cfarm/pos.h"

static const uint8_t META_MULT[8] = {0, 1, 2, 4, 4, 3, 2, 0};

unsigned cf_pos_meta_bits(unsigned k, unsigned table)
{
    return table >= 1 && table <= 7 ? k * META_MULT[table] : 0;
}

/* Big-endian bit writer with a 128-bit accumulator holding fewer than 64 pending bits. */
struct bitw {
    uint8_t *p;
    unsigned __int128 acc;
    unsigned n;
};

static inline void put(struct bitw *b, uint64_t v, unsigned nbits)
{
    if (nbits == 0)
        return;
    b->acc = (b->acc << nbits) | v;
    b->n += nbits;
    if (b->n >= 64) {
        b->n -= 64;
        cf_store_be64(b->p, (uint64_t)(b->acc >> b->n));
        b->p += 8;
        b->acc &= ((unsigned __int128)1 << b->n) - 1;
    }
}

/* Append a metadata value of nbits bits, most significant limb first. */
static void put_meta(struct bitw *b, const struct cf_pos_meta *m, unsigned nbits)
{
    unsigned limbs = (nbits + 63) / 64;

    for (unsigned i = limbs; i > 0; i--) {
        unsigned width = i == limbs ? nbits - 64 * (limbs - 1) : 64;
        put(b, m->w[i - 1], width);
    }
}

/* Write the pending bits left-aligned into whole bytes; returns the bytes written in total. */
static size_t finish(struct bitw *b, uint8_t *start)
{
    while (b->n >= 8) {
        b->n -= 8;
        *b->p++ = (uint8_t)(b->acc >> b->n);
    }
    if (b->n > 0)
        *b->p++ = (uint8_t)(b->acc << (8 - b->n));
    b->n = 0;
    return (size_t)(b->p - start);
}

/* out = a << bits(b) | b, for a, b of `bits` bits each (bits <= 100, result <= 200 bits). */
static void concat(struct cf_pos_meta *out, const struct cf_pos_meta *a,
                   const struct cf_pos_meta *b, unsigned bits)
{
    struct cf_pos_meta r = {{0, 0, 0, 0}};
    unsigned limb = bits / 64, shift = bits % 64;

    for (unsigned i = 0; i + limb < 4; i++) {
        r.w[i + limb] |= a->w[i] << shift;
        if (shift && i + limb + 1 < 4)
            r.w[i + limb + 1] |= a->w[i] >> (64 - shift);
    }
    for (unsigned i = 0; i < 4; i++)
        r.w[i] |= b->w[i];
    *out = r;
}

/* The `bits` bits of hash starting at bit `start`, as a metadata value. */
static void hash_bits(struct cf_pos_meta *out, const uint8_t hash[32], unsigned start,
                      unsigned bits)
{
    uint8_t pad[32 + 9] = {0};
    unsigned end = start + bits;

    memcpy(pad, hash, 32);
    for (unsigned i = 0; i < 4; i++) {
        if (64 * i >= bits) {
            out->w[i] = 0;
            continue;
        }
        unsigned width = bits - 64 * i < 64 ? bits - 64 * i : 64;
        unsigned s = end - 64 * i - width; /* first bit of this limb */
        const uint8_t *p = pad + s / 8;
        uint64_t v = cf_load_be64(p);

        if (s % 8)
            v = (v << (s % 8)) | (p[8] >> (8 - s % 8));
        out->w[i] = v >> (64 - width);
    }
}

/* The BLAKE3 input for one Fx, zero-padded to 64 bytes; returns its length in bytes. At most
 * 456 bits, so the writer's 8-byte stores stay inside the block. */
static uint8_t fx_input(uint8_t block[64], unsigned k, unsigned table, uint64_t y_left,
                        const struct cf_pos_meta *left, const struct cf_pos_meta *right)
{
    struct bitw b = {block, 0, 0};
    unsigned in_bits = cf_pos_meta_bits(k, table - 1);

    put(&b, y_left, k + CF_POS_EXTRA_BITS);
    put_meta(&b, left, in_bits);
    put_meta(&b, right, in_bits);
    size_t len = finish(&b, block);
    memset(block + len, 0, 64 - len);
    return (uint8_t)len;
}

/* New y and metadata from the hash. left/right may alias meta_out. */
static void fx_output(const uint8_t hash[32], unsigned k, unsigned table,
                      const struct cf_pos_meta *left, const struct cf_pos_meta *right,
                      uint64_t *y_out, struct cf_pos_meta *meta_out)
{
    unsigned ybits = k + CF_POS_EXTRA_BITS;
    struct cf_pos_meta out = {{0, 0, 0, 0}};

    *y_out = cf_load_be64(hash) >> (64 - ybits);
    if (table < 4)
        concat(&out, left, right, cf_pos_meta_bits(k, table - 1));
    else if (table < 7)
        hash_bits(&out, hash, ybits, cf_pos_meta_bits(k, table));
    *meta_out = out;
}

void cf_pos_fx(unsigned k, unsigned table, uint64_t y_left, const struct cf_pos_meta *left,
               const struct cf_pos_meta *right, uint64_t *y_out, struct cf_pos_meta *meta_out)
{
    uint8_t block[64], hash[32];

    if (table < 2 || table > 7 || k == 0 || k > CF_POS_K_MAX) {
        *y_out = 0;
        memset(meta_out, 0, sizeof *meta_out);
        return;
    }
    cf_blake3_short(hash, block, fx_input(block, k, table, y_left, left, right));
    fx_output(hash, k, table, left, right, y_out, meta_out);
}

#define FX_CHUNK 16

void cf_pos_fx_many(unsigned k, unsigned table, size_t n, const uint64_t *y_left,
                    const struct cf_pos_meta *left, const struct cf_pos_meta *right,
                    uint64_t *y_out, struct cf_pos_meta *meta_out)
{
    uint8_t blocks[64 * FX_CHUNK], lens[FX_CHUNK], hashes[32 * FX_CHUNK];

    if (table < 2 || table > 7 || k == 0 || k > CF_POS_K_MAX) {
        memset(y_out, 0, n * sizeof *y_out);
        memset(meta_out, 0, n * sizeof *meta_out);
        return;
    }
    for (size_t done = 0; done < n; done += FX_CHUNK) {
        size_t m = n - done < FX_CHUNK ? n - done : FX_CHUNK;
        for (size_t i = 0; i < m; i++)
            lens[i] = fx_input(blocks + 64 * i, k, table, y_left[done + i], &left[done + i],
                               &right[done + i]);
        cf_blake3_short_many(hashes, blocks, lens, m);
        for (size_t i = 0; i < m; i++)
            fx_output(hashes + 32 * i, k, table, &left[done + i], &right[done + i],
                      &y_out[done + i], &meta_out[done + i]);
    }
}

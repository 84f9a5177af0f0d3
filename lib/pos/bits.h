/*
 * bits.h (internal to lib/pos): big-endian bit fields, as chiapos packs everything in a plot:
 * bit 0 is the most significant bit of byte 0. Every read is bounds-checked against the buffer
 * length by the caller's arithmetic; these helpers never read outside [buf, buf + len).
 */
#ifndef CFARM_POS_BITS_H
#define CFARM_POS_BITS_H

#include <stddef.h>
#include <stdint.h>

/* nbits (1..64) starting at bit off; bits past len read as 0. */
static inline uint64_t cf_bits_get(const uint8_t *buf, size_t len, uint64_t off, unsigned nbits)
{
    uint64_t byte = off / 8, v = 0;
    unsigned skip = (unsigned)(off % 8), have = 0;
    /* Gather up to 9 bytes covering the field into a 128-bit window. */
    unsigned __int128 w = 0;
    unsigned need = (skip + nbits + 7) / 8;

    for (unsigned i = 0; i < need; i++) {
        uint8_t b = byte + i < len ? buf[byte + i] : 0;
        w = (w << 8) | b;
        have += 8;
    }
    w >>= have - skip - nbits;
    v = (uint64_t)w;
    if (nbits < 64)
        v &= ((uint64_t)1 << nbits) - 1;
    return v;
}

/* Up to 128 bits (line points reach 2k = 100 bits). */
static inline unsigned __int128 cf_bits_get128(const uint8_t *buf, size_t len, uint64_t off,
                                               unsigned nbits)
{
    if (nbits <= 64)
        return cf_bits_get(buf, len, off, nbits);
    unsigned hi = nbits - 64;
    return ((unsigned __int128)cf_bits_get(buf, len, off, hi) << 64) |
           cf_bits_get(buf, len, off + hi, 64);
}

#endif

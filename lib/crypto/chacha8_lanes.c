/*
 * chacha8_lanes.c: ChaCha8 blocks for CF_LANES arbitrary block counters side by side (F1 of
 * scattered x values, as in proof verification). Word j of every lane's state sits in one vector.
 */
#include <string.h>

#include "cfarm/bytes.h"
#include "cfarm/chacha8.h"
#include "lanes.h"

static inline cf_lane_u32 rotl(cf_lane_u32 v, unsigned n)
{
    return (v << n) | (v >> (32 - n));
}

static inline void quarter(cf_lane_u32 *x, int a, int b, int c, int d)
{
    x[a] += x[b];
    x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = rotl(x[b] ^ x[c], 7);
}

/* Exactly CF_LANES blocks. */
static void blocks_lanes(const struct cf_chacha8 *c, const uint64_t *pos, uint8_t *out)
{
    cf_lane_u32 j[16], x[16];

    for (int i = 0; i < 16; i++)
        j[i] = cf_lane_splat(c->input[i]);
    for (int l = 0; l < CF_LANES; l++) {
        j[12][l] = (uint32_t)pos[l];
        j[13][l] = (uint32_t)(pos[l] >> 32);
    }
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
    for (int i = 0; i < 16; i++) {
        cf_lane_u32 w = x[i] + j[i];
        for (int l = 0; l < CF_LANES; l++)
            cf_store_le32(out + 64 * l + 4 * i, w[l]);
    }
}

void cf_chacha8_blocks(const struct cf_chacha8 *c, const uint64_t *pos, size_t n, uint8_t *out)
{
    while (n >= CF_LANES) {
        blocks_lanes(c, pos, out);
        pos += CF_LANES;
        out += 64 * CF_LANES;
        n -= CF_LANES;
    }
    if (n > 0) {
        uint64_t p[CF_LANES] = {0};
        uint8_t o[64 * CF_LANES];
        memcpy(p, pos, n * sizeof p[0]);
        blocks_lanes(c, p, o);
        memcpy(out, o, 64 * n);
    }
}
